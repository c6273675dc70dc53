//! Run a WASI command, and stop it if it runs for more than a second.
//!
//! `host MODULE.wasm [ARGS...]`: exits with the guest's own code, with 3 and
//! the line `<module>: ran out of time after 1 s` on stderr when the deadline
//! stopped it, and with 1 on any other error.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Result, Store};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

/// How long the guest may run.
const DEADLINE: Duration = Duration::from_secs(1);
/// How often the engine's epoch should advance.
const TICK: Duration = Duration::from_millis(10);

fn main() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let path = args.next().context("usage: host MODULE.wasm [ARGS...]")?;
    let guest_args: Vec<String> = args.collect();
    let name = Path::new(&path)
        .file_name()
        .map_or(path.clone(), |n| n.to_string_lossy().into_owned());

    let mut config = Config::new();
    // Compiled code checks the engine's epoch at every loop head and call.
    config.epoch_interruption(true);
    let engine = Engine::new(&config)?;
    let module =
        Module::from_file(&engine, &path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let wasi = WasiCtxBuilder::new()
        .inherit_stdout()
        .inherit_stderr()
        .arg(&name)
        .args(&guest_args)
        .build_p1();
    let mut store = Store::new(&engine, wasi);
    // The deadline in ticks, one more for the tick already under way.
    let ticks = DEADLINE.as_millis().div_ceil(TICK.as_millis()) as u64 + 1;
    store.set_epoch_deadline(ticks);
    let ticker = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = ticker.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(TICK);
        }
    });

    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .with_context(|| format!("`{path}` is not a WASI command"))?;
    match start.call(&mut store, ()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err) => {
            if let Some(exit) = err.downcast_ref::<I32Exit>() {
                return Ok(ExitCode::from(exit.0 as u8));
            }
            if let Some(wasmtime::Trap::Interrupt) = err.downcast_ref::<wasmtime::Trap>() {
                eprintln!("{name}: ran out of time after {} s", DEADLINE.as_secs());
                return Ok(ExitCode::from(3));
            }
            Err(err.context(format!("`{name}` trapped")))
        }
    }
}
