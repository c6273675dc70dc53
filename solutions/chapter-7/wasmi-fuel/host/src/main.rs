//! Exercise `wasmi-fuel`: a wasmi host that calls one export of the guest.
//! Usage: `host <guest.wasm> <export> <n>`: it calls `export(n)` and prints
//! the result. With fuel, a guest that never returns is stopped.

use anyhow::{Context, Result, bail};
use wasmi::{Config, Engine, Linker, Module, Store, TrapCode};
use wasmi_wasi::{WasiCtx, WasiCtxBuilder};

/// How much fuel a call gets: about a million of wasmi's instructions.
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

    // wasmi counts what the guest executes, and stops it when the store's
    // fuel runs out.
    let mut config = Config::default();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wasm).with_context(|| format!("cannot load `{path}`"))?;
    // The guest is built with Rust's standard library, which imports WASI.
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build());
    store.set_fuel(FUEL)?;
    let instance = linker.instantiate_and_start(&mut store, &module)?;
    let f = instance
        .get_typed_func::<i32, i32>(&store, export)
        .with_context(|| format!("`{export}` must be a fn(i32) -> i32"))?;

    let before = store.get_fuel()?;
    let result = match f.call(&mut store, n) {
        Ok(result) => result,
        Err(err) if err.as_trap_code() == Some(TrapCode::OutOfFuel) => {
            bail!("`{export}({n})` ran out of fuel: it used all {FUEL} units and was stopped")
        }
        Err(err) => return Err(err).with_context(|| format!("`{export}({n})` failed")),
    };
    println!("From host: {export}({n}) = {result}");
    println!("From host: it used {} fuel", before - store.get_fuel()?);
    Ok(())
}
