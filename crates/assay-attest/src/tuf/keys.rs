//! TUF public keys and signature thresholds.
//!
//! Keys are read as securesystemslib writes them (TUF specification v1.0 §4.2 "KEY"):
//! `ecdsa` (also spelled `ecdsa-sha2-nistp256`/`-nistp384`) with PEM `keyval.public`,
//! `ed25519` with hex `keyval.public`, `rsa` with PEM and scheme `rsassa-pss-sha256` (salt
//! length 32) or `rsa-pkcs1v15-sha256`. Key ids are taken from the metadata as listed, not
//! recomputed. A key of another type (such as a Sigstore identity) is kept out of the key
//! ring, so it can never count toward a threshold.
//!
//! Thresholds follow §5.3.4: each key counts at most once, whatever the number of its
//! signatures; signatures by keys outside the role, empty signatures and invalid ones do not
//! count. Each key is tried at most once, so a file padded with bogus signatures costs at most
//! one verification per key of the role.

use std::collections::{BTreeMap, BTreeSet};

use sha2::Sha256;
use signature::Verifier as _;
use spki::DecodePublicKey as _;

use super::error::TufError;
use super::metadata::Document;
use super::wire::{WireKey, WireRole};
use crate::keys::{Algorithm, VerifyingKey};

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32-byte key.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Key ids to keys, as listed by root (`keys`) or a delegating role (`delegations.keys`).
pub(super) type KeyRing = BTreeMap<String, PublicKey>;

/// The signature schemes this client verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    EcdsaP256,
    EcdsaP384,
    Ed25519,
    RsaPss,
    RsaPkcs1,
}

impl Scheme {
    fn parse(keytype: &str, scheme: &str) -> Option<Self> {
        match (keytype, scheme) {
            ("ecdsa" | "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") => Some(Self::EcdsaP256),
            ("ecdsa" | "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384") => Some(Self::EcdsaP384),
            ("ed25519", "ed25519") => Some(Self::Ed25519),
            ("rsa", "rsassa-pss-sha256") => Some(Self::RsaPss),
            ("rsa", "rsa-pkcs1v15-sha256") => Some(Self::RsaPkcs1),
            _ => None,
        }
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Self::EcdsaP256 => Algorithm::EcdsaP256,
            Self::EcdsaP384 => Algorithm::EcdsaP384,
            Self::Ed25519 => Algorithm::Ed25519,
            Self::RsaPss | Self::RsaPkcs1 => Algorithm::Rsa3072,
        }
    }
}

/// A public key with the scheme its metadata names.
#[derive(Debug, Clone)]
pub(super) struct PublicKey {
    key: VerifyingKey,
    scheme: Scheme,
}

impl PublicKey {
    /// The key, or `None` when its type or scheme is unsupported, its value unreadable, or
    /// the key's algorithm differs from the one its scheme names.
    fn from_wire(wire: &WireKey) -> Option<Self> {
        let scheme = Scheme::parse(&wire.keytype, &wire.scheme)?;
        let public = wire.keyval.public.as_deref()?;
        let key = match scheme {
            Scheme::Ed25519 => ed25519_from_hex(public)?,
            _ => VerifyingKey::from_pem(public).ok()?,
        };
        (key.algorithm() == scheme.algorithm()).then_some(Self { key, scheme })
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self.scheme {
            Scheme::RsaPss => verify_rsa(&self.key, msg, sig, true),
            Scheme::RsaPkcs1 => verify_rsa(&self.key, msg, sig, false),
            _ => self.key.verify(msg, sig).is_ok(),
        }
    }
}

/// Builds a key ring, leaving out keys this client cannot use.
pub(super) fn key_ring(keys: &BTreeMap<String, WireKey>) -> KeyRing {
    keys.iter()
        .filter_map(|(id, wire)| Some((id.clone(), PublicKey::from_wire(wire)?)))
        .collect()
}

fn ed25519_from_hex(public: &str) -> Option<VerifyingKey> {
    let raw = hex::decode(public).ok()?;
    if raw.len() != 32 {
        return None;
    }
    let der = [ED25519_SPKI_PREFIX.as_slice(), &raw].concat();
    VerifyingKey::from_spki_der(&der).ok()
}

/// RSA with exactly the padding the scheme names (the crate-wide verifier accepts both).
fn verify_rsa(key: &VerifyingKey, msg: &[u8], sig: &[u8], pss: bool) -> bool {
    let Ok(public) = rsa::RsaPublicKey::from_public_key_der(key.spki_der()) else {
        return false;
    };
    if pss {
        let verifier = rsa::pss::VerifyingKey::<Sha256>::new(public);
        rsa::pss::Signature::try_from(sig).is_ok_and(|s| verifier.verify(msg, &s).is_ok())
    } else {
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public);
        rsa::pkcs1v15::Signature::try_from(sig).is_ok_and(|s| verifier.verify(msg, &s).is_ok())
    }
}

/// A role's key ids (duplicates removed) and threshold (at least 1).
#[derive(Debug, Clone)]
pub(super) struct Role {
    keyids: BTreeSet<String>,
    threshold: u64,
}

impl Role {
    pub(super) fn from_wire(file: &str, name: &str, wire: &WireRole) -> Result<Self, TufError> {
        Self::new(file, name, &wire.keyids, wire.threshold)
    }

    pub(super) fn new(
        file: &str,
        name: &str,
        keyids: &[String],
        threshold: u64,
    ) -> Result<Self, TufError> {
        if threshold == 0 {
            return Err(TufError::malformed(
                file,
                format!("role {name} has threshold 0"),
            ));
        }
        Ok(Self {
            keyids: keyids.iter().cloned().collect(),
            threshold,
        })
    }

    /// Whether both roles list the same key ids.
    pub(super) fn same_keys(&self, other: &Self) -> bool {
        self.keyids == other.keyids
    }

    /// Requires a threshold of this role's keys to have signed `doc` (named `role_name` in the
    /// error).
    pub(super) fn check<T>(
        &self,
        keys: &KeyRing,
        role_name: &str,
        doc: &Document<T>,
    ) -> Result<(), TufError> {
        let valid = self.count_valid(keys, doc);
        if valid >= self.threshold {
            return Ok(());
        }
        Err(TufError::Threshold {
            role: role_name.to_owned(),
            version: doc.version,
            valid,
            threshold: self.threshold,
        })
    }

    fn count_valid<T>(&self, keys: &KeyRing, doc: &Document<T>) -> u64 {
        let mut tried = BTreeSet::new();
        let mut valid = 0;
        for signature in &doc.signatures {
            let id = signature.keyid.as_str();
            if signature.sig.is_empty() || !self.keyids.contains(id) || !tried.insert(id) {
                continue;
            }
            let Some(key) = keys.get(id) else { continue };
            if hex::decode(&signature.sig).is_ok_and(|sig| key.verify(&doc.canonical, &sig)) {
                valid += 1;
            }
        }
        valid
    }
}
