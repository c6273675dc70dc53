//! Exercise `wasi-greeting`: the host. Usage: `host <guest.wasm> [name]`.
//!
//! The guest cannot see the host's environment: it sees only what the host puts
//! in its WASI context.

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: wasi-greeting-host <guest.wasm> [name]");
    };

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;

    // EXERCISE: when a name is given, hand it to the guest as the environment
    // variable `GREETING_NAME`.
    let mut wasi = WasiCtxBuilder::new();
    wasi.inherit_stdio();
    if let Some(name) = args.get(2) {
        wasi.env("GREETING_NAME", name);
    }
    let mut store = Store::new(&engine, wasi.build_p1());

    let instance = linker.instantiate(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }
    let greet = instance
        .get_typed_func::<(), ()>(&mut store, "greet")
        .with_context(|| format!("`{path}` must export `greet` as fn()"))?;
    greet.call(&mut store, ())?;
    Ok(())
}
