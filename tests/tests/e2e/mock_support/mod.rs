//! Shared by the `mock_*` tests: clients configured for a local mock, and raw HTTP/1.1
//! requests for what a typed client cannot send.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::Duration;

pub const KEY: &str = "AKIDMOCKEXAMPLE";
pub const SECRET: &str = "mock/secret/EXAMPLEKEY";

/// The generated client against `url`, retries off (so each error is seen once).
pub fn client(url: &str) -> sagemaker_runtime::Client {
    client_signed(url, KEY, SECRET, "us-east-1")
}

/// The generated client with these credentials and region.
pub fn client_signed(url: &str, key: &str, secret: &str, region: &str) -> sagemaker_runtime::Client {
    let config = sagemaker_runtime::Config::builder()
        .region(sagemaker_runtime::config::Region::new(region.to_string()))
        .credentials_provider(sagemaker_runtime::config::Credentials::new(key, secret, None, None, "mock-test"))
        .endpoint_url(url)
        .retry_config(sagemaker_runtime::config::RetryConfig::disabled())
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

/// The official AWS SDK client against `url`, retries off.
pub fn official(url: &str) -> aws_sdk_sagemakerruntime::Client {
    official_signed(url, KEY, SECRET)
}

/// The official client with these credentials.
pub fn official_signed(url: &str, key: &str, secret: &str) -> aws_sdk_sagemakerruntime::Client {
    let config = aws_sdk_sagemakerruntime::Config::builder()
        .behavior_version(aws_sdk_sagemakerruntime::config::BehaviorVersion::latest())
        .region(aws_sdk_sagemakerruntime::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sagemakerruntime::config::Credentials::new(key, secret, None, None, "mock-test"))
        .endpoint_url(url)
        .retry_config(aws_sdk_sagemakerruntime::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sagemakerruntime::Client::from_conf(config)
}

/// A raw HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or_else(|| panic!("no header {name} in {:?}", self.headers))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {:?}", self.body))
    }

    pub fn message(&self) -> String {
        self.json()["message"].as_str().unwrap_or_default().to_string()
    }
}

/// Sends one request on a new connection. Header values are raw bytes, so non-ASCII text a
/// typed client refuses can be sent too.
pub async fn raw(addr: SocketAddr, method: &str, uri: &str, headers: &[(&str, &[u8])], body: impl Into<Bytes>) -> Answer {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let mut request = http::Request::builder().method(method).uri(uri);
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
        request = request.header("host", addr.to_string());
    }
    for (name, value) in headers {
        request = request.header(*name, http::HeaderValue::from_bytes(value).unwrap());
    }
    let response = sender.send_request(request.body(Full::new(body.into())).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body }
}

/// Waits until `check` is true, up to `timeout`.
pub async fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}
