//! `sagemaker-runtime invoke-endpoint-async --wait-for-result PATH` (and `--wait-timeout`) run as
//! a process: the call goes to `--endpoint-url`, the result is read from S3 at the endpoint
//! `AWS_ENDPOINT_URL_S3` names (here a second mock, which is where the first keeps its store),
//! signed with real SigV4 for `s3`. The result to a file or to stdout, a failure report on
//! stderr with exit 254, a deadline that passes.

use sagemaker_runtime_mock::{AuthConfig, Behaviour, EndpointConfig, ErrorSpec, MockHandle, MockServer, StoreConfig, StoreKind};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

use crate::cli_support::sagemaker_runtime as binary;

/// The SageMaker mock (its store kept in the S3 mock) and the S3 mock, both checking SigV4.
async fn mocks() -> (MockHandle, MockHandle) {
    let s3 = MockServer::new().auth(AuthConfig::new(KEY, SECRET)).start().await.unwrap();
    let mut sagemaker = MockServer::new()
        .auth(AuthConfig::new(KEY, SECRET))
        .endpoint("echo", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_millis(200)))
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "weights missing")))
        .endpoint("stuck", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_secs(30)));
    sagemaker.config_mut().store = StoreConfig {
        kind: StoreKind::S3,
        endpoint: Some(s3.url()),
        region: Some("us-east-1".into()),
        allow_http: true,
        access_key_id: Some(KEY.into()),
        secret_access_key: Some(SECRET.into()),
        ..StoreConfig::default()
    };
    (sagemaker.start().await.unwrap(), s3)
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

async fn run(dir: &Path, sagemaker: &str, s3: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(binary());
    cmd.args(["--endpoint-url", sagemaker, "--region", "us-east-1", "invoke-endpoint-async"])
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_ENDPOINT_URL_S3", s3)
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
    let output = tokio::task::spawn_blocking(move || cmd.output()).await.unwrap().expect("the CLI runs");
    Run { code: output.status.code().unwrap_or(-1), stdout: output.stdout, stderr: String::from_utf8_lossy(&output.stderr).into() }
}

#[tokio::test]
async fn the_result_goes_to_the_file_or_stdout_a_failure_to_stderr_with_exit_254() {
    let (sagemaker, s3) = mocks().await;
    let dir = tempfile::tempdir().unwrap();
    let (sm, s3url) = (sagemaker.url(), s3.url());
    let body = ["--body", "hello async", "--cli-binary-format", "raw-in-base64-out"];

    let to_file = run(dir.path(), &sm, &s3url, &[&["--endpoint-name", "echo", "--wait-for-result", "out.bin"][..], &body[..]].concat()).await;
    assert_eq!(to_file.code, 0, "{}", to_file.stderr);
    assert_eq!(std::fs::read(dir.path().join("out.bin")).unwrap(), b"hello async");
    let printed: serde_json::Value = serde_json::from_slice(&to_file.stdout).unwrap();
    assert!(printed["OutputLocation"].as_str().unwrap().starts_with("s3://sagemaker-mock-output/echo/"), "the call's output as usual");

    let to_stdout = run(dir.path(), &sm, &s3url, &[&["--endpoint-name", "echo", "--wait-for-result", "-"][..], &body[..]].concat()).await;
    assert_eq!((to_stdout.code, to_stdout.stdout.as_slice()), (0, &b"hello async"[..]), "{}", to_stdout.stderr);

    let failed = run(dir.path(), &sm, &s3url, &[&["--endpoint-name", "broken", "--wait-for-result", "-"][..], &body[..]].concat()).await;
    assert_eq!(failed.code, 254, "{}", failed.stderr);
    assert!(failed.stderr.contains("weights missing"), "the failure report's content: {}", failed.stderr);
    assert!(failed.stdout.is_empty());

    let started = std::time::Instant::now();
    let late = run(dir.path(), &sm, &s3url, &[&["--endpoint-name", "stuck", "--wait-for-result", "-", "--wait-timeout", "1"][..], &body[..]].concat()).await;
    assert_eq!(late.code, 255, "{}", late.stderr);
    assert!(late.stderr.contains("no result at s3://"), "{}", late.stderr);
    assert!(started.elapsed() < Duration::from_secs(20));

    let usage = run(dir.path(), &sm, &s3url, &["--endpoint-name", "echo", "--wait-timeout", "1", "--body", "x"]).await;
    assert_eq!(usage.code, 2, "--wait-timeout needs --wait-for-result: {}", usage.stderr);
}
