//! Bringing a project model up to AWS's: `cargo xtask update-model`.
//!
//! A project model states the same facts as AWS's model of the service (shapes, members,
//! traits, endpoint rules and tests) with documentation written in the project's own words.
//! When AWS changes its model, [`merge`] takes every fact from AWS's new model and, for each
//! piece of documentation, keeps ours where the thing it documents did not change; a new or
//! changed thing gets [`TODO_MARKER`] instead of text, so the model's prose check fails until a
//! person writes it. AWS's prose never enters the result.
//!
//! "Prose" is what the facts test (`tests/tests/e2e/model_facts.rs`) leaves out of the comparison:
//! the `smithy.api#documentation` trait of shapes and members, and every `documentation` key
//! nested in other trait values (endpoint rule set parameters, endpoint test cases).

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The documentation trait.
pub const DOC_TRAIT: &str = "smithy.api#documentation";

/// What stands in for documentation still to be written. The facts test's documentation check
/// counts it as missing.
pub const TODO_MARKER: &str = "TODO(update-model): new or changed in AWS's model; describe it here in our own words.";

/// What [`merge`] did, for the person who reviews it.
#[derive(Debug, Default, PartialEq)]
pub struct Merged {
    /// The updated model.
    pub model: Value,
    /// Where documentation still has to be written (JSON paths, `shapes["id"].members.Name`).
    pub to_write: Vec<String>,
    /// How many pieces of our documentation were kept.
    pub kept: usize,
}

/// `upstream`'s facts with `ours`' documentation wherever the documented thing is unchanged.
pub fn merge(ours: &Value, upstream: &Value) -> Result<Merged, String> {
    let up_shapes = shapes(upstream).ok_or("AWS's model has no `shapes` object")?;
    let our_shapes = shapes(ours).ok_or("our model has no `shapes` object")?;
    let mut out = Merged::default();
    let mut top = Map::new();
    for (key, value) in upstream.as_object().into_iter().flatten() {
        if key != "shapes" {
            top.insert(key.clone(), value.clone());
        }
    }
    // Shapes in id order, as the project's models keep them.
    let sorted: BTreeMap<&String, &Value> = up_shapes.iter().collect();
    let mut merged_shapes = Map::new();
    for (id, up) in sorted {
        let path = format!("shapes[{id:?}]");
        let ours = our_shapes.get(id).filter(|o| o.get("type") == up.get("type"));
        merged_shapes.insert(id.clone(), merge_shape(&path, up, ours, &mut out));
    }
    top.insert("shapes".into(), Value::Object(merged_shapes));
    out.model = Value::Object(top);
    Ok(out)
}

fn shapes(model: &Value) -> Option<&Map<String, Value>> {
    model.get("shapes").and_then(Value::as_object)
}

/// One shape: its own documentation is kept when its own facts (everything but its members'
/// and the trait values whose documentation is merged item by item) are unchanged; each
/// member's when the member's facts are.
fn merge_shape(path: &str, up: &Value, ours: Option<&Value>, out: &mut Merged) -> Value {
    let mut shape = up.clone();
    let own_facts_same = ours.is_some_and(|o| own_facts(o) == own_facts(up));
    merge_traits(path, &mut shape, ours, own_facts_same, out);
    if let Some(members) = shape.get_mut("members").and_then(Value::as_object_mut) {
        for (name, member) in members.iter_mut() {
            let ours_member = ours.and_then(|o| o.get("members")).and_then(|m| m.get(name));
            let same = ours_member.is_some_and(|o| without_documentation(o) == without_documentation(member));
            let member_path = format!("{path}.members.{name}");
            merge_traits(&member_path, member, ours_member, same, out);
        }
    }
    shape
}

/// The facts of a shape that its own documentation describes.
fn own_facts(shape: &Value) -> Value {
    let mut shape = shape.clone();
    if let Some(map) = shape.as_object_mut() {
        map.remove("members");
        if let Some(traits) = map.get_mut("traits").and_then(Value::as_object_mut) {
            traits.retain(|_, value| !has_nested_documentation(value));
        }
    }
    without_documentation(&shape)
}

/// The traits of a shape or member (`holder`, already a copy of upstream's): the documentation
/// trait becomes ours (when `same`) or the marker (when upstream documents it); other trait
/// values get their nested documentation merged.
fn merge_traits(path: &str, holder: &mut Value, ours: Option<&Value>, same: bool, out: &mut Merged) {
    let our_traits = ours.and_then(|o| o.get("traits")).and_then(Value::as_object);
    let our_doc = our_traits.and_then(|t| t.get(DOC_TRAIT)).filter(|_| same).cloned();
    let Some(traits) = holder.as_object_mut().map(|h| h.entry("traits").or_insert_with(|| Value::Object(Map::new()))) else {
        return;
    };
    let Some(traits) = traits.as_object_mut() else { return };
    let documented = traits.contains_key(DOC_TRAIT) || our_traits.is_some_and(|t| t.contains_key(DOC_TRAIT));
    match our_doc {
        Some(doc) => {
            traits.insert(DOC_TRAIT.into(), doc);
            out.kept += 1;
        }
        None if documented => {
            traits.insert(DOC_TRAIT.into(), Value::String(TODO_MARKER.into()));
            out.to_write.push(path.to_string());
        }
        None => {}
    }
    for (name, value) in traits.iter_mut().filter(|(name, _)| *name != DOC_TRAIT) {
        let trait_path = format!("{path}.traits[{name:?}]");
        *value = merge_nested(&trait_path, value, our_traits.and_then(|t| t.get(name)), out);
    }
    if holder.get("traits").and_then(Value::as_object).is_some_and(Map::is_empty) {
        holder.as_object_mut().map(|h| h.remove("traits"));
    }
    // Traits in our file's order (then AWS's for new ones): an unchanged model is rewritten
    // byte for byte, and a changed one's diff shows only what changed.
    if let (Some(our_traits), Some(traits)) = (our_traits, holder.get_mut("traits").and_then(Value::as_object_mut)) {
        let mut ordered = Map::new();
        for key in our_traits.keys() {
            if let Some(value) = traits.remove(key) {
                ordered.insert(key.clone(), value);
            }
        }
        ordered.append(traits);
        *traits = ordered;
    }
}

/// A trait value with `documentation` keys: ours where the value around them has the same
/// facts, matched by key in objects and by facts in arrays (endpoint test cases move when
/// others are added or removed); the marker elsewhere.
fn merge_nested(path: &str, up: &Value, ours: Option<&Value>, out: &mut Merged) -> Value {
    if !has_nested_documentation(up) {
        return up.clone();
    }
    if let Some(ours) = ours.filter(|o| without_documentation(o) == without_documentation(up)) {
        out.kept += count_documentation(ours);
        return ours.clone();
    }
    match up {
        Value::Object(map) => {
            let mut merged = Map::new();
            for (key, value) in map {
                let here = format!("{path}.{key}");
                if key == "documentation" {
                    out.to_write.push(here);
                    merged.insert(key.clone(), Value::String(TODO_MARKER.into()));
                } else {
                    merged.insert(key.clone(), merge_nested(&here, value, ours.and_then(|o| o.get(key)), out));
                }
            }
            Value::Object(merged)
        }
        Value::Array(items) => {
            let candidates: Vec<&Value> = ours.and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
            let items = items.iter().enumerate().map(|(i, item)| {
                let facts = without_documentation(item);
                let twin = candidates.iter().copied().find(|c| without_documentation(c) == facts);
                merge_nested(&format!("{path}[{i}]"), item, twin, out)
            });
            Value::Array(items.collect())
        }
        other => other.clone(),
    }
}

fn has_nested_documentation(value: &Value) -> bool {
    count_documentation(value) > 0
}

fn count_documentation(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| usize::from(k == "documentation" && v.is_string()) + count_documentation(v)).sum(),
        Value::Array(items) => items.iter().map(count_documentation).sum(),
        _ => 0,
    }
}

/// A copy of a model, shape or member without its prose (the facts test's definition): the
/// documentation trait and every nested `documentation` key; a `traits` object left empty is
/// no traits, as the facts test reads it.
pub fn without_documentation(value: &Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove(DOC_TRAIT);
                map.remove("documentation");
                map.values_mut().for_each(strip);
                if map.get("traits").and_then(Value::as_object).is_some_and(Map::is_empty) {
                    map.remove("traits");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = value.clone();
    strip(&mut value);
    value
}

/// The model as the project's files hold it: two-space JSON and a final newline.
pub fn to_text(model: &Value) -> String {
    let mut text = serde_json::to_string_pretty(model).expect("a JSON value always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(text: &str) -> Value {
        json!({ DOC_TRAIT: text })
    }

    #[test]
    fn unchanged_things_keep_our_words_and_changed_ones_are_marked() {
        let ours = json!({ "smithy": "2.0", "shapes": {
            "ns#In": { "type": "structure", "traits": doc("Our input."), "members": {
                "A": { "target": "smithy.api#String", "traits": { DOC_TRAIT: "Our A.", "smithy.api#required": {} } },
                "B": { "target": "smithy.api#String", "traits": doc("Our B.") },
            } },
            "ns#Gone": { "type": "string", "traits": doc("Our gone.") },
        } });
        let upstream = json!({ "smithy": "2.0", "shapes": {
            "ns#In": { "type": "structure", "traits": doc("AWS input."), "members": {
                "A": { "target": "smithy.api#String", "traits": doc("AWS A.") },
                "B": { "target": "smithy.api#String", "traits": doc("AWS B.") },
                "C": { "target": "ns#New", "traits": doc("AWS C.") },
            } },
            "ns#New": { "type": "string", "traits": { DOC_TRAIT: "AWS new.", "smithy.api#length": { "max": 3 } } },
        } });
        let merged = merge(&ours, &upstream).unwrap();
        assert_eq!(without_documentation(&merged.model), without_documentation(&upstream), "the facts are AWS's");
        let text = merged.model.to_string();
        assert!(!text.contains("\"AWS "), "no prose of AWS's: {text}");
        let shapes = &merged.model["shapes"];
        assert_eq!(shapes["ns#In"]["traits"][DOC_TRAIT], "Our input.");
        assert_eq!(shapes["ns#In"]["members"]["B"]["traits"][DOC_TRAIT], "Our B.");
        assert_eq!(shapes["ns#In"]["members"]["A"]["traits"][DOC_TRAIT], TODO_MARKER, "A lost @required");
        assert_eq!(shapes["ns#In"]["members"]["C"]["traits"][DOC_TRAIT], TODO_MARKER);
        assert_eq!(shapes["ns#New"]["traits"][DOC_TRAIT], TODO_MARKER);
        assert!(shapes.get("ns#Gone").is_none());
        assert_eq!(merged.kept, 2);
        assert_eq!(merged.to_write.len(), 3, "{:?}", merged.to_write);
    }

    #[test]
    fn nested_documentation_follows_its_item_not_its_index() {
        let case = |n: u64, words: &str| json!({ "documentation": words, "params": { "n": n } });
        let ours = json!({ "shapes": { "ns#S": { "type": "service", "traits": {
            DOC_TRAIT: "Our service.",
            "smithy.rules#endpointTests": { "version": "1.0", "testCases": [case(1, "our one"), case(2, "our two"), case(3, "our three")] },
        } } } });
        let upstream = json!({ "shapes": { "ns#S": { "type": "service", "traits": {
            DOC_TRAIT: "AWS service.",
            "smithy.rules#endpointTests": { "version": "1.0", "testCases": [case(1, "aws one"), case(3, "aws three"), case(4, "aws four")] },
        } } } });
        let merged = merge(&ours, &upstream).unwrap();
        let cases = &merged.model["shapes"]["ns#S"]["traits"]["smithy.rules#endpointTests"]["testCases"];
        assert_eq!(cases[0]["documentation"], "our one");
        assert_eq!(cases[1]["documentation"], "our three");
        assert_eq!(cases[2]["documentation"], TODO_MARKER);
        assert_eq!(merged.model["shapes"]["ns#S"]["traits"][DOC_TRAIT], "Our service.", "test cases are not the service's own facts");
        assert_eq!(without_documentation(&merged.model), without_documentation(&upstream));
    }
}
