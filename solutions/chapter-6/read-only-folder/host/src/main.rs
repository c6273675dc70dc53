//! Run a WASI command, lending it one folder of ours, read-only.
//!
//! `host [--dir HOST_DIR] MODULE.wasm [ARGS...]`: the guest sees `HOST_DIR`
//! as its current folder `.`, may read what is in it, and nothing else: it
//! cannot leave it, nor write in it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, Result, Store};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

fn main() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1).peekable();
    let mut dir: Option<PathBuf> = None;
    if args.peek().is_some_and(|a| a == "--dir") {
        args.next();
        dir = Some(args.next().context("`--dir` needs a folder")?.into());
    }
    let path = args
        .next()
        .context("usage: host [--dir HOST_DIR] MODULE.wasm [ARGS...]")?;
    let guest_args: Vec<String> = args.collect();
    let name = Path::new(&path)
        .file_name()
        .map_or(path.clone(), |n| n.to_string_lossy().into_owned());

    let engine = Engine::new(&Config::new())?;
    let module =
        Module::from_file(&engine, &path).with_context(|| format!("cannot load `{path}`"))?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut wasi = WasiCtxBuilder::new();
    wasi.inherit_stdout()
        .inherit_stderr()
        .arg(&name)
        .args(&guest_args);
    if let Some(dir) = &dir {
        wasi.preopened_dir(dir, ".", FsPerms::ReadOnly)
            .with_context(|| format!("cannot lend the folder `{}`", dir.display()))?;
    }
    let mut store = Store::new(&engine, wasi.build_p1());

    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .with_context(|| format!("`{path}` is not a WASI command"))?;
    match start.call(&mut store, ()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err) => match err.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(ExitCode::from(exit.0 as u8)),
            None => Err(err.context(format!("`{name}` trapped"))),
        },
    }
}
