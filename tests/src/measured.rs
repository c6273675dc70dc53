//! The measuring commands whose full runs the book shows: chapters 7, 8, 9
//! and 11 keep them in `book/src/measured/` (committed; see `xtask::bench`).
//! The tests run each command with `--quick` on the dev builds, and check
//! that the committed file has the shape of what the command writes today:
//! the same lines with the same words, figures left out.

use std::path::PathBuf;
use std::time::Duration;

use crate::{measuring, root, xtask_binary};

/// `cargo xtask bench ARGS --quick`, whose stdout must end with a line
/// starting `summary`; returns what it kept as its file `name` (under
/// `target/bench/quick/`), which must be what it printed. The measuring lock
/// is held while it runs.
pub fn quick_run(args: &[&str], summary: &str, name: &str) -> String {
    let _measuring = measuring();
    let mut cmd = std::process::Command::new(xtask_binary());
    cmd.arg("bench")
        .args(args)
        .arg("--quick")
        .current_dir(root());
    let shown = format!("cargo xtask bench {} --quick", args.join(" "));
    let out = xtask::process::run_captured(cmd, Duration::from_secs(3600))
        .unwrap_or_else(|e| panic!("{shown} does not run: {e:#}"));
    assert!(out.success(), "{shown}: {}", out.stderr_text());
    let stdout = out.stdout_text();
    assert!(
        stdout.starts_with(xtask::bench::QUICK_NOTE),
        "{shown} does not say what a quick run is:\n{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with(summary), "{shown}:\n{stdout}");
    let path = xtask::bench::kept_file(&root(), true, name);
    let kept = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{shown} kept no {}: {e}", path.display()));
    assert!(
        stdout.contains(&kept),
        "{shown}: the kept figures are the ones printed"
    );
    kept
}

/// The committed file of a full run, `name` under `book/src/measured/`.
pub fn committed(name: &str) -> String {
    let path: PathBuf = xtask::bench::kept_file(&root(), false, name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} (a full run of the command writes it): {e}",
            path.display()
        )
    })
}

/// Units that stand beside a figure and change with its size.
const UNITS: [&str; 8] = ["ns", "µs", "ms", "s", "bytes", "KiB", "MiB", "GiB"];

/// A measurement's text without its figures: each line's words that hold
/// no digit and are not a unit (`ms)` is one). Lines that name the machine
/// are left out.
pub fn shape(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.starts_with("measured on ") && !line.starts_with("(on "))
        .map(|line| {
            line.split_whitespace()
                .filter(|w| {
                    let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
                    !w.chars().any(|c| c.is_ascii_digit()) && !UNITS.contains(&bare)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The committed full run `name` has the shape of `fresh`, the text a run
/// of today's command kept.
pub fn assert_committed_has_the_shape_of(name: &str, fresh: &str) {
    let kept = committed(name);
    assert_eq!(
        shape(&kept),
        shape(fresh),
        "book/src/measured/{name} is not what the command writes today: run it in full \
         (without --quick) and commit what it keeps.\ncommitted:\n{kept}\ntoday's quick run:\n{fresh}"
    );
}
