//! Running the measurements: for each VM, one process that compiles and
//! instantiates the guest (`load`), then one process per workload; for the
//! baseline, one per workload. Each process prints its rows as JSON lines.
//! The binary's size is measured here, from the file.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use xtask::process;

use super::build::Built;
use super::{Mode, Row, VMS, WORKLOADS};

/// How long one measuring process may run: a VM that hangs is an error.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(300);

/// Every measurement of every VM, in [`VMS`] order.
pub fn measure(built: &Built, mode: Mode) -> Result<Vec<Row>> {
    let mut steps: Vec<(&str, &str)> = Vec::new();
    for vm in VMS {
        if vm != "native" {
            steps.push((vm, "load"));
        }
        steps.extend(WORKLOADS.iter().map(|w| (vm, *w)));
    }
    let bar = ProgressBar::new(steps.len() as u64);
    if let Ok(style) =
        ProgressStyle::with_template("bench: [{bar:30}] {pos}/{len} {msg} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    let mut rows = Vec::new();
    let result = (|| -> Result<()> {
        for (vm, what) in steps {
            bar.set_message(format!("{vm}: {what}"));
            let program = built
                .programs
                .get(vm)
                .with_context(|| format!("no benchmark program was built for {vm}"))?;
            rows.extend(one(program, vm, &built.guest, what, mode.samples())?);
            bar.inc(1);
        }
        Ok(())
    })();
    bar.finish_and_clear();
    result?;
    for vm in VMS {
        let program = &built.programs[vm];
        let bytes = std::fs::metadata(program)
            .with_context(|| format!("cannot read {}", program.display()))?
            .len() as f64;
        rows.push(Row {
            vm: vm.to_string(),
            workload: "binary".to_string(),
            metric: "binary_size".to_string(),
            value: bytes,
            unit: "bytes".to_string(),
            min: bytes,
            max: bytes,
            samples: 1,
        });
    }
    Ok(rows)
}

/// Run `program VM GUEST WHAT SAMPLES` and read its rows.
fn one(program: &Path, vm: &str, guest: &Path, what: &str, samples: usize) -> Result<Vec<Row>> {
    let mut cmd = Command::new(program);
    cmd.arg(vm).arg(guest).arg(what).arg(samples.to_string());
    let out = process::run_captured(cmd, PROCESS_TIMEOUT)?;
    if !out.success() {
        bail!(
            "{vm}, {what}: the benchmark program {}:\n{}",
            out.ending(),
            out.stderr_text().trim_end()
        );
    }
    let mut rows = Vec::new();
    for line in out.stdout_text().lines().filter(|l| !l.trim().is_empty()) {
        let row: Row = serde_json::from_str(line)
            .with_context(|| format!("{vm}, {what}: not a row: {line}"))?;
        rows.push(row);
    }
    if rows.is_empty() {
        bail!("{vm}, {what}: the benchmark program printed no rows");
    }
    Ok(rows)
}
