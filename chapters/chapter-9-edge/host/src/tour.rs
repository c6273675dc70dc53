//! The tour and the measurement: start real servers (this program's `serve`,
//! in processes of their own), talk to them over sockets, stop them.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use wasmtime::error::Context;
use wasmtime::{Result, bail};

use crate::load::{self, Plan, Report, percentile};

// ANCHOR: server
/// A `chapter-9-host serve` process.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Start a server on any free port and wait until it listens.
    pub async fn start(handler: &Path, flags: &[&str]) -> Result<Server> {
        let exe = std::env::current_exe().context("finding this program")?;
        let mut child = Command::new(exe)
            .args(["serve", "--port", "0", "--handler"])
            .arg(handler)
            .args(flags)
            .stdout(Stdio::piped())
            .kill_on_drop(true) // if we fail, it does not outlive us
            .spawn()
            .context("starting the server")?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(120), lines.next_line()).await;
        let Ok(Ok(Some(line))) = first else {
            let _ = child.start_kill();
            let status = child.wait().await?;
            bail!("the server did not start ({status})");
        };
        let addr = line
            .strip_prefix("listening on http://")
            .and_then(|a| a.parse().ok())
            .with_context(|| format!("the server said `{line}`, not where it listens"))?;
        Ok(Server { child, addr })
    }

    /// Stop it as Ctrl-C would (SIGTERM), and wait until it has ended.
    pub async fn stop(mut self) -> Result<()> {
        let pid = self.child.id().context("the server has already ended")?;
        // SAFETY: `kill` only sends a signal; `pid` is our child, not yet reaped.
        if unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) } != 0 {
            bail!("stopping the server: {}", std::io::Error::last_os_error());
        }
        match tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await {
            Ok(status) => match status? {
                status if status.success() => Ok(()),
                status => bail!("the server ended with {status}"),
            },
            Err(_) => bail!("the server did not stop within 20 s"),
        }
    }
}
// ANCHOR_END: server

// ANCHOR: tour
/// Every route, on a server with fresh instances and on one that reuses its
/// instance; then the measurement, whose figures go to stderr.
pub async fn tour(handler: &Path) -> Result<()> {
    let name = handler.file_name().unwrap_or_default().to_string_lossy();
    println!("serve --handler {name}: a fresh instance for every request");
    let fresh = Server::start(handler, &[]).await?;
    let routes = [
        "/hello", "/hello", "/count", "/count", "/spin", "/crash", "/hog", "/nowhere", "/hello",
    ];
    visit(fresh.addr, &routes).await?;
    fresh.stop().await?;
    println!("serve --handler {name} --reuse-instance: one instance for all of them");
    let reused = Server::start(handler, &["--reuse-instance"]).await?;
    visit(
        reused.addr,
        &["/hello", "/count", "/count", "/count", "/crash", "/count"],
    )
    .await?;
    reused.stop().await?;
    eprint!("{}", measure(handler, true).await?);
    eprintln!(
        "tour: every route answered, 8 servers started and stopped; figures from this build \
         (`cargo xtask bench edge` measures the release build)"
    );
    Ok(())
}

/// GET each path in turn on one connection; print each status and answer.
async fn visit(addr: SocketAddr, paths: &[&str]) -> Result<()> {
    let mut sender = load::connect(addr).await?;
    for path in paths {
        let (status, body, _) = load::get(&mut sender, path).await?;
        let body = String::from_utf8_lossy(&body);
        println!("  GET {path:<9} {}  {}", status.as_u16(), body.trim_end());
    }
    Ok(())
}
// ANCHOR_END: tour

/// The load test's plan: `/hello` on 8 connections, for 1 s (quick) or 5 s.
pub fn plan(quick: bool) -> Plan {
    Plan {
        path: "/hello".to_string(),
        connections: 8,
        requests: if quick { 50_000 } else { 500_000 },
        duration: Duration::from_secs(if quick { 1 } else { 5 }),
    }
}

/// The server's settings compared, each in a server of its own.
const SETUPS: [(&str, &[&str]); 5] = [
    ("fresh instances", &[]),
    ("reused instance", &["--reuse-instance"]),
    ("fresh, no copy-on-write", &["--no-cow"]),
    ("fresh, nothing resident", &["--keep-resident", "0"]),
    ("fresh, no pooling", &["--no-pooling"]),
];

// ANCHOR: measure
/// Load `/hello` on each setup, one server at a time; then load it again
/// beside hostile requests.
pub async fn measure(handler: &Path, quick: bool) -> Result<String> {
    let plan = plan(quick);
    let mut out = String::new();
    let secs = plan.duration.as_secs();
    writeln!(
        out,
        "GET /hello on {} connections, {secs} s per setup:",
        plan.connections
    )?;
    let head = ["setup", "req/s", "p50", "p99", "instantiation", "5xx"];
    writeln!(
        out,
        "  {:<24} {:>8} {:>9} {:>9} {:>14} {:>4}",
        head[0], head[1], head[2], head[3], head[4], head[5]
    )?;
    let mut reports = Vec::new();
    for (name, flags) in SETUPS {
        eprintln!("measuring: {name} ({secs} s)");
        let server = Server::start(handler, flags).await?;
        let report = load::run(server.addr, &plan).await;
        server.stop().await?;
        let inst = match report.instantiations.is_empty() {
            true => "-".to_string(),
            false => show(percentile(&report.instantiations, 0.5)),
        };
        let (p50, p99) = (show(report.latency(0.5)), show(report.latency(0.99)));
        let rate = report.per_second();
        writeln!(
            out,
            "  {name:<24} {rate:>8.0} {p50:>9} {p99:>9} {inst:>14} {:>4}",
            report.errors
        )?;
        reports.push(report);
    }
    let (fresh, reused) = (&reports[0], &reports[1]);
    let ratio = fresh.per_second() / reused.per_second().max(f64::MIN_POSITIVE);
    writeln!(
        out,
        "fresh/reused throughput: {ratio:.2} (goal: at least 0.70)"
    )?;
    eprintln!("measuring: /hello beside /spin, /crash and /hog");
    let (hello, sent, refused) = beside_hostile(handler, &plan).await?;
    writeln!(
        out,
        "beside {sent} hostile request(s), {refused} answered 5xx: /hello p99 {} (alone {}), {:.0} req/s, {} 5xx",
        show(hello.latency(0.99)),
        show(fresh.latency(0.99)),
        hello.per_second(),
        hello.errors
    )?;
    let median = percentile(&fresh.instantiations, 0.5);
    writeln!(
        out,
        "instantiation median (fresh instances): {} ns",
        median.as_nanos()
    )?;
    Ok(out)
}

/// `/hello` loaded as in `plan` (for 3 s at least) while one more connection
/// sends `/spin`, `/crash` and `/hog` in turn: the load's report, how many
/// hostile requests were sent and how many got a 5xx.
async fn beside_hostile(handler: &Path, plan: &Plan) -> Result<(Report, u32, u32)> {
    let server = Server::start(handler, &[]).await?;
    let duration = plan.duration.max(Duration::from_secs(3));
    let mixed = Plan {
        duration,
        ..plan.clone()
    };
    let (hello, hostile) = tokio::join!(
        load::run(server.addr, &mixed),
        hostile(server.addr, duration)
    );
    server.stop().await?;
    let (sent, refused) = hostile?;
    Ok((hello, sent, refused))
}
// ANCHOR_END: measure

/// One connection that sends `/spin`, `/crash` and `/hog` in turn for
/// `duration`; returns how many it sent and how many were answered 5xx.
async fn hostile(addr: SocketAddr, duration: Duration) -> Result<(u32, u32)> {
    let until = tokio::time::Instant::now() + duration;
    let (mut sent, mut refused) = (0, 0);
    let mut sender = load::connect(addr).await?;
    for path in ["/spin", "/crash", "/hog"].iter().cycle() {
        if tokio::time::Instant::now() >= until {
            break;
        }
        let (status, _, _) = load::get(&mut sender, path).await?;
        sent += 1;
        refused += u32::from(status.is_server_error());
    }
    Ok((sent, refused))
}

/// The line `load` prints.
pub fn describe(path: &str, report: &Report) -> String {
    let mut line = format!(
        "GET {path}: {} answers in {:.1} s, {:.0} req/s; latency p50 {}, p90 {}, p99 {}, max {}; {} 5xx, {} lost",
        report.latencies.len(),
        report.elapsed.as_secs_f64(),
        report.per_second(),
        show(report.latency(0.5)),
        show(report.latency(0.9)),
        show(report.latency(0.99)),
        show(report.latency(1.0)),
        report.errors,
        report.lost
    );
    if !report.instantiations.is_empty() {
        let inst = &report.instantiations;
        let _ = write!(
            line,
            "; instantiation (in the server) median {}, p99 {}",
            show(percentile(inst, 0.5)),
            show(percentile(inst, 0.99))
        );
    }
    line
}

/// `850 µs`, `2.1 ms`.
fn show(d: Duration) -> String {
    if d >= Duration::from_millis(10) {
        format!("{} ms", d.as_millis())
    } else if d >= Duration::from_millis(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    }
}
