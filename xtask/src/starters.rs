//! The starter version of every file a student edits, as handed out.
//!
//! `exercises/starters.lock` records, for each such file, the id of its git
//! blob (what `git hash-object` prints). A file whose content still has that id
//! is untouched; `cargo xtask reset` puts the content back with
//! `git cat-file blob <id>`. Maintainers who change a starter run
//! `cargo xtask starters` to record the new version.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::exercises::{Manifest, Tree};

/// The lock's path, relative to the workbook's root.
pub const LOCK: &str = "exercises/starters.lock";

/// Every file students edit, as (key in the lock, path on disk).
pub fn starter_files(root: &Path, manifest: &Manifest) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for ex in &manifest.exercises {
        let dir = ex.dir(root, &Tree::Exercises);
        for file in &ex.edit {
            let path = dir.join(file);
            files.push((key_of(root, &path), path));
        }
    }
    files
}

/// The recorded blob ids, by key (`chapter-1/multiply/guest/src/lib.rs`).
pub fn load(root: &Path) -> Result<BTreeMap<String, String>> {
    let path = root.join(LOCK);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (maintainers: `cargo xtask starters` writes it)",
            path.display()
        )
    })?;
    toml::from_str(&text).with_context(|| format!("{} is not a valid lock", path.display()))
}

/// `cargo xtask starters`: record every starter as handed out.
pub fn command(root: &Path) -> Result<()> {
    let count = update(root, &crate::exercises::load(root)?)?;
    println!("recorded {count} starter files in {LOCK}");
    Ok(())
}

/// Record the current content of every starter file, and store each blob in
/// git's object database so that it can be restored until it is committed.
pub fn update(root: &Path, manifest: &Manifest) -> Result<usize> {
    let mut text = String::from(
        "# The git blob of every file students edit, as handed out: `cargo xtask reset`\n\
         # restores these, and a file with another content counts as the student's work.\n\
         # Written by `cargo xtask starters`; run it after changing a starter.\n",
    );
    let files = starter_files(root, manifest);
    for (key, path) in &files {
        let id = git(root, &["hash-object", "-w", "--", &path.to_string_lossy()])?;
        text += &format!("{key:?} = {:?}\n", String::from_utf8_lossy(&id).trim());
    }
    std::fs::write(root.join(LOCK), text).with_context(|| format!("cannot write {LOCK}"))?;
    Ok(files.len())
}

/// The blob id of a file's current content.
pub fn blob_id(root: &Path, file: &Path) -> Result<String> {
    Ok(
        String::from_utf8_lossy(&git(root, &["hash-object", "--", &file.to_string_lossy()])?)
            .trim()
            .to_string(),
    )
}

fn key_of(root: &Path, file: &Path) -> String {
    let base = Tree::Exercises.base(root);
    file.strip_prefix(&base)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The starter content of `file` (a path under `exercises/`), by the `lock`
/// that [`load`] read.
pub fn starter(root: &Path, lock: &BTreeMap<String, String>, file: &Path) -> Result<Vec<u8>> {
    let key = key_of(root, file);
    let Some(id) = lock.get(&key) else {
        bail!("{LOCK} has no starter for {key}");
    };
    git(root, &["cat-file", "blob", id]).with_context(|| {
        format!("git does not have the starter of {key} (blob {id}); is this a shallow clone?")
    })
}

/// Whether every one of `files` still holds its starter content, by the
/// `lock` that [`load`] read.
pub fn untouched(root: &Path, lock: &BTreeMap<String, String>, files: &[PathBuf]) -> Result<bool> {
    for file in files {
        let key = key_of(root, file);
        match lock.get(&key) {
            Some(id) if *id == blob_id(root, file)? => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}
