//! The guest: a script that reports where every entity stands.

wit_bindgen::generate!({ path: "wit", world: "script" });

use exercise::position::game;

struct Component;

impl Guest for Component {
    fn script() {
        let count = game::entity_count();
        game::log(&format!("the world has {count} entities"));
        for id in 0..=count {
            match game::position(id) {
                Ok((x, y)) => game::log(&format!("entity {id} is at ({x}, {y})")),
                Err(game::GameError::NoSuchEntity(_)) => {
                    game::log(&format!("entity {id}: there is no such entity"))
                }
            }
        }
    }
}

export!(Component);
