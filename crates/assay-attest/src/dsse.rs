//! DSSE envelopes: parse, pre-authentication encoding, sign and verify.
//!
//! Implements the Dead Simple Signing Envelope, v1.0
//! (<https://github.com/secure-systems-lab/dsse>, `protocol.md` and `envelope.md`).
//!
//! - [`Envelope::from_json`] reads the JSON envelope (`envelope.md`, "Standard JSON envelope"
//!   and "Parsing rules") into an [`Envelope`] holding the exact decoded payload bytes. Both
//!   standard and URL-safe base64 are accepted, padded or not, as `protocol.md` requires of
//!   verifiers; anything else is refused. Sizes and counts are bounded by [`Limits`].
//! - [`pae`] is the pre-authentication encoding,
//!   `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body` (`protocol.md`, "Signature Definition").
//! - [`Envelope::sign`] follows `protocol.md` "To sign"; [`Envelope::to_json`] writes the
//!   envelope with standard, padded base64 and a fixed field order.
//! - [`Envelope::verify`] follows `protocol.md` "Multi-signature Verification": every signature
//!   is checked against the PAE of the decoded payload (never a re-serialization), the
//!   unauthenticated KEYID only narrows which keys are tried, and each trusted key counts once
//!   towards the threshold. Checking the payload type and parsing the payload are the caller's
//!   steps (see [`crate::statement::verify_statement`]).
//!
//! Keys are reached through the small [`Sign`] and [`Verify`] traits so that this module does
//! not depend on any particular key type or backend.

use std::error::Error as StdError;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;

/// Largest decoded payload accepted by [`Limits::default`]: 128 MiB.
pub const MAX_PAYLOAD_BYTES: usize = 128 * 1024 * 1024;

/// Most signatures accepted by [`Limits::default`] (the bound cosign applies).
pub const MAX_SIGNATURES: usize = 100;

/// Standard base64, padding optional.
const STANDARD_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe base64, padding optional.
const URL_SAFE_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A failure inside a signing or verifying key, boxed so any backend can report its own error.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct SignError(Box<dyn StdError + Send + Sync + 'static>);

impl SignError {
    /// Wraps a backend error (or a message: `&str` and `String` convert too).
    pub fn new(source: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self(source.into())
    }
}

/// Something that signs bytes: a private key, a KMS key, a test double.
pub trait Sign {
    /// The key id written into the envelope's `keyid`, if any.
    fn key_id(&self) -> Option<String>;
    /// Signs `msg` (here always a [`pae`] encoding), returning the raw signature bytes.
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// Something that checks signatures: a trusted public key.
pub trait Verify {
    /// The key id used to narrow matching against the envelope's `keyid` hints, if any.
    fn key_id(&self) -> Option<String>;
    /// Checks that `sig` is a valid signature of `msg` under this key.
    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), SignError>;
}

/// Why a DSSE envelope was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DsseError {
    /// Not JSON, not the envelope shape, or a required field is missing.
    #[error("DSSE envelope is not valid JSON of the expected shape")]
    Json(#[source] serde_json::Error),
    /// A base64 field decoded with neither the standard nor the URL-safe alphabet.
    #[error("DSSE envelope field `{field}` is not standard or URL-safe base64")]
    Base64 {
        /// The JSON field, e.g. `payload` or `signatures[2].sig`.
        field: String,
        /// The decoder's complaint (standard alphabet).
        #[source]
        source: base64::DecodeError,
    },
    /// The payload is larger than the limit.
    #[error("DSSE payload of about {size} bytes exceeds the limit of {limit} bytes")]
    PayloadTooLarge {
        /// Size of the (decoded) payload.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The envelope carries more signatures than the limit.
    #[error("DSSE envelope carries {count} signatures, more than the limit of {limit}")]
    TooManySignatures {
        /// Signatures in the envelope.
        count: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The envelope has no signatures at all.
    #[error("DSSE envelope has no signatures")]
    NoSignatures,
    /// Signatures are present but none verified with any trusted key.
    #[error("none of the {signatures} DSSE signatures verified with the {verifiers} trusted keys")]
    NoneVerified {
        /// Signatures in the envelope.
        signatures: usize,
        /// Trusted keys offered.
        verifiers: usize,
    },
    /// Some signatures verified, but from fewer distinct keys than required.
    #[error(
        "DSSE signatures verified with {verified} distinct keys, fewer than the threshold {threshold}"
    )]
    ThresholdNotMet {
        /// Distinct trusted keys that verified a signature.
        verified: usize,
        /// Keys required.
        threshold: usize,
    },
    /// A threshold of zero would accept anything; it is refused.
    #[error("DSSE verification threshold must be at least 1")]
    ZeroThreshold,
    /// The signer failed.
    #[error("signing the DSSE pre-authentication encoding failed")]
    Sign(#[source] SignError),
    /// The (authenticated) payload type is not the one the caller supports.
    #[error("DSSE payload type is `{found}`, expected `{expected}`")]
    PayloadType {
        /// The supported payload type.
        expected: String,
        /// The envelope's payload type.
        found: String,
    },
    /// The verified payload is not a valid in-toto Statement.
    #[error("verified DSSE payload is not a valid in-toto Statement")]
    Statement(#[source] crate::statement::StatementError),
}

/// Bounds applied while reading an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest decoded payload, in bytes.
    pub max_payload_bytes: usize,
    /// Most signatures in one envelope.
    pub max_signatures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_payload_bytes: MAX_PAYLOAD_BYTES,
            max_signatures: MAX_SIGNATURES,
        }
    }
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Unauthenticated hint naming the key; `None` when unset (an empty string reads as `None`).
    pub keyid: Option<String>,
    /// Raw signature bytes (decoded from base64).
    pub sig: Vec<u8>,
}

/// A DSSE envelope: the exact payload bytes, its type, and the signatures over their PAE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// SERIALIZED_BODY: the exact decoded payload bytes.
    pub payload: Vec<u8>,
    /// PAYLOAD_TYPE.
    pub payload_type: String,
    /// The signatures, in envelope order.
    pub signatures: Vec<Signature>,
}

/// What a successful [`Envelope::verify`] vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The authenticated payload type.
    pub payload_type: String,
    /// The authenticated payload bytes.
    pub payload: Vec<u8>,
    /// One entry per distinct trusted key that verified a signature: that key's own id.
    pub key_ids: Vec<Option<String>>,
}

/// The JSON envelope as written on the wire (`envelope.md`); unknown fields are ignored.
#[derive(Deserialize)]
struct WireEnvelope {
    payload: String,
    #[serde(rename = "payloadType")]
    payload_type: String,
    signatures: Vec<WireSignature>,
}

#[derive(Deserialize)]
struct WireSignature {
    #[serde(default)]
    keyid: Option<String>,
    sig: String,
}

/// The pre-authentication encoding (`protocol.md`, "Signature Definition"):
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in decimal ASCII.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let header = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    );
    let mut out = Vec::with_capacity(header.len() + payload.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Parses a JSON envelope with the default [`Limits`].
    pub fn from_json(json: &[u8]) -> Result<Self, DsseError> {
        Self::from_json_with_limits(json, Limits::default())
    }

    /// Parses a JSON envelope ("Parsing rules" of `envelope.md`; "Reject if decoding fails").
    pub fn from_json_with_limits(json: &[u8], limits: Limits) -> Result<Self, DsseError> {
        let wire: WireEnvelope = serde_json::from_slice(json).map_err(DsseError::Json)?;
        check_signature_count(wire.signatures.len(), limits)?;
        let payload = decode_payload(&wire.payload, limits)?;
        let signatures = wire
            .signatures
            .into_iter()
            .enumerate()
            .map(|(i, s)| decode_signature(i, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            payload,
            payload_type: wire.payload_type,
            signatures,
        })
    }

    /// Signs `payload` as `payload_type` (`protocol.md`, "To sign").
    pub fn sign(payload_type: &str, payload: &[u8], signer: &dyn Sign) -> Result<Self, DsseError> {
        check_payload_size(payload.len(), Limits::default())?;
        let sig = signer
            .sign(&pae(payload_type, payload))
            .map_err(DsseError::Sign)?;
        let keyid = signer.key_id().filter(|k| !k.is_empty());
        Ok(Self {
            payload: payload.to_vec(),
            payload_type: payload_type.to_owned(),
            signatures: vec![Signature { keyid, sig }],
        })
    }

    /// Writes the JSON envelope: compact, fields in the order `payload`, `payloadType`,
    /// `signatures` (each `keyid` when set, then `sig`), standard base64 with padding.
    pub fn to_json(&self) -> Vec<u8> {
        let signatures: Vec<String> = self.signatures.iter().map(signature_json).collect();
        format!(
            "{{\"payload\":{},\"payloadType\":{},\"signatures\":[{}]}}",
            json_string(&base64::engine::general_purpose::STANDARD.encode(&self.payload)),
            json_string(&self.payload_type),
            signatures.join(",")
        )
        .into_bytes()
    }

    /// Verifies the envelope against trusted keys, requiring `threshold` distinct keys
    /// (`protocol.md`, "Multi-signature Verification", steps 2 and 3).
    pub fn verify(
        &self,
        verifiers: &[&dyn Verify],
        threshold: usize,
    ) -> Result<Verified, DsseError> {
        if threshold == 0 {
            return Err(DsseError::ZeroThreshold);
        }
        if self.signatures.is_empty() {
            return Err(DsseError::NoSignatures);
        }
        let accepted = self.accepted_keys(verifiers);
        check_threshold(
            accepted.len(),
            threshold,
            self.signatures.len(),
            verifiers.len(),
        )?;
        Ok(Verified {
            payload_type: self.payload_type.clone(),
            payload: self.payload.clone(),
            key_ids: accepted.iter().map(|v| v.key_id()).collect(),
        })
    }

    /// The set ACCEPTED_KEYS: for each signature, the first not-yet-counted trusted key whose
    /// id fits the KEYID hint and that verifies the signature over the PAE.
    fn accepted_keys<'v>(&self, verifiers: &[&'v dyn Verify]) -> Vec<&'v dyn Verify> {
        let pae = pae(&self.payload_type, &self.payload);
        let mut accepted: Vec<(usize, &'v dyn Verify)> = Vec::new();
        for signature in &self.signatures {
            let found = verifiers.iter().enumerate().find(|(i, v)| {
                !already_counted(&accepted, *i, **v)
                    && keyid_fits(signature.keyid.as_deref(), v.key_id().as_deref())
                    && v.verify(&pae, &signature.sig).is_ok()
            });
            if let Some((i, v)) = found {
                accepted.push((i, *v));
            }
        }
        accepted.into_iter().map(|(_, v)| v).collect()
    }
}

/// A key counts once: by position, and by key id when it has one.
fn already_counted(accepted: &[(usize, &dyn Verify)], index: usize, verifier: &dyn Verify) -> bool {
    let id = verifier.key_id().filter(|k| !k.is_empty());
    accepted
        .iter()
        .any(|(i, v)| *i == index || (id.is_some() && v.key_id() == id))
}

/// The KEYID hint only narrows the keys tried: both sides must name a key for it to exclude one.
fn keyid_fits(envelope_keyid: Option<&str>, verifier_keyid: Option<&str>) -> bool {
    match (envelope_keyid, verifier_keyid) {
        (Some(e), Some(v)) if !e.is_empty() && !v.is_empty() => e == v,
        _ => true,
    }
}

fn check_threshold(
    verified: usize,
    threshold: usize,
    signatures: usize,
    verifiers: usize,
) -> Result<(), DsseError> {
    if verified == 0 {
        return Err(DsseError::NoneVerified {
            signatures,
            verifiers,
        });
    }
    if verified < threshold {
        return Err(DsseError::ThresholdNotMet {
            verified,
            threshold,
        });
    }
    Ok(())
}

fn check_signature_count(count: usize, limits: Limits) -> Result<(), DsseError> {
    if count == 0 {
        return Err(DsseError::NoSignatures);
    }
    if count > limits.max_signatures {
        return Err(DsseError::TooManySignatures {
            count,
            limit: limits.max_signatures,
        });
    }
    Ok(())
}

fn check_payload_size(size: usize, limits: Limits) -> Result<(), DsseError> {
    if size > limits.max_payload_bytes {
        return Err(DsseError::PayloadTooLarge {
            size,
            limit: limits.max_payload_bytes,
        });
    }
    Ok(())
}

/// Bounds the payload before decoding it, then decodes.
fn decode_payload(encoded: &str, limits: Limits) -> Result<Vec<u8>, DsseError> {
    // A lower bound on the decoded size: three bytes per four characters, less padding.
    let upper_bound = (encoded.len() / 4 * 3).saturating_sub(2);
    check_payload_size(upper_bound, limits)?;
    let payload = decode_base64("payload", encoded)?;
    check_payload_size(payload.len(), limits)?;
    Ok(payload)
}

fn decode_signature(index: usize, wire: WireSignature) -> Result<Signature, DsseError> {
    let sig = decode_base64(&format!("signatures[{index}].sig"), &wire.sig)?;
    let keyid = wire.keyid.filter(|k| !k.is_empty());
    Ok(Signature { keyid, sig })
}

/// Standard or URL-safe base64, padded or not (`protocol.md`: verifiers MUST accept either).
fn decode_base64(field: &str, encoded: &str) -> Result<Vec<u8>, DsseError> {
    STANDARD_ANY_PAD.decode(encoded).or_else(|source| {
        URL_SAFE_ANY_PAD
            .decode(encoded)
            .map_err(|_| DsseError::Base64 {
                field: field.to_owned(),
                source,
            })
    })
}

fn signature_json(signature: &Signature) -> String {
    let sig = json_string(&base64::engine::general_purpose::STANDARD.encode(&signature.sig));
    match &signature.keyid {
        Some(keyid) => format!("{{\"keyid\":{},\"sig\":{sig}}}", json_string(keyid)),
        None => format!("{{\"sig\":{sig}}}"),
    }
}

/// A JSON string literal, escaped by serde_json.
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Key-file keys sign with their key id (hex SHA-256 of the public key's SPKI DER) as the
/// envelope's `keyid` hint; verifiers here never rely on it.
impl Sign for crate::keys::SigningKey {
    fn key_id(&self) -> Option<String> {
        Some(self.verifying_key().key_id())
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        crate::keys::SigningKey::sign(self, msg).map_err(SignError::new)
    }
}

/// A trusted public key; envelopes' `keyid` hints are not used to pick it.
impl Verify for crate::keys::VerifyingKey {
    fn key_id(&self) -> Option<String> {
        None
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), SignError> {
        crate::keys::VerifyingKey::verify(self, msg, sig).map_err(SignError::new)
    }
}
