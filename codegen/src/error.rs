//! The generator's error type: every error names where in the model it is.

use std::fmt;

/// A generation failure: where (shape id, member or JSON path) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The shape id, `shape$member`, JSON path or file the problem is in.
    pub location: String,
    /// What is wrong, and where possible how to fix it.
    pub message: String,
}

/// Result alias used throughout the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error at a location (shape id, member id, JSON path or file).
    pub fn at(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error { location: location.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Several errors found in one pass, reported together so one run shows them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}
