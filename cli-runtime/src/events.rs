//! Input event streams from the command line: each line of standard input (or each value of
//! the events option, `--event`) is one event, sent as soon as it is read, and the request
//! stream ends with the input. Standard input is read on a thread of its own, so the call keeps
//! running (the response parts are written as they arrive) while the next line is awaited.
//!
//! The generated glue turns each [`EventItem`] into the client's event type (the only part that
//! knows the service) through [`EventSource::stream`], whose result the client's
//! `EventStreamSender` is made from.

use crate::config::BinaryFormat;
use crate::error::CliError;
use crate::input::{blob_arg, canonical, first_sentence, member_arg, option_name, option_value, param_text};
use crate::spec::{EventForm, InputEvents, Kind};
use aws_smithy_types::base64;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};
use std::io::BufRead;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The clap id of the events option.
const EVENTS_ID: &str = "cli-input-event";

/// Events read ahead of the request stream (standard input blocks when they are not sent).
const READ_AHEAD: usize = 16;

/// The clap id of an event header's option.
fn header_id(name: &str) -> String {
    format!("cli-event-header:{name}")
}

/// Adds the events option and the event's header options to an operation's subcommand.
pub(crate) fn args(mut cmd: Command, events: &'static InputEvents) -> Command {
    let stream_docs = if events.docs.is_empty() { String::new() } else { format!("{}\n\n", events.docs) };
    let (short, long) = match &events.form {
        EventForm::Payload { event, payload, docs, .. } => (
            format!("One `{event}` event: its `{payload}` (repeatable; without it, each line of standard input is one event)."),
            format!(
                "{stream_docs}{}One `{event}` event per value, its `{payload}` being the value's bytes: `fileb://PATH` (raw bytes), \
                 `file://PATH` or inline text, read per `--cli-binary-format` (base64 by default). Repeatable; the events are sent \
                 in order and the stream ends after the last one. Without it, each line of standard input (without its line \
                 terminator) is one event's bytes, sent as soon as it is read, and the stream ends at end of input.",
                if docs.is_empty() { String::new() } else { format!("{payload}: {docs}\n\n") },
            ),
        ),
        EventForm::Json { events: union } => {
            let names: Vec<&str> = union.members.iter().map(|m| m.name).collect();
            (
                format!("One event as JSON, `{{\"{}\": {{...}}}}` (repeatable; without it, each line of standard input is one event).", names.first().copied().unwrap_or("Event")),
                format!(
                    "{stream_docs}One event per value, as a JSON object naming the event: {}. Its members as in \
                     `--cli-input-json` (blobs in base64, per `--cli-binary-format`); `file://PATH` reads the JSON from a file. \
                     Repeatable; the events are sent in order and the stream ends after the last one. Without it, each non-blank \
                     line of standard input is one event's JSON, sent as soon as it is read, and the stream ends at end of input.",
                    union
                        .members
                        .iter()
                        .map(|m| if m.docs.is_empty() { format!("`{}`", m.name) } else { format!("`{}` ({})", m.name, first_sentence(m.docs).trim_end_matches('.')) })
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            )
        }
    };
    cmd = cmd.arg(
        Arg::new(EVENTS_ID)
            .long(events.option)
            .value_name("event")
            .action(ArgAction::Append)
            .help(short)
            .long_help(long),
    );
    if let EventForm::Payload { event, headers, .. } = &events.form {
        for h in *headers {
            cmd = member_arg(cmd, h, header_id(h.name), &format!(" A header of every `{event}` event sent."));
        }
    }
    cmd
}

/// One event as given: a payload's bytes, or an event's canonical JSON (`{"Event": {...}}`).
#[derive(Debug, Clone, PartialEq)]
pub enum EventItem {
    /// The bytes of the event's payload ([`EventForm::Payload`]).
    Bytes(Vec<u8>),
    /// The event as canonical JSON ([`EventForm::Json`]), checked against the union's spec.
    Json(Value),
}

impl EventItem {
    /// The payload's bytes (a JSON event's text).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            EventItem::Bytes(bytes) => bytes,
            EventItem::Json(v) => v.to_string().into_bytes(),
        }
    }

    /// The event's JSON (`null` for payload bytes).
    pub fn json(&self) -> &Value {
        match self {
            EventItem::Json(v) => v,
            EventItem::Bytes(_) => &Value::Null,
        }
    }
}

/// Where the events of one call come from: the events option's values (read and checked before
/// the call), else standard input; and the header values applied to every event.
pub struct EventSource {
    spec: &'static InputEvents,
    format: BinaryFormat,
    /// The values of the events option, when it was given.
    values: Option<Vec<EventItem>>,
    headers: Map<String, Value>,
    failed: tokio::sync::oneshot::Sender<CliError>,
}

/// Resolves when reading or converting an event failed (the call is then abandoned); never
/// otherwise.
pub struct InputFailure {
    failed: Option<tokio::sync::oneshot::Receiver<CliError>>,
}

impl InputFailure {
    /// A failure that never comes: for operations without an input stream.
    pub fn never() -> Self {
        InputFailure { failed: None }
    }

    /// The failure, once one happens.
    pub async fn wait(self) -> CliError {
        if let Some(failed) = self.failed {
            if let Ok(e) = failed.await {
                return e;
            }
        }
        // The input ended (or was never read) without failing.
        std::future::pending().await
    }
}

/// Reads the events option and the header options of an operation with an input stream; the
/// events themselves are read once the call starts ([`EventSource::stream`]).
pub fn open(spec: &'static InputEvents, m: &ArgMatches, format: BinaryFormat) -> Result<(EventSource, InputFailure), CliError> {
    let option = format!("--{}", spec.option);
    let values = match m.get_many::<String>(EVENTS_ID) {
        Some(texts) => Some(texts.map(|t| item(spec, t, format, &option, true)).collect::<Result<Vec<_>, _>>()?),
        None => None,
    };
    let mut headers = Map::new();
    if let EventForm::Payload { headers: specs, .. } = &spec.form {
        for h in *specs {
            let id = header_id(h.name);
            if matches!(h.kind, Kind::Boolean) {
                if crate::flag(m, &id) {
                    headers.insert(h.name.into(), Value::Bool(true));
                } else if crate::flag(m, &format!("no-{}", option_name(h))) {
                    headers.insert(h.name.into(), Value::Bool(false));
                }
            } else if let Some(texts) = m.get_many::<String>(&id) {
                let texts: Vec<&String> = texts.collect();
                headers.insert(h.name.into(), option_value(h, &texts, format)?);
            }
        }
        let missing: Vec<String> = specs.iter().filter(|h| h.required && !headers.contains_key(h.name)).map(|h| format!("--{}", option_name(h))).collect();
        if !missing.is_empty() {
            return Err(CliError::usage(format!("error: the following arguments are required: {}", missing.join(", "))));
        }
    }
    let (failed, failure) = tokio::sync::oneshot::channel();
    Ok((EventSource { spec, format, values, headers, failed }, InputFailure { failed: Some(failure) }))
}

/// One event from a value of the events option (`value: true`: the blob forms apply) or from a
/// line of standard input (its bytes as they are).
fn item(spec: &InputEvents, text: &str, format: BinaryFormat, at: &str, value: bool) -> Result<EventItem, CliError> {
    match &spec.form {
        EventForm::Payload { .. } if value => {
            let b64 = blob_arg(text, format, at)?;
            let bytes = base64::decode(b64.as_str().unwrap_or_default()).map_err(|e| CliError::param(format!("Error parsing parameter '{at}': {e}")))?;
            Ok(EventItem::Bytes(bytes))
        }
        EventForm::Payload { .. } => Ok(EventItem::Bytes(text.as_bytes().to_vec())),
        EventForm::Json { events } => {
            let text = if value { param_text(text)? } else { text.to_string() };
            let v: Value = serde_json::from_str(&text).map_err(|e| CliError::param(format!("Error parsing parameter '{at}': Invalid JSON: {e}\nJSON received: {text}")))?;
            Ok(EventItem::Json(canonical(&Kind::Union(events), v, format, at)?))
        }
    }
}

impl EventSource {
    /// The event header options given, as canonical JSON by member name (empty unless the
    /// events are payloads with header members).
    pub fn headers(&self) -> &Map<String, Value> {
        &self.headers
    }

    /// The events, each converted by `convert` (the generated glue's, into the client's event
    /// type), as a stream the client's `EventStreamSender` is made from. The values of the
    /// events option are sent in order; without them, standard input is read line by line on a
    /// thread of its own, each event sent as soon as its line is in, and the stream ends at
    /// end of input. A line or value that cannot be read or converted ends the command with its
    /// error ([`InputFailure`]).
    pub fn stream<T, E, F>(self, convert: F) -> EventStream<T, E>
    where
        T: Send + 'static,
        F: Fn(EventItem) -> Result<T, CliError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::mpsc::channel(READ_AHEAD);
        let EventSource { spec, format, values, failed, .. } = self;
        let option = format!("--{}", spec.option);
        let mut failed = Some(failed);
        let mut send = move |next: Result<EventItem, CliError>, at: &str| -> bool {
            match next.and_then(|item| convert(item).map_err(|e| e.at(at))) {
                Ok(event) => tx.blocking_send(event).is_ok(),
                Err(e) => {
                    if let Some(failed) = failed.take() {
                        let _ = failed.send(e);
                    }
                    false
                }
            }
        };
        let reader = move || match values {
            Some(values) => {
                for (i, v) in values.into_iter().enumerate() {
                    if !send(Ok(v), &format!("{option} value {}", i + 1)) {
                        return;
                    }
                }
            }
            None => {
                let mut stdin = std::io::stdin().lock();
                let mut line = Vec::new();
                for number in 1.. {
                    line.clear();
                    match stdin.read_until(b'\n', &mut line) {
                        Ok(0) => return,
                        Ok(_) => {}
                        Err(e) => {
                            send(Err(CliError::client(format!("reading standard input: {e}"))), "");
                            return;
                        }
                    }
                    if line.last() == Some(&b'\n') {
                        line.pop();
                        if line.last() == Some(&b'\r') {
                            line.pop();
                        }
                    }
                    let at = format!("line {number} of standard input");
                    let next = match &spec.form {
                        EventForm::Json { .. } => {
                            let Ok(text) = std::str::from_utf8(&line) else {
                                send(Err(CliError::param(format!("Error parsing parameter '{option}': {at} is not UTF-8 text"))), "");
                                return;
                            };
                            if text.trim().is_empty() {
                                continue;
                            }
                            item(spec, text, format, &option, false)
                        }
                        EventForm::Payload { .. } => Ok(EventItem::Bytes(std::mem::take(&mut line))),
                    };
                    if !send(next.map_err(|e| e.at(&at)), &at) {
                        return;
                    }
                }
            }
        };
        // A plain thread: a blocking read must not stall the runtime the call runs on, and an
        // abandoned read does not keep the process from exiting.
        std::thread::Builder::new().name("cli-input-events".into()).spawn(reader).expect("a thread starts");
        EventStream { events: rx, error: PhantomData }
    }
}

/// The events of one call as they are read: what the client's `EventStreamSender` is made
/// from (`EventStreamSender::from(stream)`). It ends when the input does.
pub struct EventStream<T, E> {
    events: tokio::sync::mpsc::Receiver<T>,
    error: PhantomData<fn() -> E>,
}

impl<T, E> futures_core::Stream for EventStream<T, E> {
    type Item = Result<T, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx).map(|event| event.map(Ok))
    }
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Location, MemberSpec, StructSpec};
    use futures_core::Stream;

    static HEADERS: [MemberSpec; 2] = [
        MemberSpec { name: "DataType", option: "data-type", kind: Kind::String, required: false, docs: "How to read it.", sensitive: false, location: Location::EventHeader },
        MemberSpec { name: "Last", option: "last", kind: Kind::Boolean, required: false, docs: "", sensitive: false, location: Location::EventHeader },
    ];
    static PAYLOADS: InputEvents = InputEvents {
        member: "Body",
        docs: "The input stream.",
        option: "event",
        form: EventForm::Payload { event: "Part", payload: "Bytes", docs: "The bytes.", headers: &HEADERS },
    };
    static ORDER: StructSpec = StructSpec {
        members: &[MemberSpec { name: "Quantity", option: "quantity", kind: Kind::Integer { min: 0, max: 10 }, required: false, docs: "", sensitive: false, location: Location::Body }],
        sensitive: false,
    };
    static UNION: StructSpec = StructSpec {
        members: &[MemberSpec { name: "Order", option: "order", kind: Kind::Structure(&ORDER), required: false, docs: "An order.", sensitive: false, location: Location::Body }],
        sensitive: false,
    };
    static JSON: InputEvents = InputEvents { member: "Orders", docs: "", option: "body-event", form: EventForm::Json { events: &UNION } };

    fn matches(spec: &'static InputEvents, given: &[&str]) -> ArgMatches {
        args(Command::new("op"), spec).try_get_matches_from(std::iter::once("op").chain(given.iter().copied())).unwrap()
    }

    /// Every event of the stream, or the failure that ended it.
    fn collect<T: Send + 'static>(source: EventSource, failure: InputFailure, convert: impl Fn(EventItem) -> Result<T, CliError> + Send + 'static) -> Result<Vec<T>, CliError> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let mut stream: EventStream<T, ()> = source.stream(convert);
            let read = async {
                let mut events = Vec::new();
                while let Some(event) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
                    events.push(event.unwrap());
                }
                events
            };
            tokio::select! {
                biased;
                e = failure.wait() => Err(e),
                events = read => Ok(events),
            }
        })
    }

    #[test]
    fn event_values_take_the_blob_forms_and_headers_apply_to_every_event() {
        let dir = std::env::temp_dir().join(format!("cli-events-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("raw.bin");
        std::fs::write(&file, [0u8, 255, b'\n']).unwrap();
        let fileb = format!("fileb://{}", file.display());
        let m = matches(&PAYLOADS, &["--event", &fileb, "--event", "aGk=", "--data-type", "BINARY", "--no-last"]);
        let (source, failure) = open(&PAYLOADS, &m, BinaryFormat::Base64).unwrap();
        assert_eq!(source.headers(), &serde_json::json!({"DataType": "BINARY", "Last": false}).as_object().unwrap().clone());
        let events = collect(source, failure, |item| Ok(item.into_bytes())).unwrap();
        assert_eq!(events, [vec![0u8, 255, b'\n'], b"hi".to_vec()]);
        // Not base64: 252 before anything is sent; raw-in-base64-out takes the text as it is.
        let m = matches(&PAYLOADS, &["--event", "hello world"]);
        let e = open(&PAYLOADS, &m, BinaryFormat::Base64).err().unwrap();
        assert!(e.status == crate::ExitStatus::Syntax && e.message.contains("Invalid base64"), "{e}");
        let (source, failure) = open(&PAYLOADS, &m, BinaryFormat::RawInBase64Out).unwrap();
        assert_eq!(collect(source, failure, |item| Ok(item.into_bytes())).unwrap(), [b"hello world".to_vec()]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn json_events_are_checked_against_the_union_and_a_failure_ends_the_stream() {
        let m = matches(&JSON, &["--body-event", r#"{"Order": {"Quantity": 3}}"#, "--body-event", r#"{"Order": {"Quantity": 4}}"#]);
        let (source, failure) = open(&JSON, &m, BinaryFormat::Base64).unwrap();
        assert!(source.headers().is_empty());
        let events = collect(source, failure, |item| Ok(item.json()["Order"]["Quantity"].as_i64().unwrap())).unwrap();
        assert_eq!(events, [3, 4]);
        // Checked when read: an unknown event, a value out of range, not JSON (exit 252).
        for (value, expected) in [
            (r#"{"Cancel": {}}"#, "Unknown parameter in --body-event: \"Cancel\""),
            (r#"{"Order": {"Quantity": 11}}"#, "Invalid value for parameter --body-event.Order.Quantity"),
            ("nope", "Invalid JSON"),
        ] {
            let e = open(&JSON, &matches(&JSON, &["--body-event", value]), BinaryFormat::Base64).err().unwrap();
            assert!(e.status == crate::ExitStatus::Syntax && e.message.contains(expected), "{value}: {e}");
        }
        // A conversion that fails ends the call with its error and where it came from.
        let m = matches(&JSON, &["--body-event", r#"{"Order": {}}"#, "--body-event", r#"{"Order": {"Quantity": 1}}"#]);
        let (source, failure) = open(&JSON, &m, BinaryFormat::Base64).unwrap();
        let e = collect(source, failure, |item| item.json()["Order"].get("Quantity").map(|_| ()).ok_or_else(|| CliError::param("no quantity"))).err().unwrap();
        assert_eq!(e.message, "no quantity (--body-event value 1)");
    }

    #[test]
    fn help_documents_the_events_option_and_the_headers() {
        let mut cmd = args(Command::new("op"), &PAYLOADS);
        let help = cmd.render_long_help().to_string();
        for expected in ["--event <event>", "The input stream.", "Bytes: The bytes.", "each line of standard input", "--data-type <string>", "How to read it.", "--no-last", "A header of every `Part` event sent."] {
            assert!(help.contains(expected), "{expected:?} in:\n{help}");
        }
        let help = args(Command::new("op"), &JSON).render_long_help().to_string();
        assert!(help.contains("--body-event <event>") && help.contains("`Order` (An order)"), "{help}");
    }
}
