//! Exercise `find-and-hit`: the host, given (you write the guest's script).
//!
//! Usage: `find-and-hit-host <guest.wasm> [name]...`. A small game world, as
//! in chapter 4, whose API the guest imports from the module `host`. The host
//! hands the names on its command line to the guest as the guest's own
//! command-line arguments (through WASI), calls the guest's `script`, and
//! prints the world before and after.
//!
//! The functions in the import module `host`:
//!
//! - `log_message(ptr: u32, len: u32)`: print `From WASM: <message>`, the
//!   UTF-8 string of `len` bytes at `ptr` in the guest's memory.
//! - `entity_count() -> u32`: how many entities the world holds (ids `0..count`).
//! - `health(id: u32) -> i32`: the health of entity `id`.
//! - `set_health(id: u32, health: i32)`: set it. Health cannot be negative:
//!   a negative value is an error, which stops the script (a trap).
//! - `find_entity(name_ptr: u32, name_len: u32) -> i32`: the id of the
//!   entity called by the UTF-8 name of `name_len` bytes at `name_ptr`, or -1
//!   when there is none. Not finding one is an answer, not an error.
//!
//! Asking for an entity that does not exist, or handing over bytes outside
//! the guest's memory, is an error too.

use wasmtime::error::Context;
use wasmtime::{Caller, Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

struct Entity {
    name: &'static str,
    health: i32,
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

/// The UTF-8 string of `len` bytes at `ptr` in the memory of the guest that called.
fn guest_string(
    caller: &mut Caller<'_, Game>,
    function: &str,
    ptr: u32,
    len: u32,
) -> Result<String> {
    let Some(memory) = caller.get_export("memory").and_then(|e| e.into_memory()) else {
        bail!("host::{function}: the guest exports no memory named `memory`");
    };
    let size = memory.data_size(&caller);
    if u64::from(ptr) + u64::from(len) > size as u64 {
        bail!(
            "host::{function}: the string, {len} bytes at offset {ptr}, \
             lies outside the guest's memory of {size} bytes"
        );
    }
    let mut bytes = vec![0; len as usize];
    memory
        .read(&caller, ptr as usize, &mut bytes)
        .with_context(|| format!("host::{function}: cannot read the string"))?;
    String::from_utf8(bytes)
        .with_context(|| format!("host::{function}: the string is not valid UTF-8"))
}

fn print_world(when: &str, entities: &[Entity]) {
    println!("From host: the world {when}:");
    for (id, e) in entities.iter().enumerate() {
        println!("From host:   {id} {:<7} health {:>3}", e.name, e.health);
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: find-and-hit-host <guest.wasm> [name]...");
    };
    let names = &args[2..];

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<Game> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |game: &mut Game| &mut game.wasi)?;

    linker.func_wrap(
        "host",
        "log_message",
        |mut caller: Caller<'_, Game>, ptr: u32, len: u32| -> Result<()> {
            let text = guest_string(&mut caller, "log_message", ptr, len)?;
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
            if health < 0 {
                bail!("host::set_health: health cannot be negative, the script set entity {id}'s to {health}");
            }
            caller.data_mut().entity("set_health", id)?.health = health;
            Ok(())
        },
    )?;
    linker.func_wrap(
        "host",
        "find_entity",
        |mut caller: Caller<'_, Game>, name_ptr: u32, name_len: u32| -> Result<i32> {
            let name = guest_string(&mut caller, "find_entity", name_ptr, name_len)?;
            let found = caller.data().entities.iter().position(|e| e.name == name);
            Ok(found.map_or(-1, |id| id as i32))
        },
    )?;

    // The guest's command line: a program name, then the names.
    let mut wasi = WasiCtxBuilder::new();
    wasi.inherit_stdio().arg("script").args(names);
    let game = Game {
        wasi: wasi.build_p1(),
        entities: vec![
            Entity {
                name: "knight",
                health: 100,
            },
            Entity {
                name: "goblin",
                health: 30,
            },
            Entity {
                name: "slime",
                health: 8,
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
        .get_typed_func::<(), ()>(&mut store, "script")
        .with_context(|| format!("`{path}` must export `script` as fn()"))?;
    script
        .call(&mut store, ())
        .with_context(|| format!("the script of `{path}` failed"))?;
    print_world("after the script", &store.data().entities);
    Ok(())
}
