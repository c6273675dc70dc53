//! Chapter 5, the guest: functions that take and give back strings and byte
//! buffers. WebAssembly functions only pass numbers, so a buffer travels as
//! two of them: where it starts in the guest's linear memory (a pointer, which
//! is an offset into that memory) and how many bytes it holds.
//!
//! The host cannot allocate in our memory by itself: it does not know which
//! bytes our allocator uses. So we export the allocator (`alloc`, `dealloc`),
//! and the host asks us for room before it writes there.

use std::alloc::Layout;

// ANCHOR: alloc
/// Give the host `len` bytes of our memory to write into. Returns 0 (null)
/// when there is no room, which the host must check. The block belongs to the
/// host until it gives it back with `dealloc(ptr, len)`, with the same `len`.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    if len == 0 {
        // No allocation for nothing: any non-null, aligned pointer will do,
        // and `dealloc(ptr, 0)` does nothing. (This is what `Vec` does too.)
        return std::ptr::NonNull::<u8>::dangling().as_ptr();
    }
    let Ok(layout) = Layout::array::<u8>(len) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `layout` is not zero-sized. A failed allocation returns null,
    // which we hand to the host as it is.
    unsafe { std::alloc::alloc(layout) }
}

/// Take back a block that `alloc`, or one of our answers, handed out.
///
/// # Safety
/// `ptr` and `len` must be those of a block we handed out and that was not
/// given back yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    if len == 0 || ptr.is_null() {
        return;
    }
    let Ok(layout) = Layout::array::<u8>(len) else {
        return;
    };
    // SAFETY: by this function's contract, the block was allocated with this layout.
    unsafe { std::alloc::dealloc(ptr, layout) }
}
// ANCHOR_END: alloc

// ANCHOR: helpers
/// The bytes the host wrote at `ptr`.
///
/// # Safety
/// `ptr..ptr + len` must be bytes of our memory that nobody changes while the
/// slice lives: a block the host got from `alloc` and filled.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: by this function's contract.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// Hand bytes over to the host: forget them here, and return where they are.
/// The host now owns them and must give them back with `dealloc(ptr, len)`.
fn give(bytes: Vec<u8>) -> (u32, u32) {
    // A boxed slice has no spare capacity: its allocation is exactly `len`
    // bytes, which is the layout `dealloc(ptr, len)` frees.
    let boxed: Box<[u8]> = bytes.into_boxed_slice();
    let len = boxed.len() as u32;
    let ptr = Box::into_raw(boxed) as *mut u8 as u32;
    (ptr, len)
}

/// Two `u32`s in one `u64`: the pointer in the high half, the length in the low.
fn pack(ptr: u32, len: u32) -> u64 {
    (u64::from(ptr) << 32) | u64::from(len)
}
// ANCHOR_END: helpers

// ANCHOR: greet
/// Greet the UTF-8 name at `name_ptr`. The answer is a new string, whose
/// pointer and length we write into the 8 bytes at `out` (an "out-pointer"
/// that the host allocated): two little-endian `u32`s, pointer first.
///
/// Returns 0, or 1 if the name is not UTF-8 (and then writes nothing).
///
/// # Safety
/// `name_ptr..name_ptr + name_len` must be a block the host filled, and `out`
/// 8 writable bytes (they need not be aligned).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn greet(name_ptr: *const u8, name_len: usize, out: *mut [u32; 2]) -> i32 {
    // SAFETY: by this function's contract.
    let name = unsafe { input(name_ptr, name_len) };
    let Ok(name) = std::str::from_utf8(name) else {
        return 1;
    };
    println!("From WASM: got the name {name:?} ({name_len} bytes)");
    let (ptr, len) = give(format!("Hello, {name}!").into_bytes());
    // SAFETY: by this function's contract; `write_unaligned` because the
    // host's block may start at any address.
    unsafe { out.write_unaligned([ptr, len]) };
    0
}
// ANCHOR_END: greet

// ANCHOR: reverse
/// The bytes at `ptr`, in reverse order, as a new buffer. Its pointer and
/// length come back packed in the `u64` we return.
///
/// # Safety
/// `ptr..ptr + len` must be a block the host filled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn reverse(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: by this function's contract.
    let bytes = unsafe { input(ptr, len) };
    let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
    let (ptr, len) = give(reversed);
    pack(ptr, len)
}
// ANCHOR_END: reverse

// ANCHOR: broken_answer
/// A bug on purpose: an answer that points past the end of any 32-bit memory
/// (16 bytes before 4 GiB, 32 bytes long). The host must refuse it.
#[unsafe(no_mangle)]
pub extern "C" fn broken_answer() -> u64 {
    pack(u32::MAX - 15, 32)
}
// ANCHOR_END: broken_answer
