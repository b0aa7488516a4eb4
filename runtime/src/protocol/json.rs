//! JSON documents: reading and writing the values shapes are made of.
//!
//! Generated code converts shapes to and from `serde_json::Value`. Errors are
//! built bottom-up: a leaf reports what is wrong and each caller prepends its
//! step (`.Member`, `[3]`) with [`WireError::within`], which costs nothing on
//! success.

use super::http::special_float;
use super::WireError;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::{Blob, DateTime, Document, Number};
use serde_json::{Map, Value};
use std::collections::HashMap;

impl WireError {
    /// Prepends a path step: a member name, or an index (`[3]`) / key (`["k"]`).
    pub fn within(mut self, step: &str) -> Self {
        self.location = if step.starts_with('[') {
            format!("{step}{}", self.location)
        } else {
            format!(".{step}{}", self.location)
        };
        self
    }

    /// Prepends a list index.
    pub fn at_index(self, index: usize) -> Self {
        self.within(&format!("[{index}]"))
    }

    /// Prepends a map key.
    pub fn at_key(self, key: &str) -> Self {
        self.within(&format!("[{key:?}]"))
    }

    /// Marks the location as inside a JSON body (`$` prefix).
    pub fn in_body(mut self) -> Self {
        self.location = format!("${}", self.location);
        self
    }
}

/// Which side reads a document. The protocol asks clients to be lenient
/// (accept UTC offsets in date-times, skip nulls in dense lists and maps, keep
/// unknown union members as `Unknown`) and servers to reject the same input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A client reading a response.
    Client,
    /// A server reading a request.
    Server,
}

impl Side {
    /// Whether `null` elements of dense lists and maps are skipped (clients) rather than rejected.
    pub fn skips_nulls(self) -> bool {
        self == Side::Client
    }
}

fn wrong(expected: &str, got: &Value) -> WireError {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    WireError::new("", format!("expected {expected}, found {kind}"))
}

/// Parses a JSON body; an empty body is an empty object.
pub fn parse_body(body: &[u8]) -> Result<Value, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| WireError::new("$", format!("body is not valid JSON: {e}")))
}

/// Reads a JSON object body member by member into `builder`: `read` gets the builder and
/// each `(key, value)` whose value is not `null`, in document order, and returns the builder.
/// An empty body is an empty object; an error of `read` (or a body that is not an object) is
/// placed in the body.
pub fn read_object<B>(
    body: &[u8],
    mut builder: B,
    mut read: impl FnMut(B, &str, &Value) -> Result<B, WireError>,
) -> Result<B, WireError> {
    let document = parse_body(body)?;
    let entries = object(&document).map_err(|e| e.in_body())?;
    for (key, value) in entries {
        if value.is_null() {
            continue;
        }
        builder = read(builder, key, value).map_err(|e| e.in_body())?;
    }
    Ok(builder)
}

/// The object, or an error naming what was found instead.
pub fn object(v: &Value) -> Result<&Map<String, Value>, WireError> {
    v.as_object().ok_or_else(|| wrong("an object", v))
}

/// The array, or an error.
pub fn array(v: &Value) -> Result<&Vec<Value>, WireError> {
    v.as_array().ok_or_else(|| wrong("an array", v))
}

/// A string value.
pub fn string(v: &Value) -> Result<String, WireError> {
    v.as_str().map(str::to_string).ok_or_else(|| wrong("a string", v))
}

/// A boolean value.
pub fn boolean(v: &Value) -> Result<bool, WireError> {
    v.as_bool().ok_or_else(|| wrong("a boolean", v))
}

/// An integer that fits `T` (byte, short, integer or long).
pub fn integer<T: TryFrom<i64>>(v: &Value) -> Result<T, WireError> {
    let n = v.as_i64().ok_or_else(|| match v {
        Value::Number(n) => WireError::new("", format!("expected an integer, found {}", number_text(n))),
        _ => wrong("an integer", v),
    })?;
    T::try_from(n).map_err(|_| WireError::new("", format!("{n} is out of range")))
}

/// A JSON number as text for an error message, without `serde_json`'s own number formatting
/// (`Display` of `Value` or `Number`): that drags its serializer and its float formatter
/// (the `zmij` tables, ~40 KiB) into every client whose reader can report a bad number, where
/// the standard library's float formatting is linked anyway.
pub fn number_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) => format!("{f:?}"),
        _ => "a number".to_string(),
    }
}

/// A double: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub fn double(v: &Value) -> Result<f64, WireError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| wrong("a number", v)),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(wrong("a number", v)),
        },
        _ => Err(wrong("a number", v)),
    }
}

/// A float (`f32`).
pub fn float(v: &Value) -> Result<f32, WireError> {
    double(v).map(|d| d as f32)
}

/// A base64 blob.
pub fn blob(v: &Value) -> Result<Blob, WireError> {
    let s = v.as_str().ok_or_else(|| wrong("a base64 string", v))?;
    aws_smithy_types::base64::decode(s)
        .map(Blob::new)
        .map_err(|_| WireError::new("", "is not valid base64"))
}

/// A timestamp: epoch seconds as a number, or a string in `format`. Clients
/// also accept date-times with a UTC offset; servers require `Z`.
pub fn timestamp(v: &Value, format: Format, side: Side) -> Result<DateTime, WireError> {
    let format = match (format, side) {
        (Format::DateTime, Side::Client) => Format::DateTimeWithOffset,
        (format, _) => format,
    };
    match (v, format) {
        (Value::Number(n), Format::EpochSeconds) => {
            let secs = n.as_f64().ok_or_else(|| wrong("a number", v))?;
            if let Some(i) = n.as_i64() {
                Ok(DateTime::from_secs(i))
            } else {
                Ok(DateTime::from_secs_f64(secs))
            }
        }
        (Value::String(s), Format::DateTime | Format::DateTimeWithOffset | Format::HttpDate) => DateTime::from_str(s, format)
            .map_err(|e| WireError::new("", format!("`{s}` is not a valid timestamp: {e}"))),
        (_, Format::EpochSeconds) => Err(wrong("epoch seconds as a number", v)),
        _ => Err(wrong("a timestamp string", v)),
    }
}

/// A big integer or decimal, kept as text.
pub fn big_number(v: &Value) -> Result<String, WireError> {
    match v {
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s.clone()),
        _ => Err(wrong("a number", v)),
    }
}

/// Any JSON value as a document.
pub fn document(v: &Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(document).collect()),
        Value::Object(o) => Document::Object(o.iter().map(|(k, v)| (k.clone(), document(v))).collect::<HashMap<_, _>>()),
    }
}

/// A document as JSON.
pub fn document_value(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => Value::from(*u),
        Document::Number(Number::NegInt(i)) => Value::from(*i),
        Document::Number(Number::Float(f)) => double_value(*f),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(a) => Value::Array(a.iter().map(document_value).collect()),
        Document::Object(o) => {
            // Sorted keys: the same document always serializes the same way.
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), document_value(&o[k]))).collect())
        }
    }
}

/// A double as JSON; non-finite values become the protocol's strings.
pub fn double_value(v: f64) -> Value {
    match special_float(v) {
        Some(text) => Value::String(text.into()),
        None => serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null),
    }
}

/// A float (`f32`) as JSON, without widening noise (`1.1`, not `1.100000023841858`).
pub fn float_value(v: f32) -> Value {
    match special_float(f64::from(v)) {
        Some(text) => Value::String(text.into()),
        None => {
            let shortest: f64 = v.to_string().parse().unwrap_or(f64::from(v));
            serde_json::Number::from_f64(shortest).map(Value::Number).unwrap_or(Value::Null)
        }
    }
}

/// A blob as base64 JSON text.
pub fn blob_value(b: &Blob) -> Value {
    Value::String(aws_smithy_types::base64::encode(b.as_ref()))
}

/// A timestamp as JSON in `format` (epoch seconds as a number).
pub fn timestamp_value(t: &DateTime, format: Format) -> Result<Value, WireError> {
    match format {
        Format::EpochSeconds => {
            if t.subsec_nanos() == 0 {
                Ok(Value::from(t.secs()))
            } else {
                Ok(double_value(t.as_secs_f64()))
            }
        }
        _ => t
            .fmt(format)
            .map(Value::String)
            .map_err(|e| WireError::new("", format!("cannot format timestamp: {e}"))),
    }
}

/// A big number as JSON: a number when it is one serde_json can hold exactly, else text.
pub fn big_number_value(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return Value::from(u);
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => double_value(f),
        _ => Value::String(text.to_string()),
    }
}

/// Serializes a JSON body.
pub fn to_body(v: &Value) -> Vec<u8> {
    // Writing a `Value` into a Vec cannot fail.
    serde_json::to_vec(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_carry_their_path() {
        let e = integer::<i8>(&json!(300)).unwrap_err().within("Count").at_index(2).within("Items").in_body();
        assert_eq!(e.location, "$.Items[2].Count");
    }

    #[test]
    fn non_finite_doubles_round_trip_as_strings() {
        assert_eq!(double_value(f64::INFINITY), json!("Infinity"));
        assert!(double(&json!("NaN")).unwrap().is_nan());
        assert_eq!(float_value(1.1), json!(1.1));
    }

    #[test]
    fn timestamps_follow_their_format() {
        let t = timestamp(&json!(1576540098), Format::EpochSeconds, Side::Server).unwrap();
        assert_eq!(timestamp_value(&t, Format::DateTime).unwrap(), json!("2019-12-16T23:48:18Z"));
        assert!(timestamp(&json!("x"), Format::EpochSeconds, Side::Client).is_err());
        let frac = timestamp(&json!(1576540098.5), Format::EpochSeconds, Side::Client).unwrap();
        assert_eq!(timestamp_value(&frac, Format::EpochSeconds).unwrap(), json!(1576540098.5));
    }

    #[test]
    fn only_clients_accept_utc_offsets() {
        let offset = json!("2019-12-16T22:48:18-01:00");
        let t = timestamp(&offset, Format::DateTime, Side::Client).unwrap();
        assert_eq!(timestamp_value(&t, Format::DateTime).unwrap(), json!("2019-12-16T23:48:18Z"));
        assert!(timestamp(&offset, Format::DateTime, Side::Server).is_err());
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        assert_eq!(parse_body(b"").unwrap(), json!({}));
        assert!(parse_body(b"{").is_err());
    }
}
