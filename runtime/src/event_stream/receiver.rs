//! The client side of output streams: [`EventReceiver`] and [`EventUnmarshaller`].

use super::message::{self, ERROR, EVENT, EXCEPTION};
use super::{EventStreamError, Message, RawMessage, UnmarshallMessage, UnmarshalledMessage};
use aws_smithy_http::event_stream::{InitialMessageType, Receiver};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::ErrorMetadata;
use std::fmt;

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
