//! The durable `InvokeEndpointAsync` queue.
//!
//! An accepted request is written to `<data-dir>/.queue/<accepted-ms>-<uuid>.json` (to a
//! temporary file, synced, then renamed into place) before the mock answers 202. A
//! dispatcher runs queued requests in acceptance order, at most
//! `[async] max_concurrent_invocations` at once. Each request ends in exactly one of:
//!
//! - its output location (`<output_path>/<InferenceId>.out`): the model's answer;
//! - its failure location (`<failure_path>/<InferenceId>-error.out`): the request expired in
//!   the queue (`RequestTTLSeconds`, counted from acceptance, also across restarts), the
//!   model ran longer than `InvocationTimeoutSeconds`, the input object was missing, or the
//!   model answered an error (a `ModelError`'s object holds the container's own message).
//!
//! The journal file is deleted only after the result object is written, so a request whose
//! mock stopped (or crashed) while it was queued or running runs again when a mock starts on
//! the same data directory.

use crate::service::{Invocation, Mock};
use crate::store::{S3Uri, StoreError};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

/// The journal folder inside the data directory (no bucket name starts with a dot).
pub const QUEUE_DIR: &str = ".queue";

/// A queued request, as journaled.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Job {
    pub id: String,
    pub endpoint_name: String,
    pub inference_id: String,
    pub input_location: String,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub custom_attributes: Option<String>,
    pub request_ttl_seconds: i32,
    pub invocation_timeout_seconds: i32,
    pub accepted_at_ms: u64,
    pub expires_at_ms: u64,
    pub timeout_ms: u64,
    pub output_location: String,
    pub failure_location: String,
}

impl Job {
    fn file_name(&self) -> String {
        format!("{:020}-{}.json", self.accepted_at_ms, self.id)
    }
}

/// How an async request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsyncStatus {
    /// The result is at the output location.
    Succeeded,
    /// The failure report is at the failure location.
    Failed,
}

/// An async request that has ended, as seen by this mock.
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncResult {
    /// The request's `InferenceId`.
    pub inference_id: String,
    /// The endpoint it was sent to.
    pub endpoint_name: String,
    /// Succeeded or failed.
    pub status: AsyncStatus,
    /// Where the result or failure report was written (`s3://...`).
    pub location: String,
    /// Why it failed (`None` when it succeeded).
    pub failure_reason: Option<String>,
    /// When it was accepted.
    pub accepted_at: SystemTime,
    /// When its result was written.
    pub finished_at: SystemTime,
}

impl AsyncResult {
    /// The JSON form served at `GET /_mock/async`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "inference_id": self.inference_id,
            "endpoint_name": self.endpoint_name,
            "status": match self.status { AsyncStatus::Succeeded => "Succeeded", AsyncStatus::Failed => "Failed" },
            "location": self.location,
            "failure_reason": self.failure_reason,
            "accepted_at": crate::format_time(self.accepted_at),
            "finished_at": crate::format_time(self.finished_at),
        })
    }
}

const QUEUED: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;

/// A job and where it stands.
#[derive(Debug)]
pub(crate) struct Entry {
    job: Job,
    state: AtomicU8,
    expiry: Mutex<Option<AbortHandle>>,
}

impl Entry {
    fn claim(&self, from: u8, to: u8) -> bool {
        self.state.compare_exchange(from, to, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }
}

/// The journal, the hand-off to the dispatcher, and what has finished.
#[derive(Debug)]
pub(crate) struct Queue {
    dir: PathBuf,
    tx: mpsc::UnboundedSender<Arc<Entry>>,
    pending: Mutex<BTreeMap<String, Arc<Entry>>>,
    finished: Mutex<Vec<AsyncResult>>,
    changed: Notify,
}

impl Queue {
    /// Opens (creating) the journal in `data_dir`; the receiver goes to [`run`].
    pub(crate) fn open(data_dir: &Path) -> io::Result<(Queue, mpsc::UnboundedReceiver<Arc<Entry>>)> {
        let dir = data_dir.join(QUEUE_DIR);
        std::fs::create_dir_all(&dir)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let queue = Queue { dir, tx, pending: Mutex::default(), finished: Mutex::default(), changed: Notify::new() };
        Ok((queue, rx))
    }

    /// Journals `job` durably, then hands it to the dispatcher.
    pub(crate) async fn submit(&self, job: Job) -> io::Result<()> {
        let path = self.dir.join(job.file_name());
        let bytes = serde_json::to_vec_pretty(&job).map_err(io::Error::other)?;
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || write_atomically(&dir, &path, &bytes)).await.map_err(io::Error::other)??;
        self.enqueue(job);
        Ok(())
    }

    fn enqueue(&self, job: Job) {
        let entry = Arc::new(Entry { job, state: AtomicU8::new(QUEUED), expiry: Mutex::default() });
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(entry.job.file_name(), entry.clone());
        // The dispatcher only stops with the mock; a job it never receives stays journaled.
        let _ = self.tx.send(entry);
    }

    /// Queues every journaled request again (at start), oldest first. Returns how many.
    pub(crate) fn replay(&self) -> io::Result<usize> {
        let mut names: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            match path.extension().and_then(|e| e.to_str()) {
                Some("json") => names.push(path),
                // A temporary file was never acknowledged with 202: nothing to keep.
                Some("tmp") => {
                    let _ = std::fs::remove_file(&path);
                }
                _ => {}
            }
        }
        names.sort();
        let mut count = 0;
        for path in names {
            match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| serde_json::from_slice::<Job>(&b).map_err(|e| e.to_string())) {
                Ok(job) => {
                    tracing::info!(inference_id = %job.inference_id, endpoint = %job.endpoint_name, "replaying a queued async request");
                    self.enqueue(job);
                    count += 1;
                }
                Err(e) => tracing::error!(file = %path.display(), error = %e, "unreadable queue journal entry left in place"),
            }
        }
        Ok(count)
    }

    /// Requests accepted and not yet finished, oldest first.
    pub(crate) fn pending(&self) -> Vec<(String, String)> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(|e| (e.job.inference_id.clone(), e.job.endpoint_name.clone()))
            .collect()
    }

    /// Requests finished by this mock, in finishing order.
    pub(crate) fn finished(&self) -> Vec<AsyncResult> {
        self.finished.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits until a request with `inference_id` has finished, up to `timeout`.
    pub(crate) async fn wait_for(&self, inference_id: &str, timeout: Duration) -> Option<AsyncResult> {
        let deadline = Instant::now() + timeout;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(found) = self.finished().into_iter().find(|r| r.inference_id == inference_id) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return None;
            }
        }
    }

    fn finish(&self, entry: &Entry, result: AsyncResult) {
        let path = self.dir.join(entry.job.file_name());
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!(file = %path.display(), error = %e, "could not remove a finished request from the journal");
        }
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&entry.job.file_name());
        self.finished.lock().unwrap_or_else(|p| p.into_inner()).push(result);
        self.changed.notify_waiters();
    }
}

/// Writes `bytes` to `path` so that it is either whole or absent, even after a crash.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("json.tmp");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    // Make the rename itself durable.
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

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
