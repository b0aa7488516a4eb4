//! The S3 API for the objects of the mock's store, on the mock's own listener: what a user
//! needs to put an async input with any S3 client, call `InvokeEndpointAsync`, and read the
//! result back (GetObject, HeadObject, PutObject, ListObjectsV2, ListBuckets, CreateBucket,
//! HeadBucket, DeleteObject, DeleteObjects and multipart uploads).
//!
//! The protocol (REST routing, path- and virtual-host-style addressing, the XML, S3's error
//! codes, SigV4 with streaming `aws-chunked` bodies and their signed or unsigned trailers) is
//! the `s3s` crate's; this module implements its `S3` trait over [`Store`]. Checksums the
//! clients send (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256, in headers or trailers, and
//! `Content-MD5`) are checked before an object becomes visible: a mismatch is `BadDigest` and
//! nothing is written.
//!
//! What S3 keeps with an object is kept too (`ObjectInfo`): `Content-Type` and `x-amz-meta-*`
//! user metadata as put (PutObject, CreateMultipartUpload) come back from GetObject and
//! HeadObject, and ETags are S3's (the MD5 of a single PUT, the MD5 of the parts' MD5s and
//! `-N` after a multipart upload). Only existing buckets take objects: the buckets of the
//! configured async paths exist from the start, others after CreateBucket; PutObject into any
//! other bucket is `NoSuchBucket`, as in S3. S3 calls appear in the request log too
//! (`service` `"s3"`, the S3 operation's name, headers; not their bodies).
//!
//! Which requests are S3's ([`is_s3_request`]): not SageMaker's operation paths
//! (`/endpoints/NAME/invocations` and the like), whatever they are signed for; else those signed
//! for the `s3` service; unsigned
//! ones sent to an S3-style host (`bucket.s3.region.amazonaws.com`, `s3.region.amazonaws.com`,
//! `bucket.s3.localhost`); and, when the mock checks no signatures, unsigned ones to paths no
//! SageMaker API has (not under `/endpoints/` or `/_mock/`), as `--no-sign-request` sends them.

use crate::config::AuthConfig;
use crate::service::Mock;
use crate::store::{ObjectInfo, S3Uri, Store, StoreError};
use bytes::Bytes;
use futures_util::StreamExt;
use s3s::checksum::ChecksumHasher;
use s3s::crypto::{Checksum as _, Md5};
use s3s::dto::*;
use s3s::host::{S3Host, VirtualHost};
use s3s::{s3_error, S3Request, S3Response, S3Result, S3};
use smithygen_runtime::server::{streaming_response, ServerResponse, StreamingBody};
use std::path::PathBuf;
use std::sync::Arc;

/// Multipart parts below this size (all but the last) are refused, as S3 refuses them.
const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

/// Whether a request (by its head) is an S3 call rather than a SageMaker one; `own_paths` is
/// the prefix of the paths the mock serves itself (`/_mock/`).
pub(crate) fn is_s3_request(head: &http::request::Parts, checks_signatures: bool, own_paths: &str) -> bool {
    // SageMaker's own operations stay SageMaker's whatever they were signed for, so a request
    // signed for the wrong service gets SageMaker's answer to it.
    if is_sagemaker_operation(head.uri.path()) {
        return false;
    }
    if let Some(service) = signing_service(head) {
        return service == "s3";
    }
    let host = head
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| head.uri.host())
        .unwrap_or_default();
    if s3_style_bucket(host).is_some() || is_s3_service_host(strip_port(host)) {
        return true;
    }
    let path = head.uri.path();
    !checks_signatures && !path.starts_with("/endpoints/") && !path.starts_with(own_paths)
}

/// `/endpoints/{EndpointName}/<operation>`: the paths of SageMaker Runtime's operations (and
/// SageMaker Runtime HTTP2's).
fn is_sagemaker_operation(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/endpoints/") else { return false };
    match rest.split_once('/') {
        Some((name, operation)) => {
            !name.is_empty()
                && matches!(operation, "invocations" | "async-invocations" | "invocations-response-stream" | "invocations-bidirectional-stream")
        }
        None => false,
    }
}

/// The service a SigV4-signed request is scoped to (header or presigned query), if signed.
fn signing_service(head: &http::request::Parts) -> Option<String> {
    let credential = match head.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some(auth) => auth.split([' ', ',']).find_map(|p| p.trim().strip_prefix("Credential="))?.to_string(),
        None => {
            let query = head.uri.query()?;
            let raw = query.split('&').find_map(|pair| pair.strip_prefix("X-Amz-Credential="))?;
            percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
        }
    };
    credential.split('/').nth(3).map(str::to_string)
}

fn strip_port(host: &str) -> &str {
    if let Some(end) = host.strip_prefix('[').and_then(|rest| rest.find(']')) {
        return &host[..end + 2];
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// `s3.amazonaws.com`, `s3.us-east-1.amazonaws.com`, `s3-us-west-2.amazonaws.com`, ...
fn is_s3_service_host(host: &str) -> bool {
    host.starts_with("s3.") || host.starts_with("s3-")
}

/// The bucket of a virtual-host-style host: `bucket.s3.<anything>`, `bucket.s3-<region>...`,
/// or `bucket.localhost` (a loopback name clients resolve locally).
fn s3_style_bucket(host: &str) -> Option<&str> {
    let host = strip_port(host);
    if is_s3_service_host(host) {
        return None;
    }
    if let Some(at) = host.find(".s3.").or_else(|| host.find(".s3-")) {
        return Some(&host[..at]);
    }
    host.strip_suffix(".localhost").filter(|b| !b.is_empty())
}

/// Path-style unless the host names a bucket ([`s3_style_bucket`]).
#[derive(Debug, Clone, Copy)]
struct Hosts;

impl S3Host for Hosts {
    fn parse_host_header<'a>(&'a self, host: &'a str) -> S3Result<VirtualHost<'a>> {
        Ok(match s3_style_bucket(host) {
            Some(bucket) => VirtualHost::new(host).with_bucket(bucket),
            None => VirtualHost::new(host),
        })
    }
}

/// The S3 service over the mock's store, ready to serve requests.
#[derive(Clone)]
pub(crate) struct S3Front {
    service: Arc<s3s::service::S3Service>,
    /// SigV4 is configured: s3s verifies every signature with that key.
    checks_signatures: bool,
    /// Where requests are logged.
    mock: Arc<Mock>,
}

/// The request log's id of an S3 call, carried in its extensions to the operation that answers.
#[derive(Debug, Clone, Copy)]
struct RecordId(u64);

impl std::fmt::Debug for S3Front {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("S3Front")
    }
}

impl S3Front {
    /// Serves the mock's store's objects, logging each call in its request log; multipart
    /// parts wait in `uploads` until completed. With `[auth]`, every request must be signed
    /// with that key (SigV4, checked by s3s).
    pub(crate) fn new(mock: Arc<Mock>, uploads: PathBuf) -> Self {
        let auth: Option<&AuthConfig> = mock.config.auth.as_ref();
        let api = S3Api { store: mock.store.clone(), uploads, signed_only: auth.is_some(), mock: mock.clone() };
        let mut builder = s3s::service::S3ServiceBuilder::new(api);
        builder.set_host(Hosts);
        if let Some(auth) = auth {
            builder.set_auth(s3s::auth::SimpleAuth::from_single(auth.access_key_id.clone(), auth.secret_access_key.clone()));
        }
        S3Front { service: Arc::new(builder.build()), checks_signatures: auth.is_some(), mock }
    }

    /// Answers one S3 request, its body read as it arrives and the response body (an object
    /// being read) sent as it is produced.
    pub(crate) async fn serve(&self, request: http::Request<aws_smithy_types::body::SdkBody>) -> ServerResponse {
        let mut request = request;
        if let Some(id) = self.mock.recorder.push(crate::record::Entry::from_s3_head(&request)) {
            request.extensions_mut().insert(RecordId(id));
        }
        if !self.checks_signatures {
            // Without [auth] any credentials do, as for SageMaker calls: the signature cannot be
            // checked (the client's secret is unknown), so the request is taken as unsigned.
            // A body whose chunks are signed (aws-chunked) can only be read with that secret.
            if let Some(refusal) = unsign(&mut request) {
                return refusal;
            }
        }
        let request = request.map(s3s::Body::http_body_unsync);
        match self.service.call(request).await {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                // `bytes()`, not `take_bytes()`: the latter empties a streamed body it cannot take.
                match body.bytes() {
                    Some(bytes) => http::Response::from_parts(parts, bytes),
                    None => streaming_response(http::Response::from_parts(parts, Bytes::new()), StreamingBody::new(body)),
                }
            }
            Err(e) => {
                tracing::error!(error = ?e, "S3 request failed");
                let mut response = http::Response::new(Bytes::from_static(b"internal error"));
                *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                response
            }
        }
    }
}

/// Drops a request's SigV4 signature (header or presigned query), for a mock that checks none;
/// the answer instead when the request cannot be read without it.
fn unsign<B>(request: &mut http::Request<B>) -> Option<ServerResponse> {
    let streaming_signed = request
        .headers()
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("STREAMING-"));
    if streaming_signed {
        let mut response = http::Response::new(Bytes::from_static(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidRequest</Code><Message>This mock checks no signatures, so it cannot read an aws-chunked body: configure [auth] with the key your client signs with, or send the body unchunked.</Message></Error>",
        ));
        *response.status_mut() = http::StatusCode::BAD_REQUEST;
        response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/xml"));
        return Some(response);
    }
    request.headers_mut().remove(http::header::AUTHORIZATION);
    if let Some(query) = request.uri().query() {
        if query.contains("X-Amz-Signature=") {
            let kept: Vec<&str> = query.split('&').filter(|pair| !pair.starts_with("X-Amz-")).collect();
            let path = request.uri().path();
            let target = if kept.is_empty() { path.to_string() } else { format!("{path}?{}", kept.join("&")) };
            if let Ok(uri) = target.parse() {
                *request.uri_mut() = uri;
            }
        }
    }
    None
}

/// The `S3` trait over the store.
struct S3Api {
    store: Arc<Store>,
    uploads: PathBuf,
    /// SigV4 is configured: anonymous requests are refused.
    signed_only: bool,
    /// Its request log names each call's operation.
    mock: Arc<Mock>,
}

/// What a multipart upload is for, kept in its folder from CreateMultipartUpload on.
#[derive(serde::Serialize, serde::Deserialize)]
struct UploadTarget {
    bucket: String,
    key: String,
    info: ObjectInfo,
}

/// What PutObject and CreateMultipartUpload ask S3 to keep with the object.
fn object_info(content_type: Option<String>, metadata: Option<Metadata>) -> ObjectInfo {
    ObjectInfo { content_type, metadata: metadata.unwrap_or_default().into_iter().collect(), e_tag: None }
}

fn store_error(e: StoreError) -> s3s::S3Error {
    match e {
        StoreError::NotFound(what) => s3_error!(NoSuchKey, "The specified key does not exist: {what}"),
        StoreError::Other(why) => s3_error!(InternalError, "{why}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn etag(info: &ObjectInfo) -> Option<ETag> {
    info.e_tag.clone().map(ETag::Strong)
}

/// S3's answer for an object put without a `Content-Type`.
const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";

/// Key characters ListObjectsV2 leaves as they are with `encoding-type=url`.
const KEY_URL_SET: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// The checksums a request declares, in headers or (for `aws-chunked` bodies) announced in
/// `x-amz-trailer`, with hashers for each.
struct Declared {
    hasher: ChecksumHasher,
    md5: Md5,
    content_md5: Option<String>,
    headers: Checksum,
}

impl Declared {
    fn new(req_headers: &http::HeaderMap, algorithm: Option<&ChecksumAlgorithm>, headers: Checksum, content_md5: Option<String>) -> Self {
        let trailer = req_headers.get("x-amz-trailer").and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
        let wants = |name: &str, header: &Option<String>| {
            header.is_some()
                || trailer.contains(&format!("x-amz-checksum-{name}"))
                || algorithm.is_some_and(|a| a.as_str().eq_ignore_ascii_case(name))
        };
        let mut hasher = ChecksumHasher::default();
        if wants("crc32", &headers.checksum_crc32) {
            hasher.crc32 = Some(Default::default());
        }
        if wants("crc32c", &headers.checksum_crc32c) {
            hasher.crc32c = Some(Default::default());
        }
        if wants("crc64nvme", &headers.checksum_crc64nvme) {
            hasher.crc64nvme = Some(Default::default());
        }
        if wants("sha1", &headers.checksum_sha1) {
            hasher.sha1 = Some(Default::default());
        }
        if wants("sha256", &headers.checksum_sha256) {
            hasher.sha256 = Some(Default::default());
        }
        Declared { hasher, md5: Md5::new(), content_md5, headers }
    }

    fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.md5.update(bytes);
    }

    /// Compares what was received with what was declared; the MD5 (hex) on success.
    fn verify(self, trailers: Option<s3s::TrailingHeaders>) -> S3Result<(String, Checksum)> {
        let computed = self.hasher.finalize();
        let md5 = self.md5.finalize();
        if let Some(declared) = self.content_md5 {
            let declared_hex = base64_decode(&declared).map(|b| hex(&b));
            if declared_hex.as_deref() != Some(hex(&md5).as_str()) {
                return Err(s3_error!(BadDigest, "The Content-MD5 you specified did not match what we received."));
            }
        }
        let mut declared = self.headers;
        if let Some(trailers) = trailers.and_then(|t| t.take()) {
            let value = |name: &str| trailers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            declared.checksum_crc32 = declared.checksum_crc32.or_else(|| value("x-amz-checksum-crc32"));
            declared.checksum_crc32c = declared.checksum_crc32c.or_else(|| value("x-amz-checksum-crc32c"));
            declared.checksum_crc64nvme = declared.checksum_crc64nvme.or_else(|| value("x-amz-checksum-crc64nvme"));
            declared.checksum_sha1 = declared.checksum_sha1.or_else(|| value("x-amz-checksum-sha1"));
            declared.checksum_sha256 = declared.checksum_sha256.or_else(|| value("x-amz-checksum-sha256"));
        }
        for (name, declared, computed) in [
            ("CRC32", &declared.checksum_crc32, &computed.checksum_crc32),
            ("CRC32C", &declared.checksum_crc32c, &computed.checksum_crc32c),
            ("CRC64NVME", &declared.checksum_crc64nvme, &computed.checksum_crc64nvme),
            ("SHA1", &declared.checksum_sha1, &computed.checksum_sha1),
            ("SHA256", &declared.checksum_sha256, &computed.checksum_sha256),
        ] {
            if let Some(declared) = declared {
                if Some(declared) != computed.as_ref() {
                    return Err(s3_error!(
                        BadDigest,
                        "The {name} you specified did not match the calculated checksum ({declared} declared, {} received).",
                        computed.as_deref().unwrap_or("none")
                    ));
                }
            }
        }
        Ok((hex(&md5), computed))
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    aws_smithy_types::base64::decode(text).ok()
}

impl S3Api {
    fn uri(bucket: &str, key: &str) -> S3Uri {
        S3Uri { bucket: bucket.to_string(), key: key.to_string() }
    }

    /// Names the call's operation in the request log, then refuses an anonymous caller when
    /// signatures are checked.
    fn check_caller<T>(&self, req: &S3Request<T>, operation: &'static str) -> S3Result<()> {
        debug_assert!(crate::record::S3_OPERATIONS.contains(&operation), "{operation}");
        if let Some(RecordId(id)) = req.extensions.get::<RecordId>() {
            self.mock.recorder.set_operation(*id, operation);
        }
        if self.signed_only && req.credentials.is_none() {
            return Err(s3_error!(AccessDenied, "Anonymous access is refused: this mock checks SigV4 signatures."));
        }
        Ok(())
    }

    fn check_bucket(&self, bucket: &str) -> S3Result<()> {
        if self.store.bucket_exists(bucket) {
            Ok(())
        } else {
            Err(s3_error!(NoSuchBucket, "The specified bucket does not exist: {bucket}"))
        }
    }

    /// Writes `body` to `uri` through the store, checking `declared` before it becomes visible.
    async fn receive(
        &self,
        uri: &S3Uri,
        body: Option<StreamingBlob>,
        mut declared: Declared,
        trailers: Option<s3s::TrailingHeaders>,
        info: ObjectInfo,
    ) -> S3Result<(String, Checksum)> {
        let mut writer = self.store.writer(uri, info).await.map_err(store_error)?;
        if let Some(mut body) = body {
            while let Some(chunk) = body.next().await {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        writer.abort().await;
                        return Err(s3_error!(IncompleteBody, "The request body could not be read: {e}"));
                    }
                };
                declared.update(&chunk);
                if let Err(e) = writer.write(chunk).await {
                    writer.abort().await;
                    return Err(store_error(e));
                }
            }
        }
        match declared.verify(trailers) {
            Ok((md5, sums)) => {
                writer.finish(md5.clone()).await.map_err(store_error)?;
                Ok((md5, sums))
            }
            Err(e) => {
                writer.abort().await;
                Err(e)
            }
        }
    }

    /// The folder of a multipart upload (the id is checked to be a UUID, so it names nothing else).
    fn upload_dir(&self, upload_id: &str) -> S3Result<PathBuf> {
        let id = uuid::Uuid::parse_str(upload_id).map_err(|_| s3_error!(NoSuchUpload, "No such upload: {upload_id}"))?;
        Ok(self.uploads.join(id.to_string()))
    }

    /// The upload's folder, checked to be for `bucket`/`key`, and what to keep with the object.
    async fn open_upload(&self, upload_id: &str, bucket: &str, key: &str) -> S3Result<(PathBuf, ObjectInfo)> {
        let dir = self.upload_dir(upload_id)?;
        let target = tokio::fs::read(dir.join("target.json"))
            .await
            .map_err(|_| s3_error!(NoSuchUpload, "The specified upload does not exist: {upload_id}"))?;
        let target: UploadTarget =
            serde_json::from_slice(&target).map_err(|e| s3_error!(InternalError, "upload {upload_id}: {e}"))?;
        if (target.bucket.as_str(), target.key.as_str()) != (bucket, key) {
            return Err(s3_error!(NoSuchUpload, "Upload {upload_id} is not for s3://{bucket}/{key}"));
        }
        Ok((dir, target.info))
    }
}

#[async_trait::async_trait]
impl S3 for S3Api {
    async fn list_buckets(&self, req: S3Request<ListBucketsInput>) -> S3Result<S3Response<ListBucketsOutput>> {
        self.check_caller(&req, "ListBuckets")?;
        let buckets = self
            .store
            .buckets()
            .map_err(store_error)?
            .into_iter()
            .map(|(name, created)| Bucket { name: Some(name), creation_date: created.map(Timestamp::from), ..Default::default() })
            .collect();
        Ok(S3Response::new(ListBucketsOutput { buckets: Some(buckets), ..Default::default() }))
    }

    async fn create_bucket(&self, req: S3Request<CreateBucketInput>) -> S3Result<S3Response<CreateBucketOutput>> {
        self.check_caller(&req, "CreateBucket")?;
        self.store.create_bucket(&req.input.bucket).map_err(store_error)?;
        Ok(S3Response::new(CreateBucketOutput { location: Some(format!("/{}", req.input.bucket)) }))
    }

    async fn head_bucket(&self, req: S3Request<HeadBucketInput>) -> S3Result<S3Response<HeadBucketOutput>> {
        self.check_caller(&req, "HeadBucket")?;
        self.check_bucket(&req.input.bucket)?;
        Ok(S3Response::new(HeadBucketOutput::default()))
    }

    async fn get_object(&self, req: S3Request<GetObjectInput>) -> S3Result<S3Response<GetObjectOutput>> {
        self.check_caller(&req, "GetObject")?;
        let input = req.input;
        self.check_bucket(&input.bucket)?;
        let uri = Self::uri(&input.bucket, &input.key);
        let (meta, _) = self.store.head_info(&uri).await.map_err(store_error)?;
        let range = match &input.range {
            Some(range) => Some(range.check(meta.size)?),
            None => None,
        };
        let (meta, info, stream) = self.store.get_stream(&uri, range.clone()).await.map_err(store_error)?;
        // A channel makes the body `Sync`, as s3s's streaming blob wants it.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, StoreError>>(4);
        tokio::spawn(async move {
            let mut stream = stream;
            while let Some(chunk) = stream.next().await {
                if tx.send(chunk).await.is_err() {
                    break;
                }
            }
        });
        let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        let length = range.as_ref().map_or(meta.size, |r| r.end - r.start);
        Ok(S3Response::new(GetObjectOutput {
            body: Some(StreamingBlob::wrap(body)),
            content_length: i64::try_from(length).ok(),
            content_range: range.map(|r| format!("bytes {}-{}/{}", r.start, r.end.saturating_sub(1), meta.size)),
            accept_ranges: Some("bytes".into()),
            last_modified: Some(Timestamp::from(std::time::SystemTime::from(meta.last_modified))),
            e_tag: etag(&info),
            content_type: Some(info.content_type.unwrap_or_else(|| DEFAULT_CONTENT_TYPE.into())),
            metadata: (!info.metadata.is_empty()).then(|| info.metadata.into_iter().collect()),
            ..Default::default()
        }))
    }

    async fn head_object(&self, req: S3Request<HeadObjectInput>) -> S3Result<S3Response<HeadObjectOutput>> {
        self.check_caller(&req, "HeadObject")?;
        let input = req.input;
        self.check_bucket(&input.bucket)?;
        let (meta, info) = self.store.head_info(&Self::uri(&input.bucket, &input.key)).await.map_err(store_error)?;
        Ok(S3Response::new(HeadObjectOutput {
            content_length: i64::try_from(meta.size).ok(),
            accept_ranges: Some("bytes".into()),
            last_modified: Some(Timestamp::from(std::time::SystemTime::from(meta.last_modified))),
            e_tag: etag(&info),
            content_type: Some(info.content_type.unwrap_or_else(|| DEFAULT_CONTENT_TYPE.into())),
            metadata: (!info.metadata.is_empty()).then(|| info.metadata.into_iter().collect()),
            ..Default::default()
        }))
    }

    async fn put_object(&self, req: S3Request<PutObjectInput>) -> S3Result<S3Response<PutObjectOutput>> {
        self.check_caller(&req, "PutObject")?;
        let headers = req.headers;
        let trailers = req.trailing_headers;
        let input = req.input;
        self.check_bucket(&input.bucket)?;
        let info = object_info(input.content_type, input.metadata);
        let declared_sums = Checksum {
            checksum_crc32: input.checksum_crc32,
            checksum_crc32c: input.checksum_crc32c,
            checksum_crc64nvme: input.checksum_crc64nvme,
            checksum_sha1: input.checksum_sha1,
            checksum_sha256: input.checksum_sha256,
            ..Default::default()
        };
        let declared = Declared::new(&headers, input.checksum_algorithm.as_ref(), declared_sums, input.content_md5);
        let uri = Self::uri(&input.bucket, &input.key);
        let (md5, sums) = self.receive(&uri, input.body, declared, trailers, info).await?;
        tracing::info!(%uri, "S3 PutObject");
        Ok(S3Response::new(PutObjectOutput {
            e_tag: Some(ETag::Strong(md5)),
            checksum_crc32: sums.checksum_crc32,
            checksum_crc32c: sums.checksum_crc32c,
            checksum_crc64nvme: sums.checksum_crc64nvme,
            checksum_sha1: sums.checksum_sha1,
            checksum_sha256: sums.checksum_sha256,
            ..Default::default()
        }))
    }

    async fn delete_object(&self, req: S3Request<DeleteObjectInput>) -> S3Result<S3Response<DeleteObjectOutput>> {
        self.check_caller(&req, "DeleteObject")?;
        self.check_bucket(&req.input.bucket)?;
        self.store.delete(&Self::uri(&req.input.bucket, &req.input.key)).await.map_err(store_error)?;
        Ok(S3Response::new(DeleteObjectOutput::default()))
    }

    async fn delete_objects(&self, req: S3Request<DeleteObjectsInput>) -> S3Result<S3Response<DeleteObjectsOutput>> {
        self.check_caller(&req, "DeleteObjects")?;
        let input = req.input;
        self.check_bucket(&input.bucket)?;
        let mut deleted = Vec::new();
        let mut errors = Vec::new();
        for object in input.delete.objects {
            match self.store.delete(&Self::uri(&input.bucket, &object.key)).await {
                Ok(()) => deleted.push(DeletedObject { key: Some(object.key), ..Default::default() }),
                Err(e) => errors.push(Error {
                    key: Some(object.key),
                    code: Some("InternalError".into()),
                    message: Some(e.to_string()),
                    ..Default::default()
                }),
            }
        }
        let quiet = input.delete.quiet.unwrap_or(false);
        Ok(S3Response::new(DeleteObjectsOutput {
            deleted: (!quiet).then_some(deleted),
            errors: (!errors.is_empty()).then_some(errors),
            ..Default::default()
        }))
    }

    async fn list_objects_v2(&self, req: S3Request<ListObjectsV2Input>) -> S3Result<S3Response<ListObjectsV2Output>> {
        self.check_caller(&req, "ListObjectsV2")?;
        let input = req.input;
        self.check_bucket(&input.bucket)?;
        let prefix = input.prefix.clone().unwrap_or_default();
        let max_keys = usize::try_from(input.max_keys.unwrap_or(1000).clamp(0, 1000)).unwrap_or(1000);
        let after = match (input.continuation_token.as_deref(), input.start_after.as_deref()) {
            (Some(token), _) => Some(token.to_string()),
            (None, after) => after.map(str::to_string),
        };
        let url_encoded = input.encoding_type.as_ref().is_some_and(|e| e.as_str() == EncodingType::URL);
        let encode = |text: &str| {
            if url_encoded {
                percent_encoding::utf8_percent_encode(text, KEY_URL_SET).to_string()
            } else {
                text.to_string()
            }
        };
        let listed = self.store.list(&input.bucket, &prefix).await.map_err(store_error)?;
        // Objects and common prefixes in key order, each prefix once.
        let mut entries: Vec<(String, Option<crate::store::Listed>)> = Vec::new();
        for object in listed {
            let rest = &object.key[prefix.len()..];
            match input.delimiter.as_deref().filter(|d| !d.is_empty()).and_then(|d| rest.find(d).map(|at| at + d.len())) {
                Some(end) => {
                    let common = format!("{prefix}{}", &rest[..end]);
                    if entries.last().is_none_or(|(k, o)| o.is_some() || *k != common) {
                        entries.push((common, None));
                    }
                }
                None => entries.push((object.key.clone(), Some(object))),
            }
        }
        let mut remaining = entries.into_iter().filter(|(key, _)| after.as_ref().is_none_or(|a| key > a)).peekable();
        let mut contents = Vec::new();
        let mut common_prefixes = Vec::new();
        let mut last = None;
        while contents.len() + common_prefixes.len() < max_keys {
            let Some((key, object)) = remaining.next() else { break };
            last = Some(key.clone());
            match object {
                Some(object) => contents.push(Object {
                    key: Some(encode(&key)),
                    size: i64::try_from(object.meta.size).ok(),
                    last_modified: Some(Timestamp::from(std::time::SystemTime::from(object.meta.last_modified))),
                    e_tag: object.e_tag.clone().map(ETag::Strong),
                    storage_class: Some(ObjectStorageClass::from_static(ObjectStorageClass::STANDARD)),
                    ..Default::default()
                }),
                None => common_prefixes.push(CommonPrefix { prefix: Some(encode(&key)) }),
            }
        }
        let truncated = remaining.peek().is_some();
        let count = contents.len() + common_prefixes.len();
        Ok(S3Response::new(ListObjectsV2Output {
            name: Some(input.bucket),
            prefix: Some(encode(&prefix)),
            delimiter: input.delimiter,
            max_keys: i32::try_from(max_keys).ok(),
            key_count: i32::try_from(count).ok(),
            is_truncated: Some(truncated),
            continuation_token: input.continuation_token,
            next_continuation_token: if truncated { last } else { None },
            start_after: input.start_after,
            encoding_type: input.encoding_type,
            contents: (!contents.is_empty()).then_some(contents),
            common_prefixes: (!common_prefixes.is_empty()).then_some(common_prefixes),
            ..Default::default()
        }))
    }

    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        self.check_caller(&req, "CreateMultipartUpload")?;
        let input = req.input;
        self.check_bucket(&input.bucket)?;
        // The object's place is checked now, not after the parts have been sent.
        self.store.check_place(&Self::uri(&input.bucket, &input.key)).map_err(store_error)?;
        let id = uuid::Uuid::new_v4().to_string();
        let dir = self.uploads.join(&id);
        let target = UploadTarget { bucket: input.bucket.clone(), key: input.key.clone(), info: object_info(input.content_type, input.metadata) };
        let target = serde_json::to_vec(&target).map_err(|e| s3_error!(InternalError, "{e}"))?;
        tokio::fs::create_dir_all(&dir).await.map_err(|e| s3_error!(InternalError, "upload folder: {e}"))?;
        tokio::fs::write(dir.join("target.json"), target).await.map_err(|e| s3_error!(InternalError, "upload folder: {e}"))?;
        Ok(S3Response::new(CreateMultipartUploadOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            upload_id: Some(id),
            checksum_algorithm: input.checksum_algorithm,
            ..Default::default()
        }))
    }

    async fn upload_part(&self, req: S3Request<UploadPartInput>) -> S3Result<S3Response<UploadPartOutput>> {
        self.check_caller(&req, "UploadPart")?;
        let headers = req.headers;
        let trailers = req.trailing_headers;
        let input = req.input;
        if !(1..=10_000).contains(&input.part_number) {
            return Err(s3_error!(InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive"));
        }
        let (dir, _) = self.open_upload(&input.upload_id, &input.bucket, &input.key).await?;
        let declared_sums = Checksum {
            checksum_crc32: input.checksum_crc32,
            checksum_crc32c: input.checksum_crc32c,
            checksum_crc64nvme: input.checksum_crc64nvme,
            checksum_sha1: input.checksum_sha1,
            checksum_sha256: input.checksum_sha256,
            ..Default::default()
        };
        let mut declared = Declared::new(&headers, input.checksum_algorithm.as_ref(), declared_sums, input.content_md5);
        let staging = dir.join(format!("{}.receiving-{}", input.part_number, uuid::Uuid::new_v4()));
        let written = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::File::create(&staging).await.map_err(|e| s3_error!(InternalError, "part file: {e}"))?;
            if let Some(mut body) = input.body {
                while let Some(chunk) = body.next().await {
                    let chunk = chunk.map_err(|e| s3_error!(IncompleteBody, "The request body could not be read: {e}"))?;
                    declared.update(&chunk);
                    file.write_all(&chunk).await.map_err(|e| s3_error!(InternalError, "part file: {e}"))?;
                }
            }
            file.flush().await.map_err(|e| s3_error!(InternalError, "part file: {e}"))?;
            declared.verify(trailers)
        }
        .await;
        let (md5, sums) = match written {
            Ok(sums) => sums,
            Err(e) => {
                let _ = tokio::fs::remove_file(&staging).await;
                return Err(e);
            }
        };
        tokio::fs::rename(&staging, dir.join(format!("{}.part", input.part_number)))
            .await
            .map_err(|e| s3_error!(InternalError, "part file: {e}"))?;
        Ok(S3Response::new(UploadPartOutput {
            e_tag: Some(ETag::Strong(md5)),
            checksum_crc32: sums.checksum_crc32,
            checksum_crc32c: sums.checksum_crc32c,
            checksum_crc64nvme: sums.checksum_crc64nvme,
            checksum_sha1: sums.checksum_sha1,
            checksum_sha256: sums.checksum_sha256,
            ..Default::default()
        }))
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        self.check_caller(&req, "CompleteMultipartUpload")?;
        let input = req.input;
        let (dir, info) = self.open_upload(&input.upload_id, &input.bucket, &input.key).await?;
        let parts = input.multipart_upload.and_then(|m| m.parts).unwrap_or_default();
        if parts.is_empty() {
            return Err(s3_error!(MalformedXML, "You must specify at least one part"));
        }
        let uri = Self::uri(&input.bucket, &input.key);
        let mut writer = self.store.writer(&uri, info).await.map_err(store_error)?;
        let mut md5s = Md5::new();
        let mut previous = 0;
        let count = parts.len();
        for (index, part) in parts.into_iter().enumerate() {
            let number = part.part_number.unwrap_or(0);
            let outcome = async {
                if number <= previous {
                    return Err(s3_error!(InvalidPartOrder, "The list of parts was not in ascending order."));
                }
                let path = dir.join(format!("{number}.part"));
                let mut file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|_| s3_error!(InvalidPart, "Part {number} was not uploaded."))?;
                let mut md5 = Md5::new();
                let mut size = 0u64;
                let mut buf = vec![0u8; 1 << 20];
                loop {
                    use tokio::io::AsyncReadExt;
                    let n = file.read(&mut buf).await.map_err(|e| s3_error!(InternalError, "part {number}: {e}"))?;
                    if n == 0 {
                        break;
                    }
                    md5.update(&buf[..n]);
                    size += n as u64;
                    writer.write(Bytes::copy_from_slice(&buf[..n])).await.map_err(store_error)?;
                }
                let md5 = md5.finalize();
                let given = part.e_tag.as_ref().map(|t| t.value().trim_matches('"').to_string());
                if given.is_some_and(|given| given != hex(&md5)) {
                    return Err(s3_error!(InvalidPart, "The ETag of part {number} does not match the part uploaded."));
                }
                if index + 1 < count && size < MIN_PART_SIZE {
                    return Err(s3_error!(EntityTooSmall, "Part {number} is smaller than the minimum allowed size (5 MiB)."));
                }
                Ok(md5)
            }
            .await;
            match outcome {
                Ok(md5) => md5s.update(&md5),
                Err(e) => {
                    writer.abort().await;
                    return Err(e);
                }
            }
            previous = number;
        }
        let e_tag = format!("{}-{count}", hex(&md5s.finalize()));
        writer.finish(e_tag.clone()).await.map_err(store_error)?;
        let _ = tokio::fs::remove_dir_all(&dir).await;
        tracing::info!(%uri, parts = count, "S3 CompleteMultipartUpload");
        Ok(S3Response::new(CompleteMultipartUploadOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            e_tag: Some(ETag::Strong(e_tag)),
            ..Default::default()
        }))
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        self.check_caller(&req, "AbortMultipartUpload")?;
        let (dir, _) = self.open_upload(&req.input.upload_id, &req.input.bucket, &req.input.key).await?;
        let _ = tokio::fs::remove_dir_all(&dir).await;
        Ok(S3Response::new(AbortMultipartUploadOutput::default()))
    }
}
