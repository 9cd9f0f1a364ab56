//! Keyless verification of Sigstore bundles (v0.1–v0.3, message signatures and DSSE) against a
//! trusted root, offline: the Fulcio certificate chain at the signed time, the embedded SCT,
//! Rekor v1 inclusion promises (SETs), inclusion proofs and checkpoints, Rekor v2 entries,
//! RFC 3161 timestamps, the log entry's consistency with signature, certificate and artifact,
//! and the signer's identity ([`Policy`]). Bundles signed with a managed key are verified the
//! same way, against the key instead of a certificate ([`verify_with_key`]).
//!
//! The cryptographic steps are those of the Sigstore client specification, carried out by the
//! sigstore-rust verification crates (`sigstore-verify`); see ARCHITECTURE.md for the choice.
//! This module adds what assay needs around them: the bundle is first parsed by
//! [`crate::bundle`] (whose per-version rules reject malformed bundles early and name the
//! field), identity and issuer may be regular expressions, other Fulcio extensions may be
//! required, and every failure names the step that failed ([`Step`]). Where the verifier is
//! stricter or looser than the reference clients, this module follows the reference clients:
//! a v0.1 inclusion proof without a checkpoint is ignored rather than fatal, an RFC 3161
//! timestamp that does not verify is set aside when the log promises another signed time, and
//! a log entry recording other content is told apart from a wrong artifact (`binding`). Where
//! the verifier ignores a value the bundle carries, it is checked here: an inclusion proof must
//! agree with its checkpoint and entry, every entry must name a trusted log, and certificates a
//! bundle ships after its leaf must be the trusted root's own (stricter than the clients, which
//! ignore them).
//! `tests/keyless_conformance.rs` runs the sigstore-conformance suite against this module.

use sigstore_verify::trust_root::{
    SIGSTORE_PRODUCTION_TRUSTED_ROOT, SIGSTORE_STAGING_TRUSTED_ROOT, TrustedRoot,
};
use sigstore_verify::types::{
    ArtifactDigest, Bundle as SigstoreBundle, DerPublicKey, HashAlgorithm, Sha256Hash,
};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationResult, Verifier};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

mod binding;
mod error;
mod policy;
mod timestamps;

pub use error::{KeylessError, Step};
pub use policy::{Extension, Matcher, Policy};

use crate::bundle::{BundleVersion, KeyMaterial};
use crate::keys::VerifyingKey;

/// A trusted root, ready to verify with.
pub struct TrustRoot {
    name: String,
    verifier: Verifier,
    /// Every certificate of the trusted Fulcio CAs' chains (DER).
    ca_certificates: std::collections::BTreeSet<Vec<u8>>,
    /// The trusted timestamp authorities.
    tsa_authorities: Vec<sigstore_verify::trust_root::TsaAuthority>,
    /// The log IDs (`logId.keyId`) of the trusted transparency logs.
    tlog_ids: std::collections::BTreeSet<Vec<u8>>,
}

impl std::fmt::Debug for TrustRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustRoot")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl TrustRoot {
    /// The Sigstore public-good production instance's trusted root (embedded).
    pub fn production() -> Result<Self, KeylessError> {
        Self::from_json(SIGSTORE_PRODUCTION_TRUSTED_ROOT, "production")
    }

    /// The Sigstore public-good staging instance's trusted root (embedded).
    pub fn staging() -> Result<Self, KeylessError> {
        Self::from_json(SIGSTORE_STAGING_TRUSTED_ROOT, "staging")
    }

    /// A `trusted_root.json` (protobuf-specs `TrustedRoot`), named `name` in messages.
    pub fn from_json(json: &str, name: &str) -> Result<Self, KeylessError> {
        let root = TrustedRoot::from_json(json)
            .map_err(|e| KeylessError::new(Step::TrustMaterial, format!("{name}: {e}")))?;
        let verifier = Verifier::new(&root)
            .map_err(|e| KeylessError::new(Step::TrustMaterial, format!("{name}: {e}")))?;
        let ca_certificates = root
            .certificate_authorities
            .iter()
            .flat_map(|ca| &ca.cert_chain.certificates)
            .map(|c| c.raw_bytes.as_bytes().to_vec())
            .collect();
        Ok(Self {
            name: name.to_owned(),
            verifier,
            ca_certificates,
            tsa_authorities: root.tsa_authorities(),
            tlog_ids: (root.tlogs.iter())
                .map(|log| log.log_id.key_id.as_bytes().to_vec())
                .collect(),
        })
    }

    /// The name given at construction.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The artifact a bundle is about.
#[derive(Debug, Clone, Copy)]
pub enum Artifact<'a> {
    /// Its bytes.
    Bytes(&'a [u8]),
    /// Its SHA-256 digest only.
    Sha256([u8; 32]),
    /// Its SHA-512 digest only (npm and sigstore-js provenance name subjects this way).
    Sha512([u8; 64]),
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The certificate's SAN (email or URI); `None` for key-signed bundles.
    pub identity: Option<String>,
    /// The certificate's OIDC issuer; `None` for key-signed bundles.
    pub issuer: Option<String>,
    /// Rekor's integrated time (Unix seconds), when a log entry vouched for one.
    pub integrated_time: Option<i64>,
    /// Whether the certificate chain was verified.
    pub certificate_checked: bool,
    /// Whether the SCT was verified.
    pub sct_checked: bool,
    /// Whether transparency-log evidence was verified.
    pub tlog_checked: bool,
    /// Authenticated signing times used (Unix seconds).
    pub signed_times: Vec<i64>,
    /// RFC 3161 timestamps set aside because no trusted authority signed them at their time,
    /// each with the reason; the signed time then came from the log (see `timestamps`).
    pub skipped_timestamps: Vec<String>,
}

/// A bundle read twice: by assay's bundle rules (whose refusals name the field) and by the
/// verifier.
struct Parsed {
    ours: crate::bundle::Bundle,
    theirs: SigstoreBundle,
}

/// Parses `json` with assay's bundle rules, then with the verifier's.
fn parse(json: &[u8]) -> Result<Parsed, KeylessError> {
    let ours = crate::bundle::Bundle::from_json(json)
        .map_err(|e| KeylessError::new(Step::MalformedBundle, e.to_string()))?;
    let text = std::str::from_utf8(json)
        .map_err(|e| KeylessError::new(Step::MalformedBundle, e.to_string()))?;
    // Only bundles with RFC 3161 timestamps can need their base64 unwrapped.
    let unwrapped = if ours.verification_material().timestamps.is_empty() {
        None
    } else {
        unwrap_timestamps(text)?
    };
    let mut theirs = SigstoreBundle::from_json(unwrapped.as_deref().unwrap_or(text))
        .map_err(|e| KeylessError::new(Step::MalformedBundle, e.to_string()))?;
    if ours.version() == BundleVersion::V0_1 {
        drop_proofs_without_checkpoint(&mut theirs);
    }
    Ok(Parsed { ours, theirs })
}

/// The bundle JSON for the verifier with line breaks removed from the base64 of RFC 3161
/// timestamps. TSA tooling wraps base64 at 76 columns (RFC 2045 style) and the Go and Python
/// clients decode it; sigstore-types does not, so it would call such a bundle malformed. Only
/// whitespace inside those strings changes: the decoded bytes are the same. `None` when there
/// was nothing to unwrap.
fn unwrap_timestamps(text: &str) -> Result<Option<String>, KeylessError> {
    let malformed = |e: String| KeylessError::new(Step::MalformedBundle, e);
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
    let pointer = "/verificationMaterial/timestampVerificationData/rfc3161Timestamps";
    let Some(serde_json::Value::Array(stamps)) = value.pointer_mut(pointer) else {
        return Ok(None);
    };
    let mut changed = false;
    for stamp in stamps {
        if let Some(serde_json::Value::String(b64)) = stamp.get_mut("signedTimestamp")
            && b64.contains(char::is_whitespace)
        {
            b64.retain(|c| !c.is_whitespace());
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    serde_json::to_string(&value)
        .map(Some)
        .map_err(|e| malformed(e.to_string()))
}

/// A v0.1 bundle needs an inclusion promise, and may carry an inclusion proof made before
/// checkpoints existed. The reference clients (sigstore-python `Bundle._verify`, sigstore-rs
/// bundle checks) ignore such a proof and rely on the promise; sigstore-verify refuses the
/// whole bundle, so the proof is dropped before it sees it.
fn drop_proofs_without_checkpoint(bundle: &mut SigstoreBundle) {
    for entry in &mut bundle.verification_material.tlog_entries {
        if entry
            .inclusion_proof
            .as_ref()
            .is_some_and(|proof| proof.checkpoint.is_empty())
        {
            entry.inclusion_proof = None;
        }
    }
}

/// A verifier's result, and the RFC 3161 timestamps that were set aside (each with the reason
/// it did not verify).
struct Outcome {
    result: VerificationResult,
    skipped_timestamps: Vec<String>,
}

fn run(
    root: &TrustRoot,
    parsed: &Parsed,
    artifact: Artifact<'_>,
    policy: &(impl sigstore_verify::Policy + ?Sized),
) -> Result<Outcome, KeylessError> {
    check_log_ids(&parsed.ours, root)?;
    let outcome = match verify_once(root, &parsed.theirs, artifact, policy) {
        Ok(result) => Outcome {
            result,
            skipped_timestamps: Vec::new(),
        },
        Err(e) => {
            let refine = |e: sigstore_verify::Error| {
                binding::refine(e.into(), parsed.ours.content(), artifact)
            };
            let Some((bundle, skipped_timestamps)) = retry_bundle(root, parsed, &e) else {
                return Err(refine(e));
            };
            let result = verify_once(root, &bundle, artifact, policy).map_err(refine)?;
            Outcome {
                result,
                skipped_timestamps,
            }
        }
    };
    check_proof_duplicates(&parsed.ours)?;
    Ok(outcome)
}

/// After a timestamp failure, the bundle to verify again without its unattributable
/// timestamps (see `timestamps`), if there is one.
fn retry_bundle(
    root: &TrustRoot,
    parsed: &Parsed,
    e: &sigstore_verify::Error,
) -> Option<(SigstoreBundle, Vec<String>)> {
    use sigstore_verify::TimestampError as T;
    match e {
        sigstore_verify::Error::Timestamp(T::Invalid(_) | T::OutsideAuthorityValidity { .. }) => {
            timestamps::set_aside(&parsed.theirs, &root.tsa_authorities)
        }
        _ => None,
    }
}

fn verify_once(
    root: &TrustRoot,
    bundle: &SigstoreBundle,
    artifact: Artifact<'_>,
    policy: &(impl sigstore_verify::Policy + ?Sized),
) -> Result<VerificationResult, sigstore_verify::Error> {
    match artifact {
        Artifact::Bytes(bytes) => root.verifier.verify(bytes, bundle, policy),
        Artifact::Sha256(digest) => root
            .verifier
            .verify(Sha256Hash::new(digest), bundle, policy),
        Artifact::Sha512(digest) => {
            let digest = ArtifactDigest::new(HashAlgorithm::Sha2512, &digest[..])
                .map_err(|e| sigstore_verify::Error::UnsupportedArtifact(e.to_string()))?;
            root.verifier.verify(digest, bundle, policy)
        }
    }
}

/// Every log entry must name a log of the trusted root. The verifier finds a Rekor v1 entry's
/// key by its `logId`, but authenticates a Rekor v2 entry by its checkpoint's key alone and
/// ignores the `logId`, so a bundle could name a log it was not recorded in.
fn check_log_ids(bundle: &crate::bundle::Bundle, root: &TrustRoot) -> Result<(), KeylessError> {
    let entries = &bundle.verification_material().tlog_entries;
    match entries.iter().find(|e| !root.tlog_ids.contains(&e.log_id)) {
        None => Ok(()),
        Some(entry) => Err(KeylessError::new(
            Step::TlogEntry,
            format!(
                "log entry {} names log {}, which is not in the trusted root {:?}",
                entry.log_index,
                STANDARD.encode(&entry.log_id),
                root.name
            ),
        )),
    }
}

/// An inclusion proof repeats what its checkpoint signs (C2SP `tlog-checkpoint`: the note body
/// is origin, tree size, root hash) and, in Rekor v2, its entry's index. The verifier uses one
/// copy of each (the proof's in Rekor v1, the checkpoint's and entry's in v2) and, in v2,
/// ignores the other. A bundle whose copies disagree is refused, whichever copy is used, as
/// the Python and Go clients do; otherwise an altered field could go unnoticed.
fn check_proof_duplicates(bundle: &crate::bundle::Bundle) -> Result<(), KeylessError> {
    for entry in &bundle.verification_material().tlog_entries {
        let Some(proof) = &entry.inclusion_proof else {
            continue;
        };
        let Some(checkpoint) = &proof.checkpoint else {
            continue;
        };
        let mut body = checkpoint.lines().skip(1);
        let size = body.next().map(|l| l.trim().to_owned());
        let root = body.next().and_then(|l| STANDARD.decode(l.trim()).ok());
        let signs = "its checkpoint signs";
        same(
            Step::TlogCheckpoint,
            "treeSize",
            proof.tree_size.to_string(),
            size,
            signs,
        )?;
        let (ours, theirs) = (hex::encode(&proof.root_hash), root.map(hex::encode));
        same(Step::TlogCheckpoint, "rootHash", ours, theirs, signs)?;
        if entry.kind_version.kind == "hashedrekord" && entry.kind_version.version == "0.0.2" {
            let (ours, theirs) = (proof.log_index.to_string(), entry.log_index.to_string());
            same(
                Step::TlogInclusionProof,
                "logIndex",
                ours,
                Some(theirs),
                "its entry has",
            )?;
        }
    }
    Ok(())
}

/// An error at `step` unless the proof's `field` (`ours`) equals `theirs` (what `whose`).
fn same(
    step: Step,
    field: &str,
    ours: String,
    theirs: Option<String>,
    whose: &str,
) -> Result<(), KeylessError> {
    if theirs.as_ref() == Some(&ours) {
        return Ok(());
    }
    let theirs = theirs.unwrap_or_else(|| "nothing readable".to_owned());
    Err(KeylessError::new(
        step,
        format!("inclusion proof {field} {ours} differs from what {whose}: {theirs}"),
    ))
}

/// The certificates a v0.1/v0.2 bundle ships after its leaf must be the trusted root's own CA
/// certificates. The bundle format says the chain holds the leaf's intermediates and not the
/// root, but real bundles (sigstore-js, sigstore-go, cosign) repeat the whole public-good chain,
/// root included, and the reference clients accept them. Either way the path is built from the
/// trusted root alone; a certificate the trusted root does not hold (a root or intermediate of
/// another instance, or one made up) is refused rather than silently ignored, so a bundle cannot
/// claim CAs it does not chain to.
fn check_shipped_chain(
    bundle: &crate::bundle::Bundle,
    root: &TrustRoot,
) -> Result<(), KeylessError> {
    let KeyMaterial::X509Chain(certs) = &bundle.verification_material().key else {
        return Ok(());
    };
    let unknown = certs
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, der)| !root.ca_certificates.contains(der.as_slice()));
    match unknown {
        None => Ok(()),
        Some((index, der)) => Err(KeylessError::new(
            Step::CertificateChain,
            format!(
                "x509CertificateChain certificate {index} ({}) is not a certificate of the \
                 trusted root {:?}'s Fulcio CAs",
                certificate_name(der),
                root.name
            ),
        )),
    }
}

/// A certificate's subject for messages, with whether it is self-signed (a root).
fn certificate_name(der: &[u8]) -> String {
    use x509_cert::der::Decode as _;
    match x509_cert::Certificate::from_der(der) {
        Ok(cert) => {
            let subject = &cert.tbs_certificate.subject;
            let root = if *subject == cert.tbs_certificate.issuer {
                ", self-signed root"
            } else {
                ""
            };
            format!("subject \"{subject}\"{root}")
        }
        Err(e) => format!("unreadable: {e}"),
    }
}

/// A certificate-signed bundle is needed to check an identity: a key-signed one has none.
fn require_certificate(
    bundle: &crate::bundle::Bundle,
    policy: &Policy,
) -> Result<(), KeylessError> {
    match &bundle.verification_material().key {
        KeyMaterial::PublicKeyHint(_) => Err(KeylessError::new(
            Step::IdentityMismatch,
            format!(
                "the bundle is signed with a key, not a certificate, so it has no identity to \
                 match {}; verify it with the key",
                policy.identity
            ),
        )),
        KeyMaterial::Certificate(_) | KeyMaterial::X509Chain(_) => Ok(()),
    }
}

/// Verifies a certificate-signed bundle: everything the trusted root vouches for, then the
/// identity policy.
pub fn verify(
    json: &[u8],
    artifact: Artifact<'_>,
    policy: &Policy,
    root: &TrustRoot,
) -> Result<Verified, KeylessError> {
    let parsed = parse(json)?;
    require_certificate(&parsed.ours, policy)?;
    check_shipped_chain(&parsed.ours, root)?;
    let outcome = run(root, &parsed, artifact, &policy.to_sigstore())?;
    policy.check(&outcome.result)?;
    Ok(verified(outcome))
}

/// Verifies a bundle signed with a managed key: its transparency-log evidence and timestamps
/// against the trusted root, and the signature with `key`.
pub fn verify_with_key(
    json: &[u8],
    artifact: Artifact<'_>,
    key: &VerifyingKey,
    root: &TrustRoot,
) -> Result<Verified, KeylessError> {
    let parsed = parse(json)?;
    let policy = PublicKeyVerificationPolicy::new(DerPublicKey::new(key.spki_der().to_vec()));
    let outcome = run(root, &parsed, artifact, &policy)?;
    Ok(verified(outcome))
}

fn verified(outcome: Outcome) -> Verified {
    let result = &outcome.result;
    Verified {
        identity: result.identity().map(|s| s.as_str().to_owned()),
        issuer: result.issuer().map(str::to_owned),
        integrated_time: result.integrated_time().map(|t| t.as_second()),
        certificate_checked: result.certificate_verified(),
        sct_checked: result.sct_verified(),
        tlog_checked: result.tlog_verified(),
        signed_times: result
            .verified_timestamps()
            .iter()
            .map(|t| t.as_second())
            .collect(),
        skipped_timestamps: outcome.skipped_timestamps,
    }
}
