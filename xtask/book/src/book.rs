//! The book: generating what the pages include, building it with mdbook as a
//! library, and the checks that keep it literate (no pasted listings, no
//! broken includes or links).
//!
//! Pages hold text and `{{#include}}` only. What a command can produce is
//! generated into `book/src/generated/` (gitignored) before each build:
//! the hosts' outputs from their snapshots, the WAT of guests (wasmprinter),
//! and chapter 3's size table and chart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use regex::Regex;

use xtask::chapters;
use xtask::snapshot;
use xtask::toolchain::Toolchain;

/// The book's folder.
pub fn dir(root: &Path) -> PathBuf {
    root.join("book")
}

/// Where the built HTML goes (`build-dir` in book.toml).
pub fn out_dir(root: &Path) -> PathBuf {
    root.join("target").join("book")
}

/// Where generated includes go.
pub fn generated_dir(root: &Path) -> PathBuf {
    dir(root).join("src").join("generated")
}

/// Write every generated include: outputs, WAT, and chapter 3's size files.
pub fn generate(root: &Path, toolchain: &Toolchain) -> Result<()> {
    let generated = generated_dir(root);
    let outputs = generated.join("outputs");
    std::fs::create_dir_all(&outputs)
        .with_context(|| format!("cannot create {}", outputs.display()))?;
    let all = chapters::all(root)?;
    for chapter in &all {
        for host in &chapter.hosts {
            let body = snapshot::expected_output(&host.snapshot)?;
            write_if_changed(
                &outputs.join(format!("{}.txt", host.package)),
                body.as_bytes(),
            )?;
        }
    }

    // The WAT of every chapter guest: its imports and exports, the part a reader reads.
    let wat_dir = generated.join("wat");
    std::fs::create_dir_all(&wat_dir)?;
    for (package, path) in xtask::run::build_all_guests(root, toolchain, &all)? {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = wasmprinter::print_bytes(&bytes)
            .with_context(|| format!("cannot print {}", path.display()))?;
        write_if_changed(
            &wat_dir.join(format!("{package}.imports-exports.wat")),
            imports_and_exports(&text).as_bytes(),
        )?;
    }
    // Each chapter's exercises, from the manifest.
    let manifest = xtask::exercises::load(root)?;
    for chapter in &all {
        let mut table = String::from("| exercise | what you do | points |\n| --- | --- | --- |\n");
        for ex in manifest.of_chapter(chapter.number) {
            table += &format!(
                "| `{}`: {} | {} | {} |\n",
                ex.id,
                ex.title,
                ex.task.replace('|', "\\|"),
                ex.points
            );
        }
        write_if_changed(
            &generated
                .join("exercises")
                .join(format!("chapter-{}.md", chapter.number)),
            table.as_bytes(),
        )?;
    }
    // Chapter 3's size table, chart and largest functions, measured now.
    let ladder = crate::size::ladder(root, toolchain)?;
    crate::size::write_book_files(root, &ladder)?;
    Ok(())
}

/// The `(import …)` and `(export …)` lines of a module's WAT, in a `(module …)`.
pub fn imports_and_exports(wat: &str) -> String {
    let mut out = String::from("(module\n");
    for line in wat.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("(import ") || trimmed.starts_with("(export ") {
            out.push_str("  ");
            out.push_str(trimmed);
            out.push('\n');
        }
    }
    out.push_str("  ;; ... types, functions, memory and data left out\n)\n");
    out
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Build the HTML with mdbook. Any warning mdbook gives (a missing include,
/// a broken summary) is an error here.
pub fn build(root: &Path) -> Result<PathBuf> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .without_time()
        .with_target(false)
        .with_ansi(false)
        .with_writer({
            let warnings = warnings.clone();
            move || Capture(warnings.clone())
        })
        .finish();
    let result = tracing::subscriber::with_default(subscriber, || -> Result<()> {
        let book = mdbook_driver::MDBook::load(dir(root)).context("cannot load the book")?;
        book.build().context("cannot build the book")?;
        Ok(())
    });
    let warnings =
        String::from_utf8_lossy(&warnings.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    result?;
    if !warnings.trim().is_empty() {
        bail!(
            "mdbook warned while building the book:\n{}",
            warnings.trim_end()
        );
    }
    Ok(out_dir(root))
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything `cargo xtask book` does: generate, lint, build, check links.
pub fn generate_and_build(root: &Path, toolchain: &Toolchain) -> Result<PathBuf> {
    generate(root, toolchain)?;
    build_checked(root)
}

/// Lint the pages, build the book and check its links, with what
/// [`generate`] wrote last.
pub fn build_checked(root: &Path) -> Result<PathBuf> {
    let problems = lint(root)?;
    if !problems.is_empty() {
        bail!("the book's pages break its rules:\n{}", problems.join("\n"));
    }
    let out = build(root)?;
    let broken = check_links(&out)?;
    if !broken.is_empty() {
        bail!("the built book has broken links:\n{}", broken.join("\n"));
    }
    Ok(out)
}

/// The markdown pages of the book, relative to `book/src`, generated ones left out.
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
                if path != generated_dir(root) {
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
const LISTING_LANGUAGES: &[&str] = &["rust", "toml", "json", "wat"];
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

/// SUMMARY.md against the chapter folders: `chapter-N.md` for each, no more.
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
    Ok(problems)
}

/// Every relative link and `#fragment` of the built HTML resolves to a file
/// and an element id. Returns one line per broken link.
pub fn check_links(out: &Path) -> Result<Vec<String>> {
    let href = Regex::new(r#"(?:href|src)="([^"]*)""#)?;
    let id = Regex::new(r#"\bid="([^"]+)""#)?;
    let mut html_files = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                html_files.push(path);
            }
        }
    }
    html_files.sort();
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for file in &html_files {
        let text = std::fs::read_to_string(file)?;
        ids.insert(
            file.clone(),
            id.captures_iter(&text).map(|c| c[1].to_string()).collect(),
        );
        texts.insert(file.clone(), text);
    }
    let mut broken = Vec::new();
    for (file, text) in &texts {
        let shown = file.strip_prefix(out).unwrap_or(file).display().to_string();
        for cap in href.captures_iter(text) {
            let link = cap[1].replace("&amp;", "&");
            if link.is_empty()
                || link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with("javascript:")
                || link.starts_with("data:")
                || link.starts_with("{{")
            {
                continue;
            }
            let (path_part, fragment) = match link.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or("").to_string();
            let target = if path_part.is_empty() {
                file.clone()
            } else if let Some(from_top) = path_part.strip_prefix('/') {
                // Absolute links are relative to where the book is served: its root.
                normalize(&out.join(from_top))
            } else {
                let joined = file.parent().unwrap_or(out).join(&path_part);
                normalize(&joined)
            };
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.exists() {
                broken.push(format!(
                    "{shown}: `{link}` points to a file that does not exist"
                ));
                continue;
            }
            if let Some(fragment) = fragment
                && !fragment.is_empty()
                && target.extension().is_some_and(|e| e == "html")
                && !ids.get(&target).is_some_and(|set| set.contains(&fragment))
            {
                broken.push(format!(
                    "{shown}: `{link}`: no element with id `{fragment}` there"
                ));
            }
        }
    }
    Ok(broken)
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `cargo xtask book --serve`: serve the built book on localhost and rebuild
/// it when a page, a chapter's code or a snapshot changes.
pub fn serve(root: &Path, toolchain: &Toolchain, port: u16, open: bool) -> Result<()> {
    let out = generate_and_build(root, toolchain)?;
    let address = format!("127.0.0.1:{port}");
    let server = tiny_http::Server::http(&address)
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
    // With port 0 the system picks one: say the one it picked.
    let url = match server.server_addr().to_ip() {
        Some(bound) => format!("http://{bound}/"),
        None => format!("http://{address}/"),
    };
    println!(
        "Serving the book at {url} (Ctrl-C stops); it is rebuilt when a page or a chapter changes."
    );
    if open {
        open_in_browser(&url);
    }
    {
        let root = root.to_path_buf();
        let toolchain = toolchain.clone();
        std::thread::spawn(move || rebuild_on_change(&root, &toolchain));
    }
    for request in server.incoming_requests() {
        let url_path = request
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .trim_start_matches('/')
            .to_string();
        let mut path = normalize(&out.join(percent_decode(&url_path)));
        if !path.starts_with(&out) {
            path = out.join("404.html");
        }
        if path.is_dir() {
            path = path.join("index.html");
        }
        let response = match std::fs::read(&path) {
            Ok(bytes) => {
                let mime = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "application/javascript",
                    Some("svg") => "image/svg+xml",
                    Some("json") => "application/json",
                    Some("woff2") => "font/woff2",
                    Some("png") => "image/png",
                    _ => "application/octet-stream",
                };
                let header =
                    tiny_http::Header::from_bytes("Content-Type", mime).expect("a valid header");
                tiny_http::Response::from_data(bytes)
                    .with_header(header)
                    .with_status_code(200)
            }
            Err(_) => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let _ = request.respond(response);
    }
    Ok(())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn open_in_browser(url: &str) {
    for opener in ["xdg-open", "open"] {
        if xtask::process::which(opener).is_some()
            && std::process::Command::new(opener).arg(url).spawn().is_ok()
        {
            return;
        }
    }
    println!("(no browser opener found: open {url} yourself)");
}

/// Poll the sources once a second; rebuild when one changed.
fn rebuild_on_change(root: &Path, toolchain: &Toolchain) {
    // A page edit only rebuilds the book; a change to the code behind it
    // (chapters, the manifest, the size profiles) also regenerates what the
    // pages include, chapter 3's size ladder with it.
    let pages = [root.join("book/src"), root.join("book/book.toml")];
    let code = [
        root.join("chapters"),
        root.join("exercises/exercises.toml"),
        root.join("Cargo.toml"),
    ];
    let skip = generated_dir(root);
    let mut last = (newest_change(&pages, &skip), newest_change(&code, &skip));
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let now = (newest_change(&pages, &skip), newest_change(&code, &skip));
        if now == last {
            continue;
        }
        let rebuilt = if now.1 != last.1 {
            println!("the code changed: regenerating and rebuilding the book");
            generate_and_build(root, toolchain)
        } else {
            println!("a page changed: rebuilding the book");
            build_checked(root)
        };
        last = now;
        match rebuilt {
            Ok(_) => println!("rebuilt; reload the page"),
            Err(err) => println!("the book does not build: {err:#}"),
        }
    }
}

fn newest_change(paths: &[PathBuf], skip: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        if path.starts_with(skip) || path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else if let Ok(modified) = meta.modified() {
            newest = newest.max(Some(modified));
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_escapes_are_decoded_and_broken_ones_kept() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        // A `%` followed by a character of more than one byte: kept as it is.
        assert_eq!(percent_decode("/%aé"), "/%aé");
    }
}
