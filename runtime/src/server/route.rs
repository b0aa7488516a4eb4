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
        Ok(UriPattern { segments, query, text: pattern.to_string() })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Matches the path of a request (still percent-encoded, without the query). Returns the
    /// raw (still encoded) text of each label in pattern order; a greedy label's text keeps
    /// its `/` separators.
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        let rest = path.strip_prefix('/')?;
        // A trailing slash is tolerated: `/a/b/` is `/a/b`.
        let rest = if rest.len() > 1 { rest.strip_suffix('/').unwrap_or(rest) } else { rest };
        let parts: Vec<&str> = if rest.is_empty() { Vec::new() } else { rest.split('/').collect() };
        let mut labels = Vec::new();
        let greedy_at = self.segments.iter().position(|s| *s == Segment::Greedy);
        match greedy_at {
            None => {
                if parts.len() != self.segments.len() {
                    return None;
                }
                for (seg, part) in self.segments.iter().zip(&parts) {
                    match_one(seg, part, &mut labels)?;
                }
            }
            Some(g) => {
                let after = self.segments.len() - g - 1;
                if parts.len() < g + 1 + after {
                    return None;
                }
                for (seg, part) in self.segments[..g].iter().zip(&parts[..g]) {
                    match_one(seg, part, &mut labels)?;
                }
                let greedy_end = parts.len() - after;
                let greedy_parts = &parts[g..greedy_end];
                if greedy_parts.iter().all(|p| p.is_empty()) {
                    return None;
                }
                labels.push(greedy_parts.join("/"));
                for (seg, part) in self.segments[g + 1..].iter().zip(&parts[greedy_end..]) {
                    match_one(seg, part, &mut labels)?;
                }
            }
        }
        Some(labels)
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
        let no_greedy = !self.segments.contains(&Segment::Greedy);
        (literals, no_greedy, self.query.len())
    }
}

fn match_one(seg: &Segment, part: &str, labels: &mut Vec<String>) -> Option<()> {
    match seg {
        Segment::Literal(text) => (decode_lossy(part) == text.as_str()).then_some(()),
        Segment::Label | Segment::Greedy => {
            if part.is_empty() {
                return None;
            }
            labels.push(part.to_string());
            Some(())
        }
    }
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
