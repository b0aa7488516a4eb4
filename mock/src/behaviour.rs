//! Endpoint behaviours: what the mock answers for an invocation, and their config-file form.
//!
//! A behaviour is one [`Step`] or a sequence of steps used in turn. Each step is an
//! [`Action`] (echo, a fixed response, a modeled error, forwarding to a model container, ...)
//! with an optional delay. In a config file (TOML shown; JSON has the same shape):
//!
//! ```toml
//! behaviour = "echo"
//! behaviour = { fixed = { body = "ok", content_type = "text/plain" } }
//! behaviour = { error = { type = "ModelError", original_status_code = 500 }, delay_ms = 100 }
//! behaviour = { upstream = "http://127.0.0.1:8080" }
//! behaviour = { sequence = ["echo", { error = { type = "ModelNotReadyException" } }], cycle = true }
//! behaviour = ["echo", { delay_ms = 2000 }]      # an array is a sequence too
//! # InvokeEndpointWithResponseStream: 4-byte parts 20 ms apart, a ModelStreamError after 2 parts
//! behaviour = { stream = { text = "Hello, streaming world", part_size = 4, part_delay_ms = 20,
//!               fail_after_parts = 2, failure = { type = "ModelStreamError", error_code = "ModelInvocationTimeExceeded" } } }
//! ```

use bytes::Bytes;
use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::{Map, Value};
use std::time::Duration;

/// What an endpoint does on each invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// The same step for every invocation.
    Step(Step),
    /// One step per invocation, in order. After the last step the last one repeats, unless
    /// `cycle` is set, in which case the sequence starts over.
    Sequence {
        /// The steps, at least one.
        steps: Vec<Step>,
        /// Start over after the last step instead of repeating it.
        cycle: bool,
    },
}

/// One answer: an action, after an optional delay.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What to answer.
    pub action: Action,
    /// Wait this long before answering (on top of the endpoint's `delay_ms`).
    pub delay: Duration,
}

/// What one invocation answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Answer with the request: its body, content type and custom attributes (`"echo"`).
    Echo,
    /// Answer as AWS does for an endpoint that does not exist: `ValidationError` (400)
    /// "Endpoint NAME of account ACCOUNT not found." (`"not_found"`).
    NotFound,
    /// Accept an `InvokeEndpointAsync` request (the default of `async_accept`; only valid there).
    Accept,
    /// A fixed response.
    Fixed(FixedResponse),
    /// A modeled error (or any other error code, answered with status 500).
    Error(ErrorSpec),
    /// Forward to a SageMaker-compatible model container.
    Upstream(UpstreamSpec),
    /// Stream the answer in parts (`InvokeEndpointWithResponseStream`); `InvokeEndpoint`
    /// answers the same bytes whole (an upstream source is forwarded as for `upstream`).
    Stream(StreamSpec),
}

/// How `InvokeEndpointWithResponseStream` streams an answer: the bytes of `source` as
/// `PayloadPart` events of `part_size` bytes, `part_delay` apart, optionally failing after
/// some parts. Other behaviours stream too when this operation is called: echo and fixed
/// answers in 16-byte parts without delay, upstream answers as the container sends them,
/// errors as HTTP errors before the stream starts.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSpec {
    /// Where the bytes come from.
    pub source: StreamSource,
    /// Bytes per part; `None`: 16 for echo and text, the container's own chunks for upstream.
    pub part_size: Option<usize>,
    /// Wait between two parts (the first part goes out at once).
    pub part_delay: Duration,
    /// The `X-Amzn-SageMaker-Content-Type` of the answer; the request's content type (echo),
    /// `text/plain` (text) or the container's when unset.
    pub content_type: Option<String>,
    /// Fail the stream after some parts.
    pub failure: Option<StreamFailure>,
}

/// The bytes a stream sends.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamSource {
    /// The request body.
    Echo,
    /// Fixed bytes.
    Text(Bytes),
    /// A model container's chunked `POST /invocations` answer, forwarded as it arrives.
    Upstream(UpstreamSpec),
}

/// A failure in the middle of a stream: after `after_parts` parts, instead of the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamFailure {
    /// Parts sent before the failure (0: fail before the first part, after the HTTP 200).
    pub after_parts: usize,
    /// What happens.
    pub kind: StreamFailureKind,
}

/// What a stream failure sends.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamFailureKind {
    /// A `ModelStreamError` event (`ErrorCode` e.g. `ModelInvocationTimeExceeded` or
    /// `StreamBroken`), which ends the stream.
    ModelStreamError {
        /// `ErrorCode`; `StreamBroken` when unset.
        error_code: Option<String>,
        /// `Message`; AWS-like wording when unset.
        message: Option<String>,
    },
    /// An `InternalStreamFailure` event, which ends the stream.
    InternalStreamFailure {
        /// `Message`; AWS-like wording when unset.
        message: Option<String>,
    },
    /// The connection is dropped mid-stream (no clean end).
    DropConnection,
}

impl Action {
    /// The action answering a non-streaming call: a stream's bytes whole.
    pub(crate) fn unstreamed(self) -> Action {
        match self {
            Action::Stream(spec) => match spec.source {
                StreamSource::Echo => Action::Echo,
                StreamSource::Text(bytes) => {
                    Action::Fixed(FixedResponse::new(bytes).content_type(spec.content_type.unwrap_or_else(|| "text/plain".into())))
                }
                StreamSource::Upstream(upstream) => Action::Upstream(upstream),
            },
            other => other,
        }
    }
}

impl StreamSpec {
    /// Streams the request body back.
    pub fn echo() -> Self {
        StreamSpec { source: StreamSource::Echo, part_size: None, part_delay: Duration::ZERO, content_type: None, failure: None }
    }

    /// Streams `text`.
    pub fn text(text: impl Into<Bytes>) -> Self {
        StreamSpec { source: StreamSource::Text(text.into()), ..Self::echo() }
    }

    /// Streams the chunked answer of the model container at `url`.
    pub fn upstream(url: impl Into<String>) -> Self {
        StreamSpec { source: StreamSource::Upstream(UpstreamSpec::new(url)), ..Self::echo() }
    }

    /// Sets the part size in bytes (at least 1).
    pub fn part_size(mut self, bytes: usize) -> Self {
        self.part_size = Some(bytes.max(1));
        self
    }

    /// Sets the delay between parts.
    pub fn part_delay(mut self, delay: Duration) -> Self {
        self.part_delay = delay;
        self
    }

    /// Sets the content type of the answer.
    pub fn content_type(mut self, value: impl Into<String>) -> Self {
        self.content_type = Some(value.into());
        self
    }

    /// Fails the stream with `kind` after `after_parts` parts.
    pub fn fail_after(mut self, after_parts: usize, kind: StreamFailureKind) -> Self {
        self.failure = Some(StreamFailure { after_parts, kind });
        self
    }
}

impl StreamFailureKind {
    /// A `ModelStreamError` with this error code and message.
    pub fn model_stream_error(error_code: impl Into<String>, message: impl Into<String>) -> Self {
        StreamFailureKind::ModelStreamError { error_code: Some(error_code.into()), message: Some(message.into()) }
    }

    /// An `InternalStreamFailure` with this message.
    pub fn internal_stream_failure(message: impl Into<String>) -> Self {
        StreamFailureKind::InternalStreamFailure { message: Some(message.into()) }
    }
}

/// How an endpoint answers `InvokeEndpointWithBidirectionalStream` (SageMaker Runtime HTTP2):
/// the endpoint's `bidi` setting. Each reply payload goes out as `PayloadPart` events of at
/// most `part_size` bytes, `part_delay` apart; the session may fail after some parts.
///
/// ```toml
/// bidi = "echo"                                    # the default: each request part comes back
/// bidi = { echo = true, part_size = 4, part_delay_ms = 20 }
/// bidi = { script = [["Hello", "there"], "Bye"] }  # replies to request parts 1 and 2; later parts get none
/// bidi = { upstream = "http://127.0.0.1:8080" }    # the container's WebSocket
/// bidi = { error = { type = "ModelError", original_status_code = 500, original_message = "boom" } }
/// bidi = { echo = true, fail_after_parts = 2, failure = { type = "ModelStreamError", error_code = "ModelInvocationTimeExceeded" } }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BidiSpec {
    /// Where the replies come from.
    pub source: BidiSource,
    /// Bytes per `PayloadPart`; `None`: each reply whole in one part.
    pub part_size: Option<usize>,
    /// Wait between two parts (the first goes out at once).
    pub part_delay: Duration,
    /// End the session with a failure after this many response parts.
    pub failure: Option<StreamFailure>,
}

/// The replies of a bidirectional session.
#[derive(Debug, Clone, PartialEq)]
pub enum BidiSource {
    /// Each request part's bytes come back with its `DataType` (and `CompletionState`).
    Echo,
    /// For the n-th request part (from 0), the replies `script[n]`, in order; parts past the
    /// end of the script get no reply. Each reply is `UTF8` when it is UTF-8 text, else `BINARY`.
    Script(Vec<Vec<Bytes>>),
    /// The model container's WebSocket (`ws://host:port/invocations-bidirectional-stream`, or
    /// the path of `X-Amzn-SageMaker-Model-Invocation-Path`): each request part is a message,
    /// each message of the container a response part. See the README's "Bidirectional streams".
    Upstream(UpstreamSpec),
    /// A modeled error before the stream starts: `InputValidationError` (400), `ModelError`
    /// (424), `ServiceUnavailableError` (503), `InternalServerError` (500); any other code is
    /// sent with status 500.
    Error {
        /// Type, message and `ModelError` fields.
        spec: ErrorSpec,
        /// `ErrorCode` of the error, when set.
        error_code: Option<String>,
    },
}

impl Default for BidiSpec {
    fn default() -> Self {
        BidiSpec::echo()
    }
}

impl BidiSpec {
    /// Echo every request part (the default).
    pub fn echo() -> Self {
        BidiSpec { source: BidiSource::Echo, part_size: None, part_delay: Duration::ZERO, failure: None }
    }

    /// Answer request part n with the replies `script[n]`.
    pub fn script<I, R, B>(script: I) -> Self
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = B>,
        B: Into<Bytes>,
    {
        let script = script.into_iter().map(|replies| replies.into_iter().map(Into::into).collect()).collect();
        BidiSpec { source: BidiSource::Script(script), ..Self::echo() }
    }

    /// Forward the session to the model container at `url` (`http://host:port`) over WebSocket.
    pub fn upstream(url: impl Into<String>) -> Self {
        BidiSpec { source: BidiSource::Upstream(UpstreamSpec::new(url)), ..Self::echo() }
    }

    /// Refuse the session with this error before the stream starts.
    pub fn error(spec: ErrorSpec) -> Self {
        BidiSpec { source: BidiSource::Error { spec, error_code: None }, ..Self::echo() }
    }

    /// Sets the part size in bytes (at least 1).
    pub fn part_size(mut self, bytes: usize) -> Self {
        self.part_size = Some(bytes.max(1));
        self
    }

    /// Sets the delay between parts.
    pub fn part_delay(mut self, delay: Duration) -> Self {
        self.part_delay = delay;
        self
    }

    /// Fails the session with `kind` after `after_parts` response parts.
    pub fn fail_after(mut self, after_parts: usize, kind: StreamFailureKind) -> Self {
        self.failure = Some(StreamFailure { after_parts, kind });
        self
    }

    /// Reads the config-file form (see the type's docs).
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let map = match value {
            Value::String(name) if name == "echo" => return Ok(BidiSpec::echo()),
            Value::String(other) => return Err(format!("unknown `bidi` behaviour `{other}`: expected \"echo\" or a table")),
            Value::Object(map) => map,
            other => return Err(format!("`bidi` must be \"echo\" or a table such as {{ script = [...] }}, found {other}")),
        };
        check_keys(map, &["echo", "script", "upstream", "error", "part_size", "part_delay_ms", "fail_after_parts", "failure"], "`bidi`")?;
        let sources = ["echo", "script", "upstream", "error"].iter().filter(|k| map.contains_key(**k)).count();
        if sources > 1 {
            return Err("`bidi` takes one of `echo = true`, `script`, `upstream` or `error`".into());
        }
        let mut spec = if let Some(script) = map.get("script") {
            let items = script.as_array().ok_or("`script` must be an array: one entry (a string or an array of strings) per request part")?;
            let mut parsed = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let replies = match item {
                    Value::String(text) => vec![Bytes::from(text.clone())],
                    Value::Array(texts) => texts
                        .iter()
                        .map(|t| t.as_str().map(|t| Bytes::from(t.to_string())))
                        .collect::<Option<Vec<_>>>()
                        .ok_or(format!("`script` entry {}: replies must be strings", i + 1))?,
                    other => return Err(format!("`script` entry {} must be a string or an array of strings, found {other}", i + 1)),
                };
                parsed.push(replies);
            }
            BidiSpec { source: BidiSource::Script(parsed), ..BidiSpec::echo() }
        } else if let Some(url) = map.get("upstream") {
            BidiSpec { source: BidiSource::Upstream(parse_upstream(url)?), ..BidiSpec::echo() }
        } else if let Some(error) = map.get("error") {
            let (error, error_code) = match error {
                Value::Object(fields) => {
                    let mut fields = fields.clone();
                    let code = match fields.remove("error_code") {
                        None | Some(Value::Null) => None,
                        Some(Value::String(code)) => Some(code),
                        Some(other) => return Err(format!("`error_code` must be a string, found {other}")),
                    };
                    (Value::Object(fields), code)
                }
                other => (other.clone(), None),
            };
            BidiSpec { source: BidiSource::Error { spec: parse_error(&error)?, error_code }, ..BidiSpec::echo() }
        } else {
            if let Some(v) = map.get("echo") {
                if v != &Value::Bool(true) {
                    return Err("`echo` takes no settings: write echo = true".into());
                }
            }
            BidiSpec::echo()
        };
        if let Some(v) = map.get("part_size") {
            match v.as_u64() {
                Some(n) if n >= 1 => spec.part_size = Some(usize::try_from(n).unwrap_or(usize::MAX)),
                _ => return Err("`part_size` must be a whole number of bytes, at least 1".into()),
            }
        }
        if let Some(v) = map.get("part_delay_ms") {
            spec.part_delay = Duration::from_millis(v.as_u64().ok_or("`part_delay_ms` must be a whole number of milliseconds")?);
        }
        match (map.get("fail_after_parts"), map.get("failure")) {
            (None, None) => {}
            (after, Some(failure)) => {
                let after_parts = match after {
                    None => 0,
                    Some(v) => usize::try_from(v.as_u64().ok_or("`fail_after_parts` must be a whole number")?).unwrap_or(usize::MAX),
                };
                spec.failure = Some(StreamFailure { after_parts, kind: parse_stream_failure(failure)? });
            }
            (Some(_), None) => return Err("`fail_after_parts` needs a `failure`".into()),
        }
        Ok(spec)
    }
}

impl<'de> Deserialize<'de> for BidiSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        BidiSpec::from_value(&value).map_err(D::Error::custom)
    }
}

/// A fixed `InvokeEndpoint` response.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FixedResponse {
    /// The response body.
    pub body: Bytes,
    /// `Content-Type` of the answer; `application/octet-stream` when unset (`application/json`
    /// when the config gave the body as `json`).
    pub content_type: Option<String>,
    /// `x-Amzn-Invoked-Production-Variant`; the endpoint's `variant` when unset.
    pub invoked_production_variant: Option<String>,
    /// `X-Amzn-SageMaker-Custom-Attributes` of the answer.
    pub custom_attributes: Option<String>,
    /// `X-Amzn-SageMaker-New-Session-Id` of the answer.
    pub new_session_id: Option<String>,
    /// `X-Amzn-SageMaker-Closed-Session-Id` of the answer.
    pub closed_session_id: Option<String>,
}

impl FixedResponse {
    /// A response with this body and nothing else set.
    pub fn new(body: impl Into<Bytes>) -> Self {
        FixedResponse { body: body.into(), ..Default::default() }
    }

    /// Sets the content type.
    pub fn content_type(mut self, value: impl Into<String>) -> Self {
        self.content_type = Some(value.into());
        self
    }

    /// Sets the invoked production variant.
    pub fn invoked_production_variant(mut self, value: impl Into<String>) -> Self {
        self.invoked_production_variant = Some(value.into());
        self
    }

    /// Sets the custom attributes.
    pub fn custom_attributes(mut self, value: impl Into<String>) -> Self {
        self.custom_attributes = Some(value.into());
        self
    }
}

/// An error to answer with.
///
/// `error_type` is the error code (`x-amzn-ErrorType`). The modeled ones keep their own
/// status: `ModelError` 424, `ModelNotReadyException` 429, `ValidationError` 400,
/// `ServiceUnavailable` 503, `InternalFailure` 500, `InternalDependencyException` 530. Any
/// other code is answered with status 500 and that code. Unset fields get AWS-like defaults
/// (a `ModelError` gets original status 500, AWS's "Received server error (500) from primary
/// with message ..." wording and the endpoint's CloudWatch log stream ARN).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorSpec {
    /// The error code, for example `ModelError`.
    pub error_type: String,
    /// `Message`.
    pub message: Option<String>,
    /// `OriginalStatusCode` (`ModelError` only): the container's HTTP status.
    pub original_status_code: Option<i32>,
    /// `OriginalMessage` (`ModelError` only): the container's response body.
    pub original_message: Option<String>,
    /// `LogStreamArn` (`ModelError` only).
    pub log_stream_arn: Option<String>,
}

impl ErrorSpec {
    /// An error of this type with default fields.
    pub fn new(error_type: impl Into<String>) -> Self {
        ErrorSpec {
            error_type: error_type.into(),
            message: None,
            original_status_code: None,
            original_message: None,
            log_stream_arn: None,
        }
    }

    /// `ModelError` (424): the container answered `status` with `message` as its body.
    pub fn model_error(status: i32, message: impl Into<String>) -> Self {
        ErrorSpec { original_status_code: Some(status), original_message: Some(message.into()), ..Self::new("ModelError") }
    }

    /// `ModelNotReadyException` (429).
    pub fn model_not_ready() -> Self {
        Self::new("ModelNotReadyException")
    }

    /// `ValidationError` (400) with this message.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationError").message(message)
    }

    /// `ServiceUnavailable` (503).
    pub fn service_unavailable() -> Self {
        Self::new("ServiceUnavailable")
    }

    /// `InternalFailure` (500).
    pub fn internal_failure() -> Self {
        Self::new("InternalFailure")
    }

    /// `InternalDependencyException` (530).
    pub fn internal_dependency() -> Self {
        Self::new("InternalDependencyException")
    }

    /// Sets the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the log stream ARN.
    pub fn log_stream_arn(mut self, arn: impl Into<String>) -> Self {
        self.log_stream_arn = Some(arn.into());
        self
    }
}

/// A model container to forward invocations to.
#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamSpec {
    /// Base URL, `http://host:port` (plain HTTP, as containers serve on their host).
    pub url: String,
    /// How long the container may take to answer; SageMaker allows 60 s.
    pub timeout: Duration,
    /// How often a bidirectional session's WebSocket is pinged (SageMaker: every 60 s); after
    /// [`UNANSWERED_PINGS_LIMIT`] pings in a row without a pong the session is closed.
    pub ping_interval: Duration,
}

/// Pings in a row a container may leave unanswered before its session is closed (SageMaker's 5).
pub const UNANSWERED_PINGS_LIMIT: u32 = 5;

impl UpstreamSpec {
    /// The container at `url`, with SageMaker's 60-second limit.
    pub fn new(url: impl Into<String>) -> Self {
        UpstreamSpec { url: url.into().trim_end_matches('/').to_string(), timeout: Duration::from_secs(60), ping_interval: Duration::from_secs(60) }
    }
}

impl Step {
    /// A step without delay.
    pub fn new(action: Action) -> Self {
        Step { action, delay: Duration::ZERO }
    }
}

impl Behaviour {
    /// Echo the request (the default).
    pub fn echo() -> Self {
        Behaviour::Step(Step::new(Action::Echo))
    }

    /// Answer as for an endpoint that does not exist.
    pub fn not_found() -> Self {
        Behaviour::Step(Step::new(Action::NotFound))
    }

    /// Accept async requests (for [`EndpointConfig::async_accept`](crate::EndpointConfig)).
    pub fn accept() -> Self {
        Behaviour::Step(Step::new(Action::Accept))
    }

    /// A fixed response.
    pub fn fixed(response: FixedResponse) -> Self {
        Behaviour::Step(Step::new(Action::Fixed(response)))
    }

    /// An error.
    pub fn error(error: ErrorSpec) -> Self {
        Behaviour::Step(Step::new(Action::Error(error)))
    }

    /// Forward to the model container at `url`.
    pub fn upstream(url: impl Into<String>) -> Self {
        Behaviour::Step(Step::new(Action::Upstream(UpstreamSpec::new(url))))
    }

    /// Stream the answer in parts (`InvokeEndpointWithResponseStream`).
    pub fn stream(spec: StreamSpec) -> Self {
        Behaviour::Step(Step::new(Action::Stream(spec)))
    }

    /// These behaviours in turn, one per invocation; the last one repeats. Sequences given
    /// as items are flattened.
    pub fn sequence(items: impl IntoIterator<Item = Behaviour>) -> Self {
        let steps = items.into_iter().flat_map(Behaviour::into_steps).collect();
        Behaviour::Sequence { steps, cycle: false }
    }

    /// For a sequence: start over after the last step instead of repeating it.
    pub fn cycled(self) -> Self {
        Behaviour::Sequence { steps: self.into_steps(), cycle: true }
    }

    /// Adds `delay` before every step's answer.
    pub fn delayed(mut self, delay: Duration) -> Self {
        match &mut self {
            Behaviour::Step(step) => step.delay += delay,
            Behaviour::Sequence { steps, .. } => steps.iter_mut().for_each(|s| s.delay += delay),
        }
        self
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        match self {
            Behaviour::Step(step) => std::slice::from_ref(step),
            Behaviour::Sequence { steps, .. } => steps,
        }
    }

    fn into_steps(self) -> Vec<Step> {
        match self {
            Behaviour::Step(step) => vec![step],
            Behaviour::Sequence { steps, .. } => steps,
        }
    }

    /// The step for the `n`-th invocation (zero-based).
    pub(crate) fn step_at(&self, n: usize) -> &Step {
        match self {
            Behaviour::Step(step) => step,
            Behaviour::Sequence { steps, cycle } => {
                let index = if *cycle { n % steps.len() } else { n.min(steps.len() - 1) };
                &steps[index]
            }
        }
    }

    /// Reads the config-file form (see the module docs).
    pub fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => Ok(Behaviour::Sequence { steps: parse_steps(items)?, cycle: false }),
            Value::Object(map) if map.contains_key("sequence") => {
                check_keys(map, &["sequence", "cycle"], "a sequence")?;
                let items = map["sequence"].as_array().ok_or("`sequence` must be an array of steps")?;
                let cycle = match map.get("cycle") {
                    None => false,
                    Some(v) => v.as_bool().ok_or("`cycle` must be true or false")?,
                };
                Ok(Behaviour::Sequence { steps: parse_steps(items)?, cycle })
            }
            other => Ok(Behaviour::Step(parse_step(other)?)),
        }
    }
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour::echo()
    }
}

impl From<Action> for Behaviour {
    fn from(action: Action) -> Self {
        Behaviour::Step(Step::new(action))
    }
}

impl<'de> Deserialize<'de> for Behaviour {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Behaviour::from_value(&value).map_err(D::Error::custom)
    }
}

fn parse_steps(items: &[Value]) -> Result<Vec<Step>, String> {
    if items.is_empty() {
        return Err("a sequence needs at least one step".into());
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if item.is_array() || item.get("sequence").is_some() {
                return Err(format!("step {}: sequences cannot be nested", i + 1));
            }
            parse_step(item).map_err(|e| format!("step {}: {e}", i + 1))
        })
        .collect()
}

const ACTION_NAMES: &str = "\"echo\", \"not_found\", \"accept\", { fixed = ... }, { error = ... }, { upstream = ... }, { stream = ... }, { sequence = [...] }";

fn parse_step(value: &Value) -> Result<Step, String> {
    match value {
        Value::String(name) => Ok(Step::new(named_action(name)?)),
        Value::Object(map) => {
            check_keys(map, &["echo", "not_found", "accept", "fixed", "error", "upstream", "stream", "delay_ms"], "a step")?;
            let delay = match map.get("delay_ms") {
                None => Duration::ZERO,
                Some(v) => Duration::from_millis(v.as_u64().ok_or("`delay_ms` must be a whole number of milliseconds")?),
            };
            let mut actions = map.iter().filter(|(k, _)| k.as_str() != "delay_ms");
            let action = match (actions.next(), actions.next()) {
                // `{ delay_ms = 500 }` alone: echo after the delay.
                (None, _) => Action::Echo,
                (Some(_), Some(_)) => return Err(format!("a step has exactly one action, one of {ACTION_NAMES}")),
                (Some((key, v)), None) => match key.as_str() {
                    "echo" | "not_found" | "accept" => {
                        if !(v == &Value::Bool(true) || v.as_object().is_some_and(Map::is_empty)) {
                            return Err(format!("`{key}` takes no settings: write \"{key}\" or {{ {key} = true }}"));
                        }
                        named_action(key)?
                    }
                    "fixed" => Action::Fixed(parse_fixed(v)?),
                    "error" => Action::Error(parse_error(v)?),
                    "upstream" => Action::Upstream(parse_upstream(v)?),
                    "stream" => Action::Stream(parse_stream(v)?),
                    _ => unreachable!("keys were checked"),
                },
            };
            Ok(Step { action, delay })
        }
        other => Err(format!("expected a step ({ACTION_NAMES}), found {other}")),
    }
}

fn named_action(name: &str) -> Result<Action, String> {
    match name {
        "echo" => Ok(Action::Echo),
        "not_found" | "not-found" => Ok(Action::NotFound),
        "accept" => Ok(Action::Accept),
        other => Err(format!("unknown behaviour `{other}`: expected one of {ACTION_NAMES}")),
    }
}

fn check_keys(map: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown key `{k}` in {what}; expected one of: {}", allowed.join(", "))),
        None => Ok(()),
    }
}

fn string_field(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("`{key}` must be a string, found {other}")),
    }
}

fn parse_stream(value: &Value) -> Result<StreamSpec, String> {
    let map = value.as_object().ok_or("`stream` must be a table such as { text = \"...\", part_size = 4, part_delay_ms = 20 }")?;
    check_keys(
        map,
        &["echo", "text", "upstream", "part_size", "part_delay_ms", "content_type", "fail_after_parts", "failure"],
        "`stream`",
    )?;
    let sources = ["echo", "text", "upstream"].iter().filter(|k| map.contains_key(**k)).count();
    if sources > 1 {
        return Err("`stream` takes one of `echo = true`, `text` or `upstream`".into());
    }
    let mut spec = if let Some(text) = string_field(map, "text")? {
        StreamSpec::text(text)
    } else if let Some(url) = map.get("upstream") {
        StreamSpec { source: StreamSource::Upstream(parse_upstream(url)?), ..StreamSpec::echo() }
    } else {
        StreamSpec::echo()
    };
    if let Some(v) = map.get("part_size") {
        match v.as_u64() {
            Some(n) if n >= 1 => spec.part_size = Some(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => return Err("`part_size` must be a whole number of bytes, at least 1".into()),
        }
    }
    if let Some(v) = map.get("part_delay_ms") {
        spec.part_delay = Duration::from_millis(v.as_u64().ok_or("`part_delay_ms` must be a whole number of milliseconds")?);
    }
    spec.content_type = string_field(map, "content_type")?;
    match (map.get("fail_after_parts"), map.get("failure")) {
        (None, None) => {}
        (after, Some(failure)) => {
            let after_parts = match after {
                None => 0,
                Some(v) => usize::try_from(v.as_u64().ok_or("`fail_after_parts` must be a whole number")?).unwrap_or(usize::MAX),
            };
            spec.failure = Some(StreamFailure { after_parts, kind: parse_stream_failure(failure)? });
        }
        (Some(_), None) => return Err("`fail_after_parts` needs a `failure`".into()),
    }
    Ok(spec)
}

const FAILURE_NAMES: &str = "\"ModelStreamError\", \"InternalStreamFailure\", \"drop_connection\" or { type = ..., error_code = ..., message = ... }";

fn parse_stream_failure(value: &Value) -> Result<StreamFailureKind, String> {
    let (kind, map) = match value {
        Value::String(kind) => (kind.clone(), Map::new()),
        Value::Object(map) => {
            check_keys(map, &["type", "error_code", "message"], "`failure`")?;
            (string_field(map, "type")?.ok_or(format!("`failure` needs a `type`: {FAILURE_NAMES}"))?, map.clone())
        }
        other => return Err(format!("`failure` must be {FAILURE_NAMES}, found {other}")),
    };
    let message = string_field(&map, "message")?;
    match kind.as_str() {
        "ModelStreamError" => Ok(StreamFailureKind::ModelStreamError { error_code: string_field(&map, "error_code")?, message }),
        "InternalStreamFailure" if !map.contains_key("error_code") => Ok(StreamFailureKind::InternalStreamFailure { message }),
        "drop_connection" if map.len() <= 1 => Ok(StreamFailureKind::DropConnection),
        "InternalStreamFailure" | "drop_connection" => Err(format!("`failure` {kind} takes no `error_code`{}", if kind == "drop_connection" { " or `message`" } else { "" })),
        other => Err(format!("unknown stream failure `{other}`: expected {FAILURE_NAMES}")),
    }
}

fn parse_fixed(value: &Value) -> Result<FixedResponse, String> {
    let map = value.as_object().ok_or("`fixed` must be a table such as { body = \"...\", content_type = \"...\" }")?;
    check_keys(
        map,
        &[
            "body",
            "body_base64",
            "json",
            "content_type",
            "invoked_production_variant",
            "variant",
            "custom_attributes",
            "new_session_id",
            "closed_session_id",
        ],
        "`fixed`",
    )?;
    let bodies = ["body", "body_base64", "json"].iter().filter(|k| map.contains_key(**k)).count();
    if bodies > 1 {
        return Err("`fixed` takes one of `body`, `body_base64` or `json`".into());
    }
    let mut content_type = string_field(map, "content_type")?;
    let body = if let Some(text) = string_field(map, "body")? {
        Bytes::from(text)
    } else if let Some(encoded) = string_field(map, "body_base64")? {
        Bytes::from(
            aws_smithy_types::base64::decode(&encoded).map_err(|e| format!("`body_base64` is not valid base64: {e}"))?,
        )
    } else if let Some(json) = map.get("json") {
        content_type.get_or_insert_with(|| "application/json".into());
        Bytes::from(serde_json::to_vec(json).map_err(|e| e.to_string())?)
    } else {
        Bytes::new()
    };
    let variant = match string_field(map, "invoked_production_variant")? {
        Some(v) => Some(v),
        None => string_field(map, "variant")?,
    };
    Ok(FixedResponse {
        body,
        content_type,
        invoked_production_variant: variant,
        custom_attributes: string_field(map, "custom_attributes")?,
        new_session_id: string_field(map, "new_session_id")?,
        closed_session_id: string_field(map, "closed_session_id")?,
    })
}

fn parse_error(value: &Value) -> Result<ErrorSpec, String> {
    let map = match value {
        // `error = "ModelNotReadyException"`: the type alone.
        Value::String(code) => return Ok(ErrorSpec::new(code.clone())),
        Value::Object(map) => map,
        other => return Err(format!("`error` must be an error type or a table with `type`, found {other}")),
    };
    check_keys(map, &["type", "code", "message", "original_status_code", "original_message", "log_stream_arn"], "`error`")?;
    let error_type = match string_field(map, "type")? {
        Some(t) => t,
        None => string_field(map, "code")?.ok_or("`error` needs a `type`, for example \"ModelError\"")?,
    };
    if error_type.is_empty() || !error_type.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
        return Err(format!("`{error_type}` is not an error code (letters and digits, such as ModelError)"));
    }
    let original_status_code = match map.get("original_status_code") {
        None => None,
        Some(v) => Some(
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or("`original_status_code` must be an HTTP status such as 500")?,
        ),
    };
    Ok(ErrorSpec {
        error_type,
        message: string_field(map, "message")?,
        original_status_code,
        original_message: string_field(map, "original_message")?,
        log_stream_arn: string_field(map, "log_stream_arn")?,
    })
}

fn parse_upstream(value: &Value) -> Result<UpstreamSpec, String> {
    let spec = match value {
        Value::String(url) => UpstreamSpec::new(url.clone()),
        Value::Object(map) => {
            check_keys(map, &["url", "timeout_ms", "ping_interval_ms"], "`upstream`")?;
            let url = string_field(map, "url")?.ok_or("`upstream` needs a `url`")?;
            let mut spec = UpstreamSpec::new(url);
            if let Some(v) = map.get("timeout_ms") {
                spec.timeout = Duration::from_millis(v.as_u64().ok_or("`timeout_ms` must be a whole number")?);
            }
            if let Some(v) = map.get("ping_interval_ms") {
                let ms = v.as_u64().filter(|ms| *ms > 0).ok_or("`ping_interval_ms` must be a whole number above 0")?;
                spec.ping_interval = Duration::from_millis(ms);
            }
            spec
        }
        other => return Err(format!("`upstream` must be a URL such as \"http://127.0.0.1:8080\", found {other}")),
    };
    check_upstream_url(&spec.url)?;
    Ok(spec)
}

/// Checks that `url` is a plain `http://host:port` base URL.
pub(crate) fn check_upstream_url(url: &str) -> Result<(), String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("upstream `{url}` is not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") || uri.host().is_none() {
        return Err(format!("upstream `{url}` must be a plain http:// URL of the model container, such as http://127.0.0.1:8080"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form_of_the_config_is_read() {
        assert_eq!(Behaviour::from_value(&json!("echo")).unwrap(), Behaviour::echo());
        assert_eq!(Behaviour::from_value(&json!("not_found")).unwrap(), Behaviour::not_found());
        let b = Behaviour::from_value(&json!({ "fixed": { "json": { "a": 1 }, "variant": "v2" }, "delay_ms": 5 })).unwrap();
        let Behaviour::Step(Step { action: Action::Fixed(f), delay }) = b else { panic!("{b:?}") };
        assert_eq!((&f.body[..], f.content_type.as_deref(), delay), (&br#"{"a":1}"#[..], Some("application/json"), Duration::from_millis(5)));
        assert_eq!(f.invoked_production_variant.as_deref(), Some("v2"));
        let b = Behaviour::from_value(&json!({ "error": { "type": "ModelError", "original_status_code": 503 } })).unwrap();
        assert_eq!(b, Behaviour::error(ErrorSpec { original_status_code: Some(503), ..ErrorSpec::new("ModelError") }));
        let b = Behaviour::from_value(&json!(["echo", { "delay_ms": 10 }, { "error": "ModelNotReadyException" }])).unwrap();
        assert_eq!(b.steps().len(), 3);
        assert_eq!(b.step_at(1).delay, Duration::from_millis(10));
        assert_eq!(b.step_at(7).action, Action::Error(ErrorSpec::model_not_ready()), "the last step repeats");
        let b = Behaviour::from_value(&json!({ "sequence": ["echo", "not_found"], "cycle": true })).unwrap();
        assert_eq!((b.step_at(2).action.clone(), b.step_at(3).action.clone()), (Action::Echo, Action::NotFound));
        let b = Behaviour::from_value(&json!({ "upstream": { "url": "http://127.0.0.1:9/", "timeout_ms": 10 } })).unwrap();
        assert_eq!(
            b,
            Behaviour::Step(Step::new(Action::Upstream(UpstreamSpec { url: "http://127.0.0.1:9".into(), timeout: Duration::from_millis(10), ping_interval: Duration::from_secs(60) })))
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = |v: Value| Behaviour::from_value(&v).unwrap_err();
        assert!(err(json!("ehco")).contains("unknown behaviour `ehco`"));
        assert!(err(json!({ "fixed": {}, "error": "X" })).contains("exactly one action"));
        assert!(err(json!({ "fixed": { "bdy": "x" } })).contains("unknown key `bdy`"));
        assert!(err(json!({ "error": { "message": "m" } })).contains("needs a `type`"));
        assert!(err(json!({ "upstream": "https://x" })).contains("plain http://"));
        assert!(err(json!({ "sequence": [] })).contains("at least one step"));
        assert!(err(json!(["echo", ["echo"]])).contains("step 2: sequences cannot be nested"));
        assert!(err(json!({ "delay_ms": -1 })).contains("delay_ms"));
    }

    #[test]
    fn bidi_settings_are_read() {
        assert_eq!(BidiSpec::from_value(&json!("echo")).unwrap(), BidiSpec::echo());
        let b = BidiSpec::from_value(&json!({ "script": [["a", "b"], "c"], "part_size": 2, "part_delay_ms": 5 })).unwrap();
        assert_eq!(b, BidiSpec::script([vec!["a", "b"], vec!["c"]]).part_size(2).part_delay(Duration::from_millis(5)));
        let b = BidiSpec::from_value(&json!({ "error": { "type": "InputValidationError", "error_code": "X", "message": "m" } })).unwrap();
        assert_eq!(b.source, BidiSource::Error { spec: ErrorSpec::new("InputValidationError").message("m"), error_code: Some("X".into()) });
        let b = BidiSpec::from_value(&json!({ "echo": true, "fail_after_parts": 1, "failure": "InternalStreamFailure" })).unwrap();
        assert_eq!(b.failure.unwrap().kind, StreamFailureKind::InternalStreamFailure { message: None });
        let err = |v: Value| BidiSpec::from_value(&v).unwrap_err();
        assert!(err(json!({ "script": ["a"], "echo": true })).contains("takes one of"));
        assert!(err(json!({ "scritp": [] })).contains("unknown key `scritp`"));
        assert!(err(json!({ "upstream": "https://x" })).contains("plain http://"));
        assert!(err(json!({ "script": [1] })).contains("entry 1"));
    }

    #[test]
    fn builders_compose() {
        let b = Behaviour::sequence([Behaviour::echo(), Behaviour::sequence([Behaviour::not_found(), Behaviour::echo()])])
            .delayed(Duration::from_millis(3))
            .cycled();
        assert_eq!(b.steps().len(), 3);
        assert!(b.steps().iter().all(|s| s.delay == Duration::from_millis(3)));
        assert_eq!(b.step_at(4).action, Action::NotFound);
    }
}
