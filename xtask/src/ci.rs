//! `cargo xtask test`: everything CI checks, in one command. The workspace's
//! tests, every chapter's example against its snapshot, every reference answer
//! passes, and every starter builds and, untouched, fails its grading.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::check::{self, Reuse};
use crate::exercises::{self, Exercise, Tree};
use crate::grade::{Graded, Status};
use crate::toolchain::Toolchain;
use crate::{cargo, chapters, report, run, starters};

/// Run everything; returns whether it all passed.
pub fn run_all(root: &Path, toolchain: &Toolchain) -> Result<bool> {
    let all = chapters::all(root)?;
    for chapter in &all {
        run::ensure_system_packages(chapter)?;
    }
    run::build_all_guests(root, toolchain, &all)?;
    let mut failures: Vec<String> = Vec::new();

    // The hosts' own tests, one host at a time: each is then built with its
    // own dependencies' features, exactly as `cargo xtask run` builds it, so
    // that the Wasmtime it links is the one already built (a chapter that
    // adds Wasmtime features must not change the others' Wasmtime). Then the
    // machinery's tests, which link no Wasmtime.
    let hosts = all
        .iter()
        .flat_map(|c| c.hosts.iter().map(|h| h.package.clone()))
        .chain([crate::guest_call::PACKAGE.to_string()]);
    report::heading("cargo test: the hosts' own tests");
    for host in hosts {
        if !cargo_test(std::slice::from_ref(&host), &[])? {
            failures.push(format!("cargo test of {host}"));
        }
    }
    report::heading("cargo test: the workbook's tests");
    let excluded = [
        "chapter-*".to_string(),
        crate::guest_call::PACKAGE.to_string(),
    ];
    if !cargo_test(&[], &excluded)? {
        failures.push("cargo test of the workbook".into());
    }

    for chapter in &all {
        if check::example(root, toolchain, chapter, Reuse::Never)? > 0 {
            failures.push(format!("{chapter}'s example"));
        }
    }

    let manifest = exercises::load(root)?;
    let list: Vec<&Exercise> = manifest.exercises.iter().collect();
    report::heading("every solution must pass");
    for graded in check::exercises_of(root, toolchain, &list, &Tree::Solutions, Reuse::Never)? {
        if graded.status != Status::Pass {
            failures.push(format!("the solution of `{}`", graded.id));
        }
    }
    report::heading("every starter must build, and fail its grading while untouched");
    let starters = check::exercises_of(root, toolchain, &list, &Tree::Exercises, Reuse::Never)?;
    failures.extend(judge_starters(root, &list, &starters)?);

    if failures.is_empty() {
        report::heading("cargo xtask test: everything passed");
        return Ok(true);
    }
    report::heading(&format!("cargo xtask test: {} failure(s)", failures.len()));
    for failure in &failures {
        report::note(&format!("✗ {failure}"));
    }
    Ok(false)
}

/// `cargo test` of these packages, or of the workspace without `excluded`.
fn cargo_test(packages: &[String], excluded: &[String]) -> Result<bool> {
    let mut cmd = cargo::native_cargo();
    cmd.arg("test");
    for package in packages {
        cmd.args(["--package", package]);
    }
    if packages.is_empty() {
        cmd.arg("--workspace");
        for package in excluded {
            cmd.args(["--exclude", package]);
        }
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
