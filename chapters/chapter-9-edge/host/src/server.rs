//! The HTTP side: hyper on tokio. Every request is handed to the handler on
//! one of tokio's blocking threads, so a guest that spins until its deadline
//! holds one thread, never the threads that accept and answer the others.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::handler::Handler;

/// The largest request body the server reads: 64 KiB.
const MAX_BODY: usize = 64 << 10;

/// What the server counts while it runs.
#[derive(Default)]
pub struct Counts {
    pub requests: AtomicU64,
    pub failed: AtomicU64,
    pub instantiation_ns: AtomicU64,
}

// ANCHOR: accept
/// Accept connections until `stop` resolves, then let the open ones finish.
pub async fn run(
    listener: TcpListener,
    handler: Arc<Handler>,
    slots: usize,
    counts: Arc<Counts>,
    stop: impl Future<Output = ()>,
) {
    // No more requests in the handler at once than the pool has instances:
    // the others wait here, in the queue, instead of failing to instantiate.
    let slots = Arc::new(Semaphore::new(slots));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue, // a connection that failed before it began
            },
            () = &mut stop => break,
        };
        let (handler, slots, counts) = (handler.clone(), slots.clone(), counts.clone());
        let service = service_fn(move |request| {
            answer(request, handler.clone(), slots.clone(), counts.clone())
        });
        let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await; // a client that went away
        });
    }
    // Requests under way end within their deadline; give them a little more.
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}
// ANCHOR_END: accept

// ANCHOR: answer
/// One request: read it (bounded), run the handler on a blocking thread,
/// answer with what it gave.
async fn answer(
    request: Request<Incoming>,
    handler: Arc<Handler>,
    slots: Arc<Semaphore>,
    counts: Arc<Counts>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    counts.requests.fetch_add(1, Ordering::Relaxed);
    let mut text = format!("{} {}\n", request.method(), request.uri().path());
    for (name, value) in request.headers() {
        if let Ok(value) = value.to_str() {
            text.push_str(&format!("{name}: {value}\n"));
        }
    }
    text.push('\n');
    let Ok(body) = Limited::new(request.into_body(), MAX_BODY).collect().await else {
        return Ok(plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is over 64 KiB, or was cut\n",
        ));
    };
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&body.to_bytes());
    let Ok(permit) = slots.acquire_owned().await else {
        return Ok(plain(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n"));
    };
    let served = tokio::task::spawn_blocking(move || {
        let _permit = permit; // the slot is free again when the handler is done
        handler.serve(&bytes)
    })
    .await;
    let Ok(served) = served else {
        counts.failed.fetch_add(1, Ordering::Relaxed);
        return Ok(plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the handler's thread failed\n",
        ));
    };
    if served.status >= 500 {
        counts.failed.fetch_add(1, Ordering::Relaxed);
    }
    let mut response = Response::builder().status(served.status);
    for (name, value) in &served.headers {
        response = response.header(name, value);
    }
    if let Some(took) = served.instantiation {
        counts
            .instantiation_ns
            .fetch_add(took.as_nanos() as u64, Ordering::Relaxed);
        // The instantiation time, measured inside the server, for the load test.
        response = response.header("x-instantiation-ns", took.as_nanos().to_string());
    }
    Ok(response
        .body(Full::new(Bytes::from(served.body)))
        .unwrap_or_else(|_| plain(StatusCode::BAD_GATEWAY, "the handler gave a bad header\n")))
}
// ANCHOR_END: answer

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
