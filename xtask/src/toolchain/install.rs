//! Installing what a route or a chapter needs: a rustup target or component,
//! Debian packages (as root, saying so first). `WORKBOOK_NO_INSTALL=1` stops
//! all of it; the error then gives the exact fix.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::may_install;
use crate::process;

/// `rustup target add <target>`, saying so first and bounded in time; the
/// error says what went wrong.
pub fn rustup_target_add(target: &str, timeout: Duration) -> std::result::Result<(), String> {
    eprintln!("note: the {target} target is not installed; running `rustup target add {target}`");
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", target]);
    match process::run_inheriting(cmd, timeout) {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`rustup target add {target}` failed ({status})")),
        Err(err) => Err(format!(
            "`rustup target add {target}` did not finish: {err:#}"
        )),
    }
}

/// Remember for a day that installing failed, in `memo`, so that a machine
/// without internet access does not wait for it on every run.
pub fn remember_failure(memo: &Path, problem: &str) {
    eprintln!("note: {problem}; trying the next route (not retried for 24 hours)");
    if let Some(dir) = memo.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(memo, format!("{problem}\n"));
}

/// Whether `rustup target add` failed less than a day ago.
pub fn failed_recently(memo: &Path) -> bool {
    std::fs::metadata(memo)
        .and_then(|m| m.modified())
        .is_ok_and(|t| {
            t.elapsed()
                .is_ok_and(|age| age < Duration::from_secs(24 * 3600))
        })
}

/// The Debian packages of `packages` that are not installed; all of them on a
/// machine without `dpkg-query` (not Debian).
pub fn missing_debian_packages<'a>(packages: &[&'a str]) -> Vec<&'a str> {
    packages
        .iter()
        .copied()
        .filter(|pkg| {
            let status =
                process::output_of(Command::new("dpkg-query").args(["-W", "-f=${Status}", pkg]));
            !status.is_some_and(|s| s.contains("install ok installed"))
        })
        .collect()
}

/// Make sure the Debian `packages` are installed, for `why` (a few words: "to
/// build WASM3 and WAMR"). As root on Debian, installs what is missing, saying
/// so first; otherwise the error names the missing packages and the command.
pub fn ensure_debian_packages(packages: &[&str], why: &str) -> Result<()> {
    let missing = missing_debian_packages(packages);
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if may_install() && debian_as_root() {
        eprintln!("note: installing Debian's {list}, {why}:\n      apt-get install -y {list}");
        return apt_install(&missing);
    }
    let why_not = if may_install() {
        "the xtask installs them only as root on Debian"
    } else {
        "WORKBOOK_NO_INSTALL=1 kept the xtask from installing them"
    };
    bail!(
        "missing system packages {why}: {list} ({why_not}). Install them with:\n  sudo apt-get install {list}"
    )
}

pub fn debian_as_root() -> bool {
    Path::new("/etc/debian_version").is_file()
        && process::which("apt-get").is_some()
        && process::output_of(Command::new("id").arg("-u")).as_deref() == Some("0")
}

/// `apt-get update`, then `apt-get install` of `packages`, bounded in time.
pub fn apt_install(packages: &[&str]) -> Result<()> {
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
        .args(packages);
    quiet(&mut install);
    let status = process::run_inheriting(install, Duration::from_secs(1200))
        .context("running apt-get install")?;
    if !status.success() {
        bail!("`apt-get install {}` failed ({status})", packages.join(" "));
    }
    Ok(())
}
