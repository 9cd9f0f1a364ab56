//! Copying a manifest and everything it references between two repositories.
//!
//! The walk follows the OCI image spec: an index (`image-index.md`) names child manifests by
//! digest, each fetched from the source, checked against the digest and the size its entry
//! gives, and copied first; an image manifest (`manifest.md`) names a config and layers, which
//! are copied as blobs. Only then is the manifest itself stored, so a destination registry
//! never sees a manifest that names content it lacks. Blobs stream from the source through a
//! [`VerifyingReader`] into the destination; blobs the destination already has are not read.

use std::io::{self, Read};

use assay_core::Digest;

use super::{Repository, StoreError, StoredManifest, check_limit};
use crate::blob::VerifyingReader;
use crate::error::ImageError;
use crate::manifest::{Descriptor, Manifest};

/// How many indexes may nest (a layout entry naming a multi-platform index is two).
pub const MAX_INDEX_DEPTH: usize = 3;

/// Bounds on what [`copy_manifest`] moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyLimits {
    /// The largest single blob (config or layer) copied, in bytes.
    pub max_blob_bytes: u64,
}

impl Default for CopyLimits {
    /// 1 GiB per blob.
    fn default() -> Self {
        Self {
            max_blob_bytes: 1 << 30,
        }
    }
}

/// Copies the manifest `key` (a tag or digest) of `from`, and what it references, into `to`,
/// where it is stored under its digest and, when given, `tag`. Returns the manifest copied.
pub fn copy_manifest(
    from: &dyn Repository,
    to: &dyn Repository,
    key: &str,
    tag: Option<&str>,
    limits: &CopyLimits,
) -> Result<StoredManifest, StoreError> {
    let top = from
        .manifest(key)?
        .ok_or_else(|| StoreError::ManifestNotFound {
            location: from.location(),
            key: key.to_owned(),
        })?;
    tracing::debug!(from = from.location(), to = to.location(), key, digest = %top.digest, "copying manifest");
    copy_references(from, to, &top, limits, 0)?;
    to.put_manifest(tag, &top.media_type, &top.bytes)?;
    Ok(top)
}

/// Copies what `manifest` names: an index's children (recursively), an image's blobs.
fn copy_references(
    from: &dyn Repository,
    to: &dyn Repository,
    manifest: &StoredManifest,
    limits: &CopyLimits,
    depth: usize,
) -> Result<(), StoreError> {
    let parsed = Manifest::parse(
        &manifest.bytes,
        &manifest.digest,
        Some(&manifest.media_type),
    )?;
    match parsed {
        Manifest::Image(image) => {
            copy_blob(from, to, &image.config, limits)?;
            image
                .layers
                .iter()
                .try_for_each(|layer| copy_blob(from, to, layer, limits))
        }
        Manifest::Index(_) if depth >= MAX_INDEX_DEPTH => {
            Err(ImageError::IndexTooDeep(manifest.digest.clone()).into())
        }
        Manifest::Index(index) => index
            .manifests
            .iter()
            .try_for_each(|child| copy_child(from, to, child, limits, depth + 1)),
    }
}

/// Copies one index entry's manifest, after what it names.
fn copy_child(
    from: &dyn Repository,
    to: &dyn Repository,
    entry: &Descriptor,
    limits: &CopyLimits,
    depth: usize,
) -> Result<(), StoreError> {
    let key = entry.digest.to_string();
    let stored = from
        .manifest(&key)?
        .ok_or_else(|| StoreError::ManifestNotFound {
            location: from.location(),
            key,
        })?;
    check_size(&entry.digest, entry.size, stored.bytes.len() as u64)?;
    // The entry says what the child was referenced as; parsing checks the body agrees.
    let child = StoredManifest {
        media_type: entry.media_type.clone(),
        ..stored
    };
    copy_references(from, to, &child, limits, depth)?;
    to.put_manifest(None, &child.media_type, &child.bytes)?;
    Ok(())
}

fn check_size(digest: &Digest, expected: u64, actual: u64) -> Result<(), StoreError> {
    if expected == actual {
        return Ok(());
    }
    Err(ImageError::SizeMismatch {
        digest: digest.clone(),
        expected,
        actual,
    }
    .into())
}

/// Streams one blob from `from` to `to` unless `to` has it. When the source's content was
/// read through (or failed), its verdict on size and digest takes precedence over the
/// destination's error, which it usually explains; a destination that fails early is reported
/// as it is, without reading the rest of the source.
fn copy_blob(
    from: &dyn Repository,
    to: &dyn Repository,
    desc: &Descriptor,
    limits: &CopyLimits,
) -> Result<(), StoreError> {
    check_limit(&from.location(), desc, limits.max_blob_bytes)?;
    if to.has_blob(&desc.digest)? {
        tracing::debug!(digest = %desc.digest, "blob already present");
        return Ok(());
    }
    let mut source = Watched {
        inner: VerifyingReader::new(from.blob_reader(desc)?, desc),
        failed: false,
    };
    let stored = to.put_blob_reader(&desc.digest, desc.size, &mut source);
    if stored.is_ok() || source.failed || source.inner.bytes_read() >= desc.size {
        source.inner.finish()?;
    }
    stored
}

/// Remembers whether a read of `inner` failed.
struct Watched<R> {
    inner: R,
    failed: bool,
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf);
        self.failed |= read.is_err();
        read
    }
}
