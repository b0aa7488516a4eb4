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
/// `0.1.0`. The drift test uses the same function, so the two cannot disagree.
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

impl GeneratedCrate {
    /// Continues the changelog of the crate already in `dir` (the last generation's
    /// `CHANGELOG.md` and `api-summary.json`): a section is added when the API changed,
    /// nothing when it did not. A missing `dir` is a first generation.
    pub fn carry_history(&mut self, dir: &std::path::Path) -> std::io::Result<()> {
        let read = |name: &str| match std::fs::read_to_string(dir.join(name)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        let previous_summary = read(changelog::SUMMARY_FILE)?;
        let previous_changelog = read(changelog::CHANGELOG_FILE)?;
        let summary: serde_json::Value = serde_json::from_str(&self.files[changelog::SUMMARY_FILE])
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let text = changelog::update(&self.name, &summary, previous_summary.as_deref(), previous_changelog.as_deref());
        self.files.insert(changelog::CHANGELOG_FILE.into(), text);
        Ok(())
    }
}

/// Generates the client crate for a model given as JSON AST text.
pub fn generate(json: &str, options: &Options) -> Result<GeneratedCrate, Errors> {
    let service = lower_with(json, options)?;
    let mut files = emit::client_crate(&service, &options.crate_options)?;
    let summary = changelog::summarize(&service);
    files.insert(changelog::CHANGELOG_FILE.into(), changelog::update(&service.crate_name, &summary, None, None));
    files.insert(changelog::SUMMARY_FILE.into(), api_summary_text(&summary));
    Ok(GeneratedCrate {
        name: service.crate_name.clone(),
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
        files,
        unchecked_constraints: Vec::new(),
        stale_endpoint_cases: Vec::new(),
        protocol_cases: Vec::new(),
        skipped_operations: service.skipped_operations,
    })
}
