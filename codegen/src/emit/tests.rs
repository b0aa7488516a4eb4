//! Tests generated beside the code: each `smithy.rules#endpointTests` case of
//! the model becomes a `#[test]` that resolves the crate's own embedded rule
//! set with the case's parameters and checks the URL, headers and properties,
//! or the exact error message.

use crate::ir::Service;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Test files for the generated crate (paths relative to the crate root).
pub fn test_files(svc: &Service) -> Vec<(String, TokenStream)> {
    if svc.endpoint_rule_set.is_none() || svc.endpoint_tests.is_empty() {
        return Vec::new();
    }
    let tests = svc.endpoint_tests.iter().enumerate().map(|(i, case)| endpoint_test(i, case));
    vec![(
        "src/endpoint_tests.rs".to_string(),
        quote! {
            //! The model's endpoint rule tests (`smithy.rules#endpointTests`), one test per case.
            #![cfg(test)]

            fn rule_set() -> ::smithygen_runtime::endpoint::RuleSet {
                let text = crate::config::SERVICE.endpoint_rule_set.expect("the model has an endpoint rule set");
                ::smithygen_runtime::endpoint::RuleSet::from_json(text).expect("the embedded rule set parses")
            }

            #(#tests)*
        },
    )]
}

fn test_name(index: usize, case: &Value) -> proc_macro2::Ident {
    let doc = case.get("documentation").and_then(Value::as_str).unwrap_or("case");
    let mut slug: String = doc
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    while slug.contains("__") {
        slug = slug.replace("__", "_");
    }
    let slug: String = slug.trim_matches('_').chars().take(80).collect();
    format_ident!("endpoint_case_{}_{}", index, slug.trim_end_matches('_'))
}

fn endpoint_test(index: usize, case: &Value) -> TokenStream {
    let name = test_name(index, case);
    let doc = case.get("documentation").and_then(Value::as_str).unwrap_or_default().to_string();
    let params = case.get("params").and_then(Value::as_object).cloned().unwrap_or_default();
    let sets = params.iter().map(|(k, v)| match v {
        Value::Bool(b) => quote! { params.set(#k, #b); },
        Value::String(s) => quote! { params.set(#k, #s); },
        Value::Array(items) => {
            let items = items.iter().filter_map(Value::as_str);
            quote! { params.set(#k, vec![#(::std::string::String::from(#items)),*]); }
        }
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or_default();
            quote! { params.set(#k, #n); }
        }
        _ => quote! {},
    });
    let expect = case.get("expect").cloned().unwrap_or(Value::Null);
    let check = if let Some(message) = expect.get("error").and_then(Value::as_str) {
        quote! {
            let error = result.expect_err("the rules must reject these parameters");
            assert_eq!(error.to_string(), #message);
        }
    } else {
        let endpoint = expect.get("endpoint").cloned().unwrap_or(Value::Null);
        let url = endpoint.get("url").and_then(Value::as_str).unwrap_or_default().to_string();
        let headers = endpoint.get("headers").and_then(Value::as_object).cloned().unwrap_or_default();
        let header_checks = headers.iter().map(|(name, values)| {
            let values: Vec<String> = values.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
            quote! {
                let got: ::std::vec::Vec<&str> = endpoint
                    .headers()
                    .find(|(n, _)| n.eq_ignore_ascii_case(#name))
                    .map(|(_, v)| v.collect())
                    .unwrap_or_default();
                assert_eq!(got, vec![#(#values),*], "header {}", #name);
            }
        });
        let properties = endpoint.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let property_checks = properties.iter().map(|(name, value)| {
            let text = value.to_string();
            quote! {
                let got = endpoint
                    .properties()
                    .get(#name)
                    .map(::smithygen_runtime::protocol::json::document_value)
                    .unwrap_or(::serde_json::Value::Null);
                let expected: ::serde_json::Value = ::serde_json::from_str(#text).expect("expected property is JSON");
                assert_eq!(got, expected, "property {}", #name);
            }
        });
        quote! {
            let endpoint = result.expect("the rules must resolve these parameters");
            assert_eq!(endpoint.url(), #url);
            #(#header_checks)*
            #(#property_checks)*
        }
    };
    quote! {
        #[doc = #doc]
        #[test]
        #[allow(unused_mut)]
        fn #name() {
            let mut params = ::smithygen_runtime::endpoint::Params::new();
            #(#sets)*
            let result = rule_set().resolve(&params);
            #check
        }
    }
}
