//! `aws.protocols#awsJson1_0` and `aws.protocols#awsJson1_1`: RPC over HTTP with JSON bodies.
//!
//! Every operation is `POST /` with `X-Amz-Target: {Service}.{Operation}` and
//! `Content-Type: application/x-amz-json-1.0` (or `1.1`); every member travels in the JSON
//! body whatever its `@http*` traits say, under its member name (`@jsonName` is restJson1's);
//! an input with nothing to send still sends `{}`. The body codec is restJson1's (timestamps as
//! epoch seconds, blobs as base64). Errors name their shape in the `X-Amzn-ErrorType` header or
//! the body's `__type` / `code`; a service with `awsQueryCompatible` (awsJson1_0 only, as in
//! smithy-rs) also gives the awsQuery code in `x-amzn-query-error: Code;Fault`, and its clients
//! say so with `x-amzn-query-mode: true`. Servers route by `X-Amz-Target`. An event stream is
//! the whole body (a request keeps this protocol's `Content-Type`, a response says
//! `application/vnd.amazon.eventstream`); the other members travel in its `initial-request` /
//! `initial-response` event (`:content-type` this protocol's), events with a structure payload
//! are JSON.

use super::{BindingRules, ErrorEnvelope, Routing, WireProtocol, EVENT_STREAM_CONTENT_TYPE};
use crate::ir::{Binding, Http, Member, PathSegment, Role, TimestampFormat, Type};

/// awsJson1_0 or awsJson1_1 (they differ in the `Content-Type` alone), and whether the
/// service is awsQuery-compatible.
#[derive(Debug, Clone, Copy)]
pub struct AwsJson {
    /// `1.0` or `1.1`.
    version: &'static str,
    /// `aws.protocols#awsQueryCompatible`.
    query_compatible: bool,
}

/// `aws.protocols#awsJson1_0`.
pub static AWS_JSON_1_0: AwsJson = AwsJson { version: "1.0", query_compatible: false };
/// `aws.protocols#awsJson1_0` with `aws.protocols#awsQueryCompatible`.
pub static AWS_JSON_1_0_QUERY_COMPATIBLE: AwsJson = AwsJson { version: "1.0", query_compatible: true };
/// `aws.protocols#awsJson1_1`.
pub static AWS_JSON_1_1: AwsJson = AwsJson { version: "1.1", query_compatible: false };

/// The header naming the operation.
pub const TARGET_HEADER: &str = "X-Amz-Target";

impl BindingRules for AwsJson {
    // No member is bound to a header, label or query: these rules are never asked, and answer
    // as restJson1 would.
    fn header_timestamps(&self) -> TimestampFormat {
        TimestampFormat::HttpDate
    }

    fn uri_timestamps(&self) -> TimestampFormat {
        TimestampFormat::DateTime
    }

    fn quotes_header_item(&self, _item: &Type) -> bool {
        false
    }

    fn base64_header(&self, _ty: &Type, _media_type: Option<&str>) -> bool {
        false
    }

    /// Only an event stream is ever a payload (the whole body). A request that is one keeps the
    /// protocol's JSON `Content-Type`, as every official SDK sends it (smithy-rs's awsJson
    /// binding resolver has one request content type; the Java SDK copies it into the
    /// `initial-request` event); a response is labelled as the event stream it is.
    fn payload_content_type(&self, _payload: &Member, role: Role) -> String {
        match role {
            Role::Request => self.body_content_type().to_string(),
            Role::Response | Role::Error => EVENT_STREAM_CONTENT_TYPE.to_string(),
        }
    }

    fn payload_content_type_optional(&self, _payload: &Member) -> bool {
        false
    }

    fn unset_payload_as_empty_object(&self, _payload: &Member, _role: Role) -> bool {
        false
    }

    fn body_content_type(&self) -> &'static str {
        match self.version {
            "1.0" => "application/x-amz-json-1.0",
            _ => "application/x-amz-json-1.1",
        }
    }

    /// Every member travels in the body.
    fn in_body(&self, _binding: &Binding, _role: Role) -> bool {
        true
    }
}

impl WireProtocol for AwsJson {
    fn http_bindings(&self) -> bool {
        false
    }

    fn fixed_request(&self, _service: &str, _operation: &str) -> Option<Http> {
        Some(Http {
            method: "POST".into(),
            path: vec![PathSegment::Literal("/".into())],
            query_literals: Vec::new(),
            code: 200,
            uri: "/".into(),
        })
    }

    fn request_headers(&self, service: &str, operation: &str) -> Vec<(String, String)> {
        let mut headers = vec![(TARGET_HEADER.to_string(), format!("{service}.{operation}"))];
        if self.query_compatible {
            headers.push(("x-amzn-query-mode".to_string(), "true".to_string()));
        }
        headers
    }

    fn honours_json_name(&self) -> bool {
        false
    }

    /// Every message is a JSON document, `{}` at least (a client also reads an empty body
    /// as one).
    fn always_has_body(&self, _role: Role) -> bool {
        true
    }

    fn error_metadata_fn(&self) -> &'static str {
        if self.query_compatible {
            "::smithygen_runtime::protocol::aws_json::query_compatible_error_metadata"
        } else {
            "::smithygen_runtime::protocol::aws_json::error_metadata"
        }
    }

    fn routing(&self) -> Routing {
        Routing::TargetHeader(TARGET_HEADER)
    }

    fn error_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::AwsJson(self.body_content_type())
    }

    /// The members beside an event stream travel in `initial-request` / `initial-response`
    /// (whose `:content-type` is the protocol's, as the official SDKs write it); events with a
    /// structure payload say `application/json`.
    fn initial_messages(&self) -> bool {
        true
    }
}
