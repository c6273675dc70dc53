//! `cargo xtask wat chapter-N`: build a chapter's guests and print each as WAT
//! (its imports and exports, or with `--all` the whole module), through the
//! `xtask-wat` program (xtask/wat), which the book's generated WAT uses too.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};
use crate::chapters::Chapter;
use crate::toolchain::Toolchain;
use crate::{report, run};

/// Print the guests of `chapter`; returns whether every one could be printed.
pub fn command(root: &Path, toolchain: &Toolchain, chapter: &Chapter, all: bool) -> Result<bool> {
    let built = run::build_all_guests(root, toolchain, std::slice::from_ref(chapter))?;
    let exes = cargo::build_hosts(
        &root.join("Cargo.toml"),
        &["xtask-wat".to_string()],
        Messages::Capture,
    )?;
    let mut cmd = Command::new(&exes["xtask-wat"]);
    cmd.current_dir(root);
    cmd.args(built.iter().map(|(_, path)| report::rel(root, path)));
    if all {
        cmd.arg("--all");
    }
    let status = cmd.status().context("cannot run xtask-wat")?;
    Ok(status.success())
}
