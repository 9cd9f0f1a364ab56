//! [`VerifyingKey`]: public keys as SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), and signature
//! verification for each [`Algorithm`].

use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest as _, Sha256};
use signature::Verifier as _;
use spki::{DecodePublicKey as _, EncodePublicKey as _, SubjectPublicKeyInfoRef};

use super::oid::{algorithm_of, check_rsa_modulus};
use super::{Algorithm, KeyError, pem};

const SPKI_LABEL: &str = "PUBLIC KEY";
const PKCS1_PUBLIC_LABEL: &str = "RSA PUBLIC KEY";

#[derive(Clone)]
pub(crate) enum PublicInner {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

/// A public key, able to verify signatures made by its [`super::SigningKey`].
///
/// Keys are held with their canonical SubjectPublicKeyInfo DER, which [`Self::key_id`]
/// hashes and [`Self::to_public_pem`] writes; two keys are equal when that DER is.
#[derive(Clone)]
pub struct VerifyingKey {
    inner: PublicInner,
    spki_der: Vec<u8>,
}

impl VerifyingKey {
    pub(crate) fn from_inner(inner: PublicInner) -> Result<Self, KeyError> {
        let doc = match &inner {
            PublicInner::P256(k) => k.to_public_key_der(),
            PublicInner::P384(k) => k.to_public_key_der(),
            PublicInner::Ed25519(k) => k.to_public_key_der(),
            PublicInner::Rsa(k) => k.to_public_key_der(),
        };
        let doc = doc.map_err(|e| KeyError::encode("SubjectPublicKeyInfo", e))?;
        Ok(Self {
            inner,
            spki_der: doc.into_vec(),
        })
    }

    /// Reads a DER SubjectPublicKeyInfo. Refuses algorithms other than the four of
    /// [`Algorithm`] (naming the OID) and RSA moduli outside 2048..=4096 bits.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| KeyError::invalid("SubjectPublicKeyInfo", e))?;
        let bad = |e: spki::Error| KeyError::invalid("SubjectPublicKeyInfo", e);
        let inner = match algorithm_of(&info.algorithm)? {
            Algorithm::EcdsaP256 => {
                PublicInner::P256(p256::ecdsa::VerifyingKey::from_public_key_der(der).map_err(bad)?)
            }
            Algorithm::EcdsaP384 => {
                PublicInner::P384(p384::ecdsa::VerifyingKey::from_public_key_der(der).map_err(bad)?)
            }
            Algorithm::Ed25519 => PublicInner::Ed25519(
                ed25519_dalek::VerifyingKey::from_public_key_der(der).map_err(bad)?,
            ),
            Algorithm::Rsa3072 => {
                PublicInner::Rsa(rsa_from_pkcs1(info.subject_public_key.raw_bytes())?)
            }
        };
        Self::from_inner(inner)
    }

    /// Reads a PEM public key: SubjectPublicKeyInfo (`PUBLIC KEY`, as in `cosign.pub`) or
    /// PKCS#1 (`RSA PUBLIC KEY`).
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let block = pem::decode(text)?;
        match block.label.as_str() {
            SPKI_LABEL => Self::from_spki_der(&block.der),
            PKCS1_PUBLIC_LABEL => Self::from_inner(PublicInner::Rsa(rsa_from_pkcs1(&block.der)?)),
            other => Err(KeyError::UnexpectedPemLabel {
                label: other.to_owned(),
                expected: "PUBLIC KEY or RSA PUBLIC KEY",
            }),
        }
    }

    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_public_pem(&self) -> String {
        pem::encode(SPKI_LABEL, &self.spki_der)
    }

    /// The canonical SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Lower-case hex SHA-256 of the SubjectPublicKeyInfo DER.
    pub fn key_id(&self) -> String {
        Sha256::digest(&self.spki_der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            PublicInner::P256(_) => Algorithm::EcdsaP256,
            PublicInner::P384(_) => Algorithm::EcdsaP384,
            PublicInner::Ed25519(_) => Algorithm::Ed25519,
            PublicInner::Rsa(_) => Algorithm::Rsa3072,
        }
    }

    /// Verifies `sig` over `msg`. ECDSA signatures may be DER or raw `r || s`; Ed25519
    /// signatures are the 64-byte RFC 8032 encoding (strict verification); RSA signatures are
    /// PKCS#1 v1.5 or PSS (salt length 32), both with SHA-256.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), KeyError> {
        let valid = match &self.inner {
            PublicInner::P256(k) => verify_p256(k, msg, sig),
            PublicInner::P384(k) => verify_p384(k, msg, sig),
            PublicInner::Ed25519(k) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|s| k.verify_strict(msg, &s).is_ok()),
            PublicInner::Rsa(k) => verify_rsa(k, msg, sig),
        };
        if valid {
            Ok(())
        } else {
            Err(KeyError::BadSignature {
                algorithm: self.algorithm(),
            })
        }
    }
}

/// Decodes a PKCS#1 `RSAPublicKey` after checking the modulus size, so oversized moduli are
/// refused before any arithmetic on them.
fn rsa_from_pkcs1(der: &[u8]) -> Result<rsa::RsaPublicKey, KeyError> {
    let parsed = rsa::pkcs1::RsaPublicKey::try_from(der)
        .map_err(|e| KeyError::invalid("PKCS#1 RSA public key", e))?;
    check_rsa_modulus(parsed.modulus.as_bytes())?;
    rsa::RsaPublicKey::from_pkcs1_der(der)
        .map_err(|e| KeyError::invalid("PKCS#1 RSA public key", e))
}

fn verify_p256(key: &p256::ecdsa::VerifyingKey, msg: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::Signature;
    let ok = |s: Signature| key.verify(msg, &s).is_ok();
    Signature::from_der(sig).is_ok_and(ok) || Signature::from_slice(sig).is_ok_and(ok)
}

fn verify_p384(key: &p384::ecdsa::VerifyingKey, msg: &[u8], sig: &[u8]) -> bool {
    use p384::ecdsa::Signature;
    let ok = |s: Signature| key.verify(msg, &s).is_ok();
    Signature::from_der(sig).is_ok_and(ok) || Signature::from_slice(sig).is_ok_and(ok)
}

fn verify_rsa(key: &rsa::RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    if sig.len() != key.size() {
        return false;
    }
    let pkcs1 = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone());
    let pss = rsa::pss::VerifyingKey::<Sha256>::new(key.clone());
    rsa::pkcs1v15::Signature::try_from(sig).is_ok_and(|s| pkcs1.verify(msg, &s).is_ok())
        || rsa::pss::Signature::try_from(sig).is_ok_and(|s| pss.verify(msg, &s).is_ok())
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki_der == other.spki_der
    }
}

impl Eq for VerifyingKey {}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id())
            .finish()
    }
}
