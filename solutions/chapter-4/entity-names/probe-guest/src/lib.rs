//! Exercise `entity-names`: a guest, given, that probes the host's
//! `entity_name` with buffers too small, exactly right, empty, outside the
//! guest's memory, and with an id that no entity has.

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    fn log_message(ptr: *const u8, len: usize);
    fn entity_name(id: u32, buf_ptr: *mut u8, buf_len: usize) -> i32;
}

fn log(message: &str) {
    // SAFETY: a live string, read by the host for `message.len()` bytes.
    unsafe { log_message(message.as_ptr(), message.len()) }
}

/// Lend the first `lent` bytes of a buffer of `size` bytes filled with `#`,
/// and log what the host answered and what the buffer holds afterwards.
fn probe(id: u32, size: usize, lent: usize) {
    let mut buffer = vec![b'#'; size];
    // SAFETY: the first `lent` bytes of `buffer` are ours to lend.
    let answer = unsafe { entity_name(id, buffer.as_mut_ptr(), lent) };
    let holds = String::from_utf8_lossy(&buffer);
    log(&format!(
        "entity_name({id}) into {lent} of {size} bytes answered {answer}; the buffer holds {holds:?}"
    ));
}

/// Buffers of every size: too small (nothing may be written), exactly
/// right (the byte after it must stay untouched), and empty.
#[unsafe(no_mangle)]
pub extern "C" fn sizes() {
    probe(1, 12, 4);
    probe(3, 12, 8);
    probe(2, 6, 5);
    probe(0, 0, 0);
}

/// A buffer outside the guest's memory.
#[unsafe(no_mangle)]
pub extern "C" fn outside() {
    // SAFETY: none: the host must check the range before it writes.
    let answer = unsafe { entity_name(0, (usize::MAX - 15) as *mut u8, 32) };
    log(&format!(
        "the host wrote outside our memory and answered {answer}"
    ));
}

/// An id that no entity has.
#[unsafe(no_mangle)]
pub extern "C" fn no_such_entity() {
    let mut buffer = [0u8; 8];
    // SAFETY: `buffer` is ours to lend.
    let answer = unsafe { entity_name(9, buffer.as_mut_ptr(), buffer.len()) };
    log(&format!("the host named entity 9 and answered {answer}"));
}
