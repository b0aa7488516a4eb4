//! Upstream mode: the mock forwards invocations to a SageMaker-compatible model container (a
//! loopback HTTP server started by the test, answering `GET /ping` and `POST /invocations`),
//! so a container can be tested through the real API with the real clients.

use crate::mock_support;

use aws_smithy_types::Blob;
use e2e_tests::Reply;
use mock_support::client;
use sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError;
use sagemaker_runtime_mock::{AsyncStatus, Behaviour, MockServer, UpstreamSpec};
use std::time::Duration;

/// A model container: healthy, answers JSON and echoes custom attributes.
async fn container() -> e2e_tests::TestServer {
    e2e_tests::start(|_, request| match (request.method.as_str(), request.path()) {
        ("GET", "/ping") => Reply::status(200),
        ("POST", "/invocations") => {
            let body = String::from_utf8_lossy(&request.body);
            if body.contains("bad") {
                return Reply::status(400).header("content-type", "text/plain").body("input rejected by the model");
            }
            let mut reply = Reply::status(200)
                .header("content-type", "application/json")
                .body(format!(r#"{{"prediction":{}}}"#, body.len()));
            if let Some(attributes) = request.header("x-amzn-sagemaker-custom-attributes") {
                reply = reply.header("X-Amzn-SageMaker-Custom-Attributes", &format!("seen:{attributes}"));
            }
            reply
        }
        _ => Reply::status(404),
    })
    .await
}

#[tokio::test]
async fn invocations_reach_the_container_and_its_answers_come_back() {
    let model = container().await;
    let mock = MockServer::new().endpoint("my-model", Behaviour::upstream(model.url())).start().await.unwrap();
    let client = client(&mock.url());
    let out = client
        .invoke_endpoint()
        .endpoint_name("my-model")
        .content_type("text/csv")
        .accept("application/json")
        .custom_attributes("trace=7")
        .target_model("model-a.tar.gz")
        .inference_id("inf-9")
        .prefix_aware_id("tenant-7")
        .body(Blob::new(b"1,2,3".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.body().unwrap().as_ref(), br#"{"prediction":5}"#);
    assert_eq!(out.content_type(), Some("application/json"));
    assert_eq!(out.custom_attributes(), Some("seen:trace=7"));
    assert_eq!(out.invoked_production_variant(), Some("AllTraffic"));

    let seen = model.requests();
    assert_eq!(seen.iter().map(|r| format!("{} {}", r.method, r.path())).collect::<Vec<_>>(), ["GET /ping", "POST /invocations"]);
    let invocation = &seen[1];
    assert_eq!(&invocation.body[..], b"1,2,3");
    assert_eq!(invocation.header("content-type"), Some("text/csv"));
    assert_eq!(invocation.header("accept"), Some("application/json"));
    assert_eq!(invocation.header("x-amzn-sagemaker-custom-attributes"), Some("trace=7"));
    assert_eq!(invocation.header("x-amzn-sagemaker-target-model"), Some("model-a.tar.gz"));
    assert_eq!(invocation.header("x-amzn-sagemaker-inference-id"), Some("inf-9"));
    assert_eq!(invocation.header("x-amzn-sagemaker-prefix-aware-id"), Some("tenant-7"), "the routing hint is passed on");
    assert_eq!(mock.requests()[0].header("x-amzn-sagemaker-prefix-aware-id"), Some("tenant-7"), "and recorded");
    assert!(invocation.header("authorization").is_none(), "the caller's credentials stay with the mock");

    // Pinged once: later invocations go straight to the container.
    client.invoke_endpoint().endpoint_name("my-model").body(Blob::new(b"x".to_vec())).send().await.unwrap();
    assert_eq!(model.requests().len(), 3);
}

#[tokio::test]
async fn container_errors_become_model_errors_with_the_original_status_and_message() {
    let model = container().await;
    let mock = MockServer::new().endpoint("my-model", Behaviour::upstream(model.url())).start().await.unwrap();
    let err = client(&mock.url())
        .invoke_endpoint()
        .endpoint_name("my-model")
        .body(Blob::new(b"bad row".to_vec()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let InvokeEndpointError::ModelError(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.original_status_code(), Some(400));
    assert_eq!(e.original_message(), Some("input rejected by the model"));
    assert!(e.message().unwrap().starts_with("Received client error (400) from primary with message \"input rejected by the model\"."));
}

#[tokio::test]
async fn an_unhealthy_slow_or_absent_container_gets_the_errors_sagemaker_gives() {
    let unhealthy = e2e_tests::start(|_, r| if r.path() == "/ping" { Reply::status(503) } else { Reply::status(200).body("never") }).await;
    let slow = e2e_tests::start(|_, r| {
        let mut reply = Reply::status(200).body("late");
        if r.path() == "/invocations" {
            reply.delay = Some(Duration::from_secs(2));
        }
        reply
    })
    .await;
    // A port nothing listens on: bind one, then free it.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let mut slow_spec = UpstreamSpec::new(slow.url());
    slow_spec.timeout = Duration::from_millis(300);
    let mock = MockServer::new()
        .endpoint("unhealthy", Behaviour::upstream(unhealthy.url()))
        .endpoint("slow", Behaviour::from(sagemaker_runtime_mock::Action::Upstream(slow_spec)))
        .endpoint("absent", Behaviour::upstream(closed))
        .start()
        .await
        .unwrap();
    let client = client(&mock.url());
    let call = |name: &'static str| client.invoke_endpoint().endpoint_name(name).body(Blob::new(b"x".to_vec())).send();

    let err = call("unhealthy").await.unwrap_err().into_service_error();
    assert!(err.is_model_not_ready_exception(), "{err:?}");
    let message = err.meta().message().unwrap_or_default();
    assert!(message.contains("The model container of endpoint unhealthy is not ready: GET") && message.contains("/ping answered 503"), "{message}");
    assert_eq!(unhealthy.requests().iter().filter(|r| r.path() == "/invocations").count(), 0, "never invoked while unhealthy");
    assert_eq!(unhealthy.requests().len(), 1);

    let err = call("slow").await.unwrap_err().into_service_error();
    let InvokeEndpointError::ModelError(e) = &err else { panic!("{err:?}") };
    assert!(e.message().unwrap().starts_with("Your invocation timed out while waiting for a response from container primary."));

    let err = call("absent").await.unwrap_err().into_service_error();
    assert!(err.is_model_not_ready_exception(), "an absent container never answers its ping: {err:?}");
}

#[tokio::test]
async fn async_requests_run_through_the_container_too() {
    let model = container().await;
    let mock = MockServer::new().endpoint("my-model", Behaviour::upstream(model.url())).start().await.unwrap();
    mock.put_object("s3://in/good.csv", "4,5,6,7").await.unwrap();
    mock.put_object("s3://in/bad.csv", "bad").await.unwrap();
    let client = client(&mock.url());
    for (id, input) in [("good", "s3://in/good.csv"), ("bad", "s3://in/bad.csv")] {
        client
            .invoke_endpoint_async()
            .endpoint_name("my-model")
            .input_location(input)
            .content_type("text/csv")
            .inference_id(id)
            .send()
            .await
            .unwrap();
    }
    let good = mock.wait_for_async("good", Duration::from_secs(10)).await.unwrap();
    assert_eq!(good.status, AsyncStatus::Succeeded);
    assert_eq!(mock.get_object(&good.location).await.unwrap(), r#"{"prediction":7}"#);
    let bad = mock.wait_for_async("bad", Duration::from_secs(10)).await.unwrap();
    assert_eq!(bad.status, AsyncStatus::Failed);
    assert_eq!(mock.get_object(&bad.location).await.unwrap(), "input rejected by the model");
    let invocations: Vec<_> = model.requests().into_iter().filter(|r| r.path() == "/invocations").collect();
    assert!(invocations.iter().all(|r| r.header("content-type") == Some("text/csv")));
}
