//! Exercise `print-without-fmt`: a guest without the standard library. Its
//! `sum` must print `From WASM: Sum is: <the sum>` and a newline, exactly as
//! chapter 1's `println!` does, but with no `core::fmt`: write the digits
//! yourself and hand them to WASI's `fd_write`. The release build must stay
//! under 1 kB.

#![no_std]

/// Without std, a panic is ours to define: it traps.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// One buffer for `fd_write`: a pointer and a length.
#[repr(C)]
struct Ciovec {
    buf: *const u8,
    buf_len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    /// Writes the `iovs_len` buffers at `iovs` to the file descriptor `fd`
    /// (stdout is 1); stores how many bytes it wrote in `nwritten`. Returns 0,
    /// or a WASI error number.
    fn fd_write(fd: u32, iovs: *const Ciovec, iovs_len: usize, nwritten: *mut usize) -> u16;
}

#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = a + b;
    // EXERCISE: print `From WASM: Sum is: <s>` and a newline to stdout with
    // `fd_write`. No `format!`, `write!` or `core::fmt`: turn `s` into its
    // decimal digits yourself (and mind the sign; i32::MIN too).
    s
}
