//! The guest: a script that reports where every entity stands.

wit_bindgen::generate!({ path: "wit", world: "script" });

use exercise::position::game;

struct Component;

impl Guest for Component {
    fn script() {
        let count = game::entity_count();
        game::log(&format!("the world has {count} entities"));
        // EXERCISE: for every id from 0 to `count` (one past the last, on
        // purpose), ask the host for the entity's position and log
        // "entity {id} is at ({x}, {y})", or, for an error,
        // "entity {id}: there is no such entity".
    }
}

export!(Component);
