//! Chapter 8's signatures: a `.sig` file holds the version and the Ed25519
//! signature of the version and the module's bytes.

use std::path::{Path, PathBuf};

use ct_codecs::{Base64, Decoder, Encoder};
use ed25519_compact::{KeyPair, PublicKey, Signature};
use wasmtime::error::Context;
use wasmtime::{Result, bail};

/// What is signed: these words, the version, then every byte of the module.
pub fn signed_message(version: u64, module: &[u8]) -> Vec<u8> {
    let mut message = b"wasm-workbook chapter-8 update\n".to_vec();
    message.extend_from_slice(&version.to_le_bytes());
    message.extend_from_slice(module);
    message
}

/// The text of a `.sig` file: `version N`, then `ed25519 BASE64`.
pub fn sig_text(key: &KeyPair, version: u64, module: &[u8]) -> String {
    let signature = key.sk.sign(signed_message(version, module), None);
    let base64 = Base64::encode_to_string(*signature).unwrap_or_default();
    format!("version {version}\ned25519 {base64}\n")
}

/// `FILE.sig`, the signature of `FILE`.
pub fn sig_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// A module whose signature verified: its bytes, read once, and its version.
pub struct Verified {
    pub version: u64,
    pub bytes: Vec<u8>,
}

/// Check `FILE.sig`, then read `FILE` once and check the signature covers it.
pub fn verify(trusted: &PublicKey, file: &Path) -> Result<Verified> {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let text = std::fs::read_to_string(sig_path(file))
        .with_context(|| format!("cannot read its signature `{name}.sig`"))?;
    let (version, signature) =
        parse_sig(&text).with_context(|| format!("its signature `{name}.sig` is unusable"))?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read `{name}`"))?;
    // EXERCISE: check that `signature` is the trusted key's signature of
    // `signed_message(version, &bytes)`; if it is not, fail with the error
    // `its signature `NAME.sig` does not match it` (NAME: the file's name).
    let _ = (trusted, signature);
    Ok(Verified { version, bytes })
}

fn parse_sig(text: &str) -> Result<(u64, Signature)> {
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
    Ok((version, Signature::new(raw)))
}
