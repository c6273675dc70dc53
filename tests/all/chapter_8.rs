//! Chapter 8: the build machine's story and the device's, as snapshots; then
//! every way an update can be bad (changed, cut short, signed with another
//! key, unsigned, for another machine, for another engine configuration,
//! garbage), each refused with a clear error naming the file; and the device
//! loop driven for a few ticks.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use workbook_tests::{
    Captured, assert_fails_clearly, assert_output_snapshot, guest_wasm, host, imports_and_exports,
    root, run_host, run_host_with,
};
use xtask::run::ReadyHost;

const CHAPTER: &str = "chapter-8";
const FULL: &str = "chapter-8-host";
const DEVICE: &str = "chapter-8-host-device";
const ANSWER: &str = "From WASM: Sum is: 9\nFrom host: Answer returned to the host VM: 9\n";

fn full() -> ReadyHost {
    host(CHAPTER, FULL)
}

fn device() -> ReadyHost {
    host(CHAPTER, DEVICE)
}

/// Run a host with these arguments (paths or words).
fn run(ready: &ReadyHost, args: &[&dyn AsRef<OsStr>]) -> Captured {
    let args: Vec<&OsStr> = args.iter().map(|a| a.as_ref()).collect();
    run_host_with(ready, &args)
}

#[test]
fn the_build_machine_then_the_device_tell_the_whole_story() {
    // Both hosts work in target/chapter-8/: the story is told once at a time.
    let _files = workbook_tests::running_hosts_with_files();
    let build = run_host(&full());
    assert_output_snapshot(&full(), &build);
    let stdout = build.stdout_text();
    assert!(
        stdout.contains(&format!("sum-x86_64.cwasm:\n{ANSWER}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("sum-pulley64.cwasm:\n{ANSWER}")),
        "{stdout}"
    );
    for arch in ["aarch64", "riscv64gc"] {
        assert!(
            stdout.contains(&format!("compiled for architecture '{arch}'")),
            "{stdout}"
        );
    }

    let device_run = run_host(&device());
    assert_output_snapshot(&device(), &device_run);
    let ticks: Vec<String> = device_run
        .stdout_text()
        .split("tick ")
        .skip(1)
        .map(str::to_string)
        .collect();
    assert_eq!(ticks.len(), 6, "{}", device_run.stdout_text());
    assert!(ticks[0].contains("installed 01-sum.cwasm, version 1"));
    assert!(
        ticks[1].contains("refused 02-sum.cwasm: its signature `02-sum.cwasm.sig` does not match")
    );
    assert!(
        ticks[2].contains("refused 03-sum.cwasm: Module was compiled for architecture 'x86_64'")
    );
    assert!(ticks[3].contains("installed 04-sum.cwasm, version 2"));
    assert!(ticks[4].contains("installed 05-sum.cwasm, version 1"));
    for tick in &ticks {
        assert!(tick.ends_with(ANSWER), "every tick runs a module: {tick}");
    }
    let updates = root().join("target/chapter-8/device/updates");
    for (folder, names) in [
        ("installed", ["01", "04", "05"].as_slice()),
        ("rejected", &["02", "03"]),
    ] {
        for name in names {
            let file = updates.join(folder).join(format!("{name}-sum.cwasm"));
            assert!(file.is_file(), "{} is missing", file.display());
        }
    }
}

#[test]
fn the_compute_guest_exports_its_workloads_and_imports_nothing() {
    let (imports, exports) = imports_and_exports(&guest_wasm(CHAPTER, "chapter-8-guest"));
    assert!(imports.is_empty(), "{imports:?}");
    for export in ["fib", "sieve"] {
        assert!(exports.contains(&export.to_string()), "{exports:?}");
    }
}

/// A folder of its own for one test, with a key pair and chapter 1's guest
/// precompiled for Pulley and signed (version 3).
struct Signed {
    dir: PathBuf,
    public: PathBuf,
    key: PathBuf,
    pulley: PathBuf,
}

fn signed(test: &str) -> Signed {
    let dir = root().join("target/test-files/chapter-8").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ok = |out: Captured| assert!(out.success(), "{}", out.stderr_text());
    ok(run(&full(), &[&"keygen", &dir.join("keys")]));
    let pulley = dir.join("sum-pulley64.cwasm");
    let sum = guest_wasm("chapter-1", "chapter-1-guest");
    ok(run(
        &full(),
        &[&"precompile", &sum, &pulley, &"--target", &"pulley64"],
    ));
    let key = dir.join("keys/signing.key");
    ok(run(
        &full(),
        &[&"sign", &"--key", &key, &pulley, &"--version", &"3"],
    ));
    Signed {
        public: dir.join("keys/signing.pub"),
        key,
        pulley,
        dir,
    }
}

impl Signed {
    /// A copy of the signed Pulley module and its `.sig` under another name.
    fn copy(&self, name: &str) -> PathBuf {
        let file = self.dir.join(name);
        std::fs::copy(&self.pulley, &file).unwrap();
        std::fs::copy(sig(&self.pulley), sig(&file)).unwrap();
        file
    }

    /// Sign `file` (version 1) with this folder's key.
    fn sign(&self, file: &Path) {
        let out = run(&full(), &[&"sign", &"--key", &self.key, &file]);
        assert!(out.success(), "{}", out.stderr_text());
    }

    /// The device host's `run` on `file`, as a Pulley device; it must fail
    /// with exit 1 and an error naming the file and holding `reason`.
    fn refused(&self, ready: &ReadyHost, file: &Path, reason: &str) -> Captured {
        let args: [&OsStr; 6] = [
            "run".as_ref(),
            "--trust".as_ref(),
            self.public.as_os_str(),
            file.as_os_str(),
            "--target".as_ref(),
            "pulley64".as_ref(),
        ];
        let shown = format!("running `{}`", file.display());
        let out = assert_fails_clearly(ready, &args, &[&shown, reason]);
        assert!(
            !out.stderr_text().contains("panicked"),
            "{}",
            out.stderr_text()
        );
        assert!(
            !out.stdout_text().contains("From host"),
            "it ran: {}",
            out.stdout_text()
        );
        out
    }
}

fn sig(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

#[test]
fn a_signed_module_runs_on_both_hosts() {
    let s = signed("runs");
    for ready in [full(), device()] {
        let out = run(
            &ready,
            &[
                &"run",
                &"--trust",
                &s.public,
                &s.pulley,
                &"--target",
                &"pulley64",
            ],
        );
        assert!(out.success(), "{}", out.stderr_text());
        assert_eq!(out.stdout_text(), ANSWER);
    }
}

#[test]
fn a_changed_byte_is_refused() {
    let s = signed("changed");
    let file = s.copy("changed.cwasm");
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    std::fs::write(&file, bytes).unwrap();
    s.refused(
        &device(),
        &file,
        "its signature `changed.cwasm.sig` does not match it",
    );
}

#[test]
fn a_truncated_module_is_refused() {
    let s = signed("truncated");
    let file = s.copy("truncated.cwasm");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    s.refused(&device(), &file, "does not match it");
}

#[test]
fn a_module_signed_with_another_key_is_refused() {
    let s = signed("other-key");
    let other = s.dir.join("other-keys");
    assert!(run(&full(), &[&"keygen", &other]).success());
    let file = s.copy("other-key.cwasm");
    let out = run(
        &full(),
        &[&"sign", &"--key", &other.join("signing.key"), &file],
    );
    assert!(out.success(), "{}", out.stderr_text());
    s.refused(&device(), &file, "or it was signed with another key");
}

#[test]
fn a_missing_or_malformed_signature_is_refused() {
    let s = signed("unsigned");
    let unsigned = s.copy("unsigned.cwasm");
    std::fs::remove_file(sig(&unsigned)).unwrap();
    s.refused(
        &device(),
        &unsigned,
        "its signature `unsigned.cwasm.sig` is unusable",
    );
    let malformed = s.copy("malformed.cwasm");
    let text = std::fs::read_to_string(sig(&malformed)).unwrap();
    std::fs::write(sig(&malformed), text.replace("ed25519 ", "ed25519 !!")).unwrap();
    s.refused(&device(), &malformed, "not 64 bytes in base64");
    let appended = s.copy("appended.cwasm");
    std::fs::write(sig(&appended), format!("{text}version 9\n")).unwrap();
    s.refused(&device(), &appended, "more than two lines");
}

#[test]
fn a_module_for_another_target_is_refused_after_its_signature_holds() {
    let s = signed("other-target");
    let sum = guest_wasm("chapter-1", "chapter-1-guest");
    let aarch64 = s.dir.join("sum-aarch64.cwasm");
    let target = "aarch64-unknown-linux-gnu";
    assert!(
        run(
            &full(),
            &[&"precompile", &sum, &aarch64, &"--target", &target]
        )
        .success()
    );
    s.sign(&aarch64);
    s.refused(
        &device(),
        &aarch64,
        "Module was compiled for architecture 'aarch64'",
    );
    // Pulley's bytecode on a host that expects its own machine code.
    let args = [
        &"run" as &dyn AsRef<OsStr>,
        &"--trust",
        &s.public,
        &s.pulley,
    ];
    let out = run(&device(), &args);
    assert_eq!(
        out.status.and_then(|s| s.code()),
        Some(1),
        "{}",
        out.stderr_text()
    );
    assert!(
        out.stderr_text()
            .contains("compiled for architecture 'pulley64'")
    );
}

#[test]
fn a_module_for_another_engine_configuration_is_refused() {
    let s = signed("other-config");
    let sum = guest_wasm("chapter-1", "chapter-1-guest");
    let file = s.dir.join("defaults.cwasm");
    let args = [
        &"precompile" as &dyn AsRef<OsStr>,
        &sum,
        &file,
        &"--target",
        &"pulley64",
        &"--defaults",
    ];
    assert!(run(&full(), &args).success());
    s.sign(&file);
    s.refused(&device(), &file, "memory reservation");
}

#[test]
fn garbage_is_refused_signed_or_not() {
    let s = signed("garbage");
    let file = s.dir.join("garbage.cwasm");
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&file, &garbage).unwrap();
    std::fs::write(sig(&file), &garbage[..200]).unwrap();
    s.refused(&device(), &file, "is unusable");
    // Signed by our own key, garbage is still never handed to `deserialize`.
    s.sign(&file);
    for ready in [full(), device()] {
        s.refused(
            &ready,
            &file,
            "neither WebAssembly nor a module Wasmtime precompiled",
        );
    }
    // A real module cut short, then signed: Wasmtime refuses it when loading.
    let cut = s.copy("cut.cwasm");
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    s.sign(&cut);
    s.refused(&device(), &cut, "cannot load it");
}

#[test]
fn the_runtime_only_host_cannot_compile() {
    let s = signed("no-compiler");
    let wasm = s.dir.join("sum.wasm");
    std::fs::copy(guest_wasm("chapter-1", "chapter-1-guest"), &wasm).unwrap();
    s.sign(&wasm);
    s.refused(&device(), &wasm, "this device has no compiler");
    // The full host compiles it.
    let out = run(&full(), &[&"run", &"--trust", &s.public, &wasm]);
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(out.stdout_text(), ANSWER);
}

#[test]
fn keygen_never_overwrites_a_key() {
    let s = signed("keygen");
    let keys = s.dir.join("keys");
    let before = std::fs::read(&s.key).unwrap();
    assert_fails_clearly(
        &full(),
        &["keygen".as_ref(), keys.as_os_str()],
        &["exists: keygen never overwrites a key"],
    );
    assert_eq!(std::fs::read(&s.key).unwrap(), before);
}

#[test]
fn the_device_takes_one_update_a_tick_and_keeps_the_old_one_when_one_fails() {
    let s = signed("device");
    let updates = s.dir.join("updates");
    std::fs::create_dir_all(&updates).unwrap();
    let deliver = |name: &str, flip: bool| {
        let file = updates.join(name);
        std::fs::copy(&s.pulley, &file).unwrap();
        std::fs::copy(sig(&s.pulley), sig(&file)).unwrap();
        if flip {
            let mut bytes = std::fs::read(&file).unwrap();
            bytes[100] ^= 1;
            std::fs::write(&file, bytes).unwrap();
        }
    };
    deliver("a.cwasm", false);
    deliver("b.cwasm", true);
    // Half delivered: the device never looks at a `.part` file.
    std::fs::write(updates.join("c.cwasm.part"), b"half").unwrap();
    let args = [
        &"device" as &dyn AsRef<OsStr>,
        &"--trust",
        &s.public,
        &"--updates",
        &updates,
        &"--target",
        &"pulley64",
        &"--ticks",
        &"3",
        &"--pause-ms",
        &"0",
    ];
    let out = run(&device(), &args);
    assert!(out.success(), "{}", out.stderr_text());
    let expected = format!(
        "tick 1:\n  installed a.cwasm, version 3\n{ANSWER}\
         tick 2:\n  refused b.cwasm: its signature `b.cwasm.sig` does not match it: the file \
         was changed after it was signed, or it was signed with another key\n  keeping a.cwasm, \
         version 3\n{ANSWER}tick 3:\n{ANSWER}"
    );
    assert_eq!(out.stdout_text(), expected);
    assert!(updates.join("installed/a.cwasm.sig").is_file());
    assert!(updates.join("rejected/b.cwasm").is_file());
    assert!(updates.join("c.cwasm.part").is_file());
}

#[test]
fn a_device_without_its_updates_folder_says_so() {
    let s = signed("no-updates");
    let missing = s.dir.join("no-such-folder");
    let args: [&OsStr; 7] = [
        "device".as_ref(),
        "--trust".as_ref(),
        s.public.as_os_str(),
        "--updates".as_ref(),
        missing.as_os_str(),
        "--ticks".as_ref(),
        "1".as_ref(),
    ];
    let shown = missing.display().to_string();
    assert_fails_clearly(&device(), &args, &[&shown, "is not a folder"]);
}

#[test]
fn bench_aot_measures_every_figure_in_one_run() {
    let kept = workbook_tests::measured::quick_run(
        &["aot"],
        "bench aot: chapter 8 measured in ",
        xtask::bench::aot::BOOK_FILE,
    );
    // Every figure is there and is a positive number (their sizes are
    // reported, never asserted), in this run and in the book's.
    let rows = [
        "compile (Cranelift)",
        "load the precompiled .cwasm",
        "compile / load",
        "Cranelift, Wasmtime's defaults",
        "Cranelift, the device's settings",
        "Pulley, the device's settings",
        "chapter-8-host (compiles)",
        "chapter-8-host-device",
        "chapter-8-host, compiling the .wasm",
        "chapter-8-host-device, loading Pulley's .cwasm",
    ];
    let book = workbook_tests::measured::committed(xtask::bench::aot::BOOK_FILE);
    for table in [&kept, &book] {
        for row in rows {
            let line = table
                .lines()
                .find(|l| l.trim_start().starts_with(row))
                .unwrap_or_else(|| panic!("no row `{row}`:\n{table}"));
            let figure: f64 = line[row.len() + 2..]
                .split_whitespace()
                .next()
                .and_then(|f| f.trim_end_matches('x').parse().ok())
                .unwrap_or_else(|| panic!("no figure in `{line}`"));
            assert!(figure > 0.0, "{line}");
        }
    }
    workbook_tests::measured::assert_committed_has_the_shape_of(
        xtask::bench::aot::BOOK_FILE,
        &kept,
    );
}
