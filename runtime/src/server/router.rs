//! The router: operations by method and URI pattern, and the request pipeline around them.

use super::http2::Http2Config;
use super::rejection::REQUEST_ID_NAME;
use super::streaming::BoxError;
use super::tls::TlsConfig;
use super::route::{parse_query, path_parts, UriPattern};
use super::{request_id_value, Rejection, ServerRequest, ServerResponse};
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http::request::Parts;
use http::Method;
use http_body_util::{BodyExt, Limited};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The default request body limit: 8 MiB, room for a 6 MB payload (the largest AWS data
/// planes such as SageMaker Runtime accept) plus headroom; larger bodies get 413.
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Server settings.
///
/// One listener serves HTTP/1.1 and HTTP/2: without [`tls`](Self::tls) plain HTTP/1.1 and h2c
/// (HTTP/2 with prior knowledge, told apart by the connection preface); with it HTTPS, the
/// protocol chosen by ALPN (`h2` or `http/1.1`). [`http2`](Self::http2) holds the HTTP/2 limits.
///
/// Timeouts, for both protocols: a connection gets [`header_read_timeout`](Self::header_read_timeout)
/// for its TLS handshake and first request head (and HTTP/1.1 for every request head), and is
/// closed once it has had no request in flight for [`idle_timeout`](Self::idle_timeout)
/// (HTTP/2 with a `GOAWAY` first). A request body read whole that delivers nothing for
/// [`body_idle_timeout`](Self::body_idle_timeout) is answered 408.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes ([`DEFAULT_BODY_LIMIT`]).
    pub body_limit: usize,
    /// How long graceful shutdown waits for open requests before closing connections (10 s).
    pub shutdown_timeout: Duration,
    /// How long a client may take to send request headers (30 s): each request head over
    /// HTTP/1.1; over HTTP/2 and TLS, the handshake, the connection preface and the first
    /// request's headers.
    pub header_read_timeout: Duration,
    /// How long a connection may stay open with no request in flight (60 s; `None`: as long
    /// as the client likes). A request in flight includes one whose response body is still
    /// streaming. HTTP/1.1 keep-alive connections also close after `header_read_timeout`
    /// without a new request.
    pub idle_timeout: Option<Duration>,
    /// How long a request body that is read whole may go without delivering data (30 s;
    /// `None`: no limit): the request then gets 408 `RequestTimeoutException`. Bodies of
    /// [`Router::route_streaming`] routes are the handler's to read and not limited.
    pub body_idle_timeout: Option<Duration>,
    /// HTTP/2 settings and limits (on by default); see [`Http2Config`].
    pub http2: Http2Config,
    /// Serve HTTPS with this certificate and key (`None`, the default: plain HTTP). See
    /// [`TlsConfig`].
    pub tls: Option<TlsConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: DEFAULT_BODY_LIMIT,
            shutdown_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(60)),
            body_idle_timeout: Some(Duration::from_secs(30)),
            http2: Http2Config::default(),
            tls: None,
        }
    }
}

type BoxFuture = Pin<Box<dyn Future<Output = ServerResponse> + Send>>;
type Handler = Arc<dyn Fn(ServerRequest) -> BoxFuture + Send + Sync>;
type BeforeFuture = Pin<Box<dyn Future<Output = Result<http::Request<Bytes>, ServerResponse>> + Send>>;
/// Whether a request head goes to a [`Diversion`] handler.
type DivertTest = Arc<dyn Fn(&Parts) -> bool + Send + Sync>;
/// A [`Diversion`]'s handler: the request with its body still arriving.
type DivertHandler = Arc<dyn Fn(http::Request<SdkBody>) -> BoxFuture + Send + Sync>;

/// Another service on the same listener ([`Router::divert`]).
#[derive(Clone)]
pub(crate) struct Diversion {
    test: DivertTest,
    handler: DivertHandler,
}

type AsyncBeforeHook = Arc<dyn Fn(http::Request<Bytes>) -> BeforeFuture + Send + Sync>;
type SyncBeforeHook = Arc<dyn Fn(&mut http::Request<Bytes>) -> Option<ServerResponse> + Send + Sync>;

/// A [`Router::before`] hook, or a [`Router::before_sync`] one (no future to box and poll).
#[derive(Clone)]
enum BeforeHook {
    Async(AsyncBeforeHook),
    Sync(SyncBeforeHook),
}
type AfterHook = Arc<dyn Fn(&Method, &str, ServerResponse) -> ServerResponse + Send + Sync>;

#[derive(Clone)]
struct Route {
    operation: &'static str,
    method: Method,
    pattern: UriPattern,
    /// A header the request must carry with this value (an RPC protocol's operation name,
    /// [`Router::route_target`]).
    target: Option<(http::HeaderName, String)>,
    handler: Handler,
    /// The handler reads the body as it arrives ([`Router::route_streaming`]).
    streams_body: bool,
}

/// A request body as the router gets it: whole (in process, or read within the limit), or
/// still arriving (served over HTTP to a route that streams its body).
pub(crate) enum RequestBody {
    Whole(Bytes),
    Stream(SdkBody),
}

/// What routing a request's method, path and query finds.
enum Found<'a> {
    Route(&'a Route, Vec<String>),
    /// The path is served, by other methods only (405).
    OtherMethods(Vec<String>),
    Nothing,
}

/// Operations by method and URI pattern, with the restJson1 rules for everything else.
///
/// Generated `server::router(service)` functions build one with a route per operation;
/// serve it with [`serve`](Self::serve), [`serve_with_shutdown`](Self::serve_with_shutdown)
/// or [`start`](Self::start), or call [`handle`](Self::handle) directly without a socket.
///
/// For each request: a body over the limit gets 413; the most specific route whose method,
/// path and literal query parts match runs (more literal segments first, then routes without
/// a greedy label, then more literal query parts); a path that only other methods serve gets
/// 405 with `Allow`; anything else gets 404 `UnknownOperationException`. A handler that
/// panics gets 500 `InternalFailure`. Every response carries a fresh `x-amzn-RequestId`
/// unless the handler set one. Hooks added with [`before`](Self::before) see every request
/// (with its whole body) before routing, and may answer it themselves.
///
/// Routes added with [`route_streaming`](Self::route_streaming) are the exception: served over
/// HTTP, a request routed to one (by its method, path and query) is handed to the handler as
/// soon as its head has arrived, its body streaming ([`ServerRequest::take_body`]) and not
/// limited in size; the handler may answer before the body ends.
#[derive(Clone, Default)]
pub struct Router {
    routes: Vec<Route>,
    diversions: Vec<Diversion>,
    before: Vec<BeforeHook>,
    after: Vec<AfterHook>,
    config: ServerConfig,
    error_envelope: super::ErrorEnvelope,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let routes: Vec<String> =
            self.routes.iter().map(|r| format!("{} {} ({})", r.method, r.pattern.as_str(), r.operation)).collect();
        f.debug_struct("Router")
            .field("routes", &routes)
            .field("diversions", &self.diversions.len())
            .field("before_hooks", &self.before.len())
            .field("after_hooks", &self.after.len())
            .field("config", &self.config)
            .finish()
    }
}

impl Router {
    /// A router with no routes (every request gets 404) and the default [`ServerConfig`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an operation: requests with `method` whose URI matches `uri` (an `@http` pattern
    /// such as `/endpoints/{EndpointName}/invocations`) go to `handler`.
    ///
    /// # Panics
    /// When `method` is not an HTTP method or `uri` not a valid pattern: the generator checks
    /// both, so this only happens for hand-written routes.
    pub fn route<H, F>(self, operation: &'static str, method: &str, uri: &str, handler: H) -> Self
    where
        H: Fn(ServerRequest) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        self.add_route(operation, method, uri, handler, false)
    }

    /// Adds an operation of an RPC protocol, which names the operation in a header rather
    /// than the URI: `POST /` requests whose `header` is `target` (awsJson's
    /// `X-Amz-Target: Service.Operation`) go to `handler`. A `POST /` naming no known
    /// operation gets 404 `UnknownOperationException`.
    ///
    /// # Panics
    /// When `header` is not a header name (the generator writes it).
    pub fn route_target<H, F>(self, operation: &'static str, header: &str, target: &str, handler: H) -> Self
    where
        H: Fn(ServerRequest) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        self.add_target_route(operation, header, target, handler, false)
    }

    /// [`route_target`](Self::route_target) for an operation that reads its request body as it
    /// arrives, as [`route_streaming`](Self::route_streaming) does: an RPC protocol's input
    /// event stream.
    ///
    /// # Panics
    /// As [`route_target`](Self::route_target).
    pub fn route_target_streaming<H, F>(self, operation: &'static str, header: &str, target: &str, handler: H) -> Self
    where
        H: Fn(ServerRequest) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        self.add_target_route(operation, header, target, handler, true)
    }

    fn add_target_route<H, F>(mut self, operation: &'static str, header: &str, target: &str, handler: H, streams_body: bool) -> Self
    where
        H: Fn(ServerRequest) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        let name = http::HeaderName::from_bytes(header.as_bytes())
            .unwrap_or_else(|_| panic!("operation {operation}: `{header}` is not a header name"));
        self = self.add_route(operation, "POST", "/", handler, streams_body);
        if let Some(route) = self.routes.last_mut() {
            route.target = Some((name, target.to_string()));
        }
        self
    }

    /// Writes every error response in `envelope` (restJson1's by default): what a router of
    /// another protocol's service sets (the generated `router` does).
    pub fn with_error_envelope(mut self, envelope: super::ErrorEnvelope) -> Self {
        self.error_envelope = envelope;
        self
    }

    /// Adds an operation that reads its request body as it arrives, as [`route`](Self::route)
    /// does otherwise: over HTTP the handler runs once the request head is in, and
    /// [`ServerRequest::take_body`] gives it the body still arriving (in process, through
    /// [`handle`](Self::handle), the whole body as a stream). The body limit does not apply,
    /// and the handler's response (a streaming one too) may start before the body ends: what
    /// an operation with an input event stream needs, a duplex one above all.
    ///
    /// [`before`](Self::before) hooks see such requests with an empty body.
    ///
    /// # Panics
    /// As [`route`](Self::route).
    pub fn route_streaming<H, F>(self, operation: &'static str, method: &str, uri: &str, handler: H) -> Self
    where
        H: Fn(ServerRequest) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        self.add_route(operation, method, uri, handler, true)
    }

    fn add_route<H, F>(mut self, operation: &'static str, method: &str, uri: &str, handler: H, streams_body: bool) -> Self
    where
        H: Fn(ServerRequest) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        let method = Method::from_bytes(method.as_bytes())
            .unwrap_or_else(|_| panic!("operation {operation}: `{method}` is not an HTTP method"));
        let pattern = UriPattern::parse(uri).unwrap_or_else(|e| panic!("operation {operation}: {e}"));
        let handler: Handler = Arc::new(move |request| Box::pin(handler(request)) as BoxFuture);
        self.routes.push(Route { operation, method, pattern, target: None, handler, streams_body });
        self
    }

    /// Adds a hook that runs on every request before routing, in the order hooks were added:
    /// it returns the request (possibly changed) to go on, or a response that answers the
    /// request instead (routing and the operation are skipped). Hooks see requests no
    /// operation matches too, so they can serve paths of their own, check authentication
    /// (the raw headers, URI and body bytes are all there) or record traffic.
    ///
    /// Bodies over the limit are answered with 413 before any hook runs. A request for a
    /// [`route_streaming`](Self::route_streaming) operation reaches the hooks with an empty
    /// body: its body goes to the operation as it arrives. A response from a hook gets an
    /// `x-amzn-RequestId` like any other; a hook that panics is a 500 `InternalFailure`.
    ///
    /// ```
    /// use smithygen_runtime::server::{error_response, Router};
    ///
    /// let router = Router::new().before(|request: http::Request<bytes::Bytes>| async move {
    ///     if request.headers().contains_key(http::header::AUTHORIZATION) {
    ///         Ok(request)
    ///     } else {
    ///         Err(error_response(403, "MissingAuthenticationTokenException", "Missing Authentication Token", Default::default()))
    ///     }
    /// });
    /// # let _ = router;
    /// ```
    pub fn before<H, F>(mut self, hook: H) -> Self
    where
        H: Fn(http::Request<Bytes>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<http::Request<Bytes>, ServerResponse>> + Send + 'static,
    {
        self.before.push(BeforeHook::Async(Arc::new(move |request| Box::pin(hook(request)) as BeforeFuture)));
        self
    }

    /// [`before`](Self::before) for a hook that never waits: it may change the request and
    /// returns `Some(response)` to answer it instead (routing and the operation are skipped).
    /// Runs in the same place in the chain as an asynchronous hook would, without a future
    /// of its own to allocate and poll for every request; a hook that panics is a 500
    /// `InternalFailure` too.
    pub fn before_sync<H>(mut self, hook: H) -> Self
    where
        H: Fn(&mut http::Request<Bytes>) -> Option<ServerResponse> + Send + Sync + 'static,
    {
        self.before.push(BeforeHook::Sync(Arc::new(hook)));
        self
    }

    /// Serves the requests whose head `test` accepts with `handler` instead of this router's
    /// routes: a second protocol on the same listener (a mock that also answers S3 calls, for
    /// example), told apart by method, URI and headers alone. Such a request skips the
    /// [`before`](Self::before) hooks, routing, the body limit and the
    /// [`after`](Self::after) hooks: the handler gets the body as it arrives (in process,
    /// through [`handle`](Self::handle), the whole body as a stream) and its response (a
    /// [`streaming_response`](super::streaming_response) too) is sent as it is, with no
    /// `x-amzn-RequestId` added. Diversions are tried in the order they were added; a handler
    /// that panics is a 500 `InternalFailure`.
    ///
    /// ```
    /// use smithygen_runtime::server::Router;
    ///
    /// let router = Router::new().divert(
    ///     |head| head.uri.path().starts_with("/other/"),
    ///     |request| async move { http::Response::new(bytes::Bytes::from(request.uri().path().to_string())) },
    /// );
    /// # let _ = router;
    /// ```
    pub fn divert<T, H, F>(mut self, test: T, handler: H) -> Self
    where
        T: Fn(&Parts) -> bool + Send + Sync + 'static,
        H: Fn(http::Request<SdkBody>) -> F + Send + Sync + 'static,
        F: Future<Output = ServerResponse> + Send + 'static,
    {
        let handler: DivertHandler = Arc::new(move |request| Box::pin(handler(request)) as BoxFuture);
        self.diversions.push(Diversion { test: Arc::new(test), handler });
        self
    }

    /// The diversion that serves a request with this head, if any.
    pub(crate) fn diversion(&self, parts: &Parts) -> Option<&Diversion> {
        self.diversions.iter().find(|d| (d.test)(parts))
    }

    /// Adds every route and hook of `other` to this router: two generated services (or a
    /// generated one and routes of your own) served on one listener. Routes keep their
    /// handlers; `other`'s [`before`](Self::before) hooks run after this router's own, on
    /// every request. This router's settings stay; `other`'s are dropped.
    ///
    /// Routing picks the most specific match over all routes, so the two routers' URI patterns
    /// must differ where their methods meet (a route of `other` identical to one of this router
    /// is never reached).
    ///
    /// ```
    /// use smithygen_runtime::server::Router;
    ///
    /// let a = Router::new().route("A", "POST", "/a/{Name}", |_| async { http::Response::new(bytes::Bytes::new()) });
    /// let b = Router::new().route("B", "POST", "/a/{Name}/b", |_| async { http::Response::new(bytes::Bytes::new()) });
    /// assert_eq!(a.merge(b).operations().count(), 2);
    /// ```
    pub fn merge(mut self, other: Router) -> Self {
        self.routes.extend(other.routes);
        self.diversions.extend(other.diversions);
        self.before.extend(other.before);
        self.after.extend(other.after);
        self
    }

    /// Adds a hook that sees every response (with the request's method and path) before it is
    /// sent, in the order hooks were added, and may change it: for example to answer a
    /// framework error (`ValidationException`) with a service's own error shape. A streaming
    /// response's body is not in the `Bytes` it is given (only its status and headers are).
    pub fn after<H>(mut self, hook: H) -> Self
    where
        H: Fn(&Method, &str, ServerResponse) -> ServerResponse + Send + Sync + 'static,
    {
        self.after.push(Arc::new(hook));
        self
    }

    /// Replaces the settings.
    pub fn with_config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Sets the largest request body accepted, in bytes.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The operations, as `(operation, method, URI pattern)`.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &Method, &str)> {
        self.routes.iter().map(|r| (r.operation, &r.method, r.pattern.as_str()))
    }

    /// Serves one request in process: routing, the operation, and the request id. Never
    /// panics; a handler's panic becomes a 500 response.
    pub async fn handle(&self, request: http::Request<Bytes>) -> ServerResponse {
        self.handle_body(request.map(RequestBody::Whole)).await
    }

    /// [`handle`](Self::handle) for a body whole or still arriving: hooks, routing, the
    /// operation, the request id.
    pub(crate) async fn handle_body(&self, request: http::Request<RequestBody>) -> ServerResponse {
        let (parts, body) = request.into_parts();
        match self.diversion(&parts) {
            Some(diversion) => {
                let body = match body {
                    RequestBody::Whole(bytes) => SdkBody::from(bytes),
                    RequestBody::Stream(body) => body,
                };
                Self::divert_to(diversion, parts, body).await
            }
            None => self.handle_undiverted(parts, body).await,
        }
    }

    /// A request a [`Diversion`] serves.
    pub(crate) async fn divert_to(diversion: &Diversion, parts: Parts, body: SdkBody) -> ServerResponse {
        // Like handlers, it runs isolated so that a panic stays inside it.
        match isolated(|| (diversion.handler)(http::Request::from_parts(parts, body))).await {
            Ok(response) => response,
            Err(failed) => {
                tracing::error!(panicked = failed.panicked, "a diverted request's handler failed");
                Rejection::Internal("the request's handler failed unexpectedly".into()).into_response()
            }
        }
    }

    /// [`handle_body`](Self::handle_body) for a request no diversion serves (the HTTP server
    /// has asked [`diversion`](Self::diversion) already): hooks, routing, the operation, the
    /// request id.
    pub(crate) async fn handle_undiverted(&self, parts: Parts, body: RequestBody) -> ServerResponse {
        // Clones share the method's and URI's storage: nothing is copied for the after hooks.
        let head = (!self.after.is_empty()).then(|| (parts.method.clone(), parts.uri.clone()));
        let (whole, stream) = match body {
            RequestBody::Whole(bytes) => (bytes, None),
            RequestBody::Stream(body) => (Bytes::new(), Some(body)),
        };
        let mut response = match self.run_before(http::Request::from_parts(parts, whole)).await {
            Ok(request) => {
                let (parts, whole) = request.into_parts();
                let body = match stream {
                    Some(stream) => RequestBody::Stream(stream),
                    None => RequestBody::Whole(whole),
                };
                self.dispatch(parts, body).await
            }
            Err(response) => response,
        };
        if let Some((method, uri)) = head {
            for hook in &self.after {
                response = hook(&method, uri.path(), response);
            }
        }
        if !response.headers().contains_key(&REQUEST_ID_NAME) {
            if let Some(v) = request_id_value() {
                response.headers_mut().insert(REQUEST_ID_NAME, v);
            }
        }
        self.error_envelope.apply(response)
    }

    /// Whether the request with this head (which no diversion serves) goes to a route that
    /// reads its body as it arrives (so the HTTP server hands the body over unread).
    pub(crate) fn streams_body(&self, parts: &Parts) -> bool {
        // Most requests are for routes that read their body whole: when no streaming route's
        // pattern matches the path, there is no need to find the route here (routing runs
        // again after the hooks anyway).
        let streaming_match = path_parts(parts.uri.path())
            .is_some_and(|path| self.routes.iter().any(|r| r.streams_body && r.pattern.matches_parts(&path)));
        if !streaming_match {
            return false;
        }
        let query = parse_query(parts.uri.query().unwrap_or(""));
        matches!(self.find(parts, &query), Found::Route(route, _) if route.streams_body)
    }

    /// Runs the [`before`](Self::before) hooks in order; the first response ends the chain.
    async fn run_before(&self, mut request: http::Request<Bytes>) -> Result<http::Request<Bytes>, ServerResponse> {
        let failed = |panicked: bool| {
            tracing::error!(panicked, "a before-routing hook failed");
            Rejection::Internal("the request could not be pre-processed".into()).into_response()
        };
        for hook in &self.before {
            // Like handlers, each hook runs isolated so that a panic stays inside it.
            match hook {
                BeforeHook::Async(hook) => {
                    request = match isolated(|| hook(request)).await {
                        Ok(outcome) => outcome?,
                        Err(failure) => return Err(failed(failure.panicked)),
                    };
                }
                BeforeHook::Sync(hook) => {
                    use std::panic::{catch_unwind, AssertUnwindSafe};
                    match catch_unwind(AssertUnwindSafe(|| hook(&mut request))) {
                        Ok(None) => {}
                        Ok(Some(answer)) => return Err(answer),
                        Err(_panic) => return Err(failed(true)),
                    }
                }
            }
        }
        Ok(request)
    }

    /// The most specific route for a request's method, path, query and (for routes of RPC
    /// protocols) operation header.
    fn find(&self, parts: &Parts, query: &[(String, String)]) -> Found<'_> {
        let method = &parts.method;
        let Some(path_parts) = path_parts(parts.uri.path()) else { return Found::Nothing };
        let mut best: Option<&Route> = None;
        let mut method_matched = false;
        let mut allowed: Vec<String> = Vec::new();
        for route in &self.routes {
            if !route.pattern.matches_parts(&path_parts) {
                continue;
            }
            if let Some((header, target)) = &route.target {
                if parts.headers.get(header).and_then(|v| v.to_str().ok()) != Some(target.as_str()) {
                    continue;
                }
            }
            if route.method != method {
                if !allowed.contains(&route.method.to_string()) {
                    allowed.push(route.method.to_string());
                }
                continue;
            }
            method_matched = true;
            if !route.pattern.match_query(query) {
                continue;
            }
            if best.is_none_or(|b| route.pattern.rank() > b.pattern.rank()) {
                best = Some(route);
            }
        }
        match best {
            // The labels of the winner only (it matched, so they are there).
            Some(route) => Found::Route(route, route.pattern.match_parts(&path_parts).unwrap_or_default()),
            None if !method_matched && !allowed.is_empty() => Found::OtherMethods(allowed),
            None => Found::Nothing,
        }
    }

    async fn dispatch(&self, mut parts: Parts, body: RequestBody) -> ServerResponse {
        let limit = self.config.body_limit;
        if matches!(&body, RequestBody::Whole(bytes) if bytes.len() > limit) {
            return Rejection::PayloadTooLarge { limit }.into_response();
        }
        let path = parts.uri.path();
        let query = parse_query(parts.uri.query().unwrap_or(""));
        let (route, labels) = match self.find(&parts, &query) {
            Found::Route(route, labels) => (route, labels),
            Found::OtherMethods(allowed) => return Rejection::MethodNotAllowed { allowed }.into_response(),
            Found::Nothing => {
                return Rejection::UnknownOperation { method: parts.method.to_string(), path: path.to_string() }.into_response()
            }
        };
        let request = match (body, route.streams_body) {
            (RequestBody::Whole(bytes), _) => ServerRequest::new(parts.method, path, labels, query, parts.headers, bytes),
            (RequestBody::Stream(stream), true) => {
                let stream = match parts.extensions.remove::<BodyTap>() {
                    Some(tap) => tap.wrap(stream),
                    None => stream,
                };
                ServerRequest::new(parts.method, path, labels, query, parts.headers, Bytes::new()).with_body_stream(stream)
            }
            // A hook sent a streamed request elsewhere: that route reads its body whole.
            (RequestBody::Stream(stream), false) => match read_whole(stream, limit).await {
                Ok(bytes) => ServerRequest::new(parts.method, path, labels, query, parts.headers, bytes),
                Err(rejection) => return rejection.into_response(),
            },
        };
        let operation = route.operation;
        // The handler runs isolated so that a panic stays inside it.
        match isolated(|| (route.handler)(request)).await {
            Ok(response) => response,
            Err(failed) if failed.panicked => {
                tracing::error!(operation, "operation handler panicked");
                Rejection::Internal(format!("the {operation} handler failed unexpectedly")).into_response()
            }
            Err(_) => Rejection::Internal(format!("the {operation} handler was cancelled")).into_response(),
        }
    }
}

/// A hook or handler that did not finish: it panicked, or (as its own task) was cancelled.
struct Failed {
    panicked: bool,
}

/// Starts a hook or handler and runs its future so that a panic in it becomes an error here rather than
/// the connection's end, and so that, once it has to wait, it finishes even if the client goes
/// away (as its own task). The first poll happens in place: most hooks and many handlers
/// answer without waiting, and a task for each (four per request in a mock: three hooks and
/// the operation) cost more than the request's own work (a task, a wake-up, often a hand-over
/// to the other worker thread). A future still pending after that poll is moved into a task
/// as it is (it is boxed, so moving it is sound) and awaited.
async fn isolated<T: Send + 'static>(start: impl FnOnce() -> Pin<Box<dyn Future<Output = T> + Send>>) -> Result<T, Failed> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::task::Poll;
    // Making the future runs the hook's or handler's synchronous part: isolated too.
    let Ok(mut future) = catch_unwind(AssertUnwindSafe(start)) else { return Err(Failed { panicked: true }) };
    // The future is dropped unpolled again after a panic, as a panicked task's is.
    let first = std::future::poll_fn(|cx| Poll::Ready(catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))))).await;
    match first {
        Ok(Poll::Ready(value)) => Ok(value),
        Err(_panic) => Err(Failed { panicked: true }),
        Ok(Poll::Pending) => tokio::spawn(future).await.map_err(|e| Failed { panicked: e.is_panic() }),
    }
}

/// A look at a streamed request body as the operation reads it: a [`before`](Router::before)
/// hook that inserts one into the request's extensions (`request.extensions_mut().insert(..)`)
/// is called with each chunk of the body of a [`route_streaming`](Router::route_streaming)
/// operation, as that operation reads it (hooks see such bodies empty). A request log uses it to
/// keep what an input event stream carried. Bodies read whole are given to hooks as they are.
#[derive(Clone)]
pub struct BodyTap(Arc<dyn Fn(&Bytes) + Send + Sync>);

impl BodyTap {
    /// A tap calling `f` with each chunk.
    pub fn new(f: impl Fn(&Bytes) + Send + Sync + 'static) -> Self {
        BodyTap(Arc::new(f))
    }

    fn wrap(self, body: SdkBody) -> SdkBody {
        SdkBody::from_body_1_x(TappedBody { inner: body, tap: self })
    }
}

impl fmt::Debug for BodyTap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BodyTap")
    }
}

/// A body that shows each data frame to a [`BodyTap`] on its way through.
struct TappedBody {
    inner: SdkBody,
    tap: BodyTap,
}

impl http_body::Body for TappedBody {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let std::task::Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                (self.tap.0)(data);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        http_body::Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::Body::size_hint(&self.inner)
    }
}

/// Reads a request body whole, up to `limit` bytes: over it is 413, a body that fails to arrive
/// a `SerializationException`.
pub(crate) async fn read_whole<B>(body: B, limit: usize) -> Result<Bytes, Rejection>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(Rejection::PayloadTooLarge { limit }),
        Err(e) => Err(Rejection::Serialization(crate::protocol::WireError::new("body", format!("could not be read: {e}")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn text(body: impl Into<Bytes>) -> ServerResponse {
        http::Response::new(body.into())
    }

    fn post(uri: &str) -> http::Request<Bytes> {
        http::Request::post(uri).body(Bytes::new()).unwrap()
    }

    #[tokio::test]
    async fn merged_routers_share_routes_and_hooks() {
        let a = Router::new()
            .route("A", "POST", "/things/{Id}", |_| async { text("a") })
            .before(|mut r: http::Request<Bytes>| async move {
                r.headers_mut().insert("x-seen-by", http::HeaderValue::from_static("a"));
                Ok(r)
            });
        let b = Router::new()
            .route("B", "POST", "/things/{Id}/more", |r: ServerRequest| async move {
                text(format!("b {:?}", r.headers().get("x-seen-by")))
            })
            .after(|_: &Method, path: &str, mut response: ServerResponse| {
                response.headers_mut().insert("x-path", http::HeaderValue::from_str(path).unwrap());
                response
            });
        let merged = a.merge(b);
        assert_eq!(merged.operations().map(|(op, _, _)| op).collect::<Vec<_>>(), ["A", "B"]);
        let response = merged.handle(post("/things/1")).await;
        assert_eq!((&response.body()[..], response.headers()["x-path"].to_str().unwrap()), (&b"a"[..], "/things/1"));
        let response = merged.handle(post("/things/1/more")).await;
        assert_eq!(&response.body()[..], br#"b Some("a")"#, "a's hook runs on b's routes");
        let response = merged.handle(post("/nothing")).await;
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["x-path"], "/nothing", "after hooks see every response");
    }

    #[tokio::test]
    async fn a_body_tap_sees_a_streamed_body_as_the_operation_reads_it() {
        let seen = Arc::new(Mutex::new(Vec::<u8>::new()));
        let tapped = seen.clone();
        let router = Router::new()
            .route_streaming("Sink", "POST", "/sink", |r: ServerRequest| async move {
                let body = r.take_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                text(body)
            })
            .before(move |mut r: http::Request<Bytes>| {
                let tapped = tapped.clone();
                r.extensions_mut().insert(BodyTap::new(move |chunk| tapped.lock().unwrap().extend_from_slice(chunk)));
                async move { Ok(r) }
            });
        let request = http::Request::post("/sink").body(RequestBody::Stream(SdkBody::from("streamed bytes"))).unwrap();
        let response = router.handle_body(request).await;
        assert_eq!(&response.body()[..], b"streamed bytes");
        assert_eq!(&seen.lock().unwrap()[..], b"streamed bytes");
    }

    #[tokio::test]
    async fn a_diversion_serves_its_requests_before_hooks_routing_and_the_body_limit() {
        let router = Router::new()
            .route("Op", "POST", "/op", |_r: ServerRequest| async move { text(Bytes::from_static(b"routed")) })
            .before(|_r: http::Request<Bytes>| async move {
                Err(crate::server::error_response(403, "Refused", "every request refused", Default::default()))
            })
            .with_body_limit(4)
            .divert(
                |head| head.headers.get("x-other").is_some(),
                |r: http::Request<SdkBody>| async move {
                    let body = r.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                    text(body)
                },
            );
        let mut request = http::Request::post("/op").body(Bytes::from_static(b"longer than the limit")).unwrap();
        request.headers_mut().insert("x-other", http::HeaderValue::from_static("1"));
        let response = router.handle(request).await;
        assert_eq!(response.status(), 200);
        assert_eq!(&response.body()[..], b"longer than the limit", "the whole body, past the limit");
        assert!(!response.headers().contains_key(&REQUEST_ID_NAME), "the other service's response as it is");
        let response = router.handle(post("/op")).await;
        assert_eq!(response.status(), 403, "other requests still go through the hooks");
    }
}
