//! Chapter 5's toolbox (`chapter_5_host`), called in-process: on the built
//! guests thousands of times (strings of every kind, random bytes, leaks,
//! growth), and in `wrong_answers` on hand-written modules that hand back
//! wrong pointers. The host program's own output and errors are tested with
//! the other chapters, in `tests/all/chapter_5.rs` at the workbook's root.
//!
//! The guests are the ones `cargo xtask build chapter-5` wrote (`cargo xtask
//! test` builds them before it runs this).

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use chapter_5_host::{
    Guest, check_range, engine, instantiate, instantiate_with_host_memory, read_bytes,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

mod wrong_answers;

const GUEST: &str = "chapter_5_guest.wasm";
const IMPORTED_MEMORY_GUEST: &str = "chapter_5_guest_imported_memory.wasm";

type Store = wasmtime::Store<wasmtime_wasi::p1::WasiP1Ctx>;

/// The size of a WebAssembly page: memories grow by whole pages.
const PAGE_SIZE: u64 = 64 * 1024;

/// The workbook's `target/` folder: this test runs from `target/debug/deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows where it runs from");
    exe.ancestors()
        .nth(3)
        .expect("the test runs from target/debug/deps/")
        .to_path_buf()
}

/// A guest built by the xtask, by file name.
fn built_guest(file: &str) -> PathBuf {
    let path = target_dir().join("wasm/wasm32-wasip1/debug").join(file);
    assert!(
        path.is_file(),
        "{} is missing: run `cargo xtask build chapter-5` first",
        path.display()
    );
    path
}

/// A module written in WebAssembly's text format, in a file (the chapter's
/// engine reads `.wat` as well as `.wasm`).
fn wat_file(name: &str, wat: &str) -> PathBuf {
    let dir = target_dir().join("test-files");
    std::fs::create_dir_all(&dir).expect("cannot create target/test-files");
    let path = dir.join(format!("{name}.wat"));
    std::fs::write(&path, wat).expect("cannot write a test module");
    path
}

/// WASI that gives the guest nothing, not even our stdout.
fn quiet() -> wasmtime_wasi::p1::WasiP1Ctx {
    wasmtime_wasi::WasiCtxBuilder::new().build_p1()
}

/// The guest with a memory of its own, instantiated in-process, quiet.
fn own_memory_guest() -> (Store, Guest) {
    instantiate(&engine().expect("an engine"), &built_guest(GUEST), quiet())
        .expect("the guest instantiates")
}

/// The guest whose memory the host makes, allowed to grow by `max_growth` pages.
fn host_memory_guest(max_growth: u32) -> (Store, Guest) {
    let path = built_guest(IMPORTED_MEMORY_GUEST);
    instantiate_with_host_memory(&engine().expect("an engine"), &path, quiet(), max_growth)
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
                .greet(&mut store, name.as_bytes())
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
        .greet(&mut store, b"caf\xe9")
        .expect_err("the guest checks UTF-8");
    assert!(
        message(&err).contains("the guest's `greet` refused the name (status 1): it is not UTF-8"),
        "{err:?}"
    );
    // The guest is still usable afterwards.
    assert_eq!(
        guest.greet(&mut store, "café".as_bytes()).expect("greet"),
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
            guest.greet(&mut *store, &bytes),
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
