//! Client-side runtime: configuration, SigV4 auth and operation invocation.
//!
//! Generated clients hold a [`ClientConfig`] and, per operation, call [`invoke`] with static
//! [`ServiceInfo`] / [`OperationInfo`] facts emitted from the model plus a serializer and a
//! deserializer. Everything else (endpoint resolution, signing, retries, timeouts, SDK headers,
//! tracing) happens here on top of `aws-smithy-runtime`'s orchestrator, with the same parts the
//! official SDK crates use from `aws-runtime`: its SigV4 auth scheme, user-agent, invocation-id,
//! request-info (`amz-sdk-request`), recursion-detection and clock-skew interceptors, and its
//! AWS error-code retry classifier beside `aws-smithy-runtime`'s HTTP-status, transient and
//! modeled-retryable ones. Only what no AWS runtime crate has lives here.
//!
//! ```no_run
//! use smithygen_runtime::client::{invoke, ClientConfig, OperationInfo, ServiceInfo};
//! # use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
//! # use aws_smithy_types::body::SdkBody;
//! # #[derive(Debug)] struct MyError(aws_smithy_types::error::ErrorMetadata);
//! # impl std::fmt::Display for MyError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("e") } }
//! # impl std::error::Error for MyError {}
//! # impl aws_smithy_types::error::metadata::ProvideErrorMetadata for MyError {
//! #     fn meta(&self) -> &aws_smithy_types::error::ErrorMetadata { &self.0 } }
//! # impl aws_smithy_types::retry::ProvideErrorKind for MyError {
//! #     fn retryable_error_kind(&self) -> Option<aws_smithy_types::retry::ErrorKind> { None }
//! #     fn code(&self) -> Option<&str> { None } }
//! static SERVICE: ServiceInfo = ServiceInfo {
//!     sdk_id: "Example",
//!     service_name: "ExampleService",
//!     api_version: "2024-01-01",
//!     signing_name: Some("example"),
//!     api_metadata: smithygen_runtime::client::ApiMetadata::new("example", "0.1.0"),
//!     endpoint_rule_set: None,
//!     endpoint_bdd: None,
//! };
//! static PING: OperationInfo = OperationInfo {
//!     name: "Ping",
//!     static_context_params: &[],
//!     http_checksum_required: false,
//!     request_compression: None,
//! };
//!
//! fn ser(_: ()) -> Result<HttpRequest, aws_smithy_runtime_api::box_error::BoxError> {
//!     let mut req = HttpRequest::new(SdkBody::empty());
//!     req.set_uri("/ping")?;
//!     Ok(req)
//! }
//! fn de(_: &HttpResponse) -> Result<(), OrchestratorError<MyError>> { Ok(()) }
//!
//! # async fn run(config: ClientConfig) -> Result<(), Box<dyn std::error::Error>> {
//! invoke(&config, &SERVICE, &PING, (), ser, de, None).await?;
//! # Ok(()) }
//! ```

mod config;
pub mod customize;
mod error;
mod idempotency;
mod interceptors;
mod invoke;
mod request_body;

/// The `api/<service-id>/<version>` user-agent token of a service (aws-runtime's type, read by
/// its `UserAgentInterceptor`).
pub use aws_runtime::user_agent::ApiMetadata;
pub use config::{
    default_timeout_config, ClientConfig, ClientConfigBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
};
pub use error::ConfigError;
pub use idempotency::IdempotencyTokenProvider;
pub use invoke::fill_idempotency_token;
pub use interceptors::AttemptTracingInterceptor;
pub use invoke::{invoke, invoke_streaming};

/// Static facts about a service, emitted by the generator from the model.
#[derive(Debug)]
pub struct ServiceInfo {
    /// The service's `sdkId`, e.g. `"SageMaker Runtime"`: names the retry partition, the
    /// user agent's `api/` token and the tracing spans.
    pub sdk_id: &'static str,
    /// The service shape name, e.g. `"AmazonSageMakerRuntime"`.
    pub service_name: &'static str,
    /// The service's API version, e.g. `"2017-05-13"`.
    pub api_version: &'static str,
    /// The `name` of the service's `aws.auth#sigv4` trait; `None` sends requests unsigned.
    pub signing_name: Option<&'static str>,
    /// The user agent's `api/<service-id>/<version>` token: the service id as the official SDK
    /// crates spell it (`sdkId` lowercased, without spaces) and the generated crate's version.
    pub api_metadata: ApiMetadata,
    /// JSON text of the service's `smithy.rules#endpointRuleSet` trait; parsed once per process
    /// on first use. `None` requires an `endpoint_url`.
    pub endpoint_rule_set: Option<&'static str>,
    /// JSON text of the service's `smithy.rules#endpointBdd` trait (the same rules as a binary
    /// decision diagram). When set, endpoints are resolved through it rather than the rule set.
    pub endpoint_bdd: Option<&'static str>,
}

impl ServiceInfo {
    /// The endpoint rules this service's clients resolve with: the BDD when there is one, else
    /// the rule set; `None` when the model has neither. Parsed once per process.
    pub fn endpoint_rules(
        &'static self,
    ) -> Result<Option<crate::endpoint::EndpointRules>, ConfigError> {
        invoke::cached_endpoint_rules(self)
    }
}

/// Static facts about one operation.
#[derive(Debug)]
pub struct OperationInfo {
    /// The operation shape name, e.g. `"InvokeEndpoint"`.
    pub name: &'static str,
    /// The operation's `smithy.rules#staticContextParams`: endpoint parameters with fixed values.
    pub static_context_params: &'static [(&'static str, StaticParam)],
    /// `@httpChecksumRequired`: every request carries `Content-MD5`, the MD5 of the body as sent
    /// (after compression).
    pub http_checksum_required: bool,
    /// `@requestCompression`: the request body may be compressed; `None` when the model does not
    /// allow it.
    pub request_compression: Option<RequestCompression>,
}

/// An operation's `@requestCompression` trait: how its request bodies may be compressed.
///
/// Applied per call unless `disable_request_compression` is set: the body is compressed with the
/// first supported coding when at least `request_min_compression_size_bytes` long (or always,
/// for a streaming input), before signing; see [`crate::protocol::compression`].
#[derive(Debug, Clone, Copy)]
pub struct RequestCompression {
    /// The model's `encodings`, in its order of preference (e.g. `["gzip"]`).
    pub encodings: &'static [&'static str],
    /// The input has a `@streaming` member without `@requiresLength`: its body is compressed as
    /// it is sent, whatever its size.
    pub streaming: bool,
}

/// A fixed endpoint parameter value from `smithy.rules#staticContextParams`.
#[derive(Debug, Clone, Copy)]
pub enum StaticParam {
    /// A boolean parameter value.
    Bool(bool),
    /// A string parameter value.
    String(&'static str),
    /// A string array parameter value.
    StringArray(&'static [&'static str]),
}
