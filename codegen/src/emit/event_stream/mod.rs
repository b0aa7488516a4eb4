//! Event streams (`@streaming` unions): every rendering of them, and the core both sides share.
//!
//! This module is that core: what any emitter may ask about a stream (the plan of a union, the
//! stream of a message, the Rust type of a stream member, the receiver that reads one),
//! answered from the IR alone.
//!
//! Every piece of generated code that is about event streams is rendered in this folder:
//!
//! - [`client`]: everything the client crate holds for its streams: `primitives::event_stream`,
//!   the `<Union>Error` enums, the event readers and writers (`src/protocol/event_streams.rs`,
//!   which the server stub reuses as it reuses every client type), an input stream as a
//!   request body, an output stream taken from a response, and the empty stream a builder
//!   defaults to;
//! - [`server`]: everything the server stub adds: the trait method's `events` receiver and
//!   `EventProducer`, the route that streams its request body, and the response that serves
//!   the events;
//! - this module: the lookups and types both sides use.
//!
//! Other emitters only call in here, passing the names of their locals; they never render an
//! event-stream token themselves. Framing, CRCs, the `:message-type` dispatch and message
//! signing are the runtime's (`smithygen_runtime::event_stream`, over `aws-smithy-eventstream`);
//! per union the generated code says only what the model decides: which member is which event,
//! its headers and its payload.
//!
//! This module uses the IR and nothing of `emit`: `common::rust_type` asks it for the type of a
//! stream member, and every emitter uses `common`, so a rendering helper used here would close
//! a cycle.

pub mod client;
pub mod server;

use crate::ir::{Direction, EventStream, InitialMessage, Member, Service, Type, Union};
use crate::protocol::BodyCodec;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Whether the service has an event stream (the crate then needs the runtime's `event-stream`
/// feature and `primitives::event_stream`).
pub fn has_event_streams(svc: &Service) -> bool {
    svc.unions.values().any(|u| u.event_stream.is_some())
}

/// The streaming unions with their plans, in shape-id order.
pub fn streams(svc: &Service) -> impl Iterator<Item = (&Union, &EventStream)> {
    svc.unions.values().filter_map(|u| u.event_stream.as_ref().map(|es| (u, es)))
}

/// The plan of streaming union `union` (lowering plans every one it keeps).
pub fn plan<'a>(svc: &'a Service, union: &str) -> Option<&'a EventStream> {
    svc.unions.get(union)?.event_stream.as_ref()
}

/// The plan of a stream member (`None` for any other member).
pub fn member_plan<'a>(svc: &'a Service, m: &Member) -> Option<(&'a EventStream, Direction)> {
    let Type::EventStream { union, direction } = &m.ty else { return None };
    Some((plan(svc, union)?, *direction))
}

/// The event stream of message `structure` flowing in `direction`, if it has one: its member,
/// union and plan.
pub fn message_stream<'a>(svc: &'a Service, structure: &str, direction: Direction) -> Option<(&'a Member, &'a Union, &'a EventStream)> {
    let (m, u, es) = svc.event_stream_member(structure)?;
    matches!(&m.ty, Type::EventStream { direction: d, .. } if *d == direction).then_some((m, u, es))
}

/// The path of the stream's error enum, `crate::types::error::<Union>Error`.
pub fn error_path(es: &EventStream) -> TokenStream {
    let error = format_ident!("{}", es.error);
    quote! { crate::types::error::#error }
}

/// The Rust type of a stream member whose union is `union` (its path: `events`): the official
/// SDKs' `EventReceiver<Event, Error>` for an output stream, `EventStreamSender<Event, Error>`
/// for an input stream.
pub fn member_type(svc: &Service, union: &str, direction: Direction, events: TokenStream) -> TokenStream {
    let Some(es) = plan(svc, union) else {
        return quote! { compile_error!("an event stream without a plan") };
    };
    let errors = error_path(es);
    match direction {
        Direction::Output => quote! { crate::primitives::event_stream::EventReceiver<#events, #errors> },
        Direction::Input => quote! { crate::primitives::event_stream::EventStreamSender<#events, #errors> },
    }
}

/// An `EventReceiver` reading `body` (an `SdkBody`) with the union's generated readers: what a
/// client reads an output stream with, and a server an input stream. Error events are read in
/// the protocol's body codec (the runtime reads JSON unless told otherwise).
pub fn receiver(svc: &Service, es: &EventStream, body: TokenStream) -> TokenStream {
    let (read_event, read_exception) = (format_ident!("{}", es.read_event), format_ident!("{}", es.read_exception));
    let error = error_path(es);
    let metadata = match crate::protocol::rules(svc.protocol).body_codec() {
        BodyCodec::Json => TokenStream::new(),
        BodyCodec::Cbor => quote! { .with_exception_metadata(::smithygen_runtime::protocol::rpcv2_cbor::exception_metadata) },
    };
    quote! {
        crate::primitives::event_stream::EventReceiver::new(
            ::smithygen_runtime::event_stream::EventUnmarshaller::new(
                crate::protocol::event_streams::#read_event,
                crate::protocol::event_streams::#read_exception,
                #error::generic,
            )#metadata,
            #body,
        )
    }
}

/// The `initial-request` / `initial-response` message of an RPC protocol's stream: its
/// `:event-type` and the message built from `payload` (the document's bytes, `Vec<u8>`).
pub fn initial_message(initial: &InitialMessage, event_type: &str, payload: TokenStream) -> TokenStream {
    let ct = &initial.content_type;
    quote! { ::smithygen_runtime::event_stream::message::initial(#event_type, #ct, #payload) }
}
