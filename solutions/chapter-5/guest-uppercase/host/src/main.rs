//! Exercise `guest-uppercase`: the host, given (you write the guest's `upper`).
//!
//! Usage: `guest-uppercase-host <guest.wasm> [text | --hex <bytes in hex>]...`.
//! For each text it copies the text into the guest's memory, calls the
//! guest's `upper`, reads the answer and gives both blocks back. `--hex 41ff`
//! sends raw bytes instead, which need not be UTF-8. At the end it says how
//! many bytes the guest still holds from these calls: 0, unless something leaks.

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Memory, Module, Result, Store, TypedFunc, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

const USAGE: &str = "usage: guest-uppercase-host <guest.wasm> [text | --hex <bytes in hex>]...";

/// The guest's memory and the exports this host calls.
struct Guest {
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    dealloc: TypedFunc<(u32, u32), ()>,
    upper: TypedFunc<(u32, u32), u64>,
    live_bytes: TypedFunc<(), u32>,
}

/// One input: a text, or raw bytes given in hex.
enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

impl Input {
    fn bytes(&self) -> &[u8] {
        match self {
            Input::Text(text) => text.as_bytes(),
            Input::Bytes(bytes) => bytes,
        }
    }

    /// How the input shows in the output: `"text"`, or `<41 ff>`.
    fn shown(&self) -> String {
        match self {
            Input::Text(text) => format!("{text:?}"),
            Input::Bytes(bytes) => {
                format!(
                    "<{}>",
                    bytes
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        }
    }
}

fn inputs(args: &[String]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg != "--hex" {
            inputs.push(Input::Text(arg.clone()));
            continue;
        }
        let Some(hex) = args.next() else {
            bail!("`--hex` needs bytes in hex ({USAGE})")
        };
        if hex.len() % 2 != 0 || !hex.is_ascii() {
            bail!("`{hex}` is not bytes in hex: two hex digits a byte");
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| {
                u8::from_str_radix(&hex[i..i + 2], 16)
                    .with_context(|| format!("`{hex}` is not bytes in hex"))
            })
            .collect::<Result<Vec<u8>>>()?;
        inputs.push(Input::Bytes(bytes));
    }
    Ok(inputs)
}

/// Check that `len` bytes at `offset` lie inside a memory of `size` bytes.
fn check_range(size: usize, what: &str, offset: u32, len: u32) -> Result<()> {
    // In u64, `offset + len` cannot overflow, whatever the guest sent.
    if u64::from(offset) + u64::from(len) > size as u64 {
        bail!(
            "{what}: {len} bytes at offset {offset} lie outside the guest's memory of {size} bytes"
        );
    }
    Ok(())
}

/// Call the guest's `upper` on `bytes`: the answer, or `None` if the guest refused.
fn upper(store: &mut Store<WasiP1Ctx>, guest: &Guest, bytes: &[u8]) -> Result<Option<String>> {
    // 1. Room in the guest's memory, filled with the bytes.
    let len = u32::try_from(bytes.len()).context("the input does not fit in a 32-bit memory")?;
    let ptr = guest
        .alloc
        .call(&mut *store, len)
        .context("the guest trapped in `alloc`")?;
    if ptr == 0 {
        bail!("the guest could not allocate {len} bytes: its `alloc` returned 0");
    }
    check_range(
        guest.memory.data_size(&*store),
        "the block from `alloc`",
        ptr,
        len,
    )?;
    guest
        .memory
        .write(&mut *store, ptr as usize, bytes)
        .context("cannot write the input")?;

    // 2. The call; the input block is ours to give back.
    let packed = guest
        .upper
        .call(&mut *store, (ptr, len))
        .context("the guest trapped in `upper`")?;
    guest
        .dealloc
        .call(&mut *store, (ptr, len))
        .context("the guest trapped in `dealloc`")?;
    if packed == 0 {
        return Ok(None);
    }

    // 3. The answer: a pointer in the high half, a length in the low half.
    //    Numbers from the guest: check them, read, and give the block back.
    let (answer_ptr, answer_len) = ((packed >> 32) as u32, packed as u32);
    check_range(
        guest.memory.data_size(&*store),
        "the answer of `upper`",
        answer_ptr,
        answer_len,
    )?;
    let mut answer = vec![0; answer_len as usize];
    guest
        .memory
        .read(&*store, answer_ptr as usize, &mut answer)
        .context("cannot read the answer")?;
    guest
        .dealloc
        .call(&mut *store, (answer_ptr, answer_len))
        .context("the guest trapped in `dealloc`")?;
    String::from_utf8(answer)
        .map(Some)
        .context("the answer of `upper` is not UTF-8")
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        bail!("{USAGE}");
    };
    let inputs = inputs(&args[2..])?;

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
    for input in &inputs {
        let shown = input.shown();
        match upper(&mut store, &guest, input.bytes())
            .with_context(|| format!("calling upper({shown})"))?
        {
            Some(answer) => println!("From host: upper({shown}) = {answer:?}"),
            None => println!("From host: upper({shown}) refused: the bytes are not UTF-8"),
        }
    }
    let after = guest.live_bytes.call(&mut store, ())?;
    println!(
        "From host: bytes the guest still holds from these calls: {}",
        i64::from(after) - i64::from(before)
    );
    Ok(())
}
