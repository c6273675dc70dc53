//! The workbook's machinery, shared by the `xtask` command line and the tests.
//!
//! | module | holds |
//! | --- | --- |
//! | [`toolchain`] | finding or installing a `wasm32-wasip1` toolchain (three routes) |
//! | [`guests`] | building guests into their own target dir; where each `.wasm` lands |
//! | [`cargo`] | running cargo builds, the native hosts' included |
//! | [`chapters`] | what chapters exist; resolving `chapter-2`, `2` or a folder name |
//! | [`run`] | building a chapter and running its hosts |
//! | [`check`] | checking a chapter: its example against the snapshot, then its exercises |
//! | [`exercises`] | the exercise manifest (`exercises/exercises.toml`) |
//! | [`grade`] | grading an exercise: build, run the checks, points; the JSON report |
//! | [`sandbox`] | calling a guest export through `guest-call`, with fuel, memory and time limits |
//! | [`student`] | `hint`, `list`, `reset`, `watch` |
//! | [`progress`] | a student's last grades and hints seen (`target/workbook/`) |
//! | [`pristine`] | an exercise file's starter version, from git |
//! | [`snapshot`] | reading expected output out of insta `.snap` files |
//! | [`process`] | child processes with a wall-clock limit |
//! | [`report`] | PASS/FAIL lines and diffs |

use std::path::{Path, PathBuf};

pub mod cargo;
pub mod chapters;
pub mod check;
pub mod exercises;
pub mod grade;
pub mod guests;
pub mod pristine;
pub mod process;
pub mod progress;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod snapshot;
pub mod student;
pub mod toolchain;

/// The workbook's root folder (where the workspace `Cargo.toml` is).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a folder of the workbook")
        .to_path_buf()
}
