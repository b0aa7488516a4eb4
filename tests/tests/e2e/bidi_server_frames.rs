//! The server side of a broken input event stream: random and corrupted request event frames
//! sent to the generated `sagemaker-runtime-http2` server stub's `InvokeEndpointWithBidirectionalStream`
//! route over loopback (raw HTTP/1.1, the request body written chunk by chunk), read by a
//! handler with `recv()` as any implementation reads them.
//!
//! Property-tested (bounded): after any number of valid signed events, a frame with a flipped
//! bit, a frame declaring more than 16 MiB, random bytes, or a frame cut short at the end of the
//! body is a typed error for the handler's `recv()` (a `ResponseError`), after exactly the
//! valid events; the next `recv()` is the end; nothing panics, nothing hangs (a flipped bit and
//! an oversized frame are errors while the request body is still open), and the server still
//! serves the next request.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use hyper::body::Frame;
use hyper_util::rt::TokioIo;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sagemaker_runtime_http2::operation::invoke_endpoint_with_bidirectional_stream::{
    InvokeEndpointWithBidirectionalStreamError, InvokeEndpointWithBidirectionalStreamInput, InvokeEndpointWithBidirectionalStreamOutput,
};
use sagemaker_runtime_http2::primitives::event_stream::EventReceiver;
use sagemaker_runtime_http2::server::{self, AmazonSageMakerRuntimeHttp2, EventProducer, ServerHandle};
use sagemaker_runtime_http2::types::error::{RequestStreamEventError, ResponseStreamEventError};
use sagemaker_runtime_http2::types::{RequestStreamEvent, ResponseStreamEvent};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// What the handler's `recv()` gave for one session (by endpoint name), up to the end or one
/// call after an error: `event`, `end`, `error:<kind> <text>`.
type Report = (String, Vec<String>);

/// Reads every request event with `recv()` and reports what it got; answers nothing.
#[derive(Clone)]
struct Reader {
    reports: mpsc::UnboundedSender<Report>,
}

impl AmazonSageMakerRuntimeHttp2 for Reader {
    async fn invoke_endpoint_with_bidirectional_stream(
        &self,
        input: InvokeEndpointWithBidirectionalStreamInput,
        mut events: EventReceiver<RequestStreamEvent, RequestStreamEventError>,
    ) -> Result<(InvokeEndpointWithBidirectionalStreamOutput, EventProducer<ResponseStreamEvent, ResponseStreamEventError>), InvokeEndpointWithBidirectionalStreamError>
    {
        let name = input.endpoint_name().unwrap_or_default().to_string();
        let reports = self.reports.clone();
        let producer = EventProducer::new(move |_writer| async move {
            let mut seen = Vec::new();
            loop {
                match events.recv().await {
                    Ok(Some(_)) => seen.push("event".to_string()),
                    Ok(None) => {
                        seen.push("end".into());
                        break;
                    }
                    Err(e) => {
                        let kind = match &e {
                            SdkError::ResponseError(_) => "response",
                            SdkError::DispatchFailure(_) => "dispatch",
                            SdkError::ServiceError(_) => "service",
                            _ => "other",
                        };
                        seen.push(format!("error:{kind} {}", sagemaker_runtime_http2::error::DisplayErrorContext(&e)));
                        // The stream is over after an error.
                        match events.recv().await {
                            Ok(None) => seen.push("end".into()),
                            other => seen.push(format!("after the error: {other:?}")),
                        }
                        break;
                    }
                }
            }
            let _ = reports.send((name, seen));
        });
        Ok((InvokeEndpointWithBidirectionalStreamOutput::builder().build_without_stream(), producer))
    }
}

async fn within<T>(secs: u64, what: &str, future: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(Duration::from_secs(secs), future).await.map_err(|_| format!("{what}: nothing within {secs} s"))
}

fn encode(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    write_message_to(message, &mut out).unwrap();
    out
}

/// A `PayloadPart` request event in a SigV4 envelope, as a signing client sends it (the stub
/// verifies no signature).
fn signed_event(payload: &[u8]) -> Vec<u8> {
    let inner = Message::new(Bytes::copy_from_slice(payload))
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("PayloadPart".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())));
    let envelope = Message::new(Bytes::from(encode(&inner)))
        .add_header(Header::new(":date", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(1_700_000_000))))
        .add_header(Header::new(":chunk-signature", HeaderValue::ByteArray(Bytes::from_static(&[7; 32]))));
    encode(&envelope)
}

/// The end of a signed stream: an envelope with an empty payload.
fn signed_end() -> Vec<u8> {
    let envelope = Message::new(Bytes::new())
        .add_header(Header::new(":date", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(1_700_000_000))))
        .add_header(Header::new(":chunk-signature", HeaderValue::ByteArray(Bytes::from_static(&[7; 32]))));
    encode(&envelope)
}

/// A request body the test writes chunk by chunk; dropping the sender ends it.
struct Chunks(mpsc::Receiver<Bytes>);

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// Opens a session for endpoint `name` over a new connection: the body's sender, and the
/// response (kept so the exchange stays open).
async fn open(server: &ServerHandle, name: &str) -> Result<(mpsc::Sender<Bytes>, hyper::Response<hyper::body::Incoming>), String> {
    let (tx, rx) = mpsc::channel(4);
    let request = http::Request::post(format!("/endpoints/{name}/invocations-bidirectional-stream"))
        .header("host", server.local_addr().to_string())
        .header("content-type", "application/vnd.amazon.eventstream")
        .body(Chunks(rx))
        .unwrap();
    let stream = tokio::net::TcpStream::connect(server.local_addr()).await.map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let response = within(10, "the response head", sender.send_request(request)).await?.map_err(|e| e.to_string())?;
    if response.status() != 200 {
        return Err(format!("status {}", response.status()));
    }
    Ok((tx, response))
}

/// The report of session `name`.
async fn report(reports: &mut mpsc::UnboundedReceiver<Report>, name: &str) -> Result<Vec<String>, String> {
    within(10, &format!("the handler's report of {name}"), async {
        loop {
            match reports.recv().await {
                Some((n, seen)) if n == name => return Ok(seen),
                Some(_) => continue,
                None => return Err("the handler went away".to_string()),
            }
        }
    })
    .await?
}

/// How the request stream breaks after its valid events.
#[derive(Debug, Clone)]
enum Broken {
    /// A signed event with one bit flipped (the body stays open).
    FlippedBit { payload: Vec<u8>, bit: usize },
    /// A prelude declaring `length` (over 16 MiB) and then `rest` (the body stays open).
    Oversized { length: u32, rest: Vec<u8> },
    /// Random bytes, then the end of the body.
    Random(Vec<u8>),
    /// A signed event cut short, then the end of the body.
    Truncated { payload: Vec<u8>, cut: usize },
}

impl Broken {
    /// The bytes, and whether the body ends after them.
    fn bytes(&self) -> (Vec<u8>, bool) {
        match self {
            Broken::FlippedBit { payload, bit } => {
                let mut frame = signed_event(payload);
                let bit = bit % (frame.len() * 8);
                frame[bit / 8] ^= 1 << (bit % 8);
                (frame, false)
            }
            Broken::Oversized { length, rest } => {
                let mut prelude = length.to_be_bytes().to_vec();
                prelude.extend(0u32.to_be_bytes());
                let crc = crc32(&prelude);
                prelude.extend(crc.to_be_bytes());
                prelude.extend(rest);
                (prelude, false)
            }
            Broken::Random(bytes) => (bytes.clone(), true),
            Broken::Truncated { payload, cut } => {
                let frame = signed_event(payload);
                let cut = 1 + cut % (frame.len() - 1);
                (frame[..cut].to_vec(), true)
            }
        }
    }
}

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

fn broken() -> impl Strategy<Value = Broken> {
    let payload = proptest::collection::vec(any::<u8>(), 0..48);
    prop_oneof![
        (payload.clone(), any::<usize>()).prop_map(|(payload, bit)| Broken::FlippedBit { payload, bit }),
        ((16u32 * 1024 * 1024 + 1)..=u32::MAX, proptest::collection::vec(any::<u8>(), 0..32))
            .prop_map(|(length, rest)| Broken::Oversized { length, rest }),
        proptest::collection::vec(any::<u8>(), 1..64).prop_map(Broken::Random),
        (payload, any::<usize>()).prop_map(|(payload, cut)| Broken::Truncated { payload, cut }),
    ]
}

/// One session: `valid` good events, then `broken`; then a good session on a new connection.
async fn case(server: &ServerHandle, reports: &mut mpsc::UnboundedReceiver<Report>, n: usize, valid: usize, broken: &Broken) -> Result<(), String> {
    let name = format!("broken-{n}");
    let (body, _response) = open(server, &name).await?;
    for i in 0..valid {
        body.send(Bytes::from(signed_event(format!("event {i}").as_bytes()))).await.map_err(|e| e.to_string())?;
    }
    let (bytes, end) = broken.bytes();
    body.send(Bytes::from(bytes)).await.map_err(|e| e.to_string())?;
    let held = if end {
        drop(body);
        None
    } else {
        Some(body)
    };
    let seen = report(reports, &name).await?;
    drop(held);
    let (events, rest) = seen.split_at(seen.iter().take_while(|s| *s == "event").count());
    if events.len() != valid || rest.len() != 2 || !rest[0].starts_with("error:response ") || rest[1] != "end" {
        return Err(format!("{valid} valid events then {broken:?}: the handler saw {seen:?}"));
    }

    // The server still serves the next request.
    let name = format!("good-{n}");
    let (body, _response) = open(server, &name).await?;
    body.send(Bytes::from([signed_event(b"hello"), signed_end()].concat())).await.map_err(|e| e.to_string())?;
    let seen = report(reports, &name).await?;
    if seen != ["event", "end"] {
        return Err(format!("the next session saw {seen:?}"));
    }
    Ok(())
}

#[test]
fn a_broken_request_stream_is_a_typed_error_for_the_handler_and_the_server_goes_on() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (tx, reports) = mpsc::unbounded_channel();
    let server = runtime.block_on(server::start(Reader { reports: tx })).unwrap();
    let reports = std::sync::Mutex::new(reports);
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
    runner
        .run(&(0usize..3, broken()), |(valid, broken)| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut reports = reports.lock().unwrap();
            runtime.block_on(case(&server, &mut reports, n, valid, &broken)).map_err(TestCaseError::fail)
        })
        .unwrap();
    runtime.block_on(server.shutdown()).unwrap();
}

/// The four kinds once each, by hand (what the property draws at random).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_broken_frame_once() {
    let (tx, mut reports) = mpsc::unbounded_channel();
    let server = server::start(Reader { reports: tx }).await.unwrap();
    let cases = [
        Broken::FlippedBit { payload: b"flip".to_vec(), bit: 0 },
        Broken::FlippedBit { payload: b"flip".to_vec(), bit: 8 * 40 + 3 },
        Broken::Oversized { length: 16 * 1024 * 1024 + 1, rest: Vec::new() },
        Broken::Oversized { length: u32::MAX, rest: vec![1, 2, 3] },
        Broken::Random(vec![0xAB; 12]),
        // Cut right after the envelope's 12-byte prelude, and one byte before its end.
        Broken::Truncated { payload: b"cut".to_vec(), cut: 11 },
        Broken::Truncated { payload: b"cut".to_vec(), cut: usize::MAX },
    ];
    for (n, broken) in cases.iter().enumerate() {
        case(&server, &mut reports, 1000 + n, 2, broken).await.unwrap_or_else(|e| panic!("{e}"));
    }
    server.shutdown().await.unwrap();
}
