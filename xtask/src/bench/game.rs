//! `cargo xtask bench game`: chapter 10's figures, measured by the host's
//! `measure` subcommand: what one frame of scripts costs for 10, 100 and
//! 1000 enemies, and how long a reload takes from saving the script's file
//! to the new script's first turn. The host is the dev build every chapter
//! uses (its Wasmtime is the one chapter 1 built); the guest code is
//! Cranelift's, optimised either way.
//!
//! The book builds with the quick measurement (a few seconds).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// The package and program that measure, and the guests it loads.
pub const PACKAGE: &str = "chapter-10-host";
pub const GUESTS: [&str; 2] = ["chapter-10-guest", "chapter-10-guest-wanderer"];

/// How long a measurement may take before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Where the book's copy of the quick measurement goes, under `book/src/generated/`.
pub const BOOK_FILE: &str = "chapter-10/measurements.txt";

/// Build the guests and the host; return the host's program.
pub fn build(root: &Path, toolchain: &Toolchain, messages: Messages) -> Result<PathBuf> {
    GuestBuild::new(
        root.join("Cargo.toml"),
        GUESTS.iter().map(|g| g.to_string()).collect(),
        guests::target_dir(root),
    )
    .run(toolchain, messages)
    .context("building chapter 10's guests")?;
    let exes = cargo::build_hosts(&root.join("Cargo.toml"), &[PACKAGE.to_string()], messages)?;
    exes.get(PACKAGE)
        .cloned()
        .with_context(|| format!("building {PACKAGE} gave no program"))
}

/// Build, run `measure` (`quick`: the book's few seconds), return what it printed.
pub fn measure(
    root: &Path,
    toolchain: &Toolchain,
    quick: bool,
    messages: Messages,
) -> Result<String> {
    let program = build(root, toolchain, messages)?;
    let mut cmd = Command::new(program);
    cmd.arg("measure");
    if quick {
        cmd.arg("--quick");
    }
    cmd.current_dir(root);
    super::stdout_of(cmd, &format!("{PACKAGE} measure"), TIMEOUT)
}

/// `cargo xtask bench game`.
pub fn command(root: &Path, toolchain: &Toolchain, quick: bool) -> Result<bool> {
    super::command(
        "chapter 10: the cost of a frame of scripts, and of a reload",
        "bench game: measured chapter 10's frame cost and reload latency",
        || measure(root, toolchain, quick, Messages::Capture),
    )
}
