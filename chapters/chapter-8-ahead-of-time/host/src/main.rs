//! Chapter 8, the full host: the build machine (keys, ahead-of-time
//! compiling for other machines, signing) and a device that runs only what
//! the build machine signed. Its twin, `chapter-8-host-device`, is the same
//! device built against a Wasmtime that cannot compile at all.
//!
//! Run it with `cargo xtask run chapter-8`: this host tells the build
//! machine's story, then the device host runs what it delivered. Or use its
//! commands one by one (`chapter-8-host --help`).

mod build_machine;
mod device;
mod measure;
mod story;
mod trust;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use wasmtime::error::Context;
use wasmtime::{Engine, Module, Result};

// ANCHOR: cli
#[derive(Parser)]
#[command(name = "chapter-8-host", args_conflicts_with_subcommands = true)]
/// Precompile, sign and run WebAssembly; without a command, the build
/// machine's story with chapter 1's guest (SUM.wasm; the built one if left out).
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    sum_wasm: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Write a new signing key and its public half: DIR/signing.key, DIR/signing.pub
    Keygen { dir: PathBuf },
    /// Compile IN.wasm ahead of time for a device: OUT.cwasm
    Precompile {
        input: PathBuf,
        output: PathBuf,
        /// Another machine (`aarch64-unknown-linux-gnu`, ...) or `pulley64`
        #[arg(long)]
        target: Option<String>,
        /// Wasmtime's default settings (guard pages, signals) instead of the device's
        #[arg(long)]
        defaults: bool,
    },
    /// Sign FILE: writes FILE.sig
    Sign {
        #[arg(long)]
        key: PathBuf,
        file: PathBuf,
        /// The version the signature vouches for
        #[arg(long, default_value_t = 1)]
        version: u64,
    },
    #[command(flatten)]
    Device(device::DeviceCommand),
    /// Measure: compile against load, Cranelift against Pulley, both hosts' size and memory
    Measure {
        #[arg(long)]
        device_host: PathBuf,
        sum_wasm: PathBuf,
        compute_wasm: PathBuf,
    },
}
// ANCHOR_END: cli

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        None => {
            let sum = cli.sum_wasm.unwrap_or_else(default_guest);
            story::run(&sum, &chapter_dir())
                .with_context(|| format!("the build machine's story with `{}`", sum.display()))
        }
        Some(Command::Keygen { dir }) => build_machine::keygen(&dir)
            .with_context(|| format!("writing keys into `{}`", dir.display())),
        Some(Command::Precompile {
            input,
            output,
            target,
            defaults,
        }) => build_machine::precompile(&input, &output, target.as_deref(), defaults)
            .with_context(|| format!("precompiling `{}`", input.display())),
        Some(Command::Sign { key, file, version }) => build_machine::sign(&key, &file, version)
            .with_context(|| format!("signing `{}`", file.display())),
        Some(Command::Device(command)) => device::run_command(command),
        Some(Command::Measure {
            device_host,
            sum_wasm,
            compute_wasm,
        }) => measure::run(&device_host, &sum_wasm, &compute_wasm, &chapter_dir()),
    }
}

// ANCHOR: compile
/// This host has Cranelift: it can compile plain WebAssembly.
fn compile(engine: &Engine, wasm: &[u8]) -> Result<Module> {
    Module::new(engine, wasm)
}
// ANCHOR_END: compile

/// Where this chapter keeps its keys and modules: `target/chapter-8/`, next
/// to the `target/debug/` folder this program runs from.
fn chapter_dir() -> PathBuf {
    target_dir().join("chapter-8")
}

/// Where `cargo xtask build chapter-1` writes chapter 1's guest.
fn default_guest() -> PathBuf {
    target_dir().join("wasm/wasm32-wasip1/debug/chapter_1_guest.wasm")
}

fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe.parent().and_then(Path::parent);
    target.unwrap_or(Path::new("target")).to_path_buf()
}
