//! `cargo xtask`: the workbook's command line. Run `cargo xtask --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use xtask::exercises::{self, Tree};
use xtask::grade::Status;
use xtask::{cargo, chapters, check, guests, report, root, run, student, toolchain};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Build, run and check the chapters of the workbook; grade its exercises",
    after_help = "Start with: cargo xtask run chapter-1"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build a chapter's guest(s) and host(s), then run the host(s)
    Run {
        /// `chapter-1`, `1` or the chapter's folder name
        chapter: String,
    },
    /// Check a chapter's example against its snapshot, then grade its exercises
    Check {
        /// `chapter-1`, `1` or the chapter's folder name; every chapter when left out
        chapters: Vec<String>,
        /// Grade the reference answers in solutions/ instead of exercises/
        #[arg(long)]
        solutions: bool,
    },
    /// Grade every exercise; print a table and optionally write a JSON report
    Grade {
        /// Write the report as JSON to this file (its shape: xtask/grade-report.schema.json)
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Grade solutions/ instead of exercises/
        #[arg(long)]
        solutions: bool,
    },
    /// Show the next hint for an exercise (the current one when left out)
    Hint {
        exercise: Option<String>,
        /// Show every hint at once
        #[arg(long)]
        all: bool,
    },
    /// List every exercise with its status and points
    List,
    /// Grade the current exercise again on every save
    Watch {
        /// Start with this exercise instead of the first one not done
        exercise: Option<String>,
    },
    /// Put an exercise's starter files back (asks first)
    Reset {
        exercise: String,
        /// Do not ask
        #[arg(long)]
        yes: bool,
    },
    /// For maintainers: record the current starters as handed out (exercises/starters.lock)
    Starters,
    /// Build guests to wasm32-wasip1 (into target/wasm)
    Build {
        /// `chapter-1`, `1`, the chapter's folder name, or `all`
        #[arg(default_value = "all")]
        chapter: String,
    },
    /// Build the book into target/book (mdbook as a library)
    Book {
        /// Serve it on localhost and rebuild it when a page or a chapter changes
        #[arg(long)]
        serve: bool,
        /// Open it in a browser
        #[arg(long)]
        open: bool,
        /// The port for --serve
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Chapter 3's size ladder: build chapter 1's guest under each setting, run and measure it
    Size,
    /// Everything CI checks: tests, chapter examples, solutions pass, starters fail
    Test,
    /// Which guest-toolchain route is in use, what is missing, and the fix
    Doctor,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Cmd) -> Result<ExitCode> {
    let root = root();
    match command {
        Cmd::Run { chapter } => run_chapter(&root, &chapter),
        Cmd::Check {
            chapters: wanted,
            solutions,
        } => {
            let list = chapter_list(&root, &wanted)?;
            let toolchain = guest_toolchain()?;
            let tree = if solutions {
                Tree::Solutions
            } else {
                Tree::Exercises
            };
            let mut ok = true;
            for chapter in &list {
                ok &= check::chapter_and_exercises(&root, &toolchain, chapter, &tree)?.passed();
            }
            Ok(exit(ok))
        }
        Cmd::Grade { json, solutions } => grade(&root, json.as_deref(), solutions),
        Cmd::Hint { exercise, all } => {
            student::hint(&root, exercise.as_deref(), all).map(|()| ExitCode::SUCCESS)
        }
        Cmd::List => student::list(&root).map(|()| ExitCode::SUCCESS),
        Cmd::Watch { exercise } => {
            let toolchain = guest_toolchain()?;
            student::watch(&root, &toolchain, exercise.as_deref()).map(|()| ExitCode::SUCCESS)
        }
        Cmd::Reset { exercise, yes } => {
            student::reset(&root, &exercise, yes).map(|()| ExitCode::SUCCESS)
        }
        Cmd::Build { chapter } => {
            let list = if chapter == "all" {
                chapters::all(&root)?
            } else {
                vec![chapters::find(&root, &chapter)?]
            };
            let toolchain = guest_toolchain()?;
            for (_, path) in run::build_all_guests(&root, &toolchain, &list)? {
                println!("{}", report::rel(&root, &path));
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Book { serve, open, port } => {
            let mut args = vec!["book".to_string(), format!("--port={port}")];
            args.extend(serve.then(|| "--serve".to_string()));
            args.extend(open.then(|| "--open".to_string()));
            book_builder(&root, &args)
        }
        Cmd::Size => book_builder(&root, &["size".to_string()]),
        Cmd::Starters => {
            let count = xtask::pristine::update(&root, &exercises::load(&root)?)?;
            println!(
                "recorded {count} starter files in {}",
                xtask::pristine::LOCK
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Test => test(&root),
        Cmd::Doctor => doctor(&root),
    }
}

fn chapter_list(root: &Path, wanted: &[String]) -> Result<Vec<chapters::Chapter>> {
    if wanted.is_empty() {
        chapters::all(root)
    } else {
        wanted.iter().map(|c| chapters::find(root, c)).collect()
    }
}

/// `cargo xtask book` and `size` run the `xtask-book` program (xtask/book),
/// which holds mdbook: the first of them builds it, and no other command
/// has to.
fn book_builder(root: &Path, args: &[String]) -> Result<ExitCode> {
    guest_toolchain()?;
    let exes = cargo::build_hosts(
        &root.join("Cargo.toml"),
        &["xtask-book".to_string()],
        cargo::Messages::Show,
    )?;
    let status = std::process::Command::new(&exes["xtask-book"])
        .args(args)
        .status()
        .context("cannot run xtask-book")?;
    Ok(exit(status.success()))
}

/// The guest toolchain, installed if needed; says on stderr which route it is.
fn guest_toolchain() -> Result<toolchain::Toolchain> {
    let toolchain = toolchain::find_or_install(&guests::rustup_memo(&root()))?;
    eprintln!("guests: {toolchain}");
    Ok(toolchain)
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_chapter(root: &Path, chapter: &str) -> Result<ExitCode> {
    let chapter = chapters::find(root, chapter)?;
    let toolchain = guest_toolchain()?;
    let hosts = run::build_chapter(root, &toolchain, &chapter, cargo::Messages::Show)?;
    for ready in hosts {
        let shown: Vec<String> = ready
            .args
            .iter()
            .map(|a| {
                let p = Path::new(a);
                report::rel(root, p)
            })
            .collect();
        eprintln!("running {} {}", ready.host.package, shown.join(" "));
        let status = xtask::process::run_inheriting(ready.command(root), run::HOST_TIMEOUT)?;
        if !status.success() {
            bail!("{} {status}", ready.host.package);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn grade(root: &Path, json: Option<&Path>, solutions: bool) -> Result<ExitCode> {
    // Before minutes of grading: can the report be written where asked?
    if let Some(path) = json {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "cannot write the report {}: the folder {} does not exist",
                path.display(),
                dir.display()
            );
        }
    }
    let toolchain = guest_toolchain()?;
    let manifest = exercises::load(root)?;
    let tree = if solutions {
        Tree::Solutions
    } else {
        Tree::Exercises
    };
    let list: Vec<&exercises::Exercise> = manifest.exercises.iter().collect();
    let graded = check::exercises_of(root, &toolchain, &list, &tree, check::Reuse::Never);
    let report = xtask::grade::Report::new(graded);
    report.print_table();
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(exit(report.total.passed == report.total.exercises))
}

/// Everything CI checks.
fn test(root: &Path) -> Result<ExitCode> {
    let toolchain = guest_toolchain()?;
    let all = chapters::all(root)?;
    run::build_all_guests(root, &toolchain, &all)?;
    let mut failures: Vec<String> = Vec::new();

    report::heading("cargo test: the workspace's tests");
    let mut cargo_test = cargo::native_cargo();
    cargo_test
        .arg("test")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--workspace");
    if !cargo_test
        .status()
        .context("cannot run cargo test")?
        .success()
    {
        failures.push("cargo test".into());
    }

    for chapter in &all {
        if check::example(root, &toolchain, chapter)? > 0 {
            failures.push(format!("{chapter}'s example"));
        }
    }

    let manifest = exercises::load(root)?;
    let list: Vec<&exercises::Exercise> = manifest.exercises.iter().collect();
    report::heading("every solution must pass");
    for graded in check::exercises_of(
        root,
        &toolchain,
        &list,
        &Tree::Solutions,
        check::Reuse::Never,
    ) {
        if graded.status != Status::Pass {
            failures.push(format!("the solution of `{}`", graded.id));
        }
    }
    report::heading("every starter must build, and fail its grading while untouched");
    // CI runs on a fresh clone, where every starter is as handed out: a starter
    // that differs from exercises/starters.lock there was changed without
    // `cargo xtask starters`, and whether it fails would go unchecked.
    let strict = std::env::var_os("CI").is_some();
    let starters = check::exercises_of(
        root,
        &toolchain,
        &list,
        &Tree::Exercises,
        check::Reuse::Never,
    );
    let lock = xtask::pristine::load(root)?;
    for (exercise, graded) in list.iter().zip(starters) {
        let dir = exercise.dir(root, &Tree::Exercises);
        let files: Vec<PathBuf> = exercise.edit.iter().map(|f| dir.join(f)).collect();
        let untouched = xtask::pristine::untouched(root, &lock, &files)?;
        let id = &exercise.id;
        if graded.status == Status::Error {
            report::fail(id, &graded.message);
            failures.push(format!("the starter of `{id}` could not be graded"));
        } else if !graded.builds {
            report::fail(id, "the starter does not build");
            failures.push(format!("the starter of `{id}` does not build"));
        } else if untouched && graded.status == Status::Pass {
            report::fail(
                id,
                "the untouched starter passes its grading: the checks test nothing",
            );
            failures.push(format!("the untouched starter of `{id}` passes"));
        } else if untouched {
            report::pass(id, "the untouched starter builds and fails its grading");
        } else if strict {
            let why = "differs from exercises/starters.lock: run `cargo xtask starters` after changing a starter";
            report::fail(id, why);
            failures.push(format!("the starter of `{id}` {why}"));
        } else {
            report::skip(id, "edited since it was handed out, so it may pass");
        }
    }

    if failures.is_empty() {
        report::heading("cargo xtask test: everything passed");
        Ok(ExitCode::SUCCESS)
    } else {
        report::heading(&format!("cargo xtask test: {} failure(s)", failures.len()));
        for failure in &failures {
            report::note(&format!("✗ {failure}"));
        }
        Ok(ExitCode::FAILURE)
    }
}

fn doctor(root: &Path) -> Result<ExitCode> {
    let survey = toolchain::survey();
    report::heading("Guest toolchain (wasm32-wasip1)");
    report::note(&format!(
        "route 1, rustup:    {}",
        toolchain::describe_rustup(&survey.rustup)
    ));
    report::note(&format!(
        "route 3, build-std: {}",
        toolchain::describe_build_std(&survey.build_std)
    ));
    if let Some(route) = survey
        .forced
        .as_deref()
        .filter(|r| matches!(*r, "rustup" | "build-std"))
    {
        report::note(&format!(
            "WORKBOOK_GUEST_ROUTE={route} restricts the choice to that route"
        ));
    }
    let memo = guests::rustup_memo(root);
    if let Ok(text) = std::fs::read_to_string(&memo) {
        report::note(&format!(
            "route 2 is skipped for a day after it failed: {} (delete {} to try again)",
            text.trim(),
            report::rel(root, &memo)
        ));
    }
    match toolchain::find() {
        Ok(toolchain) => {
            report::pass("in use", &toolchain.to_string());
            report::note(&if toolchain.has_std_source() {
                "std's source, for chapter 3's immediate-abort rungs: present".to_string()
            } else {
                "std's source, for chapter 3's immediate-abort rungs: missing; `cargo xtask size` runs `rustup component add rust-src`".to_string()
            });
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            report::fail("in use", &format!("{err}"));
            Ok(ExitCode::FAILURE)
        }
    }
}
