//! Reusing a grade while nothing it depends on changed: the exercise's files,
//! its workspace's manifest and lock, its manifest entry, the toolchain and the
//! grader itself. Timeouts are never reused (they depend on the machine's load).

use std::path::{Path, PathBuf};

use super::{Graded, Status};
use crate::exercises::{Exercise, Tree};
use crate::fingerprint::Fingerprint;
use crate::toolchain::Toolchain;

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    key: u64,
    graded: Graded,
}

fn path(root: &Path, exercise: &Exercise, tree: &Tree) -> PathBuf {
    root.join("target/workbook/grades")
        .join(format!("{}-{}.json", tree.noun(), exercise.id))
}

/// What the grade depends on, hashed; `None` when something cannot be read.
fn key(root: &Path, toolchain: &Toolchain, exercise: &Exercise, tree: &Tree) -> Option<u64> {
    let mut print = Fingerprint::new();
    print
        .add(format!("{exercise:?}"))
        .add(tree.base(root))
        .add(toolchain.to_string())
        .add_current_exe()?
        .add_dir(&exercise.dir(root, tree))?;
    let manifest = exercise.workspace_manifest(root, tree);
    print
        .add_file(&manifest)
        .add_file(&manifest.with_file_name("Cargo.lock"))
        .add_dir(&root.join("xtask/guest-call"))?;
    Some(print.finish())
}

/// The grade recorded for exactly these inputs, if any.
pub fn get(root: &Path, toolchain: &Toolchain, exercise: &Exercise, tree: &Tree) -> Option<Graded> {
    let key = key(root, toolchain, exercise, tree)?;
    let entry: Entry =
        serde_json::from_slice(&std::fs::read(path(root, exercise, tree)).ok()?).ok()?;
    (entry.key == key).then_some(entry.graded)
}

/// Record a grade, unless it depended on timing.
pub fn put(root: &Path, toolchain: &Toolchain, exercise: &Exercise, tree: &Tree, graded: &Graded) {
    if graded.timed_out || graded.status == Status::Error {
        return;
    }
    let Some(key) = key(root, toolchain, exercise, tree) else {
        return;
    };
    let path = path(root, exercise, tree);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(json) = serde_json::to_vec(&Entry {
        key,
        graded: graded.clone(),
    }) {
        let _ = std::fs::write(path, json);
    }
}
