//! Validate and normalise a loaded model, in a fixed order of small named steps:
//! add the prelude, validate references, merge `apply` statements, flatten
//! mixins ([`normalize`]); then, for the service to generate ([`for_service`]), bind
//! operations reached through resources, copy service errors onto operations and mark
//! members that close a cycle as boxed. Each step names the shape, member or JSON path
//! of every problem. Lowering reads the result and decides nothing of this again.

use crate::error::{Error, Errors, Result};
use crate::model::{Aggregate, Member, Model, Shape, ShapeId, ShapeRef, Simple};
use regex::Regex;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Runs every normalisation step in order.
pub fn normalize(mut model: Model) -> std::result::Result<Model, Errors> {
    add_prelude(&mut model);
    validate(&model)?;
    apply_statements(&mut model)?;
    flatten_mixins(&mut model)?;
    check_member_conflicts(&model)?;
    check_collection_nesting(&model)?;
    check_traits(&model)?;
    check_required_cycles(&model)?;
    Ok(model)
}

/// A synthetic member trait (never in a model file): the member closes a cycle of structures
/// and unions, so its Rust field is boxed.
pub const BOX_TRAIT: &str = "smithygen.synthetic#box";

/// Prepares a normalised model for lowering the service `service_id`, in a fixed order:
/// [`bind_resource_operations`], [`copy_service_errors`], [`box_recursive_members`].
pub fn for_service(mut model: Model, service_id: &str) -> Model {
    bind_resource_operations(&mut model, service_id);
    copy_service_errors(&mut model, service_id);
    box_recursive_members(&mut model);
    model
}

/// Binds every operation reached through the service's resources (and their child resources,
/// lifecycle operations included) directly to the service, once each, in shape-id order.
pub fn bind_resource_operations(model: &mut Model, service_id: &str) {
    let Some(Shape::Service(service)) = model.shapes.get(service_id) else { return };
    let mut op_ids: BTreeSet<ShapeId> = service.operations.iter().map(|r| r.target.clone()).collect();
    let mut resource_stack: Vec<ShapeId> = service.resources.iter().map(|r| r.target.clone()).collect();
    let mut seen_resources = BTreeSet::new();
    while let Some(rid) = resource_stack.pop() {
        if !seen_resources.insert(rid.clone()) {
            continue;
        }
        if let Some(Shape::Resource(r)) = model.shapes.get(&rid) {
            op_ids.extend(r.bound_operations().map(|op| op.target.clone()));
            resource_stack.extend(r.resources.iter().map(|c| c.target.clone()));
        }
    }
    if let Some(Shape::Service(service)) = model.shapes.get_mut(service_id) {
        service.operations = op_ids.into_iter().map(|target| ShapeRef { target }).collect();
    }
}

/// Appends the service's errors to the errors of each of its operations (after the
/// operation's own, without repeats).
pub fn copy_service_errors(model: &mut Model, service_id: &str) {
    let Some(Shape::Service(service)) = model.shapes.get(service_id) else { return };
    let errors: Vec<ShapeId> = service.errors.iter().map(|e| e.target.clone()).collect();
    let ops: Vec<ShapeId> = service.operations.iter().map(|r| r.target.clone()).collect();
    for op_id in ops {
        if let Some(Shape::Operation(op)) = model.shapes.get_mut(&op_id) {
            for e in &errors {
                if !op.errors.iter().any(|r| &r.target == e) {
                    op.errors.push(ShapeRef { target: e.clone() });
                }
            }
        }
    }
}

/// Marks every member [`members_to_box`] finds with [`BOX_TRAIT`].
pub fn box_recursive_members(model: &mut Model) {
    for member_id in members_to_box(model) {
        let Some((shape_id, name)) = member_id.split_once('$') else { continue };
        if let Some(m) = model.shapes.get_mut(shape_id).and_then(|s| s.member_mut(name)) {
            m.traits.insert(BOX_TRAIT.to_string(), Value::Object(Default::default()));
        }
    }
}

/// Adds the `smithy.api` prelude shapes the model does not define itself.
pub fn add_prelude(model: &mut Model) {
    let simple = |traits: Value| -> Simple {
        Simple { traits: serde_json::from_value(traits).unwrap_or_default(), mixins: Vec::new() }
    };
    let mut prelude: BTreeMap<ShapeId, Shape> = BTreeMap::new();
    let plain = json!({});
    for (name, shape) in [
        ("String", Shape::String(simple(plain.clone()))),
        ("Blob", Shape::Blob(simple(plain.clone()))),
        ("BigInteger", Shape::BigInteger(simple(plain.clone()))),
        ("BigDecimal", Shape::BigDecimal(simple(plain.clone()))),
        ("Timestamp", Shape::Timestamp(simple(plain.clone()))),
        ("Document", Shape::Document(simple(plain.clone()))),
        ("Boolean", Shape::Boolean(simple(plain.clone()))),
        ("PrimitiveBoolean", Shape::Boolean(simple(json!({"smithy.api#default": false})))),
        ("Byte", Shape::Byte(simple(plain.clone()))),
        ("PrimitiveByte", Shape::Byte(simple(json!({"smithy.api#default": 0})))),
        ("Short", Shape::Short(simple(plain.clone()))),
        ("PrimitiveShort", Shape::Short(simple(json!({"smithy.api#default": 0})))),
        ("Integer", Shape::Integer(simple(plain.clone()))),
        ("PrimitiveInteger", Shape::Integer(simple(json!({"smithy.api#default": 0})))),
        ("Long", Shape::Long(simple(plain.clone()))),
        ("PrimitiveLong", Shape::Long(simple(json!({"smithy.api#default": 0})))),
        ("Float", Shape::Float(simple(plain.clone()))),
        ("PrimitiveFloat", Shape::Float(simple(json!({"smithy.api#default": 0})))),
        ("Double", Shape::Double(simple(plain.clone()))),
        ("PrimitiveDouble", Shape::Double(simple(json!({"smithy.api#default": 0})))),
        (
            "Unit",
            Shape::Structure(Aggregate {
                traits: serde_json::from_value(json!({"smithy.api#unitType": {}})).unwrap_or_default(),
                ..Aggregate::default()
            }),
        ),
    ] {
        prelude.insert(format!("smithy.api#{name}"), shape);
    }
    model.merge_missing(Model { shapes: prelude, ..Model::default() });
}

fn shape_id_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*#[A-Za-z_][A-Za-z0-9_]*$")
            .expect("static regex")
    })
}

fn member_name_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").expect("static regex"))
}

/// Checks shape ids, member names and that every reference resolves.
pub fn validate(model: &Model) -> std::result::Result<(), Errors> {
    let mut errors = Vec::new();
    let exists = |id: &str| model.shapes.contains_key(id);
    for (id, shape) in &model.shapes {
        // An `apply` may target a member: `ns#Shape$member`.
        let well_formed = match (shape, split_member_id(id)) {
            (Shape::Apply(_), (base, Some(member))) => shape_id_regex().is_match(base) && member_name_regex().is_match(member),
            _ => shape_id_regex().is_match(id),
        };
        if !well_formed {
            errors.push(Error::at(
                format!("$.shapes[\"{id}\"]"),
                "malformed shape id: expected `namespace#Name` (e.g. `com.example#Widget`)",
            ));
            continue;
        }
        for (name, _) in shape.members() {
            if !member_name_regex().is_match(name) {
                errors.push(Error::at(format!("{id}${name}"), "malformed member name"));
            }
        }
        let mut check = |what: String, target: &str| {
            if !exists(target) {
                errors.push(Error::at(what, format!("targets `{target}`, which is not defined in the model")));
            }
        };
        for (name, member) in shape.members() {
            check(format!("{id}${name}"), &member.target);
        }
        for mixin in shape.mixins() {
            check(format!("{id} (mixins)"), &mixin.target);
        }
        match shape {
            Shape::Service(s) => {
                for r in s.operations.iter().chain(&s.resources).chain(&s.errors) {
                    check(format!("{id} (service)"), &r.target);
                }
            }
            Shape::Operation(o) => {
                for r in o.input.iter().chain(&o.output).chain(&o.errors) {
                    check(format!("{id} (operation)"), &r.target);
                }
                for r in o.input.iter().chain(&o.output).chain(&o.errors) {
                    if let Some(target) = model.shapes.get(&r.target) {
                        if !matches!(target, Shape::Structure(_)) {
                            errors.push(Error::at(
                                id.to_string(),
                                format!("input, output and errors must target structures; `{}` is a {}", r.target, target.type_name()),
                            ));
                        }
                    }
                }
            }
            Shape::Resource(r) => {
                for op in r.bound_operations().chain(&r.resources) {
                    check(format!("{id} (resource)"), &op.target);
                }
                for (name, ident) in r.identifiers.iter().chain(&r.properties) {
                    check(format!("{id} (resource identifier/property `{name}`)"), &ident.target);
                }
            }
            _ => {}
        }
    }
    // `apply` statements are keyed by their target, which must exist.
    for (id, shape) in &model.shapes {
        if let Shape::Apply(_) = shape {
            let (base, member) = split_member_id(id);
            // A shape-level `apply` shares its key with its target, so it finds itself: the target is missing.
            match model.shapes.get(base) {
                None | Some(Shape::Apply(_)) => errors.push(Error::at(id.clone(), "`apply` targets a shape that is not defined")),
                Some(target) => {
                    if let Some(m) = member {
                        if !target.members().iter().any(|(n, _)| *n == m) && mixin_member_target(model, base, m).is_none() {
                            errors.push(Error::at(id.clone(), format!("`apply` targets member `{m}`, which `{base}` does not have")));
                        }
                    }
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// The target of member `member` that shape `id` inherits from its mixins (at any depth).
fn mixin_member_target(model: &Model, id: &str, member: &str) -> Option<ShapeId> {
    let mut stack: Vec<&str> = model.shapes.get(id)?.mixins().iter().map(|m| m.target.as_str()).collect();
    let mut seen = BTreeSet::new();
    while let Some(mixin) = stack.pop() {
        if !seen.insert(mixin) {
            continue;
        }
        let Some(shape) = model.shapes.get(mixin) else { continue };
        if let Some((_, m)) = shape.members().into_iter().find(|(n, _)| *n == member) {
            return Some(m.target.clone());
        }
        stack.extend(shape.mixins().iter().map(|m| m.target.as_str()));
    }
    None
}

fn split_member_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once('$') {
        Some((base, member)) => (base, Some(member)),
        None => (id, None),
    }
}

/// Merges `apply` statements into their targets; list-valued traits concatenate.
pub fn apply_statements(model: &mut Model) -> Result<()> {
    let applies: Vec<(ShapeId, BTreeMap<String, Value>)> = model
        .shapes
        .iter()
        .filter_map(|(id, s)| match s {
            Shape::Apply(a) => Some((id.clone(), a.traits.clone())),
            _ => None,
        })
        .collect();
    for (id, traits) in applies {
        model.shapes.remove(&id);
        let (base, member) = split_member_id(&id);
        // Applying to a member inherited from a mixin redefines it locally; flattening merges the two.
        let inherited = member
            .filter(|m| model.shapes.get(base).is_some_and(|s| !s.members().iter().any(|(n, _)| n == m)))
            .and_then(|m| mixin_member_target(model, base, m).map(|target| (m, target)));
        if let (Some((m, target)), Some(Shape::Structure(a) | Shape::Union(a))) = (inherited, model.shapes.get_mut(base)) {
            a.members.0.push((m.to_string(), Member { target, traits: BTreeMap::new() }));
        }
        let shape = model
            .shapes
            .get_mut(base)
            .ok_or_else(|| Error::at(id.clone(), "`apply` target vanished"))?;
        let target_traits = match member {
            None => shape.traits_mut(),
            Some(m) => &mut shape
                .member_mut(m)
                .ok_or_else(|| Error::at(id.clone(), "`apply` member target not found"))?
                .traits,
        };
        for (name, value) in traits {
            merge_trait(target_traits, name, value);
        }
    }
    Ok(())
}

fn merge_trait(traits: &mut BTreeMap<String, Value>, name: String, value: Value) {
    match (traits.get_mut(&name), value) {
        (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
        (_, value) => {
            traits.insert(name, value);
        }
    }
}

/// Copies mixin members and traits into every shape that uses them, then drops
/// the mixin shapes. Mixins are resolved depth first, so mixins of mixins work.
pub fn flatten_mixins(model: &mut Model) -> Result<()> {
    let ids: Vec<ShapeId> = model.shapes.keys().cloned().collect();
    let mut done = BTreeSet::new();
    for id in &ids {
        flatten_one(model, id, &mut done, &mut Vec::new())?;
    }
    model.shapes.retain(|_, s| !s.traits().contains_key("smithy.api#mixin"));
    Ok(())
}

fn flatten_one(model: &mut Model, id: &str, done: &mut BTreeSet<ShapeId>, stack: &mut Vec<ShapeId>) -> Result<()> {
    if done.contains(id) {
        return Ok(());
    }
    if stack.iter().any(|s| s == id) {
        return Err(Error::at(id, format!("mixin cycle: {} -> {id}", stack.join(" -> "))));
    }
    let Some(shape) = model.shapes.get(id) else { return Ok(()) };
    let mixins: Vec<ShapeId> = shape.mixins().iter().map(|m| m.target.clone()).collect();
    if mixins.is_empty() {
        done.insert(id.to_string());
        return Ok(());
    }
    stack.push(id.to_string());
    for mixin in &mixins {
        flatten_one(model, mixin, done, stack)?;
    }
    stack.pop();

    let mut inherited_traits = BTreeMap::new();
    let mut inherited_members: Vec<(String, Member)> = Vec::new();
    for mixin_id in &mixins {
        let mixin = &model.shapes[mixin_id];
        let Some(mixin_trait) = mixin.traits().get("smithy.api#mixin") else {
            return Err(Error::at(id, format!("uses `{mixin_id}` as a mixin, but it has no @mixin trait")));
        };
        if mixin.type_name() != model.shapes[id].type_name() {
            return Err(Error::at(
                id,
                format!("a {} cannot use the {} `{mixin_id}` as a mixin", model.shapes[id].type_name(), mixin.type_name()),
            ));
        }
        let local_only: BTreeSet<String> = mixin_trait
            .get("localTraits")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        for (name, value) in mixin.traits() {
            if name != "smithy.api#mixin" && !local_only.contains(name) {
                inherited_traits.insert(name.clone(), value.clone());
            }
        }
        for (name, member) in mixin.members() {
            if let Some(existing) = inherited_members.iter().find(|(n, _)| n == name) {
                if existing.1.target != member.target {
                    return Err(Error::at(format!("{id}${name}"), "conflicting member inherited from two mixins"));
                }
                continue;
            }
            inherited_members.push((name.to_string(), member.clone()));
        }
    }
    let shape = model.shapes.get_mut(id).expect("checked above");
    // Local traits win over inherited ones.
    let local = std::mem::take(shape.traits_mut());
    *shape.traits_mut() = inherited_traits;
    shape.traits_mut().extend(local);
    // Inherited members come first; a local redefinition only adds traits.
    if let Shape::Structure(a) | Shape::Union(a) | Shape::Enum(a) | Shape::IntEnum(a) = shape {
        let local = std::mem::take(&mut a.members.0);
        let mut merged = inherited_members;
        for (name, member) in local {
            if let Some((_, existing)) = merged.iter_mut().find(|(n, _)| *n == name) {
                if existing.target != member.target {
                    return Err(Error::at(format!("{id}${name}"), "redefines a mixin member with a different target"));
                }
                existing.traits.extend(member.traits);
            } else {
                merged.push((name, member));
            }
        }
        a.members.0 = merged;
    }
    shape.mixins_mut().clear();
    done.insert(id.to_string());
    Ok(())
}

/// After flattening, member names must still be unique ignoring case.
pub fn check_member_conflicts(model: &Model) -> std::result::Result<(), Errors> {
    let mut errors = Vec::new();
    for (id, shape) in &model.shapes {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (name, _) in shape.members() {
            if let Some(previous) = seen.insert(name.to_ascii_lowercase(), name) {
                errors.push(Error::at(format!("{id}${name}"), format!("conflicts with member `{previous}` (names must differ ignoring case)")));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// Trait values the generator relies on, checked once with the place named: `@error`,
/// `@httpError`, `@length`, `@range`, `@pattern` and repeated enum values.
pub fn check_traits(model: &Model) -> std::result::Result<(), Errors> {
    let mut errors = Vec::new();
    for (id, shape) in &model.shapes {
        if matches!(shape, Shape::Apply(_)) {
            continue;
        }
        let traits = shape.traits();
        if let Some(v) = traits.get("smithy.api#error") {
            if !matches!(v.as_str(), Some("client" | "server")) {
                errors.push(Error::at(id.clone(), format!("@error must be \"client\" or \"server\", not {v}")));
            }
        }
        if let Some(v) = traits.get("smithy.api#httpError") {
            // Smithy's text asks for 400–599, but AWS's published models also answer errors with
            // redirects (License Manager's `RedirectException` is 308) and the official SDKs
            // generate them: any status that is not a success (300–599) is accepted.
            if !v.as_u64().is_some_and(|code| (300..=599).contains(&code)) {
                errors.push(Error::at(id.clone(), format!("@httpError must be a non-success HTTP status code from 300 to 599, not {v}")));
            }
        }
        check_constraint_traits(model, id, shape, traits, &mut errors);
        for (name, member) in shape.members() {
            let at = format!("{id}${name}");
            if let Some(target) = model.shapes.get(&member.target) {
                check_constraint_traits(model, &at, target, &member.traits, &mut errors);
            }
        }
        if let Shape::Enum(a) | Shape::IntEnum(a) = shape {
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for (name, member) in a.members.iter() {
                let value = match member.traits.get("smithy.api#enumValue") {
                    Some(v) => v.to_string(),
                    None => Value::String(name.clone()).to_string(),
                };
                if let Some(first) = seen.insert(value.clone(), name) {
                    errors.push(Error::at(format!("{id}${name}"), format!("has the value {value}, like `{first}`; enum values must be unique")));
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// `@length`, `@range` and `@pattern` at `at` (a shape or member) whose value shape is `target`.
fn check_constraint_traits(_model: &Model, at: &str, target: &Shape, traits: &BTreeMap<String, Value>, errors: &mut Vec<Error>) {
    let numeric = matches!(
        target,
        Shape::Byte(_) | Shape::Short(_) | Shape::Integer(_) | Shape::Long(_) | Shape::Float(_) | Shape::Double(_)
            | Shape::BigInteger(_) | Shape::BigDecimal(_) | Shape::IntEnum(_)
    );
    for (name, bounds_of) in [("smithy.api#length", "a length"), ("smithy.api#range", "a range")] {
        let Some(v) = traits.get(name) else { continue };
        let short = name.trim_start_matches("smithy.api#");
        let applies = match short {
            "length" => matches!(target, Shape::String(_) | Shape::Enum(_) | Shape::Blob(_) | Shape::List(_) | Shape::Set(_) | Shape::Map(_)),
            _ => numeric,
        };
        if !applies {
            errors.push(Error::at(at, format!("@{short} does not apply to {} {} shape", article(target.type_name()), target.type_name())));
            continue;
        }
        let Some(obj) = v.as_object() else {
            errors.push(Error::at(at, format!("@{short} must be an object with `min` and/or `max`, not {v}")));
            continue;
        };
        let mut bound = |key: &str| -> Option<f64> {
            let value = obj.get(key)?;
            let number = value.as_f64().filter(|n| short == "range" || (*n >= 0.0 && n.fract() == 0.0));
            if number.is_none() {
                errors.push(Error::at(at, format!("@{short} `{key}` must be {}, not {value}", if short == "length" { "a whole number of at least 0" } else { "a number" })));
            }
            number
        };
        if let (Some(min), Some(max)) = (bound("min"), bound("max")) {
            if min > max {
                errors.push(Error::at(at, format!("@{short} has min {min} over max {max}: no value fits {bounds_of} like that")));
            }
        }
    }
    if let Some(v) = traits.get("smithy.api#pattern") {
        match v.as_str() {
            None => errors.push(Error::at(at, format!("@pattern must be a string, not {v}"))),
            Some(pattern) => {
                if let Err(why) = pattern_syntax(pattern) {
                    errors.push(Error::at(at, format!("@pattern `{pattern}` is not a regular expression any engine compiles: {why}")));
                }
            }
        }
    }
}

/// Checks `pattern` for errors of plain regular-expression syntax (an unclosed group or
/// class, a repetition `{2,1}`, a range `[z-a]`, a dangling escape). Constructs that only some
/// engines know (lookaround, backreferences, possessive quantifiers, Java classes) pass
/// here: the server's pattern translation decides about those.
fn pattern_syntax(pattern: &str) -> std::result::Result<(), String> {
    use regex_syntax::ast::ErrorKind as K;
    match regex_syntax::ast::parse::Parser::new().parse(pattern) {
        Ok(_) => Ok(()),
        Err(e) => match e.kind() {
            K::GroupUnclosed
            | K::GroupUnopened
            | K::ClassUnclosed
            | K::ClassRangeInvalid
            | K::RepetitionCountInvalid
            | K::RepetitionCountUnclosed
            | K::RepetitionCountDecimalEmpty
            | K::EscapeUnexpectedEof
            | K::NestLimitExceeded(_) => Err(format!("{} (at byte {})", e.kind(), e.span().start.offset)),
            _ => Ok(()),
        },
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// A structure whose required members lead back to it can have no finite value (Smithy
/// forbids it): each such cycle is reported once, at the member that closes it.
pub fn check_required_cycles(model: &Model) -> std::result::Result<(), Errors> {
    let required_edges = |id: &str| -> Vec<(String, String)> {
        match model.shapes.get(id) {
            Some(Shape::Structure(a)) => a
                .members
                .iter()
                .filter(|(_, m)| m.traits.contains_key("smithy.api#required"))
                .filter(|(_, m)| matches!(model.shapes.get(&m.target), Some(Shape::Structure(_))))
                .map(|(n, m)| (n.clone(), m.target.clone()))
                .collect(),
            _ => Vec::new(),
        }
    };
    // Iterative depth-first search: 0 unvisited, 1 on the current path, 2 done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut errors = Vec::new();
    for start in model.shapes.keys() {
        if state.get(start.as_str()).copied().unwrap_or(0) != 0 || !matches!(model.shapes.get(start), Some(Shape::Structure(_))) {
            continue;
        }
        let mut stack: Vec<(&str, Vec<(String, String)>)> = vec![(start, required_edges(start))];
        state.insert(start, 1);
        while let Some((node, edges)) = stack.last_mut() {
            let node: &str = node;
            match edges.pop() {
                Some((member, target)) => {
                    let Some((target, _)) = model.shapes.get_key_value(&target) else { continue };
                    match state.get(target.as_str()).copied().unwrap_or(0) {
                        0 => {
                            state.insert(target, 1);
                            let next = required_edges(target);
                            stack.push((target, next));
                        }
                        1 => {
                            let at = stack.iter().position(|(n, _)| *n == target.as_str()).unwrap_or(0);
                            let cycle: Vec<&str> = stack[at..].iter().map(|(n, _)| *n).chain([target.as_str()]).collect();
                            errors.push(Error::at(
                                format!("{node}${member}"),
                                format!("closes a cycle of required members ({}): no value of these structures can be finite; make one member optional", cycle.join(" -> ")),
                            ));
                        }
                        _ => {}
                    }
                }
                None => {
                    state.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// How deeply lists and maps may nest directly in one another (`List<Map<List<...>>>`);
/// real models use a handful of levels, and the Rust types and (de)serializers of deeper
/// ones only grow the generated code and the generator's stack.
pub const MAX_COLLECTION_NESTING: usize = 32;

/// The element (list, set) or value (map) member of a collection shape.
fn collection_item(shape: &Shape) -> Option<(&'static str, &Member)> {
    match shape {
        Shape::List(l) | Shape::Set(l) => Some(("member", &l.member)),
        Shape::Map(m) => Some(("value", &m.value)),
        _ => None,
    }
}

/// Lists and maps that contain themselves without a structure or union on the way have no
/// finite Rust type (Smithy forbids them too), and very deep nesting is refused: each error
/// names the member that closes the cycle or passes the limit.
pub fn check_collection_nesting(model: &Model) -> std::result::Result<(), Errors> {
    /// Depth of a collection already reported as part of a bad chain.
    const REPORTED: usize = usize::MAX;
    let mut errors = Vec::new();
    // The nesting depth of every collection already measured.
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, shape) in &model.shapes {
        if collection_item(shape).is_none() || depth.contains_key(id.as_str()) {
            continue;
        }
        // Walk the chain of collections from `id`; it has no branches (one item member each).
        let mut path: Vec<&str> = vec![id];
        let mut on_path: BTreeSet<&str> = BTreeSet::from([id.as_str()]);
        let mut problem = None;
        let mut below = 0;
        while let Some(last) = path.last().copied() {
            let Some((member_name, member)) = model.shapes.get(last).and_then(collection_item) else { break };
            let next = member.target.as_str();
            if on_path.contains(next) {
                if problem.is_none() {
                    let at = path.iter().position(|p| *p == next).unwrap_or(0);
                    let cycle: Vec<&str> = path[at..].iter().copied().chain([next]).collect();
                    problem = Some(Error::at(
                        format!("{last}${member_name}"),
                        format!(
                            "targets `{next}` again through lists and maps only ({}); a recursive list or map must pass through a structure or union",
                            cycle.join(" -> ")
                        ),
                    ));
                }
                break;
            }
            if let Some(known) = depth.get(next) {
                below = *known;
                break;
            }
            if model.shapes.get(next).is_none_or(|s| collection_item(s).is_none()) {
                break;
            }
            if path.len() + 1 > MAX_COLLECTION_NESTING && problem.is_none() {
                problem = Some(Error::at(
                    format!("{last}${member_name}"),
                    format!("lists and maps nest more than {MAX_COLLECTION_NESTING} levels deep here, starting at `{id}`; wrap a level in a structure"),
                ));
            }
            // After a problem the walk goes on only to mark the rest of the chain as reported.
            path.push(next);
            on_path.insert(next);
        }
        if below == REPORTED || problem.is_some() {
            errors.extend(problem);
            for p in path {
                depth.insert(p, REPORTED);
            }
            continue;
        }
        for (i, p) in path.iter().enumerate() {
            depth.insert(p, path.len() - i + below);
        }
        if path.len() + below > MAX_COLLECTION_NESTING {
            let (name, _) = collection_item(shape).expect("a collection");
            errors.push(Error::at(
                format!("{id}${name}"),
                format!("lists and maps nest {} levels deep here; at most {MAX_COLLECTION_NESTING} are supported, wrap a level in a structure", path.len() + below),
            ));
            for p in path {
                depth.insert(p, REPORTED);
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// Member edges between structures and unions that close a cycle need a `Box`.
/// Returns the set of `shape$member` ids to box: every direct edge inside a
/// strongly connected component (lists and maps already allocate, so they
/// break cycles and are not followed).
pub fn members_to_box(model: &Model) -> BTreeSet<String> {
    // Direct edges: structure/union members that target a structure or union.
    let ids: Vec<&str> = model.shapes.keys().map(String::as_str).collect();
    let index: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let edges: Vec<Vec<(&str, usize)>> = ids
        .iter()
        .map(|id| match model.shapes.get(*id) {
            Some(Shape::Structure(a)) | Some(Shape::Union(a)) => a
                .members
                .iter()
                .filter(|(_, m)| matches!(model.shapes.get(&m.target), Some(Shape::Structure(_)) | Some(Shape::Union(_))))
                .filter_map(|(n, m)| Some((n.as_str(), *index.get(m.target.as_str())?)))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    // Tarjan's strongly connected components, iterative (a chain of thousands of
    // structures must not exhaust the stack), linear in shapes and members.
    let n = ids.len();
    let mut order = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_order = 0;
    let mut components = 0;
    for root in 0..n {
        if order[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&(_, w)) = edges[v].get(*i) {
                *i += 1;
                if order[w] == usize::MAX {
                    order[w] = next_order;
                    low[w] = next_order;
                    next_order += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    // An edge inside one component (a self-edge included) closes a cycle.
    let mut boxed = BTreeSet::new();
    for (v, out) in edges.iter().enumerate() {
        for (name, w) in out {
            if component[v] == component[*w] {
                boxed.insert(format!("{}${name}", ids[v]));
            }
        }
    }
    boxed
}
