//! What a generated endpoint resolver calls: the rules' standard library on run-time
//! [`Value`]s, and the steps of building an endpoint or an error.
//!
//! The generator lowers a model's `smithy.rules#endpointRuleSet` to Rust code in the generated
//! crate's `config::endpoint` (one `if`/`let ... else` per condition, in rule order), so a client
//! neither carries the rules as JSON nor parses them at run time. The code it emits holds each
//! value as an `Option<Value>` ("no value" is `None`), as the rules engine defines them, and
//! calls these functions (one per library function, so a client links only those its rules
//! use), which give the same results and the same error messages as the interpreter. `path` arguments are the JSON paths of the rules' elements, for messages.

use super::error::{ResolveError, ResolveErrorKind};
use super::functions;
use super::partition::Partitions;
pub use super::value::Value;
use aws_smithy_types::endpoint::{Builder as EndpointBuilder, Endpoint};
use std::collections::BTreeMap;

/// One step of a `getAttr` path: a record field or an array index (negative from the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A field of a record.
    Key(&'static str),
    /// An element of an array.
    Index(i64),
}

/// Whether a condition holds: its value is neither "no value" nor `false`. The value, when it
/// holds, is what the condition's `assign` binds.
pub fn holds(value: Option<Value>) -> Option<Value> {
    match value {
        None | Some(Value::Bool(false)) => None,
        held => held,
    }
}

/// `getAttr`: follows `steps` (written `text` in the rules) from `value`. Missing fields and
/// out-of-range indexes give no value; reading a field of a non-record or an index of a
/// non-array is an error, reported with `context`.
pub fn get_attr(
    value: Option<&Value>,
    text: &str,
    steps: &[Step],
    context: &str,
) -> Result<Option<Value>, ResolveError> {
    let Some(mut current) = value else { return Ok(None) };
    for step in steps {
        let next = match (step, current) {
            (Step::Key(k), Value::Record(fields)) => fields.get(*k),
            (Step::Index(i), Value::Array(items)) => {
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let idx = if *i < 0 { len + i } else { *i };
                usize::try_from(idx).ok().and_then(|idx| items.get(idx))
            }
            (Step::Key(k), other) => {
                return Err(ResolveError::evaluation(format!(
                    "{context}: getAttr path `{text}` reads field `{k}` of a {}",
                    other.type_name()
                )))
            }
            (Step::Index(i), other) => {
                return Err(ResolveError::evaluation(format!(
                    "{context}: getAttr path `{text}` reads index [{i}] of a {}",
                    other.type_name()
                )))
            }
        };
        match next {
            Some(v) => current = v,
            None => return Ok(None),
        }
    }
    Ok(Some(current.clone()))
}

/// Writes a template placeholder's value (written `placeholder` in the rules) into `out`:
/// strings as they are, booleans and integers as text; anything else, or no value, is an error.
pub fn push(out: &mut String, placeholder: &str, value: Option<&Value>) -> Result<(), ResolveError> {
    match value {
        Some(Value::String(s)) => out.push_str(s),
        Some(v @ (Value::Bool(_) | Value::Integer(_))) => out.push_str(&v.to_string()),
        Some(other) => {
            return Err(ResolveError::evaluation(format!(
                "template placeholder `{placeholder}` is a {}, which cannot be written into a string",
                other.type_name()
            )))
        }
        None => {
            return Err(ResolveError::evaluation(format!(
                "template placeholder `{placeholder}` refers to a value that is not set"
            )))
        }
    }
    Ok(())
}

/// An array literal: every element must have a value.
pub fn array(items: Vec<Option<Value>>) -> Result<Value, ResolveError> {
    items
        .into_iter()
        .map(|item| item.ok_or_else(|| ResolveError::evaluation("an array element evaluated to no value")))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// A record literal (in endpoint properties): every field must have a value.
pub fn record(fields: Vec<(&'static str, Option<Value>)>) -> Result<Value, ResolveError> {
    let mut out = BTreeMap::new();
    for (k, v) in fields {
        match v {
            Some(v) => {
                out.insert(k.to_owned(), v);
            }
            None => return Err(ResolveError::evaluation(format!("record field `{k}` evaluated to no value"))),
        }
    }
    Ok(Value::Record(out))
}

/// `ite`'s condition: `true` or `false`; anything else is an error.
pub fn ite_condition(value: Option<Value>, path: &str) -> Result<bool, ResolveError> {
    match value {
        Some(Value::Bool(b)) => Ok(b),
        Some(other) => Err(argument_error("ite", path, 0, "boolean", &other)),
        None => Err(ResolveError::evaluation(format!("the condition of `ite` at {path} evaluated to no value"))),
    }
}

fn argument_error(name: &str, path: &str, index: usize, expected: &str, got: &Value) -> ResolveError {
    ResolveError::evaluation(format!(
        "argument {} of `{name}` at {path} must be a {expected}, but was a {}",
        index + 1,
        got.type_name()
    ))
}

/// Reads the arguments of one call, checking their types as the rules engine does.
struct Args<'a> {
    function: &'static str,
    path: &'a str,
    values: &'a [Option<Value>],
}

impl<'a> Args<'a> {
    fn str(&self, i: usize) -> Result<Option<&'a str>, ResolveError> {
        match self.values.get(i) {
            Some(Some(Value::String(s))) => Ok(Some(s)),
            Some(Some(other)) => Err(argument_error(self.function, self.path, i, "string", other)),
            _ => Ok(None),
        }
    }

    fn bool(&self, i: usize) -> Result<Option<bool>, ResolveError> {
        match self.values.get(i) {
            Some(Some(Value::Bool(b))) => Ok(Some(*b)),
            Some(Some(other)) => Err(argument_error(self.function, self.path, i, "boolean", other)),
            _ => Ok(None),
        }
    }

    fn int(&self, i: usize) -> Result<Option<i64>, ResolveError> {
        match self.values.get(i) {
            Some(Some(Value::Integer(n))) => Ok(Some(*n)),
            Some(Some(other)) => Err(argument_error(self.function, self.path, i, "integer", other)),
            _ => Ok(None),
        }
    }
}

// The library functions that take every argument evaluated, one Rust function each so that a
// client links only those its rules call (`isSet`, `coalesce`, `ite` and `getAttr` are lowered
// inline). Each takes the JSON path of the call (for messages) and its arguments: any argument
// with no value gives no value; an argument of the wrong type is an error.

/// `not`.
pub fn not(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "not", path, values: args };
    Ok(a.bool(0)?.map(|b| Value::Bool(!b)))
}

/// `booleanEquals`.
pub fn boolean_equals(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "booleanEquals", path, values: args };
    Ok(match (a.bool(0)?, a.bool(1)?) {
        (Some(x), Some(y)) => Some(Value::Bool(x == y)),
        _ => None,
    })
}

/// `stringEquals`.
pub fn string_equals(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "stringEquals", path, values: args };
    Ok(match (a.str(0)?, a.str(1)?) {
        (Some(x), Some(y)) => Some(Value::Bool(x == y)),
        _ => None,
    })
}

/// `substring`.
pub fn substring(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "substring", path, values: args };
    Ok(match (a.str(0)?, a.int(1)?, a.int(2)?, a.bool(3)?) {
        (Some(s), Some(start), Some(stop), Some(rev)) => functions::substring(s, start, stop, rev).map(Value::String),
        _ => None,
    })
}

/// `uriEncode`.
pub fn uri_encode(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "uriEncode", path, values: args };
    Ok(a.str(0)?.map(|s| Value::String(functions::uri_encode(s))))
}

/// `parseURL`.
pub fn parse_url(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "parseURL", path, values: args };
    Ok(a.str(0)?.and_then(functions::parse_url).map(|u| u.to_value()))
}

/// `isValidHostLabel`.
pub fn is_valid_host_label(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "isValidHostLabel", path, values: args };
    Ok(match (a.str(0)?, a.bool(1)?) {
        (Some(s), Some(sub)) => Some(Value::Bool(functions::is_valid_host_label(s, sub))),
        _ => None,
    })
}

/// `aws.partition`: the embedded partition data, parsed once per process.
pub fn aws_partition(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "aws.partition", path, values: args };
    Ok(match a.str(0)? {
        Some(region) => Partitions::embedded()
            .map_err(|e| ResolveError::evaluation(format!("`aws.partition` at {path}: {e}")))?
            .lookup(region),
        None => None,
    })
}

/// `aws.parseArn`.
pub fn aws_parse_arn(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "aws.parseArn", path, values: args };
    Ok(a.str(0)?.and_then(functions::parse_arn).map(|arn| arn.to_value()))
}

/// `aws.isVirtualHostableS3Bucket`.
pub fn aws_is_virtual_hostable_s3_bucket(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "aws.isVirtualHostableS3Bucket", path, values: args };
    Ok(match (a.str(0)?, a.bool(1)?) {
        (Some(s), Some(sub)) => Some(Value::Bool(functions::is_virtual_hostable_s3_bucket(s, sub))),
        _ => None,
    })
}

/// `split`.
pub fn split(path: &str, args: &[Option<Value>]) -> Result<Option<Value>, ResolveError> {
    let a = Args { function: "split", path, values: args };
    Ok(match (a.str(0)?, a.str(1)?, a.int(2)?) {
        (Some(s), Some(d), Some(limit)) => match functions::split(s, d, limit) {
            Some(parts) => Some(Value::Array(parts.into_iter().map(Value::String).collect())),
            None => {
                return Err(ResolveError::evaluation(format!(
                    "`split` at {path} needs a non-empty delimiter and a non-negative limit"
                )))
            }
        },
        _ => None,
    })
}

/// Starts the endpoint of the endpoint rule at `path` from its URL, which must be a non-empty
/// string.
pub fn endpoint(url: Option<Value>, path: &str) -> Result<EndpointBuilder, ResolveError> {
    match url {
        Some(Value::String(s)) if !s.is_empty() => Ok(Endpoint::builder().url(s)),
        Some(Value::String(_)) => Err(ResolveError::evaluation(format!(
            "the endpoint url of the rule at {path} evaluated to an empty string"
        ))),
        Some(other) => Err(ResolveError::evaluation(format!(
            "the endpoint url of the rule at {path} evaluated to a {}, not a string",
            other.type_name()
        ))),
        None => Err(ResolveError::evaluation(format!("the endpoint url of the rule at {path} evaluated to no value"))),
    }
}

/// Adds one value of header `name` to the endpoint of the rule at `path`: it must be a string.
pub fn header(builder: EndpointBuilder, name: &'static str, value: Option<Value>, path: &str) -> Result<EndpointBuilder, ResolveError> {
    match value {
        Some(Value::String(s)) => Ok(builder.header(name, s)),
        other => Err(ResolveError::evaluation(format!(
            "header `{name}` of the endpoint at {path} evaluated to {}, not a string",
            match other {
                Some(v) => format!("a {}", v.type_name()),
                None => "no value".to_owned(),
            }
        ))),
    }
}

/// Sets property `name` of the endpoint of the rule at `path`: it must have a value.
pub fn property(builder: EndpointBuilder, name: &'static str, value: Option<Value>, path: &str) -> Result<EndpointBuilder, ResolveError> {
    match value {
        Some(v) => Ok(builder.property(name, v.to_document())),
        None => Err(ResolveError::evaluation(format!(
            "property `{name}` of the endpoint at {path} evaluated to no value"
        ))),
    }
}

/// The error of the error rule at `path`: its message is the rule's own text.
pub fn rule_error(message: Option<Value>, path: &str) -> ResolveError {
    match message {
        Some(Value::String(s)) => ResolveError::new(ResolveErrorKind::RuleError, s),
        Some(other) => ResolveError::new(ResolveErrorKind::RuleError, other.to_string()),
        None => ResolveError::evaluation(format!("the error message of the error rule at {path} evaluated to no value")),
    }
}

/// No rule matched: at the top level (`tree` is `None`), or under the tree rule at `tree`.
pub fn no_rule_matched(tree: Option<&str>) -> ResolveError {
    match tree {
        None => ResolveError::new(ResolveErrorKind::NoRuleMatched, "no endpoint rule matched the given parameters (rules exhausted)"),
        Some(path) => ResolveError::new(
            ResolveErrorKind::NoRuleMatched,
            format!("no endpoint rule matched the given parameters (rules under the tree rule at {path} exhausted)"),
        ),
    }
}

/// A required parameter has neither a value nor a default.
pub fn missing_parameter(name: &str) -> ResolveError {
    ResolveError::new(ResolveErrorKind::MissingRequiredParameter, format!("endpoint parameter `{name}` is required but was not set"))
}
