//! SigV4 auth scheme for the orchestrator, implemented directly on `aws-sigv4`.
//!
//! The scheme (id `sigv4`) signs headers: it adds `authorization`, `x-amz-date` and, for session
//! credentials, `x-amz-security-token`. The payload is hashed from the in-memory body (streaming
//! bodies are signed as `UNSIGNED-PAYLOAD`); `x-amz-content-sha256` is only added for S3.
//!
//! The signing name comes from the endpoint's `authSchemes` entry (`signingName`) or else from
//! the service's `aws.auth#sigv4` trait; the region from `signingRegion` or else the configured
//! region. `disableDoubleEncoding` and `disableNormalizePath` are honoured.

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody,
    SignableRequest, SignatureLocation, SigningParams, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::{
    AuthScheme, AuthSchemeEndpointConfig, AuthSchemeId, Sign,
};
use aws_smithy_runtime_api::client::identity::{Identity, SharedIdentityResolver};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::{GetIdentityResolver, RuntimeComponents};
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::Document;
use aws_types::region::Region;
use std::borrow::Cow;
use std::fmt;

/// Auth scheme id of SigV4 (`sigv4`), as used in endpoint `authSchemes` and by the
/// orchestrator to pick the identity resolver.
pub const SIGV4_SCHEME_ID: AuthSchemeId = AuthSchemeId::new("sigv4");

/// Per-operation SigV4 settings, stored in the config bag by [`invoke`](super::invoke).
#[derive(Clone, Debug, Default)]
pub(crate) struct SigV4OperationConfig {
    /// Signing name from the service's `aws.auth#sigv4` trait.
    pub(crate) signing_name: Option<&'static str>,
}

impl Storable for SigV4OperationConfig {
    type Storer = StoreReplace<Self>;
}

/// SigV4 [`AuthScheme`]: resolves identities registered under [`SIGV4_SCHEME_ID`] (AWS
/// credentials) and signs with [`SigV4Signer`].
#[derive(Debug, Default)]
pub struct SigV4AuthScheme {
    signer: SigV4Signer,
}

impl SigV4AuthScheme {
    /// Creates the scheme.
    pub fn new() -> Self {
        Self::default()
    }
}

impl AuthScheme for SigV4AuthScheme {
    fn scheme_id(&self) -> AuthSchemeId {
        SIGV4_SCHEME_ID
    }

    fn identity_resolver(
        &self,
        identity_resolvers: &dyn GetIdentityResolver,
    ) -> Option<SharedIdentityResolver> {
        identity_resolvers.identity_resolver(self.scheme_id())
    }

    fn signer(&self) -> &dyn Sign {
        &self.signer
    }
}

/// Signs requests with SigV4 header signing: `authorization`, `x-amz-date` and (for session
/// credentials) `x-amz-security-token`; the payload hash comes from the in-memory body.
#[derive(Debug, Default)]
pub struct SigV4Signer;

impl SigV4Signer {
    /// Creates the signer.
    pub fn new() -> Self {
        Self
    }
}

/// Why a request could not be signed. Messages name the setting to fix.
#[derive(Debug)]
#[non_exhaustive]
pub enum SigningError {
    /// The resolved identity is not AWS credentials.
    WrongIdentity,
    /// Neither the config nor the endpoint supplied a region.
    MissingRegion,
    /// Neither the service model nor the endpoint supplied a signing name.
    MissingSigningName,
    /// An endpoint `authSchemes` property had the wrong type.
    BadEndpointProperty(&'static str),
    /// A signing header could not be set on the request.
    InvalidHeader(&'static str),
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::WrongIdentity => f.write_str(
                "SigV4 signing needs AWS credentials but the resolved identity is of another type",
            ),
            SigningError::MissingRegion => f.write_str(
                "SigV4 signing needs a region: set `region` on the ClientConfigBuilder \
                 (or AWS_REGION / a profile region when loading an SdkConfig with aws-config)",
            ),
            SigningError::MissingSigningName => f.write_str(
                "SigV4 signing needs a signing name, but neither the service model (aws.auth#sigv4) \
                 nor the resolved endpoint (authSchemes.signingName) provides one",
            ),
            SigningError::BadEndpointProperty(name) => write!(
                f,
                "the resolved endpoint's sigv4 auth scheme has an invalid `{name}` property"
            ),
            SigningError::InvalidHeader(name) => {
                write!(f, "the SigV4 signature header `{name}` could not be set")
            }
        }
    }
}

impl std::error::Error for SigningError {}

fn endpoint_string(
    config: &AuthSchemeEndpointConfig<'_>,
    key: &'static str,
) -> Result<Option<String>, SigningError> {
    match config.get(key) {
        None => Ok(None),
        Some(Document::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(SigningError::BadEndpointProperty(key)),
    }
}

fn endpoint_bool(
    config: &AuthSchemeEndpointConfig<'_>,
    key: &'static str,
) -> Result<Option<bool>, SigningError> {
    match config.get(key) {
        None => Ok(None),
        Some(Document::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(SigningError::BadEndpointProperty(key)),
    }
}

fn is_s3(signing_name: &str) -> bool {
    matches!(signing_name, "s3" | "s3-outposts" | "s3-object-lambda")
}

/// Builds the aws-sigv4 settings for one request.
fn signing_settings(
    signing_name: &str,
    disable_double_encoding: Option<bool>,
    disable_normalize_path: Option<bool>,
) -> SigningSettings {
    let s3 = is_s3(signing_name);
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::Headers;
    settings.session_token_mode = SessionTokenMode::Include;
    settings.payload_checksum_kind = if s3 {
        PayloadChecksumKind::XAmzSha256
    } else {
        PayloadChecksumKind::NoHeader
    };
    settings.percent_encoding_mode = if disable_double_encoding.unwrap_or(s3) {
        PercentEncodingMode::Single
    } else {
        PercentEncodingMode::Double
    };
    settings.uri_path_normalization_mode = if disable_normalize_path.unwrap_or(s3) {
        UriPathNormalizationMode::Disabled
    } else {
        UriPathNormalizationMode::Enabled
    };
    settings
}

impl Sign for SigV4Signer {
    fn sign_http_request(
        &self,
        request: &mut HttpRequest,
        identity: &Identity,
        auth_scheme_endpoint_config: AuthSchemeEndpointConfig<'_>,
        runtime_components: &RuntimeComponents,
        config_bag: &ConfigBag,
    ) -> Result<(), BoxError> {
        if identity.data::<Credentials>().is_none() {
            return Err(SigningError::WrongIdentity.into());
        }
        let endpoint_config = &auth_scheme_endpoint_config;
        let signing_name: Cow<'_, str> = match endpoint_string(endpoint_config, "signingName")? {
            Some(name) => Cow::Owned(name),
            None => config_bag
                .load::<SigV4OperationConfig>()
                .and_then(|c| c.signing_name)
                .map(Cow::Borrowed)
                .ok_or(SigningError::MissingSigningName)?,
        };
        let region: Cow<'_, str> = match endpoint_string(endpoint_config, "signingRegion")? {
            Some(region) => Cow::Owned(region),
            None => config_bag
                .load::<Region>()
                .map(|r| Cow::Borrowed(r.as_ref()))
                .ok_or(SigningError::MissingRegion)?,
        };
        let settings = signing_settings(
            &signing_name,
            endpoint_bool(endpoint_config, "disableDoubleEncoding")?,
            endpoint_bool(endpoint_config, "disableNormalizePath")?,
        );
        let time = runtime_components.time_source().unwrap_or_default().now();
        let params = v4::SigningParams::builder()
            .identity(identity)
            .region(&region)
            .name(&signing_name)
            .time(time)
            .settings(settings)
            .build()?;
        let body = match request.body().bytes() {
            Some(bytes) => SignableBody::Bytes(bytes),
            None => SignableBody::UnsignedPayload,
        };
        let signable = SignableRequest::new(
            request.method(),
            request.uri(),
            request.headers().iter(),
            body,
        )?;
        let (instructions, signature) = sign(signable, &SigningParams::V4(params))?.into_parts();
        // An input event stream: its messages are signed in a chain from this signature.
        #[cfg(feature = "event-stream")]
        if let Some(signing) = config_bag.load::<crate::event_stream::EventStreamSigning>() {
            signing.send(crate::event_stream::SigV4MessageSigner {
                running_signature: signature.clone(),
                identity: identity.clone(),
                region: region.to_string(),
                name: signing_name.to_string(),
                time: runtime_components.time_source().unwrap_or_default(),
            });
        }
        #[cfg(not(feature = "event-stream"))]
        let _ = signature;
        let (headers, _query) = instructions.into_parts();
        for header in headers {
            request
                .headers_mut()
                .try_insert(header.name(), header.value().to_string())
                .map_err(|_| SigningError::InvalidHeader(header.name()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_follow_service_and_endpoint_flags() {
        let s = signing_settings("sagemaker", None, None);
        assert_eq!(s.payload_checksum_kind, PayloadChecksumKind::NoHeader);
        assert_eq!(s.percent_encoding_mode, PercentEncodingMode::Double);
        assert_eq!(
            s.uri_path_normalization_mode,
            UriPathNormalizationMode::Enabled
        );
        let s = signing_settings("sagemaker", Some(true), Some(true));
        assert_eq!(s.percent_encoding_mode, PercentEncodingMode::Single);
        assert_eq!(
            s.uri_path_normalization_mode,
            UriPathNormalizationMode::Disabled
        );
        let s = signing_settings("s3", None, None);
        assert_eq!(s.payload_checksum_kind, PayloadChecksumKind::XAmzSha256);
        assert_eq!(s.percent_encoding_mode, PercentEncodingMode::Single);
    }
}
