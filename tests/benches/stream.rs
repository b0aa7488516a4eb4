//! Time to the first part of `InvokeEndpointWithResponseStream`: our generated client against
//! the official `aws-sdk-sagemakerruntime`, on the same in-process mock (a text stream of 64
//! parts of 16 bytes, produced without delay), over keep-alive loopback connections. For each
//! call it measures the time from `send()` to the first `PayloadPart` out of `recv()`, and to
//! the end of the stream. Calls of ours and theirs alternate; figures are percentiles over all.
//!
//! Run: `cargo bench -p e2e-tests --bench stream [-- --quick]`; `cargo xtask bench` runs it and
//! writes the results into BENCHMARKS.md (section 5). Prints one `BENCH {json}` line.

mod support;

use sagemaker_runtime_mock::{Behaviour, MockServer, StreamSpec};
use serde_json::json;
use std::time::{Duration, Instant};
use support::{percentile, report};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const PARTS: usize = 64;
const PART_SIZE: usize = 16;

fn ours(url: &str) -> sagemaker_runtime::Client {
    let config = sagemaker_runtime::Config::builder()
        .region(sagemaker_runtime::config::Region::new("us-east-1"))
        .credentials_provider(sagemaker_runtime::config::Credentials::new(KEY, SECRET, None, None, "bench"))
        .endpoint_url(url)
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

fn official(url: &str) -> aws_sdk_sagemakerruntime::Client {
    let config = aws_sdk_sagemakerruntime::Config::builder()
        .behavior_version(aws_sdk_sagemakerruntime::config::BehaviorVersion::latest())
        .region(aws_sdk_sagemakerruntime::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sagemakerruntime::config::Credentials::new(KEY, SECRET, None, None, "bench"))
        .endpoint_url(url)
        .build();
    aws_sdk_sagemakerruntime::Client::from_conf(config)
}

/// One streamed call: (time to the first part, time to the end, parts).
macro_rules! timed_call {
    ($krate:ident, $client:expr) => {{
        use $krate::types::ResponseStream;
        let sent = Instant::now();
        let mut out = $client
            .invoke_endpoint_with_response_stream()
            .endpoint_name("bench")
            .content_type("application/json")
            .body($krate::primitives::Blob::new(br#"{"inputs":"bench"}"#.to_vec()))
            .send()
            .await
            .expect("the stream starts");
        let mut first = None;
        let mut parts = 0;
        while let Some(event) = out.body.recv().await.expect("the stream reads") {
            if let ResponseStream::PayloadPart(_) = event {
                first.get_or_insert_with(|| sent.elapsed());
                parts += 1;
            }
        }
        (first.expect("a first part"), sent.elapsed(), parts)
    }};
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

async fn measure(calls: usize) {
    let text: String = (0..PARTS * PART_SIZE).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let spec = StreamSpec::text(text).part_size(PART_SIZE);
    let mock = MockServer::new().endpoint("bench", Behaviour::stream(spec)).start().await.expect("the mock starts");
    let (our_client, their_client) = (ours(&mock.url()), official(&mock.url()));
    // Warm up both (connections, credentials caches, endpoint resolution).
    for _ in 0..5 {
        timed_call!(sagemaker_runtime, our_client);
        timed_call!(aws_sdk_sagemakerruntime, their_client);
    }
    let (mut our_first, mut our_total, mut their_first, mut their_total) = (vec![], vec![], vec![], vec![]);
    for _ in 0..calls {
        let (first, total, parts) = timed_call!(sagemaker_runtime, our_client);
        assert_eq!(parts, PARTS);
        our_first.push(first);
        our_total.push(total);
        let (first, total, parts) = timed_call!(aws_sdk_sagemakerruntime, their_client);
        assert_eq!(parts, PARTS);
        their_first.push(first);
        their_total.push(total);
    }
    let side = |first: &mut Vec<Duration>, total: &mut Vec<Duration>| {
        json!({
            "first_part_p50_us": us(percentile(first, 0.50)),
            "first_part_p99_us": us(percentile(first, 0.99)),
            "whole_stream_p50_us": us(percentile(total, 0.50)),
        })
    };
    report(json!({
        "section": "stream",
        "calls": calls,
        "parts": PARTS,
        "part_size": PART_SIZE,
        "ours": side(&mut our_first, &mut our_total),
        "official": side(&mut their_first, &mut their_total),
    }));
    mock.stop().await.expect("the mock stops");
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    runtime.block_on(measure(if quick { 50 } else { 300 }));
}
