//! The enemy's script: each frame the game calls `think` once, and the enemy
//! may take one step of at most one cell each way. The player walks east, one
//! cell every other frame. Make the enemy reach the player's cell within 30
//! frames, from wherever it starts.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// The id of the player.
    safe fn player() -> u32;
    /// Where entity `id` stands (y grows downwards).
    safe fn x(id: u32) -> i32;
    safe fn y(id: u32) -> i32;
    /// Move the enemy by at most one cell each way: `dx` and `dy` in -1..=1.
    safe fn step(dx: i32, dy: i32);
}

/// Called once per frame; `me` is the enemy's id.
#[unsafe(no_mangle)]
pub extern "C" fn think(me: u32) {
    let target = player();
    // One cell towards the player on each axis, diagonals included.
    let dx = (x(target) - x(me)).signum();
    let dy = (y(target) - y(me)).signum();
    step(dx, dy);
}
