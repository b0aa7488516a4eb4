//! Event streams on the server (features `server` + `event-stream`), at their public path.
//!
//! Generated server stubs name this path. The code is the event-stream module's server side
//! (`runtime/src/event_stream/server.rs`), beside the client side and the shared framing.
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

pub use crate::event_stream::server::*;
