//! `cargo xtask bench build`: how long a reader waits for the first
//! `cargo xtask run chapter-1`, next to what a reader who follows Wasmtime's
//! own documentation waits for their first host.
//!
//! Both are built cold, one after the other, in folders of their own under the
//! system's temporary folder (outside the workbook, so that its
//! `.cargo/config.toml` does not apply to the reference):
//!
//! 1. **the reference**: `cargo new`, `cargo add wasmtime wasmtime-wasi`
//!    (their default features, cargo's default dev profile) and chapter 1's
//!    host as `main.rs`; timed: `cargo build`;
//! 2. **the workbook**: a `git clone` of this workbook's `HEAD`; timed:
//!    `cargo xtask run chapter-1`, everything included (the xtask, the guest,
//!    the host, the run).
//!
//! Both use the same `Cargo.lock` (the workbook's), so the same versions, and
//! cargo's download cache, so no download is timed. Then the built chapter 1
//! host is run a few times: most of a run is Wasmtime compiling the guest.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{seconds, spinner};
use crate::{process, report};

/// The Wasmtime version of the reference host, the workbook's.
const WASMTIME: &str = "48.0.8";

/// The goal of the workbook's first command, as a multiple of the reference.
pub const GOAL: f64 = 1.3;

/// What one `bench build` measured.
#[derive(Debug)]
pub struct Figures {
    pub reference: Duration,
    pub workbook: Duration,
    /// Runs of the built chapter 1 host (guest compiled each time), sorted.
    pub host_runs: Vec<Duration>,
    /// The size of the clone's `target/` after the run.
    pub target_bytes: u64,
}

/// `cargo xtask bench build`.
pub fn command(root: &Path) -> Result<bool> {
    let scratch = std::env::temp_dir().join(format!("workbook-bench-build-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let figures = measure(root, &scratch);
    // The scratch folder holds two cold builds (gigabytes): never leave it.
    let _ = std::fs::remove_dir_all(&scratch);
    let figures = figures?;
    let ratio = figures.workbook.as_secs_f64() / figures.reference.as_secs_f64();
    report::heading("bench build: cold builds, one after the other on this machine");
    report::note(&format!(
        "reference (cargo new + cargo add wasmtime wasmtime-wasi, cargo build): {}",
        seconds(figures.reference)
    ));
    report::note(&format!(
        "workbook (fresh clone, cargo xtask run chapter-1):                  {}",
        seconds(figures.workbook)
    ));
    let median = figures.host_runs[figures.host_runs.len() / 2];
    report::note(&format!(
        "chapter-1-host run (compiles the 2 MB debug guest), median of {}: {}",
        figures.host_runs.len(),
        seconds(median)
    ));
    report::note(&format!(
        "the clone's target/ after it: {:.1} GB",
        figures.target_bytes as f64 / 1e9
    ));
    let verdict = if ratio <= GOAL { "within" } else { "over" };
    println!(
        "bench build: the workbook's first command takes {ratio:.2} times the reference's build ({verdict} the goal of {GOAL})"
    );
    Ok(ratio <= GOAL)
}

fn measure(root: &Path, scratch: &Path) -> Result<Figures> {
    let reference_dir = scratch.join("reference-host");
    write_reference(root, &reference_dir)?;
    let mut build = cargo();
    build.arg("build").current_dir(&reference_dir);
    let reference = timed("the reference host: cargo build", build, scratch)?;

    let clone = scratch.join("workbook");
    let mut git = Command::new("git");
    git.args(["clone", "--quiet", "--no-hardlinks"])
        .arg(root)
        .arg(&clone);
    timed("git clone of the workbook", git, scratch)?;
    let mut run = cargo();
    run.args(["xtask", "run", "chapter-1"]).current_dir(&clone);
    let workbook = timed("the workbook: cargo xtask run chapter-1", run, scratch)?;

    let host = clone.join("target/debug/chapter-1-host");
    let mut host_runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let out = process::run_captured(Command::new(&host), Duration::from_secs(60))?;
        if !out.success() {
            bail!(
                "{} {}:\n{}",
                host.display(),
                out.ending(),
                out.stderr_text()
            );
        }
        host_runs.push(started.elapsed());
    }
    host_runs.sort();
    let target_bytes = dir_size(&clone.join("target"));
    Ok(Figures {
        reference,
        workbook,
        host_runs,
        target_bytes,
    })
}

/// A cargo that ignores the target dir and flags of the shell running us.
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for var in [
        "CARGO_TARGET_DIR",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_INCREMENTAL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Run `cmd` to the end under a spinner; its output goes to a log file in
/// `scratch`, shown when it fails.
fn timed(what: &str, cmd: Command, scratch: &Path) -> Result<Duration> {
    let bar = spinner(what);
    let started = Instant::now();
    let out = process::run_captured(cmd, crate::cargo::BUILD_TIMEOUT);
    let took = started.elapsed();
    bar.finish_and_clear();
    let out = out?;
    if !out.success() {
        let log = scratch.join("failed.log");
        let _ = std::fs::write(&log, [out.stdout.as_slice(), &out.stderr].concat());
        bail!("{what} {}:\n{}", out.ending(), out.stderr_text().trim_end());
    }
    println!("{what}: {}", seconds(took));
    Ok(took)
}

/// What `cargo new reference-host` and `cargo add wasmtime wasmtime-wasi`
/// make, with chapter 1's host as `main.rs` and the workbook's lock file.
fn write_reference(root: &Path, dir: &Path) -> Result<()> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).with_context(|| format!("cannot create {}", src.display()))?;
    let manifest = format!(
        "[package]\nname = \"reference-host\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [dependencies]\nwasmtime = \"{WASMTIME}\"\nwasmtime-wasi = \"{WASMTIME}\"\n"
    );
    let host: PathBuf = root.join("chapters/chapter-1-first-module/host/src/main.rs");
    let copies = [
        (dir.join("Cargo.toml"), manifest.into_bytes()),
        (dir.join("Cargo.lock"), read(&root.join("Cargo.lock"))?),
        (src.join("main.rs"), read(&host)?),
    ];
    for (path, bytes) in copies {
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The bytes of every file under `dir` (hard links counted once per path).
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => stack.push(entry.path()),
                Ok(meta) => total += meta.len(),
                Err(_) => {}
            }
        }
    }
    total
}
