//! `measure`: the chapter's figures, printed on stdout (run by `cargo xtask
//! bench game`). What one frame of scripts costs for 10, 100 and 1000
//! enemies, and how long a reload takes from saving the file to the new
//! script's first turn. Times vary from run to run; nothing checks them.

use std::path::Path;
use std::time::{Duration, Instant};

use wasmtime::Result;
use wasmtime::error::Context;

use crate::demo::save;
use crate::reload::{self, Reload};
use crate::script::{self, Outcome};
use crate::world::World;

/// One frame at 60 frames per second.
const FRAME_60: Duration = Duration::from_micros(16_667);

pub fn run(target: &Path, quick: bool) -> Result<()> {
    let guests = target.join("wasm/wasm32-wasip1/debug");
    let chaser = read(&guests.join("chapter_10_guest.wasm"))?;
    let wanderer = read(&guests.join("chapter_10_guest_wanderer.wasm"))?;
    println!(
        "frame cost: every enemy's `think` through the chaser, one frame (median of each size)"
    );
    for enemies in [10, 100, 1000] {
        let frames = if quick { 20 } else { 200 };
        let per_frame = frame_cost(&chaser, enemies, frames)?;
        println!(
            "  {enemies:>4} enemies: {:>8.1} µs per frame, {:>5.2} µs per call, {:>5.1}% of a 60 fps frame",
            micros(per_frame),
            micros(per_frame) / enemies as f64,
            100.0 * per_frame.as_secs_f64() / FRAME_60.as_secs_f64()
        );
    }
    let folder = target.join("chapter-10").join("measure");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let saves = if quick { 4 } else { 12 };
    let (latency, compile) =
        reload_latency(&folder.join("script.wasm"), [&chaser, &wanderer], saves)?;
    println!(
        "reload: {} ms from saving the file to the new script's first turn (median of {saves} saves, \
         game at 60 fps); compiling and checking it, off the game's thread: {} ms",
        latency.as_millis(),
        compile.as_millis()
    );
    Ok(())
}

// ANCHOR: frame_cost
/// The median time of one frame's scripts: each enemy's `think`, then the
/// catch rule, as the game plays it.
fn frame_cost(chaser: &[u8], enemies: usize, frames: usize) -> Result<Duration> {
    let (engine, api) = script::engine_and_api(false)?;
    let mut script = script::load(&engine, &api, chaser)?;
    *script.world_mut() = World::new(enemies, 2020);
    let mut times = Vec::with_capacity(frames);
    for _ in 0..frames {
        let start = Instant::now();
        script.world_mut().move_player();
        for me in 1..=enemies {
            if !matches!(script.think(me), Outcome::Played) {
                wasmtime::bail!("the chaser failed while being measured");
            }
            script.world_mut().check_catch(me);
        }
        times.push(start.elapsed());
        script.world_mut().frame += 1;
    }
    Ok(median(times))
}
// ANCHOR_END: frame_cost

/// Save the two scripts in turn over `file` while a game runs at 60 fps; time
/// each save until the frame where the new script has played.
fn reload_latency(file: &Path, versions: [&[u8]; 2], saves: usize) -> Result<(Duration, Duration)> {
    let (engine, api) = script::engine_and_api(false)?;
    save(file, versions[0])?;
    let mut script = script::load(&engine, &api, versions[0])?;
    *script.world_mut() = World::new(10, 2020);
    let watcher = reload::watch(
        file.to_path_buf(),
        versions[0].to_vec(),
        engine.clone(),
        api.clone(),
    )?;
    let (mut latencies, mut compiles) = (Vec::new(), Vec::new());
    for n in 1..=saves {
        let bytes = versions[n % 2];
        let started = Instant::now();
        script::load(&engine, &api, bytes)?;
        compiles.push(started.elapsed());
        // Wait for the file's time stamp to move on before saving again.
        std::thread::sleep(Duration::from_millis(20));
        let saved = Instant::now();
        save(file, bytes)?;
        loop {
            let frame = Instant::now();
            if let Some(reload) = watcher.poll() {
                let Reload::Ready(mut new) = reload else {
                    wasmtime::bail!("a measured save was refused");
                };
                new.take_over(&mut script)?;
                script = *new;
                script.world_mut().move_player();
                script.think(1);
                latencies.push(saved.elapsed());
                break;
            }
            if saved.elapsed() > Duration::from_secs(60) {
                wasmtime::bail!("the watcher saw no save in 60 s");
            }
            script.world_mut().move_player();
            for me in 1..=10 {
                script.think(me);
            }
            std::thread::sleep(FRAME_60.saturating_sub(frame.elapsed()));
        }
    }
    Ok((median(latencies), median(compiles)))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read {}: build the guests first (`cargo xtask build chapter-10`)",
            path.display()
        )
    })
}
