//! `de_request`: an HTTP request into an operation's input, per its restJson1 bindings.

use crate::protocol::rules;
use super::super::common::*;
use super::super::json_codec::{de_value, read_body_members};
// The restJson1 binding rules are shared with the client: one definition each.
pub(crate) use super::super::rest_json::parse_text;
use crate::ir::{Binding, Member, Operation, PathSegment, Service, Structure, TimestampFormat, Type};
use proc_macro2::TokenStream;
use quote::quote;


/// Whether a member is bound to the header `name` (case-insensitive).
pub fn binds_header(s: &Structure, name: &str) -> bool {
    s.members.iter().any(|m| matches!(&m.binding, Binding::Header(h) if h.eq_ignore_ascii_case(name)))
}

/// The media type of a message's body: the payload's (`@mediaType` or the protocol default)
/// or JSON for body members; `None` without a body. `allow_missing`: blobs may come without.
pub fn body_media_type(svc: &Service, s: &Structure) -> Option<(String, bool)> {
    rules(&svc.protocol).body_media_type(s)
}


/// Reads `text` (a `&str`) as `T`, with `?` where reading can fail.
fn value_of_text(svc: &Service, ty: &Type, text: TokenStream, ts: TimestampFormat, media_type: bool, location: &str) -> TokenStream {
    match ty {
        Type::String if !media_type => quote! { ::std::string::String::from(#text) },
        Type::Enum(_) => {
            let t = rust_type(svc, ty);
            quote! { <#t>::from(#text) }
        }
        _ => {
            let parse = parse_text(svc, ty, text, ts, media_type, location);
            quote! { #parse? }
        }
    }
}

fn setter(m: &Member) -> proc_macro2::Ident {
    ident(&m.setter)
}

/// `value` wrapped for the builder's setter (`Option<T>` or `Option<Box<T>>`).
fn wrap(m: &Member, value: TokenStream) -> TokenStream {
    if m.boxed {
        quote! { ::std::option::Option::Some(::std::boxed::Box::new(#value)) }
    } else {
        quote! { ::std::option::Option::Some(#value) }
    }
}

/// `pub(crate) fn de_request(&ServerRequest) -> Result<Input, Rejection>`.
pub fn request_deserializer(svc: &Service, op: &Operation) -> TokenStream {
    let input = svc.structure(&op.input);
    let output = svc.structure(&op.output);
    let input_path = shape_path(svc, &op.input);
    let builder = super::super::shapes::builder_path(input);
    // The server populates defaults of members the client left out.
    let populate_defaults = input.members.iter().filter(|m| m.default.is_some() && m.is_optional()).map(|m| {
        let f = ident(&m.field);
        let set = ident(&m.setter);
        let default = super::super::shapes::default_value(svc, m);
        quote! {
            if builder.#f.is_none() {
                builder = builder.#set(::std::option::Option::Some(#default));
            }
        }
    });
    let populate_defaults = quote! { #(#populate_defaults)* };
    let server = quote! { ::smithygen_runtime::server };

    let content_check = if binds_header(input, "Content-Type") {
        quote! {}
    } else {
        match body_media_type(svc, input) {
            Some((media, allow_missing)) => quote! {
                #server::check_content_type(request.headers(), request.body(), ::std::option::Option::Some(#media), #allow_missing)?;
            },
            None => quote! {
                #server::check_content_type(request.headers(), request.body(), ::std::option::Option::None, false)?;
            },
        }
    };
    let accept_check = match body_media_type(svc, output) {
        Some((media, _)) if !binds_header(input, "Accept") && !binds_header(output, "Content-Type") => quote! {
            #server::check_accept(request.headers(), ::std::option::Option::Some(#media))?;
        },
        _ => quote! {},
    };

    let mut label_index = 0usize;
    let labels: Vec<TokenStream> = op
        .http
        .path
        .iter()
        .filter_map(|seg| match seg {
            PathSegment::Label { member, .. } => Some(member),
            PathSegment::Literal(_) => None,
        })
        .filter_map(|name| {
            let index = label_index;
            label_index += 1;
            let m = input.members.iter().find(|m| &m.name == name)?;
            let location = format!("label {}", m.name);
            let read = value_of_text(svc, &m.ty, quote! { text.as_str() }, rules(&svc.protocol).uri_timestamp(m), false, &location);
            let set = setter(m);
            let value = wrap(m, read);
            let label_name = &m.name;
            Some(quote! {
                {
                    let text = request.label(#index, #label_name)?;
                    builder = builder.#set(#value);
                }
            })
        })
        .collect();

    let bound_query: Vec<&str> = input
        .members
        .iter()
        .filter_map(|m| match &m.binding {
            Binding::Query(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    let query = input.members.iter().filter_map(|m| {
        let set = setter(m);
        match &m.binding {
            Binding::Query(name) => {
                let location = format!("query {name}");
                let ts = rules(&svc.protocol).uri_timestamp(m);
                Some(match &m.ty {
                    Type::List(c) => {
                        let parse = parse_text(svc, &c.item, quote! { item }, c.item_timestamp_format.unwrap_or(ts), false, &location);
                        let item = if c.sparse { quote! { #parse.map(::std::option::Option::Some) } } else { parse };
                        let value = wrap(m, quote! { values });
                        quote! {
                            let items = request.query_all(#name);
                            if !items.is_empty() {
                                let values = items.into_iter().map(|item| #item).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?;
                                builder = builder.#set(#value);
                            }
                        }
                    }
                    ty => {
                        let read = value_of_text(svc, ty, quote! { text }, ts, false, &location);
                        let value = wrap(m, read);
                        quote! {
                            if let ::std::option::Option::Some(text) = request.query(#name) {
                                builder = builder.#set(#value);
                            }
                        }
                    }
                })
            }
            Binding::QueryParams => {
                let Type::Map(c) = &m.ty else {
                    return Some(quote! { compile_error!("@httpQueryParams must target a map"); });
                };
                let value = wrap(m, quote! { map });
                let fill = match &c.item {
                    Type::List(inner) => {
                        let parse = parse_text(svc, &inner.item, quote! { text.as_str() }, rules(&svc.protocol).uri_timestamps(), false, "query params");
                        quote! {
                            map.entry(key.clone()).or_insert_with(::std::vec::Vec::new).push(#parse?);
                        }
                    }
                    item => {
                        let parse = parse_text(svc, item, quote! { text.as_str() }, rules(&svc.protocol).uri_timestamps(), false, "query params");
                        quote! {
                            map.entry(key.clone()).or_insert(#parse?);
                        }
                    }
                };
                Some(quote! {
                    {
                        let mut map = ::std::collections::HashMap::new();
                        for (key, text) in request.query_pairs() {
                            if [#(#bound_query),*].contains(&key.as_str()) {
                                continue;
                            }
                            #fill
                        }
                        if !map.is_empty() {
                            builder = builder.#set(#value);
                        }
                    }
                })
            }
            _ => None,
        }
    });

    let headers = input.members.iter().filter_map(|m| {
        let set = setter(m);
        match &m.binding {
            Binding::Header(name) => {
                let location = format!("header {name}");
                let ts = rules(&svc.protocol).header_timestamp(m);
                Some(match &m.ty {
                    Type::List(c) => {
                        let item_ts = c.item_timestamp_format.unwrap_or(ts);
                        let parse = parse_text(svc, &c.item, quote! { item.as_str() }, item_ts, c.item_media_type.is_some(), &location);
                        let split = if c.item == Type::Timestamp && item_ts == TimestampFormat::HttpDate {
                            quote! { ::smithygen_runtime::protocol::http::split_http_dates(values.into_iter()) }
                        } else {
                            quote! { ::smithygen_runtime::protocol::http::split_header_list(values.into_iter(), #location)? }
                        };
                        let item = if c.sparse { quote! { #parse.map(::std::option::Option::Some) } } else { parse };
                        let value = wrap(m, quote! { parsed });
                        quote! {
                            let values = request.header_all(#name)?;
                            if !values.is_empty() {
                                let items = #split;
                                let parsed = items.iter().map(|item| #item).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?;
                                builder = builder.#set(#value);
                            }
                        }
                    }
                    ty => {
                        let read = value_of_text(svc, ty, quote! { text }, ts, m.media_type.is_some(), &location);
                        let value = wrap(m, read);
                        quote! {
                            if let ::std::option::Option::Some(text) = request.header(#name)? {
                                builder = builder.#set(#value);
                            }
                        }
                    }
                })
            }
            Binding::PrefixHeaders(prefix) => {
                let value = wrap(m, quote! { map });
                Some(quote! {
                    {
                        let map = request.prefix_headers(#prefix)?;
                        if !map.is_empty() {
                            builder = builder.#set(#value);
                        }
                    }
                })
            }
            _ => None,
        }
    });

    let payload = input.members.iter().find(|m| m.binding == Binding::Payload);
    let body_members: Vec<&Member> = input.members.iter().filter(|m| m.binding == Binding::Body).collect();
    let body = match payload {
        Some(m) => payload_reader(svc, m),
        None if body_members.is_empty() => quote! {},
        None => {
            let read = read_body_members(svc, &body_members, quote! { request.body() });
            quote! {
                if !request.body().is_empty() {
                    #read
                }
            }
        }
    };

    quote! {
        /// Reads the operation's input from a request (server side): labels, query, headers
        /// and body per the model's HTTP bindings. A value that cannot be read is a
        /// `SerializationException`; constraints are checked afterwards.
        #[cfg(feature = "server")]
        #[allow(unused_mut, unused_variables, clippy::match_single_binding, clippy::needless_borrow, clippy::useless_conversion, clippy::redundant_closure_call)]
        pub(crate) fn de_request(
            request: &::smithygen_runtime::server::ServerRequest,
        ) -> ::std::result::Result<#input_path, ::smithygen_runtime::server::Rejection> {
            #content_check
            #accept_check
            // A server reads requests strictly (see `Side`).
            let side = ::smithygen_runtime::protocol::json::Side::Server;
            let mut builder = #builder::default();
            #(#labels)*
            #(#query)*
            #(#headers)*
            #body
            #populate_defaults
            builder.build().map_err(|e| ::smithygen_runtime::server::Rejection::Internal(e.to_string()))
        }
    }
}

fn payload_reader(svc: &Service, m: &Member) -> TokenStream {
    let set = setter(m);
    let wire = quote! { ::smithygen_runtime::protocol::WireError };
    match &m.ty {
        // The handler reads it: `server::event_stream`.
        Type::EventStream { .. } => quote! {},
        Type::Blob { streaming: false } => {
            let value = wrap(m, quote! { ::aws_smithy_types::Blob::new(request.body().to_vec()) });
            quote! {
                if !request.body().is_empty() {
                    builder = builder.#set(#value);
                }
            }
        }
        Type::Blob { streaming: true } => {
            let value = wrap(m, quote! { ::aws_smithy_types::byte_stream::ByteStream::from(request.body().clone()) });
            quote! {
                if !request.body().is_empty() {
                    builder = builder.#set(#value);
                }
            }
        }
        Type::String | Type::Enum(_) => {
            let t = rust_type(svc, &m.ty);
            let value = wrap(m, quote! { <#t>::from(text) });
            quote! {
                if !request.body().is_empty() {
                    let text = ::std::str::from_utf8(request.body()).map_err(|_| #wire::new("body", "is not valid UTF-8"))?;
                    builder = builder.#set(#value);
                }
            }
        }
        ty => {
            let read = de_value(svc, ty, quote! { &document }, m.timestamp_format);
            let value = wrap(m, quote! { #read.map_err(|e| e.in_body())? });
            quote! {
                if !request.body().iter().all(u8::is_ascii_whitespace) {
                    let document = ::smithygen_runtime::protocol::json::parse_body(request.body())?;
                    builder = builder.#set(#value);
                }
            }
        }
    }
}
