//! A script: a guest module checked against the game's API, instantiated in
//! a `Store` of its own, and called once per enemy per frame with a budget of
//! fuel. The API is chapter 4's way: host functions in the import module
//! `host`, reaching the world through the store's data.

use wasmtime::error::Context;
use wasmtime::{
    Cache, CacheConfig, Caller, Config, Engine, Instance, InstancePre, Linker, Module, Result,
    Store, Trap, TypedFunc, bail,
};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

use crate::world::World;

// ANCHOR: budget
/// The fuel one `think` call may burn: about a hundred thousand WebAssembly
/// instructions, a thousand times what the chaser needs, and a few
/// milliseconds at most. A script that wants more is cut off.
pub const FUEL_PER_TURN: u64 = 100_000;
/// The fuel a new script's initialisation may burn before it is refused.
const FUEL_FOR_INIT: u64 = 10_000_000;
// ANCHOR_END: budget

// ANCHOR: turn
/// The store's data: the world, and whose turn it is. The world moves from
/// the old script's store to the new one's at a reload; the host owns it.
pub struct Turn {
    wasi: WasiP1Ctx,
    pub world: World,
    /// The enemy whose `think` is running, if any.
    me: Option<usize>,
}
// ANCHOR_END: turn

/// An engine that meters fuel, and every function the game offers.
/// With `cache`, compiled code is kept on disk and a version seen before
/// loads at once (as in chapter 1); `measure` leaves it out, to time the
/// compiler.
pub fn engine_and_api(cache: bool) -> Result<(Engine, Linker<Turn>)> {
    let mut config = Config::new();
    if cache {
        config.cache(Some(Cache::new(CacheConfig::new())?));
    }
    config.consume_fuel(true);
    // A failed turn is reported in one line: no WebAssembly backtrace.
    config.wasm_backtrace_max_frames(None);
    let engine = Engine::new(&config)?;
    let mut linker: Linker<Turn> = Linker::new(&engine);
    // WASI, for a script whose Rust standard library imports it (a panic
    // message goes to stderr); the game's output stays the host's.
    p1::add_to_linker_sync(&mut linker, |turn: &mut Turn| &mut turn.wasi)?;
    add_api(&mut linker)?;
    Ok((engine, linker))
}

// ANCHOR: api
/// The game's API: what a script may ask and do. Each function reaches the
/// world through `caller.data()`; an impossible request is an error, which
/// ends the script's turn (a trap) and nothing else.
fn add_api(linker: &mut Linker<Turn>) -> Result<()> {
    linker.func_wrap("host", "entity_count", |c: Caller<'_, Turn>| {
        c.data().world.entities.len() as u32
    })?;
    linker.func_wrap("host", "player", |_: Caller<'_, Turn>| 0u32)?;
    linker.func_wrap("host", "x", |c: Caller<'_, Turn>, id: u32| {
        Ok(c.data().entity("x", id)?.x)
    })?;
    linker.func_wrap("host", "y", |c: Caller<'_, Turn>, id: u32| {
        Ok(c.data().entity("y", id)?.y)
    })?;
    linker.func_wrap("host", "health", |c: Caller<'_, Turn>, id: u32| {
        Ok(c.data().entity("health", id)?.health)
    })?;
    linker.func_wrap("host", "random", |mut c: Caller<'_, Turn>, below: u32| {
        c.data_mut().world.random(below)
    })?;
    linker.func_wrap(
        "host",
        "step",
        |mut c: Caller<'_, Turn>, dx: i32, dy: i32| -> Result<()> {
            let turn = c.data_mut();
            let Some(me) = turn.me else {
                bail!("host::step: no entity's turn is running (a script moves only in `think`)");
            };
            turn.world
                .step(me, dx, dy)
                .map_err(|e| wasmtime::format_err!("host::step: {e}"))
        },
    )?;
    Ok(())
}
// ANCHOR_END: api

impl Turn {
    fn entity(&self, function: &str, id: u32) -> Result<&crate::world::Entity> {
        let count = self.world.entities.len();
        match self.world.entities.get(id as usize) {
            Some(entity) => Ok(entity),
            None => bail!("host::{function}: there is no entity {id}; the world has {count}"),
        }
    }
}

/// A script ready to play: its store (holding the world) and its exports.
pub struct Script {
    pub store: Store<Turn>,
    think: TypedFunc<u32, ()>,
    save: Option<TypedFunc<(), u64>>,
    load: Option<TypedFunc<u64, ()>>,
}

/// What became of one enemy's turn.
pub enum Outcome {
    Played,
    /// Cut off: it burned its whole budget.
    OutOfFuel,
    /// It trapped, or asked the game for something impossible.
    Failed(String),
}

// ANCHOR: load
/// Check `bytes` as a script and make it ready: compile, check its imports
/// against the API (`instantiate_pre`), instantiate it in a new store, run
/// its initialisation under a budget, find `think`. Any failure refuses the
/// file with the reason, and the game goes on with the script it has.
pub fn load(engine: &Engine, linker: &Linker<Turn>, bytes: &[u8]) -> Result<Script> {
    if !bytes.starts_with(b"\0asm") {
        bail!("it is not a wasm module (a module starts with the bytes `\\0asm`)");
    }
    let module = Module::from_binary(engine, bytes).context("it is not a valid wasm module")?;
    let pre: InstancePre<Turn> = linker
        .instantiate_pre(&module)
        .context("it does not fit the game's API")?;
    let turn = Turn {
        wasi: WasiCtxBuilder::new().inherit_stderr().build_p1(),
        world: World::default(),
        me: None,
    };
    let mut store = Store::new(engine, turn);
    store.set_fuel(FUEL_FOR_INIT)?;
    let instance: Instance = pre
        .instantiate(&mut store)
        .context("it cannot be instantiated")?;
    for init in ["_initialize", "init"] {
        if let Ok(f) = instance.get_typed_func::<(), ()>(&mut store, init) {
            f.call(&mut store, ())
                .with_context(|| format!("it traps in its `{init}`"))?;
        }
    }
    let think = instance
        .get_typed_func::<u32, ()>(&mut store, "think")
        .context("it must export `think` as fn(u32)")?;
    let save = instance.get_typed_func(&mut store, "save").ok();
    let load = instance.get_typed_func(&mut store, "load").ok();
    Ok(Script {
        store,
        think,
        save,
        load,
    })
}
// ANCHOR_END: load

impl Script {
    pub fn world(&self) -> &World {
        &self.store.data().world
    }

    pub fn world_mut(&mut self) -> &mut World {
        &mut self.store.data_mut().world
    }

    // ANCHOR: think
    /// Enemy `me`'s turn: a fresh budget of fuel, then `think(me)`.
    pub fn think(&mut self, me: usize) -> Outcome {
        self.store.data_mut().me = Some(me);
        let result = self
            .store
            .set_fuel(FUEL_PER_TURN)
            .and_then(|()| self.think.call(&mut self.store, me as u32));
        self.store.data_mut().me = None;
        match result {
            Ok(()) => Outcome::Played,
            Err(e) if e.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) => Outcome::OutOfFuel,
            Err(e) => Outcome::Failed(format!("{e:#}")),
        }
    }
    // ANCHOR_END: think

    // ANCHOR: take_over
    /// Make this (new) script take over from `old`: the world moves into this
    /// store, and the old script's saved state, if it exports `save` and this
    /// one `load`, is handed over. Returns what was handed over.
    pub fn take_over(&mut self, old: &mut Script) -> Result<Option<u64>> {
        let mut handed_over = None;
        if let (Some(save), Some(load)) = (old.save.clone(), self.load.clone()) {
            old.store.set_fuel(FUEL_PER_TURN)?;
            let state = save.call(&mut old.store, ()).context("its `save` failed")?;
            self.store.set_fuel(FUEL_PER_TURN)?;
            load.call(&mut self.store, state)
                .context("the new script's `load` failed")?;
            handed_over = Some(state);
        }
        // Only once nothing can fail does the world change stores.
        *self.world_mut() = std::mem::take(old.world_mut());
        Ok(handed_over)
    }
    // ANCHOR_END: take_over
}
