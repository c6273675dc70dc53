//! Building a chapter's guests and hosts, and running its hosts.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};
use crate::chapters::{Chapter, Host};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// How long a chapter's host may run. Chapter hosts finish in well under a
/// second; this only stops a hang.
pub const HOST_TIMEOUT: Duration = Duration::from_secs(60);

/// A host ready to run: its executable and its arguments.
#[derive(Debug, Clone)]
pub struct ReadyHost {
    pub host: Host,
    pub exe: PathBuf,
    pub args: Vec<OsString>,
}

impl ReadyHost {
    pub fn command(&self, root: &Path) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args(&self.args).current_dir(root);
        cmd
    }
}

/// Build every guest of `chapters` with one cargo run; returns each guest's
/// package and `.wasm`.
pub fn build_all_guests(
    root: &Path,
    toolchain: &Toolchain,
    chapters: &[Chapter],
) -> Result<Vec<(String, PathBuf)>> {
    let packages: Vec<String> = chapters.iter().flat_map(|c| c.guests.clone()).collect();
    let wasm = GuestBuild::new(
        root.join("Cargo.toml"),
        packages.clone(),
        guests::target_dir(root),
    )
    .run(toolchain, Messages::Show)?;
    Ok(packages.into_iter().zip(wasm).collect())
}

/// Build a chapter's guests and hosts; return its hosts ready to run.
pub fn build_chapter(
    root: &Path,
    toolchain: &Toolchain,
    chapter: &Chapter,
    messages: Messages,
) -> Result<Vec<ReadyHost>> {
    let target_dir = guests::target_dir(root);
    GuestBuild::new(
        root.join("Cargo.toml"),
        chapter.guests_to_build(),
        &target_dir,
    )
    .run(toolchain, messages)
    .with_context(|| format!("building the guests of {chapter}"))?;
    ensure_system_packages(chapter)?;
    // One cargo invocation per host: cargo unifies features over the packages
    // of one invocation, and a chapter's hosts may link Wasmtimes of different
    // feature sets (chapter 8's device host has no compiler).
    let mut exes = std::collections::BTreeMap::new();
    for host in &chapter.hosts {
        let package = [host.package.clone()];
        let built = cargo::build_hosts(&root.join("Cargo.toml"), &package, messages)
            .with_context(|| format!("building the hosts of {chapter}"))?;
        exes.extend(built);
    }
    Ok(chapter
        .hosts
        .iter()
        .map(|host| {
            let mut args: Vec<OsString> = host
                .guests
                .iter()
                .map(|g| guests::wasm_path(&target_dir, g, "dev").into_os_string())
                .collect();
            args.extend(host.args.iter().map(OsString::from));
            ReadyHost {
                host: host.clone(),
                exe: exes[&host.package].clone(),
                args,
            }
        })
        .collect())
}

/// Install the Debian packages the chapter's hosts need, the way the guest
/// toolchain's are (as root on Debian, saying so first; otherwise the error
/// gives the command).
pub fn ensure_system_packages(chapter: &Chapter) -> Result<()> {
    let packages = chapter.system_packages();
    if packages.is_empty() {
        return Ok(());
    }
    let list: Vec<&str> = packages.iter().map(String::as_str).collect();
    crate::toolchain::install::ensure_debian_packages(&list, &format!("to build {chapter}'s hosts"))
}

/// `cargo xtask run chapter-N`: build the chapter and run its hosts with the
/// terminal as their stdout and stderr.
pub fn command(root: &Path, toolchain: &Toolchain, chapter: &Chapter) -> Result<()> {
    let hosts = build_chapter(root, toolchain, chapter, Messages::Show)?;
    for ready in hosts {
        let shown: Vec<String> = ready
            .args
            .iter()
            .map(|a| crate::report::rel(root, Path::new(a)))
            .collect();
        eprintln!("running {} {}", ready.host.package, shown.join(" "));
        let status = crate::process::run_inheriting(ready.command(root), HOST_TIMEOUT)?;
        if !status.success() {
            anyhow::bail!("{} {status}", ready.host.package);
        }
    }
    Ok(())
}
