//! Client configuration: [`ClientConfigBuilder`] (AWS SDK style setters) and the immutable,
//! cheaply cloneable [`ClientConfig`] it builds.
//!
//! A `ClientConfig` owns everything that must be shared by every call made with it: the HTTP
//! client (and therefore its connection pool), the identity cache (so credentials from SSO, IMDS,
//! STS... are resolved once and reused), and the runtime plugins handed to the orchestrator.
//!
//! Every setting is declared once, as one row of the settings table (the `client_settings!`
//! invocation below): the row gives its builder and resolved types, how it merges, its default,
//! where an `SdkConfig` carries it, its builder setters and its getter. Everything else about
//! the setting (the builder field, `merge`, `From<&SdkConfig>`, the resolved `Settings` field
//! that calls read, `to_builder`) is produced from that row.

use super::idempotency::IdempotencyTokenProvider;
use super::interceptors::AttemptTracingInterceptor;
use super::{AcceptsEndpointResolver, AnyService, Service};
use crate::protocol::compression::DEFAULT_MIN_COMPRESSION_SIZE_BYTES;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::auth::sigv4::{SigV4AuthScheme, SCHEME_ID as SIGV4_SCHEME_ID};
use aws_runtime::invocation_id::{
    InvocationIdGenerator, InvocationIdInterceptor, SharedInvocationIdGenerator,
};
use aws_runtime::recursion_detection::RecursionDetectionInterceptor;
use aws_runtime::request_info::RequestInfoInterceptor;
use aws_runtime::service_clock_skew::{DisableClockSkewCorrection, ServiceClockSkewInterceptor};
use aws_runtime::user_agent::UserAgentInterceptor;
use aws_smithy_async::rt::sleep::{default_async_sleep, AsyncSleep, SharedAsyncSleep};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use aws_smithy_runtime::client::auth::no_auth::{NoAuthScheme, NO_AUTH_SCHEME_ID};
use aws_smithy_runtime::client::defaults::{default_plugins, DefaultPluginParams};
use aws_smithy_runtime::client::http::connection_poisoning::ConnectionPoisoningInterceptor;
use aws_smithy_runtime::client::identity::no_auth::NoAuthIdentityResolver;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::retries::classifiers::HttpStatusCodeClassifier;
use aws_smithy_runtime::client::retries::strategy::StandardRetryStrategy;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime::client::stalled_stream_protection::StalledStreamProtectionInterceptor;
use aws_smithy_runtime_api::client::auth::{
    AuthScheme, AuthSchemePreference, SharedAuthScheme, SharedAuthSchemeOptionResolver,
};
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::endpoint::SharedEndpointResolver;
use aws_smithy_runtime_api::client::http::{HttpClient, SharedHttpClient};
use aws_smithy_runtime_api::client::identity::{
    ResolveCachedIdentity, SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, SharedRetryClassifier};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::{
    RuntimePlugin, SharedRuntimePlugin, StaticRuntimePlugin,
};
use aws_smithy_runtime_api::client::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::config_bag::Layer;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::telemetry::RequestedTelemetryAttributes;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::app_name::AppName;
use aws_types::region::{Region, SigningRegion};
use aws_types::sdk_ua_metadata::FrameworkMetadata;
use aws_types::SdkConfig;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// Default connect timeout: 3.1 s, the value the AWS SDKs use (slightly above a TCP SYN
/// retransmit at 3 s, so one lost SYN does not fail the attempt).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// Default read timeout (time from sending the request until the first byte of the response):
/// 75 s.
///
/// Model-hosting APIs such as SageMaker `InvokeEndpoint` legitimately take up to 60 s before the
/// service answers; 15 s of headroom covers uploading the request body and service overhead. A
/// server that accepts the connection but never answers is therefore abandoned after 75 s per
/// attempt instead of hanging the caller forever.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(75);

/// Name of the retry partition shared by default plugins; each call then selects the
/// partition of its own service (its `sdk_id`), so retry quotas are per service.
const BASE_RETRY_PARTITION: &str = "smithygen";

/// The timeout configuration used when none (or only part of one) is configured.
///
/// See [`ClientConfigBuilder::timeout_config`] for the reasoning.
pub fn default_timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .read_timeout(DEFAULT_READ_TIMEOUT)
        .disable_operation_timeout()
        .disable_operation_attempt_timeout()
        .build()
}

/// Builder for [`ClientConfig`], with AWS SDK style `foo(self, v) -> Self` /
/// `set_foo(&mut self, Option<..>) -> &mut Self` setter pairs.
///
/// Every field is optional: [`build`](Self::build) fills in defaults, and
/// [`merge`](Self::merge) layers only the fields that are set, which is how a per-call override
/// (a `.customize()`-style builder passed to [`invoke`](super::invoke)) is applied.
///
/// `S` is the service the configuration is for: a generated crate's `config::Builder` is
/// `ClientConfigBuilder<its service>`, which is what lets
/// [`endpoint_resolver`](Self::endpoint_resolver) take that crate's own
/// `config::endpoint::ResolveEndpoint`. It is a type-level tag only: the settings are the same
/// for every `S`; [`AnyService`] (the default) is a configuration not tied to one service
/// (tests, shared tooling), and [`for_service`](Self::for_service) re-tags one.
pub struct ClientConfigBuilder<S = AnyService> {
    fields: BuilderFields,
    _service: PhantomData<fn() -> S>,
}

impl<S> Clone for ClientConfigBuilder<S> {
    fn clone(&self) -> Self {
        Self::with_fields(self.fields.clone())
    }
}

impl<S> Default for ClientConfigBuilder<S> {
    fn default() -> Self {
        Self::with_fields(BuilderFields::default())
    }
}

impl<S> std::fmt::Debug for ClientConfigBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfigBuilder")
            .field("service", &std::any::type_name::<S>())
            .field("settings", &self.fields)
            .finish()
    }
}

/// The builder's methods that are not one setting's (those are in the settings table).
impl<S> ClientConfigBuilder<S> {
    /// Creates an empty builder (every setting left at its default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Test defaults, as the official SDK crates' `with_test_defaults` (feature `test-util`
    /// there): a fixed clock (2009-02-13T23:31:30Z), fixed test credentials, the latest behavior
    /// version and a fixed idempotency token. Used by `aws-smithy-mocks`' `mock_client!`.
    pub fn with_test_defaults(mut self) -> Self {
        self.apply_test_defaults();
        self
    }

    /// In-place form of [`with_test_defaults`](Self::with_test_defaults).
    pub fn apply_test_defaults(&mut self) -> &mut Self {
        self.set_time_source(Some(SharedTimeSource::new(
            aws_smithy_async::time::StaticTimeSource::new(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890),
            ),
        )));
        self.set_credentials_provider(Some(SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new(
                "ANOTREAL",
                "notrealrnrELgWzOk3IfjzDKtFBhDby",
                Some("notarealsessiontoken".to_string()),
                None,
                "test",
            ),
        )));
        self.set_behavior_version(Some(BehaviorVersion::latest()));
        self.set_idempotency_token_provider(Some("00000000-0000-4000-8000-000000000000".into()));
        self
    }

    /// [`with_test_defaults`](Self::with_test_defaults), and region `us-east-1` when none is
    /// set (the official crates' `with_test_defaults_v2`).
    pub fn with_test_defaults_v2(mut self) -> Self {
        self.apply_test_defaults_v2();
        self
    }

    /// In-place form of [`with_test_defaults_v2`](Self::with_test_defaults_v2).
    pub fn apply_test_defaults_v2(&mut self) -> &mut Self {
        self.apply_test_defaults();
        if self.fields.region.is_none() {
            self.fields.region = Some(Region::new("us-east-1"));
        }
        self
    }

    /// The same settings for another service type (the settings do not depend on it).
    pub fn for_service<T>(self) -> ClientConfigBuilder<T> {
        ClientConfigBuilder::with_fields(self.fields)
    }

    fn with_fields(fields: BuilderFields) -> Self {
        Self { fields, _service: PhantomData }
    }

    /// Layers every setting that is set in `other` on top of `self`: most replace the
    /// builder's, lists (interceptors, auth schemes, ...) are appended, `allow_no_auth` stays
    /// on once on, and a timeout configuration overrides only the timeouts it sets.
    // Each setting as its row's `merge` says.
    pub fn merge(&mut self, other: &ClientConfigBuilder<S>) -> &mut Self {
        self.fields.merge_from(&other.fields);
        self
    }

    /// Builds the immutable [`ClientConfig`], filling in defaults. Never fails: missing
    /// credentials or region are reported by the call that needs them.
    pub fn build(self) -> ClientConfig<S> {
        let default_http_client = self.fields.http_client.is_none();
        self.build_inner(None, false, default_http_client)
    }

    /// `reuse`: the default plugins of a config built with the same behavior version, so a
    /// per-call override does not rebuild them, and its metrics plugin when `keep_metrics`.
    /// `default_http_client`: the HTTP client is the default one (not set by the user), so
    /// `http2_prior_knowledge` may route calls to its HTTP/2 client.
    fn build_inner(self, reuse: Option<&ClientConfigInner>, keep_metrics: bool, default_http_client: bool) -> ClientConfig<S> {
        let build = BuildContext::new(self.fields.behavior_version, reuse);
        let settings = Settings::resolve(self.fields, &build);
        // Shared with the config this one overrides: one HTTP/2 client and pool for both.
        let http2_client = reuse.map(|prev| prev.http2_client.clone()).unwrap_or_default();
        let client_plugin = settings.client_plugin();
        // The metrics plugin times calls with the time source: kept unless that changed.
        let metrics = std::sync::OnceLock::new();
        if let Some((scope, plugin)) = reuse.filter(|_| keep_metrics).and_then(|prev| prev.metrics.get()) {
            let _ = metrics.set((*scope, plugin.clone()));
        }
        ClientConfig::with_inner(Arc::new(ClientConfigInner {
            settings,
            defaults: build.default_plugins,
            client_plugin,
            metrics,
            default_http_client,
            http2_client,
            prepared: Default::default(),
        }))
    }
}

/// What building a config decides before any setting is resolved, for the defaults that
/// depend on it (a row's `default(|build| ..)` or `fallback(|build| ..)`).
struct BuildContext {
    /// The behavior version set, else the latest. Decided first because it selects
    /// aws-smithy-runtime's default plugins.
    behavior_version: BehaviorVersion,
    /// aws-smithy-runtime's default plugins for that behavior version: built once per config
    /// and reused by per-call overrides.
    default_plugins: Arc<[SharedRuntimePlugin]>,
}

impl BuildContext {
    fn new(behavior_version: Option<BehaviorVersion>, reuse: Option<&ClientConfigInner>) -> Self {
        let behavior_version = behavior_version.unwrap_or_else(BehaviorVersion::latest);
        let default_plugins = match reuse {
            Some(prev) if prev.settings.behavior_version == behavior_version => prev.defaults.clone(),
            _ => default_plugins(
                DefaultPluginParams::new()
                    .with_retry_partition_name(BASE_RETRY_PARTITION)
                    .with_behavior_version(behavior_version)
                    .with_is_aws_sdk(true),
            )
            .into_iter()
            .collect(),
        };
        Self { behavior_version, default_plugins }
    }

    /// The HTTP client the default plugins created. Taken from them (not created anew) so the
    /// config, its clones and `to_builder()` all share one client and its connection pool.
    fn default_http_client(&self) -> Option<SharedHttpClient> {
        self.default_plugins.iter().find_map(|plugin| {
            plugin
                .runtime_components(&RuntimeComponentsBuilder::new("probe"))
                .http_client()
        })
    }
}

/// Declares the client settings, one row each, and produces from the rows everything a setting
/// needs: the [`ClientConfigBuilder`] field and setters, its part of `merge`, of
/// `From<&SdkConfig>`, of the resolved [`Settings`] (what calls read) and of `to_builder`, and
/// its [`ClientConfig`] getter. A row:
///
/// ```text
/// name: BuilderType {
///     merge: replace | append | flag | fieldwise,
///     resolved: ResolvedType = as_set | default(..) | fallback(..) | fieldwise(..),
///     from_sdk: |sdk| expression,             // optional: read by `From<&SdkConfig>`
///     builder { setters }
///     config { getter }
/// }
/// ```
///
/// - `merge` names the function of the [`merge`] module that layers an override's value onto
///   a builder's.
/// - `resolved` says what `build` makes of the builder value (the arms of `@resolve` below):
///   `as_set` keeps it; `default(e)` unwraps it, `e` when unset; `fallback(e)` keeps the
///   `Option`, `e` (an `Option`) when unset; `fieldwise(e)` fills in the parts left unset from
///   `e`. A default written `|build| e` reads the [`BuildContext`]. `to_builder` gives back the
///   resolved value, so a config rebuilt from it keeps what was resolved once (the HTTP client,
///   the identity cache).
/// - `builder` setters (the receiver is added): `fn name(params) => in_place(args);` is a
///   fluent setter calling the in-place one; `set fn set_name(name: BuilderType);` replaces the
///   value; `push fn push_name(item: Item);` and `set_all fn set_names(items: impl
///   IntoIterator<Item = Item>);` add to or replace a list; `hand_written { .. }` holds setters
///   of any other shape, as ordinary methods.
/// - `config` getter: `fn name() -> Type = |value| expression;`, `value` being the resolved
///   setting; `where S: Service` after the type puts it in `impl<S: Service>`, for a getter
///   that needs the service. A setting with no getter is read by the runtime only.
macro_rules! client_settings {
    (
        $(
            $name:ident: $builder_ty:ty {
                merge: $merge:ident,
                resolved: $resolved_ty:ty = $resolution:ident $(($($default:tt)*))?,
                $(from_sdk: |$sdk:ident| $from_sdk:expr,)?
                builder { $($builder:tt)* }
                config { $($config:tt)* }
            }
        )*
    ) => {
        /// The settings of a [`ClientConfigBuilder`], whatever its service; unset ones are
        /// `None` (or empty, or `false`).
        #[derive(Clone, Debug, Default)]
        struct BuilderFields {
            $($name: $builder_ty,)*
        }

        impl BuilderFields {
            fn from_sdk_config(sdk_config: &SdkConfig) -> Self {
                Self {
                    $($name: client_settings!(@from_sdk sdk_config $(|$sdk| $from_sdk)?),)*
                }
            }

            fn merge_from(&mut self, other: &Self) {
                $(merge::$merge(&mut self.$name, &other.$name);)*
            }
        }

        /// The resolved settings (defaults applied) that calls read.
        #[derive(Clone, Debug)]
        pub(crate) struct Settings {
            $(pub(crate) $name: $resolved_ty,)*
        }

        impl Settings {
            fn resolve(fields: BuilderFields, build: &BuildContext) -> Self {
                Self {
                    $($name: client_settings!(
                        @resolve $resolution $(($($default)*))?, fields.$name, build
                    ),)*
                }
            }

            /// The builder fields that resolve to these settings again.
            fn to_builder_fields(&self) -> BuilderFields {
                BuilderFields {
                    $($name: client_settings!(@unresolve $resolution, &self.$name),)*
                }
            }
        }

        impl<S> ClientConfigBuilder<S> {
            $(client_settings!(@builder $name; $($builder)*);)*
        }

        impl<S> ClientConfig<S> {
            $(client_settings!(@config for_any_service $name; $($config)*);)*
        }

        impl<S: Service> ClientConfig<S> {
            $(client_settings!(@config for_service $name; $($config)*);)*
        }

        /// The name of every setting, and whether `From<&SdkConfig>` reads it, for the tests
        /// that check every setting.
        #[cfg(test)]
        const SETTINGS: &[(&str, bool)] = &[
            $((stringify!($name), client_settings!(@has_sdk_source $(|$sdk| $from_sdk)?)),)*
        ];

        #[cfg(test)]
        impl BuilderFields {
            /// Each setting's value as `Debug` text, `None` when unset, in table order.
            fn values(&self) -> Vec<(&'static str, Option<String>)> {
                vec![$((stringify!($name), tests::value_if_set(&self.$name)),)*]
            }
        }
    };

    // `From<&SdkConfig>`: the row's expression, or unset.
    (@from_sdk $sdk_config:ident |$sdk:ident| $from_sdk:expr) => {{
        let $sdk = $sdk_config;
        $from_sdk
    }};
    (@from_sdk $sdk_config:ident) => {
        Default::default()
    };
    (@has_sdk_source |$sdk:ident| $from_sdk:expr) => {
        true
    };
    (@has_sdk_source) => {
        false
    };

    // Resolution (`build`) and its inverse (`to_builder`), by kind.
    (@resolve as_set, $value:expr, $build:ident) => {
        $value
    };
    (@unresolve as_set, $resolved:expr) => {
        Clone::clone($resolved)
    };
    (@resolve default(|$context:ident| $default:expr), $value:expr, $build:ident) => {
        $value.unwrap_or_else(|| {
            let $context = $build;
            $default
        })
    };
    (@resolve default($default:expr), $value:expr, $build:ident) => {
        $value.unwrap_or_else(|| $default)
    };
    (@unresolve default, $resolved:expr) => {
        Some(Clone::clone($resolved))
    };
    (@resolve fallback(|$context:ident| $fallback:expr), $value:expr, $build:ident) => {
        $value.or_else(|| {
            let $context = $build;
            $fallback
        })
    };
    (@resolve fallback($fallback:expr), $value:expr, $build:ident) => {
        $value.or_else(|| $fallback)
    };
    (@unresolve fallback, $resolved:expr) => {
        Clone::clone($resolved)
    };
    (@resolve fieldwise($defaults:expr), $value:expr, $build:ident) => {
        merge::fieldwise_over_defaults($value, $defaults)
    };
    (@unresolve fieldwise, $resolved:expr) => {
        Some(Clone::clone($resolved))
    };

    // Builder setters, one at a time.
    (@builder $name:ident;) => {};
    (@builder $name:ident;
        $(#[$doc:meta])*
        fn $method:ident($($param:ident: $param_ty:ty),*) => $in_place:ident($($arg:expr),*);
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        pub fn $method(mut self, $($param: $param_ty),*) -> Self {
            self.$in_place($($arg),*);
            self
        }
        client_settings!(@builder $name; $($rest)*);
    };
    (@builder $name:ident;
        $(#[$doc:meta])*
        set fn $method:ident($param:ident: $param_ty:ty);
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        pub fn $method(&mut self, $param: $param_ty) -> &mut Self {
            self.fields.$name = $param;
            self
        }
        client_settings!(@builder $name; $($rest)*);
    };
    (@builder $name:ident;
        $(#[$doc:meta])*
        push fn $method:ident($param:ident: $param_ty:ty);
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        pub fn $method(&mut self, $param: $param_ty) -> &mut Self {
            self.fields.$name.push($param);
            self
        }
        client_settings!(@builder $name; $($rest)*);
    };
    (@builder $name:ident;
        $(#[$doc:meta])*
        set_all fn $method:ident($param:ident: $param_ty:ty);
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        pub fn $method(&mut self, $param: $param_ty) -> &mut Self {
            self.fields.$name = $param.into_iter().collect();
            self
        }
        client_settings!(@builder $name; $($rest)*);
    };
    (@builder $name:ident;
        hand_written { $($methods:tt)* }
        $($rest:tt)*
    ) => {
        $($methods)*
        client_settings!(@builder $name; $($rest)*);
    };

    // The config getter, if any: in `impl<S>`, or in `impl<S: Service>` when it needs the
    // service (`where S: Service`).
    (@config for_any_service $name:ident;
        $(#[$doc:meta])*
        fn $getter:ident() -> $getter_ty:ty = |$value:ident| $get:expr;
    ) => {
        $(#[$doc])*
        pub fn $getter(&self) -> $getter_ty {
            let $value = &self.inner.settings.$name;
            $get
        }
    };
    (@config for_service $name:ident;
        $(#[$doc:meta])*
        fn $getter:ident() -> $getter_ty:ty where S: Service = |$value:ident| $get:expr;
    ) => {
        $(#[$doc])*
        pub fn $getter(&self) -> $getter_ty {
            let $value = &self.inner.settings.$name;
            $get
        }
    };
    // No getter, or the other impl block's.
    (@config $impl_block:ident $name:ident; $($getter:tt)*) => {};
}

/// How an override's value is layered onto a builder's (a row's `merge`), and a fieldwise
/// setting onto its defaults.
mod merge {
    /// Set in the override: replaces the builder's value.
    pub(super) fn replace<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
        if let Some(value) = theirs {
            *mine = Some(value.clone());
        }
    }

    /// A list: the override's items are added after the builder's.
    pub(super) fn append<T: Clone>(mine: &mut Vec<T>, theirs: &[T]) {
        mine.extend(theirs.iter().cloned());
    }

    /// A switch that can only be turned on: on in either, on in the result.
    pub(super) fn flag(mine: &mut bool, theirs: &bool) {
        *mine |= *theirs;
    }

    /// A value made of parts: the override's set parts replace the builder's, the builder's
    /// other parts are kept (an override of one timeout keeps the others).
    pub(super) fn fieldwise<T: FieldWise>(mine: &mut Option<T>, theirs: &Option<T>) {
        if let Some(theirs) = theirs {
            let mut merged = theirs.clone();
            if let Some(base) = mine {
                merged.fill_unset_from(base);
            }
            *mine = Some(merged);
        }
    }

    /// The parts of `value` that are set, over `defaults` (the resolution of a row's
    /// `resolved: .. = fieldwise(defaults)`).
    pub(super) fn fieldwise_over_defaults<T: FieldWise>(value: Option<T>, defaults: T) -> T {
        match value {
            Some(mut value) => {
                value.fill_unset_from(&defaults);
                value
            }
            None => defaults,
        }
    }

    /// A setting merged and defaulted part by part.
    pub(super) trait FieldWise: Clone {
        /// Fills the parts of `self` that are left unset from `base`.
        fn fill_unset_from(&mut self, base: &Self);
    }

    impl FieldWise for aws_smithy_types::timeout::TimeoutConfig {
        fn fill_unset_from(&mut self, base: &Self) {
            self.take_defaults_from(base);
        }
    }
}

// The settings table: every client setting, once. Adding a setting is adding a row here.
client_settings! {
    region: Option<Region> {
        merge: replace,
        resolved: Option<Region> = as_set,
        from_sdk: |sdk| sdk.region().cloned(),
        builder {
            /// Sets the AWS region: used for SigV4 signing and as the `AWS::Region` endpoint
            /// builtin.
            fn region(region: impl Into<Option<Region>>) => set_region(region.into());
            /// Sets or clears the AWS region.
            set fn set_region(region: Option<Region>);
        }
        config {
            /// The AWS region, if configured.
            fn region() -> Option<&Region> = |region| region.as_ref();
        }
    }

    credentials_provider: Option<SharedCredentialsProvider> {
        merge: replace,
        resolved: Option<SharedCredentialsProvider> = as_set,
        from_sdk: |sdk| sdk.credentials_provider(),
        builder {
            /// Sets the credentials provider used to sign requests with SigV4.
            ///
            /// Its credentials are cached in the config's identity cache, shared by every call.
            fn credentials_provider(provider: impl ProvideCredentials + 'static)
                => set_credentials_provider(Some(SharedCredentialsProvider::new(provider)));
            /// Sets or clears the credentials provider.
            set fn set_credentials_provider(provider: Option<SharedCredentialsProvider>);
        }
        config {
            /// The credentials provider, if configured.
            fn credentials_provider() -> Option<SharedCredentialsProvider> =
                |provider| provider.clone();
        }
    }

    endpoint_url: Option<String> {
        merge: replace,
        resolved: Option<String> = as_set,
        from_sdk: |sdk| sdk.endpoint_url().map(str::to_string),
        builder {
            /// Sets a custom endpoint URL (the `SDK::Endpoint` builtin). Required for services
            /// without an endpoint rule set.
            fn endpoint_url(url: impl Into<String>) => set_endpoint_url(Some(url.into()));
            /// Sets or clears the custom endpoint URL.
            set fn set_endpoint_url(url: Option<String>);
        }
        config {
            /// The custom endpoint URL, if configured.
            fn endpoint_url() -> Option<&str> = |url| url.as_deref();
        }
    }

    use_fips: Option<bool> {
        merge: replace,
        resolved: bool = default(false),
        from_sdk: |sdk| sdk.use_fips(),
        builder {
            /// Selects FIPS endpoints (the `AWS::UseFIPS` builtin). Default `false`.
            fn use_fips(use_fips: bool) => set_use_fips(Some(use_fips));
            /// Sets or clears the FIPS flag.
            set fn set_use_fips(use_fips: Option<bool>);
        }
        config {
            /// Whether FIPS endpoints are selected.
            fn use_fips() -> bool = |use_fips| *use_fips;
        }
    }

    use_dual_stack: Option<bool> {
        merge: replace,
        resolved: bool = default(false),
        from_sdk: |sdk| sdk.use_dual_stack(),
        builder {
            /// Selects dual-stack (IPv4 + IPv6) endpoints (the `AWS::UseDualStack` builtin).
            /// Default `false`.
            fn use_dual_stack(use_dual_stack: bool) => set_use_dual_stack(Some(use_dual_stack));
            /// Sets or clears the dual-stack flag.
            set fn set_use_dual_stack(use_dual_stack: Option<bool>);
        }
        config {
            /// Whether dual-stack endpoints are selected.
            fn use_dual_stack() -> bool = |use_dual_stack| *use_dual_stack;
        }
    }

    // Unset: the client aws-smithy-runtime's default plugins created, once per build, so
    // clones and `to_builder()` share it and its connection pool.
    http_client: Option<SharedHttpClient> {
        merge: replace,
        resolved: Option<SharedHttpClient> = fallback(|build| build.default_http_client()),
        from_sdk: |sdk| sdk.http_client(),
        builder {
            /// Sets the HTTP client. Default: aws-smithy-runtime's default HTTPS client
            /// (hyper 1 + rustls), created once per [`build`](Self::build) and shared by every
            /// call.
            fn http_client(http_client: impl HttpClient + 'static)
                => set_http_client(Some(http_client.into_shared()));
            /// Sets or clears the HTTP client.
            set fn set_http_client(http_client: Option<SharedHttpClient>);
        }
        config {
            /// The HTTP client (`None` only if no default client is compiled in and none was
            /// set).
            fn http_client() -> Option<SharedHttpClient> = |http_client| http_client.clone();
        }
    }

    // Off: the official client's behaviour. On: see `http2::Http2PriorKnowledgeClient`, made by
    // `ClientConfigInner::http2_client` (it needs to know whether `http_client` was left unset).
    http2_prior_knowledge: Option<bool> {
        merge: replace,
        resolved: bool = default(false),
        builder {
            /// Sends operations whose model lists HTTP/2 (`h2` in the protocol trait's `http`,
            /// or `eventStreamHttp` for operations with an event stream; see
            /// [`OperationInfo::http_versions`](super::OperationInfo::http_versions)) over HTTP/2
            /// with prior knowledge (h2c) to `http://` endpoints. Default `false`: as the official
            /// client, HTTP/1.1 over `http://` (an input event stream is a chunked request body,
            /// still read and written at once) and, over TLS, `h2` then `http/1.1` offered by ALPN.
            ///
            /// With it on, such calls share one HTTP/2 connection per endpoint (one client and
            /// pool per config, made by the first such call and shared by clones and per-call
            /// overrides); `https://` endpoints still negotiate by ALPN,
            /// which picks `h2` whenever the server offers it. An operation whose list lacks `h2`
            /// is never sent over HTTP/2 this way. A server that does not speak h2c fails such
            /// calls with a dispatch failure naming this setting. Has no effect when
            /// [`http_client`](Self::http_client) is set: that client is used as is, nor in a
            /// crate none of whose operations lists `h2` (such a crate is built without the
            /// HTTP/2 client: the runtime feature `http2-prior-knowledge`, which its generator
            /// turns on with `default-https-client` only when some operation lists `h2`). The
            /// builder of [`ClientConfig::to_builder`] holds the built config's HTTP client as
            /// set; set this on `Config::builder()`, on the builder from an `SdkConfig`, or as a
            /// per-call override, all of which keep the default client.
            fn http2_prior_knowledge(on: bool) => set_http2_prior_knowledge(Some(on));
            /// Sets or clears the HTTP/2 prior-knowledge flag.
            set fn set_http2_prior_knowledge(on: Option<bool>);
        }
        config {
            /// Whether operations whose model lists `h2` are sent with HTTP/2 prior knowledge to
            /// `http://` endpoints.
            fn http2_prior_knowledge() -> bool = |on| *on;
        }
    }

    retry_config: Option<RetryConfig> {
        merge: replace,
        resolved: RetryConfig = default(RetryConfig::standard()),
        from_sdk: |sdk| sdk.retry_config().cloned(),
        builder {
            /// Sets the retry configuration.
            ///
            /// Default: [`RetryConfig::standard()`]: standard mode, 3 attempts, exponential
            /// backoff with full jitter starting at 1 s (capped at 20 s), and a per-service retry
            /// quota (token bucket) shared by all clients in the process.
            fn retry_config(retry_config: RetryConfig) => set_retry_config(Some(retry_config));
            /// Sets or clears the retry configuration.
            set fn set_retry_config(retry_config: Option<RetryConfig>);
        }
        config {
            /// The retry configuration. Always `Some` (defaults are applied when the config is
            /// built); an `Option` as in the official SDK crates.
            fn retry_config() -> Option<&RetryConfig> = |retry_config| Some(retry_config);
        }
    }

    timeout_config: Option<TimeoutConfig> {
        merge: fieldwise,
        resolved: TimeoutConfig = fieldwise(default_timeout_config()),
        from_sdk: |sdk| sdk.timeout_config().cloned(),
        builder {
            /// Sets the timeout configuration. Fields left unset keep their defaults; use
            /// `TimeoutConfigBuilder::disable_*` (or [`TimeoutConfig::disabled`]) to switch one
            /// off.
            ///
            /// Defaults (see [`default_timeout_config`]):
            /// - **connect timeout 3.1 s** ([`DEFAULT_CONNECT_TIMEOUT`]), as in the AWS SDKs.
            /// - **read timeout 75 s** ([`DEFAULT_READ_TIMEOUT`]): the time from sending a
            ///   request to the first byte of the response. Inference APIs may legally think for
            ///   60 s before answering, so anything shorter would cut legal calls; a server that
            ///   accepts the connection and never answers is abandoned after 75 s per attempt.
            /// - **no operation or attempt timeout**: both would also bound the time spent
            ///   transferring the body, and a large but healthy transfer must not be cut. A body
            ///   that stops moving is instead caught by stalled stream protection (on by
            ///   default: the transfer is cancelled when throughput stays below 1 B/s for a 5 s
            ///   grace period).
            ///
            /// Together these guarantee a stalled server cannot hang a caller forever: the worst
            /// case with the default 3 attempts is about 3 × 75 s plus backoff. Callers with a
            /// latency budget should set `operation_timeout` to bound the whole call, retries
            /// included. The read timeout is enforced by the HTTP client; the default client
            /// honours it, custom clients should too.
            fn timeout_config(timeout_config: TimeoutConfig)
                => set_timeout_config(Some(timeout_config));
            /// Sets or clears the timeout configuration.
            set fn set_timeout_config(timeout_config: Option<TimeoutConfig>);
        }
        config {
            /// The effective timeout configuration (configured values over the defaults).
            /// Always `Some`; an `Option` as in the official SDK crates.
            fn timeout_config() -> Option<&TimeoutConfig> = |timeout_config| Some(timeout_config);
        }
    }

    sleep_impl: Option<SharedAsyncSleep> {
        merge: replace,
        resolved: Option<SharedAsyncSleep> = fallback(default_async_sleep()),
        from_sdk: |sdk| sdk.sleep_impl(),
        builder {
            /// Sets the async sleep implementation used for backoff and timeouts. Default:
            /// tokio.
            fn sleep_impl(sleep_impl: impl AsyncSleep + 'static)
                => set_sleep_impl(Some(sleep_impl.into_shared()));
            /// Sets or clears the async sleep implementation.
            set fn set_sleep_impl(sleep_impl: Option<SharedAsyncSleep>);
        }
        config {
            /// The async sleep implementation (`None` if no tokio runtime support is compiled
            /// in).
            fn sleep_impl() -> Option<SharedAsyncSleep> = |sleep_impl| sleep_impl.clone();
        }
    }

    time_source: Option<SharedTimeSource> {
        merge: replace,
        resolved: SharedTimeSource = default(SharedTimeSource::default()),
        from_sdk: |sdk| sdk.time_source(),
        builder {
            /// Sets the time source used for signing and credential expiry. Default: the system
            /// clock.
            fn time_source(time_source: impl TimeSource + 'static)
                => set_time_source(Some(time_source.into_shared()));
            /// Sets or clears the time source.
            set fn set_time_source(time_source: Option<SharedTimeSource>);
        }
        config {
            /// The time source. Always `Some`; an `Option` as in the official SDK crates.
            fn time_source() -> Option<SharedTimeSource> = |time_source| Some(time_source.clone());
        }
    }

    // Unset: the latest (decided by `BuildContext`, as it selects the default plugins).
    behavior_version: Option<BehaviorVersion> {
        merge: replace,
        resolved: BehaviorVersion = default(|build| build.behavior_version),
        from_sdk: |sdk| sdk.behavior_version(),
        builder {
            /// Sets the behavior version (selects the aws-smithy-runtime defaults generation,
            /// e.g. the default HTTP client). Default: [`BehaviorVersion::latest()`].
            fn behavior_version(behavior_version: BehaviorVersion)
                => set_behavior_version(Some(behavior_version));
            /// Sets the behavior version to [`BehaviorVersion::latest()`].
            fn behavior_version_latest() => set_behavior_version(Some(BehaviorVersion::latest()));
            /// Sets or clears the behavior version.
            set fn set_behavior_version(behavior_version: Option<BehaviorVersion>);
        }
        config {
            /// The behavior version.
            fn behavior_version() -> BehaviorVersion = |behavior_version| *behavior_version;
        }
    }

    app_name: Option<AppName> {
        merge: replace,
        resolved: Option<AppName> = as_set,
        from_sdk: |sdk| sdk.app_name().cloned(),
        builder {
            /// Sets the application name, appended to the user agent as `app/<name>`.
            fn app_name(app_name: AppName) => set_app_name(Some(app_name));
            /// Sets or clears the application name.
            set fn set_app_name(app_name: Option<AppName>);
        }
        config {
            /// The application name, if configured.
            fn app_name() -> Option<&AppName> = |app_name| app_name.as_ref();
        }
    }

    interceptors: Vec<SharedInterceptor> {
        merge: append,
        resolved: Vec<SharedInterceptor> = as_set,
        builder {
            /// Adds an interceptor that runs on every call, after the runtime's own
            /// interceptors.
            fn interceptor(interceptor: impl Intercept + 'static)
                => push_interceptor(SharedInterceptor::new(interceptor));
            /// Adds an already shared interceptor.
            push fn push_interceptor(interceptor: SharedInterceptor);
            /// Replaces all configured interceptors.
            set_all fn set_interceptors(interceptors: impl IntoIterator<Item = SharedInterceptor>);
        }
        config {
            /// The configured interceptors (not including the runtime's own).
            fn interceptors() -> impl Iterator<Item = SharedInterceptor> + '_ =
                |interceptors| interceptors.iter().cloned();
        }
    }

    // Unset: a lazy cache created once per build, so clones and `to_builder()` share the
    // credentials it caches.
    identity_cache: Option<SharedIdentityCache> {
        merge: replace,
        resolved: SharedIdentityCache = default(IdentityCache::lazy().build()),
        from_sdk: |sdk| sdk.identity_cache(),
        builder {
            /// Sets the identity cache. Default: a lazy cache (refreshes credentials shortly
            /// before they expire), created once per [`build`](Self::build) and shared by every
            /// call.
            fn identity_cache(identity_cache: impl ResolveCachedIdentity + 'static)
                => set_identity_cache(Some(identity_cache.into_shared()));
            /// Sets or clears the identity cache.
            set fn set_identity_cache(identity_cache: Option<SharedIdentityCache>);
        }
        config {
            /// The identity cache shared by every call made with this config. Always `Some`; an
            /// `Option` as in the official SDK crates.
            fn identity_cache() -> Option<SharedIdentityCache> = |cache| Some(cache.clone());
        }
    }

    stalled_stream_protection: Option<StalledStreamProtectionConfig> {
        merge: replace,
        resolved: StalledStreamProtectionConfig = default(
            StalledStreamProtectionConfig::enabled().grace_period(Duration::from_secs(5)).build()
        ),
        from_sdk: |sdk| sdk.stalled_stream_protection(),
        builder {
            /// Sets stalled stream protection. Default: enabled for uploads and downloads, 5 s
            /// grace.
            fn stalled_stream_protection(config: StalledStreamProtectionConfig)
                => set_stalled_stream_protection(Some(config));
            /// Sets or clears stalled stream protection.
            set fn set_stalled_stream_protection(config: Option<StalledStreamProtectionConfig>);
        }
        config {
            /// The stalled stream protection configuration. Always `Some`; an `Option` as in the
            /// official SDK crates.
            fn stalled_stream_protection() -> Option<&StalledStreamProtectionConfig> =
                |config| Some(config);
        }
    }

    idempotency_token_provider: Option<IdempotencyTokenProvider> {
        merge: replace,
        resolved: IdempotencyTokenProvider = default(IdempotencyTokenProvider::default()),
        builder {
            /// Sets the provider of idempotency tokens: the token sent for an
            /// `@idempotencyToken` input member the caller leaves unset. Default:
            /// [`IdempotencyTokenProvider::random`], a fresh UUID v4 per call. A string is a
            /// fixed token (for tests).
            fn idempotency_token_provider(provider: impl Into<IdempotencyTokenProvider>)
                => set_idempotency_token_provider(Some(provider.into()));
            /// Sets or clears the idempotency token provider.
            set fn set_idempotency_token_provider(provider: Option<IdempotencyTokenProvider>);
            hand_written {
                /// The idempotency token provider set on this builder, if any.
                pub fn get_idempotency_token_provider(&self) -> Option<&IdempotencyTokenProvider> {
                    self.fields.idempotency_token_provider.as_ref()
                }
            }
        }
        config {
            /// The provider of tokens for `@idempotencyToken` input members left unset.
            fn idempotency_token_provider() -> &IdempotencyTokenProvider = |provider| provider;
        }
    }

    disable_request_compression: Option<bool> {
        merge: replace,
        resolved: bool = default(false),
        from_sdk: |sdk| sdk.disable_request_compression(),
        builder {
            /// Turns off request compression for operations whose model allows it
            /// (`@requestCompression`). Default `false`: their request bodies are gzipped when
            /// at least [`request_min_compression_size_bytes`](Self::request_min_compression_size_bytes)
            /// long. Also read from an `SdkConfig` (`AWS_DISABLE_REQUEST_COMPRESSION`,
            /// `disable_request_compression` in a profile).
            fn disable_request_compression(disable: bool)
                => set_disable_request_compression(Some(disable));
            /// Sets or clears the request compression switch.
            set fn set_disable_request_compression(disable: Option<bool>);
        }
        config {
            /// Whether request compression (`@requestCompression`) is turned off.
            fn disable_request_compression() -> bool = |disable| *disable;
        }
    }

    // Off by default: the official SDK crates send whatever the input holds and let the service
    // judge it. Checked by calls only with the generated crate's `validate` feature.
    validate_input: Option<bool> {
        merge: replace,
        resolved: bool = default(false),
        builder {
            /// Checks every input against the model's constraints before the call signs or
            /// sends anything (`@required`, `@length`, `@range`, `@pattern`, enum values,
            /// `@uniqueItems`): an input that breaks one fails with
            /// `SdkError::ConstructionFailure` whose source is an `InvalidInput` (feature
            /// `validate`) naming each member, constraint and length (never the value of a
            /// `@sensitive` member). Needs the generated crate's
            /// `validate` feature; without it, a call with this on fails the same way, saying
            /// so, rather than go unchecked. Default `false`.
            fn validate_input(validate: bool) => set_validate_input(Some(validate));
            /// Sets or clears the input validation switch.
            set fn set_validate_input(validate: Option<bool>);
        }
        config {
            /// Whether calls check their input against the model's constraints first.
            fn validate_input() -> bool = |validate| *validate;
        }
    }

    request_min_compression_size_bytes: Option<u32> {
        merge: replace,
        resolved: u32 = default(DEFAULT_MIN_COMPRESSION_SIZE_BYTES),
        from_sdk: |sdk| sdk.request_min_compression_size_bytes(),
        builder {
            /// Sets the size in bytes from which a request body is compressed, for operations
            /// whose model allows it (`@requestCompression`). Default 10240 (10 KiB): smaller
            /// bodies tend to grow when compressed. Must be at most 10485760 (10 MiB); a larger
            /// value fails every call of such an operation with a configuration error. A
            /// streaming body is compressed whatever its size. Also read from an `SdkConfig`
            /// (`AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`, `request_min_compression_size_bytes`
            /// in a profile).
            fn request_min_compression_size_bytes(bytes: u32)
                => set_request_min_compression_size_bytes(Some(bytes));
            /// Sets or clears the minimum size of a request body to compress.
            set fn set_request_min_compression_size_bytes(bytes: Option<u32>);
        }
        config {
            /// The size in bytes from which a request body is compressed
            /// (`@requestCompression`).
            fn request_min_compression_size_bytes() -> u32 = |bytes| *bytes;
        }
    }

    // Unset: each call uses its service's default resolver (its endpoint rules).
    endpoint_resolver: Option<SharedEndpointResolver> {
        merge: replace,
        resolved: Option<SharedEndpointResolver> = as_set,
        builder {
            hand_written {
                /// Sets the endpoint resolver: every call's endpoint comes from it instead of
                /// the service's endpoint rules. It receives the service's typed endpoint
                /// parameters (`config::endpoint::Params` of the generated crate: region, FIPS
                /// and dual-stack flags, endpoint URL, ... as the configuration and the
                /// operation set them), as with the official SDK crates.
                ///
                /// `resolver` implements the generated crate's `config::endpoint::ResolveEndpoint`;
                /// for a resolver of the orchestrator's own interface, use
                /// [`set_endpoint_resolver`](Self::set_endpoint_resolver).
                pub fn endpoint_resolver<R>(mut self, resolver: R) -> Self
                where
                    S: AcceptsEndpointResolver<R>,
                {
                    self.set_endpoint_resolver(Some(S::shared_endpoint_resolver(resolver)));
                    self
                }
            }
            /// Sets or clears the endpoint resolver (the orchestrator's interface: it receives
            /// `EndpointResolverParams` holding the typed parameters).
            set fn set_endpoint_resolver(resolver: Option<SharedEndpointResolver>);
        }
        config {
            /// The endpoint resolver calls use: the configured one, else the service's default
            /// (its endpoint rules).
            fn endpoint_resolver() -> SharedEndpointResolver where S: Service = |resolver| {
                match resolver {
                    Some(resolver) => resolver.clone(),
                    None => S::info().default_endpoint_resolver(),
                }
            };
        }
    }

    // Unset: each call lists the schemes its service's model names.
    auth_scheme_resolver: Option<SharedAuthSchemeOptionResolver> {
        merge: replace,
        resolved: Option<SharedAuthSchemeOptionResolver> = as_set,
        builder {
            /// Sets the auth scheme resolver: for each call, it lists the auth schemes to try,
            /// in order, from the call's `config::auth::Params` (the operation name). Default:
            /// the schemes the service's model names (SigV4 for AWS services).
            fn auth_scheme_resolver(resolver: impl super::auth::ResolveAuthScheme + 'static)
                => set_auth_scheme_resolver(resolver);
            hand_written {
                /// In-place form of [`auth_scheme_resolver`](Self::auth_scheme_resolver).
                pub fn set_auth_scheme_resolver(
                    &mut self,
                    resolver: impl super::auth::ResolveAuthScheme + 'static,
                ) -> &mut Self {
                    self.fields.auth_scheme_resolver = Some(resolver.into_shared_resolver());
                    self
                }
            }
        }
        config {
            /// The configured auth scheme resolver; `None` when calls use the service's
            /// default.
            fn auth_scheme_resolver() -> Option<SharedAuthSchemeOptionResolver> =
                |resolver| resolver.clone();
        }
    }

    // Added after the built-in SigV4 and no-auth schemes: one of the same id replaces those.
    auth_schemes: Vec<SharedAuthScheme> {
        merge: append,
        resolved: Vec<SharedAuthScheme> = as_set,
        builder {
            hand_written {
                /// Adds an auth scheme (a signer and the identity type it signs with), for an
                /// auth scheme resolver or preference to select.
                pub fn push_auth_scheme(mut self, auth_scheme: impl AuthScheme + 'static) -> Self {
                    self.fields.auth_schemes.push(SharedAuthScheme::new(auth_scheme));
                    self
                }
            }
        }
        config {
            /// The auth schemes added with `push_auth_scheme` (not the built-in SigV4 and
            /// no-auth).
            fn auth_schemes() -> impl Iterator<Item = SharedAuthScheme> + '_ =
                |schemes| schemes.iter().cloned();
        }
    }

    auth_scheme_preference: Option<AuthSchemePreference> {
        merge: replace,
        resolved: Option<AuthSchemePreference> = as_set,
        from_sdk: |sdk| sdk.auth_scheme_preference().cloned(),
        builder {
            /// Sets the preferred auth schemes, by scheme id (e.g. `["sigv4a", "sigv4"]`): among
            /// the options the auth scheme resolver returns, these are tried first, in this
            /// order. Also read from an `SdkConfig` (`AWS_AUTH_SCHEME_PREFERENCE`,
            /// `auth_scheme_preference` in a profile).
            fn auth_scheme_preference(preference: impl Into<AuthSchemePreference>)
                => set_auth_scheme_preference(Some(preference.into()));
            /// Sets or clears the preferred auth schemes.
            set fn set_auth_scheme_preference(preference: Option<AuthSchemePreference>);
        }
        config {
            /// The preferred auth schemes, if configured.
            fn auth_scheme_preference() -> Option<&AuthSchemePreference> =
                |preference| preference.as_ref();
        }
    }

    // Read by calls only (no getter): they then offer "no auth" after the modeled schemes.
    allow_no_auth: bool {
        merge: flag,
        resolved: bool = as_set,
        builder {
            /// Lets calls go unsigned when no credentials are available: "no auth" is added as
            /// the last auth scheme option of every call, after the modeled ones (as the
            /// official SDK crates' `allow_no_auth`). With credentials configured, requests are
            /// still signed.
            fn allow_no_auth() => set_allow_no_auth();
            hand_written {
                /// In-place form of [`allow_no_auth`](Self::allow_no_auth).
                pub fn set_allow_no_auth(&mut self) -> &mut Self {
                    self.fields.allow_no_auth = true;
                    self
                }
            }
        }
        config {}
    }

    // Unset: each call uses the partition of its service and region.
    retry_partition: Option<RetryPartition> {
        merge: replace,
        resolved: Option<RetryPartition> = as_set,
        builder {
            /// Sets the retry partition: calls in one partition share a retry quota (token
            /// bucket) and client rate limiter. Default: one partition per service and region
            /// (`<service id>-<region>`, as the official SDK crates name it).
            fn retry_partition(retry_partition: RetryPartition)
                => set_retry_partition(Some(retry_partition));
            /// Sets or clears the retry partition.
            set fn set_retry_partition(retry_partition: Option<RetryPartition>);
        }
        config {
            /// The configured retry partition; `None` when calls use the default (per service
            /// and region).
            fn retry_partition() -> Option<&RetryPartition> = |partition| partition.as_ref();
        }
    }

    retry_classifiers: Vec<SharedRetryClassifier> {
        merge: append,
        resolved: Vec<SharedRetryClassifier> = as_set,
        builder {
            /// Adds a retry classifier, consulted with the built-in ones (its priority decides
            /// the order) to decide whether a failed attempt is retried.
            fn retry_classifier(retry_classifier: impl ClassifyRetry + 'static)
                => push_retry_classifier(SharedRetryClassifier::new(retry_classifier));
            /// Adds an already shared retry classifier.
            push fn push_retry_classifier(retry_classifier: SharedRetryClassifier);
            /// Replaces the configured retry classifiers (the built-in ones stay).
            set_all fn set_retry_classifiers(
                retry_classifiers: impl IntoIterator<Item = SharedRetryClassifier>
            );
        }
        config {
            /// The configured retry classifiers (not including the built-in ones).
            fn retry_classifiers() -> impl Iterator<Item = SharedRetryClassifier> + '_ =
                |classifiers| classifiers.iter().cloned();
        }
    }

    framework_metadata: Vec<FrameworkMetadata> {
        merge: append,
        resolved: Vec<FrameworkMetadata> = as_set,
        from_sdk: |sdk| sdk.framework_metadata().to_vec(),
        builder {
            /// Adds framework metadata (`lib/<name>#<version>`) to the user agent.
            fn framework_metadata(framework_metadata: FrameworkMetadata)
                => push_framework_metadata(framework_metadata);
            /// In-place form of [`framework_metadata`](Self::framework_metadata).
            push fn push_framework_metadata(framework_metadata: FrameworkMetadata);
        }
        config {
            /// The framework metadata added to the user agent, in the order given.
            fn framework_metadata() -> Vec<&FrameworkMetadata> =
                |framework_metadata| framework_metadata.iter().collect();
        }
    }

    // Unset: aws-runtime's default (correction on).
    disable_clock_skew_correction: Option<bool> {
        merge: replace,
        resolved: Option<bool> = as_set,
        from_sdk: |sdk| sdk.disable_clock_skew_correction(),
        builder {
            /// Turns off clock skew correction (by default the signing time follows the skew
            /// measured from the service's `Date` header after a skew-related error). `None`
            /// leaves the default.
            fn disable_clock_skew_correction(disable: impl Into<Option<bool>>)
                => set_disable_clock_skew_correction(disable.into());
            /// Sets or clears the clock skew correction switch.
            set fn set_disable_clock_skew_correction(disable: Option<bool>);
        }
        config {
            /// Whether clock skew correction is turned off; `None` when left at the default
            /// (on).
            fn disable_clock_skew_correction() -> Option<bool> = |disable| *disable;
        }
    }

    // Unset: aws-runtime's default (a random UUID per call).
    invocation_id_generator: Option<SharedInvocationIdGenerator> {
        merge: replace,
        resolved: Option<SharedInvocationIdGenerator> = as_set,
        builder {
            /// Sets the generator of the `amz-sdk-invocation-id` header (default: a random UUID
            /// per call, kept across its retries).
            fn invocation_id_generator(generator: impl InvocationIdGenerator + 'static)
                => set_invocation_id_generator(Some(SharedInvocationIdGenerator::new(generator)));
            /// Sets or clears the invocation id generator.
            set fn set_invocation_id_generator(generator: Option<SharedInvocationIdGenerator>);
        }
        config {
            /// The configured invocation id generator, if any.
            fn invocation_id_generator() -> Option<SharedInvocationIdGenerator> =
                |generator| generator.clone();
        }
    }

    // The input members calls capture (and maybe emit on metrics); read by calls only.
    telemetry_attributes: Option<RequestedTelemetryAttributes> {
        merge: replace,
        resolved: Option<RequestedTelemetryAttributes> = as_set,
        builder {
            hand_written {
                /// Names operation input members (Smithy names, e.g. `"EndpointName"`) whose
                /// values each call captures *and* emits as attributes of the client's metrics.
                /// Captured values are also readable by interceptors
                /// (`CapturedTelemetryAttributes` in the config bag). Only string members that
                /// are not `@sensitive` are eligible. Off by default.
                pub fn emit_input_attributes(
                    mut self,
                    names: impl IntoIterator<Item = impl Into<String>>,
                ) -> Self {
                    let requested = self.fields.telemetry_attributes.get_or_insert_with(Default::default);
                    requested.emit(names.into_iter().map(Into::into).collect::<Vec<String>>());
                    self
                }

                /// Names operation input members whose values each call captures for
                /// interceptors to read (`CapturedTelemetryAttributes`) without emitting them on
                /// metrics. Same eligibility as
                /// [`emit_input_attributes`](Self::emit_input_attributes).
                pub fn capture_input_attributes(
                    mut self,
                    names: impl IntoIterator<Item = impl Into<String>>,
                ) -> Self {
                    let requested = self.fields.telemetry_attributes.get_or_insert_with(Default::default);
                    requested.capture_only(names.into_iter().map(Into::into).collect::<Vec<String>>());
                    self
                }
            }
        }
        config {}
    }
}

impl<S> From<&SdkConfig> for ClientConfigBuilder<S> {
    /// Copies every setting a shared [`SdkConfig`] (as loaded by `aws-config`) also carries:
    /// region, credentials provider, endpoint URL, HTTP client, retry and timeout
    /// configuration, ...
    // Each setting whose row in the settings table has a `from_sdk`.
    fn from(sdk: &SdkConfig) -> Self {
        Self::with_fields(BuilderFields::from_sdk_config(sdk))
    }
}

impl<S> From<SdkConfig> for ClientConfigBuilder<S> {
    /// Same as `From<&SdkConfig>`.
    fn from(sdk: SdkConfig) -> Self {
        ClientConfigBuilder::from(&sdk)
    }
}

impl<S> From<&SdkConfig> for ClientConfig<S> {
    /// Same as [`ClientConfig::new`].
    fn from(sdk: &SdkConfig) -> Self {
        ClientConfig::new(sdk)
    }
}

impl Settings {
    /// The client-level runtime plugin: everything that does not depend on the operation.
    fn client_plugin(&self) -> SharedRuntimePlugin {
        let mut layer = Layer::new("smithygen.client");
        layer.store_put(self.retry_config.clone());
        layer.store_put(self.timeout_config.clone());
        layer.store_put(self.stalled_stream_protection.clone());
        if let Some(region) = &self.region {
            layer.store_put(region.clone());
            // What aws-runtime's SigV4 signer signs for, unless the endpoint says otherwise.
            layer.store_put(SigningRegion::from(region.clone()));
        }
        if let Some(app_name) = &self.app_name {
            layer.store_put(app_name.clone());
        }
        // Read by aws-runtime's user-agent interceptor (`lib/` tokens), in the order given.
        for metadata in &self.framework_metadata {
            layer.store_append(metadata.clone());
        }
        // Read by the orchestrator when it orders the auth scheme options.
        if let Some(preference) = &self.auth_scheme_preference {
            layer.store_put(preference.clone());
        }
        // Read by aws-runtime's clock-skew interceptor and invocation-id interceptor.
        if let Some(disable) = self.disable_clock_skew_correction {
            layer.store_put(DisableClockSkewCorrection::from(disable));
        }
        if let Some(generator) = &self.invocation_id_generator {
            layer.store_put(generator.clone());
        }
        // Read by each operation's input-capture interceptor and by the metrics plugin.
        if let Some(requested) = &self.telemetry_attributes {
            layer.store_put(requested.clone());
        }

        let mut components = RuntimeComponentsBuilder::new("smithygen.client")
            .with_retry_strategy(Some(StandardRetryStrategy::new()))
            .with_retry_classifier(HttpStatusCodeClassifier::default())
            .with_identity_cache(Some(self.identity_cache.clone()))
            .with_time_source(Some(self.time_source.clone()))
            .with_auth_scheme(SigV4AuthScheme::new())
            .with_auth_scheme(NoAuthScheme::new())
            .with_identity_resolver(
                NO_AUTH_SCHEME_ID,
                SharedIdentityResolver::new(NoAuthIdentityResolver::new()),
            )
            .with_interceptor(SharedInterceptor::permanent(
                ConnectionPoisoningInterceptor::new(),
            ))
            .with_interceptor(SharedInterceptor::permanent(
                StalledStreamProtectionInterceptor::default(),
            ))
            // The official SDK crates' interceptors, in their order: clock skew (signing time
            // corrected by the server's `Date`), `amz-sdk-request`, user agent, invocation id,
            // `x-amzn-trace-id` recursion detection.
            .with_interceptor(ServiceClockSkewInterceptor::new())
            .with_interceptor(RequestInfoInterceptor::new())
            .with_interceptor(UserAgentInterceptor::new())
            .with_interceptor(InvocationIdInterceptor::new())
            .with_interceptor(SharedInterceptor::permanent(
                RecursionDetectionInterceptor::new(),
            ))
            .with_interceptor(SharedInterceptor::permanent(
                AttemptTracingInterceptor::new(),
            ));
        if let Some(http_client) = &self.http_client {
            components.set_http_client(Some(http_client.clone()));
        }
        if let Some(sleep_impl) = &self.sleep_impl {
            components.set_sleep_impl(Some(sleep_impl.clone()));
        }
        if let Some(provider) = &self.credentials_provider {
            components = components.with_identity_resolver(
                SIGV4_SCHEME_ID,
                SharedIdentityResolver::new(provider.clone()),
            );
        }
        // Added after the built-in ones: a scheme of the same id replaces the built-in one.
        for scheme in &self.auth_schemes {
            components.push_auth_scheme(scheme.clone());
        }
        for classifier in &self.retry_classifiers {
            components.push_retry_classifier(classifier.clone());
        }
        for interceptor in &self.interceptors {
            components.push_interceptor(interceptor.clone());
        }
        StaticRuntimePlugin::new()
            .with_config(layer.freeze())
            .with_runtime_components(components)
            .into_shared()
    }
}


#[derive(Debug)]
pub(crate) struct ClientConfigInner {
    pub(crate) settings: Settings,
    /// aws-smithy-runtime's default plugins (built once per config).
    pub(crate) defaults: Arc<[SharedRuntimePlugin]>,
    /// This config's own client-level plugin (built once per config).
    pub(crate) client_plugin: SharedRuntimePlugin,
    /// The metrics plugin of the service this config calls, with that service's scope (its
    /// crate name): built by the first call, shared by the next ones and by per-call overrides.
    pub(crate) metrics: std::sync::OnceLock<(&'static str, SharedRuntimePlugin)>,
    /// The HTTP client is the default one (`http_client` not set by the user).
    pub(crate) default_http_client: bool,
    /// The HTTP/2 client of `http2_prior_knowledge`, built by the first call that needs it and
    /// shared by clones and per-call overrides (see [`Self::http2_client`]).
    http2_client: Arc<std::sync::OnceLock<SharedHttpClient>>,
    /// The runtime plugins of each operation called with this config, built by its first call.
    pub(crate) prepared: super::prepared::PreparedCalls,
}

impl ClientConfigInner {
    /// With `http2_prior_knowledge` on and the default HTTP client: the client that calls of
    /// operations whose model lists `h2` use (one per config, and its overrides); else `None`.
    pub(crate) fn http2_client(&self) -> Option<SharedHttpClient> {
        if !(self.settings.http2_prior_knowledge && self.default_http_client) {
            return None;
        }
        #[cfg(feature = "http2-prior-knowledge")]
        {
            let default = self.settings.http_client.as_ref()?;
            let client = self.http2_client.get_or_init(|| {
                super::http2::Http2PriorKnowledgeClient::shared(default.clone(), self.settings.timeout_config.connect_timeout())
            });
            Some(client.clone())
        }
        // Without the default client there is nothing to route over HTTP/2 here; without the
        // feature, no operation of the crate lists `h2` (the generator turns it on otherwise).
        #[cfg(not(feature = "http2-prior-knowledge"))]
        None
    }

    /// The metrics plugin for calls of the crate `scope` (a config is used with one service;
    /// another one's calls get a plugin of their own).
    pub(crate) fn metrics_plugin(&self, scope: &'static str) -> Result<SharedRuntimePlugin, super::ConfigError> {
        let build = || {
            aws_smithy_runtime::client::metrics::MetricsRuntimePlugin::builder()
                .with_scope(scope)
                .with_time_source(self.settings.time_source.clone())
                .build()
                .map(IntoShared::into_shared)
                .map_err(|err| super::ConfigError::Internal { message: err.to_string() })
        };
        if let Some((cached, plugin)) = self.metrics.get() {
            return if *cached == scope { Ok(plugin.clone()) } else { build() };
        }
        let plugin = build()?;
        Ok(self.metrics.get_or_init(|| (scope, plugin)).1.clone())
    }
}

/// Immutable client configuration, cheap to clone (an `Arc` inside).
///
/// Build one with [`ClientConfig::builder()`] or `ClientConfigBuilder::from(&sdk_config)`,
/// and share it between every client and call; clones share the HTTP client, its connection
/// pool and the identity (credentials) cache. `S` is the service it is for, as for
/// [`ClientConfigBuilder`].
pub struct ClientConfig<S = AnyService> {
    pub(crate) inner: Arc<ClientConfigInner>,
    _service: PhantomData<fn() -> S>,
}

impl<S> Clone for ClientConfig<S> {
    fn clone(&self) -> Self {
        Self::with_inner(self.inner.clone())
    }
}

impl<S> std::fmt::Debug for ClientConfig<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("service", &std::any::type_name::<S>())
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// The config's methods that are not one setting's getter (those are in the settings table).
impl<S> ClientConfig<S> {
    fn with_inner(inner: Arc<ClientConfigInner>) -> Self {
        Self { inner, _service: PhantomData }
    }

    /// A config from shared AWS configuration (as loaded by `aws-config`), as
    /// `ClientConfigBuilder::from(sdk_config).build()`.
    pub fn new(sdk_config: &SdkConfig) -> Self {
        ClientConfigBuilder::from(sdk_config).build()
    }

    /// Returns an empty [`ClientConfigBuilder`].
    pub fn builder() -> ClientConfigBuilder<S> {
        ClientConfigBuilder::default()
    }

    /// The same configuration (shared, not copied) for another service type.
    pub fn for_service<T>(self) -> ClientConfig<T> {
        ClientConfig::with_inner(self.inner)
    }

    /// Returns a builder holding every resolved setting of this config, including the HTTP
    /// client and identity cache, so a config rebuilt from it keeps sharing both.
    pub fn to_builder(&self) -> ClientConfigBuilder<S> {
        ClientConfigBuilder::with_fields(self.inner.settings.to_builder_fields())
    }

    /// Returns this config with the set fields of `config_override` layered on top (used for
    /// per-call overrides). The HTTP client and default plugins are reused.
    ///
    /// When the override brings its own credentials provider but no identity cache, the call
    /// gets a fresh short-lived cache so the shared cache does not accumulate partitions.
    pub fn with_override(&self, config_override: &ClientConfigBuilder<S>) -> ClientConfig<S> {
        let mut builder = self.to_builder();
        builder.merge(config_override);
        if config_override.fields.credentials_provider.is_some()
            && config_override.fields.identity_cache.is_none()
        {
            builder.fields.identity_cache = Some(IdentityCache::lazy().build());
        }
        let keep_metrics = config_override.fields.time_source.is_none();
        let default_http_client = self.inner.default_http_client && config_override.fields.http_client.is_none();
        builder.build_inner(Some(&self.inner), keep_metrics, default_http_client)
    }

    /// Whether a call made with `config_override` checks its input (the override's
    /// `validate_input`, when it sets one, wins), without building the merged config.
    pub(crate) fn validates_input_with(&self, config_override: Option<&ClientConfigBuilder<S>>) -> bool {
        config_override
            .and_then(|over| over.fields.validate_input)
            .unwrap_or(self.inner.settings.validate_input)
    }
}

impl<S: Service> ClientConfig<S> {
    /// The SigV4 signing name of the service (`""` for a service whose requests are not
    /// signed).
    pub fn signing_name(&self) -> &'static str {
        S::info().signing_name.unwrap_or_default()
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    // The types for no particular service (the default type parameter), so that
    // `ClientConfig::builder()` needs no annotation.
    type ClientConfig = super::ClientConfig;
    type ClientConfigBuilder = super::ClientConfigBuilder;

    /// A builder value's `Debug` text, `None` when unset (for `BuilderFields::values`).
    pub(super) fn value_if_set<T: IsSet + std::fmt::Debug>(value: &T) -> Option<String> {
        value.is_set().then(|| format!("{value:?}"))
    }

    /// Whether a builder value is set: the three shapes a builder field has.
    pub(super) trait IsSet {
        fn is_set(&self) -> bool;
    }
    impl<T> IsSet for Option<T> {
        fn is_set(&self) -> bool {
            self.is_some()
        }
    }
    impl<T> IsSet for Vec<T> {
        fn is_set(&self) -> bool {
            !self.is_empty()
        }
    }
    impl IsSet for bool {
        fn is_set(&self) -> bool {
            *self
        }
    }

    #[test]
    fn defaults() {
        let config = ClientConfig::builder().build();
        assert_eq!(config.retry_config().unwrap().max_attempts(), 3);
        assert_eq!(
            config.timeout_config().unwrap().connect_timeout(),
            Some(DEFAULT_CONNECT_TIMEOUT)
        );
        assert_eq!(
            config.timeout_config().unwrap().read_timeout(),
            Some(DEFAULT_READ_TIMEOUT)
        );
        assert!(config.timeout_config().unwrap().read_timeout() > Some(Duration::from_secs(60)));
        assert_eq!(config.timeout_config().unwrap().operation_timeout(), None);
        assert_eq!(config.timeout_config().unwrap().operation_attempt_timeout(), None);
        assert!(config.http_client().is_some());
        assert!(config.sleep_impl().is_some());
        assert!(!config.use_fips());
        assert!(config.stalled_stream_protection().unwrap().is_enabled());
        assert!(!config.disable_request_compression());
        assert!(!config.validate_input());
        assert_eq!(config.request_min_compression_size_bytes(), 10_240);
        assert!(uuid::Uuid::parse_str(&config.idempotency_token_provider().make_idempotency_token()).is_ok());
    }

    #[test]
    fn request_compression_and_token_settings_are_kept_merged_and_read_from_sdk_config() {
        let base = ClientConfig::builder()
            .disable_request_compression(true)
            .request_min_compression_size_bytes(0)
            .idempotency_token_provider("fixed")
            .build();
        let rebuilt = base.to_builder().build();
        assert!(rebuilt.disable_request_compression());
        assert_eq!(rebuilt.request_min_compression_size_bytes(), 0);
        assert_eq!(rebuilt.idempotency_token_provider().make_idempotency_token(), "fixed");
        let merged = base.with_override(&ClientConfigBuilder::new().request_min_compression_size_bytes(5));
        assert_eq!(merged.request_min_compression_size_bytes(), 5);
        assert!(merged.disable_request_compression());

        let sdk = SdkConfig::builder()
            .disable_request_compression(true)
            .request_min_compression_size_bytes(128)
            .behavior_version(BehaviorVersion::latest())
            .build();
        let from_sdk = ClientConfigBuilder::from(&sdk).build();
        assert!(from_sdk.disable_request_compression());
        assert_eq!(from_sdk.request_min_compression_size_bytes(), 128);
    }

    #[test]
    fn partial_timeout_config_keeps_other_defaults() {
        let config = ClientConfig::builder()
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(5))
                    .build(),
            )
            .build();
        let t = config.timeout_config().unwrap();
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(5)));
        assert_eq!(t.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(t.read_timeout(), Some(DEFAULT_READ_TIMEOUT));
    }

    #[test]
    fn override_layers_set_fields_and_shares_pool_and_cache() {
        let base = ClientConfig::builder()
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .use_fips(true)
            .build();
        let over = ClientConfigBuilder::new()
            .region(Region::new("eu-west-1"))
            .retry_config(RetryConfig::standard().with_max_attempts(1));
        let merged = base.with_override(&over);
        assert_eq!(merged.region().map(Region::as_ref), Some("eu-west-1"));
        assert_eq!(merged.retry_config().unwrap().max_attempts(), 1);
        assert!(merged.use_fips());
        assert!(merged.credentials_provider().is_some());
        // Same identity cache and HTTP client: the pool and cached credentials are shared.
        assert_eq!(
            format!("{:p}", Arc::as_ptr(&base.inner.defaults)),
            format!("{:p}", Arc::as_ptr(&merged.inner.defaults))
        );
        let rebuilt = base.to_builder().build();
        assert_eq!(rebuilt.region().map(Region::as_ref), Some("us-east-1"));
        assert!(rebuilt.use_fips());
    }

    #[cfg(feature = "http2-prior-knowledge")]
    #[test]
    fn http2_prior_knowledge_builds_its_client_only_over_the_default_one() {
        // Off (the default): no HTTP/2 client, calls keep the official client's behaviour.
        assert!(ClientConfig::builder().build().inner.http2_client().is_none());
        let on = ClientConfig::builder().http2_prior_knowledge(true).build();
        assert!(on.http2_prior_knowledge());
        assert!(on.inner.http2_client().is_some());
        // Clones share the config (and so its one client and pool); so does a per-call
        // override, also one that turns the setting on.
        assert!(Arc::ptr_eq(&on.inner, &on.clone().inner));
        let merged = on.with_override(&ClientConfigBuilder::new().region(Region::new("eu-west-1")));
        assert!(merged.inner.http2_client().is_some());
        assert!(Arc::ptr_eq(&on.inner.http2_client, &merged.inner.http2_client));
        let off = ClientConfig::builder().build();
        let turned_on = off.with_override(&ClientConfigBuilder::new().http2_prior_knowledge(true));
        assert!(turned_on.inner.http2_client().is_some());
        assert!(Arc::ptr_eq(&off.inner.http2_client, &turned_on.inner.http2_client));
        // A user's HTTP client is used as is, by the config and by an override that brings one.
        let default = ClientConfig::builder().build().http_client().expect("a default client");
        let user = ClientConfig::builder().http2_prior_knowledge(true).http_client(default.clone()).build();
        assert!(user.inner.http2_client().is_none());
        let merged = on.with_override(&ClientConfigBuilder::new().http_client(default));
        assert!(merged.inner.http2_client().is_none());
    }

    // Every setting, checked against the table: a setting forgotten (or mishandled) by
    // `merge`, `build` + `to_builder`, a per-call override or `From<&SdkConfig>` fails here.

    #[derive(Debug)]
    struct TestInterceptor;
    impl Intercept for TestInterceptor {
        fn name(&self) -> &'static str {
            "TestInterceptor"
        }
    }

    #[derive(Debug)]
    struct NoSleep;
    impl AsyncSleep for NoSleep {
        fn sleep(&self, _duration: Duration) -> aws_smithy_async::rt::sleep::Sleep {
            aws_smithy_async::rt::sleep::Sleep::new(std::future::ready(()))
        }
    }

    #[derive(Debug)]
    struct NoInvocationId;
    impl InvocationIdGenerator for NoInvocationId {
        fn generate(
            &self,
        ) -> Result<
            Option<aws_runtime::invocation_id::InvocationId>,
            aws_smithy_runtime_api::box_error::BoxError,
        > {
            Ok(None)
        }
    }

    #[derive(Debug)]
    struct NoAuthSchemeOptions;
    impl super::super::auth::ResolveAuthScheme for NoAuthSchemeOptions {
        fn resolve_auth_scheme<'a>(
            &'a self,
            _params: &'a super::super::auth::Params,
            _cfg: &'a aws_smithy_types::config_bag::ConfigBag,
            _runtime_components: &'a aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        ) -> aws_smithy_runtime_api::client::auth::AuthSchemeOptionsFuture<'a> {
            aws_smithy_runtime_api::client::auth::AuthSchemeOptionsFuture::ready(Ok(Vec::new()))
        }
    }

    /// Values other than the defaults, for the settings an `SdkConfig` carries too (so the
    /// builder and the `SdkConfig` of these tests hold the same ones).
    fn test_timeouts() -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(1))
            .read_timeout(Duration::from_secs(2))
            .operation_timeout(Duration::from_secs(3))
            .operation_attempt_timeout(Duration::from_secs(4))
            .build()
    }
    fn test_time_source() -> aws_smithy_async::time::StaticTimeSource {
        aws_smithy_async::time::StaticTimeSource::from_secs(1_000_000)
    }
    fn test_framework_metadata() -> FrameworkMetadata {
        FrameworkMetadata::new("framework", Some("1.0")).expect("valid framework metadata")
    }

    /// The values whose `Debug` tells instances apart (an identity cache partition): the same
    /// instances go into the builder and the `SdkConfig` of these tests.
    struct SharedValues {
        http_client: SharedHttpClient,
        credentials_provider: SharedCredentialsProvider,
    }
    fn shared_values() -> SharedValues {
        SharedValues {
            http_client: ClientConfig::builder().build().http_client().expect("a default HTTP client"),
            credentials_provider: SharedCredentialsProvider::new(Credentials::new(
                "AKID", "SECRET", None, None, "test",
            )),
        }
    }

    /// A builder with every setting of the table set, each to a value other than its default.
    fn every_setting_set(shared: &SharedValues) -> ClientConfigBuilder {
        let mut builder = ClientConfig::builder()
            .region(Region::new("eu-west-3"))
            .endpoint_url("https://example.com")
            .use_fips(true)
            .use_dual_stack(true)
            .http2_prior_knowledge(true)
            .retry_config(RetryConfig::standard().with_max_attempts(7))
            .timeout_config(test_timeouts())
            .sleep_impl(NoSleep)
            .time_source(test_time_source())
            .behavior_version(BehaviorVersion::latest())
            .app_name(AppName::new("every-setting").expect("valid app name"))
            .interceptor(TestInterceptor)
            .identity_cache(IdentityCache::no_cache())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .idempotency_token_provider("fixed-token")
            .disable_request_compression(true)
            .request_min_compression_size_bytes(1)
            .validate_input(true)
            .auth_scheme_resolver(NoAuthSchemeOptions)
            .push_auth_scheme(NoAuthScheme::new())
            .auth_scheme_preference([aws_smithy_runtime_api::client::auth::AuthSchemeId::from("sigv4a")])
            .allow_no_auth()
            .retry_partition(RetryPartition::new("every-setting"))
            .retry_classifier(HttpStatusCodeClassifier::default())
            .framework_metadata(test_framework_metadata())
            .disable_clock_skew_correction(true)
            .invocation_id_generator(NoInvocationId)
            .emit_input_attributes(["EndpointName"]);
        builder.set_http_client(Some(shared.http_client.clone()));
        builder.set_credentials_provider(Some(shared.credentials_provider.clone()));
        builder.set_endpoint_resolver(Some(SharedEndpointResolver::new(
            aws_smithy_runtime::client::orchestrator::endpoints::StaticUriEndpointResolver::uri(
                "https://resolver.example.com",
            ),
        )));
        builder
    }

    /// Each setting that `actual` does not hold as `expected` does, as `name: expected / actual`.
    fn settings_not_kept(expected: &ClientConfigBuilder, actual: &ClientConfigBuilder) -> Vec<String> {
        expected
            .fields
            .values()
            .into_iter()
            .zip(actual.fields.values())
            .filter(|(expected, actual)| expected != actual)
            .map(|((name, expected), (_, actual))| format!("{name}: {expected:?} / {actual:?}"))
            .collect()
    }

    #[test]
    fn the_test_builder_sets_every_setting_of_the_table() {
        let unset: Vec<&str> = every_setting_set(&shared_values())
            .fields
            .values()
            .into_iter()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name)
            .collect();
        assert!(unset.is_empty(), "every_setting_set() leaves {unset:?} unset: give each a value there");
        assert_eq!(SETTINGS.len(), every_setting_set(&shared_values()).fields.values().len());
    }

    #[test]
    fn every_setting_survives_build_and_to_builder() {
        let full = every_setting_set(&shared_values());
        let rebuilt = full.clone().build().to_builder();
        let lost = settings_not_kept(&full, &rebuilt);
        assert!(lost.is_empty(), "build().to_builder() lost:\n{}", lost.join("\n"));
        let rebuilt_twice = rebuilt.build().to_builder();
        let lost = settings_not_kept(&full, &rebuilt_twice);
        assert!(lost.is_empty(), "a second build().to_builder() lost:\n{}", lost.join("\n"));
    }

    #[test]
    fn every_setting_survives_merge_both_ways() {
        let full = every_setting_set(&shared_values());
        let mut onto_empty = ClientConfigBuilder::new();
        onto_empty.merge(&full);
        let lost = settings_not_kept(&full, &onto_empty);
        assert!(lost.is_empty(), "merged onto an empty builder, lost:\n{}", lost.join("\n"));

        let mut under_empty = full.clone();
        under_empty.merge(&ClientConfigBuilder::new());
        let lost = settings_not_kept(&full, &under_empty);
        assert!(lost.is_empty(), "an empty builder merged onto it, lost:\n{}", lost.join("\n"));
    }

    #[test]
    fn every_setting_of_a_per_call_override_reaches_the_call() {
        let full = every_setting_set(&shared_values());
        let overridden = ClientConfig::builder().build().with_override(&full).to_builder();
        let lost = settings_not_kept(&full, &overridden);
        assert!(lost.is_empty(), "with_override(..) lost:\n{}", lost.join("\n"));
    }

    /// The settings an `SdkConfig` carries, all set on the `SdkConfig` of the test below.
    const CARRIED_BY_SDK_CONFIG: &[&str] = &[
        "region",
        "credentials_provider",
        "endpoint_url",
        "use_fips",
        "use_dual_stack",
        "http_client",
        "retry_config",
        "timeout_config",
        "sleep_impl",
        "time_source",
        "behavior_version",
        "app_name",
        "identity_cache",
        "stalled_stream_protection",
        "disable_request_compression",
        "request_min_compression_size_bytes",
        "auth_scheme_preference",
        "framework_metadata",
        "disable_clock_skew_correction",
    ];

    #[test]
    fn every_setting_an_sdk_config_carries_is_read_from_it() {
        let shared = shared_values();
        let sdk = SdkConfig::builder()
            .region(Region::new("eu-west-3"))
            .credentials_provider(shared.credentials_provider.clone())
            .endpoint_url("https://example.com")
            .use_fips(true)
            .use_dual_stack(true)
            .http_client(shared.http_client.clone())
            .retry_config(RetryConfig::standard().with_max_attempts(7))
            .timeout_config(test_timeouts())
            .sleep_impl(NoSleep)
            .time_source(test_time_source())
            .behavior_version(BehaviorVersion::latest())
            .app_name(AppName::new("every-setting").expect("valid app name"))
            .identity_cache(IdentityCache::no_cache())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .disable_request_compression(true)
            .request_min_compression_size_bytes(1)
            .auth_scheme_preference([aws_smithy_runtime_api::client::auth::AuthSchemeId::from("sigv4a")])
            .framework_metadata(test_framework_metadata())
            .disable_clock_skew_correction(true)
            .build();
        let full = every_setting_set(&shared).fields.values();
        let from_sdk = ClientConfigBuilder::from(&sdk).fields.values();
        let mut wrong = Vec::new();
        for (&(name, has_source), ((_, set), (_, read))) in SETTINGS.iter().zip(full.iter().zip(&from_sdk)) {
            let carried = CARRIED_BY_SDK_CONFIG.contains(&name);
            if has_source != carried {
                wrong.push(match carried {
                    true => format!("{name}: an SdkConfig carries it, its row has no `from_sdk`"),
                    false => format!("{name}: its row reads it from an SdkConfig, this test does not set it there (add it to CARRIED_BY_SDK_CONFIG too)"),
                });
            }
            let expected = if carried { set.as_ref() } else { None };
            if read.as_ref() != expected {
                wrong.push(format!("{name}: expected {expected:?}, read {read:?}"));
            }
        }
        assert!(wrong.is_empty(), "From<&SdkConfig>:\n{}", wrong.join("\n"));
    }
}
