//! Side-by-side client benchmark: the generated SageMaker Runtime client against the official
//! `aws-sdk-sagemakerruntime`, calling one bare hyper echo server (a child process, so its CPU
//! time is not counted) in one run. For 1 KiB and 6 MiB bodies, sequentially and with 16
//! concurrent callers, it measures CPU time per call (this process's user + system time over
//! a block of calls), latency percentiles, and for the 6 MiB call the bytes allocated, the
//! peak heap and the number of payload-sized allocations (copies of the payload). Blocks of
//! ours and theirs alternate, and each figure is the median of several blocks.
//!
//! Run: `cargo bench -p e2e-tests --bench client [-- --quick]`; `cargo xtask bench` runs it
//! and writes the results into BENCHMARKS.md.

mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::{cpu_time, median, percentile, report, AllocWindow, ChildServer, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Ours,
    Official,
}

#[derive(Clone)]
struct Clients {
    ours: sagemaker_runtime::Client,
    official: aws_sdk_sagemakerruntime::Client,
}

impl Clients {
    async fn call(&self, side: Side, payload: Vec<u8>) -> usize {
        match side {
            Side::Ours => {
                let out = self
                    .ours
                    .invoke_endpoint()
                    .endpoint_name("bench")
                    .content_type("application/octet-stream")
                    .body(sagemaker_runtime::primitives::Blob::new(payload))
                    .send()
                    .await
                    .expect("our call");
                out.body().map_or(0, |b| b.as_ref().len())
            }
            Side::Official => {
                let out = self
                    .official
                    .invoke_endpoint()
                    .endpoint_name("bench")
                    .content_type("application/octet-stream")
                    .body(aws_sdk_sagemakerruntime::primitives::Blob::new(payload))
                    .send()
                    .await
                    .expect("official call");
                out.body().map_or(0, |b| b.as_ref().len())
            }
        }
    }
}

/// One block: `calls` calls by `callers` concurrent tasks. Returns CPU per call and every
/// call's latency.
async fn block(clients: &Clients, side: Side, payload: &[u8], calls: usize, callers: usize) -> (Duration, Vec<Duration>) {
    let cpu_before = cpu_time();
    let mut tasks = Vec::new();
    for caller in 0..callers {
        let clients = clients.clone();
        let payload = payload.to_vec();
        let mine = calls / callers + usize::from(caller < calls % callers);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(mine);
            for _ in 0..mine {
                let body = payload.clone();
                let started = Instant::now();
                let n = clients.call(side, body).await;
                latencies.push(started.elapsed());
                assert_eq!(n, payload.len(), "the echo comes back whole");
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(calls);
    for task in tasks {
        latencies.extend(task.await.expect("a caller task"));
    }
    let cpu = cpu_time().saturating_sub(cpu_before);
    (cpu / calls as u32, latencies)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // First: this binary may have been started as the echo server (see `ChildServer::echo`).
    support::serve_echo_if_asked();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--calls") {
        Some(at) => {
            let side = match args.get(at + 1).map(String::as_str) {
                Some("ours") => Side::Ours,
                Some("official") => Side::Official,
                _ => panic!("usage: client --calls ours|official N"),
            };
            let calls = args.get(at + 2).and_then(|n| n.parse().ok()).expect("usage: client --calls ours|official N");
            runtime.block_on(calls_only(side, calls));
        }
        None => runtime.block_on(measure()),
    }
}

fn clients(url: &str) -> Clients {
    Clients {
        ours: sagemaker_runtime::Client::from_conf(
            sagemaker_runtime::Config::builder()
                .region(sagemaker_runtime::config::Region::new("us-east-1"))
                .credentials_provider(sagemaker_runtime::config::Credentials::new(KEY, SECRET, None, None, "bench"))
                .endpoint_url(url)
                .build(),
        ),
        official: aws_sdk_sagemakerruntime::Client::from_conf(
            aws_sdk_sagemakerruntime::Config::builder()
                .behavior_version(aws_sdk_sagemakerruntime::config::BehaviorVersion::latest())
                .region(aws_sdk_sagemakerruntime::config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_sagemakerruntime::config::Credentials::new(KEY, SECRET, None, None, "bench"))
                .endpoint_url(url)
                .build(),
        ),
    }
}

/// `--calls SIDE N`: 10 warm-up calls, then `N` sequential 1 KiB calls of one client, and
/// nothing else: the program `cargo xtask bench` runs under `valgrind --tool=callgrind` (which
/// counts this process's instructions, not the echo server's, whatever the machine's load) with
/// two values of `N`, so that the difference divided by the difference of `N` is the
/// instructions of one call, start-up and warm-up cancelled out.
async fn calls_only(side: Side, calls: usize) {
    let server = ChildServer::echo();
    let clients = clients(&server.url);
    let payload = support::payload(1024).to_vec();
    for _ in 0..10 + calls {
        assert_eq!(clients.call(side, payload.clone()).await, payload.len());
    }
}

async fn measure() {
    let quick = std::env::args().any(|a| a == "--quick");
    let server = ChildServer::echo();
    let clients = clients(&server.url);
    let blocks = if quick { 3 } else { 7 };
    println!("{:<8} {:<12} {:>6} {:>12} {:>12} {:>7} {:>12} {:>12}", "payload", "callers", "calls", "ours cpu", "theirs cpu", "ratio", "ours p50", "theirs p50");
    for (label, size, calls) in [("1 KiB", 1024usize, if quick { 200 } else { 1000 }), ("6 MiB", 6 << 20, if quick { 8 } else { 24 })] {
        let payload = support::payload(size).to_vec();
        for callers in [1usize, 16] {
            let calls = calls.max(callers);
            // Warm both: connections, credentials, endpoint resolution.
            for side in [Side::Ours, Side::Official] {
                block(&clients, side, &payload, callers * 2, callers).await;
            }
            let mut cpu = [Vec::new(), Vec::new()];
            let mut lat = [Vec::new(), Vec::new()];
            for _ in 0..blocks {
                for (i, side) in [Side::Ours, Side::Official].into_iter().enumerate() {
                    let (per_call, latencies) = block(&clients, side, &payload, calls, callers).await;
                    cpu[i].push(micros(per_call));
                    lat[i].extend(latencies);
                }
            }
            let [cpu_ours, cpu_theirs] = [median(&mut cpu[0]), median(&mut cpu[1])];
            let [mut lat_ours, mut lat_theirs] = lat;
            let stats = |l: &mut Vec<Duration>| (micros(percentile(l, 0.5)), micros(percentile(l, 0.99)));
            let (p50_ours, p99_ours) = stats(&mut lat_ours);
            let (p50_theirs, p99_theirs) = stats(&mut lat_theirs);
            println!(
                "{label:<8} {callers:<12} {calls:>6} {cpu_ours:>10.1}µs {cpu_theirs:>10.1}µs {:>7.2} {p50_ours:>10.1}µs {p50_theirs:>10.1}µs",
                cpu_ours / cpu_theirs
            );
            report(json!({
                "section": "client", "payload": label, "callers": callers, "calls_per_block": calls, "blocks": blocks,
                "ours": { "cpu_us_per_call": cpu_ours, "p50_us": p50_ours, "p99_us": p99_ours },
                "official": { "cpu_us_per_call": cpu_theirs, "p50_us": p50_theirs, "p99_us": p99_theirs },
            }));
        }
    }

    // Allocations per 1 KiB call (sequential, after the calls above): a count that does not
    // depend on the machine's load.
    let payload = support::payload(1024).to_vec();
    let calls = 200;
    let mut per_call = Vec::new();
    for side in [Side::Ours, Side::Official] {
        let window = AllocWindow::open(usize::MAX);
        for _ in 0..calls {
            clients.call(side, payload.clone()).await;
        }
        let figures = window.close();
        per_call.push((figures.allocations as f64 / calls as f64, figures.allocated as f64 / calls as f64));
    }
    println!(
        "1 KiB call: ours {:.1} allocations ({:.0} bytes), official {:.1} allocations ({:.0} bytes) per call",
        per_call[0].0, per_call[0].1, per_call[1].0, per_call[1].1
    );
    report(json!({
        "section": "client-allocations", "payload": "1 KiB", "calls": calls,
        "ours": { "allocations_per_call": per_call[0].0, "bytes_per_call": per_call[0].1 },
        "official": { "allocations_per_call": per_call[1].0, "bytes_per_call": per_call[1].1 },
    }));

    // Memory of one 6 MiB call each: what is allocated beyond the caller's own payload.
    let size = 6 << 20;
    let payload = support::payload(size).to_vec();
    for side in [Side::Ours, Side::Official] {
        clients.call(side, payload.clone()).await;
    }
    let mut figures = Vec::new();
    for side in [Side::Ours, Side::Official] {
        let body = payload.clone(); // the caller's buffer, made before counting starts
        let window = AllocWindow::open(size);
        let n = clients.call(side, body).await;
        figures.push(window.close());
        assert_eq!(n, size);
    }
    let mib = |b: usize| b as f64 / (1 << 20) as f64;
    println!(
        "6 MiB call: ours allocated {:.1} MiB (peak {:.1} MiB, {} payload-sized allocations); official {:.1} MiB (peak {:.1} MiB, {})",
        mib(figures[0].allocated),
        mib(figures[0].peak_above_start),
        figures[0].big_allocations,
        mib(figures[1].allocated),
        mib(figures[1].peak_above_start),
        figures[1].big_allocations
    );
    report(json!({
        "section": "client-memory", "payload": "6 MiB",
        "ours": { "allocated_mib": mib(figures[0].allocated), "peak_mib": mib(figures[0].peak_above_start), "payload_copies": figures[0].big_allocations },
        "official": { "allocated_mib": mib(figures[1].allocated), "peak_mib": mib(figures[1].peak_above_start), "payload_copies": figures[1].big_allocations },
    }));
}
