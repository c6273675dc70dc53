//! The series' claim, checked: gdb stops at a line of chapter 1's guest only
//! in Wasmtime with Cranelift (with `Config::debug_info`). Each VM runs in
//! the host's one-VM mode, `--vm NAME --debug-info`, under gdb, with a
//! breakpoint on the guest's `let s = a + b;`. Without gdb the test says it
//! is skipped; in CI (which installs gdb) it fails.

use std::process::Command;
use std::time::Duration;

use super::{ANSWER, CHAPTER, HOST, VMS};
use workbook_tests::{guest_wasm, host, root};

/// Where gdb stops: chapter 1's guest, the line that adds.
const SOURCE: &str = "chapters/chapter-1-first-module/guest/src/lib.rs";
const LINE: &str = "let s = a + b;";

/// gdb in batch mode on the host running chapter 1's guest in `vm`; its stdout.
fn gdb_session(gdb: &std::path::Path, vm: &str) -> String {
    let source = root().join(SOURCE);
    let text = std::fs::read_to_string(&source).expect("chapter 1's guest source");
    let line = 1 + text
        .lines()
        .position(|l| l.contains(LINE))
        .expect("the guest adds");
    let mut cmd = Command::new(gdb);
    cmd.args(["-nx", "-batch"]);
    for command in [
        "set pagination off",
        "set confirm off",
        "set debuginfod enabled off",
        "set breakpoint pending on",
        &format!("break {}:{line}", source.display()),
        "run",
        "echo ==bt==\\n",
        "bt 2",
        "kill",
    ] {
        cmd.arg("-ex").arg(command);
    }
    let ready = host(CHAPTER, HOST);
    cmd.arg("--args")
        .arg(&ready.exe)
        .args(["--vm", vm, "--debug-info"])
        .arg(guest_wasm("chapter-1", "chapter-1-guest"))
        .current_dir(root());
    let out = xtask::process::run_captured(cmd, Duration::from_secs(120)).expect("gdb runs");
    assert!(
        !out.timed_out(),
        "gdb {}:\n{}",
        out.ending(),
        out.stdout_text()
    );
    format!("{}\n--- stderr\n{}", out.stdout_text(), out.stderr_text())
}

/// What gdb shows for each VM; the page and `verdict.toml` say the same.
/// `None`: it stops in the guest. `Some(text)`: it does not stop, and the
/// session holds `text` (Wasmtime's refusal, or the guest's answer: the
/// guest ran to its end, unseen).
fn expected(vm: &str) -> Option<&'static str> {
    match vm {
        "wasmtime-cranelift" => None,
        "wasmtime-winch" => {
            Some("Winch does not currently support generating native debug information")
        }
        "wasmtime-pulley" => Some("failed to emit DWARF debug information"),
        _ => Some(ANSWER.trim_end()),
    }
}

#[test]
fn gdb_stops_in_the_guest_only_with_wasmtime_and_cranelift() {
    let Some(gdb) = xtask::process::which("gdb") else {
        workbook_tests::skip_unless_ci(
            "the debugging check: gdb not installed (apt-get install gdb)",
        );
        return;
    };
    for vm in VMS {
        let session = gdb_session(&gdb, vm);
        let stopped = session
            .lines()
            .any(|l| l.contains("Breakpoint 1, ") && l.contains("sum"));
        match expected(vm) {
            None => {
                assert!(
                    stopped,
                    "{vm}: gdb did not stop in the guest's `sum`:\n{session}"
                );
                let bt = session.split("==bt==").nth(1).unwrap_or_default();
                assert!(bt.contains(SOURCE), "{vm}: {bt}");
            }
            Some(text) => {
                assert!(!stopped, "{vm}: gdb stopped in the guest:\n{session}");
                assert!(session.contains(text), "{vm}: no `{text}`:\n{session}");
            }
        }
    }
}
