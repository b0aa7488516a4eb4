//! Every request the mock receives, kept for assertions (in process and over HTTP).

use bytes::Bytes;
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::SystemTime;

/// The two operations, by their Smithy names.
pub const INVOKE_ENDPOINT: &str = "InvokeEndpoint";
/// See [`INVOKE_ENDPOINT`].
pub const INVOKE_ENDPOINT_ASYNC: &str = "InvokeEndpointAsync";

/// A request as the mock received it, before any check (SigV4, validation) ran.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// `InvokeEndpoint` or `InvokeEndpointAsync` when method and path are those of an
    /// operation; `None` for anything else (which got 404 or 405).
    pub operation: Option<&'static str>,
    /// The endpoint name from the path, percent-decoded.
    pub endpoint_name: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// Path and query as sent.
    pub uri: String,
    /// Headers in arrival order, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// When it arrived.
    pub received_at: SystemTime,
}

impl RecordedRequest {
    pub(crate) fn from_request(request: &http::Request<Bytes>) -> Self {
        let (operation, endpoint_name) = classify(request.method(), request.uri().path());
        RecordedRequest {
            operation,
            endpoint_name,
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: request.body().clone(),
            received_at: SystemTime::now(),
        }
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text, when it is UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The JSON form served at `GET /_mock/requests`.
    pub fn to_json(&self) -> Value {
        let mut headers = Map::new();
        for (name, value) in &self.headers {
            match headers.get_mut(name) {
                Some(Value::String(existing)) => {
                    existing.push_str(", ");
                    existing.push_str(value);
                }
                _ => {
                    headers.insert(name.clone(), Value::String(value.clone()));
                }
            }
        }
        json!({
            "operation": self.operation,
            "endpoint_name": self.endpoint_name,
            "method": self.method,
            "uri": self.uri,
            "headers": headers,
            "body": self.body_text(),
            "body_base64": aws_smithy_types::base64::encode(&self.body),
            "received_at": crate::format_time(self.received_at),
        })
    }
}

/// `POST /endpoints/{EndpointName}/invocations` and `/async-invocations`.
fn classify(method: &http::Method, path: &str) -> (Option<&'static str>, Option<String>) {
    let segments: Vec<&str> = path.split('/').collect();
    let ["", "endpoints", name, last] = segments.as_slice() else { return (None, None) };
    let operation = match *last {
        "invocations" => INVOKE_ENDPOINT,
        "async-invocations" => INVOKE_ENDPOINT_ASYNC,
        "invocations-response-stream" => "InvokeEndpointWithResponseStream",
        _ => return (None, None),
    };
    let name = smithygen_runtime::protocol::http::decode_percent(name, "label").ok().filter(|n| !n.is_empty());
    if method != http::Method::POST || name.is_none() {
        return (None, name);
    }
    (Some(operation), name)
}

/// The request log.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn push(&self, request: RecordedRequest) {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).push(request);
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn clear(&self) {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_and_endpoint_names_come_from_method_and_path() {
        let post = http::Method::POST;
        assert_eq!(classify(&post, "/endpoints/my-ep/invocations"), (Some(INVOKE_ENDPOINT), Some("my-ep".into())));
        assert_eq!(classify(&post, "/endpoints/a%2Db/async-invocations"), (Some(INVOKE_ENDPOINT_ASYNC), Some("a-b".into())));
        assert_eq!(classify(&http::Method::GET, "/endpoints/e/invocations"), (None, Some("e".into())));
        assert_eq!(classify(&post, "/endpoints//invocations"), (None, None));
        assert_eq!(classify(&post, "/ping"), (None, None));
    }

    #[test]
    fn the_json_form_keeps_binary_bodies() {
        let request = http::Request::post("/endpoints/e/invocations")
            .header("Content-Type", "application/x-npy")
            .header("x-a", "1")
            .header("x-a", "2")
            .body(Bytes::from_static(&[0xff, 0x00]))
            .unwrap();
        let json = RecordedRequest::from_request(&request).to_json();
        assert_eq!(json["operation"], "InvokeEndpoint");
        assert_eq!(json["headers"]["content-type"], "application/x-npy");
        assert_eq!(json["headers"]["x-a"], "1, 2");
        assert_eq!(json["body"], Value::Null);
        assert_eq!(json["body_base64"], "/wA=");
    }
}
