//! `xtask-book`: run by `cargo xtask book`, `cargo xtask size` and `cargo
//! xtask bench`, which say what it does (`cargo xtask --help`).

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build the book into target/book
    Book {
        #[arg(long)]
        serve: bool,
        #[arg(long)]
        open: bool,
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Chapter 3's size ladder
    Size,
    /// Chapter 7's benchmark
    Vms {
        #[arg(long)]
        json: Option<std::path::PathBuf>,
        #[arg(long)]
        quick: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(command: Cmd) -> Result<()> {
    let root = xtask::root();
    // The xtask that started us already found (or installed) the toolchain.
    let toolchain = xtask::toolchain::find()?;
    match command {
        Cmd::Book {
            serve: true,
            open,
            port,
        } => xtask_book::book::serve(&root, &toolchain, port, open),
        Cmd::Book {
            serve: false, open, ..
        } => {
            let out = xtask_book::book::generate_and_build(&root, &toolchain)?;
            let index = out.join("index.html");
            println!("the book is in {}", xtask::report::rel(&root, &index));
            if open {
                xtask_book::book::open_in_browser(&format!("file://{}", index.display()));
            }
            Ok(())
        }
        Cmd::Size => xtask_book::size::run(&root, &toolchain),
        Cmd::Vms { json, quick } => {
            use xtask_book::vms::{Mode, command};
            let mode = if quick { Mode::Quick } else { Mode::Full };
            command(&root, &toolchain, mode, json.as_deref())
        }
    }
}
