//! `src/validate.rs`: one validator per structure and union an operation input reaches,
//! checking `@required`, `@length`, `@range`, `@pattern`, enum values and `@uniqueItems`.
//! One rendering of the analysed constraints that two features compile: `server` (the stub
//! answers violations with the operation's validation error) and `validate` (the client checks
//! its input before sending, when its `validate_input` setting is on).

use super::common::*;
use crate::ir::{Constraints, Member, Service, Type};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

/// The validator function of a structure or union.
pub fn validator_fn(svc: &Service, id: &str) -> proc_macro2::Ident {
    match (svc.structures.get(id), svc.unions.get(id)) {
        (Some(s), _) => ident(&s.validator),
        (None, Some(u)) => ident(&u.validator),
        _ => ident("validate_unknown"),
    }
}

/// Structures and unions reachable from operation inputs.
fn reachable(svc: &Service) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = svc.operations.iter().map(|o| o.input.clone()).collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let members: Vec<&Member> = match (svc.structures.get(&id), svc.unions.get(&id)) {
            (Some(s), _) => s.members.iter().collect(),
            (None, Some(u)) => u.members.iter().collect(),
            _ => Vec::new(),
        };
        for m in members {
            shapes_in(&m.ty, &mut stack);
        }
    }
    seen
}

fn shapes_in(ty: &Type, out: &mut Vec<String>) {
    match ty {
        Type::Structure(id) | Type::Union(id) => out.push(id.clone()),
        Type::List(c) | Type::Map(c) => shapes_in(&c.item, out),
        _ => {}
    }
}

/// The `validate` module's declaration in `src/lib.rs`: compiled for the server stub and for the
/// client's input checks, and only then (the pattern engines stay out of the default build).
pub fn lib_module() -> TokenStream {
    quote! {
        #[cfg(any(feature = "server", feature = "validate"))]
        pub(crate) mod validate;
    }
}

/// The statements of a fluent builder's `send` that check `input` before the call: the
/// operation's validator with the `validate` feature, else a refusal when `validate_input` is
/// on (the setting never goes silently unchecked).
pub fn send_check(svc: &Service, op: &crate::ir::Operation) -> TokenStream {
    let module = ident(&op.module);
    let f = validator_fn(svc, &op.input);
    quote! {
        #[cfg(feature = "validate")]
        ::smithygen_runtime::client::validate_input(
            &self.config,
            self.config_override.as_ref(),
            &crate::operation::#module::OPERATION,
            &input,
            crate::validate::#f,
        )?;
        #[cfg(not(feature = "validate"))]
        ::smithygen_runtime::client::input_validation_unavailable(
            &self.config,
            self.config_override.as_ref(),
            &crate::config::SERVICE,
        )?;
    }
}

/// The whole `src/validate.rs` file.
pub fn validators(svc: &Service) -> TokenStream {
    let reach = reachable(svc);
    let mut used_patterns = BTreeSet::new();
    let mut fns = Vec::new();
    for id in &reach {
        let f = validator_fn(svc, id);
        let path = shape_path(svc, id);
        let doc = format!(" Checks the constraints of `{}` and of everything it contains.", crate::model::local_name(id));
        let body = if let Some(s) = svc.structures.get(id) {
            let checks = s.members.iter().map(|m| member_checks(svc, m, s.sensitive, &mut used_patterns)).collect::<Vec<_>>();
            quote! { #(#checks)* }
        } else if let Some(u) = svc.unions.get(id) {
            let arms = u
                .members
                .iter()
                .filter(|m| m.ty != Type::Unit)
                .map(|m| {
                    let checks = value_checks(svc, &m.ty, &m.constraints, &mut used_patterns);
                    if checks.is_empty() {
                        return quote! {};
                    }
                    let variant = ident(&m.variant);
                    let name = &m.name;
                    let sensitive = m.sensitive || u.sensitive;
                    quote! {
                        #path::#variant(value) => {
                            v.enter(#name, #sensitive);
                            #checks
                            v.leave();
                        }
                    }
                })
                .collect::<Vec<_>>();
            quote! {
                #[allow(unreachable_patterns)]
                match value {
                    #(#arms)*
                    _ => {}
                }
            }
        } else {
            quote! {}
        };
        fns.push(quote! {
            #[doc = #doc]
            #[allow(unused_variables, clippy::match_single_binding, clippy::single_match)]
            pub(crate) fn #f(value: &#path, v: &mut ::smithygen_runtime::constraints::Violations) {
                #body
            }
        });
    }
    let mut numbered: Vec<(&str, usize, crate::pattern::Engine, &str, &str)> = used_patterns
        .iter()
        .filter_map(|text| svc.checked_pattern(text).map(|(name, n, engine, rust)| (name, n, engine, rust, text.as_str())))
        .collect();
    numbered.sort_by_key(|p| p.1);
    let statics = numbered.into_iter().map(|(name, _, engine, rust, text)| {
        let name = ident(name);
        let (engine, constructor) = match engine {
            crate::pattern::Engine::Regex => ("regex", quote! { regex(#rust) }),
            crate::pattern::Engine::Fancy => ("fancy-regex", quote! { fancy(#rust) }),
            crate::pattern::Engine::Counted { min, max, final_terminator } => {
                let max = match max {
                    Some(max) => quote! { ::std::option::Option::Some(#max) },
                    None => quote! { ::std::option::Option::None },
                };
                ("regex with a count of code points", quote! { counted(#rust, #min, #max, #final_terminator) })
            }
        };
        let doc = format!(" `@pattern(\"{}\")`, translated for {engine} at generation time.", text.replace('`', "'"));
        quote! {
            #[doc = #doc]
            static #name: ::std::sync::LazyLock<::smithygen_runtime::constraints::Pattern> =
                ::std::sync::LazyLock::new(|| ::smithygen_runtime::constraints::Pattern::#constructor);
        }
    });
    let unsupported: Vec<(&String, &String)> = svc
        .patterns
        .iter()
        .filter_map(|(text, c)| match c {
            crate::ir::PatternCheck::Unchecked { reason } => Some((text, reason)),
            crate::ir::PatternCheck::Checked { .. } | crate::ir::PatternCheck::AlwaysMatches => None,
        })
        .collect();
    let unchecked = unsupported.iter().map(|(text, why)| {
        let doc = format!(" - `@pattern(\"{}\")` ({})", text.replace('`', "'"), why.replace('`', "'"));
        quote! { #![doc = #doc] }
    });
    let unchecked_intro = (!unsupported.is_empty()).then(|| {
        quote! {
            #![doc = ""]
            #![doc = " Not checked here, having no translation (the service still checks them):"]
            #![doc = ""]
        }
    });
    quote! {
        //! Constraint validators for operation inputs: one function per structure and union an
        //! input reaches, run by the server stub (feature `server`) on every request and by the
        //! client (feature `validate`) before sending when its `validate_input` setting is on.
        //! Patterns were translated from the model's Java syntax and compiled once at
        //! generation time; here each compiles once on first use.
        #unchecked_intro
        #(#unchecked)*
        #(#statics)*
        #(#fns)*
    }
}

/// Checks of one structure member: `@required`, then the value's own checks.
fn member_checks(svc: &Service, m: &Member, parent_sensitive: bool, used: &mut BTreeSet<String>) -> TokenStream {
    let checks = value_checks(svc, &m.ty, &m.constraints, used);
    let f = ident(&m.field);
    let name = &m.name;
    let sensitive = m.sensitive || parent_sensitive;
    let required = m.required && m.is_optional();
    let inner = if m.is_optional() {
        match (required, checks.is_empty()) {
            (false, true) => return quote! {},
            (true, true) => quote! {
                if value.#f.is_none() {
                    v.missing();
                }
            },
            (true, false) => quote! {
                match &value.#f {
                    ::std::option::Option::None => v.missing(),
                    ::std::option::Option::Some(value) => { #checks }
                }
            },
            (false, false) => quote! {
                if let ::std::option::Option::Some(value) = &value.#f {
                    #checks
                }
            },
        }
    } else {
        if checks.is_empty() {
            return quote! {};
        }
        quote! {
            {
                let value = &value.#f;
                #checks
            }
        }
    };
    quote! {
        v.enter(#name, #sensitive);
        #inner
        v.leave();
    }
}

/// Statements checking `value: &T` of type `ty` against `c` and recursing into it.
fn value_checks(svc: &Service, ty: &Type, c: &Constraints, used: &mut BTreeSet<String>) -> TokenStream {
    let mut out = TokenStream::new();
    let min_max = |l: &(Option<u64>, Option<u64>)| {
        let min = opt_u64(l.0);
        let max = opt_u64(l.1);
        (min, max)
    };
    match ty {
        Type::String | Type::Enum(_) => {
            let text = quote! { value.as_str() };
            if let Some(l) = &c.length {
                let (min, max) = min_max(l);
                out.extend(quote! { v.check_string_length(#text, #min, #max); });
            }
            if let Some((p, (name, ..))) = c.pattern.as_ref().and_then(|p| svc.checked_pattern(p).map(|c| (p, c))) {
                used.insert(p.clone());
                let name = ident(name);
                out.extend(quote! { v.check_pattern(#text, #name.is_match(#text), #p); });
            }
            if let Type::Enum(id) = ty {
                let variants = svc.enums.get(id).map(|e| e.variants.as_slice()).unwrap_or_default();
                let values = variants.iter().map(|v| v.value.as_str());
                let shown = variants.iter().filter(|v| !v.internal).map(|v| v.value.as_str());
                out.extend(quote! { v.check_enum(#text, &[#(#values),*], &[#(#shown),*]); });
            }
        }
        Type::IntEnum(id) => {
            let values: Vec<i32> = svc.enums.get(id).map(|e| e.variants.iter().filter_map(|v| v.value.parse().ok()).collect()).unwrap_or_default();
            let texts: Vec<String> = values.iter().map(i32::to_string).collect();
            out.extend(quote! { v.check_int_enum(value.value(), &[#(#values),*], &[#(#texts),*]); });
            if let Some(r) = &c.range {
                out.extend(range_check(ty, r, quote! { value.value() }));
            }
        }
        Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Float | Type::Double => {
            if let Some(r) = &c.range {
                out.extend(range_check(ty, r, quote! { *value }));
            }
        }
        Type::BigInteger | Type::BigDecimal => {
            if let Some(r) = &c.range {
                out.extend(range_check(ty, r, quote! { value }));
            }
        }
        Type::Blob { streaming } => {
            if let Some(l) = &c.length {
                let (min, max) = min_max(l);
                out.extend(if *streaming {
                    quote! {
                        if let ::std::option::Option::Some(bytes) = value.bytes() {
                            v.check_length(bytes.len(), #min, #max);
                        }
                    }
                } else {
                    quote! { v.check_length(value.as_ref().len(), #min, #max); }
                });
            }
        }
        Type::List(col) => {
            if let Some(l) = &c.length {
                let (min, max) = min_max(l);
                out.extend(quote! { v.check_length(value.len(), #min, #max); });
            }
            if c.unique_items {
                let hashed = matches!(
                    col.item,
                    Type::String | Type::Enum(_) | Type::IntEnum(_) | Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Boolean | Type::Blob { streaming: false } | Type::Timestamp
                );
                out.extend(if hashed {
                    quote! { v.check_unique_hashed(value.iter()); }
                } else {
                    quote! { v.check_unique(value.as_slice()); }
                });
            }
            let item = value_checks(svc, &col.item, &col.item_constraints, used);
            if !item.is_empty() {
                let body = if col.sparse {
                    quote! { if let ::std::option::Option::Some(value) = item { #item } }
                } else {
                    quote! { let value = item; #item }
                };
                out.extend(quote! {
                    for (index, item) in value.iter().enumerate() {
                        v.enter_index(index);
                        { #body }
                        v.leave();
                    }
                });
            }
        }
        Type::Map(col) => {
            if let Some(l) = &c.length {
                let (min, max) = min_max(l);
                out.extend(quote! { v.check_length(value.len(), #min, #max); });
            }
            let key = key_checks(svc, &col.key_constraints, used);
            let item = value_checks(svc, &col.item, &col.item_constraints, used);
            if !key.is_empty() || !item.is_empty() {
                let item_body = if item.is_empty() {
                    quote! {}
                } else if col.sparse {
                    quote! {
                        v.enter_key(key);
                        if let ::std::option::Option::Some(value) = item { #item }
                        v.leave();
                    }
                } else {
                    quote! {
                        v.enter_key(key);
                        { let value = item; #item }
                        v.leave();
                    }
                };
                out.extend(quote! {
                    // Sorted keys: violations come out in the same order every time.
                    let mut entries: ::std::vec::Vec<_> = value.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    for (key, item) in entries {
                        { let value = key; #key }
                        #item_body
                    }
                });
            }
        }
        Type::Structure(id) | Type::Union(id) => {
            let f = validator_fn(svc, id);
            out.extend(quote! { crate::validate::#f(value, v); });
        }
        // An event stream's events are checked as they are read, not here.
        Type::Boolean | Type::Timestamp | Type::Document | Type::Unit | Type::EventStream { .. } => {}
    }
    out
}

/// Checks of a map key (`value: &String`); violations are reported at the map itself.
fn key_checks(svc: &Service, c: &Constraints, used: &mut BTreeSet<String>) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some((min, max)) = &c.length {
        let (min, max) = (opt_u64(*min), opt_u64(*max));
        out.extend(quote! { v.check_string_length(value, #min, #max); });
    }
    if let Some((p, (name, ..))) = c.pattern.as_ref().and_then(|p| svc.checked_pattern(p).map(|c| (p, c))) {
        used.insert(p.clone());
        let name = ident(name);
        out.extend(quote! { v.check_pattern(value, #name.is_match(value), #p); });
    }
    if let Some(values) = &c.enum_values {
        // The key's enum shape (same value set) says which values are `@internal`.
        let shown: Vec<&str> = svc
            .enums
            .values()
            .find(|e| e.variants.len() == values.len() && e.variants.iter().zip(values).all(|(v, w)| &v.value == w))
            .map(|e| e.variants.iter().filter(|v| !v.internal).map(|v| v.value.as_str()).collect())
            .unwrap_or_else(|| values.iter().map(String::as_str).collect());
        out.extend(quote! { v.check_enum(value, &[#(#values),*], &[#(#shown),*]); });
    }
    out
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let lit = Literal::u64_unsuffixed(n);
            quote! { ::std::option::Option::Some(#lit) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

/// A `@range` check of `value` (an expression of the numeric type, by value).
fn range_check(ty: &Type, r: &(Option<String>, Option<String>), value: TokenStream) -> TokenStream {
    let integer = matches!(ty, Type::Byte | Type::Short | Type::Integer | Type::Long | Type::IntEnum(_))
        && [&r.0, &r.1].iter().all(|b| b.as_ref().is_none_or(|t| t.parse::<i64>().is_ok()));
    if integer {
        let bound = |b: &Option<String>| match b {
            Some(t) => {
                let n = Literal::i64_unsuffixed(t.parse::<i64>().unwrap_or_default());
                quote! { ::std::option::Option::Some((#n, #t)) }
            }
            None => quote! { ::std::option::Option::None },
        };
        let (min, max) = (bound(&r.0), bound(&r.1));
        return quote! { v.check_range_int(::std::primitive::i64::from(#value), #min, #max); };
    }
    let bound = |b: &Option<String>| match b.as_ref().and_then(|t| t.parse::<f64>().ok().map(|f| (t, f))) {
        Some((t, f)) => {
            let n = Literal::f64_unsuffixed(f);
            quote! { ::std::option::Option::Some((#n, #t)) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let (min, max) = (bound(&r.0), bound(&r.1));
    let as_f64 = match ty {
        Type::BigInteger | Type::BigDecimal => quote! {
            ::std::convert::AsRef::<str>::as_ref(#value).parse::<f64>().unwrap_or(f64::NAN)
        },
        Type::Float | Type::Double => quote! { ::std::primitive::f64::from(#value) },
        // An integer with a fractional bound.
        _ => quote! { #value as f64 },
    };
    quote! { v.check_range_float(#as_f64, #min, #max); }
}
