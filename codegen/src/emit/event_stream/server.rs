//! The server stub's event streams: trait method types, route, input and output streams.
//!
//! That is what the trait method takes and returns, the route that streams a request body, how
//! the stub reads an input stream and serves an output stream, and the runtime types it
//! re-exports. The stub's emitter (`emit/server/`) calls in here with the names of its locals.
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
//! `initial-response` frame is read or written. RPC protocols (awsJson, rpcv2Cbor) carry the
//! members beside the stream in those messages: the route reads `initial-request` before the
//! handler runs (its payload is the body `de_request` reads the members from), and the response
//! sends `initial-response` before the first event.

use super::super::common::*;
use super::super::codec::{new_object, object_body};
use super::super::http_bindings::{plan_of, write_document};
use super::{error_path, initial_message, message_stream, receiver};
use crate::ir::{Direction, EventStream, Operation, Service};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The event stream of an operation's input or output, if any: (event type, error type, plan).
fn stream<'a>(svc: &'a Service, structure: &str, direction: Direction) -> Option<(TokenStream, TokenStream, &'a EventStream)> {
    let (_, union, es) = message_stream(svc, structure, direction)?;
    Some((shape_path(svc, &union.id), error_path(es), es))
}

/// `EventReceiver<Event, Error>` of the operation's input stream, if it has one.
fn input_events(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let (event, error, _) = stream(svc, &op.input, Direction::Input)?;
    Some(quote! { crate::primitives::event_stream::EventReceiver<#event, #error> })
}

/// `EventProducer<Event, Error>` of the operation's output stream, if it has one.
fn output_events(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let (event, error, _) = stream(svc, &op.output, Direction::Output)?;
    Some(quote! { ::smithygen_runtime::server::event_stream::EventProducer<#event, #error> })
}

/// Whether the operation has an event stream either way.
fn has_stream(svc: &Service, op: &Operation) -> bool {
    input_events(svc, op).is_some() || output_events(svc, op).is_some()
}

/// The trait method's parameter `events` for an input stream (`events: EventReceiver<..>,`)
/// and its success type: `output`, or `(output, EventProducer<..>)` for an output stream.
pub fn method_types(svc: &Service, op: &Operation, events: &Ident, output: TokenStream) -> (Option<TokenStream>, TokenStream) {
    let events_in = input_events(svc, op).map(|t| quote! { #events: #t, });
    let output = match output_events(svc, op) {
        Some(producer) => quote! { (#output, #producer) },
        None => output,
    };
    (events_in, output)
}

/// The trait method's doc lines about its streams (parameter `events`, the returned producer).
pub fn method_docs(svc: &Service, op: &Operation) -> TokenStream {
    let events_doc = input_events(svc, op).map(|_| quote! {
        ///
        /// `events` reads the input event stream: each event as it arrives (the request body's
        /// frames, not read whole first). The method may return, and an output stream start,
        /// before the client has ended its stream.
    });
    let output_doc = output_events(svc, op).map(|_| quote! {
        ///
        /// Returns the output's HTTP-bound members (its stream member is not read) and the
        /// producer of its event stream, which runs once the status and headers are sent.
    });
    quote! { #events_doc #output_doc }
}

/// The router method for the operation: `route_streaming` when its request body is an input
/// stream (handed to the handler as it arrives, not read whole first), else `route`.
pub fn route_method(svc: &Service, op: &Operation) -> Ident {
    if plan_of(svc.structure(&op.input)).streams_events() {
        ident("route_streaming")
    } else {
        ident("route")
    }
}

/// Why the router's body limit does not apply to every operation, for its docs (empty when it
/// does).
pub fn body_limit_note(svc: &Service) -> &'static str {
    if svc.operations.iter().any(|op| plan_of(svc.structure(&op.input)).streams_events()) {
        " (input event\nstreams excepted: their events are read as they arrive)"
    } else {
        ""
    }
}

/// The runtime types an implementation of a service with event streams names.
pub fn reexports(svc: &Service) -> Option<TokenStream> {
    svc.operations.iter().any(|op| has_stream(svc, op)).then(|| quote! {
        /// What an operation with an output event stream returns beside its output, and what it writes through.
        pub use ::smithygen_runtime::server::event_stream::{EventProducer, EventStreamWriter};
    })
}

/// In the handler: local `events`, the receiver of the request body's frames as they arrive,
/// taken from `request` (a `ServerRequest`); input streams only.
pub fn read_input_events(svc: &Service, op: &Operation, events: &Ident, request: &TokenStream) -> Option<TokenStream> {
    let (_, _, es) = stream(svc, &op.input, Direction::Input)?;
    let receiver = receiver(svc, es, quote! { ::smithygen_runtime::server::event_stream::input_stream(#request.take_body()) });
    // A client sends `initial-request` only for an input with other members: without any, the
    // first event is not waited for before the handler runs (it may answer first).
    if plan_of(svc.structure(&op.input)).initial_message.as_ref().is_none_or(|i| i.members.is_empty()) {
        return Some(quote! { let #events = #receiver; });
    }
    // An RPC protocol's input members come first, in `initial-request`: its payload becomes
    // the body `de_request` reads them from.
    Some(quote! {
        let mut #events = #receiver;
        let #request = match #events.try_recv_initial_request().await {
            ::std::result::Result::Ok(::std::option::Option::Some(message)) => #request.with_initial_message(message.payload().clone()),
            ::std::result::Result::Ok(::std::option::Option::None) => #request,
            ::std::result::Result::Err(e) => {
                return ::smithygen_runtime::server::Rejection::Serialization(::smithygen_runtime::protocol::WireError::new(
                    "initial-request",
                    ::std::format!("could not be read: {e}"),
                ))
                .into_response();
            }
        };
    })
}

/// What the router writes a handler's success with: `ser_response` (the path of the
/// operation's response writer) of the output, and of its producer for an output stream.
pub fn write_output(svc: &Service, op: &Operation, ser_response: TokenStream) -> TokenStream {
    match output_events(svc, op) {
        Some(_) => quote! { |(output, events)| #ser_response(output, events) },
        None => ser_response,
    }
}

/// The operation's response writer: `ordinary` (its `ser_response` of status, headers and
/// body) as it is, or, for an output stream, `ser_response(output, events)`: the status and
/// the HTTP-bound members by `ordinary` (in a module of its own, where it leaves the body
/// empty), then the events as the body.
pub fn response_serializer(svc: &Service, op: &Operation, ordinary: TokenStream) -> TokenStream {
    let (Some((_, _, es)), Some(events)) = (stream(svc, &op.output, Direction::Output), output_events(svc, op)) else {
        return ordinary;
    };
    let output_path = shape_path(svc, &op.output);
    let (write_event, write_error) = (ident(&es.write_event), ident(&es.write_error));
    let output = svc.structure(&op.output);
    if let Some(initial) = &plan_of(output).initial_message {
        // An RPC protocol: the output's other members go first, as `initial-response`.
        let writes = write_document(svc, output, &initial.members, &quote! { output }, false);
        let (new_object, body) = (new_object(svc), object_body(svc, &ident("object")));
        let message = initial_message(initial, "initial-response", body);
        return quote! {
            /// The status of the output (server side).
            #[cfg(feature = "server")]
            mod response_head {
                #ordinary
            }

            /// Writes the output as the response (server side): the status at once, then the
            /// output's members as the `initial-response` event, then each event of `events` as
            /// one frame, as it is produced.
            #[cfg(feature = "server")]
            #[allow(unused_mut, unused_variables, clippy::useless_conversion)]
            pub(crate) async fn ser_response(
                output: #output_path,
                events: #events,
            ) -> ::std::result::Result<::smithygen_runtime::server::ServerResponse, ::smithygen_runtime::protocol::WireError> {
                let initial = {
                    let output = &output;
                    let mut object = #new_object;
                    #writes
                    #message
                };
                let head = response_head::ser_response(output).await?;
                ::std::result::Result::Ok(::smithygen_runtime::server::event_stream::serve_events_after(
                    head,
                    initial,
                    events,
                    crate::protocol::event_streams::#write_event,
                    crate::protocol::event_streams::#write_error,
                ))
            }
        };
    }
    quote! {
        /// The status and HTTP-bound members of the output (server side).
        #[cfg(feature = "server")]
        mod response_head {
            #ordinary
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
    }
}
