//! Helpers for the tests in `tests/all/`: build a chapter once per test
//! binary, run its hosts, and compare their output with insta snapshots.
//!
//! Guests are built through the same code as `cargo xtask build` (the `xtask`
//! library), so the tests run exactly the `.wasm` files that readers run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub mod measured;
pub mod server;

pub use xtask::process::Captured;
use xtask::run::ReadyHost;
use xtask::{chapters, guests, run, toolchain};

/// The workbook's root folder.
pub fn root() -> PathBuf {
    xtask::root()
}

/// Chapter 3's size ladder, measured once per test binary: chapter 3's tests
/// check it and the book's include its table and chart.
pub fn ladder() -> &'static xtask_book::size::Ladder {
    static LADDER: OnceLock<Result<xtask_book::size::Ladder, String>> = OnceLock::new();
    let result = LADDER.get_or_init(|| {
        let toolchain = toolchain::find().map_err(|e| format!("{e:#}"))?;
        xtask_book::size::ladder(&root(), &toolchain).map_err(|e| format!("{e:#}"))
    });
    match result {
        Ok(ladder) => ladder,
        Err(err) => panic!("cargo xtask size failed: {err}"),
    }
}

/// Held while a test runs a measuring command (`cargo xtask bench …`, or the
/// book's build, which runs chapters 3, 6 and 10's): two runs at once would
/// slow each other down and write the same files.
pub fn measuring() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Held while a test runs hosts that keep files in `target/chapter-<N>/`
/// (chapter 8's build machine writes what its device then reads): two runs
/// at once would write the same files.
pub fn running_hosts_with_files() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The hosts of a chapter (`"chapter-1"`), built with their guests. Builds
/// once per test binary; a build failure fails every test that asks.
pub fn chapter(name: &str) -> Vec<ReadyHost> {
    type Built = HashMap<String, Result<Vec<ReadyHost>, String>>;
    static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let result = built
        .entry(name.to_string())
        .or_insert_with(|| build_chapter(name));
    match result {
        Ok(hosts) => hosts.clone(),
        Err(err) => panic!("{err}"),
    }
}

fn build_chapter(name: &str) -> Result<Vec<ReadyHost>, String> {
    let root = root();
    let toolchain = toolchain::find()
        .map_err(|e| format!("{e:#}\n(`cargo xtask test` installs what is missing)"))?;
    let chapter = chapters::find(&root, name).map_err(|e| format!("{e:#}"))?;
    run::build_chapter(&root, &toolchain, &chapter, xtask::cargo::Messages::Capture)
        .map_err(|e| format!("{e:#}"))
}

/// One host of a chapter, by package name.
pub fn host(chapter_name: &str, package: &str) -> ReadyHost {
    chapter(chapter_name)
        .into_iter()
        .find(|h| h.host.package == package)
        .unwrap_or_else(|| panic!("{chapter_name} has no host `{package}`"))
}

/// The `.wasm` of a guest package, built with its chapter.
pub fn guest_wasm(chapter_name: &str, package: &str) -> PathBuf {
    chapter(chapter_name);
    let path = guests::wasm_path(&guests::target_dir(&root()), package, "dev");
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// Run a host with the given arguments (instead of its usual ones).
pub fn run_host_with(ready: &ReadyHost, args: &[&std::ffi::OsStr]) -> Captured {
    let mut cmd = Command::new(&ready.exe);
    cmd.args(args).current_dir(root());
    run_command(cmd)
}

/// Run a host as `cargo xtask run` does.
pub fn run_host(ready: &ReadyHost) -> Captured {
    run_command(ready.command(&root()))
}

pub fn run_command(cmd: Command) -> Captured {
    xtask::process::run_captured(cmd, Duration::from_secs(60)).expect("cannot run the host")
}

/// Run a host with `args`; it must fail with exit status 1 (so no panic, which
/// exits with 101) and a message on stderr holding every one of `expected`.
/// Returns the run's output.
pub fn assert_fails_clearly(
    ready: &ReadyHost,
    args: &[&std::ffi::OsStr],
    expected: &[&str],
) -> Captured {
    let out = run_host_with(ready, args);
    let stderr = out.stderr_text();
    assert_eq!(
        out.status.and_then(|s| s.code()),
        Some(1),
        "stdout:\n{}\nstderr:\n{stderr}",
        out.stdout_text()
    );
    for needle in expected {
        assert!(
            stderr.contains(needle),
            "stderr lacks `{needle}`:\n{stderr}"
        );
    }
    out
}

/// A path where no module is, for tests of a missing file.
pub fn missing_wasm() -> PathBuf {
    root().join("target/test-files/no-such-module.wasm")
}

/// The `cargo xtask` program itself, built (once per test binary), for tests
/// of its command line.
pub fn xtask_binary() -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let packages = ["xtask".to_string()];
        let exes = xtask::cargo::build_hosts(
            &root().join("Cargo.toml"),
            &packages,
            xtask::cargo::Messages::Capture,
        )
        .expect("xtask builds");
        exes["xtask"].clone()
    })
    .clone()
}

/// Write a module given in WAT to a temporary `.wasm` file and return its path.
pub fn wasm_from_wat(name: &str, wat: &str) -> PathBuf {
    let bytes = wat::parse_str(wat).expect("the test's WAT is valid");
    write_temp(&format!("{name}.wasm"), &bytes)
}

/// Write bytes to a file in a temporary folder of this test run.
pub fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = root().join("target").join("test-files");
    std::fs::create_dir_all(&dir).expect("cannot create target/test-files");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("cannot write a test file");
    path
}

/// Assert that a host's stdout is its chapter's snapshot, byte for byte.
///
/// The snapshot lives in the chapter's folder (`snapshots/<host>.snap`), where
/// `cargo xtask check` and the book read it too.
pub fn assert_output_snapshot(ready: &ReadyHost, out: &Captured) {
    assert!(
        out.success(),
        "{} {}:\n{}",
        ready.host.package,
        out.ending(),
        out.stderr_text()
    );
    assert_named_snapshot(ready, &ready.host.package, &out.stdout_text());
}

/// Assert that `stdout` is the snapshot `snapshots/<name>.snap` of the host's
/// chapter, byte for byte: for a run other than the host's own (on bad
/// input, say), whose output the book shows as `generated/outputs/<name>.txt`.
pub fn assert_named_snapshot(ready: &ReadyHost, name: &str, stdout: &str) {
    let dir = ready.host.snapshot.parent().expect("snapshots folder");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, stdout));
    // insta ignores trailing whitespace; the workbook promises the exact bytes.
    let snapshot = dir.join(format!("{name}.snap"));
    let expected = xtask::snapshot::expected_output(&snapshot).expect("the snapshot is readable");
    assert_eq!(
        stdout,
        expected,
        "the output differs from {} in its exact bytes",
        snapshot.display()
    );
}

/// The (module, name) pairs of a module's function imports, and its function exports.
pub fn imports_and_exports(path: &Path) -> (Vec<(String, String)>, Vec<String>) {
    imports_and_exports_of(path, wasmparser::ExternalKind::Func)
}

/// The module's imports and exports of one `kind` (functions, memories, …),
/// as (module, name) and names, sorted.
pub fn imports_and_exports_of(
    path: &Path,
    kind: wasmparser::ExternalKind,
) -> (Vec<(String, String)>, Vec<String>) {
    let bytes = std::fs::read(path).expect("the module is readable");
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.expect("the module parses") {
            wasmparser::Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import.expect("an import parses");
                    let import_kind = match import.ty {
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_) => {
                            wasmparser::ExternalKind::Func
                        }
                        wasmparser::TypeRef::Memory(_) => wasmparser::ExternalKind::Memory,
                        wasmparser::TypeRef::Table(_) => wasmparser::ExternalKind::Table,
                        wasmparser::TypeRef::Global(_) => wasmparser::ExternalKind::Global,
                        wasmparser::TypeRef::Tag(_) => wasmparser::ExternalKind::Tag,
                    };
                    if import_kind == kind {
                        imports.push((import.module.to_string(), import.name.to_string()));
                    }
                }
            }
            wasmparser::Payload::ExportSection(section) => {
                for export in section {
                    let export = export.expect("an export parses");
                    if export.kind == kind {
                        exports.push(export.name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    imports.sort();
    exports.sort();
    (imports, exports)
}

/// A test that cannot run here because something is missing: outside CI it is
/// skipped, saying so on the terminal (not through the test harness's captured
/// output, which hides what a passing test prints); in CI, where `.ci/run`
/// installs everything the tests use, it fails.
pub fn skip_unless_ci(skipped: &str) {
    if std::env::var_os("CI").is_some() {
        panic!(
            "SKIPPED: {skipped}. CI installs what the tests need (see .ci/run), so this is an error here"
        );
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {skipped}");
}

/// Headless Chromium, as the machine's package installs it.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| xtask::process::which(name))
}

/// The DOM of a page (a file, and a `#fragment` if any) after Chromium has
/// run its scripts. Each call has a profile of its own, so that tests can
/// run browsers side by side.
pub fn dump_dom(chromium: &Path, page: &Path) -> String {
    dump_dom_at(chromium, page, "")
}

/// [`dump_dom`] of `page` opened at `#fragment` (`fragment` starts with `#`).
pub fn dump_dom_at(chromium: &Path, page: &Path, fragment: &str) -> String {
    static PROFILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = PROFILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = root()
        .join("target/test-files")
        .join(format!("chromium-profile-{n}"));
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg("--dump-dom")
    .arg(format!("file://{}{fragment}", page.display()));
    let out = xtask::process::run_captured(cmd, Duration::from_secs(60)).expect("chromium starts");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.success(),
        "chromium failed on {}: {}\n{}",
        page.display(),
        out.ending(),
        out.stderr_text()
    );
    out.stdout_text()
}
