//! `cargo xtask`: the workbook's command line. Run `cargo xtask --help`.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

use xtask::{chapters, check, report, root, run, toolchain};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Build, run and check the chapters of the workbook",
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
    /// Run a chapter's host(s) and compare the output with the committed snapshot
    Check {
        /// `chapter-1`, `1` or the chapter's folder name; every chapter when left out
        chapters: Vec<String>,
    },
    /// Build guests to wasm32-wasip1 (into target/wasm)
    Build {
        /// `chapter-1`, `1`, the chapter's folder name, or `all`
        #[arg(default_value = "all")]
        chapter: String,
    },
    /// Everything CI checks: the workspace's tests and every chapter's check
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
        Cmd::Run { chapter } => {
            let chapter = chapters::find(&root, &chapter)?;
            let toolchain = guest_toolchain()?;
            let hosts = run::build_chapter(&root, &toolchain, &chapter, xtask::cargo::Messages::Show)?;
            for ready in hosts {
                eprintln!("running {} {}", ready.host.package, shown_args(&ready));
                let status = xtask::process::run_inheriting(ready.command(&root), run::HOST_TIMEOUT)?;
                if !status.success() {
                    bail!("{} {status}", ready.host.package);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check { chapters: wanted } => {
            let list = if wanted.is_empty() {
                chapters::all(&root)?
            } else {
                wanted.iter().map(|c| chapters::find(&root, c)).collect::<Result<_>>()?
            };
            let toolchain = guest_toolchain()?;
            let mut failed = 0;
            for chapter in &list {
                failed += check::chapter(&root, &toolchain, chapter)?;
            }
            Ok(verdict(failed))
        }
        Cmd::Build { chapter } => {
            let list = if chapter == "all" {
                chapters::all(&root)?
            } else {
                vec![chapters::find(&root, &chapter)?]
            };
            let toolchain = guest_toolchain()?;
            run::build_all_guests(&root, &toolchain, &list)?;
            for chapter in &list {
                for guest in &chapter.guests {
                    let path = xtask::guests::wasm_path(&xtask::guests::target_dir(&root), guest, "dev");
                    println!("{}", path.strip_prefix(&root).unwrap_or(&path).display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Test => test(&root),
        Cmd::Doctor => doctor(),
    }
}

/// The guest toolchain, installed if needed; says on stderr which route it is.
fn guest_toolchain() -> Result<toolchain::Toolchain> {
    let toolchain = toolchain::find_or_install()?;
    eprintln!("guests: {toolchain}");
    Ok(toolchain)
}

fn shown_args(ready: &run::ReadyHost) -> String {
    let root = root();
    ready
        .args
        .iter()
        .map(|a| {
            let p = std::path::Path::new(a);
            p.strip_prefix(&root).unwrap_or(p).display().to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn verdict(failed: usize) -> ExitCode {
    if failed == 0 {
        report::heading("all checks passed");
        ExitCode::SUCCESS
    } else {
        report::heading(&format!("{failed} check(s) failed"));
        ExitCode::FAILURE
    }
}

fn test(root: &std::path::Path) -> Result<ExitCode> {
    let toolchain = guest_toolchain()?;
    let all = chapters::all(root)?;
    run::build_all_guests(root, &toolchain, &all)?;

    report::heading("cargo test (the workspace's tests)");
    let mut cargo_test = xtask::cargo::native_cargo();
    cargo_test.arg("test").arg("--manifest-path").arg(root.join("Cargo.toml")).arg("--workspace");
    let tests_ok = cargo_test.status()?.success();
    let mut failed = usize::from(!tests_ok);
    if !tests_ok {
        report::fail("cargo test", "some tests failed (see above)");
    }

    for chapter in &all {
        failed += check::chapter(root, &toolchain, chapter)?;
    }
    Ok(verdict(failed))
}

fn doctor() -> Result<ExitCode> {
    let survey = toolchain::survey();
    report::heading("Guest toolchain (wasm32-wasip1)");
    report::note(&format!("route 1, rustup:    {}", toolchain::describe_rustup(&survey.rustup)));
    report::note(&format!("route 3, build-std: {}", toolchain::describe_build_std(&survey.build_std)));
    if let Some(route) = &survey.forced {
        report::note(&format!("WORKBOOK_GUEST_ROUTE={route} restricts the choice to that route"));
    }
    match toolchain::find() {
        Ok(toolchain) => {
            report::pass("in use", &toolchain.to_string());
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            report::fail("in use", &format!("{err}"));
            Ok(ExitCode::FAILURE)
        }
    }
}
