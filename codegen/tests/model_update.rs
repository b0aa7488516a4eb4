//! `cargo xtask update-model` on the real change of late 2026 (`PrefixAwareId`; an inline
//! `Body`, `S3OutputPathExtension` and `Filename` on `InvokeEndpointAsync`, whose
//! `InputLocation` became optional; the endpoint rules also as a BDD; four endpoint tests
//! removed): from our model of 2025 (`tests/model-update/`, the project's own file as it was
//! before the change) and AWS's model of today (`../shared/models/upstream/`), the merge gives
//! today's facts, keeps every piece of our 2025 documentation whose subject did not change,
//! marks the rest, and regenerating over the 2025 crate makes a breaking release with the
//! change's CHANGELOG section.

use serde_json::Value;
use smithygen::changelog::{Bump, CHANGELOG_FILE, SUMMARY_FILE};
use smithygen::model_update::{merge, without_documentation, DOC_TRAIT, TODO_MARKER};
use smithygen::{generate, generate_with_history, workspace_crate_options, History, Options};
use std::path::{Path, PathBuf};

const NS: &str = "com.amazonaws.sagemakerruntime#";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is inside the workspace").to_path_buf()
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// AWS's SageMaker Runtime model of today, or `None` (with a notice) without the upstream
/// folder, as the facts test does; CI always has it.
fn upstream() -> Option<Value> {
    let path = root().join("../shared/models/upstream/sagemaker-runtime-2017-05-13.json");
    if !path.is_file() {
        println!("NOTICE: {} not found; skipping (CI provides it)", path.display());
        return None;
    }
    Some(read(&path))
}

/// Every documentation string of a model by JSON path (the facts test's notion of prose).
fn docs(model: &Value) -> Vec<(String, String)> {
    fn walk(path: String, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        (DOC_TRAIT | "documentation", Value::String(s)) => out.push((format!("{path}.{k}"), s.clone())),
                        _ => walk(format!("{path}.{k}"), v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(format!("{path}[{i}]"), v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(String::new(), model, &mut out);
    out
}

#[test]
fn the_late_2026_change_from_our_2025_model() {
    let Some(upstream) = upstream() else { return };
    let ours_2025 = read(&root().join("tests/model-update/runtime.sagemaker-2017-05-13.2025.json"));
    let today = read(&root().join("models/runtime.sagemaker-2017-05-13.json"));
    assert_ne!(without_documentation(&ours_2025), without_documentation(&today), "the 2025 model predates the change");

    let merged = merge(&ours_2025, &upstream).expect("the models merge");
    // Today's facts, exactly (the facts test holds today's model equal to AWS's).
    assert_eq!(without_documentation(&merged.model), without_documentation(&today));
    assert_eq!(without_documentation(&merged.model), without_documentation(&upstream));

    // Every piece of prose is our 2025 text or the marker: none of AWS's.
    let ours_texts: std::collections::HashSet<String> = docs(&ours_2025).into_iter().map(|(_, d)| d).collect();
    let merged_docs = docs(&merged.model);
    for (path, doc) in &merged_docs {
        assert!(doc == TODO_MARKER || ours_texts.contains(doc), "{path}: {doc:?} is neither ours nor the marker");
    }
    let marked = merged_docs.iter().filter(|(_, d)| d == TODO_MARKER).count();
    assert_eq!(marked, merged.to_write.len());
    assert_eq!(merged.kept + marked, merged_docs.len());

    // What changed is marked; what did not keeps its words.
    let shapes = &merged.model["shapes"];
    let member_doc = |shape: &str, member: &str| shapes[format!("{NS}{shape}")]["members"][member]["traits"][DOC_TRAIT].clone();
    for (shape, member) in [
        ("InvokeEndpointInput", "PrefixAwareId"),
        ("InvokeEndpointWithResponseStreamInput", "PrefixAwareId"),
        ("InvokeEndpointAsyncInput", "Body"),
        ("InvokeEndpointAsyncInput", "S3OutputPathExtension"),
        ("InvokeEndpointAsyncInput", "Filename"),
        ("InvokeEndpointAsyncInput", "InputLocation"),
    ] {
        assert_eq!(member_doc(shape, member), TODO_MARKER, "{shape}.{member} is new or changed");
    }
    let old_shapes = &ours_2025["shapes"];
    for (shape, member) in [("InvokeEndpointInput", "EndpointName"), ("InvokeEndpointInput", "Body"), ("InvokeEndpointAsyncInput", "ContentType")] {
        assert_eq!(member_doc(shape, member), old_shapes[format!("{NS}{shape}")]["members"][member]["traits"][DOC_TRAIT], "{shape}.{member}");
    }
    let service = format!("{NS}AmazonSageMakerRuntime");
    assert_eq!(shapes[&service]["traits"][DOC_TRAIT], old_shapes[&service]["traits"][DOC_TRAIT]);
    assert!(merged.kept > 100, "most of the 2025 documentation is kept: {}", merged.kept);
    println!("kept {}, to write {}:\n{}", merged.kept, merged.to_write.len(), merged.to_write.join("\n"));

    // Regenerating over the 2025 crate: a breaking release (0.1.0 → 0.2.0 below 1.0) whose
    // CHANGELOG section lists the change.
    let options = Options { service: None, crate_options: workspace_crate_options(), customizations: None };
    let crate_2025 = generate(&ours_2025.to_string(), &options).expect("the 2025 model generates");
    let history = History {
        summary: Some(crate_2025.files[SUMMARY_FILE].clone()),
        changelog: Some(crate_2025.files[CHANGELOG_FILE].clone()),
    };
    let updated = generate_with_history(&merged.model.to_string(), &options, &history).expect("the merged model generates");
    let release = updated.release.expect("a client crate has a release");
    assert_eq!((release.bump, release.version.to_string()), (Bump::Breaking, "0.2.0".to_string()));
    assert!(updated.files["Cargo.toml"].contains("\nversion = \"0.2.0\"\n"), "{}", updated.files["Cargo.toml"]);
    let section = release.section.expect("a new section");
    for line in [
        "## 0.2.0 — API version 2017-05-13",
        "- `InvokeEndpointInput.PrefixAwareId`: string, header `X-Amzn-SageMaker-Prefix-Aware-Id`, optional",
        "- `InvokeEndpointAsyncInput.Body`: blob, payload, optional, sensitive",
        "- `InvokeEndpointAsyncInput.InputLocation`: required → optional",
    ] {
        assert!(section.contains(line), "{line:?} missing from:\n{section}");
    }
}
