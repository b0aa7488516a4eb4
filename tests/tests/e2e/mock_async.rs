//! The SageMaker Runtime mock, `InvokeEndpointAsync`, with the generated client over loopback
//! TCP and the local-directory object store in a temporary directory: acceptance (202),
//! results and failures in S3 locations, TTL expiry, invocation timeouts, acceptance errors,
//! and queued requests surviving a restart.

use crate::mock_support;

use mock_support::client;
use sagemaker_runtime::operation::invoke_endpoint_async::InvokeEndpointAsyncError;
use sagemaker_runtime_mock::{AsyncConfig, AsyncStatus, Behaviour, EndpointConfig, ErrorSpec, MockServer};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn write(dir: &Path, relative: &str, body: &[u8]) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

fn journal(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir.join(".queue")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn queue(max_concurrent_invocations: usize, time_scale: f64) -> AsyncConfig {
    AsyncConfig { max_concurrent_invocations, time_scale }
}

#[tokio::test]
async fn a_request_is_accepted_at_once_and_its_result_lands_in_the_output_location() {
    let data = tempfile::tempdir().unwrap();
    // `s3://bucket/key` is `<data-dir>/bucket/key`: write the input as a plain file.
    write(data.path(), "inputs/batch/1.json", br#"{"instances":[1,2,3]}"#);
    let mock = MockServer::new()
        .data_dir(data.path())
        .endpoint("slow", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_secs(2)))
        .start()
        .await
        .unwrap();
    let client = client(&mock.url());
    let started = std::time::Instant::now();
    let out = client
        .invoke_endpoint_async()
        .endpoint_name("slow")
        .input_location("s3://inputs/batch/1.json")
        .content_type("application/json")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "202 comes before the model has answered");
    let id = out.inference_id().unwrap().to_string();
    assert_eq!(id.len(), 36, "a generated InferenceId is a UUID: {id}");
    assert_eq!(out.output_location(), Some(format!("s3://sagemaker-mock-output/slow/{id}.out").as_str()));
    assert_eq!(out.failure_location(), Some(format!("s3://sagemaker-mock-failure/slow/{id}-error.out").as_str()));
    assert_eq!(mock.pending_async(), vec![id.clone()]);
    assert_eq!(journal(data.path()).len(), 1, "journaled before the 202");

    let result = mock.wait_for_async(&id, WAIT).await.expect("the request finishes");
    assert_eq!(result.status, AsyncStatus::Succeeded);
    assert_eq!(result.location, format!("s3://sagemaker-mock-output/slow/{id}.out"));
    let written = std::fs::read(data.path().join(format!("sagemaker-mock-output/slow/{id}.out"))).unwrap();
    assert_eq!(written, br#"{"instances":[1,2,3]}"#, "echo writes the input back");
    assert!(!data.path().join(format!("sagemaker-mock-failure/slow/{id}-error.out")).exists());
    assert!(journal(data.path()).is_empty(), "removed once the result is written");
    assert!(mock.pending_async().is_empty());
    let recorded = mock.requests();
    assert_eq!(recorded[0].operation, Some("InvokeEndpointAsync"));
    assert_eq!(recorded[0].header("x-amzn-sagemaker-inputlocation"), Some("s3://inputs/batch/1.json"));
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn given_inference_ids_configured_paths_and_fixed_answers_are_used() {
    let mock = MockServer::new()
        .endpoint(
            "scorer",
            EndpointConfig::new(Behaviour::fixed(sagemaker_runtime_mock::FixedResponse::new("score=0.93")))
                .output_path("s3://results/scorer/out/")
                .failure_path("s3://results/scorer/failed"),
        )
        .start()
        .await
        .unwrap();
    mock.put_object("s3://inputs/x.csv", "1,2").await.unwrap();
    let out = client(&mock.url())
        .invoke_endpoint_async()
        .endpoint_name("scorer")
        .input_location("s3://inputs/x.csv")
        .inference_id("my-id-1")
        .request_ttl_seconds(600)
        .invocation_timeout_seconds(30)
        .send()
        .await
        .unwrap();
    assert_eq!(out.inference_id(), Some("my-id-1"));
    assert_eq!(out.output_location(), Some("s3://results/scorer/out/my-id-1.out"));
    assert_eq!(out.failure_location(), Some("s3://results/scorer/failed/my-id-1-error.out"));
    assert_eq!(mock.wait_for_async("my-id-1", WAIT).await.unwrap().status, AsyncStatus::Succeeded);
    assert_eq!(mock.get_object("s3://results/scorer/out/my-id-1.out").await.unwrap(), "score=0.93");
    assert_eq!(
        mock.object_path("s3://results/scorer/out/my-id-1.out").unwrap(),
        mock.data_dir().join("results/scorer/out/my-id-1.out")
    );
}

#[tokio::test]
async fn model_errors_and_missing_inputs_end_in_the_failure_location() {
    let mock = MockServer::new()
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(400, "feature 'age' is missing")))
        .endpoint("not-ready", Behaviour::error(ErrorSpec::model_not_ready()))
        .start()
        .await
        .unwrap();
    mock.put_object("s3://in/ok.json", "{}").await.unwrap();
    let client = client(&mock.url());
    let submit = |endpoint: &'static str, input: &'static str, id: &'static str| {
        client.invoke_endpoint_async().endpoint_name(endpoint).input_location(input).inference_id(id).send()
    };
    submit("broken", "s3://in/ok.json", "model-error").await.unwrap();
    submit("not-ready", "s3://in/ok.json", "not-ready").await.unwrap();
    // The input is checked in the background, as SageMaker does: accepted, then failed.
    submit("echo", "s3://in/missing.json", "missing-input").await.unwrap();

    let r = mock.wait_for_async("model-error", WAIT).await.unwrap();
    assert_eq!((r.status, r.location.as_str()), (AsyncStatus::Failed, "s3://sagemaker-mock-failure/broken/model-error-error.out"));
    assert!(r.failure_reason.unwrap().starts_with("ModelError: Received client error (400) from primary"));
    assert_eq!(mock.get_object(&r.location).await.unwrap(), "feature 'age' is missing", "the container's own message");
    assert!(mock.get_object("s3://sagemaker-mock-output/broken/model-error.out").await.is_err());

    let r = mock.wait_for_async("not-ready", WAIT).await.unwrap();
    assert_eq!(r.status, AsyncStatus::Failed);
    let report = mock.get_object(&r.location).await.unwrap();
    assert!(String::from_utf8_lossy(&report).starts_with("ModelNotReadyException: "), "{report:?}");

    let r = mock.wait_for_async("missing-input", WAIT).await.unwrap();
    assert_eq!((r.status, r.location.as_str()), (AsyncStatus::Failed, "s3://sagemaker-mock-failure/echo/missing-input-error.out"));
    let report = String::from_utf8(mock.get_object(&r.location).await.unwrap().to_vec()).unwrap();
    assert!(report.contains("Failed to download the input data from s3://in/missing.json"), "{report}");
}

#[tokio::test]
async fn a_request_that_outlives_its_ttl_in_the_queue_fails() {
    // One invocation at a time; TTLs and timeouts run 100 times faster (60 s TTL = 0.6 s).
    let mock = MockServer::new()
        .async_queue(queue(1, 0.01))
        .endpoint("busy", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_millis(2500)))
        .start()
        .await
        .unwrap();
    mock.put_object("s3://in/a", "a").await.unwrap();
    let client = client(&mock.url());
    let submit = |id: &'static str, ttl: Option<i32>| {
        client
            .invoke_endpoint_async()
            .endpoint_name("busy")
            .input_location("s3://in/a")
            .inference_id(id)
            .set_request_ttl_seconds(ttl)
            .send()
    };
    submit("first", None).await.unwrap();
    submit("short-lived", Some(60)).await.unwrap();
    let expired = mock.wait_for_async("short-lived", WAIT).await.unwrap();
    assert_eq!(expired.status, AsyncStatus::Failed);
    assert!(mock.async_results().iter().all(|r| r.inference_id != "first"), "it expired while the first was still running");
    let report = String::from_utf8(mock.get_object(&expired.location).await.unwrap().to_vec()).unwrap();
    assert!(report.contains("expired") && report.contains("RequestTTLSeconds (60 s)"), "{report}");
    assert!(mock.get_object("s3://sagemaker-mock-output/busy/short-lived.out").await.is_err(), "it never ran");
    assert_eq!(mock.wait_for_async("first", WAIT).await.unwrap().status, AsyncStatus::Succeeded);
}

#[tokio::test]
async fn a_model_slower_than_the_invocation_timeout_fails() {
    let mock = MockServer::new()
        .endpoint("slow", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_millis(2500)))
        .start()
        .await
        .unwrap();
    mock.put_object("s3://in/a", "a").await.unwrap();
    let client = client(&mock.url());
    let started = std::time::Instant::now();
    client
        .invoke_endpoint_async()
        .endpoint_name("slow")
        .input_location("s3://in/a")
        .inference_id("too-slow")
        .invocation_timeout_seconds(1)
        .send()
        .await
        .unwrap();
    let r = mock.wait_for_async("too-slow", WAIT).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_millis(2500), "cut at 1 s, not after the model's 2.5 s: {elapsed:?}");
    assert_eq!((r.status, r.location.as_str()), (AsyncStatus::Failed, "s3://sagemaker-mock-failure/slow/too-slow-error.out"));
    let report = String::from_utf8(mock.get_object(&r.location).await.unwrap().to_vec()).unwrap();
    assert!(report.contains("timed out") && report.contains("InvocationTimeoutSeconds (1 s)"), "{report}");
    // The same endpoint within its timeout succeeds.
    client
        .invoke_endpoint_async()
        .endpoint_name("slow")
        .input_location("s3://in/a")
        .inference_id("in-time")
        .invocation_timeout_seconds(5)
        .send()
        .await
        .unwrap();
    assert_eq!(mock.wait_for_async("in-time", WAIT).await.unwrap().status, AsyncStatus::Succeeded);
}

#[tokio::test]
async fn every_modeled_error_of_the_async_call_reaches_the_generated_client() {
    let mock = MockServer::new()
        .endpoint("unavailable", EndpointConfig::default().async_accept(Behaviour::error(ErrorSpec::service_unavailable())))
        .endpoint("internal", EndpointConfig::default().async_accept(Behaviour::error(ErrorSpec::internal_failure())))
        .endpoint("invalid", EndpointConfig::default().async_accept(Behaviour::error(ErrorSpec::validation("no async config"))))
        .endpoint("gone", Behaviour::not_found())
        .endpoint(
            "throttled-once",
            EndpointConfig::default().async_accept(Behaviour::sequence([
                Behaviour::error(ErrorSpec::service_unavailable()),
                Behaviour::accept(),
            ])),
        )
        .start()
        .await
        .unwrap();
    let client = client(&mock.url());
    let call = |name: &'static str| {
        let client = client.clone();
        async move {
            let result = client.invoke_endpoint_async().endpoint_name(name).input_location("s3://b/k").send().await;
            result.map_err(|e| {
                let status = e.raw_response().map(|r| r.status().as_u16());
                (e.into_service_error(), status)
            })
        }
    };
    let (err, status) = call("unavailable").await.unwrap_err();
    assert!(matches!(err, InvokeEndpointAsyncError::ServiceUnavailable(_)), "{err:?}");
    assert_eq!(status, Some(503));
    let (err, status) = call("internal").await.unwrap_err();
    assert!(matches!(err, InvokeEndpointAsyncError::InternalFailure(_)), "{err:?}");
    assert_eq!(status, Some(500));
    let (err, status) = call("invalid").await.unwrap_err();
    assert!(err.is_validation_error(), "{err:?}");
    assert_eq!((status, err.meta().message()), (Some(400), Some("no async config")));
    let (err, _) = call("gone").await.unwrap_err();
    assert_eq!(err.meta().message(), Some("Endpoint gone of account 123456789012 not found."));
    assert!(call("throttled-once").await.is_err());
    assert!(call("throttled-once").await.is_ok(), "accepted on the second try");
    assert_eq!(mock.pending_async().len() + mock.async_results().len(), 1, "only the accepted request was queued");
}

#[tokio::test]
async fn queued_requests_survive_a_restart_and_expire_by_acceptance_time() {
    let data = tempfile::tempdir().unwrap();
    write(data.path(), "in/a.json", b"payload");
    let scaled = queue(1, 0.01);
    let first = MockServer::new()
        .data_dir(data.path())
        .async_queue(scaled.clone())
        .endpoint("ep", EndpointConfig::new(Behaviour::echo()).delay(Duration::from_secs(30)))
        .start()
        .await
        .unwrap();
    let client = client(&first.url());
    let submit = |id: &'static str, ttl: Option<i32>| {
        client.invoke_endpoint_async().endpoint_name("ep").input_location("s3://in/a.json").inference_id(id).set_request_ttl_seconds(ttl).send()
    };
    // `running` is in the model when the mock stops; `queued` waits behind it; `expiring`
    // has a 60 s (scaled: 0.6 s) TTL that passes while no mock runs.
    submit("running", None).await.unwrap();
    submit("queued", None).await.unwrap();
    submit("expiring", Some(60)).await.unwrap();
    assert_eq!(journal(data.path()).len(), 3);
    tokio::time::sleep(Duration::from_millis(100)).await;
    first.stop().await.unwrap();
    assert_eq!(journal(data.path()).len(), 3, "stopping loses nothing");
    assert!(!data.path().join("sagemaker-mock-output/ep/running.out").exists());
    tokio::time::sleep(Duration::from_millis(700)).await;

    // A new mock on the same data directory, with a fast model this time.
    let second = MockServer::new().data_dir(data.path()).async_queue(scaled).start().await.unwrap();
    let mut pending = second.pending_async();
    pending.sort();
    assert_eq!(pending, ["expiring", "queued", "running"]);
    for id in ["running", "queued"] {
        let r = second.wait_for_async(id, WAIT).await.unwrap_or_else(|| panic!("{id} finishes after the restart"));
        assert_eq!(r.status, AsyncStatus::Succeeded, "{id}");
        assert_eq!(std::fs::read(data.path().join(format!("sagemaker-mock-output/ep/{id}.out"))).unwrap(), b"payload");
    }
    let r = second.wait_for_async("expiring", WAIT).await.unwrap();
    assert_eq!(r.status, AsyncStatus::Failed);
    let report = std::fs::read_to_string(data.path().join("sagemaker-mock-failure/ep/expiring-error.out")).unwrap();
    assert!(report.contains("expired"), "{report}");
    assert!(journal(data.path()).is_empty());
    second.stop().await.unwrap();
}

/// An inline `Body` is stored as the request's input object and runs through the same queue;
/// `S3OutputPathExtension` and `Filename` place the result and the failure report. Both the
/// generated client and the official SDK find their result where the output says.
#[tokio::test]
async fn an_inline_body_runs_through_the_queue_and_lands_where_extension_and_filename_say() {
    let data = tempfile::tempdir().unwrap();
    let mock = MockServer::new()
        .data_dir(data.path())
        .endpoint("model", EndpointConfig::new(Behaviour::echo()).output_path("s3://results/model"))
        .endpoint(
            "broken",
            EndpointConfig::new(Behaviour::error(ErrorSpec::model_error(500, "weights missing")))
                .failure_path("s3://failures/broken"),
        )
        .start()
        .await
        .unwrap();

    // Our client: extension and file name.
    let ours = client(&mock.url())
        .invoke_endpoint_async()
        .endpoint_name("model")
        .content_type("application/json")
        .body(aws_smithy_types::Blob::new(br#"{"inline":true}"#.to_vec()))
        .s3_output_path_extension("runs/2026-12-01")
        .filename("result.json")
        .inference_id("inline-1")
        .send()
        .await
        .unwrap();
    assert_eq!(ours.output_location(), Some("s3://results/model/runs/2026-12-01/result.json"));
    assert_eq!(ours.failure_location(), Some("s3://sagemaker-mock-failure/model/runs/2026-12-01/result.json-error.out"));
    let done = mock.wait_for_async("inline-1", WAIT).await.expect("the request finishes");
    assert_eq!(done.status, AsyncStatus::Succeeded);
    assert_eq!(Some(done.location.as_str()), ours.output_location());
    assert_eq!(std::fs::read(data.path().join("results/model/runs/2026-12-01/result.json")).unwrap(), br#"{"inline":true}"#);
    let recorded = &mock.requests()[0];
    assert_eq!(recorded.header("x-amzn-sagemaker-s3outputpathextension"), Some("runs/2026-12-01"));
    assert_eq!(recorded.header("x-amzn-sagemaker-filename"), Some("result.json"));
    assert!(recorded.header("x-amzn-sagemaker-inputlocation").is_none());

    // The official SDK: extension only, so the result is named after the inference id.
    let sdk_config = aws_sdk_sagemakerruntime::Config::builder()
        .behavior_version(aws_sdk_sagemakerruntime::config::BehaviorVersion::latest())
        .endpoint_url(mock.url())
        .region(aws_sdk_sagemakerruntime::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sagemakerruntime::config::Credentials::for_tests())
        .build();
    let official = aws_sdk_sagemakerruntime::Client::from_conf(sdk_config);
    let theirs = official
        .invoke_endpoint_async()
        .endpoint_name("model")
        .content_type("text/csv")
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"1,2,3".to_vec()))
        .s3_output_path_extension("batch-7")
        .inference_id("inline-2")
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.output_location(), Some("s3://results/model/batch-7/inline-2.out"));
    let done = mock.wait_for_async("inline-2", WAIT).await.expect("the request finishes");
    assert_eq!(mock.get_object(theirs.output_location().unwrap()).await.unwrap(), "1,2,3");
    assert_eq!(done.status, AsyncStatus::Succeeded);

    // A failing model: the report lands in the failure location, under the same extension.
    let failed = client(&mock.url())
        .invoke_endpoint_async()
        .endpoint_name("broken")
        .body(aws_smithy_types::Blob::new(b"x".to_vec()))
        .s3_output_path_extension("nightly")
        .filename("scores.csv")
        .inference_id("inline-3")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.failure_location(), Some("s3://failures/broken/nightly/scores.csv-error.out"));
    let done = mock.wait_for_async("inline-3", WAIT).await.expect("the request finishes");
    assert_eq!(done.status, AsyncStatus::Failed);
    assert_eq!(Some(done.location.as_str()), failed.failure_location());
    assert!(String::from_utf8(std::fs::read(data.path().join("failures/broken/nightly/scores.csv-error.out")).unwrap())
        .unwrap()
        .contains("weights missing"));

    // Inline payloads are kept as input objects in the data folder, never outside it.
    let inputs = std::fs::read_dir(data.path().join("sagemaker-mock-input/model")).unwrap().count();
    assert_eq!(inputs, 2);
    // An extension with `..` segments is a valid key prefix in S3: accepted, and its result kept
    // under an escaped name inside the output bucket's folder, never outside the data folder.
    let climbing = client(&mock.url())
        .invoke_endpoint_async()
        .endpoint_name("model")
        .inference_id("inline-4")
        .body(aws_smithy_types::Blob::new(b"x".to_vec()))
        .s3_output_path_extension("../../escape")
        .send()
        .await
        .expect("accepted, as SageMaker accepts it");
    let location = climbing.output_location().unwrap().to_string();
    assert!(location.contains("/../../escape/"), "the key keeps its text: {location}");
    mock.wait_for_async("inline-4", WAIT).await.expect("the request finishes");
    assert_eq!(mock.get_object(&location).await.unwrap(), "x");
    assert!(mock.object_path(&location).unwrap().starts_with(data.path()));
    assert!(!data.path().join("escape").exists() && !data.path().parent().unwrap().join("escape").exists());
    mock.stop().await.unwrap();
}
