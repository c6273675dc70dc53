//! The reference answers, stored once.
//!
//! `solutions/chapter-<N>/<id>/` holds only the files of the exercise's `edit`
//! list that the answer changes, at the same paths as in the starter. To grade
//! them, [`lay_over`] copies `exercises/` (the starters' files as handed out,
//! from `exercises/starters.lock`, whatever a student changed) into
//! `target/workbook/solved/`, puts each answer's files on top, and that copy is
//! graded. Nothing in `exercises/` is modified.
//!
//! The copy's packages are renamed `solution-…`: it builds into the workbook's
//! one target folder (so Wasmtime is compiled once), where a package of the
//! same name would overwrite the student's `.wasm` and executables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::exercises::{Exercise, Manifest, Tree};
use crate::starters;

/// Where the reference answers are kept.
pub fn dir(root: &Path) -> PathBuf {
    root.join("solutions")
}

/// Where the starters with the answers laid over them are graded.
pub fn graded_dir(root: &Path) -> PathBuf {
    root.join("target").join("workbook").join("solved")
}

/// The folder of one exercise's answer.
pub fn answer_dir(root: &Path, exercise: &Exercise) -> PathBuf {
    dir(root)
        .join(format!("chapter-{}", exercise.chapter))
        .join(&exercise.id)
}

/// The files of an exercise's answer, relative to its folder, sorted.
pub fn files_of(root: &Path, exercise: &Exercise) -> Result<Vec<String>> {
    let base = answer_dir(root, exercise);
    let mut files = Vec::new();
    if base.is_dir() {
        walk(&base, &mut |path| {
            files.push(relative(&base, path));
            Ok(())
        })?;
    }
    files.sort();
    Ok(files)
}

/// Lay every answer over a fresh copy of the starters in [`graded_dir`].
/// Only files whose content changes are written, so cargo rebuilds only what
/// an answer or a starter changed.
pub fn lay_over(root: &Path, manifest: &Manifest) -> Result<()> {
    let starters_dir = Tree::Exercises.base(root);
    let mut wanted: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    walk(&starters_dir, &mut |path| {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        wanted.insert(relative(&starters_dir, path), bytes);
        Ok(())
    })?;
    let lock = starters::load(root)?;
    for exercise in &manifest.exercises {
        let folder = format!("chapter-{}/{}", exercise.chapter, exercise.id);
        if !starters_dir.join(&folder).is_dir() {
            continue; // grading says the starter's folder is missing
        }
        for file in &exercise.edit {
            let path = starters_dir.join(&folder).join(file);
            let starter = starters::starter(root, &lock, &path)?;
            wanted.insert(format!("{folder}/{file}"), starter);
        }
        for file in files_of(root, exercise)? {
            if !exercise.edit.contains(&file) {
                bail!(
                    "solutions/{folder}/{file} is not in the `edit` list of `{}` in {}: an answer holds only the files a student edits",
                    exercise.id,
                    crate::exercises::MANIFEST
                );
            }
            let path = answer_dir(root, exercise).join(&file);
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            wanted.insert(format!("{folder}/{file}"), bytes);
        }
    }
    for (name, bytes) in wanted.iter_mut() {
        if name.ends_with("Cargo.toml") {
            *bytes = renamed(name, bytes)?;
        }
    }
    sync(&graded_dir(root), &wanted)
}

/// A crate's `Cargo.toml` with its package renamed `solution-<name>`.
fn renamed(name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let mut manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("cannot parse exercises/{name}"))?;
    let Some(package) = manifest.get_mut("package").and_then(|p| p.as_table_mut()) else {
        return Ok(bytes.to_vec()); // a workspace's manifest
    };
    if let Some(toml::Value::String(package_name)) = package.get_mut("name") {
        *package_name = format!("solution-{package_name}");
    }
    Ok(toml::to_string(&manifest)?.into_bytes())
}

/// Make `dir` hold exactly `wanted` (besides build output in `target/`).
fn sync(dir: &Path, wanted: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    for (name, bytes) in wanted {
        let path = dir.join(name);
        if std::fs::read(&path).ok().as_deref() == Some(bytes.as_slice()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if dir.is_dir() {
        let mut stale = Vec::new();
        walk(dir, &mut |path| {
            if !wanted.contains_key(&relative(dir, path)) {
                stale.push(path.to_path_buf());
            }
            Ok(())
        })?;
        for path in stale {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Call `visit` for every file under `dir`, leaving out `target/` folders.
fn walk(dir: &Path, visit: &mut dyn FnMut(&Path) -> Result<()>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                walk(&path, visit)?;
            }
        } else {
            visit(&path)?;
        }
    }
    Ok(())
}

fn relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
