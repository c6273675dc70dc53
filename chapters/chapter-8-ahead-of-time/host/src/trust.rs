//! What a device trusts: a public key, and a `.sig` file next to each module
//! that says which version it is and proves who built it. Both hosts of the
//! chapter use this file (the device host includes it with `#[path]`).

use std::io::Read;
use std::path::{Path, PathBuf};

use ct_codecs::{Base64, Decoder};
use ed25519_compact::{PublicKey, Signature};
use wasmtime::error::Context;
use wasmtime::{Result, bail};

// ANCHOR: message
/// What the build machine signs: these words, then the version, then every
/// byte of the module. The version is signed with the module, so nobody can
/// relabel an old module as a new one without the key.
pub fn signed_message(version: u64, module: &[u8]) -> Vec<u8> {
    let mut message = b"wasm-workbook chapter-8 update\n".to_vec();
    message.extend_from_slice(&version.to_le_bytes());
    message.extend_from_slice(module);
    message
}
// ANCHOR_END: message

/// A `.sig` file holds two short lines; anything longer is not one.
const MAX_SIG_LEN: u64 = 1024;
/// The largest module a device accepts: more is refused before it is read.
const MAX_MODULE_LEN: u64 = 64 << 20;

/// `FILE.sig`, the signature of `FILE`.
pub fn sig_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// A public key from its PEM file (`keygen` writes `signing.pub`).
pub fn read_public_key(path: &Path) -> Result<PublicKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the public key `{}`", path.display()))?;
    PublicKey::from_pem(&text).map_err(|err| {
        wasmtime::format_err!(
            "`{}` is not an Ed25519 public key in PEM form: {err}",
            path.display()
        )
    })
}

/// A module whose signature verified: its bytes, read once, and its version.
pub struct Verified {
    pub version: u64,
    pub bytes: Vec<u8>,
}

// ANCHOR: verify
/// Check `FILE.sig` against the trusted key, then read `FILE` once and check
/// that the signature covers exactly these bytes. The caller loads these
/// bytes, never the file again: a file swapped after the check is not loaded.
pub fn verify(trusted: &PublicKey, file: &Path) -> Result<Verified> {
    let sig_file = sig_path(file);
    let (version, signature) = read_sig(&sig_file)
        .with_context(|| format!("its signature `{}` is unusable", name_of(&sig_file)))?;
    let bytes = read_at_most(file, MAX_MODULE_LEN)?;
    let message = signed_message(version, &bytes);
    if trusted.verify(&message, &signature).is_err() {
        bail!(
            "its signature `{}` does not match it: the file was changed after it \
             was signed, or it was signed with another key",
            name_of(&sig_file)
        );
    }
    Ok(Verified { version, bytes })
}
// ANCHOR_END: verify

/// Parse a `.sig` file: two lines, `version N` and `ed25519 BASE64` (the
/// signature's 64 bytes), nothing else; `build_machine::sig_text` writes them.
fn read_sig(path: &Path) -> Result<(u64, Signature)> {
    let bytes = read_at_most(path, MAX_SIG_LEN)?;
    let text = String::from_utf8(bytes).context("it is not text")?;
    let mut lines = text.lines();
    let version = lines
        .next()
        .and_then(|l| l.strip_prefix("version "))
        .and_then(|v| v.parse::<u64>().ok())
        .context("its first line must be `version N`")?;
    let base64 = lines
        .next()
        .and_then(|l| l.strip_prefix("ed25519 "))
        .context("its second line must be `ed25519 SIGNATURE`")?;
    let mut raw = [0u8; Signature::BYTES];
    match Base64::decode(&mut raw, base64, None) {
        Ok(decoded) if decoded.len() == Signature::BYTES => {}
        _ => bail!("its signature is not {} bytes in base64", Signature::BYTES),
    }
    if lines.next().is_some() {
        bail!("it has more than two lines");
    }
    Ok((version, Signature::new(raw)))
}

/// Read a whole file, refusing one longer than `limit` before reading it.
fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read `{}`", name_of(path)))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{}`", name_of(path)))?;
    if bytes.len() as u64 > limit {
        bail!("`{}` is larger than {limit} bytes", name_of(path));
    }
    Ok(bytes)
}

/// A file's name without its folder: messages name files this way, and the
/// caller's context gives the full path once.
fn name_of(path: &Path) -> String {
    let name = path.file_name().unwrap_or(path.as_os_str());
    name.to_string_lossy().into_owned()
}
