//! Runtime of the command-line clients smithygen generates (`generated/<service>-cli`).
//!
//! A generated CLI is data plus glue: static [`spec`]s of its operations and their members (names,
//! types, docs, taken from the model) and, per operation, a function that turns canonical input
//! JSON into a call of the generated client and its output back into JSON. Everything the AWS CLI
//! does around that — global options, `fileb://` / `file://` arguments, `--cli-input-json`,
//! skeletons, output formats, `--query`, error messages and exit codes — is here, once.

pub mod config;
pub mod convert;
pub mod decode;
pub mod error;
pub mod events;
pub mod input;
pub mod output;
pub mod paging;
pub mod print_request;
pub mod shorthand;
pub mod spec;
pub mod tls;
pub mod wait;

pub use error::{CliError, ExitStatus};
pub use events::{EventItem, EventSource, EventStream};
pub use spec::{EventForm, InputEvents, Kind, Location, MemberSpec, OperationSpec, ServiceSpec, StructSpec, WaitSpec};

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};
use std::future::Future;
use std::io::Write;
use std::pin::Pin;

/// What an operation call returns: the output as JSON (AWS CLI shape) and, when the output has a
/// payload blob, its bytes (written to the `outfile` argument).
#[derive(Debug, Default)]
pub struct Outcome {
    /// Output members other than the payload blob.
    pub output: Map<String, Value>,
    /// The payload blob, when the operation has one and the service sent it.
    pub payload: Option<Vec<u8>>,
}

/// Where a streamed payload goes, part by part (the `outfile` argument; `-` is stdout).
pub struct Sink {
    out: Box<dyn Write + Send>,
    /// `--decode`: the blob data given to [`Sink::data`] is decoded, one item per line.
    decoder: Option<decode::StreamDecoder>,
}

impl Sink {
    /// Opens `path` for writing (`-` is stdout).
    pub fn open(path: &str) -> Result<Self, CliError> {
        let out: Box<dyn Write + Send> = if path == "-" {
            Box::new(std::io::stdout())
        } else {
            Box::new(std::fs::File::create(path).map_err(|e| CliError::client(format!("cannot write {path}: {e}")))?)
        };
        Ok(Sink { out, decoder: None })
    }

    /// Writes one part and flushes it, so a pipe or a terminal sees it at once.
    pub fn part(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.out
            .write_all(bytes)
            .and_then(|()| self.out.flush())
            .map_err(|e| CliError::client(format!("writing the output file: {e}")))
    }

    /// Decodes what [`Sink::data`] is given with `decoder` (`--decode`).
    pub fn decoding(mut self, decoder: Option<decode::StreamDecoder>) -> Self {
        self.decoder = decoder;
        self
    }

    /// Writes the blob data of a stream's event: as it is, or its decoded items once complete.
    pub fn data(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        match self.decoder.take() {
            None => self.part(bytes),
            Some(mut decoder) => {
                let result = decoder.feed(Some(bytes), |item| self.part(item));
                self.decoder = Some(decoder);
                result
            }
        }
    }

    /// The stream has ended: writes the last decoded item (one without a final newline).
    pub fn finish(&mut self) -> Result<(), CliError> {
        match self.decoder.take() {
            None => Ok(()),
            Some(mut decoder) => decoder.feed(None, |item| self.part(item)),
        }
    }
}

/// A boxed future of one operation call.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Outcome, CliError>> + 'a>>;

/// The generated dispatch: operation name, client configuration, canonical input, payload sink,
/// and the input events of an operation with an input event stream. `S` is the client crate's
/// service (its `Config` is `ClientConfig<S>`).
pub type Dispatch<S = smithygen_runtime::client::AnyService> =
    for<'a> fn(&'a str, smithygen_runtime::client::ClientConfig<S>, Map<String, Value>, Option<&'a mut Sink>, Option<EventSource>) -> CallFuture<'a>;

/// The whole clap command of a service: global options, one subcommand per operation.
pub fn command(svc: &'static ServiceSpec) -> Command {
    command_with_paging(svc, &paging::Paging::NONE)
}

/// [`command`] with the pagination options of paginated operations and a `wait` command with
/// one subcommand per waiter.
pub fn command_with_paging(svc: &'static ServiceSpec, paging: &'static paging::Paging) -> Command {
    let mut cmd = Command::new(svc.binary)
        .about(svc.about)
        .version(svc.version)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100);
    for arg in config::global_args().into_iter().chain([print_request::arg()]) {
        cmd = cmd.arg(arg.global(true));
    }
    cmd = cmd.subcommand(
        Command::new("completion").about("Prints a shell completion script (bash, zsh or fish).").arg(
            Arg::new("shell")
                .required(true)
                .value_parser(["bash", "zsh", "fish"]),
        ),
    );
    for op in svc.operations {
        let paginator = paging.paginators.iter().find(|p| p.operation == op.name);
        let taken = if paginator.is_some() { paging::OPTIONS } else { &[] };
        let mut sub = input::operation_command_without(op, taken);
        if op.decode {
            sub = sub.arg(decode::arg());
        }
        if let Some(events) = &op.input_events {
            sub = events::args(sub, events);
        }
        if let Some(paginator) = paginator {
            sub = paging::args(sub, paginator);
        }
        cmd = cmd.subcommand(sub);
    }
    if let Some(wait) = paging::wait_command(svc, paging) {
        cmd = cmd.subcommand(wait);
    }
    cmd
}

/// Runs the CLI on the process's arguments and returns its exit code.
pub fn main<S>(svc: &'static ServiceSpec, dispatch: Dispatch<S>) -> std::process::ExitCode {
    main_with_paging(svc, dispatch, &paging::Paging::NONE)
}

/// [`main`] for a service with paginators or waiters.
pub fn main_with_paging<S>(svc: &'static ServiceSpec, dispatch: Dispatch<S>, paging: &'static paging::Paging) -> std::process::ExitCode {
    let status = match run(svc, dispatch, paging, std::env::args_os().collect()) {
        Ok(()) => ExitStatus::Success,
        Err(e) => e.report(),
    };
    std::process::ExitCode::from(status as u8)
}

fn run<S>(svc: &'static ServiceSpec, dispatch: Dispatch<S>, paging: &'static paging::Paging, args: Vec<std::ffi::OsString>) -> Result<(), CliError> {
    let matches = match command_with_paging(svc, paging).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand { Err(CliError::silent(ExitStatus::Usage)) } else { Ok(()) };
            }
            let _ = e.print();
            // The AWS CLI: a command line that cannot be parsed (unknown or missing commands and
            // arguments) is 2; values are checked after parsing (252).
            return Err(CliError::silent(ExitStatus::Usage));
        }
    };
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    if name == "completion" {
        let shell: clap_complete::Shell = sub.get_one::<String>("shell").expect("required").parse().map_err(CliError::usage)?;
        clap_complete::generate(shell, &mut command_with_paging(svc, paging), svc.binary, &mut std::io::stdout());
        return Ok(());
    }
    if name == "wait" {
        return paging::run_wait(svc, dispatch, paging, sub);
    }
    let op = svc.operations.iter().find(|o| o.command == name).expect("every subcommand is an operation");
    let globals = config::Globals::from_matches(sub)?;
    if let Some(kind) = sub.get_one::<String>("generate-cli-skeleton") {
        let skeleton = input::skeleton(op, kind);
        return output::print_skeleton(&skeleton, kind);
    }
    let input = input::collect(op, sub, globals.binary_format)?;
    let wait = wait::Request::from_matches(op, sub, &input)?;
    let pages = paging::Pages::from_matches(paging, op, sub, &input);
    let outfile = op.payload_out.map(|_| sub.get_one::<String>("outfile").cloned().expect("outfile is required"));
    // The events option and the event header options are read (and checked) now; the events
    // themselves once the call is under way.
    let (events, input_failure) = match &op.input_events {
        Some(spec) => {
            let (source, failure) = events::open(spec, sub, globals.binary_format)?;
            (Some(source), failure)
        }
        None => (None, events::InputFailure::never()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| CliError::client(e.to_string()))?;
    runtime.block_on(async {
        let call = async {
            let client_config = config::client_config(&globals, op, &input).await?;
            let print_request = flag(sub, print_request::OPTION);
            let client_config = if print_request { print_request::install(client_config, op, &input) } else { client_config };
            let mut sink = match (&outfile, op.streaming) {
                // `--print-request` writes no file: the call never gets a response.
                (Some(path), true) if !print_request => Some(Sink::open(path)?.decoding(decode::from_matches(sub))),
                _ => None,
            };
            if let Some(pages) = pages {
                // Every page, merged (a paginated operation has neither stream nor payload).
                let config = client_config.clone();
                let merged = match pages.run(input, move |input| dispatch(op.name, config.clone().for_service(), input, None, None)).await {
                    Err(e) if print_request => return print_request::finish(e),
                    merged => merged.map_err(|e| e.in_operation(op.name).in_connection(config::last_request_uri()))?,
                };
                return output::print(&Value::Object(merged), &globals, op);
            }
            let outcome = match dispatch(op.name, client_config.for_service(), input, sink.as_mut(), events).await {
                // `--print-request`: the call stopped before sending; print what it would send.
                Err(e) if print_request => return print_request::finish(e),
                outcome => outcome.map_err(|e| e.in_operation(op.name).in_connection(config::last_request_uri()))?,
            };
            if let Some(sink) = sink.as_mut() {
                sink.finish()?;
            }
            if let (Some(path), Some(bytes)) = (&outfile, &outcome.payload) {
                Sink::open(path)?.part(bytes)?;
            }
            match &wait {
                Some(wait) => wait.run(&globals, op, &outcome.output).await,
                None => output::print(&Value::Object(outcome.output), &globals, op),
            }
        };
        // Ctrl-C during the call ends it as the AWS CLI does: a newline on stdout, exit 130.
        // Dropping the call closes the outfile; every part written so far was flushed. So does
        // an input event that cannot be read or converted (its error and exit code).
        tokio::select! {
            biased;
            result = call => result,
            e = input_failure.wait() => Err(e),
            _ = tokio::signal::ctrl_c() => {
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\n").and_then(|()| out.flush());
                Err(CliError::silent(ExitStatus::Interrupted))
            }
        }
    })
}

/// Reads a boolean flag pair value shared by the input code (`--x`/`--no-x`).
pub(crate) fn flag(m: &ArgMatches, id: &str) -> bool {
    m.try_get_one::<bool>(id).ok().flatten().copied().unwrap_or(false)
}

pub(crate) fn bool_arg(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id).long(id).action(ArgAction::SetTrue).help(help)
}
