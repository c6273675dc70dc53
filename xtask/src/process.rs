//! Running child processes with a wall-clock limit, so that nothing a guest or a
//! student does can hang the workbook.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

/// What a finished (or killed) process printed.
#[derive(Debug, Clone)]
pub struct Captured {
    /// `None` when the process was killed for running out of time.
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timeout: Duration,
}

impl Captured {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// One line on how the process ended: "exit status: 1", "killed after 10s".
    pub fn ending(&self) -> String {
        match self.status {
            Some(status) => status.to_string(),
            None => format!("killed after {}s without finishing", self.timeout.as_secs()),
        }
    }
}

/// Run `cmd` to the end, or kill it after `timeout`, capturing what it prints.
pub fn run_captured(mut cmd: Command, timeout: Duration) -> Result<Captured> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    // Its own process group, so a timeout kills the grandchildren too (rustc under cargo).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{program}`"))?;
    // Read both pipes while waiting, so that a chatty child never blocks on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child, timeout)?;
    // Whatever the process left running in its group (a student's host that
    // spawned `sleep infinity`) would keep the pipes open, and the reads below
    // waiting for ever: it goes with the process.
    kill_group(&child);
    Ok(Captured {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        timeout,
    })
}

/// The error of a process killed for running out of time. What it means
/// depends on the machine's speed, so a result with it is never reused.
#[derive(Debug)]
pub struct TimedOut {
    /// What was killed: "`cargo`", "calling `sum`".
    pub what: String,
    pub after: Duration,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} was killed after {}s without finishing",
            self.what,
            self.after.as_secs()
        )
    }
}

impl std::error::Error for TimedOut {}

/// Whether `err`, or anything that caused it, is a [`TimedOut`].
pub fn timed_out(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.is::<TimedOut>())
}

/// Run `cmd` with the terminal as its stdin/stdout/stderr, killing it after `timeout`.
pub fn run_inheriting(mut cmd: Command, timeout: Duration) -> Result<ExitStatus> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start `{program}`"))?;
    match wait_or_kill(&mut child, timeout)? {
        Some(status) => Ok(status),
        None => Err(TimedOut {
            what: format!("`{program}`"),
            after: timeout,
        }
        .into()),
    }
}

fn wait_or_kill(child: &mut Child, timeout: Duration) -> Result<Option<ExitStatus>> {
    match child
        .wait_timeout(timeout)
        .context("waiting for a child process")?
    {
        Some(status) => Ok(Some(status)),
        None => {
            kill_group(child);
            let _ = child.kill();
            let _ = child.wait();
            Ok(None)
        }
    }
}

/// Kill the process group that `child` leads (see `run_captured`), if any is left.
fn kill_group(child: &Child) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// How much of each of a process's outputs is kept: a program that prints
/// without end fills this, not the grader's memory.
pub const OUTPUT_LIMIT: usize = 8 << 20;

/// Read a pipe to its end, keeping the first [`OUTPUT_LIMIT`] bytes.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let Some(pipe) = pipe else {
            return kept;
        };
        let mut pipe = pipe;
        let _ = (&mut pipe).take(OUTPUT_LIMIT as u64).read_to_end(&mut kept);
        // Go on reading, so that the process never blocks on a full pipe,
        // but keep nothing more.
        let cut = std::io::copy(&mut pipe, &mut std::io::sink()).unwrap_or(0);
        if cut > 0 {
            kept.extend_from_slice(
                format!(
                    "\n[… {cut} more bytes not kept: the output is cut at {OUTPUT_LIMIT} bytes]\n"
                )
                .as_bytes(),
            );
        }
        kept
    })
}

/// The trimmed stdout of a command that succeeded, or `None`.
pub fn output_of(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The first executable called `name` on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path: OsString = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_process_left_running_by_the_child_does_not_keep_the_reads_waiting() {
        // The background `sleep` holds stdout open after `sh` has exited.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 60 & echo started"]);
        let started = Instant::now();
        let out = run_captured(cmd, Duration::from_secs(30)).unwrap();
        assert!(out.success());
        assert_eq!(out.stdout_text(), "started\n");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn output_past_the_limit_is_read_but_not_kept() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 20000000 /dev/zero"]);
        let out = run_captured(cmd, Duration::from_secs(30)).unwrap();
        assert!(out.success());
        let text = out.stdout_text();
        assert!(
            out.stdout.len() < OUTPUT_LIMIT + 200,
            "{}",
            out.stdout.len()
        );
        assert!(
            text.ends_with(&format!(
                "[… {} more bytes not kept: the output is cut at {OUTPUT_LIMIT} bytes]\n",
                20_000_000 - OUTPUT_LIMIT
            )),
            "{}",
            &text[text.len() - 120..]
        );
    }
}
