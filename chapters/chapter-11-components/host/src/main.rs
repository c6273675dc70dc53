//! Chapter 11, the host: chapters 4, 5 and 9 again, with components.
//!
//! ```text
//! chapter-11-host [SCRIPT.wasm] [PROXY.wasm]
//! chapter-11-host serve [--port P] [PROXY.wasm]
//! chapter-11-host measure [--quick] [SCRIPT.wasm]
//! ```
//!
//! Without a subcommand it runs the component of the world `script` (chapter
//! 4's game, chapter 5's strings: `game.rs`), then takes the `wasi:http` tour:
//! it serves the proxy component on 127.0.0.1, sends it a few requests over
//! the loopback and stops (`http.rs`). `serve` serves the proxy until Ctrl-C
//! or SIGTERM; `measure` prints what a call costs (`measure.rs`).
//!
//! Run it with `cargo xtask run chapter-11`, or by hand:
//! `cargo run -p chapter-11-host -- [script.wasm] [proxy.wasm]`.

mod game;
mod http;
mod measure;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wasmtime::component::Component;
use wasmtime::error::Context;
use wasmtime::{Cache, CacheConfig, Config, Engine, Result, bail};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => http::serve_command(&args[1..]),
        Some("measure") => measure::command(&args[1..]),
        _ => run(args.first(), args.get(1)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::from(1)
        }
    }
}

// ANCHOR: run
/// The component of the world `script`, then the `wasi:http` tour.
fn run(script: Option<&String>, proxy: Option<&String>) -> Result<()> {
    let engine = engine()?;
    let script = guest_path(script, "chapter_11_guest.wasm");
    game::run(&engine, &script)
        .with_context(|| format!("running the component `{}`", script.display()))?;
    let proxy = guest_path(proxy, "chapter_11_guest_http.wasm");
    http::tour(&engine, &proxy)
        .with_context(|| format!("serving the component `{}`", proxy.display()))
}
// ANCHOR_END: run

/// One engine for every component; compiled code is cached on disk, as in
/// chapter 1. (Components need Wasmtime's `component-model` feature, on in
/// this host's build; a `Config` turns it on by default.)
pub fn engine() -> Result<Engine> {
    let mut config = Config::new();
    config.cache(Some(Cache::new(CacheConfig::new())?));
    Engine::new(&config)
}

// ANCHOR: load_component
/// Read a component, refusing what is not one with a message that says what
/// it is instead. A component and a core module both start with `\0asm`; the
/// next four bytes tell them apart (version 1 for a module, `0d 00 01 00`
/// for a component).
pub fn load_component(engine: &Engine, path: &Path) -> Result<Component> {
    let bytes = std::fs::read(path).context("cannot read it")?;
    match bytes.get(..8) {
        Some([0, b'a', b's', b'm', 1, 0, 0, 0]) => bail!(
            "it is a core WebAssembly module, not a component: this host runs \
             components (build the guest for wasm32-wasip2, or wrap the module \
             with `wasm-tools component new`)"
        ),
        Some([0, b'a', b's', b'm', 0x0d, 0, 1, 0]) => {}
        _ => {
            bail!("it is not a WebAssembly component: it does not start with `\\0asm` and layer 1")
        }
    }
    Component::new(engine, &bytes).context("cannot compile it")
}
// ANCHOR_END: load_component

/// The path given, or the guest `cargo xtask build chapter-11` built, found
/// from where this program is (`target/debug/` → `target/wasm/wasm32-wasip2/`).
pub fn guest_path(given: Option<&String>, file: &str) -> PathBuf {
    if let Some(given) = given {
        return PathBuf::from(given);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target.join("wasm/wasm32-wasip2/debug").join(file)
}
