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

/// Build the guests and hosts that the exercise's checks use (the hosts
/// incrementally when `incremental`, see [`super::Limits`]).
pub fn build(
    root: &Path,
    toolchain: &Toolchain,
    exercise: &Exercise,
    tree: &Tree,
    incremental: bool,
    progress: &dyn Fn(&str),
) -> Result<Built> {
    let mut guest_map = BTreeMap::new();
    let guest_folders = exercise.guest_folders();
    if !guest_folders.is_empty() {
        progress("building the guest");
        for (from, folders) in by_tree(exercise, tree, guest_folders) {
            let wasm = GuestBuild::new(
                exercise.workspace_manifest(root, &from),
                packages_of(root, exercise, &from, &folders)?,
                guests::target_dir(root),
            )
            .run(toolchain, Messages::Capture)
            .context("the guest does not build")?;
            guest_map.extend(folders.into_iter().zip(wasm));
        }
    }
    let mut host_map = BTreeMap::new();
    let host_folders = exercise.host_folders();
    if !host_folders.is_empty() {
        progress("building the host");
        for (from, folders) in by_tree(exercise, tree, host_folders) {
            let manifest = exercise.workspace_manifest(root, &from);
            let packages = packages_of(root, exercise, &from, &folders)?;
            let exes = cargo::build_exercise_hosts(&manifest, &packages, incremental)
                .context("the host does not build")?;
            for (folder, package) in folders.into_iter().zip(packages) {
                host_map.insert(folder, exes[&package].clone());
            }
        }
    }
    Ok(Built {
        guests: guest_map,
        hosts: host_map,
    })
}

/// The package names of an exercise's crate `folders` in `tree`.
fn packages_of(
    root: &Path,
    exercise: &Exercise,
    tree: &Tree,
    folders: &[String],
) -> Result<Vec<String>> {
    folders
        .iter()
        .map(|f| exercise.package(root, tree, f))
        .collect()
}

/// Which tree each crate folder is built from. A reference answer changes
/// only the files of the exercise's `edit` list; a crate folder holding none
/// of them is the same crate in the starters' tree, already built there (or
/// soon), so the solution uses that build instead of compiling and linking
/// a renamed copy of it (a host is a 60 MB executable linking Wasmtime).
/// An exercise with a workspace of its own is built where it is.
fn by_tree(exercise: &Exercise, tree: &Tree, folders: Vec<String>) -> Vec<(Tree, Vec<String>)> {
    if *tree != Tree::Solutions || exercise.has_own_workspace() {
        return vec![(tree.clone(), folders)];
    }
    let (edited, unedited): (Vec<String>, Vec<String>) = folders.into_iter().partition(|folder| {
        exercise
            .edit
            .iter()
            .any(|file| file.starts_with(&format!("{folder}/")))
    });
    [(tree.clone(), edited), (Tree::Exercises, unedited)]
        .into_iter()
        .filter(|(_, folders)| !folders.is_empty())
        .collect()
}
