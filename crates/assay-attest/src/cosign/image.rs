//! Signing, attesting and verifying one image in a repository, in both storage schemes.
//!
//! Security rules (cosign `specs/SIGNATURE_SPEC.md`, DSSE `protocol.md`):
//! - the subject is resolved once ([`resolve`]) and only its digest is used afterwards;
//! - signatures are checked over the exact stored payload bytes (a simple-signing layer, or a
//!   DSSE PAE over the exact decoded payload), never over a re-serialisation;
//! - a signed payload must name the resolved digest (simple signing
//!   `critical.image.docker-manifest-digest`, or an in-toto subject digest);
//! - unauthenticated hints (the `predicateType` layer annotation, referrer annotations) only
//!   choose what to look at; decisions use the verified Statement.

use std::collections::BTreeMap;

use assay_core::Digest;
use assay_oci::store::Repository;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::legacy::{self, Layer, Suffix};
use super::payload::{self, SimpleSigning};
use super::referrer::{self, SIGN_PREDICATE_TYPE};
use super::{CosignError, Limits};
use crate::dsse::{self, Envelope, Verify};
use crate::keys::{Signer, VerifyingKey};
use crate::statement::{self, Statement, Subject as StatementSubject};

/// The image being signed or verified, after its tag was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The repository as cosign names it in payloads (`registry/repository`).
    pub reference: String,
    /// The manifest (or index) digest everything is bound to.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Which storage scheme(s) a write uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// cosign's `.sig`/`.att` tags.
    Legacy,
    /// OCI 1.1 referrers holding Sigstore bundles.
    Referrers,
    /// Both.
    Both,
}

impl Storage {
    fn legacy(self) -> bool {
        matches!(self, Self::Legacy | Self::Both)
    }

    fn referrers(self) -> bool {
        matches!(self, Self::Referrers | Self::Both)
    }
}

/// How to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// Where.
    pub storage: Storage,
    /// Remove earlier attestations of the same predicate type first.
    pub replace: bool,
    /// RFC 3339 creation time recorded on referrer manifests.
    pub created: String,
}

/// What a write stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The `.sig`/`.att` manifest after the write, when legacy storage was used.
    pub legacy: Option<LegacyWrite>,
    /// The referrer manifest's digest, when referrers were used.
    pub referrer: Option<Digest>,
    /// Referrers removed by `replace`.
    pub removed_referrers: Vec<Digest>,
}

/// The legacy part of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyWrite {
    /// The attachment manifest's digest.
    pub manifest: Digest,
    /// False when an equivalent signature was already there (nothing appended).
    pub appended: bool,
    /// Layers removed by `replace`.
    pub replaced: usize,
}

/// Where a verified or rejected item was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A layer of the `.sig`/`.att` manifest.
    Legacy {
        /// The attachment manifest.
        manifest: Digest,
        /// The layer.
        layer: Digest,
    },
    /// A referrer manifest holding a Sigstore bundle.
    Referrer {
        /// The referrer manifest.
        manifest: Digest,
    },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Legacy { layer, .. } => write!(f, "tag-scheme layer {layer}"),
            Self::Referrer { manifest } => write!(f, "referrer {manifest}"),
        }
    }
}

/// A verified image signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// Where it was found.
    pub origin: Origin,
    /// The key id (hex SHA-256 of the SPKI) that verified it.
    pub key_id: String,
    /// The signed claim: the simple-signing payload, or for a bundle the Statement's
    /// subject name and no annotations.
    pub claim: SimpleSigning,
}

/// A verified attestation.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedAttestation {
    /// Where it was found.
    pub origin: Origin,
    /// The key id that verified it.
    pub key_id: String,
    /// The verified Statement.
    pub statement: Statement,
    /// The envelope as stored.
    pub envelope: Envelope,
}

/// The outcome of checking every attached item of one kind.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    /// Items that verified and are about the subject.
    pub verified: Vec<T>,
    /// Items that did not verify, or verified but are about something else, with the reason.
    pub rejected: Vec<(Origin, String)>,
    /// Verified attestations left out because of their predicate type.
    pub other_types: Vec<String>,
}

impl<T> Default for Checked<T> {
    fn default() -> Self {
        Self {
            verified: Vec::new(),
            rejected: Vec::new(),
            other_types: Vec::new(),
        }
    }
}

/// Looks `key` (a tag or digest) up once and returns the subject to bind everything to.
pub fn resolve(repo: &dyn Repository, key: &str, reference: &str) -> Result<Subject, CosignError> {
    let stored = repo
        .manifest(key)?
        .ok_or_else(|| CosignError::ImageNotFound {
            location: repo.location(),
            key: key.to_owned(),
        })?;
    Ok(Subject {
        reference: reference.to_owned(),
        digest: stored.digest,
        media_type: stored.media_type,
        size: stored.bytes.len() as u64,
    })
}

/// Signs the subject: a simple-signing layer on the `.sig` manifest (skipped when the same
/// key already signed the same payload), and/or a referrer bundle of an in-toto Statement with
/// cosign v3's signature predicate type.
pub fn sign(
    repo: &dyn Repository,
    subject: &Subject,
    signer: &dyn Signer,
    annotations: &BTreeMap<String, String>,
    opts: &WriteOptions,
) -> Result<Written, CosignError> {
    let mut written = Written::default();
    if opts.storage.legacy() {
        written.legacy = Some(sign_legacy(repo, subject, signer, annotations)?);
    }
    if opts.storage.referrers() {
        let predicate = serde_json::Value::Object(serde_json::Map::new());
        let envelope = statement_envelope(subject, signer, SIGN_PREDICATE_TYPE, predicate)?;
        written.referrer = Some(referrer::push(
            repo,
            subject,
            signer,
            &envelope,
            SIGN_PREDICATE_TYPE,
            &opts.created,
        )?);
    }
    Ok(written)
}

fn sign_legacy(
    repo: &dyn Repository,
    subject: &Subject,
    signer: &dyn Signer,
    annotations: &BTreeMap<String, String>,
) -> Result<LegacyWrite, CosignError> {
    let payload = payload::encode(&subject.reference, &subject.digest, annotations);
    let mut attachments = legacy::read(repo, &subject.digest, Suffix::Sig, &mut Limits::default())?
        .unwrap_or_default();
    let key = signer.public_key();
    let payload_digest = Digest::sha256(&payload);
    let already = attachments.layers.iter().any(|l| {
        l.descriptor.digest == payload_digest
            && layer_signature(l).is_some_and(|sig| key.verify(&l.content, &sig).is_ok())
    });
    if !already {
        let signature = signer.sign(&payload).map_err(CosignError::Sign)?;
        let annotations = BTreeMap::from([(
            legacy::SIGNATURE_ANNOTATION.to_owned(),
            STANDARD.encode(signature),
        )]);
        attachments.layers.push(Layer::new(
            legacy::SIMPLE_SIGNING_MEDIA_TYPE,
            payload,
            annotations,
        ));
    }
    let manifest = legacy::write(repo, &subject.digest, Suffix::Sig, &attachments)?;
    Ok(LegacyWrite {
        manifest,
        appended: !already,
        replaced: 0,
    })
}

/// Attests: an in-toto Statement v1 about the subject with `predicate`, in a DSSE envelope,
/// as an `.att` layer and/or a referrer bundle.
pub fn attest(
    repo: &dyn Repository,
    subject: &Subject,
    signer: &dyn Signer,
    predicate_type: &str,
    predicate: serde_json::Value,
    opts: &WriteOptions,
) -> Result<Written, CosignError> {
    let envelope = statement_envelope(subject, signer, predicate_type, predicate)?;
    let mut written = Written::default();
    if opts.storage.legacy() {
        written.legacy = Some(attest_legacy(
            repo,
            subject,
            &envelope,
            predicate_type,
            opts.replace,
        )?);
    }
    if opts.storage.referrers() {
        if opts.replace {
            written.removed_referrers =
                referrer::remove_predicate(repo, &subject.digest, predicate_type)?;
        }
        written.referrer = Some(referrer::push(
            repo,
            subject,
            signer,
            &envelope,
            predicate_type,
            &opts.created,
        )?);
    }
    Ok(written)
}

fn attest_legacy(
    repo: &dyn Repository,
    subject: &Subject,
    envelope: &Envelope,
    predicate_type: &str,
    replace: bool,
) -> Result<LegacyWrite, CosignError> {
    let mut attachments = legacy::read(repo, &subject.digest, Suffix::Att, &mut Limits::default())?
        .unwrap_or_default();
    let before = attachments.layers.len();
    if replace {
        attachments
            .layers
            .retain(|l| unverified_predicate_type(l).as_deref() != Some(predicate_type));
    }
    let replaced = before - attachments.layers.len();
    let annotations = BTreeMap::from([
        (legacy::SIGNATURE_ANNOTATION.to_owned(), String::new()),
        (
            legacy::PREDICATE_TYPE_ANNOTATION.to_owned(),
            predicate_type.to_owned(),
        ),
    ]);
    attachments.layers.push(Layer::new(
        legacy::DSSE_MEDIA_TYPE,
        envelope.to_json(),
        annotations,
    ));
    let manifest = legacy::write(repo, &subject.digest, Suffix::Att, &attachments)?;
    Ok(LegacyWrite {
        manifest,
        appended: true,
        replaced,
    })
}

/// The predicate type an `.att` layer claims (what cosign's replace looks at): the payload's
/// `predicateType` when it parses, else the annotation.
fn unverified_predicate_type(layer: &Layer) -> Option<String> {
    Envelope::from_json(&layer.content)
        .ok()
        .and_then(|e| Statement::from_json(&e.payload).ok())
        .map(|s| s.predicate_type().to_owned())
        .or_else(|| {
            layer
                .annotation(legacy::PREDICATE_TYPE_ANNOTATION)
                .map(str::to_owned)
        })
}

/// A v1 Statement about the subject, signed into a DSSE envelope. The envelope's `keyid` is
/// left empty, as cosign leaves it.
fn statement_envelope(
    subject: &Subject,
    signer: &dyn Signer,
    predicate_type: &str,
    predicate: serde_json::Value,
) -> Result<Envelope, CosignError> {
    let digest = BTreeMap::from([(
        subject.digest.algorithm().as_str().to_owned(),
        subject.digest.hex().to_owned(),
    )]);
    let statement = Statement::new(
        vec![StatementSubject::new(&subject.reference, digest)?],
        predicate_type,
        predicate,
    )?;
    Ok(Envelope::sign(
        statement::PAYLOAD_TYPE,
        &statement.to_json(),
        &AnonymousSigner(signer),
    )?)
}

/// A [`Signer`] as a DSSE signer that writes no key id.
struct AnonymousSigner<'a>(&'a dyn Signer);

impl dsse::Sign for AnonymousSigner<'_> {
    fn key_id(&self) -> Option<String> {
        None
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, dsse::SignError> {
        self.0.sign(msg).map_err(dsse::SignError::new)
    }
}

fn layer_signature(layer: &Layer) -> Option<Vec<u8>> {
    layer
        .annotation(legacy::SIGNATURE_ANNOTATION)
        .and_then(|s| STANDARD.decode(s).ok())
}

/// Checks every signature attached to the subject, in both schemes.
pub fn verify_signatures(
    repo: &dyn Repository,
    subject: &Subject,
    keys: &[VerifyingKey],
    limits: &mut Limits,
) -> Result<Checked<VerifiedSignature>, CosignError> {
    let mut checked = Checked::default();
    let legacy = legacy::read(repo, &subject.digest, Suffix::Sig, limits)?;
    let bundles = referrer::read(repo, &subject.digest, Some(SIGN_PREDICATE_TYPE), limits)?;
    let count = legacy.as_ref().map_or(0, |a| a.layers.len()) + bundles.len();
    limits.check_items("signatures", count)?;
    if let Some(attachments) = legacy {
        let manifest = attachments
            .manifest
            .clone()
            .unwrap_or_else(|| subject.digest.clone());
        for layer in &attachments.layers {
            let origin = Origin::Legacy {
                manifest: manifest.clone(),
                layer: layer.descriptor.digest.clone(),
            };
            let outcome = check_simple_signing(layer, subject, keys);
            record_signature(&mut checked, origin, outcome.map(Some));
        }
    }
    for found in bundles {
        let origin = Origin::Referrer {
            manifest: found.manifest.clone(),
        };
        let outcome = found
            .envelope
            .map_err(|e| e.to_string())
            .and_then(|env| check_statement(&env, subject, keys))
            .map(|(key_id, statement)| bundle_signature(subject, key_id, &statement, &mut checked));
        record_signature(&mut checked, origin, outcome);
    }
    Ok(checked)
}

/// Files one item's outcome: verified, rejected, or (`Ok(None)`) verified but not a signature.
fn record_signature(
    checked: &mut Checked<VerifiedSignature>,
    origin: Origin,
    outcome: Result<Option<(String, SimpleSigning)>, String>,
) {
    match outcome {
        Ok(Some((key_id, claim))) => checked.verified.push(VerifiedSignature {
            origin,
            key_id,
            claim,
        }),
        Ok(None) => {}
        Err(reason) => checked.rejected.push((origin, reason)),
    }
}

/// A verified bundle Statement as a signature claim, when its predicate type is cosign v3's
/// signature type; otherwise it is noted as another type.
fn bundle_signature(
    subject: &Subject,
    key_id: String,
    statement: &Statement,
    checked: &mut Checked<VerifiedSignature>,
) -> Option<(String, SimpleSigning)> {
    if statement.predicate_type() != SIGN_PREDICATE_TYPE {
        checked
            .other_types
            .push(statement.predicate_type().to_owned());
        return None;
    }
    let claim = SimpleSigning {
        docker_reference: statement
            .subjects()
            .first()
            .map(|s| s.name().to_owned())
            .unwrap_or_default(),
        digest: subject.digest.clone(),
        optional: BTreeMap::new(),
    };
    Some((key_id, claim))
}

/// One `.sig` layer: signature over the exact layer bytes, then the payload must name the
/// subject digest.
fn check_simple_signing(
    layer: &Layer,
    subject: &Subject,
    keys: &[VerifyingKey],
) -> Result<(String, SimpleSigning), String> {
    if layer.descriptor.media_type != legacy::SIMPLE_SIGNING_MEDIA_TYPE {
        return Err(format!(
            "layer media type is {}, not a simple-signing payload",
            layer.descriptor.media_type
        ));
    }
    let raw = layer
        .annotation(legacy::SIGNATURE_ANNOTATION)
        .ok_or("layer has no signature annotation")?;
    let signature = STANDARD
        .decode(raw)
        .map_err(|_| "signature annotation is not base64".to_owned())?;
    let key = keys
        .iter()
        .find(|k| k.verify(&layer.content, &signature).is_ok())
        .ok_or("signature does not verify with the given key")?;
    let claim = payload::decode(&layer.content).map_err(|e| e.to_string())?;
    if claim.digest != subject.digest {
        return Err(format!(
            "signed payload is for {}, not {}",
            claim.digest, subject.digest
        ));
    }
    Ok((key.key_id(), claim))
}

/// A DSSE envelope: signatures over the PAE of the exact payload, payload type in-toto, and a
/// subject digest equal to the subject's.
fn check_statement(
    envelope: &Envelope,
    subject: &Subject,
    keys: &[VerifyingKey],
) -> Result<(String, Statement), String> {
    let verifiers: Vec<&dyn Verify> = keys.iter().map(|k| k as &dyn Verify).collect();
    let verified = envelope.verify(&verifiers, 1).map_err(|e| e.to_string())?;
    let key_id = verified
        .key_ids
        .first()
        .cloned()
        .flatten()
        .unwrap_or_default();
    // DSSE `protocol.md`: after the signatures, reject an unsupported PAYLOAD_TYPE, then parse.
    if verified.payload_type != statement::PAYLOAD_TYPE {
        return Err(format!(
            "payload type is {:?}, not an in-toto Statement",
            verified.payload_type
        ));
    }
    let statement = Statement::from_json(&verified.payload).map_err(|e| e.to_string())?;
    if !statement.matches_digest(subject.digest.algorithm().as_str(), subject.digest.hex()) {
        return Err(format!(
            "statement subjects do not include {}",
            subject.digest
        ));
    }
    Ok((key_id, statement))
}

/// Checks every attestation attached to the subject, keeping those of `predicate_type` (all
/// when `None`).
pub fn verify_attestations(
    repo: &dyn Repository,
    subject: &Subject,
    keys: &[VerifyingKey],
    predicate_type: Option<&str>,
    limits: &mut Limits,
) -> Result<Checked<VerifiedAttestation>, CosignError> {
    let mut checked = Checked::default();
    let legacy = legacy::read(repo, &subject.digest, Suffix::Att, limits)?;
    let bundles = referrer::read(repo, &subject.digest, None, limits)?;
    let count = legacy.as_ref().map_or(0, |a| a.layers.len()) + bundles.len();
    limits.check_items("attestations", count)?;
    let mut candidates = legacy
        .map(|a| legacy_envelopes(&a, subject))
        .unwrap_or_default();
    candidates.extend(bundles.into_iter().map(|b| {
        let origin = Origin::Referrer {
            manifest: b.manifest,
        };
        (origin, b.envelope.map_err(|e| e.to_string()))
    }));
    for (origin, envelope) in candidates {
        let outcome =
            envelope.and_then(|env| check_statement(&env, subject, keys).map(|r| (env, r)));
        match outcome {
            Ok((_, (_, statement))) if statement.predicate_type() == SIGN_PREDICATE_TYPE => {}
            Ok((envelope, (key_id, statement)))
                if predicate_type.is_none_or(|t| t == statement.predicate_type()) =>
            {
                checked.verified.push(VerifiedAttestation {
                    origin,
                    key_id,
                    statement,
                    envelope,
                });
            }
            Ok((_, (_, statement))) => checked
                .other_types
                .push(statement.predicate_type().to_owned()),
            Err(reason) => checked.rejected.push((origin, reason)),
        }
    }
    Ok(checked)
}

/// The `.att` layers as envelopes (or why a layer is not one).
fn legacy_envelopes(
    attachments: &legacy::Attachments,
    subject: &Subject,
) -> Vec<(Origin, Result<Envelope, String>)> {
    let manifest = attachments
        .manifest
        .clone()
        .unwrap_or_else(|| subject.digest.clone());
    attachments
        .layers
        .iter()
        .map(|l| {
            let origin = Origin::Legacy {
                manifest: manifest.clone(),
                layer: l.descriptor.digest.clone(),
            };
            (
                origin,
                Envelope::from_json(&l.content).map_err(|e| e.to_string()),
            )
        })
        .collect()
}

/// Everything attached to the subject, unverified: the legacy manifests' layers and the
/// referrers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// `.sig`, `.att`, `.sbom` manifests that exist: (suffix, manifest digest, layers).
    pub legacy: Vec<(Suffix, Digest, Vec<assay_oci::manifest::Descriptor>)>,
    /// Referrer descriptors as listed.
    pub referrers: Vec<assay_oci::manifest::Descriptor>,
    /// How referrers were found.
    pub referrers_source: Option<assay_oci::store::ReferrersSource>,
}

/// Lists what is attached to the subject without downloading layer content.
pub fn tree(repo: &dyn Repository, subject: &Subject) -> Result<Tree, CosignError> {
    let mut tree = Tree::default();
    for suffix in [Suffix::Sig, Suffix::Att, Suffix::Sbom] {
        if let Some((digest, layers)) = legacy::list(repo, &subject.digest, suffix)? {
            tree.legacy.push((suffix, digest, layers));
        }
    }
    let referrers = repo.referrers(&subject.digest)?;
    tree.referrers_source = Some(referrers.source);
    tree.referrers = referrers.manifests;
    Ok(tree)
}
