//! `cargo xtask doctor`: the guest toolchain's routes, as a user sees them.

use std::process::Command;

use workbook_tests::{root, run_command, xtask_binary};

fn doctor(route: Option<&str>) -> workbook_tests::Captured {
    let mut cmd = Command::new(xtask_binary());
    cmd.arg("doctor").current_dir(root());
    // Without a route of its own, the test's environment chooses, as it does
    // for `toolchain::find` below.
    if let Some(route) = route {
        cmd.env("WORKBOOK_GUEST_ROUTE", route);
    }
    run_command(cmd)
}

#[test]
fn doctor_describes_both_routes_and_names_the_one_in_use() {
    let out = doctor(None);
    let stdout = out.stdout_text();
    assert!(out.success(), "{stdout}{}", out.stderr_text());
    for line in ["route 1, rustup:", "route 3, build-std:", "PASS  in use: "] {
        assert!(stdout.contains(line), "no `{line}` in:\n{stdout}");
    }
    let toolchain = xtask::toolchain::find().expect("a guest toolchain");
    assert!(
        stdout.contains(&toolchain.to_string()),
        "doctor does not name {toolchain}:\n{stdout}"
    );
    assert!(
        stdout.contains("std's source, for chapter 3's immediate-abort rungs: "),
        "{stdout}"
    );
}

#[test]
fn an_unknown_route_is_refused_with_the_ones_that_exist() {
    let out = doctor(Some("rustpu"));
    let stdout = out.stdout_text();
    assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "WORKBOOK_GUEST_ROUTE=rustpu is not a route: set it to `rustup` or `build-std`"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("restricts the choice"), "{stdout}");
}
