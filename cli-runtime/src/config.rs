//! Global options (the AWS CLI's names) and the client configuration they make, through
//! aws-config (profiles, environment variables and files as usual).

use crate::error::CliError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef};
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
        value("ca-bundle", "PEM file of CA certificates to trust for HTTPS (not supported yet: refused).").value_name("path"),
        value("cli-read-timeout", "Longest wait for data on a connection, in seconds; 0 means no limit (default 60).").value_name("seconds").value_parser(clap::value_parser!(u64)),
        value("cli-connect-timeout", "Longest wait to open a connection, in seconds; 0 means no limit (default 60).").value_name("seconds").value_parser(clap::value_parser!(u64)),
        crate::bool_arg("debug", "Prints each request and response on standard error (signatures and credentials redacted)."),
        crate::bool_arg("no-verify-ssl", "Does not verify TLS certificates (not supported: refused)."),
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

/// The generated client's configuration for these options, loaded through aws-config.
pub async fn client_config(g: &Globals) -> Result<ClientConfig, CliError> {
    if g.no_verify_ssl {
        return Err(CliError::environment(
            "--no-verify-ssl is not supported: the HTTPS client (rustls) always verifies certificates; trust a private CA with --ca-bundle or AWS_CA_BUNDLE",
        ));
    }
    if let Some(bundle) = &g.ca_bundle {
        return Err(CliError::environment(format!(
            "--ca-bundle {bundle}: a custom CA bundle is not supported yet; the HTTPS client trusts the platform's roots"
        )));
    }
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
        loader = loader.no_credentials();
    }
    let mut timeouts = TimeoutConfig::builder();
    timeouts.set_read_timeout(timeout(g.read_timeout));
    timeouts.set_connect_timeout(timeout(g.connect_timeout));
    loader = loader.timeout_config(timeouts.build());
    let sdk = loader.load().await;
    if sdk.region().is_none() && g.endpoint_url.is_none() {
        return Err(CliError::environment("You must specify a region. You can also configure your region by running \"aws configure\"."));
    }
    let mut builder = smithygen_runtime::client::ClientConfigBuilder::from(&sdk);
    if g.debug {
        builder = builder.interceptor(DebugTrace);
    }
    Ok(builder.build())
}

/// `--debug`: the request and response as sent and received, with secrets redacted.
#[derive(Debug)]
struct DebugTrace;

/// Headers whose values never appear in a trace.
const SECRET_HEADERS: &[&str] = &["authorization", "x-amz-security-token"];

fn header_line(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "authorization" {
        // Keep the algorithm, credential scope and signed headers; drop the signature.
        let kept = value.split("Signature=").next().unwrap_or_default();
        return format!("  {name}: {kept}Signature=<redacted>");
    }
    if SECRET_HEADERS.contains(&lower.as_str()) {
        return format!("  {name}: <redacted>");
    }
    format!("  {name}: {value}")
}

impl Intercept for DebugTrace {
    fn name(&self) -> &'static str {
        "cli-debug-trace"
    }

    fn read_before_transmit(&self, ctx: &BeforeTransmitInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        let req = ctx.request();
        let mut text = format!("DEBUG request: {} {}\n", req.method(), req.uri());
        for (name, value) in req.headers() {
            text.push_str(&header_line(name, value));
            text.push('\n');
        }
        if let Some(bytes) = req.body().bytes() {
            text.push_str(&format!("  body: {} bytes\n", bytes.len()));
        }
        eprint!("{text}");
        Ok(())
    }

    fn read_before_deserialization(&self, ctx: &BeforeDeserializationInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        let resp = ctx.response();
        let mut text = format!("DEBUG response: {}\n", resp.status().as_u16());
        for (name, value) in resp.headers() {
            text.push_str(&header_line(name, value));
            text.push('\n');
        }
        eprint!("{text}");
        Ok(())
    }
}
