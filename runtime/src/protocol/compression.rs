//! Request compression (`@requestCompression`): gzip a request body before it is signed and name
//! the coding in `Content-Encoding`, after any coding the request already has.
//!
//! The rules, from the Smithy specification of the trait:
//! - only the first algorithm of the model's `encodings` that the client supports is used
//!   (`gzip` is the only one Smithy defines);
//! - a body is compressed when it is at least `request_min_compression_size_bytes` long
//!   (default [`DEFAULT_MIN_COMPRESSION_SIZE_BYTES`], at most [`MAX_MIN_COMPRESSION_SIZE_BYTES`]);
//! - a `@streaming` input member without `@requiresLength` is compressed whatever its size,
//!   as it is sent (its length is not known beforehand, so `Content-Length` is dropped);
//! - `Content-Encoding` lists the codings in the order they were applied (RFC 9110 §8.4), so
//!   `gzip` is appended to a value the caller bound to the header (`custom` → `custom, gzip`);
//! - compression happens before signing, and can be switched off with
//!   `disable_request_compression`.

#[cfg(feature = "request-compression")]
use aws_smithy_runtime_api::box_error::BoxError;
#[cfg(feature = "request-compression")]
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::Headers;
#[cfg(feature = "request-compression")]
use aws_smithy_types::body::SdkBody;
#[cfg(feature = "request-compression")]
use bytes::Bytes;
#[cfg(feature = "request-compression")]
use flate2::write::GzEncoder;
#[cfg(feature = "request-compression")]
use flate2::Compression;
#[cfg(feature = "request-compression")]
use http_body::{Body, Frame};
#[cfg(feature = "request-compression")]
use std::io::Write;
#[cfg(feature = "request-compression")]
use std::pin::Pin;
#[cfg(feature = "request-compression")]
use std::task::{ready, Context, Poll};

/// The `gzip` content coding: the only algorithm Smithy defines for `@requestCompression`.
pub const GZIP: &str = "gzip";

/// Default minimum size of a body to compress: 10 KiB (smaller bodies tend to grow when
/// compressed). The AWS SDKs' `request_min_compression_size_bytes` default.
pub const DEFAULT_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_240;

/// The largest minimum size a client may be configured with: 10 MiB.
pub const MAX_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_485_760;

/// The coding to use for an operation: the first of the model's `encodings` this runtime
/// supports (compared case-insensitively), or `None` when it supports none of them.
pub fn supported_encoding(encodings: &[&str]) -> Option<&'static str> {
    encodings.iter().find(|e| e.eq_ignore_ascii_case(GZIP)).map(|_| GZIP)
}

/// Gzips `data` at flate2's default level (6, the balanced setting the specification asks for).
#[cfg(feature = "request-compression")]
pub fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(data.len() / 2 + 32), Compression::default());
    encoder.write_all(data)?;
    encoder.finish()
}

/// Appends `coding` to `Content-Encoding`, after the codings already there (every value of the
/// header, in order), so the header lists codings in the order they were applied.
pub fn append_content_encoding(headers: &mut Headers, coding: &str) {
    let mut codings: Vec<String> = headers
        .get_all("content-encoding")
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    codings.push(coding.to_string());
    headers.insert("content-encoding", codings.join(", "));
}

/// Compresses the body of `request` with `coding` (only [`GZIP`] is known) when the rules say so,
/// and appends the coding to `Content-Encoding`. Returns whether the body was compressed.
///
/// - An in-memory body is compressed when it is at least `min_size` bytes long, or whatever its
///   size when `always` (a `@streaming` member without `@requiresLength`); `Content-Length` is
///   set to the compressed length.
/// - A streaming body is compressed only when `always`, frame by frame as it is sent; its
///   `Content-Length` is removed (the compressed length is not known before sending). A body
///   that can be rebuilt for a retry still can: it is compressed again.
/// - An empty body is left alone: there is nothing to compress, and a request without a body
///   must stay without one.
#[cfg(feature = "request-compression")]
pub fn compress_request(request: &mut HttpRequest, coding: &str, min_size: u32, always: bool) -> Result<bool, BoxError> {
    if !coding.eq_ignore_ascii_case(GZIP) {
        return Ok(false);
    }
    if let Some(bytes) = request.body().bytes() {
        if bytes.is_empty() || (!always && (bytes.len() as u64) < u64::from(min_size)) {
            return Ok(false);
        }
        let compressed = gzip(bytes)?;
        let length = compressed.len();
        *request.body_mut() = SdkBody::from(compressed);
        request.headers_mut().insert("content-length", length.to_string());
    } else if always {
        let body = std::mem::replace(request.body_mut(), SdkBody::taken());
        *request.body_mut() = body.map(|inner| SdkBody::from_body_1_x(GzipBody::new(inner)));
        request.headers_mut().remove("content-length");
    } else {
        return Ok(false);
    }
    append_content_encoding(request.headers_mut(), GZIP);
    Ok(true)
}

/// A streaming body gzipped as it is read: each data frame of the inner body goes through the
/// encoder, whatever the encoder has produced so far is passed on, and the gzip trailer follows
/// the last frame. Trailers of the inner body (if any) come after the compressed data.
#[cfg(feature = "request-compression")]
pub struct GzipBody {
    inner: SdkBody,
    /// `None` once the inner body has ended and the gzip stream is finished.
    encoder: Option<GzEncoder<Vec<u8>>>,
    trailers: Option<http::HeaderMap>,
}

#[cfg(feature = "request-compression")]
impl GzipBody {
    /// Gzips `inner` as it is read, at the default level.
    pub fn new(inner: SdkBody) -> Self {
        GzipBody { inner, encoder: Some(GzEncoder::new(Vec::new(), Compression::default())), trailers: None }
    }
}

#[cfg(feature = "request-compression")]
impl std::fmt::Debug for GzipBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GzipBody").field("finished", &self.encoder.is_none()).finish_non_exhaustive()
    }
}

#[cfg(feature = "request-compression")]
impl Body for GzipBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            let Some(encoder) = this.encoder.as_mut() else {
                return Poll::Ready(this.trailers.take().map(|t| Ok(Frame::trailers(t))));
            };
            let produced = match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        encoder.write_all(&data)?;
                        std::mem::take(encoder.get_mut())
                    }
                    Err(frame) => {
                        // Trailers end the data; they are passed on after the gzip stream.
                        this.trailers = frame.into_trailers().ok();
                        continue;
                    }
                },
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => match this.encoder.take() {
                    Some(encoder) => encoder.finish()?,
                    None => Vec::new(),
                },
            };
            if !produced.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from(produced)))));
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.encoder.is_none() && self.trailers.is_none()
    }
}

#[cfg(all(test, feature = "request-compression"))]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        GzDecoder::new(data).read_to_end(&mut out).expect("valid gzip");
        out
    }

    fn request(body: SdkBody, headers: &[(&str, &str)]) -> HttpRequest {
        let mut builder = http::Request::builder().method("POST").uri("/op");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        HttpRequest::try_from(builder.body(body).expect("valid request")).expect("valid request")
    }

    /// 20 000 bytes of text that compresses well.
    fn big_text() -> Vec<u8> {
        "the quick brown fox jumps over the lazy dog; ".repeat(450).into_bytes()
    }

    #[test]
    fn gzip_round_trips_and_shrinks_repetitive_text() {
        let text = big_text();
        let compressed = gzip(&text).unwrap();
        assert_eq!(&compressed[..2], &[0x1f, 0x8b], "gzip magic number");
        assert!(compressed.len() < text.len() / 10, "{} bytes from {}", compressed.len(), text.len());
        assert_eq!(gunzip(&compressed), text);
    }

    #[test]
    fn only_gzip_is_supported_and_the_first_supported_wins() {
        assert_eq!(supported_encoding(&["gzip"]), Some(GZIP));
        assert_eq!(supported_encoding(&["br", "GZIP"]), Some(GZIP));
        assert_eq!(supported_encoding(&["br", "zstd"]), None);
        assert_eq!(supported_encoding(&[]), None);
    }

    #[test]
    fn bodies_at_or_above_the_minimum_are_compressed() {
        let text = big_text();
        let mut req = request(SdkBody::from(text.clone()), &[("content-length", "20250")]);
        assert!(compress_request(&mut req, GZIP, text.len() as u32, false).unwrap());
        let body = req.body().bytes().expect("in memory").to_vec();
        assert_eq!(gunzip(&body), text);
        assert_eq!(req.headers().get("content-encoding"), Some("gzip"));
        assert_eq!(req.headers().get("content-length"), Some(body.len().to_string().as_str()));
    }

    #[test]
    fn bodies_below_the_minimum_are_left_alone() {
        let text = big_text();
        let mut req = request(SdkBody::from(text.clone()), &[]);
        assert!(!compress_request(&mut req, GZIP, text.len() as u32 + 1, false).unwrap());
        assert_eq!(req.body().bytes(), Some(text.as_slice()));
        assert!(!req.headers().contains_key("content-encoding"));
        // A minimum of 0 compresses any non-empty body, but never an empty one.
        let mut req = request(SdkBody::from("x"), &[]);
        assert!(compress_request(&mut req, GZIP, 0, false).unwrap());
        let mut req = request(SdkBody::empty(), &[]);
        assert!(!compress_request(&mut req, GZIP, 0, true).unwrap());
        assert!(!req.headers().contains_key("content-encoding"));
    }

    #[test]
    fn streaming_members_are_compressed_whatever_their_size() {
        let mut req = request(SdkBody::from("tiny"), &[]);
        assert!(compress_request(&mut req, GZIP, DEFAULT_MIN_COMPRESSION_SIZE_BYTES, true).unwrap());
        assert_eq!(gunzip(req.body().bytes().unwrap()), b"tiny");
    }

    #[test]
    fn gzip_is_appended_after_the_callers_codings() {
        let mut req = request(SdkBody::from(big_text()), &[("content-encoding", "custom")]);
        compress_request(&mut req, GZIP, 0, false).unwrap();
        assert_eq!(req.headers().get_all("content-encoding").collect::<Vec<_>>(), ["custom, gzip"]);

        let mut headers = Headers::new();
        headers.append("content-encoding", "a");
        headers.append("content-encoding", "b, c");
        append_content_encoding(&mut headers, GZIP);
        assert_eq!(headers.get_all("content-encoding").collect::<Vec<_>>(), ["a, b, c, gzip"]);
    }

    #[test]
    fn unknown_codings_change_nothing() {
        let mut req = request(SdkBody::from(big_text()), &[]);
        assert!(!compress_request(&mut req, "br", 0, true).unwrap());
        assert!(!req.headers().contains_key("content-encoding"));
    }

    /// Reads a body to its end: data frames concatenated, and the trailers.
    async fn collect(mut body: SdkBody) -> (Vec<u8>, Option<http::HeaderMap>) {
        let mut data = Vec::new();
        let mut trailers = None;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            match frame.expect("no body error").into_data() {
                Ok(bytes) => data.extend_from_slice(&bytes),
                Err(frame) => trailers = frame.into_trailers().ok(),
            }
        }
        (data, trailers)
    }

    /// A streaming body: three data frames, then a trailer.
    struct Chunks(Vec<Frame<Bytes>>);

    impl Body for Chunks {
        type Data = Bytes;
        type Error = BoxError;
        fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
            let this = self.get_mut();
            Poll::Ready((!this.0.is_empty()).then(|| Ok(this.0.remove(0))))
        }
    }

    fn streaming_body() -> SdkBody {
        SdkBody::retryable(|| {
            let mut trailers = http::HeaderMap::new();
            trailers.insert("x-trailer", http::HeaderValue::from_static("yes"));
            SdkBody::from_body_1_x(Chunks(vec![
                Frame::data(Bytes::from_static(b"first chunk, ")),
                Frame::data(Bytes::from_static(b"second chunk, ")),
                Frame::data(Bytes::from_static(b"last chunk")),
                Frame::trailers(trailers),
            ]))
        })
    }

    #[tokio::test]
    async fn streaming_bodies_are_gzipped_as_they_are_read_and_stay_retryable() {
        let mut req = request(streaming_body(), &[("content-length", "37")]);
        assert!(req.body().bytes().is_none(), "the test body streams");
        assert!(compress_request(&mut req, GZIP, DEFAULT_MIN_COMPRESSION_SIZE_BYTES, true).unwrap());
        assert!(!req.headers().contains_key("content-length"), "the compressed length is unknown");
        assert_eq!(req.headers().get("content-encoding"), Some("gzip"));
        let retry = req.body().try_clone().expect("still retryable");
        for body in [std::mem::replace(req.body_mut(), SdkBody::taken()), retry] {
            let (data, trailers) = collect(body).await;
            assert_eq!(gunzip(&data), b"first chunk, second chunk, last chunk");
            assert_eq!(trailers.and_then(|t| t.get("x-trailer").cloned()), Some(http::HeaderValue::from_static("yes")));
        }
    }

    #[test]
    fn streaming_bodies_are_not_compressed_unless_the_model_says_so() {
        let mut req = request(streaming_body(), &[]);
        assert!(!compress_request(&mut req, GZIP, 0, false).unwrap());
        assert!(!req.headers().contains_key("content-encoding"));
    }
}
