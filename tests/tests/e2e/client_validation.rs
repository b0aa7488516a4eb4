//! The generated client's input checks (feature `validate`, setting `validate_input`): an input
//! that breaks the model's constraints fails with a construction error naming each member,
//! constraint and length, before a single connection is opened; a valid one is sent as usual.

use aws_smithy_runtime_api::client::result::SdkError;
use e2e_tests::{start, start_black_hole, Reply};
use sagemaker_runtime::config::{Credentials, Region, RetryConfig, TimeoutConfig};
use sagemaker_runtime::error::{Constraint, InvalidInput};
use sagemaker_runtime::primitives::Blob;
use std::net::SocketAddr;
use std::time::Duration;

const SECRET: &str = "sécret-attribute";

fn config(url: &str, validate: bool) -> sagemaker_runtime::Config {
    sagemaker_runtime::Config::builder()
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"))
        .endpoint_url(url)
        .retry_config(RetryConfig::disabled())
        // Only for the control call against the black hole, which would otherwise wait forever.
        .timeout_config(TimeoutConfig::builder().operation_timeout(Duration::from_millis(500)).build())
        .validate_input(validate)
        .build()
}

fn client(addr: SocketAddr, validate: bool) -> sagemaker_runtime::Client {
    sagemaker_runtime::Client::from_conf(config(&format!("http://{addr}"), validate))
}

/// The `InvalidInput` behind a construction failure, or a panic saying what the error was.
fn invalid_input<E: std::error::Error + 'static, R: std::fmt::Debug>(err: &SdkError<E, R>) -> &InvalidInput {
    match err {
        SdkError::ConstructionFailure(_) => std::error::Error::source(err)
            .and_then(|source| source.downcast_ref::<InvalidInput>())
            .unwrap_or_else(|| panic!("a construction failure, but its source is not InvalidInput: {err:?}")),
        other => panic!("expected a construction failure, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_input_fails_before_any_connection_and_names_member_constraint_length() {
    let (addr, accepted) = start_black_hole().await;
    let err = client(addr, true)
        .invoke_endpoint()
        .endpoint_name(format!("bad_name_{}", "x".repeat(60)))
        .custom_attributes(SECRET)
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .expect_err("the input breaks three constraints");
    let invalid = invalid_input(&err);
    assert_eq!(invalid.operation(), "InvokeEndpoint");
    let found: Vec<(String, &Constraint, Option<usize>)> =
        invalid.violations().iter().map(|v| (v.member_path(), &v.constraint, v.length)).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, "EndpointName");
    assert!(matches!(found[0].1, Constraint::Length { actual: 69, max: Some(63), .. }), "{found:?}");
    assert_eq!(found[1].0, "EndpointName");
    assert_eq!(found[1].1, &Constraint::Pattern("^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"));
    assert_eq!((found[2].0.as_str(), found[2].2), ("CustomAttributes", Some(SECRET.chars().count())));
    assert_eq!(found[2].1, &Constraint::Pattern("^\\p{ASCII}*$"));

    let message = format!("{}", sagemaker_runtime::error::DisplayErrorContext(&err));
    assert!(message.contains("invalid input for InvokeEndpoint, not sent: 3 constraint violations"), "{message}");
    assert!(message.contains("`EndpointName` (length 69, value 'bad_name_xxx"), "{message}");
    assert!(message.contains("Member must have length less than or equal to 63"), "{message}");
    assert!(message.contains("`CustomAttributes` (length 16): Member must satisfy regular expression pattern"), "{message}");
    assert!(!message.contains(SECRET), "a @sensitive value is never shown: {message}");
    assert!(!format!("{err:?}").contains(SECRET), "nor in Debug: {err:?}");
    assert_eq!(*accepted.lock().unwrap(), 0, "nothing may reach the network");

    // The control: the same input with the checks off does open a connection (so the count
    // above could have been non-zero).
    let unchecked = client(addr, false).invoke_endpoint().endpoint_name("bad_name").custom_attributes(SECRET).send().await;
    assert!(matches!(unchecked, Err(SdkError::TimeoutError(_))), "{unchecked:?}");
    assert_eq!(*accepted.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_missing_required_member_is_named() {
    let (addr, accepted) = start_black_hole().await;
    let err = client(addr, true)
        .invoke_endpoint_async()
        .input_location("s3://bucket/in.json")
        .send()
        .await
        .expect_err("EndpointName is required");
    let invalid = invalid_input(&err);
    assert_eq!(invalid.violations().len(), 1);
    assert_eq!(invalid.violations()[0].member_path(), "EndpointName");
    assert_eq!(invalid.violations()[0].constraint, Constraint::Required);
    assert!(invalid.to_string().ends_with("`EndpointName` (missing): Member must not be null"), "{invalid}");
    assert_eq!(*accepted.lock().unwrap(), 0);
}

#[tokio::test]
async fn a_valid_input_is_sent_as_usual() {
    let server = start(|_, _| Reply::ok("{}")).await;
    let client = sagemaker_runtime::Client::from_conf(config(&server.url(), true));
    let output = client
        .invoke_endpoint()
        .endpoint_name("my-endpoint")
        .custom_attributes("trace=1")
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .expect("a valid input is sent");
    assert_eq!(output.body().map(|b| b.as_ref()), Some(&b"{}"[..]));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].uri, "/endpoints/my-endpoint/invocations");
}

#[tokio::test]
async fn a_per_call_override_turns_the_checks_on_or_off() {
    let (addr, accepted) = start_black_hole().await;
    let err = client(addr, false)
        .invoke_endpoint()
        .endpoint_name("bad_name")
        .customize()
        .config_override(sagemaker_runtime::Config::builder().validate_input(true))
        .send()
        .await
        .expect_err("the override turns the checks on");
    assert_eq!(invalid_input(&err).violations()[0].member_path(), "EndpointName");
    assert_eq!(*accepted.lock().unwrap(), 0);

    let server = start(|_, _| Reply::ok("{}")).await;
    let sent = sagemaker_runtime::Client::from_conf(config(&server.url(), true))
        .invoke_endpoint()
        .endpoint_name("bad_name")
        .customize()
        .config_override(sagemaker_runtime::Config::builder().validate_input(false))
        .send()
        .await;
    assert!(sent.is_ok(), "the override turns them off: {sent:?}");
    assert_eq!(server.requests()[0].uri, "/endpoints/bad_name/invocations");
}
