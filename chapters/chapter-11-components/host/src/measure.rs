//! `measure [--quick] [SCRIPT.wasm] [CHAPTER5.wasm]`: what passing bytes
//! both ways costs through the component's generated bindings, against
//! chapter 5's hand-written way (alloc, write, call, read, dealloc) on
//! chapter 5's core module, in the same engine. `cargo xtask bench
//! components` runs it on a release build; figures on stdout.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wasmtime::error::Context;
use wasmtime::{Engine, Instance, Linker, Memory, Module, Result, Store, TypedFunc, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

/// The sizes measured: a short string and a kibibyte.
const SIZES: [usize; 2] = [16, 1024];

pub fn command(args: &[String]) -> Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let script = crate::guest_path(paths.first().copied(), "chapter_11_guest.wasm");
    let core = paths.get(1).map_or_else(chapter_5_guest, PathBuf::from);
    let calls = if quick { 2_000 } else { 20_000 };
    let engine = crate::engine()?;
    println!("calls of reverse(bytes), {calls} of each, the mean per call:");
    for size in SIZES {
        let component = component_cost(&engine, &script, size, calls)
            .with_context(|| format!("measuring the component `{}`", script.display()))?;
        let core_cost = core_cost(&engine, &core, size, calls)
            .with_context(|| format!("measuring the core module `{}`", core.display()))?;
        println!(
            "  {size:>5} bytes: component {:>6.2} µs, core module by hand (chapter 5) {:>6.2} µs: {:.1} times",
            micros(component),
            micros(core_cost),
            component.as_secs_f64() / core_cost.as_secs_f64()
        );
    }
    Ok(())
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Chapter 5's guest, next to this chapter's in `target/wasm/`.
fn chapter_5_guest() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip1/debug/chapter_5_guest.wasm")
}

/// The mean time of `calls` calls of the component's `reverse`.
fn component_cost(engine: &Engine, path: &Path, size: usize, calls: u32) -> Result<Duration> {
    let (mut store, script) = crate::game::load(engine, path)?;
    let strings = script.workbook_components_strings();
    let input = vec![b'a'; size];
    let started = Instant::now();
    for _ in 0..calls {
        let answer = strings.call_reverse(&mut store, &input)?;
        std::hint::black_box(answer);
    }
    Ok(started.elapsed() / calls)
}

/// Chapter 5's core module and the exports its protocol needs.
struct Core {
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    dealloc: TypedFunc<(u32, u32), ()>,
    reverse: TypedFunc<(u32, u32), u64>,
}

/// The mean time of `calls` calls of `reverse` the way chapter 5 makes them.
fn core_cost(engine: &Engine, path: &Path, size: usize, calls: u32) -> Result<Duration> {
    let module = Module::from_file(engine, path).context("cannot load it")?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(engine, WasiCtxBuilder::new().build_p1());
    let instance = linker.instantiate(&mut store, &module)?;
    let core = Core {
        memory: memory(&instance, &mut store)?,
        alloc: instance.get_typed_func(&mut store, "alloc")?,
        dealloc: instance.get_typed_func(&mut store, "dealloc")?,
        reverse: instance.get_typed_func(&mut store, "reverse")?,
    };
    let input = vec![b'a'; size];
    let started = Instant::now();
    for _ in 0..calls {
        let answer = core.reverse(&mut store, &input)?;
        std::hint::black_box(answer);
    }
    Ok(started.elapsed() / calls)
}

fn memory(instance: &Instance, store: &mut Store<WasiP1Ctx>) -> Result<Memory> {
    instance
        .get_memory(store, "memory")
        .context("it exports no memory")
}

impl Core {
    /// Everything chapter 5's `reverse` does: room in the guest, the bytes
    /// written, the call, the answer checked and read, both blocks freed.
    fn reverse(&self, store: &mut Store<WasiP1Ctx>, bytes: &[u8]) -> Result<Vec<u8>> {
        let len = bytes.len() as u32;
        let ptr = self.alloc.call(&mut *store, len)?;
        if ptr == 0 {
            bail!("the guest could not allocate {len} bytes");
        }
        self.memory.write(&mut *store, ptr as usize, bytes)?;
        let packed = self.reverse.call(&mut *store, (ptr, len))?;
        self.dealloc.call(&mut *store, (ptr, len))?;
        let (answer_ptr, answer_len) = ((packed >> 32) as u32, packed as u32);
        let mut answer = vec![0; answer_len as usize];
        // `read` checks the range against the memory's size.
        self.memory
            .read(&*store, answer_ptr as usize, &mut answer)?;
        self.dealloc.call(&mut *store, (answer_ptr, answer_len))?;
        Ok(answer)
    }
}
