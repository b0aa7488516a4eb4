//! Canonical JSON to the generated client's types and back, for the generated glue.

use crate::error::CliError;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::{base64, Blob, DateTime, Document, Number};
use serde_json::Value;

fn wrong(name: &str, v: &Value, expected: &str) -> CliError {
    CliError::param(format!("Invalid type for parameter {name}, value: {v}, valid types: {expected}"))
}

/// A string member.
pub fn string(v: &Value, name: &str) -> Result<String, CliError> {
    v.as_str().map(str::to_string).ok_or_else(|| wrong(name, v, "string"))
}

/// A boolean member.
pub fn boolean(v: &Value, name: &str) -> Result<bool, CliError> {
    v.as_bool().ok_or_else(|| wrong(name, v, "boolean"))
}

/// An integer member of any width (range checked).
pub fn integer<T: TryFrom<i64>>(v: &Value, name: &str) -> Result<T, CliError> {
    v.as_i64().and_then(|i| T::try_from(i).ok()).ok_or_else(|| wrong(name, v, "integer"))
}

/// A floating-point member.
pub fn double(v: &Value, name: &str) -> Result<f64, CliError> {
    v.as_f64().ok_or_else(|| wrong(name, v, "double"))
}

/// A single-precision member (JSON numbers are doubles; the nearest `f32`).
pub fn float(v: &Value, name: &str) -> Result<f32, CliError> {
    double(v, name).map(|d| d as f32)
}

/// A blob member (canonical input holds base64 text).
pub fn blob(v: &Value, name: &str) -> Result<Blob, CliError> {
    let text = v.as_str().ok_or_else(|| wrong(name, v, "blob"))?;
    base64::decode(text).map(Blob::new).map_err(|_| wrong(name, v, "base64 blob"))
}

/// A timestamp member: ISO 8601 text or seconds since the epoch.
pub fn timestamp(v: &Value, name: &str) -> Result<DateTime, CliError> {
    match v {
        Value::Number(n) => n.as_f64().map(DateTime::from_secs_f64).ok_or_else(|| wrong(name, v, "timestamp")),
        Value::String(s) => DateTime::from_str(s, Format::DateTime)
            .or_else(|_| s.parse::<f64>().map(DateTime::from_secs_f64).map_err(|_| ()))
            .map_err(|()| wrong(name, v, "timestamp (ISO 8601 or epoch seconds)")),
        _ => Err(wrong(name, v, "timestamp")),
    }
}

/// A blob in output JSON: base64, as the AWS CLI prints it.
pub fn blob_json(b: &Blob) -> Value {
    Value::String(base64::encode(b.as_ref()))
}

/// A timestamp in output JSON: ISO 8601.
pub fn timestamp_json(t: &DateTime) -> Value {
    Value::String(t.fmt(Format::DateTime).unwrap_or_else(|_| t.secs().to_string()))
}

/// A member type the command line cannot take (a stream of events).
pub fn unsupported<T>(name: &str) -> Result<T, CliError> {
    Err(CliError::param(format!("parameter {name}: this member's type cannot be given on the command line")))
}

/// An arbitrary-precision number member (`BigInteger`, `BigDecimal`): JSON number or text.
pub fn big<T: std::str::FromStr>(v: &Value, name: &str) -> Result<T, CliError> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(wrong(name, v, "string")),
    };
    text.parse().map_err(|_| wrong(name, v, "number"))
}

/// An arbitrary-precision number in output JSON: its exact text.
pub fn big_json(text: &str) -> Value {
    Value::String(text.to_string())
}

/// A structure's members (canonical input holds a JSON object).
pub fn object<'a>(v: &'a Value, name: &str) -> Result<&'a serde_json::Map<String, Value>, CliError> {
    v.as_object().ok_or_else(|| wrong(name, v, "structure"))
}

/// A union's one member set: its name and value.
pub fn union<'a>(v: &'a Value, name: &str) -> Result<(&'a String, &'a Value), CliError> {
    let object = v.as_object().ok_or_else(|| wrong(name, v, "tagged union structure"))?;
    let mut set = object.iter().filter(|(_, v)| !v.is_null());
    match (set.next(), set.next()) {
        (Some(one), None) => Ok(one),
        _ => Err(CliError::param(format!("Invalid number of parameters set for tagged union structure {name}. Exactly one member must be set."))),
    }
}

/// A list, item by item (`item` converts one, given its path).
pub fn list<T>(v: &Value, name: &str, item: impl Fn(&Value, &str) -> Result<T, CliError>) -> Result<Vec<T>, CliError> {
    let items = v.as_array().ok_or_else(|| wrong(name, v, "list"))?;
    items.iter().enumerate().map(|(i, v)| item(v, &format!("{name}[{i}]"))).collect()
}

/// A map, value by value (`item` converts one, given its path).
pub fn map<T>(v: &Value, name: &str, item: impl Fn(&Value, &str) -> Result<T, CliError>) -> Result<std::collections::HashMap<String, T>, CliError> {
    let entries = v.as_object().ok_or_else(|| wrong(name, v, "map"))?;
    entries.iter().map(|(k, v)| item(v, &format!("{name}.{k}")).map(|v| (k.clone(), v))).collect()
}

/// A map in output JSON, keys sorted (the client's map is a `HashMap`; output must not depend on
/// its order).
pub fn map_json<T>(map: &std::collections::HashMap<String, T>, item: impl Fn(&T) -> Value) -> Value {
    let mut entries: Vec<(&String, &T)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), item(v))).collect())
}

/// A document member: the JSON value as it is.
pub fn document(v: &Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            _ => Number::Float(n.as_f64().unwrap_or_default()),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(document).collect()),
        Value::Object(map) => Document::Object(map.iter().map(|(k, v)| (k.clone(), document(v))).collect()),
    }
}

/// A document in output JSON (object keys sorted).
pub fn document_json(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => Value::from(*u),
        Document::Number(Number::NegInt(i)) => Value::from(*i),
        Document::Number(Number::Float(f)) => Value::from(*f),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(items) => Value::Array(items.iter().map(document_json).collect()),
        Document::Object(map) => map_json(map, document_json),
    }
}

/// A member the checked input should not hold (the runtime checks keys against the specs first).
pub fn unknown_member(name: &str) -> CliError {
    CliError::param(format!("Unknown parameter {name}"))
}

/// An error with its causes, for failures while reading a streamed body.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(e).to_string()
}
