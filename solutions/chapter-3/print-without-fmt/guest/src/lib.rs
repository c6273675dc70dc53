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

/// Write all of `bytes` to stdout; a write may take only part of them.
fn write_all(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let iov = Ciovec {
            buf: bytes.as_ptr(),
            buf_len: bytes.len(),
        };
        let mut written = 0;
        // SAFETY: `iov` points to `bytes`, alive across the call, and `written`
        // is a valid place for the count.
        let errno = unsafe { fd_write(1, &iov, 1, &mut written) };
        if errno != 0 || written == 0 {
            return;
        }
        // `get` cannot panic, so no panic code ends up in the module.
        bytes = bytes.get(written..).unwrap_or_default();
    }
}

/// The decimal digits of `n`, written into the end of `buf`.
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
    buf.get(buf.len() - len..).unwrap_or_default()
}

#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = a + b;
    // EXERCISE: print `From WASM: Sum is: <s>` and a newline to stdout with
    // `fd_write`. No `format!`, `write!` or `core::fmt`: turn `s` into its
    // decimal digits yourself (and mind the sign; i32::MIN too).
    let mut digits = [0u8; 10];
    write_all(b"From WASM: Sum is: ");
    if s < 0 {
        write_all(b"-");
    }
    // The magnitude as a u32: -i32::MIN does not fit an i32, but fits a u32.
    write_all(decimal(s.unsigned_abs(), &mut digits));
    write_all(b"\n");
    s
}
