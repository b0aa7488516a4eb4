//! Side-by-side benchmark: the generated SageMaker Runtime client against the
//! official `aws-sdk-sagemakerruntime`, calling the same loopback server in one
//! run, interleaved so both see the same machine state. Prints per-call times
//! and the ratio ours / official for a small and a 6 MB payload.
//!
//! Run: `cargo bench -p e2e-tests --bench invoke` (optionally `-- ROUNDS`).

use e2e_tests::{start, Reply};
use sagemaker_runtime::config::{Credentials, Region};
use sagemaker_runtime::primitives::Blob;
use std::time::{Duration, Instant};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(200);
    let server = start(|_, r| Reply::status(200).header("content-type", "application/octet-stream").body(r.body.clone())).await;

    let ours = sagemaker_runtime::Client::from_conf(
        sagemaker_runtime::Config::builder()
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(KEY, SECRET, None, None, "bench"))
            .endpoint_url(server.url())
            .build(),
    );
    let official = aws_sdk_sagemakerruntime::Client::from_conf(
        aws_sdk_sagemakerruntime::Config::builder()
            .behavior_version(aws_sdk_sagemakerruntime::config::BehaviorVersion::latest())
            .region(aws_sdk_sagemakerruntime::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sagemakerruntime::config::Credentials::new(KEY, SECRET, None, None, "bench"))
            .endpoint_url(server.url())
            .build(),
    );

    println!("{:<10} {:>8} {:>14} {:>14} {:>8}", "payload", "rounds", "ours/call", "official/call", "ratio");
    for (label, size, n) in [("1 KiB", 1024usize, rounds), ("6 MiB", 6 * 1024 * 1024, (rounds / 20).max(5))] {
        let payload: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        // Warm up connection pools and credential caches.
        for _ in 0..3 {
            call_ours(&ours, &payload).await;
            call_official(&official, &payload).await;
        }
        let (mut t_ours, mut t_official) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..n {
            let start = Instant::now();
            call_ours(&ours, &payload).await;
            t_ours += start.elapsed();
            let start = Instant::now();
            call_official(&official, &payload).await;
            t_official += start.elapsed();
        }
        let per_ours = t_ours / n as u32;
        let per_official = t_official / n as u32;
        println!(
            "{label:<10} {n:>8} {:>12.1}µs {:>12.1}µs {:>8.2}",
            per_ours.as_secs_f64() * 1e6,
            per_official.as_secs_f64() * 1e6,
            per_ours.as_secs_f64() / per_official.as_secs_f64()
        );
    }
}

async fn call_ours(client: &sagemaker_runtime::Client, payload: &[u8]) {
    let out = client
        .invoke_endpoint()
        .endpoint_name("bench")
        .content_type("application/octet-stream")
        .body(Blob::new(payload.to_vec()))
        .send()
        .await
        .expect("our call");
    assert_eq!(out.body().map(|b| b.as_ref().len()), Some(payload.len()));
}

async fn call_official(client: &aws_sdk_sagemakerruntime::Client, payload: &[u8]) {
    let out = client
        .invoke_endpoint()
        .endpoint_name("bench")
        .content_type("application/octet-stream")
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(payload.to_vec()))
        .send()
        .await
        .expect("official call");
    assert_eq!(out.body().map(|b| b.as_ref().len()), Some(payload.len()));
}
