//! The book: it builds without warnings, its pages follow the literate rules
//! (listings and outputs are included from tested files), its links resolve,
//! and a real browser shows every page with its content. (Its commands: `commands`.)

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use workbook_tests::root;

/// Generate the includes and build the book once for this test binary.
fn built_book() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let _measuring = workbook_tests::measuring();
        let root = root();
        let toolchain = xtask::toolchain::find().map_err(|e| format!("{e:#}"))?;
        xtask_book::book::generate(&root, &toolchain).map_err(|e| format!("{e:#}"))?;
        xtask_book::book::build(&root).map_err(|e| format!("{e:#}"))
    });
    match built {
        Ok(path) => path,
        Err(err) => panic!("the book does not build: {err}"),
    }
}

#[test]
fn the_book_builds_without_warnings() {
    let out = built_book();
    assert!(out.join("index.html").is_file());
    assert!(out.join("chapter-1.html").is_file());
}

#[test]
fn every_page_follows_the_literate_rules() {
    built_book(); // the generated includes must exist
    let problems = xtask_book::book::lint(&root()).expect("the pages are readable");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let broken = xtask_book::book::check_links(built_book()).expect("the built book is readable");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The lint catches what it is there to catch: write a bad page into a copy of
/// the book and see each rule fire.
#[test]
fn the_lint_catches_pasted_listings_broken_includes_and_pasted_output() {
    let copy = root().join("target").join("test-files").join("book-lint");
    let _ = std::fs::remove_dir_all(&copy);
    // A minimal workbook layout: the lint reads book/src and chapters/.
    let book_src = copy.join("book").join("src");
    std::fs::create_dir_all(&book_src).unwrap();
    // One chapter, which the introduction below does not name.
    std::fs::create_dir_all(copy.join("chapters").join("chapter-1-demo")).unwrap();
    std::fs::write(book_src.join("introduction.md"), "# Introduction\n").unwrap();
    std::fs::write(
        copy.join("lib.rs"),
        "// ANCHOR: here\nfn f() {}\n// ANCHOR_END: here\n",
    )
    .unwrap();
    std::fs::write(
        book_src.join("SUMMARY.md"),
        "# Summary\n\n- [Page](page.md)\n- [Chapter 1](chapter-1.md)\n- [Chapter 99](chapter-99.md)\n",
    )
    .unwrap();
    let page = [
        "# Page",
        "```rust",
        "fn pasted() {",
        "    let a = 1;",
        "    let b = 2;",
        "}",
        "```",
        "```rust",
        "{{#include ../../lib.rs:here}}",
        "```",
        "```rust",
        "{{#include ../../lib.rs:nowhere}}",
        "```",
        "```rust",
        "{{#include ../../missing.rs}}",
        "```",
        "```text",
        "From WASM: Sum is: 9",
        "```",
        "```rust",
        "#[unsafe(no_mangle)]",
        "```",
    ]
    .join("\n");
    std::fs::write(book_src.join("page.md"), page).unwrap();
    let problems = xtask_book::book::lint(&copy).unwrap().join("\n");
    assert!(
        problems.contains("page.md:2: a ```rust block written inline (4 lines)"),
        "{problems}"
    );
    assert!(problems.contains("has no anchor `nowhere`"), "{problems}");
    assert!(
        problems.contains("`../../missing.rs` names a file that does not exist"),
        "{problems}"
    );
    assert!(
        problems.contains("page.md:17: an output block that is not an include"),
        "{problems}"
    );
    assert!(
        problems.contains("lists chapter-99.md, but there is no chapters/chapter-99-* folder"),
        "{problems}"
    );
    assert!(
        problems.contains("introduction.md: \"What you will build\" says nothing of chapter 1"),
        "{problems}"
    );
    assert_eq!(
        problems.lines().count(),
        6,
        "the 3-line Rust and the good include pass:\n{problems}"
    );
}

#[test]
fn the_link_check_catches_a_broken_link_and_a_missing_anchor() {
    let dir = root().join("target").join("test-files").join("book-links");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.html"), r#"<h1 id="top">A</h1><a href="b.html#here">ok</a><a href="b.html#gone">x</a><a href="c.html">y</a><a href="https://example.com">z</a>"#).unwrap();
    std::fs::write(
        dir.join("b.html"),
        r#"<p id="here">B</p><a href="a.html#top">back</a>"#,
    )
    .unwrap();
    let broken = xtask_book::book::check_links(&dir).unwrap();
    assert_eq!(broken.len(), 2, "{broken:#?}");
    assert!(
        broken[0].contains("`b.html#gone`: no element with id `gone`"),
        "{broken:#?}"
    );
    assert!(
        broken[1].contains("`c.html` points to a file that does not exist"),
        "{broken:#?}"
    );
}

#[test]
fn a_browser_shows_every_page_with_its_code_and_output() {
    let Some(chromium) = workbook_tests::chromium() else {
        workbook_tests::skip_unless_ci(
            "the browser test: chromium not installed (apt-get install chromium)",
        );
        return;
    };
    let out = built_book();
    let search_index = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("searchindex"));
    assert!(search_index, "the built book has no search index");

    let root = root();
    let chapter_pages: Vec<String> = xtask::chapters::all(&root)
        .unwrap()
        .iter()
        .map(|c| format!("chapter-{}.html", c.number))
        .collect();
    let mut pages: Vec<String> = vec![
        "index.html".into(),
        "introduction.html".into(),
        "setup.html".into(),
    ];
    pages.extend(chapter_pages.iter().cloned());
    for page in &pages {
        let dom = workbook_tests::dump_dom(&chromium, &out.join(page));
        let main = dom.split("<main").nth(1).unwrap_or_default();
        let text = strip_tags(main);
        assert!(
            text.split_whitespace().count() > 100,
            "{page} looks blank in the browser:\n{text}"
        );
        assert!(
            dom.contains("id=\"mdbook-searchbar\"") || dom.contains("id=\"searchbar\""),
            "{page} has no search bar"
        );
        if chapter_pages.contains(page) {
            assert!(main.contains("language-rust"), "{page} shows no Rust code");
            assert!(
                main.contains("language-text"),
                "{page} shows no program output"
            );
        }
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
