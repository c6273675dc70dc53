//! The ladder as text: the terminal's table and the book's markdown.

use std::fmt::Write as _;

use super::wasm_opt::WASM_OPT_ARGS;
use super::{GUEST, LADDER_DIR, LARGEST_OF, LAST_PROFILE, Ladder, StdFromSource, WasmOpt};

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
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

/// A share in percent, with as many decimals as a small one needs.
pub fn percent(p: f64) -> String {
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

/// The ladder as a plain-text table, for the terminal.
pub fn text_table(ladder: &Ladder) -> String {
    let rows: Vec<[String; 4]> = ladder
        .rungs
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.setting.clone(),
                thousands(r.bytes),
                percent(ladder.percent_of_debug(r)),
            ]
        })
        .collect();
    let header = ["rung", "setting added", "bytes", "of debug"];
    let width = |col: usize| {
        rows.iter()
            .map(|r| r[col].chars().count())
            .chain([header[col].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2, w3) = (width(0), width(1), width(2), width(3));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}",
        header[0], header[1], header[2], header[3]
    );
    for [a, b, c, d] in &rows {
        let _ = writeln!(out, "{a:<w0$}  {b:<w1$}  {c:>w2$}  {d:>w3$}");
    }
    match &ladder.wasm_opt {
        WasmOpt::Found { version, .. } => {
            let _ = writeln!(out, "\nwasm-opt: {version}");
        }
        WasmOpt::Missing { why } => {
            let _ = writeln!(out, "\nNOT MEASURED: the wasm-opt rungs. {why}.");
        }
    }
    if let StdFromSource::Missing { why } = &ladder.std_from_source {
        let _ = writeln!(out, "NOT MEASURED: the immediate-abort rungs. {why}.");
    }
    let _ = writeln!(out, "guests built with {}", ladder.toolchain);
    out
}

/// The ladder as a markdown table, for the book.
pub fn markdown_table(ladder: &Ladder) -> String {
    let mut out = String::from(
        "| rung | setting added | bytes | share of the debug build |\n| --- | --- | ---: | ---: |\n",
    );
    for rung in &ladder.rungs {
        let setting = md_cell(&rung.setting);
        let _ = writeln!(
            out,
            "| `{}` | {setting} | {} | {} |",
            rung.name,
            thousands(rung.bytes),
            percent(ladder.percent_of_debug(rung))
        );
    }
    if let WasmOpt::Missing { why } = &ladder.wasm_opt {
        let _ = writeln!(
            out,
            "\n**Not measured here: the `wasm-opt` rungs.** {}.",
            md_cell(why)
        );
    }
    if let StdFromSource::Missing { why } = &ladder.std_from_source {
        let _ = writeln!(
            out,
            "\n**Not measured here: the `immediate-abort` rungs.** {}.",
            md_cell(why)
        );
    }
    out
}

/// The largest functions as a markdown table, after a line that sets the scene.
pub fn markdown_largest(ladder: &Ladder) -> String {
    let f = &ladder.largest;
    let mut out = format!(
        "The `{LARGEST_OF}` build of `{GUEST}` is {} bytes. Its code section holds {} bytes in {} functions; \
         the {} largest are:\n\n| # | function | bytes | share of the module |\n| ---: | --- | ---: | ---: |\n",
        thousands(f.module_bytes),
        thousands(f.code_bytes),
        f.count,
        f.largest.len()
    );
    for (i, function) in f.largest.iter().enumerate() {
        let share = 100.0 * function.bytes as f64 / f.module_bytes.max(1) as f64;
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            i + 1,
            function.name.replace('|', "\\|").replace('`', "'"),
            thousands(function.bytes),
            percent(share)
        );
    }
    out
}

/// The `wasm-opt` command of the ladder, as a markdown code block that runs
/// as it is from the workbook's folder (after `cargo xtask size`), one
/// option a line.
pub fn markdown_wasm_opt(ladder: &Ladder) -> String {
    let command = wasm_opt_command().join(" \\\n  ");
    match &ladder.wasm_opt {
        WasmOpt::Found { version, .. } => {
            format!("```console\n{command}\n```\n\nMeasured with {version}.\n")
        }
        WasmOpt::Missing { why } => {
            format!("```console\n{command}\n```\n\nNot measured here: {why}.\n")
        }
    }
}

/// The words of the `wasm-opt` command of the ladder's `wasm-opt` rung, with
/// the paths `cargo xtask size` uses, relative to the workbook's folder.
pub fn wasm_opt_command() -> Vec<String> {
    let mut words = vec!["wasm-opt".to_string()];
    words.extend(WASM_OPT_ARGS.iter().map(|a| a.to_string()));
    words.push(format!("{LADDER_DIR}/{LAST_PROFILE}.wasm"));
    words.push("-o".to_string());
    words.push(format!("{LADDER_DIR}/wasm-opt.wasm"));
    words
}

/// `|` would end a table cell; backticks stay (they make code in a cell).
fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_089_174), "2,089,174");
    }

    #[test]
    fn small_shares_keep_two_decimals() {
        assert_eq!(percent(100.0), "100 %");
        assert_eq!(percent(3.04), "3.0 %");
        assert_eq!(percent(0.0218), "0.02 %");
    }
}
