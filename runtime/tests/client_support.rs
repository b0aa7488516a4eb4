//! Shared helpers for the `client_*` integration tests: a scripted hyper 1 server on
//! 127.0.0.1:0, a tiny operation error type, and serializer / deserializer functions shaped
//! like generated code. Included by the other test files with `#[path]`; compiled on its own
//! it has no tests.
#![allow(dead_code)]

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::{ErrorKind, ProvideErrorKind};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use smithygen_runtime::client::{OperationInfo, ServiceInfo};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent on the request line.
    pub uri: String,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn ok(body: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("x-amzn-requestid", "req-ok".to_string())],
            body: body.to_string(),
            delay: None,
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![("x-amzn-requestid", format!("req-{status}"))],
            body: String::new(),
            delay: None,
        }
    }

    /// A JSON error body in the awsJson / restJson style.
    pub fn error(status: u16, code: &str) -> Reply {
        Reply {
            status,
            headers: vec![
                ("x-amzn-requestid", format!("req-{status}")),
                ("content-type", "application/json".to_string()),
            ],
            body: format!(r#"{{"__type":"{code}","message":"{code} happened"}}"#),
            delay: None,
        }
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }
}

/// Starts a server that answers request number `i` (0-based) with `responder(i, &request)`.
pub async fn start<F>(responder: F) -> TestServer
where
    F: Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
    let responder = Arc::new(responder);
    let recorded = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let recorded = recorded.clone();
            let responder = responder.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let recorded = recorded.clone();
                    let responder = responder.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await?.to_bytes();
                        let request = Recorded {
                            method: parts.method.to_string(),
                            uri: parts.uri.to_string(),
                            headers: parts
                                .headers
                                .iter()
                                .map(|(n, v)| {
                                    (
                                        n.as_str().to_string(),
                                        v.to_str().unwrap_or_default().to_string(),
                                    )
                                })
                                .collect(),
                            body,
                        };
                        let index = {
                            let mut all = recorded.lock().expect("lock");
                            all.push(request.clone());
                            all.len() - 1
                        };
                        let reply = responder(index, &request);
                        if let Some(delay) = reply.delay {
                            tokio::time::sleep(delay).await;
                        }
                        let mut response = hyper::Response::builder().status(reply.status);
                        for (name, value) in &reply.headers {
                            response = response.header(*name, value.as_str());
                        }
                        let response = response
                            .body(Full::new(Bytes::from(reply.body)))
                            .expect("valid response");
                        Ok::<_, hyper::Error>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    TestServer { addr, requests }
}

/// Starts a server that accepts connections and reads nothing and answers nothing, ever.
/// Returns its address and a counter of accepted connections.
pub async fn start_black_hole() -> (SocketAddr, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted: Arc<Mutex<usize>> = Arc::default();
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *counter.lock().expect("lock") += 1;
            tokio::spawn(async move {
                let _held_open = stream;
                std::future::pending::<()>().await;
            });
        }
    });
    (addr, accepted)
}

/// The operation error type of the tests, shaped like a generated error enum.
#[derive(Debug)]
pub struct TestError {
    pub meta: ErrorMetadata,
    pub status: u16,
}

impl fmt::Display for TestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({})",
            self.meta.code().unwrap_or("Unknown"),
            self.status
        )
    }
}

impl std::error::Error for TestError {}

impl ProvideErrorMetadata for TestError {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl ProvideErrorKind for TestError {
    /// `ModeledRetryable` plays a `@retryable` modeled error.
    fn retryable_error_kind(&self) -> Option<ErrorKind> {
        (self.meta.code() == Some("ModeledRetryable")).then_some(ErrorKind::TransientError)
    }

    fn code(&self) -> Option<&str> {
        self.meta.code()
    }
}

/// Input of the test operation.
#[derive(Debug, Clone)]
pub struct TestInput {
    pub endpoint_name: String,
    pub payload: String,
}

impl TestInput {
    pub fn new(payload: &str) -> TestInput {
        TestInput {
            endpoint_name: "my-endpoint".to_string(),
            payload: payload.to_string(),
        }
    }
}

/// Like a generated restJson1 serializer: relative URI, headers, in-memory body.
pub fn serialize(input: TestInput) -> Result<HttpRequest, BoxError> {
    let body = input.payload.into_bytes();
    let request = http::Request::builder()
        .method("POST")
        .uri(format!(
            "/endpoints/{}/invocations?mode=fast",
            input.endpoint_name
        ))
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .body(SdkBody::from(body))?;
    Ok(HttpRequest::try_from(request)?)
}

/// Like a generated deserializer: 2xx is the output (the body text), else a `TestError` whose
/// code comes from the JSON `__type` (or is absent).
pub fn deserialize(response: &HttpResponse) -> Result<String, OrchestratorError<TestError>> {
    let body = response.body().bytes().unwrap_or_default();
    let text = String::from_utf8_lossy(body).to_string();
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let mut meta = ErrorMetadata::builder();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
        if let Some(code) = json.get("__type").and_then(|c| c.as_str()) {
            meta = meta.code(code);
        }
        if let Some(message) = json.get("message").and_then(|m| m.as_str()) {
            meta = meta.message(message);
        }
    }
    Err(OrchestratorError::operation(TestError {
        meta: meta.build(),
        status,
    }))
}

pub static OPERATION: OperationInfo = OperationInfo {
    name: "InvokeEndpoint",
    static_context_params: &[],
};

/// A signed service without an endpoint rule set (needs `endpoint_url`).
pub static SIGNED_SERVICE: ServiceInfo = ServiceInfo {
    sdk_id: "Test Service",
    service_name: "TestService",
    api_version: "2017-05-13",
    signing_name: Some("sagemaker"),
    endpoint_rule_set: None,
};

/// An unsigned service (no `aws.auth#sigv4`).
pub static UNSIGNED_SERVICE: ServiceInfo = ServiceInfo {
    sdk_id: "Unsigned Service",
    service_name: "UnsignedService",
    api_version: "2020-01-01",
    signing_name: None,
    endpoint_rule_set: None,
};
