//! `cargo xtask`: the workbook's command line. It parses and dispatches; the
//! work is done in the `xtask` library's modules. Run `cargo xtask --help`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use xtask::cli::{Bench, Cli, Cmd};
use xtask::exercises::Tree;
use xtask::{
    bench, chapters, check, ci, doctor, grade, report, root, run, starters, student, tools, wat,
};

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
        Cmd::Grade {
            json,
            classroom,
            student,
            solutions,
        } => {
            let outputs = grade::report::Outputs {
                json: json.as_deref(),
                classroom: classroom.as_deref(),
                student: student.as_deref(),
            };
            grade::report::command(root, &guest_toolchain(root)?, &outputs, &tree(solutions))
        }
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
            tools::run(root, tools::BOOK, &args)
        }
        Cmd::Size => {
            guest_toolchain(root)?;
            tools::run(root, tools::BOOK, &["size".to_string()])
        }
        Cmd::Gradebook { args } => tools::run(root, tools::GRADEBOOK, &args),
        Cmd::Test => ci::run_all(root, &guest_toolchain(root)?),
        Cmd::Fuzz {
            count,
            seed,
            optimized,
        } => {
            guest_toolchain(root)?;
            let mut args = vec![format!("--count={count}")];
            args.extend(seed.map(|s| format!("--seed={s}")));
            args.extend(optimized.then(|| "--optimized".to_string()));
            tools::run(root, tools::FUZZ, &args)
        }
        Cmd::Doctor => Ok(doctor::run(root)),
        Cmd::Bench {
            what: Some(Bench::Build),
            ..
        } => bench::build::command(root),
        Cmd::Bench {
            what: Some(Bench::Sandbox { quick }),
            ..
        } => bench::sandbox::command(root, &guest_toolchain(root)?, quick),
        Cmd::Bench {
            what: Some(Bench::Aot { quick }),
            ..
        } => bench::aot::command(root, &guest_toolchain(root)?, quick),
        Cmd::Bench {
            what: Some(Bench::Edge { quick }),
            ..
        } => bench::edge::command(root, &guest_toolchain(root)?, quick),
        Cmd::Bench {
            what: Some(Bench::Game { quick }),
            ..
        } => bench::game::command(root, &guest_toolchain(root)?, quick),
        Cmd::Bench {
            what: Some(Bench::Components { quick }),
            ..
        } => bench::components::command(root, &guest_toolchain(root)?, quick),
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
            tools::run(root, tools::BOOK, &args)
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
