//! `invoke` against real loopback HTTP servers: SigV4 signatures verified independently,
//! retries and their classification, SDK headers, timeouts, per-call overrides and
//! configuration errors.

use crate::client_support as support;

use aws_credential_types::provider::{future, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_async::time::StaticTimeSource;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::app_name::AppName;
use aws_types::region::Region;
use smithygen_runtime::client::{invoke, ConfigError};
// The runtime types for no particular service (their default type parameter), so that
// `ClientConfig::builder()` needs no annotation.
type ClientConfig = smithygen_runtime::client::ClientConfig;
type ClientConfigBuilder = smithygen_runtime::client::ClientConfigBuilder;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{
    deserialize, serialize, Recorded, Reply, TestError, TestInput, OPERATION, SIGNED_SERVICE,
    UNSIGNED_SERVICE,
};

type Result<T> = std::result::Result<T, SdkError<TestError, HttpResponse>>;

/// 2023-11-14T22:13:20Z
const FIXED_TIME: u64 = 1_700_000_000;

fn fast_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
}

fn config(url: &str) -> ClientConfigBuilder {
    ClientConfig::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("session-token-value".to_string()),
            None,
            "test",
        ))
        .endpoint_url(url)
        .retry_config(fast_retries(3))
}

async fn call(config: &ClientConfig, payload: &str) -> Result<String> {
    invoke(
        config,
        &SIGNED_SERVICE,
        &OPERATION,
        TestInput::new(payload),
        serialize,
        deserialize,
        None,
    )
    .await
}

/// Recomputes the SigV4 signature of a received request with aws-sigv4 and returns the
/// `authorization` header it would have.
/// The time a request was signed at, from its `x-amz-date` (`20231114T221320Z`).
fn signing_time(request: &Recorded) -> std::time::SystemTime {
    let d = request.header("x-amz-date").expect("x-amz-date");
    let iso = format!("{}-{}-{}T{}:{}:{}Z", &d[0..4], &d[4..6], &d[6..8], &d[9..11], &d[11..13], &d[13..15]);
    let t = aws_smithy_types::DateTime::from_str(&iso, aws_smithy_types::date_time::Format::DateTime).expect("a date");
    std::time::SystemTime::try_from(t).expect("a system time")
}

fn expected_authorization(
    request: &Recorded,
    body: &[u8],
    creds: &Credentials,
    region: &str,
    name: &str,
    time: SystemTime,
) -> String {
    let authorization = request.header("authorization").expect("authorization");
    let signed: Vec<&str> = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("SignedHeaders")
        .split(';')
        .collect();
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(n, _)| signed.contains(&n.as_str()))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let host = request.header("host").expect("host");
    let uri = format!("http://{host}{}", request.uri);
    let identity: Identity = creds.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("params");
    let signable = SignableRequest::new(
        &request.method,
        uri,
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .expect("signable");
    let (instructions, _) = sign(signable, &params.into()).expect("sign").into_parts();
    let authorization = instructions
        .headers()
        .find(|(n, _)| *n == "authorization")
        .map(|(_, v)| v.to_string())
        .expect("authorization instruction");
    authorization
}

#[tokio::test]
async fn signs_with_sigv4_and_the_signature_verifies() {
    let server = support::start(|_, _| Reply::ok("{\"answer\":42}")).await;
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token-value".to_string()),
        None,
        "test",
    );
    let time = UNIX_EPOCH + Duration::from_secs(FIXED_TIME);
    let config = config(&server.url())
        .credentials_provider(creds.clone())
        .time_source(StaticTimeSource::new(time))
        .build();

    let output = call(&config, "{\"prompt\":\"hello world\"}")
        .await
        .expect("success");
    assert_eq!(output, "{\"answer\":42}");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.uri, "/endpoints/my-endpoint/invocations?mode=fast");
    assert_eq!(request.body.as_ref(), b"{\"prompt\":\"hello world\"}");
    assert_eq!(request.header("x-amz-date"), Some("20231114T221320Z"));
    assert_eq!(
        request.header("x-amz-security-token"),
        Some("session-token-value")
    );
    assert_eq!(
        request.header("x-amz-content-sha256"),
        None,
        "not S3: no x-amz-content-sha256"
    );

    let authorization = request.header("authorization").expect("authorization");
    assert!(
        authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sagemaker/aws4_request, "
        ),
        "{authorization}"
    );
    let signed = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .expect("signed headers");
    for header in ["content-type", "host", "x-amz-date", "x-amz-security-token"] {
        assert!(
            signed.split(';').any(|h| h == header),
            "{header} is signed: {signed}"
        );
    }
    assert!(
        !signed.contains("amz-sdk-invocation-id"),
        "per-attempt headers are added after signing"
    );

    let expected = expected_authorization(
        request,
        &request.body,
        &creds,
        "us-east-1",
        "sagemaker",
        time,
    );
    assert_eq!(authorization, expected, "signature verifies");

    // Control: the same computation over a different body must not match.
    let tampered = expected_authorization(request, b"{}", &creds, "us-east-1", "sagemaker", time);
    assert_ne!(authorization, tampered);
}

#[tokio::test]
async fn sdk_headers_are_sent_on_every_attempt() {
    let server = support::start(|i, _| {
        if i < 2 {
            Reply::status(503)
        } else {
            Reply::ok("done")
        }
    })
    .await;
    let config = config(&server.url())
        .app_name(AppName::new("unit-app").expect("app name"))
        .build();

    let output = call(&config, "x").await.expect("success after retries");
    assert_eq!(output, "done");

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "503, 503, 200");
    let ids: Vec<&str> = requests
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id").expect("invocation id"))
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "stable id: {ids:?}");
    let id = uuid::Uuid::parse_str(ids[0]).expect("uuid");
    assert_eq!(id.get_version_num(), 4);
    for (i, request) in requests.iter().enumerate() {
        // aws-runtime's RequestInfoInterceptor: retries also carry the `ttl=` the official
        // SDK crates send (from the read timeout and the server's clock).
        let info = request.header("amz-sdk-request").expect("amz-sdk-request");
        assert!(info.ends_with(&format!("attempt={}; max=3", i + 1)), "{info}");
        for ua in ["user-agent", "x-amz-user-agent"] {
            let value = request.header(ua).expect("user agent");
            // aws-runtime's user agent, as the official SDK crates send it.
            assert!(value.contains("api/test/0.1.0"), "{ua}: {value}");
            assert!(value.contains(" lang/rust"), "{value}");
            assert!(value.contains(" app/unit-app"), "{value}");
        }
    }

    // A second call gets a new invocation id.
    call(&config, "y").await.expect("success");
    let requests = server.requests();
    assert_ne!(
        requests[3].header("amz-sdk-invocation-id"),
        Some(ids[0]),
        "new operation, new id"
    );
}

async fn attempts_for(first: Reply, max_attempts: u32) -> (usize, Result<String>) {
    let server = support::start(move |i, _| {
        if i == 0 {
            first.clone()
        } else {
            Reply::ok("ok")
        }
    })
    .await;
    let config = config(&server.url())
        .retry_config(fast_retries(max_attempts))
        .build();
    let result = call(&config, "x").await;
    (server.requests().len(), result)
}

#[tokio::test]
async fn throttling_is_retried() {
    // A bare 429 without a throttling code is not retried: the official client does not
    // either (a 429 `ModelNotReadyException` is final; see tests/tests/retry_parity.rs).
    let (attempts, result) = attempts_for(Reply::status(429), 3).await;
    assert_eq!((attempts, result.is_ok()), (1, false), "HTTP 429 alone");
    let (attempts, result) = attempts_for(Reply::error(429, "TooManyRequestsException"), 3).await;
    assert_eq!((attempts, result.is_ok()), (2, true), "429 with a throttling code");

    let (attempts, result) = attempts_for(Reply::error(400, "ThrottlingException"), 3).await;
    assert_eq!(
        (attempts, result.is_ok()),
        (2, true),
        "ThrottlingException code"
    );

    let (attempts, result) = attempts_for(Reply::error(400, "RequestTimeout"), 3).await;
    assert_eq!((attempts, result.is_ok()), (2, true), "transient code");

    let (attempts, result) = attempts_for(Reply::error(400, "ModeledRetryable"), 3).await;
    assert_eq!((attempts, result.is_ok()), (2, true), "@retryable error");

    for status in [500, 502, 504] {
        let (attempts, result) = attempts_for(Reply::status(status), 3).await;
        assert_eq!((attempts, result.is_ok()), (2, true), "HTTP {status}");
    }
}

#[tokio::test]
async fn modeled_client_errors_are_not_retried() {
    let (attempts, result) = attempts_for(Reply::error(424, "ModelError"), 3).await;
    assert_eq!(attempts, 1, "424 modeled error is final");
    let err = result.expect_err("error");
    let service_error = err.as_service_error().expect("service error");
    assert_eq!(service_error.code(), Some("ModelError"));
    assert_eq!(service_error.status, 424);
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(424));

    let (attempts, result) = attempts_for(Reply::error(400, "ValidationException"), 3).await;
    assert_eq!(attempts, 1);
    assert!(result.is_err());
}

#[tokio::test]
async fn max_attempts_one_means_no_retry() {
    let (attempts, result) = attempts_for(Reply::status(503), 1).await;
    assert_eq!(attempts, 1);
    assert!(matches!(result, Err(SdkError::ServiceError(_))));

    // Attempts are bounded by max_attempts when the server keeps failing.
    let server = support::start(|_, _| Reply::status(503)).await;
    let config = config(&server.url()).build();
    let result = call(&config, "x").await;
    assert!(result.is_err());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn operation_timeout_stops_a_server_that_never_answers() {
    let (addr, accepted) = support::start_black_hole().await;
    let config = config(&format!("http://{addr}"))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_millis(300))
                .build(),
        )
        .build();
    // Connect and read timeouts keep their defaults.
    assert_eq!(
        config.timeout_config().unwrap().read_timeout(),
        Some(smithygen_runtime::client::DEFAULT_READ_TIMEOUT)
    );

    let started = Instant::now();
    let result = call(&config, "x").await;
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(SdkError::TimeoutError(_))),
        "{result:?}"
    );
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(*accepted.lock().expect("lock"), 1);
}

#[tokio::test]
async fn read_timeout_cuts_each_attempt_and_is_retried() {
    let (addr, accepted) = support::start_black_hole().await;
    let config = config(&format!("http://{addr}"))
        .retry_config(fast_retries(2))
        .timeout_config(
            TimeoutConfig::builder()
                .read_timeout(Duration::from_millis(200))
                .build(),
        )
        .build();

    let started = Instant::now();
    let result = call(&config, "x").await;
    let elapsed = started.elapsed();
    match &result {
        Err(SdkError::DispatchFailure(failure)) => assert!(failure.is_timeout(), "{failure:?}"),
        other => panic!("expected a dispatch timeout, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(
        *accepted.lock().expect("lock"),
        2,
        "timed-out attempt retried"
    );
}

#[tokio::test]
async fn a_slow_but_legal_answer_is_not_cut() {
    // Scaled-down version of a 60 s model call under the 75 s default read timeout.
    let server = support::start(|_, _| Reply::ok("thought hard").delayed(Duration::from_millis(600))).await;
    let config = config(&server.url())
        .timeout_config(
            TimeoutConfig::builder()
                .read_timeout(Duration::from_millis(900))
                .build(),
        )
        .build();
    assert_eq!(call(&config, "x").await.expect("success"), "thought hard");
    assert_eq!(server.requests().len(), 1);
}

#[derive(Debug)]
struct CountingProvider(Arc<AtomicUsize>);

impl ProvideCredentials for CountingProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.0.fetch_add(1, Ordering::SeqCst);
        future::ProvideCredentials::ready(Ok(Credentials::new(
            "AKIDCOUNT",
            "secret",
            None,
            Some(SystemTime::now() + Duration::from_secs(3600)),
            "counting",
        )))
    }
}

#[tokio::test]
async fn credentials_are_cached_across_calls_and_clones() {
    let server = support::start(|_, _| Reply::ok("ok")).await;
    let loads = Arc::new(AtomicUsize::new(0));
    let config = config(&server.url())
        .credentials_provider(CountingProvider(loads.clone()))
        .build();
    call(&config, "a").await.expect("call 1");
    call(&config, "b").await.expect("call 2");
    let clone = config.clone();
    call(&clone, "c").await.expect("call 3");
    let rebuilt = config.to_builder().build();
    call(&rebuilt, "d").await.expect("call 4");
    assert_eq!(loads.load(Ordering::SeqCst), 1, "one credentials load");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn per_call_override_layers_on_top() {
    let server = support::start(|_, _| Reply::status(503)).await;
    let config = config(&server.url()).build();
    let over = ClientConfigBuilder::new()
        .retry_config(fast_retries(1))
        .region(Region::new("eu-central-1"));
    let result = invoke(
        &config,
        &SIGNED_SERVICE,
        &OPERATION,
        TestInput::new("x"),
        serialize,
        deserialize,
        Some(&over),
    )
    .await;
    assert!(result.is_err());
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "override: one attempt");
    assert_eq!(
        requests[0].header("amz-sdk-request"),
        Some("attempt=1; max=1")
    );
    assert!(requests[0]
        .header("authorization")
        .expect("signed")
        .contains("/eu-central-1/sagemaker/aws4_request"));
    // The base config is untouched.
    assert_eq!(config.retry_config().unwrap().max_attempts(), 3);
    assert_eq!(config.region().map(|r| r.as_ref()), Some("us-east-1"));
}

#[tokio::test]
async fn unsigned_services_send_no_authorization() {
    let server = support::start(|_, _| Reply::ok("open")).await;
    let config = ClientConfig::builder().endpoint_url(server.url()).build();
    let output = invoke(
        &config,
        &UNSIGNED_SERVICE,
        &OPERATION,
        TestInput::new("x"),
        serialize,
        deserialize,
        None,
    )
    .await
    .expect("unsigned call needs no credentials or region");
    assert_eq!(output, "open");
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), None);
    assert!(request.header("amz-sdk-invocation-id").is_some());
}

fn construction_error(result: Result<String>) -> String {
    let err = result.expect_err("should fail");
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let source = err.into_source().expect("source");
    assert!(source.downcast_ref::<ConfigError>().is_some(), "{source}");
    source.to_string()
}

#[tokio::test]
async fn missing_configuration_is_a_clear_error() {
    let server = support::start(|_, _| Reply::ok("never")).await;

    let no_creds = ClientConfig::builder()
        .region(Region::new("us-east-1"))
        .endpoint_url(server.url())
        .build();
    let message = construction_error(call(&no_creds, "x").await);
    assert!(message.contains("credentials_provider"), "{message}");

    let no_region = config(&server.url()).region(None).build();
    let message = construction_error(call(&no_region, "x").await);
    assert!(message.contains("`region`"), "{message}");

    let no_endpoint = ClientConfig::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "t"))
        .build();
    let message = construction_error(call(&no_endpoint, "x").await);
    assert!(message.contains("endpoint_url"), "{message}");

    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn stalled_response_body_is_abandoned() {
    use aws_smithy_runtime_api::client::stalled_stream_protection::StalledStreamProtectionConfig;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // Answers the headers and 10 of 100 body bytes, then stalls forever.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789")
                    .await;
                std::future::pending::<()>().await;
            });
        }
    });
    let config = config(&format!("http://{addr}"))
        .retry_config(fast_retries(1))
        .stalled_stream_protection(
            StalledStreamProtectionConfig::enabled()
                .grace_period(Duration::from_millis(500))
                .build(),
        )
        .build();
    let started = Instant::now();
    let result = call(&config, "x").await;
    let elapsed = started.elapsed();
    let err = result.expect_err("stalled body");
    let message = format!(
        "{}",
        aws_smithy_types::error::display::DisplayErrorContext(&err)
    );
    assert!(matches!(err, SdkError::ResponseError(_)), "{message}");
    assert!(message.contains("minimum throughput"), "{message}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn invoke_future_is_send() {
    fn assert_send<T: Send>(t: T) -> T {
        t
    }
    let server = support::start(|_, _| Reply::ok("spawned")).await;
    let config = config(&server.url()).build();
    let handle = tokio::spawn(async move { assert_send(call(&config, "x")).await });
    assert_eq!(handle.await.expect("join").expect("ok"), "spawned");
}

/// An operation with `@requestCompression(encodings: ["br", "gzip"])` and `@httpChecksumRequired`.
static COMPRESSED_AND_CHECKSUMMED: smithygen_runtime::client::OperationInfo =
    smithygen_runtime::client::OperationInfo {
        name: "InvokeEndpoint",
        static_context_params: &[],
        http_checksum_required: true,
        request_compression: Some(smithygen_runtime::client::RequestCompression {
            encodings: &["br", "gzip"],
            streaming: false,
        }),
        capture_input: None,
        context_params: None,
        auth: smithygen_runtime::client::auth::OperationAuth::Service,
        http_versions: &[smithygen_runtime::client::HttpVersion::Http11],
    };

async fn call_compressed(
    config: &ClientConfig,
    payload: &str,
    config_override: Option<&ClientConfigBuilder>,
) -> Result<String> {
    invoke(
        config,
        &SIGNED_SERVICE,
        &COMPRESSED_AND_CHECKSUMMED,
        TestInput::new(payload),
        serialize,
        deserialize,
        config_override,
    )
    .await
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

#[tokio::test]
async fn request_bodies_are_compressed_then_checksummed_before_signing() {
    let server = support::start(|i, _| {
        if i == 0 {
            Reply::status(503)
        } else {
            Reply::ok("ok")
        }
    })
    .await;
    let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test");
    let time = UNIX_EPOCH + Duration::from_secs(FIXED_TIME);
    let config = config(&server.url())
        .credentials_provider(creds.clone())
        .time_source(StaticTimeSource::new(time))
        .request_min_compression_size_bytes(64)
        .build();
    let payload = format!("{{\"prompt\":\"{}\"}}", "hello ".repeat(50));
    call_compressed(&config, &payload, None)
        .await
        .expect("second attempt succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one retry");
    for request in &requests {
        assert_eq!(request.header("content-encoding"), Some("gzip"));
        assert_eq!(gunzip(&request.body), payload.as_bytes(), "gzip once, not per attempt");
        assert_eq!(
            request.header("content-length"),
            Some(request.body.len().to_string().as_str())
        );
        assert_eq!(
            request.header("content-md5"),
            Some(smithygen_runtime::protocol::http::content_md5(&request.body).as_str()),
            "the MD5 of the body as sent"
        );
        let authorization = request.header("authorization").expect("signed");
        for header in ["content-encoding", "content-md5"] {
            assert!(authorization.contains(header), "{header} is signed: {authorization}");
        }
        // A retry is signed at the time corrected by the server's clock (aws-runtime's clock
        // skew correction: the loopback server's `Date` is far from the fixed time source).
        let signed_at = signing_time(request);
        if std::ptr::eq(request, &requests[0]) {
            assert_eq!(signed_at, time, "the first attempt is signed at the time source's time");
        }
        let expected = expected_authorization(request, &request.body, &creds, "us-east-1", "sagemaker", signed_at);
        assert_eq!(authorization, expected, "the signature covers the compressed body");
    }
}

#[tokio::test]
async fn small_or_disabled_bodies_are_sent_as_they_are() {
    let server = support::start(|_, _| Reply::ok("ok")).await;
    let config = config(&server.url()).build();
    // Below the default 10 KiB minimum.
    call_compressed(&config, "{\"small\":true}", None).await.expect("ok");
    // Disabled for one call, whatever the size.
    let over = ClientConfigBuilder::new()
        .disable_request_compression(true)
        .request_min_compression_size_bytes(0);
    call_compressed(&config, "{\"disabled\":true}", Some(&over)).await.expect("ok");
    for (request, body) in server.requests().iter().zip(["{\"small\":true}", "{\"disabled\":true}"]) {
        assert_eq!(request.body.as_ref(), body.as_bytes());
        assert_eq!(request.header("content-encoding"), None);
        assert_eq!(
            request.header("content-md5"),
            Some(smithygen_runtime::protocol::http::content_md5(body.as_bytes()).as_str())
        );
    }
}

#[tokio::test]
async fn an_out_of_range_minimum_compression_size_is_a_clear_error() {
    let server = support::start(|_, _| Reply::ok("never")).await;
    let config = config(&server.url())
        .request_min_compression_size_bytes(10_485_761)
        .build();
    let message = construction_error(call_compressed(&config, "x", None).await);
    assert!(message.contains("request_min_compression_size_bytes"), "{message}");
    // Operations without @requestCompression do not read the setting.
    call(&config, "x").await.expect("unaffected");
    assert_eq!(server.requests().len(), 1);
}

/// `@auth([])` and `@optionalAuth` operations of a SigV4 service, as the official clients
/// treat them: the first never signs and needs no credentials; the second signs when
/// credentials are configured and is sent unsigned when none are.
#[tokio::test]
async fn operations_without_or_with_optional_auth() {
    use smithygen_runtime::client::auth::OperationAuth;
    use smithygen_runtime::client::OperationInfo;
    static UNAUTHENTICATED: OperationInfo = OperationInfo { auth: OperationAuth::None, ..COPY_OF_OPERATION };
    static OPTIONAL: OperationInfo = OperationInfo { auth: OperationAuth::Optional, ..COPY_OF_OPERATION };
    const COPY_OF_OPERATION: OperationInfo = OperationInfo {
        name: "InvokeEndpoint",
        static_context_params: &[],
        http_checksum_required: false,
        request_compression: None,
        capture_input: None,
        context_params: None,
        auth: OperationAuth::Service,
        http_versions: &[smithygen_runtime::client::HttpVersion::Http11],
    };
    let server = support::start(|_, _| Reply::ok("done")).await;
    let call = |config: ClientConfig, operation: &'static OperationInfo| async move {
        invoke(&config, &SIGNED_SERVICE, operation, TestInput::new("x"), serialize, deserialize, None).await
    };
    let anonymous = || ClientConfig::builder().endpoint_url(server.url()).region(Region::new("us-east-1")).build();
    let with_credentials = || {
        ClientConfig::builder()
            .endpoint_url(server.url())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
            .build()
    };

    // The service's own operations still need credentials.
    assert!(construction_error(call(anonymous(), &OPERATION).await).contains("credentials"));

    call(anonymous(), &UNAUTHENTICATED).await.expect("no credentials needed");
    call(with_credentials(), &UNAUTHENTICATED).await.expect("credentials ignored");
    call(anonymous(), &OPTIONAL).await.expect("unsigned without credentials");
    call(with_credentials(), &OPTIONAL).await.expect("signed with credentials");
    let signed: Vec<bool> = server.requests().iter().map(|r| r.header("authorization").is_some()).collect();
    assert_eq!(signed, [false, false, false, true]);
}
