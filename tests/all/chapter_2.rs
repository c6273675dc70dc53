//! Chapter 2: debugging the guest like native code.
//!
//! The host's output; a guest panic reported with the guest's function, file
//! and line; gdb and LLDB stopping at a line of the guest's Rust source with
//! its arguments readable; and the VS Code launch configuration.
//!
//! Line numbers are never written here: they are found in the guest's source
//! by its `// DEBUGGER: …` marker comments.
//!
//! The debugger tests drive gdb and LLDB in batch mode with a time limit. On a
//! machine without the debugger they print `SKIPPED: …` and return; in CI
//! (`CI` set, as `.ci/run` does, which installs both) a missing debugger fails.
//! A debugger that is installed but does not stop in the guest always fails.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use workbook_tests::{
    Captured, assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports,
    missing_wasm, root, run_host,
};

const CHAPTER: &str = "chapter-2";
const HOST: &str = "chapter-2-host";
const GUEST: &str = "chapter-2-guest";

/// A debugger session takes about two seconds; this only stops a hang.
const DEBUGGER_TIMEOUT: Duration = Duration::from_secs(120);

const BREAK_IN_SUM: &str = "break in `sum`";
const STEP_ARRIVES: &str = "`step` from `sum` stops here";
const PANIC_LINE: &str = "panics when `b` is 0";

// ---------------------------------------------------------------- helpers

/// The guest's source file, relative to the workbook's root: the name its
/// debug info gives it, and what the tests set breakpoints in.
fn guest_source() -> PathBuf {
    chapter_dir().join("guest").join("src").join("lib.rs")
}

/// The chapter's folder, relative to the workbook's root.
fn chapter_dir() -> PathBuf {
    let root = root();
    let chapter = xtask::chapters::find(&root, CHAPTER).expect("chapter 2 exists");
    chapter
        .dir
        .strip_prefix(&root)
        .expect("the chapter is inside the workbook")
        .to_path_buf()
}

/// The line (from 1) of the guest's source that holds `// DEBUGGER: <marker>`.
fn marker_line(marker: &str) -> usize {
    let path = root().join(guest_source());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let needle = format!("// DEBUGGER: {marker}");
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end().ends_with(&needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "{} must hold `{needle}` on exactly one line, found {lines:?}",
        path.display()
    );
    lines[0]
}

// ---------------------------------------------------------------- the host

#[test]
fn the_host_prints_the_sum_then_the_quotient() {
    let ready = host(CHAPTER, HOST);
    assert_output_snapshot(&ready, &run_host(&ready));
}

#[test]
fn the_guest_exports_sum_and_divide() {
    let (_, exports) = imports_and_exports(&guest_wasm(CHAPTER, GUEST));
    for name in ["sum", "divide"] {
        assert!(
            exports.contains(&name.to_string()),
            "the guest does not export `{name}`; exports: {exports:?}"
        );
    }
}

#[test]
fn a_panic_in_the_guest_is_reported_with_the_guests_function_file_and_line() {
    let ready = host(CHAPTER, HOST);
    let mut args = ready.args.clone();
    args.push("--panic".into());
    let args: Vec<&std::ffi::OsStr> = args.iter().map(OsString::as_os_str).collect();
    let out = assert_fails_clearly(&ready, &args, &[]);
    let stderr = out.stderr_text();
    assert!(
        !stderr.contains("thread 'main'"),
        "the host panicked:\n{stderr}"
    );

    // The guest's `sum` ran as usual; `divide` never returned.
    let stdout = out.stdout_text();
    assert!(
        stdout.contains("From host: Answer returned to the host VM: 9"),
        "stdout:\n{stdout}"
    );
    assert!(!stdout.contains("Quotient"), "stdout:\n{stdout}");

    // The guest's panic message, printed by the guest itself through WASI.
    assert!(
        stderr.contains("attempt to divide by zero"),
        "stderr:\n{stderr}"
    );
    // The host's error: what trapped, in which module.
    let wasm = ready.args[0].to_string_lossy();
    assert!(
        stderr.contains(&format!("running the guest module `{wasm}`"))
            && stderr.contains("it trapped in `divide`"),
        "stderr:\n{stderr}"
    );

    // In the wasm backtrace, the frame of `divide` is followed by the guest's
    // file and the line of the division: that needs the debug info. (The
    // guest's own panic message above names the line too, so look only here.)
    let line = marker_line(PANIC_LINE);
    let (_, backtrace) = stderr
        .split_once("wasm backtrace:")
        .unwrap_or_else(|| panic!("the error has no wasm backtrace:\n{stderr}"));
    let frames: Vec<&str> = backtrace.lines().collect();
    let divide = frames
        .iter()
        .position(|l| l.trim_end().ends_with(" divide") || l.trim_end().ends_with("!divide"))
        .unwrap_or_else(|| panic!("no frame of `divide` in the backtrace:\n{backtrace}"));
    let location = format!("guest/src/lib.rs:{line}:");
    let next = frames.get(divide + 1).copied().unwrap_or("");
    assert!(
        next.trim_start().starts_with("at ") && next.contains(&location),
        "the frame of `divide` is not followed by `at …{location}…`:\n{backtrace}"
    );
}

#[test]
fn the_panic_option_alone_uses_the_built_guest() {
    assert_fails_clearly(
        &host(CHAPTER, HOST),
        &["--panic".as_ref()],
        &["chapter_2_guest.wasm`", "it trapped in `divide`"],
    );
}

#[test]
fn a_second_module_is_refused_with_the_usage() {
    let out = assert_fails_clearly(
        &host(CHAPTER, HOST),
        &["a.wasm".as_ref(), "b.wasm".as_ref()],
        &[
            "unexpected argument `b.wasm`",
            "usage: chapter-2-host [module.wasm] [--panic]",
        ],
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout_text());
}

#[test]
fn a_missing_file_is_named_in_the_error() {
    let path = missing_wasm();
    assert_fails_clearly(
        &host(CHAPTER, HOST),
        &[path.as_os_str()],
        &[
            &format!("running the guest module `{}`", path.display()),
            "cannot load it",
        ],
    );
}

#[test]
fn the_debugger_commands_in_the_hosts_comment_break_on_the_marked_line() {
    let main_rs = root()
        .join(chapter_dir())
        .join("host")
        .join("src")
        .join("main.rs");
    let text = std::fs::read_to_string(&main_rs).expect("the host's source is readable");
    let line = marker_line(BREAK_IN_SUM);
    for expected in [
        format!("'break guest/src/lib.rs:{line}'"),
        format!("'breakpoint set --file guest/src/lib.rs --line {line}'"),
        format!("line {line}\n//! is the first line of `sum`"),
    ] {
        assert!(
            text.contains(&expected),
            "{} should say {expected:?}: the marker `{BREAK_IN_SUM}` is on line {line}",
            main_rs.display()
        );
    }
}

mod debuggers;
