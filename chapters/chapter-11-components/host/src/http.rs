//! Part 2: chapter 9's edge handler as a `wasi:http/proxy` component, served
//! by hyper with `wasmtime-wasi-http` in between. The host no longer lays out
//! requests in the guest's memory: it hands the guest a request *resource*
//! and a response-outparam, and wasmtime-wasi-http turns them into hyper's
//! types and back.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Engine, Result, Store, bail, format_err};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{
    Error as HttpError, RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks,
    WasiHttpView,
};

// ANCHOR: state
/// A request's store data: WASI (the guest's stderr), wasi:http's context,
/// the table of resources (the request, the response, their bodies), and
/// what the guest may send out (nothing: see `ServeOnly`).
struct Client {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: ServeOnly,
}

/// This host only serves: a request the guest sends out (`wasi:http`'s
/// `outgoing-handler`) is denied, so a handler reaches no other server.
struct ServeOnly;

impl WasiHttpHooks for ServeOnly {
    fn send_request(
        &mut self,
        _request: Request<WasiBody>,
        _options: Option<RequestOptions>,
        _sent: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> Box<Outgoing> {
        Box::new(async { Err(HttpError::HttpRequestDenied) })
    }
}

/// What `send_request` returns: in time, a response and a future that ends
/// with its body.
type Outgoing = dyn Future<
        Output = Result<
            (
                Response<WasiBody>,
                Box<dyn Future<Output = Result<(), HttpError>> + Send>,
            ),
            HttpError,
        >,
    > + Send;

impl WasiView for Client {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for Client {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}
// ANCHOR_END: state

// ANCHOR: handler
/// The proxy component, linked once; each request gets a fresh instance.
pub struct Handler {
    engine: Engine,
    pre: ProxyPre<Client>,
}

impl Handler {
    pub fn load(engine: &Engine, path: &Path) -> Result<Handler> {
        let component = crate::load_component(engine, path)?;
        let mut linker = Linker::new(engine);
        // WASI 0.2, asynchronous this time (the server runs on tokio): Rust's
        // std imports a few of its interfaces (the environment, stderr) even
        // in a handler that does not use them. What the guest can do with
        // them is what its `WasiCtx` grants: no files, no sockets.
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        // And wasi:http's own interfaces: the request, the response, bodies.
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = linker.instantiate_pre(&component).context(
            "it is not a component of the world `wasi:http/proxy`: it imports what that world does not offer",
        )?;
        let pre = ProxyPre::new(pre).context(
            "it is not a component of the world `wasi:http/proxy`: it must export `wasi:http/incoming-handler`",
        )?;
        Ok(Handler {
            engine: engine.clone(),
            pre,
        })
    }

    /// One request: a fresh store and instance, the request and the response
    /// as resources, the guest's `handle`, and the response it set.
    async fn handle(&self, request: Request<Incoming>) -> Result<Response<HyperOutgoingBody>> {
        let client = Client {
            wasi: WasiCtx::builder().inherit_stderr().build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: ServeOnly,
        };
        let mut store = Store::new(&self.engine, client);
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let request = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)?;
        let out = store.data_mut().http().new_response_outparam(sender)?;
        let pre = self.pre.clone();
        // The guest runs in a task of its own: it may still write the body
        // after it has handed over the response's head.
        let task = tokio::spawn(async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, request, out)
                .await
        });
        match receiver.await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(code)) => bail!("the handler answered the error {code:?}"),
            // The guest dropped the outparam without setting it: it trapped,
            // or returned without answering.
            Err(_) => match task.await {
                Ok(Ok(())) => bail!("the handler returned without a response"),
                Ok(Err(err)) => Err(err),
                Err(err) => Err(format_err!("the handler's task failed: {err}")),
            },
        }
    }

    /// The guest's response, or a 500 that says what went wrong.
    async fn answer(&self, request: Request<Incoming>) -> Response<HyperOutgoingBody> {
        self.handle(request).await.unwrap_or_else(|err| {
            // A trap carries the guest's backtrace: the client gets its
            // first line only (the server's stderr has the guest's panic).
            let text = match err.downcast_ref::<wasmtime::Trap>() {
                Some(trap) => format!("the handler crashed: {trap}\n"),
                None => format!("{err:#}\n"),
            };
            let body = Full::new(Bytes::from(text))
                .map_err(|never| match never {})
                .boxed_unsync();
            let mut response = Response::new(body);
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
    }
}
// ANCHOR_END: handler

// ANCHOR: serve
/// Answer every connection of `listener` until `stop` resolves, then let the
/// requests under way end.
async fn serve(listener: TcpListener, handler: Arc<Handler>, stop: impl Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            () = &mut stop => break,
        };
        let handler = handler.clone();
        let service = service_fn(move |request| {
            let handler = handler.clone();
            async move { Ok::<_, Infallible>(handler.answer(request).await) }
        });
        let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    graceful.shutdown().await;
}
// ANCHOR_END: serve

/// `serve [--port P] [PROXY.wasm]`: until Ctrl-C or SIGTERM.
pub fn serve_command(args: &[String]) -> Result<()> {
    let (mut port, mut path) = (0u16, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().context("`--port` needs a number")?;
                port = value
                    .parse()
                    .ok()
                    .with_context(|| format!("`--port {value}`: not a port"))?;
            }
            other if other.starts_with("--") => bail!("`serve` does not take `{other}`"),
            other => path = Some(other.to_string()),
        }
    }
    let path = crate::guest_path(path.as_ref(), "chapter_11_guest_http.wasm");
    let engine = crate::engine()?;
    let handler = Handler::load(&engine, &path)
        .with_context(|| format!("loading the component `{}`", path.display()))?;
    runtime()?.block_on(async {
        // Catch the signals before anyone can know the address: a SIGTERM sent
        // as soon as the address is out must stop the server, not kill it.
        let stop = stop_signal().context("catching SIGTERM and Ctrl-C")?;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("listening on 127.0.0.1:{port}"))?;
        // The first line of stdout is the address: the tests read it.
        println!("listening on http://{}", listener.local_addr()?);
        serve(listener, Arc::new(handler), stop).await;
        eprintln!("stopped");
        Ok(())
    })
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

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting tokio")
}

// ANCHOR: tour
/// Serve the proxy on a free port of 127.0.0.1, visit it, stop it.
pub fn tour(engine: &Engine, path: &Path) -> Result<()> {
    let handler = Arc::new(Handler::load(engine, path)?);
    let file: PathBuf = path.file_name().unwrap_or_default().into();
    println!("From host: part 3, chapter 9's handler as wasi:http/proxy");
    println!(
        "serve {}: a fresh instance for every request",
        file.display()
    );
    runtime()?.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, handler, async {
            let _ = stopped.await;
        }));
        for route in ["/hello", "/hello", "/count", "/count", "/crash", "/nowhere"] {
            let (status, body) = get(address, route).await?;
            println!("  GET {route:<9} {status}  {}", body.trim_end());
        }
        let _ = stop.send(());
        server.await.context("stopping the server")
    })
}

/// One GET over a fresh connection: the status and the body.
async fn get(address: std::net::SocketAddr, path: &str) -> Result<(u16, String)> {
    let stream = TcpStream::connect(address).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = Request::get(path)
        .header("host", address.to_string())
        .body(http_body_util::Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
// ANCHOR_END: tour
