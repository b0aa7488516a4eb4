//! Retry classification for AWS-style error codes and HTTP 429.
//!
//! Used alongside aws-smithy-runtime's own classifiers (transient IO/timeout errors, HTTP
//! 500/502/503/504 and modeled `@retryable` errors), which [`invoke`](super::invoke) registers.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::ErrorKind;
use std::error::Error as StdError;
use std::marker::PhantomData;
use std::time::Duration;

/// Error codes AWS services use for throttling; retried as throttling errors.
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes AWS services use for transient failures; retried as transient errors.
pub const TRANSIENT_ERROR_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
];

/// HTTP status retried as throttling when the error carries no recognised code.
const TOO_MANY_REQUESTS: u16 = 429;

/// Classifies an operation error `E` as retryable from its error code
/// ([`ProvideErrorMetadata::code`]), and HTTP 429 responses as throttling.
///
/// Honours the `x-amz-retry-after` header (milliseconds) as the backoff hint.
#[derive(Debug)]
pub struct ErrorCodeClassifier<E> {
    _error: PhantomData<fn() -> E>,
}

impl<E> Default for ErrorCodeClassifier<E> {
    fn default() -> Self {
        Self {
            _error: PhantomData,
        }
    }
}

impl<E> ErrorCodeClassifier<E> {
    /// Creates the classifier.
    pub fn new() -> Self {
        Self::default()
    }
}

fn retry_after(ctx: &InterceptorContext) -> Option<Duration> {
    ctx.response()
        .and_then(|res| res.headers().get("x-amz-retry-after"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
}

impl<E> ClassifyRetry for ErrorCodeClassifier<E>
where
    E: StdError + ProvideErrorMetadata + Send + Sync + 'static,
{
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let error = match ctx.output_or_error() {
            Some(Err(err)) => err,
            _ => return RetryAction::NoActionIndicated,
        };
        let code = error
            .as_operation_error()
            .and_then(|err| err.downcast_ref::<E>())
            .and_then(|err| err.code());
        let kind = match code {
            Some(code) if THROTTLING_ERROR_CODES.contains(&code) => {
                Some(ErrorKind::ThrottlingError)
            }
            Some(code) if TRANSIENT_ERROR_CODES.contains(&code) => Some(ErrorKind::TransientError),
            _ => None,
        };
        let kind = kind.or_else(|| {
            ctx.response()
                .filter(|res| res.status().as_u16() == TOO_MANY_REQUESTS)
                .map(|_| ErrorKind::ThrottlingError)
        });
        match kind {
            Some(kind) => RetryAction::RetryIndicated(RetryReason::RetryableError {
                kind,
                retry_after: retry_after(ctx),
            }),
            None => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "smithygen error code"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // Same slot as the AWS SDK's error-code classifier: before the modeled-retryable one, so
        // a modeled `@retryable` trait has the last word.
        RetryClassifierPriority::run_before(
            RetryClassifierPriority::modeled_as_retryable_classifier(),
        )
    }
}
