//! JSON document codec: one serializer and one deserializer per structure and
//! union that appears in a JSON document, built on `serde_json::Value`.
//!
//! Expressions are generated recursively over the IR type, so lists and maps
//! of any depth need no named helper functions.

use super::common::*;
use crate::ir::{Collection, Member, Service, Structure, TimestampFormat, Type, TypeHome, Union};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// `aws_smithy_types::date_time::Format` for a timestamp format.
pub fn format_path(f: TimestampFormat) -> TokenStream {
    match f {
        TimestampFormat::DateTime => quote! { ::aws_smithy_types::date_time::Format::DateTime },
        TimestampFormat::HttpDate => quote! { ::aws_smithy_types::date_time::Format::HttpDate },
        TimestampFormat::EpochSeconds => quote! { ::aws_smithy_types::date_time::Format::EpochSeconds },
    }
}

/// The name of the serializer function of a structure or union (decided in lowering).
pub fn ser_fn(svc: &Service, id: &str) -> Ident {
    match (svc.structures.get(id), svc.unions.get(id)) {
        (Some(s), _) => ident(&s.writer),
        (None, Some(u)) => ident(&u.writer),
        _ => ident("ser_unknown"),
    }
}

/// The name of the deserializer function of a structure or union (decided in lowering).
pub fn de_fn(svc: &Service, id: &str) -> Ident {
    match (svc.structures.get(id), svc.unions.get(id)) {
        (Some(s), _) => ident(&s.reader),
        (None, Some(u)) => ident(&u.reader),
        _ => ident("de_unknown"),
    }
}

/// An expression of type `serde_json::Value` for `v` (an expression of type
/// `&T`), using `?` for fallible parts (the caller returns `Result<_, WireError>`).
pub fn ser_value(svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
    let rt = quote! { ::smithygen_runtime::protocol::json };
    match ty {
        Type::Blob { .. } => quote! { #rt::blob_value(#v) },
        Type::Boolean => quote! { ::serde_json::Value::Bool(*#v) },
        Type::String => quote! { ::serde_json::Value::String(::std::string::String::from(#v.as_str())) },
        Type::Byte | Type::Short | Type::Integer | Type::Long => quote! { ::serde_json::Value::from(*#v) },
        Type::Float => quote! { #rt::float_value(*#v) },
        Type::Double => quote! { #rt::double_value(*#v) },
        Type::BigInteger | Type::BigDecimal => quote! { #rt::big_number_value(::std::convert::AsRef::<str>::as_ref(#v)) },
        Type::Timestamp => {
            let f = format_path(ts.unwrap_or(TimestampFormat::EpochSeconds));
            quote! { #rt::timestamp_value(#v, #f)? }
        }
        Type::Document => quote! { #rt::document_value(#v) },
        Type::Enum(_) => quote! { ::serde_json::Value::String(::std::string::String::from(#v.as_str())) },
        Type::IntEnum(_) => quote! { ::serde_json::Value::from(#v.value()) },
        Type::List(c) => {
            let item = ser_item(svc, c, quote! { item });
            quote! {
                ::serde_json::Value::Array(
                    #v.iter()
                        .map(|item| -> ::std::result::Result<::serde_json::Value, ::smithygen_runtime::protocol::WireError> {
                            ::std::result::Result::Ok(#item)
                        })
                        .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?,
                )
            }
        }
        Type::Map(c) => {
            let item = ser_item(svc, c, quote! { item });
            quote! {
                ::serde_json::Value::Object({
                    // Sorted keys: the same map always serializes the same way.
                    let mut entries: ::std::vec::Vec<_> = #v.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    entries
                        .into_iter()
                        .map(|(key, item)| -> ::std::result::Result<(::std::string::String, ::serde_json::Value), ::smithygen_runtime::protocol::WireError> {
                            ::std::result::Result::Ok((key.clone(), #item))
                        })
                        .collect::<::std::result::Result<::serde_json::Map<_, _>, _>>()?
                })
            }
        }
        Type::Structure(id) | Type::Union(id) => {
            let f = ser_fn(svc, id);
            quote! { crate::protocol::shapes::#f(#v)? }
        }
        Type::Unit => quote! { ::serde_json::Value::Object(::serde_json::Map::new()) },
        Type::EventStream { .. } => quote! { compile_error!("an event stream is never inside a JSON document") },
    }
}

fn ser_item(svc: &Service, c: &Collection, v: TokenStream) -> TokenStream {
    let inner = ser_value(svc, &c.item, quote! { value }, c.item_timestamp_format);
    if c.sparse {
        quote! { match #v { ::std::option::Option::Some(value) => #inner, ::std::option::Option::None => ::serde_json::Value::Null } }
    } else {
        quote! { { let value = #v; #inner } }
    }
}

/// An expression of type `Result<T, WireError>` reading `v` (a `&serde_json::Value`).
pub fn de_value(svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
    let rt = quote! { ::smithygen_runtime::protocol::json };
    match ty {
        Type::Blob { .. } => quote! { #rt::blob(#v) },
        Type::Boolean => quote! { #rt::boolean(#v) },
        Type::String => quote! { #rt::string(#v) },
        Type::Byte => quote! { #rt::integer::<i8>(#v) },
        Type::Short => quote! { #rt::integer::<i16>(#v) },
        Type::Integer => quote! { #rt::integer::<i32>(#v) },
        Type::Long => quote! { #rt::integer::<i64>(#v) },
        Type::Float => quote! { #rt::float(#v) },
        Type::Double => quote! { #rt::double(#v) },
        Type::BigInteger | Type::BigDecimal => {
            let t = rust_type(svc, ty);
            quote! {
                #rt::big_number(#v).and_then(|text| {
                    <#t as ::std::str::FromStr>::from_str(&text)
                        .map_err(|_| ::smithygen_runtime::protocol::WireError::new("", "is not a valid number"))
                })
            }
        }
        Type::Timestamp => {
            let f = format_path(ts.unwrap_or(TimestampFormat::EpochSeconds));
            quote! { #rt::timestamp(#v, #f, side) }
        }
        Type::Document => quote! { ::std::result::Result::<_, ::smithygen_runtime::protocol::WireError>::Ok(#rt::document(#v)) },
        Type::Enum(_) => {
            let t = rust_type(svc, ty);
            quote! { #rt::string(#v).map(|s| <#t>::from(s.as_str())) }
        }
        Type::IntEnum(_) => {
            let t = rust_type(svc, ty);
            quote! { #rt::integer::<i32>(#v).map(<#t>::from) }
        }
        Type::List(c) => {
            let item = de_value(svc, &c.item, quote! { item }, c.item_timestamp_format);
            let body = if c.sparse {
                quote! {
                    .map(|(index, item)| {
                        if item.is_null() {
                            ::std::result::Result::Ok(::std::option::Option::None)
                        } else {
                            #item.map(::std::option::Option::Some).map_err(|e| e.at_index(index))
                        }
                    })
                }
            } else {
                // Clients skip nulls in dense lists; on a server the null fails to read.
                quote! {
                    .filter(|(_, item)| !(item.is_null() && side.skips_nulls()))
                    .map(|(index, item)| #item.map_err(|e| e.at_index(index)))
                }
            };
            quote! {
                #rt::array(#v).and_then(|items| {
                    items.iter().enumerate() #body .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()
                })
            }
        }
        Type::Map(c) => {
            let item = de_value(svc, &c.item, quote! { item }, c.item_timestamp_format);
            let body = if c.sparse {
                quote! {
                    .map(|(key, item)| {
                        let value = if item.is_null() {
                            ::std::option::Option::None
                        } else {
                            ::std::option::Option::Some(#item.map_err(|e| e.at_key(key))?)
                        };
                        ::std::result::Result::Ok((key.clone(), value))
                    })
                }
            } else {
                quote! {
                    .filter(|(_, item)| !(item.is_null() && side.skips_nulls()))
                    .map(|(key, item)| ::std::result::Result::Ok((key.clone(), #item.map_err(|e| e.at_key(key))?)))
                }
            };
            quote! {
                #rt::object(#v).and_then(|entries| {
                    entries.iter() #body .collect::<::std::result::Result<::std::collections::HashMap<_, _>, ::smithygen_runtime::protocol::WireError>>()
                })
            }
        }
        Type::Structure(id) | Type::Union(id) => {
            let f = de_fn(svc, id);
            quote! { crate::protocol::shapes::#f(#v, side) }
        }
        Type::Unit => quote! { ::std::result::Result::<(), ::smithygen_runtime::protocol::WireError>::Ok(()) },
        Type::EventStream { .. } => quote! { compile_error!("an event stream is never inside a JSON document") },
    }
}

/// Statements writing the set members of `input` (an expression of the struct
/// type, by reference) into `object: serde_json::Map`.
pub fn ser_members(svc: &Service, members: &[&Member], input: TokenStream) -> TokenStream {
    let writes = members.iter().map(|m| {
        let f = ident(&m.field);
        let key = &m.json_name;
        let value = ser_value(svc, &m.ty, quote! { value }, m.timestamp_format);
        if m.is_optional() {
            quote! {
                if let ::std::option::Option::Some(value) = &#input.#f {
                    object.insert(::std::string::String::from(#key), #value);
                }
            }
        } else {
            quote! {
                {
                    let value = &#input.#f;
                    object.insert(::std::string::String::from(#key), #value);
                }
            }
        }
    });
    quote! { #(#writes)* }
}

/// Match arms reading body members from `(key, value)` into `builder`.
pub fn de_member_arms(svc: &Service, members: &[&Member]) -> TokenStream {
    let arms = members.iter().map(|m| {
        let set = ident(&m.setter);
        let key = &m.json_name;
        let read = de_value(svc, &m.ty, quote! { value }, m.timestamp_format);
        let read = if m.boxed { quote! { #read.map(::std::boxed::Box::new) } } else { read };
        quote! {
            #key => {
                builder = builder.#set(::std::option::Option::Some(#read.map_err(|e| e.within(#key))?));
            }
        }
    });
    quote! { #(#arms)* }
}

/// Statements reading the JSON document in `body` (a `&[u8]`) into `builder`
/// for the given body-bound members: shared by the client's response reader
/// and the server's request reader, which differ only in `side`.
pub fn read_body_members(svc: &Service, members: &[&Member], body: TokenStream) -> TokenStream {
    let arms = de_member_arms(svc, members);
    quote! {
        builder = ::smithygen_runtime::protocol::json::read_object(#body, builder, |mut builder, key, value| -> ::std::result::Result<_, ::smithygen_runtime::protocol::WireError> {
            match key {
                #arms
                _ => {}
            }
            ::std::result::Result::Ok(builder)
        })?;
    }
}

/// `ser_x` / `de_x` for a structure that appears inside JSON documents.
pub fn structure_codec(svc: &Service, s: &Structure) -> TokenStream {
    let path = home_path(&s.home, &s.rust_name);
    let ser = ser_fn(svc, &s.id);
    let de = de_fn(svc, &s.id);
    let members: Vec<&Member> = s.members.iter().collect();
    let writes = ser_members(svc, &members, quote! { input });
    let arms = de_member_arms(svc, &members);
    let builder = builder_path(s);
    let build = if s.error.is_some() {
        quote! { builder }
    } else {
        quote! { builder.build() }
    };
    let ret = if s.error.is_some() { builder.clone() } else { path.clone() };
    quote! {
        #[allow(unused_variables, unused_mut, clippy::let_and_return)]
        pub(crate) fn #ser(input: &#path) -> ::std::result::Result<::serde_json::Value, ::smithygen_runtime::protocol::WireError> {
            let mut object = ::serde_json::Map::new();
            #writes
            ::std::result::Result::Ok(::serde_json::Value::Object(object))
        }
        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        pub(crate) fn #de(value: &::serde_json::Value, side: ::smithygen_runtime::protocol::json::Side) -> ::std::result::Result<#ret, ::smithygen_runtime::protocol::WireError> {
            let mut builder = #builder::default();
            for (key, value) in ::smithygen_runtime::protocol::json::object(value)? {
                if value.is_null() {
                    continue;
                }
                match key.as_str() {
                    #arms
                    _ => {}
                }
            }
            ::std::result::Result::Ok(#build)
        }
    }
}

/// `ser_x` / `de_x` for a union (a JSON object with exactly one member set).
pub fn union_codec(svc: &Service, u: &Union) -> TokenStream {
    let path = home_path(&TypeHome::Types, &u.rust_name);
    let ser = ser_fn(svc, &u.id);
    let de = de_fn(svc, &u.id);
    let ser_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let key = &m.json_name;
        if m.ty == Type::Unit {
            quote! { #path::#v => { object.insert(::std::string::String::from(#key), ::serde_json::Value::Object(::serde_json::Map::new())); } }
        } else {
            let value = ser_value(svc, &m.ty, quote! { value }, m.timestamp_format);
            quote! { #path::#v(value) => { object.insert(::std::string::String::from(#key), #value); } }
        }
    });
    let de_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let key = &m.json_name;
        if m.ty == Type::Unit {
            quote! { #key => #path::#v, }
        } else {
            let read = de_value(svc, &m.ty, quote! { value }, m.timestamp_format);
            let read = if m.boxed { quote! { #read.map(::std::boxed::Box::new) } } else { read };
            quote! { #key => #path::#v(#read.map_err(|e| e.within(#key))?), }
        }
    });
    let name = &u.rust_name;
    quote! {
        pub(crate) fn #ser(input: &#path) -> ::std::result::Result<::serde_json::Value, ::smithygen_runtime::protocol::WireError> {
            let mut object = ::serde_json::Map::new();
            match input {
                #(#ser_arms)*
                #path::Unknown => {
                    return ::std::result::Result::Err(::smithygen_runtime::protocol::WireError::new(
                        #name,
                        "cannot serialize the Unknown variant; it only stands for members of newer models",
                    ))
                }
            }
            ::std::result::Result::Ok(::serde_json::Value::Object(object))
        }
        // A union of unit members only never reads the member's value.
        #[allow(unused_variables)]
        pub(crate) fn #de(value: &::serde_json::Value, side: ::smithygen_runtime::protocol::json::Side) -> ::std::result::Result<#path, ::smithygen_runtime::protocol::WireError> {
            let object = ::smithygen_runtime::protocol::json::object(value)?;
            let mut set = object.iter().filter(|(key, value)| !value.is_null() && key.as_str() != "__type");
            let ::std::option::Option::Some((key, value)) = set.next() else {
                return ::std::result::Result::Err(::smithygen_runtime::protocol::WireError::new("", "a union needs exactly one member set, found none"));
            };
            if set.next().is_some() {
                return ::std::result::Result::Err(::smithygen_runtime::protocol::WireError::new("", "a union needs exactly one member set, found several"));
            }
            ::std::result::Result::Ok(match key.as_str() {
                #(#de_arms)*
                // Clients keep members of newer models; a server only accepts what it knows.
                _ if side == ::smithygen_runtime::protocol::json::Side::Server => {
                    return ::std::result::Result::Err(::smithygen_runtime::protocol::WireError::new("", ::std::format!("`{key}` is not a member of this union")));
                }
                _ => #path::Unknown,
            })
        }
    }
}
