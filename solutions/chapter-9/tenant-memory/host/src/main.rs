//! Chapter 9's exercise host: serve one request with a fresh instance of the
//! handler, as chapter 9's server does for each request it gets (here without
//! HTTP: the request comes from the command line).
//!
//! ```text
//! tenant-memory-host HANDLER.wasm METHOD PATH [NAME:VALUE]... [--body TEXT]
//! ```
//!
//! It prints the response's status on a line, then its body.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use wasmtime::error::Context;
use wasmtime::{
    Config, Engine, Linker, Module, ResourceLimiter, Result, Store, StoreLimits,
    StoreLimitsBuilder, Trap, bail,
};

/// The memory cap of a request's instance.
const MEMORY: usize = 32 << 20;
/// How long a request may run, and how often the epoch advances.
const DEADLINE: Duration = Duration::from_secs(2);
const TICK: Duration = Duration::from_millis(10);

/// A request, as the command line gives it.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    /// The value of a header, if the request has it (names in any case).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request as the handler reads it: method and path, headers, an
    /// empty line, the body.
    fn to_bytes(&self) -> Vec<u8> {
        let mut text = format!("{} {}\nx-instance: 1\n", self.method, self.path);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push('\n');
        text.push_str(&self.body);
        text.into_bytes()
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let [wasm, method, path, rest @ ..] = args else {
        bail!("usage: HANDLER.wasm METHOD PATH [NAME:VALUE]... [--body TEXT]");
    };
    let mut request = Request {
        method: method.clone(),
        path: path.clone(),
        headers: Vec::new(),
        body: String::new(),
    };
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        if arg == "--body" {
            request.body = rest.next().context("`--body` needs a text")?.clone();
        } else {
            let (name, value) = arg
                .split_once(':')
                .with_context(|| format!("`{arg}` is not a header `name:value`"))?;
            request
                .headers
                .push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    // Each tenant's plan sets its instances' memory cap.
    let memory = match request.header("x-tenant") {
        Some("free") => 4 << 20,
        Some("pro") => MEMORY,
        other => {
            println!("401");
            println!(
                "no such tenant: {}",
                other.unwrap_or("(no x-tenant header)")
            );
            return Ok(());
        }
    };
    let (status, body) = serve(Path::new(wasm), &request, memory)
        .with_context(|| format!("serving a request with `{wasm}`"))?;
    println!("{status}");
    print!("{}", String::from_utf8_lossy(&body));
    Ok(())
}

/// The limits of a request's store, and whether the memory cap refused a
/// `memory.grow` (chapter 6's limiter).
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

/// One request in a fresh instance with `memory` bytes at most: the status
/// and the body of the response.
fn serve(wasm: &Path, request: &Request, memory: usize) -> Result<(u16, Vec<u8>)> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config)?;
    let module = Module::from_file(&engine, wasm)?;
    let mut linker = Linker::new(&engine);
    linker.define_unknown_imports_as_traps(&module)?;
    let pre = linker.instantiate_pre(&module)?;
    let ticker = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = ticker.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(TICK);
        }
    });

    let limits = StoreLimitsBuilder::new().memory_size(memory).build();
    let mut store = Store::new(
        &engine,
        Limiter {
            limits,
            refused: false,
        },
    );
    store.limiter(|limiter| limiter);
    store.set_epoch_deadline((DEADLINE.as_millis() / TICK.as_millis()) as u64);
    let answer = pre.instantiate(&mut store).and_then(|instance| {
        let memory = instance
            .get_memory(&mut store, "memory")
            .context("no memory export")?;
        let alloc = instance.get_typed_func::<u32, u32>(&mut store, "alloc")?;
        let handle = instance.get_typed_func::<(u32, u32), u64>(&mut store, "handle")?;
        let bytes = request.to_bytes();
        let ptr = alloc.call(&mut store, bytes.len() as u32)?;
        memory.write(&mut store, ptr as usize, &bytes)?;
        let packed = handle.call(&mut store, (ptr, bytes.len() as u32))?;
        let (at, len) = ((packed >> 32) as usize, (packed & 0xffff_ffff) as usize);
        let response = memory
            .data(&store)
            .get(at..at + len)
            .context("response out of bounds")?;
        Ok(response.to_vec())
    });
    match answer {
        Ok(response) => parse(&response),
        Err(err) if err.downcast_ref::<Trap>() == Some(&Trap::Interrupt) => {
            Ok((504, b"the handler ran past its deadline\n".to_vec()))
        }
        Err(_) if store.data().refused => {
            let text = format!(
                "the handler asked for more than its {} MiB of memory\n",
                memory >> 20
            );
            Ok((503, text.into_bytes()))
        }
        Err(err) => Err(err),
    }
}

/// `STATUS\nheaders\n\nbody` -> the status and the body.
fn parse(response: &[u8]) -> Result<(u16, Vec<u8>)> {
    let end = response
        .windows(2)
        .position(|w| w == b"\n\n")
        .context("the response has no empty line after its head")?;
    let head = std::str::from_utf8(&response[..end])?;
    let status = head.lines().next().unwrap_or_default();
    let status = status
        .parse::<u16>()
        .with_context(|| format!("`{status}` is not a status"))?;
    Ok((status, response[end + 2..].to_vec()))
}
