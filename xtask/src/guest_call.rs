//! Calling a guest's export for the grader, through the `guest-call` program
//! (xtask/guest-call): a child process with fuel and memory limits inside, and
//! a wall-clock limit around it. A guest that traps, loops or allocates forever
//! is an outcome to report, never a crash or a hang of the grader.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;

use crate::cargo::{self, Messages};
use crate::process;

/// The wall-clock limit of one call (fuel normally stops a loop much sooner).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// What a call did.
#[derive(Debug, Clone, Deserialize)]
pub struct CallOutcome {
    /// The values returned, when the call returned.
    pub returned: Option<Vec<i64>>,
    /// The trap's message and wasm backtrace, when it trapped.
    pub trapped: Option<String>,
    pub stdout: String,
    pub stderr: String,
}

/// The package (and executable) of the grader's sandbox.
pub const PACKAGE: &str = "guest-call";

/// The `guest-call` executable, built (once per process) like the chapter hosts.
fn guest_call(root: &Path) -> Result<&'static PathBuf> {
    static EXE: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    EXE.get_or_init(|| {
        let packages = vec![PACKAGE.to_string()];
        cargo::build_hosts(&root.join("Cargo.toml"), &packages, Messages::Capture)
            .map_err(|e| format!("{e:#}"))
            .and_then(|mut exes| {
                exes.remove(PACKAGE)
                    .ok_or_else(|| "cargo built no `guest-call` executable".to_string())
            })
    })
    .as_ref()
    .map_err(|e| anyhow!("cannot build the grader's sandbox (xtask/guest-call): {e}"))
}

/// The `guest-call` command line that calls `export(args)` in the guest
/// `wasm` with the environment `env`.
pub fn command(
    root: &Path,
    wasm: &Path,
    export: &str,
    args: &[i64],
    env: &[(String, String)],
) -> Result<Command> {
    Ok(command_with(guest_call(root)?, wasm, export, args, env))
}

/// [`command`] with a `guest-call` executable of one's own (`cargo xtask
/// fuzz` builds it with optimised dependencies).
pub fn command_with(
    exe: &Path,
    wasm: &Path,
    export: &str,
    args: &[i64],
    env: &[(String, String)],
) -> Command {
    let mut cmd = Command::new(exe);
    cmd.arg(wasm).arg(export);
    for (name, value) in env {
        cmd.arg("--env").arg(format!("{name}={value}"));
    }
    cmd.arg("--").args(args.iter().map(i64::to_string));
    cmd
}

/// Call `export(args)` in the guest `wasm` with the environment `env`.
pub fn call(
    root: &Path,
    wasm: &Path,
    export: &str,
    args: &[i64],
    env: &[(String, String)],
) -> Result<CallOutcome> {
    let out = process::run_captured(command(root, wasm, export, args, env)?, CALL_TIMEOUT)?;
    if out.timed_out() {
        return Err(process::TimedOut {
            what: format!("calling `{export}`"),
            after: CALL_TIMEOUT,
        }
        .into());
    }
    if !out.success() {
        bail!("{}", out.stderr_text().trim_end());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        anyhow!(
            "the sandbox answered something unreadable ({e}): {}",
            out.stdout_text()
        )
    })
}
