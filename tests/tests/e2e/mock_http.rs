//! What a test written in any language sees: the mock-only HTTP paths under `/_mock/`
//! (health, the request log, async status), which never collide with the API, and the
//! config format, using the example config of the README.

use crate::mock_support;

use mock_support::{client, eventually, raw};
use sagemaker_runtime_mock::{MockConfig, MockServer};
use std::time::Duration;

/// The ```toml block that follows `<!-- mock-config-example -->` in the root README.
fn readme_config() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let after = readme.split("<!-- mock-config-example -->").nth(1).expect("the README has the marked config example");
    let block = after.split("```toml\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_string()
}

#[tokio::test]
async fn the_readme_config_example_is_valid_and_does_what_it_says() {
    let config = MockConfig::from_toml(&readme_config()).unwrap_or_else(|e| panic!("README config: {e}"));
    let mock = MockServer::with_config(config).start().await.unwrap();
    let c = client(&mock.url());
    let body = |b: &'static [u8]| aws_smithy_types::Blob::new(b.to_vec());

    let out = c.invoke_endpoint().endpoint_name("my-endpoint").body(body(b"in")).send().await.unwrap();
    assert_eq!(out.body().unwrap().as_ref(), b"in", "my-endpoint echoes");
    let out = c.invoke_endpoint().endpoint_name("fixed-endpoint").body(body(b"in")).send().await.unwrap();
    assert_eq!(out.content_type(), Some("application/json"));
    assert_eq!(out.invoked_production_variant(), Some("variant-b"));
    let err = c.invoke_endpoint().endpoint_name("failing-endpoint").body(body(b"in")).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_model_error(), "{err:?}");
    let err = c.invoke_endpoint().endpoint_name("warming-up").body(body(b"in")).send().await.unwrap_err();
    assert!(err.into_service_error().is_model_not_ready_exception());
    assert!(c.invoke_endpoint().endpoint_name("warming-up").body(body(b"in")).send().await.is_ok());
    let err = c.invoke_endpoint().endpoint_name("not-configured").body(body(b"in")).send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().message(), Some("Endpoint not-configured of account 123456789012 not found."));
}

#[tokio::test]
async fn the_request_log_health_and_async_status_are_served_over_http() {
    let mock = MockServer::new().start().await.unwrap();
    let addr = mock.local_addr();
    let health = raw(addr, "GET", "/_mock/health", &[], "").await;
    assert_eq!((health.status, health.json()["status"].as_str()), (200, Some("ok")));

    let c = client(&mock.url());
    c.invoke_endpoint()
        .endpoint_name("ep-a")
        .content_type("text/plain")
        .body(aws_smithy_types::Blob::new(b"hello".to_vec()))
        .send()
        .await
        .unwrap();
    c.invoke_endpoint().endpoint_name("ep-b").body(aws_smithy_types::Blob::new(vec![0xff, 0xfe])).send().await.unwrap();
    mock.put_object("s3://in/x", "x").await.unwrap();
    c.invoke_endpoint_async().endpoint_name("ep-a").input_location("s3://in/x").inference_id("a-1").send().await.unwrap();
    // Not an API route: recorded, answered 404 by the server stub.
    let missing = raw(addr, "GET", "/endpoints/ep-a/unknown", &[], "").await;
    assert_eq!((missing.status, missing.header("x-amzn-errortype")), (404, "UnknownOperationException"));

    let log = raw(addr, "GET", "/_mock/requests", &[], "").await;
    assert_eq!((log.status, log.header("content-type")), (200, "application/json"));
    let log = log.json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 4, "the /_mock/ requests themselves are not recorded");
    assert_eq!(log[0]["operation"], "InvokeEndpoint");
    assert_eq!(log[0]["endpoint_name"], "ep-a");
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["uri"], "/endpoints/ep-a/invocations");
    assert_eq!(log[0]["headers"]["content-type"], "text/plain");
    assert_eq!(log[0]["body"], "hello");
    assert_eq!(log[0]["body_base64"], "aGVsbG8=");
    assert_eq!(log[1]["body"], serde_json::Value::Null, "binary bodies only in base64");
    assert_eq!(log[1]["body_base64"], "//4=");
    assert_eq!(log[2]["operation"], "InvokeEndpointAsync");
    assert_eq!(log[2]["headers"]["x-amzn-sagemaker-inputlocation"], "s3://in/x");
    assert_eq!(log[3]["operation"], serde_json::Value::Null);
    assert!(log[0]["received_at"].as_str().unwrap().ends_with('Z'));

    let filtered = raw(addr, "GET", "/_mock/requests?endpoint=ep-a&operation=InvokeEndpoint", &[], "").await.json();
    assert_eq!(filtered.as_array().unwrap().len(), 1);

    assert!(eventually(Duration::from_secs(10), || !mock.async_results().is_empty()).await);
    let status = raw(addr, "GET", "/_mock/async", &[], "").await.json();
    assert_eq!(status["pending"], serde_json::json!([]));
    assert_eq!(status["finished"][0]["inference_id"], "a-1");
    assert_eq!(status["finished"][0]["status"], "Succeeded");
    assert_eq!(status["finished"][0]["location"], "s3://sagemaker-mock-output/ep-a/a-1.out");

    let cleared = raw(addr, "DELETE", "/_mock/requests", &[], "").await;
    assert_eq!(cleared.status, 204);
    assert_eq!(raw(addr, "GET", "/_mock/requests", &[], "").await.json(), serde_json::json!([]));
    assert!(mock.requests().is_empty());

    let unknown = raw(addr, "GET", "/_mock/nothing", &[], "").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.message().contains("/_mock/requests"));
    assert_eq!(raw(addr, "POST", "/_mock/health", &[], "").await.status, 405);
}

#[tokio::test]
async fn the_request_log_is_bounded_and_filtered_by_limit() {
    let config = MockConfig::from_toml("[record]\nmax_requests = 5\n").unwrap();
    let mock = MockServer::with_config(config).start().await.unwrap();
    let addr = mock.local_addr();
    let c = client(&mock.url());
    for i in 0..8 {
        let endpoint = if i % 2 == 0 { "even" } else { "odd" };
        c.invoke_endpoint()
            .endpoint_name(endpoint)
            .body(aws_smithy_types::Blob::new(format!("{i}").into_bytes()))
            .send()
            .await
            .unwrap();
    }
    let bodies = |v: serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|r| r["body"].as_str().unwrap().to_string()).collect()
    };
    let log = raw(addr, "GET", "/_mock/requests", &[], "").await;
    assert_eq!(log.header("x-mock-dropped-requests"), "3");
    assert_eq!(bodies(log.json()), ["3", "4", "5", "6", "7"], "the newest five, oldest first");
    assert_eq!(mock.dropped_requests(), 3);
    let newest = raw(addr, "GET", "/_mock/requests?limit=2", &[], "").await.json();
    assert_eq!(bodies(newest), ["6", "7"]);
    let odd = raw(addr, "GET", "/_mock/requests?endpoint=odd&limit=2&operation=InvokeEndpoint", &[], "").await.json();
    assert_eq!(bodies(odd), ["5", "7"]);
    let bad = raw(addr, "GET", "/_mock/requests?limit=many", &[], "").await;
    assert_eq!((bad.status, bad.header("x-amzn-errortype")), (400, "ValidationError"));
    assert!(bad.message().contains("limit"), "{}", bad.message());
}
