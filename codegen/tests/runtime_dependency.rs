//! How a generated crate names `smithygen-runtime` in its `Cargo.toml`, for each form
//! `cargo xtask codegen --runtime path|version|git=URL` passes: always with the version (so the
//! crate can be packaged and published, and a registry copy resolves to the published runtime),
//! without the runtime's default features (the crate's own turn them on), and with the optional
//! parts its model needs (`event-stream`, `content-md5`, `request-compression`), whatever the form.

use smithygen::{generate, generate_cli, CrateOptions, Options};
use std::path::Path;

fn model(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is inside the workspace");
    std::fs::read_to_string(root.join(path)).expect("the model is there")
}

fn runtime_line(json: &str, runtime_dependency: &str) -> String {
    let options = Options {
        service: None,
        crate_options: CrateOptions { runtime_dependency: runtime_dependency.into(), version: "0.3.0".into() },
        customizations: None,
    };
    let krate = generate(json, &options).expect("the model generates");
    let manifest = &krate.files["Cargo.toml"];
    manifest.lines().find(|l| l.starts_with("smithygen-runtime = ")).expect("a runtime dependency").to_string()
}

#[test]
fn every_runtime_form_keeps_version_and_features() {
    let streams = model("models/runtime.sagemaker-2017-05-13.json");
    assert_eq!(
        runtime_line(&streams, r#"{ version = "0.1.0", path = "/src/smithygen/runtime" }"#),
        r#"smithygen-runtime = { version = "0.1.0", path = "/src/smithygen/runtime", default-features = false, features = ["event-stream"] }"#
    );
    assert_eq!(
        runtime_line(&streams, r#""0.1.0""#),
        r#"smithygen-runtime = { version = "0.1.0", default-features = false, features = ["event-stream"] }"#
    );
    assert_eq!(
        runtime_line(&streams, r#"{ version = "0.1.0", git = "https://example.com/smithygen.git" }"#),
        r#"smithygen-runtime = { version = "0.1.0", git = "https://example.com/smithygen.git", default-features = false, features = ["event-stream"] }"#
    );
    // No event streams, checksums or compression: no optional part.
    let plain = model("codegen/tests/fixtures/shapes.json");
    assert_eq!(runtime_line(&plain, r#""0.1.0""#), r#"smithygen-runtime = { version = "0.1.0", default-features = false }"#);
    // @httpChecksumRequired and @requestCompression: md-5 and flate2, only for such a model.
    let payloads = model("codegen/tests/fixtures/payloads.json");
    assert_eq!(
        runtime_line(&payloads, r#""0.1.0""#),
        r#"smithygen-runtime = { version = "0.1.0", default-features = false, features = ["content-md5", "request-compression"] }"#
    );
}

/// The crate's `default-https-client` and `rt-tokio` features are the runtime's too: without
/// them the runtime compiles no HTTPS client and no tokio runtime either.
#[test]
fn the_crate_features_turn_on_the_runtime_features() {
    let options = Options {
        service: None,
        crate_options: CrateOptions { runtime_dependency: r#""0.1.0""#.into(), version: "0.3.0".into() },
        customizations: None,
    };
    let krate = generate(&model("codegen/tests/fixtures/shapes.json"), &options).expect("the model generates");
    let manifest = &krate.files["Cargo.toml"];
    let feature = |name: &str| {
        manifest.lines().find(|l| l.starts_with(&format!("{name} = ["))).unwrap_or_else(|| panic!("no feature {name}:\n{manifest}")).to_string()
    };
    assert!(feature("default-https-client").contains(r#""smithygen-runtime/default-https-client""#));
    assert!(feature("rt-tokio").contains(r#""smithygen-runtime/rt-tokio""#));
    assert_eq!(feature("rustls"), r#"rustls = ["default-https-client"]"#);
}

#[test]
fn the_cli_names_the_client_with_its_version() {
    let options = Options {
        service: None,
        crate_options: CrateOptions { runtime_dependency: r#""0.1.0""#.into(), version: "0.3.0".into() },
        customizations: None,
    };
    let cli = generate_cli(&model("models/runtime.sagemaker-2017-05-13.json"), &options).expect("the CLI generates");
    assert!(
        cli.files["Cargo.toml"].contains(r#"sagemaker-runtime = { version = "0.3.0", path = "../sagemaker-runtime" }"#),
        "{}",
        cli.files["Cargo.toml"]
    );
}

/// The crates meant for crates.io name a version on every path dependency (`cargo package`
/// refuses one without): the runtimes and the generated crates. Dev-dependencies may be
/// path-only (packaging drops them).
#[test]
fn publishable_crates_version_their_path_dependencies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is inside the workspace");
    let mut manifests = vec![root.join("runtime/Cargo.toml"), root.join("cli-runtime/Cargo.toml")];
    for entry in std::fs::read_dir(root.join("generated")).expect("generated/ exists").filter_map(Result::ok) {
        manifests.push(entry.path().join("Cargo.toml"));
    }
    let mut problems = Vec::new();
    for manifest in &manifests {
        let text = std::fs::read_to_string(manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        let mut section = String::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line.to_string();
            } else if section == "[dependencies]" && !line.starts_with('#') && line.contains(" path = ") && !line.contains("version = ") {
                problems.push(format!("{}: {line}", manifest.display()));
            }
        }
    }
    assert!(manifests.len() >= 4, "{manifests:?}");
    assert!(problems.is_empty(), "path dependencies without a version:\n{}", problems.join("\n"));
}
