//! Making the modules: valid but random ones with wasm-smith, and real guests
//! with a few bytes changed. Everything comes from one seeded generator, so a
//! seed and a count give the same modules again.

use anyhow::{Context, Result};
use arbitrary::Unstructured;

/// What a generated module is meant to exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A WASI command: it exports `_start` and `memory`, and may call any
    /// WASI function one of chapter 6's guests imports, with random
    /// arguments. Loops, traps and host calls all happen.
    Command,
    /// Anything wasm-smith makes: random imports and exports. Most are
    /// refused before they run (an unknown import, no `_start`).
    Any,
    /// A real guest with a few bytes changed: mostly refused while loading.
    Mutated,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Any => "any",
            Kind::Mutated => "mutated",
        }
    }
}

/// The exports every generated command has.
const COMMAND_EXPORTS: &str = r#"(module (memory (export "memory") 1) (func (export "_start")))"#;

/// How many random bytes wasm-smith gets to make one module from.
const ENTROPY: usize = 4096;

/// A seeded source of modules.
pub struct Generator {
    rng: fastrand::Rng,
    /// Modules whose imports a command may use (chapter 6's guests: every
    /// WASI function they call, files, clocks, sleeps, exits).
    import_menus: Vec<Vec<u8>>,
    /// Real guests to mutate.
    seeds: Vec<Vec<u8>>,
    command_exports: Vec<u8>,
}

impl Generator {
    /// `import_menus`: modules whose imports commands may call; `seeds`:
    /// modules to mutate. Neither may be empty.
    pub fn new(seed: u64, import_menus: Vec<Vec<u8>>, seeds: Vec<Vec<u8>>) -> Result<Generator> {
        anyhow::ensure!(
            !import_menus.is_empty() && !seeds.is_empty(),
            "no guest to start from"
        );
        Ok(Generator {
            rng: fastrand::Rng::with_seed(seed),
            import_menus,
            seeds,
            command_exports: wat::parse_str(COMMAND_EXPORTS).context("the command's exports")?,
        })
    }

    /// The kind of the `n`th module: half commands, a quarter each of the others.
    pub fn kind_of(n: u64) -> Kind {
        match n % 4 {
            0 | 2 => Kind::Command,
            1 => Kind::Any,
            _ => Kind::Mutated,
        }
    }

    /// The next module of `kind`.
    pub fn module(&mut self, kind: Kind) -> Vec<u8> {
        match kind {
            Kind::Command => {
                let menu = self.rng.usize(..self.import_menus.len());
                let mut config = base_config(&mut self.rng);
                config.available_imports = Some(self.import_menus[menu].clone());
                config.exports = Some(self.command_exports.clone());
                self.smith(config)
            }
            Kind::Any => {
                let config = base_config(&mut self.rng);
                self.smith(config)
            }
            Kind::Mutated => {
                let seed = self.rng.usize(..self.seeds.len());
                let mut bytes = self.seeds[seed].clone();
                mutate(&mut self.rng, &mut bytes);
                bytes
            }
        }
    }

    /// A module shaped like `shape` (its imports and exports, random code),
    /// made to terminate: for hosts that trust their guests (chapters 1-5),
    /// which would wait for ever on a loop.
    pub fn shaped(&mut self, shape: &[u8]) -> Option<Vec<u8>> {
        let mut config = base_config(&mut self.rng);
        config.available_imports = Some(shape.to_vec());
        config.exports = Some(shape.to_vec());
        let entropy = self.entropy();
        let mut module = wasm_smith::Module::new(config, &mut Unstructured::new(&entropy)).ok()?;
        module.ensure_termination(100_000).ok()?;
        Some(module.to_bytes())
    }

    fn entropy(&mut self) -> Vec<u8> {
        let len = self.rng.usize(16..ENTROPY);
        std::iter::repeat_with(|| self.rng.u8(..))
            .take(len)
            .collect()
    }

    /// wasm-smith's module for `config`, or random bytes if it cannot make
    /// one from the entropy it got (that is a test of loading, too).
    fn smith(&mut self, config: wasm_smith::Config) -> Vec<u8> {
        let entropy = self.entropy();
        match wasm_smith::Module::new(config, &mut Unstructured::new(&entropy)) {
            Ok(module) => module.to_bytes(),
            Err(_) => entropy,
        }
    }
}

/// The proposals the workspace's Wasmtime can run are left to chance, so
/// that some modules use them; the ones it is built without (GC and with it
/// `externref`, threads, exceptions, wide arithmetic) or does not know
/// (compact imports) are
/// off, or every such module would only test refusal.
fn base_config(rng: &mut fastrand::Rng) -> wasm_smith::Config {
    wasm_smith::Config {
        gc_enabled: false,
        reference_types_enabled: false,
        compact_imports_enabled: false,
        wide_arithmetic_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        exceptions_enabled: false,
        custom_page_sizes_enabled: false,
        simd_enabled: rng.bool(),
        relaxed_simd_enabled: false,
        memory64_enabled: rng.u8(..8) == 0,
        max_memory32_bytes: if rng.bool() { 1 << 26 } else { 1 << 32 },
        max_funcs: 20,
        max_instructions: 200,
        allow_start_export: true,
        ..wasm_smith::Config::default()
    }
}

/// A few random edits: flip, overwrite, delete, duplicate or insert bytes.
fn mutate(rng: &mut fastrand::Rng, bytes: &mut Vec<u8>) {
    for _ in 0..rng.usize(1..=8) {
        if bytes.is_empty() {
            return;
        }
        let at = rng.usize(..bytes.len());
        match rng.u8(..5) {
            0 => bytes[at] ^= 1 << rng.u8(..8),
            1 => bytes[at] = rng.u8(..),
            2 => {
                let end = (at + rng.usize(1..64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.usize(1..64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {
                let insert: Vec<u8> = (0..rng.usize(1..16)).map(|_| rng.u8(..)).collect();
                bytes.splice(at..at, insert);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator(seed: u64) -> Generator {
        let menu = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))))"#,
        )
        .unwrap();
        Generator::new(seed, vec![menu.clone()], vec![menu]).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_modules() {
        let (mut a, mut b) = (generator(7), generator(7));
        for n in 0..20 {
            let kind = Generator::kind_of(n);
            assert_eq!(a.module(kind), b.module(kind), "module {n}");
        }
    }

    #[test]
    fn commands_are_valid_and_export_start_and_memory() {
        let mut generator = generator(1);
        for _ in 0..20 {
            let bytes = generator.module(Kind::Command);
            if wasmparser::validate(&bytes).is_err() {
                continue; // random bytes: wasm-smith ran out of entropy
            }
            let exports: Vec<String> = wasmparser::Parser::new(0)
                .parse_all(&bytes)
                .filter_map(|p| match p {
                    Ok(wasmparser::Payload::ExportSection(s)) => Some(s),
                    _ => None,
                })
                .flat_map(|s| s.into_iter().map(|e| e.unwrap().name.to_string()))
                .collect();
            assert!(exports.contains(&"_start".to_string()), "{exports:?}");
            assert!(exports.contains(&"memory".to_string()), "{exports:?}");
        }
    }
}
