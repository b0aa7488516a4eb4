//! The client's rendering of the binding plan: an operation's input becomes a request, a
//! response becomes its output or error. What goes where was decided by the protocol's plan
//! (`crate::protocol`); the parts shared with the server are in `http_bindings`, and an event
//! stream's part is `event_stream::client`'s.

use super::common::*;
use super::event_stream::client as event_streams;
use super::http_bindings::{plan_of, read_body, read_headers, text_of, when_set, write_document, write_headers};
use super::codec::ser_value;
use crate::ir::{
    BodyBinding, HostPiece, MessageBindings, Operation, PathPiece, PayloadBinding, PayloadKind, Service, Structure, TextValue, Type,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The `protocol/<op>.rs` file: `ser_request` and `de_response`.
pub fn operation_protocol(svc: &Service, op: &Operation) -> TokenStream {
    let ser = request_serializer(svc, op);
    let de = if op.output_stream.is_some() {
        stream_response_deserializer(svc, op)
    } else {
        response_deserializer(svc, op)
    };
    let initial = event_streams::initial_response_reader(svc, op);
    let doc = format!(" {} request and response handling for `{}`.", svc.protocol.label(), op.name);
    quote! {
        #![doc = #doc]
        #ser
        #de
        #initial
    }
}

/// `ser_request`: the input into an HTTP request, one rendering per part of the plan.
fn request_serializer(svc: &Service, op: &Operation) -> TokenStream {
    let input = svc.structure(&op.input);
    let plan = plan_of(input);
    let input_path = shape_path(svc, &op.input);
    let method = &op.http.method;
    let source = quote! { input };
    // Where a payload that streams (an input event stream) waits for the request to be built.
    let stream = format_ident!("event_stream");
    let path = write_path(input, plan);
    let query = write_query(input, plan);
    let host_prefix = write_host_prefix(input, plan);
    let headers = write_headers(input, plan, &source);
    let body = write_body(svc, input, plan, &stream);
    let finish = finish_request(svc, input, plan, &stream);
    quote! {
        /// Builds the HTTP request for the input; the URI is relative (path and query),
        /// the orchestrator puts the resolved endpoint in front of it.
        #[allow(unused_mut, unused_variables, clippy::needless_borrow, clippy::useless_conversion)]
        pub(crate) fn ser_request(
            input: #input_path,
        ) -> ::std::result::Result<::aws_smithy_runtime_api::client::orchestrator::HttpRequest, ::aws_smithy_runtime_api::box_error::BoxError> {
            let mut uri = ::std::string::String::new();
            #path
            #query
            let mut builder = ::http::Request::builder().method(#method).uri(uri);
            #host_prefix
            let mut headers = ::http::HeaderMap::new();
            #headers
            #body
            #finish
        }
    }
}

/// The path: literal pieces and labels, each label set and not empty.
fn write_path(input: &Structure, plan: &MessageBindings) -> TokenStream {
    let pieces = plan.path.iter().map(|piece| match piece {
        // A lone `/` between two labels is a char: clippy rejects `push_str("/")`.
        PathPiece::Literal(text) if text.len() == 1 => {
            let c = text.chars().next().unwrap_or('/');
            quote! { uri.push(#c); }
        }
        PathPiece::Literal(text) => quote! { uri.push_str(#text); },
        PathPiece::Label(label) => {
            let m = &input.members[label.member];
            let name = &m.name;
            let f = ident(&m.field);
            let text = text_of(&label.codec, quote! { value }, &format!("label {name}"));
            let greedy = label.greedy;
            let missing = format!("`{}` is bound to the URI label `{{{name}}}`: it must be set and not empty", m.bare.as_str());
            let take = if m.is_optional() {
                quote! { input.#f.as_ref().ok_or_else(|| ::aws_smithy_types::error::operation::BuildError::missing_field(#name, #missing))? }
            } else {
                quote! { &input.#f }
            };
            quote! {
                {
                    let value = #take;
                    let text = #text;
                    if text.is_empty() {
                        return ::std::result::Result::Err(::aws_smithy_types::error::operation::BuildError::missing_field(#name, #missing).into());
                    }
                    uri.push_str(&::smithygen_runtime::protocol::http::encode_label(&text, #greedy));
                }
            }
        }
    });
    quote! { #(#pieces)* }
}

/// The query string: literals, then bound members, then `@httpQueryParams` entries not
/// shadowed by them.
fn write_query(input: &Structure, plan: &MessageBindings) -> TokenStream {
    let source = quote! { input };
    let literals = plan.query_literals.iter().map(|(k, v)| match v {
        Some(v) => quote! { query.push_literal(#k, ::std::option::Option::Some(#v)); },
        None => quote! { query.push_literal(#k, ::std::option::Option::None); },
    });
    let members = plan.query.iter().map(|q| {
        let m = &input.members[q.member];
        let name = &q.name;
        let location = format!("query {name}");
        let push = match &q.value {
            TextValue::List { item, sparse, .. } => {
                let text = text_of(item, quote! { item }, &location);
                let items = if *sparse { quote! { value.iter().flatten() } } else { quote! { value.iter() } };
                quote! { for item in #items { query.push(#name, &#text); } }
            }
            TextValue::One(codec) => {
                let text = text_of(codec, quote! { value }, &location);
                quote! { query.push(#name, &#text); }
            }
        };
        when_set(m, &source, push)
    });
    let params = plan.query_params.iter().map(|q| {
        let m = &input.members[q.member];
        let shadowed = &q.shadowed;
        let text = text_of(&q.item, quote! { item }, "query params");
        let push = if q.multi {
            quote! { for item in items.iter() { query.push(key, &#text); } }
        } else {
            quote! { let item = items; query.push(key, &#text); }
        };
        when_set(
            m,
            &source,
            quote! {
                let mut entries: ::std::vec::Vec<_> = value.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, items) in entries {
                    if [#(#shadowed),*].contains(&key.as_str()) { continue; }
                    #push
                }
            },
        )
    });
    quote! {
        let mut query = ::smithygen_runtime::protocol::http::QueryWriter::new();
        #(#literals)*
        #(#members)*
        #(#params)*
        uri.push_str(&query.finish());
    }
}

/// `@endpoint(hostPrefix)`: the prefix with its `{label}`s filled from `@hostLabel`
/// members, handed to the orchestrator (which puts it before the endpoint's host)
/// as a request extension.
fn write_host_prefix(input: &Structure, plan: &MessageBindings) -> TokenStream {
    if plan.host_prefix.is_empty() {
        return quote! {};
    }
    let pieces = plan.host_prefix.iter().map(|piece| match piece {
        HostPiece::Literal(text) => quote! { prefix.push_str(#text); },
        HostPiece::Label { member, name } => {
            let m = &input.members[*member];
            let f = ident(&m.field);
            let missing = format!("`{}` is bound to the host prefix label `{{{name}}}`: it must be set and not empty", m.bare.as_str());
            let value = if m.is_optional() { quote! { input.#f.as_deref().unwrap_or_default() } } else { quote! { input.#f.as_str() } };
            quote! {
                let value: &str = #value;
                if value.is_empty() {
                    return ::std::result::Result::Err(::aws_smithy_types::error::operation::BuildError::missing_field(#name, #missing).into());
                }
                prefix.push_str(value);
            }
        }
    });
    quote! {
        {
            let mut prefix = ::std::string::String::new();
            #(#pieces)*
            builder = builder.extension(::aws_smithy_runtime_api::client::endpoint::EndpointPrefix::new(prefix)?);
        }
    }
}

/// `let body`: the payload member, or a JSON document of the body members. A payload that
/// streams moves into local `stream` for [`finish_request`].
fn write_body(svc: &Service, input: &Structure, plan: &MessageBindings, stream: &Ident) -> TokenStream {
    let http = quote! { ::smithygen_runtime::protocol::http };
    match &plan.body {
        BodyBinding::Empty => quote! { let body = ::aws_smithy_types::body::SdkBody::empty(); },
        BodyBinding::Payload(p) => write_payload(svc, input, p, stream),
        BodyBinding::Document { members, content_type } => {
            // A top-level member left at its default is not sent: the service applies the same
            // default, and a client must not turn "unset" into an explicit value.
            let writes = write_document(svc, input, members, &quote! { input }, true);
            let (new_object, body) = (super::codec::new_object(svc), super::codec::object_body(svc, &format_ident!("object")));
            quote! {
                let mut object = #new_object;
                #writes
                #http::default_content_type(&mut headers, #content_type);
                let body = ::aws_smithy_types::body::SdkBody::from(#body);
            }
        }
    }
}

fn write_payload(svc: &Service, input: &Structure, p: &PayloadBinding, stream: &Ident) -> TokenStream {
    let m = &input.members[p.member];
    let f = ident(&m.field);
    let ct = &p.content_type;
    let content_type = quote! { ::smithygen_runtime::protocol::http::default_content_type(&mut headers, #ct); };
    // The member moves into the body: no copy of the payload.
    let make = match p.kind {
        PayloadKind::EventStream => return event_streams::request_body(m, &quote! { input }, &format_ident!("body"), stream),
        PayloadKind::StreamingBlob => quote! { value.into_inner() },
        PayloadKind::Blob => quote! { ::aws_smithy_types::body::SdkBody::from(value.into_inner()) },
        PayloadKind::Text => quote! { ::aws_smithy_types::body::SdkBody::from(value) },
        PayloadKind::EnumText => quote! { ::aws_smithy_types::body::SdkBody::from(::std::string::String::from(value.as_str())) },
        PayloadKind::Json => {
            let value = ser_value(svc, &m.ty, quote! { value }, m.timestamp_format);
            let body = super::codec::value_body(svc, value);
            quote! { { let value = &value; ::aws_smithy_types::body::SdkBody::from(#body) } }
        }
    };
    let unset = if p.unset_as_empty_object {
        quote! { ::aws_smithy_types::body::SdkBody::from("{}") }
    } else {
        quote! { ::aws_smithy_types::body::SdkBody::empty() }
    };
    if m.is_optional() {
        let ct_unset = p.unset_as_empty_object.then(|| content_type.clone());
        quote! {
            let body = match input.#f {
                ::std::option::Option::Some(value) => { #content_type #make }
                ::std::option::Option::None => { #ct_unset #unset }
            };
        }
    } else {
        quote! { let body = { let value = input.#f; #content_type #make }; }
    }
}

/// Statements reading a response's status, headers and body into `builder` (`status`,
/// `headers` and `body: &[u8]` in scope). A stream payload is left for the caller to take.
pub fn response_members(svc: &Service, s: &Structure) -> TokenStream {
    let plan = plan_of(s);
    let headers = read_headers(svc, s, plan, &quote! { headers });
    let status = plan.status.map(|i| {
        let set = ident(&s.members[i].setter);
        quote! { builder = builder.#set(::std::option::Option::Some(status as i32)); }
    });
    let body = read_body(svc, s, &quote! { body }, quote! { ::aws_smithy_types::byte_stream::ByteStream::from(body.to_vec()) });
    let corrected = error_correction(svc, s, plan);
    quote! {
        // A client reads responses leniently (see `Side`).
        let side = ::smithygen_runtime::protocol::json::Side::Client;
        #headers
        #status
        #body
        #corrected
    }
}

/// Client error correction (smithy.io/2.0/spec/aggregate-types.html#client-error-correction):
/// a `@required` member of the body, without a default, that the response left out gets its
/// type's zero value, as the official SDK's builders fill it, so a service that fails to
/// serialize one does not fail the call. Structures, unions and documents are left unset.
fn error_correction(svc: &Service, s: &Structure, plan: &MessageBindings) -> TokenStream {
    let BodyBinding::Document { members, .. } = &plan.body else { return quote! {} };
    let fixes = members.iter().map(|i| &s.members[*i]).filter(|m| m.required && m.default.is_none()).filter_map(|m| {
        let zero = match &m.ty {
            Type::String => quote! { ::std::string::String::new() },
            Type::Boolean => quote! { false },
            Type::Byte => quote! { 0i8 },
            Type::Short => quote! { 0i16 },
            Type::Integer => quote! { 0i32 },
            Type::Long => quote! { 0i64 },
            Type::Float => quote! { 0.0f32 },
            Type::Double => quote! { 0.0f64 },
            Type::Timestamp => quote! { ::aws_smithy_types::DateTime::from_secs(0) },
            Type::Blob { streaming: false } => quote! { ::aws_smithy_types::Blob::new(::std::vec::Vec::new()) },
            Type::List(_) => quote! { ::std::vec::Vec::new() },
            Type::Map(_) => quote! { ::std::collections::HashMap::new() },
            Type::Enum(id) => {
                let path = shape_path(svc, id);
                quote! { <#path as ::std::convert::From<&str>>::from("") }
            }
            _ => return None,
        };
        let (get, set) = (ident(&m.getter), ident(&m.setter));
        Some(quote! {
            if builder.#get().is_none() {
                builder = builder.#set(::std::option::Option::Some(#zero));
            }
        })
    });
    quote! { #(#fixes)* }
}

fn response_deserializer(svc: &Service, op: &Operation) -> TokenStream {
    let output = svc.structure(&op.output);
    let output_path = shape_path(svc, &op.output);
    let builder = builder_path(output);
    let read = response_members(svc, output);
    let request_id = request_id(&quote! { headers });
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let de_error = error_reader(svc, op);
    quote! {
        /// Reads the response: the output on success, the operation's error otherwise.
        /// A response that cannot be read is a response error, never a panic.
        pub(crate) fn de_response(
            response: &::aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        ) -> ::std::result::Result<#output_path, ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError<#err_path>> {
            let status = response.status().as_u16();
            let headers = response.headers();
            let body: &[u8] = response.body().bytes().unwrap_or_default();
            if !(200..300).contains(&status) {
                return ::std::result::Result::Err(::aws_smithy_runtime_api::client::orchestrator::OrchestratorError::operation(
                    de_error(status, headers, body),
                ));
            }
            de_output(status, headers, body).map_err(|e| ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError::response(e.into()))
        }

        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        fn de_output(
            status: u16,
            headers: &::aws_smithy_runtime_api::http::Headers,
            body: &[u8],
        ) -> ::std::result::Result<#output_path, ::smithygen_runtime::protocol::WireError> {
            let mut builder = #builder::default();
            #read
            #request_id
            ::std::result::Result::Ok(builder.build())
        }

        #de_error
    }
}

/// A statement setting the output's request id (`x-amzn-RequestId`, as `RequestId` reads it)
/// on `builder` from `headers` (a `Headers`).
fn request_id(headers: &TokenStream) -> TokenStream {
    quote! {
        builder._set_request_id(::aws_types::request_id::RequestId::request_id(#headers).map(::std::string::ToString::to_string));
    }
}

/// `de_error`: an error response (read whole) into the operation's error, the modeled one
/// picked by code (`X-Amzn-ErrorType`, then `code`, then `__type`). Shared by buffered and
/// streamed operations.
pub fn error_reader(svc: &Service, op: &Operation) -> TokenStream {
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let error_metadata: TokenStream =
        crate::protocol::rules(svc.protocol).error_metadata_fn().parse().expect("the protocol names a runtime function");
    let arms = op.errors.iter().map(|e| {
        let s = svc.structure(e);
        let code = &s.wire_name;
        // An awsQuery-compatible service's error is also known by its awsQuery code.
        let query_code = s.error.as_ref().and_then(|e| e.query_code.as_ref()).map(|q| quote! { | ::std::option::Option::Some(#q) });
        let v = super::common::error_variant(s);
        let f = super::codec::de_fn(svc, e);
        quote! {
            ::std::option::Option::Some(#code) #query_code => crate::protocol::errors::#f(status, headers, body)
                .map_or_else(#err_path::unhandled, |builder| #err_path::#v(builder.meta(meta).build())),
        }
    });
    quote! {
        /// Picks the modeled error by code (`X-Amzn-ErrorType`, then `code`, then `__type`).
        #[allow(unused_variables)]
        fn de_error(status: u16, headers: &::aws_smithy_runtime_api::http::Headers, body: &[u8]) -> #err_path {
            let meta = #error_metadata(headers, body).build();
            match meta.code() {
                #(#arms)*
                _ => #err_path::generic(meta),
            }
        }
    }
}

/// `protocol/errors.rs`: one reader per error structure, shared by operations.
pub fn error_readers(svc: &Service) -> TokenStream {
    let mut ids: Vec<&String> = svc.operations.iter().flat_map(|o| o.errors.iter()).collect();
    ids.sort();
    ids.dedup();
    let readers = ids.into_iter().map(|id| {
        let s = svc.structure(id);
        let f = super::codec::de_fn(svc, id);
        let builder = builder_path(s);
        let read = response_members(svc, s);
        quote! {
            #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
            pub(crate) fn #f(
                status: u16,
                headers: &::aws_smithy_runtime_api::http::Headers,
                body: &[u8],
            ) -> ::std::result::Result<#builder, ::smithygen_runtime::protocol::WireError> {
                let mut builder = #builder::default();
                #read
                ::std::result::Result::Ok(builder)
            }
        }
    });
    quote! {
        //! Readers for modeled errors: headers and JSON body into the error's builder.
        #(#readers)*
    }
}

/// The end of `ser_request`: the request, or the request with a payload that streams (an
/// input event stream, moved into local `stream` by `write_body`) as its body.
fn finish_request(svc: &Service, input: &Structure, plan: &MessageBindings, stream: &Ident) -> TokenStream {
    let finish = quote! { ::smithygen_runtime::protocol::http::finish_request(builder, headers, body) };
    match plan.payload() {
        Some(p) if p.kind == PayloadKind::EventStream => {
            event_streams::finish_request(svc, input, &input.members[p.member], &quote! { input }, stream, &format_ident!("request"), &finish)
        }
        _ => finish,
    }
}

/// `de_response` of an operation whose output is a stream, for `invoke_streaming`: on 2xx the
/// headers are read and the body is taken unread into the output's `EventReceiver` or
/// `ByteStream`; error responses are read whole, as for other operations.
fn stream_response_deserializer(svc: &Service, op: &Operation) -> TokenStream {
    let output = svc.structure(&op.output);
    let output_path = shape_path(svc, &op.output);
    let builder = builder_path(output);
    let stream_name = op.output_stream.as_deref().unwrap_or_default();
    // Every member but the stream is read from the status and headers.
    let read = response_members(svc, output);
    let request_id = request_id(&quote! { headers });
    let take = output.members.iter().find(|m| m.name == stream_name).map(|m| {
        let set = ident(&m.setter);
        let body = quote! { ::std::mem::replace(response.body_mut(), ::aws_smithy_types::body::SdkBody::taken()) };
        let value = event_streams::response_stream(svc, m, body.clone())
            .unwrap_or_else(|| quote! { ::aws_smithy_types::byte_stream::ByteStream::new(#body) });
        quote! { builder = builder.#set(::std::option::Option::Some(#value)); }
    });
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let de_error = error_reader(svc, op);
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
                #request_id
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
