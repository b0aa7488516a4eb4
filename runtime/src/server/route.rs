//! URI patterns of the `@http` trait and how a request path matches them.

use std::borrow::Cow;

/// One `/`-separated piece of a path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Text that must match exactly (already percent-decoded form of the pattern).
    Literal(String),
    /// `{Name}`: one non-empty segment.
    Label,
    /// `{Name+}`: one or more segments, `/` included.
    Greedy,
}

/// A parsed `@http` URI pattern: `/path/{Label}/{Greedy+}?literal=value&flag`.
///
/// A request matches when every literal segment is equal, every label is a non-empty
/// segment, a greedy label covers one or more segments, and every literal query part is
/// present (with its value, when the pattern gives one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriPattern {
    segments: Vec<Segment>,
    /// Where the greedy label is among `segments`, if there is one.
    greedy_at: Option<usize>,
    query: Vec<(String, Option<String>)>,
    text: String,
}

impl UriPattern {
    /// Parses a pattern as written in the `@http` trait.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let (path, query) = match pattern.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (pattern, None),
        };
        let Some(rest) = path.strip_prefix('/') else {
            return Err(format!("URI pattern `{pattern}` must start with `/`"));
        };
        let mut segments = Vec::new();
        let mut greedy = false;
        if !rest.is_empty() {
            for seg in rest.split('/') {
                if let Some(inner) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if inner.ends_with('+') {
                        if greedy {
                            return Err(format!("URI pattern `{pattern}` has more than one greedy label"));
                        }
                        greedy = true;
                        segments.push(Segment::Greedy);
                    } else {
                        segments.push(Segment::Label);
                    }
                } else if seg.contains('{') || seg.contains('}') {
                    return Err(format!("URI pattern `{pattern}`: a label must fill a whole segment"));
                } else {
                    segments.push(Segment::Literal(decode_lossy(seg).into_owned()));
                }
            }
        }
        let query = query
            .map(|q| {
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| match p.split_once('=') {
                        Some((k, v)) => (decode_lossy(k).into_owned(), Some(decode_lossy(v).into_owned())),
                        None => (decode_lossy(p).into_owned(), None),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let greedy_at = segments.iter().position(|s| *s == Segment::Greedy);
        Ok(UriPattern { segments, greedy_at, query, text: pattern.to_string() })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Matches the path of a request (still percent-encoded, without the query). Returns the
    /// raw (still encoded) text of each label in pattern order; a greedy label's text keeps
    /// its `/` separators.
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        self.match_parts(&path_parts(path)?)
    }

    /// [`match_path`](Self::match_path) for a path already split by [`path_parts`] (a router
    /// splits each request's path once, not once per route).
    pub(crate) fn match_parts(&self, parts: &[&str]) -> Option<Vec<String>> {
        let layout = self.layout(parts).filter(|layout| self.check(parts, *layout))?;
        let part = |i: usize| layout.part(parts, i);
        let labels = self.segments.iter().enumerate().filter_map(|(i, segment)| match segment {
            Segment::Literal(_) => None,
            Segment::Label => Some(part(i).to_string()),
            Segment::Greedy => Some(layout.greedy(parts).join("/")),
        });
        Some(labels.collect())
    }

    /// Whether the split path matches, without collecting the labels (nothing is allocated).
    pub(crate) fn matches_parts(&self, parts: &[&str]) -> bool {
        self.layout(parts).is_some_and(|layout| self.check(parts, layout))
    }

    /// Which part each segment takes, when the number of parts fits the pattern.
    fn layout(&self, parts: &[&str]) -> Option<Layout> {
        let segments = self.segments.len();
        // Segments before the greedy label (all of them, without one) take one part each from
        // the start, those after it one each from the end, and the greedy label what is left
        // (at least one part).
        match self.greedy_at {
            None if parts.len() == segments => Some(Layout { before: segments, greedy_end: segments }),
            None => None,
            Some(g) if parts.len() >= segments => Some(Layout { before: g, greedy_end: parts.len() - (segments - g - 1) }),
            Some(_) => None,
        }
    }

    /// Whether every literal segment is its part and every label's part is not empty.
    fn check(&self, parts: &[&str], layout: Layout) -> bool {
        self.segments.iter().enumerate().all(|(i, segment)| match segment {
            Segment::Literal(text) => literal_matches(layout.part(parts, i), text),
            Segment::Label => !layout.part(parts, i).is_empty(),
            Segment::Greedy => !layout.greedy(parts).iter().all(|p| p.is_empty()),
        })
    }

    /// Whether the decoded query parameters contain every literal query part of the pattern.
    pub fn match_query(&self, params: &[(String, String)]) -> bool {
        self.query.iter().all(|(k, v)| match v {
            Some(v) => params.iter().any(|(pk, pv)| pk == k && pv == v),
            None => params.iter().any(|(pk, _)| pk == k),
        })
    }

    /// How specific the pattern is: patterns with more literal segments win, then those
    /// without a greedy label, then those with more literal query parts.
    pub fn rank(&self) -> (usize, bool, usize) {
        let literals = self.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count();
        let no_greedy = self.greedy_at.is_none();
        (literals, no_greedy, self.query.len())
    }
}

/// Where a path's parts go in a pattern with a greedy label at `before` (or none: `before` is
/// the number of segments): segment `i < before` takes part `i`, the greedy label parts
/// `before..greedy_end`, and the segments after it the parts from `greedy_end` on.
#[derive(Debug, Clone, Copy)]
struct Layout {
    before: usize,
    greedy_end: usize,
}

impl Layout {
    /// The part of segment `i` (not the greedy label).
    fn part<'p>(self, parts: &[&'p str], i: usize) -> &'p str {
        if i < self.before {
            parts[i]
        } else {
            parts[self.greedy_end + (i - self.before - 1)]
        }
    }

    /// The parts of the greedy label.
    fn greedy<'a, 'p>(self, parts: &'a [&'p str]) -> &'a [&'p str] {
        &parts[self.before.min(parts.len())..self.greedy_end]
    }
}

/// Whether a path part (still percent-encoded) is the literal segment `text`.
fn literal_matches(part: &str, text: &str) -> bool {
    part == text || (part.bytes().any(|b| b == b'%') && decode_lossy(part) == text)
}

/// A request path's `/`-separated parts (`None` unless it starts with `/`); a trailing slash
/// is tolerated: `/a/b/` is `/a/b`.
pub(crate) fn path_parts(path: &str) -> Option<Vec<&str>> {
    let rest = path.strip_prefix('/')?;
    let rest = if rest.len() > 1 { rest.strip_suffix('/').unwrap_or(rest) } else { rest };
    if rest.is_empty() {
        return Some(Vec::new());
    }
    // A byte loop into a vector sized once: `split('/').collect()` (a general substring
    // searcher, a vector grown as it goes) cost several hundred instructions per request.
    let mut parts = Vec::with_capacity(8);
    let mut start = 0;
    for (at, byte) in rest.bytes().enumerate() {
        if byte == b'/' {
            parts.push(&rest[start..at]);
            start = at + 1;
        }
    }
    parts.push(&rest[start..]);
    Some(parts)
}

/// Percent-decodes for matching; invalid UTF-8 becomes U+FFFD (it then matches no literal).
pub(crate) fn decode_lossy(text: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// Splits a raw query string into decoded `(key, value)` pairs; `key` alone has value `""`.
/// `+` stays a plus sign (AWS signs and reads the query per RFC 3986).
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode_lossy(k).into_owned(), decode_lossy(v).into_owned()),
            None => (decode_lossy(p).into_owned(), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_literals_match_whole_segments() {
        let p = UriPattern::parse("/endpoints/{EndpointName}/invocations").unwrap();
        assert_eq!(p.match_path("/endpoints/my-ep/invocations"), Some(vec!["my-ep".to_string()]));
        assert_eq!(p.match_path("/endpoints/a%2Fb/invocations"), Some(vec!["a%2Fb".to_string()]));
        assert_eq!(p.match_path("/endpoints//invocations"), None);
        assert_eq!(p.match_path("/endpoints/a/b/invocations"), None);
        assert_eq!(p.match_path("/endpoints/a/invocations/"), Some(vec!["a".to_string()]));
    }

    #[test]
    fn greedy_labels_take_several_segments_before_trailing_literals() {
        let p = UriPattern::parse("/bucket/{Bucket}/{Key+}/meta").unwrap();
        assert_eq!(p.match_path("/bucket/b/a/b/c/meta"), Some(vec!["b".to_string(), "a/b/c".to_string()]));
        assert_eq!(p.match_path("/bucket/b/meta"), None);
        let root = UriPattern::parse("/{Path+}").unwrap();
        assert_eq!(root.match_path("/x/y"), Some(vec!["x/y".to_string()]));
        assert_eq!(root.match_path("/"), None);
    }

    #[test]
    fn query_literals_are_required() {
        let p = UriPattern::parse("/things?kind=big&flag").unwrap();
        assert!(p.match_query(&parse_query("kind=big&flag&other=1")));
        assert!(!p.match_query(&parse_query("kind=small&flag")));
        assert!(!p.match_query(&parse_query("kind=big")));
        assert_eq!(p.rank(), (1, true, 2));
    }

    #[test]
    fn query_values_are_percent_decoded_and_plus_is_literal() {
        assert_eq!(
            parse_query("a=b%20c&d&e=1+2"),
            vec![("a".into(), "b c".into()), ("d".into(), String::new()), ("e".into(), "1+2".into())]
        );
    }
}
