//! Chapter 8's compute guest: work for the measurements, with no imports, so
//! that any engine can run it (Cranelift's native code, Pulley's bytecode).

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
