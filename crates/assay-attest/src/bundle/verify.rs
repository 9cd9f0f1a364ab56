//! Signing bundles with a key, and verifying them with a key the caller trusts.
//!
//! - [`sign_blob`] makes what `cosign sign-blob --key` makes in the bundle format: a v0.3
//!   bundle whose `messageSignature` is the key's ordinary signature over the artifact bytes
//!   (ECDSA P-256 with SHA-256, P-384 with SHA-384, Ed25519 over the bytes themselves, RSA
//!   PKCS#1 v1.5 with SHA-256), with the artifact's SHA-256 as `messageDigest` and the key's
//!   [`public_key_hint`] as `publicKey.hint`.
//! - [`attest`] wraps an already signed DSSE envelope in a v0.3 bundle.
//! - [`verify_with_key`] checks a `publicKey` bundle's signature against a trusted key and the
//!   artifact, following the Sigstore client specification's verification of the bundle
//!   content: for a message signature, the recorded digest (when present) must be the
//!   artifact's and the signature must verify over the artifact (the digest is only compared,
//!   never trusted as what was signed); for a DSSE envelope, the signature must verify over the
//!   PAE of the exact payload, which must be an in-toto Statement naming the artifact among its
//!   subjects. The hint is unauthenticated and never selects or excludes a key.
//!
//! Transparency-log entries and RFC 3161 timestamps are NOT checked here; [`Verified`] reports
//! that, with how many were present, so callers can say so.

use sha2::{Digest as _, Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier as _;
use spki::DecodePublicKey as _;

use super::{
    Bundle, BundleError, Content, HashAlgorithm, KeyMaterial, MediaType, MessageDigest,
    VerificationMaterial,
};
use crate::dsse::{DsseError, Envelope, Verify};
use crate::keys::{Algorithm, KeyError, Signer, VerifyingKey};
use crate::statement::{Statement, verify_statement};

/// The artifact a bundle is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact<'a> {
    /// The artifact's bytes.
    Bytes(&'a [u8]),
    /// Only the artifact's SHA-256 digest (as for `sha256:<hex>` on a command line). Signatures
    /// are then checked over this digest, which ECDSA P-256 and RSA keys allow; Ed25519 and
    /// P-384 (SHA-384) signatures need the bytes.
    Digest([u8; 32]),
}

impl Artifact<'_> {
    /// The artifact's SHA-256.
    pub fn sha256(&self) -> [u8; 32] {
        match self {
            Self::Bytes(bytes) => Sha256::digest(bytes).into(),
            Self::Digest(digest) => *digest,
        }
    }
}

/// What a successful [`verify_with_key`] vouches for, and what it did not look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The verifying key's id (hex SHA-256 of its SubjectPublicKeyInfo DER).
    pub key_id: String,
    /// The bundle's `publicKey.hint`, as written (unauthenticated).
    pub hint: String,
    /// Whether the hint names the verifying key (as [`public_key_hint`] or as the hex key id).
    /// Informational only: producers use other hint formats, and the hint is not signed.
    pub hint_matches_key: bool,
    /// The artifact's SHA-256.
    pub artifact_sha256: [u8; 32],
    /// What the signature covered.
    pub content: VerifiedContent,
    /// Always `false`: tlog entries are not verified by key verification.
    pub tlog_checked: bool,
    /// How many tlog entries the bundle carries (none of them checked).
    pub tlog_entries: usize,
    /// Always `false`: RFC 3161 timestamps are not verified by key verification.
    pub timestamps_checked: bool,
    /// How many RFC 3161 timestamps the bundle carries (none of them checked).
    pub timestamps: usize,
}

/// The verified content.
#[derive(Debug, Clone, PartialEq)]
pub enum VerifiedContent {
    /// A message signature over the artifact.
    MessageSignature,
    /// A DSSE envelope whose in-toto Statement names the artifact.
    Statement(Statement),
}

/// The `publicKey.hint` cosign and sigstore-go write for a key: standard, padded base64 of the
/// SHA-256 of its SubjectPublicKeyInfo DER.
pub fn public_key_hint(key: &VerifyingKey) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(key.spki_der()))
}

/// Signs `artifact` and returns a v0.3 `messageSignature` bundle without tlog entries or
/// timestamps (see the module documentation).
pub fn sign_blob(signer: &dyn Signer, artifact: &[u8]) -> Result<Bundle, BundleError> {
    let signature = signer.sign(artifact).map_err(BundleError::Sign)?;
    let content = Content::MessageSignature {
        digest: Some(MessageDigest {
            algorithm: HashAlgorithm::Sha2_256,
            digest: Sha256::digest(artifact).to_vec(),
        }),
        signature,
    };
    Bundle::new(
        MediaType::V0_3,
        key_material(&signer.public_key(), None),
        content,
    )
}

/// Wraps a DSSE envelope signed by `key` in a v0.3 bundle. The envelope is verified first, so
/// a bundle is never made for an envelope the key did not sign. The hint is the envelope's
/// `keyid` when all its signatures carry the same one (`sigstore_bundle.proto` asks the two to
/// be the same), and otherwise [`public_key_hint`].
pub fn attest(key: &VerifyingKey, envelope: Envelope) -> Result<Bundle, BundleError> {
    envelope
        .verify(&[key as &dyn Verify], 1)
        .map_err(dsse_error)?;
    let keyid = shared_keyid(&envelope);
    Bundle::new(
        MediaType::V0_3,
        key_material(key, keyid),
        Content::Dsse(envelope),
    )
}

/// Verifies a key-signed bundle against `artifact` with a trusted `key` (see the module
/// documentation). Bundles that name their signer by certificate are refused.
pub fn verify_with_key(
    bundle: &Bundle,
    key: &VerifyingKey,
    artifact: Artifact<'_>,
) -> Result<Verified, BundleError> {
    let material = bundle.verification_material();
    let hint = key_hint(&material.key)?.to_owned();
    let content = verify_content(bundle.content(), key, artifact)?;
    Ok(Verified {
        key_id: key.key_id(),
        hint_matches_key: hint == public_key_hint(key) || hint == key.key_id(),
        hint,
        artifact_sha256: artifact.sha256(),
        content,
        tlog_checked: false,
        tlog_entries: material.tlog_entries.len(),
        timestamps_checked: false,
        timestamps: material.timestamps.len(),
    })
}

/// Checks a bundle's content (signature, digest, Statement subjects) with `key`, whatever the
/// bundle's key material; certificate-based verification checks the certificate, then calls
/// this with the certificate's key.
pub fn verify_content(
    content: &Content,
    key: &VerifyingKey,
    artifact: Artifact<'_>,
) -> Result<VerifiedContent, BundleError> {
    match content {
        Content::MessageSignature { digest, signature } => {
            verify_message(digest.as_ref(), signature, key, artifact)
        }
        Content::Dsse(envelope) => verify_dsse(envelope, key, artifact),
    }
}

/// The `publicKey.hint`; certificate-signed bundles are not for key verification.
fn key_hint(key: &KeyMaterial) -> Result<&str, BundleError> {
    match key {
        KeyMaterial::PublicKeyHint(hint) => Ok(hint),
        KeyMaterial::Certificate(_) => Err(BundleError::NotKeySigned {
            found: "certificate",
        }),
        KeyMaterial::X509Chain(_) => Err(BundleError::NotKeySigned {
            found: "x509CertificateChain",
        }),
    }
}

fn key_material(key: &VerifyingKey, hint: Option<String>) -> VerificationMaterial {
    VerificationMaterial {
        key: KeyMaterial::PublicKeyHint(hint.unwrap_or_else(|| public_key_hint(key))),
        tlog_entries: Vec::new(),
        timestamps: Vec::new(),
    }
}

fn shared_keyid(envelope: &Envelope) -> Option<String> {
    let first = envelope.signatures.first()?.keyid.clone()?;
    envelope
        .signatures
        .iter()
        .all(|s| s.keyid.as_deref() == Some(first.as_str()))
        .then_some(first)
}

const SIGNATURE_FIELD: &str = "messageSignature.signature";

fn verify_message(
    digest: Option<&MessageDigest>,
    signature: &[u8],
    key: &VerifyingKey,
    artifact: Artifact<'_>,
) -> Result<VerifiedContent, BundleError> {
    if signature.is_empty() {
        return Err(BundleError::NoSignature {
            field: SIGNATURE_FIELD,
        });
    }
    if let Some(digest) = digest {
        check_message_digest(digest, artifact)?;
    }
    match artifact {
        Artifact::Bytes(bytes) => key.verify(bytes, signature).map_err(bad_signature)?,
        Artifact::Digest(sha256) => verify_prehash(key, &sha256, signature)?,
    }
    Ok(VerifiedContent::MessageSignature)
}

/// Compares the recorded digest with the artifact's, computed with the recorded algorithm.
fn check_message_digest(
    recorded: &MessageDigest,
    artifact: Artifact<'_>,
) -> Result<(), BundleError> {
    let computed: Vec<u8> = match (artifact, recorded.algorithm) {
        (Artifact::Digest(sha256), HashAlgorithm::Sha2_256) => sha256.to_vec(),
        (Artifact::Bytes(b), HashAlgorithm::Sha2_256) => Sha256::digest(b).to_vec(),
        (Artifact::Bytes(b), HashAlgorithm::Sha2_384) => Sha384::digest(b).to_vec(),
        (Artifact::Bytes(b), HashAlgorithm::Sha2_512) => Sha512::digest(b).to_vec(),
        (_, other) => {
            return Err(BundleError::DigestAlgorithm {
                algorithm: other.as_str(),
            });
        }
    };
    if computed != recorded.digest {
        let name = recorded.algorithm.as_str();
        return Err(BundleError::DigestMismatch {
            field: "messageSignature.messageDigest",
            artifact: format!("{name}:{}", hex(&computed)),
            bundle: format!("{name}:{}", hex(&recorded.digest)),
        });
    }
    Ok(())
}

/// Verifies a signature over a SHA-256 prehash: ECDSA P-256 (DER or raw `r || s`) and RSA
/// (PKCS#1 v1.5 or PSS, as [`VerifyingKey::verify`] accepts). Other keys sign something a
/// SHA-256 digest cannot stand for.
fn verify_prehash(
    key: &VerifyingKey,
    sha256: &[u8; 32],
    signature: &[u8],
) -> Result<(), BundleError> {
    let algorithm = key.algorithm();
    let valid = match algorithm {
        Algorithm::EcdsaP256 => prehash_p256(key.spki_der(), sha256, signature),
        Algorithm::Rsa3072 => prehash_rsa(key.spki_der(), sha256, signature),
        _ => return Err(BundleError::NeedsArtifactBytes { algorithm }),
    };
    if valid {
        Ok(())
    } else {
        Err(bad_signature(KeyError::BadSignature { algorithm }))
    }
}

fn bad_signature(source: KeyError) -> BundleError {
    BundleError::BadSignature {
        field: SIGNATURE_FIELD,
        source: Box::new(source),
    }
}

fn prehash_p256(spki: &[u8], prehash: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::{Signature, VerifyingKey as P256Key};
    let Ok(key) = P256Key::from_public_key_der(spki) else {
        return false;
    };
    let ok = |s: Signature| key.verify_prehash(prehash, &s).is_ok();
    Signature::from_der(signature).is_ok_and(ok) || Signature::from_slice(signature).is_ok_and(ok)
}

fn prehash_rsa(spki: &[u8], prehash: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = rsa::RsaPublicKey::from_public_key_der(spki) else {
        return false;
    };
    let pkcs1 = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone());
    let pss = rsa::pss::VerifyingKey::<Sha256>::new(key);
    rsa::pkcs1v15::Signature::try_from(signature)
        .is_ok_and(|s| pkcs1.verify_prehash(prehash, &s).is_ok())
        || rsa::pss::Signature::try_from(signature)
            .is_ok_and(|s| pss.verify_prehash(prehash, &s).is_ok())
}

/// DSSE `protocol.md` verification with the one trusted key, then the in-toto subject match.
fn verify_dsse(
    envelope: &Envelope,
    key: &VerifyingKey,
    artifact: Artifact<'_>,
) -> Result<VerifiedContent, BundleError> {
    let statement = verify_statement(envelope, &[key as &dyn Verify], 1).map_err(dsse_error)?;
    let named = match artifact {
        Artifact::Bytes(bytes) => {
            statement.matches_digest("sha256", &hex(&Sha256::digest(bytes)))
                || statement.matches_digest("sha512", &hex(&Sha512::digest(bytes)))
        }
        Artifact::Digest(sha256) => statement.matches_digest("sha256", &hex(&sha256)),
    };
    if !named {
        return Err(BundleError::NotASubject {
            artifact: format!("sha256:{}", hex(&artifact.sha256())),
        });
    }
    Ok(VerifiedContent::Statement(statement))
}

fn dsse_error(error: DsseError) -> BundleError {
    const FIELD: &str = "dsseEnvelope.signatures";
    match error {
        DsseError::NoSignatures => BundleError::NoSignature { field: FIELD },
        DsseError::PayloadType { found, .. } => BundleError::NotAStatement {
            payload_type: found,
        },
        DsseError::Statement(source) => BundleError::Statement(source),
        other @ (DsseError::NoneVerified { .. } | DsseError::ThresholdNotMet { .. }) => {
            BundleError::BadSignature {
                field: FIELD,
                source: Box::new(other),
            }
        }
        other => BundleError::Dsse(other),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
