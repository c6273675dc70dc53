//! Exercise `shrink-println`: chapter 1's guest, as it is. Its `--release`
//! build must get under the budget while it prints and returns the same.

#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = a + b;
    println!("From WASM: Sum is: {s}");
    s
}
