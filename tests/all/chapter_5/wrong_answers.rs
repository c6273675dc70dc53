//! Chapter 5's host program against guests that answer wrong: it stops with
//! a clear error, never a crash. (The toolbox itself is tested against many
//! more wrong answers, in-process, in the chapter's `host/tests/toolbox/`.)

use super::*;

/// The greeting answer of this guest points 100 bytes at offset 65530: past
/// the end of its one page of memory.
const GREET_OUT_OF_BOUNDS: &str = r#"(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "alloc") (param $len i32) (result i32)
    (global.get $next) (global.set $next (i32.add (global.get $next) (local.get $len))))
  (func (export "dealloc") (param i32 i32))
  (func (export "greet") (param $ptr i32) (param $len i32) (param $out i32) (result i32)
    (i32.store (local.get $out) (i32.const 65530))
    (i32.store offset=4 (local.get $out) (i32.const 100))
    (i32.const 0))
  (func (export "reverse") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
  (func (export "broken_answer") (result i64) (i64.const 0)))"#;

#[test]
fn the_host_stops_with_a_clear_error_on_a_guests_wrong_answer() {
    // The whole program, not only the helpers: exit status 1, no panic, and
    // the message names the file, the call and the bytes.
    let path = wasm_from_wat("chapter-5-host-greet-out-of-bounds", GREET_OUT_OF_BOUNDS);
    let imported = guest_wasm(CHAPTER, IMPORTED_MEMORY_GUEST);
    let out = assert_fails_clearly(
        &host(CHAPTER, HOST),
        &[path.as_os_str(), imported.as_os_str()],
        &[
            &format!("running the guest module `{}`", path.display()),
            "greeting \"Ferris\"",
            "the answer of `greet`: 100 bytes at offset 65530 lie outside the guest's memory of 65536 bytes",
        ],
    );
    assert!(
        !out.stdout_text().contains("part 2"),
        "{}",
        out.stdout_text()
    );
}

#[test]
fn a_module_without_the_allocator_is_refused_by_name() {
    let path = wasm_from_wat(
        "chapter-5-no-alloc",
        r#"(module (memory (export "memory") 1))"#,
    );
    let imported = guest_wasm(CHAPTER, IMPORTED_MEMORY_GUEST);
    assert_fails_clearly(
        &host(CHAPTER, HOST),
        &[path.as_os_str(), imported.as_os_str()],
        &[&format!(
            "`{}` must export `alloc` as fn(i32) -> i32",
            path.display()
        )],
    );
}
