//! `spin`: loop for ever. `work`: count the primes below 100,000 and finish.

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("spin") => {
            println!("spinning");
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        _ => {
            let primes = (2..100_000u32)
                .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
                .count();
            println!("done: {primes} primes below 100000");
        }
    }
}
