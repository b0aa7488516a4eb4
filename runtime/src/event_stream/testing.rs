//! Messages from the JSON of `smithy.test#eventStreamTests` cases, for generated conformance
//! tests (and hand-written ones): headers typed as the case gives them, bodies compared as
//! their media type says, frames encoded and decoded with `aws-smithy-eventstream`.
//!
//! A case event is `{"type": "request"|"response", "params": {...}, "headers": {NAME: {TYPE:
//! VALUE}}, "body": "...", "bodyMediaType": "...", "bytes": "<base64 frame>"}` where TYPE is
//! `boolean`, `byte`, `short`, `integer`, `long`, `blob` (base64), `string` or `timestamp`
//! (RFC 3339).

use super::{Header, HeaderValue, Message};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use bytes::Bytes;
use serde_json::Value;

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

/// Checks that `actual` has exactly the case event's headers (any order) and its body (equal
/// as JSON when `bodyMediaType` is `application/json`, else byte for byte). Returns what
/// differs.
pub fn check_message(actual: &Message, event: &Value) -> Result<(), String> {
    let expected = message(event)?;
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
    for header in actual.headers() {
        if !expected.headers().iter().any(|h| h.name() == header.name()) {
            problems.push(format!("unexpected header {}", header.name().as_str()));
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
    }
}
