//! Chapter 8, the device: the same device as `chapter-8-host device`, built
//! against a Wasmtime with no compiler (`runtime` and `pulley` only). It
//! loads precompiled modules and runs them; it cannot compile one.
//!
//! Without arguments it is the device of `cargo xtask run chapter-8`: it
//! trusts the key the build machine's story made, and takes the updates that
//! story delivered, one a tick, as a Pulley device.

// ANCHOR: shared
// The device's code is the full host's, file for file.
#[path = "../../host/src/device.rs"]
mod device;
#[path = "../../host/src/trust.rs"]
mod trust;
// ANCHOR_END: shared

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand};
use wasmtime::error::Context;
use wasmtime::{Engine, Module, Result, bail};

#[derive(Parser)]
#[command(name = "chapter-8-host-device")]
/// A device that runs only signed, precompiled modules; without a command,
/// the device of `cargo xtask run chapter-8` (six ticks, as a Pulley device).
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Verify FILE.sig, then run chapter 1's `sum` from the precompiled FILE
    Run {
        #[arg(long)]
        trust: PathBuf,
        file: PathBuf,
        /// The target FILE was compiled for, if not this machine (`pulley64`)
        #[arg(long)]
        target: Option<String>,
        /// Print this process's peak memory on stderr at the end
        #[arg(long)]
        peak_memory: bool,
    },
    /// Run the installed module in a loop, taking updates from DIR
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

fn main() -> Result<()> {
    match Cli::parse().command {
        Some(Command::Run {
            trust,
            file,
            target,
            peak_memory,
        }) => {
            run(&trust, &file, target.as_deref())
                .with_context(|| format!("running `{}`", file.display()))?;
            if peak_memory {
                eprintln!("peak memory: {} KiB", device::peak_memory_kib()?);
            }
            Ok(())
        }
        Some(Command::Device {
            trust,
            updates,
            target,
            ticks,
            pause_ms,
        }) => device(&trust, &updates, target.as_deref(), ticks, pause_ms),
        // ANCHOR: story
        None => {
            let dir = chapter_dir();
            println!("The device (Pulley, no compiler), taking target/chapter-8/updates/:");
            let (trust, updates) = (dir.join("keys/signing.pub"), dir.join("updates"));
            device(&trust, &updates, Some("pulley64"), Some(6), 0)
                .context("run `chapter-8-host` first: it makes the key and the updates")
        } // ANCHOR_END: story
    }
}

fn run(trusted_key: &Path, file: &Path, target: Option<&str>) -> Result<()> {
    let trusted = trust::read_public_key(trusted_key)?;
    let verified = trust::verify(&trusted, file)?;
    let engine = Engine::new(&device::device_config(target)?)?;
    let module = device::load(&engine, &verified).context("cannot load it")?;
    device::run_sum(&engine, &module)
}

fn device(
    trust: &Path,
    updates: &Path,
    target: Option<&str>,
    ticks: Option<u64>,
    pause_ms: u64,
) -> Result<()> {
    let engine = Engine::new(&device::device_config(target)?)?;
    let trusted = trust::read_public_key(trust)?;
    device::run_device(
        &engine,
        &trusted,
        updates,
        ticks,
        Duration::from_millis(pause_ms),
    )
}

// ANCHOR: compile
/// This host has no compiler: plain WebAssembly is refused.
fn compile(_engine: &Engine, _wasm: &[u8]) -> Result<Module> {
    bail!(
        "it is WebAssembly, not precompiled: this device has no compiler (precompile it on the build machine)"
    )
}
// ANCHOR_END: compile

/// `target/chapter-8/`, next to the `target/debug/` folder this program runs from.
fn chapter_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe.parent().and_then(Path::parent);
    target.unwrap_or(Path::new("target")).join("chapter-8")
}
