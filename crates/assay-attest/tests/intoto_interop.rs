//! The other way round: statements signed by assay verify with securesystemslib (the in-toto
//! reference implementation's signing layer, PyPI `securesystemslib`, installed by CI).
#![allow(clippy::print_stderr, clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

use assay_attest::dsse::Envelope;
use assay_attest::keys::{Algorithm, SigningKey};
use assay_attest::statement::PAYLOAD_TYPE;

const STATEMENT: &[u8] = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"out.tar","digest":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{"buildType":"https://example.com/b"}}}"#;

fn oracle_available() -> bool {
    let ok = Command::new("python3")
        .args([
            "-c",
            "import securesystemslib.dsse, securesystemslib.signer",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
            "securesystemslib is not installed"
        );
        eprintln!("skipping: python3 securesystemslib is not installed");
    }
    ok
}

fn sslib_verifies(dir: &Path, envelope: &[u8], public_pem: &str) -> bool {
    let env = dir.join("envelope.json");
    let key = dir.join("key.pub");
    std::fs::write(&env, envelope).unwrap();
    std::fs::write(&key, public_pem).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sslib_verify.py");
    let o = Command::new("python3")
        .arg(script)
        .arg(&env)
        .arg(&key)
        .output()
        .unwrap();
    eprintln!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o.status.success()
}

#[test]
fn ed25519_and_ecdsa_statements_verify_with_securesystemslib() {
    if !oracle_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for alg in [Algorithm::Ed25519, Algorithm::EcdsaP256] {
        let key = SigningKey::generate(alg).unwrap();
        let public = key.verifying_key().to_public_pem();
        let env = Envelope::sign(PAYLOAD_TYPE, STATEMENT, &key).unwrap();
        assert!(sslib_verifies(dir.path(), &env.to_json(), &public), "{alg}");
        // One changed payload byte, or another key, and the reference refuses it.
        let mut tampered = env.clone();
        if let Some(b) = tampered.payload.get_mut(40) {
            *b ^= 1;
        }
        assert!(
            !sslib_verifies(dir.path(), &tampered.to_json(), &public),
            "{alg}"
        );
        let other = SigningKey::generate(alg)
            .unwrap()
            .verifying_key()
            .to_public_pem();
        assert!(!sslib_verifies(dir.path(), &env.to_json(), &other), "{alg}");
    }
}
