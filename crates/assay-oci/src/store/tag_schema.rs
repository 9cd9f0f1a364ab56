//! The referrers tag schema (OCI distribution spec 1.1, "Referrers Tag Schema" and "Pushing
//! Manifests with Subject"): where a repository has no referrers API, the referrers of a
//! subject are listed in an OCI image index tagged `<alg>-<hex>` of the subject's digest. A
//! client adding a referrer reads that index (or starts an empty one), appends a descriptor
//! for the new manifest and pushes the index back under the same tag.
//!
//! Registries without the API and layouts keep this index the same way, through
//! [`Repository::manifest`] and [`Repository::put_manifest`]. The read-modify-write is not
//! atomic: two clients adding referrers at once can lose one entry, as the spec warns.

use assay_core::Digest;

use super::{Referrers, ReferrersSource, Repository, StoreError, index_bytes};
use crate::manifest::{Descriptor, Manifest};
use crate::media;

/// The referrers tag of `subject`: its digest with `:` replaced by `-` (`sha256-<hex>`).
pub fn referrers_tag(subject: &Digest) -> String {
    format!("{}-{}", subject.algorithm().as_str(), subject.hex())
}

/// The referrers listed in the tag-schema index, or [`ReferrersSource::None`] without one.
pub(super) fn list(repo: &dyn Repository, subject: &Digest) -> Result<Referrers, StoreError> {
    Ok(match read(repo, subject)? {
        Some(manifests) => Referrers {
            source: ReferrersSource::TagSchema,
            manifests,
        },
        None => Referrers {
            source: ReferrersSource::None,
            manifests: Vec::new(),
        },
    })
}

/// Adds `entry` to the tag-schema index unless a descriptor with its digest is listed.
pub(super) fn add(
    repo: &dyn Repository,
    subject: &Digest,
    entry: Descriptor,
) -> Result<(), StoreError> {
    let mut entries = read(repo, subject)?.unwrap_or_default();
    if entries.iter().any(|d| d.digest == entry.digest) {
        tracing::debug!(referrer = %entry.digest, %subject, "referrer already listed");
        return Ok(());
    }
    entries.push(entry);
    write(repo, subject, &entries)
}

/// Drops `referrer` from the tag-schema index, if there is one that lists it. An index left
/// empty is still pushed (the tag then says "no referrers").
pub(super) fn remove(
    repo: &dyn Repository,
    subject: &Digest,
    referrer: &Digest,
) -> Result<(), StoreError> {
    let Some(mut entries) = read(repo, subject)? else {
        return Ok(());
    };
    let before = entries.len();
    entries.retain(|d| d.digest != *referrer);
    if entries.len() == before {
        return Ok(());
    }
    write(repo, subject, &entries)
}

/// The entries of the index tagged [`referrers_tag`], or `None` when the tag is absent.
fn read(repo: &dyn Repository, subject: &Digest) -> Result<Option<Vec<Descriptor>>, StoreError> {
    let tag = referrers_tag(subject);
    let Some(stored) = repo.manifest(&tag)? else {
        return Ok(None);
    };
    match Manifest::parse(&stored.bytes, &stored.digest, Some(&stored.media_type)) {
        Ok(Manifest::Index(index)) => Ok(Some(index.manifests)),
        Ok(Manifest::Image(_)) | Err(_) => Err(StoreError::NotAnIndex {
            location: repo.location(),
            tag,
        }),
    }
}

fn write(
    repo: &dyn Repository,
    subject: &Digest,
    entries: &[Descriptor],
) -> Result<(), StoreError> {
    let tag = referrers_tag(subject);
    let bytes = index_bytes(entries)?;
    let digest = repo.put_manifest(Some(&tag), media::OCI_INDEX, &bytes)?;
    tracing::debug!(%subject, %digest, count = entries.len(), "referrers tag index updated");
    Ok(())
}
