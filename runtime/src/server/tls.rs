//! HTTPS: a certificate chain and its private key, served with rustls (the aws-lc-rs provider,
//! as the SDK's HTTPS client uses it) and ALPN offering `h2` and `http/1.1`.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The ALPN protocol id of HTTP/2.
pub(crate) const ALPN_H2: &[u8] = b"h2";
/// The ALPN protocol id of HTTP/1.1.
pub(crate) const ALPN_HTTP11: &[u8] = b"http/1.1";

/// A certificate chain and private key to serve HTTPS with
/// ([`ServerConfig::tls`](super::ServerConfig::tls)).
///
/// Connections then negotiate TLS 1.3 or 1.2 (rustls' safe defaults, aws-lc-rs crypto) and, by
/// ALPN, HTTP/2 (`h2`) or HTTP/1.1 (`http/1.1`, also what a client offering no ALPN gets).
/// The key must match the first certificate, the server's own; the rest of the chain
/// (intermediates) follows it. Checked when the value is made, so serving cannot fail on it.
///
/// ```no_run
/// # fn run() -> std::io::Result<()> {
/// use smithygen_runtime::server::{Router, ServerConfig, TlsConfig};
///
/// let mut config = ServerConfig::default();
/// config.tls = Some(TlsConfig::from_pem_files("cert.pem", "key.pem")?);
/// let router = Router::new().with_config(config); // its ServerHandle::url() is https://...
/// # let _ = router;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TlsConfig {
    server: Arc<rustls::ServerConfig>,
    certificates: usize,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig").field("certificates", &self.certificates).finish_non_exhaustive()
    }
}

impl TlsConfig {
    /// From PEM text: `cert_chain` holds one or more `CERTIFICATE` sections (the server's
    /// first), `private_key` one `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or
    /// `EC PRIVATE KEY` (SEC1) section.
    ///
    /// Fails (`InvalidData`, naming the problem) on a chain without certificates, a missing or
    /// unreadable key, or a key that does not belong to the certificate.
    pub fn from_pem(cert_chain: impl AsRef<[u8]>, private_key: impl AsRef<[u8]>) -> io::Result<Self> {
        Self::from_pem_named(cert_chain.as_ref(), private_key.as_ref(), "the certificate chain", "the private key")
    }

    /// From PEM files, as [`from_pem`](Self::from_pem); errors name the file.
    pub fn from_pem_files(cert_chain: impl AsRef<Path>, private_key: impl AsRef<Path>) -> io::Result<Self> {
        let (cert_path, key_path) = (cert_chain.as_ref(), private_key.as_ref());
        let read = |path: &Path, what: &str| {
            std::fs::read(path).map_err(|e| io::Error::new(e.kind(), format!("TLS {what} {}: {e}", path.display())))
        };
        let cert = read(cert_path, "certificate chain")?;
        let key = read(key_path, "private key")?;
        Self::from_pem_named(
            &cert,
            &key,
            &format!("certificate chain {}", cert_path.display()),
            &format!("private key {}", key_path.display()),
        )
    }

    /// From DER: the certificates (the server's first) and the private key (PKCS#8, PKCS#1 or
    /// SEC1, told apart by their structure).
    pub fn from_der(cert_chain: Vec<Vec<u8>>, private_key: Vec<u8>) -> io::Result<Self> {
        let chain: Vec<CertificateDer<'static>> = cert_chain.into_iter().map(CertificateDer::from).collect();
        let key = PrivateKeyDer::try_from(private_key).map_err(|e| invalid(format!("TLS private key: {e}")))?;
        Self::build(chain, key)
    }

    fn from_pem_named(cert: &[u8], key: &[u8], cert_name: &str, key_name: &str) -> io::Result<Self> {
        let chain = CertificateDer::pem_slice_iter(cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("TLS {cert_name}: {e}")))?;
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| invalid(format!("TLS {key_name}: {e}")))?;
        Self::build(chain, key).map_err(|e| invalid(format!("{e} ({cert_name}, {key_name})")))
    }

    fn build(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> io::Result<Self> {
        if chain.is_empty() {
            return Err(invalid("TLS certificate chain: no CERTIFICATE found".into()));
        }
        let certificates = chain.len();
        // The provider named explicitly: rustls' process-wide default is ambiguous (and its
        // builder panics) when a build also enables the `ring` provider.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(format!("TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| invalid(format!("TLS certificate and key not usable: {e}")))?;
        server.alpn_protocols = vec![ALPN_H2.to_vec(), ALPN_HTTP11.to_vec()];
        Ok(TlsConfig { server: Arc::new(server), certificates })
    }

    /// The acceptor for a listener: ALPN offers `h2` only when HTTP/2 is on.
    pub(crate) fn acceptor(&self, http2: bool) -> tokio_rustls::TlsAcceptor {
        if http2 {
            return tokio_rustls::TlsAcceptor::from(self.server.clone());
        }
        let mut server = (*self.server).clone();
        server.alpn_protocols = vec![ALPN_HTTP11.to_vec()];
        tokio_rustls::TlsAcceptor::from(Arc::new(server))
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
