//! The README's git dependency works outside this repository: a scratch project in a temporary
//! folder depends on `sagemaker-runtime` and `sagemaker-runtime-mock` by `git` on a `file://`
//! clone of this repository (at `HEAD`, so what is committed is what is tested), builds, starts
//! the mock and calls it through the client.
//!
//! It builds into this workspace's target directory with its lock file (only the crates from
//! git are compiled again) and the workspace's debug profile.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests is inside the workspace").to_path_buf()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git").args(args).current_dir(dir).output().expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

const PROGRAM: &str = r##"
use sagemaker_runtime::primitives::Blob;

#[tokio::main]
async fn main() {
    let mock = sagemaker_runtime_mock::MockServer::new().start().await.expect("the mock starts");
    let config = sagemaker_runtime::Config::builder()
        .region(sagemaker_runtime::config::Region::new("us-east-1"))
        .credentials_provider(sagemaker_runtime::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "example"))
        .endpoint_url(mock.url())
        .build();
    let client = sagemaker_runtime::Client::from_conf(config);
    let output = client
        .invoke_endpoint()
        .endpoint_name("echo")
        .content_type("application/json")
        .body(Blob::new(r#"{"from":"git"}"#))
        .send()
        .await
        .expect("the call succeeds");
    let body = output.body().expect("a body").as_ref().to_vec();
    println!("{}", String::from_utf8(body).expect("UTF-8"));
}
"##;

#[test]
fn a_project_outside_the_tree_depends_on_the_crates_by_git() {
    let root = root();
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let clone = scratch.path().join("smithygen.git");
    let head = git(&root, &["rev-parse", "HEAD"]);
    git(scratch.path(), &["clone", "--quiet", "--bare", root.to_str().unwrap(), clone.to_str().unwrap()]);
    let url = format!("file://{}", clone.display());
    let consumer = scratch.path().join("consumer");
    std::fs::create_dir_all(consumer.join("src")).unwrap();
    std::fs::write(
        consumer.join("Cargo.toml"),
        format!(
            "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n\
             [dependencies]\n\
             sagemaker-runtime = {{ git = \"{url}\", rev = \"{head}\" }}\n\
             sagemaker-runtime-mock = {{ git = \"{url}\", rev = \"{head}\" }}\n\
             tokio = {{ version = \"1\", features = [\"full\"] }}\n"
        ),
    )
    .unwrap();
    std::fs::write(consumer.join("src/main.rs"), PROGRAM).unwrap();
    // The workspace's resolved versions: nothing but the git crates is new to the build.
    std::fs::copy(root.join("Cargo.lock"), consumer.join("Cargo.lock")).unwrap();
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target"));
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet"])
        .current_dir(&consumer)
        .env("CARGO_TARGET_DIR", target)
        // The workspace's `.cargo/config.toml` profile (the consumer is outside the tree).
        .env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the consumer failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout.trim(), r#"{"from":"git"}"#, "the mock echoes the body");
    let lock = std::fs::read_to_string(consumer.join("Cargo.lock")).unwrap();
    assert!(lock.contains(&format!("git+{url}?rev={head}#{head}")), "the crates came from the git clone:\n{lock}");
}
