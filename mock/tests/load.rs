//! Load and faults against the `sagemaker-runtime-mock` binary as a child process over
//! loopback: 100,000 requests over 64 keep-alive connections with no error while a slowloris
//! client and a 7 MB body try to starve the others; and 10,000 `InvokeEndpointAsync` requests
//! during which the process is killed with SIGKILL and restarted on the same data folder,
//! after which every request that got a 202 has exactly one result or failure object.
#![cfg(unix)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

const BIN: &str = env!("CARGO_BIN_EXE_sagemaker-runtime-mock");

struct Mock {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(data_dir: &Path, config: &Path) -> Mock {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("sagemaker-runtime-mock listening on http://").unwrap_or_else(|| panic!("{line:?}"));
    Mock { child, addr: url.parse().unwrap() }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Option<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(connection);
    Some(sender)
}

async fn post(sender: &mut Sender, addr: SocketAddr, uri: &str, headers: &[(&str, &str)], body: Bytes) -> Option<(u16, Bytes)> {
    let mut request = http::Request::post(uri).header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    sender.ready().await.ok()?;
    let response = sender.send_request(request.body(Full::new(body)).unwrap()).await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.into_body().collect().await.ok()?.to_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_requests_over_64_connections_while_slowloris_and_a_7_mb_body_try_to_starve_them() {
    const TOTAL: usize = 100_000;
    const CONNECTIONS: usize = 64;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("mock.toml");
    std::fs::write(&config, "").unwrap();
    let mock = spawn(&dir.path().join("data"), &config);
    let addr = mock.addr;

    // Slowloris: connections that send a request head one byte at a time and never finish.
    let mut loris = Vec::new();
    for _ in 0..8 {
        loris.push(tokio::spawn(async move {
            let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else { return };
            let head = format!("POST /endpoints/slow/invocations HTTP/1.1\r\nhost: {addr}\r\ncontent-length: 10\r\nx-a: ");
            for b in head.bytes().chain(std::iter::repeat(b'a')) {
                if s.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }
    // A 7 MB body, sent again and again (over the model's 6 MB limit: a ValidationError).
    let big = tokio::spawn(async move {
        let body = Bytes::from(vec![b'x'; 7 * 1024 * 1024]);
        let mut statuses = Vec::new();
        for _ in 0..5 {
            let mut s = connect(addr).await.expect("connect");
            statuses.push(post(&mut s, addr, "/endpoints/big/invocations", &[], body.clone()).await.map(|r| r.0));
        }
        statuses
    });

    let next = Arc::new(AtomicUsize::new(0));
    let slowest = Arc::new(Mutex::new(Duration::ZERO));
    let started = Instant::now();
    let mut workers = Vec::new();
    for c in 0..CONNECTIONS {
        let (next, slowest) = (next.clone(), slowest.clone());
        workers.push(tokio::spawn(async move {
            let mut sender = connect(addr).await.expect("connect");
            let mut errors = Vec::new();
            let uri = format!("/endpoints/ep-{}/invocations", c % 4);
            while next.fetch_add(1, Ordering::Relaxed) < TOTAL {
                let sent = Instant::now();
                match post(&mut sender, addr, &uri, &[("content-type", "application/json")], Bytes::from_static(b"{\"x\":1}")).await {
                    Some((200, body)) if body.as_ref() == b"{\"x\":1}" => {}
                    other => errors.push(format!("{other:?}")),
                }
                let took = sent.elapsed();
                let mut s = slowest.lock().unwrap();
                *s = (*s).max(took);
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for w in workers {
        errors.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    let big = big.await.unwrap();
    for l in loris {
        l.abort();
    }
    let rate = TOTAL as f64 / elapsed.as_secs_f64();
    let slowest = *slowest.lock().unwrap();
    eprintln!("{TOTAL} requests over {CONNECTIONS} connections in {elapsed:?}: {rate:.0} requests/s, slowest {slowest:?}; 7 MB bodies: {big:?}");
    assert!(errors.is_empty(), "{} errors, first: {}", errors.len(), errors[0]);
    assert!(big.iter().all(|s| *s == Some(400) || *s == Some(413)), "{big:?}");
    assert!(slowest < Duration::from_secs(5), "a request waited {slowest:?}");
    assert!(elapsed < Duration::from_secs(120), "took {elapsed:?}");

    // The request log stayed bounded: the newest 10,000 (the default), the rest dropped.
    let mut s = connect(addr).await.unwrap();
    let request = http::Request::get("/_mock/requests?limit=1").header("host", addr.to_string()).body(Full::new(Bytes::new())).unwrap();
    let response = s.send_request(request).await.unwrap();
    let dropped: u64 = response.headers()["x-mock-dropped-requests"].to_str().unwrap().parse().unwrap();
    assert!(dropped >= (TOTAL - 10_000) as u64, "dropped {dropped}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_async_request_ends_in_exactly_one_object_across_a_sigkill() {
    const TOTAL: usize = 10_000;
    const CONNECTIONS: usize = 64;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("mock.toml");
    std::fs::write(&config, "[async]\nmax_concurrent_invocations = 16\n").unwrap();
    let mut mock = spawn(&data, &config);
    let addr = Arc::new(Mutex::new(mock.addr));

    let next = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(Mutex::new(Vec::<String>::new()));
    let refused = Arc::new(AtomicUsize::new(0));
    let sent_before_kill = TOTAL / 3;
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let (next, accepted, refused, addr) = (next.clone(), accepted.clone(), refused.clone(), addr.clone());
        workers.push(tokio::spawn(async move {
            let mut current: Option<(SocketAddr, Sender)> = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= TOTAL {
                    return;
                }
                let id = format!("req-{i:05}");
                let target = *addr.lock().unwrap();
                if current.as_ref().map(|(a, _)| *a) != Some(target) {
                    current = connect(target).await.map(|s| (target, s));
                }
                let answer = match current.as_mut() {
                    Some((a, s)) => post(s, *a, "/endpoints/ep/async-invocations", &[("x-amzn-sagemaker-inference-id", &id)], Bytes::from(id.clone())).await,
                    None => None,
                };
                match answer {
                    Some((202, _)) => accepted.lock().unwrap().push(id),
                    // Killed mid-request, or not listening: no 202, no promise. Reconnect later.
                    _ => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        current = None;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }));
    }
    // Kill without warning once a third has been sent, then start again on the same folder.
    while next.load(Ordering::Relaxed) < sent_before_kill {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    mock.child.kill().unwrap(); // SIGKILL
    mock.child.wait().unwrap();
    let accepted_at_kill = accepted.lock().unwrap().len();
    let restarted = spawn(&data, &config);
    *addr.lock().unwrap() = restarted.addr;
    for w in workers {
        w.await.unwrap();
    }
    let accepted = accepted.lock().unwrap().clone();
    eprintln!(
        "{} accepted ({accepted_at_kill} before the SIGKILL), {} refused or cut off",
        accepted.len(),
        refused.load(Ordering::Relaxed)
    );
    assert!(accepted_at_kill > 0 && accepted.len() > accepted_at_kill, "the kill happened mid-run");

    // Every 202 ends in exactly one object: <id>.out or <id>-error.out.
    let (out, failed) = (data.join("sagemaker-mock-output/ep"), data.join("sagemaker-mock-failure/ep"));
    let deadline = Instant::now() + Duration::from_secs(180);
    let missing = loop {
        let missing: Vec<&String> = accepted
            .iter()
            .filter(|id| !out.join(format!("{id}.out")).exists() && !failed.join(format!("{id}-error.out")).exists())
            .collect();
        if missing.is_empty() || Instant::now() > deadline {
            break missing.len();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(missing, 0, "accepted requests without a result or failure object");
    let both = accepted.iter().filter(|id| out.join(format!("{id}.out")).exists() && failed.join(format!("{id}-error.out")).exists()).count();
    assert_eq!(both, 0, "requests with both a result and a failure object");
    for id in &accepted {
        if let Ok(body) = std::fs::read(out.join(format!("{id}.out"))) {
            assert_eq!(body, id.as_bytes(), "{id}: the echo of its own body");
        }
    }
    drop(restarted);
}
