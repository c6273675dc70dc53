//! Exercise `trap-as-error`: the host. Usage: `host <guest.wasm> <a> <b>`.
//!
//! It adds `a` and `b` in the guest. Bad input and a guest trap must end in a
//! clear error (exit code 1), never in a panic of the host (exit code 101).

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

// EXERCISE: read the two numbers from the command line instead of using 5 and 4.
// Without them, fail with a message that starts with `usage:`; a number that
// does not parse is an error that names it.
fn numbers(args: &[String]) -> Result<(i32, i32)> {
    let [_, _, a, b] = args else {
        bail!("usage: trap-as-error-host <guest.wasm> <a> <b>");
    };
    let a = a
        .parse::<i32>()
        .with_context(|| format!("`{a}` is not a 32-bit integer"))?;
    let b = b
        .parse::<i32>()
        .with_context(|| format!("`{b}` is not a 32-bit integer"))?;
    Ok((a, b))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: trap-as-error-host <guest.wasm> <a> <b>");
    };
    let (a, b) = numbers(&args)?;

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    let instance = linker.instantiate(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }
    let sum = instance.get_typed_func::<(i32, i32), i32>(&mut store, "sum")?;

    // EXERCISE: a trap must not crash the host. Return it as an error whose
    // message says the guest trapped and names the two numbers.
    let answer = sum
        .call(&mut store, (a, b))
        .with_context(|| format!("the guest trapped while adding {a} and {b}"))?;
    println!("From host: {a} + {b} = {answer}");
    Ok(())
}
