//! Chapter 10's pictures and figures: the game played headless by the real
//! host with each script, its `--trace` (every entity's cell, every frame)
//! drawn as paths in the arena with plotters, and `cargo xtask bench game
//! --quick`'s figures.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use plotters::prelude::*;

use xtask::cargo::Messages;
use xtask::toolchain::Toolchain;

/// The arena's size (the host's `world::WIDTH` and `HEIGHT`).
const WIDTH: i32 = 40;
const HEIGHT: i32 = 14;
/// How many frames each picture shows.
const FRAMES: &str = "60";
/// The two scripts the picture compares, with their captions.
const SCRIPTS: [(&str, &str); 2] = [
    ("chapter_10_guest.wasm", "the chaser (chapter-10-guest)"),
    (
        "chapter_10_guest_wanderer.wasm",
        "the wanderer (chapter-10-guest-wanderer)",
    ),
];
const PLAYER: RGBColor = RGBColor(0x22, 0x22, 0x22);
const ENEMIES: [RGBColor; 3] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x3b, 0x73, 0xb9),
    RGBColor(0x2c, 0xa0, 0x2c),
];

/// Write `generated/chapter-10/paths.svg` and `measurements.txt`.
pub fn book_files(root: &Path, toolchain: &Toolchain, generated: &Path) -> Result<()> {
    let host = xtask::bench::game::build(root, toolchain, Messages::Capture)?;
    let dir = generated.join("chapter-10");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut panels = Vec::new();
    for (guest, caption) in SCRIPTS {
        panels.push((trace(root, &host, guest)?, caption));
    }
    std::fs::write(dir.join("paths.svg"), svg(&panels)?)?;
    let figures = xtask::bench::game::measure(root, toolchain, true, Messages::Capture)
        .context("measuring chapter 10 (cargo xtask bench game --quick)")?;
    std::fs::write(dir.join("measurements.txt"), figures)?;
    Ok(())
}

/// One headless game with `guest` as the script: each entity's cells, in
/// frame order.
fn trace(root: &Path, host: &Path, guest: &str) -> Result<Vec<Vec<(i32, i32)>>> {
    let script = root.join("target/wasm/wasm32-wasip1/debug").join(guest);
    let file = root
        .join("target/chapter-10")
        .join(format!("{guest}.trace.csv"));
    std::fs::create_dir_all(file.parent().unwrap_or(root))?;
    let mut cmd = Command::new(host);
    cmd.args(["--headless", "--frames", FRAMES, "--script"])
        .arg(&script)
        .arg("--trace")
        .arg(&file)
        .current_dir(root);
    let out = xtask::process::run_captured(cmd, Duration::from_secs(120))?;
    if !out.success() {
        bail!("chapter-10-host {}:\n{}", out.ending(), out.stderr_text());
    }
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let mut paths: Vec<Vec<(i32, i32)>> = Vec::new();
    for line in text.lines() {
        let n: Vec<i32> = line.split(',').filter_map(|f| f.parse().ok()).collect();
        let [_, id, x, y] = n[..] else {
            bail!("{}: `{line}` is not `frame,id,x,y`", file.display());
        };
        let id = id as usize;
        if paths.len() <= id {
            paths.resize(id + 1, Vec::new());
        }
        paths[id].push((x, y));
    }
    Ok(paths)
}

/// The pieces of a path without its jumps (an enemy sent back to a corner
/// after a catch), in chart coordinates (y up).
fn pieces(path: &[(i32, i32)]) -> Vec<Vec<(i32, i32)>> {
    let mut out: Vec<Vec<(i32, i32)>> = vec![Vec::new()];
    for (i, &(x, y)) in path.iter().enumerate() {
        if i > 0 {
            let (px, py) = path[i - 1];
            if (x - px).abs() > 1 || (y - py).abs() > 1 {
                out.push(Vec::new());
            }
        }
        if let Some(piece) = out.last_mut() {
            piece.push((x, HEIGHT - 1 - y));
        }
    }
    out
}

type Panel<'a> = (Vec<Vec<(i32, i32)>>, &'a str);

fn svg(panels: &[Panel]) -> Result<String> {
    let mut svg = String::new();
    let drawn = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let area =
            SVGBackend::with_string(&mut svg, (760, 320 * panels.len() as u32)).into_drawing_area();
        area.fill(&WHITE)?;
        for (area, (paths, caption)) in area.split_evenly((panels.len(), 1)).iter().zip(panels) {
            let mut chart = ChartBuilder::on(area)
                .caption(
                    format!(
                        "{FRAMES} frames with {caption}: @ the player, dots the enemies' starts"
                    ),
                    ("sans-serif", 15),
                )
                .margin(10)
                .build_cartesian_2d(-1..WIDTH, -1..HEIGHT)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(0)
                .y_labels(0)
                .draw()?;
            for (id, path) in paths.iter().enumerate() {
                let color = if id == 0 {
                    PLAYER
                } else {
                    ENEMIES[(id - 1) % ENEMIES.len()]
                };
                for piece in pieces(path) {
                    chart.draw_series([PathElement::new(piece, color.stroke_width(2))])?;
                }
                if let Some(&(x, y)) = path.first() {
                    let at = (x, HEIGHT - 1 - y);
                    if id == 0 {
                        chart.draw_series([Text::new("@", at, ("sans-serif", 18))])?;
                    } else {
                        chart.draw_series([Circle::new(at, 5, color.filled())])?;
                    }
                }
            }
        }
        area.present()
    })();
    drawn.map_err(|e| anyhow!("drawing chapter 10's paths: {e}"))?;
    Ok(svg)
}
