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
    let _ = (ptr, len);
    0
}
