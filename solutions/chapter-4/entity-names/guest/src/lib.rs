//! Exercise `entity-names`: the guest, a script that lists the world's
//! entities by name. The host's functions are described in host/src/main.rs.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Print `From WASM: <message>`: `len` bytes of UTF-8 at `ptr`.
    fn log_message(ptr: *const u8, len: usize);
    /// How many entities the world holds; their ids are `0..entity_count()`.
    safe fn entity_count() -> u32;
    /// Write entity `id`'s name into the `buf_len` bytes at `buf_ptr` if it
    /// fits; return its length in bytes either way.
    fn entity_name(id: u32, buf_ptr: *mut u8, buf_len: usize) -> i32;
}

fn log(message: &str) {
    // SAFETY: `message` is a live string in our memory, and the host only
    // reads `message.len()` bytes from its start.
    unsafe { log_message(message.as_ptr(), message.len()) }
}

// EXERCISE: (2 of 2) return entity `id`'s name. Lend the host a buffer of
// 8 bytes first (most names are short); when the host answers that the name
// needs more, lend it a buffer of exactly that size and ask again. Each call
// costs the script, so ask at most twice.
fn name_of(id: u32) -> String {
    let mut buffer = vec![0u8; 8];
    for _ in 0..2 {
        // SAFETY: the host writes at most `buffer.len()` bytes into our buffer.
        let needed = unsafe { entity_name(id, buffer.as_mut_ptr(), buffer.len()) };
        let needed = usize::try_from(needed).unwrap_or(0);
        if needed <= buffer.len() {
            buffer.truncate(needed);
            return String::from_utf8_lossy(&buffer).into_owned();
        }
        // Too small: the host wrote nothing, and said how much it needs.
        buffer.resize(needed, 0);
    }
    String::from("?")
}

/// The script: one line per entity, with its name.
#[unsafe(no_mangle)]
pub extern "C" fn roll_call() {
    for id in 0..entity_count() {
        log(&format!("entity {id} is {}", name_of(id)));
    }
}
