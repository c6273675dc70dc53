//! A guest that ends with an exit code of its own, as a command may.

// ANCHOR: main
fn main() {
    println!("exit: I stop with exit code 42");
    std::process::exit(42);
}
// ANCHOR_END: main
