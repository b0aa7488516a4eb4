//! Decoders of a byte stream that arrives in parts: complete lines (JSON Lines / NDJSON),
//! Server-Sent Events and whole JSON values.
//!
//! Models that stream a generated answer (an LLM's tokens) send it as blobs in events, cut
//! wherever the service's buffers happened to end: inside a line, a JSON value or a multi-byte
//! UTF-8 character. These decoders are fed the parts in order ([`Decoder::feed`]) and yield
//! each item once all of its bytes are in, so the items are the same for every split of the
//! same bytes; [`Decoder::finish`] yields the last item of a stream that ends without a final
//! newline. Each decoder buffers only the item it is in the middle of, and refuses an item over
//! its limit ([`DEFAULT_MAX_ITEM_LEN`] unless set with `with_max_len`) with
//! [`DecodeError::TooLong`] instead of growing without bound.
//!
//! They are synchronous and know nothing of event streams: the client wraps them around an
//! output stream's `EventReceiver` (`event_stream::Decoded`, feature `event-stream`), the
//! generated command-line clients around their outfile (`--decode`).

use std::collections::VecDeque;
use std::fmt;

/// The default limit of one item (a line, an event's data, a JSON value): 1 MiB.
pub const DEFAULT_MAX_ITEM_LEN: usize = 1024 * 1024;

/// A decoder of a byte stream fed in parts.
pub trait Decoder {
    /// What it yields.
    type Item;
    /// Adds the next part of the stream, pushing every item it completes onto `items`. After an
    /// error the decoder's state is unspecified: the stream is over.
    fn feed(&mut self, part: &[u8], items: &mut VecDeque<Self::Item>) -> Result<(), DecodeError>;
    /// The stream has ended: pushes the item its last bytes make, if any (a last line without
    /// a newline, an event without its blank line, a number at the very end).
    fn finish(&mut self, items: &mut VecDeque<Self::Item>) -> Result<(), DecodeError>;
}

/// Why bytes could not be decoded.
#[derive(Debug)]
#[non_exhaustive]
pub enum DecodeError {
    /// An item (`what`: a line, an event's data, a JSON value) is longer than the limit.
    TooLong {
        /// "line", "event data" or "JSON value".
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A line is not UTF-8 (`line`: its number, from 1).
    InvalidUtf8 {
        /// The line's number, from 1.
        line: u64,
        /// Where the invalid bytes start in it.
        valid_up_to: usize,
    },
    /// A JSON value is not valid JSON (`index`: its number, from 1).
    #[cfg(feature = "json-values")]
    InvalidJson {
        /// The value's number, from 1.
        index: u64,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// A byte that cannot start a JSON value (`}`, `]`, `,` or `:` between values).
    UnexpectedJsonByte {
        /// The value's number, from 1.
        index: u64,
        /// The byte.
        byte: u8,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLong { what, limit } => write!(f, "a {what} is longer than the limit of {limit} bytes"),
            DecodeError::InvalidUtf8 { line, valid_up_to } => {
                write!(f, "line {line} of the stream is not UTF-8 (invalid bytes at byte {valid_up_to} of the line)")
            }
            #[cfg(feature = "json-values")]
            DecodeError::InvalidJson { index, source } => write!(f, "JSON value {index} of the stream is not valid JSON: {source}"),
            DecodeError::UnexpectedJsonByte { index, byte } => {
                write!(f, "JSON value {index} of the stream cannot start with {:?}", char::from(*byte))
            }
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(feature = "json-values")]
            DecodeError::InvalidJson { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Splits bytes into lines as they arrive, without their terminators. `\n` ends a line (a `\r`
/// before it is dropped too); with `bare_cr`, a lone `\r` also ends one (Server-Sent Events),
/// and a `\n` right after it, even in the next part, ends nothing more.
#[derive(Debug)]
struct LineSplitter {
    buffer: Vec<u8>,
    /// How far `buffer` has been searched for a terminator.
    searched: usize,
    bare_cr: bool,
    /// The last line ended with a `\r` (bare-CR mode): a `\n` next belongs to it.
    after_cr: bool,
    max_len: usize,
    what: &'static str,
    lines: u64,
}

impl LineSplitter {
    fn new(bare_cr: bool, max_len: usize, what: &'static str) -> Self {
        LineSplitter { buffer: Vec::new(), searched: 0, bare_cr, after_cr: false, max_len, what, lines: 0 }
    }

    /// Adds `part` and calls `line` with every complete line.
    fn feed(&mut self, mut part: &[u8], mut line: impl FnMut(&[u8], u64) -> Result<(), DecodeError>) -> Result<(), DecodeError> {
        if self.after_cr && !part.is_empty() {
            self.after_cr = false;
            if part[0] == b'\n' {
                part = &part[1..];
            }
        }
        self.buffer.extend_from_slice(part);
        let mut start = 0;
        loop {
            let rest = &self.buffer[self.searched..];
            let found = if self.bare_cr { rest.iter().position(|&b| b == b'\n' || b == b'\r') } else { rest.iter().position(|&b| b == b'\n') };
            let Some(offset) = found else { break };
            let end = self.searched + offset;
            let terminator = self.buffer[end];
            let mut content_end = end;
            let mut next = end + 1;
            if terminator == b'\r' {
                match self.buffer.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            } else if end > start && self.buffer[end - 1] == b'\r' {
                content_end -= 1;
            }
            if content_end - start > self.max_len {
                return Err(DecodeError::TooLong { what: self.what, limit: self.max_len });
            }
            self.lines += 1;
            line(&self.buffer[start..content_end], self.lines)?;
            start = next;
            self.searched = next;
        }
        self.buffer.drain(..start);
        self.searched = self.buffer.len();
        // A line terminated by `\r\n` may be one byte over while its `\n` is still to come.
        if self.buffer.len() > self.max_len + 1 {
            return Err(DecodeError::TooLong { what: self.what, limit: self.max_len });
        }
        Ok(())
    }

    /// The last line, when the bytes end without a terminator.
    fn finish(&mut self, line: impl FnOnce(&[u8], u64) -> Result<(), DecodeError>) -> Result<(), DecodeError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        self.searched = 0;
        if !self.bare_cr && buffer.last() == Some(&b'\r') {
            buffer.pop();
        }
        if buffer.len() > self.max_len {
            return Err(DecodeError::TooLong { what: self.what, limit: self.max_len });
        }
        self.lines += 1;
        line(&buffer, self.lines)
    }
}

fn utf8(bytes: &[u8], line: u64) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 { line, valid_up_to: e.valid_up_to() })
}

/// Complete lines (JSON Lines, NDJSON, plain text), without their `\n` or `\r\n`. Every line
/// is yielded, empty ones too; a line that is not UTF-8 is an error.
#[derive(Debug)]
pub struct LineDecoder {
    lines: LineSplitter,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::with_max_len(DEFAULT_MAX_ITEM_LEN)
    }
}

impl LineDecoder {
    /// A decoder refusing lines over `max_len` bytes (without the terminator).
    pub fn with_max_len(max_len: usize) -> Self {
        LineDecoder { lines: LineSplitter::new(false, max_len, "line") }
    }
}

impl Decoder for LineDecoder {
    type Item = String;

    fn feed(&mut self, part: &[u8], items: &mut VecDeque<String>) -> Result<(), DecodeError> {
        self.lines.feed(part, |line, n| {
            items.push_back(utf8(line, n)?.to_owned());
            Ok(())
        })
    }

    fn finish(&mut self, items: &mut VecDeque<String>) -> Result<(), DecodeError> {
        self.lines.finish(|line, n| {
            items.push_back(utf8(line, n)?.to_owned());
            Ok(())
        })
    }
}

/// One Server-Sent Event: its `data` (the event's `data` lines joined with `\n`), and the
/// `event`, `id` and `retry` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseEvent {
    /// The `event` field of this event (`None`: the default type, `message`).
    pub event: Option<String>,
    /// The `data` lines, joined with `\n`.
    pub data: String,
    /// The last event id: the latest `id` field of the stream so far, as the SSE specification
    /// keeps it (`None` until one is sent, or after an empty `id`).
    pub id: Option<String>,
    /// The `retry` field of this event (milliseconds), when it has one.
    pub retry: Option<u64>,
}

impl SseEvent {
    /// The event's data.
    pub fn data(&self) -> &str {
        &self.data
    }
    /// The event's type (`event` field), `None` for the default type `message`.
    pub fn event(&self) -> Option<&str> {
        self.event.as_deref()
    }
    /// The last event id.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// Server-Sent Events, parsed as the HTML specification's event-stream interpretation says:
/// lines end with `\r\n`, `\n` or `\r`; a leading byte-order mark is skipped; `:` starts a
/// comment; a field's value loses one leading space; a blank line ends an event, which is
/// yielded when it has data (`data` lines joined with `\n`). Unlike a browser, an event whose
/// blank line never comes is yielded when the stream ends, and a line that is not UTF-8 is an
/// error. Unknown fields are ignored.
#[derive(Debug)]
pub struct SseDecoder {
    lines: LineSplitter,
    state: SseState,
}

#[derive(Debug, Default)]
struct SseState {
    event: Option<String>,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
    max_len: usize,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::with_max_len(DEFAULT_MAX_ITEM_LEN)
    }
}

impl SseDecoder {
    /// A decoder refusing lines and event data over `max_len` bytes.
    pub fn with_max_len(max_len: usize) -> Self {
        SseDecoder { lines: LineSplitter::new(true, max_len, "line"), state: SseState { max_len, ..SseState::default() } }
    }
}

impl SseState {
    fn line(&mut self, line: &[u8], n: u64, items: &mut VecDeque<SseEvent>) -> Result<(), DecodeError> {
        let mut line = utf8(line, n)?;
        if n == 1 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(items);
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                if self.data.len() > self.max_len {
                    return Err(DecodeError::TooLong { what: "event data", limit: self.max_len });
                }
            }
            "id" if !value.contains('\0') => self.last_id = (!value.is_empty()).then(|| value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => self.retry = value.parse().ok(),
            _ => {}
        }
        Ok(())
    }

    /// A blank line (or the end of the stream): the event so far, if it has data.
    fn dispatch(&mut self, items: &mut VecDeque<SseEvent>) {
        let event = self.event.take();
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        items.push_back(SseEvent { event, data: std::mem::take(&mut self.data), id: self.last_id.clone(), retry });
    }
}

impl Decoder for SseDecoder {
    type Item = SseEvent;

    fn feed(&mut self, part: &[u8], items: &mut VecDeque<SseEvent>) -> Result<(), DecodeError> {
        let state = &mut self.state;
        self.lines.feed(part, |line, n| state.line(line, n, items))
    }

    fn finish(&mut self, items: &mut VecDeque<SseEvent>) -> Result<(), DecodeError> {
        let state = &mut self.state;
        self.lines.finish(|line, n| state.line(line, n, items))?;
        state.dispatch(items);
        Ok(())
    }
}

/// Whole JSON values, concatenated (`{"a":1}{"a":2}`) or separated by whitespace (JSON Lines,
/// pretty-printed values one after another). A value's end is found by a scan of its bytes as
/// they arrive (nesting, strings, escapes), then serde_json parses it once: each byte is looked
/// at a bounded number of times however the stream is split. A number or literal at the very
/// end is yielded only when the stream ends (more digits may follow).
///
/// Feature `json-values`: the values are `serde_json::Value`s, for the caller to read as it likes.
#[cfg(feature = "json-values")]
#[derive(Debug)]
pub struct JsonDecoder {
    buffer: Vec<u8>,
    /// How far `buffer` has been scanned.
    scanned: usize,
    /// Where the current value starts in `buffer`, once its first byte is in.
    start: Option<usize>,
    scan: JsonScan,
    values: u64,
    max_len: usize,
}

/// Where the scan of the current value is.
#[cfg(feature = "json-values")]
#[derive(Debug, Default, Clone, Copy)]
struct JsonScan {
    /// Open objects and arrays.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The value is a number or literal (ended by whitespace or a structural byte).
    scalar: bool,
}

/// Where [`JsonDecoder`]'s scan hands each complete value: its bytes and its number (from 1).
#[cfg(feature = "json-values")]
type ValueSink<'a> = dyn FnMut(&[u8], u64) -> Result<(), DecodeError> + 'a;

#[cfg(feature = "json-values")]
impl Default for JsonDecoder {
    fn default() -> Self {
        Self::with_max_len(DEFAULT_MAX_ITEM_LEN)
    }
}

#[cfg(feature = "json-values")]
impl JsonDecoder {
    /// A decoder refusing values over `max_len` bytes.
    pub fn with_max_len(max_len: usize) -> Self {
        JsonDecoder { buffer: Vec::new(), scanned: 0, start: None, scan: JsonScan::default(), values: 0, max_len }
    }

    /// The value in `buffer[start..end]` is complete: hands its bytes and number to `value`.
    fn complete(&mut self, start: usize, end: usize, value: &mut ValueSink<'_>) -> Result<(), DecodeError> {
        if end - start > self.max_len {
            return Err(DecodeError::TooLong { what: "JSON value", limit: self.max_len });
        }
        self.values += 1;
        value(&self.buffer[start..end], self.values)?;
        self.start = None;
        self.scan = JsonScan::default();
        Ok(())
    }

    /// Scans `part` after the bytes kept from the previous parts, handing each value it
    /// completes to `value`. Not generic (`dyn`): compiled once, here.
    fn scan(&mut self, part: &[u8], value: &mut ValueSink<'_>) -> Result<(), DecodeError> {
        self.buffer.extend_from_slice(part);
        let mut i = self.scanned;
        while i < self.buffer.len() {
            let b = self.buffer[i];
            let Some(start) = self.start else {
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' => {}
                    b'}' | b']' | b',' | b':' => return Err(DecodeError::UnexpectedJsonByte { index: self.values + 1, byte: b }),
                    b'{' | b'[' => {
                        self.start = Some(i);
                        self.scan.depth = 1;
                    }
                    b'"' => {
                        self.start = Some(i);
                        self.scan.in_string = true;
                    }
                    _ => {
                        self.start = Some(i);
                        self.scan.scalar = true;
                    }
                }
                i += 1;
                continue;
            };
            let scan = &mut self.scan;
            if scan.scalar {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b'"' | b',' | b':') {
                    // The byte after a scalar is not part of it: scanned again as a value start.
                    self.complete(start, i, value)?;
                    continue;
                }
            } else if scan.in_string {
                if scan.escaped {
                    scan.escaped = false;
                } else if b == b'\\' {
                    scan.escaped = true;
                } else if b == b'"' {
                    scan.in_string = false;
                    if scan.depth == 0 {
                        self.complete(start, i + 1, value)?;
                    }
                }
            } else {
                match b {
                    b'"' => scan.in_string = true,
                    b'{' | b'[' => scan.depth += 1,
                    b'}' | b']' => {
                        scan.depth -= 1;
                        if scan.depth == 0 {
                            self.complete(start, i + 1, value)?;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        // Keep only the value in progress.
        let keep_from = self.start.unwrap_or(self.buffer.len());
        self.buffer.drain(..keep_from);
        self.scanned = self.buffer.len();
        if let Some(start) = &mut self.start {
            *start = 0;
        }
        if self.buffer.len() > self.max_len {
            return Err(DecodeError::TooLong { what: "JSON value", limit: self.max_len });
        }
        Ok(())
    }

    /// The stream has ended: hands the value in progress, if any, to `value`.
    fn scan_end(&mut self, value: &mut ValueSink<'_>) -> Result<(), DecodeError> {
        if let Some(start) = self.start {
            // A scalar ends here; anything else is cut short, which serde_json reports.
            self.complete(start, self.buffer.len(), value)?;
        }
        self.buffer.clear();
        self.scanned = 0;
        Ok(())
    }
}

/// The values are parsed with serde_json in these two `#[inline]` methods, which hand the scan a
/// closure: like generic code they are compiled only in the crates that call them (those that
/// read `json_values()`), so the runtime itself instantiates none of serde_json's deserializer
/// (~40 KiB of machine code in every release build of a client with the default features).
#[cfg(feature = "json-values")]
impl Decoder for JsonDecoder {
    type Item = serde_json::Value;

    #[inline]
    fn feed(&mut self, part: &[u8], items: &mut VecDeque<serde_json::Value>) -> Result<(), DecodeError> {
        self.scan(part, &mut |bytes, index| parse_json_value(bytes, index, items))
    }

    #[inline]
    fn finish(&mut self, items: &mut VecDeque<serde_json::Value>) -> Result<(), DecodeError> {
        self.scan_end(&mut |bytes, index| parse_json_value(bytes, index, items))
    }
}

/// Parses value number `index` onto `items` (inlined into the callers of `feed` and `finish`).
#[cfg(feature = "json-values")]
#[inline]
fn parse_json_value(bytes: &[u8], index: u64, items: &mut VecDeque<serde_json::Value>) -> Result<(), DecodeError> {
    items.push_back(serde_json::from_slice(bytes).map_err(|source| DecodeError::InvalidJson { index, source })?);
    Ok(())
}

/// Decodes `bytes` in one part (a convenience for tests and small inputs).
pub fn decode_all<D: Decoder>(mut decoder: D, bytes: &[u8]) -> Result<Vec<D::Item>, DecodeError> {
    let mut items = VecDeque::new();
    decoder.feed(bytes, &mut items)?;
    decoder.finish(&mut items)?;
    Ok(items.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "json-values")]
    use serde_json::json;

    fn parts<D: Decoder>(mut decoder: D, parts: &[&[u8]]) -> Result<Vec<D::Item>, DecodeError> {
        let mut items = VecDeque::new();
        for p in parts {
            decoder.feed(p, &mut items)?;
        }
        decoder.finish(&mut items)?;
        Ok(items.into())
    }

    #[test]
    fn lines_split_anywhere_and_last_line_without_newline() {
        let want = vec!["{\"t\":\"héllo\"}".to_string(), String::new(), "wörld".into(), "end".into()];
        let bytes = "{\"t\":\"héllo\"}\r\n\nwörld\nend".as_bytes();
        assert_eq!(decode_all(LineDecoder::default(), bytes).unwrap(), want);
        // Split inside the two-byte `é` and between `\r` and `\n`.
        let e = bytes.iter().position(|&b| b == 0xc3).unwrap();
        let cr = bytes.iter().position(|&b| b == b'\r').unwrap();
        assert_eq!(parts(LineDecoder::default(), &[&bytes[..e + 1], &bytes[e + 1..cr + 1], &bytes[cr + 1..]]).unwrap(), want);
        assert_eq!(decode_all(LineDecoder::default(), b"a\n").unwrap(), vec!["a"]);
        assert!(decode_all(LineDecoder::default(), b"").unwrap().is_empty());
    }

    #[test]
    fn lines_over_the_limit_and_bad_utf8_are_errors() {
        let err = parts(LineDecoder::with_max_len(4), &[b"abc", b"de"]).unwrap_err();
        assert!(matches!(err, DecodeError::TooLong { what: "line", limit: 4 }), "{err}");
        assert_eq!(decode_all(LineDecoder::with_max_len(4), b"abcd\r\nabcd").unwrap(), vec!["abcd", "abcd"]);
        assert!(decode_all(LineDecoder::with_max_len(4), b"abcde\n").is_err());
        let err = decode_all(LineDecoder::default(), b"ok\nab\xff\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2 of the stream is not UTF-8 (invalid bytes at byte 2 of the line)");
    }

    #[test]
    fn sse_events() {
        let stream = "\u{feff}: comment\nevent: token\nid: 7\ndata: a\ndata:b\n\ndata\n\nretry: 10\nevent: x\n\r\ndata: last";
        let got = decode_all(SseDecoder::default(), stream.as_bytes()).unwrap();
        assert_eq!(
            got,
            vec![
                SseEvent { event: Some("token".into()), data: "a\nb".into(), id: Some("7".into()), retry: None },
                SseEvent { event: None, data: String::new(), id: Some("7".into()), retry: None },
                SseEvent { event: None, data: "last".into(), id: Some("7".into()), retry: None },
            ]
        );
        // `\r` alone ends a line, and `\r\n` split between parts is one terminator.
        let got = parts(SseDecoder::default(), &[b"data: 1\r", b"\r", b"data: 2\r", b"\n\r\n"]).unwrap();
        assert_eq!(got.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        let err = parts(SseDecoder::with_max_len(10), &[b"data: abc\n", b"data: def\n", b"data: ghi\n\n"]).unwrap_err();
        assert!(matches!(err, DecodeError::TooLong { what: "event data", .. }), "{err}");
    }

    #[test]
    #[cfg(feature = "json-values")]
    fn json_values_concatenated_or_separated() {
        let stream = br#"{"a":"}\"{"} [1,[2]]"s\"}" 12 true
null{"b":{}}-3.5e2"#;
        let want = vec![json!({"a": "}\"{"}), json!([1, [2]]), json!("s\"}"), json!(12), json!(true), json!(null), json!({"b": {}}), json!(-350.0)];
        assert_eq!(decode_all(JsonDecoder::default(), stream).unwrap(), want);
        // A number at the end of a part is not complete yet.
        assert_eq!(parts(JsonDecoder::default(), &[b"12", b"34 5"]).unwrap(), vec![json!(1234), json!(5)]);
        let err = decode_all(JsonDecoder::default(), b"{\"a\":1} }").unwrap_err();
        assert_eq!(err.to_string(), "JSON value 2 of the stream cannot start with '}'");
        let err = decode_all(JsonDecoder::default(), b"{\"a\":1} {\"b\":").unwrap_err();
        assert!(matches!(err, DecodeError::InvalidJson { index: 2, .. }), "{err}");
        let err = decode_all(JsonDecoder::default(), b"[1,2,,]").unwrap_err();
        assert!(matches!(err, DecodeError::InvalidJson { index: 1, .. }), "{err}");
        let err = parts(JsonDecoder::with_max_len(8), &[b"[1,2,3,", b"4,5,6]"]).unwrap_err();
        assert!(matches!(err, DecodeError::TooLong { what: "JSON value", limit: 8 }), "{err}");
    }
}
