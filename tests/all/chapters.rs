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
