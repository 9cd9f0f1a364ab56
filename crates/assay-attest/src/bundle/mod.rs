//! Sigstore bundles: read, write, sign and verify with a known key.
//!
//! A bundle is the protobuf-specs `dev.sigstore.bundle.v1.Bundle` message in its canonical JSON
//! form (<https://github.com/sigstore/protobuf-specs>, `protos/sigstore_bundle.proto`,
//! `sigstore_common.proto`, `sigstore_rekor.proto`; cosign `specs/BUNDLE_SPEC.md`): field names
//! in lowerCamelCase, bytes as base64, 64-bit integers as decimal strings.
//!
//! - [`Bundle::from_json`] decodes the private wire shape (`wire`) into a [`Bundle`]: every
//!   base64 field becomes bytes and every integer a number, with a [`BundleError`] naming the
//!   JSON field when one does not decode. Sizes and counts are bounded ([`MAX_BUNDLE_BYTES`],
//!   [`MAX_TLOG_ENTRIES`], [`MAX_TIMESTAMPS`], [`MAX_CHAIN_CERTIFICATES`],
//!   [`MAX_PROOF_HASHES`]); lists are counted while they are read, so an oversized list is
//!   never held in memory.
//! - [`Bundle::new`] is the only way to build a [`Bundle`], and parsing goes through it, so a
//!   `Bundle` always satisfies the structural rules of its version (`rules`): exactly one key
//!   material and one content; v0.1 carries a tlog entry and every entry an inclusion promise;
//!   from v0.2 every entry carries an inclusion proof with a checkpoint, and an entry without an
//!   inclusion promise needs an RFC 3161 timestamp as its source of signed time; v0.3 uses
//!   `certificate`, never `x509CertificateChain`. A bundle without tlog entries is allowed from
//!   v0.2 on: key-signed bundles made without a transparency log look like that.
//! - [`Bundle::to_json`] writes the bundle the way protobuf's JSON mapping does (`encode`):
//!   fields in declaration order, standard padded base64, integers as strings, and zero values,
//!   empty lists and unset messages left out. A bundle with no tlog entries therefore has no
//!   `tlogEntries`, and one with no timestamps no `timestampVerificationData`, as cosign and
//!   sigstore-go write key-signed bundles. Reading what it writes gives back an equal value.
//! - [`sign_blob`], [`attest`] and [`verify_with_key`] (`verify`) sign and check bundles with
//!   a key the caller already trusts. Transparency-log entries and timestamps are carried but
//!   not checked there, and [`Verified`] says so.

mod encode;
mod error;
mod rules;
mod verify;
mod wire;

pub use error::BundleError;
pub use verify::{
    Artifact, Verified, VerifiedContent, attest, public_key_hint, sign_blob, verify_content,
    verify_with_key,
};

use crate::dsse::Envelope;

/// Largest bundle JSON read: 128 MiB.
pub const MAX_BUNDLE_BYTES: usize = 128 * 1024 * 1024;
/// Most transparency-log entries in one bundle.
pub const MAX_TLOG_ENTRIES: usize = 100;
/// Most RFC 3161 timestamps in one bundle.
pub const MAX_TIMESTAMPS: usize = 100;
/// Most certificates in a v0.1/v0.2 `x509CertificateChain`.
pub const MAX_CHAIN_CERTIFICATES: usize = 10;
/// Most hashes in one inclusion proof (a Merkle path in a tree of up to 2^64 leaves).
pub const MAX_PROOF_HASHES: usize = 64;

/// The bundle format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BundleVersion {
    /// v0.1: inclusion promises required.
    V0_1,
    /// v0.2: inclusion proofs with checkpoints required.
    V0_2,
    /// v0.3: as v0.2, and a single leaf `certificate` instead of a chain.
    V0_3,
}

/// The media types a bundle may declare (`Bundle.media_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`.
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`.
    V0_2,
    /// `application/vnd.dev.sigstore.bundle.v0.3+json`, the form the specification asks
    /// writers to use.
    V0_3,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.3`, the older spelling of v0.3
    /// that readers must still accept.
    V0_3Parameter,
}

impl MediaType {
    const ALL: [Self; 4] = [Self::V0_1, Self::V0_2, Self::V0_3, Self::V0_3Parameter];

    /// The media type string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V0_1 => "application/vnd.dev.sigstore.bundle+json;version=0.1",
            Self::V0_2 => "application/vnd.dev.sigstore.bundle+json;version=0.2",
            Self::V0_3 => "application/vnd.dev.sigstore.bundle.v0.3+json",
            Self::V0_3Parameter => "application/vnd.dev.sigstore.bundle+json;version=0.3",
        }
    }

    /// The format version this media type names.
    pub fn version(self) -> BundleVersion {
        match self {
            Self::V0_1 => BundleVersion::V0_1,
            Self::V0_2 => BundleVersion::V0_2,
            Self::V0_3 | Self::V0_3Parameter => BundleVersion::V0_3,
        }
    }

    /// Reads a media type; anything but the four known strings is refused.
    pub fn parse(s: &str) -> Result<Self, BundleError> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| BundleError::UnknownMediaType(s.to_owned()))
    }
}

/// A Sigstore bundle that satisfies the structural rules of its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    media_type: MediaType,
    verification_material: VerificationMaterial,
    content: Content,
}

/// What a verifier needs besides the signature: the key (or certificates), transparency-log
/// entries and signed timestamps (`VerificationMaterial`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationMaterial {
    /// Who signed: a key hint or certificates.
    pub key: KeyMaterial,
    /// Transparency-log entries, in bundle order.
    pub tlog_entries: Vec<TlogEntry>,
    /// RFC 3161 signed timestamps (DER `TimeStampResp`/`TimeStampToken` bytes), in bundle order
    /// (`timestampVerificationData.rfc3161Timestamps[].signedTimestamp`).
    pub timestamps: Vec<Vec<u8>>,
}

/// The signer's key material (the `content` oneof of `VerificationMaterial`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `publicKey.hint`: an unauthenticated name for a key the verifier already has.
    PublicKeyHint(String),
    /// `certificate.rawBytes`: the DER signing certificate (v0.3).
    Certificate(Vec<u8>),
    /// `x509CertificateChain.certificates[].rawBytes`: DER certificates, the signing one first
    /// (v0.1 and v0.2 only).
    X509Chain(Vec<Vec<u8>>),
}

/// One transparency-log entry (`dev.sigstore.rekor.v1.TransparencyLogEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogEntry {
    /// `logIndex`: the entry's index in the log.
    pub log_index: u64,
    /// `logId.keyId`: the log's id (a hash of its public key).
    pub log_id: Vec<u8>,
    /// `kindVersion`: the entry type and its version, e.g. `hashedrekord` `0.0.1`.
    pub kind_version: KindVersion,
    /// `integratedTime`: UNIX seconds when the log integrated the entry; 0 when the log
    /// records none (Rekor v2).
    pub integrated_time: i64,
    /// `inclusionPromise.signedEntryTimestamp`: the log's signed promise; `None` when absent or
    /// empty.
    pub inclusion_promise: Option<Vec<u8>>,
    /// `inclusionProof`: the Merkle inclusion proof.
    pub inclusion_proof: Option<InclusionProof>,
    /// `canonicalizedBody`: the entry body as the log stores it.
    pub canonicalized_body: Vec<u8>,
}

/// `kindVersion` of a tlog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindVersion {
    /// The entry type, e.g. `hashedrekord`, `dsse`, `intoto`.
    pub kind: String,
    /// The entry type's version, e.g. `0.0.1`.
    pub version: String,
}

/// A Merkle inclusion proof (`dev.sigstore.rekor.v1.InclusionProof`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// `logIndex`: the leaf index within the tree the proof is for.
    pub log_index: u64,
    /// `rootHash`: the tree's root hash.
    pub root_hash: Vec<u8>,
    /// `treeSize`: the number of leaves in that tree.
    pub tree_size: u64,
    /// `hashes`: the audit path, leaf to root.
    pub hashes: Vec<Vec<u8>>,
    /// `checkpoint.envelope`: the signed tree head (a signed note); `None` when absent or empty.
    pub checkpoint: Option<String>,
}

/// What was signed (the `content` oneof of `Bundle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// `messageSignature`: a signature over the artifact's bytes.
    MessageSignature {
        /// `messageDigest`: the artifact's digest, for identification only.
        digest: Option<MessageDigest>,
        /// `signature`: the raw signature bytes (DER for ECDSA).
        signature: Vec<u8>,
    },
    /// `dsseEnvelope`: a DSSE envelope, normally carrying an in-toto Statement.
    Dsse(Envelope),
}

/// `messageSignature.messageDigest` (`HashOutput`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDigest {
    /// The hash function.
    pub algorithm: HashAlgorithm,
    /// The digest, of the length the algorithm produces.
    pub digest: Vec<u8>,
}

/// The hash functions of `dev.sigstore.common.v1.HashAlgorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// `SHA2_256`.
    Sha2_256,
    /// `SHA2_384`.
    Sha2_384,
    /// `SHA2_512`.
    Sha2_512,
    /// `SHA3_256`.
    Sha3_256,
    /// `SHA3_384`.
    Sha3_384,
}

impl HashAlgorithm {
    const ALL: [Self; 5] = [
        Self::Sha2_256,
        Self::Sha2_384,
        Self::Sha2_512,
        Self::Sha3_256,
        Self::Sha3_384,
    ];

    /// The enum value's name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha2_256 => "SHA2_256",
            Self::Sha2_384 => "SHA2_384",
            Self::Sha2_512 => "SHA2_512",
            Self::Sha3_256 => "SHA3_256",
            Self::Sha3_384 => "SHA3_384",
        }
    }

    /// The enum value's number in the protobuf definition.
    pub fn number(self) -> u64 {
        match self {
            Self::Sha2_256 => 1,
            Self::Sha2_384 => 2,
            Self::Sha2_512 => 3,
            Self::Sha3_256 => 4,
            Self::Sha3_384 => 5,
        }
    }

    /// The digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Self::Sha2_256 | Self::Sha3_256 => 32,
            Self::Sha2_384 | Self::Sha3_384 => 48,
            Self::Sha2_512 => 64,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    fn from_number(number: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.number() == number)
    }
}

impl Bundle {
    /// Builds a bundle, refusing one that breaks the structural rules of `media_type`'s version
    /// or the size limits (see the module documentation).
    pub fn new(
        media_type: MediaType,
        verification_material: VerificationMaterial,
        content: Content,
    ) -> Result<Self, BundleError> {
        rules::check(media_type.version(), &verification_material, &content)?;
        Ok(Self {
            media_type,
            verification_material,
            content,
        })
    }

    /// Reads a bundle from its JSON form.
    pub fn from_json(json: &[u8]) -> Result<Self, BundleError> {
        if json.len() > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge {
                size: json.len(),
                limit: MAX_BUNDLE_BYTES,
            });
        }
        let wire: wire::WireBundle = serde_json::from_slice(json).map_err(BundleError::Json)?;
        wire.into_bundle()
    }

    /// Writes the bundle's JSON form (compact; see the module documentation for the layout).
    pub fn to_json(&self) -> Vec<u8> {
        encode::bundle(self).into_bytes()
    }

    /// The declared media type.
    pub fn media_type(&self) -> MediaType {
        self.media_type
    }

    /// The format version.
    pub fn version(&self) -> BundleVersion {
        self.media_type.version()
    }

    /// The key material, tlog entries and timestamps.
    pub fn verification_material(&self) -> &VerificationMaterial {
        &self.verification_material
    }

    /// What was signed.
    pub fn content(&self) -> &Content {
        &self.content
    }
}
