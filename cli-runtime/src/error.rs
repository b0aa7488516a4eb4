//! Errors as the AWS CLI prints them, and its documented return codes.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// The AWS CLI's return codes ("Command line return codes in the AWS CLI").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// 0: the command succeeded.
    Success = 0,
    /// 2: the command line could not be parsed (missing or unknown commands or arguments).
    Usage = 2,
    /// 130: interrupted (SIGINT).
    Interrupted = 130,
    /// 252: a parameter value was incorrect and prevented the command from running.
    Syntax = 252,
    /// 253: the system environment or configuration was invalid (region, credentials, files).
    Environment = 253,
    /// 254: the request was made and the service returned an error.
    Service = 254,
    /// 255: any other failure (connection, timeout, unreadable response).
    General = 255,
}

/// A failure of the CLI: what to print on stderr and the exit status.
#[derive(Debug)]
pub struct CliError {
    /// The message (already printed when empty).
    pub message: String,
    /// The exit status.
    pub status: ExitStatus,
    /// The service's error code, for service errors.
    pub code: Option<String>,
    /// A modeled error's members other than its message (`OriginalStatusCode: 424`), in model
    /// order, printed after the message.
    pub details: Vec<(String, String)>,
}

impl CliError {
    fn new(status: ExitStatus, message: impl Into<String>) -> Self {
        CliError { message: message.into(), status, code: None, details: Vec::new() }
    }
    /// A command line that could not be parsed (exit 2).
    pub fn usage(message: impl std::fmt::Display) -> Self {
        Self::new(ExitStatus::Usage, message.to_string())
    }
    /// An incorrect parameter value (exit 252).
    pub fn param(message: impl Into<String>) -> Self {
        Self::new(ExitStatus::Syntax, message)
    }
    /// Invalid configuration or environment (exit 253).
    pub fn environment(message: impl Into<String>) -> Self {
        Self::new(ExitStatus::Environment, message)
    }
    /// Any other client-side failure (exit 255).
    pub fn client(message: impl Into<String>) -> Self {
        Self::new(ExitStatus::General, message)
    }
    /// A failure whose message was already printed (by clap).
    pub fn silent(status: ExitStatus) -> Self {
        Self::new(status, String::new())
    }

    /// Classifies an error of a generated client call: a service error prints as
    /// `An error occurred (Code) when calling the Op operation: message` (exit 254), everything
    /// else with its whole cause chain (exit 255; missing credentials or region 253).
    pub fn from_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        if let Some(service) = err.as_service_error() {
            // Error events of a stream carry their type in `:exception-type`, which (as in the
            // official client) is not their `code()`; a modeled one displays as `Type: message`,
            // and its type is what the AWS CLI prints as the code.
            let modeled_name = || {
                std::error::Error::source(service)?;
                let shown = service.to_string();
                let name = shown.split(": ").next().unwrap_or_default().to_string();
                (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(name)
            };
            let code = service.code().map(str::to_string).or_else(modeled_name).unwrap_or_else(|| "Unknown".to_string());
            let message = service.message().unwrap_or_default().to_string();
            return CliError { message, status: ExitStatus::Service, code: Some(code), details: Vec::new() };
        }
        let text = DisplayErrorContext(&err).to_string();
        let lower = text.to_ascii_lowercase();
        let status = if lower.contains("credential") || lower.contains("region") {
            ExitStatus::Environment
        } else {
            ExitStatus::General
        };
        Self::new(status, text)
    }

    /// Adds a modeled error's other members (as the generated glue reads them from the error
    /// type): strings as they are, other values as JSON. Only for service errors.
    pub fn with_details(mut self, details: serde_json::Map<String, serde_json::Value>) -> Self {
        if self.code.is_some() {
            self.details = details
                .into_iter()
                .map(|(name, value)| match value {
                    serde_json::Value::String(text) => (name, text),
                    other => (name, other.to_string()),
                })
                .collect();
        }
        self
    }

    /// Says where the failing value came from (`line 3 of standard input`), after the message.
    pub fn at(mut self, place: &str) -> Self {
        if !place.is_empty() && !self.message.is_empty() {
            self.message = format!("{} ({place})", self.message.trim_end());
        }
        self
    }

    /// Puts the operation name into a service error's message (the AWS CLI's wording).
    pub fn in_operation(mut self, operation: &str) -> Self {
        if let Some(code) = &self.code {
            self.message = format!("An error occurred ({code}) when calling the {operation} operation: {}", self.message);
        }
        self
    }

    /// Words a failed TLS handshake as the AWS CLI does (`SSL validation failed for URL cause`),
    /// given the URI of the request that failed.
    pub fn in_connection(mut self, uri: Option<String>) -> Self {
        if self.status != ExitStatus::General || self.code.is_some() {
            return self;
        }
        let markers = ["invalid peer certificate", "certificate verify failed", "tls handshake failed"];
        let lower = self.message.to_ascii_lowercase();
        if let Some(at) = markers.iter().filter_map(|m| lower.find(m)).min() {
            let cause = self.message[at..].split(" (").next().unwrap_or_default().trim_end().to_string();
            self.message = format!("SSL validation failed for {} {cause}", uri.unwrap_or_default());
        }
        self
    }

    /// Prints the message on stderr and returns the exit status.
    pub fn report(self) -> ExitStatus {
        if !self.message.is_empty() {
            if self.code.is_some() {
                eprintln!("\n{}", self.message);
                for (name, value) in &self.details {
                    eprintln!("{name}: {value}");
                }
            } else {
                eprintln!("\n{}", self.message.trim_end());
            }
        }
        self.status
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
