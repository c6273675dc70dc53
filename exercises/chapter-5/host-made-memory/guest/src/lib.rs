//! Exercise `host-made-memory`: the guest, given (you edit the host).
//!
//! It is linked to import its memory (see build.rs): the host makes that
//! memory, and decides how far it may grow. Its `grow_all` shows how far.

/// The most pages `grow_all` asks for (64 MiB), so that a memory without a
/// maximum does not grow for long.
const MAX_PAGES: usize = 1000;

/// Grow the memory one page (64 KiB) at a time until it refuses, as an
/// allocator does when it needs room; print and return how many pages it grew.
#[unsafe(no_mangle)]
pub extern "C" fn grow_all() -> u32 {
    let mut pages = 0;
    // `memory_grow` answers the old size in pages, or usize::MAX when the
    // memory cannot grow: past its maximum, or when the host says no.
    while pages < MAX_PAGES && core::arch::wasm32::memory_grow(0, 1) != usize::MAX {
        pages += 1;
    }
    if pages < MAX_PAGES {
        println!("From WASM: my memory grew by {pages} pages, then refused to grow");
    } else {
        println!("From WASM: my memory grew by {pages} pages, and I stopped asking");
    }
    pages as u32
}
