//! The game loop's pieces: one frame (the player's move, then each enemy's
//! turn through the script), a reload taken at a frame boundary, and pacing
//! at a fixed number of frames per second.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::draw;
use crate::reload::Reload;
use crate::script::{FUEL_PER_TURN, Outcome, Script};

/// A running game: the script playing now (its store holds the world), what
/// happened lately, and how the frames are shown.
pub struct Game {
    pub script: Box<Script>,
    /// Draw the world in the terminal each frame (else print events only).
    pub draw: bool,
    /// The last events, shown under the drawing.
    recent: Vec<String>,
    /// Where `--trace` writes every entity's position each frame.
    trace: Option<Box<dyn Write>>,
}

impl Game {
    pub fn new(script: Script, draw: bool, trace: Option<Box<dyn Write>>) -> Game {
        Game {
            script: Box::new(script),
            draw,
            recent: Vec::new(),
            trace,
        }
    }

    /// Say what happened: a line of its own when headless, the last few
    /// under the drawing otherwise.
    pub fn event(&mut self, text: String) {
        let line = format!("frame {}: {text}", self.script.world().frame);
        if self.draw {
            self.recent.push(line);
            let excess = self.recent.len().saturating_sub(draw::EVENT_LINES);
            self.recent.drain(..excess);
        } else {
            println!("{line}");
        }
    }

    // ANCHOR: frame
    /// One frame: the player walks, then each enemy takes its turn through
    /// the script, under the budget; a turn that fails is skipped, with a
    /// word, and the frame goes on.
    pub fn frame(&mut self) -> std::io::Result<()> {
        self.script.world_mut().move_player();
        for me in 1..self.script.world().entities.len() {
            let name = self.script.world().entities[me].name.clone();
            match self.script.think(me) {
                Outcome::Played => {}
                Outcome::OutOfFuel => self.event(format!(
                    "{name}'s script ran out of fuel ({FUEL_PER_TURN} per turn): cut off, it skips its turn"
                )),
                Outcome::Failed(why) => {
                    self.event(format!("{name}'s script failed, it skips its turn: {why}"))
                }
            }
            if let Some(catch) = self.script.world_mut().check_catch(me) {
                self.event(catch);
            }
        }
        self.write_trace()?;
        if self.draw {
            draw::frame(self.script.world(), &self.recent)?;
        }
        self.script.world_mut().frame += 1;
        Ok(())
    }
    // ANCHOR_END: frame

    // ANCHOR: swap
    /// Take what the watcher found, between two frames: swap the new script
    /// in (the world moves to its store), or keep the one playing.
    pub fn take(&mut self, reload: Reload, file: &str) {
        match reload {
            Reload::Ready(mut new) => match new.take_over(&mut self.script) {
                Ok(handed) => {
                    self.script = new;
                    let state = handed.map_or(String::new(), |s| format!(", its state {s} kept"));
                    self.event(format!("reloaded {file}{state}"));
                }
                Err(e) => self.event(format!(
                    "{file} is refused, kept the previous script: {e:#}"
                )),
            },
            Reload::Refused(why) => self.event(format!(
                "{file} is refused, kept the previous script: {why}"
            )),
        }
    }
    // ANCHOR_END: swap

    fn write_trace(&mut self) -> std::io::Result<()> {
        let Some(out) = self.trace.as_mut() else {
            return Ok(());
        };
        let world = &self.script.store.data().world;
        for (id, e) in world.entities.iter().enumerate() {
            writeln!(out, "{},{id},{},{}", world.frame, e.x, e.y)?;
        }
        Ok(())
    }

    /// The last lines: how the game ended.
    pub fn summary(&self) {
        let world = self.script.world();
        println!(
            "after {} frames: the player has {} health, caught {} times",
            world.frame, world.entities[0].health, world.catches
        );
        for e in &world.entities {
            println!("  {:<8} at ({:>2}, {:>2})", e.name, e.x, e.y);
        }
    }
}

// ANCHOR: pace
/// A fixed timestep in real time: frame `n` starts `n / fps` seconds after
/// `start`. A slow frame is not made up for by skipping: the game only
/// slows down.
pub fn pace(start: Instant, frame: u64, fps: Option<f64>) {
    let Some(fps) = fps else { return };
    let due = start + Duration::from_secs_f64((frame + 1) as f64 / fps);
    if let Some(wait) = due.checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
}
// ANCHOR_END: pace
