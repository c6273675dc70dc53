//! Hot reload: a thread watches the script's file, and when a new version
//! has been saved it compiles and checks it there, off the game's thread, and
//! hands the game either a script ready to swap in or the reason it was
//! refused. The game takes it at a frame boundary.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::{Duration, SystemTime};

use wasmtime::{Engine, Linker, Result};

use crate::script::{self, Script, Turn};

// ANCHOR: poll
/// How often the watcher looks at the file. A save is taken once the file
/// has stayed the same for one more look (a debounce: an editor or a copy
/// that writes in several pieces is read once it is done).
const POLL: Duration = Duration::from_millis(25);
// ANCHOR_END: poll

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

/// What the file looked like: its modification time, size and (on Unix) its
/// inode, which a save by renaming a new file over the old one changes even
/// when the time and size look the same.
fn stamp(path: &Path) -> Option<(SystemTime, u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

// ANCHOR: watch
/// Watch `path`, whose current bytes `current` are the script already
/// running. The thread ends when the game drops its `Watcher`.
pub fn watch(path: PathBuf, current: Vec<u8>, engine: Engine, api: Linker<Turn>) -> Watcher {
    let (sender, results) = channel();
    // The file as it is now, read before the thread starts: a save made
    // while the thread is still starting is then a change it sees.
    let mut seen = stamp(&path);
    thread::spawn(move || {
        let mut last_bytes = current;
        let mut settling = false;
        loop {
            thread::sleep(POLL);
            let now = stamp(&path);
            if now != seen {
                // Changed since the last look: wait until it stays put.
                (seen, settling) = (now, true);
                continue;
            }
            if !settling || now.is_none() {
                continue;
            }
            settling = false;
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // A save that changed nothing (or a second event for one save)
            // is not a new version.
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
    Watcher { results }
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
