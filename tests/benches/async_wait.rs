//! What waiting costs: `InvokeEndpointAsync` then its result, through `send_and_wait()` of our
//! generated client (feature `async-result`, aws-sdk-s3 reading the mock's S3 API), against the
//! earliest moment the result exists (the same call sent with `send()`, then the mock's own
//! notification that it wrote the result). The mock's endpoint takes a fixed delay; the
//! difference of the medians is the wait's overhead: polling granularity (backoff) plus the S3
//! reads. Measured with the default backoff (100 ms, x1.5, up to 10 s) and a tight one (10 ms,
//! x1.5, up to 100 ms); calls of each kind alternate.
//!
//! Run: `cargo bench -p e2e-tests --bench async_wait [-- --quick]`; `cargo xtask bench` runs it
//! and writes the results into BENCHMARKS.md (section 8). Prints one `BENCH {json}` line.

mod support;

use sagemaker_runtime::async_result::{Backoff, ResultReader};
use sagemaker_runtime_mock::{Behaviour, EndpointConfig, MockServer};
use serde_json::json;
use std::time::{Duration, Instant};
use support::{percentile, report};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const DELAY: Duration = Duration::from_millis(200);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn measure(calls: usize) {
    let mock = MockServer::new()
        .endpoint("bench", EndpointConfig::new(Behaviour::echo()).delay(DELAY))
        .start()
        .await
        .expect("the mock starts");
    let sdk = aws_types::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new(KEY, SECRET, None, None, "bench"),
        ))
        .endpoint_url(mock.url())
        .build();
    let client = sagemaker_runtime::Client::new(&sdk);
    let default = ResultReader::new(&sdk);
    let tight = ResultReader::new(&sdk).with_backoff(Backoff {
        initial: Duration::from_millis(10),
        factor: 1.5,
        max: Duration::from_millis(100),
    });
    let body = || aws_smithy_types::Blob::new(br#"{"inputs":[1,2,3]}"#.to_vec());
    let (mut earliest, mut with_default, mut with_tight) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..calls + 2 {
        let started = Instant::now();
        let out = client.invoke_endpoint_async().endpoint_name("bench").body(body()).send().await.expect("accepted");
        mock.wait_for_async(out.inference_id().expect("an id"), Duration::from_secs(30)).await.expect("finished");
        let e = started.elapsed();
        let started = Instant::now();
        client.invoke_endpoint_async().endpoint_name("bench").body(body()).send_and_wait(&default).await.expect("a result");
        let d = started.elapsed();
        let started = Instant::now();
        client.invoke_endpoint_async().endpoint_name("bench").body(body()).send_and_wait(&tight).await.expect("a result");
        let t = started.elapsed();
        // The first two rounds warm up connections and credentials.
        if round >= 2 {
            earliest.push(e);
            with_default.push(d);
            with_tight.push(t);
        }
    }
    let (e50, d50, t50) = (percentile(&mut earliest, 0.5), percentile(&mut with_default, 0.5), percentile(&mut with_tight, 0.5));
    report(json!({
        "section": "async_wait",
        "calls": calls,
        "delay_ms": ms(DELAY),
        "earliest_p50_ms": ms(e50),
        "default_p50_ms": ms(d50),
        "default_p90_ms": ms(percentile(&mut with_default, 0.9)),
        "tight_p50_ms": ms(t50),
        "tight_p90_ms": ms(percentile(&mut with_tight, 0.9)),
    }));
    mock.stop().await.expect("the mock stops");
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    runtime.block_on(measure(if quick { 10 } else { 40 }));
}
