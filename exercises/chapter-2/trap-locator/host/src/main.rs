//! Exercise `trap-locator`: the host. Usage: `trap-locator-host <guest.wasm> <export> <n>`.
//!
//! It calls `<export>(n)` in the guest (`score`, `mean` or `peek`) and prints
//! the answer. When the guest traps, the error alone says little; you make
//! the host tell where, in the guest's source, the trap happened.

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

const USAGE: &str = "usage: trap-locator-host <guest.wasm> <export> <n>";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, export, n] = args.as_slice() else {
        bail!("{USAGE}");
    };
    let n = n
        .parse::<i32>()
        .with_context(|| format!("`{n}` is not a 32-bit integer ({USAGE})"))?;

    // EXERCISE: (1 of 2) the guest's .wasm holds debug info (it is built in
    // debug). Make Wasmtime read it when the guest traps, so that each frame
    // of the trap's backtrace knows its source file and line.
    let config = Config::new();
    let engine = Engine::new(&config)?;

    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    let instance = linker.instantiate(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }
    let function = instance
        .get_typed_func::<i32, i32>(&mut store, export)
        .with_context(|| format!("`{path}` must export `{export}` as fn(i32) -> i32"))?;

    let call = format!("{export}({n})");
    match function.call(&mut store, n) {
        Ok(answer) => {
            println!("From host: {call} = {answer}");
            Ok(())
        }
        Err(err) => {
            report_trap(&call, &err);
            Err(err.context(format!("the guest trapped in {call}")))
        }
    }
}

// EXERCISE: (2 of 2) print on stdout where the guest trapped, like this:
//
//     From host: score(555) failed: wasm trap: wasm `unreachable` instruction executed
//     From host:   at lib.rs:61
//     From host:   at lib.rs:15
//
// The first line names the call and the trap: the `wasmtime::Trap` inside
// the error, as it displays. Then one line per frame of the guest's own code,
// innermost first: the name of its source file (not the whole path) and the
// line. The guest's own code is the file of the export's frame, which is the
// outermost frame that has a source location; frames in other files (Rust's
// standard library, WASI's libc) are left out.
fn report_trap(call: &str, err: &wasmtime::Error) {
    let _ = (call, err);
}
