//! JSON documents: reading and writing the values shapes are made of.
//!
//! Generated code converts shapes to and from [`Value`], a small document tree read with
//! `aws-smithy-json`'s tokenizer ([`json_token_iter`]) and written with its writer
//! ([`JsonValueWriter`]). That is the JSON crate of the official SDK crates, which every
//! `aws-config` program already compiles, so a client compiles no JSON library of its own
//! (serde and serde_json added three crates and ~17 s to a lean client's longest build chain),
//! and numbers and strings are spelled byte for byte as the official client spells them.
//! Objects keep their keys in the order they were written or read: the official serializers
//! write members in model order.
//!
//! Errors are built bottom-up: a leaf reports what is wrong and each caller prepends its
//! step (`.Member`, `[3]`) with [`WireError::within`], which costs nothing on success.

use super::http::special_float;
use super::WireError;
use aws_smithy_json::deserialize::{json_token_iter, JsonTokenIterator, Token};
use aws_smithy_json::serialize::JsonValueWriter;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::primitive::Encoder;
use aws_smithy_types::{Blob, DateTime, Document, Number};
use std::collections::HashMap;

/// How deep arrays and objects may nest in a body: a hostile body of nested arrays would
/// otherwise exhaust the stack (serde_json stops at the same depth).
const MAX_DEPTH: usize = 128;

/// An object's entries, in the order they were written or read. Generated writers add each key
/// once; a read object keeps a repeated key twice, and readers, which go in order, keep the last.
pub type Map = Vec<(String, Value)>;

/// One JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number: an integer when it is one that fits 64 bits, else a float.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

impl Value {
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key` (the last one, if repeated), if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The integer, if this is an integer that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(Number::PosInt(u)) => i64::try_from(*u).ok(),
            Value::Number(Number::NegInt(i)) => Some(*i),
            _ => None,
        }
    }

    /// The number as a double, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n.to_f64_lossy()),
            _ => None,
        }
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(match u64::try_from(i) {
            Ok(u) => Number::PosInt(u),
            Err(_) => Number::NegInt(i),
        })
    }
}

impl From<u64> for Value {
    fn from(u: u64) -> Self {
        Value::Number(Number::PosInt(u))
    }
}

macro_rules! from_small_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(i: $t) -> Self {
                Value::from(i64::from(i))
            }
        }
    )*};
}
from_small_integer!(i8, i16, i32);

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Parses one JSON value (surrounding whitespace allowed, nothing else).
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let mut tokens = json_token_iter(bytes);
    let first = next_token(&mut tokens)?.ok_or("the document is empty")?;
    let value = read_value(&mut tokens, first, 0)?;
    match next_token(&mut tokens)? {
        None => Ok(value),
        Some(token) => Err(format!("unexpected data after the value at offset {}", token.offset().0)),
    }
}

fn next_token<'a>(tokens: &mut JsonTokenIterator<'a>) -> Result<Option<Token<'a>>, String> {
    tokens.next().transpose().map_err(|e| e.to_string())
}

fn unescape(text: aws_smithy_json::deserialize::EscapedStr<'_>) -> Result<String, String> {
    text.to_unescaped().map(|s| s.into_owned()).map_err(|e| e.to_string())
}

/// The value `token` starts, with the tokens that complete it.
fn read_value<'a>(tokens: &mut JsonTokenIterator<'a>, token: Token<'a>, depth: usize) -> Result<Value, String> {
    let nested = |offset: usize| -> Result<(), String> {
        if depth >= MAX_DEPTH {
            Err(format!("nested deeper than {MAX_DEPTH} levels at offset {offset}"))
        } else {
            Ok(())
        }
    };
    Ok(match token {
        Token::ValueNull { .. } => Value::Null,
        Token::ValueBool { value, .. } => Value::Bool(value),
        Token::ValueNumber { value, .. } => Value::Number(value),
        Token::ValueString { value, .. } => Value::String(unescape(value)?),
        Token::StartArray { offset } => {
            nested(offset.0)?;
            let mut items = Vec::new();
            loop {
                match next_token(tokens)? {
                    Some(Token::EndArray { .. }) => break Value::Array(items),
                    Some(token) => items.push(read_value(tokens, token, depth + 1)?),
                    None => return Err("the document ends inside an array".to_string()),
                }
            }
        }
        Token::StartObject { offset } => {
            nested(offset.0)?;
            let mut entries = Map::new();
            loop {
                match next_token(tokens)? {
                    Some(Token::EndObject { .. }) => break Value::Object(entries),
                    Some(Token::ObjectKey { key, .. }) => {
                        let key = unescape(key)?;
                        let token = next_token(tokens)?.ok_or("the document ends inside an object")?;
                        entries.push((key, read_value(tokens, token, depth + 1)?));
                    }
                    Some(token) => return Err(format!("unexpected token at offset {}", token.offset().0)),
                    None => return Err("the document ends inside an object".to_string()),
                }
            }
        }
        token => return Err(format!("unexpected token at offset {}", token.offset().0)),
    })
}

/// Writes `value` with `aws-smithy-json`'s writer.
pub fn write(value: &Value, writer: JsonValueWriter<'_>) {
    match value {
        Value::Null => writer.null(),
        Value::Bool(b) => writer.boolean(*b),
        Value::Number(n) => writer.number(*n),
        Value::String(s) => writer.string(s),
        Value::Array(items) => {
            let mut array = writer.start_array();
            for item in items {
                write(item, array.value());
            }
            array.finish();
        }
        Value::Object(entries) => {
            let mut object = writer.start_object();
            for (key, item) in entries {
                write(item, object.key(key));
            }
            object.finish();
        }
    }
}

/// The JSON text of `value`.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, JsonValueWriter::new(&mut out));
    out
}

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
    parse(body).map_err(|e| WireError::new("$", format!("body is not valid JSON: {e}")))
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
pub fn object(v: &Value) -> Result<&Map, WireError> {
    match v {
        Value::Object(entries) => Ok(entries),
        _ => Err(wrong("an object", v)),
    }
}

/// The array, or an error.
pub fn array(v: &Value) -> Result<&Vec<Value>, WireError> {
    match v {
        Value::Array(items) => Ok(items),
        _ => Err(wrong("an array", v)),
    }
}

/// A string value.
pub fn string(v: &Value) -> Result<String, WireError> {
    v.as_str().map(str::to_string).ok_or_else(|| wrong("a string", v))
}

/// A boolean value.
pub fn boolean(v: &Value) -> Result<bool, WireError> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err(wrong("a boolean", v)),
    }
}

/// An integer that fits `T` (byte, short, integer or long).
pub fn integer<T: TryFrom<i64>>(v: &Value) -> Result<T, WireError> {
    let n = v.as_i64().ok_or_else(|| match v {
        Value::Number(n) => WireError::new("", format!("expected an integer, found {}", number_to_text(n))),
        _ => wrong("an integer", v),
    })?;
    T::try_from(n).map_err(|_| WireError::new("", format!("{n} is out of range")))
}

/// A JSON number as text, as `aws-smithy-json` writes it (floats shortest, by ryu).
pub fn number_to_text(n: &Number) -> String {
    match *n {
        Number::PosInt(u) => u.to_string(),
        Number::NegInt(i) => i.to_string(),
        Number::Float(f) => Encoder::from(f).encode().to_string(),
    }
}

/// A double: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub fn double(v: &Value) -> Result<f64, WireError> {
    match v {
        Value::Number(n) => Ok(n.to_f64_lossy()),
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
        (Value::Number(n), Format::EpochSeconds) => match v.as_i64() {
            Some(i) => Ok(DateTime::from_secs(i)),
            None => Ok(DateTime::from_secs_f64(n.to_f64_lossy())),
        },
        (Value::String(s), Format::DateTime | Format::DateTimeWithOffset | Format::HttpDate) => DateTime::from_str(s, format)
            .map_err(|e| WireError::new("", format!("`{s}` is not a valid timestamp: {e}"))),
        (_, Format::EpochSeconds) => Err(wrong("epoch seconds as a number", v)),
        _ => Err(wrong("a timestamp string", v)),
    }
}

/// A big integer or decimal, kept as text.
pub fn big_number(v: &Value) -> Result<String, WireError> {
    match v {
        Value::Number(n) => Ok(number_to_text(n)),
        Value::String(s) => Ok(s.clone()),
        _ => Err(wrong("a number", v)),
    }
}

/// Any JSON value as a document.
pub fn document(v: &Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(*n),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(document).collect()),
        Value::Object(o) => Document::Object(o.iter().map(|(k, v)| (k.clone(), document(v))).collect::<HashMap<_, _>>()),
    }
}

/// A document as JSON.
pub fn document_to_value(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::Float(f)) => double_value(*f),
        Document::Number(n) => Value::Number(*n),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(a) => Value::Array(a.iter().map(document_to_value).collect()),
        Document::Object(o) => {
            // Sorted keys: the same document always serializes the same way.
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), document_to_value(&o[k]))).collect())
        }
    }
}

/// A double as JSON; non-finite values become the protocol's strings.
pub fn double_value(v: f64) -> Value {
    match special_float(v) {
        Some(text) => Value::String(text.into()),
        None => Value::Number(Number::Float(v)),
    }
}

/// A float (`f32`) as JSON, without widening noise (`1.1`, not `1.100000023841858`).
pub fn float_value(v: f32) -> Value {
    match special_float(f64::from(v)) {
        Some(text) => Value::String(text.into()),
        None => {
            let shortest: f64 = v.to_string().parse().unwrap_or(f64::from(v));
            Value::Number(Number::Float(shortest))
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

/// A big number as JSON: a number when it is one a 64-bit integer or a double holds, else text.
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
    to_string(v).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value from JSON text, for the tests' expectations.
    fn json(text: &str) -> Value {
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn errors_carry_their_path() {
        let e = integer::<i8>(&json("300")).unwrap_err().within("Count").at_index(2).within("Items").in_body();
        assert_eq!(e.location, "$.Items[2].Count");
    }

    #[test]
    fn non_finite_doubles_round_trip_as_strings() {
        assert_eq!(double_value(f64::INFINITY), json(r#""Infinity""#));
        assert!(double(&json(r#""NaN""#)).unwrap().is_nan());
        assert_eq!(float_value(1.1), json("1.1"));
    }

    #[test]
    fn timestamps_follow_their_format() {
        let t = timestamp(&json("1576540098"), Format::EpochSeconds, Side::Server).unwrap();
        assert_eq!(timestamp_value(&t, Format::DateTime).unwrap(), json(r#""2019-12-16T23:48:18Z""#));
        assert!(timestamp(&json(r#""x""#), Format::EpochSeconds, Side::Client).is_err());
        let frac = timestamp(&json("1576540098.5"), Format::EpochSeconds, Side::Client).unwrap();
        assert_eq!(timestamp_value(&frac, Format::EpochSeconds).unwrap(), json("1576540098.5"));
    }

    #[test]
    fn only_clients_accept_utc_offsets() {
        let offset = json(r#""2019-12-16T22:48:18-01:00""#);
        let t = timestamp(&offset, Format::DateTime, Side::Client).unwrap();
        assert_eq!(timestamp_value(&t, Format::DateTime).unwrap(), json(r#""2019-12-16T23:48:18Z""#));
        assert!(timestamp(&offset, Format::DateTime, Side::Server).is_err());
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        assert_eq!(parse_body(b"").unwrap(), json("{}"));
        assert!(parse_body(b"{").is_err());
    }

    #[test]
    fn documents_round_trip_in_key_order() {
        let text = r#"{"b":[1,-2,1.5,"s\n\"",true,null],"a":{"x":{}},"c":[]}"#;
        assert_eq!(to_string(&json(text)), text);
        assert_eq!(json(r#"{"k":1,"k":2}"#).get("k"), Some(&Value::from(2i64)));
    }

    #[test]
    fn invalid_and_trailing_and_deep_documents_are_refused() {
        for bad in ["{", "[1,]", "{} {}", "1 2", "\"a", "{\"a\" 1}", "nul"] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn numbers_are_written_as_the_official_writer_writes_them() {
        assert_eq!(to_string(&double_value(1.0)), "1.0");
        assert_eq!(to_string(&float_value(1.1)), "1.1");
        assert_eq!(to_string(&Value::from(-3i32)), "-3");
        assert_eq!(to_string(&big_number_value("18446744073709551615")), "18446744073709551615");
    }
}
