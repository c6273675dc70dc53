//! Exercise `entity-names`: the host. Usage: `entity-names-host <guest.wasm> [entry point]`.
//!
//! A game world whose entities have names of any length, and a guest script
//! that wants them. A number fits in a return value; a string does not. So
//! the guest lends the host a buffer in its memory, and the host writes the
//! name there, if it fits. The entry point is the guest's export to call:
//! `roll_call` unless you name another.
//!
//! The engine charges scripts by the call: every host function adds 1 to
//! `Game::calls`, and the host prints the total at the end.

use wasmtime::error::Context;
use wasmtime::{Caller, Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

struct Game {
    wasi: WasiP1Ctx,
    /// The entities' names; an entity's id is its index.
    names: Vec<&'static str>,
    /// How many times the script called a host function.
    calls: u32,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: entity-names-host <guest.wasm> [entry point]");
    };
    let entry = args.get(2).map_or("roll_call", String::as_str);

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<Game> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |game: &mut Game| &mut game.wasi)?;

    // `host::log_message(ptr, len)`: print `From WASM: <message>`.
    linker.func_wrap(
        "host",
        "log_message",
        |mut caller: Caller<'_, Game>, ptr: u32, len: u32| -> Result<()> {
            caller.data_mut().calls += 1;
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
    // `host::entity_count() -> u32`: the ids are `0..entity_count()`.
    linker.func_wrap(
        "host",
        "entity_count",
        |mut caller: Caller<'_, Game>| -> u32 {
            caller.data_mut().calls += 1;
            caller.data().names.len() as u32
        },
    )?;

    // EXERCISE: (1 of 2) define `host::entity_name(id: u32, buf_ptr: u32, buf_len: u32) -> i32`.
    //
    // The guest lends `buf_len` bytes of its memory at `buf_ptr`. If entity
    // `id`'s name (UTF-8, `n` bytes) fits, `n <= buf_len`, write it at the
    // start of the buffer; otherwise write nothing. Either way, return `n`:
    // a guest whose buffer was too small learns how large a buffer to lend
    // next time. Like every host function, add 1 to `calls` first.
    //
    // Errors (which stop the script, never panic the host): a buffer that
    // does not lie inside the guest's memory (say `outside`), and an `id`
    // that is not an entity's (say `there is no entity <id>`).

    let game = Game {
        wasi: WasiCtxBuilder::new().inherit_stdio().build_p1(),
        names: vec![
            "knight",
            "Sir Reginald the Unbreakable",
            "Zoë",
            "skeleton",
            "slime",
        ],
        calls: 0,
    };
    let mut store = Store::new(&engine, game);
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
    println!(
        "From host: the script made {} calls into the host",
        store.data().calls
    );
    Ok(())
}
