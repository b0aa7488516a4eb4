//! The mock answers the S3 API for its store's objects, on its own listener: the AWS CLI's
//! `s3` commands and boto3 (real processes, real SigV4 for the `s3` service, their default
//! checksums, multipart above 8 MB) against the mock over loopback, the async workflow end to
//! end (input put with boto3, `InvokeEndpointAsync` through the generated client, result read
//! with the AWS CLI), hostile keys kept inside the data folder, S3's error codes (`NoSuchBucket`
//! for a bucket never created), `Content-Type` and user metadata kept with objects, S3's
//! ETags, and S3 calls in the mock's request log.
//!
//! Needs `aws` (the AWS CLI) and `python3` with `boto3` on the PATH (`.ci/run` installs them).

use crate::mock_support;

use mock_support::{client, raw, KEY, SECRET};
use sagemaker_runtime_mock::{AuthConfig, MockHandle, MockServer};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A mock that checks SigV4 (so every S3 call below is really signed and verified).
async fn signed_mock(data: &Path) -> MockHandle {
    MockServer::new().data_dir(data).auth(AuthConfig::new(KEY, SECRET)).start().await.unwrap()
}

/// Deterministic bytes that are not all alike (a shifted part would be seen).
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

fn aws_env(command: &mut Command) -> &mut Command {
    command
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
}

/// Runs `aws s3 ...` against the mock (in a blocking thread: the mock runs on this runtime).
async fn aws(url: &str, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new("aws");
    aws_env(&mut command).arg("--endpoint-url").arg(url).args(args);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("the AWS CLI (`aws`) must be installed: pip install awscli");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs a boto3 script with `URL` set; its last stdout line is JSON.
async fn boto3(url: &str, dir: &Path, script: &str) -> serde_json::Value {
    let mut command = Command::new("python3");
    aws_env(&mut command).arg("-c").arg(script).env("URL", url).current_dir(dir);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("python3 with boto3 must be installed: pip install boto3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "boto3 script failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

const BOTO3_PRELUDE: &str = r#"
import boto3, json, os, sys
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ["URL"], region_name="us-east-1")
def code(call):
    try:
        call()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]
"#;

#[tokio::test]
async fn the_aws_cli_copies_lists_and_removes_a_20_mb_object_both_ways() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mock = signed_mock(data.path()).await;
    let url = mock.url();
    let big = pattern(20 * 1024 * 1024);
    let upload = work.path().join("big.bin");
    std::fs::write(&upload, &big).unwrap();

    let (ok, _, err) = aws(&url, &["s3", "mb", "s3://inputs"]).await;
    assert!(ok, "{err}");
    let (ok, out, err) = aws(&url, &["s3", "cp", upload.to_str().unwrap(), "s3://inputs/batch/big.bin"]).await;
    assert!(ok, "cp up: {out}\n{err}");
    assert!(std::fs::read(mock.object_path("s3://inputs/batch/big.bin").unwrap()).unwrap() == big, "stored whole, parts in order");
    assert_eq!(mock.get_object("s3://inputs/batch/big.bin").await.unwrap().len(), big.len());

    let (ok, out, err) = aws(&url, &["s3", "ls", "s3://inputs/batch/"]).await;
    assert!(ok, "{err}");
    assert!(out.contains(" 20971520 big.bin"), "{out}");
    let (ok, out, _) = aws(&url, &["s3", "ls", "s3://inputs/"]).await;
    assert!(ok && out.contains("PRE batch/"), "a common prefix: {out}");
    let (ok, out, err) = aws(&url, &["s3", "ls"]).await;
    assert!(ok, "{err}");
    assert!(out.lines().any(|l| l.ends_with(" inputs")), "ListBuckets: {out}");
    assert!(!out.contains(".queue") && !out.contains(".s3-uploads"), "the mock's own folders are no buckets: {out}");

    let download = work.path().join("back.bin");
    let (ok, out, err) = aws(&url, &["s3", "cp", "s3://inputs/batch/big.bin", download.to_str().unwrap()]).await;
    assert!(ok, "cp down: {out}\n{err}");
    let back = std::fs::read(&download).unwrap();
    assert!(back == big, "ranged or whole, the same bytes come back ({} of {} bytes)", back.len(), big.len());

    let (ok, _, err) = aws(&url, &["s3", "rm", "s3://inputs/batch/big.bin"]).await;
    assert!(ok, "{err}");
    assert!(mock.object_path("s3://inputs/batch/big.bin").is_some_and(|p| !p.exists()));
    let (ok, out, _) = aws(&url, &["s3", "ls", "s3://inputs/batch/"]).await;
    assert!(out.trim().is_empty(), "{ok} {out}");

    let (ok, _, err) = aws(&url, &["s3", "ls", "s3://no-such-bucket/"]).await;
    assert!(!ok && err.contains("NoSuchBucket"), "{err}");
    let (ok, _, err) = aws(&url, &["s3", "cp", "s3://inputs/missing.json", "-"]).await;
    assert!(!ok && (err.contains("404") || err.contains("NoSuchKey")), "{err}");

    // Not signed for `s3`, or signed with the wrong secret: refused.
    let mut command = Command::new("aws");
    aws_env(&mut command).env("AWS_SECRET_ACCESS_KEY", "wrong").args(["--endpoint-url", &url, "s3", "ls", "s3://inputs/"]);
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SignatureDoesNotMatch"), "{}", String::from_utf8_lossy(&output.stderr));

    // Every S3 call is in the request log, as S3's, named by its operation once routed.
    let log = mock.requests();
    assert!(log.iter().all(|r| r.service == "s3" && r.endpoint_name.is_none() && r.body.is_empty()), "{log:?}");
    let operations: std::collections::BTreeSet<&str> = log.iter().filter_map(|r| r.operation).collect();
    for operation in ["CreateBucket", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "ListObjectsV2", "ListBuckets", "HeadObject", "GetObject", "DeleteObject"] {
        assert!(operations.contains(operation), "{operation} logged: {operations:?}");
    }
    assert_eq!(log.iter().filter(|r| r.operation == Some("UploadPart")).count(), 3, "20 MiB in 8 MiB parts");
    let refused = log.last().unwrap();
    assert_eq!((refused.operation, refused.method.as_str()), (None, "GET"), "a refused signature is logged, before any operation");
    assert!(refused.header("authorization").is_some_and(|a| a.contains("/s3/aws4_request")));
}

#[tokio::test]
async fn boto3_uploads_in_parts_checks_checksums_and_gets_s3_errors() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mock = signed_mock(data.path()).await;
    let big = pattern(20 * 1024 * 1024 + 123);
    std::fs::write(work.path().join("big.bin"), &big).unwrap();
    let script = format!(
        "{BOTO3_PRELUDE}{}",
        r#"
import hashlib
out = {"parts": 0}
def count_part(**kwargs):
    out["parts"] += 1
out["put_no_bucket"] = code(lambda: s3.put_object(Bucket="data", Key="in/x", Body=b"x"))
out["multipart_no_bucket"] = code(lambda: s3.create_multipart_upload(Bucket="data", Key="in/x"))
out["configured_bucket"] = s3.put_object(Bucket="sagemaker-mock-input", Key="own/x", Body=b"x")["ETag"]
s3.create_bucket(Bucket="data")
s3.meta.events.register("before-call.s3.UploadPart", count_part)
s3.upload_file("big.bin", "data", "in/big.bin", ExtraArgs={"ContentType": "application/x-npy", "Metadata": {"run": "7", "Model-Name": "m1"}})
big = open("big.bin", "rb").read()
part = 8 * 1024 * 1024
out["multipart_etag"] = '"%s-%d"' % (hashlib.md5(b"".join(hashlib.md5(big[i:i + part]).digest() for i in range(0, len(big), part))).hexdigest(), (len(big) + part - 1) // part)
s3.download_file("data", "in/big.bin", "back.bin")
out["round_trip"] = open("back.bin", "rb").read() == open("big.bin", "rb").read()
head = s3.head_object(Bucket="data", Key="in/big.bin")
out["size"] = head["ContentLength"]
out["big_head"] = [head["ETag"], head["ContentType"], head["Metadata"]]
got = s3.get_object(Bucket="data", Key="in/big.bin", Range="bytes=0-0")
out["big_get"] = [got["ETag"], got["ContentType"], got["Metadata"]]
r = s3.put_object(Bucket="data", Key="in/typed.json", Body=b'{"t":1}', ContentType="application/json", Metadata={"a": "b"})
out["single_etag"] = [r["ETag"], '"%s"' % hashlib.md5(b'{"t":1}').hexdigest()]
got = s3.get_object(Bucket="data", Key="in/typed.json")
out["typed_get"] = [got["ETag"], got["ContentType"], got["Metadata"]]
listed = s3.list_objects_v2(Bucket="data", Prefix="in/")
out["listed_etags"] = {o["Key"]: o["ETag"] for o in listed["Contents"]}
s3.put_object(Bucket="data", Key="in/typed.json", Body=b'{"t":2}')
got = s3.head_object(Bucket="data", Key="in/typed.json")
out["overwritten"] = [got["ContentType"], got.get("Metadata", {})]
s3.delete_object(Bucket="data", Key="in/typed.json")
out["etags_agree"] = head["ETag"] == s3.get_object(Bucket="data", Key="in/big.bin", Range="bytes=0-0")["ETag"]
r = s3.put_object(Bucket="data", Key="in/small.json", Body=b'{"a":1}', ChecksumAlgorithm="SHA256")
import hashlib, base64
out["sha256"] = r.get("ChecksumSHA256") == base64.b64encode(hashlib.sha256(b'{"a":1}').digest()).decode()
s3.put_object(Bucket="data", Key="in/crc.json", Body=b'{"b":2}', ChecksumAlgorithm="CRC32")
out["small"] = s3.get_object(Bucket="data", Key="in/small.json")["Body"].read().decode()
out["range"] = s3.get_object(Bucket="data", Key="in/small.json", Range="bytes=1-3")["Body"].read().decode()
out["bad_digest"] = code(lambda: s3.put_object(Bucket="data", Key="in/bad.json", Body=b"xyz", ChecksumCRC32="AAAAAA=="))
out["bad_is_absent"] = code(lambda: s3.head_object(Bucket="data", Key="in/bad.json"))
out["no_such_key"] = code(lambda: s3.get_object(Bucket="data", Key="in/none.json"))
out["no_such_bucket"] = code(lambda: s3.list_objects_v2(Bucket="nobucket"))
listed = s3.list_objects_v2(Bucket="data", Prefix="in/", Delimiter="/", MaxKeys=2)
out["page1"] = [o["Key"] for o in listed.get("Contents", [])]
out["truncated"] = listed["IsTruncated"]
listed2 = s3.list_objects_v2(Bucket="data", Prefix="in/", ContinuationToken=listed["NextContinuationToken"])
out["page2"] = [o["Key"] for o in listed2.get("Contents", [])]
out["prefixes"] = [p["Prefix"] for p in s3.list_objects_v2(Bucket="data", Delimiter="/").get("CommonPrefixes", [])]
s3.delete_object(Bucket="data", Key="in/crc.json")
out["after_delete"] = code(lambda: s3.head_object(Bucket="data", Key="in/crc.json"))
print(json.dumps(out))
"#
    );
    let out = boto3(&mock.url(), work.path(), &script).await;
    assert_eq!(out["round_trip"], true, "{out}");
    assert_eq!(out["size"], big.len());
    assert_eq!(out["parts"], 3, "upload_file sends 8 MB parts: 3 of them");
    assert_eq!(out["etags_agree"], true, "HEAD and GET give one ETag (what ranged downloads compare)");
    assert_eq!(out["put_no_bucket"], "NoSuchBucket", "as S3: putting creates no bucket");
    assert_eq!(out["multipart_no_bucket"], "NoSuchBucket");
    assert!(out["configured_bucket"].as_str().is_some_and(|t| t.len() == 34), "the async paths' buckets exist: {out}");
    let multipart_etag = &out["multipart_etag"];
    assert!(multipart_etag.as_str().is_some_and(|t| t.ends_with("-3\"")), "{multipart_etag}");
    let big_info = serde_json::json!([multipart_etag, "application/x-npy", {"run": "7", "model-name": "m1"}]);
    assert_eq!(out["big_head"], big_info, "S3's multipart ETag, Content-Type and user metadata (names in lowercase)");
    assert_eq!(out["big_get"], big_info);
    assert_eq!(out["single_etag"][0], out["single_etag"][1], "a single PUT's ETag is its MD5");
    assert_eq!(out["typed_get"], serde_json::json!([out["single_etag"][1], "application/json", {"a": "b"}]));
    assert_eq!(out["listed_etags"]["in/big.bin"], *multipart_etag, "ListObjectsV2 gives the same ETags");
    assert_eq!(out["listed_etags"]["in/typed.json"], out["single_etag"][1]);
    assert_eq!(out["overwritten"], serde_json::json!(["binary/octet-stream", {}]), "a new PUT replaces what was kept");
    assert_eq!(out["sha256"], true, "the SHA-256 sent is checked and answered");
    assert_eq!(out["small"], "{\"a\":1}");
    assert_eq!(out["range"], "\"a\"");
    assert_eq!(out["bad_digest"], "BadDigest");
    assert_eq!(out["bad_is_absent"], "404", "a refused upload leaves nothing behind");
    assert_eq!(out["no_such_key"], "NoSuchKey");
    assert_eq!(out["no_such_bucket"], "NoSuchBucket");
    assert_eq!(out["page1"], serde_json::json!(["in/big.bin", "in/crc.json"]));
    assert_eq!(out["truncated"], true);
    assert_eq!(out["page2"], serde_json::json!(["in/small.json"]));
    assert_eq!(out["prefixes"], serde_json::json!(["in/"]));
    assert_eq!(out["after_delete"], "404");
}

#[tokio::test]
async fn hostile_keys_are_kept_as_s3_keeps_them_and_never_leave_the_data_folder() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let work = tempfile::tempdir().unwrap();
    let mock = signed_mock(&data).await;
    let keys = [
        "../../outside.txt",
        "a/../../../outside.txt",
        "./x/./y",
        "double//slash/",
        "%2E%2E/%2e%2e/enc",
        "back\\slash\\..\\..\\x",
        "ctl\u{1}name",
        "top/..",
        "=3D=",
        "#1",
        "dir/file#12",
        "ünïcode/名前",
    ];
    let script = format!(
        "{BOTO3_PRELUDE}keys = {}\n{}",
        serde_json::to_string(&keys).unwrap(),
        r#"
s3.create_bucket(Bucket="bkt")
got = {}
for k in keys:
    s3.put_object(Bucket="bkt", Key=k, Body=k.encode())
for k in keys:
    got[k] = s3.get_object(Bucket="bkt", Key=k)["Body"].read().decode()
listed = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="bkt")["Contents"])
print(json.dumps({"got": got, "listed": listed}))
"#
    );
    let out = boto3(&mock.url(), work.path(), &script).await;
    for key in keys {
        assert_eq!(out["got"][key], key, "each key reads back its own object: {out}");
    }
    let mut sorted: Vec<&str> = keys.to_vec();
    sorted.sort();
    assert_eq!(out["listed"], serde_json::json!(sorted), "listed under their own names");
    let mut outside = Vec::new();
    for entry in std::fs::read_dir(parent.path()).unwrap() {
        outside.push(entry.unwrap().file_name().to_string_lossy().into_owned());
    }
    assert_eq!(outside, ["data"], "nothing written next to the data folder");
    let mut files = Vec::new();
    let mut stack = vec![data.join("bkt")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    assert_eq!(files.len(), keys.len(), "one file per key, all inside the bucket's folder: {files:?}");
    // What S3 keeps with each object (its ETag), under the same escaped names.
    let mut kept = Vec::new();
    let mut stack = vec![data.join(".s3-meta/bkt")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                kept.push(entry.path());
            }
        }
    }
    assert_eq!(kept.len(), keys.len(), "one file per key, inside the data folder: {kept:?}");
    // Through the mock's own API too, as the async queue reads and writes them.
    assert_eq!(mock.get_object("s3://bkt/../../outside.txt").await.unwrap(), "../../outside.txt");
}

#[tokio::test]
async fn an_async_request_runs_on_an_input_put_with_boto3_and_its_result_is_read_with_the_aws_cli() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mock = signed_mock(data.path()).await;
    let script = format!(
        "{BOTO3_PRELUDE}{}",
        r#"
s3.create_bucket(Bucket="inputs")
s3.put_object(Bucket="inputs", Key="job/1.json", Body=b'{"instances":[1,2,3]}')
print(json.dumps({}))
"#
    );
    boto3(&mock.url(), work.path(), &script).await;
    let out = client(&mock.url())
        .invoke_endpoint_async()
        .endpoint_name("echo")
        .input_location("s3://inputs/job/1.json")
        .s3_output_path_extension("runs/../2026")
        .send()
        .await
        .unwrap();
    let id = out.inference_id().unwrap().to_string();
    assert!(mock.wait_for_async(&id, Duration::from_secs(10)).await.is_some());
    let location = out.output_location().unwrap().to_string();
    assert!(location.contains("/runs/../2026/"), "the extension is kept as key text: {location}");
    let (ok, body, err) = aws(&mock.url(), &["s3", "cp", &location, "-"]).await;
    assert!(ok, "{err}");
    assert_eq!(body, r#"{"instances":[1,2,3]}"#, "the echo endpoint's result");
}

#[tokio::test]
async fn virtual_host_style_and_unsigned_requests_reach_the_bucket_when_no_signature_is_checked() {
    let data = tempfile::tempdir().unwrap();
    let mock = MockServer::new().data_dir(data.path()).start().await.unwrap();
    mock.put_object("s3://vh-bucket/k/obj.txt", "hello").await.unwrap();
    let addr = mock.local_addr();
    let hosted = raw(addr, "GET", "/k/obj.txt", &[("host", b"vh-bucket.s3.us-east-1.amazonaws.com")], "").await;
    assert_eq!((hosted.status, &hosted.body[..]), (200, &b"hello"[..]), "virtual-host style");
    let path_style = raw(addr, "GET", "/vh-bucket/k/obj.txt", &[("host", b"s3.us-east-1.amazonaws.com")], "").await;
    assert_eq!((path_style.status, &path_style.body[..]), (200, &b"hello"[..]), "path style on an S3 host");
    let local = raw(addr, "GET", "/vh-bucket/k/obj.txt", &[], "").await;
    assert_eq!((local.status, &local.body[..]), (200, &b"hello"[..]), "path style on the mock's address, unsigned");
    let missing = raw(addr, "GET", "/vh-bucket/k/none", &[], "").await;
    assert_eq!(missing.status, 404);
    assert!(String::from_utf8_lossy(&missing.body).contains("<Code>NoSuchKey</Code>"), "{:?}", missing.body);
    // Signed with any key: taken as unsigned, as SageMaker calls are while no signature is checked.
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("in.txt"), "signed by anyone").unwrap();
    let mut command = Command::new("aws");
    aws_env(&mut command).env("AWS_SECRET_ACCESS_KEY", "whatever").args(["--endpoint-url", &mock.url(), "s3", "cp"]);
    command.arg(work.path().join("in.txt")).arg("s3://vh-bucket/k/in.txt");
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(mock.get_object("s3://vh-bucket/k/in.txt").await.unwrap(), "signed by anyone");
    // SageMaker's own paths still reach the SageMaker API.
    let api = raw(addr, "GET", "/endpoints/ep/unknown", &[], "").await;
    assert_eq!((api.status, api.header("x-amzn-errortype")), (404, "UnknownOperationException"));
}

#[tokio::test]
async fn aws_sdk_s3_puts_with_its_default_and_crc64nvme_checksums_and_reads_back() {
    let data = tempfile::tempdir().unwrap();
    let mock = signed_mock(data.path()).await;
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(KEY, SECRET, None, None, "test"))
        .endpoint_url(mock.url())
        .force_path_style(true)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(config);
    let body = pattern(3 * 1024 * 1024 + 7);
    let missing_bucket = s3.put_object().bucket("sdk").key("in/default.bin").body(body.clone().into()).send().await.unwrap_err();
    assert_eq!(missing_bucket.into_service_error().meta().code(), Some("NoSuchBucket"));
    s3.create_bucket().bucket("sdk").send().await.unwrap();
    s3.put_object().bucket("sdk").key("in/default.bin").body(body.clone().into()).send().await.unwrap();
    let put = s3
        .put_object()
        .bucket("sdk")
        .key("in/crc64.bin")
        .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc64Nvme)
        .body(body.clone().into())
        .send()
        .await
        .unwrap();
    assert!(put.checksum_crc64_nvme().is_some(), "the CRC64NVME the SDK sent is checked and answered");
    for key in ["in/default.bin", "in/crc64.bin"] {
        let got = s3.get_object().bucket("sdk").key(key).send().await.unwrap().body.collect().await.unwrap().into_bytes();
        assert!(got[..] == body[..], "{key}: {} of {} bytes", got.len(), body.len());
    }
    let missing = s3.get_object().bucket("sdk").key("in/none").send().await.unwrap_err().into_service_error();
    assert!(missing.is_no_such_key(), "{missing:?}");
    let listed = s3.list_objects_v2().bucket("sdk").prefix("in/").send().await.unwrap();
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["in/crc64.bin", "in/default.bin"]);
}
