//! The commands a student uses between gradings: `hint`, `list`, `reset`, and
//! `watch` (in [`watch`], with its keys in [`keys`]).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::exercises::{self, Exercise, Manifest, Tree};
use crate::grade::Status;
use crate::progress::Progress;
use crate::report;
use crate::starters;

mod keys;
mod watch;

pub use watch::watch;

/// The exercise to work on: the one named, or the first not yet done.
fn current<'a>(
    manifest: &'a Manifest,
    progress: &Progress,
    id: Option<&str>,
) -> Result<&'a Exercise> {
    if let Some(id) = id {
        return manifest.find(id);
    }
    manifest
        .exercises
        .iter()
        .find(|e| {
            progress
                .last_grade
                .get(&e.id)
                .is_none_or(|g| g.status != Status::Pass)
        })
        .context("every exercise is done: well done! (`cargo xtask list` shows them)")
}

/// `cargo xtask hint [id]`: the hints seen so far plus the next one.
pub fn hint(root: &Path, id: Option<&str>, all: bool) -> Result<()> {
    let manifest = exercises::load(root)?;
    let mut progress = Progress::load(root);
    let exercise = current(&manifest, &progress, id)?;
    let total = exercise.hints.len();
    let seen = progress.hints_seen.get(&exercise.id).copied().unwrap_or(0);
    let shown = if all { total } else { (seen + 1).min(total) };
    report::heading(&format!("{}: {}", exercise.id, exercise.title));
    for (i, hint) in exercise.hints.iter().take(shown).enumerate() {
        println!("  hint {} of {total}: {hint}", i + 1);
    }
    if shown == total {
        let answer = crate::solutions::answer_dir(root, exercise);
        let files = crate::solutions::files_of(root, exercise).unwrap_or_default();
        let shown: Vec<String> = files
            .iter()
            .map(|f| report::rel(root, &answer.join(f)))
            .collect();
        if shown.is_empty() {
            println!("  That was the last hint.");
        } else {
            println!(
                "  That was the last hint. The reference answer (only the files you edit): {}",
                shown.join(", ")
            );
        }
    } else {
        println!(
            "  (the next hint: `cargo xtask hint {}` again, or `h` in `cargo xtask watch`)",
            exercise.id
        );
    }
    progress
        .hints_seen
        .insert(exercise.id.clone(), shown.max(seen));
    progress.save(root);
    Ok(())
}

/// `cargo xtask list`: every exercise with its status and points.
pub fn list(root: &Path) -> Result<()> {
    let manifest = exercises::load(root)?;
    let progress = Progress::load(root);
    println!(
        "{:<8} {:<22} {:<8} {:<12} {:<6} title",
        "chapter", "exercise", "points", "status", "hints"
    );
    let (mut earned, mut max) = (0, 0);
    for ex in &manifest.exercises {
        let (status, points) = match progress.last_grade.get(&ex.id) {
            Some(g) if g.status == Status::Pass => ("done", g.points),
            Some(g) if g.status == Status::Fail => ("failing", 0),
            Some(_) => ("error", 0),
            None => ("not graded", 0),
        };
        earned += points;
        max += ex.points;
        let hints = format!(
            "{}/{}",
            progress.hints_seen.get(&ex.id).copied().unwrap_or(0),
            ex.hints.len()
        );
        let pts = format!("{points}/{}", ex.points);
        println!(
            "{:<8} {:<22} {:<8} {:<12} {:<6} {}",
            ex.chapter, ex.id, pts, status, hints, ex.title
        );
    }
    println!(
        "total: {earned}/{max} points (from the last grading; `cargo xtask check chapter-N` regrades)"
    );
    Ok(())
}

/// `cargo xtask reset <id>`: put the starter back, after asking.
pub fn reset(root: &Path, id: &str, yes: bool) -> Result<()> {
    let manifest = exercises::load(root)?;
    let exercise = manifest.find(id)?;
    let dir = exercise.dir(root, &Tree::Exercises);
    if let Some(missing) = exercise.missing_folder(root, &Tree::Exercises) {
        let shown = report::rel(root, &dir);
        bail!(
            "{missing}; `git checkout HEAD -- {shown}` brings back the last committed version, then `cargo xtask reset {id}` the starter"
        );
    }
    let files: Vec<PathBuf> = exercise.edit.iter().map(|f| dir.join(f)).collect();
    let lock = starters::load(root)?;
    let mut starters = Vec::new();
    for file in &files {
        let starter = starters::starter(root, &lock, file)
            .with_context(|| format!("cannot find the starter version of {}", file.display()))?;
        starters.push(starter);
    }
    let shown: Vec<String> = files.iter().map(|f| report::rel(root, f)).collect();
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!("`reset` overwrites your work: confirm with `cargo xtask reset {id} --yes`");
        }
        print!(
            "This puts the starter back in:\n  {}\nand your changes there are lost. Go on? [y/N] ",
            shown.join("\n  ")
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing was changed.");
            return Ok(());
        }
    }
    for (file, starter) in files.iter().zip(starters) {
        std::fs::write(file, starter)
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    println!("Restored the starter of `{id}`: {}", shown.join(", "));
    Ok(())
}
