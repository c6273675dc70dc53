//! A hostile guest: it prints without end.

// ANCHOR: main
fn main() {
    println!("print: I fill your terminal");
    let mut line: u64 = 0;
    loop {
        line += 1;
        println!("line {line} of a never-ending story");
    }
}
// ANCHOR_END: main
