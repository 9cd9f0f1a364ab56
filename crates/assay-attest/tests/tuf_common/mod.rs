//! What the TUF tests share: reading and writing metadata, digests. Included by `tuf.rs` and
//! `tuf_generated.rs` only.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest as _, Sha256};

pub fn read(path: &Path) -> Vec<u8> {
    fs_err::read(path).unwrap()
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&read(path)).unwrap()
}

pub fn write_json(path: &Path, value: &Value) {
    fs_err::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
