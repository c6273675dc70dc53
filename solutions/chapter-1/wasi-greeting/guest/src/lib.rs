//! Exercise `wasi-greeting`: the guest.
//!
//! A WASI guest reads its environment with the standard library, as a native
//! program does: `std::env::var` ends up in the WASI calls `environ_sizes_get`
//! and `environ_get`, answered by the host.

// EXERCISE: greet the name in the environment variable `GREETING_NAME`, or
// `stranger` when it is not set: `From WASM: Hello, <name>!`.
#[unsafe(no_mangle)]
pub extern "C" fn greet() {
    let name = std::env::var("GREETING_NAME").unwrap_or_else(|_| "stranger".to_string());
    println!("From WASM: Hello, {name}!");
}
