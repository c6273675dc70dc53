//! What `cargo xtask bench` runs: one measurement in one VM, in a process of
//! its own, so that the process's peak memory is that VM's. It prints JSON
//! rows, one a line: `{"vm", "workload", "metric", "value", "unit", "min",
//! "max", "samples"}`; `value` is the median of the samples.
//!
//! ```text
//! chapter-7-bench VM GUEST.wasm load SAMPLES       compile, instantiate, memory
//! chapter-7-bench VM GUEST.wasm WORKLOAD SAMPLES   one workload (see WORKLOADS)
//! ```
//!
//! `VM` is one of the VMs compiled in (`cargo xtask bench` builds this program
//! once per VM) or `native`: the guest's functions compiled for this machine.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// A workload: the export it calls, its arguments, and how many times one
/// sample calls it (the `call` metrics divide by that).
struct Workload {
    name: &'static str,
    export: &'static str,
    args: &'static [i32],
    calls: u32,
    metric: &'static str,
}

const WORKLOADS: &[Workload] = &[
    // One call from the host into the guest, 10,000 times a sample.
    Workload {
        name: "sum",
        export: "sum",
        args: &[5, 4],
        calls: 10_000,
        metric: "call",
    },
    // One call from the guest out to the host: the guest calls `bench.add`
    // 10,000 times a sample.
    Workload {
        name: "host-call",
        export: "call_host",
        args: &[10_000],
        calls: 1,
        metric: "call",
    },
    Workload {
        name: "fib",
        export: "fib",
        args: &[25],
        calls: 1,
        metric: "run",
    },
    Workload {
        name: "sieve",
        export: "sieve",
        args: &[1_000_000],
        calls: 1,
        metric: "run",
    },
    Workload {
        name: "hash",
        export: "hash",
        args: &[1 << 20],
        calls: 1,
        metric: "run",
    },
    Workload {
        name: "matmul",
        export: "matmul",
        args: &[96],
        calls: 1,
        metric: "run",
    },
];

/// How many instances the `load` measurement keeps alive at once, to see
/// what one more instance costs in memory.
const EXTRA_INSTANCES: usize = 20;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [vm, guest, what, samples] = args.as_slice() else {
        bail!("usage: chapter-7-bench VM GUEST.wasm (load|WORKLOAD) SAMPLES");
    };
    let samples: usize = samples.parse().context("SAMPLES must be a number")?;
    let samples = samples.max(1);
    let workload = WORKLOADS.iter().find(|w| w.name == what);
    match (vm.as_str(), workload) {
        ("native", Some(w)) => native(w, samples),
        ("native", None) => bail!("`native` has nothing to load"),
        (_, Some(w)) => in_vm(vm, &read(guest)?, w, samples),
        (_, None) if what == "load" => load(vm, &read(guest)?, samples),
        (_, None) => bail!("no workload `{what}`"),
    }
}

fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read the guest `{path}`"))
}

/// Memory first, in a fresh process: its peak with the guest loaded and one
/// instance, then what one more live instance costs. Then compile and
/// instantiate `samples` times.
fn load(vm_name: &str, wasm: &[u8], samples: usize) -> Result<()> {
    let vm = chapter_7_host::vm(vm_name, chapter_7_host::Debug::Off)?;
    let module = vm.load(wasm).context("cannot load the guest")?;
    let mut first = module.instantiate()?;
    first.call("sieve", &[1000], 1)?;
    row(
        vm_name,
        "module",
        "peak_rss",
        &[rss_bytes("VmHWM")? as f64],
        "bytes",
    );
    let before = rss_bytes("VmRSS")?;
    let mut alive = Vec::new();
    for _ in 0..EXTRA_INSTANCES {
        let mut instance = module.instantiate()?;
        // Use the instance's memory a little, as a real one would: the guest
        // allocates and fills a kilobyte.
        instance.call("sieve", &[1000], 1)?;
        alive.push(instance);
    }
    let grown = rss_bytes("VmRSS")?.saturating_sub(before);
    drop(alive);
    let per_instance = grown as f64 / EXTRA_INSTANCES as f64;
    row(
        vm_name,
        "per-instance",
        "peak_rss",
        &[per_instance],
        "bytes",
    );

    let mut compile = Vec::new();
    for _ in 0..samples + 1 {
        let started = Instant::now();
        drop(vm.load(wasm)?);
        compile.push(started.elapsed().as_nanos() as f64);
    }
    let mut instantiate = Vec::new();
    for _ in 0..samples + 1 {
        let started = Instant::now();
        drop(module.instantiate()?);
        instantiate.push(started.elapsed().as_nanos() as f64);
    }
    // The first sample warms up (caches, lazily built tables): left out.
    row(vm_name, "module", "compile", &compile[1..], "ns");
    row(vm_name, "module", "instantiate", &instantiate[1..], "ns");
    drop(first);
    Ok(())
}

/// One workload in a VM: checked against the native answer, warmed up, timed.
fn in_vm(vm_name: &str, wasm: &[u8], w: &Workload, samples: usize) -> Result<()> {
    let vm = chapter_7_host::vm(vm_name, chapter_7_host::Debug::Off)?;
    let mut instance = vm.load(wasm)?.instantiate()?;
    let expected = native_call(w)?;
    let got = instance.call(w.export, w.args, 1)?;
    if got != expected {
        bail!(
            "{vm_name}: `{}` returned {got}, natively {expected}",
            w.export
        );
    }
    let times = timed(samples, || {
        instance.call(w.export, w.args, w.calls).map(drop)
    })?;
    report(vm_name, w, &times)
}

/// One workload natively: the guest's own Rust, compiled for this machine.
fn native(w: &Workload, samples: usize) -> Result<()> {
    let times = timed(samples, || {
        for _ in 0..w.calls {
            std::hint::black_box(native_call(w)?);
        }
        Ok(())
    })?;
    report("native", w, &times)
}

fn native_call(w: &Workload) -> Result<i32> {
    use chapter_7_guest as guest;
    let a = |i: usize| std::hint::black_box(w.args[i]);
    Ok(match w.export {
        "sum" => guest::sum(a(0), a(1)),
        "call_host" => guest::call_host(a(0)),
        "fib" => guest::fib(a(0)),
        "sieve" => guest::sieve(a(0)),
        "hash" => guest::hash(a(0)),
        "matmul" => guest::matmul(a(0)),
        other => bail!("no native `{other}`"),
    })
}

/// One warm-up run, then `samples` timed runs, in nanoseconds.
fn timed(samples: usize, mut run: impl FnMut() -> Result<()>) -> Result<Vec<f64>> {
    run()?;
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        run()?;
        times.push(started.elapsed().as_nanos() as f64);
    }
    Ok(times)
}

/// A workload's rows: its time (per call for `call`) and the peak memory.
fn report(vm: &str, w: &Workload, times: &[f64]) -> Result<()> {
    // A `call` sample makes `calls` calls from the host, or the guest makes
    // `args[0]` calls to the host: the row is the cost of one.
    let per = match w.name {
        "host-call" => f64::from(w.args[0]),
        _ => f64::from(w.calls),
    };
    let per_call: Vec<f64> = times.iter().map(|t| t / per).collect();
    let times = if w.metric == "call" {
        &per_call[..]
    } else {
        times
    };
    row(vm, w.name, w.metric, times, "ns");
    row(
        vm,
        w.name,
        "peak_rss",
        &[rss_bytes("VmHWM")? as f64],
        "bytes",
    );
    Ok(())
}

/// Print one row: the median of `values`, with their minimum and maximum.
fn row(vm: &str, workload: &str, metric: &str, values: &[f64], unit: &str) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    println!(
        r#"{{"vm":"{vm}","workload":"{workload}","metric":"{metric}","value":{median:.1},"unit":"{unit}","min":{:.1},"max":{:.1},"samples":{n}}}"#,
        sorted[0],
        sorted[n - 1]
    );
}

/// A line of `/proc/self/status` in bytes: `VmRSS` (now) or `VmHWM` (peak).
fn rss_bytes(field: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")
        .context("cannot read /proc/self/status (memory is measured on Linux only)")?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .with_context(|| format!("/proc/self/status has no {field}"))?;
    let kb: u64 = line
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .with_context(|| format!("cannot read {field}: `{line}`"))?;
    Ok(kb * 1024)
}
