//! Robustness beyond the hand-written attacks: modules made by wasm-smith and
//! real guests with bytes changed, fed to chapter 6's sandbox (the gallery
//! host, in batches), the grader's `guest-call` and the hosts of chapters
//! 1-5, as `cargo xtask fuzz` does, for a fixed seed and a bounded time.
//! Every module must be run within the limits or refused with an error.

use std::time::Duration;

use xtask_fuzz::{GALLERY, Options};

#[test]
fn random_and_mutated_modules_never_crash_or_hang_a_host() {
    let root = workbook_tests::root();
    workbook_tests::chapter("chapter-6"); // the guests the modules start from
    let toolchain = xtask::toolchain::find().expect("a guest toolchain");
    let mut options = Options::new(3_000, 20_26);
    options.guest_call_every = 40;
    options.hosts_every = 300;
    // A few thousand modules at most, and no more than 30 seconds of them
    // (a few hundred in the dev build on two cores, which reach every ending
    // below; `cargo xtask fuzz` runs longer).
    options.time_limit = Some(Duration::from_secs(30));
    let summary =
        xtask_fuzz::run(&root, &toolchain, &options, &|_, _| {}).expect("the fuzzer runs");

    let findings: Vec<String> = summary
        .findings
        .iter()
        .map(|f| format!("{} on {}:\n{}", f.runner, f.module.display(), f.what))
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n\n"));
    assert!(summary.modules >= 100, "{summary:?}");
    assert_eq!(summary.runs(GALLERY), summary.modules, "{summary:?}");
    // The modules reached every path: some finished, some were stopped by a
    // deadline, some crashed, some were refused before they ran.
    for ending in ["exit code 0", "exit code 2", "exit code 3", "refused"] {
        let n = summary
            .endings
            .get(&(GALLERY.to_string(), ending.to_string()));
        assert!(
            n.is_some_and(|&n| n > 0),
            "no `{ending}`: {:?}",
            summary.endings
        );
    }
    assert!(
        summary.runs(xtask::guest_call::PACKAGE) > 0,
        "{:?}",
        summary.endings
    );
    assert!(summary.runs("chapter-1-host") > 0, "{:?}", summary.endings);
}
