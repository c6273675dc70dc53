//! `bench aot`: chapter 8's measurements. Builds chapter 1's and chapter 8's
//! guests in release and both of chapter 8's hosts in the `vm-bench` profile
//! (one cargo invocation each: their Wasmtimes differ), then runs
//! `chapter-8-host measure`, which measures everything in one run. Its table
//! is kept in `target/bench/aot/measurements.txt`, where the book reads it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::cargo::{Messages, build_in_profile, native_target_dir};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// The profile of what measures (the root `Cargo.toml`; CONTRIBUTING.md).
pub const PROFILE: &str = "vm-bench";
/// How long the measuring run may take: it is seconds.
const LIMIT: Duration = Duration::from_secs(600);

/// Where the measurements are kept.
pub fn results_file(root: &Path) -> PathBuf {
    native_target_dir(root).join("bench/aot/measurements.txt")
}

/// `cargo xtask bench aot`: measure, print the table and a summary.
pub fn command(root: &Path, toolchain: &Toolchain) -> Result<bool> {
    let start = Instant::now();
    let table = measure(root, toolchain)?;
    print!("{table}");
    println!(
        "bench aot: chapter 8 measured in {}, kept in {}",
        super::seconds(start.elapsed()),
        crate::report::rel(root, &results_file(root))
    );
    Ok(true)
}

/// Build what is measured, measure it, keep the table; returns the table.
pub fn measure(root: &Path, toolchain: &Toolchain) -> Result<String> {
    let packages = vec!["chapter-1-guest".to_string(), "chapter-8-guest".to_string()];
    let bar = super::spinner("bench aot: building the guests (release)");
    let wasm = GuestBuild::new(root.join("Cargo.toml"), packages, guests::target_dir(root))
        .profile("release")
        .run(toolchain, Messages::Capture);
    bar.finish_and_clear();
    let wasm = wasm.context("building the guests of chapters 1 and 8")?;
    let mut exes = Vec::new();
    for host in ["chapter-8-host", "chapter-8-host-device"] {
        // Cargo shows its progress: the first build is a release Wasmtime.
        eprintln!("bench aot: building {host} (the {PROFILE} profile)");
        exes.push(build_in_profile(root, host, host, PROFILE, &[])?);
    }
    let mut cmd = Command::new(&exes[0]);
    cmd.arg("measure")
        .arg("--device-host")
        .arg(&exes[1])
        .args(&wasm)
        .current_dir(root);
    let bar = super::spinner("bench aot: measuring");
    let out = crate::process::run_captured(cmd, LIMIT);
    bar.finish_and_clear();
    let out = out?;
    if !out.success() {
        bail!(
            "chapter-8-host measure {}:\n{}",
            out.ending(),
            out.stderr_text()
        );
    }
    let table = format!(
        "{}(on {}: `cargo xtask bench aot`)\n",
        out.stdout_text(),
        super::machine()
    );
    let file = results_file(root);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&file, &table).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(table)
}
