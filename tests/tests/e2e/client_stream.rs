//! `InvokeEndpointWithResponseStream` through OUR generated client against the mock, with the
//! official `aws-sdk-sagemakerruntime` on the same mock as the reference: the same parts in the
//! same order, arriving as they are produced; the same typed mid-stream errors (variant, code,
//! message); a dropped connection and a stalled stream as errors, never hangs. (The request on
//! the wire is compared with the official client's in `client_wire.rs`.)

use crate::mock_support;

use mock_support::{client, official};
use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockHandle, MockServer, StreamFailureKind, StreamSpec};
use std::time::{Duration, Instant};

/// How a stream ended, the same words for both clients.
#[derive(Debug, Clone, PartialEq)]
enum End {
    /// `recv` gave `Ok(None)`.
    Clean,
    /// A modeled error event: the variant, its code and message (and `ErrorCode` when modeled).
    Modeled { variant: String, code: Option<String>, message: Option<String>, error_code: Option<String> },
    /// `SdkError::DispatchFailure`: the connection failed (or was cut) mid-stream.
    Dispatch,
    /// Any other error, by kind.
    Other(String),
}

/// One streamed call as seen by a client.
#[derive(Debug)]
struct Streamed {
    content_type: Option<String>,
    variant: Option<String>,
    custom_attributes: Option<String>,
    /// Each part's bytes and when it arrived (after the request was sent).
    parts: Vec<(Duration, Vec<u8>)>,
    end: End,
    /// What `recv` gives after the end (always `Ok(None)`).
    after_end: bool,
}

impl Streamed {
    fn texts(&self) -> Vec<String> {
        self.parts.iter().map(|(_, b)| String::from_utf8_lossy(b).to_string()).collect()
    }
}

/// Streams one call through a client crate (ours or the official one: the API is the same, so
/// the same code reads both) within 20 s; a hang fails the test.
macro_rules! stream_with {
    ($krate:ident, $client:expr, $endpoint:expr, $body:expr) => {{
        use $krate::error::{ProvideErrorMetadata, SdkError};
        use $krate::types::error::ResponseStreamError;
        use $krate::types::ResponseStream;
        let sent = Instant::now();
        let mut out = $client
            .invoke_endpoint_with_response_stream()
            .endpoint_name($endpoint)
            .content_type("application/json")
            .custom_attributes("trace=1")
            .body($krate::primitives::Blob::new($body.to_vec()))
            .send()
            .await
            .expect("the stream starts");
        let mut parts = Vec::new();
        let end = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match out.body.recv().await {
                    Ok(Some(ResponseStream::PayloadPart(p))) => {
                        parts.push((sent.elapsed(), p.bytes().map(|b| b.as_ref().to_vec()).unwrap_or_default()))
                    }
                    Ok(Some(other)) => return End::Other(format!("unexpected event {other:?}")),
                    Ok(None) => return End::Clean,
                    Err(SdkError::ServiceError(e)) => {
                        let e = e.into_err();
                        let (variant, error_code) = match &e {
                            ResponseStreamError::ModelStreamError(m) => ("ModelStreamError", m.error_code().map(str::to_string)),
                            ResponseStreamError::InternalStreamFailure(_) => ("InternalStreamFailure", None),
                            _ => ("Unhandled", None),
                        };
                        return End::Modeled {
                            variant: variant.to_string(),
                            code: e.code().map(str::to_string),
                            message: e.message().map(str::to_string),
                            error_code,
                        };
                    }
                    Err(SdkError::DispatchFailure(_)) => return End::Dispatch,
                    Err(SdkError::ResponseError(_)) => return End::Other("ResponseError".into()),
                    Err(other) => return End::Other(format!("{other:?}")),
                }
            }
        })
        .await
        .expect("the stream neither ended nor failed within 20 s");
        let after_end = matches!(out.body.recv().await, Ok(None));
        Streamed {
            content_type: out.content_type().map(str::to_string),
            variant: out.invoked_production_variant().map(str::to_string),
            custom_attributes: out.custom_attributes().map(str::to_string),
            parts,
            end,
            after_end,
        }
    }};
}

/// Streams `endpoint` through both clients (one after the other) and checks they saw the same.
async fn both(mock: &MockHandle, endpoint: &str, body: &[u8]) -> Streamed {
    let ours = stream_with!(sagemaker_runtime, client(&mock.url()), endpoint, body);
    let theirs = stream_with!(aws_sdk_sagemakerruntime, official(&mock.url()), endpoint, body);
    assert_eq!(ours.texts(), theirs.texts(), "the same parts");
    // Error events too, `code()` included: as the official client, ours takes an error event's
    // code from its JSON payload (`code`, else `__type`), not from `:exception-type`, so it is
    // `None` for SageMaker's payloads (drop-in parity).
    assert_eq!(ours.end, theirs.end, "the same end");
    assert_eq!(
        (&ours.content_type, &ours.variant, &ours.custom_attributes),
        (&theirs.content_type, &theirs.variant, &theirs.custom_attributes),
        "the same headers"
    );
    assert!(ours.after_end && theirs.after_end, "nothing after the end");
    ours
}

#[tokio::test]
async fn parts_arrive_in_order_and_as_the_mock_produces_them() {
    let spec = StreamSpec::text("The quick brown fox jumps").part_size(5).part_delay(Duration::from_millis(300));
    let mock = MockServer::new().endpoint("llm", Behaviour::stream(spec)).start().await.unwrap();
    let out = both(&mock, "llm", br#"{"inputs":"fox?"}"#).await;
    assert_eq!(out.texts(), ["The q", "uick ", "brown", " fox ", "jumps"]);
    assert_eq!(out.end, End::Clean);
    assert_eq!((out.content_type.as_deref(), out.variant.as_deref()), (Some("text/plain"), Some("AllTraffic")));
    // 4 delays of 300 ms: the last part is produced ~1.2 s after the first; the first arrives
    // well before that (nothing buffered on either side).
    assert!(out.parts[0].0 < Duration::from_millis(600), "first part after {:?}", out.parts[0].0);
    assert!(out.parts[4].0 >= Duration::from_millis(1150), "last part after {:?}", out.parts[4].0);
    let recorded = mock.requests();
    assert_eq!(recorded[0].operation, Some("InvokeEndpointWithResponseStream"));
}

#[tokio::test]
async fn echo_streams_the_request_back_with_its_headers() {
    let mock = MockServer::new().start().await.unwrap(); // every endpoint echoes
    let body = "0123456789".repeat(5);
    let out = both(&mock, "echo", body.as_bytes()).await;
    assert_eq!(out.parts.len(), 4, "16-byte parts");
    assert_eq!(out.texts().concat(), body);
    assert_eq!((out.content_type.as_deref(), out.custom_attributes.as_deref()), (Some("application/json"), Some("trace=1")));
}

#[tokio::test]
async fn a_model_stream_error_mid_stream_is_a_typed_error_with_code_and_message() {
    let spec = StreamSpec::text("aaaabbbbccccdddd").part_size(4).fail_after(
        2,
        StreamFailureKind::model_stream_error("ModelInvocationTimeExceeded", "The model took too long."),
    );
    let mock = MockServer::new().endpoint("slow-model", Behaviour::stream(spec)).start().await.unwrap();
    let out = both(&mock, "slow-model", b"{}").await;
    assert_eq!(out.texts(), ["aaaa", "bbbb"]);
    assert_eq!(
        out.end,
        End::Modeled {
            variant: "ModelStreamError".into(),
            code: None,
            message: Some("The model took too long.".into()),
            error_code: Some("ModelInvocationTimeExceeded".into()),
        }
    );
}

#[tokio::test]
async fn an_internal_stream_failure_is_its_own_variant() {
    let spec = StreamSpec::text("xy").part_size(1).fail_after(1, StreamFailureKind::internal_stream_failure("broken inside"));
    let mock = MockServer::new().endpoint("e", Behaviour::stream(spec)).start().await.unwrap();
    let out = both(&mock, "e", b"-").await;
    assert_eq!(out.texts(), ["x"]);
    let End::Modeled { variant, message, .. } = &out.end else { panic!("{:?}", out.end) };
    assert_eq!((variant.as_str(), message.as_deref()), ("InternalStreamFailure", Some("broken inside")));
}

#[tokio::test]
async fn a_connection_dropped_mid_stream_is_an_error_not_a_hang() {
    let spec = StreamSpec::text("abcdef").part_size(2).fail_after(2, StreamFailureKind::DropConnection);
    let mock = MockServer::new().endpoint("e", Behaviour::stream(spec)).start().await.unwrap();
    let out = both(&mock, "e", b"-").await;
    assert_eq!(out.texts(), ["ab", "cd"]);
    assert_eq!(out.end, End::Dispatch);
}

#[tokio::test]
async fn a_stalled_stream_is_cut() {
    let spec = StreamSpec::text("ab").part_size(1).part_delay(Duration::from_secs(60));
    let mock = MockServer::new().endpoint("stall", Behaviour::stream(spec)).start().await.unwrap();
    // Both clients: a timeout around `recv` cuts the stalled stream.
    let mut ours = client(&mock.url())
        .invoke_endpoint_with_response_stream()
        .endpoint_name("stall")
        .body(sagemaker_runtime::primitives::Blob::new(b"-".to_vec()))
        .send()
        .await
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), ours.body.recv()).await.expect("the first part").unwrap();
    assert!(matches!(first, Some(sagemaker_runtime::types::ResponseStream::PayloadPart(_))));
    assert!(tokio::time::timeout(Duration::from_secs(1), ours.body.recv()).await.is_err(), "cut by the timeout");
    // Ours also ends it by itself: stalled-stream protection (5 s grace by default) fails the
    // stream with a dispatch failure, where the official client would wait (see mock_stream.rs).
    let started = Instant::now();
    let cut = tokio::time::timeout(Duration::from_secs(20), ours.body.recv()).await.expect("cut within 20 s");
    assert!(matches!(cut, Err(sagemaker_runtime::error::SdkError::DispatchFailure(_))), "{cut:?}");
    assert!(started.elapsed() < Duration::from_secs(15), "cut after {:?}", started.elapsed());
    assert!(matches!(ours.body.recv().await, Ok(None)), "nothing after the error");
    drop(ours);
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn errors_before_the_stream_are_the_operations_errors() {
    let mock = MockServer::new()
        .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "CUDA out of memory")))
        .default_endpoint(Behaviour::not_found())
        .start()
        .await
        .unwrap();
    use sagemaker_runtime::error::ProvideErrorMetadata;
    let ours = client(&mock.url());
    let err = ours
        .invoke_endpoint_with_response_stream()
        .endpoint_name("broken")
        .body(sagemaker_runtime::primitives::Blob::new(b"-".to_vec()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_model_error(), "{err:?}");
    assert!(err.message().unwrap().contains("Received server error (500) from primary"), "{err:?}");
    let err = ours
        .invoke_endpoint_with_response_stream()
        .endpoint_name("missing")
        .body(sagemaker_runtime::primitives::Blob::new(b"-".to_vec()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_error(), "{err:?}");
    assert_eq!(err.message(), Some("Endpoint missing of account 123456789012 not found."));
}
