//! Structures with builders, enums, intEnums, unions and error structures.

use super::common::*;
use crate::ir::{EnumShape, Member, Service, Structure, Type, Union};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// A structure with its accessors and `Debug` (first), and its builder (second,
/// for the `builders` module beside it).
pub fn structure(svc: &Service, s: &Structure) -> (TokenStream, TokenStream) {
    let name = format_ident!("{}", s.rust_name);
    let builder_name = ident(&s.builder);
    let builder_path = builder_path(s);
    let doc = docs(s.docs.as_deref());
    let dep = deprecated(s.deprecated.as_ref());
    let fields = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let ty = field_type(svc, m);
        let d = docs(m.docs.as_deref());
        let dep = deprecated(m.deprecated.as_ref());
        quote! { #d #dep pub #f: #ty, }
    });
    // Error structures get `message()` from `error_impls`, which also covers the modeled member.
    let accessors = s
        .members
        .iter()
        .filter(|m| !(s.error.is_some() && m.field == "message"))
        .map(|m| accessor(svc, m));
    let error_meta = s.error.as_ref().map(|_| quote! { pub(crate) meta: ::aws_smithy_types::error::ErrorMetadata, });
    let output = is_operation_output(svc, s);
    let request_id_field = output.then(|| quote! { _request_id: ::std::option::Option<::std::string::String>, });
    let request_id_impl = output.then(|| {
        quote! {
            impl ::aws_types::request_id::RequestId for #name {
                fn request_id(&self) -> ::std::option::Option<&str> {
                    self._request_id.as_deref()
                }
            }
        }
    });
    let debug = debug_impl(&name, &s.rust_name, &s.members, s.sensitive, s.error.is_some());
    let builder = builder(svc, s, &builder_name);
    let builder_doc = format!(" Creates a new builder for [`{}`].", s.rust_name);
    let derives = value_derives(s);
    let definition = quote! {
        #doc
        #dep
        #[non_exhaustive]
        #derives
        pub struct #name {
            #(#fields)*
            #error_meta
            #request_id_field
        }
        #[allow(deprecated)]
        impl #name {
            #(#accessors)*
            #[doc = #builder_doc]
            pub fn builder() -> #builder_path {
                #builder_path::default()
            }
        }
        #debug
        #request_id_impl
    };
    (definition, builder)
}

/// Whether a member is a streaming body (a `ByteStream`, which can be neither cloned nor compared).
pub fn has_stream(s: &Structure) -> bool {
    s.members.iter().any(|m| matches!(m.ty, Type::Blob { streaming: true } | Type::EventStream { .. }))
}

/// `#[derive(Clone, PartialEq)]`, unless a member is a streaming body.
fn value_derives(s: &Structure) -> TokenStream {
    if has_stream(s) {
        TokenStream::new()
    } else {
        quote! { #[derive(::std::clone::Clone, ::std::cmp::PartialEq)] }
    }
}

/// A rustdoc link to a structure that resolves from any module.
fn doc_link(s: &Structure) -> String {
    let path = home_path(&s.home, &s.rust_name).to_string().replace(' ', "");
    format!("[`{}`]({path})", s.rust_name)
}

fn accessor(svc: &Service, m: &Member) -> TokenStream {
    let f = ident(&m.field);
    let d = docs(m.docs.as_deref());
    let dep = deprecated(m.deprecated.as_ref());
    let inner = rust_type(svc, &m.ty);
    if !m.is_optional() {
        return if is_copy(&m.ty) {
            quote! { #d #dep pub fn #f(&self) -> #inner { self.#f } }
        } else if m.ty == Type::String {
            quote! { #d #dep pub fn #f(&self) -> &str { &self.#f } }
        } else {
            quote! { #d #dep pub fn #f(&self) -> &#inner { &self.#f } }
        };
    }
    match &m.ty {
        ty if is_copy(ty) => quote! { #d #dep pub fn #f(&self) -> ::std::option::Option<#inner> { self.#f } },
        Type::String => quote! { #d #dep pub fn #f(&self) -> ::std::option::Option<&str> { self.#f.as_deref() } },
        Type::List(c) => {
            let item = rust_type(svc, &c.item);
            let item = if c.sparse { quote! { ::std::option::Option<#item> } } else { item };
            let more = format!(" An empty slice when no value was sent; use `.{}.is_none()` to tell the two apart.", m.bare.as_str());
            quote! {
                #d #[doc = ""] #[doc = #more] #dep
                pub fn #f(&self) -> &[#item] { self.#f.as_deref().unwrap_or_default() }
            }
        }
        _ if m.boxed => quote! { #d #dep pub fn #f(&self) -> ::std::option::Option<&#inner> { self.#f.as_deref() } },
        _ => quote! { #d #dep pub fn #f(&self) -> ::std::option::Option<&#inner> { self.#f.as_ref() } },
    }
}

fn debug_impl(name: &proc_macro2::Ident, text: &str, members: &[Member], all_sensitive: bool, with_meta: bool) -> TokenStream {
    let fields = members.iter().map(|m| {
        let f = ident(&m.field);
        let label = m.bare.as_str();
        if all_sensitive || m.sensitive {
            quote! { formatter.field(#label, &#REDACTED); }
        } else {
            quote! { formatter.field(#label, &self.#f); }
        }
    });
    let meta = with_meta.then(|| quote! { formatter.field("meta", &self.meta); });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut formatter = f.debug_struct(#text);
                #(#fields)*
                #meta
                formatter.finish()
            }
        }
    }
}

fn builder(svc: &Service, s: &Structure, builder_name: &proc_macro2::Ident) -> TokenStream {
    let target = home_path(&s.home, &s.rust_name);
    let link = doc_link(s);
    let doc = format!(" A builder for {link}.");
    let fields = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let inner = member_inner_type(svc, m);
        quote! { pub(crate) #f: ::std::option::Option<#inner>, }
    });
    let meta_field = s.error.as_ref().map(|_| {
        quote! { meta: ::std::option::Option<::aws_smithy_types::error::ErrorMetadata>, }
    });
    let setters = s.members.iter().map(|m| setter(svc, m));
    let meta_setters = s.error.as_ref().map(|_| {
        quote! {
            /// Sets error metadata (code, message, request id).
            pub fn meta(mut self, meta: ::aws_smithy_types::error::ErrorMetadata) -> Self {
                self.meta = ::std::option::Option::Some(meta);
                self
            }
            /// Sets error metadata (code, message, request id).
            pub fn set_meta(&mut self, meta: ::std::option::Option<::aws_smithy_types::error::ErrorMetadata>) -> &mut Self {
                self.meta = meta;
                self
            }
        }
    });
    let inits: Vec<TokenStream> = s.members.iter().map(|m| {
        let f = ident(&m.field);
        if m.required_in_builder() {
            let name = m.field.trim_start_matches("r#");
            let missing = format!("{name} was not specified but it is required when building {}", s.rust_name);
            quote! {
                #f: self.#f.ok_or_else(|| ::aws_smithy_types::error::operation::BuildError::missing_field(#name, #missing))?,
            }
        } else if m.is_optional() {
            // Top-level input tokens are filled at `send()` from the client's provider; a token in
            // a nested structure is filled here.
            if m.idempotency_token && !matches!(s.home, crate::ir::TypeHome::Operation(_)) {
                quote! { #f: self.#f.or_else(|| ::std::option::Option::Some(::smithygen_runtime::protocol::idempotency_token())), }
            } else {
                quote! { #f: self.#f, }
            }
        } else {
            let default = default_value(svc, m);
            // A literal costs nothing to build; anything else only when needed.
            let literal = matches!(
                m.ty,
                Type::Boolean | Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Float | Type::Double
            ) && !m.boxed;
            if literal {
                quote! { #f: self.#f.unwrap_or(#default), }
            } else if matches!(m.ty, Type::List(_) | Type::Map(_)) && !m.boxed {
                // A list or map default can only be empty.
                quote! { #f: self.#f.unwrap_or_default(), }
            } else {
                quote! { #f: self.#f.unwrap_or_else(|| #default), }
            }
        }
    }).collect();
    let meta_init = s.error.as_ref().map(|_| quote! { meta: self.meta.unwrap_or_default(), });
    // Operation outputs carry the response's request id (`RequestId`), as the official crates'.
    let output = is_operation_output(svc, s);
    let request_id_field = output.then(|| quote! { _request_id: ::std::option::Option<::std::string::String>, });
    let request_id_init = output.then(|| quote! { _request_id: self._request_id, });
    let request_id_setters = output.then(|| {
        quote! {
            pub(crate) fn _request_id(mut self, request_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                self._request_id = ::std::option::Option::Some(request_id.into());
                self
            }
            pub(crate) fn _set_request_id(&mut self, request_id: ::std::option::Option<::std::string::String>) -> &mut Self {
                self._request_id = request_id;
                self
            }
        }
    });
    let value = quote! {
        #target {
            #(#inits)*
            #meta_init
            #request_id_init
        }
    };
    // As the official crates': every operation input's `build()` returns a `Result` (`@required`
    // is checked by the service), and so does one with a member it cannot default.
    let build_fn = if svc.fallible_build(s) {
        quote! {
            pub fn build(self) -> ::std::result::Result<#target, ::aws_smithy_types::error::operation::BuildError> {
                ::std::result::Result::Ok(#value)
            }
        }
    } else {
        quote! {
            pub fn build(self) -> #target {
                #value
            }
        }
    };
    let build_doc = format!(" Builds the {link}.");
    // The server builds a message without its stream: an input's events reach the handler
    // beside it, and an output's stream member is never read (its events come from the
    // handler's producer).
    let server_build = s.members.iter().any(Member::required_in_builder).then(|| {
        let inits = s.members.iter().zip(&inits).map(|(m, init)| {
            if m.required_in_builder() {
                let f = ident(&m.field);
                let empty = super::event_stream::client::empty_stream(svc, m).unwrap_or_else(|| default_value(svc, m));
                quote! { #f: self.#f.unwrap_or_else(|| #empty), }
            } else {
                init.clone()
            }
        });
        let doc = if output {
            format!(" Builds the {link} for a server handler to return: its stream member, which the server never reads (the events come from the handler's `EventProducer`), may be left unset.")
        } else {
            format!(" Builds the {link} as the server reads it: its stream member is left empty (the handler receives the events beside the input).")
        };
        quote! {
            #[doc = #doc]
            #[cfg(feature = "server")]
            pub fn build_without_stream(self) -> #target {
                #target {
                    #(#inits)*
                    #request_id_init
                }
            }
        }
    });
    let debug = debug_impl(builder_name, &format!("{}Builder", s.rust_name), &s.members, s.sensitive, false);
    let derives = value_derives(s);
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #derives
        #[derive(::std::default::Default)]
        pub struct #builder_name {
            #(#fields)*
            #meta_field
            #request_id_field
        }
        #[allow(deprecated)]
        impl #builder_name {
            #(#setters)*
            #meta_setters
            #request_id_setters
            #[doc = #build_doc]
            #build_fn
            #server_build
        }
        #debug
    }
}

fn setter(svc: &Service, m: &Member) -> TokenStream {
    let f = ident(&m.field);
    let set = ident(&m.setter);
    let get = ident(&m.getter);
    let inner = member_inner_type(svc, m);
    let plain = rust_type(svc, &m.ty);
    let d = docs(m.docs.as_deref());
    let dep = deprecated(m.deprecated.as_ref());
    let (arg, conv) = setter_arg(svc, &m.ty);
    let (arg, wrap) = if m.boxed {
        (quote! { impl ::std::convert::Into<#plain> }, quote! { ::std::boxed::Box::new(input.into()) })
    } else {
        (arg, conv)
    };
    let primary = match &m.ty {
        Type::List(c) => {
            let (item, conv) = item_arg(svc, c);
            let note = format!(" Appends an item to `{}`; use [`Self::{set}`] to replace the whole list.", m.bare.as_str());
            quote! {
                #[doc = #note]
                #d #dep
                pub fn #f(mut self, input: #item) -> Self {
                    let mut v = self.#f.unwrap_or_default();
                    v.push(#conv);
                    self.#f = ::std::option::Option::Some(v);
                    self
                }
            }
        }
        Type::Map(c) => {
            let (item, conv) = item_arg(svc, c);
            let note = format!(" Adds a key-value pair to `{}`; use [`Self::{set}`] to replace the whole map.", m.bare.as_str());
            quote! {
                #[doc = #note]
                #d #dep
                pub fn #f(mut self, k: impl ::std::convert::Into<::std::string::String>, v: #item) -> Self {
                    let input = v;
                    let mut hash_map = self.#f.unwrap_or_default();
                    hash_map.insert(k.into(), #conv);
                    self.#f = ::std::option::Option::Some(hash_map);
                    self
                }
            }
        }
        _ => quote! {
            #d #dep
            pub fn #f(mut self, input: #arg) -> Self {
                self.#f = ::std::option::Option::Some(#wrap);
                self
            }
        },
    };
    quote! {
        #primary
        #d #dep
        pub fn #set(mut self, input: ::std::option::Option<#inner>) -> Self {
            self.#f = input;
            self
        }
        #d #dep
        pub fn #get(&self) -> &::std::option::Option<#inner> {
            &self.#f
        }
    }
}

/// A string enum or intEnum with an `Unknown` variant for values from newer models.
pub fn enumeration(e: &EnumShape) -> TokenStream {
    let name = format_ident!("{}", e.rust_name);
    let doc = docs(e.docs.as_deref());
    let dep = deprecated(e.deprecated.as_ref());
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let variant_defs = e.variants.iter().map(|v| {
        let i = ident(&v.rust_name);
        let d = docs(v.docs.as_deref());
        let dep = deprecated(v.deprecated.as_ref());
        let wire = format!(" Wire value `{}`.", v.value);
        quote! { #d #[doc = #wire] #dep #i, }
    });
    if e.int {
        let values: Vec<i32> = e.variants.iter().map(|v| v.value.parse().unwrap_or_default()).collect();
        return quote! {
            #doc #dep
            #[non_exhaustive]
            #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
            #[allow(deprecated)]
            pub enum #name {
                #(#variant_defs)*
                /// A value this version of the crate does not know.
                Unknown(i32),
            }
            #[allow(deprecated)]
            impl #name {
                /// The integer sent on the wire.
                pub fn value(&self) -> i32 {
                    match self {
                        #( #name::#variants => #values, )*
                        #name::Unknown(v) => *v,
                    }
                }
                /// Every value this version of the crate knows.
                pub fn values() -> &'static [i32] {
                    &[#(#values),*]
                }
            }
            #[allow(deprecated)]
            impl ::std::convert::From<i32> for #name {
                fn from(v: i32) -> Self {
                    match v {
                        #( #values => #name::#variants, )*
                        other => #name::Unknown(other),
                    }
                }
            }
        };
    }
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let debug = if e.sensitive {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(#REDACTED)
                }
            }
        }
    } else {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Debug::fmt(self.as_str(), f)
                }
            }
        }
    };
    quote! {
        #doc #dep
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        #[allow(deprecated)]
        pub enum #name {
            #(#variant_defs)*
            /// A value this version of the crate does not know.
            Unknown(crate::primitives::UnknownVariantValue),
        }
        #[allow(deprecated)]
        impl #name {
            /// The string sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #values, )*
                    #name::Unknown(v) => v.as_str(),
                }
            }
            /// Every value this version of the crate knows.
            pub fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }
        #[allow(deprecated)]
        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #( #values => #name::#variants, )*
                    other => #name::Unknown(crate::primitives::UnknownVariantValue::new(other)),
                }
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(#name::from(s))
            }
        }
        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #debug
    }
}

/// A union: one variant per member plus `Unknown` for members of newer models.
pub fn union(svc: &Service, u: &Union) -> TokenStream {
    let name = format_ident!("{}", u.rust_name);
    let doc = docs(u.docs.as_deref());
    let dep = deprecated(u.deprecated.as_ref());
    let variants = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let d = docs(m.docs.as_deref());
        let dep = deprecated(m.deprecated.as_ref());
        if m.ty == Type::Unit {
            quote! { #d #dep #v, }
        } else {
            let t = member_inner_type(svc, m);
            quote! { #d #dep #v(#t), }
        }
    });
    let helpers = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let as_fn = ident(&m.variant_as);
        let is_fn = ident(&m.variant_is);
        let as_doc = format!(" The value when this is [`{}::{}`], otherwise `Err(self)`.", u.rust_name, m.variant);
        let is_doc = format!(" Whether this is [`{}::{}`].", u.rust_name, m.variant);
        if m.ty == Type::Unit {
            quote! {
                #[doc = #as_doc]
                pub fn #as_fn(&self) -> ::std::result::Result<(), &Self> {
                    if let #name::#v = self { ::std::result::Result::Ok(()) } else { ::std::result::Result::Err(self) }
                }
                #[doc = #is_doc]
                pub fn #is_fn(&self) -> bool { self.#as_fn().is_ok() }
            }
        } else {
            let t = member_inner_type(svc, m);
            quote! {
                #[doc = #as_doc]
                pub fn #as_fn(&self) -> ::std::result::Result<&#t, &Self> {
                    if let #name::#v(val) = self { ::std::result::Result::Ok(val) } else { ::std::result::Result::Err(self) }
                }
                #[doc = #is_doc]
                pub fn #is_fn(&self) -> bool { self.#as_fn().is_ok() }
            }
        }
    });
    let debug_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let label = &m.variant_label;
        if m.ty == Type::Unit {
            quote! { #name::#v => f.write_str(#label), }
        } else if u.sensitive || m.sensitive {
            quote! { #name::#v(_) => f.debug_tuple(#label).field(&#REDACTED).finish(), }
        } else {
            quote! { #name::#v(val) => f.debug_tuple(#label).field(val).finish(), }
        }
    });
    quote! {
        #doc #dep
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq)]
        #[allow(deprecated)]
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know (sent by a newer service).
            #[non_exhaustive]
            Unknown,
        }
        #[allow(deprecated)]
        impl #name {
            #(#helpers)*
            /// Whether this is a member this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown)
            }
        }
        #[allow(deprecated)]
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#debug_arms)*
                    #name::Unknown => f.write_str("Unknown"),
                }
            }
        }
    }
}

/// The trait impls that make an error structure an error: `Display`,
/// `std::error::Error`, error metadata, retry kind and request id.
pub fn error_impls(s: &Structure) -> TokenStream {
    let name = format_ident!("{}", s.rust_name);
    let code = &s.wire_name;
    let info = s.error.as_ref().expect("error_impls on an error structure");
    let message_field = s.members.iter().find(|m| m.name.eq_ignore_ascii_case("message") && m.ty == Type::String);
    let message_fn = match message_field {
        Some(m) => {
            let f = ident(&m.field);
            if m.is_optional() {
                quote! { self.#f.as_deref() }
            } else {
                quote! { ::std::option::Option::Some(self.#f.as_str()) }
            }
        }
        None => quote! { self.meta.message() },
    };
    let retry = match info.retryable {
        Some(true) => quote! { ::std::option::Option::Some(::aws_smithy_types::retry::ErrorKind::ThrottlingError) },
        Some(false) => quote! { ::std::option::Option::Some(::aws_smithy_types::retry::ErrorKind::TransientError) },
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        impl #name {
            /// The error message, when the service sent one.
            pub fn message(&self) -> ::std::option::Option<&str> {
                #message_fn
            }
            /// The error code this error is recognised by on the wire.
            pub const CODE: &'static str = #code;
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#code)?;
                if let ::std::option::Option::Some(msg) = self.message() {
                    write!(f, ": {}", msg)?;
                }
                ::std::result::Result::Ok(())
            }
        }
        impl ::std::error::Error for #name {}
        impl ::aws_smithy_types::error::metadata::ProvideErrorMetadata for #name {
            fn meta(&self) -> &::aws_smithy_types::error::ErrorMetadata {
                &self.meta
            }
        }
        impl ::aws_smithy_types::retry::ProvideErrorKind for #name {
            fn retryable_error_kind(&self) -> ::std::option::Option<::aws_smithy_types::retry::ErrorKind> {
                #retry
            }
            fn code(&self) -> ::std::option::Option<&str> {
                ::std::option::Option::Some(#code)
            }
        }
        impl ::aws_types::request_id::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> {
                ::aws_types::request_id::RequestId::request_id(&self.meta)
            }
        }
    }
}

/// The argument type of a list appender or map inserter and how `input` becomes the stored
/// item: `impl Into<String>` for (non-sparse) string items, the item type itself otherwise.
pub fn item_arg(svc: &Service, c: &crate::ir::Collection) -> (TokenStream, TokenStream) {
    if c.sparse {
        let item = rust_type(svc, &c.item);
        (quote! { ::std::option::Option<#item> }, quote! { input })
    } else {
        setter_arg(svc, &c.item)
    }
}
