//! Chapter 11: components and WIT. The host's output (chapter 4's game and
//! chapter 5's strings through the world `script`, the same lines as those
//! chapters print, then the `wasi:http` tour) is the snapshot; the guests are
//! components with the imports and exports their worlds say; anything else is
//! refused; and `chapter-11-host serve` answers real HTTP requests on
//! 127.0.0.1.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use workbook_tests::server::{Server, request};
use workbook_tests::{
    assert_fails_clearly, assert_output_snapshot, guest_wasm, host, missing_wasm, root, run_host,
    write_temp,
};

const CHAPTER: &str = "chapter-11";
const HOST: &str = "chapter-11-host";
const GUEST: &str = "chapter-11-guest";
const GUEST_HTTP: &str = "chapter-11-guest-http";

/// The body of a committed snapshot: the lines after its `---` header.
fn snapshot_body(chapter_folder: &str, host: &str) -> String {
    let path = root().join(format!("chapters/{chapter_folder}/snapshots/{host}.snap"));
    let text = std::fs::read_to_string(&path).expect("the snapshot is readable");
    text.splitn(3, "---\n")
        .nth(2)
        .expect("a snapshot body")
        .to_string()
}

#[test]
fn the_host_runs_the_component_then_serves_the_proxy() {
    let ready = host(CHAPTER, HOST);
    guest_wasm(CHAPTER, GUEST);
    guest_wasm(CHAPTER, GUEST_HTTP);
    let out = run_host(&ready);
    assert_output_snapshot(&ready, &out);
    let stdout = out.stdout_text();

    // Chapter 4's script, through WIT: the same lines, in the same order.
    let chapter_4 = snapshot_body("chapter-4-host-functions", "chapter-4-host");
    assert!(
        stdout.contains(&chapter_4),
        "chapter 4's lines:\n{chapter_4}"
    );
    // Chapter 5's round trips: the same lines as its part 1's.
    let chapter_5 = snapshot_body("chapter-5-sharing-memory", "chapter-5-host");
    let round_trips: String = chapter_5
        .lines()
        .skip(1)
        .take(6)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        round_trips.contains("reverse([1, 2, 3, 4, 5])"),
        "{round_trips}"
    );
    assert!(
        stdout.contains(&round_trips),
        "chapter 5's lines:\n{round_trips}"
    );
}

/// The top-level imports and exports of a component, by name.
fn component_imports_and_exports(path: &Path) -> (Vec<String>, Vec<String>) {
    let bytes = std::fs::read(path).expect("the component is readable");
    assert_eq!(
        &bytes[..8],
        b"\0asm\x0d\0\x01\0",
        "a component, not a core module"
    );
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    // Nested modules and components have sections of their own: only those
    // of the outermost component (depth 0) count.
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.expect("the component parses") {
            wasmparser::Payload::ModuleSection { .. }
            | wasmparser::Payload::ComponentSection { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ComponentImportSection(section) if depth == 0 => {
                for import in section {
                    imports.push(import.expect("an import").name.name.to_string());
                }
            }
            wasmparser::Payload::ComponentExportSection(section) if depth == 0 => {
                for export in section {
                    exports.push(export.expect("an export").name.name.to_string());
                }
            }
            _ => {}
        }
    }
    (imports, exports)
}

#[test]
fn the_script_component_imports_the_game_and_exports_its_world() {
    let (imports, exports) = component_imports_and_exports(&guest_wasm(CHAPTER, GUEST));
    assert!(
        imports.contains(&"workbook:components/game".to_string()),
        "{imports:?}"
    );
    // Only the world's exports: no allocator, no memory, no pointers.
    let mut exports = exports;
    exports.sort();
    assert_eq!(
        exports,
        ["attack-missing", "script", "workbook:components/strings"]
    );
    // Everything else it imports is WASI 0.2 (Rust's std: stdout, ...).
    for import in imports.iter().filter(|i| *i != "workbook:components/game") {
        assert!(import.starts_with("wasi:"), "{import}");
    }
}

#[test]
fn the_proxy_component_exports_the_incoming_handler() {
    let (imports, exports) = component_imports_and_exports(&guest_wasm(CHAPTER, GUEST_HTTP));
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert!(
        exports[0].starts_with("wasi:http/incoming-handler@0.2."),
        "{exports:?}"
    );
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("wasi:http/types@0.2.")),
        "{imports:?}"
    );
}

// ---------------------------------------------------------------- bad inputs

#[test]
fn a_core_module_is_refused_with_what_was_expected() {
    let ready = host(CHAPTER, HOST);
    let core = write_temp("chapter-11-core.wasm", b"\0asm\x01\0\0\0");
    assert_fails_clearly(
        &ready,
        &[core.as_os_str()],
        &[
            "chapter-11-core.wasm",
            "is a core WebAssembly module, not a component",
            "wasm32-wasip2",
        ],
    );
}

#[test]
fn a_component_of_another_world_is_refused_either_way() {
    let ready = host(CHAPTER, HOST);
    let proxy = guest_wasm(CHAPTER, GUEST_HTTP);
    let script = guest_wasm(CHAPTER, GUEST);
    // The proxy where the script should be.
    assert_fails_clearly(
        &ready,
        &[proxy.as_os_str()],
        &[
            "chapter_11_guest_http.wasm",
            "not a component of the world `workbook:components/script`",
        ],
    );
    // The script where the proxy should be.
    assert_fails_clearly(
        &ready,
        &[
            "serve".as_ref(),
            "--port".as_ref(),
            "0".as_ref(),
            script.as_os_str(),
        ],
        &[
            "chapter_11_guest.wasm",
            "not a component of the world `wasi:http/proxy`",
        ],
    );
}

#[test]
fn garbage_and_a_missing_file_are_refused() {
    let ready = host(CHAPTER, HOST);
    let garbage = write_temp("chapter-11-garbage.wasm", b"not wasm at all");
    assert_fails_clearly(
        &ready,
        &[garbage.as_os_str()],
        &["chapter-11-garbage.wasm", "not a WebAssembly component"],
    );
    let missing = missing_wasm();
    assert_fails_clearly(
        &ready,
        &[missing.as_os_str()],
        &["no-such-module.wasm", "cannot read it"],
    );
}

// ---------------------------------------------------------------- the server

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    request(addr, "GET", path, "")
}

#[test]
fn serve_answers_real_requests_with_a_fresh_instance_each_and_stops_on_sigterm() {
    let ready = host(CHAPTER, HOST);
    let wasm = guest_wasm(CHAPTER, GUEST_HTTP);
    let mut cmd = Command::new(&ready.exe);
    cmd.args(["serve", "--port", "0"]).arg(&wasm);
    let server = Server::start(cmd).unwrap_or_else(|e| panic!("the server starts: {e}"));
    let addr = server.addr;
    assert!(addr.ip().is_loopback(), "{addr}");
    let hello = get(addr, "/hello");
    assert_eq!(hello.0, 200, "{hello:?}");
    assert!(hello.1.contains("it has served 1 request(s)"), "{hello:?}");
    // A fresh instance per request: the counter never passes 1.
    assert_eq!(get(addr, "/count"), (200, "count = 1\n".into()));
    assert_eq!(get(addr, "/count"), (200, "count = 1\n".into()));
    // A trap is the host's 500; the next request is served as ever.
    let crash = get(addr, "/crash");
    assert_eq!(crash.0, 500, "{crash:?}");
    assert!(crash.1.contains("the handler crashed"), "{crash:?}");
    assert_eq!(get(addr, "/hello").0, 200);
    assert_eq!(
        get(addr, "/nowhere"),
        (404, "no route for /nowhere\n".into())
    );
    let (status, stderr) = server
        .stop()
        .unwrap_or_else(|e| panic!("the server stops: {e}"));
    assert!(status.success(), "{status}: {stderr}");
}

/// A SIGTERM sent the moment the address is out stops the server as one
/// sent later does: the signal is caught before the address is printed.
#[test]
fn sigterm_as_soon_as_the_address_is_out_stops_the_server_cleanly() {
    let ready = host(CHAPTER, HOST);
    let wasm = guest_wasm(CHAPTER, GUEST_HTTP);
    for _ in 0..5 {
        let mut cmd = Command::new(&ready.exe);
        cmd.args(["serve", "--port", "0"]).arg(&wasm);
        let server = Server::start(cmd).unwrap_or_else(|e| panic!("the server starts: {e}"));
        let (status, stderr) = server
            .stop()
            .unwrap_or_else(|e| panic!("the server stops: {e}"));
        assert!(status.success(), "{status}: {stderr}");
        assert!(stderr.contains("stopped"), "{stderr}");
    }
}

/// `cargo xtask bench components --quick` measures on the dev host end to
/// end, and the book's figures (its last full run) have the shape of what it
/// writes.
#[test]
fn bench_components_runs_and_the_books_figures_are_its_own() {
    use xtask::bench::components::BOOK_FILE;
    let kept = workbook_tests::measured::quick_run(
        &["components"],
        "bench components: chapter 11's component against chapter 5's core module,",
        BOOK_FILE,
    );
    assert!(kept.contains("guest size (release)"), "{kept}");
    workbook_tests::measured::assert_committed_has_the_shape_of(BOOK_FILE, &kept);
}
