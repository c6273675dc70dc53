//! `cargo xtask bench`: measuring commands. Their figures go into notes and
//! onto pages; no test enforces a time.
//!
//! The commands that measure speed build what they measure in the `vm-bench`
//! profile (release), as a product ships. A full run keeps the figures a page
//! shows in `book/src/measured/` ([`keep`]), which is committed: the book is
//! built from them without building anything in release, and a reader who
//! runs the command again sees their own figures in `git diff`. With
//! `--quick`, the command runs end to end on the `dev` build the tests
//! already made, with few samples: a check that it works, whose figures say
//! little and are kept under `target/bench/quick/` only ([`profile`]).
//!
//! | module | measures |
//! | --- | --- |
//! | [`aot`] | `bench aot`: chapter 8's compile against load, Cranelift against Pulley, the full and the runtime-only host's size and memory |
//! | [`build`] | `bench build`: the first `cargo xtask run chapter-1` of a fresh clone against a reader's own first Wasmtime host |
//! | [`sandbox`] | `bench sandbox`: what chapter 6's defences cost (fuel, epochs) and how late a deadline stops a guest |
//! | [`game`] | `bench game`: chapter 10's cost of a frame of scripts for 10, 100 and 1000 enemies, and a reload's latency |
//! | [`components`] | `bench components`: chapter 11's component against chapter 5's core module: size, the cost of a call passing bytes both ways, the host's rebuild |
//! | [`edge`] | `bench edge`: chapter 9's server under load, fresh instances against a reused one, and beside hostile requests |
//! | `xtask_book::vms` | `bench` alone: chapter 7's VMs side by side (in `xtask/book`, which has the charting library) |

pub mod aot;
pub mod build;
pub mod components;
pub mod edge;
pub mod game;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::process;

/// Run a measuring program (`what` names it in an error) and return what it
/// printed; if it fails or outlives `timeout`, an error with its stderr.
pub fn stdout_of(cmd: Command, what: &str, timeout: Duration) -> Result<String> {
    let out = process::run_captured(cmd, timeout)?;
    if !out.success() {
        bail!("{what} {}:\n{}", out.ending(), out.stderr_text().trim_end());
    }
    Ok(out.stdout_text())
}

/// A `cargo xtask bench …` command: `measure` under a spinner saying `doing`,
/// then its figures and a one-line summary, `done` and how long it took.
pub fn command(doing: &str, done: &str, measure: impl FnOnce() -> Result<String>) -> Result<bool> {
    let (text, took) = timed(doing, measure)?;
    print!("{text}");
    println!("{done} in {}", seconds(took));
    Ok(true)
}

/// `measure` under a spinner saying `doing`; what it returned, and how long it took.
fn timed(doing: &str, measure: impl FnOnce() -> Result<String>) -> Result<(String, Duration)> {
    let started = Instant::now();
    let bar = spinner(doing);
    let result = measure();
    bar.finish_and_clear();
    Ok((result?, started.elapsed()))
}

/// [`command`] for a command whose figures a page shows: what `measure`
/// printed is also kept as `file` ([`keep`]), and the summary says where. A
/// quick run's output starts with [`QUICK_NOTE`].
pub fn kept_command(
    root: &Path,
    quick: bool,
    file: &str,
    (doing, done): (&str, &str),
    measure: impl FnOnce() -> Result<String>,
) -> Result<bool> {
    let (text, took) = timed(doing, measure)?;
    show_and_keep(root, quick, file, &text, (done, took))
}

/// Print a run's `text` (after [`QUICK_NOTE`] for a quick run), keep it as
/// `file` ([`keep`]), and end with `DONE in TOOK; kept in PATH`.
pub fn show_and_keep(
    root: &Path,
    quick: bool,
    file: &str,
    text: &str,
    (done, took): (&str, Duration),
) -> Result<bool> {
    if quick {
        print!("{QUICK_NOTE}");
    }
    print!("{text}");
    let kept = keep(root, quick, file, text)?;
    println!(
        "{done} in {}; kept in {}",
        seconds(took),
        crate::report::rel(root, &kept)
    );
    Ok(true)
}

/// A spinner that says what is being measured and for how long it has run.
pub fn spinner(what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `123.4 s`, `87 ms`: a duration as a person reads it.
pub fn seconds(d: Duration) -> String {
    if d >= Duration::from_secs(10) {
        format!("{:.0} s", d.as_secs_f64())
    } else if d >= Duration::from_secs(1) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// `AMD EPYC 7763 64-Core Processor, 2 cores`: what the figures were measured on.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "an unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores")
}

/// The cargo profile a measuring command builds its hosts in: `vm-bench`
/// (release, stripped) for a full run; `dev` for a quick one, which checks
/// that the command works on the build the tests made and measures nothing
/// worth showing.
pub fn profile(quick: bool) -> &'static str {
    if quick { "dev" } else { "vm-bench" }
}

/// The first line of a quick run's output, which says what its figures are.
pub const QUICK_NOTE: &str = "(--quick: a check that this command works, on the dev build; figures of a full run are in book/src/measured/)\n";

/// Where the figures of full runs are kept for the book (committed).
pub fn measured_dir(root: &Path) -> PathBuf {
    root.join("book").join("src").join("measured")
}

/// Where a run keeps its file `name` (`chapter-9/load.txt`): under
/// [`measured_dir`] for a full run, under `target/bench/quick/` for a quick one.
pub fn kept_file(root: &Path, quick: bool, name: &str) -> PathBuf {
    if quick {
        crate::cargo::native_target_dir(root)
            .join("bench")
            .join("quick")
            .join(name)
    } else {
        measured_dir(root).join(name)
    }
}

/// Keep a run's `text` as its file `name` ([`kept_file`]); returns the path.
pub fn keep(root: &Path, quick: bool, name: &str, text: &str) -> Result<PathBuf> {
    let path = kept_file(root, quick, name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
