//! The grading as GitHub Classroom's autograding reporter reads it
//! (`classroom-resources/autograding-grading-reporter`): a JSON object with
//! `version`, `status`, `max_score` and one test per exercise, which the
//! workflow base64-encodes into the reporter's `<RUNNER>_RESULTS` variable.
//! The reporter adds up the tests' `score`s against `max_score` and shows the
//! points in the Classroom dashboard (see teachers/grade-on-push.yml).

use serde::Serialize;

use super::Status;
use super::report::Report;

#[derive(Debug, Serialize)]
pub struct Payload {
    pub version: u32,
    /// `pass` when every exercise passes, `fail` otherwise.
    pub status: &'static str,
    pub max_score: u32,
    pub tests: Vec<Test>,
}

#[derive(Debug, Serialize)]
pub struct Test {
    pub name: String,
    pub status: &'static str,
    pub score: u32,
    pub message: String,
}

/// The report in the reporter's shape.
pub fn payload(report: &Report) -> Payload {
    let tests = report
        .exercises
        .iter()
        .map(|g| Test {
            name: format!("chapter {}: {} ({})", g.chapter, g.id, g.title),
            status: if g.status == Status::Pass {
                "pass"
            } else {
                "fail"
            },
            score: g.points,
            message: g.message.clone(),
        })
        .collect();
    Payload {
        version: 1,
        status: if report.all_passed() { "pass" } else { "fail" },
        max_score: report.total.max_points,
        tests,
    }
}
