//! Exercise `host-reads-answer`: the host. Usage: `host-reads-answer-host <guest.wasm> [text]...`.
//!
//! For each text it calls the guest's `upper` and prints the answer; at the
//! end it says how many bytes the guest still holds from these calls, which
//! is 0 when every block was given back. You write the function that moves
//! the text in and the answer out: the guest's `upper` is documented in
//! guest/src/lib.rs. Try it on the hostile guest, hostile-guest/, too.

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Memory, Module, Result, Store, TypedFunc, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

/// The guest's memory and the exports this host calls.
struct Guest {
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    dealloc: TypedFunc<(u32, u32), ()>,
    upper: TypedFunc<(u32, u32), u64>,
    live_bytes: TypedFunc<(), u32>,
}

// EXERCISE: call the guest's `upper` on `text` and return its answer.
//
// 1. Ask the guest for `text.len()` bytes with `alloc`. It answers 0 when it
//    has no room (0 is a valid address in WebAssembly, so nothing else would
//    stop you from writing there): fail with an error that says `returned 0`.
// 2. Copy the text into that block with `Memory::write`.
// 3. Call `upper(ptr, len)`, then give the input block back with
//    `dealloc(ptr, len)`. An answer of 0 means that the guest refused the
//    text: fail with an error that says `refused`.
// 4. The answer packs a pointer (the high 32 bits) and a length (the low 32
//    bits). Read those bytes with `Memory::read`, give their block back with
//    `dealloc`, and return them as a `String`; bytes that are not UTF-8 are
//    an error that says `UTF-8`.
//
// Every pointer and length comes from the guest, which may be buggy or
// hostile. Before you touch memory, check that the range lies inside it, and
// otherwise fail with an error that says `<len> bytes at offset <ptr>`. Never
// panic: in 32 bits, `ptr + len` can overflow.
fn upper(store: &mut Store<WasiP1Ctx>, guest: &Guest, text: &str) -> Result<String> {
    let _ = (store, guest, text);
    bail!("EXERCISE: `upper` is not written yet (see host/src/main.rs)")
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("usage: host-reads-answer-host <guest.wasm> [text]...");
    };

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    let instance = linker.instantiate(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ())?;
    }
    let export =
        |name: &str, signature: &str| format!("`{path}` must export `{name}` as {signature}");
    let guest = Guest {
        memory: instance
            .get_memory(&mut store, "memory")
            .with_context(|| format!("`{path}` exports no memory named `memory`"))?,
        alloc: instance
            .get_typed_func(&mut store, "alloc")
            .with_context(|| export("alloc", "fn(i32) -> i32"))?,
        dealloc: instance
            .get_typed_func(&mut store, "dealloc")
            .with_context(|| export("dealloc", "fn(i32, i32)"))?,
        upper: instance
            .get_typed_func(&mut store, "upper")
            .with_context(|| export("upper", "fn(i32, i32) -> i64"))?,
        live_bytes: instance
            .get_typed_func(&mut store, "live_bytes")
            .with_context(|| export("live_bytes", "fn() -> i32"))?,
    };

    let before = guest.live_bytes.call(&mut store, ())?;
    for text in &args[2..] {
        let answer =
            upper(&mut store, &guest, text).with_context(|| format!("calling upper({text:?})"))?;
        println!("From host: upper({text:?}) = {answer:?}");
    }
    let after = guest.live_bytes.call(&mut store, ())?;
    println!(
        "From host: bytes the guest still holds from these calls: {}",
        i64::from(after) - i64::from(before)
    );
    Ok(())
}
