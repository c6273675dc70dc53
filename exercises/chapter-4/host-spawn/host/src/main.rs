//! Exercise `host-spawn`: the host. Usage: `host-spawn-host <guest.wasm> [entry point]`.
//!
//! Chapter 4's game engine, whose guest scripts import a new function,
//! `host::spawn`, that you add. The entry point is the guest's export to
//! call: `script` unless you name another (`summon_dragon`, `overcrowd`,
//! `bad_pointer`, `bad_text`).

use wasmtime::error::Context;
use wasmtime::{Caller, Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

/// The kinds of entity the game knows, each with the health a newcomer has.
const KINDS: [(&str, i32); 3] = [("knight", 100), ("goblin", 30), ("slime", 8)];

/// The most entities the world holds.
const MAX_ENTITIES: usize = 6;

struct Entity {
    name: &'static str,
    health: i32,
    x: i32,
    y: i32,
}

struct Game {
    wasi: WasiP1Ctx,
    entities: Vec<Entity>,
}

impl Game {
    fn entity(&mut self, function: &str, id: u32) -> Result<&mut Entity> {
        let count = self.entities.len();
        match self.entities.get_mut(id as usize) {
            Some(entity) => Ok(entity),
            None => {
                bail!("host::{function}: there is no entity {id}; the world has {count} entities")
            }
        }
    }
}

fn print_world(when: &str, entities: &[Entity]) {
    println!("From host: the world {when}:");
    for (id, e) in entities.iter().enumerate() {
        println!(
            "From host:   {id} {:<7} health {:>3}  at ({}, {})",
            e.name, e.health, e.x, e.y
        );
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: host-spawn-host <guest.wasm> [entry point]");
    };
    let entry = args.get(2).map_or("script", String::as_str);

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<Game> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |game: &mut Game| &mut game.wasi)?;

    linker.func_wrap(
        "host",
        "log_message",
        |mut caller: Caller<'_, Game>, ptr: u32, len: u32| -> Result<()> {
            let Some(memory) = caller.get_export("memory").and_then(|e| e.into_memory()) else {
                bail!("host::log_message: the guest exports no memory named `memory`");
            };
            let size = memory.data_size(&caller);
            if u64::from(ptr) + u64::from(len) > size as u64 {
                bail!(
                    "host::log_message: the message, {len} bytes at offset {ptr}, \
                 lies outside the guest's memory of {size} bytes"
                );
            }
            let mut bytes = vec![0; len as usize];
            memory
                .read(&caller, ptr as usize, &mut bytes)
                .context("host::log_message: cannot read the message")?;
            let text = String::from_utf8(bytes)
                .context("host::log_message: the message is not valid UTF-8")?;
            println!("From WASM: {text}");
            Ok(())
        },
    )?;
    linker.func_wrap("host", "entity_count", |caller: Caller<'_, Game>| -> u32 {
        caller.data().entities.len() as u32
    })?;
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

    // EXERCISE: define `host::spawn(kind_ptr: u32, kind_len: u32, x: i32, y: i32) -> u32`,
    // which the guest imports (see its declaration in guest/src/lib.rs).
    // It reads the kind's name, `kind_len` bytes of UTF-8 at `kind_ptr` in the
    // guest's memory; adds an entity of that kind at (x, y), with the kind's
    // health from `KINDS`; and returns the new entity's id, its index in the
    // world. Each of these is an error that stops the script, never a panic:
    //
    // - the bytes lie outside the guest's memory (the message says `outside`),
    //   or are not UTF-8 (the message says `UTF-8`);
    // - no kind has that name: `host::spawn: there is no kind `<name>``;
    // - the world already holds `MAX_ENTITIES` entities: `host::spawn: the world is full`.

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

    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("cannot instantiate `{path}`"))?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }
    let script = instance
        .get_typed_func::<(), ()>(&mut store, entry)
        .with_context(|| format!("`{path}` must export `{entry}` as fn()"))?;
    println!("From host: calling `{entry}`");
    script
        .call(&mut store, ())
        .with_context(|| format!("the script `{entry}` of `{path}` failed"))?;
    print_world("after the script", &store.data().entities);
    Ok(())
}
