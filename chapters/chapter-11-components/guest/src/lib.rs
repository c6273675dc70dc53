//! Chapter 11, the guest: chapter 4's script and chapter 5's string
//! functions, as a component of the world `script` (`../wit/world.wit`).
//! wit-bindgen writes every pointer, length and allocation: this file holds
//! only what the functions do.

// ANCHOR: generate
// Read the WIT file and write the bindings: the imports as plain Rust
// functions (`game::log`, `game::health`, ...), the exports as traits to
// implement.
wit_bindgen::generate!({ path: "../wit", world: "script" });

use exports::workbook::components::strings;
use workbook::components::game::{self, GameError};
// ANCHOR_END: generate

/// The type that implements the exports.
struct Component;

// ANCHOR: script
impl Guest for Component {
    /// Chapter 4's script, call for call. The host's answers are `Result`s:
    /// these calls cannot fail on the world the host builds, and if they do,
    /// the script says so and stops, as chapter 4's trapped.
    fn script() {
        if let Err(error) = world_script() {
            game::log(&format!("the script stopped: {}", describe(&error)));
        }
    }

    /// Chapter 4's buggy script: entity 99 does not exist. The host answers
    /// with an error value; the script hands it back, explained.
    fn attack_missing() -> Result<(), String> {
        game::log("hitting entity 99");
        let before = game::health(99).map_err(|error| describe(&error))?;
        game::set_health(99, before - 25).map_err(|error| describe(&error))?;
        game::log("entity 99 was hit");
        Ok(())
    }
}

fn world_script() -> Result<(), GameError> {
    let count = game::entity_count();
    game::log(&format!("the world has {count} entities"));

    // The knight, entity 0, walks two steps east and one north.
    game::move_by(0, 2, 1)?;
    game::log("entity 0 moves by (2, 1)");

    // The goblin, entity 1, takes a hit.
    let before = game::health(1)?;
    game::set_health(1, before - 25)?;
    game::log(&format!("entity 1 had {before} health, hit it for 25"));

    // Every weak entity is healed.
    for id in 0..count {
        let health_now = game::health(id)?;
        if health_now < 20 {
            game::set_health(id, health_now + 10)?;
            game::log(&format!(
                "entity {id} is weak ({health_now} health), heal it by 10"
            ));
        }
    }
    Ok(())
}

/// An error of the game, in words.
fn describe(error: &GameError) -> String {
    match error {
        GameError::NoSuchEntity(id) => format!("there is no entity {id}"),
        GameError::OffTheMap => "the move leaves the map".to_string(),
    }
}
// ANCHOR_END: script

// ANCHOR: strings
impl strings::Guest for Component {
    /// A `String` in, a `String` out: no allocator exported, no pointer, no
    /// out-pointer, no UTF-8 check (a WIT `string` is valid UTF-8 by the time
    /// we see it).
    fn greet(name: String) -> String {
        println!("From WASM: got the name {name:?} ({} bytes)", name.len());
        format!("Hello, {name}!")
    }

    /// Bytes in, bytes out (the same code as chapter 5's, so that `cargo
    /// xtask bench components` compares only the passing).
    fn reverse(bytes: Vec<u8>) -> Vec<u8> {
        bytes.iter().rev().copied().collect()
    }
}
// ANCHOR_END: strings

// ANCHOR: export
// Tell wit-bindgen which type implements the world's exports.
export!(Component);
// ANCHOR_END: export
