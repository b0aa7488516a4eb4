//! What a generated crate's typed endpoint API (`config::endpoint`) is built from: the
//! adapter that hands a resolver of the crate's `Params` to the orchestrator, and the error of
//! the crate's `ParamsBuilder::build`.

use aws_smithy_runtime_api::client::endpoint::{
    EndpointFuture, EndpointResolverParams, ResolveEndpoint,
};
use std::borrow::Cow;
use std::fmt;

/// Resolves through a service-specific resolver `R` of typed parameters `P`: the orchestrator
/// passes `EndpointResolverParams`, and this finds the `P` in them (as the official SDK crates'
/// `into_shared_resolver` does). Generated crates' `ResolveEndpoint::into_shared_resolver`
/// returns one of these, shared.
pub struct TypedResolver<R, P> {
    resolver: R,
    resolve: for<'a> fn(&'a R, &'a P) -> EndpointFuture<'a>,
}

impl<R, P> TypedResolver<R, P> {
    /// `resolve` is the typed resolution method of `resolver` (e.g.
    /// `<R as ResolveEndpoint>::resolve_endpoint`).
    pub fn new(resolver: R, resolve: for<'a> fn(&'a R, &'a P) -> EndpointFuture<'a>) -> Self {
        Self { resolver, resolve }
    }
}

impl<R: fmt::Debug, P> fmt::Debug for TypedResolver<R, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TypedResolver").field(&self.resolver).finish()
    }
}

impl<R, P> ResolveEndpoint for TypedResolver<R, P>
where
    R: fmt::Debug + Send + Sync,
    P: fmt::Debug + Send + Sync + 'static,
{
    fn resolve_endpoint<'a>(&'a self, params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
        match params.get::<P>() {
            Some(params) => (self.resolve)(&self.resolver, params),
            None => EndpointFuture::ready(Err(format!(
                "endpoint parameters of type {} were not present",
                std::any::type_name::<P>()
            )
            .into())),
        }
    }
}

/// The typed endpoint parameters could not be built: a required parameter is missing, or a
/// value is invalid (e.g. a region that is not a valid host label).
#[derive(Debug)]
pub struct InvalidParams {
    field: Cow<'static, str>,
    kind: InvalidParamsKind,
}

#[derive(Debug)]
enum InvalidParamsKind {
    Missing,
    InvalidValue { message: &'static str },
}

impl InvalidParams {
    /// `field` (the `Params` field name) is required and was not set.
    pub fn missing(field: &'static str) -> Self {
        Self { field: field.into(), kind: InvalidParamsKind::Missing }
    }

    /// `field` has a value the parameter does not accept; `message` says why.
    pub fn invalid_value(field: &'static str, message: &'static str) -> Self {
        Self { field: field.into(), kind: InvalidParamsKind::InvalidValue { message } }
    }
}

impl fmt::Display for InvalidParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            InvalidParamsKind::Missing => write!(f, "a required field was missing: `{}`", self.field),
            InvalidParamsKind::InvalidValue { message } => {
                write!(f, "invalid value for field: `{}` - {message}", self.field)
            }
        }
    }
}

impl std::error::Error for InvalidParams {}
