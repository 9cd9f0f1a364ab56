//! The sigstore-conformance offline bundle-verification suite (`test/assets/bundle-verify/`)
//! run against [`keyless::verify`] and [`keyless::verify_with_key`].
//!
//! Each case directory holds a bundle and a README saying why it must verify or not; a name
//! ending in `_fail` must be refused. Every case is run twice, with the artifact's bytes and with
//! its SHA-256 digest only, as the suite's harness does. A refusal only counts if it names the
//! step the case was built to break ([`EXPECTED`]). All deviations are collected and reported
//! together.
//!
//! The corpus lives outside the repository; the tests skip when it is absent, unless
//! `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use Step::{
    ArtifactMismatch, CertificateChain, IdentityMismatch, MalformedBundle, Sct, Signature,
    Timestamp, TlogCheckpoint, TlogEntry, TlogInclusionProof, TlogSet, TrustMaterial, Unsupported,
};
use assay_attest::keyless::{self, Artifact, KeylessError, Matcher, Policy, Step, TrustRoot};
use assay_attest::keys::VerifyingKey;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

const PASS_CASES: usize = 21;
const FAIL_CASES: usize = 49;

/// For every `_fail` case (but those in [`UNREADABLE_KEY`]), the step at which it must be
/// refused, read from the case's README. Where more than one step is allowed, the comment says
/// why: either the case breaks several checks at once by construction, so the first one the
/// verifier performs reports it, or the README leaves the step open.
const EXPECTED: &[(&str, &[Step])] = &[
    ("bundle-empty-certificate-chain_fail", &[MalformedBundle]),
    // Every piece of evidence is the staging instance's: its Fulcio CA, Rekor log (inclusion
    // promise and checkpoint key) are all unknown to the production root, so whichever of
    // those checks runs first refuses it.
    (
        "bundle-from-wrong-instance_fail",
        &[CertificateChain, TlogEntry, TlogSet, TlogCheckpoint],
    ),
    ("bundle-invalid-base64-signature_fail", &[MalformedBundle]),
    ("bundle-malformed-json_fail", &[MalformedBundle]),
    ("bundle-negative-log-index_fail", &[MalformedBundle]),
    // "unknown/unsupported version": a media type not known is both.
    (
        "bundle-unknown-version_fail",
        &[MalformedBundle, Unsupported],
    ),
    // The chain is leaf, root, intermediate, all the staging instance's, checked against the
    // production root. The bundle format forbids a root in the chain, but the reference
    // clients accept v0.1 bundles that carry one after their intermediate (sigstore-python
    // warns; sigstore-js `bundleV01-full-cert-chain` and the sigstore-go examples do), so the
    // chain is built from the trusted root and the extra certificates play no part: it fails
    // because its leaf has no path to a production Fulcio CA. Not MalformedBundle: this v0.1
    // bundle also carries an inclusion proof without a checkpoint, which v0.1 allows.
    ("bundle-with-root-cert_fail", &[CertificateChain]),
    ("checkpoint-bad-keyhint_fail", &[TlogCheckpoint]),
    // The proof's root hash and the checkpoint's differ; either side can be the one blamed.
    (
        "checkpoint-wrong-roothash_fail",
        &[TlogCheckpoint, TlogInclusionProof],
    ),
    // The envelope signature was altered, so it neither verifies nor equals the logged one.
    ("dsse-invalid-sig_fail", &[Signature, TlogEntry]),
    ("dsse-mismatch-envelope_fail", &[TlogEntry]),
    ("dsse-mismatch-sig_fail", &[TlogEntry]),
    ("inclusion-proof-corrupted-hash_fail", &[TlogInclusionProof]),
    // The key was changed inside the canonicalized body, which the inclusion promise and the
    // inclusion proof both cover: all three checks fail, the first one run reports it.
    (
        "incorrect-public-key_fail",
        &[TlogEntry, TlogSet, TlogInclusionProof],
    ),
    // Signed time outside the certificate's validity: the chain is verified at that time;
    // sigstore-verify can also report it from the log side (integrated time), at TlogEntry.
    (
        "integrated-time-in-future_fail",
        &[CertificateChain, TlogEntry],
    ),
    ("intoto-expired-certificate_fail", &[CertificateChain]),
    ("intoto-log-entry-mismatch_fail", &[TlogEntry]),
    ("intoto-missing-inclusion-proof_fail", &[MalformedBundle]),
    // As integrated-time-in-future_fail.
    (
        "intoto-set-outside-signing-cert-validity_fail",
        &[CertificateChain, TlogEntry],
    ),
    (
        "intoto-tsa-timestamp-outside-cert-validity_fail",
        &[CertificateChain],
    ),
    ("invalid-checkpoint-signature_fail", &[TlogCheckpoint]),
    // No README: its trusted root swaps the production CT log keys for staging ones.
    ("invalid-ct-key_fail", &[Sct]),
    // The "old" proof has no checkpoint, which v0.2 requires of every proof; with one, the
    // proof itself would be refused.
    (
        "invalid-inclusion-proof_fail",
        &[MalformedBundle, TlogInclusionProof],
    ),
    // Asked for an identity, a key-signed bundle has none to offer.
    ("managed-key-no-key_fail", &[IdentityMismatch]),
    ("message-digest-mismatch_fail", &[ArtifactMismatch]),
    // The four broken checkpoint notes: "a parsing or verification failure". The note is
    // parsed when the bundle is read, or when the checkpoint is checked.
    (
        "rekor2-checkpoint-missing-log-signature_fail",
        &[MalformedBundle, TlogCheckpoint],
    ),
    (
        "rekor2-checkpoint-missing-origin_fail",
        &[MalformedBundle, TlogCheckpoint],
    ),
    (
        "rekor2-checkpoint-missing-root-hash_fail",
        &[MalformedBundle, TlogCheckpoint],
    ),
    (
        "rekor2-checkpoint-missing-size_fail",
        &[MalformedBundle, TlogCheckpoint],
    ),
    (
        "rekor2-checkpoint-no-matching-signature_fail",
        &[TlogCheckpoint],
    ),
    // As dsse-invalid-sig_fail: by construction the signature neither verifies nor matches
    // the one logged.
    ("rekor2-dsse-invalid-sig_fail", &[Signature, TlogEntry]),
    ("rekor2-dsse-mismatch-envelope_fail", &[TlogEntry]),
    ("rekor2-dsse-mismatch-sig_fail", &[TlogEntry]),
    ("rekor2-no-inclusion-proof_fail", &[MalformedBundle]),
    // No signed time at all. assay's bundle rules (as sigstore-python's and sigstore-go's)
    // refuse a v0.2+ entry with neither inclusion promise nor timestamp when reading it; a
    // verifier reading it anyway finds no trusted time.
    ("rekor2-no-timestamp_fail", &[MalformedBundle, Timestamp]),
    // The trusted root's validity window for the TSA ends before the timestamp: that is the
    // trust material's "no authority valid at the time", and the timestamp is what is refused.
    (
        "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
        &[TrustMaterial, Timestamp],
    ),
    (
        "rekor2-timestamp-outside-tsa-cert-validity_fail",
        &[Timestamp],
    ),
    ("rekor2-timestamp-payload-mismatch_fail", &[Timestamp]),
    (
        "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
        &[Timestamp],
    ),
    (
        "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
        &[Timestamp],
    ),
    // Its timestamp's base64 is wrapped at 76 columns; `keyless` unwraps it (as the Go and
    // Python clients decode it) and the timestamp is then after the certificate expired.
    (
        "rekor2-timestamp-with-incorrect-time_fail",
        &[CertificateChain],
    ),
    ("set-invalid-signature_fail", &[TlogSet]),
    // The signature was altered: it neither verifies nor equals the one the entry records.
    ("signature-mismatch_fail", &[Signature, TlogEntry]),
    (
        "trust-root-tlog-missing-validity-start_fail",
        &[TrustMaterial],
    ),
    // The three below carry a genuine log entry for other content than the bundle's.
    ("wrong-hashedrekord-artifact_fail", &[TlogEntry]),
    ("wrong-hashedrekord-cert-and-sig_fail", &[TlogEntry]),
    ("wrong-hashedrekord-entry_fail", &[TlogEntry]),
    // The bundle is for a.txt: its digest differs, and its signature does not verify over
    // the other artifact; either is reported first.
    ("wrong-material_fail", &[ArtifactMismatch, Signature]),
];

/// `_fail` cases whose `key.pub` is not a usable key, so the client refuses them while
/// loading the key, before any verification (as sigstore-python's client does).
const UNREADABLE_KEY: &[(&str, &str)] = &[(
    "managed-key-wrong-key_fail",
    "the happy-path key with its last bytes replaced by `wrongkey`: not a point on P-256",
)];

/// How the artifact is handed to the verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Bytes,
    Digest,
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Bytes => "bytes",
            Self::Digest => "sha256",
        })
    }
}

fn corpus(rel: &str) -> Option<PathBuf> {
    support::corpus(&format!("sigstore/{rel}"))
}

/// One case's inputs, read from its directory with the suite's defaults.
struct Case {
    name: String,
    bundle: Vec<u8>,
    artifact: Vec<u8>,
    identity: String,
    issuer: String,
    key: Option<Result<VerifyingKey, String>>,
    root: Result<TrustRoot, KeylessError>,
}

fn read_or(dir: &Path, file: &str, default: &str) -> String {
    let path = dir.join(file);
    if path.exists() {
        return fs_err::read_to_string(path).unwrap().trim().to_owned();
    }
    default.to_owned()
}

fn file_or(dir: &Path, file: &str, default: PathBuf) -> PathBuf {
    Some(dir.join(file))
        .filter(|p| p.exists())
        .unwrap_or(default)
}

fn load(cases: &Path, production: &Path, dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let root_path = file_or(dir, "trusted_root.json", production.to_path_buf());
    let key = Some(dir.join("key.pub")).filter(|p| p.exists()).map(|p| {
        VerifyingKey::from_pem(&fs_err::read_to_string(p).unwrap()).map_err(|e| e.to_string())
    });
    Case {
        bundle: fs_err::read(dir.join("bundle.sigstore.json")).unwrap(),
        artifact: fs_err::read(file_or(dir, "artifact", cases.join("a.txt"))).unwrap(),
        identity: read_or(dir, "identity", DEFAULT_IDENTITY),
        issuer: read_or(dir, "issuer", DEFAULT_ISSUER),
        key,
        root: TrustRoot::from_json(&fs_err::read_to_string(&root_path).unwrap(), &name),
        name,
    }
}

/// What one run of a case gave.
enum Run {
    /// The verifier's verdict.
    Verdict(Result<(), KeylessError>),
    /// `key.pub` could not be loaded, so nothing was verified.
    KeyUnreadable(String),
}

fn run(case: &Case, form: Form) -> Run {
    let root = match &case.root {
        Ok(root) => root,
        Err(e) => {
            return Run::Verdict(Err(KeylessError {
                step: e.step,
                detail: e.detail.clone(),
            }));
        }
    };
    let digest: [u8; 32] = Sha256::digest(&case.artifact).into();
    let artifact = match form {
        Form::Bytes => Artifact::Bytes(&case.artifact),
        Form::Digest => Artifact::Sha256(digest),
    };
    let result = match &case.key {
        Some(Ok(key)) => keyless::verify_with_key(&case.bundle, artifact, key, root),
        Some(Err(e)) => return Run::KeyUnreadable(e.clone()),
        None => {
            let policy = Policy::new(
                Matcher::Exact(case.identity.clone()),
                Matcher::Exact(case.issuer.clone()),
            );
            keyless::verify(&case.bundle, artifact, &policy, root)
        }
    };
    Run::Verdict(result.map(|_| ()))
}

/// Why a verdict deviates from what the suite and [`EXPECTED`] require, if it does.
fn judge(name: &str, result: &Result<(), KeylessError>) -> Option<String> {
    match (result, name.ends_with("_fail")) {
        (Ok(()), false) => None,
        (Ok(()), true) => Some("verified, but must be refused".to_owned()),
        (Err(e), false) => Some(format!("refused, but must verify: {e}")),
        (Err(e), true) => {
            let steps = expected_steps(name)?;
            (!steps.contains(&e.step))
                .then(|| format!("refused at \"{}\", expected one of {steps:?}: {e}", e.step))
        }
    }
}

fn expected_steps(name: &str) -> Option<&'static [Step]> {
    EXPECTED
        .iter()
        .find(|(case, _)| *case == name)
        .map(|(_, steps)| *steps)
}

fn judge_unreadable_key(name: &str, problem: &str) -> Option<String> {
    (!UNREADABLE_KEY.iter().any(|(case, _)| *case == name))
        .then(|| format!("key.pub cannot be loaded: {problem}"))
}

fn case_dirs(cases: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(cases)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name_of(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

#[derive(Default)]
struct Tally {
    items: usize,
    verified: usize,
    refused: usize,
    deviations: Vec<String>,
}

impl Tally {
    fn record(&mut self, case: &Case, form: Form) {
        self.items += 1;
        let deviation = match run(case, form) {
            Run::KeyUnreadable(problem) => {
                self.refused += 1;
                judge_unreadable_key(&case.name, &problem)
            }
            Run::Verdict(result) => {
                match &result {
                    Ok(()) => self.verified += 1,
                    Err(_) => self.refused += 1,
                }
                judge_verdict(case, &result)
            }
        };
        if let Some(d) = deviation {
            self.deviations.push(format!("{} [{form}]: {d}", case.name));
        }
    }
}

fn judge_verdict(case: &Case, result: &Result<(), KeylessError>) -> Option<String> {
    if UNREADABLE_KEY.iter().any(|(name, _)| *name == case.name) {
        return Some("key.pub now loads: give the case an EXPECTED entry".to_owned());
    }
    judge(&case.name, result)
}

/// The whole suite: 70 cases, each with the artifact's bytes and with its digest.
#[test]
fn conformance_bundle_verify_suite() {
    let (Some(cases), Some(production)) = (
        corpus("conformance/bundle-verify"),
        corpus("trust/production/trusted_root.json"),
    ) else {
        return;
    };
    let dirs = case_dirs(&cases);
    let names: Vec<String> = dirs.iter().map(|d| name_of(d)).collect();
    let failing = names.iter().filter(|n| n.ends_with("_fail")).count();
    assert_eq!(
        (names.len() - failing, failing),
        (PASS_CASES, FAIL_CASES),
        "case counts (pass, fail)"
    );
    check_tables(&names);

    let mut tally = Tally::default();
    for dir in &dirs {
        let case = load(&cases, &production, dir);
        for form in [Form::Bytes, Form::Digest] {
            tally.record(&case, form);
        }
    }
    report(&tally);
}

/// EXPECTED and UNREADABLE_KEY together name every `_fail` case once, and nothing else.
fn check_tables(names: &[String]) {
    let mut seen = BTreeSet::new();
    let listed = EXPECTED
        .iter()
        .map(|(case, steps)| (*case, steps.len()))
        .chain(UNREADABLE_KEY.iter().map(|(case, _)| (*case, 1)));
    for (case, steps) in listed {
        assert!(steps > 0, "{case}: EXPECTED lists no step");
        assert!(seen.insert(case), "{case}: listed twice");
        assert!(
            case.ends_with("_fail") && names.iter().any(|n| n == case),
            "{case}: names no `_fail` case of the corpus"
        );
    }
    for name in names.iter().filter(|n| n.ends_with("_fail")) {
        assert!(
            seen.contains(name.as_str()),
            "{name}: missing from EXPECTED"
        );
    }
}

fn report(tally: &Tally) {
    eprintln!(
        "conformance: {} items, {} verified, {} refused, {} deviation(s)",
        tally.items,
        tally.verified,
        tally.refused,
        tally.deviations.len()
    );
    assert!(
        tally.deviations.is_empty(),
        "{} deviation(s):\n  {}",
        tally.deviations.len(),
        tally.deviations.join("\n  ")
    );
    assert_eq!(
        (tally.verified, tally.refused),
        (2 * PASS_CASES, 2 * FAIL_CASES),
        "(verified, refused) items"
    );
}

/// A v0.1 bundle may carry an inclusion proof made before checkpoints existed; it is ignored
/// (the inclusion promise vouches for the entry), not a reason to refuse. The bundle is
/// sigstore-python's copy of the real CPython 3.12.5 release signature.
#[test]
fn v01_proof_without_checkpoint_is_ignored() {
    let (Some(bundle), Some(production)) = (
        corpus("sigstore-python/integration/Python-3.12.5.tgz.sigstore"),
        corpus("trust/production/trusted_root.json"),
    ) else {
        return;
    };
    let json = fs_err::read(&bundle).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let proof = &value["verificationMaterial"]["tlogEntries"][0]["inclusionProof"];
    assert!(
        proof.is_object() && proof.get("checkpoint").is_none(),
        "{proof}"
    );
    let digest = STANDARD
        .decode(
            value["messageSignature"]["messageDigest"]["digest"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let root =
        TrustRoot::from_json(&fs_err::read_to_string(production).unwrap(), "production").unwrap();
    let policy = Policy::new(
        Matcher::Exact("thomas@python.org".to_owned()),
        Matcher::Exact("https://accounts.google.com".to_owned()),
    );
    let artifact = Artifact::Sha256(digest.try_into().unwrap());
    let verified = keyless::verify(&json, artifact, &policy, &root).unwrap();
    assert_eq!(verified.identity.as_deref(), Some("thomas@python.org"));
    assert!(verified.tlog_checked && verified.certificate_checked && verified.sct_checked);
}
