//! The grader's game for the `keep-state` exercise: one patroller moved by
//! the script for 15 frames, with a reload after frame 6, done the way
//! chapter 10's game does it: the same module instantiated again in a new
//! `Store`, the old version's `save()` handed to the new version's `load`
//! when the script exports both. `keep-state-host SCRIPT.wasm`. You do not
//! need to change this file.

use std::path::Path;
use std::process::ExitCode;

use wasmtime::error::Context;
use wasmtime::{Caller, Config, Engine, Instance, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

const FRAMES: u32 = 15;
const RELOAD_AFTER: u32 = 6;
const FUEL_PER_TURN: u64 = 100_000;

/// The store's data: where the patroller stands (the host keeps it).
struct Turn {
    wasi: WasiP1Ctx,
    at: (i32, i32),
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("Error: usage: keep-state-host SCRIPT.wasm");
        return ExitCode::from(1);
    };
    match play(Path::new(&path)).with_context(|| format!("playing with `{path}`")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// A new version of the script: a new store, the patroller standing at `at`.
fn start(
    engine: &Engine,
    linker: &Linker<Turn>,
    module: &Module,
    at: (i32, i32),
) -> Result<(Store<Turn>, Instance)> {
    let turn = Turn {
        wasi: WasiCtxBuilder::new().inherit_stderr().build_p1(),
        at,
    };
    let mut store = Store::new(engine, turn);
    store.set_fuel(FUEL_PER_TURN)?;
    let instance = linker
        .instantiate(&mut store, module)
        .context("cannot instantiate it")?;
    Ok((store, instance))
}

fn think(store: &mut Store<Turn>, instance: &Instance) -> Result<()> {
    let think = instance
        .get_typed_func::<u32, ()>(&mut *store, "think")
        .context("it must export `think` as fn(u32)")?;
    store.set_fuel(FUEL_PER_TURN)?;
    think.call(&mut *store, 1).context("`think` failed")
}

fn play(path: &Path) -> Result<()> {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config)?;
    let mut linker: Linker<Turn> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |t: &mut Turn| &mut t.wasi)?;
    linker.func_wrap(
        "host",
        "step",
        |mut c: Caller<'_, Turn>, dx: i32, dy: i32| -> Result<()> {
            if !(-1..=1).contains(&dx) || !(-1..=1).contains(&dy) {
                bail!("host::step: a step is at most one cell each way, not ({dx}, {dy})");
            }
            let at = &mut c.data_mut().at;
            *at = (at.0 + dx, at.1 + dy);
            Ok(())
        },
    )?;
    let module = Module::from_file(&engine, path).context("cannot load it")?;

    let (mut store, mut instance) = start(&engine, &linker, &module, (10, 5))?;
    for _ in 0..RELOAD_AFTER {
        think(&mut store, &instance)?;
    }
    // The reload: a new store; the world (the position) stays with the host.
    let (mut new_store, new_instance) = start(&engine, &linker, &module, store.data().at)?;
    let save = instance.get_typed_func::<(), u64>(&mut store, "save");
    let load = new_instance.get_typed_func::<u64, ()>(&mut new_store, "load");
    match (save, load) {
        (Ok(save), Ok(load)) => {
            let state = save.call(&mut store, ()).context("`save` failed")?;
            load.call(&mut new_store, state).context("`load` failed")?;
            println!(
                "reloaded after frame {RELOAD_AFTER}: `save` gave {state}, handed over to `load`"
            );
        }
        _ => println!(
            "reloaded after frame {RELOAD_AFTER}: no state handed over (the script exports no `save() -> u64` and `load(u64)`)"
        ),
    }
    (store, instance) = (new_store, new_instance);
    for _ in RELOAD_AFTER..FRAMES {
        think(&mut store, &instance)?;
    }
    let (x, y) = store.data().at;
    println!("after {FRAMES} frames the patroller is at ({x}, {y})");
    Ok(())
}
