//! Writing generated crates: atomically, or comparing for `--check`.
//!
//! Files are first written into a sibling staging directory; only when every
//! file is written is the old crate directory swapped out. A failure at any
//! point leaves the existing output exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Replaces `dir` with exactly `files` (relative path → contents), atomically.
pub fn write_crate(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} has no file name", dir.display())))?
        .to_string_lossy()
        .to_string();
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let backup = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = (|| {
        for (rel, text) in files {
            let path = staging.join(rel);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p)?;
            }
            fs::write(&path, text)?;
        }
        if dir.exists() {
            fs::rename(dir, &backup)?;
        }
        if let Err(e) = fs::rename(&staging, dir) {
            // Put the previous output back before reporting.
            if backup.exists() {
                let _ = fs::rename(&backup, dir);
            }
            return Err(e);
        }
        let _ = fs::remove_dir_all(&backup);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// How a directory differs from the files that should be in it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files the generator makes that are missing on disk.
    pub missing: Vec<String>,
    /// Files on disk the generator does not make.
    pub extra: Vec<String>,
    /// Files whose contents differ, with a short description of the first difference.
    pub changed: Vec<(String, String)>,
}

impl Drift {
    /// Whether the directory is exactly what the generator makes.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for m in &self.missing {
            writeln!(f, "  missing: {m}")?;
        }
        for e in &self.extra {
            writeln!(f, "  not generated (stale): {e}")?;
        }
        for (c, why) in &self.changed {
            writeln!(f, "  differs: {c} ({why})")?;
        }
        Ok(())
    }
}

/// Compares `dir` with `files` without changing anything.
pub fn check_crate(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<Drift> {
    let mut drift = Drift::default();
    let on_disk = list_files(dir)?;
    for (rel, text) in files {
        match fs::read_to_string(dir.join(rel)) {
            Ok(existing) if existing == *text => {}
            Ok(existing) => drift.changed.push((rel.clone(), first_difference(&existing, text))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => drift.missing.push(rel.clone()),
            Err(e) => return Err(e),
        }
    }
    for rel in on_disk {
        if !files.contains_key(&rel) {
            drift.extra.push(rel);
        }
    }
    Ok(drift)
}

fn first_difference(old: &str, new: &str) -> String {
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    for i in 0..old_lines.len().max(new_lines.len()) {
        let (a, b) = (old_lines.get(i), new_lines.get(i));
        if a != b {
            return format!(
                "line {}: checked in `{}`, generated `{}`",
                i + 1,
                a.map(|s| s.trim()).unwrap_or("<end of file>"),
                b.map(|s| s.trim()).unwrap_or("<end of file>")
            );
        }
    }
    "trailing newline".into()
}

fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}
