//! `cargo xtask grade`: every exercise graded, printed as a table, and written
//! as the JSON report whose shape `xtask/grade-report.schema.json` documents.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::{Graded, Status};
use crate::check::{self, Reuse};
use crate::exercises::{self, Tree};
use crate::toolchain::Toolchain;

/// The version of the report's shape (`schema_version`); it changes when a
/// reader of the old shape could misread the new one.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole grading, as `cargo xtask grade --json` writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    /// Whose work this is, when the grader was told (`--student`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<String>,
    pub exercises: Vec<Graded>,
    pub total: Total,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
        Report {
            schema_version: SCHEMA_VERSION,
            student: None,
            exercises,
            total,
        }
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

/// Where `cargo xtask grade` writes, besides the terminal.
#[derive(Debug, Default)]
pub struct Outputs<'a> {
    /// The JSON report (`--json`).
    pub json: Option<&'a Path>,
    /// GitHub Classroom's result (`--classroom`), see [`super::classroom`].
    pub classroom: Option<&'a Path>,
    /// The student's name, written into the JSON report (`--student`).
    pub student: Option<&'a str>,
}

/// `cargo xtask grade`: grade every exercise of `tree` again (never reusing
/// a grade), print the table, write the files asked for. Returns whether
/// every exercise passed.
pub fn command(root: &Path, toolchain: &Toolchain, outputs: &Outputs, tree: &Tree) -> Result<bool> {
    // Before minutes of grading: can the files be written where asked?
    for path in [outputs.json, outputs.classroom].into_iter().flatten() {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "cannot write {}: the folder {} does not exist",
                path.display(),
                dir.display()
            );
        }
    }
    let manifest = exercises::load(root)?;
    let list: Vec<&exercises::Exercise> = manifest.exercises.iter().collect();
    let graded = check::exercises_of(root, toolchain, &list, tree, Reuse::Never)?;
    let mut report = Report::new(graded);
    report.student = outputs.student.map(str::to_string);
    report.print_table();
    if let Some(path) = outputs.json {
        write(path, &serde_json::to_string_pretty(&report)?)?;
    }
    if let Some(path) = outputs.classroom {
        let payload = super::classroom::payload(&report);
        write(path, &serde_json::to_string(&payload)?)?;
    }
    Ok(report.all_passed())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, format!("{text}\n"))
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
