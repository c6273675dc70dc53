//! `cargo xtask bench`: chapter 7's guest (`chapter-7-guest`, release build)
//! in every VM of `chapter-7-host`, and its kernels compiled natively, all
//! measured in one run.
//!
//! The benchmark program (`chapter-7-bench`) is built once per VM with that
//! VM's cargo feature alone (and once with none: the native baseline), in the
//! `vm-bench` profile (optimised, stripped), so that each binary's size is
//! the cost of its VM. Every measurement is a process of its own (see
//! [`measure`]), so that its peak memory is that of one VM doing one thing.
//!
//! A full run writes `results.json`, the tables and the charts into
//! `book/src/measured/chapter-7/` ([`results_dir`]), which is committed and
//! which the page includes. A quick run (one sample, on dev builds: a check
//! that the benchmark works, see `xtask::bench`) writes them into
//! `target/bench/quick/chapter-7/`.
//!
//! | module | holds |
//! | --- | --- |
//! | [`build`] | building the guest and the benchmark program, once per VM |
//! | [`measure`] | running the measurements, one process each, with progress |
//! | [`tables`] | the terminal's table, the book's tables and the ratios |
//! | [`chart`] | the book's charts (plotters, SVG) |
//! | [`published`] | the published figures of wasmi-benchmarks, set beside this run's |
//! | [`verdict`] | the verdict table: the chapter's facts beside this run's figures |

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use xtask::toolchain::Toolchain;

pub mod build;
pub mod chart;
pub mod measure;
pub mod published;
pub mod tables;
pub mod verdict;

/// The VMs, in the order the chapter shows them, then the baseline.
pub const VMS: [&str; 7] = [
    "wasmtime-cranelift",
    "wasmtime-winch",
    "wasmtime-pulley",
    "wasmi",
    "wasm3",
    "wamr",
    "native",
];

/// The workloads of `chapter-7-bench`, in order: the two `call` ones, then
/// the compute kernels (`run`).
pub const WORKLOADS: [&str; 6] = ["sum", "host-call", "fib", "sieve", "hash", "matmul"];

/// The compute kernels among [`WORKLOADS`].
pub const KERNELS: [&str; 4] = ["fib", "sieve", "hash", "matmul"];

/// How thorough a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 25 samples a figure: the default.
    Full,
    /// One sample a figure (after the warm-up), on dev builds: a check that
    /// the benchmark works, for the tests.
    Quick,
}

impl Mode {
    pub fn samples(self) -> usize {
        match self {
            Mode::Full => 25,
            Mode::Quick => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Quick => "quick",
        }
    }
}

/// One measurement, as `chapter-7-bench` prints it and `--json` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// One of [`VMS`].
    pub vm: String,
    /// One of [`WORKLOADS`], `module` (compile, instantiate, memory),
    /// `per-instance` (memory of one more live instance) or `binary`.
    pub workload: String,
    /// `compile`, `instantiate`, `call`, `run`, `peak_rss` or `binary_size`.
    pub metric: String,
    /// The median of the samples.
    pub value: f64,
    /// `ns` or `bytes`.
    pub unit: String,
    pub min: f64,
    pub max: f64,
    pub samples: usize,
}

/// A whole run: its rows and where and how they were measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    /// `full` or `quick`.
    pub mode: String,
    pub samples: usize,
    /// When the run ended (UTC), `YYYY-MM-DD HH:MM`.
    pub date: String,
    /// The CPU's model name, and how many cores.
    pub machine: String,
    /// How long the run took, in seconds, builds included.
    pub seconds: f64,
    pub rows: Vec<Row>,
}

impl Results {
    /// The median of one measurement, if it was made.
    pub fn value(&self, vm: &str, workload: &str, metric: &str) -> Option<f64> {
        self.row(vm, workload, metric).map(|r| r.value)
    }

    pub fn row(&self, vm: &str, workload: &str, metric: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.vm == vm && r.workload == workload && r.metric == metric)
    }

    /// A workload's time in `vm` over its time in `baseline` (`call` or `run`).
    pub fn ratio(&self, vm: &str, baseline: &str, workload: &str) -> Option<f64> {
        let metric = if KERNELS.contains(&workload) {
            "run"
        } else {
            "call"
        };
        Some(self.value(vm, workload, metric)? / self.value(baseline, workload, metric)?)
    }
}

/// Where a run of `mode` keeps its files: the book's folder for a full run
/// (as every measuring command keeps its files: `xtask::bench::kept_file`).
pub fn results_dir(root: &Path, mode: Mode) -> PathBuf {
    xtask::bench::kept_file(root, mode == Mode::Quick, "chapter-7")
}

/// The files a run writes, each with its text.
pub fn files(root: &Path, results: &Results) -> Result<Vec<(&'static str, String)>> {
    let published = published::load(root)?;
    let verdict = verdict::load(root)?;
    Ok(vec![
        (
            "results.json",
            serde_json::to_string_pretty(results)? + "\n",
        ),
        ("about.md", tables::markdown_about(results)),
        ("table.md", tables::markdown_table(results)),
        ("ratios.md", tables::markdown_ratios(results)),
        (
            "size-and-memory.md",
            tables::markdown_size_and_memory(results),
        ),
        ("run-time.svg", chart::run_time(results)?),
        ("startup.svg", chart::startup(results)?),
        ("published.md", published::markdown(&published, results)),
        ("verdict.md", verdict::markdown(&verdict, results)),
    ])
}

/// Build, measure every VM and the baseline, and write the results into
/// [`results_dir`]. Shows progress on stderr.
pub fn run(root: &Path, toolchain: &Toolchain, mode: Mode) -> Result<Results> {
    let started = Instant::now();
    let built = build::build(root, toolchain, mode)?;
    let rows = measure::measure(&built, mode)?;
    let results = Results {
        mode: mode.name().to_string(),
        samples: mode.samples(),
        date: now_utc(),
        machine: xtask::bench::machine(),
        seconds: started.elapsed().as_secs_f64(),
        rows,
    };
    let dir = results_dir(root, mode);
    write_files(root, &dir, &results)?;
    Ok(results)
}

/// `cargo xtask bench [--json FILE] [--quick]`.
pub fn command(root: &Path, toolchain: &Toolchain, mode: Mode, json: Option<&Path>) -> Result<()> {
    let results = run(root, toolchain, mode)?;
    println!("{}", tables::text_table(&results));
    if let Some(json) = json {
        let text = serde_json::to_string_pretty(&results.rows)?;
        std::fs::write(json, text + "\n")
            .with_context(|| format!("cannot write {}", json.display()))?;
    }
    let dir = results_dir(root, mode);
    let wrote = match json {
        Some(json) => format!("{} and {}", xtask::report::rel(root, &dir), json.display()),
        None => xtask::report::rel(root, &dir),
    };
    println!(
        "bench: {} VMs and native, {} workloads, {} sample{} each, measured in {:.0} s; wrote {wrote}",
        VMS.len() - 1,
        WORKLOADS.len(),
        results.samples,
        if results.samples == 1 { "" } else { "s" },
        results.seconds
    );
    Ok(())
}

/// Write a run's rows, tables and charts ([`files`]) into `dir`.
pub fn write_files(root: &Path, dir: &Path, results: &Results) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in files(root, results)? {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The date and time now, in UTC (`date -u`).
fn now_utc() -> String {
    let mut date = std::process::Command::new("date");
    date.args(["-u", "+%Y-%m-%d %H:%M"]);
    xtask::process::output_of(&mut date).unwrap_or_else(|| "an unknown date".to_string())
}
