//! `cargo xtask doctor`: which guest-toolchain route is in use, the system
//! packages the chapters need, what is missing, and the fix.

use std::path::Path;

use crate::toolchain::install::missing_debian_packages;
use crate::{chapters, guests, report, toolchain};

/// Print the survey; returns whether guests can be built here.
pub fn run(root: &Path) -> bool {
    let guests = guest_toolchain(root);
    system_packages(root);
    guests
}

/// The system packages each chapter's hosts need to build, and which are
/// missing. A missing one is not a failure here: `cargo xtask run` of that
/// chapter installs it (as root on Debian) or says how.
fn system_packages(root: &Path) {
    report::heading("System packages of the chapters (Debian)");
    let chapters = match chapters::all(root) {
        Ok(chapters) => chapters,
        Err(err) => {
            report::fail("chapters", &format!("{err:#}"));
            return;
        }
    };
    for chapter in chapters.iter().filter(|c| !c.system_packages().is_empty()) {
        let packages = chapter.system_packages();
        let wanted: Vec<&str> = packages.iter().map(String::as_str).collect();
        let missing = missing_debian_packages(&wanted);
        let label = format!("{chapter}");
        if missing.is_empty() {
            report::pass(&label, &format!("{} installed", wanted.join(", ")));
        } else {
            report::skip(
                &label,
                &format!(
                    "missing {}: `cargo xtask run {chapter}` installs them as root, or run `sudo apt-get install {}`",
                    missing.join(", "),
                    missing.join(" ")
                ),
            );
        }
    }
}

/// The guest toolchain's routes; returns whether guests can be built here.
fn guest_toolchain(root: &Path) -> bool {
    let survey = toolchain::survey();
    report::heading("Guest toolchain (wasm32-wasip1)");
    report::note(&format!(
        "route 1, rustup:    {}",
        toolchain::describe_rustup(&survey.rustup)
    ));
    let memo = guests::rustup_memo(root);
    report::note(&format!(
        "route 2, download:  {}",
        describe_download(&survey.rustup, &memo)
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
            component_guests(&toolchain);
            true
        }
        Err(err) => {
            report::fail("in use", &format!("{err}"));
            false
        }
    }
}

/// Chapter 11's component guests (`wasm32-wasip2`): rustup's route only.
fn component_guests(toolchain: &toolchain::Toolchain) {
    report::heading(&format!("Component guests ({})", toolchain::TARGET_P2));
    match toolchain::components::describe(toolchain) {
        Ok(text) => report::pass("wasm32-wasip2", &text),
        Err(text) => report::fail(
            "wasm32-wasip2",
            &format!(
                "{text}; chapter 11 cannot be built (rustup's route can: `rustup target add wasm32-wasip2`)"
            ),
        ),
    }
}

/// Route 2 (`rustup target add`): whether it is needed, and whether it would
/// be tried.
fn describe_download(rustup: &toolchain::RustupState, memo: &Path) -> String {
    use toolchain::RustupState;
    match rustup {
        RustupState::Absent => "needs rustup".into(),
        RustupState::Ready(_) => "not needed (route 1 is ready)".into(),
        RustupState::MissingTarget { .. } if !toolchain::may_install() => {
            "would add the target, but WORKBOOK_NO_INSTALL=1 forbids it".into()
        }
        RustupState::MissingTarget { .. } if memo.exists() => {
            "failed recently: skipped (below)".into()
        }
        RustupState::MissingTarget { .. } => {
            "the next build runs `rustup target add wasm32-wasip1`".into()
        }
    }
}
