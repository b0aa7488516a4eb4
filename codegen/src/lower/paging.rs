//! Lowering of paginators (`smithy.api#paginated`, the service's defaults merged under each
//! operation's) and waiters (`smithy.waiters#waitable`) onto the lowered operations: member
//! paths become field paths, JMESPath expressions are checked to parse, names are decided here.
//! Nothing here depends on the protocol: a paginator sets an input member and reads an output
//! member, a waiter reads the output (or the error's code).

use crate::error::{Error, Errors};
use crate::ir::paging::*;
use crate::ir::{Member, Service, Structure, Type};
use crate::model::{Model, Shape, ShapeId};
use heck::{ToKebabCase, ToSnakeCase};
use serde_json::Value;
use std::collections::BTreeSet;

const PAGINATED: &str = "smithy.api#paginated";
const WAITABLE: &str = "smithy.waiters#waitable";

/// Fills `svc.paginators` and `svc.waiters` from the model's traits.
pub(super) fn lower(model: &Model, svc: &mut Service) -> Result<(), Errors> {
    let mut errors = Vec::new();
    let defaults = match model.shapes.get(&svc.id) {
        Some(Shape::Service(s)) => s.traits.get(PAGINATED).cloned(),
        _ => None,
    };
    let mut paginators = Vec::new();
    let mut waiters = Vec::new();
    for op in &svc.operations {
        let Some(Shape::Operation(shape)) = model.shapes.get(&op.id) else { continue };
        if let Some(trait_value) = shape.traits.get(PAGINATED) {
            match paginator(svc, &op.name, &op.input, &op.output, defaults.as_ref(), trait_value) {
                Ok(p) => paginators.push(p),
                Err(e) => errors.push(Error::at(&op.id, format!("@paginated: {e}"))),
            }
        }
        if let Some(Value::Object(map)) = shape.traits.get(WAITABLE) {
            for (name, value) in map {
                match waiter(svc, &op.name, &op.input, &op.output, name, value) {
                    Ok(w) => waiters.push(w),
                    Err(e) => errors.push(Error::at(&op.id, format!("waiter `{name}`: {e}"))),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    waiters.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = waiters.windows(2).find(|w| w[0].module == w[1].module) {
        return Err(Error::at(&svc.id, format!("waiters `{}` and `{}` have the same Rust name", pair[0].name, pair[1].name)).into());
    }
    svc.paginators = paginators.into_iter().map(|p| (p.operation.clone(), p)).collect();
    svc.waiters = waiters;
    Ok(())
}

fn member<'s>(s: &'s Structure, name: &str) -> Result<&'s Member, String> {
    s.members.iter().find(|m| m.name == name).ok_or_else(|| format!("`{}` has no member `{name}`", s.rust_name))
}

fn has_stream(s: &Structure) -> bool {
    s.members.iter().any(|m| matches!(m.ty, Type::EventStream { .. } | Type::Blob { streaming: true }))
}

/// A dotted member path from a structure: the steps and the last member.
fn path<'s>(svc: &'s Service, from: &ShapeId, text: &str) -> Result<(Vec<PathStep>, &'s Member), String> {
    let mut structure = svc.structure(from);
    let mut steps = Vec::new();
    let parts: Vec<&str> = text.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let m = member(structure, part)?;
        steps.push(PathStep { field: m.field.clone(), optional: m.is_optional(), boxed: m.boxed });
        if i + 1 == parts.len() {
            return Ok((steps, m));
        }
        match &m.ty {
            Type::Structure(id) => structure = svc.structure(id),
            _ => return Err(format!("`{text}`: `{part}` is not a structure, so the path cannot go on")),
        }
    }
    Err(format!("empty member path `{text}`"))
}

fn paginator(
    svc: &Service,
    operation: &str,
    input: &ShapeId,
    output: &ShapeId,
    defaults: Option<&Value>,
    own: &Value,
) -> Result<Paginator, String> {
    // The operation's settings win over the service's, key by key (Smithy's merge rule).
    let setting = |key: &str| own.get(key).or_else(|| defaults.and_then(|d| d.get(key))).and_then(Value::as_str);
    let (Some(input_token), Some(output_token)) = (setting("inputToken"), setting("outputToken")) else {
        return Err("needs inputToken and outputToken (on the operation or the service)".into());
    };
    if has_stream(svc.structure(input)) {
        return Err("the input has a stream, which a paginator cannot send twice".into());
    }
    let input_member = member(svc.structure(input), input_token)?;
    let (output_steps, output_member) = path(svc, output, output_token)?;
    if input_member.ty != output_member.ty {
        return Err(format!("inputToken `{input_token}` and outputToken `{output_token}` have different types"));
    }
    let page_size = match setting("pageSize") {
        Some(name) => {
            let m = member(svc.structure(input), name)?;
            if !matches!(m.ty, Type::Byte | Type::Short | Type::Integer | Type::Long) {
                return Err(format!("pageSize `{name}` is not an integer"));
            }
            Some(PageSize { name: m.name.clone(), setter: m.setter.clone(), field: m.field.clone(), ty: m.ty.clone() })
        }
        None => None,
    };
    let items = match setting("items") {
        Some(text) => {
            let (steps, m) = path(svc, output, text)?;
            if !matches!(m.ty, Type::List(_) | Type::Map(_)) {
                return Err(format!("items `{text}` is not a list or a map"));
            }
            Some(Items { path: steps, ty: m.ty.clone() })
        }
        None => None,
    };
    let op = svc.operations.iter().find(|o| o.name == operation).expect("lowered operation");
    let type_stem = op.name_type.clone();
    Ok(Paginator {
        operation: operation.to_string(),
        name: format!("{type_stem}Paginator"),
        items_name: items.as_ref().map(|_| format!("{type_stem}PaginatorItems")),
        input_token: TokenMember {
            name: input_member.name.clone(),
            setter: input_member.setter.clone(),
            getter: input_member.getter.clone(),
        },
        output_token: output_steps,
        token_can_be_empty: matches!(output_member.ty, Type::String | Type::List(_) | Type::Map(_)),
        page_size,
        items,
    })
}

fn waiter(svc: &Service, operation: &str, input: &ShapeId, output: &ShapeId, name: &str, v: &Value) -> Result<Waiter, String> {
    let delay = |key: &str, default: u64| -> Result<u64, String> {
        match v.get(key) {
            None => Ok(default),
            Some(d) => d.as_u64().filter(|d| *d >= 1).ok_or_else(|| format!("{key} must be an integer of at least 1, not {d}")),
        }
    };
    let min_delay = delay("minDelay", 2)?;
    let max_delay = delay("maxDelay", 120)?;
    if max_delay < min_delay {
        return Err(format!("maxDelay ({max_delay}) is below minDelay ({min_delay})"));
    }
    if has_stream(svc.structure(input)) {
        return Err("the input has a stream, which a waiter cannot send twice".into());
    }
    let Some(list) = v.get("acceptors").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        return Err("needs at least one acceptor".into());
    };
    let mut acceptors = Vec::new();
    let mut viewed = BTreeSet::new();
    for (i, a) in list.iter().enumerate() {
        let state = match a.get("state").and_then(Value::as_str) {
            Some("success") => AcceptorState::Success,
            Some("failure") => AcceptorState::Failure,
            Some("retry") => AcceptorState::Retry,
            other => return Err(format!("acceptor {i}: state {other:?} is not success, failure or retry")),
        };
        let m = a.get("matcher").and_then(Value::as_object).ok_or_else(|| format!("acceptor {i} has no matcher"))?;
        let matcher = if let Some(p) = m.get("output") {
            viewed.insert(output.clone());
            Matcher::Output(path_matcher(p).map_err(|e| format!("acceptor {i}: {e}"))?)
        } else if let Some(p) = m.get("inputOutput") {
            viewed.insert(input.clone());
            viewed.insert(output.clone());
            Matcher::InputOutput(path_matcher(p).map_err(|e| format!("acceptor {i}: {e}"))?)
        } else if let Some(b) = m.get("success") {
            Matcher::Success(b.as_bool().ok_or_else(|| format!("acceptor {i}: success must be a boolean"))?)
        } else if let Some(e) = m.get("errorType") {
            let e = e.as_str().ok_or_else(|| format!("acceptor {i}: errorType must be a string"))?;
            // An absolute shape id matches by its name, the error code on the wire.
            Matcher::ErrorType(e.rsplit('#').next().unwrap_or(e).to_string())
        } else {
            return Err(format!("acceptor {i}: unknown matcher {:?}", m.keys().collect::<Vec<_>>()));
        };
        acceptors.push(Acceptor { state, matcher });
    }
    let module = crate::naming::module_name(name);
    let type_stem = crate::naming::type_name(name);
    Ok(Waiter {
        name: name.to_string(),
        method: format!("wait_until_{}", name.to_snake_case()),
        fluent_builder: format!("{type_stem}FluentBuilder"),
        final_poll: format!("{type_stem}FinalPoll"),
        error_alias: format!("WaitUntil{type_stem}Error"),
        command: name.to_kebab_case(),
        module,
        operation: operation.to_string(),
        docs: v.get("documentation").and_then(Value::as_str).map(str::to_string),
        deprecated: v.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        min_delay,
        max_delay,
        acceptors,
        viewed: reachable(svc, viewed),
    })
}

fn path_matcher(v: &Value) -> Result<PathMatcher, String> {
    let path = v.get("path").and_then(Value::as_str).ok_or("the path matcher has no path")?;
    let expected = v.get("expected").and_then(Value::as_str).ok_or("the path matcher has no expected value")?;
    let comparator = match v.get("comparator").and_then(Value::as_str) {
        Some("stringEquals") => Comparator::StringEquals,
        Some("booleanEquals") => Comparator::BooleanEquals,
        Some("allStringEquals") => Comparator::AllStringEquals,
        Some("anyStringEquals") => Comparator::AnyStringEquals,
        other => return Err(format!("unknown comparator {other:?}")),
    };
    if comparator == Comparator::BooleanEquals && !matches!(expected, "true" | "false") {
        return Err(format!("booleanEquals expects `true` or `false`, not `{expected}`"));
    }
    // The same JMESPath implementation the generated crate evaluates it with.
    jmespath::compile(path).map_err(|e| {
        // The crate's message ends with the expression and a caret under the place: one line here.
        let first = e.to_string().lines().next().unwrap_or_default().to_string();
        format!("JMESPath `{path}` does not parse: {first}")
    })?;
    Ok(PathMatcher { path: path.to_string(), expected: expected.to_string(), comparator })
}

/// The structures and unions reachable from `roots`, roots included, in id order.
fn reachable(svc: &Service, roots: BTreeSet<ShapeId>) -> Vec<ShapeId> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<ShapeId> = roots.into_iter().collect();
    while let Some(id) = pending.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let members: &[Member] = match (svc.structures.get(&id), svc.unions.get(&id)) {
            (Some(s), _) => &s.members,
            (None, Some(u)) => &u.members,
            _ => continue,
        };
        for m in members {
            collect(&m.ty, &mut pending);
        }
    }
    seen.into_iter().collect()
}

fn collect(ty: &Type, pending: &mut Vec<ShapeId>) {
    match ty {
        Type::Structure(id) | Type::Union(id) => pending.push(id.clone()),
        Type::List(c) | Type::Map(c) => collect(&c.item, pending),
        _ => {}
    }
}
