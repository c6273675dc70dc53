//! Chapter 4, the host: a tiny game engine that lets a guest script act on its
//! world. The engine exposes its own API to the guest, as functions in the
//! import module `host`: a log, reading and changing the entities of the world,
//! and errors when the script asks for something impossible.
//!
//! Run it with `cargo xtask run chapter-4`, or by hand:
//! `cargo run -p chapter-4-host -- [module.wasm] [entry point]`; the entry
//! point is `script` unless you name another export, such as `attack_missing`.

// ANCHOR: imports
use std::path::{Path, PathBuf};

use wasmtime::error::Context;
use wasmtime::{Cache, CacheConfig, Caller, Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
// ANCHOR_END: imports

/// Where `cargo xtask build` writes the guests: `target/wasm/`, next to the
/// `target/debug/` folder this program runs from (found when it runs, as in
/// chapter 1).
fn built_guest(file: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip1/debug").join(file)
}

// ANCHOR: default_entry
/// The export the host calls when no other is named.
const DEFAULT_ENTRY: &str = "script";
// ANCHOR_END: default_entry

// ANCHOR: state
/// One thing in the game's world.
struct Entity {
    name: &'static str,
    health: i32,
    x: i32,
    y: i32,
}

/// Everything the host keeps for a running guest: the store's data. Host
/// functions reach it through their `Caller`; the guest never sees it, it
/// only sees what the functions hand back.
struct Game {
    /// What the WASI functions work on (the guest's stdout, stderr, ...).
    wasi: WasiP1Ctx,
    /// The world the script acts on.
    entities: Vec<Entity>,
}

impl Game {
    /// The entity `id`, or an error naming the host function that asked.
    fn entity(&mut self, function: &str, id: u32) -> Result<&mut Entity> {
        let count = self.entities.len();
        match self.entities.get_mut(id as usize) {
            Some(entity) => Ok(entity),
            None => bail!(
                "host::{function}: there is no entity {id}; the world has {count} entities, with ids 0 to {}",
                count.saturating_sub(1)
            ),
        }
    }
}
// ANCHOR_END: state

// ANCHOR: print_world
/// One line per entity, the way the host prints the world.
fn print_world(when: &str, entities: &[Entity]) {
    println!("From host: the world {when}:");
    for (id, e) in entities.iter().enumerate() {
        println!(
            "From host:   {id} {:<7} health {:>3}  at ({}, {})",
            e.name, e.health, e.x, e.y
        );
    }
}
// ANCHOR_END: print_world

// ANCHOR: args
fn main() -> Result<()> {
    // The first argument, if there is one, is the module to run; the second,
    // the export to call.
    let mut args = std::env::args_os().skip(1);
    let path = args
        .next()
        .map_or_else(|| built_guest("chapter_4_guest.wasm"), PathBuf::from);
    let entry = match args.next() {
        Some(arg) => arg
            .into_string()
            .map_err(|arg| wasmtime::format_err!("the entry point {arg:?} is not valid UTF-8"))?,
        None => DEFAULT_ENTRY.to_string(),
    };
    // Every error below is about this module: say so once, here.
    run(&path, &entry).with_context(|| format!("running the guest module `{}`", path.display()))
}
// ANCHOR_END: args

fn run(path: &Path, entry: &str) -> Result<()> {
    // ANCHOR: engine
    // Compiled code is cached on disk, as in chapter 1.
    let mut config = Config::new();
    config.cache(Some(Cache::new(CacheConfig::new())?));
    let engine = Engine::new(&config)?;
    let module = Module::from_file(&engine, path).context("cannot load it")?;
    // ANCHOR_END: engine

    // ANCHOR: linker
    // The linker holds everything the host offers: WASI, as in chapter 1 (it
    // finds its `WasiP1Ctx` inside our `Game`), and our own functions below.
    let mut linker: Linker<Game> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |game: &mut Game| &mut game.wasi)?;
    // ANCHOR_END: linker

    // ANCHOR: log_message
    // `host::log_message(ptr, len)`: the guest hands us a string by telling us
    // where it lies in *its* memory. A host function that needs the guest's
    // memory takes a `Caller` first: it gives access to the store's data and
    // to the exports of the instance that called.
    linker.func_wrap(
        "host",
        "log_message",
        |mut caller: Caller<'_, Game>, ptr: u32, len: u32| -> Result<()> {
            let Some(memory) = caller.get_export("memory").and_then(|e| e.into_memory()) else {
                bail!("host::log_message: the guest exports no memory named `memory`");
            };
            // Check the range before trusting it: the numbers come from the
            // guest, and a buggy or hostile guest can send anything.
            // (In u64, `ptr + len` cannot overflow, whatever the guest sends.)
            let size = memory.data_size(&caller);
            if u64::from(ptr) + u64::from(len) > size as u64 {
                bail!(
                    "host::log_message: the guest's string, {len} bytes at offset {ptr}, \
                     lies outside its memory of {size} bytes"
                );
            }
            let mut bytes = vec![0; len as usize];
            memory
                .read(&caller, ptr as usize, &mut bytes)
                .context("host::log_message: cannot read the guest's string")?;
            let text = String::from_utf8(bytes)
                .context("host::log_message: the guest's string is not valid UTF-8")?;
            println!("From WASM: {text}");
            Ok(())
        },
    )?;
    // ANCHOR_END: log_message

    // ANCHOR: world_functions
    // The world's functions take and return plain numbers. Each one reaches
    // the host's state through `caller.data()` / `caller.data_mut()`.
    linker.func_wrap("host", "entity_count", |caller: Caller<'_, Game>| -> u32 {
        caller.data().entities.len() as u32
    })?;
    // Returning `Err` from a host function stops the guest: the call traps,
    // and the host's `call` of the guest's export returns this error.
    linker.func_wrap(
        "host",
        "health",
        |mut caller: Caller<'_, Game>, id: u32| -> Result<i32> {
            Ok(caller.data_mut().entity("health", id)?.health)
        },
    )?;
    linker.func_wrap(
        "host",
        "set_health",
        |mut caller: Caller<'_, Game>, id: u32, health: i32| -> Result<()> {
            caller.data_mut().entity("set_health", id)?.health = health;
            Ok(())
        },
    )?;
    linker.func_wrap(
        "host",
        "move_by",
        |mut caller: Caller<'_, Game>, id: u32, dx: i32, dy: i32| -> Result<()> {
            let entity = caller.data_mut().entity("move_by", id)?;
            // The guest chooses the numbers: the host checks them, as it
            // checks the id, instead of trusting them not to overflow.
            let (Some(x), Some(y)) = (entity.x.checked_add(dx), entity.y.checked_add(dy)) else {
                bail!("host::move_by: moving entity {id} by ({dx}, {dy}) leaves the map");
            };
            (entity.x, entity.y) = (x, y);
            Ok(())
        },
    )?;
    // ANCHOR_END: world_functions

    // ANCHOR: store
    // The store's data is our whole game: the world starts here.
    let game = Game {
        wasi: WasiCtxBuilder::new().inherit_stdio().build_p1(),
        entities: vec![
            Entity {
                name: "knight",
                health: 100,
                x: 0,
                y: 0,
            },
            Entity {
                name: "goblin",
                health: 30,
                x: 5,
                y: 2,
            },
            Entity {
                name: "slime",
                health: 8,
                x: -3,
                y: 4,
            },
        ],
    };
    let mut store = Store::new(&engine, game);
    print_world("before the script", &store.data().entities);
    // ANCHOR_END: store

    // ANCHOR: instantiate
    // Every `host::…` import of the module must match a function defined
    // above, by name and by type; otherwise instantiation fails and names it.
    let instance = linker
        .instantiate(&mut store, &module)
        .context("cannot instantiate it")?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize
            .call(&mut store, ())
            .context("it trapped in `_initialize`")?;
    }
    // ANCHOR_END: instantiate

    // ANCHOR: call
    let script = instance
        .get_typed_func::<(), ()>(&mut store, entry)
        .with_context(|| format!("it must export `{entry}` as fn()"))?;
    println!("From host: calling `{entry}`");
    script
        .call(&mut store, ())
        .with_context(|| format!("the script `{entry}` failed"))?;

    // The guest changed the world only through our functions; the host holds
    // the result.
    print_world("after the script", &store.data().entities);
    // ANCHOR_END: call

    Ok(())
}
