//! Emit: the IR becomes the files of a client crate. One module per concern;
//! this one decides the file layout and formats every Rust file.

pub mod cli;
pub mod client;
pub mod common;
// `config`, `config::endpoint`, `config::auth`.
pub mod config;
// The model's `smithy.rules#endpointTests` as data plus one test.
pub mod endpoint_resolver;
pub mod endpoint_tests;
// Event streams, client and server side (emit/event_stream/): every event-stream rendering.
pub mod event_stream;
pub mod examples;
pub mod http_bindings;
pub mod cbor_codec;
pub mod body_format;
pub mod codec;
pub mod json_codec;
pub mod manifest;
pub mod operation;
// Paginators (`smithy.api#paginated`): `crate::operation::<op>::paginator`.
pub mod paginator;
// Protocol compliance tests (`smithy.test#http*Tests`), only for models that carry them.
pub mod protocol_tests;
pub mod rest_json;
// Server stub behind the generated crate's `server` feature (emit/server/).
pub mod server;
pub mod shapes;
pub mod validate;
// Waiters (`smithy.waiters#waitable`): `crate::waiters`, `client::Waiters`.
pub mod waiter;

use crate::error::Errors;
use crate::ir::{Service, TypeHome};
use common::{format_file, ident};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// How the generated crate finds the hand-written runtime.
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// The dependency specification of `smithygen-runtime`, e.g. `{ path = "../../runtime" }`.
    pub runtime_dependency: String,
    /// The crate version to write into `Cargo.toml`. A client crate is given the version its
    /// history calls for ([`crate::generate_with_history`]); a command-line client takes its
    /// client crate's, for itself and for its dependency on the client.
    pub version: String,
}

/// Every file of the client crate, keyed by path relative to the crate root.
pub fn client_crate(svc: &Service, options: &CrateOptions) -> Result<BTreeMap<String, String>, Errors> {
    let mut rust: Vec<(String, TokenStream)> = vec![
        ("src/lib.rs".into(), {
            let mut lib = client::lib_rs(svc);
            lib.extend(validate::lib_module());
            lib.extend(server::lib_module());
            lib.extend(waiter::lib_module(svc));
            lib
        }),
        ("src/client.rs".into(), {
            let mut client = client::client(svc);
            client.extend(waiter::client_trait(svc));
            client
        }),
        ("src/config.rs".into(), config::config(svc)),
        ("src/config/endpoint.rs".into(), config::endpoint_module(svc)),
        ("src/config/auth.rs".into(), config::auth_module()),
        ("src/error.rs".into(), client::error(svc)),
        ("src/primitives.rs".into(), {
            let primitives = client::primitives();
            let event_stream = event_stream::client::primitives(svc);
            quote! { #primitives #event_stream }
        }),
    ];
    rust.extend(svc.operations.iter().map(|op| (format!("src/client/{}.rs", op.file), client::operation_call(svc, op))));
    rust.extend(types_files(svc));
    rust.extend(operation_files(svc));
    rust.extend(paginator::files(svc));
    rust.extend(waiter::files(svc));
    rust.extend(protocol_files(svc));
    rust.extend(examples::examples(svc));
    rust.extend(endpoint_tests::test_files(svc));
    // Constraint validators (features `server` and `validate`).
    rust.push(("src/validate.rs".into(), validate::validators(svc)));
    // Server stub (feature `server`): adds its files and the server halves of protocol files.
    rust.extend(server::files(svc));
    rust.extend(protocol_tests::test_files(svc));

    let mut files = BTreeMap::new();
    let mut errors = Vec::new();
    for (path, tokens) in rust {
        match format_file(&path, tokens) {
            Ok(text) => {
                files.insert(path, text);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    files.insert("Cargo.toml".into(), manifest::cargo_toml(svc, options));
    files.insert("README.md".into(), manifest::readme(svc));
    Ok(files)
}

fn types_files(svc: &Service) -> Vec<(String, TokenStream)> {
    let mut types = Vec::new();
    let mut type_builders = Vec::new();
    let mut errors = Vec::new();
    let mut error_builders = Vec::new();
    for s in svc.structures.values() {
        match s.home {
            TypeHome::Types => {
                let (def, builder) = shapes::structure(svc, s);
                types.push(def);
                type_builders.push(builder);
            }
            TypeHome::Errors => {
                let (def, builder) = shapes::structure(svc, s);
                let impls = shapes::error_impls(s);
                errors.push(quote! { #def #impls });
                error_builders.push(builder);
            }
            TypeHome::Operation(_) => {}
        }
    }
    for e in svc.enums.values() {
        types.push(shapes::enumeration(e));
    }
    // An event stream's union holds its events only; its error events are `<Union>Error`.
    for u in svc.unions.values() {
        types.push(shapes::union(svc, u));
        types.push(event_stream::client::blob_data_impl(svc, u));
    }
    errors.extend(event_stream::client::error_enums(svc));
    vec![
        (
            "src/types.rs".into(),
            quote! {
                //! Data types shared by operations: structures, enums and unions.
                pub mod builders;
                pub mod error;
                #(#types)*
            },
        ),
        (
            "src/types/builders.rs".into(),
            quote! {
                //! Builders for the structures in [`crate::types`].
                #(#type_builders)*
            },
        ),
        (
            "src/types/error.rs".into(),
            quote! {
                //! Modeled errors: one structure per error shape of the service.
                pub mod builders;
                #(#errors)*
            },
        ),
        (
            "src/types/error/builders.rs".into(),
            quote! {
                //! Builders for the errors in [`crate::types::error`].
                #(#error_builders)*
            },
        ),
    ]
}

fn operation_files(svc: &Service) -> Vec<(String, TokenStream)> {
    let modules = svc.operations.iter().map(|op| {
        let m = ident(&op.module);
        let doc = format!(" Input, output, errors and fluent builder of `{}`.", op.name);
        quote! { #[doc = #doc] pub mod #m; }
    });
    let mut files = vec![(
        "src/operation.rs".to_string(),
        quote! {
            //! One module per operation.

            /// Request ids of outputs and errors (`x-amzn-RequestId`), as in the official SDK crates.
            pub use ::aws_types::request_id::RequestId;
            #(#modules)*
        },
    )];
    for op in &svc.operations {
        let mut module = operation::operation_module(svc, op);
        module.extend(paginator::module_declaration(svc, op));
        files.push((format!("src/operation/{}.rs", op.file), module));
    }
    files
}

fn protocol_files(svc: &Service) -> Vec<(String, TokenStream)> {
    let modules = svc.operations.iter().map(|op| {
        let m = ident(&op.module);
        quote! { pub(crate) mod #m; }
    });
    let codecs = svc
        .structures
        .values()
        .filter(|s| s.home == TypeHome::Types)
        .map(|s| codec::structure_codec(svc, s))
        .chain(svc.unions.values().filter(|u| !u.streaming).map(|u| codec::union_codec(svc, u)));
    let event_streams = event_stream::client::protocol_file(svc);
    let event_streams_mod = event_streams.as_ref().map(|_| quote! { pub(crate) mod event_streams; });
    let format = codec::format_name(svc);
    let doc = format!(" {} wire format: requests, responses, errors and {format} documents.", svc.protocol.label());
    let shapes_doc = format!(" {format} readers and writers for structures and unions.");
    let mut files = vec![
        (
            "src/protocol.rs".to_string(),
            quote! {
                #![doc = #doc]
                pub(crate) mod errors;
                #event_streams_mod
                pub(crate) mod shapes;
                #(#modules)*
            },
        ),
        (
            "src/protocol/shapes.rs".to_string(),
            quote! {
                #![doc = #shapes_doc]
                // A shape sent only in requests needs no reader, and one only received needs no writer.
                #![allow(dead_code)]
                #(#codecs)*
            },
        ),
        ("src/protocol/errors.rs".to_string(), rest_json::error_readers(svc)),
    ];
    if let Some(tokens) = event_streams {
        files.push(("src/protocol/event_streams.rs".to_string(), tokens));
    }
    for op in &svc.operations {
        files.push((
            format!("src/protocol/{}.rs", op.file),
            rest_json::operation_protocol(svc, op),
        ));
    }
    files
}

