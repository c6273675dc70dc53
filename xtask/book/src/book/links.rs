//! The built book's links: every relative link and `#anchor` resolves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use regex::Regex;

/// Every relative link and `#fragment` of the built HTML resolves to a file
/// and an element id. Returns one line per broken link.
pub fn check_links(out: &Path) -> Result<Vec<String>> {
    let href = Regex::new(r#"(?:href|src)="([^"]*)""#)?;
    let id = Regex::new(r#"\bid="([^"]+)""#)?;
    let mut html_files = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                html_files.push(path);
            }
        }
    }
    html_files.sort();
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for file in &html_files {
        let text = std::fs::read_to_string(file)?;
        ids.insert(
            file.clone(),
            id.captures_iter(&text).map(|c| c[1].to_string()).collect(),
        );
        texts.insert(file.clone(), text);
    }
    let mut broken = Vec::new();
    for (file, text) in &texts {
        let shown = file.strip_prefix(out).unwrap_or(file).display().to_string();
        for cap in href.captures_iter(text) {
            let link = cap[1].replace("&amp;", "&");
            if link.is_empty()
                || link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with("javascript:")
                || link.starts_with("data:")
                || link.starts_with("{{")
            {
                continue;
            }
            let (path_part, fragment) = match link.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or("").to_string();
            let target = if path_part.is_empty() {
                file.clone()
            } else if let Some(from_top) = path_part.strip_prefix('/') {
                // Absolute links are relative to where the book is served: its root.
                normalize(&out.join(from_top))
            } else {
                let joined = file.parent().unwrap_or(out).join(&path_part);
                normalize(&joined)
            };
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.exists() {
                broken.push(format!(
                    "{shown}: `{link}` points to a file that does not exist"
                ));
                continue;
            }
            if let Some(fragment) = fragment
                && !fragment.is_empty()
                && target.extension().is_some_and(|e| e == "html")
                && !ids.get(&target).is_some_and(|set| set.contains(&fragment))
            {
                broken.push(format!(
                    "{shown}: `{link}`: no element with id `{fragment}` there"
                ));
            }
        }
    }
    Ok(broken)
}

pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
