//! Which verification step failed, for messages and exit codes.
//!
//! Every failure of [`super::verify`] names one [`Step`]. The steps follow the Sigstore client
//! specification's verification order (bundle parsing, trust material, certificate chain,
//! SCT, transparency log, timestamps, signature, artifact binding, identity policy).

use std::fmt;

/// A verification step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Step {
    /// The bundle is not valid JSON of the bundle shape, or breaks its version's rules.
    MalformedBundle,
    /// The bundle uses something this verifier does not handle (entry kind, key type).
    Unsupported,
    /// The trusted root is unusable, or none of its authorities or logs is valid at the time.
    TrustMaterial,
    /// The signing certificate does not chain to a trusted Fulcio authority at the signing
    /// time (or is malformed, expired, lacks the code-signing usage).
    CertificateChain,
    /// The certificate's embedded SCT does not verify against the CT log keys.
    Sct,
    /// A Rekor inclusion proof does not lead to the checkpoint's root.
    TlogInclusionProof,
    /// A Rekor checkpoint (signed tree head) does not verify.
    TlogCheckpoint,
    /// A Rekor v1 inclusion promise (signed entry timestamp) does not verify.
    TlogSet,
    /// The log entry does not match the signature, certificate or artifact, or comes from an
    /// unknown log.
    TlogEntry,
    /// An RFC 3161 timestamp does not verify, or there is no trusted signing time.
    Timestamp,
    /// The signature does not verify with the certificate's (or given) key.
    Signature,
    /// The bundle is not about this artifact (digest or in-toto subject differs).
    ArtifactMismatch,
    /// The certificate's identity (SAN) does not satisfy the policy.
    IdentityMismatch,
    /// The certificate's OIDC issuer does not satisfy the policy.
    IssuerMismatch,
    /// Another Fulcio certificate extension does not satisfy the policy.
    ExtensionMismatch,
}

impl Step {
    /// A short name for messages and machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedBundle => "malformed bundle",
            Self::Unsupported => "unsupported",
            Self::TrustMaterial => "trust material",
            Self::CertificateChain => "certificate chain",
            Self::Sct => "SCT",
            Self::TlogInclusionProof => "tlog inclusion proof",
            Self::TlogCheckpoint => "tlog checkpoint",
            Self::TlogSet => "tlog SET",
            Self::TlogEntry => "tlog entry",
            Self::Timestamp => "timestamp",
            Self::Signature => "signature",
            Self::ArtifactMismatch => "artifact mismatch",
            Self::IdentityMismatch => "identity mismatch",
            Self::IssuerMismatch => "issuer mismatch",
            Self::ExtensionMismatch => "extension mismatch",
        }
    }

    /// Whether the input itself is broken (as opposed to well-formed but not verifying).
    pub fn is_broken_input(self) -> bool {
        matches!(self, Self::MalformedBundle | Self::Unsupported)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why keyless (or trust-root based key) verification failed.
#[derive(Debug, thiserror::Error)]
#[error("verification failed at step \"{step}\": {detail}")]
pub struct KeylessError {
    /// The failing step.
    pub step: Step,
    /// What was wrong.
    pub detail: String,
}

impl KeylessError {
    pub(crate) fn new(step: Step, detail: impl Into<String>) -> Self {
        Self {
            step,
            detail: detail.into(),
        }
    }
}

impl From<sigstore_verify::Error> for KeylessError {
    fn from(e: sigstore_verify::Error) -> Self {
        Self::new(step_of(&e), e.to_string())
    }
}

/// The step a verifier error belongs to.
fn step_of(e: &sigstore_verify::Error) -> Step {
    use sigstore_verify::Error as E;
    match e {
        E::IdentityMismatch { .. } => Step::IdentityMismatch,
        E::IssuerMismatch { .. } => Step::IssuerMismatch,
        E::SignatureInvalid(_) | E::Crypto(_) => Step::Signature,
        E::ArtifactMismatch(_) => Step::ArtifactMismatch,
        E::UnsupportedArtifact(_) | E::UnsupportedBundle(_) => Step::Unsupported,
        E::Certificate(c) => certificate_step(c),
        E::TransparencyLog(t) => tlog_step(t),
        E::Timestamp(t) => timestamp_step(t),
        E::InvalidTrustRoot(_) | E::TrustRoot(_) | E::TrustedCertificate(_) => Step::TrustMaterial,
        E::Bundle(b) => bundle_step(b),
        _ => Step::MalformedBundle,
    }
}

/// Two of the verifier's structural bundle checks compare log evidence, and are reported at
/// the log step they concern: a proof root that differs from the checkpoint's (which the
/// verifier's own checkpoint check reports as a checkpoint error), and a log index outside the
/// proven tree.
fn bundle_step(e: &sigstore_verify::bundle::Error) -> Step {
    use sigstore_verify::bundle::Error as B;
    match e {
        B::CheckpointRootMismatch => Step::TlogCheckpoint,
        B::LogIndexOutOfRange { .. } => Step::TlogInclusionProof,
        _ => Step::MalformedBundle,
    }
}

fn certificate_step(e: &sigstore_verify::CertificateError) -> Step {
    use sigstore_verify::CertificateError as C;
    match e {
        C::Sct(_) => Step::Sct,
        C::NoValidAuthority { .. } => Step::TrustMaterial,
        _ => Step::CertificateChain,
    }
}

fn tlog_step(e: &sigstore_verify::TransparencyLogError) -> Step {
    use sigstore_verify::TransparencyLogError as T;
    match e {
        T::InclusionProof(_) => Step::TlogInclusionProof,
        T::Checkpoint(_) => Step::TlogCheckpoint,
        T::InclusionPromise(_) => Step::TlogSet,
        // The entry body is log data (covered by the promise and the proof); one that cannot
        // be read as an entry for this bundle does not match it.
        _ => Step::TlogEntry,
    }
}

fn timestamp_step(e: &sigstore_verify::TimestampError) -> Step {
    use sigstore_verify::TimestampError as T;
    match e {
        T::OutsideAuthorityValidity { .. } => Step::TrustMaterial,
        _ => Step::Timestamp,
    }
}
