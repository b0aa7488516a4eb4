//! HTTP binding rules: URI labels, query strings and header values.

use super::WireError;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use percent_encoding::{percent_encode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::borrow::Cow;
use std::collections::HashMap;

/// RFC 3986 unreserved characters stay as they are; everything else is escaped.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// A greedy label keeps its `/` separators.
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Where bound headers are read from: a response's headers (client) or a request's
/// (server). Generated readers are the same on both sides; only the source differs.
pub trait HeaderSource {
    /// The first value of a header as text, if present.
    fn one(&self, name: &str) -> Result<Option<&str>, WireError>;
    /// Every value of a header (each occurrence), as text.
    fn all(&self, name: &str) -> Result<Vec<&str>, WireError>;
    /// Headers whose name starts with `prefix` (case-insensitive), keyed by the rest of the
    /// name (lowercase); several occurrences of one header are joined with `, `.
    fn with_prefix(&self, prefix: &str) -> Result<HashMap<String, String>, WireError>;
}

/// A server reads request headers strictly: a value that is not UTF-8 is an error (values are
/// read as UTF-8, a superset of the visible ASCII HTTP recommends, so non-ASCII text reaches
/// `@pattern` checks).
impl HeaderSource for http::HeaderMap {
    fn one(&self, name: &str) -> Result<Option<&str>, WireError> {
        // A request carries a handful of headers and an operation asks for a dozen names, most
        // absent: comparing names there is cheaper than lowercasing and hashing each name.
        let value = if self.keys_len() <= FEW_HEADERS {
            self.keys().find(|n| n.as_str().eq_ignore_ascii_case(name)).and_then(|n| self.get(n))
        } else {
            self.get(name)
        };
        value.map(|v| header_text(name, v)).transpose()
    }

    fn all(&self, name: &str) -> Result<Vec<&str>, WireError> {
        self.get_all(name).iter().map(|v| header_text(name, v)).collect()
    }

    fn with_prefix(&self, prefix: &str) -> Result<HashMap<String, String>, WireError> {
        let mut texts = Vec::new();
        for (name, value) in self {
            texts.push((name.as_str(), header_text(name.as_str(), value)?));
        }
        Ok(join_prefixed(texts, prefix))
    }
}

/// A client reads response headers as the orchestrator holds them (already text).
impl HeaderSource for aws_smithy_runtime_api::http::Headers {
    fn one(&self, name: &str) -> Result<Option<&str>, WireError> {
        Ok(self.get(name))
    }

    fn all(&self, name: &str) -> Result<Vec<&str>, WireError> {
        Ok(self.get_all(name).collect())
    }

    fn with_prefix(&self, prefix: &str) -> Result<HashMap<String, String>, WireError> {
        Ok(join_prefixed(self.iter(), prefix))
    }
}

/// Up to this many header names a lookup compares names rather than hashing (see `one`).
const FEW_HEADERS: usize = 16;

fn header_text<'a>(name: &str, value: &'a http::HeaderValue) -> Result<&'a str, WireError> {
    std::str::from_utf8(value.as_bytes()).map_err(|_| WireError::new(format!("header {name}"), "is not UTF-8 text"))
}

fn join_prefixed<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>, prefix: &str) -> HashMap<String, String> {
    let mut map: HashMap<String, String> = HashMap::new();
    for (name, text) in headers {
        if name.len() < prefix.len() || !name.is_char_boundary(prefix.len()) || !name[..prefix.len()].eq_ignore_ascii_case(prefix) {
            continue;
        }
        map.entry(name[prefix.len()..].to_ascii_lowercase())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(text);
            })
            .or_insert_with(|| text.to_string());
    }
    map
}

/// Writes a header, appended after any of the same name (a list's values, a prefix map's).
pub fn append_header(headers: &mut http::HeaderMap, name: &str, value: &str) -> Result<(), WireError> {
    let location = || format!("header {name}");
    let name = http::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| WireError::new(location(), "is not a valid header name"))?;
    let value = http::HeaderValue::from_str(value)
        .map_err(|_| WireError::new(location(), "contains characters that are not allowed in an HTTP header"))?;
    headers.append(name, value);
    Ok(())
}

/// [`append_header`] for a name known when the crate was generated: `name` is a constant
/// `HeaderName` (not parsed or copied per message), `model_name` its spelling in the model,
/// for the error.
pub fn append_named_header(headers: &mut http::HeaderMap, name: http::HeaderName, model_name: &str, value: &str) -> Result<(), WireError> {
    let value = http::HeaderValue::from_str(value)
        .map_err(|_| WireError::new(format!("header {model_name}"), "contains characters that are not allowed in an HTTP header"))?;
    headers.append(name, value);
    Ok(())
}

/// Sets `Content-Type` unless a bound member already did.
pub fn default_content_type(headers: &mut http::HeaderMap, media_type: &'static str) {
    if !headers.contains_key(http::header::CONTENT_TYPE) {
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(media_type));
    }
}

/// Percent-encodes a label value; a greedy label (`{Key+}`) keeps `/`.
pub fn encode_label(value: &str, greedy: bool) -> String {
    let set = if greedy { UNRESERVED_AND_SLASH } else { UNRESERVED };
    utf8_percent_encode(value, set).to_string()
}

/// Percent-encodes a query key or value.
pub fn encode_query(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Decodes a percent-encoded label or query component.
pub fn decode_percent(value: &str, location: &str) -> Result<String, WireError> {
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| WireError::new(location, "is not valid UTF-8 once percent-decoded"))
}

/// Builds a query string: literal parts from the URI pattern first, then
/// bound members, each `key=value` pair percent-encoded.
#[derive(Debug, Default)]
pub struct QueryWriter {
    out: String,
}

impl QueryWriter {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    fn sep(&mut self) {
        self.out.push(if self.out.is_empty() { '?' } else { '&' });
    }

    /// Adds a literal part of the URI pattern, already in wire form.
    pub fn push_literal(&mut self, key: &str, value: Option<&str>) {
        self.sep();
        self.out.push_str(key);
        if let Some(v) = value {
            self.out.push('=');
            self.out.push_str(v);
        }
    }

    /// Adds `key=value`, encoding both.
    pub fn push(&mut self, key: &str, value: &str) {
        self.sep();
        self.out.push_str(&encode_query(key));
        self.out.push('=');
        self.out.push_str(&encode_query(value));
    }

    /// The query string, starting with `?` unless empty.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Finishes a request: sets `Content-Length` when the body's size is known
/// (`0` included for methods that carry a body, as AWS SDKs do; never on a
/// bodiless GET or HEAD, which the protocol forbids), then converts it.
pub fn finish_request(
    builder: http::request::Builder,
    mut headers: http::HeaderMap,
    body: aws_smithy_types::body::SdkBody,
) -> Result<aws_smithy_runtime_api::client::orchestrator::HttpRequest, aws_smithy_runtime_api::box_error::BoxError> {
    let bodiless_method = builder.method_ref().is_some_and(|m| m == http::Method::GET || m == http::Method::HEAD);
    if let Some(length) = body.content_length() {
        let has_length = headers.contains_key(http::header::CONTENT_LENGTH);
        let forbidden = length == 0 && bodiless_method;
        if !has_length && !forbidden {
            headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(length));
        }
    }
    let mut request = builder.body(body)?;
    *request.headers_mut() = headers;
    Ok(aws_smithy_runtime_api::client::orchestrator::HttpRequest::try_from(request)?)
}

/// Formats a timestamp for a label, query or header.
pub fn fmt_timestamp(value: &DateTime, format: Format, location: &str) -> Result<String, WireError> {
    value.fmt(format).map_err(|e| WireError::new(location, format!("cannot format timestamp: {e}")))
}

/// Formats a double the way restJson1 writes it outside JSON (`NaN`, `Infinity`, `-Infinity`).
pub fn fmt_float(value: f64) -> String {
    special_float(value).map(str::to_string).unwrap_or_else(|| trim_point_zero(format!("{value}")))
}

/// Formats a float (`f32`) without widening it first (`1.1`, not `1.100000023841858`).
pub fn fmt_f32(value: f32) -> String {
    special_float(f64::from(value)).map(str::to_string).unwrap_or_else(|| trim_point_zero(format!("{value}")))
}

/// The text restJson1 uses for values JSON numbers cannot express.
pub fn special_float(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("Infinity")
    } else if value == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

fn trim_point_zero(mut text: String) -> String {
    // `Display` on floats prints the shortest text that round-trips.
    if text.ends_with(".0") {
        text.truncate(text.len() - 2);
    }
    text
}

/// Quotes one element of a header list when it contains `,` or `"`.
pub fn quote_header_item(value: &str) -> Cow<'_, str> {
    if value.contains(',') || value.contains('"') || value.starts_with(' ') || value.ends_with(' ') {
        Cow::Owned(format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")))
    } else {
        Cow::Borrowed(value)
    }
}

/// Splits a header list into items: comma separated, items may be quoted.
/// Values of all occurrences of the header are joined first.
pub fn split_header_list<'a>(values: impl Iterator<Item = &'a str>, location: &str) -> Result<Vec<String>, WireError> {
    let mut items = Vec::new();
    for value in values {
        let mut chars = value.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                chars.next();
            }
            if chars.peek().is_none() {
                break;
            }
            let mut item = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some(escaped) => item.push(escaped),
                            None => break,
                        },
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => item.push(c),
                    }
                }
                if !closed {
                    return Err(WireError::new(location, "has an unterminated quoted value"));
                }
                while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                    chars.next();
                }
                match chars.next() {
                    None | Some(',') => {}
                    Some(_) => return Err(WireError::new(location, "has text after a quoted value")),
                }
            } else {
                for c in chars.by_ref() {
                    if c == ',' {
                        break;
                    }
                    item.push(c);
                }
                item = item.trim().to_string();
            }
            items.push(item);
        }
    }
    Ok(items)
}

/// Splits a list of `http-date` timestamps, which contain commas themselves
/// (`Mon, 16 Dec 2019 23:48:18 GMT, Tue, ...`): every second comma separates.
pub fn split_http_dates<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for value in values {
        let parts: Vec<&str> = value.split(',').collect();
        for pair in parts.chunks(2) {
            let joined = pair.join(",");
            let trimmed = joined.trim();
            if !trimmed.is_empty() {
                out.push(trimmed.to_string());
            }
        }
    }
    out
}

/// Parses a header, query or label value into a primitive.
pub fn parse_value<T: std::str::FromStr>(value: &str, location: &str, what: &str) -> Result<T, WireError> {
    value
        .trim()
        .parse::<T>()
        .map_err(|_| WireError::new(location, format!("`{value}` is not a valid {what}")))
}

/// Parses a boolean the way restJson1 writes it (`true` / `false`).
pub fn parse_bool(value: &str, location: &str) -> Result<bool, WireError> {
    match value.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(WireError::new(location, format!("`{other}` is not a boolean"))),
    }
}

/// Parses a float, accepting `NaN`, `Infinity` and `-Infinity`.
pub fn parse_float(value: &str, location: &str) -> Result<f64, WireError> {
    match value.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        other => parse_value(other, location, "number"),
    }
}

/// Parses a timestamp in the given format.
pub fn parse_timestamp(value: &str, format: Format, location: &str) -> Result<DateTime, WireError> {
    DateTime::from_str(value.trim(), format)
        .map_err(|e| WireError::new(location, format!("`{value}` is not a valid timestamp: {e}")))
}

/// Base64-encodes a header value (strings with `@mediaType` travel this way).
pub fn base64_encode(value: &[u8]) -> String {
    aws_smithy_types::base64::encode(value)
}

/// The `Content-MD5` value of a body (`@httpChecksumRequired`): the base64 of its MD5 digest.
#[cfg(feature = "content-md5")]
pub fn content_md5(body: &[u8]) -> String {
    use md5::Digest;
    base64_encode(&md5::Md5::digest(body))
}

/// Decodes a base64 header value.
pub fn base64_decode(value: &str, location: &str) -> Result<Vec<u8>, WireError> {
    aws_smithy_types::base64::decode(value.trim()).map_err(|_| WireError::new(location, "is not valid base64"))
}

/// Decodes a base64 header value that carries UTF-8 text.
pub fn base64_decode_string(value: &str, location: &str) -> Result<String, WireError> {
    String::from_utf8(base64_decode(value, location)?)
        .map_err(|_| WireError::new(location, "is not UTF-8 once base64-decoded"))
}

/// Encodes bytes for the query string or a label (`percent_encode` of raw bytes).
pub fn encode_bytes(value: &[u8]) -> String {
    percent_encode(value, UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_escape_reserved_characters_and_greedy_keeps_slash() {
        assert_eq!(encode_label("a b/c%", false), "a%20b%2Fc%25");
        assert_eq!(encode_label("a b/c", true), "a%20b/c");
        assert_eq!(encode_label("~-._", false), "~-._");
    }

    #[test]
    fn header_lists_split_on_commas_and_respect_quotes() {
        let items = split_header_list(["a, \"b,c\", \"d\\\"e\"", "f"].into_iter(), "h").unwrap();
        assert_eq!(items, vec!["a", "b,c", "d\"e", "f"]);
        assert!(split_header_list(["\"open"].into_iter(), "h").is_err());
    }

    #[test]
    fn http_date_lists_split_on_every_second_comma() {
        let v = split_http_dates(["Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT"].into_iter());
        assert_eq!(v.len(), 2);
        assert_eq!(v[1], "Mon, 16 Dec 2019 23:48:18 GMT");
    }

    #[test]
    fn floats_format_like_the_protocol() {
        assert_eq!(fmt_float(1.5), "1.5");
        assert_eq!(fmt_float(2.0), "2");
        assert_eq!(fmt_float(f64::NAN), "NaN");
        assert_eq!(fmt_float(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    #[cfg(feature = "content-md5")]
    fn content_md5_is_the_base64_md5_digest() {
        // RFC 1321 test vectors, base64-encoded.
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
        assert_eq!(content_md5(b"abc"), "kAFQmDzST7DWlj99KOF/cg==");
        // The body of the restJson1 `RestJsonHttpChecksumRequired` protocol test.
        assert_eq!(content_md5(br#"{"foo":"base64 encoded md5 checksum"}"#), "iB0/3YSo7maijL0IGOgA9g==");
    }

    #[test]
    fn query_writer_joins_literals_and_values() {
        let mut q = QueryWriter::new();
        q.push_literal("foo", Some("bar"));
        q.push("a b", "c&d");
        assert_eq!(q.finish(), "?foo=bar&a%20b=c%26d");
    }
}
