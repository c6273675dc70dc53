//! Exercise `find-and-hit`: the guest, a script for the game of chapter 4.
//! The host's functions are documented at the top of host/src/main.rs.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Print `From WASM: <message>`: `len` bytes of UTF-8 at `ptr`.
    fn log_message(ptr: *const u8, len: usize);
    /// How many entities the world holds; their ids are `0..entity_count()`.
    safe fn entity_count() -> u32;
    /// The health of entity `id`.
    safe fn health(id: u32) -> i32;
    /// Set the health of entity `id`; a negative health is an error (a trap).
    safe fn set_health(id: u32, health: i32);

    // EXERCISE: (1 of 2) declare the host's `find_entity`, which takes a
    // name the way `log_message` takes its message, and returns an `i32`.
    /// The id of the entity called `name`, or -1 when there is none.
    fn find_entity(name_ptr: *const u8, name_len: usize) -> i32;
}

/// The id of the entity called `name`, if there is one.
fn find(name: &str) -> Option<u32> {
    // SAFETY: as in `log`: a live string, read by the host for `name.len()` bytes.
    let id = unsafe { find_entity(name.as_ptr(), name.len()) };
    u32::try_from(id).ok()
}

/// Write a line to the game's log.
fn log(message: &str) {
    // SAFETY: `message` is a live string in our memory, and the host only
    // reads `message.len()` bytes from its start.
    unsafe { log_message(message.as_ptr(), message.len()) }
}

// EXERCISE: (2 of 2) after the line it logs already, the script goes through
// the names in `std::env::args()` after the first (the program's name), in order:
//
// - it finds the entity of that name; if there is none, it logs
//   `there is no <name>` and goes on with the next name;
// - it takes 25 from the entity's health, but never below 0 (the host
//   refuses negative health), and logs
//   `<name> (entity <id>) had <before> health, now <after>`,
//   or `<name> (entity <id>) is defeated` when its health is now 0.

/// The script: hit each entity named on the command line for 25 health.
#[unsafe(no_mangle)]
pub extern "C" fn script() {
    log(&format!("the world has {} entities", entity_count()));
    for name in std::env::args().skip(1) {
        let Some(id) = find(&name) else {
            log(&format!("there is no {name}"));
            continue;
        };
        let before = health(id);
        let after = (before - 25).max(0);
        set_health(id, after);
        if after == 0 {
            log(&format!("{name} (entity {id}) is defeated"));
        } else {
            log(&format!(
                "{name} (entity {id}) had {before} health, now {after}"
            ));
        }
    }
}
