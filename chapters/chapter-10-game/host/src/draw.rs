//! Drawing the world in a terminal, with two ANSI escape codes (cursor home,
//! clear the screen) and one `print!` per frame: `@` is the player, digits
//! are the enemies.

use std::io::Write;

use crate::world::{HEIGHT, WIDTH, World};

/// How many recent events are shown under the arena.
pub const EVENT_LINES: usize = 5;

/// Draw one frame over the last one.
pub fn frame(world: &World, events: &[String]) -> std::io::Result<()> {
    let mut rows = vec![vec![' '; WIDTH as usize]; HEIGHT as usize];
    // Enemies first, so that the player shows when one stands on it.
    for (id, e) in world.entities.iter().enumerate().skip(1) {
        let mark = char::from_digit((id % 10) as u32, 10).unwrap_or('?');
        rows[e.y as usize][e.x as usize] = mark;
    }
    let player = &world.entities[0];
    rows[player.y as usize][player.x as usize] = '@';

    let border = format!("+{}+", "-".repeat(WIDTH as usize));
    let mut screen = String::from("\x1b[H\x1b[2J");
    screen += &format!(
        "frame {}  player health {}  caught {} times\n{border}\n",
        world.frame, player.health, world.catches
    );
    for row in rows {
        screen += &format!("|{}|\n", row.into_iter().collect::<String>());
    }
    screen += &border;
    screen.push('\n');
    for line in events {
        screen += line;
        screen.push('\n');
    }
    let mut out = std::io::stdout().lock();
    out.write_all(screen.as_bytes())?;
    out.flush()
}
