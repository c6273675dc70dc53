//! The `run` check: run the exercise's host with arguments (`{guest}` stands for
//! a guest's `.wasm`) under a wall-clock limit, and compare its exit code and
//! output with what the manifest expects.

use std::path::Path;
use std::process::{Command, ExitStatus};

use crate::exercises::{Check, placeholder};
use crate::process::{self, Captured};
use crate::report;

use super::{Failure, Grading, Outcome, indent};

pub fn check(grading: &Grading, check: &Check) -> Outcome {
    let Check::Run {
        host,
        args,
        exit,
        stdout,
        stdout_contains,
        stderr_contains,
        ..
    } = check
    else {
        return Err("internal error: not a run check".to_string().into());
    };
    let Some(exe) = grading.built.hosts.get(host) else {
        return Err(format!("the host `{host}` was not built").into());
    };
    let mut resolved = Vec::new();
    for arg in args {
        resolved.push(match placeholder(arg) {
            Some(folder) => match grading.built.guests.get(folder) {
                Some(wasm) => wasm.display().to_string(),
                None => return Err(format!("the guest `{folder}` was not built").into()),
            },
            None => arg.clone(),
        });
    }
    let mut cmd = Command::new(exe);
    // No backtraces: a panic's message is what the student needs, and the
    // grade (and its cache) must not depend on the grader's environment.
    cmd.args(&resolved)
        .current_dir(grading.root)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE");
    let limit = grading.limits.host_timeout;
    let out = process::run_captured(cmd, limit).map_err(Failure::from_error)?;
    let run = Run {
        shown_args: shown(grading.root, &resolved),
        out,
    };
    let Some(status) = run.out.status else {
        return Err(Failure {
            detail: format!(
                "`host {}` was still running after {} s and was stopped. A guest that loops \
                 forever hangs a host that gives it no limit, and so does a host that waits for \
                 input or loops itself: does your {} loop without end?{}",
                run.shown_args,
                limit.as_secs(),
                edited(&grading.exercise.edit),
                run.printed()
            ),
            timed_out: true,
        });
    };
    run.compare(
        status,
        *exit,
        stdout.as_deref(),
        stdout_contains,
        stderr_contains,
    )
}

/// One finished run of a host.
struct Run {
    shown_args: String,
    out: Captured,
}

impl Run {
    fn compare(
        &self,
        status: ExitStatus,
        exit: i32,
        stdout: Option<&str>,
        stdout_contains: &[String],
        stderr_contains: &[String],
    ) -> Outcome {
        let args = &self.shown_args;
        if status.code() != Some(exit) {
            let why = match status.code() {
                Some(101) => " (101 is a Rust panic in the host)",
                None => " (killed by a signal)",
                _ => "",
            };
            return Err(format!(
                "expected `host {args}` to exit with {exit}, it ended with {status}{why}{}",
                self.printed()
            )
            .into());
        }
        let out_text = self.out.stdout_text();
        if let Some(expected) = stdout
            && let Some(diff) = report::diff(expected, &out_text)
        {
            let stderr = self.out.stderr_text();
            let ending = if stderr.trim().is_empty() {
                format!("(it ended with {status} and printed nothing on stderr)")
            } else {
                format!(
                    "(it ended with {status}; its stderr:)\n{}",
                    indent(stderr.trim_end())
                )
            };
            return Err(
                format!("`host {args}` printed something else on stdout:\n{diff}{ending}").into(),
            );
        }
        for (stream, text, needles) in [
            ("stdout", out_text, stdout_contains),
            ("stderr", self.out.stderr_text(), stderr_contains),
        ] {
            if let Some(needle) = needles.iter().find(|n| !text.contains(n.as_str())) {
                return Err(format!(
                    "expected the {stream} of `host {args}` to hold `{needle}`{}",
                    self.printed()
                )
                .into());
            }
        }
        Ok(())
    }

    /// What the host printed, for a failure's detail: each stream that holds
    /// something.
    fn printed(&self) -> String {
        let mut shown = String::new();
        for (name, text) in [
            ("stdout", self.out.stdout_text()),
            ("stderr", self.out.stderr_text()),
        ] {
            if !text.trim().is_empty() {
                shown += &format!("\n{name}:\n{}", indent(text.trim_end()));
            }
        }
        if shown.is_empty() {
            shown = "\nIt printed nothing.".to_string();
        }
        shown
    }
}

/// Which of the exercise's crates the student edits: `host`, `guest`, or
/// `code (host or guest)`.
fn edited(edit: &[String]) -> &'static str {
    let host = edit.iter().any(|f| f.starts_with("host/"));
    let guest = edit.iter().any(|f| f.starts_with("guest/"));
    match (host, guest) {
        (true, false) => "host",
        (false, true) => "guest",
        _ => "code (host or guest)",
    }
}

/// Arguments as a shell would need them: the workbook's root cut off paths,
/// and quotes around an empty argument or one with spaces or quotes.
fn shown(root: &Path, args: &[String]) -> String {
    let prefix = format!("{}/", root.display());
    args.iter()
        .map(|a| a.strip_prefix(&prefix).unwrap_or(a))
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
