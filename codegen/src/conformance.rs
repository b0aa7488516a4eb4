//! The conformance plan: which protocol test each case of `smithy.test#httpRequestTests`,
//! `httpResponseTests` and `httpMalformedRequestTests` becomes (its function name, and
//! whether it runs, is skipped by rule or is a known failure), and the tally of a run.
//!
//! The test emitter renders this plan; `cargo xtask conformance` reads it back (through
//! [`crate::GeneratedCrate::protocol_cases`]) and counts the result lines the generated tests
//! write to the file named by [`RESULTS_ENV`], so nothing parses `cargo test` output.

use crate::ir::{Operation, Service};
use serde_json::Value;
use std::collections::BTreeMap;

/// The environment variable naming the file each generated protocol test appends its result
/// line to (`<operation file>::<test fn> passed|failed`).
pub const RESULTS_ENV: &str = "SMITHYGEN_PROTOCOL_TEST_RESULTS";

/// The list of protocol tests that cannot pass yet, relative to the workspace root.
pub const KNOWN_FAILURES_FILE: &str = "codegen/conformance/known-failures.txt";

/// The list's text, embedded so generation needs no file system access.
const KNOWN_FAILURES: &str = include_str!("../conformance/known-failures.txt");

/// The only protocol the generated clients speak.
const PROTOCOL: &str = "aws.protocols#restJson1";

/// The three kinds of protocol test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `smithy.test#httpRequestTests`: the request the client sends.
    Request,
    /// `smithy.test#httpResponseTests`: how the client reads a response.
    Response,
    /// `smithy.test#httpMalformedRequestTests`: how the server rejects a request.
    Malformed,
}

impl Kind {
    /// All kinds, in report order.
    pub const ALL: [Kind; 3] = [Kind::Request, Kind::Response, Kind::Malformed];

    /// The word used in test names, the known-failures file and reports.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Malformed => "malformed",
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
            .ok_or_else(|| format!("{KNOWN_FAILURES_FILE}:{}: kind `{kind}` is not request, response or malformed", n + 1))?;
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

/// The protocol tests of one operation, in the order they are generated.
pub fn operation_cases(op: &Operation, known: &[KnownFailure]) -> Vec<PlannedCase> {
    let mut out = Vec::new();
    let mut push = |kind: Kind, case: Value, row: Option<usize>, error: Option<String>| {
        let id = case.get("id").and_then(Value::as_str).unwrap_or("unnamed").to_string();
        let disposition = match (rule_skip(kind, &case), known.iter().find(|k| k.kind == kind && k.id == id)) {
            (Some(reason), _) => Disposition::SkippedByRule(reason),
            (None, Some(k)) => Disposition::Known(k.clone()),
            (None, None) => Disposition::Run,
        };
        out.push(PlannedCase { kind, name: case_fn_name(kind, &id, row), id, file: op.file.clone(), case, error, disposition });
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
    out
}

/// Every protocol test of the service, operation by operation.
pub fn service_cases(svc: &Service) -> Vec<PlannedCase> {
    let known = known_failures();
    svc.operations.iter().flat_map(|op| operation_cases(op, &known)).collect()
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
    /// Counts per kind, in [`Kind::ALL`] order.
    pub tallies: Vec<(Kind, Tally)>,
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
        let mut tallies: Vec<(Kind, Tally)> = Kind::ALL.iter().map(|k| (*k, Tally::default())).collect();
        for case in cases {
            let tally = &mut tallies.iter_mut().find(|(k, _)| *k == case.kind).expect("every kind has a tally").1;
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
        self.tallies.iter().all(|(_, t)| t.passed + t.failed.len() + t.by_rule + t.known == 0)
    }

    /// Every failed test, by kind.
    pub fn failed(&self) -> Vec<&String> {
        self.tallies.iter().flat_map(|(_, t)| t.failed.iter()).collect()
    }

    /// The summary: per kind `<kind>: N skipped by rule (...), N known failures`, then per kind
    /// `<kind>: N passed, N failed, N skipped`.
    pub fn summary_lines(&self) -> Vec<String> {
        let details = self.tallies.iter().map(|(kind, t)| {
            format!("  {}: {} skipped by rule (other protocol or side), {} known failures", kind.word(), t.by_rule, t.known)
        });
        let counts = self
            .tallies
            .iter()
            .map(|(kind, t)| format!("{}: {} passed, {} failed, {} skipped", kind.word(), t.passed, t.failed.len(), t.by_rule + t.known));
        details.chain(counts).collect()
    }
}

/// Why a case is skipped by rule, if it is.
fn rule_skip(kind: Kind, case: &Value) -> Option<String> {
    let protocol = case.get("protocol").and_then(Value::as_str).unwrap_or_default();
    if protocol != PROTOCOL {
        return Some(format!("protocol {protocol} is not generated"));
    }
    match (kind, case.get("appliesTo").and_then(Value::as_str)) {
        (Kind::Request | Kind::Response, Some("server")) => Some("applies to servers only".into()),
        (Kind::Malformed, Some("client")) => Some("applies to clients only".into()),
        _ => None,
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
    }

    #[test]
    fn test_names_are_kind_and_snake_case_id() {
        assert_eq!(test_fn_name(Kind::Request, "RestJsonAllQueryStringTypes"), "request_rest_json_all_query_string_types");
        assert_eq!(test_fn_name(Kind::Malformed, "RestJsonMalformedSetDuplicateItems"), "malformed_rest_json_malformed_set_duplicate_items");
    }

    fn planned(kind: Kind, name: &str, disposition: Disposition) -> PlannedCase {
        PlannedCase { kind, id: name.into(), file: "op".into(), name: name.into(), case: Value::Null, error: None, disposition }
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
        let request = &report.tallies[0].1;
        assert_eq!((request.passed, request.by_rule), (1, 1));
        assert_eq!(request.failed, vec!["op::bad".to_string(), "op::silent".to_string()]);
        assert_eq!(report.tallies[1].1.known, 1);
        assert_eq!(report.summary_lines()[3], "request: 1 passed, 2 failed, 1 skipped");
        assert!(!report.is_empty());
    }
}
