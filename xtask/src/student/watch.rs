//! `cargo xtask watch`: grade the exercise a student works on at every save,
//! and on a key: Enter grades now, `h` shows the next hint, `q` quits.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::Watcher;

use super::{current, hint, keys};
use crate::check;
use crate::exercises::{self, Exercise, Manifest, Tree};
use crate::grade::Status;
use crate::progress::Progress;
use crate::report;
use crate::toolchain::Toolchain;

enum Event {
    Changed(PathBuf),
    Regrade,
    Hint,
    Quit,
}

/// `cargo xtask watch`: grade the current exercise, then again on every save.
pub fn watch(root: &Path, toolchain: &Toolchain, id: Option<&str>) -> Result<()> {
    let manifest = exercises::load(root)?;
    let (tx, rx) = mpsc::channel();

    let _watcher = watch_files(&root.join("exercises"), tx.clone())?;

    // Keys: one at a time on a terminal (h, q, Enter), lines otherwise.
    let _keys = keys::KeyMode::on();
    {
        let tx = tx.clone();
        keys::spawn_reader(move |key| {
            let event = match key {
                keys::Key::Quit => Event::Quit,
                keys::Key::Hint => Event::Hint,
                keys::Key::Regrade => Event::Regrade,
            };
            tx.send(event).is_ok()
        });
    }

    let mut exercise = current(&manifest, &Progress::load(root), id)?.clone();
    loop {
        let graded = check::exercises_of(
            root,
            toolchain,
            &[&exercise],
            &Tree::Exercises,
            check::Reuse::Unchanged,
        )?;
        if graded.first().is_some_and(|g| g.status == Status::Pass) {
            match current(&manifest, &Progress::load(root), None) {
                Ok(next) if next.id != exercise.id => {
                    println!("Done! Next: `{}` ({}). {}", next.id, next.title, next.task);
                    exercise = next.clone();
                }
                Ok(_) => {}
                Err(all_done) => println!("{all_done}"),
            }
        }
        let edit = exercise.dir(root, &Tree::Exercises);
        println!(
            "Watching {} — save a file to grade again; Enter: grade now, h: hint, q: quit",
            report::rel(root, &edit)
        );
        // Wait for something relevant, then let a burst of saves settle.
        loop {
            match rx.recv() {
                Ok(Event::Quit) | Err(_) => return Ok(()),
                Ok(Event::Hint) => hint(root, Some(&exercise.id), false)?,
                Ok(Event::Regrade) => break,
                Ok(Event::Changed(path)) => {
                    if let Some(owner) = owner_of(root, &manifest, &path) {
                        exercise = owner.clone();
                        break;
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        while let Ok(event) = rx.try_recv() {
            if matches!(event, Event::Quit) {
                return Ok(());
            }
        }
    }
}

/// Send every file changed under `dir`; where the system's notifications do
/// not work, poll once a second. Watching stops when the watcher is dropped.
fn watch_files(dir: &Path, tx: mpsc::Sender<Event>) -> Result<Box<dyn Watcher>> {
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && (event.kind.is_modify() || event.kind.is_create())
        {
            for path in event.paths {
                let _ = tx.send(Event::Changed(path));
            }
        }
    };
    let native = notify::recommended_watcher(handler.clone()).and_then(|mut w| {
        w.watch(dir, notify::RecursiveMode::Recursive)?;
        Ok(w)
    });
    match native {
        Ok(w) => Ok(Box::new(w)),
        Err(_) => {
            let config = notify::Config::default().with_poll_interval(Duration::from_secs(1));
            let mut w =
                notify::PollWatcher::new(handler, config).context("cannot watch the exercises")?;
            w.watch(dir, notify::RecursiveMode::Recursive)?;
            println!("(file events are not available here; checking for changes every second)");
            Ok(Box::new(w))
        }
    }
}

/// The exercise a changed file belongs to, if it is one of the files students edit.
fn owner_of<'a>(root: &Path, manifest: &'a Manifest, path: &Path) -> Option<&'a Exercise> {
    manifest.exercises.iter().find(|ex| {
        let dir = ex.dir(root, &Tree::Exercises);
        ex.edit.iter().any(|f| dir.join(f) == path)
    })
}
