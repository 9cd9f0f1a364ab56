//! The TUF client against small repositories generated with fresh keys, for the attacks that
//! need validly signed metadata (mix-and-match, root rotation and version skips, key
//! thresholds, delegation search), each asserting the specific `TufError` variant.

mod tuf_common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use assay_attest::keys::{Algorithm, SigningKey};
use assay_attest::tuf::{DirFetch, TufError, Updater, canonical};
use serde_json::{Value, json};
use sha2::Sha256;
use tempfile::TempDir;
use tuf_common::{read, read_json, sha256_hex, write_json};

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
