//! A hostile guest: it allocates without end, 1 MiB at a time, and keeps it all.

// ANCHOR: main
fn main() {
    println!("allocate: I take memory until there is none left");
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        // Touch every page, so that the memory is really used.
        kept.push(vec![1u8; 1 << 20]);
    }
}
// ANCHOR_END: main
