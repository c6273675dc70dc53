//! The demo (the host without arguments): a headless game whose script file
//! is rewritten while it runs, the way an editor saves it: a new behaviour,
//! a file that is not wasm, a script with the wrong imports, one that spins,
//! and the first one again.
//!
//! The watcher is real, so a save is seen a few milliseconds later, at a
//! frame no one can predict. The demo therefore holds the game after each
//! save until the watcher has answered: its output is the same on every run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use wasmtime::Result;
use wasmtime::error::Context;

use crate::game::Game;
use crate::reload::{self, Watcher};
use crate::script;
use crate::world::World;

/// How long the demo waits for the watcher to answer a save.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// The demo's steps: after how many frames, which file is saved over the
/// script, and what it shows.
enum Save {
    Guest(&'static str),
    Bytes(&'static [u8]),
}

// ANCHOR: plan
const PLAN: [(u64, &str, Save); 5] = [
    (
        20,
        "a new behaviour",
        Save::Guest("chapter_10_guest_wanderer.wasm"),
    ),
    (
        10,
        "a file that is not wasm",
        Save::Bytes(b"not a wasm module\n"),
    ),
    (
        5,
        "a script with the wrong imports",
        Save::Guest("chapter_10_guest_wrong_imports.wasm"),
    ),
    (
        5,
        "a script that spins",
        Save::Guest("chapter_10_guest_spinner.wasm"),
    ),
    (2, "the chaser again", Save::Guest("chapter_10_guest.wasm")),
];
// ANCHOR_END: plan
const LAST_FRAMES: u64 = 30;

pub fn run(target: &Path) -> Result<()> {
    let guests = target.join("wasm/wasm32-wasip1/debug");
    // A folder of this run's own: two demos at once never save over each
    // other's script.
    let folder = target
        .join("chapter-10")
        .join(format!("demo-{}", std::process::id()));
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let result = play_the_plan(&guests, &folder.join("script.wasm"));
    let _ = std::fs::remove_dir_all(&folder);
    result
}

fn play_the_plan(guests: &Path, file: &Path) -> Result<()> {
    let chaser = read(&guests.join("chapter_10_guest.wasm"))?;
    save(file, &chaser)?;

    let (engine, api) = script::engine_and_api(true)?;
    let mut first = script::load(&engine, &api, &chaser)
        .context("loading the chaser (chapter_10_guest.wasm)")?;
    *first.world_mut() = World::new(3, 2020);
    let mut game = Game::new(first, false, None);
    let watcher = reload::watch(file.to_path_buf(), chaser, engine, api)
        .context("cannot watch the script's folder")?;
    println!("the demo: 3 enemies run the chaser, saved as script.wasm, watched for new versions");

    for (frames, what, new_version) in PLAN {
        play(&mut game, frames)?;
        let bytes = match new_version {
            Save::Guest(name) => read(&guests.join(name))?,
            Save::Bytes(bytes) => bytes.to_vec(),
        };
        println!("-- saving {what} over script.wasm; the game waits for the watcher");
        save(file, &bytes)?;
        answer(&mut game, &watcher)?;
    }
    play(&mut game, LAST_FRAMES)?;
    game.summary();
    Ok(())
}

/// Play `frames` frames, as fast as they go.
fn play(game: &mut Game, frames: u64) -> Result<()> {
    for _ in 0..frames {
        game.frame()?;
    }
    Ok(())
}

// ANCHOR: answer
/// Hold the game until the watcher answers the save, then take its answer at
/// this frame boundary: the next frame plays the new script, or the old one.
fn answer(game: &mut Game, watcher: &Watcher) -> Result<()> {
    let reload = watcher.wait(ANSWER_WITHIN)?;
    game.take(reload, "script.wasm");
    Ok(())
}
// ANCHOR_END: answer

/// Save `bytes` as `file` the way editors do: write a new file, then rename
/// it over the old one, so the watcher never reads half a file.
pub fn save(file: &Path, bytes: &[u8]) -> Result<()> {
    let new: PathBuf = file.with_extension("wasm.new");
    std::fs::write(&new, bytes).with_context(|| format!("cannot write {}", new.display()))?;
    std::fs::rename(&new, file).with_context(|| format!("cannot replace {}", file.display()))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read {}: build the guests first (`cargo xtask build chapter-10`)",
            path.display()
        )
    })
}
