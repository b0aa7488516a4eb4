//! The server over HTTPS: a certificate made at test time (rcgen), a client trusting only its
//! CA (tokio-rustls), and the protocol ALPN chose: `h2` gets HTTP/2, `http/1.1` or no ALPN
//! HTTP/1.1. Also: certificate loading errors, the handshake timeout, plain HTTP on the TLS
//! port, and HTTP/2 turned off.
#![cfg(feature = "server")]

use crate::h2_support;

use bytes::Bytes;
use h2_support::*;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use smithygen_runtime::server::{ServerConfig, TlsConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// A CA and a server certificate for 127.0.0.1 and localhost signed by it, as PEM.
struct Certs {
    ca_pem: String,
    chain_pem: String,
    key_pem: String,
}

fn certs() -> Certs {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "smithygen test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    Certs { ca_pem: ca.pem(), chain_pem: format!("{}{}", cert.pem(), ca.pem()), key_pem: key.serialize_pem() }
}

fn tls_config(certs: &Certs) -> ServerConfig {
    let mut config = quick_config();
    config.tls = Some(TlsConfig::from_pem(&certs.chain_pem, &certs.key_pem).unwrap());
    config
}

/// A TLS connection to `addr` trusting only the test CA, offering `alpn`; returns the stream
/// and the protocol the server chose.
async fn connect(addr: SocketAddr, ca_pem: &str, alpn: &[&[u8]]) -> (tokio_rustls::client::TlsStream<TcpStream>, Option<Vec<u8>>) {
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
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let tls = tokio::time::timeout(WAIT, connector.connect(name, tcp)).await.unwrap().unwrap();
    let chosen = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    (tls, chosen)
}

/// `GET /hello` over an established connection, as HTTP/2 or HTTP/1.1: (version, status, body).
async fn hello(tls: tokio_rustls::client::TlsStream<TcpStream>, http2: bool) -> (http::Version, u16, String) {
    let io = TokioIo::new(tls);
    let response = if http2 {
        let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io).await.unwrap();
        tokio::spawn(conn);
        let req = http::Request::get("https://127.0.0.1/hello").body(Empty::<Bytes>::new()).unwrap();
        tokio::time::timeout(WAIT, sender.send_request(req)).await.unwrap().unwrap()
    } else {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(conn);
        let req = http::Request::get("/hello").header("host", "127.0.0.1").body(Empty::<Bytes>::new()).unwrap();
        tokio::time::timeout(WAIT, sender.send_request(req)).await.unwrap().unwrap()
    };
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (parts.version, parts.status.as_u16(), String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn alpn_chooses_http2_or_http1() {
    let certs = certs();
    let server = router(tls_config(&certs)).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    assert_eq!(server.url(), format!("https://{addr}"));

    let (tls, chosen) = connect(addr, &certs.ca_pem, &[b"h2", b"http/1.1"]).await;
    assert_eq!(chosen.as_deref(), Some(&b"h2"[..]));
    assert_eq!(hello(tls, true).await, (http::Version::HTTP_2, 200, "hello".into()));

    let (tls, chosen) = connect(addr, &certs.ca_pem, &[b"http/1.1"]).await;
    assert_eq!(chosen.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(hello(tls, false).await, (http::Version::HTTP_11, 200, "hello".into()));

    let (tls, chosen) = connect(addr, &certs.ca_pem, &[]).await;
    assert_eq!(chosen, None);
    assert_eq!(hello(tls, false).await, (http::Version::HTTP_11, 200, "hello".into()));

    // Without ALPN, HTTP/2 is not spoken over TLS (RFC 9113 requires ALPN there).
    let (tls, _) = connect(addr, &certs.ca_pem, &[]).await;
    let io = TokioIo::new(tls);
    let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io).await.unwrap();
    tokio::spawn(conn);
    let req = http::Request::get("https://127.0.0.1/hello").body(Empty::<Bytes>::new()).unwrap();
    assert!(tokio::time::timeout(WAIT, sender.send_request(req)).await.unwrap().is_err());
    server.shutdown().await.unwrap();
}

/// Over TLS the duplex route works as over h2c: each chunk answered while the request is open.
#[tokio::test]
async fn a_streaming_route_is_full_duplex_over_tls_h2() {
    let certs = certs();
    let server = router(tls_config(&certs)).start("127.0.0.1:0").await.unwrap();
    let (tls, _) = connect(server.local_addr(), &certs.ca_pem, &[b"h2"]).await;
    let (client, conn) = h2::client::handshake(tls).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let (response, mut send) = client.send_request(http::Request::post("https://127.0.0.1/duplex").body(()).unwrap(), false).unwrap();
    send.send_data(Bytes::from_static(b"one"), false).unwrap();
    let mut body = tokio::time::timeout(WAIT, response).await.unwrap().unwrap().into_body();
    let first = tokio::time::timeout(WAIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(first, "ack:one");
    send.send_data(Bytes::from_static(b"two"), true).unwrap();
    let second = tokio::time::timeout(WAIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(second, "ack:two");
    server.shutdown().await.unwrap();
}

/// A client that opens TCP and never finishes the handshake is disconnected after the header
/// read timeout; plain HTTP on the TLS port gets no answer but a closed connection; an
/// untrusting client fails its handshake. The server serves on.
#[tokio::test]
async fn bad_tls_clients_are_disconnected() {
    let certs = certs();
    let mut config = tls_config(&certs);
    config.header_read_timeout = Duration::from_millis(500);
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();

    let mut silent = TcpStream::connect(addr).await.unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(WAIT, silent.read_to_end(&mut buf)).await.expect("closed within the header timeout");
    assert!(buf.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());

    let mut plain = TcpStream::connect(addr).await.unwrap();
    plain.write_all(b"GET /hello HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(WAIT, plain.read_to_end(&mut buf)).await.expect("closed");
    assert!(!String::from_utf8_lossy(&buf).contains("hello"));

    let other = self::certs().ca_pem; // another CA
    let tcp = TcpStream::connect(addr).await.unwrap();
    let untrusting = {
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        roots.add(rustls::pki_types::CertificateDer::from_pem_slice(other.as_bytes()).unwrap()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    };
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    assert!(tokio::time::timeout(WAIT, untrusting.connect(name, tcp)).await.unwrap().is_err());

    let (tls, _) = connect(addr, &certs.ca_pem, &[b"h2", b"http/1.1"]).await;
    assert_eq!(hello(tls, true).await.1, 200);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_http2_off_alpn_offers_only_http1() {
    let certs = certs();
    let mut config = tls_config(&certs);
    config.http2.enabled = false;
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let (tls, chosen) = connect(server.local_addr(), &certs.ca_pem, &[b"h2", b"http/1.1"]).await;
    assert_eq!(chosen.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(hello(tls, false).await, (http::Version::HTTP_11, 200, "hello".into()));
    server.shutdown().await.unwrap();
}

#[test]
fn certificates_load_from_pem_files_der_and_fail_with_the_reason() {
    let certs = certs();
    let dir = std::env::temp_dir().join(format!("smithygen-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, &certs.chain_pem).unwrap();
    std::fs::write(&key_path, &certs.key_pem).unwrap();
    let loaded = TlsConfig::from_pem_files(&cert_path, &key_path).unwrap();
    assert!(format!("{loaded:?}").contains("certificates: 2"), "{loaded:?}");

    let missing = TlsConfig::from_pem_files(dir.join("nope.pem"), &key_path).unwrap_err();
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    assert!(missing.to_string().contains("nope.pem"), "{missing}");

    let no_cert = TlsConfig::from_pem("not a certificate", &certs.key_pem).unwrap_err();
    assert_eq!(no_cert.kind(), std::io::ErrorKind::InvalidData);
    assert!(no_cert.to_string().contains("no CERTIFICATE"), "{no_cert}");
    let no_key = TlsConfig::from_pem(&certs.chain_pem, "-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----\n").unwrap_err();
    assert_eq!(no_key.kind(), std::io::ErrorKind::InvalidData, "{no_key}");
    let other_key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let mismatch = TlsConfig::from_pem(&certs.chain_pem, other_key).unwrap_err();
    assert!(mismatch.to_string().contains("not usable"), "{mismatch}");

    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().self_signed(&key).unwrap();
    assert!(TlsConfig::from_der(vec![cert.der().to_vec()], key.serialize_der()).is_ok());
    assert!(TlsConfig::from_der(vec![], key.serialize_der()).is_err());
    assert!(TlsConfig::from_der(vec![cert.der().to_vec()], vec![1, 2, 3]).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
