//! Chapter 5, the host's toolbox: moving strings and byte buffers in and out
//! of a guest's linear memory. `main.rs` is the program that uses it; the
//! tests of `tests/all/chapter_5.rs` use it too, to call the guest thousands
//! of times without starting a process each time.
//!
//! Two rules run through all of it:
//!
//! - Numbers that come from the guest (pointers, lengths) are checked before
//!   use, and memory is only touched through `Memory::read` and
//!   `Memory::write`, which check bounds again. A wrong number is an error,
//!   never a crash of the host.
//! - No view of guest memory (`Memory::data`, a `&[u8]` into it) is kept
//!   across a call into the guest. The call may grow the memory, and Wasmtime
//!   may then move it. The borrow checker enforces this rule:
//!
//! ```compile_fail,E0502
//! # fn main() -> wasmtime::Result<()> {
//! # let engine = chapter_5_host::engine()?;
//! # let wasi = wasmtime_wasi::WasiCtxBuilder::new().build_p1();
//! # let (mut store, guest) = chapter_5_host::instantiate(&engine, "guest.wasm".as_ref(), wasi)?;
// ANCHOR: view_refused
//! let view: &[u8] = guest.memory.data(&store);   // borrows `store`...
//! let block = guest.alloc(&mut store, 4 << 20)?;  // ...so this call cannot have it:
//! println!("{}", view[block as usize]);           // error[E0502] in the line above
// ANCHOR_END: view_refused
//! # Ok(()) }
//! ```
//!
//! and the same code with the view taken *after* the call compiles:
//!
//! ```no_run
//! # fn main() -> wasmtime::Result<()> {
//! # let engine = chapter_5_host::engine()?;
//! # let wasi = wasmtime_wasi::WasiCtxBuilder::new().build_p1();
//! # let (mut store, guest) = chapter_5_host::instantiate(&engine, "guest.wasm".as_ref(), wasi)?;
// ANCHOR: view_after
//! let block = guest.alloc(&mut store, 4 << 20)?;
//! let view: &[u8] = guest.memory.data(&store);   // a fresh view, after the call
//! println!("{}", view[block as usize]);
// ANCHOR_END: view_after
//! # Ok(()) }
//! ```

use std::path::Path;

use wasmtime::error::Context;
use wasmtime::{
    AsContext, AsContextMut, Cache, CacheConfig, Config, Engine, ExternType, Instance, Linker,
    Memory, MemoryType, Module, Result, Store, TypedFunc, bail,
};
use wasmtime_wasi::p1::{self, WasiP1Ctx};

// ANCHOR: engine
/// The engine of this chapter.
pub fn engine() -> Result<Engine> {
    let mut config = Config::new();
    // On 64-bit machines Wasmtime reserves 4 GiB of address space for each
    // memory, so that a memory can grow in place and never moves. Other
    // settings, 32-bit machines and other runtimes do not give that promise.
    // We reserve nothing beyond what the memory holds: every growth then moves
    // the memory to a new place in the host's address space, and the danger
    // of holding on to a view of it is plain to see.
    config
        .memory_reservation(0)
        .memory_reservation_for_growth(0);
    // Compiled code is cached on disk, as in chapter 1.
    config.cache(Some(Cache::new(CacheConfig::new())?));
    Engine::new(&config)
}
// ANCHOR_END: engine

// ANCHOR: check_range
/// Check that `len` bytes at `offset` lie inside a memory of `size` bytes.
/// `what` names the bytes in the error.
pub fn check_range(size: usize, what: &str, offset: u32, len: u32) -> Result<()> {
    // In u64, `offset + len` cannot overflow, whatever the guest sent.
    if u64::from(offset) + u64::from(len) > size as u64 {
        bail!(
            "{what}: {len} bytes at offset {offset} lie outside the guest's memory of {size} bytes"
        );
    }
    Ok(())
}
// ANCHOR_END: check_range

// ANCHOR: read_write
/// Copy `len` bytes at `offset` out of guest memory.
pub fn read_bytes(
    store: impl AsContext,
    memory: Memory,
    what: &str,
    offset: u32,
    len: u32,
) -> Result<Vec<u8>> {
    let store = store.as_context();
    // Check first, to say which bytes were wrong (`Memory::read` checks too,
    // but its error only says that the access was out of bounds). Checking
    // first also means we never allocate a huge buffer for a bogus length.
    check_range(memory.data_size(&store), what, offset, len)?;
    let mut bytes = vec![0; len as usize];
    memory
        .read(&store, offset as usize, &mut bytes)
        .with_context(|| format!("{what}: cannot read {len} bytes at offset {offset}"))?;
    Ok(bytes)
}

/// Copy `bytes` into guest memory at `offset`.
pub fn write_bytes(
    mut store: impl AsContextMut,
    memory: Memory,
    what: &str,
    offset: u32,
    bytes: &[u8],
) -> Result<()> {
    let len = u32::try_from(bytes.len()).ok().with_context(|| {
        format!(
            "{what}: {} bytes do not fit in a 32-bit memory",
            bytes.len()
        )
    })?;
    check_range(memory.data_size(&store), what, offset, len)?;
    memory
        .write(&mut store, offset as usize, bytes)
        .with_context(|| format!("{what}: cannot write {len} bytes at offset {offset}"))?;
    Ok(())
}
// ANCHOR_END: read_write

// ANCHOR: pack
/// A pointer and a length packed in one `u64`, the way the guest's `reverse`
/// returns them: the pointer in the high half, the length in the low half.
pub fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}
// ANCHOR_END: pack

// ANCHOR: guest
/// The guest's exports that this chapter uses, checked once, and its memory.
pub struct Guest {
    /// The memory the guest works in: its own (part 1) or the host's (part 2).
    pub memory: Memory,
    alloc: TypedFunc<u32, u32>,
    dealloc: TypedFunc<(u32, u32), ()>,
    greet: TypedFunc<(u32, u32, u32), i32>,
    reverse: TypedFunc<(u32, u32), u64>,
    broken_answer: TypedFunc<(), u64>,
}
// ANCHOR_END: guest

// ANCHOR: instantiate
fn load_module(engine: &Engine, path: &Path) -> Result<Module> {
    Module::from_file(engine, path)
        .with_context(|| format!("cannot load the guest module `{}`", path.display()))
}

fn linker(engine: &Engine) -> Result<Linker<WasiP1Ctx>> {
    let mut linker = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    Ok(linker)
}

/// Part 1: instantiate a guest that has a memory of its own, and export it.
/// `wasi` is what the guest may do through WASI (`main` lets it print).
pub fn instantiate(
    engine: &Engine,
    path: &Path,
    wasi: WasiP1Ctx,
) -> Result<(Store<WasiP1Ctx>, Guest)> {
    let module = load_module(engine, path)?;
    let mut store = Store::new(engine, wasi);
    let instance = linker(engine)?
        .instantiate(&mut store, &module)
        .with_context(|| format!("cannot instantiate `{}`", path.display()))?;
    // ANCHOR: guest_memory
    // The guest made its memory; we reach it through its export `memory`.
    let memory = instance
        .get_memory(&mut store, "memory")
        .with_context(|| format!("`{}` exports no memory named `memory`", path.display()))?;
    // ANCHOR_END: guest_memory
    let guest = Guest::new(&mut store, &instance, memory, path)?;
    Ok((store, guest))
}
// ANCHOR_END: instantiate

// ANCHOR: host_memory
/// Part 2: instantiate a guest that imports its memory, in a memory that the
/// host makes: as large as the module asks, and allowed to grow by at most
/// `max_growth` pages.
pub fn instantiate_with_host_memory(
    engine: &Engine,
    path: &Path,
    wasi: WasiP1Ctx,
    max_growth: u32,
) -> Result<(Store<WasiP1Ctx>, Guest)> {
    let module = load_module(engine, path)?;
    // The module says which memory it imports (wasm-ld names it `env::memory`)
    // and how many pages it needs at least: its data and its stack live there.
    let Some((module_name, name, wanted)) = module.imports().find_map(|import| match import.ty() {
        ExternType::Memory(ty) => {
            Some((import.module().to_string(), import.name().to_string(), ty))
        }
        _ => None,
    }) else {
        bail!(
            "`{}` imports no memory: was it linked with `--import-memory`?",
            path.display()
        );
    };
    let minimum = u32::try_from(wanted.minimum()).ok().with_context(|| {
        format!(
            "`{}` asks for a memory of {} pages",
            path.display(),
            wanted.minimum()
        )
    })?;

    // The memory belongs to the store, like everything of a running guest,
    // and the host chooses its limits: here, a maximum size.
    let mut store = Store::new(engine, wasi);
    // (`MemoryType::new` would panic on a maximum past 4 GiB; `build` says so.)
    let maximum = u64::from(minimum) + u64::from(max_growth);
    let ty = MemoryType::builder()
        .min(minimum.into())
        .max(Some(maximum))
        .build()
        .with_context(|| {
            format!(
                "`{}` asks for {minimum} pages: with {max_growth} more that is {maximum}, too large for a 32-bit memory",
                path.display()
            )
        })?;
    let memory = Memory::new(&mut store, ty)?;

    // Offer it under the name the module imports, then instantiate as usual.
    let mut linker = linker(engine)?;
    linker.define(&store, &module_name, &name, memory)?;
    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("cannot instantiate `{}`", path.display()))?;
    let guest = Guest::new(&mut store, &instance, memory, path)?;
    Ok((store, guest))
}
// ANCHOR_END: host_memory

impl Guest {
    // ANCHOR: guest_new
    /// Run the guest's `_initialize`, if any, and look up its exports.
    fn new(
        mut store: impl AsContextMut,
        instance: &Instance,
        memory: Memory,
        path: &Path,
    ) -> Result<Guest> {
        let mut store = store.as_context_mut();
        if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
            initialize.call(&mut store, ()).with_context(|| {
                format!("the guest `{}` trapped in `_initialize`", path.display())
            })?;
        }
        let shown = path.display();
        Ok(Guest {
            memory,
            alloc: instance
                .get_typed_func(&mut store, "alloc")
                .with_context(|| format!("`{shown}` must export `alloc` as fn(i32) -> i32"))?,
            dealloc: instance
                .get_typed_func(&mut store, "dealloc")
                .with_context(|| format!("`{shown}` must export `dealloc` as fn(i32, i32)"))?,
            greet: instance
                .get_typed_func(&mut store, "greet")
                .with_context(|| {
                    format!("`{shown}` must export `greet` as fn(i32, i32, i32) -> i32")
                })?,
            reverse: instance
                .get_typed_func(&mut store, "reverse")
                .with_context(|| {
                    format!("`{shown}` must export `reverse` as fn(i32, i32) -> i64")
                })?,
            broken_answer: instance
                .get_typed_func(&mut store, "broken_answer")
                .with_context(|| format!("`{shown}` must export `broken_answer` as fn() -> i64"))?,
        })
    }
    // ANCHOR_END: guest_new

    // ANCHOR: alloc
    /// Ask the guest for `len` bytes of its memory.
    pub fn alloc(&self, mut store: impl AsContextMut, len: u32) -> Result<u32> {
        let ptr = self
            .alloc
            .call(&mut store, len)
            .context("the guest trapped in `alloc`")?;
        if ptr == 0 {
            bail!("the guest could not allocate {len} bytes: its `alloc` returned 0");
        }
        Ok(ptr)
    }

    /// Give a block back to the guest's allocator.
    pub fn dealloc(&self, mut store: impl AsContextMut, ptr: u32, len: u32) -> Result<()> {
        self.dealloc
            .call(&mut store, (ptr, len))
            .context("the guest trapped in `dealloc`")
    }

    /// Copy `bytes` into a new block of guest memory; returns (pointer, length).
    pub fn pass(
        &self,
        mut store: impl AsContextMut,
        what: &str,
        bytes: &[u8],
    ) -> Result<(u32, u32)> {
        let len = u32::try_from(bytes.len()).ok().with_context(|| {
            format!(
                "{what}: {} bytes do not fit in a 32-bit memory",
                bytes.len()
            )
        })?;
        let ptr = self.alloc(&mut store, len)?;
        // The pointer comes from the guest: `write_bytes` checks it.
        write_bytes(&mut store, self.memory, what, ptr, bytes)?;
        Ok((ptr, len))
    }
    // ANCHOR_END: alloc

    // ANCHOR: greet
    /// Call the guest's `greet`, which answers through an out-pointer. The
    /// name is bytes, as everything in guest memory is: the guest refuses a
    /// name that is not UTF-8.
    pub fn greet(&self, mut store: impl AsContextMut, name: &[u8]) -> Result<String> {
        // 1. Put the name into guest memory, and make room for the answer's
        //    pointer and length: 8 bytes, the out-pointer.
        let (name_ptr, name_len) = self.pass(&mut store, "the name", name)?;
        let out = self.alloc(&mut store, 8)?;

        // 2. Call. The guest reads the name and writes two u32s at `out`.
        let status = self
            .greet
            .call(&mut store, (name_ptr, name_len, out))
            .context("the guest trapped in `greet`")?;
        self.dealloc(&mut store, name_ptr, name_len)?;
        if status != 0 {
            self.dealloc(&mut store, out, 8)?;
            bail!("the guest's `greet` refused the name (status {status}): it is not UTF-8");
        }

        // 3. Read the two u32s, then the answer they point at. Both reads are
        //    bounds-checked: the guest wrote those numbers.
        let slot = read_bytes(&store, self.memory, "the out-pointer of `greet`", out, 8)?;
        self.dealloc(&mut store, out, 8)?;
        let ptr = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
        let len = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
        let answer = read_bytes(&store, self.memory, "the answer of `greet`", ptr, len)?;

        // 4. The answer is ours now: give its block back, or it leaks.
        self.dealloc(&mut store, ptr, len)?;
        String::from_utf8(answer).context("the answer of `greet` is not UTF-8")
    }
    // ANCHOR_END: greet

    // ANCHOR: reverse
    /// Call the guest's `reverse`, which answers with a packed `u64`.
    pub fn reverse(&self, store: impl AsContextMut, bytes: &[u8]) -> Result<Vec<u8>> {
        self.call_reverse(store, bytes, true)
    }

    /// `reverse`, but never giving the answer's block back: a leak.
    pub fn reverse_and_leak(&self, store: impl AsContextMut, bytes: &[u8]) -> Result<Vec<u8>> {
        self.call_reverse(store, bytes, false)
    }

    fn call_reverse(
        &self,
        mut store: impl AsContextMut,
        bytes: &[u8],
        free_answer: bool,
    ) -> Result<Vec<u8>> {
        let (ptr, len) = self.pass(&mut store, "the bytes to reverse", bytes)?;
        let packed = self
            .reverse
            .call(&mut store, (ptr, len))
            .context("the guest trapped in `reverse`")?;
        self.dealloc(&mut store, ptr, len)?;
        let (answer_ptr, answer_len) = unpack(packed);
        let answer = read_bytes(
            &store,
            self.memory,
            "the answer of `reverse`",
            answer_ptr,
            answer_len,
        )?;
        if free_answer {
            self.dealloc(&mut store, answer_ptr, answer_len)?;
        }
        Ok(answer)
    }
    // ANCHOR_END: reverse

    // ANCHOR: broken_answer
    /// Call the guest's `broken_answer` and try to read what it points at.
    pub fn broken_answer(&self, mut store: impl AsContextMut) -> Result<Answer> {
        let packed = self
            .broken_answer
            .call(&mut store, ())
            .context("the guest trapped in `broken_answer`")?;
        let (ptr, len) = unpack(packed);
        let bytes = read_bytes(
            &store,
            self.memory,
            "the answer of `broken_answer`",
            ptr,
            len,
        );
        Ok(Answer { ptr, len, bytes })
    }
    // ANCHOR_END: broken_answer
}

// ANCHOR: answer
/// An answer of the guest: where it said the bytes are, and what reading
/// them gave.
pub struct Answer {
    pub ptr: u32,
    pub len: u32,
    pub bytes: Result<Vec<u8>>,
}
// ANCHOR_END: answer
