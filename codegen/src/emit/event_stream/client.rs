//! The client crate's event streams: types, event readers and writers, request and response.
//!
//! That is `primitives::event_stream`, the `<Union>Error` enums, the restJson1 event readers
//! and writers (`src/protocol/event_streams.rs`: the client reads output streams and writes
//! input streams with them, the server stub the other way round), an input stream as the body
//! of a request, an output stream taken from a response, and the empty stream a builder
//! defaults to.
//!
//! The HTTP rendering of a request or response (`rest_json`) calls in here for its stream
//! member, passing the names of its locals; everything it gets back is self-contained.

use super::super::common::*;
use super::super::codec::{de_value, new_object, object_body, parse_body, read_body_members, ser_members, ser_value, value_body};
use super::super::http_bindings::{plan_of, read_body, write_document};
use super::{error_path, has_event_streams, initial_message, member_plan, message_stream, receiver, streams};
use crate::ir::{BodyBinding, Direction, Event, EventPayload, EventStream, Member, Operation, Service, Structure, Type, Union};
use crate::protocol::BodyCodec;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// `pub mod event_stream` of `src/primitives.rs`: the official SDK's paths.
pub fn primitives(svc: &Service) -> TokenStream {
    if !has_event_streams(svc) {
        return TokenStream::new();
    }
    quote! {
        /// Event streams: the receiver of output streams, the sender of input streams, and
        /// the message types (the same types as the official AWS SDKs); and the decoders of a
        /// stream's blob data (`EventReceiver::lines`, `sse_events`, `json_values`, `decode`).
        pub mod event_stream {
            pub use ::smithygen_runtime::event_stream::{EventReceiver, EventStreamSender, Header, HeaderValue, Message};
            pub use ::aws_smithy_types::str_bytes::StrBytes;
            pub use ::smithygen_runtime::event_stream::{
                BlobData, DecodeError, Decoded, Decoder, LineDecoder, SseDecoder, SseEvent, DEFAULT_MAX_ITEM_LEN,
            };
            /// Whole JSON values as `serde_json::Value`s (feature `json-values`, on by default).
            #[cfg(feature = "json-values")]
            pub use ::smithygen_runtime::event_stream::JsonDecoder;
        }
    }
}

/// `impl BlobData for <Union>` when the stream has blob data (the plan's `blob_data`): the one
/// event and member the runtime's decoders (`EventReceiver::lines`, `sse_events`,
/// `json_values`) read; the union's other events give `None` and are skipped.
pub fn blob_data_impl(svc: &Service, u: &Union) -> TokenStream {
    let Some(data) = u.event_stream.as_ref().and_then(|es| es.blob_data.as_ref()) else { return TokenStream::new() };
    let event = &u.members[data.event];
    let Type::Structure(target) = &event.ty else { return quote! { compile_error!("an event that is not a structure"); } };
    let field = ident(&member(svc.structure(target), &data.member).field);
    let bytes = if member(svc.structure(target), &data.member).is_optional() {
        quote! { event.#field }
    } else {
        quote! { ::std::option::Option::Some(event.#field) }
    };
    let union = format_ident!("{}", u.rust_name);
    let variant = ident(&event.variant);
    let doc = format!(
        " The data of `{}` events (their `{}`), what `EventReceiver::lines`, `sse_events` and `json_values` decode; other events have none.",
        event.name, data.member
    );
    quote! {
        #[doc = #doc]
        impl ::smithygen_runtime::event_stream::BlobData for #union {
            fn into_blob_data(self) -> ::std::option::Option<::aws_smithy_types::Blob> {
                #[allow(unreachable_patterns)]
                match self {
                    #union::#variant(event) => #bytes,
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}

/// The "Decoding a streamed answer" section of the crate docs and README: the first operation
/// whose output stream has blob data, read line by line and as Server-Sent Events, with code a
/// user can paste (compiled as doctests in the crate docs; `hidden` keeps the `# ` lines that
/// rustdoc hides, the README drops them). `None` when no output stream has blob data.
pub fn decode_docs(svc: &Service, hidden: bool) -> Option<String> {
    let lib = svc.crate_name.replace('-', "_");
    let (op, stream, es) = svc.operations.iter().find_map(|op| {
        let (m, _, es) = super::message_stream(svc, &op.output, Direction::Output)?;
        es.blob_data.as_ref().map(|_| (op, m, es))
    })?;
    let data = es.blob_data.as_ref()?;
    let event = &es.events[data.event];
    // The call with its required members set: strings to a placeholder, blobs to a JSON body.
    let mut call = format!("let output = client\n    .{}()\n", op.method_text);
    let mut unset = false;
    for m in svc.structure(&op.input).members.iter().filter(|m| m.required) {
        match &m.ty {
            Type::String | Type::Enum(_) => call.push_str(&format!("    .{}(\"my-{}\")\n", m.field, heck::ToKebabCase::to_kebab_case(m.name.as_str()))),
            Type::Blob { streaming: false } => call.push_str(&format!(
                "    .{}({lib}::primitives::Blob::new(br#\"{{\"inputs\": \"Tell me a story\", \"stream\": true}}\"#.to_vec()))\n",
                m.field
            )),
            _ => unset = true,
        }
    }
    if unset {
        call.push_str("    // and the other required members\n");
    }
    call.push_str("    .send()\n    .await?;\n");
    let field = &stream.field;
    // The crate docs hide the scaffolding; the README shows a whole program (with `tokio`,
    // `aws-config` and, for the JSON Lines example, `serde_json`).
    let wrap = |body: String| {
        if hidden {
            let open = format!("# async fn example(client: &{lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n");
            return format!("```rust,no_run\n{open}{call}{body}# Ok(())\n# }}\n```\n");
        }
        let program = format!(
            "let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;\n\
             let client = {lib}::Client::new(&sdk_config);\n{call}{body}"
        );
        let indented: String = program.lines().map(|l| if l.is_empty() { "\n".to_string() } else { format!("    {l}\n") }).collect();
        format!("```rust,no_run\n#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n{indented}    Ok(())\n}}\n```\n")
    };
    let lines = wrap(format!(
        "// A model answering in JSON Lines, one token a line: {{\"token\": {{\"text\": \"Once\"}}}}\\n...\n\
         let mut lines = output.{field}.lines();\n\
         while let Some(line) = lines.recv().await? {{\n    \
             let value: serde_json::Value = serde_json::from_str(&line)?;\n    \
             print!(\"{{}}\", value[\"token\"][\"text\"].as_str().unwrap_or_default());\n\
         }}\n"
    ));
    let sse = wrap(format!(
        "// A model answering in Server-Sent Events: data: {{\"token\": ...}}\\n\\n ... data: [DONE]\\n\\n\n\
         let mut events = output.{field}.sse_events();\n\
         while let Some(event) = events.recv().await? {{\n    \
             if event.data() == \"[DONE]\" {{\n        break;\n    }}\n    \
             println!(\"{{}} {{}}\", event.event().unwrap_or(\"message\"), event.data());\n\
         }}\n"
    ));
    Some(format!(
        "## Decoding a streamed answer\n\n\
         `{op_name}` streams its answer as `{event}` events whose `{member}` are cut wherever the service's \
         buffers ended: inside a line, a JSON value or a multi-byte character. The receiver decodes them: \
         `output.{field}.lines()` gives complete lines (JSON Lines / NDJSON), `sse_events()` Server-Sent Events \
         (`data()`, multi-line data joined with `\\n`, `event()`, `id()`), `json_values()` whole JSON values \
         (concatenated or newline-separated), each as soon as its last byte has arrived, the last one also when \
         the stream ends without a final newline. The errors are `recv()`'s (a modeled error event, a broken \
         frame or connection); data that cannot be decoded (an item over 1 MiB, a line that is not UTF-8, \
         invalid JSON) is a `ResponseError` whose source is a `primitives::event_stream::DecodeError`; \
         `decode(LineDecoder::with_max_len(n))` sets another limit. `into_stream()`, on the decoded items or on \
         the receiver itself, gives a `futures::Stream` for `StreamExt`.\n\n{lines}\n{sse}",
        op_name = op.name,
        event = event.name,
        member = data.member,
    ))
}

/// The `<Union>Error` enums of the service's event streams, for `src/types/error.rs`.
pub fn error_enums(svc: &Service) -> Vec<TokenStream> {
    streams(svc).map(|(u, es)| stream_error_enum(svc, u, es)).collect()
}

fn stream_error_enum(svc: &Service, u: &Union, es: &EventStream) -> TokenStream {
    error_enum(&ErrorEnum {
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
/// output streams, servers of input streams) and writers (clients of input streams, servers of
/// output streams).
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
    let doc = format!(" {} event streams: events and error events to and from event-stream messages.", svc.protocol.label());
    Some(quote! {
        #![doc = #doc]
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

/// The media type of an `@eventPayload` member: a structure's is the protocol's event codec's.
fn payload_content_type(svc: &Service, m: &Member) -> &'static str {
    match &m.ty {
        Type::Blob { .. } => "application/octet-stream",
        Type::String | Type::Enum(_) => "text/plain",
        _ => event_content_type(svc),
    }
}

/// The `:content-type` of events and error events whose payload is a document.
fn event_content_type(svc: &Service) -> &'static str {
    crate::protocol::rules(svc.protocol).event_content_type()
}

fn read_event(svc: &Service, u: &Union, es: &EventStream) -> TokenStream {
    let f = ident(&es.read_event);
    let union = shape_path(svc, &u.id);
    let we = wire_error();
    let arms = es.events.iter().map(|ev| {
        let name = &ev.name;
        let variant = ident(&ev.variant);
        let s = svc.structure(&ev.target);
        let builder = builder_path(s);
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
            // As the official SDKs: a blob or string payload requires its exact `:content-type`
            // (an absent one is an error too); a structure or union payload is read whatever it says.
            let check = match &m.ty {
                Type::Blob { .. } | Type::String | Type::Enum(_) => {
                    let ct = payload_content_type(svc, m);
                    quote! {
                        ::smithygen_runtime::event_stream::message::expect_content_type(message, #ct)
                            .map_err(|e| #we::new(":content-type", e.to_string()))?;
                    }
                }
                _ => TokenStream::new(),
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
                    let parse = parse_body(svc, payload.clone());
                    quote! {
                        {
                            let document = #parse?;
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
    let err = error_path(es);
    let we = wire_error();
    let arms = es.errors.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        let s = svc.structure(&e.target);
        let builder = builder_path(s);
        let read = read_body(svc, s, &quote! { body }, quote! { ::aws_smithy_types::byte_stream::ByteStream::from(body.to_vec()) });
        let failed = format!("failed to unmarshall {name}");
        quote! {
            #name => {
                let read = || -> ::std::result::Result<#builder, #we> {
                    // An error event's members travel in its payload, read as a client reads a body.
                    let side = ::smithygen_runtime::protocol::json::Side::Client;
                    let body: &[u8] = message.payload();
                    let mut builder = #builder::default();
                    #read
                    ::std::result::Result::Ok(builder)
                };
                let builder = read().map_err(|e| ::smithygen_runtime::event_stream::EventStreamError::unmarshalling(format!("{}: {e}", #failed)))?;
                ::std::result::Result::Ok(#err::#variant(builder.meta(meta).build()))
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
        ) -> ::std::result::Result<#err, ::smithygen_runtime::event_stream::EventStreamError> {
            match exception_type {
                #(#arms)*
                _ => ::std::result::Result::Ok(#err::generic(meta)),
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
        let (payload, content_type) = write_payload(svc, s, ev);
        // `:content-type` after the member headers, as the official marshallers write it.
        let content_type = content_type.map(|ct| {
            quote! { let message = ::smithygen_runtime::event_stream::message::with_content_type(message, #ct); }
        });
        let failed = format!("failed to marshall {name}");
        quote! {
            #union::#variant(input) => {
                let write = || -> ::std::result::Result<::smithygen_runtime::event_stream::Message, #we> {
                    #payload
                    #(#headers)*
                    #content_type
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

/// The statements making `message` (`:message-type`, `:event-type`, the payload) and the
/// `:content-type` the event carries, added after its headers.
fn write_payload(svc: &Service, s: &Structure, ev: &Event) -> (TokenStream, Option<&'static str>) {
    let name = &ev.name;
    let event = quote! { ::smithygen_runtime::event_stream::message::event };
    match &ev.payload {
        EventPayload::Member(p) => {
            let m = member(s, p);
            let f = ident(&m.field);
            let ct = payload_content_type(svc, m);
            let bytes = match &m.ty {
                Type::Blob { .. } => quote! { value.as_ref().to_vec() },
                Type::String => quote! { value.clone().into_bytes() },
                Type::Enum(_) => quote! { ::std::string::String::from(value.as_str()).into_bytes() },
                ty => value_body(svc, ser_value(svc, ty, quote! { value }, m.timestamp_format)),
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
            (quote! { let mut message = #event(#name, ::std::option::Option::None, #value); }, Some(ct))
        }
        EventPayload::Document(names) if names.is_empty() => {
            (quote! { let mut message = #event(#name, ::std::option::Option::None, ::std::vec::Vec::new()); }, None)
        }
        EventPayload::Document(names) => {
            let members: Vec<&Member> = names.iter().map(|n| member(s, n)).collect();
            let writes = ser_members(svc, &members, quote! { input });
            let (new_object, body) = (new_object(svc), object_body(svc, &ident("object")));
            let tokens = quote! {
                let mut object = #new_object;
                #writes
                let mut message = #event(#name, ::std::option::Option::None, #body);
            };
            (tokens, Some(event_content_type(svc)))
        }
    }
}

fn write_error(svc: &Service, es: &EventStream) -> TokenStream {
    let f = ident(&es.write_error);
    let err = error_path(es);
    let we = wire_error();
    let arms = es.errors.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        let s = svc.structure(&e.target);
        let members: Vec<&Member> = s.members.iter().collect();
        let writes = ser_members(svc, &members, quote! { input });
        let failed = format!("failed to marshall {name}");
        let (new_object, body) = (new_object(svc), object_body(svc, &ident("object")));
        // JSON error events are the runtime's default; another codec names its media type.
        let exception = match crate::protocol::rules(svc.protocol).body_codec() {
            BodyCodec::Json => quote! { ::smithygen_runtime::event_stream::message::exception(#name, payload) },
            BodyCodec::Cbor => {
                let ct = event_content_type(svc);
                quote! { ::smithygen_runtime::event_stream::message::exception_with_content_type(#name, #ct, payload) }
            }
        };
        quote! {
            #err::#variant(input) => {
                let write = || -> ::std::result::Result<::std::vec::Vec<u8>, #we> {
                    let mut object = #new_object;
                    #writes
                    ::std::result::Result::Ok(#body)
                };
                let payload = write().map_err(|e| ::smithygen_runtime::event_stream::EventStreamError::marshalling(format!("{}: {e}", #failed)))?;
                ::std::result::Result::Ok(#exception)
            }
        }
    });
    let doc = format!(" Writes an error event of `{}`: modeled errors as `exception` messages, `Unhandled` as an `error` message.", es.error);
    quote! {
        #[doc = #doc]
        #[allow(unused_mut, unused_variables, clippy::useless_conversion)]
        pub(crate) fn #f(error: #err) -> ::std::result::Result<::smithygen_runtime::event_stream::Message, ::smithygen_runtime::event_stream::EventStreamError> {
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

/// The value a builder gives a stream member left unset: a stream that ends at once (`None`
/// for any other member).
pub fn empty_stream(svc: &Service, m: &Member) -> Option<TokenStream> {
    Some(match member_plan(svc, m)? {
        (es, Direction::Output) => receiver(svc, es, quote! { ::aws_smithy_types::body::SdkBody::empty() }),
        (_, Direction::Input) => quote! {
            crate::primitives::event_stream::EventStreamSender::from(::smithygen_runtime::event_stream::empty_stream())
        },
    })
}

/// The output's stream member taken from a successful response whose body (`body`, an
/// `SdkBody` expression) is handed over unread: an `EventReceiver` reading the events as they
/// arrive (`None` for any other member).
pub fn response_stream(svc: &Service, m: &Member, body: TokenStream) -> Option<TokenStream> {
    match member_plan(svc, m) {
        Some((es, Direction::Output)) => Some(receiver(svc, es, body)),
        Some((_, Direction::Input)) => Some(quote! { compile_error!("an input event stream in a response") }),
        None if matches!(m.ty, Type::EventStream { .. }) => Some(quote! { compile_error!("an event stream without a plan") }),
        None => None,
    }
}

/// Statements of a request serializer for its input stream member `m` (the payload), read
/// from `source`: the request body `body` stays empty and the sender moves into local `stream`
/// until [`finish_request`] makes it the body.
pub fn request_body(m: &Member, source: &TokenStream, body: &Ident, stream: &Ident) -> TokenStream {
    let f = ident(&m.field);
    quote! {
        let #body = ::aws_smithy_types::body::SdkBody::empty();
        let #stream = #source.#f;
    }
}

/// The end of a request serializer whose payload `m` is an input stream, moved into local
/// `stream` by [`request_body`]: the request `finish` builds (a `Result`), with the stream as
/// its body, each event marshalled, signed and framed as the caller produces it.
///
/// An RPC protocol sends the input's other members (read from `source`) first, as the
/// `initial-request` event.
pub fn finish_request(svc: &Service, input: &Structure, m: &Member, source: &TokenStream, stream: &Ident, request: &Ident, finish: &TokenStream) -> TokenStream {
    let Some((es, Direction::Input)) = member_plan(svc, m) else {
        return quote! { compile_error!("a request payload that is not an input event stream with a plan") };
    };
    let (write_event, write_error) = (ident(&es.write_event), ident(&es.write_error));
    // The request's media type is the protocol's, as the plan's payload binding says.
    let content_type = match &plan_of(input).body {
        BodyBinding::Payload(payload) => payload.content_type.clone(),
        _ => return quote! { compile_error!("an input event stream that is not the request's payload") },
    };
    // Only an input with other members sends one, as smithy-rs does
    // (`handlesEventStreamInitialRequest`).
    if let Some(initial) = plan_of(input).initial_message.as_ref().filter(|i| !i.members.is_empty()) {
        // Members left at their default are not sent, as in any request document.
        let writes = write_document(svc, input, &initial.members, source, true);
        let (new_object, body) = (new_object(svc), object_body(svc, &ident("object")));
        let message = initial_message(initial, "initial-request", body);
        return quote! {
            let initial = {
                let mut object = #new_object;
                #writes
                #message
            };
            let mut #request = #finish?;
            ::smithygen_runtime::event_stream::sender_body_with_initial(
                #stream,
                initial,
                crate::protocol::event_streams::#write_event,
                crate::protocol::event_streams::#write_error,
                #content_type,
                &mut #request,
            );
            ::std::result::Result::Ok(#request)
        };
    }
    quote! {
        let mut #request = #finish?;
        ::smithygen_runtime::event_stream::sender_body(
            #stream,
            crate::protocol::event_streams::#write_event,
            crate::protocol::event_streams::#write_error,
            #content_type,
            &mut #request,
        );
        ::std::result::Result::Ok(#request)
    }
}

/// `read_initial_response` of an operation whose output stream comes with an
/// `initial-response` message (RPC protocols): the fluent builder's `send` calls it on the
/// output `invoke_streaming` returns, and it reads that message, if the stream starts with one,
/// into the output's other members, as the official SDKs' `send` does. `None` for any other
/// operation.
pub fn initial_response_reader(svc: &Service, op: &Operation) -> Option<TokenStream> {
    let output = svc.structure(&op.output);
    let initial = plan_of(output).initial_message.as_ref()?;
    let (stream, _, _) = message_stream(svc, &op.output, Direction::Output)?;
    let stream = ident(&stream.field);
    let output_path = shape_path(svc, &op.output);
    let builder = builder_path(output);
    let members: Vec<&Member> = initial.members.iter().map(|i| &output.members[*i]).collect();
    let read = read_body_members(svc, &members, quote! { body });
    let moves = members.iter().map(|m| {
        let f = ident(&m.field);
        if m.is_optional() {
            quote! { if builder.#f.is_some() { output.#f = builder.#f; } }
        } else {
            quote! { if let ::std::option::Option::Some(value) = builder.#f { output.#f = value; } }
        }
    });
    let module = ident(&op.module);
    let err = ident(&op.error);
    let http_response = quote! { ::aws_smithy_runtime_api::client::orchestrator::HttpResponse };
    let sdk_error = quote! { ::aws_smithy_runtime_api::client::result::SdkError<crate::operation::#module::#err, #http_response> };
    Some(quote! {
        /// Reads the `initial-response` event that starts the output stream, if it does, into
        /// the output's other members; any other first event stays for the first `recv`.
        /// An error here is a response error (the HTTP response is gone by now: its status
        /// stands in, with no body).
        #[allow(unused_mut, unused_variables, clippy::match_single_binding, clippy::needless_borrow)]
        pub(crate) async fn read_initial_response(mut output: #output_path) -> ::std::result::Result<#output_path, #sdk_error> {
            let response_error = |e: ::aws_smithy_runtime_api::box_error::BoxError| {
                ::aws_smithy_runtime_api::client::result::SdkError::response_error(
                    e,
                    #http_response::new(
                        ::aws_smithy_runtime_api::http::StatusCode::try_from(200u16).expect("200 is a status code"),
                        ::aws_smithy_types::body::SdkBody::empty(),
                    ),
                )
            };
            let message = output.#stream.try_recv_initial_response().await.map_err(|e| response_error(::std::boxed::Box::new(e)))?;
            let ::std::option::Option::Some(message) = message else { return ::std::result::Result::Ok(output) };
            let read = || -> ::std::result::Result<#builder, ::smithygen_runtime::protocol::WireError> {
                let side = ::smithygen_runtime::protocol::json::Side::Client;
                let body: &[u8] = message.payload();
                let mut builder = #builder::default();
                if !body.iter().all(u8::is_ascii_whitespace) {
                    #read
                }
                ::std::result::Result::Ok(builder)
            };
            let builder = read().map_err(|e| response_error(e.into()))?;
            #(#moves)*
            ::std::result::Result::Ok(output)
        }
    })
}
