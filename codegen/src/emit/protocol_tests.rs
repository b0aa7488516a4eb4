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
//! - A server-side request test (`appliesTo: server`) sends the case's raw request through the
//!   generated router in process (with the header naming the operation added when the protocol
//!   routes by one and the case leaves it out) to an implementation that keeps its input, and
//!   compares that input with `params`.
//! - A response test answers any request with the case's status, headers and
//!   body and compares the parsed output (or modeled error) member by member
//!   with the expected value built from `params` (NaN-aware: members whose
//!   expected value holds NaN compare by their `Debug` text).
//! - A server-side response test (`appliesTo: server`) sends a request the client writes for
//!   the operation through the generated router to an implementation that answers `params`
//!   (the output, or the modeled error), and checks the response's status, headers and body.
//! - An event-stream test checks the client's and the server stub's side of the stream (see
//!   `protocol_tests/event_stream.rs`).
//! - Cases for another protocol become ignored tests, skipped by rule. Cases listed in [`KNOWN_FAILURES_FILE`]
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
    let cbor = crate::protocol::rules(svc.protocol).body_codec() == crate::protocol::BodyCodec::Cbor;
    let mut support = support::support_module(KNOWN_FAILURES_FILE, cbor);
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
            let server_side = case.get("appliesTo").and_then(Value::as_str) == Some("server");
            let server = match planned.kind {
                Kind::Malformed => true,
                Kind::EventStream => event_stream::needs_server(svc, op, case),
                Kind::Request | Kind::Response => server_side,
            };
            test_case(planned, server, || match planned.kind {
                Kind::Request if server_side => server_request_body(svc, op, case),
                Kind::Request => request_body(svc, op, case),
                Kind::Response if server_side => server_response_body(svc, op, planned.error.as_deref(), case),
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

/// Statements comparing every member of `got` (a value of structure `shape_id`) with
/// `expected` (built from `params`), NaN-aware, streams collected.
fn compare_members(svc: &Service, shape_id: &str, params: &Value, got: &TokenStream) -> TokenStream {
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
            let got = collect(got.clone());
            let want = collect(quote! { expected });
            quote! { assert_eq!(#got, #want, #label); }
        } else if holds_nan(expected_json) {
            quote! { assert_eq!(format!("{:?}", #got.#f), format!("{:?}", expected.#f), #label); }
        } else {
            quote! { assert_eq!(#got.#f, expected.#f, #label); }
        }
    });
    let compares: Vec<TokenStream> = compares.collect();
    if compares.is_empty() {
        quote! { let _ = (#got, expected); }
    } else {
        quote! { #(#compares)* }
    }
}

/// A server-side request case (`appliesTo: server`): the case's raw request goes through the
/// generated router in process to an implementation that keeps the input it is given, which
/// must equal the case's `params`.
fn server_request_body(svc: &Service, op: &Operation, case: &Value) -> TokenStream {
    let params = case.get("params").cloned().unwrap_or(Value::Null);
    let expected = match values::structure(svc, &op.input, &params, "params") {
        Ok(e) => e,
        Err(e) => return cannot_build(e),
    };
    let output = match values::structure(svc, &op.output, &Value::Object(Default::default()), "output") {
        Ok(o) => o,
        Err(e) => return cannot_build(e),
    };
    let (events, _) = super::server::method_types(svc, op);
    if events.is_some() {
        return cannot_build("a server-side request case of an operation with an input event stream".into());
    }
    let input_path = super::common::shape_path(svc, &op.input);
    let output_path = super::common::shape_path(svc, &op.output);
    let (module, err, m) = (ident(&op.module), ident(&op.error), ident(&op.method));
    let others = svc
        .operations
        .iter()
        .filter(|o| o.id != op.id)
        .map(|o| never_called(svc, o, &format!("the request was routed to {} instead of {}", o.name, op.name)));
    let service_trait = ident(&svc.server_trait);
    let method = str_field(case, "method").unwrap_or("POST");
    let mut uri = str_field(case, "uri").unwrap_or("/").to_string();
    let query = str_list(case, "queryParams");
    if !query.is_empty() {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&query.join("&"));
    }
    let headers = case.get("headers").and_then(Value::as_object).map(|o| {
        o.iter()
            .map(|(k, v)| {
                let v = v.as_str().unwrap_or_default();
                quote! { .header(#k, #v.as_bytes()) }
            })
            .collect::<Vec<_>>()
    });
    let mut headers = headers.unwrap_or_default();
    // The suite's awsJson server cases leave out the header naming the operation, which every
    // client sends (smithy-rs's server tests add it the same way).
    let given = |name: &str| case.get("headers").and_then(Value::as_object).is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case(name)));
    for (name, value) in &super::http_bindings::plan_of(svc.structure(&op.input)).fixed_headers {
        if !given(name) {
            headers.push(quote! { .header(#name, #value) });
        }
    }
    let body = str_field(case, "body").unwrap_or_default();
    // A binary body (CBOR) is given as its base64.
    let request_body = if str_field(case, "bodyMediaType") == Some("application/cbor") {
        quote! { ::aws_smithy_types::base64::decode(#body).expect("the test's body is base64") }
    } else {
        quote! { #body.as_bytes().to_vec() }
    };
    let compares = compare_members(svc, &op.input, &params, &quote! { input });
    quote! {
        type Seen = ::std::sync::Arc<::std::sync::Mutex<::std::option::Option<#input_path>>>;
        /// Keeps the input of the operation under test; every other operation panics.
        struct Recorder(Seen);
        #[allow(unused_variables, unreachable_code)]
        impl crate::server::#service_trait for Recorder {
            async fn #m(&self, input: #input_path) -> ::std::result::Result<#output_path, crate::operation::#module::#err> {
                *self.0.lock().expect("not poisoned") = ::std::option::Option::Some(input);
                ::std::result::Result::Ok(#output)
            }
            #(#others)*
        }
        let seen: Seen = ::std::default::Default::default();
        let router = crate::server::router(Recorder(seen.clone()));
        let request = ::http::Request::builder()
            .method(#method)
            .uri(#uri)
            #(#headers)*
            .body(#request_body.into())
            .expect("the test's request is valid HTTP");
        let response = router.handle(request).await;
        let input = seen.lock().expect("not poisoned").take().unwrap_or_else(|| {
            panic!("the operation was not called: {} {}", response.status(), ::std::string::String::from_utf8_lossy(response.body()))
        });
        let expected = #expected;
        #compares
    }
}

/// A server-side response case (`appliesTo: server`): an implementation whose operation
/// answers the case's `params` (as its output, or as the modeled error) gets a request the
/// client writes for the operation through the generated router in process; the response's
/// status, headers and body must be the case's.
fn server_response_body(svc: &Service, op: &Operation, error: Option<&str>, case: &Value) -> TokenStream {
    let params = case.get("params").cloned().unwrap_or(Value::Null);
    let shape_id = error.unwrap_or(&op.output);
    let answer = match values::structure(svc, shape_id, &params, "params") {
        Ok(e) => e,
        Err(e) => return cannot_build(e),
    };
    let (events, _) = super::server::method_types(svc, op);
    let output_events = svc.structure(&op.output).members.iter().any(|m| matches!(m.ty, Type::EventStream { .. }));
    if events.is_some() || output_events {
        return cannot_build("a server-side response case of an operation with an event stream".into());
    }
    let input_path = super::common::shape_path(svc, &op.input);
    let output_path = super::common::shape_path(svc, &op.output);
    let (module, err, m) = (ident(&op.module), ident(&op.error), ident(&op.method));
    let answer = match error {
        None => quote! { ::std::result::Result::Ok(#answer) },
        Some(e) => {
            let variant = super::common::error_variant(svc.structure(e));
            quote! { ::std::result::Result::Err(crate::operation::#module::#err::#variant(#answer)) }
        }
    };
    let others = svc
        .operations
        .iter()
        .filter(|o| o.id != op.id)
        .map(|o| never_called(svc, o, &format!("the request was routed to {} instead of {}", o.name, op.name)));
    let service_trait = ident(&svc.server_trait);
    // The request only has to reach the operation: labels and @required members at harmless
    // values.
    let input = svc.structure(&op.input);
    let placeholders = match values::setters(svc, &input.members, &values::required_params(svc, &op.input), "input") {
        Ok(s) => s,
        Err(e) => return cannot_build(e),
    };
    let method_name = ident(&op.method);
    let code = case.get("code").and_then(Value::as_u64).unwrap_or(200) as u16;
    let headers = header_pairs(case);
    let forbid_headers = str_list(case, "forbidHeaders");
    let require_headers = str_list(case, "requireHeaders");
    let (n_headers, n_forbid, n_require) = (headers.len(), forbid_headers.len(), require_headers.len());
    let body_check = str_field(case, "body").map(|body| {
        let media_type = opt(str_field(case, "bodyMediaType"));
        quote! { super::support::check_body(response.body(), #body.as_bytes(), #media_type); }
    });
    quote! {
        /// Answers the case's `params`; every other operation panics.
        struct Responder;
        #[allow(unused_variables, unreachable_code)]
        impl crate::server::#service_trait for Responder {
            async fn #m(&self, input: #input_path) -> ::std::result::Result<#output_path, crate::operation::#module::#err> {
                #answer
            }
            #(#others)*
        }
        // The request the client writes for the operation.
        let http_client = super::support::CaptureClient::default();
        let client = super::support::client(super::support::DEFAULT_HOST, http_client.clone());
        let result = client.#method_name() #placeholders .send().await;
        let sent = http_client.request(result);
        let uri: ::http::Uri = sent.uri().parse().expect("the request URI parses");
        let mut request = ::http::Request::builder()
            .method(sent.method())
            .uri(uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
        for (name, value) in sent.headers() {
            request = request.header(name, value);
        }
        let body = sent.body().bytes().expect("the request body is in memory").to_vec();
        let request = request.body(body.into()).expect("the client's request is valid HTTP");
        let response = crate::server::router(Responder).handle(request).await;
        assert_eq!(
            response.status().as_u16(),
            #code,
            "status (body: {})",
            ::std::string::String::from_utf8_lossy(response.body())
        );
        let headers: [(&str, &str); #n_headers] = [#(#headers),*];
        let forbid_headers: [&str; #n_forbid] = [#(#forbid_headers),*];
        let require_headers: [&str; #n_require] = [#(#require_headers),*];
        for (name, value) in headers {
            let got: ::std::vec::Vec<&str> = response.headers().get_all(name).iter().map(|v| v.to_str().expect("a text header")).collect();
            assert_eq!(got.join(", "), value, "header `{name}`");
        }
        for name in forbid_headers {
            assert!(!response.headers().contains_key(name), "header `{name}` is forbidden: {:?}", response.headers().get(name));
        }
        for name in require_headers {
            assert!(response.headers().contains_key(name), "header `{name}` is required");
        }
        #body_check
    }
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
    let compares = compare_members(svc, shape_id, &params, &quote! { output });
    // A binary body (CBOR) is given as its base64.
    let reply = if str_field(case, "bodyMediaType") == Some("application/cbor") {
        quote! { super::support::ReplyClient::with_body(#code, &[#(#headers),*], ::aws_smithy_types::base64::decode(#body).expect("the test's body is base64")) }
    } else {
        quote! { super::support::ReplyClient::new(#code, &[#(#headers),*], #body.as_bytes()) }
    };
    let call = quote! {
        let http_client = #reply;
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
