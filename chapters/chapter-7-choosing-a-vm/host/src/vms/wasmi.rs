//! wasmi: an interpreter written in Rust. Its API copies Wasmtime's on
//! purpose (`Engine`, `Module`, `Linker`, `Store`, typed functions), and
//! `wasmi_wasi` gives it WASI preview 1.

use anyhow::Result;
use wasmi::{Engine, Linker, Module, Store};
use wasmi_wasi::{WasiCtx, WasiCtxBuilder};

pub struct Wasmi {
    engine: Engine,
    linker: Linker<WasiCtx>,
}

impl Wasmi {
    // ANCHOR: new
    pub fn new() -> Result<Self> {
        let engine = Engine::default();
        let mut linker: Linker<WasiCtx> = Linker::new(&engine);
        wasmi_wasi::add_to_linker(&mut linker, |wasi| wasi)?;
        linker.func_wrap("bench", "add", |a: i32, b: i32| a.wrapping_add(b))?;
        Ok(Wasmi { engine, linker })
    }
    // ANCHOR_END: new
}

// ANCHOR: load
impl crate::Vm for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }

    fn load(&self, wasm: &[u8]) -> Result<Box<dyn crate::Loaded>> {
        // Validates the module; wasmi translates each function to its own
        // bytecode when the function is first called.
        let module = Module::new(&self.engine, wasm)?;
        let linker = self.linker.clone();
        Ok(Box::new(Loaded { module, linker }))
    }
}
// ANCHOR_END: load

struct Loaded {
    module: Module,
    linker: Linker<WasiCtx>,
}

// ANCHOR: instantiate
impl crate::Loaded for Loaded {
    fn instantiate(&self) -> Result<Box<dyn crate::Instance>> {
        let wasi = WasiCtxBuilder::new().inherit_stdio().build();
        let mut store = Store::new(self.module.engine(), wasi);
        let instance = self
            .linker
            .instantiate_and_start(&mut store, &self.module)?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&store, "_initialize") {
            init.call(&mut store, ())?;
        }
        Ok(Box::new(Instance { store, instance }))
    }
}
// ANCHOR_END: instantiate

struct Instance {
    store: Store<WasiCtx>,
    instance: wasmi::Instance,
}

// ANCHOR: call
impl crate::Instance for Instance {
    fn call(&mut self, name: &str, args: &[i32], times: u32) -> Result<i32> {
        let (store, mut result) = (&mut self.store, 0);
        match *args {
            [a, b] => {
                let f = self
                    .instance
                    .get_typed_func::<(i32, i32), i32>(&*store, name)?;
                for _ in 0..times {
                    result = f.call(&mut *store, (a, b))?;
                }
            }
            [a] => {
                let f = self.instance.get_typed_func::<i32, i32>(&*store, name)?;
                for _ in 0..times {
                    result = f.call(&mut *store, a)?;
                }
            }
            _ => return Err(crate::wrong_arity(name, args)),
        }
        Ok(result)
    }
}
// ANCHOR_END: call
