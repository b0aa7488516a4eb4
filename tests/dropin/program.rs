//! A program written only against the official `aws-sdk-sagemakerruntime` API (issue 10).
//!
//! Compiled twice by the workspace's test run, with no `cfg` and nothing else changed:
//! `tests/dropin/official` depends on `aws-sdk-sagemakerruntime` itself, `tests/dropin/ours`
//! on `aws-sdk-sagemakerruntime = { package = "sagemaker-runtime", ... }`. Both runs make the
//! same assertions against the in-process mock (`sagemaker-runtime-mock`) and `aws-smithy-mocks`.

use aws_sdk_sagemakerruntime as sm;
use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockHandle, MockServer};
use sm::config::interceptors::BeforeTransmitInterceptorContextRef;
use sm::config::retry::RetryConfig;
use sm::config::timeout::TimeoutConfig;
use sm::config::auth::{DefaultAuthSchemeResolver, ResolveAuthScheme};
use sm::config::endpoint::{DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint};
use sm::config::retry::{ClassifyRetry, RetryAction, RetryPartition};
use sm::config::{
    BehaviorVersion, ConfigBag, Credentials, FrameworkMetadata, Intercept, Region, RuntimeComponents,
    RuntimePlugin, SharedCredentialsProvider, StalledStreamProtectionConfig,
};
use sm::error::{BoxError, BuildError, ConnectorError, DisplayErrorContext, SdkError};
use sm::operation::invoke_endpoint::{InvokeEndpoint, InvokeEndpointError, InvokeEndpointInput, InvokeEndpointOutput};
use sm::operation::invoke_endpoint_async::{InvokeEndpointAsyncError, InvokeEndpointAsyncInput};
use sm::operation::RequestId;
use sm::primitives::Blob;
use sm::types::error::ModelError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn sdk_config(url: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .load()
        .await
}

async fn mock() -> MockHandle {
    MockServer::new()
        .endpoint("echo", Behaviour::echo())
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "CUDA out of memory")))
        .start()
        .await
        .expect("the mock starts")
}

/// Counts the requests it sees before they are sent.
#[derive(Debug, Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Intercept for Counter {
    fn name(&self) -> &'static str {
        "Counter"
    }
    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn config_from_sdk_config_and_back() {
    let sdk = sdk_config("http://127.0.0.1:9").await;
    let config = sm::Config::new(&sdk);
    let from: sm::Config = sm::Config::from(&sdk);
    assert_eq!(config.region(), Some(&Region::new("us-east-1")));
    assert_eq!(from.region(), config.region());
    let retry: Option<&RetryConfig> = config.retry_config();
    assert!(retry.is_some());
    let timeout: Option<&TimeoutConfig> = config.timeout_config();
    assert!(timeout.is_some());
    let rebuilt = config
        .to_builder()
        .retry_config(RetryConfig::standard().with_max_attempts(5))
        .timeout_config(TimeoutConfig::builder().operation_timeout(Duration::from_secs(30)).build())
        .stalled_stream_protection(StalledStreamProtectionConfig::enabled().build())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("A", "B", None, None, "t")))
        .build();
    assert_eq!(rebuilt.retry_config().map(|r| r.max_attempts()), Some(5));
    assert_eq!(
        rebuilt.timeout_config().and_then(|t| t.operation_timeout()),
        Some(Duration::from_secs(30))
    );
    assert_eq!(rebuilt.region(), Some(&Region::new("us-east-1")));
    assert!(!sm::meta::PKG_VERSION.is_empty());
    let _client = sm::Client::from_conf(rebuilt);
}

#[tokio::test]
async fn invoke_endpoint_customized_and_send_with() {
    let mock = mock().await;
    let client = sm::Client::new(&sdk_config(&mock.url()).await);
    let counter = Counter::default();
    let output: InvokeEndpointOutput = client
        .invoke_endpoint()
        .endpoint_name("echo")
        .content_type("application/json")
        .body(Blob::new(br#"{"x":1}"#.to_vec()))
        .customize()
        .config_override(sm::Config::builder().retry_config(RetryConfig::standard().with_max_attempts(1)))
        .interceptor(counter.clone())
        .mutate_request(|req| {
            req.headers_mut().insert("x-amzn-sagemaker-custom-attributes", "from-mutate");
        })
        .map_request(|mut req| {
            req.headers_mut().insert("x-drop-in", "mapped");
            Ok::<_, std::convert::Infallible>(req)
        })
        .send()
        .await
        .expect("the echo call succeeds");
    assert_eq!(output.body().map(|b| b.as_ref()), Some(&br#"{"x":1}"#[..]));
    assert!(output.request_id().is_some(), "the output carries the request id");
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(
        mock.requests()[0].header("x-amzn-sagemaker-custom-attributes"),
        Some("from-mutate")
    );
    assert_eq!(mock.requests()[0].header("x-drop-in"), Some("mapped"));

    // `body(x.into())` infers `Blob` from the setter's argument type.
    let bytes: Vec<u8> = b"1,2".to_vec();
    let input: Result<InvokeEndpointInput, BuildError> = InvokeEndpointInput::builder()
        .endpoint_name("echo")
        .content_type("text/csv")
        .body(bytes.into())
        .build();
    assert_eq!(input.expect("the input builds").endpoint_name(), Some("echo"));
    let output = InvokeEndpointInput::builder()
        .endpoint_name("echo")
        .body(Blob::new("1,2"))
        .send_with(&client)
        .await
        .expect("send_with succeeds");
    assert_eq!(output.body().map(|b| b.as_ref()), Some(&b"1,2"[..]));
    mock.stop().await.expect("the mock stops");
}

#[tokio::test]
async fn invoke_endpoint_async_and_errors() {
    let mock = mock().await;
    mock.put_object("s3://in/x.json", "{}").await.expect("the object is stored");
    let client = sm::Client::new(&sdk_config(&mock.url()).await);

    let output = client
        .invoke_endpoint_async()
        .endpoint_name("echo")
        .input_location("s3://in/x.json")
        .request_ttl_seconds(600)
        .invocation_timeout_seconds(60)
        .send()
        .await
        .expect("the async call is accepted");
    assert!(output.inference_id().is_some());
    assert!(output.output_location().is_some());
    assert!(output.request_id().is_some());
    let input: Result<InvokeEndpointAsyncInput, BuildError> =
        InvokeEndpointAsyncInput::builder().endpoint_name("echo").build();
    assert!(input.is_ok());

    let err: SdkError<InvokeEndpointError> = client
        .invoke_endpoint()
        .endpoint_name("broken")
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .expect_err("the model fails");
    let text = format!("{}", DisplayErrorContext(&err));
    assert!(text.contains("CUDA out of memory"), "{text}");
    assert!(err.request_id().is_some());
    let service_wide = sm::Error::from(err);
    assert!(matches!(service_wide, sm::Error::ModelError(_)), "{service_wide:?}");

    let err: SdkError<InvokeEndpointAsyncError> = client
        .invoke_endpoint_async()
        .endpoint_name("echo")
        .send()
        .await
        .expect_err("no input location");
    let _: sm::Error = err.into();
    mock.stop().await.expect("the mock stops");
}

#[tokio::test]
async fn connector_errors_and_box_errors() {
    let sdk = sdk_config("http://127.0.0.1:1").await;
    let config = sm::config::Builder::from(&sdk)
        .retry_config(RetryConfig::disabled())
        .build();
    let client = sm::Client::from_conf(config);
    let err = client
        .invoke_endpoint()
        .endpoint_name("nowhere")
        .body(Blob::new("x"))
        .send()
        .await
        .expect_err("nothing listens on port 1");
    let connector: Option<&ConnectorError> = match &err {
        SdkError::DispatchFailure(failure) => failure.as_connector_error(),
        _ => None,
    };
    assert!(connector.is_some(), "{}", DisplayErrorContext(&err));
    let boxed: BoxError = Box::new(err);
    assert!(!boxed.to_string().is_empty());
}

#[tokio::test]
async fn aws_smithy_mocks() {
    use aws_smithy_mocks::{mock, mock_client};
    let ok = mock!(aws_sdk_sagemakerruntime::Client::invoke_endpoint)
        .match_requests(|input| input.endpoint_name() == Some("mocked"))
        .then_output(|| InvokeEndpointOutput::builder().body(Blob::new("hi")).content_type("text/plain").build());
    let failing = mock!(aws_sdk_sagemakerruntime::Client::invoke_endpoint).then_error(|| {
        InvokeEndpointError::ModelError(ModelError::builder().message("mocked failure").build())
    });
    let client = mock_client!(aws_sdk_sagemakerruntime, [&ok, &failing]);
    let output = client
        .invoke_endpoint()
        .endpoint_name("mocked")
        .body(Blob::new("q"))
        .send()
        .await
        .expect("the mocked output");
    assert_eq!(output.body().map(|b| b.as_ref()), Some(&b"hi"[..]));
    assert_eq!(output.content_type(), Some("text/plain"));
    let err = client
        .invoke_endpoint()
        .endpoint_name("other")
        .body(Blob::new("q"))
        .send()
        .await
        .expect_err("the mocked error");
    assert!(err.into_service_error().is_model_error());
    assert_eq!(ok.num_calls(), 1);
    assert_eq!(failing.num_calls(), 1);
}

/// A resolver of its own: every call goes to `url`, and it keeps the typed parameters the
/// client built for each call.
#[derive(Debug, Clone)]
struct ToMock {
    url: String,
    seen: Arc<Mutex<Vec<Params>>>,
}

impl ResolveEndpoint for ToMock {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        self.seen.lock().unwrap().push(params.clone());
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.url.clone()).build()))
    }
}

#[tokio::test]
async fn custom_endpoint_resolver_receives_the_typed_params() {
    let mock = mock().await;
    let resolver = ToMock { url: mock.url(), seen: Arc::default() };
    // No endpoint URL: the resolver alone says where calls go.
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .load()
        .await;
    let config = sm::config::Builder::from(&sdk).endpoint_resolver(resolver.clone()).build();
    let _shared: sm::config::endpoint::SharedEndpointResolver = config.endpoint_resolver();
    let client = sm::Client::from_conf(config);
    client
        .invoke_endpoint()
        .endpoint_name("echo")
        .body(Blob::new("x"))
        .send()
        .await
        .expect("the custom resolver sends the call to the mock");
    // A per-call override reaches the resolver too, as the `endpoint` parameter.
    client
        .invoke_endpoint()
        .endpoint_name("echo")
        .body(Blob::new("y"))
        .customize()
        .config_override(sm::Config::builder().endpoint_url("http://override.example").use_dual_stack(true))
        .send()
        .await
        .expect("the override's URL is only a parameter here");
    let seen = resolver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one resolution per call");
    assert_eq!(seen[0].region(), Some("eu-west-1"));
    assert_eq!(seen[0].use_fips(), Some(false));
    assert_eq!(seen[0].use_dual_stack(), Some(false));
    assert_eq!(seen[0].endpoint(), None);
    assert_eq!(seen[1].endpoint(), Some("http://override.example"));
    assert_eq!(seen[1].use_dual_stack(), Some(true));
    assert_eq!(mock.requests().len(), 2);
    mock.stop().await.expect("the mock stops");
}

#[tokio::test]
async fn default_resolver_and_params() -> Result<(), BoxError> {
    let endpoint = DefaultResolver::new()
        .resolve_endpoint(&Params::builder().region("us-west-2").build()?)
        .await?;
    assert_eq!(endpoint.url(), "https://runtime.sagemaker.us-west-2.amazonaws.com");
    let fips = DefaultResolver::new()
        .resolve_endpoint(&Params::builder().region("us-east-1").use_fips(true).build()?)
        .await?;
    assert_eq!(fips.url(), "https://runtime-fips.sagemaker.us-east-1.amazonaws.com");
    let china = DefaultResolver::new()
        .resolve_endpoint(&Params::builder().set_region(Some("cn-north-1".to_string())).build()?)
        .await?;
    assert_eq!(china.url(), "https://runtime.sagemaker.cn-north-1.amazonaws.com.cn");
    let custom = DefaultResolver::new()
        .resolve_endpoint(&Params::builder().endpoint("http://127.0.0.1:9").region("us-east-1").build()?)
        .await?;
    assert_eq!(custom.url(), "http://127.0.0.1:9");
    let err = DefaultResolver::new()
        .resolve_endpoint(&Params::builder().endpoint("http://127.0.0.1:9").use_fips(true).build()?)
        .await
        .expect_err("the rules refuse FIPS with a custom endpoint");
    assert!(err.to_string().contains("FIPS and custom endpoint are not supported"), "{err}");

    let params = Params::builder().region("ap-south-1").build()?;
    assert_eq!(params.use_fips(), Some(false), "defaults are applied");
    assert_eq!(params.use_dual_stack(), Some(false));
    assert_eq!(params.endpoint(), None);
    let invalid = Params::builder().region("not a host label").build().expect_err("the region is checked");
    assert!(invalid.to_string().contains("region"), "{invalid}");
    Ok(())
}

/// Counts the attempts it classifies, and classifies nothing.
#[derive(Debug, Clone, Default)]
struct Classified(Arc<AtomicUsize>);

impl ClassifyRetry for Classified {
    fn classify_retry(&self, _ctx: &sm::config::interceptors::InterceptorContext) -> RetryAction {
        self.0.fetch_add(1, Ordering::SeqCst);
        RetryAction::NoActionIndicated
    }
    fn name(&self) -> &'static str {
        "Classified"
    }
}

/// Always the same invocation id.
#[derive(Debug)]
struct FixedInvocationId;

impl aws_runtime::invocation_id::InvocationIdGenerator for FixedInvocationId {
    fn generate(&self) -> Result<Option<aws_runtime::invocation_id::InvocationId>, BoxError> {
        Ok(Some(aws_runtime::invocation_id::InvocationId::new("dropin-invocation".into())))
    }
}

/// Reads the input members the configuration asked to capture.
#[derive(Debug, Clone, Default)]
struct ReadsCaptured(Arc<Mutex<Vec<(String, String)>>>);

impl Intercept for ReadsCaptured {
    fn name(&self) -> &'static str {
        "ReadsCaptured"
    }
    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(captured) = cfg.load::<aws_smithy_types::telemetry::CapturedTelemetryAttributes>() {
            let mut seen = self.0.lock().unwrap();
            seen.extend(captured.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        }
        Ok(())
    }
}

#[tokio::test]
async fn official_config_settings_take_effect() {
    let mock = mock().await;
    let sdk = sdk_config(&mock.url()).await;
    let classified = Classified::default();
    let captured = ReadsCaptured::default();
    let config = sm::config::Builder::from(&sdk)
        .behavior_version_latest()
        .retry_partition(RetryPartition::new("dropin-partition"))
        .retry_classifier(classified.clone())
        .invocation_id_generator(FixedInvocationId)
        .framework_metadata(FrameworkMetadata::new("dropin", Some("1.0")).expect("valid metadata"))
        .disable_clock_skew_correction(true)
        .capture_input_attributes(["EndpointName", "CustomAttributes"])
        .interceptor(captured.clone())
        .auth_scheme_preference([aws_smithy_runtime_api::client::auth::AuthSchemeId::new("sigv4")])
        .build();
    assert_eq!(config.retry_partition().map(|p| p.to_string()), Some("dropin-partition".to_string()));
    assert_eq!(config.retry_classifiers().count(), 1);
    assert!(config.invocation_id_generator().is_some());
    assert_eq!(config.framework_metadata().len(), 1);
    assert_eq!(config.disable_clock_skew_correction(), Some(true));
    assert!(config.auth_scheme_preference().is_some());
    assert_eq!(config.auth_schemes().count(), 0);
    assert!(config.auth_scheme_resolver().is_none());
    assert_eq!(config.signing_name(), "sagemaker");
    let client = sm::Client::from_conf(config);
    client
        .invoke_endpoint()
        .endpoint_name("broken")
        .custom_attributes("secret")
        .body(Blob::new("x"))
        .send()
        .await
        .expect_err("the model fails");
    let request = &mock.requests()[0];
    assert_eq!(request.header("amz-sdk-invocation-id"), Some("dropin-invocation"));
    let agent = request.header("x-amz-user-agent").unwrap_or_default();
    assert!(agent.contains("lib/dropin/1.0"), "{agent}");
    assert!(classified.0.load(Ordering::SeqCst) >= 1, "the classifier ran");
    // Sensitive members are never captured.
    assert_eq!(*captured.0.lock().unwrap(), vec![("EndpointName".to_string(), "broken".to_string())]);
    assert!(InvokeEndpoint::new().config().is_some(), "the operation is a runtime plugin");
    mock.stop().await.expect("the mock stops");
}

/// Always "no auth": requests go unsigned.
#[derive(Debug)]
struct Unsigned;

impl ResolveAuthScheme for Unsigned {
    fn resolve_auth_scheme<'a>(
        &'a self,
        params: &'a sm::config::auth::Params,
        _cfg: &'a ConfigBag,
        _runtime_components: &'a RuntimeComponents,
    ) -> aws_smithy_runtime_api::client::auth::AuthSchemeOptionsFuture<'a> {
        assert_eq!(params.operation_name(), "InvokeEndpoint");
        let no_auth = aws_smithy_runtime_api::client::auth::AuthSchemeId::new("noAuth");
        aws_smithy_runtime_api::client::auth::AuthSchemeOptionsFuture::ready(Ok(vec![no_auth.into()]))
    }
}

#[tokio::test]
async fn auth_scheme_resolver_and_allow_no_auth() {
    let mock = mock().await;
    let signed_by_default = sm::Client::new(&sdk_config(&mock.url()).await);
    let unsigned = sm::Client::from_conf(
        sm::config::Builder::from(&sdk_config(&mock.url()).await).auth_scheme_resolver(Unsigned).build(),
    );
    assert!(unsigned.config().auth_scheme_resolver().is_some());
    // No credentials at all: `allow_no_auth` sends unsigned instead of failing.
    let anonymous = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(mock.url())
        .region(Region::new("us-east-1"))
        .no_credentials()
        .load()
        .await;
    let allowed = sm::Client::from_conf(sm::config::Builder::from(&anonymous).allow_no_auth().build());
    for client in [&signed_by_default, &unsigned, &allowed] {
        client.invoke_endpoint().endpoint_name("echo").body(Blob::new("x")).send().await.expect("the call succeeds");
    }
    let requests = mock.requests();
    assert!(requests[0].header("authorization").is_some(), "SigV4 by default");
    assert!(requests[1].header("authorization").is_none(), "the custom resolver chose no auth");
    assert!(requests[2].header("authorization").is_none(), "no credentials, no auth allowed");
    let _default = DefaultAuthSchemeResolver::default();
    mock.stop().await.expect("the mock stops");
}

#[test]
fn builders_fail_where_the_official_ones_do() {
    use sm::operation::invoke_endpoint_with_response_stream::InvokeEndpointWithResponseStreamOutput;
    // An output with an event stream cannot be built without it...
    let missing: Result<InvokeEndpointWithResponseStreamOutput, BuildError> =
        InvokeEndpointWithResponseStreamOutput::builder().content_type("text/plain").build();
    let err = missing.expect_err("the stream is required");
    assert!(err.to_string().contains("body"), "{err}");
    // ...while outputs and errors without one build infallibly.
    let output: InvokeEndpointOutput = InvokeEndpointOutput::builder().content_type("text/plain").build();
    assert_eq!(output.content_type(), Some("text/plain"));
    let error: ModelError = ModelError::builder().message("m").build();
    assert_eq!(error.message(), Some("m"));
    let auth = sm::config::auth::Params::builder().build();
    assert!(auth.is_err(), "the operation name is required");
}
