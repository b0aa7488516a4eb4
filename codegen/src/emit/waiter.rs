//! Waiters (`crate::waiters::<name>`, the `crate::client::Waiters` trait): a fluent builder per
//! waiter whose `wait(max_wait)` polls the operation through `aws-smithy-runtime`'s
//! `WaiterOrchestrator` (jittered exponential backoff between `minDelay` and `maxDelay`, the
//! timeout and failure-state errors), as the official SDK crates do. Acceptors read a JSON view
//! of the output with JMESPath (`smithygen_runtime::client::waiter`); the views are rendered
//! here from the shapes' members, so waiters do not depend on the wire protocol.

use super::common::{docs, ident, shape_path};
use super::operation::fluent_setters;
use crate::ir::paging::{AcceptorState, Comparator, Matcher, Waiter};
use crate::ir::{Member, Service, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `pub mod waiters;` in `lib.rs`, when the service has waiters.
pub fn lib_module(svc: &Service) -> TokenStream {
    if svc.waiters.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Waiters: poll an operation until the resource reaches a state (`client::Waiters`).
        pub mod waiters;
    }
}

/// The `Waiters` trait and its implementation on `Client`, for `client.rs`.
pub fn client_trait(svc: &Service) -> TokenStream {
    if svc.waiters.is_empty() {
        return TokenStream::new();
    }
    let (decls, impls): (Vec<_>, Vec<_>) = svc
        .waiters
        .iter()
        .map(|w| {
            let method = ident(&w.method);
            let module = ident(&w.module);
            let fluent = ident(&w.fluent_builder);
            let op = svc.operations.iter().find(|o| o.name == w.operation).expect("waiter operation");
            let call = ident(&op.method);
            let doc = format!(" Wait for `{}`", w.module);
            (
                quote! { #[doc = #doc] fn #method(&self) -> crate::waiters::#module::#fluent; },
                quote! {
                    fn #method(&self) -> crate::waiters::#module::#fluent {
                        crate::waiters::#module::#fluent::new(self.#call())
                    }
                },
            )
        })
        .unzip();
    quote! {
        /// Waiters for this service
        ///
        /// Import this trait to get `wait_until` methods on the client.
        pub trait Waiters {
            #(#decls)*
        }
        impl Waiters for Client {
            #(#impls)*
        }
    }
}

/// `src/waiters.rs`, one `src/waiters/<name>.rs` per waiter and `src/waiters/matchers.rs`.
pub fn files(svc: &Service) -> Vec<(String, TokenStream)> {
    if svc.waiters.is_empty() {
        return Vec::new();
    }
    let modules = svc.waiters.iter().map(|w| {
        let m = ident(&w.module);
        let doc = format!(" Supporting types for the `{}` waiter.", w.module);
        quote! { #[doc = #doc] pub mod #m; }
    });
    let mut files = vec![(
        "src/waiters.rs".to_string(),
        quote! {
            //! Waiters: one module per waiter, each with its fluent builder and result types.
            #(#modules)*
            pub(crate) mod matchers;
        },
    )];
    files.extend(svc.waiters.iter().map(|w| (format!("src/waiters/{}.rs", w.module.trim_start_matches("r#")), waiter(svc, w))));
    files.push(("src/waiters/matchers.rs".to_string(), views(svc)));
    files
}

fn view_fn(svc: &Service, id: &str) -> proc_macro2::Ident {
    let stem = svc
        .structures
        .get(id)
        .map(|s| s.reader.clone())
        .or_else(|| svc.unions.get(id).map(|u| u.reader.clone()))
        .unwrap_or_default();
    format_ident!("view_{}", stem.trim_start_matches("de_"))
}

fn waiter(svc: &Service, w: &Waiter) -> TokenStream {
    let op = svc.operations.iter().find(|o| o.name == w.operation).expect("waiter operation");
    let module = ident(&op.module);
    let op_fluent = ident(&op.fluent_builder);
    let op_error = ident(&op.error);
    let input = svc.structure(&op.input);
    let input_builder = ident(&input.builder);
    let output = shape_path(svc, &op.output);
    let fluent = ident(&w.fluent_builder);
    let final_poll = ident(&w.final_poll);
    let error_alias = ident(&w.error_alias);
    let (min, max) = (w.min_delay, w.max_delay);
    let wants_input = w.acceptors.iter().any(|a| matches!(a.matcher, Matcher::InputOutput(_)));
    let wants_output = w.acceptors.iter().any(|a| matches!(a.matcher, Matcher::Output(_) | Matcher::InputOutput(_)));
    let built = quote! {
        self.as_input().clone().build().map_err(::aws_smithy_runtime_api::client::waiters::error::WaiterError::construction_failure)?
    };
    let build_input = if wants_input {
        let f = view_fn(svc, &op.input);
        quote! {
            let input = #built;
            let input_view = crate::waiters::matchers::#f(&input);
        }
    } else {
        quote! { #built; }
    };
    let output_view = wants_output.then(|| {
        let f = view_fn(svc, &op.output);
        quote! { let output_view = result.ok().map(crate::waiters::matchers::#f); }
    });
    let acceptors = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => quote! { Success },
            AcceptorState::Failure => quote! { Failure },
            AcceptorState::Retry => quote! { Retry },
        };
        let test = match &a.matcher {
            Matcher::Success(true) => quote! { result.is_ok() },
            Matcher::Success(false) => quote! { result.is_err() },
            Matcher::ErrorType(code) => quote! {
                result.err().and_then(::aws_smithy_types::error::metadata::ProvideErrorMetadata::code) == ::std::option::Option::Some(#code)
            },
            Matcher::Output(pm) | Matcher::InputOutput(pm) => {
                let (path, expected) = (&pm.path, &pm.expected);
                let comparator = match pm.comparator {
                    Comparator::StringEquals => quote! { StringEquals },
                    Comparator::BooleanEquals => quote! { BooleanEquals },
                    Comparator::AllStringEquals => quote! { AllStringEquals },
                    Comparator::AnyStringEquals => quote! { AnyStringEquals },
                };
                let data = if matches!(a.matcher, Matcher::InputOutput(_)) {
                    quote! { &::smithygen_runtime::client::waiter::input_output(input_view.clone(), view.clone()) }
                } else {
                    quote! { view }
                };
                quote! {
                    output_view.as_ref().is_some_and(|view| ::smithygen_runtime::client::waiter::path_matches(
                        #data, #path, ::smithygen_runtime::client::waiter::Comparator::#comparator, #expected,
                    ))
                }
            }
        };
        quote! {
            if #test {
                return ::aws_smithy_runtime::client::waiters::AcceptorState::#state;
            }
        }
    });
    let waiter_module = ident(&w.module);
    let setters = fluent_setters(svc, input);
    let doc = docs(w.docs.as_deref());
    let deprecated = w.deprecated.then(|| quote! { #[deprecated] });
    let builder_doc = format!(
        "\n Fluent builder for the `{}` waiter.\n\n This builder is intended to be used similar to the other fluent builders for\n normal operations on the client. However, instead of a `send` method, it has\n a `wait` method that takes a maximum amount of time to wait.\n\n Construct this fluent builder using the client by importing the\n [`Waiters`](crate::client::Waiters) trait and calling the methods\n prefixed with `wait_until`.\n",
        w.module
    );
    let wait_doc = format!(" Wait for `{}`", w.module);
    let as_input_doc = format!(" Access the {} as a reference.", op.name);
    let poll_doc = format!(" Successful return type for the `{}` waiter.", w.module);
    let err_doc = format!(" Error type for the `{}` waiter.", w.module);
    let sdk_error = quote! {
        ::aws_smithy_runtime_api::client::result::SdkError<
            crate::operation::#module::#op_error,
            ::aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >
    };
    quote! {
        //! The waiter's fluent builder and result types.

        #[doc = #builder_doc]
        #doc
        #deprecated
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct #fluent {
            inner: crate::operation::#module::builders::#op_fluent,
        }
        #[allow(deprecated)]
        impl #fluent {
            /// Creates a new fluent builder over the operation's.
            pub(crate) fn new(inner: crate::operation::#module::builders::#op_fluent) -> Self {
                Self { inner }
            }
            #[doc = #as_input_doc]
            pub fn as_input(&self) -> &crate::operation::#module::builders::#input_builder {
                self.inner.as_input()
            }
            #[doc = #wait_doc]
            pub async fn wait(
                self,
                max_wait: ::std::time::Duration,
            ) -> ::std::result::Result<crate::waiters::#waiter_module::#final_poll, crate::waiters::#waiter_module::#error_alias> {
                // A missing required member fails now, before any request, as in the official crates.
                #build_input
                let (sleep_impl, time_source) = ::smithygen_runtime::client::waiter::time_components(
                    self.inner.config.sleep_impl(),
                    self.inner.config.time_source(),
                )?;
                let acceptor = move |result: ::std::result::Result<&#output, &crate::operation::#module::#op_error>| {
                    #output_view
                    #(#acceptors)*
                    ::aws_smithy_runtime::client::waiters::AcceptorState::NoAcceptorsMatched
                };
                let call = self.inner;
                let operation = move || {
                    let call = call.clone();
                    async move { call.send().await }
                };
                let orchestrator = ::aws_smithy_runtime::client::waiters::WaiterOrchestrator::builder()
                    .min_delay(::std::time::Duration::from_secs(#min))
                    .max_delay(::std::time::Duration::from_secs(#max))
                    .max_wait(max_wait)
                    .time_source(time_source)
                    .sleep_impl(sleep_impl)
                    .acceptor(acceptor)
                    .operation(operation)
                    .build();
                ::aws_smithy_runtime::client::waiters::attach_waiter_tracing_span(orchestrator.orchestrate()).await
            }
            #(#setters)*
        }

        #[doc = #poll_doc]
        pub type #final_poll = ::aws_smithy_runtime_api::client::waiters::FinalPoll<#output, #sdk_error>;

        #[doc = #err_doc]
        pub type #error_alias = ::aws_smithy_runtime_api::client::waiters::error::WaiterError<#output, crate::operation::#module::#op_error>;
    }
}

/// `src/waiters/matchers.rs`: the JSON view (member names as keys) of every shape an acceptor
/// reads, as JMESPath data.
fn views(svc: &Service) -> TokenStream {
    let mut ids: Vec<&String> = svc.waiters.iter().flat_map(|w| w.viewed.iter()).collect();
    ids.sort();
    ids.dedup();
    let functions = ids.into_iter().filter_map(|id| {
        let f = view_fn(svc, id);
        let ty = shape_path(svc, id);
        if let Some(s) = svc.structures.get(id) {
            let inserts = s.members.iter().map(|m| {
                let name = &m.name;
                let field = ident(&m.field);
                let value = member_value(svc, m, quote! { &value.#field });
                quote! { object.insert(#name.to_string(), #value); }
            });
            Some(quote! {
                pub(crate) fn #f(value: &#ty) -> ::serde_json::Value {
                    let mut object = ::serde_json::Map::new();
                    #(#inserts)*
                    ::serde_json::Value::Object(object)
                }
            })
        } else {
            let u = svc.unions.get(id)?;
            let arms = u.members.iter().map(|m| {
                let variant = ident(&m.variant);
                let name = &m.name;
                if m.ty == Type::Unit {
                    quote! { #ty::#variant => (#name, ::serde_json::Value::Object(::serde_json::Map::new())), }
                } else {
                    let v = value_of(svc, &m.ty, quote! { v });
                    quote! { #ty::#variant(v) => (#name, #v), }
                }
            });
            Some(quote! {
                pub(crate) fn #f(value: &#ty) -> ::serde_json::Value {
                    #[allow(unreachable_patterns)]
                    let (name, member) = match value {
                        #(#arms)*
                        _ => return ::serde_json::Value::Null,
                    };
                    let mut object = ::serde_json::Map::new();
                    object.insert(name.to_string(), member);
                    ::serde_json::Value::Object(object)
                }
            })
        }
    });
    quote! {
        //! JMESPath data of the shapes waiter acceptors read: each structure as an object keyed
        //! by member names (absent members `null`), each union as an object of its one member.
        #![allow(clippy::needless_borrow, clippy::clone_on_copy)]
        #(#functions)*
    }
}

/// A member's value (`expr`: a reference to the field) as JSON.
fn member_value(svc: &Service, m: &Member, expr: TokenStream) -> TokenStream {
    let inner = if m.boxed { quote! { &**v } } else { quote! { v } };
    let value = value_of(svc, &m.ty, inner);
    if m.is_optional() {
        quote! {
            match #expr {
                ::std::option::Option::Some(v) => #value,
                ::std::option::Option::None => ::serde_json::Value::Null,
            }
        }
    } else {
        quote! { { let v = #expr; #value } }
    }
}

/// The JSON of a value of type `ty`; `v` is a reference to it.
fn value_of(svc: &Service, ty: &Type, v: TokenStream) -> TokenStream {
    match ty {
        Type::Boolean | Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Float | Type::Double => {
            quote! { ::serde_json::Value::from(*#v) }
        }
        Type::String => quote! { ::serde_json::Value::from(#v.as_str()) },
        Type::Enum(_) => quote! { ::serde_json::Value::from(#v.as_str()) },
        Type::IntEnum(_) => quote! { ::serde_json::Value::from(#v.value()) },
        Type::BigInteger | Type::BigDecimal => quote! { ::serde_json::Value::from(::std::convert::AsRef::<str>::as_ref(#v)) },
        Type::Timestamp => quote! { ::smithygen_runtime::client::waiter::timestamp_view(#v) },
        Type::Blob { streaming: false } => quote! { ::smithygen_runtime::client::waiter::blob_view(#v) },
        Type::Document => quote! { ::smithygen_runtime::client::waiter::document_view(#v) },
        Type::List(c) => {
            let item = collection_item(svc, c, quote! { item });
            quote! { ::serde_json::Value::Array(#v.iter().map(|item| #item).collect()) }
        }
        Type::Map(c) => {
            let item = collection_item(svc, c, quote! { item });
            // Sorted keys: the same data whatever the map's order.
            quote! {
                ::serde_json::Value::Object(
                    #v.iter().collect::<::std::collections::BTreeMap<_, _>>().into_iter().map(|(key, item)| (key.clone(), #item)).collect(),
                )
            }
        }
        Type::Structure(id) | Type::Union(id) => {
            let f = view_fn(svc, id);
            quote! { crate::waiters::matchers::#f(#v) }
        }
        // Streams and unit values carry no data an expression could read.
        Type::Blob { streaming: true } | Type::EventStream { .. } | Type::Unit => quote! { { let _ = #v; ::serde_json::Value::Null } },
    }
}

fn collection_item(svc: &Service, c: &crate::ir::Collection, v: TokenStream) -> TokenStream {
    let value = value_of(svc, &c.item, quote! { v });
    if c.sparse {
        quote! {
            match #v {
                ::std::option::Option::Some(v) => #value,
                ::std::option::Option::None => ::serde_json::Value::Null,
            }
        }
    } else {
        quote! { { let v = #v; #value } }
    }
}
