//! Wire helpers of the protocols, shared by generated clients and servers: one module per
//! protocol where they differ ([`aws_json`]; restJson1's errors are [`error`]), and the JSON
//! body codec ([`json`]) and HTTP binding helpers ([`http`]) the JSON protocols share.
//!
//! Generated serializers and deserializers are per shape; everything here is
//! per protocol rule (how a label is escaped, how a header list is split, how
//! a float is written in JSON, where an error code comes from).

pub mod aws_json;
pub mod compression;
pub mod error;
pub mod http;
pub mod json;

use std::fmt;

/// A failure to read or write a message, with the place it happened
/// (`$.Member[2].Key`, `header X-Foo`, `label Bucket`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// Where in the message.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl WireError {
    /// A new error at `location`.
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        WireError { location: location.into(), message: message.into() }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for WireError {}

/// A fresh idempotency token (a random UUID v4): the default token of
/// [`IdempotencyTokenProvider`](crate::client::IdempotencyTokenProvider), and the value of an
/// `@idempotencyToken` member of a nested structure left unset (only top-level input members
/// take their token from the client's provider).
pub fn idempotency_token() -> String {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid().to_string()
}
