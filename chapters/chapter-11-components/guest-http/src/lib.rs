//! Chapter 11, the `wasi:http/proxy` guest: chapter 9's edge handler, with
//! the interface real edge platforms run. It exports `wasi:http/incoming-
//! handler`: the host hands it a request and a place to put the response,
//! both resources (handles to objects the host keeps), instead of a buffer in
//! linear memory with chapter 9's hand-made layout.

use std::sync::atomic::{AtomicU32, Ordering};

use wasip2::exports::http::incoming_handler::Guest;
use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

/// Requests this instance has served, and chapter 9's counter: both stay at
/// 1 when the host makes a fresh instance for every request.
static SERVED: AtomicU32 = AtomicU32::new(0);
static COUNTER: AtomicU32 = AtomicU32::new(0);

struct Handler;

// ANCHOR: handle
impl Guest for Handler {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let served = SERVED.fetch_add(1, Ordering::Relaxed) + 1;
        let path = request.path_with_query().unwrap_or_default();
        let (status, body) = match path.as_str() {
            "/hello" => (
                200,
                format!("Hello from a component: it has served {served} request(s)\n"),
            ),
            "/count" => {
                let count = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
                (200, format!("count = {count}\n"))
            }
            // A bug: the instance traps, and the host answers for it.
            "/crash" => panic!("the handler crashed on purpose"),
            _ => (404, format!("no route for {path}\n")),
        };
        respond(out, status, &body);
    }
}

/// Send `body` with `status`: headers, then the body's stream, then the end.
fn respond(out: ResponseOutparam, status: u16, body: &str) {
    let headers = Fields::from_list(&[
        (
            "content-type".to_string(),
            b"text/plain; charset=utf-8".to_vec(),
        ),
        (
            "content-length".to_string(),
            body.len().to_string().into_bytes(),
        ),
    ])
    .expect("valid headers");
    let response = OutgoingResponse::new(headers);
    response.set_status_code(status).expect("a valid status");
    let outgoing = response.body().expect("the body, taken once");
    // The response goes out now; its body follows through a stream.
    ResponseOutparam::set(out, Ok(response));
    let stream = outgoing.write().expect("the stream, taken once");
    stream
        .blocking_write_and_flush(body.as_bytes())
        .expect("the host takes the body");
    drop(stream);
    OutgoingBody::finish(outgoing, None).expect("the body ends");
}
// ANCHOR_END: handle

// ANCHOR: export
wasip2::http::proxy::export!(Handler);
// ANCHOR_END: export
