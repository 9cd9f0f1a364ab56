//! The structural rules a bundle of each version must satisfy, checked by [`super::Bundle::new`].
//!
//! Sources: `sigstore_bundle.proto` (the `VerificationMaterial` and `Bundle` comments: v0.1 may
//! carry an inclusion promise instead of a proof, which must then be validated; v0.3 carries a
//! single `certificate`), and the bundle checks of the Sigstore clients (sigstore-python
//! `Bundle._verify`, sigstore-go `Bundle.validate`): v0.1 entries need an inclusion promise;
//! from v0.2, entries need an inclusion proof with a checkpoint, and an entry without an
//! inclusion promise needs an RFC 3161 timestamp as the source of signed time. Where those
//! clients demand exactly one tlog entry (they only handle certificate-signed bundles), a
//! bundle here may carry none from v0.2 on, as key-signed bundles made without a log do.

use super::{
    BundleError, BundleVersion, Content, KeyMaterial, MAX_CHAIN_CERTIFICATES, MAX_PROOF_HASHES,
    MAX_TIMESTAMPS, MAX_TLOG_ENTRIES, TlogEntry, VerificationMaterial,
};
use crate::dsse::MAX_SIGNATURES;

const TLOG: &str = "verificationMaterial.tlogEntries";

/// Checks limits, key material, tlog entries and content, in that order.
pub(super) fn check(
    version: BundleVersion,
    material: &VerificationMaterial,
    content: &Content,
) -> Result<(), BundleError> {
    check_counts(material)?;
    check_key(version, &material.key)?;
    check_tlog(version, material)?;
    check_content(content)
}

fn check_counts(material: &VerificationMaterial) -> Result<(), BundleError> {
    at_most(TLOG, material.tlog_entries.len(), MAX_TLOG_ENTRIES)?;
    at_most(
        "verificationMaterial.timestampVerificationData.rfc3161Timestamps",
        material.timestamps.len(),
        MAX_TIMESTAMPS,
    )?;
    for (i, entry) in material.tlog_entries.iter().enumerate() {
        if let Some(proof) = &entry.inclusion_proof {
            let field = format!("{TLOG}[{i}].inclusionProof.hashes");
            at_most(&field, proof.hashes.len(), MAX_PROOF_HASHES)?;
        }
    }
    Ok(())
}

fn check_key(version: BundleVersion, key: &KeyMaterial) -> Result<(), BundleError> {
    match key {
        KeyMaterial::PublicKeyHint(_) => Ok(()),
        KeyMaterial::Certificate(der) => {
            not_empty("verificationMaterial.certificate.rawBytes", der)
        }
        KeyMaterial::X509Chain(_) if version >= BundleVersion::V0_3 => Err(BundleError::ChainInV03),
        KeyMaterial::X509Chain(certs) => check_chain(certs),
    }
}

fn check_chain(certs: &[Vec<u8>]) -> Result<(), BundleError> {
    const FIELD: &str = "verificationMaterial.x509CertificateChain.certificates";
    not_empty(FIELD, certs)?;
    at_most(FIELD, certs.len(), MAX_CHAIN_CERTIFICATES)?;
    for (i, der) in certs.iter().enumerate() {
        not_empty(&format!("{FIELD}[{i}].rawBytes"), der)?;
    }
    Ok(())
}

fn check_tlog(version: BundleVersion, material: &VerificationMaterial) -> Result<(), BundleError> {
    if version == BundleVersion::V0_1 && material.tlog_entries.is_empty() {
        return Err(BundleError::NoTlogEntries);
    }
    let timestamped = !material.timestamps.is_empty();
    for (i, entry) in material.tlog_entries.iter().enumerate() {
        let field = format!("{TLOG}[{i}]");
        check_present_not_empty(entry, &field)?;
        if version == BundleVersion::V0_1 {
            check_entry_v01(entry, &field)?;
        } else {
            check_entry_v02(entry, &field, timestamped)?;
        }
    }
    Ok(())
}

/// A promise or checkpoint that is present but empty reads as absent, so it may not be built.
fn check_present_not_empty(entry: &TlogEntry, field: &str) -> Result<(), BundleError> {
    if let Some(set) = &entry.inclusion_promise {
        not_empty(
            &format!("{field}.inclusionPromise.signedEntryTimestamp"),
            set,
        )?;
    }
    if let Some(checkpoint) = entry
        .inclusion_proof
        .as_ref()
        .and_then(|p| p.checkpoint.as_ref())
    {
        not_empty(
            &format!("{field}.inclusionProof.checkpoint.envelope"),
            checkpoint.as_bytes(),
        )?;
    }
    Ok(())
}

fn check_entry_v01(entry: &TlogEntry, field: &str) -> Result<(), BundleError> {
    if entry.inclusion_promise.is_none() {
        return Err(BundleError::MissingInclusionPromise {
            field: format!("{field}.inclusionPromise"),
        });
    }
    Ok(())
}

fn check_entry_v02(entry: &TlogEntry, field: &str, timestamped: bool) -> Result<(), BundleError> {
    let Some(proof) = &entry.inclusion_proof else {
        return Err(BundleError::MissingInclusionProof {
            field: format!("{field}.inclusionProof"),
        });
    };
    if proof.checkpoint.is_none() {
        return Err(BundleError::MissingCheckpoint {
            field: format!("{field}.inclusionProof.checkpoint"),
        });
    }
    if entry.inclusion_promise.is_none() && !timestamped {
        return Err(BundleError::MissingSignedTime {
            field: format!("{field}.inclusionPromise"),
        });
    }
    Ok(())
}

fn check_content(content: &Content) -> Result<(), BundleError> {
    match content {
        Content::MessageSignature {
            digest: Some(digest),
            ..
        } if digest.digest.len() != digest.algorithm.digest_len() => {
            Err(BundleError::DigestLength {
                field: "messageSignature.messageDigest.digest".to_owned(),
                algorithm: digest.algorithm.as_str(),
                expected: digest.algorithm.digest_len(),
                found: digest.digest.len(),
            })
        }
        Content::MessageSignature { .. } => Ok(()),
        Content::Dsse(envelope) => {
            not_empty("dsseEnvelope.signatures", &envelope.signatures)?;
            at_most(
                "dsseEnvelope.signatures",
                envelope.signatures.len(),
                MAX_SIGNATURES,
            )
        }
    }
}

fn at_most(field: &str, count: usize, limit: usize) -> Result<(), BundleError> {
    if count > limit {
        return Err(BundleError::TooMany {
            field: field.to_owned(),
            count,
            limit,
        });
    }
    Ok(())
}

fn not_empty<T>(field: &str, items: &[T]) -> Result<(), BundleError> {
    if items.is_empty() {
        return Err(BundleError::EmptyField {
            field: field.to_owned(),
        });
    }
    Ok(())
}
