//! `assay attest-blob` / `assay verify-blob-attestation` with bare DSSE envelopes.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{assay, corpus, stderr};

fn run(args: &[&str]) -> Output {
    assay()
        .args(args)
        .env("ASSAY_PASSWORD", "")
        .env_remove("COSIGN_PASSWORD")
        .output()
        .unwrap()
}

struct Setup {
    _dir: tempfile::TempDir,
    key: String,
    public: String,
    file: String,
    predicate: String,
    envelope: String,
    root: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let p = |n: &str| root.join(n).display().to_string();
    let o = run(&["key", "generate", "--output-key-prefix", &p("k")]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(root.join("artifact.bin"), b"release bytes\n").unwrap();
    std::fs::write(
        root.join("pred.json"),
        br#"{"buildDefinition":{"buildType":"x"}}"#,
    )
    .unwrap();
    let s = Setup {
        key: p("k.key"),
        public: p("k.pub"),
        file: p("artifact.bin"),
        predicate: p("pred.json"),
        envelope: p("att.json"),
        root,
        _dir: dir,
    };
    let o = run(&[
        "attest-blob",
        &s.file,
        "--predicate",
        &s.predicate,
        "--type",
        "slsaprovenance",
        "--key",
        &s.key,
        "--output-signature",
        &s.envelope,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

fn verify(file: &str, public: &str, ty: &str, envelope: &str) -> Output {
    run(&[
        "verify-blob-attestation",
        file,
        "--key",
        public,
        "--type",
        ty,
        "--signature",
        envelope,
    ])
}

#[test]
fn attest_then_verify() {
    let s = setup();
    let o = verify(&s.file, &s.public, "slsaprovenance", &s.envelope);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Verified OK"));
    let env: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&s.envelope).unwrap()).unwrap();
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
}

#[test]
fn each_mismatch_is_refused_with_its_reason() {
    let s = setup();
    let other = s.root.join("other.bin");
    std::fs::write(&other, b"different bytes\n").unwrap();
    let o = verify(
        &other.display().to_string(),
        &s.public,
        "slsaprovenance",
        &s.envelope,
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no subject"), "{}", stderr(&o));

    let o = verify(&s.file, &s.public, "spdxjson", &s.envelope);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("predicate type"), "{}", stderr(&o));

    let o = run(&[
        "key",
        "generate",
        "--output-key-prefix",
        &s.root.join("k2").display().to_string(),
    ]);
    assert!(o.status.success());
    let o = verify(
        &s.file,
        &s.root.join("k2.pub").display().to_string(),
        "slsaprovenance",
        &s.envelope,
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("none verified") || stderr(&o).contains("verified"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn no_signatures_and_tampering_get_different_exit_codes() {
    let s = setup();
    let mut env: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&s.envelope).unwrap()).unwrap();
    let unsigned = s.root.join("unsigned.json");
    let mut bare = env.clone();
    bare["signatures"] = serde_json::json!([]);
    std::fs::write(&unsigned, serde_json::to_vec(&bare).unwrap()).unwrap();
    let o = verify(
        &s.file,
        &s.public,
        "slsaprovenance",
        &unsigned.display().to_string(),
    );
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));

    // Same payload with one more field: valid JSON, different bytes, signature no longer holds.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let payload = b64.decode(env["payload"].as_str().unwrap()).unwrap();
    let mut stmt: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    stmt["predicate"]["injected"] = true.into();
    env["payload"] = b64.encode(serde_json::to_vec(&stmt).unwrap()).into();
    let tampered = s.root.join("tampered.json");
    std::fs::write(&tampered, serde_json::to_vec(&env).unwrap()).unwrap();
    let o = verify(
        &s.file,
        &s.public,
        "slsaprovenance",
        &tampered.display().to_string(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

/// A Statement made by the in-toto reference implementation verifies with the CLI.
#[test]
fn in_toto_reference_attestation_verifies() {
    let Some(dir) = corpus("sigstore/dsse-intoto") else {
        return;
    };
    let p = |n: &str| dir.join(n).display().to_string();
    let o = run(&[
        "verify-blob-attestation",
        &p("out.tar"),
        "--key",
        &p("bob.pub"),
        "--type",
        "slsaprovenance",
        "--signature",
        &p("out.intoto.json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "verify-blob-attestation",
        &p("out.tar"),
        "--key",
        &p("alice.pub"),
        "--type",
        "slsaprovenance",
        "--signature",
        &p("out.intoto.json"),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

/// `sign-blob --bundle` / `verify-blob --bundle`: by file and by digest; every mismatch is
/// exit 3, a bundle without a signature is exit 5.
#[test]
fn sign_blob_bundle_round_trip() {
    let s = setup();
    let bundle = s.root.join("blob.sigstore.json").display().to_string();
    let o = run(&["sign-blob", &s.file, "--key", &s.key, "--bundle", &bundle]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    assert_eq!(
        json["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        json["messageSignature"]["messageDigest"]["algorithm"],
        "SHA2_256"
    );
    let digest = common::sha256(&std::fs::read(&s.file).unwrap());
    for artifact in [s.file.as_str(), digest.as_str()] {
        let o = run(&[
            "verify-blob",
            artifact,
            "--key",
            &s.public,
            "--bundle",
            &bundle,
        ]);
        assert!(o.status.success(), "{artifact}: {}", stderr(&o));
        assert!(stderr(&o).contains("Verified OK"));
    }

    let other = s.root.join("other.bin");
    std::fs::write(&other, b"release bytes!\n").unwrap();
    let o = run(&[
        "verify-blob",
        &other.display().to_string(),
        "--key",
        &s.public,
        "--bundle",
        &bundle,
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("differs"), "{}", stderr(&o));

    let o = run(&[
        "key",
        "generate",
        "--output-key-prefix",
        &s.root.join("k3").display().to_string(),
    ]);
    assert!(o.status.success());
    let wrong = s.root.join("k3.pub").display().to_string();
    let o = run(&["verify-blob", &s.file, "--key", &wrong, "--bundle", &bundle]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
}

/// `attest-blob --bundle` / `verify-blob-attestation --bundle`.
#[test]
fn attest_blob_bundle_round_trip() {
    let s = setup();
    let bundle = s.root.join("att.sigstore.json").display().to_string();
    let o = run(&[
        "attest-blob",
        &s.file,
        "--predicate",
        &s.predicate,
        "--type",
        "slsaprovenance",
        "--key",
        &s.key,
        "--bundle",
        &bundle,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    assert_eq!(
        json["dsseEnvelope"]["payloadType"],
        "application/vnd.in-toto+json"
    );
    let verify_bundle = |file: &str, ty: &str| {
        run(&[
            "verify-blob-attestation",
            file,
            "--key",
            &s.public,
            "--type",
            ty,
            "--bundle",
            &bundle,
        ])
    };
    let o = verify_bundle(&s.file, "slsaprovenance");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = verify_bundle(&s.file, "spdxjson");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let other = s.root.join("other.bin");
    std::fs::write(&other, b"other\n").unwrap();
    let o = verify_bundle(&other.display().to_string(), "slsaprovenance");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

/// Key-signed bundles from the sigstore-conformance suite (made by a Sigstore client, with
/// transparency-log entries) verify with the CLI, their log entries checked against the
/// trusted root; another key is refused.
#[test]
fn conformance_key_bundles_verify() {
    let Some(root) = corpus("sigstore/conformance/bundle-verify") else {
        return;
    };
    let Some(production) = corpus("sigstore/trust/production/trusted_root.json") else {
        return;
    };
    let artifact = root.join("a.txt").display().to_string();
    for case in ["managed-key-happy-path", "managed-key-and-trusted-root"] {
        let dir = root.join(case);
        let trusted = dir.join("trusted_root.json");
        let trusted = if trusted.exists() {
            trusted
        } else {
            production.clone()
        };
        let verify = |key: &str| {
            run(&[
                "verify-blob",
                &artifact,
                "--key",
                key,
                "--bundle",
                &dir.join("bundle.sigstore.json").display().to_string(),
                "--trusted-root",
                &trusted.display().to_string(),
            ])
        };
        let o = verify(&dir.join("key.pub").display().to_string());
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("transparency log"),
            "{case}: {}",
            stderr(&o)
        );
        let o = verify(
            &corpus("sigstore/dsse-intoto/bob.pub")
                .unwrap()
                .display()
                .to_string(),
        );
        assert_eq!(o.status.code(), Some(3), "{case}: {}", stderr(&o));
    }
}

/// Keyless: conformance bundles verify by identity against the corpus production root, by
/// file and by digest; a wrong identity is exit 3 naming the step; a malformed bundle is
/// exit 1; an in-toto bundle verifies with verify-blob-attestation.
#[test]
fn keyless_bundles_verify_by_identity() {
    let (Some(cases), Some(root)) = (
        corpus("sigstore/conformance/bundle-verify"),
        corpus("sigstore/trust/production/trusted_root.json"),
    ) else {
        return;
    };
    const ID: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    const ISSUER: &str = "https://token.actions.githubusercontent.com";
    let root = root.display().to_string();
    let artifact = cases.join("a.txt");
    let digest = common::sha256(&std::fs::read(&artifact).unwrap());
    let artifact = artifact.display().to_string();
    let bundle = |case: &str| {
        cases
            .join(case)
            .join("bundle.sigstore.json")
            .display()
            .to_string()
    };
    let verify = |file: &str, case: &str, identity: &str| {
        run(&[
            "verify-blob",
            file,
            "--bundle",
            &bundle(case),
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            ISSUER,
            "--trusted-root",
            &root,
        ])
    };
    for file in [artifact.as_str(), digest.as_str()] {
        let o = verify(file, "happy-path-v0.3", ID);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("certificate chain, SCT, transparency log"),
            "{}",
            stderr(&o)
        );
    }
    let o = verify(&artifact, "happy-path-v0.3", "someone@example.com");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("step \"identity mismatch\""),
        "{}",
        stderr(&o)
    );
    let o = verify(&artifact, "bundle-malformed-json_fail", ID);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("malformed bundle"), "{}", stderr(&o));

    let o = run(&[
        "verify-blob-attestation",
        &artifact,
        "--bundle",
        &bundle("happy-path-intoto-in-dsse-v3"),
        "--type",
        "https://slsa.dev/provenance/v1",
        "--certificate-identity-regexp",
        "^https://github.com/sigstore-conformance/",
        "--certificate-oidc-issuer",
        ISSUER,
        "--trusted-root",
        &root,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// sigstore-python's TSA bundle: its RFC 3161 timestamp does not verify against its trust
/// config, so verify-blob sets it aside, says so, and verifies on the log's promised time.
#[test]
fn keyless_timestamp_set_aside_is_reported() {
    let (Some(bundle), Some(config)) = (
        corpus("sigstore/sigstore-python/tsa/bundle.txt.sigstore"),
        corpus("sigstore/sigstore-python/tsa/trust_config.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&config).unwrap()).unwrap();
    let root = dir.path().join("trusted_root.json");
    std::fs::write(&root, config["trustedRoot"].to_string()).unwrap();
    let artifact = bundle.with_file_name("bundle.txt");
    let o = run(&[
        "verify-blob",
        &artifact.display().to_string(),
        "--bundle",
        &bundle.display().to_string(),
        "--certificate-identity",
        "alexis.challande@trailofbits.com",
        "--certificate-oidc-issuer",
        "https://accounts.google.com",
        "--trusted-root",
        &root.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: an RFC 3161 timestamp was set aside"),
        "{}",
        stderr(&o)
    );
}
