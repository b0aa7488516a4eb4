//! The mock's configuration: endpoints and their behaviours, the async queue, SigV4
//! verification and the object store. Read from TOML or JSON, or built in code.

use crate::behaviour::{Action, Behaviour, BidiSpec};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default `RequestTTLSeconds` of `InvokeEndpointAsync`: 6 hours.
pub const DEFAULT_REQUEST_TTL_SECONDS: i32 = 21_600;
/// The default `InvocationTimeoutSeconds` of `InvokeEndpointAsync`: 15 minutes.
pub const DEFAULT_INVOCATION_TIMEOUT_SECONDS: i32 = 900;
/// Where async results go unless an endpoint says otherwise (`{endpoint}` is replaced by its name).
pub const DEFAULT_OUTPUT_PATH: &str = "s3://sagemaker-mock-output/{endpoint}";
/// Where async failures go unless an endpoint says otherwise.
pub const DEFAULT_FAILURE_PATH: &str = "s3://sagemaker-mock-failure/{endpoint}";
/// Where inline `InvokeEndpointAsync` payloads (`Body`) are stored as input objects.
pub const DEFAULT_INPUT_PATH: &str = "s3://sagemaker-mock-input/{endpoint}";
/// The production variant name reported unless an endpoint says otherwise (SageMaker's usual default).
pub const DEFAULT_VARIANT: &str = "AllTraffic";

/// Everything the mock can be told. Every field has a default, so an empty file is a valid
/// config: any endpoint name echoes, no SigV4 check, objects in the data directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockConfig {
    /// The region requests must be signed for (with `[auth]`) and that appears in ARNs and
    /// messages (`us-east-1`).
    #[serde(default = "default_region")]
    pub region: String,
    /// The account id in messages and ARNs (`123456789012`).
    #[serde(default = "default_account_id")]
    pub account_id: String,
    /// What endpoints not listed in `endpoints` do: echo unless configured. Set its
    /// `behaviour` to `"not_found"` to answer unknown names as AWS does (`ValidationError`
    /// "Endpoint NAME of account ACCOUNT not found."). Its `variant`, `output_path` and
    /// `failure_path` are also the defaults of listed endpoints.
    #[serde(default)]
    pub default: EndpointConfig,
    /// Endpoints by name.
    #[serde(default)]
    pub endpoints: BTreeMap<String, EndpointConfig>,
    /// The `InvokeEndpointAsync` queue.
    #[serde(default, rename = "async")]
    pub async_queue: AsyncConfig,
    /// SigV4 verification; off when absent.
    #[serde(default)]
    pub auth: Option<AuthConfig>,
    /// Where async inputs are read and results written.
    #[serde(default)]
    pub store: StoreConfig,
    /// How much of the request log is kept (`[record]`).
    #[serde(default)]
    pub record: RecordConfig,
    /// HTTPS (`[tls]`): with a certificate and key the listener serves TLS, HTTP/2 or
    /// HTTP/1.1 as ALPN chooses; without, plain HTTP/1.1 and HTTP/2 (h2c) on the same port.
    #[serde(default)]
    pub tls: Option<TlsFiles>,
}

fn default_region() -> String {
    "us-east-1".into()
}

fn default_account_id() -> String {
    "123456789012".into()
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            region: default_region(),
            account_id: default_account_id(),
            default: EndpointConfig::default(),
            endpoints: BTreeMap::new(),
            async_queue: AsyncConfig::default(),
            auth: None,
            store: StoreConfig::default(),
            record: RecordConfig::default(),
            tls: None,
        }
    }
}

/// One endpoint: its behaviour for invocations, for accepting async requests, and where
/// async results go.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// What invocations answer (`InvokeEndpoint` directly; `InvokeEndpointAsync` in the
    /// background, written to the output or failure location). Echo when unset.
    #[serde(default, alias = "behavior")]
    pub behaviour: Option<Behaviour>,
    /// How `InvokeEndpointWithBidirectionalStream` (SageMaker Runtime HTTP2) answers: echo
    /// each request part (the default), a script of replies, a model container's WebSocket, an
    /// error before the stream, with part sizes, delays and failures mid-stream ([`BidiSpec`]).
    /// An endpoint whose `behaviour` is `"not_found"` and that sets no `bidi` is not found here
    /// either.
    #[serde(default)]
    pub bidi: Option<BidiSpec>,
    /// How `InvokeEndpointAsync` itself answers: `"accept"` (202, the default) or an error
    /// (`InternalFailure`, `ServiceUnavailable`, `ValidationError`, ...), with delays and
    /// sequences like `behaviour`.
    #[serde(default)]
    pub async_accept: Option<Behaviour>,
    /// A delay added to every invocation, in milliseconds.
    #[serde(default)]
    pub delay_ms: u64,
    /// The production variant reported (`AllTraffic`).
    #[serde(default)]
    pub variant: Option<String>,
    /// `S3OutputPath`: async results are written to `<output_path>/<InferenceId>.out`;
    /// `{endpoint}` is replaced by the endpoint name (`s3://sagemaker-mock-output/{endpoint}`).
    #[serde(default)]
    pub output_path: Option<String>,
    /// `S3FailurePath`: async failures are written to `<failure_path>/<InferenceId>-error.out`
    /// (`s3://sagemaker-mock-failure/{endpoint}`).
    #[serde(default)]
    pub failure_path: Option<String>,
    /// Where an inline async payload (`Body`) is stored before it is queued:
    /// `<input_path>/<request-id>.in` (`s3://sagemaker-mock-input/{endpoint}`).
    #[serde(default)]
    pub input_path: Option<String>,
}

impl EndpointConfig {
    /// An endpoint with this behaviour and defaults for everything else.
    pub fn new(behaviour: Behaviour) -> Self {
        EndpointConfig { behaviour: Some(behaviour), ..Default::default() }
    }

    /// Sets how `InvokeEndpointWithBidirectionalStream` answers.
    pub fn bidi(mut self, spec: BidiSpec) -> Self {
        self.bidi = Some(spec);
        self
    }

    /// Sets how `InvokeEndpointAsync` answers.
    pub fn async_accept(mut self, behaviour: Behaviour) -> Self {
        self.async_accept = Some(behaviour);
        self
    }

    /// Adds a delay to every invocation.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// Sets the production variant name.
    pub fn variant(mut self, name: impl Into<String>) -> Self {
        self.variant = Some(name.into());
        self
    }

    /// Sets the async output path (`s3://bucket/prefix`).
    pub fn output_path(mut self, path: impl Into<String>) -> Self {
        self.output_path = Some(path.into());
        self
    }

    /// Sets the async failure path (`s3://bucket/prefix`).
    pub fn failure_path(mut self, path: impl Into<String>) -> Self {
        self.failure_path = Some(path.into());
        self
    }

    /// Sets where inline async payloads are stored (`s3://bucket/prefix`).
    pub fn input_path(mut self, path: impl Into<String>) -> Self {
        self.input_path = Some(path.into());
        self
    }
}

impl From<Behaviour> for EndpointConfig {
    fn from(behaviour: Behaviour) -> Self {
        EndpointConfig::new(behaviour)
    }
}

/// The `InvokeEndpointAsync` queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncConfig {
    /// How many queued requests run at once, over all endpoints (4). A request waits in the
    /// queue, and may expire there, while this many are running.
    #[serde(default = "default_concurrency")]
    pub max_concurrent_invocations: usize,
    /// Multiplies `RequestTTLSeconds` and `InvocationTimeoutSeconds` (1.0). With 0.01 a
    /// 60-second TTL lasts 0.6 s, so tests of expiry stay fast. Behaviour delays are not scaled.
    #[serde(default = "default_time_scale")]
    pub time_scale: f64,
}

fn default_concurrency() -> usize {
    4
}

fn default_time_scale() -> f64 {
    1.0
}

impl Default for AsyncConfig {
    fn default() -> Self {
        AsyncConfig { max_concurrent_invocations: default_concurrency(), time_scale: default_time_scale() }
    }
}

impl AsyncConfig {
    /// `seconds` of the API, in real time.
    pub(crate) fn scaled(&self, seconds: i32) -> Duration {
        Duration::from_secs_f64(f64::from(seconds.max(0)) * self.time_scale)
    }
}

/// The default of [`RecordConfig::max_requests`].
pub const DEFAULT_RECORD_MAX_REQUESTS: usize = 10_000;
/// The default of [`RecordConfig::max_body_bytes`]: 64 MiB.
pub const DEFAULT_RECORD_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The request log keeps the newest requests only: when either bound is passed, the oldest
/// are forgotten (a long load run must not grow the process without end).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordConfig {
    /// At most this many requests are kept (10,000); 0 records nothing.
    #[serde(default = "default_record_max_requests")]
    pub max_requests: usize,
    /// The bodies kept add up to at most this many bytes (64 MiB). A single body larger than
    /// this is kept only until the next request arrives.
    #[serde(default = "default_record_max_body_bytes")]
    pub max_body_bytes: usize,
}

fn default_record_max_requests() -> usize {
    DEFAULT_RECORD_MAX_REQUESTS
}

fn default_record_max_body_bytes() -> usize {
    DEFAULT_RECORD_MAX_BODY_BYTES
}

impl Default for RecordConfig {
    fn default() -> Self {
        RecordConfig { max_requests: DEFAULT_RECORD_MAX_REQUESTS, max_body_bytes: DEFAULT_RECORD_MAX_BODY_BYTES }
    }
}

/// SigV4 verification: requests must be signed with these credentials, for the config's
/// `region` and the service `sagemaker`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// The access key id requests must be signed with.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
    /// When set, requests must carry this `X-Amz-Security-Token`.
    #[serde(default)]
    pub session_token: Option<String>,
    /// How far `X-Amz-Date` may be from the mock's clock, in seconds (900, as AWS).
    #[serde(default = "default_skew")]
    pub max_skew_seconds: u64,
}

fn default_skew() -> u64 {
    900
}

impl AuthConfig {
    /// Verification with these credentials.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        AuthConfig {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
            max_skew_seconds: default_skew(),
        }
    }
}

/// Which object store holds `s3://bucket/key` objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// A local directory: `s3://bucket/key` is `<data-dir>/bucket/key`.
    #[default]
    Local,
    /// An S3-compatible service (AWS S3, MinIO, ...).
    S3,
}

/// Where async inputs are read and results written.
///
/// With `kind = "s3"`, credentials come from the environment (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) unless given here, as do defaults for the
/// other settings (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ALLOW_HTTP`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `local` (default) or `s3`.
    #[serde(default)]
    pub kind: StoreKind,
    /// The S3 endpoint URL, for example `http://127.0.0.1:9000` for MinIO.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The S3 region (`AWS_REGION`, else `us-east-1`).
    #[serde(default)]
    pub region: Option<String>,
    /// Allow `http://` endpoints.
    #[serde(default)]
    pub allow_http: bool,
    /// Address buckets as `bucket.host` instead of `host/bucket`.
    #[serde(default)]
    pub virtual_hosted_style: bool,
    /// The access key id, when not from the environment (e.g. a local MinIO's).
    #[serde(default)]
    pub access_key_id: Option<String>,
    /// Its secret.
    #[serde(default)]
    pub secret_access_key: Option<String>,
    /// A session token to go with them.
    #[serde(default)]
    pub session_token: Option<String>,
}

/// The certificate and key the mock serves HTTPS with (`[tls]`), PEM files. Relative paths in
/// a config file are relative to that file's folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    /// The certificate chain: the mock's certificate first, then any intermediates.
    pub cert: PathBuf,
    /// The private key of the certificate: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE
    /// KEY`) or SEC1 (`EC PRIVATE KEY`).
    pub key: PathBuf,
}

impl TlsFiles {
    /// These two files.
    pub fn new(cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        TlsFiles { cert: cert.into(), key: key.into() }
    }

    /// Reads and checks them: the certificate chain, the key, and that they belong together.
    pub fn load(&self) -> Result<smithygen_runtime::server::TlsConfig, ConfigError> {
        smithygen_runtime::server::TlsConfig::from_pem_files(&self.cert, &self.key).map_err(|e| ConfigError(format!("[tls] {e}")))
    }
}

/// A config that could not be read or is not valid.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// An endpoint's settings with defaults applied.
#[derive(Debug, Clone)]
pub(crate) struct Resolved<'a> {
    pub behaviour: &'a Behaviour,
    /// `None`: echo, or not found when the behaviour is `"not_found"`.
    pub bidi: Option<&'a BidiSpec>,
    pub accept: &'a Behaviour,
    pub delay: Duration,
    pub variant: String,
    /// For the async paths, made only when a request needs them.
    name: &'a str,
    own: &'a EndpointConfig,
    default: &'a EndpointConfig,
}

impl Resolved<'_> {
    /// Where async results go (`{endpoint}` replaced).
    pub fn output_path(&self) -> String {
        inherit(&self.own.output_path, &self.default.output_path, DEFAULT_OUTPUT_PATH, self.name)
    }

    /// Where async failure reports go.
    pub fn failure_path(&self) -> String {
        inherit(&self.own.failure_path, &self.default.failure_path, DEFAULT_FAILURE_PATH, self.name)
    }

    /// Where inline async payloads are stored.
    pub fn input_path(&self) -> String {
        inherit(&self.own.input_path, &self.default.input_path, DEFAULT_INPUT_PATH, self.name)
    }
}

/// An endpoint's own setting, else the `[default]` one, else the built-in one, with
/// `{endpoint}` replaced by the endpoint's name.
fn inherit(own: &Option<String>, default: &Option<String>, builtin: &str, name: &str) -> String {
    let text = own.as_deref().or(default.as_deref()).unwrap_or(builtin);
    if text.contains("{endpoint}") {
        text.replace("{endpoint}", name)
    } else {
        text.to_string()
    }
}

static ECHO: std::sync::LazyLock<Behaviour> = std::sync::LazyLock::new(Behaviour::echo);
static ACCEPT: std::sync::LazyLock<Behaviour> = std::sync::LazyLock::new(Behaviour::accept);

impl MockConfig {
    /// Reads a config file: JSON when the name ends in `.json`, TOML otherwise.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", path.display())))?;
        let parsed = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            Self::from_json(&text)
        } else {
            Self::from_toml(&text)
        };
        let mut config = parsed.map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        if let (Some(tls), Some(folder)) = (&mut config.tls, path.parent()) {
            tls.cert = folder.join(&tls.cert);
            tls.key = folder.join(&tls.key);
        }
        Ok(config)
    }

    /// Reads and validates a TOML config.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: MockConfig = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads and validates a JSON config.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let config: MockConfig = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: endpoint names, where each action may be used, S3 paths and
    /// queue settings. Every error names the endpoint and the setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let entries = std::iter::once(("[default]".to_string(), &self.default))
            .chain(self.endpoints.iter().map(|(name, ep)| (format!("endpoint `{name}`"), ep)));
        for (what, ep) in entries {
            let fail = |msg: String| ConfigError(format!("{what}: {msg}"));
            if let Some(b) = &ep.behaviour {
                for step in b.steps() {
                    if step.action == Action::Accept {
                        return Err(fail("`accept` belongs in `async_accept`, not in `behaviour`".into()));
                    }
                }
            }
            if let Some(b) = &ep.async_accept {
                for step in b.steps() {
                    if !matches!(step.action, Action::Accept | Action::Error(_) | Action::NotFound) {
                        return Err(fail(
                            "`async_accept` steps are \"accept\", \"not_found\" or { error = ... } (the model's answer belongs in `behaviour`)".into(),
                        ));
                    }
                }
            }
            for (key, path) in [("output_path", &ep.output_path), ("failure_path", &ep.failure_path), ("input_path", &ep.input_path)] {
                if let Some(path) = path {
                    crate::s3_uri::S3Uri::parse(&path.replace("{endpoint}", "x"))
                        .map_err(|e| fail(format!("`{key}` {e}")))?;
                }
            }
        }
        for name in self.endpoints.keys() {
            check_endpoint_name(name).map_err(|e| ConfigError(format!("endpoint `{name}`: {e}")))?;
        }
        if self.async_queue.max_concurrent_invocations == 0 {
            return Err(ConfigError("[async] max_concurrent_invocations must be at least 1".into()));
        }
        if !(self.async_queue.time_scale.is_finite() && self.async_queue.time_scale > 0.0) {
            return Err(ConfigError("[async] time_scale must be a positive number".into()));
        }
        if self.store.access_key_id.is_some() != self.store.secret_access_key.is_some() {
            return Err(ConfigError("[store] access_key_id and secret_access_key go together".into()));
        }
        if let Some(auth) = &self.auth {
            if auth.access_key_id.is_empty() || auth.secret_access_key.is_empty() {
                return Err(ConfigError("[auth] needs a non-empty access_key_id and secret_access_key".into()));
            }
        }
        if let Some(tls) = &self.tls {
            if tls.cert.as_os_str().is_empty() || tls.key.as_os_str().is_empty() {
                return Err(ConfigError("[tls] needs both `cert` and `key` (PEM files)".into()));
            }
        }
        Ok(())
    }

    /// The buckets of the async paths (`output_path`, `failure_path`, `input_path` of the
    /// default and of every listed endpoint, and the built-in defaults): they exist from the
    /// start, as the buckets a SageMaker endpoint is configured with exist in S3. A bucket
    /// named after the endpoint (`s3://{endpoint}-out/`) is left out: every name could be one.
    pub(crate) fn configured_buckets(&self) -> std::collections::BTreeSet<String> {
        let builtin = [DEFAULT_OUTPUT_PATH, DEFAULT_FAILURE_PATH, DEFAULT_INPUT_PATH].map(|p| Some(p.to_string()));
        std::iter::once(&self.default)
            .chain(self.endpoints.values())
            .flat_map(|ep| [ep.output_path.clone(), ep.failure_path.clone(), ep.input_path.clone()])
            .chain(builtin)
            .flatten()
            .filter_map(|path| crate::s3_uri::S3Uri::parse(&path).ok())
            .map(|uri| uri.bucket)
            .filter(|bucket| !bucket.contains("{endpoint}"))
            .collect()
    }

    /// The settings of endpoint `name`, with defaults applied.
    pub(crate) fn resolve<'a>(&'a self, name: &'a str) -> Resolved<'a> {
        let listed = self.endpoints.get(name);
        let ep = listed.unwrap_or(&self.default);
        Resolved {
            behaviour: ep.behaviour.as_ref().unwrap_or(&ECHO),
            bidi: ep.bidi.as_ref(),
            accept: ep.async_accept.as_ref().unwrap_or(&ACCEPT),
            delay: Duration::from_millis(ep.delay_ms),
            variant: inherit(&ep.variant, &self.default.variant, DEFAULT_VARIANT, name),
            name,
            own: ep,
            default: &self.default,
        }
    }
}

/// The model's rule for endpoint names: 1 to 63 letters, digits and inner hyphens.
fn check_endpoint_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("not a valid endpoint name (1 to 63 letters, digits and hyphens, starting and ending with a letter or digit)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::ErrorSpec;

    #[test]
    fn an_empty_config_echoes_everything() {
        let c = MockConfig::from_toml("").unwrap();
        let r = c.resolve("anything");
        assert_eq!(r.behaviour, &Behaviour::echo());
        assert_eq!(r.accept, &Behaviour::accept());
        assert_eq!(r.output_path(), "s3://sagemaker-mock-output/anything");
        assert_eq!(r.failure_path(), "s3://sagemaker-mock-failure/anything");
        assert_eq!(r.variant, "AllTraffic");
        assert!(c.auth.is_none());
    }

    #[test]
    fn a_full_toml_config_is_read() {
        let c = MockConfig::from_toml(
            r#"
            region = "eu-west-1"
            account_id = "111122223333"

            [default]
            behaviour = "not_found"
            output_path = "s3://results/{endpoint}/out"

            [endpoints.fixed-ep]
            behaviour = { fixed = { body = "hi", content_type = "text/plain" } }
            delay_ms = 20
            variant = "Blue"

            [endpoints.flaky]
            behaviour = { sequence = [{ error = { type = "ModelNotReadyException" } }, "echo"] }
            async_accept = [{ error = "ServiceUnavailable" }, "accept"]
            failure_path = "s3://failures/flaky"

            [async]
            max_concurrent_invocations = 1
            time_scale = 0.01

            [auth]
            access_key_id = "AKID"
            secret_access_key = "SECRET"

            [store]
            kind = "s3"
            endpoint = "http://127.0.0.1:9000"
            allow_http = true
            "#,
        )
        .unwrap();
        assert_eq!(c.resolve("nope").behaviour, &Behaviour::not_found());
        let r = c.resolve("fixed-ep");
        assert_eq!((r.variant.as_str(), r.delay), ("Blue", Duration::from_millis(20)));
        assert_eq!(r.output_path(), "s3://results/fixed-ep/out", "listed endpoints inherit [default] paths");
        let r = c.resolve("flaky");
        assert_eq!(r.behaviour.step_at(0).action, Action::Error(ErrorSpec::model_not_ready()));
        assert_eq!(r.accept.steps().len(), 2);
        assert_eq!(r.failure_path(), "s3://failures/flaky");
        assert_eq!(c.async_queue.scaled(60), Duration::from_millis(600));
        assert_eq!(c.store.kind, StoreKind::S3);
        assert_eq!(c.auth.unwrap().max_skew_seconds, 900);
    }

    #[test]
    fn json_configs_have_the_same_shape() {
        let c = MockConfig::from_json(r#"{"endpoints": {"e": {"behaviour": {"error": {"type": "ModelError", "original_status_code": 400}}}}}"#)
            .unwrap();
        assert_eq!(c.resolve("e").behaviour.step_at(0).action, Action::Error(ErrorSpec { original_status_code: Some(400), ..ErrorSpec::new("ModelError") }));
    }

    #[test]
    fn invalid_configs_name_the_problem() {
        let err = |t: &str| MockConfig::from_toml(t).unwrap_err().to_string();
        assert!(err("[endpoints.bad_name]\n").contains("endpoint `bad_name`: not a valid endpoint name"));
        assert!(err("[endpoints.e]\nbehaviour = \"accept\"").contains("`accept` belongs in `async_accept`"));
        assert!(err("[endpoints.e]\nasync_accept = \"echo\"").contains("`async_accept` steps are"));
        assert!(err("[endpoints.e]\noutput_path = \"/tmp/x\"").contains("`output_path`"));
        assert!(err("[async]\ntime_scale = 0.0").contains("time_scale"));
        assert!(err("[async]\nmax_concurrent_invocations = 0").contains("max_concurrent_invocations"));
        assert!(err("[endpoints.e]\nbehaviuor = \"echo\"").contains("unknown field"));
        assert!(err("[endpoints.e]\nbehaviour = \"ehco\"").contains("unknown behaviour `ehco`"));
        assert!(err("[tls]\ncert = \"c.pem\"").contains("missing field `key`"));
        assert!(err("[tls]\ncert = \"\"\nkey = \"k.pem\"").contains("[tls] needs both"));
    }

    #[test]
    fn tls_paths_in_a_file_are_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("conf")).unwrap();
        let file = dir.path().join("conf/mock.toml");
        std::fs::write(&file, "[tls]\ncert = \"certs/cert.pem\"\nkey = \"/abs/key.pem\"\n").unwrap();
        let tls = MockConfig::from_file(&file).unwrap().tls.unwrap();
        assert_eq!(tls.cert, dir.path().join("conf/certs/cert.pem"));
        assert_eq!(tls.key, PathBuf::from("/abs/key.pem"));
        assert!(MockConfig::from_toml("").unwrap().tls.is_none(), "plain HTTP by default");
        let missing = tls.load().unwrap_err().to_string();
        assert!(missing.starts_with("[tls] TLS certificate chain") && missing.contains("cert.pem"), "{missing}");
    }
}
