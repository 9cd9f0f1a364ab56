//! Repositories that hold an image and what is attached to it: a registry repository or an OCI
//! image layout directory, behind one trait so signing, verification and `save` do not care
//! which.
//!
//! - [`Repository`] reads and writes manifests (by tag or digest) and blobs, always checking
//!   content against the digest that names it, and lists and maintains *referrers* (OCI
//!   distribution spec 1.1, "Listing Referrers"): the registry's referrers API when it has one,
//!   else the referrers tag schema (an image index tagged `<alg>-<hex>` of the subject; see
//!   [`referrers_tag`]).
//! - [`RegistryRepo`] is a [`crate::registry::RegistryClient`] seen as a repository.
//! - [`LayoutRepo`] is an OCI image layout directory (`image-layout.md`); tags are
//!   `org.opencontainers.image.ref.name` annotations on `index.json` entries.
//! - [`copy_manifest`] copies a manifest and everything it references (index children,
//!   config, layers) from one repository to another, streaming blobs through a
//!   [`VerifyingReader`].
//!
//! Implementations provide raw blob streams ([`Repository::blob_reader`]) and stores
//! ([`Repository::put_blob_reader`]); the trait's provided methods add the size limit and the
//! digest check, so no implementation can forget them.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::PathBuf;

use assay_core::Digest;
use serde::{Deserialize, Serialize};

use crate::blob::{VerifyingReader, check_digest};
use crate::error::ImageError;
use crate::manifest::Descriptor;
use crate::media;

mod copy;
mod layout;
mod registry;
mod tag_schema;

pub use copy::{CopyLimits, MAX_INDEX_DEPTH, copy_manifest};
pub use layout::LayoutRepo;
pub use registry::RegistryRepo;
pub use tag_schema::referrers_tag;

/// The `kind` annotation cosign's `save` puts on `index.json` entries of a layout.
pub const KIND_ANNOTATION: &str = "kind";

/// A manifest as stored: exact bytes, what they hash to, and the media type they were served
/// or recorded as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredManifest {
    /// The exact bytes (what the digest covers).
    pub bytes: Vec<u8>,
    /// Their digest (checked against the key when the key was a digest, and against the
    /// registry's `Docker-Content-Digest` when it sent one); SHA-256 unless the key named
    /// another algorithm.
    pub digest: Digest,
    /// The media type from the response or the layout's index entry, else the body's own.
    pub media_type: String,
}

/// Where a list of referrers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferrersSource {
    /// `GET /v2/<name>/referrers/<digest>`.
    Api,
    /// The image index tagged `<alg>-<hex>` (the referrers tag schema).
    TagSchema,
    /// Neither exists: nothing refers to the subject.
    None,
}

/// The manifests that name a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrers {
    /// How they were found.
    pub source: ReferrersSource,
    /// One descriptor per referring manifest (with `artifact_type` and annotations as listed).
    pub manifests: Vec<Descriptor>,
}

/// A manifest to attach to a subject. The blobs it names (config, layers) must already be
/// stored ([`Repository::put_blob`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferrer<'a> {
    /// Its media type (`application/vnd.oci.image.manifest.v1+json`).
    pub media_type: &'a str,
    /// Its exact bytes; they must contain a `subject` naming the subject digest.
    pub bytes: &'a [u8],
    /// Its `artifactType`, copied into a tag-schema index entry (omitted when empty).
    pub artifact_type: &'a str,
    /// Its manifest annotations, copied into a tag-schema index entry.
    pub annotations: &'a BTreeMap<String, String>,
}

/// Why a repository operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A registry request failed.
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryError),
    /// Reading or verifying content failed (filesystem, digest, size, layout shape).
    #[error(transparent)]
    Image(#[from] ImageError),
    /// A manifest or index could not be read.
    #[error(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
    /// A manifest that must exist (the source of a copy, an index child) does not.
    #[error("{location}: no manifest {key}")]
    ManifestNotFound {
        /// The repository.
        location: String,
        /// The tag or digest asked for.
        key: String,
    },
    /// A blob is larger than the caller's limit; refused before reading any of it.
    #[error("{location}: blob {digest} is {size} bytes, more than the {limit}-byte limit")]
    BlobTooLarge {
        /// The repository.
        location: String,
        /// The blob.
        digest: Digest,
        /// Its declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The referrers tag names something other than an image index.
    #[error("{location}: referrers tag {tag} is not an OCI image index")]
    NotAnIndex {
        /// The repository.
        location: String,
        /// The `<alg>-<hex>` tag.
        tag: String,
    },
    /// A referrer whose `subject` does not name the subject it is attached to.
    #[error("referrer {referrer} has subject {found:?}, not {subject}")]
    SubjectMismatch {
        /// The referrer's digest.
        referrer: Digest,
        /// The subject it was to be attached to.
        subject: Digest,
        /// Its `subject.digest`, or `(none)`.
        found: String,
    },
    /// A tag that cannot name a manifest here.
    #[error("{location}: invalid tag {tag:?}: {reason}")]
    InvalidTag {
        /// The repository.
        location: String,
        /// The tag given.
        tag: String,
        /// Why.
        reason: &'static str,
    },
    /// Writing a file of a layout failed.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An index we built could not be serialized.
    #[error("cannot encode {what}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self::Image(ImageError::Io(e))
    }
}

/// An image repository: a registry repository or a layout directory.
pub trait Repository: Send + Sync + fmt::Debug {
    /// Where it is, for messages (`127.0.0.1:5000/app`, `/path/to/layout`).
    fn location(&self) -> String;

    /// The manifest named by `key` (a tag or a digest string); `Ok(None)` when there is none.
    fn manifest(&self, key: &str) -> Result<Option<StoredManifest>, StoreError>;

    /// Stores a manifest under its digest and, when given, `tag` (replacing what the tag named).
    /// The blobs and child manifests it names must already be stored.
    fn put_manifest(
        &self,
        tag: Option<&str>,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest, StoreError>;

    /// The raw, unverified bytes of the blob `desc`; [`Self::blob`] and [`copy_manifest`] wrap
    /// it in a [`VerifyingReader`].
    fn blob_reader(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, StoreError>;

    /// Stores the `size` bytes of `reader` as the blob `digest` (a no-op when already present).
    /// Content that does not hash to `digest` is refused.
    fn put_blob_reader(
        &self,
        digest: &Digest,
        size: u64,
        reader: &mut dyn Read,
    ) -> Result<(), StoreError>;

    /// Whether the blob `digest` is stored.
    fn has_blob(&self, digest: &Digest) -> Result<bool, StoreError>;

    /// The manifests whose `subject` is `subject`.
    fn referrers(&self, subject: &Digest) -> Result<Referrers, StoreError>;

    /// Stores a referrer under its digest and makes it findable by [`Self::referrers`],
    /// updating the tag-schema index when the repository has no referrers API.
    fn push_referrer(&self, subject: &Digest, new: &NewReferrer<'_>) -> Result<Digest, StoreError>;

    /// Makes `referrer` no longer listed for `subject` (tag-schema index updated; the manifest
    /// itself is deleted where the repository allows it).
    fn remove_referrer(&self, subject: &Digest, referrer: &Digest) -> Result<(), StoreError>;

    /// A blob's bytes, checked against `desc`'s size and digest. A descriptor larger than
    /// `limit` is refused before anything is read.
    fn blob(&self, desc: &Descriptor, limit: u64) -> Result<Vec<u8>, StoreError> {
        check_limit(&self.location(), desc, limit)?;
        let mut reader = VerifyingReader::new(self.blob_reader(desc)?, desc);
        let mut out = Vec::new();
        let read = reader.read_to_end(&mut out);
        reader.finish()?;
        read.map_err(|source| ImageError::BlobRead {
            digest: desc.digest.clone(),
            source,
        })?;
        Ok(out)
    }

    /// Stores `bytes` as the blob `digest` (a no-op when already present), after checking
    /// that they hash to it.
    fn put_blob(&self, digest: &Digest, bytes: &[u8]) -> Result<(), StoreError> {
        check_digest(bytes, digest, "blob")?;
        self.put_blob_reader(digest, bytes.len() as u64, &mut &bytes[..])
    }
}

/// Refuses a descriptor larger than `limit`.
fn check_limit(location: &str, desc: &Descriptor, limit: u64) -> Result<(), StoreError> {
    if desc.size <= limit {
        return Ok(());
    }
    Err(StoreError::BlobTooLarge {
        location: location.to_owned(),
        digest: desc.digest.clone(),
        size: desc.size,
        limit,
    })
}

/// A descriptor for a blob known only by digest and size.
fn blob_descriptor(digest: &Digest, size: u64) -> Descriptor {
    Descriptor {
        media_type: String::new(),
        digest: digest.clone(),
        size,
        platform: None,
        annotations: BTreeMap::new(),
        artifact_type: None,
    }
}

/// The parts of a manifest body that tell its kind and subject.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BodyWire {
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    subject: Option<SubjectWire>,
}

#[derive(Deserialize)]
struct SubjectWire {
    digest: String,
}

fn body_of(bytes: &[u8], digest: &Digest) -> Result<BodyWire, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| {
        StoreError::Manifest(crate::manifest::ManifestError::Json {
            what: "manifest",
            digest: digest.clone(),
            source,
        })
    })
}

/// The media type of a manifest: `declared` (a `Content-Type` or index entry, parameters
/// dropped) unless generic, else the body's `mediaType`, else guessed from its shape.
fn media_type_of(
    declared: Option<&str>,
    bytes: &[u8],
    digest: &Digest,
) -> Result<String, StoreError> {
    let declared = declared
        .map(|d| d.split(';').next().unwrap_or_default().trim())
        .filter(|d| {
            !matches!(
                *d,
                "" | "application/json" | "application/octet-stream" | "text/plain"
            )
        });
    if let Some(d) = declared {
        return Ok(d.to_owned());
    }
    let body = body_of(bytes, digest)?;
    Ok(match (body.media_type, body.manifests) {
        (Some(m), _) => m,
        (None, Some(_)) => media::OCI_INDEX.to_owned(),
        (None, None) => media::OCI_MANIFEST.to_owned(),
    })
}

/// Checks that a referrer's `subject` names `subject`, and describes it as an index entry.
fn referrer_entry(subject: &Digest, new: &NewReferrer<'_>) -> Result<Descriptor, StoreError> {
    let digest = Digest::sha256(new.bytes);
    let found = body_of(new.bytes, &digest)?.subject.map(|s| s.digest);
    if found.as_deref() != Some(subject.to_string().as_str()) {
        return Err(StoreError::SubjectMismatch {
            referrer: digest,
            subject: subject.clone(),
            found: found.unwrap_or_else(|| "(none)".to_owned()),
        });
    }
    Ok(Descriptor {
        media_type: new.media_type.to_owned(),
        size: new.bytes.len() as u64,
        digest,
        platform: None,
        annotations: new.annotations.clone(),
        artifact_type: Some(new.artifact_type.to_owned()).filter(|t| !t.is_empty()),
    })
}

/// An image index as we write it: fields in a fixed order, absent ones omitted (no `null`s).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexOut<'a> {
    schema_version: u32,
    media_type: &'static str,
    manifests: Vec<EntryOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryOut<'a> {
    media_type: &'a str,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<PlatformOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    artifact_type: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct PlatformOut<'a> {
    architecture: &'a str,
    os: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
}

impl<'a> From<&'a Descriptor> for EntryOut<'a> {
    fn from(d: &'a Descriptor) -> Self {
        Self {
            media_type: &d.media_type,
            digest: d.digest.to_string(),
            size: d.size,
            platform: d.platform.as_ref().map(|p| PlatformOut {
                architecture: &p.architecture,
                os: &p.os,
                variant: p.variant.as_deref(),
            }),
            artifact_type: d.artifact_type.as_deref(),
            annotations: &d.annotations,
        }
    }
}

/// The bytes of an OCI image index listing `entries` in the order given.
fn index_bytes(entries: &[Descriptor]) -> Result<Vec<u8>, StoreError> {
    let index = IndexOut {
        schema_version: 2,
        media_type: media::OCI_INDEX,
        manifests: entries.iter().map(EntryOut::from).collect(),
    };
    serde_json::to_vec(&index).map_err(|source| StoreError::Encode {
        what: "image index",
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seed: &str) -> Descriptor {
        Descriptor {
            media_type: media::OCI_MANIFEST.to_owned(),
            ..blob_descriptor(&Digest::sha256(seed.as_bytes()), 7)
        }
    }

    #[test]
    fn index_bytes_have_a_fixed_field_order_and_no_nulls() {
        let mut annotated = entry("a");
        annotated.artifact_type = Some("application/x-t".to_owned());
        annotated.annotations.insert("k".to_owned(), "v".to_owned());
        let text = String::from_utf8(index_bytes(&[annotated, entry("b")]).unwrap()).unwrap();
        let (a, b) = (Digest::sha256(b"a"), Digest::sha256(b"b"));
        assert_eq!(
            text,
            format!(
                "{{\"schemaVersion\":2,\"mediaType\":\"{}\",\"manifests\":[\
                 {{\"mediaType\":\"{m}\",\"digest\":\"{a}\",\"size\":7,\
                 \"artifactType\":\"application/x-t\",\"annotations\":{{\"k\":\"v\"}}}},\
                 {{\"mediaType\":\"{m}\",\"digest\":\"{b}\",\"size\":7}}]}}",
                media::OCI_INDEX,
                m = media::OCI_MANIFEST,
            )
        );
        assert_eq!(
            index_bytes(&[]).unwrap(),
            br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#
        );
    }

    #[test]
    fn media_type_prefers_the_declared_then_the_body_then_the_shape() {
        let d = Digest::sha256(b"x");
        let cases: [(Option<&str>, &[u8], &str); 5] = [
            (
                Some("application/x-a; charset=utf-8"),
                b"{}",
                "application/x-a",
            ),
            (Some("application/json"), br#"{"mediaType":"m"}"#, "m"),
            (None, br#"{"manifests":[]}"#, media::OCI_INDEX),
            (None, br#"{"layers":[]}"#, media::OCI_MANIFEST),
            (Some(""), br#"{"mediaType":"n","manifests":[]}"#, "n"),
        ];
        for (declared, body, want) in cases {
            assert_eq!(
                media_type_of(declared, body, &d).unwrap(),
                want,
                "{declared:?}"
            );
        }
        assert!(media_type_of(None, b"not json", &d).is_err());
    }

    #[test]
    fn a_referrer_must_name_its_subject() {
        let subject = Digest::sha256(b"subject");
        let annotations = BTreeMap::new();
        let new = |bytes: &'static [u8]| NewReferrer {
            media_type: media::OCI_MANIFEST,
            bytes,
            artifact_type: "",
            annotations: &annotations,
        };
        let body = format!(r#"{{"subject":{{"digest":"{subject}"}}}}"#).into_bytes();
        let body: &'static [u8] = Box::leak(body.into_boxed_slice());
        let entry = referrer_entry(&subject, &new(body)).unwrap();
        assert_eq!(entry.digest, Digest::sha256(body));
        assert_eq!(entry.artifact_type, None);
        for bad in [&br#"{}"#[..], br#"{"subject":{"digest":"sha256:00"}}"#] {
            let err = referrer_entry(&subject, &new(bad)).unwrap_err();
            assert!(matches!(err, StoreError::SubjectMismatch { .. }), "{err:?}");
        }
    }
}
