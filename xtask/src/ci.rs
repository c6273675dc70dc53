//! `cargo xtask test`: everything CI checks, in one command. The workspace's
//! tests, every chapter's example against its snapshot, every reference answer
//! passes, and every starter builds and, untouched, fails its grading.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::check::{self, Reuse};
use crate::exercises::{self, Exercise, Tree};
use crate::grade::{Graded, Status};
use crate::toolchain::Toolchain;
use crate::{cargo, chapters, report, run, starters};

/// Run everything; returns whether it all passed.
pub fn run_all(root: &Path, toolchain: &Toolchain) -> Result<bool> {
    let mut clock = Clock::start();
    let all = chapters::all(root)?;
    for chapter in &all {
        run::ensure_system_packages(chapter)?;
    }
    run::build_all_guests(root, toolchain, &all)?;
    clock.lap("system packages and guests");
    let mut failures: Vec<String> = Vec::new();

    // The hosts' own tests, one host at a time: each is then built with its
    // own dependencies' features, exactly as `cargo xtask run` builds it, so
    // that the Wasmtime it links is the one already built (a chapter that
    // adds Wasmtime features must not change the others' Wasmtime). Only the
    // targets that hold tests are built: every test program links Wasmtime
    // (65 MB and seconds of linking each), so an empty one is not made. Then
    // the machinery's tests, which link no Wasmtime.
    let hosts = all
        .iter()
        .flat_map(|c| c.hosts.iter().map(|h| (h.package.clone(), h.dir.clone())))
        .chain([(
            crate::guest_call::PACKAGE.to_string(),
            root.join("xtask/guest-call"),
        )]);
    report::heading("cargo test: the hosts' own tests");
    for (host, dir) in hosts {
        for targets in test_targets(&dir)? {
            if !cargo_test_targets(&host, &targets)? {
                failures.push(format!("cargo test {} of {host}", targets.join(" ")));
            }
        }
        clock.lap(&format!("cargo test -p {host}"));
    }
    report::heading("cargo test: the workbook's tests");
    let excluded = [
        "chapter-*".to_string(),
        crate::guest_call::PACKAGE.to_string(),
    ];
    if !cargo_test_workspace(&excluded)? {
        failures.push("cargo test of the workbook".into());
    }
    clock.lap("cargo test: the workbook's tests");

    for chapter in &all {
        if check::example(root, toolchain, chapter, Reuse::Never)? > 0 {
            failures.push(format!("{chapter}'s example"));
        }
    }
    clock.lap("the chapters' examples");

    let manifest = exercises::load(root)?;
    let list: Vec<&Exercise> = manifest.exercises.iter().collect();
    report::heading("every solution must pass");
    for graded in check::exercises_of(root, toolchain, &list, &Tree::Solutions, Reuse::Never)? {
        if graded.status != Status::Pass {
            failures.push(format!("the solution of `{}`", graded.id));
        }
    }
    clock.lap("every solution");
    report::heading("every starter must build, and fail its grading while untouched");
    let starters = check::exercises_of(root, toolchain, &list, &Tree::Exercises, Reuse::Never)?;
    failures.extend(judge_starters(root, &list, &starters)?);
    clock.lap("every starter");

    clock.report();
    let took = clock.total();
    if failures.is_empty() {
        report::heading(&format!("cargo xtask test: everything passed in {took}"));
        return Ok(true);
    }
    report::heading(&format!(
        "cargo xtask test: {} failure(s), in {took}",
        failures.len()
    ));
    for failure in &failures {
        report::note(&format!("✗ {failure}"));
    }
    Ok(false)
}

/// Where the time of a run went: one lap per step, shown slowest first at the
/// end (a fresh clone's run is mostly builds, and this says which).
struct Clock {
    started: Instant,
    last: Instant,
    laps: Vec<(String, Duration)>,
}

impl Clock {
    fn start() -> Self {
        let now = Instant::now();
        Clock {
            started: now,
            last: now,
            laps: Vec::new(),
        }
    }

    /// End the step that began at the last lap, under `name`.
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.laps.push((name.to_string(), now - self.last));
        self.last = now;
    }

    fn total(&self) -> String {
        format!("{:.0} s", self.started.elapsed().as_secs_f64())
    }

    /// The steps that took a second or more, slowest first.
    fn report(&self) {
        let mut laps: Vec<&(String, Duration)> = self
            .laps
            .iter()
            .filter(|(_, took)| took.as_secs() >= 1)
            .collect();
        laps.sort_by_key(|lap| std::cmp::Reverse(lap.1));
        report::heading("where the time went");
        for (name, took) in laps {
            report::note(&format!("{:>6.0} s  {name}", took.as_secs_f64()));
        }
    }
}

/// The `cargo test` target options that cover a crate's tests, one set per
/// invocation (cargo runs doc tests alone): unit tests where a file of `src/`
/// has `#[test]`, the integration tests of `tests/`, the doc tests of a
/// library whose comments hold code. Empty when the crate has no tests.
fn test_targets(dir: &Path) -> Result<Vec<Vec<String>>> {
    let src = dir.join("src");
    let lib = src.join("lib.rs");
    let mut unit = false;
    let mut doc = false;
    for file in rust_files(&src)? {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        unit |= text.contains("#[test]") || text.contains("#[cfg(test)]");
        doc |= text.contains("//! ```") || text.contains("/// ```");
    }
    let mut sets = Vec::new();
    let mut tests: Vec<String> = Vec::new();
    if unit && lib.is_file() {
        tests.push("--lib".to_string());
    }
    if unit {
        tests.push("--bins".to_string());
    }
    if dir.join("tests").is_dir() {
        tests.extend(["--test", "*"].map(String::from));
    }
    if !tests.is_empty() {
        sets.push(tests);
    }
    if doc && lib.is_file() {
        sets.push(vec!["--doc".to_string()]);
    }
    Ok(sets)
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(files);
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(files)
}

/// `cargo test` of one package's `targets`.
fn cargo_test_targets(package: &str, targets: &[String]) -> Result<bool> {
    let mut cmd = cargo::native_cargo();
    cmd.args(["test", "--package", package]).args(targets);
    Ok(cmd.status().context("cannot run cargo test")?.success())
}

/// `cargo test` of the workspace without the `excluded` packages.
fn cargo_test_workspace(excluded: &[String]) -> Result<bool> {
    let mut cmd = cargo::native_cargo();
    cmd.args(["test", "--workspace"]);
    for package in excluded {
        cmd.args(["--exclude", package]);
    }
    Ok(cmd.status().context("cannot run cargo test")?.success())
}

/// Each starter must build and, as handed out, fail: a starter that passes
/// untouched tests nothing. Returns what failed.
///
/// CI runs on a fresh clone, where every starter is as handed out: a starter
/// that differs from exercises/starters.lock there was changed without
/// `cargo xtask starters`, and whether it fails would go unchecked.
fn judge_starters(root: &Path, list: &[&Exercise], graded: &[Graded]) -> Result<Vec<String>> {
    let strict = std::env::var_os("CI").is_some();
    let lock = starters::load(root)?;
    let mut failures = Vec::new();
    for (exercise, graded) in list.iter().zip(graded) {
        let dir = exercise.dir(root, &Tree::Exercises);
        let files: Vec<PathBuf> = exercise.edit.iter().map(|f| dir.join(f)).collect();
        let untouched = starters::untouched(root, &lock, &files)?;
        let id = &exercise.id;
        if graded.status == Status::Error {
            report::fail(id, &graded.message);
            failures.push(format!("the starter of `{id}` could not be graded"));
        } else if !graded.builds {
            report::fail(id, "the starter does not build");
            failures.push(format!("the starter of `{id}` does not build"));
        } else if untouched && graded.status == Status::Pass {
            report::fail(
                id,
                "the untouched starter passes its grading: the checks test nothing",
            );
            failures.push(format!("the untouched starter of `{id}` passes"));
        } else if untouched {
            report::pass(id, "the untouched starter builds and fails its grading");
        } else if strict {
            let why = "differs from exercises/starters.lock: run `cargo xtask starters` after changing a starter";
            report::fail(id, why);
            failures.push(format!("the starter of `{id}` {why}"));
        } else {
            report::skip(id, "edited since it was handed out, so it may pass");
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_targets_that_hold_tests_are_built() {
        let root = crate::root();
        let chapters = root.join("chapters");
        let none: Vec<Vec<String>> = Vec::new();
        assert_eq!(
            test_targets(&chapters.join("chapter-1-first-module/host")).unwrap(),
            none
        );
        assert_eq!(
            test_targets(&chapters.join("chapter-5-sharing-memory/host")).unwrap(),
            vec![
                vec!["--test".to_string(), "*".to_string()],
                vec!["--doc".to_string()]
            ]
        );
    }
}
