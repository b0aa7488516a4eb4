//! Input checks before a call (the `validate_input` setting): the generated crate's validators
//! (its `validate` feature, the same ones its server stub runs) walk the input, and a call whose
//! input breaks a constraint fails as `SdkError::ConstructionFailure`, as the official SDK
//! crates report an input their builders reject (`BuildError`), before anything is signed or
//! sent.

use super::config::{ClientConfig, ClientConfigBuilder};
use super::error::ConfigError;
use super::ServiceInfo;
#[cfg(feature = "validate")]
use super::OperationInfo;
use aws_smithy_runtime_api::client::result::SdkError;
#[cfg(feature = "validate")]
use crate::constraints::{Violation, Violations};
#[cfg(feature = "validate")]
use std::fmt;

/// An input that breaks the model's constraints: the source of the
/// `SdkError::ConstructionFailure` of a call made with `validate_input` on.
///
/// Its message names the operation and, for each violation, the member path (`Tags[2].Key`),
/// the constraint and the value's length; the value itself only when it is not `@sensitive`.
/// [`violations`](Self::violations) gives them typed.
///
/// ```no_run
/// # fn f(err: aws_smithy_runtime_api::client::result::SdkError<std::io::Error, ()>) {
/// use smithygen_runtime::client::InvalidInput;
/// if let Some(invalid) = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<InvalidInput>()) {
///     for violation in invalid.violations() {
///         eprintln!("{}: {:?}", violation.member_path(), violation.constraint);
///     }
/// }
/// # }
/// ```
#[cfg(feature = "validate")]
#[derive(Debug)]
pub struct InvalidInput {
    operation: &'static str,
    violations: Vec<Violation>,
}

#[cfg(feature = "validate")]
impl InvalidInput {
    /// The operation whose input was rejected, by its model name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Every violation found, in the order of the input's members.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

#[cfg(feature = "validate")]
impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        let plural = if n == 1 { "" } else { "s" };
        let each: Vec<String> = self.violations.iter().map(Violation::client_message).collect();
        write!(
            f,
            "invalid input for {}, not sent: {n} constraint violation{plural}: {}",
            self.operation,
            each.join("; ")
        )
    }
}

#[cfg(feature = "validate")]
impl std::error::Error for InvalidInput {}

/// Checks `input` with its generated `validator` when the call's configuration (`config`, then
/// `config_override`) has `validate_input` on; an input with violations fails the call with
/// an [`InvalidInput`].
#[cfg(feature = "validate")]
pub fn validate_input<S, I, E, R>(
    config: &ClientConfig<S>,
    config_override: Option<&ClientConfigBuilder<S>>,
    operation: &'static OperationInfo,
    input: &I,
    validator: fn(&I, &mut Violations),
) -> Result<(), SdkError<E, R>> {
    if !config.validates_input_with(config_override) {
        return Ok(());
    }
    let mut violations = Violations::new();
    validator(input, &mut violations);
    if violations.is_empty() {
        return Ok(());
    }
    let invalid = InvalidInput { operation: operation.name, violations: violations.into_violations() };
    tracing::debug!(operation = operation.name, error = %invalid, "input rejected before sending");
    Err(SdkError::construction_failure(invalid))
}

/// For a crate built without its `validate` feature: a call whose configuration has
/// `validate_input` on fails (a [`ConfigError`] naming the feature) rather than go unchecked.
pub fn input_validation_unavailable<S, E, R>(
    config: &ClientConfig<S>,
    config_override: Option<&ClientConfigBuilder<S>>,
    service: &'static ServiceInfo,
) -> Result<(), SdkError<E, R>> {
    if config.validates_input_with(config_override) {
        return Err(SdkError::construction_failure(ConfigError::InputValidationUnavailable {
            crate_name: service.crate_name,
        }));
    }
    Ok(())
}
