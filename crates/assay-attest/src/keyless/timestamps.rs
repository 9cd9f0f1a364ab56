//! RFC 3161 timestamps that do not verify, set aside when the log vouches for a time.
//!
//! The Sigstore client specification asks for a threshold of verified signed times (one, for
//! the public-good instance). sigstore-python and sigstore-go count the times that verify and
//! set aside timestamps that do not; the verifier instead fails on any timestamp that does not
//! verify. assay follows the reference clients when a Rekor inclusion promise supplies a signed
//! time of its own: a timestamp that does not verify against any trusted authority (unknown
//! signer, another message, a broken signature or chain, or a time outside its authority's
//! `validFor` window) is reported and set aside, and the bundle is verified again with the
//! timestamps that do verify. Setting one aside grants nothing: a bundle is not signed as a
//! whole, so anyone could delete the timestamp instead. A timestamp that verifies stays, and
//! the certificate must be valid at its time as at every other.

use sigstore_verify::trust_root::TsaAuthority;
use sigstore_verify::tsa::verify_timestamp_for_authority;
use sigstore_verify::types::bundle::KindVersion;
use sigstore_verify::types::{Bundle, SignatureBytes, SignatureContent};

/// The bundle without the timestamps that do not verify, with one reason per timestamp set
/// aside. `None` when nothing is set aside, or nothing may be: the trusted root has no
/// authority (sigstore-python refuses a timestamp it has no authority for), or there is no
/// promised log time to fall back on.
pub(super) fn set_aside(
    bundle: &Bundle,
    authorities: &[TsaAuthority],
) -> Option<(Bundle, Vec<String>)> {
    if authorities.is_empty() || !has_promised_time(bundle) {
        return None;
    }
    let signature = signature(bundle)?;
    let stamps = &bundle
        .verification_material
        .timestamp_verification_data
        .rfc3161_timestamps;
    let (mut kept, mut reasons) = (Vec::new(), Vec::new());
    for stamp in stamps {
        match verify_stamp(&stamp.signed_timestamp, &signature, authorities) {
            Ok(()) => kept.push(stamp.clone()),
            Err(reason) => reasons.push(reason),
        }
    }
    if reasons.is_empty() {
        return None;
    }
    let mut bundle = bundle.clone();
    bundle
        .verification_material
        .timestamp_verification_data
        .rfc3161_timestamps = kept;
    Some((bundle, reasons))
}

/// Whether one timestamp verifies against some authority; if not, each distinct reason.
fn verify_stamp(
    token: &sigstore_verify::types::TimestampToken,
    signature: &SignatureBytes,
    authorities: &[TsaAuthority],
) -> Result<(), String> {
    let mut reasons = std::collections::BTreeSet::new();
    for authority in authorities {
        match verify_timestamp_for_authority(token, signature, authority) {
            Ok(_) => return Ok(()),
            Err(e) => reasons.insert(e.to_string()),
        };
    }
    let reasons: Vec<String> = reasons.into_iter().collect();
    Err(format!(
        "RFC 3161 timestamp does not verify: {}",
        reasons.join("; ")
    ))
}

/// The signature the timestamps are over (DSSE envelopes hold exactly one).
fn signature(bundle: &Bundle) -> Option<SignatureBytes> {
    match &bundle.content {
        SignatureContent::MessageSignature(m) => Some(m.signature.clone()),
        SignatureContent::DsseEnvelope(e) => Some(e.signature.sig.clone()),
        _ => None,
    }
}

/// Whether a Rekor v1 entry's integrated time is covered by an inclusion promise (the
/// verifier authenticates the promise before it uses the time).
fn has_promised_time(bundle: &Bundle) -> bool {
    bundle.verification_material.tlog_entries.iter().any(|e| {
        matches!(
            e.kind_version,
            KindVersion::HashedRekordV001 | KindVersion::DsseV001 | KindVersion::IntotoV002
        ) && e.inclusion_promise.is_some()
            && e.integrated_time.is_some()
    })
}
