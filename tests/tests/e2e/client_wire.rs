//! The generated SageMaker Runtime client on the wire, compared with the
//! official `aws-sdk-sagemakerruntime` client: both call the same loopback
//! server, and the requests they send and the way they read responses and
//! errors must agree. Our signatures are verified independently.

use aws_smithy_runtime_api::client::result::SdkError;
use e2e_tests::{start, verify_sigv4, Recorded, Reply, TestServer};
use sagemaker_runtime::config::{Credentials, Region, RetryConfig};
use sagemaker_runtime::error::{ProvideErrorMetadata, RequestId};
use sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError;
use sagemaker_runtime::operation::invoke_endpoint_async::InvokeEndpointAsyncError;
use sagemaker_runtime::primitives::Blob;

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "session-token-example";

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET_KEY, Some(SESSION_TOKEN.into()), None, "e2e")
}

fn ours(server: &TestServer) -> sagemaker_runtime::Client {
    let config = sagemaker_runtime::Config::builder()
        .region(Region::new("us-west-2"))
        .credentials_provider(credentials())
        .endpoint_url(server.url())
        .retry_config(RetryConfig::disabled())
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

fn official(server: &TestServer) -> aws_sdk_sagemakerruntime::Client {
    let config = aws_sdk_sagemakerruntime::Config::builder()
        .behavior_version(aws_sdk_sagemakerruntime::config::BehaviorVersion::latest())
        .region(aws_sdk_sagemakerruntime::config::Region::new("us-west-2"))
        .credentials_provider(aws_sdk_sagemakerruntime::config::Credentials::new(
            ACCESS_KEY,
            SECRET_KEY,
            Some(SESSION_TOKEN.into()),
            None,
            "e2e",
        ))
        .endpoint_url(server.url())
        .retry_config(aws_sdk_sagemakerruntime::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sagemakerruntime::Client::from_conf(config)
}

/// Headers the model binds, plus the ones HTTP framing derives from them.
fn modeled_headers(r: &Recorded) -> Vec<(String, String)> {
    let mut h: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-amzn-sagemaker-") || ["content-type", "accept", "content-length"].contains(&n.as_str()))
        .cloned()
        .collect();
    h.sort();
    h
}

fn assert_same_request(ours: &Recorded, official: &Recorded) {
    assert_eq!(ours.method, official.method, "method");
    assert_eq!(ours.uri, official.uri, "path and query (label encoding)");
    let mut expected = modeled_headers(official);
    if official.body.is_empty() && ours.body.is_empty() {
        // The official SDK labels an empty body `application/octet-stream`; the restJson1
        // protocol tests forbid a Content-Type when nothing is modeled in the body
        // (RestJsonHttpPostWithNoModeledBody), so we follow the specification and send none.
        expected.retain(|(n, _)| n != "content-type");
        assert_eq!(ours.header("content-type"), None, "no Content-Type without a body");
    }
    assert_eq!(modeled_headers(ours), expected, "modeled headers");
    assert_eq!(ours.body, official.body, "body");
}

fn assert_signed(r: &Recorded) {
    let scope = verify_sigv4(r, ACCESS_KEY, SECRET_KEY, Some(SESSION_TOKEN)).expect("our SigV4 signature verifies");
    assert_eq!(scope.service, "sagemaker", "signing name from aws.auth#sigv4");
    assert_eq!(scope.region, "us-west-2");
    for name in ["host", "x-amz-date", "x-amz-security-token"] {
        assert!(scope.signed_headers.iter().any(|s| s == name), "{name} is signed: {:?}", scope.signed_headers);
    }
    for (name, _) in modeled_headers(r) {
        if name != "content-length" {
            assert!(scope.signed_headers.contains(&name), "modeled header {name} is signed");
        }
    }
}

#[tokio::test]
async fn invoke_endpoint_sends_what_the_official_sdk_sends() {
    let server = start(|_, _| {
        Reply::status(200)
            .header("content-type", "text/csv")
            .header("x-amzn-invoked-production-variant", "variant-a")
            .header("x-amzn-sagemaker-custom-attributes", "trace=1")
            .header("x-amzn-sagemaker-new-session-id", "sess-9; Expires=2026-12-01T00:00:00Z")
            .header("x-amzn-requestid", "req-123")
            .body("1,2,3")
    })
    .await;
    // A name that needs percent-encoding in the label, and every modeled header.
    let name = "my endpoint/ü+x";
    let out = ours(&server)
        .invoke_endpoint()
        .endpoint_name(name)
        .body(Blob::new(b"{\"instances\":[1,2]}".to_vec()))
        .content_type("application/json")
        .accept("text/csv")
        .custom_attributes("c000b4f9-df62-4c85-a0bf-7c525f9104a4")
        .target_model("model.tar.gz")
        .target_variant("variant-a")
        .target_container_hostname("container-1")
        .inference_id("inf-1")
        .enable_explanations("`true`")
        .inference_component_name("component-1")
        .session_id("NEW_SESSION")
        .prefix_aware_id("tenant 7/chat:a")
        .send()
        .await
        .expect("our call succeeds");
    let reference = official(&server)
        .invoke_endpoint()
        .endpoint_name(name)
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"{\"instances\":[1,2]}".to_vec()))
        .content_type("application/json")
        .accept("text/csv")
        .custom_attributes("c000b4f9-df62-4c85-a0bf-7c525f9104a4")
        .target_model("model.tar.gz")
        .target_variant("variant-a")
        .target_container_hostname("container-1")
        .inference_id("inf-1")
        .enable_explanations("`true`")
        .inference_component_name("component-1")
        .session_id("NEW_SESSION")
        .prefix_aware_id("tenant 7/chat:a")
        .send()
        .await
        .expect("official call succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_same_request(&requests[0], &requests[1]);
    assert_eq!(requests[0].path(), "/endpoints/my%20endpoint%2F%C3%BC%2Bx/invocations");
    assert_eq!(requests[0].header("x-amzn-sagemaker-prefix-aware-id"), Some("tenant 7/chat:a"));
    assert_signed(&requests[0]);

    // Both read the response the same way.
    assert_eq!(out.body().map(|b| b.as_ref()), reference.body().map(|b| b.as_ref()));
    assert_eq!(out.body().map(|b| b.as_ref()), Some(&b"1,2,3"[..]));
    assert_eq!(out.content_type(), reference.content_type());
    assert_eq!(out.invoked_production_variant(), reference.invoked_production_variant());
    assert_eq!(out.custom_attributes(), reference.custom_attributes());
    assert_eq!(out.new_session_id(), reference.new_session_id());
    assert_eq!(out.closed_session_id(), reference.closed_session_id());
    // Sensitive members never reach Debug output.
    let debug = format!("{out:?}");
    assert!(!debug.contains("1,2,3") && debug.contains("*** Sensitive Data Redacted ***"), "{debug}");
}

#[tokio::test]
async fn invoke_endpoint_async_sends_and_reads_what_the_official_sdk_does() {
    let server = start(|_, _| {
        Reply::status(202)
            .header("content-type", "application/json")
            .header("x-amzn-sagemaker-outputlocation", "s3://bucket/out/inf-7.out")
            .header("x-amzn-sagemaker-failurelocation", "s3://bucket/failure/inf-7.out")
            .header("x-amzn-requestid", "req-async")
            .body(r#"{"InferenceId":"inf-7"}"#)
    })
    .await;
    let out = ours(&server)
        .invoke_endpoint_async()
        .endpoint_name("async-ep")
        .input_location("s3://bucket/in/payload.json")
        .content_type("application/json")
        .accept("application/json")
        .custom_attributes("a=b")
        .inference_id("inf-7")
        .request_ttl_seconds(600)
        .invocation_timeout_seconds(120)
        .send()
        .await
        .expect("our async call succeeds");
    let reference = official(&server)
        .invoke_endpoint_async()
        .endpoint_name("async-ep")
        .input_location("s3://bucket/in/payload.json")
        .content_type("application/json")
        .accept("application/json")
        .custom_attributes("a=b")
        .inference_id("inf-7")
        .request_ttl_seconds(600)
        .invocation_timeout_seconds(120)
        .send()
        .await
        .expect("official async call succeeds");
    let requests = server.requests();
    assert_same_request(&requests[0], &requests[1]);
    assert_eq!(requests[0].path(), "/endpoints/async-ep/async-invocations");
    assert_eq!(requests[0].header("x-amzn-sagemaker-requestttlseconds"), Some("600"));
    assert_signed(&requests[0]);
    assert_eq!(out.inference_id(), Some("inf-7"));
    assert_eq!(out.inference_id(), reference.inference_id());
    assert_eq!(out.output_location(), reference.output_location());
    assert_eq!(out.failure_location(), reference.failure_location());
}

/// The inline form of the async call: `Body` as the payload, with the output placement headers.
#[tokio::test]
async fn invoke_endpoint_async_with_an_inline_body_sends_what_the_official_sdk_sends() {
    let server = start(|_, _| Reply::status(202).header("content-type", "application/json").body(r#"{"InferenceId":"inf-8"}"#)).await;
    let payload = br#"{"inputs":"a prompt"}"#.to_vec();
    ours(&server)
        .invoke_endpoint_async()
        .endpoint_name("async-ep")
        .body(Blob::new(payload.clone()))
        .content_type("application/json")
        .s3_output_path_extension("runs/2026-12-01/batch_(1)")
        .filename("result-1.json")
        .inference_id("inf-8")
        .send()
        .await
        .expect("our async call succeeds");
    official(&server)
        .invoke_endpoint_async()
        .endpoint_name("async-ep")
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(payload.clone()))
        .content_type("application/json")
        .s3_output_path_extension("runs/2026-12-01/batch_(1)")
        .filename("result-1.json")
        .inference_id("inf-8")
        .send()
        .await
        .expect("official async call succeeds");
    let requests = server.requests();
    assert_same_request(&requests[0], &requests[1]);
    assert_eq!(requests[0].body.as_ref(), payload.as_slice());
    assert_eq!(requests[0].header("x-amzn-sagemaker-s3outputpathextension"), Some("runs/2026-12-01/batch_(1)"));
    assert_eq!(requests[0].header("x-amzn-sagemaker-filename"), Some("result-1.json"));
    assert_eq!(requests[0].header("x-amzn-sagemaker-inputlocation"), None);
    assert_signed(&requests[0]);
}

/// Every modeled error, as AWS sends it, maps to the same variant in both clients.
#[tokio::test]
async fn every_modeled_error_is_parsed_like_the_official_sdk() {
    let cases: Vec<(u16, &str, &str)> = vec![
        (400, "ValidationError", r#"{"message":"1 validation error detected"}"#),
        (424, "ModelError", r#"{"Message":"Received server error (500) from model","OriginalStatusCode":500,"OriginalMessage":"boom","LogStreamArn":"arn:aws:logs:us-west-2:123:log-group:/aws/sagemaker/Endpoints/x"}"#),
        (429, "ModelNotReadyException", r#"{"Message":"model is loading"}"#),
        (500, "InternalFailure", r#"{"message":"internal"}"#),
        (503, "ServiceUnavailable", r#"{"message":"try later"}"#),
        (530, "InternalDependencyException", r#"{"Message":"dependency failed"}"#),
    ];
    for (status, code, body) in cases {
        let server = start(move |_, _| Reply::json_error(status, code, body)).await;
        let ours_err = ours(&server)
            .invoke_endpoint()
            .endpoint_name("ep")
            .body(Blob::new(b"x".to_vec()))
            .send()
            .await
            .expect_err("an error response is an error");
        let official_err = official(&server)
            .invoke_endpoint()
            .endpoint_name("ep")
            .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"x".to_vec()))
            .send()
            .await
            .expect_err("an error response is an error");
        assert_eq!(ours_err.raw_response().map(|r| r.status().as_u16()), Some(status), "{code}: raw response");
        assert_eq!(ours_err.request_id(), Some(format!("req-{code}").as_str()), "{code}: request id");
        let SdkError::ServiceError(ctx) = ours_err else { panic!("{code}: expected a service error") };
        let err = ctx.into_err();
        let official_service = official_err.into_service_error();
        assert_eq!(err.code(), Some(code), "{code}: code");
        assert_eq!(err.code(), aws_sdk_sagemakerruntime::error::ProvideErrorMetadata::code(&official_service));
        assert_eq!(err.message(), aws_sdk_sagemakerruntime::error::ProvideErrorMetadata::message(&official_service), "{code}: message");
        let variant_matches = match (&err, &official_service) {
            (InvokeEndpointError::ValidationError(_), aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::ValidationError(_)) => true,
            (InvokeEndpointError::ModelError(e), aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::ModelError(o)) => {
                assert_eq!(e.original_status_code(), o.original_status_code());
                assert_eq!(e.original_status_code(), Some(500));
                assert_eq!(e.original_message(), o.original_message());
                assert_eq!(e.log_stream_arn(), o.log_stream_arn());
                true
            }
            (InvokeEndpointError::ModelNotReadyException(_), aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::ModelNotReadyException(_)) => true,
            (InvokeEndpointError::InternalFailure(_), aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::InternalFailure(_)) => true,
            (InvokeEndpointError::ServiceUnavailable(_), aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::ServiceUnavailable(_)) => true,
            (InvokeEndpointError::InternalDependencyException(_), aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::InternalDependencyException(_)) => true,
            _ => false,
        };
        assert!(variant_matches, "{code}: ours {err:?} vs official {official_service:?}");
    }
}

/// The error code also comes from the body (`code`, then `__type`) with namespaces and suffixes stripped.
#[tokio::test]
async fn error_code_from_body_is_sanitized() {
    for body in [
        r#"{"__type":"com.amazonaws.sagemakerruntime#ModelNotReadyException","message":"m"}"#,
        r#"{"code":"ModelNotReadyException:http://internal.amazon.com/coral/","message":"m"}"#,
    ] {
        let server = start(move |_, _| Reply::status(429).header("content-type", "application/json").body(body.to_string())).await;
        let err = ours(&server).invoke_endpoint().endpoint_name("ep").send().await.expect_err("error");
        let err = err.into_service_error();
        assert!(err.is_model_not_ready_exception(), "{body}: {err:?}");
    }
}

/// Unknown codes and unreadable responses are errors, never panics.
#[tokio::test]
async fn bad_responses_become_errors_not_panics() {
    let server = start(|i, _| match i {
        0 => Reply::json_error(418, "SomethingNew", r#"{"message":"new"}"#),
        1 => Reply::status(500).body("<html>not json</html>"),
        2 => Reply::json_error(424, "ModelError", "{not json"),
        3 => Reply::status(202).header("content-type", "application/json").body("{\"InferenceId\": 7}"),
        _ => Reply::status(202).body("\u{0}\u{1}garbage"),
    })
    .await;
    let client = ours(&server);
    let unknown = client.invoke_endpoint().endpoint_name("ep").send().await.expect_err("unknown code");
    let unknown = unknown.into_service_error();
    assert!(matches!(unknown, InvokeEndpointError::Unhandled(_)));
    assert_eq!(unknown.code(), Some("SomethingNew"));
    assert_eq!(unknown.message(), Some("new"));

    let html = client.invoke_endpoint().endpoint_name("ep").send().await.expect_err("500");
    assert!(matches!(html.into_service_error(), InvokeEndpointError::Unhandled(_)));

    let broken = client.invoke_endpoint().endpoint_name("ep").send().await.expect_err("broken body");
    assert!(matches!(broken.into_service_error(), InvokeEndpointError::Unhandled(_)));

    let wrong_type = client.invoke_endpoint_async().endpoint_name("ep").input_location("s3://b/k").send().await;
    let err = wrong_type.expect_err("a number where a string belongs");
    assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
    let garbage = client.invoke_endpoint_async().endpoint_name("ep").input_location("s3://b/k").send().await;
    assert!(matches!(garbage.expect_err("garbage"), SdkError::ResponseError(_)));
    let _: Option<InvokeEndpointAsyncError> = None;
}

/// A missing label is refused before anything is sent.
#[tokio::test]
async fn missing_label_fails_before_sending() {
    let server = start(|_, _| Reply::status(200)).await;
    let err = ours(&server).invoke_endpoint().body(Blob::new(b"x".to_vec())).send().await.expect_err("no endpoint name");
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let empty = ours(&server).invoke_endpoint().endpoint_name("").send().await.expect_err("empty endpoint name");
    assert!(matches!(empty, SdkError::ConstructionFailure(_)));
    assert!(server.requests().is_empty());
}

/// A 6 MB payload goes out and comes back intact.
#[tokio::test]
async fn six_megabyte_payload_round_trips() {
    let server = start(|_, r| Reply::status(200).header("content-type", "application/octet-stream").body(r.body.clone())).await;
    let payload: Vec<u8> = (0..6 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let out = ours(&server)
        .invoke_endpoint()
        .endpoint_name("big")
        .content_type("application/octet-stream")
        .body(Blob::new(payload.clone()))
        .send()
        .await
        .expect("6 MB call succeeds");
    assert_eq!(out.body().map(|b| b.as_ref().len()), Some(payload.len()));
    assert!(out.body().map(|b| b.as_ref() == payload.as_slice()).unwrap_or(false));
    assert_signed(&server.requests()[0]);
}

/// `Client::new` takes region, credentials and endpoint from an `SdkConfig`.
#[tokio::test]
async fn client_from_sdk_config() {
    let server = start(|_, _| Reply::status(200).body("ok")).await;
    let sdk_config = aws_types::SdkConfig::builder()
        .region(aws_types::region::Region::new("eu-central-1"))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(credentials()))
        .endpoint_url(server.url())
        .behavior_version(aws_smithy_runtime_api::client::behavior_version::BehaviorVersion::latest())
        .build();
    let client = sagemaker_runtime::Client::new(&sdk_config);
    client.invoke_endpoint().endpoint_name("ep").body(Blob::new(b"1".to_vec())).send().await.expect("call");
    let scope = verify_sigv4(&server.requests()[0], ACCESS_KEY, SECRET_KEY, Some(SESSION_TOKEN)).expect("signed");
    assert_eq!(scope.region, "eu-central-1");
}

#[tokio::test]
async fn invoke_endpoint_with_response_stream_sends_what_the_official_sdk_sends() {
    let server = start(|_, _| {
        Reply::status(200)
            .header("content-type", "application/vnd.amazon.eventstream")
            .header("x-amzn-sagemaker-content-type", "text/plain")
            .header("x-amzn-invoked-production-variant", "variant-a")
    })
    .await;
    let name = "my endpoint/ü+x";
    let mut out = ours(&server)
        .invoke_endpoint_with_response_stream()
        .endpoint_name(name)
        .body(Blob::new(b"{\"inputs\":\"hi\"}".to_vec()))
        .content_type("application/json")
        .accept("text/event-stream")
        .custom_attributes("c000b4f9-df62-4c85-a0bf-7c525f9104a4")
        .target_variant("variant-a")
        .target_container_hostname("container-1")
        .inference_id("inf-1")
        .inference_component_name("component-1")
        .session_id("NEW_SESSION")
        .prefix_aware_id("tenant 7/chat:a")
        .send()
        .await
        .expect("our call succeeds");
    let mut reference = official(&server)
        .invoke_endpoint_with_response_stream()
        .endpoint_name(name)
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"{\"inputs\":\"hi\"}".to_vec()))
        .content_type("application/json")
        .accept("text/event-stream")
        .custom_attributes("c000b4f9-df62-4c85-a0bf-7c525f9104a4")
        .target_variant("variant-a")
        .target_container_hostname("container-1")
        .inference_id("inf-1")
        .inference_component_name("component-1")
        .session_id("NEW_SESSION")
        .prefix_aware_id("tenant 7/chat:a")
        .send()
        .await
        .expect("official call succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_same_request(&requests[0], &requests[1]);
    assert_eq!(requests[0].path(), "/endpoints/my%20endpoint%2F%C3%BC%2Bx/invocations-response-stream");
    assert_eq!(requests[0].header("x-amzn-sagemaker-prefix-aware-id"), Some("tenant 7/chat:a"));
    assert_signed(&requests[0]);

    // Both read the headers the same way; an empty stream ends at once for both.
    assert_eq!(out.content_type(), reference.content_type());
    assert_eq!(out.content_type(), Some("text/plain"));
    assert_eq!(out.invoked_production_variant(), reference.invoked_production_variant());
    assert!(out.body.recv().await.expect("an empty stream ends cleanly").is_none());
    assert!(reference.body.recv().await.expect("an empty stream ends cleanly").is_none());
}
