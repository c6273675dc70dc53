//! Exercise `trap-locator`: the guest, given (you edit the host).
//!
//! Two scores of a number's decimal digits, and a raw memory read. Some
//! inputs make them trap: a Rust panic (which prints a message, then traps),
//! or an access outside the guest's memory (which traps without a word). The
//! same helper can fail for different callers: only a backtrace tells them apart.

/// The digits of `n` weighted by their position, over the spread between
/// the largest and the smallest digit.
#[unsafe(no_mangle)]
pub extern "C" fn score(n: i32) -> i32 {
    let digits = digits(n);
    let total = weighted_sum(&digits);
    let spread = spread(&digits);
    ratio(total, spread)
}

/// The mean of the digits of `n`, rounded down.
#[unsafe(no_mangle)]
pub extern "C" fn mean(n: i32) -> i32 {
    let digits = digits(n);
    let sum = digits.iter().sum();
    ratio(sum, digits.len() as i32)
}

/// The `i32` at `address` in the guest's memory: a raw read that Rust does
/// not check. Outside the memory, WebAssembly traps.
#[unsafe(no_mangle)]
pub extern "C" fn peek(address: i32) -> i32 {
    let pointer = address as u32 as usize as *const i32;
    // SAFETY: none; an address outside the memory traps, which is the point.
    unsafe { pointer.read_volatile() }
}

/// The decimal digits of `n`, lowest first; none for 0.
fn digits(n: i32) -> Vec<i32> {
    assert!(n >= 0, "a negative number has no digits");
    let mut rest = n;
    let mut digits = Vec::new();
    while rest > 0 {
        digits.push(rest % 10);
        rest /= 10;
    }
    digits
}

/// Each digit times its position, counted from 1, summed.
fn weighted_sum(digits: &[i32]) -> i32 {
    digits.iter().zip(1..).map(|(digit, position)| digit * position).sum()
}

/// The largest digit minus the smallest.
fn spread(digits: &[i32]) -> i32 {
    let largest = digits.iter().max().expect("no digits");
    let smallest = digits.iter().min().expect("no digits");
    largest - smallest
}

/// `a / b`; panics when `b` is 0.
fn ratio(a: i32, b: i32) -> i32 {
    a / b
}
