//! Hot reload: a thread watches the script's file (with `notify`), and when a new version
//! has been saved it compiles and checks it there, off the game's thread, and
//! hands the game either a script ready to swap in or the reason it was
//! refused. The game takes it at a frame boundary.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};
use wasmtime::{Engine, Linker, Result};

use crate::script::{self, Script, Turn};

// ANCHOR: settle
/// How long the file must stay quiet after a change before it is read (a
/// debounce: an editor or a copy that writes in several pieces, or saves by
/// renaming a new file over the old one, is read once, when it is done).
const SETTLE: Duration = Duration::from_millis(50);
// ANCHOR_END: settle

/// What the watcher hands the game.
pub enum Reload {
    /// A new version, compiled, checked and initialised, ready to swap in.
    Ready(Box<Script>),
    /// A new version that is not a valid script, and why.
    Refused(String),
}

/// The game's end of the watcher.
pub struct Watcher {
    results: Receiver<Reload>,
}

// ANCHOR: watch
/// Watch `path`, whose current bytes `current` are the script already
/// running. The thread ends when the game drops its `Watcher`.
pub fn watch(
    path: PathBuf,
    current: Vec<u8>,
    engine: Engine,
    api: Linker<Turn>,
) -> Result<Watcher> {
    // The system tells `notify` of every change in the script's folder (the
    // folder, not the file: a save that renames a new file over the old one
    // replaces the file being watched). Its events arrive on `changes`.
    let (tell, changes) = channel();
    let mut system = notify::recommended_watcher(tell)?;
    let folder = path
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    system.watch(folder, RecursiveMode::NonRecursive)?;

    let (sender, results) = channel();
    thread::spawn(move || {
        let _system = system; // watching lasts as long as this thread
        let mut last_bytes = current;
        let ours = |event: &notify::Result<notify::Event>| {
            event
                .as_ref()
                .is_ok_and(|e| e.paths.iter().any(|p| p.file_name() == path.file_name()))
        };
        while let Ok(event) = changes.recv() {
            if !ours(&event) {
                continue;
            }
            // Wait until the file has been quiet for `SETTLE`.
            while changes.recv_timeout(SETTLE).is_ok() {}
            let Ok(bytes) = std::fs::read(&path) else {
                continue; // removed, or not yet back: wait for the next save
            };
            // A save that changed nothing is not a new version.
            if bytes == last_bytes {
                continue;
            }
            let result = match script::load(&engine, &api, &bytes) {
                Ok(script) => Reload::Ready(Box::new(script)),
                Err(e) => Reload::Refused(format!("{e:#}")),
            };
            last_bytes = bytes;
            if sender.send(result).is_err() {
                return; // the game has ended
            }
        }
    });
    Ok(Watcher { results })
}
// ANCHOR_END: watch

impl Watcher {
    /// A new version if one is ready, without waiting (the game's loop).
    pub fn poll(&self) -> Option<Reload> {
        self.results.try_recv().ok()
    }

    /// Wait for the next version (the demo, which saves a file and holds the
    /// game until the watcher has answered, so that its output is the same
    /// on every run).
    pub fn wait(&self, timeout: Duration) -> Result<Reload> {
        match self.results.recv_timeout(timeout) {
            Ok(reload) => Ok(reload),
            Err(RecvTimeoutError::Timeout) => wasmtime::bail!(
                "the watcher saw no new version of the script in {} s",
                timeout.as_secs()
            ),
            Err(RecvTimeoutError::Disconnected) => wasmtime::bail!("the watcher stopped"),
        }
    }
}
