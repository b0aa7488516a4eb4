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

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, Notify};
use tokio::task::AbortHandle;
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

pub(crate) const QUEUED: u8 = 0;
pub(crate) const RUNNING: u8 = 1;
pub(crate) const DONE: u8 = 2;

/// A job and where it stands.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) job: Job,
    pub(crate) state: AtomicU8,
    pub(crate) expiry: Mutex<Option<AbortHandle>>,
}

impl Entry {
    pub(crate) fn claim(&self, from: u8, to: u8) -> bool {
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

    pub(crate) fn finish(&self, entry: &Entry, result: AsyncResult) {
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
