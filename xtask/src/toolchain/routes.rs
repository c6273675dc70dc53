//! The routes to a guest toolchain: what each looks like on this machine
//! ([`survey`]), and picking one, installing what it takes ([`find_or_install`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, bail};

use super::{
    DEBIAN_PACKAGES, RUSTUP_ADD_TIMEOUT, Route, TARGET, Toolchain, dir_has_std, env_path,
    has_std_source, install, may_install, rustc_version,
};
use crate::process;

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
        && !install::failed_recently(memo)
    {
        match install::rustup_target_add(TARGET, RUSTUP_ADD_TIMEOUT) {
            Ok(()) => {
                if let RustupState::Ready(toolchain) = rustup_state() {
                    return Ok(toolchain);
                }
                install::remember_failure(
                    memo,
                    "rustup said it added the target, but its standard library is not there",
                );
            }
            Err(problem) => install::remember_failure(memo, &problem),
        }
    }

    // Route 3: a toolchain with std's source.
    if forced != Some("rustup")
        && let Ok(toolchain) = &survey.build_std
    {
        return Ok(toolchain.clone());
    }

    // Route 3, installed: Debian's packages.
    if forced != Some("rustup") && may_install && install::debian_as_root() {
        let packages = DEBIAN_PACKAGES.join(" ");
        eprintln!(
            "note: installing Debian's Rust toolchain with std source, to build std for {TARGET}:\n      apt-get install -y {packages}"
        );
        install::apt_install(DEBIAN_PACKAGES)?;
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
