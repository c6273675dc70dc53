//! How the xtask prints results: PASS/FAIL lines, indented details, diffs.

use std::io::IsTerminal;

use similar::{ChangeTag, TextDiff};

fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

fn paint(code: &str, text: &str) -> String {
    if color() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn heading(text: &str) {
    println!("{}", paint("1", text));
}

pub fn pass(label: &str, detail: &str) {
    println!("  {}  {label}: {detail}", paint("32;1", "PASS"));
}

pub fn fail(label: &str, detail: &str) {
    println!(
        "  {}  {label}: {}",
        paint("31;1", "FAIL"),
        indent_rest(detail)
    );
}

pub fn skip(label: &str, detail: &str) {
    println!("  {}  {label}: {detail}", paint("33;1", "SKIP"));
}

pub fn note(text: &str) {
    println!("  {}", indent_rest(text));
}

/// Indent every line after the first so that a multi-line detail stays under its label.
fn indent_rest(text: &str) -> String {
    text.trim_end().replace('\n', "\n        ")
}

/// A line diff of `expected` against `actual`, or `None` when they are the same bytes.
/// Lines only in the expected output start with `-`, lines only in the actual one
/// with `+`; a difference in line endings or a missing final newline is spelled out.
pub fn diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut out = String::from("--- expected\n+++ actual\n");
    let diff = TextDiff::from_lines(expected, actual);
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => "-",
            ChangeTag::Insert => "+",
            ChangeTag::Equal => " ",
        };
        let line = change.value();
        let shown = line.strip_suffix('\n').unwrap_or(line);
        let shown = shown.replace('\r', "\\r");
        let line_text = format!("{sign}{shown}");
        let line_text = match change.tag() {
            ChangeTag::Delete => paint("31", &line_text),
            ChangeTag::Insert => paint("32", &line_text),
            ChangeTag::Equal => line_text,
        };
        out.push_str(&line_text);
        if !line.ends_with('\n') {
            out.push_str(&paint("2", "  (no newline at the end)"));
        }
        out.push('\n');
    }
    Some(out)
}

/// `path` as the user sees it: relative to the workbook's root when inside it.
pub fn rel(root: &std::path::Path, path: &std::path::Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn equal_text_has_no_diff() {
        assert_eq!(diff("a\nb\n", "a\nb\n"), None);
    }

    #[test]
    fn a_changed_line_shows_both_versions() {
        let d = diff("a\nb\n", "a\nc\n").unwrap();
        assert!(d.contains("-b\n") && d.contains("+c\n"), "{d}");
    }

    #[test]
    fn a_missing_final_newline_is_spelled_out() {
        let d = diff("a\n", "a").unwrap();
        assert!(d.contains("no newline at the end"), "{d}");
    }
}
