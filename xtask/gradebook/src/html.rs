//! The gradebook as one self-contained page (no file or network beside it):
//! the table, sortable by any column (click its heading; a link ending in
//! `#sort=total-desc` opens it sorted), and a chart of the class's pass rate
//! per exercise, drawn with plotters.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use crate::load::Class;
use crate::table::{percent, rows};

/// The page.
pub fn page(class: &Class) -> Result<String> {
    let mut html = String::from(HEAD);
    let _ = writeln!(
        html,
        "<h1>Gradebook</h1>\n<p>{} student(s), {} exercise(s), {} points in all. \
         Click a column's heading to sort by it; <code>-</code> is an exercise missing from a report.</p>",
        class.students.len(),
        class.columns.len(),
        class.max_points()
    );
    html.push_str(&table(class));
    html.push_str("<h2>Pass rate per exercise</h2>\n");
    html.push_str(&chart(class)?);
    html.push_str(SCRIPT);
    html.push_str("</body>\n</html>\n");
    Ok(html)
}

/// The table: a heading per column (`data-column` is the name the sort link
/// uses), a row per student (`data-value` holds each cell's number), and
/// the pass-rate row in the footer, which sorting leaves where it is.
fn table(class: &Class) -> String {
    let rows = rows(class);
    let mut out = String::from("<table id=\"gradebook\">\n<thead><tr>");
    for (i, cell) in rows[0].iter().enumerate() {
        let title = class
            .columns
            .get(i.wrapping_sub(1))
            .map(|c| format!(" title=\"chapter {}: {}\"", c.chapter, escape(&c.title)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<th data-column=\"{}\"{title}>{}</th>",
            escape(cell),
            escape(cell)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &rows[1..rows.len() - 1] {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let value = cell.split('/').next().unwrap_or("");
            match value.parse::<u32>() {
                Ok(number) if i > 0 => {
                    let _ = write!(out, "<td data-value=\"{number}\">{}</td>", escape(cell));
                }
                _ => {
                    let _ = write!(out, "<td>{}</td>", escape(cell));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n<tfoot><tr>");
    for cell in rows.last().into_iter().flatten() {
        let _ = write!(out, "<td>{}</td>", escape(cell));
    }
    out.push_str("</tr></tfoot>\n</table>\n");
    out
}

/// A bar per exercise: the share of the class that passes it. Exercises
/// from top to bottom in the workbook's order.
fn chart(class: &Class) -> Result<String> {
    let columns = &class.columns;
    let count = columns.len();
    // Row `i` from the top is segment `count - 1 - i` of the y axis.
    let row = |i: usize| count - 1 - i;
    let mut svg = String::new();
    let height = 70 + 26 * count as u32;
    let drawn = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let area = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        area.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(170)
            .build_cartesian_2d(0.0..100.0, (0..count.saturating_sub(1)).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(count)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < count => columns[row(*i)].id.clone(),
                _ => String::new(),
            })
            .x_desc("students who pass (%)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style(("sans-serif", 13))
            .draw()?;
        chart.draw_series(columns.iter().enumerate().map(|(i, c)| {
            let rate = 100.0 * class.pass_rate(&c.id);
            let (top, bottom) = (SegmentValue::Exact(row(i)), SegmentValue::Exact(row(i) + 1));
            let mut bar = Rectangle::new(
                [(0.0, top), (rate, bottom)],
                RGBColor(0x3b, 0x73, 0xb9).filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        }))?;
        area.present()
    })();
    drawn.map_err(|err| anyhow!("cannot draw the pass-rate chart: {err}"))?;
    // The chart's own text, for readers of the page's source and for tests.
    let rates: Vec<String> = columns
        .iter()
        .map(|c| format!("{} {}", c.id, percent(class.pass_rate(&c.id))))
        .collect();
    Ok(format!(
        "<figure id=\"pass-rates\" aria-label=\"{}\">\n{svg}\n</figure>\n",
        escape(&rates.join(", "))
    ))
}

/// Text as HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Gradebook</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { cursor: pointer; background: #f2f2f2; }
th[aria-sort] { background: #dde8f6; }
tfoot td { font-weight: bold; background: #fafafa; }
</style>
</head>
<body>
"#;

/// Sorting: by a column's numbers where it has them, else its text; a
/// second click reverses. The footer row stays at the bottom.
const SCRIPT: &str = r#"<script>
(function () {
  const table = document.getElementById("gradebook");
  const body = table.tBodies[0];
  const headings = Array.from(table.tHead.rows[0].cells);
  function key(row, index) {
    const cell = row.cells[index];
    const value = cell.getAttribute("data-value");
    return value === null ? cell.textContent : Number(value);
  }
  function sortBy(index, descending) {
    const rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      const x = key(a, index), y = key(b, index);
      const order = (typeof x === "number" && typeof y === "number")
        ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headings.forEach(function (h) { h.removeAttribute("aria-sort"); });
    headings[index].setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  headings.forEach(function (heading, index) {
    heading.addEventListener("click", function () {
      sortBy(index, heading.getAttribute("aria-sort") === "ascending");
    });
  });
  const wanted = /^#sort=(.+?)(-desc)?$/.exec(decodeURIComponent(location.hash));
  if (wanted) {
    const index = headings.findIndex(function (h) { return h.dataset.column === wanted[1]; });
    if (index >= 0) sortBy(index, Boolean(wanted[2]));
  }
})();
</script>
"#;
