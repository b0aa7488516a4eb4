//! HTTP/1.1 with keep-alive on a Tokio listener, graceful shutdown, and the in-process handle.

use super::router::{read_whole, RequestBody};
use super::streaming::BoxError;
use super::{Rejection, Router, ServerResponse};
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

impl Router {
    /// Serves HTTP/1.1 (keep-alive on) on `listener` until the process ends.
    pub async fn serve(self, listener: TcpListener) -> io::Result<()> {
        self.serve_with_shutdown(listener, std::future::pending()).await
    }

    /// Serves HTTP/1.1 on `listener` until `signal` completes, then shuts down gracefully:
    /// stops accepting, lets requests in flight finish (up to
    /// [`ServerConfig::shutdown_timeout`](super::ServerConfig)) and closes idle keep-alive
    /// connections. Failed `accept`s (such as running out of file descriptors) are logged
    /// and retried, never fatal.
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        let router = Arc::new(self);
        let header_timeout = router.config().header_read_timeout;
        let graceful = GracefulShutdown::new();
        let mut signal = std::pin::pin!(signal);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut signal => break,
            };
            // Responses go out in several writes (headers, then each event of a stream): with
            // Nagle's algorithm on, a write waits for the peer's delayed ACK, up to 40 ms per part.
            if let Err(e) = stream.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
            let router = router.clone();
            let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
                let router = router.clone();
                async move { Ok::<_, Infallible>(router.serve_hyper(request).await) }
            });
            let connection = http1::Builder::new()
                .keep_alive(true)
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            let watched = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(e) = watched.await {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
            });
        }
        drop(listener);
        let timeout = router.config().shutdown_timeout;
        if tokio::time::timeout(timeout, graceful.shutdown()).await.is_err() {
            tracing::warn!(?timeout, "graceful shutdown timed out; closing remaining connections");
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
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(self.serve_with_shutdown(listener, async move {
            // A dropped sender (the handle dropped) stops the server too.
            let _ = rx.await;
        }));
        Ok(ServerHandle { addr, shutdown: Some(tx), task: Some(task) })
    }

    /// Reads the body within the limit and runs [`handle`](Self::handle), or, for a route that
    /// streams its body, hands the body over unread; a response with a
    /// [`StreamingBody`](super::StreamingBody) sends that body as it is produced.
    async fn serve_hyper(&self, request: http::Request<Incoming>) -> http::Response<UnsyncBoxBody<Bytes, BoxError>> {
        let limit = self.config().body_limit;
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let response: ServerResponse = if self.streams_body(&parts) {
            // Routed on the head alone: the operation reads the body as it arrives (events of
            // an input stream), so neither the limit nor the end of the body holds it up.
            let body = SdkBody::from_body_1_x(body);
            self.handle_body(http::Request::from_parts(parts, RequestBody::Stream(body))).await
        } else if declared.is_some_and(|n| n > limit as u64) {
            with_request_id(Rejection::PayloadTooLarge { limit }.into_response())
        } else {
            match read_whole(body, limit).await {
                Ok(bytes) => self.handle(http::Request::from_parts(parts, bytes)).await,
                Err(rejection) => with_request_id(rejection.into_response()),
            }
        };
        let streaming = super::streaming_body(&response).and_then(|body| body.take());
        match streaming {
            Some(body) => response.map(|_| body),
            None => response.map(|bytes| Full::new(bytes).map_err(|never| match never {}).boxed_unsync()),
        }
    }
}

fn with_request_id(mut response: ServerResponse) -> ServerResponse {
    if let Ok(v) = http::HeaderValue::from_str(&super::request_id()) {
        response.headers_mut().insert(super::REQUEST_ID_HEADER, v);
    }
    response
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
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://<ip>:<port>`, to use as a client's endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
