//! The binding plan: where each member of a message travels on the wire and how, decided
//! once per message by the service's protocol (`crate::protocol::plan`) at the end of
//! lowering. Client and server emitters render the same plan in opposite directions; none of
//! them looks at a member's `Binding` again.
//!
//! Members are referred to by their index in the message's [`super::Structure::members`].

use super::{ShapeId, TimestampFormat, Type};

/// The role a message plays: which bindings mean something in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An operation's input: labels, query, headers, payload or body.
    Request,
    /// An operation's output: status, headers, payload or body.
    Response,
    /// A modeled error: status, headers and body.
    Error,
}

/// How one scalar value is written as text and read back (a label, a query value, a header).
#[derive(Debug, Clone, PartialEq)]
pub struct TextCodec {
    /// The value's type (a scalar).
    pub ty: Type,
    /// The timestamp format, for timestamps.
    pub timestamp: TimestampFormat,
    /// The text is the base64 of the value (a string with `@mediaType` in a header).
    pub base64: bool,
}

/// A value bound to text: one scalar, or a list of them.
#[derive(Debug, Clone, PartialEq)]
pub enum TextValue {
    /// One scalar.
    One(TextCodec),
    /// A list: repeated query keys, or one comma-separated header.
    List {
        /// How each item is written.
        item: TextCodec,
        /// `@sparse`: items may be null (skipped when written).
        sparse: bool,
        /// Items are quoted when they hold a comma or a quote (headers).
        quoted: bool,
        /// How a header value splits back into items.
        split: ListSplit,
    },
}

/// How a comma-separated header splits into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListSplit {
    /// At commas outside quotes.
    Commas,
    /// Every second comma: an http-date holds one itself.
    HttpDates,
}

/// A piece of the URI path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPiece {
    /// Literal text.
    Literal(String),
    /// A `{label}` (or greedy `{label+}`) filled from a member.
    Label(LabelBinding),
}

/// A member bound to a URI label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelBinding {
    /// The member.
    pub member: usize,
    /// The label's position among the path's labels.
    pub index: usize,
    /// `{label+}`: slashes are kept.
    pub greedy: bool,
    /// How the value is written.
    pub codec: TextCodec,
}

/// A member bound to a query key.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryBinding {
    /// The member.
    pub member: usize,
    /// The key.
    pub name: String,
    /// How the value is written (a list repeats the key).
    pub value: TextValue,
}

/// A map spread into the query string (`@httpQueryParams`).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryParamsBinding {
    /// The member.
    pub member: usize,
    /// How each value is written.
    pub item: TextCodec,
    /// The map's values are lists: each item repeats the key.
    pub multi: bool,
    /// Keys bound to their own members, which win over the map's entries when a client
    /// writes the query (a server reads every parameter into the map).
    pub shadowed: Vec<String>,
}

/// A member bound to a header.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderBinding {
    /// The member.
    pub member: usize,
    /// The header name, as the model writes it.
    pub name: String,
    /// The name lowercased, when it is a valid header token: written as a constant
    /// `http::HeaderName` (nothing parsed or copied per message; HTTP/1 and HTTP/2 both put
    /// names on the wire lowercase). `None` keeps the name parsed per message.
    pub static_name: Option<String>,
    /// How the value is written.
    pub value: TextValue,
}

/// A map of headers sharing a prefix (`@httpPrefixHeaders`).
#[derive(Debug, Clone, PartialEq)]
pub struct PrefixHeadersBinding {
    /// The member.
    pub member: usize,
    /// The prefix.
    pub prefix: String,
    /// Header names (lowercase) bound to their own members, which win over the map's entries.
    pub shadowed: Vec<String>,
}

/// A piece of an `@endpoint(hostPrefix)`.
#[derive(Debug, Clone, PartialEq)]
pub enum HostPiece {
    /// Literal text.
    Literal(String),
    /// A `{label}` filled from a `@hostLabel` member.
    Label {
        /// The member.
        member: usize,
        /// The label's name.
        name: String,
    },
}

/// What the body holds.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyBinding {
    /// No body.
    Empty,
    /// One member is the whole body (`@httpPayload`).
    Payload(PayloadBinding),
    /// A JSON document of these members.
    Document {
        /// The members, in model order.
        members: Vec<usize>,
        /// The body's media type.
        content_type: String,
    },
}

/// A member that is the whole body.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadBinding {
    /// The member.
    pub member: usize,
    /// How the value becomes the body.
    pub kind: PayloadKind,
    /// Its media type (`@mediaType`, else the protocol's default for the type).
    pub content_type: String,
    /// The body may arrive without a `Content-Type` (blobs).
    pub content_type_optional: bool,
    /// An unset payload is sent as an empty JSON object rather than no body.
    pub unset_as_empty_object: bool,
    /// A server takes this payload with any `Content-Type` and answers it whatever the
    /// `Accept` header says (a blob without `@mediaType`: any bytes are valid).
    pub any_media_type: bool,
}

/// How a payload member becomes the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// The bytes of a blob.
    Blob,
    /// A `@streaming` blob, passed through as a stream.
    StreamingBlob,
    /// The UTF-8 text of a string.
    Text,
    /// The value of a string enum as text.
    EnumText,
    /// The value as a JSON document.
    Json,
    /// An event stream, framed message by message.
    EventStream,
}

/// Where each member of one message travels.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageBindings {
    /// The message's structure.
    pub shape: ShapeId,
    /// The role it plays.
    pub role: Role,
    /// The URI path (requests).
    pub path: Vec<PathPiece>,
    /// Literal query parts of the URI pattern (requests).
    pub query_literals: Vec<(String, Option<String>)>,
    /// Members bound to query keys (requests).
    pub query: Vec<QueryBinding>,
    /// Maps spread into the query string (requests).
    pub query_params: Vec<QueryParamsBinding>,
    /// The `@endpoint(hostPrefix)` (requests).
    pub host_prefix: Vec<HostPiece>,
    /// Members bound to headers.
    pub headers: Vec<HeaderBinding>,
    /// Headers with a value fixed by the protocol, as the model writes the names (requests:
    /// awsJson's `X-Amz-Target`).
    pub fixed_headers: Vec<(String, String)>,
    /// Maps of prefixed headers.
    pub prefix_headers: Vec<PrefixHeadersBinding>,
    /// The member holding the HTTP status (responses and errors).
    pub status: Option<usize>,
    /// The body.
    pub body: BodyBinding,
    /// The media type of the protocol's document for a message with no body binding that is
    /// modeled as a structure (not `smithy.api#Unit`): a server takes and ignores such a body
    /// in a request to an input without members (clients may send `{}`), and writes `{}` for
    /// an output without body members, as smithy-rs servers do.
    pub empty_document: Option<String>,
    /// RPC protocols with an event stream in this message (awsJson, rpcv2Cbor): the other
    /// members travel in the stream's first message, `initial-request` or `initial-response`,
    /// while the HTTP body is the stream itself. restJson1 binds them to HTTP instead (`None`).
    pub initial_message: Option<InitialMessage>,
}

/// The members of an event stream's initial message (`initial-request` of an input stream,
/// `initial-response` of an output stream), a document in the protocol's body codec.
#[derive(Debug, Clone, PartialEq)]
pub struct InitialMessage {
    /// The members, in model order (every member but the stream).
    pub members: Vec<usize>,
    /// The message's `:content-type`: the protocol's body media type.
    pub content_type: String,
}

impl MessageBindings {
    /// Whether a member is bound to the header `name` (case-insensitive).
    pub fn binds_header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// The labels, in path order.
    pub fn labels(&self) -> impl Iterator<Item = &LabelBinding> {
        self.path.iter().filter_map(|p| match p {
            PathPiece::Label(l) => Some(l),
            PathPiece::Literal(_) => None,
        })
    }

    /// The payload, when one member is the whole body.
    pub fn payload(&self) -> Option<&PayloadBinding> {
        match &self.body {
            BodyBinding::Payload(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the body is an event stream (its payload's kind): a server reads such a body
    /// as it arrives, events in order, rather than whole.
    pub fn streams_events(&self) -> bool {
        self.payload().is_some_and(|p| p.kind == PayloadKind::EventStream)
    }

    /// Whether the body is a payload a server takes with any `Content-Type` and answers
    /// whatever the `Accept` header says.
    pub fn any_media_type(&self) -> bool {
        self.payload().is_some_and(|p| p.any_media_type)
    }

    /// The body's media type, and whether it may come without a `Content-Type`; `None`
    /// without a body.
    pub fn body_media_type(&self) -> Option<(&str, bool)> {
        match &self.body {
            BodyBinding::Empty => None,
            BodyBinding::Payload(p) => Some((&p.content_type, p.content_type_optional)),
            BodyBinding::Document { content_type, .. } => Some((content_type, false)),
        }
    }
}
