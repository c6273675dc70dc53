//! Exercise `guest-uppercase`: the guest. The host hands it a string in its
//! memory; it answers with a new string, in its memory too, that the host
//! reads and then gives back.
//!
//! `alloc`, `dealloc` and `live_bytes` are given, in given.rs.

mod given;

// EXERCISE: export `upper(ptr: *const u8, len: usize) -> u64`.
//
// The `len` bytes at `ptr` are a block the host got from `alloc` and filled.
// If they are UTF-8, answer their uppercase (`str::to_uppercase`: "straße"
// becomes "STRASSE", longer than the input) in a new block of our memory,
// packed in the returned u64: the block's pointer in the high 32 bits, its
// length in the low 32. The host now owns that block and gives it back with
// `dealloc(ptr, len)`, which frees exactly `len` bytes: the block must be
// exactly that long. An empty answer still has a non-null pointer.
//
// If the bytes are not UTF-8, return 0: a null pointer says "refused".
// Do not free the input: it is the host's, and the host frees it.

/// The uppercase of the UTF-8 string at `ptr`, in a new block for the host.
///
/// # Safety
/// `ptr..ptr + len` must be a block the host filled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upper(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: by this function's contract. (`from_raw_parts` wants a non-null
    // pointer even for 0 bytes, and the host may send anything for those.)
    let bytes: &[u8] = if len == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(ptr, len) }
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 0;
    };
    // A boxed slice has no spare capacity: its allocation is exactly `len`
    // bytes, the layout `dealloc(ptr, len)` frees. (`to_uppercase` may
    // reserve more than it fills.)
    let answer: Box<[u8]> = text.to_uppercase().into_bytes().into_boxed_slice();
    let len = answer.len() as u32;
    // Forget the box: the block is the host's now.
    let ptr = Box::into_raw(answer) as *mut u8 as u32;
    (u64::from(ptr) << 32) | u64::from(len)
}
