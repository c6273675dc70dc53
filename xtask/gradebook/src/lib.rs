//! `cargo xtask gradebook`: the grade reports of a class, one per student,
//! read together: a table on the terminal (a row per student, a column per
//! exercise, the totals, and the class's pass rate per exercise), and on
//! request the same as CSV and as a page.
//!
//! | module | holds |
//! | --- | --- |
//! | [`load`] | reading and checking the reports; whose each one is |
//! | [`table`] | the table, for the terminal and as CSV |
//! | [`html`] | the page: a sortable table and a chart of the pass rates |

use std::path::Path;

use anyhow::{Context, Result, bail};

pub mod html;
pub mod load;
pub mod table;

pub use load::{Class, Student};

/// Where the gradebook goes besides the terminal.
#[derive(Debug, Default)]
pub struct Outputs<'a> {
    pub csv: Option<&'a Path>,
    pub html: Option<&'a Path>,
}

/// Read `reports`, print the table, write the files asked for. Returns
/// whether every report could be read (the others are in the table anyway).
pub fn command(root: &Path, reports: &[std::path::PathBuf], outputs: &Outputs) -> Result<bool> {
    let manifest = xtask::exercises::load(root)?;
    let class = load::class(&manifest, reports);
    for (path, why) in &class.refused {
        eprintln!("refused {}: {why}", path.display());
    }
    if class.students.is_empty() {
        bail!("no report could be read, so there is no gradebook");
    }
    print!("{}", table::text(&class));
    if let Some(path) = outputs.csv {
        write(path, &table::csv(&class))?;
    }
    if let Some(path) = outputs.html {
        write(path, &html::page(&class)?)?;
    }
    println!(
        "gradebook: {} student(s), {} report(s) refused",
        class.students.len(),
        class.refused.len()
    );
    Ok(class.refused.is_empty())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
