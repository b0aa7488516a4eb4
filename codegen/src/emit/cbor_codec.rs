//! CBOR body format (rpcv2Cbor): values are `smithygen_runtime::protocol::rpcv2_cbor::Value`,
//! which the runtime reads and writes with `aws-smithy-cbor`. CBOR's rules: member names as
//! keys, blobs as byte strings, timestamps as tag 1 whatever `@timestampFormat` says, floats
//! (NaN and the infinities too) as CBOR floats. Documents never get here: the protocol refuses
//! models with them. The walk over shapes is [`super::body_format`]'s.

use super::body_format::{not_scalar, BodyFormat};
use crate::ir::{Member, Service, TimestampFormat, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The CBOR body format.
pub struct Cbor;

impl BodyFormat for Cbor {
    fn runtime(&self) -> TokenStream {
        quote! { ::smithygen_runtime::protocol::rpcv2_cbor }
    }

    fn map_value(&self, map: TokenStream) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Value::Map(#map) }
    }

    fn owned_key(&self, key: TokenStream) -> TokenStream {
        quote! { ::std::string::String::from(#key.as_str()) }
    }

    fn member_key<'m>(&self, m: &'m Member) -> &'m str {
        &m.name
    }

    fn insert(&self, key: &str, value: TokenStream) -> TokenStream {
        // The runtime's map keeps entries in order (a Vec of pairs), so members are pushed.
        quote! { object.push((::std::string::String::from(#key), #value)); }
    }

    fn body_name(&self) -> &'static str {
        "CBOR body"
    }

    /// `ts` is ignored: rpcv2Cbor writes every timestamp as tag 1.
    fn ser_scalar(&self, svc: &Service, ty: &Type, v: TokenStream, _ts: Option<TimestampFormat>) -> TokenStream {
        let rt = self.runtime();
        match ty {
            Type::Blob { .. } => quote! { #rt::Value::Bytes(::std::vec::Vec::from(#v.as_ref())) },
            Type::Boolean => quote! { #rt::Value::Bool(*#v) },
            Type::String | Type::Enum(_) => {
                quote! { #rt::Value::Text(::std::string::String::from(#v.as_str())) }
            }
            Type::Byte | Type::Short | Type::Integer | Type::Long => {
                quote! { #rt::Value::Integer(i64::from(*#v)) }
            }
            Type::Float => quote! { #rt::Value::Float(*#v) },
            Type::Double => quote! { #rt::Value::Double(*#v) },
            Type::BigInteger => quote! { #rt::Value::BigInteger(::std::clone::Clone::clone(#v)) },
            Type::BigDecimal => quote! { #rt::Value::BigDecimal(::std::clone::Clone::clone(#v)) },
            Type::Timestamp => quote! { #rt::Value::Timestamp(*#v) },
            Type::IntEnum(_) => quote! { #rt::Value::Integer(i64::from(#v.value())) },
            Type::Document => no_documents(),
            _ => not_scalar(svc, ty),
        }
    }

    /// `ts` is ignored: rpcv2Cbor reads every timestamp as tag 1.
    fn de_scalar(&self, svc: &Service, ty: &Type, v: TokenStream, _ts: Option<TimestampFormat>) -> TokenStream {
        let rt = self.runtime();
        match ty {
            Type::BigInteger => quote! { #rt::big_integer(#v) },
            Type::BigDecimal => quote! { #rt::big_decimal(#v) },
            Type::Timestamp => quote! { #rt::timestamp(#v) },
            Type::Document => no_documents(),
            _ => not_scalar(svc, ty),
        }
    }
}

fn no_documents() -> TokenStream {
    quote! { compile_error!("rpcv2Cbor has no document type") }
}
