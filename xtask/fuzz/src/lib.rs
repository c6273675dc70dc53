//! `cargo xtask fuzz`: feed modules nobody wrote to every program of the
//! workbook that loads modules, and check that each one is run within its
//! limits or refused with an error: never a panic, a signal or a hang.
//!
//! | runner | gets | how |
//! | --- | --- | --- |
//! | `chapter-6-host-gallery` | every module | in batches, one process per batch, with a short deadline |
//! | `guest-call` (the grader's sandbox) | one module in [`Options::guest_call_every`] | one process each, its first export called with zeros |
//! | the hosts of chapters 1-5 | one module in [`Options::hosts_every`], shaped like the host's own guest and made to terminate | one process each |
//!
//! The hosts of chapters 1-5 trust their guests (chapter 6 is about what that
//! costs): a module that loops would hang them by design, so theirs are made
//! to stop (wasm-smith's `ensure_termination`).
//!
//! | module | holds |
//! | --- | --- |
//! | [`generate`] | making the modules (wasm-smith, mutations) |
//! | [`runners`] | running them and judging each run |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use xtask::cargo::{self, Messages};
use xtask::toolchain::Toolchain;
use xtask::{chapters, process, run};

pub mod generate;
pub mod runners;

use generate::Generator;
use runners::{Gallery, Verdict};

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub count: u64,
    pub seed: u64,
    /// Modules per gallery process.
    pub batch: usize,
    /// One module in this many also goes to `guest-call`.
    pub guest_call_every: u64,
    /// One module in this many makes a shaped module for each of chapters 1-5's hosts.
    pub hosts_every: u64,
    /// The gallery's deadline for each module.
    pub deadline_ms: u64,
    /// The cargo profile the runners are built with: `dev`, as a reader
    /// builds them, or `fuzz` (optimised dependencies, see `Cargo.toml`).
    pub profile: String,
    /// Stop after the batch that ends past this much time, even if fewer
    /// than `count` modules ran (the test's bound).
    pub time_limit: Option<Duration>,
}

impl Options {
    pub fn new(count: u64, seed: u64) -> Options {
        Options {
            count,
            seed,
            batch: 100,
            guest_call_every: 20,
            hosts_every: 100,
            deadline_ms: 50,
            profile: "dev".to_string(),
            time_limit: None,
        }
    }
}

/// One finding: which program, on which module (kept in `target/fuzz/findings/`).
#[derive(Debug, Clone)]
pub struct Finding {
    pub runner: String,
    pub module: PathBuf,
    pub what: String,
}

/// What a fuzzing run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Modules generated (each run by the gallery).
    pub modules: u64,
    /// Runs by runner and how they ended: `(runner, "exit code 3")` -> count.
    pub endings: BTreeMap<(String, String), u64>,
    pub findings: Vec<Finding>,
    pub elapsed: Duration,
}

impl Summary {
    /// Runs by `runner`.
    pub fn runs(&self, runner: &str) -> u64 {
        self.endings
            .iter()
            .filter(|((r, _), _)| r == runner)
            .map(|(_, n)| n)
            .sum()
    }

    fn record(&mut self, runner: &str, module: &Path, verdict: Verdict) {
        let ending = match verdict {
            Verdict::Ran(ending) => ending,
            Verdict::Refused => "refused".to_string(),
            Verdict::Finding(what) => {
                self.findings.push(Finding {
                    runner: runner.to_string(),
                    module: module.to_path_buf(),
                    what,
                });
                "FINDING".to_string()
            }
        };
        *self
            .endings
            .entry((runner.to_string(), ending))
            .or_default() += 1;
    }
}

/// The gallery host's package.
pub const GALLERY: &str = "chapter-6-host-gallery";

/// The programs, built, and the modules to start from.
struct Setup {
    gallery: Gallery,
    guest_call: PathBuf,
    /// Chapter hosts 1-5: (package, executable, the shape of its guest).
    hosts: Vec<(String, PathBuf, Vec<u8>)>,
    generator: Generator,
    work: PathBuf,
    findings: PathBuf,
}

/// Fuzz. `progress` is told after each batch how many modules are done.
pub fn run(
    root: &Path,
    toolchain: &Toolchain,
    options: &Options,
    progress: &dyn Fn(u64, &Summary),
) -> Result<Summary> {
    let started = Instant::now();
    let mut setup = setup(root, toolchain, options)?;
    let mut summary = Summary::default();
    let mut n = 0;
    while n < options.count {
        let size = (options.count - n).min(options.batch as u64);
        batch(&mut setup, options, n..n + size, &mut summary)?;
        n += size;
        summary.modules = n;
        progress(n, &summary);
        if options
            .time_limit
            .is_some_and(|limit| started.elapsed() >= limit)
        {
            break;
        }
    }
    summary.elapsed = started.elapsed();
    let _ = std::fs::remove_dir_all(&setup.work);
    Ok(summary)
}

/// Build the runners and the guests; read the modules to start from.
fn setup(root: &Path, toolchain: &Toolchain, options: &Options) -> Result<Setup> {
    let all = chapters::all(root)?;
    let built: BTreeMap<String, PathBuf> = run::build_all_guests(root, toolchain, &all)?
        .into_iter()
        .collect();
    let read = |package: &str| -> Result<Vec<u8>> {
        let path = built
            .get(package)
            .with_context(|| format!("no guest `{package}` was built"))?;
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let menus = [
        "chapter-6-guest-escape",
        "chapter-6-guest-sleep",
        "chapter-6-guest-environment",
        "chapter-6-guest-exit",
    ]
    .iter()
    .map(|p| read(p))
    .collect::<Result<Vec<_>>>()?;
    let seeds = built.keys().map(|p| read(p)).collect::<Result<Vec<_>>>()?;

    let mut packages: Vec<String> =
        vec![GALLERY.to_string(), xtask::guest_call::PACKAGE.to_string()];
    let mut shapes = Vec::new();
    for chapter in all.iter().filter(|c| c.number <= 5) {
        for host in &chapter.hosts {
            if let Some(guest) = host.guests.first() {
                packages.push(host.package.clone());
                shapes.push((host.package.clone(), read(guest)?));
            }
        }
    }
    let exes = cargo::build_hosts_with_profile(
        &root.join("Cargo.toml"),
        &packages,
        Messages::Capture,
        &options.profile,
    )?;
    let work = xtask::cargo::native_target_dir(root).join("fuzz/work");
    let findings = findings_dir(root);
    std::fs::create_dir_all(&work)?;
    let hosts = shapes
        .into_iter()
        .map(|(package, shape)| (package.clone(), exes[&package].clone(), shape))
        .collect();
    Ok(Setup {
        guest_call: exes[xtask::guest_call::PACKAGE].clone(),
        gallery: Gallery {
            exe: exes[GALLERY].clone(),
            deadline_ms: options.deadline_ms,
            cache_home: work.join("cache"),
        },
        hosts,
        generator: Generator::new(options.seed, menus, seeds)?,
        work,
        findings,
    })
}

/// Generate and run the modules numbered `range`.
fn batch(
    setup: &mut Setup,
    options: &Options,
    range: std::ops::Range<u64>,
    summary: &mut Summary,
) -> Result<()> {
    let dir = setup.work.join("batch");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut modules = Vec::new();
    for n in range.clone() {
        let kind = Generator::kind_of(n);
        let path = dir.join(format!("{}-{n}.wasm", kind.name()));
        let bytes = setup.generator.module(kind);
        std::fs::write(&path, &bytes)?;
        modules.push((n, path, bytes));
    }
    let paths: Vec<PathBuf> = modules.iter().map(|(_, p, _)| p.clone()).collect();
    let verdicts = setup.gallery.run(&paths)?;
    for ((_, path, _), verdict) in modules.iter().zip(verdicts) {
        keep_if_finding(setup, GALLERY, path, &verdict)?;
        summary.record(GALLERY, path, verdict);
    }
    for (n, path, bytes) in &modules {
        if n % options.guest_call_every == 0 {
            guest_call(setup, path, bytes, summary)?;
        }
        if n % options.hosts_every == 0 {
            chapter_hosts(setup, &dir, *n, summary)?;
        }
    }
    Ok(())
}

/// The grader's sandbox on one module.
fn guest_call(setup: &Setup, path: &Path, bytes: &[u8], summary: &mut Summary) -> Result<()> {
    let runner = xtask::guest_call::PACKAGE;
    let Some(mut cmd) = runners::guest_call(&setup.guest_call, path, bytes) else {
        return Ok(());
    };
    cmd.env("XDG_CACHE_HOME", &setup.gallery.cache_home);
    let out = process::run_captured(cmd, xtask::guest_call::CALL_TIMEOUT)?;
    // guest-call exits with 2 when it refuses a module or an export.
    let verdict = runners::judge_one(&out, 2);
    keep_if_finding(setup, runner, path, &verdict)?;
    summary.record(runner, path, verdict);
    Ok(())
}

/// Each host of chapters 1-5 on a module shaped like its own guest.
fn chapter_hosts(setup: &mut Setup, dir: &Path, n: u64, summary: &mut Summary) -> Result<()> {
    for i in 0..setup.hosts.len() {
        let Some(bytes) = setup.generator.shaped(&setup.hosts[i].2) else {
            continue;
        };
        let (package, exe, _) = &setup.hosts[i];
        let path = dir.join(format!("{package}-{n}.wasm"));
        std::fs::write(&path, bytes)?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg(&path)
            .env("XDG_CACHE_HOME", &setup.gallery.cache_home);
        let out = process::run_captured(cmd, Duration::from_secs(60))?;
        // The chapter hosts exit with 1 on any error, the guest's included.
        let verdict = runners::judge_one(&out, 1);
        keep_if_finding(setup, package, &path, &verdict)?;
        summary.record(package, &path, verdict);
    }
    Ok(())
}

/// Copy the module of a finding, with what happened, to `target/fuzz/findings/`.
fn keep_if_finding(setup: &Setup, runner: &str, module: &Path, verdict: &Verdict) -> Result<()> {
    let Verdict::Finding(what) = verdict else {
        return Ok(());
    };
    std::fs::create_dir_all(&setup.findings)?;
    let name = format!(
        "{runner}-{}",
        module.file_name().unwrap_or_default().to_string_lossy()
    );
    let kept = setup.findings.join(&name);
    std::fs::copy(module, &kept).with_context(|| format!("cannot keep {}", module.display()))?;
    std::fs::write(kept.with_extension("txt"), what)?;
    Ok(())
}

/// Where the modules of findings are kept, each with what happened.
pub fn findings_dir(root: &Path) -> PathBuf {
    xtask::cargo::native_target_dir(root).join("fuzz/findings")
}
