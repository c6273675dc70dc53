//! Chapter 8's compute guest: work for the measurements. It has no imports
//! (no `std`, so no WASI), so that any engine runs it as it is: Cranelift's
//! native code or Pulley's bytecode, in a host with no WASI at all.
#![no_std]

// ANCHOR: fib
/// The `n`th Fibonacci number, the slow way: a call-heavy workload.
#[unsafe(no_mangle)]
pub extern "C" fn fib(n: i32) -> i32 {
    if n < 2 {
        n
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}
// ANCHOR_END: fib

/// Without `std`, a panic (an overflow in a debug build) traps.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// ANCHOR: sieve
/// How many primes are below `n` (at most `LIMIT`): a loop over linear
/// memory, so every access is one that a bounds check guards.
#[unsafe(no_mangle)]
pub extern "C" fn sieve(n: i32) -> i32 {
    const LIMIT: usize = 1 << 20;
    static mut COMPOSITE: [u8; LIMIT] = [0; LIMIT];
    // SAFETY: a guest is single-threaded, and nothing else holds this array.
    let composite = unsafe { &mut *core::ptr::addr_of_mut!(COMPOSITE) };
    let n = (n.max(0) as usize).min(LIMIT);
    composite[..n].fill(0);
    let mut count = 0;
    for i in 2..n {
        if composite[i] == 0 {
            count += 1;
            let mut j = i * i;
            while j < n {
                composite[j] = 1;
                j += i;
            }
        }
    }
    count
}
// ANCHOR_END: sieve
