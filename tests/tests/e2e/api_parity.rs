//! Issue 10: every public item of each official crate this project replaces
//! (`aws-sdk-sagemakerruntime`, `aws-sdk-sagemakerruntimehttp2`) exists at the same path in
//! ours, and each committed list (`tests/dropin/API-PARITY.md`, `API-PARITY-HTTP2.md`) is what
//! `cargo xtask api-parity` writes today.
//!
//! The lists are computed by the same code as the command (`xtask/src/api_parity.rs`, compiled
//! in here, pairs from its `PAIRS`), from each official crate's source in Cargo's registry (the
//! version in the lock file) and from `generated/<ours>/src` with the runtime it re-exports from.

#[path = "../../../xtask/src/api_parity.rs"]
#[allow(dead_code)]
mod reader;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace")
}

#[test]
fn every_official_public_item_is_present() {
    let mut failures = Vec::new();
    for pair in &reader::PAIRS {
        let parity = pair.parity(root()).expect("both crates' sources are read");
        assert!(
            parity.items.len() >= pair.min_items,
            "suspiciously few items of {}: {}",
            parity.reference,
            parity.items.len()
        );
        let absent: Vec<String> = parity.absent().iter().map(|i| format!("{} ({})", i.path, i.kind.label())).collect();
        if !absent.is_empty() {
            failures.push(format!("{}; absent from {}:\n  {}", parity.summary(), parity.ours, absent.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn committed_lists_are_current() {
    let mut stale = Vec::new();
    for pair in &reader::PAIRS {
        let parity = pair.parity(root()).expect("both crates' sources are read");
        let committed = std::fs::read_to_string(root().join(pair.list_file)).unwrap_or_default();
        if committed != parity.markdown() {
            stale.push(pair.list_file);
        }
    }
    assert!(stale.is_empty(), "stale: {}; run `cargo xtask api-parity` and commit them", stale.join(", "));
}

/// The pairs name distinct crates and files, and each official crate is in the lock file (a
/// dependency of the workspace), so its source is where the check reads it.
#[test]
fn pairs_are_distinct_and_locked() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    for (i, a) in reader::PAIRS.iter().enumerate() {
        assert!(lock.contains(&format!("name = \"{}\"\n", a.official)), "{} is not in Cargo.lock", a.official);
        assert!(root().join("generated").join(a.ours).join("src/lib.rs").is_file(), "generated/{} has no src/lib.rs", a.ours);
        for b in &reader::PAIRS[i + 1..] {
            assert!(a.official != b.official && a.ours != b.ours && a.list_file != b.list_file, "{a:?} and {b:?} overlap");
        }
    }
}

/// The reader itself: re-exports (renamed, grouped, glob), private modules, methods of
/// re-exported and aliased types, and `#[cfg(test)]` / `#[doc(hidden)]` items left out.
#[test]
fn reader_follows_reexports_and_visibility() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "a/src/lib.rs",
        "pub mod config; mod hidden; pub use hidden::Thing as Renamed; pub use hidden::glob::*;\n\
         pub use ::other::External;\n\
         #[cfg(test)] pub fn only_in_tests() {}\n\
         #[doc(hidden)] pub fn hidden_fn() {}\n\
         pub enum E { A, B }\n",
    );
    write("a/src/config.rs", "pub struct Builder { pub field: u8, private: u8 }\nimpl Builder { pub fn set(self) -> Self { self } fn private(&self) {} }\n");
    write(
        "a/src/hidden.rs",
        "pub struct Thing; impl Thing { pub fn new() -> Self { Thing } }\n\
         pub mod glob { pub fn from_glob() {} pub trait T { fn required(&self); } }\n\
         pub struct NotReexported;\n",
    );
    write("b/src/lib.rs", "pub mod config { pub type Builder = rt::Generic<u8>; }\npub use rt::Thing as Renamed;\npub fn from_glob() {}\n");
    write("rt/src/lib.rs", "pub struct Generic<S>(S); impl<S> Generic<S> { pub fn set(self) -> Self { self } }\npub struct Thing; impl Thing { pub fn new() -> Self { Thing } }\n");

    let a = reader::World::load(&[("a", &dir.path().join("a/src/lib.rs"))]).unwrap();
    let items: Vec<String> = a.items().iter().map(|i| format!("{} {}", i.path, i.kind.label())).collect();
    assert_eq!(
        items,
        [
            "E enum",
            "E::A variant",
            "E::B variant",
            "External re-export",
            "Renamed struct",
            "Renamed::new method",
            "T trait",
            "T::required trait method",
            "config module",
            "config::Builder struct",
            "config::Builder::field field",
            "config::Builder::set method",
            "from_glob function",
        ]
    );
    let b = reader::World::load(&[("b", &dir.path().join("b/src/lib.rs")), ("rt", &dir.path().join("rt/src/lib.rs"))]).unwrap();
    let parity = reader::Parity::compare("a".into(), &a, "b".into(), &b);
    let absent: Vec<&str> = parity.absent().iter().map(|i| i.path.as_str()).collect();
    assert_eq!(absent, ["E", "E::A", "E::B", "External", "T", "T::required", "config::Builder::field"]);
    assert_eq!(parity.summary(), "6 of 13 public items of a present");
}
