//! The protocol seam: everything that differs between wire protocols is decided here, one
//! module per protocol ([`rest_json1`], [`aws_json`]), and stored in the IR as a plan the
//! emitters render.
//!
//! [`resolve`] picks a service's protocol (the official Rust SDK's choice among those it
//! lists). [`rules`] gives that protocol's rules: how operations and members are bound to HTTP
//! ([`WireProtocol::http_bindings`]; REST protocols read `@http*`, RPC protocols fix the
//! request line, [`WireProtocol::fixed_request`]), extra request headers (`X-Amz-Target`),
//! where an error's code comes from, how the server routes, and, in [`BindingRules`], each
//! HTTP binding rule (a default timestamp format, header-list quoting, a default content
//! type). [`plan`] applies them to every message of the service and stores the resulting
//! [`MessageBindings`] in the IR, where the client and server emitters render it.
//!
//! A new protocol is a module here implementing [`WireProtocol`], a variant of
//! [`Protocol`], a line in [`PRIORITY`], and its runtime module in
//! `smithygen_runtime::protocol` (the error envelope and the body codec's helpers).

pub mod aws_json;
pub mod rest_json1;
pub mod rpcv2_cbor;

use crate::error::{Error, Errors};
use crate::ir::{
    Binding, BodyBinding, HeaderBinding, HostPiece, Http, InitialMessage, LabelBinding, ListSplit, Member, MessageBindings, Operation,
    PathPiece, PathSegment, PayloadBinding, PayloadKind, PrefixHeadersBinding, Protocol, QueryBinding, QueryParamsBinding,
    Role, Service, Structure, TextCodec, TextValue, TimestampFormat, Type,
};
use crate::model::Traits;

/// `aws.protocols#awsQueryCompatible`: an awsJson1_0 service migrated from awsQuery.
pub const AWS_QUERY_COMPATIBLE: &str = "aws.protocols#awsQueryCompatible";

/// The media type of an event-stream body.
pub const EVENT_STREAM_CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// The protocol traits a service may list, in the order the official Rust SDK prefers them
/// when a service lists several: smithy-rs's `ClientProtocolLoader.DefaultProtocols`
/// (`codegen-client/src/main/kotlin/software/amazon/smithy/rust/codegen/client/smithy/protocols/ClientProtocolLoader.kt`),
/// walked in order by `ProtocolLoader.protocolFor` (codegen-core), which takes the first one the
/// service has: rpcv2Cbor, awsJson1_0, awsJson1_1, restJson1, restXml, awsQuery, ec2Query.
/// `None`: a protocol this generator does not speak yet.
pub const PRIORITY: [(&str, Option<ProtocolOf>); 7] = [
    (
        "smithy.protocols#rpcv2Cbor",
        Some(|traits| Protocol::RpcV2Cbor { query_compatible: traits.contains_key(AWS_QUERY_COMPATIBLE) }),
    ),
    (
        "aws.protocols#awsJson1_0",
        Some(|traits| Protocol::AwsJson1_0 { query_compatible: traits.contains_key(AWS_QUERY_COMPATIBLE) }),
    ),
    // smithy-rs applies awsQueryCompatible to awsJson1_0 only (`compatibleWithAwsQuery`).
    ("aws.protocols#awsJson1_1", Some(|_| Protocol::AwsJson1_1)),
    ("aws.protocols#restJson1", Some(|_| Protocol::RestJson1)),
    ("aws.protocols#restXml", None),
    ("aws.protocols#awsQuery", None),
    ("aws.protocols#ec2Query", None),
];

/// Makes the [`Protocol`] of a service from its traits (its variant's settings).
pub type ProtocolOf = fn(&Traits) -> Protocol;

/// The protocol of the service `id` with `traits`: the first of [`PRIORITY`] it lists, as the
/// official Rust SDK chooses; an error when that one is not spoken yet (generating another
/// one would make a client that differs from the official one) or when it lists none.
pub fn resolve(id: &str, traits: &Traits) -> Result<Protocol, Error> {
    let listed: Vec<&str> = PRIORITY.iter().map(|(t, _)| *t).filter(|t| traits.contains_key(*t)).collect();
    match PRIORITY.iter().find(|(t, _)| traits.contains_key(*t)) {
        Some((_, Some(make))) => Ok(make(traits)),
        Some((chosen, None)) => Err(Error::at(
            id,
            format!(
                "lists {}; the official Rust SDK speaks {chosen} to it, which this generator does not speak yet (it speaks {})",
                listed.join(", "),
                spoken().join(", ")
            ),
        )),
        None => Err(Error::at(id, format!("has no protocol trait; add one of {}", spoken().join(", ")))),
    }
}

fn spoken() -> Vec<&'static str> {
    PRIORITY.iter().filter(|(_, make)| make.is_some()).map(|(t, _)| *t).collect()
}

/// How the server stub finds the operation a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// By the `@http` method and URI pattern (REST protocols).
    Uri,
    /// By the value of a header naming `Service.Operation` (`X-Amz-Target`), on `POST /`.
    TargetHeader(&'static str),
    /// By the path `/service/{Service}/operation/{Operation}`, on `POST` (rpcv2Cbor).
    ServiceOperationPath,
}

/// The codec of a protocol's bodies (documents, structures, unions, timestamps, blobs,
/// numbers); the emitters render through the one the protocol names (`emit::codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyCodec {
    /// JSON (`serde_json::Value`, `smithygen_runtime::protocol::json`): restJson1, awsJson.
    Json,
    /// CBOR (`smithygen_runtime::protocol::rpcv2_cbor::Value`, written and read by
    /// `aws-smithy-cbor`): rpcv2Cbor.
    Cbor,
}

/// How the server stub writes an error (the runtime's `server::ErrorEnvelope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorEnvelope {
    /// `X-Amzn-ErrorType` and a JSON body (restJson1; the router's default).
    RestJson1,
    /// Also `__type` in the body, with this content type.
    AwsJson(&'static str),
    /// A CBOR body with `__type` (rpcv2Cbor).
    RpcV2Cbor,
}

/// The rules of one wire protocol: how operations and members are bound to HTTP and what
/// every message carries besides its members.
pub trait WireProtocol: BindingRules + Sync {
    /// Whether operations are bound by `@http` and members by `@http*` traits (REST
    /// protocols); without them the protocol fixes the request line and every member
    /// travels in the body.
    fn http_bindings(&self) -> bool;
    /// The request line of `operation` of the service named `service`, for protocols that fix
    /// it (`POST /`, `POST /service/{service}/operation/{operation}`).
    fn fixed_request(&self, service: &str, operation: &str) -> Option<Http>;
    /// Headers a request of `operation` of the service named `service` carries beside its
    /// members (awsJson's `X-Amz-Target`), as the model writes the names.
    fn request_headers(&self, service: &str, operation: &str) -> Vec<(String, String)>;
    /// Whether a member's `@jsonName` renames its key in the body.
    fn honours_json_name(&self) -> bool;
    /// Whether a message of this role with no member in the body still has one: the empty
    /// document (awsJson requests send `{}`).
    fn always_has_body(&self, role: Role) -> bool;
    /// The runtime function that reads a failed response's error metadata (code, message,
    /// request id), `fn(&Headers, &[u8]) -> ErrorMetadataBuilder`.
    fn error_metadata_fn(&self) -> &'static str;
    /// How the server stub routes requests.
    fn routing(&self) -> Routing;
    /// How the server stub writes errors.
    fn error_envelope(&self) -> ErrorEnvelope;
    /// The codec of the protocol's bodies.
    fn body_codec(&self) -> BodyCodec {
        BodyCodec::Json
    }
    /// Whether the input of an operation that models none (`smithy.api#Unit`) is still sent as
    /// a body (awsJson's `{}`); rpcv2Cbor sends no body and no `Content-Type`.
    fn unit_input_has_body(&self) -> bool {
        true
    }
    /// Whether `smithy.api#Document` can travel in the protocol's bodies.
    fn supports_documents(&self) -> bool {
        true
    }
    /// Whether a message with an event stream sends its other members in the stream's first
    /// message (`initial-request` / `initial-response`, RPC protocols) rather than bound to
    /// HTTP (restJson1).
    fn initial_messages(&self) -> bool {
        false
    }
    /// The `:content-type` of an event whose payload is a structure or union, and of a modeled
    /// error event: the body codec's media type for events.
    fn event_content_type(&self) -> &'static str {
        "application/json"
    }
    /// The runtime function a server writes an error response with,
    /// `fn(status: u16, error_type: &str, message: &str, body: <codec's map>) -> ServerResponse`.
    fn server_error_response_fn(&self) -> &'static str {
        "::smithygen_runtime::server::error_response"
    }
    /// The `smithygen-runtime` feature the protocol's runtime module needs, if any.
    fn runtime_feature(&self) -> Option<&'static str> {
        None
    }
}

/// The binding rules of one HTTP protocol.
pub trait BindingRules {
    /// The timestamp format of a value in a header, absent `@timestampFormat`.
    fn header_timestamps(&self) -> TimestampFormat;
    /// The timestamp format of a value in a URI label or query, absent `@timestampFormat`.
    fn uri_timestamps(&self) -> TimestampFormat;
    /// Whether an item of a header list is quoted when it holds a comma or a quote.
    fn quotes_header_item(&self, item: &Type) -> bool;
    /// Whether a header value is the base64 of the value (for a member with this `@mediaType`).
    fn base64_header(&self, ty: &Type, media_type: Option<&str>) -> bool;
    /// The `Content-Type` of a body that is one member (an `@httpPayload`, or an RPC protocol's
    /// event stream) in a request or a response: its `@mediaType`, else the protocol's default.
    fn payload_content_type(&self, payload: &Member, role: Role) -> String;
    /// Whether a body of this type may come without a `Content-Type`.
    fn payload_content_type_optional(&self, payload: &Member) -> bool;
    /// Whether a server takes this payload with any `Content-Type` and `Accept`.
    fn payload_any_media_type(&self, _payload: &Member) -> bool {
        false
    }
    /// Whether an unset payload of this role is sent as an empty JSON object.
    fn unset_payload_as_empty_object(&self, payload: &Member, role: Role) -> bool;
    /// The `Content-Type` of a body made of several members.
    fn body_content_type(&self) -> &'static str;
    /// Whether a member with this binding travels in the body of a message of this role
    /// (bindings that mean nothing in a role fall back to the body).
    fn in_body(&self, binding: &Binding, role: Role) -> bool;
}

/// The rules of `protocol`.
pub fn rules(protocol: Protocol) -> &'static dyn WireProtocol {
    match protocol {
        Protocol::RestJson1 => &rest_json1::RestJson1,
        Protocol::AwsJson1_0 { query_compatible: false } => &aws_json::AWS_JSON_1_0,
        Protocol::AwsJson1_0 { query_compatible: true } => &aws_json::AWS_JSON_1_0_QUERY_COMPATIBLE,
        Protocol::AwsJson1_1 => &aws_json::AWS_JSON_1_1,
        Protocol::RpcV2Cbor { query_compatible: false } => &rpcv2_cbor::RPC_V2_CBOR,
        Protocol::RpcV2Cbor { query_compatible: true } => &rpcv2_cbor::RPC_V2_CBOR_QUERY_COMPATIBLE,
    }
}

/// Plans every operation's input and output and every modeled error.
pub fn plan(svc: &mut Service) -> Result<(), Errors> {
    let rules = rules(svc.protocol);
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for op in &svc.operations {
        let response = message(rules, svc.structure(&op.output), Role::Response, None);
        // A fixed `Accept` names what the response body is: an event stream's media type for
        // an output stream (rpcv2Cbor), as the Smithy spec asks.
        let streams = response.as_ref().is_ok_and(MessageBindings::streams_events);
        let request = message(rules, svc.structure(&op.input), Role::Request, Some(op)).map(|mut plan| {
            plan.fixed_headers = rules.request_headers(&svc.name, &op.name);
            if streams {
                for (name, value) in &mut plan.fixed_headers {
                    if name.eq_ignore_ascii_case("Accept") {
                        *value = EVENT_STREAM_CONTENT_TYPE.to_string();
                    }
                }
            }
            plan
        });
        plans.push(request);
        plans.push(response);
    }
    for s in svc.structures.values().filter(|s| s.error.is_some()) {
        plans.push(message(rules, s, Role::Error, None));
    }
    if !rules.supports_documents() {
        let members = svc.structures.values().flat_map(|s| s.members.iter().map(move |m| (&s.id, &m.name, &m.ty)));
        let variants = svc.unions.values().flat_map(|u| u.members.iter().map(move |m| (&u.id, &m.name, &m.ty)));
        for (shape, member, ty) in members.chain(variants) {
            if holds_document(ty) {
                errors.push(Error::at(
                    format!("{shape}${member}"),
                    format!("is a document, which {} cannot carry (the protocol has no document type)", svc.protocol.label()),
                ));
            }
        }
    }
    for plan in plans {
        match plan {
            Ok(plan) => {
                if let Some(s) = svc.structures.get_mut(&plan.shape) {
                    s.http = Some(plan);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// Whether a value of `ty` is or holds a document (through lists and maps).
fn holds_document(ty: &Type) -> bool {
    match ty {
        Type::Document => true,
        Type::List(c) | Type::Map(c) => holds_document(&c.item),
        _ => false,
    }
}

/// The bindings of one message. `op` is the operation whose input it is (requests).
fn message(rules: &dyn WireProtocol, s: &Structure, role: Role, op: Option<&Operation>) -> Result<MessageBindings, Error> {
    let at = |m: &Member| format!("{}${}", s.id, m.name);
    let mut plan = MessageBindings {
        shape: s.id.clone(),
        role,
        path: Vec::new(),
        query_literals: Vec::new(),
        query: Vec::new(),
        query_params: Vec::new(),
        host_prefix: Vec::new(),
        headers: Vec::new(),
        fixed_headers: Vec::new(),
        prefix_headers: Vec::new(),
        status: None,
        body: BodyBinding::Empty,
        empty_document: None,
        initial_message: None,
    };
    if let Some(op) = op {
        plan.path = path(rules, s, op)?;
        plan.query_literals = op.http.query_literals.clone();
        if let Some(pattern) = &op.host_prefix {
            plan.host_prefix = host_prefix(s, pattern).map_err(|e| Error::at(&op.id, e))?;
        }
    }
    let bound_query: Vec<String> = s
        .members
        .iter()
        .filter_map(|m| match &m.binding {
            Binding::Query(name) if role == Role::Request => Some(name.clone()),
            _ => None,
        })
        .collect();
    let bound_headers: Vec<String> = s
        .members
        .iter()
        .filter_map(|m| match &m.binding {
            Binding::Header(name) => Some(name.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    // An RPC protocol's event stream is the whole body; the other members go in its initial
    // message.
    let stream = if rules.initial_messages() {
        s.members.iter().position(|m| matches!(m.ty, Type::EventStream { .. }))
    } else {
        None
    };
    let mut document = Vec::new();
    for (index, m) in s.members.iter().enumerate() {
        if Some(index) == stream {
            plan.body = BodyBinding::Payload(payload(rules, index, m, role));
            continue;
        }
        if rules.in_body(&m.binding, role) {
            document.push(index);
            continue;
        }
        match &m.binding {
            Binding::Label | Binding::Body => {}
            Binding::Query(name) => plan.query.push(QueryBinding { member: index, name: name.clone(), value: query_value(rules, m) }),
            Binding::QueryParams => {
                let Type::Map(c) = &m.ty else {
                    return Err(Error::at(at(m), "is bound with @httpQueryParams but is not a map"));
                };
                let (item, multi) = match &c.item {
                    Type::List(inner) => (&inner.item, true),
                    item => (item, false),
                };
                plan.query_params.push(QueryParamsBinding {
                    member: index,
                    item: codec(item, rules.uri_timestamps(), false),
                    multi,
                    shadowed: bound_query.clone(),
                });
            }
            Binding::Header(name) => plan.headers.push(HeaderBinding {
                member: index,
                name: name.clone(),
                static_name: static_header_name(name),
                value: header_value(rules, m),
            }),
            Binding::PrefixHeaders(prefix) => plan.prefix_headers.push(PrefixHeadersBinding {
                member: index,
                prefix: prefix.clone(),
                shadowed: bound_headers.clone(),
            }),
            // A status code means nothing in a request.
            Binding::ResponseCode if role == Role::Request => {}
            Binding::ResponseCode => plan.status = Some(index),
            Binding::Payload => plan.body = BodyBinding::Payload(payload(rules, index, m, role)),
        }
    }
    if stream.is_some() {
        plan.initial_message =
            Some(InitialMessage { members: std::mem::take(&mut document), content_type: rules.body_content_type().to_string() });
    }
    // An operation without modeled input (`smithy.api#Unit`, lowered to an empty `…Input`).
    let unit_input = role == Role::Request && s.members.is_empty() && s.wire_name == "Unit";
    let empty_body = rules.always_has_body(role) && (!unit_input || rules.unit_input_has_body());
    if plan.payload().is_none() && (!document.is_empty() || empty_body) {
        plan.body = BodyBinding::Document { members: document, content_type: rules.body_content_type().to_string() };
    }
    let structured = match role {
        Role::Request => s.members.is_empty() && !unit_input,
        Role::Response => s.wire_name != "Unit",
        Role::Error => false,
    };
    if structured && plan.body == BodyBinding::Empty {
        plan.empty_document = Some(rules.body_content_type().to_string());
    }
    Ok(plan)
}

/// The URI path of an operation's request: literal text and labels.
fn path(rules: &dyn BindingRules, s: &Structure, op: &Operation) -> Result<Vec<PathPiece>, Error> {
    let mut labels = 0;
    let mut path = Vec::new();
    for segment in &op.http.path {
        path.push(match segment {
            PathSegment::Literal(text) => PathPiece::Literal(text.clone()),
            PathSegment::Label { member, greedy } => {
                let index = s
                    .members
                    .iter()
                    .position(|m| &m.name == member)
                    .ok_or_else(|| Error::at(&op.id, format!("the URI label `{{{member}}}` has no input member")))?;
                let m = &s.members[index];
                labels += 1;
                PathPiece::Label(LabelBinding {
                    member: index,
                    index: labels - 1,
                    greedy: *greedy,
                    codec: codec(&m.ty, m.timestamp_format.unwrap_or(rules.uri_timestamps()), false),
                })
            }
        });
    }
    Ok(path)
}

/// A query value: one scalar, or a list repeating the key.
fn query_value(rules: &dyn BindingRules, m: &Member) -> TextValue {
    let ts = m.timestamp_format.unwrap_or(rules.uri_timestamps());
    match &m.ty {
        Type::List(c) => TextValue::List {
            item: codec(&c.item, c.item_timestamp_format.unwrap_or(ts), false),
            sparse: c.sparse,
            quoted: false,
            split: ListSplit::Commas,
        },
        ty => TextValue::One(codec(ty, ts, false)),
    }
}

/// A header value: one scalar, or a list in one comma-separated header.
/// `name` lowercased when every byte is a token character (RFC 9110 `tchar`), the only names
/// `http::HeaderName::from_static` accepts; other names are parsed per message and refused there
/// with a clear error.
fn static_header_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let tchar = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b);
    (!lower.is_empty() && lower.bytes().all(tchar)).then_some(lower)
}

fn header_value(rules: &dyn BindingRules, m: &Member) -> TextValue {
    let ts = m.timestamp_format.unwrap_or(rules.header_timestamps());
    match &m.ty {
        Type::List(c) => {
            let item_ts = c.item_timestamp_format.unwrap_or(ts);
            TextValue::List {
                item: codec(&c.item, item_ts, rules.base64_header(&c.item, c.item_media_type.as_deref())),
                sparse: c.sparse,
                quoted: rules.quotes_header_item(&c.item),
                split: if c.item == Type::Timestamp && item_ts == TimestampFormat::HttpDate {
                    ListSplit::HttpDates
                } else {
                    ListSplit::Commas
                },
            }
        }
        ty => TextValue::One(codec(ty, ts, rules.base64_header(ty, m.media_type.as_deref()))),
    }
}

/// A member that is the whole body.
fn payload(rules: &dyn BindingRules, index: usize, m: &Member, role: Role) -> PayloadBinding {
    PayloadBinding {
        member: index,
        kind: match &m.ty {
            Type::EventStream { .. } => PayloadKind::EventStream,
            Type::Blob { streaming: true } => PayloadKind::StreamingBlob,
            Type::Blob { streaming: false } => PayloadKind::Blob,
            Type::String => PayloadKind::Text,
            Type::Enum(_) => PayloadKind::EnumText,
            _ => PayloadKind::Json,
        },
        content_type: rules.payload_content_type(m, role),
        content_type_optional: rules.payload_content_type_optional(m),
        unset_as_empty_object: rules.unset_payload_as_empty_object(m, role),
        any_media_type: rules.payload_any_media_type(m),
    }
}

fn codec(ty: &Type, timestamp: TimestampFormat, base64: bool) -> TextCodec {
    TextCodec { ty: ty.clone(), timestamp, base64 }
}

/// `@endpoint(hostPrefix)` split into literal text and `{label}`s of `@hostLabel` members.
fn host_prefix(s: &Structure, pattern: &str) -> Result<Vec<HostPiece>, String> {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(HostPiece::Literal(rest[..open].to_string()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("the hostPrefix `{pattern}` has an unclosed `{{`"));
        };
        let label = &rest[open + 1..open + close];
        let member = s
            .members
            .iter()
            .position(|m| m.name == label && m.host_label)
            .ok_or_else(|| format!("the hostPrefix label `{{{label}}}` has no @hostLabel input member"))?;
        pieces.push(HostPiece::Label { member, name: label.to_string() });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(HostPiece::Literal(rest.to_string()));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn traits(ids: &[&str]) -> Traits {
        ids.iter().map(|id| (id.to_string(), json!({}))).collect()
    }

    #[test]
    fn a_service_listing_several_protocols_gets_the_official_sdks_choice() {
        let both = traits(&["aws.protocols#restJson1", "aws.protocols#awsJson1_1"]);
        assert_eq!(resolve("ex#S", &both).unwrap(), Protocol::AwsJson1_1);
        let json10_first = traits(&["aws.protocols#awsJson1_1", "aws.protocols#awsJson1_0"]);
        assert_eq!(resolve("ex#S", &json10_first).unwrap(), Protocol::AwsJson1_0 { query_compatible: false });
        // rpcv2Cbor comes first.
        let cbor = traits(&["aws.protocols#awsJson1_0", "smithy.protocols#rpcv2Cbor"]);
        assert_eq!(resolve("ex#S", &cbor).unwrap(), Protocol::RpcV2Cbor { query_compatible: false });
        // restXml is not spoken yet: a service preferring it is refused rather than given
        // another protocol than the official SDK's.
        let xml = traits(&["aws.protocols#restXml", "aws.protocols#awsQuery"]);
        assert!(resolve("ex#S", &xml).unwrap_err().to_string().contains("speaks aws.protocols#restXml"));
        assert!(resolve("ex#S", &traits(&[])).is_err());
    }

    #[test]
    fn query_compatibility_applies_to_aws_json_1_0_only() {
        let q10 = traits(&["aws.protocols#awsJson1_0", AWS_QUERY_COMPATIBLE]);
        assert_eq!(resolve("ex#S", &q10).unwrap(), Protocol::AwsJson1_0 { query_compatible: true });
        let q11 = traits(&["aws.protocols#awsJson1_1", AWS_QUERY_COMPATIBLE]);
        assert_eq!(resolve("ex#S", &q11).unwrap(), Protocol::AwsJson1_1);
        let headers = rules(Protocol::AwsJson1_0 { query_compatible: true }).request_headers("Svc", "Op");
        assert_eq!(headers, [("X-Amz-Target".into(), "Svc.Op".into()), ("x-amzn-query-mode".into(), "true".into())]);
        assert_eq!(rules(Protocol::AwsJson1_1).request_headers("Svc", "Op").len(), 1);
    }

    #[test]
    fn only_token_header_names_become_constants() {
        assert_eq!(static_header_name("X-Amz-Example-Attributes").as_deref(), Some("x-amz-example-attributes"));
        assert_eq!(static_header_name("Content-Type").as_deref(), Some("content-type"));
        // Not tokens: parsed per message, where they are refused with the header's name.
        for name in ["", "Bad Name", "x:y", "caf\u{e9}", "a\"b"] {
            assert_eq!(static_header_name(name), None, "{name:?}");
        }
    }
}
