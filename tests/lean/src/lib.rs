//! The smallest working setup of our generated client (the README's "Lean build"): the crate
//! without its default features, so neither its default HTTPS client (hyper 1 + rustls on
//! aws-lc, which needs cmake and a C compiler) nor anything of it is compiled, and an HTTPS
//! client the application chooses: here the SDK's own `aws-smithy-http-client` on rustls with
//! the `ring` crypto provider.

use sagemaker_runtime::config::{Credentials, Region, SharedHttpClient};

/// The HTTPS client this application plugs in (plain `http://` works too, for a local endpoint).
pub fn http_client() -> SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https()
}

/// A client for `region` with static credentials, calling `endpoint_url` when given; with
/// `http_client` unset, none (the crate's default client is compiled out).
pub fn client(region: &str, endpoint_url: Option<&str>, http_client: Option<SharedHttpClient>) -> sagemaker_runtime::Client {
    let mut config = sagemaker_runtime::Config::builder()
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new("AKIDLEAN", "lean-secret", None, None, "lean"));
    if let Some(url) = endpoint_url {
        config = config.endpoint_url(url);
    }
    if let Some(http_client) = http_client {
        config = config.http_client(http_client);
    }
    sagemaker_runtime::Client::from_conf(config.build())
}
