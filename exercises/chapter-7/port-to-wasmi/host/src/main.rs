//! Exercise `port-to-wasmi`: chapter 1's host, ported from Wasmtime to wasmi.
//! Usage: `host <guest.wasm>`. It runs the guest's `sum(5, 4)` and prints
//! the answer, exactly as chapter 1's host does.

use std::path::Path;

use anyhow::{Context, Result, bail};

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

// EXERCISE: do in wasmi what chapter 1's host does in Wasmtime. Make an
// `Engine`, a `Module` of `wasm`, a `Linker<WasiCtx>` with WASI preview 1 in
// it (`wasmi_wasi::add_to_linker`), and a `Store` whose data is a `WasiCtx`
// that lets the guest use our stdout. Instantiate, run `_initialize` when the
// guest exports it, then call `sum(5, 4)` and return its answer.
fn sum_in_wasmi(wasm: &[u8]) -> Result<i32> {
    let _ = wasm;
    bail!("not ported to wasmi yet")
}
