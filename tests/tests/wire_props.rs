//! Property tests of the wire code: arbitrary status codes, headers and bytes never make the
//! generated client's response parsing or the server stub's request parsing panic; every case
//! ends in a value (an error for anything malformed). The client reads from a real loopback
//! socket; the server stub's router is called directly (`Router::handle`, the same entry its
//! socket loop uses), with a panic hook that counts panics the router would turn into 500s.

use proptest::prelude::*;
use sagemaker_runtime::config::{Credentials, Region, RetryConfig, TimeoutConfig};
use sagemaker_runtime::operation::invoke_endpoint::{InvokeEndpointError, InvokeEndpointInput, InvokeEndpointOutput};
use sagemaker_runtime::operation::invoke_endpoint_async::{
    InvokeEndpointAsyncError, InvokeEndpointAsyncInput, InvokeEndpointAsyncOutput,
};
use sagemaker_runtime::primitives::Blob;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts every panic in the process (the router catches handler panics into 500s, so a
/// status alone would not show them).
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() }
}

const MODELED_HEADERS: &[&str] = &[
    "content-type",
    "accept",
    "x-amzn-sagemaker-custom-attributes",
    "x-amzn-sagemaker-target-model",
    "x-amzn-sagemaker-target-variant",
    "x-amzn-sagemaker-target-container-hostname",
    "x-amzn-sagemaker-inference-id",
    "x-amzn-sagemaker-enable-explanations",
    "x-amzn-sagemaker-inference-component",
    "x-amzn-sagemaker-session-id",
    "x-amzn-sagemaker-prefix-aware-id",
    "x-amzn-sagemaker-inputlocation",
    "x-amzn-sagemaker-requestttlseconds",
    "x-amzn-sagemaker-invocationtimeoutseconds",
    "x-amzn-sagemaker-s3outputpathextension",
    "x-amzn-sagemaker-filename",
    "x-amzn-sagemaker-outputlocation",
    "x-amzn-sagemaker-failurelocation",
    "x-amzn-invoked-production-variant",
    "x-amzn-sagemaker-new-session-id",
    "x-amzn-sagemaker-closed-session-id",
    "x-amzn-errortype",
    "x-amzn-requestid",
    "content-length",
    "content-encoding",
];

/// A header: mostly modeled names, values of arbitrary bytes a header may carry.
fn header() -> impl Strategy<Value = (String, Vec<u8>)> {
    let name = prop_oneof![
        4 => proptest::sample::select(MODELED_HEADERS).prop_map(str::to_string),
        1 => "[a-z][a-z0-9-]{0,20}",
    ];
    let value = prop_oneof![
        proptest::collection::vec(prop_oneof![32u8..=126, 128u8..=255, Just(b'\t')], 0..40),
        "-?[0-9]{1,12}".prop_map(String::into_bytes),
        "(s3|https|file)://[a-z./%-]{0,30}".prop_map(String::into_bytes),
        Just(b"application/json".to_vec()),
    ];
    (name, value)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        "\\{\"[a-zA-Z]{0,10}\": ?(\"[^\"]{0,20}\"|[0-9]{1,5}|null|\\[\\]|\\{\\})\\}".prop_map(String::into_bytes),
        Just(br#"{"__type":"ModelError","message":"m","OriginalStatusCode":"x"}"#.to_vec()),
    ]
}

// ---- the client's response parsing ----

/// A loopback server that answers every request with the bytes in `next`, then closes.
async fn raw_server(next: Arc<Mutex<Vec<u8>>>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let reply = next.lock().unwrap().clone();
            tokio::spawn(async move {
                // Read the request head and whatever body arrives with it.
                let mut buf = vec![0u8; 64 * 1024];
                let _ = tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await;
                let _ = socket.write_all(&reply).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    addr
}

fn client(addr: std::net::SocketAddr) -> sagemaker_runtime::Client {
    let config = sagemaker_runtime::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "props"))
        .endpoint_url(format!("http://{addr}"))
        .retry_config(RetryConfig::disabled())
        .timeout_config(TimeoutConfig::builder().operation_timeout(Duration::from_secs(5)).build())
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

fn response_bytes(status: u16, headers: &[(String, Vec<u8>)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Whatever\r\n").into_bytes();
    for (name, value) in headers {
        if name == "content-length" {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

#[test]
fn the_client_reads_any_response_into_a_value_never_a_panic() {
    count_panics();
    let rt = runtime();
    let next = Arc::new(Mutex::new(Vec::new()));
    let addr = rt.block_on(raw_server(next.clone()));
    let client = client(addr);
    let before = PANICS.load(Ordering::SeqCst);
    let well_formed = (100u16..=599, proptest::collection::vec(header(), 0..8), body())
        .prop_map(|(status, headers, body)| (status, response_bytes(status, &headers, &body)));
    let garbage = proptest::collection::vec(any::<u8>(), 0..200).prop_map(|bytes| (0u16, bytes));
    proptest!(config(), |((status, bytes) in prop_oneof![4 => well_formed, 1 => garbage])| {
        *next.lock().unwrap() = bytes;
        let (sync, async_) = rt.block_on(async {
            let sync = client.invoke_endpoint().endpoint_name("ep").body(Blob::new(b"{}".to_vec())).send().await;
            let async_ = client.invoke_endpoint_async().endpoint_name("ep").input_location("s3://b/k").send().await;
            (sync, async_)
        });
        if !(200..300).contains(&status) {
            prop_assert!(sync.is_err(), "status {status} read as success: {sync:?}");
            prop_assert!(async_.is_err(), "status {status} read as success: {async_:?}");
        }
    });
    assert_eq!(PANICS.load(Ordering::SeqCst), before, "a response made the client panic");
}

// ---- the server stub's request parsing ----

#[derive(Debug, Clone)]
struct Accepting;

impl sagemaker_runtime::server::AmazonSageMakerRuntime for Accepting {
    async fn invoke_endpoint(&self, input: InvokeEndpointInput) -> Result<InvokeEndpointOutput, InvokeEndpointError> {
        Ok(InvokeEndpointOutput::builder().set_body(input.body).content_type("application/octet-stream").build())
    }
    async fn invoke_endpoint_async(
        &self,
        _input: InvokeEndpointAsyncInput,
    ) -> Result<InvokeEndpointAsyncOutput, InvokeEndpointAsyncError> {
        Ok(InvokeEndpointAsyncOutput::builder().inference_id("id").output_location("s3://b/o").build())
    }
    async fn invoke_endpoint_with_response_stream(
        &self,
        _input: sagemaker_runtime::operation::invoke_endpoint_with_response_stream::InvokeEndpointWithResponseStreamInput,
    ) -> Result<
        (
            sagemaker_runtime::operation::invoke_endpoint_with_response_stream::InvokeEndpointWithResponseStreamOutput,
            sagemaker_runtime::server::EventProducer<
                sagemaker_runtime::types::ResponseStream,
                sagemaker_runtime::types::error::ResponseStreamError,
            >,
        ),
        sagemaker_runtime::operation::invoke_endpoint_with_response_stream::InvokeEndpointWithResponseStreamError,
    > {
        let output = sagemaker_runtime::operation::invoke_endpoint_with_response_stream::InvokeEndpointWithResponseStreamOutput::builder()
            .build_without_stream();
        Ok((output, sagemaker_runtime::server::EventProducer::empty()))
    }
}

fn path() -> impl Strategy<Value = String> {
    let name = prop_oneof!["[a-zA-Z0-9-]{1,63}", "[^/?#]{0,20}", "(%[0-9A-Fa-f]{2}|%|[a-z.]){0,12}"];
    let last = prop_oneof![Just("invocations"), Just("async-invocations"), Just("invocations-response-stream"), Just("x")];
    prop_oneof![
        4 => (name, last, "(\\?[a-z=&%0-9]{0,20})?").prop_map(|(n, l, q)| format!("/endpoints/{n}/{l}{q}")),
        1 => "/[ -~]{0,40}".prop_map(|p| p.replace(' ', "%20")),
    ]
}

#[test]
fn the_server_stub_answers_any_request_with_a_response_never_a_panic() {
    count_panics();
    let rt = runtime();
    let router = sagemaker_runtime::server::router(Accepting);
    let before = PANICS.load(Ordering::SeqCst);
    let method = proptest::sample::select(vec!["POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH"]);
    proptest!(config(), |(method in method, uri in path(), headers in proptest::collection::vec(header(), 0..10), body in body())| {
        let Ok(uri) = uri.parse::<http::Uri>() else { return Ok(()) };
        let mut request = http::Request::builder().method(method).uri(uri);
        for (name, value) in &headers {
            let Ok(value) = http::HeaderValue::from_bytes(value) else { continue };
            request = request.header(name.as_str(), value);
        }
        let Ok(request) = request.body(bytes::Bytes::from(body)) else { return Ok(()) };
        let response = rt.block_on(router.handle(request));
        let status = response.status().as_u16();
        prop_assert!(status < 500, "status {status}: {:?}", response.body());
        if status >= 400 {
            prop_assert!(response.headers().contains_key("x-amzn-errortype"), "an error without its type: {status}");
        }
    });
    assert_eq!(PANICS.load(Ordering::SeqCst), before, "a request made the server stub panic");
}
