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
//!     typed_endpoint: None,
//!     crate_name: "example",
//! };
//! static PING: OperationInfo = OperationInfo {
//!     name: "Ping",
//!     static_context_params: &[],
//!     http_checksum_required: false,
//!     request_compression: None,
//!     capture_input: None,
//!     context_params: None,
//!     auth: smithygen_runtime::client::auth::OperationAuth::Service,
//!     http_versions: &[smithygen_runtime::client::HttpVersion::Http11],
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

pub mod auth;
mod config;
pub mod customize;
mod error;
mod idempotency;
mod interceptors;
// Only over the default HTTPS client, and only for crates whose model lists `h2` (feature
// `http2-prior-knowledge`): a client the user supplies is used as it is.
#[cfg(feature = "http2-prior-knowledge")]
mod http2;
mod invoke;
mod prepared;
#[cfg(any(feature = "content-md5", feature = "request-compression"))]
mod request_body;
mod validate;
/// Waiters (`smithy.waiters#waitable`): JMESPath acceptors (feature `waiters`).
#[cfg(feature = "waiters")]
pub mod waiter;

/// The `api/<service-id>/<version>` user-agent token of a service (aws-runtime's type, read by
/// its `UserAgentInterceptor`).
pub use aws_runtime::user_agent::ApiMetadata;
pub use config::{
    default_timeout_config, ClientConfig, ClientConfigBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
};
pub use error::ConfigError;
#[cfg(feature = "validate")]
pub use validate::{validate_input, InvalidInput};
pub use validate::input_validation_unavailable;
pub use idempotency::IdempotencyTokenProvider;
pub use invoke::fill_idempotency_token;
pub use interceptors::AttemptTracingInterceptor;
pub use invoke::{invoke, invoke_streaming, operation_plugin};

/// The boxed future of one call (`Output` or its `SdkError`), as a generated fluent builder's
/// `send` awaits it: built by a non-generic function of the generated crate, so the call's state
/// machine is compiled there once rather than again in every crate that awaits `send()`.
pub type SendFuture<O, E> = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<
                    O,
                    aws_smithy_runtime_api::client::result::SdkError<
                        E,
                        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
                    >,
                >,
            > + Send,
    >,
>;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::{EndpointResolverParams, SharedEndpointResolver};
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_types::telemetry::{CapturedTelemetryAttributes, RequestedTelemetryAttributes};

/// A generated crate's service, as the type parameter of its `Config` and `Builder`
/// (`ClientConfig<ItsService>`): what ties the shared configuration types to the crate's own
/// typed API (its `config::endpoint::ResolveEndpoint`, its default resolvers).
pub trait Service: Send + Sync + 'static {
    /// The service's facts.
    fn info() -> &'static ServiceInfo;
}

/// Implemented by a generated crate's [`Service`] for every `R` that implements the crate's
/// `config::endpoint::ResolveEndpoint`, so that `Builder::endpoint_resolver(r)` takes exactly
/// those resolvers (the trait is the crate's own: its parameters are the service's).
pub trait AcceptsEndpointResolver<R>: Service {
    /// `resolver` as the orchestrator's resolver (it finds the typed parameters in each call's
    /// `EndpointResolverParams`).
    fn shared_endpoint_resolver(resolver: R) -> SharedEndpointResolver;
}

/// The service of a configuration not tied to one service's typed API (the default type
/// parameter of [`ClientConfig`] and [`ClientConfigBuilder`]): tests, tools that serve several
/// services. Its calls use the service facts passed to [`invoke`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnyService;

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
    /// JSON text of the service's `smithy.rules#endpointRuleSet` trait, for a service described by
    /// hand (`typed_endpoint: None`): parsed once per process on first use and interpreted (the
    /// feature `rules-interpreter`). Generated crates leave it `None`: their rules are code. `None`
    /// without typed endpoint rules requires an `endpoint_url`.
    pub endpoint_rule_set: Option<&'static str>,
    /// JSON text of the service's `smithy.rules#endpointBdd` trait (the same rules as a binary
    /// decision diagram). When set, endpoints are resolved through it rather than the rule set.
    pub endpoint_bdd: Option<&'static str>,
    /// The generated crate's typed endpoint parameters and default resolver
    /// (`config::endpoint`): every call's resolver, the default one or a configured one,
    /// receives the typed parameters, as with the official SDK crates. `None` (a service
    /// described by hand): the rules receive this crate's name-value [`crate::endpoint::Params`].
    pub typed_endpoint: Option<TypedEndpoint>,
    /// The name of the generated crate, e.g. `"weather-service"`: the scope of its metrics.
    pub crate_name: &'static str,
}

/// A generated crate's `config::endpoint`, as the runtime calls it.
#[derive(Debug, Clone, Copy)]
pub struct TypedEndpoint {
    /// The typed parameters (`config::endpoint::Params`) from the values the runtime gathers,
    /// by rule-set parameter name: the builtins the configuration sets (`AWS::Region`,
    /// `AWS::UseFIPS`, `AWS::UseDualStack`, `SDK::Endpoint`) and the operation's static context
    /// parameters. Fails as the typed builder's `build()` does (e.g. a region that is not a
    /// host label).
    pub params: fn(&crate::endpoint::Params) -> Result<EndpointResolverParams, BoxError>,
    /// The service's default resolver (`config::endpoint::DefaultResolver`).
    pub default_resolver: fn() -> SharedEndpointResolver,
    /// The rule-set parameters bound to the builtins the configuration sets; `None`: the model
    /// has no endpoint rules (the configured endpoint URL is the `Endpoint` parameter).
    pub builtins: Option<&'static EndpointBuiltins>,
}

/// The names of the endpoint rules' parameters bound to the builtins the configuration sets:
/// the parameter with that `builtIn`, or else an un-annotated parameter with the conventional
/// name (`Region`, `UseFIPS`, `UseDualStack`, `Endpoint`); `None` when the rules have none.
#[derive(Debug, Clone, Copy, Default)]
pub struct EndpointBuiltins {
    /// `AWS::Region`: the configured region.
    pub region: Option<&'static str>,
    /// `AWS::UseFIPS`: the configured FIPS flag.
    pub use_fips: Option<&'static str>,
    /// `AWS::UseDualStack`: the configured dual-stack flag.
    pub use_dual_stack: Option<&'static str>,
    /// `SDK::Endpoint`: the configured endpoint URL. Without it, a configured URL is used as it
    /// is instead of resolving the rules.
    pub endpoint: Option<&'static str>,
}

/// Captures the requested members of an operation's input for telemetry
/// (`emit_input_attributes` / `capture_input_attributes`); `None` when the input is not the
/// operation's.
pub type CaptureInput = fn(&Input, &RequestedTelemetryAttributes) -> Option<CapturedTelemetryAttributes>;

impl ServiceInfo {
    /// The endpoint rules this service's clients resolve with: the BDD when there is one, else
    /// the rule set; `None` when the model has neither. Parsed once per process.
    #[cfg(feature = "rules-interpreter")]
    pub fn endpoint_rules(
        &'static self,
    ) -> Result<Option<crate::endpoint::EndpointRules>, ConfigError> {
        invoke::cached_endpoint_rules(self)
    }

    /// The resolver calls use when none is configured: the generated crate's default resolver,
    /// else one over the service's rules (a resolver that fails each call when the rules are
    /// missing or invalid).
    pub fn default_endpoint_resolver(&'static self) -> SharedEndpointResolver {
        if let Some(typed) = &self.typed_endpoint {
            return (typed.default_resolver)();
        }
        #[cfg(not(feature = "rules-interpreter"))]
        return invoke::failing_resolver(match (self.endpoint_bdd, self.endpoint_rule_set) {
            (None, None) => ConfigError::MissingEndpoint { service: self.sdk_id },
            _ => ConfigError::InvalidRuleSet {
                service: self.sdk_id,
                message: "resolving with the rules needs smithygen-runtime's `rules-interpreter` feature".to_owned(),
            },
        });
        #[cfg(feature = "rules-interpreter")]
        match self.endpoint_rules() {
            Ok(Some(rules)) => SharedEndpointResolver::new(crate::endpoint::EndpointResolver::new(rules)),
            Ok(None) => invoke::failing_resolver(ConfigError::MissingEndpoint { service: self.sdk_id }),
            Err(err) => invoke::failing_resolver(err),
        }
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
    /// Reads the input members a configuration asks to capture for telemetry; `None`: the
    /// input has none that may be captured (string members that are not `@sensitive`).
    pub capture_input: Option<CaptureInput>,
    /// Sets the endpoint parameters the operation's input members are bound to
    /// (`smithy.rules#contextParam`); `None` when it binds none.
    pub context_params: Option<ContextParams>,
    /// How the operation authenticates (`@auth`, `@optionalAuth`).
    pub auth: auth::OperationAuth,
    /// The HTTP versions the model says the service supports for this operation, in its order
    /// of preference (the protocol trait's `eventStreamHttp` list for an operation with an
    /// event stream, else its `http` list). With
    /// [`http2_prior_knowledge`](ClientConfigBuilder::http2_prior_knowledge) on, an operation
    /// whose list has [`HttpVersion::H2`] is sent over HTTP/2 with prior knowledge on `http://`
    /// endpoints; otherwise the list does not change what the client offers.
    pub http_versions: &'static [HttpVersion],
}

/// An HTTP version a Smithy protocol trait's `http` / `eventStreamHttp` list names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpVersion {
    /// `http/1.1`.
    Http11,
    /// `h2`: HTTP/2.
    H2,
}

/// Sets, from an operation's input, the endpoint parameters its members are bound to (by
/// rule-set parameter name); an input of another type sets none.
pub type ContextParams = fn(&Input, &mut crate::endpoint::Params);

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

/// A service's endpoint rules as its default resolver evaluates them: the BDD or rule set of
/// its [`ServiceInfo`] (parsed once per process), or, for a service without rules, the
/// `Endpoint` parameter (the configured endpoint URL) as the endpoint.
#[derive(Clone, Debug)]
pub struct ServiceEndpointRules {
    #[cfg(feature = "rules-interpreter")]
    rules: Result<Option<crate::endpoint::EndpointRules>, String>,
    /// Without the interpreter: `Ok` for a service without rules, else why it cannot resolve.
    #[cfg(not(feature = "rules-interpreter"))]
    rules: Result<Option<std::convert::Infallible>, String>,
    service: &'static str,
    resolved: ResolvedEndpoints<crate::endpoint::Params>,
}

/// How many parameter sets a default resolver remembers the endpoint of (a client uses one per
/// region and FIPS / dual-stack setting, and per static context parameters of its operations).
const RESOLVED_ENDPOINTS: usize = 16;

/// The endpoints a default resolver found so far, by parameters (shared by clones): the rules
/// are a pure function of the parameters, and a client calls with the same few sets over and
/// over, so each set is evaluated once instead of once per call. At most 16 entries, the
/// oldest dropped first; errors are not kept.
#[derive(Debug)]
pub struct ResolvedEndpoints<P> {
    known: std::sync::Arc<std::sync::RwLock<Vec<(P, aws_smithy_types::endpoint::Endpoint)>>>,
}

impl<P> Clone for ResolvedEndpoints<P> {
    fn clone(&self) -> Self {
        Self { known: self.known.clone() }
    }
}

impl<P> Default for ResolvedEndpoints<P> {
    fn default() -> Self {
        Self { known: Default::default() }
    }
}

impl<P: PartialEq + Clone> ResolvedEndpoints<P> {
    /// The endpoint found before for the same `params`, else what `resolve` gives (kept when
    /// it is an endpoint).
    pub fn get_or_resolve<E>(
        &self,
        params: &P,
        resolve: impl FnOnce(&P) -> Result<aws_smithy_types::endpoint::Endpoint, E>,
    ) -> Result<aws_smithy_types::endpoint::Endpoint, E> {
        // A poisoned lock only means another thread panicked while holding it; the list is intact.
        let known = self.known.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, endpoint)) = known.iter().find(|(p, _)| p == params) {
            return Ok(endpoint.clone());
        }
        drop(known);
        let endpoint = resolve(params)?;
        let mut known = self.known.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !known.iter().any(|(p, _)| p == params) {
            if known.len() == RESOLVED_ENDPOINTS {
                known.remove(0);
            }
            known.push((params.clone(), endpoint.clone()));
        }
        Ok(endpoint)
    }
}

impl ServiceEndpointRules {
    /// The rules of the service `info` describes. Rules that do not parse are reported by every
    /// resolution (a generator or model bug), not here.
    pub fn new(info: &'static ServiceInfo) -> Self {
        #[cfg(feature = "rules-interpreter")]
        let rules = info.endpoint_rules().map_err(|err| err.to_string());
        #[cfg(not(feature = "rules-interpreter"))]
        let rules = match (info.endpoint_bdd, info.endpoint_rule_set) {
            (None, None) => Ok(None),
            _ => Err(ConfigError::InvalidRuleSet {
                service: info.sdk_id,
                message: "resolving with the rules needs smithygen-runtime's `rules-interpreter` feature".to_owned(),
            }
            .to_string()),
        };
        Self { rules, service: info.sdk_id, resolved: Default::default() }
    }

    /// Resolves the endpoint for `params` (by rule-set parameter name): the one found before for
    /// the same parameters, else what the rules give.
    pub fn resolve(&self, params: &crate::endpoint::Params) -> Result<aws_smithy_types::endpoint::Endpoint, BoxError> {
        self.resolved.get_or_resolve(params, |params| self.evaluate(params))
    }

    fn evaluate(&self, params: &crate::endpoint::Params) -> Result<aws_smithy_types::endpoint::Endpoint, BoxError> {
        match &self.rules {
            #[cfg(feature = "rules-interpreter")]
            Ok(Some(rules)) => rules.resolve(params).map_err(Into::into),
            #[cfg(not(feature = "rules-interpreter"))]
            Ok(Some(never)) => match *never {},
            Ok(None) => match params.string("Endpoint") {
                Some(url) => Ok(aws_smithy_types::endpoint::Endpoint::builder().url(url).build()),
                None => Err(ConfigError::MissingEndpoint { service: self.service }.into()),
            },
            Err(message) => Err(message.clone().into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Params;

    static NO_RULES: ServiceInfo = ServiceInfo {
        sdk_id: "NoRules",
        service_name: "NoRules",
        api_version: "2024-01-01",
        signing_name: None,
        api_metadata: ApiMetadata::new("norules", "0.1.0"),
        endpoint_rule_set: None,
        endpoint_bdd: None,
        typed_endpoint: None,
        crate_name: "norules",
    };

    fn url(rules: &ServiceEndpointRules, params: &Params) -> String {
        rules.resolve(params).expect("resolves").url().to_string()
    }

    #[test]
    fn endpoints_are_remembered_per_parameter_set_and_bounded() {
        let rules = ServiceEndpointRules::new(&NO_RULES);
        let a = Params::new().with("Endpoint", "http://a.example");
        assert_eq!(url(&rules, &a), "http://a.example");
        assert_eq!(url(&rules.clone(), &a), "http://a.example", "clones share what was resolved");
        assert_eq!(rules.resolved.known.read().unwrap().len(), 1);
        // An error (no endpoint at all) is reported each time and not remembered.
        assert!(rules.resolve(&Params::new()).is_err());
        assert_eq!(rules.resolved.known.read().unwrap().len(), 1);
        for i in 0..40 {
            let p = Params::new().with("Endpoint", format!("http://{i}.example"));
            assert_eq!(url(&rules, &p), format!("http://{i}.example"));
        }
        let known = rules.resolved.known.read().unwrap();
        assert_eq!(known.len(), RESOLVED_ENDPOINTS);
        assert_eq!(known.last().map(|(_, e)| e.url()), Some("http://39.example"));
    }
}
