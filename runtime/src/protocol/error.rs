//! restJson1 errors: where the error code and message come from.

use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::error::metadata::Builder as ErrorMetadataBuilder;
use super::json::Value;

/// The header AWS restJson1 services name the error in.
pub const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// Strips what precedes the shape name and what follows it:
/// `aws.protocoltests.restjson#FooError:http://internal.amazon.com/` → `FooError`.
pub fn sanitize_error_code(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    before_colon.rsplit('#').next().unwrap_or(before_colon).trim()
}

/// The error code: the `X-Amzn-ErrorType` header first, then the body's `code`,
/// then its `__type`, each sanitized.
pub fn error_code<'a>(headers: &'a Headers, body: &'a Value) -> Option<&'a str> {
    headers
        .get(ERROR_TYPE_HEADER)
        .or_else(|| body.get("code").and_then(Value::as_str))
        .or_else(|| body.get("__type").and_then(Value::as_str))
        .map(sanitize_error_code)
        .filter(|c| !c.is_empty())
}

/// The error message: `message`, `Message` or `errorMessage` in the body.
pub fn error_message(body: &Value) -> Option<&str> {
    ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| body.get(k).and_then(Value::as_str))
}

/// Error metadata (code, message, request id) for a failed response. A body
/// that is not JSON still yields the header's code and the request id.
pub fn error_metadata(headers: &Headers, body: &[u8]) -> ErrorMetadataBuilder {
    let parsed = super::json::parse_body(body).unwrap_or(Value::Null);
    let mut builder = ErrorMetadataBuilder::default();
    if let Some(code) = error_code(headers, &parsed) {
        builder = builder.code(code);
    }
    if let Some(message) = error_message(&parsed) {
        builder = builder.message(message);
    }
    aws_types::request_id::apply_request_id(builder, headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_types::request_id::RequestId;

    fn json(text: &str) -> Value {
        crate::protocol::json::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn codes_are_sanitized() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(sanitize_error_code("aws.protocoltests.restjson#FooError"), "FooError");
        assert_eq!(sanitize_error_code("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"), "FooError");
        assert_eq!(
            sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
    }

    #[test]
    fn header_wins_over_body_and_code_over_type() {
        let mut headers = Headers::new();
        let body = json(r#"{"code": "FromCode", "__type": "FromType", "message": "hi"}"#);
        assert_eq!(error_code(&headers, &body), Some("FromCode"));
        assert_eq!(error_code(&headers, &json(r#"{"__type": "ns#FromType"}"#)), Some("FromType"));
        headers.insert("X-Amzn-Errortype", "FromHeader");
        assert_eq!(error_code(&headers, &body), Some("FromHeader"));
    }

    #[test]
    fn metadata_has_code_message_and_request_id() {
        let mut headers = Headers::new();
        headers.insert("x-amzn-RequestId", "req-1");
        let meta = error_metadata(&headers, br#"{"__type":"ModelError","Message":"boom"}"#).build();
        assert_eq!(meta.code(), Some("ModelError"));
        assert_eq!(meta.message(), Some("boom"));
        assert_eq!(meta.request_id(), Some("req-1"));
    }
}
