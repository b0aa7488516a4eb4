//! Responses: an operation's output, its modeled errors and its validation error, per restJson1.

use super::super::common::*;
use super::super::http_bindings::{plan_of, when_set, write_document, write_headers};
use super::super::codec::ser_value;
use super::{validation_style, ValidationStyle};
use crate::ir::{BodyBinding, MessageBindings, Operation, PayloadKind, Service, Structure, Type};
use proc_macro2::TokenStream;
use quote::quote;


/// `pub(crate) async fn ser_response(Output) -> Result<ServerResponse, WireError>`.
pub fn response_serializer(svc: &Service, op: &Operation) -> TokenStream {
    let output = svc.structure(&op.output);
    let plan = plan_of(output);
    let output_path = shape_path(svc, &op.output);
    let code = op.http.code;
    let source = quote! { output };
    let headers = write_headers(output, plan, &source);
    let status = plan.status.map(|i| {
        when_set(&output.members[i], &source, quote! {
            status = ::http::StatusCode::from_u16(*value as u16)
                .map_err(|_| ::smithygen_runtime::protocol::WireError::new("status", ::std::format!("{} is not an HTTP status code", value)))?;
        })
    });
    // A required `@httpResponseCode` member always replaces the default status.
    let allow_reassigned = status.as_ref().map(|_| quote! { unused_assignments, });
    let body = write_body(svc, output, plan);
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

/// `let body`: the payload member, or a JSON document of the body members.
fn write_body(svc: &Service, output: &Structure, plan: &MessageBindings) -> TokenStream {
    let http = quote! { ::smithygen_runtime::protocol::http };
    let bytes = quote! { ::smithygen_runtime::server::Bytes };
    match &plan.body {
        BodyBinding::Empty => match &plan.empty_document {
            // An output without body members is still an (empty) document.
            Some(content_type) => {
                let (new_object, body) = (super::super::codec::new_object(svc), super::super::codec::object_body(svc, &quote::format_ident!("object")));
                quote! {
                    let object = #new_object;
                    #http::default_content_type(&mut headers, #content_type);
                    let body = #bytes::from(#body);
                }
            }
            None => quote! { let body = #bytes::new(); },
        },
        BodyBinding::Document { members, content_type } => {
            let writes = write_document(svc, output, members, &quote! { output }, false);
            let (new_object, body) = (super::super::codec::new_object(svc), super::super::codec::object_body(svc, &quote::format_ident!("object")));
            quote! {
                let mut object = #new_object;
                #writes
                #http::default_content_type(&mut headers, #content_type);
                let body = #bytes::from(#body);
            }
        }
        BodyBinding::Payload(p) => {
            let m = &output.members[p.member];
            let f = ident(&m.field);
            let take = match p.kind {
                // An output event stream is the body `event_stream::server::response_serializer`
                // serves after this writer has written the head.
                PayloadKind::EventStream => quote! { #bytes::new() },
                PayloadKind::Blob => quote! { #bytes::from(value.into_inner()) },
                PayloadKind::StreamingBlob => quote! {
                    value.collect().await
                        .map_err(|e| ::smithygen_runtime::protocol::WireError::new("body", ::std::format!("could not be read: {}", e)))?
                        .into_bytes()
                },
                PayloadKind::Text => quote! { #bytes::from(value) },
                PayloadKind::EnumText => quote! { #bytes::from(::std::string::String::from(value.as_str())) },
                PayloadKind::Json => {
                    // `ser_value` reads through a reference; borrow the owned payload once.
                    let v = ser_value(svc, &m.ty, quote! { value_ref }, m.timestamp_format);
                    let body = super::super::codec::value_body(svc, v);
                    quote! { { let value_ref = &value; #bytes::from(#body) } }
                }
            };
            let ct = &p.content_type;
            let ct = quote! { #http::default_content_type(&mut headers, #ct); };
            let value = if m.boxed { quote! { *boxed } } else { quote! { boxed } };
            if m.is_optional() {
                quote! {
                    let body = match output.#f {
                        ::std::option::Option::Some(boxed) => {
                            let value = #value;
                            #ct
                            #take
                        }
                        ::std::option::Option::None => #bytes::new(),
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
    }
}

/// `pub(crate) fn ser_error(OpError) -> Result<ServerResponse, WireError>`.
pub fn error_serializer(svc: &Service, op: &Operation) -> TokenStream {
    let module = ident(&op.module);
    let err = ident(&op.error);
    let err_path = quote! { crate::operation::#module::#err };
    let (error_response, new_object) = error_envelope(svc);
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
                    ::std::result::Result::Ok(#error_response(
                        500,
                        meta.code().unwrap_or(::smithygen_runtime::server::INTERNAL_FAILURE),
                        meta.message().unwrap_or("the service failed to handle the request"),
                        #new_object,
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

/// The protocol's error response writer and the empty map of its body codec.
fn error_envelope(svc: &Service) -> (TokenStream, TokenStream) {
    let writer = crate::protocol::rules(svc.protocol).server_error_response_fn().parse().expect("the protocol names a runtime function");
    (writer, super::super::codec::new_object(svc))
}

/// The name of a modeled error's response writer.
fn writer_fn(svc: &Service, id: &str) -> proc_macro2::Ident {
    super::super::codec::ser_fn(svc, id)
}

/// `src/server/protocol/errors.rs`: one response writer per modeled error.
pub fn error_writers(svc: &Service) -> TokenStream {
    let (error_response, new_object) = error_envelope(svc);
    let mut ids: Vec<&String> = svc.operations.iter().flat_map(|o| o.errors.iter()).collect();
    ids.sort();
    ids.dedup();
    let writers = ids.into_iter().map(|id| {
        let s = svc.structure(id);
        let path = shape_path(svc, id);
        let f = writer_fn(svc, id);
        let status = s.error.as_ref().map(|e| e.http_status).unwrap_or(500);
        let wire = &s.wire_name;
        let plan = plan_of(s);
        let source = quote! { error };
        let headers = write_headers(s, plan, &source);
        let writes = match &plan.body {
            BodyBinding::Document { members, .. } => write_document(svc, s, members, &source, false),
            _ => quote! {},
        };
        let keep_content_type = plan.binds_header("Content-Type");
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
                let mut object = #new_object;
                #writes
                let message = error.message().unwrap_or(#wire);
                let mut response = #error_response(#status, #wire, message, object);
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
