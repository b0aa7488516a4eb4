//! Configuration errors reported by [`invoke`](super::invoke) before anything is sent.
//!
//! They surface as `SdkError::ConstructionFailure`, and each message names the setting to fix.

use std::fmt;

/// A call could not be made because the configuration is incomplete or the service metadata
/// is invalid.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The service requires SigV4 but no credentials provider is configured.
    MissingCredentials {
        /// `sdk_id` of the service.
        service: &'static str,
    },
    /// The service requires SigV4 but no region is configured.
    MissingRegion {
        /// `sdk_id` of the service.
        service: &'static str,
    },
    /// The service has no endpoint rule set and no `endpoint_url` is configured.
    MissingEndpoint {
        /// `sdk_id` of the service.
        service: &'static str,
    },
    /// `request_min_compression_size_bytes` is above the allowed 10485760 (10 MiB); reported by
    /// calls of operations that support request compression.
    InvalidRequestMinCompressionSize {
        /// The configured value.
        value: u32,
    },
    /// The endpoint parameters of a call could not be built into the service's typed
    /// parameters (e.g. a region that is not a valid host label).
    InvalidEndpointParams {
        /// `sdk_id` of the service.
        service: &'static str,
        /// Why, as the typed parameters' builder says it.
        message: String,
    },
    /// `validate_input` is on but the generated crate was built without its `validate`
    /// feature, so it has no validators to run.
    InputValidationUnavailable {
        /// The generated crate's name.
        crate_name: &'static str,
    },
    /// A runtime component could not be set up (a bug in this runtime).
    Internal {
        /// What failed.
        message: String,
    },
    /// The operation needs a part of this runtime that was compiled out: its Cargo feature is
    /// off (a generated crate turns on the features its model needs, so this is a generator bug
    /// or a hand-written caller's missing feature).
    MissingFeature {
        /// The operation's name.
        operation: &'static str,
        /// The Cargo feature of `smithygen-runtime` that provides it.
        feature: &'static str,
    },
    /// The service's endpoint rule set could not be parsed (a generator or model bug).
    InvalidRuleSet {
        /// `sdk_id` of the service.
        service: &'static str,
        /// Why parsing failed.
        message: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingCredentials { service } => write!(
                f,
                "{service} requests must be signed but no credentials provider is configured: \
                 set `credentials_provider` on the ClientConfigBuilder, or build the config from \
                 an SdkConfig loaded with aws-config (environment, profile, SSO, IMDS...)"
            ),
            ConfigError::MissingRegion { service } => write!(
                f,
                "{service} requests must be signed for a region but none is configured: \
                 set `region` on the ClientConfigBuilder, or AWS_REGION / a profile region when \
                 loading an SdkConfig with aws-config"
            ),
            ConfigError::MissingEndpoint { service } => write!(
                f,
                "{service} has no endpoint rule set, so an endpoint URL is required: \
                 set `endpoint_url` on the ClientConfigBuilder"
            ),
            ConfigError::InputValidationUnavailable { crate_name } => write!(
                f,
                "validate_input is on, but {crate_name} was built without its `validate` feature, \
                 so the input cannot be checked: add `features = [\"validate\"]` to its dependency \
                 in Cargo.toml, or turn validate_input off"
            ),
            ConfigError::InvalidRequestMinCompressionSize { value } => write!(
                f,
                "request_min_compression_size_bytes is {value}, but must be between 0 and 10485760 \
                 (10 MiB): fix it on the ClientConfigBuilder, or AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES \
                 / the profile's request_min_compression_size_bytes"
            ),
            ConfigError::InvalidEndpointParams { service, message } => write!(
                f,
                "the endpoint parameters of this {service} call are invalid: {message}"
            ),
            ConfigError::Internal { message } => write!(f, "internal error: {message}"),
            ConfigError::MissingFeature { operation, feature } => write!(
                f,
                "{operation} needs smithygen-runtime's Cargo feature `{feature}`, which is not enabled"
            ),
            ConfigError::InvalidRuleSet { service, message } => write!(
                f,
                "the endpoint rule set of {service} is invalid: {message}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
