//! The handler module in Wasmtime: compiled once, instantiated for every
//! request (or, with `--reuse-instance`, once for all of them).

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use wasmtime::error::Context;
use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig, ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder, Trap,
};
use wasmtime::{Result, bail};

/// How the server makes its instances (the options of `serve`).
#[derive(Debug, Clone)]
pub struct Options {
    /// One long-lived instance for every request instead of a fresh one each.
    pub reuse_instance: bool,
    /// The pooling allocator (on by default; `--no-pooling` turns it off).
    pub pooling: bool,
    /// Copy-on-write memory images (on by default; `--no-cow` turns them off).
    pub cow: bool,
    /// How much of a pooled memory stays resident between instances
    /// (`--keep-resident BYTES`).
    pub keep_resident: usize,
    /// How long one request may run.
    pub deadline: Duration,
    /// How much linear memory one instance may have.
    pub memory: usize,
    /// How many instances may be alive at once (the pool's size).
    pub instances: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reuse_instance: false,
            pooling: true,
            cow: true,
            keep_resident: 192 << 10,
            deadline: Duration::from_secs(2),
            memory: 32 << 20,
            instances: 64,
        }
    }
}

/// The largest response a handler may give: 64 KiB.
pub const MAX_RESPONSE: usize = 64 << 10;
/// How often the epoch advances: a deadline is a number of these ticks.
const TICK: Duration = Duration::from_millis(10);

// ANCHOR: engine
/// An engine for many short-lived instances.
fn engine(options: &Options) -> Result<Engine> {
    let mut config = Config::new();
    // Chapter 6's deadline: compiled code checks the epoch; a thread advances it.
    config.epoch_interruption(true);
    // Copy-on-write images: the module's initial memory is mapped, not
    // copied, into each new instance; pages are copied only when written.
    config.memory_init_cow(options.cow);
    if options.pooling {
        // The pooling allocator reserves slots for `instances` instances (their
        // memories, tables, metadata) once, when the engine is made. An
        // instance takes a free slot and gives it back when its store is
        // dropped: no mmap/munmap per request, and memory stays warm.
        let mut pool = PoolingAllocationConfig::new();
        pool.total_core_instances(options.instances);
        pool.total_memories(options.instances);
        pool.total_tables(options.instances);
        pool.max_memory_size(options.memory);
        // When an instance ends, its slot's memory is reset for the next one:
        // the first `keep_resident` bytes with memset (they stay mapped), the
        // rest handed back to the kernel (madvise), which the next instance
        // pays for in page faults. The handler's 64 KiB stack makes the
        // memory it touches fit (see its build.rs).
        pool.linear_memory_keep_resident(options.keep_resident);
        pool.table_keep_resident(options.keep_resident);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    config.cache(Some(Cache::new(CacheConfig::new())?));
    Engine::new(&config)
}
// ANCHOR_END: engine

/// What one request's store holds: its limits, and whether the memory cap
/// refused a `memory.grow` (chapter 6's limiter).
struct Limiter {
    limits: StoreLimits,
    refused: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        max: Option<usize>,
    ) -> Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, max)?;
        self.refused |= !allowed;
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
}

/// A request the handler answers, and what it answered.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long making the instance took (none when it was reused).
    pub instantiation: Option<Duration>,
}

/// One instance and its store.
struct Live {
    store: Store<Limiter>,
    instance: wasmtime::Instance,
    number: u64,
}

pub struct Handler {
    engine: Engine,
    pre: InstancePre<Limiter>,
    options: Options,
    made: AtomicU64,
    /// The one instance of `--reuse-instance` (made at the first request).
    reused: Mutex<Option<Live>>,
}

impl Handler {
    // ANCHOR: load
    /// Compile the module and resolve its imports once: the `InstancePre`
    /// is everything about an instance that does not change per request.
    pub fn load(path: &Path, options: Options) -> Result<Handler> {
        let engine = engine(&options)?;
        let module = Module::from_file(&engine, path)?;
        let mut linker = Linker::new(&engine);
        // The handler gets no WASI and no host function: an import traps.
        linker.define_unknown_imports_as_traps(&module)?;
        let pre = linker.instantiate_pre(&module)?;
        for (name, what) in [
            ("memory", "a memory"),
            ("alloc", "`alloc(len: i32) -> i32`"),
            ("handle", "`handle(ptr: i32, len: i32) -> i64`"),
        ] {
            if module.get_export(name).is_none() {
                bail!("the handler must export {what} named `{name}`");
            }
        }
        start_ticker(&engine);
        Ok(Handler {
            engine,
            pre,
            options,
            made: AtomicU64::new(0),
            reused: Mutex::new(None),
        })
    }
    // ANCHOR_END: load

    // ANCHOR: instantiate
    /// A fresh store and instance, with this request's limits.
    fn instantiate(&self) -> Result<(Live, Duration)> {
        let started = Instant::now();
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.options.memory)
            .build();
        let mut store = Store::new(
            &self.engine,
            Limiter {
                limits,
                refused: false,
            },
        );
        store.limiter(|limiter| limiter);
        // The deadline covers instantiation too (it may run guest code).
        store.set_epoch_deadline(self.ticks());
        let instance = self.pre.instantiate(&mut store)?;
        let number = self.made.fetch_add(1, Ordering::Relaxed) + 1;
        Ok((
            Live {
                store,
                instance,
                number,
            },
            started.elapsed(),
        ))
    }
    // ANCHOR_END: instantiate

    // ANCHOR: serve
    /// Answer one request: in a fresh instance, or in the reused one.
    pub fn serve(&self, request: &[u8]) -> Response {
        if !self.options.reuse_instance {
            return match self.instantiate() {
                Ok((mut live, took)) => {
                    let mut response = self.call(&mut live, request);
                    response.instantiation = Some(took);
                    response
                } // `live` is dropped here: its slot goes back to the pool.
                Err(err) => failure(503, &format!("no instance: {err:#}")),
            };
        }
        let mut reused = self
            .reused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if reused.is_none() {
            match self.instantiate() {
                Ok((live, _)) => *reused = Some(live),
                Err(err) => return failure(503, &format!("no instance: {err:#}")),
            }
        }
        let Some(live) = reused.as_mut() else {
            unreachable!("made just above")
        };
        let response = self.call(live, request);
        if response.status >= 500 {
            // A trap leaves the instance in whatever state it was: throw it
            // away, and the next request gets a new one.
            *reused = None;
        }
        response
    }
    // ANCHOR_END: serve

    // ANCHOR: call
    /// Write the request into the instance's memory, call `handle`, read the
    /// response: within the deadline, the memory cap and `MAX_RESPONSE`.
    fn call(&self, live: &mut Live, request: &[u8]) -> Response {
        live.store.set_epoch_deadline(self.ticks());
        live.store.data_mut().refused = false;
        match self.exchange(live, request) {
            Ok(response) => response,
            Err(err) if err.downcast_ref::<Trap>() == Some(&Trap::Interrupt) => failure(
                504,
                &format!(
                    "the handler ran past its deadline of {:?}",
                    self.options.deadline
                ),
            ),
            Err(_) if live.store.data().refused => failure(
                503,
                &format!(
                    "the handler asked for more than its {} MiB of memory",
                    self.options.memory >> 20
                ),
            ),
            Err(err) => match err.downcast_ref::<Trap>() {
                Some(trap) => failure(500, &format!("the handler crashed: {trap}")),
                None => failure(500, &format!("the handler failed: {err}")),
            },
        }
    }

    fn exchange(&self, live: &mut Live, request: &[u8]) -> Result<Response> {
        let store = &mut live.store;
        let memory = live
            .instance
            .get_memory(&mut *store, "memory")
            .context("no memory")?;
        let alloc = live
            .instance
            .get_typed_func::<u32, u32>(&mut *store, "alloc")?;
        let handle = live
            .instance
            .get_typed_func::<(u32, u32), u64>(&mut *store, "handle")?;
        // Chapter 5: the guest allocates, the host writes, the guest reads.
        let head = format!("x-instance: {}\n", live.number);
        let request = splice_header(request, &head);
        let len = u32::try_from(request.len()).context("request too large")?;
        let ptr = alloc.call(&mut *store, len)?;
        if ptr == 0 {
            bail!("the handler had no room for a {len}-byte request");
        }
        memory
            .write(&mut *store, ptr as usize, &request)
            .context("`alloc` gave a block outside memory")?;
        let packed = handle.call(&mut *store, (ptr, len))?;
        let (at, len) = ((packed >> 32) as usize, (packed & 0xffff_ffff) as usize);
        if len > MAX_RESPONSE {
            return Ok(failure(
                502,
                &format!(
                    "the handler's response is {len} bytes, over the {MAX_RESPONSE}-byte limit"
                ),
            ));
        }
        let bytes = memory
            .data(&*store)
            .get(at..at + len)
            .context("the response lies outside memory")?;
        Ok(parse_response(bytes))
    }
    // ANCHOR_END: call

    /// The deadline in epoch ticks.
    fn ticks(&self) -> u64 {
        (self.options.deadline.as_millis() / TICK.as_millis()).max(1) as u64
    }

    /// How many instances were made so far.
    pub fn instances_made(&self) -> u64 {
        self.made.load(Ordering::Relaxed)
    }
}

/// The request with one more header line after its first line.
fn splice_header(request: &[u8], line: &str) -> Vec<u8> {
    let end = request
        .iter()
        .position(|&b| b == b'\n')
        .map_or(request.len(), |i| i + 1);
    let mut out = Vec::with_capacity(request.len() + line.len());
    out.extend_from_slice(&request[..end]);
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(&request[end..]);
    out
}

/// `STATUS\nname: value\n...\n\nbody`; anything else is the handler's fault (502).
fn parse_response(bytes: &[u8]) -> Response {
    let end = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(bytes.len());
    let Ok(head) = std::str::from_utf8(&bytes[..end]) else {
        return failure(502, "the handler's response head is not UTF-8");
    };
    let mut lines = head.lines();
    let status = lines.next().and_then(|s| s.trim().parse::<u16>().ok());
    let Some(status @ 100..=599) = status else {
        return failure(502, "the handler's response does not start with a status");
    };
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    let body = bytes.get(end + 2..).unwrap_or_default().to_vec();
    Response {
        status,
        headers,
        body,
        instantiation: None,
    }
}

/// A response the host makes when the handler could not give one.
fn failure(status: u16, message: &str) -> Response {
    let headers = vec![(
        "content-type".to_string(),
        "text/plain; charset=utf-8".to_string(),
    )];
    Response {
        status,
        headers,
        body: format!("{message}\n").into_bytes(),
        instantiation: None,
    }
}

/// Advance the engine's epoch every `TICK`, for as long as the process lives.
fn start_ticker(engine: &Engine) {
    let engine = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = engine.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(TICK);
        }
    });
}
