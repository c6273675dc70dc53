//! The book's charts of a run, drawn with plotters into SVG: grouped
//! horizontal bars, one group per VM, on a logarithmic scale (the VMs differ
//! by orders of magnitude).

use anyhow::{Result, anyhow};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::tables::{duration, times};
use super::{KERNELS, Results, VMS};

const COLORS: [RGBColor; 4] = [
    RGBColor(0x3b, 0x73, 0xb9),
    RGBColor(0xe0, 0x7b, 0x39),
    RGBColor(0x5a, 0xa4, 0x69),
    RGBColor(0xc4, 0x4e, 0x52),
];

/// One series of bars: its legend, and a value (or none) per VM.
struct Series {
    label: String,
    values: Vec<Option<f64>>,
}

/// Each kernel's run time as a multiple of native code's, per VM.
pub fn run_time(results: &Results) -> Result<String> {
    let series = KERNELS
        .iter()
        .map(|k| Series {
            label: k.to_string(),
            values: VMS
                .iter()
                .map(|vm| results.ratio(vm, "native", k))
                .collect(),
        })
        .collect::<Vec<_>>();
    grouped_bars(
        "Run time of each kernel, as a multiple of native code (logarithmic)",
        &VMS,
        &series,
        &|v| times(v),
    )
}

/// Compile and instantiate times, per VM.
pub fn startup(results: &Results) -> Result<String> {
    let vms = &VMS[..VMS.len() - 1];
    let series = ["compile", "instantiate"]
        .iter()
        .map(|metric| Series {
            label: metric.to_string(),
            values: vms
                .iter()
                .map(|vm| results.value(vm, "module", metric))
                .collect(),
        })
        .collect::<Vec<_>>();
    grouped_bars(
        "Compile and instantiate the guest (logarithmic)",
        vms,
        &series,
        &|v| duration(v),
    )
}

/// Horizontal bars: a group per VM of `vms` (top to bottom), a bar per
/// series in each, its value written after it.
fn grouped_bars(
    title: &str,
    vms: &[&str],
    series: &[Series],
    label: &dyn Fn(f64) -> String,
) -> Result<String> {
    let values = series.iter().flat_map(|s| s.values.iter().flatten());
    let smallest = values.clone().copied().fold(f64::INFINITY, f64::min);
    let largest = values.copied().fold(0.0, f64::max);
    let (smallest, largest) = if smallest.is_finite() && largest > 0.0 {
        (smallest.max(1e-3), largest)
    } else {
        (1.0, 10.0)
    };
    let lo = 10f64.powf(smallest.log10().floor());
    let hi = 10f64.powf((largest * 5.0).log10().ceil());
    let groups = vms.len() as f64;
    let per = series.len() as f64;
    let mut svg = String::new();
    let size = (
        780,
        90 + (vms.len() * series.len()) as u32 * 17 + vms.len() as u32 * 10,
    );
    let drawn = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        area.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&area)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .margin_right(30)
            .x_label_area_size(28)
            .y_label_area_size(150)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..groups)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(vms.len() * 2 + 1)
            .y_label_formatter(&|y| {
                // Group `i` from the top spans [groups - 1 - i, groups - i].
                let centre = groups - y - 0.5;
                let i = centre.round();
                if (centre - i).abs() < 0.01 && i >= 0.0 && (i as usize) < vms.len() {
                    vms[i as usize].to_string()
                } else {
                    String::new()
                }
            })
            .x_label_formatter(&|x| label(*x))
            .label_style(("sans-serif", 12))
            .draw()?;
        for (s, one) in series.iter().enumerate() {
            let color = COLORS[s % COLORS.len()];
            let bar_of = |g: usize| {
                let top = groups - g as f64 - 0.1 - 0.8 * s as f64 / per;
                (top - 0.8 / per + 0.02, top - 0.02)
            };
            let bars = one.values.iter().enumerate().filter_map(|(g, v)| {
                let (y0, y1) = bar_of(g);
                v.map(|v| Rectangle::new([(lo, y0), (v, y1)], color.filled()))
            });
            chart
                .draw_series(bars)?
                .label(one.label.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
            let texts = one.values.iter().enumerate().filter_map(|(g, v)| {
                let (y0, y1) = bar_of(g);
                let style = ("sans-serif", 11)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                v.map(|v| Text::new(label(v), (v * 1.08, (y0 + y1) / 2.0), style))
            });
            chart.draw_series(texts)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()?;
        area.present()
    })();
    drawn.map_err(|err| anyhow!("cannot draw the chart `{title}`: {err}"))?;
    Ok(svg)
}
