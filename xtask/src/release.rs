//! `cargo xtask release [--dry-run]`: what a release publishes, checked and packaged.
//!
//! The publishable crates are the workspace members without `publish = false` (the runtimes,
//! the generated clients and their command-line clients), in dependency order. For each, the
//! checks a user relies on to upgrade without fear: a `rust-version`; a changelog whose newest
//! section names the crate's version (a generated command-line client takes its client's
//! version and changelog); and a tag `<crate>-v<version>` that, when it already exists, still
//! holds the crate exactly as it is now (else the crate changed without a new version). Then
//! `cargo package` builds and verifies all of them together (one call, so crates that depend on
//! each other resolve against the packaged copies, not crates.io). With `--dry-run` nothing else
//! happens; without it, the crates whose tag is missing are tagged (annotated, with their
//! changelog section), and the `cargo publish` commands are printed in order.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One crate to publish.
#[derive(Debug)]
struct Crate {
    name: String,
    version: String,
    dir: PathBuf,
    rust_version: Option<String>,
    /// Publishable crates of this workspace it depends on (normal and build dependencies).
    depends_on: BTreeSet<String>,
}

impl Crate {
    fn tag(&self) -> String {
        format!("{}-v{}", self.name, self.version)
    }
}

pub fn release(root: &Path, args: &[String]) -> Result<(), String> {
    let dry_run = match args {
        [] => false,
        [flag] if flag == "--dry-run" => true,
        _ => return Err("usage: cargo xtask release [--dry-run]".into()),
    };
    let crates = publishable(root)?;
    let order = dependency_order(&crates)?;
    println!("{} crate(s) to publish, in this order:", order.len());
    let mut problems = Vec::new();
    let mut to_tag = Vec::new();
    for (i, name) in order.iter().enumerate() {
        let krate = &crates[name];
        let tag = krate.tag();
        let state = match tag_commit(root, &tag)? {
            None => {
                to_tag.push(name.clone());
                "new".to_string()
            }
            Some(commit) => {
                if !same_tree(root, &commit, &krate.dir)? {
                    problems.push(format!(
                        "{}: {} changed since tag {tag}, but its version is still {}: regenerate (generated crates) or bump \
                         the version and add a CHANGELOG section (runtimes)",
                        krate.name,
                        relative(root, &krate.dir),
                        krate.version
                    ));
                }
                format!("already tagged {tag}")
            }
        };
        println!("  {}. {} {} ({}; {state})", i + 1, krate.name, krate.version, relative(root, &krate.dir));
        match &krate.rust_version {
            Some(msrv) => println!("     rust-version {msrv}"),
            None => problems.push(format!("{}: no `rust-version` in its Cargo.toml", krate.name)),
        }
        match changelog_section(&crates, krate) {
            Ok((file, _)) => println!("     changelog {} has a section for {}", relative(root, &file), krate.version),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(format!("the release is not consistent:\n  - {}", problems.join("\n  - ")));
    }
    // `cargo package` of every crate at once: a crate depending on another unpublished one of
    // the set resolves to its packaged copy, and each is built from its .crate file (verify).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut package = Command::new(&cargo);
    package.arg("package").current_dir(root);
    if dry_run {
        // A dry run is for trying out: uncommitted changes are packaged as they are.
        package.arg("--allow-dirty");
    }
    for name in &order {
        package.args(["-p", name]);
    }
    println!("==> cargo package (with verification) of {}", order.join(", "));
    let status = package.status().map_err(|e| format!("running cargo package: {e}"))?;
    if !status.success() {
        return Err("cargo package failed (see above)".into());
    }
    if dry_run {
        println!("dry run: {} crate(s) packaged and verified; would tag: {}", order.len(), tags_of(&crates, &to_tag));
        return Ok(());
    }
    for name in &to_tag {
        let krate = &crates[name];
        let (_, section) = changelog_section(&crates, krate)?;
        let status = Command::new("git")
            .args(["tag", "--annotate", &krate.tag(), "--message", &format!("{} {}\n\n{section}", krate.name, krate.version)])
            .current_dir(root)
            .status()
            .map_err(|e| format!("running git tag: {e}"))?;
        if !status.success() {
            return Err(format!("git tag {} failed", krate.tag()));
        }
        println!("tagged {}", krate.tag());
    }
    println!("publish in this order (each waits until the one before is on crates.io):");
    for name in &order {
        println!("  cargo publish -p {name}");
    }
    println!("then push the tags: git push origin {}", tags_of(&crates, &to_tag));
    Ok(())
}

fn tags_of(crates: &BTreeMap<String, Crate>, names: &[String]) -> String {
    if names.is_empty() {
        return "(none)".into();
    }
    names.iter().map(|n| crates[n].tag()).collect::<Vec<_>>().join(" ")
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// The workspace members cargo would publish, from `cargo metadata`.
fn publishable(root: &Path) -> Result<BTreeMap<String, Crate>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = metadata["packages"].as_array().ok_or("cargo metadata: no packages")?;
    let is_publishable = |p: &Value| !p["publish"].as_array().is_some_and(Vec::is_empty);
    let names: BTreeSet<String> = packages.iter().filter(|p| is_publishable(p)).filter_map(|p| p["name"].as_str().map(String::from)).collect();
    let mut crates = BTreeMap::new();
    for p in packages.iter().filter(|p| is_publishable(p)) {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let manifest = PathBuf::from(p["manifest_path"].as_str().unwrap_or_default());
        let depends_on = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].as_str() != Some("dev"))
            .filter_map(|d| d["name"].as_str())
            .filter(|d| names.contains(*d))
            .map(String::from)
            .collect();
        crates.insert(
            name.clone(),
            Crate {
                version: p["version"].as_str().unwrap_or_default().to_string(),
                dir: manifest.parent().unwrap_or(root).to_path_buf(),
                rust_version: p["rust_version"].as_str().map(String::from),
                depends_on,
                name,
            },
        );
    }
    Ok(crates)
}

/// Dependencies first; among crates free at the same time, by name (a stable order).
fn dependency_order(crates: &BTreeMap<String, Crate>) -> Result<Vec<String>, String> {
    let mut order: Vec<String> = Vec::new();
    while order.len() < crates.len() {
        let next = crates
            .values()
            .find(|c| !order.contains(&c.name) && c.depends_on.iter().all(|d| order.contains(d)))
            .ok_or("the publishable crates depend on each other in a cycle")?;
        order.push(next.name.clone());
    }
    Ok(order)
}

/// The changelog that speaks for `krate` and its section for the crate's version: its own
/// `CHANGELOG.md`, or (a generated command-line client) that of the crate of this set it
/// depends on at the same version.
fn changelog_section(crates: &BTreeMap<String, Crate>, krate: &Crate) -> Result<(PathBuf, String), String> {
    let own = krate.dir.join("CHANGELOG.md");
    let file = if own.is_file() {
        own
    } else {
        krate
            .depends_on
            .iter()
            .map(|d| &crates[d])
            .find(|d| d.version == krate.version && d.dir.join("CHANGELOG.md").is_file())
            .map(|d| d.dir.join("CHANGELOG.md"))
            .ok_or_else(|| format!("{}: no CHANGELOG.md, and no dependency at version {} has one", krate.name, krate.version))?
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let newest = text.split("\n## ").nth(1).ok_or_else(|| format!("{}: no `## ` section", file.display()))?;
    let heading = newest.lines().next().unwrap_or_default();
    let named = heading.split([' ', '—']).next().unwrap_or_default();
    if named != krate.version {
        return Err(format!(
            "{}: the newest section of {} is for {named:?} (`## {heading}`), not the crate's version {}",
            krate.name,
            file.display(),
            krate.version
        ));
    }
    Ok((file, format!("## {}", newest.trim_end())))
}

/// The commit a tag points at, if the tag exists.
fn tag_commit(root: &Path, tag: &str) -> Result<Option<String>, String> {
    let output = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", &format!("refs/tags/{tag}^{{commit}}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    Ok(output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string()))
}

/// Whether `dir` in the working tree is what it was at `commit`.
fn same_tree(root: &Path, commit: &str, dir: &Path) -> Result<bool, String> {
    let status = Command::new("git")
        .args(["diff", "--quiet", commit, "--"])
        .arg(dir)
        .current_dir(root)
        .status()
        .map_err(|e| format!("running git: {e}"))?;
    Ok(status.success())
}
