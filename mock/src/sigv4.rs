//! SigV4 verification of received requests, answering failures with the 403 errors AWS sends.
//!
//! The signature is recomputed with `aws-sigv4` (the signer the SDKs use) over the request as
//! it arrived: method, path and query as sent, the headers the client listed in
//! `SignedHeaders`, and the body (or `UNSIGNED-PAYLOAD` when the client said so). Codes and
//! messages follow AWS JSON services (`x-amzn-ErrorType` with the Coral suffix, body
//! `{"message": ...}`):
//!
//! | request | code |
//! |---|---|
//! | no `Authorization` header | `MissingAuthenticationTokenException` "Missing Authentication Token" |
//! | not `AWS4-HMAC-SHA256`, missing `Credential`/`SignedHeaders`/`Signature`, no `X-Amz-Date` | `IncompleteSignatureException` |
//! | unknown access key, wrong or missing session token | `UnrecognizedClientException` "The security token included in the request is invalid." |
//! | `X-Amz-Date` more than 15 minutes off | `InvalidSignatureException` "Signature expired: ..." / "Signature not yet current: ..." |
//! | scope of another date, region, service or terminator | `InvalidSignatureException` "Credential should be scoped to ..." |
//! | signature differs | `InvalidSignatureException` "The request signature we calculated does not match ..." |

use crate::config::AuthConfig;
use bytes::Bytes;
use smithygen_runtime::server::{error_response, ServerResponse};
use std::time::{Duration, SystemTime};

/// The signing name of SageMaker Runtime.
pub const SERVICE: &str = "sagemaker";

const CORAL_SUFFIX: &str = ":http://internal.amazon.com/coral/com.amazon.coral.service/";

const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. \
    Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// The error code, such as `InvalidSignatureException`.
    pub code: &'static str,
    /// The message, in AWS's wording.
    pub message: String,
}

impl AuthFailure {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        AuthFailure { code, message: message.into() }
    }

    fn incomplete(message: impl Into<String>) -> Self {
        Self::new("IncompleteSignatureException", message)
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new("InvalidSignatureException", message)
    }

    /// The 403 response.
    pub fn into_response(self) -> ServerResponse {
        error_response(403, &format!("{}{CORAL_SUFFIX}", self.code), &self.message, Default::default())
    }
}

/// Checks the SigV4 signature of `request` against `auth`, for `region` and [`SERVICE`], at `now`.
pub fn verify(auth: &AuthConfig, region: &str, request: &http::Request<Bytes>, now: SystemTime) -> Result<(), AuthFailure> {
    let Some(authorization) = request.headers().get(http::header::AUTHORIZATION) else {
        return Err(AuthFailure::new("MissingAuthenticationTokenException", "Missing Authentication Token"));
    };
    let authorization = authorization.to_str().map_err(|_| AuthFailure::incomplete("The Authorization header is not ASCII text."))?;
    let Some(rest) = authorization.strip_prefix("AWS4-HMAC-SHA256 ") else {
        let algorithm = authorization.split(' ').next().unwrap_or_default();
        return Err(AuthFailure::incomplete(format!("Unsupported AWS 'algorithm': '{algorithm}'. Authorization={authorization}")));
    };
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(AuthFailure::incomplete(format!(
                "'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'."
            )));
        };
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => {}
        }
    }
    let amz_date = request.headers().get("x-amz-date").and_then(|v| v.to_str().ok());
    let mut missing = String::new();
    for (name, present) in [("Credential", credential.is_some()), ("Signature", signature.is_some()), ("SignedHeaders", signed_headers.is_some())] {
        if !present {
            missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
        }
    }
    if amz_date.is_none() {
        missing.push_str("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) = (credential, signed_headers, signature, amz_date)
    else {
        return Err(AuthFailure::incomplete(format!("{missing}Authorization={authorization}")));
    };

    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, scope_date, scope_region, scope_service, terminator] = scope.as_slice() else {
        return Err(AuthFailure::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    let token = request.headers().get("x-amz-security-token").and_then(|v| v.to_str().ok());
    if *access_key != auth.access_key_id || token != auth.session_token.as_deref() {
        return Err(AuthFailure::new("UnrecognizedClientException", "The security token included in the request is invalid."));
    }

    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        AuthFailure::incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })?;
    let skew = Duration::from_secs(auth.max_skew_seconds);
    let minutes = auth.max_skew_seconds / 60;
    if signed_at + skew < now {
        return Err(AuthFailure::invalid(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - {minutes} min.)",
            format_amz_date(now - skew),
            format_amz_date(now)
        )));
    }
    if signed_at > now + skew {
        return Err(AuthFailure::invalid(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + {minutes} min.)",
            format_amz_date(now + skew),
            format_amz_date(now)
        )));
    }
    if *scope_date != &amz_date[..8] {
        return Err(AuthFailure::invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
            &amz_date[..8]
        )));
    }
    if *scope_region != region {
        return Err(AuthFailure::invalid(format!("Credential should be scoped to a valid region, not '{scope_region}'. ")));
    }
    if *scope_service != SERVICE {
        return Err(AuthFailure::invalid(format!("Credential should be scoped to correct service: '{SERVICE}'. ")));
    }
    if *terminator != "aws4_request" {
        return Err(AuthFailure::invalid(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        )));
    }

    let expected = recompute(auth, region, request, signed_headers, signed_at, token, payload_hash(request))?;
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(AuthFailure::invalid(MISMATCH));
    }
    Ok(())
}

/// What the client signed in place of the body: what `x-amz-content-sha256` declares, else the
/// body as received. An input event stream (InvokeEndpointWithBidirectionalStream) reaches the
/// hooks with an empty body and, as the official SDKs sign it, its request is signed over that
/// empty payload; each of its events is signed on its own, chained from the request's signature
/// (the events' signatures are not checked here).
fn payload_hash(request: &http::Request<Bytes>) -> aws_sigv4::http_request::SignableBody<'_> {
    use aws_sigv4::http_request::SignableBody;
    const EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";
    match request.headers().get("x-amz-content-sha256").and_then(|v| v.to_str().ok()) {
        Some("UNSIGNED-PAYLOAD") => SignableBody::UnsignedPayload,
        Some(EVENTS) => SignableBody::Precomputed(EVENTS.to_string()),
        _ => SignableBody::Bytes(request.body()),
    }
}

/// The signature `aws-sigv4` computes for the request as received.
fn recompute(
    auth: &AuthConfig,
    region: &str,
    request: &http::Request<Bytes>,
    signed_headers: &str,
    signed_at: SystemTime,
    token: Option<&str>,
    body: aws_sigv4::http_request::SignableBody<'_>,
) -> Result<String, AuthFailure> {
    use aws_sigv4::http_request::{sign, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;

    let signed: Vec<&str> = signed_headers.split(';').collect();
    let mismatch = || AuthFailure::invalid(MISMATCH);
    let mut headers: Vec<(&str, &str)> = Vec::new();
    for (name, value) in request.headers() {
        if name == http::header::AUTHORIZATION || !signed.contains(&name.as_str()) {
            continue;
        }
        headers.push((name.as_str(), value.to_str().map_err(|_| mismatch())?));
    }
    let host = request.headers().get(http::header::HOST).and_then(|v| v.to_str().ok()).ok_or_else(mismatch)?;
    let path_and_query = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let url = format!("http://{host}{path_and_query}");
    let identity = aws_credential_types::Credentials::new(
        &auth.access_key_id,
        &auth.secret_access_key,
        token.map(str::to_string),
        None,
        "sagemaker-runtime-mock",
    )
    .into();
    let mut settings = SigningSettings::default();
    // Sign exactly the headers the client chose, no more, no fewer.
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(signed_at)
        .settings(settings)
        .build()
        .map_err(|_| mismatch())?
        .into();
    let signable = SignableRequest::new(request.method().as_str(), url, headers.into_iter(), body).map_err(|_| mismatch())?;
    let (instructions, _) = sign(signable, &params).map_err(|_| mismatch())?.into_parts();
    let authorization = instructions
        .headers()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.to_string())
        .ok_or_else(mismatch)?;
    Ok(authorization.rsplit("Signature=").next().unwrap_or_default().to_string())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `20150830T123600Z` → a time.
fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !s[..8].bytes().chain(s[9..15].bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let iso = format!("{}-{}-{}T{}:{}:{}Z", &s[0..4], &s[4..6], &s[6..8], &s[9..11], &s[11..13], &s[13..15]);
    let time = aws_smithy_types::DateTime::from_str(&iso, aws_smithy_types::date_time::Format::DateTime).ok()?;
    time.try_into().ok()
}

/// A time as `20150830T123600Z`.
pub(crate) fn format_amz_date(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let text = aws_smithy_types::DateTime::from_secs(secs as i64)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default();
    text.replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;

    const NOW: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn auth() -> AuthConfig {
        AuthConfig::new("AKIDEXAMPLE", "SECRET")
    }

    /// A request signed the way the SDKs sign it.
    fn signed(key: &str, secret: &str, region: &str, service: &str, at: SystemTime, body: &'static str) -> http::Request<Bytes> {
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
        let headers = [("host", "127.0.0.1:8080"), ("content-type", "application/json")];
        let signable = SignableRequest::new(
            "POST",
            "http://127.0.0.1:8080/endpoints/my-ep/invocations",
            headers.into_iter(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut request = http::Request::post("/endpoints/my-ep/invocations")
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/json")
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap();
        instructions.apply_to_request_http1x(&mut request);
        request
    }

    fn code(request: &http::Request<Bytes>) -> Result<(), (&'static str, String)> {
        verify(&auth(), "us-east-1", request, now()).map_err(|f| (f.code, f.message))
    }

    #[test]
    fn a_good_signature_passes() {
        assert_eq!(code(&signed("AKIDEXAMPLE", "SECRET", "us-east-1", "sagemaker", now(), "{}")), Ok(()));
    }

    #[test]
    fn each_fault_gets_the_aws_code() {
        let good = signed("AKIDEXAMPLE", "SECRET", "us-east-1", "sagemaker", now(), "{}");
        let mut unsigned = good.clone();
        unsigned.headers_mut().remove("authorization");
        assert_eq!(code(&unsigned).unwrap_err(), ("MissingAuthenticationTokenException", "Missing Authentication Token".into()));

        let mut tampered = good.clone();
        *tampered.body_mut() = Bytes::from_static(b"{\"x\":1}");
        let (c, m) = code(&tampered).unwrap_err();
        assert_eq!(c, "InvalidSignatureException");
        assert!(m.starts_with("The request signature we calculated does not match"), "{m}");

        let (c, _) = code(&signed("AKIDEXAMPLE", "WRONG", "us-east-1", "sagemaker", now(), "{}")).unwrap_err();
        assert_eq!(c, "InvalidSignatureException");
        let (c, m) = code(&signed("OTHERKEY", "SECRET", "us-east-1", "sagemaker", now(), "{}")).unwrap_err();
        assert_eq!((c, m.as_str()), ("UnrecognizedClientException", "The security token included in the request is invalid."));
        let (c, m) = code(&signed("AKIDEXAMPLE", "SECRET", "eu-west-1", "sagemaker", now(), "{}")).unwrap_err();
        assert_eq!((c, m.as_str()), ("InvalidSignatureException", "Credential should be scoped to a valid region, not 'eu-west-1'. "));
        let (c, m) = code(&signed("AKIDEXAMPLE", "SECRET", "us-east-1", "s3", now(), "{}")).unwrap_err();
        assert_eq!((c, m.as_str()), ("InvalidSignatureException", "Credential should be scoped to correct service: 'sagemaker'. "));

        let old = now() - Duration::from_secs(16 * 60);
        let (c, m) = code(&signed("AKIDEXAMPLE", "SECRET", "us-east-1", "sagemaker", old, "{}")).unwrap_err();
        assert_eq!(c, "InvalidSignatureException");
        assert_eq!(m, "Signature expired: 20231114T215720Z is now earlier than 20231114T215820Z (20231114T221320Z - 15 min.)");
        let future = now() + Duration::from_secs(16 * 60);
        let (c, m) = code(&signed("AKIDEXAMPLE", "SECRET", "us-east-1", "sagemaker", future, "{}")).unwrap_err();
        assert_eq!(c, "InvalidSignatureException");
        assert!(m.starts_with("Signature not yet current: 20231114T222920Z is still later than"), "{m}");
        // Within the allowed skew: fine.
        let recent = now() - Duration::from_secs(14 * 60);
        assert_eq!(code(&signed("AKIDEXAMPLE", "SECRET", "us-east-1", "sagemaker", recent, "{}")), Ok(()));
    }

    #[test]
    fn incomplete_authorization_headers_say_what_is_missing() {
        let mut request = http::Request::post("/").body(Bytes::new()).unwrap();
        request.headers_mut().insert("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sagemaker/aws4_request".parse().unwrap());
        let (c, m) = code(&request).unwrap_err();
        assert_eq!(c, "IncompleteSignatureException");
        assert!(m.starts_with("Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential="), "{m}");
        request.headers_mut().insert("authorization", "Bearer abc".parse().unwrap());
        assert_eq!(code(&request).unwrap_err().0, "IncompleteSignatureException");
    }

    #[test]
    fn the_response_is_a_403_with_the_coral_error_type() {
        let r = AuthFailure::new("MissingAuthenticationTokenException", "Missing Authentication Token").into_response();
        assert_eq!(r.status(), 403);
        assert_eq!(
            r.headers()["x-amzn-errortype"],
            "MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.coral.service/"
        );
        assert_eq!(&r.body()[..], br#"{"message":"Missing Authentication Token"}"#);
    }

    #[test]
    fn amz_dates_round_trip() {
        assert_eq!(format_amz_date(now()), "20231114T221320Z");
        assert_eq!(parse_amz_date("20231114T221320Z"), Some(now()));
        assert_eq!(parse_amz_date("2023-11-14T22:13:20Z"), None);
    }
}
