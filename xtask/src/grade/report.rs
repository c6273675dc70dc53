//! `cargo xtask grade`: every exercise graded, printed as a table, and written
//! as the JSON report whose shape `xtask/grade-report.schema.json` documents.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::{Graded, Status};
use crate::check::{self, Reuse};
use crate::exercises::{self, Tree};
use crate::toolchain::Toolchain;

/// The whole grading, as `cargo xtask grade --json` writes it.
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
            let first_line = g.message.lines().next().unwrap_or("");
            let points = format!("{}/{}", g.points, g.max_points);
            println!(
                "{:<8} {:<22} {:<7} {:<8} {}",
                g.chapter,
                g.id,
                g.status.word(),
                points,
                first_line
            );
        }
        println!(
            "total: {}/{} points, {} of {} exercises pass",
            self.total.points, self.total.max_points, self.total.passed, self.total.exercises
        );
    }

    pub fn all_passed(&self) -> bool {
        self.total.passed == self.total.exercises
    }
}

/// `cargo xtask grade [--json FILE]`: grade every exercise of `tree` again
/// (never reusing a grade), print the table, write the report. Returns whether
/// every exercise passed.
pub fn command(
    root: &Path,
    toolchain: &Toolchain,
    json: Option<&Path>,
    tree: &Tree,
) -> Result<bool> {
    // Before minutes of grading: can the report be written where asked?
    if let Some(path) = json {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "cannot write the report {}: the folder {} does not exist",
                path.display(),
                dir.display()
            );
        }
    }
    let manifest = exercises::load(root)?;
    let list: Vec<&exercises::Exercise> = manifest.exercises.iter().collect();
    let graded = check::exercises_of(root, toolchain, &list, tree, Reuse::Never)?;
    let report = Report::new(graded);
    report.print_table();
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(report.all_passed())
}
