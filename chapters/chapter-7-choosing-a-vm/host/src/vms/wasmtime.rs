//! Wasmtime, three ways: Cranelift (its optimising compiler), Winch (its
//! baseline compiler: one quick pass, slower code) and Pulley (its portable
//! interpreter: Cranelift compiles to Pulley's bytecode instead of machine
//! code). One API for all three; only the `Config` differs.

use anyhow::Result;
use wasmtime::{Config, Engine, InstancePre, Linker, Module, Store, Strategy};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

pub struct Wasmtime {
    name: &'static str,
    engine: Engine,
    linker: Linker<WasiP1Ctx>,
}

/// Wasmtime's three ways to run a guest.
#[derive(Debug, Clone, Copy)]
pub enum Compiler {
    Cranelift,
    Winch,
    Pulley,
}

impl Wasmtime {
    // ANCHOR: new
    pub fn new(compiler: Compiler, debug: crate::Debug) -> Result<Self> {
        let mut config = Config::new();
        let name = match compiler {
            Compiler::Cranelift => {
                config.strategy(Strategy::Cranelift);
                "wasmtime-cranelift"
            }
            Compiler::Winch => {
                config.strategy(Strategy::Winch);
                "wasmtime-winch"
            }
            Compiler::Pulley => {
                // Cranelift, compiling for the Pulley interpreter instead
                // of this machine.
                config.target("pulley64").map_err(error)?;
                "wasmtime-pulley"
            }
        };
        // Keep the guest's DWARF for a native debugger (chapter 2).
        config.debug_info(debug == crate::Debug::On);
        let engine = Engine::new(&config).map_err(error)?;
        let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
        p1::add_to_linker_sync(&mut linker, |wasi| wasi).map_err(error)?;
        linker
            .func_wrap("bench", "add", |a: i32, b: i32| a.wrapping_add(b))
            .map_err(error)?;
        Ok(Wasmtime {
            name,
            engine,
            linker,
        })
    }
    // ANCHOR_END: new
}

// ANCHOR: load
impl crate::Vm for Wasmtime {
    fn name(&self) -> &'static str {
        self.name
    }

    fn load(&self, wasm: &[u8]) -> Result<Box<dyn crate::Loaded>> {
        let module = Module::new(&self.engine, wasm).map_err(error)?;
        // Resolve the imports once; every instance made from `pre` reuses that.
        let pre = self.linker.instantiate_pre(&module).map_err(error)?;
        Ok(Box::new(Loaded { pre }))
    }
}
// ANCHOR_END: load

struct Loaded {
    pre: InstancePre<WasiP1Ctx>,
}

// ANCHOR: instantiate
impl crate::Loaded for Loaded {
    fn instantiate(&self) -> Result<Box<dyn crate::Instance>> {
        let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
        let mut store = Store::new(self.pre.module().engine(), wasi);
        let instance = self.pre.instantiate(&mut store).map_err(error)?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
            init.call(&mut store, ()).map_err(error)?;
        }
        Ok(Box::new(Instance { store, instance }))
    }
}
// ANCHOR_END: instantiate

struct Instance {
    store: Store<WasiP1Ctx>,
    instance: wasmtime::Instance,
}

// ANCHOR: call
impl crate::Instance for Instance {
    fn call(&mut self, name: &str, args: &[i32], times: u32) -> Result<i32> {
        let (store, mut result) = (&mut self.store, 0);
        match *args {
            [a, b] => {
                let f = self
                    .instance
                    .get_typed_func::<(i32, i32), i32>(&mut *store, name);
                let f = f.map_err(error)?;
                for _ in 0..times {
                    result = f.call(&mut *store, (a, b)).map_err(error)?;
                }
            }
            [a] => {
                let f = self.instance.get_typed_func::<i32, i32>(&mut *store, name);
                let f = f.map_err(error)?;
                for _ in 0..times {
                    result = f.call(&mut *store, a).map_err(error)?;
                }
            }
            _ => return Err(crate::wrong_arity(name, args)),
        }
        Ok(result)
    }
}
// ANCHOR_END: call

// ANCHOR: error
/// Wasmtime 48 has an error type of its own, which the `anyhow` errors of the
/// other VMs cannot hold as it is: keep its message and its causes (`{:#}`).
fn error(err: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("{err:#}")
}
// ANCHOR_END: error
