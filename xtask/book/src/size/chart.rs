//! The book's bar chart of the ladder, drawn with plotters into an SVG.

use anyhow::{Result, anyhow};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::tables::thousands;
use super::{GUEST, Ladder, NO_FMT_GUEST};

/// The bars of chapter 1's guest (`println!`) and of chapter 3's (no `core::fmt`).
const FMT_COLOR: RGBColor = RGBColor(0x3b, 0x73, 0xb9);
const NO_FMT_COLOR: RGBColor = RGBColor(0xe0, 0x7b, 0x39);

/// The ladder as a horizontal bar chart: one bar a rung, its bytes after it,
/// on a logarithmic scale (the debug build is thousands of times the
/// smallest rung). The first rung is at the top.
pub fn svg_chart(ladder: &Ladder) -> Result<String> {
    let rungs = &ladder.rungs;
    let count = rungs.len();
    // Row `i` from the top is segment `count - 1 - i` of the y axis.
    let row = |i: usize| count - 1 - i;
    let smallest = rungs.iter().map(|r| r.bytes).min().unwrap_or(1).max(1) as f64;
    let largest = rungs.iter().map(|r| r.bytes).max().unwrap_or(1).max(1) as f64;
    // Whole decades around the data, and room after the largest bar for its number.
    let lo = 10f64.powf(smallest.log10().floor());
    let hi = 10f64.powf((largest * 300.0).log10().ceil());

    let mut svg = String::new();
    let size = (760, 90 + 30 * count as u32);
    let drawn = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        area.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&area)
            .caption(
                "Size of the .wasm at each rung (bytes, logarithmic scale)",
                ("sans-serif", 17),
            )
            .margin(10)
            .margin_right(30)
            .x_label_area_size(28)
            .y_label_area_size(180)
            .build_cartesian_2d(
                (lo..hi).log_scale(),
                (0..count.saturating_sub(1)).into_segmented(),
            )?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(count)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < count => rungs[row(*i)].name.clone(),
                _ => String::new(),
            })
            .x_label_formatter(&|x| bytes_label(*x))
            .label_style(("sans-serif", 13))
            .draw()?;
        let series = [
            (GUEST, "println!", FMT_COLOR),
            (NO_FMT_GUEST, "no core::fmt", NO_FMT_COLOR),
        ];
        for (guest, what, color) in series {
            let bars = rungs.iter().enumerate().filter(|(_, r)| r.guest == guest);
            chart
                .draw_series(bars.map(|(i, r)| {
                    let (top, bottom) =
                        (SegmentValue::Exact(row(i)), SegmentValue::Exact(row(i) + 1));
                    let mut bar =
                        Rectangle::new([(lo, top), (r.bytes as f64, bottom)], color.filled());
                    bar.set_margin(5, 5, 0, 0);
                    bar
                }))?
                .label(format!("{guest} ({what})"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
        }
        chart.draw_series(rungs.iter().enumerate().map(|(i, r)| {
            let at = (r.bytes as f64 * 1.15, SegmentValue::CenterOf(row(i)));
            let style = ("sans-serif", 13)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center));
            Text::new(thousands(r.bytes), at, style)
        }))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()?;
        area.present()
    })();
    drawn.map_err(|err| anyhow!("cannot draw the size chart: {err}"))?;
    Ok(svg)
}

/// The text of every `<text>` element of an SVG, trimmed: what a reader sees.
pub fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let (_, body) = rest.split_once('>')?;
            let (text, _) = body.split_once("</text>")?;
            Some(text.trim().to_string())
        })
        .collect()
}

/// `1000.0` -> `1 kB`: the decades of the x axis.
fn bytes_label(bytes: f64) -> String {
    match bytes {
        b if b >= 1e6 => format!("{} MB", b / 1e6),
        b if b >= 1e3 => format!("{} kB", b / 1e3),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::size::{Functions, Rung, StdFromSource, WasmOpt};

    fn rung(name: &str, guest: &str, bytes: u64) -> Rung {
        Rung {
            name: name.into(),
            setting: String::new(),
            guest: guest.into(),
            profile: "dev".into(),
            wasm_opt: false,
            wasm: PathBuf::new(),
            bytes,
            host_line: String::new(),
        }
    }

    #[test]
    fn every_rung_has_its_name_and_bytes_in_the_chart() {
        let ladder = Ladder {
            toolchain: String::new(),
            wasm_opt: WasmOpt::Missing { why: String::new() },
            std_from_source: StdFromSource::Built,
            rungs: vec![
                rung("debug", GUEST, 2_084_742),
                rung("size-strip", GUEST, 39_833),
                rung("no-fmt", NO_FMT_GUEST, 513),
            ],
            largest: Functions {
                module_bytes: 0,
                code_bytes: 0,
                count: 0,
                largest: vec![],
            },
        };
        let svg = svg_chart(&ladder).unwrap();
        if let Some(path) = std::env::var_os("WRITE_CHART") {
            std::fs::write(path, &svg).unwrap();
        }
        assert!(svg.starts_with("<svg "), "{svg}");
        let texts = texts(&svg);
        for text in [
            "debug",
            "2,084,742",
            "size-strip",
            "39,833",
            "no-fmt",
            "513",
            "1 MB",
        ] {
            assert!(texts.iter().any(|t| t == text), "{text}: {texts:?}");
        }
    }
}
