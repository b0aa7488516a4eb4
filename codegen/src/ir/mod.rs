//! The intermediate representation emitters read.
//!
//! Lowering (`lower.rs`) resolves everything an emitter could need from the
//! model — Rust names, HTTP bindings, constraints, docs as Markdown — so that
//! emitters never look at raw traits and never need the model.

mod bindings;
/// Paginators and waiters (`smithy.api#paginated`, `smithy.waiters#waitable`).
pub mod paging;

pub use bindings::*;
use crate::model::ShapeId;
use serde_json::Value;
use std::collections::BTreeMap;

/// A whole service, ready to emit.
#[derive(Debug, Clone)]
pub struct Service {
    /// Absolute shape id of the service.
    pub id: ShapeId,
    /// The service shape's name, e.g. `WeatherService`.
    pub name: String,
    /// `aws.api#service` sdkId, or the service name when absent.
    pub sdk_id: String,
    /// Crate name of the generated client, e.g. `weather-service`.
    pub crate_name: String,
    /// The server trait a service implementation provides (the service name as a type).
    pub server_trait: String,
    /// The service version, e.g. `2017-05-13`.
    pub version: String,
    /// Human title (`smithy.api#title`) or the sdk id.
    pub title: String,
    /// Service documentation as Markdown.
    pub docs: Option<String>,
    /// The wire protocol the service speaks.
    pub protocol: Protocol,
    /// The HTTP versions the protocol trait says the service supports (`http` and
    /// `eventStreamHttp`), in the model's order of preference.
    pub http_versions: HttpVersions,
    /// SigV4 signing name from `aws.auth#sigv4`, when requests are signed.
    pub signing_name: Option<String>,
    /// `smithy.rules#endpointRuleSet` as compact JSON text.
    pub endpoint_rule_set: Option<String>,
    /// `smithy.rules#endpointBdd` (the same rules as a decision diagram) as compact JSON text;
    /// clients resolve through it when present.
    pub endpoint_bdd: Option<String>,
    /// The rule set, parsed and checked: what the generated resolver is lowered from.
    pub endpoint_rules: Option<std::sync::Arc<smithygen_runtime::endpoint::parse::RuleSetDef>>,
    /// The rule-set parameters bound to the builtins the client configuration sets, in the
    /// order `AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack`, `SDK::Endpoint`; empty names
    /// when the model has no rule set.
    pub endpoint_builtins: [Option<String>; 4],
    /// `smithy.rules#endpointTests` test cases.
    pub endpoint_tests: Vec<Value>,
    /// The endpoint test cases `codegen/endpoint-stale-cases.json` matches.
    pub stale_endpoint_cases: Vec<crate::endpoint_stale::StaleCase>,
    /// `smithy.rules#clientContextParams`, name to type (`string`/`boolean`).
    pub client_context_params: BTreeMap<String, String>,
    /// The parameters of the endpoint rules, in the rules' order: the fields of the typed
    /// `config::endpoint::Params`. A service without rules has the one parameter its endpoint
    /// URL is (`Endpoint`, bound to `SDK::Endpoint`).
    pub endpoint_params: Vec<EndpointParam>,
    /// Operations in a deterministic order (by name).
    pub operations: Vec<Operation>,
    /// Operations the generator could not emit, with the reason.
    pub skipped_operations: Vec<(String, String)>,
    /// Every structure to emit, keyed by shape id (synthesized inputs/outputs too).
    pub structures: BTreeMap<ShapeId, Structure>,
    /// Every enum and intEnum to emit.
    pub enums: BTreeMap<ShapeId, EnumShape>,
    /// Every union to emit (event stream unions included, flagged).
    pub unions: BTreeMap<ShapeId, Union>,
    /// Every distinct `@pattern` of the service (model text as the key), analysed for the
    /// server stub once: translated to a Rust engine, or why it has no translation.
    pub patterns: BTreeMap<String, PatternCheck>,
    /// Operations whose answer is an S3 object written later, by operation name: from the
    /// model's customization data (`crate::customizations`), never from the model itself.
    pub async_results: BTreeMap<String, AsyncResult>,
    /// Paginators, by operation name (`smithy.api#paginated`).
    pub paginators: BTreeMap<String, paging::Paginator>,
    /// Waiters (`smithy.waiters#waitable`), by name.
    pub waiters: Vec<paging::Waiter>,
}

/// An operation whose result is an S3 object to wait for (`crate::customizations`).
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncResult {
    /// The output member holding the result's S3 URI.
    pub output_member: String,
    /// The output's getter of `output_member` (its field name).
    pub output_getter: String,
    /// The output member holding the failure report's S3 URI, if any.
    pub failure_member: Option<String>,
    /// The output's getter of `failure_member`.
    pub failure_getter: Option<String>,
    /// The input members bounding the wait, as the model names them.
    pub deadline_members: Vec<String>,
    /// Their input-builder getters (`get_<field>`), each with its default in seconds.
    pub deadline: Vec<(String, i64)>,
}

/// A parameter of the service's endpoint rules, as the typed `config::endpoint::Params` holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointParam {
    /// The rules' name, e.g. `UseFIPS`.
    pub name: String,
    /// The field, getter and builder setter, e.g. `use_fips`.
    pub field: String,
    /// The builder's `set_` setter, e.g. `set_use_fips`.
    pub setter: String,
    /// The value type.
    pub ty: EndpointParamType,
    /// The default applied when the parameter is left unset (a JSON bool, string or array of
    /// strings), as the rules declare it.
    pub default: Option<Value>,
    /// Whether `Params` always holds a value (the field is not an `Option`): the parameter has a
    /// default or is required; `build()` fails when it has neither value nor default.
    pub always_set: bool,
    /// `build()` checks the value is a valid host label (dots allowed), as the official SDK
    /// crates do for the parameter bound to `AWS::Region`.
    pub host_label: bool,
    /// Documentation as Markdown.
    pub docs: Option<String>,
}

/// The type of an endpoint rules parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointParamType {
    /// `string`: `String`.
    String,
    /// `boolean`: `bool`.
    Boolean,
    /// `stringArray`: `Vec<String>`.
    StringArray,
}

/// The wire protocol of a service (`crate::protocol` holds each one's rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#restJson1`.
    RestJson1,
    /// `aws.protocols#awsJson1_0`; `query_compatible` when the service also has
    /// `aws.protocols#awsQueryCompatible`.
    AwsJson1_0 {
        /// The service was migrated from awsQuery: errors carry their awsQuery code.
        query_compatible: bool,
    },
    /// `aws.protocols#awsJson1_1`.
    AwsJson1_1,
    /// `smithy.protocols#rpcv2Cbor`; `query_compatible` when the service also has
    /// `aws.protocols#awsQueryCompatible`.
    RpcV2Cbor {
        /// The service was migrated from awsQuery: errors carry their awsQuery code.
        query_compatible: bool,
    },
}

impl Protocol {
    /// The protocol trait's shape id, as protocol tests name it.
    pub fn trait_id(self) -> &'static str {
        match self {
            Protocol::RestJson1 => "aws.protocols#restJson1",
            Protocol::AwsJson1_0 { .. } => "aws.protocols#awsJson1_0",
            Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
            Protocol::RpcV2Cbor { .. } => "smithy.protocols#rpcv2Cbor",
        }
    }

    /// The name users write (`restJson1`, `awsJson1_0`): the trait's name.
    pub fn label(self) -> &'static str {
        let id = self.trait_id();
        id.rsplit_once('#').map_or(id, |(_, name)| name)
    }
}

/// An HTTP version a protocol trait's `http` / `eventStreamHttp` list may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpVersion {
    /// `http/1.1`.
    Http11,
    /// `h2`: HTTP/2.
    H2,
}

impl HttpVersion {
    /// The versions a model may name, with their ALPN token as the model writes it.
    pub const KNOWN: [(&'static str, HttpVersion); 2] = [("http/1.1", HttpVersion::Http11), ("h2", HttpVersion::H2)];

    /// The ALPN token (`http/1.1`, `h2`).
    pub fn token(self) -> &'static str {
        match self {
            HttpVersion::Http11 => "http/1.1",
            HttpVersion::H2 => "h2",
        }
    }
}

/// The protocol trait's HTTP version lists (Smithy: `http` defaults to `["http/1.1"]`,
/// `eventStreamHttp` to `http`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpVersions {
    /// `http`: for operations without an event stream.
    pub http: Vec<HttpVersion>,
    /// `eventStreamHttp`: for operations with an event stream in their input or output.
    pub event_stream_http: Vec<HttpVersion>,
}

impl Default for HttpVersions {
    fn default() -> Self {
        HttpVersions { http: vec![HttpVersion::Http11], event_stream_http: vec![HttpVersion::Http11] }
    }
}

/// Where a generated type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeHome {
    /// `crate::types`.
    Types,
    /// `crate::types::error`.
    Errors,
    /// `crate::operation::<module>`: a synthesized operation input or output.
    Operation(String),
}

/// A member's Rust type, resolved through the target shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// Bytes; `streaming` is an `@streaming` blob (a `ByteStream`).
    Blob { streaming: bool },
    /// `bool`.
    Boolean,
    /// `String`.
    String,
    /// A generated string enum.
    Enum(ShapeId),
    /// A generated integer enum.
    IntEnum(ShapeId),
    /// `i8`.
    Byte,
    /// `i16`.
    Short,
    /// `i32`.
    Integer,
    /// `i64`.
    Long,
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// Arbitrary-precision integer, kept as text.
    BigInteger,
    /// Arbitrary-precision decimal, kept as text.
    BigDecimal,
    /// A point in time.
    Timestamp,
    /// An untyped JSON-like document.
    Document,
    /// A list (or set).
    List(Box<Collection>),
    /// A map with string keys.
    Map(Box<Collection>),
    /// A generated structure.
    Structure(ShapeId),
    /// A generated union.
    Union(ShapeId),
    /// `smithy.api#Unit`: no value (a union variant without data).
    Unit,
    /// An `@streaming` union: an event stream, read with an `EventReceiver` when it is an
    /// output member and written with an `EventStreamSender` when it is an input member.
    EventStream {
        /// The union's shape id.
        union: ShapeId,
        /// Which side of the operation the stream is on.
        direction: Direction,
    },
}

/// The side of an operation a stream travels on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// In the request (client to service).
    Input,
    /// In the response (service to client).
    Output,
}

/// The element of a list or the value of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// The element type.
    pub item: Type,
    /// `@sparse`: elements may be null.
    pub sparse: bool,
    /// The element's timestamp format, when it says one.
    pub item_timestamp_format: Option<TimestampFormat>,
    /// The element's `@mediaType`, when it has one.
    pub item_media_type: Option<String>,
    /// The element's constraints.
    pub item_constraints: Constraints,
    /// Constraints on map keys.
    pub key_constraints: Constraints,
}

/// `@timestampFormat` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// RFC 3339 `date-time`.
    DateTime,
    /// RFC 7231 `http-date`.
    HttpDate,
    /// Seconds since the epoch, with fraction.
    EpochSeconds,
}

/// How a member travels over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// `@httpLabel`: a `{label}` in the URI.
    Label,
    /// `@httpQuery("name")`.
    Query(String),
    /// `@httpQueryParams`: a map spread into the query string.
    QueryParams,
    /// `@httpHeader("name")`.
    Header(String),
    /// `@httpPrefixHeaders("prefix")`.
    PrefixHeaders(String),
    /// `@httpPayload`: the member is the whole body.
    Payload,
    /// `@httpResponseCode`.
    ResponseCode,
    /// A property of the JSON document body.
    Body,
}

/// Constraint traits, merged from member and target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `@length(min, max)`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// `@range(min, max)`, as decimal text to keep precision.
    pub range: Option<(Option<String>, Option<String>)>,
    /// `@pattern`, as written in the model (Java syntax in practice); its analysis is
    /// [`Service::patterns`]`[text]`.
    pub pattern: Option<String>,
    /// `@uniqueItems`.
    pub unique_items: bool,
    /// Allowed values of a string with the IDL 1.0 `@enum` trait, or of an enum target.
    pub enum_values: Option<Vec<String>>,
}

/// How the server stub checks one `@pattern`, decided at generation time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternCheck {
    /// Translated with the Java meaning: compiled once into the static `name`.
    Checked {
        /// The static holding the compiled pattern (`PATTERN_<n>`, numbered in a fixed order).
        name: String,
        /// The number in `name`: statics are emitted in this order.
        number: usize,
        /// The engine that compiles `text`.
        engine: crate::pattern::Engine,
        /// The pattern in the engine's syntax.
        text: String,
    },
    /// Matches every string (`.*`: a pattern finds a match anywhere, and this one matches the
    /// empty string without any anchor), so no value can fail it: nothing is compiled or run.
    AlwaysMatches,
    /// No translation exists (a Java construct without an equivalent): the server leaves it
    /// unchecked; the service itself still checks it.
    Unchecked {
        /// Where the pattern was first found, and why it has no translation.
        reason: String,
    },
}

/// `@deprecated`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecated {
    /// Why, and what to use instead.
    pub message: Option<String>,
    /// Since when.
    pub since: Option<String>,
}

/// A structure or union member.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The member name in the model (and the JSON key absent `@jsonName`).
    pub name: String,
    /// The Rust field / accessor name.
    pub field: String,
    /// The field name without the raw-identifier prefix (`type` for `r#type`), for messages
    /// and for names derived from the field.
    pub bare: String,
    /// The builder's setter of an `Option` (`set_<field>`).
    pub setter: String,
    /// The builder's getter (`get_<field>`).
    pub getter: String,
    /// The enum variant name, for union members.
    pub variant: String,
    /// The union's accessor of this variant (`as_<member>`).
    pub variant_as: String,
    /// The union's check of this variant (`is_<member>`).
    pub variant_is: String,
    /// The variant's name in `Debug` output (without the raw-identifier prefix).
    pub variant_label: String,
    /// The target shape id.
    pub target: ShapeId,
    /// The Rust type.
    pub ty: Type,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// HTTP binding (`Body` for every member under a protocol without HTTP bindings).
    pub binding: Binding,
    /// The key in a JSON body: `@jsonName` where the protocol honours it (restJson1), else the
    /// member name.
    pub json_name: String,
    /// An explicit timestamp format (member first, then target).
    pub timestamp_format: Option<TimestampFormat>,
    /// `@mediaType` of the target.
    pub media_type: Option<String>,
    /// `@required`.
    pub required: bool,
    /// `@default` value, when not null.
    pub default: Option<Value>,
    /// `@clientOptional`.
    pub client_optional: bool,
    /// `@idempotencyToken`.
    pub idempotency_token: bool,
    /// `@sensitive` on the member or its target.
    pub sensitive: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// The member closes a cycle of structures/unions and is boxed.
    pub boxed: bool,
    /// Constraints from member and target.
    pub constraints: Constraints,
    /// `@hostLabel`.
    pub host_label: bool,
}

impl Member {
    /// Whether a builder left without a value for this member cannot build: an event stream,
    /// which has no value to default to (as in the official SDK crates, where such a builder's
    /// `build()` fails with a `BuildError`).
    pub fn required_in_builder(&self) -> bool {
        matches!(self.ty, Type::EventStream { .. })
    }

    /// Whether the Rust field is an `Option`: everything except members with a
    /// non-null default that clients may rely on.
    pub fn is_optional(&self) -> bool {
        // An event stream is always there (it may carry no events), as in the AWS SDKs.
        if matches!(self.ty, Type::EventStream { .. }) {
            return false;
        }
        self.default.is_none() || self.client_optional
    }
}

/// `@error` details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// `client` or `server`.
    pub fault: Fault,
    /// `@httpError` status, or 400/500 by fault.
    pub http_status: u16,
    /// `@retryable`: `Some(throttling)` when retryable.
    pub retryable: Option<bool>,
    /// The code a service with `awsQueryCompatible` also names the error by
    /// (`aws.protocols#awsQueryError`), for its clients to recognise it; `None` when it is the
    /// error's own name.
    pub query_code: Option<String>,
}

/// Who is at fault for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The caller.
    Client,
    /// The service.
    Server,
}

/// A structure to emit.
#[derive(Debug, Clone)]
pub struct Structure {
    /// The shape id (synthesized ids for operation inputs/outputs).
    pub id: ShapeId,
    /// The Rust type name.
    pub rust_name: String,
    /// The builder's type name (`<Name>Builder`).
    pub builder: String,
    /// The variant of an operation's error enum that holds this error (the type name, except
    /// `UnhandledValue` for a shape named `Unhandled`, whose name the catch-all variant takes).
    pub error_variant: String,
    /// The error enum's `is_<error>` method.
    pub error_check: String,
    /// The JSON reader function (`de_<stem>`) in `crate::protocol`.
    pub reader: String,
    /// The JSON writer function (`ser_<stem>`) in `crate::protocol`.
    pub writer: String,
    /// The server's constraint validator (`validate_<stem>`) in `crate::server::validate`.
    pub validator: String,
    /// The name the error code on the wire matches, for errors.
    pub wire_name: String,
    /// Where the type lives.
    pub home: TypeHome,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// Members in model order.
    pub members: Vec<Member>,
    /// `@error`, for error structures.
    pub error: Option<ErrorInfo>,
    /// `@sensitive` on the structure.
    pub sensitive: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// How the structure travels over HTTP, for operation inputs and outputs and modeled
    /// errors: the protocol's plan, made at the end of lowering.
    pub http: Option<MessageBindings>,
}

impl Structure {
    /// The members whose values a call may capture for telemetry (`emit_input_attributes`,
    /// `capture_input_attributes`), as the official SDK crates choose them: strings that are not
    /// `@sensitive` (nor in a `@sensitive` structure).
    pub fn telemetry_members(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(move |m| !self.sensitive && !m.sensitive && m.ty == Type::String)
    }
}

/// A union to emit.
#[derive(Debug, Clone)]
pub struct Union {
    /// The shape id.
    pub id: ShapeId,
    /// The Rust type name.
    pub rust_name: String,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// The JSON reader function (`de_<stem>`) in `crate::protocol`.
    pub reader: String,
    /// The JSON writer function (`ser_<stem>`) in `crate::protocol`.
    pub writer: String,
    /// The server's constraint validator (`validate_<stem>`) in `crate::server::validate`.
    pub validator: String,
    /// Members (variants) in model order.
    pub members: Vec<Member>,
    /// `@streaming`: an event stream.
    pub streaming: bool,
    /// `@sensitive`.
    pub sensitive: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// For an `@streaming` union: its events and error events. `members` then holds the
    /// event members only (the variants of the Rust enum); error events are in here.
    pub event_stream: Option<EventStream>,
}

/// The plan of an `@streaming` union (an event stream): each member is an event message
/// (`:message-type` `event`, `:event-type` = the member name) or, when it targets an `@error`
/// structure, an error event (`:message-type` `exception`).
#[derive(Debug, Clone)]
pub struct EventStream {
    /// The error enum of the stream (`<Union>Error`, in `crate::types::error`).
    pub error: String,
    /// The function reading one event message (`read_<union>_event`).
    pub read_event: String,
    /// The function reading one error event (`read_<union>_exception`).
    pub read_exception: String,
    /// The function writing one event (`write_<union>_event`).
    pub write_event: String,
    /// The function writing one error event (`write_<union>_error`).
    pub write_error: String,
    /// Event members, in model order (the same order as the union's `members`).
    pub events: Vec<Event>,
    /// Error events, in model order.
    pub errors: Vec<EventError>,
    /// The event whose data is a blob, when the stream has exactly one: its bytes are what the
    /// stream decoders (lines, Server-Sent Events, JSON values) read. See [`BlobDataEvent`].
    pub blob_data: Option<BlobDataEvent>,
}

/// The one event of a stream whose data is a blob, and the member holding it.
///
/// The rule (decided in lowering, for any model): an event's data is its `@eventPayload`
/// member when that is a blob (a `@eventPayload` blob beside event headers); without an
/// `@eventPayload`, the one blob among the members of its JSON body, if there is exactly one
/// (a JSON event body with one blob member). A stream has blob data when exactly one of its
/// events has data by this rule: with several, which bytes continue which would be a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobDataEvent {
    /// The event, by index in [`EventStream::events`].
    pub event: usize,
    /// The blob member of its structure, by name.
    pub member: String,
}

/// One event of an event stream.
#[derive(Debug, Clone)]
pub struct Event {
    /// The union member name: the `:event-type` on the wire.
    pub name: String,
    /// The Rust variant of the union.
    pub variant: String,
    /// The target structure.
    pub target: ShapeId,
    /// Members of the target bound to message headers (`@eventHeader`), by member name.
    pub headers: Vec<String>,
    /// What the message payload holds.
    pub payload: EventPayload,
}

/// The payload of an event message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPayload {
    /// The `@eventPayload` member (by name): a blob (`application/octet-stream`), a string
    /// (`text/plain`) or a structure or union as JSON (`application/json`).
    Member(String),
    /// The members bound neither to headers nor to the payload, as a JSON document (empty when
    /// there are none: no payload is sent).
    Document(Vec<String>),
}

/// One modeled error event of an event stream.
#[derive(Debug, Clone)]
pub struct EventError {
    /// The union member name: the `:exception-type` on the wire.
    pub name: String,
    /// The variant of the stream's error enum.
    pub variant: String,
    /// The error enum's `is_<variant>` method.
    pub check: String,
    /// The target `@error` structure.
    pub target: ShapeId,
}

/// A string enum or intEnum to emit.
#[derive(Debug, Clone)]
pub struct EnumShape {
    /// The shape id.
    pub id: ShapeId,
    /// The Rust type name.
    pub rust_name: String,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `true` for intEnum.
    pub int: bool,
    /// Variants in model order.
    pub variants: Vec<EnumVariant>,
    /// `@sensitive`.
    pub sensitive: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The wire value (string), or the integer as text for intEnum.
    pub value: String,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// `@internal` (or an IDL 1.0 `@enum` value tagged `internal`): accepted, but not listed
    /// in validation messages.
    pub internal: bool,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The shape id.
    pub id: ShapeId,
    /// The operation name, e.g. `InvokeEndpoint`.
    pub name: String,
    /// The module under `crate::operation`.
    pub module: String,
    /// The module's file stem (the module without the raw-identifier prefix).
    pub file: String,
    /// The client method name.
    pub method: String,
    /// The client method name without the raw-identifier prefix, for docs.
    pub method_text: String,
    /// The operation's type in its module (`<Op>`, its runtime plugin), as the official SDK
    /// crates name it.
    pub name_type: String,
    /// The operation's error enum (`<Op>Error`).
    pub error: String,
    /// The fluent builder `Client::<method>` returns (`<Op>FluentBuilder`).
    pub fluent_builder: String,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// The `@http` binding.
    pub http: Http,
    /// `@endpoint(hostPrefix)`, with `{label}` placeholders.
    pub host_prefix: Option<String>,
    /// Synthesized input structure id (`<Op>Input`).
    pub input: ShapeId,
    /// Synthesized output structure id (`<Op>Output`).
    pub output: ShapeId,
    /// Modeled errors (operation's, then service's), in a fixed order.
    pub errors: Vec<ShapeId>,
    /// `smithy.rules#staticContextParams`.
    pub static_context_params: BTreeMap<String, Value>,
    /// `smithy.rules#contextParam` bindings: parameter name to input member field.
    pub context_params: BTreeMap<String, String>,
    /// `@httpChecksumRequired`: every request carries `Content-MD5`.
    pub http_checksum_required: bool,
    /// How the operation authenticates (`@auth`, `@optionalAuth`).
    pub auth: OperationAuth,
    /// `@requestCompression`: the client may compress request bodies.
    pub request_compression: Option<RequestCompression>,
    /// Protocol tests attached to the operation, kept as JSON for the test emitter.
    pub request_tests: Vec<Value>,
    /// Response tests attached to the operation (and to its errors).
    pub response_tests: Vec<(Option<ShapeId>, Value)>,
    /// Malformed-request tests attached to the operation.
    pub malformed_tests: Vec<Value>,
    /// Event-stream tests (`smithy.test#eventStreamTests`) attached to the operation.
    pub event_stream_tests: Vec<Value>,
    /// The input member that is a stream (an event stream or a `@streaming` blob), by name.
    pub input_stream: Option<String>,
    /// The output member that is a stream: the client hands the response body over unread.
    pub output_stream: Option<String>,
    /// The HTTP versions the service supports for this operation, in preference order: the
    /// protocol's `eventStreamHttp` when its input or output has an event stream, else `http`.
    pub http_versions: Vec<HttpVersion>,
}

/// How an operation authenticates, decided from `@auth` (operation's, else service's) and
/// `@optionalAuth`; SigV4 is the one scheme clients sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationAuth {
    /// As the service: SigV4 when it has `aws.auth#sigv4`.
    Service,
    /// Unsigned: `@auth([])`, or an `@auth` list without `aws.auth#sigv4`.
    None,
    /// `@optionalAuth`: signed when credentials exist, else unsigned.
    Optional,
}

/// The `@requestCompression` trait of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCompression {
    /// `encodings`, in the model's order of preference (e.g. `gzip`); never empty.
    pub encodings: Vec<String>,
    /// The input has a `@streaming` blob member without `@requiresLength`: the client compresses
    /// it whatever its size.
    pub streaming: bool,
}

/// The `@http` trait, parsed.
#[derive(Debug, Clone)]
pub struct Http {
    /// HTTP method.
    pub method: String,
    /// The path, split into literal text and labels.
    pub path: Vec<PathSegment>,
    /// Literal query parts in the URI pattern (`?a=b&c`).
    pub query_literals: Vec<(String, Option<String>)>,
    /// Success status code.
    pub code: u16,
    /// The pattern as written, for docs and errors.
    pub uri: String,
}

/// A piece of a URI path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text, including the leading `/`.
    Literal(String),
    /// A label bound to an input member.
    Label {
        /// The member name.
        member: String,
        /// `{name+}`: may contain `/`.
        greedy: bool,
    },
}

impl Service {
    /// The structure with this id; lowering guarantees every referenced id exists.
    pub fn structure(&self, id: &str) -> &Structure {
        &self.structures[id]
    }

    /// Whether the structure's builder `build()` returns `Result<_, BuildError>`, exactly where
    /// the official SDK crates' does: every operation input, and any structure with a member its
    /// builder cannot default ([`Member::required_in_builder`]).
    pub fn fallible_build(&self, s: &Structure) -> bool {
        self.operations.iter().any(|o| o.input == s.id) || s.members.iter().any(Member::required_in_builder)
    }

    /// The analysis of a `@pattern` (model text), when the server checks it.
    pub fn checked_pattern(&self, text: &str) -> Option<(&str, usize, crate::pattern::Engine, &str)> {
        match self.patterns.get(text) {
            Some(PatternCheck::Checked { name, number, engine, text }) => Some((name, *number, *engine, text)),
            _ => None,
        }
    }

    /// One line per `@pattern` the server stub cannot check: the pattern, where, and why.
    pub fn unchecked_patterns(&self) -> Vec<String> {
        self.patterns
            .iter()
            .filter_map(|(text, check)| match check {
                PatternCheck::Unchecked { reason } => Some(format!("@pattern(\"{text}\") is not checked by the server ({reason})")),
                PatternCheck::Checked { .. } | PatternCheck::AlwaysMatches => None,
            })
            .collect()
    }

    /// Whether some `@pattern` runs on `fancy-regex` (the crate's `server` feature then
    /// enables `smithygen-runtime/fancy-regex`).
    pub fn needs_fancy_regex(&self) -> bool {
        self.patterns.values().any(|c| matches!(c, PatternCheck::Checked { engine: crate::pattern::Engine::Fancy, .. }))
    }

    /// Whether some operation's HTTP versions list `h2` (its protocol trait's `http`, or
    /// `eventStreamHttp` for an operation with an event stream): the crate's default HTTPS client
    /// then comes with the HTTP/2 prior-knowledge client of `http2_prior_knowledge`.
    pub fn asks_for_http2(&self) -> bool {
        self.operations.iter().any(|op| op.http_versions.contains(&HttpVersion::H2))
    }

    /// The optional parts of `smithygen-runtime` this service's client uses, as the runtime's
    /// Cargo features: a crate compiles only what its model needs (flate2 only for
    /// `@requestCompression`, md-5 only for `@httpChecksumRequired`).
    pub fn runtime_features(&self) -> Vec<&'static str> {
        let mut features = Vec::new();
        if self.unions.values().any(|u| u.event_stream.is_some()) {
            features.push("event-stream");
        }
        if self.operations.iter().any(|op| op.http_checksum_required) {
            features.push("content-md5");
        }
        if self.operations.iter().any(|op| op.request_compression.is_some()) {
            features.push("request-compression");
        }
        if !self.waiters.is_empty() {
            features.push("waiters");
        }
        features
    }

    /// The event-stream member of an operation's input or output, with its union's plan.
    pub fn event_stream_member(&self, structure: &str) -> Option<(&Member, &Union, &EventStream)> {
        self.structure(structure).members.iter().find_map(|m| match &m.ty {
            Type::EventStream { union, .. } => {
                let u = &self.unions[union];
                u.event_stream.as_ref().map(|es| (m, u, es))
            }
            _ => None,
        })
    }
}
