//! The mock over HTTPS (HTTP/2 or HTTP/1.1 by ALPN) and over h2c beside HTTP/1.1: the
//! generated client through the SDK's own HTTP client trusting a CA made at test time, raw
//! HTTP/2 clients, and the binary with `--tls-cert` / `--tls-key` and `[tls]`.

use aws_smithy_types::Blob;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use sagemaker_runtime_mock::{AuthConfig, Behaviour, MockServer, StreamSpec, TlsConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::rustls;

const WAIT: Duration = Duration::from_secs(10);

/// A CA, and a certificate for 127.0.0.1 and localhost signed by it, as PEM.
struct Certs {
    ca: String,
    chain: String,
    key: String,
}

fn certs() -> Certs {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "sagemaker-runtime-mock test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    Certs { ca: ca.pem(), chain: cert.pem(), key: key.serialize_pem() }
}

/// The generated client, its HTTP client the SDK's own (hyper + rustls with aws-lc, ALPN
/// offering h2 and http/1.1) with a trust store holding only `ca_pem`.
fn client(url: &str, ca_pem: &str) -> sagemaker_runtime::Client {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let context = TlsContext::builder().with_trust_store(TrustStore::empty().with_pem_certificate(ca_pem.as_bytes())).build().unwrap();
    let http = aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc)).tls_context(context).build_https();
    let config = sagemaker_runtime::Config::builder()
        .endpoint_url(url)
        .region(sagemaker_runtime::config::Region::new("us-east-1"))
        .credentials_provider(sagemaker_runtime::config::Credentials::new("AKIDMOCK", "mock-secret", None, None, "test"))
        .http_client(http)
        .build();
    sagemaker_runtime::Client::from_conf(config)
}

/// A TLS connection trusting only `ca_pem`, offering `alpn`.
async fn tls_connect(addr: SocketAddr, ca_pem: &str, alpn: &[&[u8]]) -> tokio_rustls::client::TlsStream<TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    tokio::time::timeout(WAIT, tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp)).await.unwrap().unwrap()
}

/// `POST /endpoints/{name}/invocations` with a JSON body over HTTP/2 on `io`: (version,
/// status, body).
async fn invoke_h2<I>(io: I, name: &str, body: &'static str) -> (http::Version, u16, Bytes)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(io)).await.unwrap();
    tokio::spawn(conn);
    let request = http::Request::post(format!("https://127.0.0.1/endpoints/{name}/invocations"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap();
    let response = tokio::time::timeout(WAIT, sender.send_request(request)).await.unwrap().unwrap();
    let (parts, body) = response.into_parts();
    (parts.version, parts.status.as_u16(), body.collect().await.unwrap().to_bytes())
}

/// Over HTTPS: the generated client (SigV4 verified by the mock, so the request reached it as
/// signed) calls InvokeEndpoint and reads a response stream; a raw client offering ALPN h2 is
/// served HTTP/2, one offering only http/1.1 HTTP/1.1.
#[tokio::test]
async fn invoke_endpoint_over_https() {
    let certs = certs();
    let mock = MockServer::new()
        .auth(AuthConfig::new("AKIDMOCK", "mock-secret"))
        .endpoint("streamer", Behaviour::stream(StreamSpec::text("a streamed answer").part_size(4)))
        .tls(TlsConfig::from_pem(format!("{}{}", certs.chain, certs.ca), &certs.key).unwrap())
        .start()
        .await
        .unwrap();
    assert!(mock.url().starts_with("https://127.0.0.1:"), "{}", mock.url());
    let client = client(&mock.url(), &certs.ca);
    let output = client
        .invoke_endpoint()
        .endpoint_name("tls-ep")
        .content_type("application/json")
        .body(Blob::new(br#"{"inputs":[1]}"#.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(output.body().map(|b| b.as_ref()), Some(&br#"{"inputs":[1]}"#[..]));
    let recorded = mock.requests();
    assert_eq!(recorded.last().and_then(|r| r.endpoint_name.as_deref()), Some("tls-ep"));

    let mut stream = client
        .invoke_endpoint_with_response_stream()
        .endpoint_name("streamer")
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(event) = tokio::time::timeout(WAIT, stream.body.recv()).await.unwrap().unwrap() {
        if let sagemaker_runtime::types::ResponseStream::PayloadPart(part) = event {
            text.push_str(&String::from_utf8_lossy(part.bytes().map(|b| b.as_ref()).unwrap_or_default()));
        }
    }
    assert_eq!(text, "a streamed answer");

    // A client that does not trust the CA gets nowhere.
    let stranger = self::client(&mock.url(), &self::certs().ca);
    let err = stranger.invoke_endpoint().endpoint_name("tls-ep").body(Blob::new(b"{}".to_vec())).send().await.unwrap_err();
    assert!(format!("{}", aws_smithy_types::error::display::DisplayErrorContext(&err)).contains("certificate"), "{err:?}");

    // The protocol as ALPN chose it (no SigV4 on these: the mock answers 403, over that protocol).
    let addr = mock.local_addr();
    let (version, status, _) = invoke_h2(tls_connect(addr, &certs.ca, &[b"h2", b"http/1.1"]).await, "raw", "{}").await;
    assert_eq!((version, status), (http::Version::HTTP_2, 403));
    let tls = tls_connect(addr, &certs.ca, &[b"http/1.1"]).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.unwrap();
    tokio::spawn(conn);
    let request = http::Request::get("/_mock/health").header("host", "127.0.0.1").body(Full::new(Bytes::new())).unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!((response.version(), response.status().as_u16()), (http::Version::HTTP_11, 200));
    mock.stop().await.unwrap();
}

/// Without a certificate: HTTP/1.1 and h2c (HTTP/2 with prior knowledge, here the raw `h2`
/// client) on the same port, the same answers and the same request log.
#[tokio::test]
async fn invoke_endpoint_over_h2c_beside_http1() {
    let mock = MockServer::new().start().await.unwrap();
    assert!(mock.url().starts_with("http://"));
    let addr = mock.local_addr();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (client, conn) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let request = http::Request::post(format!("http://{addr}/endpoints/h2c-ep/invocations"))
        .header("content-type", "application/json")
        .header("x-amzn-sagemaker-custom-attributes", "trace=1")
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    send.send_data(Bytes::from_static(br#"{"over":"h2c"}"#), true).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.unwrap().unwrap();
    assert_eq!((response.version(), response.status().as_u16()), (http::Version::HTTP_2, 200));
    assert_eq!(response.headers()["x-amzn-sagemaker-custom-attributes"], "trace=1");
    let mut body = response.into_body();
    let mut echoed = Vec::new();
    while let Some(chunk) = tokio::time::timeout(WAIT, body.data()).await.unwrap() {
        echoed.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(echoed, br#"{"over":"h2c"}"#);
    let recorded = mock.requests();
    let last = recorded.last().unwrap();
    assert_eq!(last.endpoint_name.as_deref(), Some("h2c-ep"));
    assert_eq!(last.uri, "/endpoints/h2c-ep/invocations", "recorded as over HTTP/1.1: origin form");

    // HTTP/1.1 on the same port, and the generated client (plain HTTP: HTTP/1.1).
    let config = sagemaker_runtime::Config::builder()
        .endpoint_url(mock.url())
        .region(sagemaker_runtime::config::Region::new("us-east-1"))
        .credentials_provider(sagemaker_runtime::config::Credentials::new("AKID", "SECRET", None, None, "test"))
        .build();
    let output = sagemaker_runtime::Client::from_conf(config)
        .invoke_endpoint()
        .endpoint_name("h1-ep")
        .body(Blob::new(b"plain".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(output.body().map(|b| b.as_ref()), Some(&b"plain"[..]));
    assert_eq!(mock.requests().len(), 2);
    mock.stop().await.unwrap();
}

#[cfg(unix)]
mod binary {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    const BIN: &str = env!("CARGO_BIN_EXE_sagemaker-runtime-mock");

    /// Runs the binary with `args`; returns the child and the URL it printed.
    fn spawn(args: &[&std::ffi::OsStr], dir: &std::path::Path) -> (std::process::Child, String) {
        let mut child = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join("data"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("sagemaker-runtime-mock listening on ").unwrap_or_else(|| panic!("{line:?}")).to_string();
        (child, url)
    }

    fn stop(mut child: std::process::Child) {
        let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
        assert!(status.success());
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}");
                return;
            }
            assert!(std::time::Instant::now() < deadline, "the mock did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `--tls-cert` / `--tls-key`, and `[tls]` in a config file (paths relative to it): the
    /// binary prints an https URL and serves HTTP/2 by ALPN; bad files are refused (exit 2).
    /// (Two worker threads: the client's connections answer the server's goodbye while the
    /// test thread waits for the process.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_binary_serves_https_from_flags_or_config() {
        let certs = certs();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("certs")).unwrap();
        let (cert, key) = (dir.path().join("certs/cert.pem"), dir.path().join("certs/key.pem"));
        std::fs::write(&cert, &certs.chain).unwrap();
        std::fs::write(&key, &certs.key).unwrap();

        let (child, url) = spawn(&["--tls-cert".as_ref(), cert.as_os_str(), "--tls-key".as_ref(), key.as_os_str()], dir.path());
        let addr: SocketAddr = url.strip_prefix("https://").unwrap_or_else(|| panic!("{url}")).parse().unwrap();
        let (version, status, body) = invoke_h2(tls_connect(addr, &certs.ca, &[b"h2", b"http/1.1"]).await, "bin-ep", "{\"n\":1}").await;
        assert_eq!((version, status, &body[..]), (http::Version::HTTP_2, 200, &b"{\"n\":1}"[..]));
        stop(child);

        let config = dir.path().join("mock.toml");
        std::fs::write(&config, "[tls]\ncert = \"certs/cert.pem\"\nkey = \"certs/key.pem\"\n").unwrap();
        let (child, url) = spawn(&["--config".as_ref(), config.as_os_str()], dir.path());
        let addr: SocketAddr = url.strip_prefix("https://").unwrap_or_else(|| panic!("{url}")).parse().unwrap();
        let (version, status, _) = invoke_h2(tls_connect(addr, &certs.ca, &[b"h2"]).await, "cfg-ep", "{}").await;
        assert_eq!((version, status), (http::Version::HTTP_2, 200));
        stop(child);

        let refused = |args: &[&std::ffi::OsStr]| {
            let out = Command::new(BIN).args(["--listen", "127.0.0.1:0", "--data-dir"]).arg(dir.path().join("data")).args(args).output().unwrap();
            (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
        };
        let (code, stderr) = refused(&["--tls-cert".as_ref(), cert.as_os_str()]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("--tls-key"), "{stderr}");
        let (code, stderr) = refused(&["--tls-cert".as_ref(), key.as_os_str(), "--tls-key".as_ref(), key.as_os_str()]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("[tls]") && stderr.contains("key.pem"), "{stderr}");
    }
}
