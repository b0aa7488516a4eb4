//! The mock rejects requests that break the model's constraints with `ValidationError` (400),
//! worded as AWS words it, before any behaviour runs: one case per constraint of both
//! operations, sent with the generated client (raw HTTP for the non-ASCII values no client
//! can put in a header).

use crate::mock_support;

use aws_smithy_types::Blob;
use mock_support::{client, raw};
use sagemaker_runtime_mock::MockServer;

/// Sends with the generated client and checks the `ValidationError` it reads.
macro_rules! expect_validation {
    ($call:expr, $member:expr, $rule:expr $(,)?) => {{
        let err = $call.await.expect_err("the mock must reject the request").into_service_error();
        check(&err, $member, $rule);
    }};
}

fn check(err: &(impl ValidationCheck + std::fmt::Debug), member: &str, rule: &str) {
    assert!(err.is_validation(), "{member}: {err:?}");
    let message = err.message().to_string();
    assert!(message.starts_with("1 validation error detected: "), "{member}: {message}");
    assert!(message.contains(&format!(" at '{member}' failed to satisfy constraint: {rule}")), "{member}: {message}");
}

trait ValidationCheck {
    fn is_validation(&self) -> bool;
    fn message(&self) -> &str;
}

impl ValidationCheck for sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError {
    fn is_validation(&self) -> bool {
        self.is_validation_error()
    }
    fn message(&self) -> &str {
        self.meta().message().unwrap_or_default()
    }
}

impl ValidationCheck for sagemaker_runtime::operation::invoke_endpoint_async::InvokeEndpointAsyncError {
    fn is_validation(&self) -> bool {
        self.is_validation_error()
    }
    fn message(&self) -> &str {
        self.meta().message().unwrap_or_default()
    }
}

const MAX_LEN_1024: &str = "Member must have length less than or equal to 1024";
const NAME_PATTERN: &str = "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$";
const PRINT_PATTERN: &str = "Member must satisfy regular expression pattern: ^\\A\\S[\\p{Print}]*\\z$";
const EXTENSION_PATTERN: &str = "Member must satisfy regular expression pattern: ^(?!s3:|https:)[a-zA-Z0-9!_.*'()/-]+$";
const FILENAME_PATTERN: &str = "Member must satisfy regular expression pattern: ^(?!.*\\..*\\.)[a-zA-Z0-9][a-zA-Z0-9-_\\.]*$";
const ASCII_PATTERN: &str = "Member must satisfy regular expression pattern: ^\\p{ASCII}*$";

#[tokio::test]
async fn each_invoke_endpoint_constraint_is_a_validation_error() {
    let mock = MockServer::new().start().await.unwrap();
    let c = client(&mock.url());
    let long = |n: usize| "a".repeat(n);
    let invoke = || c.invoke_endpoint().endpoint_name("ep").body(Blob::new(b"x".to_vec()));

    expect_validation!(c.invoke_endpoint().endpoint_name("bad_name").body(Blob::new(b"x".to_vec())).send(), "endpointName", NAME_PATTERN);
    expect_validation!(
        c.invoke_endpoint().endpoint_name(long(64)).body(Blob::new(b"x".to_vec())).send(),
        "endpointName",
        "Member must have length less than or equal to 63",
    );
    expect_validation!(c.invoke_endpoint().endpoint_name("ep").send(), "body", "Member must not be null");
    expect_validation!(
        c.invoke_endpoint().endpoint_name("ep").body(Blob::new(vec![b'a'; 6 * 1024 * 1024 + 1])).send(),
        "body",
        "Member must have length less than or equal to 6291456",
    );
    expect_validation!(invoke().content_type(long(1025)).send(), "contentType", MAX_LEN_1024);
    expect_validation!(invoke().accept(long(1025)).send(), "accept", MAX_LEN_1024);
    expect_validation!(invoke().custom_attributes(long(1025)).send(), "customAttributes", MAX_LEN_1024);
    expect_validation!(invoke().target_model(long(1025)).send(), "targetModel", MAX_LEN_1024);
    expect_validation!(invoke().target_model("model\tv2.tar.gz").send(), "targetModel", PRINT_PATTERN);
    expect_validation!(invoke().target_variant(long(64)).send(), "targetVariant", "Member must have length less than or equal to 63");
    expect_validation!(invoke().target_variant("bad_variant").send(), "targetVariant", NAME_PATTERN);
    expect_validation!(
        invoke().target_container_hostname(long(64)).send(),
        "targetContainerHostname",
        "Member must have length less than or equal to 63",
    );
    expect_validation!(invoke().target_container_hostname("host.name").send(), "targetContainerHostname", NAME_PATTERN);
    expect_validation!(invoke().inference_id(long(65)).send(), "inferenceId", "Member must have length less than or equal to 64");
    expect_validation!(invoke().inference_id("id\twith-tab").send(), "inferenceId", PRINT_PATTERN);
    expect_validation!(
        invoke().enable_explanations(long(65)).send(),
        "enableExplanations",
        "Member must have length less than or equal to 64",
    );
    expect_validation!(invoke().prefix_aware_id(long(65)).send(), "prefixAwareId", "Member must have length less than or equal to 64");
    expect_validation!(invoke().prefix_aware_id("tab\tinside").send(), "prefixAwareId", PRINT_PATTERN);
    // A leading space cannot travel over HTTP (parsers drop it as optional whitespace); a
    // non-ASCII value only as raw bytes, which no client sends.
    let a = raw(mock.local_addr(), "POST", "/endpoints/ep/invocations", &[("X-Amzn-SageMaker-Prefix-Aware-Id", "café".as_bytes())], "x").await;
    assert_eq!((a.status, a.header("x-amzn-errortype")), (400, "ValidationError"));
    assert!(a.message().contains(&format!("at 'prefixAwareId' failed to satisfy constraint: {PRINT_PATTERN}")), "{}", a.message());
    for accepted in ["user-42", "tenant a/b:c", "~!@#$%^&*()"] {
        invoke().prefix_aware_id(accepted).send().await.unwrap_or_else(|e| panic!("{accepted}: {e:?}"));
    }
    expect_validation!(
        invoke().inference_component_name(long(64)).send(),
        "inferenceComponentName",
        "Member must have length less than or equal to 63",
    );
    expect_validation!(
        invoke().inference_component_name("-component").send(),
        "inferenceComponentName",
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?$",
    );
    expect_validation!(invoke().session_id(long(257)).send(), "sessionId", "Member must have length less than or equal to 256");
    expect_validation!(
        invoke().session_id("new_session").send(),
        "sessionId",
        "Member must satisfy regular expression pattern: ^(NEW_SESSION)$|^[a-zA-Z0-9](-*[a-zA-Z0-9])*$",
    );

    // Empty strings for members with a minimum length of 1 (HTTP can carry an empty header).
    for (header, member) in [
        ("X-Amzn-SageMaker-Target-Model", "targetModel"),
        ("X-Amzn-SageMaker-Inference-Id", "inferenceId"),
        ("X-Amzn-SageMaker-Enable-Explanations", "enableExplanations"),
    ] {
        let a = raw(mock.local_addr(), "POST", "/endpoints/ep/invocations", &[(header, b"")], "x").await;
        assert_eq!((a.status, a.header("x-amzn-errortype")), (400, "ValidationError"), "{header}");
        assert!(a.message().contains(&format!("at '{member}' failed to satisfy constraint: Member must have length greater than or equal to 1")), "{}", a.message());
    }
    // `\p{ASCII}` members: only raw bytes can break them.
    for (header, member, shown) in [
        ("Content-Type", "contentType", "Value 'text/caf\u{e9}'"),
        ("Accept", "accept", "Value 'text/caf\u{e9}'"),
        ("X-Amzn-SageMaker-Custom-Attributes", "customAttributes", "Value"),
    ] {
        let a = raw(mock.local_addr(), "POST", "/endpoints/ep/invocations", &[(header, "text/café".as_bytes())], "x").await;
        assert_eq!((a.status, a.header("x-amzn-errortype")), (400, "ValidationError"), "{header}");
        assert_eq!(a.message(), format!("1 validation error detected: {shown} at '{member}' failed to satisfy constraint: {ASCII_PATTERN}"));
    }

    // None of these reached a behaviour; every one was recorded.
    assert!(mock.requests().iter().all(|r| r.operation == Some("InvokeEndpoint")));
    assert_eq!(mock.requests().len(), 32);
}

#[tokio::test]
async fn each_invoke_endpoint_async_constraint_is_a_validation_error() {
    let mock = MockServer::new().start().await.unwrap();
    let c = client(&mock.url());
    let long = |n: usize| "a".repeat(n);
    let submit = || c.invoke_endpoint_async().endpoint_name("ep").input_location("s3://bucket/in.json");

    expect_validation!(
        c.invoke_endpoint_async().endpoint_name("bad_name").input_location("s3://b/k").send(),
        "endpointName",
        NAME_PATTERN,
    );
    expect_validation!(
        c.invoke_endpoint_async().endpoint_name(long(64)).input_location("s3://b/k").send(),
        "endpointName",
        "Member must have length less than or equal to 63",
    );
    // The input is either inline (`Body`) or in S3 (`InputLocation`): exactly one of them.
    for (call, expected) in [
        (c.invoke_endpoint_async().endpoint_name("ep"), "Either InputLocation or Body must be provided."),
        (
            submit().body(Blob::new(b"{}".to_vec())),
            "InputLocation and Body are mutually exclusive: provide exactly one of them.",
        ),
    ] {
        let err = call.send().await.expect_err("the mock must reject the request").into_service_error();
        assert!(err.is_validation_error(), "{err:?}");
        assert_eq!(err.meta().message(), Some(expected));
    }
    expect_validation!(
        c.invoke_endpoint_async().endpoint_name("ep").body(Blob::new(vec![b'a'; 128_001])).send(),
        "body",
        "Member must have length less than or equal to 128000",
    );
    expect_validation!(
        submit().s3_output_path_extension(long(513)).send(),
        "s3OutputPathExtension",
        "Member must have length less than or equal to 512",
    );
    for rejected in ["s3://bucket/out", "https://bucket.s3.amazonaws.com/x", "runs 1", "run#1"] {
        expect_validation!(
            submit().s3_output_path_extension(rejected).send(),
            "s3OutputPathExtension",
            EXTENSION_PATTERN,
        );
    }
    expect_validation!(submit().filename(long(33)).send(), "filename", "Member must have length less than or equal to 32");
    for rejected in ["a..b", "a.b.c", ".hidden", "-lead", "with space", "x/y"] {
        expect_validation!(submit().filename(rejected).send(), "filename", FILENAME_PATTERN);
    }
    expect_validation!(
        c.invoke_endpoint_async().endpoint_name("ep").input_location(format!("s3://b/{}", long(1020))).send(),
        "inputLocation",
        MAX_LEN_1024,
    );
    expect_validation!(
        c.invoke_endpoint_async().endpoint_name("ep").input_location("ftp://bucket/in.json").send(),
        "inputLocation",
        "Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$",
    );
    expect_validation!(submit().content_type(long(1025)).send(), "contentType", MAX_LEN_1024);
    expect_validation!(submit().accept(long(1025)).send(), "accept", MAX_LEN_1024);
    expect_validation!(submit().custom_attributes(long(1025)).send(), "customAttributes", MAX_LEN_1024);
    expect_validation!(submit().inference_id(long(65)).send(), "inferenceId", "Member must have length less than or equal to 64");
    expect_validation!(submit().inference_id("id\twith-tab").send(), "inferenceId", PRINT_PATTERN);
    expect_validation!(
        submit().request_ttl_seconds(59).send(),
        "requestTTLSeconds",
        "Member must have value greater than or equal to 60",
    );
    expect_validation!(
        submit().request_ttl_seconds(21_601).send(),
        "requestTTLSeconds",
        "Member must have value less than or equal to 21600",
    );
    expect_validation!(
        submit().invocation_timeout_seconds(0).send(),
        "invocationTimeoutSeconds",
        "Member must have value greater than or equal to 1",
    );
    expect_validation!(
        submit().invocation_timeout_seconds(3601).send(),
        "invocationTimeoutSeconds",
        "Member must have value less than or equal to 3600",
    );
    let a = raw(
        mock.local_addr(),
        "POST",
        "/endpoints/ep/async-invocations",
        &[("X-Amzn-SageMaker-InputLocation", b"s3://b/k"), ("X-Amzn-SageMaker-Inference-Id", b"")],
        "",
    )
    .await;
    assert!(a.message().contains("at 'inferenceId' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{}", a.message());
    for (header, member) in [
        ("X-Amzn-SageMaker-Content-Type", "contentType"),
        ("X-Amzn-SageMaker-Accept", "accept"),
        ("X-Amzn-SageMaker-Custom-Attributes", "customAttributes"),
    ] {
        let a = raw(
            mock.local_addr(),
            "POST",
            "/endpoints/ep/async-invocations",
            &[("X-Amzn-SageMaker-InputLocation", b"s3://b/k"), (header, "café".as_bytes())],
            "",
        )
        .await;
        assert_eq!((a.status, a.header("x-amzn-errortype")), (400, "ValidationError"), "{header}");
        assert!(a.message().contains(&format!("at '{member}' failed to satisfy constraint: {ASCII_PATTERN}")), "{}", a.message());
    }
    // Nothing invalid was queued.
    assert!(mock.pending_async().is_empty());
    assert!(mock.async_results().is_empty());
    assert_eq!(std::fs::read_dir(mock.data_dir().join(".queue")).unwrap().count(), 0);
}
