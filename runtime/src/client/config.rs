//! Client configuration: [`ClientConfigBuilder`] (AWS SDK style setters) and the immutable,
//! cheaply cloneable [`ClientConfig`] it builds.
//!
//! A `ClientConfig` owns everything that must be shared by every call made with it: the HTTP
//! client (and therefore its connection pool), the identity cache (so credentials from SSO, IMDS,
//! STS... are resolved once and reused), and the runtime plugins handed to the orchestrator.

use super::idempotency::IdempotencyTokenProvider;
use super::interceptors::AttemptTracingInterceptor;
use super::{AcceptsEndpointResolver, AnyService, Service};
use aws_runtime::invocation_id::{InvocationIdGenerator, SharedInvocationIdGenerator};
use aws_runtime::service_clock_skew::DisableClockSkewCorrection;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime_api::client::auth::{
    AuthScheme, AuthSchemePreference, SharedAuthScheme, SharedAuthSchemeOptionResolver,
};
use aws_smithy_runtime_api::client::endpoint::SharedEndpointResolver;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, SharedRetryClassifier};
use aws_smithy_types::telemetry::RequestedTelemetryAttributes;
use aws_types::sdk_ua_metadata::FrameworkMetadata;
use std::marker::PhantomData;
use aws_runtime::auth::sigv4::{SigV4AuthScheme, SCHEME_ID as SIGV4_SCHEME_ID};
use aws_runtime::invocation_id::InvocationIdInterceptor;
use aws_runtime::recursion_detection::RecursionDetectionInterceptor;
use aws_runtime::request_info::RequestInfoInterceptor;
use aws_runtime::service_clock_skew::ServiceClockSkewInterceptor;
use aws_runtime::user_agent::UserAgentInterceptor;
use crate::protocol::compression::DEFAULT_MIN_COMPRESSION_SIZE_BYTES;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_async::rt::sleep::{default_async_sleep, AsyncSleep, SharedAsyncSleep};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use aws_smithy_runtime::client::auth::no_auth::{NoAuthScheme, NO_AUTH_SCHEME_ID};
use aws_smithy_runtime::client::defaults::{default_plugins, DefaultPluginParams};
use aws_smithy_runtime::client::http::connection_poisoning::ConnectionPoisoningInterceptor;
use aws_smithy_runtime::client::identity::no_auth::NoAuthIdentityResolver;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::retries::classifiers::HttpStatusCodeClassifier;
use aws_smithy_runtime::client::retries::strategy::StandardRetryStrategy;
use aws_smithy_runtime::client::stalled_stream_protection::StalledStreamProtectionInterceptor;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::http::{HttpClient, SharedHttpClient};
use aws_smithy_runtime_api::client::identity::{
    ResolveCachedIdentity, SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::{
    RuntimePlugin, SharedRuntimePlugin, StaticRuntimePlugin,
};
use aws_smithy_runtime_api::client::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::config_bag::Layer;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::app_name::AppName;
use aws_types::region::{Region, SigningRegion};
use aws_types::SdkConfig;
use std::sync::Arc;
use std::time::Duration;

/// Default connect timeout: 3.1 s, the value the AWS SDKs use (slightly above a TCP SYN
/// retransmit at 3 s, so one lost SYN does not fail the attempt).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// Default read timeout (time from sending the request until the first byte of the response):
/// 75 s.
///
/// Model-hosting APIs such as SageMaker `InvokeEndpoint` legitimately take up to 60 s before the
/// service answers; 15 s of headroom covers uploading the request body and service overhead. A
/// server that accepts the connection but never answers is therefore abandoned after 75 s per
/// attempt instead of hanging the caller forever.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(75);

/// Name of the retry partition shared by default plugins; each call then selects the
/// partition of its own service (its `sdk_id`), so retry quotas are per service.
const BASE_RETRY_PARTITION: &str = "smithygen";

/// The timeout configuration used when none (or only part of one) is configured.
///
/// See [`ClientConfigBuilder::timeout_config`] for the reasoning.
pub fn default_timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .read_timeout(DEFAULT_READ_TIMEOUT)
        .disable_operation_timeout()
        .disable_operation_attempt_timeout()
        .build()
}

/// Builder for [`ClientConfig`], with AWS SDK style `foo(self, v) -> Self` /
/// `set_foo(&mut self, Option<..>) -> &mut Self` setter pairs.
///
/// Every field is optional: [`build`](Self::build) fills in defaults, and
/// [`merge`](Self::merge) layers only the fields that are set, which is how a per-call override
/// (a `.customize()`-style builder passed to [`invoke`](super::invoke)) is applied.
///
/// `S` is the service the configuration is for: a generated crate's `config::Builder` is
/// `ClientConfigBuilder<its service>`, which is what lets
/// [`endpoint_resolver`](Self::endpoint_resolver) take that crate's own
/// `config::endpoint::ResolveEndpoint`. It is a type-level tag only: the settings are the same
/// for every `S`; [`AnyService`] (the default) is a configuration not tied to one service
/// (tests, shared tooling), and [`for_service`](Self::for_service) re-tags one.
pub struct ClientConfigBuilder<S = AnyService> {
    fields: BuilderFields,
    _service: PhantomData<fn() -> S>,
}

/// The settings of a [`ClientConfigBuilder`], whatever its service.
#[derive(Clone, Debug, Default)]
struct BuilderFields {
    region: Option<Region>,
    credentials_provider: Option<SharedCredentialsProvider>,
    endpoint_url: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    http_client: Option<SharedHttpClient>,
    retry_config: Option<RetryConfig>,
    timeout_config: Option<TimeoutConfig>,
    sleep_impl: Option<SharedAsyncSleep>,
    time_source: Option<SharedTimeSource>,
    behavior_version: Option<BehaviorVersion>,
    app_name: Option<AppName>,
    interceptors: Vec<SharedInterceptor>,
    identity_cache: Option<SharedIdentityCache>,
    stalled_stream_protection: Option<StalledStreamProtectionConfig>,
    idempotency_token_provider: Option<IdempotencyTokenProvider>,
    disable_request_compression: Option<bool>,
    request_min_compression_size_bytes: Option<u32>,
    endpoint_resolver: Option<SharedEndpointResolver>,
    auth_scheme_resolver: Option<SharedAuthSchemeOptionResolver>,
    auth_schemes: Vec<SharedAuthScheme>,
    auth_scheme_preference: Option<AuthSchemePreference>,
    allow_no_auth: bool,
    retry_partition: Option<RetryPartition>,
    retry_classifiers: Vec<SharedRetryClassifier>,
    framework_metadata: Vec<FrameworkMetadata>,
    disable_clock_skew_correction: Option<bool>,
    invocation_id_generator: Option<SharedInvocationIdGenerator>,
    telemetry_attributes: Option<RequestedTelemetryAttributes>,
}

impl<S> Clone for ClientConfigBuilder<S> {
    fn clone(&self) -> Self {
        Self::with_fields(self.fields.clone())
    }
}

impl<S> Default for ClientConfigBuilder<S> {
    fn default() -> Self {
        Self::with_fields(BuilderFields::default())
    }
}

impl<S> std::fmt::Debug for ClientConfigBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfigBuilder")
            .field("service", &std::any::type_name::<S>())
            .field("settings", &self.fields)
            .finish()
    }
}

impl<S> ClientConfigBuilder<S> {
    /// Creates an empty builder (every setting left at its default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the AWS region: used for SigV4 signing and as the `AWS::Region` endpoint builtin.
    pub fn region(mut self, region: impl Into<Option<Region>>) -> Self {
        self.set_region(region.into());
        self
    }

    /// Sets or clears the AWS region.
    pub fn set_region(&mut self, region: Option<Region>) -> &mut Self {
        self.fields.region = region;
        self
    }

    /// Sets the credentials provider used to sign requests with SigV4.
    ///
    /// Its credentials are cached in the config's identity cache, shared by every call.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.set_credentials_provider(Some(SharedCredentialsProvider::new(provider)));
        self
    }

    /// Sets or clears the credentials provider.
    pub fn set_credentials_provider(
        &mut self,
        provider: Option<SharedCredentialsProvider>,
    ) -> &mut Self {
        self.fields.credentials_provider = provider;
        self
    }

    /// Sets a custom endpoint URL (the `SDK::Endpoint` builtin). Required for services without an
    /// endpoint rule set.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.set_endpoint_url(Some(url.into()));
        self
    }

    /// Sets or clears the custom endpoint URL.
    pub fn set_endpoint_url(&mut self, url: Option<String>) -> &mut Self {
        self.fields.endpoint_url = url;
        self
    }

    /// Selects FIPS endpoints (the `AWS::UseFIPS` builtin). Default `false`.
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.set_use_fips(Some(use_fips));
        self
    }

    /// Sets or clears the FIPS flag.
    pub fn set_use_fips(&mut self, use_fips: Option<bool>) -> &mut Self {
        self.fields.use_fips = use_fips;
        self
    }

    /// Selects dual-stack (IPv4 + IPv6) endpoints (the `AWS::UseDualStack` builtin). Default
    /// `false`.
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.set_use_dual_stack(Some(use_dual_stack));
        self
    }

    /// Sets or clears the dual-stack flag.
    pub fn set_use_dual_stack(&mut self, use_dual_stack: Option<bool>) -> &mut Self {
        self.fields.use_dual_stack = use_dual_stack;
        self
    }

    /// Sets the HTTP client. Default: aws-smithy-runtime's default HTTPS client (hyper 1 +
    /// rustls), created once per [`build`](Self::build) and shared by every call.
    pub fn http_client(mut self, http_client: impl HttpClient + 'static) -> Self {
        self.set_http_client(Some(http_client.into_shared()));
        self
    }

    /// Sets or clears the HTTP client.
    pub fn set_http_client(&mut self, http_client: Option<SharedHttpClient>) -> &mut Self {
        self.fields.http_client = http_client;
        self
    }

    /// Sets the retry configuration.
    ///
    /// Default: [`RetryConfig::standard()`]: standard mode, 3 attempts, exponential backoff with
    /// full jitter starting at 1 s (capped at 20 s), and a per-service retry quota (token
    /// bucket) shared by all clients in the process.
    pub fn retry_config(mut self, retry_config: RetryConfig) -> Self {
        self.set_retry_config(Some(retry_config));
        self
    }

    /// Sets or clears the retry configuration.
    pub fn set_retry_config(&mut self, retry_config: Option<RetryConfig>) -> &mut Self {
        self.fields.retry_config = retry_config;
        self
    }

    /// Sets the timeout configuration. Fields left unset keep their defaults; use
    /// `TimeoutConfigBuilder::disable_*` (or [`TimeoutConfig::disabled`]) to switch one off.
    ///
    /// Defaults (see [`default_timeout_config`]):
    /// - **connect timeout 3.1 s** ([`DEFAULT_CONNECT_TIMEOUT`]), as in the AWS SDKs.
    /// - **read timeout 75 s** ([`DEFAULT_READ_TIMEOUT`]): the time from sending a request to
    ///   the first byte of the response. Inference APIs may legally think for 60 s before
    ///   answering, so anything shorter would cut legal calls; a server that accepts the
    ///   connection and never answers is abandoned after 75 s per attempt.
    /// - **no operation or attempt timeout**: both would also bound the time spent transferring
    ///   the body, and a large but healthy transfer must not be cut. A body that stops moving is
    ///   instead caught by stalled stream protection (on by default: the transfer is cancelled
    ///   when throughput stays below 1 B/s for a 5 s grace period).
    ///
    /// Together these guarantee a stalled server cannot hang a caller forever: the worst case
    /// with the default 3 attempts is about 3 × 75 s plus backoff. Callers with a latency budget
    /// should set `operation_timeout` to bound the whole call, retries included. The read timeout
    /// is enforced by the HTTP client; the default client honours it, custom clients should too.
    pub fn timeout_config(mut self, timeout_config: TimeoutConfig) -> Self {
        self.set_timeout_config(Some(timeout_config));
        self
    }

    /// Sets or clears the timeout configuration.
    pub fn set_timeout_config(&mut self, timeout_config: Option<TimeoutConfig>) -> &mut Self {
        self.fields.timeout_config = timeout_config;
        self
    }

    /// Sets the async sleep implementation used for backoff and timeouts. Default: tokio.
    pub fn sleep_impl(mut self, sleep_impl: impl AsyncSleep + 'static) -> Self {
        self.set_sleep_impl(Some(sleep_impl.into_shared()));
        self
    }

    /// Sets or clears the async sleep implementation.
    pub fn set_sleep_impl(&mut self, sleep_impl: Option<SharedAsyncSleep>) -> &mut Self {
        self.fields.sleep_impl = sleep_impl;
        self
    }

    /// Sets the time source used for signing and credential expiry. Default: the system clock.
    pub fn time_source(mut self, time_source: impl TimeSource + 'static) -> Self {
        self.set_time_source(Some(time_source.into_shared()));
        self
    }

    /// Sets or clears the time source.
    pub fn set_time_source(&mut self, time_source: Option<SharedTimeSource>) -> &mut Self {
        self.fields.time_source = time_source;
        self
    }

    /// Sets the behavior version (selects the aws-smithy-runtime defaults generation, e.g. the
    /// default HTTP client). Default: [`BehaviorVersion::latest()`].
    pub fn behavior_version(mut self, behavior_version: BehaviorVersion) -> Self {
        self.set_behavior_version(Some(behavior_version));
        self
    }

    /// Sets or clears the behavior version.
    pub fn set_behavior_version(&mut self, behavior_version: Option<BehaviorVersion>) -> &mut Self {
        self.fields.behavior_version = behavior_version;
        self
    }

    /// Sets the application name, appended to the user agent as `app/<name>`.
    pub fn app_name(mut self, app_name: AppName) -> Self {
        self.set_app_name(Some(app_name));
        self
    }

    /// Sets or clears the application name.
    pub fn set_app_name(&mut self, app_name: Option<AppName>) -> &mut Self {
        self.fields.app_name = app_name;
        self
    }

    /// Adds an interceptor that runs on every call, after the runtime's own interceptors.
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.push_interceptor(SharedInterceptor::new(interceptor));
        self
    }

    /// Adds an already shared interceptor.
    pub fn push_interceptor(&mut self, interceptor: SharedInterceptor) -> &mut Self {
        self.fields.interceptors.push(interceptor);
        self
    }

    /// Replaces all configured interceptors.
    pub fn set_interceptors(
        &mut self,
        interceptors: impl IntoIterator<Item = SharedInterceptor>,
    ) -> &mut Self {
        self.fields.interceptors = interceptors.into_iter().collect();
        self
    }

    /// Sets the identity cache. Default: a lazy cache (refreshes credentials shortly before
    /// they expire), created once per [`build`](Self::build) and shared by every call.
    pub fn identity_cache(mut self, identity_cache: impl ResolveCachedIdentity + 'static) -> Self {
        self.set_identity_cache(Some(identity_cache.into_shared()));
        self
    }

    /// Sets or clears the identity cache.
    pub fn set_identity_cache(&mut self, identity_cache: Option<SharedIdentityCache>) -> &mut Self {
        self.fields.identity_cache = identity_cache;
        self
    }

    /// Sets stalled stream protection. Default: enabled for uploads and downloads, 5 s grace.
    pub fn stalled_stream_protection(mut self, config: StalledStreamProtectionConfig) -> Self {
        self.set_stalled_stream_protection(Some(config));
        self
    }

    /// Sets or clears stalled stream protection.
    pub fn set_stalled_stream_protection(
        &mut self,
        config: Option<StalledStreamProtectionConfig>,
    ) -> &mut Self {
        self.fields.stalled_stream_protection = config;
        self
    }

    /// Sets the provider of idempotency tokens: the token sent for an `@idempotencyToken` input
    /// member the caller leaves unset. Default: [`IdempotencyTokenProvider::random`], a fresh
    /// UUID v4 per call. A string is a fixed token (for tests).
    pub fn idempotency_token_provider(mut self, provider: impl Into<IdempotencyTokenProvider>) -> Self {
        self.set_idempotency_token_provider(Some(provider.into()));
        self
    }

    /// Sets or clears the idempotency token provider.
    pub fn set_idempotency_token_provider(
        &mut self,
        provider: Option<IdempotencyTokenProvider>,
    ) -> &mut Self {
        self.fields.idempotency_token_provider = provider;
        self
    }

    /// The idempotency token provider set on this builder, if any.
    pub fn get_idempotency_token_provider(&self) -> Option<&IdempotencyTokenProvider> {
        self.fields.idempotency_token_provider.as_ref()
    }

    /// Turns off request compression for operations whose model allows it
    /// (`@requestCompression`). Default `false`: their request bodies are gzipped when at least
    /// [`request_min_compression_size_bytes`](Self::request_min_compression_size_bytes) long.
    /// Also read from an `SdkConfig` (`AWS_DISABLE_REQUEST_COMPRESSION`,
    /// `disable_request_compression` in a profile).
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.set_disable_request_compression(Some(disable));
        self
    }

    /// Sets or clears the request compression switch.
    pub fn set_disable_request_compression(&mut self, disable: Option<bool>) -> &mut Self {
        self.fields.disable_request_compression = disable;
        self
    }

    /// Sets the size in bytes from which a request body is compressed, for operations whose
    /// model allows it (`@requestCompression`). Default 10240 (10 KiB): smaller bodies tend to
    /// grow when compressed. Must be at most 10485760 (10 MiB); a larger value fails every call
    /// of such an operation with a configuration error. A streaming body is compressed whatever
    /// its size. Also read from an `SdkConfig` (`AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`,
    /// `request_min_compression_size_bytes` in a profile).
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.set_request_min_compression_size_bytes(Some(bytes));
        self
    }

    /// Sets or clears the minimum size of a request body to compress.
    pub fn set_request_min_compression_size_bytes(&mut self, bytes: Option<u32>) -> &mut Self {
        self.fields.request_min_compression_size_bytes = bytes;
        self
    }

    /// Test defaults, as the official SDK crates' `with_test_defaults` (feature `test-util`
    /// there): a fixed clock (2009-02-13T23:31:30Z), fixed test credentials, the latest behavior
    /// version and a fixed idempotency token. Used by `aws-smithy-mocks`' `mock_client!`.
    pub fn with_test_defaults(mut self) -> Self {
        self.apply_test_defaults();
        self
    }

    /// In-place form of [`with_test_defaults`](Self::with_test_defaults).
    pub fn apply_test_defaults(&mut self) -> &mut Self {
        self.set_time_source(Some(SharedTimeSource::new(
            aws_smithy_async::time::StaticTimeSource::new(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890),
            ),
        )));
        self.set_credentials_provider(Some(SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new(
                "ANOTREAL",
                "notrealrnrELgWzOk3IfjzDKtFBhDby",
                Some("notarealsessiontoken".to_string()),
                None,
                "test",
            ),
        )));
        self.fields.behavior_version = Some(BehaviorVersion::latest());
        self.fields.idempotency_token_provider = Some("00000000-0000-4000-8000-000000000000".into());
        self
    }

    /// [`with_test_defaults`](Self::with_test_defaults), and region `us-east-1` when none is
    /// set (the official crates' `with_test_defaults_v2`).
    pub fn with_test_defaults_v2(mut self) -> Self {
        self.apply_test_defaults_v2();
        self
    }

    /// In-place form of [`with_test_defaults_v2`](Self::with_test_defaults_v2).
    pub fn apply_test_defaults_v2(&mut self) -> &mut Self {
        self.apply_test_defaults();
        if self.fields.region.is_none() {
            self.fields.region = Some(Region::new("us-east-1"));
        }
        self
    }

    /// Sets the endpoint resolver: every call's endpoint comes from it instead of the service's
    /// endpoint rules. It receives the service's typed endpoint parameters
    /// (`config::endpoint::Params` of the generated crate: region, FIPS and dual-stack flags,
    /// endpoint URL, ... as the configuration and the operation set them), as with the official
    /// SDK crates.
    ///
    /// `resolver` implements the generated crate's `config::endpoint::ResolveEndpoint`; for a
    /// resolver of the orchestrator's own interface, use
    /// [`set_endpoint_resolver`](Self::set_endpoint_resolver).
    pub fn endpoint_resolver<R>(mut self, resolver: R) -> Self
    where
        S: AcceptsEndpointResolver<R>,
    {
        self.set_endpoint_resolver(Some(S::shared_endpoint_resolver(resolver)));
        self
    }

    /// Sets or clears the endpoint resolver (the orchestrator's interface: it receives
    /// `EndpointResolverParams` holding the typed parameters).
    pub fn set_endpoint_resolver(&mut self, resolver: Option<SharedEndpointResolver>) -> &mut Self {
        self.fields.endpoint_resolver = resolver;
        self
    }

    /// Sets the auth scheme resolver: for each call, it lists the auth schemes to try, in order,
    /// from the call's `config::auth::Params` (the operation name). Default: the schemes the
    /// service's model names (SigV4 for AWS services).
    pub fn auth_scheme_resolver(mut self, resolver: impl super::auth::ResolveAuthScheme + 'static) -> Self {
        self.set_auth_scheme_resolver(resolver);
        self
    }

    /// In-place form of [`auth_scheme_resolver`](Self::auth_scheme_resolver).
    pub fn set_auth_scheme_resolver(
        &mut self,
        resolver: impl super::auth::ResolveAuthScheme + 'static,
    ) -> &mut Self {
        self.fields.auth_scheme_resolver = Some(resolver.into_shared_resolver());
        self
    }

    /// Adds an auth scheme (a signer and the identity type it signs with), for an auth scheme
    /// resolver or preference to select.
    pub fn push_auth_scheme(mut self, auth_scheme: impl AuthScheme + 'static) -> Self {
        self.fields.auth_schemes.push(SharedAuthScheme::new(auth_scheme));
        self
    }

    /// Lets calls go unsigned when no credentials are available: "no auth" is added as the
    /// last auth scheme option of every call, after the modeled ones (as the official SDK
    /// crates' `allow_no_auth`). With credentials configured, requests are still signed.
    pub fn allow_no_auth(mut self) -> Self {
        self.set_allow_no_auth();
        self
    }

    /// In-place form of [`allow_no_auth`](Self::allow_no_auth).
    pub fn set_allow_no_auth(&mut self) -> &mut Self {
        self.fields.allow_no_auth = true;
        self
    }

    /// Sets the preferred auth schemes, by scheme id (e.g. `["sigv4a", "sigv4"]`): among the
    /// options the auth scheme resolver returns, these are tried first, in this order. Also read
    /// from an `SdkConfig` (`AWS_AUTH_SCHEME_PREFERENCE`, `auth_scheme_preference` in a profile).
    pub fn auth_scheme_preference(mut self, preference: impl Into<AuthSchemePreference>) -> Self {
        self.set_auth_scheme_preference(Some(preference.into()));
        self
    }

    /// Sets or clears the preferred auth schemes.
    pub fn set_auth_scheme_preference(
        &mut self,
        preference: Option<AuthSchemePreference>,
    ) -> &mut Self {
        self.fields.auth_scheme_preference = preference;
        self
    }

    /// Sets the retry partition: calls in one partition share a retry quota (token bucket) and
    /// client rate limiter. Default: one partition per service and region
    /// (`<service id>-<region>`, as the official SDK crates name it).
    pub fn retry_partition(mut self, retry_partition: RetryPartition) -> Self {
        self.set_retry_partition(Some(retry_partition));
        self
    }

    /// Sets or clears the retry partition.
    pub fn set_retry_partition(&mut self, retry_partition: Option<RetryPartition>) -> &mut Self {
        self.fields.retry_partition = retry_partition;
        self
    }

    /// Adds a retry classifier, consulted with the built-in ones (its priority decides the
    /// order) to decide whether a failed attempt is retried.
    pub fn retry_classifier(mut self, retry_classifier: impl ClassifyRetry + 'static) -> Self {
        self.push_retry_classifier(SharedRetryClassifier::new(retry_classifier));
        self
    }

    /// Adds an already shared retry classifier.
    pub fn push_retry_classifier(&mut self, retry_classifier: SharedRetryClassifier) -> &mut Self {
        self.fields.retry_classifiers.push(retry_classifier);
        self
    }

    /// Replaces the configured retry classifiers (the built-in ones stay).
    pub fn set_retry_classifiers(
        &mut self,
        retry_classifiers: impl IntoIterator<Item = SharedRetryClassifier>,
    ) -> &mut Self {
        self.fields.retry_classifiers = retry_classifiers.into_iter().collect();
        self
    }

    /// Adds framework metadata (`lib/<name>#<version>`) to the user agent.
    pub fn framework_metadata(mut self, framework_metadata: FrameworkMetadata) -> Self {
        self.push_framework_metadata(framework_metadata);
        self
    }

    /// In-place form of [`framework_metadata`](Self::framework_metadata).
    pub fn push_framework_metadata(&mut self, framework_metadata: FrameworkMetadata) -> &mut Self {
        self.fields.framework_metadata.push(framework_metadata);
        self
    }

    /// Turns off clock skew correction (by default the signing time follows the skew measured
    /// from the service's `Date` header after a skew-related error). `None` leaves the default.
    pub fn disable_clock_skew_correction(mut self, disable: impl Into<Option<bool>>) -> Self {
        self.set_disable_clock_skew_correction(disable.into());
        self
    }

    /// Sets or clears the clock skew correction switch.
    pub fn set_disable_clock_skew_correction(&mut self, disable: Option<bool>) -> &mut Self {
        self.fields.disable_clock_skew_correction = disable;
        self
    }

    /// Sets the generator of the `amz-sdk-invocation-id` header (default: a random UUID per
    /// call, kept across its retries).
    pub fn invocation_id_generator(mut self, generator: impl InvocationIdGenerator + 'static) -> Self {
        self.set_invocation_id_generator(Some(SharedInvocationIdGenerator::new(generator)));
        self
    }

    /// Sets or clears the invocation id generator.
    pub fn set_invocation_id_generator(
        &mut self,
        generator: Option<SharedInvocationIdGenerator>,
    ) -> &mut Self {
        self.fields.invocation_id_generator = generator;
        self
    }

    /// Names operation input members (Smithy names, e.g. `"EndpointName"`) whose values each
    /// call captures *and* emits as attributes of the client's metrics. Captured values are
    /// also readable by interceptors (`CapturedTelemetryAttributes` in the config bag). Only
    /// string members that are not `@sensitive` are eligible. Off by default.
    pub fn emit_input_attributes(
        mut self,
        names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        let requested = self.fields.telemetry_attributes.get_or_insert_with(Default::default);
        requested.emit(names.into_iter().map(Into::into).collect::<Vec<String>>());
        self
    }

    /// Names operation input members whose values each call captures for interceptors to read
    /// (`CapturedTelemetryAttributes`) without emitting them on metrics. Same eligibility as
    /// [`emit_input_attributes`](Self::emit_input_attributes).
    pub fn capture_input_attributes(
        mut self,
        names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        let requested = self.fields.telemetry_attributes.get_or_insert_with(Default::default);
        requested.capture_only(names.into_iter().map(Into::into).collect::<Vec<String>>());
        self
    }

    /// Sets the behavior version to [`BehaviorVersion::latest()`].
    pub fn behavior_version_latest(mut self) -> Self {
        self.set_behavior_version(Some(BehaviorVersion::latest()));
        self
    }

    /// The same settings for another service type (the settings do not depend on it).
    pub fn for_service<T>(self) -> ClientConfigBuilder<T> {
        ClientConfigBuilder::with_fields(self.fields)
    }

    fn with_fields(fields: BuilderFields) -> Self {
        Self { fields, _service: PhantomData }
    }

    /// Layers every field that is set in `other` on top of `self`; interceptors, auth schemes,
    /// retry classifiers and framework metadata are appended.
    pub fn merge(&mut self, other: &ClientConfigBuilder<S>) -> &mut Self {
        fn take<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if let Some(v) = theirs {
                *mine = Some(v.clone());
            }
        }
        let (mine, theirs) = (&mut self.fields, &other.fields);
        take(&mut mine.region, &theirs.region);
        take(&mut mine.credentials_provider, &theirs.credentials_provider);
        take(&mut mine.endpoint_url, &theirs.endpoint_url);
        take(&mut mine.use_fips, &theirs.use_fips);
        take(&mut mine.use_dual_stack, &theirs.use_dual_stack);
        take(&mut mine.http_client, &theirs.http_client);
        take(&mut mine.retry_config, &theirs.retry_config);
        if let Some(over) = &theirs.timeout_config {
            // Field-wise: an override of one timeout keeps the others.
            let mut merged = over.clone();
            if let Some(base) = &mine.timeout_config {
                merged.take_defaults_from(base);
            }
            mine.timeout_config = Some(merged);
        }
        take(&mut mine.sleep_impl, &theirs.sleep_impl);
        take(&mut mine.time_source, &theirs.time_source);
        take(&mut mine.behavior_version, &theirs.behavior_version);
        take(&mut mine.app_name, &theirs.app_name);
        take(&mut mine.identity_cache, &theirs.identity_cache);
        take(&mut mine.stalled_stream_protection, &theirs.stalled_stream_protection);
        take(&mut mine.idempotency_token_provider, &theirs.idempotency_token_provider);
        take(&mut mine.disable_request_compression, &theirs.disable_request_compression);
        take(
            &mut mine.request_min_compression_size_bytes,
            &theirs.request_min_compression_size_bytes,
        );
        take(&mut mine.endpoint_resolver, &theirs.endpoint_resolver);
        take(&mut mine.auth_scheme_resolver, &theirs.auth_scheme_resolver);
        take(&mut mine.auth_scheme_preference, &theirs.auth_scheme_preference);
        mine.allow_no_auth |= theirs.allow_no_auth;
        take(&mut mine.retry_partition, &theirs.retry_partition);
        take(&mut mine.disable_clock_skew_correction, &theirs.disable_clock_skew_correction);
        take(&mut mine.invocation_id_generator, &theirs.invocation_id_generator);
        take(&mut mine.telemetry_attributes, &theirs.telemetry_attributes);
        mine.interceptors.extend(theirs.interceptors.iter().cloned());
        mine.auth_schemes.extend(theirs.auth_schemes.iter().cloned());
        mine.retry_classifiers.extend(theirs.retry_classifiers.iter().cloned());
        mine.framework_metadata.extend(theirs.framework_metadata.iter().cloned());
        self
    }

    /// Builds the immutable [`ClientConfig`], filling in defaults. Never fails: missing
    /// credentials or region are reported by the call that needs them.
    pub fn build(self) -> ClientConfig<S> {
        self.build_inner(None, false)
    }

    /// `reuse`: the default plugins of a config built with the same behavior version, so a
    /// per-call override does not rebuild them, and its metrics plugin when `keep_metrics`.
    fn build_inner(self, reuse: Option<&ClientConfigInner>, keep_metrics: bool) -> ClientConfig<S> {
        let f = self.fields;
        let behavior_version = f.behavior_version.unwrap_or_else(BehaviorVersion::latest);
        let defaults: Arc<[SharedRuntimePlugin]> = match reuse {
            Some(prev) if prev.behavior_version == behavior_version => prev.defaults.clone(),
            _ => default_plugins(
                DefaultPluginParams::new()
                    .with_retry_partition_name(BASE_RETRY_PARTITION)
                    .with_behavior_version(behavior_version)
                    .with_is_aws_sdk(true),
            )
            .into_iter()
            .collect(),
        };
        // Take the HTTP client the default plugins created, so `to_builder()` keeps sharing the
        // same client (and its connection pool) instead of creating a new one.
        let http_client = f.http_client.or_else(|| {
            defaults.iter().find_map(|plugin| {
                plugin
                    .runtime_components(&RuntimeComponentsBuilder::new("probe"))
                    .http_client()
            })
        });
        let mut timeout_config = f
            .timeout_config
            .unwrap_or_else(|| TimeoutConfig::builder().build());
        timeout_config.take_defaults_from(&default_timeout_config());
        let settings = Settings {
            region: f.region,
            credentials_provider: f.credentials_provider,
            endpoint_url: f.endpoint_url,
            use_fips: f.use_fips.unwrap_or(false),
            use_dual_stack: f.use_dual_stack.unwrap_or(false),
            http_client,
            retry_config: f.retry_config.unwrap_or_else(RetryConfig::standard),
            timeout_config,
            sleep_impl: f.sleep_impl.or_else(default_async_sleep),
            time_source: f.time_source.unwrap_or_default(),
            app_name: f.app_name,
            interceptors: f.interceptors,
            identity_cache: f
                .identity_cache
                .unwrap_or_else(|| IdentityCache::lazy().build()),
            stalled_stream_protection: f.stalled_stream_protection.unwrap_or_else(|| {
                StalledStreamProtectionConfig::enabled()
                    .grace_period(Duration::from_secs(5))
                    .build()
            }),
            idempotency_token_provider: f.idempotency_token_provider.unwrap_or_default(),
            disable_request_compression: f.disable_request_compression.unwrap_or(false),
            request_min_compression_size_bytes: f
                .request_min_compression_size_bytes
                .unwrap_or(DEFAULT_MIN_COMPRESSION_SIZE_BYTES),
            endpoint_resolver: f.endpoint_resolver,
            auth_scheme_resolver: f.auth_scheme_resolver,
            auth_schemes: f.auth_schemes,
            auth_scheme_preference: f.auth_scheme_preference,
            allow_no_auth: f.allow_no_auth,
            retry_partition: f.retry_partition,
            retry_classifiers: f.retry_classifiers,
            framework_metadata: f.framework_metadata,
            disable_clock_skew_correction: f.disable_clock_skew_correction,
            invocation_id_generator: f.invocation_id_generator,
            telemetry_attributes: f.telemetry_attributes,
        };
        let client_plugin = settings.client_plugin();
        // The metrics plugin times calls with the time source: kept unless that changed.
        let metrics = std::sync::OnceLock::new();
        if let Some((scope, plugin)) = reuse.filter(|_| keep_metrics).and_then(|prev| prev.metrics.get()) {
            let _ = metrics.set((*scope, plugin.clone()));
        }
        ClientConfig::with_inner(Arc::new(ClientConfigInner {
            settings,
            behavior_version,
            defaults,
            client_plugin,
            metrics,
        }))
    }
}

impl<S> From<&SdkConfig> for ClientConfigBuilder<S> {
    /// Copies region, credentials provider, endpoint URL, FIPS / dual-stack flags, HTTP client,
    /// retry, timeout, sleep, time source, behavior version, app name, identity cache, stalled
    /// stream protection, request compression settings, auth scheme preference, clock skew
    /// correction and framework metadata from a shared [`SdkConfig`] (as loaded by `aws-config`).
    fn from(sdk: &SdkConfig) -> Self {
        Self::with_fields(BuilderFields {
            region: sdk.region().cloned(),
            credentials_provider: sdk.credentials_provider(),
            endpoint_url: sdk.endpoint_url().map(str::to_string),
            use_fips: sdk.use_fips(),
            use_dual_stack: sdk.use_dual_stack(),
            http_client: sdk.http_client(),
            retry_config: sdk.retry_config().cloned(),
            timeout_config: sdk.timeout_config().cloned(),
            sleep_impl: sdk.sleep_impl(),
            time_source: sdk.time_source(),
            behavior_version: sdk.behavior_version(),
            app_name: sdk.app_name().cloned(),
            identity_cache: sdk.identity_cache(),
            stalled_stream_protection: sdk.stalled_stream_protection(),
            disable_request_compression: sdk.disable_request_compression(),
            request_min_compression_size_bytes: sdk.request_min_compression_size_bytes(),
            auth_scheme_preference: sdk.auth_scheme_preference().cloned(),
            disable_clock_skew_correction: sdk.disable_clock_skew_correction(),
            framework_metadata: sdk.framework_metadata().to_vec(),
            ..BuilderFields::default()
        })
    }
}

impl<S> From<SdkConfig> for ClientConfigBuilder<S> {
    /// Same as `From<&SdkConfig>`.
    fn from(sdk: SdkConfig) -> Self {
        ClientConfigBuilder::from(&sdk)
    }
}

impl<S> From<&SdkConfig> for ClientConfig<S> {
    /// Same as [`ClientConfig::new`].
    fn from(sdk: &SdkConfig) -> Self {
        ClientConfig::new(sdk)
    }
}

/// Resolved settings (defaults applied).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) region: Option<Region>,
    pub(crate) credentials_provider: Option<SharedCredentialsProvider>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) http_client: Option<SharedHttpClient>,
    pub(crate) retry_config: RetryConfig,
    pub(crate) timeout_config: TimeoutConfig,
    pub(crate) sleep_impl: Option<SharedAsyncSleep>,
    pub(crate) time_source: SharedTimeSource,
    pub(crate) app_name: Option<AppName>,
    pub(crate) interceptors: Vec<SharedInterceptor>,
    pub(crate) identity_cache: SharedIdentityCache,
    pub(crate) stalled_stream_protection: StalledStreamProtectionConfig,
    pub(crate) idempotency_token_provider: IdempotencyTokenProvider,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: u32,
    pub(crate) endpoint_resolver: Option<SharedEndpointResolver>,
    pub(crate) auth_scheme_resolver: Option<SharedAuthSchemeOptionResolver>,
    pub(crate) auth_schemes: Vec<SharedAuthScheme>,
    pub(crate) auth_scheme_preference: Option<AuthSchemePreference>,
    pub(crate) allow_no_auth: bool,
    pub(crate) retry_partition: Option<RetryPartition>,
    pub(crate) retry_classifiers: Vec<SharedRetryClassifier>,
    pub(crate) framework_metadata: Vec<FrameworkMetadata>,
    pub(crate) disable_clock_skew_correction: Option<bool>,
    pub(crate) invocation_id_generator: Option<SharedInvocationIdGenerator>,
    pub(crate) telemetry_attributes: Option<RequestedTelemetryAttributes>,
}

impl Settings {
    /// The client-level runtime plugin: everything that does not depend on the operation.
    fn client_plugin(&self) -> SharedRuntimePlugin {
        let mut layer = Layer::new("smithygen.client");
        layer.store_put(self.retry_config.clone());
        layer.store_put(self.timeout_config.clone());
        layer.store_put(self.stalled_stream_protection.clone());
        if let Some(region) = &self.region {
            layer.store_put(region.clone());
            // What aws-runtime's SigV4 signer signs for, unless the endpoint says otherwise.
            layer.store_put(SigningRegion::from(region.clone()));
        }
        if let Some(app_name) = &self.app_name {
            layer.store_put(app_name.clone());
        }
        // Read by aws-runtime's user-agent interceptor (`lib/` tokens), in the order given.
        for metadata in &self.framework_metadata {
            layer.store_append(metadata.clone());
        }
        // Read by the orchestrator when it orders the auth scheme options.
        if let Some(preference) = &self.auth_scheme_preference {
            layer.store_put(preference.clone());
        }
        // Read by aws-runtime's clock-skew interceptor and invocation-id interceptor.
        if let Some(disable) = self.disable_clock_skew_correction {
            layer.store_put(DisableClockSkewCorrection::from(disable));
        }
        if let Some(generator) = &self.invocation_id_generator {
            layer.store_put(generator.clone());
        }
        // Read by each operation's input-capture interceptor and by the metrics plugin.
        if let Some(requested) = &self.telemetry_attributes {
            layer.store_put(requested.clone());
        }

        let mut components = RuntimeComponentsBuilder::new("smithygen.client")
            .with_retry_strategy(Some(StandardRetryStrategy::new()))
            .with_retry_classifier(HttpStatusCodeClassifier::default())
            .with_identity_cache(Some(self.identity_cache.clone()))
            .with_time_source(Some(self.time_source.clone()))
            .with_auth_scheme(SigV4AuthScheme::new())
            .with_auth_scheme(NoAuthScheme::new())
            .with_identity_resolver(
                NO_AUTH_SCHEME_ID,
                SharedIdentityResolver::new(NoAuthIdentityResolver::new()),
            )
            .with_interceptor(SharedInterceptor::permanent(
                ConnectionPoisoningInterceptor::new(),
            ))
            .with_interceptor(SharedInterceptor::permanent(
                StalledStreamProtectionInterceptor::default(),
            ))
            // The official SDK crates' interceptors, in their order: clock skew (signing time
            // corrected by the server's `Date`), `amz-sdk-request`, user agent, invocation id,
            // `x-amzn-trace-id` recursion detection.
            .with_interceptor(ServiceClockSkewInterceptor::new())
            .with_interceptor(RequestInfoInterceptor::new())
            .with_interceptor(UserAgentInterceptor::new())
            .with_interceptor(InvocationIdInterceptor::new())
            .with_interceptor(SharedInterceptor::permanent(
                RecursionDetectionInterceptor::new(),
            ))
            .with_interceptor(SharedInterceptor::permanent(
                AttemptTracingInterceptor::new(),
            ));
        if let Some(http_client) = &self.http_client {
            components.set_http_client(Some(http_client.clone()));
        }
        if let Some(sleep_impl) = &self.sleep_impl {
            components.set_sleep_impl(Some(sleep_impl.clone()));
        }
        if let Some(provider) = &self.credentials_provider {
            components = components.with_identity_resolver(
                SIGV4_SCHEME_ID,
                SharedIdentityResolver::new(provider.clone()),
            );
        }
        // Added after the built-in ones: a scheme of the same id replaces the built-in one.
        for scheme in &self.auth_schemes {
            components.push_auth_scheme(scheme.clone());
        }
        for classifier in &self.retry_classifiers {
            components.push_retry_classifier(classifier.clone());
        }
        for interceptor in &self.interceptors {
            components.push_interceptor(interceptor.clone());
        }
        StaticRuntimePlugin::new()
            .with_config(layer.freeze())
            .with_runtime_components(components)
            .into_shared()
    }
}

#[derive(Debug)]
pub(crate) struct ClientConfigInner {
    pub(crate) settings: Settings,
    behavior_version: BehaviorVersion,
    /// aws-smithy-runtime's default plugins (built once per config).
    pub(crate) defaults: Arc<[SharedRuntimePlugin]>,
    /// This config's own client-level plugin (built once per config).
    pub(crate) client_plugin: SharedRuntimePlugin,
    /// The metrics plugin of the service this config calls, with that service's scope (its
    /// crate name): built by the first call, shared by the next ones and by per-call overrides.
    pub(crate) metrics: std::sync::OnceLock<(&'static str, SharedRuntimePlugin)>,
}

impl ClientConfigInner {
    /// The metrics plugin for calls of the crate `scope` (a config is used with one service;
    /// another one's calls get a plugin of their own).
    pub(crate) fn metrics_plugin(&self, scope: &'static str) -> Result<SharedRuntimePlugin, super::ConfigError> {
        let build = || {
            aws_smithy_runtime::client::metrics::MetricsRuntimePlugin::builder()
                .with_scope(scope)
                .with_time_source(self.settings.time_source.clone())
                .build()
                .map(IntoShared::into_shared)
                .map_err(|err| super::ConfigError::Internal { message: err.to_string() })
        };
        if let Some((cached, plugin)) = self.metrics.get() {
            return if *cached == scope { Ok(plugin.clone()) } else { build() };
        }
        let plugin = build()?;
        Ok(self.metrics.get_or_init(|| (scope, plugin)).1.clone())
    }
}

/// Immutable client configuration, cheap to clone (an `Arc` inside).
///
/// Build one with [`ClientConfig::builder()`] or `ClientConfigBuilder::from(&sdk_config)`,
/// and share it between every client and call; clones share the HTTP client, its connection
/// pool and the identity (credentials) cache. `S` is the service it is for, as for
/// [`ClientConfigBuilder`].
pub struct ClientConfig<S = AnyService> {
    pub(crate) inner: Arc<ClientConfigInner>,
    _service: PhantomData<fn() -> S>,
}

impl<S> Clone for ClientConfig<S> {
    fn clone(&self) -> Self {
        Self::with_inner(self.inner.clone())
    }
}

impl<S> std::fmt::Debug for ClientConfig<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("service", &std::any::type_name::<S>())
            .field("settings", &self.inner.settings)
            .field("behavior_version", &self.inner.behavior_version)
            .finish_non_exhaustive()
    }
}

impl<S> ClientConfig<S> {
    fn with_inner(inner: Arc<ClientConfigInner>) -> Self {
        Self { inner, _service: PhantomData }
    }

    /// A config from shared AWS configuration (as loaded by `aws-config`), as
    /// `ClientConfigBuilder::from(sdk_config).build()`.
    pub fn new(sdk_config: &SdkConfig) -> Self {
        ClientConfigBuilder::from(sdk_config).build()
    }

    /// Returns an empty [`ClientConfigBuilder`].
    pub fn builder() -> ClientConfigBuilder<S> {
        ClientConfigBuilder::default()
    }

    /// The same configuration (shared, not copied) for another service type.
    pub fn for_service<T>(self) -> ClientConfig<T> {
        ClientConfig::with_inner(self.inner)
    }

    /// Returns a builder holding every resolved setting of this config, including the HTTP
    /// client and identity cache, so a config rebuilt from it keeps sharing both.
    pub fn to_builder(&self) -> ClientConfigBuilder<S> {
        let s = &self.inner.settings;
        ClientConfigBuilder::with_fields(BuilderFields {
            region: s.region.clone(),
            credentials_provider: s.credentials_provider.clone(),
            endpoint_url: s.endpoint_url.clone(),
            use_fips: Some(s.use_fips),
            use_dual_stack: Some(s.use_dual_stack),
            http_client: s.http_client.clone(),
            retry_config: Some(s.retry_config.clone()),
            timeout_config: Some(s.timeout_config.clone()),
            sleep_impl: s.sleep_impl.clone(),
            time_source: Some(s.time_source.clone()),
            behavior_version: Some(self.inner.behavior_version),
            app_name: s.app_name.clone(),
            interceptors: s.interceptors.clone(),
            identity_cache: Some(s.identity_cache.clone()),
            stalled_stream_protection: Some(s.stalled_stream_protection.clone()),
            idempotency_token_provider: Some(s.idempotency_token_provider.clone()),
            disable_request_compression: Some(s.disable_request_compression),
            request_min_compression_size_bytes: Some(s.request_min_compression_size_bytes),
            endpoint_resolver: s.endpoint_resolver.clone(),
            auth_scheme_resolver: s.auth_scheme_resolver.clone(),
            auth_schemes: s.auth_schemes.clone(),
            auth_scheme_preference: s.auth_scheme_preference.clone(),
            allow_no_auth: s.allow_no_auth,
            retry_partition: s.retry_partition.clone(),
            retry_classifiers: s.retry_classifiers.clone(),
            framework_metadata: s.framework_metadata.clone(),
            disable_clock_skew_correction: s.disable_clock_skew_correction,
            invocation_id_generator: s.invocation_id_generator.clone(),
            telemetry_attributes: s.telemetry_attributes.clone(),
        })
    }

    /// Returns this config with the set fields of `config_override` layered on top (used for
    /// per-call overrides). The HTTP client and default plugins are reused.
    ///
    /// When the override brings its own credentials provider but no identity cache, the call
    /// gets a fresh short-lived cache so the shared cache does not accumulate partitions.
    pub fn with_override(&self, config_override: &ClientConfigBuilder<S>) -> ClientConfig<S> {
        let mut builder = self.to_builder();
        builder.merge(config_override);
        if config_override.fields.credentials_provider.is_some()
            && config_override.fields.identity_cache.is_none()
        {
            builder.fields.identity_cache = Some(IdentityCache::lazy().build());
        }
        let keep_metrics = config_override.fields.time_source.is_none();
        builder.build_inner(Some(&self.inner), keep_metrics)
    }

    /// The AWS region, if configured.
    pub fn region(&self) -> Option<&Region> {
        self.inner.settings.region.as_ref()
    }

    /// The credentials provider, if configured.
    pub fn credentials_provider(&self) -> Option<SharedCredentialsProvider> {
        self.inner.settings.credentials_provider.clone()
    }

    /// The custom endpoint URL, if configured.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.settings.endpoint_url.as_deref()
    }

    /// Whether FIPS endpoints are selected.
    pub fn use_fips(&self) -> bool {
        self.inner.settings.use_fips
    }

    /// Whether dual-stack endpoints are selected.
    pub fn use_dual_stack(&self) -> bool {
        self.inner.settings.use_dual_stack
    }

    /// The HTTP client (`None` only if no default client is compiled in and none was set).
    pub fn http_client(&self) -> Option<SharedHttpClient> {
        self.inner.settings.http_client.clone()
    }

    /// The retry configuration. Always `Some` (defaults are applied when the config is built);
    /// an `Option` as in the official SDK crates.
    pub fn retry_config(&self) -> Option<&RetryConfig> {
        Some(&self.inner.settings.retry_config)
    }

    /// The effective timeout configuration (configured values over the defaults). Always
    /// `Some`; an `Option` as in the official SDK crates.
    pub fn timeout_config(&self) -> Option<&TimeoutConfig> {
        Some(&self.inner.settings.timeout_config)
    }

    /// The async sleep implementation (`None` if no tokio runtime support is compiled in).
    pub fn sleep_impl(&self) -> Option<SharedAsyncSleep> {
        self.inner.settings.sleep_impl.clone()
    }

    /// The time source. Always `Some`; an `Option` as in the official SDK crates.
    pub fn time_source(&self) -> Option<SharedTimeSource> {
        Some(self.inner.settings.time_source.clone())
    }

    /// The behavior version.
    pub fn behavior_version(&self) -> BehaviorVersion {
        self.inner.behavior_version
    }

    /// The application name, if configured.
    pub fn app_name(&self) -> Option<&AppName> {
        self.inner.settings.app_name.as_ref()
    }

    /// The configured interceptors (not including the runtime's own).
    pub fn interceptors(&self) -> impl Iterator<Item = SharedInterceptor> + '_ {
        self.inner.settings.interceptors.iter().cloned()
    }

    /// The identity cache shared by every call made with this config. Always `Some`; an
    /// `Option` as in the official SDK crates.
    pub fn identity_cache(&self) -> Option<SharedIdentityCache> {
        Some(self.inner.settings.identity_cache.clone())
    }

    /// The stalled stream protection configuration. Always `Some`; an `Option` as in the
    /// official SDK crates.
    pub fn stalled_stream_protection(&self) -> Option<&StalledStreamProtectionConfig> {
        Some(&self.inner.settings.stalled_stream_protection)
    }

    /// The provider of tokens for `@idempotencyToken` input members left unset.
    pub fn idempotency_token_provider(&self) -> &IdempotencyTokenProvider {
        &self.inner.settings.idempotency_token_provider
    }

    /// Whether request compression (`@requestCompression`) is turned off.
    pub fn disable_request_compression(&self) -> bool {
        self.inner.settings.disable_request_compression
    }

    /// The size in bytes from which a request body is compressed (`@requestCompression`).
    pub fn request_min_compression_size_bytes(&self) -> u32 {
        self.inner.settings.request_min_compression_size_bytes
    }

    /// The auth schemes added with `push_auth_scheme` (not the built-in SigV4 and no-auth).
    pub fn auth_schemes(&self) -> impl Iterator<Item = SharedAuthScheme> + '_ {
        self.inner.settings.auth_schemes.iter().cloned()
    }

    /// The configured auth scheme resolver; `None` when calls use the service's default.
    pub fn auth_scheme_resolver(&self) -> Option<SharedAuthSchemeOptionResolver> {
        self.inner.settings.auth_scheme_resolver.clone()
    }

    /// The preferred auth schemes, if configured.
    pub fn auth_scheme_preference(&self) -> Option<&AuthSchemePreference> {
        self.inner.settings.auth_scheme_preference.as_ref()
    }

    /// The configured retry partition; `None` when calls use the default (per service and
    /// region).
    pub fn retry_partition(&self) -> Option<&RetryPartition> {
        self.inner.settings.retry_partition.as_ref()
    }

    /// The configured retry classifiers (not including the built-in ones).
    pub fn retry_classifiers(&self) -> impl Iterator<Item = SharedRetryClassifier> + '_ {
        self.inner.settings.retry_classifiers.iter().cloned()
    }

    /// The framework metadata added to the user agent, in the order given.
    pub fn framework_metadata(&self) -> Vec<&FrameworkMetadata> {
        self.inner.settings.framework_metadata.iter().collect()
    }

    /// Whether clock skew correction is turned off; `None` when left at the default (on).
    pub fn disable_clock_skew_correction(&self) -> Option<bool> {
        self.inner.settings.disable_clock_skew_correction
    }

    /// The configured invocation id generator, if any.
    pub fn invocation_id_generator(&self) -> Option<SharedInvocationIdGenerator> {
        self.inner.settings.invocation_id_generator.clone()
    }
}

impl<S: Service> ClientConfig<S> {
    /// The endpoint resolver calls use: the configured one, else the service's default (its
    /// endpoint rules).
    pub fn endpoint_resolver(&self) -> SharedEndpointResolver {
        match &self.inner.settings.endpoint_resolver {
            Some(resolver) => resolver.clone(),
            None => S::info().default_endpoint_resolver(),
        }
    }

    /// The SigV4 signing name of the service (`""` for a service whose requests are not
    /// signed).
    pub fn signing_name(&self) -> &'static str {
        S::info().signing_name.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    // The types for no particular service (the default type parameter), so that
    // `ClientConfig::builder()` needs no annotation.
    type ClientConfig = super::ClientConfig;
    type ClientConfigBuilder = super::ClientConfigBuilder;

    #[test]
    fn defaults() {
        let config = ClientConfig::builder().build();
        assert_eq!(config.retry_config().unwrap().max_attempts(), 3);
        assert_eq!(
            config.timeout_config().unwrap().connect_timeout(),
            Some(DEFAULT_CONNECT_TIMEOUT)
        );
        assert_eq!(
            config.timeout_config().unwrap().read_timeout(),
            Some(DEFAULT_READ_TIMEOUT)
        );
        assert!(config.timeout_config().unwrap().read_timeout() > Some(Duration::from_secs(60)));
        assert_eq!(config.timeout_config().unwrap().operation_timeout(), None);
        assert_eq!(config.timeout_config().unwrap().operation_attempt_timeout(), None);
        assert!(config.http_client().is_some());
        assert!(config.sleep_impl().is_some());
        assert!(!config.use_fips());
        assert!(config.stalled_stream_protection().unwrap().is_enabled());
        assert!(!config.disable_request_compression());
        assert_eq!(config.request_min_compression_size_bytes(), 10_240);
        assert!(uuid::Uuid::parse_str(&config.idempotency_token_provider().make_idempotency_token()).is_ok());
    }

    #[test]
    fn request_compression_and_token_settings_are_kept_merged_and_read_from_sdk_config() {
        let base = ClientConfig::builder()
            .disable_request_compression(true)
            .request_min_compression_size_bytes(0)
            .idempotency_token_provider("fixed")
            .build();
        let rebuilt = base.to_builder().build();
        assert!(rebuilt.disable_request_compression());
        assert_eq!(rebuilt.request_min_compression_size_bytes(), 0);
        assert_eq!(rebuilt.idempotency_token_provider().make_idempotency_token(), "fixed");
        let merged = base.with_override(&ClientConfigBuilder::new().request_min_compression_size_bytes(5));
        assert_eq!(merged.request_min_compression_size_bytes(), 5);
        assert!(merged.disable_request_compression());

        let sdk = SdkConfig::builder()
            .disable_request_compression(true)
            .request_min_compression_size_bytes(128)
            .behavior_version(BehaviorVersion::latest())
            .build();
        let from_sdk = ClientConfigBuilder::from(&sdk).build();
        assert!(from_sdk.disable_request_compression());
        assert_eq!(from_sdk.request_min_compression_size_bytes(), 128);
    }

    #[test]
    fn partial_timeout_config_keeps_other_defaults() {
        let config = ClientConfig::builder()
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(5))
                    .build(),
            )
            .build();
        let t = config.timeout_config().unwrap();
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(5)));
        assert_eq!(t.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(t.read_timeout(), Some(DEFAULT_READ_TIMEOUT));
    }

    #[test]
    fn override_layers_set_fields_and_shares_pool_and_cache() {
        let base = ClientConfig::builder()
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .use_fips(true)
            .build();
        let over = ClientConfigBuilder::new()
            .region(Region::new("eu-west-1"))
            .retry_config(RetryConfig::standard().with_max_attempts(1));
        let merged = base.with_override(&over);
        assert_eq!(merged.region().map(Region::as_ref), Some("eu-west-1"));
        assert_eq!(merged.retry_config().unwrap().max_attempts(), 1);
        assert!(merged.use_fips());
        assert!(merged.credentials_provider().is_some());
        // Same identity cache and HTTP client: the pool and cached credentials are shared.
        assert_eq!(
            format!("{:p}", Arc::as_ptr(&base.inner.defaults)),
            format!("{:p}", Arc::as_ptr(&merged.inner.defaults))
        );
        let rebuilt = base.to_builder().build();
        assert_eq!(rebuilt.region().map(Region::as_ref), Some("us-east-1"));
        assert!(rebuilt.use_fips());
    }
}
