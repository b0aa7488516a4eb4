//! Streaming response bodies: sent as they are produced rather than built whole.
//!
//! Handlers return [`ServerResponse`](super::ServerResponse) (`http::Response<Bytes>`); one
//! whose body is a stream carries a [`StreamingBody`] in its extensions (see
//! [`streaming_response`]) and an empty `Bytes` body. The HTTP server sends the stream, chunk
//! by chunk as it is produced, in place of the empty body: the first byte goes out before the
//! last one exists, and a stream that fails drops the connection mid-body (the client sees an
//! incomplete response, never a clean end).

use super::ServerResponse;
use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::BodyExt;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Errors a streaming body may end with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A response body produced while it is sent: any `http_body::Body` of `Bytes`, or the
/// receiving end of [`StreamingBody::channel`].
///
/// Cloning shares the body (it is sent once, by whoever takes it first): responses carry it as
/// an `http` extension, which must be `Clone`.
#[derive(Clone)]
pub struct StreamingBody(Arc<Mutex<Option<UnsyncBoxBody<Bytes, BoxError>>>>);

impl fmt::Debug for StreamingBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamingBody")
    }
}

impl StreamingBody {
    /// A streaming body from any body of `Bytes`.
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        StreamingBody(Arc::new(Mutex::new(Some(body.map_err(Into::into).boxed_unsync()))))
    }

    /// A body fed through a channel: each `Ok(chunk)` sent is one chunk on the wire, an `Err`
    /// drops the connection mid-body, and dropping every sender ends the body cleanly.
    /// `capacity` chunks may wait unsent (at least 1): a producer faster than the client
    /// waits in `send().await` (back-pressure), and learns from a failed `send` that the
    /// client went away.
    pub fn channel(capacity: usize) -> (mpsc::Sender<Result<Bytes, BoxError>>, StreamingBody) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (tx, StreamingBody::new(ChannelBody { rx }))
    }

    /// Takes the body out (it is sent once); `None` if it was already taken.
    pub fn take(&self) -> Option<UnsyncBoxBody<Bytes, BoxError>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Reads the whole body (for in-process use of [`Router::handle`](super::Router::handle)
    /// and tests): the chunks in order, or the error the stream ended with.
    pub async fn collect(&self) -> Result<Vec<Bytes>, BoxError> {
        let Some(mut body) = self.take() else { return Ok(Vec::new()) };
        let mut chunks = Vec::new();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data() {
                chunks.push(data);
            }
        }
        Ok(chunks)
    }
}

/// A response whose body is `body`, sent as it is produced: `response`'s body must be empty
/// (its status and headers are kept).
pub fn streaming_response(mut response: ServerResponse, body: StreamingBody) -> ServerResponse {
    response.extensions_mut().insert(body);
    response
}

/// The streaming body of a response built with [`streaming_response`], if any.
pub fn streaming_body(response: &ServerResponse) -> Option<StreamingBody> {
    response.extensions().get::<StreamingBody>().cloned()
}

struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, BoxError>>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.rx.poll_recv(cx).map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }
}
