//! A routed request, read the way generated `de_request` functions need it.

use crate::protocol::http::{decode_percent, HeaderSource};
use crate::protocol::WireError;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http::{HeaderMap, Method};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// A request matched to an operation: method, path labels (in URI pattern order), decoded
/// query parameters, headers, and the body: whole, or (for an operation routed with
/// [`Router::route_streaming`](super::Router::route_streaming), such as one with an input event
/// stream) a stream the handler reads as it arrives with [`take_body`](Self::take_body).
#[derive(Debug, Clone)]
pub struct ServerRequest {
    method: Method,
    path: String,
    labels: Vec<String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    stream: Option<BodyStream>,
}

/// A body still arriving, taken once. Shared so that `ServerRequest` stays `Clone` (as
/// response bodies are shared in `StreamingBody`): whoever takes it first reads it.
#[derive(Clone)]
struct BodyStream {
    body: Arc<Mutex<Option<SdkBody>>>,
    /// Whether bytes may follow; known when the stream is attached, before anyone takes it.
    has_body: bool,
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyStream").field("has_body", &self.has_body).finish_non_exhaustive()
    }
}

impl ServerRequest {
    /// A request from its parts. `labels` are the raw (percent-encoded) label texts the route
    /// matched, in URI pattern order; `query` the decoded query parameters in arrival order.
    pub fn new(
        method: Method,
        path: impl Into<String>,
        labels: Vec<String>,
        query: Vec<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        ServerRequest { method, path: path.into(), labels, query, headers, body, stream: None }
    }

    /// The request with `body` as its body, read as it arrives ([`take_body`](Self::take_body))
    /// rather than whole: [`body`](Self::body) is then empty.
    pub fn with_body_stream(mut self, body: SdkBody) -> Self {
        use http_body::Body as _;
        // A body that is known to be empty (`Content-Length: 0`, no body at all) is none, as
        // an empty whole body is; a chunked one may still bring bytes.
        let has_body = !body.is_end_stream();
        self.body = Bytes::new();
        self.stream = Some(BodyStream { body: Arc::new(Mutex::new(Some(body))), has_body });
        self
    }

    /// The request with `payload` as its whole body ([`body`](Self::body)) beside the stream
    /// the handler reads: an RPC protocol's input event stream takes its `initial-request`
    /// message first and its payload, the document of the input's other members, is then read
    /// as a body is.
    pub fn with_initial_message(mut self, payload: Bytes) -> Self {
        self.body = payload;
        self
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request path, as sent (percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The headers; names are case-insensitive.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The whole body; empty when the body streams (see [`take_body`](Self::take_body)).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as a stream, read as it arrives: the streamed body the first time (clones of
    /// the request share it; later calls get an empty body), else the whole body. Operations
    /// with an input event stream read their events from it.
    pub fn take_body(&self) -> SdkBody {
        match &self.stream {
            Some(stream) => stream.body.lock().unwrap_or_else(|p| p.into_inner()).take().unwrap_or_else(SdkBody::empty),
            None => SdkBody::from(self.body.clone()),
        }
    }

    /// Whether the request has a body: a non-empty whole body, or a streamed body not known
    /// to be empty (taken or not).
    pub fn has_body(&self) -> bool {
        match &self.stream {
            Some(stream) => stream.has_body,
            None => !self.body.is_empty(),
        }
    }

    /// Checks the `Content-Type` against the media type the operation reads (see
    /// [`check_content_type`](super::check_content_type)), also for a streamed body, which is
    /// not read to do so.
    pub fn check_content_type(&self, expected: Option<&str>, allow_missing: bool) -> Result<(), super::Rejection> {
        super::content::check_media_type(&self.headers, self.has_body(), expected, allow_missing)
    }

    /// The `index`-th label of the URI pattern, percent-decoded. A greedy label keeps its `/`
    /// separators and has each segment decoded.
    pub fn label(&self, index: usize, name: &str) -> Result<String, WireError> {
        let location = || format!("label {name}");
        let raw = self
            .labels
            .get(index)
            .ok_or_else(|| WireError::new(location(), "is missing from the path"))?;
        if !raw.contains('%') {
            // Nothing to decode (the path is text already): the label as it is.
            return Ok(raw.clone());
        }
        let location = location();
        let decoded: Result<Vec<String>, WireError> = raw.split('/').map(|s| decode_percent(s, &location)).collect();
        Ok(decoded?.join("/"))
    }

    /// All decoded query parameters, in arrival order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The first value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated query parameter (`?a=1&a=2`), in order.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The first value of a header as text (see [`HeaderSource`] for `HeaderMap`).
    pub fn header(&self, name: &str) -> Result<Option<&str>, WireError> {
        self.headers.one(name)
    }

    /// Every value of a header (each occurrence), as text.
    pub fn header_all(&self, name: &str) -> Result<Vec<&str>, WireError> {
        self.headers.all(name)
    }

    /// Headers whose name starts with `prefix` (case-insensitive), keyed by the rest of the
    /// name (lowercase). Several occurrences of one header are joined with `, `.
    pub fn prefix_headers(&self, prefix: &str) -> Result<HashMap<String, String>, WireError> {
        self.headers.with_prefix(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_decoded_per_segment() {
        let r = ServerRequest::new(
            Method::GET,
            "/x",
            vec!["a%20b".into(), "c%2Fd/e".into()],
            vec![("k".into(), "1".into()), ("k".into(), "2".into())],
            HeaderMap::new(),
            Bytes::new(),
        );
        assert_eq!(r.label(0, "A").unwrap(), "a b");
        assert_eq!(r.label(1, "B").unwrap(), "c/d/e");
        assert!(r.label(2, "C").is_err());
        assert_eq!(r.query("k"), Some("1"));
        assert_eq!(r.query_all("k"), vec!["1", "2"]);
    }

    #[test]
    fn prefix_headers_strip_the_prefix_case_insensitively() {
        let mut h = HeaderMap::new();
        h.insert("X-Meta-Color", http::HeaderValue::from_static("red"));
        h.append("x-meta-size", http::HeaderValue::from_static("1"));
        h.append("x-meta-size", http::HeaderValue::from_static("2"));
        h.insert("other", http::HeaderValue::from_static("no"));
        let r = ServerRequest::new(Method::GET, "/", vec![], vec![], h, Bytes::new());
        let m = r.prefix_headers("X-Meta-").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m["color"], "red");
        assert_eq!(m["size"], "1, 2");
        assert_eq!(r.header("X-META-COLOR").unwrap(), Some("red"));
    }

    #[test]
    fn a_streamed_body_is_taken_once_and_its_content_type_still_checked() {
        let mut h = HeaderMap::new();
        h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
        let r = ServerRequest::new(Method::POST, "/", vec![], vec![], h, Bytes::from_static(b"ignored"))
            .with_body_stream(SdkBody::from("frames"));
        assert!(r.body().is_empty());
        assert!(r.has_body());
        let copy = r.clone();
        assert_eq!(copy.take_body().bytes(), Some(&b"frames"[..]));
        assert_eq!(r.take_body().bytes(), Some(&b""[..]), "taken by the clone");
        assert!(r.has_body(), "still known after it was taken");
        assert!(matches!(
            r.check_content_type(Some("application/vnd.amazon.eventstream"), false),
            Err(super::super::Rejection::UnsupportedMediaType(_))
        ));

        let empty = ServerRequest::new(Method::POST, "/", vec![], vec![], HeaderMap::new(), Bytes::new())
            .with_body_stream(SdkBody::empty());
        assert!(!empty.has_body());
        assert!(empty.check_content_type(Some("application/vnd.amazon.eventstream"), false).is_ok());

        let whole = ServerRequest::new(Method::POST, "/", vec![], vec![], HeaderMap::new(), Bytes::from_static(b"abc"));
        assert_eq!(whole.take_body().bytes(), Some(&b"abc"[..]));
        assert_eq!(whole.take_body().bytes(), Some(&b"abc"[..]), "a whole body can be read again");
    }
}
