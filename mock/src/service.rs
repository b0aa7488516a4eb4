//! The mock's implementation of the generated `AmazonSageMakerRuntime` trait: behaviours for
//! `InvokeEndpoint`, acceptance and queueing for `InvokeEndpointAsync`.

use crate::behaviour::{Action, Behaviour, ErrorSpec, FixedResponse};
use crate::config::{MockConfig, DEFAULT_INVOCATION_TIMEOUT_SECONDS, DEFAULT_REQUEST_TTL_SECONDS};
use crate::queue::{Job, Queue};
use crate::record::Recorder;
use crate::store::{S3Uri, Store};
use crate::upstream::{ContainerError, ContainerRequest, Upstream};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::Blob;
use bytes::Bytes;
use sagemaker_runtime::operation::invoke_endpoint::{InvokeEndpointError, InvokeEndpointInput, InvokeEndpointOutput};
use sagemaker_runtime::operation::invoke_endpoint_async::{
    InvokeEndpointAsyncError, InvokeEndpointAsyncInput, InvokeEndpointAsyncOutput,
};
use sagemaker_runtime::operation::invoke_endpoint_with_response_stream::{
    InvokeEndpointWithResponseStreamError, InvokeEndpointWithResponseStreamInput, InvokeEndpointWithResponseStreamOutput,
};
use sagemaker_runtime::server::AmazonSageMakerRuntime;
use sagemaker_runtime::types::error::ResponseStreamError;
use sagemaker_runtime::types::ResponseStream;
use smithygen_runtime::server::event_stream::EventProducer;
use sagemaker_runtime::types::error::{
    InternalDependencyException, InternalFailure, ModelError, ModelNotReadyException, ServiceUnavailable, ValidationError,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Everything a running mock shares between requests and the async queue.
#[derive(Debug)]
pub(crate) struct Mock {
    pub config: MockConfig,
    pub store: Arc<Store>,
    pub recorder: Recorder,
    pub queue: Queue,
    pub(crate) upstream: Upstream,
    /// Invocations so far per sequence key, for behaviours that are sequences.
    counters: Mutex<HashMap<String, usize>>,
}

/// One invocation of an endpoint's model, from `InvokeEndpoint` or from the async queue.
#[derive(Debug, Clone, Default)]
pub(crate) struct Invocation {
    pub endpoint_name: String,
    pub body: Bytes,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub custom_attributes: Option<String>,
    pub target_model: Option<String>,
    pub inference_id: Option<String>,
    pub session_id: Option<String>,
    /// `PrefixAwareId` (real-time calls only): forwarded to upstream containers.
    pub prefix_aware_id: Option<String>,
    /// From the async queue: the request's `InvocationTimeoutSeconds` limits the model, not
    /// the 60 seconds of a real-time call.
    pub from_queue: bool,
}

impl Mock {
    pub(crate) fn new(config: MockConfig, store: Arc<Store>, queue: Queue) -> Self {
        Mock { recorder: Recorder::new(&config.record), config, store, queue, upstream: Upstream::default(), counters: Mutex::default() }
    }

    /// The step of `behaviour` for this invocation of `key` (made only for a sequence).
    pub(crate) fn next_step<'b>(&self, key: impl FnOnce() -> String, behaviour: &'b Behaviour) -> &'b crate::behaviour::Step {
        if let Behaviour::Step(step) = behaviour {
            return step;
        }
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        let n = counters.entry(key()).or_insert(0);
        let step = behaviour.step_at(*n);
        *n += 1;
        step
    }

    /// Runs the endpoint's behaviour for one invocation.
    pub(crate) async fn invoke(&self, inv: Invocation) -> Result<InvokeEndpointOutput, InvokeEndpointError> {
        let ep = self.config.resolve(&inv.endpoint_name);
        let step = self.next_step(|| format!("invoke/{}", inv.endpoint_name), ep.behaviour).clone();
        let delay = ep.delay + step.delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let ctx = ErrorContext { config: &self.config, endpoint: &inv.endpoint_name };
        match step.action.unstreamed() {
            Action::Echo => {
                let new_session_id = (inv.session_id.as_deref() == Some("NEW_SESSION")).then(|| {
                    let expires = crate::format_time(SystemTime::now() + Duration::from_secs(3600));
                    format!("{}; Expires={expires}", uuid::Uuid::new_v4())
                });
                Ok(InvokeEndpointOutput::builder()
                    .body(Blob::new(inv.body))
                    .content_type(inv.content_type.unwrap_or_else(|| "application/octet-stream".into()))
                    .invoked_production_variant(ep.variant)
                    .set_custom_attributes(inv.custom_attributes)
                    .set_new_session_id(new_session_id)
                    .build())
            }
            Action::Fixed(fixed) => Ok(fixed_output(fixed, ep.variant)),
            Action::NotFound => Err(InvokeEndpointError::ValidationError(not_found(&ctx))),
            Action::Error(spec) => Err(invoke_error(&spec, &ctx)),
            // Rejected by config validation; answered like a missing endpoint if built in code.
            Action::Accept => Err(InvokeEndpointError::ValidationError(not_found(&ctx))),
            // `unstreamed` turned it into the action answering the same bytes whole.
            Action::Stream(_) => Err(InvokeEndpointError::ValidationError(not_found(&ctx))),
            Action::Upstream(mut spec) => {
                if inv.from_queue {
                    spec.timeout = Duration::from_secs(24 * 3600);
                }
                let request = ContainerRequest {
                    body: inv.body,
                    content_type: inv.content_type,
                    accept: inv.accept,
                    custom_attributes: inv.custom_attributes,
                    target_model: inv.target_model,
                    inference_id: inv.inference_id,
                    session_id: inv.session_id.clone(),
                    prefix_aware_id: inv.prefix_aware_id,
                };
                match self.upstream.invoke(&spec, request).await {
                    Ok(answer) if (200..300).contains(&answer.status) => Ok(InvokeEndpointOutput::builder()
                        .body(Blob::new(answer.body))
                        .content_type(answer.content_type.unwrap_or_else(|| "application/octet-stream".into()))
                        .invoked_production_variant(ep.variant)
                        .set_custom_attributes(answer.custom_attributes)
                        .set_new_session_id(answer.session_id.filter(|_| inv.session_id.as_deref() == Some("NEW_SESSION")))
                        .set_closed_session_id(answer.closed_session_id)
                        .build()),
                    Ok(answer) => {
                        let spec = ErrorSpec::model_error(i32::from(answer.status), String::from_utf8_lossy(&answer.body));
                        Err(invoke_error(&spec, &ctx))
                    }
                    Err(ContainerError::NotReady(why)) => Err(InvokeEndpointError::ModelNotReadyException(
                        ModelNotReadyException::builder()
                            .message(format!("The model container of endpoint {} is not ready: {why}", inv.endpoint_name))
                            .build(),
                    )),
                    Err(ContainerError::Timeout) => Err(InvokeEndpointError::ModelError(
                        ModelError::builder()
                            .message(
                                "Your invocation timed out while waiting for a response from container primary. Review the latency metrics for each container in Amazon CloudWatch, resolve the issue, and try again.",
                            )
                            .log_stream_arn(ctx.log_stream_arn())
                            .build(),
                    )),
                    Err(ContainerError::Unreachable(why)) => Err(InvokeEndpointError::ModelError(
                        ModelError::builder()
                            .message(format!("The model container of endpoint {} at {} could not be reached: {why}", inv.endpoint_name, spec.url))
                            .log_stream_arn(ctx.log_stream_arn())
                            .build(),
                    )),
                }
            }
        }
    }

    /// Accepts (or refuses) an async request and queues it durably before answering.
    async fn accept_async(&self, input: InvokeEndpointAsyncInput) -> Result<InvokeEndpointAsyncOutput, InvokeEndpointAsyncError> {
        let name = input.endpoint_name.clone().unwrap_or_default();
        let ctx = ErrorContext { config: &self.config, endpoint: &name };
        let ep = self.config.resolve(&name);
        if matches!(ep.behaviour, Behaviour::Step(step) if step.action == Action::NotFound) {
            return Err(InvokeEndpointAsyncError::ValidationError(not_found(&ctx)));
        }
        let step = self.next_step(|| format!("accept/{name}"), ep.accept).clone();
        if !step.delay.is_zero() {
            tokio::time::sleep(step.delay).await;
        }
        match &step.action {
            Action::Error(spec) => return Err(async_error(spec)),
            Action::NotFound => return Err(InvokeEndpointAsyncError::ValidationError(not_found(&ctx))),
            _ => {}
        }
        let input_given = (input.body.is_some(), input.input_location.is_some());
        if input_given.0 == input_given.1 {
            // The model cannot say "exactly one of": the service checks it, and so does the mock.
            let message = if input_given.0 {
                "InputLocation and Body are mutually exclusive: provide exactly one of them."
            } else {
                "Either InputLocation or Body must be provided."
            };
            return Err(InvokeEndpointAsyncError::ValidationError(ValidationError::builder().message(message).build()));
        }
        let inference_id = input.inference_id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let places = AsyncPlaces::resolve(&ep, &inference_id, input.s3_output_path_extension.as_deref(), input.filename.as_deref());
        let (output, failure) = match places {
            Ok(places) => places,
            Err(PlaceError::Config(message)) => {
                return Err(InvokeEndpointAsyncError::InternalFailure(
                    InternalFailure::builder().message(format!("endpoint {name}: {message}")).build(),
                ))
            }
        };
        // A place the store refuses (a symbolic link in the data directory on the way) is
        // refused now, not retried in the background.
        for place in [&output, &failure] {
            if let Err(e) = self.store.check_place(place) {
                return Err(InvokeEndpointAsyncError::ValidationError(
                    ValidationError::builder()
                        .message(format!("The S3 output path extension and file name must form a usable object key: {e}"))
                        .build(),
                ));
            }
        }
        let job_id = uuid::Uuid::new_v4().to_string();
        let input_location = match (&input.input_location, &input.body) {
            (Some(location), _) => location.clone(),
            (None, Some(body)) => {
                // An inline payload becomes an input object like any other, written before the
                // request is journaled, so the queue (and a restart) treats both forms alike.
                let stored = S3Uri::parse(&ep.input_path()).map(|p| p.join(&format!("{job_id}.in")));
                let stored = match stored {
                    Ok(uri) => uri,
                    Err(e) => {
                        return Err(InvokeEndpointAsyncError::InternalFailure(
                            InternalFailure::builder().message(format!("endpoint {name}: input_path {e}")).build(),
                        ))
                    }
                };
                if let Err(e) = self.store.put(&stored, Bytes::copy_from_slice(body.as_ref())).await {
                    tracing::error!(endpoint = %name, error = %e, "could not store an inline async payload");
                    return Err(InvokeEndpointAsyncError::InternalFailure(
                        InternalFailure::builder().message(format!("The request payload could not be stored: {e}")).build(),
                    ));
                }
                stored.to_string()
            }
            (None, None) => unreachable!("checked above: exactly one input is given"),
        };
        let ttl_seconds = input.request_ttl_seconds.unwrap_or(DEFAULT_REQUEST_TTL_SECONDS);
        let timeout_seconds = input.invocation_timeout_seconds.unwrap_or(DEFAULT_INVOCATION_TIMEOUT_SECONDS);
        let accepted_at = crate::unix_millis(SystemTime::now());
        let ttl = self.config.async_queue.scaled(ttl_seconds);
        let timeout = self.config.async_queue.scaled(timeout_seconds);
        let job = Job {
            id: job_id,
            endpoint_name: name.clone(),
            inference_id: inference_id.clone(),
            input_location,
            content_type: input.content_type.clone(),
            accept: input.accept.clone(),
            custom_attributes: input.custom_attributes.clone(),
            request_ttl_seconds: ttl_seconds,
            invocation_timeout_seconds: timeout_seconds,
            accepted_at_ms: accepted_at,
            expires_at_ms: accepted_at.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)),
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            output_location: output.to_string(),
            failure_location: failure.to_string(),
        };
        if let Err(e) = self.queue.submit(job).await {
            tracing::error!(endpoint = %name, error = %e, "could not journal an async request");
            return Err(InvokeEndpointAsyncError::InternalFailure(
                InternalFailure::builder().message(format!("The request could not be queued: {e}")).build(),
            ));
        }
        tracing::info!(endpoint = %name, inference_id = %inference_id, "async request accepted");
        Ok(InvokeEndpointAsyncOutput::builder()
            .inference_id(inference_id)
            .output_location(output.to_string())
            .failure_location(failure.to_string())
            .build())
    }
}

/// Why an async request's result locations could not be formed.
enum PlaceError {
    /// The endpoint's configured paths are broken.
    Config(String),
}

/// Where an async request's result and failure report go, as SageMaker places them:
/// `<S3OutputPath>[/<S3OutputPathExtension>]/<Filename or InferenceId.out>` and
/// `<S3FailurePath>[/<S3OutputPathExtension>]/<Filename or InferenceId>-error.out`.
struct AsyncPlaces;

impl AsyncPlaces {
    /// The output and failure locations of a request (result and failure report).
    fn resolve(
        ep: &crate::config::Resolved<'_>,
        inference_id: &str,
        extension: Option<&str>,
        filename: Option<&str>,
    ) -> Result<(S3Uri, S3Uri), PlaceError> {
        let output = S3Uri::parse(&ep.output_path()).map_err(|e| PlaceError::Config(format!("output_path {e}")))?;
        let failure = S3Uri::parse(&ep.failure_path()).map_err(|e| PlaceError::Config(format!("failure_path {e}")))?;
        let (output, failure) = match extension.map(|e| e.trim_matches('/')) {
            Some(ext) if !ext.is_empty() => (output.join(ext), failure.join(ext)),
            _ => (output, failure),
        };
        let (output_name, failure_name) = match filename {
            Some(file) => (file.to_string(), format!("{file}-error.out")),
            None => (format!("{inference_id}.out"), format!("{inference_id}-error.out")),
        };
        let (output, failure) = (output.join(&output_name), failure.join(&failure_name));
        // The model's patterns allow `..` and `//` in an extension: S3 keeps them as key text,
        // and so does the store (under an escaped name, never outside the bucket's folder).
        Ok((output, failure))
    }
}

/// The service the generated router serves.
#[derive(Debug, Clone)]
pub(crate) struct MockService(pub Arc<Mock>);

impl AmazonSageMakerRuntime for MockService {
    async fn invoke_endpoint(&self, input: InvokeEndpointInput) -> Result<InvokeEndpointOutput, InvokeEndpointError> {
        let inv = Invocation {
            endpoint_name: input.endpoint_name.unwrap_or_default(),
            body: input.body.map(|b| Bytes::from(b.into_inner())).unwrap_or_default(),
            content_type: input.content_type,
            accept: input.accept,
            custom_attributes: input.custom_attributes,
            target_model: input.target_model,
            inference_id: input.inference_id,
            session_id: input.session_id,
            prefix_aware_id: input.prefix_aware_id,
            from_queue: false,
        };
        // The name is copied for the debug line only when that line is written.
        let name = tracing::enabled!(tracing::Level::DEBUG).then(|| inv.endpoint_name.clone());
        let result = self.0.invoke(inv).await;
        if let Some(name) = name {
            match &result {
                Ok(_) => tracing::debug!(endpoint = %name, "InvokeEndpoint answered"),
                Err(e) => tracing::debug!(endpoint = %name, error = describe_error(e).0, "InvokeEndpoint failed"),
            }
        }
        result
    }

    async fn invoke_endpoint_async(
        &self,
        input: InvokeEndpointAsyncInput,
    ) -> Result<InvokeEndpointAsyncOutput, InvokeEndpointAsyncError> {
        self.0.accept_async(input).await
    }

    async fn invoke_endpoint_with_response_stream(
        &self,
        input: InvokeEndpointWithResponseStreamInput,
    ) -> Result<(InvokeEndpointWithResponseStreamOutput, EventProducer<ResponseStream, ResponseStreamError>), InvokeEndpointWithResponseStreamError> {
        self.0.invoke_with_response_stream(input).await
    }
}

/// The code and message of an `InvokeEndpoint` error, as its response carries them.
pub(crate) fn describe_error(error: &InvokeEndpointError) -> (&str, &str) {
    match error {
        InvokeEndpointError::InternalDependencyException(e) => ("InternalDependencyException", e.message().unwrap_or_default()),
        InvokeEndpointError::InternalFailure(e) => ("InternalFailure", e.message().unwrap_or_default()),
        InvokeEndpointError::ModelError(e) => ("ModelError", e.message().unwrap_or_default()),
        InvokeEndpointError::ModelNotReadyException(e) => ("ModelNotReadyException", e.message().unwrap_or_default()),
        InvokeEndpointError::ServiceUnavailable(e) => ("ServiceUnavailable", e.message().unwrap_or_default()),
        InvokeEndpointError::ValidationError(e) => ("ValidationError", e.message().unwrap_or_default()),
        other => (other.meta().code().unwrap_or("InternalFailure"), other.meta().message().unwrap_or_default()),
    }
}

fn fixed_output(fixed: FixedResponse, variant: String) -> InvokeEndpointOutput {
    InvokeEndpointOutput::builder()
        .body(Blob::new(fixed.body))
        .content_type(fixed.content_type.unwrap_or_else(|| "application/octet-stream".into()))
        .invoked_production_variant(fixed.invoked_production_variant.unwrap_or(variant))
        .set_custom_attributes(fixed.custom_attributes)
        .set_new_session_id(fixed.new_session_id)
        .set_closed_session_id(fixed.closed_session_id)
        .build()
}

/// What error messages and ARNs mention.
pub(crate) struct ErrorContext<'a> {
    pub(crate) config: &'a MockConfig,
    pub(crate) endpoint: &'a str,
}

impl ErrorContext<'_> {
    pub(crate) fn log_stream_arn(&self) -> String {
        format!(
            "arn:aws:logs:{}:{}:log-group:/aws/sagemaker/Endpoints/{}",
            self.config.region, self.config.account_id, self.endpoint
        )
    }
}

pub(crate) fn not_found(ctx: &ErrorContext<'_>) -> ValidationError {
    ValidationError::builder()
        .message(format!("Endpoint {} of account {} not found.", ctx.endpoint, ctx.config.account_id))
        .build()
}

/// AWS's wording of a `ModelError`, with the container's status and body.
pub(crate) fn model_error(spec: &ErrorSpec, ctx: &ErrorContext<'_>) -> ModelError {
    let status = spec.original_status_code.unwrap_or(500);
    let original = spec.original_message.clone().unwrap_or_else(|| {
        u16::try_from(status)
            .ok()
            .and_then(|s| http::StatusCode::from_u16(s).ok())
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_string()
    });
    let message = spec.message.clone().unwrap_or_else(|| {
        let kind = if (400..500).contains(&status) { "client" } else { "server" };
        let region = &ctx.config.region;
        format!(
            "Received {kind} error ({status}) from primary with message \"{original}\". See https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logEventViewer:group=/aws/sagemaker/Endpoints/{} in account {} for more information.",
            ctx.endpoint, ctx.config.account_id
        )
    });
    ModelError::builder()
        .message(message)
        .original_status_code(status)
        .original_message(original)
        .log_stream_arn(spec.log_stream_arn.clone().unwrap_or_else(|| ctx.log_stream_arn()))
        .build()
}

pub(crate) fn default_message(error_type: &str) -> &'static str {
    match error_type {
        "ModelNotReadyException" => "Model is not ready to serve requests yet. Retry the request after a short wait.",
        "ServiceUnavailable" => "Service is temporarily unavailable. Retry the request after a short wait.",
        "InternalFailure" => "An internal failure occurred. Retry the request after a short wait.",
        "InternalDependencyException" => "An internal dependency of the service failed.",
        "ValidationError" => "The request is not valid.",
        _ => "The request failed.",
    }
}

fn generic(spec: &ErrorSpec) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code(spec.error_type.clone())
        .message(spec.message.clone().unwrap_or_else(|| default_message(&spec.error_type).into()))
        .build()
}

/// The `InvokeEndpoint` error `spec` describes.
pub(crate) fn invoke_error(spec: &ErrorSpec, ctx: &ErrorContext<'_>) -> InvokeEndpointError {
    let message = spec.message.clone().unwrap_or_else(|| default_message(&spec.error_type).into());
    match spec.error_type.as_str() {
        "ModelError" => InvokeEndpointError::ModelError(model_error(spec, ctx)),
        "ModelNotReadyException" => {
            InvokeEndpointError::ModelNotReadyException(ModelNotReadyException::builder().message(message).build())
        }
        "ValidationError" => InvokeEndpointError::ValidationError(ValidationError::builder().message(message).build()),
        "ServiceUnavailable" => InvokeEndpointError::ServiceUnavailable(ServiceUnavailable::builder().message(message).build()),
        "InternalFailure" => InvokeEndpointError::InternalFailure(InternalFailure::builder().message(message).build()),
        "InternalDependencyException" => {
            InvokeEndpointError::InternalDependencyException(InternalDependencyException::builder().message(message).build())
        }
        _ => InvokeEndpointError::generic(generic(spec)),
    }
}

/// The `InvokeEndpointAsync` error `spec` describes (errors it does not model are sent with
/// their code and status 500).
fn async_error(spec: &ErrorSpec) -> InvokeEndpointAsyncError {
    let message = spec.message.clone().unwrap_or_else(|| default_message(&spec.error_type).into());
    match spec.error_type.as_str() {
        "ValidationError" => InvokeEndpointAsyncError::ValidationError(ValidationError::builder().message(message).build()),
        "ServiceUnavailable" => {
            InvokeEndpointAsyncError::ServiceUnavailable(ServiceUnavailable::builder().message(message).build())
        }
        "InternalFailure" => InvokeEndpointAsyncError::InternalFailure(InternalFailure::builder().message(message).build()),
        _ => InvokeEndpointAsyncError::generic(generic(spec)),
    }
}
