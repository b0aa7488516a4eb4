//! The generated SageMaker Runtime server stub (feature `server`), end to end: a small
//! implementation of the generated trait served on loopback, called with raw HTTP/1.1
//! requests (hyper) and with the generated client.

use aws_smithy_types::Blob;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use sagemaker_runtime::operation::invoke_endpoint::{InvokeEndpointError, InvokeEndpointInput, InvokeEndpointOutput};
use sagemaker_runtime::operation::invoke_endpoint_async::{
    InvokeEndpointAsyncError, InvokeEndpointAsyncInput, InvokeEndpointAsyncOutput,
};
use sagemaker_runtime::server::{self, AmazonSageMakerRuntime, EventProducer, ServerHandle};
use sagemaker_runtime::operation::invoke_endpoint_with_response_stream::{
    InvokeEndpointWithResponseStreamError, InvokeEndpointWithResponseStreamInput, InvokeEndpointWithResponseStreamOutput,
};
use sagemaker_runtime::types::error::{ModelError, ModelStreamError, ResponseStreamError};
use sagemaker_runtime::types::{PayloadPart, ResponseStream};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Echoes the body; some endpoint names trigger errors.
#[derive(Default, Clone)]
struct Echo {
    /// Endpoint names the handler saw, in order.
    seen: Arc<Mutex<Vec<String>>>,
}

impl AmazonSageMakerRuntime for Echo {
    async fn invoke_endpoint(&self, input: InvokeEndpointInput) -> Result<InvokeEndpointOutput, InvokeEndpointError> {
        let name = input.endpoint_name().unwrap_or_default().to_string();
        self.seen.lock().unwrap().push(name.clone());
        match name.as_str() {
            "model-error" => {
                return Err(InvokeEndpointError::ModelError(
                    ModelError::builder()
                        .message("Received client error (400) from primary")
                        .original_status_code(400)
                        .original_message("bad input")
                        .log_stream_arn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/model-error")
                        .build(),
                ))
            }
            "panic" => panic!("the handler panicked on purpose"),
            "unhandled" => {
                return Err(InvokeEndpointError::generic(
                    aws_smithy_types::error::ErrorMetadata::builder().code("ThrottlingException").message("slow down").build(),
                ))
            }
            _ => {}
        }
        let body = input.body.map(|b| b.into_inner()).unwrap_or_default();
        Ok(InvokeEndpointOutput::builder()
            .body(Blob::new(body))
            .content_type(input.content_type.unwrap_or_else(|| "application/octet-stream".into()))
            .invoked_production_variant(name)
            .set_custom_attributes(input.custom_attributes)
            .build())
    }

    async fn invoke_endpoint_async(
        &self,
        input: InvokeEndpointAsyncInput,
    ) -> Result<InvokeEndpointAsyncOutput, InvokeEndpointAsyncError> {
        let name = input.endpoint_name().unwrap_or_default().to_string();
        self.seen.lock().unwrap().push(name.clone());
        Ok(InvokeEndpointAsyncOutput::builder()
            .inference_id(input.inference_id.unwrap_or_else(|| "generated-id".into()))
            .output_location(format!("s3://bucket/out/{name}.out"))
            .build())
    }

    /// Streams the body back in 4-byte parts, 200 ms apart; endpoint `stream-error` fails with
    /// a `ModelStreamError` event after the first part.
    async fn invoke_endpoint_with_response_stream(
        &self,
        input: InvokeEndpointWithResponseStreamInput,
    ) -> Result<(InvokeEndpointWithResponseStreamOutput, EventProducer<ResponseStream, ResponseStreamError>), InvokeEndpointWithResponseStreamError>
    {
        let name = input.endpoint_name().unwrap_or_default().to_string();
        self.seen.lock().unwrap().push(name.clone());
        let body = input.body.map(|b| b.into_inner()).unwrap_or_default();
        let output = InvokeEndpointWithResponseStreamOutput::builder().content_type("text/plain").invoked_production_variant("AllTraffic").build_without_stream();
        let events = EventProducer::new(move |writer| async move {
            for (i, chunk) in body.chunks(4).enumerate() {
                if i > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                if name == "stream-error" && i == 1 {
                    let error = ModelStreamError::builder().message("the container went away").error_code("StreamBroken").build();
                    let _ = writer.send_error(ResponseStreamError::ModelStreamError(error)).await;
                    return;
                }
                let part = PayloadPart::builder().bytes(Blob::new(chunk.to_vec())).build();
                if writer.send(ResponseStream::PayloadPart(part)).await.is_err() {
                    return;
                }
            }
        });
        Ok((output, events))
    }
}

async fn start() -> (ServerHandle, Echo) {
    let echo = Echo::default();
    let handle = server::start(echo.clone()).await.expect("server starts on a free port");
    (handle, echo)
}

/// One HTTP/1.1 connection to the server.
async fn connect(addr: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    sender
}

struct Answer {
    status: u16,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or_else(|| panic!("no header {name}"))
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {:?}", self.body))
    }
    fn message(&self) -> String {
        self.json()["message"].as_str().unwrap().to_string()
    }
}

async fn send_on(sender: &mut SendRequest<Full<Bytes>>, method: &str, uri: &str, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Answer {
    let mut request = hyper::Request::builder().method(method).uri(uri).header("host", "localhost");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = sender.send_request(request.body(Full::new(body.into())).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body }
}

async fn send(addr: SocketAddr, method: &str, uri: &str, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Answer {
    let mut sender = connect(addr).await;
    send_on(&mut sender, method, uri, headers, body).await
}

fn assert_request_id(a: &Answer) {
    let id = a.header("x-amzn-requestid");
    assert!(uuid_like(id), "request id `{id}` is not a UUID");
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn client(url: &str) -> sagemaker_runtime::Client {
    let config = sagemaker_runtime::Config::builder()
        .region(sagemaker_runtime::config::Region::new("us-east-1"))
        .credentials_provider(sagemaker_runtime::config::Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(url)
        .retry_config(sagemaker_runtime::config::RetryConfig::disabled())
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

#[tokio::test]
async fn the_generated_client_calls_both_operations() {
    let (server, echo) = start().await;
    let client = client(&server.url());
    let out = client
        .invoke_endpoint()
        .endpoint_name("my-endpoint")
        .content_type("text/csv")
        .custom_attributes("trace=1")
        .body(Blob::new(b"1,2,3".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.body().map(|b| b.as_ref()), Some(&b"1,2,3"[..]));
    assert_eq!(out.content_type(), Some("text/csv"));
    assert_eq!(out.custom_attributes(), Some("trace=1"));
    assert_eq!(out.invoked_production_variant(), Some("my-endpoint"));

    let out = client
        .invoke_endpoint_async()
        .endpoint_name("queue-ep")
        .input_location("s3://bucket/in/1.json")
        .inference_id("inf-1")
        .request_ttl_seconds(600)
        .send()
        .await
        .unwrap();
    assert_eq!(out.inference_id(), Some("inf-1"));
    assert_eq!(out.output_location(), Some("s3://bucket/out/queue-ep.out"));
    assert_eq!(*echo.seen.lock().unwrap(), vec!["my-endpoint".to_string(), "queue-ep".to_string()]);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn raw_requests_succeed_with_any_header_case_and_percent_encoded_labels() {
    let (server, echo) = start().await;
    let a = send(
        server.local_addr(),
        "POST",
        "/endpoints/my%2Dep/invocations",
        &[("CONTENT-TYPE", "application/json"), ("x-amzn-sagemaker-custom-attributes", "a=b")],
        r#"{"x": 1}"#,
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(&a.body[..], br#"{"x": 1}"#);
    assert_eq!(a.header("content-type"), "application/json");
    assert_eq!(a.header("x-amzn-sagemaker-custom-attributes"), "a=b");
    assert_eq!(a.header("x-amzn-invoked-production-variant"), "my-ep");
    assert_request_id(&a);

    // No Content-Type for a blob payload is accepted.
    let a = send(server.local_addr(), "POST", "/endpoints/ep/invocations", &[], "raw").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), "application/octet-stream");

    // Async: 202 from @http(code), headers out, JSON body member out.
    let a = send(
        server.local_addr(),
        "POST",
        "/endpoints/ep/async-invocations",
        &[("X-Amzn-SageMaker-InputLocation", "s3://b/k"), ("X-Amzn-SageMaker-Inference-Id", "abc")],
        "",
    )
    .await;
    assert_eq!(a.status, 202);
    assert_eq!(a.header("x-amzn-sagemaker-outputlocation"), "s3://bucket/out/ep.out");
    assert_eq!(a.header("content-type"), "application/json");
    assert_eq!(a.json()["InferenceId"], "abc");
    assert_eq!(echo.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn keep_alive_serves_two_requests_on_one_connection() {
    let (server, _) = start().await;
    let mut sender = connect(server.local_addr()).await;
    let first = send_on(&mut sender, "POST", "/endpoints/ep/invocations", &[], "one").await;
    assert_eq!((first.status, &first.body[..]), (200, &b"one"[..]));
    // Errors keep the connection too.
    let missing = send_on(&mut sender, "GET", "/nope", &[], "").await;
    assert_eq!(missing.status, 404);
    let second = send_on(&mut sender, "POST", "/endpoints/ep/invocations", &[], "two").await;
    assert_eq!((second.status, &second.body[..]), (200, &b"two"[..]));
    assert_ne!(first.header("x-amzn-requestid"), second.header("x-amzn-requestid"));
}

async fn validation(addr: SocketAddr, uri: &str, headers: &[(&str, &str)], body: &'static str) -> String {
    let a = send(addr, "POST", uri, headers, body).await;
    assert_eq!(a.status, 400, "{:?}", a.body);
    assert_eq!(a.header("x-amzn-errortype"), "ValidationError");
    assert_eq!(a.header("content-type"), "application/json");
    assert_request_id(&a);
    let body = a.json();
    assert_eq!(body["Message"], body["message"], "the modeled `Message` member is kept beside `message`");
    a.message()
}

#[tokio::test]
async fn each_constraint_violation_is_a_validation_error_in_aws_wording() {
    let (server, echo) = start().await;
    let addr = server.local_addr();
    let inv = "/endpoints/ep/invocations";
    let asy = "/endpoints/ep/async-invocations";
    let loc = ("X-Amzn-SageMaker-InputLocation", "s3://b/k");

    assert_eq!(
        validation(addr, "/endpoints/bad_name/invocations", &[], "x").await,
        "1 validation error detected: Value 'bad_name' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"
    );
    let long = format!("/endpoints/{}/invocations", "a".repeat(64));
    let a = send(addr, "POST", &long, &[], "x").await;
    assert_eq!(
        a.message(),
        format!("1 validation error detected: Value '{}' at 'endpointName' failed to satisfy constraint: Member must have length less than or equal to 63", "a".repeat(64))
    );
    assert_eq!(
        validation(addr, inv, &[], "").await,
        "1 validation error detected: Value null at 'body' failed to satisfy constraint: Member must not be null"
    );
    // @sensitive: the value is not echoed.
    assert_eq!(
        validation(addr, inv, &[("X-Amzn-SageMaker-Custom-Attributes", "café")], "x").await,
        "1 validation error detected: Value at 'customAttributes' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\p{ASCII}*$"
    );
    assert_eq!(
        validation(addr, inv, &[("X-Amzn-SageMaker-Inference-Id", "idé")], "x").await,
        "1 validation error detected: Value 'idé' at 'inferenceId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\A\\S[\\p{Print}]*\\z$"
    );
    assert_eq!(
        validation(addr, inv, &[("X-Amzn-SageMaker-Enable-Explanations", "")], "x").await,
        "1 validation error detected: Value '' at 'enableExplanations' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    // The second alternative of the SessionId pattern: accepted.
    let a = send(addr, "POST", inv, &[("X-Amzn-SageMaker-Session-Id", "NEW_SESSION")], "x").await;
    assert_eq!(a.status, 200);
    assert_eq!(
        validation(addr, inv, &[("X-Amzn-SageMaker-Session-Id", "NEW SESSION")], "x").await,
        "1 validation error detected: Value 'NEW SESSION' at 'sessionId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(NEW_SESSION)$|^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"
    );
    assert_eq!(
        validation(addr, asy, &[loc, ("X-Amzn-SageMaker-RequestTTLSeconds", "5")], "").await,
        "1 validation error detected: Value '5' at 'requestTTLSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"
    );
    assert_eq!(
        validation(addr, asy, &[loc, ("X-Amzn-SageMaker-InvocationTimeoutSeconds", "3601")], "").await,
        "1 validation error detected: Value '3601' at 'invocationTimeoutSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600"
    );
    assert_eq!(
        validation(addr, asy, &[("X-Amzn-SageMaker-InputLocation", "ftp://x/y")], "").await,
        "1 validation error detected: Value 'ftp://x/y' at 'inputLocation' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$"
    );
    assert_eq!(
        validation(addr, "/endpoints/bad_name/async-invocations", &[("X-Amzn-SageMaker-RequestTTLSeconds", "5")], "").await,
        "2 validation errors detected: Value 'bad_name' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$; Value '5' at 'requestTTLSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"
    );
    assert_eq!(*echo.seen.lock().unwrap(), vec!["ep".to_string()], "only the valid request reached the implementation");
}

/// Patterns with lookahead (on fancy-regex) and Java's `\A`/`\z`/`\p{Print}` keep the meaning
/// java.util.regex gives them, in both directions.
#[tokio::test]
async fn lookahead_and_java_only_patterns_are_enforced_with_javas_meaning() {
    let (server, _echo) = start().await;
    let addr = server.local_addr();
    let inv = "/endpoints/ep/invocations";
    let asy = "/endpoints/ep/async-invocations";
    let loc = ("X-Amzn-SageMaker-InputLocation", "s3://b/k");
    let rejected = [
        ("X-Amzn-SageMaker-Filename", "a..b", "filename", r"^(?!.*\..*\.)[a-zA-Z0-9][a-zA-Z0-9-_\.]*$"),
        ("X-Amzn-SageMaker-Filename", "a.b.c", "filename", r"^(?!.*\..*\.)[a-zA-Z0-9][a-zA-Z0-9-_\.]*$"),
        ("X-Amzn-SageMaker-S3OutputPathExtension", "s3://x", "s3OutputPathExtension", r"^(?!s3:|https:)[a-zA-Z0-9!_.*'()/-]+$"),
        ("X-Amzn-SageMaker-S3OutputPathExtension", "https://x/y", "s3OutputPathExtension", r"^(?!s3:|https:)[a-zA-Z0-9!_.*'()/-]+$"),
    ];
    for (header, value, member, pattern) in rejected {
        assert_eq!(
            validation(addr, asy, &[loc, (header, value)], "").await,
            format!("1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"),
            "{header}: {value}"
        );
    }
    for (header, value) in [("X-Amzn-SageMaker-Filename", "result.json"), ("X-Amzn-SageMaker-S3OutputPathExtension", "run-1/out")] {
        let a = send(addr, "POST", asy, &[loc, (header, value)], "").await;
        assert_eq!(a.status, 202, "{header}: {value}: {:?}", a.body);
    }

    let prefix = r"^\A\S[\p{Print}]*\z$";
    // A leading space cannot reach the server in a header (HTTP trims it); a tab inside and a
    // non-ASCII character are not `\p{Print}`.
    for value in ["tab\tinside", "user-é"] {
        assert_eq!(
            validation(addr, inv, &[("X-Amzn-SageMaker-Prefix-Aware-Id", value)], "x").await,
            format!("1 validation error detected: Value '{value}' at 'prefixAwareId' failed to satisfy constraint: Member must satisfy regular expression pattern: {prefix}"),
            "{value:?}"
        );
    }
    for value in ["user-42", "a b~"] {
        let a = send(addr, "POST", inv, &[("X-Amzn-SageMaker-Prefix-Aware-Id", value)], "x").await;
        assert_eq!(a.status, 200, "{value:?}: {:?}", a.body);
    }
}

#[tokio::test]
async fn payload_length_is_checked_in_bytes_up_to_six_megabytes() {
    let (server, echo) = start().await;
    let six_mb = vec![b'a'; 6 * 1024 * 1024];
    let a = send(server.local_addr(), "POST", "/endpoints/ep/invocations", &[], six_mb.clone()).await;
    assert_eq!((a.status, a.body.len()), (200, six_mb.len()));
    let mut over = six_mb;
    over.push(b'a');
    let a = send(server.local_addr(), "POST", "/endpoints/ep/invocations", &[], over).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.message(),
        "1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to 6291456"
    );
    assert_eq!(echo.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_generated_client_sees_validation_and_modeled_errors() {
    let (server, _) = start().await;
    let client = client(&server.url());
    let err = client.invoke_endpoint().endpoint_name("bad_name").body(Blob::new(b"x".to_vec())).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_error(), "{err:?}");
    assert!(err.meta().message().unwrap().contains("at 'endpointName' failed to satisfy constraint"));

    let err = client.invoke_endpoint().endpoint_name("model-error").body(Blob::new(b"x".to_vec())).send().await.unwrap_err();
    match err.into_service_error() {
        InvokeEndpointError::ModelError(e) => {
            assert_eq!(e.message(), Some("Received client error (400) from primary"));
            assert_eq!(e.original_status_code(), Some(400));
            assert_eq!(e.original_message(), Some("bad input"));
            assert!(e.log_stream_arn().unwrap().starts_with("arn:aws:logs:"));
        }
        other => panic!("expected ModelError, got {other:?}"),
    }
}

#[tokio::test]
async fn modeled_and_unmodeled_errors_on_the_wire() {
    let (server, _) = start().await;
    let addr = server.local_addr();
    let a = send(addr, "POST", "/endpoints/model-error/invocations", &[], "x").await;
    assert_eq!(a.status, 424);
    assert_eq!(a.header("x-amzn-errortype"), "ModelError");
    assert_eq!(a.header("content-type"), "application/json");
    let body = a.json();
    assert_eq!(body["message"], "Received client error (400) from primary");
    assert_eq!(body["Message"], "Received client error (400) from primary");
    assert_eq!(body["OriginalStatusCode"], 400);
    assert_request_id(&a);

    let a = send(addr, "POST", "/endpoints/unhandled/invocations", &[], "x").await;
    assert_eq!((a.status, a.header("x-amzn-errortype")), (500, "ThrottlingException"));
    assert_eq!(a.message(), "slow down");

    let a = send(addr, "POST", "/endpoints/panic/invocations", &[], "x").await;
    assert_eq!((a.status, a.header("x-amzn-errortype")), (500, "InternalFailure"));
    assert_request_id(&a);
    // The server survives the panic.
    let a = send(addr, "POST", "/endpoints/ep/invocations", &[], "still here").await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn malformed_requests_get_restjson1_rejections() {
    let (server, echo) = start().await;
    let addr = server.local_addr();

    let a = send(addr, "POST", "/endpoints/ep/unknown", &[], "").await;
    assert_eq!((a.status, a.header("x-amzn-errortype")), (404, "UnknownOperationException"));
    assert_request_id(&a);
    let a = send(addr, "POST", "/", &[], "").await;
    assert_eq!(a.status, 404);
    // Labels must not be empty.
    let a = send(addr, "POST", "/endpoints//invocations", &[], "x").await;
    assert_eq!(a.status, 404);

    let a = send(addr, "GET", "/endpoints/ep/invocations", &[], "").await;
    assert_eq!((a.status, a.header("x-amzn-errortype")), (405, "MethodNotAllowedException"));
    assert_eq!(a.header("allow"), "POST");
    assert_request_id(&a);

    for (header, value) in [
        ("X-Amzn-SageMaker-RequestTTLSeconds", "abc"),
        ("X-Amzn-SageMaker-RequestTTLSeconds", "1.5"),
        ("X-Amzn-SageMaker-InvocationTimeoutSeconds", "99999999999"),
    ] {
        let a = send(
            addr,
            "POST",
            "/endpoints/ep/async-invocations",
            &[("X-Amzn-SageMaker-InputLocation", "s3://b/k"), (header, value)],
            "",
        )
        .await;
        assert_eq!((a.status, a.header("x-amzn-errortype")), (400, "SerializationException"), "{header}: {value}");
        assert!(a.message().contains(header), "{}", a.message());
    }
    assert!(echo.seen.lock().unwrap().is_empty());

    // InvokeEndpointAsync's payload is a blob without @mediaType: any bytes of any media type,
    // so a JSON body is taken, not refused with 415 (the Smithy suite's
    // RestJsonHttpPayloadTraitsWithBlobAcceptsAllContentTypes, as smithy-rs servers do).
    let a = send(
        addr,
        "POST",
        "/endpoints/json-body/async-invocations",
        &[("X-Amzn-SageMaker-InputLocation", "s3://b/k"), ("Content-Type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(a.status, 202, "{:?}", a.body);
    assert_eq!(*echo.seen.lock().unwrap(), ["json-body"]);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_and_shutdown_stops_the_server() {
    let echo = Echo::default();
    let server = server::router(echo).with_body_limit(1024).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let a = send(addr, "POST", "/endpoints/ep/invocations", &[], vec![b'x'; 1025]).await;
    assert_eq!(a.status, 413);
    assert_request_id(&a);
    let a = send(addr, "POST", "/endpoints/ep/invocations", &[], vec![b'x'; 1024]).await;
    assert_eq!(a.status, 200);
    server.shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens after shutdown");
}

#[tokio::test]
async fn an_output_event_stream_is_served_part_by_part_with_modeled_error_events() {
    let (handle, _) = start().await;
    let client = client(&handle.url());
    let sent = std::time::Instant::now();
    let mut out = client
        .invoke_endpoint_with_response_stream()
        .endpoint_name("llm")
        .body(Blob::new(b"0123456789".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.content_type(), Some("text/plain"));
    assert_eq!(out.invoked_production_variant(), Some("AllTraffic"));
    let mut parts = Vec::new();
    while let Some(event) = out.body.recv().await.unwrap() {
        let ResponseStream::PayloadPart(part) = event else { panic!("unexpected event {event:?}") };
        parts.push((sent.elapsed(), String::from_utf8(part.bytes().unwrap().as_ref().to_vec()).unwrap()));
    }
    let texts: Vec<&str> = parts.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["0123", "4567", "89"]);
    // The last part exists ~400 ms after the first: the first must not wait for it.
    assert!(parts[0].0 < std::time::Duration::from_millis(300), "first part after {:?}", parts[0].0);
    assert!(parts[2].0 >= std::time::Duration::from_millis(390), "last part after {:?}", parts[2].0);

    let mut out =
        client.invoke_endpoint_with_response_stream().endpoint_name("stream-error").body(Blob::new(b"01234567".to_vec())).send().await.unwrap();
    assert!(matches!(out.body.recv().await, Ok(Some(ResponseStream::PayloadPart(_)))));
    let err = out.body.recv().await.unwrap_err().into_service_error();
    let ResponseStreamError::ModelStreamError(e) = err else { panic!("{err:?}") };
    assert_eq!((e.message(), e.error_code()), (Some("the container went away"), Some("StreamBroken")));

    // Raw: the event-stream media type, and the stream operation's input validated by the stub.
    let a = send(handle.local_addr(), "POST", "/endpoints/llm/invocations-response-stream", &[], "ab").await;
    assert_eq!((a.status, a.header("content-type")), (200, "application/vnd.amazon.eventstream"));
    let a = send(handle.local_addr(), "POST", "/endpoints/-bad/invocations-response-stream", &[], "ab").await;
    assert_eq!((a.status, a.header("x-amzn-errortype")), (400, "ValidationError"));
    assert!(a.message().contains("'endpointName' failed to satisfy constraint"), "{}", a.message());
}
