//! The mock's `InvokeEndpointWithBidirectionalStream` (SageMaker Runtime HTTP2), served on the
//! same listener as SageMaker Runtime's operations, with real clients over loopback: our
//! generated `sagemaker-runtime-http2` and the official `aws-sdk-sagemakerruntimehttp2`.
//!
//! - echo is full duplex: the response to event 1 is read before event 2 is sent;
//! - each behaviour (script, part size and delay, upstream WebSocket container), each error
//!   before the stream (`InputValidationError`, `ModelError`, `ServiceUnavailableError`,
//!   `InternalServerError`) and during it (`ModelStreamError`, `InternalStreamFailure`, a
//!   dropped connection), for both clients;
//! - SigV4 on: a signed session is accepted, a bad signature refused;
//! - the official client over TLS with ALPN h2, and a raw h2c session (prior knowledge, full
//!   duplex): the request log says `HTTP/2.0`;
//! - the request log keeps the input events (`GET /_mock/requests`).

use sagemaker_runtime_mock::{AuthConfig, BidiSpec, EndpointConfig, ErrorSpec, MockServer, StreamFailureKind, TlsConfig};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

const KEY: &str = "AKIDMOCKEXAMPLE";
const SECRET: &str = "mock/secret/EXAMPLEKEY";

/// One event, either way.
#[derive(Debug, Clone, PartialEq)]
struct Part {
    bytes: Vec<u8>,
    data_type: Option<String>,
    completion_state: Option<String>,
}

fn part(bytes: &[u8], data_type: Option<&str>, completion_state: Option<&str>) -> Part {
    Part { bytes: bytes.to_vec(), data_type: data_type.map(str::to_string), completion_state: completion_state.map(str::to_string) }
}

/// What one `recv()` gave: an event, the end, or an error (kind, e.g. `ModelStreamError
/// code=Some("X")`, or `dispatch` / `response` for a broken connection).
#[derive(Debug, Clone, PartialEq)]
enum Next {
    Event(Part),
    End,
    Error(String),
}

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(15), future).await.unwrap_or_else(|_| panic!("{what}: no answer within 15 s"))
}

/// A client of either crate.
trait Sdk {
    const NAME: &'static str;
    type Session: Send;
    /// Opens a session on `endpoint` sending what `parts` yields, when it yields it. The error
    /// is the operation's error variant name and its fields, or the error's text.
    fn open(
        client: &Client<Self>,
        endpoint: &str,
        headers: Headers,
        parts: mpsc::Receiver<Part>,
    ) -> impl Future<Output = Result<(Option<String>, Self::Session), String>> + Send
    where
        Self: Sized;
    fn next(session: &mut Self::Session) -> impl Future<Output = Next> + Send;
}

/// The optional headers of the operation.
#[derive(Debug, Clone, Default)]
struct Headers {
    target_variant: Option<String>,
    invocation_path: Option<String>,
    query_string: Option<String>,
}

enum Client<S: Sdk + ?Sized> {
    Official(aws_sdk_sagemakerruntimehttp2::Client, std::marker::PhantomData<S>),
    Ours(sagemaker_runtime_http2::Client),
}

macro_rules! sdk {
    ($ty:ident, $sm:ident, $name:literal, $variant:ident) => {
        struct $ty;

        impl $ty {
            fn client(url: &str, key: &str, secret: &str, http: Option<aws_smithy_runtime_api::client::http::SharedHttpClient>) -> Client<Self> {
                let mut config = $sm::Config::builder()
                    .behavior_version($sm::config::BehaviorVersion::latest())
                    .region($sm::config::Region::new("us-east-1"))
                    .credentials_provider($sm::config::Credentials::new(key, secret, None, None, "mock-test"))
                    .endpoint_url(url)
                    .retry_config($sm::config::retry::RetryConfig::disabled());
                if let Some(http) = http {
                    config = config.http_client(http);
                }
                client_of!($variant, $sm::Client::from_conf(config.build()))
            }
        }

        impl Sdk for $ty {
            const NAME: &'static str = $name;
            type Session = $sm::primitives::event_stream::EventReceiver<
                $sm::types::ResponseStreamEvent,
                $sm::types::error::ResponseStreamEventError,
            >;

            async fn open(
                client: &Client<Self>,
                endpoint: &str,
                headers: Headers,
                mut parts: mpsc::Receiver<Part>,
            ) -> Result<(Option<String>, Self::Session), String> {
                use $sm::operation::invoke_endpoint_with_bidirectional_stream::InvokeEndpointWithBidirectionalStreamError as E;
                let client = client_ref!($variant, client);
                let events = futures_util::stream::poll_fn(move |cx| {
                    parts.poll_recv(cx).map(|p| {
                        p.map(|p| {
                            let payload = $sm::types::RequestPayloadPart::builder()
                                .bytes($sm::primitives::Blob::new(p.bytes))
                                .set_data_type(p.data_type)
                                .set_completion_state(p.completion_state)
                                .build();
                            Ok::<_, $sm::types::error::RequestStreamEventError>($sm::types::RequestStreamEvent::PayloadPart(payload))
                        })
                    })
                });
                let result = client
                    .invoke_endpoint_with_bidirectional_stream()
                    .endpoint_name(endpoint)
                    .set_target_variant(headers.target_variant)
                    .set_model_invocation_path(headers.invocation_path)
                    .set_model_query_string(headers.query_string)
                    .body($sm::primitives::event_stream::EventStreamSender::from(events))
                    .send()
                    .await;
                match result {
                    Ok(output) => Ok((output.invoked_production_variant().map(str::to_string), output.body)),
                    Err(error) => Err(match error.as_service_error() {
                        Some(E::InputValidationError(e)) => format!("InputValidationError {:?} {:?}", e.error_code(), e.message()),
                        Some(E::ModelError(e)) => format!(
                            "ModelError {:?} {:?} {:?} {:?}",
                            e.original_status_code(),
                            e.original_message(),
                            e.log_stream_arn(),
                            e.error_code()
                        ),
                        Some(E::ServiceUnavailableError(e)) => format!("ServiceUnavailableError {:?}", e.message()),
                        Some(E::InternalServerError(e)) => format!("InternalServerError {:?}", e.message()),
                        Some(other) => {
                            use $sm::error::ProvideErrorMetadata as _;
                            format!("other {:?} {:?}", other.code(), other.message())
                        }
                        None => format!("{}", $sm::error::DisplayErrorContext(&error)),
                    }),
                }
            }

            async fn next(session: &mut Self::Session) -> Next {
                use $sm::types::error::ResponseStreamEventError as E;
                use $sm::error::SdkError;
                match session.recv().await {
                    Ok(Some($sm::types::ResponseStreamEvent::PayloadPart(p))) => Next::Event(Part {
                        bytes: p.bytes().map(|b| b.as_ref().to_vec()).unwrap_or_default(),
                        data_type: p.data_type().map(str::to_string),
                        completion_state: p.completion_state().map(str::to_string),
                    }),
                    Ok(Some(other)) => Next::Error(format!("unknown event {other:?}")),
                    Ok(None) => Next::End,
                    Err(SdkError::ServiceError(e)) => Next::Error(match e.err() {
                        E::ModelStreamError(e) => format!("ModelStreamError code={:?}", e.error_code()),
                        E::InternalStreamFailure(_) => "InternalStreamFailure".to_string(),
                        other => format!("other {other:?}"),
                    }),
                    Err(SdkError::ResponseError(_)) => Next::Error("broken".into()),
                    Err(SdkError::DispatchFailure(_)) => Next::Error("broken".into()),
                    Err(other) => Next::Error(format!("{other:?}")),
                }
            }
        }
    };
}

macro_rules! client_of {
    (Official, $e:expr) => {
        Client::Official($e, std::marker::PhantomData)
    };
    (Ours, $e:expr) => {
        Client::Ours($e)
    };
}

macro_rules! client_ref {
    (Official, $c:expr) => {
        match $c {
            Client::Official(c, _) => c,
            Client::Ours(_) => unreachable!(),
        }
    };
    (Ours, $c:expr) => {
        match $c {
            Client::Ours(c) => c,
            Client::Official(..) => unreachable!(),
        }
    };
}

sdk!(Official, aws_sdk_sagemakerruntimehttp2, "official aws-sdk-sagemakerruntimehttp2", Official);
sdk!(Ours, sagemaker_runtime_http2, "ours (sagemaker-runtime-http2)", Ours);

/// Sends `parts` one at a time, reading `replies_per_part` responses after each, then ends the
/// stream and reads what is left (up to the end or an error).
async fn exchange<S: Sdk>(client: &Client<S>, endpoint: &str, headers: Headers, parts: &[Part], replies_per_part: usize) -> Vec<Next> {
    let (tx, rx) = mpsc::channel(1);
    let mut parts = parts.iter();
    if let Some(first) = parts.next() {
        tx.send(first.clone()).await.unwrap();
    }
    let (_, mut session) = within(S::NAME, S::open(client, endpoint, headers, rx)).await.unwrap_or_else(|e| panic!("{}: {e}", S::NAME));
    let mut got = Vec::new();
    let mut tx = Some(tx);
    loop {
        for _ in 0..replies_per_part {
            let next = within(S::NAME, S::next(&mut session)).await;
            let stop = !matches!(next, Next::Event(_));
            got.push(next);
            if stop {
                return got;
            }
        }
        match parts.next() {
            Some(p) => {
                if tx.as_ref().unwrap().send(p.clone()).await.is_err() {
                    break;
                }
            }
            None => break,
        }
    }
    tx.take();
    loop {
        let next = within(S::NAME, S::next(&mut session)).await;
        let stop = !matches!(next, Next::Event(_));
        got.push(next);
        if stop {
            return got;
        }
    }
}

fn three_parts() -> Vec<Part> {
    vec![
        part(b"Hello", Some("UTF8"), Some("PARTIAL")),
        part(&[0, 159, 146, 150], Some("BINARY"), Some("COMPLETE")),
        part(b"{\"turn\":3}", Some("UTF8"), None),
    ]
}

/// Echo, one response read before the next request event exists.
async fn echo_duplex<S: Sdk>(client: Client<S>, mock: &sagemaker_runtime_mock::MockHandle) {
    let parts = three_parts();
    let got = exchange(&client, "echo-ep", Headers::default(), &parts, 1).await;
    let mut want: Vec<Next> = parts.iter().cloned().map(Next::Event).collect();
    want.push(Next::End);
    assert_eq!(got, want, "{}", S::NAME);
    let recorded = mock.requests().into_iter().rfind(|r| r.endpoint_name.as_deref() == Some("echo-ep")).unwrap();
    assert_eq!(recorded.operation, Some("InvokeEndpointWithBidirectionalStream"));
    let events = recorded.events();
    assert_eq!(events.len(), 3, "{}: {recorded:?}", S::NAME);
    assert_eq!(events[1].payload.as_ref(), &[0, 159, 146, 150]);
    assert_eq!(events[1].data_type.as_deref(), Some("BINARY"));
}

fn behaviours() -> MockServer {
    MockServer::new()
        .endpoint("echo-ep", EndpointConfig::default())
        .endpoint("script-ep", EndpointConfig::default().bidi(BidiSpec::script([vec!["one", "uno"], vec!["two"]])))
        .endpoint("chunked-ep", EndpointConfig::default().bidi(BidiSpec::echo().part_size(3).part_delay(Duration::from_millis(30))))
        .endpoint("invalid-ep", EndpointConfig::default().bidi(BidiSpec::error(ErrorSpec::new("InputValidationError").message("bad input"))))
        .endpoint("model-ep", EndpointConfig::default().bidi(BidiSpec::error(ErrorSpec::model_error(507, "disk full").log_stream_arn("arn:log"))))
        .endpoint("busy-ep", EndpointConfig::default().bidi(BidiSpec::error(ErrorSpec::new("ServiceUnavailableError"))))
        .endpoint("internal-ep", EndpointConfig::default().bidi(BidiSpec::error(ErrorSpec::new("InternalServerError"))))
        .endpoint(
            "stream-error-ep",
            EndpointConfig::default()
                .bidi(BidiSpec::echo().fail_after(2, StreamFailureKind::model_stream_error("ModelInvocationTimeExceeded", "slow"))),
        )
        .endpoint(
            "stream-failure-ep",
            EndpointConfig::default().bidi(BidiSpec::echo().fail_after(1, StreamFailureKind::internal_stream_failure("oops"))),
        )
        .endpoint("dropped-ep", EndpointConfig::default().bidi(BidiSpec::echo().fail_after(1, StreamFailureKind::DropConnection)))
        .default_endpoint(sagemaker_runtime_mock::Behaviour::not_found())
}

async fn every_behaviour<S: Sdk>(client: Client<S>) {
    let ev = |b: &[u8], dt: &str, cs: &str| Next::Event(part(b, Some(dt), Some(cs)));
    let name = S::NAME;
    // Script: replies per request event; the third event has none.
    let parts = [part(b"a", Some("UTF8"), None), part(b"b", Some("UTF8"), None), part(b"c", Some("UTF8"), None)];
    let got = exchange(&client, "script-ep", Headers::default(), &parts[..2], 0).await;
    assert_eq!(got, [ev(b"one", "UTF8", "COMPLETE"), ev(b"uno", "UTF8", "COMPLETE"), ev(b"two", "UTF8", "COMPLETE"), Next::End], "{name}");
    let got = exchange(&client, "script-ep", Headers::default(), &parts, 0).await;
    assert_eq!(got.len(), 4, "{name}: {got:?}");

    // Parts of 3 bytes, 30 ms apart: the last part of a reply keeps the request's state.
    let started = std::time::Instant::now();
    let got = exchange(&client, "chunked-ep", Headers::default(), &[part(b"abcdefgh", Some("UTF8"), Some("COMPLETE"))], 0).await;
    assert_eq!(got, [ev(b"abc", "UTF8", "PARTIAL"), ev(b"def", "UTF8", "PARTIAL"), ev(b"gh", "UTF8", "COMPLETE"), Next::End], "{name}");
    assert!(started.elapsed() >= Duration::from_millis(60), "{name}: two delays of 30 ms");

    // Errors before the stream.
    let open_err = |endpoint: &'static str, headers: Headers| {
        let client = &client;
        async move {
            let (tx, rx) = mpsc::channel(1);
            tx.send(part(b"x", None, None)).await.unwrap();
            match within(name, S::open(client, endpoint, headers, rx)).await {
                Ok(_) => panic!("{name}: {endpoint} opened"),
                Err(e) => e,
            }
        }
    };
    assert_eq!(open_err("invalid-ep", Headers::default()).await, "InputValidationError None Some(\"bad input\")", "{name}");
    assert_eq!(
        open_err("model-ep", Headers::default()).await,
        "ModelError Some(507) Some(\"disk full\") Some(\"arn:log\") None",
        "{name}"
    );
    assert!(open_err("busy-ep", Headers::default()).await.starts_with("ServiceUnavailableError Some("), "{name}");
    assert!(open_err("internal-ep", Headers::default()).await.starts_with("InternalServerError Some("), "{name}");
    assert_eq!(
        open_err("nowhere", Headers::default()).await,
        "InputValidationError None Some(\"Endpoint nowhere of account 123456789012 not found.\")",
        "{name}"
    );
    // The model's constraints: a target variant longer than 63 characters.
    let bad = Headers { target_variant: Some("v".repeat(64)), ..Headers::default() };
    let e = open_err("echo-ep", bad).await;
    assert!(e.starts_with("InputValidationError"), "{name}: {e}");

    // Errors during the stream, after N parts.
    let three = three_parts();
    let got = exchange(&client, "stream-error-ep", Headers::default(), &three, 1).await;
    assert_eq!(got[2], Next::Error("ModelStreamError code=Some(\"ModelInvocationTimeExceeded\")".into()), "{name}: {got:?}");
    assert_eq!(got.len(), 3, "{name}");
    let got = exchange(&client, "stream-failure-ep", Headers::default(), &three, 1).await;
    assert_eq!(got[1], Next::Error("InternalStreamFailure".into()), "{name}: {got:?}");
    let got = exchange(&client, "dropped-ep", Headers::default(), &three, 1).await;
    assert!(matches!(&got[..], [Next::Event(_), Next::Error(e)] if e == "broken"), "{name}: {got:?}");
}

#[tokio::test]
async fn echo_is_full_duplex_for_both_clients() {
    let mock = behaviours().start().await.unwrap();
    echo_duplex(Official::client(&mock.url(), KEY, SECRET, None), &mock).await;
    echo_duplex(Ours::client(&mock.url(), KEY, SECRET, None), &mock).await;
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn every_behaviour_and_error_with_the_official_client() {
    let mock = behaviours().start().await.unwrap();
    every_behaviour(Official::client(&mock.url(), KEY, SECRET, None)).await;
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn every_behaviour_and_error_with_our_client() {
    let mock = behaviours().start().await.unwrap();
    every_behaviour(Ours::client(&mock.url(), KEY, SECRET, None)).await;
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn sigv4_accepts_signed_sessions_and_refuses_bad_signatures() {
    let mock = MockServer::new().auth(AuthConfig::new(KEY, SECRET)).start().await.unwrap();
    let parts = three_parts();
    for got in [
        exchange(&Official::client(&mock.url(), KEY, SECRET, None), "signed", Headers::default(), &parts, 1).await,
        exchange(&Ours::client(&mock.url(), KEY, SECRET, None), "signed", Headers::default(), &parts, 1).await,
    ] {
        assert_eq!(got.len(), 4, "{got:?}");
    }
    async fn refused<S: Sdk>(client: Client<S>) -> String {
        let (tx, rx) = mpsc::channel(1);
        tx.send(part(b"x", None, None)).await.unwrap();
        match within(S::NAME, S::open(&client, "signed", Headers::default(), rx)).await {
            Ok(_) => panic!("{}: a bad signature was accepted", S::NAME),
            Err(e) => e,
        }
    }
    let official = refused(Official::client(&mock.url(), KEY, "wrong-secret", None)).await;
    let ours = refused(Ours::client(&mock.url(), KEY, "wrong-secret", None)).await;
    for e in [official, ours] {
        assert!(e.contains("InvalidSignatureException"), "{e}");
    }
    mock.stop().await.unwrap();
}

/// A CA and a certificate for 127.0.0.1 and localhost signed by it, as PEM (ca, chain, key).
fn certs() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "sagemaker-runtime-mock bidi test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap().signed_by(&key, &ca, &ca_key).unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

#[tokio::test]
async fn the_official_client_talks_http2_over_tls() {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let (ca, chain, key) = certs();
    let mock = MockServer::new().tls(TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap()).start().await.unwrap();
    assert!(mock.url().starts_with("https://"), "{}", mock.url());
    let context = TlsContext::builder().with_trust_store(TrustStore::empty().with_pem_certificate(ca.as_bytes())).build().unwrap();
    let http = aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc)).tls_context(context).build_https();
    let client = Official::client(&mock.url(), KEY, SECRET, Some(http));
    let parts = three_parts();
    let got = exchange(&client, "tls-ep", Headers::default(), &parts, 1).await;
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], Next::Event(parts[0].clone()));

    // The request log, read over HTTPS with the same trust: the session came over HTTP/2.
    let context = TlsContext::builder().with_trust_store(TrustStore::empty().with_pem_certificate(ca.as_bytes())).build().unwrap();
    let raw = aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc)).tls_context(context).build_https();
    let log = get_json(&raw, &format!("{}/_mock/requests?operation=InvokeEndpointWithBidirectionalStream", mock.url())).await;
    let entry = &log.as_array().unwrap()[0];
    assert_eq!(entry["http_version"], "HTTP/2.0", "{entry}");
    assert_eq!(entry["endpoint_name"], "tls-ep");
    assert_eq!(entry["events"].as_array().unwrap().len(), 3, "{entry}");
    assert_eq!(entry["events"][0]["payload"], "Hello");
    mock.stop().await.unwrap();
}

/// `GET url` through an SDK HTTP client, its body as JSON.
async fn get_json(http: &aws_smithy_runtime_api::client::http::SharedHttpClient, url: &str) -> serde_json::Value {
    use aws_smithy_runtime_api::client::http::{HttpClient as _, HttpConnector as _, HttpConnectorSettings};
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
    let components = RuntimeComponentsBuilder::for_tests().with_time_source(Some(aws_smithy_async::time::SystemTimeSource::new())).build().unwrap();
    let connector = http.http_connector(&HttpConnectorSettings::default(), &components);
    let request = HttpRequest::try_from(http::Request::get(url).body(aws_smithy_types::body::SdkBody::empty()).unwrap()).unwrap();
    let response = connector.call(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// A tiny model container: a WebSocket echo server on a free port that records each
/// connection's request path and query.
async fn websocket_container() -> (String, Arc<Mutex<Vec<String>>>) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let paths = Arc::new(Mutex::new(Vec::new()));
    let seen = paths.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                // tungstenite's handshake callback type fixes the error type (an HTTP response).
                #[allow(clippy::result_large_err)]
                let record = |request: &Request, response: Response| {
                    seen.lock().unwrap().push(request.uri().to_string());
                    Ok(response)
                };
                let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(tcp, record).await else { return };
                while let Some(Ok(message)) = socket.next().await {
                    let reply = match message {
                        Message::Text(text) => Message::Text(format!("echo: {}", text.as_str()).into()),
                        Message::Binary(bytes) => Message::Binary(bytes),
                        // Reading on after a close frame sends tungstenite's answer to it.
                        _ => continue,
                    };
                    if socket.send(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, paths)
}

async fn upstream_session<S: Sdk>(client: Client<S>, paths: &Arc<Mutex<Vec<String>>>) {
    let parts = [part(b"hi", Some("UTF8"), None), part(&[1, 2, 255], Some("BINARY"), None)];
    let got = exchange(&client, "container-ep", Headers::default(), &parts, 1).await;
    assert_eq!(
        got,
        [
            Next::Event(part(b"echo: hi", Some("UTF8"), None)),
            Next::Event(part(&[1, 2, 255], Some("BINARY"), None)),
            Next::End
        ],
        "{}",
        S::NAME
    );
    let headers = Headers { invocation_path: Some("v1/chat".into()), query_string: Some("lang=en&x=1".into()), ..Headers::default() };
    let got = exchange(&client, "container-ep", headers, &parts[..1], 1).await;
    assert_eq!(got, [Next::Event(part(b"echo: hi", Some("UTF8"), None)), Next::End], "{}", S::NAME);
    let seen = paths.lock().unwrap().clone();
    assert_eq!(&seen[seen.len() - 2..], ["/invocations-bidirectional-stream", "/v1/chat?lang=en&x=1"], "{}", S::NAME);
}

#[tokio::test]
async fn upstream_mode_relays_a_session_to_a_websocket_container() {
    let (container, paths) = websocket_container().await;
    let mock = MockServer::new()
        .endpoint("container-ep", EndpointConfig::default().bidi(BidiSpec::upstream(container)))
        .endpoint("gone-ep", EndpointConfig::default().bidi(BidiSpec::upstream("http://127.0.0.1:9")))
        .start()
        .await
        .unwrap();
    upstream_session(Official::client(&mock.url(), KEY, SECRET, None), &paths).await;
    upstream_session(Ours::client(&mock.url(), KEY, SECRET, None), &paths).await;
    // A container that cannot be reached: ModelError before the stream.
    let (tx, rx) = mpsc::channel(1);
    tx.send(part(b"x", None, None)).await.unwrap();
    let client = Ours::client(&mock.url(), KEY, SECRET, None);
    let err = within("gone", Ours::open(&client, "gone-ep", Headers::default(), rx)).await.err().unwrap();
    assert!(err.starts_with("ModelError"), "{err}");
    mock.stop().await.unwrap();
}

/// SageMaker pings the container's socket (every 60 s) and closes the session after 5 pings in a
/// row without a pong. A container that keeps reading answers them (tungstenite does) and its
/// session stays open; one that stops reading is closed, and the client's response stream ends.
#[tokio::test]
async fn unanswered_pings_close_the_session_and_answered_ones_keep_it() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let container = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut socket) = tokio_tungstenite::accept_async(tcp).await else { return };
                // Echo until "stall", then stop reading (so pings go unanswered) without closing.
                while let Some(Ok(message)) = socket.next().await {
                    if let Message::Text(text) = message {
                        if text.as_str() == "stall" {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        let _ = socket.send(Message::Text(text)).await;
                    }
                }
            });
        }
    });
    let config = sagemaker_runtime_mock::MockConfig::from_toml(&format!(
        "[endpoints.pinged]\nbidi = {{ upstream = {{ url = \"{container}\", ping_interval_ms = 40 }} }}\n"
    ))
    .unwrap();
    let mock = MockServer::with_config(config).start().await.unwrap();
    let client = Ours::client(&mock.url(), KEY, SECRET, None);
    let (tx, rx) = mpsc::channel(4);
    tx.send(part(b"one", Some("UTF8"), None)).await.unwrap();
    let (_, mut session) = within("open", Ours::open(&client, "pinged", Headers::default(), rx)).await.unwrap();
    assert_eq!(within("first", Ours::next(&mut session)).await, Next::Event(part(b"one", Some("UTF8"), None)));
    // Ten ping intervals with a reading container: still open, still answering.
    tokio::time::sleep(Duration::from_millis(400)).await;
    tx.send(part(b"two", Some("UTF8"), None)).await.unwrap();
    assert_eq!(within("second", Ours::next(&mut session)).await, Next::Event(part(b"two", Some("UTF8"), None)));
    // The container stops reading: after 5 unanswered pings the session ends, the client's
    // input stream still open.
    tx.send(part(b"stall", Some("UTF8"), None)).await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(within("closed", Ours::next(&mut session)).await, Next::End);
    assert!(started.elapsed() >= Duration::from_millis(150), "closed after {:?}, before 5 pings could go unanswered", started.elapsed());
    drop(tx);
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn the_config_file_form_is_read() {
    let config = sagemaker_runtime_mock::MockConfig::from_toml(
        r#"
        [endpoints.chat]
        bidi = { script = [["Hello", "there"], "Bye"], part_size = 4, part_delay_ms = 1 }
        [endpoints.flaky]
        bidi = { echo = true, fail_after_parts = 1, failure = { type = "ModelStreamError", error_code = "StreamBroken" } }
        [endpoints.refused]
        bidi = { error = { type = "ModelError", original_status_code = 500, original_message = "boom" } }
        "#,
    )
    .unwrap();
    let mock = MockServer::with_config(config).start().await.unwrap();
    let client = Ours::client(&mock.url(), KEY, SECRET, None);
    let got = exchange(&client, "chat", Headers::default(), &[part(b"x", Some("UTF8"), None)], 0).await;
    let texts: Vec<String> = got
        .iter()
        .filter_map(|n| match n {
            Next::Event(p) => Some(String::from_utf8_lossy(&p.bytes).into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["Hell", "o", "ther", "e"]);
    let got = exchange(&client, "flaky", Headers::default(), &three_parts(), 1).await;
    assert_eq!(got[1], Next::Error("ModelStreamError code=Some(\"StreamBroken\")".into()));
    let (tx, rx) = mpsc::channel(1);
    tx.send(part(b"x", None, None)).await.unwrap();
    let err = within("refused", Ours::open(&client, "refused", Headers::default(), rx)).await.err().unwrap();
    assert!(err.starts_with("ModelError Some(500) Some(\"boom\")"), "{err}");
    mock.stop().await.unwrap();
}

/// An event-stream frame of a `PayloadPart` (unsigned: the mock checks no signatures here).
fn payload_frame(text: &str) -> bytes::Bytes {
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    let message = Message::new(text.as_bytes().to_vec())
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("PayloadPart".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())))
        .add_header(Header::new("DataType", HeaderValue::String("UTF8".into())));
    let mut frame = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&message, &mut frame).unwrap();
    bytes::Bytes::from(frame)
}

/// The next whole event of a response body read over h2 (`None` at its end).
async fn next_h2_event(
    body: &mut h2::RecvStream,
    pending: &mut bytes::BytesMut,
) -> Option<aws_smithy_types::event_stream::Message> {
    use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
    let mut decoder = MessageFrameDecoder::new();
    loop {
        if let DecodedFrame::Complete(message) = decoder.decode_frame(&mut *pending).unwrap() {
            return Some(message);
        }
        let chunk = within("h2 data", body.data()).await?.unwrap();
        let _ = body.flow_control().release_capacity(chunk.len());
        pending.extend_from_slice(&chunk);
    }
}

#[tokio::test]
async fn a_session_over_h2c_is_full_duplex_and_logged_as_http2() {
    let mock = MockServer::new().start().await.unwrap();
    let addr = mock.local_addr();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (client, conn) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let request = http::Request::post(format!("http://{addr}/endpoints/h2c-ep/invocations-bidirectional-stream"))
        .header("content-type", "application/vnd.amazon.eventstream")
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    send.send_data(payload_frame("first over h2c"), false).unwrap();
    let response = within("h2c head", response).await.unwrap();
    assert_eq!((response.version(), response.status().as_u16()), (http::Version::HTTP_2, 200));
    let mut body = response.into_body();
    let mut pending = bytes::BytesMut::new();
    let first = next_h2_event(&mut body, &mut pending).await.unwrap();
    assert_eq!(&first.payload()[..], b"first over h2c", "answered while the request stream is open");
    send.send_data(payload_frame("second"), true).unwrap();
    let second = next_h2_event(&mut body, &mut pending).await.unwrap();
    assert_eq!(&second.payload()[..], b"second");
    assert!(next_h2_event(&mut body, &mut pending).await.is_none(), "the session ends with the request stream");
    let recorded = mock.requests().pop().unwrap();
    assert_eq!(recorded.http_version, "HTTP/2.0");
    let payloads: Vec<_> = recorded.events().into_iter().map(|e| e.payload).collect();
    assert_eq!(payloads, [&b"first over h2c"[..], &b"second"[..]]);
    mock.stop().await.unwrap();
}
