//! The conformance plan: which protocol test each case of `smithy.test#httpRequestTests`,
//! `httpResponseTests`, `httpMalformedRequestTests` and `eventStreamTests` becomes (its
//! function name, and whether it runs, is skipped by rule or is a known failure), what an
//! event-stream case checks on each side ([`EventStreamPlan`]), and the tally of a run.
//!
//! The test emitter renders this plan; `cargo xtask conformance` reads it back (through
//! [`crate::GeneratedCrate::protocol_cases`]) and counts the result lines the generated tests
//! write to the file named by [`RESULTS_ENV`], so nothing parses `cargo test` output.

use crate::ir::{Operation, Protocol, Service};
use crate::model::ShapeId;
use serde_json::Value;
use std::collections::BTreeMap;

/// The environment variable naming the file each generated protocol test appends its result
/// line to (`<operation file>::<test fn> passed|failed`).
pub const RESULTS_ENV: &str = "SMITHYGEN_PROTOCOL_TEST_RESULTS";

/// The list of protocol tests that cannot pass yet, relative to the workspace root.
pub const KNOWN_FAILURES_FILE: &str = "codegen/conformance/known-failures.txt";

/// The list's text, embedded so generation needs no file system access.
const KNOWN_FAILURES: &str = include_str!("../conformance/known-failures.txt");

/// The four kinds of protocol test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `smithy.test#httpRequestTests`: the request the client sends.
    Request,
    /// `smithy.test#httpResponseTests`: how the client reads a response.
    Response,
    /// `smithy.test#httpMalformedRequestTests`: how the server rejects a request.
    Malformed,
    /// `smithy.test#eventStreamTests`: the events (and initial messages) each side writes and
    /// reads.
    EventStream,
}

impl Kind {
    /// All kinds, in report order.
    pub const ALL: [Kind; 4] = [Kind::Request, Kind::Response, Kind::Malformed, Kind::EventStream];

    /// The word used in test names, the known-failures file and reports.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Malformed => "malformed",
            Kind::EventStream => "eventstream",
        }
    }

    /// The kind named by `word`.
    pub fn from_word(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.word() == word)
    }
}

/// One entry of the known-failures list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFailure {
    /// The kind of test.
    pub kind: Kind,
    /// The test case id, as in the model.
    pub id: String,
    /// Why it cannot pass yet.
    pub reason: String,
}

/// Parses the known-failures list: one `<kind> <test id> <reason>` per line;
/// blank lines and lines starting with `#` are ignored.
pub fn parse_known_failures(text: &str) -> Result<Vec<KnownFailure>, String> {
    let mut out: Vec<KnownFailure> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.splitn(3, char::is_whitespace);
        let (Some(kind), Some(id), Some(reason)) = (words.next(), words.next(), words.next()) else {
            return Err(format!("{KNOWN_FAILURES_FILE}:{}: expected `<kind> <test id> <reason>`", n + 1));
        };
        let kind = Kind::from_word(kind)
            .ok_or_else(|| {
                format!("{KNOWN_FAILURES_FILE}:{}: kind `{kind}` is not request, response, malformed or eventstream", n + 1)
            })?;
        if out.iter().any(|k| k.kind == kind && k.id == id) {
            return Err(format!("{KNOWN_FAILURES_FILE}:{}: `{id}` is listed twice", n + 1));
        }
        out.push(KnownFailure { kind, id: id.to_string(), reason: reason.trim().to_string() });
    }
    Ok(out)
}

/// The embedded known-failures list (checked by a unit test to parse).
pub fn known_failures() -> Vec<KnownFailure> {
    parse_known_failures(KNOWN_FAILURES).unwrap_or_default()
}

/// The test function name of a case: `<kind>_<id in snake case>`.
pub fn test_fn_name(kind: Kind, id: &str) -> String {
    format!("{}_{}", kind.word(), heck::ToSnakeCase::to_snake_case(id))
}

/// What becomes of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// The test runs and must pass.
    Run,
    /// Skipped by rule (another protocol, or the other side): an ignored test, with the reason.
    SkippedByRule(String),
    /// Listed in [`KNOWN_FAILURES_FILE`]: generated to expect its failure.
    Known(KnownFailure),
}

/// One generated protocol test.
#[derive(Debug, Clone)]
pub struct PlannedCase {
    /// The protocol of the service the case is generated for, as users name it (`restJson1`).
    pub protocol: &'static str,
    /// The kind of test.
    pub kind: Kind,
    /// The case id, as in the model.
    pub id: String,
    /// The operation's file stem (`src/protocol_tests/<file>.rs`).
    pub file: String,
    /// The test function's name.
    pub name: String,
    /// The case, with a parameterized malformed case's row interpolated.
    pub case: Value,
    /// For responses: the error shape the case is attached to.
    pub error: Option<String>,
    /// What becomes of it.
    pub disposition: Disposition,
}

impl PlannedCase {
    /// The line key the generated test records its result under.
    pub fn key(&self) -> String {
        format!("{}::{}", self.file, self.name)
    }
}

/// The protocol tests of one operation of a service speaking `protocol`, in the order they
/// are generated.
pub fn operation_cases(protocol: Protocol, op: &Operation, known: &[KnownFailure]) -> Vec<PlannedCase> {
    let mut out = Vec::new();
    let mut push = |kind: Kind, case: Value, row: Option<usize>, error: Option<String>| {
        let id = case.get("id").and_then(Value::as_str).unwrap_or("unnamed").to_string();
        let disposition = match (rule_skip(protocol, kind, &case), known.iter().find(|k| k.kind == kind && k.id == id)) {
            (Some(reason), _) => Disposition::SkippedByRule(reason),
            (None, Some(k)) => Disposition::Known(k.clone()),
            (None, None) => Disposition::Run,
        };
        out.push(PlannedCase { protocol: protocol.label(), kind, name: case_fn_name(kind, &id, row), id, file: op.file.clone(), case, error, disposition });
    };
    for case in &op.request_tests {
        push(Kind::Request, case.clone(), None, None);
    }
    for (error, case) in &op.response_tests {
        push(Kind::Response, case.clone(), None, error.clone());
    }
    for case in &op.malformed_tests {
        for (row, case) in expand(case) {
            push(Kind::Malformed, case, row, None);
        }
    }
    for case in &op.event_stream_tests {
        push(Kind::EventStream, case.clone(), None, None);
    }
    out
}

/// Every protocol test of the service, operation by operation.
pub fn service_cases(svc: &Service) -> Vec<PlannedCase> {
    let known = known_failures();
    svc.operations.iter().flat_map(|op| operation_cases(svc.protocol, op, &known)).collect()
}

/// The counts of one kind of test after a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tests that ran and passed.
    pub passed: usize,
    /// Tests that failed or never reported (`<file>::<test fn>`).
    pub failed: Vec<String>,
    /// Tests skipped by rule.
    pub by_rule: usize,
    /// Known failures that still fail.
    pub known: usize,
}

/// The result of a conformance run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Counts per protocol (as users name it) and kind: protocols in the order their cases
    /// came, kinds in [`Kind::ALL`] order.
    pub tallies: Vec<(&'static str, Kind, Tally)>,
    /// Known failures that name no generated test (`<kind> <id>`).
    pub stale_known: Vec<String>,
}

impl Report {
    /// Counts `results` (the lines the tests wrote, `<key> passed|failed`) against the plan.
    /// A test that should have run and wrote no line (or `failed`) failed. For a known
    /// failure the generated test passes while the case still fails.
    pub fn tally(cases: &[PlannedCase], results: &str) -> Report {
        let mut outcome: BTreeMap<&str, bool> = BTreeMap::new();
        for line in results.lines() {
            if let Some((key, word)) = line.rsplit_once(' ') {
                let passed = word == "passed";
                let entry = outcome.entry(key).or_insert(passed);
                *entry = *entry && passed;
            }
        }
        let mut tallies: Vec<(&'static str, Kind, Tally)> = Vec::new();
        for case in cases {
            if !tallies.iter().any(|(p, _, _)| *p == case.protocol) {
                tallies.extend(Kind::ALL.iter().map(|k| (case.protocol, *k, Tally::default())));
            }
            let tally = &mut tallies
                .iter_mut()
                .find(|(p, k, _)| *p == case.protocol && *k == case.kind)
                .expect("every protocol and kind has a tally")
                .2;
            let key = case.key();
            match (&case.disposition, outcome.get(key.as_str())) {
                (Disposition::SkippedByRule(_), _) => tally.by_rule += 1,
                (Disposition::Known(_), Some(true)) => tally.known += 1,
                (Disposition::Run, Some(true)) => tally.passed += 1,
                _ => tally.failed.push(key),
            }
        }
        let stale_known = known_failures()
            .iter()
            .filter(|k| !cases.iter().any(|c| c.kind == k.kind && c.id == k.id))
            .map(|k| format!("{} {}", k.kind.word(), k.id))
            .collect();
        Report { tallies, stale_known }
    }

    /// Whether no test ran or was skipped at all.
    pub fn is_empty(&self) -> bool {
        self.tallies.iter().all(|(_, _, t)| t.passed + t.failed.len() + t.by_rule + t.known == 0)
    }

    /// Every failed test, by kind.
    pub fn failed(&self) -> Vec<&String> {
        self.tallies.iter().flat_map(|(_, _, t)| t.failed.iter()).collect()
    }

    /// The summary: per protocol and kind `<protocol> <kind>: N skipped by rule (...), N known
    /// failures`, then per protocol and kind `<protocol> <kind>: N passed, N failed, N skipped`,
    /// the protocol named as its trait is (`restJson1`, `awsJson1_0`). A kind no case of a
    /// protocol has (awsJson's `malformed`) is left out of that protocol's lines.
    pub fn summary_lines(&self) -> Vec<String> {
        let present = || self.tallies.iter().filter(|(_, _, t)| t.passed + t.failed.len() + t.by_rule + t.known > 0);
        let details = present().map(|(protocol, kind, t)| {
            format!("  {protocol} {}: {} skipped by rule (other protocol or side), {} known failures", kind.word(), t.by_rule, t.known)
        });
        let counts = present().map(|(protocol, kind, t)| {
            format!("{protocol} {}: {} passed, {} failed, {} skipped", kind.word(), t.passed, t.failed.len(), t.by_rule + t.known)
        });
        details.chain(counts).collect()
    }
}

/// Why a case is skipped by rule, if it is.
fn rule_skip(service: Protocol, kind: Kind, case: &Value) -> Option<String> {
    let protocol = case.get("protocol").and_then(Value::as_str).unwrap_or_default();
    if protocol != service.trait_id() {
        return Some(format!("protocol {protocol} is not the service's ({})", service.trait_id()));
    }
    // Both sides of an event-stream case are generated (the client and the server stub), so
    // `appliesTo` only says which side the test checks (see [`EventStreamPlan`]).
    match (kind, case.get("appliesTo").and_then(Value::as_str)) {
        (Kind::Request | Kind::Response, Some("server")) => Some("applies to servers only".into()),
        (Kind::Malformed, Some("client")) => Some("applies to clients only".into()),
        _ => None,
    }
}

/// What an `eventStreamTests` case checks, side by side.
///
/// The client sends the `request` events (through its input stream: marshalled, signed and
/// framed) and the HTTP request of `initialRequestParams`, and reads the `response` events
/// (from their `bytes`) after the HTTP response `initialResponse`. The server stub does the
/// opposite: it reads the request (`initialRequest`) and its events, and writes the output of
/// `initialResponseParams` and the `response` events. restJson1 carries initial messages as
/// the HTTP request and response (`smithy.test#InitialHttpRequest` / `InitialHttpResponse`),
/// not as `initial-request` / `initial-response` events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStreamPlan {
    /// The client side is checked (`appliesTo` absent or `client`).
    pub client: bool,
    /// The server side is checked (`appliesTo` absent or `server`).
    pub server: bool,
    /// Events of type `request`, in order: the client writes them, the server reads them.
    pub request_events: Vec<Value>,
    /// Events of type `response`, in order: the server writes them, the client reads them.
    pub response_events: Vec<Value>,
    /// Whether the case says anything about the request (its initial request, its parameters
    /// or request events). When it does not, the request only carries the server to the
    /// response under test, so it is a valid one: required members and labels get
    /// placeholder values.
    pub request_under_test: bool,
    /// Whether the case says anything about the response (its initial response, its
    /// parameters or response events): the client then has something to read.
    pub response_under_test: bool,
    /// What the reading side must see.
    pub expectation: Expectation,
}

/// The outcome an event-stream case expects of the side that reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// Everything is read as the case describes and the stream ends cleanly.
    Success,
    /// Reading fails: the initial response is an error, or an event is an error or cannot be
    /// read. With a shape, the error is that one.
    Failure(Option<FailureShape>),
}

/// The error an event-stream case expects, by where the model declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureShape {
    /// An error of the operation: the initial response is that error.
    Operation(ShapeId),
    /// An error event of the operation's event stream (a member of the `@streaming` union).
    Event(ShapeId),
    /// A shape that is neither: the test cannot pass as written.
    Unknown(ShapeId),
}

/// The plan of one `eventStreamTests` case of `op`.
pub fn event_stream_plan(svc: &Service, op: &Operation, case: &Value) -> EventStreamPlan {
    let applies_to = case.get("appliesTo").and_then(Value::as_str);
    let events = |kind: &str| -> Vec<Value> {
        case.get("events")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter(|e| e.get("type").and_then(Value::as_str) == Some(kind)).cloned().collect())
            .unwrap_or_default()
    };
    let (request_events, response_events) = (events("request"), events("response"));
    let request_under_test =
        case.get("initialRequest").is_some() || case.get("initialRequestParams").is_some() || !request_events.is_empty();
    let response_under_test =
        case.get("initialResponse").is_some() || case.get("initialResponseParams").is_some() || !response_events.is_empty();
    let expectation = match case.get("expectation").and_then(|e| e.get("failure")) {
        None => Expectation::Success,
        Some(failure) => Expectation::Failure(failure.get("errorId").and_then(Value::as_str).map(|id| {
            let is_event = [&op.input, &op.output]
                .into_iter()
                .filter_map(|s| svc.event_stream_member(s))
                .any(|(_, _, es)| es.errors.iter().any(|e| e.target == id));
            if op.errors.iter().any(|e| e == id) {
                FailureShape::Operation(id.to_string())
            } else if is_event {
                FailureShape::Event(id.to_string())
            } else {
                FailureShape::Unknown(id.to_string())
            }
        })),
    };
    EventStreamPlan {
        client: applies_to != Some("server"),
        server: applies_to != Some("client"),
        request_events,
        response_events,
        request_under_test,
        response_under_test,
        expectation,
    }
}

/// The test function name of a case, with the row of a parameterized case.
pub fn case_fn_name(kind: Kind, id: &str, row: Option<usize>) -> String {
    match row {
        Some(n) => format!("{}_case{n}", test_fn_name(kind, id)),
        None => test_fn_name(kind, id),
    }
}

/// The cases of one malformed-request test: `(suffix, case)` with the test
/// parameters interpolated; the suffix numbers the rows of a parameterized test.
pub fn expand(case: &Value) -> Vec<(Option<usize>, Value)> {
    let params: Vec<(String, Vec<String>)> = case
        .get("testParameters")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let rows = params.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    if rows == 0 {
        return vec![(None, interpolate_value(case, &[]))];
    }
    (0..rows)
        .map(|i| {
            let row: Vec<(&str, &str)> =
                params.iter().map(|(k, v)| (k.as_str(), v.get(i).map(String::as_str).unwrap_or_default())).collect();
            (Some(i), interpolate_value(case, &row))
        })
        .collect()
}

fn interpolate_value(v: &Value, row: &[(&str, &str)]) -> Value {
    match v {
        Value::String(s) => Value::String(interpolate(s, row)),
        Value::Array(a) => Value::Array(a.iter().map(|x| interpolate_value(x, row)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| k.as_str() != "testParameters")
                .map(|(k, x)| (interpolate(k, row), interpolate_value(x, row)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Smithy's code-writer formatting of test parameters: `$name:L` inserts the
/// value as is, `$name:S` as a quoted string, `$$` is a `$`.
pub fn interpolate(text: &str, row: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let name_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        let (name, tail) = after.split_at(name_len);
        let value = row.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        match (value, tail.strip_prefix(":L"), tail.strip_prefix(":S")) {
            (Some(v), Some(tail), _) => {
                out.push_str(v);
                rest = tail;
            }
            (Some(v), None, Some(tail)) => {
                out.push_str(&Value::String(v.to_string()).to_string());
                rest = tail;
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_failures_list_parses() {
        parse_known_failures(KNOWN_FAILURES).unwrap();
    }

    #[test]
    fn known_failures_need_a_kind_an_id_and_a_reason() {
        let list = parse_known_failures("# comment\n\nrequest RestJsonFoo the client does X\n").unwrap();
        assert_eq!(list, vec![KnownFailure { kind: Kind::Request, id: "RestJsonFoo".into(), reason: "the client does X".into() }]);
        assert!(parse_known_failures("request RestJsonFoo").is_err());
        assert!(parse_known_failures("client RestJsonFoo why").is_err());
        assert!(parse_known_failures("request A why\nrequest A again").is_err());
        assert_eq!(parse_known_failures("eventstream A why").unwrap()[0].kind, Kind::EventStream);
    }

    #[test]
    fn test_names_are_kind_and_snake_case_id() {
        assert_eq!(test_fn_name(Kind::Request, "RestJsonAllQueryStringTypes"), "request_rest_json_all_query_string_types");
        assert_eq!(test_fn_name(Kind::Malformed, "RestJsonMalformedSetDuplicateItems"), "malformed_rest_json_malformed_set_duplicate_items");
    }

    #[test]
    fn an_event_stream_case_names_its_sides_events_and_expected_error() {
        let svc = crate::lower_model(include_str!("../tests/fixtures/event-stream.json"), None).unwrap();
        let op = svc.operations.iter().find(|o| o.name == "WatchPrices").unwrap();
        let case = |extra: Value| {
            let mut case = serde_json::json!({
                "id": "C",
                "protocol": "aws.protocols#restJson1",
                "events": [{"type": "response", "params": {"Tick": {"Price": 1.5}}}, {"type": "request"}],
            });
            case.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            event_stream_plan(&svc, op, &case)
        };
        let both = case(serde_json::json!({}));
        assert_eq!((both.client, both.server, both.request_events.len(), both.response_events.len()), (true, true, 1, 1));
        assert!(both.request_under_test && both.response_under_test && both.expectation == Expectation::Success);
        let client = case(serde_json::json!({"appliesTo": "client", "events": [], "expectation": {"failure": {}}}));
        assert_eq!((client.client, client.server, client.request_under_test, client.response_under_test), (true, false, false, false));
        let initial = case(serde_json::json!({"events": [], "initialResponse": {"code": 200}}));
        assert_eq!((initial.request_under_test, initial.response_under_test), (false, true));
        assert_eq!(client.expectation, Expectation::Failure(None));
        let failure = |id: &str| case(serde_json::json!({"expectation": {"failure": {"errorId": id}}})).expectation;
        let (operation, event, other) =
            ("fixture.eventstream#UnknownSymbol", "fixture.eventstream#FeedOverloaded", "fixture.eventstream#Tick");
        assert_eq!(failure(operation), Expectation::Failure(Some(FailureShape::Operation(operation.into()))));
        assert_eq!(failure(event), Expectation::Failure(Some(FailureShape::Event(event.into()))));
        assert_eq!(failure(other), Expectation::Failure(Some(FailureShape::Unknown(other.into()))));
    }

    fn planned(kind: Kind, name: &str, disposition: Disposition) -> PlannedCase {
        PlannedCase { protocol: "restJson1", kind, id: name.into(), file: "op".into(), name: name.into(), case: Value::Null, error: None, disposition }
    }

    #[test]
    fn a_run_counts_result_lines_against_the_plan() {
        let known = KnownFailure { kind: Kind::Response, id: "k".into(), reason: "why".into() };
        let cases = [
            planned(Kind::Request, "ok", Disposition::Run),
            planned(Kind::Request, "bad", Disposition::Run),
            planned(Kind::Request, "silent", Disposition::Run),
            planned(Kind::Request, "rule", Disposition::SkippedByRule("other protocol".into())),
            planned(Kind::Response, "k", Disposition::Known(known)),
        ];
        let report = Report::tally(&cases, "op::ok passed\nop::bad failed\nop::k passed\n");
        let request = &report.tallies[0].2;
        assert_eq!((request.passed, request.by_rule), (1, 1));
        assert_eq!(request.failed, vec!["op::bad".to_string(), "op::silent".to_string()]);
        assert_eq!(report.tallies[1].2.known, 1);
        assert_eq!(report.summary_lines()[2], "restJson1 request: 1 passed, 2 failed, 1 skipped");
        assert!(!report.is_empty());
    }
}
