//! Exercise `host-made-memory`: the host. Usage: `host-made-memory-host <guest.wasm> <pages>`.
//!
//! The guest imports its memory, as in part 2 of chapter 5: the host makes
//! it, as large as the module asks and allowed to grow by at most `<pages>`
//! pages of 64 KiB. Then the guest grows its memory until it refuses, and
//! the host reports how far it grew.

use wasmtime::error::Context;
use wasmtime::{
    Config, Engine, ExternType, Linker, Memory, MemoryType, Module, Result, Store, bail,
};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

const USAGE: &str = "usage: host-made-memory-host <guest.wasm> <pages>";

// EXERCISE: provide the memory that `module` imports, and return it.
//
// 1. Find the module's memory import among `module.imports()`: its module
//    and name (wasm-ld calls it `env::memory`), and its type, whose minimum
//    is the number of pages the module needs at least (for its data and its
//    stack). A module that imports no memory is an error that says
//    `imports no memory`.
// 2. Make a memory in the store with that minimum and a maximum of
//    `growth` pages more. The memory belongs to the store; the host decides
//    its limits. A maximum too large for a 32-bit memory (more than 65536
//    pages of 64 KiB: 4 GiB) is an error that says `too large`, not a panic.
// 3. Define it in the linker under the import's module and name, so that
//    instantiating the module finds it.
fn provide_memory(
    linker: &mut Linker<WasiP1Ctx>,
    store: &mut Store<WasiP1Ctx>,
    module: &Module,
    growth: u32,
) -> Result<Memory> {
    // 1. What the module imports, and how many pages it needs at least.
    let Some((import_module, name, wanted)) =
        module.imports().find_map(|import| match import.ty() {
            ExternType::Memory(ty) => {
                Some((import.module().to_string(), import.name().to_string(), ty))
            }
            _ => None,
        })
    else {
        bail!("the module imports no memory: was it linked with `--import-memory`?");
    };

    // 2. The memory, in the store, with the host's limits. (In u64 the sum
    //    cannot overflow; `build` refuses a maximum beyond 4 GiB, where
    //    `MemoryType::new` would panic.)
    let maximum = wanted.minimum() + u64::from(growth);
    let ty = MemoryType::builder()
        .min(wanted.minimum())
        .max(Some(maximum))
        .build()
        .with_context(|| {
            format!("a maximum of {maximum} pages is too large for a 32-bit memory")
        })?;
    let memory = Memory::new(&mut *store, ty).context("cannot make the memory")?;

    // 3. Offered under the name the module imports.
    linker.define(&*store, &import_module, &name, memory)?;
    Ok(memory)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, pages] = args.as_slice() else {
        bail!("{USAGE}");
    };
    let growth = pages
        .parse::<u32>()
        .with_context(|| format!("`{pages}` is not a number of pages ({USAGE})"))?;

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build_p1());

    let memory = provide_memory(&mut linker, &mut store, &module, growth)
        .with_context(|| format!("cannot provide the memory of `{path}`"))?;
    let ty = memory.ty(&store);
    match ty.maximum() {
        Some(maximum) => println!(
            "From host: made a memory that may grow by {} pages",
            maximum - ty.minimum()
        ),
        None => println!("From host: made a memory with no maximum"),
    }

    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("cannot instantiate `{path}`"))?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }
    let grow_all = instance
        .get_typed_func::<(), u32>(&mut store, "grow_all")
        .with_context(|| format!("`{path}` must export `grow_all` as fn() -> i32"))?;
    let before = memory.size(&store);
    grow_all
        .call(&mut store, ())
        .context("the guest trapped in `grow_all`")?;
    let after = memory.size(&store);
    let full = ty.maximum() == Some(after);
    println!(
        "From host: the memory the guest grew has {} pages more; it is at its maximum: {full}",
        after - before
    );
    Ok(())
}
