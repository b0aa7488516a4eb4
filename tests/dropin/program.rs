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
use sm::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
    SharedCredentialsProvider, StalledStreamProtectionConfig,
};
use sm::error::{BoxError, BuildError, ConnectorError, DisplayErrorContext, SdkError};
use sm::operation::invoke_endpoint::{InvokeEndpointError, InvokeEndpointInput, InvokeEndpointOutput};
use sm::operation::invoke_endpoint_async::{InvokeEndpointAsyncError, InvokeEndpointAsyncInput};
use sm::operation::RequestId;
use sm::primitives::Blob;
use sm::types::error::ModelError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
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
