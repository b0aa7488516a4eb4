//! A program written only against the official `aws-sdk-sagemakerruntimehttp2` API: the HTTP/2
//! counterpart of `program.rs`.
//!
//! Compiled twice by the workspace's test run, with no `cfg` and nothing else changed:
//! `tests/dropin/official` depends on `aws-sdk-sagemakerruntimehttp2` itself, `tests/dropin/ours`
//! on `aws-sdk-sagemakerruntimehttp2 = { package = "sagemaker-runtime-http2", ... }`. Both runs
//! make the same assertions against the loopback server below (hyper and aws-smithy-eventstream,
//! HTTP/1.1 on 127.0.0.1:0), which answers each event of the input stream as it arrives, and
//! against the workspace's SageMaker Runtime mock (`sagemaker-runtime-mock`, in process, its
//! endpoints configured to answer as the loopback server does). The few assertions on what only
//! the loopback server does (its request ids, the `P` header it fills with the signing date)
//! are made against it alone.

use aws_sdk_sagemakerruntimehttp2 as sm;
use aws_smithy_async::time::StaticTimeSource;
use sm::config::{BehaviorVersion, Credentials, Region};
use sm::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use sm::operation::invoke_endpoint_with_bidirectional_stream::{
    InvokeEndpointWithBidirectionalStreamError, InvokeEndpointWithBidirectionalStreamInput,
    InvokeEndpointWithBidirectionalStreamOutput,
};
use sm::operation::RequestId;
use sm::primitives::event_stream::{EventReceiver, EventStreamSender};
use sm::primitives::Blob;
use sm::types::error::{RequestStreamEventError, ResponseStreamEventError};
use sm::types::{RequestPayloadPart, RequestStreamEvent, ResponsePayloadPart, ResponseStreamEvent};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// The clock both the request and its events are signed with.
fn clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn config(url: &str) -> sm::Config {
    sm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "dropin"))
        .endpoint_url(url)
        .time_source(StaticTimeSource::new(clock()))
        .build()
}

fn text_part(text: &str, completion: &str) -> RequestStreamEvent {
    RequestStreamEvent::PayloadPart(
        RequestPayloadPart::builder()
            .bytes(Blob::new(text.as_bytes().to_vec()))
            .data_type("UTF8")
            .completion_state(completion)
            .build(),
    )
}

/// What a response event said: its text and headers.
fn read_part(part: &ResponsePayloadPart) -> (String, Option<String>, Option<String>, Option<String>) {
    (
        String::from_utf8_lossy(part.bytes().map(|b| b.as_ref()).unwrap_or_default()).into_owned(),
        part.data_type().map(str::to_string),
        part.completion_state().map(str::to_string),
        part.p().map(str::to_string),
    )
}

/// `what` within 10 s: a hang fails the test instead of stalling it.
async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing within 10 s"))
}

/// The next response event, which must be a `PayloadPart`.
async fn next_part(body: &mut EventReceiver<ResponseStreamEvent, ResponseStreamEventError>) -> ResponsePayloadPart {
    match within("a response event", body.recv()).await {
        Ok(Some(ResponseStreamEvent::PayloadPart(part))) => part,
        Ok(Some(other)) => panic!("an event of another kind: {other:?}"),
        Ok(None) => panic!("the output stream ended"),
        Err(e) => panic!("recv failed: {}", DisplayErrorContext(&e)),
    }
}

async fn duplex_session_each_answer_before_the_next_event(server: Server) {
    let client = sm::Client::from_conf(config(&server.url()));
    // The input stream, fed one event at a time.
    let (events, mut queue) = mpsc::channel::<RequestStreamEvent>(1);
    let stream = futures_util::stream::poll_fn(move |cx| queue.poll_recv(cx).map(|e| e.map(Ok::<_, RequestStreamEventError>)));
    events.send(text_part("Hello", "PARTIAL")).await.unwrap();
    let mut output: InvokeEndpointWithBidirectionalStreamOutput = within(
        "the response head",
        client
            .invoke_endpoint_with_bidirectional_stream()
            .endpoint_name("echo")
            .target_variant("AllTraffic")
            .body(EventStreamSender::from(stream))
            .send(),
    )
    .await
    .expect("the session opens");
    assert_eq!(output.invoked_production_variant(), Some("AllTraffic"));
    if server.is_loopback() {
        assert_eq!(output.request_id(), Some("req-echo"));
    } else {
        assert!(output.request_id().is_some());
    }

    // Each answer arrives while the request stream is still open; the echo server says which
    // `:date` the event was signed at (the configured clock).
    let first = next_part(&mut output.body).await;
    let date = server.is_loopback().then(|| "date=1700000000".to_string());
    assert_eq!(read_part(&first), ("Hello".to_string(), Some("UTF8".to_string()), Some("PARTIAL".to_string()), date));
    events.send(text_part(", world", "COMPLETE")).await.unwrap();
    let second = next_part(&mut output.body).await;
    assert_eq!(read_part(&second).0, ", world");
    assert_eq!(second.completion_state(), Some("COMPLETE"));

    // Ending the input stream ends the session.
    drop(events);
    let end = within("the end", output.body.recv()).await.expect("a clean end");
    assert!(end.is_none(), "{end:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/endpoints/echo/invocations-bidirectional-stream");
    assert_eq!(seen[0].header("x-amz-date"), Some("20231114T221320Z"));
    assert_eq!(seen[0].header("x-amzn-sagemaker-target-variant"), Some("AllTraffic"));
    assert_eq!(seen[0].header("content-type"), Some("application/vnd.amazon.eventstream"));
    assert!(seen[0].header("authorization").is_some_and(|a| a.contains("/us-east-1/sagemaker/aws4_request")));
    assert_eq!(seen[0].envelopes, 3, "two events and the signed end message");
}

async fn input_built_with_into_and_send_with(server: Server) {
    let client = sm::Client::from_conf(config(&server.url()));
    let events = vec![text_part("a", "PARTIAL"), text_part("b", "PARTIAL"), text_part("c", "COMPLETE")];
    let stream = futures_util::stream::iter(events.into_iter().map(Ok::<_, RequestStreamEventError>));
    let input = InvokeEndpointWithBidirectionalStreamInput::builder()
        .endpoint_name("echo")
        .model_invocation_path("invocations/v2")
        .model_query_string("temperature=0.5")
        .body(stream.into());
    assert_eq!(input.get_endpoint_name().as_deref(), Some("echo"));
    let mut output = within("send_with", input.send_with(&client)).await.expect("the session opens");
    let mut texts = String::new();
    loop {
        match within("recv", output.body.recv()).await {
            Ok(Some(ResponseStreamEvent::PayloadPart(part))) => texts.push_str(&read_part(&part).0),
            Ok(Some(_)) => panic!("an unknown event"),
            Ok(None) => break,
            Err(e) => panic!("{}", DisplayErrorContext(&e)),
        }
    }
    assert_eq!(texts, "abc");
    let seen = &server.requests()[0];
    assert_eq!(seen.header("x-amzn-sagemaker-model-invocation-path"), Some("invocations/v2"));
    assert_eq!(seen.header("x-amzn-sagemaker-model-query-string"), Some("temperature=0.5"));
    assert_eq!(seen.envelopes, 4);

    // A client from shared configuration (`aws-config`), with the clock set on its builder.
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "dropin"))
        .endpoint_url(server.url())
        .load()
        .await;
    let client = sm::Client::from_conf(sm::config::Builder::from(&sdk).time_source(StaticTimeSource::new(clock())).build());
    let stream = futures_util::stream::iter([Ok::<_, RequestStreamEventError>(text_part("x", "COMPLETE"))]);
    let mut output = client
        .invoke_endpoint_with_bidirectional_stream()
        .endpoint_name("echo")
        .body(stream.into())
        .send()
        .await
        .expect("the session opens");
    let part = next_part(&mut output.body).await;
    assert_eq!(read_part(&part).0, "x");
    if server.is_loopback() {
        assert_eq!(read_part(&part).3.as_deref(), Some("date=1700000000"));
    }
}

/// Starts a session on `endpoint` with no input events.
async fn open(
    client: &sm::Client,
    endpoint: &str,
) -> Result<InvokeEndpointWithBidirectionalStreamOutput, SdkError<InvokeEndpointWithBidirectionalStreamError>> {
    let none: Vec<Result<RequestStreamEvent, RequestStreamEventError>> = Vec::new();
    within(
        endpoint,
        client
            .invoke_endpoint_with_bidirectional_stream()
            .endpoint_name(endpoint)
            .body(EventStreamSender::from(futures_util::stream::iter(none)))
            .send(),
    )
    .await
}

async fn modeled_errors_before_the_stream(server: Server) {
    let client = sm::Client::from_conf(config(&server.url()));

    let err = open(&client, "model-error").await.expect_err("the model fails");
    assert!(matches!(err, SdkError::ServiceError(_)), "{err:?}");
    if server.is_loopback() {
        assert_eq!(err.request_id(), Some("req-model-error"));
    } else {
        assert!(err.request_id().is_some());
    }
    assert_eq!(err.code(), Some("ModelError"));
    assert_eq!(err.message(), Some("the model said no"));
    match err.into_service_error() {
        InvokeEndpointWithBidirectionalStreamError::ModelError(e) => {
            assert_eq!(e.original_status_code(), Some(500));
            assert_eq!(e.original_message(), Some("CUDA out of memory"));
            assert_eq!(e.log_stream_arn(), Some("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x"));
            assert_eq!(e.error_code(), Some("ModelCrash"));
            assert_eq!(e.message(), Some("the model said no"));
        }
        other => panic!("not a ModelError: {other:?}"),
    }

    let err = open(&client, "bad-input").await.expect_err("the input is refused");
    let service: InvokeEndpointWithBidirectionalStreamError = err.into_service_error();
    assert!(service.is_input_validation_error(), "{service:?}");
    if let InvokeEndpointWithBidirectionalStreamError::InputValidationError(e) = &service {
        assert_eq!(e.error_code(), Some("InvalidEndpoint"));
        assert_eq!(e.message(), Some("no such endpoint"));
    }
    let service_wide = sm::Error::from(service);
    assert!(matches!(service_wide, sm::Error::InputValidationError(_)), "{service_wide:?}");

    let err = open(&client, "unavailable").await.expect_err("the service is unavailable");
    let text = format!("{}", DisplayErrorContext(&err));
    assert!(text.contains("try again later"), "{text}");
    assert!(matches!(err.into_service_error(), InvokeEndpointWithBidirectionalStreamError::ServiceUnavailableError(_)));

    let err = open(&client, "internal").await.expect_err("the service fails");
    let service = err.into_service_error();
    assert!(service.is_internal_server_error(), "{service:?}");
    assert_eq!(service.meta().code(), Some("InternalServerError"));

    // An error code the model does not know: no modeled variant, the code kept.
    let err = open(&client, "teapot").await.expect_err("an unmodeled error");
    let service = err.into_service_error();
    assert_eq!(service.meta().code(), Some("Teapot"));
    assert_eq!(service.meta().message(), Some("short and stout"));
    assert!(
        !(service.is_model_error()
            || service.is_input_validation_error()
            || service.is_internal_server_error()
            || service.is_service_unavailable_error()
            || service.is_model_stream_error()
            || service.is_internal_stream_failure()),
        "{service:?}"
    );
}

async fn modeled_errors_inside_the_stream(server: Server) {
    let client = sm::Client::from_conf(config(&server.url()));
    let (events, mut queue) = mpsc::channel::<RequestStreamEvent>(1);
    let stream = futures_util::stream::poll_fn(move |cx| queue.poll_recv(cx).map(|e| e.map(Ok::<_, RequestStreamEventError>)));
    events.send(text_part("first", "COMPLETE")).await.unwrap();
    let mut output = within(
        "the response head",
        client.invoke_endpoint_with_bidirectional_stream().endpoint_name("stream-error").body(stream.into()).send(),
    )
    .await
    .expect("the session opens");
    assert_eq!(read_part(&next_part(&mut output.body).await).0, "first");
    let err = within("the error event", output.body.recv()).await.expect_err("the model fails mid-stream");
    match err {
        SdkError::ServiceError(context) => {
            let error: ResponseStreamEventError = context.into_err();
            assert!(error.is_model_stream_error(), "{error:?}");
            assert_eq!(error.meta().message(), Some("the model stopped"));
            match error {
                ResponseStreamEventError::ModelStreamError(e) => {
                    assert_eq!(e.error_code(), Some("ModelCrash"));
                    assert_eq!(e.message(), Some("the model stopped"));
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("not a service error: {}", DisplayErrorContext(&other)),
    }
    // The stream is over after its error.
    assert!(matches!(within("after the error", output.body.recv()).await, Ok(None)));
    drop(events);

    let mut output = open(&client, "stream-failure").await.expect("the session opens");
    let err = within("the failure event", output.body.recv()).await.expect_err("the stream fails");
    let SdkError::ServiceError(context) = err else { panic!("not a service error: {err:?}") };
    match context.err() {
        ResponseStreamEventError::InternalStreamFailure(e) => assert_eq!(e.message(), Some("the stream broke")),
        other => panic!("{other:?}"),
    }
}

/// Where the program runs: the loopback server below, or the workspace's mock.
enum Server {
    Loopback(loopback::Server),
    Mock(sagemaker_runtime_mock::MockHandle),
}

impl Server {
    fn url(&self) -> String {
        match self {
            Server::Loopback(server) => server.url(),
            Server::Mock(mock) => mock.url(),
        }
    }

    fn is_loopback(&self) -> bool {
        matches!(self, Server::Loopback(_))
    }

    /// The requests received, as the loopback server reports them.
    fn requests(&self) -> Vec<loopback::Seen> {
        match self {
            Server::Loopback(server) => server.requests(),
            Server::Mock(mock) => mock
                .requests()
                .into_iter()
                .map(|r| loopback::Seen {
                    path: r.uri.split('?').next().unwrap_or_default().to_string(),
                    headers: r.headers.clone(),
                    envelopes: loopback::count_frames(&r.body),
                })
                .collect(),
        }
    }
}

/// The mock, its endpoints answering as the loopback server's do.
async fn mock() -> Server {
    use sagemaker_runtime_mock::{BidiSource, BidiSpec, EndpointConfig, ErrorSpec, MockServer, StreamFailureKind};
    let error = |spec: ErrorSpec, code: Option<&str>| {
        EndpointConfig::default().bidi(BidiSpec {
            source: BidiSource::Error { spec, error_code: code.map(str::to_string) },
            ..BidiSpec::echo()
        })
    };
    let model_error = ErrorSpec::model_error(500, "CUDA out of memory")
        .message("the model said no")
        .log_stream_arn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x");
    let mock = MockServer::new()
        .endpoint("echo", EndpointConfig::default())
        .endpoint("model-error", error(model_error, Some("ModelCrash")))
        .endpoint("bad-input", error(ErrorSpec::new("InputValidationError").message("no such endpoint"), Some("InvalidEndpoint")))
        .endpoint("unavailable", error(ErrorSpec::new("ServiceUnavailableError").message("try again later"), None))
        .endpoint("internal", error(ErrorSpec::new("InternalServerError").message("something broke"), None))
        .endpoint("teapot", error(ErrorSpec::new("Teapot").message("short and stout"), None))
        .endpoint(
            "stream-error",
            EndpointConfig::default().bidi(BidiSpec::echo().fail_after(1, StreamFailureKind::model_stream_error("ModelCrash", "the model stopped"))),
        )
        .endpoint(
            "stream-failure",
            EndpointConfig::default().bidi(BidiSpec::echo().fail_after(0, StreamFailureKind::internal_stream_failure("the stream broke"))),
        )
        .start()
        .await
        .expect("the mock starts");
    Server::Mock(mock)
}

/// Each scenario twice: against the loopback server and against the mock.
macro_rules! against_both {
    ($($name:ident),* $(,)?) => {
        mod against_loopback {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Server::Loopback(super::loopback::start().await)).await;
                }
            )*
        }
        mod against_mock {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::mock().await).await;
                }
            )*
        }
    };
}

against_both!(
    duplex_session_each_answer_before_the_next_event,
    input_built_with_into_and_send_with,
    modeled_errors_before_the_stream,
    modeled_errors_inside_the_stream,
);

/// The loopback server: `POST /endpoints/{name}/invocations-bidirectional-stream`, answered by
/// endpoint name. Written here with hyper and aws-smithy-eventstream, so it is the same for
/// both builds and depends on neither client.
mod loopback {
    use aws_smithy_eventstream::frame::{read_message_from, write_message_to, DecodedFrame, MessageFrameDecoder};
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    use bytes::{Bytes, BytesMut};
    use http_body_util::{BodyExt, StreamBody};
    use hyper::body::{Frame, Incoming};
    use std::convert::Infallible;
    use std::sync::{Arc, Mutex};
    use tokio::sync::mpsc;

    /// A request as the server saw it.
    #[derive(Debug, Clone, Default)]
    pub struct Seen {
        pub path: String,
        pub headers: Vec<(String, String)>,
        /// Signed envelopes read from the body (events and the end message).
        pub envelopes: usize,
    }

    impl Seen {
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
        }
    }

    pub struct Server {
        addr: std::net::SocketAddr,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    impl Server {
        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        /// Requests whose body has ended.
        pub fn requests(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }
    }

    /// The event-stream frames in `body` (signed envelopes: events and the end message).
    pub fn count_frames(body: &[u8]) -> usize {
        let mut rest = Bytes::copy_from_slice(body);
        let mut count = 0;
        while rest.len() >= 12 {
            let total = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            if total < 16 || total > rest.len() || read_message_from(rest.split_to(total)).is_err() {
                break;
            }
            count += 1;
        }
        count
    }

    fn string(message: &Message, name: &str) -> Option<String> {
        message.headers().iter().find(|h| h.name().as_str() == name).and_then(|h| match h.value() {
            HeaderValue::String(s) => Some(s.as_str().to_string()),
            _ => None,
        })
    }

    fn encode(message: Message) -> Bytes {
        let mut out = Vec::new();
        write_message_to(&message, &mut out).expect("a valid message");
        Bytes::from(out)
    }

    /// The response event answering `inner` (a request event signed at `date`).
    fn echo(inner: &Message, date: Option<i64>) -> Bytes {
        let mut message = Message::new(inner.payload().clone())
            .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
            .add_header(Header::new(":event-type", HeaderValue::String("PayloadPart".into())))
            .add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())));
        for name in ["DataType", "CompletionState"] {
            if let Some(value) = string(inner, name) {
                message = message.add_header(Header::new(name, HeaderValue::String(value.into())));
            }
        }
        if let Some(date) = date {
            message = message.add_header(Header::new("P", HeaderValue::String(format!("date={date}").into())));
        }
        encode(message)
    }

    fn exception(kind: &str, body: &str) -> Bytes {
        encode(
            Message::new(Bytes::from(body.to_string()))
                .add_header(Header::new(":message-type", HeaderValue::String("exception".into())))
                .add_header(Header::new(":exception-type", HeaderValue::String(kind.to_string().into())))
                .add_header(Header::new(":content-type", HeaderValue::String("application/json".into()))),
        )
    }

    /// An HTTP error before the stream: status, `X-Amzn-ErrorType`, JSON body.
    fn http_error(endpoint: &str) -> Option<(u16, &'static str, &'static str)> {
        Some(match endpoint {
            "model-error" => (
                424,
                "ModelError",
                r#"{"Message":"the model said no","OriginalStatusCode":500,"OriginalMessage":"CUDA out of memory","LogStreamArn":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x","ErrorCode":"ModelCrash"}"#,
            ),
            "bad-input" => (400, "InputValidationError", r#"{"Message":"no such endpoint","ErrorCode":"InvalidEndpoint"}"#),
            "unavailable" => (503, "ServiceUnavailableError", r#"{"Message":"try again later"}"#),
            "internal" => (500, "InternalServerError", r#"{"Message":"something broke"}"#),
            "teapot" => (418, "Teapot", r#"{"Message":"short and stout"}"#),
            _ => return None,
        })
    }

    type PollFrame = Box<dyn FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> + Send>;
    type Body = StreamBody<futures_util::stream::PollFn<PollFrame>>;

    fn channel() -> (mpsc::UnboundedSender<Bytes>, Body) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
        let poll: PollFrame = Box::new(move |cx| rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))));
        (tx, StreamBody::new(futures_util::stream::poll_fn(poll)))
    }

    /// Reads the request body as it arrives and answers each event by `endpoint`'s rule:
    /// `echo` echoes every event, `stream-error` echoes the first and then fails with a
    /// `ModelStreamError`, `stream-failure` fails at once with an `InternalStreamFailure`.
    async fn serve_stream(endpoint: String, mut body: Incoming, out: mpsc::UnboundedSender<Bytes>, mut seen: Seen, log: Arc<Mutex<Vec<Seen>>>) {
        if endpoint == "stream-failure" {
            let _ = out.send(exception("InternalStreamFailure", r#"{"Message":"the stream broke"}"#));
        }
        let mut out = (endpoint != "stream-failure").then_some(out);
        let mut buffer = BytesMut::new();
        let mut decoder = MessageFrameDecoder::new();
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else { continue };
            buffer.extend_from_slice(&data);
            while let Ok(DecodedFrame::Complete(envelope)) = decoder.decode_frame(&mut buffer) {
                seen.envelopes += 1;
                if envelope.payload().is_empty() {
                    continue;
                }
                let date = envelope.headers().iter().find(|h| h.name().as_str() == ":date").and_then(|h| match h.value() {
                    HeaderValue::Timestamp(t) => Some(t.secs()),
                    _ => None,
                });
                let Ok(inner) = read_message_from(envelope.payload().clone()) else { break };
                if let Some(tx) = &out {
                    let _ = tx.send(echo(&inner, date));
                    if endpoint == "stream-error" {
                        let _ = tx.send(exception("ModelStreamError", r#"{"Message":"the model stopped","ErrorCode":"ModelCrash"}"#));
                        out = None;
                    }
                }
            }
        }
        log.lock().unwrap().push(seen);
    }

    pub async fn start() -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                        let log = log.clone();
                        async move {
                            let (parts, body) = request.into_parts();
                            let path = parts.uri.path().to_string();
                            let endpoint = path.split('/').nth(2).unwrap_or_default().to_string();
                            let seen = Seen {
                                path,
                                headers: parts
                                    .headers
                                    .iter()
                                    .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                                    .collect(),
                                envelopes: 0,
                            };
                            let (tx, response_body) = channel();
                            let response = hyper::Response::builder().header("x-amzn-requestid", format!("req-{endpoint}"));
                            let response = match http_error(&endpoint) {
                                Some((status, code, json)) => {
                                    let _ = tx.send(Bytes::from_static(json.as_bytes()));
                                    drop(tx);
                                    // The request body is still read to its end (and counted).
                                    let (sink, _) = mpsc::unbounded_channel();
                                    tokio::spawn(serve_stream(endpoint, body, sink, seen, log));
                                    response.status(status).header("x-amzn-errortype", code).header("content-type", "application/json")
                                }
                                None => {
                                    let variant = seen.header("x-amzn-sagemaker-target-variant").unwrap_or("variant-1").to_string();
                                    tokio::spawn(serve_stream(endpoint, body, tx, seen, log));
                                    response
                                        .status(200)
                                        .header("content-type", "application/vnd.amazon.eventstream")
                                        .header("x-amzn-invoked-production-variant", variant)
                                }
                            };
                            Ok::<_, Infallible>(response.body(response_body).expect("a valid response"))
                        }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        Server { addr, seen }
    }
}
