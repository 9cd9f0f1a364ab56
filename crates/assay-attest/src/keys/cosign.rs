//! cosign's encrypted private key format.
//!
//! A PEM block labelled `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign before v2 wrote
//! `ENCRYPTED COSIGN PRIVATE KEY`) whose body is the JSON document of go-securesystemslib's
//! `encrypted` package:
//!
//! ```json
//! {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<base64>"},
//!  "cipher":{"name":"nacl/secretbox","nonce":"<base64, 24 bytes>"},
//!  "ciphertext":"<base64>"}
//! ```
//!
//! Byte strings are standard padded base64. The secretbox key is
//! `scrypt(password, salt, N, r, p, 32)`; the ciphertext is NaCl `secretbox` output
//! (16-byte Poly1305 tag, then XSalsa20 ciphertext) over the PKCS#8 DER private key.
//! Parameters read from a file are bounded (see [`KeyError::ScryptLimit`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto_secretbox::XSalsa20Poly1305;
use crypto_secretbox::aead::{Aead as _, KeyInit as _};
use rand_core::{OsRng, RngCore as _};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{KeyError, pem};

/// The label cosign writes today.
const LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The label cosign wrote before it moved to sigstore's shared key code.
const LEGACY_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
const KDF_NAME: &str = "scrypt";
const CIPHER_NAME: &str = "nacl/secretbox";
const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
/// cosign's parameters for new keys: N=2^16, r=8, p=1.
const WRITE_LOG_N: u8 = 16;
const WRITE_R: u32 = 8;
const WRITE_P: u32 = 1;
/// Limits on parameters read from a file.
const MAX_LOG_N: u32 = 20;
const MAX_R: u32 = 32;
const MAX_P: u32 = 16;
/// scrypt needs 128·N·r bytes; cosign's defaults need 64 MiB.
const MAX_MEMORY: u64 = 256 * 1024 * 1024;
const MAX_SALT_LEN: usize = 1024;

pub(crate) fn is_cosign_label(label: &str) -> bool {
    label == LABEL || label == LEGACY_LABEL
}

#[derive(Serialize, Deserialize)]
struct WireKey {
    kdf: WireKdf,
    cipher: WireCipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct WireKdf {
    name: String,
    params: WireParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct WireParams {
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct WireCipher {
    name: String,
    nonce: String,
}

/// A parsed encrypted key whose parameters are known to be within limits.
struct Sealed {
    params: scrypt::Params,
    salt: Vec<u8>,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

fn format_error(reason: impl Into<String>) -> KeyError {
    KeyError::EncryptedFormat {
        reason: reason.into(),
    }
}

fn b64(field: &str, value: &str) -> Result<Vec<u8>, KeyError> {
    STANDARD
        .decode(value)
        .map_err(|e| format_error(format!("{field}: invalid base64: {e}")))
}

/// Checks N, r, p against the limits and builds scrypt parameters.
fn bounded_params(wire: &WireParams) -> Result<scrypt::Params, KeyError> {
    let (n, r, p) = (wire.n, wire.r, wire.p);
    let limit = KeyError::ScryptLimit { n, r, p };
    let log_n = n.trailing_zeros();
    let memory = 128u64.saturating_mul(n).saturating_mul(u64::from(r));
    if !n.is_power_of_two() || n < 2 || log_n > MAX_LOG_N || r > MAX_R || p > MAX_P {
        return Err(limit);
    }
    if memory > MAX_MEMORY {
        return Err(limit);
    }
    let log_n = u8::try_from(log_n).map_err(|_| KeyError::ScryptLimit { n, r, p })?;
    scrypt::Params::new(log_n, r, p, KEY_LEN)
        .map_err(|e| format_error(format!("scrypt parameters N={n} r={r} p={p}: {e}")))
}

impl TryFrom<WireKey> for Sealed {
    type Error = KeyError;

    fn try_from(wire: WireKey) -> Result<Self, KeyError> {
        if wire.kdf.name != KDF_NAME {
            return Err(format_error(format!("unknown kdf {:?}", wire.kdf.name)));
        }
        if wire.cipher.name != CIPHER_NAME {
            return Err(format_error(format!(
                "unknown cipher {:?}",
                wire.cipher.name
            )));
        }
        let params = bounded_params(&wire.kdf.params)?;
        let salt = b64("kdf.salt", &wire.kdf.salt)?;
        if salt.is_empty() || salt.len() > MAX_SALT_LEN {
            return Err(format_error(format!("kdf.salt has {} bytes", salt.len())));
        }
        let nonce = <[u8; NONCE_LEN]>::try_from(b64("cipher.nonce", &wire.cipher.nonce)?)
            .map_err(|v| format_error(format!("cipher.nonce has {} bytes, not 24", v.len())))?;
        let ciphertext = b64("ciphertext", &wire.ciphertext)?;
        Ok(Self {
            params,
            salt,
            nonce,
            ciphertext,
        })
    }
}

fn derive_key(
    password: &[u8],
    salt: &[u8],
    params: &scrypt::Params,
) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password, salt, params, key.as_mut_slice())
        .map_err(|e| format_error(format!("scrypt: {e}")))?;
    Ok(key)
}

/// Decrypts the JSON body of a cosign key file to the PKCS#8 DER it protects.
pub(crate) fn open(json: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let wire: WireKey =
        serde_json::from_slice(json).map_err(|e| format_error(format!("JSON: {e}")))?;
    let sealed = Sealed::try_from(wire)?;
    let key = derive_key(password, &sealed.salt, &sealed.params)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(&sealed.nonce.into(), sealed.ciphertext.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| KeyError::WrongPassword)
}

fn random<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut bytes = [0u8; N];
    OsRng.try_fill_bytes(&mut bytes).map_err(KeyError::Random)?;
    Ok(bytes)
}

/// Encrypts PKCS#8 DER into a cosign key file (PEM text).
pub(crate) fn seal(pkcs8_der: &[u8], password: &[u8]) -> Result<String, KeyError> {
    let params = scrypt::Params::new(WRITE_LOG_N, WRITE_R, WRITE_P, KEY_LEN)
        .map_err(|e| KeyError::encode("scrypt parameters", e.to_string()))?;
    let salt = random::<SALT_LEN>()?;
    let nonce = random::<NONCE_LEN>()?;
    let key = derive_key(password, &salt, &params)?;
    let ciphertext = XSalsa20Poly1305::new(key.as_ref().into())
        .encrypt(&nonce.into(), pkcs8_der)
        .map_err(|e| KeyError::encode("secretbox ciphertext", e.to_string()))?;
    let wire = WireKey {
        kdf: WireKdf {
            name: KDF_NAME.to_owned(),
            params: WireParams {
                n: 1 << WRITE_LOG_N,
                r: WRITE_R,
                p: WRITE_P,
            },
            salt: STANDARD.encode(salt),
        },
        cipher: WireCipher {
            name: CIPHER_NAME.to_owned(),
            nonce: STANDARD.encode(nonce),
        },
        ciphertext: STANDARD.encode(ciphertext),
    };
    let json = serde_json::to_vec(&wire).map_err(|e| KeyError::encode("encrypted key JSON", e))?;
    Ok(pem::encode(LABEL, &json))
}
