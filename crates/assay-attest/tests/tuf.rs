//! The TUF client against real repositories (Sigstore's root-signing snapshot and a tuf-on-ci
//! repository from the shared corpus, `sigstore/tuf-static/`), then one test per attack the
//! client workflow defends against, each asserting the specific `TufError` variant.
//!
//! Attacks on the real repositories are made on copies in temporary directories. Attacks that
//! need validly signed metadata the real repositories cannot provide (the keys are not ours)
//! are in `tuf_generated.rs`.
#![allow(clippy::print_stderr)] // tests say which fixtures they skip

mod support;
mod tuf_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assay_attest::tuf::{self, DirFetch, TrustedVersions, TufError, Updater};
use serde_json::{Value, json};
use tempfile::TempDir;
use tuf_common::{read, read_json, sha256_hex, write_json};

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
