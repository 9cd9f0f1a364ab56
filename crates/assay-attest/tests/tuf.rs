//! The TUF client against real repositories (Sigstore's root-signing snapshot and a tuf-on-ci
//! repository from the shared corpus, `sigstore/tuf-static/`), then one test per attack the
//! client workflow defends against, each asserting the specific `TufError` variant.
//!
//! Attacks on the real repositories are made on copies in temporary directories. Where an
//! attack needs validly signed metadata that the real repositories cannot provide (the keys
//! are not ours), a small repository is generated with fresh keys.
#![allow(clippy::print_stderr)] // tests say which fixtures they skip

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assay_attest::keys::{Algorithm, SigningKey};
use assay_attest::tuf::{self, DirFetch, TrustedVersions, TufError, Updater, canonical};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Corpus helpers

fn corpus(name: &str) -> Option<PathBuf> {
    support::corpus(&format!("sigstore/tuf-static/{name}"))
}

/// The corpus `faketime` (`2025-02-09 12:02:08+00:00`) as Unix seconds.
fn faketime(repo: &Path) -> u64 {
    let text = fs_err::read_to_string(repo.join("faketime")).unwrap();
    let text = text.trim().replace(' ', "T").replace("+00:00", "Z");
    tuf::parse_utc(&text).unwrap()
}

fn read(path: &Path) -> Vec<u8> {
    fs_err::read(path).unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&read(path)).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    fs_err::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

/// Copies a directory tree into fresh, writable files.
fn copy_tree(from: &Path, to: &Path) {
    fs_err::create_dir_all(to).unwrap();
    for entry in fs_err::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs_err::write(&target, read(&entry.path())).unwrap();
        }
    }
}

/// A writable copy of a corpus repository.
fn repo_copy(name: &str) -> Option<(TempDir, PathBuf)> {
    let original = corpus(name)?;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_tree(&original, &repo);
    Some((tmp, repo))
}

/// An updater over `repo` with a fresh state directory inside `tmp`.
fn updater(tmp: &TempDir, repo: &Path, now: u64) -> Updater<DirFetch> {
    let initial = read(&repo.join("initial_root.json"));
    Updater::new(tmp.path().join("state"), initial, DirFetch::new(repo), now)
}

/// Lists a directory's files and their contents (empty when it does not exist).
fn snapshot_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return BTreeMap::new();
    };
    let entries = entries.map(|e| e.unwrap());
    let files = entries.filter(|e| e.file_type().unwrap().is_file());
    files
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                read(&e.path()),
            )
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The sha256 that trusted targets metadata lists for `target` in `file`.
fn listed_sha256(file: &Path, target: &str) -> String {
    let doc = read_json(file);
    doc["signed"]["targets"][target]["hashes"]["sha256"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn expires_of(file: &Path) -> (String, u64) {
    let text = read_json(file)["signed"]["expires"]
        .as_str()
        .unwrap()
        .to_owned();
    let unix = tuf::parse_utc(&text).unwrap();
    (text, unix)
}

const SIGSTORE: &str = "sigstore-root-signing";
const TUF_ON_CI: &str = "tuf-on-ci-0.11";

// ---------------------------------------------------------------------------------------------
// The real repositories

#[test]
fn sigstore_refresh_then_download_trusted_root() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut client = updater(&tmp, &repo, faketime(&repo));
    client.refresh().unwrap();
    let versions = client.trusted_versions().unwrap();
    let expected = TrustedVersions {
        root: 12,
        timestamp: 272,
        snapshot: 159,
        targets: 11,
    };
    assert_eq!(versions, expected);

    let name = fs_err::read_to_string(repo.join("targetpath")).unwrap();
    let (info, bytes) = client.fetch_target(name.trim()).unwrap();
    let listed = listed_sha256(&repo.join("metadata/11.targets.json"), name.trim());
    assert_eq!(sha256_hex(&bytes), listed);
    assert_eq!(info.hashes["sha256"], listed);
    assert_eq!(info.length, bytes.len() as u64);
    let served = read(&repo.join(format!("targets/{listed}.trusted_root.json")));
    assert_eq!(bytes, served);

    let dest = client.target_cache_path(name.trim());
    client.download_target(name.trim(), &dest).unwrap();
    assert_eq!(read(&dest), served);

    let state = snapshot_dir(&tmp.path().join("state"));
    assert_eq!(
        state["root.json"],
        read(&repo.join("metadata/12.root.json"))
    );
    assert_eq!(
        state["timestamp.json"],
        read(&repo.join("metadata/timestamp.json"))
    );
    assert_eq!(
        state["snapshot.json"],
        read(&repo.join("metadata/159.snapshot.json"))
    );
    assert_eq!(
        state["targets.json"],
        read(&repo.join("metadata/11.targets.json"))
    );
}

/// Roots 5 to 12 chain with real key rotations: each new root verifies under its predecessor's
/// root role and its own (§5.3.4), and the latest is what the state keeps.
#[test]
fn sigstore_root_rotations_from_version_5() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let initial = read(&repo.join("metadata/5.root.json"));
    let state = tmp.path().join("state");
    let mut client = Updater::new(&state, initial, DirFetch::new(&repo), faketime(&repo));
    client.refresh().unwrap();
    assert_eq!(client.trusted_versions().unwrap().root, 12);
    assert_eq!(
        read(&state.join("root.json")),
        read(&repo.join("metadata/12.root.json"))
    );
}

/// Roots 1 to 4 predate the PEM key encoding (their ECDSA keys are bare hex points, and roots
/// 1 to 3 have fractional-second `expires`): none of their keys is usable, so root 4 cannot
/// even verify itself.
#[test]
fn sigstore_roots_before_version_5_are_refused() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let initial = read(&repo.join("metadata/4.root.json"));
    let mut client = Updater::new(tmp.path().join("state"), initial, DirFetch::new(&repo), 0);
    let err = client.refresh().unwrap_err();
    let ok =
        matches!(&err, TufError::Threshold { role, version: 4, valid: 0, .. } if role == "root");
    assert!(ok, "{err:?}");
    let initial = read(&repo.join("metadata/1.root.json"));
    let mut client = Updater::new(tmp.path().join("state"), initial, DirFetch::new(&repo), 0);
    let err = client.refresh().unwrap_err();
    assert!(matches!(&err, TufError::Malformed { .. }), "{err:?}");
}

#[test]
fn sigstore_second_refresh_keeps_the_same_trusted_state() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut client = updater(&tmp, &repo, faketime(&repo));
    client.refresh().unwrap();
    let before = snapshot_dir(&tmp.path().join("state"));
    // A new client over the same state: the timestamp is now the trusted version (§5.4.3).
    let mut again = updater(&tmp, &repo, faketime(&repo));
    again.refresh().unwrap();
    assert_eq!(again.trusted_versions(), client.trusted_versions());
    assert_eq!(snapshot_dir(&tmp.path().join("state")), before);
}

#[test]
fn sigstore_delegated_npm_role_verifies() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut client = updater(&tmp, &repo, faketime(&repo));
    let name = "registry.npmjs.org/keys.json";
    let info = client.target_info(name).unwrap();
    let delegated = repo.join("metadata/5.registry.npmjs.org.json");
    assert_eq!(info.hashes["sha256"], listed_sha256(&delegated, name));
    let state = tmp.path().join("state/registry.npmjs.org.json");
    assert_eq!(read(&state), read(&delegated));
    // The corpus holds the delegated metadata but not the file itself.
    let err = client.fetch_target(name).unwrap_err();
    let expected = format!(
        "targets/registry.npmjs.org/{}.keys.json",
        info.hashes["sha256"]
    );
    assert!(
        matches!(&err, TufError::NotFound { file } if *file == expected),
        "{err:?}"
    );
}

#[test]
fn sigstore_unlisted_targets_are_not_found() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut client = updater(&tmp, &repo, faketime(&repo));
    // The terminating npm delegation is searched, and does not list it.
    for name in [
        "registry.npmjs.org/missing.json",
        "missing.json",
        "TRUSTED_ROOT.json",
    ] {
        let err = client.target_info(name).unwrap_err();
        assert!(
            matches!(&err, TufError::TargetNotFound { name: n } if n == name),
            "{err:?}"
        );
    }
}

#[test]
fn tuf_on_ci_refresh_then_download_delegated_target() {
    let Some(repo) = corpus(TUF_ON_CI) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut client = updater(&tmp, &repo, faketime(&repo));
    client.refresh().unwrap();
    let expected = TrustedVersions {
        root: 1,
        timestamp: 2,
        snapshot: 2,
        targets: 1,
    };
    assert_eq!(client.trusted_versions().unwrap(), expected);

    let name = fs_err::read_to_string(repo.join("targetpath")).unwrap();
    let name = name.trim();
    let (info, bytes) = client.fetch_target(name).unwrap();
    let listed = listed_sha256(&repo.join("metadata/2.delegatedrole.json"), name);
    assert_eq!(sha256_hex(&bytes), listed);
    assert_eq!(info.hashes["sha256"], listed);
    let served = read(&repo.join(format!("targets/delegatedrole/{listed}.artifact")));
    assert_eq!(bytes, served);
    let state = tmp.path().join("state/delegatedrole.json");
    assert_eq!(
        read(&state),
        read(&repo.join("metadata/2.delegatedrole.json"))
    );
}

// ---------------------------------------------------------------------------------------------
// Attacks on copies of the Sigstore repository

#[test]
fn freeze_attack_expired_timestamp() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let (expires, unix) = expires_of(&repo.join("metadata/timestamp.json"));
    for now in [unix, unix + 1] {
        let tmp = tempfile::tempdir().unwrap();
        let err = updater(&tmp, &repo, now).refresh().unwrap_err();
        let ok = matches!(&err, TufError::Expired { role, expires: e }
            if role == "timestamp" && *e == expires);
        assert!(ok, "{err:?}");
        // An expired timestamp is discarded, not persisted (§5.4.4).
        assert!(!tmp.path().join("state/timestamp.json").exists());
    }
}

#[test]
fn freeze_attack_expired_root() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let (expires, unix) = expires_of(&repo.join("metadata/12.root.json"));
    let tmp = tempfile::tempdir().unwrap();
    let err = updater(&tmp, &repo, unix + 1).refresh().unwrap_err();
    let ok =
        matches!(&err, TufError::Expired { role, expires: e } if role == "root" && *e == expires);
    assert!(ok, "{err:?}");
}

/// Puts `edit`ed copies of real metadata into a fresh state directory as trusted state.
fn state_with(tmp: &TempDir, files: &[(&str, Value)]) -> PathBuf {
    let state = tmp.path().join("state");
    fs_err::create_dir_all(&state).unwrap();
    for (name, value) in files {
        write_json(&state.join(name), value);
    }
    state
}

#[test]
fn rollback_attack_timestamp_version() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut trusted = read_json(&repo.join("metadata/timestamp.json"));
    let served = trusted["signed"]["version"].as_u64().unwrap();
    trusted["signed"]["version"] = json!(served + 1);
    let state = state_with(&tmp, &[("timestamp.json", trusted)]);
    let before = snapshot_dir(&state);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::Rollback { role, trusted, new }
        if role == "timestamp" && *trusted == served + 1 && *new == served);
    assert!(ok, "{err:?}");
    assert_eq!(snapshot_dir(&state), before);
}

#[test]
fn rollback_attack_snapshot_version_in_timestamp() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut trusted = read_json(&repo.join("metadata/timestamp.json"));
    let version = trusted["signed"]["version"].as_u64().unwrap();
    trusted["signed"]["version"] = json!(version - 1);
    trusted["signed"]["meta"]["snapshot.json"]["version"] = json!(160);
    state_with(&tmp, &[("timestamp.json", trusted)]);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok =
        matches!(&err, TufError::Rollback { role, trusted: 160, new: 159 } if role == "snapshot");
    assert!(ok, "{err:?}");
}

#[test]
fn rollback_attack_targets_version_in_snapshot() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut trusted = read_json(&repo.join("metadata/159.snapshot.json"));
    trusted["signed"]["meta"]["targets.json"]["version"] = json!(12);
    state_with(&tmp, &[("snapshot.json", trusted)]);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::Rollback { role, trusted: 12, new: 11 } if role == "targets");
    assert!(ok, "{err:?}");
}

#[test]
fn rollback_attack_targets_metadata_dropped_from_snapshot() {
    let Some(repo) = corpus(SIGSTORE) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut trusted = read_json(&repo.join("metadata/159.snapshot.json"));
    trusted["signed"]["meta"]["dropped.json"] = json!({"version": 1});
    state_with(&tmp, &[("snapshot.json", trusted)]);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    assert!(
        matches!(&err, TufError::RollbackRemoved { role } if role == "dropped"),
        "{err:?}"
    );
}

/// Timestamp names snapshot 159, but the served 159.snapshot.json says 158. The edit breaks
/// the snapshot signature, and §5.5.3 (signatures) comes before §5.5.4 (version against
/// timestamp), so the threshold check reports it. The version check itself, with validly
/// signed files, is `mix_and_match_snapshot_version_differs_from_timestamp`.
#[test]
fn mix_and_match_edited_snapshot_version_fails_its_signature_first() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let path = repo.join("metadata/159.snapshot.json");
    let mut snapshot = read_json(&path);
    snapshot["signed"]["version"] = json!(158);
    write_json(&path, &snapshot);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::Threshold { role, version: 158, valid: 0, threshold: 1 }
        if role == "snapshot");
    assert!(ok, "{err:?}");
}

#[test]
fn arbitrary_software_attack_unsigned_new_root() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let mut root = read_json(&repo.join("metadata/12.root.json"));
    root["signed"]["version"] = json!(13);
    for signature in root["signatures"].as_array_mut().unwrap() {
        signature["sig"] = json!("");
    }
    write_json(&repo.join("metadata/13.root.json"), &root);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::Threshold { role, version: 13, valid: 0, threshold: 3 }
        if role == "root");
    assert!(ok, "{err:?}");
    assert!(!tmp.path().join("state/root.json").exists());
}

#[test]
fn arbitrary_software_attack_unsigned_timestamp() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let path = repo.join("metadata/timestamp.json");
    let mut timestamp = read_json(&path);
    timestamp["signatures"] = json!([]);
    write_json(&path, &timestamp);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::Threshold { role, version: 272, valid: 0, threshold: 1 }
        if role == "timestamp");
    assert!(ok, "{err:?}");
}

#[test]
fn arbitrary_software_attack_edited_targets() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let path = repo.join("metadata/11.targets.json");
    let mut targets = read_json(&path);
    targets["signed"]["targets"]["trusted_root.json"]["length"] = json!(1);
    write_json(&path, &targets);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::Threshold { role, version: 11, valid: 0, threshold: 3 }
        if role == "targets");
    assert!(ok, "{err:?}");
}

#[test]
fn target_tampering_one_byte_changed() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let sha = listed_sha256(&repo.join("metadata/11.targets.json"), "trusted_root.json");
    let path = repo.join(format!("targets/{sha}.trusted_root.json"));
    let mut bytes = read(&path);
    bytes[100] ^= 0x01;
    fs_err::write(&path, &bytes).unwrap();
    let mut client = updater(&tmp, &repo, faketime(&repo));
    let err = client.fetch_target("trusted_root.json").unwrap_err();
    let expected = format!("targets/{sha}.trusted_root.json");
    assert!(
        matches!(&err, TufError::LengthOrHash { file, .. } if *file == expected),
        "{err:?}"
    );
    // download_target leaves no file behind.
    let dest = tmp.path().join("out/trusted_root.json");
    assert!(client.download_target("trusted_root.json", &dest).is_err());
    assert!(!dest.exists());
}

#[test]
fn endless_data_attack_target_longer_than_listed() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let sha = listed_sha256(&repo.join("metadata/11.targets.json"), "trusted_root.json");
    let path = repo.join(format!("targets/{sha}.trusted_root.json"));
    let mut bytes = read(&path);
    let length = bytes.len() as u64;
    bytes.extend_from_slice(&[b' '; 4096]);
    fs_err::write(&path, &bytes).unwrap();
    let err = updater(&tmp, &repo, faketime(&repo))
        .fetch_target("trusted_root.json")
        .unwrap_err();
    assert!(
        matches!(&err, TufError::TooLarge { limit, .. } if *limit == length),
        "{err:?}"
    );
}

#[test]
fn endless_data_attack_oversized_timestamp() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let path = repo.join("metadata/timestamp.json");
    let mut bytes = read(&path);
    bytes.extend_from_slice(&[b' '; 20 * 1024]);
    fs_err::write(&path, &bytes).unwrap();
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::TooLarge { file, limit: 16384 } if file == "metadata/timestamp.json");
    assert!(ok, "{err:?}");
}

/// A validly signed root replayed under the next version's name: both thresholds pass (it is
/// the same root), and §5.3.5 refuses a version other than exactly N+1.
#[test]
fn root_version_replayed_as_next_version() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    fs_err::copy(
        repo.join("metadata/12.root.json"),
        repo.join("metadata/13.root.json"),
    )
    .unwrap();
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::RootVersion { file, expected: 13, found: 12 }
        if file == "metadata/13.root.json");
    assert!(ok, "{err:?}");
}

#[test]
fn wrong_type_snapshot_served_as_timestamp() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let snapshot = read(&repo.join("metadata/159.snapshot.json"));
    fs_err::write(repo.join("metadata/timestamp.json"), snapshot).unwrap();
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    let ok = matches!(&err, TufError::WrongType { expected: "timestamp", found, .. } if found == "snapshot");
    assert!(ok, "{err:?}");
}

#[test]
fn unsupported_spec_version_is_refused() {
    let Some((tmp, repo)) = repo_copy(SIGSTORE) else {
        return;
    };
    let path = repo.join("metadata/timestamp.json");
    let mut timestamp = read_json(&path);
    timestamp["signed"]["spec_version"] = json!("2.0.0");
    write_json(&path, &timestamp);
    let err = updater(&tmp, &repo, faketime(&repo)).refresh().unwrap_err();
    assert!(
        matches!(&err, TufError::SpecVersion { found, .. } if found == "2.0.0"),
        "{err:?}"
    );
}

#[test]
fn empty_repository_is_not_found_and_state_unchanged() {
    let Some(original) = corpus(SIGSTORE) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("empty-repo");
    fs_err::create_dir_all(&repo).unwrap();
    let state = tmp.path().join("state");
    let initial = read(&original.join("initial_root.json"));
    let mut client = Updater::new(&state, initial, DirFetch::new(&repo), faketime(&original));
    let err = client.refresh().unwrap_err();
    let ok = matches!(&err, TufError::NotFound { file } if file == "metadata/timestamp.json");
    assert!(ok, "{err:?}");
    assert!(!state.exists(), "the state directory was created");
    assert!(client.trusted_versions().is_none());
}

#[test]
fn repository_paths_cannot_escape_the_mirror() {
    let tmp = tempfile::tempdir().unwrap();
    let fetch = DirFetch::new(tmp.path());
    for path in [
        "../etc/passwd",
        "/etc/passwd",
        "metadata//x",
        "metadata/./x",
    ] {
        let err = tuf::Fetch::fetch(&fetch, path, 10).unwrap_err();
        assert!(
            matches!(err, tuf::FetchError::InvalidPath { .. }),
            "{path}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A generated repository, for attacks that need validly signed metadata

const EXPIRES: &str = "2100-01-01T00:00:00Z";
const NOW: u64 = 1_700_000_000;

struct Key {
    signer: SigningKey,
    id: String,
    json: Value,
}

impl Key {
    fn new(algorithm: Algorithm) -> Self {
        let signer = SigningKey::generate(algorithm).unwrap();
        let public = signer.verifying_key();
        let json = match algorithm {
            Algorithm::Ed25519 => {
                let der = public.spki_der();
                let raw = hex::encode(&der[der.len() - 32..]);
                json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": raw}})
            }
            Algorithm::EcdsaP384 => ecdsa_json(&public.to_public_pem(), "ecdsa-sha2-nistp384"),
            _ => ecdsa_json(&public.to_public_pem(), "ecdsa-sha2-nistp256"),
        };
        Self {
            id: public.key_id(),
            signer,
            json,
        }
    }

    fn signature(&self, canonical: &[u8]) -> Value {
        let sig = hex::encode(self.signer.sign(canonical).unwrap());
        json!({"keyid": self.id, "sig": sig})
    }
}

fn ecdsa_json(pem: &str, scheme: &str) -> Value {
    json!({"keytype": "ecdsa", "scheme": scheme, "keyval": {"public": pem}})
}

fn sign(signed: &Value, keys: &[&Key]) -> Value {
    let canonical = canonical::encode(signed).unwrap();
    let signatures: Vec<Value> = keys.iter().map(|k| k.signature(&canonical)).collect();
    json!({"signatures": signatures, "signed": signed})
}

fn role(keys: &[&Key], threshold: u64) -> Value {
    json!({"keyids": keys.iter().map(|k| k.id.clone()).collect::<Vec<_>>(), "threshold": threshold})
}

/// A consistent-snapshot repository with one key per top-level role and one target file.
struct Generated {
    tmp: TempDir,
    root: Key,
    timestamp: Key,
    snapshot: Key,
    targets: Key,
}

const TARGET: &[u8] = b"generated target\n";

impl Generated {
    fn new() -> Self {
        let generated = Self {
            tmp: tempfile::tempdir().unwrap(),
            root: Key::new(Algorithm::EcdsaP256),
            timestamp: Key::new(Algorithm::EcdsaP256),
            snapshot: Key::new(Algorithm::EcdsaP256),
            targets: Key::new(Algorithm::EcdsaP256),
        };
        fs_err::create_dir_all(generated.repo().join("metadata")).unwrap();
        generated.put_root(1, &[&generated.root]);
        generated.put_targets(1, 1, json!({}), None);
        generated.put_snapshot(1, 1, &[("targets.json", 1)]);
        generated.put_timestamp(1, 1);
        let name = format!("{}.file.txt", sha256_hex(TARGET));
        fs_err::create_dir_all(generated.repo().join("targets")).unwrap();
        fs_err::write(generated.repo().join("targets").join(name), TARGET).unwrap();
        generated
    }

    fn repo(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }

    fn updater(&self) -> Updater<DirFetch> {
        let initial = read(&self.repo().join("metadata/1.root.json"));
        Updater::new(
            self.tmp.path().join("state"),
            initial,
            DirFetch::new(self.repo()),
            NOW,
        )
    }

    fn put(&self, file: &str, signed: &Value, keys: &[&Key]) {
        write_json(
            &self.repo().join("metadata").join(file),
            &sign(signed, keys),
        );
    }

    fn root_signed(&self, version: u64, timestamp: &Key) -> Value {
        let keys = [&self.root, timestamp, &self.snapshot, &self.targets];
        let keys: BTreeMap<_, _> = keys
            .iter()
            .map(|k| (k.id.clone(), k.json.clone()))
            .collect();
        json!({"_type": "root", "spec_version": "1.0.31", "version": version, "expires": EXPIRES,
            "consistent_snapshot": true, "keys": keys, "roles": {
                "root": role(&[&self.root], 1), "timestamp": role(&[timestamp], 1),
                "snapshot": role(&[&self.snapshot], 1), "targets": role(&[&self.targets], 1)}})
    }

    fn put_root(&self, version: u64, signers: &[&Key]) {
        let signed = self.root_signed(version, &self.timestamp);
        self.put(&format!("{version}.root.json"), &signed, signers);
    }

    fn timestamp_signed(version: u64, snapshot: u64) -> Value {
        json!({"_type": "timestamp", "spec_version": "1.0.31", "version": version,
            "expires": EXPIRES, "meta": {"snapshot.json": {"version": snapshot}}})
    }

    fn put_timestamp(&self, version: u64, snapshot: u64) {
        self.put(
            "timestamp.json",
            &Self::timestamp_signed(version, snapshot),
            &[&self.timestamp],
        );
    }

    fn put_snapshot(&self, file_version: u64, version: u64, meta: &[(&str, u64)]) {
        let meta: BTreeMap<_, _> = meta
            .iter()
            .map(|(n, v)| (*n, json!({"version": v})))
            .collect();
        let signed = json!({"_type": "snapshot", "spec_version": "1.0.31", "version": version,
            "expires": EXPIRES, "meta": meta});
        self.put(
            &format!("{file_version}.snapshot.json"),
            &signed,
            &[&self.snapshot],
        );
    }

    fn put_targets(
        &self,
        file_version: u64,
        version: u64,
        targets: Value,
        delegations: Option<Value>,
    ) {
        let mut signed = json!({"_type": "targets", "spec_version": "1.0.31", "version": version,
            "expires": EXPIRES, "targets": targets});
        if let Some(delegations) = delegations {
            signed["delegations"] = delegations;
        }
        self.put(
            &format!("{file_version}.targets.json"),
            &signed,
            &[&self.targets],
        );
    }

    fn put_delegated(&self, name: &str, version: u64, targets: Value, signer: &Key) {
        let signed = json!({"_type": "targets", "spec_version": "1.0.31", "version": version,
            "expires": EXPIRES, "targets": targets});
        self.put(&format!("{version}.{name}.json"), &signed, &[signer]);
    }
}

fn target_entry() -> Value {
    json!({"length": TARGET.len(), "hashes": {"sha256": sha256_hex(TARGET)}})
}

#[test]
fn generated_repository_refreshes_and_downloads() {
    let repo = Generated::new();
    repo.put_targets(2, 2, json!({"file.txt": target_entry()}), None);
    repo.put_snapshot(2, 2, &[("targets.json", 2)]);
    repo.put_timestamp(2, 2);
    let mut client = repo.updater();
    let (_, bytes) = client.fetch_target("file.txt").unwrap();
    assert_eq!(bytes, TARGET);
}

#[test]
fn mix_and_match_snapshot_version_differs_from_timestamp() {
    let repo = Generated::new();
    // Timestamp names snapshot 2; the file served as 2.snapshot.json is a signed version 1.
    repo.put_snapshot(2, 1, &[("targets.json", 1)]);
    repo.put_timestamp(2, 2);
    let err = repo.updater().refresh().unwrap_err();
    let ok =
        matches!(&err, TufError::MixAndMatch { role, expected: 2, found: 1 } if role == "snapshot");
    assert!(ok, "{err:?}");
}

#[test]
fn mix_and_match_targets_version_differs_from_snapshot() {
    let repo = Generated::new();
    repo.put_targets(3, 2, json!({}), None);
    repo.put_snapshot(2, 2, &[("targets.json", 3)]);
    repo.put_timestamp(2, 2);
    let err = repo.updater().refresh().unwrap_err();
    let ok =
        matches!(&err, TufError::MixAndMatch { role, expected: 3, found: 2 } if role == "targets");
    assert!(ok, "{err:?}");
}

#[test]
fn root_version_skip() {
    let repo = Generated::new();
    // 2.root.json holds version 3, validly signed by the old and new root keys.
    let signed = repo.root_signed(3, &repo.timestamp);
    repo.put("2.root.json", &signed, &[&repo.root]);
    let err = repo.updater().refresh().unwrap_err();
    let ok = matches!(
        &err,
        TufError::RootVersion {
            expected: 2,
            found: 3,
            ..
        }
    );
    assert!(ok, "{err:?}");
}

#[test]
fn root_rotation_needs_old_and_new_thresholds() {
    let repo = Generated::new();
    let new_root = Key::new(Algorithm::Ed25519);
    let mut signed = repo.root_signed(2, &repo.timestamp);
    signed["keys"][new_root.id.as_str()] = new_root.json.clone();
    signed["roles"]["root"] = role(&[&new_root], 1);
    // Signed by the new key only: the trusted root's threshold fails.
    repo.put("2.root.json", &signed, &[&new_root]);
    let err = repo.updater().refresh().unwrap_err();
    assert!(
        matches!(&err, TufError::Threshold { role, version: 2, .. } if role == "root"),
        "{err:?}"
    );
    // Signed by the old key only: the new root's own threshold fails.
    repo.put("2.root.json", &signed, &[&repo.root]);
    let err = repo.updater().refresh().unwrap_err();
    assert!(
        matches!(&err, TufError::Threshold { role, version: 2, .. } if role == "root"),
        "{err:?}"
    );
    // Both: accepted and persisted; version 3 then needs only the new key.
    repo.put("2.root.json", &signed, &[&repo.root, &new_root]);
    signed["version"] = json!(3);
    repo.put("3.root.json", &signed, &[&new_root]);
    let mut client = repo.updater();
    client.refresh().unwrap();
    assert_eq!(client.trusted_versions().unwrap().root, 3);
    let stored = read_json(&repo.tmp.path().join("state/root.json"));
    assert_eq!(stored["signed"]["version"], 3);
}

#[test]
fn fast_forward_recovery_after_timestamp_key_rotation() {
    let repo = Generated::new();
    // A fast-forwarded timestamp (version 50) sits in the trusted state.
    let mut client = repo.updater();
    client.refresh().unwrap();
    let state = repo.tmp.path().join("state");
    let forged = sign(&Generated::timestamp_signed(50, 1), &[&repo.timestamp]);
    write_json(&state.join("timestamp.json"), &forged);
    let err = repo.updater().refresh().unwrap_err();
    assert!(
        matches!(
            &err,
            TufError::Rollback {
                trusted: 50,
                new: 1,
                ..
            }
        ),
        "{err:?}"
    );
    // Root version 2 rotates the timestamp key; the stored timestamp and snapshot are
    // forgotten (§5.3.11) and version 1 under the new key is accepted.
    let new_timestamp = Key::new(Algorithm::EcdsaP384);
    let mut signed = repo.root_signed(2, &new_timestamp);
    signed["keys"][new_timestamp.id.as_str()] = new_timestamp.json.clone();
    repo.put("2.root.json", &signed, &[&repo.root]);
    repo.put(
        "timestamp.json",
        &Generated::timestamp_signed(1, 1),
        &[&new_timestamp],
    );
    let mut client = repo.updater();
    client.refresh().unwrap();
    assert_eq!(client.trusted_versions().unwrap().timestamp, 1);
}

#[test]
fn threshold_counts_each_key_once() {
    let repo = Generated::new();
    let second = Key::new(Algorithm::EcdsaP256);
    let mut signed = repo.root_signed(2, &repo.timestamp);
    signed["keys"][second.id.as_str()] = second.json.clone();
    signed["roles"]["targets"] = role(&[&repo.targets, &second], 2);
    repo.put("2.root.json", &signed, &[&repo.root]);
    let targets = json!({"_type": "targets", "spec_version": "1.0", "version": 1,
        "expires": EXPIRES, "targets": {}});
    let canonical = canonical::encode(&targets).unwrap();
    let stranger = Key::new(Algorithm::EcdsaP256);
    let once = repo.targets.signature(&canonical);
    let bad = json!({"keyid": second.id, "sig": hex::encode([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])});
    // The same key twice, a stranger's signature, a bad signature: one valid key.
    let signatures = json!([once, once, stranger.signature(&canonical), bad]);
    let path = repo.repo().join("metadata/1.targets.json");
    write_json(&path, &json!({"signatures": signatures, "signed": targets}));
    let err = repo.updater().refresh().unwrap_err();
    let ok = matches!(&err, TufError::Threshold { role, valid: 1, threshold: 2, .. } if role == "targets");
    assert!(ok, "{err:?}");
    write_json(&path, &sign(&targets, &[&repo.targets, &second]));
    repo.updater().refresh().unwrap();
}

/// Two delegations cover `a/file.txt`: `first` (listed first) does not list it, `second` does.
fn delegating_repo(first_terminating: bool) -> Generated {
    let repo = Generated::new();
    let (first, second) = (Key::new(Algorithm::Ed25519), Key::new(Algorithm::EcdsaP256));
    let keys: BTreeMap<_, _> = [&first, &second]
        .iter()
        .map(|k| (k.id.clone(), k.json.clone()))
        .collect();
    let mut first_role = role(&[&first], 1);
    first_role["name"] = json!("first");
    first_role["paths"] = json!(["a/*"]);
    first_role["terminating"] = json!(first_terminating);
    let mut second_role = role(&[&second], 1);
    second_role["name"] = json!("second");
    second_role["path_hash_prefixes"] = json!([&sha256_hex(b"a/file.txt")[..2]]);
    second_role["terminating"] = json!(false);
    let delegations = json!({"keys": keys, "roles": [first_role, second_role]});
    repo.put_targets(2, 2, json!({}), Some(delegations));
    repo.put_delegated("first", 1, json!({}), &first);
    repo.put_delegated("second", 1, json!({"a/file.txt": target_entry()}), &second);
    let meta = [("targets.json", 2), ("first.json", 1), ("second.json", 1)];
    repo.put_snapshot(2, 2, &meta);
    repo.put_timestamp(2, 2);
    let target = repo
        .repo()
        .join(format!("targets/a/{}.file.txt", sha256_hex(TARGET)));
    fs_err::create_dir_all(target.parent().unwrap()).unwrap();
    fs_err::write(target, TARGET).unwrap();
    repo
}

#[test]
fn delegation_search_continues_past_non_terminating_role() {
    let repo = delegating_repo(false);
    let (info, bytes) = repo.updater().fetch_target("a/file.txt").unwrap();
    assert_eq!(bytes, TARGET);
    assert_eq!(info.name, "a/file.txt");
}

#[test]
fn delegation_search_stops_at_terminating_role() {
    let repo = delegating_repo(true);
    let err = repo.updater().fetch_target("a/file.txt").unwrap_err();
    assert!(
        matches!(&err, TufError::TargetNotFound { name } if name == "a/file.txt"),
        "{err:?}"
    );
}

#[test]
fn delegated_role_signed_by_wrong_key_is_refused() {
    let repo = delegating_repo(false);
    let intruder = Key::new(Algorithm::EcdsaP256);
    repo.put_delegated(
        "second",
        1,
        json!({"a/file.txt": target_entry()}),
        &intruder,
    );
    let err = repo.updater().fetch_target("a/file.txt").unwrap_err();
    assert!(
        matches!(&err, TufError::Threshold { role, valid: 0, .. } if role == "second"),
        "{err:?}"
    );
}

#[test]
fn rsa_pss_keys_verify_and_pkcs1_signatures_do_not_pass_as_pss() {
    use rsa::pkcs8::DecodePrivateKey as _;
    use signature::{RandomizedSigner as _, SignatureEncoding as _};
    let repo = Generated::new();
    let signer = SigningKey::generate(Algorithm::Rsa3072).unwrap();
    let private = rsa::RsaPrivateKey::from_pkcs8_der(&signer.to_pkcs8_der().unwrap()).unwrap();
    let pem = signer.verifying_key().to_public_pem();
    let id = "rsa-timestamp-key".to_owned();
    let mut signed = repo.root_signed(2, &repo.timestamp);
    signed["keys"][id.as_str()] =
        json!({"keytype": "rsa", "scheme": "rsassa-pss-sha256", "keyval": {"public": pem}});
    signed["roles"]["timestamp"] = json!({"keyids": [id], "threshold": 1});
    repo.put("2.root.json", &signed, &[&repo.root]);
    let timestamp = Generated::timestamp_signed(2, 1);
    let canonical = canonical::encode(&timestamp).unwrap();
    let path = repo.repo().join("metadata/timestamp.json");
    // PKCS#1 v1.5 signature under a PSS key: refused.
    let pkcs1 = hex::encode(signer.sign(&canonical).unwrap());
    write_json(
        &path,
        &json!({"signatures": [{"keyid": id, "sig": pkcs1}], "signed": timestamp}),
    );
    let err = repo.updater().refresh().unwrap_err();
    assert!(
        matches!(&err, TufError::Threshold { role, .. } if role == "timestamp"),
        "{err:?}"
    );
    let pss = rsa::pss::SigningKey::<Sha256>::new(private);
    let sig = pss
        .sign_with_rng(&mut rand_core::OsRng, &canonical)
        .to_vec();
    let signatures = json!([{"keyid": id, "sig": hex::encode(sig)}]);
    write_json(
        &path,
        &json!({"signatures": signatures, "signed": timestamp}),
    );
    repo.updater().refresh().unwrap();
}
