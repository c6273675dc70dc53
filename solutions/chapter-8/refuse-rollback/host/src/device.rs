//! The device: each tick, take the oldest update waiting (if any), install it
//! if it verifies and loads, then run the installed module's `sum(5, 4)`.

use std::path::{Path, PathBuf};

use ed25519_compact::PublicKey;
use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

use crate::trust;

/// The module a device runs, and where it came from.
pub struct Installed {
    pub name: String,
    pub version: u64,
    pub module: Module,
}

pub fn run_device(engine: &Engine, trusted: &PublicKey, updates: &Path, ticks: u64) -> Result<()> {
    let mut current: Option<Installed> = None;
    for tick in 1..=ticks {
        println!("tick {tick}:");
        if let Some((name, file)) = oldest_update(updates)? {
            match install(engine, trusted, &name, &file, current.as_ref()) {
                Ok(new) => {
                    println!("  installed {name}, version {}", new.version);
                    current = Some(new);
                }
                Err(err) => {
                    println!("  refused {name}: {err:#}");
                    if let Some(old) = &current {
                        println!("  keeping {}, version {}", old.name, old.version);
                    }
                }
            }
            std::fs::remove_file(&file)?;
        }
        if let Some(installed) = &current {
            run_sum(engine, &installed.module)?;
        }
    }
    Ok(())
}

/// Verify, then load. `current` is the module installed now, if there is one.
fn install(
    engine: &Engine,
    trusted: &PublicKey,
    name: &str,
    file: &Path,
    current: Option<&Installed>,
) -> Result<Installed> {
    let verified = trust::verify(trusted, file)?;
    // The version is signed with the module: an old module cannot pass for
    // a new one. Refuse it before loading anything.
    if let Some(current) = current
        && verified.version <= current.version
    {
        wasmtime::bail!(
            "version {} is not newer than version {}",
            verified.version,
            current.version
        );
    }
    // SAFETY: the bytes verified: they are what our build machine compiled.
    let module =
        unsafe { Module::deserialize(engine, &verified.bytes) }.context("cannot load it")?;
    Ok(Installed {
        name: name.to_string(),
        version: verified.version,
        module,
    })
}

/// The first `*.cwasm` by name.
fn oldest_update(updates: &Path) -> Result<Option<(String, PathBuf)>> {
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(updates)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".cwasm") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names
        .into_iter()
        .next()
        .map(|n| (n.clone(), updates.join(n))))
}

/// Chapter 1's call: instantiate with WASI, run `_initialize`, call `sum(5, 4)`.
fn run_sum(engine: &Engine, module: &Module) -> Result<()> {
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    let instance = linker.instantiate(&mut store, module)?;
    if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        init.call(&mut store, ())?;
    }
    let sum = instance.get_typed_func::<(i32, i32), i32>(&mut store, "sum")?;
    let answer = sum.call(&mut store, (5, 4))?;
    println!("From host: Answer returned to the host VM: {answer:?}");
    Ok(())
}
