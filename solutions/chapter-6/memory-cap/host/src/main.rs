//! Run a WASI command with at most 16 MiB of linear memory.
//!
//! `host MODULE.wasm [ARGS...]`: exits with the guest's own code, with 5 and
//! the line `<module>: memory limit of 16 MiB reached` on stderr when the guest
//! asked for more than the cap, and with 1 on any other error (a guest that
//! crashes for another reason included).

use std::path::Path;
use std::process::ExitCode;

use wasmtime::error::Context;
use wasmtime::{
    Config, Engine, Linker, Module, ResourceLimiter, Result, Store, StoreLimits, StoreLimitsBuilder,
};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

/// The most linear memory the guest may have.
const MEMORY: usize = 16 << 20;

/// The store's data: WASI, and the limiter.
struct State {
    wasi: WasiP1Ctx,
    limiter: Limiter,
}

/// `StoreLimits`, and whether it refused to grow the memory past the cap.
struct Limiter {
    limits: StoreLimits,
    refused: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        max: Option<usize>,
    ) -> Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, max)?;
        if !allowed && desired > MEMORY {
            self.refused = true;
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        max: Option<usize>,
    ) -> Result<bool> {
        self.limits.table_growing(current, desired, max)
    }
}

fn main() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let path = args.next().context("usage: host MODULE.wasm [ARGS...]")?;
    let guest_args: Vec<String> = args.collect();
    let name = Path::new(&path)
        .file_name()
        .map_or(path.clone(), |n| n.to_string_lossy().into_owned());

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, &path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<State> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |state| &mut state.wasi)?;
    let wasi = WasiCtxBuilder::new()
        .inherit_stdout()
        .inherit_stderr()
        .arg(&name)
        .args(&guest_args)
        .build_p1();
    let limiter = Limiter {
        limits: StoreLimitsBuilder::new().memory_size(MEMORY).build(),
        refused: false,
    };
    let mut store = Store::new(&engine, State { wasi, limiter });
    store.limiter(|state| &mut state.limiter);

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
            // `memory.grow` failing is no trap: the guest's allocator gave up
            // and aborted. The limiter knows why.
            if store.data().limiter.refused {
                eprintln!("{name}: memory limit of {} MiB reached", MEMORY >> 20);
                return Ok(ExitCode::from(5));
            }
            Err(err.context(format!("`{name}` trapped")))
        }
    }
}
