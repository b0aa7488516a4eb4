//! Broken models fail with errors that name the place (JSON path, shape id or
//! `shape$member`) and say what is wrong (each malformed model of the corpus is a file in
//! `bad-models/`, run by `bad_model_corpus.rs`; the cases here need more than one run); and
//! writing a crate either replaces the old one exactly or leaves it as it was.

use serde_json::{json, Value};
use smithygen::write::{check_crate, write_crate};
use smithygen::{generate, workspace_crate_options, Errors, GeneratedCrate, Options};
use std::collections::BTreeMap;
use std::path::Path;

/// A small valid restJson1 service: `GET /things/{Id}` returning a name.
fn valid_model() -> Value {
    json!({
        "smithy": "2.0",
        "shapes": {
            "ex.bad#Svc": {
                "type": "service",
                "version": "2024-01-01",
                "operations": [{"target": "ex.bad#GetThing"}],
                "traits": {
                    "aws.api#service": {"sdkId": "Bad Model Example"},
                    "aws.auth#sigv4": {"name": "badexample"},
                    "aws.protocols#restJson1": {}
                }
            },
            "ex.bad#GetThing": {
                "type": "operation",
                "input": {"target": "ex.bad#GetThingInput"},
                "output": {"target": "ex.bad#GetThingOutput"},
                "traits": {"smithy.api#http": {"method": "GET", "uri": "/things/{Id}", "code": 200}}
            },
            "ex.bad#GetThingInput": {
                "type": "structure",
                "members": {
                    "Id": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}}
                }
            },
            "ex.bad#GetThingOutput": {
                "type": "structure",
                "members": {
                    "Name": {"target": "smithy.api#String"}
                }
            }
        }
    })
}

/// The model with `shape` set to `value` (or removed when `value` is null).
fn with_shape(mut model: Value, id: &str, value: Value) -> Value {
    let shapes = model["shapes"].as_object_mut().expect("shapes");
    if value.is_null() {
        shapes.remove(id);
    } else {
        shapes.insert(id.to_string(), value);
    }
    model
}

fn options() -> Options {
    Options { service: None, crate_options: workspace_crate_options(), customizations: None }
}

fn generate_text(text: &str) -> Result<GeneratedCrate, Errors> {
    generate(text, &options())
}

/// Generation must fail with an error at `location` whose message contains `fragment`.
fn assert_fails_text(text: &str, location: &str, fragment: &str) {
    let errors = match generate_text(text) {
        Ok(_) => panic!("the model generated, but it should fail at {location} with `{fragment}`"),
        Err(errors) => errors,
    };
    assert!(
        errors.0.iter().any(|e| e.location == location && e.message.contains(fragment)),
        "expected an error at `{location}` containing `{fragment}`; got:\n{errors}"
    );
    // The rendered error starts with where it is.
    let rendered = errors.to_string();
    assert!(rendered.contains(&format!("{location}: ")), "{rendered}");
}

fn assert_fails(model: Value, location: &str, fragment: &str) {
    assert_fails_text(&model.to_string(), location, fragment);
}

#[test]
fn the_valid_base_model_generates() {
    let krate = generate_text(&valid_model().to_string()).expect("the base model is valid");
    assert_eq!(krate.name, "bad-model-example");
    assert!(krate.files.contains_key("src/operation/get_thing.rs"));
}

#[test]
fn two_services_need_a_choice() {
    let second = valid_model()["shapes"]["ex.bad#Svc"].clone();
    let model = with_shape(valid_model(), "ex.bad#OtherSvc", second);
    assert_fails(model.clone(), "model", "the model defines 2 services (ex.bad#OtherSvc, ex.bad#Svc); choose one with --service");

    // Naming one (by id or by name) picks it; naming a missing one lists what there is.
    let text = model.to_string();
    let pick = |service: &str| generate(&text, &Options { service: Some(service.into()), ..options() });
    assert!(pick("ex.bad#Svc").is_ok());
    assert!(pick("OtherSvc").is_ok());
    let errors = pick("Nope").expect_err("no such service");
    assert_eq!(errors.0[0].location, "model");
    assert!(errors.0[0].message.contains("no service `Nope`; the model defines: ex.bad#OtherSvc, ex.bad#Svc"), "{errors}");
}

#[test]
fn conflicting_rust_names() {
    // Two structures in different namespaces, both reachable, same Rust name, no `rename`.
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "members": {
            "Mine": {"target": "ex.bad#Item"},
            "Theirs": {"target": "ex.other#Item"}
        }}),
    );
    let model = with_shape(model, "ex.bad#Item", json!({"type": "structure", "members": {}}));
    let model = with_shape(model, "ex.other#Item", json!({"type": "structure", "members": {}}));
    assert_fails(model.clone(), "ex.other#Item", "its Rust name `Item` conflicts with `ex.bad#Item`; add a `rename` to the service");

    // The service's `rename` resolves it.
    let mut renamed = model;
    renamed["shapes"]["ex.bad#Svc"]["rename"] = json!({"ex.other#Item": "OtherItem"});
    let krate = generate_text(&renamed.to_string()).expect("rename resolves the conflict");
    assert!(krate.files["src/types.rs"].contains("pub struct OtherItem"));

    // Names that differ only in case or separators collide in Rust too.
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "members": {
            "A": {"target": "ex.bad#Thing_Kind"},
            "B": {"target": "ex.bad#ThingKind"}
        }}),
    );
    let model = with_shape(model, "ex.bad#Thing_Kind", json!({"type": "structure", "members": {}}));
    let model = with_shape(model, "ex.bad#ThingKind", json!({"type": "structure", "members": {}}));
    assert_fails(model, "ex.bad#Thing_Kind", "its Rust name `ThingKind` conflicts with `ex.bad#ThingKind`");
}

#[test]
fn several_problems_are_reported_together() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "members": {
            "A": {"target": "ex.bad#Missing1"},
            "B": {"target": "ex.bad#Missing2"}
        }}),
    );
    let errors = generate_text(&model.to_string()).expect_err("two dangling targets");
    let locations: Vec<&str> = errors.0.iter().map(|e| e.location.as_str()).collect();
    assert_eq!(locations, ["ex.bad#GetThingOutput$A", "ex.bad#GetThingOutput$B"]);
}

// ---- writing ----

fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
    entries.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
}

/// Every file under `dir`, relative path to contents.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).expect("text"));
            }
        }
    }
    out
}

fn entries_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    names.sort();
    names
}

#[test]
fn writing_over_an_existing_crate_replaces_it_exactly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("my-crate");
    let old = files(&[("Cargo.toml", "old"), ("src/lib.rs", "old lib"), ("src/stale.rs", "gone soon"), ("notes/hand.txt", "x")]);
    write_crate(&dir, &old).expect("first write");
    assert_eq!(read_tree(&dir), old);

    let new = files(&[("Cargo.toml", "new"), ("src/lib.rs", "new lib"), ("src/fresh/mod.rs", "fresh")]);
    write_crate(&dir, &new).expect("second write");
    assert_eq!(read_tree(&dir), new, "exactly the new files: stale ones are gone");
    assert_eq!(entries_of(tmp.path()), ["my-crate"], "no staging or backup folder is left behind");

    let drift = check_crate(&dir, &new).expect("check");
    assert!(drift.is_empty(), "{drift}");
}

#[test]
fn check_reports_each_kind_of_drift() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("c");
    let expected = files(&[("a.rs", "one\ntwo\n"), ("b.rs", "b"), ("c.rs", "c")]);
    write_crate(&dir, &expected).expect("write");
    std::fs::write(dir.join("a.rs"), "one\nTWO\n").expect("edit");
    std::fs::remove_file(dir.join("b.rs")).expect("remove");
    std::fs::write(dir.join("extra.rs"), "hand-written").expect("add");

    let drift = check_crate(&dir, &expected).expect("check");
    assert_eq!(drift.missing, ["b.rs"]);
    assert_eq!(drift.extra, ["extra.rs"]);
    assert_eq!(drift.changed.len(), 1);
    assert_eq!(drift.changed[0].0, "a.rs");
    assert!(drift.changed[0].1.contains("line 2: checked in `TWO`, generated `two`"), "{}", drift.changed[0].1);
    let text = drift.to_string();
    assert!(text.contains("missing: b.rs") && text.contains("not generated (stale): extra.rs") && text.contains("differs: a.rs"), "{text}");
}

#[test]
fn a_failing_generation_produces_nothing_to_write() {
    // `generate` is all in memory: on error there are no files at all, so the
    // xtask (which generates every model before writing any) leaves outputs untouched.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("out");
    let before = files(&[("Cargo.toml", "kept"), ("src/lib.rs", "kept")]);
    write_crate(&dir, &before).expect("write");

    let broken = with_shape(valid_model(), "ex.bad#GetThingInput", Value::Null).to_string();
    let result = generate_text(&broken).map(|krate| write_crate(&dir, &krate.files));
    assert!(result.is_err());
    assert_eq!(read_tree(&dir), before);
}

#[test]
fn a_write_that_fails_midway_leaves_the_old_crate_intact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("out");
    let before = files(&[("Cargo.toml", "kept"), ("src/lib.rs", "kept")]);
    write_crate(&dir, &before).expect("write");

    // `src` as a file and `src/lib.rs` below it cannot both exist: the second write fails.
    let impossible = files(&[("Cargo.toml", "new"), ("src", "a file"), ("src/lib.rs", "new")]);
    assert!(write_crate(&dir, &impossible).is_err());
    assert_eq!(read_tree(&dir), before, "the previous crate is untouched");
    assert_eq!(entries_of(tmp.path()), ["out"], "the partial staging folder is removed");
}

#[test]
fn a_staging_folder_that_cannot_be_made_leaves_the_old_crate_intact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("out");
    let before = files(&[("Cargo.toml", "kept")]);
    write_crate(&dir, &before).expect("write");

    // A file where the staging folder would go (running as root, permissions cannot be relied on).
    let blocker = tmp.path().join(format!(".out.staging-{}", std::process::id()));
    std::fs::write(&blocker, "in the way").expect("blocker");
    assert!(write_crate(&dir, &files(&[("Cargo.toml", "new")])).is_err());
    assert_eq!(read_tree(&dir), before);
}

