//! Stream decoding through OUR generated client against the mock over loopback: the
//! `InvokeEndpointWithResponseStream` answer's `PayloadPart` bytes, cut into parts of every
//! size (inside multi-byte characters, lines and JSON values), decoded by
//! `EventReceiver::lines` / `sse_events` / `json_values` into the same items; the last item
//! without a final newline; an item over the limit, a modeled error event and a dropped
//! connection as the same typed errors `recv()` gives; `into_stream` with `StreamExt`.

use crate::mock_support;

use futures_util::StreamExt;
use mock_support::client;
use proptest::prelude::*;
use sagemaker_runtime::error::SdkError;
use sagemaker_runtime::primitives::Blob;
use sagemaker_runtime::types::error::ResponseStreamError;
use sagemaker_runtime_mock::{Behaviour, MockHandle, MockServer, StreamFailureKind, StreamSpec};
use sagemaker_runtime::primitives::event_stream::{DecodeError, LineDecoder};
use std::time::Duration;

/// The text an LLM container streams: JSON Lines with multi-byte characters, no final newline.
const NDJSON: &str = "{\"token\":{\"text\":\"Grüße\"}}\n{\"token\":{\"text\":\" 漢字\"}}\r\n{\"token\":{\"text\":\" 🦀\"}}\n\n{\"generated_text\":\"Grüße 漢字 🦀\"}";
const SSE: &str = "event: token\ndata: {\"text\":\"Grüße\"}\n\n: keep-alive\ndata: {\"text\":\ndata: \" 🦀\"}\nid: 2\n\ndata: [DONE]";

async fn mock_with(endpoints: Vec<(&str, StreamSpec)>) -> MockHandle {
    let mut server = MockServer::new();
    for (name, spec) in endpoints {
        server = server.endpoint(name, Behaviour::stream(spec));
    }
    server.start().await.unwrap()
}

async fn call(mock: &MockHandle, endpoint: &str) -> sagemaker_runtime::operation::invoke_endpoint_with_response_stream::InvokeEndpointWithResponseStreamOutput {
    client(&mock.url())
        .invoke_endpoint_with_response_stream()
        .endpoint_name(endpoint)
        .content_type("application/json")
        .body(Blob::new(br#"{"inputs":"Hi","stream":true}"#.to_vec()))
        .send()
        .await
        .unwrap()
}

/// Every item until the end or an error, within 20 s (a hang fails the test).
macro_rules! drain {
    ($decoded:expr) => {{
        let mut items = Vec::new();
        let end = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match $decoded.recv().await {
                    Ok(Some(item)) => items.push(item),
                    Ok(None) => return None,
                    Err(e) => return Some(e),
                }
            }
        })
        .await
        .expect("the decoded stream neither ended nor failed within 20 s");
        (items, end)
    }};
}

fn expected_lines() -> Vec<String> {
    NDJSON.lines().map(str::to_string).collect()
}

#[tokio::test]
async fn lines_sse_and_json_for_every_part_size() {
    let sizes = [1usize, 2, 3, 5, 7, 64];
    let mut endpoints = Vec::new();
    for size in sizes {
        endpoints.push((format!("ndjson-{size}"), StreamSpec::text(NDJSON).part_size(size)));
        endpoints.push((format!("sse-{size}"), StreamSpec::text(SSE).part_size(size)));
    }
    let mock = mock_with(endpoints.iter().map(|(n, s)| (n.as_str(), s.clone())).collect()).await;
    for size in sizes {
        let out = call(&mock, &format!("ndjson-{size}")).await;
        let mut lines = out.body.lines();
        let (items, end) = drain!(lines);
        assert!(end.is_none(), "{end:?}");
        assert_eq!(items, expected_lines(), "part size {size}");

        let out = call(&mock, &format!("ndjson-{size}")).await;
        let mut values = out.body.json_values();
        let (items, end) = drain!(values);
        assert!(end.is_none(), "{end:?}");
        let want: Vec<serde_json::Value> = NDJSON.lines().filter(|l| !l.is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(items, want, "part size {size}");

        let out = call(&mock, &format!("sse-{size}")).await;
        let mut events = out.body.sse_events();
        let (items, end) = drain!(events);
        assert!(end.is_none(), "{end:?}");
        let got: Vec<(Option<&str>, &str, Option<&str>)> = items.iter().map(|e| (e.event(), e.data(), e.id())).collect();
        assert_eq!(
            got,
            [(Some("token"), "{\"text\":\"Grüße\"}", None), (None, "{\"text\":\n\" 🦀\"}", Some("2")), (None, "[DONE]", Some("2"))],
            "part size {size}"
        );
    }
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn into_stream_works_with_stream_ext() {
    let mock = mock_with(vec![("llm", StreamSpec::text(NDJSON).part_size(3))]).await;
    let out = call(&mock, "llm").await;
    let texts: Vec<String> = out
        .body
        .json_values()
        .into_stream()
        .filter_map(|v| async move { v.unwrap()["token"]["text"].as_str().map(str::to_string) })
        .collect()
        .await;
    assert_eq!(texts, ["Grüße", " 漢字", " 🦀"]);
    // The raw receiver as a stream too: its parts, concatenated, are the text.
    let out = call(&mock, "llm").await;
    let parts: Vec<_> = out.body.into_stream().collect().await;
    let mut bytes = Vec::new();
    for part in parts {
        if let sagemaker_runtime::types::ResponseStream::PayloadPart(p) = part.unwrap() {
            bytes.extend_from_slice(p.bytes.unwrap().as_ref());
        }
    }
    assert_eq!(String::from_utf8(bytes).unwrap(), NDJSON);
    mock.stop().await.unwrap();
}

#[tokio::test]
async fn errors_are_the_receivers_errors() {
    let mock = mock_with(vec![
        ("model-error", StreamSpec::text("one\ntwo\nthree").part_size(4).fail_after(2, StreamFailureKind::model_stream_error("StreamBroken", "the model broke"))),
        ("internal", StreamSpec::text("{\"a\":1}{\"b\"").part_size(3).fail_after(3, StreamFailureKind::internal_stream_failure("inside"))),
        ("dropped", StreamSpec::text("one\ntwo\nthree").part_size(4).fail_after(2, StreamFailureKind::DropConnection)),
        ("long", StreamSpec::text("short\nthis line is far too long\nnever").part_size(4)),
        ("not-json", StreamSpec::text("{\"a\":1}\n{\"a\":}").part_size(2)),
    ])
    .await;
    // A modeled error event: the stream's error type, after the lines completed before it.
    let out = call(&mock, "model-error").await;
    let mut lines = out.body.lines();
    let (items, end) = drain!(lines);
    assert_eq!(items, ["one", "two"]);
    match end {
        Some(SdkError::ServiceError(e)) => match e.err() {
            ResponseStreamError::ModelStreamError(m) => {
                assert_eq!(m.message(), Some("the model broke"));
                assert_eq!(m.error_code(), Some("StreamBroken"));
            }
            other => panic!("unexpected error {other:?}"),
        },
        other => panic!("expected a modeled error event, got {other:?}"),
    }
    assert!(lines.recv().await.unwrap().is_none(), "over after an error");

    let out = call(&mock, "internal").await;
    let mut values = out.body.json_values();
    let (items, end) = drain!(values);
    assert_eq!(items, [serde_json::json!({"a": 1})]);
    assert!(matches!(end, Some(SdkError::ServiceError(ref e)) if e.err().is_internal_stream_failure()), "{end:?}");

    // A dropped connection: a dispatch failure, as from `recv()`; never a hang.
    let out = call(&mock, "dropped").await;
    let mut lines = out.body.lines();
    let (items, end) = drain!(lines);
    assert_eq!(items, ["one", "two"]);
    assert!(matches!(end, Some(SdkError::DispatchFailure(_))), "{end:?}");

    // An item over the limit: a response error whose source is the decoder's.
    let out = call(&mock, "long").await;
    let mut lines = out.body.decode(LineDecoder::with_max_len(10));
    let (items, end) = drain!(lines);
    assert_eq!(items, ["short"]);
    let Some(error @ SdkError::ResponseError(_)) = &end else { panic!("expected a response error, got {end:?}") };
    let source = std::error::Error::source(error).and_then(|s| s.downcast_ref::<DecodeError>());
    assert!(matches!(source, Some(DecodeError::TooLong { what: "line", limit: 10 })), "{end:?}");

    let out = call(&mock, "not-json").await;
    let mut values = out.body.json_values();
    let (items, end) = drain!(values);
    assert_eq!(items, [serde_json::json!({"a": 1})]);
    assert!(matches!(end, Some(SdkError::ResponseError(_))), "{end:?}");
    mock.stop().await.unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Any part size and any text of lines gives the lines of the whole text, over a real
    /// loopback stream.
    #[test]
    fn any_part_size_gives_the_same_lines(
        text in proptest::collection::vec(prop_oneof!["[a-z{}\":]{0,5}", Just("é".to_string()), Just("🦀".to_string()), Just("\n".to_string())], 1..60).prop_map(|p| p.concat()),
        size in 1usize..24,
    ) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let got = runtime.block_on(async {
            let mock = mock_with(vec![("llm", StreamSpec::text(text.clone()).part_size(size))]).await;
            let out = call(&mock, "llm").await;
            let mut lines = out.body.lines();
            let (items, end) = drain!(lines);
            mock.stop().await.unwrap();
            assert!(end.is_none(), "{end:?}");
            items
        });
        prop_assert_eq!(got, text.lines().map(str::to_string).collect::<Vec<_>>());
    }
}
