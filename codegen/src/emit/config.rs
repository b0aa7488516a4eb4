//! The `config` module and its `endpoint` and `auth` submodules: the service's configuration
//! types (the shared runtime's, tagged with this service), its facts for the runtime, and the
//! typed endpoint and auth scheme APIs of the official SDK crates.

use super::common::*;
use crate::ir::{EndpointParam, EndpointParamType, Service};
use proc_macro2::TokenStream;
use quote::quote;

/// `src/config.rs`: service facts for the runtime, and configuration types.
pub fn config(svc: &Service) -> TokenStream {
    let sdk_id = &svc.sdk_id;
    let ua_service_id = ua_service_id(sdk_id);
    let name = &svc.name;
    let version = &svc.version;
    let crate_name = &svc.crate_name;
    let signing = match &svc.signing_name {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    };
    // A model with only the BDD form is not lowered yet: its text stays, so that resolving
    // reports that the interpreter is needed rather than ignoring the rules.
    let bdd_only = match (&svc.endpoint_rules, &svc.endpoint_bdd) {
        (None, Some(bdd)) => quote! { ::std::option::Option::Some(#bdd) },
        _ => quote! { ::std::option::Option::None },
    };
    // The rules are code in `config::endpoint`; the client carries no rules text.
    let builtins = match &svc.endpoint_rules {
        Some(_) => {
            let [region, use_fips, use_dual_stack, endpoint] = svc.endpoint_builtins.clone().map(|name| match name {
                Some(name) => quote! { ::std::option::Option::Some(#name) },
                None => quote! { ::std::option::Option::None },
            });
            quote! {
                ::std::option::Option::Some(&::smithygen_runtime::client::EndpointBuiltins {
                    region: #region,
                    use_fips: #use_fips,
                    use_dual_stack: #use_dual_stack,
                    endpoint: #endpoint,
                })
            }
        }
        None => quote! { ::std::option::Option::None },
    };
    let service_doc = format!(
        " Marks this crate's service ({}) in the shared runtime's configuration types: [`Config`] is\n `ClientConfig<ServiceMarker>`, which gives [`Builder::endpoint_resolver`] this crate's own\n [`endpoint::ResolveEndpoint`].",
        svc.title
    );
    quote! {
        //! Client configuration: region, credentials, endpoint, retries, timeouts, HTTP client.
        //!
        //! `Config` and its `Builder` are the shared runtime's, for this service; this module adds
        //! the service's own facts and re-exports the types needed to fill them in.

        /// The service's configuration: cheap to clone, shared by the client and every call.
        pub type Config = ::smithygen_runtime::client::ClientConfig<ServiceMarker>;
        /// Builder for [`Config`].
        pub type Builder = ::smithygen_runtime::client::ClientConfigBuilder<ServiceMarker>;

        #[doc = #service_doc]
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug, ::std::default::Default)]
        #[non_exhaustive]
        pub struct ServiceMarker;

        impl ::smithygen_runtime::client::Service for ServiceMarker {
            fn info() -> &'static ::smithygen_runtime::client::ServiceInfo {
                &SERVICE
            }
        }

        impl<R: endpoint::ResolveEndpoint + 'static> ::smithygen_runtime::client::AcceptsEndpointResolver<R> for ServiceMarker {
            fn shared_endpoint_resolver(resolver: R) -> endpoint::SharedEndpointResolver {
                resolver.into_shared_resolver()
            }
        }

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

        pub mod auth;
        pub mod endpoint;

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
            endpoint_rule_set: ::std::option::Option::None,
            endpoint_bdd: #bdd_only,
            typed_endpoint: ::std::option::Option::Some(::smithygen_runtime::client::TypedEndpoint {
                params: endpoint::params_for_call,
                default_resolver: endpoint::default_resolver,
                builtins: #builtins,
            }),
            crate_name: #crate_name,
        };
    }
}

/// The service id of the user agent's `api/` token, as the official SDK crates derive it from
/// `sdkId`: lowercased, only ASCII letters and digits kept (`"Weather Service"` →
/// `"weatherservice"`).
fn ua_service_id(sdk_id: &str) -> String {
    sdk_id.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// `src/config/auth.rs`: the official crates' `config::auth`, from the shared runtime, with
/// this service's default resolver.
pub fn auth_module() -> TokenStream {
    quote! {
        //! Auth scheme resolution: the parameters a resolver receives ([`Params`]), the resolver
        //! interface ([`ResolveAuthScheme`], set with
        //! [`Builder::auth_scheme_resolver`](crate::config::Builder::auth_scheme_resolver)) and the
        //! service's default ([`DefaultAuthSchemeResolver`]).

        pub use ::smithygen_runtime::client::auth::{BuildError, Params, ParamsBuilder, ResolveAuthScheme};

        /// The auth schemes this service's model names, for every operation.
        pub type DefaultAuthSchemeResolver = ::smithygen_runtime::client::auth::DefaultAuthSchemeResolver<crate::config::ServiceMarker>;
    }
}

/// `src/config/endpoint.rs`: the typed parameters of the service's endpoint rules, the
/// resolver interface and the default resolver, as the official SDK crates have them.
pub fn endpoint_module(svc: &Service) -> TokenStream {
    let params = &svc.endpoint_params;
    let fields = params.iter().map(|p| {
        let f = ident(&p.field);
        let ty = field_type(p);
        let d = docs(p.docs.as_deref());
        quote! { #d pub(crate) #f: #ty, }
    });
    let getters = params.iter().map(getter);
    let builder_fields = params.iter().map(|p| {
        let f = ident(&p.field);
        let ty = value_type(p.ty);
        quote! { #f: ::std::option::Option<#ty>, }
    });
    let setters = params.iter().map(setters);
    let validators = params.iter().filter(|p| p.host_label).map(|p| {
        let f = ident(&p.field);
        let name = p.field.trim_start_matches("r#");
        quote! {
            if let ::std::option::Option::Some(value) = &self.#f {
                if !::smithygen_runtime::endpoint::functions::is_valid_host_label(value, true) {
                    return ::std::result::Result::Err(InvalidParams::invalid_value(#name, "must be a valid host label"));
                }
            }
        }
    });
    let inits = params.iter().map(|p| {
        let f = ident(&p.field);
        let name = p.field.trim_start_matches("r#");
        match (&p.default, p.always_set) {
            (_, false) => quote! { #f: self.#f, },
            (Some(default), true) => {
                let default = default_value(p.ty, default);
                match p.ty {
                    EndpointParamType::Boolean => quote! { #f: self.#f.unwrap_or(#default), },
                    _ => quote! { #f: self.#f.unwrap_or_else(|| #default), },
                }
            }
            (None, true) => quote! { #f: self.#f.ok_or_else(|| InvalidParams::missing(#name))?, },
        }
    });
    let to_rules = params.iter().map(|p| {
        let f = ident(&p.field);
        let name = &p.name;
        if p.always_set {
            let value = match p.ty {
                EndpointParamType::String => quote! { self.#f.as_str() },
                EndpointParamType::Boolean => quote! { self.#f },
                EndpointParamType::StringArray => quote! { self.#f.clone() },
            };
            quote! { values.set(#name, #value); }
        } else {
            let value = match p.ty {
                EndpointParamType::String => quote! { value.as_str() },
                EndpointParamType::Boolean => quote! { *value },
                EndpointParamType::StringArray => quote! { value.clone() },
            };
            quote! { if let ::std::option::Option::Some(value) = &self.#f { values.set(#name, #value); } }
        }
    });
    let from_rules = params.iter().map(|p| {
        let set = ident(&p.setter);
        let name = &p.name;
        let read = match p.ty {
            EndpointParamType::String => quote! { values.string(#name) },
            EndpointParamType::Boolean => quote! { values.boolean(#name) },
            EndpointParamType::StringArray => quote! { values.string_array(#name) },
        };
        quote! { .#set(#read) }
    });
    // Only the runtime's resolver (a model without a rule set) reads the values by name.
    let rule_values = svc.endpoint_rules.is_none().then(|| quote! {
        /// The values by rule-set parameter name, as the rules engine reads them.
        fn rule_values(&self) -> ::smithygen_runtime::endpoint::Params {
            #[allow(unused_mut)]
            let mut values = ::smithygen_runtime::endpoint::Params::new();
            #(#to_rules)*
            values
        }
    });
    let default_resolver = match super::endpoint_resolver::resolver(svc) {
        Some(resolve_rules) => quote! {
            /// The service's endpoint rules as a resolver: the default when none is configured.
            #[derive(::std::fmt::Debug, ::std::default::Default)]
            pub struct DefaultResolver {
                resolved: ::smithygen_runtime::client::ResolvedEndpoints<Params>,
            }

            impl DefaultResolver {
                /// The resolver of the service's endpoint rules.
                pub fn new() -> Self {
                    Self::default()
                }

                /// The endpoint for `params`, at once (the rules never wait).
                pub(crate) fn resolve(&self, params: &Params) -> ::std::result::Result<Endpoint, ::aws_smithy_runtime_api::box_error::BoxError> {
                    self.resolved.get_or_resolve(params, |params| resolve_rules(params).map_err(::std::convert::Into::into))
                }
            }

            #resolve_rules
        },
        // No rule set: the runtime's resolver of the configured endpoint URL.
        None => quote! {
            /// The service's endpoint rules as a resolver: the default when none is configured.
            #[derive(::std::fmt::Debug)]
            pub struct DefaultResolver {
                rules: ::smithygen_runtime::client::ServiceEndpointRules,
            }

            impl ::std::default::Default for DefaultResolver {
                fn default() -> Self {
                    Self::new()
                }
            }

            impl DefaultResolver {
                /// The resolver of the service's endpoint rules.
                pub fn new() -> Self {
                    Self { rules: ::smithygen_runtime::client::ServiceEndpointRules::new(&crate::config::SERVICE) }
                }

                /// The endpoint for `params`, at once (the rules never wait).
                pub(crate) fn resolve(&self, params: &Params) -> ::std::result::Result<Endpoint, ::aws_smithy_runtime_api::box_error::BoxError> {
                    self.rules.resolve(&params.rule_values())
                }
            }
        },
    };
    quote! {
        //! Endpoint resolution: the parameters of the service's endpoint rules ([`Params`]), the
        //! resolver interface ([`ResolveEndpoint`], set with
        //! [`Builder::endpoint_resolver`](crate::config::Builder::endpoint_resolver)) and the
        //! default resolver ([`DefaultResolver`], the rules themselves).
        //!
        //! Every call builds its [`Params`] from the configuration (region, FIPS and dual-stack
        //! flags, endpoint URL) and the operation, and hands them to the configured resolver or to
        //! the default one.

        pub use ::aws_smithy_runtime_api::client::endpoint::EndpointFuture;
        pub use ::aws_smithy_runtime_api::client::endpoint::SharedEndpointResolver;
        pub use ::aws_smithy_types::endpoint::Endpoint;
        pub use ::smithygen_runtime::endpoint::InvalidParams;

        /// Resolves the endpoint of a call from its [`Params`].
        pub trait ResolveEndpoint: ::std::marker::Send + ::std::marker::Sync + ::std::fmt::Debug {
            /// The endpoint for `params`.
            fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a>;

            /// This resolver as the orchestrator's resolver, which finds the [`Params`] in each
            /// call's `EndpointResolverParams`.
            fn into_shared_resolver(self) -> SharedEndpointResolver
            where
                Self: ::std::marker::Sized + 'static,
            {
                SharedEndpointResolver::new(::smithygen_runtime::endpoint::TypedResolver::new(
                    self,
                    <Self as ResolveEndpoint>::resolve_endpoint,
                ))
            }
        }

        #default_resolver

        impl ResolveEndpoint for DefaultResolver {
            fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
                EndpointFuture::ready(self.resolve(params))
            }
        }

        /// The parameters of the service's endpoint rules for one call.
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::fmt::Debug)]
        pub struct Params {
            #(#fields)*
        }

        impl Params {
            /// A builder for [`Params`].
            pub fn builder() -> ParamsBuilder {
                ParamsBuilder::default()
            }
            #(#getters)*
            #rule_values
        }

        /// Builder for [`Params`].
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::default::Default, ::std::fmt::Debug)]
        pub struct ParamsBuilder {
            #(#builder_fields)*
        }

        impl ParamsBuilder {
            /// Builds the [`Params`], applying the rules' defaults; fails when a required
            /// parameter has no value or a value is invalid.
            pub fn build(self) -> ::std::result::Result<Params, InvalidParams> {
                #(#validators)*
                self.build_unchecked()
            }
            /// [`build`](Self::build) without its value checks: the endpoint rule tests run the
            /// rules on the values as the model's cases give them.
            pub(crate) fn build_unchecked(self) -> ::std::result::Result<Params, InvalidParams> {
                ::std::result::Result::Ok(Params {
                    #(#inits)*
                })
            }
            /// A builder holding the values the runtime gathered for a call (or a rule test
            /// case gives), by rule-set parameter name.
            pub(crate) fn from_rule_values(values: &::smithygen_runtime::endpoint::Params) -> Self {
                Self::default() #(#from_rules)*
            }
            #(#setters)*
        }

        /// The runtime's hook: a call's [`Params`] from the values it gathered by rule-set
        /// parameter name (configuration builtins, the operation's static context parameters).
        pub(crate) fn params_for_call(
            values: &::smithygen_runtime::endpoint::Params,
        ) -> ::std::result::Result<::aws_smithy_runtime_api::client::endpoint::EndpointResolverParams, ::aws_smithy_runtime_api::box_error::BoxError> {
            let params = ParamsBuilder::from_rule_values(values).build()?;
            ::std::result::Result::Ok(::aws_smithy_runtime_api::client::endpoint::EndpointResolverParams::new(params))
        }

        /// The runtime's hook: the [`DefaultResolver`], shared by every call of the process.
        pub(crate) fn default_resolver() -> SharedEndpointResolver {
            static RESOLVER: ::std::sync::OnceLock<SharedEndpointResolver> = ::std::sync::OnceLock::new();
            RESOLVER.get_or_init(|| DefaultResolver::new().into_shared_resolver()).clone()
        }
    }
}

fn value_type(ty: EndpointParamType) -> TokenStream {
    match ty {
        EndpointParamType::String => quote! { ::std::string::String },
        EndpointParamType::Boolean => quote! { bool },
        EndpointParamType::StringArray => quote! { ::std::vec::Vec<::std::string::String> },
    }
}

fn field_type(p: &EndpointParam) -> TokenStream {
    let ty = value_type(p.ty);
    if p.always_set {
        ty
    } else {
        quote! { ::std::option::Option<#ty> }
    }
}

/// A default from the rules as a Rust value of the parameter's type.
fn default_value(ty: EndpointParamType, v: &serde_json::Value) -> TokenStream {
    match ty {
        EndpointParamType::Boolean => {
            let b = v.as_bool().unwrap_or(false);
            quote! { #b }
        }
        EndpointParamType::String => {
            let s = v.as_str().unwrap_or_default();
            quote! { ::std::string::String::from(#s) }
        }
        EndpointParamType::StringArray => {
            let items = v.as_array().into_iter().flatten().filter_map(|i| i.as_str());
            quote! { ::std::vec![#(::std::string::String::from(#items)),*] }
        }
    }
}

/// `Params`' getter: always an `Option`, as the official crates' (`Some` for a parameter with a
/// default).
fn getter(p: &EndpointParam) -> TokenStream {
    let f = ident(&p.field);
    let fallback = format!("The value of the `{}` parameter.", p.name);
    let d = doc_lines(p.docs.as_deref().unwrap_or(&fallback));
    let (ty, body) = match (p.ty, p.always_set) {
        (EndpointParamType::String, false) => (quote! { &str }, quote! { self.#f.as_deref() }),
        (EndpointParamType::String, true) => (quote! { &str }, quote! { ::std::option::Option::Some(&self.#f) }),
        (EndpointParamType::Boolean, false) => (quote! { bool }, quote! { self.#f }),
        (EndpointParamType::Boolean, true) => (quote! { bool }, quote! { ::std::option::Option::Some(self.#f) }),
        (EndpointParamType::StringArray, false) => (quote! { &[::std::string::String] }, quote! { self.#f.as_deref() }),
        (EndpointParamType::StringArray, true) => (quote! { &[::std::string::String] }, quote! { ::std::option::Option::Some(&self.#f) }),
    };
    quote! {
        #d
        pub fn #f(&self) -> ::std::option::Option<#ty> {
            #body
        }
    }
}

/// `ParamsBuilder`'s setter pair, by value as the official crates' (`set_x` too).
fn setters(p: &EndpointParam) -> TokenStream {
    let f = ident(&p.field);
    let set = ident(&p.setter);
    let ty = value_type(p.ty);
    let mut text = format!("Sets the `{}` parameter.\n", p.name);
    if let Some(default) = &p.default {
        text.push_str(&format!("\nWhen unset, this parameter has a default value of `{default}`.\n"));
    }
    if let Some(d) = &p.docs {
        text.push('\n');
        text.push_str(d);
    }
    let d = doc_lines(text.trim_end());
    quote! {
        #d
        pub fn #f(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
            self.#f = ::std::option::Option::Some(value.into());
            self
        }
        #d
        pub fn #set(mut self, param: ::std::option::Option<#ty>) -> Self {
            self.#f = param;
            self
        }
    }
}
