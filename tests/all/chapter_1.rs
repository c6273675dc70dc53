//! Chapter 1: the first module and its host, on the real guest.

use std::ffi::OsStr;

use workbook_tests::{
    assert_output_snapshot, guest_wasm, host, imports_and_exports, root, run_host, run_host_with,
    wasm_from_wat,
};

const CHAPTER: &str = "chapter-1";
const HOST: &str = "chapter-1-host";

#[test]
fn the_host_prints_the_guests_line_then_its_own() {
    let ready = host(CHAPTER, HOST);
    assert_output_snapshot(&ready, &run_host(&ready));
}

#[test]
fn the_guest_imports_exactly_the_four_wasi_functions_and_exports_sum() {
    let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, "chapter-1-guest"));
    let wasi = |name: &str| ("wasi_snapshot_preview1".to_string(), name.to_string());
    assert_eq!(
        imports,
        vec![
            wasi("environ_get"),
            wasi("environ_sizes_get"),
            wasi("fd_write"),
            wasi("proc_exit")
        ]
    );
    assert!(exports.contains(&"sum".to_string()), "exports: {exports:?}");
}

/// Run the host on `path`; it must fail clearly (see
/// [`workbook_tests::assert_fails_clearly`]) and never reach its own line.
fn assert_fails_clearly(path: &std::path::Path, expected: &[&str]) {
    let out =
        workbook_tests::assert_fails_clearly(&host(CHAPTER, HOST), &[path.as_os_str()], expected);
    assert!(
        !out.stdout_text().contains("From host"),
        "{}",
        out.stdout_text()
    );
}

#[test]
fn a_missing_file_is_named_in_the_error() {
    let path = workbook_tests::missing_wasm();
    let shown = path.display().to_string();
    assert_fails_clearly(
        &path,
        &[
            "running the guest module",
            "cannot load it",
            &shown,
            "No such file",
        ],
    );
}

#[test]
fn a_file_that_is_not_wasm_is_refused() {
    // Text that is not WebAssembly's text format either: the WAT parser says
    // where it stopped.
    let path = workbook_tests::write_temp("not-wasm.wasm", b"this is text, not WebAssembly\n");
    let shown = path.display().to_string();
    assert_fails_clearly(
        &path,
        &[
            "running the guest module",
            "cannot load it",
            &shown,
            "expected `(`",
            "this is text, not WebAssembly",
        ],
    );
    // Bytes that are neither a module nor text.
    let path =
        workbook_tests::write_temp("not-wasm-bytes.wasm", &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    assert_fails_clearly(
        &path,
        &["cannot load it", &path.display().to_string(), "utf-8"],
    );
}

#[test]
fn a_module_in_the_text_format_runs_too() {
    // The workspace's Wasmtime has its `wat` feature: a host loads `.wat`
    // files, such as the one the chapter's page shows.
    let path = root().join("chapters/chapter-1-first-module/sum.wat");
    let out = run_host_with(&host(CHAPTER, HOST), &[path.as_os_str()]);
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        out.stdout_text(),
        "From host: Answer returned to the host VM: 9\n"
    );
}

#[test]
fn a_module_without_sum_is_refused() {
    let path = wasm_from_wat(
        "no-sum",
        r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0))"#,
    );
    let shown = path.display().to_string();
    assert_fails_clearly(
        &path,
        &[
            &shown,
            "must export `sum` as fn(i32, i32) -> i32",
            "failed to find function export `sum`",
        ],
    );
}

#[test]
fn a_sum_of_another_signature_is_refused() {
    let path = wasm_from_wat(
        "sum-i64",
        r#"(module (func (export "sum") (param i64 i64) (result i64) local.get 0))"#,
    );
    let shown = path.display().to_string();
    assert_fails_clearly(
        &path,
        &[
            &shown,
            "must export `sum` as fn(i32, i32) -> i32",
            "type mismatch",
        ],
    );
}

#[test]
fn a_guest_that_traps_is_reported_with_its_wasm_backtrace() {
    let path = wasm_from_wat(
        "sum-traps",
        r#"(module
             (func $check (param i32) (if (i32.gt_s (local.get 0) (i32.const 8)) (then unreachable)))
             (func $sum (export "sum") (param i32 i32) (result i32)
               (call $check (i32.add (local.get 0) (local.get 1)))
               (i32.add (local.get 0) (local.get 1))))"#,
    );
    let shown = path.display().to_string();
    assert_fails_clearly(
        &path,
        &[
            &shown,
            "trapped in `sum`",
            "wasm backtrace",
            "check",
            "sum",
            "unreachable",
        ],
    );
}

#[test]
fn an_argument_is_a_path_even_when_it_looks_like_an_option() {
    let out = run_host_with(&host(CHAPTER, HOST), &[OsStr::new("--help")]);
    assert!(!out.success());
    assert!(
        out.stderr_text()
            .contains("running the guest module `--help`"),
        "{}",
        out.stderr_text()
    );
}

#[test]
fn the_readme_shows_the_real_output() {
    let ready = host(CHAPTER, HOST);
    let expected = xtask::snapshot::expected_output(&ready.host.snapshot).unwrap();
    let readme = std::fs::read_to_string(workbook_tests::root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```text\n{expected}```")),
        "README.md's output block differs from the snapshot:\n{expected}"
    );
}
