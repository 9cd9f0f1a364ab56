//! Keys: cosign's encrypted key format, PEM encodings, signing and verification, and refusal of
//! hostile inputs. Real keys come from the shared corpus (`cosign-keys/`, the in-toto demo keys
//! and the DSSE specification's test vector).

#![allow(clippy::print_stderr)] // tests say which fixtures they skip

mod support;

use std::time::{Duration, Instant};

use assay_attest::keys::{Algorithm, FileKeySource, KeyError, KeySource, SigningKey, VerifyingKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const ALL: [Algorithm; 4] = [
    Algorithm::EcdsaP256,
    Algorithm::EcdsaP384,
    Algorithm::Ed25519,
    Algorithm::Rsa3072,
];

fn corpus(rel: &str) -> Option<String> {
    support::corpus(rel).map(|p| fs_err::read_to_string(p).unwrap())
}

fn pem_body(text: &str) -> Vec<u8> {
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    STANDARD.decode(body.trim()).unwrap()
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= 0x01;
    out
}

#[test]
fn cosign_key_decrypts_to_its_public_key() {
    let (Some(key), Some(public)) = (
        corpus("cosign-keys/cosign.key"),
        corpus("cosign-keys/cosign.pub"),
    ) else {
        return;
    };
    let signing = SigningKey::from_cosign_pem(&key, b"").unwrap();
    assert_eq!(signing.algorithm(), Algorithm::EcdsaP256);
    let expected = VerifyingKey::from_pem(&public).unwrap();
    assert_eq!(
        signing.verifying_key().spki_der(),
        pem_body(&public).as_slice()
    );
    assert_eq!(
        pem_body(&signing.verifying_key().to_public_pem()),
        pem_body(&public)
    );

    let msg = b"assay attests";
    let sig = signing.sign(msg).unwrap();
    expected.verify(msg, &sig).unwrap();
    assert!(expected.verify(b"assay attestS", &sig).is_err());
    // from_pem dispatches on the label and needs the password.
    assert!(matches!(
        SigningKey::from_pem(&key, None),
        Err(KeyError::PasswordRequired)
    ));
    assert_eq!(
        SigningKey::from_pem(&key, Some(b""))
            .unwrap()
            .verifying_key(),
        expected
    );
}

#[test]
fn cosign_key_wrong_password_is_typed() {
    let Some(key) = corpus("cosign-keys/cosign.key") else {
        return;
    };
    let err = SigningKey::from_cosign_pem(&key, b"not the password").unwrap_err();
    assert!(matches!(err, KeyError::WrongPassword), "{err:?}");
    assert_eq!(err.to_string(), "wrong password or corrupted key");
}

#[test]
fn legacy_cosign_label_is_read() {
    let Some(key) = corpus("cosign-keys/cosign.key") else {
        return;
    };
    let legacy = key.replace("SIGSTORE", "COSIGN");
    assert!(legacy.contains("BEGIN ENCRYPTED COSIGN PRIVATE KEY"));
    let a = SigningKey::from_cosign_pem(&legacy, b"").unwrap();
    let b = SigningKey::from_cosign_pem(&key, b"").unwrap();
    assert_eq!(a.verifying_key(), b.verifying_key());
}

#[test]
fn in_toto_demo_keys_match_their_public_keys() {
    for (name, algorithm) in [("alice", Algorithm::Ed25519), ("bob", Algorithm::EcdsaP256)] {
        let dir = "sigstore/dsse-intoto";
        let (Some(private), Some(public)) = (
            corpus(&format!("{dir}/{name}.pem")),
            corpus(&format!("{dir}/{name}.pub")),
        ) else {
            return;
        };
        let key = SigningKey::from_pem(&private, None).unwrap();
        assert_eq!(key.algorithm(), algorithm, "{name}");
        let public = VerifyingKey::from_pem(&public).unwrap();
        assert_eq!(key.verifying_key(), public, "{name}");
        let sig = key.sign(b"demo").unwrap();
        public.verify(b"demo", &sig).unwrap();
    }
}

/// DSSE protocol test vector: P-256, RFC 6979 nonces, signature as raw `r || s`.
#[test]
fn dsse_spec_vector_verifies_raw_signature() {
    let Some(text) = corpus("sigstore/dsse-intoto/dsse-spec-test-vector.json") else {
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let decimal = |field: &str| {
        let n =
            rsa::BigUint::parse_bytes(doc["key"][field].as_str().unwrap().as_bytes(), 10).unwrap();
        let bytes = n.to_bytes_be();
        let mut out = vec![0u8; 32 - bytes.len()];
        out.extend(bytes);
        out
    };
    let d = decimal("d");
    let pkcs8 = p256_pkcs8(&d);
    let key = SigningKey::from_pem(&pkcs8, None).unwrap();
    let pae = doc["pae_utf8"].as_str().unwrap().as_bytes();
    let raw = STANDARD
        .decode(doc["envelope"]["signatures"][0]["sig"].as_str().unwrap())
        .unwrap();
    assert_eq!(raw.len(), 64);
    key.verifying_key().verify(pae, &raw).unwrap();
    assert!(key.verifying_key().verify(pae, &flip(&raw, 10)).is_err());
    // Our DER signature is the same deterministic (r, s).
    let der = key.sign(pae).unwrap();
    let ours = p256::ecdsa::Signature::from_der(&der).unwrap();
    assert_eq!(ours.to_bytes().as_slice(), raw.as_slice());
    // The public point matches the vector's x and y.
    let spki = key.verifying_key();
    let point = &spki.spki_der()[spki.spki_der().len() - 64..];
    assert_eq!(point, [decimal("x"), decimal("y")].concat().as_slice());
}

fn p256_pkcs8(d: &[u8]) -> String {
    use p256::pkcs8::EncodePrivateKey as _;
    let key = p256::SecretKey::from_slice(d).unwrap();
    key.to_pkcs8_pem(p256::pkcs8::LineEnding::LF)
        .unwrap()
        .to_string()
}

#[test]
fn every_algorithm_round_trips_through_cosign_format() {
    for algorithm in ALL {
        let key = SigningKey::generate(algorithm).unwrap();
        let pem = key.to_cosign_pem(b"hunter2").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
        assert!(!format!("{key:?}").contains("secret"), "{key:?}");
        let read = SigningKey::from_cosign_pem(&pem, b"hunter2").unwrap();
        assert_eq!(read.algorithm(), algorithm);
        let public = VerifyingKey::from_pem(&key.verifying_key().to_public_pem()).unwrap();
        assert_eq!(public, read.verifying_key());
        assert_eq!(public.key_id().len(), 64);

        let msg = b"in-toto statement bytes";
        let sig = read.sign(msg).unwrap();
        public.verify(msg, &sig).unwrap();
        let bad_msg = flip(msg, 3);
        assert!(
            matches!(
                public.verify(&bad_msg, &sig),
                Err(KeyError::BadSignature { .. })
            ),
            "{algorithm}"
        );
        let bad_sig = flip(&sig, sig.len() / 2);
        assert!(public.verify(msg, &bad_sig).is_err(), "{algorithm}");
        assert!(matches!(
            SigningKey::from_cosign_pem(&pem, b"hunter3"),
            Err(KeyError::WrongPassword)
        ));
    }
}

#[test]
fn every_algorithm_round_trips_through_pkcs8() {
    for algorithm in ALL {
        let key = SigningKey::generate(algorithm).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let read = SigningKey::from_pem(&pem, None).unwrap();
        assert_eq!(read.verifying_key(), key.verifying_key());
    }
}

#[test]
fn sec1_and_pkcs1_private_keys_are_read() {
    use p384::pkcs8::LineEnding;
    use rsa::pkcs1::{EncodeRsaPrivateKey as _, EncodeRsaPublicKey as _};
    let ec = p384::SecretKey::random(&mut rand_core::OsRng);
    let key = SigningKey::from_pem(&ec.to_sec1_pem(LineEnding::LF).unwrap(), None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::EcdsaP384);

    let rsa = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
    let key = SigningKey::from_pem(&rsa.to_pkcs1_pem(LineEnding::LF).unwrap(), None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::Rsa3072);
    let pkcs1_public = rsa.to_public_key().to_pkcs1_pem(LineEnding::LF).unwrap();
    assert!(pkcs1_public.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    let public = VerifyingKey::from_pem(&pkcs1_public).unwrap();
    assert_eq!(public, key.verifying_key());
    public.verify(b"x", &key.sign(b"x").unwrap()).unwrap();
}

#[test]
fn rsa_pss_signatures_verify() {
    use signature::RandomizedSigner as _;
    use signature::SignatureEncoding as _;
    let rsa = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
    let signer = rsa::pss::SigningKey::<sha2::Sha256>::new(rsa.clone());
    let sig = signer.sign_with_rng(&mut rand_core::OsRng, b"pss").to_vec();
    let public = SigningKey::from_pkcs1_der(
        &rsa::pkcs1::EncodeRsaPrivateKey::to_pkcs1_der(&rsa)
            .unwrap()
            .to_bytes(),
    )
    .unwrap()
    .verifying_key();
    public.verify(b"pss", &sig).unwrap();
    assert!(public.verify(b"PSS", &sig).is_err());
}

#[test]
fn ed25519_signatures_are_deterministic() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let a = key.sign(b"same message").unwrap();
    let b = key.sign(b"same message").unwrap();
    assert_eq!(a.len(), 64);
    assert_eq!(a, b);
    assert_ne!(a, key.sign(b"other message").unwrap());
}

#[test]
fn scrypt_cost_bomb_is_refused_quickly() {
    let json = format!(
        r#"{{"kdf":{{"name":"scrypt","params":{{"N":{},"r":8,"p":1}},"salt":"{}"}},"cipher":{{"name":"nacl/secretbox","nonce":"{}"}},"ciphertext":"{}"}}"#,
        1u64 << 30,
        STANDARD.encode([7u8; 32]),
        STANDARD.encode([9u8; 24]),
        STANDARD.encode([1u8; 80]),
    );
    let pem = format!(
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
        STANDARD.encode(&json)
    );
    let start = Instant::now();
    let err = SigningKey::from_cosign_pem(&pem, b"").unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(err, KeyError::ScryptLimit { n, r: 8, p: 1 } if n == 1 << 30),
        "{err:?}"
    );
    // Huge r with a small N is refused too (memory is 128·N·r).
    let wide = json.replace(&format!("\"N\":{}", 1u64 << 30), "\"N\":1048576");
    let pem = pem.replace(&STANDARD.encode(&json), &STANDARD.encode(wide));
    assert!(matches!(
        SigningKey::from_cosign_pem(&pem, b""),
        Err(KeyError::ScryptLimit { .. })
    ));
}

#[test]
fn malformed_encrypted_bodies_are_typed() {
    let wrap = |json: &str| {
        format!(
            "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
            STANDARD.encode(json)
        )
    };
    for json in [
        "not json",
        r#"{"kdf":{"name":"pbkdf2","params":{"N":2,"r":1,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#,
        r#"{"kdf":{"name":"scrypt","params":{"N":2,"r":1,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#,
        r#"{"kdf":{"name":"scrypt","params":{"N":2,"r":1,"p":1},"salt":"!!"},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#,
    ] {
        let err = SigningKey::from_cosign_pem(&wrap(json), b"").unwrap_err();
        assert!(
            matches!(err, KeyError::EncryptedFormat { .. }),
            "{json}: {err:?}"
        );
    }
    let not_power_of_two = r#"{"kdf":{"name":"scrypt","params":{"N":3,"r":1,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#;
    assert!(matches!(
        SigningKey::from_cosign_pem(&wrap(not_power_of_two), b""),
        Err(KeyError::ScryptLimit { n: 3, .. })
    ));
}

#[test]
fn truncated_and_garbage_pem_are_typed() {
    let key = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
    let pem = key.to_pkcs8_pem().unwrap();
    let truncated = &pem[..pem.len() / 2];
    assert!(matches!(
        SigningKey::from_pem(truncated, None),
        Err(KeyError::Pem { .. })
    ));
    let garbage = "-----BEGIN PRIVATE KEY-----\n@@@not base64@@@\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        SigningKey::from_pem(garbage, None),
        Err(KeyError::Pem { .. })
    ));
    let not_der = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        SigningKey::from_pem(not_der, None),
        Err(KeyError::InvalidKey { .. })
    ));
    let public = key.verifying_key().to_public_pem();
    let cut = public.replacen("A", "", 1);
    assert!(VerifyingKey::from_pem(&cut).is_err());
    assert!(matches!(
        VerifyingKey::from_pem("hello"),
        Err(KeyError::Pem { .. })
    ));
    assert!(matches!(
        SigningKey::from_pem(&public, None),
        Err(KeyError::UnexpectedPemLabel { .. })
    ));
    let huge = "A".repeat(1 << 20);
    assert!(matches!(
        VerifyingKey::from_pem(&huge),
        Err(KeyError::InputTooLarge { .. })
    ));
}

#[test]
fn weak_rsa_keys_are_refused() {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::{EncodePublicKey as _, LineEnding};
    let weak = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 1024).unwrap();
    let public = weak
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let err = VerifyingKey::from_pem(&public).unwrap_err();
    assert!(
        matches!(err, KeyError::WeakRsaKey { bits: 1024 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("1024"));
    let private = weak.to_pkcs1_pem(LineEnding::LF).unwrap();
    assert!(matches!(
        SigningKey::from_pem(&private, None),
        Err(KeyError::WeakRsaKey { bits: 1024 })
    ));
}

fn spki_der(oid: &str, curve: Option<&str>, key: &[u8]) -> Vec<u8> {
    use spki::der::Encode as _;
    let curve = curve.map(|c| spki::ObjectIdentifier::new(c).unwrap());
    let info = spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: spki::ObjectIdentifier::new(oid).unwrap(),
            parameters: curve.as_ref().map(spki::der::AnyRef::from),
        },
        subject_public_key: spki::der::asn1::BitStringRef::from_bytes(key).unwrap(),
    };
    info.to_der().unwrap()
}

#[test]
fn unknown_key_types_name_their_oid() {
    let dsa = spki_der("1.2.840.10040.4.1", None, &[2, 1, 5]);
    let err = VerifyingKey::from_spki_der(&dsa).unwrap_err();
    assert!(
        matches!(&err, KeyError::UnsupportedAlgorithm { name: "DSA", oid } if oid == "1.2.840.10040.4.1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("1.2.840.10040.4.1"));

    let k256 = spki_der("1.2.840.10045.2.1", Some("1.3.132.0.10"), &[4; 65]);
    let err = VerifyingKey::from_spki_der(&k256).unwrap_err();
    assert!(
        matches!(&err, KeyError::UnsupportedCurve { name: "secp256k1", oid } if oid == "1.3.132.0.10"),
        "{err:?}"
    );

    let made_up = spki_der("1.3.6.1.4.1.99999.1", None, &[0; 8]);
    assert!(matches!(
        VerifyingKey::from_spki_der(&made_up),
        Err(KeyError::UnsupportedAlgorithm {
            name: "unknown",
            ..
        })
    ));
}

#[test]
fn wrong_length_signatures_fail_without_panicking() {
    for algorithm in ALL {
        let public = SigningKey::generate(algorithm).unwrap().verifying_key();
        for sig in [&[][..], &[0u8; 1][..], &[0xff; 64][..], &[0x30; 600][..]] {
            assert!(
                public.verify(b"m", sig).is_err(),
                "{algorithm} {}",
                sig.len()
            );
        }
    }
}

#[test]
fn file_key_source_reads_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cosign.key");
    let key = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
    fs_err::write(&path, key.to_cosign_pem(b"pw").unwrap()).unwrap();

    let signer = FileKeySource::new(&path, Some(b"pw")).signer().unwrap();
    assert_eq!(signer.public_key(), key.verifying_key());
    key.verifying_key()
        .verify(b"m", &signer.sign(b"m").unwrap())
        .unwrap();

    let err = FileKeySource::new(&path, Some(b"nope"))
        .signer()
        .err()
        .unwrap();
    assert!(
        matches!(&err, KeyError::InFile { source, .. } if matches!(**source, KeyError::WrongPassword))
    );
    assert!(err.to_string().contains("cosign.key"), "{err}");
    assert!(!format!("{:?}", FileKeySource::new(&path, Some(b"pw"))).contains("pw\""));

    let missing = dir.path().join("absent.key");
    let err = FileKeySource::new(&missing, None).signer().err().unwrap();
    assert!(matches!(err, KeyError::Io { .. }));
    assert!(err.to_string().contains("absent.key"));

    let in_memory: Box<dyn KeySource> = Box::new(key.clone());
    assert_eq!(
        in_memory.signer().unwrap().public_key(),
        key.verifying_key()
    );
}
