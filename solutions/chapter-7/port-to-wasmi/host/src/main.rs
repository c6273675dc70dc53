//! Exercise `port-to-wasmi`: chapter 1's host, ported from Wasmtime to wasmi.
//! Usage: `host <guest.wasm>`. It runs the guest's `sum(5, 4)` and prints
//! the answer, exactly as chapter 1's host does.

use std::path::Path;

use anyhow::{Context, Result, bail};
use wasmi::{Engine, Linker, Module, Store};
use wasmi_wasi::{WasiCtx, WasiCtxBuilder};

fn main() -> Result<()> {
    let Some(path) = std::env::args_os().nth(1) else {
        bail!("usage: port-to-wasmi-host <guest.wasm>");
    };
    let path = Path::new(&path);
    run(path).with_context(|| format!("running the guest module `{}`", path.display()))
}

fn run(path: &Path) -> Result<()> {
    let wasm = std::fs::read(path).context("cannot read it")?;
    let answer = sum_in_wasmi(&wasm)?;
    println!("From host: Answer returned to the host VM: {answer:?}");
    Ok(())
}

/// Chapter 1's steps in wasmi's API, which copies Wasmtime's: engine,
/// module, linker with WASI, store, instance, typed function.
fn sum_in_wasmi(wasm: &[u8]) -> Result<i32> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).context("cannot load it")?;
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |wasi| wasi)?;
    let wasi = WasiCtxBuilder::new().inherit_stdio().build();
    let mut store = Store::new(&engine, wasi);
    let instance = linker.instantiate_and_start(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&store, "_initialize") {
        initialize
            .call(&mut store, ())
            .context("it trapped in `_initialize`")?;
    }
    let sum = instance
        .get_typed_func::<(i32, i32), i32>(&store, "sum")
        .context("it must export `sum` as fn(i32, i32) -> i32")?;
    sum.call(&mut store, (5, 4)).context("it trapped in `sum`")
}
