//! Every request the mock receives, kept for assertions (in process and over HTTP).

use bytes::Bytes;
use serde_json::{json, Map, Value};
use crate::config::RecordConfig;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

/// The two operations, by their Smithy names.
pub const INVOKE_ENDPOINT: &str = "InvokeEndpoint";
/// See [`INVOKE_ENDPOINT`].
pub const INVOKE_ENDPOINT_ASYNC: &str = "InvokeEndpointAsync";
/// See [`INVOKE_ENDPOINT`].
pub const INVOKE_ENDPOINT_WITH_RESPONSE_STREAM: &str = "InvokeEndpointWithResponseStream";
/// SageMaker Runtime HTTP2's operation; its body (the input event stream) is recorded as it
/// is read, see [`RecordedRequest::body`].
pub const INVOKE_ENDPOINT_WITH_BIDIRECTIONAL_STREAM: &str = "InvokeEndpointWithBidirectionalStream";

/// The S3 operations the mock answers (`s3.rs`), by their names in S3's API: what
/// [`RecordedRequest::operation`] holds for an S3 call.
pub const S3_OPERATIONS: &[&str] = &[
    "ListBuckets",
    "CreateBucket",
    "HeadBucket",
    "GetObject",
    "HeadObject",
    "PutObject",
    "DeleteObject",
    "DeleteObjects",
    "ListObjectsV2",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
];

/// At most this much of one input event stream is kept in the log (its first bytes).
pub const MAX_STREAMED_BODY_BYTES: usize = 1024 * 1024;

/// A request as the mock received it, before any check (SigV4, validation) ran.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// Whose API the request was for: `"sagemaker"` (SageMaker Runtime and its HTTP2 API), or
    /// `"s3"` for the S3 calls the mock answers for its store's objects.
    pub service: &'static str,
    /// `InvokeEndpoint` or `InvokeEndpointAsync` when method and path are those of an
    /// operation; for an S3 call, the S3 operation it was routed to (one of [`S3_OPERATIONS`],
    /// such as `PutObject`); `None` for anything else (which got 404 or 405, or an S3 error
    /// before it reached an operation, such as a refused signature).
    pub operation: Option<&'static str>,
    /// The endpoint name from the path, percent-decoded.
    pub endpoint_name: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// Path and query as sent.
    pub uri: String,
    /// `HTTP/1.1` or `HTTP/2.0`: the protocol the request came over.
    pub http_version: String,
    /// Headers in arrival order, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body; for S3 calls empty (their bodies, up to gigabytes, are not kept; the
    /// `content-length` header says their size). For `InvokeEndpointWithBidirectionalStream`,
    /// the input event stream's frames
    /// as the operation read them (they keep arriving after the request is first logged), at
    /// most [`MAX_STREAMED_BODY_BYTES`] and within [`RecordConfig::max_body_bytes`].
    pub body: Bytes,
    /// Whether the body was cut to stay within those bounds (streamed bodies only).
    pub body_truncated: bool,
    /// When it arrived.
    pub received_at: SystemTime,
}

impl RecordedRequest {
    #[cfg(test)]
    pub(crate) fn from_request(request: &http::Request<Bytes>) -> Self {
        Entry::from_request(request).to_recorded()
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
        let mut value = json!({
            "service": self.service,
            "operation": self.operation,
            "endpoint_name": self.endpoint_name,
            "method": self.method,
            "http_version": self.http_version,
            "uri": self.uri,
            "headers": headers,
            "body": self.body_text(),
            "body_base64": aws_smithy_types::base64::encode(&self.body),
            "received_at": crate::format_time(self.received_at),
        });
        if self.operation == Some(INVOKE_ENDPOINT_WITH_BIDIRECTIONAL_STREAM) {
            value["body_truncated"] = Value::Bool(self.body_truncated);
            value["events"] = Value::Array(self.events().iter().map(RecordedEvent::to_json).collect());
        }
        value
    }

    /// The events of an input event stream body (`InvokeEndpointWithBidirectionalStream`),
    /// unwrapped from their SigV4 envelopes when signed; a frame cut by the log's bounds (or
    /// not a frame) ends the list.
    pub fn events(&self) -> Vec<RecordedEvent> {
        let mut events = Vec::new();
        let mut rest = self.body.clone();
        while rest.len() >= 12 {
            let total = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            if total < 16 || total > rest.len() {
                break;
            }
            let frame = rest.split_to(total);
            let Ok(mut message) = aws_smithy_eventstream::frame::read_message_from(frame) else { break };
            if message.headers().iter().any(|h| h.name().as_str() == ":chunk-signature") {
                if message.payload().is_empty() {
                    continue; // the signed end of the stream
                }
                match aws_smithy_eventstream::frame::read_message_from(message.payload().clone()) {
                    Ok(inner) => message = inner,
                    Err(_) => break,
                }
            }
            let header = |name: &str| {
                message
                    .headers()
                    .iter()
                    .find(|h| h.name().as_str() == name)
                    .and_then(|h| h.value().as_string().ok())
                    .map(|v| v.as_str().to_string())
            };
            events.push(RecordedEvent {
                event_type: header(":event-type"),
                data_type: header("DataType"),
                completion_state: header("CompletionState"),
                payload: message.payload().clone(),
            });
        }
        events
    }
}

/// One event of a recorded input event stream.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    /// `:event-type`, `PayloadPart`.
    pub event_type: Option<String>,
    /// The `DataType` header (`UTF8` or `BINARY`) when sent.
    pub data_type: Option<String>,
    /// The `CompletionState` header (`PARTIAL` or `COMPLETE`) when sent.
    pub completion_state: Option<String>,
    /// The payload (`Bytes`).
    pub payload: Bytes,
}

impl RecordedEvent {
    fn to_json(&self) -> Value {
        json!({
            "event_type": self.event_type,
            "data_type": self.data_type,
            "completion_state": self.completion_state,
            "payload": std::str::from_utf8(&self.payload).ok(),
            "payload_base64": aws_smithy_types::base64::encode(&self.payload),
        })
    }
}

/// `HTTP/1.1`, as `Debug` writes it, without the formatting machinery.
fn version_text(version: http::Version) -> &'static str {
    match version {
        http::Version::HTTP_09 => "HTTP/0.9",
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_11 => "HTTP/1.1",
        http::Version::HTTP_2 => "HTTP/2.0",
        http::Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/?",
    }
}

/// `POST /endpoints/{EndpointName}/invocations` and `/async-invocations`: the operation and
/// the percent-decoded endpoint name (decoded into a new string only when it has a `%`).
fn classify<'a>(method: &str, path: &'a str) -> (Option<&'static str>, Option<Cow<'a, str>>) {
    let Some((name, last)) = path.strip_prefix("/endpoints/").and_then(|rest| rest.split_once('/')) else { return (None, None) };
    if last.contains('/') {
        return (None, None);
    }
    let operation = match last {
        "invocations" => INVOKE_ENDPOINT,
        "async-invocations" => INVOKE_ENDPOINT_ASYNC,
        "invocations-response-stream" => INVOKE_ENDPOINT_WITH_RESPONSE_STREAM,
        "invocations-bidirectional-stream" => INVOKE_ENDPOINT_WITH_BIDIRECTIONAL_STREAM,
        _ => return (None, None),
    };
    let name = if name.contains('%') {
        smithygen_runtime::protocol::http::decode_percent(name, "label").ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(name))
    };
    let name = name.filter(|n| !n.is_empty());
    if method != "POST" || name.is_none() {
        return (None, name);
    }
    (Some(operation), name)
}

/// A request as the log keeps it: what [`RecordedRequest`] holds, with the head (method, URI,
/// protocol and headers) in one buffer rather than an owned string for each part; a
/// [`RecordedRequest`] is made from it only when the log is read. Logging a request costs
/// three allocations (the head, its bounds, the body copy) instead of two dozen.
#[derive(Debug)]
pub(crate) struct Entry {
    service: &'static str,
    pub(crate) operation: Option<&'static str>,
    http_version: &'static str,
    /// The method, the URI, then each header's name and value, one after another.
    head: String,
    /// Where each of those ends in `head`: method, URI, then name and value per header.
    ends: Vec<u32>,
    body: Bytes,
    body_truncated: bool,
    received_at: SystemTime,
}

impl Entry {
    /// A SageMaker request as it arrived, its body copied (not a second reference: a small body
    /// is a slice of the connection's read buffer, and kept in the log it would pin that whole
    /// buffer, 8 KiB or more per request which the log's byte bound does not see, and make the
    /// connection allocate a new one for every request).
    pub(crate) fn from_request(request: &http::Request<Bytes>) -> Self {
        let mut entry = Entry::head_of(request, "sagemaker");
        entry.operation = classify(request.method().as_str(), request.uri().path()).0;
        entry.body = Bytes::copy_from_slice(request.body());
        entry
    }

    /// An S3 call, as it arrived (its operation is set once s3s has routed it, see
    /// [`Recorder::set_operation`]; its body is not kept).
    pub(crate) fn from_s3_head<B>(request: &http::Request<B>) -> Self {
        Entry::head_of(request, "s3")
    }

    fn head_of<B>(request: &http::Request<B>, service: &'static str) -> Self {
        let (method, uri, headers) = (request.method().as_str(), request.uri(), request.headers());
        // The URI as `Display` writes it: path and query for the usual origin form.
        let uri_text: Cow<'_, str> = match (uri.scheme(), uri.path_and_query()) {
            (None, Some(pq)) if uri.authority().is_none() => Cow::Borrowed(pq.as_str()),
            _ => Cow::Owned(uri.to_string()),
        };
        let size = method.len()
            + uri_text.len()
            + headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum::<usize>();
        let mut head = String::with_capacity(size);
        let mut ends = Vec::with_capacity(2 + 2 * headers.len());
        let mut push = |head: &mut String, text: &str| {
            head.push_str(text);
            ends.push(u32::try_from(head.len()).unwrap_or(u32::MAX));
        };
        push(&mut head, method);
        push(&mut head, &uri_text);
        for (name, value) in headers {
            push(&mut head, name.as_str());
            // A value that is not UTF-8 is kept with U+FFFD in its place.
            match std::str::from_utf8(value.as_bytes()) {
                Ok(text) => push(&mut head, text),
                Err(_) => push(&mut head, &String::from_utf8_lossy(value.as_bytes())),
            }
        }
        Entry {
            service,
            operation: None,
            http_version: version_text(request.version()),
            head,
            ends,
            body: Bytes::new(),
            body_truncated: false,
            received_at: SystemTime::now(),
        }
    }

    /// Part `i` of the head (0 the method, 1 the URI, then name and value of each header).
    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.head.get(start..self.ends[i] as usize).unwrap_or_default()
    }

    /// The entry as [`RecordedRequest`] shows it, with owned strings.
    pub(crate) fn to_recorded(&self) -> RecordedRequest {
        let (method, uri) = (self.part(0), self.part(1));
        let endpoint_name = match self.service {
            "sagemaker" => {
                // Origin form (`/path?query`) as requests arrive; another form parsed again.
                let path: Cow<'_, str> = if uri.starts_with('/') {
                    Cow::Borrowed(uri.split_once('?').map_or(uri, |(path, _)| path))
                } else {
                    uri.parse::<http::Uri>().map_or(Cow::Borrowed(""), |parsed| Cow::Owned(parsed.path().to_string()))
                };
                classify(method, &path).1.map(Cow::into_owned)
            }
            _ => None,
        };
        RecordedRequest {
            service: self.service,
            operation: self.operation,
            endpoint_name,
            method: method.to_string(),
            uri: uri.to_string(),
            http_version: self.http_version.to_string(),
            headers: (2..self.ends.len()).step_by(2).map(|i| (self.part(i).to_string(), self.part(i + 1).to_string())).collect(),
            body: self.body.clone(),
            body_truncated: self.body_truncated,
            received_at: self.received_at,
        }
    }
}

/// The request log: the newest requests within [`RecordConfig`]'s bounds, oldest first.
#[derive(Debug)]
pub(crate) struct Recorder {
    limits: RecordConfig,
    log: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    requests: VecDeque<Entry>,
    /// The id of each request in `requests` (increasing), for bodies recorded as they stream.
    ids: VecDeque<u64>,
    next_id: u64,
    body_bytes: usize,
    dropped: u64,
}

impl Recorder {
    pub(crate) fn new(limits: &RecordConfig) -> Self {
        Recorder { limits: limits.clone(), log: Mutex::default() }
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Logs a request; returns its id in the log (`None` when nothing is recorded).
    pub(crate) fn push(&self, request: Entry) -> Option<u64> {
        let mut log = self.log();
        if self.limits.max_requests == 0 {
            log.dropped += 1;
            return None;
        }
        log.body_bytes += request.body.len();
        log.requests.push_back(request);
        let id = log.next_id;
        log.next_id += 1;
        log.ids.push_back(id);
        self.trim(&mut log);
        Some(id)
    }

    /// Names the operation of request `id` (an S3 call, once routed), while it is in the log.
    pub(crate) fn set_operation(&self, id: u64, operation: &'static str) {
        let mut log = self.log();
        if let Ok(index) = log.ids.binary_search(&id) {
            log.requests[index].operation = Some(operation);
        }
    }

    /// Adds a chunk of a streamed body to request `id`, while it is still in the log and within
    /// the bounds (the first bytes are kept, the rest marks it truncated).
    pub(crate) fn append_body(&self, id: u64, chunk: &[u8]) {
        let mut log = self.log();
        let Ok(index) = log.ids.binary_search(&id) else { return };
        let room = MAX_STREAMED_BODY_BYTES.min(self.limits.max_body_bytes).saturating_sub(log.requests[index].body.len());
        let take = room.min(chunk.len());
        let entry = &mut log.requests[index];
        if take < chunk.len() {
            entry.body_truncated = true;
        }
        if take == 0 {
            return;
        }
        let mut body = Vec::with_capacity(entry.body.len() + take);
        body.extend_from_slice(&entry.body);
        body.extend_from_slice(&chunk[..take]);
        entry.body = Bytes::from(body);
        log.body_bytes += take;
        self.trim(&mut log);
    }

    fn trim(&self, log: &mut Log) {
        // The newest request always stays, even when its body alone is over the byte bound.
        while log.requests.len() > self.limits.max_requests
            || (log.body_bytes > self.limits.max_body_bytes && log.requests.len() > 1)
        {
            let Some(oldest) = log.requests.pop_front() else { break };
            log.ids.pop_front();
            log.body_bytes -= oldest.body.len();
            log.dropped += 1;
        }
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.log().requests.iter().map(Entry::to_recorded).collect()
    }

    /// The newest `limit` requests (all when `None`) that pass `keep`, oldest first.
    pub(crate) fn select(&self, limit: Option<usize>, keep: impl Fn(&RecordedRequest) -> bool) -> Vec<RecordedRequest> {
        let log = self.log();
        let mut chosen: Vec<RecordedRequest> =
            log.requests.iter().rev().map(Entry::to_recorded).filter(|r| keep(r)).take(limit.unwrap_or(usize::MAX)).collect();
        chosen.reverse();
        chosen
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.log().dropped
    }

    pub(crate) fn clear(&self) {
        let mut log = self.log();
        log.requests.clear();
        log.ids.clear();
        log.body_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_and_endpoint_names_come_from_method_and_path() {
        let post = "POST";
        assert_eq!(classify(post, "/endpoints/my-ep/invocations"), (Some(INVOKE_ENDPOINT), Some("my-ep".into())));
        assert_eq!(classify(post, "/endpoints/a%2Db/async-invocations"), (Some(INVOKE_ENDPOINT_ASYNC), Some("a-b".into())));
        assert_eq!(classify("GET", "/endpoints/e/invocations"), (None, Some("e".into())));
        assert_eq!(classify(post, "/endpoints//invocations"), (None, None));
        assert_eq!(classify(post, "/endpoints/%FF/invocations"), (None, None));
        assert_eq!(classify(post, "/ping"), (None, None));
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

    fn request(endpoint: &str, body: &'static [u8]) -> Entry {
        let request = http::Request::post(format!("/endpoints/{endpoint}/invocations")).body(Bytes::from_static(body)).unwrap();
        Entry::from_request(&request)
    }

    fn endpoints(requests: &[RecordedRequest]) -> Vec<String> {
        requests.iter().map(|r| r.endpoint_name.clone().unwrap_or_default()).collect()
    }

    #[test]
    fn the_log_keeps_the_newest_requests_within_both_bounds() {
        let log = Recorder::new(&RecordConfig { max_requests: 3, max_body_bytes: 1000 });
        for name in ["a", "b", "c", "d", "e"] {
            log.push(request(name, b"x"));
        }
        assert_eq!(endpoints(&log.all()), ["c", "d", "e"]);
        assert_eq!(log.dropped(), 2);

        let log = Recorder::new(&RecordConfig { max_requests: 100, max_body_bytes: 10 });
        log.push(request("a", b"1234"));
        log.push(request("b", b"1234"));
        log.push(request("c", b"1234"));
        assert_eq!(endpoints(&log.all()), ["b", "c"], "8 bytes kept, 12 would pass the bound");
        log.push(request("big", b"123456789012345"));
        assert_eq!(endpoints(&log.all()), ["big"], "the newest stays even when it alone is over");
        log.push(request("d", b""));
        assert_eq!(endpoints(&log.all()), ["d"]);
        assert_eq!(log.dropped(), 4);

        let off = Recorder::new(&RecordConfig { max_requests: 0, ..RecordConfig::default() });
        off.push(request("a", b""));
        assert!(off.all().is_empty());
        assert_eq!(off.dropped(), 1);
    }

    #[test]
    fn streamed_bodies_are_appended_within_the_bounds_and_decoded() {
        use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
        let frame = |text: &str| {
            let message = Message::new(text.as_bytes().to_vec())
                .add_header(Header::new(":event-type", HeaderValue::String("PayloadPart".into())))
                .add_header(Header::new("DataType", HeaderValue::String("UTF8".into())));
            let mut bytes = Vec::new();
            aws_smithy_eventstream::frame::write_message_to(&message, &mut bytes).unwrap();
            bytes
        };
        let log = Recorder::new(&RecordConfig { max_requests: 10, max_body_bytes: 150 });
        let request = http::Request::post("/endpoints/e/invocations-bidirectional-stream").body(Bytes::new()).unwrap();
        let id = log.push(Entry::from_request(&request)).unwrap();
        let (one, two) = (frame("one"), frame("two"));
        log.append_body(id, &one[..10]);
        log.append_body(id, &one[10..]);
        log.append_body(id, &two);
        let recorded = log.all().pop().unwrap();
        assert_eq!(recorded.operation, Some(INVOKE_ENDPOINT_WITH_BIDIRECTIONAL_STREAM));
        assert_eq!(recorded.http_version, "HTTP/1.1");
        let payloads: Vec<Bytes> = recorded.events().into_iter().map(|e| e.payload).collect();
        assert_eq!(payloads, [Bytes::from_static(b"one"), Bytes::from_static(b"two")]);
        assert_eq!(recorded.to_json()["events"][1]["data_type"], "UTF8");
        assert!(!recorded.body_truncated);
        // Past max_body_bytes the rest is dropped and the request marked; a cut frame ends the list.
        for _ in 0..3 {
            log.append_body(id, &two);
        }
        let recorded = log.all().pop().unwrap();
        assert_eq!((recorded.body.len(), recorded.body_truncated), (150, true));
        assert!(recorded.events().len() < 6);
        log.append_body(id + 1, b"no such request");
    }

    #[test]
    fn select_takes_the_newest_matches_oldest_first() {
        let log = Recorder::new(&RecordConfig::default());
        for name in ["a", "b", "a", "c", "a"] {
            log.push(request(name, b""));
        }
        let only_a = |r: &RecordedRequest| r.endpoint_name.as_deref() == Some("a");
        assert_eq!(log.select(Some(2), only_a).len(), 2);
        assert_eq!(endpoints(&log.select(Some(2), |_| true)), ["c", "a"]);
        assert_eq!(endpoints(&log.select(None, |_| true)), ["a", "b", "a", "c", "a"]);
        assert!(log.select(Some(0), |_| true).is_empty());
        log.clear();
        assert!(log.all().is_empty());
    }
}
