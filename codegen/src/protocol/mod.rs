//! Protocol binding rules: what a wire protocol decides for each member and message, asked
//! by the client and server emitters alike so that the two render one decision.
//!
//! [`rules`] gives the rules of a service's [`Protocol`]; a second
//! protocol implements [`BindingRules`] beside [`rest_json1`].

pub mod rest_json1;

use crate::ir::{Member, Protocol, Structure, TimestampFormat, Type};

/// The binding rules of one HTTP protocol.
pub trait BindingRules {
    /// The timestamp format of a value in a header, absent `@timestampFormat`.
    fn header_timestamps(&self) -> TimestampFormat;
    /// The timestamp format of a value in a URI label or query, absent `@timestampFormat`.
    fn uri_timestamps(&self) -> TimestampFormat;
    /// The timestamp format of `m` in a header (its own format first).
    fn header_timestamp(&self, m: &Member) -> TimestampFormat {
        m.timestamp_format.unwrap_or(self.header_timestamps())
    }
    /// The timestamp format of `m` in a URI label or query (its own format first).
    fn uri_timestamp(&self, m: &Member) -> TimestampFormat {
        m.timestamp_format.unwrap_or(self.uri_timestamps())
    }
    /// Whether an item of a header list is quoted when it holds a comma or a quote.
    fn quotes_header_item(&self, item: &Type) -> bool;
    /// The `Content-Type` of an `@httpPayload` member: its `@mediaType`, else the default.
    fn payload_content_type(&self, payload: &Member) -> String;
    /// The `Content-Type` of a body made of several members.
    fn body_content_type(&self) -> &'static str;
    /// The media type of a message's body, and whether the body may come without a
    /// `Content-Type`; `None` when the message has no body.
    fn body_media_type(&self, message: &Structure) -> Option<(String, bool)>;
}

/// The binding rules of `protocol`.
pub fn rules(protocol: &Protocol) -> &'static dyn BindingRules {
    match protocol {
        Protocol::RestJson1 => &rest_json1::RestJson1,
    }
}
