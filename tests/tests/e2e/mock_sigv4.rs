//! SigV4 verification in the mock (on when credentials are configured): good signatures from
//! the generated client and the official SDK pass; unsigned, forged, tampered, expired and
//! wrongly scoped requests get HTTP 403 with the codes AWS sends. The mock's verdicts are
//! cross-checked with the independent verifier of `tests/src/lib.rs`.

use crate::mock_support;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_types::Blob;
use mock_support::{client, client_signed, official, official_signed, raw, Answer, KEY, SECRET};
use sagemaker_runtime_mock::{AuthConfig, MockHandle, MockServer};
use std::time::{Duration, SystemTime};

async fn start() -> MockHandle {
    MockServer::new().auth(AuthConfig::new(KEY, SECRET)).start().await.unwrap()
}

/// A request signed with `aws-sigv4` directly, to choose time, scope and body freely.
async fn send_signed(
    mock: &MockHandle,
    (key, secret, region, service): (&str, &str, &str, &str),
    at: SystemTime,
    signed_body: &'static str,
    sent_body: &'static str,
) -> Answer {
    let host = mock.local_addr().to_string();
    let identity = aws_credential_types::Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let uri = "/endpoints/my-ep/invocations";
    let headers = [("host", host.as_str()), ("content-type", "application/json")];
    let signable =
        SignableRequest::new("POST", format!("http://{host}{uri}"), headers.into_iter(), SignableBody::Bytes(signed_body.as_bytes())).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut signed: Vec<(String, Vec<u8>)> = vec![("content-type".into(), b"application/json".to_vec())];
    for (name, value) in instructions.headers() {
        signed.push((name.to_string(), value.as_bytes().to_vec()));
    }
    let headers: Vec<(&str, &[u8])> = signed.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    raw(mock.local_addr(), "POST", uri, &headers, sent_body).await
}

fn assert_refused(a: &Answer, code: &str) -> String {
    assert_eq!(a.status, 403, "{:?}", a.body);
    assert_eq!(a.header("x-amzn-errortype"), format!("{code}:http://internal.amazon.com/coral/com.amazon.coral.service/"));
    assert_eq!(a.header("content-type"), "application/json");
    assert_eq!(a.header("x-amzn-requestid").len(), 36);
    a.message()
}

const GOOD: (&str, &str, &str, &str) = (KEY, SECRET, "us-east-1", "sagemaker");

#[tokio::test]
async fn correctly_signed_requests_from_both_clients_pass() {
    let mock = start().await;
    mock.put_object("s3://in/x", "x").await.unwrap();
    let out = client(&mock.url()).invoke_endpoint().endpoint_name("ep").body(Blob::new(b"ok".to_vec())).send().await.unwrap();
    assert_eq!(out.body().unwrap().as_ref(), b"ok");
    client(&mock.url()).invoke_endpoint_async().endpoint_name("ep").input_location("s3://in/x").send().await.unwrap();
    let out = official(&mock.url())
        .invoke_endpoint()
        .endpoint_name("ep")
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"sdk".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.body().unwrap().as_ref(), b"sdk");
    official(&mock.url()).invoke_endpoint_async().endpoint_name("ep").input_location("s3://in/x").send().await.unwrap();
    assert_eq!(send_signed(&mock, GOOD, SystemTime::now(), "{}", "{}").await.status, 200);
    // Within the 15-minute skew AWS allows.
    assert_eq!(send_signed(&mock, GOOD, SystemTime::now() - Duration::from_secs(14 * 60), "{}", "{}").await.status, 200);

    // The independent verifier agrees on every request the mock accepted.
    for r in mock.requests() {
        let recorded = e2e_tests::Recorded { method: r.method.clone(), uri: r.uri.clone(), headers: r.headers.clone(), body: r.body.clone() };
        let scope = e2e_tests::verify_sigv4(&recorded, KEY, SECRET, None).unwrap_or_else(|e| panic!("{}: {e}", r.uri));
        assert_eq!((scope.region.as_str(), scope.service.as_str()), ("us-east-1", "sagemaker"));
    }
}

#[tokio::test]
async fn unsigned_forged_tampered_and_unknown_requests_are_refused() {
    let mock = start().await;
    let a = raw(mock.local_addr(), "POST", "/endpoints/ep/invocations", &[], "x").await;
    assert_eq!(assert_refused(&a, "MissingAuthenticationTokenException"), "Missing Authentication Token");
    // Refused before routing, so an unknown path unsigned is refused the same way.
    let a = raw(mock.local_addr(), "GET", "/nothing/here", &[], "").await;
    assert_refused(&a, "MissingAuthenticationTokenException");

    let a = raw(mock.local_addr(), "POST", "/endpoints/ep/invocations", &[("authorization", b"AWS4-HMAC-SHA256 Credential=x")], "x").await;
    let message = assert_refused(&a, "IncompleteSignatureException");
    assert!(message.starts_with("Authorization header requires 'Signature' parameter."), "{message}");

    let forged = send_signed(&mock, (KEY, "not-the-secret", "us-east-1", "sagemaker"), SystemTime::now(), "{}", "{}").await;
    assert!(assert_refused(&forged, "InvalidSignatureException")
        .starts_with("The request signature we calculated does not match the signature you provided."));
    let tampered = send_signed(&mock, GOOD, SystemTime::now(), "{\"amount\":1}", "{\"amount\":9}").await;
    assert_refused(&tampered, "InvalidSignatureException");
    let unknown = send_signed(&mock, ("AKIDSOMEONEELSE", SECRET, "us-east-1", "sagemaker"), SystemTime::now(), "{}", "{}").await;
    assert_eq!(assert_refused(&unknown, "UnrecognizedClientException"), "The security token included in the request is invalid.");

    // The independent verifier rejects what the mock rejected.
    let requests = mock.requests();
    let last_three = &requests[requests.len() - 3..];
    for r in &last_three[..2] {
        let recorded = e2e_tests::Recorded { method: r.method.clone(), uri: r.uri.clone(), headers: r.headers.clone(), body: r.body.clone() };
        assert!(e2e_tests::verify_sigv4(&recorded, KEY, SECRET, None).is_err());
    }
    // Rejected requests are recorded too.
    assert_eq!(requests.len(), 6);
}

#[tokio::test]
async fn expired_and_wrongly_scoped_signatures_are_refused() {
    let mock = start().await;
    let old = SystemTime::now() - Duration::from_secs(20 * 60);
    let message = assert_refused(&send_signed(&mock, GOOD, old, "{}", "{}").await, "InvalidSignatureException");
    assert!(message.starts_with("Signature expired: ") && message.ends_with(" - 15 min.)"), "{message}");
    let future = SystemTime::now() + Duration::from_secs(20 * 60);
    let message = assert_refused(&send_signed(&mock, GOOD, future, "{}", "{}").await, "InvalidSignatureException");
    assert!(message.starts_with("Signature not yet current: "), "{message}");
    let message =
        assert_refused(&send_signed(&mock, (KEY, SECRET, "eu-west-1", "sagemaker"), SystemTime::now(), "{}", "{}").await, "InvalidSignatureException");
    assert_eq!(message, "Credential should be scoped to a valid region, not 'eu-west-1'. ");
    let message = assert_refused(&send_signed(&mock, (KEY, SECRET, "us-east-1", "s3"), SystemTime::now(), "{}", "{}").await, "InvalidSignatureException");
    assert_eq!(message, "Credential should be scoped to correct service: 'sagemaker'. ");
}

#[tokio::test]
async fn clients_read_the_refusals_as_errors_with_the_aws_codes() {
    let mock = start().await;
    let err = client_signed(&mock.url(), KEY, "wrong", "us-east-1")
        .invoke_endpoint()
        .endpoint_name("ep")
        .body(Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    let err = err.into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidSignatureException"), "the Coral suffix is stripped");
    let err = client_signed(&mock.url(), KEY, SECRET, "eu-west-1")
        .invoke_endpoint_async()
        .endpoint_name("ep")
        .input_location("s3://b/k")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidSignatureException"));
    assert_eq!(err.meta().message(), Some("Credential should be scoped to a valid region, not 'eu-west-1'. "));

    use aws_sdk_sagemakerruntime::error::ProvideErrorMetadata;
    let err = official_signed(&mock.url(), "AKIDUNKNOWN", SECRET)
        .invoke_endpoint()
        .endpoint_name("ep")
        .body(aws_sdk_sagemakerruntime::primitives::Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    let err = err.into_service_error();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    assert_eq!(err.message(), Some("The security token included in the request is invalid."));

    // Mock-only paths need no signature.
    let a = raw(mock.local_addr(), "GET", "/_mock/requests", &[], "").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json().as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn replayed_signatures_are_refused_on_any_other_request_and_once_expired() {
    let mock = start().await;
    let good = send_signed(&mock, GOOD, SystemTime::now(), "{}", "{}").await;
    assert_eq!(good.status, 200, "{:?}", good.body);
    // The signed headers of that request, captured and sent again elsewhere.
    let captured = mock.requests().pop().unwrap();
    let headers: Vec<(&str, &[u8])> =
        captured.headers.iter().filter(|(n, _)| n != "host").map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
    for uri in ["/endpoints/other-ep/invocations", "/endpoints/my-ep/async-invocations", "/endpoints/my-ep/invocations?x=1"] {
        let replayed = raw(mock.local_addr(), "POST", uri, &headers, "{}").await;
        assert_refused(&replayed, "InvalidSignatureException");
    }
    let replayed = raw(mock.local_addr(), "POST", "/endpoints/my-ep/invocations", &headers, "{\"more\":1}").await;
    assert_refused(&replayed, "InvalidSignatureException");
    // A replay of the whole request recorded 20 minutes ago is expired (SigV4 has no nonce:
    // like AWS, the mock accepts an identical copy only within the 15-minute window).
    let old = send_signed(&mock, GOOD, SystemTime::now() - Duration::from_secs(20 * 60), "{}", "{}").await;
    assert!(assert_refused(&old, "InvalidSignatureException").starts_with("Signature expired: "));
}
