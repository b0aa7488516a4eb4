//! `--wait-for-result PATH` and `--wait-timeout SECONDS`, on commands whose result is an S3 object
//! written later ([`WaitSpec`], from the model's customization data): after the call, wait for
//! the object at the output's result location and write it to `PATH` (`-`: standard output), or
//! exit 254 with the content of the failure report on standard error.
//!
//! S3 is reached as the AWS tools reach it: credentials, region and the S3 endpoint from the
//! environment and the profile (`AWS_ENDPOINT_URL_S3`, the profile's `services` section),
//! `--profile`, `--region`, `--ca-bundle` and `--no-verify-ssl`; `--endpoint-url` is the
//! command's service's endpoint, not S3's.

use crate::config::Globals;
use crate::error::CliError;
use crate::spec::{OperationSpec, WaitSpec};
use clap::{Arg, ArgMatches, Command};
use serde_json::{Map, Value};
use std::time::Duration;

/// Adds the options to a command whose operation has a [`WaitSpec`].
pub fn args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("wait-for-result")
            .long("wait-for-result")
            .value_name("PATH")
            .help("After the call, waits for its result object in S3 and writes it to PATH (`-`: standard output, instead of the call's output); a failure report ends the command with exit 254 and its content on standard error."),
    )
    .arg(
        Arg::new("wait-timeout")
            .long("wait-timeout")
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(u64))
            .requires("wait-for-result")
            .help("How long --wait-for-result waits, in seconds (default: what the request's time limits allow)."),
    )
}

/// A wait asked for on the command line.
#[derive(Debug)]
pub struct Request {
    spec: &'static WaitSpec,
    path: String,
    deadline: Duration,
}

impl Request {
    /// The wait the options ask for, if any: the deadline is `--wait-timeout`, else the sum of
    /// the spec's input members (their defaults when unset).
    pub fn from_matches(op: &'static OperationSpec, m: &ArgMatches, input: &Map<String, Value>) -> Result<Option<Self>, CliError> {
        let Some(spec) = &op.wait else { return Ok(None) };
        let Some(path) = m.try_get_one::<String>("wait-for-result").ok().flatten().cloned() else { return Ok(None) };
        let deadline = match m.try_get_one::<u64>("wait-timeout").ok().flatten() {
            Some(seconds) => Duration::from_secs(*seconds),
            None => {
                let seconds: i64 = spec
                    .deadline
                    .iter()
                    .map(|(member, default)| input.get(*member).and_then(Value::as_i64).unwrap_or(*default).max(0))
                    .sum();
                Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
            }
        };
        Ok(Some(Request { spec, path, deadline }))
    }

    /// Waits for the result of the call whose output is `output`, then writes it (or, with a
    /// path other than `-`, prints the call's output as usual and writes the result to the file).
    #[cfg(feature = "async-result")]
    pub async fn run(&self, g: &Globals, op: &'static OperationSpec, output: &Map<String, Value>) -> Result<(), CliError> {
        use smithygen_runtime::async_result::{ResultReader, WaitError};
        let location = |member: &str| output.get(member).and_then(Value::as_str).map(str::to_string);
        let Some(result_at) = location(self.spec.output_member) else {
            return Err(CliError::client(format!("The response has no {} to wait for.", self.spec.output_member)));
        };
        let failure_at = self.spec.failure_member.and_then(location);
        if self.path != "-" {
            crate::output::print(&Value::Object(output.clone()), g, op)?;
        }
        let reader = ResultReader::new(&s3_config(g).await?);
        match reader.wait(&result_at, failure_at.as_deref(), self.deadline).await {
            Ok(bytes) => crate::Sink::open(&self.path)?.part(&bytes),
            Err(WaitError::Failed { location, content }) => {
                use std::io::Write;
                let mut err = std::io::stderr();
                let _ = err.write_all(&content).and_then(|()| err.flush());
                if !content.ends_with(b"\n") {
                    let _ = err.write_all(b"\n");
                }
                Err(CliError { message: format!("The call failed: its failure report is {location}."), status: crate::error::ExitStatus::Service, code: None, details: Vec::new() })
            }
            Err(e) => Err(CliError::client(e.to_string())),
        }
    }

    /// Without the `async-result` feature the command cannot read S3.
    #[cfg(not(feature = "async-result"))]
    pub async fn run(&self, _g: &Globals, _op: &'static OperationSpec, _output: &Map<String, Value>) -> Result<(), CliError> {
        let _ = (&self.spec, &self.path, self.deadline);
        Err(CliError::client("--wait-for-result needs smithygen-cli-runtime's `async-result` feature"))
    }
}

/// The `SdkConfig` S3 is read with: as the command's, without `--endpoint-url`.
#[cfg(feature = "async-result")]
async fn s3_config(g: &Globals) -> Result<aws_types::SdkConfig, CliError> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(profile) = &g.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &g.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if g.no_sign_request {
        loader = loader.no_credentials();
    }
    if let Some(client) = crate::tls::http_client(crate::tls::TlsOptions::from(g)).await? {
        loader = loader.http_client(client);
    }
    Ok(loader.load().await)
}
