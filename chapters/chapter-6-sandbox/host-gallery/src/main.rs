//! Chapter 6, the gallery: every hostile guest of the chapter, one after the
//! other, in one host process, then the well-behaved guest. Each is run in
//! the sandbox of `chapter-6-host` (its `lib.rs`) with the default limits,
//! and the host prints what the guest said and how its run ended. The host
//! must survive them all, and still run the good guest at the end.
//!
//! ```text
//! chapter-6-host-gallery [--deadline MILLISECONDS] [MODULE...]
//! ```
//!
//! Without modules it runs the guests `cargo xtask build chapter-6` built and
//! the two WAT modules of `wat/`. Given modules, it runs those instead: that
//! is how `cargo xtask fuzz` feeds it thousands of random ones, with a shorter
//! deadline than the default second.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chapter_6_host::{Grants, Limits, Run, Sandbox, built_guest};
use wasmtime::Result;
use wasmtime::error::Context;

/// The built guests, in the order the gallery runs them: the attacks, then
/// the guest that behaves.
const GUESTS: &[&str] = &[
    "chapter-6-guest-spin",
    "chapter-6-guest-allocate",
    "chapter-6-guest-recurse",
    "chapter-6-guest-print",
    "chapter-6-guest-sleep",
    "chapter-6-guest-escape",
    "chapter-6-guest-environment",
    "chapter-6-guest-exit",
    "chapter-6-guest-trap",
];
const GOOD_GUEST: &str = "chapter-6-guest";

// ANCHOR: wat
/// Attacks Rust cannot write, in WebAssembly's text format.
const WAT: &[(&str, &str)] = &[
    ("start-spins.wat", include_str!("../wat/start-spins.wat")),
    ("huge-memory.wat", include_str!("../wat/huge-memory.wat")),
];
// ANCHOR_END: wat

/// How many lines of what a guest printed the gallery shows.
const SHOWN_LINES: usize = 8;

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut limits = Limits::default();
    if args.first().is_some_and(|a| a == "--deadline") {
        let millis = args
            .get(1)
            .context("`--deadline` needs a number of milliseconds")?;
        let millis = millis
            .parse::<u64>()
            .with_context(|| format!("`--deadline {millis}`: not a number of milliseconds"))?;
        limits.deadline = Some(Duration::from_millis(millis));
        args.drain(..2);
    }
    let stage = Stage::new().context("setting the stage")?;
    let modules: Vec<PathBuf> = match args.is_empty() {
        false => args.iter().map(PathBuf::from).collect(),
        true => stage.gallery()?,
    };
    // ANCHOR: gallery
    // One sandbox, one engine: every guest runs in it, one after the other.
    let sandbox = Sandbox::new(limits)?;
    let grants = Grants {
        dir: Some(stage.granted.clone()),
        args: Vec::new(),
    };
    for path in &modules {
        let name = file_name(path);
        println!("{name}");
        // A module that cannot be loaded or run is refused: the next one runs.
        let run = sandbox
            .load(path)
            .and_then(|module| sandbox.run(&module, &name, &grants));
        match run {
            Ok(run) => show(&run),
            Err(err) => println!("  refused: {err:#}"),
        }
    }
    // ANCHOR_END: gallery
    stage.clean();
    Ok(())
}

// ANCHOR: show
/// What the guest printed (its first lines), and how its run ended.
fn show(run: &Run) {
    let stdout = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    for line in lines.iter().take(SHOWN_LINES) {
        println!("  | {line}");
    }
    if lines.len() > SHOWN_LINES {
        let more = lines.len() - SHOWN_LINES;
        println!(
            "  | ... and {more} more lines, {} bytes in all",
            run.stdout.len()
        );
    }
    // The guest's stderr goes to ours, away from the verdicts: a panic's
    // message names the toolchain's source files, which differ from one
    // machine to the next.
    for line in String::from_utf8_lossy(&run.stderr)
        .lines()
        .take(SHOWN_LINES)
    {
        eprintln!("  ! {line}");
    }
    let code = run.ending.exit_code();
    println!("  {} (exit code {code})", run.ending);
}
// ANCHOR_END: show

/// The module's file name.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

// ANCHOR: stage
/// A folder of the host's, made for the gallery and removed afterwards:
///
/// ```text
/// secret.txt            the host's: no guest may read it
/// granted/              the folder the guests are given, read-only
///   config.txt
///   link-out -> ../secret.txt
///   sub/
/// modules/              the WAT modules, written out to be loaded
/// ```
struct Stage {
    root: PathBuf,
    granted: PathBuf,
}

impl Stage {
    fn new() -> Result<Stage> {
        let root = std::env::temp_dir().join(format!("chapter-6-gallery-{}", std::process::id()));
        let granted = root.join("granted");
        std::fs::create_dir_all(granted.join("sub"))?;
        std::fs::create_dir_all(root.join("modules"))?;
        std::fs::write(root.join("secret.txt"), "the host's secret\n")?;
        std::fs::write(
            granted.join("config.txt"),
            "greeting = hello from the granted folder\n",
        )?;
        symlink("../secret.txt", &granted.join("link-out"))?;
        Ok(Stage { root, granted })
    }
}
// ANCHOR_END: stage

impl Stage {
    /// The gallery's modules: the built guests, the WAT modules, and the
    /// good guest last.
    fn gallery(&self) -> Result<Vec<PathBuf>> {
        let mut modules: Vec<PathBuf> = GUESTS.iter().map(|p| built_guest(p)).collect();
        for (name, text) in WAT {
            let path = self.root.join("modules").join(name);
            std::fs::write(&path, text)?;
            modules.push(path);
        }
        modules.push(built_guest(GOOD_GUEST));
        Ok(modules)
    }

    fn clean(self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link)
        .with_context(|| format!("cannot make the symbolic link {}", link.display()))
}

#[cfg(not(unix))]
fn symlink(_target: &str, _link: &Path) -> Result<()> {
    Ok(())
}
