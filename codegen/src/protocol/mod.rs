//! Protocol binding rules and the binding plan they produce.
//!
//! [`rules`] gives the rules of a service's [`Protocol`]: each rule (a default timestamp
//! format, header-list quoting, a default content type) is one method of [`BindingRules`],
//! decided once. [`plan`] applies them to every message of the service and stores the
//! resulting [`MessageBindings`] in the IR, where the client and server emitters render it.
//! A second HTTP protocol implements [`BindingRules`] beside [`rest_json1`].

pub mod rest_json1;

use crate::error::{Error, Errors};
use crate::ir::{
    Binding, BodyBinding, HeaderBinding, HostPiece, LabelBinding, ListSplit, Member, MessageBindings, Operation, PathPiece,
    PathSegment, PayloadBinding, PayloadKind, PrefixHeadersBinding, Protocol, QueryBinding, QueryParamsBinding, Role, Service,
    Structure, TextCodec, TextValue, TimestampFormat, Type,
};

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
    /// The `Content-Type` of an `@httpPayload` member: its `@mediaType`, else the default.
    fn payload_content_type(&self, payload: &Member) -> String;
    /// Whether a body of this type may come without a `Content-Type`.
    fn payload_content_type_optional(&self, payload: &Member) -> bool;
    /// Whether an unset payload of this role is sent as an empty JSON object.
    fn unset_payload_as_empty_object(&self, payload: &Member, role: Role) -> bool;
    /// The `Content-Type` of a body made of several members.
    fn body_content_type(&self) -> &'static str;
    /// Whether a member with this binding travels in the body of a message of this role
    /// (bindings that mean nothing in a role fall back to the body).
    fn in_body(&self, binding: &Binding, role: Role) -> bool;
}

/// The binding rules of `protocol`.
pub fn rules(protocol: &Protocol) -> &'static dyn BindingRules {
    match protocol {
        Protocol::RestJson1 => &rest_json1::RestJson1,
    }
}

/// Plans every operation's input and output and every modeled error.
pub fn plan(svc: &mut Service) -> Result<(), Errors> {
    let rules = rules(&svc.protocol);
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for op in &svc.operations {
        plans.push(message(rules, svc.structure(&op.input), Role::Request, Some(op)));
        plans.push(message(rules, svc.structure(&op.output), Role::Response, None));
    }
    for s in svc.structures.values().filter(|s| s.error.is_some()) {
        plans.push(message(rules, s, Role::Error, None));
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

/// The bindings of one message. `op` is the operation whose input it is (requests).
fn message(rules: &dyn BindingRules, s: &Structure, role: Role, op: Option<&Operation>) -> Result<MessageBindings, Error> {
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
        prefix_headers: Vec::new(),
        status: None,
        body: BodyBinding::Empty,
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
    let mut document = Vec::new();
    for (index, m) in s.members.iter().enumerate() {
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
            Binding::Header(name) => plan.headers.push(HeaderBinding { member: index, name: name.clone(), value: header_value(rules, m) }),
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
    if plan.payload().is_none() && !document.is_empty() {
        plan.body = BodyBinding::Document { members: document, content_type: rules.body_content_type().to_string() };
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
        content_type: rules.payload_content_type(m),
        content_type_optional: rules.payload_content_type_optional(m),
        unset_as_empty_object: rules.unset_payload_as_empty_object(m, role),
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
