//! `cargo xtask book` and `cargo xtask size` run the `xtask-book` program
//! (xtask/book), which holds mdbook: the first of them builds it, and no other
//! command has to. `cargo xtask fuzz` runs `xtask-fuzz` (xtask/fuzz, which
//! holds wasm-smith) the same way.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};

/// Build `xtask-book` and run it with `args`; returns whether it succeeded.
pub fn run_builder(root: &Path, args: &[String]) -> Result<bool> {
    run_tool(root, "xtask-book", args)
}

/// Build one of the xtask's own programs (`xtask-book`, `xtask-fuzz`), kept
/// out of the `xtask` binary because of their dependencies, and run it with
/// `args`, with the terminal as its stdin, stdout and stderr.
pub fn run_tool(root: &Path, package: &str, args: &[String]) -> Result<bool> {
    let exes = cargo::build_hosts(
        &root.join("Cargo.toml"),
        &[package.to_string()],
        Messages::Show,
    )?;
    let status = std::process::Command::new(&exes[package])
        .args(args)
        .status()
        .with_context(|| format!("cannot run {package}"))?;
    Ok(status.success())
}
