//! DSSE with the `keys` types: key files as signers and verifiers of real envelopes.
#![allow(clippy::print_stderr)]

mod support;

use assay_attest::dsse::{DsseError, Envelope, Verify};
use assay_attest::keys::{SigningKey, VerifyingKey};
use assay_attest::statement::{PAYLOAD_TYPE, verify_statement};
use support::corpus;

fn public(rel: &str) -> Option<VerifyingKey> {
    let pem = fs_err::read_to_string(corpus(rel)?).unwrap();
    Some(VerifyingKey::from_pem(&pem).unwrap())
}

#[test]
fn in_toto_reference_envelopes_verify_with_key_files() {
    let (Some(dir), Some(alice), Some(bob)) = (
        corpus("sigstore/dsse-intoto"),
        public("sigstore/dsse-intoto/alice.pub"),
        public("sigstore/dsse-intoto/bob.pub"),
    ) else {
        return;
    };
    let link =
        Envelope::from_json(&fs_err::read(dir.join("build.12fc9198.link")).unwrap()).unwrap();
    link.verify(&[&alice as &dyn Verify], 1).unwrap();
    let err = link.verify(&[&bob as &dyn Verify], 1).unwrap_err();
    assert!(matches!(err, DsseError::NoneVerified { .. }), "{err}");
    let att = Envelope::from_json(&fs_err::read(dir.join("out.intoto.json")).unwrap()).unwrap();
    let statement = verify_statement(&att, &[&bob as &dyn Verify], 1).unwrap();
    assert_eq!(statement.predicate_type(), "https://slsa.dev/provenance/v1");
}

#[test]
fn cosign_key_signs_statements_its_public_key_verifies() {
    let (Some(key), Some(public)) = (
        corpus("cosign-keys/cosign.key"),
        public("cosign-keys/cosign.pub"),
    ) else {
        return;
    };
    let key = SigningKey::from_pem(&fs_err::read_to_string(key).unwrap(), Some(b"")).unwrap();
    let statement = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],"predicateType":"https://example.com/p","predicate":{}}"#;
    let env = Envelope::sign(PAYLOAD_TYPE, statement, &key).unwrap();
    let back = Envelope::from_json(&env.to_json()).unwrap();
    let verified = verify_statement(&back, &[&public as &dyn Verify], 1).unwrap();
    assert_eq!(verified.subjects().len(), 1);
    let mut tampered = back.clone();
    if let Some(b) = tampered.payload.last_mut() {
        *b ^= 1;
    }
    assert!(tampered.verify(&[&public as &dyn Verify], 1).is_err());
}
