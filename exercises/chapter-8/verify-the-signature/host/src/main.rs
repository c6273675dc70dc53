//! Exercise `verify-the-signature`: chapter 8's device, on this machine. The
//! build machine's part runs first, in a temporary folder: it signs the guest,
//! precompiled, as version 1. Then an attacker delivers a module of their own,
//! signed with their own key, as version 2. The device takes both, one a
//! tick. Your work is in `trust.rs`.

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
        .context("usage: verify-the-signature-host GUEST.wasm")?;
    let dir = std::env::temp_dir().join(format!("verify-the-signature-{}", std::process::id()));
    let result = story(&guest, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result.with_context(|| format!("running `{}`", guest.display()))
}

fn story(guest: &Path, dir: &Path) -> Result<()> {
    // The build machine: a key, and the guest compiled ahead of time.
    let key = new_key()?;
    let engine = Engine::default();
    let wasm = std::fs::read(guest).context("cannot read it")?;
    let compiled = engine.precompile_module(&wasm)?;

    // An attacker's module: it answers 666. They sign it with their own key.
    let evil = engine.precompile_module(EVIL.as_bytes())?;
    let attacker = new_key()?;

    let updates = dir.join("updates");
    std::fs::create_dir_all(&updates)?;
    let deliveries = [
        (
            "01-sum.cwasm",
            trust::sig_text(&key, 1, &compiled),
            &compiled,
        ),
        ("02-evil.cwasm", trust::sig_text(&attacker, 2, &evil), &evil),
    ];
    for (name, sig, module) in deliveries {
        std::fs::write(updates.join(format!("{name}.sig")), sig)?;
        std::fs::write(updates.join(name), module)?;
    }

    // The device, trusting the build machine's public key only.
    device::run_device(&engine, &key.pk, &updates, 3)
}

/// The attacker's module, in WebAssembly's text format.
const EVIL: &str = r#"(module (func (export "sum") (param i32 i32) (result i32) i32.const 666))"#;

fn new_key() -> Result<KeyPair> {
    let mut seed = [0u8; Seed::BYTES];
    getrandom::fill(&mut seed).map_err(|e| format_err!("no random numbers: {e}"))?;
    Ok(KeyPair::from_seed(Seed::new(seed)))
}
