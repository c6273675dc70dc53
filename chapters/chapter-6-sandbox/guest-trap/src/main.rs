//! A guest that crashes: a Rust panic, which in WebAssembly ends in a trap.

// ANCHOR: main
fn main() {
    println!("trap: I panic");
    let list: Vec<u32> = Vec::new();
    // Out of bounds: Rust panics, and a panic in a wasm32-wasip1 program aborts.
    println!("{}", list[std::hint::black_box(3)]);
}
// ANCHOR_END: main
