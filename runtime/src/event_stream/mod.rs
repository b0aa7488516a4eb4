//! Event streams (feature `event-stream`): client side, server side and shared framing.
//!
//! Everything generated code calls for `@streaming` unions is here, in one place.
//!
//! Message framing, CRCs and the header codec are `aws-smithy-eventstream`'s and the sender is
//! `aws-smithy-http`'s, as in the official SDKs (so a generated crate's stream API and wire
//! behaviour match the official crate's by construction). The receiver is this crate's own,
//! with the official one's API and results, except that it checks each frame's prelude as soon
//! as it arrives (a frame declaring over 16 MiB is refused at once, not waited for) and reports
//! a stream cut right after a prelude as the error it is. What is added here is what generated
//! code would otherwise repeat per union:
//!
//! - [`message`] (shared by both sides): the body's media type, building messages (`event`,
//!   `exception`, `error`, `initial-request`, `initial-response`), reading their headers,
//!   unwrapping SigV4 envelopes;
//! - the client (re-exported here): [`EventReceiver`], the official `EventReceiver<T, E>` API
//!   (`recv().await`) ending cleanly after any error (never a hang, never a panic), over
//!   [`EventUnmarshaller`], the restJson1 `:message-type` dispatch (`event`, `exception`; an
//!   `error` message is refused, as the official SDKs refuse it) around small per-union
//!   functions; [`sender_body`], an
//!   [`EventStreamSender`] as a request body whose messages are SigV4-signed (chained
//!   signatures, `aws-sigv4`'s event-stream signing) by the client's SigV4 signer, through
//!   [`EventMarshaller`]; [`empty_stream`], the input stream of a builder left without one;
//! - the server (`server.rs`, with feature `server`; public as
//!   `smithygen_runtime::server::event_stream`, the path generated stubs name): output streams
//!   served as they are produced (`EventProducer`, `EventStreamWriter`, `serve_events`) and
//!   input streams read as they arrive (`input_stream`);
//! - [`Decoded`] (over [`BlobData`], which generated code implements for unions with one blob
//!   event): an output stream's data as lines, Server-Sent Events or JSON values, and
//!   `EventReceiver::into_stream`, any receiver as a `futures::Stream`;
//! - `testing` (feature `event-stream-testing`): messages from the JSON of
//!   `smithy.test#eventStreamTests` cases, for generated protocol tests.
//!
//! Client operations with a streaming output run through
//! [`invoke_streaming`](crate::client::invoke_streaming).

mod client;
mod decoded;
pub mod message;
#[cfg(feature = "server")]
pub(crate) mod server;
#[cfg(feature = "event-stream-testing")]
pub mod testing;

pub use client::{empty_stream, sender_body, sender_body_with_initial, EventMarshaller, EventReceiver, EventUnmarshaller, FrameError, MAX_FRAME_LEN, MIN_FRAME_LEN};
pub(crate) use client::hand_over_signer;
#[cfg(feature = "json-values")]
pub use decoded::JsonValues;
pub use decoded::{BlobData, Decoded, Lines, SseEvents};
pub use message::EVENT_STREAM_CONTENT_TYPE;
/// The byte-level decoders and their items, for [`Decoded`].
#[cfg(feature = "json-values")]
pub use crate::decode::JsonDecoder;
pub use crate::decode::{DecodeError, Decoder, LineDecoder, SseDecoder, SseEvent, DEFAULT_MAX_ITEM_LEN};

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
