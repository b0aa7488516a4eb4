//! Test support shared by the end-to-end tests: a scripted HTTP/1.1 server on
//! loopback that records every request, and an independent SigV4 verifier.
//!
//! Everything here is real: a hyper server on a TCP port, and signatures
//! recomputed with `aws-sigv4` from the bytes that arrived.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::net::TcpListener;

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path and query, exactly as sent on the request line.
    pub uri: String,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Bytes,
}

impl Recorded {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The path part of the URI.
    pub fn path(&self) -> &str {
        self.uri.split('?').next().unwrap_or("")
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Bytes,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
}

impl Reply {
    /// A reply with a status and no body.
    pub fn status(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Bytes::new(), delay: None }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Reply {
        self.body = body.into();
        self
    }

    /// A 200 with a text body and a request id.
    pub fn ok(body: &str) -> Reply {
        Reply::status(200).header("x-amzn-requestid", "req-ok").body(body.to_string())
    }

    /// An error in the JSON style with the code in `__type` (no `X-Amzn-ErrorType`).
    pub fn error(status: u16, code: &str) -> Reply {
        Reply::status(status)
            .header("x-amzn-requestid", &format!("req-{status}"))
            .header("content-type", "application/json")
            .body(format!(r#"{{"__type":"{code}","message":"{code} happened"}}"#))
    }

    /// Answers after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    /// A restJson1 error: `X-Amzn-ErrorType`, a JSON body, a request id.
    pub fn json_error(status: u16, code: &str, body: &str) -> Reply {
        Reply::status(status)
            .header("x-amzn-errortype", code)
            .header("content-type", "application/json")
            .header("x-amzn-requestid", &format!("req-{code}"))
            .body(body.to_string())
    }
}

/// A running scripted server.
pub struct TestServer {
    /// The bound address (127.0.0.1 and a free port).
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Starts a server that answers request number `i` (0-based) with `responder(i, &request)`.
pub async fn start<F>(responder: F) -> TestServer
where
    F: Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
    let responder = Arc::new(responder);
    let recorded = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let recorded = recorded.clone();
            let responder = responder.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let recorded = recorded.clone();
                    let responder = responder.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await?.to_bytes();
                        let request = Recorded {
                            method: parts.method.to_string(),
                            uri: parts.uri.to_string(),
                            headers: parts
                                .headers
                                .iter()
                                .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                                .collect(),
                            body,
                        };
                        let index = {
                            let mut all = recorded.lock().expect("request log");
                            all.push(request.clone());
                            all.len() - 1
                        };
                        let reply = responder(index, &request);
                        if let Some(delay) = reply.delay {
                            tokio::time::sleep(delay).await;
                        }
                        let mut response = hyper::Response::builder().status(reply.status);
                        for (name, value) in &reply.headers {
                            response = response.header(name.as_str(), value.as_str());
                        }
                        Ok::<_, hyper::Error>(response.body(Full::new(reply.body)).expect("valid response"))
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    TestServer { addr, requests }
}

/// Starts a server that accepts connections and never reads or answers.
/// Returns its address and a counter of accepted connections.
pub async fn start_black_hole() -> (SocketAddr, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let accepted: Arc<Mutex<usize>> = Arc::default();
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if let Ok(mut n) = counter.lock() {
                *n += 1;
            }
            tokio::spawn(async move {
                let _held_open = stream;
                std::future::pending::<()>().await;
            });
        }
    });
    (addr, accepted)
}

/// What a valid SigV4 `Authorization` header said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureScope {
    /// Access key id.
    pub access_key: String,
    /// `YYYYMMDD`.
    pub date: String,
    /// Signing region.
    pub region: String,
    /// Signing name (service).
    pub service: String,
    /// Signed header names, lowercase, sorted.
    pub signed_headers: Vec<String>,
}

/// Verifies a received request's SigV4 signature independently: parses the
/// `Authorization` header, rebuilds the request from what arrived (method,
/// URI, the signed headers, body), signs it again with `aws-sigv4` at the
/// request's own `x-amz-date`, and compares signatures.
pub fn verify_sigv4(request: &Recorded, access_key: &str, secret_key: &str, session_token: Option<&str>) -> Result<SignatureScope, String> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;

    let auth = request.header("authorization").ok_or("no Authorization header")?;
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| format!("not SigV4: {auth}"))?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed_headers = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let credential = credential.ok_or("no Credential")?;
    let signed: Vec<String> = signed_headers.ok_or("no SignedHeaders")?.split(';').map(str::to_string).collect();
    let signature = signature.ok_or("no Signature")?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = scope.as_slice() else {
        return Err(format!("malformed credential scope: {credential}"));
    };
    if *terminator != "aws4_request" {
        return Err(format!("bad scope terminator: {terminator}"));
    }
    if *key != access_key {
        return Err(format!("signed with access key {key}, expected {access_key}"));
    }
    let amz_date = request.header("x-amz-date").ok_or("no x-amz-date")?;
    let time = aws_smithy_types::DateTime::from_str(amz_date, aws_smithy_types::date_time::Format::DateTime)
        .or_else(|_| parse_amz_date(amz_date))
        .map_err(|e| format!("bad x-amz-date {amz_date}: {e}"))?;
    let time: SystemTime = time.try_into().map_err(|_| "x-amz-date out of range")?;

    let identity = aws_credential_types::Credentials::new(access_key, secret_key, session_token.map(str::to_string), None, "verifier").into();
    let mut settings = SigningSettings::default();
    // Re-sign exactly the headers the client chose to sign.
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(n, _)| signed.iter().any(|s| s == n) && n != "authorization")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let host = request.header("host").ok_or("no Host header")?;
    let url = format!("http://{host}{}", request.uri);
    let signable = SignableRequest::new(&request.method, url, headers.into_iter(), SignableBody::Bytes(&request.body))
        .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
    let expected = instructions
        .headers()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.to_string())
        .ok_or("verifier produced no signature")?;
    let expected_signature = expected.rsplit("Signature=").next().unwrap_or_default();
    if expected_signature != signature {
        return Err(format!("signature mismatch: got {signature}, recomputed {expected_signature}"));
    }
    Ok(SignatureScope {
        access_key: key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed,
    })
}

/// `20150830T123600Z` → a DateTime.
fn parse_amz_date(s: &str) -> Result<aws_smithy_types::DateTime, String> {
    if s.len() != 16 {
        return Err("expected YYYYMMDDTHHMMSSZ".into());
    }
    let iso = format!("{}-{}-{}T{}:{}:{}Z", &s[0..4], &s[4..6], &s[6..8], &s[9..11], &s[11..13], &s[13..15]);
    aws_smithy_types::DateTime::from_str(&iso, aws_smithy_types::date_time::Format::DateTime).map_err(|e| e.to_string())
}
