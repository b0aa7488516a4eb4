//! Issue 20, "features that mean what they say": without its default features our generated
//! crate compiles neither its default HTTPS client nor tokio's runtime, and it works with an
//! HTTPS client the application plugs in.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::path::Path;
use std::process::Command;

/// The crates of the default HTTPS client (hyper 1 + rustls on aws-lc), none of which a build
/// without `default-https-client` may compile.
const DEFAULT_CLIENT: &[&str] =
    &["aws-smithy-http-client", "hyper", "hyper-util", "hyper-rustls", "rustls", "tokio-rustls", "aws-lc-rs", "aws-lc-sys", "h2"];

/// `cargo tree` of `args` in this workspace: one `name version [features]` line per crate.
fn cargo_tree(args: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["tree", "--offline", "-e", "normal", "--prefix", "none", "-f", "{p} [{f}]"])
        .args(args)
        .current_dir(root)
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(|l| l.trim_end_matches(" (*)").to_string()).collect()
}

fn has_crate(tree: &[String], name: &str) -> bool {
    tree.iter().any(|line| line.split_whitespace().next() == Some(name))
}

/// The features tokio is built with in `tree`.
fn tokio_features(tree: &[String]) -> Vec<String> {
    let line = tree.iter().find(|l| l.starts_with("tokio v")).expect("tokio is in the tree (aws-smithy-async's sync parts)");
    let features = line.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(f, _)| f).unwrap_or("");
    features.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect()
}

#[test]
fn the_generated_crate_without_default_features_compiles_no_https_client_and_no_tokio_runtime() {
    let lean = cargo_tree(&["-p", "sagemaker-runtime", "--no-default-features"]);
    for name in DEFAULT_CLIENT {
        assert!(!has_crate(&lean, name), "{name} is compiled without default features:\n{}", lean.join("\n"));
    }
    // tokio stays in every AWS SDK build (aws-smithy-async's channels), without its runtime.
    let features = tokio_features(&lean);
    for runtime_part in ["rt", "rt-multi-thread", "time", "net"] {
        assert!(!features.iter().any(|f| f == runtime_part), "tokio is built with `{runtime_part}`: {features:?}");
    }
    // The same query with the default features does list them, so the one above can fail.
    let default = cargo_tree(&["-p", "sagemaker-runtime"]);
    for name in ["aws-smithy-http-client", "hyper", "rustls", "aws-lc-rs"] {
        assert!(has_crate(&default, name), "{name} missing from the default build");
    }
    assert!(tokio_features(&default).iter().any(|f| f == "rt"));
}

#[test]
fn the_lean_client_compiles_no_serde() {
    // Bodies, errors, event payloads and the endpoint partitions go through aws-smithy-json (which
    // aws-config compiles anyway): without default features nothing pulls in serde_json or serde
    // (nor serde_core, which serde_json is built on).
    let lean = cargo_tree(&["-p", "sagemaker-runtime", "--no-default-features"]);
    for name in ["serde", "serde_json", "serde_core"] {
        assert!(!has_crate(&lean, name), "{name} is compiled without default features:\n{}", lean.join("\n"));
    }
    let runtime = cargo_tree(&["-p", "smithygen-runtime", "--no-default-features", "--depth", "1"]);
    assert!(has_crate(&runtime, "aws-smithy-json"), "the runtime reads JSON with aws-smithy-json");
    // The lean program's own tree (with its plugged-in client) has none either.
    let program = cargo_tree(&["-p", "lean-client"]);
    for name in ["serde", "serde_json", "serde_core"] {
        assert!(!has_crate(&program, name), "the lean program compiles {name}:\n{}", program.join("\n"));
    }
    // The default features do compile serde_json (`json-values`), so the queries above can fail.
    let default = cargo_tree(&["-p", "sagemaker-runtime"]);
    assert!(has_crate(&default, "serde_json"), "`json-values` (default) compiles serde_json");
}

#[test]
fn the_lean_program_compiles_no_aws_lc() {
    let tree = cargo_tree(&["-p", "lean-client"]);
    for name in ["aws-lc-rs", "aws-lc-sys", "cmake"] {
        assert!(!has_crate(&tree, name), "{name} is compiled by the lean program:\n{}", tree.join("\n"));
    }
    assert!(has_crate(&tree, "ring"), "the plugged-in client runs on ring");
}

/// The program, built on its own (`cargo build -p lean-client`), so that its features are its own
/// and not the union with the rest of the workspace's (whose crates use the default client).
fn program() -> std::path::PathBuf {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "lean-client", "--bin", "lean-client"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the lean program failed");
        // target/debug/lean-client, next to this test's own deps folder.
        let exe = std::env::current_exe().expect("test binary path");
        exe.parent().and_then(Path::parent).expect("target/debug").join(format!("lean-client{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

fn run_program(args: &[&str]) -> std::process::Output {
    Command::new(program()).args(args).env("AWS_REGION", "us-east-1").output().expect("the program runs")
}

#[test]
fn without_a_client_a_call_says_it_needs_one() {
    let out = run_program(&["--without-http-client", "e", "http://127.0.0.1:9"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("No HTTP client"), "{stderr}");
}

#[test]
fn a_call_goes_through_the_plugged_in_client() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    // A loopback server that answers with the request's path, its Authorization header and body.
    let server = runtime.spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        let service = hyper::service::service_fn(|request: hyper::Request<hyper::body::Incoming>| async move {
            let path = request.uri().path().to_string();
            let auth = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let body = request.into_body().collect().await?.to_bytes();
            let answer = format!("{path}\n{auth}\n{}", String::from_utf8_lossy(&body));
            Ok::<_, hyper::Error>(hyper::Response::new(Full::new(Bytes::from(answer))))
        });
        let io = hyper_util::rt::TokioIo::new(stream);
        let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
    });
    // The program runs on a blocking thread while this runtime drives the server.
    let out = runtime
        .block_on(async move { tokio::task::spawn_blocking(move || run_program(&["my-endpoint", &url])).await })
        .expect("the program's thread");
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("/endpoints/my-endpoint/invocations"));
    let auth = lines.next().unwrap_or("");
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLEAN/") && auth.contains("/us-east-1/sagemaker/aws4_request"), "{auth}");
    assert_eq!(lines.next(), Some(r#"{"x":1}"#));
}
