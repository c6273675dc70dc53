//! Running modules in the programs that link Wasmtime, and judging how each
//! run ended. A run is fine when the program finished and said what became
//! of the module (ran, stopped by a limit, refused with an error); anything
//! else is a finding: a panic (exit 101), a signal, a hang.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use xtask::process::{self, Captured};

/// What became of one module in one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It ran: finished, exited, crashed or was stopped by a limit.
    Ran(String),
    /// It was refused with an error that names the problem.
    Refused,
    /// The program panicked, was killed by a signal, or hung.
    Finding(String),
}

/// Chapter 6's gallery host, run on a batch of modules, one process for all.
pub struct Gallery {
    pub exe: PathBuf,
    /// The deadline of each module, shorter than the default second: random
    /// modules that loop are common.
    pub deadline_ms: u64,
    /// Where the runners' compile cache goes (not the user's own).
    pub cache_home: PathBuf,
}

impl Gallery {
    /// Run `modules` (file names unique within the batch). Returns a verdict
    /// for each, in order.
    pub fn run(&self, modules: &[PathBuf]) -> Result<Vec<Verdict>> {
        let mut verdicts = Vec::new();
        let mut rest = modules;
        while !rest.is_empty() {
            let mut cmd = Command::new(&self.exe);
            cmd.arg("--deadline")
                .arg(self.deadline_ms.to_string())
                .args(rest)
                .env("XDG_CACHE_HOME", &self.cache_home);
            // Each module takes at most its deadline and the sandbox's grace
            // (half a second), plus compiling: far less than this.
            let limit = Duration::from_secs(60) + Duration::from_millis(2_000 * rest.len() as u64);
            let out = process::run_captured(cmd, limit)?;
            let done = gallery_verdicts(&out.stdout_text());
            let finished = done.len();
            verdicts.extend(done);
            if finished >= rest.len() && out.success() {
                break;
            }
            // The program stopped before the end: the module it was on is
            // the finding; the next run starts after it.
            let culprit = finished.min(rest.len() - 1);
            verdicts.truncate(verdicts.len() - (finished - culprit));
            verdicts.push(Verdict::Finding(ending_of(&out)));
            rest = &rest[culprit + 1..];
        }
        Ok(verdicts)
    }
}

/// The gallery prints each module's file name on a line of its own, then
/// indented lines, the last of which says how the module's run ended.
fn gallery_verdicts(stdout: &str) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    let mut last: Option<&str> = None;
    let flush = |last: Option<&str>, verdicts: &mut Vec<Verdict>| {
        if let Some(line) = last {
            verdicts.push(if line.starts_with("refused:") {
                Verdict::Refused
            } else {
                Verdict::Ran(ending_word(line))
            });
        }
    };
    for line in stdout.lines() {
        match line.strip_prefix("  ") {
            Some(inner) if !inner.starts_with("| ") => last = Some(inner),
            Some(_) => {}
            None => {
                flush(last.take(), &mut verdicts);
            }
        }
    }
    flush(last, &mut verdicts);
    verdicts
}

/// `ran out of time after 50 ms (exit code 3)` -> `exit code 3`.
fn ending_word(line: &str) -> String {
    match line.rsplit_once('(') {
        Some((_, code)) => code.trim_end_matches(')').to_string(),
        None => line.to_string(),
    }
}

/// How a program ended, for a finding: its status and the end of its stderr.
fn ending_of(out: &Captured) -> String {
    let stderr = out.stderr_text();
    let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    format!("{}\n{}", out.ending(), tail.join("\n"))
}

/// A program that runs one module per process (the grader's `guest-call`, a
/// chapter host): fine when it exits 0, or with the code it uses for an
/// error (`refused_code`), within the limit.
pub fn judge_one(out: &Captured, refused_code: i32) -> Verdict {
    match out.status.and_then(|s| s.code()) {
        Some(0) => Verdict::Ran("exit code 0".into()),
        Some(code) if code == refused_code => Verdict::Refused,
        _ => Verdict::Finding(ending_of(out)),
    }
}

/// `guest-call`'s command line for a module: its first exported function,
/// called with zeros (the grader calls exports with integers). `None` when
/// the module does not parse or exports no function.
pub fn guest_call(exe: &Path, wasm: &Path, bytes: &[u8]) -> Option<Command> {
    let (export, params) = first_function_export(bytes)?;
    let args = vec![0i64; params];
    Some(xtask::guest_call::command_with(
        exe,
        wasm,
        &export,
        &args,
        &[],
    ))
}

/// The first exported function's name and number of parameters.
fn first_function_export(bytes: &[u8]) -> Option<(String, usize)> {
    use wasmparser::{Payload, TypeRef};
    let mut types: Vec<usize> = Vec::new();
    let mut funcs: Vec<u32> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload.ok()? {
            Payload::TypeSection(section) => {
                for ty in section.into_iter_err_on_gc_types() {
                    types.push(ty.ok()?.params().len());
                }
            }
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if let TypeRef::Func(ty) = import.ok()?.ty {
                        funcs.push(ty);
                    }
                }
            }
            Payload::FunctionSection(section) => {
                for ty in section {
                    funcs.push(ty.ok()?);
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    let export = export.ok()?;
                    if export.kind == wasmparser::ExternalKind::Func {
                        let ty = *funcs.get(export.index as usize)?;
                        return Some((export.name.to_string(), *types.get(ty as usize)?));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gallery_output_gives_one_verdict_per_module() {
        let stdout = "a.wasm\n  | hello\n  | more\n  finished (exit code 0)\nb.wasm\n  refused: cannot load it\nc.wasm\n  ran out of time after 50 ms (exit code 3)\n";
        assert_eq!(
            gallery_verdicts(stdout),
            vec![
                Verdict::Ran("exit code 0".into()),
                Verdict::Refused,
                Verdict::Ran("exit code 3".into())
            ]
        );
        // Cut off in the middle of a module: that one has no verdict.
        assert_eq!(
            gallery_verdicts("a.wasm\n  finished (exit code 0)\nb.wasm\n").len(),
            1
        );
    }

    #[test]
    fn the_first_function_export_is_found_with_its_parameters() {
        let bytes = wat::parse_str(
            r#"(module (import "m" "f" (func)) (func (param i32 i64))
                       (memory (export "memory") 1) (export "g" (func 1)))"#,
        )
        .unwrap();
        assert_eq!(first_function_export(&bytes), Some(("g".to_string(), 2)));
        assert_eq!(first_function_export(b"\0asm garbage"), None);
    }
}
