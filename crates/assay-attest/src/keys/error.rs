//! Errors from reading, writing and using keys.

use std::path::PathBuf;

use super::Algorithm;

/// A boxed lower-level error (DER, PKCS#8, RSA, signature crates).
pub type BoxedSource = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a key could not be read, written or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not a well-formed PEM block.
    #[error("malformed PEM: {reason}")]
    Pem {
        /// What is wrong with it.
        reason: String,
    },
    /// The PEM block holds something other than what was asked for.
    #[error("unexpected PEM label {label:?} (expected {expected})")]
    UnexpectedPemLabel {
        /// The label found.
        label: String,
        /// The labels accepted here.
        expected: &'static str,
    },
    /// The input is larger than any key file this module reads.
    #[error("key input of {len} bytes exceeds the limit of {limit} bytes")]
    InputTooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// An encrypted key was given without a password.
    #[error("password required: the key is encrypted")]
    PasswordRequired,
    /// Authenticated decryption failed.
    #[error("wrong password or corrupted key")]
    WrongPassword,
    /// The JSON body of a cosign encrypted key is malformed.
    #[error("malformed encrypted key: {reason}")]
    EncryptedFormat {
        /// What is wrong with it.
        reason: String,
    },
    /// The scrypt parameters in an encrypted key exceed what we are willing to compute.
    #[error(
        "scrypt parameters N={n} r={r} p={p} exceed the accepted limits (N a power of two \
         up to 2^20, r <= 32, p <= 16, at most 256 MiB of memory)"
    )]
    ScryptLimit {
        /// Cost parameter N.
        n: u64,
        /// Block size r.
        r: u32,
        /// Parallelism p.
        p: u32,
    },
    /// The key's algorithm is not one assay supports.
    #[error("unsupported key algorithm {name} (OID {oid})")]
    UnsupportedAlgorithm {
        /// A human name for the OID, or "unknown".
        name: &'static str,
        /// The algorithm OID.
        oid: String,
    },
    /// An elliptic-curve key on a curve assay does not support.
    #[error("unsupported elliptic curve {name} (OID {oid})")]
    UnsupportedCurve {
        /// A human name for the OID, or "unknown".
        name: &'static str,
        /// The curve OID, or "none" when the key names no curve.
        oid: String,
    },
    /// An RSA key below 2048 bits.
    #[error("RSA key of {bits} bits is too weak (at least 2048 bits required)")]
    WeakRsaKey {
        /// Modulus size.
        bits: u64,
    },
    /// An RSA key above 4096 bits.
    #[error("RSA key of {bits} bits is larger than the supported 4096 bits")]
    RsaKeyTooLarge {
        /// Modulus size.
        bits: u64,
    },
    /// The key bytes do not decode.
    #[error("invalid {what}")]
    InvalidKey {
        /// Which structure failed to decode (e.g. "PKCS#8 private key").
        what: &'static str,
        /// The decoder's error.
        #[source]
        source: BoxedSource,
    },
    /// Encoding a key failed.
    #[error("cannot encode {what}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's error.
        #[source]
        source: BoxedSource,
    },
    /// Producing a signature failed.
    #[error("{algorithm} signing failed")]
    Sign {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// The signer's error.
        #[source]
        source: BoxedSource,
    },
    /// A signature does not verify (or does not even decode) with this key.
    #[error("signature does not verify with this {algorithm} key")]
    BadSignature {
        /// The key's algorithm.
        algorithm: Algorithm,
    },
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Random(#[source] rand_core::Error),
    /// A key file could not be read.
    #[error("cannot read key file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A key file was read but its content is not a usable key.
    #[error("key file {path}")]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        #[source]
        source: Box<KeyError>,
    },
}

impl KeyError {
    pub(crate) fn invalid(what: &'static str, source: impl Into<BoxedSource>) -> Self {
        Self::InvalidKey {
            what,
            source: source.into(),
        }
    }

    pub(crate) fn encode(what: &'static str, source: impl Into<BoxedSource>) -> Self {
        Self::Encode {
            what,
            source: source.into(),
        }
    }
}
