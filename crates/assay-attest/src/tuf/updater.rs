//! The TUF client workflow up to trusted targets metadata (TUF specification v1.0 §5.1–§5.6.6):
//! [`Updater::refresh`] updates root, then timestamp, snapshot and top-level targets, checking
//! each step in the order the specification gives, and persisting each verified file.
//!
//! Stored metadata is the client's own trusted state: it is parsed but not re-verified, and
//! its versions are what rollback checks compare against. Only the stored root is re-checked
//! (self-signed by its threshold), as a guard against a corrupted anchor. A stored timestamp or
//! snapshot that cannot be parsed is ignored, as if absent.
//!
//! Where §5.4.3.1 says to stop the cycle when the new timestamp has the trusted version, this
//! client goes on (still checking the timestamp's expiry, and fetching snapshot and targets
//! of the versions it names) without rewriting timestamp.json: a cycle cut short after the
//! timestamp step then completes on the next refresh instead of stopping there for good.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::TufError;
use super::fetch::Fetch;
use super::keys::{KeyRing, Role};
use super::metadata::{Document, MetaFile, RoleBody, Root, Snapshot, Targets, Timestamp};
use super::state::StateDir;

const ROOT: &str = "root.json";
const TIMESTAMP: &str = "timestamp.json";
const SNAPSHOT: &str = "snapshot.json";

/// Bounds on what the client downloads and visits (endless data and slow retrieval defences).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest root metadata file accepted (spec §5.3.3's W).
    pub root_max_len: u64,
    /// Largest timestamp metadata file accepted (§5.4.1's X).
    pub timestamp_max_len: u64,
    /// Largest snapshot file accepted when timestamp lists no length (§5.5.1's Y).
    pub snapshot_max_len: u64,
    /// Largest targets file accepted when snapshot lists no length (§5.6.1's Z).
    pub targets_max_len: u64,
    /// Most new root versions taken in one refresh (§5.3.3's Y).
    pub max_root_rotations: u32,
    /// Most targets roles visited while searching for one target (§5.6.7.1).
    pub max_delegations: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            root_max_len: 512 * 1024,
            timestamp_max_len: 16 * 1024,
            snapshot_max_len: 4 * 1024 * 1024,
            targets_max_len: 4 * 1024 * 1024,
            max_root_rotations: 256,
            max_delegations: 32,
        }
    }
}

/// The versions of the top-level metadata trusted after a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedVersions {
    /// root.json.
    pub root: u64,
    /// timestamp.json.
    pub timestamp: u64,
    /// snapshot.json.
    pub snapshot: u64,
    /// targets.json.
    pub targets: u64,
}

/// A TUF client for one repository and one trusted state directory.
pub struct Updater<F> {
    pub(super) repo: Repo<F>,
    initial_root: Vec<u8>,
    pub(super) trusted: Option<Trusted>,
}

/// What the workflow steps share: the transport, the state, the reference time, the limits.
pub(super) struct Repo<F> {
    fetcher: F,
    pub(super) state: StateDir,
    now: u64,
    pub(super) limits: Limits,
}

/// The metadata trusted by the last successful refresh.
pub(super) struct Trusted {
    pub root: Document<Root>,
    pub timestamp: Document<Timestamp>,
    pub snapshot: Document<Snapshot>,
    pub targets: Arc<Document<Targets>>,
    /// Delegated targets metadata loaded so far, by role name.
    pub delegated: BTreeMap<String, Arc<Document<Targets>>>,
}

impl<F> std::fmt::Debug for Updater<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updater")
            .field("state_dir", &self.repo.state.dir())
            .field("reference_time", &self.repo.now)
            .field("trusted", &self.trusted_versions())
            .finish_non_exhaustive()
    }
}

impl<F> Updater<F> {
    /// The trusted state directory.
    pub fn state_dir(&self) -> &Path {
        self.repo.state.dir()
    }

    /// The versions trusted by the last successful [`Self::refresh`].
    pub fn trusted_versions(&self) -> Option<TrustedVersions> {
        let trusted = self.trusted.as_ref()?;
        Some(TrustedVersions {
            root: trusted.root.version,
            timestamp: trusted.timestamp.version,
            snapshot: trusted.snapshot.version,
            targets: trusted.targets.version,
        })
    }
}

impl<F: Fetch> Updater<F> {
    /// A client keeping its trusted state in `state_dir`, starting from `initial_root` (the
    /// bytes of a root.json obtained out of band) when the state holds no root.json yet.
    /// Expiry is judged at `now_unix` (Unix seconds), the fixed update start time of §5.1.
    pub fn new(
        state_dir: impl Into<PathBuf>,
        initial_root: impl Into<Vec<u8>>,
        fetcher: F,
        now_unix: u64,
    ) -> Self {
        let repo = Repo {
            fetcher,
            state: StateDir::new(state_dir.into()),
            now: now_unix,
            limits: Limits::default(),
        };
        Self {
            repo,
            initial_root: initial_root.into(),
            trusted: None,
        }
    }

    /// Replaces the default [`Limits`].
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.repo.limits = limits;
        self
    }

    /// Runs the client workflow: root (§5.3), timestamp (§5.4), snapshot (§5.5), top-level
    /// targets (§5.6.1–§5.6.6). On failure nothing is trusted until the next refresh; files
    /// verified before the failing step stay persisted, as the specification directs.
    pub fn refresh(&mut self) -> Result<(), TufError> {
        self.trusted = None;
        let (root, root_on_disk) = self.update_root()?;
        let timestamp = self.update_timestamp(&root, root_on_disk)?;
        let snapshot = self.update_snapshot(&root, &timestamp)?;
        let targets = self.repo.load_targets(
            "targets",
            (&root.body.keys, &root.body.targets),
            &snapshot,
            root.body.consistent_snapshot,
        )?;
        self.trusted = Some(Trusted {
            root,
            timestamp,
            snapshot,
            targets: Arc::new(targets),
            delegated: BTreeMap::new(),
        });
        Ok(())
    }

    /// §5.2: the stored root, else the initial one; either must be signed by its own
    /// threshold.
    fn load_root(&self) -> Result<(Document<Root>, bool), TufError> {
        let stored = self.repo.state.read(ROOT)?;
        let on_disk = stored.is_some();
        let (file, bytes) = match stored {
            Some(bytes) => (
                self.repo.state.dir().join(ROOT).display().to_string(),
                bytes,
            ),
            None => ("initial root.json".to_owned(), self.initial_root.clone()),
        };
        let root = Document::<Root>::parse(&file, bytes)?;
        root.body.root.check(&root.body.keys, "root", &root)?;
        Ok((root, on_disk))
    }

    /// §5.3: walks `N+1.root.json` until absent, then checks the final root for a freeze
    /// attack and forgets timestamp and snapshot if their keys rotated.
    fn update_root(&self) -> Result<(Document<Root>, bool), TufError> {
        let (mut trusted, mut on_disk) = self.load_root()?;
        let old_timestamp = trusted.body.timestamp.clone();
        let old_snapshot = trusted.body.snapshot.clone();
        for _ in 0..self.repo.limits.max_root_rotations {
            let Some(next) = self.next_root(&trusted)? else {
                break;
            };
            self.repo.state.write(ROOT, &next.raw)?; // 5.3.8
            on_disk = true;
            trusted = next; // 5.3.7
        }
        trusted.check_expiry("root", self.repo.now)?; // 5.3.10
        let rotated = !(trusted.body.timestamp.same_keys(&old_timestamp)
            && trusted.body.snapshot.same_keys(&old_snapshot));
        if rotated {
            self.repo.state.remove(TIMESTAMP)?; // 5.3.11
            self.repo.state.remove(SNAPSHOT)?;
        }
        Ok((trusted, on_disk))
    }

    /// §5.3.3–§5.3.5: version N+1, signed by both the trusted and its own root role.
    fn next_root(&self, trusted: &Document<Root>) -> Result<Option<Document<Root>>, TufError> {
        let Some(expected) = trusted.version.checked_add(1) else {
            return Ok(None);
        };
        let file = format!("metadata/{expected}.root.json");
        let Some(bytes) = self.repo.fetch(&file, self.repo.limits.root_max_len)? else {
            return Ok(None);
        };
        let new = Document::<Root>::parse(&file, bytes)?;
        trusted.body.root.check(&trusted.body.keys, "root", &new)?; // 5.3.4 (1)
        new.body.root.check(&new.body.keys, "root", &new)?; // 5.3.4 (2)
        if new.version != expected {
            let found = new.version;
            return Err(TufError::RootVersion {
                file,
                expected,
                found,
            }); // 5.3.5
        }
        Ok(Some(new))
    }

    /// §5.4. A new timestamp of the trusted version is not persisted again.
    fn update_timestamp(
        &self,
        root: &Document<Root>,
        root_on_disk: bool,
    ) -> Result<Document<Timestamp>, TufError> {
        let file = "metadata/timestamp.json";
        let bytes = self
            .repo
            .fetch_required(file, self.repo.limits.timestamp_max_len)?;
        let new = Document::<Timestamp>::parse(file, bytes)?; // 5.4.1
        root.body
            .timestamp
            .check(&root.body.keys, "timestamp", &new)?; // 5.4.2
        let unchanged = match self.repo.local::<Timestamp>(TIMESTAMP)? {
            Some(trusted) => check_timestamp_rollback(&trusted, &new)?, // 5.4.3
            None => false,
        };
        new.check_expiry("timestamp", self.repo.now)?; // 5.4.4
        if !root_on_disk {
            self.repo.state.write(ROOT, &root.raw)?;
        }
        if !unchanged {
            self.repo.state.write(TIMESTAMP, &new.raw)?; // 5.4.5
        }
        Ok(new)
    }

    /// §5.5.
    fn update_snapshot(
        &self,
        root: &Document<Root>,
        timestamp: &Document<Timestamp>,
    ) -> Result<Document<Snapshot>, TufError> {
        let meta = &timestamp.body.snapshot;
        let file = metadata_path(
            root.body.consistent_snapshot.then_some(meta.version),
            "snapshot",
        );
        let limit = meta.length.unwrap_or(self.repo.limits.snapshot_max_len);
        let bytes = self.repo.fetch_required(&file, limit)?; // 5.5.1
        meta.check(&file, &bytes)?; // 5.5.2
        let new = Document::<Snapshot>::parse(&file, bytes)?;
        root.body
            .snapshot
            .check(&root.body.keys, "snapshot", &new)?; // 5.5.3
        expect_version("snapshot", meta.version, new.version)?; // 5.5.4
        if let Some(trusted) = self.repo.local::<Snapshot>(SNAPSHOT)? {
            check_snapshot_rollback(&trusted, &new)?; // 5.5.5
        }
        new.check_expiry("snapshot", self.repo.now)?; // 5.5.6
        self.repo.state.write(SNAPSHOT, &new.raw)?; // 5.5.7
        Ok(new)
    }

    /// Refreshes unless a refresh has already succeeded.
    pub(super) fn ensure_refreshed(&mut self) -> Result<(), TufError> {
        if self.trusted.is_none() {
            self.refresh()?;
        }
        Ok(())
    }
}

impl<F: Fetch> Repo<F> {
    /// Fetches `file`, refusing more than `max_len` bytes.
    pub(super) fn fetch(&self, file: &str, max_len: u64) -> Result<Option<Vec<u8>>, TufError> {
        let fetched = self.fetcher.fetch(file, max_len);
        let fetched = fetched.map_err(|source| TufError::Fetch {
            file: file.to_owned(),
            source,
        })?;
        match fetched {
            Some(bytes) if bytes.len() as u64 > max_len => Err(TufError::TooLarge {
                file: file.to_owned(),
                limit: max_len,
            }),
            other => Ok(other),
        }
    }

    /// Fetches `file`, which must exist.
    pub(super) fn fetch_required(&self, file: &str, max_len: u64) -> Result<Vec<u8>, TufError> {
        let not_found = || TufError::NotFound {
            file: file.to_owned(),
        };
        self.fetch(file, max_len)?.ok_or_else(not_found)
    }

    /// The stored metadata `name`, if present and parseable.
    fn local<T: RoleBody>(&self, name: &str) -> Result<Option<Document<T>>, TufError> {
        let Some(bytes) = self.state.read(name)? else {
            return Ok(None);
        };
        let file = self.state.dir().join(name).display().to_string();
        Ok(Document::<T>::parse(&file, bytes).ok())
    }

    /// §5.6.1–§5.6.6 for the targets role `role` (top-level or delegated), verified with the
    /// delegating role's `keys` and role definition.
    pub(super) fn load_targets(
        &self,
        role: &str,
        (keys, spec): (&KeyRing, &Role),
        snapshot: &Document<Snapshot>,
        consistent: bool,
    ) -> Result<Document<Targets>, TufError> {
        let meta = snapshot_entry(snapshot, role)?;
        let file = metadata_path(consistent.then_some(meta.version), role);
        let limit = meta.length.unwrap_or(self.limits.targets_max_len);
        let bytes = self.fetch_required(&file, limit)?; // 5.6.1
        meta.check(&file, &bytes)?; // 5.6.2
        let new = Document::<Targets>::parse(&file, bytes)?;
        spec.check(keys, role, &new)?; // 5.6.3
        expect_version(role, meta.version, new.version)?; // 5.6.4
        new.check_expiry(role, self.now)?; // 5.6.5
        self.state
            .write(&format!("{}.json", encode_role(role)), &new.raw)?; // 5.6.6
        Ok(new)
    }
}

fn snapshot_entry<'a>(
    snapshot: &'a Document<Snapshot>,
    role: &str,
) -> Result<&'a MetaFile, TufError> {
    let entry = snapshot.body.meta.get(&format!("{role}.json"));
    let missing = || TufError::malformed(&snapshot.file, format!("no meta entry for {role}.json"));
    entry.ok_or_else(missing)
}

/// 5.4.3: fails on a lower timestamp or snapshot version; `Ok(true)` when the version is the
/// trusted one.
fn check_timestamp_rollback(
    trusted: &Document<Timestamp>,
    new: &Document<Timestamp>,
) -> Result<bool, TufError> {
    if new.version < trusted.version {
        return Err(rollback("timestamp", trusted.version, new.version));
    }
    let (old_snapshot, new_snapshot) = (trusted.body.snapshot.version, new.body.snapshot.version);
    if new_snapshot < old_snapshot {
        return Err(rollback("snapshot", old_snapshot, new_snapshot));
    }
    Ok(new.version == trusted.version)
}

/// 5.5.5: every targets file of the trusted snapshot is still listed, at no lower version.
fn check_snapshot_rollback(
    trusted: &Document<Snapshot>,
    new: &Document<Snapshot>,
) -> Result<(), TufError> {
    for (name, old) in &trusted.body.meta {
        let role = name.strip_suffix(".json").unwrap_or(name);
        let Some(current) = new.body.meta.get(name) else {
            return Err(TufError::RollbackRemoved {
                role: role.to_owned(),
            });
        };
        if current.version < old.version {
            return Err(rollback(role, old.version, current.version));
        }
    }
    Ok(())
}

fn rollback(role: &str, trusted: u64, new: u64) -> TufError {
    TufError::Rollback {
        role: role.to_owned(),
        trusted,
        new,
    }
}

/// 5.5.4 and 5.6.4: the version the referring metadata names.
fn expect_version(role: &str, expected: u64, found: u64) -> Result<(), TufError> {
    if expected == found {
        return Ok(());
    }
    Err(TufError::MixAndMatch {
        role: role.to_owned(),
        expected,
        found,
    })
}

/// `metadata/<role>.json`, or `metadata/<version>.<role>.json` with consistent snapshots.
fn metadata_path(version: Option<u64>, role: &str) -> String {
    let role = encode_role(role);
    match version {
        Some(version) => format!("metadata/{version}.{role}.json"),
        None => format!("metadata/{role}.json"),
    }
}

/// Percent-encodes a role name or target path for use as one file name: bytes other than
/// ASCII letters, digits and `-._~` become `%XX` (so `/` cannot make a path).
pub(super) fn encode_role(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
