//! WAMR, the WebAssembly Micro Runtime: C, made for small devices, through
//! `wamrx`, which builds only its fast interpreter (WAMR's AOT compiler and
//! JITs need LLVM). WAMR's own WASI is compiled in (`wamrx`'s `libc-wasi`
//! feature) and linked by WAMR itself: a module that imports WASI gets it.

use std::rc::Rc;

use anyhow::Result;
use wamrx::{Engine, FuncType, Linker, Module, Val, ValType};

pub struct Wamr {
    engine: Engine,
    linker: Rc<Linker>,
}

impl Wamr {
    // ANCHOR: new
    pub fn new() -> Result<Self> {
        let engine = Engine::new()?;
        // WAMR prints its warnings on stdout, amid the guest's output. Keep
        // only its errors: a call of its C API that `wamrx` does not wrap.
        // SAFETY: sets a global level; the runtime is initialised (`Engine`).
        unsafe { wamrx_sys::wasm_runtime_set_log_level(wamrx_sys::WASM_LOG_LEVEL_ERROR) };
        let mut linker = Linker::new(&engine);
        // WAMR keeps host functions in one registry for the whole process, and
        // resolves a module's imports when it loads it: define them first.
        let i32_i32_to_i32 = FuncType::new([ValType::I32, ValType::I32], [ValType::I32]);
        linker.define_func("bench", "add", i32_i32_to_i32, |args, results| {
            if let [Val::I32(a), Val::I32(b)] = *args {
                results[0] = Val::I32(a.wrapping_add(b));
            }
        })?;
        let linker = Rc::new(linker);
        Ok(Wamr { engine, linker })
    }
    // ANCHOR_END: new
}

// ANCHOR: load
impl crate::Vm for Wamr {
    fn name(&self) -> &'static str {
        "wamr"
    }

    fn load(&self, wasm: &[u8]) -> Result<Box<dyn crate::Loaded>> {
        // Loading validates the module and resolves its imports. `wamrx`
        // hands a loaded module over to its instance, so each instance below
        // loads the module again from these bytes.
        Module::new(&self.engine, wasm)?;
        let (engine, linker) = (self.engine.clone(), self.linker.clone());
        let wasm = wasm.to_vec();
        Ok(Box::new(Loaded {
            engine,
            linker,
            wasm,
        }))
    }
}
// ANCHOR_END: load

struct Loaded {
    engine: Engine,
    linker: Rc<Linker>,
    wasm: Vec<u8>,
}

// ANCHOR: instantiate
impl crate::Loaded for Loaded {
    fn instantiate(&self) -> Result<Box<dyn crate::Instance>> {
        let module = Module::new(&self.engine, &self.wasm)?;
        let instance = self.linker.instantiate(module)?;
        if let Ok(init) = instance.get_func("_initialize") {
            init.call(&[], &mut [])?;
        }
        Ok(Box::new(Instance { instance }))
    }
}
// ANCHOR_END: instantiate

struct Instance {
    instance: wamrx::Instance,
}

// ANCHOR: call
impl crate::Instance for Instance {
    fn call(&mut self, name: &str, args: &[i32], times: u32) -> Result<i32> {
        // `wamrx` checks types when it calls, not when it looks a function up.
        let f = self.instance.get_func(name)?;
        let ty = f.ty();
        let i32s = |types: &[ValType]| types.iter().all(|t| *t == ValType::I32);
        let fits = ty.params().len() == args.len() && i32s(ty.params());
        if !(fits && ty.results() == [ValType::I32] && matches!(args.len(), 1 | 2)) {
            return Err(anyhow::anyhow!(
                "`{name}` is not a fn({} x i32) -> i32",
                args.len()
            ));
        }
        let params: Vec<Val> = args.iter().map(|a| Val::I32(*a)).collect();
        let mut results = [Val::I32(0)];
        for _ in 0..times {
            f.call(&params, &mut results)?;
        }
        match results {
            [Val::I32(result)] => Ok(result),
            _ => Err(anyhow::anyhow!("`{name}` returned no i32")),
        }
    }
}
// ANCHOR_END: call
