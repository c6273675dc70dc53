//! Chapter 10, the host: a small game whose enemies are moved by a
//! WebAssembly script, reloaded while the game runs.
//!
//! ```text
//! chapter-10-host [--script FILE.wasm] [--frames N] [--fps F] [--headless]
//!                 [--enemies N] [--seed S] [--trace FILE.csv]
//! chapter-10-host measure [--quick]
//! chapter-10-host
//! ```
//!
//! The game steps its world at a fixed timestep; each frame it calls the
//! script's `think(id)` once per enemy, with a budget of fuel. Save a new
//! version of the script's file and the game picks it up between two frames
//! (`reloaded`), or refuses it and goes on with the one it has (`kept the
//! previous script`). In a terminal it draws the arena each frame;
//! `--headless` prints only the events and a summary. `--fps` paces the
//! frames in real time (default: 10 when drawing, as fast as it can when
//! headless). `measure` prints the chapter's figures. Without arguments the
//! host runs its demo: scripts swapped in and refused while a game runs.

mod demo;
mod draw;
mod game;
mod measure;
mod reload;
mod script;
mod world;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use wasmtime::error::Context;
use wasmtime::{Result, bail};

use game::Game;
use world::World;

/// What a game is played with.
struct Options {
    script: PathBuf,
    frames: u64,
    fps: Option<f64>,
    headless: bool,
    enemies: usize,
    seed: u64,
    trace: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => demo::run(&target_dir()),
        Some("measure") => measure::run(&target_dir(), args[1..].iter().any(|a| a == "--quick")),
        Some(_) => options(&args).and_then(|o| {
            let shown = o.script.display().to_string();
            play(&o).with_context(|| format!("playing with the script `{shown}`"))
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::from(1)
        }
    }
}

// ANCHOR: play
/// Load the script, start watching its file, and play `frames` frames,
/// taking each new version of the script at a frame boundary.
fn play(o: &Options) -> Result<()> {
    let (engine, api) = script::engine_and_api(true)?;
    let bytes = std::fs::read(&o.script).context("cannot read it")?;
    let mut first = script::load(&engine, &api, &bytes)?;
    *first.world_mut() = World::new(o.enemies, o.seed);
    let trace = match &o.trace {
        Some(path) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create the trace `{}`", path.display()))?,
        )) as Box<dyn std::io::Write>),
        None => None,
    };
    let mut game = Game::new(first, !o.headless, trace);
    let watcher = reload::watch(o.script.clone(), bytes, engine, api)
        .with_context(|| format!("cannot watch `{}` for new versions", o.script.display()))?;
    let name = file_name(&o.script);
    if o.headless {
        println!(
            "playing {name} with {} enemies (seed {})",
            o.enemies, o.seed
        );
    }

    let start = Instant::now();
    for frame in 0..o.frames {
        if let Some(reload) = watcher.poll() {
            game.take(reload, &name);
        }
        game.frame()?;
        game::pace(start, frame, o.fps);
    }
    game.summary();
    Ok(())
}
// ANCHOR_END: play

/// The command line of a game.
fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        script: built_guest("chapter_10_guest.wasm", &target_dir()),
        frames: 200,
        fps: None,
        headless: false,
        enemies: 3,
        seed: 2020,
        trace: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--script" => o.script = PathBuf::from(args.next().context("`--script` needs a file")?),
            "--frames" => o.frames = number(args.next(), "--frames")?,
            "--fps" => o.fps = Some(number(args.next(), "--fps")?),
            "--headless" => o.headless = true,
            "--enemies" => o.enemies = number(args.next(), "--enemies")?,
            "--seed" => o.seed = number(args.next(), "--seed")?,
            "--trace" => {
                o.trace = Some(PathBuf::from(
                    args.next().context("`--trace` needs a file")?,
                ))
            }
            other => bail!(
                "unknown argument `{other}`; usage: chapter-10-host [--script FILE.wasm] \
                 [--frames N] [--fps F] [--headless] [--enemies N] [--seed S] [--trace FILE.csv]"
            ),
        }
    }
    if o.fps.is_some_and(|f| !(f > 0.0 && f <= 1000.0)) {
        bail!("`--fps` must be more than 0 and at most 1000");
    }
    if !(1..=9999).contains(&o.enemies) {
        bail!("`--enemies` must be from 1 to 9999");
    }
    if !o.headless && o.fps.is_none() {
        o.fps = Some(10.0);
    }
    Ok(o)
}

fn number<T: std::str::FromStr>(value: Option<&String>, flag: &str) -> Result<T> {
    let value = value.with_context(|| format!("`{flag}` needs a number"))?;
    value
        .parse()
        .ok()
        .with_context(|| format!("`{flag} {value}`: not a number"))
}

/// The `target/` folder this program was built in (`target/debug/<host>`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"))
        .to_path_buf()
}

/// A guest that `cargo xtask build chapter-10` built.
fn built_guest(file: &str, target: &Path) -> PathBuf {
    target.join("wasm/wasm32-wasip1/debug").join(file)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
