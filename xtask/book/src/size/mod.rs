//! `cargo xtask size`: chapter 3's size ladder.
//!
//! Chapter 1's guest (`chapter-1-guest`, one `println!`) is built under a ladder
//! of settings, each rung adding one setting to the rung before it: cargo's
//! `dev` and `release` profiles, then the custom profiles `size-s` … `size-strip`
//! of the workspace's `Cargo.toml`, then Binaryen's `wasm-opt`; past the stable
//! settings, the last profile again with the standard library compiled from
//! source without its panic machinery ([`IMMEDIATE_ABORT_FLAGS`]), then
//! `wasm-opt` on that. Chapter 3's guest (`chapter-3-guest`, the same line
//! without `core::fmt`) is measured at the last cargo rung and after
//! `wasm-opt`.
//!
//! Every rung's module is copied to `target/wasm/size-ladder/<rung>.wasm` and
//! run by chapter 3's host (`chapter-3-host`), which checks that `sum(5, 4)`
//! still prints `From WASM: Sum is: 9` and returns 9: a rung that shrinks the
//! module but breaks it is an error, not a result.
//!
//! The book shows what [`write_book_files`] writes into
//! `book/src/generated/chapter-3/`: the table, a bar chart (SVG), the largest
//! functions of the release build, and the `wasm-opt` command used. Every number
//! there comes from [`ladder`].

//!
//! | module | holds |
//! | --- | --- |
//! | [`climb`] | building each rung's module, copying and measuring it |
//! | [`wasm_opt`] | finding and running Binaryen's `wasm-opt` |
//! | [`inspect`] | the largest functions of a module (wasmparser) |
//! | [`tables`] | the terminal's table and the book's markdown |
//! | [`chart`] | the book's bar chart (plotters, SVG) |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use xtask::cargo::{self, Messages};
use xtask::guests;
use xtask::process;
use xtask::toolchain::Toolchain;

mod chart;
mod climb;
mod inspect;
mod tables;
mod wasm_opt;

pub use chart::{svg_chart, texts};
use climb::Climb;
pub use inspect::{Function, Functions, demangle, largest_functions};
pub use tables::{
    markdown_largest, markdown_table, markdown_wasm_opt, percent, text_table, thousands,
    wasm_opt_command,
};
pub use wasm_opt::{WASM_OPT_ARGS, WASM_OPT_INSTALL, find_wasm_opt};

/// The guest with `println!` (chapter 1's), climbed up the whole ladder.
pub const GUEST: &str = "chapter-1-guest";
/// The guest that writes the same line without `core::fmt` (chapter 3's).
pub const NO_FMT_GUEST: &str = "chapter-3-guest";
/// The host that runs every rung's module and checks what it does.
pub const HOST: &str = "chapter-3-host";

/// One step of the cargo part of the ladder: a profile, and what it adds to
/// the profile before it (see the root `Cargo.toml`).
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The rung's name, also its module's file name in `target/wasm/size-ladder/`.
    pub rung: &'static str,
    pub profile: &'static str,
    pub setting: &'static str,
}

/// The cargo rungs, in order. Each custom profile inherits the one before it.
pub const CARGO_STEPS: &[Step] = &[
    Step {
        rung: "debug",
        profile: "dev",
        setting: "`cargo build` (the dev profile)",
    },
    Step {
        rung: "release",
        profile: "release",
        setting: "`--release` (opt-level = 3)",
    },
    Step {
        rung: "size-s",
        profile: "size-s",
        setting: "`opt-level = \"s\"`",
    },
    Step {
        rung: "size-z",
        profile: "size-z",
        setting: "`opt-level = \"z\"`",
    },
    Step {
        rung: "size-lto",
        profile: "size-lto",
        setting: "`lto = true`",
    },
    Step {
        rung: "size-cgu",
        profile: "size-cgu",
        setting: "`codegen-units = 1`",
    },
    Step {
        rung: "size-abort",
        profile: "size-abort",
        setting: "`panic = \"abort\"`",
    },
    Step {
        rung: "size-strip",
        profile: "size-strip",
        setting: "`strip = true`",
    },
];

/// The profile of the last cargo rung, where the no-`core::fmt` guest is measured.
pub const LAST_PROFILE: &str = "size-strip";

/// The rung whose functions [`Ladder::largest`] lists.
pub const LARGEST_OF: &str = "release";

/// How many of its largest functions are listed.
pub const LARGEST_COUNT: usize = 10;

/// The flags of the rung past stable settings: every crate, std included, is
/// compiled so that a panic aborts at once, without a message. Rust's
/// `immediate-abort` panic strategy is unstable, and std only gets it when it
/// is compiled from source (`-Zbuild-std`).
pub const IMMEDIATE_ABORT_FLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort";

/// Where the ladder's modules are copied, as the book names the folder: the
/// workbook's `target/` unless `CARGO_TARGET_DIR` says otherwise.
pub const LADDER_DIR: &str = "target/wasm/size-ladder";

/// Where the ladder's modules are copied, named after their rungs.
pub fn ladder_dir(root: &Path) -> PathBuf {
    guests::target_dir(root).join("size-ladder")
}

/// The target dir of the builds that compile std from source with
/// [`IMMEDIATE_ABORT_FLAGS`].
pub fn std_from_source_dir(root: &Path) -> PathBuf {
    guests::target_dir(root).join("std-from-source")
}

/// Where [`write_book_files`] writes.
pub fn book_dir(root: &Path) -> PathBuf {
    root.join("book")
        .join("src")
        .join("generated")
        .join("chapter-3")
}

/// One measured, and run, rung.
#[derive(Debug, Clone)]
pub struct Rung {
    /// `debug`, `release`, `size-s`, …, `wasm-opt`, `no-fmt`, `no-fmt-wasm-opt`.
    pub name: String,
    /// What this rung adds to the one before it.
    pub setting: String,
    /// The guest package built.
    pub guest: String,
    /// The cargo profile it was built with.
    pub profile: String,
    /// Whether `wasm-opt` ran on it after cargo.
    pub wasm_opt: bool,
    /// The module, in [`ladder_dir`].
    pub wasm: PathBuf,
    pub bytes: u64,
    /// What chapter 3's host said after running the module's `sum(5, 4)`:
    /// `<rung>.wasm: printed "From WASM: Sum is: 9\n", returned 9`.
    pub host_line: String,
}

impl Rung {
    /// The module's file name, as the host names it.
    pub fn file_name(&self) -> String {
        format!("{}.wasm", self.name)
    }
}

/// The `wasm-opt` used, or why there is none.
#[derive(Debug, Clone)]
pub enum WasmOpt {
    Found {
        exe: PathBuf,
        /// `wasm-opt --version`, e.g. `wasm-opt version 108`.
        version: String,
    },
    Missing {
        why: String,
    },
}

/// Whether the rungs that compile std from source were built, or why not.
#[derive(Debug, Clone)]
pub enum StdFromSource {
    Built,
    Missing { why: String },
}

/// The whole ladder.
#[derive(Debug, Clone)]
pub struct Ladder {
    /// The guest toolchain it was built with, as `cargo xtask doctor` names it.
    pub toolchain: String,
    pub wasm_opt: WasmOpt,
    pub std_from_source: StdFromSource,
    /// In order: the cargo rungs, `wasm-opt`, `immediate-abort`,
    /// `immediate-abort-wasm-opt`, `no-fmt`, `no-fmt-wasm-opt` (the `wasm-opt`
    /// rungs only when `wasm-opt` is there, the `immediate-abort` ones only
    /// when std's source is).
    pub rungs: Vec<Rung>,
    /// The largest functions of the [`LARGEST_OF`] rung.
    pub largest: Functions,
}

impl Ladder {
    pub fn rung(&self, name: &str) -> Option<&Rung> {
        self.rungs.iter().find(|r| r.name == name)
    }

    /// The debug build's size: 100 % in the table.
    pub fn debug_bytes(&self) -> u64 {
        self.rung("debug").map_or(0, |r| r.bytes)
    }

    /// A rung's size as a share of the debug build, in percent.
    pub fn percent_of_debug(&self, rung: &Rung) -> f64 {
        100.0 * rung.bytes as f64 / self.debug_bytes().max(1) as f64
    }
}

/// Build every rung, measure it, run it with chapter 3's host, and list the
/// largest functions of the release build. Says on stderr what it is doing.
///
/// Fails if a build fails or if any rung's module does not print and return
/// what chapter 1's guest does. A missing `wasm-opt` is not an error: its rungs
/// are left out and [`Ladder::wasm_opt`] says why.
pub fn ladder(root: &Path, toolchain: &Toolchain) -> Result<Ladder> {
    let climb = Climb::new(root, toolchain)?;
    let mut rungs = Vec::new();
    for step in CARGO_STEPS {
        rungs.push(climb.cargo_rung(GUEST, step.profile, step.rung, step.setting)?);
    }
    let last_cargo = rungs
        .last()
        .context("the ladder has no cargo rungs")?
        .clone();
    rungs.extend(climb.wasm_opt_rung(
        &last_cargo,
        "wasm-opt",
        "`wasm-opt -Oz` (Binaryen), after the last profile",
    )?);

    let (std_from_source, abort_rungs) = climb.immediate_abort_rungs()?;
    rungs.extend(abort_rungs);

    let no_fmt = climb.cargo_rung(
        NO_FMT_GUEST,
        LAST_PROFILE,
        "no-fmt",
        &format!("no `core::fmt`: `{NO_FMT_GUEST}`, {LAST_PROFILE} profile"),
    )?;
    let no_fmt_opt = climb.wasm_opt_rung(
        &no_fmt,
        "no-fmt-wasm-opt",
        "no `core::fmt`, then `wasm-opt -Oz`",
    )?;
    rungs.push(no_fmt);
    rungs.extend(no_fmt_opt);

    verify(root, &mut rungs)?;

    let largest_of = rungs
        .iter()
        .find(|r| r.name == LARGEST_OF)
        .context("the ladder has no release rung")?;
    let bytes = std::fs::read(&largest_of.wasm)
        .with_context(|| format!("cannot read {}", largest_of.wasm.display()))?;
    let largest = largest_functions(&bytes, LARGEST_COUNT)
        .with_context(|| format!("reading the functions of {}", largest_of.wasm.display()))?;

    Ok(Ladder {
        toolchain: toolchain.to_string(),
        wasm_opt: climb.wasm_opt,
        std_from_source,
        rungs,
        largest,
    })
}

/// `cargo xtask size`: the ladder, printed as a table and written for the book.
pub fn run(root: &Path, toolchain: &Toolchain) -> Result<()> {
    let ladder = ladder(root, toolchain)?;
    println!("{}", text_table(&ladder));
    for path in write_book_files(root, &ladder)? {
        eprintln!("wrote {}", xtask::report::rel(root, &path));
    }
    Ok(())
}

/// Run every rung's module with chapter 3's host; fill in each rung's host line.
fn verify(root: &Path, rungs: &mut [Rung]) -> Result<()> {
    eprintln!("size: running every rung with {HOST}");
    let exes = cargo::build_hosts(
        &root.join("Cargo.toml"),
        &[HOST.to_string()],
        Messages::Capture,
    )
    .with_context(|| format!("building {HOST}"))?;
    let mut cmd = Command::new(&exes[HOST]);
    cmd.args(rungs.iter().map(|r| &r.wasm)).current_dir(root);
    let out = process::run_captured(cmd, Duration::from_secs(120))?;
    let stdout = out.stdout_text();
    if !out.success() {
        bail!(
            "a rung of the ladder no longer does what chapter 1's guest does: {HOST} {}\n{}{}",
            out.ending(),
            stdout,
            out.stderr_text().trim_end()
        );
    }
    let lines: BTreeMap<&str, &str> = stdout
        .lines()
        .filter_map(|line| Some((line.split_once(": ")?.0, line)))
        .collect();
    for rung in rungs.iter_mut() {
        let file = rung.file_name();
        rung.host_line = lines
            .get(file.as_str())
            .with_context(|| format!("{HOST} said nothing about {file}:\n{stdout}"))?
            .to_string();
    }
    Ok(())
}

/// Write the book's files into [`book_dir`]; returns their paths.
///
/// | file | holds |
/// | --- | --- |
/// | `size-table.md` | the ladder: rung, setting added, bytes, share of the debug build |
/// | `size-chart.svg` | the same as a bar chart |
/// | `largest-functions.md` | the largest functions of the release build |
/// | `wasm-opt.md` | the `wasm-opt` command and the version measured |
pub fn write_book_files(root: &Path, ladder: &Ladder) -> Result<Vec<PathBuf>> {
    let dir = book_dir(root);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let files = [
        ("size-table.md", markdown_table(ladder)),
        ("size-chart.svg", svg_chart(ladder)?),
        ("largest-functions.md", markdown_largest(ladder)),
        ("wasm-opt.md", markdown_wasm_opt(ladder)),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
