//! The `Client`, `config`, `error` and `primitives` modules and the crate root.

use super::common::*;
use crate::ir::{Operation, Service};
use proc_macro2::TokenStream;
use quote::quote;

/// `src/client.rs`: the `Client`, with one module per operation for its method
/// ([`operation_call`]).
pub fn client(svc: &Service) -> TokenStream {
    let modules = svc.operations.iter().map(|op| {
        let module = ident(&op.module);
        quote! { mod #module; }
    });
    let client_doc = format!(
        " Client for {}.\n\n Cheap to clone: clones share configuration, connection pool and credentials cache.",
        svc.title
    );
    quote! {
        //! The service client. Each operation's method, and the `send()` of its fluent builder,
        //! is in a module of its own (`client/<operation>.rs`).
        #(#modules)*
        #[doc = #client_doc]
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            config: crate::config::Config,
        }
        #[allow(deprecated)]
        impl Client {
            /// Creates a client from shared AWS configuration (`aws_config::load_defaults(...)`):
            /// region, credentials, endpoint URL, retry and timeout settings, HTTP client.
            pub fn new(sdk_config: &::aws_types::SdkConfig) -> Self {
                Self::from_conf(crate::config::Builder::from(sdk_config).build())
            }
            /// Creates a client from a service configuration.
            pub fn from_conf(config: crate::config::Config) -> Self {
                Self { config }
            }
            /// The client's configuration.
            pub fn config(&self) -> &crate::config::Config {
                &self.config
            }
        }
        /// Per-call customization of an operation (`client.op().customize()`): config
        /// override, interceptors, request mutation.
        pub mod customize {
            pub use ::smithygen_runtime::client::customize::CustomizableOperation;
        }
    }
}


/// `src/client/<operation>.rs`: the operation as the client calls it: `Client::<operation>()`,
/// which returns the fluent builder, and the `send()` of that builder (and `send_with` of the
/// input builder), which runs the call with the protocol's request writer and response reader.
pub fn operation_call(svc: &Service, op: &Operation) -> TokenStream {
    let method = ident(&op.method);
    let module = ident(&op.module);
    let fluent = ident(&op.fluent_builder);
    let error = ident(&op.error);
    let d = docs(op.docs.as_deref());
    let dep = deprecated(op.deprecated.as_ref());
    let see = format!(
        " Returns a fluent builder: set the input with its methods, then call `send().await`. On failure the error is [`crate::operation::{}::{}Error`].",
        op.module, op.name
    );
    let module_doc = format!(" `Client::{}`: the `{}` operation as the client calls it.", op.method.trim_start_matches("r#"), op.name);
    let input = svc.structure(&op.input);
    let input_path = shape_path(svc, &op.input);
    let input_builder = builder_path(input);
    let output_path = shape_path(svc, &op.output);
    let fluent_path = quote! { crate::operation::#module::builders::#fluent };
    // Top-level `@idempotencyToken` members left unset take a token from the call's config.
    let tokens: Vec<_> = input.members.iter().filter(|m| super::operation::is_top_level_token(m)).collect();
    let fill_tokens = tokens.iter().map(|m| {
        let f = ident(&m.field);
        quote! {
            ::smithygen_runtime::client::fill_idempotency_token(&mut input.#f, &self.config, self.config_override.as_ref());
        }
    });
    let input_binding = if tokens.is_empty() { quote! { input } } else { quote! { mut input } };
    let token_doc = (!tokens.is_empty()).then(|| {
        let names: Vec<String> = tokens.iter().map(|m| format!("`{}`", m.bare.as_str())).collect();
        let doc = format!(
            " Left unset, {} (`@idempotencyToken`) is filled from the config's `idempotency_token_provider` (a random UUID by default).",
            names.join(", ")
        );
        quote! { #[doc = ""] #[doc = #doc] }
    });
    // An output stream is handed over unread (`invoke_streaming`); other outputs are read whole.
    let invoke = if op.output_stream.is_some() {
        // An RPC protocol's output members come in the stream's `initial-response`.
        let initial = super::event_stream::client::initial_response_reader(svc, op).map(|_| {
            quote! { ?; crate::protocol::#module::read_initial_response(output).await }
        });
        let bind = initial.as_ref().map(|_| quote! { let output = });
        quote! {
            #bind ::smithygen_runtime::client::invoke_streaming(
                &self.config,
                &crate::config::SERVICE,
                &crate::operation::#module::OPERATION,
                input,
                crate::protocol::#module::ser_request,
                crate::protocol::#module::de_response,
                crate::protocol::#module::de_error_response,
                self.config_override.as_ref(),
            )
            .await
            #initial
        }
    } else {
        quote! {
            ::smithygen_runtime::client::invoke(
                &self.config,
                &crate::config::SERVICE,
                &crate::operation::#module::OPERATION,
                input,
                crate::protocol::#module::ser_request,
                crate::protocol::#module::de_response,
                self.config_override.as_ref(),
            )
            .await
        }
    };
    let check = super::validate::send_check(svc, op);
    let sdk_error = quote! {
        crate::error::SdkError<crate::operation::#module::#error, ::aws_smithy_runtime_api::client::orchestrator::HttpResponse>
    };
    let send_result = quote! { ::std::result::Result<#output_path, #sdk_error> };
    let wait = svc.async_results.get(&op.name).map(|result| wait_methods(result, &fluent_path, &output_path, &sdk_error));
    quote! {
        #![doc = #module_doc]
        #[allow(deprecated)]
        impl super::Client {
            #d
            #[doc = ""]
            #[doc = #see]
            #dep
            pub fn #method(&self) -> #fluent_path {
                #fluent_path::new(self.config.clone())
            }
        }
        impl #input_builder {
            /// Sends this input with `client`, as `client.<operation>()` with this input set would.
            pub async fn send_with(self, client: &crate::Client) -> #send_result {
                let mut fluent_builder = client.#method();
                fluent_builder.inner = self;
                fluent_builder.send().await
            }
        }
        #[allow(deprecated)]
        impl #fluent_path {
            /// Sends the request and returns the output or the error.
            ///
            /// The request is signed, sent, retried and timed out per the client's configuration.
            #token_doc
            pub async fn send(
                self,
            ) -> #send_result {
                self.send_boxed().await
            }
            // The call's future, boxed by this non-generic function: a crate that awaits an
            // `async fn` of another crate compiles that function's state machine again, so
            // `send` itself only awaits this box and the call is compiled once, here, rather
            // than again in every program that calls it.
            fn send_boxed(
                self,
            ) -> ::smithygen_runtime::client::SendFuture<#output_path, crate::operation::#module::#error> {
                ::std::boxed::Box::pin(async move {
                    let #input_binding: #input_path = self
                        .inner
                        .build()
                        .map_err(::aws_smithy_runtime_api::client::result::SdkError::construction_failure)?;
                    #(#fill_tokens)*
                    #check
                    #invoke
                })
            }
        }
        #wait
    }
}

/// `send_and_wait()` / `send_and_wait_for()` on the fluent builder and `wait_for_result()` on
/// the output of an operation whose result is an S3 object (`crate::customizations`).
fn wait_methods(result: &crate::ir::AsyncResult, fluent_path: &TokenStream, output_path: &TokenStream, sdk_error: &TokenStream) -> TokenStream {
    let output_getter = ident(&result.output_getter);
    let failure = match &result.failure_getter {
        Some(getter) => {
            let getter = ident(getter);
            quote! { self.#getter() }
        }
        None => quote! { ::std::option::Option::None },
    };
    let limits = result.deadline.iter().map(|(getter, default)| {
        let getter = ident(getter);
        quote! { ((*self.inner.#getter()).map(i64::from), #default) }
    });
    let deadline_doc = if result.deadline_members.is_empty() {
        " It waits up to `deadline`.".to_string()
    } else {
        let members: Vec<String> = result.deadline_members.iter().map(|m| format!("`{m}`")).collect();
        format!(" It waits as long as the request's {} allow together (each one's default when unset).", members.join(" and "))
    };
    let output_doc = format!(
        " Sends the request, then waits for its result: the object at `{}`, polled with backoff.{deadline_doc}",
        result.output_member
    );
    let failure_doc = match &result.failure_member {
        Some(member) => format!(" The object at `{member}` appearing instead ends the wait with `WaitError::Failed` and its content."),
        None => String::new(),
    };
    let waits_doc = format!(
        " Waits for the result of the call that returned this output: the object at `{}`, polled with backoff, up to `deadline`.",
        result.output_member
    );
    let result_type = quote! {
        ::std::result::Result<::smithygen_runtime::async_result::Bytes, ::smithygen_runtime::async_result::WaitError<#sdk_error>>
    };
    quote! {
        #[cfg(feature = "async-result")]
        #[allow(deprecated)]
        impl #fluent_path {
            #[doc = #output_doc]
            #[doc = #failure_doc]
            ///
            /// Dropping the future stops waiting; each look is logged with `tracing`.
            pub async fn send_and_wait(self, results: &::smithygen_runtime::async_result::ResultReader) -> #result_type {
                let deadline = ::smithygen_runtime::async_result::default_deadline(&[#(#limits),*]);
                self.send_and_wait_for(results, deadline).await
            }
            /// [`send_and_wait`](Self::send_and_wait) with a deadline of your own.
            pub async fn send_and_wait_for(
                self,
                results: &::smithygen_runtime::async_result::ResultReader,
                deadline: ::std::time::Duration,
            ) -> #result_type {
                let output = self.send().await.map_err(::smithygen_runtime::async_result::WaitError::Call)?;
                output.wait_for_result(results, deadline).await.map_err(::smithygen_runtime::async_result::WaitError::with_call_error)
            }
        }
        #[cfg(feature = "async-result")]
        impl #output_path {
            #[doc = #waits_doc]
            #[doc = #failure_doc]
            ///
            /// Dropping the future stops waiting; each look is logged with `tracing`.
            pub async fn wait_for_result(
                &self,
                results: &::smithygen_runtime::async_result::ResultReader,
                deadline: ::std::time::Duration,
            ) -> ::std::result::Result<::smithygen_runtime::async_result::Bytes, ::smithygen_runtime::async_result::WaitError> {
                match self.#output_getter() {
                    ::std::option::Option::Some(output) => results.wait(output, #failure, deadline).await,
                    ::std::option::Option::None => ::std::result::Result::Err(::smithygen_runtime::async_result::WaitError::NoOutputLocation),
                }
            }
        }
    }
}

/// `src/error.rs`: the service-wide error, `Unhandled`, and re-exports.
pub fn error(svc: &Service) -> TokenStream {
    let mut all: Vec<&str> = svc.operations.iter().flat_map(|o| o.errors.iter().map(String::as_str)).collect();
    all.sort();
    all.dedup();
    let variants: Vec<_> = all.iter().map(|e| super::common::error_variant(svc.structure(e))).collect();
    let paths: Vec<_> = all.iter().map(|e| shape_path(svc, e)).collect();
    let from_ops = svc.operations.iter().map(|op| {
        let module = ident(&op.module);
        let err = ident(&op.error);
        let arms = op.errors.iter().map(|e| {
            let v = super::common::error_variant(svc.structure(e));
            quote! { crate::operation::#module::#err::#v(inner) => Error::#v(inner), }
        });
        quote! {
            impl ::std::convert::From<crate::operation::#module::#err> for Error {
                fn from(err: crate::operation::#module::#err) -> Self {
                    match err {
                        #(#arms)*
                        crate::operation::#module::#err::Unhandled(inner) => Error::Unhandled(inner),
                    }
                }
            }
            impl<R> ::std::convert::From<SdkError<crate::operation::#module::#err, R>> for Error
            where
                R: ::std::marker::Send + ::std::marker::Sync + ::std::fmt::Debug + 'static,
            {
                fn from(err: SdkError<crate::operation::#module::#err, R>) -> Self {
                    match err {
                        SdkError::ServiceError(context) => Self::from(context.into_err()),
                        other => Error::Unhandled(Unhandled::new(other.into(), ::std::default::Default::default())),
                    }
                }
            }
        }
    });
    quote! {
        //! Errors: the service-wide [`Error`], [`Unhandled`] and the types every error exposes.

        /// Error type returned by the client: `R` defaults to the HTTP response, as in the
        /// official SDK crates.
        pub type SdkError<E, R = ::aws_smithy_runtime_api::client::orchestrator::HttpResponse> =
            ::aws_smithy_runtime_api::client::result::SdkError<E, R>;
        pub use ::aws_smithy_runtime_api::box_error::BoxError;
        pub use ::aws_smithy_runtime_api::client::result::ConnectorError;
        pub use ::aws_smithy_types::error::display::DisplayErrorContext;
        pub use ::aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
        pub use ::aws_smithy_types::error::operation::BuildError;
        pub use ::aws_types::request_id::RequestId;

        pub use ::smithygen_runtime::error::Unhandled;
        /// The source of the `SdkError::ConstructionFailure` of a call whose input breaks the
        /// model's constraints (feature `validate`, with `validate_input` on in the config).
        #[cfg(feature = "validate")]
        pub use ::smithygen_runtime::client::InvalidInput;
        /// One constraint an input broke, where and how ([`InvalidInput::violations`]).
        #[cfg(feature = "validate")]
        pub use ::smithygen_runtime::constraints::{Constraint, Step, Violation};

        /// Every error any operation of the service can return, for code that
        /// handles errors from several operations in one place (`?` converts).
        #[non_exhaustive]
        #[derive(::std::fmt::Debug)]
        pub enum Error {
            #( #[allow(missing_docs)] #variants(#paths), )*
            /// An error the model does not describe.
            Unhandled(Unhandled),
        }
        impl ::std::fmt::Display for Error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Error::#variants(inner) => ::std::fmt::Display::fmt(inner, f), )*
                    Error::Unhandled(inner) => ::std::fmt::Display::fmt(inner, f),
                }
            }
        }
        impl ::std::error::Error for Error {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #( Error::#variants(inner) => ::std::option::Option::Some(inner), )*
                    Error::Unhandled(inner) => ::std::error::Error::source(inner),
                }
            }
        }
        impl ProvideErrorMetadata for Error {
            fn meta(&self) -> &ErrorMetadata {
                match self {
                    #( Error::#variants(inner) => inner.meta(), )*
                    Error::Unhandled(inner) => inner.meta(),
                }
            }
        }
        impl RequestId for Error {
            fn request_id(&self) -> ::std::option::Option<&str> {
                ProvideErrorMetadata::meta(self).request_id()
            }
        }
        #(#from_ops)*
    }
}

/// `src/primitives.rs`: re-exported data types the generated shapes use.
pub fn primitives() -> TokenStream {
    quote! {
        //! Data types used by the generated shapes.

        pub use ::aws_smithy_types::{Blob, DateTime, Document};
        pub use ::aws_smithy_types::date_time::Format as DateTimeFormat;
        pub use ::aws_smithy_types::byte_stream::ByteStream;

        pub use ::smithygen_runtime::error::UnknownVariantValue;
    }
}

/// `src/lib.rs`: crate docs and module tree.
pub fn lib_rs(svc: &Service) -> TokenStream {
    let mut text = format!("# {}\n\n", svc.title);
    if let Some(d) = &svc.docs {
        text.push_str(d);
        text.push_str("\n\n");
    }
    let example_op = svc.operations.first();
    text.push_str(&format!(
        "## Getting started\n\n```rust,no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;\nlet client = {}::Client::new(&sdk_config);\n{}# Ok(())\n# }}\n```\n\n",
        svc.crate_name.replace('-', "_"),
        example_op
            .map(|op| format!("let output = client.{}()\n    // set the input here\n    .send()\n    .await?;\n", op.method_text))
            .unwrap_or_default()
    ));
    if let Some(decode) = super::event_stream::client::decode_docs(svc, true) {
        text.push_str(&decode);
        text.push('\n');
    }
    text.push_str("## Operations\n\n");
    for op in &svc.operations {
        text.push_str(&format!("- [`Client::{}`](crate::Client::{}): `{} {}`\n", op.method_text, op.method_text, op.http.method, op.http.uri));
    }
    let http_versions = super::manifest::http_versions_section(svc);
    if !http_versions.is_empty() {
        text.push('\n');
        text.push_str(http_versions.trim_end());
        text.push('\n');
    }
    let async_result = super::manifest::async_result_section(svc, false);
    if !async_result.is_empty() {
        text.push('\n');
        text.push_str(async_result.trim_end());
        text.push('\n');
    }
    if !svc.skipped_operations.is_empty() {
        text.push_str("\n## Not generated\n\nThese operations of the model are not in this crate yet:\n\n");
        for (name, why) in &svc.skipped_operations {
            text.push_str(&format!("- `{name}`: {why}\n"));
        }
    }
    let endpoint_tests = (svc.endpoint_rule_set.is_some() && !svc.endpoint_tests.is_empty()).then(|| quote! { mod endpoint_tests; });
    // Protocol compliance tests: only models with `smithy.test#http*Tests` (see `protocol_tests`).
    let protocol_tests = super::protocol_tests::has_protocol_tests(svc).then(|| quote! { #[cfg(test)] mod protocol_tests; });
    let async_result_module = (!svc.async_results.is_empty()).then(|| {
        quote! {
            /// Waiting for the results asynchronous calls leave in S3 (feature `async-result`):
            /// the reader, its polling schedule and the ways a wait ends without a result.
            #[cfg(feature = "async-result")]
            pub mod async_result {
                pub use ::smithygen_runtime::async_result::{Backoff, Bytes, ResultReader, WaitError};
            }
        }
    });
    let doc = doc_lines(&text);
    let doc = doc.to_string().replace("# [doc", "#![doc");
    let doc: TokenStream = doc.parse().unwrap_or_default();
    // The input checks' example compiles only with the `validate` feature (`InvalidInput`), so
    // it is a doctest there and shown without being compiled otherwise.
    let validation_intro = format!("\n## Checking inputs before sending (feature `validate`)\n\n{}\n", super::manifest::validation_intro(svc));
    let validation_intro = doc_lines(&validation_intro).to_string().replace("# [doc", "#![doc");
    let validation_intro: TokenStream = validation_intro.parse().unwrap_or_default();
    let mut example = super::manifest::validation_example(svc);
    example = format!("# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n{example}# Ok(())\n# }}");
    let example_lines = example.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    let validation_doc = quote! {
        #validation_intro
        #![cfg_attr(feature = "validate", doc = " ```rust,no_run")]
        #![cfg_attr(not(feature = "validate"), doc = " ```rust,ignore")]
        #( #![doc = #example_lines] )*
        #![doc = " ```"]
    };
    quote! {
        #doc
        #validation_doc
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        // The crate itself refers to its own deprecated items (builders, Debug); users still see the warning.
        #![allow(deprecated)]
        // Generated code is uniform rather than hand-tuned: one pattern per binding, whatever the
        // number of members, so these style lints would only ask to special-case small shapes.
        #![allow(
            clippy::single_match,
            clippy::match_single_binding,
            clippy::result_large_err,
            clippy::large_enum_variant,
            clippy::needless_borrow,
            clippy::useless_conversion,
            clippy::let_and_return,
            clippy::needless_question_mark
        )]

        pub mod client;
        pub mod config;
        pub mod error;
        pub mod operation;
        pub mod primitives;
        pub mod types;
        mod protocol;
        #endpoint_tests
        #protocol_tests

        pub use client::Client;
        pub use config::Config;
        pub use error::Error;
        #async_result_module

        /// Facts about this crate.
        pub mod meta {
            /// The version of this crate (`CARGO_PKG_VERSION`), reported in the user agent.
            pub static PKG_VERSION: &str = env!("CARGO_PKG_VERSION");
        }
    }
}
