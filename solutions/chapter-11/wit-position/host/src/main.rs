//! The host: runs the component's `script` on a world of three entities.
//! `cargo run -p wit-position-host -- path/to/component.wasm`

use std::path::PathBuf;

use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Engine, Result, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

wasmtime::component::bindgen!({ path: "../guest/wit", world: "script" });

use exercise::position::game::{self, GameError};

struct Game {
    /// Each entity's name and position.
    entities: Vec<(&'static str, i32, i32)>,
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

impl game::Host for Game {
    fn log(&mut self, message: String) {
        println!("From WASM: {message}");
    }

    fn entity_count(&mut self) -> u32 {
        self.entities.len() as u32
    }

    fn position(&mut self, id: u32) -> Result<(i32, i32), GameError> {
        match self.entities.get(id as usize) {
            Some(&(_, x, y)) => Ok((x, y)),
            None => Err(GameError::NoSuchEntity(id)),
        }
    }
}

fn main() -> Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .context("give the component's path")?;
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)
        .with_context(|| format!("cannot load `{}`", path.display()))?;
    let mut linker: Linker<Game> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    Script::add_to_linker::<Game, HasSelf<Game>>(&mut linker, |game| game)?;
    let game = Game {
        entities: vec![("knight", 0, 0), ("goblin", 5, 2), ("slime", -3, 4)],
        wasi: WasiCtx::builder().inherit_stdio().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, game);
    let script = Script::instantiate(&mut store, &component, &linker)
        .context("it is not a component of the world `exercise:position/script`")?;
    script
        .call_script(&mut store)
        .context("the script failed")?;
    Ok(())
}
