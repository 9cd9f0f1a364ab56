//! `assay key generate|public`: cosign-format key pairs.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use common::{assay, corpus, stderr, stdout};

fn key(args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut c = assay();
    c.arg("key")
        .args(args)
        .env_remove("ASSAY_PASSWORD")
        .env_remove("COSIGN_PASSWORD");
    if let Some(p) = password {
        c.env("ASSAY_PASSWORD", p);
    }
    c.stdin(Stdio::null()).output().unwrap()
}

#[test]
fn generate_then_public_for_every_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    for alg in ["ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-3072"] {
        let prefix = dir.path().join(alg);
        let p = prefix.display().to_string();
        let o = key(
            &["generate", "--output-key-prefix", &p, "--algorithm", alg],
            Some("s3cret"),
        );
        assert!(o.status.success(), "{alg}: {}", stderr(&o));
        let private = std::fs::read_to_string(format!("{p}.key")).unwrap();
        assert!(private.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"));
        let mode = |ext: &str| {
            std::fs::metadata(format!("{p}.{ext}"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!((mode("key"), mode("pub")), (0o600, 0o644), "{alg}");
        let o = key(&["public", "--key", &format!("{p}.key")], Some("s3cret"));
        assert!(o.status.success(), "{alg}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            std::fs::read_to_string(format!("{p}.pub")).unwrap()
        );
        let o = key(&["public", "--key", &format!("{p}.key")], Some("wrong"));
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("wrong password"), "{}", stderr(&o));
    }
}

#[test]
fn existing_keys_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("k").display().to_string();
    assert!(
        key(&["generate", "--output-key-prefix", &p], Some(""))
            .status
            .success()
    );
    let before = std::fs::read(format!("{p}.key")).unwrap();
    let o = key(&["generate", "--output-key-prefix", &p], Some(""));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(before, std::fs::read(format!("{p}.key")).unwrap());
}

#[test]
fn no_password_and_no_terminal_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("k").display().to_string();
    let o = key(&["generate", "--output-key-prefix", &p], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ASSAY_PASSWORD"), "{}", stderr(&o));
    assert!(!std::path::Path::new(&format!("{p}.key")).exists());
}

/// A key written by cosign itself (empty password) gives cosign's public key.
#[test]
fn cosign_generated_key_reads() {
    let (Some(k), Some(pubkey)) = (
        corpus("cosign-keys/cosign.key"),
        corpus("cosign-keys/cosign.pub"),
    ) else {
        return;
    };
    let mut c = assay();
    c.args(["key", "public", "--key"]).arg(&k);
    let o = c
        .env_remove("ASSAY_PASSWORD")
        .env("COSIGN_PASSWORD", "")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(
        squash(&stdout(&o)),
        squash(&std::fs::read_to_string(pubkey).unwrap())
    );
}
