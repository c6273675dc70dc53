//! Chapter 9, the host: an HTTP server that answers every request with a
//! fresh instance of a WebAssembly handler, and the tools to attack and
//! measure it.
//!
//! ```text
//! chapter-9-host serve [--port P] [--handler FILE.wasm] [--reuse-instance]
//!                      [--no-pooling] [--no-cow] [--keep-resident BYTES]
//! chapter-9-host load ADDRESS [--path /hello] [--connections 8] [--requests 20000] [--seconds 2]
//! chapter-9-host measure [--quick] [FILE.wasm]
//! chapter-9-host [FILE.wasm]
//! ```
//!
//! `serve` listens on 127.0.0.1 (port 0: any free port) and prints its
//! address; Ctrl-C or SIGTERM stops it. `load` is the chapter's load
//! generator. `measure` starts servers, loads them and prints the figures.
//! Without a subcommand the host takes the tour: it starts the server on the
//! handler that `cargo xtask build chapter-9` built, visits every route,
//! measures (figures on stderr) and stops the server.

mod handler;
mod load;
mod server;
mod tour;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use wasmtime::error::Context;
use wasmtime::{Result, bail};

use handler::{Handler, Options};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&wasmtime::Error::from(err).context("starting tokio")),
    };
    let result = runtime.block_on(async {
        match args.first().map(String::as_str) {
            Some("serve") => serve(&args[1..]).await,
            Some("load") => load(&args[1..]).await,
            Some("measure") => measure(&args[1..]).await,
            _ => tour::tour(&handler_path(args.first())?).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

// ANCHOR: serve
/// `serve`: load the handler, listen, answer until Ctrl-C or SIGTERM.
async fn serve(args: &[String]) -> Result<()> {
    let mut options = Options::default();
    let (mut port, mut path) = (0u16, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = number(args.next(), "--port")?,
            "--handler" => path = args.next().cloned(),
            "--reuse-instance" => options.reuse_instance = true,
            "--no-pooling" => options.pooling = false,
            "--no-cow" => options.cow = false,
            "--keep-resident" => options.keep_resident = number(args.next(), "--keep-resident")?,
            other => bail!("`serve` does not take `{other}`"),
        }
    }
    let path = handler_path(path.as_ref())?;
    let slots = options.instances as usize;
    let handler = Handler::load(&path, options)
        .with_context(|| format!("loading the handler `{}`", path.display()))?;
    let handler = Arc::new(handler);
    // Catch the signals before anyone can know the address: a SIGTERM sent as
    // soon as the address is out must stop the server, not kill it.
    let stop = stop_signal().context("catching SIGTERM and Ctrl-C")?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{port}"))?;
    // The first line of stdout is the address: `measure` and the tests read it.
    println!("listening on http://{}", listener.local_addr()?);
    let counts = Arc::new(server::Counts::default());
    server::run(listener, handler.clone(), slots, counts.clone(), stop).await;
    let requests = counts.requests.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "stopped after {requests} request(s), {} instance(s) made",
        handler.instances_made()
    );
    Ok(())
}

/// A future that resolves at Ctrl-C or SIGTERM (what `kill` and service
/// managers send). The signals are caught from this call on, not from the
/// future's first poll: until then they would still end the process.
fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}
// ANCHOR_END: serve

/// `load ADDRESS`: the load generator against any server.
async fn load(args: &[String]) -> Result<()> {
    let mut args = args.iter();
    let address = args
        .next()
        .context("`load` needs the server's address, such as 127.0.0.1:8080")?;
    let address = address.trim_start_matches("http://").trim_end_matches('/');
    let addr = address
        .parse::<SocketAddr>()
        .with_context(|| format!("`{address}` is not an address such as 127.0.0.1:8080"))?;
    if !addr.ip().is_loopback() {
        bail!("the load generator only loads servers on this machine (127.0.0.1), not {addr}");
    }
    let mut plan = tour::plan(false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--path" => plan.path = args.next().context("`--path` needs a path")?.clone(),
            "--connections" => plan.connections = number(args.next(), "--connections")?,
            "--requests" => plan.requests = number(args.next(), "--requests")?,
            "--seconds" => plan.duration = Duration::from_secs(number(args.next(), "--seconds")?),
            other => bail!("`load` does not take `{other}`"),
        }
    }
    let report = load::run(addr, &plan).await;
    println!("{}", tour::describe(&plan.path, &report));
    Ok(())
}

/// `measure [--quick] [FILE.wasm]`: the figures, on stdout.
async fn measure(args: &[String]) -> Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    let path = args.iter().find(|a| !a.starts_with("--"));
    let figures = tour::measure(&handler_path(path)?, quick).await?;
    print!("{figures}");
    Ok(())
}

/// The handler given, or the one `cargo xtask build chapter-9` built. It is
/// found from where this program is (`target/debug/` or `target/vm-bench/`),
/// so that a moved workbook serves its own.
fn handler_path(given: Option<&String>) -> Result<PathBuf> {
    if let Some(given) = given {
        return Ok(PathBuf::from(given));
    }
    let exe = std::env::current_exe().context("finding this program")?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    Ok(target.join("wasm/wasm32-wasip1/debug/chapter_9_guest.wasm"))
}

fn number<T: std::str::FromStr>(value: Option<&String>, flag: &str) -> Result<T> {
    let value = value.with_context(|| format!("`{flag}` needs a number"))?;
    value
        .parse()
        .ok()
        .with_context(|| format!("`{flag} {value}`: not a number"))
}

fn fail(err: &wasmtime::Error) -> ExitCode {
    eprintln!("Error: {err:#}");
    ExitCode::from(1)
}
