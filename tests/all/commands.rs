//! Every command the book shows, in a console block or in the text, does what
//! the page says when copied as written into a shell at the workbook's root:
//! it exists (the xtask's parser accepts it, the package it names is in the
//! workspace, a guest is built for the guest target), and the cheap ones are
//! run from the root and must succeed. The commands of generated includes are
//! tested where they are generated (chapter 3's `wasm-opt`).

use std::path::PathBuf;
use std::process::Command;

use workbook_tests::server::Server;
use workbook_tests::{root, run_command};

/// `cargo xtask` subcommands cheap and harmless enough to run as written.
const RUN_AS_WRITTEN: &[&str] = &["doctor", "list", "wat"];

/// Commands the text mentions to explain something, not to be run here,
/// each with the reason it is not checked.
const PROSE_ONLY: &[(&str, &str)] = &[
    (
        "cargo new --lib",
        "how a guest crate starts, outside the workbook",
    ),
    (
        "cargo test",
        "chapter 5 names what `cargo test` does with doc tests",
    ),
    (
        "cargo build --target wasm32-wasi",
        "the 2020 command, in chapter 2's Then and now table",
    ),
];

/// A command and the page it is on.
struct Shown {
    page: PathBuf,
    command: String,
}

/// Every command of every page: the lines of console blocks (a line ending
/// in `\` goes on in the next) and inline code that starts with `cargo `.
fn commands() -> Vec<Shown> {
    let root = root();
    let src = xtask_book::book::dir(&root).join("src");
    let mut shown = Vec::new();
    for page in xtask_book::book::pages(&root).unwrap() {
        let text = std::fs::read_to_string(src.join(&page)).unwrap();
        for fence in xtask_book::book::fences(&page, &text) {
            if fence.info == "console" {
                let joined = fence.body.join("\n").replace("\\\n", " ");
                shown.extend(joined.lines().map(|l| Shown {
                    page: page.clone(),
                    command: l.trim().to_string(),
                }));
            }
        }
        let outside_fences = text.split("```").step_by(2).collect::<Vec<_>>().join(" ");
        let joined = outside_fences.replace('\n', " ");
        for (i, span) in joined.split('`').enumerate() {
            if i % 2 == 1 && span.starts_with("cargo ") {
                shown.push(Shown {
                    page: page.clone(),
                    command: span.split_whitespace().collect::<Vec<_>>().join(" "),
                });
            }
        }
    }
    shown.retain(|s| !s.command.is_empty());
    shown
}

#[test]
fn every_command_in_the_book_does_what_the_page_says() {
    let shown = commands();
    assert!(
        shown.len() > 20,
        "the book shows only {} commands",
        shown.len()
    );
    let mut problems = Vec::new();
    let mut servers = Servers::default();
    for Shown { page, command } in &shown {
        if let Err(problem) = check_with(command, &mut servers) {
            problems.push(format!("{}: `{command}`: {problem}", page.display()));
        }
    }
    problems.extend(servers.stop());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The servers that the pages' `serve` commands started, left running for
/// the commands after them (a `load` that talks to one, as a reader's second
/// terminal would), and stopped at the end.
#[derive(Default)]
struct Servers(Vec<(String, Server)>);

impl Servers {
    fn start(&mut self, cmd: Command, shown: &str) -> Result<(), String> {
        self.0.push((shown.to_string(), Server::start(cmd)?));
        Ok(())
    }

    /// SIGTERM each; each must leave. Returns what went wrong.
    fn stop(self) -> Vec<String> {
        self.0
            .into_iter()
            .filter_map(|(shown, server)| server.stop().err().map(|e| format!("`{shown}`: {e}")))
            .collect()
    }
}

/// Whether one command does what it says; why not.
fn check(command: &str) -> Result<(), String> {
    check_with(command, &mut Servers::default())
}

/// [`check`], with the servers that commands before it started.
fn check_with(command: &str, servers: &mut Servers) -> Result<(), String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if PROSE_ONLY
        .iter()
        .any(|(prefix, _)| command.starts_with(prefix))
    {
        return Ok(());
    }
    match words.as_slice() {
        ["cargo", "xtask", rest @ ..] => check_xtask(rest),
        ["cargo", "run", "-p", package, rest @ ..] => check_run(package, rest, servers, command),
        ["cargo", "build", rest @ ..] => check_build(rest),
        _ => Err("not a command this test knows how to check: add it, or to PROSE_ONLY".into()),
    }
}

/// The xtask's own parser accepts it (`--help` after the arguments); the
/// cheap ones run from the root and succeed.
fn check_xtask(args: &[&str]) -> Result<(), String> {
    let xtask = workbook_tests::xtask_binary();
    let mut parse = Command::new(&xtask);
    parse.args(args).arg("--help").current_dir(root());
    let out = run_command(parse);
    if !out.success() {
        return Err(format!("the xtask refuses it:\n{}", out.stderr_text()));
    }
    if args.first().is_some_and(|sub| RUN_AS_WRITTEN.contains(sub)) {
        let mut run = Command::new(&xtask);
        run.args(args).current_dir(root());
        let out = run_command(run);
        if !out.success() {
            return Err(format!(
                "run from the root, it {}:\n{}",
                out.ending(),
                out.stderr_text()
            ));
        }
    }
    Ok(())
}

/// The package is a host of the workspace; run with the arguments after `--`
/// from the root, it ends with an exit code other than a panic's (101; a host
/// may document codes of its own, as chapter 6's does) and says something.
/// A `serve` command starts a server that the next commands may use.
fn check_run(
    package: &str,
    rest: &[&str],
    servers: &mut Servers,
    shown: &str,
) -> Result<(), String> {
    let chapter = xtask::chapters::all(&root())
        .unwrap()
        .into_iter()
        .find(|c| c.hosts.iter().any(|h| h.package == package))
        .ok_or_else(|| format!("no host package `{package}`"))?;
    let args: Vec<&std::ffi::OsStr> = match rest {
        ["--", args @ ..] => args.iter().map(std::ffi::OsStr::new).collect(),
        [] => Vec::new(),
        _ => return Err("arguments for the host go after `--`".into()),
    };
    let ready = workbook_tests::host(&format!("chapter-{}", chapter.number), package);
    if args.first().is_some_and(|a| *a == "serve") {
        let mut cmd = Command::new(&ready.exe);
        cmd.args(&args).current_dir(root());
        return servers.start(cmd, shown);
    }
    let out = workbook_tests::run_host_with(&ready, &args);
    match out.status.and_then(|s| s.code()) {
        Some(code) if code != 101 && !(out.stdout.is_empty() && out.stderr.is_empty()) => Ok(()),
        _ => Err(format!(
            "run from the root, it {}:\n{}{}",
            out.ending(),
            out.stdout_text(),
            out.stderr_text()
        )),
    }
}

/// `cargo build` names a package (without `-p`, it would build every native
/// crate); a guest is built for the guest target, with a profile that exists.
fn check_build(args: &[&str]) -> Result<(), String> {
    let value = |flag: &str| args.windows(2).find(|w| w[0] == flag).map(|w| w[1]);
    let package = value("-p")
        .or_else(|| value("--package"))
        .ok_or("without `-p`, cargo builds the whole native workspace")?;
    let chapters = xtask::chapters::all(&root()).unwrap();
    let is_guest = chapters
        .iter()
        .any(|c| c.guests.iter().any(|g| g == package));
    let is_host = chapters
        .iter()
        .any(|c| c.hosts.iter().any(|h| h.package == package));
    if !is_guest && !is_host {
        return Err(format!("no package `{package}` in the workspace"));
    }
    if is_guest && value("--target") != Some("wasm32-wasip1") {
        return Err("a guest is built with `--target wasm32-wasip1`".into());
    }
    if let Some(profile) = value("--profile") {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        if !manifest.contains(&format!("[profile.{profile}]")) {
            return Err(format!(
                "no profile `{profile}` in the workspace's Cargo.toml"
            ));
        }
    }
    Ok(())
}

#[test]
fn a_command_that_builds_the_whole_workspace_is_caught() {
    assert!(check("cargo build --profile size-lto").is_err());
    assert!(check("cargo build -p chapter-1-guest --profile size-lto").is_err());
    assert!(
        check("cargo build -p chapter-1-guest --target wasm32-wasip1 --profile size-nope").is_err()
    );
    assert!(
        check("cargo build -p chapter-1-guest --target wasm32-wasip1 --profile size-lto").is_ok()
    );
    assert!(check("cargo xtask no-such-command").is_err());
    assert!(check("cargo run -p no-such-host").is_err());
    // A `serve` that never says where it listens (chapter 1's host takes
    // `serve` for a file name) is caught too.
    assert!(check("cargo run -p chapter-1-host -- serve").is_err());
    assert!(check("make everything").is_err());
}
