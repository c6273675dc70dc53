//! Printing a module as WAT: by default only its imports and exports (what a
//! host must offer it and what it can call), or the whole module. The
//! `xtask-wat` program (`cargo xtask wat chapter-N`) and the book's generated
//! WAT both use it, so the command prints what the pages show.

/// The WAT of the module in `file`: the whole module, or only its imports and exports.
pub fn print(file: &str, all: bool) -> Result<String, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read it: {e}"))?;
    let text =
        wasmprinter::print_bytes(&bytes).map_err(|e| format!("not a WebAssembly module: {e:#}"))?;
    Ok(if all {
        text
    } else {
        imports_and_exports(&text)
    })
}

/// The `(import …)` and `(export …)` lines of a module's WAT, in a `(module …)`.
pub fn imports_and_exports(wat: &str) -> String {
    let mut out = String::from("(module\n");
    for line in wat.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("(import ") || trimmed.starts_with("(export ") {
            out.push_str("  ");
            out.push_str(trimmed);
            out.push('\n');
        }
    }
    out.push_str("  ;; ... types, functions, memory and data left out (`--all` prints them)\n)\n");
    out
}
