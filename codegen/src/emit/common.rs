//! Pieces every emitter needs: doc attributes, type paths, default values, identifiers.

use crate::ir::{Deprecated, Member, Service, Structure, Type, TypeHome};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// An identifier from a name `naming` produced (handles `r#` raw identifiers).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines for Markdown docs; nothing when there are none.
pub fn docs(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) => doc_lines(t),
        None => TokenStream::new(),
    }
}

/// `#[doc]` lines for a literal text, one attribute per line.
pub fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// `#[deprecated]` with note and since.
pub fn deprecated(d: Option<&Deprecated>) -> TokenStream {
    match d {
        None => TokenStream::new(),
        Some(Deprecated { message: None, since: None }) => quote! { #[deprecated] },
        Some(Deprecated { message, since }) => {
            // Smithy's `since` is free text (often a date); rustc's must be semver, so it goes in the note.
            let note = match (message, since) {
                (Some(message), Some(since)) => format!("{message} (deprecated since {since})"),
                (Some(message), None) => message.clone(),
                (None, Some(since)) => format!("deprecated since {since}"),
                (None, None) => String::new(),
            };
            quote! { #[deprecated(note = #note)] }
        }
    }
}

/// The absolute path of a generated type by its home.
pub fn home_path(home: &TypeHome, rust_name: &str) -> TokenStream {
    let name = format_ident!("{}", rust_name);
    match home {
        TypeHome::Types => quote! { crate::types::#name },
        TypeHome::Errors => quote! { crate::types::error::#name },
        TypeHome::Operation(module) => {
            let module = ident(module);
            quote! { crate::operation::#module::#name }
        }
    }
}

/// The path of a structure, union or enum by shape id.
pub fn shape_path(svc: &Service, id: &str) -> TokenStream {
    if let Some(s) = svc.structures.get(id) {
        return home_path(&s.home, &s.rust_name);
    }
    if let Some(e) = svc.enums.get(id) {
        return home_path(&TypeHome::Types, &e.rust_name);
    }
    if let Some(u) = svc.unions.get(id) {
        return home_path(&TypeHome::Types, &u.rust_name);
    }
    // Lowering defines every reachable shape; this is a generator bug if hit.
    let msg = format!("shape {id} was not lowered");
    quote! { compile_error!(#msg) }
}

/// The Rust type of an IR type (without `Option`/`Box`).
pub fn rust_type(svc: &Service, ty: &Type) -> TokenStream {
    match ty {
        Type::Blob { streaming: false } => quote! { ::aws_smithy_types::Blob },
        Type::Blob { streaming: true } => quote! { ::aws_smithy_types::byte_stream::ByteStream },
        Type::Boolean => quote! { bool },
        Type::String => quote! { ::std::string::String },
        Type::Byte => quote! { i8 },
        Type::Short => quote! { i16 },
        Type::Integer => quote! { i32 },
        Type::Long => quote! { i64 },
        Type::Float => quote! { f32 },
        Type::Double => quote! { f64 },
        Type::BigInteger => quote! { ::aws_smithy_types::BigInteger },
        Type::BigDecimal => quote! { ::aws_smithy_types::BigDecimal },
        Type::Timestamp => quote! { ::aws_smithy_types::DateTime },
        Type::Document => quote! { ::aws_smithy_types::Document },
        Type::List(c) => {
            let item = item_type(svc, c);
            quote! { ::std::vec::Vec<#item> }
        }
        Type::Map(c) => {
            let item = item_type(svc, c);
            quote! { ::std::collections::HashMap<::std::string::String, #item> }
        }
        Type::Enum(id) | Type::IntEnum(id) | Type::Structure(id) | Type::Union(id) => shape_path(svc, id),
        Type::Unit => quote! { () },
        Type::EventStream { union, direction } => super::event_stream::member_type(svc, union, *direction, shape_path(svc, union)),
    }
}

fn item_type(svc: &Service, c: &crate::ir::Collection) -> TokenStream {
    let item = rust_type(svc, &c.item);
    if c.sparse {
        quote! { ::std::option::Option<#item> }
    } else {
        item
    }
}

/// The type of a member's field: `Option<T>`, `Option<Box<T>>` or `T` with a default.
pub fn field_type(svc: &Service, m: &Member) -> TokenStream {
    let inner = member_inner_type(svc, m);
    if m.is_optional() {
        quote! { ::std::option::Option<#inner> }
    } else {
        inner
    }
}

/// The member's value type, boxed when it closes a cycle.
pub fn member_inner_type(svc: &Service, m: &Member) -> TokenStream {
    let t = rust_type(svc, &m.ty);
    if m.boxed {
        quote! { ::std::boxed::Box<#t> }
    } else {
        t
    }
}

/// The Rust expression for a member's `@default` value (a stream member's empty value is
/// `event_stream::client::empty_stream`).
pub fn default_value(svc: &Service, m: &Member) -> TokenStream {
    let v = m.default.as_ref().cloned().unwrap_or(serde_json::Value::Null);
    let expr = match (&m.ty, &v) {
        (Type::Boolean, serde_json::Value::Bool(b)) => quote! { #b },
        (Type::String, serde_json::Value::String(s)) => quote! { ::std::string::String::from(#s) },
        (Type::Byte | Type::Short | Type::Integer | Type::Long, serde_json::Value::Number(n)) => {
            let lit: proc_macro2::TokenStream = n.as_i64().unwrap_or(0).to_string().parse().unwrap_or_default();
            quote! { #lit }
        }
        (Type::Float | Type::Double, serde_json::Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(0.0);
            let lit = proc_macro2::Literal::f64_unsuffixed(f);
            quote! { #lit as _ }
        }
        (Type::Enum(_), serde_json::Value::String(s)) => {
            let p = rust_type(svc, &m.ty);
            quote! { <#p>::from(#s) }
        }
        (Type::IntEnum(_), serde_json::Value::Number(n)) => {
            let p = rust_type(svc, &m.ty);
            let i = n.as_i64().unwrap_or(0) as i32;
            quote! { <#p>::from(#i) }
        }
        (Type::Blob { streaming: false }, serde_json::Value::String(s)) => {
            quote! { ::aws_smithy_types::Blob::new(::aws_smithy_types::base64::decode(#s).unwrap_or_default()) }
        }
        (Type::Blob { streaming: true }, _) => quote! { ::aws_smithy_types::byte_stream::ByteStream::new(::aws_smithy_types::body::SdkBody::empty()) },
        (Type::Timestamp, serde_json::Value::Number(n)) => {
            let secs = n.as_f64().unwrap_or(0.0);
            let lit = proc_macro2::Literal::f64_unsuffixed(secs);
            quote! { ::aws_smithy_types::DateTime::from_secs_f64(#lit) }
        }
        (Type::Timestamp, serde_json::Value::String(s)) => {
            quote! { ::aws_smithy_types::DateTime::from_str(#s, ::aws_smithy_types::date_time::Format::DateTime).unwrap_or(::aws_smithy_types::DateTime::from_secs(0)) }
        }
        (Type::Document, v) => {
            let text = v.to_string();
            quote! { ::smithygen_runtime::protocol::json::document(&::smithygen_runtime::protocol::json::parse(#text.as_bytes()).unwrap_or(::smithygen_runtime::protocol::json::Value::Null)) }
        }
        (Type::BigInteger, v) => {
            let text = v.to_string();
            quote! { <::aws_smithy_types::BigInteger as ::std::str::FromStr>::from_str(#text).unwrap_or_default() }
        }
        (Type::BigDecimal, v) => {
            let text = v.to_string();
            quote! { <::aws_smithy_types::BigDecimal as ::std::str::FromStr>::from_str(#text).unwrap_or_default() }
        }
        _ => quote! { ::std::default::Default::default() },
    };
    if m.boxed {
        quote! { ::std::boxed::Box::new(#expr) }
    } else {
        expr
    }
}

/// Whether values of the type are `Copy` (accessors return them by value).
pub fn is_copy(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Boolean | Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Float | Type::Double | Type::Timestamp
    )
}

/// Whether a type can derive `Eq`/`Hash` (no floats or documents inside).
pub fn text_of_type(ty: &Type) -> &'static str {
    match ty {
        Type::Blob { .. } => "blob",
        Type::Boolean => "boolean",
        Type::String => "string",
        Type::Byte => "byte",
        Type::Short => "short",
        Type::Integer => "integer",
        Type::Long => "long",
        Type::Float => "float",
        Type::Double => "double",
        Type::BigInteger => "bigInteger",
        Type::BigDecimal => "bigDecimal",
        Type::Timestamp => "timestamp",
        Type::Document => "document",
        Type::List(_) => "list",
        Type::Map(_) => "map",
        Type::Enum(_) => "enum",
        Type::IntEnum(_) => "intEnum",
        Type::Structure(_) => "structure",
        Type::Union(_) => "union",
        Type::Unit => "unit",
        Type::EventStream { .. } => "event stream",
    }
}

/// The `@generated` header every emitted Rust file starts with.
pub const HEADER: &str = "// @generated by `cargo xtask codegen`; do not edit. Regenerate from the model instead.\n";

/// Parses and pretty-prints a token stream into a Rust source file.
pub fn format_file(path: &str, tokens: TokenStream) -> Result<String, crate::error::Error> {
    let file: syn::File = syn::parse2(tokens.clone()).map_err(|e| {
        crate::error::Error::at(
            path,
            format!("generator produced invalid Rust ({e}); this is a generator bug. Tokens: {}", truncate(&tokens.to_string(), 2000)),
        )
    })?;
    Ok(format!("{HEADER}{}", prettyplease::unparse(&file)))
}

fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        let mut end = n;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}

/// The variant of an error in an operation's (or the service's) error enum: the
/// error's type name, except that `Unhandled` is taken by the variant for
/// unmodeled errors.
pub fn error_variant(s: &crate::ir::Structure) -> Ident {
    ident(&s.error_variant)
}

/// Whether a setter takes `impl Into<T>` rather than `T` itself: only for strings, as in the
/// official SDK crates (so `body(x.into())` and `.role(Role::Admin)` infer the same way).
pub fn setter_takes_into(ty: &Type) -> bool {
    matches!(ty, Type::String)
}

/// A setter argument's type and how the setter turns `input` into the stored value.
pub fn setter_arg(svc: &Service, ty: &Type) -> (TokenStream, TokenStream) {
    let plain = rust_type(svc, ty);
    if setter_takes_into(ty) {
        (quote! { impl ::std::convert::Into<#plain> }, quote! { input.into() })
    } else {
        (plain, quote! { input })
    }
}

/// Whether the structure is an operation's output (it carries the response's request id).
pub fn is_operation_output(svc: &Service, s: &crate::ir::Structure) -> bool {
    svc.operations.iter().any(|o| o.output == s.id)
}

/// What differs between the error enums of operations and of event streams; the rest of the
/// enum (variants, `Unhandled`, metadata, `Display`, `Error`, `RequestId`) is one rendering.
pub struct ErrorEnum {
    /// The enum's name.
    pub name: Ident,
    /// Its doc line.
    pub doc: String,
    /// The doc line of its `Unhandled` variant.
    pub unhandled_doc: &'static str,
    /// What its metadata holds, for the docs of `generic` and `meta`.
    pub meta_what: &'static str,
    /// One variant per modeled error.
    pub variants: Vec<Ident>,
    /// The error type each variant wraps.
    pub paths: Vec<TokenStream>,
    /// The `is_*` check of each variant.
    pub checks: Vec<Ident>,
    /// Each variant's docs.
    pub variant_docs: Vec<TokenStream>,
    /// The body of `ProvideErrorKind::retryable_error_kind`.
    pub retryable: TokenStream,
}

/// An error enum: one variant per modeled error plus `Unhandled`.
///
/// `Unhandled` wraps the runtime's type by its own path, not by its re-export
/// `crate::error::Unhandled`: the error enums (in `operation::<op>` and `types::error`) then name
/// nothing of `crate::error`, whose `Error` names them all (no module cycle).
pub fn error_enum(e: &ErrorEnum) -> TokenStream {
    let ErrorEnum { name, doc, unhandled_doc, variants, paths, checks, variant_docs, retryable, .. } = e;
    let generic_doc = format!(" An unmodeled error made from its metadata ({}).", e.meta_what.replace(" and ", ", "));
    let meta_doc = format!(" Error metadata: {}.", e.meta_what);
    let check_docs: Vec<String> = variants.iter().map(|v| format!(" Whether this is `{name}::{v}`.")).collect();
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(::std::fmt::Debug)]
        pub enum #name {
            #( #variant_docs #variants(#paths), )*
            #[doc = #unhandled_doc]
            Unhandled(::smithygen_runtime::error::Unhandled),
        }
        impl #name {
            /// Wraps an error that is not modeled.
            pub fn unhandled(err: impl ::std::convert::Into<::aws_smithy_runtime_api::box_error::BoxError>) -> Self {
                Self::Unhandled(::smithygen_runtime::error::Unhandled::new(err.into(), ::std::default::Default::default()))
            }
            #[doc = #generic_doc]
            pub fn generic(meta: ::aws_smithy_types::error::ErrorMetadata) -> Self {
                Self::Unhandled(::smithygen_runtime::error::Unhandled::from_meta(meta))
            }
            #[doc = #meta_doc]
            pub fn meta(&self) -> &::aws_smithy_types::error::ErrorMetadata {
                use ::aws_smithy_types::error::metadata::ProvideErrorMetadata;
                match self {
                    #( Self::#variants(e) => e.meta(), )*
                    Self::Unhandled(e) => e.meta(),
                }
            }
            #(
                #[doc = #check_docs]
                pub fn #checks(&self) -> bool {
                    matches!(self, Self::#variants(_))
                }
            )*
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Self::#variants(e) => ::std::fmt::Display::fmt(e, f), )*
                    Self::Unhandled(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }
        impl ::std::error::Error for #name {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #( Self::#variants(e) => ::std::option::Option::Some(e), )*
                    Self::Unhandled(e) => ::std::error::Error::source(e),
                }
            }
        }
        impl ::aws_smithy_types::error::metadata::ProvideErrorMetadata for #name {
            fn meta(&self) -> &::aws_smithy_types::error::ErrorMetadata {
                #name::meta(self)
            }
        }
        impl ::aws_smithy_types::retry::ProvideErrorKind for #name {
            fn retryable_error_kind(&self) -> ::std::option::Option<::aws_smithy_types::retry::ErrorKind> {
                #retryable
            }
            fn code(&self) -> ::std::option::Option<&str> {
                self.meta().code()
            }
        }
        impl ::aws_smithy_runtime_api::client::result::CreateUnhandledError for #name {
            fn create_unhandled_error(
                source: ::std::boxed::Box<dyn ::std::error::Error + ::std::marker::Send + ::std::marker::Sync + 'static>,
                meta: ::std::option::Option<::aws_smithy_types::error::ErrorMetadata>,
            ) -> Self {
                Self::Unhandled(::smithygen_runtime::error::Unhandled::new(source, meta.unwrap_or_default()))
            }
        }
        impl ::aws_types::request_id::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> {
                ::aws_types::request_id::RequestId::request_id(self.meta())
            }
        }
    }
}

/// Where a structure's builder lives (`types::builders`, `types::error::builders`, op module).
pub fn builder_path(s: &Structure) -> TokenStream {
    let b = ident(&s.builder);
    match &s.home {
        crate::ir::TypeHome::Types => quote! { crate::types::builders::#b },
        crate::ir::TypeHome::Errors => quote! { crate::types::error::builders::#b },
        crate::ir::TypeHome::Operation(m) => {
            let m = ident(m);
            quote! { crate::operation::#m::builders::#b }
        }
    }
}
