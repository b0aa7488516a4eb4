//! JSON body format (restJson1, awsJson): values are the runtime's `protocol::json::Value`
//! (read and written with `aws-smithy-json`, as the official crates do), member keys honour
//! `@jsonName`, and timestamps follow the member's or item's `@timestampFormat` (epoch seconds
//! when none is given). The walk over shapes is [`super::body_format`]'s.

use super::body_format::{not_scalar, BodyFormat};
use super::common::*;
use crate::ir::{Member, Service, TimestampFormat, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// `aws_smithy_types::date_time::Format` for a timestamp format.
pub fn format_path(f: TimestampFormat) -> TokenStream {
    match f {
        TimestampFormat::DateTime => quote! { ::aws_smithy_types::date_time::Format::DateTime },
        TimestampFormat::HttpDate => quote! { ::aws_smithy_types::date_time::Format::HttpDate },
        TimestampFormat::EpochSeconds => {
            quote! { ::aws_smithy_types::date_time::Format::EpochSeconds }
        }
    }
}

/// The JSON body format.
pub struct Json;

impl BodyFormat for Json {
    fn runtime(&self) -> TokenStream {
        quote! { ::smithygen_runtime::protocol::json }
    }

    fn map_value(&self, map: TokenStream) -> TokenStream {
        let rt = self.runtime();
        quote! { #rt::Value::Object(#map) }
    }

    fn owned_key(&self, key: TokenStream) -> TokenStream {
        quote! { #key.clone() }
    }

    fn member_key<'m>(&self, m: &'m Member) -> &'m str {
        &m.json_name
    }

    fn insert(&self, key: &str, value: TokenStream) -> TokenStream {
        quote! { object.push((::std::string::String::from(#key), #value)); }
    }

    fn body_name(&self) -> &'static str {
        "JSON document"
    }

    fn ser_scalar(&self, svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
        let rt = self.runtime();
        match ty {
            Type::Blob { .. } => quote! { #rt::blob_value(#v) },
            Type::Boolean => quote! { #rt::Value::Bool(*#v) },
            Type::String | Type::Enum(_) => {
                quote! { #rt::Value::String(::std::string::String::from(#v.as_str())) }
            }
            Type::Byte | Type::Short | Type::Integer | Type::Long => {
                quote! { #rt::Value::from(*#v) }
            }
            Type::Float => quote! { #rt::float_value(*#v) },
            Type::Double => quote! { #rt::double_value(*#v) },
            Type::BigInteger | Type::BigDecimal => {
                quote! { #rt::big_number_value(::std::convert::AsRef::<str>::as_ref(#v)) }
            }
            Type::Timestamp => {
                let f = format_path(ts.unwrap_or(TimestampFormat::EpochSeconds));
                quote! { #rt::timestamp_value(#v, #f)? }
            }
            Type::Document => quote! { #rt::document_to_value(#v) },
            Type::IntEnum(_) => quote! { #rt::Value::from(#v.value()) },
            _ => not_scalar(svc, ty),
        }
    }

    fn de_scalar(&self, svc: &Service, ty: &Type, v: TokenStream, ts: Option<TimestampFormat>) -> TokenStream {
        let rt = self.runtime();
        match ty {
            // JSON carries big numbers as number text; the Rust type parses it.
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
            Type::Document => {
                quote! { ::std::result::Result::<_, ::smithygen_runtime::protocol::WireError>::Ok(#rt::document(#v)) }
            }
            _ => not_scalar(svc, ty),
        }
    }
}
