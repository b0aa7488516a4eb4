//! The generated command-line client (`generated/sagemaker-runtime-cli`, binary
//! `sagemaker-runtime`) run as a process against the mock in process: argument parsing, every
//! output format, `--query`, skeletons, `--cli-input-json`/`--cli-input-yaml`, each blob form,
//! errors and exit codes, and its requests compared with the generated client's.

use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockServer, RecordedRequest};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Builds the binary once (tests of another package cannot use `CARGO_BIN_EXE_*`).
fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "sagemaker-runtime-cli", "--bin", "sagemaker-runtime"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the CLI failed");
        // tests/../target/debug/sagemaker-runtime, next to this test's own deps folder.
        let exe = std::env::current_exe().unwrap();
        exe.parent().unwrap().parent().unwrap().join(format!("sagemaker-runtime{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &std::path::Path, url: &str, args: &[&str]) -> Run {
    let Output { status, stdout, stderr } = Command::new(binary())
        .args(["--endpoint-url", url, "--region", "us-west-2"])
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_OUTPUT")
        .output()
        .expect("the CLI runs");
    Run { code: status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&stdout).into(), stderr: String::from_utf8_lossy(&stderr).into() }
}

async fn run(dir: &std::path::Path, url: &str, args: &[&str]) -> Run {
    let (dir, url) = (dir.to_path_buf(), url.to_string());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || run_in(&dir, &url, &args.iter().map(String::as_str).collect::<Vec<_>>())).await.unwrap()
}

fn last(mock: &sagemaker_runtime_mock::MockHandle) -> RecordedRequest {
    mock.requests().pop().expect("a request reached the mock")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_endpoint_blob_forms_outfile_and_output_formats() {
    let mock = MockServer::new().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("in.bin"), [0u8, 159, 146, 150]).unwrap();
    std::fs::write(d.join("in.b64"), "aGk=").unwrap();

    // Inline base64 (the default --cli-binary-format), output to a file, JSON printed.
    let r = run(d, &mock.url(), &["invoke-endpoint", "--endpoint-name", "ep", "--body", "eyJhIjoxfQ==", "--content-type", "application/json", "out.json"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(d.join("out.json")).unwrap(), br#"{"a":1}"#, "echoed body in the outfile");
    let printed: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(printed["ContentType"], "application/json");
    assert!(printed.get("Body").is_none(), "the payload goes to the outfile only");
    assert!(r.stdout.contains("\n    \"ContentType\""), "indented by four spaces:\n{}", r.stdout);
    assert_eq!(&last(&mock).body[..], br#"{"a":1}"#);

    // fileb:// raw bytes; file:// text read as base64; raw-in-base64-out; stdout outfile.
    let r = run(d, &mock.url(), &["invoke-endpoint", "--endpoint-name", "ep", "--body", "fileb://in.bin", "out.bin"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(&last(&mock).body[..], [0u8, 159, 146, 150]);
    let r = run(d, &mock.url(), &["invoke-endpoint", "--endpoint-name", "ep", "--body", "file://in.b64", "-", "--output", "text"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(&last(&mock).body[..], b"hi");
    assert!(r.stdout.starts_with("hi"), "payload on stdout: {:?}", r.stdout);
    let r = run(d, &mock.url(), &["--cli-binary-format", "raw-in-base64-out", "invoke-endpoint", "--endpoint-name", "ep", "--body", "plain text", "o"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(&last(&mock).body[..], b"plain text");

    // Every output format and a JMESPath query.
    let base = ["invoke-endpoint", "--endpoint-name", "ep", "--body", "aGk=", "--content-type", "text/plain", "o"];
    let with = |extra: &[&'static str]| base.iter().copied().chain(extra.iter().copied()).collect::<Vec<_>>();
    let r = run(d, &mock.url(), &with(&["--output", "yaml"])).await;
    assert!(r.stdout.contains("ContentType: text/plain"), "{}", r.stdout);
    let r = run(d, &mock.url(), &with(&["--output", "yaml-stream"])).await;
    assert!(r.stdout.starts_with("---\n") && r.stdout.contains("ContentType: text/plain"), "{}", r.stdout);
    let r = run(d, &mock.url(), &with(&["--output", "text"])).await;
    assert!(r.stdout.lines().next().unwrap().split('\t').any(|c| c == "text/plain"), "{}", r.stdout);
    let r = run(d, &mock.url(), &with(&["--output", "table", "--color", "off"])).await;
    assert!(r.stdout.contains("|") && r.stdout.contains("InvokeEndpoint") && r.stdout.contains("text/plain"), "{}", r.stdout);
    assert!(!r.stdout.contains('\x1b'));
    let r = run(d, &mock.url(), &with(&["--output", "table", "--color", "on"])).await;
    assert!(r.stdout.contains('\x1b'), "colored table");
    let r = run(d, &mock.url(), &with(&["--query", "ContentType", "--output", "text"])).await;
    assert_eq!(r.stdout, "text/plain\n");
    let r = run(d, &mock.url(), &with(&["--query", "{ct: ContentType}"])).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap(), serde_json::json!({"ct": "text/plain"}));
    mock.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_json_yaml_skeletons_and_async() {
    let mock = MockServer::new().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Skeletons need no service.
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--generate-cli-skeleton"]).await;
    let sk: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(sk.get("EndpointName").is_some() && sk.get("RequestTTLSeconds").is_some(), "{sk}");
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--generate-cli-skeleton", "yaml-input"]).await;
    assert!(r.stdout.contains("EndpointName: ''"), "{}", r.stdout);
    let r = run(d, &mock.url(), &["invoke-endpoint", "--generate-cli-skeleton", "output"]).await;
    let sk: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(sk.get("ContentType").is_some() && sk.get("Body").is_none(), "{sk}");
    assert!(mock.requests().is_empty());

    // --cli-input-json, with an option overriding it.
    std::fs::write(d.join("in.json"), r#"{"EndpointName": "from-json", "Body": "aGk=", "RequestTTLSeconds": 120, "InferenceId": "json-id"}"#).unwrap();
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--cli-input-json", "file://in.json", "--inference-id", "cli-id"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = last(&mock);
    assert_eq!(req.endpoint_name.as_deref(), Some("from-json"));
    assert_eq!(req.header("x-amzn-sagemaker-requestttlseconds"), Some("120"));
    assert_eq!(req.header("x-amzn-sagemaker-inference-id"), Some("cli-id"));
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(out["OutputLocation"].as_str().unwrap().starts_with("s3://"), "{out}");
    // --cli-input-yaml.
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--cli-input-yaml", "EndpointName: from-yaml\nBody: aGk=\n", "--s3-output-path-extension", "x"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(last(&mock).endpoint_name.as_deref(), Some("from-yaml"));
    mock.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_exit_codes() {
    let mock = MockServer::new()
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "CUDA out of memory")))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Service error: the AWS CLI's wording, 254.
    let r = run(d, &mock.url(), &["invoke-endpoint", "--endpoint-name", "broken", "--body", "aGk=", "o"]).await;
    assert_eq!(r.code, 254, "{}", r.stderr);
    assert!(r.stderr.contains("An error occurred (ModelError) when calling the InvokeEndpoint operation: "), "{}", r.stderr);
    // Missing required option: 2, naming it.
    let r = run(d, &mock.url(), &["invoke-endpoint", "--body", "aGk=", "o"]).await;
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the following arguments are required: --endpoint-name"), "{}", r.stderr);
    // Unknown option and unknown command: 2. Bad values: 252.
    assert_eq!(run(d, &mock.url(), &["invoke-endpoint", "--nope", "x"]).await.code, 2);
    assert_eq!(run(d, &mock.url(), &["no-such-command"]).await.code, 2);
    let r = run(d, &mock.url(), &["invoke-endpoint", "--endpoint-name", "e", "--body", "not base64!", "o"]).await;
    assert_eq!(r.code, 252, "{}", r.stderr);
    assert!(r.stderr.contains("Invalid base64"), "{}", r.stderr);
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--endpoint-name", "e", "--request-ttl-seconds", "ten"]).await;
    assert_eq!(r.code, 252, "{}", r.stderr);
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--endpoint-name", "e", "--request-ttl-seconds", "5"]).await;
    assert_eq!(r.code, 252, "below the model's @range: {}", r.stderr);
    let r = run(d, &mock.url(), &["invoke-endpoint", "--cli-input-json", r#"{"Nope": 1}"#, "o"]).await;
    assert_eq!(r.code, 252);
    assert!(r.stderr.contains("Unknown parameter"), "{}", r.stderr);
    let r = run(d, &mock.url(), &["invoke-endpoint", "--endpoint-name", "e", "--body", "aGk=", "o", "--query", "[["]).await;
    assert_eq!(r.code, 252, "{}", r.stderr);
    // Nothing listening: a client-side failure, 255.
    let r = run(d, "http://127.0.0.1:9", &["invoke-endpoint", "--endpoint-name", "e", "--body", "aGk=", "o", "--cli-connect-timeout", "2"]).await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    // --version, --help with the model's docs, completions.
    let r = run(d, &mock.url(), &["--version"]).await;
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("sagemaker-runtime "));
    let r = run(d, &mock.url(), &["invoke-endpoint-async", "--help"]).await;
    assert!(r.stdout.contains("--input-location") && r.stdout.contains("--s3-output-path-extension") && r.stdout.contains("asynchronous"), "{}", r.stdout);
    for shell in ["bash", "zsh", "fish"] {
        let r = run(d, &mock.url(), &["completion", shell]).await;
        assert!(r.code == 0 && r.stdout.contains("invoke-endpoint-async"), "{shell}");
    }
    // --debug: request and response traced, the signature redacted.
    let r = run(d, &mock.url(), &["--debug", "invoke-endpoint", "--endpoint-name", "e", "--body", "aGk=", "o"]).await;
    assert!(r.stderr.contains("DEBUG request: POST") && r.stderr.contains("Signature=*** Sensitive Data Redacted ***") && r.stderr.contains("DEBUG response: 200"), "{}", r.stderr);
    mock.stop().await.unwrap();
}

/// The CLI's request equals the generated client's for the same input (signature inputs aside:
/// the date, the invocation id and the signature itself differ per call).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_the_clients() {
    let mock = MockServer::new().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &mock.url(), &["invoke-endpoint", "--endpoint-name", "my-ep-1", "--body", "aGk=", "--content-type", "text/plain", "--accept", "application/json", "--custom-attributes", "c=1", "--target-variant", "v1", "--inference-id", "id-1", "o"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cli = last(&mock);
    let config = sagemaker_runtime::Config::builder()
        .region(sagemaker_runtime::config::Region::new("us-west-2"))
        .credentials_provider(sagemaker_runtime::config::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "test"))
        .endpoint_url(mock.url())
        .build();
    sagemaker_runtime::Client::from_conf(config)
        .invoke_endpoint()
        .endpoint_name("my-ep-1")
        .body(sagemaker_runtime::primitives::Blob::new(b"hi".to_vec()))
        .content_type("text/plain")
        .accept("application/json")
        .custom_attributes("c=1")
        .target_variant("v1")
        .inference_id("id-1")
        .send()
        .await
        .unwrap();
    let client = last(&mock);
    let varying = ["x-amz-date", "authorization", "amz-sdk-invocation-id", "user-agent", "x-amz-user-agent", "amz-sdk-request"];
    let headers = |r: &RecordedRequest| {
        let mut h: Vec<_> = r.headers.iter().filter(|(n, _)| !varying.contains(&n.as_str())).cloned().collect();
        h.sort();
        h
    };
    assert_eq!(cli.method, client.method);
    assert_eq!(cli.uri, client.uri, "path encoding");
    assert_eq!(headers(&cli), headers(&client));
    assert_eq!(cli.body, client.body);
    let signed = |r: &RecordedRequest| r.header("authorization").unwrap().split("Signature=").next().unwrap().to_string();
    assert_eq!(signed(&cli), signed(&client), "same credential scope and signed headers");
    mock.stop().await.unwrap();
}

/// `invoke-endpoint-with-response-stream` writes the parts to stdout (`-`) as they arrive; an
/// error event ends it as a service error (254).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_to_stdout() {
    use sagemaker_runtime_mock::{StreamFailureKind, StreamSpec};
    let mock = MockServer::new()
        .endpoint("chat", Behaviour::stream(StreamSpec::text("The quick brown fox").part_size(4)))
        .endpoint("flaky", Behaviour::stream(StreamSpec::text("xy").part_size(1).fail_after(1, StreamFailureKind::internal_stream_failure("broken inside"))))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &mock.url(), &["invoke-endpoint-with-response-stream", "--endpoint-name", "chat", "--body", "e30=", "-", "--query", "ContentType", "--output", "text"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("The quick brown fox"), "{:?}", r.stdout);
    let r = run(dir.path(), &mock.url(), &["invoke-endpoint-with-response-stream", "--endpoint-name", "flaky", "--body", "e30=", "-"]).await;
    assert_eq!(r.code, 254, "{}", r.stderr);
    assert!(r.stderr.contains("when calling the InvokeEndpointWithResponseStream operation"), "{}", r.stderr);
    mock.stop().await.unwrap();
}
