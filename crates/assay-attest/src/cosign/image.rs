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
use crate::keyless::{self, Policy, TrustRoot};
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
    /// Who signed: the key id (hex SHA-256 of the SPKI) or the certificate identity.
    pub signer: String,
    /// The signed claim: the simple-signing payload, or for a bundle the Statement's
    /// subject name and no annotations.
    pub claim: SimpleSigning,
}

/// A verified attestation.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedAttestation {
    /// Where it was found.
    pub origin: Origin,
    /// Who signed: the key id or the certificate identity.
    pub signer: String,
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

/// Who is trusted to have signed.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// Any of these keys.
    Keys(&'a [VerifyingKey]),
    /// A Fulcio certificate for an identity the policy accepts, with transparency-log and
    /// timestamp evidence checked against the trusted root.
    Keyless {
        /// Who must have signed.
        policy: &'a Policy,
        /// What vouches for the Sigstore instance.
        root: &'a TrustRoot,
    },
}

/// One attached item before verification.
enum Candidate {
    /// A `.sig`/`.att` layer.
    Layer(Layer),
    /// A bundle referrer: its JSON and envelope, or why it could not be read.
    Bundle(Result<(Vec<u8>, Envelope), String>),
}

/// Checks every signature attached to the subject, in both schemes.
pub fn verify_signatures(
    repo: &dyn Repository,
    subject: &Subject,
    trust: Trust<'_>,
    limits: &mut Limits,
) -> Result<Checked<VerifiedSignature>, CosignError> {
    let candidates = collect(
        repo,
        subject,
        Suffix::Sig,
        Some(SIGN_PREDICATE_TYPE),
        limits,
    )?;
    limits.check_items("signatures", candidates.len())?;
    let mut checked = Checked::default();
    for (origin, candidate) in candidates {
        let outcome = match candidate {
            Candidate::Layer(layer) => check_simple_signing(&layer, subject, trust).map(Some),
            Candidate::Bundle(found) => found
                .and_then(|(json, env)| check_statement(&json, &env, subject, trust))
                .map(|(signer, statement)| {
                    bundle_signature(subject, signer, &statement, &mut checked)
                }),
        };
        match outcome {
            Ok(Some((signer, claim))) => checked.verified.push(VerifiedSignature {
                origin,
                signer,
                claim,
            }),
            Ok(None) => {}
            Err(reason) => checked.rejected.push((origin, reason)),
        }
    }
    Ok(checked)
}

/// The `suffix` layers and the bundle referrers (of `predicate_type`, when given) of the
/// subject, within the limits.
fn collect(
    repo: &dyn Repository,
    subject: &Subject,
    suffix: Suffix,
    predicate_type: Option<&str>,
    limits: &mut Limits,
) -> Result<Vec<(Origin, Candidate)>, CosignError> {
    let mut out = Vec::new();
    if let Some(attachments) = legacy::read(repo, &subject.digest, suffix, limits)? {
        let manifest = attachments
            .manifest
            .clone()
            .unwrap_or_else(|| subject.digest.clone());
        out.extend(attachments.layers.into_iter().map(|layer| {
            let origin = Origin::Legacy {
                manifest: manifest.clone(),
                layer: layer.descriptor.digest.clone(),
            };
            (origin, Candidate::Layer(layer))
        }));
    }
    for found in referrer::read(repo, &subject.digest, predicate_type, limits)? {
        let origin = Origin::Referrer {
            manifest: found.manifest,
        };
        out.push((
            origin,
            Candidate::Bundle(found.envelope.map_err(|e| e.to_string())),
        ));
    }
    Ok(out)
}

/// A verified bundle Statement as a signature claim, when its predicate type is cosign v3's
/// signature type; otherwise it is noted as another type.
fn bundle_signature(
    subject: &Subject,
    signer: String,
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
    Some((signer, claim))
}

/// One `.sig` layer: signature over the exact layer bytes (by a trusted key, or keylessly by
/// the policy's identity), then the payload must name the subject digest. Returns the signer
/// (key id or certificate identity) and the claim.
fn check_simple_signing(
    layer: &Layer,
    subject: &Subject,
    trust: Trust<'_>,
) -> Result<(String, SimpleSigning), String> {
    if layer.descriptor.media_type != legacy::SIMPLE_SIGNING_MEDIA_TYPE {
        return Err(format!(
            "layer media type is {}, not a simple-signing payload",
            layer.descriptor.media_type
        ));
    }
    let signer = match trust {
        Trust::Keys(keys) => layer_key(layer, keys)?,
        Trust::Keyless { policy, root } => {
            let json = layer_bundle(layer)?;
            let verified = keyless::verify(
                &json,
                keyless::Artifact::Bytes(&layer.content),
                policy,
                root,
            )
            .map_err(|e| e.to_string())?;
            verified.identity.unwrap_or_default()
        }
    };
    let claim = payload::decode(&layer.content).map_err(|e| e.to_string())?;
    if claim.digest != subject.digest {
        return Err(format!(
            "signed payload is for {}, not {}",
            claim.digest, subject.digest
        ));
    }
    Ok((signer, claim))
}

/// The id of the key that made the layer's signature.
fn layer_key(layer: &Layer, keys: &[VerifyingKey]) -> Result<String, String> {
    let signature = layer_signature(layer).ok_or("layer has no base64 signature annotation")?;
    keys.iter()
        .find(|k| k.verify(&layer.content, &signature).is_ok())
        .map(VerifyingKey::key_id)
        .ok_or_else(|| "signature does not verify with the given key".to_owned())
}

/// A keyless layer rewritten as a Sigstore bundle (refused when it was signed with a key).
fn layer_bundle(layer: &Layer) -> Result<Vec<u8>, String> {
    if !super::keyless::is_keyless(layer) {
        return Err("layer carries no certificate (it was signed with a key)".to_owned());
    }
    super::keyless::bundle_json(layer).map_err(|e| e.to_string())
}

/// A DSSE envelope (with its bundle JSON, or a layer rewritten as one): signatures over the
/// PAE of the exact payload, payload type in-toto, and a subject digest equal to the subject's.
fn check_statement(
    bundle: &[u8],
    envelope: &Envelope,
    subject: &Subject,
    trust: Trust<'_>,
) -> Result<(String, Statement), String> {
    let (signer, payload_type, payload) = match trust {
        Trust::Keys(keys) => {
            let verifiers: Vec<&dyn Verify> = keys.iter().map(|k| k as &dyn Verify).collect();
            let verified = envelope.verify(&verifiers, 1).map_err(|e| e.to_string())?;
            let signer = verified
                .key_ids
                .first()
                .cloned()
                .flatten()
                .unwrap_or_default();
            (signer, verified.payload_type, verified.payload)
        }
        Trust::Keyless { policy, root } => {
            let verified = keyless::verify(
                bundle,
                keyless::Artifact::Sha256(subject_sha256(subject)?),
                policy,
                root,
            )
            .map_err(|e| e.to_string())?;
            let signer = verified.identity.unwrap_or_default();
            (
                signer,
                envelope.payload_type.clone(),
                envelope.payload.clone(),
            )
        }
    };
    // DSSE `protocol.md`: after the signatures, reject an unsupported PAYLOAD_TYPE, then parse.
    if payload_type != statement::PAYLOAD_TYPE {
        return Err(format!(
            "payload type is {payload_type:?}, not an in-toto Statement"
        ));
    }
    let statement = Statement::from_json(&payload).map_err(|e| e.to_string())?;
    if !statement.matches_digest(subject.digest.algorithm().as_str(), subject.digest.hex()) {
        return Err(format!(
            "statement subjects do not include {}",
            subject.digest
        ));
    }
    Ok((signer, statement))
}

fn subject_sha256(subject: &Subject) -> Result<[u8; 32], String> {
    hex::decode(subject.digest.hex())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| {
            format!(
                "keyless verification needs a sha256 image digest, not {}",
                subject.digest
            )
        })
}

/// Checks every attestation attached to the subject, keeping those of `predicate_type` (all
/// when `None`).
pub fn verify_attestations(
    repo: &dyn Repository,
    subject: &Subject,
    trust: Trust<'_>,
    predicate_type: Option<&str>,
    limits: &mut Limits,
) -> Result<Checked<VerifiedAttestation>, CosignError> {
    let candidates = collect(repo, subject, Suffix::Att, None, limits)?;
    limits.check_items("attestations", candidates.len())?;
    let mut checked = Checked::default();
    for (origin, candidate) in candidates {
        match check_attestation(candidate, subject, trust) {
            Ok((_, statement, _)) if statement.predicate_type() == SIGN_PREDICATE_TYPE => {}
            Ok((signer, statement, envelope))
                if predicate_type.is_none_or(|t| t == statement.predicate_type()) =>
            {
                checked.verified.push(VerifiedAttestation {
                    origin,
                    signer,
                    statement,
                    envelope,
                });
            }
            Ok((_, statement, _)) => checked
                .other_types
                .push(statement.predicate_type().to_owned()),
            Err(reason) => checked.rejected.push((origin, reason)),
        }
    }
    Ok(checked)
}

fn check_attestation(
    candidate: Candidate,
    subject: &Subject,
    trust: Trust<'_>,
) -> Result<(String, Statement, Envelope), String> {
    let (bundle, envelope) = match candidate {
        Candidate::Bundle(found) => found?,
        Candidate::Layer(layer) => {
            let envelope = Envelope::from_json(&layer.content).map_err(|e| e.to_string())?;
            let bundle = match trust {
                Trust::Keys(_) => Vec::new(),
                Trust::Keyless { .. } => layer_bundle(&layer)?,
            };
            (bundle, envelope)
        }
    };
    let (signer, statement) = check_statement(&bundle, &envelope, subject, trust)?;
    Ok((signer, statement, envelope))
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

#[cfg(test)]
mod tests {
    //! Keyless checks on real signed material from the shared corpus (skipped without it).
    #![allow(clippy::print_stderr)]
    use std::path::PathBuf;

    use base64::Engine as _;

    use super::*;
    use crate::keyless::{Matcher, Step};

    fn corpus(rel: &str) -> Option<PathBuf> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus")
            .join(rel);
        if p.exists() {
            return Some(p);
        }
        assert!(
            std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
            "corpus {rel} is missing"
        );
        eprintln!("skipping: corpus {rel} is absent");
        None
    }

    fn production_root() -> Option<TrustRoot> {
        let path = corpus("sigstore/trust/production/trusted_root.json")?;
        Some(TrustRoot::from_json(&fs_err::read_to_string(path).unwrap(), "production").unwrap())
    }

    const BEACON: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    const ACTIONS: &str = "https://token.actions.githubusercontent.com";

    /// A cosign keyless `.sig` layer made from a real v0.1 bundle's parts: the signed bytes
    /// as content, the certificate as PEM, the tlog entry as cosign's Rekor bundle annotation.
    fn legacy_layer() -> Option<(Layer, TrustRoot)> {
        let dir = corpus("sigstore/conformance/bundle-verify")?;
        let bundle: serde_json::Value = serde_json::from_slice(
            &fs_err::read(dir.join("happy-path-v0.1/bundle.sigstore.json")).unwrap(),
        )
        .unwrap();
        let material = &bundle["verificationMaterial"];
        let cert = material["x509CertificateChain"]["certificates"][0]["rawBytes"]
            .as_str()
            .unwrap();
        let pem = format!("-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----\n");
        let entry = &material["tlogEntries"][0];
        let log_id = STANDARD
            .decode(entry["logId"]["keyId"].as_str().unwrap())
            .unwrap();
        let rekor = serde_json::json!({
            "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
            "Payload": {
                "body": entry["canonicalizedBody"],
                "integratedTime": entry["integratedTime"].as_str().unwrap().parse::<i64>().unwrap(),
                "logIndex": entry["logIndex"].as_str().unwrap().parse::<i64>().unwrap(),
                "logID": hex::encode(log_id),
            },
        });
        let annotations = BTreeMap::from([
            (
                legacy::SIGNATURE_ANNOTATION.to_owned(),
                bundle["messageSignature"]["signature"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ),
            (legacy::CERTIFICATE_ANNOTATION.to_owned(), pem),
            (legacy::BUNDLE_ANNOTATION.to_owned(), rekor.to_string()),
        ]);
        let content = fs_err::read(dir.join("a.txt")).unwrap();
        let layer = Layer::new(legacy::SIMPLE_SIGNING_MEDIA_TYPE, content, annotations);
        Some((layer, production_root()?))
    }

    #[test]
    fn legacy_keyless_layer_verifies_as_a_bundle() {
        let Some((layer, root)) = legacy_layer() else {
            return;
        };
        let json = layer_bundle(&layer).unwrap();
        let good = Policy::new(
            Matcher::Exact(BEACON.into()),
            Matcher::Exact(ACTIONS.into()),
        );
        let verified = keyless::verify(
            &json,
            keyless::Artifact::Bytes(&layer.content),
            &good,
            &root,
        )
        .unwrap();
        assert_eq!(verified.identity.as_deref(), Some(BEACON));
        assert!(verified.tlog_checked && verified.certificate_checked);

        let someone_else = Policy::new(
            Matcher::Exact("mallory@example.com".into()),
            Matcher::Exact(ACTIONS.into()),
        );
        let err = keyless::verify(
            &json,
            keyless::Artifact::Bytes(&layer.content),
            &someone_else,
            &root,
        )
        .unwrap_err();
        assert_eq!(err.step, Step::IdentityMismatch);

        let mut tampered = layer.clone();
        tampered.content.push(b'!');
        let err = keyless::verify(
            &layer_bundle(&tampered).unwrap(),
            keyless::Artifact::Bytes(&tampered.content),
            &good,
            &root,
        )
        .unwrap_err();
        assert!(
            matches!(
                err.step,
                Step::Signature | Step::ArtifactMismatch | Step::TlogEntry
            ),
            "{err}"
        );
    }

    #[test]
    fn key_signed_layers_are_not_keyless() {
        let layer = Layer::new(
            legacy::SIMPLE_SIGNING_MEDIA_TYPE,
            b"{}".to_vec(),
            BTreeMap::new(),
        );
        assert!(
            layer_bundle(&layer)
                .unwrap_err()
                .contains("signed with a key")
        );
    }

    /// cosign's own keyless attestation bundle (Statement v0.1), checked as a referrer would
    /// be: against the image digest its statement names.
    #[test]
    fn cosign_keyless_attestation_bundle_verifies_for_its_image() {
        let (Some(path), Some(root)) = (
            corpus("sigstore/cosign/oci-attestation.sigstore.json"),
            production_root(),
        ) else {
            return;
        };
        let json = fs_err::read(path).unwrap();
        let bundle = crate::bundle::Bundle::from_json(&json).unwrap();
        let crate::bundle::Content::Dsse(envelope) = bundle.content() else {
            panic!("DSSE")
        };
        let digest: Digest =
            "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4"
                .parse()
                .unwrap();
        let subject = Subject {
            reference: "127.0.0.1:60943/repo".into(),
            digest,
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            size: 0,
        };
        let policy = Policy::new(
            Matcher::Exact("cody@soyland.com".into()),
            Matcher::Exact("https://github.com/login/oauth".into()),
        );
        let trust = Trust::Keyless {
            policy: &policy,
            root: &root,
        };
        let (signer, statement) = check_statement(&json, envelope, &subject, trust).unwrap();
        assert_eq!(signer, "cody@soyland.com");
        assert_eq!(
            statement.predicate_type(),
            "https://cosign.sigstore.dev/attestation/v1"
        );

        let other = Subject {
            digest: Digest::sha256(b"another image"),
            ..subject
        };
        assert!(check_statement(&json, envelope, &other, trust).is_err());
    }
}
