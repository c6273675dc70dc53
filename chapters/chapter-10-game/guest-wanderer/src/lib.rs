//! Chapter 10, the second script: a wanderer. It ignores the player and
//! strolls: each frame it keeps its direction or, one time in four, picks a
//! new one from the game's seeded generator.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    safe fn random(below: u32) -> u32;
    safe fn step(dx: i32, dy: i32);
}

// ANCHOR: think
/// Called once per frame for each enemy. The direction lives in the game's
/// generator, not in the script: a script that kept it in a `static` would
/// lose it at the next reload (the new version starts in a new `Store`),
/// unless it saves it (chapter 10's `keep-state` exercise).
#[unsafe(no_mangle)]
pub extern "C" fn think(_me: u32) {
    if random(4) == 0 {
        return; // stand still this frame
    }
    let dx = random(3) as i32 - 1;
    let dy = random(3) as i32 - 1;
    step(dx, dy);
}
// ANCHOR_END: think
