//! The book: generating what the pages include, building it with mdbook as a
//! library, and the checks that keep it literate (no pasted listings, no
//! broken includes or links).
//!
//! Pages hold text and `{{#include}}` only. What a command can produce is
//! generated into `book/src/generated/` (gitignored) before each build:
//! the hosts' outputs from their snapshots (every `.snap` of a chapter's
//! `snapshots/` folder), the WAT of guests (wasmprinter), chapter 3's size
//! table and chart, chapter 6's measured costs, and chapter 10's paths and
//! figures. The measurements that need release builds (chapters 7, 8, 9 and
//! 11) are not made here: the full runs of their `cargo xtask bench …`
//! commands keep them in `book/src/measured/` (committed).

//!
//! | module | holds |
//! | --- | --- |
//! | [`lint`] | the pages' rules: listings and outputs are includes, includes resolve |
//! | [`links`] | the built HTML's links and anchors resolve |
//! | [`serve`] | `--serve`: the book on localhost, rebuilt on change |

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};

use xtask::cargo::Messages;
use xtask::chapters;
use xtask::snapshot;
use xtask::toolchain::Toolchain;

mod links;
mod lint;
mod serve;

pub use links::check_links;
pub use lint::{Fence, fences, lint, pages};
pub use serve::{open_in_browser, serve};

/// The book's folder.
pub fn dir(root: &Path) -> PathBuf {
    root.join("book")
}

/// Where the built HTML goes (`build-dir` in book.toml).
pub fn out_dir(root: &Path) -> PathBuf {
    root.join("target").join("book")
}

/// Where generated includes go.
pub fn generated_dir(root: &Path) -> PathBuf {
    dir(root).join("src").join("generated")
}

/// Write every generated include: outputs, WAT, the exercises' tables,
/// chapter 3's size files, and chapters 6 and 10's measurements.
pub fn generate(root: &Path, toolchain: &Toolchain) -> Result<()> {
    let generated = generated_dir(root);
    let outputs = generated.join("outputs");
    std::fs::create_dir_all(&outputs)
        .with_context(|| format!("cannot create {}", outputs.display()))?;
    let all = chapters::all(root)?;
    for chapter in &all {
        // A host's snapshot, and any other a chapter's tests write (a run on
        // bad input, say): `snapshots/<name>.snap` -> `outputs/<name>.txt`.
        for snap in snapshots_of(&chapter.dir)? {
            let body = snapshot::expected_output(&snap)?;
            let name = snap.file_stem().unwrap_or_default().to_string_lossy();
            write_if_changed(&outputs.join(format!("{name}.txt")), body.as_bytes())?;
        }
    }

    // The WAT of every chapter guest: its imports and exports, the part a reader reads.
    let wat_dir = generated.join("wat");
    std::fs::create_dir_all(&wat_dir)?;
    for (package, path) in xtask::run::build_all_guests(root, toolchain, &all)? {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = wasmprinter::print_bytes(&bytes)
            .with_context(|| format!("cannot print {}", path.display()))?;
        write_if_changed(
            &wat_dir.join(format!("{package}.imports-exports.wat")),
            imports_and_exports(&text).as_bytes(),
        )?;
    }
    // Each chapter's exercises, from the manifest.
    let manifest = xtask::exercises::load(root)?;
    for chapter in &all {
        let mut table = String::from("| exercise | what you do | points |\n| --- | --- | --- |\n");
        for ex in manifest.of_chapter(chapter.number) {
            table += &format!(
                "| `{}`: {} | {} | {} |\n",
                ex.id,
                ex.title,
                ex.task.replace('|', "\\|"),
                ex.points
            );
        }
        write_if_changed(
            &generated
                .join("exercises")
                .join(format!("chapter-{}.md", chapter.number)),
            table.as_bytes(),
        )?;
    }
    // Chapter 3's size table, chart and largest functions, measured now.
    let ladder = crate::size::ladder(root, toolchain)?;
    crate::size::write_book_files(root, &ladder)?;
    // Chapter 6's cost of each defence, measured now (the quick measurement).
    let cost = xtask::bench::sandbox::measure(root, toolchain, true, Messages::Capture)
        .context("measuring chapter 6's defences (cargo xtask bench sandbox --quick)")?;
    write_if_changed(
        &generated.join(xtask::bench::sandbox::BOOK_FILE),
        cost.as_bytes(),
    )?;
    // Chapter 10's paths (a real headless game with each script, drawn) and
    // its figures (`cargo xtask bench game --quick`).
    crate::game::book_files(root, toolchain, &generated)?;
    // Chapters 7, 8, 9 and 11's measurements need release builds: their
    // full runs keep them in `book/src/measured/` (`xtask::bench`), and the
    // pages include them from there.
    Ok(())
}

/// Every `.snap` file of a chapter's `snapshots/` folder, sorted.
fn snapshots_of(chapter_dir: &Path) -> Result<Vec<PathBuf>> {
    let dir = chapter_dir.join("snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut snaps: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    snaps.sort();
    Ok(snaps)
}

/// The `(import …)` and `(export …)` lines of a module's WAT, in a `(module …)`.
pub fn imports_and_exports(wat: &str) -> String {
    let mut out = String::from("(module\n");
    for line in wat.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("(import ") || trimmed.starts_with("(export ") {
            out.push_str("  ");
            out.push_str(trimmed);
            out.push('\n');
        }
    }
    out.push_str("  ;; ... types, functions, memory and data left out\n)\n");
    out
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Build the HTML with mdbook. Any warning mdbook gives (a missing include,
/// a broken summary) is an error here.
pub fn build(root: &Path) -> Result<PathBuf> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .without_time()
        .with_target(false)
        .with_ansi(false)
        .with_writer({
            let warnings = warnings.clone();
            move || Capture(warnings.clone())
        })
        .finish();
    let result = tracing::subscriber::with_default(subscriber, || -> Result<()> {
        let book = mdbook_driver::MDBook::load(dir(root)).context("cannot load the book")?;
        book.build().context("cannot build the book")?;
        Ok(())
    });
    let warnings =
        String::from_utf8_lossy(&warnings.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    result?;
    if !warnings.trim().is_empty() {
        bail!(
            "mdbook warned while building the book:\n{}",
            warnings.trim_end()
        );
    }
    Ok(out_dir(root))
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything `cargo xtask book` does: generate, lint, build, check links.
pub fn generate_and_build(root: &Path, toolchain: &Toolchain) -> Result<PathBuf> {
    generate(root, toolchain)?;
    build_checked(root)
}

/// Lint the pages, build the book and check its links, with what
/// [`generate`] wrote last.
pub fn build_checked(root: &Path) -> Result<PathBuf> {
    let problems = lint(root)?;
    if !problems.is_empty() {
        bail!("the book's pages break its rules:\n{}", problems.join("\n"));
    }
    let out = build(root)?;
    let broken = check_links(&out)?;
    if !broken.is_empty() {
        bail!("the built book has broken links:\n{}", broken.join("\n"));
    }
    Ok(out)
}
