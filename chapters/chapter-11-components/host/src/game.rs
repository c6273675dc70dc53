//! Part 1: chapter 4's game and chapter 5's strings, through the WIT world
//! `script` (`../wit/world.wit`). `bindgen!` reads the same file as the
//! guest's wit-bindgen and writes the host's side: a trait to implement for
//! the imports, typed functions for the exports.

use std::path::Path;

use wasmtime::component::{HasSelf, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Engine, Result, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

// ANCHOR: bindgen
// One macro call: the world's imports become the trait `game::Host`, its
// exports methods of the struct `Script`, its types Rust types (`GameError`).
wasmtime::component::bindgen!({ path: "../wit", world: "script" });

use workbook::components::game::{self, GameError};
// ANCHOR_END: bindgen

// ANCHOR: state
/// One thing in the game's world, as in chapter 4.
struct Entity {
    name: &'static str,
    health: i32,
    x: i32,
    y: i32,
}

/// The store's data: the world, and what WASI needs (the guest prints to our
/// stdout with `println!`, which WASI 0.2 carries as a stream).
pub struct Game {
    entities: Vec<Entity>,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Game {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl Game {
    /// The entity `id`, or the error the guest receives.
    fn entity(&mut self, id: u32) -> Result<&mut Entity, GameError> {
        self.entities
            .get_mut(id as usize)
            .ok_or(GameError::NoSuchEntity(id))
    }
}
// ANCHOR_END: state

// ANCHOR: host
/// The host's API, as the WIT file says it. Strings arrive as `String`s,
/// errors leave as values: no pointer, no length, no range to check.
impl game::Host for Game {
    fn log(&mut self, message: String) {
        println!("From WASM: {message}");
    }

    fn entity_count(&mut self) -> u32 {
        self.entities.len() as u32
    }

    fn health(&mut self, id: u32) -> Result<i32, GameError> {
        Ok(self.entity(id)?.health)
    }

    fn set_health(&mut self, id: u32, health: i32) -> Result<(), GameError> {
        self.entity(id)?.health = health;
        Ok(())
    }

    fn move_by(&mut self, id: u32, dx: i32, dy: i32) -> Result<(), GameError> {
        let entity = self.entity(id)?;
        match (entity.x.checked_add(dx), entity.y.checked_add(dy)) {
            (Some(x), Some(y)) => (entity.x, entity.y) = (x, y),
            _ => return Err(GameError::OffTheMap),
        }
        Ok(())
    }
}
// ANCHOR_END: host

/// One line per entity, as chapter 4 prints the world.
fn print_world(when: &str, entities: &[Entity]) {
    println!("From host: the world {when}:");
    for (id, e) in entities.iter().enumerate() {
        println!(
            "From host:   {id} {:<7} health {:>3}  at ({}, {})",
            e.name, e.health, e.x, e.y
        );
    }
}

/// Chapter 4's world: a knight, a goblin and a slime.
fn new_game() -> Game {
    let entity = |name, health, x, y| Entity { name, health, x, y };
    Game {
        entities: vec![
            entity("knight", 100, 0, 0),
            entity("goblin", 30, 5, 2),
            entity("slime", 8, -3, 4),
        ],
        wasi: WasiCtx::builder().inherit_stdio().build(),
        table: ResourceTable::new(),
    }
}

// ANCHOR: load
/// Load a component of the world `script`, refusing anything else with a
/// message that says what was expected.
pub fn load(engine: &Engine, path: &Path) -> Result<(Store<Game>, Script)> {
    let component = crate::load_component(engine, path)?;
    let mut linker: Linker<Game> = Linker::new(engine);
    // WASI 0.2, synchronous: the guest's `println!` reaches our stdout.
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    // Our API: every function of `interface game`, from the trait above.
    Script::add_to_linker::<Game, HasSelf<Game>>(&mut linker, |game| game)?;
    let mut store = Store::new(engine, new_game());
    let script = Script::instantiate(&mut store, &component, &linker).context(
        "it is not a component of the world `workbook:components/script` \
         (imports `game`, exports `script`, `attack-missing` and `strings`)",
    )?;
    Ok((store, script))
}
// ANCHOR_END: load

// ANCHOR: run
/// Chapter 4's calls, then chapter 5's, through the generated functions.
pub fn run(engine: &Engine, path: &Path) -> Result<()> {
    let (mut store, script) = load(engine, path)?;

    println!("From host: part 1, chapter 4's game");
    print_world("before the script", &store.data().entities);
    println!("From host: calling `script`");
    script
        .call_script(&mut store)
        .context("the script `script` failed")?;
    print_world("after the script", &store.data().entities);

    // Chapter 4's `attack_missing` trapped; here the error is a value.
    println!("From host: calling `attack-missing`");
    match script.call_attack_missing(&mut store)? {
        Ok(()) => println!("From host: `attack-missing` succeeded"),
        Err(why) => println!("From host: `attack-missing` answered an error: {why}"),
    }

    println!("From host: part 2, chapter 5's strings");
    let strings = script.workbook_components_strings();
    for name in ["Ferris", "José 🦀"] {
        let greeting = strings.call_greet(&mut store, name)?;
        println!("From host: greet({name:?}) answered {greeting:?}");
    }
    let reversed = strings.call_reverse(&mut store, b"stressed")?;
    println!(
        "From host: reverse(\"stressed\") answered {:?}",
        String::from_utf8_lossy(&reversed)
    );
    let reversed = strings.call_reverse(&mut store, &[1, 2, 3, 4, 5])?;
    println!("From host: reverse([1, 2, 3, 4, 5]) answered {reversed:?}");
    Ok(())
}
// ANCHOR_END: run
