//! The SageMaker Runtime mock, `InvokeEndpoint`, called over loopback TCP with the generated
//! client: echo, fixed responses, every modeled error, delays, sequences, unknown endpoints,
//! and the request log.

use crate::mock_support;

use aws_smithy_types::Blob;
use mock_support::{client, raw};
use sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError;
use sagemaker_runtime_mock::{Behaviour, EndpointConfig, ErrorSpec, FixedResponse, MockServer};
use std::time::{Duration, Instant};

#[tokio::test]
async fn any_endpoint_name_echoes_by_default_and_every_request_is_recorded() {
    let mock = MockServer::new().start().await.unwrap();
    let client = client(&mock.url());
    let out = client
        .invoke_endpoint()
        .endpoint_name("whatever-name")
        .content_type("text/csv")
        .accept("text/csv")
        .custom_attributes("trace=abc")
        .inference_id("inf-1")
        .body(Blob::new(b"1,2,3".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.body().unwrap().as_ref(), b"1,2,3");
    assert_eq!(out.content_type(), Some("text/csv"));
    assert_eq!(out.custom_attributes(), Some("trace=abc"));
    assert_eq!(out.invoked_production_variant(), Some("AllTraffic"));

    // Without a content type the echo is octet-stream, as the blob payload's default.
    let out = client.invoke_endpoint().endpoint_name("other").body(Blob::new(vec![0u8, 255])).send().await.unwrap();
    assert_eq!((out.body().unwrap().as_ref(), out.content_type()), (&[0u8, 255][..], Some("application/octet-stream")));

    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first.operation, Some("InvokeEndpoint"));
    assert_eq!(first.endpoint_name.as_deref(), Some("whatever-name"));
    assert_eq!((first.method.as_str(), first.uri.as_str()), ("POST", "/endpoints/whatever-name/invocations"));
    assert_eq!(first.body_text(), Some("1,2,3"));
    assert_eq!(first.header("X-Amzn-SageMaker-Custom-Attributes"), Some("trace=abc"));
    assert_eq!(first.header("x-amzn-sagemaker-inference-id"), Some("inf-1"));
    assert!(first.header("authorization").unwrap().starts_with("AWS4-HMAC-SHA256 Credential="), "the client signed it");
    mock.clear_requests();
    assert!(mock.requests().is_empty());
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn a_fixed_response_sets_body_content_type_variant_and_custom_attributes() {
    let mock = MockServer::new()
        .endpoint(
            "fixed",
            Behaviour::fixed(
                FixedResponse::new(r#"{"predictions":[0.9]}"#)
                    .content_type("application/json")
                    .invoked_production_variant("Blue")
                    .custom_attributes("model=v2"),
            ),
        )
        .endpoint("plain", EndpointConfig::new(Behaviour::fixed(FixedResponse::new("x"))).variant("Green"))
        .start()
        .await
        .unwrap();
    let client = client(&mock.url());
    let out = client.invoke_endpoint().endpoint_name("fixed").body(Blob::new(b"ignored".to_vec())).send().await.unwrap();
    assert_eq!(out.body().unwrap().as_ref(), br#"{"predictions":[0.9]}"#);
    assert_eq!(out.content_type(), Some("application/json"));
    assert_eq!(out.invoked_production_variant(), Some("Blue"));
    assert_eq!(out.custom_attributes(), Some("model=v2"));
    let out = client.invoke_endpoint().endpoint_name("plain").body(Blob::new(b"y".to_vec())).send().await.unwrap();
    assert_eq!((out.body().unwrap().as_ref(), out.invoked_production_variant()), (&b"x"[..], Some("Green")));
    assert_eq!(out.content_type(), Some("application/octet-stream"));
    assert_eq!(out.custom_attributes(), None);
}

fn mock_with_every_error() -> MockServer {
    MockServer::new()
        .endpoint("model-error", Behaviour::error(ErrorSpec::model_error(400, "bad input: feature 3 missing")))
        .endpoint("model-error-default", Behaviour::error(ErrorSpec::new("ModelError")))
        .endpoint("not-ready", Behaviour::error(ErrorSpec::model_not_ready()))
        .endpoint("invalid", Behaviour::error(ErrorSpec::validation("Inference Component Name header is required")))
        .endpoint("unavailable", Behaviour::error(ErrorSpec::service_unavailable()))
        .endpoint("internal", Behaviour::error(ErrorSpec::internal_failure().message("boom")))
        .endpoint("dependency", Behaviour::error(ErrorSpec::internal_dependency()))
        .endpoint("throttled", Behaviour::error(ErrorSpec::new("ThrottlingException").message("Rate exceeded")))
}

#[tokio::test]
async fn every_modeled_error_reaches_the_generated_client_as_its_variant() {
    let mock = mock_with_every_error().start().await.unwrap();
    let client = client(&mock.url());
    let call = |name: &'static str| {
        let client = client.clone();
        async move {
            let err = client.invoke_endpoint().endpoint_name(name).body(Blob::new(b"x".to_vec())).send().await.unwrap_err();
            let status = err.raw_response().map(|r| r.status().as_u16());
            (err.into_service_error(), status)
        }
    };

    let (err, status) = call("model-error").await;
    assert_eq!(status, Some(424));
    let InvokeEndpointError::ModelError(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.original_status_code(), Some(400));
    assert_eq!(e.original_message(), Some("bad input: feature 3 missing"));
    assert_eq!(e.log_stream_arn(), Some("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/model-error"));
    assert_eq!(
        e.message(),
        Some(
            "Received client error (400) from primary with message \"bad input: feature 3 missing\". See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group=/aws/sagemaker/Endpoints/model-error in account 123456789012 for more information."
        )
    );
    let (err, _) = call("model-error-default").await;
    let InvokeEndpointError::ModelError(e) = &err else { panic!("{err:?}") };
    assert_eq!((e.original_status_code(), e.original_message()), (Some(500), Some("Internal Server Error")));
    assert!(e.message().unwrap().starts_with("Received server error (500) from primary"));

    let (err, status) = call("not-ready").await;
    assert!(err.is_model_not_ready_exception(), "{err:?}");
    assert_eq!(status, Some(429));
    let (err, status) = call("invalid").await;
    assert!(err.is_validation_error(), "{err:?}");
    assert_eq!((status, err.meta().message()), (Some(400), Some("Inference Component Name header is required")));
    let (err, status) = call("unavailable").await;
    assert!(err.is_service_unavailable(), "{err:?}");
    assert_eq!(status, Some(503));
    let (err, status) = call("internal").await;
    assert!(err.is_internal_failure(), "{err:?}");
    assert_eq!((status, err.meta().message()), (Some(500), Some("boom")));
    let (err, status) = call("dependency").await;
    assert!(err.is_internal_dependency_exception(), "{err:?}");
    assert_eq!(status, Some(530));
    // A code the model does not know: answered with 500 and read as unhandled with its code.
    let (err, status) = call("throttled").await;
    assert!(matches!(err, InvokeEndpointError::Unhandled(_)), "{err:?}");
    assert_eq!((status, err.meta().code(), err.meta().message()), (Some(500), Some("ThrottlingException"), Some("Rate exceeded")));
}

#[tokio::test]
async fn errors_on_the_wire_are_restjson1_as_aws_sends_them() {
    let mock = mock_with_every_error().start().await.unwrap();
    let a = raw(mock.local_addr(), "POST", "/endpoints/model-error/invocations", &[], "x").await;
    assert_eq!(a.status, 424);
    assert_eq!(a.header("x-amzn-errortype"), "ModelError");
    assert_eq!(a.header("content-type"), "application/json");
    assert_eq!(a.header("x-amzn-requestid").len(), 36);
    let body = a.json();
    assert_eq!(body["OriginalStatusCode"], 400);
    assert_eq!(body["OriginalMessage"], "bad input: feature 3 missing");
    assert_eq!(body["LogStreamArn"], "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/model-error");
    assert!(body["message"].as_str().unwrap().starts_with("Received client error (400) from primary"));
}

#[tokio::test]
async fn unknown_endpoints_can_be_answered_as_aws_does() {
    let mock = MockServer::new()
        .default_endpoint(Behaviour::not_found())
        .endpoint("known", Behaviour::echo())
        .start()
        .await
        .unwrap();
    let client = client(&mock.url());
    assert!(client.invoke_endpoint().endpoint_name("known").body(Blob::new(b"x".to_vec())).send().await.is_ok());
    let err = client.invoke_endpoint().endpoint_name("unknown").body(Blob::new(b"x".to_vec())).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_error(), "{err:?}");
    assert_eq!(err.meta().message(), Some("Endpoint unknown of account 123456789012 not found."));
    let err = client.invoke_endpoint_async().endpoint_name("unknown").input_location("s3://b/k").send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_error(), "{err:?}");
    assert_eq!(err.meta().message(), Some("Endpoint unknown of account 123456789012 not found."));
}

#[tokio::test]
async fn delays_hold_the_answer_and_sequences_answer_in_turn() {
    let mock = MockServer::new()
        .endpoint("slow", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_millis(300)))
        .endpoint(
            "warming-up",
            Behaviour::sequence([
                Behaviour::error(ErrorSpec::model_not_ready()),
                Behaviour::fixed(FixedResponse::new("second")).delayed(Duration::from_millis(200)),
                Behaviour::echo(),
            ]),
        )
        .endpoint("flip-flop", Behaviour::sequence([Behaviour::echo(), Behaviour::error(ErrorSpec::service_unavailable())]).cycled())
        .start()
        .await
        .unwrap();
    let client = client(&mock.url());
    let started = Instant::now();
    client.invoke_endpoint().endpoint_name("slow").body(Blob::new(b"x".to_vec())).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());

    let invoke = |body: &'static [u8]| client.invoke_endpoint().endpoint_name("warming-up").body(Blob::new(body.to_vec())).send();
    assert!(invoke(b"1").await.unwrap_err().into_service_error().is_model_not_ready_exception());
    let started = Instant::now();
    assert_eq!(invoke(b"2").await.unwrap().body().unwrap().as_ref(), b"second");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(invoke(b"3").await.unwrap().body().unwrap().as_ref(), b"3");
    assert_eq!(invoke(b"4").await.unwrap().body().unwrap().as_ref(), b"4", "the last step repeats");

    let flip = || client.invoke_endpoint().endpoint_name("flip-flop").body(Blob::new(b"f".to_vec())).send();
    let outcomes: Vec<bool> = [flip().await.is_ok(), flip().await.is_ok(), flip().await.is_ok(), flip().await.is_ok()].into();
    assert_eq!(outcomes, [true, false, true, false], "a cycled sequence starts over");
}

#[tokio::test]
async fn stateful_sessions_get_a_new_session_id_from_echo() {
    let mock = MockServer::new().start().await.unwrap();
    let out = client(&mock.url())
        .invoke_endpoint()
        .endpoint_name("chat")
        .session_id("NEW_SESSION")
        .body(Blob::new(b"hi".to_vec()))
        .send()
        .await
        .unwrap();
    let session = out.new_session_id().expect("a new session id");
    assert!(session.contains("; Expires="), "{session}");
}
