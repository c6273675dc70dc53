//! Chapter 6, the sandbox: run a WASI command module that the host does not
//! trust, under limits on everything it could take.
//!
//! | what the guest could take | what stops it | how it ends |
//! | --- | --- | --- |
//! | time | a deadline: epoch interruption, driven by a ticker thread | [`Ending::OutOfTime`] |
//! | instructions | fuel, when a deterministic budget is wanted | [`Ending::OutOfFuel`] |
//! | memory | `StoreLimits`: `memory.grow` past the cap fails | [`Ending::OutOfMemory`] |
//! | stack | `max_wasm_stack` | [`Ending::StackOverflow`] |
//! | output | bounded pipes; the rest is dropped | [`Ending::OutputCut`] |
//! | files, environment | WASI grants nothing unless asked: one read-only folder, the given arguments | an error inside the guest |
//!
//! `main.rs` runs one module with it; `chapter-6-host-gallery` runs the
//! gallery of hostile guests; `bin/chapter-6-cost.rs` measures what each defence costs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

mod ending;
pub use ending::{Ending, bytes};

use wasmtime::error::Context;
use wasmtime::{
    Cache, CacheConfig, Config, Engine, Linker, Module, ResourceLimiter, Result, Store,
    StoreLimits, StoreLimitsBuilder, Trap,
};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

// ANCHOR: defaults
/// The limits a guest runs under unless the host says otherwise.
pub const DEADLINE: Duration = Duration::from_secs(1);
/// How often the ticker thread advances the engine's epoch: the deadline is
/// checked at this granularity.
pub const TICK: Duration = Duration::from_millis(10);
/// The most linear memory a guest may have: 64 MiB.
pub const MEMORY: usize = 64 << 20;
/// The most table elements (function pointers) a guest may have.
pub const TABLE_ELEMENTS: usize = 100_000;
/// The most stack the guest's WebAssembly may use (Wasmtime's own default).
pub const STACK: usize = 512 << 10;
/// The most a guest may write to each of stdout and stderr: 1 MiB.
pub const OUTPUT: usize = 1 << 20;
/// How long past its deadline a guest stuck in a call to the host (a sleep, a
/// read that blocks) is waited for, before the host gives up on it.
pub const GRACE: Duration = Duration::from_millis(500);
/// How long past its deadline a guest still running its own code is waited
/// for: the deadline stops it, but on a busy machine its thread may not have
/// run since. Past this the host gives up on it too.
pub const LATE: Duration = Duration::from_secs(30);
// ANCHOR_END: defaults

// ANCHOR: limits
/// Everything a guest is limited to. `deadline` and `fuel` are optional: the
/// engine only adds the checks that a limit needs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock time, checked every `tick` (epoch interruption).
    pub deadline: Option<Duration>,
    pub tick: Duration,
    /// Instructions, roughly: a deterministic budget (fuel).
    pub fuel: Option<u64>,
    /// Linear memory, in bytes.
    pub memory: usize,
    /// WebAssembly stack, in bytes.
    pub stack: usize,
    /// Bytes kept of each of stdout and stderr.
    pub output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: Some(DEADLINE),
            tick: TICK,
            fuel: None,
            memory: MEMORY,
            stack: STACK,
            output: OUTPUT,
        }
    }
}
// ANCHOR_END: limits

/// A guest `cargo xtask build chapter-6` built, by package name: in
/// `target/wasm/`, next to the `target/debug/` folder the running program is
/// in (found when it runs, as in chapter 1). A WASI command's module keeps
/// its package's name, dashes and all.
pub fn built_guest(package: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join(format!("wasm/wasm32-wasip1/debug/{package}.wasm"))
}

/// What the guest may reach outside itself.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    /// One folder, read-only, seen by the guest as its current folder `.`.
    pub dir: Option<PathBuf>,
    /// The arguments after the module's name (the guest's `args[1..]`).
    pub args: Vec<String>,
}

/// A finished run: how it ended, what the guest wrote, and how long it took
/// (from instantiation to the end, compiling not included).
#[derive(Debug, Clone)]
pub struct Run {
    pub ending: Ending,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Whether each stream reached its limit (and the rest was dropped).
    pub stdout_cut: bool,
    pub stderr_cut: bool,
    pub elapsed: Duration,
}

// ANCHOR: limiter
/// `StoreLimits` does the limiting; this wrapper remembers a refusal, so that
/// the host can tell "out of memory" from any other crash of the guest.
struct Limiter {
    limits: StoreLimits,
    memory: usize,
    refused: Option<usize>,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        max: Option<usize>,
    ) -> Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, max)?;
        if !allowed && desired > self.memory {
            self.refused = Some(desired);
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        max: Option<usize>,
    ) -> Result<bool> {
        self.limits.table_growing(current, desired, max)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}
// ANCHOR_END: limiter

/// What a running guest's store holds: its WASI context and its limiter.
struct Guest {
    wasi: WasiP1Ctx,
    limiter: Limiter,
}

/// An engine set up for `limits`, and the linker that offers WASI to guests.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<Guest>,
    limits: Limits,
}

impl Sandbox {
    // ANCHOR: engine
    /// An engine with the checks `limits` needs, and, for a deadline, a
    /// ticker thread that advances its epoch every `limits.tick`.
    pub fn new(limits: Limits) -> Result<Sandbox> {
        let mut config = Config::new();
        // Fuel: every instruction costs fuel; at zero the guest traps. The
        // same guest and the same fuel stop at the same instruction.
        config.consume_fuel(limits.fuel.is_some());
        // Epochs: compiled code checks a counter at loop heads and function
        // entries, which is cheaper than counting fuel; a thread of the host
        // advances the counter, so the deadline is wall-clock time.
        config.epoch_interruption(limits.deadline.is_some());
        config.max_wasm_stack(limits.stack);
        // Compiled code is cached on disk, as in the other chapters.
        config.cache(Some(Cache::new(CacheConfig::new())?));
        let engine = Engine::new(&config)?;
        if limits.deadline.is_some() {
            start_ticker(&engine, limits.tick);
        }
        let mut linker = Linker::new(&engine);
        p1::add_to_linker_sync(&mut linker, |guest: &mut Guest| &mut guest.wasi)?;
        Ok(Sandbox {
            engine,
            linker,
            limits,
        })
    }
    // ANCHOR_END: engine

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    // ANCHOR: load
    /// Compile a module, and check that it is a WASI command: one that
    /// exports `_start` (a library, such as the guests of chapters 1-5, is
    /// not: its host must know which export to call).
    pub fn load(&self, path: &Path) -> Result<Module> {
        let module = Module::from_file(&self.engine, path).context("cannot load it")?;
        match module.get_export("_start") {
            Some(wasmtime::ExternType::Func(ty))
                if ty.params().len() == 0 && ty.results().len() == 0 =>
            {
                Ok(module)
            }
            _ => wasmtime::bail!(
                "it is not a WASI command: it exports no `_start` function of type fn()"
            ),
        }
    }
    // ANCHOR_END: load

    // ANCHOR: wasi
    /// WASI for one run: nothing unless granted. No environment variables, no
    /// stdin, no files; the arguments given; output into bounded pipes.
    fn wasi(&self, name: &str, grants: &Grants) -> Result<(WasiP1Ctx, Pipes)> {
        let pipes = Pipes {
            stdout: MemoryOutputPipe::new(self.limits.output),
            stderr: MemoryOutputPipe::new(self.limits.output),
        };
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(pipes.stdout.clone())
            .stderr(pipes.stderr.clone())
            .arg(name)
            .args(&grants.args);
        if let Some(dir) = &grants.dir {
            // Read-only: the guest may open and read what is inside, and
            // nothing outside (`..`, absolute paths and symbolic links that
            // lead out are refused by WASI itself).
            wasi.preopened_dir(dir, ".", FsPerms::ReadOnly)
                .with_context(|| format!("cannot grant the folder `{}`", dir.display()))?;
        }
        Ok((wasi.build_p1(), pipes))
    }
    // ANCHOR_END: wasi

    // ANCHOR: run
    /// Run a loaded command module: instantiate it and call `_start`, under
    /// every limit. `Err` only for what is not the guest's doing (a folder
    /// that cannot be granted, an import that is not WASI).
    pub fn run(&self, module: &Module, name: &str, grants: &Grants) -> Result<Run> {
        let (wasi, pipes) = self.wasi(name, grants)?;
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.limits.memory)
            .table_elements(TABLE_ELEMENTS)
            .instances(1)
            .build();
        let limiter = Limiter {
            limits,
            memory: self.limits.memory,
            refused: None,
        };
        let mut store = Store::new(&self.engine, Guest { wasi, limiter });
        store.limiter(|guest| &mut guest.limiter);
        if let Some(fuel) = self.limits.fuel {
            store.set_fuel(fuel)?;
        }
        if let Some(deadline) = self.limits.deadline {
            // The deadline, in ticks of the ticker thread from now.
            store.set_epoch_deadline(ticks(deadline, self.limits.tick));
        }
        // Wasmtime calls this hook each time the run crosses between the
        // guest's code and the host's: so the host knows which one runs now.
        let in_host = Arc::new(AtomicBool::new(false));
        let flag = in_host.clone();
        store.call_hook(move |_, crossing| {
            flag.store(crossing.entering_host(), Ordering::Relaxed);
            Ok(())
        });

        // The guest runs on a thread of its own: if it is stuck in a call to
        // the host, which no deadline interrupts, the host stops waiting.
        let (linker, module) = (self.linker.clone(), module.clone());
        let (done, result) = mpsc::channel();
        let started = Instant::now();
        std::thread::spawn(move || {
            let outcome = start(&linker, &mut store, &module);
            let refused = store.data().limiter.refused;
            let _ = done.send((outcome, refused));
        });
        let waited = match self.limits.deadline {
            Some(deadline) => wait(&result, deadline + GRACE, &in_host),
            None => result.recv().ok(),
        };
        let elapsed = started.elapsed();
        let ending = match waited {
            Some((outcome, refused)) => self.ending(outcome, refused, &pipes)?,
            None => Ending::Stuck(self.limits.deadline.unwrap_or_default()),
        };
        Ok(pipes.finish(ending, self.limits.output, elapsed))
    }
    // ANCHOR_END: run

    // ANCHOR: classify
    /// Tell why a run ended, from the error it ended with (if any).
    fn ending(&self, outcome: Result<()>, refused: Option<usize>, pipes: &Pipes) -> Result<Ending> {
        let err = match outcome {
            Ok(()) => return Ok(Ending::Finished),
            Err(err) => err,
        };
        // `proc_exit(n)` unwinds out of the guest as an error holding `n`.
        if let Some(exit) = err.downcast_ref::<I32Exit>() {
            return Ok(match exit.0 {
                0 => Ending::Finished,
                code => Ending::Exited(code),
            });
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => {
                return Ok(Ending::OutOfTime(self.limits.deadline.unwrap_or_default()));
            }
            Some(Trap::OutOfFuel) => return Ok(Ending::OutOfFuel(self.limits.fuel.unwrap_or(0))),
            Some(Trap::StackOverflow) => return Ok(Ending::StackOverflow(self.limits.stack)),
            _ => {}
        }
        // A refused `memory.grow` is no trap: the guest learns that it failed
        // (a Rust guest then aborts, which traps). The limiter remembers it.
        if let Some(asked) = refused {
            let limit = self.limits.memory;
            return Ok(Ending::OutOfMemory { limit, asked });
        }
        if pipes.full(self.limits.output) {
            return Ok(Ending::OutputCut(self.limits.output));
        }
        match err.downcast_ref::<Trap>() {
            Some(trap) => Ok(Ending::Trapped(trap.to_string())),
            // Not the guest's doing: an import the host does not offer...
            None if !started(&err) => Err(err),
            None => Ok(Ending::Trapped(err.root_cause().to_string())),
        }
    }
    // ANCHOR_END: classify
}

/// Instantiate (which runs the module's start function, if it has one) and
/// call `_start`. Both run under the store's limits.
fn start(linker: &Linker<Guest>, store: &mut Store<Guest>, module: &Module) -> Result<()> {
    let instance = linker
        .instantiate(&mut *store, module)
        .context(NOT_STARTED)?;
    let start = instance.get_typed_func::<(), ()>(&mut *store, "_start")?;
    start.call(&mut *store, ())
}

/// The context of an error that happened before the guest ran any code.
const NOT_STARTED: &str = "cannot instantiate it";

/// Whether `err` happened while the guest's code ran, rather than while
/// instantiating it (an unknown import, a data segment out of bounds, ...).
fn started(err: &wasmtime::Error) -> bool {
    err.downcast_ref::<Trap>().is_some() || !err.chain().any(|e| e.to_string() == NOT_STARTED)
}

// ANCHOR: wait
/// Wait for the guest's thread until `limit`. Past it, a guest inside a host
/// function is stuck there (no deadline interrupts the host's code), but one
/// running its own code is only late: its deadline is sure to stop it, so it
/// is waited for, up to [`LATE`].
fn wait<T>(result: &mpsc::Receiver<T>, limit: Duration, in_host: &AtomicBool) -> Option<T> {
    let late = Instant::now() + LATE;
    let mut waited = result.recv_timeout(limit);
    while matches!(waited, Err(RecvTimeoutError::Timeout))
        && !in_host.load(Ordering::Relaxed)
        && Instant::now() < late
    {
        waited = result.recv_timeout(TICK);
    }
    waited.ok()
}
// ANCHOR_END: wait

// ANCHOR: ticks

/// `deadline` in ticks of the ticker. The ticker runs on its own, so the
/// first tick comes anywhere within one tick from now: one tick more than
/// the deadline holds means the guest gets at least its deadline, and is
/// stopped at most one tick after it.
fn ticks(deadline: Duration, tick: Duration) -> u64 {
    let tick = tick.as_nanos().max(1);
    let whole = u64::try_from(deadline.as_nanos().div_ceil(tick)).unwrap_or(u64::MAX - 1);
    whole + 1
}
// ANCHOR_END: ticks

// ANCHOR: ticker
/// Advance the engine's epoch every `tick`, for as long as the engine lives.
fn start_ticker(engine: &Engine, tick: Duration) {
    let engine = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = engine.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(tick);
        }
    });
}
// ANCHOR_END: ticker

/// The two bounded pipes a guest writes into.
struct Pipes {
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl Pipes {
    /// Whether either pipe is full: the guest wrote past the limit.
    fn full(&self, limit: usize) -> bool {
        self.stdout.contents().len() >= limit || self.stderr.contents().len() >= limit
    }

    fn finish(self, ending: Ending, limit: usize, elapsed: Duration) -> Run {
        let stdout = self.stdout.contents().to_vec();
        let stderr = self.stderr.contents().to_vec();
        Run {
            ending,
            stdout_cut: stdout.len() >= limit,
            stderr_cut: stderr.len() >= limit,
            stdout,
            stderr,
            elapsed,
        }
    }
}
