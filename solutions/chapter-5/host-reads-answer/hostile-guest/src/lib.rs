//! Exercise `host-reads-answer`: a hostile guest, given. Its exports have the
//! names and types of the real guest's, but some answers lie, as a buggy or
//! malicious module's would. A host must turn each lie into an error, and
//! never panic or read or write outside the guest's memory.
//!
//! - `alloc(6)` answers 0, as if there were no room; `alloc(7)` answers an
//!   address 16 bytes before the end of a 4 GiB memory, far outside this one.
//! - `upper` of `oob` answers 32 bytes at that same address; of `wrap`,
//!   4294967295 bytes at offset 16 (in 32 bits, the end wraps around); of
//!   `latin`, bytes that are not UTF-8; of `nope`, 0. Any other text gets
//!   its uppercase, as from the real guest.

/// An address 16 bytes before 4 GiB.
const FAR: u32 = u32::MAX - 15;

#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    match len {
        6 => std::ptr::null_mut(),
        7 => FAR as usize as *mut u8,
        0 => std::ptr::NonNull::<u8>::dangling().as_ptr(),
        // Leaked on purpose: this guest never frees (see `dealloc`).
        _ => Box::leak(vec![0u8; len].into_boxed_slice()).as_mut_ptr(),
    }
}

/// Frees nothing: with the addresses this guest hands out, that is safest.
#[unsafe(no_mangle)]
pub extern "C" fn dealloc(_ptr: *mut u8, _len: usize) {}

/// Nothing to count here.
#[unsafe(no_mangle)]
pub extern "C" fn live_bytes() -> usize {
    0
}

fn pack(ptr: u32, len: u32) -> u64 {
    (u64::from(ptr) << 32) | u64::from(len)
}

/// Hand bytes to the host (and leak them: see `dealloc`).
fn give(bytes: Vec<u8>) -> u64 {
    let block = Box::leak(bytes.into_boxed_slice());
    pack(block.as_mut_ptr() as u32, block.len() as u32)
}

/// # Safety
/// `ptr..ptr + len` must be a block the host filled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upper(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: by this function's contract.
    let bytes: &[u8] = if len == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(ptr, len) }
    };
    match bytes {
        b"oob" => pack(FAR, 32),
        b"wrap" => pack(16, u32::MAX),
        // "GRÜSSE" in Latin-1: Ü is the single byte 0xDC, which UTF-8 never uses alone.
        b"latin" => give(vec![0x47, 0x52, 0xDC, 0x53, 0x53, 0x45]),
        b"nope" => 0,
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => give(text.to_uppercase().into_bytes()),
            Err(_) => 0,
        },
    }
}
