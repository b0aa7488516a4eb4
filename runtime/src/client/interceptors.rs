//! Interceptors every call runs: SDK headers (`amz-sdk-invocation-id`, `amz-sdk-request`,
//! `user-agent`, `x-amz-user-agent`) and per-attempt tracing.
//!
//! Tracing never records bodies or header values other than the request id.

use super::ServiceInfo;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::retry::RetryConfig;
use aws_types::app_name::AppName;
use std::time::Instant;

/// Version of this runtime, reported in the user agent.
const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Facts about the running operation that the interceptors need, stored by `invoke`.
#[derive(Clone, Debug)]
pub(crate) struct OperationContext {
    /// The value of both user agent headers.
    pub(crate) user_agent: String,
    /// The operation's tracing span (parent of the attempt spans).
    pub(crate) span: tracing::Span,
}

impl Storable for OperationContext {
    type Storer = StoreReplace<Self>;
}

/// The invocation id, generated once per operation and sent on every attempt.
#[derive(Clone, Debug)]
struct InvocationId(String);

impl Storable for InvocationId {
    type Storer = StoreReplace<Self>;
}

/// Keeps a user-agent token within the characters RFC 7230 allows in a token.
fn ua_token(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `sdk_id` as a user-agent service id: lowercase, spaces turned into dashes
/// (`"SageMaker Runtime"` → `"sagemaker-runtime"`).
pub(crate) fn service_ua_id(sdk_id: &str) -> String {
    ua_token(&sdk_id.trim().to_ascii_lowercase().replace(' ', "-"))
}

/// `smithygen/<version> api/<service-id>/<api-version> os/<os> lang/rust [app/<name>]`.
pub(crate) fn user_agent(service: &ServiceInfo, app_name: Option<&AppName>) -> String {
    let mut ua = format!(
        "smithygen/{RUNTIME_VERSION} api/{}/{} os/{} lang/rust",
        service_ua_id(service.sdk_id),
        ua_token(service.api_version),
        ua_token(std::env::consts::OS),
    );
    if let Some(app_name) = app_name {
        ua.push_str(" app/");
        ua.push_str(&ua_token(app_name.as_ref()));
    }
    ua
}

/// Sets the SDK headers:
/// - `user-agent` / `x-amz-user-agent` before signing;
/// - `amz-sdk-invocation-id` (a UUID v4 generated once per operation, identical on every
///   attempt) and `amz-sdk-request: attempt=N; max=M` before each transmit (after signing, so
///   they are not part of the signature and can change between attempts).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct SdkHeadersInterceptor;

impl SdkHeadersInterceptor {
    /// Creates the interceptor.
    pub fn new() -> Self {
        Self
    }
}

impl Intercept for SdkHeadersInterceptor {
    fn name(&self) -> &'static str {
        "SdkHeadersInterceptor"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let id = uuid::Uuid::new_v4().to_string();
        if let Some(op) = cfg.load::<OperationContext>() {
            op.span.record("invocation_id", id.as_str());
        }
        cfg.interceptor_state().store_put(InvocationId(id));
        Ok(())
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(op) = cfg.load::<OperationContext>() {
            let headers = context.request_mut().headers_mut();
            headers.try_insert("user-agent", op.user_agent.clone())?;
            headers.try_insert("x-amz-user-agent", op.user_agent.clone())?;
        }
        Ok(())
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        let max = cfg.load::<RetryConfig>().map_or(1, |r| r.max_attempts());
        let invocation_id = cfg.load::<InvocationId>().map(|id| id.0.clone());
        let headers = context.request_mut().headers_mut();
        if let Some(id) = invocation_id {
            headers.try_insert("amz-sdk-invocation-id", id)?;
        }
        headers.try_insert("amz-sdk-request", format!("attempt={attempt}; max={max}"))?;
        Ok(())
    }
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
        let parent = cfg.load::<OperationContext>().map(|op| op.span.clone());
        let span = tracing::info_span!(
            parent: parent.as_ref().and_then(|p| p.id()),
            "smithygen.attempt",
            attempt,
            http.status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        cfg.interceptor_state().store_put(AttemptState {
            span,
            started: Instant::now(),
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_format() {
        static SERVICE: ServiceInfo = ServiceInfo {
            sdk_id: "SageMaker Runtime",
            service_name: "AmazonSageMakerRuntime",
            api_version: "2017-05-13",
            signing_name: Some("sagemaker"),
            endpoint_rule_set: None,
            endpoint_bdd: None,
        };
        let app = AppName::new("my-app").ok();
        let ua = user_agent(&SERVICE, app.as_ref());
        assert!(ua.starts_with(&format!(
            "smithygen/{RUNTIME_VERSION} api/sagemaker-runtime/2017-05-13 os/"
        )));
        assert!(ua.contains(" lang/rust"));
        assert!(ua.ends_with(" app/my-app"));
        assert_eq!(service_ua_id("Foo (Bar) Baz"), "foo--bar--baz");
    }
}
