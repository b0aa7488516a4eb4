//! `src/endpoint_tests.rs`: the model's `smithy.rules#endpointTests` as data (its
//! `testCases`, pretty-printed JSON in a raw string) plus one test that runs every case
//! through the rule set and, when the model has one, the BDD, with
//! `smithygen_runtime::endpoint::testing`. The checking logic lives in the runtime, so each
//! generated crate holds only its cases.
//!
//! Cases the reviewed stale list matches (`codegen/endpoint-stale-cases.json`, see
//! [`crate::endpoint_stale`]) are passed as `Stale`: their test asserts that the rules now
//! resolve, rather than the stale error.

use crate::ir::Service;
use proc_macro2::TokenStream;
use quote::quote;

/// Whether the crate gets endpoint tests: the model has a rule set and test cases.
pub fn has_tests(svc: &Service) -> bool {
    svc.endpoint_rule_set.is_some() && !svc.endpoint_tests.is_empty()
}

/// Test files for the generated crate (paths relative to the crate root).
pub fn test_files(svc: &Service) -> Vec<(String, TokenStream)> {
    let (Some(rule_set), true) = (&svc.endpoint_rule_set, has_tests(svc)) else {
        return Vec::new();
    };
    // One compact case per line: readable in a diff, a fraction of the pretty-printed size.
    let lines: Vec<String> = svc.endpoint_tests.iter().map(|case| serde_json::to_string(case).unwrap_or_default()).collect();
    let cases = raw_string(&format!("[\n{}\n]", lines.join(",\n")));
    let count = svc.endpoint_tests.len();
    let stale = svc.stale_endpoint_cases.iter().map(|s| {
        let (index, documentation, reason) = (s.index, &s.documentation, &s.reason);
        quote! {
            ::smithygen_runtime::endpoint::testing::Stale { index: #index, documentation: #documentation, reason: #reason },
        }
    });
    let rule_set = raw_string(rule_set);
    let bdd = match &svc.endpoint_bdd {
        Some(bdd) => {
            let bdd = raw_string(bdd);
            quote! { ::std::option::Option::Some(#bdd) }
        }
        None => quote! { ::std::option::Option::None },
    };
    vec![(
        "src/endpoint_tests.rs".to_string(),
        quote! {
            //! The model's endpoint rule tests (`smithy.rules#endpointTests`), run through the
            //! client's generated resolver, and through the runtime's interpreter on the rule set
            //! and, when the model has one, the BDD: all must agree.
            #![cfg(test)]

            /// The model's `smithy.rules#endpointRuleSet`, for the interpreter.
            const RULE_SET: &str = #rule_set;

            /// The model's `smithy.rules#endpointBdd`, for the interpreter.
            const BDD: ::std::option::Option<&str> = #bdd;

            /// The model's `testCases`.
            const CASES: &str = #cases;

            /// Cases whose expected error is stale (see `codegen/endpoint-stale-cases.json`):
            /// they are checked to resolve to an endpoint instead.
            const STALE: &[::smithygen_runtime::endpoint::testing::Stale] = &[#(#stale)*];

            /// Every case, through both paths; a failure lists every failing case.
            #[test]
            fn endpoint_rule_tests() {
                let report = ::smithygen_runtime::endpoint::testing::assert_cases(RULE_SET, BDD, CASES, STALE);
                assert_eq!(report.cases, #count);
            }

            /// Every case through the typed API a client call resolves with: the crate's
            /// `config::endpoint::Params` built from the case's values, resolved by its
            /// `DefaultResolver` (the generated resolver).
            #[test]
            fn endpoint_rule_tests_through_the_typed_params() {
                let resolver = crate::config::endpoint::DefaultResolver::new();
                let report = ::smithygen_runtime::endpoint::testing::assert_typed_cases(CASES, STALE, |values| {
                    let params = crate::config::endpoint::ParamsBuilder::from_rule_values(values).build_unchecked()?;
                    resolver.resolve(&params)
                });
                assert_eq!(report.cases, #count);
            }
        },
    )]
}

/// `text` as a raw string literal token, with enough `#`s that it cannot end early.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| quote! { #text })
}

#[cfg(test)]
mod tests {
    use super::raw_string;

    #[test]
    fn raw_strings_outlast_their_content() {
        assert_eq!(raw_string("a\"b").to_string(), "r#\"a\"b\"#");
        assert_eq!(raw_string("x\"#y").to_string(), "r##\"x\"#y\"##");
    }
}
