//! Reading the expected output out of an insta snapshot file.
//!
//! The `.snap` files under `chapters/*/snapshots/` are written by the insta
//! tests in `tests/` and are the one record of what each host prints: the
//! xtask's `check` compares with them and the book shows them.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// The body of an insta `.snap` file: everything after its `---` header.
pub fn expected_output(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the expected output {} (create it with `cargo xtask test`, then `cargo insta review`)",
            path.display()
        )
    })?;
    body(&text).with_context(|| format!("{} is not an insta snapshot", path.display()))
}

fn body(text: &str) -> Result<String> {
    let Some(rest) = text.strip_prefix("---\n") else {
        bail!("it does not start with a `---` line");
    };
    match rest.find("\n---\n") {
        Some(end) => Ok(rest[end + "\n---\n".len()..].to_string()),
        None => bail!("its header has no closing `---` line"),
    }
}

#[cfg(test)]
mod tests {
    use super::body;

    #[test]
    fn the_body_is_what_follows_the_header() {
        let snap = "---\nsource: tests/a.rs\nexpression: stdout\n---\nline 1\nline 2\n";
        assert_eq!(body(snap).unwrap(), "line 1\nline 2\n");
    }

    #[test]
    fn a_file_without_a_header_is_refused() {
        assert!(body("line 1\n").is_err());
        assert!(body("---\nsource: x\nline\n").is_err());
    }
}
