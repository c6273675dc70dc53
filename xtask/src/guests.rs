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
                    "the guest build finished but {} is not there: is the guest a library with crate-type = [\"cdylib\"]?",
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
pub fn wasm_path(target_dir: &Path, package: &str, profile: &str) -> PathBuf {
    let profile_dir = match profile {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    };
    target_dir
        .join(TARGET)
        .join(profile_dir)
        .join(format!("{}.wasm", package.replace('-', "_")))
}
