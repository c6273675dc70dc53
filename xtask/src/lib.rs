//! The workbook's machinery, shared by the `xtask` command line and the tests.
//!
//! | module | holds |
//! | --- | --- |
//! | [`toolchain`] | finding or installing a `wasm32-wasip1` toolchain (three routes) |
//! | [`guests`] | building guests into their own target dir; where each `.wasm` lands |
//! | [`cargo`] | running cargo builds, the native hosts' included |
//! | [`chapters`] | what chapters exist; resolving `chapter-2`, `2` or a folder name |
//! | [`run`] | building a chapter and running its hosts (`run`, `build`) |
//! | [`check`] | checking a chapter: its example against the snapshot, then its exercises |
//! | [`exercises`] | the exercise manifest (`exercises/exercises.toml`) |
//! | [`solutions`] | the reference answers, laid over a copy of the starters to be graded |
//! | [`starters`] | every file a student edits as handed out (`exercises/starters.lock`) |
//! | [`grade`] | grading an exercise: build, each kind of check, the cache, the report |
//! | [`guest_call`] | calling a guest export through the `guest-call` program, with limits |
//! | [`student`] | `hint`, `list`, `reset`, `watch` |
//! | [`progress`] | a student's last grades and hints seen (`target/workbook/`) |
//! | [`ci`] | `test`: everything CI checks |
//! | [`doctor`] | `doctor`: the toolchain routes on this machine |
//! | [`bench`] | `bench`: measuring commands (build times, ...) |
//! | [`tools`] | `book`, `size`, `gradebook`: the heavier programs (`xtask/book`, `xtask/gradebook`), built when first needed |
//! | [`cli`] | the command line's shape (clap) |
//! | [`wat`] | `wat`: a chapter's guests printed as WAT (through `xtask/wat`) |
//! | [`fingerprint`] | hashing what a result depends on, to reuse it while nothing changed |
//! | [`snapshot`] | reading expected output out of insta `.snap` files |
//! | [`process`] | child processes with a wall-clock limit |
//! | [`report`] | PASS/FAIL lines and diffs |

use std::path::{Path, PathBuf};

pub mod bench;
pub mod cargo;
pub mod chapters;
pub mod check;
pub mod ci;
pub mod cli;
pub mod doctor;
pub mod exercises;
pub mod fingerprint;
pub mod grade;
pub mod guest_call;
pub mod guests;
pub mod process;
pub mod progress;
pub mod report;
pub mod run;
pub mod snapshot;
pub mod solutions;
pub mod starters;
pub mod student;
pub mod toolchain;
pub mod tools;
pub mod wat;

/// The workbook's root folder (where the workspace `Cargo.toml` is).
///
/// It is found when the program runs, never baked in when it is compiled: a
/// workbook folder moved or copied with its `target/` (a class's prepared
/// copy) must work on the folder it is in, though cargo sees nothing to
/// rebuild. The first folder that holds the workbook, among those above the
/// running program (`target/debug/xtask`) and then above the current
/// directory; the folder it was compiled in as a last resort.
pub fn root() -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let exe = std::env::current_exe().ok();
        let cwd = std::env::current_dir().ok();
        let candidates = exe.iter().chain(cwd.iter()).flat_map(|p| p.ancestors());
        for dir in candidates {
            if is_workbook(dir) {
                return dir.to_path_buf();
            }
        }
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    })
    .clone()
}

/// Whether `dir` is a workbook's root folder.
pub fn is_workbook(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
        && dir.join("xtask/Cargo.toml").is_file()
        && dir.join("exercises/exercises.toml").is_file()
}
