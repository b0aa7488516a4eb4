//! The server side of event streams: output streams served as produced, input streams read.
//!
//! Features `server` + `event-stream`; public as `smithygen_runtime::server::event_stream`.
//! Responses whose typed events are framed as `application/vnd.amazon.eventstream` and sent as
//! they are produced, and request bodies whose events are read as they arrive
//! ([`input_stream`], SigV4 envelopes unwrapped frame by frame).
//!
//! The example is on the public path's page (`runtime/src/server/event_stream.rs`).

use super::message::{self, EVENT_STREAM_CONTENT_TYPE};
use super::{EventStreamError, Message};
use crate::server::streaming::{streaming_response, BoxError, StreamingBody};
use crate::server::{Rejection, ServerResponse};
use aws_smithy_types::body::SdkBody;
use bytes::{Bytes, BytesMut};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
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
    /// which ends the stream. The official SDK clients (and generated ones, which read as they
    /// do) report it as a response error, not a service error, its code and message in the
    /// error's text; a modeled error event ([`send_error`](Self::send_error)) is typed.
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
        Err(e) => Rejection::Internal(format!("the event stream response could not be built: {e}")).into_response(),
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
/// the server, from the request body as it arrives (see [`ServerRequest::take_body`]): each
/// SigV4-signed envelope replaced by the event frame it carries as soon as the envelope is in,
/// and the end envelope (empty payload) ending the stream, whatever follows. A client of a
/// SigV4 service signs every event that way, so its events could not be read otherwise (they
/// have no `:message-type`). The signatures are not verified: the stub verifies no SigV4.
///
/// Unsigned frames are passed on as they are, and from the first frame that cannot be decoded
/// on (a bad CRC, an impossible length) the bytes are passed on as they are too, so the
/// receiver reports that error where it is; a body that ends inside a frame leaves the partial
/// frame to the receiver likewise. A prelude that cannot be right (a frame announcing more than
/// 16 MiB, the event-stream format's limit, or less than 16 bytes, or a bad prelude CRC) is
/// passed on as soon as its bytes are in, for the receiver to refuse at once: nothing waits for
/// or buffers such a frame.
///
/// [`ServerRequest::take_body`]: crate::server::ServerRequest::take_body
pub fn input_stream(body: SdkBody) -> SdkBody {
    SdkBody::from_body_1_x(InputStream { body, unwrapper: Unwrapper::default(), failed: None, done: false })
}

/// [`input_stream`] of a body already read whole: the same frames, all at once.
pub fn input_body(body: &Bytes) -> SdkBody {
    let mut unwrapper = Unwrapper::default();
    let mut out = BytesMut::new();
    // Whole, the body is within the server's body limit: an over-long frame is left for the
    // receiver to report, as a broken one is.
    let _ = unwrapper.push(body, &mut out);
    out.extend_from_slice(&unwrapper.finish());
    SdkBody::from(out.freeze())
}

/// Signed-envelope unwrapping, fed the body chunk by chunk: what [`input_stream`] and
/// [`input_body`] share.
#[derive(Debug, Default)]
struct Unwrapper {
    /// Bytes of a frame not complete yet.
    pending: BytesMut,
    state: UnwrapState,
}

#[derive(Debug, Default, PartialEq, Eq)]
enum UnwrapState {
    /// Reading frames.
    #[default]
    Frames,
    /// A frame could not be decoded: the rest goes on as it is, for the receiver to report.
    PassThrough,
    /// The end envelope arrived: nothing more is read.
    Ended,
}

impl Unwrapper {
    /// Takes the next chunk of the body and adds to `out` what the receiver can have now
    /// (whole frames, or from a broken one on, every byte as it is).
    fn push(&mut self, chunk: &[u8], out: &mut BytesMut) -> Result<(), BoxError> {
        match self.state {
            UnwrapState::Ended => return Ok(()),
            UnwrapState::PassThrough => {
                out.extend_from_slice(chunk);
                return Ok(());
            }
            UnwrapState::Frames => {}
        }
        self.pending.extend_from_slice(chunk);
        while self.pending.len() >= 4 {
            // A prelude that cannot be right (a length over 16 MiB or under 16 bytes, a bad
            // prelude CRC): from here on the bytes go on as they are, and the receiver, which
            // checks preludes the same way, reports it at once rather than waiting for them.
            let len = match super::client::check_prelude(&self.pending) {
                Ok(Some(len)) => len,
                Ok(None) => break,
                Err(_) => {
                    self.state = UnwrapState::PassThrough;
                    out.extend_from_slice(&self.pending.split());
                    break;
                }
            };
            if self.pending.len() < len {
                break; // the rest of the frame is still to come
            }
            let frame = self.pending.split_to(len).freeze();
            let message = match aws_smithy_eventstream::frame::read_message_from(frame.clone()) {
                Ok(message) => message,
                Err(_) => {
                    self.state = UnwrapState::PassThrough;
                    out.extend_from_slice(&frame);
                    out.extend_from_slice(&self.pending.split());
                    break;
                }
            };
            if message::header(&message, message::CHUNK_SIGNATURE).is_none() {
                out.extend_from_slice(&frame);
            } else if message.payload().is_empty() {
                // The end of a signed stream.
                self.state = UnwrapState::Ended;
                self.pending.clear();
                break;
            } else {
                // The payload of an envelope is the event's frame, as the client framed it.
                out.extend_from_slice(message.payload());
            }
        }
        Ok(())
    }

    /// The body ended: a partial frame goes on as it is (the receiver reports the stream
    /// ending inside a frame).
    fn finish(&mut self) -> Bytes {
        self.pending.split().freeze()
    }

    fn ended(&self) -> bool {
        self.state == UnwrapState::Ended
    }
}

/// The body of [`input_stream`].
struct InputStream {
    body: SdkBody,
    unwrapper: Unwrapper,
    /// An error to report once the frames before it are delivered.
    failed: Option<BoxError>,
    done: bool,
}

impl http_body::Body for InputStream {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            if let Some(e) = this.failed.take() {
                return Poll::Ready(Some(Err(e)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let next = match Pin::new(&mut this.body).poll_frame(cx) {
                Poll::Ready(next) => next,
                Poll::Pending => return Poll::Pending,
            };
            let mut out = BytesMut::new();
            match next {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        if let Err(e) = this.unwrapper.push(&data, &mut out) {
                            this.failed = Some(e);
                            this.done = true;
                        }
                        this.done |= this.unwrapper.ended();
                    }
                    Err(_trailers) => continue,
                },
                Some(Err(e)) => {
                    this.failed = Some(e);
                    this.done = true;
                }
                None => {
                    this.done = true;
                    out.extend_from_slice(&this.unwrapper.finish());
                }
            }
            if !out.is_empty() {
                return Poll::Ready(Some(Ok(http_body::Frame::data(out.freeze()))));
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done && self.failed.is_none()
    }
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

/// [`serve_events`] for an RPC protocol (awsJson, rpcv2Cbor): `initial`, the
/// `initial-response` message of the output's other members ([`message::initial`]), is the
/// first frame of the body, before the producer's events.
pub fn serve_events_after<T: Send + 'static, E: Send + 'static>(
    mut head: ServerResponse,
    initial: Message,
    events: EventProducer<T, E>,
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
) -> ServerResponse {
    let (writer, body) = event_stream(marshall, marshall_error);
    tokio::spawn(async move {
        if writer.send_message(initial).await.is_ok() {
            events.run(writer).await;
        }
    });
    head.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(EVENT_STREAM_CONTENT_TYPE));
    streaming_response(head, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::event_stream::{Header, HeaderValue};
    use http_body_util::BodyExt;

    fn frame(message: &Message) -> Vec<u8> {
        let mut out = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(message, &mut out).unwrap();
        out
    }

    fn event(text: &'static str) -> Vec<u8> {
        frame(&message::event("Part", Some("text/plain"), text))
    }

    /// A SigV4 envelope around `inner` (the signature itself is not checked by the server).
    fn signed(inner: &[u8]) -> Vec<u8> {
        let envelope = Message::new(Bytes::copy_from_slice(inner))
            .add_header(Header::new(":date", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(0))))
            .add_header(Header::new(message::CHUNK_SIGNATURE, HeaderValue::ByteArray(Bytes::from_static(&[7; 32]))));
        frame(&envelope)
    }

    /// Feeds `body` in chunks of `size` bytes; returns what came out after each chunk, and at the end.
    fn feed(body: &[u8], size: usize) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut unwrapper = Unwrapper::default();
        let outs = body
            .chunks(size)
            .map(|chunk| {
                let mut out = BytesMut::new();
                unwrapper.push(chunk, &mut out).unwrap();
                out.to_vec()
            })
            .collect();
        (outs, unwrapper.finish().to_vec())
    }

    #[test]
    fn envelopes_are_unwrapped_as_they_complete_whatever_the_chunking() {
        let (one, two, three) = (event("one"), event("two"), event("three"));
        let body = [one.clone(), signed(&two), signed(&three), signed(&[]), b"after the end".to_vec()].concat();
        let expected = [one.clone(), two, three].concat();
        assert_eq!(input_body(&Bytes::from(body.clone())).bytes(), Some(&expected[..]));
        for size in [1, 3, 7, 64, body.len()] {
            let (outs, rest) = feed(&body, size);
            assert_eq!(outs.concat(), expected, "chunks of {size}");
            assert!(rest.is_empty(), "chunks of {size}");
        }
        // Byte by byte: the first event is out with its last byte, before the next one starts.
        let (outs, _) = feed(&body, 1);
        assert!(outs[..one.len() - 1].iter().all(Vec::is_empty));
        assert_eq!(outs[one.len() - 1], one);
    }

    #[test]
    fn from_a_broken_frame_on_the_bytes_go_on_as_they_are() {
        let one = event("one");
        let mut broken = signed(&event("two"));
        let last = broken.len() - 1;
        broken[last] ^= 1; // the message CRC no longer matches
        let three = signed(&event("three"));
        let body = [one.clone(), broken.clone(), three.clone()].concat();
        for size in [1, 5, body.len()] {
            let (outs, rest) = feed(&body, size);
            assert_eq!([outs.concat(), rest].concat(), body, "chunks of {size}");
        }
        assert_eq!(input_body(&Bytes::from(body.clone())).bytes(), Some(&body[..]));
        // A body ending inside a frame leaves the partial frame for the receiver.
        let cut = [one.clone(), three[..10].to_vec()].concat();
        let (outs, rest) = feed(&cut, 4);
        assert_eq!(outs.concat(), one);
        assert_eq!(rest, &three[..10]);
    }

    #[test]
    fn an_over_long_frame_is_passed_on_at_once_for_the_receiver_to_refuse() {
        let one = event("one");
        let long = (64u32 << 20).to_be_bytes().to_vec();
        let body = [one.clone(), long.clone(), vec![0; 12]].concat();
        // Its first 4 bytes are enough: nothing waits for the rest of it.
        let mut unwrapper = Unwrapper::default();
        let mut out = BytesMut::new();
        unwrapper.push(&[one.clone(), long.clone()].concat(), &mut out).unwrap();
        assert_eq!(out.to_vec(), [one.clone(), long].concat());
        let (outs, rest) = feed(&body, 3);
        assert_eq!([outs.concat(), rest].concat(), body);
        assert_eq!(input_body(&Bytes::from(body.clone())).bytes(), Some(&body[..]));
    }

    #[tokio::test]
    async fn the_stream_ends_at_the_end_envelope_while_the_body_is_still_open() {
        let (tx, rx) = mpsc::channel::<Result<http_body::Frame<Bytes>, BoxError>>(4);
        let body = http_body_util::StreamBody::new(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        }));
        let mut stream = input_stream(SdkBody::from_body_1_x(body));
        let one = event("one");
        tx.send(Ok(http_body::Frame::data(Bytes::from(signed(&one))))).await.unwrap();
        let first = stream.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(first.to_vec(), one, "the event comes out while the body is open");
        tx.send(Ok(http_body::Frame::data(Bytes::from(signed(&[]))))).await.unwrap();
        let end = tokio::time::timeout(std::time::Duration::from_secs(5), stream.frame()).await.expect("no hang");
        assert!(end.is_none(), "the end envelope ends the stream");
        drop(tx);

        // A failing body fails the stream.
        let failing = http_body_util::StreamBody::new(futures_util::stream::iter([
            Ok(http_body::Frame::data(Bytes::from(event("x")))),
            Err::<http_body::Frame<Bytes>, BoxError>("connection reset".into()),
        ]));
        let mut stream = input_stream(SdkBody::from_body_1_x(failing));
        assert!(stream.frame().await.unwrap().is_ok());
        assert!(stream.frame().await.unwrap().is_err());
    }
}
