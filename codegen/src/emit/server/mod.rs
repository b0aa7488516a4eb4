//! The server stub behind the generated crate's `server` feature: a trait with one `async fn`
//! per operation, a router that serves any implementation, request readers (`de_request`),
//! response and error writers, and constraint validators.
//!
//! Only per-operation and per-shape glue is generated; routing, content negotiation, the
//! HTTP server and the wording of validation errors are `smithygen_runtime::server`.
//! The client's input, output and error types are reused, never duplicated.

mod request;
mod response;

use super::common::*;
use super::validate;
use super::event_stream::server as event_streams;
use crate::ir::{Operation, Service};
use crate::protocol::{ErrorEnvelope, Routing};
use super::http_bindings::plan_of;
use crate::model::local_name;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// How an operation reports constraint violations, picked from its modeled errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationStyle {
    /// The operation lists `smithy.framework#ValidationException`: the framework body
    /// (`message` + `fieldList`), or the operation has no validation error at all.
    Framework,
    /// The operation has a modeled error named `ValidationError` or `ValidationException`
    /// (by shape id): it is sent with the AWS wording in its message.
    Modeled(String),
}

/// The shape id of the Smithy framework's validation error.
pub const FRAMEWORK_VALIDATION: &str = "smithy.framework#ValidationException";

/// Picks the validation error of an operation from its model.
pub fn validation_style(op: &Operation) -> ValidationStyle {
    if op.errors.iter().any(|e| e == FRAMEWORK_VALIDATION) {
        return ValidationStyle::Framework;
    }
    match op.errors.iter().find(|e| matches!(local_name(e), "ValidationError" | "ValidationException")) {
        Some(e) => ValidationStyle::Modeled(e.clone()),
        None => ValidationStyle::Framework,
    }
}

/// The `server` module's declaration in `src/lib.rs` (behind the crate's `server` feature).
pub fn lib_module() -> TokenStream {
    quote! {
        #[cfg(feature = "server")]
        pub mod server;
    }
}

/// The server's own files: `src/server.rs` (trait and router) and `src/server/protocol.rs` with one module per operation (`de_request`, `ser_response`,
/// `ser_error`, `ser_validation_error`) and `errors` (one writer per modeled error).
/// A `@pattern` without a translation (see [`crate::pattern`]) is left unchecked by the server.
pub fn files(svc: &Service) -> Vec<(String, TokenStream)> {
    let protocol_doc = format!(" {} for the server: per operation, the request reader and the response,", svc.protocol.label());
    let modules = svc.operations.iter().map(|op| {
        let m = ident(&op.module);
        quote! { pub(crate) mod #m; }
    });
    let mut files = vec![
        ("src/server.rs".to_string(), server_module(svc)),
        (
            "src/server/protocol.rs".to_string(),
            quote! {
                #![doc = #protocol_doc]
                #![doc = " error and validation-error writers; `errors` writes each modeled error."]
                pub(crate) mod errors;
                #(#modules)*
            },
        ),
        ("src/server/protocol/errors.rs".to_string(), response::error_writers(svc)),
    ];
    for op in &svc.operations {
        files.push((format!("src/server/protocol/{}.rs", op.file), operation_protocol(svc, op)));
    }
    files
}

/// `src/server/protocol/<op>.rs`.
fn operation_protocol(svc: &Service, op: &Operation) -> TokenStream {
    let de = request::request_deserializer(svc, op);
    let ser = event_streams::response_serializer(svc, op, response::response_serializer(svc, op));
    let err = response::error_serializer(svc, op);
    let validation = response::validation_error(svc, op);
    quote! {
        #de
        #ser
        #err
        #validation
    }
}

/// The trait method's extra `events: EventReceiver<..>,` parameter (an input event stream)
/// and what it returns on success (the output, with an `EventProducer` for an output stream).
pub fn method_types(svc: &Service, op: &Operation) -> (Option<TokenStream>, TokenStream) {
    event_streams::method_types(svc, op, &format_ident!("events"), shape_path(svc, &op.output))
}

fn trait_name(svc: &Service) -> proc_macro2::Ident {
    ident(&svc.server_trait)
}

/// `src/server.rs`: the service trait and the router, one `serve_operation` per operation.
fn server_module(svc: &Service) -> TokenStream {
    let name = trait_name(svc);
    let title = &svc.title;
    let wire = crate::protocol::rules(svc.protocol);
    let routes_what = match wire.routing() {
        Routing::Uri => "each operation's `@http` method and URI".to_string(),
        Routing::TargetHeader(header) => format!("each operation (`POST /`, named by `{header}`)"),
        Routing::ServiceOperationPath => "each operation (`POST /service/{Service}/operation/{Operation}`)".to_string(),
    };
    let protocol = svc.protocol.label();
    let module_doc = format!(
        " Server stub for {title} (feature `server`): implement [`{name}`], then serve it.\n\n\
         [`router`] routes {routes_what} to the implementation, reading\n\
         requests and validating their constraints first (`@required`, `@length`, `@range`,\n\
         `@pattern`, enum values, `@uniqueItems`) and writing outputs and modeled errors per\n\
         {protocol}. [`start`] runs it on a free loopback port for tests and mocks; [`serve`] and\n\
         [`serve_with_shutdown`] run it on a listener of your own.\n\n\
         ```text\n\
         let server = {lib}::server::start(MyService::default()).await?;\n\
         let config = {lib}::Config::builder().endpoint_url(server.url()) /* ... */ .build();\n\
         // ... call it with the client ...\n\
         server.shutdown().await?;\n\
         ```",
        lib = svc.crate_name.replace('-', "_"),
    );
    let trait_doc = format!(
        " The {title} service: one `async fn` per operation, taking the operation's input and\n\
         returning its output or one of its errors (the client's own types).\n\n\
         Implement the methods with `async fn`; the futures must be `Send`. Inputs arrive\n\
         validated against the model's constraints. An `Unhandled` error is answered with\n\
         status 500 and its metadata's code and message; a panic with 500 `InternalFailure`."
    );
    let methods = svc.operations.iter().map(|op| {
        let m = ident(&op.method);
        let input = shape_path(svc, &op.input);
        let module = ident(&op.module);
        let err = ident(&op.error);
        let d = docs(op.docs.as_deref());
        let http = format!(" Served at `{} {}`.", op.http.method, op.http.uri);
        // Event streams: the input stream's receiver as an argument, the output stream's
        // producer beside the output.
        let (events_in, output) = method_types(svc, op);
        let stream_docs = event_streams::method_docs(svc, op);
        quote! {
            #d
            ///
            #[doc = #http]
            #stream_docs
            fn #m(
                &self,
                input: #input,
                #events_in
            ) -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::operation::#module::#err>> + ::std::marker::Send;
        }
    });
    let routes = svc.operations.iter().map(|op| {
        let name = &op.name;
        let method = &op.http.method;
        let uri = &op.http.uri;
        let m = ident(&op.method);
        let module = ident(&op.module);
        let validate = validate::validator_fn(svc, &op.input);
        let events = format_ident!("events");
        let read_events = event_streams::read_input_events(svc, op, &events, &quote! { request });
        let events_arg = read_events.as_ref().map(|_| quote! { , #events });
        let write_output = event_streams::write_output(svc, op, quote! { crate::server::protocol::#module::ser_response });
        let route = event_streams::route_method(svc, op);
        // The protocol says how a request finds its operation: its `@http` method and URI, or
        // a header naming it (awsJson's `X-Amz-Target`, on `POST /`).
        let (route, selector) = match wire.routing() {
            // rpcv2Cbor's fixed path is the operation's URI in the plan.
            Routing::Uri | Routing::ServiceOperationPath => (route, quote! { #method, #uri }),
            Routing::TargetHeader(header) => {
                let target = plan_of(svc.structure(&op.input))
                    .fixed_headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(header))
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default();
                // An input stream is read as it arrives, as `route_streaming` does.
                let route = if route == "route_streaming" { "route_target_streaming" } else { "route_target" };
                (format_ident!("{route}"), quote! { #header, #target })
            }
        };
        quote! {
            .#route(#name, #selector, {
                let service = service.clone();
                move |request| {
                    let service = service.clone();
                    async move {
                        #read_events
                        let operation = ::smithygen_runtime::server::ServerOperation {
                            name: #name,
                            read_request: crate::server::protocol::#module::de_request,
                            validate: crate::validate::#validate,
                            write_validation_error: crate::server::protocol::#module::ser_validation_error,
                            write_error: crate::server::protocol::#module::ser_error,
                        };
                        ::smithygen_runtime::server::serve_operation(&operation, request, |input| service.#m(input #events_arg), #write_output).await
                    }
                }
            })
        }
    });
    let event_stream_uses = event_streams::reexports(svc);
    let streams = event_streams::body_limit_note(svc);
    // restJson1's envelope is the router's default.
    let envelope = match wire.error_envelope() {
        ErrorEnvelope::RestJson1 => quote! {},
        ErrorEnvelope::AwsJson(content_type) => quote! {
            .with_error_envelope(::smithygen_runtime::server::ErrorEnvelope::AwsJson { content_type: #content_type })
        },
        ErrorEnvelope::RpcV2Cbor => quote! {
            .with_error_envelope(::smithygen_runtime::server::ErrorEnvelope::RpcV2Cbor)
        },
    };
    let routed = match wire.routing() {
        Routing::Uri => "at its `@http` method and URI".to_string(),
        Routing::TargetHeader(header) => format!("at `POST /` with the `{header}` naming it"),
        Routing::ServiceOperationPath => "at `POST /service/{Service}/operation/{Operation}`".to_string(),
    };
    let router_doc = format!(
        " A [`Router`] for `service`: every operation of [`{name}`] {routed}.\n\n\
         Unknown paths get 404 `UnknownOperationException`, known paths with another method 405,\n\
         malformed requests 400 `SerializationException`, wrong media types 415, bodies over\n\
         [`ServerConfig::body_limit`](::smithygen_runtime::server::ServerConfig) 413{streams}, constraint\n\
         violations the operation's validation error, and every response an `x-amzn-RequestId`."
    );
    let module_doc = module_doc.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {}", l.trim_start()) });
    let trait_doc = doc_lines(trait_doc.trim_start());
    let router_doc = doc_lines(router_doc.trim_start());
    quote! {
        #( #![doc = #module_doc] )*
        pub(crate) mod protocol;

        pub use ::smithygen_runtime::server::{Bytes, Http2Config, Router, ServerConfig, ServerHandle, TlsConfig};
        #event_stream_uses

        #trait_doc
        pub trait #name: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }

        #router_doc
        pub fn router<S: #name>(service: S) -> Router {
            let service = ::std::sync::Arc::new(service);
            Router::new()
                #envelope
                #(#routes)*
        }

        /// Serves `service` on `listener` until the process ends: HTTP/1.1 (keep-alive) and HTTP/2
        /// (h2c) on the one port; for HTTPS with ALPN, give the router a [`ServerConfig`] whose
        /// `tls` is a [`TlsConfig`] (`router(service).with_config(..)`).
        pub async fn serve<S: #name>(listener: ::tokio::net::TcpListener, service: S) -> ::std::io::Result<()> {
            router(service).serve(listener).await
        }

        /// Serves `service` on `listener` until `signal` completes, then shuts down gracefully:
        /// requests in flight finish, idle connections close.
        pub async fn serve_with_shutdown<S: #name>(
            listener: ::tokio::net::TcpListener,
            service: S,
            signal: impl ::std::future::Future<Output = ()> + ::std::marker::Send,
        ) -> ::std::io::Result<()> {
            router(service).serve_with_shutdown(listener, signal).await
        }

        /// Starts `service` on a free port of `127.0.0.1` in the background. The handle gives
        /// the URL (`server.url()`, an endpoint URL for the client) and stops the server
        /// (`server.shutdown().await`, or by dropping it).
        pub async fn start<S: #name>(service: S) -> ::std::io::Result<ServerHandle> {
            router(service).start("127.0.0.1:0").await
        }

    }
}

#[cfg(test)]
mod tests {
    use crate::{generate, CrateOptions, Options};
    use serde_json::json;

    /// A one-operation service whose input member has `@pattern(pattern)` and
    /// whose operation lists `errors`.
    fn model(pattern: &str, errors: &[&str]) -> String {
        let mut shapes = json!({
            "ex.srv#Svc": {
                "type": "service", "version": "2024-01-01",
                "operations": [{"target": "ex.srv#PutThing"}],
                "traits": {"aws.api#service": {"sdkId": "Server Example"}, "aws.protocols#restJson1": {}}
            },
            "ex.srv#PutThing": {
                "type": "operation",
                "input": {"target": "ex.srv#PutThingInput"},
                "errors": errors.iter().map(|e| json!({"target": e})).collect::<Vec<_>>(),
                "traits": {"smithy.api#http": {"method": "PUT", "uri": "/things/{Id}", "code": 200}}
            },
            "ex.srv#PutThingInput": {
                "type": "structure",
                "members": {
                    "Id": {"target": "ex.srv#ThingId", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}}
                }
            },
            "ex.srv#ThingId": {"type": "string", "traits": {"smithy.api#pattern": pattern}}
        });
        for e in errors {
            shapes[*e] = json!({
                "type": "structure",
                "members": {"message": {"target": "smithy.api#String"}},
                "traits": {"smithy.api#error": "client", "smithy.api#httpError": 422}
            });
        }
        json!({"smithy": "2.0", "shapes": shapes}).to_string()
    }

    fn options() -> Options {
        Options {
            service: None,
            crate_options: CrateOptions { runtime_dependency: "{ path = \"../../runtime\" }".into(), version: "0.1.0".into() },
            customizations: None,
        }
    }

    #[test]
    fn an_untranslatable_pattern_is_left_unchecked_naming_member_and_pattern() {
        let krate = generate(&model(r"^\p{InKlingon}+$", &[]), &options()).unwrap();
        let validate = &krate.files["src/validate.rs"];
        assert!(!validate.contains("Pattern::"), "{validate}");
        assert!(!validate.contains("check_pattern"), "{validate}");
        assert!(validate.contains(r#"@pattern("^\p{InKlingon}+$")"#), "{validate}");
        assert!(validate.contains("ex.srv#PutThingInput$Id"), "{validate}");
        assert!(validate.contains("InKlingon"), "{validate}");
        assert!(!krate.files["Cargo.toml"].contains("fancy-regex"));
    }

    #[test]
    fn a_lookahead_pattern_runs_on_fancy_regex_which_the_server_feature_then_enables() {
        let krate = generate(&model("^(?!aws:)b$", &[]), &options()).unwrap();
        let validate = &krate.files["src/validate.rs"];
        assert!(validate.contains("::smithygen_runtime::constraints::Pattern::fancy("), "{validate}");
        assert!(validate.contains(r#""^(?!aws:)b(?:(?mR:$)"#), "{validate}");
        assert!(validate.contains("check_pattern"), "{validate}");
        assert!(krate.files["Cargo.toml"].contains(r#"server = ["smithygen-runtime/server", "smithygen-runtime/fancy-regex", "dep:regex", "dep:tokio"]"#));
    }

    #[test]
    fn a_counted_class_past_the_size_limit_is_checked_by_counting() {
        let krate = generate(&model(r"^.{1,100000}$", &[]), &options()).unwrap();
        let validate = &krate.files["src/validate.rs"];
        assert!(validate.contains("::smithygen_runtime::constraints::Pattern::counted("), "{validate}");
        assert!(validate.contains("100000u32") && validate.contains("Some(100000u32)"), "{validate}");
        assert!(krate.unchecked_constraints.is_empty(), "{:?}", krate.unchecked_constraints);
        assert!(!krate.files["Cargo.toml"].contains("fancy-regex"));
    }

    #[test]
    fn the_translated_pattern_is_carried_as_a_literal_and_the_style_follows_the_model() {
        let krate = generate(&model(r"^\p{Alpha}+$", &["ex.srv#ValidationException"]), &options()).unwrap();
        let validate = &krate.files["src/validate.rs"];
        assert!(validate.contains("::smithygen_runtime::constraints::Pattern::regex("), "{validate}");
        assert!(validate.contains(r#""^[a-zA-Z]+(?:"#), "{validate}");
        let protocol = &krate.files["src/server/protocol/put_thing.rs"];
        assert!(protocol.contains("violations.aws_message()"), "{protocol}");
        assert!(protocol.contains("crate::server::protocol::errors::ser_error_validation_exception"), "{protocol}");
        assert!(krate.files["src/server/protocol/errors.rs"].contains("422"));
        assert!(krate.files["Cargo.toml"].contains(r#"server = ["smithygen-runtime/server", "dep:regex", "dep:tokio"]"#));

        let krate = generate(&model("^[a-z]+$", &[]), &options()).unwrap();
        assert!(krate.files["src/server/protocol/put_thing.rs"].contains("violations.framework_response()"));
    }
}
