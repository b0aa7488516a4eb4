//! Paginators (`crate::operation::<op>::paginator`): `into_paginator()` on the fluent builder,
//! `<Op>Paginator` (pages) and `<Op>PaginatorItems` (items), with the official SDK crates' API
//! and stopping rule (no token, an empty token, or the same token twice). Protocol-independent:
//! a page is the fluent builder's own `send()`.

use super::common::{ident, rust_type, shape_path};
use crate::ir::paging::{PathStep, Paginator};
use crate::ir::{Operation, Service, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// `pub mod paginator;` in the operation's module, when it has one.
pub fn module_declaration(svc: &Service, op: &Operation) -> TokenStream {
    match svc.paginators.get(&op.name) {
        Some(_) => quote! {
            /// Paginator of this operation: `into_paginator()` on its fluent builder.
            pub mod paginator;
        },
        None => TokenStream::new(),
    }
}

/// `src/operation/<op>/paginator.rs` for every paginated operation.
pub fn files(svc: &Service) -> Vec<(String, TokenStream)> {
    svc.operations
        .iter()
        .filter_map(|op| svc.paginators.get(&op.name).map(|p| (format!("src/operation/{}/paginator.rs", op.file), paginator(svc, op, p))))
        .collect()
}

/// Borrows the value at `steps` from `root` (a reference): an `Option<&T>` expression.
fn borrowed_path(root: TokenStream, steps: &[PathStep]) -> TokenStream {
    steps.iter().fold(quote! { ::std::option::Option::Some(#root) }, |acc, step| {
        let f = ident(&step.field);
        match (step.optional, step.boxed) {
            (true, true) => quote! { #acc.and_then(|v| v.#f.as_deref()) },
            (true, false) => quote! { #acc.and_then(|v| v.#f.as_ref()) },
            (false, true) => quote! { #acc.map(|v| &*v.#f) },
            (false, false) => quote! { #acc.map(|v| &v.#f) },
        }
    })
}

/// Moves the value at `steps` out of `root` (owned): an `Option<T>` expression.
fn owned_path(root: TokenStream, steps: &[PathStep]) -> TokenStream {
    steps.iter().fold(quote! { ::std::option::Option::Some(#root) }, |acc, step| {
        let f = ident(&step.field);
        match (step.optional, step.boxed) {
            (true, true) => quote! { #acc.and_then(|v| v.#f.map(|b| *b)) },
            (true, false) => quote! { #acc.and_then(|v| v.#f) },
            (false, true) => quote! { #acc.map(|v| *v.#f) },
            (false, false) => quote! { #acc.map(|v| v.#f) },
        }
    })
}

fn paginator(svc: &Service, op: &Operation, p: &Paginator) -> TokenStream {
    let module = ident(&op.module);
    let fluent = ident(&op.fluent_builder);
    let error = ident(&op.error);
    let output = shape_path(svc, &op.output);
    let name = ident(&p.name);
    let sdk_error = quote! {
        ::aws_smithy_runtime_api::client::result::SdkError<
            crate::operation::#module::#error,
            ::aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >
    };
    let set_token = ident(&p.input_token.setter);
    let get_token = ident(&p.input_token.getter);
    let new_token = borrowed_path(quote! { page }, &p.output_token);
    let is_empty = if p.token_can_be_empty {
        quote! { new_token.map(|token| token.is_empty()).unwrap_or(true) }
    } else {
        quote! { new_token.is_none() }
    };
    let doc = format!(" Paginator for [`{0}`](crate::operation::{1}::{0}): every page of the operation, each call with the previous page's `{2}`.", op.name_type, op.module, p.input_token.name);
    let page_size = p.page_size.as_ref().map(|size| {
        let set = ident(&size.setter);
        let ty = rust_type(svc, &size.ty);
        let note = format!(" _Note: this method will override any previously set value for `{}`_", size.field.trim_start_matches("r#"));
        quote! {
            /// Set the page size
            ///
            #[doc = #note]
            pub fn page_size(mut self, limit: #ty) -> Self {
                self.call.inner = self.call.inner.#set(::std::option::Option::Some(limit));
                self
            }
        }
    });
    let items = p.items.as_ref().zip(p.items_name.as_ref()).map(|(items, items_name)| {
        let items_name = ident(items_name);
        let item = match &items.ty {
            Type::List(c) | Type::Map(c) => {
                let t = rust_type(svc, &c.item);
                let t = if c.sparse { quote! { ::std::option::Option<#t> } } else { t };
                if matches!(items.ty, Type::Map(_)) { quote! { (::std::string::String, #t) } } else { t }
            }
            _ => unreachable!("lowering checked items is a list or a map"),
        };
        let lens = owned_path(quote! { page }, &items.path);
        let field = items.path.last().map(|s| s.field.trim_start_matches("r#").to_string()).unwrap_or_default();
        let flat_doc = format!(" This paginator automatically flattens results using `{field}`. Queries to the underlying service are dispatched lazily.");
        let items_doc = format!(" Flattened paginator for `{}`\n\n This is created with [`.items()`]({}::items)", p.name, p.name);
        (
            quote! {
                /// Create a flattened paginator
                ///
                #[doc = #flat_doc]
                pub fn items(self) -> crate::operation::#module::paginator::#items_name {
                    crate::operation::#module::paginator::#items_name(self)
                }
            },
            quote! {
                #[doc = #items_doc]
                pub struct #items_name(#name);
                impl #items_name {
                    /// Create the pagination stream
                    ///
                    /// _Note_: No requests will be dispatched until the stream is used
                    /// (e.g. with the [`.next().await`](aws_smithy_async::future::pagination_stream::PaginationStream::next) method).
                    ///
                    /// To read the entirety of the paginator, use [`.collect::<Result<Vec<_>, _>()`](aws_smithy_async::future::pagination_stream::PaginationStream::collect).
                    pub fn send(self) -> ::aws_smithy_async::future::pagination_stream::PaginationStream<::std::result::Result<#item, #sdk_error>> {
                        ::aws_smithy_async::future::pagination_stream::TryFlatMap::new(self.0.send())
                            .flat_map(|page| #lens.unwrap_or_default().into_iter())
                    }
                }
            },
        )
    });
    let (items_method, items_type) = match items {
        Some((m, t)) => (Some(m), Some(t)),
        None => (None, None),
    };
    let into_doc = format!(" Create a paginator for this request\n\n Paginators are used by calling [`send().await`](crate::operation::{0}::paginator::{1}::send) which returns a [`PaginationStream`](aws_smithy_async::future::pagination_stream::PaginationStream).", op.module, p.name);
    quote! {
        //! The paginator of this operation.

        impl crate::operation::#module::builders::#fluent {
            #[doc = #into_doc]
            pub fn into_paginator(self) -> crate::operation::#module::paginator::#name {
                crate::operation::#module::paginator::#name::new(self)
            }
        }

        #[doc = #doc]
        pub struct #name {
            call: crate::operation::#module::builders::#fluent,
            stop_on_duplicate_token: bool,
        }

        impl #name {
            /// Create a new paginator-wrapper
            pub(crate) fn new(call: crate::operation::#module::builders::#fluent) -> Self {
                Self { call, stop_on_duplicate_token: true }
            }
            #page_size
            #items_method
            /// Stop paginating when the service returns the same pagination token twice in a row.
            ///
            /// Defaults to true.
            ///
            /// For certain operations, it may be useful to continue on duplicate token. For example,
            /// if an operation is for tailing a log file in real-time, then continuing may be desired.
            /// This option can be set to `false` to accommodate these use cases.
            pub fn stop_on_duplicate_token(mut self, stop_on_duplicate_token: bool) -> Self {
                self.stop_on_duplicate_token = stop_on_duplicate_token;
                self
            }
            /// Create the pagination stream
            ///
            /// _Note:_ No requests will be dispatched until the stream is used
            /// (e.g. with the [`.next().await`](aws_smithy_async::future::pagination_stream::PaginationStream::next) method).
            pub fn send(self) -> ::aws_smithy_async::future::pagination_stream::PaginationStream<::std::result::Result<#output, #sdk_error>> {
                let Self { mut call, stop_on_duplicate_token } = self;
                ::aws_smithy_async::future::pagination_stream::PaginationStream::new(
                    ::aws_smithy_async::future::pagination_stream::fn_stream::FnStream::new(move |tx| {
                        ::std::boxed::Box::pin(async move {
                            loop {
                                let resp = call.clone().send().await;
                                // Done on an error, without a token, or (unless told otherwise) on a repeated one.
                                let done = match resp {
                                    ::std::result::Result::Ok(ref page) => {
                                        let new_token = #new_token;
                                        let is_empty = #is_empty;
                                        if !is_empty && new_token == call.inner.#get_token().as_ref() && stop_on_duplicate_token {
                                            true
                                        } else {
                                            call.inner = call.inner.#set_token(new_token.cloned());
                                            is_empty
                                        }
                                    }
                                    ::std::result::Result::Err(_) => true,
                                };
                                if tx.send(resp).await.is_err() {
                                    // The receiving end was dropped.
                                    return;
                                }
                                if done {
                                    return;
                                }
                            }
                        })
                    }),
                )
            }
        }

        #items_type
    }
}
