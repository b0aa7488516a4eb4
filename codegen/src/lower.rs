//! Lower a normalised model into the IR for one service.
//!
//! This is the only place that reads traits. It walks the service closure (the operations
//! bound to the service, their inputs, outputs and errors, and every shape those reach; the
//! model transforms already bound resource operations, copied service errors and marked
//! boxed members), names everything through `naming`, converts docs through `docs`, and
//! resolves HTTP bindings; `analyze` then completes the plan.

use crate::docs::html_to_markdown;
use crate::error::{Error, Errors, Result};
use crate::ir::*;
pub use crate::model::local_name;
use crate::model::{Model, Shape, ShapeId, Traits};
use crate::naming;
use crate::protocol::WireProtocol;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

// Paginators and waiters, lowered onto the finished operations (`lower/paging.rs`).
mod paging;

/// Trait ids the generator reads.
mod t {
    pub const DOCUMENTATION: &str = "smithy.api#documentation";
    pub const REQUIRED: &str = "smithy.api#required";
    pub const DEFAULT: &str = "smithy.api#default";
    pub const CLIENT_OPTIONAL: &str = "smithy.api#clientOptional";
    pub const SENSITIVE: &str = "smithy.api#sensitive";
    pub const DEPRECATED: &str = "smithy.api#deprecated";
    pub const ERROR: &str = "smithy.api#error";
    pub const HTTP_ERROR: &str = "smithy.api#httpError";
    pub const RETRYABLE: &str = "smithy.api#retryable";
    pub const HTTP: &str = "smithy.api#http";
    pub const HTTP_LABEL: &str = "smithy.api#httpLabel";
    pub const HTTP_QUERY: &str = "smithy.api#httpQuery";
    pub const HTTP_QUERY_PARAMS: &str = "smithy.api#httpQueryParams";
    pub const HTTP_HEADER: &str = "smithy.api#httpHeader";
    pub const HTTP_PREFIX_HEADERS: &str = "smithy.api#httpPrefixHeaders";
    pub const HTTP_PAYLOAD: &str = "smithy.api#httpPayload";
    pub const HTTP_RESPONSE_CODE: &str = "smithy.api#httpResponseCode";
    pub const JSON_NAME: &str = "smithy.api#jsonName";
    pub const TIMESTAMP_FORMAT: &str = "smithy.api#timestampFormat";
    pub const MEDIA_TYPE: &str = "smithy.api#mediaType";
    pub const IDEMPOTENCY_TOKEN: &str = "smithy.api#idempotencyToken";
    pub const STREAMING: &str = "smithy.api#streaming";
    pub const EVENT_HEADER: &str = "smithy.api#eventHeader";
    pub const EVENT_PAYLOAD: &str = "smithy.api#eventPayload";
    pub const REQUIRES_LENGTH: &str = "smithy.api#requiresLength";
    pub const HTTP_CHECKSUM_REQUIRED: &str = "smithy.api#httpChecksumRequired";
    pub const REQUEST_COMPRESSION: &str = "smithy.api#requestCompression";
    pub const SPARSE: &str = "smithy.api#sparse";
    pub const LENGTH: &str = "smithy.api#length";
    pub const RANGE: &str = "smithy.api#range";
    pub const PATTERN: &str = "smithy.api#pattern";
    pub const UNIQUE_ITEMS: &str = "smithy.api#uniqueItems";
    pub const ENUM: &str = "smithy.api#enum";
    pub const ENUM_VALUE: &str = "smithy.api#enumValue";
    pub const TITLE: &str = "smithy.api#title";
    pub const ENDPOINT: &str = "smithy.api#endpoint";
    pub const HOST_LABEL: &str = "smithy.api#hostLabel";
    pub const AWS_SERVICE: &str = "aws.api#service";
    pub const SIGV4: &str = "aws.auth#sigv4";
    pub const AWS_QUERY_ERROR: &str = "aws.protocols#awsQueryError";
    pub const AUTH: &str = "smithy.api#auth";
    pub const OPTIONAL_AUTH: &str = "smithy.api#optionalAuth";
    pub const RULE_SET: &str = "smithy.rules#endpointRuleSet";
    pub const ENDPOINT_BDD: &str = "smithy.rules#endpointBdd";
    pub const ENDPOINT_TESTS: &str = "smithy.rules#endpointTests";
    pub const CLIENT_CONTEXT_PARAMS: &str = "smithy.rules#clientContextParams";
    pub const STATIC_CONTEXT_PARAMS: &str = "smithy.rules#staticContextParams";
    pub const CONTEXT_PARAM: &str = "smithy.rules#contextParam";
    pub const REQUEST_TESTS: &str = "smithy.test#httpRequestTests";
    pub const RESPONSE_TESTS: &str = "smithy.test#httpResponseTests";
    pub const MALFORMED_TESTS: &str = "smithy.test#httpMalformedRequestTests";
    pub const EVENT_STREAM_TESTS: &str = "smithy.test#eventStreamTests";
}

/// Picks the service to generate: the one named, or the only one in the model.
pub fn select_service(model: &Model, wanted: Option<&str>) -> Result<ShapeId> {
    let services: Vec<&ShapeId> = model
        .shapes
        .iter()
        .filter(|(_, s)| matches!(s, Shape::Service(_)))
        .map(|(id, _)| id)
        .collect();
    match wanted {
        Some(w) => services
            .iter()
            .find(|id| id.as_str() == w || id.split('#').nth(1) == Some(w))
            .map(|id| id.to_string())
            .ok_or_else(|| {
                Error::at("model", format!("no service `{w}`; the model defines: {}", join(&services)))
            }),
        None => match services.as_slice() {
            [one] => Ok(one.to_string()),
            [] => Err(Error::at("model", "the model defines no service shape; nothing to generate")),
            many => Err(Error::at(
                "model",
                format!("the model defines {} services ({}); choose one with --service", many.len(), join(many)),
            )),
        },
    }
}

fn join(ids: &[&ShapeId]) -> String {
    ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// Lowers the service `service_id` of a model prepared by [`crate::transform::for_service`].
pub fn lower(model: &Model, service_id: &str) -> std::result::Result<Service, Errors> {
    Lowerer::new(model, service_id)?.run()
}

struct Lowerer<'m> {
    model: &'m Model,
    service_id: ShapeId,
    renames: BTreeMap<ShapeId, String>,
    errors: Vec<Error>,
    structures: BTreeMap<ShapeId, Structure>,
    enums: BTreeMap<ShapeId, EnumShape>,
    unions: BTreeMap<ShapeId, Union>,
    /// Shapes referenced as member targets (so they need a `types` definition).
    pending: Vec<ShapeId>,
    visited: BTreeSet<ShapeId>,
    error_shapes: BTreeSet<ShapeId>,
    /// The service's protocol, whose rules decide which bindings exist.
    protocol: Protocol,
    wire: &'static dyn WireProtocol,
}

impl<'m> Lowerer<'m> {
    fn new(model: &'m Model, service_id: &str) -> Result<Self> {
        let Some(Shape::Service(service)) = model.shapes.get(service_id) else {
            return Err(Error::at(service_id, "is not a service shape"));
        };
        let protocol = crate::protocol::resolve(service_id, &service.traits)?;
        Ok(Lowerer {
            protocol,
            wire: crate::protocol::rules(protocol),
            model,
            service_id: service_id.to_string(),
            renames: service.rename.clone(),
            errors: Vec::new(),
            structures: BTreeMap::new(),
            enums: BTreeMap::new(),
            unions: BTreeMap::new(),
            pending: Vec::new(),
            visited: BTreeSet::new(),
            error_shapes: BTreeSet::new(),
        })
    }

    fn run(mut self) -> std::result::Result<Service, Errors> {
        let Shape::Service(service) = &self.model.shapes[&self.service_id] else { unreachable!() };
        let traits = &service.traits;
        let id = self.service_id.clone();
        let name = local_name(&id).to_string();

        let sdk_id = traits
            .get(t::AWS_SERVICE)
            .and_then(|v| v.get("sdkId"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| name.clone());
        let title = traits.get(t::TITLE).and_then(Value::as_str).unwrap_or(&sdk_id).to_string();
        let signing_name = traits
            .get(t::SIGV4)
            .and_then(|v| v.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let endpoint_rule_set = traits.get(t::RULE_SET).map(|v| v.to_string());
        let endpoint_bdd = traits.get(t::ENDPOINT_BDD).map(|v| v.to_string());
        // The generated resolver is lowered from the rule set; one that does not parse (an
        // unknown function, a reference to an undeclared name, ...) stops generation here.
        let endpoint_rules = match traits.get(t::RULE_SET) {
            Some(doc) => Some(std::sync::Arc::new(
                smithygen_runtime::endpoint::parse::parse_rule_set(doc)
                    .map_err(|err| Error::at(format!("{} {}", self.service_id, t::RULE_SET), err.to_string()))?,
            )),
            None => None,
        };
        // The parameter with the builtin's `builtIn`, else an un-annotated one with its
        // conventional name (as the runtime finds them for a service described by hand).
        let endpoint_builtins = [("AWS::Region", "Region"), ("AWS::UseFIPS", "UseFIPS"), ("AWS::UseDualStack", "UseDualStack"), ("SDK::Endpoint", "Endpoint")]
            .map(|(builtin, name)| {
                let params = endpoint_rules.as_ref().map(|r| r.parameters.as_slice()).unwrap_or_default();
                params
                    .iter()
                    .find(|p| p.built_in() == Some(builtin))
                    .or_else(|| params.iter().find(|p| p.built_in().is_none() && p.name() == name))
                    .map(|p| p.name().to_owned())
            });
        let endpoint_tests = traits
            .get(t::ENDPOINT_TESTS)
            .and_then(|v| v.get("testCases"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let client_context_params = traits
            .get(t::CLIENT_CONTEXT_PARAMS)
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.get("type").and_then(Value::as_str).unwrap_or("string").to_string()))
                    .collect()
            })
            .unwrap_or_default();

        let endpoint_params = self.endpoint_params(traits.get(t::ENDPOINT_BDD).or_else(|| traits.get(t::RULE_SET)));
        let http_versions = match http_versions(&id, self.protocol.trait_id(), traits.get(self.protocol.trait_id())) {
            Ok(versions) => versions,
            Err(e) => {
                self.errors.push(e);
                HttpVersions::default()
            }
        };

        // Operations: resource-bound ones were bound to the service by `transform::for_service`.
        let op_ids: Vec<ShapeId> = service.operations.iter().map(|r| r.target.clone()).collect();
        let mut operations = Vec::new();
        let skipped = Vec::new();
        for op_id in &op_ids {
            match self.operation(op_id) {
                Ok(Some(op)) => operations.push(op),
                Ok(None) => {}
                Err(OpSkip::Fail(e)) => self.errors.push(e),
            }
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));

        // Every shape reached from the operations.
        while let Some(next) = self.pending.pop() {
            self.define(&next);
        }
        self.check_name_conflicts();
        for op in &mut operations {
            let has_event_stream = [&op.input, &op.output].into_iter().any(|s| {
                self.structures.get(s).is_some_and(|s| s.members.iter().any(|m| matches!(m.ty, Type::EventStream { .. })))
            });
            op.http_versions =
                if has_event_stream { http_versions.event_stream_http.clone() } else { http_versions.http.clone() };
        }

        if !self.errors.is_empty() {
            return Err(Errors(self.errors));
        }
        let mut service = Service {
            crate_name: naming::crate_name(&sdk_id),
            server_trait: naming::type_name(&name),
            id,
            name,
            sdk_id,
            version: service.version.clone(),
            title,
            docs: docs(traits).or_else(|| Some(format!("The {} service.", local_name(&self.service_id)))),
            protocol: self.protocol,
            http_versions,
            signing_name,
            endpoint_rule_set,
            endpoint_bdd,
            endpoint_rules,
            endpoint_builtins,
            stale_endpoint_cases: crate::endpoint_stale::stale_cases(&endpoint_tests),
            endpoint_tests,
            client_context_params,
            endpoint_params,
            operations,
            skipped_operations: skipped,
            structures: self.structures,
            enums: self.enums,
            unions: self.unions,
            patterns: BTreeMap::new(),
            async_results: BTreeMap::new(),
            paginators: BTreeMap::new(),
            waiters: Vec::new(),
        };
        crate::analyze::patterns(&mut service);
        crate::protocol::plan(&mut service)?;
        paging::lower(self.model, &mut service)?;
        Ok(service)
    }

    /// `@optionalAuth` first; else the operation's `@auth` list, else the service's, decides
    /// whether SigV4 applies (without either list, every scheme the service has does).
    fn operation_auth(&self, traits: &Traits) -> OperationAuth {
        if traits.contains_key(t::OPTIONAL_AUTH) {
            return OperationAuth::Optional;
        }
        let Some(Shape::Service(service)) = self.model.shapes.get(&self.service_id) else { return OperationAuth::Service };
        match traits.get(t::AUTH).or_else(|| service.traits.get(t::AUTH)).and_then(Value::as_array) {
            Some(schemes) if !schemes.iter().any(|s| s.as_str() == Some(t::SIGV4)) => OperationAuth::None,
            _ => OperationAuth::Service,
        }
    }

    fn shape_name(&self, id: &str) -> String {
        self.renames.get(id).cloned().unwrap_or_else(|| local_name(id).to_string())
    }

    fn operation(&mut self, op_id: &str) -> std::result::Result<Option<Operation>, OpSkip> {
        let Some(Shape::Operation(op)) = self.model.shapes.get(op_id) else {
            return Err(OpSkip::Fail(Error::at(op_id, "is bound as an operation but is not an operation shape")));
        };
        let name = local_name(op_id).to_string();
        let traits = &op.traits;
        // An RPC protocol fixes the request line and ignores `@http`; a REST one needs it.
        let http = match (self.wire.fixed_request(local_name(&self.service_id), &name), traits.get(t::HTTP)) {
            (Some(fixed), _) => fixed,
            (None, Some(v)) => parse_http(op_id, v).map_err(OpSkip::Fail)?,
            (None, None) => {
                return Err(OpSkip::Fail(Error::at(
                    op_id,
                    format!(
                        "has no @http trait; every {} operation needs one (e.g. @http(method: \"POST\", uri: \"/path\"))",
                        self.protocol.label()
                    ),
                )))
            }
        };
        let input_id = op.input.as_ref().map(|r| r.target.clone()).unwrap_or_else(|| "smithy.api#Unit".into());
        let output_id = op.output.as_ref().map(|r| r.target.clone()).unwrap_or_else(|| "smithy.api#Unit".into());

        let module = naming::module_name(&name);
        let input = self
            .synthesize_io(&input_id, &format!("{name}Input"), &module, &http)
            .map_err(OpSkip::Fail)?;
        let output = self
            .synthesize_io(&output_id, &format!("{name}Output"), &module, &http)
            .map_err(OpSkip::Fail)?;

        // Streams: an event stream in the input is written, not read; a stream member is the payload.
        let (input_stream, output_stream) = self.classify_streams(&input, &output).map_err(OpSkip::Fail)?;
        // An RPC protocol carries event streams (the other members in the initial message), but
        // no streamed blob: its body is always a document.
        if !self.wire.http_bindings() {
            for (s, stream) in [(&input, &input_stream), (&output, &output_stream)] {
                let Some(stream) = stream else { continue };
                let blob = self.structures[s].members.iter().any(|m| &m.name == stream && matches!(m.ty, Type::Blob { streaming: true }));
                if blob {
                    return Err(OpSkip::Fail(Error::at(
                        op_id,
                        format!("streams the blob `{stream}`; {} has no streamed blobs (only event streams)", self.protocol.label()),
                    )));
                }
            }
        }

        // Labels in the URI must match @httpLabel members, and the reverse.
        let input_struct = &self.structures[&input];
        let labels: BTreeSet<&str> = http
            .path
            .iter()
            .filter_map(|s| match s {
                PathSegment::Label { member, .. } => Some(member.as_str()),
                _ => None,
            })
            .collect();
        for m in &input_struct.members {
            if m.binding == Binding::Label && !labels.contains(m.name.as_str()) {
                return Err(OpSkip::Fail(Error::at(
                    format!("{input_id}${}", m.name),
                    format!("is an @httpLabel but the URI `{}` has no `{{{}}}`", http.uri, m.name),
                )));
            }
        }
        for label in &labels {
            if !input_struct.members.iter().any(|m| m.name == *label && m.binding == Binding::Label) {
                return Err(OpSkip::Fail(Error::at(
                    op_id,
                    format!("URI `{}` has label `{{{label}}}` but the input has no @httpLabel member `{label}`", http.uri),
                )));
            }
        }
        // At most one payload member, and then no members in the body.
        for (side_id, structure) in [(&input_id, &input), (&output_id, &output)] {
            let members = &self.structures[structure].members;
            let payloads: Vec<&str> = members.iter().filter(|m| m.binding == Binding::Payload).map(|m| m.name.as_str()).collect();
            let body: Vec<&str> = members.iter().filter(|m| m.binding == Binding::Body).map(|m| m.name.as_str()).collect();
            if payloads.len() > 1 {
                return Err(OpSkip::Fail(Error::at(
                    format!("{side_id}${}", payloads[1]),
                    format!("is a second @httpPayload (after `{}`); a message has one payload", payloads[0]),
                )));
            }
            if let (Some(payload), Some(first)) = (payloads.first(), body.first()) {
                return Err(OpSkip::Fail(Error::at(
                    format!("{side_id}${first}"),
                    format!("is bound to the body, but `{payload}` is the @httpPayload; bind it to a header, label or query, or leave the payload out"),
                )));
            }
        }
        let request_compression = match traits.get(t::REQUEST_COMPRESSION) {
            Some(v) => Some(self.request_compression(op_id, &input_id, v).map_err(OpSkip::Fail)?),
            None => None,
        };

        let mut errors: Vec<ShapeId> = Vec::new();
        for e in op.errors.iter().map(|e| &e.target) {
            if !errors.contains(e) {
                errors.push(e.clone());
            }
        }
        errors.sort_by_key(|e| local_name(e).to_string());
        for e in &errors {
            if !self.model.shapes.get(e).map(|s| s.traits().contains_key(t::ERROR)).unwrap_or(false) {
                return Err(OpSkip::Fail(Error::at(op_id, format!("lists `{e}` as an error, but it has no @error trait"))));
            }
            self.error_shapes.insert(e.clone());
            self.pending.push(e.clone());
        }

        let static_context_params = traits
            .get(t::STATIC_CONTEXT_PARAMS)
            .and_then(Value::as_object)
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null))).collect())
            .unwrap_or_default();
        let mut context_params = BTreeMap::new();
        if let Some(Shape::Structure(s)) = self.model.shapes.get(&input_id) {
            for (mname, m) in s.members.iter() {
                if let Some(p) = m.traits.get(t::CONTEXT_PARAM).and_then(|v| v.get("name")).and_then(Value::as_str) {
                    context_params.insert(p.to_string(), naming::member_field_name(mname));
                }
            }
        }

        let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
        let mut response_tests: Vec<(Option<ShapeId>, Value)> =
            list(traits.get(t::RESPONSE_TESTS)).into_iter().map(|t| (None, t)).collect();
        for e in &errors {
            for test in list(self.model.shapes[e].traits().get(t::RESPONSE_TESTS)) {
                response_tests.push((Some(e.clone()), test));
            }
        }

        let method = client_method_name(&name);
        Ok(Some(Operation {
            id: op_id.to_string(),
            method_text: bare(&method).to_string(),
            file: bare(&module).to_string(),
            module,
            error: format!("{name}Error"),
            fluent_builder: format!("{name}FluentBuilder"),
            name_type: name.clone(),
            method,
            docs: docs(traits).or_else(|| Some(format!("Calls `{name}` (`{} {}`).", http.method, http.uri))),
            deprecated: deprecated(traits),
            host_prefix: traits
                .get(t::ENDPOINT)
                .and_then(|v| v.get("hostPrefix"))
                .and_then(Value::as_str)
                .map(str::to_string),
            http,
            input,
            output,
            errors,
            static_context_params,
            context_params,
            http_checksum_required: traits.contains_key(t::HTTP_CHECKSUM_REQUIRED),
            auth: self.operation_auth(traits),
            request_compression,
            request_tests: list(traits.get(t::REQUEST_TESTS)),
            response_tests,
            malformed_tests: list(traits.get(t::MALFORMED_TESTS)),
            event_stream_tests: list(traits.get(t::EVENT_STREAM_TESTS)),
            input_stream,
            output_stream,
            // Decided in `run` once the stream members' shapes are lowered.
            http_versions: Vec::new(),
            name,
        }))
    }

    /// Finds the stream members of an operation's synthesized input and output (an
    /// `@streaming` union or blob, which must be the `@httpPayload`), marks an input event stream
    /// as written by the client, and returns their member names.
    fn classify_streams(&mut self, input: &str, output: &str) -> Result<(Option<String>, Option<String>)> {
        let mut found = [None, None];
        for (slot, (id, direction)) in [(input, Direction::Input), (output, Direction::Output)].into_iter().enumerate() {
            let Some(s) = self.structures.get_mut(id) else { continue };
            for m in &mut s.members {
                let is_stream = match &mut m.ty {
                    Type::EventStream { direction: d, .. } => {
                        *d = direction;
                        true
                    }
                    Type::Blob { streaming: true } => true,
                    _ => false,
                };
                if !is_stream {
                    continue;
                }
                // (Under an RPC protocol the stream is the whole body by definition; `operation`
                // says whether that protocol's streams are generated.)
                if self.wire.http_bindings() && m.binding != Binding::Payload {
                    return Err(Error::at(
                        format!("{}${}", s.wire_name, m.name),
                        "is a stream (@streaming) but not the @httpPayload; a stream can only be the whole body",
                    ));
                }
                found[slot] = Some(m.name.clone());
            }
        }
        let [input_stream, output_stream] = found;
        Ok((input_stream, output_stream))
    }

    /// The plan of an `@streaming` union: events (with their header and payload members) and
    /// error events. Returns the event members (the Rust enum's variants) and the plan.
    fn event_stream(&mut self, id: &str, rust_name: &str, members: &[(String, crate::model::Member)]) -> Result<(Vec<Member>, EventStream)> {
        let is_error = |target: &str| self.model.shapes.get(target).is_some_and(|s| s.traits().contains_key(t::ERROR));
        let (error_members, event_members): (Vec<_>, Vec<_>) = members.iter().cloned().partition(|(_, m)| is_error(&m.target));
        let lowered = self.members(id, &event_members)?;
        let mut events = Vec::new();
        let mut data_events = Vec::new();
        for m in &lowered {
            let Some(Shape::Structure(target)) = self.model.shapes.get(&m.target) else {
                return Err(Error::at(
                    format!("{id}${}", m.name),
                    format!("targets `{}`; an event stream's members must target structures", m.target),
                ));
            };
            let mut headers = Vec::new();
            let mut payload = None;
            let mut rest = Vec::new();
            for (name, member) in target.members.iter() {
                if member.traits.contains_key(t::EVENT_HEADER) {
                    headers.push(name.clone());
                } else if member.traits.contains_key(t::EVENT_PAYLOAD) {
                    payload = Some(name.clone());
                } else {
                    rest.push(name.clone());
                }
            }
            // The blob data of the event (see `BlobDataEvent` for the rule).
            let is_blob = |name: &String| {
                target.members.get(name).is_some_and(|member| {
                    matches!(self.model.shapes.get(&member.target), Some(Shape::Blob(b)) if !b.traits.contains_key(t::STREAMING))
                })
            };
            let data = match &payload {
                Some(p) => Some(p.clone()).filter(is_blob),
                None => {
                    let blobs: Vec<&String> = rest.iter().filter(|name| is_blob(name)).collect();
                    (blobs.len() == 1).then(|| blobs[0].clone())
                }
            };
            if let Some(member) = data {
                data_events.push(BlobDataEvent { event: events.len(), member });
            }
            if let (Some(p), Some(first)) = (&payload, rest.first()) {
                return Err(Error::at(
                    format!("{}${first}", m.target),
                    format!("is neither an @eventHeader nor the @eventPayload (`{p}`); with an @eventPayload every other member must be an @eventHeader"),
                ));
            }
            events.push(Event {
                name: m.name.clone(),
                variant: m.variant.clone(),
                target: m.target.clone(),
                headers,
                payload: match payload {
                    Some(p) => EventPayload::Member(p),
                    None => EventPayload::Document(rest),
                },
            });
        }
        let mut errors = Vec::new();
        for (name, m) in &error_members {
            self.error_shapes.insert(m.target.clone());
            self.pending.push(m.target.clone());
            let variant = naming::member_variant_name(name);
            errors.push(EventError {
                name: name.clone(),
                check: format!("is_{}", bare(&naming::field_name(&variant))),
                variant,
                target: m.target.clone(),
            });
        }
        let stem = bare(&naming::field_name(rust_name)).to_string();
        Ok((
            lowered,
            EventStream {
                error: format!("{rust_name}Error"),
                read_event: format!("read_{stem}_event"),
                read_exception: format!("read_{stem}_exception"),
                write_event: format!("write_{stem}_event"),
                write_error: format!("write_{stem}_error"),
                events,
                errors,
                blob_data: if data_events.len() == 1 { data_events.pop() } else { None },
            },
        ))
    }

    /// Reads `@requestCompression` (`value`) of `op_id`, checking what Smithy's validation says:
    /// `encodings` is not empty, and no input member is both `@streaming` and `@requiresLength`.
    /// Encodings are kept as written: the runtime uses the first one it supports.
    fn request_compression(&self, op_id: &str, input_id: &str, value: &Value) -> Result<RequestCompression> {
        let encodings: Vec<String> = value
            .get("encodings")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        if encodings.is_empty() {
            return Err(Error::at(op_id, "@requestCompression needs at least one encoding, e.g. `encodings: [\"gzip\"]`"));
        }
        let mut streaming = false;
        if let Some(Shape::Structure(s)) = self.model.shapes.get(input_id) {
            for (name, m) in s.members.iter() {
                let Some(target @ Shape::Blob(_)) = self.model.shapes.get(&m.target) else { continue };
                if !target.traits().contains_key(t::STREAMING) {
                    continue;
                }
                if target.traits().contains_key(t::REQUIRES_LENGTH) {
                    return Err(Error::at(
                        format!("{input_id}${name}"),
                        format!(
                            "targets `{}`, which is @streaming and @requiresLength, but its operation `{op_id}` has \
                             @requestCompression: compressing it would mean reading the whole stream to know the \
                             compressed length; remove one of the traits",
                            m.target
                        ),
                    ));
                }
                streaming = true;
            }
        }
        Ok(RequestCompression { encodings, streaming })
    }

    /// Copies an operation's input or output into `crate::operation::<module>`
    /// as `<Op>Input` / `<Op>Output`, the names Rust AWS SDK users know.
    fn synthesize_io(&mut self, source: &str, rust_name: &str, module: &str, _http: &Http) -> Result<ShapeId> {
        let synthetic_id = format!("{}#{rust_name}", namespace(&self.service_id));
        let synthetic_id = format!("{synthetic_id}@{module}");
        let (members, docs_text, deprecated_info, sensitive) = match self.model.shapes.get(source) {
            Some(Shape::Structure(s)) => (
                self.members(source, &s.members.0)?,
                docs(&s.traits).or_else(|| Some(format!("The {} of `{}`.", if rust_name.ends_with("Input") { "input" } else { "output" }, module))),
                deprecated(&s.traits),
                s.traits.contains_key(t::SENSITIVE),
            ),
            _ => return Err(Error::at(source, "operation input/output must be a structure")),
        };
        // Top-level input members are optional on the client even with a default, as in
        // the AWS SDKs: an explicit value equal to the default is still sent, and an unset
        // one is left to the service (which populates the default).
        let members = if rust_name.ends_with("Input") {
            members
                .into_iter()
                .map(|m| Member { client_optional: m.client_optional || m.default.is_some(), ..m })
                .collect()
        } else {
            members
        };
        self.structures.insert(
            synthetic_id.clone(),
            Structure {
                id: synthetic_id.clone(),
                reader: codec_fn("de", &TypeHome::Operation(module.to_string()), rust_name),
                writer: codec_fn("ser", &TypeHome::Operation(module.to_string()), rust_name),
                validator: format!("validate_{}_of_{}", if rust_name.ends_with("Output") { "output" } else { "input" }, bare(module)),
                builder: format!("{rust_name}Builder"),
                error_variant: rust_name.to_string(),
                error_check: format!("is_{}", bare(&naming::field_name(rust_name))),
                rust_name: rust_name.to_string(),
                wire_name: local_name(source).to_string(),
                home: TypeHome::Operation(module.to_string()),
                docs: docs_text,
                members,
                error: None,
                sensitive,
                deprecated: deprecated_info,
                http: None,
            },
        );
        Ok(synthetic_id)
    }

    fn members(&mut self, owner: &str, members: &[(String, crate::model::Member)]) -> Result<Vec<Member>> {
        let mut lowered: Vec<Member> = members.iter().map(|(name, m)| self.member(owner, name, m)).collect::<Result<_>>()?;
        // Distinct member names can still map to one Rust name (`a_b` and `aB`); number the later ones.
        let fields = dedupe(lowered.iter().map(|m| m.field.clone()).collect(), "_");
        let variants = dedupe(lowered.iter().map(|m| m.variant.clone()).collect(), "");
        for ((m, field), variant) in lowered.iter_mut().zip(fields).zip(variants) {
            m.field = field;
            m.variant = variant;
        }
        Ok(lowered)
    }

    fn member(&mut self, owner: &str, name: &str, m: &crate::model::Member) -> Result<Member> {
        let member_id = format!("{owner}${name}");
        let target = self
            .model
            .shapes
            .get(&m.target)
            .ok_or_else(|| Error::at(&member_id, format!("targets undefined shape `{}`", m.target)))?;
        let traits = &m.traits;
        let tt = target.traits();
        let ty = self.type_of(&member_id, &m.target)?;
        // Under an RPC protocol `@http*` member traits mean nothing: every member is in the body.
        let binding = if self.wire.http_bindings() { binding(&member_id, traits)? } else { Binding::Body };
        check_binding_target(&member_id, &binding, traits, target, &m.target)?;
        let timestamp_format = timestamp_format(traits).or_else(|| timestamp_format(tt));
        let default = traits.get(t::DEFAULT).or_else(|| tt.get(t::DEFAULT)).filter(|v| !v.is_null()).cloned();
        let field = naming::member_field_name(name);
        let stem = union_stem(name, &field);
        Ok(Member {
            name: name.to_string(),
            bare: bare(&field).to_string(),
            setter: format!("set_{}", bare(&field)),
            getter: format!("get_{}", bare(&field)),
            field,
            variant_as: format!("as_{stem}"),
            variant_is: format!("is_{stem}"),
            variant_label: bare(&naming::member_variant_name(name)).to_string(),
            variant: naming::member_variant_name(name),
            target: m.target.clone(),
            docs: docs(traits).or_else(|| docs(tt)).or_else(|| Some(binding_doc(name, &binding))),
            json_name: traits
                .get(t::JSON_NAME)
                .and_then(Value::as_str)
                .filter(|_| self.wire.honours_json_name())
                .unwrap_or(name)
                .to_string(),
            timestamp_format,
            media_type: tt.get(t::MEDIA_TYPE).and_then(Value::as_str).map(str::to_string),
            required: traits.contains_key(t::REQUIRED),
            default,
            client_optional: traits.contains_key(t::CLIENT_OPTIONAL),
            idempotency_token: traits.contains_key(t::IDEMPOTENCY_TOKEN),
            sensitive: traits.contains_key(t::SENSITIVE) || tt.contains_key(t::SENSITIVE),
            deprecated: deprecated(traits),
            boxed: traits.contains_key(crate::transform::BOX_TRAIT),
            constraints: self.constraints(traits, &m.target),
            host_label: traits.contains_key(t::HOST_LABEL),
            binding,
            ty,
        })
    }

    fn constraints(&self, member_traits: &Traits, target: &str) -> Constraints {
        let target_traits = self.model.shapes.get(target).map(|s| s.traits().clone()).unwrap_or_default();
        let pick = |name: &str| member_traits.get(name).or_else(|| target_traits.get(name)).cloned();
        let num_text = |v: Option<&Value>| v.and_then(|v| if v.is_number() { Some(v.to_string()) } else { None });
        let enum_values = match self.model.shapes.get(target) {
            Some(Shape::Enum(a)) => Some(
                a.members
                    .iter()
                    .map(|(n, m)| m.traits.get(t::ENUM_VALUE).and_then(Value::as_str).unwrap_or(n).to_string())
                    .collect(),
            ),
            Some(Shape::String(s)) => s.traits.get(t::ENUM).and_then(Value::as_array).map(|a| {
                a.iter().filter_map(|d| d.get("value").and_then(Value::as_str).map(str::to_string)).collect()
            }),
            _ => None,
        };
        Constraints {
            length: pick(t::LENGTH).map(|v| (v.get("min").and_then(Value::as_u64), v.get("max").and_then(Value::as_u64))),
            range: pick(t::RANGE).map(|v| (num_text(v.get("min")), num_text(v.get("max")))),
            pattern: pick(t::PATTERN).and_then(|v| v.as_str().map(str::to_string)),
            unique_items: pick(t::UNIQUE_ITEMS).is_some(),
            enum_values,
        }
    }

    fn type_of(&mut self, at: &str, target: &str) -> Result<Type> {
        let shape = self
            .model
            .shapes
            .get(target)
            .ok_or_else(|| Error::at(at, format!("targets undefined shape `{target}`")))?;
        if target == "smithy.api#Unit" {
            return Ok(Type::Unit);
        }
        let ty = match shape {
            Shape::Blob(s) => Type::Blob { streaming: s.traits.contains_key(t::STREAMING) },
            Shape::Boolean(_) => Type::Boolean,
            Shape::String(s) if s.traits.contains_key(t::ENUM) => {
                self.pending.push(target.to_string());
                Type::Enum(target.to_string())
            }
            Shape::String(_) => Type::String,
            Shape::Byte(_) => Type::Byte,
            Shape::Short(_) => Type::Short,
            Shape::Integer(_) => Type::Integer,
            Shape::Long(_) => Type::Long,
            Shape::Float(_) => Type::Float,
            Shape::Double(_) => Type::Double,
            Shape::BigInteger(_) => Type::BigInteger,
            Shape::BigDecimal(_) => Type::BigDecimal,
            Shape::Timestamp(_) => Type::Timestamp,
            Shape::Document(_) => Type::Document,
            Shape::Enum(_) => {
                self.pending.push(target.to_string());
                Type::Enum(target.to_string())
            }
            Shape::IntEnum(_) => {
                self.pending.push(target.to_string());
                Type::IntEnum(target.to_string())
            }
            Shape::List(l) | Shape::Set(l) => {
                let member_id = format!("{target}$member");
                let item = self.type_of(&member_id, &l.member.target)?;
                let item_tt = self.model.shapes[&l.member.target].traits().clone();
                Type::List(Box::new(Collection {
                    item,
                    sparse: l.traits.contains_key(t::SPARSE),
                    item_timestamp_format: timestamp_format(&l.member.traits).or_else(|| timestamp_format(&item_tt)),
                    item_media_type: item_tt.get(t::MEDIA_TYPE).and_then(Value::as_str).map(str::to_string),
                    item_constraints: self.constraints(&l.member.traits, &l.member.target),
                    key_constraints: Constraints::default(),
                }))
            }
            Shape::Map(m) => {
                let key_shape = self.model.shapes.get(&m.key.target);
                if !matches!(key_shape, Some(Shape::String(_)) | Some(Shape::Enum(_))) {
                    return Err(Error::at(format!("{target}$key"), "map keys must target a string or enum shape"));
                }
                let item = self.type_of(&format!("{target}$value"), &m.value.target)?;
                let item_tt = self.model.shapes[&m.value.target].traits().clone();
                Type::Map(Box::new(Collection {
                    item,
                    sparse: m.traits.contains_key(t::SPARSE),
                    item_timestamp_format: timestamp_format(&m.value.traits).or_else(|| timestamp_format(&item_tt)),
                    item_media_type: item_tt.get(t::MEDIA_TYPE).and_then(Value::as_str).map(str::to_string),
                    item_constraints: self.constraints(&m.value.traits, &m.value.target),
                    key_constraints: self.constraints(&m.key.traits, &m.key.target),
                }))
            }
            Shape::Structure(s) if s.traits.contains_key(t::ERROR) => {
                return Err(Error::at(
                    at,
                    format!("targets the @error structure `{target}`; errors as member values are not supported by this generator"),
                ))
            }
            Shape::Structure(_) => {
                self.pending.push(target.to_string());
                Type::Structure(target.to_string())
            }
            Shape::Union(u) if u.traits.contains_key(t::STREAMING) => {
                self.pending.push(target.to_string());
                // `classify_streams` marks input streams.
                Type::EventStream { union: target.to_string(), direction: Direction::Output }
            }
            Shape::Union(_) => {
                self.pending.push(target.to_string());
                Type::Union(target.to_string())
            }
            other => {
                return Err(Error::at(
                    at,
                    format!("targets `{target}`, which is {} {} shape; members cannot target it", article(other.type_name()), other.type_name()),
                ))
            }
        };
        Ok(ty)
    }

    /// Defines a named shape reached from the operations, once.
    fn define(&mut self, id: &str) {
        if !self.visited.insert(id.to_string()) {
            return;
        }
        let Some(shape) = self.model.shapes.get(id) else { return };
        let rust_name = naming::type_name(&self.shape_name(id));
        let result: Result<()> = (|| {
            match shape {
                Shape::Structure(s) => {
                    let members = self.members(id, &s.members.0)?;
                    let error = match s.traits.get(t::ERROR).and_then(Value::as_str) {
                        Some(fault) => {
                            let fault = if fault == "server" { Fault::Server } else { Fault::Client };
                            let default_status = if fault == Fault::Server { 500 } else { 400 };
                            Some(ErrorInfo {
                                fault,
                                http_status: s
                                    .traits
                                    .get(t::HTTP_ERROR)
                                    .and_then(Value::as_u64)
                                    .map(|c| c as u16)
                                    .unwrap_or(default_status),
                                retryable: s.traits.get(t::RETRYABLE).map(|v| {
                                    v.get("throttling").and_then(Value::as_bool).unwrap_or(false)
                                }),
                                query_code: s
                                    .traits
                                    .get(t::AWS_QUERY_ERROR)
                                    .filter(|_| {
                                        matches!(
                                            self.protocol,
                                            Protocol::AwsJson1_0 { query_compatible: true } | Protocol::RpcV2Cbor { query_compatible: true }
                                        )
                                    })
                                    .and_then(|v| v.get("code"))
                                    .and_then(Value::as_str)
                                    // A code equal to the error's own name adds nothing (SQS names
                                    // many errors so).
                                    .filter(|code| *code != local_name(id))
                                    .map(str::to_string),
                            })
                        }
                        None => None,
                    };
                    let home = if error.is_some() { TypeHome::Errors } else { TypeHome::Types };
                    self.structures.insert(
                        id.to_string(),
                        Structure {
                            id: id.to_string(),
                            reader: codec_fn("de", &home, &rust_name),
                            writer: codec_fn("ser", &home, &rust_name),
                            validator: validator_fn(&home, &rust_name),
                            builder: format!("{rust_name}Builder"),
                            error_variant: if rust_name == "Unhandled" { "UnhandledValue".into() } else { rust_name.clone() },
                            error_check: format!("is_{}", bare(&naming::field_name(&rust_name))),
                            rust_name,
                            wire_name: local_name(id).to_string(),
                            home,
                            docs: docs(&s.traits).or_else(|| {
                                Some(if error.is_some() { format!("The `{}` error.", local_name(id)) } else { format!("The `{}` structure.", local_name(id)) })
                            }),
                            members,
                            error,
                            sensitive: s.traits.contains_key(t::SENSITIVE),
                            deprecated: deprecated(&s.traits),
                            http: None,
                        },
                    );
                }
                Shape::Union(u) => {
                    let streaming = u.traits.contains_key(t::STREAMING);
                    let (members, event_stream) = if streaming {
                        let (members, plan) = self.event_stream(id, &rust_name, &u.members.0)?;
                        (members, Some(plan))
                    } else {
                        (self.members(id, &u.members.0)?, None)
                    };
                    self.unions.insert(
                        id.to_string(),
                        Union {
                            id: id.to_string(),
                            reader: codec_fn("de", &TypeHome::Types, &rust_name),
                            writer: codec_fn("ser", &TypeHome::Types, &rust_name),
                            validator: validator_fn(&TypeHome::Types, &rust_name),
                            rust_name,
                            docs: docs(&u.traits).or_else(|| Some(format!("The `{}` union: exactly one member is set.", local_name(id)))),
                            members,
                            streaming,
                            sensitive: u.traits.contains_key(t::SENSITIVE),
                            deprecated: deprecated(&u.traits),
                            event_stream,
                        },
                    );
                }
                Shape::Enum(a) | Shape::IntEnum(a) => {
                    let int = matches!(shape, Shape::IntEnum(_));
                    let mut variants = Vec::new();
                    for (name, m) in a.members.iter() {
                        let value = match m.traits.get(t::ENUM_VALUE) {
                            Some(Value::String(s)) if !int => s.clone(),
                            Some(Value::Number(n)) if int => n.to_string(),
                            None if !int => name.clone(),
                            _ => {
                                return Err(Error::at(
                                    format!("{id}${name}"),
                                    if int { "intEnum members need an integer @enumValue" } else { "enum @enumValue must be a string" },
                                ))
                            }
                        };
                        variants.push(EnumVariant {
                            rust_name: naming::member_variant_name(name),
                            // The emitter always states the wire value, so no fallback text is needed.
                            docs: docs(&m.traits),
                            value,
                            deprecated: deprecated(&m.traits),
                            internal: m.traits.contains_key("smithy.api#internal"),
                        });
                    }
                    let unique = dedupe(variants.iter().map(|v| v.rust_name.clone()).collect(), "");
                    for (v, name) in variants.iter_mut().zip(unique) {
                        v.rust_name = name;
                    }
                    self.enums.insert(
                        id.to_string(),
                        EnumShape {
                            id: id.to_string(),
                            rust_name,
                            docs: docs(&a.traits).or_else(|| Some(format!("The `{}` enumeration.", local_name(id)))),
                            int,
                            variants,
                            sensitive: a.traits.contains_key(t::SENSITIVE),
                            deprecated: deprecated(&a.traits),
                        },
                    );
                }
                Shape::String(s) => {
                    // IDL 1.0 `@enum` trait on a string.
                    let defs = s.traits.get(t::ENUM).and_then(Value::as_array).cloned().unwrap_or_default();
                    let mut variants = Vec::new();
                    for d in defs {
                        let value = d.get("value").and_then(Value::as_str).unwrap_or_default().to_string();
                        let name = d.get("name").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| value.clone());
                        variants.push(EnumVariant {
                            rust_name: naming::member_variant_name(&name),
                            docs: d.get("documentation").and_then(Value::as_str).map(html_to_markdown),
                            deprecated: d.get("deprecated").and_then(Value::as_bool).filter(|b| *b).map(|_| Deprecated {
                                message: None,
                                since: None,
                            }),
                            internal: d
                                .get("tags")
                                .and_then(Value::as_array)
                                .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some("internal"))),
                            value,
                        });
                    }
                    let unique = dedupe(variants.iter().map(|v| v.rust_name.clone()).collect(), "");
                    for (v, name) in variants.iter_mut().zip(unique) {
                        v.rust_name = name;
                    }
                    self.enums.insert(
                        id.to_string(),
                        EnumShape {
                            id: id.to_string(),
                            rust_name,
                            docs: docs(&s.traits).or_else(|| Some(format!("The `{}` enumeration.", local_name(id)))),
                            int: false,
                            variants,
                            sensitive: s.traits.contains_key(t::SENSITIVE),
                            deprecated: deprecated(&s.traits),
                        },
                    );
                }
                _ => {}
            }
            Ok(())
        })();
        if let Err(e) = result {
            self.errors.push(e);
        }
    }

    fn check_name_conflicts(&mut self) {
        let mut seen: BTreeMap<(String, TypeHome), ShapeId> = BTreeMap::new();
        let homes = self
            .structures
            .values()
            .map(|s| (s.rust_name.clone(), s.home.clone(), s.id.clone()))
            .chain(self.enums.values().map(|e| (e.rust_name.clone(), TypeHome::Types, e.id.clone())))
            .chain(self.unions.values().map(|u| (u.rust_name.clone(), TypeHome::Types, u.id.clone())));
        for (name, home, id) in homes.collect::<Vec<_>>() {
            if let Some(previous) = seen.insert((name.clone(), home), id.clone()) {
                self.errors.push(Error::at(
                    &id,
                    format!("its Rust name `{name}` conflicts with `{previous}`; add a `rename` to the service to disambiguate"),
                ));
            }
        }        // A builder has a method per field plus its setter and getter: a member named
        // `set_x` beside a member `x` would give the builder two `set_x` methods.
        for s in self.structures.values() {
            let mut methods: BTreeMap<&str, &str> = BTreeMap::new();
            for m in &s.members {
                for method in [m.bare.as_str(), &m.setter, &m.getter] {
                    if let Some(other) = methods.insert(method, &m.name) {
                        if other != m.name {
                            self.errors.push(Error::at(
                                format!("{}${}", s.id, m.name),
                                format!("its builder method `{method}` conflicts with one of member `{other}`; rename one of the members"),
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// Why an operation was not lowered (every operation is generated today; `skipped_operations`
/// stays for a future unsupported feature).
enum OpSkip {
    Fail(Error),
}

fn binding(member_id: &str, traits: &Traits) -> Result<Binding> {
    let string = |name: &str| -> Result<String> {
        traits
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::at(member_id, format!("{name} needs a string value")))
    };
    let mut found = Vec::new();
    if traits.contains_key(t::HTTP_LABEL) {
        found.push(Binding::Label);
    }
    if traits.contains_key(t::HTTP_QUERY) {
        found.push(Binding::Query(string(t::HTTP_QUERY)?));
    }
    if traits.contains_key(t::HTTP_QUERY_PARAMS) {
        found.push(Binding::QueryParams);
    }
    if traits.contains_key(t::HTTP_HEADER) {
        found.push(Binding::Header(string(t::HTTP_HEADER)?));
    }
    if traits.contains_key(t::HTTP_PREFIX_HEADERS) {
        found.push(Binding::PrefixHeaders(string(t::HTTP_PREFIX_HEADERS)?));
    }
    if traits.contains_key(t::HTTP_PAYLOAD) {
        found.push(Binding::Payload);
    }
    if traits.contains_key(t::HTTP_RESPONSE_CODE) {
        found.push(Binding::ResponseCode);
    }
    match found.len() {
        0 => Ok(Binding::Body),
        1 => Ok(found.remove(0)),
        _ => Err(Error::at(member_id, "has more than one HTTP binding trait")),
    }
}

/// What each HTTP binding can carry: labels, query parameters and headers hold scalars (query
/// parameters and headers also lists of them); a label must be required.
fn check_binding_target(member_id: &str, binding: &Binding, traits: &Traits, target: &Shape, target_id: &str) -> Result<()> {
    let (what, allows_list) = match binding {
        Binding::Label => ("@httpLabel", false),
        Binding::Query(_) => ("@httpQuery", true),
        Binding::Header(_) => ("@httpHeader", true),
        _ => return Ok(()),
    };
    if *binding == Binding::Label && !traits.contains_key(t::REQUIRED) {
        return Err(Error::at(member_id, "is an @httpLabel, so it must also be @required (a URI cannot leave a label out)"));
    }
    let fits = match target {
        Shape::Structure(_) | Shape::Union(_) | Shape::Map(_) | Shape::Document(_) => false,
        Shape::List(_) | Shape::Set(_) => allows_list,
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        Err(Error::at(
            member_id,
            format!(
                "is bound with {what} but targets `{target_id}`, {} {} shape; {what} carries {}",
                article(target.type_name()),
                target.type_name(),
                if allows_list { "strings, numbers, booleans, timestamps, enums and lists of them" } else { "strings, numbers, booleans, timestamps and enums" }
            ),
        ))
    }
}

fn parse_http(op_id: &str, v: &Value) -> Result<Http> {
    let method = v.get("method").and_then(Value::as_str).ok_or_else(|| Error::at(op_id, "@http needs a method"))?;
    let uri = v.get("uri").and_then(Value::as_str).ok_or_else(|| Error::at(op_id, "@http needs a uri"))?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
        return Err(Error::at(op_id, format!("@http method `{method}` is not an HTTP method (a token such as GET or POST)")));
    }
    let code = match v.get("code") {
        None => 200,
        Some(c) => match c.as_u64().filter(|c| (100..=999).contains(c)) {
            Some(c) => c as u16,
            None => return Err(Error::at(op_id, format!("@http code must be an HTTP status code from 100 to 999, not {c}"))),
        },
    };
    if !uri.starts_with('/') {
        return Err(Error::at(op_id, format!("@http uri `{uri}` must start with `/`")));
    }
    let (path, query) = match uri.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (uri, None),
    };
    let mut segments = Vec::new();
    let mut literal = String::new();
    for (i, seg) in path.split('/').enumerate() {
        if i == 0 {
            continue;
        }
        literal.push('/');
        if let Some(inner) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if !literal.is_empty() {
                segments.push(PathSegment::Literal(std::mem::take(&mut literal)));
            }
            let (member, greedy) = match inner.strip_suffix('+') {
                Some(m) => (m, true),
                None => (inner, false),
            };
            let seen_before = segments.iter().any(|s| matches!(s, PathSegment::Label { member: m, .. } if m == member));
            if seen_before {
                return Err(Error::at(op_id, format!("@http uri `{uri}`: label `{{{member}}}` appears more than once")));
            }
            if greedy && segments.iter().any(|s| matches!(s, PathSegment::Label { greedy: true, .. })) {
                return Err(Error::at(op_id, format!("@http uri `{uri}`: at most one label may be greedy (`{{Name+}}`)")));
            }
            segments.push(PathSegment::Label { member: member.to_string(), greedy });
        } else if seg.contains('{') || seg.contains('}') {
            return Err(Error::at(op_id, format!("@http uri `{uri}`: a label must fill a whole path segment")));
        } else {
            literal.push_str(seg);
        }
    }
    if !literal.is_empty() {
        segments.push(PathSegment::Literal(literal));
    }
    let query_literals = query
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                    None => (p.to_string(), None),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Http { method: method.to_string(), path: segments, query_literals, code, uri: uri.to_string() })
}

fn timestamp_format(traits: &Traits) -> Option<TimestampFormat> {
    match traits.get(t::TIMESTAMP_FORMAT).and_then(Value::as_str)? {
        "date-time" => Some(TimestampFormat::DateTime),
        "http-date" => Some(TimestampFormat::HttpDate),
        "epoch-seconds" => Some(TimestampFormat::EpochSeconds),
        _ => None,
    }
}

/// Makes names unique by numbering repeats (`name`, `name_2`, ...), keeping the first as it is.
fn dedupe(names: Vec<String>, separator: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .map(|name| {
            let mut candidate = name.clone();
            let mut n = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{}{separator}{n}", name.trim_start_matches("r#"));
                n += 1;
            }
            candidate
        })
        .collect()
}

/// The `Client` method of an operation: snake case, moved out of the way of the
/// client's own methods (`new`, `from_conf`, `config`).
/// The JSON reader (`de`) or writer (`ser`) function of a structure or union: by home, so
/// that an operation's `Input` and a shared shape of the same name never collide.
fn codec_fn(direction: &str, home: &TypeHome, rust_name: &str) -> String {
    let prefix = match home {
        TypeHome::Types => String::new(),
        TypeHome::Errors => "error_".to_string(),
        TypeHome::Operation(m) => format!("{}_", bare(m)),
    };
    format!("{direction}_{prefix}{}", heck::ToSnakeCase::to_snake_case(rust_name))
}

/// The server's constraint validator of a structure or union (named after its JSON reader).
fn validator_fn(home: &TypeHome, rust_name: &str) -> String {
    let reader = codec_fn("de", home, rust_name);
    format!("validate_{}", reader.trim_start_matches("de_"))
}

/// The stem of a union variant's `as_` / `is_` methods: the field name without `r#`, except
/// that a member named `unknown` (variant `UnknownValue`) gets `unknown_value`, `is_unknown`
/// being the generated `Unknown` variant's.
fn union_stem(member: &str, field: &str) -> String {
    if naming::member_variant_name(member) == "UnknownValue" {
        "unknown_value".to_string()
    } else {
        bare(field).to_string()
    }
}

/// An identifier without its raw-identifier prefix (`type` for `r#type`).
fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

fn client_method_name(operation: &str) -> String {
    let name = naming::field_name(operation);
    if ["new", "from_conf", "config", "clone"].contains(&name.as_str()) {
        format!("{name}_operation")
    } else {
        name
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Documentation for a member the model does not document: where it travels.
fn binding_doc(name: &str, binding: &Binding) -> String {
    match binding {
        Binding::Label => format!("`{name}`: part of the request URI."),
        Binding::Query(q) => format!("`{name}`: the `{q}` query parameter."),
        Binding::QueryParams => format!("`{name}`: query parameters, one per entry."),
        Binding::Header(h) => format!("`{name}`: the `{h}` HTTP header."),
        Binding::PrefixHeaders(p) => format!("`{name}`: HTTP headers starting with `{p}`, one per entry."),
        Binding::Payload => format!("`{name}`: the HTTP body."),
        Binding::ResponseCode => format!("`{name}`: the HTTP status code."),
        Binding::Body => format!("`{name}`."),
    }
}

impl Lowerer<'_> {
    /// The parameters of the endpoint rules (`rules`: the `endpointBdd` or `endpointRuleSet`
    /// trait value), or the one parameter a service without rules has: `Endpoint`, the
    /// configured endpoint URL.
    fn endpoint_params(&mut self, rules: Option<&Value>) -> Vec<EndpointParam> {
        let Some(rules) = rules else {
            return vec![EndpointParam {
                name: "Endpoint".into(),
                field: "endpoint".into(),
                setter: "set_endpoint".into(),
                ty: EndpointParamType::String,
                default: None,
                always_set: false,
                host_label: false,
                docs: Some(
                    "The endpoint URL requests are sent to, as is (the configuration's `endpoint_url`): the service's model has no endpoint rules.".into(),
                ),
            }];
        };
        let Some(params) = rules.get("parameters").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, param) in params {
            let ty = match param.get("type").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                Some("string") => EndpointParamType::String,
                Some("boolean") => EndpointParamType::Boolean,
                Some("stringarray") => EndpointParamType::StringArray,
                other => {
                    self.errors.push(Error::at(
                        format!("{}: endpoint rules parameter `{name}`", self.service_id),
                        format!("unsupported parameter type {other:?} (expected string, boolean or stringArray)"),
                    ));
                    continue;
                }
            };
            let field = naming::member_field_name(name);
            let setter = format!("set_{}", field.trim_start_matches("r#"));
            let default = param.get("default").filter(|v| !v.is_null()).cloned();
            let required = param.get("required").and_then(Value::as_bool).unwrap_or(false);
            let built_in = param.get("builtIn").and_then(Value::as_str);
            out.push(EndpointParam {
                name: name.clone(),
                always_set: default.is_some() || required,
                host_label: built_in == Some("AWS::Region"),
                docs: param.get("documentation").and_then(Value::as_str).map(html_to_markdown).filter(|d| !d.trim().is_empty()),
                field,
                setter,
                ty,
                default,
            });
        }
        out
    }
}

fn docs(traits: &Traits) -> Option<String> {
    traits
        .get(t::DOCUMENTATION)
        .and_then(Value::as_str)
        .map(html_to_markdown)
        .filter(|d| !d.trim().is_empty())
}

fn deprecated(traits: &Traits) -> Option<Deprecated> {
    traits.get(t::DEPRECATED).map(|v| Deprecated {
        message: v.get("message").and_then(Value::as_str).map(str::to_string),
        since: v.get("since").and_then(Value::as_str).map(str::to_string),
    })
}

fn namespace(id: &str) -> &str {
    id.split_once('#').map(|(ns, _)| ns).unwrap_or("")
}

/// The protocol trait's `http` and `eventStreamHttp` lists (`protocol` is the trait's value),
/// validated: each entry a known version (`http/1.1`, `h2`), once, and no list empty. Smithy's
/// defaults apply: `http` is `["http/1.1"]`, `eventStreamHttp` is `http`.
fn http_versions(service: &str, trait_id: &str, protocol: Option<&Value>) -> Result<HttpVersions> {
    let known = || HttpVersion::KNOWN.map(|(token, _)| format!("\"{token}\"")).join(", ");
    let list = |key: &str| -> Result<Option<Vec<HttpVersion>>> {
        let Some(value) = protocol.and_then(|p| p.get(key)) else { return Ok(None) };
        let path = format!("$.shapes[\"{service}\"].traits[\"{trait_id}\"].{key}");
        let Some(items) = value.as_array() else {
            return Err(Error::at(path, format!("must be a list of HTTP versions ({}), not {value}", known())));
        };
        if items.is_empty() {
            return Err(Error::at(
                path,
                format!("must name at least one HTTP version ({}); leave it out for the default", known()),
            ));
        }
        let mut versions = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let found = item.as_str().and_then(|token| HttpVersion::KNOWN.iter().find(|(k, _)| *k == token));
            match found {
                Some((_, version)) if !versions.contains(version) => versions.push(*version),
                Some(_) => return Err(Error::at(format!("{path}[{i}]"), format!("lists {item} twice"))),
                None => {
                    return Err(Error::at(
                        format!("{path}[{i}]"),
                        format!("unknown HTTP version {item}; the known ones are {}", known()),
                    ))
                }
            }
        }
        Ok(Some(versions))
    };
    let http = list("http")?.unwrap_or_else(|| vec![HttpVersion::Http11]);
    let event_stream_http = list("eventStreamHttp")?.unwrap_or_else(|| http.clone());
    Ok(HttpVersions { http, event_stream_http })
}

#[cfg(test)]
mod dedupe_tests {
    use super::*;

    #[test]
    fn repeated_names_are_numbered() {
        let names = vec!["a_b".to_string(), "a_b".to_string(), "c".to_string(), "a_b".to_string()];
        assert_eq!(dedupe(names, "_"), vec!["a_b", "a_b_2", "c", "a_b_3"]);
        assert_eq!(dedupe(vec!["r#type".into(), "r#type".into()], "_"), vec!["r#type", "type_2"]);
        assert_eq!(client_method_name("Config"), "config_operation");
        assert_eq!(client_method_name("GetConfig"), "get_config");
    }
}

#[cfg(test)]
mod auth_tests {
    use crate::ir::OperationAuth;

    /// A SigV4 service whose operations say, in turn, nothing, `@auth([])`, `@optionalAuth`,
    /// and an `@auth` list naming SigV4.
    fn model(service_auth: &str) -> String {
        let op = |name: &str, traits: &str| {
            format!(
                r#""ex#{name}": {{ "type": "operation", "traits": {{ "smithy.api#http": {{ "method": "POST", "uri": "/{name}" }} {traits} }} }}"#
            )
        };
        format!(
            r#"{{ "smithy": "2.0", "shapes": {{
                "ex#Svc": {{ "type": "service", "version": "1", "operations": [
                    {{ "target": "ex#Plain" }}, {{ "target": "ex#Open" }}, {{ "target": "ex#Maybe" }}, {{ "target": "ex#Signed" }}
                ], "traits": {{ "aws.protocols#restJson1": {{}}, "aws.auth#sigv4": {{ "name": "ex" }} {service_auth} }} }},
                {}, {}, {}, {}
            }} }}"#,
            op("Plain", ""),
            op("Open", r#", "smithy.api#auth": []"#),
            op("Maybe", r#", "smithy.api#optionalAuth": {}"#),
            op("Signed", r#", "smithy.api#auth": ["aws.auth#sigv4"]"#),
        )
    }

    fn auth_of(json: &str) -> Vec<(String, OperationAuth)> {
        let svc = crate::lower_model(json, None).expect("the model lowers");
        svc.operations.iter().map(|o| (o.name.clone(), o.auth)).collect()
    }

    #[test]
    fn operation_auth_follows_auth_and_optional_auth() {
        let expected = |plain| {
            vec![
                ("Maybe".to_string(), OperationAuth::Optional),
                ("Open".to_string(), OperationAuth::None),
                ("Plain".to_string(), plain),
                ("Signed".to_string(), OperationAuth::Service),
            ]
        };
        let mut got = auth_of(&model(""));
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, expected(OperationAuth::Service));
        // A service-wide `@auth([])`: operations without their own list are unsigned.
        let mut got = auth_of(&model(r#", "smithy.api#auth": []"#));
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, expected(OperationAuth::None));
    }
}

#[cfg(test)]
mod http_version_tests {
    use crate::ir::HttpVersion::{self, H2, Http11};
    use serde_json::{json, Value};

    /// The event-stream fixture (three operations with an event stream, `GetQuote` without)
    /// with `protocol` as its restJson1 trait; each operation's HTTP versions by name.
    fn versions(protocol: Value) -> Vec<(String, Vec<HttpVersion>)> {
        let text = include_str!("../tests/fixtures/event-stream.json");
        let mut model: Value = serde_json::from_str(text).expect("the fixture is JSON");
        model["shapes"]["fixture.eventstream#Ticker"]["traits"]["aws.protocols#restJson1"] = protocol;
        let svc = crate::lower_model(&model.to_string(), None).expect("the model lowers");
        svc.operations.iter().map(|o| (o.name.clone(), o.http_versions.clone())).collect()
    }

    #[test]
    fn operations_with_event_streams_take_event_stream_http_and_others_http() {
        let got = versions(json!({ "http": ["http/1.1"], "eventStreamHttp": ["h2", "http/1.1"] }));
        for (name, list) in &got {
            let expected = if name == "GetQuote" { vec![Http11] } else { vec![H2, Http11] };
            assert_eq!(list, &expected, "{name}");
        }
        // Defaults: `http` is ["http/1.1"], `eventStreamHttp` is `http`.
        assert!(versions(json!({})).iter().all(|(_, list)| list == &vec![Http11]));
        assert!(versions(json!({ "http": ["h2"] })).iter().all(|(_, list)| list == &vec![H2]));
    }

    #[test]
    fn an_unknown_or_repeated_version_is_an_error_naming_its_json_path() {
        let text = include_str!("../tests/fixtures/event-stream.json");
        let mut model: Value = serde_json::from_str(text).expect("the fixture is JSON");
        let protocol = &mut model["shapes"]["fixture.eventstream#Ticker"]["traits"]["aws.protocols#restJson1"];
        *protocol = json!({ "http": ["h2", "h2"] });
        let err = crate::lower_model(&model.to_string(), None).expect_err("a repeated version").to_string();
        assert!(err.contains(r#"traits["aws.protocols#restJson1"].http[1]: lists "h2" twice"#), "{err}");
        model["shapes"]["fixture.eventstream#Ticker"]["traits"]["aws.protocols#restJson1"] = json!({ "http": "h2" });
        let err = crate::lower_model(&model.to_string(), None).expect_err("not a list").to_string();
        assert!(err.contains("must be a list of HTTP versions"), "{err}");
    }
}

#[cfg(test)]
mod blob_data_tests {
    use crate::ir::BlobDataEvent;
    use serde_json::{json, Value};

    /// A service with one operation streaming union `Events`, whose events are `events`
    /// (member name → structure members); the plan's blob data of the union.
    fn blob_data(events: Value) -> Option<BlobDataEvent> {
        let mut shapes = serde_json::Map::new();
        let mut union = serde_json::Map::new();
        for (name, members) in events.as_object().unwrap() {
            shapes.insert(format!("ex#{name}"), json!({"type": "structure", "members": members}));
            union.insert(name.clone(), json!({"target": format!("ex#{name}")}));
        }
        shapes.insert("ex#Events".into(), json!({"type": "union", "members": union, "traits": {"smithy.api#streaming": {}}}));
        shapes.insert("ex#Out".into(), json!({"type": "structure", "members": {"Body": {"target": "ex#Events", "traits": {"smithy.api#httpPayload": {}}}}}));
        shapes.insert("ex#Op".into(), json!({"type": "operation", "output": {"target": "ex#Out"}, "traits": {"smithy.api#http": {"method": "POST", "uri": "/"}}}));
        shapes.insert("ex#Svc".into(), json!({"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#restJson1": {}}}));
        let model = json!({"smithy": "2.0", "shapes": shapes});
        let svc = crate::lower_model(&model.to_string(), None).expect("the model lowers");
        svc.unions.values().find_map(|u| u.event_stream.as_ref()).expect("a stream").blob_data.clone()
    }

    const BLOB: &str = "smithy.api#Blob";
    const STRING: &str = "smithy.api#String";

    #[test]
    fn a_blob_event_payload_or_the_one_blob_of_the_body_is_the_data() {
        // A blob @eventPayload beside headers.
        let got = blob_data(json!({"Note": {"Text": {"target": STRING}}, "PayloadPart": {
            "Bytes": {"target": BLOB, "traits": {"smithy.api#eventPayload": {}}},
            "Kind": {"target": STRING, "traits": {"smithy.api#eventHeader": {}}}
        }}));
        assert_eq!(got, Some(BlobDataEvent { event: 1, member: "Bytes".into() }));
        // The one blob member of a JSON event body.
        let got = blob_data(json!({"chunk": {"bytes": {"target": BLOB}, "index": {"target": STRING}}}));
        assert_eq!(got, Some(BlobDataEvent { event: 0, member: "bytes".into() }));
    }

    #[test]
    fn no_data_when_which_bytes_continue_which_is_a_guess() {
        // Two blobs in one body, two events with blobs, a string payload, no blob at all.
        assert_eq!(blob_data(json!({"Part": {"a": {"target": BLOB}, "b": {"target": BLOB}}})), None);
        assert_eq!(blob_data(json!({"A": {"a": {"target": BLOB}}, "B": {"b": {"target": BLOB}}})), None);
        assert_eq!(blob_data(json!({"Text": {"t": {"target": STRING, "traits": {"smithy.api#eventPayload": {}}}}})), None);
        assert_eq!(blob_data(json!({"Text": {"t": {"target": STRING}}})), None);
    }
}
