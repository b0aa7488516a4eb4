//! The HTTP client behind `http2_prior_knowledge`: HTTP/2 with prior knowledge (h2c) to
//! `http://` endpoints, the default client for everything else.
//!
//! The official SDK's default client (aws-smithy-http-client, hyper-util's legacy client) offers
//! `h2` then `http/1.1` by ALPN over TLS and speaks HTTP/1.1 over `http://`; it has no public way
//! to force HTTP/2. With the setting on, a config builds one [`Http2PriorKnowledgeClient`] (shared
//! by its clones, one connection pool) and calls of operations whose model lists `h2` go through
//! it: plain `http://` requests are sent by a hyper-util client with `http2_only(true)`, so
//! every concurrent call is a stream of one HTTP/2 connection per host; `https://` requests go to
//! the default client, which negotiates `h2` by ALPN.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::display::DisplayErrorContext;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::error::Error as StdError;
use std::time::Duration;

/// HTTP/2 with prior knowledge to `http://` endpoints, `fallback` (the default HTTPS client)
/// for the others.
#[derive(Clone, Debug)]
pub(crate) struct Http2PriorKnowledgeClient {
    h2c: Client<TcpConnector, SdkBody>,
    fallback: SharedHttpClient,
}

impl Http2PriorKnowledgeClient {
    /// A client whose h2c connections are opened within `connect_timeout` (the config's).
    pub(crate) fn shared(fallback: SharedHttpClient, connect_timeout: Option<Duration>) -> SharedHttpClient {
        let mut tcp = TcpConnector::new();
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(connect_timeout);
        let h2c = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .http2_only(true)
            .build(tcp);
        Http2PriorKnowledgeClient { h2c, fallback }.into_shared()
    }
}

impl HttpClient for Http2PriorKnowledgeClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        H2cConnector {
            h2c: self.h2c.clone(),
            fallback: self.fallback.http_connector(settings, components),
            read_timeout: settings.read_timeout(),
        }
        .into_shared()
    }
}

#[derive(Debug)]
struct H2cConnector {
    h2c: Client<TcpConnector, SdkBody>,
    fallback: SharedHttpConnector,
    read_timeout: Option<Duration>,
}

impl HttpConnector for H2cConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if !request.uri().starts_with("http://") {
            return self.fallback.call(request);
        }
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(err) => return HttpConnectorFuture::ready(Err(ConnectorError::user(err.into()))),
        };
        let response = self.h2c.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => match tokio::time::timeout(limit, response).await {
                    Ok(response) => response,
                    Err(elapsed) => return Err(ConnectorError::timeout(elapsed.into())),
                },
                None => response.await,
            };
            match response {
                Ok(response) => HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                    .map_err(|err| ConnectorError::other(err.into(), None)),
                Err(err) => Err(connector_error(err)),
            }
        })
    }
}

/// Classifies a hyper-util client error as the default client does: connection and I/O
/// failures are retryable I/O errors (a server that does not speak HTTP/2 ends here: the h2c
/// preface is answered with an HTTP/1.1 error or a closed connection), others are `other`.
fn connector_error(err: hyper_util::client::legacy::Error) -> ConnectorError {
    let io = err.is_connect() || {
        let mut source = err.source();
        let mut found = false;
        while let Some(s) = source {
            if s.is::<std::io::Error>() || s.downcast_ref::<hyper::Error>().is_some_and(|e| e.is_closed() || e.is_canceled()) {
                found = true;
                break;
            }
            source = s.source();
        }
        found
    };
    let err = format!("HTTP/2 with prior knowledge (h2c, setting `http2_prior_knowledge`) failed: {}", DisplayErrorContext(&err));
    if io { ConnectorError::io(err.into()) } else { ConnectorError::other(err.into(), None) }
}
