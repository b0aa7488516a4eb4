//! The generated crate's `CHANGELOG.md`: what each model change did to the API.
//!
//! Every generation writes `api-summary.json`, the facts of the API a user can observe
//! (operations and their HTTP bindings, every type, member, binding, requirement and
//! constraint), next to the crate's sources. The next generation compares its own summary
//! with the one already on disk and, when they differ, adds a section to the top of the
//! changelog listing added, removed and changed items. Unchanged models leave both files as
//! they are, so `cargo xtask codegen --check` stays exact.
//!
//! The same comparison sets the crate's version ([`Bump`]): an API that only grew is a minor
//! release, a removed or changed item a major one, a change of documentation alone a patch
//! (below 1.0 each moves one place right, as Cargo reads `0.y.z`: breaking bumps `y`, anything
//! else `z`). Each section's heading names the version it made, and the newest heading is the
//! crate's version, so the history on disk is all the generator needs to number the next one.

use crate::ir::{Binding, Constraints, Service, Type};
use semver::Version;
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
    json!({
        "service": svc.id.as_str(),
        "version": svc.version,
        "documentation": documentation_fingerprint(svc),
        "operations": operations,
        "types": types,
    })
}

/// One fingerprint of every piece of documentation the crate renders (service, operations,
/// types, members, enum values), in a fixed order: a change to any of them, and to nothing
/// else, is a documentation-only release.
fn documentation_fingerprint(svc: &Service) -> String {
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut add = |path: String, text: &Option<String>| {
        if let Some(text) = text {
            docs.push((path, text.clone()));
        }
    };
    add(svc.id.as_str().to_string(), &svc.docs);
    for op in &svc.operations {
        add(format!("operation {}", op.name), &op.docs);
    }
    for s in svc.structures.values() {
        add(format!("type {}", s.rust_name), &s.docs);
        for m in &s.members {
            add(format!("member {}.{}", s.rust_name, m.name), &m.docs);
        }
    }
    for u in svc.unions.values() {
        add(format!("type {}", u.rust_name), &u.docs);
        for m in &u.members {
            add(format!("member {}.{}", u.rust_name, m.name), &m.docs);
        }
    }
    for e in svc.enums.values() {
        add(format!("type {}", e.rust_name), &e.docs);
        for v in &e.variants {
            add(format!("value {}.{}", e.rust_name, v.rust_name), &v.docs);
        }
    }
    fingerprint(&json!(docs))
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

/// How far one regeneration moves the crate's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing a user can observe changed: the version stays.
    None,
    /// Only documentation changed: a patch release.
    Documentation,
    /// Items were added and none removed or changed: a minor release.
    Addition,
    /// An item was removed or changed: a major release.
    Breaking,
}

impl Bump {
    /// The bump a diff calls for; `documentation_changed` decides between a patch release and
    /// none when the API facts are the same.
    pub fn of(changes: &Changes, documentation_changed: bool) -> Self {
        if !changes.removed.is_empty() || !changes.changed.is_empty() {
            Self::Breaking
        } else if !changes.added.is_empty() {
            Self::Addition
        } else if documentation_changed {
            Self::Documentation
        } else {
            Self::None
        }
    }

    /// `version` moved by this bump under Cargo's semver rules: from 1.0 on, breaking bumps the
    /// major number and an addition the minor one; below 1.0 (`0.y.z`, where Cargo treats `y` as
    /// the compatibility boundary) breaking bumps `y` and anything else `z`. Pre-release and
    /// build metadata are dropped.
    pub fn apply(self, version: &Version) -> Version {
        let (major, minor, patch) = (version.major, version.minor, version.patch);
        let (major, minor, patch) = match (self, major) {
            (Self::None, _) => (major, minor, patch),
            (Self::Breaking, 0) => (0, minor + 1, 0),
            (Self::Breaking, _) => (major + 1, 0, 0),
            (Self::Addition, 0) | (Self::Documentation, _) => (major, minor, patch + 1),
            (Self::Addition, _) => (major, minor + 1, 0),
        };
        Version::new(major, minor, patch)
    }

    /// How a release of this kind is called, as the changelog and the xtask say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "no change",
            Self::Documentation => "documentation only (patch)",
            Self::Addition => "additions only (minor; patch below 1.0)",
            Self::Breaking => "removed or changed items (major; minor below 1.0)",
        }
    }
}

/// The version of a crate's first generation.
pub const FIRST_VERSION: Version = Version::new(0, 1, 0);

/// What a regeneration makes of the crate's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// The crate's version after this generation (the newest section's).
    pub version: Version,
    /// How it moved from the last generation's.
    pub bump: Bump,
    /// The whole `CHANGELOG.md`.
    pub changelog: String,
    /// The section this generation added, if it added one.
    pub section: Option<String>,
}

/// The changelog and version after generating `summary` over a crate whose last generation
/// left `previous_summary` and `previous_changelog` (each `None` when absent).
pub fn update(crate_name: &str, summary: &Value, previous_summary: Option<&str>, previous_changelog: Option<&str>) -> Release {
    let header = format!(
        "# Changelog of `{crate_name}`\n\nKept by the generator: each section lists what one regeneration changed in the \
         API, from a model change or a generator change (added, removed and changed operations, types and \
         members), under the crate version it made. Newest first.\n"
    );
    let sections = previous_changelog.map(numbered_sections).unwrap_or_default();
    let previous: Option<Value> = previous_summary.and_then(|text| serde_json::from_str(text).ok());
    let last_version = sections.first().map(|s| s.version.clone());
    let (bump, new_entry) = match (&previous, &last_version) {
        (None, Some(_)) => (Bump::None, None),
        (None, None) => (Bump::None, Some(first_entry(summary))),
        (Some(old), last) => {
            let changes = diff(old, summary);
            // A summary from before documentation was fingerprinted says nothing about it.
            let documentation_changed = old.get("documentation").is_some_and(|before| Some(before) != summary.get("documentation"));
            let bump = Bump::of(&changes, documentation_changed);
            let version = bump.apply(last.as_ref().unwrap_or(&FIRST_VERSION));
            match bump {
                Bump::None => (bump, None),
                Bump::Documentation => (bump, Some(format!("{}\nDocumentation only: no operation, type or member changed.\n", heading(&version, summary)))),
                _ => (bump, Some(render_entry(&version, summary, &changes))),
            }
        }
    };
    let version = match (&new_entry, &last_version) {
        (None, Some(last)) => last.clone(),
        (None, None) => FIRST_VERSION,
        (Some(_), last) => bump.apply(last.as_ref().unwrap_or(&FIRST_VERSION)),
    };
    let mut out = header;
    if let Some(entry) = &new_entry {
        out.push('\n');
        out.push_str(entry);
    }
    if !sections.is_empty() {
        let text: Vec<&str> = sections.iter().map(|s| s.text.trim_end()).collect();
        out.push('\n');
        out.push_str(&text.join("\n\n"));
        out.push('\n');
    }
    Release { version, bump, changelog: out, section: new_entry }
}

/// One section of a changelog on disk, with the version its heading names.
struct Section {
    version: Version,
    text: String,
}

/// The sections of a changelog, newest first, each with its version. A changelog written
/// before sections named versions gets them now, oldest first from [`FIRST_VERSION`], each
/// from the kinds of change it lists (so the history reads as if it had always been numbered).
fn numbered_sections(changelog: &str) -> Vec<Section> {
    let Some((_, rest)) = changelog.split_once("\n## ") else { return Vec::new() };
    let raw: Vec<String> = rest.split("\n## ").map(|s| format!("## {}", s.trim_end())).collect();
    let mut numbered: Vec<Section> = Vec::new();
    let mut last: Option<Version> = None;
    for text in raw.into_iter().rev() {
        let (first_line, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
        let title = first_line.trim_start_matches("## ");
        let named = title.split_once(" — ").and_then(|(v, _)| Version::parse(v).ok());
        let section = match named {
            Some(version) => Section { version, text: text.clone() },
            None => {
                let version = match &last {
                    None => FIRST_VERSION,
                    Some(last) => listed_bump(body).apply(last),
                };
                Section { text: format!("## {version} — {title}\n{body}"), version }
            }
        };
        last = Some(section.version.clone());
        numbered.push(section);
    }
    numbered.reverse();
    numbered
}

/// The bump a section written by [`render_entry`] stands for, read from its lists.
fn listed_bump(body: &str) -> Bump {
    if body.contains("\n### Removed") || body.contains("\n### Changed") {
        Bump::Breaking
    } else if body.contains("\n### Added") {
        Bump::Addition
    } else {
        Bump::Documentation
    }
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

/// `## <crate version> — API version <model version>, model facts <fingerprint>`.
fn heading(version: &Version, summary: &Value) -> String {
    let api_version = summary.get("version").and_then(Value::as_str).unwrap_or("");
    // The facts alone: the documentation fingerprint decides a patch release, not the name.
    let mut facts = summary.clone();
    if let Some(map) = facts.as_object_mut() {
        map.shift_remove("documentation");
    }
    format!("## {version} — API version {api_version}, model facts {}\n", fingerprint(&facts))
}

fn first_entry(summary: &Value) -> String {
    let ops = section(summary, "operations").len();
    let types = section(summary, "types").len();
    format!("{}\nThe changelog starts here: {ops} operation(s), {types} type(s).\n", heading(&FIRST_VERSION, summary))
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

fn render_entry(version: &Version, summary: &Value, changes: &Changes) -> String {
    let mut out = heading(version, summary);
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
        assert!(first.changelog.contains("## 0.1.0 — API version 1, model facts"), "{}", first.changelog);
        assert!(first.changelog.contains("The changelog starts here: 1 operation(s), 1 type(s)."), "{}", first.changelog);
        let again = update("svc", &s, Some(&s.to_string()), Some(&first.changelog));
        assert_eq!(again.changelog, first.changelog);
        assert_eq!((again.version, again.bump, again.section), (FIRST_VERSION, Bump::None, None));
        let changed = summary(json!({ "A": "string", "B": "string" }));
        let next = update("svc", &changed, Some(&s.to_string()), Some(&first.changelog));
        let text = &next.changelog;
        assert!(text.find("`GetInput.B`: string").unwrap() < text.find("The changelog starts here").unwrap(), "newest first: {text}");
        assert_eq!(next.version, Version::new(0, 1, 1), "an addition below 1.0 is a patch release");
        assert!(next.section.as_deref().is_some_and(|s| s.starts_with("## 0.1.1 — ")), "{:?}", next.section);
        let same = update("svc", &changed, Some(&changed.to_string()), Some(&next.changelog));
        assert_eq!((same.changelog.as_str(), same.version), (next.changelog.as_str(), Version::new(0, 1, 1)));
    }

    #[test]
    fn the_bump_follows_the_kind_of_change() {
        let base = summary(json!({ "A": "string, optional" }));
        let history = update("svc", &base, None, None).changelog;
        let next = |members: Value| update("svc", &summary(members), Some(&base.to_string()), Some(&history));
        let removed = next(json!({}));
        assert_eq!((removed.bump, removed.version), (Bump::Breaking, Version::new(0, 2, 0)));
        let changed = next(json!({ "A": "string, required" }));
        assert_eq!((changed.bump, changed.version), (Bump::Breaking, Version::new(0, 2, 0)));
        let added = next(json!({ "A": "string, optional", "B": "blob" }));
        assert_eq!((added.bump, added.version), (Bump::Addition, Version::new(0, 1, 1)));
        // Documentation alone: a patch release, with a section that says so.
        let mut documented = base.clone();
        documented["documentation"] = json!("0123abcd");
        let mut redocumented = base.clone();
        redocumented["documentation"] = json!("89abcdef");
        let docs = update("svc", &redocumented, Some(&documented.to_string()), Some(&history));
        assert_eq!((docs.bump, docs.version.clone()), (Bump::Documentation, Version::new(0, 1, 1)));
        assert!(docs.changelog.contains("Documentation only"), "{}", docs.changelog);
        // A summary written before documentation was fingerprinted: no release from that alone.
        assert_eq!(update("svc", &redocumented, Some(&base.to_string()), Some(&history)).bump, Bump::None);
    }

    #[test]
    fn semver_rules_above_and_below_one() {
        let v = |text: &str| Version::parse(text).unwrap();
        assert_eq!(Bump::Breaking.apply(&v("0.3.4")), v("0.4.0"));
        assert_eq!(Bump::Addition.apply(&v("0.3.4")), v("0.3.5"));
        assert_eq!(Bump::Documentation.apply(&v("0.3.4")), v("0.3.5"));
        assert_eq!(Bump::Breaking.apply(&v("1.3.4")), v("2.0.0"));
        assert_eq!(Bump::Addition.apply(&v("1.3.4")), v("1.4.0"));
        assert_eq!(Bump::Documentation.apply(&v("1.3.4")), v("1.3.5"));
        assert_eq!(Bump::None.apply(&v("1.3.4")), v("1.3.4"));
    }

    #[test]
    fn a_changelog_without_versions_is_numbered_from_its_lists() {
        let old = "# Changelog of `svc`\n\nintro\n\n## API version 1, model facts cccc\n\n### Added\n\n- `X`: string\n\n\
                   ## API version 1, model facts bbbb\n\n### Added\n\n- `Y`: blob\n\n### Changed\n\n- `Z`: required → optional\n\n\
                   ## API version 1, model facts aaaa\n\nThe changelog starts here: 1 operation(s), 1 type(s).\n";
        let s = summary(json!({ "A": "string" }));
        let release = update("svc", &s, Some(&s.to_string()), Some(old));
        assert_eq!(release.version, Version::new(0, 2, 1));
        let text = release.changelog;
        for heading in ["## 0.2.1 — API version 1, model facts cccc", "## 0.2.0 — API version 1, model facts bbbb", "## 0.1.0 — API version 1, model facts aaaa"] {
            assert!(text.contains(heading), "{heading} missing from:\n{text}");
        }
        // Numbered once, the history is kept as it is.
        assert_eq!(update("svc", &s, Some(&s.to_string()), Some(&text)).changelog, text);
    }
}
