//! Building guests for `wasm32-wasip1` (core modules) or `wasm32-wasip2`
//! (components, for a guest whose `Cargo.toml` says
//! `[package.metadata.workbook] target = "wasm32-wasip2"`), and where each
//! `.wasm` lands.
//!
//! Guests build into a target directory of their own (`target/wasm`), so a
//! guest build and a host build never wait for each other's lock, and the
//! build-std route's standard library is built once and kept there.

use std::path::{Path, PathBuf};

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cargo::{Messages, run_build};
use crate::toolchain::{TARGET, TARGET_P2, Toolchain, components};

/// A set of guest packages of one workspace, built with one cargo run.
#[derive(Debug, Clone)]
pub struct GuestBuild {
    /// The workspace's `Cargo.toml`.
    pub manifest: PathBuf,
    pub packages: Vec<String>,
    pub target_dir: PathBuf,
    /// A cargo profile: `dev`, `release` or a custom one.
    pub profile: String,
    /// When set, std is compiled from its source for this build, with these
    /// flags for every crate (see [`Toolchain::cargo_with_std_from_source`]).
    pub std_from_source: Option<String>,
}

impl GuestBuild {
    pub fn new(
        manifest: impl Into<PathBuf>,
        packages: Vec<String>,
        target_dir: impl Into<PathBuf>,
    ) -> Self {
        GuestBuild {
            manifest: manifest.into(),
            packages,
            target_dir: target_dir.into(),
            profile: "dev".into(),
            std_from_source: None,
        }
    }

    pub fn profile(mut self, profile: &str) -> Self {
        self.profile = profile.into();
        self
    }

    /// Compile std from its source for this build, with `rustflags` for every crate.
    pub fn std_from_source(mut self, rustflags: &str) -> Self {
        self.std_from_source = Some(rustflags.into());
        self
    }

    /// Build, returning each package's `.wasm`, in the order of `packages`.
    /// Core-module guests and component guests are two cargo runs (one per
    /// target).
    pub fn run(&self, toolchain: &Toolchain, messages: Messages) -> Result<Vec<PathBuf>> {
        if self.packages.is_empty() {
            return Ok(Vec::new());
        }
        let components = component_packages(&self.manifest)?;
        let (p2, p1): (Vec<String>, Vec<String>) = self
            .packages
            .iter()
            .cloned()
            .partition(|p| components.contains(p));
        if !p1.is_empty() {
            let cmd = match &self.std_from_source {
                Some(rustflags) => toolchain.cargo_with_std_from_source("build", rustflags),
                None => toolchain.cargo("build"),
            };
            self.cargo_build(cmd, &p1, messages)?;
        }
        if !p2.is_empty() {
            if self.std_from_source.is_some() {
                bail!(
                    "component guests ({}) are built with rustup's std, not from source",
                    p2.join(", ")
                );
            }
            components::ensure(toolchain)?;
            self.cargo_build(toolchain.cargo_p2("build"), &p2, messages)?;
        }
        let paths: Vec<PathBuf> = self
            .packages
            .iter()
            .map(|p| wasm_path(&self.target_dir, p, &self.profile))
            .collect();
        for path in &paths {
            if !path.is_file() {
                bail!(
                    "the guest build finished but {} is not there: is the guest a library with crate-type = [\"cdylib\"], or a [[bin]] named after its package?",
                    path.display()
                );
            }
        }
        Ok(paths)
    }

    fn cargo_build(&self, mut cmd: Command, packages: &[String], messages: Messages) -> Result<()> {
        cmd.arg("--message-format=json-render-diagnostics")
            .arg("--manifest-path")
            .arg(&self.manifest)
            .arg("--target-dir")
            .arg(&self.target_dir)
            .args(["--profile", &self.profile]);
        for package in packages {
            cmd.args(["--package", package]);
        }
        run_build(cmd, &packages.join(", "), messages)?;
        Ok(())
    }
}

/// The packages of the workspace at `manifest` that are component guests.
fn component_packages(manifest: &Path) -> Result<Vec<String>> {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .exec()
        .with_context(|| format!("reading the packages of {}", manifest.display()))?;
    Ok(metadata
        .packages
        .into_iter()
        .filter(|p| p.metadata["workbook"]["target"].as_str() == Some(TARGET_P2))
        .map(|p| p.name.to_string())
        .collect())
}

/// The target directory of every guest: `wasm/` in the native target
/// directory, so that a host finds the guests next to its own folder
/// (`target/debug/chapter-1-host` -> `target/wasm/…`).
pub fn target_dir(root: &Path) -> PathBuf {
    crate::cargo::native_target_dir(root).join("wasm")
}

/// Where a failed `rustup target add` is remembered (see `toolchain::find_or_install`).
pub fn rustup_memo(root: &Path) -> PathBuf {
    target_dir(root).join("rustup-target-add-failed.txt")
}

/// Where cargo writes the `.wasm` of `package` built with `profile`.
///
/// A library guest (`crate-type = ["cdylib"]`, chapters 1-5) is written as
/// `chapter_1_guest.wasm`, with underscores; a WASI command (a `[[bin]]`, as
/// chapter 6's guests are) keeps its name, `chapter-6-guest.wasm`; a component
/// guest lands under `wasm32-wasip2/` instead of `wasm32-wasip1/`. When more
/// than one is there (a guest that changed kind), the newest is its module;
/// when none is, the library's name (for the error that says it is missing).
pub fn wasm_path(target_dir: &Path, package: &str, profile: &str) -> PathBuf {
    let profile_dir = match profile {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    };
    let library = format!("{}.wasm", package.replace('-', "_"));
    let command = format!("{package}.wasm");
    let dir = target_dir.join(TARGET).join(profile_dir);
    let dir_p2 = target_dir.join(TARGET_P2).join(profile_dir);
    let candidates = [
        dir.join(&library),
        dir.join(&command),
        dir_p2.join(&library),
        dir_p2.join(&command),
    ];
    let modified = |path: &Path| path.metadata().and_then(|m| m.modified()).ok();
    // `rev`: on a tie, `max_by_key` keeps the last, the first of the list.
    candidates
        .iter()
        .rev()
        .filter_map(|path| Some((modified(path)?, path)))
        .max_by_key(|(time, _)| *time)
        .map_or_else(|| dir.join(&library), |(_, path)| path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_guest_has_underscores_and_a_command_keeps_its_dashes() {
        let dir = std::env::temp_dir().join(format!("xtask-wasm-path-{}", std::process::id()));
        let debug = dir.join(TARGET).join("debug");
        std::fs::create_dir_all(&debug).unwrap();
        // Neither built yet: the library's name, for the error message.
        assert_eq!(
            wasm_path(&dir, "chapter-6-guest", "dev"),
            debug.join("chapter_6_guest.wasm")
        );
        // A command (a `[[bin]]`) keeps the package's name.
        std::fs::write(debug.join("chapter-6-guest.wasm"), b"\0asm").unwrap();
        assert_eq!(
            wasm_path(&dir, "chapter-6-guest", "dev"),
            debug.join("chapter-6-guest.wasm")
        );
        // A library is written with underscores.
        std::fs::write(debug.join("chapter_1_guest.wasm"), b"\0asm").unwrap();
        assert_eq!(
            wasm_path(&dir, "chapter-1-guest", "release"),
            dir.join(TARGET)
                .join("release")
                .join("chapter_1_guest.wasm")
        );
        assert_eq!(
            wasm_path(&dir, "chapter-1-guest", "dev"),
            debug.join("chapter_1_guest.wasm")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
