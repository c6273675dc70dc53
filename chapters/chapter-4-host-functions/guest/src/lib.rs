//! Chapter 4, the guest: a script for a game engine. It cannot see the game's
//! world; it acts on it only through the functions the host exposes in the
//! import module `host`.

// ANCHOR: imports
// Each function below becomes an import `host::<name>` of the .wasm module:
// the guest declares what it needs, and the host must provide every one of
// them before the module can run.
#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Write a line to the game's log: `len` bytes of UTF-8 at `ptr`, in this
    /// module's memory. The host reads them from there; it may refuse a range
    /// outside the memory, which is why calling this stays `unsafe`.
    fn log_message(ptr: *const u8, len: usize);

    // Functions that take and return only numbers cannot break the guest's
    // memory safety, so Rust 2024 lets us declare them `safe` to call. They
    // can still fail: the host then stops the script (a trap).

    /// How many entities the world holds; their ids are `0..entity_count()`.
    safe fn entity_count() -> u32;
    /// The health of entity `id`.
    safe fn health(id: u32) -> i32;
    /// Set the health of entity `id`.
    safe fn set_health(id: u32, health: i32);
    /// Move entity `id` by `(dx, dy)`.
    safe fn move_by(id: u32, dx: i32, dy: i32);
}
// ANCHOR_END: imports

// ANCHOR: log
/// A safe wrapper: a `&str` always points at valid bytes of our own memory.
fn log(message: &str) {
    // SAFETY: `message` is a live string in this module's memory, and the
    // host only reads `message.len()` bytes from its start.
    unsafe { log_message(message.as_ptr(), message.len()) }
}
// ANCHOR_END: log

// ANCHOR: script
/// The script the host runs: it reads the world and changes it.
#[unsafe(no_mangle)]
pub extern "C" fn script() {
    let count = entity_count();
    log(&format!("the world has {count} entities"));

    // The knight, entity 0, walks two steps east and one north.
    move_by(0, 2, 1);
    log("entity 0 moves by (2, 1)");

    // The goblin, entity 1, takes a hit.
    let before = health(1);
    set_health(1, before - 25);
    log(&format!("entity 1 had {before} health, hit it for 25"));

    // Every weak entity is healed.
    for id in 0..count {
        let health_now = health(id);
        if health_now < 20 {
            set_health(id, health_now + 10);
            log(&format!(
                "entity {id} is weak ({health_now} health), heal it by 10"
            ));
        }
    }
}
// ANCHOR_END: script

// ANCHOR: attack_missing
/// A script with a bug: it acts on an entity that does not exist. The host's
/// `health` returns an error, which stops the script right there: nothing
/// after that call runs.
#[unsafe(no_mangle)]
pub extern "C" fn attack_missing() {
    log("hitting entity 99");
    let before = health(99);
    set_health(99, before - 25);
    log("entity 99 was hit");
}
// ANCHOR_END: attack_missing
