//! Chapter 6: what each defence costs, measured. `cargo xtask bench sandbox`
//! runs it; the book runs it with `--quick` and shows what it prints.
//!
//! ```text
//! chapter-6-cost [--quick] [GUEST.wasm SPIN.wasm]
//! ```
//!
//! 1. The well-behaved guest counts primes (all arithmetic and branches)
//!    under four settings: no limit on time, fuel, epochs, and both. The
//!    settings take turns, round after round, so that whatever else the
//!    machine does falls on all of them alike; each setting's median is
//!    compared with the median without limits. Ratios, measured in one run.
//! 2. The spinning guest gets a deadline, with the ticker at three speeds:
//!    how long after its deadline is it stopped?
//!
//! Times are from the start of a run to its end: instantiating and running,
//! not compiling (each setting's module is compiled once, before timing).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chapter_6_host::{Ending, Grants, Limits, Sandbox, built_guest};
use wasmtime::error::Context;
use wasmtime::{Result, bail};

/// How much work, and how many times.
struct Plan {
    primes_below: u32,
    rounds: usize,
    deadline: Duration,
    stops: usize,
}

const FULL: Plan = Plan {
    primes_below: 2_000_000,
    rounds: 7,
    deadline: Duration::from_millis(500),
    stops: 7,
};

/// For the book and the tests: a few seconds in all.
const QUICK: Plan = Plan {
    primes_below: 100_000,
    rounds: 5,
    deadline: Duration::from_millis(100),
    stops: 3,
};

// ANCHOR: settings
/// The four settings, each an engine of its own (fuel and epochs change the
/// code Wasmtime compiles). The deadline is long enough never to stop the
/// guest: what is measured is the cost of checking it.
fn settings() -> Vec<(&'static str, Limits)> {
    let none = Limits {
        deadline: None,
        fuel: None,
        ..Limits::default()
    };
    let long = Some(Duration::from_secs(600));
    vec![
        ("no time limit", none.clone()),
        (
            "fuel",
            Limits {
                fuel: Some(u64::MAX),
                ..none.clone()
            },
        ),
        (
            "epochs",
            Limits {
                deadline: long,
                ..none.clone()
            },
        ),
        (
            "fuel and epochs",
            Limits {
                fuel: Some(u64::MAX),
                deadline: long,
                ..none
            },
        ),
    ]
}
// ANCHOR_END: settings

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let plan = match args.first().map(String::as_str) {
        Some("--quick") => {
            args.remove(0);
            QUICK
        }
        _ => FULL,
    };
    let (guest, spin) = match args.as_slice() {
        [] => (
            built_guest("chapter-6-guest"),
            built_guest("chapter-6-guest-spin"),
        ),
        [guest, spin] => (PathBuf::from(guest), PathBuf::from(spin)),
        _ => bail!("usage: chapter-6-cost [--quick] [GUEST.wasm SPIN.wasm]"),
    };
    overhead(&plan, &guest).with_context(|| format!("measuring `{}`", guest.display()))?;
    println!();
    stop_latency(&plan, &spin).with_context(|| format!("measuring `{}`", spin.display()))
}

/// Table 1: the same work under each setting, as ratios of no limits.
fn overhead(plan: &Plan, path: &Path) -> Result<()> {
    let grants = Grants {
        dir: None,
        args: vec![plan.primes_below.to_string()],
    };
    let mut runs = Vec::new();
    for (name, limits) in settings() {
        let sandbox = Sandbox::new(limits)?;
        let module = sandbox.load(path)?;
        runs.push((name, sandbox, module, Vec::new()));
    }
    let mut answer: Option<Vec<u8>> = None;
    for round in 0..plan.rounds {
        for (name, sandbox, module, times) in runs.iter_mut() {
            eprintln!("round {} of {}: {name}", round + 1, plan.rounds);
            let run = sandbox.run(module, "guest", &grants)?;
            if run.ending != Ending::Finished {
                bail!("with {name} the guest did not finish: {}", run.ending);
            }
            // Every setting must compute the same answer.
            match &answer {
                Some(first) if *first != run.stdout => bail!("with {name} the answer differs"),
                _ => answer = Some(run.stdout.clone()),
            }
            times.push(run.elapsed);
        }
    }
    println!(
        "The well-behaved guest counting the primes below {}: the median of {} runs under each setting.",
        thousands(plan.primes_below.into()),
        plan.rounds
    );
    println!();
    println!("{:<18} {:>10} {:>8}", "setting", "median", "ratio");
    let base = median(&runs[0].3);
    for (name, _, _, times) in &runs {
        let m = median(times);
        let ratio = m.as_secs_f64() / base.as_secs_f64();
        println!("{name:<18} {:>10} {ratio:>8.2}", millis(m));
    }
    Ok(())
}

/// Table 2: how late a spinning guest is stopped, for three ticks.
fn stop_latency(plan: &Plan, path: &Path) -> Result<()> {
    let deadline = plan.deadline;
    println!(
        "The spinning guest with a deadline of {}: how long after it the guest was stopped ({} runs for each tick).",
        millis(deadline),
        plan.stops
    );
    println!();
    println!(
        "{:<8} {:>14} {:>14}",
        "tick", "late (median)", "late (most)"
    );
    for tick in [1, 10, 100].map(Duration::from_millis) {
        let limits = Limits {
            deadline: Some(deadline),
            tick,
            ..Limits::default()
        };
        let sandbox = Sandbox::new(limits)?;
        let module = sandbox.load(path)?;
        let mut late = Vec::new();
        for _ in 0..plan.stops {
            eprintln!("tick {}: spinning for {}", millis(tick), millis(deadline));
            let run = sandbox.run(&module, "spin", &Grants::default())?;
            if !matches!(run.ending, Ending::OutOfTime(_)) {
                bail!(
                    "the spinning guest was not stopped by its deadline: {}",
                    run.ending
                );
            }
            late.push(run.elapsed.saturating_sub(deadline));
        }
        let most = late.iter().max().copied().unwrap_or_default();
        println!(
            "{:<8} {:>14} {:>14}",
            millis(tick),
            millis(median(&late)),
            millis(most)
        );
    }
    Ok(())
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// `12 ms`, `1,204 ms`.
fn millis(d: Duration) -> String {
    format!("{} ms", thousands(d.as_millis() as u64))
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
