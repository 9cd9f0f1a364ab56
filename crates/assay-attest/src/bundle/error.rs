//! Why a bundle was refused, while reading, building, signing or verifying it.

use crate::dsse::DsseError;
use crate::keys::{Algorithm, KeyError};
use crate::statement::StatementError;

/// A boxed signature failure (from the key or the DSSE layer).
pub type SignatureFailure = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a bundle was refused. JSON fields are named by their path in the bundle, e.g.
/// `verificationMaterial.tlogEntries[0].inclusionProof.checkpoint`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    // Reading.
    /// The JSON text is larger than [`super::MAX_BUNDLE_BYTES`].
    #[error("bundle of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON, or a field has the wrong JSON type.
    #[error("bundle is not valid JSON of the expected shape")]
    Json(#[source] serde_json::Error),
    /// `mediaType` is not one of the known bundle media types.
    #[error("bundle `mediaType` {0:?} is not a supported Sigstore bundle media type")]
    UnknownMediaType(String),
    /// A required field is absent.
    #[error("bundle field `{field}` is missing")]
    MissingField {
        /// The field.
        field: String,
    },
    /// A oneof has none or several of its alternatives set.
    #[error("bundle must set exactly one of `{field}`, but sets {found}")]
    OneOf {
        /// The alternatives.
        field: &'static str,
        /// How many are set.
        found: usize,
    },
    /// A bytes field is not base64.
    #[error("bundle field `{field}` is not base64")]
    Base64 {
        /// The field.
        field: String,
        /// The decoder's complaint.
        #[source]
        source: base64::DecodeError,
    },
    /// An integer field is not a (non-negative, where required) 64-bit integer.
    #[error("bundle field `{field}` holds {value:?}, not a valid integer")]
    BadInteger {
        /// The field.
        field: String,
        /// The refused text.
        value: String,
    },
    /// `messageDigest.algorithm` names no known hash function.
    #[error("bundle field `{field}` holds {value:?}, not a supported hash algorithm")]
    UnknownHashAlgorithm {
        /// The field.
        field: String,
        /// The refused value.
        value: String,
    },
    /// A digest's length does not fit its algorithm.
    #[error("bundle field `{field}` has {found} bytes, but {algorithm} digests have {expected}")]
    DigestLength {
        /// The field.
        field: String,
        /// The declared algorithm (JSON name).
        algorithm: &'static str,
        /// The algorithm's digest length.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// A list is longer than its limit.
    #[error("bundle field `{field}` has {count} items, more than the limit of {limit}")]
    TooMany {
        /// The field.
        field: String,
        /// Items found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A field that must hold something is empty.
    #[error("bundle field `{field}` is empty")]
    EmptyField {
        /// The field.
        field: String,
    },
    /// The DSSE envelope does not decode.
    #[error("bundle field `dsseEnvelope` is not a valid DSSE envelope")]
    Dsse(#[source] DsseError),

    // Structural rules of each version.
    /// A v0.3 bundle uses `x509CertificateChain`; v0.3 requires `certificate`.
    #[error(
        "bundle v0.3 must carry its signing certificate in `verificationMaterial.certificate`, \
         not `verificationMaterial.x509CertificateChain`"
    )]
    ChainInV03,
    /// A v0.1 bundle without tlog entries (v0.1 requires an inclusion promise).
    #[error(
        "bundle v0.1 has no `verificationMaterial.tlogEntries`; v0.1 requires an entry with an \
         inclusion promise"
    )]
    NoTlogEntries,
    /// A v0.1 tlog entry without an inclusion promise.
    #[error("bundle v0.1 requires `{field}`, which is missing")]
    MissingInclusionPromise {
        /// The field.
        field: String,
    },
    /// A v0.2+ tlog entry without an inclusion proof.
    #[error("bundle v0.2 and later require `{field}`, which is missing")]
    MissingInclusionProof {
        /// The field.
        field: String,
    },
    /// A v0.2+ inclusion proof without a checkpoint.
    #[error("bundle v0.2 and later require `{field}`, which is missing")]
    MissingCheckpoint {
        /// The field.
        field: String,
    },
    /// A v0.2+ tlog entry with neither an inclusion promise nor any RFC 3161 timestamp in the
    /// bundle: nothing vouches for when it was signed.
    #[error(
        "bundle has no signed time: `{field}` is missing and \
         `verificationMaterial.timestampVerificationData.rfc3161Timestamps` is empty"
    )]
    MissingSignedTime {
        /// The missing inclusion promise.
        field: String,
    },

    // Signing.
    /// The signer failed.
    #[error("signing the artifact failed")]
    Sign(#[source] KeyError),

    // Verifying with a key.
    /// The bundle names its signer by certificate; key verification needs a `publicKey` bundle.
    #[error("bundle carries `verificationMaterial.{found}`, not `publicKey`: it is not key-signed")]
    NotKeySigned {
        /// The key material found.
        found: &'static str,
    },
    /// The bundle carries no signature.
    #[error("bundle field `{field}` holds no signature")]
    NoSignature {
        /// The field.
        field: &'static str,
    },
    /// The signature does not verify with the key.
    #[error("bundle signature `{field}` does not verify with the given key")]
    BadSignature {
        /// The field holding the signature.
        field: &'static str,
        /// The key or DSSE layer's complaint.
        #[source]
        source: SignatureFailure,
    },
    /// The artifact's digest differs from the one the bundle records.
    #[error("artifact digest {artifact} differs from bundle field `{field}` ({bundle})")]
    DigestMismatch {
        /// The field.
        field: &'static str,
        /// The artifact's digest, `algorithm:hex`.
        artifact: String,
        /// The bundle's digest, `algorithm:hex`.
        bundle: String,
    },
    /// The artifact is not among the in-toto Statement's subjects.
    #[error("artifact {artifact} is not a subject of the bundle's in-toto Statement")]
    NotASubject {
        /// The artifact's digest, `sha256:hex`.
        artifact: String,
    },
    /// The DSSE payload is not an in-toto Statement, so it cannot name the artifact.
    #[error(
        "bundle `dsseEnvelope.payloadType` is {payload_type:?}, not an in-toto Statement, so it \
         cannot be checked against the artifact"
    )]
    NotAStatement {
        /// The payload type.
        payload_type: String,
    },
    /// The verified DSSE payload is not a valid in-toto Statement.
    #[error("bundle `dsseEnvelope.payload` is not a valid in-toto Statement")]
    Statement(#[source] StatementError),
    /// The artifact was given as a SHA-256 digest, but the bundle's `messageDigest` uses
    /// another algorithm.
    #[error(
        "bundle field `messageSignature.messageDigest` uses {algorithm}; a SHA-256 digest of the \
         artifact cannot be compared with it (give the artifact itself)"
    )]
    DigestAlgorithm {
        /// The bundle's algorithm (JSON name).
        algorithm: &'static str,
    },
    /// The key's signature scheme cannot be checked from a SHA-256 digest of the artifact.
    #[error(
        "{algorithm} signatures cannot be verified from a SHA-256 digest of the artifact (give \
         the artifact itself)"
    )]
    NeedsArtifactBytes {
        /// The key's algorithm.
        algorithm: Algorithm,
    },
}
