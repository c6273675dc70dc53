//! A patroller's script: it walks a square, four steps east, four south, four
//! west, four north, counting its steps in a `static`. When the game reloads
//! the script, the new version starts in a new `Store`, with fresh statics:
//! the count is lost, and the patroller starts its square again from
//! wherever it stands. Make the count survive a reload.

use std::sync::atomic::{AtomicU32, Ordering};

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Move the patroller by at most one cell each way.
    safe fn step(dx: i32, dy: i32);
}

/// How many steps the patroller has taken: the script's state.
static STEPS: AtomicU32 = AtomicU32::new(0);

/// Called once per frame.
#[unsafe(no_mangle)]
pub extern "C" fn think(_me: u32) {
    let steps = STEPS.fetch_add(1, Ordering::Relaxed);
    let (dx, dy) = match (steps / 4) % 4 {
        0 => (1, 0),
        1 => (0, 1),
        2 => (-1, 0),
        _ => (0, -1),
    };
    step(dx, dy);
}

// EXERCISE: export `save() -> u64`, which the game calls on the old version
// before a reload, and `load(state: u64)`, which it calls on the new version
// with what `save` returned.
