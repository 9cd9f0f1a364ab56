//! Errors from opening images and reading their blobs.

use std::path::PathBuf;

use assay_core::Digest;

use crate::manifest::ManifestError;
use crate::registry::RegistryError;

/// Why an image could not be opened or one of its blobs read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// A filesystem error (the message names the path).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Reading a blob's stream failed.
    #[error("reading blob {digest} failed")]
    BlobRead {
        /// The blob.
        digest: Digest,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Content does not hash to the digest that names it.
    #[error("{what} {expected} failed verification: content hashes to {actual}")]
    DigestMismatch {
        /// What was being read.
        what: &'static str,
        /// The digest it was named by.
        expected: Digest,
        /// What it hashed to.
        actual: Digest,
    },
    /// Content length differs from the descriptor's size.
    #[error("blob {digest} failed verification: descriptor says {expected} bytes, content has {actual}{more}", more = if actual > expected { " or more" } else { "" })]
    SizeMismatch {
        /// The blob.
        digest: Digest,
        /// Size from the descriptor.
        expected: u64,
        /// Bytes actually seen.
        actual: u64,
    },
    /// A manifest or config larger than assay reads.
    #[error(
        "blob {digest} is {size} bytes, more than the {limit}-byte limit for manifests and configs"
    )]
    TooLarge {
        /// The blob.
        digest: Digest,
        /// Its declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A blob the manifest names is absent from the layout or archive.
    #[error("blob {digest} is missing from {location}")]
    BlobMissing {
        /// The blob.
        digest: Digest,
        /// The layout directory or archive.
        location: String,
    },
    /// A manifest or config is malformed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The registry refused or failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// No index entry matches the requested platform.
    #[error("no image for platform {platform} in index {digest}; available: {available}")]
    NoMatchingPlatform {
        /// The index.
        digest: Digest,
        /// What was asked for.
        platform: String,
        /// What the index offers.
        available: String,
    },
    /// The requested tag is not in the layout.
    #[error("{location}: no image tagged {tag:?}; tags present: {available}")]
    TagNotFound {
        /// Layout or archive.
        location: String,
        /// Requested tag.
        tag: String,
        /// Tags present.
        available: String,
    },
    /// Several images and no tag to choose one.
    #[error("{location} holds {count} images; choose one with :TAG (tags present: {available})")]
    Ambiguous {
        /// Layout or archive.
        location: String,
        /// How many images.
        count: usize,
        /// Tags present.
        available: String,
    },
    /// The directory or tar is not an OCI layout / docker archive.
    #[error("{path}: not a valid {kind}: {reason}")]
    InvalidSource {
        /// The path.
        path: PathBuf,
        /// "OCI image layout", "docker archive".
        kind: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Indexes nested deeper than assay follows.
    #[error("index {0} nests other indexes too deeply")]
    IndexTooDeep(Digest),
}
