//! The official `aws-sdk-sagemakerruntime` client against the mock: both operations succeed,
//! the async result appears where the SDK was told, and every error the mock sends maps to
//! the SDK's own variant with the same fields.

use crate::mock_support;

use aws_sdk_sagemakerruntime::error::ProvideErrorMetadata;
use aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError as SdkInvokeError;
use aws_sdk_sagemakerruntime::operation::invoke_endpoint_async::InvokeEndpointAsyncError as SdkAsyncError;
use aws_sdk_sagemakerruntime::primitives::Blob;
use mock_support::official;
use sagemaker_runtime_mock::{AsyncStatus, Behaviour, EndpointConfig, ErrorSpec, FixedResponse, MockServer};
use std::time::Duration;

#[tokio::test]
async fn both_operations_succeed_with_the_official_sdk() {
    let mock = MockServer::new()
        .endpoint(
            "fixed",
            Behaviour::fixed(FixedResponse::new("[0.1,0.9]").content_type("application/json").invoked_production_variant("Canary").custom_attributes("c=1")),
        )
        .start()
        .await
        .unwrap();
    let sdk = official(&mock.url());
    let out = sdk
        .invoke_endpoint()
        .endpoint_name("echo-ep")
        .content_type("application/json")
        .custom_attributes("a=b")
        .body(Blob::new(br#"{"x":1}"#.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.body().unwrap().as_ref(), br#"{"x":1}"#);
    assert_eq!(out.content_type(), Some("application/json"));
    assert_eq!(out.custom_attributes(), Some("a=b"));
    assert_eq!(out.invoked_production_variant(), Some("AllTraffic"));
    let out = sdk.invoke_endpoint().endpoint_name("fixed").body(Blob::new(b"-".to_vec())).send().await.unwrap();
    assert_eq!(out.body().unwrap().as_ref(), b"[0.1,0.9]");
    assert_eq!((out.invoked_production_variant(), out.custom_attributes()), (Some("Canary"), Some("c=1")));

    mock.put_object("s3://my-bucket/input/req.json", r#"{"q":"hello"}"#).await.unwrap();
    let out = sdk
        .invoke_endpoint_async()
        .endpoint_name("echo-ep")
        .input_location("s3://my-bucket/input/req.json")
        .content_type("application/json")
        .request_ttl_seconds(3600)
        .invocation_timeout_seconds(60)
        .send()
        .await
        .unwrap();
    let id = out.inference_id().unwrap();
    let output = out.output_location().unwrap();
    assert_eq!(output, format!("s3://sagemaker-mock-output/echo-ep/{id}.out"));
    assert_eq!(out.failure_location(), Some(format!("s3://sagemaker-mock-failure/echo-ep/{id}-error.out").as_str()));
    assert_eq!(mock.wait_for_async(id, Duration::from_secs(10)).await.unwrap().status, AsyncStatus::Succeeded);
    assert_eq!(mock.get_object(output).await.unwrap(), r#"{"q":"hello"}"#);
}

#[tokio::test]
async fn the_official_sdk_maps_every_invoke_endpoint_error_to_its_variant() {
    let mock = MockServer::new()
        .default_endpoint(Behaviour::not_found())
        .endpoint("model-error", Behaviour::error(ErrorSpec::model_error(503, "container overloaded")))
        .endpoint("not-ready", Behaviour::error(ErrorSpec::model_not_ready().message("still loading")))
        .endpoint("unavailable", Behaviour::error(ErrorSpec::service_unavailable()))
        .endpoint("internal", Behaviour::error(ErrorSpec::internal_failure()))
        .endpoint("dependency", Behaviour::error(ErrorSpec::internal_dependency()))
        .endpoint("invalid", Behaviour::error(ErrorSpec::validation("bad header")))
        .start()
        .await
        .unwrap();
    let sdk = official(&mock.url());
    let call = |name: &'static str| {
        let sdk = sdk.clone();
        async move { sdk.invoke_endpoint().endpoint_name(name).body(Blob::new(b"x".to_vec())).send().await.unwrap_err().into_service_error() }
    };
    match call("model-error").await {
        SdkInvokeError::ModelError(e) => {
            assert_eq!(e.original_status_code(), Some(503));
            assert_eq!(e.original_message(), Some("container overloaded"));
            assert_eq!(e.log_stream_arn(), Some("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/model-error"));
            assert!(e.message().unwrap().starts_with("Received server error (503) from primary with message \"container overloaded\"."));
        }
        other => panic!("{other:?}"),
    }
    match call("not-ready").await {
        SdkInvokeError::ModelNotReadyException(e) => assert_eq!(e.message(), Some("still loading")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(call("unavailable").await, SdkInvokeError::ServiceUnavailable(_)));
    assert!(matches!(call("internal").await, SdkInvokeError::InternalFailure(_)));
    assert!(matches!(call("dependency").await, SdkInvokeError::InternalDependencyException(_)));
    match call("invalid").await {
        SdkInvokeError::ValidationError(e) => assert_eq!(e.message(), Some("bad header")),
        other => panic!("{other:?}"),
    }
    match call("no-such-endpoint").await {
        SdkInvokeError::ValidationError(e) => assert_eq!(e.message(), Some("Endpoint no-such-endpoint of account 123456789012 not found.")),
        other => panic!("{other:?}"),
    }
    // A constraint violation found by the generated server.
    let err = sdk.invoke_endpoint().endpoint_name("bad_name").body(Blob::new(b"x".to_vec())).send().await.unwrap_err().into_service_error();
    match err {
        SdkInvokeError::ValidationError(e) => assert!(e.message().unwrap().starts_with("1 validation error detected: Value 'bad_name' at 'endpointName'")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_official_sdk_maps_every_invoke_endpoint_async_error_to_its_variant() {
    let mock = MockServer::new()
        .endpoint("unavailable", EndpointConfig::default().async_accept(Behaviour::error(ErrorSpec::service_unavailable())))
        .endpoint("internal", EndpointConfig::default().async_accept(Behaviour::error(ErrorSpec::internal_failure())))
        .endpoint("gone", Behaviour::not_found())
        .start()
        .await
        .unwrap();
    let sdk = official(&mock.url());
    let call = |name: &'static str, ttl: Option<i32>| {
        let sdk = sdk.clone();
        async move {
            sdk.invoke_endpoint_async()
                .endpoint_name(name)
                .input_location("s3://b/k")
                .set_request_ttl_seconds(ttl)
                .send()
                .await
                .unwrap_err()
                .into_service_error()
        }
    };
    assert!(matches!(call("unavailable", None).await, SdkAsyncError::ServiceUnavailable(_)));
    assert!(matches!(call("internal", None).await, SdkAsyncError::InternalFailure(_)));
    let err = call("gone", None).await;
    assert!(matches!(err, SdkAsyncError::ValidationError(_)), "{err:?}");
    assert_eq!(err.message(), Some("Endpoint gone of account 123456789012 not found."));
    let err = call("ok", Some(30)).await;
    assert!(matches!(err, SdkAsyncError::ValidationError(_)), "{err:?}");
    assert!(err.message().unwrap().contains("at 'requestTTLSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"));
}

/// The in-process example of the README's "Mock server" section, as written there.
#[tokio::test]
async fn my_code_handles_a_model_error() {
    let mock = MockServer::new() // a free port on 127.0.0.1, a temporary data directory
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "CUDA out of memory")))
        .start()
        .await
        .unwrap();
    let sdk_config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(mock.url())
        .region(aws_config::Region::new("us-east-1"))
        .test_credentials()
        .load()
        .await;
    let client = aws_sdk_sagemakerruntime::Client::new(&sdk_config);
    let err = client
        .invoke_endpoint()
        .endpoint_name("broken")
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"{}".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_model_error());
    assert_eq!(mock.requests()[0].endpoint_name.as_deref(), Some("broken"));
    mock.stop().await.unwrap();
}
