//! Auth scheme resolution with the official SDK crates' `config::auth` API: the parameters a
//! resolver receives ([`Params`]: the operation name), the resolver interface
//! ([`ResolveAuthScheme`]) and the service's default ([`DefaultAuthSchemeResolver`]).
//!
//! Nothing here depends on the service but the default's scheme list, so a generated crate's
//! `config::auth` re-exports these types; its `DefaultAuthSchemeResolver` is this one for its
//! service.

use super::{AnyService, Service};
use aws_runtime::auth::sigv4::SCHEME_ID as SIGV4_SCHEME_ID;
use aws_smithy_runtime::client::auth::no_auth::NO_AUTH_SCHEME_ID;
use aws_smithy_runtime_api::client::auth::{
    AuthSchemeOption, AuthSchemeOptionResolverParams, AuthSchemeOptionsFuture,
    ResolveAuthSchemeOptions, SharedAuthSchemeOptionResolver,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Lists the auth schemes to try for a call, most preferred first.
///
/// Implement it to choose schemes per operation; install it with the config builder's
/// `auth_scheme_resolver`.
pub trait ResolveAuthScheme: Send + Sync + fmt::Debug {
    /// The auth scheme options for the call `params` describes.
    fn resolve_auth_scheme<'a>(
        &'a self,
        params: &'a Params,
        cfg: &'a ConfigBag,
        runtime_components: &'a RuntimeComponents,
    ) -> AuthSchemeOptionsFuture<'a>;

    /// This resolver as the orchestrator's resolver, which finds this [`Params`] in the
    /// `AuthSchemeOptionResolverParams` of each call.
    fn into_shared_resolver(self) -> SharedAuthSchemeOptionResolver
    where
        Self: Sized + 'static,
    {
        SharedAuthSchemeOptionResolver::new(DowncastParams(self))
    }
}

/// The orchestrator's side of a [`ResolveAuthScheme`].
#[derive(Debug)]
struct DowncastParams<T>(T);

impl<T: ResolveAuthScheme> ResolveAuthSchemeOptions for DowncastParams<T> {
    fn resolve_auth_scheme_options_v2<'a>(
        &'a self,
        params: &'a AuthSchemeOptionResolverParams,
        cfg: &'a ConfigBag,
        runtime_components: &'a RuntimeComponents,
    ) -> AuthSchemeOptionsFuture<'a> {
        match params.get::<Params>() {
            Some(params) => self.0.resolve_auth_scheme(params, cfg, runtime_components),
            None => AuthSchemeOptionsFuture::ready(Err(
                "auth scheme resolver parameters of the expected type were not present".into(),
            )),
        }
    }
}

/// What an auth scheme resolver is told about a call.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    operation_name: Cow<'static, str>,
}

impl Params {
    /// A builder for [`Params`].
    pub fn builder() -> ParamsBuilder {
        ParamsBuilder::default()
    }

    /// The name of the operation being called, as the model names it (e.g. `InvokeEndpoint`).
    pub fn operation_name(&self) -> &str {
        &self.operation_name
    }

    /// The parameters of a call of `operation_name`.
    pub(crate) fn for_operation(operation_name: &'static str) -> Self {
        Self { operation_name: Cow::Borrowed(operation_name) }
    }
}

/// Builder for [`Params`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamsBuilder {
    operation_name: Option<Cow<'static, str>>,
}

impl ParamsBuilder {
    /// Sets the operation name (required).
    pub fn operation_name(self, operation_name: impl Into<Cow<'static, str>>) -> Self {
        self.set_operation_name(Some(operation_name.into()))
    }

    /// Sets or clears the operation name.
    pub fn set_operation_name(mut self, operation_name: Option<Cow<'static, str>>) -> Self {
        self.operation_name = operation_name;
        self
    }

    /// Builds the [`Params`]; fails when the operation name is missing.
    pub fn build(self) -> Result<Params, BuildError> {
        Ok(Params {
            operation_name: self.operation_name.ok_or(BuildError { field: "operation_name" })?,
        })
    }
}

/// A required field of [`ParamsBuilder`] was not set.
#[derive(Debug)]
pub struct BuildError {
    field: &'static str,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a required field was missing: `{}`", self.field)
    }
}

impl std::error::Error for BuildError {}

/// How one operation authenticates, from its model: as the service does, not at all, or
/// optionally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationAuth {
    /// The service's scheme: SigV4 for a service with `aws.auth#sigv4`, else none.
    Service,
    /// No authentication (`@auth([])`, or an `@auth` list without a scheme the client has):
    /// the request is sent unsigned and no credentials are needed.
    None,
    /// `@optionalAuth`: signed when credentials are configured, else sent unsigned.
    Optional,
}

/// The auth schemes a service's model names, for every operation: SigV4 for a service with
/// `aws.auth#sigv4`, else none ("no auth").
pub struct DefaultAuthSchemeResolver<S = AnyService> {
    options: Vec<AuthSchemeOption>,
    _service: PhantomData<fn() -> S>,
}

impl<S> DefaultAuthSchemeResolver<S> {
    /// The resolver for the service `info` describes.
    pub fn for_service_info(info: &super::ServiceInfo) -> Self {
        let scheme = match info.signing_name {
            Some(_) => SIGV4_SCHEME_ID,
            None => NO_AUTH_SCHEME_ID,
        };
        Self { options: vec![AuthSchemeOption::from(scheme)], _service: PhantomData }
    }

    /// The resolver for one operation of the service: the service's scheme, no scheme, or the
    /// service's with "no auth" after it, as the operation's model says.
    pub fn for_operation(info: &super::ServiceInfo, operation: &super::OperationInfo) -> Self {
        let mut resolver = Self::for_service_info(info);
        match operation.auth {
            OperationAuth::Service => {}
            OperationAuth::None => resolver.options = vec![AuthSchemeOption::from(NO_AUTH_SCHEME_ID)],
            OperationAuth::Optional => resolver.options.push(AuthSchemeOption::from(NO_AUTH_SCHEME_ID)),
        }
        resolver.options.dedup_by(|a, b| a.scheme_id() == b.scheme_id());
        resolver
    }
}

impl<S: Service> Default for DefaultAuthSchemeResolver<S> {
    fn default() -> Self {
        Self::for_service_info(S::info())
    }
}

impl<S> fmt::Debug for DefaultAuthSchemeResolver<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultAuthSchemeResolver")
            .field("options", &self.options)
            .finish()
    }
}

impl<S> ResolveAuthScheme for DefaultAuthSchemeResolver<S> {
    fn resolve_auth_scheme<'a>(
        &'a self,
        _params: &'a Params,
        _cfg: &'a ConfigBag,
        _runtime_components: &'a RuntimeComponents,
    ) -> AuthSchemeOptionsFuture<'a> {
        AuthSchemeOptionsFuture::ready(Ok(self.options.clone()))
    }
}
