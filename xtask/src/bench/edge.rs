//! `cargo xtask bench edge`: chapter 9's load test, on the release build of
//! `chapter-9-host` (the `vm-bench` profile, whose Wasmtime is the one
//! chapter 7's benchmark already built). The host's `measure` subcommand
//! starts each server, loads it over loopback and stops it; this command
//! builds it and shows what it printed, and a full run keeps it for the
//! book ([`BOOK_FILE`]). `--quick` runs it on the dev build (see [`super`]).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// The package and program that measure, and the handler they serve.
pub const PACKAGE: &str = "chapter-9-host";
pub const GUEST: &str = "chapter-9-guest";

/// How long a measurement may take before it is stopped (the full one takes
/// about 40 s; a first release build is not part of it).
const TIMEOUT: Duration = Duration::from_secs(300);

/// What a run keeps, under `book/src/measured/` (a full run; [`super::keep`]).
pub const BOOK_FILE: &str = "chapter-9/load.txt";

/// Wasmtime's published instantiation time, which the figures are compared with.
const PUBLISHED: &str = "chapters/chapter-9-edge/published.toml";

/// Build the guest and the host (release; `quick`: dev); run `measure`
/// (`quick`: 1 s per setup instead of 5); return what it printed.
pub fn measure(
    root: &Path,
    toolchain: &Toolchain,
    quick: bool,
    messages: Messages,
) -> Result<String> {
    let wasm = GuestBuild::new(
        root.join("Cargo.toml"),
        vec![GUEST.to_string()],
        guests::target_dir(root),
    )
    .run(toolchain, messages)
    .context("building chapter 9's guest")?;
    let exes = cargo::build_hosts_with_profile(
        &root.join("Cargo.toml"),
        &[PACKAGE.to_string()],
        messages,
        super::profile(quick),
    )?;
    let program: &PathBuf = exes
        .get(PACKAGE)
        .with_context(|| format!("building {PACKAGE} gave no program"))?;
    let mut cmd = Command::new(program);
    cmd.arg("measure");
    if quick {
        cmd.arg("--quick");
    }
    cmd.args(&wasm).current_dir(root);
    let stdout = super::stdout_of(cmd, &format!("{PACKAGE} measure"), TIMEOUT)?;
    let published = compare_with_published(root, &stdout)?;
    Ok(format!(
        "measured on {}\n{stdout}{published}",
        super::machine()
    ))
}

/// The line that sets the instantiation time measured here beside Wasmtime's
/// published one (`published.toml` of the chapter).
fn compare_with_published(root: &Path, figures: &str) -> Result<String> {
    #[derive(serde::Deserialize)]
    struct Published {
        source: String,
        what: String,
        instantiation_ns: f64,
    }
    let path = root.join(PUBLISHED);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let published: Published =
        toml::from_str(&text).with_context(|| format!("{} is not as expected", path.display()))?;
    let measured: f64 = figures
        .lines()
        .find_map(|l| l.strip_prefix("instantiation median (fresh instances): "))
        .and_then(|l| l.strip_suffix(" ns")?.parse().ok())
        .with_context(|| format!("{PACKAGE} measure printed no instantiation median"))?;
    Ok(format!(
        "published: {:.0} µs for {} ({}); measured here: {:.1} µs, {:.1} times that\n",
        published.instantiation_ns / 1000.0,
        published.what,
        published.source,
        measured / 1000.0,
        measured / published.instantiation_ns
    ))
}

/// `cargo xtask bench edge`.
pub fn command(root: &Path, toolchain: &Toolchain, quick: bool) -> Result<bool> {
    super::kept_command(
        root,
        quick,
        BOOK_FILE,
        (
            "chapter 9: building the server, then loading it over loopback",
            "bench edge: loaded chapter 9's server with fresh and reused instances, and beside hostile requests,",
        ),
        || measure(root, toolchain, quick, Messages::Capture),
    )
}
