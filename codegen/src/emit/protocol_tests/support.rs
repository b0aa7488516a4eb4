//! The `protocol_tests/support.rs` file every crate with protocol tests gets:
//! HTTP clients that capture the request or reply with a fixed response, a
//! client wired to them, the request checks of `smithy.test#httpRequestTests`
//! and the runner of known failures. Written once per crate, not per test.

use proc_macro2::TokenStream;
use quote::quote;

/// The support module. `cbor`: the crate's bodies are CBOR (rpcv2Cbor), compared as CBOR
/// values (the runtime's `rpcv2_cbor`, compiled only into such crates).
pub fn support_module(known_failures_file: &str, cbor: bool) -> TokenStream {
    let cbor_branch = cbor.then(|| {
        quote! {
            if media_type == ::std::option::Option::Some("application/cbor") {
                return check_cbor_body(got, expected);
            }
        }
    });
    let cbor_check = cbor.then(|| {
        quote! {
            /// Compares a CBOR body with the test's (base64 of the CBOR) as values, as the protocol
            /// tests require: map entries in any order, integers and floats of any width, NaN equal
            /// to NaN, definite and indefinite lengths alike. An empty expected body wants none.
            pub(crate) fn check_cbor_body(got: &[u8], expected: &[u8]) {
                use ::smithygen_runtime::protocol::rpcv2_cbor;
                let expected = ::std::str::from_utf8(expected).ok().and_then(|text| ::aws_smithy_types::base64::decode(text).ok()).expect("the test's body is base64");
                if expected.is_empty() {
                    assert!(got.is_empty(), "expected no body, got {} bytes", got.len());
                    return;
                }
                let got_value = rpcv2_cbor::parse_body(got).unwrap_or_else(|e| panic!("the body is not CBOR ({e}): {got:02x?}"));
                let expected_value = rpcv2_cbor::parse_body(&expected).expect("the test's body is CBOR");
                assert!(
                    rpcv2_cbor::same(&got_value, &expected_value),
                    "CBOR body differs\n  got: {got_value:?}\n want: {expected_value:?}"
                );
            }
        }
    });
    let stale = format!("known failure now passes: remove `{{id}}` from {known_failures_file}");
    let results_env = crate::conformance::RESULTS_ENV;
    quote! {
        //! Shared pieces of the protocol tests: capturing and replying HTTP clients, a client
        //! wired to them (region us-east-1, static test credentials, no retries, the fixed
        //! idempotency token the tests expect), request checks, and the runner that expects a
        //! known failure.
        // Not every crate has every kind of test (or a known failure).
        #![allow(dead_code)]

        use ::aws_smithy_runtime_api::client::http::{
            HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
        };
        use ::aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
        use ::aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
        use ::aws_smithy_types::body::SdkBody;
        use ::std::sync::{Arc, Mutex};

        /// Records one test's result when dropped (`<key> passed`, or `failed` while
        /// unwinding) as a line of the file `SMITHYGEN_PROTOCOL_TEST_RESULTS` names, if set:
        /// `cargo xtask conformance` counts these lines instead of reading `cargo test` output.
        pub(crate) struct Record(pub(crate) &'static str);

        impl ::std::ops::Drop for Record {
            fn drop(&mut self) {
                let ::std::option::Option::Some(path) = ::std::env::var_os(#results_env) else { return };
                let outcome = if ::std::thread::panicking() { "failed" } else { "passed" };
                let line = format!("{} {}\n", self.0, outcome);
                let written = ::std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .and_then(|mut file| ::std::io::Write::write_all(&mut file, line.as_bytes()));
                if let ::std::result::Result::Err(e) = written {
                    eprintln!("cannot record `{}` in {}: {e}", self.0, ::std::path::Path::new(&path).display());
                }
            }
        }

        /// The endpoint of tests that name no `host`.
        pub(crate) const DEFAULT_HOST: &str = "example.com";

        /// The idempotency token the protocol tests expect for an `@idempotencyToken` member
        /// left unset (smithy-rs configures its protocol tests the same way).
        pub(crate) const IDEMPOTENCY_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

        /// A client for one test: region `us-east-1`, static credentials, no retries, a fixed
        /// idempotency token, the given endpoint host and HTTP client.
        pub(crate) fn client(host: &str, http_client: impl HttpClient + 'static) -> crate::Client {
            let config = crate::config::Builder::new()
                .region(crate::config::Region::new("us-east-1"))
                .credentials_provider(crate::config::Credentials::new(
                    "AKIDEXAMPLE",
                    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    ::std::option::Option::None,
                    ::std::option::Option::None,
                    "protocol-tests",
                ))
                .endpoint_url(format!("https://{host}"))
                .http_client(http_client)
                .retry_config(crate::config::RetryConfig::disabled())
                .idempotency_token_provider(IDEMPOTENCY_TOKEN)
                .build();
            crate::Client::from_conf(config)
        }

        /// An HTTP client that keeps the request it is sent and answers `200` with no body.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::default::Default)]
        pub(crate) struct CaptureClient {
            request: Arc<Mutex<::std::option::Option<HttpRequest>>>,
        }

        impl CaptureClient {
            /// The captured request; `result` (the call's outcome) explains a missing one.
            pub(crate) fn request<T: ::std::fmt::Debug, E: ::std::fmt::Debug>(
                &self,
                result: ::std::result::Result<T, E>,
            ) -> HttpRequest {
                match self.request.lock().expect("not poisoned").take() {
                    ::std::option::Option::Some(request) => request,
                    ::std::option::Option::None => panic!("the client sent no request: {result:?}"),
                }
            }
        }

        impl HttpConnector for CaptureClient {
            fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
                *self.request.lock().expect("not poisoned") = ::std::option::Option::Some(request);
                let status = ::aws_smithy_runtime_api::http::StatusCode::try_from(200).expect("valid status");
                HttpConnectorFuture::ready(::std::result::Result::Ok(HttpResponse::new(status, SdkBody::empty())))
            }
        }

        impl HttpClient for CaptureClient {
            fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
                SharedHttpConnector::new(self.clone())
            }
        }

        /// An HTTP client that answers every request with the same response.
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub(crate) struct ReplyClient {
            status: u16,
            headers: ::std::vec::Vec<(&'static str, &'static str)>,
            body: ::std::vec::Vec<u8>,
        }

        impl ReplyClient {
            /// A client answering `status`, `headers` and `body`.
            pub(crate) fn new(status: u16, headers: &[(&'static str, &'static str)], body: &'static [u8]) -> Self {
                Self::with_body(status, headers, body.to_vec())
            }

            /// A client answering `status`, `headers` and a body built at run time.
            pub(crate) fn with_body(status: u16, headers: &[(&'static str, &'static str)], body: ::std::vec::Vec<u8>) -> Self {
                Self { status, headers: headers.to_vec(), body }
            }
        }

        impl HttpConnector for ReplyClient {
            fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
                let mut response = ::http::Response::builder().status(self.status);
                for (name, value) in &self.headers {
                    response = response.header(*name, *value);
                }
                let response = response.body(SdkBody::from(self.body.clone())).expect("a valid test response");
                HttpConnectorFuture::ready(::std::result::Result::Ok(
                    HttpResponse::try_from(response).expect("a valid test response"),
                ))
            }
        }

        impl HttpClient for ReplyClient {
            fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
                SharedHttpConnector::new(self.clone())
            }
        }

        /// What an `httpRequestTests` case expects of the request.
        pub(crate) struct ExpectedRequest {
            pub(crate) method: &'static str,
            pub(crate) uri: &'static str,
            pub(crate) host: ::std::option::Option<&'static str>,
            pub(crate) query_params: &'static [&'static str],
            pub(crate) forbid_query_params: &'static [&'static str],
            pub(crate) require_query_params: &'static [&'static str],
            pub(crate) headers: &'static [(&'static str, &'static str)],
            pub(crate) forbid_headers: &'static [&'static str],
            pub(crate) require_headers: &'static [&'static str],
            pub(crate) body: ::std::option::Option<&'static str>,
            pub(crate) body_media_type: ::std::option::Option<&'static str>,
        }

        /// Checks method, path, host, query parameters (order-insensitive), headers and body
        /// (JSON compared as values, anything else byte for byte).
        pub(crate) fn check_request(request: &HttpRequest, expected: &ExpectedRequest) {
            assert_eq!(request.method(), expected.method, "method");
            let uri: ::http::Uri = request.uri().parse().expect("the request URI parses");
            assert_eq!(uri.path(), expected.uri, "path");
            if let ::std::option::Option::Some(host) = expected.host {
                assert_eq!(uri.host(), ::std::option::Option::Some(host), "host");
            }
            let pairs: ::std::vec::Vec<&str> = uri.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()).collect();
            let key = |pair: &str| pair.split('=').next().unwrap_or_default().to_string();
            for param in expected.query_params {
                assert!(pairs.contains(param), "query parameter `{param}` is missing from {pairs:?}");
            }
            for name in expected.forbid_query_params {
                assert!(!pairs.iter().any(|p| key(p) == *name), "query parameter `{name}` is forbidden: {pairs:?}");
            }
            for name in expected.require_query_params {
                assert!(pairs.iter().any(|p| key(p) == *name), "query parameter `{name}` is required: {pairs:?}");
            }
            let headers = request.headers();
            for (name, value) in expected.headers {
                let got: ::std::vec::Vec<&str> = headers.get_all(*name).collect();
                assert_eq!(got.join(", "), *value, "header `{name}`");
            }
            for name in expected.forbid_headers {
                assert!(!headers.contains_key(*name), "header `{name}` is forbidden: {:?}", headers.get(*name));
            }
            for name in expected.require_headers {
                assert!(headers.contains_key(*name), "header `{name}` is required");
            }
            if let ::std::option::Option::Some(body) = expected.body {
                let got = request.body().bytes().expect("the request body is in memory");
                check_body(got, body.as_bytes(), expected.body_media_type);
            }
        }

        /// Compares a body with the expected one: JSON media types as JSON values, others exactly.
        pub(crate) fn check_body(got: &[u8], expected: &[u8], media_type: ::std::option::Option<&str>) {
            #cbor_branch
            let json = media_type.is_some_and(|m| m == "application/json" || m.ends_with("+json"));
            if json && !expected.iter().all(u8::is_ascii_whitespace) {
                let got_value: ::serde_json::Value = ::serde_json::from_slice(got)
                    .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {}", ::std::string::String::from_utf8_lossy(got)));
                let expected_value: ::serde_json::Value = ::serde_json::from_slice(expected).expect("the test's body is JSON");
                assert!(
                    json_equal(&got_value, &expected_value),
                    "JSON body differs\n  got: {got_value}\n want: {expected_value}"
                );
            } else {
                assert_eq!(
                    ::std::string::String::from_utf8_lossy(got),
                    ::std::string::String::from_utf8_lossy(expected),
                    "body"
                );
            }
        }

        #cbor_check

        /// JSON equality where numbers compare by value (`1` equals `1.0`) and object keys in any order.
        pub(crate) fn json_equal(a: &::serde_json::Value, b: &::serde_json::Value) -> bool {
            use ::serde_json::Value;
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y)),
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
                }
                _ => a == b,
            }
        }

        /// Runs a test that is listed as a known failure: it must fail (panic); if it passes,
        /// this panics so the stale entry is removed from the list.
        pub(crate) async fn known_failure(id: &str, check: impl ::std::future::Future<Output = ()>) {
            if CatchUnwind(::std::boxed::Box::pin(check)).await.is_ok() {
                panic!(#stale);
            }
        }

        /// A future that turns a panic while polling into `Err`.
        struct CatchUnwind<F>(::std::pin::Pin<::std::boxed::Box<F>>);

        impl<F: ::std::future::Future<Output = ()>> ::std::future::Future for CatchUnwind<F> {
            type Output = ::std::result::Result<(), ()>;
            fn poll(
                mut self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<Self::Output> {
                let inner = self.0.as_mut();
                match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
                    ::std::result::Result::Ok(::std::task::Poll::Pending) => ::std::task::Poll::Pending,
                    ::std::result::Result::Ok(::std::task::Poll::Ready(())) => ::std::task::Poll::Ready(::std::result::Result::Ok(())),
                    ::std::result::Result::Err(_) => ::std::task::Poll::Ready(::std::result::Result::Err(())),
                }
            }
        }
    }
}
