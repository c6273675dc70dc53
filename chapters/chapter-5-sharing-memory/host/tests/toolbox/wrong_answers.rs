//! Chapter 5's host against guests that answer wrong: hand-written modules
//! whose pointers, lengths and allocators point outside memory, and memories
//! the host cannot make. Each is an error naming the problem, never a crash.

use super::*;

/// A hand-written guest: a bump allocator in one page of memory, and the
/// chapter's exports with the bodies given.
pub(crate) fn wat_guest(name: &str, alloc: &str, greet: &str, reverse: &str) -> PathBuf {
    wat_file(
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
        instantiate(&engine().expect("an engine"), path, quiet()).expect("the module instantiates");
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
    let msg = wat_error(&path, |store, guest| {
        guest.greet(store, b"Ferris").map(drop)
    });
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
    let msg = wat_error(&path, |store, guest| {
        guest.greet(store, b"Ferris").map(drop)
    });
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
        guest.greet(&mut store, b"again").expect("greet"),
        "Hello, again!"
    );
}

#[test]
fn a_guest_without_a_memory_import_cannot_run_in_host_memory() {
    let own = built_guest(GUEST);
    let Err(err) = instantiate_with_host_memory(&engine().expect("an engine"), &own, quiet(), 16)
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
    let path = wat_file(
        "chapter-5-huge-memory",
        r#"(module (import "env" "memory" (memory 65530)))"#,
    );
    let Err(err) = instantiate_with_host_memory(&engine().expect("an engine"), &path, quiet(), 16)
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
