//! The chapter's own load generator: a few keep-alive connections, each
//! sending one request after another, bounded by a number of requests and a
//! time. It is small because it only has to do what `wrk` does for one URL,
//! and it reads the server's `x-instantiation-ns` header, which `wrk` would
//! only report through a Lua script.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use wasmtime::Result;
use wasmtime::error::Context;

/// What to send, and when to stop.
#[derive(Debug, Clone)]
pub struct Plan {
    pub path: String,
    pub connections: usize,
    pub requests: u64,
    pub duration: Duration,
}

/// What came back.
#[derive(Debug, Default)]
pub struct Report {
    pub elapsed: Duration,
    /// Each answered request's latency, sorted.
    pub latencies: Vec<Duration>,
    /// How many answers had a 5xx status.
    pub errors: u64,
    /// Requests that got no answer at all (connection refused or reset).
    pub lost: u64,
    /// The server's `x-instantiation-ns` headers, sorted.
    pub instantiations: Vec<Duration>,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency below which a share `p` (0 to 1) of the requests were answered.
    pub fn latency(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A connection to the server.
pub async fn connect(addr: SocketAddr) -> Result<SendRequest<Empty<Bytes>>> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One GET: the status, the body, the instantiation time if the server said.
pub async fn get(
    sender: &mut SendRequest<Empty<Bytes>>,
    path: &str,
) -> Result<(StatusCode, Bytes, Option<Duration>)> {
    sender.ready().await?;
    let request = Request::get(path)
        .header("host", "127.0.0.1")
        .body(Empty::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let took = response
        .headers()
        .get("x-instantiation-ns")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .map(Duration::from_nanos);
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body, took))
}

// ANCHOR: load
/// Run `plan` against the server at `addr`.
pub async fn run(addr: SocketAddr, plan: &Plan) -> Report {
    let started = Instant::now();
    let deadline = started + plan.duration;
    let budget = Arc::new(AtomicU64::new(plan.requests));
    let mut tasks = Vec::new();
    for _ in 0..plan.connections {
        let (budget, path) = (budget.clone(), plan.path.clone());
        tasks.push(tokio::spawn(async move {
            let mut report = Report::default();
            let mut sender = None;
            // Take one request from the shared budget at a time, until it or the time runs out.
            while Instant::now() < deadline && take(&budget) {
                if sender.is_none() {
                    sender = connect(addr).await.ok();
                }
                let Some(open) = sender.as_mut() else {
                    report.lost += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let sent = Instant::now();
                match get(open, &path).await {
                    Ok((status, _, took)) => {
                        report.latencies.push(sent.elapsed());
                        report.errors += u64::from(status.is_server_error());
                        report.instantiations.extend(took);
                    }
                    Err(_) => {
                        report.lost += 1;
                        sender = None; // connect again
                    }
                }
            }
            report
        }));
    }
    let mut total = Report::default();
    for task in tasks {
        if let Ok(report) = task.await {
            total.latencies.extend(report.latencies);
            total.instantiations.extend(report.instantiations);
            total.errors += report.errors;
            total.lost += report.lost;
        }
    }
    total.elapsed = started.elapsed();
    total.latencies.sort();
    total.instantiations.sort();
    total
}
// ANCHOR_END: load

fn take(budget: &AtomicU64) -> bool {
    budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}
