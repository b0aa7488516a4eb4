//! Issue 10: every public item of the official `aws-sdk-sagemakerruntime` exists at the same
//! path in ours, and the committed list (`tests/dropin/API-PARITY.md`) is what
//! `cargo xtask api-parity` writes today.
//!
//! The list is computed by the same code as the command (`xtask/src/api_parity.rs`, compiled
//! in here), from the official crate's source in Cargo's registry (the version in the lock
//! file) and from `generated/sagemaker-runtime/src` with the runtime it re-exports from.

#[path = "../../xtask/src/api_parity.rs"]
#[allow(dead_code)]
mod api_parity;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace")
}

#[test]
fn every_official_public_item_is_present() {
    let parity = api_parity::workspace_parity(root()).expect("both crates' sources are read");
    assert!(parity.items.len() > 500, "suspiciously few official items: {}", parity.items.len());
    let absent: Vec<String> =
        parity.absent().iter().map(|i| format!("{} ({})", i.path, i.kind.label())).collect();
    assert!(absent.is_empty(), "{}; absent:\n  {}", parity.summary(), absent.join("\n  "));
}

#[test]
fn committed_list_is_current() {
    let parity = api_parity::workspace_parity(root()).expect("both crates' sources are read");
    let committed = std::fs::read_to_string(root().join(api_parity::LIST_FILE)).unwrap_or_default();
    assert!(
        committed == parity.markdown(),
        "{} is stale: run `cargo xtask api-parity` and commit it",
        api_parity::LIST_FILE
    );
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

    let a = api_parity::World::load(&[("a", &dir.path().join("a/src/lib.rs"))]).unwrap();
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
    let b = api_parity::World::load(&[("b", &dir.path().join("b/src/lib.rs")), ("rt", &dir.path().join("rt/src/lib.rs"))]).unwrap();
    let parity = api_parity::Parity::compare("a".into(), &a, "b".into(), &b);
    let absent: Vec<&str> = parity.absent().iter().map(|i| i.path.as_str()).collect();
    assert_eq!(absent, ["E", "E::A", "E::B", "External", "T", "T::required", "config::Builder::field"]);
    assert_eq!(parity.summary(), "6 of 13 public items of a present");
}
