//! Exercise `isqrt-bugs`: the host, given (you fix the guest). It is chapter 2's
//! host: set up so that gdb and LLDB see the guest's source.
//!
//! Usage: `isqrt-bugs-host <guest.wasm> <n>...`; it prints `isqrt(n)` for
//! each `n`. Run it under a debugger to step through the guest (see the
//! commands at the top of guest/src/lib.rs).

use wasmtime::error::Context;
use wasmtime::{
    Config, Engine, Linker, Module, OptLevel, Result, Store, WasmBacktraceDetails, bail,
};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: isqrt-bugs-host <guest.wasm> <n>...");
    };
    let numbers = args[2..]
        .iter()
        .map(|n| {
            n.parse::<i32>()
                .with_context(|| format!("`{n}` is not a 32-bit integer"))
        })
        .collect::<Result<Vec<i32>>>()?;

    // Chapter 2's three settings: debug info for the debugger, no
    // optimisation (so that variables stay readable), and the guest's file
    // and line in the backtrace of a trap.
    let mut config = Config::new();
    config.debug_info(true);
    config.cranelift_opt_level(OptLevel::None);
    config.wasm_backtrace_details(WasmBacktraceDetails::Enable);
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
    let isqrt = instance
        .get_typed_func::<i32, i32>(&mut store, "isqrt")
        .with_context(|| format!("`{path}` must export `isqrt` as fn(i32) -> i32"))?;
    for n in numbers {
        let root = isqrt
            .call(&mut store, n)
            .with_context(|| format!("the guest trapped in isqrt({n})"))?;
        println!("From host: isqrt({n}) = {root}");
    }
    Ok(())
}
