//! Exercise `multiply`: the guest. Chapter 1's `sum` is here already; add a
//! second export next to it.

#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    let s = a + b;
    println!("From WASM: Sum is: {s}");
    s
}

// EXERCISE: export `multiply(a: i32, b: i32) -> i32`. It prints
// `From WASM: Product is: <the product>` and returns the product.
