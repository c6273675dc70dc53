//! Reading a class's grade reports: each is checked (JSON, the report's shape
//! and version, exercises this workbook has) and named after its student.
//! A report that fails a check is refused with the reason; the others are
//! read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::exercises::Manifest;
use xtask::grade::Status;
use xtask::grade::report::{Report, SCHEMA_VERSION};

/// One exercise of the workbook: a column of the gradebook.
#[derive(Debug, Clone)]
pub struct Column {
    pub id: String,
    pub chapter: u32,
    pub title: String,
    pub max_points: u32,
}

/// One student's report.
#[derive(Debug, Clone)]
pub struct Student {
    pub name: String,
    pub file: PathBuf,
    pub report: Report,
}

/// The whole class: the workbook's exercises, the reports read (sorted by
/// student), and the reports refused with their reasons.
#[derive(Debug, Clone)]
pub struct Class {
    pub columns: Vec<Column>,
    pub students: Vec<Student>,
    pub refused: Vec<(PathBuf, String)>,
}

impl Class {
    /// A student's points for an exercise; `None` when the report lacks it.
    pub fn points(&self, student: &Student, id: &str) -> Option<u32> {
        let graded = student.report.exercises.iter().find(|g| g.id == id)?;
        Some(graded.points)
    }

    /// Whether a student's report says the exercise passes.
    pub fn passed(&self, student: &Student, id: &str) -> bool {
        student
            .report
            .exercises
            .iter()
            .any(|g| g.id == id && g.status == Status::Pass)
    }

    /// The share of students (all of them: a missing exercise does not pass)
    /// whose exercise passes, from 0 to 1.
    pub fn pass_rate(&self, id: &str) -> f64 {
        let passed = self.students.iter().filter(|s| self.passed(s, id)).count();
        passed as f64 / self.students.len().max(1) as f64
    }

    /// The most points a report can have: every exercise of the workbook.
    pub fn max_points(&self) -> u32 {
        self.columns.iter().map(|c| c.max_points).sum()
    }
}

/// Read every report of `paths` against the workbook's `manifest`.
pub fn class(manifest: &Manifest, paths: &[PathBuf]) -> Class {
    let columns: Vec<Column> = manifest
        .exercises
        .iter()
        .map(|e| Column {
            id: e.id.clone(),
            chapter: e.chapter,
            title: e.title.clone(),
            max_points: e.points,
        })
        .collect();
    let known: BTreeSet<&str> = columns.iter().map(|c| c.id.as_str()).collect();
    let mut students = Vec::new();
    let mut refused = Vec::new();
    for path in paths {
        match read(path, &known) {
            Ok(report) => students.push(Student {
                name: name_of(path, &report),
                file: path.clone(),
                report,
            }),
            Err(why) => refused.push((path.clone(), why)),
        }
    }
    tell_apart(&mut students);
    students.sort_by(|a, b| a.name.cmp(&b.name));
    Class {
        columns,
        students,
        refused,
    }
}

/// One report, checked; why not, in words a teacher can act on.
pub fn read(path: &Path, known: &BTreeSet<&str>) -> Result<Report, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("it is not valid JSON: {e}"))?;
    match value.get("schema_version") {
        None => {
            return Err(
                "it has no `schema_version`: not a report of `cargo xtask grade --json`, or one \
                 of an older workbook (grade again with this one)"
                    .into(),
            );
        }
        Some(v) if v.as_u64() != Some(u64::from(SCHEMA_VERSION)) => {
            return Err(format!(
                "it is of schema version {v}; this workbook reads version {SCHEMA_VERSION}"
            ));
        }
        Some(_) => {}
    }
    let report: Report = serde_json::from_value(value)
        .map_err(|e| format!("it is not a grade report of the documented shape: {e}"))?;
    let unknown: Vec<&str> = report
        .exercises
        .iter()
        .map(|g| g.id.as_str())
        .filter(|id| !known.contains(id))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "it names exercises this workbook does not have: {}",
            unknown.join(", ")
        ));
    }
    Ok(report)
}

/// The student a report is of: the name it carries (`grade --student`), or
/// its file's name; for `grade-report.json` (the name of the workflow's
/// artifact), the folder it was downloaded into.
pub fn name_of(path: &Path, report: &Report) -> String {
    if let Some(name) = report.student.as_deref().map(str::trim)
        && !name.is_empty()
    {
        return name.to_string();
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|s| s.to_str());
    match folder {
        Some(folder) if stem == "grade-report" => folder.to_string(),
        _ => stem.to_string(),
    }
}

/// Two reports of the same name are both kept, each named with its file.
fn tell_apart(students: &mut [Student]) {
    let names: Vec<String> = students.iter().map(|s| s.name.clone()).collect();
    for student in students.iter_mut() {
        if names.iter().filter(|n| **n == student.name).count() > 1 {
            student.name = format!("{} ({})", student.name, student.file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<&'static str> {
        ["multiply", "trap-as-error"].into_iter().collect()
    }

    fn file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gradebook-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    const EMPTY_TOTAL: &str =
        r#""total": {"points": 0, "max_points": 0, "passed": 0, "exercises": 0}"#;

    #[test]
    fn each_bad_report_is_refused_with_its_reason() {
        let cases = [
            (
                "not-json.json",
                "{ this is not json".to_string(),
                "not valid JSON",
            ),
            (
                "old.json",
                format!(r#"{{"exercises": [], {EMPTY_TOTAL}}}"#),
                "no `schema_version`",
            ),
            (
                "v2.json",
                format!(r#"{{"schema_version": 2, "exercises": [], {EMPTY_TOTAL}}}"#),
                "schema version 2",
            ),
            (
                "shape.json",
                r#"{"schema_version": 1, "exercises": 3}"#.to_string(),
                "documented shape",
            ),
            (
                "unknown.json",
                format!(
                    r#"{{"schema_version": 1, "exercises": [{{"id": "fly", "chapter": 9, "title": "t",
                    "status": "pass", "points": 1, "max_points": 1, "builds": true, "message": "",
                    "checks": []}}], {EMPTY_TOTAL}}}"#
                ),
                "does not have: fly",
            ),
        ];
        for (name, text, reason) in cases {
            let why = read(&file(name, &text), &known()).expect_err(name);
            assert!(why.contains(reason), "{name}: {why}");
        }
        let why = read(Path::new("/no/such/report.json"), &known()).unwrap_err();
        assert!(why.contains("cannot read it"), "{why}");
    }

    #[test]
    fn a_student_is_named_by_the_report_or_its_file_or_its_folder() {
        let path = file(
            "ok.json",
            &format!(r#"{{"schema_version": 1, "exercises": [], {EMPTY_TOTAL}}}"#),
        );
        let mut report = read(&path, &known()).unwrap();
        assert_eq!(name_of(Path::new("reports/alice.json"), &report), "alice");
        assert_eq!(
            name_of(Path::new("reports/bob/grade-report.json"), &report),
            "bob"
        );
        report.student = Some(" carol ".into());
        assert_eq!(name_of(Path::new("reports/x.json"), &report), "carol");
    }
}
