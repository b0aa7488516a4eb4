//! Objects behind `s3://bucket/key` URIs: a local directory (`<data-dir>/bucket/key`) or an
//! S3-compatible service, both through the `object_store` crate.

use crate::config::{StoreConfig, StoreKind};
pub use crate::s3_uri::S3Uri;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, ObjectStore, PutOptions, PutPayload};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Checks that `uri`'s key is one the store can hold: no empty, `.` or `..` segments, nothing
/// that could name a place outside its bucket.
pub(crate) fn check_key(uri: &S3Uri) -> Result<(), String> {
    ObjectPath::parse(&uri.key).map(drop).map_err(|e| e.to_string())
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
            Backend::Local { root, .. } => Some(root.join(&uri.bucket).join(&uri.key)),
            Backend::S3 { .. } => None,
        }
    }

    fn locate(&self, uri: &S3Uri) -> Result<(Arc<dyn ObjectStore>, ObjectPath), StoreError> {
        let bad = |e: object_store::path::Error| StoreError::Other(format!("{uri}: not a usable object key: {e}"));
        match &self.backend {
            Backend::Local { root, fs } => {
                let path = ObjectPath::parse(format!("{}/{}", uri.bucket, uri.key)).map_err(bad)?;
                refuse_links(root, &path).map_err(|why| StoreError::Other(format!("{uri}: {why}")))?;
                Ok((fs.clone() as Arc<dyn ObjectStore>, path))
            }
            Backend::S3 { config, buckets } => {
                let path = ObjectPath::parse(&uri.key).map_err(bad)?;
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

    /// Writes `body` to `uri` atomically (a reader sees the whole object or none).
    pub(crate) async fn put(&self, uri: &S3Uri, body: Bytes) -> Result<(), StoreError> {
        let (store, path) = self.locate(uri)?;
        store.put_opts(&path, PutPayload::from(body), PutOptions::default()).await.map_err(|e| map_err(uri, e))?;
        Ok(())
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
        let err = store.get(&S3Uri::parse("s3://bucket/a/../b").unwrap()).await.unwrap_err();
        assert!(err.to_string().contains("not a usable object key"), "{err}");
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
