//! Runs a model's `smithy.rules#endpointTests` cases through the rule-set
//! interpreter and, when the model has one, the BDD.
//!
//! Generated crates embed their test cases as data and call [`assert_cases`]
//! from one `#[test]`, so the checking logic lives here once instead of being
//! repeated per case in every generated crate. Each case is checked against
//! its expectation (url, headers and properties, or the exact error text)
//! through both paths, and the two paths must agree. Every failing case is
//! reported, named by its documentation.
//!
//! Some published cases are stale: they expect an error that current
//! partition data no longer produces. The generator matches those against its
//! reviewed list and passes them as [`Stale`]; for them the test asserts the
//! difference (the rules now resolve to an endpoint), so a data or model
//! update that changes it again is noticed rather than silently skipped.

use super::{Bdd, Params, RuleSet, Value};
use crate::protocol::json::{document_to_value, to_string};
use aws_smithy_types::Document;
use aws_smithy_types::endpoint::Endpoint;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A document as a `serde_json::Value`, as the cases' expectations are read.
fn document_value(d: &Document) -> Json {
    serde_json::from_str(&to_string(&document_to_value(d))).unwrap_or(Json::Null)
}

/// A test case whose expected error is known to be stale (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Stale {
    /// Position of the case in the model's `testCases`.
    pub index: usize,
    /// The case's `documentation`, checked against the case at `index`.
    pub documentation: &'static str,
    /// Why the expectation is stale (from the generator's reviewed list).
    pub reason: &'static str,
}

/// What running the cases found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Cases run.
    pub cases: usize,
    /// Of those, cases checked as stale.
    pub stale: usize,
    /// Whether the BDD was run too.
    pub with_bdd: bool,
    /// One line per failing case: `documentation: problem`.
    pub failures: Vec<String>,
}

/// The observable outcome of one resolution, comparable across the two paths.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Endpoint {
        url: String,
        headers: BTreeMap<String, Vec<String>>,
        properties: Json,
    },
    Error(String),
}

impl Outcome {
    fn of(result: Result<Endpoint, super::ResolveError>) -> Outcome {
        match result {
            Ok(ep) => Outcome::Endpoint {
                url: ep.url().to_owned(),
                headers: ep
                    .headers()
                    .map(|(k, vs)| (k.to_owned(), vs.map(str::to_owned).collect()))
                    .collect(),
                properties: Json::Object(
                    ep.properties()
                        .iter()
                        .map(|(k, v)| (k.to_string(), document_value(v)))
                        .collect(),
                ),
            },
            Err(e) => Outcome::Error(e.to_string()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Outcome::Endpoint { url, .. } => format!("endpoint {url}"),
            Outcome::Error(e) => format!("error {e:?}"),
        }
    }
}

/// Reads a case's `params` into [`Params`].
pub fn params_from_json(params: Option<&Json>) -> Result<Params, String> {
    let mut out = Params::new();
    let Some(params) = params else {
        return Ok(out);
    };
    let obj = params.as_object().ok_or("`params` is not an object")?;
    for (name, v) in obj {
        let value = match v {
            Json::String(s) => Value::from(s.as_str()),
            Json::Bool(b) => Value::from(*b),
            Json::Array(items) => Value::from(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<String>>>()
                    .ok_or_else(|| format!("param `{name}` is an array of non-strings"))?,
            ),
            other => return Err(format!("param `{name}` has unsupported value {other}")),
        };
        out.set(name.clone(), value);
    }
    Ok(out)
}

/// Compares an outcome with a case's `expect`; `Err` says how they differ.
fn check_expectation(outcome: &Outcome, expect: &Json) -> Result<(), String> {
    if let Some(expected) = expect.get("error") {
        let expected = expected.as_str().ok_or("`expect.error` is not a string")?;
        return match outcome {
            Outcome::Error(e) if e == expected => Ok(()),
            other => Err(format!(
                "expected error {expected:?}, got {}",
                other.describe()
            )),
        };
    }
    let expected = expect
        .get("endpoint")
        .ok_or("`expect` has neither `endpoint` nor `error`")?;
    let Outcome::Endpoint {
        url,
        headers,
        properties,
    } = outcome
    else {
        return Err(format!("expected an endpoint, got {}", outcome.describe()));
    };
    let mut problems = Vec::new();
    let expected_url = expected
        .get("url")
        .and_then(Json::as_str)
        .unwrap_or_default();
    if url != expected_url {
        problems.push(format!("url: expected {expected_url:?}, got {url:?}"));
    }
    let expected_headers: BTreeMap<String, Vec<String>> = match expected.get("headers") {
        Some(h) => {
            serde_json::from_value(h.clone()).map_err(|e| format!("bad expected headers: {e}"))?
        }
        None => BTreeMap::new(),
    };
    if *headers != expected_headers {
        problems.push(format!(
            "headers: expected {expected_headers:?}, got {headers:?}"
        ));
    }
    let expected_props = expected
        .get("properties")
        .cloned()
        .unwrap_or_else(|| Json::Object(Default::default()));
    if *properties != expected_props {
        problems.push(format!(
            "properties: expected {expected_props}, got {properties}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Runs `cases` (the `testCases` array) through `rule_set` and `bdd`.
pub fn run_cases(rule_set: &RuleSet, bdd: Option<&Bdd>, cases: &[Json], stale: &[Stale]) -> Report {
    let mut report = Report {
        with_bdd: bdd.is_some(),
        ..Report::default()
    };
    for s in stale {
        let doc = cases
            .get(s.index)
            .and_then(|c| c.get("documentation"))
            .and_then(Json::as_str);
        if doc != Some(s.documentation) {
            report.failures.push(format!(
                "{}: listed as stale case #{}, but that case is {doc:?}; regenerate the crate",
                s.documentation, s.index
            ));
        }
    }
    for (i, case) in cases.iter().enumerate() {
        report.cases += 1;
        let doc = case
            .get("documentation")
            .and_then(Json::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("test case #{i}"));
        let mut fail = |problem: String| report.failures.push(format!("{doc}: {problem}"));
        let params = match params_from_json(case.get("params")) {
            Ok(p) => p,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let Some(expect) = case.get("expect") else {
            fail("no `expect`".to_owned());
            continue;
        };
        let by_rules = Outcome::of(rule_set.resolve(&params));
        let mut outcomes = vec![("rule set", by_rules.clone())];
        if let Some(bdd) = bdd {
            let (result, trace) = bdd.resolve_traced(&params);
            let by_bdd = Outcome::of(result);
            if by_bdd != by_rules {
                fail(format!(
                    "the rule set and the BDD disagree: rule set gives {}, BDD gives {}",
                    by_rules.describe(),
                    by_bdd.describe()
                ));
            }
            if let Some((c, n)) = trace.evaluations.iter().enumerate().find(|(_, n)| **n > 1) {
                fail(format!("the BDD evaluated condition {c} {n} times"));
            }
            outcomes.push(("BDD", by_bdd));
        }
        match stale.iter().find(|s| s.index == i) {
            Some(s) => {
                report.stale += 1;
                for (path, outcome) in &outcomes {
                    if !matches!(outcome, Outcome::Endpoint { .. }) {
                        fail(format!(
                            "listed as stale ({}) so it should now resolve to an endpoint, but the {path} gives {}; \
                             if the model's expectation holds again, remove the entry from codegen/endpoint-stale-cases.json",
                            s.reason,
                            outcome.describe()
                        ));
                    }
                }
            }
            None => {
                for (path, outcome) in &outcomes {
                    if let Err(problem) = check_expectation(outcome, expect) {
                        fail(format!("{path}: {problem}"));
                    }
                }
            }
        }
    }
    report
}

/// Parses the embedded texts, runs every case (see [`run_cases`]) and panics
/// listing every failing case. Generated crates call this from their one
/// endpoint test.
pub fn assert_cases(rule_set: &str, bdd: Option<&str>, cases: &str, stale: &[Stale]) -> Report {
    let rule_set =
        RuleSet::from_json(rule_set).unwrap_or_else(|e| panic!("the embedded rule set: {e}"));
    let bdd = bdd.map(|b| Bdd::from_json(b).unwrap_or_else(|e| panic!("the embedded BDD: {e}")));
    let cases: Vec<Json> =
        serde_json::from_str(cases).unwrap_or_else(|e| panic!("the embedded test cases: {e}"));
    let report = run_cases(&rule_set, bdd.as_ref(), &cases, stale);
    fail_on_problems(report, "")
}

/// The report, or a panic listing every failing case.
fn fail_on_problems(report: Report, how: &str) -> Report {
    if !report.failures.is_empty() {
        let mut text = format!("{} problem(s) in {} endpoint test case(s){how}:\n", report.failures.len(), report.cases);
        for f in &report.failures {
            let _ = writeln!(text, "  - {f}");
        }
        panic!("{text}");
    }
    report
}

/// Runs every case through `resolve`, a generated crate's typed path (its `Params` built from
/// the case's values, resolved by its `DefaultResolver`), and panics listing every failing case.
/// Expectations and stale cases are checked as in [`run_cases`].
pub fn assert_typed_cases(
    cases: &str,
    stale: &[Stale],
    resolve: impl Fn(&Params) -> Result<Endpoint, aws_smithy_runtime_api::box_error::BoxError>,
) -> Report {
    let cases: Vec<Json> =
        serde_json::from_str(cases).unwrap_or_else(|e| panic!("the embedded test cases: {e}"));
    let mut report = Report::default();
    for (i, case) in cases.iter().enumerate() {
        report.cases += 1;
        let doc = case
            .get("documentation")
            .and_then(Json::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("test case #{i}"));
        let mut fail = |problem: String| report.failures.push(format!("{doc}: {problem}"));
        let (params, Some(expect)) = (params_from_json(case.get("params")), case.get("expect")) else {
            fail("no `expect`".to_owned());
            continue;
        };
        let outcome = match params.map_err(Into::into).and_then(|p| resolve(&p)) {
            Ok(endpoint) => Outcome::of(Ok(endpoint)),
            Err(e) => Outcome::Error(e.to_string()),
        };
        match stale.iter().find(|s| s.index == i) {
            Some(s) => {
                report.stale += 1;
                if !matches!(outcome, Outcome::Endpoint { .. }) {
                    fail(format!(
                        "listed as stale ({}) so it should now resolve to an endpoint, but the typed path gives {}",
                        s.reason,
                        outcome.describe()
                    ));
                }
            }
            None => {
                if let Err(problem) = check_expectation(&outcome, expect) {
                    fail(format!("typed path: {problem}"));
                }
            }
        }
    }
    fail_on_problems(report, " through the typed parameters")
}
