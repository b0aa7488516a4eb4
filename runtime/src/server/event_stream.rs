//! Event-stream responses (features `server` + `event-stream`): a handler's typed events
//! framed as `application/vnd.amazon.eventstream` and sent as they are produced.
//!
//! ```no_run
//! # use smithygen_runtime::event_stream::{message, EventStreamError, Message};
//! # use smithygen_runtime::server::event_stream::{event_stream, event_stream_response};
//! # #[derive(Debug)] enum Ev { Part(Vec<u8>) }
//! # #[derive(Debug)] struct Err;
//! fn marshall(e: Ev) -> Result<Message, EventStreamError> {
//!     let Ev::Part(bytes) = e;
//!     Ok(message::event("PayloadPart", Some("application/octet-stream"), bytes))
//! }
//! fn marshall_error(_: Err) -> Result<Message, EventStreamError> {
//!     Ok(message::exception("ModelStreamError", r#"{"Message":"boom"}"#))
//! }
//! # async fn handler() -> smithygen_runtime::server::ServerResponse {
//! let (writer, body) = event_stream(marshall, marshall_error);
//! tokio::spawn(async move {
//!     for part in [b"a".to_vec(), b"b".to_vec()] {
//!         if writer.send(Ev::Part(part)).await.is_err() {
//!             return; // the client went away
//!         }
//!     }
//! });
//! event_stream_response(http::Response::builder().status(200), body)
//! # }
//! ```

use super::streaming::{streaming_response, BoxError, StreamingBody};
use super::ServerResponse;
use crate::event_stream::{message, EventStreamError, Message, EVENT_STREAM_CONTENT_TYPE};
use bytes::Bytes;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc;

/// Why an event was not sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The client went away (or the stream was already ended): stop producing.
    Closed,
    /// The event could not be marshalled; nothing was sent.
    Marshall(EventStreamError),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Closed => f.write_str("the event stream is closed: the client went away"),
            SendError::Marshall(e) => write!(f, "the event could not be marshalled: {e}"),
        }
    }
}

impl std::error::Error for SendError {}

/// The handler's end of an event-stream response: events go out one frame each, in order, as
/// they are sent; dropping the writer ends the stream cleanly.
pub struct EventStreamWriter<T, E> {
    tx: mpsc::Sender<Result<Bytes, BoxError>>,
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
}

impl<T, E> fmt::Debug for EventStreamWriter<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamWriter").field("closed", &self.tx.is_closed()).finish()
    }
}

impl<T, E> EventStreamWriter<T, E> {
    /// Sends an event (waits while the client is slower than the producer).
    pub async fn send(&self, event: T) -> Result<(), SendError> {
        let message = (self.marshall)(event).map_err(SendError::Marshall)?;
        self.send_message(message).await
    }

    /// Sends a modeled error of the stream (an `exception` message), which ends it.
    pub async fn send_error(self, error: E) -> Result<(), SendError> {
        let message = (self.marshall_error)(error).map_err(SendError::Marshall)?;
        self.send_message(message).await
    }

    /// Sends an unmodeled error (an `error` message with `:error-code` and `:error-message`),
    /// which ends the stream.
    pub async fn fail(self, code: &str, text: &str) -> Result<(), SendError> {
        self.send_message(message::error(code, text)).await
    }

    /// Sends a message as is: an `initial-response` ([`message::initial`]) of protocols that
    /// send one, or anything a test needs.
    pub async fn send_message(&self, message: Message) -> Result<(), SendError> {
        let mut frame = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(&message, &mut frame).map_err(SendError::Marshall)?;
        self.send_bytes(Bytes::from(frame)).await
    }

    /// Sends raw bytes (tests: a broken frame, a bad CRC, a frame in several chunks).
    pub async fn send_bytes(&self, bytes: Bytes) -> Result<(), SendError> {
        self.tx.send(Ok(bytes)).await.map_err(|_| SendError::Closed)
    }

    /// Drops the connection mid-stream, without a clean end (a failed upstream, tests).
    pub async fn abort(self, reason: impl Into<BoxError>) {
        let _ = self.tx.send(Err(reason.into())).await;
    }

    /// Whether the client went away.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// A writer and the body it feeds: `marshall` and `marshall_error` are the union's generated
/// marshallers (events, modeled errors). Events are framed as they are sent; one frame at a
/// time waits for the client (back-pressure).
pub fn event_stream<T, E>(
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
) -> (EventStreamWriter<T, E>, StreamingBody) {
    let (tx, body) = StreamingBody::channel(1);
    (EventStreamWriter { tx, marshall, marshall_error }, body)
}

/// The response serving `body`: `response` holds the status and the output's HTTP-bound
/// members (restJson1's initial response); `Content-Type` is set to
/// `application/vnd.amazon.eventstream`. Builder errors (an invalid header) become a 500.
pub fn event_stream_response(response: http::response::Builder, body: StreamingBody) -> ServerResponse {
    match response.header(http::header::CONTENT_TYPE, EVENT_STREAM_CONTENT_TYPE).body(Bytes::new()) {
        Ok(response) => streaming_response(response, body),
        Err(e) => super::Rejection::Internal(format!("the event stream response could not be built: {e}")).into_response(),
    }
}

type ProduceFn<T, E> = Box<dyn FnOnce(EventStreamWriter<T, E>) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// What produces the events of an output stream: a generated server's handler returns it
/// beside the output's HTTP-bound members. The stub sends the status and headers first, then
/// runs the producer (in a task of its own) with the response body's writer, so the first
/// event goes out before the last one exists. The stream ends cleanly when the producer
/// returns (or drops the writer).
pub struct EventProducer<T, E>(ProduceFn<T, E>);

impl<T, E> fmt::Debug for EventProducer<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventProducer")
    }
}

impl<T: Send + 'static, E: Send + 'static> EventProducer<T, E> {
    /// A producer writing through the writer it is given: `send` events, `send_error` a
    /// modeled error event, `fail` an unmodeled one, `abort` to drop the connection.
    pub fn new<F, Fut>(produce: F) -> Self
    where
        F: FnOnce(EventStreamWriter<T, E>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        EventProducer(Box::new(move |writer| Box::pin(produce(writer))))
    }

    /// A producer sending the items of `stream` as they come: `Ok` as events, the first `Err`
    /// as a modeled error event, which ends the stream.
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: futures_util::Stream<Item = Result<T, E>> + Send + 'static,
    {
        EventProducer::new(move |writer| async move {
            use futures_util::StreamExt;
            let mut stream = std::pin::pin!(stream);
            while let Some(item) = stream.next().await {
                let sent = match item {
                    Ok(event) => writer.send(event).await,
                    Err(error) => {
                        let _ = writer.send_error(error).await;
                        return;
                    }
                };
                if sent.is_err() {
                    return; // the client went away, or the event could not be marshalled
                }
            }
        })
    }

    /// A producer of the given items, in order: `Ok` as events, the first `Err` as an error
    /// event (a modeled one, or an `error` message for the union error's `Unhandled`), which
    /// ends the stream.
    pub fn items(items: Vec<Result<T, E>>) -> Self {
        Self::from_stream(futures_util::stream::iter(items))
    }

    /// A producer of the given events, in order.
    pub fn events(events: impl IntoIterator<Item = T, IntoIter: Send + 'static>) -> Self {
        Self::from_stream(futures_util::stream::iter(events.into_iter().map(Ok)))
    }

    /// A stream that ends at once (no events).
    pub fn empty() -> Self {
        EventProducer::new(|_writer| async {})
    }

    /// Runs the producer with `writer` until it is done.
    pub async fn run(self, writer: EventStreamWriter<T, E>) {
        (self.0)(writer).await
    }
}

/// The body an input stream's [`EventReceiver`](crate::event_stream::EventReceiver) reads on
/// the server: the request body with each SigV4-signed envelope replaced by the event frame it
/// carries, and the end envelope (empty payload) and anything after it dropped. A client of a
/// SigV4 service signs every event that way, so its events could not be read as they arrive
/// (they have no `:message-type`). The signatures are not verified: the stub verifies no SigV4.
///
/// Unsigned frames are kept as they are, and from the first frame that cannot be decoded on
/// (a bad CRC, a truncated frame) the bytes are kept as they are too, so the receiver reports
/// that error where it is.
pub fn input_body(body: &Bytes) -> aws_smithy_types::body::SdkBody {
    use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
    let mut out = Vec::with_capacity(body.len());
    let mut rest: &[u8] = body;
    let mut decoder = MessageFrameDecoder::new();
    while !rest.is_empty() {
        let before = rest;
        let message = match decoder.decode_frame(&mut rest) {
            Ok(DecodedFrame::Complete(message)) => message,
            Ok(DecodedFrame::Incomplete) | Err(_) => {
                out.extend_from_slice(before);
                break;
            }
        };
        let frame = &before[..before.len() - rest.len()];
        if message::header(&message, message::CHUNK_SIGNATURE).is_none() {
            out.extend_from_slice(frame);
        } else if message.payload().is_empty() {
            break; // the end of a signed stream
        } else {
            // The payload of an envelope is the event's frame, as the client framed it.
            out.extend_from_slice(message.payload());
        }
    }
    aws_smithy_types::body::SdkBody::from(out)
}

/// The response of an output event stream: `head` (the output's status and HTTP-bound
/// members, from the generated `ser_response`) with an event-stream body fed by `events` in a
/// task of its own, so the headers go out before the first event exists.
pub fn serve_events<T: Send + 'static, E: Send + 'static>(
    mut head: ServerResponse,
    events: EventProducer<T, E>,
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
) -> ServerResponse {
    let (writer, body) = event_stream(marshall, marshall_error);
    tokio::spawn(events.run(writer));
    head.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(EVENT_STREAM_CONTENT_TYPE));
    streaming_response(head, body)
}
