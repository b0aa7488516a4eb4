//! `.customize()` on generated fluent builders: per-call config override, interceptors and
//! request mutation, with the official SDK crates' `CustomizableOperation` API.

use super::config::ClientConfigBuilder;
use aws_smithy_runtime::client::interceptors::{MapRequestInterceptor, MutateRequestInterceptor};
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::SdkError;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// The result of sending a customized operation.
pub type SendResult<T, E> = Result<T, SdkError<E, HttpResponse>>;

/// A boxed, sendable future, as [`CustomizableSend::send`] returns.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Implemented by every generated fluent builder: sends the operation with a config override.
pub trait CustomizableSend<T, E>: Send + Sync {
    /// The service whose configuration the override is (the generated crate's `config::Builder`
    /// is `ClientConfigBuilder<Self::Service>`).
    type Service;

    /// Sends the operation with `config_override` layered over the client's configuration.
    fn send(self, config_override: ClientConfigBuilder<Self::Service>) -> BoxFuture<SendResult<T, E>>;
}

/// An operation being customized before it is sent (`client.op().customize()`): override
/// configuration for this call, add interceptors, or change the HTTP request.
pub struct CustomizableOperation<T, E, B> {
    customizable_send: B,
    config_override: Option<ClientConfigBuilder>,
    interceptors: Vec<SharedInterceptor>,
    _output: PhantomData<T>,
    _error: PhantomData<E>,
}

impl<T, E, B> std::fmt::Debug for CustomizableOperation<T, E, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomizableOperation")
            .field("config_override", &self.config_override)
            .field("interceptors", &self.interceptors.len())
            .finish_non_exhaustive()
    }
}

impl<T, E, B> CustomizableOperation<T, E, B> {
    /// Wraps a fluent builder.
    pub fn new(customizable_send: B) -> Self {
        Self {
            customizable_send,
            config_override: None,
            interceptors: Vec::new(),
            _output: PhantomData,
            _error: PhantomData,
        }
    }

    /// Adds an interceptor that runs for this call only, after the client's.
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.interceptors.push(SharedInterceptor::new(interceptor));
        self
    }

    /// Replaces the HTTP request before it is signed and sent (on every attempt); an error
    /// fails the call.
    pub fn map_request<F, MapE>(mut self, f: F) -> Self
    where
        F: Fn(HttpRequest) -> Result<HttpRequest, MapE> + Send + Sync + 'static,
        MapE: std::error::Error + Send + Sync + 'static,
    {
        self.interceptors
            .push(SharedInterceptor::new(MapRequestInterceptor::new(f)));
        self
    }

    /// Changes the HTTP request in place before it is signed and sent (on every attempt).
    pub fn mutate_request<F>(mut self, f: F) -> Self
    where
        F: Fn(&mut HttpRequest) + Send + Sync + 'static,
    {
        self.interceptors
            .push(SharedInterceptor::new(MutateRequestInterceptor::new(f)));
        self
    }

    /// Overrides client configuration (timeouts, retries, endpoint, ...) for this call only.
    pub fn config_override(mut self, config_override: impl Into<ClientConfigBuilder<B::Service>>) -> Self
    where
        B: CustomizableSend<T, E>,
    {
        // Kept untagged here (the struct does not name the service); re-tagged in `send`.
        self.config_override = Some(config_override.into().for_service());
        self
    }

    /// Sends the customized operation.
    pub async fn send(self) -> SendResult<T, E>
    where
        E: std::error::Error + Send + Sync + 'static,
        B: CustomizableSend<T, E>,
    {
        let mut config_override = self.config_override.unwrap_or_default();
        for interceptor in self.interceptors {
            config_override.push_interceptor(interceptor);
        }
        self.customizable_send.send(config_override.for_service()).await
    }
}
