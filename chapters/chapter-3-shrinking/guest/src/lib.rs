//! Chapter 3, the smallest guest: it prints the same line as chapter 1's guest
//! and returns the same answer, without the standard library and without
//! `core::fmt`. It formats the number by hand and calls WASI's `fd_write`
//! itself, so the module holds little more than `sum`.

// ANCHOR: no_std
// No standard library: only `core`, and of `core` only what we call.
#![no_std]

// Without std, nothing says what a panic does: we decide. A trap ends the
// call, and the host sees it as an error. (Only overflow in a debug build can
// panic here: `a + b` is checked there.)
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
// ANCHOR_END: no_std

// ANCHOR: fd_write
/// One buffer for `fd_write`: WASI's `ciovec`, a pointer and a length, laid
/// out as two 32-bit numbers in the guest's memory.
#[repr(C)]
struct Ciovec {
    buf: *const u8,
    buf_len: usize,
}

// The import that `println!` ends up calling in chapter 1, declared by hand.
// The host's WASI implementation provides it under this module name.
#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    /// Writes the buffers to the file descriptor `fd`; stores how many bytes it
    /// wrote in `nwritten` and returns 0, or returns a WASI error number.
    fn fd_write(fd: u32, iovs: *const Ciovec, iovs_len: usize, nwritten: *mut usize) -> u16;
}

const STDOUT: u32 = 1;

/// Write all of `bytes` to stdout. A write may take only part of the buffer,
/// so keep going until it is all out or WASI reports an error.
fn write_all(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let iov = Ciovec {
            buf: bytes.as_ptr(),
            buf_len: bytes.len(),
        };
        let mut written = 0;
        // SAFETY: `iov` points to `bytes`, which lives across the call, and
        // `written` is a valid place for the host to store the count.
        let errno = unsafe { fd_write(STDOUT, &iov, 1, &mut written) };
        if errno != 0 || written == 0 {
            return; // stdout is gone; nothing better to do without std
        }
        // `get(..)` where `[..]` would do: see `decimal` below.
        bytes = bytes.get(written..).unwrap_or_default();
    }
}
// ANCHOR_END: fd_write

// ANCHOR: format
/// The decimal digits of `n`, written into the end of `buf` (a u32 has at most
/// ten digits).
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut len = 0;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    // `get(..)` where `buf[..]` would do: indexing panics when out of range,
    // and a panic's message needs `core::fmt`, which is what this guest is
    // without. `get` cannot panic, so no panic path is compiled in.
    buf.get(buf.len() - len..).unwrap_or_default()
}
// ANCHOR_END: format

// ANCHOR: sum
#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = a + b;
    // The same line as `println!("From WASM: Sum is: {s:?}")`, in pieces. The
    // sign goes first, and the digits are those of the magnitude, which fits a
    // u32 even for i32::MIN.
    let mut digits = [0u8; 10];
    write_all(b"From WASM: Sum is: ");
    if s < 0 {
        write_all(b"-");
    }
    write_all(decimal(s.unsigned_abs(), &mut digits));
    write_all(b"\n");
    s
}
// ANCHOR_END: sum
