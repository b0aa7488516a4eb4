//! The generated command-line client's `--print-request` (the request it would send, secrets
//! redacted, and nothing sent) and the members a modeled error prints after its message, run as
//! a process against the mock and a loopback listener that counts connections.

use e2e_tests::start_black_hole;
use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockServer};
use std::path::Path;
use std::process::{Command, Output};

use crate::cli_support::sagemaker_runtime as binary;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

const SESSION_TOKEN: &str = "session-token-for-the-test";

/// The binary with test credentials (a session token too) and no profile files, against `url`.
async fn run(dir: &Path, url: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(binary());
    cmd.args(["--endpoint-url", url, "--region", "us-west-2"])
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_OUTPUT")
        .env_remove("AWS_CA_BUNDLE");
    let Output { status, stdout, stderr } = tokio::task::spawn_blocking(move || cmd.output().expect("the CLI runs")).await.unwrap();
    Run { code: status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&stdout).into(), stderr: String::from_utf8_lossy(&stderr).into() }
}

/// The header names of a printed request (the lines between the request line and the blank line).
fn printed_headers(printed: &str) -> Vec<String> {
    printed.lines().skip(1).take_while(|l| !l.is_empty()).map(|l| l.split(':').next().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn print_request_shows_the_signed_request_redacted_and_sends_nothing() {
    let mock = MockServer::new().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = [
        "invoke-endpoint", "--endpoint-name", "my-endpoint", "--body", "aGk=", "--content-type", "text/plain",
        "--custom-attributes", "secret-attribute", "--target-variant", "variant-a", "out.bin",
    ];
    let printed = run(d, &mock.url(), &[&["--print-request"][..], &args].concat()).await;
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let text = &printed.stdout;
    assert!(text.starts_with(&format!("POST {}/endpoints/my-endpoint/invocations\n", mock.url())), "{text}");
    assert!(text.contains("\nauthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "signed: {text}");
    assert!(text.contains("/us-west-2/sagemaker/aws4_request, SignedHeaders="), "{text}");
    assert!(text.contains(", Signature=*** Sensitive Data Redacted ***\n"), "{text}");
    assert!(text.contains("\nx-amz-security-token: *** Sensitive Data Redacted ***\n"), "{text}");
    assert!(text.contains("\nx-amzn-sagemaker-custom-attributes: *** Sensitive Data Redacted ***\n"), "@sensitive: {text}");
    assert!(text.contains("\nx-amzn-sagemaker-target-variant: variant-a\n"), "{text}");
    assert!(text.contains("\ncontent-type: text/plain\n"), "{text}");
    // `Body` is @sensitive: its size only.
    assert!(text.ends_with("\n\n*** Sensitive Data Redacted *** (2 bytes)\n"), "{text}");
    for secret in ["secret-attribute", SESSION_TOKEN, "hi"] {
        assert!(!text.contains(secret), "{secret} printed: {text}");
    }
    assert!(mock.requests().is_empty(), "nothing reached the service");
    assert!(!d.join("out.bin").exists(), "no outfile is written");

    // The same command sent: every header printed is one the service receives.
    let sent = run(d, &mock.url(), &args).await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let received = mock.requests().pop().expect("the request reached the mock");
    let received_names: Vec<String> = received.headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
    for name in printed_headers(text) {
        assert!(received_names.contains(&name), "printed `{name}` but the service got {received_names:?}");
    }
    mock.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn print_request_opens_no_connection_for_any_command() {
    let (addr, accepted) = start_black_hole().await;
    let url = format!("http://{addr}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let commands: [&[&str]; 3] = [
        &["invoke-endpoint", "--endpoint-name", "e", "--body", "e30=", "o.json", "--print-request"],
        &["--print-request", "invoke-endpoint-async", "--endpoint-name", "e", "--input-location", "s3://in/1.json"],
        &["--print-request", "invoke-endpoint-with-response-stream", "--endpoint-name", "e", "--body", "e30=", "parts.txt"],
    ];
    for args in commands {
        let r = run(d, &url, args).await;
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.starts_with("POST http://127.0.0.1:"), "{args:?}: {}", r.stdout);
    }
    assert_eq!(*accepted.lock().unwrap(), 0, "no connection was opened");
    assert!(!d.join("o.json").exists() && !d.join("parts.txt").exists());
    // The control: without the flag the same listener is reached (once per attempt).
    let r = run(d, &url, &["invoke-endpoint", "--endpoint-name", "e", "--body", "e30=", "o.json", "--cli-read-timeout", "1"]).await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(*accepted.lock().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_error_prints_its_other_members() {
    let arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/sagemaker/Endpoints/broken";
    let mock = MockServer::new()
        .endpoint(
            "broken",
            Behaviour::error(ErrorSpec { log_stream_arn: Some(arn.into()), ..ErrorSpec::model_error(503, "CUDA out of memory") }),
        )
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &mock.url(), &["invoke-endpoint", "--endpoint-name", "broken", "--body", "aGk=", "o"]).await;
    assert_eq!(r.code, 254, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("An error occurred (ModelError) when calling the InvokeEndpoint operation: "), "{}", r.stderr);
    assert_eq!(lines[1..], ["OriginalStatusCode: 503", "OriginalMessage: CUDA out of memory", &format!("LogStreamArn: {arn}")], "{}", r.stderr);
    mock.stop().await.unwrap();
}
