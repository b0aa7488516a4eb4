//! The rules-engine library functions that do real work, as plain Rust
//! functions. The interpreter calls these; they are public so generated code
//! and tests can use them directly.
//!
//! Trivial functions (`isSet`, `not`, `booleanEquals`, `stringEquals`,
//! `coalesce`, `ite`) and `getAttr` live in the interpreter.

use super::value::Value;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::BTreeMap;
use std::net::Ipv6Addr;

/// The result of [`parse_url`] (the rules engine's `URL` structure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`, without `://`.
    pub scheme: String,
    /// Host and optional port, as written (userinfo removed).
    pub authority: String,
    /// The path exactly as written; empty when the URL has none.
    pub path: String,
    /// The path, guaranteed to start and end with `/`.
    pub normalized_path: String,
    /// Whether the host is an IPv4 or IPv6 address.
    pub is_ip: bool,
}

impl Url {
    /// This URL as a rules-engine record (`scheme`, `authority`, `path`,
    /// `normalizedPath`, `isIp`).
    pub fn to_value(&self) -> Value {
        let mut r = BTreeMap::new();
        r.insert("scheme".to_owned(), Value::String(self.scheme.clone()));
        r.insert(
            "authority".to_owned(),
            Value::String(self.authority.clone()),
        );
        r.insert("path".to_owned(), Value::String(self.path.clone()));
        r.insert(
            "normalizedPath".to_owned(),
            Value::String(self.normalized_path.clone()),
        );
        r.insert("isIp".to_owned(), Value::Bool(self.is_ip));
        Value::Record(r)
    }
}

/// `parseURL`: splits an `http`/`https` URL into its parts.
///
/// Returns `None` for anything that is not such a URL, and for any URL with a
/// query (`?`) or fragment (`#`).
pub fn parse_url(input: &str) -> Option<Url> {
    if input.contains('?') || input.contains('#') {
        return None;
    }
    if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    // Drop userinfo, which must not be reported.
    let authority = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let (host, port) = split_host_port(authority)?;
    if let Some(port) = port {
        if port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err()
        {
            return None;
        }
    }
    let is_ip = if let Some(inner) = host.strip_prefix('[') {
        // split_host_port guarantees the closing bracket.
        let inner = inner.strip_suffix(']')?;
        inner.parse::<Ipv6Addr>().ok()?;
        true
    } else {
        if host.is_empty() || !host.bytes().all(is_reg_name_byte) {
            return None;
        }
        is_ipv4_like(host)
    };
    let mut normalized_path = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized_path.push('/');
    }
    normalized_path.push_str(path);
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(Url {
        scheme,
        authority: authority.to_owned(),
        path: path.to_owned(),
        normalized_path,
        is_ip,
    })
}

/// Splits `host[:port]` (host may be a bracketed IPv6 literal).
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, rest) = authority.split_at(close + 1);
        if rest.is_empty() {
            Some((host, None))
        } else {
            Some((host, Some(rest.strip_prefix(':')?)))
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => Some((host, Some(port))),
            None => Some((authority, None)),
        }
    }
}

/// RFC 3986 `reg-name` characters (unreserved, sub-delims and `%`).
fn is_reg_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b)
}

/// Four dot-separated decimal numbers, each at most 255.
fn is_ipv4_like(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `substring`: the ASCII characters from `start` (inclusive) to `stop`
/// (exclusive), counted from the end when `reverse` is true.
///
/// Returns `None` when the input contains any non-ASCII character, when
/// `start >= stop`, when either index is negative, or when the input is shorter
/// than `stop`.
pub fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<String> {
    if !input.is_ascii() || start < 0 || start >= stop {
        return None;
    }
    let (start, stop) = (usize::try_from(start).ok()?, usize::try_from(stop).ok()?);
    let len = input.len();
    if stop > len {
        return None;
    }
    let (from, to) = if reverse {
        (len - stop, len - start)
    } else {
        (start, stop)
    };
    input.get(from..to).map(str::to_owned)
}

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`).
const URI_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `uriEncode`: RFC 3986 percent-encoding of every byte except unreserved
/// characters, with uppercase hex digits.
pub fn uri_encode(input: &str) -> String {
    utf8_percent_encode(input, URI_ENCODE_SET).to_string()
}

/// `isValidHostLabel`: whether `value` is an RFC 1123 host label (1–63 ASCII
/// letters, digits and hyphens, starting with a letter or digit); with
/// `allow_sub_domains`, whether it is one or more such labels joined by `.`.
pub fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        value.split('.').all(is_single_host_label)
    } else {
        is_single_host_label(value)
    }
}

fn is_single_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// The result of [`parse_arn`] (the rules engine's `ARN` structure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn {
    /// Partition, e.g. `aws`.
    pub partition: String,
    /// Service namespace, e.g. `s3`.
    pub service: String,
    /// Region; may be empty.
    pub region: String,
    /// Account id; may be empty.
    pub account_id: String,
    /// The resource part split on `:` and `/`.
    pub resource_id: Vec<String>,
}

impl Arn {
    /// This ARN as a rules-engine record (`partition`, `service`, `region`,
    /// `accountId`, `resourceId`).
    pub fn to_value(&self) -> Value {
        let mut r = BTreeMap::new();
        r.insert(
            "partition".to_owned(),
            Value::String(self.partition.clone()),
        );
        r.insert("service".to_owned(), Value::String(self.service.clone()));
        r.insert("region".to_owned(), Value::String(self.region.clone()));
        r.insert(
            "accountId".to_owned(),
            Value::String(self.account_id.clone()),
        );
        r.insert(
            "resourceId".to_owned(),
            Value::Array(
                self.resource_id
                    .iter()
                    .cloned()
                    .map(Value::String)
                    .collect(),
            ),
        );
        Value::Record(r)
    }
}

/// `aws.parseArn`: parses `arn:partition:service:region:account:resource`.
///
/// Returns `None` unless there are six `:`-separated sections, the first is
/// `arn`, and partition, service and resource are non-empty.
pub fn parse_arn(input: &str) -> Option<Arn> {
    let mut parts = input.splitn(6, ':');
    let (arn, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account.to_owned(),
        resource_id: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

/// `aws.isVirtualHostableS3Bucket`: whether `value` can be used as an S3
/// bucket host label: 3–63 characters of lowercase letters, digits and `-`
/// (and `.` with `allow_sub_domains`), starting and ending with a letter or
/// digit; with dots, no `..`, `.-` or `-.`, and not shaped like an IPv4 address.
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let bytes = value.as_bytes();
    let lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !(3..=63).contains(&bytes.len())
        || !lower_alnum(bytes[0])
        || !lower_alnum(bytes[bytes.len() - 1])
    {
        return false;
    }
    if !allow_sub_domains {
        return bytes.iter().all(|&b| lower_alnum(b) || b == b'-');
    }
    let mut last = bytes[0];
    for &b in &bytes[1..] {
        let ok = match b {
            b'.' => last != b'.' && last != b'-',
            b'-' => last != b'.',
            _ => lower_alnum(b),
        };
        if !ok {
            return false;
        }
        last = b;
    }
    !is_ipv4_like(value)
}

/// `split`: splits `input` on a non-empty `delimiter`. `limit` 0 splits at
/// every occurrence; `limit` n > 0 gives at most n parts (the last holds the
/// rest). Returns `None` for an empty delimiter or a negative limit.
pub fn split(input: &str, delimiter: &str, limit: i64) -> Option<Vec<String>> {
    if delimiter.is_empty() || limit < 0 {
        return None;
    }
    if limit == 0 {
        Some(input.split(delimiter).map(str::to_owned).collect())
    } else {
        let limit = usize::try_from(limit).ok()?;
        Some(input.splitn(limit, delimiter).map(str::to_owned).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Option<(String, String, String, String, bool)> {
        parse_url(s).map(|u| (u.scheme, u.authority, u.path, u.normalized_path, u.is_ip))
    }

    fn t(
        scheme: &str,
        auth: &str,
        path: &str,
        norm: &str,
        ip: bool,
    ) -> Option<(String, String, String, String, bool)> {
        Some((scheme.into(), auth.into(), path.into(), norm.into(), ip))
    }

    #[test]
    fn parse_url_valid() {
        assert_eq!(
            url("https://example.com"),
            t("https", "example.com", "", "/", false)
        );
        assert_eq!(
            url("https://example.com/"),
            t("https", "example.com", "/", "/", false)
        );
        assert_eq!(
            url("http://example.com:80/foo/bar"),
            t("http", "example.com:80", "/foo/bar", "/foo/bar/", false)
        );
        assert_eq!(
            url("https://authority.com:8000/port"),
            t("https", "authority.com:8000", "/port", "/port/", false)
        );
        assert_eq!(
            url("https://127.0.0.1"),
            t("https", "127.0.0.1", "", "/", true)
        );
        assert_eq!(
            url("http://192.168.1.1:1234/foo/"),
            t("http", "192.168.1.1:1234", "/foo/", "/foo/", true)
        );
        assert_eq!(
            url("https://[fe80::1]"),
            t("https", "[fe80::1]", "", "/", true)
        );
        assert_eq!(
            url("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443"),
            t(
                "https",
                "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
                "",
                "/",
                true
            )
        );
        assert_eq!(
            url("https://999.999.abc.blah"),
            t("https", "999.999.abc.blah", "", "/", false)
        );
        assert_eq!(
            url("https://256.1.1.1"),
            t("https", "256.1.1.1", "", "/", false)
        );
        assert_eq!(
            url("http://99_ab-.com"),
            t("http", "99_ab-.com", "", "/", false)
        );
        assert_eq!(
            url("HTTPS://user:pw@example.com/a"),
            t("https", "example.com", "/a", "/a/", false)
        );
    }

    #[test]
    fn parse_url_invalid() {
        for bad in [
            "https://example.com:8443?foo=bar&faz=baz",
            "https://example.com/path?query1=foo",
            "https://example.com/path?",
            "https://example.com/#frag",
            "acbd://example.com",
            "http://abc.com:a/foo",
            "http://abc.com:/foo",
            "http://abc.com:99999",
            "https://",
            "https://[fe80::1",
            "https://[not-ip]",
            "example.com",
            "https://exa mple.com",
            "https://example.com/a b",
            "",
        ] {
            assert_eq!(parse_url(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn parse_url_record_fields() {
        let v = parse_url("https://example.com/a").map(|u| u.to_value());
        let r = v
            .as_ref()
            .and_then(Value::as_record)
            .cloned()
            .unwrap_or_default();
        assert_eq!(r.get("normalizedPath"), Some(&Value::from("/a/")));
        assert_eq!(r.get("isIp"), Some(&Value::Bool(false)));
        assert_eq!(r.len(), 5);
    }

    #[test]
    fn substring_cases() {
        assert_eq!(substring("abcdefg", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcd", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("", 0, 4, false), None);
        assert_eq!(substring("\u{fdfd}", 0, 4, false), None);
        assert_eq!(substring("abcdef\u{1F431}", 0, 4, false), None);
        assert_eq!(substring("abcdef\u{80}", 0, 4, false), None);
        assert_eq!(
            substring("\u{7f}abcdef", 0, 4, false).as_deref(),
            Some("\u{7f}abc")
        );
        assert_eq!(substring("abcdefg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(substring("defg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(substring("abc", 0, 4, true), None);
        assert_eq!(substring("defg", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(substring("def", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(substring("ab", 1, 3, false), None);
        assert_eq!(substring("abcdef", 1, 3, true).as_deref(), Some("de"));
        assert_eq!(substring("abcdef", 3, 3, false), None);
        assert_eq!(substring("abcdef", 4, 2, false), None);
        assert_eq!(substring("abcdef", -1, 2, false), None);
    }

    #[test]
    fn uri_encode_cases() {
        assert_eq!(uri_encode("abcdefg"), "abcdefg");
        assert_eq!(uri_encode("abc:defg"), "abc%3Adefg");
        assert_eq!(
            uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
        );
        assert_eq!(
            uri_encode("0123456789.underscore_dash-Tilda~"),
            "0123456789.underscore_dash-Tilda~"
        );
        assert_eq!(uri_encode("\u{1F639}"), "%F0%9F%98%B9");
        assert_eq!(uri_encode(""), "");
    }

    #[test]
    fn host_label_cases() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("3aws4", false));
        assert!(is_valid_host_label("a", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("part1.part2", false));
        assert!(is_valid_host_label("part1.part2", true));
        assert!(!is_valid_host_label("part1 part2", false));
        assert!(!is_valid_host_label("part1 part2", true));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("", true));
        assert!(!is_valid_host_label("part1.", true));
        assert!(!is_valid_host_label("part1..part2", true));
        assert!(!is_valid_host_label("part1.-part2", true));
        assert!(!is_valid_host_label("-abc", false));
        assert!(is_valid_host_label("abc-", false));
        assert!(!is_valid_host_label("ab_c", false));
        assert!(!is_valid_host_label("ünï", false));
    }

    #[test]
    fn parse_arn_cases() {
        let a = parse_arn("arn:aws:sns:us-west-2:012345678910:example-sns-topic-name");
        assert_eq!(
            a,
            Some(Arn {
                partition: "aws".into(),
                service: "sns".into(),
                region: "us-west-2".into(),
                account_id: "012345678910".into(),
                resource_id: vec!["example-sns-topic-name".into()],
            })
        );
        let a = parse_arn("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE");
        assert_eq!(
            a.map(|a| a.resource_id),
            Some(vec!["vpc".to_owned(), "vpc-0e9801d129EXAMPLE".to_owned()])
        );
        let a = parse_arn("arn:aws:iam::012345678910:user/johndoe");
        assert_eq!(a.as_ref().map(|a| a.region.as_str()), Some(""));
        let a = parse_arn("arn:aws:s3:::bucket_name");
        assert_eq!(
            a.as_ref()
                .map(|a| (a.region.as_str(), a.account_id.as_str())),
            Some(("", ""))
        );
        let a = parse_arn("arn:aws:s3-outposts:us-west-2:123:outpost:op-01:accesspoint/ap:x");
        assert_eq!(
            a.map(|a| a.resource_id),
            Some(
                vec!["outpost", "op-01", "accesspoint", "ap", "x"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        let a = parse_arn("arn:aws:s3:::bucket/");
        assert_eq!(
            a.map(|a| a.resource_id),
            Some(vec!["bucket".to_owned(), String::new()])
        );
        for bad in [
            "11111111-2222-3333-4444-555555555555",
            "arn:aws:sns:us-west-2:012345678910",
            "arn:aws:sns:us-west-2:012345678910:",
            "arn::sns:us-west-2:012345678910:x",
            "arn:aws::us-west-2:012345678910:x",
            "nar:aws:sns:us-west-2:012345678910:x",
            "",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad:?}");
        }
        let v = parse_arn("arn:aws:s3:::b").map(|a| a.to_value());
        assert_eq!(
            v.as_ref()
                .and_then(Value::as_record)
                .and_then(|r| r.get("resourceId")),
            Some(&Value::from(vec!["b"]))
        );
    }

    #[test]
    fn virtual_hostable_bucket_cases() {
        assert!(is_virtual_hostable_s3_bucket("bucket-name", false));
        assert!(is_virtual_hostable_s3_bucket("abc", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(is_virtual_hostable_s3_bucket(&"a".repeat(63), false));
        assert!(!is_virtual_hostable_s3_bucket(&"a".repeat(64), false));
        assert!(!is_virtual_hostable_s3_bucket("Bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("bucket-", false));
        assert!(!is_virtual_hostable_s3_bucket("-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("bucket_name", false));
        assert!(!is_virtual_hostable_s3_bucket("bucket.name", false));
        assert!(is_virtual_hostable_s3_bucket("bucket.name", true));
        assert!(is_virtual_hostable_s3_bucket("a.b.c", true));
        assert!(is_virtual_hostable_s3_bucket("bucket--name", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket..name", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket.-name", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket-.name", true));
        assert!(!is_virtual_hostable_s3_bucket("192.168.5.4", true));
        assert!(is_virtual_hostable_s3_bucket("192.168.5.4.5", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket.Name", true));
    }

    #[test]
    fn split_cases() {
        let s = |i: &str, d: &str, l: i64| split(i, d, l);
        let v = |xs: &[&str]| Some(xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s("a--b--c", "--", 0), v(&["a", "b", "c"]));
        assert_eq!(s("a--b--c", "--", 2), v(&["a", "b--c"]));
        assert_eq!(s("--b--", "--", 0), v(&["", "b", ""]));
        assert_eq!(s("abc", "x", 0), v(&["abc"]));
        assert_eq!(s("", "--", 0), v(&[""]));
        assert_eq!(s("----", "--", 0), v(&["", "", ""]));
        assert_eq!(s("a--b--c--d", "--", 3), v(&["a", "b", "c--d"]));
        assert_eq!(s("--", "--", 0), v(&["", ""]));
        assert_eq!(s("mybucket", "--", 1), v(&["mybucket"]));
        assert_eq!(
            s("--x-s3--azid--suffix", "--", 4),
            v(&["", "x-s3", "azid", "suffix"])
        );
        assert_eq!(
            s("--x-s3--azid--suffix", "--", 2),
            v(&["", "x-s3--azid--suffix"])
        );
        assert_eq!(s("abc", "", 0), None);
        assert_eq!(s("abc", "b", -1), None);
    }
}
