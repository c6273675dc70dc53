//! `N`: take N MiB of memory, 1 MiB at a time, and say so. `panic`: crash,
//! in a way that has nothing to do with memory.

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    if arg == "panic" {
        panic!("this guest panics on purpose");
    }
    let wanted: usize = arg.parse().unwrap_or(1);
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for _ in 0..wanted {
        kept.push(vec![1u8; 1 << 20]);
    }
    println!("got {} MiB", kept.len());
}
