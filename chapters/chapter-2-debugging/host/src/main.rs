//! Chapter 2, the host: chapter 1's host, set up so that a native debugger
//! (gdb, LLDB, VS Code with CodeLLDB) sees the guest's Rust source, and so
//! that a guest that traps is reported with the guest's file and line.
//!
//! Run it with `cargo xtask run chapter-2`. By hand:
//! `chapter-2-host [module.wasm] [--panic]`; `--panic` asks the guest to divide
//! by zero, to show what a trap looks like.
//!
//! To debug host and guest in one session, build both, then start the host
//! under a debugger with a breakpoint on a line of the guest's source; line 12
//! is the first line of `sum`. In VS Code, the launch configuration in
//! `.vscode/launch.json` builds both and starts the same session:
//!
//! ```text
// ANCHOR: debugger_commands
//! cargo xtask build chapter-2 && cargo build -p chapter-2-host
//! gdb -ex 'set breakpoint pending on' -ex 'break guest/src/lib.rs:12' -ex run --args \
//!     target/debug/chapter-2-host target/wasm/wasm32-wasip1/debug/chapter_2_guest.wasm
//! lldb-19 -o 'breakpoint set --file guest/src/lib.rs --line 12' -o run -- \
//!     target/debug/chapter-2-host target/wasm/wasm32-wasip1/debug/chapter_2_guest.wasm
// ANCHOR_END: debugger_commands
//! ```

// ANCHOR: imports
use std::path::{Path, PathBuf};

use wasmtime::error::Context;
use wasmtime::{
    Config, Engine, Linker, Module, OptLevel, Result, Store, WasmBacktraceDetails, bail,
};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
// ANCHOR_END: imports

/// Where `cargo xtask build chapter-2` writes the guest, found from where
/// this program runs, as in chapter 1. Guests are built in debug, so the
/// `.wasm` holds the DWARF debug info that this chapter uses.
fn default_guest() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip1/debug/chapter_2_guest.wasm")
}

const USAGE: &str = "usage: chapter-2-host [module.wasm] [--panic]";

fn main() -> Result<()> {
    // ANCHOR: args
    // The arguments: the module to run (the chapter's guest if none is given),
    // and `--panic`, which makes the host divide by zero in the guest.
    let mut path = None;
    let mut panic = false;
    for arg in std::env::args_os().skip(1) {
        if arg == "--panic" {
            panic = true;
        } else if path.is_none() {
            path = Some(PathBuf::from(arg));
        } else {
            bail!("unexpected argument `{}` ({USAGE})", arg.to_string_lossy());
        }
    }
    let path = path.unwrap_or_else(default_guest);
    run(&path, panic).with_context(|| format!("running the guest module `{}`", path.display()))
}
// ANCHOR_END: args

fn run(path: &Path, panic: bool) -> Result<()> {
    // ANCHOR: engine
    // Three settings make the guest debuggable like native code:
    let mut config = Config::new();
    // 1. Translate the guest's DWARF (the debug info rustc put in the .wasm)
    //    to describe the machine code that Wasmtime generates, and register
    //    it with the debugger through the GDB JIT interface (compiled in by
    //    Wasmtime's `debug-builtins` feature, on in the workspace's
    //    Cargo.toml). Breakpoints in the guest's source then work in gdb and
    //    LLDB, whose backtraces show the guest's functions and arguments.
    config.debug_info(true);
    // 2. No optimisation in Cranelift, Wasmtime's compiler. In optimised
    //    code, values live where the translated debug info cannot follow
    //    them: step into `add` and the debugger shows `a=<optimized out>`.
    config.cranelift_opt_level(OptLevel::None);
    // 3. When the guest traps, read the same debug info to name the guest's
    //    source file and line in each frame of the backtrace.
    config.wasm_backtrace_details(WasmBacktraceDetails::Enable);
    let engine = Engine::new(&config)?;
    // ANCHOR_END: engine

    // ANCHOR: setup
    // From here on, the host is chapter 1's: load, link WASI, instantiate.
    let module = Module::from_file(&engine, path).context("cannot load it")?;

    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;

    let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
    let mut store = Store::new(&engine, wasi);

    let instance = linker.instantiate(&mut store, &module)?;
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize
            .call(&mut store, ())
            .context("it trapped in `_initialize`")?;
    }
    // ANCHOR_END: setup

    // ANCHOR: sum
    // A breakpoint in the guest's `sum` stops the host in the middle of this
    // call. LLDB's backtrace then shows `sum` on top of Wasmtime's frames and
    // this `main`; gdb's shows `sum` and stops at the trampoline through
    // which Wasmtime enters the guest.
    let sum = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "sum")
        .context("it must export `sum` as fn(i32, i32) -> i32")?;
    let answer = sum
        .call(&mut store, (5, 4))
        .context("it trapped in `sum`")?;
    println!("From host: Answer returned to the host VM: {answer:?}");
    // ANCHOR_END: sum

    // ANCHOR: divide
    // `divide` panics when the divisor is 0. A panic in the guest prints its
    // message to the guest's stderr and then traps; the trap comes back here
    // as an error whose backtrace names the guest's functions, files and lines.
    let divide = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "divide")
        .context("it must export `divide` as fn(i32, i32) -> i32")?;
    let divisor = if panic { 0 } else { 3 };
    let quotient = divide
        .call(&mut store, (answer, divisor))
        .context("it trapped in `divide`")?;
    println!("From host: Quotient returned to the host VM: {quotient:?}");
    // ANCHOR_END: divide

    Ok(())
}
