//! `xtask-gradebook`: run by `cargo xtask gradebook`, which says what it
//! does (`cargo xtask gradebook --help`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(name = "cargo xtask gradebook", bin_name = "cargo xtask gradebook")]
struct Cli {
    /// Grade reports (`cargo xtask grade --json`), one per student
    #[arg(required = true, value_name = "REPORT.json")]
    reports: Vec<PathBuf>,
    /// Also write the table as CSV, for a spreadsheet
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Also write a page to open in a browser (sortable, with a chart)
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outputs = xtask_gradebook::Outputs {
        csv: cli.csv.as_deref(),
        html: cli.html.as_deref(),
    };
    match xtask_gradebook::command(&xtask::root(), &cli.reports, &outputs) {
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
