//! Exercise `host-spawn`: the guest, given (you edit the host). Scripts for
//! the game of chapter 4 that bring new entities into the world with the
//! host's `spawn`, which you write.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Print `From WASM: <message>`: `len` bytes of UTF-8 at `ptr`.
    fn log_message(ptr: *const u8, len: usize);
    /// Bring a new entity of the kind named by the `kind_len` bytes of UTF-8
    /// at `kind_ptr` into the world at `(x, y)`; returns its id.
    fn spawn(kind_ptr: *const u8, kind_len: usize, x: i32, y: i32) -> u32;
    safe fn entity_count() -> u32;
    safe fn health(id: u32) -> i32;
    safe fn set_health(id: u32, health: i32);
    safe fn move_by(id: u32, dx: i32, dy: i32);
}

fn log(message: &str) {
    // SAFETY: `message` is a live string in our memory, and the host only
    // reads `message.len()` bytes from its start.
    unsafe { log_message(message.as_ptr(), message.len()) }
}

/// A safe wrapper around the host's `spawn`.
fn spawn_at(kind: &str, x: i32, y: i32) -> u32 {
    // SAFETY: as in `log`.
    let id = unsafe { spawn(kind.as_ptr(), kind.len(), x, y) };
    log(&format!("spawned {kind} {id} at ({x}, {y})"));
    id
}

/// Two newcomers, which the script then acts on through the ids it got back.
#[unsafe(no_mangle)]
pub extern "C" fn script() {
    log(&format!("the world has {} entities", entity_count()));
    let goblin = spawn_at("goblin", 4, 4);
    let slime = spawn_at("slime", -1, 0);
    move_by(goblin, 1, 1);
    set_health(slime, health(slime) - 3);
    log(&format!("the world has {} entities", entity_count()));
}

/// An entity of a kind the game does not know.
#[unsafe(no_mangle)]
pub extern "C" fn summon_dragon() {
    spawn_at("dragon", 0, 0);
    log("a dragon appeared");
}

/// More slimes than the world has room for.
#[unsafe(no_mangle)]
pub extern "C" fn overcrowd() {
    for i in 0..10 {
        spawn_at("slime", i, i);
    }
    log("ten slimes spawned");
}

/// A kind whose bytes lie outside the guest's memory: a bug, or an attack.
#[unsafe(no_mangle)]
pub extern "C" fn bad_pointer() {
    // SAFETY: none: the host must check the range before it reads.
    let id = unsafe { spawn((usize::MAX - 15) as *const u8, 32, 0, 0) };
    log(&format!("the host accepted a bad pointer and spawned {id}"));
}

/// A kind that is not UTF-8.
#[unsafe(no_mangle)]
pub extern "C" fn bad_text() {
    let bytes = [0x67, 0x6f, 0x62, 0xff];
    // SAFETY: `bytes` lies in our memory; it just is not text.
    let id = unsafe { spawn(bytes.as_ptr(), bytes.len(), 0, 0) };
    log(&format!(
        "the host accepted bytes that are not UTF-8 and spawned {id}"
    ));
}
