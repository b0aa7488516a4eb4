//! Event streams (feature `event-stream`): what generated code calls for `@streaming` unions.
//!
//! Framing, CRCs and the header codec are `aws-smithy-eventstream`'s; the client-side receiver
//! and sender are `aws-smithy-http`'s, as in the official SDKs (so a generated crate's stream
//! API and wire behaviour match the official crate's by construction). What is added here is
//! what generated code would otherwise repeat per union:
//!
//! - [`EventReceiver`]: the official `EventReceiver<T, E>` API (`recv().await`), ending cleanly
//!   after any error (never a hang, never a panic);
//! - [`EventUnmarshaller`]: the restJson1 `:message-type` dispatch (`event`, `exception`,
//!   `error`) around three small per-union functions;
//! - [`EventMarshaller`]: the other direction, for input streams (client) and output streams
//!   (server);
//! - [`message`]: building messages (`event`, `exception`, `error`, `initial-request`,
//!   `initial-response`) and reading their headers;
//! - [`sender_body`]: an [`EventStreamSender`] as a request body whose messages are SigV4-signed
//!   (chained signatures, `aws-sigv4`'s event-stream signing) by the client's SigV4 signer;
//! - [`testing`]: messages from the JSON of `smithy.test#eventStreamTests` cases.
//!
//! Client operations with a streaming output run through
//! [`invoke_streaming`](crate::client::invoke_streaming); servers answer with
//! [`crate::server::event_stream`] (features `server` + `event-stream`).

pub mod message;
mod receiver;
mod sender;
pub mod testing;

pub use receiver::{EventReceiver, EventUnmarshaller};

/// A stream without events: what an input stream left unset in a builder sends
/// (`EventStreamSender::from(empty_stream())`).
pub fn empty_stream<T, E>() -> impl futures_util::Stream<Item = Result<T, E>> + Send + Sync + 'static
where
    T: Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    futures_util::stream::empty()
}
pub use sender::{sender_body, EventMarshaller, EVENT_STREAM_CONTENT_TYPE};
pub(crate) use sender::EventStreamSigning;

/// The official SDKs' input-stream type, re-exported: generated input members of event-stream
/// type are `EventStreamSender<Event, Error>`, built `From` any `Stream<Item = Result<Event, Error>>`.
pub use aws_smithy_http::event_stream::EventStreamSender;
/// Event-stream types generated code names: messages, headers and their values.
pub use aws_smithy_types::event_stream::{Header, HeaderValue, Message, RawMessage};
/// The (un)marshalling interface and result, and the framing error type.
pub use aws_smithy_eventstream::frame::{MarshallMessage, UnmarshallMessage, UnmarshalledMessage};
/// Errors of (un)marshalling and framing (`Error::unmarshalling("...")` in generated code).
pub use aws_smithy_eventstream::error::Error as EventStreamError;
/// The crates themselves, so generated crates need no direct dependency on them.
pub use {aws_smithy_eventstream, aws_smithy_http};
