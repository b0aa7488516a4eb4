//! [`invoke`]: runs one operation through the aws-smithy-runtime orchestrator.

use super::config::{ClientConfig, ClientConfigBuilder, ClientConfigInner};
use super::error::ConfigError;
use super::interceptors::OperationContext;
use super::{auth, AnyService, OperationInfo, ServiceInfo, StaticParam};
use auth::ResolveAuthScheme;
use aws_smithy_runtime::client::auth::no_auth::NoAuthRuntimePluginV2;
use aws_smithy_runtime_api::client::endpoint::EndpointFuture;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_types::telemetry::RequestedTelemetryAttributes;
use crate::endpoint::Params;
#[cfg(feature = "rules-interpreter")]
use crate::endpoint::{Bdd, EndpointResolver, EndpointRules, RuleSet};
#[cfg(feature = "request-compression")]
use crate::protocol::compression;
use crate::protocol::compression::MAX_MIN_COMPRESSION_SIZE_BYTES;
use aws_runtime::auth::{SigV4OperationSigningConfig, SigningOptions};
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_runtime::service_clock_skew::ServiceClockSkewClassifier;
use aws_smithy_runtime::client::orchestrator::endpoints::StaticUriEndpointResolver;
use aws_smithy_runtime::client::retries::classifiers::{
    ModeledAsRetryableClassifier, TransientErrorClassifier,
};
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::endpoint::{
    EndpointPrefix, EndpointResolverParams, SharedEndpointResolver,
};
use aws_smithy_runtime_api::client::interceptors::context::{Error, Input, Output};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_runtime_api::client::orchestrator::{
    HttpRequest, HttpResponse, Metadata, OrchestratorError, SensitiveOutput,
};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::{RuntimePlugins, StaticRuntimePlugin};
use aws_smithy_runtime_api::client::ser_de::{
    DeserializeResponse, SerializeRequest, SharedRequestSerializer, SharedResponseDeserializer,
};
use aws_smithy_types::config_bag::{ConfigBag, Layer};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::ProvideErrorKind;
use aws_types::SigningName;
use aws_smithy_types::endpoint::Endpoint;
use std::any::TypeId;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::borrow::Cow;
#[cfg(feature = "rules-interpreter")]
use std::collections::HashMap;
use std::fmt::{self, Debug};
use super::prepared::PreparedKey;
#[cfg(feature = "rules-interpreter")]
use std::sync::{OnceLock, RwLock};
use std::time::Instant;
use tracing::Instrument;

/// Runs one operation through the aws-smithy-runtime orchestrator.
///
/// - `serializer` builds the request with a *relative* URI (path and query); the resolved
///   endpoint is applied by the orchestrator.
/// - `deserializer` maps a fully read response to the output or a modeled error `E`.
/// - `config_override` (a `.customize()`-style builder) layers its set fields over `config` for
///   this call only.
/// - `operation` carries the model's request body rules: `@requestCompression` gzips the body
///   (per `disable_request_compression` / `request_min_compression_size_bytes`) and
///   `@httpChecksumRequired` adds `Content-MD5`, once per call, before signing.
///
/// Per call this resolves the endpoint (from the service's rule set with the `AWS::Region`,
/// `AWS::UseFIPS`, `AWS::UseDualStack` and `SDK::Endpoint` builtins the rule set declares plus
/// the operation's static context params, or from `endpoint_url` when there is no rule set),
/// signs with SigV4 (or sends unsigned when the service has no signing name), retries with the
/// standard strategy, and adds the SDK headers. Configuration problems are returned as
/// `SdkError::ConstructionFailure` holding a [`ConfigError`].
pub async fn invoke<S, I, O, E>(
    config: &ClientConfig<S>,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    input: I,
    serializer: fn(I) -> Result<HttpRequest, BoxError>,
    deserializer: fn(&HttpResponse) -> Result<O, OrchestratorError<E>>,
    config_override: Option<&ClientConfigBuilder<S>>,
) -> Result<O, SdkError<E, HttpResponse>>
where
    I: Debug + Send + Sync + 'static,
    O: Debug + Send + Sync + 'static,
    E: std::error::Error + ProvideErrorMetadata + ProvideErrorKind + Debug + Send + Sync + 'static,
{
    let types = TypedOperation { serializer, deserializer: FnDeserializer { whole: deserializer, streamed: None } };
    let config = with_override(config, config_override);
    let result = run(&config.inner, service, operation, Input::erase(input), &types).await;
    typed_result::<O, E>(result)
}

/// Runs one operation whose output holds a stream (an event stream, or a `@streaming` blob)
/// through the orchestrator, like [`invoke`], except that a successful (2xx) response's body
/// is not read: `output` reads the status and headers and takes the body from the response
/// (`std::mem::replace(response.body_mut(), SdkBody::taken())`) for the output to read as it
/// arrives, e.g. into an `event_stream::EventReceiver` (feature `event-stream`) or a
/// `ByteStream`. Error responses are read whole and given to `error`, as in [`invoke`].
///
/// The body handed out still carries stalled-stream protection (on by default: a stream that
/// stalls past the grace period ends with an error), and the connect and read timeouts applied
/// up to the response headers; the operation timeout, if set, bounds the call up to the
/// response headers only (not the reading of the stream).
#[allow(clippy::too_many_arguments)]
pub async fn invoke_streaming<S, I, O, E>(
    config: &ClientConfig<S>,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    input: I,
    serializer: fn(I) -> Result<HttpRequest, BoxError>,
    output: fn(&mut HttpResponse) -> Result<O, OrchestratorError<E>>,
    error: fn(&HttpResponse) -> Result<O, OrchestratorError<E>>,
    config_override: Option<&ClientConfigBuilder<S>>,
) -> Result<O, SdkError<E, HttpResponse>>
where
    I: Debug + Send + Sync + 'static,
    O: Debug + Send + Sync + 'static,
    E: std::error::Error + ProvideErrorMetadata + ProvideErrorKind + Debug + Send + Sync + 'static,
{
    let types = TypedOperation { serializer, deserializer: FnDeserializer { whole: error, streamed: Some(output) } };
    let config = with_override(config, config_override);
    let result = run(&config.inner, service, operation, Input::erase(input), &types).await;
    typed_result::<O, E>(result)
}

/// The configuration of one call: `config`, with the set fields of a per-call override on top.
fn with_override<'a, S>(
    config: &'a ClientConfig<S>,
    config_override: Option<&ClientConfigBuilder<S>>,
) -> Cow<'a, ClientConfig<S>> {
    match config_override {
        Some(over) => Cow::Owned(config.with_override(over)),
        None => Cow::Borrowed(config),
    }
}

/// What [`run`] needs of an operation's input, output and error types, behind one trait object:
/// the orchestrator erases the types anyway, so the whole call (its future, the plugins, the
/// tracing) is compiled once in this crate instead of once per operation in every generated
/// crate; only these few methods and the final downcasts are instantiated per operation.
trait OperationTypes: Send + Sync {
    /// The key of the runtime plugins this operation's calls share (see [`PreparedKey`]).
    fn prepared_key(&self, operation: &'static OperationInfo) -> PreparedKey;
    /// [`operation_parts`] for the operation's error type.
    fn operation_parts(
        &self,
        layer: Layer,
        service: &'static ServiceInfo,
        operation: &'static OperationInfo,
    ) -> (Layer, RuntimeComponentsBuilder);
    /// The orchestrator's serializer and deserializer for the operation.
    fn serde(&self) -> (SharedRequestSerializer, SharedResponseDeserializer);
}

/// The generated serializer and response readers of one operation, with their types.
struct TypedOperation<I, O, E> {
    serializer: fn(I) -> Result<HttpRequest, BoxError>,
    deserializer: FnDeserializer<O, E>,
}

impl<I, O, E> OperationTypes for TypedOperation<I, O, E>
where
    I: Debug + Send + Sync + 'static,
    O: Debug + Send + Sync + 'static,
    E: std::error::Error + ProvideErrorMetadata + ProvideErrorKind + Debug + Send + Sync + 'static,
{
    fn prepared_key(&self, operation: &'static OperationInfo) -> PreparedKey {
        PreparedKey {
            operation: operation as *const OperationInfo as usize,
            types: TypeId::of::<(I, O, E)>(),
            serializer: self.serializer as usize,
            deserializer: (self.deserializer.whole as usize, self.deserializer.streamed.map(|f| f as usize)),
        }
    }

    fn operation_parts(
        &self,
        layer: Layer,
        service: &'static ServiceInfo,
        operation: &'static OperationInfo,
    ) -> (Layer, RuntimeComponentsBuilder) {
        operation_parts::<E>(layer, service, operation)
    }

    fn serde(&self) -> (SharedRequestSerializer, SharedResponseDeserializer) {
        (
            SharedRequestSerializer::new(FnSerializer { f: self.serializer }),
            SharedResponseDeserializer::new(FnDeserializer {
                whole: self.deserializer.whole,
                streamed: self.deserializer.streamed,
            }),
        )
    }
}

/// The type-erased result of a call.
type ErasedResult = Result<Output, SdkError<Error, HttpResponse>>;

/// The typed result of a call [`run`] made.
// The error is the one `invoke` returns (the official crates' `SdkError`), not boxed here.
#[allow(clippy::result_large_err)]
fn typed_result<O, E>(result: ErasedResult) -> Result<O, SdkError<E, HttpResponse>>
where
    O: Debug + Send + Sync + 'static,
    E: std::error::Error + Debug + Send + Sync + 'static,
{
    result.map_err(downcast_error::<E>)?.downcast::<O>().map_err(|_| {
        SdkError::construction_failure("internal error: the operation output has an unexpected type")
    })
}

/// The call, type-erased: its future is built here and boxed, so that its state machine (with
/// the orchestrator's, which a crate calling an `async fn` of another crate would otherwise
/// compile again) is compiled once, in this crate, rather than in every generated crate.
fn run<'a>(
    config: &'a ClientConfigInner,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    input: Input,
    types: &'a dyn OperationTypes,
) -> Pin<Box<dyn Future<Output = ErasedResult> + Send + 'a>> {
    Box::pin(run_erased(config, service, operation, input, types))
}

async fn run_erased(
    config: &ClientConfigInner,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    input: Input,
    types: &dyn OperationTypes,
) -> ErasedResult {
    let span = tracing::info_span!(
        "smithygen.operation",
        service = service.sdk_id,
        operation = operation.name,
        invocation_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = async {
        let plugins = runtime_plugins(config, service, operation, &input, types, &span)
            .map_err(SdkError::construction_failure)?;
        aws_smithy_runtime::client::orchestrator::invoke(service.sdk_id, operation.name, input, &plugins).await
    }
    .instrument(span.clone())
    .await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match &result {
        Ok(_) => tracing::debug!(parent: &span, duration_ms, "operation succeeded"),
        Err(err) => tracing::debug!(
            parent: &span,
            duration_ms,
            error = error_category(err),
            "operation failed"
        ),
    }
    result
}

fn error_category<E, R>(err: &SdkError<E, R>) -> &'static str {
    match err {
        SdkError::ConstructionFailure(_) => "construction failure",
        SdkError::TimeoutError(_) => "timeout",
        SdkError::DispatchFailure(_) => "dispatch failure",
        SdkError::ResponseError(_) => "response error",
        SdkError::ServiceError(_) => "service error",
        _ => "other",
    }
}

/// Turns the type-erased service error back into `E`.
fn downcast_error<E>(err: SdkError<Error, HttpResponse>) -> SdkError<E, HttpResponse>
where
    E: std::error::Error + Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(ctx) = &err {
        if ctx.err().downcast_ref::<E>().is_none() {
            return SdkError::construction_failure(
                "internal error: the operation error has an unexpected type",
            );
        }
    }
    err.map_service_error(|e| match e.downcast::<E>() {
        Ok(e) => e,
        // Checked just above.
        Err(_) => unreachable!("service error type checked before mapping"),
    })
}

/// The operation's own runtime plugin: what a call needs from the operation alone, whatever the
/// configuration (metadata, the auth scheme resolver's parameters, SigV4 signing options, the
/// official SDK crates' retry classifiers for the operation's error `E`, the input capture for
/// telemetry). [`invoke`] adds its contents to every call (in the operation plugin it builds
/// once per configuration); a generated crate's operation type (`operation::<op>::<Op>`, as in
/// the official SDK crates) is this plugin.
pub fn operation_plugin<E>(service: &'static ServiceInfo, operation: &'static OperationInfo) -> StaticRuntimePlugin
where
    E: std::error::Error + ProvideErrorMetadata + ProvideErrorKind + Debug + Send + Sync + 'static,
{
    let (layer, components) = operation_parts::<E>(Layer::new(operation.name), service, operation);
    StaticRuntimePlugin::new()
        .with_config(layer.freeze())
        .with_runtime_components(components)
}

/// The contents of [`operation_plugin`], added to `layer` (so that a call can hold them and its
/// own settings in one layer of the config bag, which every lookup walks).
fn operation_parts<E>(
    layer: Layer,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
) -> (Layer, RuntimeComponentsBuilder)
where
    E: std::error::Error + ProvideErrorMetadata + ProvideErrorKind + Debug + Send + Sync + 'static,
{
    // The official SDK crates' retry classifiers (HTTP 500/502/503/504 is the client plugin's):
    // the same calls are retried, by construction. Only they depend on `E`.
    let components = RuntimeComponentsBuilder::new("smithygen.operation")
        .with_retry_classifier(TransientErrorClassifier::<E>::new())
        .with_retry_classifier(ModeledAsRetryableClassifier::<E>::new())
        .with_retry_classifier(AwsErrorCodeClassifier::<E>::new())
        .with_retry_classifier(ServiceClockSkewClassifier::<E>::new());
    operation_parts_erased(layer, components, service, operation)
}

/// The part of [`operation_parts`] that does not depend on the operation's error type.
fn operation_parts_erased(
    mut layer: Layer,
    mut components: RuntimeComponentsBuilder,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
) -> (Layer, RuntimeComponentsBuilder) {
    layer.store_put(Metadata::new(operation.name, service.sdk_id));
    // Response bodies may hold secrets; keep the orchestrator from tracing them.
    layer.store_put(SensitiveOutput);
    layer.store_put(AuthSchemeOptionResolverParams::new(auth::Params::for_operation(operation.name)));
    if let Some(signing_name) = service.signing_name {
        layer.store_put(SigV4OperationSigningConfig {
            name: Some(SigningName::from_static(signing_name)),
            signing_options: signing_options(signing_name),
            ..Default::default()
        });
    }
    if let Some(capture) = operation.capture_input {
        components.push_interceptor(SharedInterceptor::permanent(InputCaptureInterceptor { capture }));
    }
    (layer, components)
}

/// Stores the input members a configuration asked for (`emit_input_attributes`,
/// `capture_input_attributes`) as `CapturedTelemetryAttributes`, for interceptors and the
/// metrics plugin.
#[derive(Debug)]
struct InputCaptureInterceptor {
    capture: super::CaptureInput,
}

#[aws_smithy_runtime_api::client::interceptors::dyn_dispatch_hint]
impl Intercept for InputCaptureInterceptor {
    fn name(&self) -> &'static str {
        "InputCaptureInterceptor"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(requested) = cfg.load::<RequestedTelemetryAttributes>().filter(|r| !r.is_empty()) else {
            return Ok(());
        };
        if let Some(captured) = (self.capture)(context.input(), requested) {
            cfg.interceptor_state().store_put(captured);
        }
        Ok(())
    }
}

/// Builds the client + operation runtime plugins for one call: the ones every call of this
/// operation with this configuration shares, built by the first call and kept by the config
/// (see [`PreparedCalls`]), plus what only this call has: its tracing span (when a subscriber
/// listens to it) and, for an operation that binds input members to endpoint parameters, its
/// endpoint parameters.
fn runtime_plugins(
    config: &ClientConfigInner,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    input: &Input,
    types: &dyn OperationTypes,
    span: &tracing::Span,
) -> Result<RuntimePlugins, ConfigError> {
    let key = types.prepared_key(operation);
    let mut plugins = match config.prepared.get(&key) {
        Some(plugins) => plugins,
        None => {
            let plugins = prepare(config, service, operation, types)?;
            config.prepared.insert(key, &plugins);
            plugins
        }
    };
    let mut layer = None;
    let mut components = None;
    if operation.context_params.is_some() {
        // Input members bound to endpoint parameters: this call's own parameters.
        let (resolver, params) = endpoint_resolver(config, service, operation, Some(input))?;
        components.get_or_insert_with(|| RuntimeComponentsBuilder::new("smithygen.call.endpoint")).set_endpoint_resolver(Some(resolver));
        layer.get_or_insert_with(|| Layer::new("smithygen.call.endpoint")).store_put(params);
    }
    // The attempt spans' parent. A disabled span would be no parent (the attempt span a root,
    // as `parent: None` makes it) and records nothing: then nothing needs storing.
    if !span.is_disabled() {
        layer.get_or_insert_with(|| Layer::new("smithygen.call.span")).store_put(OperationContext { span: span.clone() });
    }
    if layer.is_some() || components.is_some() {
        let mut call_plugin = StaticRuntimePlugin::new();
        if let Some(layer) = layer {
            call_plugin = call_plugin.with_config(layer.freeze());
        }
        if let Some(components) = components {
            call_plugin = call_plugin.with_runtime_components(components);
        }
        plugins = plugins.with_operation_plugin(call_plugin);
    }
    Ok(plugins)
}

/// Builds the runtime plugins that every call of `operation` (with these serializer and
/// deserializer) shares under `config`: the client's plugins, then one operation plugin that
/// holds [`operation_plugin`]'s contents and the call settings drawn from the configuration
/// (auth, endpoint unless the input feeds it, request body transforms, HTTP version, serde,
/// retry partition). Errors are not kept: a call that fails here fails the same way again.
fn prepare(
    config: &ClientConfigInner,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    types: &dyn OperationTypes,
) -> Result<RuntimePlugins, ConfigError> {
    let settings = &config.settings;
    let (mut layer, operation_components) = types.operation_parts(Layer::new(operation.name), service, operation);
    let mut components = RuntimeComponentsBuilder::new("smithygen.call");

    // Auth: the configured resolver, else the schemes the model names. With the default
    // resolver and nothing configured to sign without, a missing credentials provider or region
    // is reported before anything is sent.
    let modeled_only = settings.auth_scheme_resolver.is_none()
        && settings.auth_schemes.is_empty()
        && !settings.allow_no_auth
        && operation.auth == auth::OperationAuth::Service;
    if let (Some(_), true) = (service.signing_name, modeled_only) {
        if settings.credentials_provider.is_none() {
            return Err(ConfigError::MissingCredentials { service: service.sdk_id });
        }
        if settings.region.is_none() {
            return Err(ConfigError::MissingRegion { service: service.sdk_id });
        }
    }
    let auth_resolver = match &settings.auth_scheme_resolver {
        Some(resolver) => resolver.clone(),
        None => auth::DefaultAuthSchemeResolver::<AnyService>::for_operation(service, operation).into_shared_resolver(),
    };
    components.set_auth_scheme_option_resolver(Some(auth_resolver));

    // Endpoint: the parameters come from the configuration and the model alone unless the
    // operation binds input members to them (then each call resolves its own).
    if operation.context_params.is_none() {
        let (resolver, params) = endpoint_resolver(config, service, operation, None)?;
        let resolver = match &settings.endpoint_resolver {
            // A resolver of the user's may answer differently from one call to the next.
            Some(_) => resolver,
            None => resolved_once(resolver, &params),
        };
        components.set_endpoint_resolver(Some(resolver));
        layer.store_put(params);
    }
    // Request body transforms the model asks for, in this order: compress, then checksum the
    // body as sent.
    if let Some(rc) = &operation.request_compression {
        let min_size = settings.request_min_compression_size_bytes;
        if min_size > MAX_MIN_COMPRESSION_SIZE_BYTES {
            return Err(ConfigError::InvalidRequestMinCompressionSize { value: min_size });
        }
        // Without the `request-compression` feature this runtime supports no coding, and the
        // body is sent as it is (as Smithy says of a client that supports none of the model's).
        #[cfg(not(feature = "request-compression"))]
        let _ = rc;
        #[cfg(feature = "request-compression")]
        if let (false, Some(coding)) = (settings.disable_request_compression, compression::supported_encoding(rc.encodings)) {
            components.push_interceptor(SharedInterceptor::new(
                super::request_body::RequestCompressionInterceptor::new(coding, min_size, rc.streaming),
            ));
        }
    }
    if operation.http_checksum_required {
        #[cfg(feature = "content-md5")]
        components.push_interceptor(SharedInterceptor::new(super::request_body::ContentMd5Interceptor));
        // Sending without the checksum would only get the request refused by the service.
        #[cfg(not(feature = "content-md5"))]
        return Err(ConfigError::MissingFeature { operation: operation.name, feature: "content-md5" });
    }

    // HTTP version: with `http2_prior_knowledge`, operations whose model lists `h2` use the
    // config's HTTP/2 client; others keep the client-level one.
    if operation.http_versions.contains(&super::HttpVersion::H2) {
        if let Some(http2_client) = config.http2_client() {
            components.set_http_client(Some(http2_client));
        }
    }

    // Serde, retry partition and SDK headers.
    let (serializer, deserializer) = types.serde();
    layer.store_put(serializer);
    layer.store_put(deserializer);
    let partition = match &settings.retry_partition {
        Some(partition) => partition.clone(),
        None => {
            // Named as the official SDK crates name it (`sagemakerruntime-us-east-1`), so both
            // share nothing but behave alike: one token bucket per service and region.
            let name = service.sdk_id.to_ascii_lowercase().replace(' ', "");
            RetryPartition::new(match &settings.region {
                Some(region) => format!("{name}-{region}"),
                None => name,
            })
        }
    };
    layer.store_put(partition);
    layer.store_put(service.api_metadata.clone());

    // The operation's components first, as when they were a plugin of their own before this one.
    let call_plugin = StaticRuntimePlugin::new()
        .with_config(layer.freeze())
        .with_runtime_components(operation_components.merge_from(&components));
    let metrics = config.metrics_plugin(service.crate_name)?;
    let mut plugins = RuntimePlugins::new()
        .with_client_plugins(config.defaults.iter().cloned())
        .with_client_plugin(config.client_plugin.clone())
        .with_client_plugin(metrics)
        .with_operation_plugin(call_plugin);
    if settings.allow_no_auth {
        // Wraps the call's auth scheme resolver (it runs after the plugins above, by its order)
        // so that "no auth" is the last option.
        plugins = plugins.with_operation_plugin(NoAuthRuntimePluginV2::new());
    }
    Ok(plugins)
}

/// This crate's own resolvers (the service's rules, or the endpoint URL as it is) are pure
/// functions of their parameters and answer at once: for parameters every call shares, the
/// endpoint is resolved here, once, and each call gets a copy of it. A resolution that fails or
/// would wait keeps the resolver, so each call resolves (and reports the error) as before.
fn resolved_once(resolver: SharedEndpointResolver, params: &EndpointResolverParams) -> SharedEndpointResolver {
    use aws_smithy_runtime_api::client::endpoint::ResolveEndpoint as _;
    let resolved = {
        let future = std::pin::pin!(resolver.resolve_endpoint(params));
        match future.poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(endpoint)) => Some(endpoint),
            _ => None,
        }
    };
    match resolved {
        Some(endpoint) => SharedEndpointResolver::new(ResolvedEndpoint(endpoint)),
        None => resolver,
    }
}

/// The endpoint [`resolved_once`] found, given to every call.
#[derive(Debug)]
struct ResolvedEndpoint(Endpoint);

impl aws_smithy_runtime_api::client::endpoint::ResolveEndpoint for ResolvedEndpoint {
    fn resolve_endpoint<'a>(&'a self, _params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(self.0.clone()))
    }
}

/// SigV4 options of an `aws.auth#sigv4` service, as the official SDK crates set them: S3 signs
/// its payload hash into `x-amz-content-sha256` and encodes and normalises paths once, every
/// other service does neither header and both twice. The endpoint's `authSchemes` entry can
/// still override both (`disableDoubleEncoding`, `disableNormalizePath`).
fn signing_options(signing_name: &str) -> SigningOptions {
    let s3 = matches!(signing_name, "s3" | "s3-outposts" | "s3-object-lambda");
    let mut options = SigningOptions::default();
    options.double_uri_encode = !s3;
    options.content_sha256_header = s3;
    options.normalize_uri_path = !s3;
    options
}

/// Builtin parameters a rule set may declare, and the name they conventionally have.
#[cfg(feature = "rules-interpreter")]
const BUILTIN_REGION: (&str, &str) = ("AWS::Region", "Region");
#[cfg(feature = "rules-interpreter")]
const BUILTIN_USE_FIPS: (&str, &str) = ("AWS::UseFIPS", "UseFIPS");
#[cfg(feature = "rules-interpreter")]
const BUILTIN_USE_DUAL_STACK: (&str, &str) = ("AWS::UseDualStack", "UseDualStack");
#[cfg(feature = "rules-interpreter")]
const BUILTIN_ENDPOINT: (&str, &str) = ("SDK::Endpoint", "Endpoint");
/// The conventional name of the endpoint URL's parameter (`SDK::Endpoint`).
const ENDPOINT_PARAM: &str = "Endpoint";

/// The parameters a rule set binds to the builtins, found in the rules themselves (a service
/// described by hand: a generated crate's [`super::TypedEndpoint`] lists them).
#[cfg(feature = "rules-interpreter")]
fn builtins_of(rules: &EndpointRules) -> EndpointBuiltins {
    // Name of the rule set parameter bound to `builtin`, if the rule set declares it: the
    // parameter with that `builtIn`, or else an un-annotated parameter with the conventional name.
    let find = |(builtin, name): (&str, &str)| -> Option<String> {
        let params = rules.parameters();
        params
            .iter()
            .find(|p| p.built_in() == Some(builtin))
            .or_else(|| params.iter().find(|p| p.built_in().is_none() && p.name() == name))
            .map(|p| p.name().to_owned())
    };
    EndpointBuiltins {
        region: find(BUILTIN_REGION).map(Cow::Owned),
        use_fips: find(BUILTIN_USE_FIPS).map(Cow::Owned),
        use_dual_stack: find(BUILTIN_USE_DUAL_STACK).map(Cow::Owned),
        endpoint: find(BUILTIN_ENDPOINT).map(Cow::Owned),
    }
}

/// The rule-set parameters bound to the builtins the configuration sets.
struct EndpointBuiltins {
    region: Option<Cow<'static, str>>,
    use_fips: Option<Cow<'static, str>>,
    use_dual_stack: Option<Cow<'static, str>>,
    endpoint: Option<Cow<'static, str>>,
}

impl EndpointBuiltins {
    fn of(names: &super::EndpointBuiltins) -> Self {
        EndpointBuiltins {
            region: names.region.map(Cow::Borrowed),
            use_fips: names.use_fips.map(Cow::Borrowed),
            use_dual_stack: names.use_dual_stack.map(Cow::Borrowed),
            endpoint: names.endpoint.map(Cow::Borrowed),
        }
    }
}

/// A resolver whose every resolution fails with `error` (a service whose rules are missing or
/// invalid, reported when a call needs an endpoint).
pub(crate) fn failing_resolver(error: ConfigError) -> SharedEndpointResolver {
    #[derive(Debug)]
    struct Failing(String);
    impl aws_smithy_runtime_api::client::endpoint::ResolveEndpoint for Failing {
        fn resolve_endpoint<'a>(&'a self, _params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
            EndpointFuture::ready(Err(self.0.clone().into()))
        }
    }
    SharedEndpointResolver::new(Failing(error.to_string()))
}

/// The endpoint resolver and its parameters for one call.
///
/// The parameters are gathered by rule-set parameter name, in Smithy's order of precedence
/// (each overrides the ones before): the builtins the configuration sets, the input members the
/// operation binds (`smithy.rules#contextParam`), the operation's static context parameters. A generated crate turns them into its
/// typed `config::endpoint::Params`, which the configured resolver or the crate's default one
/// receives; without one (a service described by hand), the rules resolve them as they are.
fn endpoint_resolver(
    config: &ClientConfigInner,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
    input: Option<&Input>,
) -> Result<(SharedEndpointResolver, EndpointResolverParams), ConfigError> {
    let settings = &config.settings;
    let custom = settings.endpoint_resolver.clone();
    let static_uri = |url: &str| {
        (
            SharedEndpointResolver::new(StaticUriEndpointResolver::uri(url)),
            EndpointResolverParams::new(()),
        )
    };
    // The builtins' parameters: from the generated crate, else from the rules themselves;
    // `None`: the service has no rules.
    #[cfg(feature = "rules-interpreter")]
    let rules = match &service.typed_endpoint {
        Some(_) => None,
        None => cached_endpoint_rules(service)?,
    };
    let builtins = match &service.typed_endpoint {
        Some(typed) => typed.builtins.map(EndpointBuiltins::of),
        #[cfg(feature = "rules-interpreter")]
        None => rules.as_ref().map(builtins_of),
        #[cfg(not(feature = "rules-interpreter"))]
        None => match (service.endpoint_bdd, service.endpoint_rule_set) {
            (None, None) => None,
            _ => return Err(ConfigError::InvalidRuleSet {
                service: service.sdk_id,
                message: "resolving with the rules needs smithygen-runtime's `rules-interpreter` feature".to_owned(),
            }),
        },
    };
    let mut params = Params::new();
    match &builtins {
        None => {
            // No rules: the endpoint URL is the endpoint. A typed crate still hands it to its
            // resolver as the conventional `Endpoint` parameter.
            match (&settings.endpoint_url, &custom, &service.typed_endpoint) {
                (Some(url), None, None) => return Ok(static_uri(url)),
                (None, None, _) => return Err(ConfigError::MissingEndpoint { service: service.sdk_id }),
                (url, _, _) => {
                    if let Some(url) = url {
                        params.set(ENDPOINT_PARAM, url.as_str());
                    }
                }
            }
        }
        Some(builtins) => {
            if let (Some(url), None, None) = (&settings.endpoint_url, &builtins.endpoint, &custom) {
                // The rule set cannot take a custom endpoint: use the URL as is.
                return Ok(static_uri(url));
            }
            if let (Some(name), Some(region)) = (&builtins.region, &settings.region) {
                params.set(name.as_ref(), region.as_ref());
            }
            if let Some(name) = &builtins.use_fips {
                params.set(name.as_ref(), settings.use_fips);
            }
            if let Some(name) = &builtins.use_dual_stack {
                params.set(name.as_ref(), settings.use_dual_stack);
            }
            if let (Some(name), Some(url)) = (&builtins.endpoint, &settings.endpoint_url) {
                params.set(name.as_ref(), url.as_str());
            }
        }
    }
    // Without the input (a call's shared plugins are being prepared) the operation has none.
    if let (Some(context_params), Some(input)) = (operation.context_params, input) {
        context_params(input, &mut params);
    }
    for (name, value) in operation.static_context_params {
        match value {
            StaticParam::Bool(b) => params.set(*name, *b),
            StaticParam::String(s) => params.set(*name, *s),
            StaticParam::StringArray(items) => params.set(*name, *items),
        };
    }
    if let Some(typed) = &service.typed_endpoint {
        let typed_params = (typed.params)(&params).map_err(|err| ConfigError::InvalidEndpointParams {
            service: service.sdk_id,
            message: err.to_string(),
        })?;
        let resolver = custom.unwrap_or_else(|| (typed.default_resolver)());
        return Ok((resolver, typed_params));
    }
    #[cfg(feature = "rules-interpreter")]
    if let Some(rules) = rules {
        return Ok((
            custom.unwrap_or_else(|| SharedEndpointResolver::new(EndpointResolver::new(rules))),
            EndpointResolverParams::new(params),
        ));
    }
    // Only with a configured resolver (checked above): it gets the name-value parameters.
    Ok((
        custom.ok_or(ConfigError::MissingEndpoint { service: service.sdk_id })?,
        EndpointResolverParams::new(params),
    ))
}

/// Parses the JSON text of one endpoint-rules trait.
#[cfg(feature = "rules-interpreter")]
type ParseRules = fn(&str) -> Result<EndpointRules, crate::endpoint::RuleSetError>;

/// The service's endpoint rules, parsed once per process (keyed by the address of the static
/// JSON). The BDD is preferred: it resolves the same rules evaluating each condition at most once.
#[cfg(feature = "rules-interpreter")]
pub(crate) fn cached_endpoint_rules(
    service: &'static ServiceInfo,
) -> Result<Option<EndpointRules>, ConfigError> {
    let (json, parse): (_, ParseRules) = match (service.endpoint_bdd, service.endpoint_rule_set) {
        (Some(json), _) => (json, |j| Bdd::from_json(j).map(EndpointRules::from)),
        (None, Some(json)) => (json, |j| RuleSet::from_json(j).map(EndpointRules::from)),
        (None, None) => return Ok(None),
    };
    // Read by every call (concurrent callers share the read lock); written once per service.
    static CACHE: OnceLock<RwLock<HashMap<(usize, usize), EndpointRules>>> = OnceLock::new();
    let key = (json.as_ptr() as usize, json.len());
    let cache = CACHE.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked while holding it; the map is intact.
    if let Some(rules) = cache.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&key) {
        return Ok(Some(rules.clone()));
    }
    let mut map = cache.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    let rules = parse(json).map_err(|err| ConfigError::InvalidRuleSet {
        service: service.sdk_id,
        message: err.to_string(),
    })?;
    map.insert(key, rules.clone());
    Ok(Some(rules))
}

/// Adapts a generated `fn(I) -> HttpRequest` to the orchestrator's serializer interface.
struct FnSerializer<I> {
    f: fn(I) -> Result<HttpRequest, BoxError>,
}

impl<I> Debug for FnSerializer<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnSerializer")
    }
}

impl<I> SerializeRequest for FnSerializer<I>
where
    I: Debug + Send + Sync + 'static,
{
    fn serialize_input(&self, input: Input, cfg: &mut ConfigBag) -> Result<HttpRequest, BoxError> {
        let input = input
            .downcast::<I>()
            .map_err(|_| "internal error: the operation input has an unexpected type")?;
        let request = (self.f)(input)?;
        // `@endpoint(hostPrefix)`: the serializer fills the prefix in; the orchestrator reads it
        // from the config bag when it puts the resolved endpoint in front of the request.
        if let Some(prefix) = request.extension::<EndpointPrefix>() {
            cfg.interceptor_state().store_put(prefix.clone());
        }
        // An input event stream: the SigV4 signer hands its message signer to the body.
        #[cfg(feature = "event-stream")]
        crate::event_stream::hand_over_signer(&request, cfg);
        Ok(request)
    }
}

/// Adapts the generated response readers to the orchestrator's deserializer: `whole` reads a
/// response whose body has been read in full; `streamed`, for operations whose output holds a
/// stream, takes a successful (2xx) response with its body unread.
struct FnDeserializer<O, E> {
    whole: fn(&HttpResponse) -> Result<O, OrchestratorError<E>>,
    streamed: Option<StreamedReader<O, E>>,
}

/// A generated reader of a successful response whose body it takes unread.
type StreamedReader<O, E> = fn(&mut HttpResponse) -> Result<O, OrchestratorError<E>>;

impl<O, E> Debug for FnDeserializer<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnDeserializer").field("streamed", &self.streamed.is_some()).finish()
    }
}

impl<O, E> DeserializeResponse for FnDeserializer<O, E>
where
    O: Debug + Send + Sync + 'static,
    E: std::error::Error + Debug + Send + Sync + 'static,
{
    fn deserialize_streaming(
        &self,
        response: &mut HttpResponse,
    ) -> Option<Result<Output, OrchestratorError<Error>>> {
        // `None`: the orchestrator reads the body whole, then calls `deserialize_nonstreaming`.
        let streamed = self.streamed.filter(|_| response.status().is_success())?;
        Some(streamed(response).map(Output::erase).map_err(|err| err.map_operation_error(Error::erase)))
    }

    fn deserialize_nonstreaming(
        &self,
        response: &HttpResponse,
    ) -> Result<Output, OrchestratorError<Error>> {
        (self.whole)(response)
            .map(Output::erase)
            .map_err(|err| err.map_operation_error(Error::erase))
    }
}

/// Fills an unset top-level `@idempotencyToken` input member with a token from the call's
/// configuration: the per-call override's provider when it sets one, else the client's.
/// A token the caller set is left as it is.
pub fn fill_idempotency_token<S>(
    token: &mut Option<String>,
    config: &ClientConfig<S>,
    config_override: Option<&ClientConfigBuilder<S>>,
) {
    if token.is_none() {
        let provider = config_override
            .and_then(ClientConfigBuilder::<S>::get_idempotency_token_provider)
            .unwrap_or_else(|| config.idempotency_token_provider());
        *token = Some(provider.make_idempotency_token());
    }
}

#[cfg(test)]
mod idempotency_tests {
    use super::*;

    #[test]
    fn fill_keeps_a_set_token_and_prefers_the_override() {
        let config: ClientConfig = ClientConfig::builder().idempotency_token_provider("from-client").build();
        let mut token = Some("mine".to_string());
        fill_idempotency_token(&mut token, &config, None);
        assert_eq!(token.as_deref(), Some("mine"));

        let mut token = None;
        fill_idempotency_token(&mut token, &config, None);
        assert_eq!(token.as_deref(), Some("from-client"));

        let over = ClientConfigBuilder::new().idempotency_token_provider("from-override");
        let mut token = None;
        fill_idempotency_token(&mut token, &config, Some(&over));
        assert_eq!(token.as_deref(), Some("from-override"));

        // An override that sets something else keeps the client's provider.
        let over = ClientConfigBuilder::new().use_fips(true);
        let mut token = None;
        fill_idempotency_token(&mut token, &config, Some(&over));
        assert_eq!(token.as_deref(), Some("from-client"));
    }
}
