//! What a generated CLI knows about its service, as static data the generator writes from the
//! model: operations, their input members with types and documentation.

/// A service's command-line client.
#[derive(Debug)]
pub struct ServiceSpec {
    /// The binary name, e.g. `sagemaker-runtime`.
    pub binary: &'static str,
    /// One line about the service, for `--help`.
    pub about: &'static str,
    /// The crate version, for `--version`.
    pub version: &'static str,
    /// The operations, one subcommand each.
    pub operations: &'static [OperationSpec],
}

/// One operation: a subcommand.
#[derive(Debug)]
pub struct OperationSpec {
    /// The operation name in the model, e.g. `InvokeEndpoint`.
    pub name: &'static str,
    /// The subcommand, e.g. `invoke-endpoint`.
    pub command: &'static str,
    /// The model's documentation.
    pub docs: &'static str,
    /// Input members (each an option).
    pub input: &'static [MemberSpec],
    /// Output members, for `--generate-cli-skeleton output`.
    pub output: &'static [MemberSpec],
    /// The output member that is a payload blob (written to the `outfile` argument).
    pub payload_out: Option<&'static str>,
    /// The payload is an event stream whose parts are written as they arrive.
    pub streaming: bool,
    /// The streamed output has blob data: the command takes `--decode lines|sse|json`.
    pub decode: bool,
    /// The input event stream, when the operation has one: its events come from standard input,
    /// one per line, or from the events option.
    pub input_events: Option<InputEvents>,
    /// The result is an S3 object written later (the model's customization data): the command
    /// takes `--wait-for-result PATH` and `--wait-timeout SECONDS`.
    pub wait: Option<WaitSpec>,
}

/// Where an operation's result appears, and how long it is worth waiting for.
#[derive(Debug)]
pub struct WaitSpec {
    /// The output member holding the S3 URI of the result, e.g. `OutputLocation`.
    pub output_member: &'static str,
    /// The output member holding the S3 URI of the failure report, if any.
    pub failure_member: Option<&'static str>,
    /// Input members (integers, seconds) whose sum bounds the wait, each with its default.
    pub deadline: &'static [(&'static str, i64)],
}

/// An operation's input event stream, as the command line gives it: each line of standard input
/// (without its line terminator) or each value of the events option is one event, and the
/// request stream ends with the input (end of file, or after the last value).
#[derive(Debug)]
pub struct InputEvents {
    /// The input member that is the stream, e.g. `Body` (neither an option nor a key of
    /// `--cli-input-json`).
    pub member: &'static str,
    /// The stream member's documentation.
    pub docs: &'static str,
    /// The option giving events instead of standard input, e.g. `event` for `--event`.
    pub option: &'static str,
    /// What a line or value is.
    pub form: EventForm,
}

/// What one line of standard input, or one value of the events option, is.
#[derive(Debug)]
pub enum EventForm {
    /// The bytes of one event's blob payload; the event's header members are options, each
    /// applied to every event. A value takes the blob forms (`fileb://`, `file://`, inline per
    /// `--cli-binary-format`); a line is its bytes as they are.
    Payload {
        /// The event sent, e.g. `PayloadPart`.
        event: &'static str,
        /// Its payload member, e.g. `Bytes`.
        payload: &'static str,
        /// The payload member's documentation.
        docs: &'static str,
        /// The event's header members (their options are the event's, not the input's).
        headers: &'static [MemberSpec],
    },
    /// One event as JSON naming it, `{"Event": {...members}}` (blobs inside as base64, or per
    /// `--cli-binary-format`), checked against the stream's union; blank lines are skipped.
    Json {
        /// The stream's union: its events.
        events: &'static StructSpec,
    },
}

/// A structure member.
#[derive(Debug)]
pub struct MemberSpec {
    /// The member name in the model (the key in input and output JSON).
    pub name: &'static str,
    /// The option, e.g. `endpoint-name` for `--endpoint-name`.
    pub option: &'static str,
    /// The member's type.
    pub kind: Kind,
    /// `@required`.
    pub required: bool,
    /// The model's documentation.
    pub docs: &'static str,
    /// `@sensitive` (on the member or its target): its value never appears in `--debug` traces.
    pub sensitive: bool,
    /// Where the member travels in the HTTP message.
    pub location: Location,
}

/// Where a member travels in the HTTP message (its HTTP binding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A label of the URI path.
    Label,
    /// A query parameter of this name.
    Query(&'static str),
    /// A map spread into the query string.
    QueryParams,
    /// A header of this name.
    Header(&'static str),
    /// Headers starting with this prefix.
    PrefixHeaders(&'static str),
    /// The whole body.
    Payload,
    /// A member of the body document (or of a nested structure).
    Body,
    /// A header of each message of an input event stream.
    EventHeader,
}

/// A structure, for nested members.
#[derive(Debug)]
pub struct StructSpec {
    /// Members in model order.
    pub members: &'static [MemberSpec],
    /// `@sensitive` on the structure: none of its values appear in `--debug` traces.
    pub sensitive: bool,
}

/// A member's type, as the command line and JSON see it.
#[derive(Debug)]
pub enum Kind {
    /// Text.
    String,
    /// One of these values (not checked client-side, as the AWS CLI does not).
    Enum(&'static [&'static str]),
    /// `true` / `false`.
    Boolean,
    /// An integer within these bounds.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A floating-point number.
    Float,
    /// An arbitrary-precision number (`BigInteger`, `BigDecimal`), kept as its exact text.
    BigNumber,
    /// Bytes: `fileb://`, `file://` or inline per `--cli-binary-format`; base64 in JSON.
    Blob,
    /// A point in time: ISO 8601 or seconds since the epoch.
    Timestamp,
    /// Any JSON value.
    Document,
    /// No value: a union member without data, given as `{}`.
    Unit,
    /// A list of values.
    List(&'static Kind),
    /// A map with string keys.
    Map(&'static Kind),
    /// A structure.
    Structure(&'static StructSpec),
    /// A union: exactly one member set.
    Union(&'static StructSpec),
}

impl Kind {
    /// Whether the command line takes the value as JSON text (lists, maps, structures, ...).
    pub fn is_json(&self) -> bool {
        matches!(self, Kind::Document | Kind::Unit | Kind::List(_) | Kind::Map(_) | Kind::Structure(_) | Kind::Union(_))
    }

    /// Whether a value of the kind holds data marked `@sensitive` anywhere inside.
    pub fn holds_sensitive(&self) -> bool {
        fn walk(kind: &Kind, depth: usize) -> bool {
            // Recursive shapes: a sensitive member shows within a few levels or not at all.
            if depth > 16 {
                return false;
            }
            match kind {
                Kind::List(item) | Kind::Map(item) => walk(item, depth + 1),
                Kind::Structure(s) | Kind::Union(s) => s.sensitive || s.members.iter().any(|m| m.sensitive || walk(&m.kind, depth + 1)),
                _ => false,
            }
        }
        walk(self, 0)
    }

    /// A short type name for `--help`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Enum(_) => "string",
            Kind::Boolean => "boolean",
            Kind::Integer { .. } => "integer",
            Kind::Float => "double",
            Kind::BigNumber => "number",
            Kind::Blob => "blob",
            Kind::Timestamp => "timestamp",
            Kind::Document => "document",
            Kind::Unit => "structure",
            Kind::List(_) => "list",
            Kind::Map(_) => "map",
            Kind::Structure(_) => "structure",
            Kind::Union(_) => "tagged union structure",
        }
    }
}
