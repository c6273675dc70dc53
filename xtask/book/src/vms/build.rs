//! Building what the benchmark runs: chapter 7's guest in release, and the
//! `chapter-7-bench` program once per VM (each with that VM's feature alone)
//! and once with none (the native baseline), in the `vm-bench` profile (a
//! quick run: `dev`, the build the tests made; see `xtask::bench`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use xtask::cargo::Messages;
use xtask::guests::{self, GuestBuild};
use xtask::toolchain::Toolchain;

/// The guest whose exports are the workloads.
pub const GUEST: &str = "chapter-7-guest";
/// The package of the benchmark program, and the program.
pub const HOST: &str = "chapter-7-host";
pub const PROGRAM: &str = "chapter-7-bench";

/// Each build of the benchmark program: its cargo feature (none for the
/// baseline) and the VMs it runs.
pub const BUILDS: [(&str, &[&str]); 5] = [
    (
        "wasmtime",
        &["wasmtime-cranelift", "wasmtime-winch", "wasmtime-pulley"],
    ),
    ("wasmi", &["wasmi"]),
    ("wasm3", &["wasm3"]),
    ("wamr", &["wamr"]),
    ("", &["native"]),
];

/// What was built: the guest, and for every VM of [`super::VMS`] its program.
#[derive(Debug, Clone)]
pub struct Built {
    pub guest: PathBuf,
    pub programs: BTreeMap<String, PathBuf>,
}

/// Build the guest and every program; says on stderr what it builds.
pub fn build(root: &Path, toolchain: &Toolchain, mode: super::Mode) -> Result<Built> {
    let profile = xtask::bench::profile(mode == super::Mode::Quick);
    let chapter = xtask::chapters::find(root, "chapter-7")?;
    xtask::run::ensure_system_packages(&chapter)?;
    let bar = xtask::bench::spinner(&format!("bench: building {GUEST} (release)"));
    let guest = GuestBuild::new(
        root.join("Cargo.toml"),
        vec![GUEST.to_string()],
        guests::target_dir(root),
    )
    .profile("release")
    .run(toolchain, Messages::Capture)
    .with_context(|| format!("building {GUEST}"));
    bar.finish_and_clear();
    let guest = guest?.remove(0);
    let out = xtask::cargo::native_target_dir(root)
        .join("bench")
        .join("vms")
        .join(format!("bin-{profile}"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut programs = BTreeMap::new();
    for (feature, vms) in BUILDS {
        let what = if feature.is_empty() {
            "native"
        } else {
            feature
        };
        // Cargo shows its own progress: the first build of each is minutes
        // long (a release build of the VM), and has no time limit here.
        eprintln!("bench: building {PROGRAM} for {what} (the {profile} profile)");
        let exe = build_program(root, feature, profile)?;
        // Each build replaces the last one's program: keep each, as a hard
        // link where the file system allows it (a dev build is 60-90 MB).
        let kept = out.join(format!("{PROGRAM}-{what}"));
        let _ = std::fs::remove_file(&kept);
        std::fs::hard_link(&exe, &kept)
            .or_else(|_| std::fs::copy(&exe, &kept).map(|_| ()))
            .with_context(|| format!("cannot copy {} to {}", exe.display(), kept.display()))?;
        for vm in vms {
            programs.insert(vm.to_string(), kept.clone());
        }
    }
    Ok(Built { guest, programs })
}

/// `cargo build --profile PROFILE -p chapter-7-host --bin chapter-7-bench
/// --no-default-features [--features FEATURE]`; returns the program.
fn build_program(root: &Path, feature: &str, profile: &str) -> Result<PathBuf> {
    let mut extra = vec!["--no-default-features"];
    if !feature.is_empty() {
        extra.extend(["--features", feature]);
    }
    xtask::cargo::build_in_profile(root, HOST, PROGRAM, profile, &extra)
}
