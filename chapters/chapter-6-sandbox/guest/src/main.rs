//! Chapter 6, the well-behaved guest: it reads its configuration from the
//! folder the host granted (if any), does some honest work, prints the result
//! and finishes. The hostile guests of the gallery try one thing each; this
//! one shows that a sandboxed guest still gets its job done.
//!
//! `chapter-6-guest.wasm [N]`: count the primes below N (100,000 when left
//! out). The host's cost measurement runs it with a large N.

// ANCHOR: main
fn main() {
    // A folder granted with `--dir` is the guest's `.`: the only files it sees.
    match std::fs::read_to_string("config.txt") {
        Ok(config) => println!("config.txt says: {}", config.trim()),
        Err(err) => println!("no config.txt: {:?}", err.kind()),
    }
    // Its arguments are only those the host passed on.
    let below = match std::env::args().nth(1) {
        Some(arg) => match arg.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("the argument {arg:?} is not a number");
                std::process::exit(2);
            }
        },
        None => 100_000,
    };
    println!("{} primes below {below}", count_primes(below));
}
// ANCHOR_END: main

/// Trial division: slow on purpose, all arithmetic and branches.
fn count_primes(below: u32) -> u32 {
    (2..below)
        .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count() as u32
}
