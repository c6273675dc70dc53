//! A student's progress, kept in `target/workbook/progress.json`: the last
//! grade of each exercise and how many hints they have seen.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::grade::{Graded, Status};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub last_grade: BTreeMap<String, LastGrade>,
    #[serde(default)]
    pub hints_seen: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastGrade {
    pub status: Status,
    pub points: u32,
}

fn path(root: &Path) -> PathBuf {
    root.join("target").join("workbook").join("progress.json")
}

impl Progress {
    /// The saved progress; a missing or unreadable file is a fresh start.
    pub fn load(root: &Path) -> Progress {
        std::fs::read(path(root))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Save, ignoring failures: progress is a convenience, never a reason to fail.
    pub fn save(&self, root: &Path) {
        let path = path(root);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(json) = serde_json::to_vec_pretty(self) {
            let _ = std::fs::write(path, json);
        }
    }

    pub fn record(&mut self, graded: &Graded) {
        self.last_grade.insert(
            graded.id.clone(),
            LastGrade {
                status: graded.status,
                points: graded.points,
            },
        );
    }
}
