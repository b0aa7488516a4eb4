//! Validate and normalise a loaded model, in a fixed order of small named steps:
//! add the prelude, validate references, merge `apply` statements, flatten
//! mixins. Each step names the shape, member or JSON path of every problem.

use crate::error::{Error, Errors, Result};
use crate::model::{Member, Model, Shape, ShapeId, Simple, Aggregate};
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
    Ok(model)
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

/// Member edges between structures and unions that close a cycle need a `Box`.
/// Returns the set of `shape$member` ids to box: every direct edge inside a
/// strongly connected component (lists and maps already allocate, so they
/// break cycles and are not followed).
pub fn members_to_box(model: &Model) -> BTreeSet<String> {
    let direct = |id: &str| -> Vec<(String, String)> {
        match model.shapes.get(id) {
            Some(Shape::Structure(a)) | Some(Shape::Union(a)) => a
                .members
                .iter()
                .filter(|(_, m)| matches!(model.shapes.get(&m.target), Some(Shape::Structure(_)) | Some(Shape::Union(_))))
                .map(|(n, m)| (n.clone(), m.target.clone()))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut boxed = BTreeSet::new();
    for id in model.shapes.keys() {
        for (name, target) in direct(id) {
            // Box the edge when `target` can reach `id` again through direct edges.
            let mut stack = vec![target.clone()];
            let mut seen = BTreeSet::new();
            while let Some(next) = stack.pop() {
                if next == *id {
                    boxed.insert(format!("{id}${name}"));
                    break;
                }
                if seen.insert(next.clone()) {
                    stack.extend(direct(&next).into_iter().map(|(_, t)| t));
                }
            }
        }
    }
    boxed
}
