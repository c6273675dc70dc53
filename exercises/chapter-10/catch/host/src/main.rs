//! The grader's game for the `catch` exercise: chapter 10's rules, one enemy
//! moved by the script, the player walking east one cell every other frame.
//! `catch-host SCRIPT.wasm [--enemy-at X Y]` plays at most 30 frames and says
//! whether, and when, the enemy reached the player. You do not need to change
//! this file.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmtime::error::Context;
use wasmtime::{Caller, Config, Engine, Linker, Module, Result, Store, Trap, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

const FRAMES: u32 = 30;
const FUEL_PER_TURN: u64 = 100_000;
const WIDTH: i32 = 40;
const HEIGHT: i32 = 14;

struct Game {
    wasi: WasiP1Ctx,
    /// Entity 0 is the player, 1 the enemy.
    at: [(i32, i32); 2],
    moved: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        bail!("usage: catch-host SCRIPT.wasm [--enemy-at X Y]");
    };
    let mut enemy = (0, 13);
    if args.get(1).map(String::as_str) == Some("--enemy-at") {
        let number = |i: usize| -> Result<i32> {
            let text = args.get(i).context("`--enemy-at` needs X and Y")?;
            text.parse::<i32>()
                .with_context(|| format!("`{text}` is not a number"))
        };
        enemy = (number(2)?, number(3)?);
    }
    play(&path, enemy).with_context(|| format!("playing with `{}`", path.display()))
}

fn play(path: &PathBuf, enemy: (i32, i32)) -> Result<()> {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config)?;
    let mut linker: Linker<Game> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |g: &mut Game| &mut g.wasi)?;
    linker.func_wrap("host", "player", |_: Caller<'_, Game>| 0u32)?;
    linker.func_wrap("host", "x", |c: Caller<'_, Game>, id: u32| -> Result<i32> {
        Ok(c.data()
            .at
            .get(id as usize)
            .context("host::x: no such entity")?
            .0)
    })?;
    linker.func_wrap("host", "y", |c: Caller<'_, Game>, id: u32| -> Result<i32> {
        Ok(c.data()
            .at
            .get(id as usize)
            .context("host::y: no such entity")?
            .1)
    })?;
    linker.func_wrap(
        "host",
        "step",
        |mut c: Caller<'_, Game>, dx: i32, dy: i32| -> Result<()> {
            let game = c.data_mut();
            if !(-1..=1).contains(&dx) || !(-1..=1).contains(&dy) {
                bail!("host::step: a step is at most one cell each way, not ({dx}, {dy})");
            }
            if game.moved {
                bail!("host::step: the enemy has already moved this frame");
            }
            game.moved = true;
            let (x, y) = game.at[1];
            game.at[1] = ((x + dx).clamp(0, WIDTH - 1), (y + dy).clamp(0, HEIGHT - 1));
            Ok(())
        },
    )?;
    let module = Module::from_file(&engine, path).context("cannot load it")?;
    let game = Game {
        wasi: WasiCtxBuilder::new().inherit_stderr().build_p1(),
        at: [(10, 2), enemy],
        moved: false,
    };
    let mut store = Store::new(&engine, game);
    let instance = linker
        .instantiate(&mut store, &module)
        .context("cannot instantiate it")?;
    let think = instance
        .get_typed_func::<u32, ()>(&mut store, "think")
        .context("it must export `think` as fn(u32)")?;
    println!(
        "the enemy starts at {:?}, the player at (10, 2) walking east",
        enemy
    );
    for frame in 0..FRAMES {
        let game = store.data_mut();
        game.moved = false;
        if frame % 2 == 0 {
            game.at[0].0 = (game.at[0].0 + 1).min(WIDTH - 1);
        }
        store.set_fuel(FUEL_PER_TURN)?;
        match think.call(&mut store, 1) {
            Ok(()) => {}
            Err(e) if e.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) => {
                println!("frame {frame}: the script ran out of fuel; the enemy skips its turn")
            }
            Err(e) => println!("frame {frame}: the script failed, the enemy skips its turn: {e:#}"),
        }
        let [player, enemy] = store.data().at;
        if player == enemy {
            println!(
                "frame {frame}: the enemy reaches the player at {player:?}, within {FRAMES} frames"
            );
            return Ok(());
        }
    }
    let [player, enemy] = store.data().at;
    println!(
        "the enemy did not reach the player in {FRAMES} frames: it ended at {enemy:?}, the player at {player:?}"
    );
    Ok(())
}
