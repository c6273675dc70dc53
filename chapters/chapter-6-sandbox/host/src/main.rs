//! Chapter 6, the host: run one WASI command module that we do not trust.
//!
//! ```text
//! chapter-6-host [--dir HOST_DIR] [--fuel UNITS] MODULE.wasm [ARGS...]
//! ```
//!
//! The module runs under every limit of the sandbox (`lib.rs`): a deadline,
//! a memory cap, a stack cap, bounded output, and WASI that grants nothing
//! but what is given here: `--dir` lends one folder, read-only, and `ARGS`
//! are the guest's arguments. `--fuel` adds a budget of instructions, which
//! stops a guest at the same point on every machine. Without a module it runs
//! the well-behaved guest that `cargo xtask build chapter-6` built.
//!
//! It exits with the guest's own code, or with a code that names the limit
//! that stopped it, and says so in one line on stderr:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | the guest finished |
//! | n | the guest called `proc_exit(n)` |
//! | 1 | the module could not be run (not a module, not a command, a folder that cannot be granted) |
//! | 2 | the guest crashed (a trap: a panic, `unreachable`, an access out of bounds) |
//! | 3 | time: it ran past its deadline |
//! | 4 | fuel: it used up its budget |
//! | 5 | memory: it asked for more than allowed |
//! | 6 | stack: it overflowed |
//! | 7 | output: it wrote more than allowed |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chapter_6_host::{Grants, Limits, Run, Sandbox, built_guest, bytes};
use wasmtime::Result;
use wasmtime::error::Context;

// ANCHOR: args
/// `[--dir HOST_DIR] [--fuel UNITS] MODULE [ARGS...]`: everything after the
/// module is the guest's, even what looks like an option.
fn parse(mut args: impl Iterator<Item = String>) -> Result<(PathBuf, Grants, Limits)> {
    let mut grants = Grants::default();
    let mut limits = Limits::default();
    let module = loop {
        match args.next() {
            Some(flag) if flag == "--dir" => {
                let dir = args.next().context("`--dir` needs a folder")?;
                grants.dir = Some(PathBuf::from(dir));
            }
            Some(flag) if flag == "--fuel" => {
                let units = args.next().context("`--fuel` needs a number")?;
                let units = units
                    .parse::<u64>()
                    .with_context(|| format!("`--fuel {units}`: not a number of units"))?;
                limits.fuel = Some(units);
            }
            Some(module) => break PathBuf::from(module),
            None => break built_guest("chapter-6-guest"),
        }
    };
    grants.args = args.collect();
    Ok((module, grants, limits))
}

fn main() -> ExitCode {
    let (path, grants, limits) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(err) => return fail(&format!("{err:#}")),
    };
    let name = file_name(&path);
    match run(&path, &name, &grants, limits) {
        Ok(run) => report(&name, &run),
        // Not the guest's doing: the module or the folder is wrong.
        Err(err) => fail(&format!(
            "running the guest module `{}`: {err:?}",
            path.display()
        )),
    }
}
// ANCHOR_END: args

// ANCHOR: run
fn run(path: &Path, name: &str, grants: &Grants, limits: Limits) -> Result<Run> {
    let sandbox = Sandbox::new(limits)?;
    let module = sandbox.load(path)?;
    sandbox.run(&module, name, grants)
}
// ANCHOR_END: run

// ANCHOR: report
/// Pass on what the guest wrote, then say how it ended: one line on stderr
/// when it did not simply finish, and the exit code that goes with it.
fn report(name: &str, run: &Run) -> ExitCode {
    // The host's own stdout and stderr: if they are closed, there is no one
    // left to tell, and the exit code still says how the guest ended.
    let _ = std::io::stdout().write_all(&run.stdout);
    let _ = std::io::stderr().write_all(&run.stderr);
    let limit = bytes(Limits::default().output);
    for (stream, cut) in [("stdout", run.stdout_cut), ("stderr", run.stderr_cut)] {
        if cut {
            eprintln!("{name}: its {stream} was cut at {limit}: the rest was dropped");
        }
    }
    let code = run.ending.exit_code();
    if code != 0 {
        eprintln!("{name}: {} (exit code {code})", run.ending);
    }
    ExitCode::from(code)
}
// ANCHOR_END: report

fn fail(message: &str) -> ExitCode {
    eprintln!("Error: {message}");
    ExitCode::from(1)
}

/// The module's file name, which names it in every line about it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
