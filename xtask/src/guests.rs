//! Building guests for `wasm32-wasip1`, and where each `.wasm` lands.
//!
//! Guests build into a target directory of their own (`target/wasm`), so a
//! guest build and a host build never wait for each other's lock, and the
//! build-std route's standard library is built once and kept there.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cargo::{Messages, run_build};
use crate::toolchain::{TARGET, Toolchain};

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
    pub fn run(&self, toolchain: &Toolchain, messages: Messages) -> Result<Vec<PathBuf>> {
        if self.packages.is_empty() {
            return Ok(Vec::new());
        }
        let mut cmd = match &self.std_from_source {
            Some(rustflags) => toolchain.cargo_with_std_from_source("build", rustflags),
            None => toolchain.cargo("build"),
        };
        cmd.arg("--message-format=json-render-diagnostics")
            .arg("--manifest-path")
            .arg(&self.manifest)
            .arg("--target-dir")
            .arg(&self.target_dir)
            .args(["--profile", &self.profile]);
        for package in &self.packages {
            cmd.args(["--package", package]);
        }
        run_build(cmd, &self.packages.join(", "), messages)?;
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
/// chapter 6's guests are) keeps its name, `chapter-6-guest.wasm`. When both
/// files are there (a guest that changed kind), the newer one is its module;
/// when neither is, the library's name (for the error that says it is missing).
pub fn wasm_path(target_dir: &Path, package: &str, profile: &str) -> PathBuf {
    let profile_dir = match profile {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    };
    let dir = target_dir.join(TARGET).join(profile_dir);
    let library = dir.join(format!("{}.wasm", package.replace('-', "_")));
    let command = dir.join(format!("{package}.wasm"));
    let modified = |path: &Path| path.metadata().and_then(|m| m.modified()).ok();
    match (modified(&library), modified(&command)) {
        (Some(lib), Some(cmd)) if cmd > lib => command,
        (None, Some(_)) => command,
        _ => library,
    }
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
