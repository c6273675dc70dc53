//! `xtask-wat FILE.wasm [--all]`: print a module as WAT. By default only its
//! imports and exports (what a host must offer it and what it can call), with
//! `--all` the whole module. `cargo xtask wat chapter-N` builds a chapter's
//! guests and runs this on each.

use std::process::ExitCode;

use xtask_wat::print;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = args.iter().any(|a| a == "--all");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--all").collect();
    if files.is_empty() {
        eprintln!("usage: xtask-wat FILE.wasm... [--all]");
        return ExitCode::from(2);
    }
    let mut ok = true;
    let several = files.len() > 1;
    for file in files {
        if several {
            println!(";; {file}");
        }
        match print(file, all) {
            Ok(text) => print!("{text}"),
            Err(err) => {
                eprintln!("error: {file}: {err}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
