//! Chapter 2's debuggers: gdb and LLDB stop at a line of the guest's Rust
//! source with its arguments readable, and the VS Code launch configuration
//! runs what it says. See the parent module for how a missing debugger is
//! handled.

use super::*;

/// The first program of `candidates` that exists (a path, or a name on `PATH`).
/// Without one, says the test is skipped and returns `None`; in CI, fails.
fn debugger(name: &str, candidates: &[&str], apt_package: &str) -> Option<PathBuf> {
    let on_path = |program: &str| -> Option<PathBuf> {
        if program.contains('/') {
            return Path::new(program).is_file().then(|| PathBuf::from(program));
        }
        xtask::process::which(program)
    };
    if let Some(found) = candidates.iter().find_map(|c| on_path(c)) {
        return Some(found);
    }
    workbook_tests::skip_unless_ci(&format!(
        "{name} not installed (apt-get install {apt_package})"
    ));
    None
}

fn run_debugger(cmd: Command) -> Captured {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = xtask::process::run_captured(cmd, DEBUGGER_TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot run {program}: {e:#}"));
    assert!(
        !out.timed_out(),
        "{program} {}; it is stuck, or waits for input.\nstdout:\n{}\nstderr:\n{}",
        out.ending(),
        out.stdout_text(),
        out.stderr_text()
    );
    out
}

/// Everything a debugger printed, for failure messages.
fn transcript(out: &Captured) -> String {
    let mut text = format!(
        "--- stdout\n{}\n--- stderr\n{}",
        out.stdout_text(),
        out.stderr_text()
    );
    if text.contains("ptrace") && text.contains("Operation not permitted") {
        text.push_str("\n(the debugger may not trace processes here: in a container, allow ptrace, e.g. `--cap-add=SYS_PTRACE`)");
    }
    text
}

/// `.vscode/<name>` of the workbook, parsed.
fn vscode_json(name: &str) -> Value {
    let path = root().join(".vscode").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not plain JSON: {e}", path.display()))
}

/// The launch configuration that debugs chapter 2's host.
fn launch_configuration() -> Value {
    let launch = vscode_json("launch.json");
    let configurations = launch["configurations"]
        .as_array()
        .expect("launch.json has a `configurations` list");
    let chapter_2: Vec<&Value> = configurations
        .iter()
        .filter(|c| {
            c["program"]
                .as_str()
                .is_some_and(|p| p.ends_with("/chapter-2-host"))
        })
        .collect();
    assert_eq!(
        chapter_2.len(),
        1,
        "launch.json must have one configuration whose program is chapter-2-host"
    );
    chapter_2[0].clone()
}

/// A string of launch.json or tasks.json with VS Code's `${workspaceFolder}` filled in.
fn expand(value: &Value) -> String {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, found {value}"));
    text.replace("${workspaceFolder}", &root().to_string_lossy())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The lines of a debugger transcript after the line `start`, up to the next
/// line that starts with `next_prefix`.
fn section(text: &str, start: &str, next_prefix: &str) -> String {
    text.lines()
        .skip_while(|l| l.trim_end() != start)
        .skip(1)
        .take_while(|l| !l.starts_with(next_prefix))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------- debuggers

#[test]
fn gdb_stops_at_a_line_of_the_guest_and_shows_its_arguments() {
    let Some(gdb) = debugger("gdb", &["gdb"], "gdb") else {
        return;
    };
    let ready = host(CHAPTER, HOST);
    let line = marker_line(BREAK_IN_SUM);
    let step_line = marker_line(STEP_ARRIVES);
    let location = format!("{}:{line}", guest_source().display());

    let mut cmd = Command::new(&gdb);
    cmd.args(["-nx", "-batch"]);
    for command in [
        "set pagination off",
        "set width 0",
        "set confirm off",
        "set debuginfod enabled off",
        // The guest's code does not exist until Wasmtime compiles it, so the
        // breakpoint waits ("pending") until the JIT registers that code.
        "set breakpoint pending on",
        &format!("break {location}"),
        "run",
        "echo ==info args==\\n",
        "info args",
        "echo ==step==\\n",
        "step",
        "echo ==bt==\\n",
        "bt",
        "echo ==end==\\n",
        "kill",
    ] {
        cmd.arg("-ex").arg(command);
    }
    cmd.arg("--args")
        .arg(&ready.exe)
        .args(&ready.args)
        .current_dir(root());
    let out = run_debugger(cmd);
    let stdout = out.stdout_text();
    let all = transcript(&out);

    // `run` stops at the breakpoint, in the guest's `sum`, at the marked line.
    let stop = stdout
        .lines()
        .find(|l| l.contains("hit Breakpoint 1, "))
        .unwrap_or_else(|| panic!("gdb never stopped at `break {location}`:\n{all}"));
    assert!(
        stop.contains("chapter_2_guest::sum (")
            && stop.contains(&format!("guest/src/lib.rs:{line}")),
        "gdb stopped somewhere other than the guest's `sum` at line {line}: {stop}\n{all}"
    );
    // The arguments have their values, not `<optimized out>`.
    let info_args = section(&stdout, "==info args==", "==");
    let args: Vec<&str> = info_args.lines().map(str::trim).collect();
    for expected in ["a = 5", "b = 4"] {
        assert!(
            args.contains(&expected),
            "`info args` lacks `{expected}`: {args:?}\n{all}"
        );
    }
    // `step` goes into the helper, on the marked line, and its arguments are
    // readable too: with Cranelift's optimisation on, gdb shows them here as
    // `a=<optimized out>, b=<optimized out>`.
    let step = section(&stdout, "==step==", "==");
    assert!(
        step.contains("chapter_2_guest::add (a=5, b=4)")
            && step.contains(&format!("guest/src/lib.rs:{step_line}")),
        "`step` did not arrive in `add` at line {step_line}:\n{step}\n{all}"
    );
    // The backtrace: `add`, called by `sum`, both guest code.
    let bt = section(&stdout, "==bt==", "==");
    let frame = |n: usize| {
        bt.lines()
            .find(|l| l.starts_with(&format!("#{n} ")))
            .unwrap_or("")
    };
    assert!(
        frame(0).contains("chapter_2_guest::add (a=5, b=4)"),
        "`bt` frame #0 is not `add`:\n{bt}\n{all}"
    );
    assert!(
        frame(1).contains("chapter_2_guest::sum (a=5, b=4)"),
        "`bt` frame #1 is not `sum`:\n{bt}\n{all}"
    );
}

// LLDB 19 (Debian's `lldb-19`, 1:19.1.7-3~deb12u1) works as well as gdb here,
// and better: its backtrace goes on through Wasmtime's trampoline into the
// host's `main`, where gdb's ends in `?? ()` frames after the guest's export
// wrapper. LLDB's JIT loader is on by default on Linux; the launch
// configuration turns it on explicitly (`initCommands`) and so does this test,
// which runs the very program, arguments and init commands of that
// configuration: what CodeLLDB would run, minus the editor.
#[test]
fn lldb_runs_the_vscode_configuration_and_stops_at_a_line_of_the_guest() {
    let Some(lldb) = debugger(
        "lldb",
        &["lldb-19", "/usr/lib/llvm-19/bin/lldb", "lldb"],
        "lldb-19",
    ) else {
        return;
    };
    // Built so that the configuration's paths exist.
    let _ = host(CHAPTER, HOST);
    let config = launch_configuration();
    let program = expand(&config["program"]);
    let args: Vec<String> = config["args"]
        .as_array()
        .map(|a| a.iter().map(expand).collect())
        .unwrap_or_default();
    let init: Vec<String> = config["initCommands"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c.as_str().expect("initCommands are strings").to_string())
                .collect()
        })
        .unwrap_or_default();

    let line = marker_line(BREAK_IN_SUM);
    let step_line = marker_line(STEP_ARRIVES);
    let source = guest_source();
    let mut cmd = Command::new(&lldb);
    cmd.args(["--batch", "--no-lldbinit"]);
    for command in &init {
        cmd.arg("--one-line-before-file").arg(command);
    }
    for command in [
        &format!("breakpoint set --file {} --line {line}", source.display()),
        "run",
        "frame variable",
        "thread step-in",
        "bt",
        "process kill",
    ] {
        cmd.arg("--one-line").arg(command);
    }
    cmd.arg("--").arg(&program).args(&args).current_dir(root());
    let out = run_debugger(cmd);
    let stdout = out.stdout_text();
    let all = transcript(&out);

    let stop = section(&stdout, "(lldb) run", "(lldb) ");
    assert!(
        stop.contains("stop reason = breakpoint 1.1")
            && stop.contains(&format!("sum(a=5, b=4) at lib.rs:{line}")),
        "LLDB did not stop in the guest's `sum` at line {line}:\n{all}"
    );
    let frame_variable = section(&stdout, "(lldb) frame variable", "(lldb) ");
    let variables: Vec<&str> = frame_variable.lines().map(str::trim).collect();
    for expected in ["(int) a = 5", "(int) b = 4"] {
        assert!(
            variables.contains(&expected),
            "`frame variable` lacks `{expected}`: {variables:?}\n{all}"
        );
    }
    let step = section(&stdout, "(lldb) thread step-in", "(lldb) ");
    // (rustup's std and Debian's differ in symbol mangling: LLDB shows
    // `chapter_2_guest::add::h…(a=5, b=4)` for the one, without `::h…` for the other.)
    let stopped = step
        .lines()
        .find(|l| l.contains("frame #0: "))
        .unwrap_or("");
    assert!(
        stopped.contains("chapter_2_guest::add")
            && stopped.contains(&format!("(a=5, b=4) at lib.rs:{step_line}")),
        "`thread step-in` did not arrive in `add` at line {step_line}:\n{all}"
    );
    let bt = section(&stdout, "(lldb) bt", "(lldb) ");
    let frame = |n: usize| {
        bt.lines()
            .find(|l| l.contains(&format!("frame #{n}: ")))
            .unwrap_or("")
    };
    assert!(
        frame(0).contains("chapter_2_guest::add") && frame(0).contains("(a=5, b=4)"),
        "`bt` frame #0 is not `add`:\n{bt}\n{all}"
    );
    assert!(
        frame(1).contains("sum(a=5, b=4)"),
        "`bt` frame #1 is not `sum`:\n{bt}\n{all}"
    );
    assert!(
        bt.contains("chapter_2_host::main"),
        "LLDB's backtrace does not reach the host's `main`:\n{bt}\n{all}"
    );
}

// ---------------------------------------------------------------- VS Code

#[test]
fn the_vscode_launch_configuration_debugs_the_built_host_on_the_built_guest() {
    let ready = host(CHAPTER, HOST);
    let config = launch_configuration();
    assert_eq!(
        config["type"], "lldb",
        "CodeLLDB's configurations have type `lldb`"
    );
    assert_eq!(config["request"], "launch");

    let program = PathBuf::from(expand(&config["program"]));
    assert!(
        same_file(&program, &ready.exe),
        "launch.json's program {} is not the built host {}",
        program.display(),
        ready.exe.display()
    );
    let args = config["args"]
        .as_array()
        .expect("the configuration has `args`");
    assert_eq!(
        args.len(),
        1,
        "the host takes one argument, the guest: {args:?}"
    );
    let guest = PathBuf::from(expand(&args[0]));
    assert!(
        same_file(&guest, &guest_wasm(CHAPTER, GUEST)),
        "launch.json's argument {} is not the built guest",
        guest.display()
    );

    // The pre-launch task builds the guest, then the host: through its
    // `dependsOn`, in that order, exactly these two cargo commands.
    let tasks = vscode_json("tasks.json");
    let tasks = tasks["tasks"]
        .as_array()
        .expect("tasks.json has a `tasks` list");
    let task = |label: &str| -> &Value {
        tasks
            .iter()
            .find(|t| t["label"] == label)
            .unwrap_or_else(|| panic!("tasks.json has no task labelled `{label}`"))
    };
    let pre_launch = config["preLaunchTask"]
        .as_str()
        .expect("the configuration has a `preLaunchTask`");
    let mut commands = Vec::new();
    let mut pending = vec![task(pre_launch)];
    while let Some(t) = pending.pop() {
        if let Some(command) = t["command"].as_str() {
            let args = t["args"].as_array().map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or("?"))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            commands.push(
                format!("{command} {}", args.unwrap_or_default())
                    .trim()
                    .to_string(),
            );
        }
        if let Some(depends) = t["dependsOn"].as_array() {
            assert!(
                depends.len() < 2 || t["dependsOrder"] == "sequence",
                "`{}` must run its tasks in sequence",
                t["label"]
            );
            pending.extend(
                depends
                    .iter()
                    .rev()
                    .map(|d| task(d.as_str().expect("dependsOn names tasks"))),
            );
        }
    }
    assert_eq!(
        commands,
        [
            "cargo xtask build chapter-2",
            "cargo build --package chapter-2-host"
        ]
    );
}
