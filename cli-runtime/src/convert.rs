//! Canonical JSON to the generated client's types and back, for the generated glue.

use crate::error::CliError;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::{base64, Blob, DateTime};
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

/// A member type the command line cannot take yet (nested lists, maps, structures, unions).
pub fn unsupported<T>(name: &str) -> Result<T, CliError> {
    Err(CliError::param(format!("parameter {name}: this member's type is not supported by the generated CLI yet")))
}
