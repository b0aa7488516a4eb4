//! The client side of event streams: receiving output streams, sending signed input streams.
//!
//! Output streams are read with [`EventReceiver`] (the restJson1 `:message-type` dispatch in
//! [`EventUnmarshaller`]), input streams sent as request bodies of SigV4-signed messages
//! ([`sender_body`], [`EventMarshaller`]) and the hand-over of the message signer from
//! aws-runtime's SigV4 signer to that body ([`hand_over_signer`]).

use super::message::{self, ERROR, EVENT, EVENT_STREAM_CONTENT_TYPE, EXCEPTION};
use super::{EventStreamError, EventStreamSender, MarshallMessage, Message, RawMessage, UnmarshallMessage, UnmarshalledMessage};
use aws_smithy_eventstream::frame::DeferredSigner;
use aws_smithy_http::event_stream::{InitialMessageType, Receiver};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::event_stream::DeferredSignerSender;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Receives typed events out of an event stream, one `recv().await` at a time: the API of the
/// official SDKs' `EventReceiver` (same name, same method, same error type), over the same
/// `aws_smithy_http::event_stream::Receiver`.
///
/// The body is read as it arrives, one frame at a time (back-pressure: nothing is read ahead
/// of the caller beyond the HTTP chunk being decoded). Results:
/// - `Ok(Some(event))`: the next event;
/// - `Ok(None)`: the stream ended cleanly (or an error was already returned);
/// - `Err(SdkError::ServiceError)`: a modeled error event (`E`, with code and message);
/// - `Err(SdkError::ResponseError)`: a broken frame, a bad CRC, a message that cannot be
///   unmarshalled, or a stream that ended inside a frame;
/// - `Err(SdkError::DispatchFailure)`: the connection failed mid-stream, or stalled-stream
///   protection cut a stalled stream.
///
/// After any error the stream is over: later calls return `Ok(None)` at once.
pub struct EventReceiver<T, E> {
    inner: Receiver<T, E>,
    finished: bool,
}

impl<T, E> fmt::Debug for EventReceiver<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReceiver").field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl<T, E> EventReceiver<T, E> {
    /// A receiver reading `body` (the HTTP response body, not buffered) with `unmarshaller`.
    pub fn new(unmarshaller: impl UnmarshallMessage<Output = T, Error = E> + Send + Sync + 'static, body: SdkBody) -> Self {
        EventReceiver { inner: Receiver::new(unmarshaller, body), finished: false }
    }

    /// Receives the next event: `Ok(None)` once the stream has ended. See the type's docs for
    /// the errors.
    pub async fn recv(&mut self) -> Result<Option<T>, SdkError<E, RawMessage>> {
        if self.finished {
            return Ok(None);
        }
        let result = self.inner.recv().await;
        if !matches!(result, Ok(Some(_))) {
            self.finished = true;
        }
        result
    }

    /// Reads the `initial-response` message if it comes first (else keeps that message for the
    /// next `recv`). Used by generated code of protocols that send one (not restJson1, whose
    /// initial response is the HTTP response).
    #[doc(hidden)]
    pub async fn try_recv_initial_response(&mut self) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        self.try_recv_initial(InitialMessageType::Response).await
    }

    /// Reads the `initial-request` message if it comes first (servers of input streams).
    #[doc(hidden)]
    pub async fn try_recv_initial_request(&mut self) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        self.try_recv_initial(InitialMessageType::Request).await
    }

    async fn try_recv_initial(&mut self, kind: InitialMessageType) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        if self.finished {
            return Ok(None);
        }
        let result = self.inner.try_recv_initial(kind).await;
        if result.is_err() {
            self.finished = true;
        }
        result
    }
}

/// Reads an event (`:message-type` `event`) of the union: `event_type` is `:event-type`, the
/// member name. Returns the union's `Unknown` variant for a name it does not know.
pub type ReadEvent<T> = fn(event_type: &str, message: &Message) -> Result<T, EventStreamError>;
/// Reads a modeled error (`:message-type` `exception`): `exception_type` is the member name;
/// `meta` holds its code and message. Returns `E::generic(meta)` for a name it does not know.
pub type ReadException<E> = fn(exception_type: &str, message: &Message, meta: ErrorMetadata) -> Result<E, EventStreamError>;

/// The restJson1 event-stream unmarshaller of one `@streaming` union, around two generated
/// functions: the `:message-type` dispatch, the error metadata and the `error` messages live
/// here. Generated code per union:
///
/// ```ignore
/// EventUnmarshaller::new(read_response_stream_event, read_response_stream_exception, ResponseStreamError::generic)
/// ```
pub struct EventUnmarshaller<T, E> {
    event: ReadEvent<T>,
    exception: ReadException<E>,
    generic: fn(ErrorMetadata) -> E,
}

impl<T, E> EventUnmarshaller<T, E> {
    /// The unmarshaller: `generic` builds the union's error for unmodeled errors (`error`
    /// messages, usually `E::generic`).
    pub fn new(event: ReadEvent<T>, exception: ReadException<E>, generic: fn(ErrorMetadata) -> E) -> Self {
        EventUnmarshaller { event, exception, generic }
    }
}

impl<T, E> fmt::Debug for EventUnmarshaller<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventUnmarshaller")
    }
}

impl<T, E> UnmarshallMessage for EventUnmarshaller<T, E> {
    type Output = T;
    type Error = E;

    fn unmarshall(&self, message: &Message) -> Result<UnmarshalledMessage<T, E>, EventStreamError> {
        let Some(message_type) = message::string(message, ":message-type") else {
            return Err(EventStreamError::unmarshalling("the message has no :message-type header"));
        };
        match message_type {
            EVENT => {
                let event_type = message::string(message, ":event-type")
                    .ok_or_else(|| EventStreamError::unmarshalling("an event message has no :event-type header"))?;
                (self.event)(event_type, message).map(UnmarshalledMessage::Event)
            }
            EXCEPTION => {
                let exception_type = message::string(message, ":exception-type")
                    .ok_or_else(|| EventStreamError::unmarshalling("an exception message has no :exception-type header"))?;
                let meta = message::error_metadata(message);
                (self.exception)(exception_type, message, meta).map(UnmarshalledMessage::Error)
            }
            ERROR => Ok(UnmarshalledMessage::Error((self.generic)(message::error_metadata(message)))),
            other => Err(EventStreamError::unmarshalling(format!("unrecognized :message-type: {other}"))),
        }
    }
}

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
/// request by [`sender_body`], its sender moved to the config bag by [`hand_over_signer`].
#[derive(Clone, Debug)]
struct EventStreamSigning(Arc<std::sync::Mutex<Option<DeferredSignerSender>>>);

impl Storable for EventStreamSigning {
    type Storer = StoreReplace<Self>;
}

impl EventStreamSigning {
    /// The sender, once: aws-runtime's SigV4 signer finds it in the config bag and hands the
    /// body its message signer (a streamed body is never sent twice).
    fn take(&self) -> Option<DeferredSignerSender> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// A stream without events: what an input stream left unset in a builder sends
/// (`EventStreamSender::from(empty_stream())`).
pub fn empty_stream<T, E>() -> impl futures_util::Stream<Item = Result<T, E>> + Send + Sync + 'static
where
    T: Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    futures_util::stream::empty()
}

/// Moves the message signer's channel of an input stream (put on `request` by
/// [`sender_body`]) into the config bag, where aws-runtime's SigV4 signer looks for it after
/// signing the request; the request serializer adapter of `invoke` calls this. Nothing happens
/// for a request without an input stream.
pub(crate) fn hand_over_signer(request: &HttpRequest, cfg: &mut ConfigBag) {
    if let Some(sender) = request.extension::<EventStreamSigning>().and_then(EventStreamSigning::take) {
        cfg.interceptor_state().store_put(sender);
    }
}
