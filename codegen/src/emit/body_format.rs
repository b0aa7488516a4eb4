//! The walk over shapes shared by the body codecs (`json_codec`, `cbor_codec`): one serializer
//! and one deserializer per structure and union, and expressions built recursively over the IR
//! type, so lists and maps of any depth need no named helper functions.
//!
//! Lists (sparse or dense), maps, enums, structures and unions are read and written the same way
//! in every format; a [`BodyFormat`] only says how its values are spelled: the runtime module,
//! the value and map types, member keys, and how a scalar (blob, timestamp, document, number...)
//! is read and written.

use super::common::*;
use crate::ir::{Collection, Member, Service, Structure, TimestampFormat, Type, TypeHome, Union};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// How one body format (JSON, CBOR) spells its values in generated code.
pub trait BodyFormat {
    /// The runtime module with the format's readers (`object`, `array`, `string`, ...).
    fn runtime(&self) -> TokenStream;
    /// The type of a value of the format (each format's runtime module has a `Value` and a
    /// `Map`; they differ in the map variant's name alone).
    fn value_type(&self) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Value }
    }
    /// The format's map type, for `collect::<Result<_, _>>`.
    fn map_type(&self) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Map }
    }
    /// An empty map of the format.
    fn new_map(&self) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Map::new() }
    }
    /// A value holding the map `map`.
    fn map_value(&self, map: TokenStream) -> TokenStream;
    /// A value holding the `Vec` of values `items`.
    fn array_value(&self, items: TokenStream) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Value::Array(#items) }
    }
    /// The null value (a missing item of a sparse list or map).
    fn null_value(&self) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Value::Null }
    }
    /// An owned `String` of `key` (a `&String` map key), for a written map entry.
    fn owned_key(&self, key: TokenStream) -> TokenStream;
    /// The key of a member in a body (JSON honours `@jsonName`, CBOR does not).
    fn member_key<'m>(&self, m: &'m Member) -> &'m str;
    /// The statement adding `value` under `key` (a string literal) to the local `object` map.
    fn insert(&self, key: &str, value: TokenStream) -> TokenStream;
    /// What a body is called in errors of impossible shapes ("JSON document").
    fn body_name(&self) -> &'static str;
    /// A value of the format for `v` (a `&T`) of a scalar type (neither list, map, structure,
    /// union nor unit); `ts` is the member's or item's `@timestampFormat`, where one applies.
    fn ser_scalar(&self, svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream;
    /// `Result<T, WireError>` reading `v` of a scalar type whose reader differs between formats
    /// (big numbers, timestamps, documents); the runtime modules read the other scalars with the
    /// same functions (`blob`, `boolean`, `string`, `integer`, `float`, `double`).
    fn de_scalar(&self, svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream;
}

/// What a format renders for a type that is not a scalar: `ser_value` and `de_value` hand only
/// scalars to a format, so this is a bug of the generator, reported where the code is compiled.
pub fn not_scalar(svc: &Service, ty: &Type) -> TokenStream {
    let message = format!("not a scalar type of a body: {}", rust_type(svc, ty));
    quote! { compile_error!(#message) }
}

fn wire_error() -> TokenStream {
    quote! { ::smithygen_runtime::protocol::WireError }
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

/// An expression of the format's value type for `v` (an expression of type `&T`), using `?` for
/// fallible parts (the caller returns `Result<_, WireError>`).
pub fn ser_value(f: &dyn BodyFormat, svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
    let value = f.value_type();
    let we = wire_error();
    match ty {
        Type::List(c) => {
            let item = ser_item(f, svc, c, quote! { item });
            f.array_value(quote! {
                #v.iter()
                    .map(|item| -> ::std::result::Result<#value, #we> { ::std::result::Result::Ok(#item) })
                    .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?,
            })
        }
        Type::Map(c) => {
            let item = ser_item(f, svc, c, quote! { item });
            let key = f.owned_key(quote! { key });
            let map = f.map_type();
            f.map_value(quote! {{
                // Sorted keys: the same map always serializes the same way.
                let mut entries: ::std::vec::Vec<_> = #v.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                entries
                    .into_iter()
                    .map(|(key, item)| -> ::std::result::Result<(::std::string::String, #value), #we> {
                        ::std::result::Result::Ok((#key, #item))
                    })
                    .collect::<::std::result::Result<#map, _>>()?
            }})
        }
        Type::Structure(id) | Type::Union(id) => {
            let ser = ser_fn(svc, id);
            quote! { crate::protocol::shapes::#ser(#v)? }
        }
        Type::Unit => f.map_value(f.new_map()),
        Type::EventStream { .. } => event_stream_error(f),
        _ => f.ser_scalar(svc, ty, v, ts),
    }
}

fn event_stream_error(f: &dyn BodyFormat) -> TokenStream {
    let message = format!("an event stream is never inside a {}", f.body_name());
    quote! { compile_error!(#message) }
}

fn ser_item(f: &dyn BodyFormat, svc: &Service, c: &Collection, v: TokenStream) -> TokenStream {
    let inner = ser_value(f, svc, &c.item, quote! { value }, c.item_timestamp_format);
    if c.sparse {
        let null = f.null_value();
        quote! { match #v { ::std::option::Option::Some(value) => #inner, ::std::option::Option::None => #null } }
    } else {
        quote! { { let value = #v; #inner } }
    }
}

/// An expression of type `Result<T, WireError>` reading `v` (a reference to the format's value);
/// `side` (a `json::Side`) is in scope.
pub fn de_value(f: &dyn BodyFormat, svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
    let rt = f.runtime();
    let we = wire_error();
    match ty {
        // Every format's runtime module reads these with the same names.
        Type::Blob { .. } => quote! { #rt::blob(#v) },
        Type::Boolean => quote! { #rt::boolean(#v) },
        Type::String => quote! { #rt::string(#v) },
        Type::Byte => quote! { #rt::integer::<i8>(#v) },
        Type::Short => quote! { #rt::integer::<i16>(#v) },
        Type::Integer => quote! { #rt::integer::<i32>(#v) },
        Type::Long => quote! { #rt::integer::<i64>(#v) },
        Type::Float => quote! { #rt::float(#v) },
        Type::Double => quote! { #rt::double(#v) },
        Type::Enum(_) => {
            let t = rust_type(svc, ty);
            quote! { #rt::string(#v).map(|s| <#t>::from(s.as_str())) }
        }
        Type::IntEnum(_) => {
            let t = rust_type(svc, ty);
            quote! { #rt::integer::<i32>(#v).map(<#t>::from) }
        }
        Type::List(c) => {
            let item = de_value(f, svc, &c.item, quote! { item }, c.item_timestamp_format);
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
            let item = de_value(f, svc, &c.item, quote! { item }, c.item_timestamp_format);
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
            let de = de_fn(svc, id);
            quote! { crate::protocol::shapes::#de(#v, side) }
        }
        Type::Unit => quote! { ::std::result::Result::<(), #we>::Ok(()) },
        Type::EventStream { .. } => event_stream_error(f),
        _ => f.de_scalar(svc, ty, v, ts),
    }
}

/// Statements writing the set members of `input` (an expression of the struct type, by
/// reference) into the local map `object`.
pub fn ser_members(f: &dyn BodyFormat, svc: &Service, members: &[&Member], input: TokenStream) -> TokenStream {
    let writes = members.iter().map(|m| {
        let field = ident(&m.field);
        let value = ser_value(f, svc, &m.ty, quote! { value }, m.timestamp_format);
        let insert = f.insert(f.member_key(m), value);
        if m.is_optional() {
            quote! {
                if let ::std::option::Option::Some(value) = &#input.#field {
                    #insert
                }
            }
        } else {
            quote! {
                {
                    let value = &#input.#field;
                    #insert
                }
            }
        }
    });
    quote! { #(#writes)* }
}

/// Match arms reading body members from `(key, value)` into `builder`.
fn de_member_arms(f: &dyn BodyFormat, svc: &Service, members: &[&Member]) -> TokenStream {
    let arms = members.iter().map(|m| {
        let set = ident(&m.setter);
        let key = f.member_key(m);
        let read = de_value(f, svc, &m.ty, quote! { value }, m.timestamp_format);
        let read = if m.boxed { quote! { #read.map(::std::boxed::Box::new) } } else { read };
        quote! {
            #key => {
                builder = builder.#set(::std::option::Option::Some(#read.map_err(|e| e.within(#key))?));
            }
        }
    });
    quote! { #(#arms)* }
}

/// Statements reading the body map in `body` (a `&[u8]`) into `builder` for the given
/// body-bound members: shared by the client's response reader and the server's request reader,
/// which differ only in `side`.
pub fn read_body_members(f: &dyn BodyFormat, svc: &Service, members: &[&Member], body: TokenStream) -> TokenStream {
    let arms = de_member_arms(f, svc, members);
    let rt = f.runtime();
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

/// `ser_x` / `de_x` for a structure that appears inside bodies.
pub fn structure_codec(f: &dyn BodyFormat, svc: &Service, s: &Structure) -> TokenStream {
    let rt = f.runtime();
    let we = wire_error();
    let value = f.value_type();
    let new_map = f.new_map();
    let object = f.map_value(quote! { object });
    let path = home_path(&s.home, &s.rust_name);
    let ser = ser_fn(svc, &s.id);
    let de = de_fn(svc, &s.id);
    let members: Vec<&Member> = s.members.iter().collect();
    let writes = ser_members(f, svc, &members, quote! { input });
    let arms = de_member_arms(f, svc, &members);
    let builder = builder_path(s);
    let build = if s.error.is_some() {
        quote! { builder }
    } else {
        quote! { builder.build() }
    };
    let ret = if s.error.is_some() {
        builder.clone()
    } else {
        path.clone()
    };
    quote! {
        #[allow(unused_variables, unused_mut, clippy::let_and_return)]
        pub(crate) fn #ser(input: &#path) -> ::std::result::Result<#value, #we> {
            let mut object = #new_map;
            #writes
            ::std::result::Result::Ok(#object)
        }
        #[allow(unused_mut, unused_variables, clippy::match_single_binding)]
        pub(crate) fn #de(value: &#value, side: ::smithygen_runtime::protocol::json::Side) -> ::std::result::Result<#ret, #we> {
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
pub fn union_codec(f: &dyn BodyFormat, svc: &Service, u: &Union) -> TokenStream {
    let rt = f.runtime();
    let we = wire_error();
    let value = f.value_type();
    let new_map = f.new_map();
    let object = f.map_value(quote! { object });
    let path = home_path(&TypeHome::Types, &u.rust_name);
    let ser = ser_fn(svc, &u.id);
    let de = de_fn(svc, &u.id);
    let ser_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let key = f.member_key(m);
        if m.ty == Type::Unit {
            let insert = f.insert(key, f.map_value(f.new_map()));
            quote! { #path::#v => { #insert } }
        } else {
            let insert = f.insert(
                key,
                ser_value(f, svc, &m.ty, quote! { value }, m.timestamp_format),
            );
            quote! { #path::#v(value) => { #insert } }
        }
    });
    let de_arms = u.members.iter().map(|m| {
        let v = ident(&m.variant);
        let key = f.member_key(m);
        if m.ty == Type::Unit {
            quote! { #key => #path::#v, }
        } else {
            let read = de_value(f, svc, &m.ty, quote! { value }, m.timestamp_format);
            let read = if m.boxed {
                quote! { #read.map(::std::boxed::Box::new) }
            } else {
                read
            };
            quote! { #key => #path::#v(#read.map_err(|e| e.within(#key))?), }
        }
    });
    let name = &u.rust_name;
    quote! {
        pub(crate) fn #ser(input: &#path) -> ::std::result::Result<#value, #we> {
            let mut object = #new_map;
            match input {
                #(#ser_arms)*
                #path::Unknown => {
                    return ::std::result::Result::Err(#we::new(
                        #name,
                        "cannot serialize the Unknown variant; it only stands for members of newer models",
                    ))
                }
            }
            ::std::result::Result::Ok(#object)
        }
        // A union of unit members only never reads the member's value.
        #[allow(unused_variables)]
        pub(crate) fn #de(value: &#value, side: ::smithygen_runtime::protocol::json::Side) -> ::std::result::Result<#path, #we> {
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
