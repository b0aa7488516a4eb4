//! Mock load benchmark: requests per second and latency percentiles of `InvokeEndpoint` with a
//! 1 KiB body over 64 keep-alive connections, against the mock binary (release build, default settings and log level, echo
//! behaviour) and, as the floor, a bare hyper echo server built in the same run; plus the
//! mock's resident memory after a first and a second run (flat memory means a bounded
//! request log and no leak). The load generator is a hyper client in this process.
//!
//! Each server's CPU time (user plus system, from `/proc`) per request is reported beside its
//! throughput: what the server spends on a request, less disturbed by whatever else the
//! machine runs than requests per second are.
//!
//! Run: `cargo bench -p sagemaker-runtime-mock --bench load [-- --seconds N --rounds N]`;
//! `cargo xtask bench` runs it and writes the results into BENCHMARKS.md. `--mock-bin PATH`
//! measures another build of the mock binary (an earlier commit's, say) against the same floor.

#[path = "../../tests/benches/support/mod.rs"]
mod support;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{median, percentile, report, ChildServer};

const CONNECTIONS: usize = 64;

struct Run {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

/// `CONNECTIONS` connections, each sending requests one after another for `duration`.
async fn load(url: &str, duration: Duration) -> Run {
    let addr = url.trim_start_matches("http://").to_string();
    let body = support::payload(1024);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let addr = addr.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.expect("handshake");
            tokio::spawn(connection);
            let (mut ok, mut errors, mut latencies) = (0usize, 0usize, Vec::new());
            while Instant::now() < deadline {
                let request = hyper::Request::post("/endpoints/bench/invocations")
                    .header("host", &addr)
                    .header("content-type", "application/octet-stream")
                    .body(Full::new(Bytes::clone(&body)))
                    .expect("a request");
                let sent = Instant::now();
                match sender.send_request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        let collected = response.into_body().collect().await;
                        latencies.push(sent.elapsed());
                        if status == 200 && collected.map(|b| b.to_bytes().len() == 1024).unwrap_or(false) {
                            ok += 1;
                        } else {
                            errors += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (ok, errors, latencies)
        }));
    }
    let mut run = Run { requests: 0, errors: 0, elapsed: Duration::ZERO, latencies: Vec::new() };
    for task in tasks {
        let (ok, errors, latencies) = task.await.expect("a load task");
        run.requests += ok;
        run.errors += errors;
        run.latencies.extend(latencies);
    }
    run.elapsed = started.elapsed();
    run
}

fn arg_text(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|at| args.get(at + 1)).cloned()
}

fn arg(name: &str, default: u64) -> u64 {
    arg_text(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // First: this binary may have been started as the echo server (see `ChildServer::echo`).
    support::serve_echo_if_asked();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    runtime.block_on(measure());
}

async fn measure() {
    let seconds = Duration::from_secs(arg("--seconds", 5));
    let rounds = arg("--rounds", 3) as usize;
    let data = tempfile::tempdir().expect("a data folder");
    let binary = arg_text("--mock-bin").unwrap_or_else(|| env!("CARGO_BIN_EXE_sagemaker-runtime-mock").to_string());
    let mut command = Command::new(binary);
    command.args(["--listen", "127.0.0.1:0", "--data-dir"]).arg(data.path()).env_remove("RUST_LOG");
    let mock = ChildServer::start(command);
    let floor = ChildServer::echo();

    // Warm up both (connection set-up, allocator pools).
    load(&mock.url, Duration::from_millis(500)).await;
    load(&floor.url, Duration::from_millis(500)).await;

    let mut rps = [Vec::new(), Vec::new()];
    let mut latencies = [Vec::new(), Vec::new()];
    let mut errors = [0usize, 0usize];
    let mut cpu_us_per_request = [Vec::new(), Vec::new()];
    let mut rss_after_round = Vec::new();
    let mut served = 0usize;
    for _ in 0..rounds {
        for (i, server) in [&mock, &floor].into_iter().enumerate() {
            let cpu_before = support::cpu_time_of(server.child.id());
            let run = load(&server.url, seconds).await;
            let cpu = support::cpu_time_of(server.child.id()).saturating_sub(cpu_before);
            cpu_us_per_request[i].push(cpu.as_secs_f64() * 1e6 / run.requests.max(1) as f64);
            if i == 0 {
                served += run.requests + run.errors;
            }
            rps[i].push(run.requests as f64 / run.elapsed.as_secs_f64());
            latencies[i].extend(run.latencies);
            errors[i] += run.errors;
        }
        rss_after_round.push(mock.rss_bytes());
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = mock.rss_bytes();
    let [rps_mock, rps_floor] = [median(&mut rps[0]), median(&mut rps[1])];
    let [cpu_mock, cpu_floor] = [median(&mut cpu_us_per_request[0]), median(&mut cpu_us_per_request[1])];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let [mut lat_mock, mut lat_floor] = latencies;
    let (p50_mock, p99_mock) = (ms(percentile(&mut lat_mock, 0.5)), ms(percentile(&mut lat_mock, 0.99)));
    let (p50_floor, p99_floor) = (ms(percentile(&mut lat_floor, 0.5)), ms(percentile(&mut lat_floor, 0.99)));
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    println!("{:<10} {:>10} {:>10} {:>10} {:>8} {:>12}", "server", "req/s", "p50", "p99", "errors", "CPU/request");
    println!("{:<10} {rps_mock:>10.0} {p50_mock:>8.2}ms {p99_mock:>8.2}ms {:>8} {cpu_mock:>10.1}µs", "mock", errors[0]);
    println!("{:<10} {rps_floor:>10.0} {p50_floor:>8.2}ms {p99_floor:>8.2}ms {:>8} {cpu_floor:>10.1}µs", "bare hyper", errors[1]);
    println!("ratio mock/floor: {:.2} (CPU per request: {:.2})", rps_mock / rps_floor, cpu_mock / cpu_floor);
    println!(
        "mock RSS after each round: {} MiB; 1 s after the last: {:.1} MiB; {served} requests to the mock",
        rss_after_round.iter().map(|b| format!("{:.1}", mib(*b))).collect::<Vec<_>>().join(", "),
        mib(rss_idle)
    );
    report(json!({
        "section": "mock", "connections": CONNECTIONS, "seconds_per_round": seconds.as_secs(), "rounds": rounds, "body_bytes": 1024,
        "mock": { "rps": rps_mock, "p50_ms": p50_mock, "p99_ms": p99_mock, "errors": errors[0], "cpu_us_per_request": cpu_mock },
        "floor": { "rps": rps_floor, "p50_ms": p50_floor, "p99_ms": p99_floor, "errors": errors[1], "cpu_us_per_request": cpu_floor },
        "mock_requests": served,
        "mock_rss_mib_after_rounds": rss_after_round.iter().map(|b| mib(*b)).collect::<Vec<_>>(),
        "mock_rss_mib_idle": mib(rss_idle),
    }));
}
