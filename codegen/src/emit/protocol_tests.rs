//! Protocol compliance tests generated beside the code: each case of
//! `smithy.test#httpRequestTests`, `smithy.test#httpResponseTests`,
//! `smithy.test#httpMalformedRequestTests` and `smithy.test#eventStreamTests` on an
//! operation (or on one of its errors) becomes a `#[tokio::test]` in
//! `src/protocol_tests/<operation>.rs`, named `request_<id>`, `response_<id>`,
//! `malformed_<id>` or `eventstream_<id>` (snake case).
//!
//! - A request test builds the input from the case's `params` with the fluent
//!   builder, sends it through the real client stack (SigV4 with static
//!   credentials, region `us-east-1`, endpoint `https://<host>`) to an HTTP
//!   client that captures the request, and checks method, path, host, query
//!   parameters, headers and body.
//! - A response test answers any request with the case's status, headers and
//!   body and compares the parsed output (or modeled error) member by member
//!   with the expected value built from `params` (NaN-aware: members whose
//!   expected value holds NaN compare by their `Debug` text).
//! - An event-stream test checks the client's and the server stub's side of the stream (see
//!   `protocol_tests/event_stream.rs`).
//! - Cases for another protocol or for the other side (`appliesTo`) become
//!   ignored tests, skipped by rule. Cases listed in [`KNOWN_FAILURES_FILE`]
//!   are generated to expect their failure: the test fails when the case
//!   starts passing, so the list cannot go stale.

mod event_stream;
mod malformed;
mod support;
mod values;

use crate::conformance::{known_failures, operation_cases, Disposition, Kind, KnownFailure, PlannedCase, KNOWN_FAILURES_FILE};
use crate::emit::common::ident;
use crate::ir::{Binding, Operation, Service, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Whether any operation carries protocol tests (AWS service models have none).
pub fn has_protocol_tests(svc: &Service) -> bool {
    svc.operations
        .iter()
        .any(|op| {
            !op.request_tests.is_empty()
                || !op.response_tests.is_empty()
                || !op.malformed_tests.is_empty()
                || !op.event_stream_tests.is_empty()
        })
}

/// `src/protocol_tests.rs`, its support module and one file per operation with tests.
pub fn test_files(svc: &Service) -> Vec<(String, TokenStream)> {
    if !has_protocol_tests(svc) {
        return Vec::new();
    }
    let known = known_failures();
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for op in &svc.operations {
        let tests = operation_tests(svc, op, &known);
        if tests.is_empty() {
            continue;
        }
        let m = ident(&op.module);
        modules.push(quote! { mod #m; });
        let doc = format!(" Protocol tests of `{}`.", op.name);
        files.push((
            format!("src/protocol_tests/{}.rs", op.file),
            quote! {
                #![doc = #doc]
                #(#tests)*
            },
        ));
    }
    let mut support = support::support_module(KNOWN_FAILURES_FILE);
    if svc.operations.iter().any(|op| !op.malformed_tests.is_empty()) {
        support.extend(malformed::support(svc));
    }
    if svc.operations.iter().any(|op| !op.event_stream_tests.is_empty()) {
        support.extend(event_stream::support(svc));
    }
    files.push(("src/protocol_tests/support.rs".to_string(), support));
    files.push((
        "src/protocol_tests.rs".to_string(),
        quote! {
            //! The model's protocol compliance tests, one module per operation. Request tests check
            //! the request the client sends, response tests the output or error it reads.
            //! Known failures are listed in `codegen/conformance/known-failures.txt` of smithygen.
            #![allow(clippy::bool_assert_comparison, clippy::approx_constant, clippy::excessive_precision)]
            mod support;
            #(#modules)*
        },
    ));
    files
}

fn operation_tests(svc: &Service, op: &Operation, known: &[KnownFailure]) -> Vec<TokenStream> {
    operation_cases(svc.protocol, op, known)
        .iter()
        .map(|planned| {
            let case = &planned.case;
            let server = match planned.kind {
                Kind::Malformed => true,
                Kind::EventStream => event_stream::needs_server(svc, op, case),
                Kind::Request | Kind::Response => false,
            };
            test_case(planned, server, || match planned.kind {
                Kind::Request => request_body(svc, op, case),
                Kind::Response => response_body(svc, op, planned.error.as_deref(), case),
                Kind::Malformed => malformed::test_body(case),
                Kind::EventStream => event_stream::test_body(svc, op, case),
            })
        })
        .collect()
}

/// One test function: skipped by rule, expected to fail (known), or plain. Tests of the
/// server stub (`server`) need the crate's `server` feature and are ignored without it. A
/// test that runs records its result (see [`crate::conformance::RESULTS_ENV`]).
fn test_case(planned: &PlannedCase, server: bool, body: impl FnOnce() -> TokenStream) -> TokenStream {
    let (kind, id, case) = (planned.kind, planned.id.as_str(), &planned.case);
    let name = format_ident!("{}", planned.name);
    let key = planned.key();
    let doc = case
        .get("documentation")
        .and_then(Value::as_str)
        .map(|d| format!(" `{id}`: {}", d.split_whitespace().collect::<Vec<_>>().join(" ")))
        .unwrap_or_else(|| format!(" `{id}`."));
    if let Disposition::SkippedByRule(reason) = &planned.disposition {
        return quote! {
            #[doc = #doc]
            #[test]
            #[ignore = #reason]
            fn #name() {}
        };
    }
    let body = body();
    let gate = server.then(|| quote! { #[cfg(feature = "server")] });
    let without_server = server.then(|| {
        quote! {
            #[doc = #doc]
            #[cfg(not(feature = "server"))]
            #[test]
            #[ignore = "needs the crate's `server` feature"]
            fn #name() {}
        }
    });
    let test = match &planned.disposition {
        Disposition::Known(k) => {
            let label = format!("{} {}", kind.word(), id);
            let note = format!(" Known failure: {}", k.reason);
            quote! {
                #[doc = #doc]
                #[doc = ""]
                #[doc = #note]
                #gate
                #[tokio::test]
                async fn #name() {
                    let _record = super::support::Record(#key);
                    super::support::known_failure(#label, async { #body }).await;
                }
            }
        }
        _ => quote! {
            #[doc = #doc]
            #gate
            #[tokio::test]
            async fn #name() {
                let _record = super::support::Record(#key);
                #body
            }
        },
    };
    quote! { #test #without_server }
}

fn str_field<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(Value::as_str)
}

fn str_list(case: &Value, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn header_pairs(case: &Value) -> Vec<TokenStream> {
    case.get("headers")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let v = v.as_str().unwrap_or_default();
                    quote! { (#k, #v) }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn opt(v: Option<&str>) -> TokenStream {
    match v {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    }
}

/// A test body that fails with `message` (the generator could not build the case).
fn cannot_build(message: String) -> TokenStream {
    let message = format!("the generator cannot build this case: {message}");
    quote! { panic!("{}", #message); }
}

/// A method of the service trait that a test must never reach: it panics with `message`.
fn never_called(svc: &Service, op: &Operation, message: &str) -> TokenStream {
    let m = ident(&op.method);
    let input = super::common::shape_path(svc, &op.input);
    let (events, output) = super::server::method_types(svc, op);
    let module = ident(&op.module);
    let err = ident(&op.error);
    quote! {
        async fn #m(&self, input: #input, #events) -> ::std::result::Result<#output, crate::operation::#module::#err> {
            panic!(#message)
        }
    }
}

/// `super::support::ExpectedRequest` from a request test case (or an initial request).
fn expected_request(case: &Value) -> TokenStream {
    let method = str_field(case, "method").unwrap_or_default();
    let uri = str_field(case, "uri").unwrap_or_default();
    let resolved_host = opt(str_field(case, "resolvedHost"));
    let query_params = str_list(case, "queryParams");
    let forbid_query = str_list(case, "forbidQueryParams");
    let require_query = str_list(case, "requireQueryParams");
    let headers = header_pairs(case);
    let forbid_headers = str_list(case, "forbidHeaders");
    let require_headers = str_list(case, "requireHeaders");
    let body = opt(str_field(case, "body"));
    let media_type = opt(str_field(case, "bodyMediaType"));
    quote! {
        super::support::ExpectedRequest {
            method: #method,
            uri: #uri,
            host: #resolved_host,
            query_params: &[#(#query_params),*],
            forbid_query_params: &[#(#forbid_query),*],
            require_query_params: &[#(#require_query),*],
            headers: &[#(#headers),*],
            forbid_headers: &[#(#forbid_headers),*],
            require_headers: &[#(#require_headers),*],
            body: #body,
            body_media_type: #media_type,
        }
    }
}

fn request_body(svc: &Service, op: &Operation, case: &Value) -> TokenStream {
    let input = svc.structure(&op.input);
    let setters = match values::setters(svc, &input.members, case.get("params").unwrap_or(&Value::Null), "params") {
        Ok(s) => s,
        Err(e) => return cannot_build(e),
    };
    let method_name = ident(&op.method);
    let host = str_field(case, "host").unwrap_or("example.com");
    let expected = expected_request(case);
    quote! {
        let http_client = super::support::CaptureClient::default();
        let client = super::support::client(#host, http_client.clone());
        let result = client.#method_name() #setters .send().await;
        let request = http_client.request(result);
        super::support::check_request(
            &request,
            &#expected,
        );
    }
}

/// Whether a JSON value holds a NaN anywhere (as the protocol's `"NaN"` text).
fn holds_nan(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "NaN",
        Value::Array(a) => a.iter().any(holds_nan),
        Value::Object(o) => o.values().any(holds_nan),
        _ => false,
    }
}

/// The error code (and awsQuery `type`) an error response case expects in the error's
/// metadata: its `vendorParams` of shape `aws.protocoltests.config#ErrorCodeParams`.
fn error_code_checks(case: &Value) -> TokenStream {
    if case.get("vendorParamsShape").and_then(Value::as_str) != Some("aws.protocoltests.config#ErrorCodeParams") {
        return quote! {};
    }
    let params = case.get("vendorParams");
    let field = |key: &str| params.and_then(|p| p.get(key)).and_then(Value::as_str);
    let meta = quote! { ::aws_smithy_types::error::metadata::ProvideErrorMetadata::meta(&output) };
    let code = field("code").map(|code| quote! { assert_eq!(#meta.code(), ::std::option::Option::Some(#code), "error code"); });
    let fault = field("type").map(|t| quote! { assert_eq!(#meta.extra("type"), ::std::option::Option::Some(#t), "error type"); });
    quote! { #code #fault }
}

fn response_body(svc: &Service, op: &Operation, error: Option<&str>, case: &Value) -> TokenStream {
    let input = svc.structure(&op.input);
    // The reply ignores the request, but the client must be able to build one: fill URI labels.
    let placeholders = input.members.iter().filter(|m| m.binding == Binding::Label || m.host_label).map(|m| {
        let set = ident(&m.setter);
        let v = values::placeholder(svc, &m.ty);
        quote! { .#set(::std::option::Option::Some(#v)) }
    });
    let method_name = ident(&op.method);
    let code = case.get("code").and_then(Value::as_u64).unwrap_or(200) as u16;
    let headers = header_pairs(case);
    let body = str_field(case, "body").unwrap_or_default();
    let params = case.get("params").cloned().unwrap_or(Value::Null);
    let shape_id = error.unwrap_or(&op.output);
    let expected = match values::structure(svc, shape_id, &params, "params") {
        Ok(e) => e,
        Err(e) => return cannot_build(e),
    };
    let members = &svc.structure(shape_id).members;
    let compares = members.iter().map(|m| {
        let f = ident(&m.field);
        let label = format!("member `{}`", m.name);
        let expected_json = params.get(&m.name).unwrap_or(&Value::Null);
        if let Type::Blob { streaming: true } = m.ty {
            let collect = |side: TokenStream| {
                if m.is_optional() {
                    quote! {
                        match #side.#f {
                            ::std::option::Option::Some(stream) => ::std::option::Option::Some(stream.collect().await.expect("the stream reads").into_bytes()),
                            ::std::option::Option::None => ::std::option::Option::None,
                        }
                    }
                } else {
                    quote! { #side.#f.collect().await.expect("the stream reads").into_bytes() }
                }
            };
            let got = collect(quote! { output });
            let want = collect(quote! { expected });
            quote! { assert_eq!(#got, #want, #label); }
        } else if holds_nan(expected_json) {
            quote! { assert_eq!(format!("{:?}", output.#f), format!("{:?}", expected.#f), #label); }
        } else {
            quote! { assert_eq!(output.#f, expected.#f, #label); }
        }
    });
    let compares: Vec<TokenStream> = compares.collect();
    let compares = if compares.is_empty() {
        quote! { let _ = (output, expected); }
    } else {
        quote! { #(#compares)* }
    };
    let call = quote! {
        let http_client = super::support::ReplyClient::new(#code, &[#(#headers),*], #body.as_bytes());
        let client = super::support::client(super::support::DEFAULT_HOST, http_client);
        let result = client.#method_name() #(#placeholders)* .send().await;
        let expected = #expected;
    };
    match error {
        None => quote! {
            #call
            let output = result.expect("the response is read as the output");
            #compares
        },
        Some(e) => {
            let module = ident(&op.module);
            let err = ident(&op.error);
            let variant = super::common::error_variant(svc.structure(e));
            let what = format!("expected {}::{}", err, variant);
            let codes = error_code_checks(case);
            quote! {
                #call
                let error = result.expect_err("the response is read as an error").into_service_error();
                match error {
                    crate::operation::#module::#err::#variant(output) => {
                        #codes
                        #compares
                    }
                    other => panic!("{}, got {:?}", #what, other),
                }
            }
        }
    }
}
