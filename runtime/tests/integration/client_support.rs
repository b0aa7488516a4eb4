//! Shared helpers for the `client_*` integration tests: a scripted hyper 1 server on
//! 127.0.0.1:0, a tiny operation error type, and serializer / deserializer functions shaped
//! like generated code. Declared once in `main.rs`; the `client_*` modules use it as `support`.
// Each test file uses a different part of this module.
#![allow(dead_code, unused_imports)]

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::{ErrorKind, ProvideErrorKind};
use smithygen_runtime::client::{OperationInfo, ServiceInfo};
use std::fmt;

// The scripted loopback server is the workspace's shared test support.
pub use e2e_tests::{start, start_black_hole, Recorded, Reply, TestServer};

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
    http_checksum_required: false,
    request_compression: None,
    capture_input: None,
    context_params: None,
    auth: smithygen_runtime::client::auth::OperationAuth::Service,
    http_versions: &[smithygen_runtime::client::HttpVersion::Http11],
};

/// A signed service without an endpoint rule set (needs `endpoint_url`).
pub static SIGNED_SERVICE: ServiceInfo = ServiceInfo {
    sdk_id: "Test Service",
    service_name: "TestService",
    api_version: "2017-05-13",
    signing_name: Some("sagemaker"),
    api_metadata: smithygen_runtime::client::ApiMetadata::new("test", "0.1.0"),
    endpoint_rule_set: None,
    endpoint_bdd: None,
    typed_endpoint: None,
    crate_name: "test",
};

/// An unsigned service (no `aws.auth#sigv4`).
pub static UNSIGNED_SERVICE: ServiceInfo = ServiceInfo {
    sdk_id: "Unsigned Service",
    service_name: "UnsignedService",
    api_version: "2020-01-01",
    signing_name: None,
    api_metadata: smithygen_runtime::client::ApiMetadata::new("test", "0.1.0"),
    endpoint_rule_set: None,
    endpoint_bdd: None,
    typed_endpoint: None,
    crate_name: "test",
};
