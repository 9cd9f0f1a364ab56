//! Downloading feeds over HTTP(S) with conditional requests (RFC 9110 §13: `If-None-Match`
//! with the stored `ETag`, `If-Modified-Since` with the stored `Last-Modified`).
//!
//! A download goes to a temporary file in the database directory and is hashed on the way;
//! nothing is parsed or stored until the whole body arrived within the size limit.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use sha2::{Digest as _, Sha256};
use tempfile::NamedTempFile;
use ureq::http::{StatusCode, header};

/// Largest feed downloaded (osv.dev's biggest `all.zip` is a few hundred MiB).
pub const MAX_FEED_BYTES: u64 = 4 << 30;

/// Download errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Connection or protocol failure.
    #[error("downloading {url}: {source}")]
    Transport {
        /// The URL.
        url: String,
        /// The HTTP client error.
        #[source]
        source: Box<ureq::Error>,
    },
    /// The server answered with an error status.
    #[error("downloading {url}: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The body exceeded [`MAX_FEED_BYTES`].
    #[error("downloading {url}: larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// Writing the temporary file failed.
    #[error("downloading {url}: {source}")]
    Io {
        /// The URL.
        url: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

/// Validators from an earlier download.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
}

/// A completed download.
#[derive(Debug)]
pub struct Download {
    /// The body, in a temporary file.
    pub file: NamedTempFile,
    /// Bytes received.
    pub size: u64,
    /// SHA-256 of the body, hex.
    pub sha256: String,
    /// The new validators.
    pub validators: Validators,
}

/// What a conditional request gave.
#[derive(Debug)]
pub enum Outcome {
    /// `304 Not Modified`: the stored copy is current.
    NotModified,
    /// A new body.
    Downloaded(Download),
}

/// GETs `url` into a temporary file in `dir` (named with `suffix`, so the loader can tell
/// the format), reporting `(received, total)` to `progress`.
pub fn fetch(
    url: &str,
    known: &Validators,
    dir: &Path,
    suffix: &str,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Outcome, FetchError> {
    let mut req = agent().get(url);
    if let Some(etag) = &known.etag {
        req = req.header(header::IF_NONE_MATCH, etag);
    }
    if let Some(lm) = &known.last_modified {
        req = req.header(header::IF_MODIFIED_SINCE, lm);
    }
    let resp = req.call().map_err(|e| FetchError::Transport {
        url: url.to_owned(),
        source: Box::new(e),
    })?;
    let status = resp.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Outcome::NotModified);
    }
    if !status.is_success() {
        return Err(FetchError::Status {
            url: url.to_owned(),
            status: status.as_u16(),
        });
    }
    let validators = Validators {
        etag: header_str(&resp, header::ETAG),
        last_modified: header_str(&resp, header::LAST_MODIFIED),
    };
    let total = header_str(&resp, header::CONTENT_LENGTH).and_then(|v| v.parse().ok());
    let body = resp.into_body().into_reader();
    let download = save(url, body, dir, suffix, total, progress)?;
    Ok(Outcome::Downloaded(Download {
        validators,
        ..download
    }))
}

fn header_str(resp: &ureq::http::Response<ureq::Body>, name: header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn save(
    url: &str,
    mut body: impl Read,
    dir: &Path,
    suffix: &str,
    total: Option<u64>,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Download, FetchError> {
    let io = |source| FetchError::Io {
        url: url.to_owned(),
        source,
    };
    let mut file = tempfile::Builder::new()
        .prefix(".download-")
        .suffix(suffix)
        .tempfile_in(dir)
        .map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = body.read(&mut buf).map_err(io)?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        size += n as u64;
        if size > MAX_FEED_BYTES {
            return Err(FetchError::TooLarge {
                url: url.to_owned(),
                limit: MAX_FEED_BYTES,
            });
        }
        hasher.update(chunk);
        file.write_all(chunk).map_err(io)?;
        progress(size, total);
    }
    file.as_file().sync_all().map_err(io)?;
    Ok(Download {
        file,
        size,
        sha256: hex::encode(hasher.finalize()),
        validators: Validators::default(),
    })
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(120)))
        .timeout_per_read(Some(Duration::from_secs(120)))
        .user_agent(concat!("assay/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::new_with_config(config)
}
