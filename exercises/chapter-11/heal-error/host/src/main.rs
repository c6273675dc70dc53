//! The host: runs the component's `script` on a world of three entities.
//! `cargo run -p heal-error-host -- path/to/component.wasm`

use std::path::PathBuf;

use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Engine, Result, Store, bail};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

// `trappable`: every host function returns `wasmtime::Result`, and an `Err`
// traps the guest.
wasmtime::component::bindgen!({
    path: "../guest/wit",
    world: "script",
    imports: { default: trappable },
});

use exercise::heal::game;

struct Game {
    /// Each entity's health.
    health: Vec<i32>,
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
    fn log(&mut self, message: String) -> Result<()> {
        println!("From WASM: {message}");
        Ok(())
    }

    // EXERCISE: answer the guest with its `heal-error` instead of trapping:
    // the return type becomes `Result<Result<i32, game::HealError>>`.
    fn heal(&mut self, id: u32, amount: i32) -> Result<i32> {
        if amount < 0 {
            bail!("{amount} is not an amount of healing");
        }
        let Some(health) = self.health.get_mut(id as usize) else {
            bail!("there is no entity {id}");
        };
        *health += amount;
        Ok(*health)
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
        health: vec![90, 30, 8],
        wasi: WasiCtx::builder().inherit_stdio().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, game);
    let script = Script::instantiate(&mut store, &component, &linker)
        .context("it is not a component of the world `exercise:heal/script`")?;
    script
        .call_script(&mut store)
        .context("the script failed")?;
    println!("From host: the script ran to its end");
    Ok(())
}
