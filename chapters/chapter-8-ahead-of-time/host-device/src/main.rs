//! Chapter 8, the device: the same device as `chapter-8-host device`, built
//! against a Wasmtime with no compiler (`runtime` and `pulley` only). It
//! loads precompiled modules and runs them; it cannot compile one.
//!
//! Without arguments it is the device of `cargo xtask run chapter-8`: it
//! trusts the key the build machine's story made, downloads the updates that
//! story published, and takes them one a tick, as a Pulley device.

// ANCHOR: shared
// The device's code is the full host's, file for file.
#[path = "../../host/src/device.rs"]
mod device;
#[path = "../../host/src/trust.rs"]
mod trust;
// ANCHOR_END: shared

use std::path::{Path, PathBuf};

use clap::Parser;
use wasmtime::error::Context;
use wasmtime::{Engine, Module, Result, bail};

#[derive(Parser)]
#[command(name = "chapter-8-host-device")]
/// A device that runs only signed, precompiled modules; without a command,
/// the device of `cargo xtask run chapter-8` (six ticks, as a Pulley device).
struct Cli {
    #[command(subcommand)]
    command: Option<device::DeviceCommand>,
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Some(command) => device::run_command(command),
        // ANCHOR: story
        None => {
            let dir = chapter_dir();
            println!(
                "The device (Pulley, no compiler), with what target/chapter-8/published/ holds:"
            );
            let (trust, updates) = (dir.join("keys/signing.pub"), dir.join("device/updates"));
            download(&dir.join("published"), &updates)
                .and_then(|()| device::device(&trust, &updates, Some("pulley64"), Some(6), 0))
                .context("run `chapter-8-host` first: it makes the key and publishes the updates")
        } // ANCHOR_END: story
    }
}

// ANCHOR: compile
/// This host has no compiler: plain WebAssembly is refused.
fn compile(_engine: &Engine, _wasm: &[u8]) -> Result<Module> {
    bail!(
        "it is WebAssembly, not precompiled: this device has no compiler (precompile it on the build machine)"
    )
}
// ANCHOR_END: compile

// ANCHOR: download
/// Fetch every update of `published` (the build machine's folder: a server,
/// for a real device) into a fresh `updates` folder. Each arrives as a device
/// must take it: the `.sig` first, then the module under a temporary name,
/// renamed when complete. A rename within a folder is atomic, so the device
/// loop sees a whole module or none; it never looks at a `.part` file.
pub fn download(published: &Path, updates: &Path) -> Result<()> {
    if updates.exists() {
        std::fs::remove_dir_all(updates)
            .with_context(|| format!("cannot empty `{}`", updates.display()))?;
    }
    std::fs::create_dir_all(updates)?;
    let entries = std::fs::read_dir(published)
        .with_context(|| format!("cannot list `{}`", published.display()))?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".sig") {
            names.push(name);
        }
    }
    names.sort();
    for name in names {
        let (from, to) = (published.join(&name), updates.join(&name));
        std::fs::copy(trust::sig_path(&from), trust::sig_path(&to))?;
        let partial = updates.join(format!("{name}.part"));
        std::fs::copy(&from, &partial)?;
        std::fs::rename(&partial, &to)?;
    }
    Ok(())
}
// ANCHOR_END: download

/// `target/chapter-8/`, next to the `target/debug/` folder this program runs from.
fn chapter_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe.parent().and_then(Path::parent);
    target.unwrap_or(Path::new("target")).join("chapter-8")
}
