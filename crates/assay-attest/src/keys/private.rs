//! [`SigningKey`]: private keys, their unencrypted encodings (PKCS#8 RFC 5208/5958, SEC1
//! RFC 5915, PKCS#1 RFC 8017 Appendix A.1.2) and signing.

use pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, PrivateKeyInfo};
use rand_core::OsRng;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use sha2::Sha256;
use signature::{RandomizedSigner as _, SignatureEncoding as _, Signer as _};
use zeroize::Zeroizing;

use super::oid::{algorithm_of, check_rsa_modulus, curve_algorithm};
use super::public::PublicInner;
use super::{Algorithm, KeyError, VerifyingKey, cosign, pem};

const PKCS8_LABEL: &str = "PRIVATE KEY";
const SEC1_LABEL: &str = "EC PRIVATE KEY";
const PKCS1_LABEL: &str = "RSA PRIVATE KEY";
/// Modulus size of generated RSA keys.
const RSA_GENERATE_BITS: usize = 3072;

#[derive(Clone)]
enum SecretInner {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Rsa(Box<rsa::RsaPrivateKey>),
}

/// A private key. Secret material is zeroized on drop and never shown by `Debug`.
#[derive(Clone)]
pub struct SigningKey {
    inner: SecretInner,
    public: VerifyingKey,
}

impl SigningKey {
    fn from_inner(inner: SecretInner) -> Result<Self, KeyError> {
        let public = VerifyingKey::from_inner(match &inner {
            SecretInner::P256(k) => PublicInner::P256(*k.verifying_key()),
            SecretInner::P384(k) => PublicInner::P384(*k.verifying_key()),
            SecretInner::Ed25519(k) => PublicInner::Ed25519(k.verifying_key()),
            SecretInner::Rsa(k) => PublicInner::Rsa(k.to_public_key()),
        })?;
        Ok(Self { inner, public })
    }

    /// A fresh key from the operating system's random number generator. RSA keys have
    /// 3072 bits.
    pub fn generate(algorithm: Algorithm) -> Result<Self, KeyError> {
        let inner = match algorithm {
            Algorithm::EcdsaP256 => SecretInner::P256(p256::ecdsa::SigningKey::random(&mut OsRng)),
            Algorithm::EcdsaP384 => SecretInner::P384(p384::ecdsa::SigningKey::random(&mut OsRng)),
            Algorithm::Ed25519 => {
                SecretInner::Ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng))
            }
            Algorithm::Rsa3072 => SecretInner::Rsa(Box::new(
                rsa::RsaPrivateKey::new(&mut OsRng, RSA_GENERATE_BITS)
                    .map_err(|e| KeyError::encode("RSA key generation", e))?,
            )),
        };
        Self::from_inner(inner)
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.public.clone()
    }

    /// Signs `msg`: ECDSA P-256/SHA-256 or P-384/SHA-384 (RFC 6979 nonces, DER signature),
    /// Ed25519 (64 bytes, deterministic), RSA PKCS#1 v1.5 with SHA-256 (blinded).
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        let failed = |e: signature::Error| KeyError::Sign {
            algorithm: self.algorithm(),
            source: Box::new(e),
        };
        Ok(match &self.inner {
            SecretInner::P256(k) => {
                let sig: p256::ecdsa::Signature = k.try_sign(msg).map_err(failed)?;
                sig.to_der().to_vec()
            }
            SecretInner::P384(k) => {
                let sig: p384::ecdsa::Signature = k.try_sign(msg).map_err(failed)?;
                sig.to_der().to_vec()
            }
            SecretInner::Ed25519(k) => k.try_sign(msg).map_err(failed)?.to_vec(),
            SecretInner::Rsa(k) => rsa::pkcs1v15::SigningKey::<Sha256>::new((**k).clone())
                .try_sign_with_rng(&mut OsRng, msg)
                .map_err(failed)?
                .to_vec(),
        })
    }

    /// Reads a PEM private key, choosing the format by its label: cosign's encrypted format
    /// (`ENCRYPTED SIGSTORE PRIVATE KEY` or the older `ENCRYPTED COSIGN PRIVATE KEY`, which
    /// needs `password`), `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or `RSA PRIVATE KEY`
    /// (PKCS#1).
    pub fn from_pem(text: &str, password: Option<&[u8]>) -> Result<Self, KeyError> {
        let block = pem::decode(text)?;
        match block.label.as_str() {
            label if cosign::is_cosign_label(label) => {
                let password = password.ok_or(KeyError::PasswordRequired)?;
                Self::from_pkcs8_der(&cosign::open(&block.der, password)?)
            }
            PKCS8_LABEL => Self::from_pkcs8_der(&block.der),
            SEC1_LABEL => Self::from_sec1_der(&block.der),
            PKCS1_LABEL => Self::from_pkcs1_der(&block.der),
            other => Err(KeyError::UnexpectedPemLabel {
                label: other.to_owned(),
                expected: "ENCRYPTED SIGSTORE PRIVATE KEY, ENCRYPTED COSIGN PRIVATE KEY, \
                           PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY",
            }),
        }
    }

    /// Reads cosign's encrypted key file (see the `keys` module documentation).
    /// A wrong password gives [`KeyError::WrongPassword`].
    pub fn from_cosign_pem(text: &str, password: &[u8]) -> Result<Self, KeyError> {
        let block = pem::decode(text)?;
        if !cosign::is_cosign_label(&block.label) {
            return Err(KeyError::UnexpectedPemLabel {
                label: block.label.clone(),
                expected: "ENCRYPTED SIGSTORE PRIVATE KEY or ENCRYPTED COSIGN PRIVATE KEY",
            });
        }
        Self::from_pkcs8_der(&cosign::open(&block.der, password)?)
    }

    /// Writes cosign's encrypted key file: a fresh random salt and nonce, scrypt N=65536 r=8
    /// p=1, NaCl secretbox, label `ENCRYPTED SIGSTORE PRIVATE KEY`.
    pub fn to_cosign_pem(&self, password: &[u8]) -> Result<String, KeyError> {
        cosign::seal(&self.to_pkcs8_der()?, password)
    }

    /// Writes the key as unencrypted PKCS#8 PEM (`PRIVATE KEY`).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        Ok(Zeroizing::new(pem::encode(
            PKCS8_LABEL,
            &self.to_pkcs8_der()?,
        )))
    }

    /// The key as PKCS#8 DER. Ed25519 keys are written as version 1 (no public key), the
    /// form Go's `x509.MarshalPKCS8PrivateKey` and OpenSSL write.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let doc = match &self.inner {
            SecretInner::P256(k) => k.to_pkcs8_der(),
            SecretInner::P384(k) => k.to_pkcs8_der(),
            SecretInner::Ed25519(k) => ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: k.to_bytes(),
                public_key: None,
            }
            .to_pkcs8_der(),
            SecretInner::Rsa(k) => k.to_pkcs8_der(),
        };
        let doc = doc.map_err(|e| KeyError::encode("PKCS#8 private key", e))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// Reads a PKCS#8 `PrivateKeyInfo` (DER) of any supported algorithm.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = PrivateKeyInfo::try_from(der)
            .map_err(|e| KeyError::invalid("PKCS#8 private key", e))?;
        let bad = |e: pkcs8::Error| KeyError::invalid("PKCS#8 private key", e);
        let inner = match algorithm_of(&info.algorithm)? {
            Algorithm::EcdsaP256 => {
                SecretInner::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
            }
            Algorithm::EcdsaP384 => {
                SecretInner::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
            }
            Algorithm::Ed25519 => {
                SecretInner::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(bad)?)
            }
            Algorithm::Rsa3072 => SecretInner::Rsa(Box::new(rsa_from_pkcs1(info.private_key)?)),
        };
        Self::from_inner(inner)
    }

    /// Reads a SEC1 `ECPrivateKey` (DER). A key without a named curve is taken to be P-256 or
    /// P-384 by the length of its private scalar.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        let parsed = sec1::EcPrivateKey::try_from(der)
            .map_err(|e| KeyError::invalid("SEC1 EC private key", e))?;
        let algorithm = match parsed.parameters.and_then(|p| p.named_curve()) {
            Some(curve) => curve_algorithm(&curve)?,
            None => curve_from_scalar_len(parsed.private_key.len())?,
        };
        let bad = |e: p256::elliptic_curve::Error| KeyError::invalid("SEC1 EC private key", e);
        let inner = match algorithm {
            Algorithm::EcdsaP384 => {
                SecretInner::P384(p384::SecretKey::from_sec1_der(der).map_err(bad)?.into())
            }
            _ => SecretInner::P256(p256::SecretKey::from_sec1_der(der).map_err(bad)?.into()),
        };
        Self::from_inner(inner)
    }

    /// Reads a PKCS#1 `RSAPrivateKey` (DER).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_inner(SecretInner::Rsa(Box::new(rsa_from_pkcs1(der)?)))
    }
}

/// The curve of a SEC1 key that omits its parameters (RFC 5915 §3 allows it), from the
/// length of the private scalar.
fn curve_from_scalar_len(len: usize) -> Result<Algorithm, KeyError> {
    match len {
        32 => Ok(Algorithm::EcdsaP256),
        48 => Ok(Algorithm::EcdsaP384),
        _ => Err(KeyError::UnsupportedCurve {
            name: "unnamed",
            oid: "none".to_owned(),
        }),
    }
}

/// Decodes a PKCS#1 `RSAPrivateKey` after checking the modulus size.
fn rsa_from_pkcs1(der: &[u8]) -> Result<rsa::RsaPrivateKey, KeyError> {
    let parsed = rsa::pkcs1::RsaPrivateKey::try_from(der)
        .map_err(|e| KeyError::invalid("PKCS#1 RSA private key", e))?;
    check_rsa_modulus(parsed.modulus.as_bytes())?;
    rsa::RsaPrivateKey::from_pkcs1_der(der)
        .map_err(|e| KeyError::invalid("PKCS#1 RSA private key", e))
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.public.key_id())
            .finish_non_exhaustive()
    }
}
