//! `assay trust update` against a real Sigstore TUF repository snapshot served from a local
//! directory (the tuf-conformance static copy of sigstore/root-signing, frozen at its
//! `faketime`), and the trusted root it installs used for keyless verification.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assay, corpus, stderr};

fn update(state: &Path, repo: &Path, at: Option<u64>, root: bool) -> Output {
    let mut cmd = assay();
    cmd.env("ASSAY_TRUST_DIR", state)
        .args(["trust", "update", "--tuf-url"])
        .arg(repo);
    if root {
        cmd.arg("--root").arg(repo.join("initial_root.json"));
    }
    if let Some(at) = at {
        cmd.args(["--at", &at.to_string()]);
    }
    cmd.output().unwrap()
}

/// `faketime` (`2025-02-09 12:02:08+00:00`) as Unix seconds.
fn faketime(repo: &Path) -> u64 {
    let text = std::fs::read_to_string(repo.join("faketime")).unwrap();
    let date = text.trim().replace(' ', "T").replace("+00:00", "Z");
    assay_attest::tuf::parse_utc(&date).expect("faketime parses")
}

fn installed(state: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(state)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].join("targets/trusted_root.json")
}

#[test]
fn update_from_a_mirror_installs_the_signed_trusted_root() {
    let Some(repo) = corpus("sigstore/tuf-static/sigstore-root-signing") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let at = faketime(&repo);
    let o = update(state.path(), &repo, Some(at), true);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read(installed(state.path())).unwrap();
    let target = std::fs::read_dir(repo.join("targets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".trusted_root.json"))
        .unwrap();
    assert_eq!(got, std::fs::read(target).unwrap());

    // Again: nothing new, still fine; the root chain was walked to the newest root.
    let o = update(state.path(), &repo, Some(at), false);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("root: 12"), "{}", stderr(&o));

    // The installed root verifies a bundle signed before the snapshot was taken.
    let Some(cases) = corpus("sigstore/conformance/bundle-verify") else {
        return;
    };
    let o = assay()
        .args(["verify-blob"])
        .arg(cases.join("a.txt"))
        .arg("--bundle")
        .arg(cases.join("happy-path-v0.3/bundle.sigstore.json"))
        .args([
            "--certificate-identity-regexp",
            "^https://github.com/sigstore-conformance/",
            "--certificate-oidc-issuer",
            "https://token.actions.githubusercontent.com",
            "--trusted-root",
        ])
        .arg(installed(state.path()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Today the snapshot's metadata is long expired: a freeze attack, refused (exit 3), and
/// nothing is installed.
#[test]
fn expired_repository_is_refused() {
    let Some(repo) = corpus("sigstore/tuf-static/sigstore-root-signing") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let o = update(state.path(), &repo, None, true);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("expired"), "{}", stderr(&o));
    assert!(!installed(state.path()).exists());
}

/// A repository other than Sigstore's needs an initial root the first time.
#[test]
fn unknown_repository_needs_a_root() {
    let Some(repo) = corpus("sigstore/tuf-static/tuf-on-ci-0.11") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let o = update(state.path(), &repo, None, false);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--root"), "{}", stderr(&o));
}
