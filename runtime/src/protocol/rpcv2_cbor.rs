//! `smithy.protocols#rpcv2Cbor`: the CBOR body codec and the error envelope.
//!
//! A body is one CBOR data item, read into a [`Value`] tree by the official runtime's
//! `aws_smithy_cbor::Decoder` (definite and indefinite-length strings, byte strings, arrays and
//! maps alike) and written from one by its `Encoder`; generated readers and writers work on the
//! tree as the JSON protocols' work on `serde_json::Value`. Structures and unions are maps keyed
//! by member name, blobs byte strings, timestamps tag 1 over epoch seconds, floats native CBOR
//! floats (NaN and the infinities included). An error names its shape in the body's `__type`.

use super::WireError;
use aws_smithy_cbor::data::Type as CborType;
use aws_smithy_cbor::{Decoder, Encoder};
use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::error::metadata::Builder as ErrorMetadataBuilder;
use aws_smithy_types::{BigDecimal, BigInteger, Blob, DateTime};

/// The media type of an rpcv2Cbor body.
pub const CONTENT_TYPE: &str = "application/cbor";

/// How deep arrays and maps may nest in a body: a hostile body of nested arrays would otherwise
/// exhaust the stack (serde_json stops at the same depth).
const MAX_DEPTH: usize = 128;

/// A CBOR map's entries, in the order they came (keys are text: Smithy writes no other).
pub type Map = Vec<(String, Value)>;

/// One CBOR data item, as far as Smithy's data model goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` (and `undefined`, which Smithy treats alike).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer of any width that fits in `i64`.
    Integer(i64),
    /// A single-precision float (written as one; a read float is always a [`Value::Double`]).
    Float(f32),
    /// A float of any width.
    Double(f64),
    /// A text string (definite or indefinite length).
    Text(String),
    /// A byte string (definite or indefinite length).
    Bytes(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map with text keys.
    Map(Map),
    /// Tag 1: epoch seconds (an integer or a float).
    Timestamp(DateTime),
    /// Tags 2 and 3 (bignums).
    BigInteger(BigInteger),
    /// Tag 4 (decimal fraction).
    BigDecimal(BigDecimal),
}

impl Value {
    /// Whether the item is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// What the item is, for error messages.
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) => "an integer",
            Value::Float(_) | Value::Double(_) => "a float",
            Value::Text(_) => "a text string",
            Value::Bytes(_) => "a byte string",
            Value::Array(_) => "an array",
            Value::Map(_) => "a map",
            Value::Timestamp(_) => "a timestamp",
            Value::BigInteger(_) => "a bignum",
            Value::BigDecimal(_) => "a decimal fraction",
        }
    }
}

fn wrong(expected: &str, v: &Value) -> WireError {
    WireError::new("", format!("expected {expected}, found {}", v.kind()))
}

fn malformed(at: usize, e: impl std::fmt::Display) -> WireError {
    WireError::new("$", format!("is not valid CBOR at byte {at}: {e}"))
}

/// Reads a whole body: one CBOR data item and nothing after it. An empty body is an empty map
/// (a response to an operation without output may have none).
pub fn parse_body(body: &[u8]) -> Result<Value, WireError> {
    if body.is_empty() {
        return Ok(Value::Map(Map::new()));
    }
    let mut decoder = Decoder::new(body);
    let value = read_item(&mut decoder, body, 0)?;
    if decoder.position() != body.len() {
        return Err(WireError::new("$", format!("has {} bytes after its CBOR data item", body.len() - decoder.position())));
    }
    Ok(value)
}

fn read_item(d: &mut Decoder<'_>, body: &[u8], depth: usize) -> Result<Value, WireError> {
    let at = d.position();
    let err = |e| malformed(at, e);
    if depth > MAX_DEPTH {
        return Err(WireError::new("$", format!("nests deeper than {MAX_DEPTH} arrays and maps")));
    }
    Ok(match d.datatype().map_err(err)? {
        CborType::Null | CborType::Undefined => {
            d.skip().map_err(err)?;
            Value::Null
        }
        CborType::Bool => Value::Bool(d.boolean().map_err(err)?),
        CborType::U8 | CborType::U16 | CborType::U32 | CborType::I8 | CborType::I16 | CborType::I32 | CborType::I64 => {
            Value::Integer(d.long().map_err(err)?)
        }
        CborType::U64 | CborType::Int => match d.long() {
            Ok(n) => Value::Integer(n),
            Err(_) => return Err(WireError::new("$", format!("has an integer at byte {at} that does not fit in 64 bits"))),
        },
        CborType::F16 | CborType::F32 | CborType::F64 => Value::Double(d.double().map_err(err)?),
        CborType::String | CborType::StringIndef => Value::Text(d.string().map_err(err)?),
        CborType::Bytes | CborType::BytesIndef => Value::Bytes(d.blob().map_err(err)?.into_inner()),
        CborType::Array | CborType::ArrayIndef => {
            let mut items = Vec::new();
            match d.list().map_err(err)? {
                Some(len) => {
                    for _ in 0..len {
                        items.push(read_item(d, body, depth + 1)?);
                    }
                }
                None => {
                    while !at_break(d)? {
                        items.push(read_item(d, body, depth + 1)?);
                    }
                }
            }
            Value::Array(items)
        }
        CborType::Map | CborType::MapIndef => {
            let mut entries = Map::new();
            match d.map().map_err(err)? {
                Some(len) => {
                    for _ in 0..len {
                        entries.push(read_entry(d, body, depth)?);
                    }
                }
                None => {
                    while !at_break(d)? {
                        entries.push(read_entry(d, body, depth)?);
                    }
                }
            }
            Value::Map(entries)
        }
        CborType::Tag => {
            // The tags Smithy writes: 1 (timestamp), 2 / 3 (bignum), 4 (decimal fraction).
            if let Some(t) = epoch_timestamp(d, body, at)? {
                Value::Timestamp(t)
            } else if let Ok(t) = d.timestamp() {
                Value::Timestamp(t)
            } else {
                d.set_position(at);
                if let Ok(n) = d.big_integer() {
                    Value::BigInteger(n)
                } else {
                    d.set_position(at);
                    Value::BigDecimal(d.big_decimal().map_err(|_| WireError::new("$", format!("has a tag at byte {at} that is not a timestamp, bignum or decimal fraction")))?)
                }
            }
        }
        other => return Err(WireError::new("$", format!("has a CBOR {other:?} at byte {at}, which Smithy does not use"))),
    })
}

/// Consumes the break that ends an indefinite-length array or map, if it comes next.
fn at_break(d: &mut Decoder<'_>) -> Result<bool, WireError> {
    let at = d.position();
    if d.datatype().map_err(|e| malformed(at, e))? == CborType::Break {
        d.skip().map_err(|e| malformed(at, e))?;
        return Ok(true);
    }
    Ok(false)
}

/// A tag-1 timestamp in its one-byte form (`0xc1`, as every Smithy implementation writes it),
/// to the millisecond: the official decoder truncates the float's seconds, which turns the
/// nearest double of `.123` (`.12299999…`) into `.122`, so a timestamp written and read back
/// loses a millisecond per hop. Here the milliseconds are truncated only past what the float's
/// own rounding explains (finer values still lose their extra digits, as Smithy says). `None`:
/// another tag, or tag 1 in a longer form (left to the official decoder).
fn epoch_timestamp(d: &mut Decoder<'_>, body: &[u8], at: usize) -> Result<Option<DateTime>, WireError> {
    if body.get(at) != Some(&0xc1) {
        return Ok(None);
    }
    d.set_position(at + 1);
    let err = |e| malformed(at + 1, e);
    let secs = match d.datatype().map_err(err)? {
        CborType::F16 | CborType::F32 | CborType::F64 => d.double().map_err(err)?,
        CborType::U8 | CborType::U16 | CborType::U32 | CborType::U64 | CborType::I8 | CborType::I16 | CborType::I32 | CborType::I64 => {
            let secs = d.long().map_err(|_| WireError::new("$", format!("has a timestamp at byte {at} out of range")))?;
            return Ok(Some(DateTime::from_secs(secs)));
        }
        _ => return Err(WireError::new("$", format!("has a timestamp at byte {at} that is not a number"))),
    };
    let millis = secs * 1000.0;
    if !millis.is_finite() || millis.abs() >= 9.0e15 {
        return Err(WireError::new("$", format!("has a timestamp at byte {at} out of range")));
    }
    let nearest = millis.round();
    let millis = if (millis - nearest).abs() < 1e-3 { nearest } else { millis.floor() };
    Ok(Some(DateTime::from_millis(millis as i64)))
}

fn read_entry(d: &mut Decoder<'_>, body: &[u8], depth: usize) -> Result<(String, Value), WireError> {
    let at = d.position();
    let key = d.str().map_err(|_| WireError::new("$", format!("has a map key at byte {at} that is not a text string")))?.into_owned();
    let value = read_item(d, body, depth + 1).map_err(|e| e.at_key(&key))?;
    Ok((key, value))
}

/// Writes a body: `value` as one CBOR data item (definite lengths, floats at their width,
/// timestamps as tag 1 over float epoch seconds).
pub fn to_body(value: &Value) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new());
    write_item(&mut encoder, value);
    encoder.into_writer()
}

fn write_item(e: &mut Encoder, value: &Value) {
    match value {
        Value::Null => {
            e.null();
        }
        Value::Bool(b) => {
            e.boolean(*b);
        }
        Value::Integer(n) => {
            e.long(*n);
        }
        Value::Float(f) => {
            e.float(*f);
        }
        Value::Double(f) => {
            e.double(*f);
        }
        Value::Text(s) => {
            e.str(s);
        }
        Value::Bytes(b) => {
            e.blob_bytes(b);
        }
        Value::Array(items) => {
            e.array(items.len());
            for item in items {
                write_item(e, item);
            }
        }
        Value::Map(entries) => {
            e.map(entries.len());
            for (key, item) in entries {
                e.str(key);
                write_item(e, item);
            }
        }
        Value::Timestamp(t) => {
            e.timestamp(t);
        }
        Value::BigInteger(n) => {
            e.big_integer(n);
        }
        Value::BigDecimal(n) => {
            e.big_decimal(n);
        }
    }
}

/// Reads `body` as a map and hands each entry that is not `null` to `read`.
pub fn read_object<B>(body: &[u8], mut builder: B, mut read: impl FnMut(B, &str, &Value) -> Result<B, WireError>) -> Result<B, WireError> {
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

/// The entries of a map.
pub fn object(v: &Value) -> Result<&Map, WireError> {
    match v {
        Value::Map(m) => Ok(m),
        _ => Err(wrong("a map", v)),
    }
}

/// The items of an array.
pub fn array(v: &Value) -> Result<&Vec<Value>, WireError> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(wrong("an array", v)),
    }
}

/// A text string.
pub fn string(v: &Value) -> Result<String, WireError> {
    match v {
        Value::Text(s) => Ok(s.clone()),
        _ => Err(wrong("a text string", v)),
    }
}

/// A boolean.
pub fn boolean(v: &Value) -> Result<bool, WireError> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err(wrong("a boolean", v)),
    }
}

/// An integer of any CBOR width that fits `T`.
pub fn integer<T: TryFrom<i64>>(v: &Value) -> Result<T, WireError> {
    match v {
        Value::Integer(n) => T::try_from(*n).map_err(|_| WireError::new("", format!("{n} is out of range"))),
        _ => Err(wrong("an integer", v)),
    }
}

/// A float of any CBOR width.
pub fn double(v: &Value) -> Result<f64, WireError> {
    match v {
        Value::Double(f) => Ok(*f),
        Value::Float(f) => Ok(f64::from(*f)),
        _ => Err(wrong("a float", v)),
    }
}

/// A float of any CBOR width, narrowed to `f32`.
pub fn float(v: &Value) -> Result<f32, WireError> {
    double(v).map(|f| f as f32)
}

/// A byte string.
pub fn blob(v: &Value) -> Result<Blob, WireError> {
    match v {
        Value::Bytes(b) => Ok(Blob::new(b.clone())),
        _ => Err(wrong("a byte string", v)),
    }
}

/// A timestamp: tag 1 over epoch seconds (milliseconds kept, as the official runtime).
pub fn timestamp(v: &Value) -> Result<DateTime, WireError> {
    match v {
        Value::Timestamp(t) => Ok(*t),
        _ => Err(wrong("a timestamp (tag 1)", v)),
    }
}

/// A big integer: a bignum or a plain integer.
pub fn big_integer(v: &Value) -> Result<BigInteger, WireError> {
    match v {
        Value::BigInteger(n) => Ok(n.clone()),
        Value::Integer(n) => n.to_string().parse().map_err(|_| wrong("a bignum", v)),
        _ => Err(wrong("a bignum", v)),
    }
}

/// A big decimal: a decimal fraction.
pub fn big_decimal(v: &Value) -> Result<BigDecimal, WireError> {
    match v {
        Value::BigDecimal(n) => Ok(n.clone()),
        _ => Err(wrong("a decimal fraction", v)),
    }
}

/// Whether two items mean the same: maps whatever their entries' order, floats by value
/// whatever their width (NaN equal to NaN), as protocol tests compare bodies.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && same(v, v2)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        (Value::Float(_) | Value::Double(_), Value::Float(_) | Value::Double(_)) => {
            let (x, y) = (double(a).unwrap_or_default(), double(b).unwrap_or_default());
            x == y || (x.is_nan() && y.is_nan())
        }
        _ => a == b,
    }
}

/// The error code of an rpcv2Cbor error body: its `__type`, without namespace or `:` suffix.
pub fn error_code(body: &Value) -> Option<&str> {
    let Value::Map(entries) = body else { return None };
    entries
        .iter()
        .find_map(|(k, v)| match (k.as_str(), v) {
            ("__type", Value::Text(t)) => Some(super::error::sanitize_error_code(t)),
            _ => None,
        })
        .filter(|c| !c.is_empty())
}

/// The error message: the body's `message` or `Message`.
pub fn error_message(body: &Value) -> Option<&str> {
    let Value::Map(entries) = body else { return None };
    ["message", "Message"].iter().find_map(|key| {
        entries.iter().find_map(|(k, v)| match v {
            Value::Text(t) if k == key => Some(t.as_str()),
            _ => None,
        })
    })
}

/// Error metadata (code, message, request id) of a failed rpcv2Cbor response. A body that is
/// not CBOR still yields the request id.
pub fn error_metadata(headers: &Headers, body: &[u8]) -> ErrorMetadataBuilder {
    let parsed = parse_body(body).unwrap_or(Value::Null);
    let mut builder = ErrorMetadataBuilder::default();
    if let Some(code) = error_code(&parsed) {
        builder = builder.code(code);
    }
    if let Some(message) = error_message(&parsed) {
        builder = builder.message(message);
    }
    aws_types::request_id::apply_request_id(builder, headers)
}

/// The error metadata of an event stream's `exception` message whose payload is CBOR (the
/// counterpart of `event_stream::message::exception_metadata` for JSON payloads): code from
/// `__type`, message from `message` / `Message`; `None` when the payload is not CBOR (the
/// error is then unhandled, without code or message). An empty payload is an empty map.
pub fn exception_metadata(payload: &[u8]) -> Option<aws_smithy_types::error::ErrorMetadata> {
    let parsed = if payload.is_empty() { Value::Map(Map::new()) } else { parse_body(payload).ok()? };
    let mut builder = ErrorMetadataBuilder::default();
    if let Some(code) = error_code(&parsed) {
        builder = builder.code(code);
    }
    if let Some(message) = error_message(&parsed) {
        builder = builder.message(message);
    }
    Some(builder.build())
}

/// As [`error_metadata`], for a service migrated from awsQuery: the awsQuery code and fault of
/// `x-amzn-query-error` win, as for awsJson1_0 ([`super::aws_json::query_error`]).
pub fn query_compatible_error_metadata(headers: &Headers, body: &[u8]) -> ErrorMetadataBuilder {
    let builder = error_metadata(headers, body);
    match super::aws_json::query_error(headers) {
        Some((code, fault)) => builder.code(code).custom("type", fault),
        None => builder,
    }
}

/// A server's error response (status, `smithy-protocol`, `Content-Type: application/cbor`): the
/// error's members in `body`, with `__type` naming the error and `message` when the members have
/// none, as [`error_metadata`] reads them.
#[cfg(feature = "server")]
// The server's `ServerResponse` spelled out: the server module uses this one (its CBOR error
// envelope), so naming it here would close an import circle.
pub fn server_error_response(status: u16, error_type: &str, message: &str, mut body: Map) -> http::Response<bytes::Bytes> {
    body.retain(|(key, _)| key != "__type");
    body.insert(0, ("__type".into(), Value::Text(error_type.into())));
    if !body.iter().any(|(key, _)| key == "message") {
        body.push(("message".into(), Value::Text(message.into())));
    }
    let mut response = http::Response::new(bytes::Bytes::from(to_body(&Value::Map(body))));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(CONTENT_TYPE));
    headers.insert("smithy-protocol", http::HeaderValue::from_static("rpc-v2-cbor"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_events_are_read_from_their_cbor_payload() {
        let payload = to_body(&Value::Map(vec![
            ("__type".into(), Value::Text("ns#Halted".into())),
            ("message".into(), Value::Text("stop".into())),
        ]));
        let meta = exception_metadata(&payload).expect("CBOR");
        assert_eq!((meta.code(), meta.message()), (Some("Halted"), Some("stop")));
        assert_eq!(exception_metadata(&[]).expect("an empty payload is an empty map").code(), None);
        assert!(exception_metadata(b"{\"json\": true}").is_none(), "not CBOR: unhandled, without code or message");
    }

    fn round_trip(v: Value) {
        let bytes = to_body(&v);
        assert!(same(&parse_body(&bytes).unwrap(), &v), "{v:?}");
    }

    #[test]
    fn values_survive_a_round_trip() {
        round_trip(Value::Map(vec![
            ("s".into(), Value::Text("hi".into())),
            ("b".into(), Value::Bytes(vec![0, 255])),
            ("n".into(), Value::Integer(-5)),
            ("big".into(), Value::Integer(i64::MAX)),
            ("f".into(), Value::Float(1.5)),
            ("nan".into(), Value::Double(f64::NAN)),
            ("inf".into(), Value::Double(f64::NEG_INFINITY)),
            ("t".into(), Value::Timestamp(DateTime::from_secs(1_576_540_098))),
            ("l".into(), Value::Array(vec![Value::Null, Value::Bool(true)])),
        ]));
    }

    #[test]
    fn timestamps_keep_their_milliseconds_and_drop_finer_digits() {
        for millis in [1_576_540_098_123, 946_845_296_123, -1_500, 0, 1_700_000_000_999] {
            let t = DateTime::from_millis(millis);
            let mut once = t;
            for _ in 0..3 {
                once = timestamp(&parse_body(&to_body(&Value::Timestamp(once))).unwrap()).unwrap();
            }
            assert_eq!(once, t, "{millis}");
        }
        // 1.2349 s: the digits past the millisecond go (truncated, not rounded).
        let finer = [0xc1, 0xfb, 0x3f, 0xf3, 0xc2, 0x26, 0x80, 0x9d, 0x49, 0x52];
        assert_eq!(timestamp(&parse_body(&finer).unwrap()).unwrap(), DateTime::from_millis(1_234));
        // Integer seconds, and tag 1 over something else.
        assert_eq!(timestamp(&parse_body(&[0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00]).unwrap()).unwrap(), DateTime::from_secs(1_700_000_000));
        assert!(parse_body(&[0xc1, 0x61, b'x']).is_err());
    }

    #[test]
    fn indefinite_lengths_are_read() {
        // {_ "a": [_ 1, 2], "b": (_ "x", "y"), "c": (_ h'01', h'02')}
        let bytes = [
            0xbf, 0x61, b'a', 0x9f, 0x01, 0x02, 0xff, 0x61, b'b', 0x7f, 0x61, b'x', 0x61, b'y', 0xff, 0x61, b'c', 0x5f, 0x41, 0x01,
            0x41, 0x02, 0xff, 0xff,
        ];
        let v = parse_body(&bytes).unwrap();
        let want = Value::Map(vec![
            ("a".into(), Value::Array(vec![Value::Integer(1), Value::Integer(2)])),
            ("b".into(), Value::Text("xy".into())),
            ("c".into(), Value::Bytes(vec![1, 2])),
        ]);
        assert_eq!(v, want);
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        for body in [&[0xbf][..], &[0x9f, 0x01], &[0xa1, 0x01, 0x02], &[0x1b, 0xff], &[0xa0, 0x00], &[0xc1, 0x61, b'x']] {
            assert!(parse_body(body).is_err(), "{body:?}");
        }
        let deep = vec![0x81; 10_000];
        assert!(parse_body(&deep).unwrap_err().message.contains("nests deeper"));
    }

    #[test]
    fn the_error_code_is_the_bare_shape_name() {
        let body = to_body(&Value::Map(vec![
            ("__type".into(), Value::Text("aws.protocoltests.rpcv2cbor#NoCustomCodeError:http://x".into())),
            ("message".into(), Value::Text("Hi".into())),
        ]));
        let meta = error_metadata(&Headers::new(), &body).build();
        assert_eq!(meta.code(), Some("NoCustomCodeError"));
        assert_eq!(meta.message(), Some("Hi"));
        let mut headers = Headers::new();
        headers.insert("x-amzn-query-error", "Customized;Sender");
        let meta = query_compatible_error_metadata(&headers, &body).build();
        assert_eq!((meta.code(), meta.extra("type")), (Some("Customized"), Some("Sender")));
    }
}
