//! Exercise `isqrt-bugs`: the guest. Its `isqrt` has bugs; find them with the
//! debugger, as in chapter 2, and fix them.
//!
//! To watch it run, build the guest and the host, then start the host under
//! LLDB with a breakpoint in the loop of `isqrt`:
//!
//! ```text
//! cargo xtask check chapter-2       # builds both (and grades them)
//! lldb-19 -o 'breakpoint set --file guest/src/lib.rs --line 33' -o run -- \
//!     exercises/chapter-2/isqrt-bugs/target/debug/isqrt-bugs-host \
//!     target/wasm/wasm32-wasip1/debug/isqrt_bugs_guest.wasm 15
//! ```
//!
//! At each stop, `frame variable` shows `n`, `lo`, `hi` and `mid`; `next`
//! runs one line, `continue` runs to the breakpoint again. (gdb stops there
//! too, with `break guest/src/lib.rs:33`, but shows only the arguments.)

// EXERCISE: `isqrt(15)` must be 3, and `isqrt(2147483647)` must return
// 46340 instead of trapping; several numbers are checked. Fix the bugs,
// keeping the binary search: the answer lies in `lo..=hi`, which shrinks
// until one number is left.

/// The integer square root of `n`: the largest `r` with `r * r <= n`.
/// For a negative `n`, which has no square root, it returns -1.
#[unsafe(no_mangle)]
pub extern "C" fn isqrt(n: i32) -> i32 {
    if n < 0 {
        return -1;
    }
    let mut lo = 0;
    let mut hi = n.min(46340); // 46340² fits in an i32, 46341² does not
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2; // rounded up, so that `lo = mid` moves
        if mid * mid <= n {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}
