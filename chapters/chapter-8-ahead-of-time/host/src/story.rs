//! The build machine's story, which `cargo xtask run chapter-8` tells first:
//! a key, chapter 1's guest compiled for four machines, each tried here, and
//! five updates published for `chapter-8-host-device`, whose story downloads
//! to take, one a tick.

use std::path::Path;

use wasmtime::Result;
use wasmtime::error::Context;

use crate::{build_machine, device};

/// The machines chapter 1's guest is compiled for, and the file for each.
const TARGETS: [(&str, &str); 4] = [
    ("x86_64-unknown-linux-gnu", "sum-x86_64.cwasm"),
    ("aarch64-unknown-linux-gnu", "sum-aarch64.cwasm"),
    ("riscv64gc-unknown-linux-gnu", "sum-riscv64gc.cwasm"),
    ("pulley64", "sum-pulley64.cwasm"),
];

pub fn run(sum_wasm: &Path, dir: &Path) -> Result<()> {
    // A fresh start: the story makes its own key and files each time.
    let (keys, build) = (dir.join("keys"), dir.join("build"));
    let published = dir.join("published");
    for old in [&keys, &build, &published] {
        if old.exists() {
            std::fs::remove_dir_all(old)
                .with_context(|| format!("cannot empty `{}`", old.display()))?;
        }
    }
    println!("The build machine, in target/chapter-8/:");

    // ANCHOR: story_keys
    build_machine::keygen(&keys)?;
    println!("keygen: keys/signing.key (secret: it stays here), keys/signing.pub (for devices)");
    let key = build_machine::read_signing_key(&keys.join("signing.key"))?;
    // ANCHOR_END: story_keys

    // ANCHOR: story_precompile
    println!("precompile chapter_1_guest.wasm with the device's settings, for:");
    std::fs::create_dir_all(&build)?;
    for (target, name) in TARGETS {
        let output = build.join(name);
        build_machine::precompile(sum_wasm, &output, Some(target), false)?;
        build_machine::sign(&keys.join("signing.key"), &output, 2)?;
        println!("  {target:<28} build/{name} (and its .sig, version 2)");
    }
    // ANCHOR_END: story_precompile

    // ANCHOR: story_try
    println!("run each here, on x86_64 Linux, as `run` does:");
    for (target, name) in TARGETS {
        let file = build.join(name);
        // Pulley's bytecode needs an engine whose target is Pulley.
        let engine_target = (target == "pulley64").then_some(target);
        println!("{name}:");
        if let Err(err) = device::run_file(&keys.join("signing.pub"), &file, engine_target) {
            println!("  refused: {err:#}");
        }
    }
    // ANCHOR_END: story_try

    // ANCHOR: story_publish
    println!("publish to published/, for Pulley devices (they take one a tick, by name):");
    std::fs::create_dir_all(&published)?;
    let pulley = std::fs::read(build.join("sum-pulley64.cwasm"))?;
    let x86_64 = std::fs::read(build.join("sum-x86_64.cwasm"))?;
    let mut tampered = pulley.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    let deliveries = [
        ("01-sum.cwasm", &pulley, 1, &pulley, "pulley64, version 1"),
        (
            "02-sum.cwasm",
            &pulley,
            2,
            &tampered,
            "version 2, one bit flipped after signing",
        ),
        (
            "03-sum.cwasm",
            &x86_64,
            2,
            &x86_64,
            "version 2, compiled for x86_64",
        ),
        ("04-sum.cwasm", &pulley, 2, &pulley, "pulley64, version 2"),
        (
            "05-sum.cwasm",
            &pulley,
            1,
            &pulley,
            "version 1 again: a rollback",
        ),
    ];
    for (name, signed, version, sent, what) in deliveries {
        let sig = build_machine::sig_text(&key, version, signed);
        std::fs::write(published.join(format!("{name}.sig")), sig)?;
        std::fs::write(published.join(name), sent)?;
        println!("  {name}: {what}");
    }
    // ANCHOR_END: story_publish
    Ok(())
}
