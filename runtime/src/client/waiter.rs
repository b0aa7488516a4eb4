//! What generated waiters (`smithy.waiters#waitable`) share: JMESPath acceptors evaluated with
//! the `jmespath` crate over a JSON view of the output (member names as keys, as Smithy's
//! waiter specification defines the data an expression reads), and the time parts a
//! `WaiterOrchestrator` needs from the client's configuration.
//!
//! The polling itself, with its jittered exponential backoff, the timeout and the failure
//! state, is `aws_smithy_runtime::client::waiters::WaiterOrchestrator`, as in the official SDK
//! crates.

use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use aws_smithy_types::Document;
use serde_json::Value;

/// How the result of an acceptor's JMESPath expression compares with its expected value
/// (Smithy's `PathComparator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Comparator {
    /// The result is a string equal to the expected value.
    StringEquals,
    /// The result is a boolean equal to the expected value (`true` or `false`).
    BooleanEquals,
    /// The result is a non-empty list whose every element is a string equal to the expected value.
    AllStringEquals,
    /// The result is a list with at least one element a string equal to the expected value.
    AnyStringEquals,
}

/// Whether the JMESPath `path`, evaluated over `data`, compares with `expected` as
/// `comparator` says. An expression that does not parse or fails to evaluate matches nothing
/// (the generator checks every expression parses, so this is never the case for a model's).
pub fn path_matches(data: &Value, path: &str, comparator: Comparator, expected: &str) -> bool {
    let Ok(expression) = jmespath::compile(path) else { return false };
    let Ok(result) = expression.search(data) else { return false };
    let equals = |v: &jmespath::Variable| v.as_string().is_some_and(|s| s == expected);
    match comparator {
        Comparator::StringEquals => equals(&result),
        Comparator::BooleanEquals => result.as_boolean().is_some_and(|b| b.to_string() == expected),
        Comparator::AllStringEquals => {
            result.as_array().is_some_and(|items| !items.is_empty() && items.iter().all(|v| equals(v)))
        }
        Comparator::AnyStringEquals => result.as_array().is_some_and(|items| items.iter().any(|v| equals(v))),
    }
}

/// The data an `inputOutput` matcher reads: `{"input": .., "output": ..}`.
pub fn input_output(input: Value, output: Value) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("input".into(), input);
    object.insert("output".into(), output);
    Value::Object(object)
}

/// A document as JMESPath data.
pub fn document_view(document: &Document) -> Value {
    match document {
        Document::Object(map) => {
            // Sorted keys: the view is the same whatever the map's order.
            let sorted: std::collections::BTreeMap<_, _> = map.iter().collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), document_view(v))).collect())
        }
        Document::Array(items) => Value::Array(items.iter().map(document_view).collect()),
        Document::Number(n) => match *n {
            aws_smithy_types::Number::PosInt(v) => Value::from(v),
            aws_smithy_types::Number::NegInt(v) => Value::from(v),
            aws_smithy_types::Number::Float(v) => Value::from(v),
        },
        Document::String(s) => Value::String(s.clone()),
        Document::Bool(b) => Value::Bool(*b),
        Document::Null => Value::Null,
    }
}

/// A timestamp as JMESPath data: seconds since the epoch, as a number (what JMESPath's
/// comparisons of numbers need; Smithy's JSON form of a timestamp by default).
pub fn timestamp_view(time: &aws_smithy_types::DateTime) -> Value {
    Value::from(time.as_secs_f64())
}

/// A blob as JMESPath data: its base64 text, as the JSON protocols write it.
pub fn blob_view(blob: &aws_smithy_types::Blob) -> Value {
    Value::String(aws_smithy_types::base64::encode(blob.as_ref()))
}

/// The sleep and the clock a waiter's orchestrator needs, from the client's configuration; a
/// configuration without a sleep implementation (built without `rt-tokio` and without
/// `sleep_impl`) is a construction failure, which names the setting.
// The error is the official crates' `WaiterError`, which `wait()` returns as it is.
#[allow(clippy::result_large_err)]
pub fn time_components<O, E>(
    sleep: Option<SharedAsyncSleep>,
    time: Option<SharedTimeSource>,
) -> Result<(SharedAsyncSleep, SharedTimeSource), WaiterError<O, E>> {
    let sleep = sleep.ok_or_else(|| {
        WaiterError::construction_failure("waiters need a sleep implementation: set `sleep_impl` on the config (or enable `rt-tokio`)")
    })?;
    Ok((sleep, time.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comparators_follow_the_smithy_waiter_specification() {
        let data = json!({"Status": "ACTIVE", "Ready": true, "Items": [{"S": "a"}, {"S": "a"}], "Mixed": ["a", "b"], "Empty": []});
        assert!(path_matches(&data, "Status", Comparator::StringEquals, "ACTIVE"));
        assert!(!path_matches(&data, "Status", Comparator::StringEquals, "active"));
        assert!(!path_matches(&data, "Missing", Comparator::StringEquals, "ACTIVE"));
        assert!(path_matches(&data, "Ready", Comparator::BooleanEquals, "true"));
        assert!(!path_matches(&data, "Ready", Comparator::BooleanEquals, "false"));
        // A string "true" is not a boolean.
        assert!(!path_matches(&json!({"Ready": "true"}), "Ready", Comparator::BooleanEquals, "true"));
        assert!(path_matches(&data, "Items[].S", Comparator::AllStringEquals, "a"));
        assert!(!path_matches(&data, "Mixed", Comparator::AllStringEquals, "a"));
        assert!(path_matches(&data, "Mixed", Comparator::AnyStringEquals, "b"));
        assert!(!path_matches(&data, "Mixed", Comparator::AnyStringEquals, "c"));
        // allStringEquals needs at least one element; anyStringEquals finds none in an empty list.
        assert!(!path_matches(&data, "Empty", Comparator::AllStringEquals, "a"));
        assert!(!path_matches(&data, "Empty", Comparator::AnyStringEquals, "a"));
        // Expressions AWS's models use: functions, filters, projections, comparisons.
        assert!(path_matches(&data, "length(Items[?S == 'a']) == `2`", Comparator::BooleanEquals, "true"));
        assert!(path_matches(&data, "contains(Mixed, 'b')", Comparator::BooleanEquals, "true"));
        assert!(path_matches(&input_output(json!({"Name": "x"}), json!({"Names": ["x"]})), "contains(output.Names, input.Name)", Comparator::BooleanEquals, "true"));
    }

    #[test]
    fn documents_become_json() {
        let doc = Document::Object([("b".to_string(), Document::Array(vec![Document::Bool(true), Document::Null])), ("a".to_string(), Document::String("x".into()))].into_iter().collect());
        assert_eq!(document_view(&doc), json!({"a": "x", "b": [true, null]}));
    }
}
