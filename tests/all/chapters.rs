//! What every chapter promises, checked for all of them at once: each host
//! runs the guests the xtask built when given no argument, from any directory;
//! each chapter has its tests, its snapshots and its book page.

use workbook_tests::{chapter, root, run_command, run_host};

#[test]
fn without_arguments_every_host_runs_the_built_guests_from_any_directory() {
    let _files = workbook_tests::running_hosts_with_files();
    for ch in xtask::chapters::all(&root()).unwrap() {
        for ready in chapter(&format!("chapter-{}", ch.number)) {
            let mut cmd = std::process::Command::new(&ready.exe);
            cmd.current_dir(std::env::temp_dir());
            let out = run_command(cmd);
            assert!(
                out.success(),
                "{} without arguments: {}",
                ready.host.package,
                out.stderr_text()
            );
            assert_eq!(
                out.stdout_text(),
                run_host(&ready).stdout_text(),
                "{}",
                ready.host.package
            );
        }
    }
}

#[test]
fn every_chapter_has_a_test_file_a_snapshot_per_host_and_a_page() {
    let root = root();
    for ch in xtask::chapters::all(&root).unwrap() {
        let tests = root.join(format!("tests/all/chapter_{}.rs", ch.number));
        let text = std::fs::read_to_string(&tests)
            .unwrap_or_else(|_| panic!("{ch} has no {}", tests.display()));
        assert!(!ch.hosts.is_empty(), "{ch} has no host");
        assert!(
            text.contains("assert_output_snapshot"),
            "{} does not check its hosts' snapshots",
            tests.display()
        );
        for host in &ch.hosts {
            assert!(
                host.snapshot.is_file(),
                "{}: no snapshot {}",
                host.package,
                host.snapshot.display()
            );
            assert!(
                text.contains(&format!("\"{}\"", host.package)),
                "{}: the host {} is never named",
                tests.display(),
                host.package
            );
        }
        for guest in &ch.guests {
            assert!(
                text.contains(&format!("\"{guest}\"")),
                "{}: the guest {guest} is never named",
                tests.display()
            );
        }
        let page = root.join(format!("book/src/chapter-{}.md", ch.number));
        assert!(page.is_file(), "{ch} has no page {}", page.display());
    }
}

/// A workbook folder copied elsewhere with its `target/` (a class's prepared
/// copy, `cp -a`, which keeps file times so cargo rebuilds nothing): its
/// programs work on the folder they are in, never on the one they were
/// compiled in. Here the copy holds chapter 1's host next to a guest of its
/// own (chapter 1's `sum.wat`, which prints nothing), and a workbook with no
/// exercises next to the xtask.
#[test]
fn a_copied_workbook_runs_its_own_guests_and_grades_its_own_exercises() {
    let copy = root().join("target/test-files/copied-workbook");
    let _ = std::fs::remove_dir_all(&copy);
    let debug = copy.join("target/debug");
    let wasm = copy.join("target/wasm/wasm32-wasip1/debug");
    for dir in [
        &debug,
        &wasm,
        &copy.join("chapters"),
        &copy.join("xtask"),
        &copy.join("exercises"),
    ] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let ready = workbook_tests::host("chapter-1", "chapter-1-host");
    std::fs::copy(&ready.exe, debug.join("chapter-1-host")).unwrap();
    let sum = wat::parse_file(root().join("chapters/chapter-1-first-module/sum.wat")).unwrap();
    std::fs::write(wasm.join("chapter_1_guest.wasm"), sum).unwrap();

    let mut cmd = std::process::Command::new(debug.join("chapter-1-host"));
    cmd.current_dir(std::env::temp_dir());
    let out = run_command(cmd);
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        out.stdout_text(),
        "From host: Answer returned to the host VM: 9\n",
        "the copied host ran another guest than the copy's"
    );

    std::fs::copy(workbook_tests::xtask_binary(), debug.join("xtask")).unwrap();
    std::fs::write(copy.join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::write(copy.join("xtask/Cargo.toml"), "").unwrap();
    std::fs::write(copy.join("exercises/exercises.toml"), "exercise = []\n").unwrap();
    let mut cmd = std::process::Command::new(debug.join("xtask"));
    cmd.arg("list").current_dir(std::env::temp_dir());
    let out = run_command(cmd);
    assert!(out.success(), "{}", out.stderr_text());
    assert!(
        out.stdout_text().contains("total: 0/0 points"),
        "the copied xtask read another workbook than the copy:\n{}",
        out.stdout_text()
    );
}
