//! Finding, or installing, a Rust toolchain that builds guests for `wasm32-wasip1`.
//!
//! Three routes, tried in this order:
//!
//! 1. **rustup**: the active rustup toolchain already has the `wasm32-wasip1`
//!    target (its prebuilt standard library).
//! 2. **rustup, after `rustup target add wasm32-wasip1`**: needs the internet,
//!    so it is bounded in time.
//! 3. **build-std**: a toolchain that ships the standard library's source
//!    builds `std` itself for the target (`-Zbuild-std`), linking with `wasm-ld`
//!    against a system wasi-libc. Debian 12 has all of it:
//!    `apt-get install rustc-web cargo-web rust-web-src lld-19 wasi-libc`.
//!
//! When none of them works and the machine is Debian with apt and we are root,
//! the Debian packages are installed (saying so first). Otherwise the error
//! gives both fixes.
//!
//! Environment variables (all optional):
//!
//! | variable | meaning |
//! | --- | --- |
//! | `WORKBOOK_GUEST_ROUTE` | `rustup` or `build-std`: use only this route |
//! | `WORKBOOK_NO_INSTALL` | `1`: never run `rustup target add`, `rustup component add` or `apt-get` |
//! | `WORKBOOK_GUEST_RUSTC` | build-std: the `rustc` (default `/usr/bin/rustc`) |
//! | `WORKBOOK_GUEST_CARGO` | build-std: the `cargo` (default: next to that `rustc`) |
//! | `WORKBOOK_WASM_LD` | build-std: the linker (default `/usr/lib/llvm-19/bin/wasm-ld`, then `wasm-ld` on `PATH`) |
//! | `WORKBOOK_WASI_LIBC` | build-std: folder holding wasi-libc's `libc.a` (default `/usr/lib/wasm32-wasi`) |

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::process;

pub mod components;
pub mod install;
mod routes;

pub use components::TARGET_P2;
pub use routes::{
    RustupState, Survey, describe_build_std, describe_rustup, find, find_or_install, survey,
};

/// The target guests are built for: core modules. (Component guests,
/// chapter 11's, are built for [`TARGET_P2`].)
pub const TARGET: &str = "wasm32-wasip1";

/// The Debian packages that make the build-std route work.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "lld-19",
    "wasi-libc",
];

/// How long `rustup target add` or `rustup component add` may take before
/// we give up on it (they download).
const RUSTUP_ADD_TIMEOUT: Duration = Duration::from_secs(180);

/// A way to build guests that has been found to work on this machine.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub route: Route,
    /// The `cargo` to run for guest builds.
    pub cargo: PathBuf,
    /// The `rustc` that cargo will use.
    pub rustc: PathBuf,
    /// `rustc --version` of that compiler.
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// rustup's prebuilt standard library for the target.
    Rustup,
    /// The standard library built from source with `-Zbuild-std`.
    BuildStd { linker: PathBuf, wasi_libc: PathBuf },
}

impl fmt::Display for Toolchain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.route {
            Route::Rustup => write!(f, "rustup's {TARGET} target ({})", self.version),
            Route::BuildStd { .. } => {
                write!(
                    f,
                    "build-std with {} ({})",
                    self.rustc.display(),
                    self.version
                )
            }
        }
    }
}

impl Toolchain {
    /// `cargo <subcommand> --target wasm32-wasip1`, in a clean environment, with
    /// this route's compiler and linker; std as the route provides it.
    fn cargo_for_target(&self, subcommand: &str, target: &str) -> Command {
        let mut cmd = Command::new(&self.cargo);
        // From the workbook's root, so that its .cargo/config.toml applies to
        // every workspace, exercises' included.
        cmd.current_dir(crate::root());
        // The outer cargo (the one running xtask) and the user's shell may set
        // variables that would change, or break, the guest build.
        for var in [
            "RUSTC",
            "RUSTC_WRAPPER",
            "RUSTC_WORKSPACE_WRAPPER",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_BUILD_TARGET",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET_DIR",
        ] {
            cmd.env_remove(var);
        }
        // Guests keep full debug info in the dev profile, cargo's default:
        // chapter 2's debuggers read their variables. (.cargo/config.toml
        // gives the native crates only line tables.)
        cmd.env("CARGO_PROFILE_DEV_DEBUG", "true");
        cmd.arg(subcommand).args(["--target", target]);
        if let Route::BuildStd { linker, .. } = &self.route {
            cmd.env("RUSTC", &self.rustc)
                .env("CARGO_TARGET_WASM32_WASIP1_LINKER", linker);
        }
        cmd
    }

    /// A `cargo` command ready to build for the target by this route. The caller adds
    /// the subcommand's own arguments (packages, target dir, profile).
    pub fn cargo(&self, subcommand: &str) -> Command {
        let mut cmd = self.cargo_for_target(subcommand, TARGET);
        if matches!(self.route, Route::BuildStd { .. }) {
            self.build_std_from_source(&mut cmd, "");
        }
        cmd
    }

    /// A `cargo` command that builds components, for [`TARGET_P2`], with
    /// rustup's prebuilt std (see [`components::ensure`] first).
    pub fn cargo_p2(&self, subcommand: &str) -> Command {
        self.cargo_for_target(subcommand, TARGET_P2)
    }

    /// Like [`Toolchain::cargo`], but the standard library is compiled from its
    /// source for this build, with `rustflags` added to every crate, std's
    /// included. This is how flags that must reach std (such as
    /// `-Cpanic=immediate-abort`) take effect. It needs std's source: see
    /// [`Toolchain::ensure_std_source`].
    pub fn cargo_with_std_from_source(&self, subcommand: &str, rustflags: &str) -> Command {
        let mut cmd = self.cargo_for_target(subcommand, TARGET);
        self.build_std_from_source(&mut cmd, rustflags);
        cmd
    }

    /// Cargo's unstable `-Zbuild-std`, which stable cargo accepts with
    /// `RUSTC_BOOTSTRAP=1`, and the target's flags: on the build-std route the
    /// system's wasi-libc instead of the one rustup ships.
    fn build_std_from_source(&self, cmd: &mut Command, rustflags: &str) {
        let mut flags = match &self.route {
            Route::BuildStd { wasi_libc, .. } => {
                format!("-C link-self-contained=no -L {}", wasi_libc.display())
            }
            Route::Rustup => String::new(),
        };
        if !rustflags.is_empty() {
            flags = format!("{flags} {rustflags}").trim().to_string();
        }
        cmd.env("RUSTC_BOOTSTRAP", "1")
            .arg("-Zbuild-std=std,panic_abort");
        if !flags.is_empty() {
            cmd.env("CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS", flags);
        }
    }

    /// Whether this toolchain has the standard library's source.
    pub fn has_std_source(&self) -> bool {
        has_std_source(&self.rustc)
    }

    /// Make sure this toolchain has the standard library's source, which
    /// [`Toolchain::cargo_with_std_from_source`] needs. The build-std route has
    /// it by definition; on rustup's, this runs `rustup component add rust-src`
    /// (bounded in time, saying so first) unless `WORKBOOK_NO_INSTALL=1`.
    /// The error says what is missing and the command that adds it.
    pub fn ensure_std_source(&self) -> Result<()> {
        if self.has_std_source() {
            return Ok(());
        }
        let fix = "rustup component add rust-src";
        if !may_install() {
            bail!(
                "{} has no standard library source; `{fix}` adds it (WORKBOOK_NO_INSTALL=1 kept the xtask from running it)",
                self.version
            );
        }
        eprintln!("note: building std from source needs its source; running `{fix}`");
        let mut cmd = Command::new("rustup");
        cmd.args(["component", "add", "rust-src"])
            .current_dir(crate::root());
        match process::run_inheriting(cmd, RUSTUP_ADD_TIMEOUT) {
            Ok(status) if status.success() && has_std_source(&self.rustc) => Ok(()),
            Ok(status) => bail!(
                "`{fix}` failed ({status}): no standard library source for {}",
                self.version
            ),
            Err(err) => bail!("`{fix}` did not finish: {err:#}"),
        }
    }
}

/// Whether `rustc`'s sysroot holds the standard library's source.
pub(crate) fn has_std_source(rustc: &Path) -> bool {
    process::output_of(
        Command::new(rustc)
            .args(["--print", "sysroot"])
            .current_dir(crate::root()),
    )
    .is_some_and(|sysroot| {
        Path::new(&sysroot)
            .join("lib/rustlib/src/rust/library/std/Cargo.toml")
            .is_file()
    })
}

/// Whether the xtask may install what is missing (`WORKBOOK_NO_INSTALL=1` says no).
pub fn may_install() -> bool {
    std::env::var_os("WORKBOOK_NO_INSTALL").is_none_or(|v| v != "1")
}

pub(crate) fn dir_has_std(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(".rlib")
        })
    })
}

pub(crate) fn rustc_version(rustc: &Path) -> Option<String> {
    process::output_of(Command::new(rustc).arg("--version"))
}

pub(crate) fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
