//! cosign-style storage over an OCI layout repository (no registry needed): both schemes are
//! written and read, verification outcomes form a truth table (nothing attached, wrong key,
//! right key, other predicate type), and the read budget is enforced.

use std::collections::BTreeMap;

use assay_attest::cosign::image::{self, Storage, Subject, Trust, WriteOptions};
use assay_attest::cosign::legacy::{self, Suffix};
use assay_attest::cosign::{CosignError, Limits};
use assay_attest::keys::{Algorithm, SigningKey};
use assay_oci::store::{LayoutRepo, Repository};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A layout holding one small image tagged `app`, and that image as the subject.
fn setup() -> (tempfile::TempDir, LayoutRepo, Subject) {
    let dir = tempfile::tempdir().unwrap();
    let repo = LayoutRepo::create(&dir.path().join("layout")).unwrap();
    let config = b"{}";
    let config_digest = assay_core::Digest::sha256(config);
    repo.put_blob(&config_digest, config).unwrap();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": 2},
        "layers": [],
    });
    repo.put_manifest(
        Some("app"),
        OCI_MANIFEST,
        &serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    let subject = image::resolve(&repo, "app", "registry.example/app").unwrap();
    (dir, repo, subject)
}

fn options(storage: Storage, replace: bool) -> WriteOptions {
    WriteOptions {
        storage,
        replace,
        created: "2024-01-01T00:00:00Z".to_owned(),
    }
}

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::EcdsaP256).unwrap()
}

#[test]
fn signature_truth_table() {
    let (_dir, repo, subject) = setup();
    let (signer, stranger) = (key(), key());
    let verify = |k: &SigningKey| {
        image::verify_signatures(
            &repo,
            &subject,
            Trust::Keys(&[k.verifying_key()]),
            &mut Limits::default(),
        )
        .unwrap()
    };
    // Nothing attached: nothing verified, nothing rejected.
    let none = verify(&signer);
    assert!(none.verified.is_empty() && none.rejected.is_empty());

    let annotations = BTreeMap::new();
    image::sign(
        &repo,
        &subject,
        &signer,
        &annotations,
        &options(Storage::Both, false),
    )
    .unwrap();
    let good = verify(&signer);
    assert_eq!(good.verified.len(), 2, "one per scheme");
    assert!(good.rejected.is_empty());
    assert!(
        good.verified
            .iter()
            .all(|v| v.claim.digest == subject.digest)
    );

    let wrong = verify(&stranger);
    assert!(wrong.verified.is_empty());
    assert_eq!(wrong.rejected.len(), 2);
}

#[test]
fn re_signing_with_the_same_key_adds_no_layer() {
    let (_dir, repo, subject) = setup();
    let signer = key();
    let annotations = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
    let first = image::sign(
        &repo,
        &subject,
        &signer,
        &annotations,
        &options(Storage::Legacy, false),
    )
    .unwrap();
    let second = image::sign(
        &repo,
        &subject,
        &signer,
        &annotations,
        &options(Storage::Legacy, false),
    )
    .unwrap();
    assert!(first.legacy.as_ref().unwrap().appended);
    assert!(!second.legacy.as_ref().unwrap().appended);
    image::sign(
        &repo,
        &subject,
        &key(),
        &annotations,
        &options(Storage::Legacy, false),
    )
    .unwrap();
    let (_, layers) = legacy::list(&repo, &subject.digest, Suffix::Sig)
        .unwrap()
        .unwrap();
    assert_eq!(layers.len(), 2, "a second key does add one");
    let checked = image::verify_signatures(
        &repo,
        &subject,
        Trust::Keys(&[signer.verifying_key()]),
        &mut Limits::default(),
    )
    .unwrap();
    assert_eq!(checked.verified.len(), 1);
    assert_eq!(checked.verified[0].claim.optional, annotations);
}

#[test]
fn attestations_filter_by_verified_type_and_replace() {
    let (_dir, repo, subject) = setup();
    let signer = key();
    let keys = [signer.verifying_key()];
    // ECDSA signing is deterministic (RFC 6979): a counter keeps each attestation distinct.
    let counter = std::cell::Cell::new(0);
    let attest = |t: &str, replace: bool| {
        counter.set(counter.get() + 1);
        image::attest(
            &repo,
            &subject,
            &signer,
            t,
            serde_json::json!({"t": t, "n": counter.get()}),
            &options(Storage::Both, replace),
        )
        .unwrap()
    };
    attest("https://example.com/a", false);
    attest("https://example.com/b", false);
    attest("https://example.com/a", false);
    let check = |t: Option<&str>| {
        image::verify_attestations(
            &repo,
            &subject,
            Trust::Keys(&keys),
            t,
            &mut Limits::default(),
        )
        .unwrap()
    };
    assert_eq!(check(Some("https://example.com/a")).verified.len(), 4);
    assert_eq!(check(Some("https://example.com/b")).verified.len(), 2);
    assert_eq!(check(None).verified.len(), 6);
    let none = check(Some("https://example.com/c"));
    assert!(none.verified.is_empty() && none.rejected.is_empty());
    assert_eq!(none.other_types.len(), 6);

    let written = attest("https://example.com/a", true);
    assert_eq!(written.legacy.unwrap().replaced, 2);
    assert_eq!(written.removed_referrers.len(), 2);
    assert_eq!(check(Some("https://example.com/a")).verified.len(), 2);
    assert_eq!(check(Some("https://example.com/b")).verified.len(), 2);
}

#[test]
fn the_read_budget_is_enforced() {
    let (_dir, repo, subject) = setup();
    let signer = key();
    image::attest(
        &repo,
        &subject,
        &signer,
        "https://example.com/a",
        serde_json::json!({"pad": "x".repeat(4096)}),
        &options(Storage::Legacy, false),
    )
    .unwrap();
    let mut limits = Limits::with_max_bytes(1024);
    let err = image::verify_attestations(
        &repo,
        &subject,
        Trust::Keys(&[signer.verifying_key()]),
        None,
        &mut limits,
    )
    .unwrap_err();
    assert!(
        matches!(err, CosignError::TooMuchData { limit: 1024, .. }),
        "{err}"
    );
}

#[test]
fn a_missing_image_is_an_error() {
    let (_dir, repo, _) = setup();
    let err = image::resolve(&repo, "nope", "registry.example/app").unwrap_err();
    assert!(matches!(err, CosignError::ImageNotFound { .. }), "{err}");
}
