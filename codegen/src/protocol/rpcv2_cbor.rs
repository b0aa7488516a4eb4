//! `smithy.protocols#rpcv2Cbor` (Smithy RPC v2 CBOR): RPC over HTTP with CBOR bodies.
//!
//! Every operation is `POST /service/{Service}/operation/{Operation}` (the shape names, without
//! namespace); every request carries `smithy-protocol: rpc-v2-cbor` and
//! `Accept: application/cbor`, and a request with a body `Content-Type: application/cbor`. An
//! operation without modeled input (`smithy.api#Unit`) sends no body and no `Content-Type`; a
//! modeled input with nothing set sends the empty map. Every member travels in the body, keyed
//! by its member name (no `@jsonName`, no `@http*`, no `@timestampFormat`: timestamps are always
//! tag 1 over epoch seconds). Documents are not part of the protocol. Errors name their shape in
//! the body's `__type`; an `awsQueryCompatible` service also gives the awsQuery code in
//! `x-amzn-query-error` (and its clients send `x-amzn-query-mode: true`), as for awsJson1_0.
//! Servers route by the path. An event stream is the whole body (`application/vnd.amazon.eventstream`,
//! which a client of an output stream also sends as `Accept`); the other members travel in its
//! `initial-request` / `initial-response` event and every event payload is CBOR.

use super::{BindingRules, BodyCodec, ErrorEnvelope, Routing, WireProtocol, EVENT_STREAM_CONTENT_TYPE};
use crate::ir::{Binding, Http, Member, PathSegment, Role, TimestampFormat, Type};

/// rpcv2Cbor, and whether the service is awsQuery-compatible.
#[derive(Debug, Clone, Copy)]
pub struct RpcV2Cbor {
    /// `aws.protocols#awsQueryCompatible`.
    query_compatible: bool,
}

/// `smithy.protocols#rpcv2Cbor`.
pub static RPC_V2_CBOR: RpcV2Cbor = RpcV2Cbor { query_compatible: false };
/// `smithy.protocols#rpcv2Cbor` with `aws.protocols#awsQueryCompatible`.
pub static RPC_V2_CBOR_QUERY_COMPATIBLE: RpcV2Cbor = RpcV2Cbor { query_compatible: true };

/// The media type of every body.
pub const CONTENT_TYPE: &str = "application/cbor";

impl BindingRules for RpcV2Cbor {
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

    /// Only an event stream is ever a payload (the whole body), in either direction
    /// `application/vnd.amazon.eventstream` (smithy-rs's `RpcV2Cbor` protocol says the same).
    fn payload_content_type(&self, _payload: &Member, _role: Role) -> String {
        EVENT_STREAM_CONTENT_TYPE.to_string()
    }

    fn payload_content_type_optional(&self, _payload: &Member) -> bool {
        false
    }

    fn unset_payload_as_empty_object(&self, _payload: &Member, _role: Role) -> bool {
        false
    }

    fn body_content_type(&self) -> &'static str {
        CONTENT_TYPE
    }

    /// Every member travels in the body.
    fn in_body(&self, _binding: &Binding, _role: Role) -> bool {
        true
    }
}

impl WireProtocol for RpcV2Cbor {
    fn http_bindings(&self) -> bool {
        false
    }

    fn fixed_request(&self, service: &str, operation: &str) -> Option<Http> {
        let uri = format!("/service/{service}/operation/{operation}");
        Some(Http {
            method: "POST".into(),
            path: vec![PathSegment::Literal(uri.clone())],
            query_literals: Vec::new(),
            code: 200,
            uri,
        })
    }

    fn request_headers(&self, _service: &str, _operation: &str) -> Vec<(String, String)> {
        let mut headers = vec![
            ("smithy-protocol".to_string(), "rpc-v2-cbor".to_string()),
            ("Accept".to_string(), CONTENT_TYPE.to_string()),
        ];
        if self.query_compatible {
            headers.push(("x-amzn-query-mode".to_string(), "true".to_string()));
        }
        headers
    }

    fn honours_json_name(&self) -> bool {
        false
    }

    /// Every message with modeled members is a CBOR map, the empty one at least (a client also
    /// reads an empty body as one).
    fn always_has_body(&self, _role: Role) -> bool {
        true
    }

    fn error_metadata_fn(&self) -> &'static str {
        if self.query_compatible {
            "::smithygen_runtime::protocol::rpcv2_cbor::query_compatible_error_metadata"
        } else {
            "::smithygen_runtime::protocol::rpcv2_cbor::error_metadata"
        }
    }

    fn routing(&self) -> Routing {
        Routing::ServiceOperationPath
    }

    fn error_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::RpcV2Cbor
    }

    fn body_codec(&self) -> BodyCodec {
        BodyCodec::Cbor
    }

    fn unit_input_has_body(&self) -> bool {
        false
    }

    fn supports_documents(&self) -> bool {
        false
    }

    fn initial_messages(&self) -> bool {
        true
    }

    /// Event payloads are CBOR too.
    fn event_content_type(&self) -> &'static str {
        CONTENT_TYPE
    }

    /// `__type` in the CBOR body.
    fn server_error_response_fn(&self) -> &'static str {
        "::smithygen_runtime::protocol::rpcv2_cbor::server_error_response"
    }

    fn runtime_feature(&self) -> Option<&'static str> {
        Some("rpcv2-cbor")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_line_names_service_and_operation() {
        let http = RPC_V2_CBOR.fixed_request("Svc", "GetThing").unwrap();
        assert_eq!((http.method.as_str(), http.uri.as_str()), ("POST", "/service/Svc/operation/GetThing"));
        let headers = RPC_V2_CBOR_QUERY_COMPATIBLE.request_headers("Svc", "GetThing");
        assert!(headers.contains(&("x-amzn-query-mode".into(), "true".into())));
        assert!(!RPC_V2_CBOR.request_headers("Svc", "GetThing").iter().any(|(n, _)| n == "x-amzn-query-mode"));
    }
}
