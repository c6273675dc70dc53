//! `cargo xtask bench sandbox`: what chapter 6's defences cost, measured by
//! the chapter's `chapter-6-cost` program (a second binary of
//! `chapter-6-host`): the overhead of fuel and epochs as ratios measured in
//! one run, and how late a spinning guest is stopped after its deadline.
//!
//! The book builds with the quick measurement (a few seconds) and shows what
//! it printed; the full one takes about a minute.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// The package that holds the measuring program, and the program.
pub const PACKAGE: &str = "chapter-6-host";
pub const PROGRAM: &str = "chapter-6-cost";
/// The guests it runs: the one that computes, and the one that spins.
pub const GUESTS: [&str; 2] = ["chapter-6-guest", "chapter-6-guest-spin"];

/// How long a measurement may take before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(600);

/// Where the book's copy of the quick measurement goes, under `book/src/generated/`.
pub const BOOK_FILE: &str = "chapter-6/cost.txt";

/// Build the guests and the program; run it (`quick`: the book's few
/// seconds); return what it printed.
pub fn measure(
    root: &Path,
    toolchain: &Toolchain,
    quick: bool,
    messages: Messages,
) -> Result<String> {
    let wasm = GuestBuild::new(
        root.join("Cargo.toml"),
        GUESTS.iter().map(|g| g.to_string()).collect(),
        guests::target_dir(root),
    )
    .run(toolchain, messages)
    .context("building chapter 6's guests")?;
    let exes = cargo::build_hosts(&root.join("Cargo.toml"), &[PACKAGE.to_string()], messages)?;
    let program: &PathBuf = exes
        .get(PROGRAM)
        .with_context(|| format!("building {PACKAGE} gave no `{PROGRAM}` program"))?;
    let mut cmd = Command::new(program);
    if quick {
        cmd.arg("--quick");
    }
    cmd.args(&wasm).current_dir(root);
    super::stdout_of(cmd, PROGRAM, TIMEOUT)
}

/// `cargo xtask bench sandbox`.
pub fn command(root: &Path, toolchain: &Toolchain, quick: bool) -> Result<bool> {
    super::command(
        "measuring chapter 6's defences (fuel, epochs, deadlines)",
        "bench sandbox: measured the cost of fuel and epochs and the stop latency of a deadline",
        || measure(root, toolchain, quick, Messages::Capture),
    )
}
