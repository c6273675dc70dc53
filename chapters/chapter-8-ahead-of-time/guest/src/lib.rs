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
