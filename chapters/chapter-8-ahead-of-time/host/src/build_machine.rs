//! The build machine's commands: `keygen`, `precompile` and `sign`. The
//! signing key never leaves this machine; devices get its public half.

use std::path::Path;

use ct_codecs::{Base64, Encoder};
use ed25519_compact::{KeyPair, SecretKey, Seed};
use wasmtime::error::Context;
use wasmtime::{Config, Engine, Result, bail, format_err};

use crate::{device, trust};

// ANCHOR: keygen
/// A new key pair: `DIR/signing.key` (secret, readable by its owner only)
/// and `DIR/signing.pub`. An existing key is never overwritten.
pub fn keygen(dir: &Path) -> Result<()> {
    let (secret, public) = (dir.join("signing.key"), dir.join("signing.pub"));
    if secret.exists() {
        bail!(
            "`{}` exists: keygen never overwrites a key",
            secret.display()
        );
    }
    let mut seed = [0u8; Seed::BYTES];
    getrandom::fill(&mut seed).map_err(|e| format_err!("no random numbers: {e}"))?;
    let key = KeyPair::from_seed(Seed::new(seed));
    std::fs::create_dir_all(dir)?;
    write_secret(&secret, key.sk.to_pem().as_bytes())?;
    std::fs::write(&public, key.pk.to_pem())
        .with_context(|| format!("cannot write `{}`", public.display()))?;
    Ok(())
}
// ANCHOR_END: keygen

/// Write a file that only its owner may read (on Unix).
fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

// ANCHOR: precompile
/// Compile a module for the device, now, on this machine: the result is the
/// machine code (or Pulley bytecode) that the device will only load.
pub fn precompile(input: &Path, output: &Path, target: Option<&str>, defaults: bool) -> Result<()> {
    let config = match defaults {
        // Wasmtime's defaults, for a machine with virtual memory: code that
        // relies on guard pages and signals, which the device does not have.
        true => {
            let mut config = Config::new();
            if let Some(target) = target {
                config.target(target)?;
            }
            config
        }
        false => device::device_config(target)?,
    };
    let engine = Engine::new(&config)?;
    let wasm = std::fs::read(input).context("cannot read it")?;
    let compiled = engine.precompile_module(&wasm)?;
    std::fs::write(output, compiled)
        .with_context(|| format!("cannot write `{}`", output.display()))?;
    Ok(())
}
// ANCHOR_END: precompile

// ANCHOR: sign
/// `FILE.sig`: the signature of `version` and every byte of `FILE`.
pub fn sign(key_file: &Path, file: &Path, version: u64) -> Result<()> {
    let key = read_signing_key(key_file)?;
    let bytes = std::fs::read(file).context("cannot read it")?;
    let sig_file = trust::sig_path(file);
    std::fs::write(&sig_file, sig_text(&key, version, &bytes))
        .with_context(|| format!("cannot write `{}`", sig_file.display()))?;
    Ok(())
}

/// The text of a `.sig` file for these bytes: the version, then the
/// signature in base64.
pub fn sig_text(key: &KeyPair, version: u64, bytes: &[u8]) -> String {
    let signature = key.sk.sign(trust::signed_message(version, bytes), None);
    let base64 = Base64::encode_to_string(*signature).unwrap_or_default();
    format!("version {version}\ned25519 {base64}\n")
}
// ANCHOR_END: sign

/// A signing key from the PEM file `keygen` wrote.
pub fn read_signing_key(path: &Path) -> Result<KeyPair> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the signing key `{}`", path.display()))?;
    let secret = SecretKey::from_pem(&text).map_err(|e| {
        format_err!(
            "`{}` is not an Ed25519 signing key in PEM form: {e}",
            path.display()
        )
    })?;
    Ok(KeyPair {
        pk: secret.public_key(),
        sk: secret,
    })
}
