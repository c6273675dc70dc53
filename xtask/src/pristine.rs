//! The starter version of an exercise's files, as first handed out, read from
//! git history: the version in the commit that added the file. Used by
//! `cargo xtask reset` and to tell an untouched starter from a student's work.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The content of `path` (relative to `root`) in the commit that added it.
pub fn starter(root: &Path, path: &Path) -> Result<Vec<u8>> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel.to_string_lossy().replace('\\', "/");
    let log = git(root, &["log", "--format=%H", "--diff-filter=A", "--", &rel])?;
    let Some(commit) = String::from_utf8_lossy(&log).lines().last().map(str::to_owned) else {
        bail!("git has no history of {rel}: is it committed?");
    };
    git(root, &["show", &format!("{commit}:{rel}")])
}

/// Whether every one of `files` still holds its starter content.
pub fn untouched(root: &Path, files: &[std::path::PathBuf]) -> Result<bool> {
    for file in files {
        let now = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        if starter(root, file)? != now {
            return Ok(false);
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
        bail!("`git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}
