//! Chapter 9, the guest: an HTTP handler. The server instantiates it for a
//! request, writes the request into its memory, calls `handle` and reads the
//! response back: chapter 5's technique, with one buffer each way.
//!
//! A request, as the host writes it (UTF-8 text, then the body's bytes):
//!
//! ```text
//! GET /hello          method and path
//! x-instance: 7       headers, one a line
//!                     an empty line
//! ...                 the body
//! ```
//!
//! A response has the same shape: the status on the first line, headers, an
//! empty line, the body.

use std::alloc::Layout;

// ANCHOR: state
/// State that lives in the instance's linear memory. A fresh instance starts
/// from the module's data segments, so both begin at 0 for every request.
static mut REQUESTS: u32 = 0;
static mut COUNTER: u32 = 0;
// ANCHOR_END: state

/// Give the host `len` bytes of our memory to write the request into (null if
/// there is no room).
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    match Layout::array::<u8>(len.max(1)) {
        // SAFETY: the layout is not zero-sized.
        Ok(layout) => unsafe { std::alloc::alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

// ANCHOR: handle
/// Answer the request the host wrote at `ptr..ptr + len`. Returns where the
/// response is: its pointer in the high 32 bits, its length in the low 32.
///
/// # Safety
/// `ptr..ptr + len` must be a block the host got from `alloc` and filled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn handle(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: by this function's contract.
    let request = unsafe { std::slice::from_raw_parts(ptr, len) };
    let response = respond(request);
    let response = response.into_boxed_slice();
    let len = response.len() as u64;
    let ptr = Box::into_raw(response) as *mut u8 as u64;
    (ptr << 32) | len
}
// ANCHOR_END: handle

// ANCHOR: routes
fn respond(request: &[u8]) -> Vec<u8> {
    // SAFETY: one thread, and no reference to the static is kept.
    let served = unsafe {
        REQUESTS += 1;
        REQUESTS
    };
    let (head, body) = split_head(request);
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default();
    let path = first.split(' ').nth(1).unwrap_or("/");
    let instance = lines
        .find_map(|line| line.strip_prefix("x-instance: "))
        .unwrap_or("?");
    match path {
        "/hello" => ok(format!(
            "Hello from instance {instance}: it has served {served} request(s)\n"
        )),
        "/count" => {
            // SAFETY: as above.
            let count = unsafe {
                COUNTER += 1;
                COUNTER
            };
            ok(format!("count = {count}\n"))
        }
        // A guest that never returns: only the deadline stops it.
        "/spin" => loop {
            std::hint::black_box(());
        },
        // A guest that crashes: `unreachable` traps.
        "/crash" => std::process::abort(),
        // A guest that allocates without end, a megabyte at a time, and
        // touches each one: the memory cap stops it.
        "/hog" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        _ => answer(
            404,
            format!("no route for {path} ({} body bytes)\n", body.len()),
        ),
    }
}
// ANCHOR_END: routes

/// The request's head (as text) and its body.
fn split_head(request: &[u8]) -> (&str, &[u8]) {
    let end = request
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(request.len());
    let head = std::str::from_utf8(&request[..end]).unwrap_or_default();
    let body = request.get(end + 2..).unwrap_or_default();
    (head, body)
}

fn ok(body: String) -> Vec<u8> {
    answer(200, body)
}

/// A response: the status line, one header, an empty line, the body.
fn answer(status: u16, body: String) -> Vec<u8> {
    format!("{status}\ncontent-type: text/plain; charset=utf-8\n\n{body}").into_bytes()
}
