//! `cargo xtask check chapter-N`: run a chapter's hosts and compare what each
//! prints with its committed snapshot.

use std::path::Path;

use anyhow::Result;

use crate::cargo::Messages;
use crate::chapters::Chapter;
use crate::process;
use crate::report;
use crate::run::{self, HOST_TIMEOUT, ReadyHost};
use crate::snapshot;
use crate::toolchain::Toolchain;

/// Check every host of `chapter`; returns how many failed.
pub fn chapter(root: &Path, toolchain: &Toolchain, chapter: &Chapter) -> Result<usize> {
    report::heading(&format!("{chapter} ({}): the chapter's example", chapter.name));
    let hosts = match run::build_chapter(root, toolchain, chapter, Messages::Show) {
        Ok(hosts) => hosts,
        Err(err) => {
            report::fail(&chapter.to_string(), &format!("{err:#}"));
            return Ok(chapter.hosts.len().max(1));
        }
    };
    let mut failed = 0;
    for ready in &hosts {
        if let Err(problem) = host(root, ready) {
            report::fail(&ready.host.package, &problem);
            failed += 1;
        }
    }
    Ok(failed)
}

/// Run one host and compare its stdout with its snapshot, byte for byte.
fn host(root: &Path, ready: &ReadyHost) -> std::result::Result<(), String> {
    let snapshot_path = ready.host.snapshot.strip_prefix(root).unwrap_or(&ready.host.snapshot);
    let expected = snapshot::expected_output(&ready.host.snapshot).map_err(|e| format!("{e:#}"))?;
    let out = process::run_captured(ready.command(root), HOST_TIMEOUT).map_err(|e| format!("{e:#}"))?;
    if !out.success() {
        return Err(format!(
            "the host {}; what it printed to stderr:\n{}",
            out.ending(),
            out.stderr_text().trim_end()
        ));
    }
    match report::diff(&expected, &out.stdout_text()) {
        None => {
            report::pass(&ready.host.package, &format!("output matches {}", snapshot_path.display()));
            Ok(())
        }
        Some(diff) => Err(format!("output differs from {}\n{diff}", snapshot_path.display())),
    }
}
