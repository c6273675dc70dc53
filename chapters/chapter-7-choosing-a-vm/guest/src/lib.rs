//! Chapter 7's guest: the workloads of `cargo xtask bench`. Each VM runs this
//! module; the benchmark also compiles the same functions natively (the crate
//! is an `rlib` too) as the baseline.
//!
//! Every export takes and returns `i32`s, the one type all six VMs' typed calls
//! share, and returns a checksum: the benchmark checks that every VM computes
//! the native answer, so a VM that miscomputes is an error, not a fast row.
//! Nothing here prints: printing would measure each VM's WASI and the
//! terminal, not the VM.

// ANCHOR: sum
/// Chapter 1's `sum` without its `println!`: a call into the guest and back,
/// and nothing else.
#[unsafe(no_mangle)]
pub extern "C" fn sum(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}
// ANCHOR_END: sum

// ANCHOR: host_call
// The host function every VM's host provides as `bench.add`.
#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "bench")]
unsafe extern "C" {
    #[link_name = "add"]
    fn host_add(a: i32, b: i32) -> i32;
}

/// Calls the host's `bench.add` `n` times: a call out of the guest and back.
#[unsafe(no_mangle)]
pub extern "C" fn call_host(n: i32) -> i32 {
    let mut total = 0;
    for i in 0..n {
        total = add(total, i);
    }
    total
}

#[cfg(target_arch = "wasm32")]
fn add(a: i32, b: i32) -> i32 {
    // SAFETY: the host's `bench.add` takes and returns plain integers.
    unsafe { host_add(a, b) }
}
// ANCHOR_END: host_call

/// Natively, "the host" is a function the optimiser may not see through.
#[cfg(not(target_arch = "wasm32"))]
#[inline(never)]
fn add(a: i32, b: i32) -> i32 {
    std::hint::black_box(a.wrapping_add(b))
}

// ANCHOR: kernels
/// Recursive Fibonacci: calls, branches and little else.
#[unsafe(no_mangle)]
pub extern "C" fn fib(n: i32) -> i32 {
    if n < 2 {
        n
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}

/// How many primes are below `n` (sieve of Eratosthenes): memory writes.
#[unsafe(no_mangle)]
pub extern "C" fn sieve(n: i32) -> i32 {
    let n = n.max(2) as usize;
    let mut composite = vec![false; n];
    let mut count = 0;
    for i in 2..n {
        // `i * i` would overflow a 32-bit `usize` (wasm32's) for large `i`:
        // mark multiples only while `i * i < n`, a check that cannot.
        if !composite[i] {
            count += 1;
            if i <= (n - 1) / i {
                let mut j = i * i;
                while j < n {
                    composite[j] = true;
                    j += i;
                }
            }
        }
    }
    count
}

/// FNV-1a over `n` pseudo-random bytes (a megabyte in the benchmark): byte
/// loads and 32-bit multiplies.
#[unsafe(no_mangle)]
pub extern "C" fn hash(n: i32) -> i32 {
    let mut state = 0x2545_f491_u32;
    let bytes: Vec<u8> = (0..n.max(0))
        .map(|_| {
            // xorshift32: the same bytes on every VM and natively.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let mut hash = 0x811c_9dc5_u32;
    for byte in bytes {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    hash as i32
}

/// Multiplies two `n`×`n` matrices of `f64`: floating point in a loop nest.
/// Returns the sum of the product's entries, truncated to an integer.
#[unsafe(no_mangle)]
pub extern "C" fn matmul(n: i32) -> i32 {
    let n = n.max(1) as usize;
    let a: Vec<f64> = (0..n * n).map(|i| (i % 7) as f64 * 0.5).collect();
    let b: Vec<f64> = (0..n * n).map(|i| (i % 5) as f64 + 0.25).collect();
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            for j in 0..n {
                c[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    c.iter().sum::<f64>() as i32
}
// ANCHOR_END: kernels
