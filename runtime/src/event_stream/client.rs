//! The client side of event streams: receiving output streams, sending signed input streams.
//!
//! Output streams are read with [`EventReceiver`] (the restJson1 `:message-type` dispatch in
//! [`EventUnmarshaller`]), input streams sent as request bodies of SigV4-signed messages
//! ([`sender_body`], [`EventMarshaller`]) and the hand-over of the message signer from
//! aws-runtime's SigV4 signer to that body ([`hand_over_signer`]).

use super::message::{self, ERROR, EVENT, EXCEPTION};
use super::{EventStreamError, EventStreamSender, MarshallMessage, Message, RawMessage, UnmarshallMessage, UnmarshalledMessage};
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_sigv4::http_request::SignableBody;
use aws_smithy_eventstream::frame::DeferredSigner;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::{ConnectorError, SdkError};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::event_stream::DeferredSignerSender;
use bytes::{Bytes, BytesMut};
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Receives typed events out of an event stream, one `recv().await` at a time: the API of the
/// official SDKs' `EventReceiver` (same name, same method, same error type).
///
/// The body is read as it arrives, one frame at a time (back-pressure: nothing is read ahead
/// of the caller beyond the HTTP chunk being decoded). Frames are checked as their bytes
/// arrive: a declared length over 16 MiB or under the 16 bytes of an empty frame, or a prelude
/// whose CRC does not match, is an error as soon as the prelude is in (never waited for, never
/// buffered), and a body that ends inside a frame, even right after its prelude, is an error
/// (the official `aws-smithy-http` receiver waits for such a length and ends cleanly there).
/// Results:
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
    unmarshaller: Box<dyn UnmarshallMessage<Output = T, Error = E> + Send + Sync>,
    body: SdkBody,
    frames: FrameReader,
    /// A message read by `try_recv_initial_*` that was not the initial one: the next `recv`.
    buffered: Option<Message>,
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
        EventReceiver { unmarshaller: Box::new(unmarshaller), body, frames: FrameReader::default(), buffered: None, finished: false }
    }

    /// Receives the next event: `Ok(None)` once the stream has ended. See the type's docs for
    /// the errors.
    pub async fn recv(&mut self) -> Result<Option<T>, SdkError<E, RawMessage>> {
        if self.finished {
            return Ok(None);
        }
        let message = match self.buffered.take() {
            Some(message) => message,
            None => match self.next_message().await {
                Ok(Some(message)) => message,
                other => {
                    self.finished = true;
                    return other.map(|_| None);
                }
            },
        };
        let result = match self.unmarshaller.unmarshall(&message) {
            Ok(UnmarshalledMessage::Event(event)) => return Ok(Some(event)),
            Ok(UnmarshalledMessage::Error(error)) => Err(SdkError::service_error(error, RawMessage::Decoded(message))),
            Err(error) => Err(SdkError::response_error(error, RawMessage::Decoded(message))),
        };
        self.finished = true;
        result
    }

    /// Reads the `initial-response` message if it comes first (else keeps that message for the
    /// next `recv`). Used by generated code of protocols that send one (not restJson1, whose
    /// initial response is the HTTP response).
    #[doc(hidden)]
    pub async fn try_recv_initial_response(&mut self) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        self.try_recv_initial(message::INITIAL_RESPONSE).await
    }

    /// Reads the `initial-request` message if it comes first (servers of input streams).
    #[doc(hidden)]
    pub async fn try_recv_initial_request(&mut self) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        self.try_recv_initial(message::INITIAL_REQUEST).await
    }

    async fn try_recv_initial(&mut self, event_type: &str) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        if self.finished {
            return Ok(None);
        }
        if let Some(message) = self.buffered.take() {
            self.buffered = Some(message);
            return Ok(None);
        }
        match self.next_message().await {
            Ok(Some(message)) if message::string(&message, ":event-type") == Some(event_type) => Ok(Some(message)),
            Ok(Some(message)) => {
                self.buffered = Some(message);
                Ok(None)
            }
            Ok(None) => {
                self.finished = true;
                Ok(None)
            }
            Err(e) => {
                self.finished = true;
                Err(e)
            }
        }
    }

    /// The next whole message of the body, `None` at its clean end.
    async fn next_message(&mut self) -> Result<Option<Message>, SdkError<E, RawMessage>> {
        use http_body_util::BodyExt;
        loop {
            match self.frames.next_frame() {
                Ok(Some(frame)) => {
                    return aws_smithy_eventstream::frame::read_message_from(frame.clone())
                        .map(Some)
                        .map_err(|e| SdkError::response_error(e, RawMessage::invalid(Some(frame))));
                }
                Ok(None) => {}
                Err(e) => return Err(SdkError::response_error(e, RawMessage::invalid(Some(self.frames.take())))),
            }
            if self.frames.ended {
                if self.frames.buffer.is_empty() {
                    return Ok(None);
                }
                let partial = self.frames.take();
                return Err(SdkError::response_error(FrameError::EndedInsideFrame(partial.len()), RawMessage::invalid(Some(partial))));
            }
            match self.body.frame().await {
                None => self.frames.ended = true,
                Some(Err(e)) => return Err(SdkError::dispatch_failure(ConnectorError::io(e))),
                Some(Ok(frame)) => {
                    // Event streams carry no trailers.
                    if let Ok(data) = frame.into_data() {
                        self.frames.buffer.extend_from_slice(&data);
                    }
                }
            }
        }
    }
}

/// The largest event-stream frame (prelude, headers, payload, CRC): 16 MiB, the limit of the
/// AWS event-stream implementations.
pub const MAX_FRAME_LEN: usize = 16 * 1024 * 1024;
/// The smallest frame: the prelude (two lengths and their CRC) and the message CRC.
pub const MIN_FRAME_LEN: usize = 16;
const PRELUDE_LEN: usize = 12;

/// Why the bytes of a stream are not a frame (the source of a `ResponseError`).
#[derive(Debug)]
#[non_exhaustive]
pub enum FrameError {
    /// The prelude declares a total length over [`MAX_FRAME_LEN`].
    TooLong(u32),
    /// The prelude declares a total length under [`MIN_FRAME_LEN`].
    TooShort(u32),
    /// The prelude's CRC does not match its lengths.
    PreludeChecksum { expected: u32, actual: u32 },
    /// The headers declared do not fit in the frame.
    HeadersTooLong { headers: u32, total: u32 },
    /// The body ended inside a frame, this many bytes into it.
    EndedInsideFrame(usize),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLong(len) => write!(f, "an event frame declares {len} bytes, more than the {MAX_FRAME_LEN} a frame may have"),
            FrameError::TooShort(len) => write!(f, "an event frame declares {len} bytes, fewer than the {MIN_FRAME_LEN} of an empty frame"),
            FrameError::PreludeChecksum { expected, actual } => {
                write!(f, "the prelude checksum of an event frame does not match (expected {expected:#010x}, got {actual:#010x})")
            }
            FrameError::HeadersTooLong { headers, total } => {
                write!(f, "an event frame declares {headers} bytes of headers, more than its {total} bytes can hold")
            }
            FrameError::EndedInsideFrame(n) => write!(f, "unexpected end of stream: it ended {n} bytes into an event frame"),
        }
    }
}

impl StdError for FrameError {}

/// The frames of a body as its bytes arrive: each prelude checked as soon as it is in.
#[derive(Debug, Default)]
pub(crate) struct FrameReader {
    buffer: BytesMut,
    /// The body has ended.
    ended: bool,
}

impl FrameReader {
    /// Checks the prelude of the frame that begins the buffer as far as it has arrived (the
    /// length at 4 bytes, the rest at 12), and returns the frame once it is complete.
    fn next_frame(&mut self) -> Result<Option<Bytes>, FrameError> {
        let Some(total) = check_prelude(&self.buffer)? else { return Ok(None) };
        if self.buffer.len() < total {
            return Ok(None);
        }
        Ok(Some(self.buffer.split_to(total).freeze()))
    }

    /// Everything buffered (for the error that ends the stream).
    fn take(&mut self) -> Bytes {
        self.buffer.split().freeze()
    }
}

/// Checks the prelude at the start of `bytes` as far as it has arrived: the declared total
/// length (4 bytes), then the headers length and the prelude CRC (12 bytes). Returns the total
/// length once the first 4 bytes are in.
pub(crate) fn check_prelude(bytes: &[u8]) -> Result<Option<usize>, FrameError> {
    if bytes.len() < 4 {
        return Ok(None);
    }
    let total = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if total as usize > MAX_FRAME_LEN {
        return Err(FrameError::TooLong(total));
    }
    if (total as usize) < MIN_FRAME_LEN {
        return Err(FrameError::TooShort(total));
    }
    if bytes.len() >= PRELUDE_LEN {
        let actual = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        let expected = crc32fast::hash(&bytes[..8]);
        if actual != expected {
            return Err(FrameError::PreludeChecksum { expected, actual });
        }
        let headers = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if headers as usize > total as usize - MIN_FRAME_LEN {
            return Err(FrameError::HeadersTooLong { headers, total });
        }
    }
    Ok(Some(total as usize))
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
    /// The error metadata of an `exception` payload (`None`: not in the codec).
    metadata: fn(&[u8]) -> Option<ErrorMetadata>,
}

impl<T, E> EventUnmarshaller<T, E> {
    /// The unmarshaller: `generic` builds the union's error for unmodeled errors (`error`
    /// messages, usually `E::generic`).
    pub fn new(event: ReadEvent<T>, exception: ReadException<E>, generic: fn(ErrorMetadata) -> E) -> Self {
        EventUnmarshaller { event, exception, generic, metadata: message::json_exception_metadata }
    }

    /// The unmarshaller of a protocol whose error events are not JSON: `metadata` reads the
    /// code and message of an `exception` payload (rpcv2Cbor's
    /// `protocol::rpcv2_cbor::exception_metadata`).
    pub fn with_exception_metadata(mut self, metadata: fn(&[u8]) -> Option<ErrorMetadata>) -> Self {
        self.metadata = metadata;
        self
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
        // The headers the official SDKs' unmarshallers read first (`parse_response_headers`):
        // `:message-type` required, `:content-type` a string when present.
        let Some(message_type) = message::string(message, ":message-type") else {
            return Err(EventStreamError::unmarshalling("expected response to include :message-type header (a string), but it was missing"));
        };
        if message::header(message, ":content-type").is_some() && message::string(message, ":content-type").is_none() {
            return Err(EventStreamError::unmarshalling("expected response :content-type header to be string"));
        }
        match message_type {
            EVENT => {
                let event_type = message::string(message, ":event-type")
                    .ok_or_else(|| EventStreamError::unmarshalling("an event message has no :event-type header"))?;
                (self.event)(event_type, message).map(UnmarshalledMessage::Event)
            }
            EXCEPTION => {
                let exception_type = message::string(message, ":exception-type")
                    .ok_or_else(|| EventStreamError::unmarshalling("an exception message has no :exception-type header"))?;
                // As the official SDKs: the code and message come from the JSON payload (not
                // from `:exception-type`), and a payload that is not JSON is an unhandled error
                // without either, whatever the type.
                match (self.metadata)(message.payload()) {
                    Some(meta) => (self.exception)(exception_type, message, meta).map(UnmarshalledMessage::Error),
                    None => Ok(UnmarshalledMessage::Error((self.generic)(ErrorMetadata::default()))),
                }
            }
            // The official SDKs do not read unmodeled `error` messages: a response error, whose
            // text carries `:error-code` and `:error-message`.
            ERROR => Err(EventStreamError::unmarshalling(message::error_message_text(message))),
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
/// Sets `Content-Type` to `content_type` (the protocol's: restJson1 and rpcv2Cbor say
/// `application/vnd.amazon.eventstream`, awsJson keeps its JSON media type) and removes any
/// `Content-Length`.
///
/// The messages are signed by the client's SigV4 signer after it signs the HTTP request (each
/// message's signature chains from the request's), with `aws-sigv4`'s event-stream signing;
/// an unsigned service (no `aws.auth#sigv4`) sends them unsigned.
pub fn sender_body<T, E>(
    sender: EventStreamSender<T, E>,
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
    content_type: &'static str,
    request: &mut HttpRequest,
) where
    T: Send + Sync + 'static,
    E: StdError + Send + Sync + 'static,
{
    let (signer, signer_sender) = DeferredSigner::new();
    let adapter = sender.into_body_stream(EventMarshaller::new(marshall), EventMarshaller::new(marshall_error), signer);
    install_stream_body(request, SdkBody::from_body_1_x(http_body_util::StreamBody::new(adapter)), signer_sender, content_type);
}

/// Puts the framed stream `body` on `request` as its body, with its `Content-Type`, and hands
/// the request's message signer over (see [`hand_over_signer`]).
fn install_stream_body(request: &mut HttpRequest, body: SdkBody, signer_sender: DeferredSignerSender, content_type: &'static str) {
    *request.body_mut() = body;
    // The stream replaces a body whose length may already be on the request (`finish_request`
    // writes `Content-Length: 0` for the empty one): left there, the request would end after
    // its head. Without it the stream goes out chunked, as long as it lasts.
    request.headers_mut().remove("content-length");
    request.headers_mut().insert("content-type", content_type);
    request.add_extension(EventStreamSigning(Arc::new(std::sync::Mutex::new(Some(signer_sender)))));
}

/// [`sender_body`] for an RPC protocol (awsJson, rpcv2Cbor): `initial`, the `initial-request`
/// message of the input's other members ([`message::initial`]), goes first, signed and framed
/// like the events after it (as the official SDKs send it, through `EventOrInitial`).
pub fn sender_body_with_initial<T, E>(
    sender: EventStreamSender<T, E>,
    initial: Message,
    marshall: fn(T) -> Result<Message, EventStreamError>,
    marshall_error: fn(E) -> Result<Message, EventStreamError>,
    content_type: &'static str,
    request: &mut HttpRequest,
) where
    T: Send + Sync + 'static,
    E: StdError + Send + Sync + 'static,
{
    use aws_smithy_http::event_stream::{EventOrInitial, EventOrInitialMarshaller};
    use futures_util::StreamExt;
    let events = sender.into_inner().map(|item| item.map(EventOrInitial::Event));
    // Fused: the adapter polls again after the end (to send the end signal), which a stream
    // such as `unfold` does not allow.
    let stream = futures_util::stream::once(async move { Ok(EventOrInitial::InitialMessage(initial)) }).chain(events).fuse();
    let (signer, signer_sender) = DeferredSigner::new();
    let adapter = EventStreamSender::from(stream).into_body_stream(
        EventOrInitialMarshaller::new(EventMarshaller::new(marshall)),
        EventMarshaller::new(marshall_error),
        signer,
    );
    install_stream_body(request, SdkBody::from_body_1_x(http_body_util::StreamBody::new(adapter)), signer_sender, content_type);
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
/// signing the request; the request serializer adapter of `invoke` calls this. It also signs
/// the request over the empty payload, as the official SDK crates sign a request whose body is
/// an input event stream (`payload_override = SignableBody::Bytes(&[])` in their operation's
/// `SigV4OperationSigningConfig`) rather than as `UNSIGNED-PAYLOAD`: the request signature is
/// the seed of every event's, so both must match for the events to. Nothing happens for a
/// request without an input stream.
pub(crate) fn hand_over_signer(request: &HttpRequest, cfg: &mut ConfigBag) {
    if let Some(sender) = request.extension::<EventStreamSigning>().and_then(EventStreamSigning::take) {
        cfg.interceptor_state().store_put(sender);
        if let Some(mut signing) = cfg.load::<SigV4OperationSigningConfig>().cloned() {
            signing.signing_options.payload_override = Some(SignableBody::Bytes(&[]));
            cfg.interceptor_state().store_put(signing);
        }
    }
}
