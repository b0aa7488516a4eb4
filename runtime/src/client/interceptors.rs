//! Per-attempt tracing, the one interceptor of ours every call runs (the SDK headers come from
//! `aws-runtime`'s interceptors, as in the official SDK crates).
//!
//! Tracing never records bodies or header values other than the request and invocation ids.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::{dyn_dispatch_hint, Intercept};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use std::time::Instant;

/// Facts about the running operation that the interceptors need, stored by `invoke` when its
/// span is enabled (a disabled span would be no parent and record nothing).
#[derive(Clone, Debug)]
pub(crate) struct OperationContext {
    /// The operation's tracing span (parent of the attempt spans).
    pub(crate) span: tracing::Span,
}

impl Storable for OperationContext {
    type Storer = StoreReplace<Self>;
}

/// The open attempt span and when the attempt started.
#[derive(Clone, Debug)]
struct AttemptState {
    span: tracing::Span,
    started: Instant,
}

impl Storable for AttemptState {
    type Storer = StoreReplace<Self>;
}

/// Opens a `smithygen.attempt` span per attempt (child of the operation span) and, when the
/// attempt ends, records `attempt`, `http.status`, `request_id` (`x-amzn-RequestId` /
/// `x-amz-request-id`), `duration_ms` and `outcome`, then emits a `debug` event.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct AttemptTracingInterceptor;

impl AttemptTracingInterceptor {
    /// Creates the interceptor.
    pub fn new() -> Self {
        Self
    }
}

// The hint lets the orchestrator skip the hooks this interceptor leaves alone.
#[dyn_dispatch_hint]
impl Intercept for AttemptTracingInterceptor {
    fn name(&self) -> &'static str {
        "AttemptTracingInterceptor"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        // `invoke` stores no context for a disabled operation span (it has no id).
        let parent = cfg.load::<OperationContext>().and_then(|op| op.span.id());
        let span = tracing::info_span!(
            parent: parent,
            "smithygen.attempt",
            attempt,
            http.status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        // Nothing listens to the span or to the closing event: nothing to keep for the end.
        if span.is_disabled() && !tracing::enabled!(tracing::Level::DEBUG) {
            return Ok(());
        }
        cfg.interceptor_state().store_put(AttemptState {
            span,
            started: Instant::now(),
        });
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // aws-runtime's InvocationIdInterceptor (registered before this one) has set the header.
        let Some(op) = cfg.load::<OperationContext>() else {
            return Ok(());
        };
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        if attempt <= 1 {
            if let Some(id) = context.request().headers().get("amz-sdk-invocation-id") {
                op.span.record("invocation_id", id);
            }
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(state) = cfg.load::<AttemptState>().cloned() else {
            return Ok(());
        };
        cfg.interceptor_state().unset::<AttemptState>();
        let span = state.span;
        let duration_ms = u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("duration_ms", duration_ms);
        if let Some(response) = context.response() {
            span.record("http.status", response.status().as_u16());
            let headers = response.headers();
            if let Some(id) = headers
                .get("x-amzn-requestid")
                .or_else(|| headers.get("x-amz-request-id"))
            {
                span.record("request_id", id);
            }
        }
        let outcome = match context.output_or_error() {
            Some(Ok(_)) => "success",
            Some(Err(err)) if err.is_timeout_error() => "timeout",
            Some(Err(err)) if err.is_connector_error() => "connector error",
            Some(Err(err)) if err.is_response_error() => "response error",
            Some(Err(err)) if err.is_operation_error() => "service error",
            Some(Err(_)) => "other error",
            None => "incomplete",
        };
        span.record("outcome", outcome);
        tracing::debug!(parent: &span, outcome, duration_ms, "attempt finished");
        Ok(())
    }
}
