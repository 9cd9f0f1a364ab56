//! Sigstore bundles: every corpus bundle parses (or is refused for the defect it was made with)
//! and re-encodes to the same protobuf JSON; key-signed bundles sign and verify, and each kind
//! of tampering gives its own error.
#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assay_attest::bundle::{
    Artifact, Bundle, BundleError, BundleVersion, Content, HashAlgorithm, InclusionProof,
    KeyMaterial, KindVersion, MediaType, MessageDigest, TlogEntry, VerificationMaterial,
    VerifiedContent, attest, public_key_hint, sign_blob, verify_content, verify_with_key,
};
use assay_attest::dsse::Envelope;
use assay_attest::keys::{Algorithm, SigningKey, VerifyingKey};
use assay_attest::statement::PAYLOAD_TYPE;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const ARTIFACT: &[u8] = b"the artifact\n";

fn corpus(rel: &str) -> Option<PathBuf> {
    support::corpus(&format!("sigstore/{rel}"))
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn pem_key(path: &Path) -> VerifyingKey {
    VerifyingKey::from_pem(&fs_err::read_to_string(path).unwrap()).unwrap()
}

/// The variant's name, for tables of outcomes.
fn variant(e: &BundleError) -> &'static str {
    match e {
        BundleError::TooLarge { .. } => "TooLarge",
        BundleError::Json(_) => "Json",
        BundleError::UnknownMediaType(_) => "UnknownMediaType",
        BundleError::MissingField { .. } => "MissingField",
        BundleError::OneOf { .. } => "OneOf",
        BundleError::Base64 { .. } => "Base64",
        BundleError::BadInteger { .. } => "BadInteger",
        BundleError::UnknownHashAlgorithm { .. } => "UnknownHashAlgorithm",
        BundleError::DigestLength { .. } => "DigestLength",
        BundleError::TooMany { .. } => "TooMany",
        BundleError::EmptyField { .. } => "EmptyField",
        BundleError::Dsse(_) => "Dsse",
        BundleError::ChainInV03 => "ChainInV03",
        BundleError::NoTlogEntries => "NoTlogEntries",
        BundleError::MissingInclusionPromise { .. } => "MissingInclusionPromise",
        BundleError::MissingInclusionProof { .. } => "MissingInclusionProof",
        BundleError::MissingCheckpoint { .. } => "MissingCheckpoint",
        BundleError::MissingSignedTime { .. } => "MissingSignedTime",
        BundleError::NotKeySigned { .. } => "NotKeySigned",
        BundleError::NoSignature { .. } => "NoSignature",
        BundleError::BadSignature { .. } => "BadSignature",
        BundleError::DigestMismatch { .. } => "DigestMismatch",
        BundleError::NotASubject { .. } => "NotASubject",
        BundleError::NotAStatement { .. } => "NotAStatement",
        BundleError::Statement(_) => "Statement",
        BundleError::NeedsArtifactBytes { .. } => "NeedsArtifactBytes",
        BundleError::DigestAlgorithm { .. } => "DigestAlgorithm",
        _ => "other",
    }
}

/// Drops what protobuf's JSON mapping leaves out: null, empty strings, lists and objects, and
/// zero integers (written as `"0"` or `0`); and the line breaks of line-wrapped base64.
fn without_defaults(v: &Value) -> Option<Value> {
    let base64 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=\n".contains(&b))
    };
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() || s == "0" => None,
        Value::String(s) if s.contains('\n') && base64(s) => Some(json!(s.replace('\n', ""))),
        Value::Number(n) if n.as_u64() == Some(0) => None,
        Value::Array(items) => {
            let items: Vec<Value> = items.iter().filter_map(without_defaults).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(map) => {
            let map: serde_json::Map<String, Value> = map
                .iter()
                .filter_map(|(k, v)| without_defaults(v).map(|v| (k.clone(), v)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        other => Some(other.clone()),
    }
}

/// Parse, encode, parse again: equal values; and the encoding holds every non-default field
/// of the input, with the same JSON value.
fn assert_round_trip(what: &str, json: &[u8], bundle: &Bundle) {
    let encoded = bundle.to_json();
    let again = Bundle::from_json(&encoded).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(&again, bundle, "{what}: re-parsed bundle differs");
    let input: Value = serde_json::from_slice(json).unwrap();
    let output: Value = serde_json::from_slice(&encoded).unwrap();
    assert!(
        without_defaults(&output) == without_defaults(&input),
        "{what}: encoding differs from the input beyond default values"
    );
}

#[test]
fn conformance_bundles_parse_or_are_refused_for_their_defect() {
    let Some(dir) = corpus("conformance/bundle-verify") else {
        return;
    };
    let mut cases: Vec<PathBuf> = fs_err::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 70, "the corpus README lists 70 cases");
    let mut refused = BTreeMap::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let json = fs_err::read(case.join("bundle.sigstore.json")).unwrap();
        match Bundle::from_json(&json) {
            Ok(bundle) => assert_round_trip(&name, &json, &bundle),
            Err(e) => {
                eprintln!("{name}: refused at parse: {e}");
                refused.insert(name, variant(&e));
            }
        }
    }
    // Every passing case parses; these failing cases are refused at parse, for the defect
    // named; the other failing cases parse and must fail later (signatures, tlog, certificates).
    let expected = BTreeMap::from([
        ("bundle-empty-certificate-chain_fail", "EmptyField"),
        ("bundle-invalid-base64-signature_fail", "Base64"),
        ("bundle-malformed-json_fail", "Json"),
        ("bundle-negative-log-index_fail", "BadInteger"),
        ("bundle-unknown-version_fail", "UnknownMediaType"),
        (
            "intoto-missing-inclusion-proof_fail",
            "MissingInclusionProof",
        ),
        ("invalid-inclusion-proof_fail", "MissingCheckpoint"),
        ("rekor2-no-inclusion-proof_fail", "MissingInclusionProof"),
        ("rekor2-no-timestamp_fail", "MissingSignedTime"),
    ]);
    let refused: BTreeMap<&str, &str> = refused.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(refused, expected);
}

#[test]
fn line_wrapped_base64_reads_as_protojson_does() {
    // This case's timestamp was pasted from `base64` output, wrapped at 76 columns; Go's and
    // Python's decoders skip the line breaks, and so does this one.
    let Some(path) = corpus(
        "conformance/bundle-verify/rekor2-timestamp-with-incorrect-time_fail/bundle.sigstore.json",
    ) else {
        return;
    };
    let json = fs_err::read(path).unwrap();
    let text: Value = serde_json::from_slice(&json).unwrap();
    let wrapped = text["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
        ["signedTimestamp"]
        .as_str()
        .unwrap();
    assert!(wrapped.contains('\n'));
    let bundle = Bundle::from_json(&json).unwrap();
    let der = STANDARD.decode(wrapped.replace('\n', "")).unwrap();
    assert_eq!(bundle.verification_material().timestamps, vec![der]);
}

#[test]
fn cpython_release_bundles_all_parse_and_name_their_artifact() {
    let Some(dir) = corpus("cpython-release-tracker/versions") else {
        return;
    };
    let mut versions = BTreeMap::new();
    for file in fs_err::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let releases: Vec<Value> = serde_json::from_slice(&fs_err::read(&path).unwrap()).unwrap();
        // Older releases have no bundle (only a GPG signature).
        for release in releases.iter().filter(|r| r.get("sigstore").is_some()) {
            let what = release["url"].as_str().unwrap().to_owned();
            let json = serde_json::to_vec(&release["sigstore"]).unwrap();
            let bundle = Bundle::from_json(&json).unwrap_or_else(|e| panic!("{what}: {e}"));
            *versions.entry(bundle.version()).or_insert(0) += 1;
            let Content::MessageSignature {
                digest: Some(digest),
                ..
            } = bundle.content()
            else {
                panic!("{what}: expected a message signature with a digest");
            };
            assert_eq!(digest.algorithm, HashAlgorithm::Sha2_256, "{what}");
            assert_eq!(
                digest.digest,
                unhex(release["sha256"].as_str().unwrap()),
                "{what}"
            );
            assert_round_trip(&what, &json, &bundle);
        }
    }
    let expected = BTreeMap::from([
        (BundleVersion::V0_1, 316),
        (BundleVersion::V0_2, 30),
        (BundleVersion::V0_3, 149),
    ]);
    assert_eq!(versions, expected);
}

#[test]
fn malformed_sigstore_python_bundles_are_refused_with_their_rule() {
    let cases = [
        ("bundle_invalid_version.txt.sigstore", "UnknownMediaType"),
        ("bundle_no_checkpoint.txt.sigstore", "MissingCheckpoint"),
        ("bundle_no_log_entry.txt.sigstore", "NoTlogEntries"),
        (
            "bundle_v3_no_signed_time.txt.sigstore.json",
            "MissingSignedTime",
        ),
        ("bundle_no_cert_v1.txt.sigstore", "EmptyField"),
    ];
    for (file, expected) in cases {
        let Some(path) = corpus(&format!("sigstore-python/{file}")) else {
            return;
        };
        let err = Bundle::from_json(&fs_err::read(path).unwrap()).unwrap_err();
        eprintln!("{file}: {err}");
        assert_eq!(variant(&err), expected, "{file}: {err:?}");
    }
}

#[test]
fn other_corpus_bundles_parse_and_round_trip() {
    let files = [
        "cosign/oci-attestation.sigstore.json",
        "sigstore-go/examples__bundle-provenance.json",
        "sigstore-go/examples__bundle-publish.json",
        "sigstore-go/pkg__testing__data__bundles__dsse-2sigs.sigstore.json",
        "sigstore-go/pkg__testing__data__bundles__dsse.sigstore.json",
        "sigstore-go/pkg__testing__data__bundles__othername.sigstore.json",
        "sigstore-go/pkg__testing__data__bundles__public-key-validity.sigstore.json",
        "sigstore-go/pkg__testing__data__bundles__sigstore.js@2.0.0-provenance.sigstore.json",
        "sigstore-js/bundleV01-dsse-no-proof.sigstore",
        "sigstore-js/bundleV01-dsse-with-proof.sigstore",
        "sigstore-js/bundleV01-full-cert-chain.sigstore",
        "sigstore-js/bundleV01-intoto-no-proof.sigstore",
        "sigstore-js/bundleV01-intoto-with-proof.sigstore",
        "sigstore-js/bundleV02-dsse.sigstore",
        "sigstore-js/bundleV02-intoto.sigstore",
        "sigstore-js/bundleV03-dsse.sigstore",
        "sigstore-js/bundleV03-intoto.sigstore",
        "sigstore-python/a.dsse.staging-rekor-v2.txt.sigstore.json",
        "sigstore-python/bundle.txt.sigstore",
        "sigstore-python/bundle_cve_2022_36056.txt.sigstore",
        "sigstore-python/bundle_v3.txt.sigstore",
        "sigstore-python/bundle_v3_alt.txt.sigstore",
        "sigstore-python/bundle_v3_github.whl.sigstore",
        "sigstore-python/integration/Python-3.12.5.tgz.sigstore",
        "sigstore-python/staging-rekor-v2.txt.sigstore.json",
        "sigstore-python/tsa/bundle.duplicate.sigstore",
        "sigstore-python/tsa/bundle.txt.late_timestamp.sigstore",
        "sigstore-python/tsa/bundle.txt.sigstore",
        "sigstore-rust/sigstore-bundle__tests__fixtures__bundle_v3_jdx_communique.json",
        "sigstore-rust/sigstore-types__test_data__cosign_v3_missing_fields.json",
        "sigstore-rust/sigstore-verify__test_data__bundles__conda-attestation-rekor2.sigstore.json",
        "sigstore-rust/sigstore-verify__test_data__bundles__conda-attestation.sigstore.json",
        "sigstore-rust/sigstore-verify__test_data__bundles__cosign-v3-blob.sigstore.json",
        "sigstore-rust/sigstore-verify__test_data__bundles__github-private-attestation.sigstore.json",
        "sigstore-rust/sigstore-verify__test_data__sct-multi-intermediate__staging_bundle.sigstore.json",
        "sigstore-rust/sigstore-verify__test_data__timestamps__github_sha384_bundle.json",
    ];
    for file in files {
        let Some(path) = corpus(file) else {
            return;
        };
        let json = fs_err::read(path).unwrap();
        let bundle = Bundle::from_json(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_round_trip(file, &json, &bundle);
    }
}

#[test]
fn the_key_hint_is_base64_of_the_sha256_of_the_spki_der() {
    // sigstore-go's key-signed test bundle and its key: the hint is standard, padded base64 of
    // SHA-256 over the SubjectPublicKeyInfo DER, which is what `public_key_hint` writes.
    let (Some(bundle), Some(pem)) = (
        corpus("sigstore-go/pkg__testing__data__bundles__public-key-validity.sigstore.json"),
        corpus("sigstore-go/pkg__testing__data__public-keys__public-key-validity.pem"),
    ) else {
        return;
    };
    let key = pem_key(&pem);
    let bundle = Bundle::from_json(&fs_err::read(bundle).unwrap()).unwrap();
    assert_eq!(
        bundle.verification_material().key,
        KeyMaterial::PublicKeyHint(public_key_hint(&key))
    );
    assert_eq!(
        public_key_hint(&key),
        STANDARD.encode(Sha256::digest(key.spki_der()))
    );
}

#[test]
fn sigstore_go_key_bundle_verifies_from_the_artifact_digest() {
    // The signed artifact is not in the corpus, so the signature is checked over the digest the
    // bundle records (P-256 allows verifying over a SHA-256 prehash).
    let (Some(bundle), Some(pem)) = (
        corpus("sigstore-go/pkg__testing__data__bundles__public-key-validity.sigstore.json"),
        corpus("sigstore-go/pkg__testing__data__public-keys__public-key-validity.pem"),
    ) else {
        return;
    };
    let key = pem_key(&pem);
    let bundle = Bundle::from_json(&fs_err::read(bundle).unwrap()).unwrap();
    let Content::MessageSignature {
        digest: Some(digest),
        ..
    } = bundle.content()
    else {
        panic!("expected a message signature with a digest");
    };
    let recorded: [u8; 32] = digest.digest.clone().try_into().unwrap();
    let verified = verify_with_key(&bundle, &key, Artifact::Digest(recorded)).unwrap();
    assert!(verified.hint_matches_key);
    assert!(!verified.tlog_checked && !verified.timestamps_checked);
    assert_eq!((verified.tlog_entries, verified.timestamps), (0, 1));

    let err = verify_with_key(&bundle, &key, Artifact::Digest(sha256(b"other"))).unwrap_err();
    assert_eq!(variant(&err), "DigestMismatch", "{err}");
    let stranger = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
    let err = verify_with_key(
        &bundle,
        &stranger.verifying_key(),
        Artifact::Digest(recorded),
    )
    .unwrap_err();
    assert_eq!(variant(&err), "BadSignature", "{err}");
}

#[test]
fn conformance_managed_key_cases_verify_their_signature() {
    let Some(dir) = corpus("conformance/bundle-verify") else {
        return;
    };
    let artifact = fs_err::read(dir.join("a.txt")).unwrap();
    let mut outcomes = BTreeMap::new();
    for case in fs_err::read_dir(&dir).unwrap() {
        let case = case.unwrap().path();
        if !case.join("key.pub").exists() {
            continue;
        }
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let bundle =
            Bundle::from_json(&fs_err::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
        let outcome =
            match VerifyingKey::from_pem(&fs_err::read_to_string(case.join("key.pub")).unwrap()) {
                Err(e) => format!("key refused: {e}"),
                Ok(key) => {
                    let bytes = verify_with_key(&bundle, &key, Artifact::Bytes(&artifact));
                    let digest =
                        verify_with_key(&bundle, &key, Artifact::Digest(sha256(&artifact)));
                    match (bytes, digest) {
                        (Ok(v), Ok(w)) => {
                            assert_eq!(v, w, "{name}");
                            assert!(v.hint_matches_key && !v.tlog_checked, "{name}");
                            format!("verified; {} tlog entries not checked", v.tlog_entries)
                        }
                        (b, d) => format!("failed: {:?} / {:?}", b.err(), d.err()),
                    }
                }
            };
        eprintln!("{name}: {outcome}");
        outcomes.insert(name, outcome);
    }
    assert_eq!(outcomes.len(), 3, "three cases carry a key.pub");
    for (name, outcome) in &outcomes {
        // Only the key and the signature are checked here, so a `_fail` case made with a wrong
        // key must fail, and the others must verify.
        assert_eq!(
            outcome.starts_with("verified"),
            !name.ends_with("_fail"),
            "{name}: {outcome}"
        );
    }
}

#[test]
fn digest_check_catches_the_conformance_digest_mismatch() {
    // A certificate-signed case, so only the content check applies: the recorded digest is
    // compared before any signature, whatever the key.
    let (Some(mismatch), Some(happy), Some(artifact)) = (
        corpus("conformance/bundle-verify/message-digest-mismatch_fail/bundle.sigstore.json"),
        corpus("conformance/bundle-verify/happy-path-v0.3/bundle.sigstore.json"),
        corpus("conformance/bundle-verify/a.txt"),
    ) else {
        return;
    };
    let artifact = fs_err::read(artifact).unwrap();
    let key = SigningKey::generate(Algorithm::EcdsaP256)
        .unwrap()
        .verifying_key();
    let mismatch = Bundle::from_json(&fs_err::read(mismatch).unwrap()).unwrap();
    let err = verify_content(mismatch.content(), &key, Artifact::Bytes(&artifact)).unwrap_err();
    assert_eq!(variant(&err), "DigestMismatch", "{err}");
    let happy = Bundle::from_json(&fs_err::read(happy).unwrap()).unwrap();
    let err = verify_content(happy.content(), &key, Artifact::Bytes(&artifact)).unwrap_err();
    assert_eq!(variant(&err), "BadSignature", "{err}");
    let err = verify_with_key(&happy, &key, Artifact::Bytes(&artifact)).unwrap_err();
    assert_eq!(variant(&err), "NotKeySigned", "{err}");
}

#[test]
fn npm_publish_bundle_verifies_with_its_key_despite_another_hint_format() {
    // npm's publish attestations name the key `SHA256:<unpadded base64>` of another encoding,
    // so hints cannot be relied on; the signature still verifies with the key. The artifact (a
    // tarball named by SHA-512) is not in the corpus: reaching the subject check shows the
    // signature passed.
    let (Some(bundle), Some(pem)) = (
        corpus("sigstore-go/examples__bundle-publish.json"),
        corpus("sigstore-go/examples__publish_key.pub"),
    ) else {
        return;
    };
    let key = pem_key(&pem);
    let bundle = Bundle::from_json(&fs_err::read(bundle).unwrap()).unwrap();
    let KeyMaterial::PublicKeyHint(hint) = &bundle.verification_material().key else {
        panic!("expected a key hint");
    };
    assert!(hint.starts_with("SHA256:") && *hint != public_key_hint(&key));
    let err = verify_with_key(&bundle, &key, Artifact::Bytes(b"not the tarball")).unwrap_err();
    assert_eq!(variant(&err), "NotASubject", "{err}");
    let stranger = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
    let err = verify_with_key(
        &bundle,
        &stranger.verifying_key(),
        Artifact::Bytes(b"not the tarball"),
    )
    .unwrap_err();
    assert_eq!(variant(&err), "BadSignature", "{err}");
}

fn signed(algorithm: Algorithm) -> (SigningKey, Bundle) {
    let key = SigningKey::generate(algorithm).unwrap();
    let bundle = sign_blob(&key, ARTIFACT).unwrap();
    (key, bundle)
}

#[test]
fn sign_blob_writes_a_v03_key_bundle_in_protobuf_json_layout() {
    let (key, bundle) = signed(Algorithm::EcdsaP256);
    let Content::MessageSignature { signature, .. } = bundle.content() else {
        panic!("expected a message signature");
    };
    let expected = format!(
        concat!(
            r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","#,
            r#""verificationMaterial":{{"publicKey":{{"hint":"{}"}}}},"#,
            r#""messageSignature":{{"messageDigest":{{"algorithm":"SHA2_256","digest":"{}"}},"#,
            r#""signature":"{}"}}}}"#
        ),
        STANDARD.encode(Sha256::digest(key.verifying_key().spki_der())),
        STANDARD.encode(sha256(ARTIFACT)),
        STANDARD.encode(signature),
    );
    assert_eq!(String::from_utf8(bundle.to_json()).unwrap(), expected);
    // The signature is the key's ordinary signature over the artifact bytes.
    key.verifying_key().verify(ARTIFACT, signature).unwrap();
    assert_eq!(Bundle::from_json(&bundle.to_json()).unwrap(), bundle);
}

#[test]
fn sign_blob_then_verify_with_each_key_type() {
    for algorithm in [
        Algorithm::EcdsaP256,
        Algorithm::EcdsaP384,
        Algorithm::Ed25519,
    ] {
        let (key, bundle) = signed(algorithm);
        assert_eq!(bundle.media_type(), MediaType::V0_3);
        assert_eq!(Bundle::from_json(&bundle.to_json()).unwrap(), bundle);
        let verified =
            verify_with_key(&bundle, &key.verifying_key(), Artifact::Bytes(ARTIFACT)).unwrap();
        assert_eq!(verified.key_id, key.verifying_key().key_id());
        assert_eq!(verified.content, VerifiedContent::MessageSignature);
        assert_eq!(verified.artifact_sha256, sha256(ARTIFACT));
        assert!(verified.hint_matches_key);
        assert!(!verified.tlog_checked && !verified.timestamps_checked);
        assert_eq!((verified.tlog_entries, verified.timestamps), (0, 0));

        let from_digest = verify_with_key(
            &bundle,
            &key.verifying_key(),
            Artifact::Digest(sha256(ARTIFACT)),
        );
        match algorithm {
            Algorithm::EcdsaP256 => assert_eq!(from_digest.unwrap(), verified),
            _ => assert_eq!(
                variant(&from_digest.unwrap_err()),
                "NeedsArtifactBytes",
                "{algorithm}"
            ),
        }
    }
}

#[test]
fn rsa_blob_signature_verifies_from_bytes_and_from_digest() {
    let (key, bundle) = signed(Algorithm::Rsa3072);
    let public = key.verifying_key();
    let bytes = verify_with_key(&bundle, &public, Artifact::Bytes(ARTIFACT)).unwrap();
    let digest = verify_with_key(&bundle, &public, Artifact::Digest(sha256(ARTIFACT))).unwrap();
    assert_eq!(bytes, digest);
    let err = verify_with_key(&bundle, &public, Artifact::Digest(sha256(b"x"))).unwrap_err();
    assert_eq!(variant(&err), "DigestMismatch");
}

/// The bundle's JSON with one edit applied, read back.
fn edited(bundle: &Bundle, edit: impl FnOnce(&mut Value)) -> Result<Bundle, BundleError> {
    let mut json: Value = serde_json::from_slice(&bundle.to_json()).unwrap();
    edit(&mut json);
    Bundle::from_json(&serde_json::to_vec(&json).unwrap())
}

#[test]
fn tampering_gives_its_own_error() {
    for algorithm in [
        Algorithm::EcdsaP256,
        Algorithm::EcdsaP384,
        Algorithm::Ed25519,
    ] {
        let (key, bundle) = signed(algorithm);
        let key = key.verifying_key();
        let verify = |b: &Bundle, artifact: &[u8]| {
            verify_with_key(b, &key, Artifact::Bytes(artifact))
                .map_err(|e| variant(&e))
                .map(|v| v.hint_matches_key)
        };
        let other = b"another artifact\n";
        assert_eq!(verify(&bundle, ARTIFACT), Ok(true));
        assert_eq!(verify(&bundle, other), Err("DigestMismatch"));

        let no_digest = edited(&bundle, |j| {
            j["messageSignature"]
                .as_object_mut()
                .unwrap()
                .remove("messageDigest");
        })
        .unwrap();
        assert_eq!(verify(&no_digest, ARTIFACT), Ok(true));
        assert_eq!(verify(&no_digest, other), Err("BadSignature"));

        let flipped = edited(&bundle, |j| {
            let mut sig = STANDARD
                .decode(j["messageSignature"]["signature"].as_str().unwrap())
                .unwrap();
            let last = sig.len() - 1;
            sig[last] ^= 1;
            j["messageSignature"]["signature"] = json!(STANDARD.encode(sig));
        })
        .unwrap();
        assert_eq!(verify(&flipped, ARTIFACT), Err("BadSignature"));

        let unsigned = edited(&bundle, |j| {
            j["messageSignature"]
                .as_object_mut()
                .unwrap()
                .remove("signature");
        })
        .unwrap();
        assert_eq!(verify(&unsigned, ARTIFACT), Err("NoSignature"));

        let other_digest = edited(&bundle, |j| {
            j["messageSignature"]["messageDigest"]["digest"] =
                json!(STANDARD.encode(sha256(other)));
        })
        .unwrap();
        assert_eq!(verify(&other_digest, ARTIFACT), Err("DigestMismatch"));
        assert_eq!(verify(&other_digest, other), Err("BadSignature"));

        // The hint is not signed and never picks the key: another hint still verifies, and
        // says it does not name this key.
        let other_hint = edited(&bundle, |j| {
            j["verificationMaterial"]["publicKey"]["hint"] = json!("c29tZW9uZSBlbHNl");
        })
        .unwrap();
        assert_eq!(verify(&other_hint, ARTIFACT), Ok(false));

        let stranger = SigningKey::generate(algorithm).unwrap().verifying_key();
        let err = verify_with_key(&bundle, &stranger, Artifact::Bytes(ARTIFACT)).unwrap_err();
        assert_eq!(variant(&err), "BadSignature", "{algorithm}");

        let certificate = edited(&bundle, |j| {
            j["verificationMaterial"] = json!({"certificate": {"rawBytes": "MAA="}});
        })
        .unwrap();
        assert_eq!(verify(&certificate, ARTIFACT), Err("NotKeySigned"));
    }
}

#[test]
fn digest_only_verification_catches_a_wrong_digest() {
    let (key, bundle) = signed(Algorithm::EcdsaP256);
    let key = key.verifying_key();
    let err = verify_with_key(&bundle, &key, Artifact::Digest(sha256(b"x"))).unwrap_err();
    assert_eq!(variant(&err), "DigestMismatch");
    let no_digest = edited(&bundle, |j| {
        j["messageSignature"]
            .as_object_mut()
            .unwrap()
            .remove("messageDigest");
    })
    .unwrap();
    let err = verify_with_key(&no_digest, &key, Artifact::Digest(sha256(b"x"))).unwrap_err();
    assert_eq!(variant(&err), "BadSignature");
    verify_with_key(&no_digest, &key, Artifact::Digest(sha256(ARTIFACT))).unwrap();
}

fn statement_about(artifact: &[u8]) -> Vec<u8> {
    let hex: String = Sha256::digest(artifact)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "a", "digest": {"sha256": hex}}],
        "predicateType": "https://example.com/p",
        "predicate": {},
    }))
    .unwrap()
}

#[test]
fn attest_wraps_a_signed_statement_and_verifies_its_subject() {
    for algorithm in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
        let key = SigningKey::generate(algorithm).unwrap();
        let public = key.verifying_key();
        let envelope = Envelope::sign(PAYLOAD_TYPE, &statement_about(ARTIFACT), &key).unwrap();
        let bundle = attest(&public, envelope.clone()).unwrap();
        assert_eq!(bundle.content(), &Content::Dsse(envelope));
        // The hint repeats the envelope's keyid, as the bundle specification asks.
        assert_eq!(
            bundle.verification_material().key,
            KeyMaterial::PublicKeyHint(public.key_id())
        );
        assert_eq!(Bundle::from_json(&bundle.to_json()).unwrap(), bundle);

        for artifact in [
            Artifact::Bytes(ARTIFACT),
            Artifact::Digest(sha256(ARTIFACT)),
        ] {
            let verified = verify_with_key(&bundle, &public, artifact).unwrap();
            let VerifiedContent::Statement(statement) = &verified.content else {
                panic!("expected a Statement");
            };
            assert_eq!(statement.predicate_type(), "https://example.com/p");
            assert!(verified.hint_matches_key);
        }
        let err = verify_with_key(&bundle, &public, Artifact::Bytes(b"other")).unwrap_err();
        assert_eq!(variant(&err), "NotASubject");
        let stranger = SigningKey::generate(algorithm).unwrap().verifying_key();
        let err = verify_with_key(&bundle, &stranger, Artifact::Bytes(ARTIFACT)).unwrap_err();
        assert_eq!(variant(&err), "BadSignature");
        let err = attest(
            &stranger,
            Envelope::sign(PAYLOAD_TYPE, b"{}", &key).unwrap(),
        )
        .unwrap_err();
        assert_eq!(variant(&err), "BadSignature");
    }
}

#[test]
fn dsse_payloads_that_are_not_statements_cannot_be_checked_against_an_artifact() {
    let key = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
    let public = key.verifying_key();
    let other_type = Envelope::sign("text/plain", ARTIFACT, &key).unwrap();
    let bundle = attest(&public, other_type).unwrap();
    let err = verify_with_key(&bundle, &public, Artifact::Bytes(ARTIFACT)).unwrap_err();
    assert_eq!(variant(&err), "NotAStatement");
    let not_json = Envelope::sign(PAYLOAD_TYPE, b"not json", &key).unwrap();
    let bundle = attest(&public, not_json).unwrap();
    let err = verify_with_key(&bundle, &public, Artifact::Bytes(ARTIFACT)).unwrap_err();
    assert_eq!(variant(&err), "Statement");
}

fn tlog_entry(index: u64) -> TlogEntry {
    TlogEntry {
        log_index: index,
        log_id: vec![1; 32],
        kind_version: KindVersion {
            kind: "hashedrekord".to_owned(),
            version: "0.0.1".to_owned(),
        },
        integrated_time: 1_700_000_000,
        inclusion_promise: Some(vec![2; 70]),
        inclusion_proof: Some(InclusionProof {
            log_index: index,
            root_hash: vec![3; 32],
            tree_size: index + 1,
            hashes: vec![vec![4; 32], vec![5; 32]],
            checkpoint: Some("log - 1\n2\nroot\n\n- sig\n".to_owned()),
        }),
        canonicalized_body: b"{}".to_vec(),
    }
}

fn message(digest: Option<MessageDigest>) -> Content {
    Content::MessageSignature {
        digest,
        signature: vec![6; 70],
    }
}

fn material(key: KeyMaterial, tlog_entries: Vec<TlogEntry>) -> VerificationMaterial {
    VerificationMaterial {
        key,
        tlog_entries,
        timestamps: vec![vec![7; 40]],
    }
}

#[test]
fn every_field_survives_encoding() {
    let chain = KeyMaterial::X509Chain(vec![vec![8; 20], vec![9; 20]]);
    for (media_type, key) in [
        (MediaType::V0_1, chain.clone()),
        (MediaType::V0_2, chain),
        (MediaType::V0_3, KeyMaterial::Certificate(vec![8; 20])),
        (
            MediaType::V0_3Parameter,
            KeyMaterial::PublicKeyHint("h".to_owned()),
        ),
    ] {
        let digest = MessageDigest {
            algorithm: HashAlgorithm::Sha2_384,
            digest: vec![10; 48],
        };
        let bundle = Bundle::new(
            media_type,
            material(key, vec![tlog_entry(0), tlog_entry(7)]),
            message(Some(digest)),
        )
        .unwrap();
        let json = bundle.to_json();
        assert_eq!(Bundle::from_json(&json).unwrap(), bundle, "{media_type:?}");
        let text = String::from_utf8(json).unwrap();
        assert!(text.starts_with(&format!(r#"{{"mediaType":"{}""#, media_type.as_str())));
        // Zero values are left out, as protobuf's JSON mapping does.
        assert_eq!(text.matches(r#""logIndex""#).count(), 2, "{text}");
    }
}

#[test]
fn the_reader_accepts_every_protobuf_json_spelling() {
    let (key, bundle) = signed(Algorithm::EcdsaP256);
    let Content::MessageSignature { signature, .. } = bundle.content() else {
        panic!("expected a message signature");
    };
    let spelled = json!({
        "media_type": MediaType::V0_3.as_str(),
        "verification_material": {
            "public_key": {"hint": public_key_hint(&key.verifying_key())},
            "tlog_entries": null,
            "timestamp_verification_data": {"rfc3161_timestamps": []},
        },
        "message_signature": {
            "message_digest": {"algorithm": 1, "digest": URL_SAFE_NO_PAD.encode(sha256(ARTIFACT))},
            "signature": URL_SAFE_NO_PAD.encode(signature),
            "unknown": "ignored",
        },
    });
    let read = Bundle::from_json(&serde_json::to_vec(&spelled).unwrap()).unwrap();
    assert_eq!(read, bundle);
    let numeric = json!({"logIndex": 5, "logId": {}, "kindVersion": {}, "integratedTime": -3,
        "inclusionProof": {"treeSize": 6, "checkpoint": {"envelope": "c"}}});
    let b = edited(&bundle, |j| {
        j["verificationMaterial"]["tlogEntries"] = json!([numeric]);
        j["verificationMaterial"]["timestampVerificationData"] =
            json!({"rfc3161Timestamps": [{"signedTimestamp": "AAAA"}]});
    })
    .unwrap();
    let entry = &b.verification_material().tlog_entries[0];
    assert_eq!((entry.log_index, entry.integrated_time), (5, -3));
    assert_eq!(entry.inclusion_proof.as_ref().unwrap().tree_size, 6);
}

/// A tlog entry as JSON that satisfies every rule, for edits to break one.
fn entry_json() -> Value {
    json!({
        "logIndex": "1", "logId": {"keyId": "AAAA"}, "kindVersion": {"kind": "k", "version": "v"},
        "integratedTime": "5", "inclusionPromise": {"signedEntryTimestamp": "AAAA"},
        "inclusionProof": {"logIndex": "1", "rootHash": "AAAA", "treeSize": "2",
            "hashes": ["AAAA"], "checkpoint": {"envelope": "c"}},
        "canonicalizedBody": "AAAA",
    })
}

type Edit = Box<dyn Fn(&mut Value)>;

/// An edit that sets one field of the bundle (a JSON pointer) to `value`.
fn set(pointer: &'static str, value: Value) -> Edit {
    let (parent, field) = pointer.rsplit_once('/').unwrap();
    Box::new(move |j| j.pointer_mut(parent).unwrap()[field] = value.clone())
}

/// An edit that installs one tlog entry, first edited by `edit`.
fn with_entry(edit: impl Fn(&mut Value) + 'static) -> Edit {
    Box::new(move |j| {
        let mut entry = entry_json();
        edit(&mut entry);
        j["verificationMaterial"]["tlogEntries"] = json!([entry]);
    })
}

fn remove(j: &mut Value, pointer: &str, field: &str) {
    j.pointer_mut(pointer)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(field);
}

#[test]
fn malformed_fields_are_refused_by_name() {
    let (_, bundle) = signed(Algorithm::EcdsaP256);
    let chain = |n: usize| json!({"certificates": vec![json!({"rawBytes": "AA=="}); n]});
    let v01 = MediaType::V0_1.as_str();
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "media type",
            set("/mediaType", json!("application/json")),
            "UnknownMediaType",
        ),
        (
            "no media type",
            Box::new(|j| remove(j, "", "mediaType")),
            "MissingField",
        ),
        (
            "two contents",
            Box::new(|j| j["dsseEnvelope"] = json!({})),
            "OneOf",
        ),
        (
            "no content",
            Box::new(|j| remove(j, "", "messageSignature")),
            "OneOf",
        ),
        (
            "two keys",
            Box::new(|j| j["verificationMaterial"]["certificate"] = json!({})),
            "OneOf",
        ),
        (
            "empty certificate",
            set("/verificationMaterial", json!({"certificate": {}})),
            "EmptyField",
        ),
        (
            "chain in v0.3",
            set(
                "/verificationMaterial",
                json!({"x509CertificateChain": chain(1)}),
            ),
            "ChainInV03",
        ),
        (
            "hash name",
            set("/messageSignature/messageDigest/algorithm", json!("MD5")),
            "UnknownHashAlgorithm",
        ),
        (
            "hash unset",
            set("/messageSignature/messageDigest/algorithm", json!(0)),
            "UnknownHashAlgorithm",
        ),
        (
            "digest length",
            set("/messageSignature/messageDigest/digest", json!("AAAA")),
            "DigestLength",
        ),
        (
            "base64",
            set("/messageSignature/signature", json!("not*base64")),
            "Base64",
        ),
        (
            "wrong JSON type",
            set("/messageSignature/signature", json!(7)),
            "Json",
        ),
        (
            "negative index",
            with_entry(|e| e["logIndex"] = json!("-1")),
            "BadInteger",
        ),
        (
            "not a number",
            with_entry(|e| e["inclusionProof"]["treeSize"] = json!("2x")),
            "BadInteger",
        ),
        (
            "no log id",
            with_entry(|e| remove(e, "", "logId")),
            "MissingField",
        ),
        (
            "no proof",
            with_entry(|e| remove(e, "", "inclusionProof")),
            "MissingInclusionProof",
        ),
        (
            "empty checkpoint",
            with_entry(|e| e["inclusionProof"]["checkpoint"] = json!({"envelope": ""})),
            "MissingCheckpoint",
        ),
        (
            "no signed time",
            with_entry(|e| remove(e, "", "inclusionPromise")),
            "MissingSignedTime",
        ),
        (
            "v0.1 without entries",
            set("/mediaType", json!(v01)),
            "NoTlogEntries",
        ),
        (
            "too many entries",
            set(
                "/verificationMaterial/tlogEntries",
                json!(vec![entry_json(); 101]),
            ),
            "TooMany",
        ),
        (
            "too many timestamps",
            set(
                "/verificationMaterial/timestampVerificationData",
                json!({"rfc3161Timestamps": vec![json!({"signedTimestamp": "AA=="}); 101]}),
            ),
            "TooMany",
        ),
        (
            "too many hashes",
            with_entry(|e| e["inclusionProof"]["hashes"] = json!(vec!["AAAA"; 65])),
            "TooMany",
        ),
        (
            "bad envelope",
            Box::new(|j| {
                remove(j, "", "messageSignature");
                j["dsseEnvelope"] =
                    json!({"payload": "e30=", "payloadType": "t", "signatures": []});
            }),
            "Dsse",
        ),
    ];
    for (what, edit, expected) in cases {
        let err = edited(&bundle, |j| edit(j)).unwrap_err();
        eprintln!("{what}: {err}");
        assert_eq!(variant(&err), expected, "{what}: {err:?}");
    }
    let v01_without_promise = edited(&bundle, |j| {
        with_entry(|e| e["inclusionPromise"] = json!({}))(j);
        j["mediaType"] = json!(v01);
    });
    assert_eq!(
        variant(&v01_without_promise.unwrap_err()),
        "MissingInclusionPromise"
    );
    let eleven_certificates = edited(&bundle, |j| {
        j["mediaType"] = json!(MediaType::V0_2.as_str());
        j["verificationMaterial"] =
            json!({"x509CertificateChain": chain(11), "tlogEntries": [entry_json()]});
    });
    assert_eq!(variant(&eleven_certificates.unwrap_err()), "TooMany");
    let err = edited(
        &bundle,
        with_entry(|e| e["inclusionProof"]["rootHash"] = json!("@@@@")),
    )
    .unwrap_err();
    let field = "verificationMaterial.tlogEntries[0].inclusionProof.rootHash";
    assert!(err.to_string().contains(field), "{err}");
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let json = vec![b' '; assay_attest::bundle::MAX_BUNDLE_BYTES + 1];
    assert_eq!(variant(&Bundle::from_json(&json).unwrap_err()), "TooLarge");
}

#[test]
fn building_a_bundle_applies_the_same_rules() {
    let chain = KeyMaterial::X509Chain(vec![vec![1]]);
    let err = Bundle::new(MediaType::V0_3, material(chain, vec![]), message(None)).unwrap_err();
    assert_eq!(variant(&err), "ChainInV03");
    let mut entry = tlog_entry(1);
    entry.inclusion_promise = Some(Vec::new());
    let hint = KeyMaterial::PublicKeyHint(String::new());
    let err = Bundle::new(MediaType::V0_3, material(hint, vec![entry]), message(None)).unwrap_err();
    assert_eq!(variant(&err), "EmptyField");
}
