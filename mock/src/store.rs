//! Objects behind `s3://bucket/key` URIs: a local directory (`<data-dir>/bucket/key`) or an
//! S3-compatible service, both through the `object_store` crate.
//!
//! Any key S3 accepts is stored, under an escaped name where `object_store` (and a file system)
//! could not take it as it is (`escape_key`): `..` or `.` segments, empty segments (`a//b`,
//! a trailing `/`), `%`, control characters. No key can name a place outside its bucket folder.
//!
//! What S3 keeps beside an object's bytes (`ObjectInfo`: `Content-Type`, `x-amz-meta-*` user
//! metadata, S3's entity tag) goes with the object: as object attributes in an S3-compatible
//! store, in a JSON file under `<data-dir>/.s3-meta/bucket/key` in the local one (no bucket name
//! starts with a dot, so that folder is nobody's bucket).

use crate::config::{StoreConfig, StoreKind};
pub use crate::s3_uri::S3Uri;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::path::{Path as ObjectPath, PathPart};
use object_store::{
    Attribute, AttributeValue, Attributes, GetOptions, GetRange, ObjectMeta, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions,
    PutPayload, WriteMultipart,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The name an empty key segment is stored under: a lone `=`, which [`escape_segment`] never
/// produces (it writes `=` itself as `=3D`), so names stay reversible.
const EMPTY_SEGMENT: &str = "=";

/// The name one `/`-separated segment of a key (or a bucket name) is stored under: ASCII
/// letters and digits, non-ASCII characters and `-_.!$&'()+,;@ ` as they are, every other byte
/// as `=XX` (hexadecimal), and the segments `.` and `..` as `=2E` and `=2E=2E`.
///
/// Why not `object_store`'s own `PathPart` encoding: the local store turns a path into a file
/// URL and back, which decodes `%XX` again, and URL parsing reads `%2E%2E` as `..` and `\`
/// as `/`; with no `%` and no `\` left in a name, what reaches the file system is exactly
/// the escaped name, a plain file name inside its folder.
fn escape_segment(segment: &str) -> String {
    match segment {
        "" => EMPTY_SEGMENT.to_string(),
        "." => "=2E".to_string(),
        ".." => "=2E=2E".to_string(),
        other => {
            let mut out = String::with_capacity(other.len());
            for c in other.chars() {
                if c.is_ascii_alphanumeric() || !c.is_ascii() || "-_.!$&'()+,;@ ".contains(c) {
                    out.push(c);
                } else {
                    out.push_str(&format!("={:02X}", c as u32));
                }
            }
            out
        }
    }
}

/// The segment stored under `name` (the inverse of [`escape_segment`]); `None` for a name
/// no key is stored under (a file put there by hand).
fn unescape_segment(name: &str) -> Option<String> {
    if name == EMPTY_SEGMENT {
        return Some(String::new());
    }
    let mut out = Vec::with_capacity(name.len());
    let mut bytes = name.bytes();
    while let Some(b) = bytes.next() {
        if b == b'=' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// The names an S3 key is stored under, one per `/`-separated segment ([`escape_segment`]): a
/// key like `out/../../etc/passwd` is kept, as S3 keeps it, as the object
/// `out/=2E=2E/=2E=2E/etc/passwd` inside its bucket.
pub(crate) fn escape_key(key: &str) -> Vec<String> {
    key.split('/').map(escape_segment).collect()
}

/// The object path of escaped names, taken as they are (no further encoding).
fn object_path(names: &[String]) -> Result<ObjectPath, StoreError> {
    // An escaped name has no control character, no `/` and is never `.` or `..`: the only
    // things `parse` refuses.
    ObjectPath::parse(names.join("/")).map_err(|e| StoreError::Other(format!("not a usable object path: {e}")))
}

/// The S3 key stored under `parts` (the inverse of [`escape_key`]), if it is one.
pub(crate) fn unescape_key<'a>(parts: impl IntoIterator<Item = PathPart<'a>>) -> Option<String> {
    let segments: Option<Vec<String>> = parts.into_iter().map(|part| unescape_segment(part.as_ref())).collect();
    Some(segments?.join("/"))
}

/// The local store's folder of [`ObjectInfo`] files (a dot: never a bucket's folder).
const INFO_DIR: &str = ".s3-meta";

/// What S3 keeps with an object beside its bytes, and answers in GetObject and HeadObject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ObjectInfo {
    /// `Content-Type` as it was put.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// User metadata (`x-amz-meta-NAME`), by NAME.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// S3's entity tag without quotes (the MD5 of a single PUT, `MD5-of-part-MD5s-N` after a
    /// multipart upload); the store's own tag when unknown (an object put there by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
}

impl ObjectInfo {
    /// As object attributes (S3-compatible store): `Content-Type` and `x-amz-meta-*`.
    fn attributes(&self) -> Attributes {
        let mut attributes = Attributes::new();
        if let Some(content_type) = &self.content_type {
            attributes.insert(Attribute::ContentType, AttributeValue::from(content_type.clone()));
        }
        for (name, value) in &self.metadata {
            attributes.insert(Attribute::Metadata(name.clone().into()), AttributeValue::from(value.clone()));
        }
        attributes
    }

    /// From an S3-compatible store's attributes and tag.
    fn from_attributes(attributes: &Attributes, e_tag: Option<&String>) -> Self {
        let mut info = ObjectInfo { e_tag: e_tag.map(|t| t.trim_matches('"').to_string()), ..Default::default() };
        for (key, value) in attributes.iter() {
            match key {
                Attribute::ContentType => info.content_type = Some(value.to_string()),
                Attribute::Metadata(name) => {
                    info.metadata.insert(name.to_string(), value.to_string());
                }
                _ => {}
            }
        }
        info
    }

    /// With the store's tag where S3's is unknown.
    fn or_store_tag(mut self, meta: &ObjectMeta) -> Self {
        if self.e_tag.is_none() {
            self.e_tag = meta.e_tag.as_ref().map(|t| t.trim_matches('"').to_string());
        }
        self
    }
}

/// An object as listed: its key and what the store knows of it.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub key: String,
    pub meta: ObjectMeta,
    /// S3's entity tag (see [`ObjectInfo::e_tag`]).
    pub e_tag: Option<String>,
}

/// Why an object could not be read or written.
#[derive(Debug)]
pub enum StoreError {
    /// No object at that location.
    NotFound(String),
    /// Anything else: a bad key, a refused connection, ...
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound(uri) => write!(f, "no object at {uri}"),
            StoreError::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for StoreError {}

/// A store and a path in it.
type Located = (Arc<dyn ObjectStore>, ObjectPath);

/// The configured object store.
#[derive(Debug)]
pub(crate) struct Store {
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    Local { root: PathBuf, fs: Arc<LocalFileSystem> },
    S3 { config: StoreConfig, buckets: Mutex<HashMap<String, Arc<dyn ObjectStore>>> },
}

impl Store {
    /// The store `config` describes; `data_dir` (which must exist) is the local root.
    pub(crate) fn new(config: &StoreConfig, data_dir: &Path) -> Result<Self, StoreError> {
        let backend = match config.kind {
            StoreKind::Local => {
                let fs = LocalFileSystem::new_with_prefix(data_dir)
                    .map_err(|e| StoreError::Other(format!("data directory {}: {e}", data_dir.display())))?
                    .with_fsync(true);
                Backend::Local { root: data_dir.to_path_buf(), fs: Arc::new(fs) }
            }
            StoreKind::S3 => Backend::S3 { config: config.clone(), buckets: Mutex::default() },
        };
        Ok(Store { backend })
    }

    /// For the local store: the file that holds `uri`.
    pub(crate) fn local_path(&self, uri: &S3Uri) -> Option<PathBuf> {
        match &self.backend {
            Backend::Local { root, .. } => {
                let mut path = root.join(escape_segment(&uri.bucket));
                for name in escape_key(&uri.key) {
                    path.push(name);
                }
                Some(path)
            }
            Backend::S3 { .. } => None,
        }
    }

    fn locate(&self, uri: &S3Uri) -> Result<(Arc<dyn ObjectStore>, ObjectPath), StoreError> {
        if uri.key.is_empty() {
            return Err(StoreError::Other(format!("{uri}: an object needs a key")));
        }
        self.locate_prefix(&uri.bucket, escape_key(&uri.key))
    }

    /// The store of `bucket` and the path of `parts` (escaped key segments) in it.
    fn locate_prefix(&self, bucket: &str, names: Vec<String>) -> Result<(Arc<dyn ObjectStore>, ObjectPath), StoreError> {
        match &self.backend {
            Backend::Local { root, fs } => {
                let names: Vec<String> = std::iter::once(escape_segment(bucket)).chain(names).collect();
                let path = object_path(&names)?;
                refuse_links(root, &path).map_err(|why| StoreError::Other(format!("s3://{bucket}: {why}")))?;
                Ok((fs.clone() as Arc<dyn ObjectStore>, path))
            }
            Backend::S3 { config, buckets } => {
                let path = object_path(&names)?;
                let uri = S3Uri { bucket: bucket.to_string(), key: String::new() };
                let mut buckets = buckets.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(store) = buckets.get(&uri.bucket) {
                    return Ok((store.clone(), path));
                }
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(&uri.bucket);
                if let Some(endpoint) = &config.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(region) = &config.region {
                    builder = builder.with_region(region);
                }
                if config.allow_http {
                    builder = builder.with_allow_http(true);
                }
                builder = builder.with_virtual_hosted_style_request(config.virtual_hosted_style);
                if let (Some(key), Some(secret)) = (&config.access_key_id, &config.secret_access_key) {
                    builder = builder.with_access_key_id(key).with_secret_access_key(secret);
                    if let Some(token) = &config.session_token {
                        builder = builder.with_token(token);
                    }
                }
                let store: Arc<dyn ObjectStore> = Arc::new(
                    builder.build().map_err(|e| StoreError::Other(format!("S3 store for bucket {}: {e}", uri.bucket)))?,
                );
                buckets.insert(uri.bucket.clone(), store.clone());
                Ok((store, path))
            }
        }
    }

    /// The local store's [`ObjectInfo`] file of `uri` (`None` for an S3-compatible store).
    fn info_path(&self, uri: &S3Uri) -> Result<Option<Located>, StoreError> {
        let Backend::Local { root, fs } = &self.backend else { return Ok(None) };
        let names: Vec<String> = [INFO_DIR.to_string(), escape_segment(&uri.bucket)].into_iter().chain(escape_key(&uri.key)).collect();
        let path = object_path(&names)?;
        refuse_links(root, &path).map_err(|why| StoreError::Other(format!("{uri}: {why}")))?;
        Ok(Some((fs.clone() as Arc<dyn ObjectStore>, path)))
    }

    /// The local store's [`ObjectInfo`] of `uri`: empty when none was kept (an object put by hand).
    async fn read_info(&self, uri: &S3Uri) -> Result<ObjectInfo, StoreError> {
        let Some((store, path)) = self.info_path(uri)? else { return Ok(ObjectInfo::default()) };
        match store.get(&path).await {
            Ok(result) => {
                let bytes = result.bytes().await.map_err(|e| map_err(uri, e))?;
                Ok(serde_json::from_slice(&bytes).unwrap_or_default())
            }
            Err(_) => Ok(ObjectInfo::default()),
        }
    }

    /// Keeps `info` with the object at `uri` (local store; an S3-compatible one keeps it as
    /// the object's attributes).
    async fn write_info(&self, uri: &S3Uri, info: &ObjectInfo) -> Result<(), StoreError> {
        let Some((store, path)) = self.info_path(uri)? else { return Ok(()) };
        let json = serde_json::to_vec(info).map_err(|e| StoreError::Other(format!("{uri}: {e}")))?;
        store.put(&path, PutPayload::from(json)).await.map_err(|e| map_err(uri, e))?;
        Ok(())
    }

    /// The object at `uri`'s metadata and what S3 keeps with it.
    pub(crate) async fn head_info(&self, uri: &S3Uri) -> Result<(ObjectMeta, ObjectInfo), StoreError> {
        let (store, path) = self.locate(uri)?;
        match &self.backend {
            Backend::Local { .. } => {
                let meta = store.head(&path).await.map_err(|e| map_err(uri, e))?;
                let info = self.read_info(uri).await?.or_store_tag(&meta);
                Ok((meta, info))
            }
            Backend::S3 { .. } => {
                let result = store.get_opts(&path, GetOptions { head: true, ..GetOptions::default() }).await.map_err(|e| map_err(uri, e))?;
                let info = ObjectInfo::from_attributes(&result.attributes, result.meta.e_tag.as_ref());
                Ok((result.meta, info))
            }
        }
    }

    /// Whether `uri` names a place the store can hold an object at (for the local store: no
    /// symbolic link on the way), without reading or writing it.
    pub(crate) fn check_place(&self, uri: &S3Uri) -> Result<(), StoreError> {
        self.locate(uri).map(drop)
    }

    /// The object at `uri`.
    pub(crate) async fn get(&self, uri: &S3Uri) -> Result<Bytes, StoreError> {
        let (store, path) = self.locate(uri)?;
        let result = store.get_opts(&path, GetOptions::default()).await.map_err(|e| map_err(uri, e))?;
        result.bytes().await.map_err(|e| map_err(uri, e))
    }

    /// Writes `body` to `uri` atomically (a reader sees the whole object or none), with S3's
    /// entity tag for it (its MD5).
    pub(crate) async fn put(&self, uri: &S3Uri, body: Bytes) -> Result<(), StoreError> {
        let (store, path) = self.locate(uri)?;
        let info = ObjectInfo { e_tag: Some(md5_hex(&body)), ..Default::default() };
        store.put_opts(&path, PutPayload::from(body), PutOptions::default()).await.map_err(|e| map_err(uri, e))?;
        self.write_info(uri, &info).await
    }

    /// The object at `uri` (or the bytes `range` of it) as it is read, with its metadata and
    /// what S3 keeps with it.
    pub(crate) async fn get_stream(
        &self,
        uri: &S3Uri,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<(ObjectMeta, ObjectInfo, BoxStream<'static, Result<Bytes, StoreError>>), StoreError> {
        let (store, path) = self.locate(uri)?;
        let options = GetOptions { range: range.map(GetRange::Bounded), ..GetOptions::default() };
        let result = store.get_opts(&path, options).await.map_err(|e| map_err(uri, e))?;
        let meta = result.meta.clone();
        let info = match &self.backend {
            Backend::Local { .. } => self.read_info(uri).await?.or_store_tag(&meta),
            Backend::S3 { .. } => ObjectInfo::from_attributes(&result.attributes, meta.e_tag.as_ref()),
        };
        let owned = uri.clone();
        Ok((meta, info, result.into_stream().map_err(move |e| map_err(&owned, e)).boxed()))
    }

    /// Starts writing an object at `uri` part by part, to be kept with `info`: nothing is
    /// visible at `uri` until [`ObjectWriter::finish`], and an abandoned writer leaves nothing
    /// behind.
    pub(crate) async fn writer(self: &Arc<Self>, uri: &S3Uri, info: ObjectInfo) -> Result<ObjectWriter, StoreError> {
        let (store, path) = self.locate(uri)?;
        let options = PutMultipartOptions { attributes: info.attributes(), ..Default::default() };
        let upload = match &self.backend {
            Backend::S3 { .. } => store.put_multipart_opts(&path, options).await,
            Backend::Local { .. } => store.put_multipart(&path).await,
        }
        .map_err(|e| map_err(uri, e))?;
        Ok(ObjectWriter { uri: uri.clone(), inner: Some(WriteMultipart::new(upload)), store: self.clone(), info })
    }

    /// Removes the object at `uri` (and what is kept with it); no object there is no error
    /// (as S3 answers).
    pub(crate) async fn delete(&self, uri: &S3Uri) -> Result<(), StoreError> {
        let (store, path) = self.locate(uri)?;
        match store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(map_err(uri, e)),
        }
        if let Some((store, path)) = self.info_path(uri)? {
            match store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(map_err(uri, e)),
            }
        }
        Ok(())
    }

    /// Every object of `bucket` whose key starts with `prefix`, in key order.
    pub(crate) async fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<Listed>, StoreError> {
        // object_store lists by whole segments: list from the prefix's last complete folder
        // and filter by the key text, as S3 compares prefixes.
        let folder = match prefix.rfind('/') {
            Some(at) => escape_key(&prefix[..at]),
            None => Vec::new(),
        };
        let (store, path) = self.locate_prefix(bucket, folder)?;
        let skip = match &self.backend {
            Backend::Local { .. } => 1,
            Backend::S3 { .. } => 0,
        };
        let uri = S3Uri { bucket: bucket.to_string(), key: prefix.to_string() };
        let listed: Vec<ObjectMeta> = store.list(Some(&path)).try_collect().await.map_err(|e| map_err(&uri, e))?;
        let mut objects: Vec<Listed> = listed
            .into_iter()
            .filter_map(|meta| Some(Listed { key: unescape_key(meta.location.parts().skip(skip))?, e_tag: None, meta }))
            .filter(|o| o.key.starts_with(prefix))
            .collect();
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        for object in &mut objects {
            let uri = S3Uri { bucket: bucket.to_string(), key: object.key.clone() };
            object.e_tag = match &self.backend {
                Backend::Local { .. } => self.read_info(&uri).await?.or_store_tag(&object.meta).e_tag,
                Backend::S3 { .. } => object.meta.e_tag.as_ref().map(|t| t.trim_matches('"').to_string()),
            };
        }
        Ok(objects)
    }

    /// The buckets: the local store's folders (not the mock's own `.queue` and such), or the
    /// buckets an S3-compatible store has been used with so far (object_store cannot list them).
    pub(crate) fn buckets(&self) -> Result<Vec<(String, Option<std::time::SystemTime>)>, StoreError> {
        match &self.backend {
            Backend::Local { root, .. } => {
                let mut names = Vec::new();
                let entries = std::fs::read_dir(root).map_err(|e| StoreError::Other(format!("data directory: {e}")))?;
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
                    if meta.is_dir() && !name.starts_with('.') {
                        names.push((name, meta.created().or_else(|_| meta.modified()).ok()));
                    }
                }
                names.sort();
                Ok(names)
            }
            Backend::S3 { buckets, .. } => {
                let mut names: Vec<_> =
                    buckets.lock().unwrap_or_else(|p| p.into_inner()).keys().map(|name| (name.clone(), None)).collect();
                names.sort();
                Ok(names)
            }
        }
    }

    /// Whether `bucket` exists: the local store's folder; an S3-compatible store's buckets are
    /// taken to exist (its own answers tell otherwise).
    pub(crate) fn bucket_exists(&self, bucket: &str) -> bool {
        match &self.backend {
            Backend::Local { root, .. } => {
                std::fs::symlink_metadata(root.join(escape_segment(bucket))).is_ok_and(|m| m.is_dir())
            }
            Backend::S3 { .. } => true,
        }
    }

    /// Creates `bucket` (the local store's folder; nothing to do for an S3-compatible store).
    pub(crate) fn create_bucket(&self, bucket: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Local { root, .. } => std::fs::create_dir_all(root.join(escape_segment(bucket)))
                .map_err(|e| StoreError::Other(format!("bucket {bucket}: {e}"))),
            Backend::S3 { .. } => Ok(()),
        }
    }
}

/// An object being written ([`Store::writer`]).
pub(crate) struct ObjectWriter {
    uri: S3Uri,
    inner: Option<WriteMultipart>,
    store: Arc<Store>,
    info: ObjectInfo,
}

impl fmt::Debug for ObjectWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectWriter").field("uri", &self.uri).finish()
    }
}

impl ObjectWriter {
    /// Adds the next bytes, waiting while too many parts are still being uploaded.
    pub(crate) async fn write(&mut self, bytes: Bytes) -> Result<(), StoreError> {
        let Some(inner) = self.inner.as_mut() else { return Err(StoreError::Other(format!("{}: writer closed", self.uri))) };
        inner.wait_for_capacity(4).await.map_err(|e| map_err(&self.uri, e))?;
        inner.put(bytes);
        Ok(())
    }

    /// Makes the object visible, whole, with S3's entity tag `e_tag` for it.
    pub(crate) async fn finish(mut self, e_tag: String) -> Result<(), StoreError> {
        let Some(inner) = self.inner.take() else { return Err(StoreError::Other(format!("{}: writer closed", self.uri))) };
        inner.finish().await.map_err(|e| map_err(&self.uri, e))?;
        let info = ObjectInfo { e_tag: Some(e_tag), ..std::mem::take(&mut self.info) };
        self.store.write_info(&self.uri, &info).await
    }

    /// Drops what was written.
    pub(crate) async fn abort(mut self) {
        if let Some(inner) = self.inner.take() {
            if let Err(e) = inner.abort().await {
                tracing::warn!(uri = %self.uri, error = %e, "an unfinished object could not be removed");
            }
        }
    }
}

/// `object_store`'s local store follows symbolic links: a link placed inside the data
/// directory (`bucket/out -> /etc`) would let an object key read or write outside it. Every
/// part of the path below the root that exists must be a plain directory or file.
fn refuse_links(root: &Path, path: &ObjectPath) -> Result<(), String> {
    let mut at = root.to_path_buf();
    for part in path.parts() {
        at.push(part.as_ref());
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link; the mock never follows links out of its data directory",
                    at.strip_prefix(root).unwrap_or(&at).display()
                ))
            }
            Ok(meta) if !meta.is_dir() && !meta.is_file() => {
                return Err(format!("{} is not a plain file or directory", at.strip_prefix(root).unwrap_or(&at).display()))
            }
            Ok(_) => {}
            // The rest does not exist yet (a new object): nothing below can be a link.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// The MD5 of `bytes` in hexadecimal, as S3's entity tag of a single PUT.
fn md5_hex(bytes: &[u8]) -> String {
    use s3s::crypto::Checksum as _;
    let mut md5 = s3s::crypto::Md5::new();
    md5.update(bytes);
    md5.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn map_err(uri: &S3Uri, e: object_store::Error) -> StoreError {
    match e {
        object_store::Error::NotFound { .. } => StoreError::NotFound(uri.to_string()),
        other => StoreError::Other(format!("{uri}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_uris_in_every_form() {
        let p = |s: &str| S3Uri::parse(s).unwrap();
        assert_eq!(p("s3://b/k/x.json"), S3Uri { bucket: "b".into(), key: "k/x.json".into() });
        assert_eq!(p("s3://b"), S3Uri { bucket: "b".into(), key: "".into() });
        assert_eq!(p("https://b.s3.us-east-1.amazonaws.com/k/a%20b"), S3Uri { bucket: "b".into(), key: "k/a b".into() });
        assert_eq!(p("https://s3.eu-west-1.amazonaws.com/b/k"), S3Uri { bucket: "b".into(), key: "k".into() });
        assert_eq!(p("https://minio.local:9000/b/k"), S3Uri { bucket: "b".into(), key: "k".into() });
        assert!(S3Uri::parse("ftp://b/k").is_err());
        assert!(S3Uri::parse("s3:///k").is_err());
        assert!(S3Uri::parse("s3://.queue/x").is_err(), "the queue folder is not a bucket");
        assert_eq!(p("s3://b/out/").join("id.out").to_string(), "s3://b/out/id.out");
        assert_eq!(p("s3://b").join("id.out").to_string(), "s3://b/id.out");
    }

    #[tokio::test]
    async fn the_local_store_is_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&StoreConfig::default(), dir.path()).unwrap();
        let uri = S3Uri::parse("s3://bucket/in/one.json").unwrap();
        assert!(matches!(store.get(&uri).await, Err(StoreError::NotFound(_))));
        store.put(&uri, Bytes::from_static(b"{}")).await.unwrap();
        assert_eq!(std::fs::read(dir.path().join("bucket/in/one.json")).unwrap(), b"{}");
        assert_eq!(store.get(&uri).await.unwrap(), Bytes::from_static(b"{}"));
        assert_eq!(store.local_path(&uri).unwrap(), dir.path().join("bucket/in/one.json"));
    }

    #[tokio::test]
    async fn any_key_s3_accepts_is_stored_inside_its_bucket_under_an_escaped_name() {
        let parent = tempfile::tempdir().unwrap();
        let data = parent.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let store = Store::new(&StoreConfig::default(), &data).unwrap();
        let keys = ["../../x", "a/../../../y", "p/.", "q/..", "./z", "a//b/", "%2E%2E/%2e%2e/q", "b\\..\\..\\w", "=", "=3D", "t#1", "\u{1}c"];
        for key in keys {
            let uri = S3Uri { bucket: "bucket".into(), key: key.into() };
            store.put(&uri, Bytes::from(key.to_string())).await.unwrap();
            assert_eq!(store.get(&uri).await.unwrap(), Bytes::from(key.to_string()), "{key}");
            assert!(store.local_path(&uri).unwrap().starts_with(data.join("bucket")), "{key}");
        }
        let listed: Vec<String> = store.list("bucket", "").await.unwrap().into_iter().map(|o| o.key).collect();
        let mut expected: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        expected.sort();
        assert_eq!(listed, expected);
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1, "nothing beside the data folder");
        assert_eq!(escape_key("a/../b//c."), ["a", "=2E=2E", "b", "=", "c."]);
        assert!(store.get(&S3Uri { bucket: "bucket".into(), key: String::new() }).await.is_err(), "an object needs a key");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn links_inside_the_data_directory_are_never_followed() {
        let parent = tempfile::tempdir().unwrap();
        let (data, outside) = (parent.path().join("data"), parent.path().join("outside"));
        std::fs::create_dir_all(data.join("bucket")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "top secret").unwrap();
        std::os::unix::fs::symlink(&outside, data.join("bucket/dir-link")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), data.join("bucket/file-link")).unwrap();
        std::os::unix::fs::symlink(&outside, data.join("bucket-link")).unwrap();
        let store = Store::new(&StoreConfig::default(), &data).unwrap();
        for uri in ["s3://bucket/dir-link/secret", "s3://bucket/file-link", "s3://bucket-link/secret"] {
            let uri = S3Uri::parse(uri).unwrap();
            let err = store.get(&uri).await.unwrap_err();
            assert!(err.to_string().contains("is a symbolic link"), "{uri}: {err}");
        }
        for uri in ["s3://bucket/dir-link/new", "s3://bucket/file-link", "s3://bucket-link/new/deeper"] {
            let uri = S3Uri::parse(uri).unwrap();
            let err = store.put(&uri, Bytes::from_static(b"written")).await.unwrap_err();
            assert!(err.to_string().contains("is a symbolic link"), "{uri}: {err}");
        }
        let mut left: Vec<String> =
            std::fs::read_dir(&outside).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["secret"], "nothing written outside");
        assert_eq!(std::fs::read_to_string(outside.join("secret")).unwrap(), "top secret");
        assert!(std::fs::symlink_metadata(data.join("bucket/file-link")).unwrap().file_type().is_symlink(), "the link is not replaced");
    }
}
