//! Event streams end to end over loopback: the server runtime's event-stream responses (a real
//! hyper server) read by `invoke_streaming` + `EventReceiver` into hand-written event types
//! shaped like generated ones; broken frames, bad CRCs, dropped connections and stalls are
//! errors, never hangs; input streams are SigV4-signed message by message.
#![cfg(all(feature = "event-stream", feature = "server"))]

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::result::{CreateUnhandledError, SdkError};
use aws_smithy_runtime_api::client::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::{ErrorKind, ProvideErrorKind};
use aws_types::region::Region;
use bytes::Bytes;
use smithygen_runtime::client::{invoke, invoke_streaming, OperationInfo, ServiceInfo};
// The runtime types for no particular service (their default type parameter), so that
// `ClientConfig::builder()` needs no annotation.
type ClientConfig = smithygen_runtime::client::ClientConfig;
use smithygen_runtime::event_stream::{
    message, sender_body, EventReceiver, EventStreamError, EventStreamSender, EventUnmarshaller, Message, RawMessage,
};
use smithygen_runtime::server::event_stream::{event_stream, event_stream_response, EventStreamWriter};
use smithygen_runtime::server::{Router, ServerHandle, ServerRequest, ServerResponse};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---- Hand-written event types, shaped like generated ones ----

/// The union (`ResponseStream`-like).
#[derive(Debug, PartialEq)]
enum Event {
    Part(Bytes),
    Unknown,
}

/// The union's errors (`ResponseStreamError`-like).
#[derive(Debug)]
enum EventError {
    ModelStreamError(ErrorMetadata),
    Unhandled(ErrorMetadata),
}

impl EventError {
    fn generic(meta: ErrorMetadata) -> Self {
        EventError::Unhandled(meta)
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.meta().code())
    }
}

impl std::error::Error for EventError {}

impl CreateUnhandledError for EventError {
    fn create_unhandled_error(_source: BoxError, meta: Option<ErrorMetadata>) -> Self {
        EventError::Unhandled(meta.unwrap_or_default())
    }
}

impl ProvideErrorMetadata for EventError {
    fn meta(&self) -> &ErrorMetadata {
        match self {
            EventError::ModelStreamError(m) | EventError::Unhandled(m) => m,
        }
    }
}

fn read_event(event_type: &str, m: &Message) -> Result<Event, EventStreamError> {
    match event_type {
        "PayloadPart" => {
            message::expect_content_type(m, "application/octet-stream")?;
            Ok(Event::Part(m.payload().clone()))
        }
        _ => Ok(Event::Unknown),
    }
}

fn read_exception(exception_type: &str, _m: &Message, meta: ErrorMetadata) -> Result<EventError, EventStreamError> {
    Ok(match exception_type {
        "ModelStreamError" => EventError::ModelStreamError(meta),
        _ => EventError::generic(meta),
    })
}

fn marshall(event: Event) -> Result<Message, EventStreamError> {
    match event {
        Event::Part(bytes) => Ok(message::event("PayloadPart", Some("application/octet-stream"), bytes)),
        Event::Unknown => Err(EventStreamError::marshalling("cannot send Unknown")),
    }
}

fn marshall_error(error: EventError) -> Result<Message, EventStreamError> {
    match error {
        EventError::ModelStreamError(meta) => Ok(message::exception(
            "ModelStreamError",
            serde_json::json!({ "Message": meta.message(), "ErrorCode": "StreamBroken" }).to_string(),
        )),
        EventError::Unhandled(meta) => Ok(message::error(meta.code().unwrap_or("Unknown"), meta.message().unwrap_or(""))),
    }
}

// ---- The operation, shaped like generated code ----

#[derive(Debug)]
struct OpError(ErrorMetadata);

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.code())
    }
}
impl std::error::Error for OpError {}
impl CreateUnhandledError for OpError {
    fn create_unhandled_error(_source: BoxError, meta: Option<ErrorMetadata>) -> Self {
        OpError(meta.unwrap_or_default())
    }
}
impl ProvideErrorMetadata for OpError {
    fn meta(&self) -> &ErrorMetadata {
        &self.0
    }
}
impl ProvideErrorKind for OpError {
    fn retryable_error_kind(&self) -> Option<ErrorKind> {
        None
    }
    fn code(&self) -> Option<&str> {
        self.0.code()
    }
}

#[derive(Debug)]
struct Output {
    content_type: Option<String>,
    body: EventReceiver<Event, EventError>,
}

fn ser(path: &'static str) -> Result<HttpRequest, BoxError> {
    let request = http::Request::builder().method("POST").uri(path).body(SdkBody::from("{}"))?;
    Ok(HttpRequest::try_from(request)?)
}

fn de_output(response: &mut HttpResponse) -> Result<Output, OrchestratorError<OpError>> {
    let body = std::mem::replace(response.body_mut(), SdkBody::taken());
    Ok(Output {
        content_type: response.headers().get("x-amzn-sagemaker-content-type").map(str::to_string),
        body: EventReceiver::new(EventUnmarshaller::new(read_event, read_exception, EventError::generic), body),
    })
}

fn de_error(response: &HttpResponse) -> Result<Output, OrchestratorError<OpError>> {
    let meta = smithygen_runtime::protocol::error::error_metadata(response.headers(), response.body().bytes().unwrap_or_default());
    Err(OrchestratorError::operation(OpError(meta.build())))
}

static SERVICE: ServiceInfo = ServiceInfo {
    sdk_id: "Stream Test",
    service_name: "StreamTest",
    api_version: "2024-01-01",
    signing_name: Some("sagemaker"),
    api_metadata: smithygen_runtime::client::ApiMetadata::new("test", "0.1.0"),
    endpoint_rule_set: None,
    endpoint_bdd: None,
    typed_endpoint: None,
    crate_name: "test",
};

static STREAM_OP: OperationInfo =
    OperationInfo { name: "Stream", static_context_params: &[], http_checksum_required: false, request_compression: None, capture_input: None, context_params: None, auth: smithygen_runtime::client::auth::OperationAuth::Service, http_versions: &[smithygen_runtime::client::HttpVersion::Http11] };

fn client(url: &str) -> ClientConfig {
    ClientConfig::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(url)
        .stalled_stream_protection(StalledStreamProtectionConfig::enabled().grace_period(Duration::from_secs(1)).build())
        .build()
}

async fn call(url: &str) -> Result<Output, SdkError<OpError, HttpResponse>> {
    invoke_streaming(&client(url), &SERVICE, &STREAM_OP, (), |()| ser("/stream"), de_output, de_error, None).await
}

/// A server whose `/stream` route runs `script` with the writer of an event-stream response.
async fn serve<S, F>(script: S) -> ServerHandle
where
    S: Fn(EventStreamWriter<Event, EventError>) -> F + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let script = Arc::new(script);
    Router::new()
        .route("Stream", "POST", "/stream", move |_request: ServerRequest| {
            let script = script.clone();
            async move {
                let (writer, body) = event_stream(marshall, marshall_error);
                tokio::spawn(script(writer));
                event_stream_response(
                    http::Response::builder().status(200).header("X-Amzn-SageMaker-Content-Type", "text/plain"),
                    body,
                )
            }
        })
        .route("Fail", "POST", "/fail", |_request: ServerRequest| async {
            smithygen_runtime::server::error_response(424, "ModelError", "the model failed", Default::default())
        })
        .start("127.0.0.1:0")
        .await
        .expect("start the server")
}

/// Receives until the end or an error, within 10 s (a hang fails the test).
async fn drain(out: &mut Output) -> (Vec<Event>, Option<SdkError<EventError, RawMessage>>) {
    let mut events = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match out.body.recv().await {
                Ok(Some(event)) => events.push(event),
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    })
    .await
    .expect("the stream neither ended nor failed within 10 s");
    (events, outcome)
}

fn part(text: &str) -> Event {
    Event::Part(Bytes::from(text.to_string()))
}

#[tokio::test]
async fn events_arrive_in_order_and_as_they_are_produced() {
    // The server produces part N+1 only after the client has received part N: a client that
    // buffered the response would wait forever (caught by the timeout in `drain`).
    let received: Arc<tokio::sync::Notify> = Arc::default();
    let notify = received.clone();
    let server = serve(move |writer| {
        let received = notify.clone();
        async move {
            for i in 0..3 {
                writer.send(part(&format!("part {i}"))).await.unwrap();
                received.notified().await;
            }
        }
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    assert_eq!(out.content_type.as_deref(), Some("text/plain"));
    let mut events = Vec::new();
    for _ in 0..3 {
        let event = tokio::time::timeout(Duration::from_secs(5), out.body.recv()).await.expect("next part").unwrap();
        events.push(event.unwrap());
        received.notify_one();
    }
    assert_eq!(events, vec![part("part 0"), part("part 1"), part("part 2")]);
    assert!(out.body.recv().await.unwrap().is_none(), "a clean end");
    assert!(out.body.recv().await.unwrap().is_none(), "still ended");
}

#[tokio::test]
async fn a_modeled_error_event_is_a_typed_error_with_code_and_message() {
    let server = serve(|writer| async move {
        writer.send(part("a")).await.unwrap();
        let meta = ErrorMetadata::builder().code("ModelStreamError").message("the model broke").build();
        writer.send_error(EventError::ModelStreamError(meta)).await.unwrap();
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let (events, error) = drain(&mut out).await;
    assert_eq!(events, vec![part("a")]);
    let error = error.expect("an error").into_service_error();
    assert!(matches!(error, EventError::ModelStreamError(_)), "{error:?}");
    // As the official SDKs read it: the code comes from the JSON payload (`code` or `__type`,
    // absent here), not from `:exception-type`; the message from its `Message`.
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), Some("the model broke"));
    assert!(out.body.recv().await.unwrap().is_none(), "the stream is over after an error");
}

#[tokio::test]
async fn an_unmodeled_error_message_is_a_response_error_as_the_official_sdks_read_it() {
    let server = serve(|writer| async move {
        writer.fail("internal-error", "An unknown error occurred.").await.unwrap();
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let (events, error) = drain(&mut out).await;
    assert!(events.is_empty());
    // The official unmarshallers refuse `:message-type error`; the text keeps what it said.
    let error = error.expect("an error");
    assert!(matches!(error, SdkError::ResponseError(_)), "{error:?}");
    let text = format!("{}", aws_smithy_types::error::display::DisplayErrorContext(&error));
    assert!(text.contains("internal-error") && text.contains("An unknown error occurred."), "{text}");
    assert!(out.body.recv().await.unwrap().is_none(), "the stream is over after an error");
}

#[tokio::test]
async fn an_unknown_event_type_is_the_unknown_variant() {
    let server = serve(|writer| async move {
        writer.send_message(message::event("FutureEvent", Some("application/json"), "{}")).await.unwrap();
        writer.send(part("b")).await.unwrap();
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let (events, error) = drain(&mut out).await;
    assert!(error.is_none());
    assert_eq!(events, vec![Event::Unknown, part("b")]);
}

fn frame(message: &Message) -> Vec<u8> {
    let mut buffer = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(message, &mut buffer).unwrap();
    buffer
}

#[tokio::test]
async fn a_bad_crc_is_an_error_not_a_panic() {
    let server = serve(|writer| async move {
        writer.send(part("ok")).await.unwrap();
        let mut bad = frame(&message::event("PayloadPart", Some("application/octet-stream"), "corrupted"));
        let last = bad.len() - 5;
        bad[last] ^= 0xff; // a payload byte: the message CRC no longer matches
        writer.send_bytes(Bytes::from(bad)).await.unwrap();
        writer.send(part("never read")).await.ok();
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let (events, error) = drain(&mut out).await;
    assert_eq!(events, vec![part("ok")]);
    let error = error.expect("an error");
    assert!(matches!(error, SdkError::ResponseError(_)), "{error:?}");
    assert!(out.body.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn a_broken_frame_is_an_error() {
    let server = serve(|writer| async move {
        // A prelude announcing 8 bytes in total: less than the smallest frame.
        let mut bad = vec![0, 0, 0, 8, 0, 0, 0, 0];
        bad.extend_from_slice(&aws_crc32(&bad).to_be_bytes());
        writer.send_bytes(Bytes::from(bad)).await.unwrap();
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let (_, error) = drain(&mut out).await;
    assert!(matches!(error, Some(SdkError::ResponseError(_))), "{error:?}");
}

/// CRC-32 (IEEE), as event-stream preludes use, without another dependency.
fn aws_crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[tokio::test]
async fn a_connection_dropped_mid_frame_is_an_error() {
    let server = serve(|writer| async move {
        writer.send(part("first")).await.unwrap();
        let whole = frame(&message::event("PayloadPart", Some("application/octet-stream"), "second"));
        writer.send_bytes(Bytes::from(whole[..whole.len() / 2].to_vec())).await.unwrap();
        writer.abort("the model container went away").await;
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let (events, error) = drain(&mut out).await;
    assert_eq!(events, vec![part("first")]);
    let error = error.expect("an error, not a clean end");
    assert!(matches!(error, SdkError::DispatchFailure(_) | SdkError::ResponseError(_)), "{error:?}");
}

#[tokio::test]
async fn a_stalled_stream_is_cut_by_stalled_stream_protection() {
    let server = serve(|writer| async move {
        writer.send(part("first")).await.unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(writer);
    })
    .await;
    let mut out = call(&server.url()).await.unwrap();
    let started = Instant::now();
    let (events, error) = drain(&mut out).await;
    assert_eq!(events, vec![part("first")]);
    let error = error.expect("the stall is an error");
    assert!(matches!(error, SdkError::DispatchFailure(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(8), "cut after {:?}", started.elapsed());
}

#[tokio::test]
async fn an_error_response_is_read_whole_by_the_error_reader() {
    let server = serve(|_writer| async {}).await;
    let err = invoke_streaming(&client(&server.url()), &SERVICE, &STREAM_OP, (), |()| ser("/fail"), de_output, de_error, None)
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert_eq!(ProvideErrorMetadata::code(&err), Some("ModelError"));
    assert_eq!(err.message(), Some("the model failed"));
}

// ---- Input streams: signed messages ----

fn ser_input(events: Vec<Event>) -> Result<HttpRequest, BoxError> {
    let mut request = ser("/upload")?;
    let stream = futures_util::stream::iter(events.into_iter().map(Ok::<_, EventError>));
    sender_body(EventStreamSender::from(stream), marshall, marshall_error, smithygen_runtime::event_stream::EVENT_STREAM_CONTENT_TYPE, &mut request);
    Ok(request)
}

fn de_upload(response: &HttpResponse) -> Result<String, OrchestratorError<OpError>> {
    Ok(String::from_utf8_lossy(response.body().bytes().unwrap_or_default()).to_string())
}

#[tokio::test]
async fn input_stream_messages_are_signed_in_a_chain_from_the_request_signature() {
    let seen: Arc<Mutex<Option<(http::HeaderMap, Bytes)>>> = Arc::default();
    let store = seen.clone();
    let server = Router::new()
        .route("Upload", "POST", "/upload", move |request: ServerRequest| {
            *store.lock().unwrap() = Some((request.headers().clone(), request.body().clone()));
            async { http::Response::new(Bytes::from_static(b"done")) as ServerResponse }
        })
        .start("127.0.0.1:0")
        .await
        .unwrap();
    static UPLOAD: OperationInfo =
        OperationInfo { name: "Upload", static_context_params: &[], http_checksum_required: false, request_compression: None, capture_input: None, context_params: None, auth: smithygen_runtime::client::auth::OperationAuth::Service, http_versions: &[smithygen_runtime::client::HttpVersion::Http11] };
    let answer = invoke(
        &client(&server.url()),
        &SERVICE,
        &UPLOAD,
        vec![part("one"), part("two")],
        ser_input,
        de_upload,
        None,
    )
    .await
    .unwrap();
    assert_eq!(answer, "done");
    let (headers, body) = seen.lock().unwrap().take().expect("the request arrived");
    assert_eq!(headers["content-type"], "application/vnd.amazon.eventstream");
    let authorization = headers["authorization"].to_str().unwrap();
    let seed = authorization.rsplit("Signature=").next().unwrap().to_string();

    // Decode the frames: two signed events and the signed empty end message.
    let mut buffer = body;
    let mut decoder = aws_smithy_eventstream::frame::MessageFrameDecoder::new();
    let mut messages = Vec::new();
    while let aws_smithy_eventstream::frame::DecodedFrame::Complete(m) = decoder.decode_frame(&mut buffer).unwrap() {
        messages.push(m);
    }
    assert_eq!(messages.len(), 3, "two events and the end message");
    let mut previous = seed;
    for (i, envelope) in messages.iter().enumerate() {
        let signature = match message::header(envelope, ":chunk-signature").unwrap() {
            smithygen_runtime::event_stream::HeaderValue::ByteArray(b) => hex(b),
            other => panic!("{other:?}"),
        };
        let date = match message::header(envelope, ":date").unwrap() {
            smithygen_runtime::event_stream::HeaderValue::Timestamp(t) => std::time::SystemTime::try_from(*t).unwrap(),
            other => panic!("{other:?}"),
        };
        // Recompute the signature independently: sign the inner message with the previous
        // signature at the message's date.
        let inner = if envelope.payload().is_empty() {
            None
        } else {
            Some(aws_smithy_eventstream::frame::read_message_from(envelope.payload().clone()).unwrap())
        };
        let identity = Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test").into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("sagemaker")
            .time(date)
            .settings(())
            .build()
            .unwrap();
        let expected = match &inner {
            Some(inner) => aws_sigv4::event_stream::sign_message(inner, &previous, &params).unwrap(),
            None => aws_sigv4::event_stream::sign_empty_message(&previous, &params).unwrap(),
        };
        let (_, expected_signature) = expected.into_parts();
        assert_eq!(signature, expected_signature, "message {i}");
        if let Some(inner) = inner {
            assert_eq!(message::string(&inner, ":event-type"), Some("PayloadPart"));
            assert_eq!(inner.payload(), &Bytes::from(["one", "two"][i]));
        } else {
            assert_eq!(i, 2, "only the last message is empty");
        }
        previous = signature;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn the_server_reads_a_signed_input_stream_as_the_events_it_carries() {
    // The route reads the request body as generated servers do: signed envelopes unwrapped by
    // `input_body`, then the union's unmarshaller.
    let server = Router::new()
        .route("Upload", "POST", "/upload", |request: ServerRequest| async move {
            let body = smithygen_runtime::server::event_stream::input_body(request.body());
            let mut events = EventReceiver::new(EventUnmarshaller::new(read_event, read_exception, EventError::generic), body);
            let mut seen = Vec::new();
            loop {
                match events.recv().await {
                    Ok(Some(Event::Part(bytes))) => seen.push(String::from_utf8_lossy(&bytes).to_string()),
                    Ok(Some(Event::Unknown)) => seen.push("unknown".into()),
                    Ok(None) => break,
                    Err(e) => {
                        let variant = match e.into_service_error() {
                            EventError::ModelStreamError(_) => "ModelStreamError",
                            EventError::Unhandled(_) => "Unhandled",
                        };
                        seen.push(format!("error {variant}"));
                        break;
                    }
                }
            }
            http::Response::new(Bytes::from(seen.join(","))) as ServerResponse
        })
        .start("127.0.0.1:0")
        .await
        .unwrap();
    static UPLOAD: OperationInfo =
        OperationInfo { name: "Upload", static_context_params: &[], http_checksum_required: false, request_compression: None, capture_input: None, context_params: None, auth: smithygen_runtime::client::auth::OperationAuth::Service, http_versions: &[smithygen_runtime::client::HttpVersion::Http11] };
    let ser = |events: Vec<Result<Event, EventError>>| -> Result<HttpRequest, BoxError> {
        let mut request = ser("/upload")?;
        sender_body(EventStreamSender::from(futures_util::stream::iter(events)), marshall, marshall_error, smithygen_runtime::event_stream::EVENT_STREAM_CONTENT_TYPE, &mut request);
        Ok(request)
    };
    let events = vec![Ok(part("one")), Ok(part("two")), Err(EventError::ModelStreamError(ErrorMetadata::builder().message("boom").build()))];
    let answer = invoke(&client(&server.url()), &SERVICE, &UPLOAD, events, ser, de_upload, None).await.unwrap();
    assert_eq!(answer, "one,two,error ModelStreamError");

    // Unsigned frames pass through as they are; a broken frame is left for the receiver to report.
    let mut unsigned = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&marshall(part("three")).unwrap(), &mut unsigned).unwrap();
    let body = smithygen_runtime::server::event_stream::input_body(&Bytes::from(unsigned.clone()));
    assert_eq!(body.bytes(), Some(&unsigned[..]));
    let mut broken = unsigned.clone();
    *broken.last_mut().unwrap() ^= 1;
    let body = smithygen_runtime::server::event_stream::input_body(&Bytes::from(broken.clone()));
    assert_eq!(body.bytes(), Some(&broken[..]));
}

#[tokio::test]
async fn a_streaming_route_reads_each_event_while_the_client_is_still_sending() {
    // The route reports each event as it reads it; the test sends event 2 only once event 1
    // was read, so a server that read the body whole first would never see either.
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel::<String>();
    let hook_saw: Arc<Mutex<Option<usize>>> = Arc::default();
    let hook_store = hook_saw.clone();
    let server = Router::new()
        .before(move |request: http::Request<Bytes>| {
            *hook_store.lock().unwrap() = Some(request.body().len());
            async move { Ok(request) }
        })
        .route_streaming("Upload", "POST", "/upload", move |request: ServerRequest| {
            let seen = seen_tx.clone();
            async move {
                let body = smithygen_runtime::server::event_stream::input_stream(request.take_body());
                let mut events = EventReceiver::new(EventUnmarshaller::new(read_event, read_exception, EventError::generic), body);
                let mut count = 0;
                while let Ok(Some(Event::Part(bytes))) = events.recv().await {
                    count += 1;
                    let _ = seen.send(String::from_utf8_lossy(&bytes).to_string());
                }
                http::Response::new(Bytes::from(format!("{count} events"))) as ServerResponse
            }
        })
        .with_body_limit(16)
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let ser = |events: EventStreamSender<Event, EventError>| -> Result<HttpRequest, BoxError> {
        // As generated serializers build it: `finish_request` gives the empty body a
        // `Content-Length: 0`, which the stream must not keep.
        let builder = http::Request::builder().method("POST").uri("/upload");
        let mut request = smithygen_runtime::protocol::http::finish_request(builder, http::HeaderMap::new(), SdkBody::empty())?;
        sender_body(events, marshall, marshall_error, smithygen_runtime::event_stream::EVENT_STREAM_CONTENT_TYPE, &mut request);
        Ok(request)
    };
    static UPLOAD: OperationInfo =
        OperationInfo { name: "Upload", static_context_params: &[], http_checksum_required: false, request_compression: None, capture_input: None, context_params: None, auth: smithygen_runtime::client::auth::OperationAuth::Service, http_versions: &[smithygen_runtime::client::HttpVersion::Http11] };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Event>(1);
    let events = EventStreamSender::from(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|e| e.map(Ok::<_, EventError>))));
    let url = server.url();
    let call = tokio::spawn(async move { invoke(&client(&url), &SERVICE, &UPLOAD, events, ser, de_upload, None).await });
    let within = |what: &'static str| move |r: Result<Option<String>, tokio::time::error::Elapsed>| r.unwrap_or_else(|_| panic!("{what}: nothing within 10 s"));
    tx.send(part("a long first event, longer than the body limit")).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), seen.recv()).await;
    assert_eq!(within("event 1")(first).as_deref(), Some("a long first event, longer than the body limit"));
    tx.send(part("second")).await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(10), seen.recv()).await;
    assert_eq!(within("event 2")(second).as_deref(), Some("second"));
    drop(tx);
    let answer = tokio::time::timeout(Duration::from_secs(10), call).await.expect("the answer").unwrap().unwrap();
    assert_eq!(answer, "2 events");
    assert_eq!(*hook_saw.lock().unwrap(), Some(0), "hooks see the head with an empty body");
}
