//! An output stream's blob data decoded into lines, Server-Sent Events or JSON values, and any
//! `EventReceiver` as a `futures::Stream`.
//!
//! Generated code implements [`BlobData`] for every streamed union that has one event carrying
//! a blob (which event and member is the model's, decided by the generator); the decoding and
//! the stream adapters are here, once, for every generated crate.

use super::{EventReceiver, RawMessage};
#[cfg(feature = "json-values")]
use crate::decode::JsonDecoder;
use crate::decode::{DecodeError, Decoder, LineDecoder, SseDecoder};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::Blob;
use futures_util::Stream;
use std::collections::VecDeque;
use std::fmt;

/// An event of a streamed union whose data is a blob: generated for unions with exactly one
/// such event (SageMaker Runtime's `ResponseStream::PayloadPart`'s `Bytes`).
pub trait BlobData {
    /// The event's data, `None` for the union's other events (which decoding skips).
    fn into_blob_data(self) -> Option<Blob>;
}

impl<T, E> EventReceiver<T, E> {
    /// This receiver as a [`Stream`] of `recv()`'s results (ending where `recv()` returns
    /// `Ok(None)`, after any error), so `futures::StreamExt` combinators work on it.
    pub fn into_stream(self) -> impl Stream<Item = Result<T, SdkError<E, RawMessage>>> {
        futures_util::stream::unfold(self, |mut receiver| async move {
            match receiver.recv().await {
                Ok(Some(event)) => Some((Ok(event), receiver)),
                Ok(None) => None,
                Err(e) => Some((Err(e), receiver)),
            }
        })
    }
}

impl<T: BlobData, E> EventReceiver<T, E> {
    /// The events' data as complete lines (JSON Lines / NDJSON), without terminators; lines up
    /// to [`DEFAULT_MAX_ITEM_LEN`](crate::decode::DEFAULT_MAX_ITEM_LEN) (else
    /// [`decode`](Self::decode) with [`LineDecoder::with_max_len`]).
    pub fn lines(self) -> Decoded<T, E, LineDecoder> {
        self.decode(LineDecoder::default())
    }

    /// The events' data as Server-Sent Events ([`SseEvent`](crate::decode::SseEvent): `data`, `event`, `id`).
    pub fn sse_events(self) -> Decoded<T, E, SseDecoder> {
        self.decode(SseDecoder::default())
    }

    /// The events' data as whole JSON values, concatenated or separated by whitespace
    /// (feature `json-values`).
    #[cfg(feature = "json-values")]
    pub fn json_values(self) -> Decoded<T, E, JsonDecoder> {
        self.decode(JsonDecoder::default())
    }

    /// The events' data through `decoder` (a limit of its own, or another [`Decoder`]).
    pub fn decode<D: Decoder>(self, decoder: D) -> Decoded<T, E, D> {
        Decoded { receiver: self, decoder, items: VecDeque::new(), finished: false }
    }
}

/// The data of an output stream's events decoded by `D`: [`recv`](Self::recv) gives each item
/// as soon as its last byte has arrived, whatever the parts the service sent. Results:
///
/// - `Ok(Some(item))`: the next item; the last one also when the stream ends without a final
///   newline;
/// - `Ok(None)`: the stream ended cleanly (or an error was already returned);
/// - `Err(..)`: exactly the errors of `EventReceiver::recv` (a modeled error event is
///   `SdkError::ServiceError` with the stream's error type; a broken frame or connection as
///   there), and `SdkError::ResponseError` whose source is a [`DecodeError`] for data that
///   cannot be decoded (an item over the limit, a line that is not UTF-8, invalid JSON).
///
/// Items completed before an error are returned before it. After any error the stream is over.
pub struct Decoded<T, E, D: Decoder> {
    receiver: EventReceiver<T, E>,
    decoder: D,
    items: VecDeque<D::Item>,
    finished: bool,
}

impl<T, E, D: Decoder> fmt::Debug for Decoded<T, E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoded").field("ready", &self.items.len()).field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl<T: BlobData, E, D: Decoder> Decoded<T, E, D> {
    /// The next decoded item; see the type's docs.
    pub async fn recv(&mut self) -> Result<Option<D::Item>, SdkError<E, RawMessage>> {
        loop {
            if let Some(item) = self.items.pop_front() {
                return Ok(Some(item));
            }
            if self.finished {
                return Ok(None);
            }
            let fed = match self.receiver.recv().await {
                Ok(Some(event)) => match event.into_blob_data() {
                    Some(blob) => self.decoder.feed(blob.as_ref(), &mut self.items),
                    None => Ok(()),
                },
                Ok(None) => {
                    self.finished = true;
                    self.decoder.finish(&mut self.items)
                }
                Err(e) => {
                    self.finished = true;
                    return Err(e);
                }
            };
            if let Err(e) = fed {
                self.finished = true;
                self.items.clear();
                return Err(decode_error(e));
            }
        }
    }

    /// These items as a [`Stream`] of `recv()`'s results, for `futures::StreamExt`.
    pub fn into_stream(self) -> impl Stream<Item = Result<D::Item, SdkError<E, RawMessage>>> {
        futures_util::stream::unfold(self, |mut decoded| async move {
            match decoded.recv().await {
                Ok(Some(item)) => Some((Ok(item), decoded)),
                Ok(None) => None,
                Err(e) => Some((Err(e), decoded)),
            }
        })
    }

    /// The receiver (events already read and decoded are not given back).
    pub fn into_inner(self) -> EventReceiver<T, E> {
        self.receiver
    }
}

fn decode_error<E>(e: DecodeError) -> SdkError<E, RawMessage> {
    SdkError::response_error(e, RawMessage::invalid(None))
}

/// The items of one decoder kind, named for documentation.
pub type Lines<T, E> = Decoded<T, E, LineDecoder>;
/// Server-Sent Events of an output stream.
pub type SseEvents<T, E> = Decoded<T, E, SseDecoder>;
/// JSON values of an output stream.
#[cfg(feature = "json-values")]
pub type JsonValues<T, E> = Decoded<T, E, JsonDecoder>;

