//! `cargo xtask bench components`: what chapter 11's components cost, set
//! beside chapters 4 and 5's core modules: the guests' sizes (release
//! builds), the cost of passing bytes both ways (`chapter-11-host measure`,
//! built in `vm-bench`, whose Wasmtime is chapters 7 to 9's, on those release
//! guests), the lines of code that do the same work, and how long
//! the host crate takes to compile again after an edit (dev profile, as a
//! reader builds it).
//!
//! A full run keeps its figures for the book ([`BOOK_FILE`]); `--quick` runs
//! it on the dev host (see [`super`]).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{machine, seconds};
use crate::cargo::{self, Messages};
use crate::guests::GuestBuild;
use crate::toolchain::Toolchain;

/// The host that measures, and the guests compared.
pub const PACKAGE: &str = "chapter-11-host";
const COMPONENT: &str = "chapter-11-guest";
const CORE: &str = "chapter-5-guest";

/// The hosts whose crate is compiled again, each after its sources are touched.
const HOSTS: [(&str, &str); 2] = [
    (
        "chapter-5-host",
        "chapters/chapter-5-sharing-memory/host/src",
    ),
    ("chapter-11-host", "chapters/chapter-11-components/host/src"),
];

/// What a run keeps, under `book/src/measured/` (a full run; [`super::keep`]).
pub const BOOK_FILE: &str = "chapter-11/costs.txt";

const TIMEOUT: Duration = Duration::from_secs(300);

/// Measure everything; return the text the page shows.
pub fn measure(
    root: &Path,
    toolchain: &Toolchain,
    quick: bool,
    messages: Messages,
) -> Result<String> {
    let manifest = root.join("Cargo.toml");
    let guests = vec![COMPONENT.to_string(), CORE.to_string()];
    // Sizes: release builds, in a target folder of their own.
    let release = GuestBuild::new(
        &manifest,
        guests.clone(),
        root.join("target/bench/components"),
    )
    .profile("release")
    .run(toolchain, messages)
    .context("building the guests in release")?;
    let size = |path: &Path| path.metadata().map(|m| m.len()).unwrap_or(0);
    let mut text = format!("measured on {}\n", machine());
    text += &lines_of_code(root)?;
    text += &format!(
        "guest size (release): chapter 5's core module {} bytes, chapter 11's component {} bytes ({:.1} times)\n",
        size(&release[1]),
        size(&release[0]),
        size(&release[0]) as f64 / size(&release[1]).max(1) as f64
    );
    // Call cost: the host's `measure`, on the release guests (a debug
    // guest's own code would weigh more than the passing).
    let profile = super::profile(quick);
    let exes =
        cargo::build_hosts_with_profile(&manifest, &[PACKAGE.to_string()], messages, profile)?;
    let mut cmd = Command::new(&exes[PACKAGE]);
    cmd.arg("measure");
    if quick {
        cmd.arg("--quick");
    }
    cmd.args(&release).current_dir(root);
    let stdout = super::stdout_of(cmd, &format!("{PACKAGE} measure"), TIMEOUT)?;
    text += &stdout;
    text += &build_times(root, messages)?;
    Ok(text)
}

/// The files that do the same work in chapters 4 and 5 and in chapter 11.
const CODE: [(&str, &[&str]); 3] = [
    (
        "chapter 4 (game API)",
        &[
            "chapters/chapter-4-host-functions/guest/src/lib.rs",
            "chapters/chapter-4-host-functions/host/src/main.rs",
        ],
    ),
    (
        "chapter 5 (strings: guest, host's toolbox)",
        &[
            "chapters/chapter-5-sharing-memory/guest/src/lib.rs",
            "chapters/chapter-5-sharing-memory/host/src/lib.rs",
        ],
    ),
    (
        "chapter 11 (both, and the WIT)",
        &[
            "chapters/chapter-11-components/guest/src/lib.rs",
            "chapters/chapter-11-components/host/src/game.rs",
            "chapters/chapter-11-components/wit/world.wit",
        ],
    ),
];

/// Lines of code (neither blank nor comments) of each side of [`CODE`].
fn lines_of_code(root: &Path) -> Result<String> {
    let mut text = "lines of code, comments and blank lines left out:\n".to_string();
    for (what, files) in CODE {
        let mut counts = Vec::new();
        for file in files {
            let source = std::fs::read_to_string(root.join(file))
                .with_context(|| format!("cannot read {file}"))?;
            let count = source
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .count();
            // The path inside the chapter's folder: `guest/src/lib.rs`.
            let name = file.splitn(3, '/').nth(2).unwrap_or(file);
            counts.push((name.to_string(), count));
        }
        let total: usize = counts.iter().map(|(_, c)| c).sum();
        let parts: Vec<String> = counts.iter().map(|(f, c)| format!("{f} {c}")).collect();
        text += &format!("  {what}: {total} ({})\n", parts.join(", "));
    }
    Ok(text)
}

/// Each host's crate compiled again after an edit (its sources touched):
/// what the reader waits for at each change.
fn build_times(root: &Path, messages: Messages) -> Result<String> {
    let manifest = root.join("Cargo.toml");
    let mut line = "host crate compiled again after an edit (dev):".to_string();
    for (package, src) in HOSTS {
        // Built first, so that only the touch is measured.
        cargo::build_hosts(&manifest, &[package.to_string()], messages)?;
        for entry in std::fs::read_dir(root.join(src))?.flatten() {
            let file = std::fs::File::options().append(true).open(entry.path())?;
            file.set_modified(std::time::SystemTime::now())?;
        }
        let started = Instant::now();
        cargo::build_hosts(&manifest, &[package.to_string()], messages)?;
        line += &format!(" {package} {},", seconds(started.elapsed()));
    }
    line.pop();
    Ok(format!("{line}\n"))
}

/// `cargo xtask bench components`.
pub fn command(root: &Path, toolchain: &Toolchain, quick: bool) -> Result<bool> {
    super::kept_command(
        root,
        quick,
        BOOK_FILE,
        (
            "chapter 11: guests in release, the host, then the calls and the builds",
            "bench components: chapter 11's component against chapter 5's core module,",
        ),
        || measure(root, toolchain, quick, Messages::Capture),
    )
}
