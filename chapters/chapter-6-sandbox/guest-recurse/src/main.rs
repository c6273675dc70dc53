//! A hostile guest: it calls itself without end.

// ANCHOR: main
fn main() {
    println!("recurse: I call myself until the stack runs out");
    println!("{}", depth(std::hint::black_box(0)));
}

/// Never returns: each call makes one more.
#[allow(unconditional_recursion)]
fn depth(n: u64) -> u64 {
    // The addition after the call keeps it from being turned into a loop.
    depth(std::hint::black_box(n + 1)) + 1
}
// ANCHOR_END: main
