//! Reusing a chapter example's PASS while nothing it depends on changed: the
//! chapter's files (and those of other chapters whose guests its hosts run),
//! the workspace's manifest, lock and cargo settings, the toolchain, the xtask
//! itself, and the executables and `.wasm` files the last check ran. A warm
//! `cargo xtask check` then neither calls cargo nor runs the hosts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::chapters::{self, Chapter};
use crate::fingerprint::Fingerprint;
use crate::run::ReadyHost;
use crate::toolchain::Toolchain;

#[derive(Serialize, Deserialize)]
struct Entry {
    inputs: u64,
    outputs: Vec<PathBuf>,
    outputs_print: u64,
}

fn path(root: &Path, chapter: &Chapter) -> PathBuf {
    root.join("target/workbook/examples")
        .join(format!("{}.json", chapter.name))
}

/// What the example's outcome depends on, hashed.
fn inputs(root: &Path, toolchain: &Toolchain, chapter: &Chapter) -> Option<u64> {
    let mut print = Fingerprint::new();
    print.add(toolchain.to_string()).add_current_exe()?;
    for file in ["Cargo.toml", "Cargo.lock", ".cargo/config.toml"] {
        print.add_file(&root.join(file));
    }
    let all = chapters::all(root).ok()?;
    let guests = chapter.guests_to_build();
    for other in all
        .iter()
        .filter(|c| c.guests.iter().any(|g| guests.contains(g)))
    {
        print.add_dir(&other.dir)?;
    }
    print.add_dir(&chapter.dir)?;
    Some(print.finish())
}

fn outputs_print(outputs: &[PathBuf]) -> Option<u64> {
    let mut print = Fingerprint::new();
    for output in outputs {
        print.add_output(output)?;
    }
    Some(print.finish())
}

/// Whether the last check of `chapter` passed with exactly these inputs and
/// its outputs are as it left them.
pub fn passed_unchanged(root: &Path, toolchain: &Toolchain, chapter: &Chapter) -> bool {
    let Ok(bytes) = std::fs::read(path(root, chapter)) else {
        return false;
    };
    let Ok(entry) = serde_json::from_slice::<Entry>(&bytes) else {
        return false;
    };
    inputs(root, toolchain, chapter) == Some(entry.inputs)
        && outputs_print(&entry.outputs) == Some(entry.outputs_print)
}

/// Record that the example passed, having run `hosts`.
pub fn record_pass(root: &Path, toolchain: &Toolchain, chapter: &Chapter, hosts: &[ReadyHost]) {
    let mut outputs: Vec<PathBuf> = Vec::new();
    for ready in hosts {
        outputs.push(ready.exe.clone());
        outputs.extend(ready.args.iter().map(PathBuf::from).filter(|p| p.is_file()));
    }
    let (Some(inputs), Some(outputs_print)) =
        (inputs(root, toolchain, chapter), outputs_print(&outputs))
    else {
        return;
    };
    let entry = Entry {
        inputs,
        outputs,
        outputs_print,
    };
    let path = path(root, chapter);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(json) = serde_json::to_vec(&entry) {
        let _ = std::fs::write(path, json);
    }
}
