//! restJson1 HTTP bindings: how an operation's input becomes a request and a
//! response becomes its output or error. Everything specific to restJson1
//! (default timestamp formats per location, content types, where the error
//! code comes from) lives here; shape emitters know nothing of it.

use crate::protocol::rules;
use super::common::*;
use super::json_codec::{de_value, format_path, read_body_members, ser_members, ser_value};
use crate::ir::{Binding, Member, Operation, PathSegment, Service, Structure, TimestampFormat, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The `protocol/<op>.rs` file: `ser_request` and `de_response`.
pub fn operation_protocol(svc: &Service, op: &Operation) -> TokenStream {
    let ser = request_serializer(svc, op);
    let de = if super::event_stream::streams_output(op) {
        super::event_stream::response_deserializer(svc, op)
    } else {
        response_deserializer(svc, op)
    };
    let doc = format!(" restJson1 request and response handling for `{}`.", op.name);
    quote! {
        #![doc = #doc]
        #ser
        #de
    }
}

/// Text for a value in a label, query string or header. `v` is `&T`.
pub(crate) fn text_value(ty: &Type, v: TokenStream, ts: TimestampFormat, media_type: bool, location: &str) -> TokenStream {
    let http = quote! { ::smithygen_runtime::protocol::http };
    match ty {
        Type::String if media_type => quote! { #http::base64_encode(#v.as_bytes()) },
        Type::String => quote! { ::std::string::String::from(#v.as_str()) },
        Type::Boolean | Type::Byte | Type::Short | Type::Integer | Type::Long => quote! { #v.to_string() },
        Type::Float => quote! { #http::fmt_f32(*#v) },
        Type::Double => quote! { #http::fmt_float(*#v) },
        Type::BigInteger | Type::BigDecimal => quote! { ::std::string::String::from(::std::convert::AsRef::<str>::as_ref(#v)) },
        Type::Timestamp => {
            let f = format_path(ts);
            quote! { #http::fmt_timestamp(#v, #f, #location)? }
        }
        Type::Enum(_) => quote! { ::std::string::String::from(#v.as_str()) },
        Type::IntEnum(_) => quote! { #v.value().to_string() },
        Type::Blob { .. } => quote! { #http::base64_encode(#v.as_ref()) },
        _ => {
            let msg = format!("{location}: this type cannot be bound to a header, label or query");
            quote! { compile_error!(#msg) }
        }
    }
}

/// Reads `text` (a `&str`) as `T`, `Result<T, WireError>`.
pub(crate) fn parse_text(svc: &Service, ty: &Type, text: TokenStream, ts: TimestampFormat, media_type: bool, location: &str) -> TokenStream {
    let http = quote! { ::smithygen_runtime::protocol::http };
    match ty {
        Type::String if media_type => quote! { #http::base64_decode_string(#text, #location) },
        Type::String => quote! { ::std::result::Result::<_, ::smithygen_runtime::protocol::WireError>::Ok(::std::string::String::from(#text)) },
        Type::Boolean => quote! { #http::parse_bool(#text, #location) },
        Type::Byte => quote! { #http::parse_value::<i8>(#text, #location, "byte") },
        Type::Short => quote! { #http::parse_value::<i16>(#text, #location, "short") },
        Type::Integer => quote! { #http::parse_value::<i32>(#text, #location, "integer") },
        Type::Long => quote! { #http::parse_value::<i64>(#text, #location, "long") },
        Type::Float => quote! { #http::parse_float(#text, #location).map(|f| f as f32) },
        Type::Double => quote! { #http::parse_float(#text, #location) },
        Type::BigInteger | Type::BigDecimal => {
            let t = rust_type(svc, ty);
            quote! { #http::parse_value::<#t>(#text, #location, "number") }
        }
        Type::Timestamp => {
            let f = format_path(ts);
            quote! { #http::parse_timestamp(#text, #f, #location) }
        }
        Type::Enum(_) => {
            let t = rust_type(svc, ty);
            quote! { ::std::result::Result::<_, ::smithygen_runtime::protocol::WireError>::Ok(<#t>::from(#text)) }
        }
        Type::IntEnum(_) => {
            let t = rust_type(svc, ty);
            quote! { #http::parse_value::<i32>(#text, #location, "integer").map(<#t>::from) }
        }
        Type::Blob { .. } => quote! { #http::base64_decode(#text, #location).map(::aws_smithy_types::Blob::new) },
        _ => {
            let msg = format!("{location}: this type cannot be read from a header");
            quote! { compile_error!(#msg) }
        }
    }
}

fn member_by_name<'a>(s: &'a Structure, name: &str) -> Option<&'a Member> {
    s.members.iter().find(|m| m.name == name)
}

fn request_serializer(svc: &Service, op: &Operation) -> TokenStream {
    let input = svc.structure(&op.input);
    let input_path = shape_path(svc, &op.input);
    let method = &op.http.method;

    // Path: literal pieces and labels.
    let path = op.http.path.iter().map(|seg| match seg {
        // A lone `/` between two labels is a char: clippy rejects `push_str("/")`.
        PathSegment::Literal(text) if text.len() == 1 => {
            let c = text.chars().next().unwrap_or('/');
            quote! { uri.push(#c); }
        }
        PathSegment::Literal(text) => quote! { uri.push_str(#text); },
        PathSegment::Label { member, greedy } => {
            let Some(m) = member_by_name(input, member) else {
                return quote! { compile_error!("label without member") };
            };
            let f = ident(&m.field);
            let location = format!("label {}", m.name);
            let text = text_value(&m.ty, quote! { value }, rules(&svc.protocol).uri_timestamp(m), false, &location);
            let missing = format!("`{}` is bound to the URI label `{{{}}}`: it must be set and not empty", m.bare.as_str(), m.name);
            let take = if m.is_optional() {
                quote! { input.#f.as_ref().ok_or_else(|| ::aws_smithy_types::error::operation::BuildError::missing_field(#member, #missing))? }
            } else {
                quote! { &input.#f }
            };
            quote! {
                {
                    let value = #take;
                    let text = #text;
                    if text.is_empty() {
                        return ::std::result::Result::Err(::aws_smithy_types::error::operation::BuildError::missing_field(#member, #missing).into());
                    }
                    uri.push_str(&::smithygen_runtime::protocol::http::encode_label(&text, #greedy));
                }
            }
        }
    });

    // Query string: literals, then bound members, then @httpQueryParams not shadowed by them.
    let literals = op.http.query_literals.iter().map(|(k, v)| match v {
        Some(v) => quote! { query.push_literal(#k, ::std::option::Option::Some(#v)); },
        None => quote! { query.push_literal(#k, ::std::option::Option::None); },
    });
    let bound_query_names: Vec<String> = input
        .members
        .iter()
        .filter_map(|m| match &m.binding {
            Binding::Query(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let query_members = input.members.iter().filter_map(|m| {
        let Binding::Query(name) = &m.binding else { return None };
        let f = ident(&m.field);
        let location = format!("query {name}");
        let ts = rules(&svc.protocol).uri_timestamp(m);
        let push = match &m.ty {
            Type::List(c) => {
                let text = text_value(&c.item, quote! { item }, c.item_timestamp_format.unwrap_or(ts), false, &location);
                if c.sparse {
                    quote! { for item in value.iter().flatten() { query.push(#name, &#text); } }
                } else {
                    quote! { for item in value.iter() { query.push(#name, &#text); } }
                }
            }
            ty => {
                let text = text_value(ty, quote! { value }, ts, false, &location);
                quote! { query.push(#name, &#text); }
            }
        };
        Some(bind_optional(m, &f, push))
    });
    let query_params = input.members.iter().filter(|m| m.binding == Binding::QueryParams).map(|m| {
        let f = ident(&m.field);
        let push = match &m.ty {
            Type::Map(c) => match &c.item {
                Type::List(inner) => {
                    let text = text_value(&inner.item, quote! { item }, rules(&svc.protocol).uri_timestamps(), false, "query params");
                    quote! {
                        let mut entries: ::std::vec::Vec<_> = value.iter().collect();
                        entries.sort_by(|a, b| a.0.cmp(b.0));
                        for (key, items) in entries {
                            if [#(#bound_query_names),*].contains(&key.as_str()) { continue; }
                            for item in items.iter() { query.push(key, &#text); }
                        }
                    }
                }
                item => {
                    let text = text_value(item, quote! { item }, rules(&svc.protocol).uri_timestamps(), false, "query params");
                    quote! {
                        let mut entries: ::std::vec::Vec<_> = value.iter().collect();
                        entries.sort_by(|a, b| a.0.cmp(b.0));
                        for (key, item) in entries {
                            if [#(#bound_query_names),*].contains(&key.as_str()) { continue; }
                            query.push(key, &#text);
                        }
                    }
                }
            },
            _ => quote! { compile_error!("@httpQueryParams must target a map"); },
        };
        bind_optional(m, &f, push)
    });

    let host_prefix = op.host_prefix.as_deref().map(|p| host_prefix(input, p));

    // Headers.
    let headers = input.members.iter().filter_map(|m| match &m.binding {
        Binding::Header(name) => {
            let f = ident(&m.field);
            let location = format!("header {name}");
            let ts = rules(&svc.protocol).header_timestamp(m);
            let media = m.media_type.is_some();
            let set = match &m.ty {
                Type::List(c) => {
                    let text = text_value(&c.item, quote! { item }, c.item_timestamp_format.unwrap_or(ts), c.item_media_type.is_some(), &location);
                    // Strings are quoted when they contain a comma or quote; http-dates never are.
                    let quote_it = rules(&svc.protocol).quotes_header_item(&c.item);
                    let item_text = if quote_it {
                        quote! { ::smithygen_runtime::protocol::http::quote_header_item(&#text).into_owned() }
                    } else {
                        text
                    };
                    quote! {
                        let items: ::std::vec::Vec<::std::string::String> = value
                            .iter()
                            .map(|item| -> ::std::result::Result<_, ::aws_smithy_runtime_api::box_error::BoxError> { ::std::result::Result::Ok(#item_text) })
                            .collect::<::std::result::Result<_, _>>()?;
                        if !items.is_empty() {
                            builder = builder.header(#name, ::smithygen_runtime::protocol::http::header_value(&items.join(", "), #location)?);
                        }
                    }
                }
                ty => {
                    let text = text_value(ty, quote! { value }, ts, media, &location);
                    quote! {
                        let text = #text;
                        builder = builder.header(#name, ::smithygen_runtime::protocol::http::header_value(&text, #location)?);
                    }
                }
            };
            Some(bind_optional(m, &f, set))
        }
        Binding::PrefixHeaders(prefix) => {
            let f = ident(&m.field);
            let location = format!("headers {prefix}*");
            // A header bound to its own member wins over a map entry of the same name.
            let bound: Vec<String> = input
                .members
                .iter()
                .filter_map(|m| match &m.binding {
                    Binding::Header(name) => Some(name.to_ascii_lowercase()),
                    _ => None,
                })
                .collect();
            let set = quote! {
                for (key, item) in value.iter() {
                    let name = format!("{}{}", #prefix, key);
                    if [#(#bound),*].contains(&name.to_ascii_lowercase().as_str()) {
                        continue;
                    }
                    builder = builder.header(name, ::smithygen_runtime::protocol::http::header_value(item, #location)?);
                }
            };
            Some(bind_optional(m, &f, set))
        }
        _ => None,
    });

    // Body: the payload member, or a JSON document of the unbound members.
    let payload = input.members.iter().find(|m| m.binding == Binding::Payload);
    let body_members: Vec<&Member> = input.members.iter().filter(|m| m.binding == Binding::Body).collect();
    let body = match payload {
        Some(m) => payload_body(svc, m),
        None if body_members.is_empty() => quote! { let body = ::aws_smithy_types::body::SdkBody::empty(); },
        None => {
            // A top-level member left at its default is not sent: the service applies the same
            // default, and a client must not turn "unset" into an explicit value.
            let writes = body_members.iter().map(|m| {
                let write = ser_members(svc, &[m], quote! { input });
                if m.is_optional() {
                    write
                } else {
                    let f = ident(&m.field);
                    let default = super::shapes::default_value(svc, m);
                    // Clippy rejects `!= false`; a boolean is its own condition.
                    let changed = match (&m.ty, &m.default) {
                        (Type::Boolean, Some(serde_json::Value::Bool(true))) => quote! { !input.#f },
                        (Type::Boolean, _) => quote! { input.#f },
                        _ => quote! { input.#f != #default },
                    };
                    quote! { if #changed { #write } }
                }
            });
            let writes = quote! { #(#writes)* };
            let body_ct = rules(&svc.protocol).body_content_type();
            quote! {
                let mut object = ::serde_json::Map::new();
                #writes
                if !builder.headers_ref().is_some_and(|h| h.contains_key("content-type")) {
                    builder = builder.header("Content-Type", #body_ct);
                }
                let body = ::aws_smithy_types::body::SdkBody::from(::smithygen_runtime::protocol::json::to_body(&::serde_json::Value::Object(object)));
            }
        }
    };

    let finish = super::event_stream::finish_request(svc, payload);
    quote! {
        /// Builds the HTTP request for the input; the URI is relative (path and query),
        /// the orchestrator puts the resolved endpoint in front of it.
        #[allow(unused_mut, unused_variables, clippy::needless_borrow, clippy::useless_conversion)]
        pub(crate) fn ser_request(
            input: #input_path,
        ) -> ::std::result::Result<::aws_smithy_runtime_api::client::orchestrator::HttpRequest, ::aws_smithy_runtime_api::box_error::BoxError> {
            let mut uri = ::std::string::String::new();
            #(#path)*
            let mut query = ::smithygen_runtime::protocol::http::QueryWriter::new();
            #(#literals)*
            #(#query_members)*
            #(#query_params)*
            uri.push_str(&query.finish());
            let mut builder = ::http::Request::builder().method(#method).uri(uri);
            #host_prefix
            #(#headers)*
            #body
            #finish
        }
    }
}

/// `@endpoint(hostPrefix)`: the prefix with its `{label}`s filled from `@hostLabel`
/// members, handed to the orchestrator (which puts it before the endpoint's host)
/// as a request extension.
fn host_prefix(input: &Structure, pattern: &str) -> TokenStream {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.is_empty() {
            pieces.push(quote! { prefix.push_str(#literal); });
        }
        let Some(close) = rest[open..].find('}') else { break };
        let label = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let Some(m) = member_by_name(input, label) else {
            let msg = format!("hostPrefix label `{label}` has no input member");
            pieces.push(quote! { compile_error!(#msg); });
            continue;
        };
        let f = ident(&m.field);
        let missing = format!("`{}` is bound to the host prefix label `{{{label}}}`: it must be set and not empty", m.bare.as_str());
        let value = if m.is_optional() { quote! { input.#f.as_deref().unwrap_or_default() } } else { quote! { input.#f.as_str() } };
        pieces.push(quote! {
            let value: &str = #value;
            if value.is_empty() {
                return ::std::result::Result::Err(::aws_smithy_types::error::operation::BuildError::missing_field(#label, #missing).into());
            }
            prefix.push_str(value);
        });
    }
    if !rest.is_empty() {
        pieces.push(quote! { prefix.push_str(#rest); });
    }
    quote! {
        {
            let mut prefix = ::std::string::String::new();
            #(#pieces)*
            builder = builder.extension(::aws_smithy_runtime_api::client::endpoint::EndpointPrefix::new(prefix)?);
        }
    }
}

/// Runs `code` with `value: &T` when the member is set (always for defaulted members).
fn bind_optional(m: &Member, f: &proc_macro2::Ident, code: TokenStream) -> TokenStream {
    if m.is_optional() {
        quote! { if let ::std::option::Option::Some(value) = &input.#f { #code } }
    } else {
        quote! { { let value = &input.#f; #code } }
    }
}

fn payload_body(svc: &Service, m: &Member) -> TokenStream {
    let f = ident(&m.field);
    let payload_ct = rules(&svc.protocol).payload_content_type(m);
    let content_type = |_: ()| {
        let ct = &payload_ct;
        quote! {
            if !builder.headers_ref().is_some_and(|h| h.contains_key("content-type")) {
                builder = builder.header("Content-Type", #ct);
            }
        }
    };
    // `value` is the member's value; a member with a default is always there.
    let body_of = |by_ref: bool, make: TokenStream| {
        let source = if by_ref { quote! { &input.#f } } else { quote! { input.#f } };
        if m.is_optional() {
            quote! {
                let body = match #source {
                    ::std::option::Option::Some(value) => { #make }
                    ::std::option::Option::None => ::aws_smithy_types::body::SdkBody::empty(),
                };
            }
        } else {
            quote! { let body = { let value = #source; #make }; }
        }
    };
    match &m.ty {
        Type::EventStream { .. } => super::event_stream::request_body(m),
        Type::Blob { streaming } => {
            let ct = content_type(());
            // The blob moves into the body: no copy of the payload.
            let into_body = if *streaming {
                quote! { value.into_inner() }
            } else {
                quote! { ::aws_smithy_types::body::SdkBody::from(value.into_inner()) }
            };
            body_of(false, quote! { #ct #into_body })
        }
        Type::String | Type::Enum(_) => {
            let ct = content_type(());
            let text = if m.ty == Type::String { quote! { value } } else { quote! { ::std::string::String::from(value.as_str()) } };
            body_of(false, quote! { #ct ::aws_smithy_types::body::SdkBody::from(#text) })
        }
        Type::Structure(_) if m.is_optional() => {
            // An unset structure payload is sent as an empty object, as restJson1 asks.
            let ct = content_type(());
            let value = ser_value(svc, &m.ty, quote! { value }, m.timestamp_format);
            quote! {
                #ct
                let body = match &input.#f {
                    ::std::option::Option::Some(value) => ::aws_smithy_types::body::SdkBody::from(::smithygen_runtime::protocol::json::to_body(&#value)),
                    ::std::option::Option::None => ::aws_smithy_types::body::SdkBody::from("{}"),
                };
            }
        }
        ty => {
            let ct = content_type(());
            let value = ser_value(svc, ty, quote! { value }, m.timestamp_format);
            body_of(
                true,
                quote! { #ct ::aws_smithy_types::body::SdkBody::from(::smithygen_runtime::protocol::json::to_body(&#value)) },
            )
        }
    }
}

/// Statements reading a response's headers, status and body into `builder`.
pub fn response_members(svc: &Service, s: &Structure) -> TokenStream {
    let reads = s.members.iter().filter_map(|m| {
        let set = ident(&m.setter);
        match &m.binding {
            Binding::Header(name) => {
                let location = format!("header {name}");
                let ts = rules(&svc.protocol).header_timestamp(m);
                let read = match &m.ty {
                    Type::List(c) => {
                        let item_ts = c.item_timestamp_format.unwrap_or(ts);
                        let parse = parse_text(svc, &c.item, quote! { item.as_str() }, item_ts, c.item_media_type.is_some(), &location);
                        let split = if c.item == Type::Timestamp && item_ts == TimestampFormat::HttpDate {
                            quote! { ::smithygen_runtime::protocol::http::split_http_dates(headers.get_all(#name)) }
                        } else {
                            quote! { ::smithygen_runtime::protocol::http::split_header_list(headers.get_all(#name), #location)? }
                        };
                        let wrap = if c.sparse { quote! { .map(::std::option::Option::Some) } } else { quote! {} };
                        quote! {
                            if headers.contains_key(#name) {
                                let items = #split;
                                let values = items.iter().map(|item| #parse #wrap).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?;
                                builder = builder.#set(::std::option::Option::Some(values));
                            }
                        }
                    }
                    Type::String if m.media_type.is_none() => quote! {
                        if let ::std::option::Option::Some(text) = headers.get(#name) {
                            builder = builder.#set(::std::option::Option::Some(::std::string::String::from(text)));
                        }
                    },
                    ty => {
                        let parse = parse_text(svc, ty, quote! { text }, ts, m.media_type.is_some(), &location);
                        quote! {
                            if let ::std::option::Option::Some(text) = headers.get(#name) {
                                builder = builder.#set(::std::option::Option::Some(#parse?));
                            }
                        }
                    }
                };
                Some(read)
            }
            Binding::PrefixHeaders(prefix) => {
                let lower = prefix.to_ascii_lowercase();
                Some(quote! {
                    {
                        let mut map = ::std::collections::HashMap::new();
                        for (key, value) in headers.iter() {
                            if key.len() >= #lower.len() && key[..#lower.len()].eq_ignore_ascii_case(#lower) {
                                map.insert(::std::string::String::from(&key[#lower.len()..]), ::std::string::String::from(value));
                            }
                        }
                        if !map.is_empty() {
                            builder = builder.#set(::std::option::Option::Some(map));
                        }
                    }
                })
            }
            Binding::ResponseCode => Some(quote! {
                builder = builder.#set(::std::option::Option::Some(status as i32));
            }),
            Binding::Payload => Some(match &m.ty {
                Type::Blob { streaming: false } => quote! {
                    // The one copy of the payload: from the response buffer into the output.
                    // An empty body is an unset payload.
                    if !body.is_empty() {
                        builder = builder.#set(::std::option::Option::Some(::aws_smithy_types::Blob::new(body.to_vec())));
                    }
                },
                Type::Blob { streaming: true } => quote! {
                    builder = builder.#set(::std::option::Option::Some(::aws_smithy_types::byte_stream::ByteStream::from(body.to_vec())));
                },
                Type::String => quote! {
                    if !body.is_empty() {
                        let text = ::std::string::String::from_utf8(body.to_vec())
                            .map_err(|_| ::smithygen_runtime::protocol::WireError::new("body", "is not valid UTF-8"))?;
                        builder = builder.#set(::std::option::Option::Some(text));
                    }
                },
                Type::Enum(_) => {
                    let t = rust_type(svc, &m.ty);
                    quote! {
                        if !body.is_empty() {
                            let text = ::std::str::from_utf8(body)
                                .map_err(|_| ::smithygen_runtime::protocol::WireError::new("body", "is not valid UTF-8"))?;
                            builder = builder.#set(::std::option::Option::Some(<#t>::from(text)));
                        }
                    }
                }
                ty => {
                    let read = de_value(svc, ty, quote! { &document }, m.timestamp_format);
                    let read = if m.boxed { quote! { #read.map(::std::boxed::Box::new) } } else { read };
                    quote! {
                        if !body.iter().all(u8::is_ascii_whitespace) {
                            let document = ::smithygen_runtime::protocol::json::parse_body(body)?;
                            builder = builder.#set(::std::option::Option::Some(#read.map_err(|e| e.in_body())?));
                        }
                    }
                }
            }),
            _ => None,
        }
    });
    // Query and label bindings mean nothing in a response: such members travel in the body.
    let body_members: Vec<&Member> = s
        .members
        .iter()
        .filter(|m| matches!(m.binding, Binding::Body | Binding::Query(_) | Binding::QueryParams | Binding::Label))
        .collect();
    let body = if body_members.is_empty() {
        quote! {}
    } else {
        read_body_members(svc, &body_members, quote! { body })
    };
    quote! {
        // A client reads responses leniently (see `Side`).
        let side = ::smithygen_runtime::protocol::json::Side::Client;
        #(#reads)*
        #body
    }
}

fn response_deserializer(svc: &Service, op: &Operation) -> TokenStream {
    let output = svc.structure(&op.output);
    let output_path = shape_path(svc, &op.output);
    let builder = super::shapes::builder_path(output);
    let read = response_members(svc, output);
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
            ::std::result::Result::Ok(builder.build())
        }

        #de_error
    }
}

/// `de_error`: an error response (read whole) into the operation's error, the modeled one
/// picked by code (`X-Amzn-ErrorType`, then `code`, then `__type`). Shared by buffered and
/// streamed operations.
pub fn error_reader(svc: &Service, op: &Operation) -> TokenStream {
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let arms = op.errors.iter().map(|e| {
        let s = svc.structure(e);
        let code = &s.wire_name;
        let v = super::common::error_variant(s);
        let f = super::json_codec::de_fn(svc, e);
        quote! {
            ::std::option::Option::Some(#code) => crate::protocol::errors::#f(status, headers, body)
                .map_or_else(#err_path::unhandled, |builder| #err_path::#v(builder.meta(meta).build())),
        }
    });
    quote! {
        /// Picks the modeled error by code (`X-Amzn-ErrorType`, then `code`, then `__type`).
        #[allow(unused_variables)]
        fn de_error(status: u16, headers: &::aws_smithy_runtime_api::http::Headers, body: &[u8]) -> #err_path {
            let meta = ::smithygen_runtime::protocol::error::error_metadata(headers, body).build();
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
        let f = super::json_codec::de_fn(svc, id);
        let builder = super::shapes::builder_path(s);
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
