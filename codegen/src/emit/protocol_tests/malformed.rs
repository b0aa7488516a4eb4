//! `smithy.test#httpMalformedRequestTests`: each case (each row of its
//! `testParameters`) sends its raw request through the generated server's
//! router in process and checks the rejection: status, headers and body
//! (JSON compared as values, or the `message` matched by `messageRegex`).

#[cfg(test)]
use crate::conformance::{expand, interpolate};
use crate::emit::common::ident;
use crate::ir::Service;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// Percent-encodes what a URI may not hold as is (spaces, quotes, non-ASCII),
/// keeping everything a test may have encoded on purpose.
fn uri_text(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%[]".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The body of one malformed-request test.
pub fn test_body(case: &Value) -> TokenStream {
    let request = case.get("request").cloned().unwrap_or(Value::Null);
    let response = case.get("response").cloned().unwrap_or(Value::Null);
    let method = request.get("method").and_then(Value::as_str).unwrap_or("GET");
    let mut uri = request.get("uri").and_then(Value::as_str).unwrap_or("/").to_string();
    let query: Vec<&str> =
        request.get("queryParams").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    if !query.is_empty() {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&query.join("&"));
    }
    let uri = uri_text(&uri);
    let headers = request.get("headers").and_then(Value::as_object).map(|o| {
        o.iter()
            .map(|(k, v)| {
                let v = v.as_str().unwrap_or_default();
                quote! { .header(#k, #v.as_bytes()) }
            })
            .collect::<Vec<_>>()
    });
    let headers = headers.unwrap_or_default();
    let body = request.get("body").and_then(Value::as_str).unwrap_or_default();
    let code = response.get("code").and_then(Value::as_u64).unwrap_or(400) as u16;
    let expected_headers: Vec<TokenStream> = response
        .get("headers")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let v = v.as_str().unwrap_or_default();
                    quote! { (#k, #v) }
                })
                .collect()
        })
        .unwrap_or_default();
    let expected_body = response.get("body");
    let media_type = expected_body.and_then(|b| b.get("mediaType")).and_then(Value::as_str);
    let assertion = expected_body.and_then(|b| b.get("assertion"));
    let contents = assertion.and_then(|a| a.get("contents")).and_then(Value::as_str);
    let regex = assertion.and_then(|a| a.get("messageRegex")).and_then(Value::as_str);
    let opt = |v: Option<&str>| match v {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    };
    let (media_type, contents, regex) = (opt(media_type), opt(contents), opt(regex));
    quote! {
        let router = crate::server::router(super::support::RejectAll);
        let request = ::http::Request::builder()
            .method(#method)
            .uri(#uri)
            #(#headers)*
            .body(#body.as_bytes().to_vec().into())
            .expect("the test's request is valid HTTP");
        let response = router.handle(request).await;
        super::support::check_rejection(
            &response,
            &super::support::ExpectedRejection {
                code: #code,
                headers: &[#(#expected_headers),*],
                body: #contents,
                body_media_type: #media_type,
                message_regex: #regex,
            },
        );
    }
}

/// `RejectAll`, a service whose every operation panics (a malformed request must
/// never reach it), and the rejection check; both need the `server` feature.
pub fn support(svc: &Service) -> TokenStream {
    let service_trait = ident(&svc.server_trait);
    let methods = svc.operations.iter().map(|op| {
        super::never_called(svc, op, &format!("the {} request should have been rejected, but it was read as {{input:?}}", op.name))
    });
    quote! {
        /// A service that must never be called: malformed requests are rejected before it.
        #[cfg(feature = "server")]
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::marker::Copy)]
        pub(crate) struct RejectAll;

        #[cfg(feature = "server")]
        #[allow(unused_variables, unreachable_code)]
        impl crate::server::#service_trait for RejectAll {
            #(#methods)*
        }

        /// What an `httpMalformedRequestTests` case expects of the rejection.
        #[cfg(feature = "server")]
        pub(crate) struct ExpectedRejection {
            pub(crate) code: u16,
            pub(crate) headers: &'static [(&'static str, &'static str)],
            pub(crate) body: ::std::option::Option<&'static str>,
            pub(crate) body_media_type: ::std::option::Option<&'static str>,
            pub(crate) message_regex: ::std::option::Option<&'static str>,
        }

        /// Checks status, headers and body (or the body's `message` against a regex).
        #[cfg(feature = "server")]
        pub(crate) fn check_rejection(response: &::smithygen_runtime::server::ServerResponse, expected: &ExpectedRejection) {
            let body = ::std::string::String::from_utf8_lossy(response.body());
            assert_eq!(response.status().as_u16(), expected.code, "status (body: {body})");
            for (name, value) in expected.headers {
                let got: ::std::vec::Vec<&str> = response.headers().get_all(*name).iter().map(|v| v.to_str().unwrap_or("<not text>")).collect();
                assert_eq!(got.join(", "), *value, "header `{name}`");
            }
            if let ::std::option::Option::Some(contents) = expected.body {
                check_body(response.body(), contents.as_bytes(), expected.body_media_type);
            }
            if let ::std::option::Option::Some(pattern) = expected.message_regex {
                let document: ::serde_json::Value = ::serde_json::from_slice(response.body()).unwrap_or_default();
                let message = ["message", "Message"].iter().find_map(|k| document.get(*k).and_then(|m| m.as_str())).unwrap_or_default();
                let regex = ::regex::Regex::new(pattern).expect("the test's messageRegex compiles");
                assert!(regex.is_match(message), "message `{message}` does not match `{pattern}` (body: {body})");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_inserted_as_literals_or_strings() {
        let row = [("value", "a\"b"), ("n", "3")];
        assert_eq!(interpolate("{ \"x\": $value:L, \"y\": $value:S, \"n\": $n:L }", &row), "{ \"x\": a\"b, \"y\": \"a\\\"b\", \"n\": 3 }");
        assert_eq!(interpolate("^[a-m]+$$", &row), "^[a-m]+$");
        assert_eq!(interpolate("cost $5", &row), "cost $5");
    }

    #[test]
    fn a_parameterized_case_expands_to_one_case_per_row() {
        let case = serde_json::json!({
            "id": "T",
            "request": { "body": "$v:L" },
            "testParameters": { "v": ["1", "2"] }
        });
        let cases = expand(&case);
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[1].0, Some(1));
        assert_eq!(cases[1].1["request"]["body"], "2");
        assert!(cases[1].1.get("testParameters").is_none());
    }

    #[test]
    fn uris_keep_encoded_text_and_encode_the_rest() {
        assert_eq!(uri_text("/a b/%2F?x=👍"), "/a%20b/%2F?x=%F0%9F%91%8D");
    }
}
