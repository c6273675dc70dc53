//! Running cargo builds: the hosts (native) and, through `guests`, the guests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use cargo_metadata::Message;

use crate::process;

/// How a build shows its compiler messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Messages {
    /// Straight to the terminal, with cargo's progress.
    Show,
    /// Captured: a failure's error holds the compiler's messages. Used by the
    /// grader, which must report a student's compile error and go on.
    Capture,
}

/// A build that takes longer than this has gone wrong (a cold build of
/// Wasmtime is about two minutes on two cores).
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The cargo that runs xtask (cargo tells us in `$CARGO`), for native builds.
/// It runs from the workbook's root, so that .cargo/config.toml applies.
pub fn native_cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(crate::root());
    cmd
}

/// The target directory of native builds: `CARGO_TARGET_DIR` when it is set
/// (relative to the workbook's root when relative), else `target/`.
pub fn native_target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Run a `cargo build` whose stdout is JSON messages; returns that stdout.
pub fn run_build(mut cmd: Command, what: &str, messages: Messages) -> Result<Vec<u8>> {
    match messages {
        Messages::Show => {
            let out = {
                cmd.stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit());
                let child = cmd
                    .spawn()
                    .with_context(|| format!("cannot start cargo to build {what}"))?;
                child
                    .wait_with_output()
                    .with_context(|| format!("building {what}"))?
            };
            if !out.status.success() {
                bail!("building {what} failed (the compiler's messages are above)");
            }
            Ok(out.stdout)
        }
        Messages::Capture => {
            cmd.arg("--color=never");
            let out = process::run_captured(cmd, BUILD_TIMEOUT)?;
            if out.timed_out() {
                let killed = process::TimedOut {
                    what: format!("building {what}"),
                    after: BUILD_TIMEOUT,
                };
                return Err(anyhow::Error::new(killed).context(format!(
                    "building {what} failed:\n{}",
                    compiler_messages(&out.stderr_text())
                )));
            }
            if !out.success() {
                bail!(
                    "building {what} failed ({}):\n{}",
                    out.ending(),
                    compiler_messages(&out.stderr_text())
                );
            }
            Ok(out.stdout)
        }
    }
}

/// Cargo's stderr without its progress chatter: what a student needs to read.
fn compiler_messages(stderr: &str) -> String {
    let noise = [
        "Compiling ",
        "Updating ",
        "Locking ",
        "Downloading ",
        "Downloaded ",
        "Blocking ",
        "Adding ",
    ];
    stderr
        .lines()
        .filter(|line| !noise.iter().any(|n| line.trim_start().starts_with(n)))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Build native host binaries of the workspace at `manifest`; returns each
/// package's executable (and those of its other binaries, by name).
pub fn build_hosts(
    manifest: &Path,
    packages: &[String],
    messages: Messages,
) -> Result<BTreeMap<String, PathBuf>> {
    build_hosts_with_profile(manifest, packages, messages, "dev")
}

/// [`build_hosts`] for the grader: messages captured, and `incremental`
/// overriding the workbook's `build.incremental = false` for the exercise's
/// own crates (cargo never builds a registry crate incrementally, so
/// Wasmtime's build is shared either way).
pub fn build_exercise_hosts(
    manifest: &Path,
    packages: &[String],
    incremental: bool,
) -> Result<BTreeMap<String, PathBuf>> {
    let mut cmd = host_build_command(manifest, packages, "dev");
    if incremental {
        cmd.env("CARGO_INCREMENTAL", "1");
    }
    executables_of(cmd, packages, Messages::Capture)
}

/// [`build_hosts`] with a cargo profile of the workspace (`dev`, `fuzz`).
pub fn build_hosts_with_profile(
    manifest: &Path,
    packages: &[String],
    messages: Messages,
    profile: &str,
) -> Result<BTreeMap<String, PathBuf>> {
    let cmd = host_build_command(manifest, packages, profile);
    executables_of(cmd, packages, messages)
}

/// `cargo build` of `packages` of the workspace at `manifest`, in `profile`,
/// into the workbook's one target dir.
fn host_build_command(manifest: &Path, packages: &[String], profile: &str) -> Command {
    let mut cmd = native_cargo();
    cmd.args([
        "build",
        "--message-format=json-render-diagnostics",
        "--profile",
        profile,
        "--manifest-path",
    ])
    .arg(manifest);
    // Every workspace (the chapters', the exercises', a copy's) builds into
    // the one target dir, so that Wasmtime is compiled once for all of them.
    cmd.arg("--target-dir")
        .arg(native_target_dir(&crate::root()));
    for package in packages {
        cmd.args(["--package", package]);
    }
    cmd
}

/// Run a host build and return each package's executable (and those of its
/// other binaries, by name).
fn executables_of(
    cmd: Command,
    packages: &[String],
    messages: Messages,
) -> Result<BTreeMap<String, PathBuf>> {
    let stdout = run_build(cmd, &packages.join(", "), messages)?;
    let mut executables = BTreeMap::new();
    for message in Message::parse_stream(stdout.as_slice()) {
        if let Ok(Message::CompilerArtifact(artifact)) = message
            && let Some(exe) = artifact.executable
        {
            executables.insert(artifact.target.name.clone(), exe.into_std_path_buf());
        }
    }
    for package in packages {
        if !executables.contains_key(package) {
            bail!("cargo built `{package}` but reported no executable for it");
        }
    }
    Ok(executables)
}

/// Build one program of a package in a cargo profile other than `dev`
/// (`vm-bench`, for what measures speed or size), with `extra` arguments
/// (`--no-default-features`, say) and cargo's own progress on the terminal;
/// returns the executable of the target named `program`.
pub fn build_in_profile(
    root: &Path,
    package: &str,
    program: &str,
    profile: &str,
    extra: &[&str],
) -> Result<PathBuf> {
    let mut cmd = native_cargo();
    cmd.args(["build", "--message-format=json-render-diagnostics"])
        .args(["--profile", profile, "--package", package, "--bin", program])
        .args(extra)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(native_target_dir(root));
    let what = format!("{program} ({profile} {})", extra.join(" "));
    let stdout = run_build(cmd, what.trim_end(), Messages::Show)?;
    for message in Message::parse_stream(stdout.as_slice()) {
        if let Ok(Message::CompilerArtifact(artifact)) = message
            && artifact.target.name == program
            && let Some(exe) = artifact.executable
        {
            return Ok(exe.into_std_path_buf());
        }
    }
    bail!("cargo built `{program}` but reported no executable for it")
}
