//! `measure`: what this chapter's choices cost, measured in one run so that
//! the ratios hold on any machine. `cargo xtask bench aot` builds both hosts
//! optimised (the `vm-bench` profile) and runs this; the book shows its output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Instance, Module, Result, Store, bail};

use crate::{build_machine, device};

/// Samples per figure; the median is shown.
const SAMPLES: usize = 5;
/// The compute guest's workloads: a call-heavy one and a memory-heavy one.
const WORKLOADS: [(&str, i32); 2] = [("fib", 30), ("sieve", 1_000_000)];

pub fn run(device_host: &Path, sum_wasm: &Path, compute_wasm: &Path, dir: &Path) -> Result<()> {
    let sum = std::fs::read(sum_wasm).context("cannot read chapter 1's guest")?;
    println!("Chapter 8, measured on this machine (medians of {SAMPLES} runs):\n");

    // ANCHOR: compile_vs_load
    let engine = Engine::new(&device::device_config(None)?)?;
    let compile = median(|| Module::new(&engine, &sum).map(drop))?;
    let cwasm = engine.precompile_module(&sum)?;
    // SAFETY: these are the bytes this engine's `precompile_module` just wrote.
    let load = median(|| unsafe { Module::deserialize(&engine, &cwasm) }.map(drop))?;
    // ANCHOR_END: compile_vs_load
    println!("chapter_1_guest.wasm, on this machine:");
    println!("  compile (Cranelift)            {}", ms(compile));
    println!("  load the precompiled .cwasm    {}", ms(load));
    println!("  compile / load                 {}", ratio(compile, load));

    let guest = std::fs::read(compute_wasm).context("cannot read chapter 8's guest")?;
    for (export, arg) in WORKLOADS {
        println!("\n{export}({arg}) in chapter-8-guest, one call (and against the first row):");
        let runs = [
            ("Cranelift, Wasmtime's defaults", Config::new()),
            (
                "Cranelift, the device's settings",
                device::device_config(None)?,
            ),
            (
                "Pulley, the device's settings",
                device::device_config(Some("pulley64"))?,
            ),
        ];
        let mut first = None;
        for (what, config) in runs {
            let time = call_time(&config, &guest, export, arg)?;
            let base = *first.get_or_insert(time);
            println!("  {what:<34} {:>12} {:>8}", ms(time), ratio(time, base));
        }
    }

    println!("\nthe hosts' binaries:");
    let full = std::env::current_exe()?;
    println!(
        "  chapter-8-host (compiles)      {}",
        mib(file_size(&full)?)
    );
    println!(
        "  chapter-8-host-device          {}",
        mib(file_size(device_host)?)
    );

    println!("\npeak memory, running chapter 1's sum once:");
    for (host, what, file, target) in memory_runs(&full, device_host, sum_wasm, dir)? {
        let kib = peak_memory(&host, &file, target)?;
        println!("  {what:<48} {:>6.1} MiB", kib as f64 / 1024.0);
    }
    Ok(())
}

// ANCHOR: call_time
/// One call of `export(arg)` in an engine made from `config`.
fn call_time(config: &Config, wasm: &[u8], export: &str, arg: i32) -> Result<Duration> {
    let engine = Engine::new(config)?;
    let module = Module::new(&engine, wasm)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let f = instance.get_typed_func::<i32, i32>(&mut store, export)?;
    median(|| f.call(&mut store, arg).map(drop))
}
// ANCHOR_END: call_time

/// Each run whose peak memory is shown: the host, what it does, the file, the target.
type MemoryRun = (PathBuf, &'static str, PathBuf, Option<&'static str>);

/// Sign chapter 1's guest, and precompile it for this machine and for
/// Pulley, in `dir/measure/`; the runs that use them.
fn memory_runs(full: &Path, device: &Path, sum_wasm: &Path, dir: &Path) -> Result<Vec<MemoryRun>> {
    let dir = dir.join("measure");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    build_machine::keygen(&dir)?;
    let key = dir.join("signing.key");
    let (wasm, native, pulley) = (
        dir.join("sum.wasm"),
        dir.join("sum.cwasm"),
        dir.join("sum-pulley64.cwasm"),
    );
    std::fs::copy(sum_wasm, &wasm)?;
    build_machine::precompile(&wasm, &native, None, false)?;
    build_machine::precompile(&wasm, &pulley, Some("pulley64"), false)?;
    for file in [&wasm, &native, &pulley] {
        build_machine::sign(&key, file, 1)?;
    }
    let (full, device) = (full.to_path_buf(), device.to_path_buf());
    Ok(vec![
        (
            full.clone(),
            "chapter-8-host, compiling the .wasm",
            wasm,
            None,
        ),
        (
            full,
            "chapter-8-host, loading the .cwasm",
            native.clone(),
            None,
        ),
        (
            device.clone(),
            "chapter-8-host-device, loading the .cwasm",
            native,
            None,
        ),
        (
            device,
            "chapter-8-host-device, loading Pulley's .cwasm",
            pulley,
            Some("pulley64"),
        ),
    ])
}

/// Run `host run --peak-memory` on `file`; the peak it reports, in KiB.
fn peak_memory(host: &Path, file: &Path, target: Option<&str>) -> Result<u64> {
    let mut cmd = Command::new(host);
    let public = file.with_file_name("signing.pub");
    cmd.arg("run")
        .arg("--trust")
        .arg(&public)
        .arg(file)
        .arg("--peak-memory");
    if let Some(target) = target {
        cmd.args(["--target", target]);
    }
    let out = cmd
        .output()
        .with_context(|| format!("cannot run `{}`", host.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!(
            "`{}` failed on `{}`: {stderr}",
            host.display(),
            file.display()
        );
    }
    let kib = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.trim_end_matches(" KiB").parse().ok());
    kib.with_context(|| format!("`{}` reported no peak memory: {stderr}", host.display()))
}

/// The median time of `SAMPLES` runs of `f`.
fn median(mut f: impl FnMut() -> Result<()>) -> Result<Duration> {
    let mut times = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[SAMPLES / 2])
}

fn file_size(path: &Path) -> Result<u64> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(meta.len())
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.1}x", a.as_secs_f64() / b.as_secs_f64().max(1e-9))
}
