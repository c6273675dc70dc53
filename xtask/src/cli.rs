//! The command line's shape: every `cargo xtask` command and its options
//! (clap). `main.rs` parses it and dispatches each command to its module.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Build, run and check the chapters of the workbook; grade its exercises",
    after_help = "Start with: cargo xtask run chapter-1"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Subcommand)]
pub enum Cmd {
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
        /// Write GitHub Classroom's autograding result to this file (teachers/grade-on-push.yml)
        #[arg(long, value_name = "FILE")]
        classroom: Option<PathBuf>,
        /// The student's name, written into the JSON report (for `cargo xtask gradebook`)
        #[arg(long, value_name = "NAME")]
        student: Option<String>,
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
    /// Feed random (wasm-smith) and mutated modules to chapter 6's sandbox, the
    /// grader's guest-call and the hosts of chapters 1-5: none may panic or hang
    Fuzz {
        /// How many modules to generate
        #[arg(long, default_value_t = 10_000)]
        count: u64,
        /// Make the same modules as an earlier run (it prints its seed)
        #[arg(long)]
        seed: Option<u64>,
        /// Build the programs it feeds with optimised dependencies (the `fuzz`
        /// profile): a second Wasmtime build, ten times faster at compiling modules
        #[arg(long)]
        optimized: bool,
    },
    /// Which guest-toolchain route is in use, what is missing, and the fix
    Doctor,
    /// For teachers: a class's grade reports as one table (and --csv, --html)
    #[command(disable_help_flag = true)]
    Gradebook {
        /// `REPORT.json... [--csv FILE] [--html FILE]` (`cargo xtask gradebook --help`)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Chapter 7's benchmark: the same guest in every VM, and natively; a
    /// table, charts for the book, and a JSON report. `bench build` and
    /// `bench sandbox`, `bench edge` and `bench game` measure other things. Figures for notes and pages;
    /// nothing here is a test.
    Bench {
        #[command(subcommand)]
        what: Option<Bench>,
        /// Also write every measurement as JSON rows to this file
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Check that the command works: one sample instead of 25, on dev
        /// builds (the book shows the last full run's figures)
        #[arg(long)]
        quick: bool,
    },
}

#[derive(Subcommand)]
pub enum Bench {
    /// Chapter 8: compile against load, Cranelift against Pulley, and the
    /// full and the runtime-only host's binary size and peak memory (release
    /// builds; the book shows the last full run's table)
    Aot {
        /// Check that the command works, on the dev builds (figures worth nothing)
        #[arg(long)]
        quick: bool,
    },
    /// The first `cargo xtask run chapter-1` of a fresh clone, cold, against a
    /// reader's own first Wasmtime host (`cargo new`, `cargo add`, `cargo build`)
    Build,
    /// Chapter 6: the cost of fuel and epochs on a guest that computes, as
    /// ratios, and how late a spinning guest is stopped after its deadline
    Sandbox {
        /// The book's short measurement (a few seconds) instead of the full one
        #[arg(long)]
        quick: bool,
    },
    /// Chapter 9: the server under load over loopback (release build): fresh
    /// instances against a reused one, each allocator setting, and `/hello`
    /// beside hostile requests
    Edge {
        /// Check that the command works: 1 s per setup instead of 5, on the
        /// dev build (the book shows the last full run's figures)
        #[arg(long)]
        quick: bool,
    },
    /// Chapter 10: what one frame of scripts costs for 10, 100 and 1000
    /// enemies, and a reload's latency from saving the file to the new
    /// script's first turn
    Game {
        /// The book's short measurement (a few seconds) instead of the full one
        #[arg(long)]
        quick: bool,
    },
    /// Chapter 11: the component against chapter 5's core module: guest size,
    /// the cost of passing bytes both ways (release build), the host's rebuild
    Components {
        /// Check that the command works: 2,000 calls instead of 20,000, on
        /// the dev host (the book shows the last full run's figures)
        #[arg(long)]
        quick: bool,
    },
}
