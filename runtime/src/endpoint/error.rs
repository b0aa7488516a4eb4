//! Errors of the rules engine: loading a rule set, and resolving an endpoint.

use std::fmt;

/// A rule set (or partition data) could not be loaded.
///
/// Names the place in the JSON document (e.g. `$.rules[2].conditions[0].fn`)
/// and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSetError {
    path: String,
    message: String,
}

impl RuleSetError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// JSON path of the offending element, e.g. `$.parameters.Region.type`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong at [`path`](Self::path).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid endpoint rule set at {}: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for RuleSetError {}

/// The broad reason an endpoint could not be resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResolveErrorKind {
    /// An error rule of the rule set matched; the message is the rule's own text.
    RuleError,
    /// A required parameter had neither a value nor a default.
    MissingRequiredParameter,
    /// A parameter was given a value of the wrong type.
    InvalidParameterType,
    /// The rules (or the rules under a tree rule) were exhausted without a match.
    NoRuleMatched,
    /// The rule set is inconsistent at run time (e.g. a function received a
    /// value of the wrong type, or a template referenced an unset value).
    Evaluation,
}

/// An endpoint could not be resolved.
///
/// For [`ResolveErrorKind::RuleError`], `Display` is exactly the error rule's
/// message, so it can be compared with `expect.error` in endpoint tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    kind: ResolveErrorKind,
    message: String,
}

impl ResolveError {
    pub(crate) fn new(kind: ResolveErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn evaluation(message: impl Into<String>) -> Self {
        Self::new(ResolveErrorKind::Evaluation, message)
    }

    /// Why resolution failed.
    pub fn kind(&self) -> ResolveErrorKind {
        self.kind
    }

    /// The message; identical to the `Display` output.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ResolveError {}
