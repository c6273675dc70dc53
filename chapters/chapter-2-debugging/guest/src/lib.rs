//! Chapter 2, the guest: two small functions to look at in a native debugger.
//!
//! `sum` calls a helper, so there is something to step into; `divide` panics
//! when asked to divide by zero, so there is a trap to read the backtrace of.
//! The `DEBUGGER:` comments mark the lines that the chapter's tests look for
//! (where a breakpoint goes, where `step` arrives, where the panic is): the
//! tests find the line numbers by these comments, so keep each on its line.

/// Adds two numbers and prints the result, as in chapter 1.
#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = add(a, b); // DEBUGGER: break in `sum`
    println!("From WASM: Sum is: {s:?}");
    s
}

/// The helper that `sum` calls: `step` in the debugger goes into it.
fn add(a: i32, b: i32) -> i32 {
    a + b // DEBUGGER: `step` from `sum` stops here
}

/// Divides `a` by `b`. Rust checks the divisor, so `b == 0` panics, and a
/// panic in a guest ends in a trap that the host reports.
#[unsafe(no_mangle)]
pub extern "C" fn divide(a: i32, b: i32) -> i32 {
    let quotient = a / b; // DEBUGGER: panics when `b` is 0
    println!("From WASM: {a} / {b} is {quotient}");
    quotient
}
