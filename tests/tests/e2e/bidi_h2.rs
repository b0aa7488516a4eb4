//! `InvokeEndpointWithBidirectionalStream` of `sagemaker-runtime-http2` over the HTTP versions
//! its model asks for (`eventStreamHttp: ["h2"]`), against loopback servers written with hyper:
//!
//! - an HTTP/2-only server (hyper's `http2` connection builder, no HTTP/1.1) over TLS offering
//!   only `h2` by ALPN: the client, as the official one, offers `h2` first and the call works;
//! - the same server over plain TCP (h2c): works with `http2_prior_knowledge(true)`; without it
//!   the client speaks HTTP/1.1 (as the official client does over `http://`), which an
//!   HTTP/2-only server cannot read, and the call is a dispatch failure;
//! - 100 concurrent bidirectional streams share one HTTP/2 connection;
//! - HTTP/2 flow control: a server that stops reading makes the client's event producer wait
//!   (it is not polled beyond the window), what is buffered stays bounded, and the exchange
//!   resumes when the server reads again;
//! - over HTTP/1.1 (`http://`, default settings) the exchange is duplex too: the response to
//!   event 1 is read before event 2 is produced.

use aws_credential_types::Credentials;
use aws_smithy_eventstream::frame::{read_message_from, write_message_to, DecodedFrame, MessageFrameDecoder};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use sagemaker_runtime_http2 as sm;
use sm::primitives::event_stream::{EventReceiver, EventStreamSender};
use sm::types::error::{RequestStreamEventError, ResponseStreamEventError};
use sm::types::{RequestPayloadPart, RequestStreamEvent, ResponseStreamEvent};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

/// The HTTP/2 server's stream and connection receive windows: small, so flow control is
/// reached with a few events.
const WINDOW: u32 = 65_535;

/// What a test server saw.
#[derive(Clone, Default)]
struct Seen {
    /// TCP connections accepted.
    connections: Arc<AtomicUsize>,
    /// The HTTP version of every request.
    versions: Arc<Mutex<Vec<hyper::Version>>>,
    /// Event payload bytes the server has read and decoded.
    consumed: Arc<AtomicUsize>,
    /// Whether each request body was sent chunked (HTTP/1.1).
    chunked: Arc<Mutex<Vec<bool>>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Http {
    /// HTTP/2 only (no HTTP/1.1 on the connection).
    H2Only,
    /// HTTP/1.1 only.
    H1Only,
}

/// A loopback echo server: every request event is answered at once with a `PayloadPart`
/// carrying the same bytes. With `tls`, it is served over TLS offering only `h2`. Until `gate`
/// is `true` (when given), request bodies are not read at all.
async fn start(http: Http, tls: Option<tokio_rustls::TlsAcceptor>, gate: Option<watch::Receiver<bool>>) -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let seen = Seen::default();
    let server_seen = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            server_seen.connections.fetch_add(1, Ordering::SeqCst);
            let (seen, tls, gate) = (server_seen.clone(), tls.clone(), gate.clone());
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(tcp).await {
                            serve(stream, http, seen, gate).await;
                        }
                    }
                    None => serve(tcp, http, seen, gate).await,
                }
            });
        }
    });
    (addr, seen)
}

async fn serve<I>(io: I, http: Http, seen: Seen, gate: Option<watch::Receiver<bool>>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let (seen, gate) = (seen.clone(), gate.clone());
        async move {
            seen.versions.lock().unwrap().push(request.version());
            let chunked = request.headers().get("transfer-encoding").is_some_and(|v| v.as_bytes() == b"chunked");
            seen.chunked.lock().unwrap().push(chunked);
            let (tx, body) = channel_body();
            tokio::spawn(echo(request.into_body(), tx, gate, seen.consumed.clone()));
            let response = hyper::Response::builder()
                .status(200)
                .header("content-type", "application/vnd.amazon.eventstream")
                .header("x-amzn-invoked-production-variant", "variant-1")
                .body(body)
                .expect("a valid response");
            Ok::<_, Infallible>(response)
        }
    });
    let _ = match http {
        Http::H2Only => {
            hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                .initial_stream_window_size(WINDOW)
                .initial_connection_window_size(WINDOW)
                .max_concurrent_streams(200)
                .serve_connection(TokioIo::new(io), service)
                .await
        }
        Http::H1Only => hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), service).await,
    };
}

/// Reads a request body (once `gate` opens), decodes the signed envelopes and answers each
/// event at once.
async fn echo(mut body: Incoming, tx: mpsc::UnboundedSender<Bytes>, gate: Option<watch::Receiver<bool>>, consumed: Arc<AtomicUsize>) {
    if let Some(mut gate) = gate {
        let _ = gate.wait_for(|open| *open).await;
    }
    let mut buffer = BytesMut::new();
    let mut decoder = MessageFrameDecoder::new();
    while let Some(Ok(frame)) = body.frame().await {
        let Ok(data) = frame.into_data() else { continue };
        buffer.extend_from_slice(&data);
        while let Ok(DecodedFrame::Complete(envelope)) = decoder.decode_frame(&mut buffer) {
            if envelope.payload().is_empty() {
                continue; // the end of the signed stream
            }
            let Ok(inner) = read_message_from(envelope.payload().clone()) else { return };
            consumed.fetch_add(inner.payload().len(), Ordering::SeqCst);
            let message = Message::new(inner.payload().clone())
                .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
                .add_header(Header::new(":event-type", HeaderValue::String("PayloadPart".into())))
                .add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())));
            let mut out = Vec::new();
            write_message_to(&message, &mut out).expect("a valid message");
            let _ = tx.send(Bytes::from(out));
        }
    }
}

type PollFrame = Box<dyn FnMut(&mut std::task::Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> + Send>;

/// A response body fed by a channel; it ends when the sender is dropped.
fn channel_body() -> (mpsc::UnboundedSender<Bytes>, StreamBody<futures_util::stream::PollFn<PollFrame>>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
    let poll: PollFrame = Box::new(move |cx| rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))));
    (tx, StreamBody::new(futures_util::stream::poll_fn(poll)))
}

/// A certificate for `localhost` made now, and a TLS acceptor offering only `h2` by ALPN.
fn tls_h2_only() -> (String, tokio_rustls::TlsAcceptor) {
    let key = rcgen::KeyPair::generate().expect("a key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params").self_signed(&key).expect("a certificate");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .expect("the certificate and key");
    config.alpn_protocols = vec![b"h2".to_vec()];
    (cert.pem(), tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The official SDK's HTTPS client (ALPN `h2`, `http/1.1`) trusting only `ca_pem`.
fn https_client_trusting(ca_pem: &str) -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(ca_pem.as_bytes()))
        .build()
        .expect("a TLS context");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

fn config(url: &str) -> sm::config::Builder {
    sm::Config::builder()
        .behavior_version(sm::config::BehaviorVersion::latest())
        .region(sm::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "static"))
        .endpoint_url(url)
}

type Session = EventReceiver<ResponseStreamEvent, ResponseStreamEventError>;
type Error = SdkError<sm::operation::invoke_endpoint_with_bidirectional_stream::InvokeEndpointWithBidirectionalStreamError, aws_smithy_runtime_api::client::orchestrator::HttpResponse>;

fn event(bytes: Vec<u8>) -> Result<RequestStreamEvent, RequestStreamEventError> {
    Ok(RequestStreamEvent::PayloadPart(RequestPayloadPart::builder().bytes(sm::primitives::Blob::new(bytes)).build()))
}

/// Opens a session whose request events come from `events` (the request stream ends when its
/// sender is dropped).
async fn open(client: &sm::Client, mut events: mpsc::Receiver<Vec<u8>>) -> Result<Session, Error> {
    let stream = futures_util::stream::poll_fn(move |cx| events.poll_recv(cx).map(|e| e.map(event)));
    let output = client
        .invoke_endpoint_with_bidirectional_stream()
        .endpoint_name("my-endpoint")
        .body(EventStreamSender::from(stream))
        .send()
        .await?;
    Ok(output.body)
}

/// The next response event's bytes (`None` at the end), within 10 s.
async fn next(session: &mut Session) -> Option<Vec<u8>> {
    match tokio::time::timeout(Duration::from_secs(10), session.recv()).await.expect("a response event within 10 s") {
        Ok(Some(ResponseStreamEvent::PayloadPart(part))) => Some(part.bytes().expect("bytes").as_ref().to_vec()),
        Ok(Some(other)) => panic!("unexpected event {other:?}"),
        Ok(None) => None,
        Err(e) => panic!("reading the response stream: {}", sm::error::DisplayErrorContext(&e)),
    }
}

/// Two events, each answered before the next is sent, then the end of both streams.
async fn two_round_trips(client: &sm::Client) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel(1);
    let mut session = open(client, rx).await?;
    for text in ["one", "two"] {
        tx.send(text.as_bytes().to_vec()).await.expect("the request stream is open");
        assert_eq!(next(&mut session).await.as_deref(), Some(text.as_bytes()));
    }
    drop(tx);
    assert_eq!(next(&mut session).await, None);
    Ok(())
}

#[tokio::test]
async fn an_http2_only_server_over_tls_is_reached_by_alpn() {
    let (cert_pem, acceptor) = tls_h2_only();
    let (addr, seen) = start(Http::H2Only, Some(acceptor), None).await;
    let url = format!("https://localhost:{}", addr.port());
    let client = sm::Client::from_conf(config(&url).http_client(https_client_trusting(&cert_pem)).build());
    two_round_trips(&client).await.map_err(|e| sm::error::DisplayErrorContext(e).to_string()).expect("the call works");
    assert_eq!(*seen.versions.lock().unwrap(), vec![hyper::Version::HTTP_2]);
}

#[tokio::test]
async fn an_http2_only_server_over_h2c_needs_the_prior_knowledge_setting() {
    let (addr, seen) = start(Http::H2Only, None, None).await;
    let url = format!("http://{addr}");
    let client = sm::Client::from_conf(config(&url).http2_prior_knowledge(true).build());
    two_round_trips(&client).await.map_err(|e| sm::error::DisplayErrorContext(e).to_string()).expect("the call works");
    assert_eq!(*seen.versions.lock().unwrap(), vec![hyper::Version::HTTP_2]);

    // Default settings: HTTP/1.1 over http://, as the official client; an HTTP/2-only server
    // reads no request from it, and the call fails to dispatch: "dispatch failure: io error:
    // client error (Canceled): operation was canceled: received unexpected message from
    // connection" (the server's HTTP/2 SETTINGS frame, where an HTTP/1.1 response was expected).
    let client = sm::Client::from_conf(config(&url).build());
    let (_tx, rx) = mpsc::channel(1);
    let Err(err) = open(&client, rx).await else { panic!("HTTP/1.1 to an HTTP/2-only server fails") };
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{}", sm::error::DisplayErrorContext(&err));
    assert_eq!(seen.versions.lock().unwrap().len(), 1, "no HTTP/1.1 request was read");
}

#[tokio::test]
async fn the_setting_against_a_server_without_h2c_fails_naming_the_setting() {
    let (addr, seen) = start(Http::H1Only, None, None).await;
    let client = sm::Client::from_conf(config(&format!("http://{addr}")).http2_prior_knowledge(true).build());
    let (_tx, rx) = mpsc::channel(1);
    let Err(err) = open(&client, rx).await else { panic!("h2c to an HTTP/1.1-only server fails") };
    let text = sm::error::DisplayErrorContext(&err).to_string();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{text}");
    assert!(text.contains("HTTP/2 with prior knowledge (h2c, setting `http2_prior_knowledge`) failed"), "{text}");
    assert!(seen.versions.lock().unwrap().is_empty(), "the server read no request");
}

#[tokio::test]
async fn an_operation_without_h2_in_its_model_is_not_forced_to_http2() {
    // The same setting on a config of SageMaker Runtime (its model lists no `h2`): calls stay
    // HTTP/1.1, so an HTTP/1.1-only server serves them.
    let (addr, seen) = start(Http::H1Only, None, None).await;
    let config = sagemaker_runtime::Config::builder()
        .behavior_version(sagemaker_runtime::config::BehaviorVersion::latest())
        .region(sagemaker_runtime::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "static"))
        .endpoint_url(format!("http://{addr}"))
        .http2_prior_knowledge(true)
        .build();
    let client = sagemaker_runtime::Client::from_conf(config);
    // The echo server answers with an event-stream body the plain call does not parse; only the
    // version it arrived with matters here.
    let _ = client.invoke_endpoint().endpoint_name("e").body(sagemaker_runtime::primitives::Blob::new("{}")).send().await;
    assert_eq!(*seen.versions.lock().unwrap(), vec![hyper::Version::HTTP_11]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_bidirectional_streams_share_one_http2_connection() {
    const STREAMS: usize = 100;
    let (addr, seen) = start(Http::H2Only, None, None).await;
    let client = sm::Client::from_conf(config(&format!("http://{addr}")).http2_prior_knowledge(true).build());
    // Every session is opened and has its first answer before any of them ends.
    let all_open = Arc::new(tokio::sync::Barrier::new(STREAMS));
    let mut tasks = Vec::new();
    for i in 0..STREAMS {
        let (client, all_open) = (client.clone(), all_open.clone());
        tasks.push(tokio::spawn(async move {
            let (tx, rx) = mpsc::channel(1);
            let mut session = open(&client, rx).await.map_err(|e| sm::error::DisplayErrorContext(e).to_string())?;
            let text = format!("stream {i}");
            tx.send(text.clone().into_bytes()).await.expect("open");
            assert_eq!(next(&mut session).await, Some(text.into_bytes()));
            all_open.wait().await;
            drop(tx);
            assert_eq!(next(&mut session).await, None);
            Ok::<_, String>(())
        }));
    }
    for task in tasks {
        task.await.expect("the task ran").expect("the session worked");
    }
    assert_eq!(seen.versions.lock().unwrap().len(), STREAMS);
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "one TCP connection for every stream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_reading_makes_the_producer_wait_within_the_window() {
    const EVENT: usize = 8 * 1024;
    const EVENTS: usize = 64; // 512 KiB in all, 8 times the window
    let (open_gate, gate) = watch::channel(false);
    let (addr, seen) = start(Http::H2Only, None, Some(gate)).await;
    let client = sm::Client::from_conf(config(&format!("http://{addr}")).http2_prior_knowledge(true).build());

    // A producer that always has an event ready: it counts how often it is polled for one.
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = produced.clone();
    let stream = futures_util::stream::poll_fn(move |_| {
        let n = counter.load(Ordering::SeqCst);
        if n == EVENTS {
            return Poll::Ready(None);
        }
        counter.store(n + 1, Ordering::SeqCst);
        Poll::Ready(Some(event(vec![b'x'; EVENT])))
    });
    let output = client
        .invoke_endpoint_with_bidirectional_stream()
        .endpoint_name("my-endpoint")
        .body(EventStreamSender::from(stream))
        .send()
        .await
        .map_err(|e| sm::error::DisplayErrorContext(e).to_string())
        .expect("the session opens");
    let mut session = output.body;

    // The server reads nothing: the producer stops once the window is full, and stays stopped.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stalled = produced.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(produced.load(Ordering::SeqCst), stalled, "the producer is not polled while the window is full");
    assert_eq!(seen.consumed.load(Ordering::SeqCst), 0);
    let buffered = stalled * EVENT;
    // Produced but unread: the window's worth, held by the server's connection unread, plus
    // what the client holds: the event that did not fit (partly sent) and at most one more
    // (measured: 9 events of 8 KiB, 73,728 bytes, with a 65,535-byte window).
    assert!(
        buffered <= WINDOW as usize + 2 * EVENT,
        "{stalled} events ({buffered} bytes) produced while the server read nothing: more than the \
         window ({WINDOW}) and two events"
    );
    assert!(stalled < EVENTS, "the producer was stopped by flow control");

    // The server reads again: every event arrives and is answered.
    open_gate.send(true).expect("the server is running");
    let mut answered = 0;
    while let Some(bytes) = next(&mut session).await {
        assert_eq!(bytes.len(), EVENT);
        answered += 1;
    }
    assert_eq!(answered, EVENTS);
    assert_eq!(produced.load(Ordering::SeqCst), EVENTS);
    assert_eq!(seen.consumed.load(Ordering::SeqCst), EVENTS * EVENT);
}

#[tokio::test]
async fn over_http1_the_exchange_is_duplex_too() {
    let (addr, seen) = start(Http::H1Only, None, None).await;
    let client = sm::Client::from_conf(config(&format!("http://{addr}")).build());
    // `two_round_trips` sends event 2 only after reading the answer to event 1.
    two_round_trips(&client).await.map_err(|e| sm::error::DisplayErrorContext(e).to_string()).expect("the call works");
    assert_eq!(*seen.versions.lock().unwrap(), vec![hyper::Version::HTTP_11]);
    assert_eq!(*seen.chunked.lock().unwrap(), vec![true], "the request stream is a chunked body");
}
