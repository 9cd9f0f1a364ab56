//! Parsed TUF metadata (TUF specification v1.0 §4): a [`Document`] holds one role's file —
//! its raw bytes, the canonical JSON of `signed` that signatures cover, the common fields —
//! and a role body ([`Root`], [`Timestamp`], [`Snapshot`], [`Targets`]).
//!
//! Parsing checks only the form (`_type`, `spec_version` major 1, `expires` layout,
//! version at least 1, required fields); signatures, versions and expiry are the client
//! workflow's business (`super::updater`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::TufError;
use super::hashes::check_length_and_hashes;
use super::keys::{KeyRing, Role, key_ring};
use super::wire::{
    Common, Envelope, WireDelegatedRole, WireDelegations, WireMetaFile, WireMetaList, WireRoot,
    WireSignature, WireTargetFile, WireTargets,
};
use super::{canonical, time};

/// The top-level role names; no delegated role may take one.
pub(super) const TOP_LEVEL_ROLES: [&str; 4] = ["root", "timestamp", "snapshot", "targets"];

/// One metadata file, parsed but not yet trusted.
#[derive(Debug)]
pub(super) struct Document<T> {
    pub file: String,
    pub version: u64,
    pub expires: u64,
    pub expires_text: String,
    /// Canonical JSON of `signed`: the bytes signatures are over.
    pub canonical: Vec<u8>,
    pub signatures: Vec<WireSignature>,
    /// The file as read, which is what the trusted state stores.
    pub raw: Vec<u8>,
    pub body: T,
}

/// A role's body, read from its `signed` object.
pub(super) trait RoleBody: Sized {
    /// The `_type` value.
    const TYPE: &'static str;
    /// Reads the role-specific fields.
    fn from_signed(file: &str, signed: Value) -> Result<Self, TufError>;
}

impl<T: RoleBody> Document<T> {
    /// Parses `raw`, read from `file`.
    pub(super) fn parse(file: &str, raw: Vec<u8>) -> Result<Self, TufError> {
        let envelope: Envelope = from_json(file, &raw)?;
        check_type(file, T::TYPE, &envelope.signed)?;
        let common: Common = from_value(file, envelope.signed.clone())?;
        check_spec_version(file, &common.spec_version)?;
        let expires = time::parse_utc(&common.expires).ok_or_else(|| {
            TufError::malformed(file, format!("expires {:?} is not UTC", common.expires))
        })?;
        if common.version == 0 {
            return Err(TufError::malformed(file, "version 0"));
        }
        let canonical =
            canonical::encode(&envelope.signed).map_err(|e| TufError::malformed(file, e))?;
        Ok(Self {
            file: file.to_owned(),
            version: common.version,
            expires,
            expires_text: common.expires,
            canonical,
            signatures: envelope.signatures,
            raw,
            body: T::from_signed(file, envelope.signed)?,
        })
    }
}

impl<T> Document<T> {
    /// Fails with [`TufError::Expired`] when `now` is not before `expires`.
    pub(super) fn check_expiry(&self, role: &str, now: u64) -> Result<(), TufError> {
        if now < self.expires {
            return Ok(());
        }
        Err(TufError::Expired {
            role: role.to_owned(),
            expires: self.expires_text.clone(),
        })
    }
}

fn from_json<T: DeserializeOwned>(file: &str, raw: &[u8]) -> Result<T, TufError> {
    serde_json::from_slice(raw).map_err(|e| TufError::malformed(file, e))
}

fn from_value<T: DeserializeOwned>(file: &str, value: Value) -> Result<T, TufError> {
    serde_json::from_value(value).map_err(|e| TufError::malformed(file, e))
}

fn check_type(file: &str, expected: &'static str, signed: &Value) -> Result<(), TufError> {
    let found = signed.get("_type").and_then(Value::as_str);
    match found {
        Some(found) if found == expected => Ok(()),
        Some(found) => Err(TufError::WrongType {
            file: file.to_owned(),
            expected,
            found: found.to_owned(),
        }),
        None => Err(TufError::malformed(file, "signed._type is missing")),
    }
}

fn check_spec_version(file: &str, spec_version: &str) -> Result<(), TufError> {
    let mut parts = spec_version.split('.');
    let major_is_one = parts.next() == Some("1");
    let rest_numeric = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if major_is_one && rest_numeric {
        return Ok(());
    }
    Err(TufError::SpecVersion {
        file: file.to_owned(),
        found: spec_version.to_owned(),
    })
}

/// root.json (§4.3).
#[derive(Debug)]
pub(super) struct Root {
    pub consistent_snapshot: bool,
    pub keys: KeyRing,
    pub root: Role,
    pub timestamp: Role,
    pub snapshot: Role,
    pub targets: Role,
}

impl RoleBody for Root {
    const TYPE: &'static str = "root";

    fn from_signed(file: &str, signed: Value) -> Result<Self, TufError> {
        let wire: WireRoot = from_value(file, signed)?;
        let role = |name: &str| {
            let found = wire.roles.get(name);
            let found =
                found.ok_or_else(|| TufError::malformed(file, format!("no {name} role")))?;
            Role::from_wire(file, name, found)
        };
        Ok(Self {
            consistent_snapshot: wire.consistent_snapshot,
            keys: key_ring(&wire.keys),
            root: role("root")?,
            timestamp: role("timestamp")?,
            snapshot: role("snapshot")?,
            targets: role("targets")?,
        })
    }
}

/// A METAFILES entry: the version of a metadata file, with its length and hashes if listed.
#[derive(Debug, Clone)]
pub(super) struct MetaFile {
    pub version: u64,
    pub length: Option<u64>,
    pub hashes: BTreeMap<String, String>,
}

impl MetaFile {
    fn from_wire(file: &str, name: &str, wire: &WireMetaFile) -> Result<Self, TufError> {
        let hashes = wire.hashes.clone().unwrap_or_default();
        if wire.version == 0 || wire.hashes.as_ref().is_some_and(BTreeMap::is_empty) {
            return Err(TufError::malformed(
                file,
                format!("meta entry {name} is invalid"),
            ));
        }
        Ok(Self {
            version: wire.version,
            length: wire.length,
            hashes,
        })
    }

    /// Checks the downloaded `bytes` of `file` against the listed length and hashes.
    pub(super) fn check(&self, file: &str, bytes: &[u8]) -> Result<(), TufError> {
        check_length_and_hashes(file, bytes, self.length, &self.hashes)
    }
}

fn meta_list(file: &str, signed: Value) -> Result<BTreeMap<String, MetaFile>, TufError> {
    let wire: WireMetaList = from_value(file, signed)?;
    let entries = wire.meta.iter();
    entries
        .map(|(name, meta)| Ok((name.clone(), MetaFile::from_wire(file, name, meta)?)))
        .collect()
}

/// timestamp.json (§4.6): the current snapshot version.
#[derive(Debug)]
pub(super) struct Timestamp {
    pub snapshot: MetaFile,
}

impl RoleBody for Timestamp {
    const TYPE: &'static str = "timestamp";

    fn from_signed(file: &str, signed: Value) -> Result<Self, TufError> {
        let mut meta = meta_list(file, signed)?;
        let snapshot = meta.remove("snapshot.json");
        let snapshot =
            snapshot.ok_or_else(|| TufError::malformed(file, "no snapshot.json meta"))?;
        Ok(Self { snapshot })
    }
}

/// snapshot.json (§4.4): the current version of every targets metadata file, keyed by
/// `<role>.json`.
#[derive(Debug)]
pub(super) struct Snapshot {
    pub meta: BTreeMap<String, MetaFile>,
}

impl RoleBody for Snapshot {
    const TYPE: &'static str = "snapshot";

    fn from_signed(file: &str, signed: Value) -> Result<Self, TufError> {
        Ok(Self {
            meta: meta_list(file, signed)?,
        })
    }
}

/// What trusted targets metadata says about one target file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    /// The target path, as listed.
    pub name: String,
    /// Its length in bytes.
    pub length: u64,
    /// Hash algorithm name to lower-case hex digest (at least one entry).
    pub hashes: BTreeMap<String, String>,
    /// The `custom` field, if any.
    pub custom: Option<Value>,
}

impl TargetInfo {
    fn from_wire(file: &str, name: &str, wire: WireTargetFile) -> Result<Self, TufError> {
        if wire.hashes.is_empty() {
            return Err(TufError::malformed(
                file,
                format!("target {name} lists no hashes"),
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            length: wire.length,
            hashes: wire.hashes,
            custom: wire.custom,
        })
    }

    /// Checks downloaded `bytes`, read from `file`, against the length and every hash.
    pub(super) fn check(&self, file: &str, bytes: &[u8]) -> Result<(), TufError> {
        check_length_and_hashes(file, bytes, Some(self.length), &self.hashes)
    }
}

/// targets.json or a delegated role's file (§4.5).
#[derive(Debug)]
pub(super) struct Targets {
    pub targets: BTreeMap<String, TargetInfo>,
    pub delegations: Option<Arc<Delegations>>,
}

impl RoleBody for Targets {
    const TYPE: &'static str = "targets";

    fn from_signed(file: &str, signed: Value) -> Result<Self, TufError> {
        let wire: WireTargets = from_value(file, signed)?;
        let targets = wire.targets.into_iter();
        let targets = targets
            .map(|(name, t)| Ok((name.clone(), TargetInfo::from_wire(file, &name, t)?)))
            .collect::<Result<_, TufError>>()?;
        let delegations = wire.delegations.map(|d| Delegations::from_wire(file, &d));
        Ok(Self {
            targets,
            delegations: delegations.transpose()?.map(Arc::new),
        })
    }
}

/// `delegations`: the keys delegated roles use and the roles, in order of precedence.
#[derive(Debug)]
pub(super) struct Delegations {
    pub keys: KeyRing,
    pub roles: Vec<DelegatedRole>,
}

impl Delegations {
    fn from_wire(file: &str, wire: &WireDelegations) -> Result<Self, TufError> {
        let mut names = BTreeSet::new();
        let roles = wire.roles.iter();
        let roles = roles
            .map(|r| DelegatedRole::from_wire(file, r))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(dup) = roles.iter().find(|r| !names.insert(r.name.as_str())) {
            return Err(TufError::malformed(
                file,
                format!("role {} is delegated twice", dup.name),
            ));
        }
        Ok(Self {
            keys: key_ring(&wire.keys),
            roles,
        })
    }
}

/// Which target paths a delegation covers.
#[derive(Debug, Clone)]
pub(super) enum PathScope {
    /// Shell-style patterns, matched segment by segment.
    Patterns(Vec<String>),
    /// Prefixes of the hex SHA-256 of the target path.
    HashPrefixes(Vec<String>),
}

/// One delegated role.
#[derive(Debug, Clone)]
pub(super) struct DelegatedRole {
    pub name: String,
    pub role: Role,
    pub terminating: bool,
    pub scope: PathScope,
}

impl DelegatedRole {
    fn from_wire(file: &str, wire: &WireDelegatedRole) -> Result<Self, TufError> {
        let name = wire.name.as_str();
        if name.is_empty() || TOP_LEVEL_ROLES.contains(&name) {
            return Err(TufError::malformed(
                file,
                format!("delegated role name {name:?}"),
            ));
        }
        let scope = match (&wire.paths, &wire.path_hash_prefixes) {
            (Some(paths), None) => PathScope::Patterns(paths.clone()),
            (None, Some(prefixes)) => PathScope::HashPrefixes(prefixes.clone()),
            _ => {
                let reason = format!("role {name} needs exactly one of paths, path_hash_prefixes");
                return Err(TufError::malformed(file, reason));
            }
        };
        Ok(Self {
            name: name.to_owned(),
            role: Role::new(file, name, &wire.keyids, wire.threshold)?,
            terminating: wire.terminating,
            scope,
        })
    }
}
