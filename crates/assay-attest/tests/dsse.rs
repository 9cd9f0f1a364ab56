//! DSSE envelopes and in-toto Statements against envelopes written by other implementations
//! (the DSSE spec test vector; in-toto 3.1 / securesystemslib 1.6 with Ed25519 and P-256 keys).
//!
//! Keys are wrapped here with the RustCrypto crates directly, so these tests exercise only the
//! envelope and Statement code. Corpus-backed tests skip when the shared corpus is absent, unless
//! `ASSAY_REQUIRE_FIXTURES=1`.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use assay_attest::dsse::{DsseError, Envelope, Limits, Sign, SignError, Signature, Verify, pae};
use assay_attest::statement::{
    PAYLOAD_TYPE, Statement, StatementError, StatementType, Subject, verify_statement,
};
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use sha2::Digest as _;
use signature::{Signer as _, Verifier as _};

// ---------------------------------------------------------------------------------------------
// Fixtures and test keys

#[allow(clippy::print_stderr)]
fn corpus() -> Option<PathBuf> {
    support::corpus("sigstore/dsse-intoto")
}

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    fs_err::read(dir.join(name)).unwrap()
}

fn read_str(dir: &std::path::Path, name: &str) -> String {
    fs_err::read_to_string(dir.join(name)).unwrap()
}

struct P256Verifier {
    key: p256::ecdsa::VerifyingKey,
    id: Option<String>,
}

impl P256Verifier {
    fn from_pem(pem: &str) -> Self {
        let key = p256::ecdsa::VerifyingKey::from_public_key_pem(pem).unwrap();
        Self { key, id: None }
    }
}

impl Verify for P256Verifier {
    fn key_id(&self) -> Option<String> {
        self.id.clone()
    }

    /// Accepts both the raw `r||s` (64 bytes) and the DER encodings.
    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), SignError> {
        let sig = match sig.len() {
            64 => p256::ecdsa::Signature::from_slice(sig),
            _ => p256::ecdsa::Signature::from_der(sig),
        }
        .map_err(SignError::new)?;
        self.key.verify(msg, &sig).map_err(SignError::new)
    }
}

struct Ed25519Verifier {
    key: ed25519_dalek::VerifyingKey,
    id: Option<String>,
}

impl Ed25519Verifier {
    fn from_pem(pem: &str) -> Self {
        let key = ed25519_dalek::VerifyingKey::from_public_key_pem(pem).unwrap();
        Self { key, id: None }
    }
}

impl Verify for Ed25519Verifier {
    fn key_id(&self) -> Option<String> {
        self.id.clone()
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), SignError> {
        let sig = ed25519_dalek::Signature::from_slice(sig).map_err(SignError::new)?;
        self.key.verify_strict(msg, &sig).map_err(SignError::new)
    }
}

struct Ed25519Signer {
    key: ed25519_dalek::SigningKey,
    id: Option<String>,
}

impl Sign for Ed25519Signer {
    fn key_id(&self) -> Option<String> {
        self.id.clone()
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.key.sign(msg).to_bytes().to_vec())
    }
}

fn alice_signer(dir: &std::path::Path) -> Ed25519Signer {
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&read_str(dir, "alice.pem")).unwrap();
    Ed25519Signer { key, id: None }
}

/// A decimal integer as 32 big-endian bytes (schoolbook multiply-by-ten).
fn decimal_to_be32(decimal: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for digit in decimal.bytes() {
        assert!(digit.is_ascii_digit(), "not a decimal digit: {digit}");
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "{decimal} does not fit in 32 bytes");
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn statement_json(type_uri: &str, digest: &str) -> String {
    format!(
        r#"{{"_type":"{type_uri}","subject":[{{"name":"a","digest":{digest}}}],"predicateType":"https://example.com/p/v1","predicate":{{"k":1}}}}"#
    )
}

// ---------------------------------------------------------------------------------------------
// Interop: envelopes written by other implementations

#[test]
fn pae_matches_hand_encoding() {
    assert_eq!(
        pae("http://example.com/HelloWorld", b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    );
    assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    // Lengths count bytes, not characters.
    let mut expected = "DSSEv1 2 é 1 ".as_bytes().to_vec();
    expected.push(0xff);
    assert_eq!(pae("é", b"\xff"), expected);
}

#[test]
fn spec_test_vector_verifies() {
    let Some(dir) = corpus() else { return };
    let vector: serde_json::Value =
        serde_json::from_slice(&read(&dir, "dsse-spec-test-vector.json")).unwrap();
    let x = decimal_to_be32(vector["key"]["x"].as_str().unwrap());
    let y = decimal_to_be32(vector["key"]["y"].as_str().unwrap());
    let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
    let key = p256::ecdsa::VerifyingKey::from_encoded_point(&point).unwrap();
    let verifier = P256Verifier { key, id: None };

    let envelope_json = serde_json::to_vec(&vector["envelope"]).unwrap();
    let envelope = Envelope::from_json(&envelope_json).unwrap();
    assert_eq!(
        envelope.payload,
        vector["payload_utf8"].as_str().unwrap().as_bytes()
    );
    assert_eq!(envelope.signatures[0].sig.len(), 64, "raw r||s");
    assert_eq!(
        pae(&envelope.payload_type, &envelope.payload),
        vector["pae_utf8"].as_str().unwrap().as_bytes()
    );
    let verified = envelope.verify(&[&verifier], 1).unwrap();
    assert_eq!(verified.payload_type, "http://example.com/HelloWorld");
    assert_eq!(verified.key_ids, vec![None]);
}

#[test]
fn in_toto_link_verifies_with_alice() {
    let Some(dir) = corpus() else { return };
    let envelope = Envelope::from_json(&read(&dir, "build.12fc9198.link")).unwrap();
    let alice = Ed25519Verifier::from_pem(&read_str(&dir, "alice.pub"));
    let verified = envelope.verify(&[&alice], 1).unwrap();
    let link: serde_json::Value = serde_json::from_slice(&verified.payload).unwrap();
    assert_eq!(link["_type"], "link");
    assert_eq!(link["name"], "build");
    // bob did not sign the link.
    let bob = P256Verifier::from_pem(&read_str(&dir, "bob.pub"));
    assert!(matches!(
        envelope.verify(&[&bob], 1),
        Err(DsseError::NoneVerified {
            signatures: 1,
            verifiers: 1
        })
    ));
}

#[test]
fn layout_verifies_with_bob() {
    let Some(dir) = corpus() else { return };
    let envelope = Envelope::from_json(&read(&dir, "root.layout")).unwrap();
    let bob = P256Verifier::from_pem(&read_str(&dir, "bob.pub"));
    let verified = envelope.verify(&[&bob], 1).unwrap();
    let layout: serde_json::Value = serde_json::from_slice(&verified.payload).unwrap();
    assert_eq!(layout["_type"], "layout");
}

#[test]
fn provenance_statement_verifies_and_binds_out_tar() {
    let Some(dir) = corpus() else { return };
    let envelope = Envelope::from_json(&read(&dir, "out.intoto.json")).unwrap();
    let bob = P256Verifier::from_pem(&read_str(&dir, "bob.pub"));
    let statement = verify_statement(&envelope, &[&bob], 1).unwrap();
    assert_eq!(statement.statement_type(), StatementType::V1);
    assert_eq!(statement.predicate_type(), "https://slsa.dev/provenance/v1");
    let tar_digest = sha256_hex(&read(&dir, "out.tar"));
    let subject = &statement.subjects()[0];
    assert_eq!(subject.name(), "out.tar");
    assert_eq!(subject.digest()["sha256"], tar_digest);
    assert!(statement.matches_digest("sha256", &tar_digest));
    assert!(statement.matches_digest("sha256", &tar_digest.to_uppercase()));
    assert!(!statement.matches_digest("sha256", &sha256_hex(b"something else")));
    assert!(!statement.matches_digest("sha512", &tar_digest));
}

#[test]
fn keyid_hint_narrows_but_does_not_decide() {
    let Some(dir) = corpus() else { return };
    let envelope = Envelope::from_json(&read(&dir, "out.intoto.json")).unwrap();
    let hint = envelope.signatures[0].keyid.clone().unwrap();
    let pem = read_str(&dir, "bob.pub");
    let named = P256Verifier {
        id: Some(hint.clone()),
        ..P256Verifier::from_pem(&pem)
    };
    let verified = envelope.verify(&[&named], 1).unwrap();
    assert_eq!(verified.key_ids, vec![Some(hint)]);
    // The right key under another id is not tried.
    let misnamed = P256Verifier {
        id: Some("other".into()),
        ..P256Verifier::from_pem(&pem)
    };
    assert!(matches!(
        envelope.verify(&[&misnamed], 1),
        Err(DsseError::NoneVerified { .. })
    ));
    // Without a hint in the envelope every key is tried.
    let mut unhinted = envelope.clone();
    unhinted.signatures[0].keyid = None;
    assert!(unhinted.verify(&[&misnamed], 1).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Mutations

fn assert_rejected(envelope: &Envelope, verifier: &dyn Verify, what: &str) {
    match envelope.verify(&[verifier], 1) {
        Err(DsseError::NoneVerified { .. }) => {}
        other => panic!("{what}: expected NoneVerified, got {other:?}"),
    }
}

fn sample_positions(len: usize) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..len).step_by(7).collect();
    positions.extend([0, len / 2, len.saturating_sub(1)]);
    positions
}

fn mutate_everywhere(envelope: &Envelope, verifier: &dyn Verify) {
    envelope.verify(&[verifier], 1).unwrap();
    for i in sample_positions(envelope.payload.len()) {
        let mut bad = envelope.clone();
        bad.payload[i] ^= 0x01;
        assert_rejected(&bad, verifier, &format!("payload byte {i}"));
    }
    for i in 0..envelope.payload_type.len() {
        let mut bytes = envelope.payload_type.clone().into_bytes();
        bytes[i] ^= 0x01;
        let mut bad = envelope.clone();
        bad.payload_type = String::from_utf8(bytes).unwrap();
        assert_rejected(&bad, verifier, &format!("payloadType byte {i}"));
    }
    for i in 0..envelope.signatures[0].sig.len() {
        let mut bad = envelope.clone();
        bad.signatures[0].sig[i] ^= 0x01;
        assert_rejected(&bad, verifier, &format!("signature byte {i}"));
    }
}

#[test]
fn single_byte_flips_break_every_corpus_signature() {
    let Some(dir) = corpus() else { return };
    let alice = Ed25519Verifier::from_pem(&read_str(&dir, "alice.pub"));
    let bob = P256Verifier::from_pem(&read_str(&dir, "bob.pub"));
    let link = Envelope::from_json(&read(&dir, "build.12fc9198.link")).unwrap();
    mutate_everywhere(&link, &alice);
    let statement = Envelope::from_json(&read(&dir, "out.intoto.json")).unwrap();
    mutate_everywhere(&statement, &bob);
}

#[test]
fn empty_signature_list_is_its_own_error() {
    let json = br#"{"payload":"aGk=","payloadType":"t","signatures":[]}"#;
    assert!(matches!(
        Envelope::from_json(json),
        Err(DsseError::NoSignatures)
    ));
    let built = Envelope {
        payload: b"hi".to_vec(),
        payload_type: "t".into(),
        signatures: vec![],
    };
    let never = P256Verifier {
        key: *p256::ecdsa::SigningKey::from_slice(&[7u8; 32])
            .unwrap()
            .verifying_key(),
        id: None,
    };
    assert!(matches!(
        built.verify(&[&never], 1),
        Err(DsseError::NoSignatures)
    ));
}

#[test]
fn threshold_counts_distinct_keys() {
    let Some(dir) = corpus() else { return };
    let signer = alice_signer(&dir);
    let alice = Ed25519Verifier::from_pem(&read_str(&dir, "alice.pub"));
    let bob = P256Verifier::from_pem(&read_str(&dir, "bob.pub"));
    let mut envelope = Envelope::sign("t", b"body", &signer).unwrap();
    // The same signature twice is still one key.
    envelope.signatures.push(envelope.signatures[0].clone());
    assert_eq!(
        envelope.verify(&[&alice, &bob], 1).unwrap().key_ids.len(),
        1
    );
    assert!(matches!(
        envelope.verify(&[&alice, &bob], 2),
        Err(DsseError::ThresholdNotMet {
            verified: 1,
            threshold: 2
        })
    ));
    assert!(matches!(
        envelope.verify(&[&alice], 0),
        Err(DsseError::ZeroThreshold)
    ));
}

// ---------------------------------------------------------------------------------------------
// Signing

#[test]
fn ed25519_signing_round_trip_is_deterministic() {
    let Some(dir) = corpus() else { return };
    let signer = alice_signer(&dir);
    let alice = Ed25519Verifier::from_pem(&read_str(&dir, "alice.pub"));
    let digest = BTreeMap::from([("sha256".to_owned(), sha256_hex(&read(&dir, "out.tar")))]);
    let statement = Statement::new(
        vec![Subject::new("out.tar", digest).unwrap()],
        "https://example.com/test/v1",
        serde_json::json!({"note": "round trip"}),
    )
    .unwrap();
    let payload = statement.to_json();
    let signed = Envelope::sign(PAYLOAD_TYPE, &payload, &signer).unwrap();
    let again = Envelope::sign(PAYLOAD_TYPE, &payload, &signer).unwrap();
    assert_eq!(signed.signatures[0].sig, again.signatures[0].sig);

    let json = signed.to_json();
    let reparsed = Envelope::from_json(&json).unwrap();
    assert_eq!(reparsed, signed);
    assert_eq!(reparsed.to_json(), json);
    let back = verify_statement(&reparsed, &[&alice], 1).unwrap();
    assert_eq!(back, statement);
    assert_eq!(back.to_json(), payload);
}

#[test]
fn resigning_the_link_reproduces_in_toto_signature() {
    let Some(dir) = corpus() else { return };
    let link = Envelope::from_json(&read(&dir, "build.12fc9198.link")).unwrap();
    let signed = Envelope::sign(&link.payload_type, &link.payload, &alice_signer(&dir)).unwrap();
    assert_eq!(signed.signatures[0].sig, link.signatures[0].sig);
}

#[test]
fn to_json_field_order_and_padding() {
    let envelope = Envelope {
        payload: b"hello world".to_vec(),
        payload_type: "a\"b".into(),
        signatures: vec![
            Signature {
                keyid: Some("k".into()),
                sig: vec![0xfb, 0xff],
            },
            Signature {
                keyid: None,
                sig: vec![1],
            },
        ],
    };
    assert_eq!(
        String::from_utf8(envelope.to_json()).unwrap(),
        r#"{"payload":"aGVsbG8gd29ybGQ=","payloadType":"a\"b","signatures":[{"keyid":"k","sig":"+/8="},{"sig":"AQ=="}]}"#
    );
}

#[test]
fn payload_type_is_bound_for_statements() {
    let Some(dir) = corpus() else { return };
    let alice = Ed25519Verifier::from_pem(&read_str(&dir, "alice.pub"));
    let inner = Envelope::from_json(&read(&dir, "out.intoto.json")).unwrap();
    let envelope = Envelope::sign("application/json", &inner.payload, &alice_signer(&dir)).unwrap();
    assert!(
        envelope.verify(&[&alice], 1).is_ok(),
        "the signature itself is valid"
    );
    match verify_statement(&envelope, &[&alice], 1) {
        Err(DsseError::PayloadType { expected, found }) => {
            assert_eq!(expected, PAYLOAD_TYPE);
            assert_eq!(found, "application/json");
        }
        other => panic!("expected PayloadType, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing rules

#[test]
fn base64_variants_are_accepted_and_garbage_refused() {
    let parse = |payload: &str| {
        let json =
            format!(r#"{{"payload":"{payload}","payloadType":"t","signatures":[{{"sig":"AQ"}}]}}"#);
        Envelope::from_json(json.as_bytes())
    };
    assert_eq!(parse("+/8=").unwrap().payload, [0xfb, 0xff]);
    assert_eq!(parse("+/8").unwrap().payload, [0xfb, 0xff]);
    assert_eq!(parse("-_8=").unwrap().payload, [0xfb, 0xff]);
    assert_eq!(parse("-_8").unwrap().payload, [0xfb, 0xff]);
    assert_eq!(parse("").unwrap().payload, b"");
    for bad in ["+_8=", "aGk=x", "aG k=", "aGk==", "a"] {
        match parse(bad) {
            Err(DsseError::Base64 { field, .. }) => assert_eq!(field, "payload", "{bad}"),
            other => panic!("{bad}: expected Base64 error, got {other:?}"),
        }
    }
    let bad_sig = br#"{"payload":"","payloadType":"t","signatures":[{"sig":"AQ"},{"sig":"*"}]}"#;
    match Envelope::from_json(bad_sig) {
        Err(DsseError::Base64 { field, .. }) => assert_eq!(field, "signatures[1].sig"),
        other => panic!("expected Base64 error, got {other:?}"),
    }
}

#[test]
fn missing_fields_are_refused_and_unknown_ignored() {
    for json in [
        r#"{"payloadType":"t","signatures":[{"sig":"AQ"}]}"#,
        r#"{"payload":"","signatures":[{"sig":"AQ"}]}"#,
        r#"{"payload":"","payloadType":"t"}"#,
        r#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#,
        r#"{"payload":"","payload":"","payloadType":"t","signatures":[{"sig":"AQ"}]}"#,
        r#"not json"#,
    ] {
        assert!(
            matches!(
                Envelope::from_json(json.as_bytes()),
                Err(DsseError::Json(_))
            ),
            "{json}"
        );
    }
    let extra = br#"{"payload":"","payloadType":"t","signatures":[{"sig":"AQ","x":1}],"y":2}"#;
    let envelope = Envelope::from_json(extra).unwrap();
    assert_eq!(envelope.signatures[0].keyid, None);
    let empty_keyid = br#"{"payload":"","payloadType":"t","signatures":[{"keyid":"","sig":"AQ"}]}"#;
    assert_eq!(
        Envelope::from_json(empty_keyid).unwrap().signatures[0].keyid,
        None
    );
}

#[test]
fn limits_are_typed_errors() {
    let limits = Limits {
        max_payload_bytes: 4,
        max_signatures: 2,
    };
    let with = |payload: &str, sigs: usize| {
        let sigs = vec![r#"{"sig":"AQ"}"#; sigs].join(",");
        let json = format!(r#"{{"payload":"{payload}","payloadType":"t","signatures":[{sigs}]}}"#);
        Envelope::from_json_with_limits(json.as_bytes(), limits)
    };
    assert!(with("AAAAAA", 2).is_ok(), "4 bytes is at the limit");
    assert!(matches!(
        with("AAAAAAA", 1),
        Err(DsseError::PayloadTooLarge { size: 5, limit: 4 })
    ));
    assert!(matches!(
        with("AAAAAAAAAAAAAAAA", 1),
        Err(DsseError::PayloadTooLarge { .. })
    ));
    assert!(matches!(
        with("", 3),
        Err(DsseError::TooManySignatures { count: 3, limit: 2 })
    ));
    let sigs = vec![r#"{"sig":"AQ"}"#; 101].join(",");
    let json = format!(r#"{{"payload":"","payloadType":"t","signatures":[{sigs}]}}"#);
    assert!(matches!(
        Envelope::from_json(json.as_bytes()),
        Err(DsseError::TooManySignatures {
            count: 101,
            limit: 100
        })
    ));
}

#[test]
fn statement_versions_and_subject_rules() {
    let sha = format!(r#"{{"sha256":"{}"}}"#, sha256_hex(b"a"));
    let v01 =
        Statement::from_json(statement_json("https://in-toto.io/Statement/v0.1", &sha).as_bytes())
            .unwrap();
    assert_eq!(v01.statement_type(), StatementType::V01);
    assert!(v01.matches_digest("sha256", &sha256_hex(b"a")));
    let v1 =
        Statement::from_json(statement_json("https://in-toto.io/Statement/v1", &sha).as_bytes())
            .unwrap();
    assert_eq!(Statement::from_json(&v1.to_json()).unwrap(), v1);

    let refuse = |type_uri: &str, digest: &str| {
        Statement::from_json(statement_json(type_uri, digest).as_bytes()).unwrap_err()
    };
    let v1_uri = "https://in-toto.io/Statement/v1";
    assert!(matches!(
        refuse(v1_uri, "{}"),
        StatementError::NoDigests { .. }
    ));
    assert!(matches!(
        refuse("https://in-toto.io/Statement/v2", &sha),
        StatementError::UnknownType(_)
    ));
    let upper = format!(r#"{{"sha256":"{}"}}"#, sha256_hex(b"a").to_uppercase());
    assert!(matches!(
        refuse(v1_uri, &upper),
        StatementError::BadDigest { .. }
    ));
    assert!(matches!(
        refuse(v1_uri, r#"{"sha256":"abc"}"#),
        StatementError::BadDigest { .. }
    ));
    assert!(matches!(
        refuse(v1_uri, r#"{"sha1":"zz"}"#),
        StatementError::BadDigest { .. }
    ));
    assert!(matches!(
        refuse(v1_uri, r#"{"gitCommit":"xyz"}"#),
        StatementError::BadDigest { .. }
    ));
    let dup = format!(
        r#"{{"sha256":"{}","sha256":"{}"}}"#,
        sha256_hex(b"a"),
        sha256_hex(b"b")
    );
    assert!(matches!(refuse(v1_uri, &dup), StatementError::Json(_)));
    let other_alg =
        Statement::from_json(statement_json(v1_uri, r#"{"gitCommit":"ABC123"}"#).as_bytes());
    assert!(
        other_alg.is_ok(),
        "unknown algorithms are kept as given when hex"
    );
}

#[test]
fn statement_shape_rules() {
    let sha = sha256_hex(b"a");
    let no_subjects =
        r#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#;
    assert!(matches!(
        Statement::from_json(no_subjects.as_bytes()),
        Err(StatementError::NoSubjects)
    ));
    let empty_type = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"digest":{{"sha256":"{sha}"}}}}],"predicateType":""}}"#
    );
    assert!(matches!(
        Statement::from_json(empty_type.as_bytes()),
        Err(StatementError::EmptyPredicateType)
    ));
    let unnamed = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"digest":{{"sha256":"{sha}"}}}}],"predicateType":"p"}}"#
    );
    let statement = Statement::from_json(unnamed.as_bytes()).unwrap();
    assert_eq!(statement.subjects()[0].name(), "");
    assert_eq!(statement.predicate(), serde_json::json!({}));
    let array_predicate = unnamed.replace(
        r#""predicateType":"p""#,
        r#""predicateType":"p","predicate":[1]"#,
    );
    assert!(matches!(
        Statement::from_json(array_predicate.as_bytes()),
        Err(StatementError::PredicateNotObject)
    ));
}
