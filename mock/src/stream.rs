//! `InvokeEndpointWithResponseStream`: the answer as an event stream of `PayloadPart`s, sent
//! as they are produced, with `ModelStreamError` / `InternalStreamFailure` events mid-stream.
//!
//! The generated server stub reads, validates and answers the request (its trait method
//! returns the output's headers and an `EventProducer`); this module is the mock's logic,
//! [`Mock::invoke_with_response_stream`], behind that method.

use crate::behaviour::{Action, StreamFailureKind, StreamSource, StreamSpec};
use crate::service::{invoke_error, not_found, ErrorContext, Mock};
use crate::upstream::{ContainerError, ContainerRequest};
use bytes::Bytes;
use http_body_util::BodyExt;
use sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError;
use sagemaker_runtime::operation::invoke_endpoint_with_response_stream::{
    InvokeEndpointWithResponseStreamError as StreamError, InvokeEndpointWithResponseStreamInput as StreamInput,
    InvokeEndpointWithResponseStreamOutput as StreamOutput,
};
use sagemaker_runtime::primitives::Blob;
use sagemaker_runtime::types::error::{InternalStreamFailure, ModelStreamError, ResponseStreamError};
use sagemaker_runtime::types::{PayloadPart, ResponseStream};
use smithygen_runtime::server::event_stream::{EventProducer, EventStreamWriter};
use std::time::Duration;

/// The producer of the response's events.
pub(crate) type Events = EventProducer<ResponseStream, ResponseStreamError>;

/// The operation shares `InvokeEndpoint`'s error shapes but two: `ModelNotReadyException` and
/// `InternalDependencyException` are not modeled for it, so they go out unmodeled (status
/// 500, their code and message).
fn stream_error(error: InvokeEndpointError) -> StreamError {
    match error {
        InvokeEndpointError::ModelError(e) => StreamError::ModelError(e),
        InvokeEndpointError::ValidationError(e) => StreamError::ValidationError(e),
        InvokeEndpointError::ServiceUnavailable(e) => StreamError::ServiceUnavailable(e),
        InvokeEndpointError::InternalFailure(e) => StreamError::InternalFailure(e),
        other => {
            let (code, message) = crate::service::describe_error(&other);
            StreamError::generic(aws_smithy_types::error::ErrorMetadata::builder().code(code).message(message).build())
        }
    }
}

/// Default part size of echo and text streams.
const DEFAULT_PART_SIZE: usize = 16;

impl Mock {
    /// Runs the endpoint's behaviour as a stream.
    pub(crate) async fn invoke_with_response_stream(&self, input: StreamInput) -> Result<(StreamOutput, Events), StreamError> {
        self.stream(input).await.map_err(stream_error)
    }

    async fn stream(&self, input: StreamInput) -> Result<(StreamOutput, Events), InvokeEndpointError> {
        let endpoint_name = input.endpoint_name.clone().unwrap_or_default();
        let ep = self.config.resolve(&endpoint_name);
        let step = self.next_step(|| format!("stream/{endpoint_name}"), ep.behaviour).clone();
        let delay = ep.delay + step.delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let ctx = ErrorContext { config: &self.config, endpoint: &endpoint_name };
        let body = input.body.clone().map(|b| Bytes::from(b.into_inner())).unwrap_or_default();
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
        let output = StreamOutput::builder()
            .set_content_type(content_type)
            .invoked_production_variant(ep.variant.clone())
            .set_custom_attributes(match &spec.source {
                StreamSource::Echo => input.custom_attributes.clone(),
                _ => None,
            })
            .build_without_stream();
        Ok((output, EventProducer::new(move |writer| produce(writer, source, part_size, part_delay, failure))))
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
                        let error = ModelStreamError::builder().message(message).error_code("StreamBroken").build();
                        let _ = writer.send_error(ResponseStreamError::ModelStreamError(error)).await;
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
        let part = PayloadPart::builder().bytes(Blob::new(part.to_vec())).build();
        if writer.send(ResponseStream::PayloadPart(part)).await.is_err() {
            tracing::debug!(sent, "the client went away mid-stream");
            return;
        }
        sent += 1;
    }
}

async fn fail(writer: EventStreamWriter<ResponseStream, ResponseStreamError>, kind: Option<StreamFailureKind>) {
    let error = match kind {
        Some(StreamFailureKind::ModelStreamError { error_code, message }) => ResponseStreamError::ModelStreamError(
            ModelStreamError::builder()
                .error_code(error_code.unwrap_or_else(|| "StreamBroken".into()))
                .message(message.unwrap_or_else(|| "The connection between SageMaker and the model container was reset.".into()))
                .build(),
        ),
        Some(StreamFailureKind::InternalStreamFailure { message }) => ResponseStreamError::InternalStreamFailure(
            InternalStreamFailure::builder()
                .message(message.unwrap_or_else(|| "The stream failed because of an internal error. Retry the request.".into()))
                .build(),
        ),
        Some(StreamFailureKind::DropConnection) | None => {
            writer.abort("the mock drops the connection mid-stream, as configured").await;
            return;
        }
    };
    let _ = writer.send_error(error).await;
}
