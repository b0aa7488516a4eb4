//! `InvokeEndpointWithResponseStream` against the mock: the official
//! `aws-sdk-sagemakerruntime` reads the event stream part by part as the mock produces it,
//! with mid-stream modeled errors, a dropped connection and a stalled stream as errors (never
//! hangs); the runtime's `EventReceiver` decodes the same stream into hand-written types, as
//! generated code will.

use crate::mock_support;

use aws_sdk_sagemakerruntime::error::ProvideErrorMetadata;
use aws_sdk_sagemakerruntime::primitives::Blob;
use aws_sdk_sagemakerruntime::types::error::ResponseStreamError;
use aws_sdk_sagemakerruntime::types::ResponseStream;
use mock_support::official;
use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockConfig, MockServer, StreamFailureKind, StreamSpec};
use std::time::{Duration, Instant};

type Receiver = aws_sdk_sagemakerruntime::primitives::event_stream::EventReceiver<ResponseStream, ResponseStreamError>;
type RecvError = aws_sdk_sagemakerruntime::error::SdkError<ResponseStreamError, aws_smithy_types::event_stream::RawMessage>;

/// Receives every part until the end or an error, within 20 s (a hang fails the test), with
/// the time each part arrived.
async fn drain(receiver: &mut Receiver) -> (Vec<(Instant, Vec<u8>)>, Option<RecvError>) {
    let mut parts = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match receiver.recv().await {
                Ok(Some(ResponseStream::PayloadPart(part))) => {
                    parts.push((Instant::now(), part.bytes().map(|b| b.as_ref().to_vec()).unwrap_or_default()))
                }
                Ok(Some(other)) => panic!("unexpected event {other:?}"),
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    })
    .await
    .expect("the stream neither ended nor failed within 20 s");
    (parts, outcome)
}

fn texts(parts: &[(Instant, Vec<u8>)]) -> Vec<String> {
    parts.iter().map(|(_, b)| String::from_utf8_lossy(b).to_string()).collect()
}

#[tokio::test]
async fn parts_arrive_in_order_and_as_the_mock_produces_them() {
    let spec = StreamSpec::text("The quick brown fox jumps").part_size(5).part_delay(Duration::from_millis(300));
    let mock = MockServer::new().endpoint("llm", Behaviour::stream(spec)).start().await.unwrap();
    let sent = Instant::now();
    let mut out = official(&mock.url())
        .invoke_endpoint_with_response_stream()
        .endpoint_name("llm")
        .content_type("application/json")
        .body(Blob::new(br#"{"inputs":"fox?"}"#.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.content_type(), Some("text/plain"));
    assert_eq!(out.invoked_production_variant(), Some("AllTraffic"));
    let (parts, error) = drain(&mut out.body).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(texts(&parts), ["The q", "uick ", "brown", " fox ", "jumps"]);
    // 4 delays of 300 ms: the last part is produced ~1.2 s after the first; the first must
    // have arrived well before that (nothing buffered on either side).
    let first = parts[0].0.duration_since(sent);
    let last = parts[4].0.duration_since(sent);
    assert!(first < Duration::from_millis(600), "first part after {first:?}");
    assert!(last >= Duration::from_millis(1150), "last part after {last:?}");
    let recorded = mock.requests();
    assert_eq!(recorded[0].operation, Some("InvokeEndpointWithResponseStream"));
    assert_eq!(recorded[0].endpoint_name.as_deref(), Some("llm"));
}

#[tokio::test]
async fn echo_streams_the_request_back_in_parts() {
    let mock = MockServer::new().start().await.unwrap(); // every endpoint echoes
    let body = "0123456789".repeat(5);
    let mut out = official(&mock.url())
        .invoke_endpoint_with_response_stream()
        .endpoint_name("echo")
        .content_type("text/csv")
        .custom_attributes("a=b")
        .body(Blob::new(body.clone().into_bytes()))
        .send()
        .await
        .unwrap();
    assert_eq!((out.content_type(), out.custom_attributes()), (Some("text/csv"), Some("a=b")));
    let (parts, error) = drain(&mut out.body).await;
    assert!(error.is_none());
    assert_eq!(parts.len(), 4, "16-byte parts");
    assert_eq!(texts(&parts).concat(), body);
}

#[tokio::test]
async fn a_model_stream_error_after_part_n_is_a_typed_error_with_code_and_message() {
    let spec = StreamSpec::text("aaaabbbbccccdddd").part_size(4).fail_after(
        2,
        StreamFailureKind::model_stream_error("ModelInvocationTimeExceeded", "The model took too long."),
    );
    let mock = MockServer::new().endpoint("slow-model", Behaviour::stream(spec)).start().await.unwrap();
    let mut out = official(&mock.url())
        .invoke_endpoint_with_response_stream()
        .endpoint_name("slow-model")
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .unwrap();
    let (parts, error) = drain(&mut out.body).await;
    assert_eq!(texts(&parts), ["aaaa", "bbbb"]);
    match error.expect("an error event").into_service_error() {
        ResponseStreamError::ModelStreamError(e) => {
            assert_eq!(e.error_code(), Some("ModelInvocationTimeExceeded"));
            assert_eq!(e.message(), Some("The model took too long."));
        }
        other => panic!("expected ModelStreamError, got {other:?}"),
    }
    assert!(out.body.recv().await.unwrap().is_none(), "nothing after the error");
}

#[tokio::test]
async fn an_internal_stream_failure_is_its_own_variant() {
    let spec = StreamSpec::text("xy").part_size(1).fail_after(1, StreamFailureKind::internal_stream_failure("broken inside"));
    let mock = MockServer::new().endpoint("e", Behaviour::stream(spec)).start().await.unwrap();
    let mut out = official(&mock.url()).invoke_endpoint_with_response_stream().endpoint_name("e").body(Blob::new(b"-".to_vec())).send().await.unwrap();
    let (parts, error) = drain(&mut out.body).await;
    assert_eq!(texts(&parts), ["x"]);
    let error = error.expect("an error event").into_service_error();
    assert!(error.is_internal_stream_failure(), "{error:?}");
    assert_eq!(error.message(), Some("broken inside"));
}

#[tokio::test]
async fn a_connection_dropped_mid_stream_is_an_error_not_a_hang() {
    let spec = StreamSpec::text("abcdef").part_size(2).fail_after(2, StreamFailureKind::DropConnection);
    let mock = MockServer::new().endpoint("e", Behaviour::stream(spec)).start().await.unwrap();
    let mut out = official(&mock.url()).invoke_endpoint_with_response_stream().endpoint_name("e").body(Blob::new(b"-".to_vec())).send().await.unwrap();
    let (parts, error) = drain(&mut out.body).await;
    assert_eq!(texts(&parts), ["ab", "cd"]);
    let error = error.expect("an error, not a clean end");
    assert!(matches!(error, aws_sdk_sagemakerruntime::error::SdkError::DispatchFailure(_)), "{error:?}");
}

#[tokio::test]
async fn a_stalled_stream_is_cut_by_a_timeout_on_recv() {
    // The official client's stalled-stream protection does not cut event streams (checked:
    // with a 1 s grace period the stream below stays open); a timeout around `recv` does, and
    // dropping the receiver closes the connection. (The runtime's own EventReceiver is cut by
    // stalled-stream protection: runtime/tests/event_stream.rs.)
    let spec = StreamSpec::text("ab").part_size(1).part_delay(Duration::from_secs(60));
    let mock = MockServer::new().endpoint("stall", Behaviour::stream(spec)).start().await.unwrap();
    let mut out = official(&mock.url())
        .invoke_endpoint_with_response_stream()
        .endpoint_name("stall")
        .body(Blob::new(b"-".to_vec()))
        .send()
        .await
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), out.body.recv()).await.expect("the first part").unwrap();
    assert!(matches!(first, Some(ResponseStream::PayloadPart(_))));
    let started = Instant::now();
    let stalled = tokio::time::timeout(Duration::from_secs(1), out.body.recv()).await;
    assert!(stalled.is_err(), "the stalled stream is cut by the timeout: {stalled:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(out);
    mock.stop().await.unwrap(); // the producer's connection is gone: stops at once
}

#[tokio::test]
async fn errors_before_the_stream_are_http_errors_and_inputs_are_validated() {
    let mock = MockServer::new()
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "CUDA out of memory")))
        .default_endpoint(Behaviour::not_found())
        .endpoint("ok", Behaviour::echo())
        .start()
        .await
        .unwrap();
    let sdk = official(&mock.url());
    let err = sdk.invoke_endpoint_with_response_stream().endpoint_name("broken").body(Blob::new(b"-".to_vec())).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_model_error(), "{err:?}");
    assert!(err.message().unwrap().contains("Received server error (500) from primary"), "{err:?}");
    let err = sdk.invoke_endpoint_with_response_stream().endpoint_name("missing").body(Blob::new(b"-".to_vec())).send().await.unwrap_err();
    assert_eq!(err.into_service_error().message(), Some("Endpoint missing of account 123456789012 not found."));
    let err = sdk
        .invoke_endpoint_with_response_stream()
        .endpoint_name("ok")
        .prefix_aware_id("x".repeat(65))
        .inference_component_name("-bad")
        .body(Blob::new(b"-".to_vec()))
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_error(), "{err:?}");
    let message = err.message().unwrap();
    assert!(message.starts_with("2 validation errors detected: "), "{message}");
    assert!(message.contains("'inferenceComponentName' failed to satisfy constraint"), "{message}");
    assert!(message.contains("'prefixAwareId' failed to satisfy constraint: Member must have length less than or equal to 64"), "{message}");
}

#[test]
fn streams_are_configured_in_toml() {
    let config = MockConfig::from_toml(
        r#"
        [endpoints.llm]
        behaviour = { stream = { text = "Hello", part_size = 2, part_delay_ms = 20, fail_after_parts = 1, failure = { type = "ModelStreamError", error_code = "StreamBroken", message = "gone" } } }
        [endpoints.proxy]
        behaviour = { stream = { upstream = "http://127.0.0.1:8080" } }
        [endpoints.drop]
        behaviour = { stream = { echo = true, fail_after_parts = 3, failure = "drop_connection" } }
        "#,
    )
    .unwrap();
    let expected = StreamSpec::text("Hello")
        .part_size(2)
        .part_delay(Duration::from_millis(20))
        .fail_after(1, StreamFailureKind::model_stream_error("StreamBroken", "gone"));
    assert_eq!(config.endpoints["llm"].behaviour, Some(Behaviour::stream(expected)));
    assert_eq!(config.endpoints["proxy"].behaviour, Some(Behaviour::stream(StreamSpec::upstream("http://127.0.0.1:8080"))));
    assert_eq!(
        config.endpoints["drop"].behaviour,
        Some(Behaviour::stream(StreamSpec::echo().fail_after(3, StreamFailureKind::DropConnection)))
    );
    let err = MockConfig::from_toml("[endpoints.x]\nbehaviour = { stream = { text = \"a\", failure = \"explode\" } }").unwrap_err();
    assert!(err.to_string().contains("unknown stream failure `explode`"), "{err}");
}
