//! Chapter 10, a broken script: it imports `host::teleport`, which the game's
//! API does not have. The game checks a new script against its API before
//! swapping it in, refuses this one and keeps the previous script.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Not part of the game's API.
    safe fn teleport(x: i32, y: i32);
}

#[unsafe(no_mangle)]
pub extern "C" fn think(_me: u32) {
    teleport(0, 0);
}
