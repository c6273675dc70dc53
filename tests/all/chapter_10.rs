//! Chapter 10: scripting a game. The demo (the host without arguments) is the
//! snapshot; a game run headless with `--fps` takes new versions of its
//! script while it runs (`reloaded`) and refuses broken ones (`kept the
//! previous script`); a spinning script is cut off and the game goes on;
//! games are deterministic; bad arguments are clear errors.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use workbook_tests::{
    assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports, root,
    run_host, run_host_with, running_hosts_with_files, wasm_from_wat, write_temp,
};

const CHAPTER: &str = "chapter-10";
const HOST: &str = "chapter-10-host";
const CHASER: &str = "chapter-10-guest";
const WANDERER: &str = "chapter-10-guest-wanderer";
const SPINNER: &str = "chapter-10-guest-spinner";
const WRONG_IMPORTS: &str = "chapter-10-guest-wrong-imports";

/// A script that asks for an impossible step: its turns fail, with the rule.
const LEAPER: &str = r#"(module
  (import "host" "step" (func $step (param i32 i32)))
  (func (export "think") (param i32) (call $step (i32.const 5) (i32.const 0))))"#;

/// A script that traps in its initialisation.
const TRAPS_IN_INIT: &str = r#"(module
  (func (export "init") unreachable)
  (func (export "think") (param i32)))"#;

fn headless(args: &[&str], script: &Path) -> workbook_tests::Captured {
    let ready = host(CHAPTER, HOST);
    let mut all: Vec<&OsStr> = vec![OsStr::new("--headless"), OsStr::new("--script")];
    all.push(script.as_os_str());
    all.extend(args.iter().map(OsStr::new));
    run_host_with(&ready, &all)
}

// ---------------------------------------------------------------- the demo

#[test]
fn the_demo_reloads_refuses_cuts_off_a_spinner_and_is_the_snapshot() {
    let ready = host(CHAPTER, HOST);
    let _files = running_hosts_with_files();
    let out = run_host(&ready);
    assert_output_snapshot(&ready, &out);
    let stdout = out.stdout_text();
    assert_eq!(
        stdout.matches("reloaded script.wasm").count(),
        3,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("kept the previous script").count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("ran out of fuel"), "{stdout}");
}

#[test]
fn the_scripts_import_only_the_games_api_and_export_think() {
    for guest in [CHASER, WANDERER, SPINNER] {
        let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, guest));
        for (module, name) in &imports {
            assert!(
                module == "host" || module == "wasi_snapshot_preview1",
                "{guest} imports {module}::{name}"
            );
        }
        assert!(
            exports.contains(&"think".to_string()),
            "{guest}: {exports:?}"
        );
    }
    let (imports, _) = imports_and_exports(&guest_wasm(CHAPTER, WRONG_IMPORTS));
    assert!(imports.contains(&("host".to_string(), "teleport".to_string())));
}

// ---------------------------------------------------------------- a game

#[test]
fn a_game_is_the_same_on_every_run_and_the_chaser_catches_the_player() {
    let chaser = guest_wasm(CHAPTER, CHASER);
    let first = headless(&["--frames", "60"], &chaser);
    let second = headless(&["--frames", "60"], &chaser);
    assert!(first.success(), "{}", first.stderr_text());
    assert_eq!(first.stdout_text(), second.stdout_text());
    assert!(
        first.stdout_text().contains("catches the player"),
        "{}",
        first.stdout_text()
    );
    let other_seed = headless(&["--frames", "60", "--seed", "7"], &chaser);
    assert_ne!(first.stdout_text(), other_seed.stdout_text());
}

#[test]
fn a_spinning_script_is_cut_off_every_turn_and_the_game_goes_on() {
    let out = headless(&["--frames", "3"], &guest_wasm(CHAPTER, SPINNER));
    assert!(out.success(), "{}", out.stderr_text());
    let stdout = out.stdout_text();
    assert_eq!(stdout.matches("ran out of fuel").count(), 9, "{stdout}");
    assert!(stdout.contains("after 3 frames"), "{stdout}");
}

#[test]
fn a_turn_that_breaks_a_rule_is_skipped_with_the_rule() {
    let leaper = wasm_from_wat("chapter-10-leaper", LEAPER);
    let out = headless(&["--frames", "2", "--enemies", "1"], &leaper);
    assert!(out.success(), "{}", out.stderr_text());
    let stdout = out.stdout_text();
    assert_eq!(
        stdout
            .matches("skips its turn: host::step: a step is at most one cell each way, not (5, 0)")
            .count(),
        2,
        "{stdout}"
    );
}

#[test]
fn the_trace_holds_every_entity_every_frame() {
    let trace = root().join("target/test-files/chapter-10-trace.csv");
    let _ = std::fs::remove_file(&trace);
    let out = headless(
        &["--frames", "5", "--trace", trace.to_str().unwrap()],
        &guest_wasm(CHAPTER, WANDERER),
    );
    assert!(out.success(), "{}", out.stderr_text());
    let text = std::fs::read_to_string(&trace).expect("the trace is written");
    assert_eq!(text.lines().count(), 5 * 4);
    assert!(text.starts_with("0,0,"), "{text}");
}

// ---------------------------------------------------------------- hot reload

/// A headless game at 50 frames per second on `script`, for as long as the
/// test needs it; its stdout lines arrive on the receiver.
fn start_game(script: &Path) -> (Child, Receiver<String>) {
    let ready = host(CHAPTER, HOST);
    let mut child = Command::new(&ready.exe)
        .args([
            "--headless",
            "--fps",
            "50",
            "--frames",
            "100000",
            "--script",
        ])
        .arg(script)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the game starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (lines, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    (child, receiver)
}

/// Wait for a line holding `needle` (and all of `also`), skipping others;
/// every line seen is returned for the failure message.
fn wait_for(lines: &Receiver<String>, needle: &str, also: &[&str]) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no line with `{needle}` {also:?} came; saw:\n{seen:#?}"));
        let found = line.contains(needle) && also.iter().all(|a| line.contains(a));
        seen.push(line);
        if found {
            return seen;
        }
    }
}

fn copy_over(file: &Path, from: &Path) {
    let bytes = std::fs::read(from).expect("the new version is readable");
    std::fs::write(file, bytes).expect("the script is written over");
}

fn game_folder(test: &str) -> PathBuf {
    let dir = root().join("target/test-files/chapter-10").join(test);
    std::fs::create_dir_all(&dir).expect("the test's folder");
    dir
}

#[test]
fn a_running_game_takes_a_new_version_of_its_script_at_a_frame_boundary() {
    let script = game_folder("reload").join("script.wasm");
    copy_over(&script, &guest_wasm(CHAPTER, WANDERER));
    let (mut game, lines) = start_game(&script);
    wait_for(&lines, "playing script.wasm", &[]);

    // A new behaviour: after `reloaded`, every turn is cut off.
    copy_over(&script, &guest_wasm(CHAPTER, SPINNER));
    wait_for(&lines, "reloaded script.wasm", &[]);
    wait_for(&lines, "ran out of fuel", &[]);

    // And back: the spinner's lines stop once the wanderer is in.
    copy_over(&script, &guest_wasm(CHAPTER, WANDERER));
    wait_for(&lines, "reloaded script.wasm", &[]);
    let _ = game.kill();
    let _ = game.wait();
}

#[test]
fn a_running_game_refuses_broken_scripts_and_keeps_the_previous_one() {
    let dir = game_folder("refuse");
    let script = dir.join("script.wasm");
    copy_over(&script, &guest_wasm(CHAPTER, CHASER));
    let (mut game, lines) = start_game(&script);
    wait_for(&lines, "playing script.wasm", &[]);
    let kept = "kept the previous script";

    std::fs::write(&script, b"garbage, not wasm").unwrap();
    wait_for(&lines, kept, &["not a wasm module"]);

    let chaser = std::fs::read(guest_wasm(CHAPTER, CHASER)).unwrap();
    std::fs::write(&script, &chaser[..chaser.len() / 2]).unwrap();
    wait_for(&lines, kept, &["not a valid wasm module"]);

    copy_over(&script, &guest_wasm(CHAPTER, WRONG_IMPORTS));
    wait_for(&lines, kept, &["host::teleport"]);

    copy_over(
        &script,
        &wasm_from_wat("chapter-10-traps-in-init", TRAPS_IN_INIT),
    );
    wait_for(&lines, kept, &["traps in its `init`"]);

    copy_over(&script, &wasm_from_wat("chapter-10-no-think", "(module)"));
    wait_for(&lines, kept, &["must export `think`"]);

    // Still the chaser, still playing: a good version is taken again.
    copy_over(&script, &guest_wasm(CHAPTER, WANDERER));
    let seen = wait_for(&lines, "reloaded script.wasm", &[]);
    assert!(
        !seen.iter().any(|l| l.contains("skips its turn")),
        "{seen:#?}"
    );
    let _ = game.kill();
    let _ = game.wait();
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_arguments_and_bad_first_scripts_are_clear_errors() {
    let ready = host(CHAPTER, HOST);
    let chaser = guest_wasm(CHAPTER, CHASER);
    let garbage = write_temp("chapter-10-garbage.wasm", b"garbage");
    let wrong = guest_wasm(CHAPTER, WRONG_IMPORTS);
    let missing = root().join("target/test-files/chapter-10-missing.wasm");
    let cases: [(Vec<&OsStr>, &[&str]); 7] = [
        (
            vec!["--frames".as_ref(), "many".as_ref()],
            &["--frames many", "not a number"],
        ),
        (vec!["--fps".as_ref(), "0".as_ref()], &["--fps"]),
        (
            vec!["--bounce".as_ref()],
            &["unknown argument `--bounce`", "usage"],
        ),
        (vec!["--script".as_ref()], &["--script` needs a file"]),
        (
            vec!["--script".as_ref(), missing.as_os_str()],
            &["chapter-10-missing.wasm", "cannot read it"],
        ),
        (
            vec!["--script".as_ref(), garbage.as_os_str()],
            &["chapter-10-garbage.wasm", "not a wasm module"],
        ),
        (
            vec!["--script".as_ref(), wrong.as_os_str()],
            &["wrong_imports.wasm", "host::teleport"],
        ),
    ];
    for (args, expected) in cases {
        let mut all: Vec<&OsStr> = vec!["--headless".as_ref()];
        all.extend(args);
        assert_fails_clearly(&ready, &all, expected);
    }
    // `--enemies 0` is refused, and a good script still plays.
    assert_fails_clearly(
        &ready,
        &["--headless".as_ref(), "--enemies".as_ref(), "0".as_ref()],
        &["--enemies"],
    );
    assert!(headless(&["--frames", "1"], &chaser).success());
}
