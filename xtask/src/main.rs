//! Project automation. `cargo xtask codegen` regenerates `generated/` from `models/`.
//!
//! This binary only parses flags, reads models and writes files; the generator
//! itself is the `smithygen` library.

mod api_parity;
mod bench;
mod release;

use smithygen::write::{check_crate, write_crate};
use smithygen::{generate_cli, generate_with_history, workspace_crate_options, CrateOptions, GeneratedCrate, History, Options};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
Usage:
  cargo xtask codegen [--check]                  regenerate generated/ from models/ (or only compare)
  cargo xtask codegen --model PATH --out DIR [--service ID] [--check] [--runtime path|version|git=URL]
      --runtime: how the crate depends on smithygen-runtime: `path` (this checkout, absolute; the
      default while the runtime is not on crates.io), `version` (the registry; the default outside
      this repository once it is) or `git=URL` (a clone of this repository); the choice is printed
                                                 generate one model into DIR
  cargo xtask update-model --upstream AWS_MODEL.json [--model models/FILE.json]
                                                 bring the project model of the same service to AWS's facts,
                                                 keep our documentation of everything unchanged, mark the rest
                                                 TODO(update-model), regenerate, print the new CHANGELOG section
  cargo xtask release [--dry-run]                list the crates to publish (versions, order), check rust-version,
                                                 CHANGELOGs and tags agree, `cargo package` them all with
                                                 verification; without --dry-run, tag the new versions
  cargo xtask semver-checks                      cargo-semver-checks on each generated client against its previous
                                                 generated version (CI: the last step of `test`)
  cargo xtask test                               the whole test suite, as CI runs it
  cargo xtask conformance [--suite PATH]        generate the restJson1, awsJson and rpcv2Cbor protocol test services of the suite
                                                 (default ../shared/conformance) into target/conformance,
                                                 run their protocol tests and count them per protocol and kind
  cargo xtask upstream-check [DIR]               generate every model in DIR (default ../shared/models/upstream and next)
                                                 and every fixture, client and command-line client, into
                                                 target/upstream-check, lint them with -D warnings and test them
  cargo xtask sweep DIR [--protocol TRAIT]... [--out OUT]
                                                 generate every model in DIR whose service has one of the protocol
                                                 traits (e.g. aws.protocols#awsJson1_1; default: any), print each
                                                 failure and the counts; --out writes the crates to OUT/<model>
  cargo xtask api-parity [--check]               list each official crate's public items and whether ours has each
                                                 (tests/dropin/API-PARITY.md, API-PARITY-HTTP2.md; --check: fail if
                                                 one is stale or any item is absent)
  cargo xtask bench [--quick] [--only SECTIONS]  side-by-side benchmarks (generator, client, mock, build and
                                                 size, streaming, command line, bidi), written to BENCHMARKS.md; not part of `test`";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("upstream-check") => upstream_check(&args[1..]),
        Some("bench") => bench::bench(&root(), &args[1..]),
        Some("conformance") => conformance(&args[1..]),
        Some("test") => test_all(),
        Some("api-parity") => api_parity_cmd(&args[1..]),
        Some("sweep") => sweep(&args[1..]),
        Some("update-model") => update_model(&args[1..]),
        Some("release") => release::release(&root(), &args[1..]),
        Some("semver-checks") => semver_checks(&root()),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

struct CodegenArgs {
    check: bool,
    model: Option<PathBuf>,
    out: Option<PathBuf>,
    service: Option<String>,
    runtime: Option<RuntimeSource>,
}

/// Where a crate generated with `--out` gets `smithygen-runtime` from.
#[derive(Debug, Clone, PartialEq)]
enum RuntimeSource {
    /// This checkout's `runtime/`, by absolute path.
    Path,
    /// The registry, by version: a crate that can live anywhere and be published.
    Version,
    /// A git repository holding this workspace.
    Git(String),
}

impl RuntimeSource {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "path" => Ok(Self::Path),
            "version" => Ok(Self::Version),
            _ => match text.strip_prefix("git=") {
                Some(url) if !url.is_empty() => Ok(Self::Git(url.to_string())),
                _ => Err(format!("--runtime takes `path`, `version` or `git=URL`, not `{text}`\n\n{USAGE}")),
            },
        }
    }

    /// The dependency's TOML value.
    fn dependency(&self, root: &Path) -> String {
        let version = smithygen::RUNTIME_VERSION;
        match self {
            Self::Path => format!("{{ version = {version:?}, path = {:?} }}", root.join("runtime").display().to_string()),
            Self::Version => format!("{version:?}"),
            Self::Git(url) => format!("{{ version = {version:?}, git = {url:?} }}"),
        }
    }

    /// The default for an output folder: a crate that builds on a fresh machine. Inside the
    /// repository (upstream checks, conformance, benches) and, while the runtime is not on
    /// crates.io, anywhere else too: this checkout's runtime by absolute path; once it is
    /// published, the registry's version outside the repository.
    fn default_for(root: &Path, out: &Path) -> Self {
        let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        if absolute.starts_with(&root) || !RUNTIME_ON_CRATES_IO {
            Self::Path
        } else {
            Self::Version
        }
    }

    /// One sentence for the user: which form was chosen and why.
    fn explain(&self, root: &Path, chosen: bool) -> String {
        let how = if chosen { "as --runtime says" } else { "the default" };
        match self {
            Self::Path if RUNTIME_ON_CRATES_IO || chosen => {
                format!("smithygen-runtime from this checkout, {} ({how})", root.join("runtime").display())
            }
            Self::Path => format!(
                "smithygen-runtime from this checkout, {} (the default while smithygen-runtime {} is not on crates.io; \
                 `--runtime git=URL` for a crate that builds without this checkout)",
                root.join("runtime").display(),
                smithygen::RUNTIME_VERSION
            ),
            Self::Version => format!("smithygen-runtime {} from crates.io ({how})", smithygen::RUNTIME_VERSION),
            Self::Git(url) => format!("smithygen-runtime from {url} ({how})"),
        }
    }
}

/// Whether `smithygen-runtime` (and `smithygen-cli-runtime`) at [`smithygen::RUNTIME_VERSION`]
/// are on crates.io: until they are, a crate generated outside this repository depends on this
/// checkout's runtime by path, since a registry dependency would not resolve. Set to `true` in
/// the commit after the first `cargo publish` of the runtimes (RELEASING.md).
const RUNTIME_ON_CRATES_IO: bool = false;

fn parse_codegen_args(args: &[String]) -> Result<CodegenArgs, String> {
    let mut parsed = CodegenArgs { check: false, model: None, out: None, service: None, runtime: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--model" => parsed.model = Some(PathBuf::from(value("--model")?)),
            "--out" => parsed.out = Some(PathBuf::from(value("--out")?)),
            "--service" => parsed.service = Some(value("--service")?),
            "--runtime" => parsed.runtime = Some(RuntimeSource::parse(&value("--runtime")?)?),
            other => return Err(format!("unknown option `{other}`\n\n{USAGE}")),
        }
    }
    if parsed.model.is_some() != parsed.out.is_some() {
        return Err(format!("--model and --out go together\n\n{USAGE}"));
    }
    Ok(parsed)
}

/// One model to generate and where its crate goes.
struct Job {
    model: PathBuf,
    /// The crate directory; `None` means `generated/<crate name>`.
    out: Option<PathBuf>,
}

fn codegen(args: &[String]) -> Result<(), String> {
    let args = parse_codegen_args(args)?;
    let root = root();
    let jobs: Vec<Job> = match (&args.model, &args.out) {
        (Some(model), Some(out)) => vec![Job { model: model.clone(), out: Some(out.clone()) }],
        _ => model_files(&root.join("models"))?.into_iter().map(|model| Job { model, out: None }).collect(),
    };
    // Generate everything in memory first: any failure leaves every output untouched.
    let mut outputs: Vec<(PathBuf, GeneratedCrate)> = Vec::new();
    let mut failures = Vec::new();
    for job in &jobs {
        match generate_one_with(&root, job, args.service.as_deref(), args.runtime.as_ref()) {
            Ok(out) => {
                // The command-line client beside the client crate (generated/<crate>-cli).
                if job.out.is_none() {
                    match generate_cli_one(&root, job, args.service.as_deref(), &out.1.version) {
                        Ok(cli) => outputs.push(cli),
                        Err(e) => failures.push(e),
                    }
                }
                outputs.push(out);
            }
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        return Err(format!("generation failed; nothing was written\n{}", failures.join("\n")));
    }
    if args.check {
        let mut stale = String::new();
        for (dir, krate) in &outputs {
            let drift = check_crate(dir, &krate.files).map_err(|e| format!("{}: {e}", dir.display()))?;
            if !drift.is_empty() {
                stale.push_str(&format!("{} is not what the model generates:\n{drift}", dir.display()));
            }
        }
        if !stale.is_empty() {
            return Err(format!("{stale}run `cargo xtask codegen` and commit the result"));
        }
        println!("generated code is up to date ({} crate(s))", outputs.len());
        return Ok(());
    }
    if let Some(out) = &args.out {
        let source = args.runtime.clone().unwrap_or_else(|| RuntimeSource::default_for(&root, out));
        println!("{}", source.explain(&root, args.runtime.is_some()));
    }
    for (dir, krate) in &outputs {
        write_crate(dir, &krate.files).map_err(|e| format!("writing {}: {e}", dir.display()))?;
        println!("wrote {} {} ({} files) to {}", krate.name, krate.version, krate.files.len(), dir.display());
        if let Some(release) = krate.release.as_ref().filter(|r| r.section.is_some()) {
            println!("{}: version {} ({}); CHANGELOG.md has a new section", krate.name, release.version, release.bump.label());
        }
        for (op, why) in &krate.skipped_operations {
            eprintln!("note: {}: operation {op} not generated: {why}", krate.name);
        }
        for note in &krate.unchecked_constraints {
            eprintln!("note: {}: {note}", krate.name);
        }
        print_stale_endpoint_cases(krate);
    }
    // A new model's crates must also join the workspace (codegen/tests/drift.rs fails until then).
    if args.model.is_none() {
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
        for (_, krate) in &outputs {
            if !manifest.contains(&format!("\"generated/{}\"", krate.name)) {
                eprintln!("note: generated/{0} is not a workspace member yet: add \"generated/{0}\" to `members` in Cargo.toml", krate.name);
            }
        }
    }
    Ok(())
}

/// `cargo xtask update-model`: AWS's new model of a service in, the project's model of it
/// (`models/`, paired by service shape id as the facts test pairs them) brought to its facts
/// with our documentation kept wherever nothing changed (`smithygen::model_update`), the crates
/// regenerated (version bumped by the API diff) and the new CHANGELOG section printed.
fn update_model(args: &[String]) -> Result<(), String> {
    use smithygen::model_update::{merge, to_text, TODO_MARKER};
    let usage = || format!("usage: cargo xtask update-model --upstream AWS_MODEL.json [--model models/FILE.json]\n\n{USAGE}");
    let (mut upstream_path, mut model_path) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next()) {
            ("--upstream", Some(path)) => upstream_path = Some(PathBuf::from(path)),
            ("--model", Some(path)) => model_path = Some(PathBuf::from(path)),
            _ => return Err(usage()),
        }
    }
    let upstream_path = upstream_path.ok_or_else(usage)?;
    let root = root();
    let read_json = |path: &Path| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
    };
    let upstream = read_json(&upstream_path)?;
    let services = service_ids(&upstream);
    if services.is_empty() {
        return Err(format!("{} defines no service shape", upstream_path.display()));
    }
    let model_path = match model_path {
        Some(path) => path,
        None => {
            let mut paired = Vec::new();
            for file in model_files(&root.join("models"))? {
                if service_ids(&read_json(&file)?) == services {
                    paired.push(file);
                }
            }
            match paired.as_slice() {
                [one] => one.clone(),
                [] => return Err(format!(
                    "no model in models/ defines {services:?}; for a new service pass --model models/<name>.json \
                     (a new file: every piece of documentation is then to be written)"
                )),
                several => return Err(format!("several models in models/ define {services:?}: {several:?}; pass --model")),
            }
        }
    };
    let ours = match std::fs::read_to_string(&model_path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", model_path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({ "shapes": {} }),
        Err(e) => return Err(format!("{}: {e}", model_path.display())),
    };
    let merged = merge(&ours, &upstream)?;
    let text = to_text(&merged.model);
    // The crate's version before, to tell whether regenerating made a release.
    let crate_name = smithygen::lower_model(&text, None).map_err(|e| format!("the updated model does not load:\n{e}"))?.crate_name;
    let crate_dir = root.join("generated").join(&crate_name);
    let version_before = smithygen::History::read(&crate_dir).ok().and_then(|h| h.changelog).map(|c| newest_section(&c));
    std::fs::write(&model_path, &text).map_err(|e| format!("{}: {e}", model_path.display()))?;
    println!(
        "updated {} to the facts of {}: {} piece(s) of our documentation kept, {} to write",
        model_path.display(),
        upstream_path.display(),
        merged.kept,
        merged.to_write.len()
    );
    codegen(&[])?;
    let changelog = std::fs::read_to_string(crate_dir.join(smithygen::changelog::CHANGELOG_FILE)).map_err(|e| format!("{crate_name}: {e}"))?;
    let section = newest_section(&changelog);
    if version_before.as_deref() == Some(section.as_str()) {
        println!("\nthe API of {crate_name} did not change: no new CHANGELOG section");
    } else {
        println!("\nnew section of generated/{crate_name}/CHANGELOG.md:\n\n{}", section.trim_end());
    }
    if !merged.to_write.is_empty() {
        println!("\ndocumentation to write in {}, in our own words (each says {TODO_MARKER:?}):", model_path.display());
        for path in &merged.to_write {
            println!("  - {path}");
        }
        println!(
            "the facts test fails until then: cargo test -p e2e-tests --test e2e model_facts::; then review the generated/ diff, \
             follow the change where the model cannot say it (mock, tests) and commit"
        );
    }
    Ok(())
}

/// The service shape ids of a model, which pair it with AWS's model of the same service.
fn service_ids(model: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let shapes = model.get("shapes").and_then(serde_json::Value::as_object);
    shapes
        .into_iter()
        .flatten()
        .filter(|(_, shape)| shape.get("type").and_then(serde_json::Value::as_str) == Some("service"))
        .map(|(id, _)| id.clone())
        .collect()
}

/// The newest section of a changelog (from its first `## ` heading to the next).
fn newest_section(changelog: &str) -> String {
    let Some((_, rest)) = changelog.split_once("\n## ") else { return String::new() };
    let section = rest.split("\n## ").next().unwrap_or_default();
    format!("## {section}")
}

/// Names each endpoint test case the reviewed stale list matched (its test expects the rules to
/// resolve instead of the case's stale error).
fn print_stale_endpoint_cases(krate: &GeneratedCrate) {
    for case in &krate.stale_endpoint_cases {
        eprintln!(
            "note: {}: endpoint test case #{} \"{}\" expects a stale error ({}); its test checks that it resolves (codegen/endpoint-stale-cases.json)",
            krate.name, case.index, case.documentation, case.reason
        );
    }
}

fn generate_one(root: &Path, job: &Job, service: Option<&str>) -> Result<(PathBuf, GeneratedCrate), String> {
    generate_one_with(root, job, service, None)
}

/// [`generate_one`] with the runtime dependency of an `--out` crate chosen (`--runtime`).
fn generate_one_with(
    root: &Path,
    job: &Job,
    service: Option<&str>,
    runtime: Option<&RuntimeSource>,
) -> Result<(PathBuf, GeneratedCrate), String> {
    let text = std::fs::read_to_string(&job.model).map_err(|e| format!("{}: {e}", job.model.display()))?;
    // In `generated/` the runtime is a relative path (the checked-in crate moves with
    // the repository); elsewhere as `--runtime` says, by default an absolute path to this
    // checkout's runtime while it is not on crates.io (see `RuntimeSource::default_for`).
    let crate_options = match &job.out {
        None => workspace_crate_options(),
        Some(out) => {
            let source = runtime.cloned().unwrap_or_else(|| RuntimeSource::default_for(root, out));
            CrateOptions { runtime_dependency: source.dependency(root), ..workspace_crate_options() }
        }
    };
    let customizations = smithygen::customizations_beside(&job.model).map_err(|e| format!("{}: customizations: {e}", job.model.display()))?;
    let options = Options { service: service.map(str::to_string), crate_options, customizations };
    let model_errors = |errors: smithygen::Errors| {
        let lines: Vec<String> = errors.0.iter().map(|e| format!("  {}: {e}", job.model.display())).collect();
        lines.join("\n")
    };
    // The folder, and so the history the version and changelog continue, depends on the
    // crate's name when it goes to `generated/<crate name>`.
    let dir = match &job.out {
        Some(out) => out.clone(),
        None => root.join("generated").join(smithygen::lower_model(&text, service).map_err(model_errors)?.crate_name),
    };
    let history = History::read(&dir).map_err(|e| format!("{}: reading the last generation's changelog: {e}", dir.display()))?;
    let krate = generate_with_history(&text, &options, &history).map_err(model_errors)?;
    Ok((dir, krate))
}

/// The command-line client crate of a model in `generated/`, as `generate_one` does the client,
/// at its client's `version`.
fn generate_cli_one(root: &Path, job: &Job, service: Option<&str>, version: &str) -> Result<(PathBuf, GeneratedCrate), String> {
    let text = std::fs::read_to_string(&job.model).map_err(|e| format!("{}: {e}", job.model.display()))?;
    let crate_options = CrateOptions { version: version.to_string(), ..workspace_crate_options() };
    let customizations = smithygen::customizations_beside(&job.model).map_err(|e| format!("{}: customizations: {e}", job.model.display()))?;
    let options = Options { service: service.map(str::to_string), crate_options, customizations };
    let krate = generate_cli(&text, &options).map_err(|errors| {
        let lines: Vec<String> = errors.0.iter().map(|e| format!("  {}: {e}", job.model.display())).collect();
        lines.join("\n")
    })?;
    Ok((root.join("generated").join(&krate.name), krate))
}

/// The command-line client of a model into `out` (outside `generated/`), its client crate at
/// `client_path` relative to it, at the client's `version`, and the runtimes from this checkout.
fn generate_cli_at(root: &Path, model: &Path, out: &Path, client_path: &str, version: &str) -> Result<GeneratedCrate, String> {
    let text = std::fs::read_to_string(model).map_err(|e| format!("{}: {e}", model.display()))?;
    let crate_options = CrateOptions {
        runtime_dependency: RuntimeSource::default_for(root, out).dependency(root),
        version: version.to_string(),
    };
    let customizations = smithygen::customizations_beside(model).map_err(|e| format!("{}: customizations: {e}", model.display()))?;
    let options = Options { service: None, crate_options, customizations };
    smithygen::generate_cli_with_client(&text, &options, Some(client_path)).map_err(|errors| {
        let lines: Vec<String> = errors.0.iter().map(|e| format!("  {}: {e}", model.display())).collect();
        lines.join("\n")
    })
}

fn model_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.json models in {}", dir.display()));
    }
    Ok(files)
}

/// Generates every model of a folder, and every fixture model of
/// `codegen/tests/fixtures/`, into `target/upstream-check/<model>` (its command-line client into
/// `target/upstream-check/<model>-cli`) as one
/// throwaway workspace (sharing this workspace's lock file and target
/// directory, so nothing already built is compiled again), with the hand-written
/// tests of the fixtures and models that have some (`codegen/tests/fixture-tests/<model>/`,
/// `codegen/tests/model-tests/<model>/`), lints
/// it with warnings denied (clippy reports rustc's warnings too) and runs its tests.
fn upstream_check(args: &[String]) -> Result<(), String> {
    let root = root();
    // By default AWS's models of the services in `models/` (`upstream`) and of the other
    // protocols' services (`next`: awsJson1_1's ACM, awsJson1_0's Cloud Control).
    let dirs = match args.first() {
        Some(dir) => vec![PathBuf::from(dir)],
        None => ["upstream", "next"]
            .iter()
            .map(|d| root.join("../shared/models").join(d))
            .filter(|d| d.is_dir())
            .collect(),
    };
    let work = root.join("target/upstream-check");
    // Fixture crates get a `fixture-` prefix so their folders cannot clash with upstream ones.
    let mut models: Vec<(String, PathBuf)> = Vec::new();
    for dir in &dirs {
        for model in model_files(dir)? {
            models.push((model.file_stem().unwrap_or_default().to_string_lossy().to_string(), model));
        }
    }
    for model in model_files(&root.join("codegen/tests/fixtures"))? {
        models.push((format!("fixture-{}", model.file_stem().unwrap_or_default().to_string_lossy()), model));
    }
    let mut members = Vec::new();
    for (stem, model) in models {
        let out = work.join(&stem);
        let (out, krate) = generate_one(&root, &Job { model: model.clone(), out: Some(out) }, None)?;
        write_crate(&out, &krate.files).map_err(|e| format!("writing {}: {e}", out.display()))?;
        println!("generated {} from {}", krate.name, model.display());
        print_stale_endpoint_cases(&krate);
        // The model's command-line client beside it, built and tested with it (its generated
        // tests check clap's consistency and every operation's input conversions).
        let cli_dir = work.join(format!("{stem}-cli"));
        let cli = generate_cli_at(&root, &model, &cli_dir, &format!("../{stem}"), &krate.version)?;
        write_crate(&cli_dir, &cli.files).map_err(|e| format!("writing {}: {e}", cli_dir.display()))?;
        println!("generated {} from {}", cli.name, model.display());
        members.push(stem.clone());
        members.push(format!("{stem}-cli"));
    }
    // Hand-written tests of a generated crate (its client and server stub together), copied
    // beside it: a fixture's in `codegen/tests/fixture-tests/<model>/` (a crate that depends on
    // `../fixture-<model>`), an AWS model's in `codegen/tests/model-tests/<model file stem>/`
    // (one that depends on `../<model file stem>`).
    let generated = members.len();
    for stem in members.clone() {
        let dir = match stem.strip_prefix("fixture-") {
            Some(model) => root.join("codegen/tests/fixture-tests").join(model),
            None => root.join("codegen/tests/model-tests").join(&stem),
        };
        // (`<model>-cli` finds no folder.)
        if !dir.is_dir() {
            continue;
        }
        let files = read_tree(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let out = work.join(format!("{stem}-tests"));
        write_crate(&out, &files).map_err(|e| format!("writing {}: {e}", out.display()))?;
        println!("copied the tests of {stem} from {}", dir.display());
        members.push(format!("{stem}-tests"));
    }
    let target = throwaway_workspace(&root, &work, &members)?;
    for step in [&["clippy", "--all-targets", "--all-features", "--", "-D", "warnings"][..], &["test", "--quiet", "--all-features"][..]] {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(step)
            .current_dir(&work)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| format!("running cargo: {e}"))?;
        if !status.success() {
            return Err(format!("`cargo {}` failed for the generated crates in {}", step.join(" "), work.display()));
        }
    }
    println!(
        "upstream and fixture models: {generated} crate(s) (clients and command-line clients) generate, build without \
         warnings and pass their tests, with {} hand-written test crate(s)",
        members.len() - generated
    );
    Ok(())
}

/// `cargo xtask sweep`: generation over many published models (AWS's `aws/api-models-aws`
/// checked out or extracted into one folder), the models of the protocols asked for, with every
/// failure on one line and the counts; nothing is compiled (compile a sample of `--out`).
fn sweep(args: &[String]) -> Result<(), String> {
    let mut dir = None;
    let mut protocols: Vec<String> = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--protocol" => protocols.push(value("--protocol")?),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            other if dir.is_none() && !other.starts_with("--") => dir = Some(PathBuf::from(other)),
            other => return Err(format!("unknown option `{other}`\n\n{USAGE}")),
        }
    }
    let dir = dir.ok_or_else(|| format!("sweep needs a folder of models\n\n{USAGE}"))?;
    let root = root();
    let (mut chosen, mut generated, mut failed) = (0, 0, Vec::new());
    for model in model_files(&dir)? {
        let text = std::fs::read_to_string(&model).map_err(|e| format!("{}: {e}", model.display()))?;
        let json: serde_json::Value = match serde_json::from_str(&text) {
            Ok(json) => json,
            Err(e) => {
                chosen += 1;
                failed.push(format!("{}: not JSON: {e}", model.display()));
                continue;
            }
        };
        // The protocols are traits of the service shape.
        let speaks = |protocol: &str| {
            json["shapes"].as_object().is_some_and(|shapes| {
                shapes.values().any(|s| s["type"] == "service" && s["traits"].get(protocol).is_some())
            })
        };
        if !protocols.is_empty() && !protocols.iter().any(|p| speaks(p)) {
            continue;
        }
        chosen += 1;
        let stem = model.file_stem().unwrap_or_default().to_string_lossy().to_string();
        let crate_dir = out.as_ref().map_or_else(|| root.join("target/sweep").join(&stem), |o| o.join(&stem));
        match generate_one(&root, &Job { model: model.clone(), out: Some(crate_dir.clone()) }, None) {
            Ok((dir, krate)) => {
                generated += 1;
                if out.is_some() {
                    write_crate(&dir, &krate.files).map_err(|e| format!("writing {}: {e}", dir.display()))?;
                }
                for (op, why) in &krate.skipped_operations {
                    println!("note: {stem}: operation {op} not generated: {why}");
                }
            }
            Err(e) => failed.push(e),
        }
    }
    for failure in &failed {
        println!("FAILED {failure}");
    }
    println!("{chosen} model(s), {generated} generate, {} fail", failed.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("{} model(s) do not generate", failed.len()))
    }
}

/// Every file under `dir`, by path relative to it (`/`-separated).
fn read_tree(dir: &Path) -> std::io::Result<std::collections::BTreeMap<String, String>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
            files.insert(rel.join("/"), std::fs::read_to_string(&path)?);
        }
    }
    Ok(files)
}

/// The project's test suite, in the order that fails fastest: generated code
/// up to date, lints, docs, every test, then the upstream models.
fn test_all() -> Result<(), String> {
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |what: &str, args: &[&str], env: &[(&str, &str)]| -> Result<(), String> {
        println!("==> {what}: cargo {}", args.join(" "));
        let status = Command::new(&cargo)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(&root)
            .status()
            .map_err(|e| format!("running cargo: {e}"))?;
        if status.success() { Ok(()) } else { Err(format!("{what} failed")) }
    };
    codegen(&["--check".to_string()])?;
    // One feature set everywhere (the generated server included), so nothing is built twice.
    run("lints", &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"], &[])?;
    run("docs", &["doc", "--workspace", "--all-features", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    run("tests", &["test", "--workspace", "--all-features", "--no-fail-fast"], &[])?;
    upstream_check(&[])?;
    conformance(&[])?;
    // cargo-semver-checks takes minutes to install and to run: CI turns it on (`.ci/run`).
    if std::env::var_os(SEMVER_CHECKS_ENV).is_some() {
        semver_checks(&root)?;
    }
    Ok(())
}

/// Set (to anything) to run `cargo semver-checks` as the last step of `cargo xtask test`.
const SEMVER_CHECKS_ENV: &str = "SMITHYGEN_SEMVER_CHECKS";

/// `cargo semver-checks` on every generated client crate against its previous generated
/// version: the crate at its newest release tag (`<crate>-v<version>`) when it has one, else at
/// the newest commit whose `Cargo.toml` names another version. cargo-semver-checks reads the
/// version change as the release type (0.y.z: `y` breaking, `z` not), so it fails when the
/// generator's bump is smaller than the API change calls for.
fn semver_checks(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let generated = root.join("generated");
    let mut names: Vec<String> = std::fs::read_dir(&generated)
        .map_err(|e| format!("{}: {e}", generated.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join(smithygen::changelog::CHANGELOG_FILE).is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let manifest = format!("generated/{name}/Cargo.toml");
        let version = |text: &str| text.lines().find_map(|l| l.strip_prefix("version = \"")).map(|v| v.trim_end_matches('"').to_string());
        let current = version(&std::fs::read_to_string(root.join(&manifest)).map_err(|e| format!("{manifest}: {e}"))?);
        let git = |args: &[&str]| -> Option<String> {
            let out = Command::new("git").args(args).current_dir(root).output().ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        };
        let tag = git(&["tag", "--list", &format!("{name}-v*"), "--sort=-v:refname"]).and_then(|t| t.lines().next().map(str::to_string));
        let baseline = match tag {
            Some(tag) => Some((tag.clone(), tag)),
            None => git(&["log", "--format=%H", "--", &manifest]).and_then(|commits| {
                commits.lines().find_map(|commit| {
                    let then = version(&git(&["show", &format!("{commit}:{manifest}")])?)?;
                    (Some(&then) != current.as_ref()).then(|| (commit.to_string(), format!("{commit:.10} (version {then})")))
                })
            }),
        };
        let Some((rev, what)) = baseline else {
            println!("==> semver-checks: {name} has no previous version yet");
            continue;
        };
        println!("==> semver-checks: {name} {} against {what}", current.as_deref().unwrap_or("?"));
        let status = Command::new(&cargo)
            .args(["semver-checks", "check-release", "-p", &name, "--baseline-rev", &rev])
            .current_dir(root)
            .status()
            .map_err(|e| format!("running cargo semver-checks (install it: cargo install --locked cargo-semver-checks): {e}"))?;
        if !status.success() {
            return Err(format!("cargo semver-checks: the version of {name} does not match its API change"));
        }
    }
    Ok(())
}

/// `cargo xtask api-parity`: writes each official crate's public-item list
/// (`api_parity::PAIRS`), each item marked present or absent in ours; `--check` compares with
/// the committed lists instead. Every pair is written (or checked) before any failure is told.
fn api_parity_cmd(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err(format!("usage: cargo xtask api-parity [--check]\n\n{USAGE}")),
    };
    let root = root();
    let mut failures = Vec::new();
    for pair in &api_parity::PAIRS {
        let parity = pair.parity(&root)?;
        let text = parity.markdown();
        let file = root.join(pair.list_file);
        if check {
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            if committed != text {
                failures.push(format!("{} is stale: run `cargo xtask api-parity` and commit it", pair.list_file));
            }
        } else {
            std::fs::write(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;
            println!("wrote {}", pair.list_file);
        }
        println!("{}", parity.summary());
        let absent = parity.absent();
        if check && !absent.is_empty() {
            let list: Vec<String> = absent.iter().map(|i| format!("  {} ({})", i.path, i.kind.label())).collect();
            failures.push(format!(
                "{} official item(s) of {} absent from {}:\n{}",
                absent.len(),
                parity.reference,
                parity.ours,
                list.join("\n")
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The suite's services this generator speaks the protocol of, and their folder.
const CONFORMANCE_SERVICES: [(&str, &str); 8] = [
    ("aws.protocoltests.restjson#RestJson", "restjson"),
    ("aws.protocoltests.restjson.validation#RestJsonValidation", "restjson-validation"),
    ("aws.protocoltests.json#JsonProtocol", "awsjson1_1"),
    ("aws.protocoltests.json10#JsonRpc10", "awsjson1_0"),
    ("aws.protocoltests.json10#QueryCompatibleJsonRpc10", "awsjson1_0-query-compatible"),
    ("aws.protocoltests.rpcv2cbor#NonQueryCompatibleRpcV2Protocol", "rpcv2cbor-aws"),
    ("aws.protocoltests.rpcv2cbor#QueryCompatibleRpcV2Protocol", "rpcv2cbor-aws-query-compatible"),
    // The protocol's own suite (smithy-protocol-tests, not smithy-aws-protocol-tests): run when
    // the suite file has it, as the other optional services below.
    ("smithy.protocoltests.rpcv2Cbor#RpcV2Protocol", "rpcv2cbor"),
];

/// Services of [`CONFORMANCE_SERVICES`] a suite may lack (it is reported, not an error).
const OPTIONAL_CONFORMANCE_SERVICES: [&str; 1] = ["smithy.protocoltests.rpcv2Cbor#RpcV2Protocol"];

/// Generates the conformance suite's services of the protocols spoken (client and server) into
/// `target/conformance` as one throwaway workspace sharing this workspace's lock file and
/// target directory, runs their protocol tests once, and prints one line per kind. Known
/// failures (`codegen/conformance/known-failures.txt`) count as skipped while they fail;
/// one that passes, or that names no generated test, fails the run.
fn conformance(args: &[String]) -> Result<(), String> {
    use smithygen::conformance::{Report, KNOWN_FAILURES_FILE, RESULTS_ENV};
    let root = root();
    let suite = match args {
        [] => root.join("../shared/conformance"),
        [flag, path] if flag == "--suite" => PathBuf::from(path),
        _ => return Err(format!("usage: cargo xtask conformance [--suite PATH]\n\n{USAGE}")),
    };
    let models = if suite.is_dir() { model_files(&suite)? } else { vec![suite.clone()] };
    let model = match models.as_slice() {
        [one] => one.clone(),
        _ => return Err(format!("{}: expected one model file, found {}", suite.display(), models.len())),
    };
    let work = root.join("target/conformance");
    let text = std::fs::read_to_string(&model).map_err(|e| format!("{}: {e}", model.display()))?;
    let shapes: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", model.display()))?;
    let mut members = Vec::new();
    let mut cases = Vec::new();
    for (service, dir) in CONFORMANCE_SERVICES {
        if OPTIONAL_CONFORMANCE_SERVICES.contains(&service) && shapes["shapes"].get(service).is_none() {
            println!("{} has no {service}: its protocol tests do not run", model.display());
            continue;
        }
        let job = Job { model: model.clone(), out: Some(work.join(dir)) };
        let (out, krate) = generate_one(&root, &job, Some(service))?;
        write_crate(&out, &krate.files).map_err(|e| format!("writing {}: {e}", out.display()))?;
        println!("generated {} ({service}) into {}", krate.name, out.display());
        members.push(dir);
        cases.extend(krate.protocol_cases);
    }
    let target = throwaway_workspace(&root, &work, &members)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Each generated test appends `<key> passed|failed` to this file; the plan says which
    // tests exist, which are skipped by rule and which are known failures.
    let results = work.join("protocol-test-results.txt");
    match std::fs::remove_file(&results) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(format!("{}: {e}", results.display())),
        _ => {}
    }
    println!("==> protocol tests: cargo test --workspace --all-features --lib protocol_tests::");
    let status = Command::new(&cargo)
        .args(["test", "--quiet", "--workspace", "--all-features", "--lib", "--no-fail-fast", "protocol_tests::"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", &target)
        .env(RESULTS_ENV, &results)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    let lines = match std::fs::read_to_string(&results) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", results.display())),
    };
    let report = Report::tally(&cases, &lines);
    let failed = report.failed();
    if !failed.is_empty() {
        println!("failed protocol tests (their reports are above):");
        for f in &failed {
            println!("  {f}");
        }
    }
    if report.is_empty() {
        return Err(format!("no protocol test ran (cargo test exited with {status})"));
    }
    for line in report.summary_lines() {
        println!("{line}");
    }
    let mut problems = Vec::new();
    if !report.stale_known.is_empty() {
        problems.push(format!("{KNOWN_FAILURES_FILE} lists tests that were not generated: {}", report.stale_known.join(", ")));
    }
    if !failed.is_empty() {
        problems.push(format!(
            "{} protocol test(s) failed; fix them, or list them with a reason in {KNOWN_FAILURES_FILE} (a known failure that passes also fails)",
            failed.len()
        ));
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if !status.success() {
        return Err(format!("cargo test failed in {} ({status})", work.display()));
    }
    Ok(())
}

/// Makes `work` a workspace of `members` that shares this workspace's lock file
/// and target directory (so nothing already built is compiled again); returns
/// the target directory to build it with.
fn throwaway_workspace(root: &Path, work: &Path, members: &[impl AsRef<str>]) -> Result<PathBuf, String> {
    let members: Vec<String> = members.iter().map(|m| format!("{:?}", m.as_ref())).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(work.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok(std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target")))
}
