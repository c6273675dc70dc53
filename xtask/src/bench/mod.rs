//! `cargo xtask bench`: measuring commands. Their figures go into notes and
//! onto pages; no test enforces a time.
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

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
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
    let started = Instant::now();
    let bar = spinner(doing);
    let result = measure();
    bar.finish_and_clear();
    print!("{}", result?);
    println!("{done} in {}", seconds(started.elapsed()));
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
