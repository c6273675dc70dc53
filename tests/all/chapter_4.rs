//! Chapter 4: the host's API for the guest, on the real guest and on
//! hand-written modules that misuse it.

use std::ffi::OsStr;

use workbook_tests::{
    Captured, assert_output_snapshot, guest_wasm, host, imports_and_exports, run_host,
    wasm_from_wat,
};

const CHAPTER: &str = "chapter-4";
const HOST: &str = "chapter-4-host";
const GUEST: &str = "chapter-4-guest";

/// The functions the host defines in its import module `host`.
const HOST_FUNCTIONS: [&str; 5] = [
    "entity_count",
    "health",
    "log_message",
    "move_by",
    "set_health",
];

#[test]
fn the_script_changes_the_world_the_host_holds() {
    let ready = host(CHAPTER, HOST);
    assert_output_snapshot(&ready, &run_host(&ready));
}

#[test]
fn the_world_after_the_script_differs_from_the_world_before() {
    // Independent of the snapshot's wording: the host prints its world twice,
    // and the guest's calls changed it in between.
    let out = run_host(&host(CHAPTER, HOST));
    assert!(out.success(), "{}", out.stderr_text());
    let stdout = out.stdout_text();
    let (before, after) = stdout
        .split_once("From host: calling `script`")
        .expect("the host names the call");
    assert!(before.contains("knight  health 100  at (0, 0)"), "{before}");
    assert!(after.contains("knight  health 100  at (2, 1)"), "{after}");
    assert!(after.contains("goblin  health  15  at (5, 2)"), "{after}");
    assert!(after.contains("slime   health  18  at (-3, 4)"), "{after}");
}

/// Run the host with `args`; it must fail clearly (see
/// [`workbook_tests::assert_fails_clearly`]).
fn assert_fails_clearly(args: &[&OsStr], expected: &[&str]) -> Captured {
    workbook_tests::assert_fails_clearly(&host(CHAPTER, HOST), args, expected)
}

#[test]
fn an_error_from_a_host_function_stops_the_guest_and_is_reported() {
    let guest = guest_wasm(CHAPTER, GUEST);
    let shown = guest.display().to_string();
    let out = assert_fails_clearly(
        &[guest.as_os_str(), OsStr::new("attack_missing")],
        &[
            "the script `attack_missing` failed",
            &shown,
            "failed",
            "host::health: there is no entity 99; the world has 3 entities, with ids 0 to 2",
            // The trap's wasm backtrace names the guest function that called.
            "attack_missing",
        ],
    );
    // The guest ran up to the failing call, and not one line further; the
    // host did not go on as if the script had finished.
    let stdout = out.stdout_text();
    assert!(
        stdout.contains("From WASM: hitting entity 99\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("entity 99 was hit"),
        "the guest went on after the trap:\n{stdout}"
    );
    assert!(!stdout.contains("the world after"), "{stdout}");
}

#[test]
fn a_failing_import_called_from_wat_traps_with_the_hosts_message() {
    // The same rule without Rust on the guest side: `script` calls
    // `host::move_by` on entity 7 of a world of 3.
    let path = wasm_from_wat(
        "chapter-4-move-missing",
        r#"(module
             (import "host" "move_by" (func $move_by (param i32 i32 i32)))
             (memory (export "memory") 1)
             (func (export "script") (call $move_by (i32.const 7) (i32.const 1) (i32.const 1))))"#,
    );
    let shown = path.display().to_string();
    assert_fails_clearly(
        &[path.as_os_str()],
        &[
            &shown,
            "the script `script`",
            "host::move_by: there is no entity 7; the world has 3 entities",
        ],
    );
}

#[test]
fn a_move_that_would_overflow_a_coordinate_is_refused_not_a_host_panic() {
    // Entity 1 stands at x = 5; moving it by i32::MAX would overflow the
    // host's `i32`. The host checks the guest's numbers like it checks ids.
    let path = wasm_from_wat(
        "chapter-4-move-overflow",
        r#"(module
             (import "host" "move_by" (func $move_by (param i32 i32 i32)))
             (memory (export "memory") 1)
             (func (export "script") (call $move_by (i32.const 1) (i32.const 2147483647) (i32.const 0))))"#,
    );
    assert_fails_clearly(
        &[path.as_os_str()],
        &["host::move_by: moving entity 1 by (2147483647, 0) leaves the map"],
    );
}

#[test]
fn a_log_message_outside_the_guests_memory_is_refused() {
    // One page of memory is 65536 bytes: 100 bytes at offset 65500 run past it.
    let path = wasm_from_wat(
        "chapter-4-log-out-of-bounds",
        r#"(module
             (import "host" "log_message" (func $log (param i32 i32)))
             (memory (export "memory") 1)
             (func (export "script") (call $log (i32.const 65500) (i32.const 100))))"#,
    );
    let shown = path.display().to_string();
    assert_fails_clearly(
        &[path.as_os_str()],
        &[
            &shown,
            "host::log_message: the guest's string, 100 bytes at offset 65500, lies outside its memory of 65536 bytes",
        ],
    );
}

#[test]
fn a_log_message_with_a_length_that_overflows_is_refused() {
    // offset + length is past 4 GiB: the host must not wrap around.
    let path = wasm_from_wat(
        "chapter-4-log-overflow",
        r#"(module
             (import "host" "log_message" (func $log (param i32 i32)))
             (memory (export "memory") 1)
             (func (export "script") (call $log (i32.const 16) (i32.const -1))))"#,
    );
    assert_fails_clearly(
        &[path.as_os_str()],
        &["host::log_message: the guest's string, 4294967295 bytes at offset 16"],
    );
}

#[test]
fn a_log_message_that_is_not_utf8_is_refused() {
    let path = wasm_from_wat(
        "chapter-4-log-not-utf8",
        r#"(module
             (import "host" "log_message" (func $log (param i32 i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "ok \ff\fe")
             (func (export "script") (call $log (i32.const 0) (i32.const 5))))"#,
    );
    assert_fails_clearly(
        &[path.as_os_str()],
        &["host::log_message: the guest's string is not valid UTF-8"],
    );
}

#[test]
fn a_module_importing_a_function_the_host_lacks_fails_to_instantiate() {
    let path = wasm_from_wat(
        "chapter-4-teleport",
        r#"(module
             (import "host" "teleport" (func (param i32 i32 i32)))
             (func (export "script")))"#,
    );
    let shown = path.display().to_string();
    let out = assert_fails_clearly(
        &[path.as_os_str()],
        &[
            &format!("running the guest module `{shown}`"),
            "cannot instantiate it",
            "host::teleport",
            "has not been defined",
        ],
    );
    assert!(
        !out.stdout_text().contains("calling"),
        "{}",
        out.stdout_text()
    );
}

#[test]
fn an_import_of_the_wrong_type_fails_to_instantiate() {
    // `health` exists, but takes one i32 and returns one: not two i64s.
    let path = wasm_from_wat(
        "chapter-4-health-i64",
        r#"(module
             (import "host" "health" (func (param i64 i64) (result i64)))
             (func (export "script")))"#,
    );
    let shown = path.display().to_string();
    assert_fails_clearly(
        &[path.as_os_str()],
        &[
            &format!("running the guest module `{shown}`"),
            "cannot instantiate it",
            "incompatible import type for `host::health`",
        ],
    );
}

#[test]
fn an_entry_point_the_guest_does_not_export_is_named() {
    let guest = guest_wasm(CHAPTER, GUEST);
    let shown = guest.display().to_string();
    assert_fails_clearly(
        &[guest.as_os_str(), OsStr::new("fly")],
        &[&shown, "must export `fly` as fn()"],
    );
}

#[test]
fn the_guest_imports_exactly_the_host_functions_and_the_wasi_it_needs() {
    let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, GUEST));
    let (ours, wasi): (Vec<_>, Vec<_>) = imports
        .into_iter()
        .partition(|(module, _)| module == "host");
    let ours: Vec<&str> = ours.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(ours, HOST_FUNCTIONS, "the guest's `host` imports");
    // `format!` and the panic machinery of `std` still reach WASI: the host
    // must keep providing it (these are the functions chapter 1 needed too).
    let wasi_names: Vec<&str> = wasi
        .iter()
        .map(|(module, name)| {
            assert_eq!(
                module, "wasi_snapshot_preview1",
                "an import of an unexpected module: {module}::{name}"
            );
            name.as_str()
        })
        .collect();
    assert_eq!(
        wasi_names,
        ["environ_get", "environ_sizes_get", "fd_write", "proc_exit"]
    );
    for entry in ["script", "attack_missing"] {
        assert!(exports.contains(&entry.to_string()), "exports: {exports:?}");
    }
}
