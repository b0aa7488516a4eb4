//! `aws.protocols#restJson1`: the binding rules of the protocol, each decided here once.

use super::{BindingRules, ErrorEnvelope, Routing, WireProtocol};
use crate::ir::{Binding, Http, Member, Role, TimestampFormat, Type};

/// `aws.protocols#restJson1`.
#[derive(Debug, Clone, Copy)]
pub struct RestJson1;

impl BindingRules for RestJson1 {
    fn header_timestamps(&self) -> TimestampFormat {
        TimestampFormat::HttpDate
    }

    fn uri_timestamps(&self) -> TimestampFormat {
        TimestampFormat::DateTime
    }

    /// Strings are quoted when they contain a comma or quote; http-dates never are.
    fn quotes_header_item(&self, item: &Type) -> bool {
        matches!(item, Type::String | Type::Enum(_))
    }

    /// A string with a `@mediaType` travels in a header as base64.
    fn base64_header(&self, ty: &Type, media_type: Option<&str>) -> bool {
        *ty == Type::String && media_type.is_some()
    }

    fn payload_content_type(&self, payload: &Member, _role: Role) -> String {
        let default = match &payload.ty {
            Type::Blob { .. } => "application/octet-stream",
            Type::String | Type::Enum(_) => "text/plain",
            Type::EventStream { .. } => "application/vnd.amazon.eventstream",
            _ => "application/json",
        };
        payload.media_type.clone().unwrap_or_else(|| default.to_string())
    }

    /// Blob payloads may come without a `Content-Type`.
    fn payload_content_type_optional(&self, payload: &Member) -> bool {
        matches!(payload.ty, Type::Blob { .. })
    }

    /// A blob payload without `@mediaType` is any bytes of any media type, so a server
    /// accepts every `Content-Type` and `Accept` for it (as smithy-rs servers do; the
    /// suite's RestJsonHttpPayloadTraitsWithBlobAccepts* cases).
    fn payload_any_media_type(&self, payload: &Member) -> bool {
        matches!(payload.ty, Type::Blob { .. }) && payload.media_type.is_none()
    }

    /// A client sends an unset structure payload as `{}`.
    fn unset_payload_as_empty_object(&self, payload: &Member, role: Role) -> bool {
        role == Role::Request && matches!(payload.ty, Type::Structure(_)) && payload.is_optional()
    }

    fn body_content_type(&self) -> &'static str {
        "application/json"
    }

    /// Query and label bindings mean nothing in a response or an error: such members travel
    /// in the body.
    fn in_body(&self, binding: &Binding, role: Role) -> bool {
        match binding {
            Binding::Body => true,
            Binding::Query(_) | Binding::QueryParams | Binding::Label => role != Role::Request,
            Binding::Header(_) | Binding::ResponseCode | Binding::PrefixHeaders(_) | Binding::Payload => false,
        }
    }
}

impl WireProtocol for RestJson1 {
    fn http_bindings(&self) -> bool {
        true
    }

    fn fixed_request(&self, _service: &str, _operation: &str) -> Option<Http> {
        None
    }

    fn request_headers(&self, _service: &str, _operation: &str) -> Vec<(String, String)> {
        Vec::new()
    }

    fn honours_json_name(&self) -> bool {
        true
    }

    /// A message whose members are all bound elsewhere has no body.
    fn always_has_body(&self, _role: Role) -> bool {
        false
    }

    /// `X-Amzn-ErrorType`, then the body's `code`, then `__type`.
    fn error_metadata_fn(&self) -> &'static str {
        "::smithygen_runtime::protocol::error::error_metadata"
    }

    fn routing(&self) -> Routing {
        Routing::Uri
    }

    fn error_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::RestJson1
    }
}
