//! Upstream mode: forwarding invocations to a SageMaker-compatible model container, which
//! serves `GET /ping` (healthy when 200) and `POST /invocations`.
//!
//! As SageMaker does, the mock passes the body, `Content-Type`, `Accept` and the
//! `X-Amzn-SageMaker-*` headers the container may read (custom attributes, target model,
//! inference id, session id); a 2xx answer becomes the output (its `Content-Type` and
//! `X-Amzn-SageMaker-Custom-Attributes` too), any other status a `ModelError` (424) carrying
//! the container's status and body. The container is pinged before the first invocation
//! and until it first answers 200; until then invocations get `ModelNotReadyException`.

use crate::behaviour::UpstreamSpec;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// SageMaker gives a container's `/ping` 2 seconds.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// What the mock sends a container.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContainerRequest {
    pub body: Bytes,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub custom_attributes: Option<String>,
    pub target_model: Option<String>,
    pub inference_id: Option<String>,
    pub session_id: Option<String>,
    /// `PrefixAwareId`, the routing hint of prefix-aware endpoints, passed on as SageMaker does.
    pub prefix_aware_id: Option<String>,
}

/// What a container answered.
#[derive(Debug)]
pub(crate) struct ContainerResponse {
    pub status: u16,
    pub body: Bytes,
    pub content_type: Option<String>,
    pub custom_attributes: Option<String>,
    pub session_id: Option<String>,
    pub closed_session_id: Option<String>,
}

/// Why a container could not be asked.
#[derive(Debug)]
pub(crate) enum ContainerError {
    /// `/ping` did not answer 200.
    NotReady(String),
    /// No answer within the timeout.
    Timeout,
    /// The connection failed.
    Unreachable(String),
}

/// The HTTP client to containers, and which containers have answered a ping.
#[derive(Debug)]
pub(crate) struct Upstream {
    client: Client<HttpConnector, Full<Bytes>>,
    healthy: Mutex<HashSet<String>>,
}

impl Default for Upstream {
    fn default() -> Self {
        Upstream { client: Client::builder(TokioExecutor::new()).build_http(), healthy: Mutex::default() }
    }
}

impl Upstream {
    /// Pings the container until it first answers 200.
    async fn ensure_healthy(&self, url: &str) -> Result<(), ContainerError> {
        if self.healthy.lock().unwrap_or_else(|p| p.into_inner()).contains(url) {
            return Ok(());
        }
        let request = http::Request::get(format!("{url}/ping"))
            .body(Full::new(Bytes::new()))
            .map_err(|e| ContainerError::Unreachable(e.to_string()))?;
        let answer = tokio::time::timeout(PING_TIMEOUT, self.client.request(request)).await;
        match answer {
            Ok(Ok(response)) if response.status() == 200 => {
                self.healthy.lock().unwrap_or_else(|p| p.into_inner()).insert(url.to_string());
                Ok(())
            }
            Ok(Ok(response)) => Err(ContainerError::NotReady(format!("GET {url}/ping answered {}", response.status()))),
            Ok(Err(e)) => Err(ContainerError::NotReady(format!("GET {url}/ping failed: {}", describe(&e)))),
            Err(_) => Err(ContainerError::NotReady(format!("GET {url}/ping did not answer within {PING_TIMEOUT:?}"))),
        }
    }

    /// `POST /invocations` on the container, for a streamed answer: the status and headers
    /// within the timeout, then the body as the container sends it (chunked transfer).
    pub(crate) async fn invoke_streaming(
        &self,
        spec: &UpstreamSpec,
        request: ContainerRequest,
    ) -> Result<http::Response<hyper::body::Incoming>, ContainerError> {
        self.ensure_healthy(&spec.url).await?;
        let http_request = container_request(&spec.url, request)?;
        match tokio::time::timeout(spec.timeout, self.client.request(http_request)).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(e)) => Err(ContainerError::Unreachable(describe(&e))),
            Err(_) => Err(ContainerError::Timeout),
        }
    }

    /// `POST /invocations` on the container.
    pub(crate) async fn invoke(&self, spec: &UpstreamSpec, request: ContainerRequest) -> Result<ContainerResponse, ContainerError> {
        self.ensure_healthy(&spec.url).await?;
        let http_request = container_request(&spec.url, request)?;
        let exchange = async {
            let response = self.client.request(http_request).await.map_err(|e| ContainerError::Unreachable(describe(&e)))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| ContainerError::Unreachable(e.to_string()))?.to_bytes();
            let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            Ok(ContainerResponse {
                status: parts.status.as_u16(),
                content_type: header("content-type"),
                custom_attributes: header("x-amzn-sagemaker-custom-attributes"),
                session_id: header("x-amzn-sagemaker-session-id"),
                closed_session_id: header("x-amzn-sagemaker-closed-session-id"),
                body,
            })
        };
        match tokio::time::timeout(spec.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(ContainerError::Timeout),
        }
    }
}

/// The `POST /invocations` request for `request`.
fn container_request(url: &str, request: ContainerRequest) -> Result<http::Request<Full<Bytes>>, ContainerError> {
    let mut builder = http::Request::post(format!("{url}/invocations"));
    let headers = [
        ("content-type", &request.content_type),
        ("accept", &request.accept),
        ("x-amzn-sagemaker-custom-attributes", &request.custom_attributes),
        ("x-amzn-sagemaker-target-model", &request.target_model),
        ("x-amzn-sagemaker-inference-id", &request.inference_id),
        ("x-amzn-sagemaker-session-id", &request.session_id),
        ("x-amzn-sagemaker-prefix-aware-id", &request.prefix_aware_id),
    ];
    for (name, value) in headers {
        if let Some(value) = value {
            builder = builder.header(name, value);
        }
    }
    builder.body(Full::new(request.body)).map_err(|e| ContainerError::Unreachable(e.to_string()))
}

/// An error with its sources, for messages.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
