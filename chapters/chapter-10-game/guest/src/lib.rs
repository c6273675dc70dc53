//! Chapter 10, the first script: a chaser. Each frame the game calls `think`
//! once for every enemy; the script reads where the player is and steps
//! towards it. It keeps no state of its own: everything it needs, it asks the
//! game for.

// ANCHOR: api
// The game's API, as in chapter 4: functions in the import module `host`.
// They take and return plain numbers, so they are `safe` to call.
#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// The id of the player, the entity the enemies hunt.
    safe fn player() -> u32;
    /// Where entity `id` stands.
    safe fn x(id: u32) -> i32;
    safe fn y(id: u32) -> i32;
    /// A number in `0..below` from the game's seeded generator: the same run
    /// gives the same numbers.
    safe fn random(below: u32) -> u32;
    /// Move the entity whose turn it is by at most one cell each way.
    safe fn step(dx: i32, dy: i32);
}
// ANCHOR_END: api

// ANCHOR: think
/// Called once per frame for each enemy, `me` being its id.
#[unsafe(no_mangle)]
pub extern "C" fn think(me: u32) {
    let target = player();
    // One cell towards the player on each axis: `signum` is -1, 0 or 1.
    let dx = (x(target) - x(me)).signum();
    let dy = (y(target) - y(me)).signum();
    step(dx, dy);
}
// ANCHOR_END: think

/// Not used by the chaser; here so that the guest imports the whole API the
/// other scripts use (a script may import any part of it).
#[unsafe(no_mangle)]
pub extern "C" fn dice() -> u32 {
    random(6) + 1
}
