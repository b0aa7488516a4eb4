//! `Content-Type` and `Accept` checks of restJson1 servers.

use super::Rejection;
use http::HeaderMap;

/// The `type/subtype` of a media type, lowercased, without parameters:
/// `Application/JSON; charset=utf-8` → `application/json`.
pub fn media_type_essence(value: &str) -> String {
    value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Checks the request's `Content-Type` against what the operation reads.
///
/// An empty body is never checked. `expected: None` means the operation reads no body, so
/// a body with any `Content-Type` is refused; `Some(media)` requires that media type
/// (parameters such as `charset` ignored), or no header at all when `allow_missing`.
pub fn check_content_type(
    headers: &HeaderMap,
    body: &[u8],
    expected: Option<&str>,
    allow_missing: bool,
) -> Result<(), Rejection> {
    check_media_type(headers, !body.is_empty(), expected, allow_missing)
}

/// [`check_content_type`] for a body known only to be there or not (a streamed body).
pub(crate) fn check_media_type(
    headers: &HeaderMap,
    has_body: bool,
    expected: Option<&str>,
    allow_missing: bool,
) -> Result<(), Rejection> {
    if !has_body {
        return Ok(());
    }
    let sent = headers.get(http::header::CONTENT_TYPE);
    match (expected, sent) {
        (None, None) => Ok(()),
        (None, Some(v)) => Err(Rejection::UnsupportedMediaType(format!(
            "this operation takes no body, but one was sent with Content-Type `{}`",
            String::from_utf8_lossy(v.as_bytes())
        ))),
        (Some(_), None) if allow_missing => Ok(()),
        (Some(want), None) => Err(Rejection::UnsupportedMediaType(format!(
            "the body needs `Content-Type: {want}`; no Content-Type was sent"
        ))),
        (Some(want), Some(v)) => {
            let got = v.to_str().map(media_type_essence).unwrap_or_default();
            if got == media_type_essence(want) {
                Ok(())
            } else {
                Err(Rejection::UnsupportedMediaType(format!(
                    "the body needs `Content-Type: {want}`, not `{}`",
                    String::from_utf8_lossy(v.as_bytes())
                )))
            }
        }
    }
}

/// Checks that the request's `Accept` header (if any) admits `produced`, the media type
/// of the operation's response body (`None`: no body, nothing to check).
pub fn check_accept(headers: &HeaderMap, produced: Option<&str>) -> Result<(), Rejection> {
    let Some(produced) = produced else { return Ok(()) };
    let values: Vec<&str> = headers.get_all(http::header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        return Ok(());
    }
    let produced = media_type_essence(produced);
    let kind = produced.split('/').next().unwrap_or("");
    let ok = values.iter().flat_map(|v| v.split(',')).map(media_type_essence).any(|range| {
        range.is_empty() || range == "*/*" || range == produced || range.strip_suffix("/*") == Some(kind)
    });
    if ok {
        Ok(())
    } else {
        Err(Rejection::NotAcceptable(format!(
            "this operation answers with `{produced}`, which the Accept header `{}` excludes",
            values.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, http::HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn json_bodies_need_json_with_any_parameters() {
        let json = Some("application/json");
        assert!(check_content_type(&headers(&[("content-type", "application/json; charset=UTF-8")]), b"{}", json, false).is_ok());
        assert!(check_content_type(&headers(&[("content-type", "Application/JSON")]), b"{}", json, false).is_ok());
        assert_eq!(check_content_type(&headers(&[("content-type", "application/hal+json")]), b"{}", json, false).unwrap_err().status(), 415);
        assert_eq!(check_content_type(&headers(&[]), b"{}", json, false).unwrap_err().status(), 415);
        assert!(check_content_type(&headers(&[]), b"", json, false).is_ok());
    }

    #[test]
    fn blob_payloads_accept_a_missing_content_type() {
        let blob = Some("application/octet-stream");
        assert!(check_content_type(&headers(&[]), b"xyz", blob, true).is_ok());
        assert!(check_content_type(&headers(&[("content-type", "application/octet-stream")]), b"xyz", blob, true).is_ok());
        assert!(check_content_type(&headers(&[("content-type", "application/json")]), b"xyz", blob, true).is_err());
    }

    #[test]
    fn operations_without_body_refuse_a_typed_body() {
        assert!(check_content_type(&headers(&[("content-type", "application/json")]), b"{}", None, false).is_err());
        assert!(check_content_type(&headers(&[("content-type", "application/json")]), b"", None, false).is_ok());
    }

    #[test]
    fn accept_ranges_and_wildcards() {
        let json = Some("application/json");
        assert!(check_accept(&headers(&[]), json).is_ok());
        assert!(check_accept(&headers(&[("accept", "*/*")]), json).is_ok());
        assert!(check_accept(&headers(&[("accept", "text/html, application/*;q=0.8")]), json).is_ok());
        assert_eq!(check_accept(&headers(&[("accept", "application/hal+json")]), json).unwrap_err().status(), 406);
        assert!(check_accept(&headers(&[("accept", "text/plain")]), None).is_ok());
    }
}
