//! Responses: an operation's output, its modeled errors and its validation error, per restJson1.

use crate::protocol::rules;
use super::super::common::*;
use super::super::json_codec::{ser_members, ser_value};
use super::super::rest_json::text_value;
use super::request::binds_header;
use super::{validation_style, ValidationStyle};
use crate::ir::{Binding, Member, Operation, Service, Structure, Type};
use proc_macro2::TokenStream;
use quote::quote;


/// Runs `code` with `value: &T` when the member of `input` is set.
fn bind(m: &Member, input: &TokenStream, code: TokenStream) -> TokenStream {
    let f = ident(&m.field);
    if m.is_optional() {
        quote! { if let ::std::option::Option::Some(value) = &#input.#f { #code } }
    } else {
        quote! { { let value = &#input.#f; #code } }
    }
}

/// Statements adding the header-bound members of `input` (a struct value) to `headers`.
fn write_headers(svc: &Service, s: &Structure, input: &TokenStream) -> TokenStream {
    let writes = s.members.iter().filter_map(|m| match &m.binding {
        Binding::Header(name) => {
            let location = format!("header {name}");
            let ts = rules(&svc.protocol).header_timestamp(m);
            let set = match &m.ty {
                Type::List(c) => {
                    let text = text_value(&c.item, quote! { item }, c.item_timestamp_format.unwrap_or(ts), c.item_media_type.is_some(), &location);
                    let quote_it = rules(&svc.protocol).quotes_header_item(&c.item);
                    let item_text = if quote_it {
                        quote! { ::smithygen_runtime::protocol::http::quote_header_item(&#text).into_owned() }
                    } else {
                        text
                    };
                    let iter = if c.sparse { quote! { value.iter().flatten() } } else { quote! { value.iter() } };
                    quote! {
                        let items = #iter
                            .map(|item| -> ::std::result::Result<_, ::smithygen_runtime::protocol::WireError> { ::std::result::Result::Ok(#item_text) })
                            .collect::<::std::result::Result<::std::vec::Vec<::std::string::String>, _>>()?;
                        if !items.is_empty() {
                            headers.append(#name, ::smithygen_runtime::protocol::http::header_value(&items.join(", "), #location)?);
                        }
                    }
                }
                ty => {
                    let text = text_value(ty, quote! { value }, ts, m.media_type.is_some(), &location);
                    quote! {
                        let text = #text;
                        headers.insert(#name, ::smithygen_runtime::protocol::http::header_value(&text, #location)?);
                    }
                }
            };
            Some(bind(m, input, set))
        }
        Binding::PrefixHeaders(prefix) => {
            let location = format!("headers {prefix}*");
            let set = quote! {
                let mut entries: ::std::vec::Vec<_> = value.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, item) in entries {
                    let name = ::http::header::HeaderName::from_bytes(::std::format!("{}{}", #prefix, key).as_bytes())
                        .map_err(|_| ::smithygen_runtime::protocol::WireError::new(#location, "has a key that is not a valid header name"))?;
                    headers.insert(name, ::smithygen_runtime::protocol::http::header_value(item, #location)?);
                }
            };
            Some(bind(m, input, set))
        }
        _ => None,
    });
    quote! { #(#writes)* }
}

/// `pub(crate) async fn ser_response(Output) -> Result<ServerResponse, WireError>`.
pub fn response_serializer(svc: &Service, op: &Operation) -> TokenStream {
    let output = svc.structure(&op.output);
    let output_path = shape_path(svc, &op.output);
    let code = op.http.code;
    let input = quote! { output };
    let headers = write_headers(svc, output, &input);
    let status = output.members.iter().find(|m| m.binding == Binding::ResponseCode).map(|m| {
        bind(m, &input, quote! {
            status = ::http::StatusCode::from_u16(*value as u16)
                .map_err(|_| ::smithygen_runtime::protocol::WireError::new("status", ::std::format!("{} is not an HTTP status code", value)))?;
        })
    });
    // A required `@httpResponseCode` member always replaces the default status.
    let allow_reassigned = status.as_ref().map(|_| quote! { unused_assignments, });
    let payload = output.members.iter().find(|m| m.binding == Binding::Payload);
    let body_members: Vec<&Member> = output.members.iter().filter(|m| m.binding == Binding::Body).collect();
    let content_type = |ct: &str| {
        quote! {
            if !headers.contains_key(::http::header::CONTENT_TYPE) {
                headers.insert(::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(#ct));
            }
        }
    };
    let body = match payload {
        Some(m) => {
            let f = ident(&m.field);
            let ((), take) = match &m.ty {
                Type::Blob { streaming: false } => ((), quote! { ::smithygen_runtime::server::Bytes::from(value.into_inner()) }),
                Type::Blob { streaming: true } => (
                    (),
                    quote! {
                        value.collect().await
                            .map_err(|e| ::smithygen_runtime::protocol::WireError::new("body", ::std::format!("could not be read: {}", e)))?
                            .into_bytes()
                    },
                ),
                Type::String => ((), quote! { ::smithygen_runtime::server::Bytes::from(value) }),
                Type::Enum(_) => ((), quote! { ::smithygen_runtime::server::Bytes::from(::std::string::String::from(value.as_str())) }),
                ty => {
                    // `ser_value` reads through a reference; borrow the owned payload once.
                    let v = ser_value(svc, ty, quote! { value_ref }, m.timestamp_format);
                    (
                        (),
                        quote! { { let value_ref = &value; ::smithygen_runtime::server::Bytes::from(::smithygen_runtime::protocol::json::to_body(&#v)) } },
                    )
                }
            };
            let ct = content_type(&rules(&svc.protocol).payload_content_type(m));
            let value = if m.boxed { quote! { *boxed } } else { quote! { boxed } };
            if m.is_optional() {
                quote! {
                    let body = match output.#f {
                        ::std::option::Option::Some(boxed) => {
                            let value = #value;
                            #ct
                            #take
                        }
                        ::std::option::Option::None => ::smithygen_runtime::server::Bytes::new(),
                    };
                }
            } else {
                quote! {
                    let body = {
                        let boxed = output.#f;
                        let value = #value;
                        #ct
                        #take
                    };
                }
            }
        }
        None if body_members.is_empty() => quote! { let body = ::smithygen_runtime::server::Bytes::new(); },
        None => {
            let writes = ser_members(svc, &body_members, quote! { output });
            let ct = content_type(rules(&svc.protocol).body_content_type());
            quote! {
                let mut object = ::serde_json::Map::new();
                #writes
                #ct
                let body = ::smithygen_runtime::server::Bytes::from(::smithygen_runtime::protocol::json::to_body(&::serde_json::Value::Object(object)));
            }
        }
    };
    quote! {
        /// Writes the operation's output as the response (server side): status, headers and body.
        #[cfg(feature = "server")]
        #[allow(unused_mut, unused_variables, #allow_reassigned clippy::needless_borrow, clippy::useless_conversion)]
        pub(crate) async fn ser_response(
            output: #output_path,
        ) -> ::std::result::Result<::smithygen_runtime::server::ServerResponse, ::smithygen_runtime::protocol::WireError> {
            let mut status = ::http::StatusCode::from_u16(#code).unwrap_or(::http::StatusCode::OK);
            let mut headers = ::http::HeaderMap::new();
            #headers
            #status
            #body
            let mut response = ::http::Response::new(body);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            ::std::result::Result::Ok(response)
        }
    }
}

/// `pub(crate) fn ser_error(OpError) -> Result<ServerResponse, WireError>`.
pub fn error_serializer(svc: &Service, op: &Operation) -> TokenStream {
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let arms = op.errors.iter().map(|e| {
        let s = svc.structure(e);
        let v = super::super::common::error_variant(s);
        let f = writer_fn(svc, e);
        quote! { #err_path::#v(e) => crate::server::protocol::errors::#f(e), }
    });
    quote! {
        /// Writes one of the operation's errors as the response (server side). An `Unhandled`
        /// error is sent with status 500 and its metadata's code (default `InternalFailure`).
        #[cfg(feature = "server")]
        pub(crate) fn ser_error(
            error: #err_path,
        ) -> ::std::result::Result<::smithygen_runtime::server::ServerResponse, ::smithygen_runtime::protocol::WireError> {
            match &error {
                #(#arms)*
                #err_path::Unhandled(_) => {
                    let meta = error.meta();
                    ::std::result::Result::Ok(::smithygen_runtime::server::error_response(
                        500,
                        meta.code().unwrap_or(::smithygen_runtime::server::INTERNAL_FAILURE),
                        meta.message().unwrap_or("the service failed to handle the request"),
                        ::serde_json::Map::new(),
                    ))
                }
            }
        }
    }
}

/// `pub(crate) fn ser_validation_error(&Violations) -> ServerResponse`, in the style the
/// operation's model picks.
pub fn validation_error(svc: &Service, op: &Operation) -> TokenStream {
    let body = match validation_style(op) {
        ValidationStyle::Framework => quote! { violations.framework_response() },
        ValidationStyle::Modeled(id) => {
            let s = svc.structure(&id);
            let path = shape_path(svc, &id);
            let f = writer_fn(svc, &id);
            let set_message = s
                .members
                .iter()
                .find(|m| m.name.eq_ignore_ascii_case("message") && m.ty == Type::String)
                .map(|m| {
                    let setter = ident(&m.setter);
                    quote! { .#setter(::std::option::Option::Some(message.clone())) }
                });
            quote! {
                let message = violations.aws_message();
                let error = #path::builder()
                    #set_message
                    .meta(::aws_smithy_types::error::ErrorMetadata::builder().message(message.clone()).build())
                    .build();
                crate::server::protocol::errors::#f(&error).unwrap_or_else(|e| {
                    ::smithygen_runtime::server::Rejection::Internal(::std::format!("could not encode the validation error: {}", e)).into_response()
                })
            }
        }
    };
    quote! {
        /// Answers constraint violations with the operation's validation error (server side).
        #[cfg(feature = "server")]
        pub(crate) fn ser_validation_error(
            violations: &::smithygen_runtime::server::Violations,
        ) -> ::smithygen_runtime::server::ServerResponse {
            #body
        }
    }
}

/// The name of a modeled error's response writer.
fn writer_fn(svc: &Service, id: &str) -> proc_macro2::Ident {
    super::super::json_codec::ser_fn(svc, id)
}

/// `src/server/protocol/errors.rs`: one response writer per modeled error.
pub fn error_writers(svc: &Service) -> TokenStream {
    let mut ids: Vec<&String> = svc.operations.iter().flat_map(|o| o.errors.iter()).collect();
    ids.sort();
    ids.dedup();
    let writers = ids.into_iter().map(|id| {
        let s = svc.structure(id);
        let path = shape_path(svc, id);
        let f = writer_fn(svc, id);
        let status = s.error.as_ref().map(|e| e.http_status).unwrap_or(500);
        let wire = &s.wire_name;
        let input = quote! { error };
        let headers = write_headers(svc, s, &input);
        let body_members: Vec<&Member> = s.members.iter().filter(|m| m.binding == Binding::Body).collect();
        let writes = ser_members(svc, &body_members, quote! { error });
        let keep_content_type = binds_header(s, "Content-Type");
        let restore = keep_content_type.then(|| quote! {
            if let ::std::option::Option::Some(ct) = headers.get(::http::header::CONTENT_TYPE).cloned() {
                response.headers_mut().insert(::http::header::CONTENT_TYPE, ct);
            }
        });
        quote! {
            /// Writes the error as a restJson1 response: its status, `X-Amzn-ErrorType`, its
            /// bound headers and a JSON body of its members plus `message`.
            #[allow(unused_mut, unused_variables, clippy::needless_borrow, clippy::useless_conversion)]
            pub(crate) fn #f(
                error: &#path,
            ) -> ::std::result::Result<::smithygen_runtime::server::ServerResponse, ::smithygen_runtime::protocol::WireError> {
                let mut headers = ::http::HeaderMap::new();
                #headers
                let mut object = ::serde_json::Map::new();
                #writes
                let message = error.message().unwrap_or(#wire);
                let mut response = ::smithygen_runtime::server::error_response(#status, #wire, message, object);
                #restore
                for (name, value) in headers.iter() {
                    if name != ::http::header::CONTENT_TYPE {
                        response.headers_mut().append(name.clone(), value.clone());
                    }
                }
                ::std::result::Result::Ok(response)
            }
        }
    });
    quote! {
        //! Response writers for modeled errors (server side).
        #![allow(dead_code)]
        #(#writers)*
    }
}
