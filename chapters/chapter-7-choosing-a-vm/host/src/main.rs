//! Chapter 7, the host: chapter 1's guest in six VMs, one after the other.
//! Each VM's output is headed by its name; a VM that cannot run the module
//! says why in its own row, and the others still run.
//!
//! Each VM runs in a process of its own: this program, started again with
//! `--vm NAME`. Two of the six are C libraries, and a crash or a hang in one
//! of them must cost its own row, not the whole run.
//!
//! Run it with `cargo xtask run chapter-7`, or hand it modules of your own:
//! `cargo run -p chapter-7-host -- a.wasm b.wasm`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

use chapter_7_host::{Debug, NAMES};

/// How long one VM may take to run one module's `sum(5, 4)`.
const LIMIT: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // ANCHOR: child
    // Started again by ourselves: run the module in one VM, in this process.
    // (`--debug-info` before the module: for a native debugger, chapter 2.)
    if args.len() >= 3 && args[0] == "--vm" {
        let vm = args[1].to_string_lossy().into_owned();
        let debug = match args.len() == 4 && args[2] == "--debug-info" {
            true => Debug::On,
            false => Debug::Off,
        };
        let path = PathBuf::from(&args[args.len() - 1]);
        return match run_in(&vm, &path, debug) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        };
    }
    // ANCHOR_END: child
    if args.is_empty() {
        args.push(default_guest().into());
    }
    let mut failed = 0;
    for (i, path) in args.iter().map(PathBuf::from).enumerate() {
        if i > 0 {
            println!();
        }
        match run_everywhere(&path) {
            Ok(0) => {}
            Ok(vms) => {
                failed += 1;
                eprintln!(
                    "error: {vms} of {} VMs could not run `{}` (their errors are above)",
                    NAMES.len(),
                    path.display()
                );
            }
            Err(err) => {
                failed += 1;
                eprintln!("error: running `{}`: {err:#}", path.display());
            }
        }
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

// ANCHOR: run_in
/// One VM, one module: load it, instantiate it (with WASI), call `sum(5, 4)`.
fn run_in(vm: &str, path: &Path, debug: Debug) -> Result<()> {
    let wasm = std::fs::read(path).context("cannot read it")?;
    let vm = chapter_7_host::vm(vm, debug)?;
    let module = vm.load(&wasm).context("cannot load it")?;
    let mut instance = module.instantiate().context("cannot instantiate it")?;
    let answer = instance
        .call("sum", &[5, 4], 1)
        .context("`sum(5, 4)` failed")?;
    println!("From host: Answer returned to the host VM: {answer:?}");
    Ok(())
}
// ANCHOR_END: run_in

// ANCHOR: run_everywhere
/// The module in every VM, each in a process of its own; returns how many
/// VMs could not run it.
fn run_everywhere(path: &Path) -> Result<usize> {
    std::fs::metadata(path).context("cannot read it")?;
    let name = path.file_name().unwrap_or(path.as_os_str());
    println!("{} in {} VMs:", name.to_string_lossy(), NAMES.len());
    let me = std::env::current_exe().context("cannot find this program's own path")?;
    let mut failed = 0;
    for vm in NAMES {
        println!("\n== {vm}");
        let mut child = Command::new(&me)
            .arg("--vm")
            .arg(vm)
            .arg(path)
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", me.display()))?;
        // Read stderr on a thread of its own, so a chatty VM cannot block.
        let mut stderr = child.stderr.take().context("no stderr")?;
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        let status = match child.wait_timeout(LIMIT)? {
            Some(status) => status,
            None => {
                let _ = child.kill();
                child.wait()?;
                println!(
                    "error: stopped after {} s: it did not return",
                    LIMIT.as_secs()
                );
                failed += 1;
                continue;
            }
        };
        let stderr = reader.join().unwrap_or_default();
        if !status.success() {
            failed += 1;
            match status.code() {
                Some(_) => print!("{stderr}"),
                None => println!("error: the VM crashed ({status})\n{stderr}"),
            }
        }
    }
    Ok(failed)
}
// ANCHOR_END: run_everywhere

/// Where `cargo xtask build chapter-1` writes chapter 1's guest: in
/// `target/wasm/`, next to the `target/debug/` folder this program runs from.
fn default_guest() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip1/debug/chapter_1_guest.wasm")
}
