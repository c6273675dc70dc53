//! Chapter 7: chapter 1's guest in six VMs; bad input that some of them
//! cannot run; the benchmark's guest; `cargo xtask bench --quick`, whose
//! rows and files must be complete (its figures are reported, never asserted);
//! and the full run the book shows, whose files must be what the code makes.

mod debuggers;

use std::path::PathBuf;
use std::sync::OnceLock;

use workbook_tests::{
    assert_output_snapshot, guest_wasm, host, imports_and_exports, root, run_host, run_host_with,
};
use xtask_book::vms::{self, Mode, Results};

const CHAPTER: &str = "chapter-7";
const HOST: &str = "chapter-7-host";
const VMS: [&str; 6] = [
    "wasmtime-cranelift",
    "wasmtime-winch",
    "wasmtime-pulley",
    "wasmi",
    "wasm3",
    "wamr",
];
const ANSWER: &str = "From host: Answer returned to the host VM: 9\n";

#[test]
fn the_host_runs_chapter_1s_guest_in_all_six_vms() {
    let ready = host(CHAPTER, HOST);
    let out = run_host(&ready);
    assert_output_snapshot(&ready, &out);
    let stdout = out.stdout_text();
    for vm in VMS {
        let section = stdout
            .split(&format!("== {vm}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no heading for {vm}:\n{stdout}"));
        assert!(
            section.starts_with(&format!("From WASM: Sum is: 9\n{ANSWER}")),
            "{vm}:\n{stdout}"
        );
    }
}

/// A `.wat` file of the chapter's `bad-input/` folder, compiled to a `.wasm`.
fn bad_input(name: &str) -> PathBuf {
    let source = root().join(format!(
        "chapters/chapter-7-choosing-a-vm/bad-input/{name}.wat"
    ));
    let bytes = wat::parse_file(&source).expect("the bad input is valid WAT");
    workbook_tests::write_temp(&format!("{name}.wasm"), &bytes)
}

/// The VMs' sections of the host's stdout for one module: `(vm, text)`.
fn sections(stdout: &str, module: &str) -> Vec<(String, String)> {
    let part = stdout
        .split(&format!("{module} in 6 VMs:\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section for {module}:\n{stdout}"));
    let part = part.split(" in 6 VMs:\n").next().unwrap_or(part);
    part.split("\n== ")
        .skip(1)
        .map(|s| {
            let (vm, text) = s.split_once('\n').unwrap_or((s, ""));
            (vm.to_string(), text.to_string())
        })
        .collect()
}

#[test]
fn bad_input_fails_in_its_own_row_and_the_other_vms_still_run() {
    let modules = [
        bad_input("simd"),
        bad_input("missing-import"),
        bad_input("trap"),
    ];
    let args: Vec<&std::ffi::OsStr> = modules.iter().map(|p| p.as_os_str()).collect();
    let ready = host(CHAPTER, HOST);
    let out = run_host_with(&ready, &args);
    // Exit 1 (never a panic's 101), and stderr names each module.
    assert_eq!(
        out.status.and_then(|s| s.code()),
        Some(1),
        "{}",
        out.stderr_text()
    );
    let stderr = out.stderr_text();
    for module in &modules {
        assert!(stderr.contains(&module.display().to_string()), "{stderr}");
    }
    let stdout = out.stdout_text();
    assert!(!stdout.contains("panicked"), "{stdout}");
    // SIMD: the JITs and Pulley run it; the others say why not, in their rows.
    for (vm, text) in sections(&stdout, "simd.wasm") {
        if vm.starts_with("wasmtime-") {
            assert_eq!(text.trim_end(), ANSWER.trim_end(), "{vm}");
        } else {
            assert!(text.starts_with("error: cannot "), "{vm}: {text}");
        }
    }
    // A missing import and a trap: every VM refuses, each in its own words.
    for module in ["missing-import.wasm", "trap.wasm"] {
        let rows = sections(&stdout, module);
        assert_eq!(rows.len(), 6, "{module}:\n{stdout}");
        for (vm, text) in rows {
            assert!(text.starts_with("error: "), "{module}, {vm}: {text}");
            assert!(!text.contains("From host"), "{module}, {vm}: {text}");
        }
    }
    for (vm, text) in sections(&stdout, "trap.wasm") {
        let lower = text.to_lowercase();
        assert!(
            lower.contains("divi") && lower.contains("zero"),
            "{vm} does not name the trap: {text}"
        );
    }
    workbook_tests::assert_named_snapshot(&ready, "chapter-7-host-bad-input", &stdout);
}

#[test]
fn a_missing_module_is_an_error_naming_it_once() {
    let missing = workbook_tests::missing_wasm();
    let out = workbook_tests::assert_fails_clearly(
        &host(CHAPTER, HOST),
        &[missing.as_os_str()],
        &[
            &missing.display().to_string(),
            "cannot read it",
            "No such file",
        ],
    );
    assert_eq!(
        out.stderr_text().lines().count(),
        1,
        "{}",
        out.stderr_text()
    );
}

#[test]
fn one_vm_can_be_asked_for_and_an_unknown_one_is_refused() {
    let ready = host(CHAPTER, HOST);
    let guest = guest_wasm("chapter-1", "chapter-1-guest");
    let out = run_host_with(
        &ready,
        &["--vm".as_ref(), "wasmi".as_ref(), guest.as_os_str()],
    );
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(out.stdout_text(), format!("From WASM: Sum is: 9\n{ANSWER}"));
    workbook_tests::assert_fails_clearly(
        &ready,
        &["--vm".as_ref(), "v8".as_ref(), guest.as_os_str()],
        &["no VM called `v8`", "wasmtime-cranelift, wasmtime-winch"],
    );
}

#[test]
fn the_benchmark_guest_imports_only_the_host_function_and_exports_the_workloads() {
    let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, "chapter-7-guest"));
    assert!(
        imports.contains(&("bench".to_string(), "add".to_string())),
        "{imports:?}"
    );
    for (module, _) in &imports {
        assert!(
            module == "bench" || module == "wasi_snapshot_preview1",
            "{imports:?}"
        );
    }
    for export in ["sum", "call_host", "fib", "sieve", "hash", "matmul"] {
        assert!(exports.contains(&export.to_string()), "{exports:?}");
    }
}

// ---------------------------------------------------------------- the benchmark

/// `cargo xtask bench --quick --json FILE`, once per test binary: the JSON
/// rows it wrote, and the results it kept in target/bench/quick/chapter-7/.
fn quick_bench() -> &'static (Vec<serde_json::Value>, Results) {
    static RUN: OnceLock<(Vec<serde_json::Value>, Results)> = OnceLock::new();
    RUN.get_or_init(|| {
        let _measuring = workbook_tests::measuring();
        let json = root().join("target/test-files/bench.json");
        let _ = std::fs::remove_file(&json);
        let mut cmd = std::process::Command::new(workbook_tests::xtask_binary());
        cmd.args(["bench", "--quick", "--json"])
            .arg(&json)
            .current_dir(root());
        let out = xtask::process::run_captured(cmd, std::time::Duration::from_secs(3600))
            .expect("cargo xtask bench runs");
        assert!(
            out.success(),
            "cargo xtask bench --quick: {}",
            out.stderr_text()
        );
        let summary = out.stdout_text();
        let last = summary.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("bench: 6 VMs and native, 6 workloads"),
            "{summary}"
        );
        let rows: Vec<serde_json::Value> =
            serde_json::from_slice(&std::fs::read(&json).expect("--json wrote its file"))
                .expect("the JSON file is an array of rows");
        let kept = vms::results_dir(&root(), Mode::Quick).join("results.json");
        let results: Results = serde_json::from_slice(&std::fs::read(&kept).unwrap()).unwrap();
        (rows, results)
    })
}

#[test]
fn the_benchmark_writes_a_row_per_vm_workload_and_metric() {
    let (rows, results) = quick_bench();
    let metrics = [
        "compile",
        "instantiate",
        "call",
        "run",
        "peak_rss",
        "binary_size",
    ];
    for row in rows {
        for field in ["vm", "workload", "metric", "unit"] {
            assert!(row[field].is_string(), "{field} in {row}");
        }
        assert!(row["value"].as_f64().is_some_and(|v| v >= 0.0), "{row}");
        assert!(vms::VMS.contains(&row["vm"].as_str().unwrap()), "{row}");
        assert!(metrics.contains(&row["metric"].as_str().unwrap()), "{row}");
        let unit = if row["metric"] == "peak_rss" || row["metric"] == "binary_size" {
            "bytes"
        } else {
            "ns"
        };
        assert_eq!(row["unit"], unit, "{row}");
    }
    assert_eq!(rows.len(), results.rows.len());
    assert_every_row(results);
}

/// Every VM has every figure it should, each within its spread.
fn assert_every_row(results: &Results) {
    for vm in vms::VMS {
        let mut wanted = vec![
            ("binary", "binary_size"),
            ("sum", "call"),
            ("host-call", "call"),
        ];
        wanted.extend(vms::KERNELS.iter().map(|k| (*k, "run")));
        wanted.extend(vms::WORKLOADS.iter().map(|w| (*w, "peak_rss")));
        if vm != "native" {
            wanted.extend([
                ("module", "compile"),
                ("module", "instantiate"),
                ("module", "peak_rss"),
                ("per-instance", "peak_rss"),
            ]);
        }
        for (workload, metric) in wanted {
            let row = results
                .row(vm, workload, metric)
                .unwrap_or_else(|| panic!("no {metric} of {workload} in {vm}"));
            assert!(row.min <= row.value && row.value <= row.max, "{row:?}");
            assert!(row.value > 0.0 || metric == "peak_rss", "{row:?}");
        }
        assert!(results.ratio(vm, "native", "fib").is_some(), "{vm}");
    }
}

#[test]
fn each_vm_has_a_binary_of_its_own_and_wasmtimes_three_share_one() {
    let (_, results) = quick_bench();
    let size = |vm| results.value(vm, "binary", "binary_size").unwrap();
    assert_eq!(size("wasmtime-cranelift"), size("wasmtime-winch"));
    assert_eq!(size("wasmtime-cranelift"), size("wasmtime-pulley"));
    for vm in ["wasmtime-cranelift", "wasmi", "wasm3", "wamr"] {
        assert!(
            size(vm) > size("native"),
            "{vm} adds nothing to the binary?"
        );
    }
}

#[test]
fn the_books_tables_and_charts_show_every_vm() {
    let (_, results) = quick_bench();
    let texts = [
        vms::tables::markdown_table(results),
        vms::tables::markdown_ratios(results),
        vms::tables::markdown_size_and_memory(results),
        vms::tables::text_table(results),
    ];
    for svg in [
        vms::chart::run_time(results).unwrap(),
        vms::chart::startup(results).unwrap(),
    ] {
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        let shown = xtask_book::size::texts(&svg);
        for vm in &vms::VMS[..6] {
            assert!(shown.iter().any(|t| t == vm), "{vm}: {shown:?}");
        }
    }
    for text in texts {
        for vm in vms::VMS {
            assert!(text.contains(vm), "{vm}:\n{text}");
        }
        assert!(!text.contains("n/a"), "a figure is missing:\n{text}");
    }
    let about = vms::tables::markdown_about(results);
    assert!(
        about.contains("quick run") && about.contains(&results.machine),
        "{about}"
    );
}

/// The book shows the last full run (`book/src/measured/chapter-7/`): its
/// results have every figure, and every table and chart there is exactly
/// what today's code makes of those results (none was edited by hand, none
/// is left behind by a change of the code).
#[test]
fn the_books_figures_are_a_full_run_and_its_files_are_current() {
    let dir = vms::results_dir(&root(), Mode::Full);
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| {
            panic!(
                "{}/{name} (cargo xtask bench writes it): {e}",
                dir.display()
            )
        })
    };
    let committed: Results = serde_json::from_str(&read("results.json")).unwrap();
    assert_eq!(committed.mode, "full");
    assert_every_row(&committed);
    for (name, text) in vms::files(&root(), &committed).unwrap() {
        assert!(
            read(name) == text,
            "{}/{name} is not what `cargo xtask bench` makes of results.json: run it and commit its files",
            dir.display()
        );
    }
}
