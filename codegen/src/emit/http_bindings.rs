//! Renderings of the binding plan ([`MessageBindings`]) that the client and the server share:
//! a value as text and back, headers written into an `http::HeaderMap` and read from a
//! `HeaderSource`, payloads and JSON documents read from bytes. Which member goes where, in
//! which format, was decided by the protocol's plan; these functions only turn it into code.

use super::common::*;
use super::codec::{de_value, read_body_members, ser_members};
use crate::ir::{
    BodyBinding, HeaderBinding, Member, MessageBindings, PayloadBinding, PayloadKind, PrefixHeadersBinding, Service, Structure, TextCodec,
    TextValue, Type,
};
use proc_macro2::TokenStream;
use quote::quote;

fn http() -> TokenStream {
    quote! { ::smithygen_runtime::protocol::http }
}

fn wire_error() -> TokenStream {
    quote! { ::smithygen_runtime::protocol::WireError }
}

/// The plan of a message; lowering plans every operation input, output and error.
pub fn plan_of(s: &Structure) -> &MessageBindings {
    s.http.as_ref().unwrap_or_else(|| panic!("{} has no binding plan: lowering plans every message", s.id))
}

/// Text for a value in a label, query string or header. `v` is `&T`; fails (`?`, a
/// `WireError`) only for timestamps that cannot be formatted.
pub(crate) fn text_of(codec: &TextCodec, v: TokenStream, location: &str) -> TokenStream {
    let http = http();
    match &codec.ty {
        Type::String if codec.base64 => quote! { #http::base64_encode(#v.as_bytes()) },
        Type::String | Type::Enum(_) => quote! { ::std::string::String::from(#v.as_str()) },
        Type::Boolean | Type::Byte | Type::Short | Type::Integer | Type::Long => quote! { #v.to_string() },
        Type::Float => quote! { #http::fmt_f32(*#v) },
        Type::Double => quote! { #http::fmt_float(*#v) },
        Type::BigInteger | Type::BigDecimal => quote! { ::std::string::String::from(::std::convert::AsRef::<str>::as_ref(#v)) },
        Type::Timestamp => {
            let f = super::json_codec::format_path(codec.timestamp);
            quote! { #http::fmt_timestamp(#v, #f, #location)? }
        }
        Type::IntEnum(_) => quote! { #v.value().to_string() },
        Type::Blob { .. } => quote! { #http::base64_encode(#v.as_ref()) },
        _ => {
            let msg = format!("{location}: this type cannot be bound to a header, label or query");
            quote! { compile_error!(#msg) }
        }
    }
}

/// Reads `text` (a `&str`) as `T`: `Result<T, WireError>`.
pub(crate) fn parse(svc: &Service, codec: &TextCodec, text: TokenStream, location: &str) -> TokenStream {
    let http = http();
    let we = wire_error();
    match &codec.ty {
        Type::String if codec.base64 => quote! { #http::base64_decode_string(#text, #location) },
        Type::String => quote! { ::std::result::Result::<_, #we>::Ok(::std::string::String::from(#text)) },
        Type::Boolean => quote! { #http::parse_bool(#text, #location) },
        Type::Byte => quote! { #http::parse_value::<i8>(#text, #location, "byte") },
        Type::Short => quote! { #http::parse_value::<i16>(#text, #location, "short") },
        Type::Integer => quote! { #http::parse_value::<i32>(#text, #location, "integer") },
        Type::Long => quote! { #http::parse_value::<i64>(#text, #location, "long") },
        Type::Float => quote! { #http::parse_float(#text, #location).map(|f| f as f32) },
        Type::Double => quote! { #http::parse_float(#text, #location) },
        Type::BigInteger | Type::BigDecimal => {
            let t = rust_type(svc, &codec.ty);
            quote! { #http::parse_value::<#t>(#text, #location, "number") }
        }
        Type::Timestamp => {
            let f = super::json_codec::format_path(codec.timestamp);
            quote! { #http::parse_timestamp(#text, #f, #location) }
        }
        Type::Enum(_) => {
            let t = rust_type(svc, &codec.ty);
            quote! { ::std::result::Result::<_, #we>::Ok(<#t>::from(#text)) }
        }
        Type::IntEnum(_) => {
            let t = rust_type(svc, &codec.ty);
            quote! { #http::parse_value::<i32>(#text, #location, "integer").map(<#t>::from) }
        }
        Type::Blob { .. } => quote! { #http::base64_decode(#text, #location).map(::aws_smithy_types::Blob::new) },
        _ => {
            let msg = format!("{location}: this type cannot be read from text");
            quote! { compile_error!(#msg) }
        }
    }
}

/// Reads `text` as `T`, with `?` only where reading can fail.
pub(crate) fn value_of(svc: &Service, codec: &TextCodec, text: TokenStream, location: &str) -> TokenStream {
    match &codec.ty {
        Type::String if !codec.base64 => quote! { ::std::string::String::from(#text) },
        Type::Enum(_) => {
            let t = rust_type(svc, &codec.ty);
            quote! { <#t>::from(#text) }
        }
        _ => {
            let parse = parse(svc, codec, text, location);
            quote! { #parse? }
        }
    }
}

/// Runs `code` with `value: &T` when the member of `source` is set (always for members with
/// a default).
pub(crate) fn when_set(m: &Member, source: &TokenStream, code: TokenStream) -> TokenStream {
    let f = ident(&m.field);
    if m.is_optional() {
        quote! { if let ::std::option::Option::Some(value) = &#source.#f { #code } }
    } else {
        quote! { { let value = &#source.#f; #code } }
    }
}

/// `value` wrapped for the builder's setter (`Option<T>`, or `Option<Box<T>>` for a member
/// that closes a cycle).
pub(crate) fn setter_value(m: &Member, value: TokenStream) -> TokenStream {
    if m.boxed {
        quote! { ::std::option::Option::Some(::std::boxed::Box::new(#value)) }
    } else {
        quote! { ::std::option::Option::Some(#value) }
    }
}

/// Statements writing the header-bound members of `source` into `headers: http::HeaderMap`.
pub fn write_headers(s: &Structure, plan: &MessageBindings, source: &TokenStream) -> TokenStream {
    let headers = plan.headers.iter().map(|h| write_header(&s.members[h.member], h, source));
    let prefixed = plan.prefix_headers.iter().map(|p| write_prefix_headers(&s.members[p.member], p, source));
    let http = http();
    let fixed = plan.fixed_headers.iter().map(|(name, value)| quote! { #http::append_header(&mut headers, #name, #value)?; });
    quote! { #(#fixed)* #(#headers)* #(#prefixed)* }
}

fn write_header(m: &Member, h: &HeaderBinding, source: &TokenStream) -> TokenStream {
    let http = http();
    let name = &h.name;
    let location = format!("header {name}");
    // A name known now is made at compile time (`const`), not parsed per message.
    let append = |value: TokenStream| match &h.static_name {
        Some(lower) => quote! {
            #http::append_named_header(&mut headers, const { ::http::HeaderName::from_static(#lower) }, #name, #value)?;
        },
        None => quote! { #http::append_header(&mut headers, #name, #value)?; },
    };
    let (append_str, append_text, append_items) =
        (append(quote! { value.as_str() }), append(quote! { &text }), append(quote! { &items.join(", ") }));
    let set = match &h.value {
        // Text is borrowed, not copied.
        TextValue::One(TextCodec { ty: Type::String | Type::Enum(_), base64: false, .. }) => quote! {
            #append_str
        },
        TextValue::One(codec) => {
            let text = text_of(codec, quote! { value }, &location);
            quote! {
                let text = #text;
                #append_text
            }
        }
        TextValue::List { item, sparse, quoted, .. } => {
            let text = text_of(item, quote! { item }, &location);
            let text = if *quoted { quote! { #http::quote_header_item(&#text).into_owned() } } else { text };
            let items = if *sparse { quote! { value.iter().flatten() } } else { quote! { value.iter() } };
            let we = wire_error();
            quote! {
                let items = #items
                    .map(|item| -> ::std::result::Result<_, #we> { ::std::result::Result::Ok(#text) })
                    .collect::<::std::result::Result<::std::vec::Vec<::std::string::String>, _>>()?;
                if !items.is_empty() {
                    #append_items
                }
            }
        }
    };
    when_set(m, source, set)
}

/// A header bound to its own member wins over a map entry of the same name.
fn write_prefix_headers(m: &Member, p: &PrefixHeadersBinding, source: &TokenStream) -> TokenStream {
    let http = http();
    let prefix = &p.prefix;
    let shadowed = &p.shadowed;
    let set = quote! {
        let mut entries: ::std::vec::Vec<_> = value.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (key, item) in entries {
            let name = ::std::format!("{}{}", #prefix, key);
            if [#(#shadowed),*].contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            #http::append_header(&mut headers, &name, item)?;
        }
    };
    when_set(m, source, set)
}

/// Statements reading the header-bound members from `source` (a `HeaderSource`) into
/// `builder`.
pub fn read_headers(svc: &Service, s: &Structure, plan: &MessageBindings, source: &TokenStream) -> TokenStream {
    let http = http();
    let headers = plan.headers.iter().map(|h| {
        let m = &s.members[h.member];
        let set = ident(&m.setter);
        let name = &h.name;
        let location = format!("header {name}");
        match &h.value {
            TextValue::One(codec) => {
                let value = setter_value(m, value_of(svc, codec, quote! { text }, &location));
                quote! {
                    if let ::std::option::Option::Some(text) = #http::HeaderSource::one(#source, #name)? {
                        builder = builder.#set(#value);
                    }
                }
            }
            TextValue::List { item, sparse, split, .. } => {
                let parse = parse(svc, item, quote! { item.as_str() }, &location);
                let parse = if *sparse { quote! { #parse.map(::std::option::Option::Some) } } else { parse };
                let split = match split {
                    crate::ir::ListSplit::HttpDates => quote! { #http::split_http_dates(values.into_iter()) },
                    crate::ir::ListSplit::Commas => quote! { #http::split_header_list(values.into_iter(), #location)? },
                };
                let value = setter_value(m, quote! { parsed });
                quote! {
                    let values = #http::HeaderSource::all(#source, #name)?;
                    if !values.is_empty() {
                        let items = #split;
                        let parsed = items.iter().map(|item| #parse).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?;
                        builder = builder.#set(#value);
                    }
                }
            }
        }
    });
    let prefixed = plan.prefix_headers.iter().map(|p| {
        let m = &s.members[p.member];
        let set = ident(&m.setter);
        let prefix = &p.prefix;
        let value = setter_value(m, quote! { map });
        quote! {
            {
                let map = #http::HeaderSource::with_prefix(#source, #prefix)?;
                if !map.is_empty() {
                    builder = builder.#set(#value);
                }
            }
        }
    });
    quote! { #(#headers)* #(#prefixed)* }
}

/// Statements reading the body (`body: &[u8]`) into `builder` per the message's plan: its
/// payload member or its JSON document. `stream` makes the `ByteStream` of a streaming blob.
pub fn read_body(svc: &Service, s: &Structure, body: &TokenStream, stream: TokenStream) -> TokenStream {
    match &plan_of(s).body {
        BodyBinding::Empty => quote! {},
        BodyBinding::Payload(p) => read_payload(svc, s, p, body, stream),
        BodyBinding::Document { members, .. } => read_document(svc, s, members, body),
    }
}

/// Statements reading a payload member from `body: &[u8]` into `builder`. `stream` makes
/// the `ByteStream` of a streaming blob. Event streams are taken elsewhere, unread.
fn read_payload(svc: &Service, s: &Structure, p: &PayloadBinding, body: &TokenStream, stream: TokenStream) -> TokenStream {
    let m = &s.members[p.member];
    let set = ident(&m.setter);
    let we = wire_error();
    match p.kind {
        PayloadKind::EventStream => quote! {},
        // A stream is always there, possibly empty.
        PayloadKind::StreamingBlob => {
            let value = setter_value(m, stream);
            quote! { builder = builder.#set(#value); }
        }
        // The one copy of the payload: from the message's buffer into the value. An empty
        // body is an unset payload.
        PayloadKind::Blob => {
            let value = setter_value(m, quote! { ::aws_smithy_types::Blob::new(#body.to_vec()) });
            quote! {
                if !#body.is_empty() {
                    builder = builder.#set(#value);
                }
            }
        }
        PayloadKind::Text | PayloadKind::EnumText => {
            let t = rust_type(svc, &m.ty);
            let value = setter_value(m, quote! { <#t>::from(text) });
            quote! {
                if !#body.is_empty() {
                    let text = ::std::str::from_utf8(#body).map_err(|_| #we::new("body", "is not valid UTF-8"))?;
                    builder = builder.#set(#value);
                }
            }
        }
        PayloadKind::Json => {
            let read = de_value(svc, &m.ty, quote! { &document }, m.timestamp_format);
            let value = setter_value(m, quote! { #read.map_err(|e| e.in_body())? });
            let parse = super::codec::parse_body(svc, body.clone());
            quote! {
                if !#body.iter().all(u8::is_ascii_whitespace) {
                    let document = #parse?;
                    builder = builder.#set(#value);
                }
            }
        }
    }
}

/// Statements reading the members of a JSON document body from `body: &[u8]` into
/// `builder`; an empty body leaves them unset.
fn read_document(svc: &Service, s: &Structure, members: &[usize], body: &TokenStream) -> TokenStream {
    let members: Vec<&Member> = members.iter().map(|i| &s.members[*i]).collect();
    let read = read_body_members(svc, &members, body.clone());
    quote! {
        if !#body.is_empty() {
            #read
        }
    }
}

/// Statements writing the members of a JSON document body from `source` into
/// `object: serde_json::Map`. With `skip_defaults`, a member left at its default is not
/// written (a client must not turn "unset" into an explicit value).
pub fn write_document(svc: &Service, s: &Structure, members: &[usize], source: &TokenStream, skip_defaults: bool) -> TokenStream {
    let writes = members.iter().map(|i| {
        let m = &s.members[*i];
        let write = ser_members(svc, &[m], source.clone());
        if m.is_optional() || !skip_defaults {
            return write;
        }
        let f = ident(&m.field);
        let default = default_value(svc, m);
        // Clippy rejects `!= false`; a boolean is its own condition.
        let changed = match (&m.ty, &m.default) {
            (Type::Boolean, Some(serde_json::Value::Bool(true))) => quote! { !#source.#f },
            (Type::Boolean, _) => quote! { #source.#f },
            _ => quote! { #source.#f != #default },
        };
        quote! { if #changed { #write } }
    });
    quote! { #(#writes)* }
}
