//! Hashing what a result depends on (files by path and content, whole folders
//! but their `target/`), so that `check` and `watch` reuse a result while
//! nothing it depends on changed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The inputs of one result, hashed in the order they are added.
#[derive(Default)]
pub struct Fingerprint(DefaultHasher);

impl Fingerprint {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any value: a name, a setting, a toolchain's version.
    pub fn add(&mut self, value: impl Hash) -> &mut Self {
        value.hash(&mut self.0);
        self
    }

    /// A file by path and content; a missing file counts as empty.
    pub fn add_file(&mut self, path: &Path) -> &mut Self {
        path.hash(&mut self.0);
        std::fs::read(path).unwrap_or_default().hash(&mut self.0);
        self
    }

    /// Every file under `dir` but `target/`, by path and content, in order;
    /// `None` when something cannot be read.
    pub fn add_dir(&mut self, dir: &Path) -> Option<&mut Self> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if path.is_dir() {
                self.add_dir(&path)?;
            } else {
                path.hash(&mut self.0);
                std::fs::read(&path).ok()?.hash(&mut self.0);
            }
        }
        Some(self)
    }

    /// A built file by path, size and modification time (reading a 100 MB
    /// executable to hash it would cost more than the check it saves).
    pub fn add_output(&mut self, path: &Path) -> Option<&mut Self> {
        let meta = std::fs::metadata(path).ok()?;
        path.hash(&mut self.0);
        meta.len().hash(&mut self.0);
        meta.modified().ok()?.hash(&mut self.0);
        Some(self)
    }

    /// The running program itself (the xtask), by modification time: a new
    /// grader may grade differently.
    pub fn add_current_exe(&mut self) -> Option<&mut Self> {
        let time: SystemTime = std::env::current_exe()
            .ok()?
            .metadata()
            .ok()?
            .modified()
            .ok()?;
        time.hash(&mut self.0);
        Some(self)
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}
