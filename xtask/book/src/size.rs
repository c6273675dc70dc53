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

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use xtask::cargo::{self, Messages};
use xtask::guests::{self, GuestBuild};
use xtask::process;
use xtask::toolchain::Toolchain;

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

/// What `wasm-opt` is run with.
///
/// `-Oz` optimises for size, hardest. The `--enable-…` flags allow exactly the
/// WebAssembly features that rustc's `wasm32-wasip1` target turns on by default
/// since Rust 1.87 (LLVM 20's `generic` CPU). Binaryen 108, Debian 12's, is from
/// 2022 and allows none of them unless told: without `--enable-sign-ext` it
/// rejects the module at `i32.extend8_s`, without `--enable-bulk-memory` at
/// `memory.fill`. We name the features instead of passing `-all` (every feature
/// Binaryen knows), so that `wasm-opt` may not bring in a feature the module did
/// not use before.
pub const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The flags of the rung past stable settings: every crate, std included, is
/// compiled so that a panic aborts at once, without a message. Rust's
/// `immediate-abort` panic strategy is unstable, and std only gets it when it
/// is compiled from source (`-Zbuild-std`).
pub const IMMEDIATE_ABORT_FLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort";

/// What to install when `wasm-opt` is missing.
pub const WASM_OPT_INSTALL: &str = "apt-get install binaryen";

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

/// One function of a module, by body size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Demangled, without Rust's hashes; `function #N` when the module has no name for it.
    pub name: String,
    /// The size of its body in the code section.
    pub bytes: u64,
}

/// What the functions of a module take.
#[derive(Debug, Clone)]
pub struct Functions {
    /// The module's size in bytes.
    pub module_bytes: u64,
    /// The code section's size.
    pub code_bytes: u64,
    /// How many functions the module defines (imports not counted).
    pub count: usize,
    /// The largest, largest first.
    pub largest: Vec<Function>,
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
    let target_dir = guests::target_dir(root);
    let out_dir = ladder_dir(root);
    // Start empty, so that no module of an earlier run is taken for this one's.
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir)
            .with_context(|| format!("cannot empty {}", out_dir.display()))?;
    }
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let manifest = root.join("Cargo.toml");
    let wasm_opt = find_wasm_opt();

    let build = |package: &str, profile: &str| -> Result<PathBuf> {
        eprintln!("size: building {package} with the {profile} profile");
        let built = GuestBuild::new(&manifest, vec![package.to_string()], &target_dir)
            .profile(profile)
            .run(toolchain, Messages::Capture)
            .with_context(|| format!("building {package} with the {profile} profile"))?;
        Ok(built[0].clone())
    };
    // A built module, copied into the ladder's folder under the rung's name.
    let kept = |built: &Path, name: &str, setting: &str, guest: &str, profile: &str| {
        let to = out_dir.join(format!("{name}.wasm"));
        std::fs::copy(built, &to)
            .with_context(|| format!("cannot copy {} to {}", built.display(), to.display()))?;
        measured(name, setting, guest, profile, false, to)
    };
    // The rung after `from`: `from` run through `wasm-opt`, when there is one.
    let then_wasm_opt = |from: &Rung, name: &str, setting: &str| -> Result<Option<Rung>> {
        let WasmOpt::Found { exe, .. } = &wasm_opt else {
            return Ok(None);
        };
        let to = out_dir.join(format!("{name}.wasm"));
        run_wasm_opt(exe, &from.wasm, &to)?;
        measured(name, setting, &from.guest, &from.profile, true, to).map(Some)
    };

    let mut rungs = Vec::new();
    for step in CARGO_STEPS {
        let built = build(GUEST, step.profile)?;
        rungs.push(kept(&built, step.rung, step.setting, GUEST, step.profile)?);
    }
    let last_cargo = rungs
        .last()
        .context("the ladder has no cargo rungs")?
        .clone();
    rungs.extend(then_wasm_opt(
        &last_cargo,
        "wasm-opt",
        "`wasm-opt -Oz` (Binaryen), after the last profile",
    )?);

    // Past stable settings: std itself compiled without its panic machinery.
    // In a target dir of its own, so that the guests' usual std stays built.
    let std_from_source = match toolchain.ensure_std_source() {
        Err(err) => StdFromSource::Missing {
            why: format!("{err:#}"),
        },
        Ok(()) => {
            eprintln!(
                "size: building {GUEST} with the {LAST_PROFILE} profile and std compiled from source with {IMMEDIATE_ABORT_FLAGS}"
            );
            let built = GuestBuild::new(
                &manifest,
                vec![GUEST.to_string()],
                std_from_source_dir(root),
            )
            .profile(LAST_PROFILE)
            .std_from_source(IMMEDIATE_ABORT_FLAGS)
            .run(toolchain, Messages::Capture)
            .with_context(|| {
                format!("building {GUEST} with std compiled from source ({IMMEDIATE_ABORT_FLAGS})")
            })?;
            let abort = kept(
                &built[0],
                "immediate-abort",
                "the last profile, with std compiled from source and `-Cpanic=immediate-abort` (unstable)",
                GUEST,
                LAST_PROFILE,
            )?;
            let abort_opt = then_wasm_opt(
                &abort,
                "immediate-abort-wasm-opt",
                "`immediate-abort`, then `wasm-opt -Oz`",
            )?;
            rungs.push(abort);
            rungs.extend(abort_opt);
            StdFromSource::Built
        }
    };

    let no_fmt_built = build(NO_FMT_GUEST, LAST_PROFILE)?;
    let no_fmt = kept(
        &no_fmt_built,
        "no-fmt",
        &format!("no `core::fmt`: `{NO_FMT_GUEST}`, {LAST_PROFILE} profile"),
        NO_FMT_GUEST,
        LAST_PROFILE,
    )?;
    let no_fmt_opt = then_wasm_opt(
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
        wasm_opt,
        std_from_source,
        rungs,
        largest,
    })
}

/// A rung whose module is `wasm`, with its size read from the file.
fn measured(
    name: &str,
    setting: &str,
    guest: &str,
    profile: &str,
    wasm_opt: bool,
    wasm: PathBuf,
) -> Result<Rung> {
    let bytes = std::fs::metadata(&wasm)
        .with_context(|| format!("cannot read {}", wasm.display()))?
        .len();
    Ok(Rung {
        name: name.into(),
        setting: setting.into(),
        guest: guest.into(),
        profile: profile.into(),
        wasm_opt,
        wasm,
        bytes,
        host_line: String::new(),
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

/// Binaryen's `wasm-opt`: `WORKBOOK_WASM_OPT` when set, else the one on `PATH`.
pub fn find_wasm_opt() -> WasmOpt {
    let exe = match std::env::var_os("WORKBOOK_WASM_OPT").filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => match process::which("wasm-opt") {
            Some(exe) => exe,
            None => {
                return WasmOpt::Missing {
                    why: format!(
                        "wasm-opt is not on PATH; `{WASM_OPT_INSTALL}` (Debian) installs it"
                    ),
                };
            }
        },
    };
    let version = process::output_of(Command::new(&exe).arg("--version"));
    match version {
        Some(version) => WasmOpt::Found { exe, version },
        None => WasmOpt::Missing {
            why: format!(
                "{} does not run; `{WASM_OPT_INSTALL}` (Debian) installs wasm-opt",
                exe.display()
            ),
        },
    }
}

fn run_wasm_opt(exe: &Path, input: &Path, output: &Path) -> Result<()> {
    eprintln!(
        "size: wasm-opt {} {}",
        WASM_OPT_ARGS.join(" "),
        input.display()
    );
    let mut cmd = Command::new(exe);
    cmd.args(WASM_OPT_ARGS).arg(input).arg("-o").arg(output);
    let out = process::run_captured(cmd, Duration::from_secs(300))?;
    if !out.success() {
        bail!(
            "wasm-opt {} on {}:\n{}",
            out.ending(),
            input.display(),
            out.stderr_text().trim_end()
        );
    }
    Ok(())
}

/// The largest functions of a module by the size of their bodies, named from
/// its `name` section (demangled) when it has one.
pub fn largest_functions(wasm: &[u8], count: usize) -> Result<Functions> {
    use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

    let mut imported = 0u32;
    let mut bodies: Vec<u64> = Vec::new();
    let mut code_bytes = 0;
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionStart { size, .. } => code_bytes = u64::from(size),
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                bodies.push(range.end - range.start);
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader {
                        // A malformed name section only costs us the names.
                        let Ok(Name::Function(map)) = name else {
                            continue;
                        };
                        for naming in map.into_iter().flatten() {
                            names.insert(naming.index, demangle(naming.name));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut functions: Vec<Function> = bodies
        .iter()
        .enumerate()
        .map(|(i, &bytes)| {
            let index = imported + i as u32;
            let name = names
                .get(&index)
                .cloned()
                .unwrap_or_else(|| format!("function #{index}"));
            Function { name, bytes }
        })
        .collect();
    let count_all = functions.len();
    functions.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    functions.truncate(count);
    Ok(Functions {
        module_bytes: wasm.len() as u64,
        code_bytes,
        count: count_all,
        largest: functions,
    })
}

/// A Rust symbol demangled, without its hash and crate disambiguators; any
/// other name (C's `dlmalloc`, say) as it is.
pub fn demangle(name: &str) -> String {
    match rustc_demangle::try_demangle(name) {
        Ok(demangled) => format!("{demangled:#}"),
        Err(_) => name.to_string(),
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share in percent, with as many decimals as a small one needs.
pub fn percent(p: f64) -> String {
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

/// The ladder as a plain-text table, for the terminal.
pub fn text_table(ladder: &Ladder) -> String {
    let rows: Vec<[String; 4]> = ladder
        .rungs
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.setting.clone(),
                thousands(r.bytes),
                percent(ladder.percent_of_debug(r)),
            ]
        })
        .collect();
    let header = ["rung", "setting added", "bytes", "of debug"];
    let width = |col: usize| {
        rows.iter()
            .map(|r| r[col].chars().count())
            .chain([header[col].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2, w3) = (width(0), width(1), width(2), width(3));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}",
        header[0], header[1], header[2], header[3]
    );
    for [a, b, c, d] in &rows {
        let _ = writeln!(out, "{a:<w0$}  {b:<w1$}  {c:>w2$}  {d:>w3$}");
    }
    match &ladder.wasm_opt {
        WasmOpt::Found { version, .. } => {
            let _ = writeln!(out, "\nwasm-opt: {version}");
        }
        WasmOpt::Missing { why } => {
            let _ = writeln!(out, "\nNOT MEASURED: the wasm-opt rungs. {why}.");
        }
    }
    if let StdFromSource::Missing { why } = &ladder.std_from_source {
        let _ = writeln!(out, "NOT MEASURED: the immediate-abort rungs. {why}.");
    }
    let _ = writeln!(out, "guests built with {}", ladder.toolchain);
    out
}

/// The ladder as a markdown table, for the book.
pub fn markdown_table(ladder: &Ladder) -> String {
    let mut out = String::from(
        "| rung | setting added | bytes | share of the debug build |\n| --- | --- | ---: | ---: |\n",
    );
    for rung in &ladder.rungs {
        let setting = md_cell(&rung.setting);
        let _ = writeln!(
            out,
            "| `{}` | {setting} | {} | {} |",
            rung.name,
            thousands(rung.bytes),
            percent(ladder.percent_of_debug(rung))
        );
    }
    if let WasmOpt::Missing { why } = &ladder.wasm_opt {
        let _ = writeln!(
            out,
            "\n**Not measured here: the `wasm-opt` rungs.** {}.",
            md_cell(why)
        );
    }
    if let StdFromSource::Missing { why } = &ladder.std_from_source {
        let _ = writeln!(
            out,
            "\n**Not measured here: the `immediate-abort` rungs.** {}.",
            md_cell(why)
        );
    }
    out
}

/// The largest functions as a markdown table, after a line that sets the scene.
pub fn markdown_largest(ladder: &Ladder) -> String {
    let f = &ladder.largest;
    let mut out = format!(
        "The `{LARGEST_OF}` build of `{GUEST}` is {} bytes. Its code section holds {} bytes in {} functions; \
         the {} largest are:\n\n| # | function | bytes | share of the module |\n| ---: | --- | ---: | ---: |\n",
        thousands(f.module_bytes),
        thousands(f.code_bytes),
        f.count,
        f.largest.len()
    );
    for (i, function) in f.largest.iter().enumerate() {
        let share = 100.0 * function.bytes as f64 / f.module_bytes.max(1) as f64;
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            i + 1,
            function.name.replace('|', "\\|").replace('`', "'"),
            thousands(function.bytes),
            percent(share)
        );
    }
    out
}

/// The `wasm-opt` command of the ladder, as a markdown code block.
pub fn markdown_wasm_opt(ladder: &Ladder) -> String {
    let command = format!(
        "wasm-opt {} size-strip.wasm -o wasm-opt.wasm",
        WASM_OPT_ARGS.join(" ")
    );
    match &ladder.wasm_opt {
        WasmOpt::Found { version, .. } => {
            format!("```sh\n{command}\n```\n\nMeasured with {version}.\n")
        }
        WasmOpt::Missing { why } => format!("```sh\n{command}\n```\n\nNot measured here: {why}.\n"),
    }
}

/// `|` would end a table cell; backticks stay (they make code in a cell).
fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The ladder as a horizontal bar chart: one bar a rung, its bytes on it, on a
/// logarithmic scale (the debug build is thousands of times the smallest).
pub fn svg_chart(ladder: &Ladder) -> String {
    let rows = &ladder.rungs;
    let (label_w, bar_w, right_pad) = (190.0, 520.0, 20.0);
    let (top, row_h, bar_h, bottom) = (58.0, 30.0, 20.0, 52.0);
    let width = label_w + bar_w + right_pad;
    let height = top + row_h * rows.len() as f64 + bottom;
    let min = rows.iter().map(|r| r.bytes).min().unwrap_or(1).max(1) as f64;
    let max = rows.iter().map(|r| r.bytes).max().unwrap_or(1).max(1) as f64;
    // Whole decades around the data: 100 B, 1 kB, 10 kB, ...
    let lo = min.log10().floor();
    let hi = max.log10().ceil().max(lo + 1.0);
    let x = |bytes: f64| label_w + bar_w * (bytes.max(1.0).log10() - lo) / (hi - lo);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(
        s,
        "<title>Size of the guest at each rung of the ladder, in bytes (logarithmic scale)</title>"
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="{}" y="22" font-size="15" font-weight="bold" fill="#222">Size of the .wasm at each rung</text>"##,
        label_w
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="40" fill="#555">bytes, logarithmic scale: each grid line is ten times the one to its left</text>"##,
        label_w
    );
    // Grid lines, one a decade, with their labels under the bars.
    let grid_bottom = top + row_h * rows.len() as f64;
    let mut decade = lo;
    while decade <= hi + 1e-9 {
        let gx = x(10f64.powf(decade));
        let _ = writeln!(
            s,
            r##"<line x1="{gx:.1}" y1="{}" x2="{gx:.1}" y2="{grid_bottom}" stroke="#dddddd"/>"##,
            top - 6.0
        );
        let _ = writeln!(
            s,
            r##"<text x="{gx:.1}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
            grid_bottom + 18.0,
            decade_label(decade as i32)
        );
        decade += 1.0;
    }
    for (i, rung) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let end = x(rung.bytes as f64);
        let fill = if rung.guest == NO_FMT_GUEST {
            "#e07b39"
        } else {
            "#3b73b9"
        };
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#222">{}</text>"##,
            label_w - 8.0,
            y + bar_h * 0.75,
            xml(&rung.name)
        );
        let _ = writeln!(
            s,
            r##"<rect x="{label_w}" y="{y:.1}" width="{:.1}" height="{bar_h}" fill="{fill}"><title>{}: {} bytes</title></rect>"##,
            (end - label_w).max(1.0),
            xml(&rung.name),
            thousands(rung.bytes)
        );
        // The number inside the bar's end when it fits there, else after it.
        let text = thousands(rung.bytes);
        let text_w = 7.5 * text.len() as f64;
        let (tx, anchor, color) = if end - label_w > text_w + 12.0 {
            (end - 6.0, "end", "#ffffff")
        } else {
            (end + 6.0, "start", "#222")
        };
        let _ = writeln!(
            s,
            r##"<text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" fill="{color}">{text}</text>"##,
            y + bar_h * 0.75
        );
    }
    let legend_y = grid_bottom + 40.0;
    let _ = writeln!(
        s,
        r##"<rect x="{label_w}" y="{}" width="12" height="12" fill="#3b73b9"/><text x="{}" y="{legend_y}" fill="#222">{GUEST} (println!)</text>"##,
        legend_y - 10.0,
        label_w + 18.0
    );
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="{}" width="12" height="12" fill="#e07b39"/><text x="{}" y="{legend_y}" fill="#222">{NO_FMT_GUEST} (no core::fmt)</text>"##,
        label_w + 240.0,
        legend_y - 10.0,
        label_w + 258.0
    );
    s.push_str("</svg>\n");
    s
}

fn decade_label(decade: i32) -> &'static str {
    match decade {
        0 => "1 B",
        1 => "10 B",
        2 => "100 B",
        3 => "1 kB",
        4 => "10 kB",
        5 => "100 kB",
        6 => "1 MB",
        7 => "10 MB",
        8 => "100 MB",
        _ => "",
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
        ("size-chart.svg", svg_chart(ladder)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_089_174), "2,089,174");
    }

    #[test]
    fn small_shares_keep_two_decimals() {
        assert_eq!(percent(100.0), "100 %");
        assert_eq!(percent(3.04), "3.0 %");
        assert_eq!(percent(0.0218), "0.02 %");
    }

    #[test]
    fn rust_names_are_demangled_without_hashes() {
        assert_eq!(
            demangle("_ZN4core3fmt5write17h0123456789abcdefE"),
            "core::fmt::write"
        );
        assert_eq!(demangle("dlmalloc"), "dlmalloc");
    }
}
