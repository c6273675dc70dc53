//! What chapters exist, and what each is made of.
//!
//! A chapter is a folder `chapters/chapter-<N>-<slug>/` holding crates: hosts are
//! packages named `chapter-<N>-host…`, guests `chapter-<N>-guest…`. A host names
//! the guests it runs in its `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.workbook]
//! guests = ["chapter-1-guest"]
//! ```
//!
//! and is run with those guests' `.wasm` paths as its arguments; a host that
//! needs system packages to build names them (`system-packages = ["cmake"]`),
//! and building the chapter installs them first. A guest that is a component
//! says `target = "wasm32-wasip2"` (`guests::GuestBuild` builds it for that
//! target). A host may
//! name a guest of another chapter (chapter 3's runs chapter 1's); building the
//! chapter builds that guest too. Its expected output is the insta snapshot
//! `snapshots/<host package>.snap` in the chapter.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct Chapter {
    pub number: u32,
    /// The folder name, e.g. `chapter-1-first-module`.
    pub name: String,
    pub dir: PathBuf,
    pub hosts: Vec<Host>,
    /// Every guest package of the chapter, hosts' or not.
    pub guests: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Host {
    pub package: String,
    /// The folder of the host's crate.
    pub dir: PathBuf,
    /// Guest packages whose `.wasm` paths are the host's arguments, in order.
    pub guests: Vec<String>,
    /// Extra arguments after the guests' paths.
    pub args: Vec<String>,
    /// Debian packages the host needs to build (C libraries' build tools).
    pub system_packages: Vec<String>,
    /// The insta snapshot holding the host's expected stdout.
    pub snapshot: PathBuf,
}

impl fmt::Display for Chapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "chapter-{}", self.number)
    }
}

#[derive(Deserialize)]
struct Manifest {
    package: Package,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    #[serde(default)]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    workbook: Option<WorkbookMetadata>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WorkbookMetadata {
    #[serde(default)]
    guests: Vec<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default, rename = "system-packages")]
    system_packages: Vec<String>,
    /// A guest's target when it is not `wasm32-wasip1`: `wasm32-wasip2` for a
    /// component. Read by `guests::GuestBuild` (which builds exercises' guests
    /// too, so it reads it from `cargo metadata`); named here only so that
    /// `deny_unknown_fields` accepts it.
    #[serde(default)]
    #[allow(dead_code)]
    target: Option<String>,
}

/// Every chapter, in order.
pub fn all(root: &Path) -> Result<Vec<Chapter>> {
    let chapters_dir = root.join("chapters");
    let mut chapters = Vec::new();
    let entries = std::fs::read_dir(&chapters_dir)
        .with_context(|| format!("cannot list {}", chapters_dir.display()))?;
    for entry in entries {
        let dir = entry?.path();
        let Some(name) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        let Some(number) = chapter_number(&name) else {
            continue;
        };
        chapters.push(load(number, name, dir)?);
    }
    chapters.sort_by_key(|c| c.number);
    check_host_guests(&chapters)?;
    Ok(chapters)
}

/// A chapter by any of its names: `chapter-2`, `2`, or its folder name.
pub fn find(root: &Path, wanted: &str) -> Result<Chapter> {
    let chapters = all(root)?;
    let wanted = wanted.trim().trim_end_matches('/');
    let wanted = wanted.strip_prefix("chapters/").unwrap_or(wanted);
    let by_number = wanted
        .strip_prefix("chapter-")
        .unwrap_or(wanted)
        .parse::<u32>()
        .ok();
    let found = chapters
        .iter()
        .find(|c| c.name == wanted || Some(c.number) == by_number);
    match found {
        Some(chapter) => Ok(chapter.clone()),
        None => {
            let list: Vec<String> = chapters
                .iter()
                .map(|c| format!("  chapter-{:<3} ({})", c.number, c.name))
                .collect();
            bail!(
                "there is no chapter `{wanted}`. The chapters are:\n{}",
                list.join("\n")
            )
        }
    }
}

/// The chapters named (by any of their names), or every chapter when `wanted` is empty.
pub fn named(root: &Path, wanted: &[String]) -> Result<Vec<Chapter>> {
    if wanted.is_empty() {
        all(root)
    } else {
        wanted.iter().map(|c| find(root, c)).collect()
    }
}

/// `chapter-12-some-slug` -> 12.
fn chapter_number(folder: &str) -> Option<u32> {
    let rest = folder.strip_prefix("chapter-")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    if after.is_empty() || after.starts_with('-') {
        digits.parse().ok()
    } else {
        None
    }
}

fn load(number: u32, name: String, dir: PathBuf) -> Result<Chapter> {
    let mut hosts = Vec::new();
    let mut guests = Vec::new();
    let mut crate_dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crate_dirs.sort();
    let host_prefix = format!("chapter-{number}-host");
    let guest_prefix = format!("chapter-{number}-guest");
    for crate_dir in crate_dirs {
        let manifest_path = crate_dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest: Manifest = toml::from_str(&text)
            .with_context(|| format!("cannot parse {}", manifest_path.display()))?;
        let package = manifest.package.name;
        if package.starts_with(&guest_prefix) {
            guests.push(package);
        } else if package.starts_with(&host_prefix) {
            let meta = manifest.package.metadata.and_then(|m| m.workbook);
            let meta = meta.unwrap_or_default();
            let snapshot = dir.join("snapshots").join(format!("{package}.snap"));
            hosts.push(Host {
                package,
                dir: crate_dir.clone(),
                guests: meta.guests,
                args: meta.args,
                system_packages: meta.system_packages,
                snapshot,
            });
        } else {
            bail!(
                "{}: package `{package}` should be named `{host_prefix}…` or `{guest_prefix}…`",
                manifest_path.display()
            );
        }
    }
    Ok(Chapter {
        number,
        name,
        dir,
        hosts,
        guests,
    })
}

/// Every guest a host runs must be a guest crate of its chapter or, as chapter
/// 3's host runs chapter 1's guest, of another chapter.
fn check_host_guests(chapters: &[Chapter]) -> Result<()> {
    for chapter in chapters {
        for host in &chapter.hosts {
            for guest in &host.guests {
                if !chapters.iter().any(|c| c.guests.contains(guest)) {
                    bail!(
                        "{}: host `{}` runs guest `{guest}`, which is not a guest crate of any chapter",
                        chapter.dir.display(),
                        host.package
                    );
                }
            }
        }
    }
    Ok(())
}

impl Chapter {
    /// The Debian packages the chapter's hosts need to build, each once.
    pub fn system_packages(&self) -> Vec<String> {
        let mut list: Vec<String> = Vec::new();
        for package in self.hosts.iter().flat_map(|h| &h.system_packages) {
            if !list.contains(package) {
                list.push(package.clone());
            }
        }
        list
    }

    /// The guests to build before running the chapter's hosts: the chapter's
    /// own, then those of other chapters that its hosts run.
    pub fn guests_to_build(&self) -> Vec<String> {
        let mut list = self.guests.clone();
        for guest in self.hosts.iter().flat_map(|h| &h.guests) {
            if !list.contains(guest) {
                list.push(guest.clone());
            }
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_numbers_come_from_folder_names() {
        assert_eq!(chapter_number("chapter-1-first-module"), Some(1));
        assert_eq!(chapter_number("chapter-12"), Some(12));
        assert_eq!(chapter_number("chapter-1x"), None);
        assert_eq!(chapter_number("notes"), None);
    }
}
