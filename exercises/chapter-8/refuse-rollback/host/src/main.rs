//! Exercise `refuse-rollback`: chapter 8's device, on this machine. The build
//! machine's part runs first, in a temporary folder: a key, the guest
//! precompiled, and three signed updates (versions 1, 3, then 2). Then the
//! device takes them, one a tick. Your work is in `device.rs`.

mod device;
mod trust;

use std::path::{Path, PathBuf};

use ed25519_compact::{KeyPair, Seed};
use wasmtime::error::Context;
use wasmtime::{Engine, Result, format_err};

fn main() -> Result<()> {
    let guest = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: refuse-rollback-host GUEST.wasm")?;
    let dir = std::env::temp_dir().join(format!("refuse-rollback-{}", std::process::id()));
    let result = story(&guest, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result.with_context(|| format!("running `{}`", guest.display()))
}

fn story(guest: &Path, dir: &Path) -> Result<()> {
    // The build machine: a key, and the guest compiled ahead of time.
    let mut seed = [0u8; Seed::BYTES];
    getrandom::fill(&mut seed).map_err(|e| format_err!("no random numbers: {e}"))?;
    let key = KeyPair::from_seed(Seed::new(seed));
    let engine = Engine::default();
    let wasm = std::fs::read(guest).context("cannot read it")?;
    let compiled = engine.precompile_module(&wasm)?;

    // Three updates: version 1, version 3, then version 2 (an old one).
    let updates = dir.join("updates");
    std::fs::create_dir_all(&updates)?;
    for (name, version) in [
        ("01-sum.cwasm", 1),
        ("02-sum.cwasm", 3),
        ("03-sum.cwasm", 2),
    ] {
        let sig = trust::sig_text(&key, version, &compiled);
        std::fs::write(updates.join(format!("{name}.sig")), sig)?;
        std::fs::write(updates.join(name), &compiled)?;
    }

    // The device, trusting the build machine's public key.
    device::run_device(&engine, &key.pk, &updates, 4)
}
