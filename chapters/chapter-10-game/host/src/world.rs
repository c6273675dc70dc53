//! The game's world, owned by the host: an arena, a player who walks a
//! patrol, enemies that scripts move, and the rules that hold whatever the
//! scripts do. Nothing here knows about WebAssembly.

// ANCHOR: world
/// The arena's size in cells: x in `0..WIDTH`, y in `0..HEIGHT`.
pub const WIDTH: i32 = 40;
pub const HEIGHT: i32 = 14;
/// What a catch costs the player.
pub const BITE: i32 = 10;

/// One thing in the world.
#[derive(Clone, Debug)]
pub struct Entity {
    pub name: String,
    pub x: i32,
    pub y: i32,
    pub health: i32,
    /// Whether it has moved this frame: one step per turn.
    pub moved: bool,
}

/// Everything the game keeps between frames. A script never holds any of it:
/// it asks through the host's functions, and the world outlives every script.
#[derive(Clone, Debug, Default)]
pub struct World {
    /// Entity 0 is the player; the others are the enemies the script moves.
    pub entities: Vec<Entity>,
    /// The frame being played, from 0.
    pub frame: u64,
    /// The state of the seeded generator (`random`): same seed, same game.
    pub seed: u64,
    /// How many times an enemy has caught the player.
    pub catches: u32,
}
// ANCHOR_END: world

/// The player's patrol: a rectangle walked clockwise, one cell every other frame.
const PATROL: (i32, i32, i32, i32) = (6, 3, 33, 10);

impl World {
    /// A new world: the player at the patrol's corner, `enemies` enemies
    /// placed by the generator seeded with `seed`.
    pub fn new(enemies: usize, seed: u64) -> World {
        let mut world = World {
            seed: seed.max(1),
            ..World::default()
        };
        world
            .entities
            .push(Entity::new("player".into(), PATROL.0, PATROL.1));
        for n in 1..=enemies {
            let x = world.random(WIDTH as u32) as i32;
            let y = world.random(HEIGHT as u32) as i32;
            world.entities.push(Entity::new(format!("enemy {n}"), x, y));
        }
        world
    }

    /// A number in `0..below` (xorshift64: small, fast, and the same on
    /// every machine, which is what a replayable game needs).
    pub fn random(&mut self, below: u32) -> u32 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed % u64::from(below.max(1))) as u32
    }

    /// The player's move at the start of a frame: one cell along the patrol
    /// on even frames.
    pub fn move_player(&mut self) {
        for e in &mut self.entities {
            e.moved = false;
        }
        if self.frame % 2 == 1 {
            return;
        }
        let (left, top, right, bottom) = PATROL;
        let p = &mut self.entities[0];
        match (p.x, p.y) {
            (x, y) if y == top && x < right => p.x += 1,
            (x, y) if x == right && y < bottom => p.y += 1,
            (x, y) if y == bottom && x > left => p.x -= 1,
            _ => p.y -= 1,
        }
    }

    // ANCHOR: step
    /// Move entity `id` by `(dx, dy)`: the rules a script cannot break. A step
    /// is at most one cell each way and one per turn (else an error, which
    /// stops the script's turn); the arena's walls stop it.
    pub fn step(&mut self, id: usize, dx: i32, dy: i32) -> Result<(), String> {
        if !(-1..=1).contains(&dx) || !(-1..=1).contains(&dy) {
            return Err(format!(
                "a step is at most one cell each way, not ({dx}, {dy})"
            ));
        }
        let e = &mut self.entities[id];
        if e.moved {
            return Err(format!("{} has already moved this frame", e.name));
        }
        e.moved = true;
        e.x = (e.x + dx).clamp(0, WIDTH - 1);
        e.y = (e.y + dy).clamp(0, HEIGHT - 1);
        Ok(())
    }
    // ANCHOR_END: step

    /// After enemy `id`'s turn: on the player's cell, it bites and is sent
    /// back to a corner chosen by the generator. Returns what happened.
    pub fn check_catch(&mut self, id: usize) -> Option<String> {
        let (px, py) = (self.entities[0].x, self.entities[0].y);
        if (self.entities[id].x, self.entities[id].y) != (px, py) {
            return None;
        }
        self.catches += 1;
        self.entities[0].health -= BITE;
        let corner = self.random(4) as i32;
        let health = self.entities[0].health;
        let e = &mut self.entities[id];
        e.x = if corner % 2 == 0 { 0 } else { WIDTH - 1 };
        e.y = if corner < 2 { 0 } else { HEIGHT - 1 };
        Some(format!(
            "{} catches the player (health {health}) and is sent back to ({}, {})",
            e.name, e.x, e.y
        ))
    }
}

impl Entity {
    fn new(name: String, x: i32, y: i32) -> Entity {
        Entity {
            name,
            x,
            y,
            health: 100,
            moved: false,
        }
    }
}
