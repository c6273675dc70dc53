//! The second guest target, `wasm32-wasip2`: guests that are components
//! (chapter 11). A guest says so in its `Cargo.toml`, with
//! `[package.metadata.workbook] target = "wasm32-wasip2"`.
//!
//! rustup's route builds them: the target's standard library, and
//! `wasm-component-ld`, the linker that wraps the core module in a component,
//! which rustup's toolchains ship. The build-std route cannot: Debian's
//! `rustc-web` has no `wasm-component-ld`, and Debian's `wasi-libc` only the
//! `wasm32-wasi` (preview 1) build of the C library; the error says so.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Result, bail};

use super::{RUSTUP_ADD_TIMEOUT, Route, Toolchain, dir_has_std, install, may_install};
use crate::process;

/// The target of component guests.
pub const TARGET_P2: &str = "wasm32-wasip2";

/// What this toolchain lacks to build components, or nothing.
pub fn missing(toolchain: &Toolchain) -> Vec<String> {
    let mut missing = Vec::new();
    if !has_std(toolchain) {
        missing.push(match toolchain.route {
            Route::Rustup => format!("the {TARGET_P2} target (`rustup target add {TARGET_P2}`)"),
            Route::BuildStd { .. } => {
                format!("wasi-libc built for {TARGET_P2} (Debian's wasi-libc has only wasm32-wasi)")
            }
        });
    }
    if component_linker(toolchain).is_none() {
        missing.push(
            "the linker wasm-component-ld (rustup's toolchains ship it; Debian's rustc-web does not)"
                .into(),
        );
    }
    missing
}

/// Make sure `toolchain` builds components: on rustup's route, add the target
/// (saying so first, unless `WORKBOOK_NO_INSTALL=1`); otherwise an error that
/// names what is missing and the route that works.
pub fn ensure(toolchain: &Toolchain) -> Result<()> {
    let lacking = missing(toolchain);
    if lacking.is_empty() {
        return Ok(());
    }
    if toolchain.route == Route::Rustup && may_install() && component_linker(toolchain).is_some() {
        if let Err(problem) = install::rustup_target_add(TARGET_P2, RUSTUP_ADD_TIMEOUT) {
            bail!("{problem}: cannot build component guests ({TARGET_P2})");
        }
        if missing(toolchain).is_empty() {
            return Ok(());
        }
    }
    let fix = match toolchain.route {
        Route::Rustup if !may_install() => format!(
            "run `rustup target add {TARGET_P2}` (WORKBOOK_NO_INSTALL=1 kept the xtask from running it)"
        ),
        _ => format!(
            "component guests need rustup's route: install rustup, then `rustup target add {TARGET_P2}`"
        ),
    };
    bail!(
        "{} ({}) cannot build component guests ({TARGET_P2}): it lacks {}.\n{fix}",
        toolchain.rustc.display(),
        toolchain.version,
        lacking.join("; ")
    )
}

/// One line for `cargo xtask doctor`.
pub fn describe(toolchain: &Toolchain) -> std::result::Result<String, String> {
    let lacking = missing(toolchain);
    if lacking.is_empty() {
        Ok(format!(
            "ready: {} has {TARGET_P2} and wasm-component-ld",
            toolchain.version
        ))
    } else if toolchain.route == Route::Rustup && component_linker(toolchain).is_some() {
        Ok(format!(
            "{} lacks the {TARGET_P2} target; the next build of chapter 11 runs `rustup target add {TARGET_P2}`",
            toolchain.version
        ))
    } else {
        Err(format!(
            "cannot build components: missing {}",
            lacking.join("; ")
        ))
    }
}

fn has_std(toolchain: &Toolchain) -> bool {
    let libdir = process::output_of(Command::new(&toolchain.rustc).args([
        "--print",
        "target-libdir",
        "--target",
        TARGET_P2,
    ]));
    libdir
        .map(PathBuf::from)
        .is_some_and(|dir| dir_has_std(&dir))
}

/// `wasm-component-ld` next to the toolchain's `rust-lld`, where rustup puts it.
fn component_linker(toolchain: &Toolchain) -> Option<PathBuf> {
    let sysroot = process::output_of(Command::new(&toolchain.rustc).args(["--print", "sysroot"]))?;
    let host = process::output_of(Command::new(&toolchain.rustc).args(["--print", "host-tuple"]))?;
    let linker = PathBuf::from(sysroot)
        .join("lib/rustlib")
        .join(host)
        .join("bin/wasm-component-ld");
    linker.is_file().then_some(linker)
}
