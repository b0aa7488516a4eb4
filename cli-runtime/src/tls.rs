//! HTTPS trust as the AWS CLI configures it: `--ca-bundle` (else `AWS_CA_BUNDLE`, else the
//! profile's `ca_bundle`) trusts that PEM bundle's CAs and nothing else; `--no-verify-ssl`
//! accepts any certificate and warns on stderr, once per host, with urllib3's words.
//!
//! A bundle goes through the SDK's own HTTP client (`aws-smithy-http-client`, rustls with
//! aws-lc, a `TrustStore` holding only the bundle), so everything else about connections stays
//! the SDK's. No verification cannot be said through that client's API, so `--no-verify-ssl` uses
//! a hyper client over `hyper-rustls` with a certificate verifier that accepts any chain but
//! still checks the handshake signatures (the connection is encrypted, its peer unchecked).

use crate::error::CliError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The TLS options of the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct TlsOptions<'a> {
    /// `--no-verify-ssl`.
    pub no_verify_ssl: bool,
    /// `--ca-bundle`.
    pub ca_bundle: Option<&'a str>,
    /// `--profile`, whose `ca_bundle` applies when no bundle is given otherwise.
    pub profile: Option<&'a str>,
    /// `--cli-connect-timeout`, in seconds (`0`: none).
    pub connect_timeout: Option<u64>,
}

/// The HTTP client the options ask for, or `None` for the SDK's default one.
pub async fn http_client(g: TlsOptions<'_>) -> Result<Option<SharedHttpClient>, CliError> {
    if g.no_verify_ssl {
        return Ok(Some(SharedHttpClient::new(Insecure::new(g.connect_timeout)?)));
    }
    let Some(path) = ca_bundle(g).await else { return Ok(None) };
    let pem = std::fs::read(&path).map_err(|e| CliError::environment(format!("Unable to read the CA bundle {path}: {e}")))?;
    // The SDK's trust store takes PEM unchecked and would panic on a bad one: check it first, the
    // way rustls will read it.
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::environment(format!("The CA bundle {path} is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(CliError::environment(format!("The CA bundle {path} holds no certificate (expected PEM `-----BEGIN CERTIFICATE-----` blocks)")));
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| CliError::environment(format!("The CA bundle {path} holds a certificate that cannot be a trust anchor: {e}")))?;
    }
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(pem))
        .build()
        .map_err(|e| CliError::environment(format!("CA bundle {path}: {e}")))?;
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https();
    Ok(Some(client))
}

/// The CA bundle to trust: `--ca-bundle`, else `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
async fn ca_bundle(g: TlsOptions<'_>) -> Option<String> {
    if let Some(path) = g.ca_bundle {
        return Some(path.to_string());
    }
    if let Some(path) = std::env::var("AWS_CA_BUNDLE").ok().filter(|p| !p.is_empty()) {
        return Some(path);
    }
    use aws_types::os_shim_internal::{Env, Fs};
    let profiles = aws_config::profile::load(&Fs::real(), &Env::real(), &Default::default(), g.profile.map(|p| p.to_string().into())).await.ok()?;
    profiles.get("ca_bundle").filter(|p| !p.is_empty()).map(str::to_string)
}

/// A certificate verifier that accepts any server certificate; handshake signatures are still
/// checked with the crypto provider's algorithms.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(&self, _: &CertificateDer<'_>, _: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

type HyperClient = hyper_util::client::legacy::Client<hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>, SdkBody>;

/// `--no-verify-ssl`: a hyper client whose TLS accepts any certificate.
#[derive(Debug, Clone)]
struct Insecure {
    client: HyperClient,
    /// Hosts already warned about.
    warned: Arc<Mutex<HashSet<String>>>,
}

impl Insecure {
    fn new(connect_timeout: Option<u64>) -> Result<Self, CliError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| CliError::client(format!("TLS configuration: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
            .with_no_client_auth();
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(match connect_timeout {
            Some(0) => None,
            Some(s) => Some(Duration::from_secs(s)),
            None => Some(Duration::from_secs(60)),
        });
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config).https_or_http().enable_http1().wrap_connector(http);
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(https);
        Ok(Insecure { client, warned: Arc::default() })
    }

    /// urllib3's warning, which the AWS CLI prints for every unverified host.
    fn warn(&self, uri: &http::Uri) {
        if uri.scheme_str() != Some("https") {
            return;
        }
        let host = uri.host().unwrap_or_default().to_string();
        if self.warned.lock().map(|mut w| w.insert(host.clone())).unwrap_or(false) {
            eprintln!(
                "InsecureRequestWarning: Unverified HTTPS request is being made to host '{host}'. Adding certificate verification is strongly advised. See: https://urllib3.readthedocs.io/en/latest/advanced-usage.html#tls-warnings"
            );
        }
    }
}

impl HttpClient for Insecure {
    fn http_connector(&self, settings: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(InsecureConnector { client: self.clone(), read_timeout: settings.read_timeout() })
    }
}

#[derive(Debug)]
struct InsecureConnector {
    client: Insecure,
    /// Longest wait for the response to start (as the SDK's connector applies it).
    read_timeout: Option<Duration>,
}

impl HttpConnector for InsecureConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(e) => return HttpConnectorFuture::ready(Err(ConnectorError::user(e.into()))),
        };
        self.client.warn(request.uri());
        let response = self.client.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, response)
                    .await
                    .map_err(|_| ConnectorError::timeout(format!("HTTP read timeout occurred after {limit:?}").into()))?,
                None => response.await,
            };
            let response = response.map_err(|e| if e.is_connect() { ConnectorError::io(e.into()) } else { ConnectorError::other(e.into(), None) })?;
            let response = response.map(SdkBody::from_body_1_x);
            aws_smithy_runtime_api::http::Response::try_from(response).map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}
