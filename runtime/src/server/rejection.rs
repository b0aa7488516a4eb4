//! Requests the server will not hand to an operation, and error responses in each
//! protocol's envelope ([`ErrorEnvelope`]).

use super::ServerResponse;
use crate::protocol::error::ERROR_TYPE_HEADER;
use crate::protocol::json;
use crate::protocol::WireError;
use bytes::Bytes;
use std::fmt;

/// The header that carries the request id on every response.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// [`REQUEST_ID_HEADER`] as a header name made once: looking it up or inserting it by text
/// would parse the name (and copy it) for every response.
pub(crate) const REQUEST_ID_NAME: http::HeaderName = http::HeaderName::from_static(REQUEST_ID_HEADER);

/// The error type sent for a handler panic or a response that could not be encoded.
pub const INTERNAL_FAILURE: &str = "InternalFailure";

/// Why a request was answered without calling the operation, per restJson1.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// No operation has this method and path (404 `UnknownOperationException`).
    UnknownOperation {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
    },
    /// The path belongs to operations that use other methods (405).
    MethodNotAllowed {
        /// The methods the path accepts, for the `Allow` header.
        allowed: Vec<String>,
    },
    /// The body's `Content-Type` is not the one the operation reads (415).
    UnsupportedMediaType(String),
    /// The `Accept` header excludes what the operation answers with (406).
    NotAcceptable(String),
    /// A header, label, query value or the body could not be read (400 `SerializationException`).
    Serialization(WireError),
    /// The body is larger than the server accepts (413).
    PayloadTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The server failed (500 `InternalFailure`): a handler panicked, or its output could not
    /// be encoded.
    Internal(String),
}

impl Rejection {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::UnknownOperation { .. } => 404,
            Rejection::MethodNotAllowed { .. } => 405,
            Rejection::UnsupportedMediaType(_) => 415,
            Rejection::NotAcceptable(_) => 406,
            Rejection::Serialization(_) => 400,
            Rejection::PayloadTooLarge { .. } => 413,
            Rejection::Internal(_) => 500,
        }
    }

    /// The value of `X-Amzn-ErrorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            Rejection::UnknownOperation { .. } => "UnknownOperationException",
            Rejection::MethodNotAllowed { .. } => "MethodNotAllowedException",
            Rejection::UnsupportedMediaType(_) => "UnsupportedMediaTypeException",
            Rejection::NotAcceptable(_) => "NotAcceptableException",
            Rejection::Serialization(_) => "SerializationException",
            Rejection::PayloadTooLarge { .. } => "RequestEntityTooLargeException",
            Rejection::Internal(_) => INTERNAL_FAILURE,
        }
    }

    /// The error response: status, `X-Amzn-ErrorType`, and `{"message": ...}`.
    pub fn into_response(self) -> ServerResponse {
        let mut response = error_response(self.status(), self.error_type(), &self.to_string(), json::Map::new());
        if let Rejection::MethodNotAllowed { allowed } = &self {
            if let Ok(v) = http::HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(http::header::ALLOW, v);
            }
        }
        response
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::UnknownOperation { method, path } => write!(f, "no operation matches {method} {path}"),
            Rejection::MethodNotAllowed { allowed } => {
                write!(f, "this path accepts only {}", allowed.join(", "))
            }
            Rejection::UnsupportedMediaType(m)
            | Rejection::NotAcceptable(m)
            | Rejection::Internal(m) => f.write_str(m),
            Rejection::Serialization(e) => write!(f, "{e}"),
            Rejection::PayloadTooLarge { limit } => write!(f, "the request body is larger than {limit} bytes"),
        }
    }
}

impl std::error::Error for Rejection {}

impl From<WireError> for Rejection {
    fn from(e: WireError) -> Self {
        Rejection::Serialization(e)
    }
}

/// A restJson1 error response: `status`, `X-Amzn-ErrorType: error_type`,
/// `Content-Type: application/json` and a JSON body of `body` plus `"message"` (unless
/// `body` already has one).
pub fn error_response(
    status: u16,
    error_type: &str,
    message: &str,
    mut body: json::Map,
) -> ServerResponse {
    if !body.iter().any(|(key, _)| key == "message") {
        body.push(("message".into(), json::Value::String(message.into())));
    }
    let bytes = Bytes::from(json::to_body(&json::Value::Object(body)));
    let mut response = http::Response::new(bytes);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    if let Ok(v) = http::HeaderValue::from_str(error_type) {
        headers.insert(ERROR_TYPE_HEADER, v);
    }
    response.extensions_mut().insert(ErrorCode(error_type.to_string()));
    response
}

/// The code of an error response made by [`error_response`], for the router to write it in
/// its protocol's [`ErrorEnvelope`].
#[derive(Debug, Clone)]
struct ErrorCode(String);

/// How a protocol's server writes an error: where the code goes and the body's content type.
/// Every error response (a [`Rejection`], a validation error, a modeled error) is made by
/// [`error_response`] in restJson1's envelope; a [`Router`](super::Router) of another
/// protocol puts it in that protocol's envelope as it answers
/// ([`Router::with_error_envelope`](super::Router::with_error_envelope)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ErrorEnvelope {
    /// restJson1: `X-Amzn-ErrorType: Code`, `Content-Type: application/json`.
    #[default]
    RestJson1,
    /// awsJson1_0 / awsJson1_1: the body also names the error (`"__type": "Code"`, which
    /// clients read when a proxy drops the header) and has the protocol's content type.
    AwsJson {
        /// `application/x-amz-json-1.0` or `application/x-amz-json-1.1`.
        content_type: &'static str,
    },
    /// rpcv2Cbor: a CBOR body naming the error in `__type`, `Content-Type: application/cbor`
    /// and `smithy-protocol: rpc-v2-cbor`.
    #[cfg(feature = "rpcv2-cbor")]
    RpcV2Cbor,
}

impl ErrorEnvelope {
    /// `response` in this envelope, when it is an error response made by [`error_response`];
    /// any other response as it is.
    pub fn apply(self, mut response: ServerResponse) -> ServerResponse {
        let content_type = match self {
            ErrorEnvelope::RestJson1 => return response,
            ErrorEnvelope::AwsJson { content_type } => content_type,
            #[cfg(feature = "rpcv2-cbor")]
            ErrorEnvelope::RpcV2Cbor => return rpcv2_cbor_envelope(response),
        };
        let Some(ErrorCode(code)) = response.extensions_mut().remove::<ErrorCode>() else { return response };
        let mut body = match json::parse(response.body()) {
            Ok(json::Value::Object(body)) => body,
            _ => json::Map::new(),
        };
        match body.iter_mut().find(|(key, _)| key == "__type") {
            Some((_, value)) => *value = json::Value::String(code),
            None => body.push(("__type".into(), json::Value::String(code))),
        }
        *response.body_mut() = Bytes::from(json::to_body(&json::Value::Object(body)));
        response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
        response
    }
}

/// An error response made by [`error_response`] rewritten in rpcv2Cbor's envelope: the same
/// status and headers, the JSON body's members as CBOR with `__type` naming the error.
#[cfg(feature = "rpcv2-cbor")]
fn rpcv2_cbor_envelope(mut response: ServerResponse) -> ServerResponse {
    use crate::protocol::rpcv2_cbor::{self as cbor, Value};
    fn to_cbor(value: json::Value) -> Value {
        match value {
            json::Value::Null => Value::Null,
            json::Value::Bool(b) => Value::Bool(b),
            json::Value::Number(_) => value.as_i64().map(Value::Integer).unwrap_or_else(|| Value::Double(value.as_f64().unwrap_or(f64::NAN))),
            json::Value::String(s) => Value::Text(s),
            json::Value::Array(items) => Value::Array(items.into_iter().map(to_cbor).collect()),
            json::Value::Object(members) => Value::Map(members.into_iter().map(|(k, v)| (k, to_cbor(v))).collect()),
        }
    }
    let Some(ErrorCode(code)) = response.extensions_mut().remove::<ErrorCode>() else { return response };
    let body = match json::parse(response.body()) {
        Ok(json::Value::Object(body)) => body,
        _ => json::Map::new(),
    };
    let message = body.iter().rev().find(|(key, _)| key == "message").and_then(|(_, v)| v.as_str()).unwrap_or_default().to_string();
    let body = body.into_iter().map(|(k, v)| (k, to_cbor(v))).collect();
    let mut cbor_response = cbor::server_error_response(response.status().as_u16(), &code, &message, body);
    for (name, value) in response.headers() {
        if name != http::header::CONTENT_TYPE && name != http::header::CONTENT_LENGTH {
            cbor_response.headers_mut().append(name.clone(), value.clone());
        }
    }
    cbor_response
}

impl crate::constraints::Violations {
    /// The Smithy framework `ValidationException`: 400, `X-Amzn-ErrorType: ValidationException`,
    /// `{"message": ..., "fieldList": [{"message": ..., "path": ...}]}`.
    pub fn framework_response(&self) -> ServerResponse {
        let fields: Vec<json::Value> = self
            .violations()
            .iter()
            .map(|v| {
                json::Value::Object(vec![
                    ("message".into(), json::Value::from(v.framework_message())),
                    ("path".into(), json::Value::from(v.framework_path())),
                ])
            })
            .collect();
        let message = self.framework_message();
        let body = vec![
            ("message".into(), json::Value::String(message.clone())),
            ("fieldList".into(), json::Value::Array(fields)),
        ];
        error_response(400, "ValidationException", &message, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "rpcv2-cbor")]
    #[test]
    fn rpcv2_cbor_rejections_name_the_error_in_a_cbor_body() {
        use crate::protocol::rpcv2_cbor::{self as cbor, Value};
        let response = ErrorEnvelope::RpcV2Cbor.apply(Rejection::Internal("boom".into()).into_response());
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers()["content-type"], "application/cbor");
        assert_eq!(response.headers()["smithy-protocol"], "rpc-v2-cbor");
        let body = cbor::parse_body(response.body()).expect("the body is CBOR");
        assert_eq!(cbor::error_code(&body), Some(INTERNAL_FAILURE));
        let Value::Map(members) = &body else { panic!("a map: {body:?}") };
        assert!(members.iter().any(|(k, _)| k == "message"), "{members:?}");
    }

    #[test]
    fn rejections_carry_status_type_and_message() {
        let r = Rejection::Serialization(WireError::new("header X-Count", "`abc` is not a valid integer"));
        let resp = r.into_response();
        assert_eq!(resp.status(), 400);
        assert_eq!(resp.headers()["x-amzn-errortype"], "SerializationException");
        let body: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
        assert_eq!(body["message"], "header X-Count: `abc` is not a valid integer");
        let resp = Rejection::MethodNotAllowed { allowed: vec!["POST".into()] }.into_response();
        assert_eq!(resp.status(), 405);
        assert_eq!(resp.headers()["allow"], "POST");
    }

    #[test]
    fn the_aws_json_envelope_names_the_error_in_the_body_too() {
        let envelope = ErrorEnvelope::AwsJson { content_type: "application/x-amz-json-1.1" };
        let resp = envelope.apply(Rejection::UnknownOperation { method: "POST".into(), path: "/".into() }.into_response());
        assert_eq!(resp.status(), 404);
        assert_eq!(resp.headers()["content-type"], "application/x-amz-json-1.1");
        assert_eq!(resp.headers()["x-amzn-errortype"], "UnknownOperationException");
        let body: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
        assert_eq!(body["__type"], "UnknownOperationException");
        assert_eq!(body["message"], "no operation matches POST /");
        // A response that is not an error is left alone, and restJson1 changes nothing.
        let ok = envelope.apply(http::Response::new(Bytes::from_static(b"{}")));
        assert_eq!(ok.body().as_ref(), b"{}");
        let rest = ErrorEnvelope::RestJson1.apply(Rejection::Internal("boom".into()).into_response());
        assert_eq!(rest.headers()["content-type"], "application/json");
    }
}
