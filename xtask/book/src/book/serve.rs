//! `cargo xtask book --serve`: the built book on localhost, rebuilt when a
//! page or the code behind it changes.

use std::path::{Path, PathBuf};

use anyhow::Result;

use xtask::toolchain::Toolchain;

use super::links::normalize;
use super::{build_checked, generate_and_build, generated_dir};

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
        let decoded = percent_encoding::percent_decode_str(&url_path).decode_utf8_lossy();
        let mut path = normalize(&out.join(decoded.as_ref()));
        if !path.starts_with(&out) {
            path = out.join("404.html");
        }
        if path.is_dir() {
            path = path.join("index.html");
        }
        let response = match std::fs::read(&path) {
            Ok(bytes) => {
                let mime = mime_guess::from_path(&path).first_or_octet_stream();
                let response = tiny_http::Response::from_data(bytes);
                match tiny_http::Header::from_bytes("Content-Type", mime.essence_str()) {
                    Ok(header) => response.with_header(header),
                    Err(()) => response,
                }
            }
            Err(_) => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let _ = request.respond(response);
    }
    Ok(())
}

/// Open `url` in the desktop's browser; where there is none (no desktop, no
/// opener, or the opener fails), say so and where to go instead.
pub fn open_in_browser(url: &str) {
    match try_open(url) {
        Ok(()) => println!("opened {url} in your browser"),
        Err(why) => println!("no browser was opened ({why}): open {url} yourself"),
    }
}

fn try_open(url: &str) -> Result<(), String> {
    let desktop = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    if cfg!(target_os = "linux") && !desktop {
        return Err("no desktop session: neither DISPLAY nor WAYLAND_DISPLAY is set".into());
    }
    let opener = ["xdg-open", "open"]
        .into_iter()
        .find(|o| xtask::process::which(o).is_some())
        .ok_or("neither xdg-open nor open is installed")?;
    let mut child = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {opener}: {e}"))?;
    // An opener still running after a few seconds has started a browser (and
    // may be it): leave it running.
    match wait_timeout::ChildExt::wait_timeout(&mut child, std::time::Duration::from_secs(5)) {
        Ok(Some(status)) if !status.success() => Err(format!("{opener} ended with {status}")),
        _ => Ok(()),
    }
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
