//! Chapter 3, the host: a smaller guest is only a better guest if it still does
//! its job. This host runs `sum(5, 4)` in each module it is given, captures what
//! the guest prints, and checks both the line and the answer.
//!
//! `cargo xtask check chapter-3` runs it on chapter 1's and chapter 3's guests;
//! `cargo xtask size` runs it on every step of its size ladder. Run it yourself
//! on any module: `cargo run -p chapter-3-host -- a.wasm b.wasm`.

// ANCHOR: imports
use std::path::{Path, PathBuf};

use wasmtime::error::Context;
use wasmtime::{Cache, CacheConfig, Config, Engine, Linker, Module, Result, Store, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
// ANCHOR_END: imports

// ANCHOR: expected
/// What every module must do: `sum(5, 4)` prints this line and returns 9.
const ARGS: (i32, i32) = (5, 4);
const EXPECTED_LINE: &str = "From WASM: Sum is: 9\n";
const EXPECTED_ANSWER: i32 = 9;

/// The most output we keep from one guest; more than this is an error.
const MAX_OUTPUT: usize = 64 * 1024;
// ANCHOR_END: expected

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

fn main() -> Result<()> {
    // ANCHOR: args
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        // Without arguments: the two guests the xtask built, chapter 1's and ours.
        paths = vec![
            built_guest("chapter_1_guest.wasm"),
            built_guest("chapter_3_guest.wasm"),
        ];
    }
    // ANCHOR_END: args

    // ANCHOR: each
    // One engine compiles every module. Each module then runs in a store of its
    // own, so nothing one guest does can be seen by the next.
    // Compiled code is cached on disk, as in chapter 1.
    let mut config = Config::new();
    config.cache(Some(Cache::new(CacheConfig::new())?));
    let engine = Engine::new(&config)?;
    let mut misbehaved = Vec::new();
    for path in &paths {
        let name = file_name(path);
        match run_sum(&engine, path) {
            Ok(Ran { printed, answer }) => {
                // `{:?}` shows the text in quotes with `\n` spelled out, so a
                // missing or extra newline is visible.
                println!("{name}: printed {printed:?}, returned {answer}");
                if printed != EXPECTED_LINE || answer != EXPECTED_ANSWER {
                    misbehaved.push(format!(
                        "{name}: expected it to print {EXPECTED_LINE:?} and return {EXPECTED_ANSWER}"
                    ));
                }
            }
            Err(err) => {
                println!("{name}: failed");
                misbehaved.push(format!("{name}: {err:#}"));
            }
        }
    }
    // ANCHOR_END: each

    // ANCHOR: verdict
    if !misbehaved.is_empty() {
        bail!(
            "{} of {} module(s) misbehaved:\n{}",
            misbehaved.len(),
            paths.len(),
            misbehaved.join("\n")
        );
    }
    println!(
        "all {} module(s) printed {EXPECTED_LINE:?} and returned {EXPECTED_ANSWER}",
        paths.len()
    );
    Ok(())
    // ANCHOR_END: verdict
}

/// What a module's `sum` did.
struct Ran {
    printed: String,
    answer: i32,
}

// ANCHOR: run_sum
/// Run `sum(5, 4)` in the module at `path`, with the guest's stdout captured.
fn run_sum(engine: &Engine, path: &Path) -> Result<Ran> {
    let module = Module::from_file(engine, path)
        .with_context(|| format!("cannot load the module `{}`", path.display()))?;

    // The guest's stdout goes into a pipe in memory instead of our own stdout,
    // so that we can look at what it printed. Its stderr is kept too, for the
    // error message should it panic.
    let stdout = MemoryOutputPipe::new(MAX_OUTPUT);
    let stderr = MemoryOutputPipe::new(MAX_OUTPUT);
    let wasi = WasiCtxBuilder::new()
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .build_p1();
    let mut store = Store::new(engine, wasi);
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;

    let instance = linker
        .instantiate(&mut store, &module)
        .context("cannot instantiate it")?;
    // Chapter 1's guest exports `_initialize`; the no-std guest has nothing to set up.
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize
            .call(&mut store, ())
            .context("its `_initialize` trapped")?;
    }
    let sum = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "sum")
        .context("it must export `sum` as fn(i32, i32) -> i32")?;
    let answer = sum.call(&mut store, ARGS).with_context(|| {
        let stderr = String::from_utf8_lossy(&stderr.contents()).into_owned();
        format!("`sum` trapped; the guest's stderr: {:?}", stderr)
    })?;

    let printed = String::from_utf8(stdout.contents().to_vec())
        .context("the guest printed something that is not UTF-8")?;
    Ok(Ran { printed, answer })
}
// ANCHOR_END: run_sum

/// The file name alone: the same on every machine, whatever the folder.
fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}
