//! The dispatcher of the async queue: runs journaled requests through the mock's behaviour
//! (at most `[async] max_concurrent_invocations` at once), expires those whose TTL runs out,
//! and writes each outcome to its output or failure location.

use crate::queue::{AsyncResult, AsyncStatus, Entry, Job, DONE, QUEUED, RUNNING};
use crate::service::{Invocation, Mock};
use crate::store::{S3Uri, StoreError};
use bytes::Bytes;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

/// Runs queued requests until the task is aborted (which also aborts those running: they
/// stay journaled and run again on the next start).
pub(crate) async fn run(mock: Arc<Mock>, mut rx: mpsc::UnboundedReceiver<Arc<Entry>>) {
    let permits = Arc::new(Semaphore::new(mock.config.async_queue.max_concurrent_invocations));
    let mut tasks: JoinSet<()> = JoinSet::new();
    let mut waiting: VecDeque<Arc<Entry>> = VecDeque::new();
    loop {
        // Requests that expired while queued were already written off by their timers.
        while waiting.front().is_some_and(|e| e.state.load(Ordering::Acquire) != QUEUED) {
            waiting.pop_front();
        }
        tokio::select! {
            received = rx.recv() => {
                let Some(entry) = received else { break };
                let timer = tasks.spawn(expire_when_due(mock.clone(), entry.clone()));
                *entry.expiry.lock().unwrap_or_else(|p| p.into_inner()) = Some(timer);
                waiting.push_back(entry);
            }
            permit = permits.clone().acquire_owned(), if !waiting.is_empty() => {
                let Ok(permit) = permit else { break };
                let Some(entry) = waiting.pop_front() else { continue };
                if entry.claim(QUEUED, RUNNING) {
                    if let Some(timer) = entry.expiry.lock().unwrap_or_else(|p| p.into_inner()).take() {
                        timer.abort();
                    }
                    let mock = mock.clone();
                    tasks.spawn(async move {
                        process(&mock, &entry).await;
                        drop(permit);
                    });
                }
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
}

/// Fails a request that is still queued when its TTL runs out.
async fn expire_when_due(mock: Arc<Mock>, entry: Arc<Entry>) {
    let now = crate::unix_millis(SystemTime::now());
    let wait = Duration::from_millis(entry.job.expires_at_ms.saturating_sub(now));
    tokio::time::sleep(wait).await;
    if entry.claim(QUEUED, RUNNING) {
        let reason = expired_reason(&entry.job);
        tracing::info!(inference_id = %entry.job.inference_id, "async request expired in the queue");
        write_outcome(&mock, &entry, Outcome::Failed { reason: reason.clone(), body: Bytes::from(reason) }).await;
    }
}

fn expired_reason(job: &Job) -> String {
    format!(
        "ClientError: Request {} expired: it waited in the queue longer than RequestTTLSeconds ({} s) before the model could run it.",
        job.inference_id, job.request_ttl_seconds
    )
}

enum Outcome {
    Succeeded(Bytes),
    Failed { reason: String, body: Bytes },
}

/// Runs one request and writes its outcome.
async fn process(mock: &Arc<Mock>, entry: &Entry) {
    let job = &entry.job;
    let outcome = if crate::unix_millis(SystemTime::now()) > job.expires_at_ms {
        let reason = expired_reason(job);
        Outcome::Failed { body: Bytes::from(reason.clone()), reason }
    } else {
        match tokio::time::timeout(Duration::from_millis(job.timeout_ms), invoke(mock, job)).await {
            Ok(outcome) => outcome,
            Err(_) => {
                let reason = format!(
                    "ClientError: Request {} timed out: the model did not answer within InvocationTimeoutSeconds ({} s).",
                    job.inference_id, job.invocation_timeout_seconds
                );
                Outcome::Failed { body: Bytes::from(reason.clone()), reason }
            }
        }
    };
    write_outcome(mock, entry, outcome).await;
}

/// Reads the input and runs the endpoint's behaviour.
async fn invoke(mock: &Arc<Mock>, job: &Job) -> Outcome {
    let input = match S3Uri::parse(&job.input_location) {
        Ok(uri) => mock.store.get(&uri).await,
        Err(e) => Err(StoreError::Other(e)),
    };
    let body = match input {
        Ok(body) => body,
        Err(e) => {
            let reason = format!("ClientError: Failed to download the input data from {}: {e}", job.input_location);
            return Outcome::Failed { body: Bytes::from(reason.clone()), reason };
        }
    };
    let invocation = Invocation {
        endpoint_name: job.endpoint_name.clone(),
        body,
        content_type: job.content_type.clone(),
        accept: job.accept.clone(),
        custom_attributes: job.custom_attributes.clone(),
        inference_id: Some(job.inference_id.clone()),
        from_queue: true,
        ..Default::default()
    };
    match mock.invoke(invocation).await {
        Ok(output) => Outcome::Succeeded(output.body.map(|b| Bytes::from(b.into_inner())).unwrap_or_default()),
        Err(error) => {
            let (code, message) = crate::service::describe_error(&error);
            let message = message.to_string();
            // A model's failure report is what the container said, as SageMaker writes it.
            let body = match &error {
                sagemaker_runtime::operation::invoke_endpoint::InvokeEndpointError::ModelError(e) => {
                    e.original_message().map(str::to_string).unwrap_or_else(|| message.clone())
                }
                _ => format!("{code}: {message}"),
            };
            Outcome::Failed { reason: format!("{code}: {message}"), body: Bytes::from(body) }
        }
    }
}

/// Writes the outcome where it belongs, retrying until it is written, then ends the request.
async fn write_outcome(mock: &Arc<Mock>, entry: &Entry, outcome: Outcome) {
    let job = &entry.job;
    let (mut status, mut location, mut reason, mut body) = match outcome {
        Outcome::Succeeded(body) => (AsyncStatus::Succeeded, job.output_location.clone(), None, body),
        Outcome::Failed { reason, body } => (AsyncStatus::Failed, job.failure_location.clone(), Some(reason), body),
    };
    let mut attempt = 0u32;
    loop {
        let written = match S3Uri::parse(&location) {
            Ok(uri) => mock.store.put(&uri, body.clone()).await,
            Err(e) => Err(StoreError::Other(e)),
        };
        match written {
            Ok(()) => break,
            Err(e) => {
                attempt += 1;
                tracing::warn!(inference_id = %job.inference_id, %location, error = %e, attempt, "could not write an async result; retrying");
                if status == AsyncStatus::Succeeded && attempt >= 3 {
                    // The result cannot be stored: report that at the failure location instead.
                    let why = format!("InternalFailure: the result could not be written to {location}: {e}");
                    (status, location, reason, body) =
                        (AsyncStatus::Failed, job.failure_location.clone(), Some(why.clone()), Bytes::from(why));
                    attempt = 0;
                }
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt.min(50)))).await;
            }
        }
    }
    entry.state.store(DONE, Ordering::Release);
    tracing::info!(inference_id = %job.inference_id, endpoint = %job.endpoint_name, ?status, %location, "async request finished");
    let result = AsyncResult {
        inference_id: job.inference_id.clone(),
        endpoint_name: job.endpoint_name.clone(),
        status,
        location,
        failure_reason: reason,
        accepted_at: SystemTime::UNIX_EPOCH + Duration::from_millis(job.accepted_at_ms),
        finished_at: SystemTime::now(),
    };
    mock.queue.finish(entry, result);
}
