//! The bundle as written on the wire (protobuf JSON mapping), and its decoding into the domain
//! types.
//!
//! Following the protobuf JSON mapping (<https://protobuf.dev/programming-guides/json/>),
//! readers accept the lowerCamelCase field names and the original snake_case ones; `null` and
//! an absent field both mean the default value; bytes are standard or URL-safe base64, padded
//! or not, with line breaks skipped; 64-bit integers are decimal strings or JSON numbers; enum
//! values are names or numbers. Unknown fields are ignored. Lists are counted while they are
//! read, and items past their limit are skipped unparsed ([`BoundedVec`]).

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};

use super::{
    Bundle, BundleError, Content, HashAlgorithm, InclusionProof, KeyMaterial, KindVersion,
    MAX_CHAIN_CERTIFICATES, MAX_PROOF_HASHES, MAX_TIMESTAMPS, MAX_TLOG_ENTRIES, MediaType,
    MessageDigest, TlogEntry, VerificationMaterial,
};
use crate::dsse::{Envelope, MAX_SIGNATURES};

const STANDARD_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

const URL_SAFE_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

const VM: &str = "verificationMaterial";

#[derive(Deserialize)]
pub(super) struct WireBundle {
    #[serde(default, rename = "mediaType", alias = "media_type")]
    media_type: Option<String>,
    #[serde(
        default,
        rename = "verificationMaterial",
        alias = "verification_material"
    )]
    verification_material: Option<WireMaterial>,
    #[serde(default, rename = "messageSignature", alias = "message_signature")]
    message_signature: Option<WireMessageSignature>,
    #[serde(default, rename = "dsseEnvelope", alias = "dsse_envelope")]
    dsse_envelope: Option<WireEnvelope>,
}

#[derive(Deserialize)]
struct WireMaterial {
    #[serde(default, rename = "publicKey", alias = "public_key")]
    public_key: Option<WirePublicKey>,
    #[serde(
        default,
        rename = "x509CertificateChain",
        alias = "x509_certificate_chain"
    )]
    x509_certificate_chain: Option<WireChain>,
    #[serde(default)]
    certificate: Option<WireCertificate>,
    #[serde(default, rename = "tlogEntries", alias = "tlog_entries")]
    tlog_entries: Option<BoundedVec<WireTlogEntry, MAX_TLOG_ENTRIES>>,
    #[serde(
        default,
        rename = "timestampVerificationData",
        alias = "timestamp_verification_data"
    )]
    timestamp_verification_data: Option<WireTimestampData>,
}

#[derive(Deserialize)]
struct WirePublicKey {
    #[serde(default)]
    hint: Option<String>,
}

#[derive(Deserialize)]
struct WireChain {
    #[serde(default)]
    certificates: Option<BoundedVec<WireCertificate, MAX_CHAIN_CERTIFICATES>>,
}

#[derive(Deserialize)]
struct WireCertificate {
    #[serde(default, rename = "rawBytes", alias = "raw_bytes")]
    raw_bytes: Option<String>,
}

#[derive(Deserialize)]
struct WireTimestampData {
    #[serde(default, rename = "rfc3161Timestamps", alias = "rfc3161_timestamps")]
    rfc3161_timestamps: Option<BoundedVec<WireTimestamp, MAX_TIMESTAMPS>>,
}

#[derive(Deserialize)]
struct WireTimestamp {
    #[serde(default, rename = "signedTimestamp", alias = "signed_timestamp")]
    signed_timestamp: Option<String>,
}

#[derive(Deserialize)]
struct WireTlogEntry {
    #[serde(default, rename = "logIndex", alias = "log_index")]
    log_index: Option<WireInt>,
    #[serde(default, rename = "logId", alias = "log_id")]
    log_id: Option<WireLogId>,
    #[serde(default, rename = "kindVersion", alias = "kind_version")]
    kind_version: Option<WireKindVersion>,
    #[serde(default, rename = "integratedTime", alias = "integrated_time")]
    integrated_time: Option<WireInt>,
    #[serde(default, rename = "inclusionPromise", alias = "inclusion_promise")]
    inclusion_promise: Option<WirePromise>,
    #[serde(default, rename = "inclusionProof", alias = "inclusion_proof")]
    inclusion_proof: Option<WireProof>,
    #[serde(default, rename = "canonicalizedBody", alias = "canonicalized_body")]
    canonicalized_body: Option<String>,
}

#[derive(Deserialize)]
struct WireLogId {
    #[serde(default, rename = "keyId", alias = "key_id")]
    key_id: Option<String>,
}

#[derive(Deserialize)]
struct WireKindVersion {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct WirePromise {
    #[serde(
        default,
        rename = "signedEntryTimestamp",
        alias = "signed_entry_timestamp"
    )]
    signed_entry_timestamp: Option<String>,
}

#[derive(Deserialize)]
struct WireProof {
    #[serde(default, rename = "logIndex", alias = "log_index")]
    log_index: Option<WireInt>,
    #[serde(default, rename = "rootHash", alias = "root_hash")]
    root_hash: Option<String>,
    #[serde(default, rename = "treeSize", alias = "tree_size")]
    tree_size: Option<WireInt>,
    #[serde(default)]
    hashes: Option<BoundedVec<String, MAX_PROOF_HASHES>>,
    #[serde(default)]
    checkpoint: Option<WireCheckpoint>,
}

#[derive(Deserialize)]
struct WireCheckpoint {
    #[serde(default)]
    envelope: Option<String>,
}

#[derive(Deserialize)]
struct WireMessageSignature {
    #[serde(default, rename = "messageDigest", alias = "message_digest")]
    message_digest: Option<WireHashOutput>,
    #[serde(default)]
    signature: Option<String>,
}

#[derive(Deserialize)]
struct WireHashOutput {
    #[serde(default)]
    algorithm: Option<WireEnum>,
    #[serde(default)]
    digest: Option<String>,
}

/// The DSSE envelope (`io.intoto.Envelope`); its field names are the same in both spellings.
#[derive(Deserialize)]
struct WireEnvelope {
    #[serde(default)]
    payload: Option<String>,
    #[serde(default, rename = "payloadType")]
    payload_type: Option<String>,
    #[serde(default)]
    signatures: Option<BoundedVec<WireDsseSignature, MAX_SIGNATURES>>,
}

#[derive(Deserialize)]
struct WireDsseSignature {
    #[serde(default)]
    sig: Option<String>,
    #[serde(default)]
    keyid: Option<String>,
}

impl WireBundle {
    /// Decodes every field, then builds the [`Bundle`] (which applies the structural rules).
    pub(super) fn into_bundle(self) -> Result<Bundle, BundleError> {
        let media_type = self
            .media_type
            .ok_or_else(|| missing("mediaType"))
            .and_then(|m| MediaType::parse(&m))?;
        let material = self
            .verification_material
            .ok_or_else(|| missing(VM))?
            .decode()?;
        let content = decode_content(self.message_signature, self.dsse_envelope)?;
        Bundle::new(media_type, material, content)
    }
}

impl WireMaterial {
    fn decode(self) -> Result<VerificationMaterial, BundleError> {
        let key = decode_key(
            self.public_key,
            self.x509_certificate_chain,
            self.certificate,
        )?;
        let field = format!("{VM}.tlogEntries");
        let tlog_entries = bounded(self.tlog_entries, &field)?
            .into_iter()
            .enumerate()
            .map(|(i, e)| e.decode(&format!("{field}[{i}]")))
            .collect::<Result<_, _>>()?;
        let timestamps = match self.timestamp_verification_data {
            Some(data) => data.decode()?,
            None => Vec::new(),
        };
        Ok(VerificationMaterial {
            key,
            tlog_entries,
            timestamps,
        })
    }
}

fn decode_key(
    public_key: Option<WirePublicKey>,
    chain: Option<WireChain>,
    certificate: Option<WireCertificate>,
) -> Result<KeyMaterial, BundleError> {
    match (public_key, chain, certificate) {
        (Some(key), None, None) => Ok(KeyMaterial::PublicKeyHint(key.hint.unwrap_or_default())),
        (None, Some(chain), None) => chain.decode().map(KeyMaterial::X509Chain),
        (None, None, Some(cert)) => {
            certificate_bytes(cert, &format!("{VM}.certificate")).map(KeyMaterial::Certificate)
        }
        (a, b, c) => Err(BundleError::OneOf {
            field: "verificationMaterial.{publicKey, x509CertificateChain, certificate}",
            found: [a.is_some(), b.is_some(), c.is_some()]
                .into_iter()
                .filter(|set| *set)
                .count(),
        }),
    }
}

impl WireChain {
    fn decode(self) -> Result<Vec<Vec<u8>>, BundleError> {
        let field = format!("{VM}.x509CertificateChain.certificates");
        bounded(self.certificates, &field)?
            .into_iter()
            .enumerate()
            .map(|(i, c)| certificate_bytes(c, &format!("{field}[{i}]")))
            .collect()
    }
}

fn certificate_bytes(cert: WireCertificate, field: &str) -> Result<Vec<u8>, BundleError> {
    bytes(cert.raw_bytes, &format!("{field}.rawBytes"))
}

impl WireTimestampData {
    fn decode(self) -> Result<Vec<Vec<u8>>, BundleError> {
        let field = format!("{VM}.timestampVerificationData.rfc3161Timestamps");
        bounded(self.rfc3161_timestamps, &field)?
            .into_iter()
            .enumerate()
            .map(|(i, t)| bytes(t.signed_timestamp, &format!("{field}[{i}].signedTimestamp")))
            .collect()
    }
}

impl WireTlogEntry {
    fn decode(self, field: &str) -> Result<TlogEntry, BundleError> {
        let log_id = self
            .log_id
            .ok_or_else(|| missing(&format!("{field}.logId")))?;
        let kind_version = self
            .kind_version
            .ok_or_else(|| missing(&format!("{field}.kindVersion")))?;
        Ok(TlogEntry {
            log_index: unsigned(self.log_index, &format!("{field}.logIndex"))?,
            log_id: bytes(log_id.key_id, &format!("{field}.logId.keyId"))?,
            kind_version: KindVersion {
                kind: kind_version.kind.unwrap_or_default(),
                version: kind_version.version.unwrap_or_default(),
            },
            integrated_time: signed(self.integrated_time, &format!("{field}.integratedTime"))?,
            inclusion_promise: self
                .inclusion_promise
                .map(|p| p.decode(field))
                .transpose()?
                .flatten(),
            inclusion_proof: self.inclusion_proof.map(|p| p.decode(field)).transpose()?,
            canonicalized_body: bytes(
                self.canonicalized_body,
                &format!("{field}.canonicalizedBody"),
            )?,
        })
    }
}

impl WirePromise {
    /// The signed entry timestamp; an empty one is no promise at all.
    fn decode(self, entry: &str) -> Result<Option<Vec<u8>>, BundleError> {
        let field = format!("{entry}.inclusionPromise.signedEntryTimestamp");
        let set = bytes(self.signed_entry_timestamp, &field)?;
        Ok(Some(set).filter(|s| !s.is_empty()))
    }
}

impl WireProof {
    fn decode(self, entry: &str) -> Result<InclusionProof, BundleError> {
        let field = format!("{entry}.inclusionProof");
        let hashes_field = format!("{field}.hashes");
        let hashes = bounded(self.hashes, &hashes_field)?
            .into_iter()
            .enumerate()
            .map(|(i, h)| bytes(Some(h), &format!("{hashes_field}[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(InclusionProof {
            log_index: unsigned(self.log_index, &format!("{field}.logIndex"))?,
            root_hash: bytes(self.root_hash, &format!("{field}.rootHash"))?,
            tree_size: unsigned(self.tree_size, &format!("{field}.treeSize"))?,
            hashes,
            checkpoint: self
                .checkpoint
                .and_then(|c| c.envelope)
                .filter(|e| !e.is_empty()),
        })
    }
}

fn decode_content(
    message: Option<WireMessageSignature>,
    dsse: Option<WireEnvelope>,
) -> Result<Content, BundleError> {
    match (message, dsse) {
        (Some(message), None) => message.decode(),
        (None, Some(envelope)) => envelope.decode().map(Content::Dsse),
        (m, d) => Err(BundleError::OneOf {
            field: "{messageSignature, dsseEnvelope}",
            found: usize::from(m.is_some()) + usize::from(d.is_some()),
        }),
    }
}

impl WireMessageSignature {
    fn decode(self) -> Result<Content, BundleError> {
        Ok(Content::MessageSignature {
            digest: self
                .message_digest
                .map(WireHashOutput::decode)
                .transpose()?,
            signature: bytes(self.signature, "messageSignature.signature")?,
        })
    }
}

impl WireHashOutput {
    fn decode(self) -> Result<MessageDigest, BundleError> {
        const FIELD: &str = "messageSignature.messageDigest";
        let algorithm = self
            .algorithm
            .ok_or_else(|| missing(&format!("{FIELD}.algorithm")))?
            .hash_algorithm(&format!("{FIELD}.algorithm"))?;
        Ok(MessageDigest {
            algorithm,
            digest: bytes(self.digest, &format!("{FIELD}.digest"))?,
        })
    }
}

impl WireEnvelope {
    /// Hands the envelope to [`Envelope::from_json`], so DSSE's own parsing rules and limits
    /// apply unchanged; only the signature count is bounded here, while reading.
    fn decode(self) -> Result<Envelope, BundleError> {
        let signatures: Vec<serde_json::Value> =
            bounded(self.signatures, "dsseEnvelope.signatures")?
                .into_iter()
                .map(|s| serde_json::json!({"sig": s.sig.unwrap_or_default(), "keyid": s.keyid}))
                .collect();
        let json = serde_json::json!({
            "payload": self.payload.unwrap_or_default(),
            "payloadType": self.payload_type.unwrap_or_default(),
            "signatures": signatures,
        });
        let text = serde_json::to_vec(&json).map_err(BundleError::Json)?;
        Envelope::from_json(&text).map_err(BundleError::Dsse)
    }
}

fn missing(field: &str) -> BundleError {
    BundleError::MissingField {
        field: field.to_owned(),
    }
}

/// Standard or URL-safe base64, padded or not; absent reads as empty. Line breaks (`\r`, `\n`)
/// are skipped, as Go's decoder (used by protojson) and Python's do.
fn bytes(encoded: Option<String>, field: &str) -> Result<Vec<u8>, BundleError> {
    let Some(mut encoded) = encoded else {
        return Ok(Vec::new());
    };
    encoded.retain(|c| c != '\r' && c != '\n');
    STANDARD_ANY_PAD.decode(&encoded).or_else(|source| {
        URL_SAFE_ANY_PAD
            .decode(&encoded)
            .map_err(|_| BundleError::Base64 {
                field: field.to_owned(),
                source,
            })
    })
}

fn unsigned(value: Option<WireInt>, field: &str) -> Result<u64, BundleError> {
    value.map_or(Ok(0), |v| {
        v.0.parse().map_err(|_| BundleError::BadInteger {
            field: field.to_owned(),
            value: v.0,
        })
    })
}

fn signed(value: Option<WireInt>, field: &str) -> Result<i64, BundleError> {
    value.map_or(Ok(0), |v| {
        v.0.parse().map_err(|_| BundleError::BadInteger {
            field: field.to_owned(),
            value: v.0,
        })
    })
}

fn bounded<T, const MAX: usize>(
    list: Option<BoundedVec<T, MAX>>,
    field: &str,
) -> Result<Vec<T>, BundleError> {
    match list {
        None => Ok(Vec::new()),
        Some(list) if list.total > MAX => Err(BundleError::TooMany {
            field: field.to_owned(),
            count: list.total,
            limit: MAX,
        }),
        Some(list) => Ok(list.items),
    }
}

/// A 64-bit integer as written: a decimal string or a JSON number, kept as text until the
/// field it belongs to is known.
struct WireInt(String);

impl<'de> Deserialize<'de> for WireInt {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(IntVisitor)
    }
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = WireInt;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a decimal string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WireInt, E> {
        Ok(WireInt(v.to_owned()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<WireInt, E> {
        Ok(WireInt(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<WireInt, E> {
        Ok(WireInt(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<WireInt, E> {
        Ok(WireInt(v.to_string()))
    }
}

/// An enum value as written: its name or its number.
enum WireEnum {
    Name(String),
    Number(u64),
}

impl WireEnum {
    fn hash_algorithm(self, field: &str) -> Result<HashAlgorithm, BundleError> {
        let found = match &self {
            Self::Name(name) => HashAlgorithm::from_name(name),
            Self::Number(n) => HashAlgorithm::from_number(*n),
        };
        found.ok_or_else(|| BundleError::UnknownHashAlgorithm {
            field: field.to_owned(),
            value: match self {
                Self::Name(name) => name,
                Self::Number(n) => n.to_string(),
            },
        })
    }
}

impl<'de> Deserialize<'de> for WireEnum {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(EnumVisitor)
    }
}

struct EnumVisitor;

impl Visitor<'_> for EnumVisitor {
    type Value = WireEnum;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum value name or number")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WireEnum, E> {
        Ok(WireEnum::Name(v.to_owned()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<WireEnum, E> {
        Ok(WireEnum::Number(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<WireEnum, E> {
        Ok(WireEnum::Name(v.to_string()))
    }
}

/// A list that keeps at most `MAX` items and counts the rest without parsing them.
struct BoundedVec<T, const MAX: usize> {
    items: Vec<T>,
    total: usize,
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for BoundedVec<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_seq(BoundedVisitor(PhantomData))
    }
}

struct BoundedVisitor<T, const MAX: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for BoundedVisitor<T, MAX> {
    type Value = BoundedVec<T, MAX>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        let mut total = 0usize;
        loop {
            let more = if items.len() < MAX {
                seq.next_element::<T>()?.map(|item| items.push(item))
            } else {
                seq.next_element::<IgnoredAny>()?.map(drop)
            };
            if more.is_none() {
                break;
            }
            total = total.saturating_add(1);
        }
        Ok(BoundedVec { items, total })
    }
}
