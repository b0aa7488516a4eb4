//! The generated command-line client of SageMaker Runtime HTTP/2
//! (`generated/sagemaker-runtime-http2-cli`, binary `sagemaker-runtime-http2`) run as a process
//! against the generated server stub (`sagemaker_runtime_http2::server`) over loopback TCP: its
//! one operation's input is an event stream, sent from standard input (one event per line) or
//! from `--event` values, while the response parts are written as they arrive.

use sagemaker_runtime_http2::operation::invoke_endpoint_with_bidirectional_stream::{
    InvokeEndpointWithBidirectionalStreamError, InvokeEndpointWithBidirectionalStreamInput, InvokeEndpointWithBidirectionalStreamOutput,
};
use sagemaker_runtime_http2::primitives::event_stream::EventReceiver;
use sagemaker_runtime_http2::primitives::Blob;
use sagemaker_runtime_http2::server::{self, AmazonSageMakerRuntimeHttp2, EventProducer, ServerHandle};
use sagemaker_runtime_http2::types::error::{ModelError, RequestStreamEventError, ResponseStreamEventError};
use sagemaker_runtime_http2::types::{RequestStreamEvent, ResponsePayloadPart, ResponseStreamEvent};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use crate::cli_support::sagemaker_runtime_http2 as binary;

/// One request event as the service read it.
#[derive(Debug, Clone, PartialEq)]
struct Part {
    bytes: Vec<u8>,
    data_type: Option<String>,
    completion_state: Option<String>,
}

/// What the service saw of one session.
#[derive(Debug, Default)]
struct Session {
    endpoint: String,
    target_variant: Option<String>,
    parts: Vec<Part>,
    /// The request stream ended cleanly.
    ended: bool,
}

/// A model that echoes every request part back at once, in upper case with a newline, and
/// reports what it read. Endpoint `broken` fails before any streaming (HTTP 424 `ModelError`).
#[derive(Clone, Default)]
struct Echo {
    sessions: Arc<Mutex<Vec<Session>>>,
}

impl AmazonSageMakerRuntimeHttp2 for Echo {
    async fn invoke_endpoint_with_bidirectional_stream(
        &self,
        input: InvokeEndpointWithBidirectionalStreamInput,
        mut events: EventReceiver<RequestStreamEvent, RequestStreamEventError>,
    ) -> Result<(InvokeEndpointWithBidirectionalStreamOutput, EventProducer<ResponseStreamEvent, ResponseStreamEventError>), InvokeEndpointWithBidirectionalStreamError>
    {
        let endpoint = input.endpoint_name().unwrap_or_default().to_string();
        if endpoint == "broken" {
            return Err(InvokeEndpointWithBidirectionalStreamError::ModelError(
                ModelError::builder().message("the container answered 500").original_status_code(500).build(),
            ));
        }
        let index = {
            let mut sessions = self.sessions.lock().unwrap();
            sessions.push(Session { endpoint, target_variant: input.target_variant().map(str::to_string), ..Session::default() });
            sessions.len() - 1
        };
        let sessions = self.sessions.clone();
        let echo = EventProducer::new(move |writer| async move {
            loop {
                match events.recv().await {
                    Ok(Some(RequestStreamEvent::PayloadPart(part))) => {
                        let bytes = part.bytes().map(|b| b.as_ref().to_vec()).unwrap_or_default();
                        sessions.lock().unwrap()[index].parts.push(Part {
                            bytes: bytes.clone(),
                            data_type: part.data_type().map(str::to_string),
                            completion_state: part.completion_state().map(str::to_string),
                        });
                        let mut answer = bytes.to_ascii_uppercase();
                        answer.push(b'\n');
                        let mut out = ResponsePayloadPart::builder().bytes(Blob::new(answer));
                        if let Some(t) = part.data_type() {
                            out = out.data_type(t);
                        }
                        if writer.send(ResponseStreamEvent::PayloadPart(out.build())).await.is_err() {
                            return;
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        sessions.lock().unwrap()[index].ended = true;
                        return;
                    }
                    Err(_) => return,
                }
            }
        });
        Ok((InvokeEndpointWithBidirectionalStreamOutput::builder().invoked_production_variant("variant-1").build_without_stream(), echo))
    }
}

/// The binary with test credentials and no profile files, against `server`.
fn command(dir: &Path, server: &ServerHandle, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(["--endpoint-url", &server.url(), "--region", "us-west-2"])
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

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the binary with `stdin` as its standard input, to its end (at most 60 s).
async fn run(dir: &Path, server: &ServerHandle, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = command(dir, server, args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the CLI runs");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    tokio::task::spawn_blocking(move || {
        // The CLI may not read standard input at all (`--event`): a closed pipe is fine.
        let _ = input.write_all(&stdin);
    });
    let output = tokio::time::timeout(Duration::from_secs(60), tokio::task::spawn_blocking(move || child.wait_with_output()))
        .await
        .expect("the CLI ends within 60 s")
        .unwrap()
        .unwrap();
    Run { code: output.status.code().unwrap_or(-1), stdout: output.stdout, stderr: String::from_utf8_lossy(&output.stderr).into() }
}

fn sessions(echo: &Echo) -> std::sync::MutexGuard<'_, Vec<Session>> {
    echo.sessions.lock().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_line_of_stdin_is_one_event_and_the_parts_reach_the_outfile_in_order() {
    let echo = Echo::default();
    let server = server::start(echo.clone()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A line with CR LF, an empty line, and a last line without a terminator.
    let stdin = b"hello\nsecond line\r\n\nlast";
    let r = run(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "my-endpoint", "--target-variant", "v2", "out.txt"], stdin).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path().join("out.txt")).unwrap(), b"HELLO\nSECOND LINE\n\nLAST\n", "every part, in order");
    let printed: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(printed, serde_json::json!({"InvokedProductionVariant": "variant-1"}), "the output's other members are printed");
    {
        let sessions = sessions(&echo);
        let [session] = &sessions[..] else { panic!("one session: {:?}", *sessions) };
        assert_eq!((session.endpoint.as_str(), session.target_variant.as_deref()), ("my-endpoint", Some("v2")));
        let bytes: Vec<&[u8]> = session.parts.iter().map(|p| p.bytes.as_slice()).collect();
        assert_eq!(bytes, [&b"hello"[..], b"second line", b"", b"last"], "one event per line, without its terminator");
        assert!(session.parts.iter().all(|p| p.data_type.is_none() && p.completion_state.is_none()), "no header options, no headers");
        assert!(session.ended, "end of input ends the request stream");
    }

    // `-`: the parts on standard output, the output's JSON after them.
    let r = run(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "my-endpoint", "-"], b"one\ntwo\n").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stdout = String::from_utf8(r.stdout).unwrap();
    assert!(stdout.starts_with("ONE\nTWO\n{"), "{stdout}");
    assert!(stdout.contains("\"InvokedProductionVariant\": \"variant-1\""), "{stdout}");

    // No input at all: an empty request stream, a clean end.
    let r = run(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "quiet", "empty.txt"], b"").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path().join("empty.txt")).unwrap(), b"");
    {
        let sessions = sessions(&echo);
        assert!(sessions[2].parts.is_empty() && sessions[2].ended, "{:?}", sessions[2]);
    }
    server.shutdown().await.unwrap();
}

/// Reads the child's standard output line by line on a thread of its own.
/// `--decode json` on the duplex command: the answers' bytes (each line upper-cased, with a
/// newline) decoded into JSON values, one spanning two events, printed compactly; `--decode
/// lines` with the items on standard output before the output's JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decode_the_response_stream() {
    let echo = Echo::default();
    let server = server::start(echo.clone()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stdin = b"{\"a\": [1,\n2]} {\"b\": \"x\"}\n\"s\"";
    let r = run(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "my-endpoint", "--decode", "json", "values.txt"], stdin).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("values.txt")).unwrap(), "{\"A\":[1,2]}\n{\"B\":\"X\"}\n\"S\"\n");
    let r = run(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "my-endpoint", "--decode", "lines", "-"], b"one\r\ntwo").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stdout = String::from_utf8(r.stdout).unwrap();
    assert!(stdout.starts_with("ONE\nTWO\n{"), "{stdout}");
    server.shutdown().await.unwrap();
}

fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplex_each_answer_arrives_before_the_next_line_is_written() {
    let echo = Echo::default();
    let server = server::start(echo.clone()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "chat", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    let (child, stdin, lines) = tokio::task::spawn_blocking(move || {
        let wait = Duration::from_secs(30);
        // Each line is answered while standard input stays open: the next one is written only
        // once the answer to the previous one is on the child's standard output.
        for (said, answer) in [("hello", "HELLO"), ("how are you", "HOW ARE YOU"), ("bye", "BYE")] {
            stdin.write_all(format!("{said}\n").as_bytes()).unwrap();
            stdin.flush().unwrap();
            let got = lines.recv_timeout(wait).unwrap_or_else(|e| panic!("no answer to {said:?} while stdin is open: {e}"));
            assert_eq!(got, answer);
        }
        (child, stdin, lines)
    })
    .await
    .unwrap();
    assert!(!sessions(&echo)[0].ended, "the request stream is still open");
    // End of input ends the request stream, then the session: exit 0, the output's JSON last.
    drop(stdin);
    let (status, rest, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = child;
        let rest: Vec<String> = lines.iter().collect();
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (child.wait().unwrap(), rest, stderr)
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(rest.first().map(String::as_str), Some("{"), "{rest:?}");
    {
        let session = &sessions(&echo)[0];
        assert!(session.ended);
        assert_eq!(session.parts.len(), 3);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_values_fileb_and_header_options() {
    let echo = Echo::default();
    let server = server::start(echo.clone()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("audio.bin"), [0u8, 159, 146, 150, b'\n', 7]).unwrap();
    std::fs::write(d.join("text.b64"), "aGk=").unwrap();
    // `--event` replaces standard input (its line is not sent): raw bytes from a file, base64
    // inline and from a file (the default --cli-binary-format); each header option on every event.
    let args = [
        "invoke-endpoint-with-bidirectional-stream",
        "--endpoint-name",
        "ep",
        "--event",
        "fileb://audio.bin",
        "--event",
        "b2s=",
        "--event",
        "file://text.b64",
        "--data-type",
        "BINARY",
        "--completion-state",
        "COMPLETE",
        "out.bin",
    ];
    let r = run(d, &server, &args, b"not sent\n").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    {
        let sessions = sessions(&echo);
        let parts = &sessions[0].parts;
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.bytes.as_slice()).collect();
        assert_eq!(bytes, [&[0u8, 159, 146, 150, b'\n', 7][..], b"ok", b"hi"], "the values, in order; stdin unread");
        for p in parts {
            assert_eq!((p.data_type.as_deref(), p.completion_state.as_deref()), (Some("BINARY"), Some("COMPLETE")), "headers of every event");
        }
        assert!(sessions[0].ended, "the stream ends after the last value");
    }
    assert_eq!(std::fs::read(d.join("out.bin")).unwrap(), [&[0u8, 159, 146, 150, b'\n', 7, b'\n'][..], b"OK\n", b"HI\n"].concat());

    // raw-in-base64-out: inline text as it is; --cli-input-json gives the other members.
    let r = run(
        d,
        &server,
        &["--cli-binary-format", "raw-in-base64-out", "invoke-endpoint-with-bidirectional-stream", "--cli-input-json", r#"{"EndpointName": "from-json"}"#, "--event", "plain text", "-"],
        b"",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(b"PLAIN TEXT\n"), "{}", String::from_utf8_lossy(&r.stdout));
    assert_eq!(sessions(&echo)[1].endpoint, "from-json");

    // A value that is not base64: 252 before any request.
    let before = sessions(&echo).len();
    let r = run(d, &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "ep", "--event", "not base64!", "o"], b"").await;
    assert_eq!(r.code, 252, "{}", r.stderr);
    assert!(r.stderr.contains("Invalid base64") && r.stderr.contains("--event"), "{}", r.stderr);
    assert_eq!(sessions(&echo).len(), before, "nothing was sent");
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_error_before_the_stream_is_the_aws_cli_error_and_254() {
    let server = server::start(Echo::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "broken", "out.txt"], b"hello\n").await;
    assert_eq!(r.code, 254, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        // The AWS CLI's line, then the modeled error's other members that are set.
        "An error occurred (ModelError) when calling the InvokeEndpointWithBidirectionalStream operation: the container answered 500\nOriginalStatusCode: 500"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_skeleton_and_a_missing_endpoint_name() {
    let server = server::start(Echo::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // --help: --event and the header options, with the model's docs.
    let r = run(d, &server, &["invoke-endpoint-with-bidirectional-stream", "--help"], b"").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let help = String::from_utf8(r.stdout).unwrap();
    for expected in ["--event <event>", "The input event stream.", "fileb://PATH", "each line of standard input", "--data-type <string>", "`UTF8` for text", "--completion-state <string>", "A header of every `PayloadPart` event sent."] {
        assert!(help.contains(expected), "{expected:?} in:\n{help}");
    }
    assert!(!help.contains("--body"), "the stream member is no option:\n{help}");
    // The skeleton and --cli-input-json leave the stream out.
    let r = run(d, &server, &["invoke-endpoint-with-bidirectional-stream", "--generate-cli-skeleton"], b"").await;
    let skeleton: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let keys: Vec<&str> = skeleton.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["EndpointName", "TargetVariant", "ModelInvocationPath", "ModelQueryString"]);
    let r = run(d, &server, &["invoke-endpoint-with-bidirectional-stream", "--cli-input-json", r#"{"EndpointName": "e", "Body": {}}"#, "o"], b"").await;
    assert_eq!(r.code, 252, "{}", r.stderr);
    assert!(r.stderr.contains("Unknown parameter in input: \"Body\""), "{}", r.stderr);
    // Required members are required as for any command (2, as the AWS CLI).
    let r = run(d, &server, &["invoke-endpoint-with-bidirectional-stream", "o"], b"").await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--endpoint-name"), "{}", r.stderr);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_stdin_is_open_exits_130_and_keeps_the_parts() {
    let echo = Echo::default();
    let server = server::start(echo.clone()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("parts.txt");
    let mut child = command(dir.path(), &server, &["invoke-endpoint-with-bidirectional-stream", "--endpoint-name", "chat", "parts.txt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    let (status, stdout) = tokio::task::spawn_blocking(move || {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"first\n").unwrap();
        stdin.flush().unwrap();
        let start = std::time::Instant::now();
        while std::fs::read(&out).unwrap_or_default() != b"FIRST\n" {
            assert!(start.elapsed() < Duration::from_secs(30), "the first part did not arrive");
            std::thread::sleep(Duration::from_millis(20));
        }
        // Standard input stays open (its reader is blocked): Ctrl-C still ends the command.
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
        let mut stdout = String::new();
        child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
        let status = child.wait().unwrap();
        drop(stdin);
        (status, stdout)
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(stdout, "\n", "a newline on stdout, as the AWS CLI prints one");
    assert_eq!(std::fs::read(dir.path().join("parts.txt")).unwrap(), b"FIRST\n", "the parts written stay");
    server.shutdown().await.unwrap();
}
