//! The rules that keep the book literate: no pasted listings or outputs, no
//! include of a missing file or anchor, a page for every chapter.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use regex::Regex;

use xtask::chapters;

use super::{dir, generated_dir};

/// The markdown pages of the book, relative to `book/src`; generated ones and
/// the measurements' files (`measured/`) left out.
pub fn pages(root: &Path) -> Result<Vec<PathBuf>> {
    let src = dir(root).join("src");
    let mut pages = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                if path != generated_dir(root) && path != xtask::bench::measured_dir(root) {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path.strip_prefix(&src).unwrap_or(&path).to_path_buf());
            }
        }
    }
    pages.sort();
    Ok(pages)
}

/// A fenced code block of a page.
#[derive(Debug)]
pub struct Fence {
    pub page: PathBuf,
    /// 1-based line of the opening fence.
    pub line: usize,
    pub info: String,
    pub body: Vec<String>,
}

/// Every fenced block (```) of a markdown text.
pub fn fences(page: &Path, text: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut open: Option<Fence> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None if trimmed.starts_with("```") => {
                open = Some(Fence {
                    page: page.to_path_buf(),
                    line: i + 1,
                    info: trimmed.trim_start_matches('`').trim().to_string(),
                    body: Vec::new(),
                });
            }
            None => {}
            Some(fence) if trimmed.starts_with("```") => fences.push(fence),
            Some(mut fence) => {
                fence.body.push(line.to_string());
                open = Some(fence);
            }
        }
    }
    fences
}

/// Languages whose blocks are listings of real files: they must be includes.
const LISTING_LANGUAGES: &[&str] = &["rust", "toml", "json", "wat", "wit"];
/// Languages of output blocks: they must be includes too.
const OUTPUT_LANGUAGES: &[&str] = &["text", "output"];

/// The rules of a literate book; returns one line per broken rule.
///
/// - a Rust, TOML, JSON or WAT block is `{{#include …}}` lines only, except
///   Rust of at most 3 lines (a signature, an attribute);
/// - an output block (`text`) is an include;
/// - every include names a file that exists and, if it names an anchor, an
///   anchor that file has;
/// - SUMMARY.md lists a page for every chapter folder and none for chapters
///   that do not exist.
pub fn lint(root: &Path) -> Result<Vec<String>> {
    let src = dir(root).join("src");
    let include = Regex::new(r"\{\{#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}")?;
    let mut problems = Vec::new();
    for page in pages(root)? {
        let path = src.join(&page);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let shown = format!("book/src/{}", page.display());
        for fence in fences(&page, &text) {
            let lang = fence
                .info
                .split([',', ' '])
                .next()
                .unwrap_or("")
                .to_string();
            let content: Vec<&String> =
                fence.body.iter().filter(|l| !l.trim().is_empty()).collect();
            let all_includes = content.iter().all(|l| include.is_match(l.trim()));
            let at = format!("{shown}:{}", fence.line);
            if LISTING_LANGUAGES.contains(&lang.as_str()) && !all_includes {
                let short_rust = lang == "rust" && content.len() <= 3;
                if !short_rust {
                    problems.push(format!(
                        "{at}: a ```{lang} block written inline ({} lines); include it from the tested file with {{{{#include path:anchor}}}}",
                        content.len()
                    ));
                }
            }
            if OUTPUT_LANGUAGES.contains(&lang.as_str()) && (!all_includes || content.is_empty()) {
                problems.push(format!(
                    "{at}: an output block that is not an include; include the snapshot's output from generated/outputs/"
                ));
            }
        }
        for (number, line) in text.lines().enumerate() {
            for cap in include.captures_iter(line) {
                let target = &cap[2];
                if let Some(problem) = check_include(&path, target) {
                    problems.push(format!("{shown}:{}: {problem}", number + 1));
                }
            }
        }
    }
    problems.extend(check_summary(root)?);
    Ok(problems)
}

/// `path[:anchor | :start:end]` relative to the page: does it resolve?
fn check_include(page: &Path, target: &str) -> Option<String> {
    let mut parts = target.splitn(2, ':');
    let file = parts.next().unwrap_or("");
    let selector = parts.next();
    let path = page.parent().unwrap_or(Path::new(".")).join(file);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Some(format!(
            "the include `{target}` names a file that does not exist"
        ));
    };
    match selector {
        None => None,
        Some(sel)
            if sel
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == ':') =>
        {
            None
        }
        Some(anchor) => {
            let start = Regex::new(&format!(r"ANCHOR:\s*{}\b", regex::escape(anchor))).ok()?;
            let end = Regex::new(&format!(r"ANCHOR_END:\s*{}\b", regex::escape(anchor))).ok()?;
            if !start.is_match(&text) || !end.is_match(&text) {
                Some(format!(
                    "the include `{target}`: {file} has no anchor `{anchor}` (ANCHOR: / ANCHOR_END:)"
                ))
            } else {
                None
            }
        }
    }
}

/// SUMMARY.md against the chapter folders: `chapter-N.md` for each, no more;
/// and the introduction names each chapter.
fn check_summary(root: &Path) -> Result<Vec<String>> {
    let summary_path = dir(root).join("src").join("SUMMARY.md");
    let summary =
        std::fs::read_to_string(&summary_path).context("cannot read book/src/SUMMARY.md")?;
    let linked = Regex::new(r"\]\((chapter-(\d+)\.md)\)")?;
    let listed: BTreeSet<u32> = linked
        .captures_iter(&summary)
        .filter_map(|c| c[2].parse().ok())
        .collect();
    let existing: BTreeSet<u32> = chapters::all(root)?.iter().map(|c| c.number).collect();
    let mut problems = Vec::new();
    for n in existing.difference(&listed) {
        problems.push(format!(
            "book/src/SUMMARY.md: chapter {n} exists but has no page (chapter-{n}.md)"
        ));
    }
    for n in listed.difference(&existing) {
        problems.push(format!("book/src/SUMMARY.md: lists chapter-{n}.md, but there is no chapters/chapter-{n}-* folder"));
    }
    // The introduction's "What you will build" says what each chapter does.
    let intro_path = dir(root).join("src").join("introduction.md");
    let intro = std::fs::read_to_string(&intro_path).unwrap_or_default();
    for n in &existing {
        if !intro.contains(&format!("**Chapter {n}**")) {
            problems.push(format!(
                "book/src/introduction.md: \"What you will build\" says nothing of chapter {n} (a line starting `- **Chapter {n}**`)"
            ));
        }
    }
    Ok(problems)
}
