//! Hostile input to the mock over loopback: object keys, `S3OutputPathExtension`s and
//! `Filename`s that try to climb out of the data folder (`..`, encoded separators, absolute
//! paths, symbolic links placed inside the data folder) never read or write outside it. The
//! server stub does not enforce the lookahead `@pattern`s of those headers yet, so the mock's
//! own checks are what is tested here.

use crate::mock_support;

use mock_support::raw;
use sagemaker_runtime_mock::{AsyncStatus, MockServer};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

const SECRET: &str = "top secret outside the data folder";

/// Every file and directory under `dir` (links not followed), relative path to contents.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().map(Result::unwrap) {
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(path);
                out.insert(format!("{rel}/"), String::new());
            } else if kind.is_symlink() {
                out.insert(rel, format!("-> {}", std::fs::read_link(&path).unwrap().display()));
            } else {
                out.insert(rel, String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned());
            }
        }
    }
    out
}

#[cfg(unix)]
#[tokio::test]
async fn keys_extensions_file_names_and_links_never_leave_the_data_folder() {
    let parent = tempfile::tempdir().unwrap();
    let (data, outside) = (parent.path().join("data"), parent.path().join("outside"));
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret"), SECRET).unwrap();
    for dir in ["in-bucket", "sagemaker-mock-output/ep", "sagemaker-mock-failure/ep"] {
        std::fs::create_dir_all(data.join(dir)).unwrap();
    }
    // Links someone placed inside the data folder, pointing out of it.
    std::os::unix::fs::symlink(&outside, data.join("in-bucket/link")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), data.join("in-bucket/secret-link")).unwrap();
    std::os::unix::fs::symlink(&outside, data.join("linked-bucket")).unwrap();
    std::os::unix::fs::symlink(&outside, data.join("sagemaker-mock-output/ep/linked")).unwrap();
    std::os::unix::fs::symlink(&outside, data.join("sagemaker-mock-failure/ep/linked")).unwrap();
    let outside_before = tree(&outside);

    let mock = MockServer::new().data_dir(&data).start().await.unwrap();
    let addr = mock.local_addr();
    let path = "/endpoints/ep/async-invocations";
    let mut accepted = Vec::new();

    // Input locations: accepted (SageMaker does not look at the input when it accepts), then
    // failed without the input ever being read from outside; or refused by the model's pattern.
    let inputs: &[&str] = &[
        "s3://in-bucket/link/secret",
        "s3://in-bucket/secret-link",
        "s3://linked-bucket/secret",
        "s3://in-bucket/../outside/secret",
        "s3://in-bucket/a/../../../outside/secret",
        "s3://in-bucket/%2e%2e/%2e%2e/outside/secret",
        "s3://in-bucket/..%2F..%2Foutside%2Fsecret",
        "s3://in-bucket//etc/passwd",
        "s3://../outside/secret",
        "https://s3.us-east-1.amazonaws.com/in-bucket/..%2F..%2Foutside%2Fsecret",
        "https://in-bucket.s3.us-east-1.amazonaws.com/%2E%2E/%2E%2E/outside/secret",
        "file:///etc/passwd",
        "s3:///etc/passwd",
    ];
    for (i, input) in inputs.iter().enumerate() {
        let id = format!("input-{i}");
        let answer = raw(
            addr,
            "POST",
            path,
            &[("x-amzn-sagemaker-inputlocation", input.as_bytes()), ("x-amzn-sagemaker-inference-id", id.as_bytes())],
            "",
        )
        .await;
        match answer.status {
            202 => accepted.push((id, input.to_string())),
            400 => assert_eq!(answer.header("x-amzn-errortype"), "ValidationError", "{input}"),
            other => panic!("{input}: status {other}: {:?}", answer.body),
        }
    }

    // Output places: any key S3 accepts is kept as key text (`..` segments too, under an escaped
    // name inside the bucket's folder); a place behind a symbolic link is refused (ValidationError).
    let places: &[(Option<&str>, Option<&str>)] = &[
        (Some("../../outside"), None),
        (Some("a/../../../outside"), None),
        (Some("..%2F..%2Foutside"), None),
        (Some("%2e%2e/%2e%2e/outside"), None),
        (Some("/abs/path"), None),
        (Some("linked"), None),
        (Some("linked/deeper"), None),
        (None, Some("../../../outside/x")),
        (None, Some("..")),
        (None, Some("/etc/passwd")),
        (None, Some("a/../../../../x")),
        (Some("ok"), Some("../../../../outside/x")),
    ];
    for (i, (extension, filename)) in places.iter().enumerate() {
        let id = format!("place-{i}");
        let mut headers: Vec<(&str, &[u8])> =
            vec![("x-amzn-sagemaker-inference-id", id.as_bytes()), ("content-type", b"application/octet-stream")];
        if let Some(e) = extension {
            headers.push(("x-amzn-sagemaker-s3outputpathextension", e.as_bytes()));
        }
        if let Some(f) = filename {
            headers.push(("x-amzn-sagemaker-filename", f.as_bytes()));
        }
        let answer = raw(addr, "POST", path, &headers, "payload").await;
        match answer.status {
            202 => {
                let location = answer.header("x-amzn-sagemaker-outputlocation").to_string();
                // Kept as literal key text, as on S3; stored inside the bucket's folder.
                assert!(location.starts_with("s3://sagemaker-mock-output/ep/"), "{extension:?} {filename:?}: {location}");
                let file = mock.object_path(&location).unwrap();
                assert!(file.starts_with(mock.data_dir().join("sagemaker-mock-output")), "{extension:?} {filename:?}: {}", file.display());
                accepted.push((id, format!("{extension:?} {filename:?}")));
            }
            400 => assert_eq!(answer.header("x-amzn-errortype"), "ValidationError", "{extension:?} {filename:?}"),
            other => panic!("{extension:?} {filename:?}: status {other}: {:?}", answer.body),
        }
    }

    for (id, what) in &accepted {
        let result = mock.wait_for_async(id, Duration::from_secs(20)).await.unwrap_or_else(|| panic!("{what}: never finished"));
        if id.starts_with("input-") {
            assert_eq!(result.status, AsyncStatus::Failed, "{what}: {result:?}");
        }
        assert!(!result.failure_reason.clone().unwrap_or_default().contains(SECRET), "{what}");
        let written = mock.get_object(&result.location).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(!String::from_utf8_lossy(&written).contains(SECRET), "{what}: the secret was read");
    }
    mock.stop().await.unwrap();

    assert_eq!(tree(&outside), outside_before, "nothing outside the data folder changed");
    let mut siblings: Vec<String> =
        std::fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    siblings.sort();
    assert_eq!(siblings, ["data", "outside"], "nothing written beside the data folder");
    for (path, contents) in tree(&data) {
        assert!(!contents.contains(SECRET), "{path} holds the secret");
    }
}
