//! Given: the guest's allocator, exported for the host, and a count of the
//! bytes it holds, so that the host can tell a leak. You need not change this
//! file.
//!
//! The host cannot allocate in our memory by itself: it asks us with `alloc`,
//! and gives blocks back with `dealloc(ptr, len)`, with the same `len`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Give the host `len` bytes of our memory. Returns 0 (null) when there is no room.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    if len == 0 {
        // Nothing to allocate: any non-null, aligned pointer will do, and
        // `dealloc(ptr, 0)` does nothing.
        return std::ptr::NonNull::<u8>::dangling().as_ptr();
    }
    let Ok(layout) = Layout::array::<u8>(len) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `layout` is not zero-sized.
    unsafe { std::alloc::alloc(layout) }
}

/// Take back a block of `len` bytes that `alloc`, or an answer, handed out.
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

/// How many bytes the guest's allocations hold right now. The host compares
/// this before and after its calls: every block an answer hands over must
/// come back with `dealloc(ptr, len)`, which frees exactly `len` bytes.
#[unsafe(no_mangle)]
pub extern "C" fn live_bytes() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

/// The system's allocator, counting the bytes of the blocks it hands out and
/// takes back, by the sizes the program says they have.
struct Counting;

// SAFETY: every call goes to `System`, which upholds `GlobalAlloc`'s contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;
