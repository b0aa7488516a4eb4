//! A local mock of Amazon SageMaker Runtime for tests: `InvokeEndpoint`,
//! `InvokeEndpointAsync` and `InvokeEndpointWithResponseStream` over the real restJson1 wire
//! protocol, served by the generated server stub of `sagemaker-runtime` (request decoding, the
//! model's constraint validation, modeled errors), and on the same port SageMaker Runtime
//! HTTP2's `InvokeEndpointWithBidirectionalStream` through the stub of `sagemaker-runtime-http2`
//! ([`BidiSpec`]: echo, scripts, part sizes and delays, errors, a model container's WebSocket),
//! so any SageMaker Runtime client (the AWS SDKs, the AWS CLI, this workspace's generated
//! clients) can call it with an endpoint URL override.
//!
//! - **Behaviours per endpoint** ([`Behaviour`]): echo (the default), a fixed response, a
//!   modeled error, a delay, a sequence of these, or forwarding to a real model container
//!   (`POST /invocations`, `GET /ping`).
//! - **Async inference**: `InvokeEndpointAsync` answers 202 at once, journals the request in
//!   `<data-dir>/.queue/`, and in the background reads the input from the object store, runs
//!   the endpoint's behaviour and writes the result to the output location or the error to
//!   the failure location, honouring `RequestTTLSeconds` and `InvocationTimeoutSeconds`. The
//!   default store is the data directory (`s3://bucket/key` is `<data-dir>/bucket/key`); an
//!   S3-compatible service can be configured instead. Queued requests survive a restart.
//! - **S3 for its store** (`s3.rs`): the S3 API for the store's objects on the same port
//!   (GetObject, PutObject, ListObjectsV2, multipart uploads, ...), so any S3 client puts
//!   async inputs and reads results; requests are told apart by their signing scope or host.
//! - **Recording**: the newest requests are kept, 10,000 by default ([`RecordConfig`],
//!   [`MockHandle::requests`], `GET /_mock/requests`).
//! - **SigV4 verification** (off by default, [`AuthConfig`]): bad signatures get AWS's 403s.
//! - **HTTP/1.1 and HTTP/2 on one port**: plain HTTP/1.1 and h2c (HTTP/2 with prior
//!   knowledge) by default; HTTPS with ALPN `h2` / `http/1.1` given a certificate and key
//!   ([`MockServer::tls`], or `[tls]` in the config file, [`TlsFiles`]).
//!
//! ```no_run
//! use sagemaker_runtime_mock::{Behaviour, ErrorSpec, MockServer};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockServer::new()
//!     .endpoint("broken", Behaviour::error(ErrorSpec::model_error(500, "boom")))
//!     .start()
//!     .await?;
//! // Point any client at mock.url(), e.g. the generated one:
//! let config = sagemaker_runtime::Config::builder()
//!     .endpoint_url(mock.url())
//!     .region(sagemaker_runtime::config::Region::new("us-east-1"))
//!     .credentials_provider(sagemaker_runtime::config::Credentials::new("AKID", "SECRET", None, None, "test"))
//!     .build();
//! let client = sagemaker_runtime::Client::from_conf(config);
//! // ... call it, then assert on what the mock received:
//! assert!(mock.requests().iter().all(|r| r.operation.is_some()));
//! mock.stop().await?;
//! # Ok(()) }
//! ```
//!
//! Mock-only HTTP paths (all under `/_mock/`, which no API route uses; never signed):
//! `GET /_mock/health`, `GET /_mock/requests` (`?endpoint=NAME`, `?operation=InvokeEndpoint`, `?limit=N`),
//! `DELETE /_mock/requests`, `GET /_mock/async` (pending and finished async requests).

mod admin;
mod bidi;
pub(crate) mod dispatcher;
pub mod behaviour;
pub mod config;
pub mod queue;
pub mod record;
mod s3;
mod s3_uri;
mod service;
pub mod sigv4;
pub mod store;
mod stream;
mod upstream;

pub use behaviour::{
    Action, Behaviour, BidiSource, BidiSpec, ErrorSpec, FixedResponse, Step, StreamFailure, StreamFailureKind, StreamSource, StreamSpec, UpstreamSpec,
};
pub use config::{AsyncConfig, AuthConfig, ConfigError, EndpointConfig, MockConfig, RecordConfig, StoreConfig, StoreKind, TlsFiles};
/// The certificate and key of an HTTPS mock given in code ([`MockServer::tls`]).
pub use smithygen_runtime::server::TlsConfig;
pub use queue::{AsyncResult, AsyncStatus};
pub use record::{RecordedEvent, RecordedRequest};
pub use store::{S3Uri, StoreError};

use bytes::Bytes;
use sagemaker_runtime::server::ServerHandle;
use service::Mock;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::task::JoinHandle;

/// A mock to start: its config, data directory and listen address.
#[derive(Debug, Clone)]
pub struct MockServer {
    config: MockConfig,
    data_dir: Option<PathBuf>,
    listen: SocketAddr,
    tls: Option<TlsConfig>,
}

impl Default for MockServer {
    fn default() -> Self {
        Self::new()
    }
}

impl MockServer {
    /// A mock with the default config (every endpoint name echoes, no SigV4 check), a fresh
    /// temporary data directory, on a free port of 127.0.0.1.
    pub fn new() -> Self {
        Self::with_config(MockConfig::default())
    }

    /// A mock with this config.
    pub fn with_config(config: MockConfig) -> Self {
        MockServer { config, data_dir: None, listen: SocketAddr::from(([127, 0, 0, 1], 0)), tls: None }
    }

    /// The config, to change it further.
    pub fn config_mut(&mut self) -> &mut MockConfig {
        &mut self.config
    }

    /// Configures endpoint `name`.
    pub fn endpoint(mut self, name: impl Into<String>, endpoint: impl Into<EndpointConfig>) -> Self {
        self.config.endpoints.insert(name.into(), endpoint.into());
        self
    }

    /// Configures what unlisted endpoint names do (echo by default; [`Behaviour::not_found`]
    /// answers them as AWS does).
    pub fn default_endpoint(mut self, endpoint: impl Into<EndpointConfig>) -> Self {
        self.config.default = endpoint.into();
        self
    }

    /// Turns SigV4 verification on.
    pub fn auth(mut self, auth: AuthConfig) -> Self {
        self.config.auth = Some(auth);
        self
    }

    /// Sets the region (signatures, ARNs, messages).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }

    /// Sets how many requests (and body bytes) the request log keeps.
    pub fn record(mut self, settings: RecordConfig) -> Self {
        self.config.record = settings;
        self
    }

    /// Sets the async queue settings.
    pub fn async_queue(mut self, settings: AsyncConfig) -> Self {
        self.config.async_queue = settings;
        self
    }

    /// Keeps queued requests and the local object store in `dir` (created if missing),
    /// instead of a temporary directory removed when the mock stops.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Listens on `addr` instead of a free port of 127.0.0.1.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Serves HTTPS with this certificate and key (HTTP/2 or HTTP/1.1 as ALPN chooses)
    /// instead of plain HTTP/1.1 and h2c; takes precedence over the config's `[tls]` files.
    /// The handle's [`url`](MockHandle::url) is then `https://...`.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Validates the config, binds the address, replays queued async requests and serves in
    /// the background.
    pub async fn start(self) -> Result<MockHandle, MockError> {
        self.config.validate().map_err(MockError::Config)?;
        let tls = match (self.tls, &self.config.tls) {
            (Some(tls), _) => Some(tls),
            (None, Some(files)) => Some(files.load().map_err(MockError::Config)?),
            (None, None) => None,
        };
        let (data_dir, temp_dir) = match self.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir).map_err(|e| MockError::io(format!("data directory {}", dir.display()), e))?;
                (dir, None)
            }
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("sagemaker-runtime-mock-")
                    .tempdir()
                    .map_err(|e| MockError::io("temporary data directory", e))?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let store = Arc::new(store::Store::new(&self.config.store, &data_dir).map_err(|e| MockError::Store(e.to_string()))?);
        for bucket in self.config.configured_buckets() {
            store.create_bucket(&bucket).map_err(|e| MockError::Store(e.to_string()))?;
        }
        let (queue, jobs) =
            queue::Queue::open(&data_dir).map_err(|e| MockError::io(format!("queue in {}", data_dir.display()), e))?;
        let mock = Arc::new(Mock::new(self.config, store, queue));
        let replayed = mock.queue.replay().map_err(|e| MockError::io("queue journal", e))?;
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(|e| MockError::io(format!("cannot listen on {}", self.listen), e))?;
        let dispatcher = tokio::spawn(dispatcher::run(mock.clone(), jobs));
        let router = admin::router(mock.clone(), &data_dir);
        let mut server_config = router.config().clone();
        server_config.tls = tls;
        let server = router.with_config(server_config).spawn(listener).map_err(|e| MockError::io("server", e))?;
        tracing::info!(url = %server.url(), data_dir = %data_dir.display(), replayed, "sagemaker-runtime-mock started");
        Ok(MockHandle { server: Some(server), dispatcher: Some(dispatcher), mock, data_dir, _temp_dir: temp_dir })
    }
}

/// Why a mock could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockError {
    /// The config is not valid.
    Config(ConfigError),
    /// The object store could not be set up.
    Store(String),
    /// A file or socket operation failed.
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: io::Error,
    },
}

impl MockError {
    fn io(context: impl Into<String>, source: io::Error) -> Self {
        MockError::Io { context: context.into(), source }
    }
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MockError::Config(e) => write!(f, "invalid config: {e}"),
            MockError::Store(e) => write!(f, "object store: {e}"),
            MockError::Io { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for MockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MockError::Config(e) => Some(e),
            MockError::Io { source, .. } => Some(source),
            MockError::Store(_) => None,
        }
    }
}

/// A running mock. Dropping it stops it too (without waiting).
#[derive(Debug)]
pub struct MockHandle {
    server: Option<ServerHandle>,
    dispatcher: Option<JoinHandle<()>>,
    mock: Arc<Mock>,
    data_dir: PathBuf,
    _temp_dir: Option<tempfile::TempDir>,
}

impl MockHandle {
    /// `http://127.0.0.1:PORT` (`https://` when serving TLS): the endpoint URL for clients.
    pub fn url(&self) -> String {
        match &self.server {
            Some(server) => server.url(),
            None => format!("http://{}", self.local_addr()),
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.as_ref().map(ServerHandle::local_addr).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The data directory (queue journal and the local object store).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The config in force.
    pub fn config(&self) -> &MockConfig {
        &self.mock.config
    }

    /// The requests received so far that the log still holds (the newest
    /// [`RecordConfig::max_requests`]), in arrival order (not the `/_mock/` ones).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.mock.recorder.all()
    }

    /// How many requests the log has forgotten to stay within [`RecordConfig`].
    pub fn dropped_requests(&self) -> u64 {
        self.mock.recorder.dropped()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.mock.recorder.clear();
    }

    /// Async requests this mock has finished, in finishing order.
    pub fn async_results(&self) -> Vec<AsyncResult> {
        self.mock.queue.finished()
    }

    /// `InferenceId`s of async requests accepted (or replayed) and not finished yet.
    pub fn pending_async(&self) -> Vec<String> {
        self.mock.queue.pending().into_iter().map(|(id, _)| id).collect()
    }

    /// Waits until the async request `inference_id` has finished, up to `timeout`.
    pub async fn wait_for_async(&self, inference_id: &str, timeout: Duration) -> Option<AsyncResult> {
        self.mock.queue.wait_for(inference_id, timeout).await
    }

    /// Writes an object to the configured store, e.g. the input of an async request.
    pub async fn put_object(&self, uri: &str, body: impl Into<Bytes>) -> Result<(), StoreError> {
        let uri = S3Uri::parse(uri).map_err(StoreError::Other)?;
        self.mock.store.put(&uri, body.into()).await
    }

    /// Reads an object from the configured store, e.g. an async result.
    pub async fn get_object(&self, uri: &str) -> Result<Bytes, StoreError> {
        let uri = S3Uri::parse(uri).map_err(StoreError::Other)?;
        self.mock.store.get(&uri).await
    }

    /// With the local store: the file that holds the object at `uri`.
    pub fn object_path(&self, uri: &str) -> Option<PathBuf> {
        self.mock.store.local_path(&S3Uri::parse(uri).ok()?)
    }

    /// Stops gracefully: no new connections, requests in flight finish, then the async
    /// queue stops. Requests still queued or running stay journaled in the data directory
    /// and run when a mock starts on it again.
    pub async fn stop(mut self) -> io::Result<()> {
        let served = match self.server.take() {
            Some(server) => server.shutdown().await,
            None => Ok(()),
        };
        if let Some(dispatcher) = self.dispatcher.take() {
            dispatcher.abort();
            let _ = dispatcher.await;
        }
        tracing::info!("sagemaker-runtime-mock stopped");
        served
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        if let Some(dispatcher) = self.dispatcher.take() {
            dispatcher.abort();
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

/// RFC 3339, UTC, whole seconds.
pub(crate) fn format_time(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    aws_smithy_types::DateTime::from_secs(i64::try_from(secs).unwrap_or(i64::MAX))
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}
