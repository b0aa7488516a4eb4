//! `de_request`: the server's rendering of an operation's request plan, reading an HTTP
//! request into the input. The parts shared with the client are in `http_bindings`.

use super::super::codec::read_body_members;
use super::super::common::*;
use super::super::http_bindings::{parse, plan_of, read_body, read_headers, setter_value, value_of};
use crate::ir::{Member, MessageBindings, Operation, Service, Structure, TextValue};
use proc_macro2::TokenStream;
use quote::quote;

/// `pub(crate) fn de_request(&ServerRequest) -> Result<Input, Rejection>`.
pub fn request_deserializer(svc: &Service, op: &Operation) -> TokenStream {
    let input = svc.structure(&op.input);
    let plan = plan_of(input);
    let input_path = shape_path(svc, &op.input);
    let builder = builder_path(input);
    let checks = media_type_checks(plan, plan_of(svc.structure(&op.output)));
    let labels = read_labels(svc, input, plan);
    let query = read_query(svc, input, plan);
    let headers = read_headers(svc, input, plan, &quote! { request.headers() });
    let body = read_body(
        svc,
        input,
        &quote! { request.body() },
        quote! { ::aws_smithy_types::byte_stream::ByteStream::from(request.body().clone()) },
    );
    // An RPC protocol's input stream: the other members come in its `initial-request`, whose
    // payload the route made the request's body.
    let initial = plan.initial_message.as_ref().map(|initial| {
        let members: Vec<&Member> = initial.members.iter().map(|i| &input.members[*i]).collect();
        let read = read_body_members(svc, &members, quote! { body });
        quote! {
            let body: &[u8] = request.body();
            if !body.iter().all(u8::is_ascii_whitespace) {
                #read
            }
        }
    });
    let defaults = populate_defaults(svc, input);
    // An input stream reaches the handler beside the input, not in it.
    let build = if input.members.iter().any(Member::required_in_builder) {
        quote! { ::std::result::Result::Ok(builder.build_without_stream()) }
    } else {
        quote! { builder.build().map_err(|e| ::smithygen_runtime::server::Rejection::Internal(e.to_string())) }
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
            #checks
            // A server reads requests strictly (see `Side`).
            let side = ::smithygen_runtime::protocol::json::Side::Server;
            let mut builder = #builder::default();
            #labels
            #query
            #headers
            #body
            #initial
            #defaults
            #build
        }
    }
}

/// The request's `Content-Type` must match its body, and its `Accept` the response's body
/// (unless members are bound to those headers).
fn media_type_checks(request: &MessageBindings, response: &MessageBindings) -> TokenStream {
    let server = quote! { ::smithygen_runtime::server };
    let content = if request.binds_header("Content-Type") || request.any_media_type() {
        quote! {}
    } else {
        match request.body_media_type() {
            // Through the request, which knows whether a body it streams has bytes.
            Some((media, allow_missing)) => quote! {
                request.check_content_type(::std::option::Option::Some(#media), #allow_missing)?;
            },
            None => match &request.empty_document {
                // A document for an input without members: taken, and ignored.
                Some(media) => quote! {
                    request.check_content_type(::std::option::Option::Some(#media), false)?;
                },
                None => quote! {
                    request.check_content_type(::std::option::Option::None, false)?;
                },
            },
        }
    };
    let accept = match response.body_media_type() {
        Some((media, _))
            if !request.binds_header("Accept") && !response.binds_header("Content-Type") && !response.any_media_type() =>
        {
            quote! {
            #server::check_accept(request.headers(), ::std::option::Option::Some(#media))?;
            }
        }
        _ => quote! {},
    };
    quote! { #content #accept }
}

fn read_labels(svc: &Service, input: &Structure, plan: &MessageBindings) -> TokenStream {
    let labels = plan.labels().map(|label| {
        let m = &input.members[label.member];
        let name = &m.name;
        let set = ident(&m.setter);
        let value = setter_value(m, value_of(svc, &label.codec, quote! { text.as_str() }, &format!("label {name}")));
        let index = label.index;
        quote! {
            {
                let text = request.label(#index, #name)?;
                builder = builder.#set(#value);
            }
        }
    });
    quote! { #(#labels)* }
}

fn read_query(svc: &Service, input: &Structure, plan: &MessageBindings) -> TokenStream {
    let members = plan.query.iter().map(|q| {
        let m = &input.members[q.member];
        let set = ident(&m.setter);
        let name = &q.name;
        let location = format!("query {name}");
        match &q.value {
            TextValue::List { item, sparse, .. } => {
                let parse = parse(svc, item, quote! { item }, &location);
                let item = if *sparse { quote! { #parse.map(::std::option::Option::Some) } } else { parse };
                let value = setter_value(m, quote! { values });
                quote! {
                    let items = request.query_all(#name);
                    if !items.is_empty() {
                        let values = items.into_iter().map(|item| #item).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?;
                        builder = builder.#set(#value);
                    }
                }
            }
            TextValue::One(codec) => {
                let value = setter_value(m, value_of(svc, codec, quote! { text }, &location));
                quote! {
                    if let ::std::option::Option::Some(text) = request.query(#name) {
                        builder = builder.#set(#value);
                    }
                }
            }
        }
    });
    let params = plan.query_params.iter().map(|q| {
        let m = &input.members[q.member];
        let set = ident(&m.setter);
        let parse = parse(svc, &q.item, quote! { text.as_str() }, "query params");
        let fill = if q.multi {
            quote! { map.entry(key.clone()).or_insert_with(::std::vec::Vec::new).push(#parse?); }
        } else {
            quote! { map.entry(key.clone()).or_insert(#parse?); }
        };
        let value = setter_value(m, quote! { map });
        quote! {
            {
                // Every query parameter, those of @httpQuery members too (the Smithy suite's
                // RestJsonServersPutAllQueryParamsInMap); only a client leaves those out.
                let mut map = ::std::collections::HashMap::new();
                for (key, text) in request.query_pairs() {
                    #fill
                }
                if !map.is_empty() {
                    builder = builder.#set(#value);
                }
            }
        }
    });
    quote! { #(#members)* #(#params)* }
}

/// The server populates defaults of members the client left out.
fn populate_defaults(svc: &Service, input: &Structure) -> TokenStream {
    let sets = input.members.iter().filter(|m| m.default.is_some() && m.is_optional()).map(|m| {
        let f = ident(&m.field);
        let set = ident(&m.setter);
        let default = default_value(svc, m);
        quote! {
            if builder.#f.is_none() {
                builder = builder.#set(::std::option::Option::Some(#default));
            }
        }
    });
    quote! { #(#sets)* }
}
