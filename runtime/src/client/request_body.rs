//! Request body transforms an operation's model asks for, added by [`invoke`](super::invoke()) to
//! the operations that need them: `@requestCompression` (gzip), then `@httpChecksumRequired`
//! (`Content-MD5` of the body as sent).
//!
//! Both run once per call, before the retry loop: the request every attempt starts from (and
//! signs) is already compressed and checksummed, and a retry does not compress again.

#[cfg(feature = "request-compression")]
use crate::protocol::compression;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
#[cfg(feature = "content-md5")]
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Compresses the request body of an operation with `@requestCompression`.
#[derive(Debug)]
#[cfg(feature = "request-compression")]
pub(crate) struct RequestCompressionInterceptor {
    /// The coding to apply (the first of the model's encodings this runtime supports).
    coding: &'static str,
    /// `request_min_compression_size_bytes`, already checked to be in range.
    min_size: u32,
    /// The input has a `@streaming` member without `@requiresLength`: compress whatever the size.
    streaming: bool,
}

#[cfg(feature = "request-compression")]
impl RequestCompressionInterceptor {
    pub(crate) fn new(coding: &'static str, min_size: u32, streaming: bool) -> Self {
        RequestCompressionInterceptor { coding, min_size, streaming }
    }
}

#[cfg(feature = "request-compression")]
impl Intercept for RequestCompressionInterceptor {
    fn name(&self) -> &'static str {
        "RequestCompressionInterceptor"
    }

    fn modify_before_retry_loop(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        compression::compress_request(context.request_mut(), self.coding, self.min_size, self.streaming)?;
        Ok(())
    }
}

/// Sets `Content-MD5` on the requests of an operation with `@httpChecksumRequired`.
#[derive(Debug)]
#[cfg(feature = "content-md5")]
pub(crate) struct ContentMd5Interceptor;

#[cfg(feature = "content-md5")]
impl Intercept for ContentMd5Interceptor {
    fn name(&self) -> &'static str {
        "ContentMd5Interceptor"
    }

    fn modify_before_retry_loop(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        set_content_md5(context.request_mut())
    }
}

/// Sets `Content-MD5` to the MD5 of the in-memory body, unless the request already carries
/// one (an input member bound to the header wins). A body that streams cannot be hashed
/// before it is sent: that is an error naming the header, not a request without it.
#[cfg(feature = "content-md5")]
fn set_content_md5(request: &mut HttpRequest) -> Result<(), BoxError> {
    if request.headers().contains_key("content-md5") {
        return Ok(());
    }
    let Some(body) = request.body().bytes() else {
        return Err("this operation requires a Content-MD5 header (@httpChecksumRequired), which cannot be \
                    computed for a streaming request body: send the body from memory, or set the header yourself"
            .into());
    };
    let md5 = crate::protocol::http::content_md5(body);
    request.headers_mut().insert("content-md5", md5);
    Ok(())
}

#[cfg(all(test, feature = "content-md5"))]
mod tests {
    use super::*;
    use aws_smithy_types::body::SdkBody;

    fn request(body: SdkBody, headers: &[(&str, &str)]) -> HttpRequest {
        let mut builder = http::Request::builder().method("POST").uri("/op");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        HttpRequest::try_from(builder.body(body).expect("valid request")).expect("valid request")
    }

    #[test]
    fn content_md5_is_set_from_the_body_unless_already_there() {
        let mut req = request(SdkBody::from("abc"), &[]);
        set_content_md5(&mut req).unwrap();
        assert_eq!(req.headers().get("content-md5"), Some("kAFQmDzST7DWlj99KOF/cg=="));

        let mut req = request(SdkBody::from("abc"), &[("Content-MD5", "given")]);
        set_content_md5(&mut req).unwrap();
        assert_eq!(req.headers().get("content-md5"), Some("given"));
    }

    #[test]
    fn content_md5_of_a_streaming_body_is_an_error() {
        let streaming = SdkBody::retryable(|| SdkBody::from_body_1_x(http_body_stream()));
        let mut req = request(streaming, &[]);
        let err = set_content_md5(&mut req).unwrap_err();
        assert!(err.to_string().contains("Content-MD5"), "{err}");
    }

    /// A body with no frames whose size is unknown, so it is not in memory.
    fn http_body_stream() -> impl http_body::Body<Data = bytes::Bytes, Error = BoxError> + Send + Sync {
        struct Empty;
        impl http_body::Body for Empty {
            type Data = bytes::Bytes;
            type Error = BoxError;
            fn poll_frame(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, BoxError>>> {
                std::task::Poll::Ready(None)
            }
        }
        Empty
    }
}
