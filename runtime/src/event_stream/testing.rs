//! What generated `smithy.test#eventStreamTests` conformance tests (and hand-written ones) need
//! beside the generated code: messages from the JSON of a case's events, the frames a side
//! reads, the messages a client sent (SigV4 envelopes unwrapped), the comparison of a message
//! with a case event, and the typed ends of streams (a sender from a list, a receiver drained).
//! Framing and CRCs are `aws-smithy-eventstream`'s.
//!
//! A case event is `{"type": "request"|"response", "params": {...}, "headers": {NAME: {TYPE:
//! VALUE}}, "forbidHeaders": [...], "requireHeaders": [...], "body": "...", "bodyMediaType":
//! "...", "bytes": "<base64 frame>"}` where TYPE is `boolean`, `byte`, `short`, `integer`,
//! `long`, `blob` (base64), `string`, `timestamp` (RFC 3339) or `uuid`.

use super::{EventReceiver, EventStreamSender, Header, HeaderValue, Message, RawMessage};
use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::DateTime;
use bytes::Bytes;
use serde_json::Value;
use std::fmt::Debug;

/// A header value from its case form, e.g. `{"integer": 3}` or `{"timestamp": "2024-10-31T14:15:14Z"}`.
pub fn header_value(value: &Value) -> Result<HeaderValue, String> {
    let object = value.as_object().filter(|o| o.len() == 1).ok_or_else(|| format!("a header value must be a one-key object: {value}"))?;
    let (kind, v) = object.iter().next().ok_or("empty header value")?;
    let int = || v.as_i64().ok_or_else(|| format!("{kind} header value {v} is not an integer"));
    let text = || v.as_str().ok_or_else(|| format!("{kind} header value {v} is not a string"));
    Ok(match kind.as_str() {
        "boolean" => HeaderValue::Bool(v.as_bool().ok_or_else(|| format!("boolean header value {v}"))?),
        "byte" => HeaderValue::Byte(i8::try_from(int()?).map_err(|e| e.to_string())?),
        "short" => HeaderValue::Int16(i16::try_from(int()?).map_err(|e| e.to_string())?),
        "integer" => HeaderValue::Int32(i32::try_from(int()?).map_err(|e| e.to_string())?),
        "long" => HeaderValue::Int64(int()?),
        "blob" => HeaderValue::ByteArray(Bytes::from(
            aws_smithy_types::base64::decode(text()?).map_err(|e| format!("blob header value: {e}"))?,
        )),
        "string" => HeaderValue::String(text()?.to_string().into()),
        "timestamp" => HeaderValue::Timestamp(DateTime::from_str(text()?, Format::DateTime).map_err(|e| e.to_string())?),
        "uuid" => {
            let s = text()?;
            let uuid = uuid::Uuid::parse_str(s).map_err(|e| format!("uuid header value: {e}"))?;
            HeaderValue::Uuid(uuid.as_u128())
        }
        other => return Err(format!("unknown header value type `{other}`")),
    })
}

/// The message a case event describes: its `headers` and `body` (absent: empty).
pub fn message(event: &Value) -> Result<Message, String> {
    let body = event.get("body").and_then(Value::as_str).unwrap_or("");
    let mut message = Message::new(Bytes::from(body.as_bytes().to_vec()));
    if let Some(headers) = event.get("headers").and_then(Value::as_object) {
        for (name, value) in headers {
            message = message.add_header(Header::new(name.clone(), header_value(value)?));
        }
    }
    Ok(message)
}

/// The frame of a message.
pub fn frame(message: &Message) -> Bytes {
    let mut buffer = Vec::new();
    // Writing to a Vec fails only for messages over the frame size limit (16 MiB).
    aws_smithy_eventstream::frame::write_message_to(message, &mut buffer).expect("message fits in a frame");
    Bytes::from(buffer)
}

/// The message of a case event's `bytes` (a base64 frame).
pub fn decode_bytes(base64: &str) -> Result<Message, String> {
    let bytes = aws_smithy_types::base64::decode(base64).map_err(|e| format!("bytes: {e}"))?;
    aws_smithy_eventstream::frame::read_message_from(Bytes::from(bytes)).map_err(|e| format!("bytes: {e}"))
}

/// The frame a side reads for a case event: its `bytes` as given (the spec's choice for
/// reading: they may hold what no writer produces, such as a header of the wrong type), else
/// the frame of its `headers` and `body`.
pub fn received_frame(event: &Value) -> Result<Bytes, String> {
    match event.get("bytes").and_then(Value::as_str) {
        Some(base64) => aws_smithy_types::base64::decode(base64).map(Bytes::from).map_err(|e| format!("bytes: {e}")),
        None => Ok(frame(&message(event)?)),
    }
}

/// The body a side reads for a list of case events (JSON text): their frames, in order.
pub fn received_body(events: &[&str]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    for (i, text) in events.iter().enumerate() {
        let event: Value = serde_json::from_str(text).map_err(|e| format!("event {i}: {e}"))?;
        body.extend_from_slice(&received_frame(&event).map_err(|e| format!("event {i}: {e}"))?);
    }
    Ok(body)
}

/// Decodes a body of whole frames into its messages.
pub fn decode_frames(body: &[u8]) -> Result<Vec<Message>, String> {
    let mut rest = body;
    let mut decoder = MessageFrameDecoder::new();
    let mut messages = Vec::new();
    while !rest.is_empty() {
        match decoder.decode_frame(&mut rest) {
            Ok(DecodedFrame::Complete(message)) => messages.push(message),
            Ok(DecodedFrame::Incomplete) => return Err(format!("the body ends inside frame {}", messages.len())),
            Err(e) => return Err(format!("frame {}: {e}", messages.len())),
        }
    }
    Ok(messages)
}

/// The messages of a client's event-stream request body, read whole. A client of a SigV4
/// service wraps each message in a signed envelope (`:date`, `:chunk-signature`) and ends with
/// an envelope of empty payload: the messages are then the envelopes' payloads, and every
/// frame must be an envelope, with the end envelope last. An unsigned body is its frames.
pub async fn sent_messages(body: SdkBody) -> Result<Vec<Message>, String> {
    use http_body_util::BodyExt;
    let bytes = body.collect().await.map_err(|e| format!("the request body cannot be read: {e}"))?.to_bytes();
    let frames = decode_frames(&bytes)?;
    let signed = frames.iter().any(|m| super::message::header(m, super::message::CHUNK_SIGNATURE).is_some());
    if !signed {
        return Ok(frames);
    }
    let count = frames.len();
    let mut messages = Vec::new();
    for (i, envelope) in frames.into_iter().enumerate() {
        if super::message::header(&envelope, super::message::CHUNK_SIGNATURE).is_none() {
            return Err(format!("frame {i} is not signed, but others are"));
        }
        match super::message::unwrap_signed(envelope).map_err(|e| format!("frame {i}: {e}"))? {
            Some(inner) if i + 1 < count => messages.push(inner),
            Some(_) => return Err("the signed stream does not end with an empty signed message".into()),
            None if i + 1 < count => return Err(format!("frame {i} ends the signed stream, but more follow")),
            None => {}
        }
    }
    Ok(messages)
}

/// Checks `actual` against a case event: every header of `headers` with its type and value,
/// no header the event does not name (a header of `requireHeaders` may have any value) and none
/// of `forbidHeaders`, and the body (equal as JSON when `bodyMediaType` is `application/json`,
/// else byte for byte). Returns what differs.
///
/// Stricter than the spec, which ignores unnamed headers: the messages checked here are the
/// ones this runtime's writers build (signing envelopes unwrapped), so an extra header is a bug.
pub fn check_message(actual: &Message, event: &Value) -> Result<(), String> {
    let expected = message(event)?;
    let names = |key: &str| -> Vec<String> {
        event.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    let (required, forbidden) = (names("requireHeaders"), names("forbidHeaders"));
    let has = |name: &str| actual.headers().iter().any(|h| h.name().as_str() == name);
    let mut problems = Vec::new();
    for header in expected.headers() {
        match actual.headers().iter().find(|h| h.name() == header.name()) {
            None => problems.push(format!("header {} is missing", header.name().as_str())),
            Some(h) if h.value() != header.value() => {
                problems.push(format!("header {}: expected {:?}, got {:?}", header.name().as_str(), header.value(), h.value()))
            }
            Some(_) => {}
        }
    }
    for name in &required {
        if !has(name) {
            problems.push(format!("required header {name} is missing"));
        }
    }
    for name in &forbidden {
        if has(name) {
            problems.push(format!("forbidden header {name} is present"));
        }
    }
    for header in actual.headers() {
        let name = header.name().as_str();
        let named = expected.headers().iter().any(|h| h.name() == header.name()) || required.iter().any(|r| r == name);
        if !named && !forbidden.iter().any(|f| f == name) {
            problems.push(format!("unexpected header {name}"));
        }
    }
    let json = event.get("bodyMediaType").and_then(Value::as_str) == Some("application/json");
    let same_body = if json {
        let parse = |b: &[u8]| serde_json::from_slice::<Value>(b).ok();
        parse(actual.payload()).is_some() && parse(actual.payload()) == parse(expected.payload())
    } else {
        actual.payload() == expected.payload()
    };
    if !same_body {
        problems.push(format!(
            "body: expected {:?}, got {:?}",
            String::from_utf8_lossy(expected.payload()),
            String::from_utf8_lossy(actual.payload())
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Checks the messages a side wrote against the case events (JSON text), one for one and in
/// order; panics naming every difference.
pub fn assert_messages(actual: &[Message], events: &[&str]) {
    let mut problems = Vec::new();
    if actual.len() != events.len() {
        problems.push(format!("{} message(s) written, the case has {} event(s): {actual:?}", actual.len(), events.len()));
    }
    for (i, (message, text)) in actual.iter().zip(events).enumerate() {
        let checked = serde_json::from_str::<Value>(text).map_err(|e| e.to_string()).and_then(|event| check_message(message, &event));
        if let Err(e) = checked {
            problems.push(format!("message {i}: {e}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An input stream of the given items, in order: `Ok` items are events, `Err` items error
/// events (modeled ones, or an unmodeled `error` message from `E::generic`).
pub fn sender<T, E>(items: Vec<Result<T, E>>) -> EventStreamSender<T, E>
where
    T: Send + Sync + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    EventStreamSender::from(futures_util::stream::iter(items))
}

/// What a receiver yields until its stream ends: its events, and the error that ended it, if
/// any (last). Within 10 s: a stream that neither ends nor fails is a test failure, not a hang.
pub async fn drain<T, E>(receiver: &mut EventReceiver<T, E>) -> Received<T, E> {
    let mut items = Vec::new();
    let read = async {
        loop {
            match receiver.recv().await {
                Ok(Some(event)) => items.push(Ok(event)),
                Ok(None) => break,
                Err(e) => {
                    items.push(Err(e));
                    break;
                }
            }
        }
    };
    // The default sleep is Tokio's (the workspace builds aws-smithy-async with `rt-tokio`).
    let sleep = aws_smithy_async::rt::sleep::default_async_sleep().expect("an async sleep implementation");
    let limit = aws_smithy_async::rt::sleep::AsyncSleep::sleep(&sleep, std::time::Duration::from_secs(10));
    if aws_smithy_async::future::timeout::Timeout::new(read, limit).await.is_err() {
        panic!("the event stream neither ended nor failed within 10 s");
    }
    items
}

/// What a drained receiver yielded: its events, then possibly the error that ended it.
pub type Received<T, E> = Vec<Result<T, SdkError<E, RawMessage>>>;

/// The event at `index` of what a receiver yielded; panics (naming what came instead) if there
/// is none or it is an error.
pub fn event_at<T: Debug, E: Debug>(received: &Received<T, E>, index: usize) -> &T {
    match received.get(index) {
        Some(Ok(event)) => event,
        other => panic!("event {index}: expected an event, got {other:?} (all: {received:?})"),
    }
}

/// The modeled error event at `index` of what a receiver yielded; panics if there is none or
/// it is not a service error (an error event).
pub fn error_at<T: Debug, E: Debug>(received: &Received<T, E>, index: usize) -> &E {
    match received.get(index) {
        Some(Err(e)) => e.as_service_error().unwrap_or_else(|| panic!("event {index}: expected an error event, got {e:?}")),
        other => panic!("event {index}: expected an error event, got {other:?} (all: {received:?})"),
    }
}

/// Checks that the item at `index` is an error event with this code and message (an
/// unmodeled `error` message: `:error-code`, `:error-message`).
pub fn assert_unmodeled_error<T: Debug, E: Debug + ProvideErrorMetadata>(
    received: &Received<T, E>,
    index: usize,
    code: Option<&str>,
    message: Option<&str>,
) {
    let error = error_at(received, index);
    assert_eq!((error.code(), error.message()), (code, message), "event {index}: code and message of {error:?}");
}

/// Checks that reading failed: the last item is an error (an error event, or a message that
/// could not be read).
pub fn assert_failed<T: Debug, E: Debug>(received: &Received<T, E>) {
    assert!(matches!(received.last(), Some(Err(_))), "expected the stream to fail, it yielded {received:?}");
}

/// The error event that ended the stream; panics if the stream did not end with one.
pub fn failure<T: Debug, E: Debug>(received: &Received<T, E>) -> &E {
    match received.last() {
        Some(Err(e)) => e.as_service_error().unwrap_or_else(|| panic!("expected an error event, the stream failed with {e:?}")),
        _ => panic!("expected the stream to end with an error event, it yielded {received:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_case_event_round_trips_through_its_bytes() {
        // DuplexBooleanHeaderInput from the Smithy AWS protocol tests.
        let event = json!({
            "headers": {":message-type": {"string": "event"}, ":event-type": {"string": "headers"}, "booleanHeader": {"boolean": true}},
            "bytes": "AAAASwAAADv7Cl8VDTptZXNzYWdlLXR5cGUHAAVldmVudAs6ZXZlbnQtdHlwZQcAB2hlYWRlcnMNYm9vbGVhbkhlYWRlcgC4J9Ws"
        });
        let decoded = decode_bytes(event["bytes"].as_str().unwrap()).unwrap();
        check_message(&decoded, &event).unwrap();
        let built = message(&event).unwrap();
        assert_eq!(aws_smithy_types::base64::encode(frame(&built)), event["bytes"].as_str().unwrap());
        assert_eq!(received_frame(&event).unwrap(), frame(&built));
        let without_bytes = json!({"headers": event["headers"]});
        assert_eq!(received_frame(&without_bytes).unwrap(), frame(&built));
    }

    #[test]
    fn every_header_type_is_read() {
        assert_eq!(header_value(&json!({"long": 4294967294_i64})).unwrap(), HeaderValue::Int64(4294967294));
        assert_eq!(header_value(&json!({"blob": "Zm9v"})).unwrap(), HeaderValue::ByteArray(Bytes::from_static(b"foo")));
        assert_eq!(
            header_value(&json!({"timestamp": "2024-10-31T14:15:14Z"})).unwrap(),
            HeaderValue::Timestamp(DateTime::from_secs(1730384114))
        );
        assert!(header_value(&json!({"float": 1.0})).unwrap_err().contains("float"));
    }

    #[test]
    fn differences_are_named() {
        let event = json!({"headers": {":message-type": {"string": "event"}}, "body": "{\"a\":1}", "bodyMediaType": "application/json"});
        let actual = Message::new(Bytes::from_static(b"{ \"a\": 1 }"))
            .add_header(Header::new(":message-type", HeaderValue::String("exception".to_string().into())));
        let err = check_message(&actual, &event).unwrap_err();
        assert!(err.contains(":message-type") && !err.contains("body"), "{err}");
        let extra = actual.clone().add_header(Header::new("x", HeaderValue::Bool(true)));
        assert!(check_message(&extra, &event).unwrap_err().contains("unexpected header x"));
    }

    #[test]
    fn required_and_forbidden_headers_are_checked() {
        let event = json!({"headers": {}, "requireHeaders": ["r"], "forbidHeaders": ["f"]});
        let with = |names: &[&str]| names.iter().fold(Message::new(Bytes::new()), |m, n| m.add_header(Header::new(n.to_string(), HeaderValue::Bool(true))));
        check_message(&with(&["r"]), &event).unwrap();
        assert!(check_message(&with(&[]), &event).unwrap_err().contains("required header r"));
        assert!(check_message(&with(&["r", "f"]), &event).unwrap_err().contains("forbidden header f"));
    }

    #[test]
    fn frames_decode_and_a_truncated_body_is_an_error() {
        let one = message(&json!({"headers": {":message-type": {"string": "event"}}, "body": "x"})).unwrap();
        let mut body = frame(&one).to_vec();
        body.extend_from_slice(&frame(&one));
        assert_eq!(decode_frames(&body).unwrap(), vec![one.clone(), one]);
        assert!(decode_frames(&body[..body.len() - 1]).unwrap_err().contains("frame 1"));
    }
}
