//! Image signatures and attestations against the test registry: sign, attest an SBOM made by
//! `assay sbom` and a vulnerability report made by `assay scan`, verify, then tamper with what
//! the registry holds (raw HTTP) and check each attack fails with the right exit code.
//!
//! Each test copies the test image (`assay/testimg:app`, pushed by `.ci/run`) into its own
//! repository with skopeo, so tests do not see each other's attachments.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{assay, corpus, sha256, stderr, stdout, test_registry};
use serde_json::{Value, json};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const EXIT_REFUSED: i32 = 3;
const EXIT_NO_SIGNATURES: i32 = 5;

/// Raw distribution-API access to the test registry, for setting up attacks.
struct Registry {
    host: String,
}

impl Registry {
    fn url(&self, repo: &str, path: &str) -> String {
        format!("http://{}/v2/{repo}/{path}", self.host)
    }

    /// A manifest's bytes, or `None` on 404.
    fn manifest(&self, repo: &str, reference: &str) -> Option<Vec<u8>> {
        let resp = ureq::get(&self.url(repo, &format!("manifests/{reference}")))
            .header("Accept", &format!("{OCI_MANIFEST}, {OCI_INDEX}"))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap();
        if resp.status() == 404 {
            return None;
        }
        assert!(
            resp.status().is_success(),
            "GET manifest {reference}: {}",
            resp.status()
        );
        Some(resp.into_body().read_to_vec().unwrap())
    }

    fn manifest_json(&self, repo: &str, reference: &str) -> Value {
        serde_json::from_slice(&self.manifest(repo, reference).expect("manifest exists")).unwrap()
    }

    fn blob(&self, repo: &str, digest: &str) -> Vec<u8> {
        ureq::get(&self.url(repo, &format!("blobs/{digest}")))
            .call()
            .unwrap()
            .into_body()
            .read_to_vec()
            .unwrap()
    }

    /// Uploads a blob (monolithic) and returns its digest.
    fn put_blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let resp = ureq::post(&self.url(repo, "blobs/uploads/"))
            .send_empty()
            .unwrap();
        let location = resp
            .headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let location = if location.starts_with("http") {
            location
        } else {
            format!("http://{}{location}", self.host)
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        ureq::put(&format!("{location}{sep}digest={digest}"))
            .header("Content-Type", "application/octet-stream")
            .send(bytes)
            .unwrap();
        digest
    }

    fn put_manifest(&self, repo: &str, reference: &str, body: &Value) -> String {
        let bytes = serde_json::to_vec(body).unwrap();
        let media = body["mediaType"]
            .as_str()
            .unwrap_or(OCI_MANIFEST)
            .to_owned();
        ureq::put(&self.url(repo, &format!("manifests/{reference}")))
            .header("Content-Type", &media)
            .send(&bytes[..])
            .unwrap();
        sha256(&bytes)
    }
}

/// One test's repository (a copy of the test image), key pair and scratch directory.
struct Fixture {
    reg: Registry,
    repo: String,
    image: String,
    digest: String,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(name: &str) -> Option<Self> {
        let host = test_registry()?;
        let repo = format!("assay-test/sign-{name}");
        let image = format!("{host}/{repo}:app");
        let o = Command::new("skopeo")
            .args([
                "copy",
                "--quiet",
                "--src-tls-verify=false",
                "--dest-tls-verify=false",
            ])
            .arg(format!("docker://{host}/assay/testimg:app"))
            .arg(format!("docker://{image}"))
            .output()
            .expect("skopeo runs");
        assert!(
            o.status.success(),
            "skopeo: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let reg = Registry { host };
        // A fresh digest per run, so attachments left by an earlier run are not seen.
        let mut manifest = reg.manifest_json(&repo, "app");
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        manifest["annotations"] =
            json!({"org.opencontainers.image.description": format!("{name} {nonce}")});
        let digest = reg.put_manifest(&repo, "app", &manifest);
        let dir = tempfile::tempdir().unwrap();
        let f = Self {
            reg,
            repo,
            image,
            digest,
            dir,
        };
        for prefix in ["k", "other"] {
            let o = f.run(&["key", "generate", "--output-key-prefix", &f.path(prefix)]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        Some(f)
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        assay()
            .args(args)
            .env("ASSAY_PASSWORD", "pw")
            .env_remove("COSIGN_PASSWORD")
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> Output {
        let o = self.run(args);
        assert!(o.status.success(), "assay {args:?} failed: {}", stderr(&o));
        o
    }

    fn code(&self, args: &[&str]) -> (i32, String) {
        let o = self.run(args);
        (o.status.code().unwrap_or(-1), stderr(&o))
    }

    fn sig_tag(&self, suffix: &str) -> String {
        format!("{}.{suffix}", self.digest.replace(':', "-"))
    }

    fn verify(&self) -> (i32, String) {
        self.code(&["verify", &self.image, "--key", &self.path("k.pub")])
    }

    fn verify_att(&self, kind: &str) -> (i32, String) {
        self.code(&[
            "verify-attestation",
            &self.image,
            "--key",
            &self.path("k.pub"),
            "--type",
            kind,
        ])
    }
}

/// A vulnerability database holding the PyPI corpus and the two npm records.
fn vuln_db(dir: &Path) -> Option<PathBuf> {
    let pypi = corpus("osv/PyPI")?;
    let npm = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv-npm");
    let db = dir.join("db");
    let o = assay()
        .args(["db", "import"])
        .arg(&pypi)
        .arg(&npm)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    Some(db)
}

#[test]
fn sign_attest_and_verify_round_trip() {
    let Some(f) = Fixture::new("round-trip") else {
        return;
    };
    let (code, _) = f.verify();
    assert_eq!(
        code, EXIT_NO_SIGNATURES,
        "an unsigned image has no signatures"
    );

    f.ok(&["sign", &f.image, "--key", &f.path("k.key")]);
    let o = f.ok(&["verify", &f.image, "--key", &f.path("k.pub")]);
    let printed: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let types: Vec<&str> = printed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["critical"]["image"]["docker-manifest-digest"], f.digest);
            p["critical"]["type"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        types,
        [
            "cosign container image signature",
            "https://sigstore.dev/cosign/sign/v1"
        ],
        "one signature per storage scheme"
    );

    // The tag-scheme signature is cosign's simple-signing payload, byte for byte.
    let sig = f.reg.manifest_json(&f.repo, &f.sig_tag("sig"));
    let layer = &sig["layers"][0];
    assert_eq!(
        layer["mediaType"],
        "application/vnd.dev.cosign.simplesigning.v1+json"
    );
    assert!(
        layer["annotations"]["dev.cosignproject.cosign/signature"]
            .as_str()
            .is_some()
    );
    let payload = f.reg.blob(&f.repo, layer["digest"].as_str().unwrap());
    let expected = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"{}/{}"}},"image":{{"docker-manifest-digest":"{}"}},"type":"cosign container image signature"}},"optional":null}}"#,
        f.reg.host, f.repo, f.digest
    );
    assert_eq!(String::from_utf8(payload).unwrap(), expected);

    // The referrer is listed by the referrers tag schema (this registry has no referrers API).
    let index = f.reg.manifest_json(&f.repo, &f.digest.replace(':', "-"));
    let listed = index["manifests"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0]["artifactType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        listed[0]["annotations"]["dev.sigstore.bundle.content"],
        "dsse-envelope"
    );

    // Signing again with the same key does not pile up tag-scheme signatures.
    f.ok(&[
        "sign",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--storage",
        "legacy",
    ]);
    let sig = f.reg.manifest_json(&f.repo, &f.sig_tag("sig"));
    assert_eq!(sig["layers"].as_array().unwrap().len(), 1);

    // Another key does not verify: signatures exist, none verified.
    let (code, err) = f.code(&["verify", &f.image, "--key", &f.path("other.pub")]);
    assert_eq!(code, EXIT_REFUSED, "{err}");
    assert!(err.contains("none verified"), "{err}");
}

#[test]
fn sbom_and_vulnerability_report_attestations_verify() {
    let Some(f) = Fixture::new("attest") else {
        return;
    };
    let Some(db) = vuln_db(f.dir.path()) else {
        return;
    };
    let source = format!("registry:{}", f.image);
    let sbom = f.path("sbom.spdx.json");
    f.ok(&["sbom", &source, "-o", &format!("spdx-json={sbom}")]);
    let report = f.path("vuln.json");
    f.ok(&[
        "scan",
        &source,
        "--db",
        &db.display().to_string(),
        "-o",
        &format!("json={report}"),
    ]);

    for (kind, predicate) in [("spdxjson", &sbom), ("vuln", &report)] {
        f.ok(&[
            "attest",
            &f.image,
            "--key",
            &f.path("k.key"),
            "--type",
            kind,
            "--predicate",
            predicate,
        ]);
    }
    let o = f.ok(&[
        "verify-attestation",
        &f.image,
        "--key",
        &f.path("k.pub"),
        "--type",
        "spdxjson",
    ]);
    let text = stdout(&o);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 2, "one per storage scheme: {lines:?}");
    let sbom_doc: Value = serde_json::from_slice(&std::fs::read(&sbom).unwrap()).unwrap();
    for line in lines {
        let envelope: Value = serde_json::from_str(line).unwrap();
        let statement: Value = serde_json::from_slice(
            &STANDARD
                .decode(envelope["payload"].as_str().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(statement["predicateType"], "https://spdx.dev/Document");
        assert_eq!(
            statement["subject"][0]["digest"]["sha256"],
            f.digest.trim_start_matches("sha256:")
        );
        assert_eq!(
            statement["predicate"], sbom_doc,
            "the SBOM is the predicate, unchanged"
        );
    }
    let (code, err) = f.verify_att("vuln");
    assert_eq!(code, 0, "{err}");
    let (code, err) = f.verify_att("slsaprovenance");
    assert_eq!(
        code, EXIT_NO_SIGNATURES,
        "no provenance was attached: {err}"
    );

    // Without --replace attestations accumulate; with it, the old ones of that type go.
    f.ok(&[
        "attest",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--type",
        "vuln",
        "--predicate",
        &report,
    ]);
    let att = f.reg.manifest_json(&f.repo, &f.sig_tag("att"));
    assert_eq!(att["layers"].as_array().unwrap().len(), 3);
    f.ok(&[
        "attest",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--type",
        "vuln",
        "--predicate",
        &report,
        "--replace",
    ]);
    let att = f.reg.manifest_json(&f.repo, &f.sig_tag("att"));
    let types: Vec<&str> = att["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["annotations"]["predicateType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "https://spdx.dev/Document",
            "https://cosign.sigstore.dev/attestation/vuln/v1"
        ]
    );
    let o = f.ok(&[
        "verify-attestation",
        &f.image,
        "--key",
        &f.path("k.pub"),
        "--type",
        "vuln",
    ]);
    assert_eq!(
        stdout(&o).lines().count(),
        2,
        "one tag-scheme and one referrer after --replace"
    );

    let o = f.ok(&["tree", &f.image]);
    let tree = stdout(&o);
    assert!(tree.contains(".att (attestations)"), "{tree}");
    assert!(
        tree.contains("referrers (referrers tag schema): 2"),
        "{tree}"
    );
}

/// The payload is re-pointed at the image but keeps the old signature: the signature no longer
/// covers the bytes.
#[test]
fn edited_signature_payload_is_refused() {
    let Some(f) = Fixture::new("edit-payload") else {
        return;
    };
    f.ok(&[
        "sign",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--storage",
        "legacy",
    ]);
    let tag = f.sig_tag("sig");
    let mut sig = f.reg.manifest_json(&f.repo, &tag);
    let payload = f
        .reg
        .blob(&f.repo, sig["layers"][0]["digest"].as_str().unwrap());
    let edited = String::from_utf8(payload)
        .unwrap()
        .replace("\"optional\":null", "\"optional\":{\"x\":\"y\"}");
    let digest = f.reg.put_blob(&f.repo, edited.as_bytes());
    sig["layers"][0]["digest"] = json!(digest);
    sig["layers"][0]["size"] = json!(edited.len());
    f.reg.put_manifest(&f.repo, &tag, &sig);
    let (code, err) = f.verify();
    assert_eq!(code, EXIT_REFUSED, "{err}");
    assert!(err.contains("signature does not verify"), "{err}");
}

/// A valid signature of image A copied onto image B's signature tag: it verifies, but names A.
#[test]
fn signature_replayed_onto_another_image_is_refused() {
    let Some(f) = Fixture::new("replay") else {
        return;
    };
    f.ok(&[
        "sign",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--storage",
        "legacy",
    ]);
    let sig = f.reg.manifest_json(&f.repo, &f.sig_tag("sig"));
    // Image B: the same image with one more annotation, so it has another digest.
    let mut other = f.reg.manifest_json(&f.repo, "app");
    other["annotations"]["org.opencontainers.image.title"] = json!("b");
    let other_digest = f.reg.put_manifest(&f.repo, "other", &other);
    f.reg.put_manifest(
        &f.repo,
        &format!("{}.sig", other_digest.replace(':', "-")),
        &sig,
    );
    let target = format!("{}/{}:other", f.reg.host, f.repo);
    let (code, err) = f.code(&["verify", &target, "--key", &f.path("k.pub")]);
    assert_eq!(code, EXIT_REFUSED, "{err}");
    assert!(
        err.contains(&format!(
            "signed payload is for {}, not {other_digest}",
            f.digest
        )),
        "{err}"
    );
}

/// Moving the tag to another image after signing: the new digest has no signatures.
#[test]
fn retagged_image_has_no_signatures() {
    let Some(f) = Fixture::new("retag") else {
        return;
    };
    f.ok(&["sign", &f.image, "--key", &f.path("k.key")]);
    let mut other = f.reg.manifest_json(&f.repo, "app");
    other["annotations"]["org.opencontainers.image.title"] = json!("swapped");
    f.reg.put_manifest(&f.repo, "app", &other);
    let (code, err) = f.verify();
    assert_eq!(code, EXIT_NO_SIGNATURES, "{err}");
}

/// One byte of the attested statement changed (the envelope re-encoded around it): the DSSE
/// signature is over the exact payload, so it fails.
#[test]
fn edited_attestation_is_refused() {
    let Some(f) = Fixture::new("edit-att") else {
        return;
    };
    std::fs::write(f.path("pred.json"), br#"{"verdict":"pass"}"#).unwrap();
    f.ok(&[
        "attest",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--predicate",
        &f.path("pred.json"),
        "--storage",
        "legacy",
    ]);
    let tag = f.sig_tag("att");
    let mut att = f.reg.manifest_json(&f.repo, &tag);
    let mut envelope: Value = serde_json::from_slice(
        &f.reg
            .blob(&f.repo, att["layers"][0]["digest"].as_str().unwrap()),
    )
    .unwrap();
    let payload = String::from_utf8(
        STANDARD
            .decode(envelope["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    envelope["payload"] = json!(STANDARD.encode(payload.replace("pass", "PASS")));
    let bytes = serde_json::to_vec(&envelope).unwrap();
    att["layers"][0]["digest"] = json!(f.reg.put_blob(&f.repo, &bytes));
    att["layers"][0]["size"] = json!(bytes.len());
    f.reg.put_manifest(&f.repo, &tag, &att);
    let (code, err) = f.verify_att("custom");
    assert_eq!(code, EXIT_REFUSED, "{err}");
}

/// A referrer bundle swapped for one signed by another key.
#[test]
fn referrer_signed_by_another_key_is_refused() {
    let Some(f) = Fixture::new("referrer-key") else {
        return;
    };
    f.ok(&[
        "sign",
        &f.image,
        "--key",
        &f.path("other.key"),
        "--storage",
        "referrers",
    ]);
    let (code, err) = f.verify();
    assert_eq!(code, EXIT_REFUSED, "{err}");
    assert!(err.contains("referrer sha256:"), "{err}");
    f.ok(&[
        "sign",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--storage",
        "referrers",
    ]);
    let (code, err) = f.verify();
    assert_eq!(code, 0, "{err}");
}

/// cosign's limits: an attachment manifest of more than 1000 layers, or more than 100
/// signatures, is refused before any signature is checked.
#[test]
fn attachment_limits_are_enforced() {
    let Some(f) = Fixture::new("limits") else {
        return;
    };
    f.ok(&[
        "sign",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--storage",
        "legacy",
    ]);
    let tag = f.sig_tag("sig");
    let sig = f.reg.manifest_json(&f.repo, &tag);
    for (count, needle) in [
        (101, "more than the limit of 100"),
        (1001, "more than the limit of 1000"),
    ] {
        let mut many = sig.clone();
        many["layers"] = Value::Array(vec![sig["layers"][0].clone(); count]);
        f.reg.put_manifest(&f.repo, &tag, &many);
        let (code, err) = f.verify();
        assert_eq!(code, EXIT_REFUSED, "{count}: {err}");
        assert!(err.contains(needle), "{count}: {err}");
    }
}

/// `save` writes image and attachments as an OCI layout; verification works from it alone,
/// and a tampered blob in it is caught.
#[test]
fn saved_layout_verifies_offline() {
    let Some(f) = Fixture::new("save") else {
        return;
    };
    std::fs::write(f.path("pred.json"), br#"{"verdict":"pass"}"#).unwrap();
    f.ok(&["sign", &f.image, "--key", &f.path("k.key")]);
    f.ok(&[
        "attest",
        &f.image,
        "--key",
        &f.path("k.key"),
        "--predicate",
        &f.path("pred.json"),
    ]);
    let dir = f.path("saved");
    f.ok(&["save", &f.image, "--dir", &dir]);
    let o = f.ok(&["verify", &dir, "--local-image", "--key", &f.path("k.pub")]);
    assert_eq!(
        serde_json::from_str::<Value>(stdout(&o).trim())
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    f.ok(&[
        "verify-attestation",
        &dir,
        "--local-image",
        "--key",
        &f.path("k.pub"),
        "--type",
        "custom",
    ]);
    let o = f.ok(&["inspect", &format!("oci-dir:{dir}:app")]);
    assert!(
        stdout(&o).contains(&f.digest),
        "the saved image keeps its digest"
    );

    // Saving again over a non-empty directory is refused and leaves it alone.
    let (code, _) = f.code(&["save", &f.image, "--dir", &dir]);
    assert_eq!(code, 1);

    // Flip the simple-signing payload blob in the layout: its digest no longer matches.
    let sig = f.reg.manifest_json(&f.repo, &f.sig_tag("sig"));
    let blob = Path::new(&dir).join("blobs/sha256").join(
        sig["layers"][0]["digest"]
            .as_str()
            .unwrap()
            .trim_start_matches("sha256:"),
    );
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    let (code, err) = f.code(&["verify", &dir, "--local-image", "--key", &f.path("k.pub")]);
    assert_eq!(code, EXIT_REFUSED, "{err}");
}

/// cosign still writes in-toto Statement v0.1 in `.att` layers; such a layer, pushed by hand,
/// verifies, and `download attestation` prints it unchanged.
#[test]
fn statement_v01_attestation_verifies() {
    use assay_attest::dsse::Envelope;
    use assay_attest::keys::SigningKey;
    let Some(f) = Fixture::new("v01") else { return };
    let key =
        SigningKey::from_cosign_pem(&std::fs::read_to_string(f.path("k.key")).unwrap(), b"pw")
            .unwrap();
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://cosign.sigstore.dev/attestation/v1",
        "subject": [{"name": format!("{}/{}", f.reg.host, f.repo), "digest": {"sha256": f.digest.trim_start_matches("sha256:")}}],
        "predicate": {"Data": "hello", "Timestamp": "2024-01-01T00:00:00Z"},
    });
    let envelope = Envelope::sign(
        "application/vnd.in-toto+json",
        &serde_json::to_vec(&statement).unwrap(),
        &key,
    )
    .unwrap()
    .to_json();
    let layer = f.reg.put_blob(&f.repo, &envelope);
    let config = f.reg.put_blob(&f.repo, b"{}");
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2, "digest": config},
        "layers": [{
            "mediaType": "application/vnd.dsse.envelope.v1+json",
            "size": envelope.len(),
            "digest": layer,
            "annotations": {"dev.cosignproject.cosign/signature": "", "predicateType": "https://cosign.sigstore.dev/attestation/v1"},
        }],
    });
    f.reg.put_manifest(&f.repo, &f.sig_tag("att"), &manifest);
    let (code, err) = f.verify_att("custom");
    assert_eq!(code, 0, "{err}");
    let o = f.ok(&["download", "attestation", &f.image]);
    assert_eq!(stdout(&o).trim().as_bytes(), &envelope[..]);
    let (code, err) = f.verify_att("slsaprovenance");
    assert_eq!(code, EXIT_NO_SIGNATURES, "{err}");
}
