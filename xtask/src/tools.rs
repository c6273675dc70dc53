//! The xtask's heavier programs, each a crate of its own that is built the
//! first time a command needs it, so that `cargo xtask run chapter-1`, the
//! first command a reader types, compiles none of them: `xtask-book`
//! (mdbook, and chapter 3's size ladder) for `book` and `size`, and
//! `xtask-gradebook` for `gradebook`, and `xtask-fuzz` (wasm-smith) for
//! `fuzz`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};

/// The book's builder and chapter 3's size ladder (xtask/book).
pub const BOOK: &str = "xtask-book";
/// The teachers' gradebook (xtask/gradebook).
pub const GRADEBOOK: &str = "xtask-gradebook";
/// The fuzzer of chapter 6's sandbox and the hosts (xtask/fuzz).
pub const FUZZ: &str = "xtask-fuzz";

/// Build the program of `package` and run it with `args`; returns whether it
/// succeeded.
pub fn run(root: &Path, package: &str, args: &[String]) -> Result<bool> {
    let exes = cargo::build_hosts(
        &root.join("Cargo.toml"),
        &[package.to_string()],
        Messages::Show,
    )?;
    let exe = exes
        .get(package)
        .with_context(|| format!("cargo built no `{package}` program"))?;
    let status = std::process::Command::new(exe)
        .args(args)
        .status()
        .with_context(|| format!("cannot run {package}"))?;
    Ok(status.success())
}
