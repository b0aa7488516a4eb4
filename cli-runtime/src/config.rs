//! Global options (the AWS CLI's names) and the client configuration they make, through
//! aws-config (profiles, environment variables and files as usual).

use crate::error::CliError;
use crate::spec::{Location, MemberSpec, OperationSpec};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::timeout::TimeoutConfig;
use clap::{Arg, ArgMatches};
use smithygen_runtime::client::ClientConfig;
use std::time::Duration;

/// How blob parameters given inline or with `file://` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryFormat {
    /// Base64 text (the AWS CLI v2 default).
    Base64,
    /// The text's own bytes.
    RawInBase64Out,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Indented JSON.
    Json,
    /// Tab-separated text.
    Text,
    /// A boxed table.
    Table,
    /// YAML.
    Yaml,
    /// YAML as a stream of documents.
    YamlStream,
}

/// The global options of one run.
#[derive(Debug, Clone)]
pub struct Globals {
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--debug`.
    pub debug: bool,
    /// `--no-verify-ssl`.
    pub no_verify_ssl: bool,
    /// `--ca-bundle`.
    pub ca_bundle: Option<String>,
    /// `--no-sign-request`.
    pub no_sign_request: bool,
    /// `--cli-read-timeout` in seconds (0: none).
    pub read_timeout: Option<u64>,
    /// `--cli-connect-timeout` in seconds (0: none).
    pub connect_timeout: Option<u64>,
    /// `--output`.
    pub output: OutputFormat,
    /// `--query`.
    pub query: Option<String>,
    /// Whether to color (from `--color` and the terminal).
    pub color: bool,
    /// `--cli-binary-format`.
    pub binary_format: BinaryFormat,
}

/// The long names of the global options: no member option may take one of them.
pub const GLOBAL_OPTIONS: &[&str] = &[
    "endpoint-url",
    "region",
    "profile",
    "output",
    "query",
    "color",
    "cli-binary-format",
    "ca-bundle",
    "cli-read-timeout",
    "cli-connect-timeout",
    "debug",
    "no-verify-ssl",
    "no-sign-request",
    "print-request",
];

/// The global options, as clap arguments.
pub fn global_args() -> Vec<Arg> {
    let value = |id: &'static str, help: &'static str| Arg::new(id).long(id).help(help);
    vec![
        value("endpoint-url", "Sends requests to this URL instead of the endpoint the region resolves to.").value_name("url"),
        value("region", "The region to call (else AWS_REGION, AWS_DEFAULT_REGION or the profile's region).").value_name("region"),
        value("profile", "The named profile of the shared config and credentials files (else AWS_PROFILE).").value_name("name"),
        value("output", "The output format (else AWS_DEFAULT_OUTPUT, default json).")
            .value_parser(["json", "text", "table", "yaml", "yaml-stream"])
            .env("AWS_DEFAULT_OUTPUT"),
        value("query", "A JMESPath query applied to the output before it is printed.").value_name("jmespath"),
        value("color", "Colors output: on, off or auto (a terminal only).").value_parser(["on", "off", "auto"]).default_value("auto"),
        value("cli-binary-format", "How inline and file:// blob values are read: base64 (default) or raw-in-base64-out.")
            .value_parser(["base64", "raw-in-base64-out"])
            .default_value("base64"),
        value("ca-bundle", "PEM file of the CA certificates to trust for HTTPS, instead of the platform's (else AWS_CA_BUNDLE or the profile's ca_bundle).").value_name("path"),
        value("cli-read-timeout", "Longest wait for data on a connection, in seconds; 0 means no limit (default 60).").value_name("seconds").value_parser(clap::value_parser!(u64)),
        value("cli-connect-timeout", "Longest wait to open a connection, in seconds; 0 means no limit (default 60).").value_name("seconds").value_parser(clap::value_parser!(u64)),
        crate::bool_arg("debug", "Prints each request and response on standard error (signatures and credentials redacted)."),
        crate::bool_arg("no-verify-ssl", "Does not verify TLS certificates (a warning is printed): for a test server only."),
        crate::bool_arg("no-sign-request", "Sends requests unsigned, without loading credentials."),
    ]
}

impl Globals {
    /// Reads the global options from a subcommand's matches (they are global arguments).
    pub fn from_matches(m: &ArgMatches) -> Result<Self, CliError> {
        let s = |id: &str| m.get_one::<String>(id).cloned();
        let output = match s("output").as_deref() {
            None | Some("json") => OutputFormat::Json,
            Some("text") => OutputFormat::Text,
            Some("table") => OutputFormat::Table,
            Some("yaml") => OutputFormat::Yaml,
            Some("yaml-stream") => OutputFormat::YamlStream,
            Some(other) => return Err(CliError::param(format!("unknown output format `{other}`"))),
        };
        let color = match s("color").as_deref() {
            Some("on") => true,
            Some("off") => false,
            _ => std::io::IsTerminal::is_terminal(&std::io::stdout()),
        };
        let binary_format = match s("cli-binary-format").as_deref() {
            Some("raw-in-base64-out") => BinaryFormat::RawInBase64Out,
            _ => BinaryFormat::Base64,
        };
        Ok(Globals {
            endpoint_url: s("endpoint-url"),
            region: s("region"),
            profile: s("profile"),
            debug: crate::flag(m, "debug"),
            no_verify_ssl: crate::flag(m, "no-verify-ssl"),
            ca_bundle: s("ca-bundle"),
            no_sign_request: crate::flag(m, "no-sign-request"),
            read_timeout: m.get_one::<u64>("cli-read-timeout").copied(),
            connect_timeout: m.get_one::<u64>("cli-connect-timeout").copied(),
            output,
            query: s("query"),
            color,
            binary_format,
        })
    }
}

fn timeout(seconds: Option<u64>) -> Option<Duration> {
    match seconds {
        Some(0) => None,
        Some(s) => Some(Duration::from_secs(s)),
        None => Some(Duration::from_secs(60)),
    }
}

/// The TLS options among the global ones: what the command's client and any other client a
/// command builds (the S3 reader of `--wait-for-result`) connect with.
impl<'a> From<&'a Globals> for crate::tls::TlsOptions<'a> {
    fn from(g: &'a Globals) -> Self {
        crate::tls::TlsOptions {
            no_verify_ssl: g.no_verify_ssl,
            ca_bundle: g.ca_bundle.as_deref(),
            profile: g.profile.as_deref(),
            connect_timeout: g.connect_timeout,
        }
    }
}

/// The generated client's configuration for these options, loaded through aws-config; `op` is
/// the operation about to be called (its members' sensitivity drives `--debug` redaction).
pub async fn client_config(g: &Globals, op: &'static OperationSpec, input: &serde_json::Map<String, serde_json::Value>) -> Result<ClientConfig, CliError> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(profile) = &g.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &g.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(url) = &g.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if g.no_sign_request {
        // No credential chain is searched: the request is not signed.
        loader = loader.no_credentials();
    }
    let mut timeouts = TimeoutConfig::builder();
    timeouts.set_read_timeout(timeout(g.read_timeout));
    timeouts.set_connect_timeout(timeout(g.connect_timeout));
    loader = loader.timeout_config(timeouts.build());
    if let Some(client) = crate::tls::http_client(crate::tls::TlsOptions::from(g)).await? {
        loader = loader.http_client(client);
    }
    let sdk = loader.load().await;
    if sdk.region().is_none() && g.endpoint_url.is_none() {
        return Err(CliError::environment("You must specify a region. You can also configure your region by running \"aws configure\"."));
    }
    let mut builder = smithygen_runtime::client::ClientConfigBuilder::from(&sdk);
    builder = builder.interceptor(RequestUri);
    if g.no_sign_request {
        // The client's own "no auth" scheme, the only option for every operation: no signature,
        // no credentials needed, as the AWS CLI's UNSIGNED signer.
        builder = builder.allow_no_auth().auth_scheme_resolver(Unsigned);
    }
    if g.debug {
        builder = builder.interceptor(DebugTrace { op, input: input.clone() });
    }
    Ok(builder.build())
}

/// The URI of the last request sent, for messages about a failed connection (the AWS CLI names
/// the URL whose TLS validation failed).
static LAST_URI: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// The URI of the last request sent, if any was.
pub fn last_request_uri() -> Option<String> {
    LAST_URI.lock().ok().and_then(|uri| uri.clone())
}

#[derive(Debug)]
struct RequestUri;

impl Intercept for RequestUri {
    fn name(&self) -> &'static str {
        "cli-request-uri"
    }

    fn read_before_transmit(&self, ctx: &BeforeTransmitInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        if let Ok(mut last) = LAST_URI.lock() {
            *last = Some(ctx.request().uri().to_string());
        }
        Ok(())
    }
}

/// `--no-sign-request`: every call resolves to the "no auth" scheme (an anonymous request, as
/// the AWS CLI sends it).
#[derive(Debug)]
struct Unsigned;

impl smithygen_runtime::client::auth::ResolveAuthScheme for Unsigned {
    fn resolve_auth_scheme<'a>(
        &'a self,
        _: &'a smithygen_runtime::client::auth::Params,
        _: &'a ConfigBag,
        _: &'a RuntimeComponents,
    ) -> aws_smithy_runtime_api::client::auth::AuthSchemeOptionsFuture<'a> {
        let no_auth = aws_smithy_runtime_api::client::auth::AuthSchemeOption::from(aws_smithy_runtime::client::auth::no_auth::NO_AUTH_SCHEME_ID);
        aws_smithy_runtime_api::client::auth::AuthSchemeOptionsFuture::ready(Ok(vec![no_auth]))
    }
}

/// `--debug`: the request and response as sent and received, with secrets redacted: the
/// signature, the session token, and every value the model marks `@sensitive` (headers, query
/// parameters, URI labels and bodies holding one).
#[derive(Debug)]
struct DebugTrace {
    op: &'static OperationSpec,
    /// The call's canonical input: the values of sensitive URI labels to find in the URI.
    input: serde_json::Map<String, serde_json::Value>,
}

/// What replaces a secret (the wording of the SDK's redacted `Debug` output).
pub(crate) const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Headers whose values never appear in a trace, whatever the model says.
const SECRET_HEADERS: &[&str] = &["x-amz-security-token"];

/// Whether the value of this header carries a sensitive member of `members`.
fn sensitive_header(members: &[MemberSpec], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&lower.as_str())
        || members.iter().any(|m| {
            (m.sensitive || m.kind.holds_sensitive())
                && match m.location {
                    Location::Header(h) => h.eq_ignore_ascii_case(&lower),
                    Location::PrefixHeaders(p) => lower.starts_with(&p.to_ascii_lowercase()),
                    _ => false,
                }
        })
}

/// Whether the body holds a sensitive member of `members` (the payload, or one in the document).
pub(crate) fn sensitive_body(members: &[MemberSpec]) -> bool {
    members.iter().any(|m| matches!(m.location, Location::Payload | Location::Body) && (m.sensitive || m.kind.holds_sensitive()))
}

pub(crate) fn header_line(members: &[MemberSpec], name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization") {
        // Keep the algorithm, credential scope and signed headers; drop the signature.
        let kept = value.split("Signature=").next().unwrap_or_default();
        return format!("  {name}: {kept}Signature={REDACTED}");
    }
    if sensitive_header(members, name) {
        return format!("  {name}: {REDACTED}");
    }
    format!("  {name}: {value}")
}

/// The request URI with the values of sensitive query parameters and labels redacted.
pub(crate) fn redact_uri(members: &[MemberSpec], input: &serde_json::Map<String, serde_json::Value>, uri: &str) -> String {
    let mut out = uri.to_string();
    for m in members.iter().filter(|m| m.sensitive || m.kind.holds_sensitive()) {
        match m.location {
            Location::Label => {
                if let Some(v) = input.get(m.name).and_then(|v| v.as_str()).filter(|v| !v.is_empty()) {
                    let encoded = percent_encoding::utf8_percent_encode(v, LABEL).to_string();
                    for form in [encoded.as_str(), v] {
                        out = out.replace(&format!("/{form}"), &format!("/{REDACTED}"));
                    }
                }
            }
            Location::Query(name) => {
                if let Some((path, query)) = out.split_once('?') {
                    let redacted: Vec<String> = query
                        .split('&')
                        .map(|pair| match pair.split_once('=') {
                            Some((k, _)) if k == name => format!("{k}={REDACTED}"),
                            _ => pair.to_string(),
                        })
                        .collect();
                    out = format!("{path}?{}", redacted.join("&"));
                }
            }
            Location::QueryParams => {
                if let Some((path, _)) = out.split_once('?') {
                    out = format!("{path}?{REDACTED}");
                }
            }
            _ => {}
        }
    }
    out
}

/// What a URI label escapes: everything but RFC 3986's unreserved characters.
const LABEL: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A body for the trace: text as it is (cut after 4 KiB), other bytes by length.
pub(crate) fn body_text(bytes: &[u8]) -> String {
    const LIMIT: usize = 4096;
    match std::str::from_utf8(bytes) {
        Ok(text) if text.len() <= LIMIT => text.to_string(),
        Ok(text) => format!("{}... ({} bytes)", &text[..text.char_indices().take_while(|(i, _)| *i < LIMIT).last().map(|(i, c)| i + c.len_utf8()).unwrap_or(0)], bytes.len()),
        Err(_) => format!("<{} bytes of binary data>", bytes.len()),
    }
}

impl Intercept for DebugTrace {
    fn name(&self) -> &'static str {
        "cli-debug-trace"
    }

    fn read_before_transmit(&self, ctx: &BeforeTransmitInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        let req = ctx.request();
        let members = self.op.input;
        let mut text = format!("DEBUG request: {} {}\n", req.method(), redact_uri(members, &self.input, req.uri()));
        for (name, value) in req.headers() {
            text.push_str(&header_line(members, name, value));
            text.push('\n');
        }
        match req.body().bytes() {
            Some(bytes) if sensitive_body(members) => text.push_str(&format!("  body: {REDACTED} ({} bytes)\n", bytes.len())),
            Some(bytes) => text.push_str(&format!("  body: {}\n", body_text(bytes))),
            None => text.push_str("  body: (streamed)\n"),
        }
        eprint!("{text}");
        Ok(())
    }

    fn read_before_deserialization(&self, ctx: &BeforeDeserializationInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        let resp = ctx.response();
        let members = self.op.output;
        let mut text = format!("DEBUG response: {}\n", resp.status().as_u16());
        for (name, value) in resp.headers() {
            text.push_str(&header_line(members, name, value));
            text.push('\n');
        }
        eprint!("{text}");
        Ok(())
    }

    fn read_after_deserialization(&self, ctx: &AfterDeserializationInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        // The body once read (a streamed body is the command's output and is not shown).
        let resp = ctx.response();
        if let Some(bytes) = resp.body().bytes() {
            if sensitive_body(self.op.output) && resp.status().is_success() {
                eprintln!("DEBUG response body: {REDACTED} ({} bytes)", bytes.len());
            } else {
                eprintln!("DEBUG response body: {}", body_text(bytes));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: OperationSpec = OperationSpec { name: "Op", command: "op", docs: "", input: &[], output: &[], payload_out: None, streaming: false, decode: false, input_events: None, wait: None };

    fn globals(read: Option<u64>, connect: Option<u64>) -> Globals {
        Globals {
            endpoint_url: Some("http://127.0.0.1:9".into()),
            region: Some("us-east-1".into()),
            profile: None,
            debug: false,
            no_verify_ssl: false,
            ca_bundle: None,
            no_sign_request: true,
            read_timeout: read,
            connect_timeout: connect,
            output: OutputFormat::Json,
            query: None,
            color: false,
            binary_format: BinaryFormat::Base64,
        }
    }

    /// The AWS CLI's timeouts: 60 s unless given, 0 for none (not the client's own defaults).
    #[tokio::test]
    async fn timeouts_zero_means_none() {
        let config = client_config(&globals(Some(0), Some(0)), &OP, &Default::default()).await.unwrap();
        let t = config.timeout_config().unwrap();
        assert_eq!((t.read_timeout(), t.connect_timeout()), (None, None));
        let config = client_config(&globals(None, Some(7)), &OP, &Default::default()).await.unwrap();
        let t = config.timeout_config().unwrap();
        assert_eq!((t.read_timeout(), t.connect_timeout()), (Some(Duration::from_secs(60)), Some(Duration::from_secs(7))));
    }
}
