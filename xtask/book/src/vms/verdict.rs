//! The page's verdict table: what each VM is (from the chapter's
//! `verdict.toml`) beside what this run measured (binary size, memory, speed).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use super::Results;
use super::tables::{bytes, geomean_ratio, times};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub vm: Vec<Facts>,
}

/// One VM's facts, as the chapter embeds it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub name: String,
    pub runs: String,
    pub aot: String,
    pub wasi: String,
    pub limits: String,
    pub debugging: String,
    pub maintenance: String,
    pub license: String,
}

pub fn path(root: &Path) -> PathBuf {
    root.join("chapters/chapter-7-choosing-a-vm/verdict.toml")
}

pub fn load(root: &Path) -> Result<Verdict> {
    let path = path(root);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))
}

/// Two tables: what each VM is, and what it cost in this run.
pub fn markdown(verdict: &Verdict, results: &Results) -> String {
    let mut out = String::from(
        "| VM | runs code as | ahead-of-time | WASI preview 1 | fuel and limits | \
         source-level debugging (gdb) | maintenance | license |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for f in &verdict.vm {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            f.name, f.runs, f.aot, f.wasi, f.limits, f.debugging, f.maintenance, f.license
        );
    }
    out += "\n| VM | binary (stripped) | peak memory, guest loaded | one more instance | \
            kernels: × native | kernels: × Cranelift |\n| --- | ---: | ---: | ---: | ---: | ---: |\n";
    for f in &verdict.vm {
        let vm = f.name.as_str();
        let value = |workload: &str, metric: &str| {
            results
                .value(vm, workload, metric)
                .map_or("n/a".into(), bytes)
        };
        let ratio = |baseline| geomean_ratio(results, vm, baseline).map_or("n/a".into(), times);
        let _ = writeln!(
            out,
            "| `{vm}` | {} | {} | {} | {} | {} |",
            value("binary", "binary_size"),
            value("module", "peak_rss"),
            value("per-instance", "peak_rss"),
            ratio("native"),
            ratio("wasmtime-cranelift"),
        );
    }
    out
}
