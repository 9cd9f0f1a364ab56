//! Length and hash checks of downloaded files against trusted metadata (TUF specification
//! v1.0 §5.5.2, §5.6.2, §5.7.3). Every listed hash must match; an algorithm this client does
//! not know fails the check rather than being skipped.

use std::collections::BTreeMap;

use sha2::{Digest as _, Sha256, Sha384, Sha512};

use super::error::TufError;

/// Checks `bytes`, downloaded as `file`, against `length` (when given) and every hash.
pub(super) fn check_length_and_hashes(
    file: &str,
    bytes: &[u8],
    length: Option<u64>,
    hashes: &BTreeMap<String, String>,
) -> Result<(), TufError> {
    let fail = |reason: String| TufError::LengthOrHash {
        file: file.to_owned(),
        reason,
    };
    let actual = bytes.len() as u64;
    if let Some(expected) = length
        && actual != expected
    {
        return Err(fail(format!(
            "length is {actual} bytes, expected {expected}"
        )));
    }
    for (algorithm, expected) in hashes {
        let digest = digest(algorithm, bytes)
            .ok_or_else(|| fail(format!("unsupported hash algorithm {algorithm:?}")))?;
        if hex::decode(expected).ok().as_deref() != Some(digest.as_slice()) {
            return Err(fail(format!(
                "{algorithm} is {}, expected {expected}",
                hex::encode(&digest)
            )));
        }
    }
    Ok(())
}

fn digest(algorithm: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    match algorithm {
        "sha256" => Some(Sha256::digest(bytes).to_vec()),
        "sha384" => Some(Sha384::digest(bytes).to_vec()),
        "sha512" => Some(Sha512::digest(bytes).to_vec()),
        _ => None,
    }
}
