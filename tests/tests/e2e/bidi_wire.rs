//! `InvokeEndpointWithBidirectionalStream` on the wire: ours (`sagemaker-runtime-http2`) and the
//! official `aws-sdk-sagemakerruntimehttp2` against one recording loopback server.
//!
//! - Same inputs (credentials with a session token, region, endpoint URL, one fixed clock, one
//!   invocation id, the user agent pinned before signing, three request events with different
//!   payloads and headers): the request line and every header are equal, `Authorization`'s
//!   scope and signed headers too; the bodies carry the same envelopes with the same `:date`s,
//!   the same events and the final empty signed message, and each chain of `:chunk-signature`s
//!   recomputes with `aws-sigv4` from its own request signature; then the request signatures
//!   (both over the empty payload) and the bodies are asserted byte-equal, so every event frame
//!   and every `:chunk-signature` is the official client's.
//! - Duplex: with a server that answers each request event at once, response 1 is read while
//!   the request stream is still open, before request event 2 exists (an mpsc-fed input
//!   stream); the official client is run the same way, as the reference.
//! - Response messages of every kind (events with and without their headers, modeled,
//!   unknown and malformed exceptions, `:message-type error`, no or unknown message type) are
//!   read by both clients, and read alike.
//! - Broken response streams (random bytes, frames with a flipped bit, a frame declaring more
//!   than 16 MiB, truncated frames), property-tested: our `recv()` returns an error, never
//!   panics or hangs, and the stream is over after it. Two cases where ours is better than the
//!   official client (whose result is printed beside ours): a frame cut right after its
//!   prelude, and an oversized frame on a connection that stays open.
//!
//! The server is HTTP/1.1 (hyper, 127.0.0.1:0): the official client speaks HTTP/1.1 to a plain
//! `http://` endpoint as well, and the event-stream bytes are the same on either version.

use aws_credential_types::Credentials;
use aws_runtime::invocation_id::{InvocationId, InvocationIdGenerator};
use aws_smithy_async::time::StaticTimeSource;
use aws_smithy_eventstream::frame::{read_message_from, write_message_to, DecodedFrame, MessageFrameDecoder};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use proptest::prelude::*;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "session-token-example";
const REGION: &str = "us-west-2";
const ENDPOINT_NAME: &str = "my-endpoint";
const INVOCATION_ID: &str = "00000000-1111-4222-8333-444444444444";
const PINNED_USER_AGENT: &str = "pinned-user-agent/1.0";
const VARIANT: &str = "variant-a";

/// The clock of every call here: 2023-11-14T22:13:20Z.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// `what` within `secs` seconds: a hang fails the test instead of stalling it.
async fn within<T>(secs: u64, what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), future)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing within {secs} s"))
}

// ---------------------------------------------------------------------------------------------
// What both clients get: one neutral event type, and the pieces of configuration that are the
// same types for both (they come from the shared smithy runtime crates).
// ---------------------------------------------------------------------------------------------

/// A `PayloadPart` event, request or response, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    bytes: Vec<u8>,
    data_type: Option<String>,
    completion_state: Option<String>,
    p: Option<String>,
}

fn part(bytes: &[u8], data_type: Option<&str>, completion_state: Option<&str>, p: Option<&str>) -> Part {
    Part {
        bytes: bytes.to_vec(),
        data_type: data_type.map(str::to_string),
        completion_state: completion_state.map(str::to_string),
        p: p.map(str::to_string),
    }
}

/// Three request events with different payloads and header sets.
fn three_parts() -> Vec<Part> {
    vec![
        part(b"{\"inputs\":\"Hello, \"}", Some("UTF8"), Some("PARTIAL"), None),
        part(&[0, 1, 2, 3, 254, 255, 128, 10, 13], Some("BINARY"), Some("COMPLETE"), Some("padding-xyz")),
        part(b"", None, None, Some("p")),
    ]
}

/// What one `recv()` gave.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    Event(Part),
    /// The `Unknown` variant of the output union.
    Unknown,
    End,
    /// An error: `service:<variant> code=.. message=..` for a modeled or unmodeled error event,
    /// `response` for a frame or message that cannot be read, `dispatch` for the connection,
    /// with its text.
    Error(String, String),
}

/// Same invocation id on both clients (it is a signed header).
#[derive(Debug)]
struct FixedInvocationId;

impl InvocationIdGenerator for FixedInvocationId {
    fn generate(&self) -> Result<Option<InvocationId>, BoxError> {
        Ok(Some(InvocationId::new(INVOCATION_ID.into())))
    }
}

/// Replaces `user-agent` and `x-amz-user-agent` with one value just before signing, so the
/// signature (which covers `x-amz-user-agent`) depends on the same inputs for both clients.
/// The values it replaced are kept: the user agents legitimately differ (crate name, version).
#[derive(Debug, Clone, Default)]
struct PinUserAgent {
    replaced: Arc<Mutex<Vec<(String, String)>>>,
}

impl Intercept for PinUserAgent {
    fn name(&self) -> &'static str {
        "PinUserAgent"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = context.request_mut().headers_mut();
        for name in ["user-agent", "x-amz-user-agent"] {
            if let Some(value) = headers.get(name) {
                self.replaced.lock().unwrap().push((name.to_string(), value.to_string()));
            }
            headers.insert(name, PINNED_USER_AGENT);
        }
        Ok(())
    }
}

/// What `send()` gave: the output's header members and its event receiver.
struct Opened<S> {
    variant: Option<String>,
    request_id: Option<String>,
    session: S,
}

/// One of the two clients behind the same interface; the implementations are one macro, the
/// crate name its only argument.
trait Sdk {
    const NAME: &'static str;
    type Session;
    /// Sends `InvokeEndpointWithBidirectionalStream` to `url` with the events `parts` yields, in
    /// the order and at the time it yields them; the stream ends when the sender is dropped.
    fn open(url: &str, pin: &PinUserAgent, parts: mpsc::Receiver<Part>) -> impl Future<Output = Result<Opened<Self::Session>, String>>;
    fn next(session: &mut Self::Session) -> impl Future<Output = Next>;
}

macro_rules! sdk {
    ($ty:ident, $sm:ident, $name:literal) => {
        struct $ty;

        impl Sdk for $ty {
            const NAME: &'static str = $name;
            type Session = $sm::primitives::event_stream::EventReceiver<
                $sm::types::ResponseStreamEvent,
                $sm::types::error::ResponseStreamEventError,
            >;

            async fn open(url: &str, pin: &PinUserAgent, mut parts: mpsc::Receiver<Part>) -> Result<Opened<Self::Session>, String> {
                use $sm::operation::RequestId as _;
                let config = $sm::Config::builder()
                    .behavior_version($sm::config::BehaviorVersion::latest())
                    .region($sm::config::Region::new(REGION))
                    .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, Some(SESSION_TOKEN.into()), None, "static"))
                    .endpoint_url(url)
                    .time_source(StaticTimeSource::new(now()))
                    .invocation_id_generator(FixedInvocationId)
                    .interceptor(pin.clone())
                    .build();
                let client = $sm::Client::from_conf(config);
                let events = futures_util::stream::poll_fn(move |cx| {
                    parts.poll_recv(cx).map(|p| {
                        p.map(|p| {
                            let mut payload = $sm::types::RequestPayloadPart::builder().bytes($sm::primitives::Blob::new(p.bytes));
                            payload = payload.set_data_type(p.data_type).set_completion_state(p.completion_state).set_p(p.p);
                            Ok::<_, $sm::types::error::RequestStreamEventError>($sm::types::RequestStreamEvent::PayloadPart(payload.build()))
                        })
                    })
                });
                let output = client
                    .invoke_endpoint_with_bidirectional_stream()
                    .endpoint_name(ENDPOINT_NAME)
                    .body($sm::primitives::event_stream::EventStreamSender::from(events))
                    .send()
                    .await
                    .map_err(|e| format!("{}", $sm::error::DisplayErrorContext(&e)))?;
                Ok(Opened {
                    variant: output.invoked_production_variant().map(str::to_string),
                    request_id: output.request_id().map(str::to_string),
                    session: output.body,
                })
            }

            async fn next(session: &mut Self::Session) -> Next {
                use $sm::error::ProvideErrorMetadata as _;
                use $sm::types::error::ResponseStreamEventError as E;
                match session.recv().await {
                    Ok(Some($sm::types::ResponseStreamEvent::PayloadPart(p))) => Next::Event(Part {
                        bytes: p.bytes().map(|b| b.as_ref().to_vec()).unwrap_or_default(),
                        data_type: p.data_type().map(str::to_string),
                        completion_state: p.completion_state().map(str::to_string),
                        p: p.p().map(str::to_string),
                    }),
                    Ok(Some(_)) => Next::Unknown,
                    Ok(None) => Next::End,
                    Err(error) => {
                        let text = format!("{}", $sm::error::DisplayErrorContext(&error));
                        let kind = match &error {
                            SdkError::ServiceError(e) => {
                                let variant = match e.err() {
                                    E::ModelStreamError(_) => "ModelStreamError",
                                    E::InternalStreamFailure(_) => "InternalStreamFailure",
                                    _ => "Unhandled",
                                };
                                format!("service:{variant} code={:?} message={:?}", e.err().code(), e.err().message())
                            }
                            SdkError::ResponseError(_) => "response".to_string(),
                            SdkError::DispatchFailure(_) => "dispatch".to_string(),
                            other => format!("other:{other:?}"),
                        };
                        Next::Error(kind, text)
                    }
                }
            }
        }
    };
}

sdk!(Official, aws_sdk_sagemakerruntimehttp2, "official aws-sdk-sagemakerruntimehttp2");
sdk!(Ours, sagemaker_runtime_http2, "ours (sagemaker-runtime-http2)");

// ---------------------------------------------------------------------------------------------
// The recording loopback server.
// ---------------------------------------------------------------------------------------------

/// One request as the server saw it, updated while its body arrives.
#[derive(Debug, Clone, Default)]
struct Exchange {
    method: String,
    uri: String,
    version: String,
    /// Names lowercased, in arrival order.
    headers: Vec<(String, String)>,
    /// Every body byte, as it arrived.
    body: Vec<u8>,
    /// The size of each body chunk, in arrival order.
    chunks: Vec<usize>,
    /// Signed envelopes decoded from the body so far.
    envelopes: usize,
    /// The request body ended cleanly.
    ended: bool,
    /// Reading or decoding the request body failed.
    error: Option<String>,
}

/// What the server answers (always 200 `application/vnd.amazon.eventstream` at once, before
/// reading the body).
#[derive(Debug, Clone)]
enum Answer {
    /// Each signed request envelope with an event inside is answered at once by a response
    /// `PayloadPart` carrying the same payload and `DataType`/`CompletionState`/`P` headers;
    /// the response ends when the request body does.
    Echo,
    /// These bytes as the response body, then its end, or (`hold_open`) nothing more while
    /// the client keeps the connection.
    Raw { body: Bytes, hold_open: bool },
}

/// What the server did, in order (`request event N` / `response event N`).
type Log = Arc<Mutex<Vec<String>>>;

struct Server {
    addr: SocketAddr,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    log: Log,
    changed: Arc<Notify>,
}

impl Server {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().unwrap().clone()
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits until request `index` has ended (or failed), then returns it.
    async fn finished(&self, index: usize) -> Exchange {
        within(10, "the end of the request body", async {
            loop {
                let notified = self.changed.notified();
                if let Some(exchange) = self.exchanges().get(index) {
                    if exchange.ended || exchange.error.is_some() {
                        return exchange.clone();
                    }
                }
                notified.await;
            }
        })
        .await
    }
}

/// A response `PayloadPart` event.
fn response_event(part: &Part) -> Message {
    let mut message = Message::new(Bytes::from(part.bytes.clone()))
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("PayloadPart".into())));
    for (name, value) in [("DataType", &part.data_type), ("CompletionState", &part.completion_state), ("P", &part.p)] {
        if let Some(value) = value {
            message = message.add_header(Header::new(name, HeaderValue::String(value.clone().into())));
        }
    }
    message.add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())))
}

fn encode(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    write_message_to(message, &mut out).expect("a message the server writes is valid");
    out
}

fn string_header(message: &Message, name: &str) -> Option<String> {
    message.headers().iter().find(|h| h.name().as_str() == name).and_then(|h| match h.value() {
        HeaderValue::String(s) => Some(s.as_str().to_string()),
        _ => None,
    })
}

/// The request event inside a signed envelope's payload, as a `Part`.
fn part_of(inner: &Message) -> Part {
    Part {
        bytes: inner.payload().to_vec(),
        data_type: string_header(inner, "DataType"),
        completion_state: string_header(inner, "CompletionState"),
        p: string_header(inner, "P"),
    }
}

/// The response body: frames as the server task hands them over.
type PollFrame = Box<dyn FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> + Send>;
type ResponseBody = StreamBody<futures_util::stream::PollFn<PollFrame>>;

fn channel_body() -> (mpsc::UnboundedSender<Bytes>, ResponseBody) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
    let poll: PollFrame = Box::new(move |cx| rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))));
    (tx, StreamBody::new(futures_util::stream::poll_fn(poll)))
}

async fn start(answer: Answer) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let exchanges: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let log: Log = Arc::default();
    let changed = Arc::new(Notify::new());
    let server = Server { addr, exchanges: exchanges.clone(), log: log.clone(), changed: changed.clone() };
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (exchanges, log, changed, answer) = (exchanges.clone(), log.clone(), changed.clone(), answer.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<Incoming>| {
                    let (exchanges, log, changed, answer) = (exchanges.clone(), log.clone(), changed.clone(), answer.clone());
                    async move {
                        let (parts, body) = request.into_parts();
                        let index = {
                            let mut all = exchanges.lock().unwrap();
                            all.push(Exchange {
                                method: parts.method.to_string(),
                                uri: parts.uri.to_string(),
                                version: format!("{:?}", parts.version),
                                headers: parts
                                    .headers
                                    .iter()
                                    .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                                    .collect(),
                                ..Exchange::default()
                            });
                            all.len() - 1
                        };
                        changed.notify_waiters();
                        let (tx, response_body) = channel_body();
                        if let Answer::Raw { body, hold_open } = &answer {
                            let _ = tx.send(body.clone());
                            if *hold_open {
                                // Keep the response open until the client lets it go.
                                let tx = tx.clone();
                                tokio::spawn(async move { tx.closed().await });
                            }
                        }
                        let echo = matches!(answer, Answer::Echo).then_some(tx);
                        tokio::spawn(read_request_body(body, index, exchanges, log, changed, echo));
                        let response = hyper::Response::builder()
                            .status(200)
                            .header("content-type", "application/vnd.amazon.eventstream")
                            .header("x-amzn-requestid", format!("req-{index}"))
                            .header("x-amzn-invoked-production-variant", VARIANT)
                            .body(response_body)
                            .expect("a valid response");
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    server
}

/// Reads a request body as it arrives: records every byte, decodes the signed envelopes and,
/// with `echo`, answers each event at once.
async fn read_request_body(
    mut body: Incoming,
    index: usize,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    log: Log,
    changed: Arc<Notify>,
    echo: Option<mpsc::UnboundedSender<Bytes>>,
) {
    let mut buffer = BytesMut::new();
    let mut decoder = MessageFrameDecoder::new();
    let mut events = 0;
    let fail = |error: String| {
        exchanges.lock().unwrap()[index].error = Some(error);
        changed.notify_waiters();
    };
    loop {
        match body.frame().await {
            None => break,
            Some(Err(e)) => return fail(format!("reading the body: {e}")),
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else { continue };
                {
                    let mut all = exchanges.lock().unwrap();
                    all[index].body.extend_from_slice(&data);
                    all[index].chunks.push(data.len());
                }
                changed.notify_waiters();
                buffer.extend_from_slice(&data);
                loop {
                    let envelope = match decoder.decode_frame(&mut buffer) {
                        Ok(DecodedFrame::Complete(message)) => message,
                        Ok(DecodedFrame::Incomplete) => break,
                        Err(e) => return fail(format!("decoding an envelope: {e}")),
                    };
                    exchanges.lock().unwrap()[index].envelopes += 1;
                    if envelope.payload().is_empty() {
                        continue;
                    }
                    let inner = match read_message_from(envelope.payload().clone()) {
                        Ok(inner) => inner,
                        Err(e) => return fail(format!("decoding an event: {e}")),
                    };
                    events += 1;
                    log.lock().unwrap().push(format!("request event {events}"));
                    if let Some(echo) = &echo {
                        let _ = echo.send(Bytes::from(encode(&response_event(&part_of(&inner)))));
                        log.lock().unwrap().push(format!("response event {events}"));
                    }
                    changed.notify_waiters();
                }
            }
        }
    }
    if !buffer.is_empty() {
        return fail(format!("{} bytes after the last envelope", buffer.len()));
    }
    exchanges.lock().unwrap()[index].ended = true;
    changed.notify_waiters();
    // `echo` is dropped here: the response ends with the request.
}

// ---------------------------------------------------------------------------------------------
// Comparing and explaining.
// ---------------------------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signed envelopes of a request body.
fn envelopes(body: &[u8]) -> Result<Vec<Message>, String> {
    let mut buffer = Bytes::copy_from_slice(body);
    let mut decoder = MessageFrameDecoder::new();
    let mut out = Vec::new();
    while !buffer.is_empty() {
        match decoder.decode_frame(&mut buffer).map_err(|e| format!("envelope {}: {e}", out.len() + 1))? {
            DecodedFrame::Complete(message) => out.push(message),
            DecodedFrame::Incomplete => return Err(format!("envelope {} is incomplete", out.len() + 1)),
        }
    }
    Ok(out)
}

/// An envelope's headers and its inner message, one line each, for a readable difference.
fn describe(envelope: &Message) -> Vec<String> {
    let mut lines = Vec::new();
    for header in envelope.headers() {
        let value = match header.value() {
            HeaderValue::ByteArray(b) => format!("bytes {}", hex(b)),
            HeaderValue::Timestamp(t) => format!("timestamp {}", t.as_nanos() / 1_000_000),
            other => format!("{other:?}"),
        };
        lines.push(format!("  envelope header {} = {value}", header.name().as_str()));
    }
    if envelope.payload().is_empty() {
        lines.push("  (empty payload: the end of the stream)".into());
    } else {
        match read_message_from(envelope.payload().clone()) {
            Ok(inner) => {
                for header in inner.headers() {
                    lines.push(format!("  event header {} = {:?}", header.name().as_str(), header.value()));
                }
                lines.push(format!("  event payload {}", hex(inner.payload())));
            }
            Err(e) => lines.push(format!("  payload is not a message ({e}): {}", hex(envelope.payload()))),
        }
    }
    lines
}

/// Exactly how two request bodies differ, envelope by envelope.
fn body_difference(official: &[u8], ours: &[u8]) -> String {
    let mut text = format!("bodies differ: official {} bytes, ours {} bytes\n", official.len(), ours.len());
    match (envelopes(official), envelopes(ours)) {
        (Ok(a), Ok(b)) => {
            let _ = writeln!(text, "official {} envelopes, ours {}", a.len(), b.len());
            for i in 0..a.len().max(b.len()) {
                let (la, lb) = (a.get(i).map(describe).unwrap_or_default(), b.get(i).map(describe).unwrap_or_default());
                if la != lb {
                    let _ = writeln!(text, "envelope {}:\n official:\n{}\n ours:\n{}", i + 1, la.join("\n"), lb.join("\n"));
                }
            }
            if a.iter().map(describe).eq(b.iter().map(describe)) {
                let at = official.iter().zip(ours).position(|(x, y)| x != y).unwrap_or(official.len().min(ours.len()));
                let _ = writeln!(text, "same envelopes decoded, first differing byte at {at}");
            }
        }
        (a, b) => {
            let _ = writeln!(text, "official decodes: {:?}\nours decodes: {:?}", a.map(|e| e.len()), b.map(|e| e.len()));
        }
    }
    text
}

fn header_names(message: &Message) -> Vec<String> {
    message.headers().iter().map(|h| h.name().as_str().to_string()).collect()
}

fn header_value(message: &Message, name: &str) -> Option<HeaderValue> {
    message.headers().iter().find(|h| h.name().as_str() == name).map(|h| h.value().clone())
}

/// An event's headers, order aside.
fn sorted_event_headers(message: &Message) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = message.headers().iter().map(|h| (h.name().as_str().to_string(), format!("{:?}", h.value()))).collect();
    headers.sort();
    headers
}

/// Headers as a sorted list, for a comparison that does not depend on order.
fn sorted_headers(exchange: &Exchange) -> Vec<(String, String)> {
    let mut headers = exchange.headers.clone();
    headers.sort();
    headers
}

fn header<'a>(exchange: &'a Exchange, name: &str) -> Option<&'a str> {
    exchange.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The `Signature=` of a request's `Authorization` header.
fn request_signature(exchange: &Exchange) -> Result<String, String> {
    let authorization = header(exchange, "authorization").ok_or("no Authorization header")?;
    let signature = authorization.rsplit("Signature=").next().filter(|s| !s.is_empty() && s.len() < authorization.len());
    signature.map(str::to_string).ok_or_else(|| format!("no Signature= in {authorization}"))
}

/// `Authorization` without its `Signature=`: the algorithm, credential scope and signed headers.
fn authorization_scope(exchange: &Exchange) -> Option<String> {
    header(exchange, "authorization").map(|a| a.split("Signature=").next().unwrap_or_default().to_string())
}

/// The `:chunk-signature` of each envelope, hex.
fn sent_chain(body: &[u8]) -> Result<Vec<String>, String> {
    envelopes(body)?
        .iter()
        .enumerate()
        .map(|(i, envelope)| {
            envelope
                .headers()
                .iter()
                .find(|h| h.name().as_str() == ":chunk-signature")
                .and_then(|h| match h.value() {
                    HeaderValue::ByteArray(b) => Some(hex(b)),
                    _ => None,
                })
                .ok_or(format!("envelope {}: no :chunk-signature bytes", i + 1))
        })
        .collect()
}

/// The chain of event signatures `body`'s envelopes get when the first is signed over `seed`
/// and each next one over the previous one's, recomputed with `aws-sigv4` (each at its own
/// `:date`, which must be the configured clock). The last envelope must be the empty one.
fn recomputed_chain(body: &[u8], seed: &str) -> Result<Vec<String>, String> {
    let identity: Identity = Credentials::new(ACCESS_KEY, SECRET_KEY, Some(SESSION_TOKEN.into()), None, "static").into();
    let all = envelopes(body)?;
    if !all.last().is_some_and(|last| last.payload().is_empty()) {
        return Err("the body does not end with an empty signed message".into());
    }
    let mut previous = seed.to_string();
    let mut chain = Vec::new();
    for (i, envelope) in all.iter().enumerate() {
        let n = i + 1;
        let date = envelope
            .headers()
            .iter()
            .find(|h| h.name().as_str() == ":date")
            .and_then(|h| match h.value() {
                HeaderValue::Timestamp(t) => SystemTime::try_from(*t).ok(),
                _ => None,
            })
            .ok_or(format!("envelope {n}: no :date timestamp"))?;
        if date != now() {
            return Err(format!("envelope {n}: :date is not the configured clock"));
        }
        let params = aws_sigv4::event_stream::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("sagemaker")
            .time(date)
            .settings(())
            .build()
            .map_err(|e| format!("signing parameters: {e}"))?;
        let signed = if envelope.payload().is_empty() {
            aws_sigv4::event_stream::sign_empty_message(&previous, &params)
        } else {
            let inner = read_message_from(envelope.payload().clone()).map_err(|e| format!("envelope {n}: {e}"))?;
            aws_sigv4::event_stream::sign_message(&inner, &previous, &params)
        }
        .map_err(|e| format!("envelope {n}: signing: {e}"))?;
        previous = signed.into_parts().1;
        chain.push(previous.clone());
    }
    Ok(chain)
}

/// Which payload the request's SigV4 signature covers: its `Authorization` signature is
/// recomputed (the headers it names, the fixed clock) over each way of signing a streamed body.
fn signed_payload(exchange: &Exchange) -> Result<&'static str, String> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let authorization = header(exchange, "authorization").ok_or("no Authorization header")?;
    let part = |key: &str| authorization.split([' ', ',']).find_map(|p| p.strip_prefix(key)).unwrap_or_default();
    let (signed, signature) = (part("SignedHeaders="), part("Signature="));
    let names: Vec<&str> = signed.split(';').collect();
    let identity: Identity = Credentials::new(ACCESS_KEY, SECRET_KEY, Some(SESSION_TOKEN.into()), None, "static").into();
    let url = format!("http://{}{}", header(exchange, "host").ok_or("no Host header")?, exchange.uri);
    let candidates: [(&'static str, SignableBody<'_>); 4] = [
        ("the empty body (sha256 e3b0c442...)", SignableBody::Bytes(&[])),
        ("UNSIGNED-PAYLOAD", SignableBody::UnsignedPayload),
        ("STREAMING-AWS4-HMAC-SHA256-EVENTS", SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-EVENTS".into())),
        ("the whole body as sent", SignableBody::Bytes(&exchange.body)),
    ];
    for (label, body) in candidates {
        let mut settings = SigningSettings::default();
        settings.excluded_headers = None;
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("sagemaker")
            .time(now())
            .settings(settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let headers = exchange.headers.iter().filter(|(n, _)| names.contains(&n.as_str())).map(|(n, v)| (n.as_str(), v.as_str()));
        let request = SignableRequest::new(&exchange.method, url.as_str(), headers, body).map_err(|e| e.to_string())?;
        let (instructions, _) = sign(request, &params).map_err(|e| e.to_string())?.into_parts();
        let recomputed = instructions.headers().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).map(|(_, v)| v.to_string());
        if recomputed.as_deref().and_then(|a| a.rsplit("Signature=").next()) == Some(signature) {
            return Ok(label);
        }
    }
    Err("no known payload signing reproduces the signature".into())
}

/// Runs one client through a whole session: the three events queued before the call, the
/// input stream ended, every response read. Returns the pinned-away user agent values.
async fn session<S: Sdk>(server: &Server, index: usize) -> Vec<(String, String)> {
    let pin = PinUserAgent::default();
    let (tx, rx) = mpsc::channel(8);
    for p in three_parts() {
        tx.send(p).await.unwrap();
    }
    drop(tx);
    let mut opened = within(10, S::NAME, S::open(&server.url(), &pin, rx)).await.unwrap_or_else(|e| panic!("{}: {e}", S::NAME));
    assert_eq!(opened.variant.as_deref(), Some(VARIANT), "{}: invoked production variant", S::NAME);
    assert_eq!(opened.request_id, Some(format!("req-{index}")), "{}: request id", S::NAME);
    for expected in three_parts() {
        assert_eq!(within(10, S::NAME, S::next(&mut opened.session)).await, Next::Event(expected), "{}", S::NAME);
    }
    assert_eq!(within(10, S::NAME, S::next(&mut opened.session)).await, Next::End, "{}", S::NAME);
    pin.replaced.lock().map(|r| r.clone()).unwrap_or_default()
}

#[tokio::test]
async fn request_heads_and_signed_event_bytes_equal_the_official_clients() {
    let server = start(Answer::Echo).await;
    let official_agents = session::<Official>(&server, 0).await;
    let official = server.finished(0).await;
    let our_agents = session::<Ours>(&server, 1).await;
    let ours = server.finished(1).await;
    assert_eq!(server.exchanges().len(), 2, "one request per client");
    eprintln!("user agents before pinning:\n  official: {official_agents:?}\n  ours:     {our_agents:?}");
    eprintln!("body chunks as they arrived: official {:?}, ours {:?}", official.chunks, ours.chunks);
    assert_eq!(official.error, None, "the official request body reads");
    assert_eq!(ours.error, None, "our request body reads");
    assert_eq!(official.envelopes, 4, "three events and the end message");

    // The request line and every header (order aside) but Authorization's signature.
    assert_eq!((&ours.method, &ours.uri, &ours.version), (&official.method, &official.uri, &official.version), "request line");
    assert_eq!(ours.uri, format!("/endpoints/{ENDPOINT_NAME}/invocations-bidirectional-stream"));
    let unsigned = |e: &Exchange| -> Vec<(String, String)> { sorted_headers(e).into_iter().filter(|(n, _)| n != "authorization").collect() };
    let (a, b) = (unsigned(&official), unsigned(&ours));
    let only_official: Vec<_> = a.iter().filter(|h| !b.contains(h)).collect();
    let only_ours: Vec<_> = b.iter().filter(|h| !a.contains(h)).collect();
    assert!(
        only_official.is_empty() && only_ours.is_empty(),
        "request headers differ\n  official only: {only_official:?}\n  ours only:     {only_ours:?}\n  official: {a:?}\n  ours: {b:?}"
    );
    let names = |e: &Exchange| -> Vec<String> { e.headers.iter().map(|(n, _)| n.clone()).collect() };
    if names(&official) != names(&ours) {
        eprintln!("(same headers, in another order)\n  official: {:?}\n  ours:     {:?}", names(&official), names(&ours));
    }
    assert_eq!(authorization_scope(&ours), authorization_scope(&official), "Authorization: algorithm, credential scope, signed headers");

    // The body: the same envelopes with the same `:date`s and the same events (headers and
    // payload), each chain of signatures recomputing from its own request signature; then
    // what differs byte for byte, and why.
    let (official_seed, our_seed) = (request_signature(&official).unwrap(), request_signature(&ours).unwrap());
    let official_chain = sent_chain(&official.body).unwrap();
    let our_chain = sent_chain(&ours.body).unwrap();
    assert_eq!(recomputed_chain(&official.body, &official_seed).as_ref(), Ok(&official_chain), "the official event signatures");
    assert_eq!(recomputed_chain(&ours.body, &our_seed).as_ref(), Ok(&our_chain), "our event signatures");
    let (official_envelopes, our_envelopes) = (envelopes(&official.body).unwrap(), envelopes(&ours.body).unwrap());
    assert_eq!(official_envelopes.len(), our_envelopes.len(), "{}", body_difference(&official.body, &ours.body));
    let mut differences = Vec::new();
    if official_seed != our_seed {
        let (covers_official, covers_ours) = (signed_payload(&official), signed_payload(&ours));
        differences.push(match (&covers_official, &covers_ours) {
            (Ok(a), Ok(b)) if a != b => format!("Authorization Signature: the official client signs the request over {a}, ours over {b}"),
            _ => format!("Authorization Signature differs (official covers {covers_official:?}, ours {covers_ours:?})"),
        });
    }
    for (i, (o, u)) in official_envelopes.iter().zip(&our_envelopes).enumerate() {
        let n = i + 1;
        let context = || body_difference(&official.body, &ours.body);
        assert_eq!(header_names(o), header_names(u), "envelope {n}: envelope headers\n{}", context());
        assert_eq!(header_value(o, ":date"), header_value(u, ":date"), "envelope {n}: :date\n{}", context());
        assert_eq!(o.payload().is_empty(), u.payload().is_empty(), "envelope {n}: the end message\n{}", context());
        if o.payload() == u.payload() || o.payload().is_empty() {
            continue;
        }
        let (oi, ui) = (read_message_from(o.payload().clone()).unwrap(), read_message_from(u.payload().clone()).unwrap());
        assert_eq!(sorted_event_headers(&oi), sorted_event_headers(&ui), "envelope {n}: event headers\n{}", context());
        assert_eq!(oi.payload(), ui.payload(), "envelope {n}: event payload\n{}", context());
        if header_names(&oi) != header_names(&ui) {
            differences.push(format!(
                "envelope {n}: event headers in another order: official [{}], ours [{}]",
                header_names(&oi).join(", "),
                header_names(&ui).join(", ")
            ));
        } else {
            differences.push(format!("envelope {n}: event bytes differ\n{}", context()));
        }
    }
    if official_chain != our_chain {
        let differing = official_chain.iter().zip(&our_chain).filter(|(a, b)| a != b).count();
        differences.push(format!(
            ":chunk-signature of {differing} of the {} envelopes: each chain recomputes from its own request signature and events, so they follow from the differences above",
            official_chain.len()
        ));
    }
    if official.body != ours.body {
        eprintln!("{}", body_difference(&official.body, &ours.body));
    }
    // Both sign the request over the empty payload (the official crate's `payload_override`),
    // and write each event's headers in the same order, so the event signatures, chained from
    // the request's, are the same too: the bodies are byte-equal.
    assert!(differences.is_empty(), "the request differs from the official client's: {differences:#?}");
    assert_eq!(signed_payload(&ours), Ok("the empty body (sha256 e3b0c442...)"), "what our request signature covers");
    assert_eq!(our_seed, official_seed, "the request signature");
    assert_eq!(our_chain, official_chain, "the :chunk-signature of each envelope");
    assert!(official.body == ours.body, "{}", body_difference(&official.body, &ours.body));
}

/// Response 1 is read while the request stream is still open, before request event 2 exists.
async fn duplex<S: Sdk>() {
    let server = start(Answer::Echo).await;
    let (tx, rx) = mpsc::channel(1);
    let parts = three_parts();
    tx.send(parts[0].clone()).await.unwrap();
    let mut opened = within(10, S::NAME, S::open(&server.url(), &PinUserAgent::default(), rx)).await.unwrap_or_else(|e| panic!("{}: {e}", S::NAME));
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            tx.send(p.clone()).await.unwrap();
        }
        let got = within(10, &format!("{}: response {}", S::NAME, i + 1), S::next(&mut opened.session)).await;
        assert_eq!(got, Next::Event(p.clone()), "{}: response {}", S::NAME, i + 1);
        // The server has seen exactly the events sent so far: the next one does not exist yet.
        let log = server.log();
        assert_eq!(log.iter().filter(|l| l.starts_with("request")).count(), i + 1, "{}: {log:?}", S::NAME);
        assert!(!server.exchanges()[0].ended, "{}: the request stream is still open", S::NAME);
    }
    drop(tx);
    assert_eq!(within(10, S::NAME, S::next(&mut opened.session)).await, Next::End, "{}", S::NAME);
    let exchange = server.finished(0).await;
    assert!(exchange.ended && exchange.error.is_none(), "{}: {exchange:?}", S::NAME);
    assert_eq!(exchange.envelopes, 4, "{}: three events and the end message", S::NAME);
    assert_eq!(
        server.log(),
        ["request event 1", "response event 1", "request event 2", "response event 2", "request event 3", "response event 3"],
        "{}",
        S::NAME
    );
}

#[tokio::test]
async fn our_client_reads_each_response_before_sending_the_next_event() {
    duplex::<Ours>().await;
}

#[tokio::test]
async fn official_client_reads_each_response_before_sending_the_next_event() {
    duplex::<Official>().await;
}

// ---------------------------------------------------------------------------------------------
// Response messages read like the official client reads them.
// ---------------------------------------------------------------------------------------------

fn message(headers: &[(&str, HeaderValue)], payload: &str) -> Message {
    let mut message = Message::new(Bytes::from(payload.to_string()));
    for (name, value) in headers {
        message = message.add_header(Header::new(name.to_string(), value.clone()));
    }
    message
}

fn s(value: &str) -> HeaderValue {
    HeaderValue::String(value.to_string().into())
}

/// Response messages of every kind a service or a broken proxy may send, by name.
fn response_cases() -> Vec<(&'static str, Message)> {
    let event = |extra: &[(&str, HeaderValue)], content_type: Option<&str>| {
        let mut headers = vec![(":message-type", s("event")), (":event-type", s("PayloadPart"))];
        headers.extend(extra.iter().cloned());
        if let Some(ct) = content_type {
            headers.push((":content-type", s(ct)));
        }
        message(&headers, "chunk")
    };
    let exception = |kind: &str, json: &str| {
        message(&[(":message-type", s("exception")), (":exception-type", s(kind)), (":content-type", s("application/json"))], json)
    };
    vec![
        ("event with every header", event(&[("DataType", s("UTF8")), ("CompletionState", s("COMPLETE")), ("P", s("xx"))], Some("application/octet-stream"))),
        ("event with an unknown header", event(&[("X-Other", s("v"))], Some("application/octet-stream"))),
        ("event without :content-type", event(&[], None)),
        ("event with :content-type text/plain", event(&[], Some("text/plain"))),
        ("event with DataType as an int32", event(&[("DataType", HeaderValue::Int32(7))], Some("application/octet-stream"))),
        ("event of an unknown type", message(&[(":message-type", s("event")), (":event-type", s("FutureEvent"))], "{}")),
        ("event without :event-type", message(&[(":message-type", s("event"))], "")),
        ("ModelStreamError", exception("ModelStreamError", r#"{"Message":"the model stopped","ErrorCode":"ModelCrash"}"#)),
        ("ModelStreamError with __type", exception("ModelStreamError", r#"{"__type":"ModelStreamError","Message":"m"}"#)),
        ("InternalStreamFailure", exception("InternalStreamFailure", r#"{"Message":"the stream broke"}"#)),
        ("exception of an unknown type", exception("Throttled", r#"{"Message":"slow down"}"#)),
        ("exception with a body that is not JSON", exception("ModelStreamError", "not json")),
        ("exception without :exception-type", message(&[(":message-type", s("exception"))], "{}")),
        (
            ":message-type error",
            message(&[(":message-type", s("error")), (":error-code", s("InternalFailure")), (":error-message", s("An internal error occurred"))], ""),
        ),
        ("no :message-type", message(&[(":event-type", s("PayloadPart"))], "chunk")),
        (":message-type of an unknown kind", message(&[(":message-type", s("gossip"))], "")),
    ]
}

/// Everything a client reads from `body` (up to the end, or one call after an error), with
/// error texts left out (their wording is each crate's own).
async fn read_all<S: Sdk>(body: Bytes) -> Vec<Next> {
    let server = start(Answer::Raw { body, hold_open: false }).await;
    let (tx, rx) = mpsc::channel(1);
    drop(tx);
    let mut opened = within(10, S::NAME, S::open(&server.url(), &PinUserAgent::default(), rx)).await.unwrap_or_else(|e| panic!("{}: {e}", S::NAME));
    let mut all = Vec::new();
    let mut errors = 0;
    while all.len() < 8 {
        match within(10, S::NAME, S::next(&mut opened.session)).await {
            Next::End => {
                all.push(Next::End);
                break;
            }
            Next::Error(kind, _) => {
                all.push(Next::Error(kind, String::new()));
                errors += 1;
                if errors > 1 {
                    break;
                }
            }
            other => all.push(other),
        }
    }
    all
}

fn short(all: &[Next]) -> String {
    let items: Vec<String> = all
        .iter()
        .map(|n| match n {
            Next::Event(p) => format!("Event({})", String::from_utf8_lossy(&p.bytes)),
            Next::Error(kind, _) => format!("Error({kind:?})"),
            other => format!("{other:?}"),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

#[tokio::test]
async fn response_messages_are_read_like_the_official_client_reads_them() {
    let valid = encode(&response_event(&part(b"chunk", None, None, None)));
    let mut differences = Vec::new();
    let mut report = String::new();
    for (name, case) in response_cases() {
        // A valid event before and after the case: what was read before, and whether the
        // stream goes on after it.
        let body = Bytes::from([valid.clone(), encode(&case), valid.clone()].concat());
        let official = read_all::<Official>(body.clone()).await;
        let ours = read_all::<Ours>(body).await;
        let _ = writeln!(report, "{name}:\n  official {}\n  ours     {}", short(&official), short(&ours));
        if official != ours {
            differences.push((name.to_string(), short(&official), short(&ours)));
        }
    }
    eprintln!("{report}");
    // Read as the official client reads them, in particular: an event whose blob payload comes
    // without `:content-type` is refused; an exception's `code()` comes from its JSON payload
    // (`code`, else `__type`), not from `:exception-type`, so it is `None` for SageMaker's
    // payloads; an exception whose payload is not JSON is an unhandled error without code or
    // message; a `:message-type error` message is a response error, not a service error.
    assert_eq!(differences, Vec::<(String, String, String)>::new(), "response messages read differently from the official client:\n{report}");
}

// ---------------------------------------------------------------------------------------------
// Broken response streams.
// ---------------------------------------------------------------------------------------------

/// Reads the response `body` with client `S`: `Ok(n)` when it gave `n` events, then one error,
/// then the end; otherwise what went wrong. Every `recv()` has a time bound.
async fn read_broken<S: Sdk>(body: Bytes, hold_open: bool, secs: u64) -> Result<(usize, String), String> {
    let server = start(Answer::Raw { body, hold_open }).await;
    let (tx, rx) = mpsc::channel(1);
    drop(tx);
    let mut opened = match tokio::time::timeout(Duration::from_secs(secs), S::open(&server.url(), &PinUserAgent::default(), rx)).await {
        Ok(Ok(opened)) => opened,
        Ok(Err(e)) => return Err(format!("send failed: {e}")),
        Err(_) => return Err("send hung".into()),
    };
    let mut events = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(secs), S::next(&mut opened.session)).await {
            Err(_) => return Err(format!("recv hung after {events} events")),
            Ok(Next::Event(_)) | Ok(Next::Unknown) => events += 1,
            Ok(Next::End) => return Err(format!("the stream ended cleanly after {events} events, without an error")),
            Ok(Next::Error(kind, text)) => {
                return match tokio::time::timeout(Duration::from_secs(secs), S::next(&mut opened.session)).await {
                    Ok(Next::End) => Ok((events, format!("{kind}: {text}"))),
                    Ok(other) => Err(format!("after the error ({kind}: {text}), recv gave {other:?}")),
                    Err(_) => Err("recv hung after the error".into()),
                };
            }
        }
    }
}

/// Valid response events, framed.
fn frames(parts: &[Part]) -> (Vec<u8>, Vec<usize>) {
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    for p in parts {
        bytes.extend(encode(&response_event(p)));
        ends.push(bytes.len());
    }
    (bytes, ends)
}

fn arb_part() -> impl Strategy<Value = Part> {
    (
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::option::of("[A-Z]{1,8}"),
        proptest::option::of("[A-Z]{1,8}"),
        proptest::option::of("[ -~]{0,16}"),
    )
        .prop_map(|(bytes, data_type, completion_state, p)| Part { bytes, data_type, completion_state, p })
}

/// One runtime for all cases of a property (each case starts its own server).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime")
}

const PROPERTY_CASES: u32 = 48;

proptest! {
    #![proptest_config(ProptestConfig { cases: PROPERTY_CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_an_error(body in proptest::collection::vec(any::<u8>(), 1..512)) {
        let result = runtime().block_on(read_broken::<Ours>(Bytes::from(body), false, 10));
        let (events, _) = result.map_err(TestCaseError::fail)?;
        prop_assert_eq!(events, 0);
    }

    #[test]
    fn a_flipped_bit_is_an_error_at_its_frame(parts in proptest::collection::vec(arb_part(), 1..4), bit in any::<prop::sample::Index>()) {
        let (mut bytes, ends) = frames(&parts);
        let bit = bit.index(bytes.len() * 8);
        bytes[bit / 8] ^= 1 << (bit % 8);
        // The events before the broken frame arrive; the broken one is an error.
        let broken = ends.iter().position(|&end| bit / 8 < end).unwrap();
        let result = runtime().block_on(read_broken::<Ours>(Bytes::from(bytes), false, 10));
        let (events, error) = result.map_err(TestCaseError::fail)?;
        prop_assert_eq!(events, broken, "{}", error);
    }

    #[test]
    fn a_frame_over_16_mib_is_an_error(
        parts in proptest::collection::vec(arb_part(), 0..3),
        length in (16u32 * 1024 * 1024 + 1)..=u32::MAX,
        rest in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let (mut bytes, _) = frames(&parts);
        bytes.extend(oversized_prelude(length));
        bytes.extend(rest);
        let result = runtime().block_on(read_broken::<Ours>(Bytes::from(bytes), false, 10));
        let (events, _) = result.map_err(TestCaseError::fail)?;
        prop_assert_eq!(events, parts.len());
    }

    #[test]
    fn a_truncated_frame_is_an_error(parts in proptest::collection::vec(arb_part(), 1..4), cut in any::<prop::sample::Index>()) {
        let (bytes, ends) = frames(&parts);
        // A cut inside a frame: anywhere but at a frame boundary (or the start).
        let cut = 1 + cut.index(bytes.len() - 1);
        prop_assume!(!ends.contains(&cut));
        let complete = ends.iter().filter(|&&end| end <= cut).count();
        let result = runtime().block_on(read_broken::<Ours>(Bytes::copy_from_slice(&bytes[..cut]), false, 10));
        let (events, _) = result.map_err(TestCaseError::fail)?;
        prop_assert_eq!(events, complete);
    }
}

/// A prelude (total length, headers length 0, its CRC) declaring `length` bytes.
fn oversized_prelude(length: u32) -> Vec<u8> {
    let mut prelude = Vec::with_capacity(12);
    prelude.extend(length.to_be_bytes());
    prelude.extend(0u32.to_be_bytes());
    let crc = crc32(&prelude);
    prelude.extend(crc.to_be_bytes());
    prelude
}

/// CRC-32 (IEEE), as event-stream preludes carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn crc32_is_the_ieee_one() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    // And the prelude of a frame the runtime writes carries it.
    let bytes = encode(&response_event(&three_parts()[0]));
    assert_eq!(crc32(&bytes[..8]).to_be_bytes(), bytes[8..12]);
}

const PRELUDE_LEN: usize = 12;

/// Runs a broken-stream case with both clients: returns ours, and tells the official client's
/// result beside it (it reads response streams with aws-smithy-http's `Receiver`; ours checks
/// frames as they arrive), given at most 3 s.
async fn broken_case(body: Bytes, hold_open: bool, secs: u64) -> (usize, String) {
    let started = std::time::Instant::now();
    let official = read_broken::<Official>(body.clone(), hold_open, secs.min(3)).await;
    eprintln!("official client, after {:?}: {official:?}", started.elapsed());
    let started = std::time::Instant::now();
    let ours = read_broken::<Ours>(body, hold_open, secs).await;
    eprintln!("our client, after {:?}: {ours:?}", started.elapsed());
    ours.unwrap_or_else(|e| panic!("our client: {e}"))
}

/// A body that ends right after the 12 bytes of a frame's prelude is an error: the frame is
/// lost (and the 12 bytes need not even be a valid prelude). The official client ends such a
/// stream cleanly (`Ok(None)`): aws-smithy-http's `Receiver` hands every 12 bytes to its frame
/// decoder as a prelude without checking its CRC and then finds its own buffer empty when the
/// body ends. Ours keeps the bytes of a frame until it is whole, so they are left over.
#[tokio::test]
async fn a_frame_cut_right_after_its_prelude_is_an_error() {
    let (bytes, ends) = frames(&three_parts());
    let cut = ends[0] + PRELUDE_LEN;
    let (events, error) = broken_case(Bytes::copy_from_slice(&bytes[..cut]), false, 10).await;
    assert_eq!(events, 1, "{error}");
    // Twelve bytes that are no prelude at all (its CRC is wrong).
    let (events, error) = broken_case(Bytes::from_static(&[0xAB; PRELUDE_LEN]), false, 10).await;
    assert_eq!(events, 0, "{error}");
}

/// A frame declaring more than 16 MiB while the server keeps the response open: the length
/// alone is the error, without waiting for bytes that will never come (ours checks it as soon
/// as the first 4 bytes are in). The official client's frame decoder reads no length limit and
/// waits for the whole declared frame, so its `recv()` hangs (and would buffer up to 4 GiB if
/// the bytes came); only its first 3 s are watched here.
#[tokio::test]
async fn a_frame_over_16_mib_is_an_error_while_the_connection_stays_open() {
    let started = std::time::Instant::now();
    let (events, error) = broken_case(Bytes::from(oversized_prelude(16 * 1024 * 1024 + 1)), true, 10).await;
    assert_eq!(events, 0);
    assert!(error.contains("16777217"), "{error}");
    // Just the 4 bytes of the length, the connection open: refused at once as well.
    let started_ours = std::time::Instant::now();
    let (events, _) = read_broken::<Ours>(Bytes::copy_from_slice(&(u32::MAX).to_be_bytes()), true, 10).await.unwrap();
    assert_eq!(events, 0);
    assert!(started_ours.elapsed() < Duration::from_secs(5), "took {:?}", started_ours.elapsed());
    eprintln!("both cases in {:?}", started.elapsed());
}
