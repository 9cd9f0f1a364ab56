//! The JSON layout of TUF metadata files (TUF specification v1.0 §4.2–§4.6), as read from
//! the wire. Unknown fields (such as tuf-on-ci's `x-tuf-on-ci-*`) are ignored here; they stay
//! covered by the signature because signatures are checked over the whole `signed` value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// `{"signatures": [...], "signed": {...}}`.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope {
    pub signatures: Vec<WireSignature>,
    pub signed: Value,
}

/// One entry of `signatures`; `sig` is hex, and may be empty for a key that has not signed.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct WireSignature {
    pub keyid: String,
    pub sig: String,
}

/// The fields every role's `signed` object has.
#[derive(Debug, Deserialize)]
pub(super) struct Common {
    pub spec_version: String,
    pub version: u64,
    pub expires: String,
}

/// A public key (§4.2 "KEY"): `keyval.public` is PEM for ECDSA and RSA, hex for Ed25519.
#[derive(Debug, Deserialize)]
pub(super) struct WireKey {
    pub keytype: String,
    pub scheme: String,
    pub keyval: WireKeyVal,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireKeyVal {
    pub public: Option<String>,
}

/// A role's keys and threshold.
#[derive(Debug, Deserialize)]
pub(super) struct WireRole {
    pub keyids: Vec<String>,
    pub threshold: u64,
}

/// root.json's `signed` (§4.3).
#[derive(Debug, Deserialize)]
pub(super) struct WireRoot {
    #[serde(default)]
    pub consistent_snapshot: bool,
    pub keys: BTreeMap<String, WireKey>,
    pub roles: BTreeMap<String, WireRole>,
}

/// A METAFILES entry (§4.4 and §4.6).
#[derive(Debug, Deserialize)]
pub(super) struct WireMetaFile {
    pub version: u64,
    pub length: Option<u64>,
    pub hashes: Option<BTreeMap<String, String>>,
}

/// timestamp.json's and snapshot.json's `signed` (§4.4, §4.6).
#[derive(Debug, Deserialize)]
pub(super) struct WireMetaList {
    pub meta: BTreeMap<String, WireMetaFile>,
}

/// targets.json's `signed` (§4.5).
#[derive(Debug, Deserialize)]
pub(super) struct WireTargets {
    pub targets: BTreeMap<String, WireTargetFile>,
    pub delegations: Option<WireDelegations>,
}

/// A TARGETS entry.
#[derive(Debug, Deserialize)]
pub(super) struct WireTargetFile {
    pub length: u64,
    pub hashes: BTreeMap<String, String>,
    pub custom: Option<Value>,
}

/// `delegations`: keys and an ordered list of delegated roles.
#[derive(Debug, Deserialize)]
pub(super) struct WireDelegations {
    pub keys: BTreeMap<String, WireKey>,
    #[serde(default)]
    pub roles: Vec<WireDelegatedRole>,
}

/// One delegated role: either `paths` or `path_hash_prefixes`.
#[derive(Debug, Deserialize)]
pub(super) struct WireDelegatedRole {
    pub name: String,
    pub keyids: Vec<String>,
    pub threshold: u64,
    pub terminating: bool,
    pub paths: Option<Vec<String>>,
    pub path_hash_prefixes: Option<Vec<String>>,
}
