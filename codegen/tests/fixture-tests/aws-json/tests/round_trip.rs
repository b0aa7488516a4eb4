//! The awsJson1_1 client and server stub generated from one model, over loopback TCP with real
//! SigV4: every call is `POST /` naming its operation in `X-Amz-Target`, members travel in the
//! JSON body whatever their `@http*` / `@jsonName` traits say, an input with nothing to send is
//! `{}`, modeled errors come back typed (named by `X-Amzn-ErrorType` and `__type`), and a
//! request naming no operation is answered 404 `UnknownOperationException` in awsJson's envelope.

use bytes::Bytes;
use fixture_awsjson::config::{Credentials, Region};
use fixture_awsjson::operation::get_secret::{GetSecretError, GetSecretInput, GetSecretOutput};
use fixture_awsjson::operation::list_secrets::{ListSecretsError, ListSecretsInput, ListSecretsOutput};
use fixture_awsjson::operation::put_secret::{PutSecretError, PutSecretInput, PutSecretOutput};
use fixture_awsjson::primitives::{Blob, DateTime};
use fixture_awsjson::server::{self, Vault};
use fixture_awsjson::types::error::{SecretExists, SecretNotFound};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A secret store in memory.
#[derive(Clone, Default)]
struct Store(Arc<Mutex<BTreeMap<String, PutSecretInput>>>);

impl Vault for Store {
    async fn put_secret(&self, input: PutSecretInput) -> Result<PutSecretOutput, PutSecretError> {
        let mut secrets = self.0.lock().unwrap();
        let name = input.name().unwrap_or_default().to_string();
        if secrets.contains_key(&name) {
            return Err(PutSecretError::SecretExists(SecretExists::builder().message(format!("{name} exists")).build()));
        }
        secrets.insert(name, input);
        Ok(PutSecretOutput::builder().version(secrets.len() as i32).created_at(DateTime::from_secs(1_700_000_000)).build())
    }

    async fn get_secret(&self, input: GetSecretInput) -> Result<GetSecretOutput, GetSecretError> {
        let secrets = self.0.lock().unwrap();
        let name = input.name().unwrap_or_default();
        let Some(secret) = secrets.get(name) else {
            return Err(GetSecretError::SecretNotFound(SecretNotFound::builder().message(format!("no {name}")).build()));
        };
        Ok(GetSecretOutput::builder()
            .name(name)
            .set_value(secret.value().cloned())
            .set_labels(secret.labels().cloned())
            .set_expires_at(secret.expires_at())
            .set_note(secret.note().map(str::to_string))
            .build())
    }

    async fn list_secrets(&self, _input: ListSecretsInput) -> Result<ListSecretsOutput, ListSecretsError> {
        let names: Vec<String> = self.0.lock().unwrap().keys().cloned().collect();
        Ok(ListSecretsOutput::builder().set_names(Some(names)).build())
    }
}

/// One request as the server received it: its headers and body.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: http::HeaderMap,
    body: Bytes,
}

/// The store served on a loopback port, every request recorded before it is routed.
async fn start() -> (server::ServerHandle, fixture_awsjson::Client, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let router = server::router(Store::default()).before(move |request: http::Request<Bytes>| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(Seen {
                method: request.method().to_string(),
                path: request.uri().path().to_string(),
                headers: request.headers().clone(),
                body: request.body().clone(),
            });
            Ok(request)
        }
    });
    let handle = router.start("127.0.0.1:0").await.expect("the server starts");
    let config = fixture_awsjson::Config::builder()
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(handle.url())
        .build();
    (handle, fixture_awsjson::Client::from_conf(config), seen)
}

#[tokio::test]
async fn a_secret_goes_in_and_comes_back_through_post_slash_and_x_amz_target() {
    let (handle, client, seen) = start().await;
    let labels = HashMap::from([("team".to_string(), "blue".to_string())]);
    let put = client
        .put_secret()
        .name("db")
        .value(Blob::new(b"p\x00ss".to_vec()))
        .set_labels(Some(labels.clone()))
        .expires_at(DateTime::from_secs(1_800_000_000))
        .note("rotate monthly")
        .send()
        .await
        .expect("PutSecret succeeds");
    assert_eq!((put.version(), put.created_at()), (Some(1), Some(DateTime::from_secs(1_700_000_000))));

    let got = client.get_secret().name("db").send().await.expect("GetSecret succeeds");
    assert_eq!(got.name(), Some("db"));
    assert_eq!(got.value(), Some(&Blob::new(b"p\x00ss".to_vec())));
    assert_eq!(got.labels(), Some(&labels));
    assert_eq!(got.expires_at(), Some(DateTime::from_secs(1_800_000_000)));
    assert_eq!(got.note(), Some("rotate monthly"));

    let list = client.list_secrets().send().await.expect("ListSecrets succeeds");
    assert_eq!(list.names(), ["db".to_string()]);

    let seen = seen.lock().unwrap().clone();
    let targets: Vec<&str> = seen.iter().map(|s| s.headers["x-amz-target"].to_str().unwrap()).collect();
    assert_eq!(targets, ["Vault.PutSecret", "Vault.GetSecret", "Vault.ListSecrets"]);
    for s in &seen {
        assert_eq!((s.method.as_str(), s.path.as_str()), ("POST", "/"));
        assert_eq!(s.headers["content-type"], "application/x-amz-json-1.1");
        assert!(s.headers["authorization"].to_str().unwrap().starts_with("AWS4-HMAC-SHA256 "), "signed with SigV4");
    }
    // The body: base64 blob, epoch-seconds timestamp, `Note` under its member name and not in a header.
    let put_body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        put_body,
        serde_json::json!({
            "Name": "db", "Value": "cABzcw==", "Labels": {"team": "blue"}, "ExpiresAt": 1800000000, "Note": "rotate monthly"
        })
    );
    assert!(!seen[0].headers.contains_key("x-note"));
    // No input: the body is still a JSON document.
    assert_eq!(seen[2].body.as_ref(), b"{}");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn modeled_errors_come_back_typed() {
    let (handle, client, _) = start().await;
    client.put_secret().name("db").send().await.expect("the first PutSecret succeeds");
    let exists = client.put_secret().name("db").send().await.expect_err("a second PutSecret fails").into_service_error();
    match &exists {
        PutSecretError::SecretExists(e) => assert_eq!(e.message(), Some("db exists")),
        other => panic!("expected SecretExists, got {other:?}"),
    }
    let missing = client.get_secret().name("nope").send().await.expect_err("GetSecret of nothing fails");
    let raw = missing.raw_response().expect("a response came");
    assert_eq!(raw.status().as_u16(), 404);
    assert_eq!(raw.headers().get("content-type"), Some("application/x-amz-json-1.1"));
    let body: serde_json::Value = serde_json::from_slice(raw.body().bytes().unwrap()).unwrap();
    assert_eq!(body["__type"], "SecretNotFound");
    match missing.into_service_error() {
        GetSecretError::SecretNotFound(e) => assert_eq!(e.message(), Some("no nope")),
        other => panic!("expected SecretNotFound, got {other:?}"),
    }
    handle.shutdown().await.unwrap();
}

/// Sends `request` (raw HTTP/1.1, `Connection: close`) and returns the whole response.
async fn raw(url: &str, request: String) -> String {
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("the server accepts");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn a_request_naming_no_operation_gets_unknown_operation_in_the_aws_json_envelope() {
    let (handle, _, _) = start().await;
    let request = |target: &str| {
        format!(
            "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-amz-json-1.1\r\n{target}Content-Length: 2\r\n\r\n{{}}"
        )
    };
    for target in ["X-Amz-Target: Vault.DeleteEverything\r\n", "X-Amz-Target: Other.ListSecrets\r\n", ""] {
        let response = raw(&handle.url(), request(target)).await;
        let lower = response.to_ascii_lowercase();
        assert!(response.starts_with("HTTP/1.1 404"), "{target:?}: {response}");
        assert!(lower.contains("content-type: application/x-amz-json-1.1"), "{response}");
        assert!(lower.contains("x-amzn-errortype: unknownoperationexception"), "{response}");
        assert!(response.contains(r#""__type":"UnknownOperationException""#), "{response}");
    }
    // The right target on the right path is served (unsigned: the stub does not check signatures).
    let response = raw(&handle.url(), request("X-Amz-Target: Vault.ListSecrets\r\n")).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"Names":[]}"#) || response.ends_with("{}"), "{response}");
    handle.shutdown().await.unwrap();
}
