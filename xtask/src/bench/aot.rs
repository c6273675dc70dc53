//! `bench aot`: chapter 8's measurements. Builds chapter 1's and chapter 8's
//! guests in release and both of chapter 8's hosts in the `vm-bench` profile
//! (one cargo invocation each: their Wasmtimes differ), then runs
//! `chapter-8-host measure`, which measures everything in one run. A full
//! run's table is kept for the book ([`BOOK_FILE`]); `--quick` runs it on the
//! dev builds instead (see [`super`]).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::cargo::{Messages, build_in_profile};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// How long the measuring run may take: it is seconds (a minute on the dev
/// builds).
const LIMIT: Duration = Duration::from_secs(600);

/// What a run keeps, under `book/src/measured/` (a full run; [`super::keep`]).
pub const BOOK_FILE: &str = "chapter-8/measurements.txt";

/// `cargo xtask bench aot [--quick]`: measure, print and keep the table, and
/// a summary. (Cargo shows its own progress here, so no spinner is drawn
/// over the whole run, as [`super::kept_command`] would.)
pub fn command(root: &Path, toolchain: &Toolchain, quick: bool) -> Result<bool> {
    let start = Instant::now();
    let table = measure(root, toolchain, quick)?;
    let done = ("bench aot: chapter 8 measured", start.elapsed());
    super::show_and_keep(root, quick, BOOK_FILE, &table, done)
}

/// Build what is measured (release; `quick`: dev) and measure it; returns
/// the table.
pub fn measure(root: &Path, toolchain: &Toolchain, quick: bool) -> Result<String> {
    let profile = super::profile(quick);
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
        eprintln!("bench aot: building {host} (the {profile} profile)");
        exes.push(build_in_profile(root, host, host, profile, &[])?);
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
    Ok(table)
}
