//! cosign v3's referrer storage (`specs/BUNDLE_SPEC.md`): one OCI image manifest per Sigstore
//! bundle, `artifactType` [`BUNDLE_MEDIA_TYPE`], the empty config, a single layer holding the
//! bundle JSON (titled `sha256-<hex>.sigstore.json`), `subject` naming the image, and the
//! annotations [`CONTENT_ANNOTATION`], [`PREDICATE_TYPE_ANNOTATION`] and
//! `org.opencontainers.image.created` ("Annotations"). It is found through the referrers API
//! or, on registries without one, the referrers tag schema (both handled by
//! [`Repository::referrers`] / [`Repository::push_referrer`]).
//!
//! An image *signature* in this scheme is a DSSE-wrapped in-toto Statement whose predicate
//! type is [`SIGN_PREDICATE_TYPE`] and whose predicate is empty, as cosign v3 writes it.

use std::collections::BTreeMap;

use assay_core::Digest;
use assay_oci::manifest::{Descriptor, Manifest};
use assay_oci::store::{NewReferrer, Repository, StoreError};
use serde::Serialize;

use super::image::Subject;
use super::{CosignError, Limits};
use crate::bundle::{self, Bundle, Content};
use crate::dsse::Envelope;
use crate::keys::Signer;

/// The artifact type (and layer media type) of a bundle referrer.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The predicate type of a cosign v3 image signature.
pub const SIGN_PREDICATE_TYPE: &str = "https://sigstore.dev/cosign/sign/v1";
/// `message-signature` or `dsse-envelope`.
pub const CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
/// The Statement's predicate type, as an unauthenticated hint.
pub const PREDICATE_TYPE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";
/// The creation time annotation (OCI `annotations.md`).
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
const EMPTY_CONTENT: &[u8] = b"{}";

/// A bundle found on a referrer, before verification.
#[derive(Debug)]
pub struct Found {
    /// The referrer manifest's digest.
    pub manifest: Digest,
    /// The bundle's JSON and its DSSE envelope, or why there are none.
    pub envelope: Result<(Vec<u8>, Envelope), CosignError>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    artifact_type: &'a str,
    config: WireDescriptor<'a>,
    layers: [WireDescriptor<'a>; 1],
    subject: WireDescriptor<'a>,
    annotations: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireDescriptor<'a> {
    media_type: &'a str,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// Stores `envelope` (signed by `signer`) as a bundle referrer of `subject`; returns the
/// referrer manifest's digest.
pub fn push(
    repo: &dyn Repository,
    subject: &Subject,
    signer: &dyn Signer,
    envelope: &Envelope,
    predicate_type: &str,
    created: &str,
) -> Result<Digest, CosignError> {
    let bundle = bundle::attest(&signer.public_key(), envelope.clone())?.to_json();
    let bundle_digest = Digest::sha256(&bundle);
    repo.put_blob(&bundle_digest, &bundle)?;
    repo.put_blob(&Digest::sha256(EMPTY_CONTENT), EMPTY_CONTENT)?;
    let annotations = BTreeMap::from([
        (CONTENT_ANNOTATION.to_owned(), "dsse-envelope".to_owned()),
        (
            PREDICATE_TYPE_ANNOTATION.to_owned(),
            predicate_type.to_owned(),
        ),
        (CREATED_ANNOTATION.to_owned(), created.to_owned()),
    ]);
    let manifest = manifest_json(subject, &bundle_digest, bundle.len() as u64, &annotations);
    Ok(repo.push_referrer(
        &subject.digest,
        &NewReferrer {
            media_type: OCI_MANIFEST,
            bytes: &manifest,
            artifact_type: BUNDLE_MEDIA_TYPE,
            annotations: &annotations,
        },
    )?)
}

fn manifest_json(
    subject: &Subject,
    bundle: &Digest,
    bundle_size: u64,
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    let title = format!(
        "{}-{}.sigstore.json",
        bundle.algorithm().as_str(),
        bundle.hex()
    );
    let wire = WireManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        artifact_type: BUNDLE_MEDIA_TYPE,
        config: WireDescriptor {
            media_type: EMPTY_MEDIA_TYPE,
            digest: Digest::sha256(EMPTY_CONTENT).to_string(),
            size: EMPTY_CONTENT.len() as u64,
            annotations: BTreeMap::new(),
        },
        layers: [WireDescriptor {
            media_type: BUNDLE_MEDIA_TYPE,
            digest: bundle.to_string(),
            size: bundle_size,
            annotations: BTreeMap::from([(
                assay_oci::artifact::TITLE_ANNOTATION.to_owned(),
                title,
            )]),
        }],
        subject: WireDescriptor {
            media_type: &subject.media_type,
            digest: subject.digest.to_string(),
            size: subject.size,
            annotations: BTreeMap::new(),
        },
        annotations,
    };
    serde_json::to_vec(&wire).unwrap_or_default()
}

/// Whether a listed referrer is a Sigstore bundle (any bundle version).
fn is_bundle(desc: &Descriptor) -> bool {
    desc.artifact_type
        .as_deref()
        .is_some_and(|t| t.starts_with("application/vnd.dev.sigstore.bundle"))
}

/// The bundle referrers of `subject`, with their envelopes. With `predicate_type`, only
/// referrers whose (unauthenticated) predicate-type annotation names it, or that have none.
pub fn read(
    repo: &dyn Repository,
    subject: &Digest,
    predicate_type: Option<&str>,
    limits: &mut Limits,
) -> Result<Vec<Found>, CosignError> {
    let listed: Vec<Descriptor> = repo
        .referrers(subject)?
        .manifests
        .into_iter()
        .filter(is_bundle)
        .filter(|d| {
            predicate_type.is_none_or(|t| {
                d.annotations
                    .get(PREDICATE_TYPE_ANNOTATION)
                    .is_none_or(|a| a == t)
            })
        })
        .collect();
    limits.check_items("referrers", listed.len())?;
    let mut found = Vec::with_capacity(listed.len());
    for desc in listed {
        let envelope = read_envelope(repo, &desc, limits);
        if let Err(CosignError::TooMuchData { .. }) = envelope {
            return envelope.map(|_| Vec::new());
        }
        found.push(Found {
            manifest: desc.digest,
            envelope,
        });
    }
    Ok(found)
}

fn read_envelope(
    repo: &dyn Repository,
    desc: &Descriptor,
    limits: &mut Limits,
) -> Result<(Vec<u8>, Envelope), CosignError> {
    let stored =
        repo.manifest(&desc.digest.to_string())?
            .ok_or_else(|| CosignError::ImageNotFound {
                location: repo.location(),
                key: desc.digest.to_string(),
            })?;
    let layer = match Manifest::parse(&stored.bytes, &stored.digest, Some(&stored.media_type))
        .map_err(StoreError::from)?
    {
        Manifest::Image(m) => m.layers.into_iter().next(),
        Manifest::Index(_) => None,
    }
    .ok_or_else(|| CosignError::NotAnAttachment {
        digest: stored.digest.clone(),
    })?;
    let bytes = repo.blob(&layer, limits.take(&layer)?)?;
    match Bundle::from_json(&bytes)?.content() {
        Content::Dsse(envelope) => Ok((bytes.clone(), envelope.clone())),
        _ => Err(CosignError::Payload {
            reason: "the bundle holds a message signature, not a DSSE envelope".to_owned(),
        }),
    }
}

/// Removes `subject`'s bundle referrers whose predicate-type annotation is `predicate_type`;
/// returns their digests.
pub fn remove_predicate(
    repo: &dyn Repository,
    subject: &Digest,
    predicate_type: &str,
) -> Result<Vec<Digest>, CosignError> {
    let doomed: Vec<Digest> = repo
        .referrers(subject)?
        .manifests
        .into_iter()
        .filter(|d| {
            is_bundle(d)
                && d.annotations
                    .get(PREDICATE_TYPE_ANNOTATION)
                    .map(String::as_str)
                    == Some(predicate_type)
        })
        .map(|d| d.digest)
        .collect();
    for digest in &doomed {
        repo.remove_referrer(subject, digest)?;
    }
    Ok(doomed)
}
