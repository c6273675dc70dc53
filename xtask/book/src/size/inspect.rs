//! Looking inside a module: which functions take its bytes.

use std::collections::BTreeMap;

use anyhow::Result;

/// One function of a module, by body size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Demangled, without Rust's hashes; `function #N` when the module has no name for it.
    pub name: String,
    /// The size of its body in the code section.
    pub bytes: u64,
}

/// What the functions of a module take.
#[derive(Debug, Clone)]
pub struct Functions {
    /// The module's size in bytes.
    pub module_bytes: u64,
    /// The code section's size.
    pub code_bytes: u64,
    /// How many functions the module defines (imports not counted).
    pub count: usize,
    /// The largest, largest first.
    pub largest: Vec<Function>,
}

/// The largest functions of a module by the size of their bodies, named from
/// its `name` section (demangled) when it has one.
pub fn largest_functions(wasm: &[u8], count: usize) -> Result<Functions> {
    use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

    let mut imported = 0u32;
    let mut bodies: Vec<u64> = Vec::new();
    let mut code_bytes = 0;
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionStart { size, .. } => code_bytes = u64::from(size),
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                bodies.push(range.end - range.start);
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader {
                        // A malformed name section only costs us the names.
                        let Ok(Name::Function(map)) = name else {
                            continue;
                        };
                        for naming in map.into_iter().flatten() {
                            names.insert(naming.index, demangle(naming.name));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut functions: Vec<Function> = bodies
        .iter()
        .enumerate()
        .map(|(i, &bytes)| {
            let index = imported + i as u32;
            let name = names
                .get(&index)
                .cloned()
                .unwrap_or_else(|| format!("function #{index}"));
            Function { name, bytes }
        })
        .collect();
    let count_all = functions.len();
    functions.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    functions.truncate(count);
    Ok(Functions {
        module_bytes: wasm.len() as u64,
        code_bytes,
        count: count_all,
        largest: functions,
    })
}

/// A Rust symbol demangled, without its hash and crate disambiguators; any
/// other name (C's `dlmalloc`, say) as it is.
pub fn demangle(name: &str) -> String {
    match rustc_demangle::try_demangle(name) {
        Ok(demangled) => format!("{demangled:#}"),
        Err(_) => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::demangle;

    #[test]
    fn rust_names_are_demangled_without_hashes() {
        assert_eq!(
            demangle("_ZN4core3fmt5write17h0123456789abcdefE"),
            "core::fmt::write"
        );
        assert_eq!(demangle("dlmalloc"), "dlmalloc");
    }
}
