//! `InvokeEndpointWithBidirectionalStream` (SageMaker Runtime HTTP2): the mock's implementation
//! of the generated `AmazonSageMakerRuntimeHttp2` trait, served on the same listener as the
//! other operations (see `admin::router`).
//!
//! A session reads the request's `PayloadPart` events as they arrive and answers each with
//! reply payloads ([`BidiSource`]): an echo, a script, or a model container's WebSocket. The
//! replies go out as response `PayloadPart`s of at most `part_size` bytes, `part_delay` apart,
//! counted so that a configured failure (`ModelStreamError`, `InternalStreamFailure`, a
//! dropped connection) comes after that many parts.
//!
//! The container contract followed in upstream mode: see [`connect_container`].

use crate::behaviour::{BidiSource, BidiSpec, ErrorSpec, StreamFailure, StreamFailureKind, UpstreamSpec, UNANSWERED_PINGS_LIMIT};
use crate::service::{ErrorContext, Mock};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::Blob;
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use sagemaker_runtime_http2::operation::invoke_endpoint_with_bidirectional_stream::{
    InvokeEndpointWithBidirectionalStreamError as BidiError, InvokeEndpointWithBidirectionalStreamInput as BidiInput,
    InvokeEndpointWithBidirectionalStreamOutput as BidiOutput,
};
use sagemaker_runtime_http2::primitives::event_stream::EventReceiver;
use sagemaker_runtime_http2::server::AmazonSageMakerRuntimeHttp2;
use sagemaker_runtime_http2::types::error::{
    InputValidationError, InternalServerError, InternalStreamFailure, ModelError, ModelStreamError, RequestStreamEventError,
    ResponseStreamEventError, ServiceUnavailableError,
};
use sagemaker_runtime_http2::types::{RequestStreamEvent, ResponsePayloadPart, ResponseStreamEvent};
use smithygen_runtime::server::event_stream::{EventProducer, EventStreamWriter};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Events = EventReceiver<RequestStreamEvent, RequestStreamEventError>;
type Producer = EventProducer<ResponseStreamEvent, ResponseStreamEventError>;
type Writer = EventStreamWriter<ResponseStreamEvent, ResponseStreamEventError>;

/// The container path SageMaker opens the WebSocket on unless the request names another
/// (`X-Amzn-SageMaker-Model-Invocation-Path`).
pub(crate) const CONTAINER_BIDI_PATH: &str = "/invocations-bidirectional-stream";

/// How the operation's path ends (`/endpoints/{EndpointName}/invocations-bidirectional-stream`).
pub(crate) const OPERATION_PATH_SUFFIX: &str = "/invocations-bidirectional-stream";

/// The generated stub answers constraint violations of this operation (whose model names no
/// validation error) with the framework's `ValidationException`; SageMaker Runtime HTTP2
/// models `InputValidationError` (400) for them, so the mock answers that, same message.
pub(crate) fn input_validation_error(mut response: smithygen_runtime::server::ServerResponse) -> smithygen_runtime::server::ServerResponse {
    let header = "x-amzn-errortype";
    let is_validation = response
        .headers()
        .get(header)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(':').next() == Some("ValidationException"));
    if !is_validation {
        return response;
    }
    let message = serde_json::from_slice::<serde_json::Value>(response.body())
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_default();
    response.headers_mut().insert(header, http::HeaderValue::from_static("InputValidationError"));
    *response.body_mut() = Bytes::from(serde_json::json!({ "Message": message, "message": message }).to_string());
    response.headers_mut().remove(http::header::CONTENT_LENGTH);
    response
}

/// The service the generated SageMaker Runtime HTTP2 router serves.
#[derive(Debug, Clone)]
pub(crate) struct BidiService(pub Arc<Mock>);

impl AmazonSageMakerRuntimeHttp2 for BidiService {
    async fn invoke_endpoint_with_bidirectional_stream(
        &self,
        input: BidiInput,
        events: Events,
    ) -> Result<(BidiOutput, Producer), BidiError> {
        self.0.invoke_bidirectional(input, events).await
    }
}

/// One reply payload, before it is cut into parts.
#[derive(Debug)]
struct Reply {
    bytes: Bytes,
    data_type: Option<String>,
    completion_state: Option<String>,
}

/// How a source of replies ended.
#[derive(Debug)]
enum SourceEnd {
    /// The client ended its stream (and every reply was produced), or the container closed.
    Done,
    /// The input stream or the container failed: the session ends with this failure.
    Failed(StreamFailureKind),
}

impl Mock {
    async fn invoke_bidirectional(&self, input: BidiInput, events: Events) -> Result<(BidiOutput, Producer), BidiError> {
        let name = input.endpoint_name.clone().unwrap_or_default();
        let ep = self.config.resolve(&name);
        let ctx = ErrorContext { config: &self.config, endpoint: &name };
        if !ep.delay.is_zero() {
            tokio::time::sleep(ep.delay).await;
        }
        let spec = match ep.bidi {
            Some(spec) => spec.clone(),
            None if ep.behaviour.steps().first().is_some_and(|s| s.action == crate::Action::NotFound) => {
                let message = crate::service::not_found(&ctx).message().unwrap_or_default().to_string();
                return Err(BidiError::InputValidationError(InputValidationError::builder().message(message).build()));
            }
            None => BidiSpec::echo(),
        };
        let variant = input.target_variant.clone().unwrap_or_else(|| ep.variant.clone());
        let output = BidiOutput::builder().invoked_production_variant(variant).build_without_stream();
        let (replies_tx, replies_rx) = mpsc::channel::<Reply>(16);
        let source = match spec.source.clone() {
            BidiSource::Error { spec, error_code } => return Err(bidi_error(&spec, error_code, &ctx)),
            BidiSource::Echo => tokio::spawn(echo(events, replies_tx)),
            BidiSource::Script(script) => tokio::spawn(script_replies(events, script, replies_tx)),
            BidiSource::Upstream(upstream) => {
                let socket = connect_container(&upstream, &input).await.map_err(|e| container_error(e, &upstream, &ctx))?;
                tokio::spawn(relay(events, socket, replies_tx, upstream.ping_interval))
            }
        };
        tracing::info!(endpoint = %name, "InvokeEndpointWithBidirectionalStream streaming");
        let producer = EventProducer::new(move |writer| async move {
            let guard = AbortOnDrop(source);
            emit(writer, replies_rx, guard, spec.part_size, spec.part_delay, spec.failure).await;
        });
        Ok((output, producer))
    }
}

/// Aborts the source task when the session ends first (the client went away).
struct AbortOnDrop<T = SourceEnd>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The request part's bytes back, with its `DataType` and `CompletionState`.
async fn echo(mut events: Events, replies: mpsc::Sender<Reply>) -> SourceEnd {
    loop {
        match events.recv().await {
            Ok(Some(RequestStreamEvent::PayloadPart(part))) => {
                let reply = Reply {
                    bytes: part.bytes.map(|b| Bytes::from(b.into_inner())).unwrap_or_default(),
                    data_type: part.data_type,
                    completion_state: part.completion_state,
                };
                if replies.send(reply).await.is_err() {
                    return SourceEnd::Done;
                }
            }
            Ok(Some(_)) => {} // an event this model does not know: nothing to echo
            Ok(None) => return SourceEnd::Done,
            Err(e) => return input_failed(e),
        }
    }
}

/// `script[n]` for the n-th request part.
async fn script_replies(mut events: Events, script: Vec<Vec<Bytes>>, replies: mpsc::Sender<Reply>) -> SourceEnd {
    let mut n = 0usize;
    loop {
        match events.recv().await {
            Ok(Some(_)) => {
                for bytes in script.get(n).into_iter().flatten() {
                    let data_type = if std::str::from_utf8(bytes).is_ok() { "UTF8" } else { "BINARY" };
                    let reply = Reply { bytes: bytes.clone(), data_type: Some(data_type.into()), completion_state: Some("COMPLETE".into()) };
                    if replies.send(reply).await.is_err() {
                        return SourceEnd::Done;
                    }
                }
                n += 1;
            }
            Ok(None) => return SourceEnd::Done,
            Err(e) => return input_failed(e),
        }
    }
}

fn input_failed(error: impl std::fmt::Debug) -> SourceEnd {
    tracing::debug!(error = ?error, "the input event stream broke");
    SourceEnd::Failed(StreamFailureKind::InternalStreamFailure {
        message: Some("The input stream could not be read; the session was ended.".into()),
    })
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Why the container's WebSocket could not be opened.
#[derive(Debug)]
enum ConnectError {
    /// The container answered the upgrade with this status and body.
    Refused(u16, String),
    /// No connection (or no answer within the timeout).
    Unreachable(String),
}

/// Opens the container's WebSocket for one session.
///
/// The contract followed (SageMaker's container contract for bidirectional streaming; the
/// README's "Bidirectional streams" names the sources): the
/// container serves a WebSocket at `/invocations-bidirectional-stream` on its port (8080 in
/// SageMaker); `X-Amzn-SageMaker-Model-Invocation-Path` replaces that path and
/// `X-Amzn-SageMaker-Model-Query-String` becomes its query. One session is one WebSocket
/// connection: each request `PayloadPart` is one message (a text frame for `DataType` `UTF8`,
/// binary otherwise), each message of the container one response `PayloadPart` (`UTF8` for a
/// text message, `BINARY` for a binary one). The client ending its stream closes the WebSocket
/// (close frame); the container closing it ends the response stream.
async fn connect_container(upstream: &UpstreamSpec, input: &BidiInput) -> Result<Socket, ConnectError> {
    let authority = upstream.url.strip_prefix("http://").unwrap_or(&upstream.url);
    let path = match input.model_invocation_path.as_deref() {
        Some(path) => format!("/{}", path.trim_start_matches('/')),
        None => CONTAINER_BIDI_PATH.to_string(),
    };
    let query = input.model_query_string.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
    let url = format!("ws://{authority}{path}{query}");
    match tokio::time::timeout(upstream.timeout, tokio_tungstenite::connect_async(url.as_str())).await {
        Err(_) => Err(ConnectError::Unreachable(format!("no WebSocket handshake from {url} within {:?}", upstream.timeout))),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
            let body = response.body().as_deref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            Err(ConnectError::Refused(response.status().as_u16(), body))
        }
        Ok(Err(e)) => Err(ConnectError::Unreachable(format!("{url}: {e}"))),
    }
}

fn container_error(error: ConnectError, upstream: &UpstreamSpec, ctx: &ErrorContext<'_>) -> BidiError {
    let spec = match error {
        ConnectError::Refused(status, body) => ErrorSpec::model_error(i32::from(status), body),
        ConnectError::Unreachable(why) => ErrorSpec::new("ModelError")
            .message(format!("The model container of endpoint {} at {} could not be reached: {why}", ctx.endpoint, upstream.url)),
    };
    bidi_error(&spec, None, ctx)
}

/// Relays request parts to the container and its messages back, both ways at once, and keeps
/// the socket's health as SageMaker does: a ping every `ping_interval`, and after
/// [`UNANSWERED_PINGS_LIMIT`] pings in a row without a pong the session is closed (a close frame,
/// then the response stream ends).
async fn relay(mut events: Events, socket: Socket, replies: mpsc::Sender<Reply>, ping_interval: Duration) -> SourceEnd {
    let (mut sink, mut stream) = socket.split();
    // Set once the mock has sent its close frame: a container that then drops the connection
    // without answering it has still ended the session cleanly.
    let closing = Arc::new(AtomicBool::new(false));
    let closed_by_us = closing.clone();
    // Pings sent since the last pong.
    let unanswered = Arc::new(AtomicU32::new(0));
    let answered = unanswered.clone();
    // One writer owns the socket's sending half; the request parts and the pings go through it.
    let (outgoing, mut to_send) = mpsc::channel::<WsMessage>(16);
    let writer = tokio::spawn(async move {
        while let Some(message) = to_send.recv().await {
            let close = matches!(message, WsMessage::Close(_));
            if sink.send(message).await.is_err() || close {
                break;
            }
        }
    });
    let pinger = {
        let (outgoing, closing) = (outgoing.clone(), closing.clone());
        AbortOnDrop(tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + ping_interval, ping_interval);
            loop {
                ticks.tick().await;
                if unanswered.load(Ordering::SeqCst) >= UNANSWERED_PINGS_LIMIT {
                    tracing::info!("model container left {UNANSWERED_PINGS_LIMIT} pings unanswered; closing the session");
                    closing.store(true, Ordering::SeqCst);
                    let _ = outgoing.send(WsMessage::Close(None)).await;
                    return;
                }
                unanswered.fetch_add(1, Ordering::SeqCst);
                if outgoing.send(WsMessage::Ping(Bytes::new())).await.is_err() {
                    return;
                }
            }
        }))
    };
    let to_container = async move {
        loop {
            match events.recv().await {
                Ok(Some(RequestStreamEvent::PayloadPart(part))) => {
                    let bytes = part.bytes.map(|b| b.into_inner()).unwrap_or_default();
                    let message = match (part.data_type.as_deref(), String::from_utf8(bytes)) {
                        (Some("BINARY"), Ok(text)) => WsMessage::Binary(Bytes::from(text.into_bytes())),
                        (_, Ok(text)) => WsMessage::Text(text.into()),
                        (_, Err(e)) => WsMessage::Binary(Bytes::from(e.into_bytes())),
                    };
                    if outgoing.send(message).await.is_err() {
                        return None; // the container went away; its side reports it
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => {
                    closing.store(true, Ordering::SeqCst);
                    let _ = outgoing.send(WsMessage::Close(None)).await;
                    return None;
                }
                Err(e) => {
                    let _ = outgoing.send(WsMessage::Close(None)).await;
                    return Some(input_failed(e));
                }
            }
        }
    };
    let from_container = async move {
        while let Some(message) = stream.next().await {
            let (bytes, data_type) = match message {
                Ok(WsMessage::Text(text)) => (Bytes::from(text.as_str().to_string()), "UTF8"),
                Ok(WsMessage::Binary(bytes)) => (bytes, "BINARY"),
                Ok(WsMessage::Close(_)) => return SourceEnd::Done,
                Ok(WsMessage::Pong(_)) => {
                    answered.store(0, Ordering::SeqCst);
                    continue;
                }
                Ok(_) => continue, // the container's pings: tungstenite answers them itself
                // The closing handshake finished (ours or the container's).
                Err(tokio_tungstenite::tungstenite::Error::ConnectionClosed | tokio_tungstenite::tungstenite::Error::AlreadyClosed) => {
                    return SourceEnd::Done
                }
                Err(_) if closed_by_us.load(Ordering::SeqCst) => return SourceEnd::Done,
                Err(e) => {
                    return SourceEnd::Failed(StreamFailureKind::ModelStreamError {
                        error_code: Some("StreamBroken".into()),
                        message: Some(format!("The connection to the model container broke: {e}")),
                    })
                }
            };
            let reply = Reply { bytes, data_type: Some(data_type.into()), completion_state: None };
            if replies.send(reply).await.is_err() {
                return SourceEnd::Done;
            }
        }
        SourceEnd::Done
    };
    let to_container = AbortOnDrop(tokio::spawn(to_container));
    let end = tokio::select! {
        end = from_container => end,
        // Closed for unanswered pings: a container that no longer reads may never answer the
        // close frame either, so the session ends here.
        () = wait_for_closed_unanswered(&pinger) => SourceEnd::Done,
    };
    drop(pinger);
    let mut to_container = to_container;
    let failed = match tokio::time::timeout(Duration::from_millis(100), &mut to_container.0).await {
        Ok(Ok(Some(failed))) => Some(failed),
        _ => None,
    };
    writer.abort();
    match failed {
        Some(failed) if matches!(end, SourceEnd::Done) => failed,
        _ => end,
    }
}

/// Resolves when the pinger has given up on the container (and never otherwise).
async fn wait_for_closed_unanswered(pinger: &AbortOnDrop<()>) {
    while !pinger.0.is_finished() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends the replies as parts until the source ends, then the source's failure if any; a
/// configured failure comes after `failure.after_parts` parts.
async fn emit(
    writer: Writer,
    mut replies: mpsc::Receiver<Reply>,
    mut source: AbortOnDrop,
    part_size: Option<usize>,
    part_delay: Duration,
    failure: Option<StreamFailure>,
) {
    let mut sent = 0usize;
    loop {
        if failure.as_ref().is_some_and(|f| f.after_parts == sent) {
            fail(writer, failure.map(|f| f.kind)).await;
            return;
        }
        let Some(reply) = replies.recv().await else { break };
        let mut rest = reply.bytes;
        loop {
            let take = part_size.unwrap_or(usize::MAX).min(rest.len());
            let chunk = rest.split_to(take);
            let last = rest.is_empty();
            if sent > 0 && !part_delay.is_zero() {
                tokio::time::sleep(part_delay).await;
            }
            let completion = if last { reply.completion_state.clone() } else { Some("PARTIAL".into()) };
            let part = ResponsePayloadPart::builder()
                .bytes(Blob::new(chunk.to_vec()))
                .set_data_type(reply.data_type.clone())
                .set_completion_state(completion)
                .build();
            if writer.send(ResponseStreamEvent::PayloadPart(part)).await.is_err() {
                tracing::debug!(sent, "the client went away mid-session");
                return;
            }
            sent += 1;
            if last {
                break;
            }
            if failure.as_ref().is_some_and(|f| f.after_parts == sent) {
                fail(writer, failure.map(|f| f.kind)).await;
                return;
            }
        }
    }
    // The replies ended: the source finished (or failed).
    match (&mut source.0).await {
        Ok(SourceEnd::Failed(kind)) => fail(writer, Some(kind)).await,
        Ok(SourceEnd::Done) | Err(_) => {} // dropping the writer ends the stream cleanly
    }
}

async fn fail(writer: Writer, kind: Option<StreamFailureKind>) {
    let error = match kind {
        Some(StreamFailureKind::ModelStreamError { error_code, message }) => ResponseStreamEventError::ModelStreamError(
            ModelStreamError::builder()
                .error_code(error_code.unwrap_or_else(|| "StreamBroken".into()))
                .message(message.unwrap_or_else(|| "The connection between SageMaker and the model container was reset.".into()))
                .build(),
        ),
        Some(StreamFailureKind::InternalStreamFailure { message }) => ResponseStreamEventError::InternalStreamFailure(
            InternalStreamFailure::builder()
                .message(message.unwrap_or_else(|| "The stream failed because of an internal error. Retry the request.".into()))
                .build(),
        ),
        Some(StreamFailureKind::DropConnection) | None => {
            writer.abort("the mock drops the connection mid-session, as configured").await;
            return;
        }
    };
    let _ = writer.send_error(error).await;
}

/// The error `spec` describes, as this operation models it. The names of SageMaker Runtime's
/// errors are accepted for their counterparts (`ValidationError`, `ServiceUnavailable`,
/// `InternalFailure`); any other code is sent with status 500 and that code.
fn bidi_error(spec: &ErrorSpec, error_code: Option<String>, ctx: &ErrorContext<'_>) -> BidiError {
    let message = spec.message.clone().unwrap_or_else(|| crate::service::default_message(&spec.error_type).into());
    match spec.error_type.as_str() {
        "InputValidationError" | "ValidationError" => BidiError::InputValidationError(
            InputValidationError::builder().message(message).set_error_code(error_code).build(),
        ),
        "ModelError" => {
            let model = crate::service::model_error(spec, ctx);
            BidiError::ModelError(
                ModelError::builder()
                    .set_message(model.message().map(str::to_string))
                    .set_original_status_code(model.original_status_code())
                    .set_original_message(model.original_message().map(str::to_string))
                    .set_log_stream_arn(model.log_stream_arn().map(str::to_string))
                    .set_error_code(error_code)
                    .build(),
            )
        }
        "ServiceUnavailableError" | "ServiceUnavailable" => BidiError::ServiceUnavailableError(
            ServiceUnavailableError::builder()
                .message(spec.message.clone().unwrap_or_else(|| crate::service::default_message("ServiceUnavailable").into()))
                .set_error_code(error_code)
                .build(),
        ),
        "InternalServerError" | "InternalFailure" => BidiError::InternalServerError(
            InternalServerError::builder()
                .message(spec.message.clone().unwrap_or_else(|| crate::service::default_message("InternalFailure").into()))
                .set_error_code(error_code)
                .build(),
        ),
        other => BidiError::generic(ErrorMetadata::builder().code(other).message(message).build()),
    }
}
