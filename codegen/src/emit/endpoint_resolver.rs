//! The generated crate's endpoint resolver: the model's `smithy.rules#endpointRuleSet`,
//! lowered (by [`crate::lower`], which parses and checks it) to one Rust function,
//! `resolve_rules`, in `src/config/endpoint.rs`.
//!
//! Each rule becomes a labelled block: its conditions are `let ... else { break }` statements
//! (a condition's `assign` is a `let` binding, so a rule's variables are in scope exactly where
//! the rules see them), an endpoint rule returns the endpoint, an error rule the error, and a
//! tree rule holds its rules' blocks followed by the "rules exhausted" error. Values are the
//! rules engine's `Option<Value>`s; the library functions and the steps of building an endpoint
//! are `smithygen_runtime::endpoint::rules`, which give the interpreter's results and messages.

use super::common::ident;
use crate::ir::{EndpointParamType, Service};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::cell::Cell;
use smithygen_runtime::endpoint::parse::{
    AttrPath, Call, Condition, EndpointDef, Expr, Func, PathPart, Rule, RuleKind, Template, TemplatePart,
};

/// `fn resolve_rules(&Params) -> Result<Endpoint, ResolveError>`, or nothing when the model has
/// no rule set.
pub fn resolver(svc: &Service) -> Option<TokenStream> {
    let rules = svc.endpoint_rules.as_deref()?;
    let bindings = svc.endpoint_params.iter().map(|p| {
        let var = var(&p.name);
        let f = ident(&p.field);
        let value = match (p.ty, p.always_set) {
            (EndpointParamType::String, true) => quote! { ::std::option::Option::Some(r::Value::String(params.#f.clone())) },
            (EndpointParamType::String, false) => quote! { params.#f.clone().map(r::Value::String) },
            (EndpointParamType::Boolean, true) => quote! { ::std::option::Option::Some(r::Value::Bool(params.#f)) },
            (EndpointParamType::Boolean, false) => quote! { params.#f.map(r::Value::Bool) },
            (EndpointParamType::StringArray, true) => quote! { ::std::option::Option::Some(r::Value::from(params.#f.clone())) },
            (EndpointParamType::StringArray, false) => quote! { params.#f.clone().map(r::Value::from) },
        };
        quote! { let #var: ::std::option::Option<r::Value> = #value; }
    });
    let body = rule_list(&rules.rules, None, &Cell::new(0));
    Some(quote! {
        /// The service's endpoint rules (`smithy.rules#endpointRuleSet`), lowered to code: the
        /// endpoint for `params`, or the error of the first error rule that matches.
        #[allow(non_snake_case, unused_variables, unused_labels, unreachable_code, clippy::all)]
        pub(crate) fn resolve_rules(params: &Params) -> ::std::result::Result<Endpoint, ::smithygen_runtime::endpoint::ResolveError> {
            use ::smithygen_runtime::endpoint::rules as r;
            #(#bindings)*
            #body
        }
    })
}

/// The variable holding the rules' parameter or assigned name `name`.
fn var(name: &str) -> Ident {
    format_ident!("v_{}", name)
}

/// Every rule in order, then the error of exhausted rules (at the top level or under the tree
/// rule at `tree`).
fn rule_list(rules: &[Rule], tree: Option<&str>, labels: &Cell<usize>) -> TokenStream {
    let blocks: Vec<_> = rules.iter().map(|rule| rule_block(rule, labels)).collect();
    let exhausted = match tree {
        Some(path) => quote! { ::std::option::Option::Some(#path) },
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        #(#blocks)*
        return ::std::result::Result::Err(r::no_rule_matched(#exhausted));
    }
}

/// One rule's block; `labels` numbers the blocks, so no label shadows an enclosing one.
fn rule_block(rule: &Rule, labels: &Cell<usize>) -> TokenStream {
    let label = syn_label(labels.get());
    labels.set(labels.get() + 1);
    let conditions = rule.conditions.iter().map(|c| condition(c, &label));
    let path = &rule.path;
    let outcome = match &rule.kind {
        RuleKind::Endpoint(ep) => endpoint(ep, path),
        RuleKind::Error(message) => {
            let message = expr(message);
            quote! { return ::std::result::Result::Err(r::rule_error(#message, #path)); }
        }
        RuleKind::Tree(rules) => rule_list(rules, Some(path), labels),
    };
    quote! {
        #label: {
            #(#conditions)*
            #outcome
        }
    }
}

/// The label of rule block `index`.
fn syn_label(index: usize) -> TokenStream {
    let lifetime = proc_macro2::Punct::new('\'', proc_macro2::Spacing::Joint);
    let name = Ident::new(&format!("rule_{index}"), Span::call_site());
    quote! { #lifetime #name }
}

fn condition(c: &Condition, label: &TokenStream) -> TokenStream {
    let value = call(&c.call);
    match &c.assign {
        Some(name) => {
            let var = var(name);
            quote! {
                let ::std::option::Option::Some(held) = r::holds(#value) else { break #label };
                let #var = ::std::option::Option::Some(held);
            }
        }
        None => quote! {
            let ::std::option::Option::Some(_) = r::holds(#value) else { break #label };
        },
    }
}

fn endpoint(ep: &EndpointDef, path: &str) -> TokenStream {
    let url = expr(&ep.url);
    let headers = ep.headers.iter().flat_map(|(name, values)| {
        values.iter().map(move |value| {
            let value = expr(value);
            quote! { let endpoint = r::header(endpoint, #name, #value, #path)?; }
        })
    });
    let properties = ep.properties.iter().map(|(name, value)| {
        let value = expr(value);
        quote! { let endpoint = r::property(endpoint, #name, #value, #path)?; }
    });
    quote! {
        let endpoint = r::endpoint(#url, #path)?;
        #(#headers)*
        #(#properties)*
        return ::std::result::Result::Ok(endpoint.build());
    }
}

/// An expression as a Rust expression of type `Option<Value>` (`?` on errors).
fn expr(e: &Expr) -> TokenStream {
    match e {
        Expr::Str(t) => template(t),
        Expr::Bool(b) => quote! { ::std::option::Option::Some(r::Value::Bool(#b)) },
        Expr::Int(i) => quote! { ::std::option::Option::Some(r::Value::Integer(#i)) },
        Expr::Array(items) => {
            let items = items.iter().map(expr);
            quote! { ::std::option::Option::Some(r::array(::std::vec![#(#items),*])?) }
        }
        Expr::Record(fields) => {
            let fields = fields.iter().map(|(k, v)| {
                let v = expr(v);
                quote! { (#k, #v) }
            });
            quote! { ::std::option::Option::Some(r::record(::std::vec![#(#fields),*])?) }
        }
        Expr::Ref(name) => {
            let var = var(name);
            quote! { #var.clone() }
        }
        Expr::Call(c) => call(c),
    }
}

fn template(t: &Template) -> TokenStream {
    if let [TemplatePart::Lit(s)] = t.parts.as_slice() {
        return quote! { ::std::option::Option::Some(r::Value::String(::std::string::String::from(#s))) };
    }
    if t.parts.is_empty() {
        return quote! { ::std::option::Option::Some(r::Value::String(::std::string::String::new())) };
    }
    let pushes = t.parts.iter().map(|part| match part {
        TemplatePart::Lit(s) => quote! { text.push_str(#s); },
        TemplatePart::Var { name, path: None } => {
            let var = var(name);
            let placeholder = format!("{{{name}}}");
            quote! { r::push(&mut text, #placeholder, #var.as_ref())?; }
        }
        TemplatePart::Var { name, path: Some(path) } => {
            let var = var(name);
            let placeholder = format!("{{{name}#{}}}", path.text);
            let attr = get_attr(quote! { #var.as_ref() }, path, "template");
            quote! { r::push(&mut text, #placeholder, #attr.as_ref())?; }
        }
    });
    quote! {
        ::std::option::Option::Some(r::Value::String({
            let mut text = ::std::string::String::new();
            #(#pushes)*
            text
        }))
    }
}

/// `getAttr` of `target` (an `Option<&Value>`), as an `Option<Value>` expression.
fn get_attr(target: TokenStream, path: &AttrPath, context: &str) -> TokenStream {
    let text = &path.text;
    let steps = path.parts.iter().map(|p| match p {
        PathPart::Key(k) => quote! { r::Step::Key(#k) },
        PathPart::Index(i) => quote! { r::Step::Index(#i) },
    });
    quote! { r::get_attr(#target, #text, &[#(#steps),*], #context)? }
}

/// An expression as an `Option<&Value>`: a reference borrows its variable, anything else its
/// value.
fn borrowed(e: Option<&Expr>) -> TokenStream {
    match e {
        Some(Expr::Ref(name)) => {
            let var = var(name);
            quote! { #var.as_ref() }
        }
        Some(e) => {
            let value = expr(e);
            quote! { (#value).as_ref() }
        }
        None => quote! { ::std::option::Option::None },
    }
}

fn call(c: &Call) -> TokenStream {
    let path = &c.path;
    let arg = |i: usize| c.args.get(i).map(expr).unwrap_or_else(|| quote! { ::std::option::Option::None });
    let function = match &c.func {
        Func::IsSet => {
            let a = borrowed(c.args.first());
            return quote! { ::std::option::Option::Some(r::Value::Bool((#a).is_some())) };
        }
        Func::Coalesce => {
            // The first argument with a value, evaluating no further.
            let mut args = c.args.iter().rev().map(expr);
            let last = args.next().unwrap_or_else(|| quote! { ::std::option::Option::None });
            return args.fold(last, |rest, first| {
                quote! {
                    match #first {
                        ::std::option::Option::Some(value) => ::std::option::Option::Some(value),
                        ::std::option::Option::None => #rest,
                    }
                }
            });
        }
        Func::Ite => {
            let (cond, then, otherwise) = (arg(0), arg(1), arg(2));
            return quote! { if r::ite_condition(#cond, #path)? { #then } else { #otherwise } };
        }
        Func::GetAttr(attr) => {
            let target = borrowed(c.args.first());
            let context = format!("`getAttr` at {path}");
            return get_attr(target, attr, &context);
        }
        Func::Not => "not",
        Func::BooleanEquals => "boolean_equals",
        Func::StringEquals => "string_equals",
        Func::Substring => "substring",
        Func::UriEncode => "uri_encode",
        Func::ParseUrl => "parse_url",
        Func::IsValidHostLabel => "is_valid_host_label",
        Func::AwsPartition => "aws_partition",
        Func::AwsParseArn => "aws_parse_arn",
        Func::AwsIsVirtualHostableS3Bucket => "aws_is_virtual_hostable_s3_bucket",
        Func::Split => "split",
    };
    let function = Ident::new(function, Span::call_site());
    let args = c.args.iter().map(expr);
    quote! { r::#function(#path, &[#(#args),*])? }
}
