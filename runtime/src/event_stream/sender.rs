//! The client side of input streams: request bodies of signed event messages.

use super::{EventStreamError, EventStreamSender, MarshallMessage, Message};
use aws_smithy_eventstream::frame::DeferredSigner;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use aws_smithy_types::event_stream::DeferredSignerSender;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// The media type of an event-stream body.
pub const EVENT_STREAM_CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// A [`MarshallMessage`] from a plain function: generated code passes its per-union
/// `fn(Event) -> Result<Message, EventStreamError>` (building messages with
/// [`message::event`](super::message::event) / [`message::exception`](super::message::exception)).
pub struct EventMarshaller<T> {
    marshall: fn(T) -> Result<Message, EventStreamError>,
}

impl<T> EventMarshaller<T> {
    /// The marshaller.
    pub fn new(marshall: fn(T) -> Result<Message, EventStreamError>) -> Self {
        EventMarshaller { marshall }
    }
}

impl<T> fmt::Debug for EventMarshaller<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventMarshaller")
    }
}

impl<T> MarshallMessage for EventMarshaller<T> {
    type Input = T;

    fn marshall(&self, input: T) -> Result<Message, EventStreamError> {
        (self.marshall)(input)
    }
}

/// Makes `sender` the body of `request` (generated serializers of operations with an input
/// stream call this): each event is marshalled, SigV4-signed and framed as it is produced,
/// nothing is buffered, and the stream ends with the signed empty message SigV4 requires.
/// Sets `Content-Type: application/vnd.amazon.eventstream` and removes any `Content-Length`.
///
/// The messages are signed by the client's SigV4 signer after it signs the HTTP request (each
/// message's signature chains from the request's), with `aws-sigv4`'s event-stream signing;
/// an unsigned service (no `aws.auth#sigv4`) sends them unsigned.
pub fn sender_body<T, E>(
    sender: EventStreamSender<T, E>,
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
    request: &mut HttpRequest,
) where
    T: Send + Sync + 'static,
    E: StdError + Send + Sync + 'static,
{
    let (signer, signer_sender) = DeferredSigner::new();
    let adapter = sender.into_body_stream(EventMarshaller::new(marshall), EventMarshaller::new(marshall_error), signer);
    *request.body_mut() = SdkBody::from_body_1_x(http_body_util::StreamBody::new(adapter));
    // The stream replaces a body whose length may already be on the request (`finish_request`
    // writes `Content-Length: 0` for the empty one): left there, the request would end after
    // its head. Without it the stream goes out chunked, as long as it lasts.
    request.headers_mut().remove("content-length");
    request.headers_mut().insert("content-type", EVENT_STREAM_CONTENT_TYPE);
    request.add_extension(EventStreamSigning(Arc::new(std::sync::Mutex::new(Some(signer_sender)))));
}

/// Where the SigV4 signer sends the message signer of this request's input stream: put on the
/// request by [`sender_body`], moved to the config bag by the serializer adapter.
#[derive(Clone, Debug)]
pub(crate) struct EventStreamSigning(pub(crate) Arc<std::sync::Mutex<Option<DeferredSignerSender>>>);

impl Storable for EventStreamSigning {
    type Storer = StoreReplace<Self>;
}

impl EventStreamSigning {
    /// The sender, once: aws-runtime's SigV4 signer finds it in the config bag and hands the
    /// body its message signer (a streamed body is never sent twice).
    pub(crate) fn take(&self) -> Option<DeferredSignerSender> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

