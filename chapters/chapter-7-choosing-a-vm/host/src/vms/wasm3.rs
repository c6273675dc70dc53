//! WASM3: an interpreter written in C, through `wasm3x`, a safe Rust API
//! shaped like wasmi's. WASM3's C sources ship a WASI, but `wasm3x` 0.2 has
//! no call to link it, so this host writes the four WASI functions chapter 1's
//! guest imports itself: which is all WASI is, functions a host provides.

use std::io::Write;
use std::rc::Rc;

use anyhow::Result;
use wasm3x::{Caller, CompilationMode, Config, Engine, Error, Linker, Module, Store};

pub struct Wasm3 {
    engine: Engine,
    linker: Rc<Linker<()>>,
}

impl Wasm3 {
    // ANCHOR: new
    pub fn new() -> Result<Self> {
        let mut config = Config::new();
        // Compile every function when instantiating (the default waits for
        // each function's first call), so that a bad module fails up front.
        config.compilation_mode(CompilationMode::Eager);
        let engine = Engine::new(&config);
        let mut linker: Linker<()> = Linker::new(&engine);
        let wasi = "wasi_snapshot_preview1";
        linker.func_wrap(wasi, "fd_write", fd_write)?;
        linker.func_wrap(wasi, "environ_sizes_get", environ_sizes_get)?;
        linker.func_wrap(wasi, "environ_get", |_: i32, _: i32| 0)?;
        linker.func_wrap(wasi, "proc_exit", |code: i32| -> wasm3x::Result<()> {
            Err(Error::host(format!("the guest exited with code {code}")))
        })?;
        linker.func_wrap("bench", "add", |a: i32, b: i32| a.wrapping_add(b))?;
        let linker = Rc::new(linker);
        Ok(Wasm3 { engine, linker })
    }
    // ANCHOR_END: new
}

// ANCHOR: wasi
/// WASI's `fd_write`: write the guest's buffers (`iovs_len` pairs of address
/// and length at `iovs`) to stdout (1) or stderr (2); return an error number.
fn fd_write(
    mut caller: Caller<'_, ()>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    nwritten: i32,
) -> wasm3x::Result<i32> {
    const BADF: i32 = 8;
    const FAULT: i32 = 21;
    let Some(memory) = caller.get_memory() else {
        return Ok(FAULT);
    };
    let mut out: Box<dyn Write> = match fd {
        1 => Box::new(std::io::stdout()),
        2 => Box::new(std::io::stderr()),
        _ => return Ok(BADF),
    };
    let mut written: u32 = 0;
    for i in 0..iovs_len.clamp(0, 1024) as u32 {
        let mut iov = [0; 8];
        let at = (iovs as u32).wrapping_add(8 * i);
        memory.read(&caller, at as usize, &mut iov)?;
        let [p0, p1, p2, p3, l0, l1, l2, l3] = iov;
        let (at, len) = (
            u32::from_le_bytes([p0, p1, p2, p3]),
            u32::from_le_bytes([l0, l1, l2, l3]),
        );
        if at as usize + len as usize > memory.data_size(&caller) {
            return Ok(FAULT);
        }
        let mut bytes = vec![0; len as usize];
        memory.read(&caller, at as usize, &mut bytes)?;
        out.write_all(&bytes).map_err(Error::host)?;
        written = written.saturating_add(len);
    }
    memory.write(
        &mut caller,
        nwritten as u32 as usize,
        &written.to_le_bytes(),
    )?;
    Ok(0)
}

/// WASI's `environ_sizes_get`: no environment variables, so 0 and 0 bytes.
fn environ_sizes_get(mut caller: Caller<'_, ()>, count: i32, size: i32) -> wasm3x::Result<i32> {
    let Some(memory) = caller.get_memory() else {
        return Ok(21);
    };
    memory.write(&mut caller, count as u32 as usize, &0u32.to_le_bytes())?;
    memory.write(&mut caller, size as u32 as usize, &0u32.to_le_bytes())?;
    Ok(0)
}
// ANCHOR_END: wasi

// ANCHOR: load
impl crate::Vm for Wasm3 {
    fn name(&self) -> &'static str {
        "wasm3"
    }

    fn load(&self, wasm: &[u8]) -> Result<Box<dyn crate::Loaded>> {
        // Parses the module; WASM3 parses it again for each instance.
        let module = Module::new(&self.engine, wasm)?;
        let linker = self.linker.clone();
        Ok(Box::new(Loaded { module, linker }))
    }
}
// ANCHOR_END: load

struct Loaded {
    module: Module,
    linker: Rc<Linker<()>>,
}

// ANCHOR: instantiate
impl crate::Loaded for Loaded {
    fn instantiate(&self) -> Result<Box<dyn crate::Instance>> {
        let mut store = Store::new(self.module.engine(), ());
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
    store: Store<()>,
    instance: wasm3x::Instance,
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
                    result = f.call(store, (a, b))?;
                }
            }
            [a] => {
                let f = self.instance.get_typed_func::<i32, i32>(&*store, name)?;
                for _ in 0..times {
                    result = f.call(store, a)?;
                }
            }
            _ => return Err(crate::wrong_arity(name, args)),
        }
        Ok(result)
    }
}
// ANCHOR_END: call
