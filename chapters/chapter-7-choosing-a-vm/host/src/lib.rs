//! Chapter 7's library: six VMs behind one small interface, so that the
//! chapter's program (`main.rs`) and the benchmark (`bin/chapter-7-bench.rs`)
//! run, and measure, the very code the page shows side by side.
//!
//! Each VM is a module of its own in `vms/`, and each does the same four
//! things in its own API: make an engine and give guests WASI and the host
//! function `bench.add`; load (compile) a module; instantiate it; call an
//! export through a typed function.

use anyhow::{Result, bail};

pub mod vms;

// ANCHOR: traits
/// A WebAssembly VM, set up: its engine, WASI and the host function `bench.add`.
pub trait Vm {
    /// The name this chapter gives it: `wasmtime-cranelift`, `wasmi`, ...
    fn name(&self) -> &'static str;
    /// Compile (or parse and validate) a module.
    fn load(&self, wasm: &[u8]) -> Result<Box<dyn Loaded>>;
}

/// A loaded module, ready to be instantiated any number of times.
pub trait Loaded {
    /// A fresh instance with its own memory, `_initialize` already run.
    fn instantiate(&self) -> Result<Box<dyn Instance>>;
}

/// A running instance.
pub trait Instance {
    /// Look up the export `name`, check that its signature takes as many
    /// `i32`s as `args` holds and returns one, then call it `times` times.
    /// Returns the last call's result.
    fn call(&mut self, name: &str, args: &[i32], times: u32) -> Result<i32>;
}
// ANCHOR_END: traits

/// The names of the six VMs, in the order the chapter shows them.
pub const NAMES: [&str; 6] = [
    "wasmtime-cranelift",
    "wasmtime-winch",
    "wasmtime-pulley",
    "wasmi",
    "wasm3",
    "wamr",
];

/// Whether a VM keeps the guest's debug info for a native debugger. Only
/// Wasmtime has the setting (`Config::debug_info`); the others ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debug {
    Off,
    On,
}

/// The VM called `name`, set up; an error names the VMs this program has.
pub fn vm(name: &str, debug: Debug) -> Result<Box<dyn Vm>> {
    #[cfg(feature = "wasmtime")]
    use vms::wasmtime::{Compiler, Wasmtime};
    let _ = debug;
    let vm: Option<Result<Box<dyn Vm>>> = match name {
        #[cfg(feature = "wasmtime")]
        "wasmtime-cranelift" => Some(Wasmtime::new(Compiler::Cranelift, debug).map(boxed)),
        #[cfg(feature = "wasmtime")]
        "wasmtime-winch" => Some(Wasmtime::new(Compiler::Winch, debug).map(boxed)),
        #[cfg(feature = "wasmtime")]
        "wasmtime-pulley" => Some(Wasmtime::new(Compiler::Pulley, debug).map(boxed)),
        #[cfg(feature = "wasmi")]
        "wasmi" => Some(vms::wasmi::Wasmi::new().map(boxed)),
        #[cfg(feature = "wasm3")]
        "wasm3" => Some(vms::wasm3::Wasm3::new().map(boxed)),
        #[cfg(feature = "wamr")]
        "wamr" => Some(vms::wamr::Wamr::new().map(boxed)),
        _ => None,
    };
    match vm {
        Some(vm) => vm,
        None => bail!(
            "this program has no VM called `{name}`; it has: {}",
            compiled_in().join(", ")
        ),
    }
}

/// The names of the VMs compiled into this program (its cargo features).
pub fn compiled_in() -> Vec<&'static str> {
    let features = [
        cfg!(feature = "wasmtime"),
        cfg!(feature = "wasmtime"),
        cfg!(feature = "wasmtime"),
        cfg!(feature = "wasmi"),
        cfg!(feature = "wasm3"),
        cfg!(feature = "wamr"),
    ];
    NAMES
        .iter()
        .zip(features)
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect()
}

#[allow(dead_code)]
fn boxed(vm: impl Vm + 'static) -> Box<dyn Vm> {
    Box::new(vm)
}

/// The error for a call with an unsupported number of arguments: the
/// chapter's exports all take one or two `i32`s.
pub fn wrong_arity(name: &str, args: &[i32]) -> anyhow::Error {
    anyhow::anyhow!(
        "`{name}`: this program calls exports with 1 or 2 arguments, not {}",
        args.len()
    )
}
