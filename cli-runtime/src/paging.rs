//! AWS CLI style pagination and `wait` subcommands, for operations with paginators
//! (`smithy.api#paginated`) and waiters (`smithy.waiters#waitable`).
//!
//! Pagination follows the AWS CLI (botocore's `PageIterator.build_full_result`): every page is
//! fetched and the items of each page are concatenated under the items path; `--max-items`
//! stops after that many items and prints a `NextToken` the AWS CLI's way (base64 of
//! `{"<InputToken>": token, "boto_truncate_amount": n}`), which `--starting-token` takes back;
//! `--page-size` sets the page-size member of each request; `--no-paginate`, or the token or
//! page-size member given by hand, makes one call. A token received twice is an error, as in
//! the AWS CLI.
//!
//! `wait <waiter>` polls the operation until an acceptor decides, through the same
//! `WaiterOrchestrator` (jittered backoff between the waiter's `minDelay` and `maxDelay`) and
//! JMESPath acceptors as the generated client; it prints nothing on success and exits 255 on a
//! failure state, a timeout (`--max-wait`) or an error no acceptor expects, as the AWS CLI does.

use crate::config::Globals;
use crate::error::{CliError, ExitStatus};
use crate::spec::{OperationSpec, ServiceSpec};
use crate::{CallFuture, Dispatch};
use aws_smithy_runtime::client::waiters::{AcceptorState, WaiterOrchestrator};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::{CreateUnhandledError, SdkError};
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};
/// How an acceptor compares its expression's result (the generated client's, re-exported for the specs).
pub use smithygen_runtime::client::waiter::Comparator;
use smithygen_runtime::client::waiter::{input_output, path_matches};
use std::time::Duration;

/// The paginators and waiters of a service's command-line client.
#[derive(Debug)]
pub struct Paging {
    /// One per paginated operation that names its items.
    pub paginators: &'static [PaginatorSpec],
    /// Every waiter.
    pub waiters: &'static [WaiterSpec],
}

impl Paging {
    /// A service without paginators or waiters.
    pub const NONE: Paging = Paging { paginators: &[], waiters: &[] };

    fn paginator(&self, operation: &str) -> Option<&'static PaginatorSpec> {
        self.paginators.iter().find(|p| p.operation == operation)
    }
}

/// A paginated operation: member names and dotted member paths, as the model's trait has them.
#[derive(Debug)]
pub struct PaginatorSpec {
    /// The operation's name.
    pub operation: &'static str,
    /// The input member the next page's token goes into.
    pub input_token: &'static str,
    /// The output path of the next token.
    pub output_token: &'static str,
    /// The input member limiting a page's size.
    pub page_size: Option<&'static str>,
    /// The output path of the items.
    pub items: &'static str,
}

/// A waiter.
#[derive(Debug)]
pub struct WaiterSpec {
    /// The waiter's name in the model (`CertificateValidated`).
    pub name: &'static str,
    /// Its subcommand of `wait` (`certificate-validated`).
    pub command: &'static str,
    /// The operation it polls.
    pub operation: &'static str,
    /// Its documentation.
    pub docs: &'static str,
    /// `minDelay` in seconds.
    pub min_delay: u64,
    /// `maxDelay` in seconds.
    pub max_delay: u64,
    /// Acceptors in order: the first that matches decides.
    pub acceptors: &'static [AcceptorSpec],
}

/// An acceptor: what it matches and where it leads.
#[derive(Debug)]
pub struct AcceptorSpec {
    /// The state on a match.
    pub state: State,
    /// What it matches.
    pub matcher: Matcher,
}

/// A waiter state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The wait succeeds.
    Success,
    /// The wait fails.
    Failure,
    /// Poll again.
    Retry,
}

/// What an acceptor matches (Smithy's `Matcher`).
#[derive(Debug)]
pub enum Matcher {
    /// A JMESPath expression over the output.
    Output(&'static str, &'static str, Comparator),
    /// A JMESPath expression over `{"input": .., "output": ..}`.
    InputOutput(&'static str, &'static str, Comparator),
    /// `true`: any success; `false`: any service error.
    Success(bool),
    /// A service error with this code.
    ErrorType(&'static str),
}

/// `--max-wait`'s default, in seconds: an hour, the order of the longest waits of AWS's CLI
/// waiters (the AWS CLI bounds a wait by attempts, which Smithy models do not carry).
pub const DEFAULT_MAX_WAIT: u64 = 3600;

/// The options [`args`] adds; a model member of the same option name gives way to them.
pub const OPTIONS: &[&str] = &["starting-token", "max-items", "no-paginate", "page-size"];

/// The pagination options of a paginated operation's command.
pub fn args(cmd: Command, spec: &PaginatorSpec) -> Command {
    let cmd = cmd
        .arg(Arg::new("starting-token").long("starting-token").value_name("token").help(
            "A token to specify where to start paginating: the NextToken of a previously truncated response.",
        ))
        .arg(
            Arg::new("max-items")
                .long("max-items")
                .value_name("integer")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("The total number of items to return; when more are available, a NextToken is printed to pass to --starting-token."),
        )
        .arg(
            Arg::new("no-paginate")
                .long("no-paginate")
                .action(ArgAction::SetTrue)
                .help("Makes one call only (the first page) instead of fetching every page."),
        );
    match spec.page_size {
        Some(_) => cmd.arg(
            Arg::new("page-size")
                .long("page-size")
                .value_name("integer")
                .value_parser(clap::value_parser!(i64).range(1..))
                .help("The size of each page requested from the service (each call still gets every page)."),
        ),
        None => cmd,
    }
}

/// The `wait` command: one subcommand per waiter, with its operation's input options.
pub fn wait_command(svc: &'static ServiceSpec, paging: &'static Paging) -> Option<Command> {
    if paging.waiters.is_empty() {
        return None;
    }
    let mut cmd = Command::new("wait")
        .about("Waits until a resource reaches a state, polling the operation a waiter names.")
        .subcommand_required(true);
    for w in paging.waiters {
        let op = operation(svc, w.operation);
        let about = format!("Waits for `{}`: polls {} until it succeeds (exit 0) or fails (exit 255).", w.name, w.operation);
        let mut sub = crate::input::operation_command(op).name(w.command).about(about).long_about(w.docs);
        sub = sub.arg(
            Arg::new("max-wait")
                .long("max-wait")
                .value_name("seconds")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help(format!("How long to wait at most, in seconds (default {DEFAULT_MAX_WAIT}).")),
        );
        cmd = cmd.subcommand(sub);
    }
    Some(cmd)
}

fn operation(svc: &'static ServiceSpec, name: &str) -> &'static OperationSpec {
    svc.operations.iter().find(|o| o.name == name).expect("the generator names operations of the service")
}

/// How a paginated command runs, from its options; `None` when it makes one call.
pub struct Pages {
    spec: &'static PaginatorSpec,
    starting_token: Option<String>,
    max_items: Option<u64>,
    page_size: Option<i64>,
}

impl Pages {
    /// The pagination the command line asks for: none with `--no-paginate`, or when the
    /// token or page-size member is given by hand (as the AWS CLI turns it off).
    pub fn from_matches(paging: &'static Paging, op: &'static OperationSpec, m: &ArgMatches, input: &Map<String, Value>) -> Option<Pages> {
        let spec = paging.paginator(op.name)?;
        let given = |id: &str| m.try_get_one::<bool>(id).ok().flatten().copied().unwrap_or(false);
        if given("no-paginate") || input.contains_key(spec.input_token) || spec.page_size.is_some_and(|p| input.contains_key(p)) {
            return None;
        }
        Some(Pages {
            spec,
            starting_token: m.try_get_one::<String>("starting-token").ok().flatten().cloned(),
            max_items: m.try_get_one::<u64>("max-items").ok().flatten().copied(),
            page_size: m.try_get_one::<i64>("page-size").ok().flatten().copied(),
        })
    }

    /// Fetches the pages with `call` and merges them: the items concatenated under their path,
    /// and `NextToken` when `--max-items` stopped before the end.
    pub async fn run(self, input: Map<String, Value>, mut call: impl FnMut(Map<String, Value>) -> CallFuture<'static>) -> Result<Map<String, Value>, CliError> {
        let spec = self.spec;
        let (mut token, mut skip) = match &self.starting_token {
            Some(text) => decode_token(text, spec.input_token)?,
            None => (Value::Null, 0),
        };
        let mut merged = Map::new();
        let mut total: u64 = 0;
        let mut previous: Option<Value> = None;
        let mut resume: Option<String> = None;
        loop {
            let mut request = input.clone();
            if !token.is_null() {
                request.insert(spec.input_token.to_string(), token.clone());
            }
            if let (Some(member), Some(size)) = (spec.page_size, self.page_size) {
                request.insert(member.to_string(), Value::from(size));
            }
            let page = Value::Object(call(request).await?.output);
            let mut items = get_path(&page, spec.items).cloned().unwrap_or(Value::Null);
            // A starting token with a truncation amount: the items already printed are skipped.
            if let Value::Array(list) = &mut items {
                list.drain(..(skip as usize).min(list.len()));
            }
            let count = match &items {
                Value::Array(list) => list.len() as u64,
                Value::Object(map) => map.len() as u64,
                _ => 0,
            };
            let next = get_path(&page, spec.output_token).filter(|t| !is_empty_token(t)).cloned();
            if let Some(max) = self.max_items.filter(|max| total + count > *max) {
                let keep = max - total;
                if let Value::Array(list) = &mut items {
                    list.truncate(keep as usize);
                }
                append(&mut merged, spec.items, items);
                resume = Some(encode_token(spec.input_token, &token, Some(keep + skip)));
                break;
            }
            append(&mut merged, spec.items, items);
            total += count;
            skip = 0;
            let Some(next) = next else { break };
            if self.max_items == Some(total) {
                resume = Some(encode_token(spec.input_token, &next, None));
                break;
            }
            if previous.as_ref() == Some(&next) {
                return Err(CliError::client(format!("The same next token was received twice: {{'{}': {}}}", spec.input_token, python_repr(&next))));
            }
            previous = Some(next.clone());
            token = next;
        }
        if let Some(resume) = resume {
            merged.insert("NextToken".to_string(), Value::String(resume));
        }
        Ok(merged)
    }
}

fn get_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| v.get(key)).filter(|v| !v.is_null())
}

/// Adds a page's items under `path`: lists are concatenated, maps merged.
fn append(merged: &mut Map<String, Value>, path: &str, items: Value) {
    if items.is_null() {
        return;
    }
    let mut keys = path.split('.').peekable();
    let mut object = merged;
    while let Some(key) = keys.next() {
        if keys.peek().is_none() {
            match (object.get_mut(key), items) {
                (Some(Value::Array(list)), Value::Array(more)) => list.extend(more),
                (Some(Value::Object(map)), Value::Object(more)) => map.extend(more),
                (_, items) => {
                    object.insert(key.to_string(), items);
                }
            }
            return;
        }
        let next = object.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        object = next.as_object_mut().expect("made an object above");
    }
}

/// botocore's rule: an empty string (or collection) is no token.
fn is_empty_token(token: &Value) -> bool {
    match token {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The AWS CLI's resume token: base64 of Python's `json.dumps` of
/// `{"<InputToken>": token, "boto_truncate_amount": n}` (the amount only when a page was cut).
pub fn encode_token(input_token: &str, token: &Value, truncate: Option<u64>) -> String {
    let mut text = format!("{{{}: {}", python_json(&Value::from(input_token)), python_json(token));
    if let Some(n) = truncate {
        text.push_str(&format!(", \"boto_truncate_amount\": {n}"));
    }
    text.push('}');
    aws_smithy_types::base64::encode(text.as_bytes())
}

/// A `--starting-token`: the AWS CLI's encoded form, else the service's token as it is.
pub fn decode_token(text: &str, input_token: &str) -> Result<(Value, u64), CliError> {
    let decoded = aws_smithy_types::base64::decode(text).ok().and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    match decoded {
        Some(Value::Object(map)) if map.contains_key(input_token) => {
            let skip = match map.get("boto_truncate_amount") {
                None => 0,
                Some(n) => n.as_u64().ok_or_else(|| CliError::param(format!("Bad value for --starting-token: boto_truncate_amount {n} is not a count")))?,
            };
            Ok((map.get(input_token).cloned().unwrap_or(Value::Null), skip))
        }
        _ => Ok((Value::String(text.to_string()), 0)),
    }
}

/// JSON as Python's `json.dumps` writes it: `", "` and `": "` separators, non-ASCII escaped.
fn python_json(value: &Value) -> String {
    let text = match value {
        Value::Array(items) => format!("[{}]", items.iter().map(python_json).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let pairs: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", python_json(&Value::from(k.as_str())), python_json(v))).collect();
            format!("{{{}}}", pairs.join(", "))
        }
        other => other.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// A token as Python prints it inside a dict (`'abc'`), for the repeated-token message.
fn python_repr(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// A failed poll as the waiter orchestrator sees it: the CLI's error, a service error when the
/// service answered with one.
#[derive(Debug)]
struct PollError(CliError);

impl std::fmt::Display for PollError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for PollError {}

impl CreateUnhandledError for PollError {
    fn create_unhandled_error(
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
        _meta: Option<aws_smithy_types::error::ErrorMetadata>,
    ) -> Self {
        PollError(CliError::client(source.to_string()))
    }
}

fn acceptor_state(state: State) -> AcceptorState {
    match state {
        State::Success => AcceptorState::Success,
        State::Failure => AcceptorState::Failure,
        State::Retry => AcceptorState::Retry,
    }
}

/// Runs `wait <waiter> ...`.
pub(crate) fn run_wait<S>(svc: &'static ServiceSpec, dispatch: Dispatch<S>, paging: &'static Paging, m: &ArgMatches) -> Result<(), CliError> {
    let (name, sub) = m.subcommand().expect("a waiter is required");
    let waiter = paging.waiters.iter().find(|w| w.command == name).expect("every subcommand of wait is a waiter");
    let op = operation(svc, waiter.operation);
    let globals = Globals::from_matches(sub)?;
    if let Some(kind) = sub.get_one::<String>("generate-cli-skeleton") {
        return crate::output::print_skeleton(&crate::input::skeleton(op, kind), kind);
    }
    let input = crate::input::collect(op, sub, globals.binary_format)?;
    let max_wait = Duration::from_secs(sub.get_one::<u64>("max-wait").copied().unwrap_or(DEFAULT_MAX_WAIT));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| CliError::client(e.to_string()))?;
    runtime.block_on(async {
        let config = crate::config::client_config(&globals, op, &input).await?;
        let sleep = config.sleep_impl().ok_or_else(|| CliError::client("no sleep implementation"))?;
        let time = config.time_source().unwrap_or_default();
        let input_view = Value::Object(input.clone());
        let acceptor = |result: Result<&Value, &PollError>| {
            for a in waiter.acceptors {
                let matched = match (&a.matcher, result) {
                    (Matcher::Output(path, expected, comparator), Ok(output)) => path_matches(output, path, *comparator, expected),
                    (Matcher::InputOutput(path, expected, comparator), Ok(output)) => {
                        path_matches(&input_output(input_view.clone(), output.clone()), path, *comparator, expected)
                    }
                    (Matcher::Success(success), result) => *success == result.is_ok(),
                    (Matcher::ErrorType(code), Err(e)) => e.0.code.as_deref() == Some(code),
                    _ => false,
                };
                if matched {
                    return acceptor_state(a.state);
                }
            }
            AcceptorState::NoAcceptorsMatched
        };
        let poll = || {
            let (config, input) = (config.clone(), input.clone());
            async move {
                match dispatch(op.name, config.for_service(), input, None, None).await {
                    Ok(outcome) => Ok(Value::Object(outcome.output)),
                    Err(e) if e.code.is_some() => {
                        let raw = HttpResponse::new(400u16.try_into().expect("a valid status"), aws_smithy_types::body::SdkBody::empty());
                        Err(SdkError::service_error(PollError(e), raw))
                    }
                    Err(e) => Err(SdkError::construction_failure(PollError(e))),
                }
            }
        };
        let orchestrator = WaiterOrchestrator::builder()
            .min_delay(Duration::from_secs(waiter.min_delay))
            .max_delay(Duration::from_secs(waiter.max_delay))
            .max_wait(max_wait)
            .time_source(time)
            .sleep_impl(sleep)
            .acceptor(acceptor)
            .operation(poll)
            .build();
        let failed = |reason: String| CliError::client(format!("Waiter {} failed: {reason}", waiter.name));
        match orchestrator.orchestrate().await {
            Ok(_) => Ok(()),
            Err(WaiterError::FailureState(_)) => Err(failed("Waiter encountered a terminal failure state".into())),
            Err(WaiterError::ExceededMaxWait(e)) => Err(failed(format!("Max wait time exceeded ({} s, {} polls)", e.max_wait().as_secs(), e.poll_count()))),
            Err(WaiterError::OperationFailed(e)) => {
                let error = match e.into_error() {
                    SdkError::ServiceError(service) => service.into_err().0.in_operation(op.name),
                    other => match other.into_source() {
                        Ok(source) => match source.downcast::<PollError>() {
                            Ok(poll) => poll.0,
                            Err(source) => CliError::client(crate::convert::error_chain(&*source)),
                        },
                        Err(other) => CliError::client(crate::convert::error_chain(&other)),
                    },
                };
                // A parameter error stays what it is; the rest fails the waiter (exit 255).
                if error.status == ExitStatus::Syntax || error.status == ExitStatus::Environment {
                    Err(error)
                } else {
                    Err(failed(error.message))
                }
            }
            Err(other) => Err(failed(crate::convert::error_chain(&other))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The expected tokens are what botocore's `TokenEncoder().encode(...)` returns.
    #[test]
    fn tokens_are_the_aws_clis() {
        assert_eq!(encode_token("NextToken", &json!("3"), Some(2)), "eyJOZXh0VG9rZW4iOiAiMyIsICJib3RvX3RydW5jYXRlX2Ftb3VudCI6IDJ9");
        assert_eq!(encode_token("NextToken", &json!("caf\u{e9} \u{1F600}"), None), "eyJOZXh0VG9rZW4iOiAiY2FmXHUwMGU5IFx1ZDgzZFx1ZGUwMCJ9");
        assert_eq!(
            encode_token("ExclusiveStartKey", &json!({"id": {"S": "a"}, "n": [1, 2]}), None),
            "eyJFeGNsdXNpdmVTdGFydEtleSI6IHsiaWQiOiB7IlMiOiAiYSJ9LCAibiI6IFsxLCAyXX19"
        );
        assert_eq!(encode_token("NextToken", &Value::Null, Some(1)), "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==");
    }

    #[test]
    fn starting_tokens_decode_both_forms() {
        assert_eq!(decode_token("eyJOZXh0VG9rZW4iOiAiMyIsICJib3RvX3RydW5jYXRlX2Ftb3VudCI6IDJ9", "NextToken").unwrap(), (json!("3"), 2));
        // A service token as it is (here not base64 JSON naming the input token).
        assert_eq!(decode_token("abc==", "NextToken").unwrap(), (json!("abc=="), 0));
        assert_eq!(decode_token("eyJOZXh0VG9rZW4iOiAiMyJ9", "Marker").unwrap(), (json!("eyJOZXh0VG9rZW4iOiAiMyJ9"), 0));
        assert!(decode_token(&aws_smithy_types::base64::encode(br#"{"NextToken": "3", "boto_truncate_amount": "x"}"#), "NextToken").is_err());
    }

    #[test]
    fn items_merge_under_nested_paths() {
        let mut merged = Map::new();
        append(&mut merged, "Page.Items", json!([1, 2]));
        append(&mut merged, "Page.Items", json!([3]));
        append(&mut merged, "Page.Items", Value::Null);
        append(&mut merged, "Labels", json!({"a": 1}));
        append(&mut merged, "Labels", json!({"b": 2}));
        assert_eq!(Value::Object(merged), json!({"Page": {"Items": [1, 2, 3]}, "Labels": {"a": 1, "b": 2}}));
        assert_eq!(get_path(&json!({"Page": {"Next": "t"}}), "Page.Next"), Some(&json!("t")));
        assert_eq!(get_path(&json!({"Page": null}), "Page.Next"), None);
        assert!(is_empty_token(&json!("")) && is_empty_token(&Value::Null) && !is_empty_token(&json!("x")));
    }
}
