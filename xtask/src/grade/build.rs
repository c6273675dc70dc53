//! Building one exercise's guests (for wasm32-wasip1) and hosts (native), with
//! the compiler's messages captured so that a compile error is a grade, not a
//! crash of the grader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cargo::{self, Messages};
use crate::exercises::{Exercise, Tree};
use crate::guests::{self, GuestBuild};
use crate::toolchain::Toolchain;

/// Built artifacts of one exercise.
pub struct Built {
    /// Guest folder -> `.wasm` (dev profile).
    pub guests: BTreeMap<String, PathBuf>,
    /// Host folder -> executable.
    pub hosts: BTreeMap<String, PathBuf>,
}

/// Build the guests and hosts that the exercise's checks use.
pub fn build(
    root: &Path,
    toolchain: &Toolchain,
    exercise: &Exercise,
    tree: &Tree,
    progress: &dyn Fn(&str),
) -> Result<Built> {
    let manifest = exercise.workspace_manifest(root, tree);
    let packages_of = |folders: &[String]| -> Result<Vec<String>> {
        folders
            .iter()
            .map(|f| exercise.package(root, tree, f))
            .collect()
    };
    let mut guest_map = BTreeMap::new();
    let guest_folders = exercise.guest_folders();
    if !guest_folders.is_empty() {
        progress("building the guest");
        let wasm = GuestBuild::new(
            &manifest,
            packages_of(&guest_folders)?,
            guests::target_dir(root),
        )
        .run(toolchain, Messages::Capture)
        .context("the guest does not build")?;
        guest_map = guest_folders.into_iter().zip(wasm).collect();
    }
    let mut host_map = BTreeMap::new();
    let host_folders = exercise.host_folders();
    if !host_folders.is_empty() {
        progress("building the host");
        let packages = packages_of(&host_folders)?;
        let exes = cargo::build_hosts(&manifest, &packages, Messages::Capture)
            .context("the host does not build")?;
        for (folder, package) in host_folders.into_iter().zip(packages) {
            host_map.insert(folder, exes[&package].clone());
        }
    }
    Ok(Built {
        guests: guest_map,
        hosts: host_map,
    })
}
