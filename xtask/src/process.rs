//! Running child processes with a wall-clock limit, so that nothing a guest or a
//! student does can hang the workbook.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
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
    Ok(Captured {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        timeout,
    })
}

/// Run `cmd` with the terminal as its stdin/stdout/stderr, killing it after `timeout`.
pub fn run_inheriting(mut cmd: Command, timeout: Duration) -> Result<ExitStatus> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start `{program}`"))?;
    match wait_or_kill(&mut child, timeout)? {
        Some(status) => Ok(status),
        None => bail!(
            "`{program}` was killed after {}s without finishing",
            timeout.as_secs()
        ),
    }
}

fn wait_or_kill(child: &mut Child, timeout: Duration) -> Result<Option<ExitStatus>> {
    match child
        .wait_timeout(timeout)
        .context("waiting for a child process")?
    {
        Some(status) => Ok(Some(status)),
        None => {
            #[cfg(unix)]
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
            Ok(None)
        }
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}
