//! The reviewed list of stale endpoint test cases (`codegen/endpoint-stale-cases.json`).
//!
//! Published models keep the `smithy.rules#endpointTests` they were released
//! with, so a partition-data change (aws-iso and aws-iso-b gaining dual-stack)
//! leaves some cases expecting an error the rules no longer produce. Entries
//! match cases by content (parameters and expected error), never by service,
//! so one entry covers every model carrying the case. A matching case is not
//! skipped: its generated test asserts that the rules now resolve to an
//! endpoint, so a later change is noticed.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The list, compiled in so generation does not depend on the working directory.
const LIST_JSON: &str = include_str!("../endpoint-stale-cases.json");

#[derive(Deserialize)]
struct List {
    cases: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    params: Map<String, Value>,
    error: String,
    reason: String,
}

/// A test case of the model that the list matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleCase {
    /// Position in the model's `testCases`.
    pub index: usize,
    /// The case's `documentation`.
    pub documentation: String,
    /// The list's reason.
    pub reason: String,
}

fn list() -> List {
    // The file is part of the generator's source; the unit test below parses it.
    serde_json::from_str(LIST_JSON).unwrap_or_else(|e| panic!("codegen/endpoint-stale-cases.json: {e}"))
}

/// The cases of `test_cases` (an `endpointTests` `testCases` array) the list matches: each of
/// the entry's params has the same value in the case, and the case expects exactly its error.
pub fn stale_cases(test_cases: &[Value]) -> Vec<StaleCase> {
    let list = list();
    test_cases
        .iter()
        .enumerate()
        .filter_map(|(index, case)| {
            let error = case.get("expect")?.get("error")?.as_str()?;
            let params = case.get("params")?.as_object()?;
            let entry = list
                .cases
                .iter()
                .find(|e| e.error == error && e.params.iter().all(|(k, v)| params.get(k) == Some(v)))?;
            Some(StaleCase {
                index,
                documentation: case.get("documentation").and_then(Value::as_str).unwrap_or_default().to_string(),
                reason: entry.reason.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_list_parses_and_every_entry_says_why() {
        let list = list();
        assert!(!list.cases.is_empty());
        for e in &list.cases {
            assert!(!e.reason.trim().is_empty() && !e.params.is_empty() && !e.error.is_empty());
        }
    }

    #[test]
    fn matches_by_parameters_and_error() {
        let case = |region: &str, fips: bool, error: &str| {
            json!({"documentation": format!("{region} {fips}"),
                   "params": {"Region": region, "UseFIPS": fips, "UseDualStack": true},
                   "expect": {"error": error}})
        };
        let ds = "DualStack is enabled but this partition does not support DualStack";
        let cases = vec![
            case("us-iso-east-1", false, ds),
            case("us-east-1", false, ds),
            case("us-isob-east-1", false, "some other error"),
            json!({"documentation": "endpoint", "params": {"Region": "us-iso-east-1", "UseFIPS": false, "UseDualStack": true},
                   "expect": {"endpoint": {"url": "https://x"}}}),
            case("us-isob-east-1", false, ds),
        ];
        let found: Vec<usize> = stale_cases(&cases).iter().map(|s| s.index).collect();
        assert_eq!(found, vec![0, 4]);
        assert!(stale_cases(&cases)[0].reason.contains("aws-iso"));
    }
}
