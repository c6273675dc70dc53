//! `guest-call`: the grader's sandbox. It calls one export of a guest module in
//! Wasmtime and prints what happened as one line of JSON on stdout:
//!
//! ```text
//! guest-call <module.wasm> <export> [--env NAME=VALUE]... [--] [i64 argument]...
//! {"returned":[42],"stdout":"From WASM: ...\n","stderr":""}
//! {"trapped":"error while executing at wasm backtrace: ...","stdout":"","stderr":"..."}
//! ```
//!
//! A fuel limit stops a guest that loops forever, a memory limit one that
//! allocates forever, and output is captured up to a limit. A deadline (epoch
//! interruption) stops a guest whose loop spends its time in calls to WASI,
//! which cost little fuel; a guest stuck in one such call (a long sleep) is
//! given up on just after it. Problems with the module itself (it does not
//! load, has no such export) exit with code 2 and a message on stderr. The
//! grader runs this as a child process with a wall-clock limit, so even a
//! crash here cannot take the grader down.

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;
use wasmtime::error::Context;
use wasmtime::{
    Cache, CacheConfig, Config, Engine, Linker, Module, OptLevel, Result, Store, StoreLimits,
    StoreLimitsBuilder, Val, ValType, bail,
};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// Fuel for one call: about a billion wasm instructions, a second or two.
const FUEL: u64 = 1_000_000_000;
/// The most memory a guest may have.
const MAX_MEMORY: usize = 256 << 20;
/// The most a guest may print to each of stdout and stderr.
const MAX_OUTPUT: usize = 1 << 20;
/// Wall-clock time for one call, within the grader's own limit of 30 s
/// (`xtask::guest_call::CALL_TIMEOUT`), checked every `TICK`.
const DEADLINE: Duration = Duration::from_secs(10);
const TICK: Duration = Duration::from_millis(100);
/// How long after the deadline a guest stuck in a call to WASI is waited for.
const GRACE: Duration = Duration::from_secs(1);

#[derive(Serialize)]
struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    returned: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trapped: Option<String>,
    stdout: String,
    stderr: String,
}

struct State {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
}

struct Request {
    wasm: String,
    export: String,
    args: Vec<i64>,
    env: Vec<(String, String)>,
}

fn main() -> ExitCode {
    let outcome = parse(std::env::args().skip(1).collect()).and_then(call_within_deadline);
    match outcome {
        Ok(outcome) => match serde_json::to_string(&outcome) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("guest-call: cannot write the outcome: {err}");
                ExitCode::from(2)
            }
        },
        Err(err) => {
            eprintln!("{err:#}");
            ExitCode::from(2)
        }
    }
}

fn parse(raw: Vec<String>) -> Result<Request> {
    let usage = "usage: guest-call <module.wasm> <export> [--env NAME=VALUE]... [--] [argument]...";
    let mut positional = Vec::new();
    let mut env = Vec::new();
    let mut iter = raw.into_iter();
    let mut options_done = false;
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--" if !options_done => options_done = true,
            "--env" if !options_done => {
                let Some(pair) = iter.next() else {
                    bail!("{usage}")
                };
                let Some((name, value)) = pair.split_once('=') else {
                    bail!("`--env {pair}` must be NAME=VALUE");
                };
                env.push((name.to_string(), value.to_string()));
            }
            _ => positional.push(arg),
        }
    }
    if positional.len() < 2 {
        bail!("{usage}");
    }
    let args = positional[2..]
        .iter()
        .map(|a| {
            a.parse::<i64>()
                .with_context(|| format!("the argument `{a}` is not an integer"))
        })
        .collect::<Result<_>>()?;
    Ok(Request {
        wasm: positional[0].clone(),
        export: positional[1].clone(),
        args,
        env,
    })
}

/// The check's numbers as the export's parameters, each of the right type.
fn arguments(export: &str, ty: &wasmtime::FuncType, args: &[i64]) -> Result<Vec<Val>> {
    let params: Vec<ValType> = ty.params().collect();
    if params.len() != args.len() {
        bail!(
            "`{export}` takes {} argument(s), the check gives {}",
            params.len(),
            args.len()
        );
    }
    params
        .iter()
        .zip(args)
        .map(|(ty, &v)| match ty {
            ValType::I32 => i32::try_from(v)
                .map(Val::I32)
                .with_context(|| format!("{v} does not fit an i32")),
            ValType::I64 => Ok(Val::I64(v)),
            other => bail!("`{export}` takes a {other}, which the grader cannot pass"),
        })
        .collect()
}

/// Run [`call`] on a thread of its own, and give up on it if it is still
/// running just after its deadline: then it is stuck in a call to WASI,
/// where the deadline does not reach.
fn call_within_deadline(request: Request) -> Result<Outcome> {
    let stdout = MemoryOutputPipe::new(MAX_OUTPUT);
    let stderr = MemoryOutputPipe::new(MAX_OUTPUT);
    let (done, result) = mpsc::channel();
    let pipes = (stdout.clone(), stderr.clone());
    std::thread::spawn(move || {
        let _ = done.send(call(&request, pipes.0, pipes.1));
    });
    match result.recv_timeout(DEADLINE + GRACE) {
        Ok(outcome) => outcome,
        Err(_) => Ok(Outcome {
            returned: None,
            trapped: Some(format!(
                "the guest was still running after {} s, in a call to WASI (a sleep, a read that waits?)",
                DEADLINE.as_secs()
            )),
            stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
        }),
    }
}

fn call(request: &Request, stdout: MemoryOutputPipe, stderr: MemoryOutputPipe) -> Result<Outcome> {
    let Request {
        wasm,
        export,
        args,
        env,
    } = request;
    let mut config = Config::new();
    config.consume_fuel(true);
    // A check's calls are small, and a guest edited a moment ago is compiled
    // before its first call: compiling without Cranelift's optimisations is
    // about a quarter faster (2 MB debug guests on a dev build of Wasmtime),
    // and fuel counts wasm instructions, so it runs out at the same point.
    config.cranelift_opt_level(OptLevel::None);
    config.epoch_interruption(true);
    // A check calls the same module again and again: compile it once.
    config.cache(Some(Cache::new(CacheConfig::new())?));
    let engine = Engine::new(&config)?;
    let module = Module::from_file(&engine, wasm).with_context(|| format!("cannot load {wasm}"))?;
    let ticker = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = ticker.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(TICK);
        }
    });

    let wasi = WasiCtxBuilder::new()
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .envs(env)
        .build_p1();
    let limits = StoreLimitsBuilder::new().memory_size(MAX_MEMORY).build();
    let mut store = Store::new(&engine, State { wasi, limits });
    store.limiter(|state| &mut state.limits);
    store.set_fuel(FUEL)?;
    store.set_epoch_deadline(DEADLINE.as_millis().div_ceil(TICK.as_millis()) as u64 + 1);

    let mut linker: Linker<State> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |state| &mut state.wasi)?;
    let finish = |returned, trapped| Outcome {
        returned,
        trapped,
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
    };
    // Instantiating runs the module's start function, if it has one: a trap
    // there is the guest's, like a trap in the call.
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(err) if err.is::<wasmtime::Trap>() => {
            return Ok(finish(None, Some(trap_message(&err))));
        }
        Err(err) => return Err(err.context(format!("cannot instantiate {wasm}"))),
    };

    if let Some(init) = instance.get_func(&mut store, "_initialize")
        && let Err(trap) = init.call(&mut store, &[], &mut [])
    {
        return Ok(finish(None, Some(trap_message(&trap))));
    }
    let Some(func) = instance.get_func(&mut store, export) else {
        bail!("{wasm} does not export a function `{export}`");
    };
    let ty = func.ty(&store);
    let params = arguments(export, &ty, args)?;
    let mut results: Vec<Val> = ty.results().map(|_| Val::I32(0)).collect();
    match func.call(&mut store, &params, &mut results) {
        Ok(()) => {
            let values = results
                .iter()
                .map(|v| match v {
                    Val::I32(x) => Ok(i64::from(*x)),
                    Val::I64(x) => Ok(*x),
                    other => {
                        bail!("`{export}` returned {other:?}, which the grader cannot compare")
                    }
                })
                .collect::<Result<Vec<i64>>>()?;
            Ok(finish(Some(values), None))
        }
        Err(trap) => Ok(finish(None, Some(trap_message(&trap)))),
    }
}

/// A trap's message with its wasm backtrace, and a plain word on fuel.
fn trap_message(err: &wasmtime::Error) -> String {
    match err.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::OutOfFuel) => {
            return format!(
                "the guest ran out of fuel after {FUEL} instructions: does it loop forever?\n{err:?}"
            );
        }
        Some(wasmtime::Trap::Interrupt) => {
            return format!(
                "the guest ran out of time after {} s: does it loop forever?\n{err:?}",
                DEADLINE.as_secs()
            );
        }
        _ => {}
    }
    format!("{err:?}")
}
