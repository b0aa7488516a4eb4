//! The command-line plan: which operations get a command and under which names, which
//! structures and unions need specs and JSON conversions, and every Rust name the CLI emitter
//! writes, decided once here and checked for collisions. `emit::cli` renders it.

use crate::error::{Error, Errors};
use crate::ir::{Binding, EventPayload, Operation, Service, Type};
use crate::model::ShapeId;
use heck::{ToKebabCase, ToSnakeCase};
use std::collections::{BTreeMap, BTreeSet};

/// The command-line client of one service.
#[derive(Debug, Clone)]
pub struct CliPlan {
    /// The package name (`<client crate>-cli`).
    pub package: String,
    /// The binary's name (the client crate's).
    pub binary: String,
    /// The client crate as a Rust path segment.
    pub client: String,
    /// One command per operation that has one, in model order.
    pub commands: Vec<Command>,
    /// Operations without a command, and why.
    pub without_command: Vec<NoCommand>,
    /// Structures and unions reachable from the commands' inputs (they are read from JSON).
    pub input_shapes: BTreeSet<ShapeId>,
    /// Structures and unions reachable from the commands' outputs (they are written as JSON).
    pub output_shapes: BTreeSet<ShapeId>,
    /// The names generated for each reachable structure and union.
    pub shapes: BTreeMap<ShapeId, ShapeNames>,
    /// The command-line option of each member (`endpoint-name` for `--endpoint-name`), by
    /// member index, for the reachable structures and unions and each command's input and
    /// output.
    pub options: BTreeMap<ShapeId, Vec<String>>,
    /// The input event-stream unions whose events are given as JSON ([`EventForm::Json`]): they
    /// get a spec and a conversion from JSON, as other unions do.
    pub json_event_unions: BTreeSet<ShapeId>,
}

/// A subcommand.
#[derive(Debug, Clone)]
pub struct Command {
    /// The operation's index in [`Service::operations`].
    pub operation: usize,
    /// The subcommand (`invoke-endpoint`).
    pub name: String,
    /// `async fn` making the call and writing its output.
    pub call_fn: String,
    /// `fn` setting the canonical input JSON on the fluent builder.
    pub input_fn: String,
    /// `fn` writing the built input back as JSON (the round-trip test).
    pub input_json_fn: String,
    /// The output member written to the `outfile` argument: a payload blob or an event stream.
    pub outfile: Option<usize>,
    /// The outfile is written as the response arrives (an event stream or a streamed blob).
    pub streaming: bool,
    /// The command takes `--decode lines|sse|json`: its output event stream has blob data
    /// (`EventStream::blob_data`), which is then written decoded, one item per line.
    pub decode: bool,
    /// The input event stream, when the operation has one: how the command line gives its events.
    pub input_events: Option<InputEvents>,
    /// `fn` reading a modeled error's members other than its message, printed after the
    /// message (`OriginalStatusCode: 424`); `None` when no error of the operation has any.
    pub error_details_fn: Option<String>,
    /// The operation's result is an S3 object (customization data): the command takes
    /// `--wait-for-result PATH` and `--wait-timeout SECONDS`.
    pub wait_for_result: Option<crate::ir::AsyncResult>,
}

/// The members of a modeled error printed after its message: every member but the message
/// (the member named `message` in any case, as the error's `message()` reads it), the HTTP
/// status and streams.
pub fn error_detail_members(s: &crate::ir::Structure) -> impl Iterator<Item = &crate::ir::Member> {
    s.members.iter().filter(|m| {
        !(m.name.eq_ignore_ascii_case("message") && m.ty == Type::String)
            && m.binding != Binding::ResponseCode
            && !matches!(m.ty, Type::Blob { streaming: true } | Type::EventStream { .. })
    })
}

/// How a command sends its operation's input event stream: one event per line of standard input
/// (or per value of the events option), the request stream ending with the input.
#[derive(Debug, Clone)]
pub struct InputEvents {
    /// The input member that is the stream, by index (it is neither an option nor a key of
    /// `--cli-input-json`).
    pub member: usize,
    /// The stream's union.
    pub union: ShapeId,
    /// The option giving events instead of standard input (`event`, for `--event`).
    pub option: String,
    /// What each line or value is.
    pub form: EventForm,
}

/// What one line of standard input (or one value of the events option) is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventForm {
    /// The payload of one event: the event's structure has exactly one blob `@eventPayload`
    /// member and otherwise only scalar `@eventHeader` members, each an option applied to every
    /// event.
    Payload {
        /// The event (union member), by index.
        event: usize,
        /// The event structure's blob payload member, by index.
        payload: usize,
        /// The event structure's header members, by index, with their options.
        headers: Vec<(usize, String)>,
    },
    /// A JSON object naming the event, `{"Event": {...members}}` (the form the CLI prints output
    /// events without blobs in), read with the JSON conversions of the stream's union.
    Json,
}

/// An operation without a subcommand.
#[derive(Debug, Clone)]
pub struct NoCommand {
    /// The operation's name.
    pub operation: String,
    /// The subcommand it would have.
    pub name: String,
    /// Why it has none.
    pub why: String,
}

/// The names generated for one structure or union.
#[derive(Debug, Clone)]
pub struct ShapeNames {
    /// The `static` holding its spec.
    pub spec: String,
    /// `fn` reading it from canonical JSON.
    pub from_json: String,
    /// `fn` writing it as JSON.
    pub to_json: String,
}

impl CliPlan {
    /// The names of a structure or union the plan covers.
    pub fn shape(&self, id: &str) -> &ShapeNames {
        self.shapes.get(id).unwrap_or_else(|| panic!("{id} is not reachable from a command: the CLI plan covers every shape it renders"))
    }

    /// The options of a structure's or union's members, by member index.
    pub fn options(&self, id: &str) -> &[String] {
        self.options.get(id).map_or(&[], Vec::as_slice)
    }
}

/// How a command line gives the events of `op`'s input event stream, if it has one; `Err` when
/// it cannot (the operation then has no command), with the reason.
///
/// The rule, generic over models: (a) when the stream's union has an event whose structure has
/// exactly one blob `@eventPayload` member and otherwise only scalar `@eventHeader` members
/// (the first such event), each line or value is that payload's bytes and each header member
/// an option (`event-` prefixed when an input member's option has its name); (b) otherwise each
/// line or value is the JSON of one event, `{"Event": {...}}`, which needs every event's members
/// to be of types the JSON conversions build.
fn input_events(svc: &Service, op: &Operation) -> Result<Option<InputEvents>, String> {
    let input = svc.structure(&op.input);
    let Some((member, union)) = input.members.iter().enumerate().find_map(|(i, m)| match &m.ty {
        Type::EventStream { union, .. } => Some((i, union.clone())),
        _ => None,
    }) else {
        return Ok(None);
    };
    let u = &svc.unions[&union];
    let events = u.event_stream.as_ref().map(|e| e.events.as_slice()).unwrap_or_default();
    if events.is_empty() {
        return Err("its input event stream has no event to send (only error events)".into());
    }
    // The options the event options must not take: the other input members'.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (i, m) in input.members.iter().enumerate() {
        if i != member {
            let option = m.name.to_kebab_case();
            if m.ty == Type::Boolean {
                taken.insert(format!("no-{option}"));
            }
            taken.insert(option);
        }
    }
    let option = ["event".to_string(), format!("{}-event", input.members[member].name.to_kebab_case())]
        .into_iter()
        .find(|o| !taken.contains(o))
        .ok_or_else(|| format!("the options `--event` and `--{}-event` are both input members' options", input.members[member].name.to_kebab_case()))?;
    taken.insert(option.clone());
    let payload_event = events.iter().enumerate().find_map(|(index, event)| {
        let s = svc.structure(&event.target);
        let EventPayload::Member(payload) = &event.payload else { return None };
        let payload = s.members.iter().position(|m| &m.name == payload && m.ty == (Type::Blob { streaming: false }))?;
        let headers: Vec<usize> = (0..s.members.len()).filter(|&i| i != payload).collect();
        headers
            .iter()
            .all(|&i| event.headers.contains(&s.members[i].name) && is_scalar(&s.members[i].ty))
            .then_some((index, payload, headers))
    });
    let form = match payload_event {
        Some((event, payload, headers)) => {
            let s = svc.structure(&events[event].target);
            let mut options = Vec::new();
            for i in headers {
                let name = s.members[i].name.to_kebab_case();
                // A boolean's `--no-` form is an option too.
                let boolean = s.members[i].ty == Type::Boolean;
                let option = [name.clone(), format!("event-{name}")]
                    .into_iter()
                    .find(|o| !(taken.contains(o) || (boolean && taken.contains(&format!("no-{o}")))))
                    .ok_or_else(|| format!("its event header `{}` has no free option: `--{name}` and `--event-{name}` are taken", s.members[i].name))?;
                taken.insert(option.clone());
                if boolean {
                    taken.insert(format!("no-{option}"));
                }
                options.push((i, option));
            }
            EventForm::Payload { event, payload, headers: options }
        }
        None => {
            for event in events {
                let mut seen = BTreeSet::new();
                if let Some(problem) = json_problem(svc, &Type::Structure(event.target.clone()), &mut seen) {
                    return Err(format!("its input event `{}` cannot be given as JSON: {problem}", event.name));
                }
            }
            EventForm::Json
        }
    };
    Ok(Some(InputEvents { member, union, option, form }))
}

/// Whether an event header of this type is one option value (every type `@eventHeader` allows).
fn is_scalar(ty: &Type) -> bool {
    !matches!(ty, Type::List(_) | Type::Map(_) | Type::Structure(_) | Type::Union(_) | Type::Document | Type::Unit | Type::EventStream { .. } | Type::Blob { streaming: true })
}

/// A member inside `ty` the JSON-to-shape conversions cannot build (a stream), if any.
fn json_problem(svc: &Service, ty: &Type, seen: &mut BTreeSet<ShapeId>) -> Option<String> {
    match ty {
        Type::EventStream { .. } | Type::Blob { streaming: true } => Some("it holds a stream".into()),
        Type::List(c) | Type::Map(c) => json_problem(svc, &c.item, seen),
        Type::Structure(id) if seen.insert(id.clone()) => svc
            .structure(id)
            .members
            .iter()
            .find_map(|m| json_problem(svc, &m.ty, seen).map(|p| format!("member `{}` of {id}: {p}", m.name))),
        Type::Union(id) if seen.insert(id.clone()) => svc.unions[id]
            .members
            .iter()
            .filter(|m| m.ty != Type::Unit)
            .find_map(|m| json_problem(svc, &m.ty, seen).map(|p| format!("member `{}` of {id}: {p}", m.name))),
        // A structure member cannot target Unit; a union member may (it is `{}`).
        Type::Unit => Some("it has no value".into()),
        _ => None,
    }
}

/// Plans the command-line client of `svc`.
pub fn plan(svc: &Service) -> Result<CliPlan, Errors> {
    let mut plan = CliPlan {
        package: format!("{}-cli", svc.crate_name),
        binary: svc.crate_name.clone(),
        client: svc.crate_name.replace('-', "_"),
        commands: Vec::new(),
        without_command: Vec::new(),
        input_shapes: BTreeSet::new(),
        output_shapes: BTreeSet::new(),
        shapes: BTreeMap::new(),
        options: BTreeMap::new(),
        json_event_unions: BTreeSet::new(),
    };
    let mut names = Names::default();
    for (index, op) in svc.operations.iter().enumerate() {
        let name = op.name.to_kebab_case();
        let input_events = match input_events(svc, op) {
            Ok(events) => events,
            Err(why) => {
                plan.without_command.push(NoCommand { operation: op.name.clone(), name, why });
                continue;
            }
        };
        if let Some(InputEvents { union, form: EventForm::Json, .. }) = &input_events {
            plan.json_event_unions.insert(union.clone());
        }
        let output = svc.structure(&op.output);
        let outfile = output
            .members
            .iter()
            .position(|m| m.binding == Binding::Payload && matches!(m.ty, Type::Blob { .. } | Type::EventStream { .. }));
        let streaming = outfile.is_some_and(|i| matches!(output.members[i].ty, Type::EventStream { .. } | Type::Blob { streaming: true }));
        let decode = outfile.is_some_and(|i| match &output.members[i].ty {
            Type::EventStream { union, .. } => svc.unions.get(union).and_then(|u| u.event_stream.as_ref()).is_some_and(|es| es.blob_data.is_some()),
            _ => false,
        });
        let input = svc.structure(&op.input);
        // The events of an input stream are read from JSON only in the JSON form; payloads and
        // header options need no conversions of the event's structure.
        let skip = input_events.as_ref().filter(|e| e.form != EventForm::Json).map(|e| e.member);
        for (i, m) in input.members.iter().enumerate() {
            if Some(i) != skip {
                walk(svc, &m.ty, &mut plan.input_shapes);
            }
        }
        let has_details = op.errors.iter().any(|e| error_detail_members(svc.structure(e)).next().is_some());
        for e in &op.errors {
            for m in error_detail_members(svc.structure(e)) {
                walk(svc, &m.ty, &mut plan.output_shapes);
            }
        }
        plan.commands.push(Command {
            error_details_fn: has_details.then(|| names.claim(format!("error_details_{}", op.file), &op.id)),
            operation: index,
            name,
            call_fn: names.claim(format!("call_{}", op.file), &op.id),
            input_fn: names.claim(format!("input_{}", op.file), &op.id),
            input_json_fn: names.claim(format!("out_input_{}", input.rust_name.to_snake_case()), &op.id),
            outfile,
            streaming,
            decode,
            input_events,
            wait_for_result: svc.async_results.get(&op.name).cloned(),
        });
        for m in &output.members {
            walk(svc, &m.ty, &mut plan.output_shapes);
        }
    }
    let reachable: BTreeSet<ShapeId> = plan.input_shapes.union(&plan.output_shapes).cloned().collect();
    let io = plan.commands.iter().flat_map(|c| {
        let op = &svc.operations[c.operation];
        [op.input.clone(), op.output.clone()]
    });
    for id in reachable.iter().cloned().chain(io) {
        let (rust_name, members) = match (svc.structures.get(&id), svc.unions.get(&id)) {
            (Some(s), _) => (&s.rust_name, &s.members),
            (_, Some(u)) => (&u.rust_name, &u.members),
            _ => continue,
        };
        let mut options = Vec::new();
        let mut seen = BTreeMap::new();
        for m in members {
            let option = m.name.to_kebab_case();
            if let Some(other) = seen.insert(option.clone(), m.name.clone()) {
                names.errors.push(Error::at(
                    format!("{id}${}", m.name),
                    format!("becomes the command-line option `--{option}`, as member `{other}` does"),
                ));
            }
            options.push(option);
        }
        plan.options.insert(id.clone(), options);
        // Specs and conversions are items of their own only for shapes inside the commands'
        // inputs and outputs; the inputs and outputs themselves are handled per command.
        if reachable.contains(&id) {
            let snake = rust_name.to_snake_case();
            let shape = ShapeNames {
                spec: names.claim(format!("SHAPE_{}", rust_name.to_uppercase()), &id),
                from_json: names.claim(format!("in_{snake}"), &id),
                to_json: names.claim(format!("out_{snake}"), &id),
            };
            plan.shapes.insert(id, shape);
        }
    }
    if names.errors.is_empty() {
        Ok(plan)
    } else {
        Err(Errors(names.errors))
    }
}

/// Structures and unions reachable from `ty` (event stream events included).
fn walk(svc: &Service, ty: &Type, seen: &mut BTreeSet<ShapeId>) {
    match ty {
        Type::List(c) | Type::Map(c) => walk(svc, &c.item, seen),
        Type::Structure(id) if seen.insert(id.clone()) => {
            for m in &svc.structure(id).members {
                walk(svc, &m.ty, seen);
            }
        }
        Type::Union(id) | Type::EventStream { union: id, .. } if seen.insert(id.clone()) => {
            for m in &svc.unions[id].members {
                walk(svc, &m.ty, seen);
            }
        }
        _ => {}
    }
}

/// The item names of the generated `main.rs`, each claimed once.
#[derive(Default)]
struct Names {
    owners: BTreeMap<String, String>,
    errors: Vec<Error>,
}

impl Names {
    fn claim(&mut self, name: String, owner: &str) -> String {
        if let Some(other) = self.owners.insert(name.clone(), owner.to_string()) {
            if other != owner {
                self.errors.push(Error::at(owner, format!("its command-line item `{name}` is also {other}'s")));
            }
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A service with one operation `Chat` whose input has `members` beside the stream `Body`
    /// of union `Events` with `events` (event name to its structure's members).
    fn service(members: Value, events: &[(&str, Value)]) -> Service {
        let ns = "test.events";
        let mut shapes = serde_json::Map::new();
        shapes.insert(format!("{ns}#Svc"), json!({"type": "service", "version": "1", "operations": [{"target": format!("{ns}#Chat")}],
            "traits": {"aws.protocols#restJson1": {}}}));
        shapes.insert(format!("{ns}#Chat"), json!({"type": "operation", "input": {"target": format!("{ns}#ChatInput")}, "output": {"target": "smithy.api#Unit"},
            "traits": {"smithy.api#http": {"method": "POST", "uri": "/chat/{Name}", "code": 200}}}));
        let mut input = members.as_object().unwrap().clone();
        input.insert("Name".into(), json!({"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}}));
        input.insert("Body".into(), json!({"target": format!("{ns}#Events"), "traits": {"smithy.api#httpPayload": {}}}));
        shapes.insert(format!("{ns}#ChatInput"), json!({"type": "structure", "members": input, "traits": {"smithy.api#input": {}}}));
        let mut union = serde_json::Map::new();
        for (name, members) in events {
            union.insert(name.to_string(), json!({"target": format!("{ns}#{name}Event")}));
            shapes.insert(format!("{ns}#{name}Event"), json!({"type": "structure", "members": members}));
        }
        shapes.insert(format!("{ns}#Events"), json!({"type": "union", "members": union, "traits": {"smithy.api#streaming": {}}}));
        let model = json!({"smithy": "2.0", "shapes": shapes});
        crate::lower_model(&model.to_string(), None).unwrap_or_else(|e| panic!("{e}"))
    }

    fn header(target: &str) -> Value {
        json!({"target": target, "traits": {"smithy.api#eventHeader": {}}})
    }

    fn chunk() -> Value {
        json!({
            "Bytes": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}},
            "DataType": header("smithy.api#String"),
            "Final": header("smithy.api#Boolean"),
        })
    }

    fn events_of(svc: &Service) -> Result<Option<InputEvents>, String> {
        input_events(svc, &svc.operations[0])
    }

    #[test]
    fn an_event_with_one_blob_payload_and_header_members_takes_payload_lines() {
        // An input member's option is `--data-type`: the header's becomes `--event-data-type`.
        let svc = service(json!({"DataType": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "x-data-type"}}}), &[
            ("Note", json!({"Text": {"target": "smithy.api#String"}})),
            ("Chunk", chunk()),
        ]);
        let events = events_of(&svc).unwrap().expect("a command");
        assert_eq!(events.option, "event");
        let union = &svc.unions[&events.union];
        let EventForm::Payload { event, payload, headers } = &events.form else { panic!("{:?}", events.form) };
        assert_eq!(union.members[*event].name, "Chunk", "the first event that fits");
        let Type::Structure(target) = &union.members[*event].ty else { panic!() };
        let s = svc.structure(target);
        assert_eq!(s.members[*payload].name, "Bytes");
        let headers: Vec<(&str, &str)> = headers.iter().map(|(i, o)| (s.members[*i].name.as_str(), o.as_str())).collect();
        assert_eq!(headers, [("DataType", "event-data-type"), ("Final", "final")]);
        let plan = plan(&svc).unwrap();
        assert!(plan.json_event_unions.is_empty());
        assert!(!plan.input_shapes.contains(target), "payloads need no JSON conversion of the event");
    }

    #[test]
    fn other_events_are_given_as_json() {
        // A member that is neither payload nor header; a string payload.
        for event in [
            json!({"Bytes": {"target": "smithy.api#Blob"}, "DataType": {"target": "smithy.api#String"}}),
            json!({"Text": {"target": "smithy.api#String", "traits": {"smithy.api#eventPayload": {}}}}),
        ] {
            let svc = service(json!({}), &[("Say", event)]);
            let events = events_of(&svc).unwrap().expect("a command");
            assert_eq!(events.form, EventForm::Json);
            let plan = plan(&svc).unwrap();
            assert!(plan.json_event_unions.contains(&events.union) && plan.input_shapes.contains(&events.union), "the union's conversion is rendered");
        }
        // An input member named `Event` takes `--event`: the events option is `--body-event`.
        let svc = service(json!({"Event": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "x-event"}}}), &[("Chunk", chunk())]);
        assert_eq!(events_of(&svc).unwrap().unwrap().option, "body-event");
    }

    #[test]
    fn events_the_command_line_cannot_build_mean_no_command_with_the_reason() {
        // A member type the JSON conversions cannot build (a stream inside an event).
        let mut svc = service(json!({}), &[("Say", json!({"Text": {"target": "smithy.api#String"}}))]);
        let target = svc.unions.values().find(|u| u.streaming).unwrap().event_stream.as_ref().unwrap().events[0].target.clone();
        let stream = svc.structure(&svc.operations[0].input).members.iter().find(|m| m.name == "Body").unwrap().ty.clone();
        svc.structures.get_mut(&target).unwrap().members[0].ty = stream;
        let plan = plan(&svc).unwrap();
        assert!(plan.commands.is_empty());
        assert_eq!(plan.without_command[0].why, format!("its input event `Say` cannot be given as JSON: member `Text` of {target}: it holds a stream"));
        // A stream of error events only.
        let mut svc = service(json!({}), &[("Say", json!({}))]);
        let union = svc.unions.values_mut().find(|u| u.streaming).unwrap();
        union.event_stream.as_mut().unwrap().events.clear();
        assert_eq!(events_of(&svc).unwrap_err(), "its input event stream has no event to send (only error events)");
    }
}
