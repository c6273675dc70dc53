//! The grader: the manifest is consistent with the exercise folders, students'
//! broken attempts (not compiling, looping, trapping) fail with useful
//! messages without stopping the grader, and the JSON report has its
//! documented shape.

use std::path::Path;
use std::time::{Duration, Instant};

use workbook_tests::root;
use xtask::exercises::{self, Exercise, Tree};
use xtask::grade::{self, Graded, Limits, Status};

fn manifest() -> exercises::Manifest {
    exercises::load(&root()).expect("exercises/exercises.toml is valid")
}

#[test]
fn every_exercise_has_its_starter_with_the_files_to_edit_and_at_least_two_hints() {
    let root = root();
    let manifest = manifest();
    assert!(
        manifest.of_chapter(1).len() >= 3,
        "chapter 1 has at least three exercises"
    );
    for ex in &manifest.exercises {
        let starter = ex.dir(&root, &Tree::Exercises);
        assert_eq!(
            ex.missing_folder(&root, &Tree::Exercises),
            None,
            "{}",
            ex.id
        );
        for file in &ex.edit {
            assert!(
                starter.join(file).is_file(),
                "{}: {} lacks {file}",
                ex.id,
                starter.display()
            );
        }
        let marked = ex.edit.iter().any(|f| {
            std::fs::read_to_string(starter.join(f))
                .unwrap_or_default()
                .contains("EXERCISE")
        });
        assert!(marked, "{}: no `EXERCISE` mark in the files to edit", ex.id);
        assert!(ex.hints.len() >= 2, "{}: give at least two hints", ex.id);
    }
}

/// A solution is stored once: only the files a student edits, each one
/// changed from its starter (an unchanged file is the starter's, not a second
/// copy of it).
#[test]
fn every_solution_file_is_a_file_to_edit_and_differs_from_its_starter() {
    let root = root();
    for ex in &manifest().exercises {
        let files = xtask::solutions::files_of(&root, ex).unwrap();
        assert!(!files.is_empty(), "{}: solutions/ has no answer", ex.id);
        for file in files {
            let shown = format!("solutions/chapter-{}/{}/{file}", ex.chapter, ex.id);
            assert!(
                ex.edit.contains(&file),
                "{shown} is not in the `edit` list of `{}`",
                ex.id
            );
            let answer =
                std::fs::read(xtask::solutions::answer_dir(&root, ex).join(&file)).unwrap();
            let starter = std::fs::read(ex.dir(&root, &Tree::Exercises).join(&file)).unwrap();
            assert_ne!(
                answer, starter,
                "{shown} is the same as its starter: remove it"
            );
        }
    }
}

/// And the test above fails when it should: a solution file outside the
/// `edit` list is refused when the answers are laid over the starters.
#[test]
fn laying_over_an_answer_outside_the_edit_list_is_refused() {
    let root = root();
    let mut manifest = manifest();
    let ex = manifest
        .exercises
        .iter_mut()
        .find(|e| e.id == "multiply")
        .unwrap();
    ex.edit.retain(|f| f != "host/src/main.rs");
    let err = xtask::solutions::lay_over(&root, &manifest).unwrap_err();
    assert!(
        format!("{err:#}")
            .contains("solutions/chapter-1/multiply/host/src/main.rs is not in the `edit` list"),
        "{err:#}"
    );
}

#[test]
fn package_names_are_unique_across_every_exercise() {
    let root = root();
    let mut seen = std::collections::HashMap::new();
    for ex in &manifest().exercises {
        for folder in ex.guest_folders().into_iter().chain(ex.host_folders()) {
            let name = ex.package(&root, &Tree::Exercises, &folder).unwrap();
            if let Some(other) = seen.insert(name.clone(), ex.id.clone()) {
                panic!("the package `{name}` is in {other} and in {}", ex.id);
            }
        }
    }
}

/// Cargo reuses the chapters' Wasmtime build for the exercises only if they
/// ask for the same versions and features; otherwise the exercises would
/// compile Wasmtime again.
#[test]
fn exercise_workspaces_use_the_workbooks_wasmtime_and_locked_versions() {
    let root = root();
    let root_manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let wanted = &root_manifest["workspace"]["dependencies"];
    let root_lock = lock_versions(&root.join("Cargo.lock"));
    let mut workspaces = vec![root.join("exercises")];
    for ex in &manifest().exercises {
        if ex.has_own_workspace() {
            workspaces.push(ex.dir(&root, &Tree::Exercises));
        }
    }
    for dir in workspaces {
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
        // A guest-only workspace has no Wasmtime at all; one that has it must match.
        let deps = manifest
            .get("workspace")
            .and_then(|w| w.get("dependencies"));
        for dep in ["wasmtime", "wasmtime-wasi"] {
            if let Some(spec) = deps.and_then(|d| d.get(dep)) {
                assert_eq!(
                    Some(spec),
                    wanted.get(dep),
                    "{}: {dep} differs from the root Cargo.toml's",
                    dir.display()
                );
            }
        }
        for (name, version) in lock_versions(&dir.join("Cargo.lock")) {
            let local = ["-guest", "-host"].iter().any(|s| name.ends_with(s));
            assert!(
                local || root_lock.contains(&(name.clone(), version.clone())),
                "{}: Cargo.lock has {name} {version}, the root's does not",
                dir.display()
            );
        }
    }
}

fn lock_versions(path: &Path) -> Vec<(String, String)> {
    let lock: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `multiply`'s starter with its answer laid over it, in an exercises
/// workspace of its own, its packages renamed after `case`, and `change`
/// applied to the guest's source: a student's attempt.
fn attempt(case: &str, change: impl Fn(&str) -> String) -> Tree {
    let root = root();
    let base = root
        .join("target")
        .join("test-files")
        .join("attempts")
        .join(case);
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(root.join("exercises").join(file), base.join(file)).unwrap();
    }
    let dir = base.join("chapter-1").join("multiply");
    copy_dir(&root.join("exercises/chapter-1/multiply"), &dir);
    let manifest = manifest();
    let exercise = manifest.find("multiply").unwrap();
    let answer = xtask::solutions::answer_dir(&root, exercise);
    for file in xtask::solutions::files_of(&root, exercise).unwrap() {
        std::fs::copy(answer.join(&file), dir.join(&file)).unwrap();
    }
    for manifest in ["guest/Cargo.toml", "host/Cargo.toml"] {
        let path = dir.join(manifest);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace(
                "name = \"multiply-",
                &format!("name = \"attempt-{case}-multiply-"),
            ),
        )
        .unwrap();
    }
    let lib = dir.join("guest/src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    let changed = change(&source);
    assert_ne!(changed, source, "the attempt `{case}` changes nothing");
    std::fs::write(&lib, changed).unwrap();
    Tree::At(base)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)
        } else {
            std::fs::copy(&path, &dest).map(|_| ()).unwrap()
        }
    }
}

fn grade_attempt(tree: &Tree, limits: &Limits) -> Graded {
    let root = root();
    let toolchain = xtask::toolchain::find().expect("a guest toolchain (cargo xtask doctor)");
    let manifest = manifest();
    let exercise: &Exercise = manifest.find("multiply").unwrap();
    if *tree == Tree::Solutions {
        static LAID: std::sync::Once = std::sync::Once::new();
        LAID.call_once(|| xtask::solutions::lay_over(&root, &manifest).unwrap());
    }
    grade::grade(&root, &toolchain, exercise, tree, limits, &|_| {})
}

#[test]
fn a_guest_that_does_not_compile_fails_with_the_compilers_message() {
    let tree = attempt("no-compile", |s| {
        s.replace("let product = a * b;", "let product = a * ;")
    });
    let graded = grade_attempt(&tree, &Limits::default());
    assert_eq!(graded.status, Status::Fail, "{}", graded.message);
    assert!(!graded.builds);
    assert_eq!(graded.points, 0);
    assert!(
        graded.message.contains("the guest does not build"),
        "{}",
        graded.message
    );
    assert!(
        graded.message.contains("error: expected expression"),
        "{}",
        graded.message
    );
    assert!(graded.message.contains("src/lib.rs"), "{}", graded.message);
}

#[test]
fn a_guest_that_loops_forever_fails_within_bounded_time() {
    let tree = attempt("loops", |s| {
        s.replace("let product = a * b;", "let mut product = a;\n    loop {\n        product = product.wrapping_mul(b);\n        if product == i32::MIN + 7 { break; }\n    }")
    });
    let limits = Limits {
        host_timeout: Duration::from_secs(5),
        ..Limits::default()
    };
    // With the host run twice: after the first run hangs, the second is not
    // started (it would wait out the same limit for the same reason).
    let mut exercise = manifest().find("multiply").unwrap().clone();
    exercise.checks.push(exercise.checks[2].clone());
    let started = Instant::now();
    let toolchain = xtask::toolchain::find().unwrap();
    let graded = grade::grade(&root(), &toolchain, &exercise, &tree, &limits, &|_| {});
    assert_eq!(graded.status, Status::Fail, "{}", graded.message);
    assert!(graded.builds);
    let skipped = graded.checks[3].detail.as_deref().unwrap_or("");
    assert!(
        skipped.starts_with("not run: an earlier run of the host did not finish"),
        "{skipped}"
    );
    // The guest's calls run out of fuel; the host, which runs it without fuel, is killed.
    let call = &graded.checks[0];
    assert!(!call.passed);
    assert!(
        call.detail
            .as_deref()
            .unwrap_or("")
            .contains("ran out of fuel"),
        "{:?}",
        call.detail
    );
    let run = &graded.checks[2];
    assert!(
        run.detail
            .as_deref()
            .unwrap_or("")
            .contains("was still running after 5 s and was stopped"),
        "{:?}",
        run.detail
    );
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "grading took {:?}",
        started.elapsed()
    );
    // Running out of fuel is the same on every machine; being killed after
    // 5 s is not, so this grade is not one to reuse.
    assert!(!call.timed_out, "{:?}", call.detail);
    assert!(run.timed_out && graded.timed_out, "{:?}", run.detail);
    let root = root();
    let toolchain = xtask::toolchain::find().unwrap();
    let manifest = manifest();
    let exercise = manifest.find("multiply").unwrap();
    grade::cache::put(&root, &toolchain, exercise, &tree, &graded);
    assert!(
        grade::cache::get(&root, &toolchain, exercise, &tree).is_none(),
        "a grade that depended on a timeout was kept for reuse"
    );
}

#[test]
fn a_guest_that_traps_fails_with_the_trap_and_its_panic_message() {
    let tree = attempt("traps", |s| {
        s.replace(
            "let product = a * b;",
            "let product: i32 = panic!(\"the student's guest gave up on {a} * {b}\");",
        )
    });
    let graded = grade_attempt(&tree, &Limits::default());
    assert_eq!(graded.status, Status::Fail, "{}", graded.message);
    let detail = graded.checks[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("multiply(6, 7) trapped"), "{detail}");
    assert!(
        detail.contains("the student's guest gave up on 6 * 7"),
        "{detail}"
    );
    assert!(detail.contains("wasm backtrace"), "{detail}");
}

#[test]
fn a_missing_exercise_folder_is_an_error_and_the_next_exercise_is_still_graded() {
    let empty = Tree::At(root().join("target/test-files/attempts/empty"));
    let graded = [
        grade_attempt(&empty, &Limits::default()),
        grade_attempt(&Tree::Solutions, &Limits::default()),
    ];
    assert_eq!(graded[0].status, Status::Error);
    assert!(
        graded[0].message.contains("is missing"),
        "{}",
        graded[0].message
    );
    assert_eq!(graded[1].status, Status::Pass, "{}", graded[1].message);
    assert_eq!(graded[1].points, graded[1].max_points);
    assert!(graded[1].points > 0);
}

#[test]
fn the_json_report_has_its_documented_shape() {
    let failing = attempt("report", |s| s.replace("a * b", "a + b"));
    let report = grade::Report::new(vec![
        grade_attempt(&Tree::Solutions, &Limits::default()),
        grade_attempt(&failing, &Limits::default()),
    ]);
    let json = serde_json::to_value(&report).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("xtask/grade-report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{json:#}");
    assert_eq!(json["total"]["passed"], 1);
    assert_eq!(json["total"]["points"], json["exercises"][0]["max_points"]);
    assert_eq!(json["exercises"][1]["status"], "fail");
    let detail = json["exercises"][1]["checks"][0]["detail"]
        .as_str()
        .unwrap();
    assert!(
        detail.contains("expected multiply(6, 7) to return 42, it returned 13"),
        "{detail}"
    );

    // And the schema is not a rubber stamp: a wrong status is refused.
    let mut wrong = json.clone();
    wrong["exercises"][0]["status"] = "passed".into();
    assert!(!validator.is_valid(&wrong));
}

#[test]
fn the_starters_lock_records_every_file_students_edit_and_git_can_restore_each() {
    let root = root();
    let lock = xtask::starters::load(&root).expect("exercises/starters.lock is readable");
    let files = xtask::starters::starter_files(&root, &manifest());
    let keys: Vec<&String> = files.iter().map(|(key, _)| key).collect();
    assert_eq!(
        lock.keys().collect::<Vec<_>>(),
        {
            let mut k = keys.clone();
            k.sort();
            k
        },
        "run `cargo xtask starters`"
    );
    for (key, path) in &files {
        let content =
            xtask::starters::starter(&root, &lock, path).unwrap_or_else(|e| panic!("{key}: {e:#}"));
        let copy = root.join("target/test-files/starter-copy");
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, &content).unwrap();
        assert_eq!(
            xtask::starters::blob_id(&root, &copy).unwrap(),
            lock[key],
            "{key}: the restored content is not the recorded one"
        );
    }
}

#[test]
fn reset_asks_before_overwriting_and_refuses_without_a_terminal() {
    let xtask = workbook_tests::xtask_binary();
    let file = root().join("exercises/chapter-1/multiply/guest/src/lib.rs");
    let before = std::fs::read(&file).unwrap();
    // `run_command` gives the child no stdin: not a terminal.
    let mut cmd = std::process::Command::new(xtask);
    cmd.args(["reset", "multiply"]);
    let out = workbook_tests::run_command(cmd);
    assert!(!out.success());
    assert!(
        out.stderr_text()
            .contains("cargo xtask reset multiply --yes"),
        "{}",
        out.stderr_text()
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "reset changed the file without asking"
    );
}

#[test]
fn list_shows_the_exercises_in_chapter_order() {
    let mut cmd = std::process::Command::new(workbook_tests::xtask_binary());
    cmd.arg("list").current_dir(root());
    let out = workbook_tests::run_command(cmd);
    assert!(out.success(), "{}", out.stderr_text());
    let chapters: Vec<u32> = out
        .stdout_text()
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(chapters.len(), manifest().exercises.len());
    assert!(chapters.is_sorted(), "{}", out.stdout_text());
}

/// `check` builds the student's hosts incrementally (an edit will follow, and
/// then rustc recompiles the edited piece only): the cargo setting
/// `build.incremental = false` of the workbook must not win over it, and
/// Wasmtime, a registry crate, must stay the one shared build.
#[test]
fn a_checked_host_is_built_incrementally() {
    let root = root();
    let manifest = manifest();
    let exercise = manifest.find("multiply").unwrap();
    let tree = Tree::Exercises;
    let package = exercise.package(&root, &tree, "host").unwrap();
    let caches = xtask::cargo::native_target_dir(&root).join("debug/incremental");
    let prefix = format!("{}-", package.replace('-', "_"));
    let kept = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&caches)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .collect()
    };
    // A cache of an earlier `check` would pass this test on its own; and a
    // host built before is not compiled again unless its source is newer.
    for old in kept() {
        std::fs::remove_dir_all(&old).unwrap();
    }
    let main = exercise.dir(&root, &tree).join(
        exercise
            .edit
            .iter()
            .find(|f| f.starts_with("host/"))
            .unwrap(),
    );
    std::fs::File::options()
        .append(true)
        .open(&main)
        .and_then(|file| file.set_modified(std::time::SystemTime::now()))
        .unwrap();
    let exes = xtask::cargo::build_exercise_hosts(
        &exercise.workspace_manifest(&root, &tree),
        std::slice::from_ref(&package),
        true,
    )
    .expect("the starter's host builds");
    assert!(exes[&package].is_file());
    assert!(!kept().is_empty(), "no {prefix}* in {}", caches.display());
    let wasmtime_caches = std::fs::read_dir(&caches)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("wasmtime-"))
        .count();
    assert_eq!(wasmtime_caches, 0, "Wasmtime was built incrementally");
}
