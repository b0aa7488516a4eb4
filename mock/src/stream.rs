//! `InvokeEndpointWithResponseStream`: the answer as an event stream of `PayloadPart`s, sent
//! as they are produced, with `ModelStreamError` / `InternalStreamFailure` events mid-stream.
//!
//! The generated server stub does not route this operation yet (event streams in the
//! generator are issue 11's other half), so this module holds both halves: the part the
//! generated stub will provide (`de_request`, `validate`, `ser_*`: the model's bindings and
//! constraints, worded like the stub's `ValidationError`s) and the mock's implementation,
//! [`Mock::invoke_with_response_stream`], which is what will become the trait method.

use crate::behaviour::{Action, StreamFailureKind, StreamSource, StreamSpec};
use crate::service::{invoke_error, not_found, ErrorContext, Mock};
use crate::upstream::{ContainerError, ContainerRequest};
use bytes::Bytes;
use http_body_util::BodyExt;
use sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError;
use serde_json::{json, Map, Value};
use smithygen_runtime::event_stream::{message, EventStreamError, Message};
use smithygen_runtime::server::event_stream::{event_stream, event_stream_response, EventStreamWriter};
use smithygen_runtime::server::{error_response, Pattern, Rejection, ServerRequest, ServerResponse, Violations};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// The operation's `@http` binding.
pub(crate) const OPERATION: &str = "InvokeEndpointWithResponseStream";
pub(crate) const METHOD: &str = "POST";
pub(crate) const URI: &str = "/endpoints/{EndpointName}/invocations-response-stream";

/// `InvokeEndpointWithResponseStreamInput`, as the generated type will be.
#[derive(Debug, Default, Clone)]
pub(crate) struct StreamInput {
    pub endpoint_name: Option<String>,
    pub body: Option<Bytes>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub custom_attributes: Option<String>,
    pub target_variant: Option<String>,
    pub target_container_hostname: Option<String>,
    pub inference_id: Option<String>,
    pub inference_component_name: Option<String>,
    pub session_id: Option<String>,
    pub prefix_aware_id: Option<String>,
}

/// `ResponseStream`: the events.
#[derive(Debug)]
pub(crate) enum ResponseStream {
    PayloadPart(Bytes),
}

/// `ResponseStream`'s modeled errors.
#[derive(Debug)]
pub(crate) enum ResponseStreamError {
    ModelStreamError { message: String, error_code: String },
    InternalStreamFailure { message: String },
}

/// The HTTP-bound output members and the stream's producer.
pub(crate) struct StreamOutput {
    pub content_type: Option<String>,
    pub invoked_production_variant: Option<String>,
    pub custom_attributes: Option<String>,
    /// Runs with the writer of the response body (spawned after the headers are sent).
    pub produce: Box<dyn FnOnce(EventStreamWriter<ResponseStream, ResponseStreamError>) -> ProduceFuture + Send>,
}

type ProduceFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

// ---- The part the generated stub will provide ----

/// Reads the input from the request (labels, headers, payload).
pub(crate) fn de_request(request: &ServerRequest) -> Result<StreamInput, Rejection> {
    let header = |name: &str| request.header(name).map(|v| v.map(str::to_string));
    Ok(StreamInput {
        endpoint_name: Some(request.label(0, "EndpointName")?),
        // `@httpPayload` blob, `@required`: an absent body is an empty one on the wire.
        body: Some(request.body().clone()),
        content_type: header("Content-Type")?,
        accept: header("X-Amzn-SageMaker-Accept")?,
        custom_attributes: header("X-Amzn-SageMaker-Custom-Attributes")?,
        target_variant: header("X-Amzn-SageMaker-Target-Variant")?,
        target_container_hostname: header("X-Amzn-SageMaker-Target-Container-Hostname")?,
        inference_id: header("X-Amzn-SageMaker-Inference-Id")?,
        inference_component_name: header("X-Amzn-SageMaker-Inference-Component")?,
        session_id: header("X-Amzn-SageMaker-Session-Id")?,
        prefix_aware_id: header("X-Amzn-SageMaker-Prefix-Aware-Id")?,
    })
}

// The model's patterns (Java syntax in messages), in `regex` syntax: header values never hold
// line breaks, so `$` needs none of Java's end-of-input subtleties here.
static NAME: LazyLock<Pattern> = LazyLock::new(|| Pattern::regex(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"));
static ASCII: LazyLock<Pattern> = LazyLock::new(|| Pattern::regex(r"^[\x00-\x7F]*$"));
static PRINT: LazyLock<Pattern> = LazyLock::new(|| Pattern::regex(r"^[^ \t\n\x0B\f\r][\x20-\x7E]*$"));
static COMPONENT: LazyLock<Pattern> = LazyLock::new(|| Pattern::regex(r"^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$"));

/// Checks the model's constraints, as the generated validators do.
pub(crate) fn validate(input: &StreamInput, v: &mut Violations) {
    let name_pattern = r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$";
    let ascii_pattern = r"^\p{ASCII}*$";
    let print_pattern = r"^\A\S[\p{Print}]*\z$";
    let component_pattern = r"^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$";
    type Check<'a> = (&'static str, bool, &'a Option<String>, u64, u64, &'static Pattern, &'static str);
    v.enter("EndpointName", false);
    match &input.endpoint_name {
        None => v.missing(),
        Some(value) => {
            v.check_string_length(value, Some(0), Some(63));
            v.check_pattern(value, NAME.is_match(value), name_pattern);
        }
    }
    v.leave();
    v.enter("Body", true);
    match &input.body {
        None => v.missing(),
        Some(body) => v.check_length(body.len(), Some(0), Some(6_291_456)),
    }
    v.leave();
    let checks: [Check<'_>; 9] = [
        ("ContentType", false, &input.content_type, 0, 1024, &ASCII, ascii_pattern),
        ("Accept", false, &input.accept, 0, 1024, &ASCII, ascii_pattern),
        ("CustomAttributes", true, &input.custom_attributes, 0, 1024, &ASCII, ascii_pattern),
        ("TargetVariant", false, &input.target_variant, 0, 63, &NAME, name_pattern),
        ("TargetContainerHostname", false, &input.target_container_hostname, 0, 63, &NAME, name_pattern),
        ("InferenceId", false, &input.inference_id, 1, 64, &PRINT, print_pattern),
        ("InferenceComponentName", false, &input.inference_component_name, 0, 63, &COMPONENT, component_pattern),
        ("SessionId", false, &input.session_id, 0, 256, &NAME, name_pattern),
        ("PrefixAwareId", false, &input.prefix_aware_id, 1, 64, &PRINT, print_pattern),
    ];
    for (member, sensitive, value, min, max, pattern, text) in checks {
        v.enter(member, sensitive);
        if let Some(value) = value {
            v.check_string_length(value, Some(min), Some(max));
            v.check_pattern(value, pattern.is_match(value), text);
        }
        v.leave();
    }
}

fn marshall(event: ResponseStream) -> Result<Message, EventStreamError> {
    match event {
        ResponseStream::PayloadPart(bytes) => Ok(message::event("PayloadPart", Some("application/octet-stream"), bytes)),
    }
}

fn marshall_error(error: ResponseStreamError) -> Result<Message, EventStreamError> {
    Ok(match error {
        ResponseStreamError::ModelStreamError { message: text, error_code } => {
            message::exception("ModelStreamError", json!({ "Message": text, "ErrorCode": error_code }).to_string())
        }
        ResponseStreamError::InternalStreamFailure { message: text } => {
            message::exception("InternalStreamFailure", json!({ "Message": text }).to_string())
        }
    })
}

/// The 200 response: HTTP-bound members as headers, the event stream as the body.
fn ser_response(output: StreamOutput) -> ServerResponse {
    let mut builder = http::Response::builder().status(200);
    let headers = [
        ("X-Amzn-SageMaker-Content-Type", &output.content_type),
        ("x-Amzn-Invoked-Production-Variant", &output.invoked_production_variant),
        ("X-Amzn-SageMaker-Custom-Attributes", &output.custom_attributes),
    ];
    for (name, value) in headers {
        if let Some(value) = value {
            builder = builder.header(name, value.as_str());
        }
    }
    let (writer, body) = event_stream(marshall, marshall_error);
    tokio::spawn((output.produce)(writer));
    event_stream_response(builder, body)
}

/// A modeled operation error (the operation shares `InvokeEndpoint`'s error shapes).
fn ser_error(error: &InvokeEndpointError) -> ServerResponse {
    let mut fields = Map::new();
    let (status, code, text) = match error {
        InvokeEndpointError::ModelError(e) => {
            let optional = [
                ("OriginalStatusCode", e.original_status_code().map(Value::from)),
                ("OriginalMessage", e.original_message().map(Value::from)),
                ("LogStreamArn", e.log_stream_arn().map(Value::from)),
            ];
            for (k, v) in optional {
                if let Some(v) = v {
                    fields.insert(k.into(), v);
                }
            }
            (424, "ModelError", e.message().unwrap_or_default())
        }
        InvokeEndpointError::ValidationError(e) => (400, "ValidationError", e.message().unwrap_or_default()),
        InvokeEndpointError::ServiceUnavailable(e) => (503, "ServiceUnavailable", e.message().unwrap_or_default()),
        InvokeEndpointError::InternalFailure(e) => (500, "InternalFailure", e.message().unwrap_or_default()),
        InvokeEndpointError::ModelNotReadyException(e) => (429, "ModelNotReadyException", e.message().unwrap_or_default()),
        InvokeEndpointError::InternalDependencyException(e) => (530, "InternalDependencyException", e.message().unwrap_or_default()),
        other => (500, other.meta().code().unwrap_or("InternalFailure"), other.meta().message().unwrap_or_default()),
    };
    fields.insert("message".into(), Value::from(text));
    error_response(status, code, text, fields)
}

/// Reads, validates and answers one request (the generated `handle_*` function's job).
pub(crate) async fn handle(mock: Arc<Mock>, request: ServerRequest) -> ServerResponse {
    let input = match de_request(&request) {
        Ok(input) => input,
        Err(rejection) => return rejection.into_response(),
    };
    let mut violations = Violations::new();
    validate(&input, &mut violations);
    if !violations.is_empty() {
        let text = violations.aws_message();
        return error_response(400, "ValidationError", &text, Map::new());
    }
    match mock.invoke_with_response_stream(input).await {
        Ok(output) => ser_response(output),
        Err(error) => ser_error(&error),
    }
}

// ---- The mock's implementation (the future trait method) ----

/// Default part size of echo and text streams.
const DEFAULT_PART_SIZE: usize = 16;

impl Mock {
    /// Runs the endpoint's behaviour as a stream.
    pub(crate) async fn invoke_with_response_stream(&self, input: StreamInput) -> Result<StreamOutput, InvokeEndpointError> {
        let endpoint_name = input.endpoint_name.clone().unwrap_or_default();
        let ep = self.config.resolve(&endpoint_name);
        let step = self.next_step(format!("stream/{endpoint_name}"), ep.behaviour).clone();
        let delay = ep.delay + step.delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let ctx = ErrorContext { config: &self.config, endpoint: &endpoint_name };
        let body = input.body.clone().unwrap_or_default();
        let spec = match step.action {
            Action::Stream(spec) => spec,
            Action::Echo => StreamSpec::echo(),
            Action::Fixed(fixed) => {
                let mut spec = StreamSpec::text(fixed.body);
                spec.content_type = fixed.content_type.or_else(|| Some("application/octet-stream".into()));
                spec
            }
            Action::Upstream(upstream) => StreamSpec { source: StreamSource::Upstream(upstream), ..StreamSpec::echo() },
            Action::Error(spec) => return Err(invoke_error(&spec, &ctx)),
            Action::NotFound | Action::Accept => return Err(InvokeEndpointError::ValidationError(not_found(&ctx))),
        };
        let failure = spec.failure.clone();
        let (content_type, source): (Option<String>, PartSource) = match &spec.source {
            StreamSource::Echo => (
                spec.content_type.clone().or(input.content_type.clone()).or(Some("application/octet-stream".into())),
                PartSource::Bytes(body),
            ),
            StreamSource::Text(text) => (spec.content_type.clone().or(Some("text/plain".into())), PartSource::Bytes(text.clone())),
            StreamSource::Upstream(upstream) => {
                let request = ContainerRequest {
                    body,
                    content_type: input.content_type.clone(),
                    accept: input.accept.clone(),
                    custom_attributes: input.custom_attributes.clone(),
                    target_model: None,
                    inference_id: input.inference_id.clone(),
                    session_id: input.session_id.clone(),
                    prefix_aware_id: input.prefix_aware_id.clone(),
                };
                match self.upstream.invoke_streaming(upstream, request).await {
                    Ok(response) if response.status().is_success() => {
                        let header = |n: &str| response.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
                        (spec.content_type.clone().or(header("content-type")), PartSource::Upstream(response.into_body()))
                    }
                    Ok(response) => {
                        let status = i32::from(response.status().as_u16());
                        let text = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let error = crate::ErrorSpec::model_error(status, String::from_utf8_lossy(&text));
                        return Err(invoke_error(&error, &ctx));
                    }
                    Err(ContainerError::NotReady(why)) => {
                        return Err(invoke_error(
                            &crate::ErrorSpec::model_not_ready()
                                .message(format!("The model container of endpoint {endpoint_name} is not ready: {why}")),
                            &ctx,
                        ))
                    }
                    Err(ContainerError::Timeout) => {
                        return Err(invoke_error(
                            &crate::ErrorSpec::new("ModelError").message(
                                "Your invocation timed out while waiting for a response from container primary.",
                            ),
                            &ctx,
                        ))
                    }
                    Err(ContainerError::Unreachable(why)) => {
                        return Err(invoke_error(
                            &crate::ErrorSpec::new("ModelError")
                                .message(format!("The model container of endpoint {endpoint_name} could not be reached: {why}")),
                            &ctx,
                        ))
                    }
                }
            }
        };
        let part_size = spec.part_size;
        let part_delay = spec.part_delay;
        tracing::info!(endpoint = %endpoint_name, "InvokeEndpointWithResponseStream streaming");
        Ok(StreamOutput {
            content_type,
            invoked_production_variant: Some(ep.variant.clone()),
            custom_attributes: match &spec.source {
                StreamSource::Echo => input.custom_attributes.clone(),
                _ => None,
            },
            produce: Box::new(move |writer| Box::pin(produce(writer, source, part_size, part_delay, failure))),
        })
    }
}

/// Where the parts' bytes come from.
enum PartSource {
    Bytes(Bytes),
    Upstream(hyper::body::Incoming),
}

/// Sends the parts, pacing and failing them as configured; stops when the client goes away.
async fn produce(
    writer: EventStreamWriter<ResponseStream, ResponseStreamError>,
    source: PartSource,
    part_size: Option<usize>,
    part_delay: Duration,
    failure: Option<crate::behaviour::StreamFailure>,
) {
    let mut sent = 0usize;
    let mut pending = Bytes::new();
    let mut source = source;
    let mut finished = false;
    loop {
        if failure.as_ref().is_some_and(|f| f.after_parts == sent) {
            fail(writer, failure.map(|f| f.kind)).await;
            return;
        }
        // The next part: `part_size` bytes (or the next upstream chunk as is).
        let size = match (&source, part_size) {
            (_, Some(n)) => n,
            (PartSource::Bytes(_), None) => DEFAULT_PART_SIZE,
            (PartSource::Upstream(_), None) => 0,
        };
        while !finished && (pending.is_empty() || (size > 0 && pending.len() < size)) {
            match &mut source {
                PartSource::Bytes(bytes) => {
                    pending = std::mem::take(bytes);
                    finished = true;
                }
                PartSource::Upstream(body) => match body.frame().await {
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            let mut joined = Vec::with_capacity(pending.len() + data.len());
                            joined.extend_from_slice(&pending);
                            joined.extend_from_slice(&data);
                            pending = Bytes::from(joined);
                            if size == 0 {
                                break;
                            }
                        }
                    }
                    Some(Err(e)) => {
                        // The container's connection broke: as SageMaker reports it.
                        let message = format!("The model container's response stream broke: {e}");
                        let _ = writer.send_error(ResponseStreamError::ModelStreamError { message, error_code: "StreamBroken".into() }).await;
                        return;
                    }
                    None => finished = true,
                },
            }
        }
        if pending.is_empty() {
            return; // the end: dropping the writer ends the stream cleanly
        }
        let take = if size == 0 { pending.len() } else { size.min(pending.len()) };
        let part = pending.split_to(take);
        if sent > 0 && !part_delay.is_zero() {
            tokio::time::sleep(part_delay).await;
        }
        if writer.send(ResponseStream::PayloadPart(part)).await.is_err() {
            tracing::debug!(sent, "the client went away mid-stream");
            return;
        }
        sent += 1;
    }
}

async fn fail(writer: EventStreamWriter<ResponseStream, ResponseStreamError>, kind: Option<StreamFailureKind>) {
    let error = match kind {
        Some(StreamFailureKind::ModelStreamError { error_code, message }) => ResponseStreamError::ModelStreamError {
            error_code: error_code.unwrap_or_else(|| "StreamBroken".into()),
            message: message.unwrap_or_else(|| "The connection between SageMaker and the model container was reset.".into()),
        },
        Some(StreamFailureKind::InternalStreamFailure { message }) => ResponseStreamError::InternalStreamFailure {
            message: message.unwrap_or_else(|| "The stream failed because of an internal error. Retry the request.".into()),
        },
        Some(StreamFailureKind::DropConnection) | None => {
            writer.abort("the mock drops the connection mid-stream, as configured").await;
            return;
        }
    };
    let _ = writer.send_error(error).await;
}
