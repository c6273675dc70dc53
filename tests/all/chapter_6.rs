//! Chapter 6: the sandbox. The gallery's verdicts (snapshot), each limit of
//! `chapter-6-host` on the guest that attacks it (exit code, the one line on
//! stderr), the capabilities WASI grants and refuses, bad input, and the
//! measuring program's output. The fuzzing of the hosts is in `fuzz`.

use std::ffi::OsStr;
use std::path::PathBuf;

use workbook_tests::{
    Captured, assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports,
    run_host, run_host_with, wasm_from_wat,
};

mod fuzz;

const CHAPTER: &str = "chapter-6";
const HOST: &str = "chapter-6-host";
const GALLERY: &str = "chapter-6-host-gallery";

/// Every guest of the chapter, the well-behaved one first.
const GUESTS: &[&str] = &[
    "chapter-6-guest",
    "chapter-6-guest-spin",
    "chapter-6-guest-allocate",
    "chapter-6-guest-recurse",
    "chapter-6-guest-print",
    "chapter-6-guest-sleep",
    "chapter-6-guest-escape",
    "chapter-6-guest-environment",
    "chapter-6-guest-exit",
    "chapter-6-guest-trap",
];

/// Run `chapter-6-host` with these arguments.
fn sandbox(args: &[&OsStr]) -> Captured {
    run_host_with(&host(CHAPTER, HOST), args)
}

/// Run `chapter-6-host` on a guest of the chapter, with arguments before it.
fn sandbox_guest(options: &[&str], package: &str) -> Captured {
    let wasm = guest_wasm(CHAPTER, package);
    let mut args: Vec<&OsStr> = options.iter().map(OsStr::new).collect();
    args.push(wasm.as_os_str());
    sandbox(&args)
}

/// The host ended with `code` (a number, never a signal or a panic's 101),
/// and said so in one last line on stderr: `<module>: <ending> (exit code N)`.
fn assert_stopped(out: &Captured, code: i32, module: &str, ending: &str) {
    let stderr = out.stderr_text();
    assert_eq!(
        out.status.and_then(|s| s.code()),
        Some(code),
        "{}\nstderr:\n{stderr}",
        out.ending()
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!("{module}: {ending} (exit code {code})"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------- the gallery

#[test]
fn the_gallery_stops_every_attack_and_still_runs_the_good_guest() {
    let ready = host(CHAPTER, GALLERY);
    for package in GUESTS {
        guest_wasm(CHAPTER, package);
    }
    let out = run_host(&ready);
    assert_output_snapshot(&ready, &out);
    let stdout = out.stdout_text();
    assert!(
        stdout.ends_with("9592 primes below 100000\n  finished (exit code 0)\n"),
        "{stdout}"
    );
}

#[test]
fn every_guest_is_a_wasi_command_that_imports_only_wasi() {
    for package in GUESTS {
        let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, package));
        assert!(
            exports.contains(&"_start".to_string()),
            "{package}: {exports:?}"
        );
        for (module, name) in imports {
            assert_eq!(module, "wasi_snapshot_preview1", "{package} imports {name}");
        }
    }
}

// ---------------------------------------------------------------- each limit

#[test]
fn the_well_behaved_guest_finishes_and_prints_its_answer() {
    let ready = host(CHAPTER, HOST);
    assert_output_snapshot(&ready, &run_host(&ready));
}

#[test]
fn a_spinning_guest_is_stopped_at_its_deadline_with_exit_code_3() {
    let out = sandbox_guest(&[], "chapter-6-guest-spin");
    assert_stopped(
        &out,
        3,
        "chapter-6-guest-spin.wasm",
        "ran out of time after 1 s",
    );
    assert_eq!(out.stdout_text(), "spin: I loop for ever\n");
}

#[test]
fn fuel_stops_a_spinning_guest_with_exit_code_4() {
    let out = sandbox_guest(&["--fuel", "5000000"], "chapter-6-guest-spin");
    assert_stopped(
        &out,
        4,
        "chapter-6-guest-spin.wasm",
        "ran out of fuel after 5000000 units",
    );
}

#[test]
fn a_guest_that_allocates_without_end_hits_the_memory_limit_with_exit_code_5() {
    let out = sandbox_guest(&[], "chapter-6-guest-allocate");
    assert_stopped(
        &out,
        5,
        "chapter-6-guest-allocate.wasm",
        "memory limit of 64 MiB reached",
    );
    // What a Rust guest does when `memory.grow` fails: it says so, and aborts.
    assert!(
        out.stderr_text()
            .contains("memory allocation of 1048576 bytes failed"),
        "{}",
        out.stderr_text()
    );
}

#[test]
fn a_guest_that_recurses_without_end_overflows_its_stack_with_exit_code_6() {
    let out = sandbox_guest(&[], "chapter-6-guest-recurse");
    assert_stopped(
        &out,
        6,
        "chapter-6-guest-recurse.wasm",
        "stack overflow (the stack is 512 KiB)",
    );
}

#[test]
fn a_guest_that_prints_without_end_is_cut_at_1_mib_with_exit_code_7() {
    let out = sandbox_guest(&[], "chapter-6-guest-print");
    assert_eq!(
        out.stdout.len(),
        1 << 20,
        "exactly the limit reaches stdout"
    );
    assert!(
        out.stdout_text()
            .starts_with("print: I fill your terminal\nline 1 of")
    );
    assert!(
        out.stderr_text().contains(
            "chapter-6-guest-print.wasm: its stdout was cut at 1 MiB: the rest was dropped\n"
        ),
        "{}",
        out.stderr_text()
    );
    assert_stopped(
        &out,
        7,
        "chapter-6-guest-print.wasm",
        "output limit of 1 MiB reached: the rest was dropped",
    );
}

#[test]
fn a_guest_stuck_in_a_call_to_the_host_is_given_up_on() {
    let started = std::time::Instant::now();
    let out = sandbox_guest(&[], "chapter-6-guest-sleep");
    assert_stopped(
        &out,
        3,
        "chapter-6-guest-sleep.wasm",
        "ran out of time after 1 s, stuck in a call to the host",
    );
    // Not the hour it asked for (the limit of `run_host_with` is a minute).
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn a_guest_that_panics_is_reported_as_a_crash_with_exit_code_2() {
    let out = sandbox_guest(&[], "chapter-6-guest-trap");
    assert_stopped(
        &out,
        2,
        "chapter-6-guest-trap.wasm",
        "crashed: wasm trap: wasm `unreachable` instruction executed",
    );
    assert!(out.stderr_text().contains("index out of bounds"));
}

#[test]
fn a_guest_exit_code_is_passed_on() {
    let out = sandbox_guest(&[], "chapter-6-guest-exit");
    assert_stopped(&out, 42, "chapter-6-guest-exit.wasm", "exited with code 42");
}

#[test]
fn an_exit_code_outside_what_wasi_allows_is_a_crash() {
    // WASI preview 1 lets a guest exit with 0 to 125; Wasmtime turns any
    // other code into a trap.
    for code in [126, 256, -1] {
        let path = wasm_from_wat(
            &format!("exit-{code}"),
            &format!(
                r#"(module
                     (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                     (memory (export "memory") 1)
                     (func (export "_start") (call $exit (i32.const {code}))))"#
            ),
        );
        let out = sandbox(&[path.as_os_str()]);
        assert_stopped(
            &out,
            2,
            &format!("exit-{code}.wasm"),
            "crashed: exit with invalid exit status outside of [0..126)",
        );
    }
}

#[test]
fn a_start_function_that_spins_is_stopped_before_start_is_called() {
    let path = wasm_from_wat(
        "start-spins",
        include_str!("../../chapters/chapter-6-sandbox/host-gallery/wat/start-spins.wat"),
    );
    let out = sandbox(&[path.as_os_str()]);
    assert_stopped(&out, 3, "start-spins.wasm", "ran out of time after 1 s");
}

#[test]
fn a_module_that_asks_for_4_gib_is_refused_at_instantiation() {
    let path = wasm_from_wat(
        "huge-memory",
        include_str!("../../chapters/chapter-6-sandbox/host-gallery/wat/huge-memory.wat"),
    );
    let out = sandbox(&[path.as_os_str()]);
    assert_stopped(
        &out,
        5,
        "huge-memory.wasm",
        "memory limit of 64 MiB reached",
    );
}

// ---------------------------------------------------------------- capabilities

/// A folder to grant, `config.txt` inside, a secret beside it and a link out.
fn stage(name: &str) -> PathBuf {
    let root = workbook_tests::root().join("target/test-files").join(name);
    let _ = std::fs::remove_dir_all(&root);
    let granted = root.join("granted");
    std::fs::create_dir_all(granted.join("sub")).unwrap();
    std::fs::write(root.join("secret.txt"), "secret\n").unwrap();
    std::fs::write(granted.join("config.txt"), "greeting = from the test\n").unwrap();
    std::os::unix::fs::symlink("../secret.txt", granted.join("link-out")).unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), granted.join("absolute-link")).unwrap();
    granted
}

#[test]
fn a_granted_folder_is_read_but_never_left_nor_written() {
    let granted = stage("chapter-6-escape");
    let dir = granted.to_str().unwrap();
    let out = sandbox_guest(&["--dir", dir], "chapter-6-guest-escape");
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        out.stdout_text(),
        "escape: I read outside the folder I was given\n  read \"config.txt\": \"greeting = from the test\"\n  read \"../secret.txt\": refused (PermissionDenied)\n  read \"/etc/passwd\": refused (NotFound)\n  read \"link-out\": refused (PermissionDenied)\n  read \"sub/../../secret.txt\": refused (PermissionDenied)\n  write \"planted.txt\": refused (PermissionDenied)\n"
    );
    assert!(!granted.join("planted.txt").exists());
}

#[test]
fn without_a_folder_the_guest_sees_no_file_at_all() {
    let out = sandbox_guest(&[], "chapter-6-guest-escape");
    assert!(out.success(), "{}", out.stderr_text());
    let stdout = out.stdout_text();
    let attempts: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(attempts.len(), 6, "{stdout}");
    for line in attempts {
        assert!(line.ends_with(": refused (NotFound)"), "{stdout}");
    }
}

#[test]
fn the_guest_sees_no_environment_and_only_the_arguments_given() {
    let wasm = guest_wasm(CHAPTER, "chapter-6-guest-environment");
    let mut cmd = std::process::Command::new(&host(CHAPTER, HOST).exe);
    cmd.arg(&wasm)
        .args(["one", "--dir", "two"])
        .env("AWS_SECRET_ACCESS_KEY", "do-not-leak")
        .current_dir(workbook_tests::root());
    let out = workbook_tests::run_command(cmd);
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        out.stdout_text(),
        "environment: I read the host's environment variables\n  0 environment variables\n  HOME: None\n  PATH: None\n  AWS_SECRET_ACCESS_KEY: None\n  arguments: [\"chapter-6-guest-environment.wasm\", \"one\", \"--dir\", \"two\"]\n"
    );
}

#[test]
fn the_good_guest_reads_its_configuration_from_the_granted_folder() {
    let granted = stage("chapter-6-config");
    let out = sandbox_guest(&["--dir", granted.to_str().unwrap()], "chapter-6-guest");
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        out.stdout_text(),
        "config.txt says: greeting = from the test\n9592 primes below 100000\n"
    );
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_input_is_an_error_that_names_the_file_with_exit_code_1() {
    let ready = host(CHAPTER, HOST);
    let missing = workbook_tests::missing_wasm();
    assert_fails_clearly(
        &ready,
        &[missing.as_os_str()],
        &["no-such-module.wasm", "cannot load it", "No such file"],
    );
    let text = workbook_tests::write_temp("ch6-not-wasm.wasm", b"not a module\n");
    assert_fails_clearly(
        &ready,
        &[text.as_os_str()],
        &["ch6-not-wasm.wasm", "cannot load it"],
    );
    // A library, as chapter 1's guest is, is not a command.
    let library = wasm_from_wat("ch6-library", r#"(module (func (export "sum")))"#);
    assert_fails_clearly(
        &ready,
        &[library.as_os_str()],
        &[
            "ch6-library.wasm",
            "it is not a WASI command: it exports no `_start`",
        ],
    );
    let unknown = wasm_from_wat(
        "ch6-unknown-import",
        r#"(module (import "env" "launch_missiles" (func)) (func (export "_start")))"#,
    );
    assert_fails_clearly(
        &ready,
        &[unknown.as_os_str()],
        &[
            "ch6-unknown-import.wasm",
            "cannot instantiate it",
            "launch_missiles",
        ],
    );
    let good = guest_wasm(CHAPTER, "chapter-6-guest");
    assert_fails_clearly(
        &ready,
        &[
            OsStr::new("--dir"),
            OsStr::new("/no/such/folder"),
            good.as_os_str(),
        ],
        &[
            "chapter-6-guest.wasm",
            "cannot grant the folder `/no/such/folder`",
        ],
    );
    assert_fails_clearly(&ready, &[OsStr::new("--dir")], &["`--dir` needs a folder"]);
    assert_fails_clearly(
        &ready,
        &[OsStr::new("--fuel"), OsStr::new("lots"), good.as_os_str()],
        &["`--fuel lots`: not a number of units"],
    );
}

// ---------------------------------------------------------------- the measurements

#[test]
fn the_cost_measurement_prints_four_settings_and_three_ticks() {
    let root = workbook_tests::root();
    let toolchain = xtask::toolchain::find().expect("a guest toolchain");
    let text =
        xtask::bench::sandbox::measure(&root, &toolchain, true, xtask::cargo::Messages::Capture)
            .expect("chapter-6-cost --quick runs");
    // The first word of each row of the table whose header starts with `header`.
    let rows = |header: &str| -> Vec<String> {
        let mut lines = text.lines().skip_while(|l| !l.starts_with(header)).skip(1);
        let rows: Vec<&str> = lines.by_ref().take_while(|l| !l.is_empty()).collect();
        rows.iter()
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(rows("setting"), ["no", "fuel", "epochs", "fuel"], "{text}");
    assert_eq!(rows("tick"), ["1", "10", "100"], "{text}");
    let base = text
        .lines()
        .find(|l| l.starts_with("no time limit"))
        .unwrap();
    assert!(base.ends_with(" 1.00"), "{base}");
}
