//! Chapter 5: sharing memory. The host's output, and its helpers
//! (`chapter_5_host`) called in-process on the real guests and on
//! hand-written modules that hand back wrong pointers.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use chapter_5_host::{
    Guest, PAGE_SIZE, check_range, engine, instantiate, instantiate_with_host_memory, read_bytes,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use workbook_tests::{
    assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports, run_host,
    run_host_with, wasm_from_wat,
};

const CHAPTER: &str = "chapter-5";
const HOST: &str = "chapter-5-host";
const GUEST: &str = "chapter-5-guest";
const IMPORTED_MEMORY_GUEST: &str = "chapter-5-guest-imported-memory";

type Store = wasmtime::Store<wasmtime_wasi::p1::WasiP1Ctx>;

/// The guest with a memory of its own, instantiated in-process, quiet.
fn own_memory_guest() -> (Store, Guest) {
    let path = guest_wasm(CHAPTER, GUEST);
    instantiate(&engine().expect("an engine"), &path, false).expect("the guest instantiates")
}

/// The guest whose memory the host makes, allowed to grow by `max_growth` pages.
fn host_memory_guest(max_growth: u32) -> (Store, Guest) {
    let path = guest_wasm(CHAPTER, IMPORTED_MEMORY_GUEST);
    instantiate_with_host_memory(&engine().expect("an engine"), &path, false, max_growth)
        .expect("the guest instantiates")
}

/// Both guests, named. The host's memory may grow by 64 MiB here: room for
/// the big buffers of these tests.
fn both_guests() -> Vec<(&'static str, Store, Guest)> {
    let (own_store, own) = own_memory_guest();
    let (host_store, hosted) = host_memory_guest(1024);
    vec![
        (GUEST, own_store, own),
        (IMPORTED_MEMORY_GUEST, host_store, hosted),
    ]
}

/// An error's whole chain of messages, as the host prints it.
fn message(err: &wasmtime::Error) -> String {
    format!("{err:?}")
}

#[test]
fn the_host_shares_strings_and_bytes_with_both_guests() {
    let ready = host(CHAPTER, HOST);
    assert_output_snapshot(&ready, &run_host(&ready));
}

#[test]
fn utf8_strings_round_trip_through_both_kinds_of_memory() {
    let names = [
        "",
        "Ferris",
        "José",
        "Ærøskøbing",
        "日本語のテキスト",
        "🦀",
        "👩‍👩‍👧 family, with zero-width joiners",
        "tab\there, newline\nthere, nul \0 inside",
    ];
    let long = "ab€🦀".repeat(10_000);
    for (which, mut store, guest) in both_guests() {
        for name in names.iter().copied().chain([long.as_str()]) {
            let greeting = guest
                .greet(&mut store, name)
                .unwrap_or_else(|e| panic!("{which}: {}", message(&e)));
            assert_eq!(greeting, format!("Hello, {name}!"), "{which}");
            // Text is bytes too: reversed twice, it is the same string.
            let once = guest.reverse(&mut store, name.as_bytes()).expect("reverse");
            let twice = guest.reverse(&mut store, &once).expect("reverse");
            assert_eq!(once, name.bytes().rev().collect::<Vec<u8>>(), "{which}");
            assert_eq!(
                String::from_utf8(twice).expect("UTF-8 again"),
                name,
                "{which}"
            );
        }
    }
}

#[test]
fn a_name_that_is_not_utf8_is_refused_by_the_guest() {
    let (mut store, guest) = own_memory_guest();
    let err = guest
        .greet_bytes(&mut store, b"caf\xe9")
        .expect_err("the guest checks UTF-8");
    assert!(
        message(&err).contains("the guest's `greet` refused the name (status 1): it is not UTF-8"),
        "{err:?}"
    );
    // The guest is still usable afterwards.
    assert_eq!(
        guest.greet(&mut store, "café").expect("greet"),
        "Hello, café!"
    );
}

#[test]
fn a_one_mib_buffer_round_trips_both_ways() {
    let buffer: Vec<u8> = (0..1024 * 1024u32)
        .map(|i| (i.wrapping_mul(31) % 251) as u8)
        .collect();
    let expected: Vec<u8> = buffer.iter().rev().copied().collect();
    for (which, mut store, guest) in both_guests() {
        let reversed = guest
            .reverse(&mut store, &buffer)
            .unwrap_or_else(|e| panic!("{which}: {}", message(&e)));
        assert!(reversed == expected, "{which}: the reversed 1 MiB differs");
        let back = guest.reverse(&mut store, &reversed).expect("reverse");
        assert!(
            back == buffer,
            "{which}: 1 MiB reversed twice differs from the original"
        );
    }
}

#[test]
fn random_byte_strings_round_trip() {
    // One instance for every case: instantiating per case would cost far
    // more than the calls. The cases also check that nothing leaks across
    // calls: memory stays within a few pages of where it started.
    let (store, guest) = own_memory_guest();
    let store = RefCell::new(store);
    guest
        .reverse(&mut *store.borrow_mut(), &[0; 8192])
        .expect("warm-up");
    let pages_before = guest.memory.size(&*store.borrow());

    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&vec(any::<u8>(), 0..8192), |bytes| {
        let mut store = store.borrow_mut();
        let fail = |e: wasmtime::Error| TestCaseError::fail(message(&e));
        let reversed = guest.reverse(&mut *store, &bytes).map_err(fail)?;
        prop_assert_eq!(&reversed, &bytes.iter().rev().copied().collect::<Vec<u8>>());
        // The guest's `greet` takes exactly the byte strings that are UTF-8.
        match (
            std::str::from_utf8(&bytes),
            guest.greet_bytes(&mut *store, &bytes),
        ) {
            (Ok(name), Ok(greeting)) => prop_assert_eq!(greeting, format!("Hello, {name}!")),
            (Err(_), Err(e)) => prop_assert!(message(&e).contains("it is not UTF-8"), "{:?}", e),
            (utf8, answer) => prop_assert!(false, "UTF-8: {:?}, greet: {:?}", utf8.is_ok(), answer),
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    let pages_after = guest.memory.size(&*store.borrow());
    assert!(
        pages_after <= pages_before + 2,
        "memory grew from {pages_before} to {pages_after} pages: a leak"
    );
}

#[test]
fn answers_never_given_back_leak_and_are_measured_in_pages() {
    let (mut store, guest) = own_memory_guest();
    let buffer = vec![1u8; 16 * 1024];
    guest.reverse(&mut store, &buffer).expect("warm-up");
    let calls = 200u64;

    let before = guest.memory.size(&store);
    for _ in 0..calls {
        guest.reverse(&mut store, &buffer).expect("reverse");
    }
    assert_eq!(
        guest.memory.size(&store),
        before,
        "answers given back: memory must not grow"
    );

    let before = guest.memory.size(&store);
    for _ in 0..calls {
        guest
            .reverse_and_leak(&mut store, &buffer)
            .expect("reverse");
    }
    let grown = guest.memory.size(&store) - before;
    let leaked_pages = calls * buffer.len() as u64 / PAGE_SIZE; // 50
    assert!(
        grown + 2 >= leaked_pages && grown <= leaked_pages + 2,
        "{leaked_pages} pages leaked, but memory grew by {grown} pages"
    );
}

#[test]
fn a_call_that_grows_memory_moves_it_so_an_old_view_is_stale() {
    let (mut store, guest) = own_memory_guest();
    let memory = guest.memory;
    let view = memory.data(&store);
    let (old_len, old_address) = (view.len(), view.as_ptr() as usize);
    let big = 4u32 << 20;
    let block = guest.alloc(&mut store, big).expect("4 MiB");
    let view = memory.data(&store);
    let (new_len, new_address) = (view.len(), view.as_ptr() as usize);

    assert!(
        new_len >= old_len + big as usize,
        "memory grew from {old_len} to only {new_len} bytes"
    );
    // With the chapter's engine (no reservation for growth), growth moves the
    // memory: a pointer or slice kept from before would point at freed memory.
    assert_ne!(new_address, old_address, "the memory did not move");
    // The old view's length does not reach the new block; the new one does.
    let err = check_range(old_len, "the new block", block, big).expect_err("stale length");
    assert!(
        message(&err).contains("lie outside the guest's memory"),
        "{err:?}"
    );
    check_range(new_len, "the new block", block, big).expect("fresh length");
    let bytes = read_bytes(&store, memory, "the new block", block, big).expect("read the block");
    assert_eq!(bytes.len(), big as usize);
}

#[test]
fn check_range_accepts_exactly_the_bytes_inside() {
    let size = 2 * PAGE_SIZE as usize;
    check_range(size, "x", 0, 0).expect("nothing at 0");
    check_range(size, "x", 0, size as u32).expect("all of it");
    check_range(size, "x", size as u32, 0).expect("nothing at the end");
    check_range(size, "x", size as u32 - 1, 1).expect("the last byte");
    for (offset, len) in [
        (size as u32, 1),
        (size as u32 - 1, 2),
        (0, size as u32 + 1),
        (u32::MAX, u32::MAX),
        (16, u32::MAX),
    ] {
        let err = check_range(size, "the bytes", offset, len).expect_err("out of bounds");
        assert_eq!(
            err.to_string(),
            format!(
                "the bytes: {len} bytes at offset {offset} lie outside the guest's memory of {size} bytes"
            )
        );
    }
}

#[test]
fn the_guests_broken_answer_is_an_error_not_a_crash() {
    for (which, mut store, guest) in both_guests() {
        let answer = guest
            .broken_answer(&mut store)
            .expect("the call itself works");
        assert_eq!((answer.ptr, answer.len), (u32::MAX - 15, 32), "{which}");
        let err = answer.bytes.expect_err("out of bounds");
        assert!(
            message(&err).contains("the answer of `broken_answer`: 32 bytes at offset 4294967280 lie outside the guest's memory of"),
            "{which}: {err:?}"
        );
    }
}

/// A hand-written guest: a bump allocator in one page of memory, and the
/// chapter's exports with the bodies given.
fn wat_guest(name: &str, alloc: &str, greet: &str, reverse: &str) -> PathBuf {
    wasm_from_wat(
        name,
        &format!(
            r#"(module
                 (memory (export "memory") 1)
                 (global $next (mut i32) (i32.const 1024))
                 (func (export "alloc") (param $len i32) (result i32) {alloc})
                 (func (export "dealloc") (param i32 i32))
                 (func (export "greet") (param $ptr i32) (param $len i32) (param $out i32) (result i32) {greet})
                 (func (export "reverse") (param $ptr i32) (param $len i32) (result i64) {reverse})
                 (func (export "broken_answer") (result i64) (i64.const 0)))"#
        ),
    )
}

const BUMP_ALLOC: &str =
    "(global.get $next) (global.set $next (i32.add (global.get $next) (local.get $len)))";
/// An empty answer: offset 0, length 0.
const GOOD_REVERSE: &str = "(i64.const 0)";

fn wat_error(path: &Path, call: impl FnOnce(&mut Store, &Guest) -> wasmtime::Result<()>) -> String {
    let (mut store, guest) =
        instantiate(&engine().expect("an engine"), path, false).expect("the module instantiates");
    let err = call(&mut store, &guest).expect_err("the host must refuse");
    message(&err)
}

#[test]
fn an_out_pointer_pointing_outside_memory_is_refused() {
    // `greet` writes (offset 65530, length 100) at the out-pointer: the
    // answer would run past the end of the one page of memory.
    let path = wat_guest(
        "chapter-5-greet-out-of-bounds",
        BUMP_ALLOC,
        "(i32.store (local.get $out) (i32.const 65530)) (i32.store offset=4 (local.get $out) (i32.const 100)) (i32.const 0)",
        GOOD_REVERSE,
    );
    let msg = wat_error(&path, |store, guest| guest.greet(store, "Ferris").map(drop));
    assert!(msg.contains("the answer of `greet`: 100 bytes at offset 65530 lie outside the guest's memory of 65536 bytes"), "{msg}");
}

#[test]
fn an_out_pointer_itself_outside_memory_traps_in_the_guest() {
    // The host's out-pointer is fine; here the *guest* writes past its own
    // memory, which WebAssembly itself stops: a trap, reported as an error.
    let path = wat_guest(
        "chapter-5-greet-writes-past-memory",
        BUMP_ALLOC,
        "(i32.store (i32.const 65534) (i32.const 1)) (i32.const 0)",
        GOOD_REVERSE,
    );
    let msg = wat_error(&path, |store, guest| guest.greet(store, "Ferris").map(drop));
    assert!(msg.contains("the guest trapped in `greet`"), "{msg}");
    assert!(msg.contains("out of bounds memory access"), "{msg}");
}

#[test]
fn a_packed_answer_whose_end_overflows_is_refused() {
    // -1 packs offset 4294967295 and length 4294967295: their sum overflows
    // 32 bits, which must not wrap around to a small, valid-looking offset.
    let path = wat_guest(
        "chapter-5-reverse-overflow",
        BUMP_ALLOC,
        "(i32.const 1)",
        "(i64.const -1)",
    );
    let msg = wat_error(&path, |store, guest| guest.reverse(store, b"abc").map(drop));
    assert!(
        msg.contains("the answer of `reverse`: 4294967295 bytes at offset 4294967295 lie outside the guest's memory of 65536 bytes"),
        "{msg}"
    );
}

#[test]
fn an_alloc_that_hands_out_bytes_outside_memory_is_refused() {
    let path = wat_guest(
        "chapter-5-alloc-out-of-bounds",
        "(i32.const 70000)",
        "(i32.const 1)",
        GOOD_REVERSE,
    );
    let msg = wat_error(&path, |store, guest| {
        guest.reverse(store, b"Ferris").map(drop)
    });
    assert!(msg.contains("the bytes to reverse: 6 bytes at offset 70000 lie outside the guest's memory of 65536 bytes"), "{msg}");
}

#[test]
fn an_alloc_that_returns_null_is_refused() {
    let path = wat_guest(
        "chapter-5-alloc-null",
        "(i32.const 0)",
        "(i32.const 1)",
        GOOD_REVERSE,
    );
    let msg = wat_error(&path, |store, guest| {
        guest.reverse(store, b"Ferris").map(drop)
    });
    assert!(
        msg.contains("the guest could not allocate 6 bytes: its `alloc` returned 0"),
        "{msg}"
    );
}

#[test]
fn the_host_stops_with_a_clear_error_on_a_guests_wrong_answer() {
    // The whole program, not only the helpers: exit status 1, no panic, and
    // the message names the file, the call and the bytes.
    let path = wat_guest(
        "chapter-5-host-greet-out-of-bounds",
        BUMP_ALLOC,
        "(i32.store (local.get $out) (i32.const 65530)) (i32.store offset=4 (local.get $out) (i32.const 100)) (i32.const 0)",
        GOOD_REVERSE,
    );
    let imported = guest_wasm(CHAPTER, IMPORTED_MEMORY_GUEST);
    let out = assert_fails_clearly(
        &host(CHAPTER, HOST),
        &[path.as_os_str(), imported.as_os_str()],
        &[
            &format!("greeting \"Ferris\" with `{}`", path.display()),
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

#[test]
fn the_host_caps_the_memory_it_makes() {
    let (mut store, guest) = host_memory_guest(16);
    let minimum = guest.memory.size(&store);
    let err = guest
        .alloc(&mut store, 4 << 20)
        .expect_err("4 MiB do not fit in 1 MiB of growth");
    assert!(
        message(&err)
            .contains("the guest could not allocate 4194304 bytes: its `alloc` returned 0"),
        "{err:?}"
    );
    assert!(
        guest.memory.size(&store) <= minimum + 16,
        "the memory outgrew its cap"
    );
    assert_eq!(guest.memory.ty(&store).maximum(), Some(minimum + 16));
    // The guest survives a refused allocation.
    assert_eq!(
        guest.greet(&mut store, "again").expect("greet"),
        "Hello, again!"
    );
}

#[test]
fn a_guest_without_a_memory_import_cannot_run_in_host_memory() {
    let own = guest_wasm(CHAPTER, GUEST);
    let Err(err) = instantiate_with_host_memory(&engine().expect("an engine"), &own, false, 16)
    else {
        panic!("a guest that does not import memory was accepted");
    };
    assert!(message(&err).contains(&format!(
        "`{}` imports no memory: was it linked with `--import-memory`?",
        own.display()
    )));
}

#[test]
fn a_memory_import_too_large_to_grow_is_an_error_not_a_panic() {
    // Valid wasm: a minimum of 65,530 pages is under the 4 GiB of a 32-bit
    // memory, but 16 more pages of growth would pass it.
    let path = wasm_from_wat(
        "chapter-5-huge-memory",
        r#"(module (import "env" "memory" (memory 65530)))"#,
    );
    let Err(err) = instantiate_with_host_memory(&engine().expect("an engine"), &path, false, 16)
    else {
        panic!("a memory of more than 4 GiB was made");
    };
    assert!(
        message(&err).contains(&format!(
            "`{}` asks for 65530 pages: with 16 more that is 65546, too large for a 32-bit memory",
            path.display()
        )),
        "{err:?}"
    );
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
