//! Climbing the ladder: each rung's module built (or run through `wasm-opt`),
//! copied into [`ladder_dir`] under the rung's name, and measured.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use xtask::cargo::Messages;
use xtask::guests::{self, GuestBuild};
use xtask::toolchain::Toolchain;

use super::wasm_opt::{find_wasm_opt, run_wasm_opt};
use super::{
    GUEST, IMMEDIATE_ABORT_FLAGS, LAST_PROFILE, Rung, StdFromSource, WasmOpt, ladder_dir,
    std_from_source_dir,
};

/// What every rung needs: where to build, where to keep the modules, the
/// toolchain, and the `wasm-opt` found (or why there is none).
pub(super) struct Climb<'a> {
    root: &'a Path,
    toolchain: &'a Toolchain,
    manifest: PathBuf,
    out_dir: PathBuf,
    pub(super) wasm_opt: WasmOpt,
}

impl<'a> Climb<'a> {
    /// Starts with an empty [`ladder_dir`], so that no module of an earlier
    /// run is taken for this one's.
    pub(super) fn new(root: &'a Path, toolchain: &'a Toolchain) -> Result<Self> {
        let out_dir = ladder_dir(root);
        if out_dir.exists() {
            std::fs::remove_dir_all(&out_dir)
                .with_context(|| format!("cannot empty {}", out_dir.display()))?;
        }
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("cannot create {}", out_dir.display()))?;
        Ok(Climb {
            root,
            toolchain,
            manifest: root.join("Cargo.toml"),
            out_dir,
            wasm_opt: find_wasm_opt(),
        })
    }

    /// `guest` built with `profile`, kept as the rung `name`.
    pub(super) fn cargo_rung(
        &self,
        guest: &str,
        profile: &str,
        name: &str,
        setting: &str,
    ) -> Result<Rung> {
        eprintln!("size: building {guest} with the {profile} profile");
        let built = GuestBuild::new(
            &self.manifest,
            vec![guest.to_string()],
            guests::target_dir(self.root),
        )
        .profile(profile)
        .run(self.toolchain, Messages::Capture)
        .with_context(|| format!("building {guest} with the {profile} profile"))?;
        self.kept(&built[0], name, setting, guest, profile)
    }

    /// The rung after `from`: `from` run through `wasm-opt`, when there is one.
    pub(super) fn wasm_opt_rung(
        &self,
        from: &Rung,
        name: &str,
        setting: &str,
    ) -> Result<Option<Rung>> {
        let WasmOpt::Found { exe, .. } = &self.wasm_opt else {
            return Ok(None);
        };
        let to = self.out_dir.join(format!("{name}.wasm"));
        run_wasm_opt(exe, &from.wasm, &to)?;
        measured(name, setting, &from.guest, &from.profile, true, to).map(Some)
    }

    /// Past stable settings: std itself compiled without its panic machinery,
    /// then `wasm-opt` on that. In a target dir of its own, so that the
    /// guests' usual std stays built. Without std's source: no rungs, and why.
    pub(super) fn immediate_abort_rungs(&self) -> Result<(StdFromSource, Vec<Rung>)> {
        if let Err(err) = self.toolchain.ensure_std_source() {
            let why = format!("{err:#}");
            return Ok((StdFromSource::Missing { why }, Vec::new()));
        }
        eprintln!(
            "size: building {GUEST} with the {LAST_PROFILE} profile and std compiled from source with {IMMEDIATE_ABORT_FLAGS}"
        );
        let built = GuestBuild::new(
            &self.manifest,
            vec![GUEST.to_string()],
            std_from_source_dir(self.root),
        )
        .profile(LAST_PROFILE)
        .std_from_source(IMMEDIATE_ABORT_FLAGS)
        .run(self.toolchain, Messages::Capture)
        .with_context(|| {
            format!("building {GUEST} with std compiled from source ({IMMEDIATE_ABORT_FLAGS})")
        })?;
        let abort = self.kept(
            &built[0],
            "immediate-abort",
            "the last profile, with std compiled from source and `-Cpanic=immediate-abort` (unstable)",
            GUEST,
            LAST_PROFILE,
        )?;
        let abort_opt = self.wasm_opt_rung(
            &abort,
            "immediate-abort-wasm-opt",
            "`immediate-abort`, then `wasm-opt -Oz`",
        )?;
        let mut rungs = vec![abort];
        rungs.extend(abort_opt);
        Ok((StdFromSource::Built, rungs))
    }

    /// A built module, copied into the ladder's folder under the rung's name.
    fn kept(
        &self,
        built: &Path,
        name: &str,
        setting: &str,
        guest: &str,
        profile: &str,
    ) -> Result<Rung> {
        let to = self.out_dir.join(format!("{name}.wasm"));
        std::fs::copy(built, &to)
            .with_context(|| format!("cannot copy {} to {}", built.display(), to.display()))?;
        measured(name, setting, guest, profile, false, to)
    }
}

/// A rung whose module is `wasm`, with its size read from the file.
fn measured(
    name: &str,
    setting: &str,
    guest: &str,
    profile: &str,
    wasm_opt: bool,
    wasm: PathBuf,
) -> Result<Rung> {
    let bytes = std::fs::metadata(&wasm)
        .with_context(|| format!("cannot read {}", wasm.display()))?
        .len();
    Ok(Rung {
        name: name.into(),
        setting: setting.into(),
        guest: guest.into(),
        profile: profile.into(),
        wasm_opt,
        wasm,
        bytes,
        host_line: String::new(),
    })
}
