//! Tells apart the two failures sigstore-verify reports as an artifact mismatch.
//!
//! The Sigstore client specification checks the signed content against the artifact (the
//! `messageDigest`, or the in-toto subjects of a DSSE payload) and, separately, the log entry
//! against the bundle, so that an entry logged for other content cannot vouch for this one
//! (the CVE-2022-36056 class of checks). sigstore-verify reports a hashedrekord entry whose
//! digest differs as `ArtifactMismatch` too. When the bundle's own content does name the
//! artifact, such a mismatch can only be the log entry's, and it is reported at
//! [`Step::TlogEntry`].

use sha2::{Digest as _, Sha256, Sha384, Sha512};

use super::{Artifact, KeylessError, Step};
use crate::bundle::{Content, HashAlgorithm};
use crate::dsse::Envelope;
use crate::statement::{PAYLOAD_TYPE, Statement};

/// Moves an artifact mismatch to [`Step::TlogEntry`] when `content` names `artifact`.
pub(super) fn refine(
    error: KeylessError,
    content: &Content,
    artifact: Artifact<'_>,
) -> KeylessError {
    if error.step != Step::ArtifactMismatch || names_artifact(content, artifact) != Some(true) {
        return error;
    }
    KeylessError::new(
        Step::TlogEntry,
        format!(
            "the bundle is about this artifact, but its log entry records other content ({})",
            error.detail
        ),
    )
}

/// Whether the signed content names the artifact; `None` when that cannot be told (a digest
/// form the artifact was not given in, a payload that is not an in-toto Statement).
fn names_artifact(content: &Content, artifact: Artifact<'_>) -> Option<bool> {
    match content {
        Content::MessageSignature { digest: None, .. } => Some(true),
        Content::MessageSignature {
            digest: Some(digest),
            ..
        } => digest_of(artifact, digest.algorithm).map(|d| d == digest.digest),
        Content::Dsse(envelope) => subject_names(envelope, artifact),
    }
}

fn subject_names(envelope: &Envelope, artifact: Artifact<'_>) -> Option<bool> {
    if envelope.payload_type != PAYLOAD_TYPE {
        return None;
    }
    let statement = Statement::from_json(&envelope.payload).ok()?;
    let matches = |algorithm: HashAlgorithm, name: &str| {
        digest_of(artifact, algorithm)
            .is_some_and(|d| statement.matches_digest(name, &hex::encode(d)))
    };
    Some(matches(HashAlgorithm::Sha2_256, "sha256") || matches(HashAlgorithm::Sha2_512, "sha512"))
}

fn digest_of(artifact: Artifact<'_>, algorithm: HashAlgorithm) -> Option<Vec<u8>> {
    match (artifact, algorithm) {
        (Artifact::Sha256(digest), HashAlgorithm::Sha2_256) => Some(digest.to_vec()),
        (Artifact::Sha512(digest), HashAlgorithm::Sha2_512) => Some(digest.to_vec()),
        (Artifact::Bytes(bytes), HashAlgorithm::Sha2_256) => Some(Sha256::digest(bytes).to_vec()),
        (Artifact::Bytes(bytes), HashAlgorithm::Sha2_384) => Some(Sha384::digest(bytes).to_vec()),
        (Artifact::Bytes(bytes), HashAlgorithm::Sha2_512) => Some(Sha512::digest(bytes).to_vec()),
        _ => None,
    }
}
