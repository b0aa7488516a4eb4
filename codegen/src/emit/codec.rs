//! The body codec of a service, as its protocol names it ([`crate::protocol::BodyCodec`]):
//! the emitters render bodies through these functions, which walk the shapes with
//! `body_format` in the codec's format: `json_codec` (restJson1, awsJson) or `cbor_codec`
//! (rpcv2Cbor). Both write members into a local `object` (the codec's map type, made by
//! [`new_object`]) and read with `side` in scope.

use super::body_format::{self, BodyFormat};
use super::cbor_codec::Cbor;
use super::json_codec::Json;
use crate::ir::{Member, Service, Structure, TimestampFormat, Type, Union};
use crate::protocol::BodyCodec;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub use body_format::{de_fn, ser_fn};

fn of(svc: &Service) -> BodyCodec {
    crate::protocol::rules(svc.protocol).body_codec()
}

/// The format of the service's bodies.
fn format(svc: &Service) -> &'static dyn BodyFormat {
    match of(svc) {
        BodyCodec::Json => &Json,
        BodyCodec::Cbor => &Cbor,
    }
}

/// An expression of the codec's value type for `v` (a `&T`); `?` for fallible parts.
pub fn ser_value(svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
    body_format::ser_value(format(svc), svc, ty, v, ts)
}

/// An expression of type `Result<T, WireError>` reading `v` (a reference to the codec's value).
pub fn de_value(svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
    body_format::de_value(format(svc), svc, ty, v, ts)
}

/// Statements writing the set members of `input` into `object`.
pub fn ser_members(svc: &Service, members: &[&Member], input: TokenStream) -> TokenStream {
    body_format::ser_members(format(svc), svc, members, input)
}

/// Statements reading the body document in `body` (a `&[u8]`) into `builder`.
pub fn read_body_members(svc: &Service, members: &[&Member], body: TokenStream) -> TokenStream {
    body_format::read_body_members(format(svc), svc, members, body)
}

/// `ser_x` / `de_x` of a structure inside bodies.
pub fn structure_codec(svc: &Service, s: &Structure) -> TokenStream {
    body_format::structure_codec(format(svc), svc, s)
}

/// `ser_x` / `de_x` of a union inside bodies.
pub fn union_codec(svc: &Service, u: &Union) -> TokenStream {
    body_format::union_codec(format(svc), svc, u)
}

/// The name of the codec's format, for documentation (`JSON`, `CBOR`).
pub fn format_name(svc: &Service) -> &'static str {
    match of(svc) {
        BodyCodec::Json => "JSON",
        BodyCodec::Cbor => "CBOR",
    }
}

/// An empty map of the codec, for `let mut object = …;`.
pub fn new_object(svc: &Service) -> TokenStream {
    match of(svc) {
        BodyCodec::Json => quote! { ::smithygen_runtime::protocol::json::Map::new() },
        BodyCodec::Cbor => quote! { ::smithygen_runtime::protocol::rpcv2_cbor::Map::new() },
    }
}

/// The body bytes (`Vec<u8>`) of the map in local `object`.
pub fn object_body(svc: &Service, object: &Ident) -> TokenStream {
    match of(svc) {
        BodyCodec::Json => {
            quote! { ::smithygen_runtime::protocol::json::to_body(&::smithygen_runtime::protocol::json::Value::Object(#object)) }
        }
        BodyCodec::Cbor => {
            quote! { ::smithygen_runtime::protocol::rpcv2_cbor::to_body(&::smithygen_runtime::protocol::rpcv2_cbor::Value::Map(#object)) }
        }
    }
}

/// The body bytes (`Vec<u8>`) of `value`, an expression of the codec's value type.
pub fn value_body(svc: &Service, value: TokenStream) -> TokenStream {
    match of(svc) {
        BodyCodec::Json => quote! { ::smithygen_runtime::protocol::json::to_body(&#value) },
        BodyCodec::Cbor => quote! { ::smithygen_runtime::protocol::rpcv2_cbor::to_body(&#value) },
    }
}

/// `Result<value, WireError>`: the codec's value of the whole `body` (a `&[u8]`).
pub fn parse_body(svc: &Service, body: TokenStream) -> TokenStream {
    match of(svc) {
        BodyCodec::Json => quote! { ::smithygen_runtime::protocol::json::parse_body(#body) },
        BodyCodec::Cbor => quote! { ::smithygen_runtime::protocol::rpcv2_cbor::parse_body(#body) },
    }
}
