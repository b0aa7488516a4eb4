//! Types every generated crate re-exports unchanged: [`Unhandled`], the error no model shape
//! describes, and [`UnknownVariantValue`], the text of an enum value a crate does not know.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};

/// An error no model shape describes: an unknown code, or a response that could not be read.
#[derive(Debug)]
pub struct Unhandled {
    source: BoxError,
    meta: ErrorMetadata,
}

impl Unhandled {
    /// The error with its cause and whatever metadata (code, message, request id) was read.
    /// Generated code builds these; applications match on them.
    #[doc(hidden)]
    pub fn new(source: BoxError, meta: ErrorMetadata) -> Self {
        Self { source, meta }
    }

    /// An error read from metadata alone: the metadata is also the cause.
    #[doc(hidden)]
    pub fn from_meta(meta: ErrorMetadata) -> Self {
        Self { source: meta.clone().into(), meta }
    }
}

impl std::fmt::Display for Unhandled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.meta.code(), self.meta.message()) {
            (Some(code), Some(msg)) => write!(f, "unhandled error ({code}): {msg}"),
            (Some(code), None) => write!(f, "unhandled error ({code})"),
            _ => write!(f, "unhandled error: {}", self.source),
        }
    }
}

impl std::error::Error for Unhandled {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref() as _)
    }
}

impl ProvideErrorMetadata for Unhandled {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// The text of an enum value this version of the crate does not know.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownVariantValue(String);

impl UnknownVariantValue {
    /// The value as received. Generated code builds these when reading an enum.
    #[doc(hidden)]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhandled_says_its_code_and_message() {
        let meta = ErrorMetadata::builder().code("Weird").message("went wrong").build();
        assert_eq!(Unhandled::from_meta(meta).to_string(), "unhandled error (Weird): went wrong");
        let bare = Unhandled::new("no body".into(), ErrorMetadata::default());
        assert_eq!(bare.to_string(), "unhandled error: no body");
        assert_eq!(UnknownVariantValue::new("NEW").as_str(), "NEW");
    }
}
