//! Chapter 9: the edge. The real server (`chapter-9-host serve`) started on
//! 127.0.0.1 and spoken to over sockets: every route, isolation between
//! requests (`/count`), hostile routes answered 5xx while `/hello` keeps
//! answering, bad handlers, and a shutdown that leaves nothing behind. The
//! tour (the host without a subcommand) is the snapshot.

use std::ffi::OsStr;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::Duration;

use workbook_tests::server::{Server, request};
use workbook_tests::{
    assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports,
    missing_wasm, run_host, run_host_with, wasm_from_wat, write_temp,
};

const CHAPTER: &str = "chapter-9";
const HOST: &str = "chapter-9-host";
const GUEST: &str = "chapter-9-guest";

/// Start `chapter-9-host serve` on the built guest, with `flags`, on a free
/// port.
fn start(flags: &[&str]) -> Server {
    let ready = host(CHAPTER, HOST);
    let wasm = guest_wasm(CHAPTER, GUEST);
    let mut cmd = Command::new(&ready.exe);
    cmd.args(["serve", "--port", "0", "--handler"])
        .arg(&wasm)
        .args(flags);
    Server::start(cmd).unwrap_or_else(|e| panic!("the server starts: {e}"))
}

/// Stop it with SIGTERM: its exit status and stderr.
fn stop(server: Server) -> (ExitStatus, String) {
    server
        .stop()
        .unwrap_or_else(|e| panic!("the server stops: {e}"))
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    request(addr, "GET", path, "")
}

// ---------------------------------------------------------------- the tour

#[test]
fn the_tour_visits_every_route_then_measures_and_stops_every_server() {
    let ready = host(CHAPTER, HOST);
    guest_wasm(CHAPTER, GUEST);
    let out = run_host(&ready);
    assert_output_snapshot(&ready, &out);
    let stderr = out.stderr_text();
    assert!(stderr.contains("fresh/reused throughput: "), "{stderr}");
    // Every server it started (two for the tour, six to measure) stopped
    // on its SIGTERM and said so.
    assert_eq!(stderr.matches("stopped after ").count(), 8, "{stderr}");
}

#[test]
fn the_guest_exports_alloc_and_handle_and_imports_only_wasi() {
    let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, GUEST));
    for name in ["alloc", "handle"] {
        assert!(exports.contains(&name.to_string()), "{exports:?}");
    }
    // Rust's standard library may import WASI (to print an allocation
    // failure); the server links none of it, so such a call traps.
    for (module, name) in imports {
        assert_eq!(module, "wasi_snapshot_preview1", "imports {name}");
    }
}

// ---------------------------------------------------------------- the routes

#[test]
fn every_route_answers_and_a_fresh_instance_serves_each_request() {
    let server = start(&[]);
    let (status, first) = get(server.addr, "/hello");
    assert_eq!(status, 200, "{first}");
    let (_, second) = get(server.addr, "/hello");
    assert_ne!(first, second, "two requests, one instance");
    assert!(second.ends_with("it has served 1 request(s)\n"), "{second}");
    assert_eq!(get(server.addr, "/nowhere").0, 404);
    for _ in 0..5 {
        assert_eq!(get(server.addr, "/count"), (200, "count = 1\n".to_string()));
    }
    let (status, stderr) = stop(server);
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        stderr.contains("stopped after 8 request(s), 8 instance(s) made"),
        "{stderr}"
    );
}

#[test]
fn a_reused_instance_keeps_its_state_between_requests() {
    let server = start(&["--reuse-instance"]);
    for n in 1..=5 {
        assert_eq!(get(server.addr, "/count"), (200, format!("count = {n}\n")));
    }
    let (_, hello) = get(server.addr, "/hello");
    assert_eq!(hello, "Hello from instance 1: it has served 6 request(s)\n");
    // A crash loses the instance: the next request gets a new one.
    assert_eq!(get(server.addr, "/crash").0, 500);
    assert_eq!(get(server.addr, "/count"), (200, "count = 1\n".to_string()));
}

#[test]
fn hostile_routes_get_a_5xx_while_hello_keeps_answering() {
    let server = start(&[]);
    let addr = server.addr;
    let spin = std::thread::spawn(move || get(addr, "/spin"));
    std::thread::sleep(Duration::from_millis(300));
    let (crash, crashed) = get(addr, "/crash");
    assert_eq!(crash, 500, "{crashed}");
    assert!(crashed.contains("unreachable"), "{crashed}");
    let (hog, hogged) = get(addr, "/hog");
    assert_eq!(hog, 503, "{hogged}");
    assert!(hogged.contains("memory"), "{hogged}");
    for _ in 0..5 {
        assert_eq!(get(addr, "/hello").0, 200);
    }
    // All of that was answered while the spinning guest still ran.
    assert!(
        !spin.is_finished(),
        "/spin ended before the others were answered"
    );
    let (status, body) = spin.join().expect("the /spin request");
    assert_eq!(status, 504, "{body}");
    assert!(body.contains("deadline"), "{body}");
    assert_eq!(get(addr, "/hello").0, 200);
    let (status, stderr) = stop(server);
    assert!(status.success(), "{status}: {stderr}");
}

#[test]
fn a_body_over_the_limit_is_refused_and_the_server_goes_on() {
    let server = start(&[]);
    let (status, _) = request(server.addr, "POST", "/hello", &"x".repeat(100 << 10));
    assert_eq!(status, 413);
    let (status, body) = request(server.addr, "POST", "/nowhere", "four");
    assert_eq!(
        (status, body.as_str()),
        (404, "no route for /nowhere (4 body bytes)\n")
    );
}

// ---------------------------------------------------------------- shutdown

#[test]
fn sigterm_waits_for_the_request_under_way_then_leaves_nothing_behind() {
    let server = start(&[]);
    let addr = server.addr;
    let spin = std::thread::spawn(move || get(addr, "/spin"));
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id();
    let (status, stderr) = stop(server);
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(spin.join().expect("the /spin request").0, 504);
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "process {pid} is still there"
    );
    assert!(
        TcpStream::connect(addr).is_err(),
        "{addr} still accepts connections"
    );
}

/// A SIGTERM sent the moment the address is out (as the tour sends it) stops
/// the server as one sent later does: the signal is caught before the
/// address is printed, or it would kill the server instead.
#[test]
fn sigterm_as_soon_as_the_address_is_out_stops_the_server_cleanly() {
    for _ in 0..5 {
        let (status, stderr) = stop(start(&[]));
        assert!(status.success(), "{status}: {stderr}");
        assert!(stderr.contains("stopped after 0 request(s)"), "{stderr}");
    }
}

// ---------------------------------------------------------------- bad input

#[test]
fn a_bad_handler_is_named_and_the_server_does_not_start() {
    let ready = host(CHAPTER, HOST);
    let missing = missing_wasm();
    let not_wasm = write_temp("chapter-9-not-wasm.wasm", b"hello");
    let no_handle = wasm_from_wat(
        "chapter-9-no-handle",
        "(module (memory (export \"memory\") 1))",
    );
    for (path, problem) in [
        (&missing, "no-such-module.wasm"),
        (&not_wasm, "chapter-9-not-wasm.wasm"),
        (&no_handle, "must export"),
    ] {
        let args = [
            OsStr::new("serve"),
            OsStr::new("--handler"),
            path.as_os_str(),
        ];
        let out = assert_fails_clearly(&ready, &args, &["loading the handler", problem]);
        assert!(
            out.stdout_text().is_empty(),
            "it listened: {}",
            out.stdout_text()
        );
    }
    assert_fails_clearly(
        &ready,
        &[OsStr::new("serve"), OsStr::new("--port")],
        &["`--port` needs a number"],
    );
}

#[test]
fn the_load_generator_loads_only_this_machine_and_counts_its_answers() {
    let ready = host(CHAPTER, HOST);
    assert_fails_clearly(
        &ready,
        &[OsStr::new("load"), OsStr::new("10.1.2.3:80")],
        &["only loads servers on this machine"],
    );
    let server = start(&[]);
    let addr = server.addr.to_string();
    let args: Vec<&OsStr> = ["load", &addr, "--requests", "200", "--connections", "4"]
        .into_iter()
        .map(OsStr::new)
        .collect();
    let out = run_host_with(&ready, &args);
    let stdout = out.stdout_text();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(
        stdout.starts_with("GET /hello: 200 answers in "),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 5xx, 0 lost; instantiation (in the server) median "),
        "{stdout}"
    );
}

/// `cargo xtask bench edge --quick` loads the dev server end to end, and the
/// book's figures (its last full run) have the shape of what it writes.
#[test]
fn bench_edge_runs_and_the_books_figures_are_its_own() {
    use xtask::bench::edge::BOOK_FILE;
    let kept = workbook_tests::measured::quick_run(
        &["edge"],
        "bench edge: loaded chapter 9's server",
        BOOK_FILE,
    );
    for setup in ["fresh instances", "reused instance", "fresh, no pooling"] {
        assert!(kept.contains(setup), "no `{setup}` row:\n{kept}");
    }
    workbook_tests::measured::assert_committed_has_the_shape_of(BOOK_FILE, &kept);
}
