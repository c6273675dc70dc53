//! `cargo xtask`: the workbook's command line. It parses and dispatches; the
//! work is done in the `xtask` library's modules. Run `cargo xtask --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use xtask::exercises::Tree;
use xtask::{
    bench, book, chapters, check, ci, doctor, grade, report, root, run, starters, student, wat,
};

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
    /// Print a chapter's guests as WAT: their imports and exports (`--all`: the whole module)
    Wat {
        /// `chapter-1`, `1` or the chapter's folder name
        chapter: String,
        /// The whole module, not only its imports and exports
        #[arg(long)]
        all: bool,
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
    /// Chapter 7's benchmark: the same guest in every VM, and natively; a
    /// table, charts for the book, and a JSON report. `bench build` measures
    /// the build instead. Figures for notes and pages; nothing here is a test.
    Bench {
        #[command(subcommand)]
        what: Option<Bench>,
        /// Also write every measurement as JSON rows to this file
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Fewer samples (3 instead of 25): quicker, noisier
        #[arg(long)]
        quick: bool,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// Chapter 8: compile against load, Cranelift against Pulley, and the
    /// full and the runtime-only host's binary size and peak memory
    Aot,
    /// The first `cargo xtask run chapter-1` of a fresh clone, cold, against a
    /// reader's own first Wasmtime host (`cargo new`, `cargo add`, `cargo build`)
    Build,
}

fn main() -> ExitCode {
    match dispatch(Cli::parse().command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Run one command; `Ok(false)` when it ran and found a failure.
fn dispatch(command: Cmd) -> Result<bool> {
    let root = root();
    let root = root.as_path();
    match command {
        Cmd::Run { chapter } => {
            let chapter = chapters::find(root, &chapter)?;
            run::command(root, &guest_toolchain(root)?, &chapter).map(|()| true)
        }
        Cmd::Check {
            chapters,
            solutions,
        } => {
            let list = chapters::named(root, &chapters)?;
            check::command(root, &guest_toolchain(root)?, &list, &tree(solutions))
        }
        Cmd::Grade { json, solutions } => grade::report::command(
            root,
            &guest_toolchain(root)?,
            json.as_deref(),
            &tree(solutions),
        ),
        Cmd::Hint { exercise, all } => student::hint(root, exercise.as_deref(), all).map(|()| true),
        Cmd::List => student::list(root).map(|()| true),
        Cmd::Watch { exercise } => {
            student::watch(root, &guest_toolchain(root)?, exercise.as_deref()).map(|()| true)
        }
        Cmd::Reset { exercise, yes } => student::reset(root, &exercise, yes).map(|()| true),
        Cmd::Starters => starters::command(root).map(|()| true),
        Cmd::Build { chapter } => {
            let wanted = if chapter == "all" {
                vec![]
            } else {
                vec![chapter]
            };
            let list = chapters::named(root, &wanted)?;
            for (_, path) in run::build_all_guests(root, &guest_toolchain(root)?, &list)? {
                println!("{}", report::rel(root, &path));
            }
            Ok(true)
        }
        Cmd::Wat { chapter, all } => {
            let chapter = chapters::find(root, &chapter)?;
            wat::command(root, &guest_toolchain(root)?, &chapter, all)
        }
        Cmd::Book { serve, open, port } => {
            guest_toolchain(root)?;
            let mut args = vec!["book".to_string(), format!("--port={port}")];
            args.extend(serve.then(|| "--serve".to_string()));
            args.extend(open.then(|| "--open".to_string()));
            book::run_builder(root, &args)
        }
        Cmd::Size => {
            guest_toolchain(root)?;
            book::run_builder(root, &["size".to_string()])
        }
        Cmd::Test => ci::run_all(root, &guest_toolchain(root)?),
        Cmd::Doctor => Ok(doctor::run(root)),
        Cmd::Bench {
            what: Some(Bench::Build),
            ..
        } => bench::build::command(root),
        Cmd::Bench {
            what: Some(Bench::Aot),
            ..
        } => bench::aot::command(root, &guest_toolchain(root)?),
        Cmd::Bench {
            what: None,
            json,
            quick,
        } => {
            guest_toolchain(root)?;
            let mut args = vec!["vms".to_string()];
            if let Some(json) = json {
                // The builder runs from the workbook's root: make the path absolute.
                let json = std::env::current_dir()?.join(json);
                args.push(format!("--json={}", json.display()));
            }
            args.extend(quick.then(|| "--quick".to_string()));
            book::run_builder(root, &args)
        }
    }
}

fn tree(solutions: bool) -> Tree {
    if solutions {
        Tree::Solutions
    } else {
        Tree::Exercises
    }
}

/// The guest toolchain, installed if needed; says on stderr which route it is.
fn guest_toolchain(root: &Path) -> Result<xtask::toolchain::Toolchain> {
    let toolchain = xtask::toolchain::find_or_install(&xtask::guests::rustup_memo(root))?;
    eprintln!("guests: {toolchain}");
    Ok(toolchain)
}
