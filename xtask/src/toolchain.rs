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
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::process;

/// The one target every guest is built for.
pub const TARGET: &str = "wasm32-wasip1";

/// The Debian packages that make the build-std route work.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "lld-19",
    "wasi-libc",
];

/// How long `rustup target add` may take before we give up on it.
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
    fn cargo_for_target(&self, subcommand: &str) -> Command {
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
        cmd.arg(subcommand).args(["--target", TARGET]);
        if let Route::BuildStd { linker, .. } = &self.route {
            cmd.env("RUSTC", &self.rustc)
                .env("CARGO_TARGET_WASM32_WASIP1_LINKER", linker);
        }
        cmd
    }

    /// A `cargo` command ready to build for the target by this route. The caller adds
    /// the subcommand's own arguments (packages, target dir, profile).
    pub fn cargo(&self, subcommand: &str) -> Command {
        let mut cmd = self.cargo_for_target(subcommand);
        if matches!(self.route, Route::BuildStd { .. }) {
            self.build_std_from_source(&mut cmd, "");
        }
        cmd
    }

    /// Like [`Toolchain::cargo`], but the standard library is compiled from its
    /// source for this build, with `rustflags` added to every crate, std's
    /// included. This is how flags that must reach std (such as
    /// `-Cpanic=immediate-abort`) take effect. It needs std's source: see
    /// [`Toolchain::ensure_std_source`].
    pub fn cargo_with_std_from_source(&self, subcommand: &str, rustflags: &str) -> Command {
        let mut cmd = self.cargo_for_target(subcommand);
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
fn has_std_source(rustc: &Path) -> bool {
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
fn may_install() -> bool {
    std::env::var_os("WORKBOOK_NO_INSTALL").is_none_or(|v| v != "1")
}

/// What the routes look like on this machine, for `cargo xtask doctor` and for
/// error messages.
#[derive(Debug)]
pub struct Survey {
    pub rustup: RustupState,
    pub build_std: std::result::Result<Toolchain, Vec<String>>,
    pub forced: Option<String>,
}

#[derive(Debug)]
pub enum RustupState {
    /// No `rustup` on `PATH`.
    Absent,
    /// rustup is there, and the active toolchain has the target.
    Ready(Toolchain),
    /// rustup is there but the target is not installed.
    MissingTarget { version: String },
}

/// Look at every route without changing anything.
pub fn survey() -> Survey {
    Survey {
        rustup: rustup_state(),
        build_std: build_std(),
        forced: forced_route(),
    }
}

/// The toolchain to build guests with, without installing anything.
pub fn find() -> Result<Toolchain> {
    let survey = survey();
    check_forced_route(&survey)?;
    pick(&survey).ok_or_else(|| no_toolchain_error(&survey, false))
}

/// The toolchain to build guests with, installing one if that is what it takes.
/// Says on stderr what it installs, before installing it.
///
/// A failed `rustup target add` is remembered for a day in `memo` (a file under
/// `target/`), so that a machine without internet access does not wait for it
/// on every run.
pub fn find_or_install(memo: &Path) -> Result<Toolchain> {
    let survey = survey();
    check_forced_route(&survey)?;
    let forced = survey.forced.as_deref();
    let may_install = may_install();

    // Route 1: rustup already has the target.
    if forced != Some("build-std")
        && let RustupState::Ready(toolchain) = &survey.rustup
    {
        return Ok(toolchain.clone());
    }

    // Route 2: ask rustup to download the target.
    if forced != Some("build-std")
        && may_install
        && matches!(survey.rustup, RustupState::MissingTarget { .. })
        && !failed_recently(memo)
    {
        eprintln!(
            "note: the {TARGET} target is not installed; running `rustup target add {TARGET}`"
        );
        let mut cmd = Command::new("rustup");
        cmd.args(["target", "add", TARGET]);
        let problem = match process::run_inheriting(cmd, RUSTUP_ADD_TIMEOUT) {
            Ok(status) if status.success() => match rustup_state() {
                RustupState::Ready(toolchain) => return Ok(toolchain),
                _ => "rustup said it added the target, but its standard library is not there"
                    .to_string(),
            },
            Ok(status) => format!("`rustup target add {TARGET}` failed ({status})"),
            Err(err) => format!("`rustup target add {TARGET}` did not finish: {err:#}"),
        };
        eprintln!("note: {problem}; trying the next route (not retried for 24 hours)");
        if let Some(dir) = memo.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(memo, format!("{problem}\n"));
    }

    // Route 3: a toolchain with std's source.
    if forced != Some("rustup")
        && let Ok(toolchain) = &survey.build_std
    {
        return Ok(toolchain.clone());
    }

    // Route 3, installed: Debian's packages.
    if forced != Some("rustup") && may_install && debian_as_root() {
        let packages = DEBIAN_PACKAGES.join(" ");
        eprintln!(
            "note: installing Debian's Rust toolchain with std source, to build std for {TARGET}:\n      apt-get install -y {packages}"
        );
        install_debian_packages()?;
        match build_std() {
            Ok(toolchain) => return Ok(toolchain),
            Err(missing) => bail!(
                "installed {packages}, but the build-std route still lacks: {}",
                missing.join("; ")
            ),
        }
    }
    Err(no_toolchain_error(&survey, may_install))
}

/// Whether `rustup target add` failed less than a day ago.
fn failed_recently(memo: &Path) -> bool {
    std::fs::metadata(memo)
        .and_then(|m| m.modified())
        .is_ok_and(|t| {
            t.elapsed()
                .is_ok_and(|age| age < Duration::from_secs(24 * 3600))
        })
}

/// `WORKBOOK_GUEST_ROUTE` names a route, or is not set.
fn check_forced_route(survey: &Survey) -> Result<()> {
    match survey.forced.as_deref() {
        None | Some("rustup") | Some("build-std") => Ok(()),
        Some(other) => bail!(
            "WORKBOOK_GUEST_ROUTE={other} is not a route: set it to `rustup` or `build-std`, or unset it to let the xtask choose"
        ),
    }
}

fn forced_route() -> Option<String> {
    std::env::var("WORKBOOK_GUEST_ROUTE")
        .ok()
        .filter(|s| !s.is_empty())
}

fn pick(survey: &Survey) -> Option<Toolchain> {
    let rustup = match &survey.rustup {
        RustupState::Ready(toolchain) => Some(toolchain.clone()),
        _ => None,
    };
    let build_std = survey.build_std.as_ref().ok().cloned();
    match survey.forced.as_deref() {
        Some("rustup") => rustup,
        Some("build-std") => build_std,
        _ => rustup.or(build_std),
    }
}

fn no_toolchain_error(survey: &Survey, tried_installing: bool) -> anyhow::Error {
    let mut msg = format!("no Rust toolchain here can build guests for {TARGET}.\n");
    if let Some(route) = &survey.forced {
        msg += &format!("  (WORKBOOK_GUEST_ROUTE={route} allows only that route)\n");
    }
    msg += &format!("  rustup:    {}\n", describe_rustup(&survey.rustup));
    msg += &format!("  build-std: {}\n", describe_build_std(&survey.build_std));
    if tried_installing {
        msg += "  nothing could be installed here (see the notes above).\n";
    }
    msg += &format!(
        "Fix it in one of two ways:\n  rustup target add {TARGET}                      (downloads the target's std)\n  sudo apt-get install {}   (Debian 12: std is built from source)\nthen run `cargo xtask doctor` to see the route in use.",
        DEBIAN_PACKAGES.join(" ")
    );
    anyhow::anyhow!(msg)
}

pub fn describe_rustup(state: &RustupState) -> String {
    match state {
        RustupState::Absent => "no `rustup` on PATH".into(),
        RustupState::Ready(t) => format!("ready: {} has {TARGET}", t.version),
        RustupState::MissingTarget { version } => {
            format!("{version} lacks the {TARGET} target (`rustup target add {TARGET}`)")
        }
    }
}

pub fn describe_build_std(state: &std::result::Result<Toolchain, Vec<String>>) -> String {
    match state {
        Ok(t) => format!("ready: {} with std source", t.version),
        Err(missing) => format!("missing {}", missing.join("; ")),
    }
}

/// Route 1: the rustc on PATH (rustup's proxy, normally) and its sysroot.
fn rustup_state() -> RustupState {
    if process::which("rustup").is_none() {
        return RustupState::Absent;
    }
    let rustc = PathBuf::from("rustc");
    let Some(version) = rustc_version(&rustc) else {
        return RustupState::Absent;
    };
    let has_target = process::output_of(Command::new(&rustc).args([
        "--print",
        "target-libdir",
        "--target",
        TARGET,
    ]))
    .map(PathBuf::from)
    .is_some_and(|libdir| dir_has_std(&libdir));
    if has_target {
        RustupState::Ready(Toolchain {
            route: Route::Rustup,
            cargo: "cargo".into(),
            rustc,
            version,
        })
    } else {
        RustupState::MissingTarget { version }
    }
}

/// Route 3: a rustc whose sysroot holds std's source, a wasm linker and wasi-libc.
fn build_std() -> std::result::Result<Toolchain, Vec<String>> {
    let mut missing = Vec::new();
    let rustc = env_path("WORKBOOK_GUEST_RUSTC").unwrap_or_else(|| "/usr/bin/rustc".into());
    let version = rustc_version(&rustc);
    match &version {
        None => missing.push(format!(
            "a rustc at {} (Debian: rustc-web)",
            rustc.display()
        )),
        Some(_) => {
            if !has_std_source(&rustc) {
                missing.push(format!(
                    "std's source for {} (Debian: rust-web-src; rustup: rust-src)",
                    rustc.display()
                ));
            }
        }
    }
    let cargo = env_path("WORKBOOK_GUEST_CARGO").unwrap_or_else(|| rustc.with_file_name("cargo"));
    if !cargo.is_file() {
        missing.push(format!(
            "a cargo at {} (Debian: cargo-web)",
            cargo.display()
        ));
    }
    let linker = env_path("WORKBOOK_WASM_LD")
        .or_else(|| Some(PathBuf::from("/usr/lib/llvm-19/bin/wasm-ld")).filter(|p| p.is_file()))
        .or_else(|| process::which("wasm-ld"));
    if !linker.as_ref().is_some_and(|p| p.is_file()) {
        missing.push("the linker wasm-ld (Debian: lld-19)".into());
    }
    let wasi_libc = env_path("WORKBOOK_WASI_LIBC").unwrap_or_else(|| "/usr/lib/wasm32-wasi".into());
    if !wasi_libc.join("libc.a").is_file() {
        missing.push(format!(
            "wasi-libc in {} (Debian: wasi-libc)",
            wasi_libc.display()
        ));
    }
    match (missing.is_empty(), version, linker) {
        (true, Some(version), Some(linker)) => Ok(Toolchain {
            route: Route::BuildStd { linker, wasi_libc },
            cargo,
            rustc,
            version,
        }),
        _ => Err(missing),
    }
}

fn debian_as_root() -> bool {
    Path::new("/etc/debian_version").is_file()
        && process::which("apt-get").is_some()
        && process::output_of(Command::new("id").arg("-u")).as_deref() == Some("0")
}

fn install_debian_packages() -> Result<()> {
    let quiet = |cmd: &mut Command| {
        cmd.env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null());
    };
    let mut update = Command::new("apt-get");
    update.args(["update", "-q"]);
    quiet(&mut update);
    let status = process::run_inheriting(update, Duration::from_secs(600))
        .context("running apt-get update")?;
    if !status.success() {
        eprintln!("note: `apt-get update` failed ({status}); trying the install anyway");
    }
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(DEBIAN_PACKAGES);
    quiet(&mut install);
    let status = process::run_inheriting(install, Duration::from_secs(1200))
        .context("running apt-get install")?;
    if !status.success() {
        bail!(
            "`apt-get install {}` failed ({status})",
            DEBIAN_PACKAGES.join(" ")
        );
    }
    Ok(())
}

fn dir_has_std(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(".rlib")
        })
    })
}

fn rustc_version(rustc: &Path) -> Option<String> {
    process::output_of(Command::new(rustc).arg("--version"))
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
