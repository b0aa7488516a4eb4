//! The generated command-line clients as binaries, each built once per test run: tests of
//! another package cannot use `CARGO_BIN_EXE_*`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// `sagemaker-runtime` (package `sagemaker-runtime-cli`).
pub fn sagemaker_runtime() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build("sagemaker-runtime-cli", "sagemaker-runtime")).clone()
}

/// `sagemaker-runtime-http2` (package `sagemaker-runtime-http2-cli`).
pub fn sagemaker_runtime_http2() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build("sagemaker-runtime-http2-cli", "sagemaker-runtime-http2")).clone()
}

fn build(package: &str, bin: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-q", "-p", package, "--bin", bin])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {bin} failed");
    // target/debug/<bin>, next to this test's own deps folder.
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent().and_then(|deps| deps.parent()).expect("target/debug").join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
}
