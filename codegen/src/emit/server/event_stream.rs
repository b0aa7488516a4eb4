//! Event-stream operations in the server stub: what the trait method takes and returns, and how
//! the stub reads an input stream and serves an output stream.
//!
//! The client's types stay as they are; the server side of a stream is the runtime's:
//!
//! - an **output** stream: the method returns the output (its HTTP-bound members, the
//!   stream member left unset) together with an `EventProducer<Event, Error>`; the stub sends
//!   the status and headers, then runs the producer with the body's writer in a task of its
//!   own, so the first event goes out before the last one exists. Modeled error events are
//!   `exception` frames (the union's generated `write_*_error`).
//! - an **input** stream: the method also gets an `EventReceiver<Event, Error>` reading the
//!   request body's frames with the union's generated `read_*` functions (`recv().await`,
//!   the same API as the client's output streams). The operation is routed with
//!   `Router::route_streaming` (the input's binding plan says its body is an event stream):
//!   the handler runs once the request head is read (labels, query and headers bound as for
//!   any operation), and each event reaches it as it arrives, without the body limit, so a
//!   duplex handler answers event 1 before the client sends event 2. The events of a SigV4
//!   client arrive in signed envelopes, which the runtime's `input_stream` unwraps frame by
//!   frame.
//!
//! restJson1 carries initial messages as HTTP bindings, so no `initial-request` /
//! `initial-response` frame is read or written.

use super::super::common::*;
use crate::ir::{Direction, EventStream, Operation, Service, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The event stream of an operation's input or output, if any: (event type, error type, plan).
fn stream<'a>(svc: &'a Service, structure: &str, direction: Direction) -> Option<(TokenStream, TokenStream, &'a EventStream)> {
    let (m, _, es) = svc.event_stream_member(structure)?;
    let Type::EventStream { union, direction: d } = &m.ty else { return None };
    (*d == direction).then(|| {
        let error = format_ident!("{}", es.error);
        (shape_path(svc, union), quote! { crate::types::error::#error }, es)
    })
}

/// `EventReceiver<Event, Error>` of the operation's input stream, if it has one.
pub fn input_events(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let (event, error, _) = stream(svc, &op.input, Direction::Input)?;
    Some(quote! { crate::primitives::event_stream::EventReceiver<#event, #error> })
}

/// `EventProducer<Event, Error>` of the operation's output stream, if it has one.
pub fn output_events(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let (event, error, _) = stream(svc, &op.output, Direction::Output)?;
    Some(quote! { ::smithygen_runtime::server::event_stream::EventProducer<#event, #error> })
}

/// In the handler: `events`, the receiver of the request body's frames as they arrive (input
/// streams only).
pub fn read_input_events(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let (_, error, es) = stream(svc, &op.input, Direction::Input)?;
    let (read_event, read_exception) = (ident(&es.read_event), ident(&es.read_exception));
    Some(quote! {
        let events = crate::primitives::event_stream::EventReceiver::new(
            ::smithygen_runtime::event_stream::EventUnmarshaller::new(
                crate::protocol::event_streams::#read_event,
                crate::protocol::event_streams::#read_exception,
                #error::generic,
            ),
            ::smithygen_runtime::server::event_stream::input_stream(request.take_body()),
        );
    })
}

/// `ser_response(output, events)` of an operation with an output stream: the status and the
/// HTTP-bound members by the ordinary writer (in a module of its own), then the events as
/// the body.
pub fn response_serializer(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let (_, _, es) = stream(svc, &op.output, Direction::Output)?;
    let events = output_events(svc, op)?;
    // The ordinary writer leaves an event-stream payload's body empty.
    let head = super::response::response_serializer(svc, op);
    let output_path = shape_path(svc, &op.output);
    let (write_event, write_error) = (ident(&es.write_event), ident(&es.write_error));
    Some(quote! {
        /// The status and HTTP-bound members of the output (server side).
        #[cfg(feature = "server")]
        mod response_head {
            #head
        }

        /// Writes the output as the response (server side): status and headers at once, then
        /// each event of `events` as one frame, as it is produced.
        #[cfg(feature = "server")]
        pub(crate) async fn ser_response(
            output: #output_path,
            events: #events,
        ) -> ::std::result::Result<::smithygen_runtime::server::ServerResponse, ::smithygen_runtime::protocol::WireError> {
            let head = response_head::ser_response(output).await?;
            ::std::result::Result::Ok(::smithygen_runtime::server::event_stream::serve_events(
                head,
                events,
                crate::protocol::event_streams::#write_event,
                crate::protocol::event_streams::#write_error,
            ))
        }
    })
}
