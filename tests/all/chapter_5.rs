//! Chapter 5: sharing memory. The host program's output and errors, and what
//! its guests import and export. The host's toolbox (`chapter_5_host`) is
//! tested in-process by the chapter's own `host/tests/toolbox/`, which
//! `cargo xtask test` runs in the same build as the hosts (one Wasmtime).

use std::ffi::OsStr;
use std::path::Path;

use workbook_tests::{
    assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports, run_host,
    run_host_with, wasm_from_wat,
};

const CHAPTER: &str = "chapter-5";
const HOST: &str = "chapter-5-host";
const GUEST: &str = "chapter-5-guest";
const IMPORTED_MEMORY_GUEST: &str = "chapter-5-guest-imported-memory";

#[test]
fn the_host_shares_strings_and_bytes_with_both_guests() {
    let ready = host(CHAPTER, HOST);
    assert_output_snapshot(&ready, &run_host(&ready));
}

#[test]
fn only_the_second_guest_imports_its_memory_and_both_export_it() {
    let own = guest_wasm(CHAPTER, GUEST);
    let hosted = guest_wasm(CHAPTER, IMPORTED_MEMORY_GUEST);
    assert_eq!(memories_of(&own), (vec![], vec!["memory".to_string()]));
    // Exported too, for WASI, which finds a guest's memory by that export.
    assert_eq!(
        memories_of(&hosted),
        (
            vec![("env".to_string(), "memory".to_string())],
            vec!["memory".to_string()]
        )
    );
}

#[test]
fn both_guests_export_the_allocator_and_import_only_wasi() {
    for package in [GUEST, IMPORTED_MEMORY_GUEST] {
        let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, package));
        for name in ["alloc", "dealloc", "greet", "reverse", "broken_answer"] {
            assert!(
                exports.contains(&name.to_string()),
                "{package} exports {exports:?}"
            );
        }
        for (module, name) in &imports {
            assert_eq!(
                module, "wasi_snapshot_preview1",
                "{package} imports {module}::{name}"
            );
        }
    }
}

#[test]
fn a_missing_second_guest_is_named() {
    let own = guest_wasm(CHAPTER, GUEST);
    let out = run_host_with(
        &host(CHAPTER, HOST),
        &[own.as_os_str(), OsStr::new("no-such-guest.wasm")],
    );
    assert_eq!(out.status.and_then(|s| s.code()), Some(1));
    assert!(
        out.stderr_text()
            .contains("cannot load the guest module `no-such-guest.wasm`"),
        "{}",
        out.stderr_text()
    );
}

/// The memories a module imports and exports.
fn memories_of(path: &Path) -> (Vec<(String, String)>, Vec<String>) {
    workbook_tests::imports_and_exports_of(path, wasmparser::ExternalKind::Memory)
}

mod wrong_answers;
