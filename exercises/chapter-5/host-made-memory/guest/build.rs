//! Link this guest so that its memory comes from the host.
//!
//! By default wasm-ld gives a module a memory of its own and exports it. With
//! `--import-memory` the module instead imports its memory as `env::memory`,
//! and the host must create it and hand it in at instantiation. We keep
//! `--export-memory` too: WASI's functions (which `println!` calls) find the
//! guest's memory through its export named `memory`, whoever created it.

fn main() {
    // Only when building for WebAssembly: `cargo test --workspace` also builds
    // this crate for the native machine, whose linker knows no such flags.
    if std::env::var("CARGO_CFG_TARGET_FAMILY")
        .is_ok_and(|family| family.split(',').any(|f| f == "wasm"))
    {
        println!("cargo:rustc-link-arg-cdylib=--import-memory");
        println!("cargo:rustc-link-arg-cdylib=--export-memory");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
