//! Server-side runtime (feature `server`): routing, request reading, constraint
//! violations, error responses and an HTTP/1.1 and HTTP/2 server for generated service stubs.
//!
//! A crate generated with its `server` feature has a `server` module with one trait per
//! service (one `async fn` per operation) and a `router(service)` function that returns a
//! [`Router`]. Everything that is not specific to one operation lives here, written once:
//!
//! - [`Router`]: matches method + URI pattern of each operation's `@http` trait (labels,
//!   greedy labels, literal query parts), answers 404 `UnknownOperationException` and 405,
//!   limits body size (413), turns handler panics into 500 `InternalFailure`, and stamps
//!   `x-amzn-RequestId` on every response. [`Router::handle`] serves one request in process.
//!   [`Router::before`] adds hooks that see every raw request (headers, URI, body) before
//!   routing and may answer it themselves: authentication, recording, paths of their own.
//! - [`Router::serve`], [`Router::serve_with_shutdown`] and [`Router::start`]: one Tokio
//!   listener for HTTP/1.1 (keep-alive), HTTP/2 with prior knowledge (h2c) and, given a
//!   certificate ([`TlsConfig`]), HTTPS with ALPN `h2` / `http/1.1`; graceful shutdown (HTTP/2
//!   connections get `GOAWAY`), and the limits of [`ServerConfig`] and [`Http2Config`] against
//!   slow or abusive clients. [`ServerHandle`] is the in-process form: a free port on
//!   loopback, its URL, and `shutdown()`.
//! - [`serve_operation`]: one request of one operation, read, validated, answered by the
//!   implementation and written, with the operation's generated functions as a
//!   [`ServerOperation`] (the twin of the client's `invoke`).
//! - [`ServerRequest`]: the matched request as generated `de_request` functions read it
//!   (percent-decoded labels and query, case-insensitive headers, the body).
//! - [`Rejection`]: requests that cannot be served (malformed, unsupported media type, ...)
//!   and their restJson1 error responses.
//! - [`Violations`]: constraint violations found by generated validators, worded either as the
//!   Smithy framework `ValidationException` or as AWS services word their own validation errors.
//!
//! Built on hyper 1 + hyper-util rather than axum: routing is Smithy's own (labels, greedy
//! labels, query literals, 404/405 rules), so a framework router would go unused, and hyper is
//! already what the rest of the workspace uses; generated crates get no extra framework.
//!
//! ```no_run
//! use smithygen_runtime::server::{Router, ServerRequest, ServerResponse};
//!
//! async fn ping(_request: ServerRequest) -> ServerResponse {
//!     http::Response::builder().status(200).body(bytes::Bytes::from_static(b"{}")).unwrap()
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let router = Router::new().route("Ping", "GET", "/ping", ping);
//! let server = router.start("127.0.0.1:0").await?; // a free port on loopback
//! println!("listening on {}", server.url());
//! server.shutdown().await?;
//! # Ok(()) }
//! ```

mod connection;
mod content;
mod http2;
mod operation;
mod rejection;
mod request;
mod route;
mod router;
mod serve;
pub(crate) mod streaming;
mod tls;
#[cfg(feature = "event-stream")]
pub mod event_stream;

pub use operation::{serve_operation, ServerOperation};
pub use http2::Http2Config;
pub use tls::TlsConfig;
pub use content::{check_accept, check_content_type, media_type_essence};
pub use rejection::{error_response, ErrorEnvelope, Rejection, INTERNAL_FAILURE, REQUEST_ID_HEADER};
pub use request::ServerRequest;
pub use route::UriPattern;
pub use router::{BodyTap, Router, ServerConfig, DEFAULT_BODY_LIMIT};
pub use serve::ServerHandle;
pub use streaming::{streaming_body, streaming_response, StreamingBody};
/// The constraint checking generated validators use, shared with the client's input checks
/// (feature `validate`).
pub use crate::constraints::{Constraint, Pattern, Step, Violation, Violations};

/// Response bodies are whole `Bytes` (re-exported so generated crates need no `bytes` dependency).
pub use bytes::Bytes;

/// The response type handlers produce: the whole body in memory, or an empty body and a
/// [`StreamingBody`] extension for a body sent as it is produced ([`streaming_response`]).
pub type ServerResponse = http::Response<bytes::Bytes>;

/// A fresh request id (a random version-4 UUID), as sent in `x-amzn-RequestId`.
pub fn request_id() -> String {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    random_uuid().hyphenated().encode_lower(&mut text).to_string()
}

/// [`request_id`] as a header value, written without an intermediate `String`.
pub(crate) fn request_id_value() -> Option<http::HeaderValue> {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    http::HeaderValue::from_str(random_uuid().hyphenated().encode_lower(&mut text)).ok()
}

/// A version-4 UUID from fastrand's generator (wyrand, one per thread, seeded once when the
/// thread first uses it) rather than uuid's `v4` (a `getrandom` system call for every id, a
/// fifth of a mock request's cost): request ids must be unique, not unpredictable, and 122
/// random bits from a 64-bit-state generator per thread, seeded apart, do not repeat in
/// practice. The client's idempotency tokens are made the same way.
fn random_uuid() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}
