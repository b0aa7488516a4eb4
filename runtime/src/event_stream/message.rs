//! Event-stream messages, shared by client and server: building, reading, SigV4 envelopes.
//!
//! That is the media type of a stream body, building messages and reading their headers per the
//! restJson1 rules, and unwrapping SigV4 envelopes. Framing and CRCs are
//! `aws-smithy-eventstream`'s.
//!
//! Every message carries `:message-type`: `event` (with `:event-type`, the union member's name,
//! and `:content-type` when it has a payload), `exception` (a modeled error: `:exception-type`,
//! the member's name, and a JSON payload) or `error` (unmodeled: `:error-code` and
//! `:error-message`). Initial messages are events whose `:event-type` is `initial-request` or
//! `initial-response`.

use super::{EventStreamError, Header, HeaderValue, Message};
use aws_smithy_types::error::ErrorMetadata;
use bytes::Bytes;

/// The media type of an event-stream body.
pub const EVENT_STREAM_CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// `:message-type` of events (and initial messages).
pub const EVENT: &str = "event";
/// `:message-type` of modeled errors.
pub const EXCEPTION: &str = "exception";
/// `:message-type` of unmodeled errors.
pub const ERROR: &str = "error";
/// `:event-type` of an initial request message.
pub const INITIAL_REQUEST: &str = "initial-request";
/// `:event-type` of an initial response message.
pub const INITIAL_RESPONSE: &str = "initial-response";

fn string_header(name: &'static str, value: &str) -> Header {
    Header::new(name, HeaderValue::String(value.to_string().into()))
}

/// An event: `:message-type` `event`, `:event-type` = `event_type` (the union member name),
/// `:content-type` when given (a payload's media type: `application/octet-stream` for a blob
/// payload, `text/plain` for a string, `application/json` for a structure). Add `@eventHeader`
/// members with [`Message::add_header`].
pub fn event(event_type: &str, content_type: Option<&str>, payload: impl Into<Bytes>) -> Message {
    let mut message = Message::new(payload)
        .add_header(string_header(":message-type", EVENT))
        .add_header(string_header(":event-type", event_type));
    if let Some(content_type) = content_type {
        message = message.add_header(string_header(":content-type", content_type));
    }
    message
}

/// A modeled error: `:message-type` `exception`, `:exception-type` = the union member name,
/// `:content-type` `application/json`, the error structure as a JSON payload.
pub fn exception(exception_type: &str, json_payload: impl Into<Bytes>) -> Message {
    Message::new(json_payload)
        .add_header(string_header(":message-type", EXCEPTION))
        .add_header(string_header(":exception-type", exception_type))
        .add_header(string_header(":content-type", "application/json"))
}

/// An unmodeled error: `:message-type` `error`, `:error-code`, `:error-message`, no payload.
pub fn error(code: &str, message: &str) -> Message {
    Message::new(Bytes::new())
        .add_header(string_header(":message-type", ERROR))
        .add_header(string_header(":error-code", code))
        .add_header(string_header(":error-message", message))
}

/// A modeled error whose payload is in another codec than JSON (rpcv2Cbor's
/// `application/cbor`): as [`exception`], with that `:content-type`.
pub fn exception_with_content_type(exception_type: &str, content_type: &str, payload: impl Into<Bytes>) -> Message {
    Message::new(payload)
        .add_header(string_header(":message-type", EXCEPTION))
        .add_header(string_header(":exception-type", exception_type))
        .add_header(string_header(":content-type", content_type))
}

/// An initial message of an RPC protocol's event stream: `event_type` is [`INITIAL_REQUEST`]
/// or [`INITIAL_RESPONSE`], `payload` the document of the message's members other than the
/// stream, `content_type` the protocol's media type for it (`application/x-amz-json-1.1`,
/// `application/cbor`), as the official SDKs write it.
pub fn initial(event_type: &str, content_type: &str, payload: impl Into<Bytes>) -> Message {
    event(event_type, Some(content_type), payload)
}

/// The value of header `name`, if the message has it.
pub fn header<'a>(message: &'a Message, name: &str) -> Option<&'a HeaderValue> {
    message.headers().iter().find(|h| h.name().as_str() == name).map(Header::value)
}

/// The value of string header `name`, if the message has it as a string.
pub fn string<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    header(message, name)?.as_string().ok().map(|s| s.as_str())
}

/// `:chunk-signature`, the header of a SigV4-signed envelope.
pub const CHUNK_SIGNATURE: &str = ":chunk-signature";

/// The message a SigV4-signed envelope carries: a client of a SigV4 service wraps each event in
/// a message whose headers are `:date` and `:chunk-signature` and whose payload is the event's
/// whole frame, and ends the stream with an envelope of empty payload. Returns the inner message,
/// `None` for that end envelope, and an unsigned message as it is.
pub fn unwrap_signed(message: Message) -> Result<Option<Message>, EventStreamError> {
    if header(&message, CHUNK_SIGNATURE).is_none() {
        return Ok(Some(message));
    }
    if message.payload().is_empty() {
        return Ok(None);
    }
    aws_smithy_eventstream::frame::read_message_from(message.payload().clone()).map(Some)
}

/// Adds `:content-type` to an event: generated writers add it after the member headers, where
/// the official SDKs' marshallers put it (`:message-type`, `:event-type`, the `@eventHeader`
/// members in model order, then `:content-type`), so the frames and their signatures are
/// byte-equal to theirs.
pub fn with_content_type(message: Message, content_type: &str) -> Message {
    message.add_header(string_header(":content-type", content_type))
}

/// Checks `:content-type` against the media type of a blob (`application/octet-stream`) or
/// string (`text/plain`) `@eventPayload`, as the official SDKs do: the header is required and
/// must be exactly that (an absent one is an error too).
pub fn expect_content_type(message: &Message, expected: &str) -> Result<(), EventStreamError> {
    let actual = string(message, ":content-type").unwrap_or_default();
    if actual != expected {
        return Err(EventStreamError::unmarshalling(format!(
            "expected :content-type to be '{expected}', but was '{actual}'"
        )));
    }
    Ok(())
}

/// The error metadata of an `exception` message as the official SDKs read it: from its JSON
/// payload alone (code from `code`, else `__type`, sanitized; message from `message`, `Message`
/// or `errorMessage`), not from `:exception-type`, which only picks the variant. `None` when
/// the payload is not JSON: the official client then reports an unhandled error without code
/// or message. An empty payload is an empty document.
pub fn exception_metadata(message: &Message) -> Option<ErrorMetadata> {
    json_exception_metadata(message.payload())
}

/// [`exception_metadata`] of a payload: the JSON reading, which
/// [`EventUnmarshaller`](super::EventUnmarshaller) uses unless told another codec's.
pub fn json_exception_metadata(payload: &[u8]) -> Option<ErrorMetadata> {
    if !payload.iter().all(u8::is_ascii_whitespace) && crate::protocol::json::parse(payload).is_err() {
        return None;
    }
    let headers = aws_smithy_runtime_api::http::Headers::new();
    Some(crate::protocol::error::error_metadata(&headers, payload).build())
}

/// The text of an unmodeled error message (`:message-type` `error`, with `:error-code` and
/// `:error-message`), which the official SDKs do not read as a service error: their
/// unmarshallers refuse the message type, so the caller gets a response error (this text).
pub fn error_message_text(message: &Message) -> String {
    format!(
        "unrecognized :message-type: error (the service sent an unmodeled error: :error-code {:?}, :error-message {:?})",
        string(message, ":error-code").unwrap_or_default(),
        string(message, ":error-message").unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_metadata_comes_from_the_json_payload_alone() {
        let meta = exception_metadata(&exception("ModelStreamError", r#"{"Message":"boom","ErrorCode":"StreamBroken"}"#)).unwrap();
        assert_eq!(meta.code(), None);
        assert_eq!(meta.message(), Some("boom"));
        let meta = exception_metadata(&exception("ModelStreamError", r#"{"__type":"ns#Thrown","message":"m"}"#)).unwrap();
        assert_eq!(meta.code(), Some("Thrown"));
        assert_eq!(exception_metadata(&exception("X", "")).unwrap().code(), None);
        assert!(exception_metadata(&exception("ModelStreamError", "not json")).is_none());
        let text = error_message_text(&error("internal-error", "An unknown error occurred."));
        assert!(text.contains("internal-error") && text.contains("An unknown error occurred."), "{text}");
    }

    #[test]
    fn signed_envelopes_are_unwrapped_and_the_end_envelope_is_none() {
        let inner = event("E", None, "x");
        let mut frame = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(&inner, &mut frame).unwrap();
        let envelope = |payload: Vec<u8>| {
            Message::new(payload)
                .add_header(Header::new(":date", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(0))))
                .add_header(Header::new(CHUNK_SIGNATURE, HeaderValue::ByteArray(Bytes::from_static(&[1, 2]))))
        };
        assert_eq!(unwrap_signed(envelope(frame)).unwrap(), Some(inner.clone()));
        assert_eq!(unwrap_signed(envelope(Vec::new())).unwrap(), None);
        assert_eq!(unwrap_signed(inner.clone()).unwrap(), Some(inner));
        assert!(unwrap_signed(envelope(b"not a frame".to_vec())).is_err());
    }

    #[test]
    fn content_type_is_required_and_exact() {
        let m = event("PayloadPart", Some("application/octet-stream"), "x");
        assert!(expect_content_type(&m, "application/octet-stream").is_ok());
        let err = expect_content_type(&m, "text/plain").unwrap_err();
        assert!(err.to_string().contains("application/octet-stream"), "{err}");
        assert!(expect_content_type(&event("E", None, ""), "text/plain").is_err());
        let late = with_content_type(event("E", None, "x").add_header(Header::new("H", HeaderValue::Int32(1))), "text/plain");
        let names: Vec<&str> = late.headers().iter().map(|h| h.name().as_str()).collect();
        assert_eq!(names, [":message-type", ":event-type", "H", ":content-type"]);
        assert!(expect_content_type(&late, "text/plain").is_ok());
    }
}
