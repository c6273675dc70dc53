//! The guest: a script that heals four times, twice by mistake.

wit_bindgen::generate!({ path: "wit", world: "script" });

use exercise::heal::game;

struct Component;

impl Guest for Component {
    fn script() {
        for (id, amount) in [(0, 10), (7, 10), (1, -5), (2, 5)] {
            // EXERCISE: once `heal` returns a result, log
            // "cannot heal entity {id}: there is no such entity" or
            // "cannot heal entity {id}: {amount} is not an amount of healing"
            // for its errors, and carry on with the next one.
            let health = game::heal(id, amount);
            game::log(&format!("entity {id} healed to {health}"));
        }
    }
}

export!(Component);
