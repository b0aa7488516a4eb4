//! A routed request, read the way generated `de_request` functions need it.

use crate::protocol::http::{decode_percent, HeaderSource};
use crate::protocol::WireError;
use bytes::Bytes;
use http::{HeaderMap, Method};
use std::collections::HashMap;

/// A request matched to an operation: method, path labels (in URI pattern order), decoded
/// query parameters, headers and the whole body.
#[derive(Debug, Clone)]
pub struct ServerRequest {
    method: Method,
    path: String,
    labels: Vec<String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
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
        ServerRequest { method, path: path.into(), labels, query, headers, body }
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

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The `index`-th label of the URI pattern, percent-decoded. A greedy label keeps its `/`
    /// separators and has each segment decoded.
    pub fn label(&self, index: usize, name: &str) -> Result<String, WireError> {
        let location = format!("label {name}");
        let raw = self
            .labels
            .get(index)
            .ok_or_else(|| WireError::new(&location, "is missing from the path"))?;
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
}
