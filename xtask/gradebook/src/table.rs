//! The gradebook as a table: a row per student with each exercise's points
//! and the total, then the class's pass rate per exercise. For the terminal
//! (aligned columns) and as CSV (RFC 4180: fields with a comma, a quote or a
//! line break are quoted).

use std::fmt::Write as _;

use crate::load::Class;

/// The header, the students' rows, and the pass-rate row, as cells.
pub fn rows(class: &Class) -> Vec<Vec<String>> {
    let mut header = vec!["student".to_string()];
    header.extend(class.columns.iter().map(|c| c.id.clone()));
    header.push("total".into());
    let mut rows = vec![header];
    for student in &class.students {
        let mut row = vec![student.name.clone()];
        let mut total = 0;
        for column in &class.columns {
            match class.points(student, &column.id) {
                Some(points) => {
                    total += points;
                    row.push(points.to_string());
                }
                None => row.push("-".into()),
            }
        }
        row.push(format!("{total}/{}", class.max_points()));
        rows.push(row);
    }
    let mut rates = vec!["pass rate".to_string()];
    rates.extend(
        class
            .columns
            .iter()
            .map(|c| percent(class.pass_rate(&c.id))),
    );
    rates.push(String::new());
    rows.push(rates);
    rows
}

/// `0.5` -> `50%`.
pub fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

/// For the terminal: columns aligned, numbers to the right. `-` is an
/// exercise missing from a student's report.
pub fn text(class: &Class) -> String {
    let rows = rows(class);
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let w = widths[i];
            if i == 0 {
                let _ = write!(line, "{cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// For a spreadsheet.
pub fn csv(class: &Class) -> String {
    let mut out = String::new();
    for row in rows(class) {
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(csv_field("alice"), "alice");
        assert_eq!(csv_field("Doe, Jane"), "\"Doe, Jane\"");
        assert_eq!(csv_field("the \"best\""), "\"the \"\"best\"\"\"");
    }
}
