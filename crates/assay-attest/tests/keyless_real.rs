//! Keyless verification against real bundles (corpus `sigstore/`):
//!
//! - all 495 CPython release bundles (v0.1 to v0.3 message signatures from the public-good
//!   instance) verify against `sha256:<digest>` with the release manager's identity, and each
//!   is refused for the wrong signer or the wrong digest, with the step that says so;
//! - the ground-truth table of the corpus README (verdicts of sigstore-python 4.5.1) gives the
//!   same verdicts, including the bundles only checkable through their in-toto subject;
//! - every signed field of four passing bundles (v0.1 and v0.3 message signatures, a DSSE
//!   attestation, a Rekor v2 entry with an RFC 3161 timestamp), changed by one bit or one
//!   character at pseudo-random positions, makes the bundle fail (Sigstore client
//!   specification, "Verification"); so does a change to a proof field that only repeats what
//!   the checkpoint or entry holds.
//!
//! Skips when the corpus is absent (fails instead with `ASSAY_REQUIRE_FIXTURES=1`).
#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assay_attest::keyless::{self, Artifact, KeylessError, Matcher, Policy, Step, TrustRoot};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use support::Rng;

/// The Sigstore corpus directory, when its CPython data is there.
fn corpus() -> Option<PathBuf> {
    support::corpus("sigstore/cpython-release-tracker/signing-identities.json")?;
    support::corpus("sigstore")
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    fs_err::read(dir.join(rel)).unwrap()
}

fn json(dir: &Path, rel: &str) -> Value {
    serde_json::from_slice(&read(dir, rel)).unwrap()
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn unhex32(hex: &str) -> [u8; 32] {
    hex::decode(hex).unwrap().try_into().unwrap()
}

fn policy(identity: &str, issuer: &str) -> Policy {
    Policy::new(
        Matcher::Exact(identity.to_owned()),
        Matcher::Exact(issuer.to_owned()),
    )
}

/// A `trusted_root.json` of the corpus.
fn root_file(dir: &Path, rel: &str, name: &str) -> TrustRoot {
    let text = String::from_utf8(read(dir, rel)).unwrap();
    TrustRoot::from_json(&text, name).unwrap()
}

fn production(dir: &Path) -> TrustRoot {
    root_file(dir, "trust/production/trusted_root.json", "production")
}

fn staging(dir: &Path) -> TrustRoot {
    root_file(dir, "trust/staging/trusted_root.json", "staging")
}

/// sigstore-python's TSA test instance: its client trust config embeds a trusted root.
fn tsa_root(dir: &Path) -> TrustRoot {
    let config = json(dir, "sigstore-python/tsa/trust_config.json");
    assert_eq!(
        config["mediaType"],
        "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json"
    );
    TrustRoot::from_json(&config["trustedRoot"].to_string(), "tsa").unwrap()
}

/// The failing step, or "OK".
fn outcome(result: &Result<keyless::Verified, KeylessError>) -> String {
    match result {
        Ok(_) => "OK".to_owned(),
        Err(e) => format!("{:?}", e.step),
    }
}

// ---------------------------------------------------------------------------------------------
// CPython release tracker

/// One signed release file.
struct Release {
    /// `versions/<file>[index]`, for messages.
    name: String,
    /// `X.Y`.
    series: String,
    sha256: [u8; 32],
    bundle: Vec<u8>,
}

fn releases(dir: &Path) -> Vec<Release> {
    let mut paths: Vec<PathBuf> = fs_err::read_dir(dir.join("cpython-release-tracker/versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.iter().flat_map(|p| releases_in(p)).collect()
}

fn releases_in(path: &Path) -> Vec<Release> {
    let version = path.file_stem().unwrap().to_str().unwrap();
    let series = version.split('.').take(2).collect::<Vec<_>>().join(".");
    let files: Vec<Value> = serde_json::from_slice(&fs_err::read(path).unwrap()).unwrap();
    let signed = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.get("sigstore").is_some());
    signed
        .map(|(i, f)| Release {
            name: format!("{version}.json[{i}] {}", f["url"].as_str().unwrap()),
            series: series.clone(),
            sha256: unhex32(f["sha256"].as_str().unwrap()),
            bundle: serde_json::to_vec(&f["sigstore"]).unwrap(),
        })
        .collect()
}

/// Release series `X.Y` -> (release manager identity, OIDC issuer).
fn signers(dir: &Path) -> BTreeMap<String, (String, String)> {
    let list = json(dir, "cpython-release-tracker/signing-identities.json");
    let field = |e: &Value, k: &str| e[k].as_str().unwrap().to_owned();
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let signer = (field(e, "Release manager"), field(e, "OIDC Issuer"));
            (field(e, "Release"), signer)
        })
        .collect()
}

fn media_type(bundle: &[u8]) -> String {
    let v: Value = serde_json::from_slice(bundle).unwrap();
    v["mediaType"].as_str().unwrap().to_owned()
}

#[test]
fn cpython_release_bundles_all_verify() {
    let Some(dir) = corpus() else { return };
    let (all, signers, root) = (releases(&dir), signers(&dir), production(&dir));
    assert_eq!(all.len(), 495, "signed CPython release files");
    let mut versions = BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for r in &all {
        *versions.entry(media_type(&r.bundle)).or_default() += 1;
        let (identity, issuer) = &signers[&r.series];
        let result = keyless::verify(
            &r.bundle,
            Artifact::Sha256(r.sha256),
            &policy(identity, issuer),
            &root,
        );
        match result {
            Ok(v)
                if v.identity.as_deref() == Some(identity.as_str())
                    && v.certificate_checked
                    && v.sct_checked
                    && v.tlog_checked
                    && v.integrated_time.is_some() => {}
            Ok(v) => failures.push(format!("{}: incomplete {v:?}", r.name)),
            Err(e) => failures.push(format!("{}: {e}", r.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    let expected = [
        ("application/vnd.dev.sigstore.bundle+json;version=0.1", 316),
        ("application/vnd.dev.sigstore.bundle+json;version=0.2", 30),
        ("application/vnd.dev.sigstore.bundle.v0.3+json", 149),
    ];
    let expected = expected.map(|(k, n)| (k.to_owned(), n)).into();
    assert_eq!(versions, expected);
}

/// A release manager other than `identity` (the series' own).
fn other_signer<'a>(
    signers: &'a BTreeMap<String, (String, String)>,
    identity: &str,
) -> &'a (String, String) {
    signers.values().find(|(i, _)| i != identity).unwrap()
}

#[test]
fn cpython_wrong_signer_is_an_identity_or_issuer_mismatch() {
    let Some(dir) = corpus() else { return };
    let (all, signers, root) = (releases(&dir), signers(&dir), production(&dir));
    let mut first_of_series = BTreeMap::new();
    for r in &all {
        first_of_series.entry(r.series.clone()).or_insert(r);
    }
    assert_eq!(
        first_of_series.len(),
        signers.len(),
        "one bundle per series"
    );
    let mut wrong = Vec::new();
    for (series, r) in &first_of_series {
        let (identity, issuer) = &signers[series];
        let (other, _) = other_signer(&signers, identity);
        let other_issuer = signers.values().find(|(_, u)| u != issuer).unwrap();
        let artifact = Artifact::Sha256(r.sha256);
        let checks = [
            (policy(other, issuer), Step::IdentityMismatch),
            (policy(identity, &other_issuer.1), Step::IssuerMismatch),
        ];
        for (policy, step) in checks {
            let result = keyless::verify(&r.bundle, artifact, &policy, &root);
            if !matches!(&result, Err(e) if e.step == step) {
                wrong.push(format!("{}: {:?} wanted {step:?}", r.name, result));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Message-signature bundles carry the artifact's digest (`messageDigest`), which is compared
/// before the signature is checked: a different digest is an artifact mismatch.
#[test]
fn cpython_wrong_digest_is_an_artifact_mismatch() {
    let Some(dir) = corpus() else { return };
    let (all, signers, root) = (releases(&dir), signers(&dir), production(&dir));
    let mut wrong = Vec::new();
    for (n, r) in all.iter().enumerate() {
        let (identity, issuer) = &signers[&r.series];
        let mut digest = r.sha256;
        digest[n % 32] ^= 1 << (n % 8);
        let result = keyless::verify(
            &r.bundle,
            Artifact::Sha256(digest),
            &policy(identity, issuer),
            &root,
        );
        if !matches!(&result, Err(e) if e.step == Step::ArtifactMismatch) {
            wrong.push(format!("{}: {:?}", r.name, result));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The embedded production root is the corpus one: one bundle per series verifies with it.
#[test]
fn cpython_verifies_with_the_embedded_production_root() {
    let Some(dir) = corpus() else { return };
    let (all, signers) = (releases(&dir), signers(&dir));
    let root = TrustRoot::production().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for r in all.iter().filter(|r| seen.insert(r.series.clone())) {
        let (identity, issuer) = &signers[&r.series];
        let p = policy(identity, issuer);
        let result = keyless::verify(&r.bundle, Artifact::Sha256(r.sha256), &p, &root);
        assert!(result.is_ok(), "{}: {:?}", r.name, result);
    }
    assert_eq!(seen.len(), signers.len());
}

// ---------------------------------------------------------------------------------------------
// Ground truth (corpus README, sigstore-python 4.5.1)

#[derive(Clone, Copy, Debug)]
enum Root {
    Production,
    Staging,
    /// `sigstore-python/tsa/trust_config.json`.
    Tsa,
}

#[derive(Clone, Copy, Debug)]
enum Subject {
    /// The artifact is this corpus file (checked as bytes and as `sha256:`).
    File(&'static str),
    /// Only its SHA-256 is known.
    Digest(&'static str),
    /// A DSSE bundle: the first sha256 subject of its in-toto Statement.
    StatementSha256,
    /// A DSSE bundle whose subjects have only sha512 digests, which `Artifact` cannot name.
    StatementSha512,
}

use Root::{Production, Staging, Tsa};
use Subject::{Digest, File, StatementSha256, StatementSha512};

struct Row {
    bundle: &'static str,
    root: Root,
    identity: &'static str,
    issuer: &'static str,
    subject: Subject,
    /// `None`: verifies.
    fails_at: Option<Step>,
}

const fn row(
    bundle: &'static str,
    root: Root,
    (identity, issuer): (&'static str, &'static str),
    subject: Subject,
    fails_at: Option<Step>,
) -> Row {
    Row {
        bundle,
        root,
        identity,
        issuer,
        subject,
        fails_at,
    }
}

const OAUTH: &str = "https://github.com/login/oauth";
const GHA: &str = "https://token.actions.githubusercontent.com";
const A_TNY: (&str, &str) = ("a@tny.town", OAUTH);
const YOSSARIAN: (&str, &str) = ("william@yossarian.net", OAUTH);
const RFC8785: (&str, &str) = (
    "https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2",
    GHA,
);
const CHALLANDE: (&str, &str) = (
    "alexis.challande@trailofbits.com",
    "https://accounts.google.com",
);
const JKU: (&str, &str) = ("jku@goto.fi", OAUTH);
const VOLLPRECHT: (&str, &str) = ("w.vollprecht@gmail.com", OAUTH);
const PREFIX_DEV: (&str, &str) = (
    "https://github.com/prefix-dev/sigstore-example/.github/workflows/action.yaml@refs/heads/main",
    GHA,
);
const SOYLAND: (&str, &str) = ("cody@soyland.com", OAUTH);
const DEHAMER: (&str, &str) = ("brian@dehamer.com", OAUTH);
const JS_RELEASE: (&str, &str) = (
    "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
    GHA,
);

const OK: Option<Step> = None;
const PARSE: Option<Step> = Some(Step::MalformedBundle);
/// sha512-only subjects checked against a SHA-256: every check before the artifact binding
/// passes, then the binding fails since the subject has no SHA-256 (they verify by their
/// SHA-512 in `sha512_subjects_verify_by_their_digest`).
const UNBOUND: Option<Step> = Some(Step::ArtifactMismatch);

const CONDA: &str =
    "sigstore-rust/sigstore-verify__test_data__bundles__conda-attestation.sigstore.json";
const CONDA_SHA256: &str = "54303491a8418fbed24344b513546182c29b43bf282ceb433af65e2299f9271f";

/// The README table, one line per bundle.
#[rustfmt::skip]
const GROUND_TRUTH: &[Row] = &[
    row("sigstore-python/bundle.txt.sigstore", Staging, A_TNY, File("sigstore-python/bundle.txt"), OK),
    row("sigstore-python/bundle_v3.txt.sigstore", Staging, YOSSARIAN, File("sigstore-python/bundle_v3.txt"), OK),
    row("sigstore-python/bundle_v3_alt.txt.sigstore", Staging, YOSSARIAN, File("sigstore-python/bundle_v3_alt.txt"), OK),
    // The log entry is for another signature (CVE-2022-36056).
    row("sigstore-python/bundle_cve_2022_36056.txt.sigstore", Staging, YOSSARIAN, File("sigstore-python/bundle_cve_2022_36056.txt"), Some(Step::TlogEntry)),
    row("sigstore-python/bundle_invalid_version.txt.sigstore", Staging, YOSSARIAN, File("sigstore-python/bundle_invalid_version.txt"), PARSE),
    row("sigstore-python/bundle_no_checkpoint.txt.sigstore", Staging, YOSSARIAN, File("sigstore-python/bundle_no_checkpoint.txt"), PARSE),
    row("sigstore-python/bundle_no_log_entry.txt.sigstore", Staging, YOSSARIAN, File("sigstore-python/bundle_no_log_entry.txt"), PARSE),
    row("sigstore-python/bundle_v3_no_signed_time.txt.sigstore.json", Staging, YOSSARIAN, File("sigstore-python/bundle_v3_no_signed_time.txt"), PARSE),
    row("sigstore-python/bundle_v3_github.whl.sigstore", Production, RFC8785, Digest("c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"), OK),
    // Its RFC 3161 timestamp does not verify (the trust config's TSA chain was re-issued after
    // it); like sigstore-python, assay sets it aside and uses the promised log time (see
    // `tsa_bundle_verifies_on_the_log_time`).
    row("sigstore-python/tsa/bundle.txt.sigstore", Tsa, CHALLANDE, File("sigstore-python/tsa/bundle.txt"), OK),
    row("sigstore-python/staging-rekor-v2.txt.sigstore.json", Staging, JKU, File("sigstore-python/staging-rekor-v2.txt"), OK),
    row("sigstore-rust/sigstore-verify__test_data__bundles__cosign-v3-blob.sigstore.json", Production, VOLLPRECHT, File("sigstore-rust/sigstore-verify__test_data__bundles__cosign-v3-blob.txt"), OK),
    row(CONDA, Production, PREFIX_DEV, Digest(CONDA_SHA256), OK),
    // In-toto Statement v0.1, which sigstore-python refuses; its subject has a sha256.
    row("cosign/oci-attestation.sigstore.json", Production, SOYLAND, StatementSha256, OK),
    row("sigstore-js/bundleV01-dsse-no-proof.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV01-dsse-with-proof.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV01-full-cert-chain.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV01-intoto-no-proof.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV01-intoto-with-proof.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV02-dsse.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV02-intoto.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV03-dsse.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-js/bundleV03-intoto.sigstore", Production, DEHAMER, StatementSha512, UNBOUND),
    row("sigstore-go/examples__bundle-provenance.json", Production, JS_RELEASE, StatementSha512, UNBOUND),
    row("sigstore-go/pkg__testing__data__bundles__sigstore.js@2.0.0-provenance.sigstore.json", Production, JS_RELEASE, StatementSha512, UNBOUND),
    row("sigstore-go/pkg__testing__data__bundles__dsse.sigstore.json", Production, DEHAMER, StatementSha512, UNBOUND),
    // A bundle's DSSE envelope carries exactly one signature (protobuf-specs `Bundle.content`).
    row("sigstore-go/pkg__testing__data__bundles__dsse-2sigs.sigstore.json", Production, DEHAMER, StatementSha512, PARSE),
];

/// The decoded in-toto Statement of a DSSE bundle.
fn statement(bundle: &[u8]) -> Value {
    let v: Value = serde_json::from_slice(bundle).unwrap();
    let payload = v["dsseEnvelope"]["payload"].as_str().unwrap();
    serde_json::from_slice(&STANDARD.decode(payload).unwrap()).unwrap()
}

/// The first subject digest of `algorithm`, decoded.
fn subject_digest(bundle: &[u8], algorithm: &str) -> Option<Vec<u8>> {
    let statement = statement(bundle);
    let subjects = statement["subject"].as_array().unwrap();
    let hex = subjects
        .iter()
        .find_map(|s| s["digest"][algorithm].as_str());
    hex.map(|h| hex::decode(h).unwrap())
}

/// An artifact to check a row against: a label, then its bytes or its SHA-256.
type Input = (String, Result<Vec<u8>, [u8; 32]>);

/// The artifacts a row is checked against (a file as its bytes and as its digest).
fn inputs(dir: &Path, row: &Row, bundle: &[u8]) -> Vec<Input> {
    match row.subject {
        File(f) => {
            let bytes = read(dir, f);
            let digest = sha256(&bytes);
            vec![
                (f.to_owned(), Ok(bytes)),
                (format!("sha256 of {f}"), Err(digest)),
            ]
        }
        Digest(h) => vec![(format!("sha256:{h}"), Err(unhex32(h)))],
        StatementSha256 => {
            let d = subject_digest(bundle, "sha256").unwrap();
            let label = format!("subject sha256:{}", hex::encode(&d));
            vec![(label, Err(d.try_into().unwrap()))]
        }
        StatementSha512 => {
            assert!(subject_digest(bundle, "sha256").is_none(), "{}", row.bundle);
            vec![("a sha256 (the subject has none)".to_owned(), Err([0; 32]))]
        }
    }
}

fn row_root(dir: &Path, root: Root) -> TrustRoot {
    match root {
        Production => production(dir),
        Staging => staging(dir),
        Tsa => tsa_root(dir),
    }
}

/// Whether the result is the row's verdict.
fn agrees(row: &Row, result: &Result<keyless::Verified, KeylessError>) -> bool {
    match (row.fails_at, result) {
        (None, Ok(v)) => v.identity.as_deref() == Some(row.identity),
        (Some(step), Err(e)) => e.step == step,
        _ => false,
    }
}

#[test]
fn ground_truth_table() {
    let Some(dir) = corpus() else { return };
    let (mut wrong, mut checked) = (Vec::new(), 0);
    for row in GROUND_TRUTH {
        let bundle = read(&dir, row.bundle);
        let root = row_root(&dir, row.root);
        let p = policy(row.identity, row.issuer);
        for (what, input) in inputs(&dir, row, &bundle) {
            let artifact = match &input {
                Ok(bytes) => Artifact::Bytes(bytes),
                Err(digest) => Artifact::Sha256(*digest),
            };
            let result = keyless::verify(&bundle, artifact, &p, &root);
            eprintln!(
                "{} [{:?}] vs {what}: {}",
                row.bundle,
                row.root,
                outcome(&result)
            );
            if !agrees(row, &result) {
                wrong.push(format!(
                    "{} vs {what}: wanted {:?}, got {result:?}",
                    row.bundle, row.fails_at
                ));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let files = GROUND_TRUTH.iter().filter(|r| matches!(r.subject, File(_)));
    assert_eq!(
        checked,
        GROUND_TRUTH.len() + files.count(),
        "files: bytes and digest"
    );
}

/// The TSA row: neither of its two timestamps verifies against the trust config's authority
/// (one is signed by a TSA certificate it does not hold, the other is over another message),
/// so both are set aside with their reasons, and the bundle verifies on the Rekor entry's
/// promised time alone.
#[test]
fn tsa_bundle_verifies_on_the_log_time() {
    let Some(dir) = corpus() else { return };
    let json = read(&dir, "sigstore-python/tsa/bundle.txt.sigstore");
    let artifact = read(&dir, "sigstore-python/tsa/bundle.txt");
    let p = policy(CHALLANDE.0, CHALLANDE.1);
    let verified = keyless::verify(&json, Artifact::Bytes(&artifact), &p, &tsa_root(&dir)).unwrap();
    let time = verified.integrated_time.unwrap();
    assert_eq!(verified.signed_times, [time]);
    let skipped = &verified.skipped_timestamps;
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].contains("signer does not match"), "{skipped:?}");
    assert!(skipped[1].contains("hash mismatch"), "{skipped:?}");
}

/// Setting a timestamp aside needs another signed time: without the entry's inclusion promise
/// (the proof stays, so the bundle is well formed) there is none, and the bundle is refused at
/// the timestamp; with a tampered promise the log time is no evidence either. A timestamp that
/// verifies is kept, and a certificate must be valid at its time too: the conformance case
/// `intoto-tsa-timestamp-outside-cert-validity_fail` (whose timestamp verifies) stays refused
/// at the chain (`keyless_conformance.rs`).
#[test]
fn tsa_fallback_needs_a_promised_log_time() {
    let Some(dir) = corpus() else { return };
    let artifact = read(&dir, "sigstore-python/tsa/bundle.txt");
    let p = policy(CHALLANDE.0, CHALLANDE.1);
    let root = tsa_root(&dir);
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut bundle = json(&dir, "sigstore-python/tsa/bundle.txt.sigstore");
        f(&mut bundle["verificationMaterial"]["tlogEntries"][0]);
        let bytes = serde_json::to_vec(&bundle).unwrap();
        keyless::verify(&bytes, Artifact::Bytes(&artifact), &p, &root).unwrap_err()
    };
    let no_promise = edit(&|entry| {
        entry
            .as_object_mut()
            .unwrap()
            .remove("inclusionPromise")
            .unwrap();
    });
    assert_eq!(no_promise.step, Step::Timestamp, "{no_promise}");
    let backdated = edit(&|entry| {
        let time: i64 = entry["integratedTime"].as_str().unwrap().parse().unwrap();
        entry["integratedTime"] = serde_json::json!((time - 60).to_string());
    });
    assert_eq!(backdated.step, Step::TlogSet, "{backdated}");
}

/// The sha512-only rows (except the malformed one), verified by their subject's SHA-512
/// (`Artifact::Sha512`): they pass, as the ground truth says they should when checked by
/// statement subject. Three of them (sigstore-js `bundleV01-full-cert-chain`, sigstore-go
/// `dsse` and `bundle-provenance`) ship their chain's root, which the bundle format forbids but
/// the reference clients accept (sigstore-python warns); they are the trusted root's own CA
/// certificates (see `shipped_chain_must_be_the_trusted_roots`).
#[test]
fn sha512_subjects_verify_by_their_digest() {
    let Some(dir) = corpus() else { return };
    let root = production(&dir);
    let rows = GROUND_TRUTH
        .iter()
        .filter(|r| matches!(r.subject, StatementSha512));
    let (mut failures, mut checked) = (Vec::new(), 0);
    for row in rows.filter(|r| r.fails_at != PARSE) {
        let json = read(&dir, row.bundle);
        let digest: [u8; 64] = subject_digest(&json, "sha512").unwrap().try_into().unwrap();
        let p = policy(row.identity, row.issuer);
        match keyless::verify(&json, Artifact::Sha512(digest), &p, &root) {
            Ok(v) if v.identity.as_deref() == Some(row.identity) => {}
            other => failures.push(format!("{}: {other:?}", row.bundle)),
        }
        let mut wrong = digest;
        wrong[0] ^= 1;
        if keyless::verify(&json, Artifact::Sha512(wrong), &p, &root).is_ok() {
            failures.push(format!("{}: verified against a wrong SHA-512", row.bundle));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 12);
}

/// sigstore-js's full-chain v0.1 bundle ships the production intermediate and root after its
/// leaf. Without them it verifies the same; with the staging instance's root or intermediate
/// in their place (certificates the production root does not hold) it is refused at the
/// chain, naming the certificate.
#[test]
fn shipped_chain_must_be_the_trusted_roots() {
    let Some(dir) = corpus() else { return };
    let production_root = production(&dir);
    let bundle = json(&dir, "sigstore-js/bundleV01-full-cert-chain.sigstore");
    let digest: [u8; 64] = subject_digest(
        &read(&dir, "sigstore-js/bundleV01-full-cert-chain.sigstore"),
        "sha512",
    )
    .unwrap()
    .try_into()
    .unwrap();
    let staging_cas = json(&dir, "trust/staging/trusted_root.json")["certificateAuthorities"][0]
        ["certChain"]["certificates"]
        .clone();
    let with_chain = |edit: &dyn Fn(&mut Vec<Value>)| {
        let mut bundle = bundle.clone();
        let certs = bundle["verificationMaterial"]["x509CertificateChain"]["certificates"]
            .as_array_mut()
            .unwrap();
        edit(certs);
        let bytes = serde_json::to_vec(&bundle).unwrap();
        let p = policy(DEHAMER.0, DEHAMER.1);
        keyless::verify(&bytes, Artifact::Sha512(digest), &p, &production_root)
    };
    assert!(with_chain(&|_| {}).is_ok());
    assert!(with_chain(&|certs| certs.truncate(1)).is_ok());
    for (index, staging) in staging_cas.as_array().unwrap().iter().enumerate() {
        let err = with_chain(&|certs| certs[2 - index] = staging.clone()).unwrap_err();
        assert_eq!(err.step, Step::CertificateChain, "{err}");
        assert!(
            err.detail.contains(&format!("certificate {}", 2 - index)),
            "{err}"
        );
    }
    let err = with_chain(&|certs| certs.push(staging_cas[1].clone())).unwrap_err();
    assert!(err.detail.contains("self-signed root"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Mutations of signed fields

/// How a field is changed.
#[derive(Clone, Copy, Debug)]
enum Change {
    /// Base64: decode, flip one bit, re-encode.
    Bit,
    /// A decimal integer string: one digit replaced by another.
    Digit,
    /// A checkpoint (signed note): one bit of one character of the signed text, which ends at
    /// the blank line, flipped (it stays ASCII). The signature lines' names are not signed.
    NoteText,
    /// A checkpoint: one bit of the first signature (key hint and signature) flipped.
    NoteSignature,
    /// An RFC 3161 token: one bit of its TSTInfo (the signed content: time, message imprint,
    /// serial, nonce) flipped. Other parts of the CMS structure, such as the certificates it
    /// embeds, are not signed and not used.
    TokenContent,
    /// An RFC 3161 token: one bit of the last 32 bytes, inside the signature value (tokens
    /// without unsigned attributes end with it), flipped.
    TokenSignature,
}

fn flip_bit(text: &str, rng: &mut Rng) -> String {
    flip_bit_in(text, |bytes| 0..bytes.len(), rng)
}

fn change_digit(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = rng.below(bytes.len());
    let digit = bytes[at] - b'0';
    bytes[at] = b'0' + (digit + 1 + rng.below(9) as u8) % 10;
    String::from_utf8(bytes).unwrap()
}

fn change_note_text(note: &str, rng: &mut Rng) -> String {
    let signed = note.find("\n\n").unwrap() + 1;
    let mut bytes = note.as_bytes().to_vec();
    let at = rng.below(signed);
    assert!(bytes[at].is_ascii());
    bytes[at] ^= 1 << rng.below(7);
    String::from_utf8(bytes).unwrap()
}

/// Signature lines read `— <name> <base64>`.
fn change_note_signature(note: &str, rng: &mut Rng) -> String {
    let (text, lines) = note.split_at(note.find("\n\n").unwrap() + 2);
    let line = lines.lines().next().unwrap();
    let (prefix, signature) = line.rsplit_once(' ').unwrap();
    let rest = &lines[line.len()..];
    format!("{text}{prefix} {}{rest}", flip_bit(signature, rng))
}

/// The DER length at `bytes[at..]`: (length, bytes the length itself takes).
fn der_length(bytes: &[u8], at: usize) -> (usize, usize) {
    match bytes[at] {
        n if n < 0x80 => (n as usize, 1),
        0x81 => (bytes[at + 1] as usize, 2),
        0x82 => ((bytes[at + 1] as usize) << 8 | bytes[at + 2] as usize, 3),
        other => panic!("unexpected DER length byte {other:#x}"),
    }
}

/// The range of a token's TSTInfo: the `[0] { OCTET STRING }` after the first
/// `id-smime-ct-TSTInfo` OID (1.2.840.113549.1.9.16.1.4), the encapsulated content's type.
fn tst_info(token: &[u8]) -> std::ops::Range<usize> {
    const OID: &[u8] = &[
        0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04,
    ];
    let oid = token.windows(OID.len()).position(|w| w == OID).unwrap();
    let explicit = oid + OID.len();
    assert_eq!(token[explicit], 0xa0);
    let (_, skip) = der_length(token, explicit + 1);
    let octets = explicit + 1 + skip;
    assert_eq!(token[octets], 0x04);
    let (len, skip) = der_length(token, octets + 1);
    let start = octets + 1 + skip;
    start..start + len
}

/// Base64 `text` with one bit flipped inside `range` of its decoded bytes.
fn flip_bit_in(
    text: &str,
    range: impl Fn(&[u8]) -> std::ops::Range<usize>,
    rng: &mut Rng,
) -> String {
    let mut bytes = STANDARD.decode(text).unwrap();
    let range = range(&bytes);
    let bit = rng.below(range.len() * 8);
    bytes[range.start + bit / 8] ^= 1 << (bit % 8);
    STANDARD.encode(bytes)
}

fn mutate(text: &str, change: Change, rng: &mut Rng) -> String {
    match change {
        Change::TokenContent => flip_bit_in(text, tst_info, rng),
        Change::TokenSignature => flip_bit_in(text, |t| t.len() - 32..t.len(), rng),
        Change::Bit => flip_bit(text, rng),
        Change::Digit => change_digit(text, rng),
        Change::NoteText => change_note_text(text, rng),
        Change::NoteSignature => change_note_signature(text, rng),
    }
}

/// A signed field: a JSON pointer (to a string, or to an array of strings of which one is
/// changed each time) and how to change it.
struct Field {
    pointer: String,
    change: Change,
}

/// The signed fields of a bundle. The inclusion proof's `treeSize` is among them: the verifier
/// recomputes the root with it, and `keyless` also requires it to equal the size the
/// checkpoint signs (a changed size can lead to the same root).
fn signed_fields(bundle: &Value) -> Vec<Field> {
    let e = "/verificationMaterial/tlogEntries/0";
    let field = |pointer: String, change| Field { pointer, change };
    let mut fields = vec![
        field(format!("{e}/canonicalizedBody"), Change::Bit),
        field(
            format!("{e}/inclusionPromise/signedEntryTimestamp"),
            Change::Bit,
        ),
        field(format!("{e}/inclusionProof/rootHash"), Change::Bit),
        field(format!("{e}/inclusionProof/hashes"), Change::Bit),
        field(format!("{e}/inclusionProof/logIndex"), Change::Digit),
        field(format!("{e}/inclusionProof/treeSize"), Change::Digit),
        field(
            format!("{e}/inclusionProof/checkpoint/envelope"),
            Change::NoteText,
        ),
        field(
            format!("{e}/inclusionProof/checkpoint/envelope"),
            Change::NoteSignature,
        ),
        field(format!("{e}/integratedTime"), Change::Digit),
        field(format!("{e}/logIndex"), Change::Digit),
    ];
    let content = [
        "/verificationMaterial/certificate/rawBytes",
        "/verificationMaterial/x509CertificateChain/certificates/0/rawBytes",
        "/messageSignature/signature",
        "/messageSignature/messageDigest/digest",
        "/dsseEnvelope/signatures/0/sig",
        "/dsseEnvelope/payload",
    ];
    fields.extend(content.map(|p| field(p.to_owned(), Change::Bit)));
    let token =
        "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp";
    fields.push(field(token.to_owned(), Change::TokenContent));
    fields.push(field(token.to_owned(), Change::TokenSignature));
    fields.retain(|f| bundle.pointer(&f.pointer).is_some());
    fields
}

/// A passing bundle, its artifact's digest, its signer and its instance.
struct Passing {
    what: &'static str,
    bundle: Value,
    digest: [u8; 32],
    signer: (String, String),
    root: Root,
}

fn passing(dir: &Path) -> Vec<Passing> {
    let (all, signers) = (releases(dir), signers(dir));
    let cpython = |what, suffix: &str| {
        let r = all
            .iter()
            .find(|r| media_type(&r.bundle).ends_with(suffix))
            .unwrap();
        let bundle = serde_json::from_slice(&r.bundle).unwrap();
        let signer = signers[&r.series].clone();
        Passing {
            what,
            bundle,
            digest: r.sha256,
            signer,
            root: Production,
        }
    };
    let conda = Passing {
        what: "conda DSSE attestation (v0.3)",
        bundle: json(dir, CONDA),
        digest: unhex32(CONDA_SHA256),
        signer: (PREFIX_DEV.0.to_owned(), PREFIX_DEV.1.to_owned()),
        root: Production,
    };
    let rekor_v2 = Passing {
        what: "Rekor v2 message signature with an RFC 3161 timestamp (v0.3)",
        bundle: json(dir, "sigstore-python/staging-rekor-v2.txt.sigstore.json"),
        digest: sha256(&read(dir, "sigstore-python/staging-rekor-v2.txt")),
        signer: (JKU.0.to_owned(), JKU.1.to_owned()),
        root: Staging,
    };
    vec![
        cpython("CPython v0.1 message signature", "version=0.1"),
        cpython("CPython v0.3 message signature", "v0.3+json"),
        conda,
        rekor_v2,
    ]
}

const MUTATIONS_PER_FIELD: usize = 20;

/// `case` with `field` changed once.
fn mutated(case: &Passing, field: &Field, rng: &mut Rng) -> (Vec<u8>, String) {
    let mut bundle = case.bundle.clone();
    let mut target = bundle.pointer_mut(&field.pointer).unwrap();
    if let Value::Array(items) = target {
        let i = rng.below(items.len());
        target = &mut items[i];
    }
    let original = target.as_str().unwrap().to_owned();
    let changed = mutate(&original, field.change, rng);
    assert_ne!(changed, original, "{}: nothing changed", field.pointer);
    *target = Value::String(changed.clone());
    (serde_json::to_vec(&bundle).unwrap(), changed)
}

/// Mutates `field` of `case` MUTATIONS_PER_FIELD times: the step that refused each mutation,
/// and the mutations that verified.
fn mutate_field(
    case: &Passing,
    root: &TrustRoot,
    field: &Field,
    rng: &mut Rng,
) -> (Vec<Step>, Vec<String>) {
    let p = policy(&case.signer.0, &case.signer.1);
    let (mut steps, mut escaped) = (Vec::new(), Vec::new());
    for _ in 0..MUTATIONS_PER_FIELD {
        let (json, changed) = mutated(case, field, rng);
        match keyless::verify(&json, Artifact::Sha256(case.digest), &p, root) {
            Err(e) => steps.push(e.step),
            Ok(_) => escaped.push(format!("{}: {} = {changed:?}", case.what, field.pointer)),
        }
    }
    (steps, escaped)
}

#[test]
fn mutating_any_signed_field_fails() {
    let Some(dir) = corpus() else { return };
    let mut rng = Rng(0x5eed_a55a_1234_5678);
    let (mut escaped, mut runs, mut by_step) = (Vec::new(), 0, BTreeMap::<Step, usize>::new());
    let mut fields = 0;
    for case in passing(&dir) {
        let root = row_root(&dir, case.root);
        let json = serde_json::to_vec(&case.bundle).unwrap();
        let p = policy(&case.signer.0, &case.signer.1);
        let baseline = keyless::verify(&json, Artifact::Sha256(case.digest), &p, &root);
        assert!(
            baseline.is_ok(),
            "{} must verify unchanged: {baseline:?}",
            case.what
        );
        for field in signed_fields(&case.bundle) {
            let (steps, verified) = mutate_field(&case, &root, &field, &mut rng);
            runs += steps.len() + verified.len();
            steps
                .into_iter()
                .for_each(|s| *by_step.entry(s).or_default() += 1);
            escaped.extend(verified);
            fields += 1;
        }
    }
    eprintln!("{runs} mutations of {fields} fields, refused at: {by_step:?}");
    assert!(
        escaped.is_empty(),
        "{} of {runs} verified:\n{}",
        escaped.len(),
        escaped.join("\n")
    );
    assert_eq!(
        fields,
        3 * 13 + 13,
        "signed fields: 10 of a Rekor v1 entry and 3 of the content; 8 of a Rekor v2 entry, 3 \
         of the content and 2 of the timestamp"
    );
    assert_eq!(runs, fields * MUTATIONS_PER_FIELD);
}
