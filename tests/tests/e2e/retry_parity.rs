//! Retry classification: our client and the official `aws-sdk-sagemakerruntime` against the
//! same loopback server, counting the attempts each makes for every modeled error, every AWS
//! throttling and transient error code, and the usual transient HTTP statuses.
//!
//! The server answers the error once, then succeeds: 2 attempts mean "retried", 1 means "final".

use e2e_tests::{start, Reply};
use std::time::Duration;

const ACCESS_KEY: &str = "AKIDRETRY";
const SECRET_KEY: &str = "retry-secret";

fn ours(url: &str) -> sagemaker_runtime::Client {
    use sagemaker_runtime::config::{Credentials, Region, RetryConfig};
    let config = sagemaker_runtime::Config::builder()
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "retry"))
        .endpoint_url(url)
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

fn official(url: &str) -> aws_sdk_sagemakerruntime::Client {
    use aws_sdk_sagemakerruntime::config::{retry::RetryConfig, BehaviorVersion, Credentials, Region};
    let config = aws_sdk_sagemakerruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "retry"))
        .endpoint_url(url)
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build();
    aws_sdk_sagemakerruntime::Client::from_conf(config)
}

/// Attempts (ours, official) for one `InvokeEndpoint` call whose first answer is `first`.
async fn attempts(first: Reply) -> (usize, usize) {
    let mut counts = [0; 2];
    for (slot, count) in counts.iter_mut().enumerate() {
        let first = first.clone();
        let server = start(move |i, _| if i == 0 { first.clone() } else { Reply::ok("{}") }).await;
        let body = b"{}".to_vec();
        let ok = if slot == 0 {
            let blob = sagemaker_runtime::primitives::Blob::new(body);
            ours(&server.url()).invoke_endpoint().endpoint_name("e").body(blob).send().await.is_ok()
        } else {
            let blob = aws_sdk_sagemakerruntime::primitives::Blob::new(body);
            official(&server.url()).invoke_endpoint().endpoint_name("e").body(blob).send().await.is_ok()
        };
        *count = server.requests().len();
        assert_eq!(ok, *count == 2, "a retried call succeeds, a final one fails");
    }
    (counts[0], counts[1])
}

fn modeled(status: u16, code: &str) -> Reply {
    Reply::json_error(status, code, &format!(r#"{{"Message":"{code} for the test"}}"#))
}

#[tokio::test]
async fn modeled_errors_are_retried_as_the_official_client_retries_them() {
    // The model's errors with the status the service sends them with.
    let cases = [
        ("ModelNotReadyException", 429, 1),
        ("ModelError", 424, 1),
        ("ValidationError", 400, 1),
        ("InternalDependencyException", 530, 1),
        ("ServiceUnavailable", 503, 2),
        ("InternalFailure", 500, 2),
    ];
    for (code, status, expected) in cases {
        let (ours, official) = attempts(modeled(status, code)).await;
        assert_eq!(ours, official, "{code} ({status}): ours vs official");
        assert_eq!(ours, expected, "{code} ({status})");
    }
}

#[tokio::test]
async fn aws_throttling_and_transient_codes_are_retried_as_the_official_client_retries_them() {
    let codes = aws_runtime::retries::classifiers::THROTTLING_ERRORS
        .iter()
        .chain(aws_runtime::retries::classifiers::TRANSIENT_ERRORS);
    for code in codes {
        for status in [400, 429] {
            let (ours, official) = attempts(Reply::error(status, code)).await;
            assert_eq!(ours, official, "{code} ({status}): ours vs official");
            assert_eq!(ours, 2, "{code} ({status}) is retried");
        }
    }
    // An unknown code is not, whatever its 4xx status.
    for status in [400, 429] {
        let (ours, official) = attempts(Reply::error(status, "SomethingElse")).await;
        assert_eq!((ours, official), (1, 1), "SomethingElse ({status})");
    }
}

#[tokio::test]
async fn transient_statuses_are_retried_as_the_official_client_retries_them() {
    for (status, expected) in [(500, 2), (502, 2), (503, 2), (504, 2), (429, 1), (400, 1), (408, 1), (530, 1)] {
        let (ours, official) = attempts(Reply::status(status)).await;
        assert_eq!(ours, official, "HTTP {status} without a code: ours vs official");
        assert_eq!(ours, expected, "HTTP {status} without a code");
    }
}
