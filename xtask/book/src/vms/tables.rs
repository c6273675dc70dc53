//! A run as text: the terminal's table and the book's markdown tables.

use std::fmt::Write as _;

use super::{KERNELS, Results, Row, VMS};

/// `812 ns`, `3.4 µs`, `12.1 ms`, `1.20 s`.
pub fn duration(ns: f64) -> String {
    match ns {
        n if n >= 1e9 => format!("{:.2} s", n / 1e9),
        n if n >= 1e6 => format!("{:.1} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.1} µs", n / 1e3),
        n => format!("{n:.1} ns"),
    }
}

/// `7.3 MB`, `412 kB`, `96 B`.
pub fn bytes(b: f64) -> String {
    match b {
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.0} kB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}

/// `3.1×`, `0.93×`, `41×`.
pub fn times(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 1.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.2}×")
    }
}

/// What native code has no figure for (it is neither compiled nor
/// instantiated at run time).
const NONE: &str = "—";

/// A VM's compile or instantiate time; native code has none.
fn startup(results: &Results, vm: &str, metric: &str) -> String {
    if vm == "native" {
        NONE.to_string()
    } else {
        shown(results.row(vm, "module", metric))
    }
}

/// A row's value in its unit, or `n/a` when it was not measured.
fn shown(row: Option<&Row>) -> String {
    match row {
        Some(r) if r.unit == "bytes" => bytes(r.value),
        Some(r) => duration(r.value),
        None => "n/a".to_string(),
    }
}

/// The median and, after it, the spread of the samples (fastest–slowest).
fn with_spread(row: Option<&Row>) -> String {
    match row {
        Some(r) if r.samples > 1 => {
            format!("{} ({}–{})", shown(row), duration(r.min), duration(r.max))
        }
        _ => shown(row),
    }
}

/// The geometric mean of a VM's kernel times over `baseline`'s.
pub fn geomean_ratio(results: &Results, vm: &str, baseline: &str) -> Option<f64> {
    let ratios: Option<Vec<f64>> = KERNELS
        .iter()
        .map(|k| results.ratio(vm, baseline, k))
        .collect();
    let ratios = ratios?;
    let log_sum: f64 = ratios.iter().map(|r| r.ln()).sum();
    Some((log_sum / ratios.len() as f64).exp())
}

/// Where and how the run was made, as a sentence for the page.
pub fn markdown_about(results: &Results) -> String {
    let how = match results.mode.as_str() {
        "full" => format!(
            "a full run of `cargo xtask bench` ({} samples a figure, release builds; run it \
             to measure your own machine: it rewrites these files)",
            results.samples
        ),
        _ => format!(
            "a quick run (`cargo xtask bench --quick`, {} sample{} a figure, dev builds: a \
             check that the benchmark works, not figures to compare)",
            results.samples,
            if results.samples == 1 { "" } else { "s" }
        ),
    };
    format!(
        "Measured by {how} on {}, {} UTC; the run took {:.0} s, builds included. Each figure is \
         the median of its samples, after a warm-up; a spread is the fastest and slowest sample.\n",
        results.machine, results.date, results.seconds
    )
}

/// Startup and calls: compile, instantiate, one call each way.
pub fn markdown_table(results: &Results) -> String {
    let mut out = String::from(
        "| VM | compile | instantiate | one call into the guest (`sum`) | one call out to the host |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    for vm in VMS {
        let _ = writeln!(
            out,
            "| `{vm}` | {} | {} | {} | {} |",
            startup(results, vm, "compile"),
            startup(results, vm, "instantiate"),
            with_spread(results.row(vm, "sum", "call")),
            with_spread(results.row(vm, "host-call", "call")),
        );
    }
    out += "\n| VM |";
    for kernel in KERNELS {
        let _ = write!(out, " `{kernel}` |");
    }
    out += "\n| --- |";
    out += &" ---: |".repeat(KERNELS.len());
    out += "\n";
    for vm in VMS {
        let _ = write!(out, "| `{vm}` |");
        for kernel in KERNELS {
            let _ = write!(out, " {} |", with_spread(results.row(vm, kernel, "run")));
        }
        out += "\n";
    }
    out
}

/// Each kernel's time as a multiple of Cranelift's and of native code's.
pub fn markdown_ratios(results: &Results) -> String {
    let mut out = String::from("| VM |");
    for kernel in KERNELS {
        let _ = write!(out, " `{kernel}` |");
    }
    out += " all four (geometric mean) |\n| --- |";
    out += &" ---: |".repeat(KERNELS.len() + 1);
    out += "\n";
    for vm in VMS {
        let _ = write!(out, "| `{vm}` |");
        let pair = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{} / {}", times(a), times(b)),
            _ => "n/a".to_string(),
        };
        for kernel in KERNELS {
            let cell = pair(
                results.ratio(vm, "wasmtime-cranelift", kernel),
                results.ratio(vm, "native", kernel),
            );
            let _ = write!(out, " {cell} |");
        }
        let cell = pair(
            geomean_ratio(results, vm, "wasmtime-cranelift"),
            geomean_ratio(results, vm, "native"),
        );
        let _ = writeln!(out, " {cell} |");
    }
    out
}

/// Binary size and memory.
pub fn markdown_size_and_memory(results: &Results) -> String {
    let mut out = String::from(
        "| VM | binary (stripped) | peak memory: load and instantiate | one more live instance | \
         peak memory: the largest workload |\n| --- | ---: | ---: | ---: | ---: |\n",
    );
    for vm in VMS {
        let largest = super::WORKLOADS
            .iter()
            .filter_map(|w| results.row(vm, w, "peak_rss"))
            .max_by(|a, b| a.value.total_cmp(&b.value));
        let _ = writeln!(
            out,
            "| `{vm}` | {} | {} | {} | {} |",
            shown(results.row(vm, "binary", "binary_size")),
            startup_memory(results, vm, "module"),
            startup_memory(results, vm, "per-instance"),
            shown(largest),
        );
    }
    out
}

/// Memory of loading, or of one more instance; native code has neither.
fn startup_memory(results: &Results, vm: &str, workload: &str) -> String {
    if vm == "native" {
        NONE.to_string()
    } else {
        shown(results.row(vm, workload, "peak_rss"))
    }
}

/// One line per VM, for the terminal.
pub fn text_table(results: &Results) -> String {
    let mut header = vec!["VM", "compile", "instantiate", "sum call", "host call"];
    header.extend(KERNELS);
    header.extend(["× cranelift", "× native", "binary", "peak RSS"]);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for vm in VMS {
        let mut row = vec![
            vm.to_string(),
            startup(results, vm, "compile"),
            startup(results, vm, "instantiate"),
            shown(results.row(vm, "sum", "call")),
            shown(results.row(vm, "host-call", "call")),
        ];
        row.extend(KERNELS.iter().map(|k| shown(results.row(vm, k, "run"))));
        for baseline in ["wasmtime-cranelift", "native"] {
            row.push(geomean_ratio(results, vm, baseline).map_or("n/a".into(), times));
        }
        row.push(shown(results.row(vm, "binary", "binary_size")));
        row.push(startup_memory(results, vm, "module"));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = w.saturating_sub(c.chars().count());
                if i == 0 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        out += &line(row);
    }
    out + "(× cranelift, × native: the geometric mean of the four kernels' time ratios)\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_chosen_by_size() {
        assert_eq!(duration(812.0), "812.0 ns");
        assert_eq!(duration(3_400.0), "3.4 µs");
        assert_eq!(duration(12_100_000.0), "12.1 ms");
        assert_eq!(bytes(7_300_000.0), "7.3 MB");
        assert_eq!(bytes(412_000.0), "412 kB");
        assert_eq!(times(3.26), "3.3×");
        assert_eq!(times(0.931), "0.93×");
        assert_eq!(times(41.4), "41×");
    }
}
