//! Chapter 5, the host: strings and byte buffers shared with a guest through
//! its linear memory, and the dangers of doing so.
//!
//! Part 1 runs `chapter-5-guest`, which has a memory of its own: the host
//! asks the guest's allocator for room, writes there, and reads the answers
//! back, one through an out-pointer and one packed in a `u64`. Then come the
//! dangers: a wrong pointer from the guest, a leak, and a view of memory held
//! across a call that grows it.
//!
//! Part 2 runs `chapter-5-guest-imported-memory`: the same guest code, linked
//! with `--import-memory`, so that the *host* makes the memory and hands it
//! in. One host runs both, to show that everything of part 1 works unchanged
//! on a memory the host owns, and what owning it adds: the host sets its limits.
//!
//! The helpers (reading, writing, calling the guest) are in `lib.rs`.
//!
//! Run it with `cargo xtask run chapter-5`, or by hand:
//! `cargo run -p chapter-5-host -- [guest.wasm] [guest-with-imported-memory.wasm]`.

// ANCHOR: imports
use std::path::{Path, PathBuf};

use chapter_5_host::{
    Answer, Guest, check_range, engine, instantiate, instantiate_with_host_memory,
};
use wasmtime::error::Context;
use wasmtime::{AsContextMut, Engine, Result, bail};
use wasmtime_wasi::WasiCtxBuilder;
// ANCHOR_END: imports

/// Where `cargo xtask build` writes the guests: `target/wasm/`, next to the
/// `target/debug/` folder this program runs from (found when it runs, as in
/// chapter 1).
fn built_guest(file: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip1/debug").join(file)
}

// ANCHOR: max_growth
/// How many pages the host lets the memory it makes grow (part 2): 1 MiB.
const MAX_GROWTH: u32 = 16;
// ANCHOR_END: max_growth

/// 4 MiB: more than the guest's memory holds when it starts.
const BIG: u32 = 4 << 20;

// ANCHOR: round_trips
/// Strings and bytes both ways. The same code serves both parts: it does not
/// care who made the memory.
fn round_trips(mut store: impl AsContextMut, guest: &Guest) -> Result<()> {
    for name in ["Ferris", "José 🦀"] {
        // `greet` answers through an out-pointer.
        let greeting = guest
            .greet(&mut store, name.as_bytes())
            .with_context(|| format!("greeting {name:?}"))?;
        println!("From host: greet({name:?}) answered {greeting:?}");
    }
    // `reverse` answers with a packed u64. It works on any bytes; text is
    // bytes too.
    let reversed = guest
        .reverse(&mut store, "stressed".as_bytes())
        .context("reversing a string")?;
    println!(
        "From host: reverse(\"stressed\") answered {:?}",
        String::from_utf8_lossy(&reversed)
    );
    let reversed = guest
        .reverse(&mut store, &[1, 2, 3, 4, 5])
        .context("reversing bytes")?;
    println!("From host: reverse([1, 2, 3, 4, 5]) answered {reversed:?}");
    Ok(())
}
// ANCHOR_END: round_trips

/// "grew" or "did not grow", from a number of pages.
fn grew(pages: u64) -> &'static str {
    if pages > 0 { "grew" } else { "did not grow" }
}

// ANCHOR: args
fn main() -> Result<()> {
    // The guests' paths, in this order, if given; otherwise the built ones.
    let mut args = std::env::args_os().skip(1);
    let path = args
        .next()
        .map_or_else(|| built_guest("chapter_5_guest.wasm"), PathBuf::from);
    let imported_path = args.next().map_or_else(
        || built_guest("chapter_5_guest_imported_memory.wasm"),
        PathBuf::from,
    );

    // Each part runs one guest; its errors are about that module.
    let engine = engine()?;
    part_1(&engine, &path)
        .with_context(|| format!("running the guest module `{}`", path.display()))?;
    part_2(&engine, &imported_path)
        .with_context(|| format!("running the guest module `{}`", imported_path.display()))
}
// ANCHOR_END: args

fn part_1(engine: &Engine, path: &Path) -> Result<()> {
    // ANCHOR: part1
    println!("From host: part 1, the guest's own memory");
    // The guest may print to our stdout and stderr, as in chapter 1.
    let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
    let (mut store, guest) = instantiate(engine, path, wasi)?;
    round_trips(&mut store, &guest)?;
    // ANCHOR_END: part1

    // ANCHOR: out_of_bounds
    // Danger 1: the guest hands back a pointer and a length that are wrong.
    // The host checks them before it reads: an error, never a crash.
    let Answer { ptr, len, bytes } = guest
        .broken_answer(&mut store)
        .context("calling `broken_answer`")?;
    match bytes {
        Ok(_) => {
            bail!("the host read {len} bytes at offset {ptr}, which cannot be in any 32-bit memory")
        }
        Err(_) => println!(
            "From host: broken_answer() points at {len} bytes at offset {ptr}: refused, they lie outside the guest's memory"
        ),
    }
    // ANCHOR_END: out_of_bounds

    // ANCHOR: leak
    // Danger 2: every answer is a block of guest memory that the host must
    // give back with `dealloc`. The guest cannot know when the host is done.
    const CALLS: u64 = 1000;
    let buffer = [7u8; 1024];
    let memory = guest.memory;
    // One call first: the allocator sets itself up on the first blocks.
    guest
        .reverse(&mut store, &buffer)
        .context("reversing 1 KiB")?;

    let before = memory.size(&store);
    for _ in 0..CALLS {
        guest
            .reverse(&mut store, &buffer)
            .context("reversing 1 KiB")?;
    }
    let after = memory.size(&store);
    println!(
        "From host: {CALLS} calls of reverse(1 KiB), each answer given back: memory {}",
        grew(after - before)
    );

    let before = memory.size(&store);
    for _ in 0..CALLS {
        guest
            .reverse_and_leak(&mut store, &buffer)
            .context("reversing 1 KiB")?;
    }
    let after = memory.size(&store);
    let leaked = CALLS * buffer.len() as u64;
    println!(
        "From host: {CALLS} calls of reverse(1 KiB), no answer given back: memory {} ({leaked} bytes leaked)",
        grew(after - before)
    );
    // ANCHOR_END: leak

    // ANCHOR: held_view
    // Danger 3: a view of guest memory, held across a call that grows it.
    // `memory.data(&store)` is a `&[u8]` of the guest's memory. It borrows the
    // store, and calling the guest needs the store mutably, so Rust refuses
    // to keep the view across the call (lib.rs shows the code it refuses).
    // To see what it prevents, keep two plain numbers of a view instead: its
    // length and its address (an address we only compare, never follow).
    let view = memory.data(&store);
    let (old_len, old_address) = (view.len(), view.as_ptr() as usize);

    // Ask for more than the guest's memory holds (`BIG`, 4 MiB): it must grow.
    let block = guest.alloc(&mut store, BIG).context("allocating 4 MiB")?;

    let view = memory.data(&store);
    let (new_len, new_address) = (view.len(), view.as_ptr() as usize);
    println!(
        "From host: asked the guest for 4 MiB: its memory {}",
        grew((new_len - old_len) as u64)
    );
    println!(
        "From host: and it moved elsewhere in the host's memory: {}",
        new_address != old_address
    );
    // The old view would be too short to hold the new block, and would point
    // at host memory that Wasmtime has given back: reading through it would be
    // reading freed memory. Checked against the old length, the block is out:
    if check_range(old_len, "the new block", block, BIG).is_err() {
        println!("From host: the view taken before the call does not reach the new block");
    }
    // A view taken after the call does:
    check_range(new_len, "the new block", block, BIG).context("allocating 4 MiB")?;
    println!("From host: a view taken after the call holds it");
    guest
        .dealloc(&mut store, block, BIG)
        .context("freeing 4 MiB")?;
    // ANCHOR_END: held_view
    Ok(())
}

fn part_2(engine: &Engine, imported_path: &Path) -> Result<()> {
    // ANCHOR: part2
    println!("From host: part 2, a memory the host makes and the guest imports");
    let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
    let (mut store, guest) = instantiate_with_host_memory(engine, imported_path, wasi, MAX_GROWTH)?;
    round_trips(&mut store, &guest)?;

    // The host made the memory, so the host chose how far it may grow. The
    // guest's allocator cannot get 4 MiB: its `alloc` returns 0, and we say so.
    match guest.alloc(&mut store, BIG) {
        Ok(_) => bail!("4 MiB fit in a memory capped {MAX_GROWTH} pages above its minimum"),
        Err(err) => {
            println!("From host: asked for 4 MiB in a memory capped at 1 MiB of growth: {err}")
        }
    }
    // ANCHOR_END: part2

    Ok(())
}
