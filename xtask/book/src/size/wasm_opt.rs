//! Binaryen's `wasm-opt`: finding it, and running it the way the ladder does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use xtask::process;

use super::WasmOpt;

/// What `wasm-opt` is run with.
///
/// `-Oz` optimises for size, hardest. The `--enable-…` flags allow exactly the
/// WebAssembly features that rustc's `wasm32-wasip1` target turns on by default
/// since Rust 1.87 (LLVM 20's `generic` CPU). Binaryen 108, Debian 12's, is from
/// 2022 and allows none of them unless told: without `--enable-sign-ext` it
/// rejects the module at `i32.extend8_s`, without `--enable-bulk-memory` at
/// `memory.fill`. We name the features instead of passing `-all` (every feature
/// Binaryen knows), so that `wasm-opt` may not bring in a feature the module did
/// not use before.
pub const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// What to install when `wasm-opt` is missing.
pub const WASM_OPT_INSTALL: &str = "apt-get install binaryen";

/// Binaryen's `wasm-opt`: `WORKBOOK_WASM_OPT` when set, else the one on `PATH`.
pub fn find_wasm_opt() -> WasmOpt {
    let exe = match std::env::var_os("WORKBOOK_WASM_OPT").filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => match process::which("wasm-opt") {
            Some(exe) => exe,
            None => {
                return WasmOpt::Missing {
                    why: format!(
                        "wasm-opt is not on PATH; `{WASM_OPT_INSTALL}` (Debian) installs it"
                    ),
                };
            }
        },
    };
    let version = process::output_of(Command::new(&exe).arg("--version"));
    match version {
        Some(version) => WasmOpt::Found { exe, version },
        None => WasmOpt::Missing {
            why: format!(
                "{} does not run; `{WASM_OPT_INSTALL}` (Debian) installs wasm-opt",
                exe.display()
            ),
        },
    }
}

pub(super) fn run_wasm_opt(exe: &Path, input: &Path, output: &Path) -> Result<()> {
    eprintln!(
        "size: wasm-opt {} {}",
        WASM_OPT_ARGS.join(" "),
        input.display()
    );
    let mut cmd = Command::new(exe);
    cmd.args(WASM_OPT_ARGS).arg(input).arg("-o").arg(output);
    let out = process::run_captured(cmd, Duration::from_secs(300))?;
    if !out.success() {
        bail!(
            "wasm-opt {} on {}:\n{}",
            out.ending(),
            input.display(),
            out.stderr_text().trim_end()
        );
    }
    Ok(())
}
