//! The generated crate's `CHANGELOG.md`: what each model change did to the API.
//!
//! Every generation writes `api-summary.json`, the facts of the API a user can observe
//! (operations and their HTTP bindings, every type, member, binding, requirement and
//! constraint), next to the crate's sources. The next generation compares its own summary
//! with the one already on disk and, when they differ, adds a section to the top of the
//! changelog listing added, removed and changed items. Unchanged models leave both files as
//! they are, so `cargo xtask codegen --check` stays exact.

use crate::ir::{Binding, Constraints, Service, Type};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The file that holds the summary of the last generation.
pub const SUMMARY_FILE: &str = "api-summary.json";
/// The changelog's file name.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// The API facts of `svc`, keyed so that a diff reads naturally: `operations.<Name>`,
/// `types.<RustName>` and, inside a type, `members.<name>`.
pub fn summarize(svc: &Service) -> Value {
    let mut operations = Map::new();
    for op in &svc.operations {
        let errors: Vec<Value> = op.errors.iter().map(|e| Value::String(rust_type_name(svc, e.as_str()))).collect();
        operations.insert(
            op.name.clone(),
            json!({
                "http": format!("{} {} -> {}", op.http.method, op.http.uri, op.http.code),
                "errors": errors,
            }),
        );
    }
    for (name, why) in &svc.skipped_operations {
        operations.insert(name.clone(), json!({ "not generated": why }));
    }
    let mut types = Map::new();
    for s in svc.structures.values() {
        let kind = if s.error.is_some() { "error" } else { "structure" };
        let mut members = Map::new();
        for m in &s.members {
            members.insert(m.name.clone(), Value::String(describe_member(svc, m)));
        }
        types.insert(s.rust_name.clone(), json!({ "kind": kind, "members": members }));
    }
    for u in svc.unions.values() {
        let mut members = Map::new();
        for m in &u.members {
            members.insert(m.name.clone(), Value::String(describe_member(svc, m)));
        }
        let kind = if u.streaming { "event stream" } else { "union" };
        types.insert(u.rust_name.clone(), json!({ "kind": kind, "members": members }));
    }
    for e in svc.enums.values() {
        let mut members = Map::new();
        for v in &e.variants {
            members.insert(v.rust_name.clone(), Value::String(format!("value {:?}", v.value)));
        }
        let kind = if e.int { "int enum" } else { "enum" };
        types.insert(e.rust_name.clone(), json!({ "kind": kind, "members": members }));
    }
    json!({ "service": svc.id.as_str(), "version": svc.version, "operations": operations, "types": types })
}

fn rust_type_name(svc: &Service, id: &str) -> String {
    svc.structures.get(id).map(|s| s.rust_name.clone()).unwrap_or_else(|| id.to_string())
}

/// One line that changes whenever anything a user of the member can observe changes.
fn describe_member(svc: &Service, m: &crate::ir::Member) -> String {
    let mut parts = vec![type_text(svc, &m.ty)];
    parts.push(match &m.binding {
        Binding::Label => "URI label".to_string(),
        Binding::Query(name) => format!("query `{name}`"),
        Binding::QueryParams => "query parameters".to_string(),
        Binding::Header(name) => format!("header `{name}`"),
        Binding::PrefixHeaders(prefix) => format!("headers `{prefix}*`"),
        Binding::Payload => "payload".to_string(),
        Binding::ResponseCode => "HTTP status code".to_string(),
        Binding::Body => format!("body `{}`", m.json_name),
    });
    parts.push(if m.required { "required".to_string() } else { "optional".to_string() });
    if m.sensitive {
        parts.push("sensitive".to_string());
    }
    if m.deprecated.is_some() {
        parts.push("deprecated".to_string());
    }
    if let Some(default) = &m.default {
        parts.push(format!("default {default}"));
    }
    parts.extend(constraint_text(&m.constraints));
    parts.join(", ")
}

fn type_text(svc: &Service, ty: &Type) -> String {
    let named = |id: &str| {
        svc.structures
            .get(id)
            .map(|s| s.rust_name.clone())
            .or_else(|| svc.unions.get(id).map(|u| u.rust_name.clone()))
            .or_else(|| svc.enums.get(id).map(|e| e.rust_name.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    match ty {
        Type::Blob { streaming: true } => "byte stream".into(),
        Type::Blob { streaming: false } => "blob".into(),
        Type::Boolean => "boolean".into(),
        Type::String => "string".into(),
        Type::Enum(id) | Type::IntEnum(id) | Type::Structure(id) | Type::Union(id) => named(id.as_str()),
        Type::Byte => "byte".into(),
        Type::Short => "short".into(),
        Type::Integer => "integer".into(),
        Type::Long => "long".into(),
        Type::Float => "float".into(),
        Type::Double => "double".into(),
        Type::BigInteger => "big integer".into(),
        Type::BigDecimal => "big decimal".into(),
        Type::Timestamp => "timestamp".into(),
        Type::Document => "document".into(),
        Type::List(c) => format!("list of {}", type_text(svc, &c.item)),
        Type::Map(c) => format!("map of {}", type_text(svc, &c.item)),
        Type::Unit => "unit".into(),
        Type::EventStream { union, .. } => format!("event stream of {}", named(union.as_str())),
    }
}

fn constraint_text(c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    let bound = |lo: &Option<String>, hi: &Option<String>| match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "any".to_string(),
    };
    if let Some((lo, hi)) = &c.length {
        out.push(format!("length {}", bound(&lo.map(|v| v.to_string()), &hi.map(|v| v.to_string()))));
    }
    if let Some((lo, hi)) = &c.range {
        out.push(format!("range {}", bound(lo, hi)));
    }
    if let Some(p) = &c.pattern {
        out.push(format!("pattern `{p}`"));
    }
    if c.unique_items {
        out.push("unique items".to_string());
    }
    out
}

/// What one model change did, item by item (`Operation`, `Type`, `Type.member`).
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// New items, with what they are.
    pub added: Vec<(String, String)>,
    /// Items gone, with what they were.
    pub removed: Vec<(String, String)>,
    /// Items whose facts changed: before and after.
    pub changed: Vec<(String, String, String)>,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The differences between two summaries.
pub fn diff(old: &Value, new: &Value) -> Changes {
    let mut changes = Changes::default();
    diff_items("", section(old, "operations"), section(new, "operations"), false, &mut changes);
    diff_items("", section(old, "types"), section(new, "types"), true, &mut changes);
    changes
}

fn section<'a>(summary: &'a Value, key: &str) -> BTreeMap<&'a str, &'a Value> {
    summary.get(key).and_then(Value::as_object).map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect()).unwrap_or_default()
}

fn diff_items(
    prefix: &str,
    old: BTreeMap<&str, &Value>,
    new: BTreeMap<&str, &Value>,
    with_members: bool,
    out: &mut Changes,
) {
    for (name, after) in &new {
        let path = format!("{prefix}{name}");
        match old.get(name) {
            None => out.added.push((path, brief(after))),
            Some(before) if with_members && before.get("kind") == after.get("kind") => {
                diff_items(&format!("{path}."), section(before, "members"), section(after, "members"), false, out);
            }
            Some(before) if before != after => out.changed.push((path, brief(before), brief(after))),
            Some(_) => {}
        }
    }
    for (name, before) in &old {
        if !new.contains_key(name) {
            out.removed.push((format!("{prefix}{name}"), brief(before)));
        }
    }
}

/// A summary entry as one line of text.
fn brief(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(map) if map.contains_key("kind") => {
            let kind = map.get("kind").and_then(Value::as_str).unwrap_or("type");
            let members = map.get("members").and_then(Value::as_object).map_or(0, Map::len);
            format!("{kind} with {members} member(s)")
        }
        Value::Object(map) => {
            map.iter().map(|(k, v)| format!("{k}: {}", v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

/// The changelog after generating `summary` over a crate whose last generation left
/// `previous_summary` and `previous_changelog` (each `None` when absent).
pub fn update(crate_name: &str, summary: &Value, previous_summary: Option<&str>, previous_changelog: Option<&str>) -> String {
    let header = format!(
        "# Changelog of `{crate_name}`\n\nKept by the generator: each section lists what one regeneration changed in the \
         API, from a model change or a generator change (added, removed and changed operations, types and \
         members). Newest first.\n"
    );
    let entries = previous_changelog.map(|text| text.split_once("\n## ").map(|(_, rest)| format!("## {rest}")).unwrap_or_default());
    let previous: Option<Value> = previous_summary.and_then(|text| serde_json::from_str(text).ok());
    let new_entry = match &previous {
        None if entries.as_deref().is_some_and(|e| !e.is_empty()) => None,
        None => Some(first_entry(summary)),
        Some(old) => {
            let changes = diff(old, summary);
            (!changes.is_empty()).then(|| render_entry(summary, &changes))
        }
    };
    let mut out = header;
    if let Some(entry) = new_entry {
        out.push('\n');
        out.push_str(&entry);
    }
    if let Some(entries) = entries.filter(|e| !e.is_empty()) {
        out.push('\n');
        out.push_str(entries.trim_end());
        out.push('\n');
    }
    out
}

/// A short, stable name for a summary: the same API facts always give the same heading.
fn fingerprint(summary: &Value) -> String {
    // FNV-1a over the canonical text: stable across runs and platforms, unlike `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in summary.to_string().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash >> 32)
}

fn heading(summary: &Value) -> String {
    let version = summary.get("version").and_then(Value::as_str).unwrap_or("");
    format!("## API version {version}, model facts {}\n", fingerprint(summary))
}

fn first_entry(summary: &Value) -> String {
    let ops = section(summary, "operations").len();
    let types = section(summary, "types").len();
    format!("{}\nThe changelog starts here: {ops} operation(s), {types} type(s).\n", heading(summary))
}

/// A member's description is a list of facets (`string, header `x`, required, length 1 to 9`):
/// name only the facets that went and came, which is what a reader wants to see.
fn facet_change(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.split(", ").collect();
    let new: Vec<&str> = after.split(", ").collect();
    let gone: Vec<&str> = old.iter().copied().filter(|f| !new.contains(f)).collect();
    let came: Vec<&str> = new.iter().copied().filter(|f| !old.contains(f)).collect();
    if gone.is_empty() && came.is_empty() {
        return format!("{before} → {after}");
    }
    format!("{} → {}", none_or_join(&gone), none_or_join(&came))
}

fn none_or_join(facets: &[&str]) -> String {
    if facets.is_empty() {
        "(nothing)".to_string()
    } else {
        facets.join(", ")
    }
}

fn render_entry(summary: &Value, changes: &Changes) -> String {
    let mut out = heading(summary);
    let mut list = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = write!(out, "\n### {title}\n\n");
            for line in lines {
                let _ = writeln!(out, "- {line}");
            }
        }
    };
    list("Added", changes.added.iter().map(|(item, what)| format!("`{item}`: {what}")).collect());
    list("Removed", changes.removed.iter().map(|(item, what)| format!("`{item}` (was: {what})")).collect());
    list("Changed", changes.changed.iter().map(|(item, before, after)| format!("`{item}`: {}", facet_change(before, after))).collect());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(members: Value) -> Value {
        json!({
            "service": "ns#Svc", "version": "1",
            "operations": { "Get": { "http": "GET / -> 200", "errors": [] } },
            "types": { "GetInput": { "kind": "structure", "members": members } },
        })
    }

    #[test]
    fn member_changes_are_listed_by_kind() {
        let old = summary(json!({ "A": "string, header `x-a`, required", "B": "integer, query `b`, optional" }));
        let new = summary(json!({ "A": "string, header `x-a`, optional", "C": "blob, payload, optional" }));
        let changes = diff(&old, &new);
        assert_eq!(changes.added, vec![("GetInput.C".to_string(), "blob, payload, optional".to_string())]);
        assert_eq!(changes.removed, vec![("GetInput.B".to_string(), "integer, query `b`, optional".to_string())]);
        assert_eq!(
            changes.changed,
            vec![("GetInput.A".into(), "string, header `x-a`, required".into(), "string, header `x-a`, optional".into())]
        );
    }

    #[test]
    fn a_changed_member_names_only_what_changed() {
        let line = facet_change("string, header `x`, required, length 1 to 9", "string, header `x`, optional, length 1 to 9");
        assert_eq!(line, "required → optional");
    }

    #[test]
    fn an_unchanged_model_keeps_the_changelog_byte_for_byte() {
        let s = summary(json!({ "A": "string" }));
        let first = update("svc", &s, None, None);
        assert!(first.contains("The changelog starts here: 1 operation(s), 1 type(s)."), "{first}");
        let again = update("svc", &s, Some(&s.to_string()), Some(&first));
        assert_eq!(again, first);
        let changed = summary(json!({ "A": "string", "B": "string" }));
        let next = update("svc", &changed, Some(&s.to_string()), Some(&first));
        assert!(next.find("`GetInput.B`: string").unwrap() < next.find("The changelog starts here").unwrap(), "newest first: {next}");
        assert_eq!(update("svc", &changed, Some(&changed.to_string()), Some(&next)), next);
    }
}
