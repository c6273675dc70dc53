//! Grading exercises: build the student's crates, run the manifest's checks, and
//! report each exercise as pass, fail or error, with points.
//!
//! Nothing a student writes can crash or hang the grader: builds and host runs
//! are child processes with a wall-clock limit, and guest calls run in the
//! grader's own Wasmtime with fuel and memory limits (see `sandbox`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cargo::{self, Messages};
use crate::exercises::{Check, Exercise, Tree, placeholder};
use crate::guests::{self, GuestBuild};
use crate::process;
use crate::report;
use crate::sandbox;
use crate::toolchain::Toolchain;

/// The limits a student's code runs under.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long an exercise's host may run for one check.
    pub host_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            host_timeout: Duration::from_secs(20),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every check passed.
    Pass,
    /// The student's code does not build, or a check failed.
    Fail,
    /// The exercise could not be graded (a folder or file the grader needs is missing).
    Error,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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
struct Failure {
    detail: String,
    timed_out: bool,
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
    fn from_error(err: anyhow::Error) -> Self {
        Failure {
            timed_out: process::timed_out(&err),
            detail: format!("{err:#}"),
        }
    }
}

/// Built artifacts of one exercise.
struct Built {
    /// Guest folder -> `.wasm` (dev profile).
    guests: BTreeMap<String, PathBuf>,
    /// Host folder -> executable.
    hosts: BTreeMap<String, PathBuf>,
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
    let dir = exercise.dir(root, tree);
    if !dir.join("Cargo.toml").is_file() {
        let shown = report::rel(root, &dir);
        return result(
            Status::Error,
            format!("the exercise's folder {shown} (with its Cargo.toml) is missing"),
            vec![],
            false,
        );
    }
    let built = match build(root, toolchain, exercise, tree, progress) {
        Ok(built) => built,
        Err(err) => {
            let timed_out = process::timed_out(&err);
            return result(Status::Fail, format!("{err:#}"), vec![], timed_out);
        }
    };
    let mut checks = Vec::new();
    for (i, check) in exercise.checks.iter().enumerate() {
        progress(&format!(
            "check {}/{}: {}",
            i + 1,
            exercise.checks.len(),
            check.about()
        ));
        let outcome = run_check(root, toolchain, exercise, tree, limits, &built, check);
        checks.push(CheckResult {
            about: check.about().to_string(),
            passed: outcome.is_ok(),
            timed_out: outcome.as_ref().is_err_and(|f| f.timed_out),
            detail: outcome.err().map(|f| f.detail),
        });
    }
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

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn build(
    root: &Path,
    toolchain: &Toolchain,
    exercise: &Exercise,
    tree: &Tree,
    progress: &dyn Fn(&str),
) -> Result<Built> {
    let dir = exercise.dir(root, tree);
    let manifest = dir.join("Cargo.toml");
    let mut guest_map = BTreeMap::new();
    let guest_folders = exercise.guest_folders();
    if !guest_folders.is_empty() {
        progress("building the guest");
        let packages: Vec<String> = guest_folders
            .iter()
            .map(|f| exercise.package(root, tree, f))
            .collect::<Result<_>>()?;
        let wasm = GuestBuild::new(&manifest, packages, guests::target_dir(root))
            .run(toolchain, Messages::Capture)
            .context("the guest does not build")?;
        guest_map = guest_folders.into_iter().zip(wasm).collect();
    }
    let mut host_map = BTreeMap::new();
    let host_folders = exercise.host_folders();
    if !host_folders.is_empty() {
        progress("building the host");
        let packages: Vec<String> = host_folders
            .iter()
            .map(|f| exercise.package(root, tree, f))
            .collect::<Result<_>>()?;
        let exes = cargo::build_hosts(&manifest, &packages, Messages::Capture)
            .context("the host does not build")?;
        for (folder, package) in host_folders.into_iter().zip(packages) {
            host_map.insert(folder, exes[&package].clone());
        }
    }
    Ok(Built {
        guests: guest_map,
        hosts: host_map,
    })
}

/// Run one check: `Ok` when it passes, else expected against actual.
fn run_check(
    root: &Path,
    toolchain: &Toolchain,
    exercise: &Exercise,
    tree: &Tree,
    limits: &Limits,
    built: &Built,
    check: &Check,
) -> std::result::Result<(), Failure> {
    match check {
        Check::Call {
            guest,
            export,
            args,
            returns,
            traps,
            stdout,
            env,
            ..
        } => {
            let wasm = &built.guests[guest];
            let env: Vec<(String, String)> =
                env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let call = format!(
                "{export}({})",
                args.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let outcome =
                sandbox::call(root, wasm, export, args, &env).map_err(Failure::from_error)?;
            match (&outcome.returned, &outcome.trapped) {
                (Some(values), _) => {
                    if let Some(expected) = traps {
                        return Err(format!(
                            "expected {call} to trap with `{expected}`, but it returned {}",
                            show(values)
                        )
                        .into());
                    }
                    if let Some(expected) = returns
                        && values != expected
                    {
                        return Err(format!(
                            "expected {call} to return {}, it returned {}",
                            show(expected),
                            show(values)
                        )
                        .into());
                    }
                }
                (None, trapped) => {
                    let trap = trapped.as_deref().unwrap_or("(no message)");
                    let seen = format!("{}\n{trap}", outcome.stderr.trim_end());
                    match traps {
                        Some(expected) if !seen.contains(expected.as_str()) => {
                            return Err(format!(
                                "{call} trapped, but not with `{expected}`:\n{}",
                                seen.trim()
                            )
                            .into());
                        }
                        Some(_) => {}
                        None => return Err(format!("{call} trapped:\n{}", seen.trim()).into()),
                    }
                }
            }
            if let Some(expected) = stdout
                && let Some(diff) = report::diff(expected, &outcome.stdout)
            {
                return Err(format!("{call} printed something else on stdout:\n{diff}").into());
            }
            Ok(())
        }
        Check::Run {
            host,
            args,
            exit,
            stdout,
            stdout_contains,
            stderr_contains,
            ..
        } => {
            let exe = &built.hosts[host];
            let args: Vec<String> = args
                .iter()
                .map(|a| match placeholder(a) {
                    Some(folder) => built.guests[folder].display().to_string(),
                    None => a.clone(),
                })
                .collect();
            let mut cmd = Command::new(exe);
            cmd.args(&args).current_dir(root);
            let out =
                process::run_captured(cmd, limits.host_timeout).map_err(Failure::from_error)?;
            let shown_args = shown(root, &args);
            let context = || {
                format!(
                    "stdout:\n{}\nstderr:\n{}",
                    indent(out.stdout_text().trim_end()),
                    indent(out.stderr_text().trim_end())
                )
            };
            let Some(status) = out.status else {
                return Err(Failure {
                    detail: format!("`host {shown_args}` {}", out.ending()),
                    timed_out: true,
                });
            };
            if status.code() != Some(*exit) {
                let why = match status.code() {
                    Some(101) => " (101 is a Rust panic in the host)".to_string(),
                    None => " (killed by a signal)".to_string(),
                    _ => String::new(),
                };
                return Err(format!(
                    "expected `host {shown_args}` to exit with {exit}, it ended with {status}{why}\n{}",
                    context()
                ).into());
            }
            if let Some(expected) = stdout
                && let Some(diff) = report::diff(expected, &out.stdout_text())
            {
                let stderr = out.stderr_text();
                let ending = if stderr.trim().is_empty() {
                    format!("(it ended with {status} and printed nothing on stderr)")
                } else {
                    format!(
                        "(it ended with {status}; its stderr:)\n{}",
                        indent(stderr.trim_end())
                    )
                };
                return Err(format!(
                    "`host {shown_args}` printed something else on stdout:\n{diff}{ending}"
                )
                .into());
            }
            for needle in stdout_contains {
                if !out.stdout_text().contains(needle.as_str()) {
                    return Err(format!(
                        "expected the stdout of `host {shown_args}` to hold `{needle}`\n{}",
                        context()
                    )
                    .into());
                }
            }
            for needle in stderr_contains {
                if !out.stderr_text().contains(needle.as_str()) {
                    return Err(format!(
                        "expected the stderr of `host {shown_args}` to hold `{needle}`\n{}",
                        context()
                    )
                    .into());
                }
            }
            Ok(())
        }
        Check::Size {
            guest,
            profile,
            max_bytes,
            ..
        } => {
            let dir = exercise.dir(root, tree);
            let package = exercise
                .package(root, tree, guest)
                .map_err(Failure::from_error)?;
            let wasm = GuestBuild::new(
                dir.join("Cargo.toml"),
                vec![package],
                guests::target_dir(root),
            )
            .profile(profile)
            .run(toolchain, Messages::Capture)
            .map_err(|e| format!("the {profile} build of the guest failed: {e:#}"))?;
            let size = std::fs::metadata(&wasm[0])
                .map_err(|e| format!("{e}"))?
                .len();
            if size > *max_bytes {
                return Err(format!(
                    "the {profile} .wasm is {size} bytes; the budget is {max_bytes} bytes"
                )
                .into());
            }
            Ok(())
        }
    }
}

fn show(values: &[i64]) -> String {
    match values {
        [one] => one.to_string(),
        many => format!(
            "({})",
            many.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Arguments with the workbook's root cut off paths, for messages.
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

/// Print one graded exercise.
pub fn print(graded: &Graded) {
    let label = format!(
        "{} ({}/{} points)",
        graded.id, graded.points, graded.max_points
    );
    match graded.status {
        Status::Pass => report::pass(&label, &graded.title),
        Status::Fail => report::fail(&label, &format!("{}\n{}", graded.title, graded.message)),
        Status::Error => report::fail(
            &label,
            &format!("{}\ncannot grade: {}", graded.title, graded.message),
        ),
    }
}

/// The whole grading, as `cargo xtask grade --json` writes it. Its shape is
/// documented by `xtask/grade-report.schema.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub exercises: Vec<Graded>,
    pub total: Total,
}

#[derive(Debug, Clone, Serialize)]
pub struct Total {
    pub points: u32,
    pub max_points: u32,
    pub passed: usize,
    pub exercises: usize,
}

impl Report {
    pub fn new(exercises: Vec<Graded>) -> Report {
        let total = Total {
            points: exercises.iter().map(|g| g.points).sum(),
            max_points: exercises.iter().map(|g| g.max_points).sum(),
            passed: exercises
                .iter()
                .filter(|g| g.status == Status::Pass)
                .count(),
            exercises: exercises.len(),
        };
        Report { exercises, total }
    }

    /// The report as a table: one line per exercise, then the total.
    pub fn print_table(&self) {
        println!(
            "{:<8} {:<22} {:<7} {:<8} message",
            "chapter", "exercise", "status", "points"
        );
        for g in &self.exercises {
            let status = match g.status {
                Status::Pass => "pass",
                Status::Fail => "fail",
                Status::Error => "error",
            };
            let first_line = g.message.lines().next().unwrap_or("");
            let points = format!("{}/{}", g.points, g.max_points);
            println!(
                "{:<8} {:<22} {:<7} {:<8} {}",
                g.chapter, g.id, status, points, first_line
            );
        }
        println!(
            "total: {}/{} points, {} of {} exercises pass",
            self.total.points, self.total.max_points, self.total.passed, self.total.exercises
        );
    }
}

/// A grade is reused when nothing it depends on changed: the exercise's files,
/// its manifest entry, the toolchain and the grader itself. Timeouts are never
/// reused (they depend on the machine's load).
pub mod cache {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    use std::path::{Path, PathBuf};

    use super::{Graded, Status};
    use crate::exercises::{Exercise, Tree};
    use crate::toolchain::Toolchain;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Entry {
        key: u64,
        graded: Graded,
    }

    fn path(root: &Path, exercise: &Exercise, tree: &Tree) -> PathBuf {
        root.join("target/workbook/grades")
            .join(format!("{}-{}.json", tree.noun(), exercise.id))
    }

    /// What the grade depends on, hashed; `None` when something cannot be read.
    fn key(root: &Path, toolchain: &Toolchain, exercise: &Exercise, tree: &Tree) -> Option<u64> {
        let mut h = DefaultHasher::new();
        format!("{exercise:?}").hash(&mut h);
        tree.base(root).hash(&mut h);
        toolchain.to_string().hash(&mut h);
        std::env::current_exe()
            .ok()?
            .metadata()
            .ok()?
            .modified()
            .ok()?
            .hash(&mut h);
        hash_files(&exercise.dir(root, tree), &mut h)?;
        hash_files(&root.join("xtask/guest-call"), &mut h)?;
        Some(h.finish())
    }

    /// Every file under `dir` but `target/`, by path and content, in order.
    fn hash_files(dir: &Path, h: &mut DefaultHasher) -> Option<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if path.is_dir() {
                hash_files(&path, h)?;
            } else {
                path.hash(h);
                std::fs::read(&path).ok()?.hash(h);
            }
        }
        Some(())
    }

    /// The grade recorded for exactly these inputs, if any.
    pub fn get(
        root: &Path,
        toolchain: &Toolchain,
        exercise: &Exercise,
        tree: &Tree,
    ) -> Option<Graded> {
        let key = key(root, toolchain, exercise, tree)?;
        let entry: Entry =
            serde_json::from_slice(&std::fs::read(path(root, exercise, tree)).ok()?).ok()?;
        (entry.key == key).then_some(entry.graded)
    }

    /// Record a grade, unless it depended on timing.
    pub fn put(
        root: &Path,
        toolchain: &Toolchain,
        exercise: &Exercise,
        tree: &Tree,
        graded: &Graded,
    ) {
        if graded.timed_out || graded.status == Status::Error {
            return;
        }
        let Some(key) = key(root, toolchain, exercise, tree) else {
            return;
        };
        let path = path(root, exercise, tree);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(json) = serde_json::to_vec(&Entry {
            key,
            graded: graded.clone(),
        }) {
            let _ = std::fs::write(path, json);
        }
    }
}
