//! CBOR body codec (rpcv2Cbor): one serializer and one deserializer per structure and union,
//! built on `smithygen_runtime::protocol::rpcv2_cbor::Value`, which the runtime reads and
//! writes with `aws-smithy-cbor`. The same shape as `json_codec`, with CBOR's rules: member
//! names as keys, blobs as byte strings, timestamps as tag 1 whatever `@timestampFormat` says,
//! floats (NaN and the infinities too) as CBOR floats. Documents never get here: the protocol
//! refuses models with them.

use super::common::*;
use super::json_codec::{de_fn, ser_fn};
use crate::ir::{Collection, Member, Service, Structure, Type, TypeHome, Union};
use proc_macro2::TokenStream;
use quote::quote;

fn rt() -> TokenStream {
    quote! { ::smithygen_runtime::protocol::rpcv2_cbor }
}

fn wire_error() -> TokenStream {
    quote! { ::smithygen_runtime::protocol::WireError }
}

/// An expression of type `rpcv2_cbor::Value` for `v` (an expression of type `&T`), using `?`
/// for fallible parts (the caller returns `Result<_, WireError>`).
pub fn ser_value(svc: &Service, ty: &Type, v: TokenStream) -> TokenStream {
    let rt = rt();
    let we = wire_error();
    match ty {
        Type::Blob { .. } => quote! { #rt::Value::Bytes(::std::vec::Vec::from(#v.as_ref())) },
        Type::Boolean => quote! { #rt::Value::Bool(*#v) },
        Type::String | Type::Enum(_) => quote! { #rt::Value::Text(::std::string::String::from(#v.as_str())) },
        Type::Byte | Type::Short | Type::Integer | Type::Long => quote! { #rt::Value::Integer(i64::from(*#v)) },
        Type::Float => quote! { #rt::Value::Float(*#v) },
        Type::Double => quote! { #rt::Value::Double(*#v) },
        Type::BigInteger => quote! { #rt::Value::BigInteger(::std::clone::Clone::clone(#v)) },
        Type::BigDecimal => quote! { #rt::Value::BigDecimal(::std::clone::Clone::clone(#v)) },
        Type::Timestamp => quote! { #rt::Value::Timestamp(*#v) },
        Type::IntEnum(_) => quote! { #rt::Value::Integer(i64::from(#v.value())) },
        Type::List(c) => {
            let item = ser_item(svc, c, quote! { item });
            quote! {
                #rt::Value::Array(
                    #v.iter()
                        .map(|item| -> ::std::result::Result<#rt::Value, #we> { ::std::result::Result::Ok(#item) })
                        .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?,
                )
            }
        }
        Type::Map(c) => {
            let item = ser_item(svc, c, quote! { item });
            quote! {
                #rt::Value::Map({
                    // Sorted keys: the same map always serializes the same way.
                    let mut entries: ::std::vec::Vec<_> = #v.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    entries
                        .into_iter()
                        .map(|(key, item)| -> ::std::result::Result<(::std::string::String, #rt::Value), #we> {
                            ::std::result::Result::Ok((::std::string::String::from(key.as_str()), #item))
                        })
                        .collect::<::std::result::Result<#rt::Map, _>>()?
                })
            }
        }
        Type::Structure(id) | Type::Union(id) => {
            let f = ser_fn(svc, id);
            quote! { crate::protocol::shapes::#f(#v)? }
        }
        Type::Unit => quote! { #rt::Value::Map(#rt::Map::new()) },
        Type::Document => quote! { compile_error!("rpcv2Cbor has no document type") },
        Type::EventStream { .. } => quote! { compile_error!("an event stream is never inside a CBOR body") },
    }
}

fn ser_item(svc: &Service, c: &Collection, v: TokenStream) -> TokenStream {
    let rt = rt();
    let inner = ser_value(svc, &c.item, quote! { value });
    if c.sparse {
        quote! { match #v { ::std::option::Option::Some(value) => #inner, ::std::option::Option::None => #rt::Value::Null } }
    } else {
        quote! { { let value = #v; #inner } }
    }
}

/// An expression of type `Result<T, WireError>` reading `v` (a `&rpcv2_cbor::Value`); `side`
/// (a `json::Side`) is in scope.
pub fn de_value(svc: &Service, ty: &Type, v: TokenStream) -> TokenStream {
    let rt = rt();
    let we = wire_error();
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
        Type::BigInteger => quote! { #rt::big_integer(#v) },
        Type::BigDecimal => quote! { #rt::big_decimal(#v) },
        Type::Timestamp => quote! { #rt::timestamp(#v) },
        Type::Enum(_) => {
            let t = rust_type(svc, ty);
            quote! { #rt::string(#v).map(|s| <#t>::from(s.as_str())) }
        }
        Type::IntEnum(_) => {
            let t = rust_type(svc, ty);
            quote! { #rt::integer::<i32>(#v).map(<#t>::from) }
        }
        Type::List(c) => {
            let item = de_value(svc, &c.item, quote! { item });
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
            let item = de_value(svc, &c.item, quote! { item });
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
                    entries.iter() #body .collect::<::std::result::Result<::std::collections::HashMap<_, _>, #we>>()
                })
            }
        }
        Type::Structure(id) | Type::Union(id) => {
            let f = de_fn(svc, id);
            quote! { crate::protocol::shapes::#f(#v, side) }
        }
        Type::Unit => quote! { ::std::result::Result::<(), #we>::Ok(()) },
        Type::Document => quote! { compile_error!("rpcv2Cbor has no document type") },
        Type::EventStream { .. } => quote! { compile_error!("an event stream is never inside a CBOR body") },
    }
}

/// Statements writing the set members of `input` (an expression of the struct type, by
/// reference) into `object: rpcv2_cbor::Map`.
pub fn ser_members(svc: &Service, members: &[&Member], input: TokenStream) -> TokenStream {
    let writes = members.iter().map(|m| {
        let f = ident(&m.field);
        let key = &m.name;
        let value = ser_value(svc, &m.ty, quote! { value });
        if m.is_optional() {
            quote! {
                if let ::std::option::Option::Some(value) = &#input.#f {
                    object.push((::std::string::String::from(#key), #value));
                }
            }
        } else {
            quote! {
                {
                    let value = &#input.#f;
                    object.push((::std::string::String::from(#key), #value));
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
        let key = &m.name;
        let read = de_value(svc, &m.ty, quote! { value });
        let read = if m.boxed { quote! { #read.map(::std::boxed::Box::new) } } else { read };
        quote! {
            #key => {
                builder = builder.#set(::std::option::Option::Some(#read.map_err(|e| e.within(#key))?));
            }
        }
    });
    quote! { #(#arms)* }
}

/// Statements reading the CBOR map in `body` (a `&[u8]`) into `builder` for the given members.
pub fn read_body_members(svc: &Service, members: &[&Member], body: TokenStream) -> TokenStream {
    let arms = de_member_arms(svc, members);
    let rt = rt();
    let we = wire_error();
    quote! {
        builder = #rt::read_object(#body, builder, |mut builder, key, value| -> ::std::result::Result<_, #we> {
            match key {
                #arms
                _ => {}
            }
            ::std::result::Result::Ok(builder)
        })?;
    }
}

/// `ser_x` / `de_x` for a structure that appears inside CBOR bodies.
pub fn structure_codec(svc: &Service, s: &Structure) -> TokenStream {
    let rt = rt();
    let we = wire_error();
    let path = home_path(&s.home, &s.rust_name);
    let ser = ser_fn(svc, &s.id);
    let de = de_fn(svc, &s.id);
    let members: Vec<&Member> = s.members.iter().collect();
    let writes = ser_members(svc, &members, quote! { input });
    let arms = de_member_arms(svc, &members);
    let builder = builder_path(s);
    let build = if s.error.is_some() { quote! { builder } } else { quote! { builder.build() } };
    let ret = if s.error.is_some() { builder.clone() } else { path.clone() };
    quote! {
        #[allow(unused_variables, unused_mut, clippy::let_and_return)]
        pub(crate) fn #ser(input: &#path) -> ::std::result::Result<#rt::Value, #we> {
            let mut object = #rt::Map::new();
            #writes
            ::std::result::Result::Ok(#rt::Value::Map(object))
        }
        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        pub(crate) fn #de(value: &#rt::Value, side: ::smithygen_runtime::protocol::json::Side) -> ::std::result::Result<#ret, #we> {
            let mut builder = #builder::default();
            for (key, value) in #rt::object(value)? {
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

/// `ser_x` / `de_x` for a union (a map with exactly one member set).
pub fn union_codec(svc: &Service, u: &Union) -> TokenStream {
    let rt = rt();
    let we = wire_error();
    let path = home_path(&TypeHome::Types, &u.rust_name);
    let ser = ser_fn(svc, &u.id);
    let de = de_fn(svc, &u.id);
    let ser_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let key = &m.name;
        if m.ty == Type::Unit {
            quote! { #path::#v => { object.push((::std::string::String::from(#key), #rt::Value::Map(#rt::Map::new()))); } }
        } else {
            let value = ser_value(svc, &m.ty, quote! { value });
            quote! { #path::#v(value) => { object.push((::std::string::String::from(#key), #value)); } }
        }
    });
    let de_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let key = &m.name;
        if m.ty == Type::Unit {
            quote! { #key => #path::#v, }
        } else {
            let read = de_value(svc, &m.ty, quote! { value });
            let read = if m.boxed { quote! { #read.map(::std::boxed::Box::new) } } else { read };
            quote! { #key => #path::#v(#read.map_err(|e| e.within(#key))?), }
        }
    });
    let name = &u.rust_name;
    quote! {
        pub(crate) fn #ser(input: &#path) -> ::std::result::Result<#rt::Value, #we> {
            let mut object = #rt::Map::new();
            match input {
                #(#ser_arms)*
                #path::Unknown => {
                    return ::std::result::Result::Err(#we::new(
                        #name,
                        "cannot serialize the Unknown variant; it only stands for members of newer models",
                    ))
                }
            }
            ::std::result::Result::Ok(#rt::Value::Map(object))
        }
        // A union of unit members only never reads the member's value.
        #[allow(unused_variables)]
        pub(crate) fn #de(value: &#rt::Value, side: ::smithygen_runtime::protocol::json::Side) -> ::std::result::Result<#path, #we> {
            let object = #rt::object(value)?;
            let mut set = object.iter().filter(|(key, value)| !value.is_null() && key.as_str() != "__type");
            let ::std::option::Option::Some((key, value)) = set.next() else {
                return ::std::result::Result::Err(#we::new("", "a union needs exactly one member set, found none"));
            };
            if set.next().is_some() {
                return ::std::result::Result::Err(#we::new("", "a union needs exactly one member set, found several"));
            }
            ::std::result::Result::Ok(match key.as_str() {
                #(#de_arms)*
                // Clients keep members of newer models; a server only accepts what it knows.
                _ if side == ::smithygen_runtime::protocol::json::Side::Server => {
                    return ::std::result::Result::Err(#we::new("", ::std::format!("`{key}` is not a member of this union")));
                }
                _ => #path::Unknown,
            })
        }
    }
}
