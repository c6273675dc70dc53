//! The guest: a script that heals four times, twice by mistake.

wit_bindgen::generate!({ path: "wit", world: "script" });

use exercise::heal::game;

struct Component;

impl Guest for Component {
    fn script() {
        for (id, amount) in [(0, 10), (7, 10), (1, -5), (2, 5)] {
            match game::heal(id, amount) {
                Ok(health) => game::log(&format!("entity {id} healed to {health}")),
                Err(game::HealError::NoSuchEntity(_)) => {
                    game::log(&format!("cannot heal entity {id}: there is no such entity"))
                }
                Err(game::HealError::NegativeAmount(amount)) => game::log(&format!(
                    "cannot heal entity {id}: {amount} is not an amount of healing"
                )),
            }
        }
    }
}

export!(Component);
