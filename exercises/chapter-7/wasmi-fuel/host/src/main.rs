//! Exercise `wasmi-fuel`: a wasmi host that calls one export of the guest.
//! Usage: `host <guest.wasm> <export> <n>`: it calls `export(n)` and prints
//! the result. As handed out, a guest that never returns hangs it.

use anyhow::{Context, Result, bail};
use wasmi::{Config, Engine, Linker, Module, Store};
use wasmi_wasi::{WasiCtx, WasiCtxBuilder};

/// How much fuel a call gets: about a million of wasmi's instructions.
#[allow(dead_code)] // until the exercise uses it
const FUEL: u64 = 1_000_000;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, export, n] = args.as_slice() else {
        bail!("usage: wasmi-fuel-host <guest.wasm> <export> <n>");
    };
    let n: i32 = n
        .parse()
        .with_context(|| format!("`{n}` is not a number"))?;
    let wasm = std::fs::read(path).with_context(|| format!("cannot read `{path}`"))?;

    // EXERCISE: turn fuel on in the config, so that wasmi counts what the
    // guest executes.
    let config = Config::default();
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wasm).with_context(|| format!("cannot load `{path}`"))?;
    // The guest is built with Rust's standard library, which imports WASI.
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build());
    // EXERCISE: give the store FUEL units of fuel before the call.
    let instance = linker.instantiate_and_start(&mut store, &module)?;
    let f = instance
        .get_typed_func::<i32, i32>(&store, export)
        .with_context(|| format!("`{export}` must be a fn(i32) -> i32"))?;

    // EXERCISE: when the call fails because the guest ran out of fuel, say
    // so: the error must name the export and say `out of fuel`. After a call
    // that returns, also print `From host: it used {used} fuel`, where `used`
    // is what the call took from the store's fuel.
    let result = f.call(&mut store, n)?;
    println!("From host: {export}({n}) = {result}");
    Ok(())
}
