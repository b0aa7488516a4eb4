//! The `sagemaker-runtime-mock` binary as a child process: flags, a config file, the URL on
//! stdout, clean shutdown on SIGTERM and SIGINT, and a queued async request finished by the
//! next process on the same data directory.
#![cfg(unix)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sagemaker-runtime-mock");

struct Mock {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Drop for Mock {
    fn drop(&mut self) {
        // Only if a test failed before stopping it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(data_dir: &Path, config: &Path, log: PathBuf) -> Mock {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("sagemaker-runtime-mock listening on http://").unwrap_or_else(|| {
        panic!("unexpected first line {line:?}; log: {}", std::fs::read_to_string(&log).unwrap_or_default())
    });
    Mock { child, addr: url.parse().unwrap(), log }
}

fn signal(mock: &Mock, name: &str) {
    let status = Command::new("kill").arg(format!("-{name}")).arg(mock.child.id().to_string()).status().unwrap();
    assert!(status.success());
}

fn wait_exit(mock: &mut Mock, timeout: Duration) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = mock.child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the mock did not exit within {timeout:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn send(addr: SocketAddr, method: &str, uri: &str, headers: &[(&str, &str)], body: &'static str) -> (u16, Bytes) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let mut request = http::Request::builder().method(method).uri(uri).header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender.send_request(request.body(Full::new(Bytes::from_static(body.as_bytes()))).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    (status, response.into_body().collect().await.unwrap().to_bytes())
}

fn queue_files(data_dir: &Path) -> usize {
    std::fs::read_dir(data_dir.join(".queue")).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn serves_a_config_file_stops_on_sigterm_and_the_next_process_finishes_queued_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let slow_config = dir.path().join("slow.toml");
    std::fs::write(
        &slow_config,
        r#"
        [endpoints.fixed]
        behaviour = { fixed = { body = "from the config", content_type = "text/plain" } }

        [endpoints.model]
        delay_ms = 60000
        "#,
    )
    .unwrap();
    let mut mock = spawn(&data, &slow_config, dir.path().join("first.log"));
    let (status, body) = send(mock.addr, "GET", "/_mock/health", &[], "").await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["status"], "ok");
    let (status, body) = send(mock.addr, "POST", "/endpoints/fixed/invocations", &[], "x").await;
    assert_eq!((status, &body[..]), (200, &b"from the config"[..]));

    // `s3://in/req.json` is DATA/in/req.json.
    std::fs::create_dir_all(data.join("in")).unwrap();
    std::fs::write(data.join("in/req.json"), "queued payload").unwrap();
    let (status, body) = send(
        mock.addr,
        "POST",
        "/endpoints/model/async-invocations",
        &[("X-Amzn-SageMaker-InputLocation", "s3://in/req.json"), ("X-Amzn-SageMaker-Inference-Id", "survivor")],
        "",
    )
    .await;
    assert_eq!(status, 202, "{body:?}");
    assert_eq!(queue_files(&data), 1);

    signal(&mock, "TERM");
    let exit = wait_exit(&mut mock, Duration::from_secs(15));
    assert!(exit.success(), "{exit:?}");
    let log = std::fs::read_to_string(&mock.log).unwrap();
    assert!(log.contains("SIGTERM"), "{log}");
    assert_eq!(queue_files(&data), 1, "the running request stays journaled");
    assert!(!data.join("sagemaker-mock-output/model/survivor.out").exists());

    // The next process, with a fast model, finishes it.
    let fast_config = dir.path().join("fast.json");
    std::fs::write(&fast_config, r#"{"endpoints": {"model": {"behaviour": "echo"}}}"#).unwrap();
    let mut mock = spawn(&data, &fast_config, dir.path().join("second.log"));
    let output = data.join("sagemaker-mock-output/model/survivor.out");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !output.exists() {
        assert!(Instant::now() < deadline, "no result after the restart");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "queued payload");
    let deadline = Instant::now() + Duration::from_secs(5);
    while queue_files(&data) > 0 {
        assert!(Instant::now() < deadline, "the journal entry is removed after the result is written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    signal(&mock, "INT");
    let exit = wait_exit(&mut mock, Duration::from_secs(15));
    assert!(exit.success(), "{exit:?}");
    assert!(std::fs::read_to_string(&mock.log).unwrap().contains("SIGINT"));
}

#[test]
fn an_invalid_config_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[endpoints.bad_name]\nbehaviour = \"echo\"\n").unwrap();
    let output = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.toml") && stderr.contains("endpoint `bad_name`: not a valid endpoint name"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn help_lists_the_flags() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in ["--listen", "--data-dir", "--config"] {
        assert!(help.contains(flag), "{help}");
    }
}
