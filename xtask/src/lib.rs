//! The workbook's machinery, shared by the `xtask` command line and the tests.
//!
//! | module | holds |
//! | --- | --- |
//! | [`toolchain`] | finding or installing a `wasm32-wasip1` toolchain (three routes) |
//! | [`guests`] | building guests into their own target dir; where each `.wasm` lands |
//! | [`cargo`] | running cargo builds, the native hosts' included |
//! | [`chapters`] | what chapters exist; resolving `chapter-2`, `2` or a folder name |
//! | [`run`] | building a chapter and running its hosts |
//! | [`check`] | comparing each host's output with its snapshot |
//! | [`snapshot`] | reading expected output out of insta `.snap` files |
//! | [`process`] | child processes with a wall-clock limit |
//! | [`report`] | PASS/FAIL lines and diffs |

use std::path::{Path, PathBuf};

pub mod cargo;
pub mod chapters;
pub mod check;
pub mod guests;
pub mod process;
pub mod report;
pub mod run;
pub mod snapshot;
pub mod toolchain;

/// The workbook's root folder (where the workspace `Cargo.toml` is).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a folder of the workbook")
        .to_path_buf()
}
