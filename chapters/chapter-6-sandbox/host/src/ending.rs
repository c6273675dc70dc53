//! How a guest's run ended, the host's exit code for each ending, and how
//! each is told to the reader.

use std::time::Duration;

// ANCHOR: ending
/// How a guest's run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// `main` returned, or the guest called `proc_exit(0)`.
    Finished,
    /// The guest called `proc_exit(code)` with a code other than 0.
    Exited(i32),
    /// The guest crashed: a trap of its own (a Rust panic ends in one).
    Trapped(String),
    /// Stopped at its deadline.
    OutOfTime(Duration),
    /// Stopped when its fuel ran out.
    OutOfFuel(u64),
    /// It asked for more memory than allowed (`asked`, in bytes) and crashed
    /// or was refused.
    OutOfMemory { limit: usize, asked: usize },
    /// Its WebAssembly stack overflowed.
    StackOverflow(usize),
    /// It wrote more than allowed and crashed on the failed write.
    OutputCut(usize),
    /// Still in a call to the host (a sleep, a blocking read) past its
    /// deadline: the deadline cannot interrupt the host's own code.
    Stuck(Duration),
}
// ANCHOR_END: ending

// ANCHOR: exit_codes
impl Ending {
    /// The host's exit code for this ending. A guest's own `proc_exit(n)` is
    /// passed on; a limit has a small code of its own (1 is the host's own
    /// errors: a file that is not a module, a missing `_start`).
    pub fn exit_code(&self) -> u8 {
        match self {
            Ending::Finished => 0,
            // WASI lets a guest exit with 0 to 125 (Wasmtime traps on any
            // other code), so the guest's code fits a process's.
            Ending::Exited(code) => u8::try_from(*code).unwrap_or(1),
            Ending::Trapped(_) => 2,
            Ending::OutOfTime(_) | Ending::Stuck(_) => 3,
            Ending::OutOfFuel(_) => 4,
            Ending::OutOfMemory { .. } => 5,
            Ending::StackOverflow(_) => 6,
            Ending::OutputCut(_) => 7,
        }
    }
}
// ANCHOR_END: exit_codes

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Finished => write!(f, "finished"),
            Ending::Exited(code) => write!(f, "exited with code {code}"),
            Ending::Trapped(why) => write!(f, "crashed: {why}"),
            Ending::OutOfTime(after) => write!(f, "ran out of time after {}", shown(*after)),
            Ending::OutOfFuel(fuel) => write!(f, "ran out of fuel after {fuel} units"),
            Ending::OutOfMemory { limit, .. } => {
                write!(f, "memory limit of {} reached", bytes(*limit))
            }
            Ending::StackOverflow(stack) => {
                write!(f, "stack overflow (the stack is {})", bytes(*stack))
            }
            Ending::OutputCut(limit) => write!(
                f,
                "output limit of {} reached: the rest was dropped",
                bytes(*limit)
            ),
            Ending::Stuck(after) => write!(
                f,
                "ran out of time after {}, stuck in a call to the host",
                shown(*after)
            ),
        }
    }
}

/// `1 s`, `250 ms`.
fn shown(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// `64 MiB`, `512 KiB`, `100 bytes`.
pub fn bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}
