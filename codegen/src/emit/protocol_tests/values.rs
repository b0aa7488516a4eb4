//! A protocol test's `params` (Smithy node values as JSON) become Rust
//! expressions of the IR type they fill: literals, `vec![]`, `HashMap::from`,
//! builder chains, union variants. A value that does not fit its type is an
//! `Err` naming the JSON path, which the test turns into a failure at run time.

use crate::emit::common::{ident, rust_type, shape_path};
use crate::emit::common::builder_path;
use crate::ir::{Member, Service, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Setter calls (`.set_x(Some(v))`) for the members of `owner` named in `params`.
/// Works on a structure builder and on a fluent builder alike.
pub fn setters(svc: &Service, members: &[Member], params: &Value, path: &str) -> Result<TokenStream, String> {
    let Some(object) = params.as_object() else {
        return if params.is_null() { Ok(TokenStream::new()) } else { Err(format!("{path}: expected an object of members")) };
    };
    let mut calls = Vec::new();
    for (key, v) in object {
        let m = members
            .iter()
            .find(|m| &m.name == key)
            .ok_or_else(|| format!("{path}.{key}: no such member"))?;
        if v.is_null() {
            continue;
        }
        let set = ident(&m.setter);
        let value = member_value(svc, m, v, &format!("{path}.{key}"))?;
        calls.push(quote! { .#set(::std::option::Option::Some(#value)) });
    }
    Ok(quote! { #(#calls)* })
}

/// A structure value built with its builder.
pub fn structure(svc: &Service, id: &str, params: &Value, path: &str) -> Result<TokenStream, String> {
    let s = svc.structures.get(id).ok_or_else(|| format!("{path}: structure {id} was not lowered"))?;
    let builder = builder_path(s);
    let sets = setters(svc, &s.members, params, path)?;
    // A message with an event stream is built without it (a test's streams travel beside it,
    // as the server's do); an operation input's builder returns a `Result`.
    if s.members.iter().any(Member::required_in_builder) {
        return Ok(quote! { #builder::default() #sets .build_without_stream() });
    }
    let unwrap = svc.fallible_build(s).then(|| quote! { .expect("the value builds") });
    Ok(quote! { #builder::default() #sets .build() #unwrap })
}

/// The value of one member, boxed when the member closes a cycle.
pub fn member_value(svc: &Service, m: &Member, v: &Value, path: &str) -> Result<TokenStream, String> {
    let value = value(svc, &m.ty, v, path)?;
    Ok(if m.boxed { quote! { ::std::boxed::Box::new(#value) } } else { value })
}

/// `params` for a structure with every `@required` member without a default at a harmless
/// value (nested structures likewise): a message that reaches an operation past the server's
/// validation, for tests whose case gives none (server-side response cases).
pub fn required_params(svc: &Service, shape_id: &str) -> Value {
    let members = svc.structure(shape_id).members.iter().filter(|m| (m.required && m.default.is_none()) || m.binding == crate::ir::Binding::Label || m.host_label);
    Value::Object(members.filter_map(|m| Some((m.name.clone(), harmless(svc, &m.ty)?))).collect())
}

fn harmless(svc: &Service, ty: &Type) -> Option<Value> {
    Some(match ty {
        Type::Blob { .. } | Type::String => Value::from("placeholder"),
        Type::Boolean => Value::from(true),
        Type::Byte | Type::Short | Type::Integer | Type::Long | Type::BigInteger | Type::Timestamp => Value::from(1),
        Type::Float | Type::Double | Type::BigDecimal => Value::from(1.0),
        Type::Enum(id) => Value::from(svc.enums.get(id)?.variants.first()?.value.clone()),
        Type::IntEnum(id) => Value::from(svc.enums.get(id)?.variants.first()?.value.parse::<i64>().ok()?),
        Type::List(_) => Value::Array(Vec::new()),
        Type::Map(_) => Value::Object(Default::default()),
        Type::Structure(id) => required_params(svc, id),
        _ => return None,
    })
}

/// A harmless value of a type, for members a test does not set but the client
/// needs (URI labels of response tests).
pub fn placeholder(svc: &Service, ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote! { ::std::string::String::from("placeholder") },
        Type::Boolean => quote! { true },
        Type::Byte | Type::Short | Type::Integer | Type::Long => quote! { 1 },
        Type::Float | Type::Double => quote! { 1.0 },
        Type::Timestamp => quote! { ::aws_smithy_types::DateTime::from_secs(0) },
        Type::Enum(id) => {
            let p = shape_path(svc, id);
            let first = svc.enums.get(id).and_then(|e| e.variants.first()).map(|v| v.value.clone()).unwrap_or_default();
            quote! { <#p>::from(#first) }
        }
        Type::IntEnum(id) => {
            let p = shape_path(svc, id);
            let first: i32 = svc.enums.get(id).and_then(|e| e.variants.first()).and_then(|v| v.value.parse().ok()).unwrap_or(1);
            quote! { <#p>::from(#first) }
        }
        other => {
            let t = rust_type(svc, other);
            quote! { <#t as ::std::default::Default>::default() }
        }
    }
}

fn number_literal(text: String) -> TokenStream {
    text.parse().unwrap_or_else(|_| quote! { compile_error!("bad literal") })
}

/// An integer literal of the given suffix; negative values as a negation.
fn int(n: i64, suffix: &str) -> TokenStream {
    let lit = number_literal(format!("{}{suffix}", n.unsigned_abs()));
    if n < 0 {
        quote! { -#lit }
    } else {
        lit
    }
}

fn float(v: &Value, ty: &str, path: &str) -> Result<TokenStream, String> {
    let t = format_ident!("{ty}");
    match v {
        Value::String(s) if s == "NaN" => Ok(quote! { #t::NAN }),
        Value::String(s) if s == "Infinity" => Ok(quote! { #t::INFINITY }),
        Value::String(s) if s == "-Infinity" => Ok(quote! { #t::NEG_INFINITY }),
        Value::Number(n) => {
            let x = n.as_f64().ok_or_else(|| format!("{path}: not a number"))?;
            let mut text = format!("{:?}", x.abs());
            if !text.contains(['.', 'e']) {
                text.push_str(".0");
            }
            let lit = number_literal(format!("{text}_{ty}"));
            Ok(if x.is_sign_negative() { quote! { -#lit } } else { lit })
        }
        _ => Err(format!("{path}: expected a number or NaN/Infinity/-Infinity for a {ty}")),
    }
}

/// Epoch seconds (possibly fractional) as whole seconds and nanoseconds,
/// read from the number's text so `1.123` is exactly 123 ms.
fn epoch(n: &serde_json::Number) -> Option<(i64, u32)> {
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        let f = n.as_f64()?;
        let secs = f.floor();
        return Some((secs as i64, ((f - secs) * 1e9).round() as u32));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let whole: i64 = whole.parse().ok()?;
    let mut frac = frac.to_string();
    frac.truncate(9);
    while frac.len() < 9 {
        frac.push('0');
    }
    let nanos: u32 = frac.parse().ok()?;
    Some(match (negative, nanos) {
        (false, n) => (whole, n),
        (true, 0) => (-whole, 0),
        (true, n) => (-whole - 1, 1_000_000_000 - n),
    })
}

/// A value of `ty` from the node value `v`.
pub fn value(svc: &Service, ty: &Type, v: &Value, path: &str) -> Result<TokenStream, String> {
    let wrong = |what: &str| Err(format!("{path}: expected {what}, found {v}"));
    Ok(match ty {
        Type::Blob { streaming } => {
            let Some(text) = v.as_str() else { return wrong("text for a blob") };
            if *streaming {
                quote! { ::aws_smithy_types::byte_stream::ByteStream::from(#text.as_bytes().to_vec()) }
            } else {
                quote! { ::aws_smithy_types::Blob::new(#text.as_bytes()) }
            }
        }
        Type::Boolean => match v.as_bool() {
            Some(b) => quote! { #b },
            None => return wrong("a boolean"),
        },
        Type::String => match v.as_str() {
            Some(s) => quote! { ::std::string::String::from(#s) },
            None => return wrong("a string"),
        },
        Type::Byte | Type::Short | Type::Integer | Type::Long => {
            let Some(n) = v.as_i64() else { return wrong("an integer") };
            let suffix = match ty {
                Type::Byte => "i8",
                Type::Short => "i16",
                Type::Integer => "i32",
                _ => "i64",
            };
            int(n, suffix)
        }
        Type::Float => float(v, "f32", path)?,
        Type::Double => float(v, "f64", path)?,
        Type::BigInteger | Type::BigDecimal => {
            let text = match v {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => return wrong("a number"),
            };
            let t = rust_type(svc, ty);
            quote! { <#t as ::std::str::FromStr>::from_str(#text).expect("the test's number parses") }
        }
        // HTTP tests give epoch seconds; event-stream tests give RFC 3339 date-times.
        Type::Timestamp => match v {
            Value::String(text) => quote! {
                ::aws_smithy_types::DateTime::from_str(#text, ::aws_smithy_types::date_time::Format::DateTime)
                    .expect("the test's timestamp is an RFC 3339 date-time")
            },
            _ => {
                let Some((secs, nanos)) = v.as_number().and_then(epoch) else { return wrong("epoch seconds or a date-time") };
                let secs = int(secs, "i64");
                quote! { ::aws_smithy_types::DateTime::from_secs_and_nanos(#secs, #nanos) }
            }
        },
        Type::Document => {
            let text = v.to_string();
            quote! {
                ::smithygen_runtime::protocol::json::document(
                    &::smithygen_runtime::protocol::json::parse(#text.as_bytes()).expect("the test's document is JSON"),
                )
            }
        }
        Type::Enum(id) => {
            let Some(s) = v.as_str() else { return wrong("an enum value") };
            let p = shape_path(svc, id);
            quote! { <#p>::from(#s) }
        }
        Type::IntEnum(id) => {
            let Some(n) = v.as_i64().and_then(|n| i32::try_from(n).ok()) else { return wrong("an intEnum value") };
            let p = shape_path(svc, id);
            quote! { <#p>::from(#n) }
        }
        Type::List(c) => {
            let Some(items) = v.as_array() else { return wrong("a list") };
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                out.push(match (item.is_null(), c.sparse) {
                    (true, true) => quote! { ::std::option::Option::None },
                    (true, false) => return Err(format!("{at}: null in a dense list")),
                    (false, true) => {
                        let x = value(svc, &c.item, item, &at)?;
                        quote! { ::std::option::Option::Some(#x) }
                    }
                    (false, false) => value(svc, &c.item, item, &at)?,
                });
            }
            if out.is_empty() {
                quote! { ::std::vec::Vec::new() }
            } else {
                quote! { ::std::vec![#(#out),*] }
            }
        }
        Type::Map(c) => {
            let Some(entries) = v.as_object() else { return wrong("a map") };
            let mut out = Vec::new();
            for (k, item) in entries {
                let at = format!("{path}[{k:?}]");
                let x = match (item.is_null(), c.sparse) {
                    (true, true) => quote! { ::std::option::Option::None },
                    (true, false) => return Err(format!("{at}: null in a dense map")),
                    (false, true) => {
                        let x = value(svc, &c.item, item, &at)?;
                        quote! { ::std::option::Option::Some(#x) }
                    }
                    (false, false) => value(svc, &c.item, item, &at)?,
                };
                out.push(quote! { (::std::string::String::from(#k), #x) });
            }
            if out.is_empty() {
                quote! { ::std::collections::HashMap::new() }
            } else {
                quote! { ::std::collections::HashMap::from([#(#out),*]) }
            }
        }
        Type::Structure(id) => structure(svc, id, v, path)?,
        Type::Union(id) => {
            let u = svc.unions.get(id).ok_or_else(|| format!("{path}: union {id} was not lowered"))?;
            let Some(object) = v.as_object() else { return wrong("a union object") };
            let mut set = object.iter().filter(|(_, x)| !x.is_null());
            let (Some((key, x)), None) = (set.next(), set.next()) else {
                return Err(format!("{path}: a union value needs exactly one member"));
            };
            let m = u.members.iter().find(|m| &m.name == key).ok_or_else(|| format!("{path}.{key}: no such union member"))?;
            let p = shape_path(svc, id);
            let variant = ident(&m.variant);
            if m.ty == Type::Unit {
                quote! { #p::#variant }
            } else {
                let x = member_value(svc, m, x, &format!("{path}.{key}"))?;
                quote! { #p::#variant(#x) }
            }
        }
        Type::Unit => return Err(format!("{path}: a unit has no value")),
        Type::EventStream { .. } => return Err(format!("{path}: an event stream is not a value of an HTTP protocol test")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_keep_their_exact_fraction() {
        let n = |t: &str| serde_json::from_str::<serde_json::Number>(t).unwrap();
        assert_eq!(epoch(&n("1576540098")), Some((1576540098, 0)));
        assert_eq!(epoch(&n("946845296.123")), Some((946845296, 123_000_000)));
        assert_eq!(epoch(&n("-1.5")), Some((-2, 500_000_000)));
    }

    #[test]
    fn special_floats_are_constants_and_negatives_are_negations() {
        assert_eq!(float(&serde_json::json!("NaN"), "f64", "$").unwrap().to_string(), "f64 :: NAN");
        assert_eq!(float(&serde_json::json!(-1.5), "f32", "$").unwrap().to_string(), "- 1.5_f32");
        assert_eq!(float(&serde_json::json!(2), "f64", "$").unwrap().to_string(), "2.0_f64");
        assert_eq!(int(-128, "i8").to_string(), "- 128i8");
    }
}
