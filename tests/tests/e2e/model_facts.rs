//! Checks that each of our hand-maintained Smithy models (every `*.json` in `models/`)
//! states exactly the same facts as AWS's published model of the same service, while its
//! documentation is our own writing.
//!
//! Pairing rule: a model in `models/` is compared with the file of
//! `../shared/models/upstream/` that defines the same service shape id(s) (for example
//! `com.amazonaws.sagemakerruntime#AmazonSageMakerRuntime` pairs
//! `models/runtime.sagemaker-2017-05-13.json` with `sagemaker-runtime-2017-05-13.json`, and
//! `com.amazonaws.sagemakerruntimehttp2#AmazonSageMakerRuntimeHttp2` pairs
//! `models/sagemaker-runtime-http2.json` with `sagemaker-runtime-http2-2025-10-01.json`).
//! File names play no part. A model with no such upstream file, or with several, fails.
//!
//! "Facts" are everything except prose: the Smithy version, metadata, shape ids,
//! shape types, members, member targets and every trait value. Prose is
//! `smithy.api#documentation` on shapes and members plus the `documentation`
//! keys that appear inside trait values (endpoint rule set parameters and
//! endpoint test cases).
//!
//! The upstream folder lives outside the repository. When it is missing the
//! comparisons print a notice and pass; CI always provides it.
//!
//! `MODEL_FACTS_OURS` may point at another file to check instead of the files in
//! `models/` (handy to confirm that an edited copy is caught); it is paired by the same rule.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

const OURS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../models");
const UPSTREAM_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/models/upstream");
const OURS_OVERRIDE_ENV: &str = "MODEL_FACTS_OURS";
const DOC_TRAIT: &str = "smithy.api#documentation";
/// What `cargo xtask update-model` writes where documentation is still to be written
/// (`smithygen::model_update::TODO_MARKER` begins with it): counted as no documentation.
const TODO_MARKER: &str = "TODO(update-model)";
/// Length of a word run that counts as copied prose.
const COPY_RUN: usize = 8;

// ------------------------------------------------------------------ loading

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// The `*.json` files of a folder, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Our models: every file in `models/`, or only the override's.
fn our_files() -> Vec<PathBuf> {
    match std::env::var_os(OURS_OVERRIDE_ENV) {
        Some(path) => vec![PathBuf::from(path)],
        None => {
            let files = json_files(Path::new(OURS_DIR));
            assert!(!files.is_empty(), "{OURS_DIR} has no *.json model");
            files
        }
    }
}

/// The shape ids of a model's services: what pairs it with its upstream file.
fn service_ids(model: &Value) -> BTreeSet<String> {
    shapes(model)
        .iter()
        .filter(|(_, shape)| shape.get("type").and_then(Value::as_str) == Some("service"))
        .map(|(id, _)| id.clone())
        .collect()
}

/// Models read from files, each with its path.
type Models = Vec<(PathBuf, Value)>;

/// One of our models and AWS's model of the same service.
struct Pair {
    ours_path: PathBuf,
    ours: Value,
    upstream_path: PathBuf,
    upstream: Value,
}

/// AWS's models, each with its path, or `None` (after printing a notice) when the folder
/// is not available.
fn load_upstreams() -> Option<Models> {
    if !Path::new(UPSTREAM_DIR).is_dir() {
        println!(
            "NOTICE: upstream models not found at {UPSTREAM_DIR}; skipping the comparison \
             (CI provides this folder)"
        );
        return None;
    }
    Some(
        json_files(Path::new(UPSTREAM_DIR))
            .into_iter()
            .map(|p| {
                let v = read_json(&p);
                (p, v)
            })
            .collect(),
    )
}

/// Pairs each of our models with its upstream file by the pairing rule (see the module
/// docs), or lists every model that pairs with none or with several.
fn pair_up(ours: Models, upstreams: &[(PathBuf, Value)]) -> Result<Vec<Pair>, Vec<String>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (ours_path, ours) in ours {
        let ids = service_ids(&ours);
        if ids.is_empty() {
            problems.push(format!(
                "{} defines no service shape, so it pairs with no upstream model",
                ours_path.display()
            ));
            continue;
        }
        let matches: Vec<&(PathBuf, Value)> = upstreams
            .iter()
            .filter(|(_, u)| service_ids(u) == ids)
            .collect();
        match matches.as_slice() {
            [(upstream_path, upstream)] => found.push(Pair {
                ours_path,
                ours,
                upstream_path: upstream_path.clone(),
                upstream: upstream.clone(),
            }),
            [] => problems.push(format!(
                "{} (service {ids:?}): no upstream model defines the same service; \
                 put AWS's model of it in {UPSTREAM_DIR}",
                ours_path.display()
            )),
            several => problems.push(format!(
                "{} (service {ids:?}): several upstream models define the same service: {:?}",
                ours_path.display(),
                several
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
            )),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// Our models (every file in `models/`, or the override) with their upstream files;
/// panics listing every model that pairs with none or with several.
fn pairs(upstreams: &[(PathBuf, Value)]) -> Vec<Pair> {
    let ours = our_files()
        .into_iter()
        .map(|p| {
            let v = read_json(&p);
            (p, v)
        })
        .collect();
    pair_up(ours, upstreams).unwrap_or_else(|problems| {
        fail_with("models without exactly one upstream counterpart", &problems)
    })
}

/// The upstream models and our pairs, or `None` when the upstream folder is missing.
fn load_pairs() -> Option<(Models, Vec<Pair>)> {
    let upstreams = load_upstreams()?;
    let pairs = pairs(&upstreams);
    Some((upstreams, pairs))
}

fn shapes(model: &Value) -> &Map<String, Value> {
    model
        .get("shapes")
        .and_then(Value::as_object)
        .expect("model has no `shapes` object")
}

// ------------------------------------------------------ removing the prose

/// Removes every `documentation` key from objects nested anywhere in `value`.
fn strip_nested_documentation(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("documentation");
            for v in map.values_mut() {
                strip_nested_documentation(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nested_documentation),
        _ => {}
    }
}

fn strip_trait_docs(holder: &mut Value) {
    if let Some(traits) = holder.get_mut("traits").and_then(Value::as_object_mut) {
        traits.remove(DOC_TRAIT);
        for value in traits.values_mut() {
            strip_nested_documentation(value);
        }
    }
}

/// A copy of `model` with all documentation prose removed.
fn without_docs(model: &Value) -> Value {
    let mut model = model.clone();
    if let Some(shapes) = model.get_mut("shapes").and_then(Value::as_object_mut) {
        for shape in shapes.values_mut() {
            strip_trait_docs(shape);
            if let Some(members) = shape.get_mut("members").and_then(Value::as_object_mut) {
                members.values_mut().for_each(strip_trait_docs);
            }
        }
    }
    model
}

// ------------------------------------------------------------- comparison

fn show(value: Option<&Value>) -> String {
    match value {
        None => "missing".to_string(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 160 {
                let cut: String = text.chars().take(157).collect();
                format!("{cut}...")
            } else {
                text
            }
        }
    }
}

fn key(k: &str) -> String {
    format!("[{}]", Value::String(k.to_string()))
}

fn report(out: &mut Vec<String>, path: &str, upstream: Option<&Value>, ours: Option<&Value>) {
    out.push(format!(
        "{path}: upstream {} / ours {}",
        show(upstream),
        show(ours)
    ));
}

/// Records every leaf-level difference between two JSON values.
fn diff_values(path: &str, upstream: &Value, ours: &Value, out: &mut Vec<String>) {
    match (upstream, ours) {
        (Value::Object(u), Value::Object(o)) => {
            for (k, uv) in u {
                let p = format!("{path}.{k}");
                match o.get(k) {
                    Some(ov) => diff_values(&p, uv, ov, out),
                    None => report(out, &p, Some(uv), None),
                }
            }
            for (k, ov) in o {
                if !u.contains_key(k) {
                    report(out, &format!("{path}.{k}"), None, Some(ov));
                }
            }
        }
        (Value::Array(u), Value::Array(o)) => {
            if u.len() != o.len() {
                out.push(format!(
                    "{path}: upstream has {} elements / ours has {}",
                    u.len(),
                    o.len()
                ));
            }
            for i in 0..u.len().max(o.len()) {
                let p = format!("{path}[{i}]");
                match (u.get(i), o.get(i)) {
                    (Some(uv), Some(ov)) => diff_values(&p, uv, ov, out),
                    (uv, ov) => report(out, &p, uv, ov),
                }
            }
        }
        (u, o) if u == o => {}
        (u, o) => report(out, path, Some(u), Some(o)),
    }
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

fn traits_of(holder: &Value) -> &Map<String, Value> {
    holder
        .get("traits")
        .and_then(Value::as_object)
        .unwrap_or_else(|| empty_map())
}

fn compare_traits(path: &str, upstream: &Value, ours: &Value, out: &mut Vec<String>) {
    let (u, o) = (traits_of(upstream), traits_of(ours));
    for (name, uv) in u {
        let p = format!("{path}.traits{}", key(name));
        match o.get(name) {
            Some(ov) => diff_values(&p, uv, ov, out),
            None => report(out, &p, Some(uv), None),
        }
    }
    for (name, ov) in o {
        if !u.contains_key(name) {
            report(out, &format!("{path}.traits{}", key(name)), None, Some(ov));
        }
    }
}

/// Compares every key of two shapes or members other than `traits`/`members`.
fn compare_properties(path: &str, upstream: &Value, ours: &Value, out: &mut Vec<String>) {
    let (u, o) = (
        upstream.as_object().unwrap_or_else(|| empty_map()),
        ours.as_object().unwrap_or_else(|| empty_map()),
    );
    let skip = |k: &str| k == "traits" || k == "members";
    for (k, uv) in u.iter().filter(|(k, _)| !skip(k)) {
        let p = format!("{path}.{k}");
        match o.get(k) {
            Some(ov) => diff_values(&p, uv, ov, out),
            None => report(out, &p, Some(uv), None),
        }
    }
    for (k, ov) in o.iter().filter(|(k, _)| !skip(k)) {
        if !u.contains_key(k) {
            report(out, &format!("{path}.{k}"), None, Some(ov));
        }
    }
}

fn compare_shape(id: &str, upstream: &Value, ours: &Value, out: &mut Vec<String>) {
    let path = format!("shapes{}", key(id));
    // type, target lists (operations, input, output, errors), version, ...
    compare_properties(&path, upstream, ours, out);
    compare_traits(&path, upstream, ours, out);

    let members = |v: &Value| v.get("members").and_then(Value::as_object).cloned();
    match (members(upstream), members(ours)) {
        (None, None) => {}
        (Some(u), None) => report(
            out,
            &format!("{path}.members"),
            Some(&Value::Object(u)),
            None,
        ),
        (None, Some(o)) => report(
            out,
            &format!("{path}.members"),
            None,
            Some(&Value::Object(o)),
        ),
        (Some(u), Some(o)) => {
            for (name, um) in &u {
                let mpath = format!("{path}.members.{name}");
                match o.get(name) {
                    None => report(out, &mpath, Some(um), None),
                    Some(om) => {
                        // target and any other member property
                        compare_properties(&mpath, um, om, out);
                        compare_traits(&mpath, um, om, out);
                    }
                }
            }
            for (name, om) in &o {
                if !u.contains_key(name) {
                    report(out, &format!("{path}.members.{name}"), None, Some(om));
                }
            }
            let u_order: Vec<&String> = u.keys().filter(|k| o.contains_key(*k)).collect();
            let o_order: Vec<&String> = o.keys().filter(|k| u.contains_key(*k)).collect();
            if u_order != o_order {
                out.push(format!(
                    "{path}.members: order differs: upstream {u_order:?} / ours {o_order:?}"
                ));
            }
        }
    }
}

/// Every factual difference between the two models, each with its JSON path.
fn fact_differences(upstream: &Value, ours: &Value) -> Vec<String> {
    let (upstream, ours) = (without_docs(upstream), without_docs(ours));
    let mut out = Vec::new();

    // Top level: `smithy` version, metadata and anything else besides shapes.
    let (u_top, o_top) = (
        upstream
            .as_object()
            .expect("upstream model is not an object"),
        ours.as_object().expect("our model is not an object"),
    );
    for (k, uv) in u_top.iter().filter(|(k, _)| *k != "shapes") {
        match o_top.get(k) {
            Some(ov) => diff_values(k, uv, ov, &mut out),
            None => report(&mut out, k, Some(uv), None),
        }
    }
    for (k, ov) in o_top.iter().filter(|(k, _)| *k != "shapes") {
        if !u_top.contains_key(k) {
            report(&mut out, k, None, Some(ov));
        }
    }

    let (u_shapes, o_shapes) = (shapes(&upstream), shapes(&ours));
    let u_ids: BTreeSet<&String> = u_shapes.keys().collect();
    let o_ids: BTreeSet<&String> = o_shapes.keys().collect();
    for id in u_ids.difference(&o_ids) {
        out.push(format!(
            "shapes{}: upstream has a {} shape / ours missing",
            key(id),
            show(u_shapes[id.as_str()].get("type"))
        ));
    }
    for id in o_ids.difference(&u_ids) {
        out.push(format!(
            "shapes{}: upstream missing / ours has an extra {} shape",
            key(id),
            show(o_shapes[id.as_str()].get("type"))
        ));
    }
    for id in u_ids.intersection(&o_ids) {
        compare_shape(id, &u_shapes[id.as_str()], &o_shapes[id.as_str()], &mut out);
    }
    out
}

fn fail_with(title: &str, problems: &[String]) -> ! {
    let mut msg = format!("{title} ({} problem(s)):\n", problems.len());
    for p in problems {
        msg.push_str("  - ");
        msg.push_str(p);
        msg.push('\n');
    }
    panic!("{msg}");
}

// ----------------------------------------------------- documentation prose

/// Every documentation string in a model, with the JSON path where it lives.
fn documentation_strings(model: &Value) -> Vec<(String, String)> {
    fn nested(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let p = format!("{path}.{k}");
                    match (k.as_str(), v) {
                        ("documentation", Value::String(s)) => out.push((p, s.clone())),
                        _ => nested(&p, v, out),
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    nested(&format!("{path}[{i}]"), v, out);
                }
            }
            _ => {}
        }
    }
    fn from_traits(path: &str, holder: &Value, out: &mut Vec<(String, String)>) {
        for (name, value) in traits_of(holder) {
            let p = format!("{path}.traits{}", key(name));
            match (name.as_str(), value) {
                (DOC_TRAIT, Value::String(s)) => out.push((p, s.clone())),
                _ => nested(&p, value, out),
            }
        }
    }
    let mut out = Vec::new();
    for (id, shape) in shapes(model) {
        let path = format!("shapes{}", key(id));
        from_traits(&path, shape, &mut out);
        if let Some(members) = shape.get("members").and_then(Value::as_object) {
            for (name, member) in members {
                from_traits(&format!("{path}.members.{name}"), member, &mut out);
            }
        }
    }
    out
}

/// Lower-cased words of a documentation string, markup and punctuation removed.
fn words(doc: &str) -> Vec<String> {
    let mut text = String::with_capacity(doc.len());
    let mut in_tag = false;
    for c in doc.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", " ")
        .replace("&gt;", " ")
        .replace("&amp;", " and ")
        .replace("&quot;", " ")
        .replace("&#39;", "'");
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn plain_text(doc: &str) -> String {
    words(doc).join(" ")
}

/// Whether a documentation string has been written: words, and not the marker
/// `cargo xtask update-model` leaves on what changed.
fn written(doc: &str) -> bool {
    !plain_text(doc).is_empty() && !doc.contains(TODO_MARKER)
}

/// Problems with the documentation of our model, independent of upstream.
fn missing_documentation(ours: &Value, upstream: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let has_doc = |holder: &Value| {
        traits_of(holder)
            .get(DOC_TRAIT)
            .and_then(Value::as_str)
            .is_some_and(written)
    };
    let upstream_shapes = upstream.map(shapes);
    for (id, shape) in shapes(ours) {
        let path = format!("shapes{}", key(id));
        let ty = shape.get("type").and_then(Value::as_str).unwrap_or("?");
        let must = matches!(ty, "service" | "operation" | "structure" | "union")
            || upstream_shapes
                .and_then(|u| u.get(id))
                .is_some_and(|u| traits_of(u).contains_key(DOC_TRAIT));
        if must && !has_doc(shape) {
            out.push(format!("{path}: {ty} has no documentation"));
        }
        if let Some(members) = shape.get("members").and_then(Value::as_object) {
            for (name, member) in members {
                if !has_doc(member) {
                    out.push(format!(
                        "{path}.members.{name}: member has no documentation"
                    ));
                }
            }
        }
        // Prose embedded in the endpoint rules must be present too.
        let traits = traits_of(shape);
        if let Some(params) = traits
            .get("smithy.rules#endpointRuleSet")
            .and_then(|r| r.get("parameters"))
            .and_then(Value::as_object)
        {
            for (name, param) in params {
                let doc = param
                    .get("documentation")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !written(doc) {
                    out.push(format!(
                        "{path}.traits[\"smithy.rules#endpointRuleSet\"].parameters.{name}: \
                         no documentation"
                    ));
                }
            }
        }
        if let Some(cases) = traits
            .get("smithy.rules#endpointTests")
            .and_then(|t| t.get("testCases"))
            .and_then(Value::as_array)
        {
            for (i, case) in cases.iter().enumerate() {
                let doc = case
                    .get("documentation")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !written(doc) {
                    out.push(format!(
                        "{path}.traits[\"smithy.rules#endpointTests\"].testCases[{i}]: \
                         no documentation"
                    ));
                }
            }
        }
    }
    out
}

/// Our documentation strings that equal, or share a run of `COPY_RUN` words
/// with, any upstream documentation string.
fn copied_documentation(upstream: &Value, ours: &Value) -> Vec<String> {
    let upstream_docs = documentation_strings(upstream);
    let mut whole: HashMap<String, &str> = HashMap::new();
    let mut runs: HashMap<Vec<String>, &str> = HashMap::new();
    for (path, doc) in &upstream_docs {
        let w = words(doc);
        if w.is_empty() {
            continue;
        }
        whole.entry(w.join(" ")).or_insert(path);
        for run in w.windows(COPY_RUN) {
            runs.entry(run.to_vec()).or_insert(path);
        }
    }
    let mut out = Vec::new();
    for (path, doc) in documentation_strings(ours) {
        let w = words(&doc);
        if w.is_empty() {
            continue;
        }
        if let Some(source) = whole.get(&w.join(" ")) {
            out.push(format!("{path}: identical to upstream {source}: {doc:?}"));
            continue;
        }
        let mut seen = HashSet::new();
        for run in w.windows(COPY_RUN) {
            if let Some(source) = runs.get(run) {
                if seen.insert(*source) {
                    out.push(format!(
                        "{path}: shares \"{}\" with upstream {source}",
                        run.join(" ")
                    ));
                }
            }
        }
    }
    out
}

// ------------------------------------------------------------------- tests

/// A file name relative to its folder, for messages.
fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string())
}

#[test]
fn every_model_pairs_with_one_upstream_model() {
    let Some((_, pairs)) = load_pairs() else {
        return;
    };
    // `pairs` has already failed for a model without exactly one counterpart.
    assert_eq!(pairs.len(), our_files().len());
    for pair in &pairs {
        println!(
            "{} <-> {} ({:?})",
            name(&pair.ours_path),
            name(&pair.upstream_path),
            service_ids(&pair.ours)
        );
    }
}

/// The pairing rule looks at service shape ids only: not at file names, not at the order of
/// the upstream files; a model of a service AWS's folder lacks, or has twice, is an error.
#[test]
fn pairing_is_by_service_shape_id() {
    let Some((upstreams, pairs)) = load_pairs() else {
        return;
    };
    let renamed: Models = pairs
        .iter()
        .map(|p| (PathBuf::from("any-name.json"), p.ours.clone()))
        .collect();
    let mut reversed = upstreams.clone();
    reversed.reverse();
    let again = pair_up(renamed, &reversed).unwrap_or_else(|p| panic!("{p:#?}"));
    let names = |ps: &[Pair]| {
        ps.iter()
            .map(|p| p.upstream_path.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&again), names(&pairs));

    let first = &pairs[0];
    let mut other_service = first.ours.clone();
    let id = service_ids(&other_service)
        .into_iter()
        .next()
        .expect("a paired model has a service");
    let shape = other_service["shapes"]
        .as_object_mut()
        .unwrap()
        .remove(&id)
        .unwrap();
    other_service["shapes"]
        .as_object_mut()
        .unwrap()
        .insert(format!("{id}Elsewhere"), shape);
    let unpaired = pair_up(vec![(PathBuf::from("x.json"), other_service)], &upstreams)
        .err()
        .expect("no upstream defines it");
    assert!(
        unpaired[0].contains("no upstream model defines the same service"),
        "{unpaired:?}"
    );

    let mut twice = upstreams.clone();
    twice.push((PathBuf::from("copy.json"), first.upstream.clone()));
    let ambiguous = pair_up(vec![(first.ours_path.clone(), first.ours.clone())], &twice)
        .err()
        .expect("two upstream files define it");
    assert!(
        ambiguous[0].contains("several upstream models"),
        "{ambiguous:?}"
    );
}

#[test]
fn facts_equal_upstream() {
    let Some((_, pairs)) = load_pairs() else {
        return;
    };
    let mut failures = Vec::new();
    for pair in &pairs {
        let problems = fact_differences(&pair.upstream, &pair.ours);
        if problems.is_empty() {
            println!(
                "facts equal: {} and {}, {} shapes compared",
                name(&pair.ours_path),
                name(&pair.upstream_path),
                shapes(&pair.upstream).len()
            );
            continue;
        }
        failures.push(format!(
            "{} differs in facts from {} ({} problem(s)):",
            pair.ours_path.display(),
            pair.upstream_path.display(),
            problems.len()
        ));
        failures.extend(problems.into_iter().map(|p| format!("    {p}")));
    }
    if !failures.is_empty() {
        fail_with("models differ in facts from upstream", &failures);
    }
}

#[test]
fn every_shape_and_member_is_documented() {
    // Without the upstream folder each model is checked on its own.
    let checked: Vec<(PathBuf, Value, Option<Value>)> = match load_pairs() {
        Some((_, pairs)) => pairs
            .into_iter()
            .map(|p| (p.ours_path, p.ours, Some(p.upstream)))
            .collect(),
        None => our_files()
            .into_iter()
            .map(|p| {
                let v = read_json(&p);
                (p, v, None)
            })
            .collect(),
    };
    let mut problems = Vec::new();
    for (path, ours, upstream) in &checked {
        let missing = missing_documentation(ours, upstream.as_ref());
        problems.extend(missing.into_iter().map(|p| format!("{}: {p}", name(path))));
    }
    if !problems.is_empty() {
        fail_with("undocumented parts in our models", &problems);
    }
}

/// Our prose against AWS's: the paired model's, and every other upstream model's too (AWS
/// reuses its wording across related services).
#[test]
fn documentation_is_not_copied_from_upstream() {
    let Some((upstreams, pairs)) = load_pairs() else {
        return;
    };
    let mut problems = Vec::new();
    for pair in &pairs {
        for (upstream_path, upstream) in &upstreams {
            let copied = copied_documentation(upstream, &pair.ours);
            problems.extend(copied.into_iter().map(|p| {
                format!(
                    "{} (vs {}): {p}",
                    name(&pair.ours_path),
                    name(upstream_path)
                )
            }));
        }
    }
    if !problems.is_empty() {
        fail_with(
            &format!("documentation copied from upstream (runs of {COPY_RUN}+ words)"),
            &problems,
        );
    }
}

/// The checks above must actually notice a changed fact or copied prose; break
/// in-memory copies of the upstream model in known ways and look for each break.
#[test]
fn checks_detect_deliberate_breakage() {
    let Some(upstreams) = load_upstreams() else {
        return;
    };
    // The breakages below name SageMaker Runtime's shapes: run them on AWS's model of it.
    let ns = "com.amazonaws.sagemakerruntime#";
    let input = format!("{ns}InvokeEndpointInput");
    let service = format!("{ns}AmazonSageMakerRuntime");
    let upstream = upstreams
        .iter()
        .find(|(_, u)| service_ids(u).contains(&service))
        .map(|(_, u)| u.clone())
        .unwrap_or_else(|| panic!("no model in {UPSTREAM_DIR} defines {service}"));

    // Documentation only: no fact differences.
    let mut reworded = upstream.clone();
    reworded["shapes"][&service]["traits"][DOC_TRAIT] = Value::from("<p>Reworded.</p>");
    reworded["shapes"][&service]["traits"]["smithy.rules#endpointTests"]["testCases"][0]
        ["documentation"] = Value::from("reworded");
    reworded["shapes"][&input]["members"]["Accept"]["traits"]
        .as_object_mut()
        .unwrap()
        .remove(DOC_TRAIT);
    assert_eq!(fact_differences(&upstream, &reworded), Vec::<String>::new());

    let mut broken = upstream.clone();
    broken["smithy"] = Value::from("1.0");
    broken["shapes"][&input]["members"]["Body"]["traits"]
        .as_object_mut()
        .unwrap()
        .remove("smithy.api#httpPayload");
    broken["shapes"][&input]["members"]["Accept"]["target"] = Value::from(format!("{ns}Message"));
    broken["shapes"][&input]["members"]
        .as_object_mut()
        .unwrap()
        .remove("SessionId");
    broken["shapes"][&format!("{ns}BodyBlob")]["traits"]["smithy.api#length"]["max"] =
        Value::from(6_000_000);
    broken["shapes"][&format!("{ns}ModelError")]["traits"]["smithy.api#httpError"] =
        Value::from(400);
    broken["shapes"][&format!("{ns}StatusCode")]["type"] = Value::from("long");
    broken["shapes"][&service]["traits"]["smithy.rules#endpointTests"]["testCases"][0]["expect"]
        ["endpoint"]["url"] = Value::from("https://example.invalid");
    broken["shapes"]
        .as_object_mut()
        .unwrap()
        .remove(&format!("{ns}PartBlob"));
    broken["shapes"].as_object_mut().unwrap().insert(
        format!("{ns}Extra"),
        serde_json::json!({ "type": "string" }),
    );

    let found = fact_differences(&upstream, &broken);
    let expected = [
        "smithy: upstream \"2.0\" / ours \"1.0\"".to_string(),
        format!(
            "shapes[\"{input}\"].members.Body.traits[\"smithy.api#httpPayload\"]: \
             upstream {{}} / ours missing"
        ),
        format!("shapes[\"{input}\"].members.Accept.target:"),
        format!("shapes[\"{input}\"].members.SessionId: upstream"),
        format!("shapes[\"{ns}BodyBlob\"].traits[\"smithy.api#length\"].max: upstream 6291456 / ours 6000000"),
        format!("shapes[\"{ns}ModelError\"].traits[\"smithy.api#httpError\"]: upstream 424 / ours 400"),
        format!("shapes[\"{ns}StatusCode\"].type: upstream \"integer\" / ours \"long\""),
        format!(
            "shapes[\"{service}\"].traits[\"smithy.rules#endpointTests\"].testCases[0].expect.endpoint.url:"
        ),
        format!("shapes[\"{ns}PartBlob\"]: upstream has a \"blob\" shape / ours missing"),
        format!("shapes[\"{ns}Extra\"]: upstream missing / ours has an extra"),
    ];
    for want in &expected {
        assert!(
            found.iter().any(|f| f.starts_with(want.as_str())),
            "breakage not detected: {want}\nreported:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(
        found.len(),
        expected.len(),
        "unexpected extra reports:\n{}",
        found.join("\n")
    );

    // Copy detection: upstream against itself is all copies; a lifted
    // eight-word phrase inside new text is caught as well.
    assert!(!copied_documentation(&upstream, &upstream).is_empty());
    let upstream_docs = documentation_strings(&upstream);
    let (_, sample) = upstream_docs
        .iter()
        .find(|(_, d)| words(d).len() >= COPY_RUN + 2)
        .expect("upstream has a long documentation string");
    let lifted = words(sample)[1..=COPY_RUN].join(" ");
    let mut copied = upstream.clone();
    for shape in copied["shapes"].as_object_mut().unwrap().values_mut() {
        if let Some(t) = shape.get_mut("traits").and_then(Value::as_object_mut) {
            t.remove(DOC_TRAIT);
        }
        if let Some(m) = shape.get_mut("members").and_then(Value::as_object_mut) {
            for member in m.values_mut() {
                if let Some(t) = member.get_mut("traits").and_then(Value::as_object_mut) {
                    t.remove(DOC_TRAIT);
                }
            }
        }
        strip_trait_docs(shape);
    }
    copied["shapes"][&service]["traits"][DOC_TRAIT] =
        Value::from(format!("<p>Freshly written intro, then: {lifted}.</p>"));
    let offenders = copied_documentation(&upstream, &copied);
    let service_doc = format!("shapes[\"{service}\"].traits[\"{DOC_TRAIT}\"]: shares");
    assert!(
        !offenders.is_empty() && offenders.iter().all(|o| o.starts_with(&service_doc)),
        "{offenders:#?}"
    );

    // And the documentation check notices a missing member doc.
    assert!(!missing_documentation(&copied, Some(&upstream)).is_empty());

    // Documentation `cargo xtask update-model` marked as still to be written counts as none,
    // on a member and on an endpoint test case alike.
    let ours = &load_pairs().expect("upstream models are here").1[0].ours;
    assert_eq!(missing_documentation(ours, None), Vec::<String>::new());
    let mut marked = ours.clone();
    let (id, shape) = marked["shapes"]
        .as_object_mut()
        .unwrap()
        .iter_mut()
        .find(|(_, s)| s.get("members").is_some_and(|m| !m.as_object().unwrap().is_empty()))
        .expect("a shape with members");
    let id = id.clone();
    let (member, value) = shape["members"].as_object_mut().unwrap().iter_mut().next().unwrap();
    let member = member.clone();
    value["traits"][DOC_TRAIT] = Value::from(format!("{TODO_MARKER}: new or changed in AWS's model; describe it."));
    assert_eq!(
        missing_documentation(&marked, None),
        vec![format!("shapes[\"{id}\"].members.{member}: member has no documentation")]
    );
}
