//! `cargo xtask book` and `cargo xtask size` run the `xtask-book` program
//! (xtask/book), which holds mdbook: the first of them builds it, and no other
//! command has to.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};

/// Build `xtask-book` and run it with `args`; returns whether it succeeded.
pub fn run_builder(root: &Path, args: &[String]) -> Result<bool> {
    let exes = cargo::build_hosts(
        &root.join("Cargo.toml"),
        &["xtask-book".to_string()],
        Messages::Show,
    )?;
    let status = std::process::Command::new(&exes["xtask-book"])
        .args(args)
        .status()
        .context("cannot run xtask-book")?;
    Ok(status.success())
}
