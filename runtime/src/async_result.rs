//! Waiting for the result of an asynchronous call whose answer is an S3 object (feature
//! `async-result`): after the call was accepted, poll the object at its output location (its
//! bytes are the result) and the one at its failure location (its bytes say why it failed),
//! with backoff, until one of them exists or a deadline passes.
//!
//! Generated crates call it for operations that their model's customization data names
//! (`models/customizations/<model>.json`, `asyncResults`): the model itself cannot say that
//! an output member holds the S3 URI of an object to wait for. S3 is read with `aws-sdk-s3`
//! built from the same `SdkConfig` as the service client: its credentials, region, HTTP
//! client, and the S3 endpoint override (`AWS_ENDPOINT_URL_S3`, or `endpoint_url` in the
//! profile's `services` section, which aws-config reads for each service).
//!
//! Dropping the future cancels the wait (no task is left behind). Progress is logged through
//! `tracing` (target `smithygen_runtime::async_result`): each poll at `debug`, the outcome at
//! `info`.

/// The bytes of a result or failure report.
pub use bytes::Bytes;
use std::fmt;
use std::time::{Duration, Instant};

/// Reads the objects an asynchronous call leaves in S3.
#[derive(Debug, Clone)]
pub struct ResultReader {
    s3: aws_sdk_s3::Client,
    backoff: Backoff,
}

/// How often to look: the first wait, the factor each wait grows by, and the longest wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The wait after the first look (default 100 ms).
    pub initial: Duration,
    /// Each wait is the previous one times this (default 1.5).
    pub factor: f64,
    /// No wait is longer (default 10 s).
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { initial: Duration::from_millis(100), factor: 1.5, max: Duration::from_secs(10) }
    }
}

impl Backoff {
    fn next(&self, current: Duration) -> Duration {
        current.mul_f64(self.factor.max(1.0)).min(self.max)
    }
}

impl ResultReader {
    /// An S3 client from `sdk_config` (credentials, region, HTTP client, retry settings, and
    /// `AWS_ENDPOINT_URL_S3` / the profile's S3 `endpoint_url`).
    pub fn new(sdk_config: &aws_types::SdkConfig) -> Self {
        Self::from_client(aws_sdk_s3::Client::new(sdk_config))
    }

    /// Reads with this S3 client (for settings `SdkConfig` does not carry, e.g. path-style
    /// addressing: `aws_sdk_s3::config::Builder::force_path_style`).
    pub fn from_client(s3: aws_sdk_s3::Client) -> Self {
        ResultReader { s3, backoff: Backoff::default() }
    }

    /// Polls on this schedule instead of the default one.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Waits until the object at `output_location` exists (its bytes are the result) or the one
    /// at `failure_location` does (a [`WaitError::Failed`] with its bytes), up to `deadline`.
    pub async fn wait(&self, output_location: &str, failure_location: Option<&str>, deadline: Duration) -> Result<Bytes, WaitError> {
        let output = S3Location::parse(output_location).map_err(WaitError::BadLocation)?;
        let failure = failure_location.map(S3Location::parse).transpose().map_err(WaitError::BadLocation)?;
        let started = Instant::now();
        let mut pause = self.backoff.initial;
        let mut looks = 0u32;
        loop {
            looks += 1;
            if let Some(bytes) = self.fetch(&output).await? {
                tracing::info!(location = %output, looks, waited = ?started.elapsed(), "async result is ready");
                return Ok(bytes);
            }
            if let Some(failure) = &failure {
                if let Some(content) = self.fetch(failure).await? {
                    tracing::info!(location = %failure, looks, waited = ?started.elapsed(), "async call failed");
                    return Err(WaitError::Failed { location: failure.to_string(), content });
                }
            }
            let waited = started.elapsed();
            if waited >= deadline {
                tracing::info!(location = %output, looks, ?waited, "gave up waiting for the async result");
                return Err(WaitError::TimedOut { output_location: output.to_string(), waited });
            }
            let pause_now = pause.min(deadline - waited);
            tracing::debug!(location = %output, looks, ?waited, next_look_in = ?pause_now, "async result not there yet");
            tokio::time::sleep(pause_now).await;
            pause = self.backoff.next(pause);
        }
    }

    /// The object's bytes, or `None` while it does not exist.
    async fn fetch(&self, location: &S3Location) -> Result<Option<Bytes>, WaitError> {
        use aws_sdk_s3::operation::get_object::GetObjectError;
        match self.s3.get_object().bucket(&location.bucket).key(&location.key).send().await {
            Ok(object) => {
                let bytes = object.body.collect().await.map_err(|e| WaitError::S3 {
                    location: location.to_string(),
                    source: Box::new(e),
                })?;
                Ok(Some(bytes.into_bytes()))
            }
            Err(e) if matches!(e.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => Ok(None),
            // Without s3:ListBucket permission S3 answers a missing key with 403; a plain 404
            // without a code (HEAD-like answers from S3-compatible stores) means missing too.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(None),
            Err(e) => Err(WaitError::S3 { location: location.to_string(), source: Box::new(e) }),
        }
    }
}

/// Why no result came back. `E` is the error of the call itself, for waits that send it
/// (`send_and_wait`); a wait for a call already answered cannot have one (`Infallible`).
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<E = std::convert::Infallible> {
    /// The call itself failed (it was not accepted).
    Call(E),
    /// The call's answer has no output location to wait on.
    NoOutputLocation,
    /// A location is not an S3 URI (`s3://bucket/key` or an S3 HTTPS URL).
    BadLocation(String),
    /// The call failed: the object at its failure location, with its content.
    Failed {
        /// Where the failure report was found.
        location: String,
        /// Its bytes (for SageMaker, the error message).
        content: Bytes,
    },
    /// Neither object appeared before the deadline.
    TimedOut {
        /// The location that was waited for.
        output_location: String,
        /// How long it waited.
        waited: Duration,
    },
    /// S3 refused or failed a read (other than "no such key").
    S3 {
        /// The object being read.
        location: String,
        /// What S3 or the connection said.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl WaitError {
    /// The same error as one of a wait that also sent the call (`WaitError<E>`).
    pub fn with_call_error<E>(self) -> WaitError<E> {
        match self {
            WaitError::Call(never) => match never {},
            WaitError::NoOutputLocation => WaitError::NoOutputLocation,
            WaitError::BadLocation(why) => WaitError::BadLocation(why),
            WaitError::Failed { location, content } => WaitError::Failed { location, content },
            WaitError::TimedOut { output_location, waited } => WaitError::TimedOut { output_location, waited },
            WaitError::S3 { location, source } => WaitError::S3 { location, source },
        }
    }
}

impl<E: fmt::Display> fmt::Display for WaitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Call(e) => write!(f, "the call failed: {e}"),
            WaitError::NoOutputLocation => f.write_str("the answer has no output location to wait on"),
            WaitError::BadLocation(why) => f.write_str(why),
            WaitError::Failed { location, content } => {
                write!(f, "the call failed ({location}): {}", String::from_utf8_lossy(content))
            }
            WaitError::TimedOut { output_location, waited } => {
                write!(f, "no result at {output_location} after {:.1} s", waited.as_secs_f64())
            }
            WaitError::S3 { location, source } => {
                write!(f, "reading {location}: {}", aws_smithy_types::error::display::DisplayErrorContext(source.as_ref()))
            }
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaitError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Call(e) => Some(e),
            WaitError::S3 { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// How long to wait by default: the sum of the limits the request sets (each member's value, or
/// its default when unset), e.g. the time a request may wait in the queue plus the time its
/// invocation may take.
pub fn default_deadline(limits_seconds: &[(Option<i64>, i64)]) -> Duration {
    let seconds: i64 = limits_seconds.iter().map(|(value, default)| value.unwrap_or(*default).max(0)).sum();
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// An S3 object named by `s3://bucket/key` or an HTTPS S3 URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct S3Location {
    bucket: String,
    key: String,
}

impl S3Location {
    fn parse(uri: &str) -> Result<Self, String> {
        let bad = || format!("`{uri}` is not an S3 object location (s3://bucket/key)");
        let (bucket, key) = if let Some(rest) = uri.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').ok_or_else(bad)?;
            (bucket.to_string(), key.to_string())
        } else if let Some(rest) = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://")) {
            let (host, path) = rest.split_once('/').ok_or_else(bad)?;
            let path = percent_encoding::percent_decode_str(path).decode_utf8().map_err(|_| bad())?.into_owned();
            let host = host.split(':').next().unwrap_or(host);
            match host.find(".s3.").or_else(|| host.find(".s3-")) {
                Some(at) if !host.starts_with("s3.") && !host.starts_with("s3-") => (host[..at].to_string(), path),
                _ => {
                    let (bucket, key) = path.split_once('/').ok_or_else(bad)?;
                    (bucket.to_string(), key.to_string())
                }
            }
        } else {
            return Err(bad());
        };
        if bucket.is_empty() || key.is_empty() {
            return Err(bad());
        }
        Ok(S3Location { bucket, key })
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_in_every_form() {
        let p = |s: &str| S3Location::parse(s).map(|l| (l.bucket, l.key));
        assert_eq!(p("s3://b/k/x.out"), Ok(("b".into(), "k/x.out".into())));
        assert_eq!(p("https://b.s3.us-east-1.amazonaws.com/k/a%20b"), Ok(("b".into(), "k/a b".into())));
        assert_eq!(p("https://s3.eu-west-1.amazonaws.com/b/k"), Ok(("b".into(), "k".into())));
        assert!(p("s3://b").is_err());
        assert!(p("s3://b/").is_err());
        assert!(p("ftp://b/k").is_err());
    }

    #[test]
    fn the_default_deadline_adds_the_limits_with_their_defaults() {
        assert_eq!(default_deadline(&[(None, 21600), (None, 900)]), Duration::from_secs(22500));
        assert_eq!(default_deadline(&[(Some(60), 21600), (Some(30), 900)]), Duration::from_secs(90));
        assert_eq!(default_deadline(&[(Some(-5), 10)]), Duration::ZERO);
    }

    #[test]
    fn backoff_grows_to_its_cap() {
        let b = Backoff { initial: Duration::from_millis(100), factor: 2.0, max: Duration::from_millis(300) };
        assert_eq!(b.next(Duration::from_millis(100)), Duration::from_millis(200));
        assert_eq!(b.next(Duration::from_millis(200)), Duration::from_millis(300));
    }
}
