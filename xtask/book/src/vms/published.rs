//! The published figures this run is set beside: wasmi-labs'
//! wasmi-benchmarks, whose runs of the same VMs are public. The chapter keeps
//! the few figures it compares with, copied unchanged from that repository's
//! data files, in `chapters/chapter-7-choosing-a-vm/published.json` (which
//! names the commit and files).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use super::Results;
use super::tables::times;

/// The VMs compared (native code is not in the published runs).
const COMPARED: [&str; 6] = [
    "wasmtime-cranelift",
    "wasmtime-winch",
    "wasmtime-pulley",
    "wasmi",
    "wasm3",
    "wamr",
];

/// How far apart two slowdowns may be and still "agree": a factor of two
/// (two machines, two compilers of the guest, other inputs).
const AGREE: f64 = 2.0;

#[derive(Debug, Deserialize)]
pub struct Published {
    pub source: String,
    pub machine: String,
    pub their_names: BTreeMap<String, String>,
    pub coremark_score: BTreeMap<String, f64>,
    /// Workload (`fib`, `matmul`) -> VM -> median time.
    pub median_ns: BTreeMap<String, BTreeMap<String, f64>>,
    pub workloads: BTreeMap<String, String>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join("chapters/chapter-7-choosing-a-vm/published.json")
}

pub fn load(root: &Path) -> Result<Published> {
    let path = path(root);
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("cannot parse {}", path.display()))
}

impl Published {
    /// A workload's published time in `vm` over Cranelift's.
    pub fn ratio(&self, workload: &str, vm: &str) -> Option<f64> {
        let times = self.median_ns.get(workload)?;
        Some(times.get(vm)? / times.get("wasmtime-cranelift")?)
    }

    /// How many times slower than Cranelift `vm` is on CoreMark (a score is
    /// a speed, so this is Cranelift's score over the VM's).
    pub fn coremark_ratio(&self, vm: &str) -> Option<f64> {
        Some(self.coremark_score.get("wasmtime-cranelift")? / self.coremark_score.get(vm)?)
    }
}

/// Both runs' slowdowns against Cranelift, side by side, and whether they
/// agree (within a factor of [`AGREE`]).
pub fn markdown(published: &Published, results: &Results) -> String {
    let mut out = String::from(
        "| VM | `fib`: here | `fib`: published | `matmul`: here | `matmul`: published | \
         CoreMark: published | here and published agree? |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | --- |\n",
    );
    for vm in COMPARED {
        let mut cells = Vec::new();
        let mut apart = Vec::new();
        for workload in ["fib", "matmul"] {
            let here = results.ratio(vm, "wasmtime-cranelift", workload);
            let there = published.ratio(workload, vm);
            cells.push(here.map_or("n/a".into(), times));
            cells.push(there.map_or("n/a".into(), times));
            if let (Some(here), Some(there)) = (here, there) {
                let factor = (here / there).max(there / here);
                if factor > AGREE {
                    apart.push(format!("`{workload}` {} apart", times(factor)));
                }
            }
        }
        let coremark = published.coremark_ratio(vm).map_or("n/a".into(), times);
        let verdict = if vm == "wasmtime-cranelift" {
            "(the baseline)".to_string()
        } else if apart.is_empty() {
            format!("yes, within {AGREE}×")
        } else {
            format!("no: {}", apart.join(", "))
        };
        let _ = writeln!(
            out,
            "| `{vm}` | {} | {} | {} | {} | {coremark} | {verdict} |",
            cells[0], cells[1], cells[2], cells[3]
        );
    }
    let _ = write!(
        out,
        "\nEach figure is a time as a multiple of `wasmtime-cranelift`'s on the same machine. \
         Published: {} on {}; their `fib` is {} and their `matmul` {}; their wasmi is `{}`.\n",
        published.source,
        published.machine,
        published.workloads.get("fib").map_or("?", String::as_str),
        published
            .workloads
            .get("matmul")
            .map_or("?", String::as_str),
        published
            .their_names
            .get("wasmi")
            .map_or("?", String::as_str),
    );
    out
}
