//! `aws.protocols#restJson1`: the binding rules of the protocol, each decided here once.

use super::BindingRules;
use crate::ir::{Binding, Member, Structure, TimestampFormat, Type};

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

    fn payload_content_type(&self, payload: &Member) -> String {
        let default = match &payload.ty {
            Type::Blob { .. } => "application/octet-stream",
            Type::String | Type::Enum(_) => "text/plain",
            Type::EventStream { .. } => "application/vnd.amazon.eventstream",
            _ => "application/json",
        };
        payload.media_type.clone().unwrap_or_else(|| default.to_string())
    }

    fn body_content_type(&self) -> &'static str {
        "application/json"
    }

    /// Blob payloads may come without a `Content-Type`.
    fn body_media_type(&self, message: &Structure) -> Option<(String, bool)> {
        if let Some(p) = message.members.iter().find(|m| m.binding == Binding::Payload) {
            return Some((self.payload_content_type(p), matches!(p.ty, Type::Blob { .. })));
        }
        message
            .members
            .iter()
            .any(|m| m.binding == Binding::Body)
            .then(|| (self.body_content_type().to_string(), false))
    }
}
