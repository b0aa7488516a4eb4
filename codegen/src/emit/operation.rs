//! One module per operation: input, output, the operation's error enum, and
//! the fluent builder `Client` methods return (its `send()` is the client's: `client/<op>.rs`,
//! so that the operation's types name no protocol function and the protocol can name them).

use super::common::*;
use super::shapes;
use crate::ir::{Operation, Service, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The whole `crate::operation::<module>` file.
pub fn operation_module(svc: &Service, op: &Operation) -> TokenStream {
    let input = svc.structure(&op.input);
    let output = svc.structure(&op.output);
    let (input_def, input_builder) = shapes::structure(svc, input);
    let (output_def, output_builder) = shapes::structure(svc, output);
    let error = error_enum(svc, op);
    let fluent = fluent_builder(svc, op);
    let module_doc = format!(" Types for the `{}` operation.", op.name);
    let statics = operation_info(svc, op);
    let operation_type = operation_type(op);
    quote! {
        #![doc = #module_doc]
        #input_def
        #output_def
        #error
        #operation_type
        #statics
        /// Builders for this operation's input and output, and its fluent builder.
        pub mod builders {
            #input_builder
            #output_builder
            #fluent
        }
    }
}

/// The operation's type (`operation::<op>::<Op>`), as in the official SDK crates: the operation's
/// runtime plugin (metadata, auth parameters, signing options, retry classifiers), the one every
/// call of the operation runs with.
fn operation_type(op: &Operation) -> TokenStream {
    let name = ident(&op.name_type);
    let error = ident(&op.error);
    let doc = format!(" The `{}` operation, as the orchestrator runs it: its runtime plugin.", op.name);
    let new_doc = format!(" Creates a new `{}`.", op.name_type);
    quote! {
        #[doc = #doc]
        #[derive(::std::clone::Clone, ::std::default::Default, ::std::fmt::Debug)]
        #[non_exhaustive]
        pub struct #name;
        impl #name {
            #[doc = #new_doc]
            pub fn new() -> Self {
                Self
            }
            fn plugin() -> &'static ::aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin {
                static PLUGIN: ::std::sync::OnceLock<::aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin> = ::std::sync::OnceLock::new();
                PLUGIN.get_or_init(|| ::smithygen_runtime::client::operation_plugin::<#error>(&crate::config::SERVICE, &OPERATION))
            }
        }
        impl ::aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin for #name {
            fn config(&self) -> ::std::option::Option<::aws_smithy_types::config_bag::FrozenLayer> {
                Self::plugin().config()
            }
            fn runtime_components(
                &self,
                current_components: &::aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder,
            ) -> ::std::borrow::Cow<'_, ::aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder> {
                Self::plugin().runtime_components(current_components)
            }
        }
    }
}

fn operation_info(svc: &Service, op: &Operation) -> TokenStream {
    let name = &op.name;
    let params = op.static_context_params.iter().map(|(k, v)| {
        let value = match v {
            serde_json::Value::Bool(b) => quote! { ::smithygen_runtime::client::StaticParam::Bool(#b) },
            serde_json::Value::String(s) => quote! { ::smithygen_runtime::client::StaticParam::String(#s) },
            serde_json::Value::Array(a) => {
                let items = a.iter().filter_map(|i| i.as_str());
                quote! { ::smithygen_runtime::client::StaticParam::StringArray(&[#(#items),*]) }
            }
            _ => quote! { ::smithygen_runtime::client::StaticParam::Bool(false) },
        };
        quote! { (#k, #value) }
    });
    let checksum_required = op.http_checksum_required;
    let compression = match &op.request_compression {
        Some(rc) => {
            let encodings = &rc.encodings;
            let streaming = rc.streaming;
            quote! {
                ::std::option::Option::Some(::smithygen_runtime::client::RequestCompression {
                    encodings: &[#(#encodings),*],
                    streaming: #streaming,
                })
            }
        }
        None => quote! { ::std::option::Option::None },
    };
    let input = svc.structure(&op.input);
    let input_type = ident(&input.rust_name);
    let captures: Vec<TokenStream> = input
        .telemetry_members()
        .map(|m| {
            let f = ident(&m.field);
            let key = &m.name;
            let value = if m.is_optional() { quote! { input.#f.as_deref() } } else { quote! { ::std::option::Option::Some(input.#f.as_str()) } };
            quote! {
                if requested.should_capture(#key) {
                    if let ::std::option::Option::Some(value) = #value {
                        captured.insert(#key, value);
                    }
                }
            }
        })
        .collect();
    let (capture_fn, capture) = if captures.is_empty() {
        (TokenStream::new(), quote! { ::std::option::Option::None })
    } else {
        (
            quote! {
                /// The input members a configuration asks to capture for telemetry.
                fn capture_input(
                    input: &::aws_smithy_runtime_api::client::interceptors::context::Input,
                    requested: &::aws_smithy_types::telemetry::RequestedTelemetryAttributes,
                ) -> ::std::option::Option<::aws_smithy_types::telemetry::CapturedTelemetryAttributes> {
                    let input = input.downcast_ref::<#input_type>()?;
                    let mut captured = ::aws_smithy_types::telemetry::CapturedTelemetryAttributes::default();
                    #(#captures)*
                    ::std::option::Option::Some(captured)
                }
            },
            quote! { ::std::option::Option::Some(capture_input) },
        )
    };
    // `smithy.rules#contextParam`: input members bound to endpoint parameters (strings, enums,
    // booleans and lists of strings, the types the rules take).
    let bindings: Vec<TokenStream> = op
        .context_params
        .iter()
        .filter_map(|(param, field)| {
            let m = input.members.iter().find(|m| &m.field == field)?;
            let f = ident(&m.field);
            let value = match &m.ty {
                Type::String | Type::Enum(_) => quote! { value.as_str() },
                Type::Boolean => quote! { *value },
                Type::List(c) if matches!(c.item, Type::String | Type::Enum(_)) && !c.sparse => {
                    quote! { value.iter().map(|v| v.as_str()).collect::<::std::vec::Vec<&str>>() }
                }
                _ => return None,
            };
            Some(if m.is_optional() {
                quote! { if let ::std::option::Option::Some(value) = &input.#f { params.set(#param, #value); } }
            } else {
                quote! { { let value = &input.#f; params.set(#param, #value); } }
            })
        })
        .collect();
    let (context_fn, context) = if bindings.is_empty() {
        (TokenStream::new(), quote! { ::std::option::Option::None })
    } else {
        (
            quote! {
                /// The endpoint parameters this operation's input members are bound to.
                fn context_params(
                    input: &::aws_smithy_runtime_api::client::interceptors::context::Input,
                    params: &mut ::smithygen_runtime::endpoint::Params,
                ) {
                    if let ::std::option::Option::Some(input) = input.downcast_ref::<#input_type>() {
                        #(#bindings)*
                    }
                }
            },
            quote! { ::std::option::Option::Some(context_params) },
        )
    };
    let auth = match op.auth {
        crate::ir::OperationAuth::Service => quote! { Service },
        crate::ir::OperationAuth::None => quote! { None },
        crate::ir::OperationAuth::Optional => quote! { Optional },
    };
    let http_versions = op.http_versions.iter().map(|v| match v {
        crate::ir::HttpVersion::Http11 => quote! { ::smithygen_runtime::client::HttpVersion::Http11 },
        crate::ir::HttpVersion::H2 => quote! { ::smithygen_runtime::client::HttpVersion::H2 },
    });
    quote! {
        pub(crate) static OPERATION: ::smithygen_runtime::client::OperationInfo = ::smithygen_runtime::client::OperationInfo {
            name: #name,
            static_context_params: &[#(#params),*],
            http_checksum_required: #checksum_required,
            request_compression: #compression,
            capture_input: #capture,
            context_params: #context,
            auth: ::smithygen_runtime::client::auth::OperationAuth::#auth,
            http_versions: &[#(#http_versions),*],
        };
        #capture_fn
        #context_fn
    }
}

fn error_enum(svc: &Service, op: &Operation) -> TokenStream {
    let name = ident(&op.error);
    let variants: Vec<_> = op.errors.iter().map(|e| super::common::error_variant(svc.structure(e))).collect();
    let retryable = quote! {
        match self {
            #( Self::#variants(e) => ::aws_smithy_types::retry::ProvideErrorKind::retryable_error_kind(e), )*
            Self::Unhandled(_) => ::std::option::Option::None,
        }
    };
    super::common::error_enum(&super::common::ErrorEnum {
        doc: format!(" Errors `{}` can return: one variant per modeled error, plus `Unhandled`.", op.name),
        unhandled_doc: " An error the model does not describe (an unknown code, or a response that could not be read).",
        meta_what: "code, message and request id",
        checks: op.errors.iter().map(|e| ident(&svc.structure(e).error_check)).collect(),
        paths: op.errors.iter().map(|e| shape_path(svc, e)).collect(),
        variant_docs: op.errors.iter().map(|e| docs(svc.structure(e).docs.as_deref())).collect(),
        variants,
        name,
        retryable,
    })
}

fn fluent_builder(svc: &Service, op: &Operation) -> TokenStream {
    let input = svc.structure(&op.input);
    let output_path = shape_path(svc, &op.output);
    let input_builder = ident(&input.builder);
    let fluent = ident(&op.fluent_builder);
    let error = ident(&op.error);
    let doc = format!(" Fluent builder for the `{}` operation: set the input, then `.send().await`.", op.name);
    let op_docs = docs(op.docs.as_deref());
    let setters = fluent_setters(svc, input);
    let module = ident(&op.module);
    // A streaming body can be sent once only: such a builder cannot be cloned.
    let clone = (!shapes::has_stream(input)).then(|| quote! { #[derive(::std::clone::Clone)] });
    quote! {
        impl ::smithygen_runtime::client::customize::CustomizableSend<#output_path, crate::operation::#module::#error> for #fluent {
            type Service = crate::config::ServiceMarker;
            fn send(
                self,
                config_override: crate::config::Builder,
            ) -> ::smithygen_runtime::client::customize::BoxFuture<::smithygen_runtime::client::customize::SendResult<#output_path, crate::operation::#module::#error>> {
                ::std::boxed::Box::pin(async move {
                    // Layered over an override set on the fluent builder itself.
                    let merged = match self.config_override.clone() {
                        ::std::option::Option::Some(mut mine) => {
                            mine.merge(&config_override);
                            mine
                        }
                        ::std::option::Option::None => config_override,
                    };
                    self.config_override(merged).send().await
                })
            }
        }
        #[doc = #doc]
        #op_docs
        #clone
        #[derive(::std::fmt::Debug)]
        pub struct #fluent {
            pub(crate) config: crate::config::Config,
            pub(crate) inner: #input_builder,
            pub(crate) config_override: ::std::option::Option<crate::config::Builder>,
        }
        #[allow(deprecated)]
        impl #fluent {
            pub(crate) fn new(config: crate::config::Config) -> Self {
                Self { config, inner: ::std::default::Default::default(), config_override: ::std::option::Option::None }
            }
            /// The input built so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.inner
            }
            /// Customizes this call: config override, interceptors, request mutation; then
            /// `.send().await` on the returned [`CustomizableOperation`](crate::client::customize::CustomizableOperation).
            pub fn customize(self) -> crate::client::customize::CustomizableOperation<#output_path, crate::operation::#module::#error, Self> {
                crate::client::customize::CustomizableOperation::new(self)
            }
            /// Overrides client configuration (timeouts, retries, endpoint, ...) for this call only.
            pub fn config_override(mut self, config_override: impl ::std::convert::Into<crate::config::Builder>) -> Self {
                self.config_override = ::std::option::Option::Some(config_override.into());
                self
            }
            #(#setters)*
        }
    }
}

/// The setters, `set_` setters and getters of a fluent builder over `input`, each delegating to
/// the field `inner` (an input builder, or a fluent builder with the same setters: waiters'
/// builders delegate to the operation's).
pub(crate) fn fluent_setters(svc: &Service, input: &crate::ir::Structure) -> Vec<TokenStream> {
    input.members.iter().map(|m| {
        let f = ident(&m.field);
        let set = ident(&m.setter);
        let get = ident(&m.getter);
        let inner = member_inner_type(svc, m);
        let plain = rust_type(svc, &m.ty);
        let d = docs(m.docs.as_deref());
        let dep = deprecated(m.deprecated.as_ref());
        let primary = match &m.ty {
            Type::List(c) => {
                let (item, _) = shapes::item_arg(svc, c);
                quote! {
                    #d #dep
                    pub fn #f(mut self, input: #item) -> Self {
                        self.inner = self.inner.#f(input);
                        self
                    }
                }
            }
            Type::Map(c) => {
                let (item, _) = shapes::item_arg(svc, c);
                quote! {
                    #d #dep
                    pub fn #f(mut self, k: impl ::std::convert::Into<::std::string::String>, v: #item) -> Self {
                        self.inner = self.inner.#f(k, v);
                        self
                    }
                }
            }
            _ => {
                let arg = if m.boxed || setter_takes_into(&m.ty) {
                    quote! { impl ::std::convert::Into<#plain> }
                } else {
                    plain
                };
                quote! {
                #d #dep
                pub fn #f(mut self, input: #arg) -> Self {
                    self.inner = self.inner.#f(input);
                    self
                }
                }
            }
        };
        quote! {
            #primary
            #d #dep
            pub fn #set(mut self, input: ::std::option::Option<#inner>) -> Self {
                self.inner = self.inner.#set(input);
                self
            }
            #d #dep
            pub fn #get(&self) -> &::std::option::Option<#inner> {
                self.inner.#get()
            }
        }
    }).collect()
}

/// Whether the client fills this input member from its idempotency token provider at `send()`:
/// an optional string with `@idempotencyToken` (only top-level input members are tokens).
pub(crate) fn is_top_level_token(m: &crate::ir::Member) -> bool {
    m.idempotency_token && m.is_optional() && m.ty == Type::String
}
