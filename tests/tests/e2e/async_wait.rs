//! `send_and_wait()` of the generated client (feature `async-result`): `InvokeEndpointAsync`
//! sent to the mock over loopback with real SigV4, its result object read with aws-sdk-s3
//! built from the same `SdkConfig`, from the S3 API the mock serves for its store. The result,
//! a failure report with its content, a deadline that passes, and the S3 endpoint taken from the
//! profile's `services` section (the service-specific endpoint override aws-config reads).

use crate::mock_support;

use mock_support::{KEY, SECRET};
use sagemaker_runtime::async_result::{ResultReader, WaitError};
use sagemaker_runtime_mock::{AuthConfig, Behaviour, EndpointConfig, ErrorSpec, MockHandle, MockServer, StoreConfig, StoreKind};
use std::time::{Duration, Instant};

/// An `SdkConfig` for `url` (SageMaker and S3 alike), as `aws_config::load_defaults` builds one.
fn sdk_config(url: &str) -> aws_types::SdkConfig {
    aws_types::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new(KEY, SECRET, None, None, "test"),
        ))
        .endpoint_url(url)
        .build()
}

async fn mock() -> MockHandle {
    MockServer::new()
        .auth(AuthConfig::new(KEY, SECRET))
        .endpoint("slow-echo", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_millis(400)))
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "weights missing")))
        .endpoint("stuck", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_secs(30)))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_result_object_is_awaited_and_returned() {
    let mock = mock().await;
    mock.put_object("s3://inputs/1.json", r#"{"x":1}"#).await.unwrap();
    let sdk = sdk_config(&mock.url());
    let client = sagemaker_runtime::Client::new(&sdk);
    let results = ResultReader::new(&sdk);
    let started = Instant::now();
    let result = client
        .invoke_endpoint_async()
        .endpoint_name("slow-echo")
        .input_location("s3://inputs/1.json")
        .send_and_wait(&results)
        .await
        .unwrap();
    assert_eq!(&result[..], br#"{"x":1}"#);
    assert!(started.elapsed() >= Duration::from_millis(400), "not before the model answered");
    // An output already in hand: its own wait, its error usable with `?`.
    let output = client.invoke_endpoint_async().endpoint_name("slow-echo").input_location("s3://inputs/1.json").send().await.unwrap();
    let waited: Result<_, Box<dyn std::error::Error>> = async { Ok(output.wait_for_result(&results, Duration::from_secs(10)).await?) }.await;
    assert_eq!(&waited.unwrap()[..], br#"{"x":1}"#);
}

#[tokio::test]
async fn a_failure_report_ends_the_wait_with_its_content() {
    let mock = mock().await;
    let sdk = sdk_config(&mock.url());
    let err = sagemaker_runtime::Client::new(&sdk)
        .invoke_endpoint_async()
        .endpoint_name("broken")
        .body(aws_smithy_types::Blob::new(b"{}".to_vec()))
        .send_and_wait(&ResultReader::new(&sdk))
        .await
        .unwrap_err();
    match &err {
        WaitError::Failed { location, content } => {
            assert!(location.ends_with("-error.out"), "{location}");
            assert!(String::from_utf8_lossy(content).contains("weights missing"), "{content:?}");
        }
        other => panic!("expected Failed, got {other}"),
    }
    assert!(err.to_string().contains("weights missing"), "{err}");
}

#[tokio::test]
async fn a_deadline_ends_the_wait_and_a_refused_call_is_the_call_error() {
    let mock = mock().await;
    let sdk = sdk_config(&mock.url());
    let client = sagemaker_runtime::Client::new(&sdk);
    let results = ResultReader::new(&sdk);
    let started = Instant::now();
    let err = client
        .invoke_endpoint_async()
        .endpoint_name("stuck")
        .body(aws_smithy_types::Blob::new(b"{}".to_vec()))
        .send_and_wait_for(&results, Duration::from_millis(500))
        .await
        .unwrap_err();
    assert!(matches!(err, WaitError::TimedOut { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "gave up at the deadline, not later");
    // The deadline the request's own limits give: 1 s of queue time and 1 s to run.
    let err = client
        .invoke_endpoint_async()
        .endpoint_name("stuck")
        .body(aws_smithy_types::Blob::new(b"{}".to_vec()))
        .request_ttl_seconds(60)
        .invocation_timeout_seconds(1)
        .send_and_wait_for(&results, Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, WaitError::TimedOut { .. }), "{err}");
    // Neither input nor body: the service refuses the call, and that error comes back as is.
    let err = client.invoke_endpoint_async().endpoint_name("slow-echo").send_and_wait(&results).await.unwrap_err();
    match err {
        WaitError::Call(e) => assert!(e.into_service_error().is_validation_error()),
        other => panic!("expected the call's error, got {other}"),
    }
    // Dropping the future stops waiting: nothing is left behind to poll.
    let waiting = client.invoke_endpoint_async().endpoint_name("stuck").body(aws_smithy_types::Blob::new(b"{}".to_vec())).send_and_wait(&results);
    assert!(tokio::time::timeout(Duration::from_millis(300), waiting).await.is_err());
}

#[tokio::test]
async fn the_s3_endpoint_comes_from_the_profile_services_section() {
    // S3 is a second mock; the SageMaker mock keeps its results there (its store is S3).
    let s3 = MockServer::new().auth(AuthConfig::new(KEY, SECRET)).start().await.unwrap();
    let mut sagemaker = MockServer::new().endpoint("slow-echo", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_millis(100)));
    sagemaker.config_mut().store = StoreConfig {
        kind: StoreKind::S3,
        endpoint: Some(s3.url()),
        region: Some("us-east-1".into()),
        allow_http: true,
        access_key_id: Some(KEY.into()),
        secret_access_key: Some(SECRET.into()),
        ..StoreConfig::default()
    };
    let sagemaker = sagemaker.start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("config");
    std::fs::write(
        &profile,
        format!("[profile waits]\nregion = us-east-1\nservices = local-s3\n\n[services local-s3]\ns3 =\n  endpoint_url = {}\n", s3.url()),
    )
    .unwrap();
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .profile_files(
            aws_runtime::env_config::file::EnvConfigFiles::builder()
                .with_file(aws_runtime::env_config::file::EnvConfigFileKind::Config, &profile)
                .build(),
        )
        .profile_name("waits")
        .credentials_provider(aws_credential_types::Credentials::new(KEY, SECRET, None, None, "test"))
        .load()
        .await;
    let client = sagemaker_runtime::Client::from_conf(
        sagemaker_runtime::config::Builder::from(&sdk).endpoint_url(sagemaker.url()).build(),
    );
    let result = client
        .invoke_endpoint_async()
        .endpoint_name("slow-echo")
        .body(aws_smithy_types::Blob::new(b"through S3".to_vec()))
        .send_and_wait(&ResultReader::new(&sdk))
        .await
        .unwrap();
    assert_eq!(&result[..], b"through S3");
    assert!(s3.object_path("s3://sagemaker-mock-output/slow-echo/x").is_some_and(|p| p.parent().unwrap().exists()), "kept by the S3 mock");
}
