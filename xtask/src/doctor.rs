//! `cargo xtask doctor`: which guest-toolchain route is in use, what is
//! missing, and the fix.

use std::path::Path;

use crate::{guests, report, toolchain};

/// Print the survey; returns whether guests can be built here.
pub fn run(root: &Path) -> bool {
    let survey = toolchain::survey();
    report::heading("Guest toolchain (wasm32-wasip1)");
    report::note(&format!(
        "route 1, rustup:    {}",
        toolchain::describe_rustup(&survey.rustup)
    ));
    report::note(&format!(
        "route 3, build-std: {}",
        toolchain::describe_build_std(&survey.build_std)
    ));
    if let Some(route) = survey
        .forced
        .as_deref()
        .filter(|r| matches!(*r, "rustup" | "build-std"))
    {
        report::note(&format!(
            "WORKBOOK_GUEST_ROUTE={route} restricts the choice to that route"
        ));
    }
    let memo = guests::rustup_memo(root);
    if let Ok(text) = std::fs::read_to_string(&memo) {
        report::note(&format!(
            "route 2 is skipped for a day after it failed: {} (delete {} to try again)",
            text.trim(),
            report::rel(root, &memo)
        ));
    }
    match toolchain::find() {
        Ok(toolchain) => {
            report::pass("in use", &toolchain.to_string());
            report::note(if toolchain.has_std_source() {
                "std's source, for chapter 3's immediate-abort rungs: present"
            } else {
                "std's source, for chapter 3's immediate-abort rungs: missing; `cargo xtask size` runs `rustup component add rust-src`"
            });
            true
        }
        Err(err) => {
            report::fail("in use", &format!("{err}"));
            false
        }
    }
}
