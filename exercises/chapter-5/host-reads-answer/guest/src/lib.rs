//! Exercise `host-reads-answer`: the guest, given (you write the host's side).
//! Its `upper` answers the uppercase of a string in a new block of its memory.
//! `alloc`, `dealloc` and `live_bytes` are in given.rs.

mod given;

/// `upper(ptr, len) -> u64`: the `len` bytes at `ptr` are a block the host got
/// from `alloc` and filled. If they are UTF-8, the answer is their uppercase
/// in a new block, packed in the returned u64: the block's pointer in the
/// high 32 bits, its length in the low 32. The host owns the block and gives
/// it back with `dealloc(ptr, len)`. Bytes that are not UTF-8 get 0.
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
