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
//! required, and every failure names the step that failed ([`Step`]). Two gaps of the verifier
//! are bridged here: a v0.1 inclusion proof without a checkpoint is ignored rather than fatal,
//! and a log entry recording other content is told apart from a wrong artifact (`binding`).
//! `tests/keyless_conformance.rs` runs the sigstore-conformance suite against this module.

use sigstore_verify::trust_root::{
    SIGSTORE_PRODUCTION_TRUSTED_ROOT, SIGSTORE_STAGING_TRUSTED_ROOT, TrustedRoot,
};
use sigstore_verify::types::{
    ArtifactDigest, Bundle as SigstoreBundle, DerPublicKey, HashAlgorithm, Sha256Hash,
};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationResult, Verifier};

mod binding;
mod error;
mod policy;

pub use error::{KeylessError, Step};
pub use policy::{Extension, Matcher, Policy};

use crate::bundle::{BundleVersion, KeyMaterial};
use crate::keys::VerifyingKey;

/// A trusted root, ready to verify with.
pub struct TrustRoot {
    name: String,
    verifier: Verifier,
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
        Ok(Self {
            name: name.to_owned(),
            verifier,
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

fn run(
    root: &TrustRoot,
    parsed: &Parsed,
    artifact: Artifact<'_>,
    policy: &(impl sigstore_verify::Policy + ?Sized),
) -> Result<VerificationResult, KeylessError> {
    let bundle = &parsed.theirs;
    let result = match artifact {
        Artifact::Bytes(bytes) => root.verifier.verify(bytes, bundle, policy),
        Artifact::Sha256(digest) => {
            let hash = Sha256Hash::from_hex(&hex::encode(digest))
                .map_err(|e| KeylessError::new(Step::Unsupported, e.to_string()))?;
            root.verifier.verify(hash, bundle, policy)
        }
        Artifact::Sha512(digest) => {
            let digest = ArtifactDigest::new(HashAlgorithm::Sha2512, &digest[..])
                .map_err(|e| KeylessError::new(Step::Unsupported, e.to_string()))?;
            root.verifier.verify(digest, bundle, policy)
        }
    };
    let result = result.map_err(|e| binding::refine(e.into(), parsed.ours.content(), artifact))?;
    check_tree_sizes(&parsed.ours)?;
    Ok(result)
}

/// Each inclusion proof's `treeSize` must be the size its checkpoint signs (C2SP
/// `tlog-checkpoint`: the note body is origin, tree size, root hash). The verifier recomputes
/// the root with the proof's own size and checks the root against the checkpoint, but not the
/// size itself.
fn check_tree_sizes(bundle: &crate::bundle::Bundle) -> Result<(), KeylessError> {
    let proofs = bundle
        .verification_material()
        .tlog_entries
        .iter()
        .filter_map(|e| e.inclusion_proof.as_ref());
    for proof in proofs {
        let Some(checkpoint) = &proof.checkpoint else {
            continue;
        };
        let signed = checkpoint
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok());
        if signed != Some(proof.tree_size) {
            return Err(KeylessError::new(
                Step::TlogCheckpoint,
                format!(
                    "inclusion proof treeSize {} differs from the size its checkpoint signs ({})",
                    proof.tree_size,
                    signed.map_or_else(|| "none".to_owned(), |s| s.to_string())
                ),
            ));
        }
    }
    Ok(())
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
    let result = run(root, &parsed, artifact, &policy.to_sigstore())?;
    policy.check(&result)?;
    Ok(verified(&result))
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
    let result = run(root, &parsed, artifact, &policy)?;
    Ok(verified(&result))
}

fn verified(result: &VerificationResult) -> Verified {
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
    }
}
