//! Idempotency tokens for top-level `@idempotencyToken` input members the caller leaves unset:
//! [`IdempotencyTokenProvider`], a client setting that
//! [`fill_idempotency_token`](super::fill_idempotency_token) reads before the input is serialized.

use std::fmt;
use std::sync::Arc;

/// Makes the token a client sends for an `@idempotencyToken` input member left unset.
///
/// Default: [`random`](Self::random), a fresh UUID v4 per call, as the AWS SDKs do. A fixed
/// token makes requests reproducible in tests: `config.idempotency_token_provider("00000000-0000-4000-8000-000000000000")`.
/// A token set on the input is always sent as it is.
#[derive(Clone)]
pub struct IdempotencyTokenProvider {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Random,
    Fixed(Arc<str>),
    Custom(Arc<dyn Fn() -> String + Send + Sync>),
}

impl IdempotencyTokenProvider {
    /// A new random UUID v4 for every call (the default).
    pub fn random() -> Self {
        IdempotencyTokenProvider { inner: Inner::Random }
    }

    /// The same token for every call (for tests).
    pub fn fixed(token: impl Into<String>) -> Self {
        IdempotencyTokenProvider { inner: Inner::Fixed(token.into().into()) }
    }

    /// Tokens made by `f`, called once per call that needs one.
    pub fn from_fn(f: impl Fn() -> String + Send + Sync + 'static) -> Self {
        IdempotencyTokenProvider { inner: Inner::Custom(Arc::new(f)) }
    }

    /// Makes a token.
    pub fn make_idempotency_token(&self) -> String {
        match &self.inner {
            Inner::Random => crate::protocol::idempotency_token(),
            Inner::Fixed(token) => token.to_string(),
            Inner::Custom(f) => f(),
        }
    }
}

impl Default for IdempotencyTokenProvider {
    /// [`IdempotencyTokenProvider::random`].
    fn default() -> Self {
        Self::random()
    }
}

impl fmt::Debug for IdempotencyTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Random => f.write_str("IdempotencyTokenProvider::Random"),
            Inner::Fixed(token) => f.debug_tuple("IdempotencyTokenProvider::Fixed").field(token).finish(),
            Inner::Custom(_) => f.write_str("IdempotencyTokenProvider::Custom"),
        }
    }
}

impl From<&str> for IdempotencyTokenProvider {
    /// [`IdempotencyTokenProvider::fixed`].
    fn from(token: &str) -> Self {
        Self::fixed(token)
    }
}

impl From<String> for IdempotencyTokenProvider {
    /// [`IdempotencyTokenProvider::fixed`].
    fn from(token: String) -> Self {
        Self::fixed(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_fresh_uuids() {
        let provider = IdempotencyTokenProvider::default();
        let (a, b) = (provider.make_idempotency_token(), provider.make_idempotency_token());
        assert_ne!(a, b);
        assert_eq!(uuid::Uuid::parse_str(&a).map(|u| u.get_version_num()), Ok(4));
    }

    #[test]
    fn fixed_and_custom_tokens() {
        let fixed: IdempotencyTokenProvider = "00000000-0000-4000-8000-000000000000".into();
        assert_eq!(fixed.make_idempotency_token(), "00000000-0000-4000-8000-000000000000");
        let counter = std::sync::atomic::AtomicU32::new(0);
        let custom = IdempotencyTokenProvider::from_fn(move || {
            format!("token-{}", counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        });
        assert_eq!(custom.make_idempotency_token(), "token-0");
        assert_eq!(custom.make_idempotency_token(), "token-1");
    }
}
