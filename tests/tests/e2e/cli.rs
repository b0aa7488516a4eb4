//! The generated command-line client (`generated/sagemaker-runtime-cli`, binary
//! `sagemaker-runtime`) run as a process against the mock in process: argument parsing, every
//! output format, `--query`, skeletons, `--cli-input-json`/`--cli-input-yaml`, each blob form,
//! errors and exit codes, and its requests compared with the generated client's.

use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockServer, RecordedRequest};
use std::process::{Command, Output};

use crate::cli_support::sagemaker_runtime as binary;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary with test credentials and no profile files, against `url`.
fn command(dir: &std::path::Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(["--endpoint-url", url, "--region", "us-west-2"])
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_OUTPUT")
        .env_remove("AWS_CA_BUNDLE")
        .env_remove("AWS_SESSION_TOKEN");
    cmd
}

fn run_in(dir: &std::path::Path, url: &str, args: &[&str], env: &[(String, String)]) -> Run {
    let Output { status, stdout, stderr } = command(dir, url, args).envs(env.iter().map(|(k, v)| (k, v))).output().expect("the CLI runs");
    Run { code: status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&stdout).into(), stderr: String::from_utf8_lossy(&stderr).into() }
}

async fn run(dir: &std::path::Path, url: &str, args: &[&str]) -> Run {
    run_env(dir, url, args, &[]).await
}

/// [`run`] with extra environment variables.
async fn run_env(dir: &std::path::Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let (dir, url) = (dir.to_path_buf(), url.to_string());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || run_in(&dir, &url, &args.iter().map(String::as_str).collect::<Vec<_>>(), &env)).await.unwrap()
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
    // The error event's type is the code, as the AWS CLI prints it (the event carries it in
    // `:exception-type`, not in the code the client's `code()` gives).
    assert!(r.stderr.contains("An error occurred (InternalStreamFailure) when calling the InvokeEndpointWithResponseStream operation"), "{}", r.stderr);
    mock.stop().await.unwrap();
}

/// `--decode lines|sse|json` writes the streamed data decoded, one item per line, whatever the
/// parts the service cut it into (here 3 bytes, inside multi-byte characters), the last item
/// also without a final newline; stdout keeps the other members; an error event after some
/// items keeps them (254); data that cannot be decoded is 255; commands without a streamed
/// blob output have no `--decode`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decode_streamed_output() {
    use sagemaker_runtime_mock::{StreamFailureKind, StreamSpec};
    let ndjson = "{\"token\": {\"text\": \"Grüße\"}}\r\n{\"token\": {\"text\": \" 🦀\"}}\n\n{\"done\": true}";
    let pretty = "{\n  \"a\": [1, 2]\n}\n{\"b\": \"漢字\"} 3 \"x\"";
    let sse = "event: token\ndata: one\n\n: ping\ndata: two\ndata: lines\nid: 7\n\ndata: [DONE]";
    let mock = MockServer::new()
        .endpoint("ndjson", Behaviour::stream(StreamSpec::text(ndjson).part_size(3)))
        .endpoint("pretty", Behaviour::stream(StreamSpec::text(pretty).part_size(3)))
        .endpoint("sse", Behaviour::stream(StreamSpec::text(sse).part_size(3)))
        .endpoint("broken", Behaviour::stream(StreamSpec::text("one\ntwo\nthree").part_size(4).fail_after(2, StreamFailureKind::model_stream_error("StreamBroken", "cut"))))
        .endpoint("bad-json", Behaviour::stream(StreamSpec::text("{\"a\": 1}\n{\"a\": }").part_size(3)))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let stream = |endpoint: &'static str, decode: &'static str, out: &'static str| {
        ["invoke-endpoint-with-response-stream", "--endpoint-name", endpoint, "--body", "e30=", "--decode", decode, out]
    };

    let r = run(dir.path(), &mock.url(), &stream("ndjson", "lines", "lines.txt")).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read("lines.txt"), "{\"token\": {\"text\": \"Grüße\"}}\n{\"token\": {\"text\": \" 🦀\"}}\n\n{\"done\": true}\n");
    let output: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(output["ContentType"], "text/plain", "stdout keeps the other members: {}", r.stdout);

    let r = run(dir.path(), &mock.url(), &stream("pretty", "json", "-")).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("{\"a\":[1,2]}\n{\"b\":\"漢字\"}\n3\n\"x\"\n{"), "{:?}", r.stdout);

    let r = run(dir.path(), &mock.url(), &stream("sse", "sse", "events.txt")).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read("events.txt"), "one\ntwo\nlines\n[DONE]\n");

    let r = run(dir.path(), &mock.url(), &stream("broken", "lines", "broken.txt")).await;
    assert_eq!(r.code, 254, "{}", r.stderr);
    assert!(r.stderr.contains("An error occurred (ModelStreamError)"), "{}", r.stderr);
    assert_eq!(read("broken.txt"), "one\ntwo\n");

    let r = run(dir.path(), &mock.url(), &stream("bad-json", "json", "bad.txt")).await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(r.stderr.contains("cannot decode the streamed output: JSON value 2 of the stream is not valid JSON"), "{}", r.stderr);
    assert_eq!(read("bad.txt"), "{\"a\":1}\n");

    let r = run(dir.path(), &mock.url(), &stream("ndjson", "xml", "x.txt")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(dir.path(), &mock.url(), &["invoke-endpoint", "--endpoint-name", "ndjson", "--body", "e30=", "--decode", "lines", "o.bin"]).await;
    assert_eq!(r.code, 2, "no --decode without a streamed output: {}", r.stderr);
    mock.stop().await.unwrap();
}

/// `--debug` traces request and response but never a secret: the signature, the session token,
/// and the values the model marks `@sensitive` (here the custom-attributes headers and the
/// payload bodies, both ways).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_redacts_secrets() {
    let mock = MockServer::new().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let args = ["--debug", "invoke-endpoint", "--endpoint-name", "ep", "--body", "c2VjcmV0LWJvZHk=", "--custom-attributes", "secret-attributes", "--content-type", "text/plain", "o"];
    let r = run_env(dir.path(), &mock.url(), &args, &[("AWS_SESSION_TOKEN", "secret-session-token")]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = last(&mock);
    assert_eq!(req.header("x-amzn-sagemaker-custom-attributes"), Some("secret-attributes"), "sent as given");
    assert_eq!(req.header("x-amz-security-token"), Some("secret-session-token"));
    let trace = &r.stderr;
    for secret in ["secret-attributes", "secret-session-token", "secret-body", req.header("authorization").unwrap().split("Signature=").nth(1).unwrap()] {
        assert!(!trace.contains(secret), "{secret} leaked into the trace:\n{trace}");
    }
    let redacted = "*** Sensitive Data Redacted ***";
    assert!(trace.contains(&format!("x-amzn-sagemaker-custom-attributes: {redacted}")), "request header:\n{trace}");
    assert!(trace.contains(&format!("x-amz-security-token: {redacted}")), "{trace}");
    assert!(trace.contains(&format!("Signature={redacted}")), "{trace}");
    assert!(trace.contains(&format!("body: {redacted} (11 bytes)")), "request body:\n{trace}");
    // The response: the echoed attributes header (sensitive in the output too) and body.
    let response = &trace[trace.find("DEBUG response: 200").expect("response traced")..];
    assert!(response.to_ascii_lowercase().contains(&format!("x-amzn-sagemaker-custom-attributes: {}", redacted.to_ascii_lowercase())), "{response}");
    assert!(response.contains(&format!("DEBUG response body: {redacted}")), "{response}");
    // What is not sensitive is shown.
    assert!(trace.contains("content-type: text/plain") && trace.contains("/endpoints/ep/invocations"), "{trace}");
    // The async operation's body is a JSON-free payload too; its InferenceId header is not sensitive.
    let r = run(dir.path(), &mock.url(), &["--debug", "invoke-endpoint-async", "--endpoint-name", "ep", "--input-location", "s3://b/k", "--inference-id", "visible-id"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("visible-id"), "{}", r.stderr);
    mock.stop().await.unwrap();
}

/// Ctrl-C mid-stream: exit 130 as the AWS CLI does, the parts received so far in the outfile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_mid_stream_exits_130() {
    use sagemaker_runtime_mock::StreamSpec;
    use std::time::{Duration, Instant};
    let mock = MockServer::new()
        .endpoint("slow", Behaviour::stream(StreamSpec::text("0123456789abcdefghij").part_size(1).part_delay(Duration::from_millis(200))))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("parts.txt");
    let url = mock.url();
    let (child, status) = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        let out = out.clone();
        move || {
            let mut child = command(&dir, &url, &["invoke-endpoint-with-response-stream", "--endpoint-name", "slow", "--body", "e30=", "parts.txt"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            // Wait until some parts are in the file, then interrupt.
            let start = Instant::now();
            while std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) < 3 {
                assert!(start.elapsed() < Duration::from_secs(20), "no part arrived");
                std::thread::sleep(Duration::from_millis(20));
            }
            // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
            assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
            let status = child.wait().unwrap();
            (child.id(), status)
        }
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(130), "pid {child}: {status:?}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.len() >= 3 && written.len() < 20, "a prefix of the stream: {written:?}");
    assert!("0123456789abcdefghij".starts_with(&written), "parts in order, none torn: {written:?}");

    // To stdout (`-`): each part reaches the pipe as it arrives (read here before the stream
    // ends), and Ctrl-C then ends it the same way.
    let url = mock.url();
    let dir_path = dir.path().to_path_buf();
    let (early, status, rest) = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut child = command(&dir_path, &url, &["invoke-endpoint-with-response-stream", "--endpoint-name", "slow", "--body", "e30=", "-"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let start = Instant::now();
        let mut early = [0u8; 3];
        stdout.read_exact(&mut early).unwrap();
        // 20 parts 200 ms apart take about 4 s: three bytes well before that were not buffered.
        assert!(start.elapsed() < Duration::from_secs(3), "the first parts came late: {:?}", start.elapsed());
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).unwrap();
        (early, child.wait().unwrap(), rest)
    })
    .await
    .unwrap();
    assert_eq!(&early, b"012");
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(rest.ends_with(b"\n"), "the AWS CLI ends an interrupted command with a newline: {rest:?}");
    mock.stop().await.unwrap();
}

/// `--no-sign-request` sends no signature and needs no credentials (and ignores any); `--cli-read-timeout` cuts a
/// response that does not start in time (255), and 0 means no limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sign_request_and_read_timeout() {
    use std::time::Duration;
    let mock = MockServer::new().endpoint("slow", Behaviour::echo().delayed(Duration::from_millis(2500))).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = run_env(d, &mock.url(), &["--no-sign-request", "invoke-endpoint", "--endpoint-name", "anon", "--body", "aGk=", "o"], &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = last(&mock);
    assert_eq!(req.endpoint_name.as_deref(), Some("anon"));
    assert_eq!(req.header("authorization"), None, "unsigned");
    assert_eq!(req.header("x-amz-date"), None);
    // Credentials in the environment change nothing: the request stays unsigned.
    let r = run(d, &mock.url(), &["--no-sign-request", "invoke-endpoint", "--endpoint-name", "anon", "--body", "aGk=", "o"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(last(&mock).header("authorization"), None, "unsigned with credentials around");

    let r = run(d, &mock.url(), &["--cli-read-timeout", "1", "invoke-endpoint", "--endpoint-name", "slow", "--body", "aGk=", "o"]).await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(r.stderr.to_ascii_lowercase().contains("timeout"), "{}", r.stderr);
    let r = run(d, &mock.url(), &["--cli-read-timeout", "0", "invoke-endpoint", "--endpoint-name", "slow", "--body", "aGk=", "o"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    mock.stop().await.unwrap();
}

/// A TLS front for the mock on loopback: a CA made for the test, a server certificate for
/// 127.0.0.1 signed by it, each connection's bytes forwarded to the mock.
struct TlsFront {
    url: String,
    ca_pem: String,
    task: tokio::task::JoinHandle<()>,
}

async fn tls_front(mock_url: &str) -> TlsFront {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "smithygen test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&key, &ca, &ca_key).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let backend = mock_url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                // A refused handshake (an untrusting client) just ends this connection.
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    if let Ok(mut upstream) = tokio::net::TcpStream::connect(&backend).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                    }
                }
            });
        }
    });
    TlsFront { url, ca_pem: ca.pem(), task }
}

/// Over HTTPS with a private CA: refused by default as the AWS CLI refuses it (255, "SSL
/// validation failed for URL ..."), trusted with `--ca-bundle` or `AWS_CA_BUNDLE`, and accepted
/// with a warning under `--no-verify-ssl`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_ca_bundle_and_no_verify_ssl() {
    let mock = MockServer::new().start().await.unwrap();
    let front = tls_front(&mock.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ca.pem"), &front.ca_pem).unwrap();
    let call = ["invoke-endpoint", "--endpoint-name", "tls-ep", "--body", "aGk=", "out", "--cli-connect-timeout", "5"];

    let r = run(d, &front.url, &call).await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("SSL validation failed for {}/endpoints/tls-ep/invocations", front.url)), "{}", r.stderr);
    assert!(r.stderr.contains("invalid peer certificate"), "{}", r.stderr);
    assert!(mock.requests().is_empty(), "nothing got through");

    let with_bundle: Vec<&str> = ["--ca-bundle", "ca.pem"].iter().copied().chain(call).collect();
    let r = run(d, &front.url, &with_bundle).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(d.join("out")).unwrap(), b"hi");
    assert!(!r.stderr.contains("InsecureRequestWarning"), "{}", r.stderr);
    assert_eq!(last(&mock).endpoint_name.as_deref(), Some("tls-ep"));

    let bundle_path = d.join("ca.pem").display().to_string();
    let r = run_env(d, &front.url, &call, &[("AWS_CA_BUNDLE", &bundle_path)]).await;
    assert_eq!(r.code, 0, "AWS_CA_BUNDLE: {}", r.stderr);
    std::fs::write(d.join("config"), format!("[profile tls]\nca_bundle = {bundle_path}\n")).unwrap();
    let config_path = d.join("config").display().to_string();
    let with_profile: Vec<&str> = ["--profile", "tls"].iter().copied().chain(call).collect();
    let r = run_env(d, &front.url, &with_profile, &[("AWS_CONFIG_FILE", &config_path)]).await;
    assert_eq!(r.code, 0, "the profile's ca_bundle: {}", r.stderr);

    std::fs::write(d.join("bad.pem"), "not a certificate").unwrap();
    let bad: Vec<&str> = ["--ca-bundle", "bad.pem"].iter().copied().chain(call).collect();
    let r = run(d, &front.url, &bad).await;
    assert_eq!(r.code, 253, "{}", r.stderr);
    assert!(r.stderr.contains("bad.pem"), "{}", r.stderr);

    let insecure: Vec<&str> = ["--no-verify-ssl"].iter().copied().chain(call).collect();
    let r = run(d, &front.url, &insecure).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("InsecureRequestWarning: Unverified HTTPS request is being made to host '127.0.0.1'"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("InsecureRequestWarning").count(), 1, "once per host: {}", r.stderr);
    assert_eq!(std::fs::read(d.join("out")).unwrap(), b"hi");
    // The same bytes reach the mock whichever way the connection is trusted.
    assert_eq!(&last(&mock).body[..], b"hi");
    front.task.abort();
    mock.stop().await.unwrap();
}
