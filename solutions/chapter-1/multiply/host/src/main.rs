//! Exercise `multiply`: the host. It takes the guest module's path as its argument;
//! `cargo xtask check chapter-1` builds guest and host and runs it for you.

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

fn main() -> Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        bail!("usage: multiply-host <guest.wasm>");
    };

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, &path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    let instance = linker.instantiate(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }

    // EXERCISE: call the guest's `multiply` with 6 and 7, then print
    // `From host: 6 * 7 = <the answer>`.
    let multiply = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "multiply")
        .with_context(|| format!("`{path}` must export `multiply` as fn(i32, i32) -> i32"))?;
    let answer = multiply.call(&mut store, (6, 7))?;
    println!("From host: 6 * 7 = {answer}");
    Ok(())
}
