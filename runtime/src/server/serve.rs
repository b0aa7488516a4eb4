//! One listener for HTTP/1.1, HTTP/2 with prior knowledge (h2c) and HTTPS (ALPN `h2` /
//! `http/1.1`): connections, their limits and timeouts, graceful shutdown, and the in-process
//! handle.

use super::connection::{Activity, BodyIdle, IdleLimited, Tracked};
use super::router::RequestBody;
use super::streaming::BoxError;
use super::tls::ALPN_H2;
use super::{error_response, Rejection, Router, ServerConfig, ServerResponse};
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

/// How long a closing connection (idle, or the server stopping) with no request in flight may
/// take to say goodbye before it is dropped: HTTP/2's graceful `GOAWAY` waits for the client to
/// answer a PING, which a stalled or hostile client never does.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

impl Router {
    /// Serves HTTP/1.1 and HTTP/2 (h2c, or HTTPS with [`ServerConfig::tls`]) on `listener`
    /// until the process ends.
    pub async fn serve(self, listener: TcpListener) -> io::Result<()> {
        self.serve_with_shutdown(listener, std::future::pending()).await
    }

    /// Serves on `listener` until `signal` completes, then shuts down gracefully: stops
    /// accepting, lets requests in flight finish (up to
    /// [`ServerConfig::shutdown_timeout`](super::ServerConfig), after which the remaining
    /// connections are closed) and closes idle connections (HTTP/2 ones with `GOAWAY`).
    /// Failed `accept`s (such as running out of file descriptors) are logged and retried,
    /// never fatal.
    ///
    /// Each connection is HTTP/1.1 or HTTP/2 as the client opens it: over plain TCP, HTTP/2
    /// when it starts with the HTTP/2 connection preface (`PRI * HTTP/2.0`, "prior
    /// knowledge"), else HTTP/1.1; over TLS, as ALPN chose (`h2`, else HTTP/1.1). The limits
    /// and timeouts are [`ServerConfig`]'s.
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        let shared = Arc::new(Shared::new(self));
        let (stop, stopped) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut signal = pin!(signal);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed; retrying");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                // Finished connections are collected as they end, so the set stays small.
                Some(finished) = connections.join_next(), if !connections.is_empty() => {
                    if let Err(e) = finished {
                        tracing::error!(panicked = e.is_panic(), "a connection task failed");
                    }
                    continue;
                }
                () = &mut signal => break,
            };
            // Responses go out in several writes (headers, then each event of a stream): with
            // Nagle's algorithm on, a write waits for the peer's delayed ACK, up to 40 ms per part.
            if let Err(e) = stream.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
            connections.spawn(shared.clone().serve_connection(stream, peer, stopped.clone()));
        }
        drop(listener);
        let _ = stop.send(true);
        let timeout = shared.router.config().shutdown_timeout;
        let drained = tokio::time::timeout(timeout, async { while connections.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(?timeout, remaining = connections.len(), "graceful shutdown timed out; closing remaining connections");
            connections.shutdown().await;
        }
        Ok(())
    }

    /// Binds `addr` (use `"127.0.0.1:0"` for a free loopback port) and serves in the
    /// background. The returned handle gives the address and URL and stops the server.
    pub async fn start(self, addr: impl ToSocketAddrs) -> io::Result<ServerHandle> {
        let listener = TcpListener::bind(addr).await?;
        self.spawn(listener)
    }

    /// Serves on an already bound listener in the background; see [`start`](Self::start).
    pub fn spawn(self, listener: TcpListener) -> io::Result<ServerHandle> {
        let addr = listener.local_addr()?;
        let tls = self.config().tls.is_some();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(self.serve_with_shutdown(listener, async move {
            // A dropped sender (the handle dropped) stops the server too.
            let _ = rx.await;
        }));
        Ok(ServerHandle { addr, tls, shutdown: Some(tx), task: Some(task) })
    }

    /// Reads the body within the limit and runs [`handle`](Self::handle), or, for a route that
    /// streams its body, hands the body over unread; a response with a
    /// [`StreamingBody`](super::StreamingBody) sends that body as it is produced.
    async fn serve_hyper(&self, request: http::Request<Incoming>) -> http::Response<UnsyncBoxBody<Bytes, BoxError>> {
        let limit = self.config().body_limit;
        let (mut parts, body) = request.into_parts();
        origin_form(&mut parts);
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let response: ServerResponse = if let Some(diversion) = self.diversion(&parts) {
            // Another service on this listener: its handler gets the body as it arrives.
            Router::divert_to(diversion, parts, SdkBody::from_body_1_x(body)).await
        } else if self.streams_body(&parts) {
            // Routed on the head alone: the operation reads the body as it arrives (events of
            // an input stream), so neither the limit nor the end of the body holds it up.
            let body = SdkBody::from_body_1_x(body);
            self.handle_undiverted(parts, RequestBody::Stream(body)).await
        } else if declared.is_some_and(|n| n > limit as u64) {
            with_request_id(Rejection::PayloadTooLarge { limit }.into_response())
        } else {
            match read_body(body, limit, self.config().body_idle_timeout).await {
                Ok(bytes) => self.handle_undiverted(parts, RequestBody::Whole(bytes)).await,
                Err(response) => with_request_id(response),
            }
        };
        let streaming = super::streaming_body(&response).and_then(|body| body.take());
        match streaming {
            Some(body) => response.map(|_| body),
            None => response.map(|bytes| Full::new(bytes).map_err(|never| match never {}).boxed_unsync()),
        }
    }
}

/// Over HTTP/2 the request target arrives as `:scheme`, `:authority` and `:path` (an absolute
/// URI) and usually without `Host`: routing, hooks (SigV4 verification signs `host`) and
/// operations see it as HTTP/1.1 sends it, an origin-form URI and a `Host` header.
fn origin_form(parts: &mut http::request::Parts) {
    if parts.version != http::Version::HTTP_2 {
        return;
    }
    let Some(authority) = parts.uri.authority() else { return };
    if !parts.headers.contains_key(http::header::HOST) {
        if let Ok(host) = http::HeaderValue::from_str(authority.as_str()) {
            parts.headers.insert(http::header::HOST, host);
        }
    }
    let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    if let Ok(uri) = target.parse::<http::Uri>() {
        parts.uri = uri;
    }
}

/// Reads a request body whole: over `limit` is 413, no data for `idle` 408
/// `RequestTimeoutException`, a body that fails to arrive a `SerializationException`.
async fn read_body(body: Incoming, limit: usize, idle: Option<Duration>) -> Result<Bytes, ServerResponse> {
    let collected = match idle {
        Some(idle) => Limited::new(IdleLimited::new(body, idle), limit).collect().await,
        None => Limited::new(body, limit).collect().await,
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(Rejection::PayloadTooLarge { limit }.into_response())
        }
        Err(e) if e.downcast_ref::<BodyIdle>().is_some() => {
            Err(error_response(408, "RequestTimeoutException", &format!("Request body timed out: {e}."), Default::default()))
        }
        Err(e) => Err(Rejection::Serialization(crate::protocol::WireError::new("body", format!("could not be read: {e}")))
            .into_response()),
    }
}

fn with_request_id(mut response: ServerResponse) -> ServerResponse {
    if let Some(v) = super::request_id_value() {
        response.headers_mut().insert(super::rejection::REQUEST_ID_NAME, v);
    }
    response
}

/// What every connection of one listener shares: the router, the connection builders and
/// the TLS acceptor.
struct Shared {
    router: Arc<Router>,
    /// HTTP/1.1 or HTTP/2 by the connection preface (HTTP/1.1 only when HTTP/2 is off).
    plain: auto::Builder<TokioExecutor>,
    /// After ALPN: `h2`, and everything else.
    http2_only: auto::Builder<TokioExecutor>,
    http1_only: auto::Builder<TokioExecutor>,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

impl Shared {
    fn new(router: Router) -> Self {
        let config = router.config();
        let plain = if config.http2.enabled { builder(config) } else { builder(config).http1_only() };
        let tls = config.tls.as_ref().map(|tls| tls.acceptor(config.http2.enabled));
        Shared { http2_only: builder(config).http2_only(), http1_only: builder(config).http1_only(), plain, tls, router: Arc::new(router) }
    }

    /// One connection, from accept to close.
    async fn serve_connection(self: Arc<Self>, stream: TcpStream, peer: SocketAddr, mut stop: watch::Receiver<bool>) {
        let activity = Activity::new();
        let Some(acceptor) = &self.tls else {
            return self.drive(&self.plain, TokioIo::new(stream), peer, activity, stop).await;
        };
        // The handshake is part of what the client must finish within the header timeout.
        let timeout = self.router.config().header_read_timeout;
        let tls = tokio::select! {
            handshake = tokio::time::timeout(timeout, acceptor.accept(stream)) => match handshake {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, ?timeout, "TLS handshake timed out");
                    return;
                }
            },
            () = stopping(&mut stop) => return,
        };
        let builder = if tls.get_ref().1.alpn_protocol() == Some(ALPN_H2) { &self.http2_only } else { &self.http1_only };
        self.drive(builder, TokioIo::new(tls), peer, activity, stop).await
    }

    /// Serves the connection's requests until it ends, the server stops (graceful: requests
    /// in flight finish) or it has been idle too long.
    async fn drive<I>(
        &self,
        builder: &auto::Builder<TokioExecutor>,
        io: I,
        peer: SocketAddr,
        activity: Arc<Activity>,
        mut stop: watch::Receiver<bool>,
    ) where
        I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    {
        let router = self.router.clone();
        let tracker = activity.clone();
        let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            let router = router.clone();
            // In flight from its head until its response body has been sent or dropped.
            let in_flight = tracker.begin(request.version());
            async move {
                let response = router.serve_hyper(request).await;
                Ok::<_, Infallible>(response.map(|body| Tracked::new(body, in_flight)))
            }
        });
        let config = self.router.config();
        let (first, idle) = (config.header_read_timeout, config.idle_timeout);
        let connection = builder.serve_connection(io, service);
        let mut connection = pin!(connection);
        let mut closing = false;
        let mut hard_close = pin!(tokio::time::sleep(Duration::ZERO));
        let mut hard_close_armed = false;
        loop {
            tokio::select! {
                ended = connection.as_mut() => {
                    if let Err(e) = ended {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                    return;
                }
                () = stopping(&mut stop), if !closing => {
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                    hard_close.as_mut().reset(tokio::time::Instant::now() + CLOSE_GRACE);
                    hard_close_armed = true;
                }
                () = activity.idle(first, idle), if !closing => {
                    tracing::debug!(%peer, "closing an idle connection");
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                    hard_close.as_mut().reset(tokio::time::Instant::now() + CLOSE_GRACE);
                    hard_close_armed = true;
                }
                () = &mut hard_close, if hard_close_armed => {
                    if !activity.busy() {
                        tracing::debug!(%peer, "a closing connection with no request in flight did not close in time; dropping it");
                        return;
                    }
                    // Requests in flight finish first (within the shutdown timeout, when the
                    // server is stopping); look again later.
                    hard_close.as_mut().reset(tokio::time::Instant::now() + CLOSE_GRACE);
                }
            }
        }
    }
}

/// Completes when the server stops (or is gone).
async fn stopping(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// A connection builder with the config's HTTP/1.1 and HTTP/2 settings.
fn builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // The header timeout is the connection's idle check ([`Activity::idle`]), not hyper's
    // timer per request head.
    builder.http1().keep_alive(true).header_read_timeout(None);
    let h2 = &config.http2;
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(h2.max_concurrent_streams)
        .max_header_list_size(h2.max_header_list_size)
        .max_frame_size(h2.frame_size())
        .initial_stream_window_size(h2.stream_window())
        .initial_connection_window_size(h2.connection_window())
        .adaptive_window(false)
        .max_send_buf_size(h2.send_buffer())
        .keep_alive_interval(h2.ping_interval())
        .keep_alive_timeout(h2.ping_timeout())
        .max_pending_accept_reset_streams(h2.max_pending_accept_reset_streams)
        .max_local_error_reset_streams(h2.max_local_error_reset_streams);
    builder
}

/// A server running in the background, from [`Router::start`] or [`Router::spawn`]
/// (or a generated crate's `server::start`).
///
/// ```no_run
/// # async fn run(router: smithygen_runtime::server::Router) -> std::io::Result<()> {
/// let server = router.start("127.0.0.1:0").await?;
/// let url = server.url(); // e.g. "http://127.0.0.1:49152": an endpoint_url for a client
/// # let _ = url;
/// server.shutdown().await?; // graceful: requests in flight finish first
/// # Ok(()) }
/// ```
///
/// Dropping the handle also stops the server, without waiting.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    tls: bool,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://<ip>:<port>` (`https://` when serving TLS), to use as a
    /// client's endpoint URL.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting connections, lets requests in flight finish and waits until the
    /// server has stopped.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
