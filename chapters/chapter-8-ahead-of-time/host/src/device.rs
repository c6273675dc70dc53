//! The device's side: the engine it runs modules in, how it loads a module it
//! trusts, chapter 1's call, and its update loop. Both hosts of the chapter
//! use this file (the runtime-only host includes it with `#[path]`); only the
//! full host can compile plain WebAssembly (`crate::compile`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;
use ed25519_compact::PublicKey;
use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Precompiled, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

use crate::trust::{self, Verified};

// ANCHOR: commands
/// The device's commands: the same in both hosts.
#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Verify FILE.sig, then run chapter 1's `sum` from FILE (.cwasm, or .wasm
    /// on a host with a compiler)
    Run {
        #[arg(long)]
        trust: PathBuf,
        file: PathBuf,
        /// The device's target, if it is not this machine (`pulley64`)
        #[arg(long)]
        target: Option<String>,
        /// Print this process's peak memory on stderr at the end
        #[arg(long)]
        peak_memory: bool,
    },
    /// Be the device: run the installed module in a loop, taking updates from DIR
    Device {
        #[arg(long)]
        trust: PathBuf,
        #[arg(long)]
        updates: PathBuf,
        #[arg(long)]
        target: Option<String>,
        /// Stop after this many ticks (forever when left out)
        #[arg(long)]
        ticks: Option<u64>,
        /// The pause between ticks
        #[arg(long, default_value_t = 1000)]
        pause_ms: u64,
    },
}

pub fn run_command(command: DeviceCommand) -> Result<()> {
    match command {
        DeviceCommand::Run {
            trust,
            file,
            target,
            peak_memory,
        } => {
            run_file(&trust, &file, target.as_deref())
                .with_context(|| format!("running `{}`", file.display()))?;
            if peak_memory {
                eprintln!("peak memory: {} KiB", peak_memory_kib()?);
            }
            Ok(())
        }
        DeviceCommand::Device {
            trust,
            updates,
            target,
            ticks,
            pause_ms,
        } => device(&trust, &updates, target.as_deref(), ticks, pause_ms),
    }
}
// ANCHOR_END: commands

// ANCHOR: run_file
/// `run`: the signature first, then the module, then chapter 1's call.
pub fn run_file(trusted_key: &Path, file: &Path, target: Option<&str>) -> Result<()> {
    let trusted = trust::read_public_key(trusted_key)?;
    let verified = trust::verify(&trusted, file)?;
    let engine = Engine::new(&device_config(target)?)?;
    let module = load(&engine, &verified).context("cannot load it")?;
    run_sum(&engine, &module)
}
// ANCHOR_END: run_file

/// `device`: the engine and the key, then the loop.
pub fn device(
    trust: &Path,
    updates: &Path,
    target: Option<&str>,
    ticks: Option<u64>,
    pause_ms: u64,
) -> Result<()> {
    let engine = Engine::new(&device_config(target)?)?;
    let trusted = trust::read_public_key(trust)?;
    run_device(
        &engine,
        &trusted,
        updates,
        ticks,
        Duration::from_millis(pause_ms),
    )
}

// ANCHOR: config
/// The device's engine settings: for a small device without virtual memory
/// tricks. The build machine compiles with these same settings, because a
/// module compiled with other ones is refused (the code depends on them).
pub fn device_config(target: Option<&str>) -> Result<Config> {
    let mut config = Config::new();
    if let Some(target) = target {
        // Another machine's triple (`aarch64-unknown-linux-gnu`), or
        // `pulley64`: Wasmtime's interpreter, which runs anywhere.
        config.target(target)?;
    }
    // No signal handlers: out-of-bounds accesses and divisions by zero are
    // caught by checks compiled into the code, not by the processor.
    config.signals_based_traps(false);
    // No address space reserved for memories to grow into, no guard pages
    // around them: a memory takes what it uses, and each access is checked.
    config.memory_reservation(0);
    config.memory_guard_size(0);
    config.memory_reservation_for_growth(0);
    config.guard_before_linear_memory(false);
    // Memories are filled by copying, not by mapping the module's image.
    config.memory_init_cow(false);
    Ok(config)
}
// ANCHOR_END: config

// ANCHOR: load
/// Load a module whose signature verified: a precompiled one is deserialized,
/// plain WebAssembly is compiled (by a host that has a compiler).
pub fn load(engine: &Engine, verified: &Verified) -> Result<Module> {
    let bytes = &verified.bytes;
    match Engine::detect_precompiled(bytes) {
        // SAFETY: `deserialize` runs these bytes as machine code, checking
        // little more than Wasmtime's version and settings. They are safe to
        // load because they are exactly what our build machine's
        // `precompile_module` wrote: their signature verified against the
        // key we trust, and they are the very bytes that were checked.
        Some(Precompiled::Module) => unsafe { Module::deserialize(engine, bytes) },
        Some(Precompiled::Component) => bail!("it is a component; this device runs modules"),
        None if bytes.starts_with(b"\0asm") => crate::compile(engine, bytes),
        None => bail!("it is neither WebAssembly nor a module Wasmtime precompiled"),
    }
}
// ANCHOR_END: load

// ANCHOR: run_sum
/// Chapter 1's call: instantiate with WASI, run `_initialize`, call `sum(5, 4)`.
pub fn run_sum(engine: &Engine, module: &Module) -> Result<()> {
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    let instance = linker.instantiate(&mut store, module)?;
    if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        init.call(&mut store, ())
            .context("it trapped in `_initialize`")?;
    }
    let sum = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "sum")
        .context("it must export `sum` as fn(i32, i32) -> i32")?;
    let answer = sum
        .call(&mut store, (5, 4))
        .context("it trapped in `sum`")?;
    println!("From host: Answer returned to the host VM: {answer:?}");
    Ok(())
}
// ANCHOR_END: run_sum

/// The module a device runs, and where it came from.
struct Installed {
    name: String,
    version: u64,
    module: Module,
}

// ANCHOR: device_loop
/// The device: each tick, take the oldest update waiting in `updates` (if
/// any), install it if it verifies and loads, then run the installed module.
/// A refused update is moved to `updates/rejected/`; the old module stays.
pub fn run_device(
    engine: &Engine,
    trusted: &PublicKey,
    updates: &Path,
    ticks: Option<u64>,
    pause: Duration,
) -> Result<()> {
    if !updates.is_dir() {
        bail!("the updates folder `{}` is not a folder", updates.display());
    }
    let mut current: Option<Installed> = None;
    let mut tick = 0;
    while ticks.is_none_or(|n| tick < n) {
        tick += 1;
        println!("tick {tick}:");
        if let Some((name, file)) = oldest_update(updates)? {
            match install(engine, trusted, &name, &file) {
                Ok(new) => {
                    println!("  installed {name}, version {}", new.version);
                    set_aside(updates, &file, "installed")?;
                    current = Some(new);
                }
                Err(err) => {
                    println!("  refused {name}: {err:#}");
                    if let Some(old) = &current {
                        println!("  keeping {}, version {}", old.name, old.version);
                    }
                    set_aside(updates, &file, "rejected")?;
                }
            }
        }
        match &current {
            Some(installed) => {
                if let Err(err) = run_sum(engine, &installed.module) {
                    println!("  error: {} failed: {err:#}", installed.name);
                }
            }
            None => println!("  nothing installed yet"),
        }
        std::thread::sleep(pause);
    }
    Ok(())
}
// ANCHOR_END: device_loop

// ANCHOR: install
/// Verify, then load: the bytes are deserialized only once their signature
/// holds, and the device's module changes only once they have loaded.
fn install(engine: &Engine, trusted: &PublicKey, name: &str, file: &Path) -> Result<Installed> {
    let verified = trust::verify(trusted, file)?;
    let module = load(engine, &verified)?;
    Ok(Installed {
        name: name.to_string(),
        version: verified.version,
        module,
    })
}
// ANCHOR_END: install

// ANCHOR: oldest_update
/// The update to try next: the first `*.cwasm` or `*.wasm` by name. The
/// `.sig` arrives first and the module last, under a temporary name that is
/// then renamed (`download`): a module half written is never under a name
/// this looks at.
fn oldest_update(updates: &Path) -> Result<Option<(String, PathBuf)>> {
    let entries = std::fs::read_dir(updates)
        .with_context(|| format!("cannot list the updates folder `{}`", updates.display()))?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".cwasm") || name.ends_with(".wasm") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names
        .into_iter()
        .next()
        .map(|n| (n.clone(), updates.join(n))))
}
// ANCHOR_END: oldest_update

/// Move an update and its signature out of the way, into `updates/<folder>/`.
fn set_aside(updates: &Path, file: &Path, folder: &str) -> Result<()> {
    let dir = updates.join(folder);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    for from in [file.to_path_buf(), trust::sig_path(file)] {
        if let Some(name) = from.file_name().filter(|_| from.exists()) {
            std::fs::rename(&from, dir.join(name)).with_context(|| {
                format!("cannot move `{}` to `{}`", from.display(), dir.display())
            })?;
        }
    }
    Ok(())
}

/// `--peak-memory`: this process's peak resident memory, from Linux's
/// `/proc/self/status` (`VmHWM`), in KiB.
pub fn peak_memory_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")
        .context("cannot read /proc/self/status (peak memory is measured on Linux only)")?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .context("/proc/self/status has no VmHWM line")?;
    let kib = line.trim().trim_end_matches("kB").trim();
    kib.parse::<u64>().context("VmHWM is not a number")
}
