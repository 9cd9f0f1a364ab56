//! Signing and verifying keys, and the files they live in.
//!
//! - [`Algorithm`]: the four key types assay signs and verifies with: ECDSA P-256 (SHA-256),
//!   ECDSA P-384 (SHA-384), Ed25519 (pure, RFC 8032) and RSA (PKCS#1 v1.5 with SHA-256, the
//!   scheme cosign uses for RSA keys).
//! - [`SigningKey`]: a private key. Read from cosign's encrypted key file (`ENCRYPTED SIGSTORE
//!   PRIVATE KEY`: scrypt + NaCl secretbox around a PKCS#8 key, see [`SigningKey::from_cosign_pem`])
//!   or from unencrypted PEM (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, PKCS#1
//!   `RSA PRIVATE KEY`). ECDSA signatures are DER-encoded (ASN.1 `Ecdsa-Sig-Value`,
//!   RFC 3279 §2.2.3), as cosign and in-toto write them.
//! - [`VerifyingKey`]: a public key, read from and written to SubjectPublicKeyInfo PEM
//!   (RFC 5280 §4.1.2.7, `-----BEGIN PUBLIC KEY-----`, the layout of `cosign.pub`). ECDSA
//!   verification accepts DER and the raw fixed-size `r || s` form (used by the DSSE test vectors).
//! - [`KeySource`] and [`Signer`]: the seam through which callers obtain a signer, so KMS or HSM
//!   backends can be added without touching them. [`SigningKey`] and [`FileKeySource`]
//!   implement it.
//!
//! Inputs are untrusted: PEM text is bounded in size, RSA moduli must be 2048..=4096 bits and
//! scrypt parameters read from a file are bounded so a hostile file cannot exhaust memory.

mod cosign;
mod error;
mod oid;
mod pem;
mod private;
mod public;
mod source;

pub use error::KeyError;
pub use private::SigningKey;
pub use public::VerifyingKey;
pub use source::{FileKeySource, KeySource, Signer};

/// A signature algorithm, fixed by the key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// ECDSA over NIST P-256 with SHA-256.
    EcdsaP256,
    /// ECDSA over NIST P-384 with SHA-384.
    EcdsaP384,
    /// Ed25519 (pure EdDSA, RFC 8032).
    Ed25519,
    /// RSA with PKCS#1 v1.5 padding and SHA-256. Generated keys have 3072 bits; keys of
    /// 2048..=4096 bits are accepted when read.
    Rsa3072,
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::EcdsaP256 => "ECDSA P-256",
            Self::EcdsaP384 => "ECDSA P-384",
            Self::Ed25519 => "Ed25519",
            Self::Rsa3072 => "RSA",
        })
    }
}
