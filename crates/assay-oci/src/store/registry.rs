//! A registry repository as a [`Repository`] (OCI distribution spec 1.1).
//!
//! Manifests are fetched with every manifest and index type accepted; a digest key is checked
//! against the bytes, a tag against `Docker-Content-Digest` when the registry sends one.
//! Referrers come from `GET /v2/<name>/referrers/<digest>` ("Listing Referrers"); a `404` there,
//! or an answer that is not an image index, means the registry has no referrers API and the
//! referrers tag schema ([`super::tag_schema`]) is used instead. A referrer is pushed by digest;
//! when the registry does not answer with an `OCI-Subject` header ("Pushing Manifests with
//! Subject") the tag-schema index is updated too.

use std::io::Read;

use assay_core::Digest;

use super::{
    NewReferrer, Referrers, ReferrersSource, Repository, StoreError, StoredManifest, media_type_of,
    referrer_entry, tag_schema,
};
use crate::blob::check_digest;
use crate::manifest::{Descriptor, Manifest};
use crate::media;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError};

/// One repository of a registry.
#[derive(Debug, Clone)]
pub struct RegistryRepo {
    client: RegistryClient,
}

impl RegistryRepo {
    /// The repository `client` speaks to.
    pub fn new(client: RegistryClient) -> Self {
        Self { client }
    }

    /// The underlying client.
    pub fn client(&self) -> &RegistryClient {
        &self.client
    }

    /// The entries of a referrers API answer, or `None` when it is not an image index.
    fn api_entries(fetched: &FetchedManifest) -> Option<Vec<Descriptor>> {
        let digest = Digest::sha256(&fetched.bytes);
        let declared = fetched.content_type.as_deref();
        match Manifest::parse(&fetched.bytes, &digest, declared) {
            Ok(Manifest::Index(index)) => Some(index.manifests),
            _ => None,
        }
    }
}

/// The digest `fetched` must have: the key's when it is a digest, else the bytes' own (after
/// checking the registry's `Docker-Content-Digest`, when it sent one, agrees).
fn verified_digest(key: &str, fetched: &FetchedManifest) -> Result<Digest, StoreError> {
    if let Ok(pinned) = key.parse::<Digest>() {
        check_digest(&fetched.bytes, &pinned, "manifest")?;
        return Ok(pinned);
    }
    let header = fetched.docker_content_digest.as_deref();
    if let Some(named) = header.and_then(|h| h.trim().parse::<Digest>().ok()) {
        check_digest(&fetched.bytes, &named, "manifest")?;
    }
    Ok(Digest::sha256(&fetched.bytes))
}

/// Whether a failed `DELETE` only means the registry does not delete (or already had none).
fn delete_unsupported(err: &RegistryError) -> bool {
    match err {
        RegistryError::NotFound { .. } => true,
        RegistryError::Http { status, detail, .. } => {
            *status == 405 || detail.contains("UNSUPPORTED")
        }
        _ => false,
    }
}

impl Repository for RegistryRepo {
    fn location(&self) -> String {
        self.client.location()
    }

    fn manifest(&self, key: &str) -> Result<Option<StoredManifest>, StoreError> {
        let fetched = match self.client.get_manifest(key, media::MANIFEST_ACCEPT) {
            Ok(fetched) => fetched,
            Err(RegistryError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let digest = verified_digest(key, &fetched)?;
        let media_type = media_type_of(fetched.content_type.as_deref(), &fetched.bytes, &digest)?;
        Ok(Some(StoredManifest {
            bytes: fetched.bytes,
            digest,
            media_type,
        }))
    }

    fn put_manifest(
        &self,
        tag: Option<&str>,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest, StoreError> {
        let key = tag.map_or_else(|| Digest::sha256(bytes).to_string(), str::to_owned);
        Ok(self.client.put_manifest(&key, media_type, bytes)?)
    }

    fn blob_reader(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, StoreError> {
        // One byte of slack so the verifying reader reports an over-long blob precisely.
        Ok(self
            .client
            .get_blob(&desc.digest, desc.size.saturating_add(1))?)
    }

    fn put_blob_reader(
        &self,
        digest: &Digest,
        size: u64,
        reader: &mut dyn Read,
    ) -> Result<(), StoreError> {
        // The registry checks the digest of what it receives.
        self.client.put_blob(digest, size, reader)?;
        Ok(())
    }

    fn has_blob(&self, digest: &Digest) -> Result<bool, StoreError> {
        Ok(self.client.blob_exists(digest)?)
    }

    fn referrers(&self, subject: &Digest) -> Result<Referrers, StoreError> {
        if let Some(fetched) = self.client.get_referrers(subject)? {
            if let Some(manifests) = Self::api_entries(&fetched) {
                return Ok(Referrers {
                    source: ReferrersSource::Api,
                    manifests,
                });
            }
            tracing::debug!(%subject, "referrers endpoint did not answer with an index");
        }
        tag_schema::list(self, subject)
    }

    fn push_referrer(&self, subject: &Digest, new: &NewReferrer<'_>) -> Result<Digest, StoreError> {
        let entry = referrer_entry(subject, new)?;
        let key = entry.digest.to_string();
        let pushed = self.client.push_manifest(&key, new.media_type, new.bytes)?;
        if pushed.oci_subject.is_none() {
            tag_schema::add(self, subject, entry)?;
        }
        Ok(pushed.digest)
    }

    fn remove_referrer(&self, subject: &Digest, referrer: &Digest) -> Result<(), StoreError> {
        tag_schema::remove(self, subject, referrer)?;
        match self.client.delete_manifest(referrer) {
            Ok(()) => Ok(()),
            Err(e) if delete_unsupported(&e) => {
                tracing::debug!(%referrer, error = %e, "registry did not delete the referrer");
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}
