//! Chapter 1, the host: a native Rust program that embeds the Wasmtime VM,
//! loads the guest module, gives it WASI, and calls the guest's `sum`.
//!
//! Run it with `cargo xtask run chapter-1`, or hand it a module of your own:
//! `cargo run -p chapter-1-host -- path/to/module.wasm`.

// ANCHOR: imports
use std::path::{Path, PathBuf};

use wasmtime::error::Context;
use wasmtime::{Cache, CacheConfig, Config, Engine, Linker, Module, Result, Store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
// ANCHOR_END: imports

// ANCHOR: args
fn main() -> Result<()> {
    // The first argument, if there is one, is the module to run.
    let path = match std::env::args_os().nth(1) {
        Some(arg) => PathBuf::from(arg),
        None => default_guest(),
    };
    // Every error below is about this module: say so once, here.
    run(&path).with_context(|| format!("running the guest module `{}`", path.display()))
}
// ANCHOR_END: args

// ANCHOR: default_guest
/// Where `cargo xtask build chapter-1` writes the guest: in `target/wasm/`,
/// next to the `target/debug/` folder this program runs from. It is found from
/// where the program is when it runs, so it works from any current directory
/// and in a workbook folder that was moved or copied.
fn default_guest() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip1/debug/chapter_1_guest.wasm")
}
// ANCHOR_END: default_guest

fn run(path: &Path) -> Result<()> {
    // ANCHOR: engine
    // The engine compiles WebAssembly to native code. With `debug_info` on,
    // it keeps the guest's DWARF so that a native debugger can see the guest's
    // Rust source (chapter 2 puts this to work).
    let mut config = Config::new();
    config.debug_info(true);
    // Compiling takes most of a run. Wasmtime's cache keeps the compiled code
    // on disk (in `~/.cache/wasmtime`): the next run of the same module, with
    // the same settings, loads it instead.
    config.cache(Some(Cache::new(CacheConfig::new())?));
    let engine = Engine::new(&config)?;
    // ANCHOR_END: engine

    // ANCHOR: module
    // A `Module` is the compiled, not yet running, form of the .wasm file.
    let module = Module::from_file(&engine, path).context("cannot load it")?;
    // ANCHOR_END: module

    // ANCHOR: linker
    // The linker holds everything the host offers to guests. Here that is
    // WASI preview 1: the `wasi_snapshot_preview1` functions that `println!`
    // in the guest ends up calling.
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    // ANCHOR_END: linker

    // ANCHOR: store
    // The store owns all the state of running guests. Its data, a `WasiP1Ctx`
    // here, is what the WASI functions work on: we let the guest write to our
    // own stdout and stderr.
    let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
    let mut store = Store::new(&engine, wasi);
    // ANCHOR_END: store

    // ANCHOR: instantiate
    // Instantiating resolves each of the module's imports against the linker.
    let instance = linker.instantiate(&mut store, &module)?;

    // A library module built by today's Rust may export `_initialize`, which
    // sets up the guest's runtime. It must run before anything else.
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize
            .call(&mut store, ())
            .context("it trapped in `_initialize`")?;
    }
    // ANCHOR_END: instantiate

    // ANCHOR: call
    // Look up `sum` and check its signature once: `(i32, i32) -> i32`.
    let sum = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "sum")
        .context("it must export `sum` as fn(i32, i32) -> i32")?;

    // Calling into the guest returns an error if the guest traps.
    let answer = sum
        .call(&mut store, (5, 4))
        .context("it trapped in `sum`")?;
    println!("From host: Answer returned to the host VM: {answer:?}");
    // ANCHOR_END: call

    Ok(())
}
