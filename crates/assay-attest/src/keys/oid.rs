//! Algorithm identifiers (RFC 5280 §4.1.1.2) and how they map to [`Algorithm`].
//!
//! OIDs: `id-ecPublicKey` and the named curves (RFC 5480 §2.1.1), `id-Ed25519` (RFC 8410 §3),
//! `rsaEncryption` (RFC 8017 Appendix A.1).

use spki::{AlgorithmIdentifierRef, ObjectIdentifier};

use super::{Algorithm, KeyError};

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub(crate) const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Names for OIDs we refuse, so the error says what the key is.
const KNOWN_UNSUPPORTED: &[(&str, &str)] = &[
    ("1.2.840.10040.4.1", "DSA"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
    ("1.3.101.110", "X25519"),
    ("1.3.101.111", "X448"),
    ("1.3.101.113", "Ed448"),
    ("1.3.132.0.10", "secp256k1"),
    ("1.3.132.0.35", "P-521"),
    ("1.2.840.10045.3.1.1", "P-192"),
    ("1.3.132.0.33", "P-224"),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ("1.2.643.7.1.1.1.1", "GOST R 34.10-2012"),
    ("1.2.156.10197.1.301", "SM2"),
];

fn name_of(oid: &ObjectIdentifier) -> &'static str {
    let text = oid.to_string();
    KNOWN_UNSUPPORTED
        .iter()
        .find(|(known, _)| *known == text)
        .map_or("unknown", |(_, name)| *name)
}

/// The [`Algorithm`] named by a key's AlgorithmIdentifier, or a typed refusal naming the OID.
pub(crate) fn algorithm_of(id: &AlgorithmIdentifierRef<'_>) -> Result<Algorithm, KeyError> {
    match id.oid {
        EC_PUBLIC_KEY => {
            let curve = id
                .parameters_oid()
                .map_err(|_| KeyError::UnsupportedCurve {
                    name: "unnamed",
                    oid: "none".to_owned(),
                })?;
            curve_algorithm(&curve)
        }
        ED25519 => Ok(Algorithm::Ed25519),
        RSA_ENCRYPTION => Ok(Algorithm::Rsa3072),
        other => Err(KeyError::UnsupportedAlgorithm {
            name: name_of(&other),
            oid: other.to_string(),
        }),
    }
}

/// The ECDSA [`Algorithm`] for a named curve.
pub(crate) fn curve_algorithm(curve: &ObjectIdentifier) -> Result<Algorithm, KeyError> {
    match *curve {
        P256 => Ok(Algorithm::EcdsaP256),
        P384 => Ok(Algorithm::EcdsaP384),
        other => Err(KeyError::UnsupportedCurve {
            name: name_of(&other),
            oid: other.to_string(),
        }),
    }
}

/// Bit length of a big-endian unsigned integer (leading zero bytes ignored).
pub(crate) fn bit_len(be: &[u8]) -> u64 {
    let mut bytes = be.iter().skip_while(|b| **b == 0);
    let Some(first) = bytes.next() else { return 0 };
    let rest = u64::try_from(bytes.count()).unwrap_or(u64::MAX / 16);
    rest * 8 + u64::from(8 - first.leading_zeros())
}

/// Refuses RSA moduli outside 2048..=4096 bits.
pub(crate) fn check_rsa_modulus(modulus_be: &[u8]) -> Result<(), KeyError> {
    match bit_len(modulus_be) {
        bits if bits < 2048 => Err(KeyError::WeakRsaKey { bits }),
        bits if bits > 4096 => Err(KeyError::RsaKeyTooLarge { bits }),
        _ => Ok(()),
    }
}
