//! The `Client`, `config`, `error` and `primitives` modules and the crate root.

use super::common::*;
use crate::ir::Service;
use proc_macro2::TokenStream;
use quote::quote;

/// `src/client.rs`: the `Client` with one method per operation.
pub fn client(svc: &Service) -> TokenStream {
    let methods = svc.operations.iter().map(|op| {
        let method = ident(&op.method);
        let module = ident(&op.module);
        let fluent = ident(&op.fluent_builder);
        let d = docs(op.docs.as_deref());
        let dep = deprecated(op.deprecated.as_ref());
        let see = format!(
            " Returns a fluent builder: set the input with its methods, then call `send().await`. On failure the error is [`crate::operation::{}::{}Error`].",
            op.module, op.name
        );
        quote! {
            #d
            #[doc = ""]
            #[doc = #see]
            #dep
            pub fn #method(&self) -> crate::operation::#module::builders::#fluent {
                crate::operation::#module::builders::#fluent::new(self.config.clone())
            }
        }
    });
    let client_doc = format!(
        " Client for {}.\n\n Cheap to clone: clones share configuration, connection pool and credentials cache.",
        svc.title
    );
    quote! {
        //! The service client.
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
            #(#methods)*
        }
        /// Per-call customization of an operation (`client.op().customize()`): config
        /// override, interceptors, request mutation.
        pub mod customize {
            pub use ::smithygen_runtime::client::customize::CustomizableOperation;
        }
    }
}

/// `src/config.rs`: service facts for the runtime, and configuration types.
pub fn config(svc: &Service) -> TokenStream {
    let sdk_id = &svc.sdk_id;
    let ua_service_id = ua_service_id(sdk_id);
    let name = &svc.name;
    let version = &svc.version;
    let signing = match &svc.signing_name {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    };
    let rules = match &svc.endpoint_rule_set {
        Some(r) => quote! { ::std::option::Option::Some(#r) },
        None => quote! { ::std::option::Option::None },
    };
    let bdd = match &svc.endpoint_bdd {
        Some(b) => quote! { ::std::option::Option::Some(#b) },
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        //! Client configuration: region, credentials, endpoint, retries, timeouts, HTTP client.
        //!
        //! `Config` and its `Builder` come from the shared runtime; this module adds the
        //! service's own facts and re-exports the types needed to fill them in.

        pub use ::smithygen_runtime::client::ClientConfig as Config;
        pub use ::smithygen_runtime::client::ClientConfigBuilder as Builder;
        pub use ::aws_types::region::Region;
        pub use ::aws_types::app_name::AppName;
        pub use ::aws_credential_types::Credentials;
        pub use ::aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
        // Kept at the root for code written against earlier versions of this crate; the
        // official paths are `config::retry` and `config::timeout`.
        pub use ::aws_smithy_types::retry::{RetryConfig, RetryMode};
        pub use ::aws_smithy_types::timeout::TimeoutConfig;
        pub use ::smithygen_runtime::client::IdempotencyTokenProvider;
        // The official SDK crates' re-exports under `config`.
        pub use ::aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
        pub use ::aws_smithy_runtime_api::client::stalled_stream_protection::StalledStreamProtectionConfig;
        pub use ::aws_smithy_runtime_api::client::http::{HttpClient, SharedHttpClient};
        pub use ::aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
        pub use ::aws_smithy_runtime_api::client::identity::{ResolveCachedIdentity, SharedIdentityCache};
        pub use ::aws_smithy_runtime_api::client::runtime_components::{RuntimeComponents, RuntimeComponentsBuilder};
        pub use ::aws_smithy_runtime_api::client::runtime_plugin::{RuntimePlugin, SharedRuntimePlugin};
        pub use ::aws_smithy_runtime_api::shared::IntoShared;
        pub use ::aws_smithy_types::config_bag::{ConfigBag, FrozenLayer, Layer};
        pub use ::aws_smithy_async::rt::sleep::{AsyncSleep, SharedAsyncSleep, Sleep};
        pub use ::aws_smithy_runtime::client::identity::IdentityCache;
        pub use ::aws_types::sdk_ua_metadata::FrameworkMetadata;

        /// Retry configuration and classification types.
        pub mod retry {
            pub use ::aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
            pub use ::aws_smithy_runtime_api::client::retries::ShouldAttempt;
            pub use ::aws_smithy_runtime::client::retries::{ClientRateLimiter, RetryPartition, TokenBucket};
            pub use ::aws_smithy_types::retry::{ReconnectMode, RetryConfig, RetryConfigBuilder, RetryMode};
        }

        /// Timeout configuration types.
        pub mod timeout {
            pub use ::aws_smithy_types::timeout::{TimeoutConfig, TimeoutConfigBuilder};
        }

        /// HTTP request and response types, as interceptors see them.
        pub mod http {
            pub use ::aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
        }

        /// Interceptor context types.
        pub mod interceptors {
            pub use ::aws_smithy_runtime_api::client::interceptors::context::{
                AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextMut,
                BeforeDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
                BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
                BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut,
                FinalizerInterceptorContextRef, InterceptorContext,
            };
        }

        /// Facts about this service the runtime needs: ids, signing name, endpoint rules.
        pub(crate) static SERVICE: ::smithygen_runtime::client::ServiceInfo = ::smithygen_runtime::client::ServiceInfo {
            sdk_id: #sdk_id,
            service_name: #name,
            api_version: #version,
            signing_name: #signing,
            api_metadata: ::smithygen_runtime::client::ApiMetadata::new(#ua_service_id, crate::meta::PKG_VERSION),
            endpoint_rule_set: #rules,
            endpoint_bdd: #bdd,
        };
    }
}

/// The service id of the user agent's `api/` token, as the official SDK crates derive it from
/// `sdkId`: lowercased, only ASCII letters and digits kept (`"Weather Service"` →
/// `"weatherservice"`).
fn ua_service_id(sdk_id: &str) -> String {
    sdk_id.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
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
    text.push_str("## Operations\n\n");
    for op in &svc.operations {
        text.push_str(&format!("- [`Client::{}`](crate::Client::{}): `{} {}`\n", op.method_text, op.method_text, op.http.method, op.http.uri));
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
    let doc = doc_lines(&text);
    let doc = doc.to_string().replace("# [doc", "#![doc");
    let doc: TokenStream = doc.parse().unwrap_or_default();
    quote! {
        #doc
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

        /// Facts about this crate.
        pub mod meta {
            /// The version of this crate (`CARGO_PKG_VERSION`), reported in the user agent.
            pub static PKG_VERSION: &str = env!("CARGO_PKG_VERSION");
        }
    }
}
