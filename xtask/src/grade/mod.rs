//! Grading exercises: build the student's crates, run the manifest's checks, and
//! report each exercise as pass, fail or error, with points.
//!
//! Nothing a student writes can crash or hang the grader: builds and host runs
//! are child processes with a wall-clock limit, and guest calls run in the
//! grader's own Wasmtime with fuel and memory limits (see [`crate::guest_call`]).
//!
//! | module | holds |
//! | --- | --- |
//! | [`build`] | building an exercise's guests and hosts |
//! | [`call`] | the `call` check: a guest export called in the grader's Wasmtime |
//! | [`host_run`] | the `run` check: the exercise's host run with arguments |
//! | [`size`] | the `size` check: a guest's `.wasm` built with a profile, measured |
//! | [`cache`] | reusing a grade while nothing it depends on changed |
//! | [`report`] | the table and the JSON report of `cargo xtask grade` |
//! | [`classroom`] | the same grading as GitHub Classroom's autograding reporter reads it |

pub mod build;
pub mod cache;
pub mod call;
pub mod classroom;
pub mod host_run;
pub mod report;
pub mod size;

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::exercises::{Check, Exercise, Tree};
use crate::process;
use crate::report as print;
use crate::toolchain::Toolchain;

pub use report::{Report, Total};

/// The limits a student's code runs under, and how it is built.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long an exercise's host may run for one check.
    pub host_timeout: Duration,
    /// Build the hosts incrementally (`check` and `watch`, where the next edit
    /// follows): rustc keeps the host's compiled pieces (about 50 MB a host),
    /// and a one-line edit recompiles one piece instead of the whole host,
    /// with every instance of Wasmtime's generics that the host made.
    pub incremental: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            host_timeout: Duration::from_secs(20),
            incremental: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every check passed.
    Pass,
    /// The student's code does not build, or a check failed.
    Fail,
    /// The exercise could not be graded (a folder or file the grader needs is missing).
    Error,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Graded {
    pub id: String,
    pub chapter: u32,
    pub title: String,
    pub status: Status,
    pub points: u32,
    pub max_points: u32,
    /// Whether the exercise's crates compile.
    pub builds: bool,
    /// One line for a pass; for a fail or an error, what went wrong, with the
    /// failing checks' expected and actual values.
    pub message: String,
    pub checks: Vec<CheckResult>,
    /// Whether the grade depended on time: a build, call or run was killed
    /// for taking too long. Such a grade is never reused (see [`cache`]).
    #[serde(skip)]
    pub timed_out: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckResult {
    pub about: String,
    pub passed: bool,
    /// Why it failed: expected against actual.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip)]
    pub timed_out: bool,
}

/// Why a check failed, and whether that depended on time (a process killed
/// for running too long), which a faster or quieter machine might not repeat.
pub struct Failure {
    pub detail: String,
    pub timed_out: bool,
}

impl From<String> for Failure {
    fn from(detail: String) -> Self {
        Failure {
            detail,
            timed_out: false,
        }
    }
}

impl Failure {
    pub fn from_error(err: anyhow::Error) -> Self {
        Failure {
            timed_out: process::timed_out(&err),
            detail: format!("{err:#}"),
        }
    }
}

/// A check's outcome: `Ok` when it passes.
pub type Outcome = std::result::Result<(), Failure>;

/// Everything the checks of one exercise run against.
pub struct Grading<'a> {
    pub root: &'a Path,
    pub toolchain: &'a Toolchain,
    pub exercise: &'a Exercise,
    pub tree: &'a Tree,
    pub limits: &'a Limits,
    pub built: build::Built,
}

/// Grade one exercise of `tree`. `progress` hears what is happening.
pub fn grade(
    root: &Path,
    toolchain: &Toolchain,
    exercise: &Exercise,
    tree: &Tree,
    limits: &Limits,
    progress: &dyn Fn(&str),
) -> Graded {
    let result = |status, message: String, checks: Vec<CheckResult>, timed_out| Graded {
        id: exercise.id.clone(),
        chapter: exercise.chapter,
        title: exercise.title.clone(),
        status,
        points: if status == Status::Pass {
            exercise.points
        } else {
            0
        },
        max_points: exercise.points,
        builds: status == Status::Pass || !checks.is_empty(),
        message,
        checks,
        timed_out,
    };
    if let Some(missing) = exercise.missing_folder(root, tree) {
        return result(Status::Error, missing, vec![], false);
    }
    let built = match build::build(
        root,
        toolchain,
        exercise,
        tree,
        limits.incremental,
        progress,
    ) {
        Ok(built) => built,
        Err(err) => {
            let timed_out = process::timed_out(&err);
            return result(Status::Fail, format!("{err:#}"), vec![], timed_out);
        }
    };
    let grading = Grading {
        root,
        toolchain,
        exercise,
        tree,
        limits,
        built,
    };
    let checks = grading.run_checks(progress);
    let timed_out = checks.iter().any(|c| c.timed_out);
    let failed: Vec<&CheckResult> = checks.iter().filter(|c| !c.passed).collect();
    if failed.is_empty() {
        let message = format!("all {} checks pass", checks.len());
        result(Status::Pass, message, checks, timed_out)
    } else {
        let mut message = format!("{} of {} checks fail", failed.len(), checks.len());
        for check in &failed {
            message += &format!(
                "\n✗ {}\n{}",
                check.about,
                indent(check.detail.as_deref().unwrap_or(""))
            );
        }
        result(Status::Fail, message, checks, timed_out)
    }
}

impl Grading<'_> {
    /// Run every check in order. After a host run that did not finish, the
    /// exercise's other host runs are not started: each would wait out the
    /// same limit, for the same reason.
    fn run_checks(&self, progress: &dyn Fn(&str)) -> Vec<CheckResult> {
        let checks = &self.exercise.checks;
        let mut results = Vec::new();
        let mut host_hung = false;
        for (i, check) in checks.iter().enumerate() {
            progress(&format!(
                "check {}/{}: {}",
                i + 1,
                checks.len(),
                check.about()
            ));
            let outcome = match check {
                Check::Run { .. } if host_hung => Err(Failure {
                    detail: "not run: an earlier run of the host did not finish (see above)"
                        .to_string(),
                    timed_out: true,
                }),
                Check::Call { .. } => call::check(self, check),
                Check::Run { .. } => {
                    let outcome = host_run::check(self, check);
                    host_hung = outcome.as_ref().is_err_and(|f| f.timed_out);
                    outcome
                }
                Check::Size { .. } => size::check(self, check),
            };
            results.push(CheckResult {
                about: check.about().to_string(),
                passed: outcome.is_ok(),
                timed_out: outcome.as_ref().is_err_and(|f| f.timed_out),
                detail: outcome.err().map(|f| f.detail),
            });
        }
        results
    }
}

/// Every line of `text` indented by two spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Print one graded exercise.
pub fn print(graded: &Graded) {
    let label = format!(
        "{} ({}/{} points)",
        graded.id, graded.points, graded.max_points
    );
    match graded.status {
        Status::Pass => print::pass(&label, &graded.title),
        Status::Fail => print::fail(&label, &format!("{}\n{}", graded.title, graded.message)),
        Status::Error => print::fail(
            &label,
            &format!("{}\ncannot grade: {}", graded.title, graded.message),
        ),
    }
}
