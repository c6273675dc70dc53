//! `cargo xtask check chapter-N`: run the chapter's example hosts and compare
//! what each prints with its committed snapshot, then grade the chapter's
//! exercises (the student's, or with `--solutions` the reference answers).

mod example_cache;

use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cargo::Messages;
use crate::chapters::Chapter;
use crate::exercises::{self, Exercise, Tree};
use crate::grade::{self, Graded, Limits, Status};
use crate::process;
use crate::progress::Progress;
use crate::report;
use crate::run::{self, HOST_TIMEOUT, ReadyHost};
use crate::snapshot;
use crate::toolchain::Toolchain;

/// What checking one chapter found.
#[derive(Debug)]
pub struct ChapterCheck {
    pub example_failures: usize,
    pub graded: Vec<Graded>,
}

impl ChapterCheck {
    pub fn passed(&self) -> bool {
        self.example_failures == 0 && self.graded.iter().all(|g| g.status == Status::Pass)
    }
}

/// `cargo xtask check`: check each chapter of `list` and grade its exercises of
/// `tree`; returns whether everything passed.
pub fn command(root: &Path, toolchain: &Toolchain, list: &[Chapter], tree: &Tree) -> Result<bool> {
    let mut ok = true;
    for chapter in list {
        ok &= chapter_and_exercises(root, toolchain, chapter, tree)?.passed();
    }
    Ok(ok)
}

/// Check a chapter's example and grade its exercises of `tree`.
pub fn chapter_and_exercises(
    root: &Path,
    toolchain: &Toolchain,
    chapter: &Chapter,
    tree: &Tree,
) -> Result<ChapterCheck> {
    let example_failures = example(root, toolchain, chapter, Reuse::Unchanged)?;
    let manifest = exercises::load(root)?;
    let list = manifest.of_chapter(chapter.number);
    let graded = exercises_of(root, toolchain, &list, tree, Reuse::Unchanged)?;
    let done = graded.iter().filter(|g| g.status == Status::Pass).count();
    let points: u32 = graded.iter().map(|g| g.points).sum();
    let max: u32 = graded.iter().map(|g| g.max_points).sum();
    let example_says = if example_failures == 0 {
        "the example works"
    } else {
        "the example FAILS"
    };
    let whose = tree.noun();
    report::heading(&format!(
        "{chapter}: {example_says}; {done} of {} {whose} done ({points}/{max} points)",
        graded.len()
    ));
    Ok(ChapterCheck {
        example_failures,
        graded,
    })
}

/// Whether a grade may be reused when nothing it depends on changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// `check` and `watch`: a second check with no change is instant, and
    /// the hosts are built incrementally, since an edit will follow.
    Unchanged,
    /// `grade` and `test`: build and run everything again.
    Never,
}

/// Grade exercises one after the other, showing progress; record the results
/// in the student's progress file when grading their own work. The reference
/// answers are first laid over a copy of the starters (see `solutions`).
pub fn exercises_of(
    root: &Path,
    toolchain: &Toolchain,
    list: &[&Exercise],
    tree: &Tree,
    reuse: Reuse,
) -> Result<Vec<Graded>> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    if *tree == Tree::Solutions {
        crate::solutions::lay_over(root, &exercises::load(root)?)
            .context("cannot lay the reference answers over the starters")?;
    }
    let noun = match list.len() {
        1 => tree.noun().trim_end_matches('s'),
        _ => tree.noun(),
    };
    report::heading(&format!("grading {} {noun}", list.len()));
    let bar = ProgressBar::new(list.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("  {spinner} [{pos}/{len}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let mut progress = Progress::load(root);
    let mut graded = Vec::new();
    let mut reused = 0;
    for exercise in list {
        let id = exercise.id.clone();
        let cached = match reuse {
            Reuse::Unchanged => grade::cache::get(root, toolchain, exercise, tree),
            Reuse::Never => None,
        };
        reused += usize::from(cached.is_some());
        let result = cached.unwrap_or_else(|| {
            let result = grade::grade(
                root,
                toolchain,
                exercise,
                tree,
                &Limits {
                    incremental: reuse == Reuse::Unchanged,
                    ..Limits::default()
                },
                &|what| bar.set_message(format!("{id}: {what}")),
            );
            grade::cache::put(root, toolchain, exercise, tree, &result);
            result
        });
        bar.suspend(|| grade::print(&result));
        bar.inc(1);
        if *tree == Tree::Exercises {
            progress.record(&result);
        }
        graded.push(result);
    }
    bar.finish_and_clear();
    if reused > 0 {
        report::note(&format!(
            "({reused} unchanged since the last check: graded then, not rebuilt now)"
        ));
    }
    if *tree == Tree::Exercises {
        progress.save(root);
    }
    Ok(graded)
}

/// Check every host of `chapter`'s example; returns how many failed.
pub fn example(
    root: &Path,
    toolchain: &Toolchain,
    chapter: &Chapter,
    reuse: Reuse,
) -> Result<usize> {
    report::heading(&format!(
        "{chapter} ({}): the chapter's example",
        chapter.name
    ));
    if reuse == Reuse::Unchanged && example_cache::passed_unchanged(root, toolchain, chapter) {
        for host in &chapter.hosts {
            let snapshot = report::rel(root, &host.snapshot);
            report::pass(
                &host.package,
                &format!("output matches {snapshot} (nothing changed since the last check)"),
            );
        }
        return Ok(0);
    }
    let hosts = match run::build_chapter(root, toolchain, chapter, Messages::Show) {
        Ok(hosts) => hosts,
        Err(err) => {
            report::fail(&chapter.to_string(), &format!("{err:#}"));
            return Ok(chapter.hosts.len().max(1));
        }
    };
    let mut failed = 0;
    for ready in &hosts {
        if let Err(problem) = host(root, ready) {
            report::fail(&ready.host.package, &problem);
            failed += 1;
        }
    }
    if failed == 0 {
        example_cache::record_pass(root, toolchain, chapter, &hosts);
    }
    Ok(failed)
}

/// Run one host and compare its stdout with its snapshot, byte for byte.
fn host(root: &Path, ready: &ReadyHost) -> std::result::Result<(), String> {
    let snapshot_path = ready
        .host
        .snapshot
        .strip_prefix(root)
        .unwrap_or(&ready.host.snapshot);
    let expected = snapshot::expected_output(&ready.host.snapshot).map_err(|e| format!("{e:#}"))?;
    let out =
        process::run_captured(ready.command(root), HOST_TIMEOUT).map_err(|e| format!("{e:#}"))?;
    if !out.success() {
        return Err(format!(
            "the host {}; what it printed to stderr:\n{}",
            out.ending(),
            out.stderr_text().trim_end()
        ));
    }
    match report::diff(&expected, &out.stdout_text()) {
        None => {
            report::pass(
                &ready.host.package,
                &format!("output matches {}", snapshot_path.display()),
            );
            Ok(())
        }
        Some(diff) => Err(format!(
            "output differs from {}\n{diff}",
            snapshot_path.display()
        )),
    }
}
