//! `smithygen`: turns a Smithy 2.0 JSON AST model into a Rust client crate.
//!
//! The pipeline, one module per step:
//! 1. [`model`]: load the JSON AST with serde.
//! 2. [`transform`]: add the prelude, validate references, merge `apply`, flatten mixins;
//!    for the chosen service, bind resource operations, copy service errors, mark boxed members.
//! 3. [`lower`]: walk the service closure into the [`ir`], with Rust names ([`naming`]),
//!    HTTP bindings, constraints and docs as Markdown ([`docs`]); then [`analyze`] decides
//!    what emitters would otherwise decide (each `@pattern` translated by [`pattern`]), and
//!    [`protocol::plan`] applies the protocol's binding rules to every message: where each
//!    member travels and in which text form ([`ir::MessageBindings`]).
//! 4. [`emit`]: one emitter per concern turns the IR into token streams, formatted
//!    with prettyplease. Client and server render the same binding plan in opposite
//!    directions, sharing `emit::http_bindings`.
//! 5. [`write`](mod@write): files are written atomically; `--check` compares instead.

pub mod analyze;
pub mod changelog;
pub mod cli_plan;
pub mod conformance;
pub mod customizations;
pub mod docs;
pub mod emit;
pub mod endpoint_stale;
pub mod error;
pub mod ir;
pub mod lower;
pub mod model;
pub mod model_update;
pub mod naming;
pub mod pattern;
pub mod protocol;
pub mod transform;
pub mod write;

pub use emit::CrateOptions;
pub use error::{Error, Errors};

use std::collections::BTreeMap;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The service shape id (or name) when the model has several services.
    pub service: Option<String>,
    /// How the generated crate depends on the runtime, and its version.
    pub crate_options: CrateOptions,
    /// The model's customization data (JSON text, see [`customizations`]): facts the model
    /// cannot state, such as results an asynchronous call leaves in S3.
    pub customizations: Option<String>,
}

/// The customization data beside a model file, `<dir>/customizations/<file name>`, if there is
/// one: what `cargo xtask codegen` and the drift test pass as [`Options::customizations`].
pub fn customizations_beside(model: &std::path::Path) -> std::io::Result<Option<String>> {
    let (Some(dir), Some(name)) = (model.parent(), model.file_name()) else { return Ok(None) };
    match std::fs::read_to_string(dir.join("customizations").join(name)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The options `cargo xtask codegen` generates `generated/<crate>/` with: the
/// runtime as a path relative to that folder (with its version, so `cargo package` of the
/// generated crate works and a registry copy resolves to the published runtime), version
/// `0.1.0` (a client crate's version comes from its history, see [`generate_with_history`];
/// its command-line client is given the client's). The drift test uses the same function, so
/// the two cannot disagree.
pub fn workspace_crate_options() -> CrateOptions {
    CrateOptions {
        runtime_dependency: format!("{{ version = \"{RUNTIME_VERSION}\", path = \"../../runtime\" }}"),
        version: "0.1.0".into(),
    }
}

/// The version of `smithygen-runtime` generated crates depend on (`runtime/Cargo.toml`).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// A generated crate in memory: files by relative path, and what was left out.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// The crate name, e.g. `weather-service`.
    pub name: String,
    /// The crate version written into its `Cargo.toml`.
    pub version: String,
    /// A client crate's changelog and version as this generation continues them (`None` for a
    /// command-line client, which takes its client's version).
    pub release: Option<changelog::Release>,
    /// File contents keyed by path relative to the crate root.
    pub files: BTreeMap<String, String>,
    /// Operations not generated, with the reason.
    pub skipped_operations: Vec<(String, String)>,
    /// Model constraints the generated server stub does not enforce, with the reason.
    pub unchecked_constraints: Vec<String>,
    /// Endpoint test cases the reviewed stale list matches: tested as resolving instead.
    pub stale_endpoint_cases: Vec<endpoint_stale::StaleCase>,
    /// The protocol tests generated into `src/protocol_tests/` (none for AWS service models).
    pub protocol_cases: Vec<conformance::PlannedCase>,
}

/// Runs load → normalise → lower from JSON text to the IR of one service.
pub fn lower_model(json: &str, service: Option<&str>) -> Result<ir::Service, Errors> {
    let model = model::Model::from_json(json)?;
    let model = transform::normalize(model)?;
    let service_id = lower::select_service(&model, service)?;
    let model = transform::for_service(model, &service_id);
    lower::lower(&model, &service_id)
}

/// [`lower_model`] with the options' customization data applied.
fn lower_with(json: &str, options: &Options) -> Result<ir::Service, Errors> {
    let mut service = lower_model(json, options.service.as_deref())?;
    if let Some(text) = &options.customizations {
        customizations::apply(&mut service, text)?;
    }
    Ok(service)
}

fn api_summary_text(summary: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// What the last generation of a crate left in its folder: the API summary and the changelog
/// (each `None` when absent, as for a first generation). The next generation continues them:
/// a section when the API changed, and the version the change calls for.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The last generation's `api-summary.json`.
    pub summary: Option<String>,
    /// The last generation's `CHANGELOG.md`.
    pub changelog: Option<String>,
}

impl History {
    /// The history a crate folder holds; a missing folder or file is no history.
    pub fn read(dir: &std::path::Path) -> std::io::Result<Self> {
        let read = |name: &str| match std::fs::read_to_string(dir.join(name)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        Ok(Self { summary: read(changelog::SUMMARY_FILE)?, changelog: read(changelog::CHANGELOG_FILE)? })
    }
}

/// Generates the client crate for a model given as JSON AST text, as a first generation
/// (version [`changelog::FIRST_VERSION`], a changelog that starts here).
pub fn generate(json: &str, options: &Options) -> Result<GeneratedCrate, Errors> {
    generate_with_history(json, options, &History::default())
}

/// Generates the client crate over the last generation's `history`: the changelog goes on,
/// and the crate's version is the last one bumped by what the API diff calls for
/// ([`changelog::Bump`]); `options.crate_options.version` is not used for a client crate.
pub fn generate_with_history(json: &str, options: &Options, history: &History) -> Result<GeneratedCrate, Errors> {
    let service = lower_with(json, options)?;
    let summary = changelog::summarize(&service);
    let release = changelog::update(&service.crate_name, &summary, history.summary.as_deref(), history.changelog.as_deref());
    let crate_options = CrateOptions { version: release.version.to_string(), ..options.crate_options.clone() };
    let mut files = emit::client_crate(&service, &crate_options)?;
    files.insert(changelog::CHANGELOG_FILE.into(), release.changelog.clone());
    files.insert(changelog::SUMMARY_FILE.into(), api_summary_text(&summary));
    Ok(GeneratedCrate {
        name: service.crate_name.clone(),
        version: release.version.to_string(),
        release: Some(release),
        files,
        unchecked_constraints: service.unchecked_patterns(),
        protocol_cases: conformance::service_cases(&service),
        stale_endpoint_cases: service.stale_endpoint_cases,
        skipped_operations: service.skipped_operations,
    })
}

/// Generates the command-line client crate (`<crate>-cli`, binary `<crate>`) for a model: it
/// depends on the client crate beside it (`../<crate>`) and on `smithygen-cli-runtime`, found
/// next to the runtime the options name.
pub fn generate_cli(json: &str, options: &Options) -> Result<GeneratedCrate, Errors> {
    generate_cli_with_client(json, options, None)
}

/// [`generate_cli`] with the client crate's folder given relative to the CLI crate's (`None`:
/// `../<crate>`), for layouts where the client's folder is not named like the crate.
pub fn generate_cli_with_client(json: &str, options: &Options, client_path: Option<&str>) -> Result<GeneratedCrate, Errors> {
    let service = lower_with(json, options)?;
    let cli_runtime = options.crate_options.runtime_dependency.replace("runtime\"", "cli-runtime\"");
    let client_path = client_path.map(str::to_string).unwrap_or_else(|| format!("../{}", service.crate_name));
    let plan = cli_plan::plan(&service)?;
    let files = emit::cli::cli_crate(&service, &plan, &cli_runtime, &options.crate_options.version, &client_path)?;
    Ok(GeneratedCrate {
        name: plan.package,
        version: options.crate_options.version.clone(),
        release: None,
        files,
        unchecked_constraints: Vec::new(),
        stale_endpoint_cases: Vec::new(),
        protocol_cases: Vec::new(),
        skipped_operations: service.skipped_operations,
    })
}
