//! Exercise `wasmi-fuel`: the guest. `count(n)` does `n` steps of work and
//! returns `n`; `spin` never returns, as a buggy or hostile guest might.

use std::hint::black_box;

#[unsafe(no_mangle)]
pub extern "C" fn count(n: i32) -> i32 {
    let mut steps: i32 = 0;
    for _ in 0..n {
        steps = black_box(steps).wrapping_add(1);
    }
    steps
}

#[unsafe(no_mangle)]
pub extern "C" fn spin(seed: i32) -> i32 {
    let mut x = seed;
    loop {
        x = black_box(x.wrapping_mul(31).wrapping_add(7));
    }
}
