//! `s3://bucket/key` locations and the HTTPS S3 URLs that name the same objects.

use std::fmt;

/// An S3 location: bucket and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Uri {
    /// The bucket.
    pub bucket: String,
    /// The key (may be empty for a bucket-level path).
    pub key: String,
}

impl S3Uri {
    /// Reads `s3://bucket/key` or an HTTPS S3 URL (`https://bucket.s3.region.amazonaws.com/key`,
    /// `https://s3.region.amazonaws.com/bucket/key`, or `https://host/bucket/key` for other hosts).
    pub fn parse(uri: &str) -> Result<Self, String> {
        let (bucket, key) = if let Some(rest) = uri.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            (bucket.to_string(), key.to_string())
        } else if let Some(rest) = uri.strip_prefix("https://") {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let path = smithygen_runtime::protocol::http::decode_percent(path, "S3 URL").map_err(|e| e.to_string())?;
            let host = host.split(':').next().unwrap_or(host);
            match host.find(".s3.").or_else(|| host.find(".s3-")) {
                Some(at) if !host.starts_with("s3.") && !host.starts_with("s3-") => (host[..at].to_string(), path),
                _ => {
                    let (bucket, key) = path.split_once('/').unwrap_or((&path, ""));
                    (bucket.to_string(), key.to_string())
                }
            }
        } else {
            return Err(format!("`{uri}` is not an S3 URI (s3://bucket/key)"));
        };
        if bucket.is_empty() || bucket.starts_with('.') || bucket.contains(['\\', ' ']) {
            return Err(format!("`{uri}` has no valid bucket name"));
        }
        Ok(S3Uri { bucket, key })
    }

    /// This location with `name` appended as one more path segment.
    pub fn join(&self, name: &str) -> S3Uri {
        let key = self.key.trim_end_matches('/');
        let key = if key.is_empty() { name.to_string() } else { format!("{key}/{name}") };
        S3Uri { bucket: self.bucket.clone(), key }
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}
