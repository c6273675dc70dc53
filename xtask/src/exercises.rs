//! The exercise manifest, `exercises/exercises.toml`: the one source of truth for
//! every exercise's id, chapter, title, the files a student edits, hints, points
//! and what the grader checks.
//!
//! An exercise's starter is a folder `exercises/chapter-<N>/<id>/` of crates
//! (`guest/`, `host/`, ...), members of the one exercises workspace
//! (`exercises/Cargo.toml`). An exercise that has students edit a `Cargo.toml`
//! is a workspace of its own, so that a broken manifest breaks only that
//! exercise. Its reference answer, `solutions/chapter-<N>/<id>/`, holds only the
//! files of its `edit` list (see [`crate::solutions`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The manifest's path, relative to the workbook's root.
pub const MANIFEST: &str = "exercises/exercises.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Unique across the workbook; also the exercise's folder name.
    pub id: String,
    pub chapter: u32,
    pub title: String,
    /// What to do, in a sentence or two.
    pub task: String,
    /// The files a student edits, relative to the exercise's folder.
    pub edit: Vec<String>,
    /// Hints, from gentle to giving it away.
    pub hints: Vec<String>,
    pub points: u32,
    /// What the grader checks, in order.
    #[serde(rename = "check")]
    pub checks: Vec<Check>,
}

/// One thing the grader verifies. All text comparisons are exact unless the
/// field says `contains`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// Call a guest's export in the grader's own Wasmtime (with WASI, a fuel
    /// limit and captured output).
    Call {
        /// Says what the check is about, in the report.
        about: String,
        /// The guest crate's folder in the exercise (default `guest`).
        #[serde(default = "default_guest")]
        guest: String,
        export: String,
        #[serde(default)]
        args: Vec<i64>,
        /// The values the export must return.
        returns: Option<Vec<i64>>,
        /// The call must trap, with a message (or guest stderr) holding this.
        traps: Option<String>,
        /// What the guest must print to stdout, exactly.
        stdout: Option<String>,
        /// Environment variables the guest sees through WASI.
        #[serde(default)]
        env: BTreeMap<String, String>,
    },
    /// Run the exercise's host program.
    Run {
        about: String,
        /// The host crate's folder in the exercise (default `host`).
        #[serde(default = "default_host")]
        host: String,
        /// Arguments; `{guest}` stands for the `.wasm` of the `guest` crate,
        /// `{guest:<folder>}` for another guest crate's.
        #[serde(default)]
        args: Vec<String>,
        /// The exit code the host must end with.
        #[serde(default)]
        exit: i32,
        stdout: Option<String>,
        #[serde(default)]
        stdout_contains: Vec<String>,
        #[serde(default)]
        stderr_contains: Vec<String>,
    },
    /// The size of a guest's `.wasm`, built with a given profile.
    Size {
        about: String,
        #[serde(default = "default_guest")]
        guest: String,
        #[serde(default = "default_release")]
        profile: String,
        max_bytes: u64,
    },
}

fn default_guest() -> String {
    "guest".into()
}
fn default_host() -> String {
    "host".into()
}
fn default_release() -> String {
    "release".into()
}

impl Check {
    pub fn about(&self) -> &str {
        match self {
            Check::Call { about, .. } | Check::Run { about, .. } | Check::Size { about, .. } => {
                about
            }
        }
    }
}

/// Which tree to grade: what students edit, the reference answers (laid over a
/// copy of the starters, see [`crate::solutions`]), or any folder laid out like
/// `exercises/` (`chapter-<N>/<id>/`), such as a test's attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    Exercises,
    Solutions,
    At(PathBuf),
}

impl Tree {
    /// The folder holding `chapter-<N>/<id>/`, and the exercises workspace's
    /// `Cargo.toml`.
    pub fn base(&self, root: &Path) -> PathBuf {
        match self {
            Tree::Exercises => root.join("exercises"),
            Tree::Solutions => crate::solutions::graded_dir(root),
            Tree::At(path) => path.clone(),
        }
    }

    /// What the tree holds, for messages: "exercises", "solutions".
    pub fn noun(&self) -> &'static str {
        match self {
            Tree::Exercises => "exercises",
            Tree::Solutions => "solutions",
            Tree::At(_) => "attempts",
        }
    }
}

impl Exercise {
    /// The exercise's folder in `tree`.
    pub fn dir(&self, root: &Path, tree: &Tree) -> PathBuf {
        tree.base(root)
            .join(format!("chapter-{}", self.chapter))
            .join(&self.id)
    }

    /// The `Cargo.toml` of the workspace the exercise's crates belong to: its
    /// own when students edit a `Cargo.toml` in it, else the tree's.
    pub fn workspace_manifest(&self, root: &Path, tree: &Tree) -> PathBuf {
        if self.has_own_workspace() {
            self.dir(root, tree).join("Cargo.toml")
        } else {
            tree.base(root).join("Cargo.toml")
        }
    }

    /// Whether the exercise is a workspace of its own (its `edit` list holds
    /// its top `Cargo.toml`).
    pub fn has_own_workspace(&self) -> bool {
        self.edit.iter().any(|f| f == "Cargo.toml")
    }

    /// What is missing for the exercise to be graded in `tree`, if anything:
    /// its folder, or a crate folder its checks use.
    pub fn missing_folder(&self, root: &Path, tree: &Tree) -> Option<String> {
        let dir = self.dir(root, tree);
        let shown = crate::report::rel(root, &dir);
        if !dir.is_dir() {
            return Some(format!("the exercise's folder {shown} is missing"));
        }
        let manifest = self.workspace_manifest(root, tree);
        if !manifest.is_file() {
            let shown = crate::report::rel(root, &manifest);
            return Some(format!("the exercise's workspace {shown} is missing"));
        }
        let folders = self.guest_folders().into_iter().chain(self.host_folders());
        for folder in folders {
            if !dir.join(&folder).join("Cargo.toml").is_file() {
                return Some(format!(
                    "the crate {shown}/{folder} (its Cargo.toml) is missing"
                ));
            }
        }
        None
    }

    /// The package name of the crate in `folder` (e.g. `guest`) of the exercise.
    pub fn package(&self, root: &Path, tree: &Tree, folder: &str) -> Result<String> {
        let manifest = self.dir(root, tree).join(folder).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("cannot read {}", manifest.display()))?;
        let value: toml::Table = toml::from_str(&text)
            .with_context(|| format!("cannot parse {}", manifest.display()))?;
        value
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_owned)
            .with_context(|| format!("{} has no [package] name", manifest.display()))
    }

    /// The guest crate folders the checks use.
    pub fn guest_folders(&self) -> Vec<String> {
        let mut folders: Vec<String> = Vec::new();
        let mut add = |f: &str| {
            if !folders.iter().any(|x| x == f) {
                folders.push(f.to_string());
            }
        };
        for check in &self.checks {
            match check {
                Check::Call { guest, .. } | Check::Size { guest, .. } => add(guest),
                Check::Run { args, .. } => {
                    for arg in args {
                        if let Some(folder) = placeholder(arg) {
                            add(folder);
                        }
                    }
                }
            }
        }
        folders
    }

    /// The host crate folders the checks run.
    pub fn host_folders(&self) -> Vec<String> {
        let mut folders: Vec<String> = Vec::new();
        for check in &self.checks {
            if let Check::Run { host, .. } = check
                && !folders.contains(host)
            {
                folders.push(host.clone());
            }
        }
        folders
    }
}

/// `{guest}` -> `guest`, `{guest:other}` -> `other`; anything else -> None.
pub fn placeholder(arg: &str) -> Option<&str> {
    let inner = arg.strip_prefix('{')?.strip_suffix('}')?;
    match inner.split_once(':') {
        Some(("guest", folder)) => Some(folder),
        None if inner == "guest" => Some("guest"),
        _ => None,
    }
}

/// Read and validate the manifest.
pub fn load(root: &Path) -> Result<Manifest> {
    let path = root.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut manifest: Manifest = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid manifest", path.display()))?;
    // In chapter order wherever they are listed: `list`, `grade`, the next
    // exercise to do. Within a chapter, in the manifest's order.
    manifest.exercises.sort_by_key(|e| e.chapter);
    let chapters: Vec<u32> = crate::chapters::all(root)?
        .iter()
        .map(|c| c.number)
        .collect();
    validate(&manifest, &chapters)
        .with_context(|| format!("{} is not a valid manifest", path.display()))?;
    Ok(manifest)
}

fn validate(manifest: &Manifest, chapters: &[u32]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for ex in &manifest.exercises {
        if !seen.insert(ex.id.as_str()) {
            bail!("the exercise id `{}` is used twice", ex.id);
        }
        if ex.id.is_empty()
            || !ex
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            bail!(
                "the exercise id `{}` must be lowercase letters, digits and dashes",
                ex.id
            );
        }
        if ex.hints.is_empty() {
            bail!("exercise `{}` has no hints", ex.id);
        }
        if ex.checks.is_empty() {
            bail!("exercise `{}` has no checks", ex.id);
        }
        if !chapters.contains(&ex.chapter) {
            bail!(
                "exercise `{}` belongs to chapter {}, which does not exist (chapters: {chapters:?})",
                ex.id,
                ex.chapter
            );
        }
        if ex.edit.is_empty() {
            bail!("exercise `{}` names no files to edit", ex.id);
        }
        for file in &ex.edit {
            let inside = Path::new(file)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if file.is_empty() || !inside {
                bail!(
                    "exercise `{}`: the file to edit `{file}` must be a path inside the exercise's folder",
                    ex.id
                );
            }
        }
        for check in &ex.checks {
            if let Check::Call {
                returns: None,
                traps: None,
                stdout: None,
                about,
                ..
            } = check
            {
                bail!("exercise `{}`: the check `{about}` expects nothing", ex.id);
            }
            if let Check::Call {
                returns: Some(_),
                traps: Some(_),
                about,
                ..
            } = check
            {
                bail!(
                    "exercise `{}`: the check `{about}` cannot both return and trap",
                    ex.id
                );
            }
        }
    }
    Ok(())
}

impl Manifest {
    /// An exercise by id, or an error that lists the ids.
    pub fn find(&self, id: &str) -> Result<&Exercise> {
        self.exercises.iter().find(|e| e.id == id).with_context(|| {
            let ids: Vec<&str> = self.exercises.iter().map(|e| e.id.as_str()).collect();
            format!(
                "there is no exercise `{id}`. The exercises are: {}",
                ids.join(", ")
            )
        })
    }

    pub fn of_chapter(&self, chapter: u32) -> Vec<&Exercise> {
        self.exercises
            .iter()
            .filter(|e| e.chapter == chapter)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(chapter: u32, edit: &str) -> Manifest {
        toml::from_str(&format!(
            r#"
[[exercise]]
id = "probe"
chapter = {chapter}
title = "t"
task = "t"
edit = ["{edit}"]
points = 1
hints = ["h"]

[[exercise.check]]
kind = "call"
about = "a"
export = "sum"
args = [1, 2]
returns = [3]
"#
        ))
        .unwrap()
    }

    #[test]
    fn a_good_exercise_passes_validation() {
        validate(&manifest(1, "guest/src/lib.rs"), &[1, 2]).unwrap();
    }

    #[test]
    fn an_exercise_of_a_chapter_that_does_not_exist_is_refused() {
        let err = validate(&manifest(99, "guest/src/lib.rs"), &[1, 2]).unwrap_err();
        assert!(
            err.to_string()
                .contains("belongs to chapter 99, which does not exist"),
            "{err}"
        );
    }

    #[test]
    fn a_file_to_edit_outside_the_exercise_is_refused() {
        for edit in ["../../../Cargo.toml", "/etc/passwd", ""] {
            let err = validate(&manifest(1, edit), &[1]).unwrap_err();
            assert!(
                err.to_string()
                    .contains("must be a path inside the exercise's folder"),
                "{edit}: {err}"
            );
        }
    }
}
