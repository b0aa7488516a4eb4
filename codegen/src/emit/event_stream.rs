//! Event streams (`@streaming` unions) and streamed outputs: the error enum of each stream, the
//! restJson1 event readers and writers (`src/protocol/event_streams.rs`), the response reader of
//! operations whose output is a stream, and `primitives::event_stream`.
//!
//! Framing, CRCs, the `:message-type` dispatch and message signing are
//! `smithygen_runtime::event_stream` (over `aws-smithy-eventstream`); per union this writes
//! only what the model decides: which member is which event, its headers and its payload.

use super::common::*;
use super::json_codec::{de_value, read_body_members, ser_members, ser_value};
use crate::ir::{Event, EventPayload, EventStream, Member, Operation, Service, Structure, Type, Union};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Whether the service has an event stream (the crate then needs the runtime's `event-stream`
/// feature and `primitives::event_stream`).
pub fn has_event_streams(svc: &Service) -> bool {
    svc.unions.values().any(|u| u.event_stream.is_some())
}

/// The streaming unions with their plans, in shape-id order.
fn streams(svc: &Service) -> impl Iterator<Item = (&Union, &EventStream)> {
    svc.unions.values().filter_map(|u| u.event_stream.as_ref().map(|es| (u, es)))
}

/// `pub mod event_stream` of `src/primitives.rs`: the official SDK's paths.
pub fn primitives(svc: &Service) -> TokenStream {
    if !has_event_streams(svc) {
        return TokenStream::new();
    }
    quote! {
        /// Event streams: the receiver of output streams, the sender of input streams, and
        /// the message types (the same types as the official AWS SDKs).
        pub mod event_stream {
            pub use ::smithygen_runtime::event_stream::{EventReceiver, EventStreamSender, Header, HeaderValue, Message};
            pub use ::aws_smithy_types::str_bytes::StrBytes;
        }
    }
}

/// The `<Union>Error` enums of the service's event streams, for `src/types/error.rs`.
pub fn error_enums(svc: &Service) -> Vec<TokenStream> {
    streams(svc).map(|(u, es)| error_enum(svc, u, es)).collect()
}

fn error_enum(svc: &Service, u: &Union, es: &EventStream) -> TokenStream {
    super::common::error_enum(&super::common::ErrorEnum {
        name: format_ident!("{}", es.error),
        doc: format!(" Error events of the `{}` event stream: one variant per modeled error event, plus `Unhandled`.", u.rust_name),
        unhandled_doc: " An error event the model does not describe (an `error` message, or an unknown exception).",
        meta_what: "code and message",
        variants: es.errors.iter().map(|e| ident(&e.variant)).collect(),
        paths: es.errors.iter().map(|e| shape_path(svc, &e.target)).collect(),
        checks: es.errors.iter().map(|e| ident(&e.check)).collect(),
        variant_docs: es.errors.iter().map(|e| docs(svc.structure(&e.target).docs.as_deref())).collect(),
        // Error events end the stream; retrying belongs to the call, not to an event.
        retryable: quote! { ::std::option::Option::None },
    })
}

/// `src/protocol/event_streams.rs`: per union, the event and error-event readers (clients of
/// output streams) and writers (clients of input streams, servers of output streams).
pub fn protocol_file(svc: &Service) -> Option<TokenStream> {
    if !has_event_streams(svc) {
        return None;
    }
    let items = streams(svc).map(|(u, es)| {
        let read_event = read_event(svc, u, es);
        let read_exception = read_exception(svc, es);
        let write_event = write_event(svc, u, es);
        let write_error = write_error(svc, es);
        quote! { #read_event #read_exception #write_event #write_error }
    });
    Some(quote! {
        //! restJson1 event streams: events and error events to and from event-stream messages.
        // A stream only received needs no writer on the client, and one only sent no reader.
        #![allow(dead_code)]
        #(#items)*
    })
}

fn wire_error() -> TokenStream {
    quote! { ::smithygen_runtime::protocol::WireError }
}

fn member<'a>(s: &'a Structure, name: &str) -> &'a Member {
    s.members.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("lowering checked that {}${name} exists", s.id))
}

/// The media type of an `@eventPayload` member.
fn payload_content_type(m: &Member) -> &'static str {
    match &m.ty {
        Type::Blob { .. } => "application/octet-stream",
        Type::String | Type::Enum(_) => "text/plain",
        _ => "application/json",
    }
}

fn read_event(svc: &Service, u: &Union, es: &EventStream) -> TokenStream {
    let f = ident(&es.read_event);
    let union = shape_path(svc, &u.id);
    let we = wire_error();
    let arms = es.events.iter().map(|ev| {
        let name = &ev.name;
        let variant = ident(&ev.variant);
        let s = svc.structure(&ev.target);
        let builder = super::shapes::builder_path(s);
        let headers = ev.headers.iter().map(|h| read_header(svc, member(s, h)));
        let payload = read_payload(svc, s, ev);
        let failed = format!("failed to unmarshall {name}");
        quote! {
            #name => {
                let read = || -> ::std::result::Result<_, #we> {
                    let mut builder = #builder::default();
                    #(#headers)*
                    #payload
                    ::std::result::Result::Ok(builder.build())
                };
                let value = read().map_err(|e| ::smithygen_runtime::event_stream::EventStreamError::unmarshalling(format!("{}: {e}", #failed)))?;
                ::std::result::Result::Ok(#union::#variant(value))
            }
        }
    });
    let doc = format!(" Reads an event of `{}` (`:event-type` is the member name); `Unknown` for a name this crate does not know.", u.rust_name);
    quote! {
        #[doc = #doc]
        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        pub(crate) fn #f(
            event_type: &str,
            message: &::smithygen_runtime::event_stream::Message,
        ) -> ::std::result::Result<#union, ::smithygen_runtime::event_stream::EventStreamError> {
            let side = ::smithygen_runtime::protocol::json::Side::Client;
            match event_type {
                #(#arms)*
                _ => ::std::result::Result::Ok(#union::Unknown),
            }
        }
    }
}

/// Reads `@eventHeader` member `m` from `message` into `builder`.
fn read_header(svc: &Service, m: &Member) -> TokenStream {
    let name = &m.name;
    let set = ident(&m.setter);
    let we = wire_error();
    let location = format!("header {name}");
    let want = |getter: &str| {
        let g = format_ident!("{}", getter);
        quote! { value.#g().map_err(|_| #we::new(#location, "has the wrong type"))? }
    };
    let value = match &m.ty {
        Type::Boolean => want("as_bool"),
        Type::Byte => want("as_byte"),
        Type::Short => want("as_int16"),
        Type::Integer => want("as_int32"),
        Type::Long => want("as_int64"),
        Type::IntEnum(_) => {
            let t = rust_type(svc, &m.ty);
            let v = want("as_int32");
            quote! { <#t>::from(#v) }
        }
        Type::Blob { .. } => {
            let v = want("as_byte_array");
            quote! { ::aws_smithy_types::Blob::new(#v.to_vec()) }
        }
        Type::String => {
            let v = want("as_string");
            quote! { ::std::string::String::from(#v.as_str()) }
        }
        Type::Enum(_) => {
            let t = rust_type(svc, &m.ty);
            let v = want("as_string");
            quote! { <#t>::from(#v.as_str()) }
        }
        // `as_timestamp` returns the `DateTime` by value.
        Type::Timestamp => want("as_timestamp"),
        _ => {
            let msg = format!("{location}: this type cannot be an event header");
            quote! { compile_error!(#msg) }
        }
    };
    let value = if m.boxed { quote! { ::std::boxed::Box::new(#value) } } else { value };
    quote! {
        if let ::std::option::Option::Some(value) = ::smithygen_runtime::event_stream::message::header(message, #name) {
            builder = builder.#set(::std::option::Option::Some(#value));
        }
    }
}

fn read_payload(svc: &Service, s: &Structure, ev: &Event) -> TokenStream {
    let we = wire_error();
    let payload = quote! { message.payload() };
    match &ev.payload {
        EventPayload::Member(name) => {
            let m = member(s, name);
            let set = ident(&m.setter);
            let ct = payload_content_type(m);
            let check = quote! {
                ::smithygen_runtime::event_stream::message::expect_content_type(message, #ct)
                    .map_err(|e| #we::new(":content-type", e.to_string()))?;
            };
            let value = match &m.ty {
                Type::Blob { .. } => quote! { ::aws_smithy_types::Blob::new(#payload.to_vec()) },
                Type::String => quote! {
                    ::std::string::String::from_utf8(#payload.to_vec()).map_err(|_| #we::new("payload", "is not valid UTF-8"))?
                },
                Type::Enum(_) => {
                    let t = rust_type(svc, &m.ty);
                    quote! {
                        <#t>::from(::std::str::from_utf8(#payload).map_err(|_| #we::new("payload", "is not valid UTF-8"))?)
                    }
                }
                ty => {
                    let read = de_value(svc, ty, quote! { &document }, m.timestamp_format);
                    quote! {
                        {
                            let document = ::smithygen_runtime::protocol::json::parse_body(#payload)?;
                            #read.map_err(|e| e.in_body())?
                        }
                    }
                }
            };
            let value = if m.boxed { quote! { ::std::boxed::Box::new(#value) } } else { value };
            quote! {
                #check
                builder = builder.#set(::std::option::Option::Some(#value));
            }
        }
        EventPayload::Document(names) if names.is_empty() => TokenStream::new(),
        EventPayload::Document(names) => {
            let members: Vec<&Member> = names.iter().map(|n| member(s, n)).collect();
            let read = read_body_members(svc, &members, quote! { body });
            quote! {
                let body: &[u8] = #payload;
                if !body.iter().all(u8::is_ascii_whitespace) {
                    #read
                }
            }
        }
    }
}

fn read_exception(svc: &Service, es: &EventStream) -> TokenStream {
    let f = ident(&es.read_exception);
    let err = format_ident!("{}", es.error);
    let we = wire_error();
    let arms = es.errors.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        let s = svc.structure(&e.target);
        let builder = super::shapes::builder_path(s);
        let read = super::rest_json::response_members(svc, s);
        let failed = format!("failed to unmarshall {name}");
        quote! {
            #name => {
                let read = || -> ::std::result::Result<#builder, #we> {
                    let status: u16 = 200;
                    let headers = ::aws_smithy_runtime_api::http::Headers::new();
                    let body: &[u8] = message.payload();
                    let mut builder = #builder::default();
                    #read
                    ::std::result::Result::Ok(builder)
                };
                let builder = read().map_err(|e| ::smithygen_runtime::event_stream::EventStreamError::unmarshalling(format!("{}: {e}", #failed)))?;
                ::std::result::Result::Ok(crate::types::error::#err::#variant(builder.meta(meta).build()))
            }
        }
    });
    let doc = format!(" Reads an error event of the stream (`:exception-type` is the member name) into `{}`.", es.error);
    quote! {
        #[doc = #doc]
        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        pub(crate) fn #f(
            exception_type: &str,
            message: &::smithygen_runtime::event_stream::Message,
            meta: ::aws_smithy_types::error::ErrorMetadata,
        ) -> ::std::result::Result<crate::types::error::#err, ::smithygen_runtime::event_stream::EventStreamError> {
            match exception_type {
                #(#arms)*
                _ => ::std::result::Result::Ok(crate::types::error::#err::generic(meta)),
            }
        }
    }
}

fn write_event(svc: &Service, u: &Union, es: &EventStream) -> TokenStream {
    let f = ident(&es.write_event);
    let union = shape_path(svc, &u.id);
    let we = wire_error();
    let arms = es.events.iter().map(|ev| {
        let name = &ev.name;
        let variant = ident(&ev.variant);
        let s = svc.structure(&ev.target);
        let headers = ev.headers.iter().map(|h| write_header(member(s, h)));
        let payload = write_payload(svc, s, ev);
        let failed = format!("failed to marshall {name}");
        quote! {
            #union::#variant(input) => {
                let write = || -> ::std::result::Result<::smithygen_runtime::event_stream::Message, #we> {
                    #payload
                    #(#headers)*
                    ::std::result::Result::Ok(message)
                };
                write().map_err(|e| ::smithygen_runtime::event_stream::EventStreamError::marshalling(format!("{}: {e}", #failed)))
            }
        }
    });
    let doc = format!(" Writes an event of `{}` as a message (`:event-type` is the member name).", u.rust_name);
    quote! {
        #[doc = #doc]
        #[allow(unused_mut, unused_variables, clippy::useless_conversion)]
        pub(crate) fn #f(event: #union) -> ::std::result::Result<::smithygen_runtime::event_stream::Message, ::smithygen_runtime::event_stream::EventStreamError> {
            match event {
                #(#arms)*
                #union::Unknown => ::std::result::Result::Err(::smithygen_runtime::event_stream::EventStreamError::marshalling(
                    "cannot send the Unknown variant: it stands for an event this crate does not know",
                )),
            }
        }
    }
}

/// Adds `@eventHeader` member `m` of `input` to `message`.
fn write_header(m: &Member) -> TokenStream {
    let f = ident(&m.field);
    let name = &m.name;
    let hv = quote! { ::smithygen_runtime::event_stream::HeaderValue };
    let value = match &m.ty {
        Type::Boolean => quote! { #hv::Bool(*value) },
        Type::Byte => quote! { #hv::Byte(*value) },
        Type::Short => quote! { #hv::Int16(*value) },
        Type::Integer => quote! { #hv::Int32(*value) },
        Type::Long => quote! { #hv::Int64(*value) },
        Type::IntEnum(_) => quote! { #hv::Int32(value.value()) },
        Type::Blob { .. } => quote! { #hv::ByteArray(value.as_ref().to_vec().into()) },
        Type::String => quote! { #hv::String(value.clone().into()) },
        Type::Enum(_) => quote! { #hv::String(::std::string::String::from(value.as_str()).into()) },
        Type::Timestamp => quote! { #hv::Timestamp(*value) },
        _ => {
            let msg = format!("header {name}: this type cannot be an event header");
            quote! { compile_error!(#msg) }
        }
    };
    let add = quote! { message = message.add_header(::smithygen_runtime::event_stream::Header::new(#name, #value)); };
    if m.is_optional() {
        quote! { if let ::std::option::Option::Some(value) = &input.#f { #add } }
    } else {
        quote! { { let value = &input.#f; #add } }
    }
}

fn write_payload(svc: &Service, s: &Structure, ev: &Event) -> TokenStream {
    let name = &ev.name;
    let event = quote! { ::smithygen_runtime::event_stream::message::event };
    match &ev.payload {
        EventPayload::Member(p) => {
            let m = member(s, p);
            let f = ident(&m.field);
            let ct = payload_content_type(m);
            let bytes = match &m.ty {
                Type::Blob { .. } => quote! { value.as_ref().to_vec() },
                Type::String => quote! { value.clone().into_bytes() },
                Type::Enum(_) => quote! { ::std::string::String::from(value.as_str()).into_bytes() },
                ty => {
                    let v = ser_value(svc, ty, quote! { value }, m.timestamp_format);
                    quote! { ::smithygen_runtime::protocol::json::to_body(&#v) }
                }
            };
            let value = if m.is_optional() {
                quote! {
                    match &input.#f {
                        ::std::option::Option::Some(value) => #bytes,
                        ::std::option::Option::None => ::std::vec::Vec::new(),
                    }
                }
            } else {
                quote! { { let value = &input.#f; #bytes } }
            };
            quote! { let mut message = #event(#name, ::std::option::Option::Some(#ct), #value); }
        }
        EventPayload::Document(names) if names.is_empty() => {
            quote! { let mut message = #event(#name, ::std::option::Option::None, ::std::vec::Vec::new()); }
        }
        EventPayload::Document(names) => {
            let members: Vec<&Member> = names.iter().map(|n| member(s, n)).collect();
            let writes = ser_members(svc, &members, quote! { input });
            quote! {
                let mut object = ::serde_json::Map::new();
                #writes
                let mut message = #event(
                    #name,
                    ::std::option::Option::Some("application/json"),
                    ::smithygen_runtime::protocol::json::to_body(&::serde_json::Value::Object(object)),
                );
            }
        }
    }
}

fn write_error(svc: &Service, es: &EventStream) -> TokenStream {
    let f = ident(&es.write_error);
    let err = format_ident!("{}", es.error);
    let we = wire_error();
    let arms = es.errors.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        let s = svc.structure(&e.target);
        let members: Vec<&Member> = s.members.iter().collect();
        let writes = ser_members(svc, &members, quote! { input });
        let failed = format!("failed to marshall {name}");
        quote! {
            crate::types::error::#err::#variant(input) => {
                let write = || -> ::std::result::Result<::std::vec::Vec<u8>, #we> {
                    let mut object = ::serde_json::Map::new();
                    #writes
                    ::std::result::Result::Ok(::smithygen_runtime::protocol::json::to_body(&::serde_json::Value::Object(object)))
                };
                let payload = write().map_err(|e| ::smithygen_runtime::event_stream::EventStreamError::marshalling(format!("{}: {e}", #failed)))?;
                ::std::result::Result::Ok(::smithygen_runtime::event_stream::message::exception(#name, payload))
            }
        }
    });
    let doc = format!(" Writes an error event of `{}`: modeled errors as `exception` messages, `Unhandled` as an `error` message.", es.error);
    quote! {
        #[doc = #doc]
        #[allow(unused_mut, unused_variables, clippy::useless_conversion)]
        pub(crate) fn #f(error: crate::types::error::#err) -> ::std::result::Result<::smithygen_runtime::event_stream::Message, ::smithygen_runtime::event_stream::EventStreamError> {
            match error {
                #(#arms)*
                other => {
                    let meta = other.meta();
                    ::std::result::Result::Ok(::smithygen_runtime::event_stream::message::error(
                        meta.code().unwrap_or("InternalFailure"),
                        meta.message().unwrap_or_default(),
                    ))
                }
            }
        }
    }
}

/// The body of a request whose payload is an input event stream: empty until
/// [`finish_request`] hands the stream to the runtime (the sender moves out of the input).
pub fn request_body(m: &Member) -> TokenStream {
    let f = ident(&m.field);
    quote! {
        let body = ::aws_smithy_types::body::SdkBody::empty();
        let event_stream = input.#f;
    }
}

/// The end of `ser_request`: the request, with an input event stream as its streamed body
/// (each event marshalled, signed and framed as the caller produces it).
pub fn finish_request(svc: &Service, payload: Option<&Member>) -> TokenStream {
    let finish = quote! { ::smithygen_runtime::protocol::http::finish_request(builder, body) };
    let Some(Type::EventStream { union, .. }) = payload.map(|m| &m.ty) else { return finish };
    let Some(es) = svc.unions.get(union).and_then(|u| u.event_stream.as_ref()) else {
        return quote! { compile_error!("an event stream without a plan") };
    };
    let (write_event, write_error) = (ident(&es.write_event), ident(&es.write_error));
    quote! {
        let mut request = #finish?;
        ::smithygen_runtime::event_stream::sender_body(
            event_stream,
            crate::protocol::event_streams::#write_event,
            crate::protocol::event_streams::#write_error,
            &mut request,
        );
        ::std::result::Result::Ok(request)
    }
}

/// `de_response` of an operation whose output is a stream, for `invoke_streaming`: on 2xx the
/// headers are read and the body is taken unread into the output's `EventReceiver` or
/// `ByteStream`; error responses are read whole, as for other operations.
pub fn response_deserializer(svc: &Service, op: &Operation) -> TokenStream {
    let output = svc.structure(&op.output);
    let output_path = shape_path(svc, &op.output);
    let builder = super::shapes::builder_path(output);
    let stream_name = op.output_stream.as_deref().unwrap_or_default();
    // Every member but the stream is read from the status and headers.
    let rest = Structure { members: output.members.iter().filter(|m| m.name != stream_name).cloned().collect(), ..output.clone() };
    let read = super::rest_json::response_members(svc, &rest);
    let take = output.members.iter().find(|m| m.name == stream_name).map(|m| {
        let set = ident(&m.setter);
        let body = quote! { ::std::mem::replace(response.body_mut(), ::aws_smithy_types::body::SdkBody::taken()) };
        let value = match &m.ty {
            Type::EventStream { union, .. } => {
                let es = svc.unions[union].event_stream.as_ref();
                let (read_event, read_exception, error) = match es {
                    Some(es) => (ident(&es.read_event), ident(&es.read_exception), format_ident!("{}", es.error)),
                    None => return quote! { compile_error!("an event stream without a plan"); },
                };
                quote! {
                    crate::primitives::event_stream::EventReceiver::new(
                        ::smithygen_runtime::event_stream::EventUnmarshaller::new(
                            crate::protocol::event_streams::#read_event,
                            crate::protocol::event_streams::#read_exception,
                            crate::types::error::#error::generic,
                        ),
                        #body,
                    )
                }
            }
            _ => quote! { ::aws_smithy_types::byte_stream::ByteStream::new(#body) },
        };
        quote! { builder = builder.#set(::std::option::Option::Some(#value)); }
    });
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let de_error = super::rest_json::error_reader(svc, op);
    let orchestrator_error = quote! { ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError };
    // An output with an event stream has a fallible `build()` (its stream was just set).
    let build = if svc.fallible_build(output) {
        quote! { builder.build().map_err(|e| #orchestrator_error::response(e.into())) }
    } else {
        quote! { ::std::result::Result::Ok(builder.build()) }
    };
    quote! {
        /// Reads a successful response: status and headers into the output, the body handed
        /// over unread (it is read as it arrives, never buffered whole).
        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        pub(crate) fn de_response(
            response: &mut ::aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        ) -> ::std::result::Result<#output_path, #orchestrator_error<#err_path>> {
            let status = response.status().as_u16();
            let mut builder = #builder::default();
            let read = |builder: #builder| -> ::std::result::Result<#builder, ::smithygen_runtime::protocol::WireError> {
                let mut builder = builder;
                let headers = response.headers();
                let body: &[u8] = &[];
                #read
                ::std::result::Result::Ok(builder)
            };
            builder = read(builder).map_err(|e| #orchestrator_error::response(e.into()))?;
            #take
            #build
        }

        /// Reads an error response (read whole) into the operation's error.
        pub(crate) fn de_error_response(
            response: &::aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        ) -> ::std::result::Result<#output_path, #orchestrator_error<#err_path>> {
            let status = response.status().as_u16();
            let headers = response.headers();
            let body: &[u8] = response.body().bytes().unwrap_or_default();
            ::std::result::Result::Err(#orchestrator_error::operation(de_error(status, headers, body)))
        }

        #de_error
    }
}

/// Whether an operation's output is handed over as a stream (`invoke_streaming`).
pub fn streams_output(op: &Operation) -> bool {
    op.output_stream.is_some()
}

/// The default value of a stream member in a builder's `build()`: a stream that ends at once.
pub fn empty_stream(svc: &Service, m: &Member) -> Option<TokenStream> {
    let Type::EventStream { union, direction } = &m.ty else { return None };
    let es = svc.unions.get(union)?.event_stream.as_ref()?;
    let (read_event, read_exception) = (ident(&es.read_event), ident(&es.read_exception));
    let error = format_ident!("{}", es.error);
    Some(match direction {
        crate::ir::Direction::Output => quote! {
            crate::primitives::event_stream::EventReceiver::new(
                ::smithygen_runtime::event_stream::EventUnmarshaller::new(
                    crate::protocol::event_streams::#read_event,
                    crate::protocol::event_streams::#read_exception,
                    crate::types::error::#error::generic,
                ),
                ::aws_smithy_types::body::SdkBody::empty(),
            )
        },
        crate::ir::Direction::Input => quote! {
            crate::primitives::event_stream::EventStreamSender::from(::smithygen_runtime::event_stream::empty_stream())
        },
    })
}
