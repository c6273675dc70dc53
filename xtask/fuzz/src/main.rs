//! `xtask-fuzz`: run by `cargo xtask fuzz`, which says what it does
//! (`cargo xtask fuzz --help`).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use xtask_fuzz::{Options, Summary};

#[derive(Parser)]
#[command(name = "cargo xtask fuzz", bin_name = "cargo xtask fuzz")]
struct Cli {
    #[arg(long, default_value_t = 10_000)]
    count: u64,
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long)]
    optimized: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let seed = cli.seed.unwrap_or_else(|| fastrand::u64(..));
    match run(cli.count, seed, cli.optimized) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(count: u64, seed: u64, optimized: bool) -> anyhow::Result<bool> {
    let root = xtask::root();
    // The xtask that started us already found (or installed) the toolchain.
    let toolchain = xtask::toolchain::find()?;
    eprintln!("fuzz: {count} modules from seed {seed} (`--seed {seed}` makes the same ones again)");
    let bar = ProgressBar::new(count);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:30} {pos}/{len} modules ({elapsed}, about {eta} left) {msg}",
    ) {
        bar.set_style(style);
    }
    let mut options = Options::new(count, seed);
    if optimized {
        options.profile = "fuzz".to_string();
        eprintln!(
            "fuzz: building the runners with optimised dependencies (the `fuzz` profile; the first time takes minutes)"
        );
    }
    // Without a terminal (a CI log, a file) the bar is hidden: say how far it
    // got at every tenth instead.
    let plain = !std::io::stderr().is_terminal();
    let tenths_said = std::cell::Cell::new(0);
    let summary = xtask_fuzz::run(&root, &toolchain, &options, &|done, summary| {
        bar.set_position(done);
        bar.set_message(format!("{} finding(s)", summary.findings.len()));
        let tenths = done * 10 / count.max(1);
        if plain && tenths > tenths_said.get() {
            tenths_said.set(tenths);
            eprintln!(
                "fuzz: {done}/{count} modules, {} finding(s), {} s",
                summary.findings.len(),
                bar.elapsed().as_secs()
            );
        }
    })?;
    bar.finish_and_clear();
    report(&root, &summary);
    Ok(summary.findings.is_empty())
}

fn report(root: &std::path::Path, summary: &Summary) {
    for ((runner, ending), n) in &summary.endings {
        eprintln!("  {runner:<24} {ending:<14} {n}");
    }
    for finding in &summary.findings {
        eprintln!(
            "FINDING in {} on {}:\n{}",
            finding.runner,
            finding.module.display(),
            finding.what
        );
    }
    let runs: u64 = summary.endings.values().sum();
    let kept = if summary.findings.is_empty() {
        String::new()
    } else {
        format!(
            " (kept in {})",
            xtask::report::rel(root, &xtask_fuzz::findings_dir(root))
        )
    };
    println!(
        "fuzz: {} modules, {runs} runs in {:.0} s: {} finding(s){kept}",
        summary.modules,
        summary.elapsed.as_secs_f64(),
        summary.findings.len()
    );
}
