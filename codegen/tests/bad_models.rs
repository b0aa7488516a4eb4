//! Broken models fail with errors that name the place (JSON path, shape id or
//! `shape$member`) and say what is wrong; and writing a crate either replaces
//! the old one exactly or leaves it as it was.

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
    Options { service: None, crate_options: workspace_crate_options() }
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
fn invalid_json() {
    assert_fails_text("{\"smithy\": \"2.0\", \"shapes\": {", "$", "not valid JSON");
    assert_fails_text("[1, 2]", "$", "must be a JSON object");
}

#[test]
fn missing_smithy_version() {
    let mut model = valid_model();
    model.as_object_mut().expect("object").remove("smithy");
    assert_fails(model, "$.smithy", "missing");
    let mut model = valid_model();
    model["smithy"] = json!("3.0");
    assert_fails(model, "$.smithy", "unsupported IDL version `3.0`");
}

#[test]
fn unknown_shape_type() {
    let model = with_shape(valid_model(), "ex.bad#Gadget", json!({"type": "widget"}));
    assert_fails(model, "$.shapes[\"ex.bad#Gadget\"]", "unknown variant `widget`");
}

#[test]
fn unknown_property_of_a_shape() {
    let model = with_shape(valid_model(), "ex.bad#Name", json!({"type": "string", "trait": {}}));
    assert_fails(model, "$.shapes[\"ex.bad#Name\"]", "unknown field `trait`");
}

#[test]
fn malformed_shape_id() {
    let model = with_shape(valid_model(), "ex.bad#Not A Name", json!({"type": "string"}));
    assert_fails(model, "$.shapes[\"ex.bad#Not A Name\"]", "malformed shape id");
    let model = with_shape(valid_model(), "NoNamespace", json!({"type": "string"}));
    assert_fails(model, "$.shapes[\"NoNamespace\"]", "expected `namespace#Name`");
}

#[test]
fn dangling_member_target() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "members": {"Name": {"target": "ex.bad#Nowhere"}}}),
    );
    assert_fails(model, "ex.bad#GetThingOutput$Name", "targets `ex.bad#Nowhere`, which is not defined in the model");
}

#[test]
fn dangling_operation_input() {
    let model = with_shape(valid_model(), "ex.bad#GetThingInput", Value::Null);
    assert_fails(model, "ex.bad#GetThing (operation)", "targets `ex.bad#GetThingInput`, which is not defined");
}

#[test]
fn operation_input_that_is_not_a_structure() {
    let model = with_shape(valid_model(), "ex.bad#GetThingInput", json!({"type": "string"}));
    assert_fails(model, "ex.bad#GetThing", "must target structures; `ex.bad#GetThingInput` is a string");
}

#[test]
fn apply_to_a_missing_shape() {
    let model = with_shape(valid_model(), "ex.bad#Ghost", json!({"type": "apply", "traits": {"smithy.api#sensitive": {}}}));
    assert_fails(model, "ex.bad#Ghost", "`apply` targets a shape that is not defined");
}

#[test]
fn apply_to_a_missing_member() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput$Colour",
        json!({"type": "apply", "traits": {"smithy.api#documentation": "?"}}),
    );
    assert_fails(model, "ex.bad#GetThingOutput$Colour", "targets member `Colour`, which `ex.bad#GetThingOutput` does not have");
}

#[test]
fn mixin_cycle() {
    let model = with_shape(
        valid_model(),
        "ex.bad#MixinA",
        json!({"type": "structure", "mixins": [{"target": "ex.bad#MixinB"}], "members": {}, "traits": {"smithy.api#mixin": {}}}),
    );
    let model = with_shape(
        model,
        "ex.bad#MixinB",
        json!({"type": "structure", "mixins": [{"target": "ex.bad#MixinA"}], "members": {}, "traits": {"smithy.api#mixin": {}}}),
    );
    assert_fails(model, "ex.bad#MixinA", "mixin cycle: ex.bad#MixinA -> ex.bad#MixinB -> ex.bad#MixinA");
}

#[test]
fn mixin_without_the_mixin_trait() {
    let model = with_shape(valid_model(), "ex.bad#Plain", json!({"type": "structure", "members": {"A": {"target": "smithy.api#String"}}}));
    let model = with_shape(
        model,
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "mixins": [{"target": "ex.bad#Plain"}], "members": {}}),
    );
    assert_fails(model, "ex.bad#GetThingOutput", "uses `ex.bad#Plain` as a mixin, but it has no @mixin trait");
}

#[test]
fn member_targeting_an_operation() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "members": {"Next": {"target": "ex.bad#GetThing"}}}),
    );
    assert_fails(model.clone(), "ex.bad#GetThingOutput$Next", "targets `ex.bad#GetThing`");
    assert_fails(model, "ex.bad#GetThingOutput$Next", "operation shape; members cannot target it");
}

#[test]
fn uri_label_without_member() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingInput",
        json!({"type": "structure", "members": {"Id": {"target": "smithy.api#String", "traits": {"smithy.api#httpQuery": "id"}}}}),
    );
    assert_fails(model, "ex.bad#GetThing", "URI `/things/{Id}` has label `{Id}` but the input has no @httpLabel member `Id`");
}

#[test]
fn label_member_without_uri_label() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThing",
        json!({
            "type": "operation",
            "input": {"target": "ex.bad#GetThingInput"},
            "output": {"target": "ex.bad#GetThingOutput"},
            "traits": {"smithy.api#http": {"method": "GET", "uri": "/things", "code": 200}}
        }),
    );
    assert_fails(model, "ex.bad#GetThingInput$Id", "is an @httpLabel but the URI `/things` has no `{Id}`");
}

#[test]
fn operation_without_http_trait() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThing",
        json!({"type": "operation", "input": {"target": "ex.bad#GetThingInput"}, "output": {"target": "ex.bad#GetThingOutput"}}),
    );
    assert_fails(model, "ex.bad#GetThing", "has no @http trait");
}

#[test]
fn request_compression_without_encodings() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThing",
        json!({
            "type": "operation",
            "input": {"target": "ex.bad#GetThingInput"},
            "output": {"target": "ex.bad#GetThingOutput"},
            "traits": {
                "smithy.api#http": {"method": "GET", "uri": "/things/{Id}", "code": 200},
                "smithy.api#requestCompression": {"encodings": []}
            }
        }),
    );
    assert_fails(model, "ex.bad#GetThing", "@requestCompression needs at least one encoding");
}

#[test]
fn request_compression_of_a_stream_that_requires_its_length() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThing",
        json!({
            "type": "operation",
            "input": {"target": "ex.bad#GetThingInput"},
            "output": {"target": "ex.bad#GetThingOutput"},
            "traits": {
                "smithy.api#http": {"method": "PUT", "uri": "/things/{Id}", "code": 200},
                "smithy.api#requestCompression": {"encodings": ["gzip"]}
            }
        }),
    );
    let model = with_shape(
        model,
        "ex.bad#GetThingInput",
        json!({"type": "structure", "members": {
            "Id": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}},
            "Body": {"target": "ex.bad#Sized", "traits": {"smithy.api#httpPayload": {}}}
        }}),
    );
    let model = with_shape(
        model,
        "ex.bad#Sized",
        json!({"type": "blob", "traits": {"smithy.api#streaming": {}, "smithy.api#requiresLength": {}}}),
    );
    assert_fails(model, "ex.bad#GetThingInput$Body", "@streaming and @requiresLength");
}

#[test]
fn service_of_another_protocol_names_it() {
    let mut model = valid_model();
    let traits = model["shapes"]["ex.bad#Svc"]["traits"].as_object_mut().expect("traits");
    traits.remove("aws.protocols#restJson1");
    traits.insert("aws.protocols#awsJson1_1".into(), json!({}));
    assert_fails(model, "ex.bad#Svc", "uses aws.protocols#awsJson1_1; this generator supports aws.protocols#restJson1 only");

    let mut model = valid_model();
    model["shapes"]["ex.bad#Svc"]["traits"].as_object_mut().expect("traits").remove("aws.protocols#restJson1");
    assert_fails(model, "ex.bad#Svc", "uses no protocol trait");
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

#[test]
fn member_targeting_an_error_structure() {
    let model = with_shape(
        valid_model(),
        "ex.bad#GetThingOutput",
        json!({"type": "structure", "members": {"Problem": {"target": "ex.bad#Oops"}}}),
    );
    let model = with_shape(
        model,
        "ex.bad#Oops",
        json!({"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}}),
    );
    assert_fails(model, "ex.bad#GetThingOutput$Problem", "targets the @error structure `ex.bad#Oops`");
}
