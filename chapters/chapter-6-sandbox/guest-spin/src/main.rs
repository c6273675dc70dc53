//! A hostile guest: it loops for ever. A host without a deadline hangs with it.

// ANCHOR: main
fn main() {
    println!("spin: I loop for ever");
    let mut n: u64 = 0;
    loop {
        // `black_box` keeps the compiler from seeing that the loop does nothing.
        n = std::hint::black_box(n.wrapping_add(1));
    }
}
// ANCHOR_END: main
