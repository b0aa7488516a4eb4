//! The async flow with an S3-compatible object store instead of the data directory: the mock
//! reads inputs and writes results through the `object_store` crate's S3 client, here against a
//! small in-memory S3 on loopback (GET and PUT of `/bucket/key`, path style), whose requests
//! are checked to be SigV4-signed for `s3` with the configured credentials.

use crate::mock_support;

use bytes::Bytes;
use e2e_tests::Reply;
use mock_support::client;
use sagemaker_runtime_mock::{AsyncStatus, MockConfig, MockServer, StoreConfig, StoreKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const S3_KEY: &str = "AKIDS3STORE";
const S3_SECRET: &str = "s3-store-secret";

/// An in-memory S3: `PUT` stores, `GET`/`HEAD` read, anything missing is `NoSuchKey`.
async fn fake_s3(objects: Arc<Mutex<HashMap<String, Bytes>>>) -> e2e_tests::TestServer {
    e2e_tests::start(move |_, request| {
        let path = request.path().to_string();
        let mut objects = objects.lock().unwrap();
        match request.method.as_str() {
            "PUT" => {
                objects.insert(path, request.body.clone());
                Reply::status(200).header("etag", "\"0123456789abcdef\"")
            }
            "GET" | "HEAD" => match objects.get(&path) {
                Some(body) => Reply::status(200)
                    .header("etag", "\"0123456789abcdef\"")
                    .header("last-modified", "Tue, 24 Nov 2026 06:00:00 GMT")
                    .header("content-length", &body.len().to_string())
                    .body(if request.method == "GET" { body.clone() } else { Bytes::new() }),
                None => Reply::status(404)
                    .header("content-type", "application/xml")
                    .body("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"),
            },
            _ => Reply::status(501),
        }
    })
    .await
}

#[tokio::test]
async fn async_inputs_and_results_go_through_an_s3_compatible_store() {
    let objects: Arc<Mutex<HashMap<String, Bytes>>> = Arc::default();
    objects.lock().unwrap().insert("/inputs/req.json".into(), Bytes::from_static(br#"{"q":1}"#));
    let s3 = fake_s3(objects.clone()).await;
    let config = MockConfig {
        store: StoreConfig {
            kind: StoreKind::S3,
            endpoint: Some(s3.url()),
            region: Some("us-east-1".into()),
            allow_http: true,
            access_key_id: Some(S3_KEY.into()),
            secret_access_key: Some(S3_SECRET.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let mock = MockServer::with_config(config).start().await.unwrap();
    let client = client(&mock.url());
    for (id, input) in [("from-s3", "s3://inputs/req.json"), ("no-input", "s3://inputs/missing.json")] {
        client.invoke_endpoint_async().endpoint_name("ep").input_location(input).inference_id(id).send().await.unwrap();
    }
    let ok = mock.wait_for_async("from-s3", Duration::from_secs(10)).await.unwrap();
    assert_eq!(ok.status, AsyncStatus::Succeeded);
    let failed = mock.wait_for_async("no-input", Duration::from_secs(10)).await.unwrap();
    assert_eq!(failed.status, AsyncStatus::Failed);
    {
        let objects = objects.lock().unwrap();
        assert_eq!(objects["/sagemaker-mock-output/ep/from-s3.out"], Bytes::from_static(br#"{"q":1}"#));
        let report = String::from_utf8_lossy(&objects["/sagemaker-mock-failure/ep/no-input-error.out"]).into_owned();
        assert!(report.contains("Failed to download the input data from s3://inputs/missing.json"), "{report}");
    }
    // Nothing went to the data directory but the queue journal.
    let entries: Vec<String> =
        std::fs::read_dir(mock.data_dir()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(entries, [".queue"]);
    // The handle's helpers use the same store.
    mock.put_object("s3://inputs/other.bin", vec![1u8, 2, 3]).await.unwrap();
    assert_eq!(mock.get_object("s3://inputs/other.bin").await.unwrap(), Bytes::from_static(&[1, 2, 3]));
    assert!(mock.object_path("s3://inputs/other.bin").is_none(), "no local file behind an S3 store");

    // Every store request was signed for S3 with the configured credentials.
    let requests = s3.requests();
    assert!(requests.len() >= 6, "{requests:?}");
    for r in &requests {
        let auth = r.header("authorization").unwrap_or_else(|| panic!("unsigned {} {}", r.method, r.uri));
        assert!(auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={S3_KEY}/")) && auth.contains("/us-east-1/s3/aws4_request"), "{auth}");
        e2e_tests::verify_sigv4(r, S3_KEY, S3_SECRET, None).unwrap_or_else(|e| panic!("{} {}: {e}", r.method, r.uri));
    }
}

#[test]
fn s3_store_credentials_come_in_pairs() {
    let err = MockConfig::from_toml("[store]\nkind = \"s3\"\naccess_key_id = \"AKID\"\n").unwrap_err();
    assert!(err.to_string().contains("access_key_id and secret_access_key go together"), "{err}");
}
