//! Exercise `trap-as-error`: the guest, given (you edit the host).
//!
//! Built in debug, `a + b` checks for overflow: on overflow the guest panics,
//! which in WebAssembly ends in a trap that the host sees as an error.

#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = a + b;
    println!("From WASM: Sum is: {s}");
    s
}
