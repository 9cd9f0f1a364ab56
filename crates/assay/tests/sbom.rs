//! `assay sbom` on the shared test image, checked by the reference tools: pyspdxtools and
//! ntia-checker for SPDX, check-jsonschema with the official CycloneDX schemas, and syft
//! itself for the package set.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run, stderr, stdout};
use serde_json::Value;

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--help").output().is_ok();
    if !found {
        common::skip(&format!(
            "{name} is not installed (pip install, see .ci/run)"
        ));
    }
    found
}

fn oci_source() -> Option<String> {
    common::test_image_dir().map(|d| format!("oci-dir:{}/oci:app", d.display()))
}

/// Runs `assay sbom` once with both file outputs; returns (spdx, cyclonedx) paths.
fn generate(dir: &Path, source: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let spdx = dir.join("out.spdx.json");
    let cdx = dir.join("out.cdx.json");
    let mut args = vec![
        "sbom".to_owned(),
        source.to_owned(),
        "--source-supplier".to_owned(),
        "assay tests".to_owned(),
    ];
    args.push("-o".into());
    args.push(format!("spdx-json={}", spdx.display()));
    args.push("-o".into());
    args.push(format!("cyclonedx-json={}", cdx.display()));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let o = common::assay()
        .args(&args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (spdx, cdx)
}

fn cyclonedx_schema_dir() -> PathBuf {
    let o = Command::new("python3")
        .args(["-c", "import cyclonedx, os; print(os.path.join(os.path.dirname(cyclonedx.__file__), 'schema', '_res'))"])
        .output()
        .unwrap();
    assert!(o.status.success(), "cyclonedx-python-lib is installed");
    PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())
}

fn check_cyclonedx(file: &Path, version: &str) {
    let dir = cyclonedx_schema_dir();
    let o = Command::new("check-jsonschema")
        .arg("--base-uri")
        .arg(format!("file://{}/", dir.display()))
        .arg("--schemafile")
        .arg(dir.join(format!("bom-{version}.SNAPSHOT.schema.json")))
        .arg(file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "check-jsonschema {version}: {}{}",
        stdout(&o),
        stderr(&o)
    );
}

fn check_spdx(file: &Path) {
    let o = Command::new("pyspdxtools")
        .arg("-i")
        .arg(file)
        .output()
        .unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&o.stderr).lines())
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert!(
        o.status.success() && lines.is_empty(),
        "pyspdxtools reported: {lines:#?}"
    );
    let o = Command::new("ntia-checker")
        .args(["-c", "ntia"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ntia-checker: {}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn image_sbom_passes_the_spdx_and_cyclonedx_oracles() {
    let Some(source) = oci_source() else { return };
    if !(tool("pyspdxtools") && tool("ntia-checker") && tool("check-jsonschema")) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (spdx, cdx) = generate(tmp.path(), &source, &[]);
    check_spdx(&spdx);
    check_cyclonedx(&cdx, "1.6");
    let v15 = tmp.path().join("v15");
    std::fs::create_dir(&v15).unwrap();
    let (_, cdx15) = generate(&v15, &source, &["--cyclonedx-version", "1.5"]);
    check_cyclonedx(&cdx15, "1.5");
}

#[test]
fn source_date_epoch_makes_output_byte_identical() {
    let Some(source) = oci_source() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    let first = generate(&a, &source, &[]);
    let second = generate(&b, &source, &[]);
    assert_eq!(
        std::fs::read(&first.0).unwrap(),
        std::fs::read(&second.0).unwrap(),
        "SPDX differs"
    );
    assert_eq!(
        std::fs::read(&first.1).unwrap(),
        std::fs::read(&second.1).unwrap(),
        "CycloneDX differs"
    );
}

/// `(type, name, version)` of every package in an `assay-json` or `syft-json` document.
fn package_set(doc: &Value, list: &str, kind: &str) -> BTreeSet<(String, String, String)> {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[kind].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Disagreements with syft that are understood: `side  type  name  version  reason`.
fn known_disagreements() -> BTreeSet<(String, String, String, String)> {
    let text = include_str!("fixtures/syft-parity.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(
                f.len() == 5 && !f[4].trim().is_empty(),
                "every disagreement needs a reason: {l:?}"
            );
            (
                f[0].to_owned(),
                f[1].to_owned(),
                f[2].to_owned(),
                f[3].to_owned(),
            )
        })
        .collect()
}

#[test]
fn package_set_agrees_with_syft_on_the_test_image() {
    let Some(source) = oci_source() else { return };
    if !tool("syft") {
        return;
    }
    let o = run(&["sbom", &source, "-o", "assay-json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = package_set(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        "packages",
        "kind",
    );
    // syft leaves lockfile catalogers out of image scans by default; assay reports lockfile
    // dependencies everywhere, so the comparison turns syft's Cargo.lock cataloger on. syft's
    // oci-dir scheme takes no :TAG (the layout holds one image).
    let syft_source = source.trim_end_matches(":app");
    let s = Command::new("syft")
        .args(["scan", "-q", "-o", "syft-json"])
        .args([
            "--select-catalogers",
            "+rust-cargo-lock-cataloger",
            syft_source,
        ])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .unwrap();
    assert!(
        s.status.success(),
        "syft: {}",
        String::from_utf8_lossy(&s.stderr)
    );
    let theirs = package_set(
        &serde_json::from_slice(&s.stdout).unwrap(),
        "artifacts",
        "type",
    );
    let union = ours.union(&theirs).count();
    let agree = ours.intersection(&theirs).count();
    let ratio = agree as f64 / union as f64;
    eprintln!(
        "syft parity: {agree} of {union} (type, name, version) agree ({:.1}%)",
        ratio * 100.0
    );
    let mut found = BTreeSet::new();
    for (t, n, v) in ours.difference(&theirs) {
        found.insert(("assay-only".to_owned(), t.clone(), n.clone(), v.clone()));
    }
    for (t, n, v) in theirs.difference(&ours) {
        found.insert(("syft-only".to_owned(), t.clone(), n.clone(), v.clone()));
    }
    let known = known_disagreements();
    let unexplained: Vec<_> = found.difference(&known).collect();
    let stale: Vec<_> = known.difference(&found).collect();
    assert!(
        unexplained.is_empty(),
        "disagreements without a reason in fixtures/syft-parity.tsv: {unexplained:#?}"
    );
    assert!(
        stale.is_empty(),
        "listed disagreements that no longer occur: {stale:#?}"
    );
    assert!(ratio >= 0.98, "only {:.1}% agree", ratio * 100.0);
}

#[test]
fn every_image_form_yields_the_same_packages() {
    let Some(dir) = common::test_image_dir() else {
        return;
    };
    let sets: Vec<_> = [
        format!("oci-dir:{}/oci:app", dir.display()),
        format!("oci-archive:{}/image-oci.tar", dir.display()),
        format!("docker-archive:{}/image-docker.tar", dir.display()),
    ]
    .iter()
    .map(|s| {
        let o = run(&["sbom", s, "-o", "assay-json"]);
        assert!(o.status.success(), "{s}: {}", stderr(&o));
        package_set(
            &serde_json::from_str(&stdout(&o)).unwrap(),
            "packages",
            "kind",
        )
    })
    .collect();
    assert!(
        sets[0].len() > 100,
        "a bookworm image with an app layer has well over 100 packages"
    );
    assert!(sets.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn table_is_the_default_and_lists_packages() {
    let Some(source) = oci_source() else { return };
    let o = run(&["sbom", &source]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("NAME"), "{text}");
    for want in ["curl", "openssl", "express", "lodash", "django", "regex"] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{want} "))),
            "{want} missing from:\n{text}"
        );
    }
}

#[test]
fn output_flag_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let src = format!("dir:{}", tmp.path().display());
    assert_eq!(run(&["sbom", &src, "-o", "yaml"]).status.code(), Some(2));
    let o = run(&["sbom", &src, "-o", "table", "-o", "spdx-json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("only one -o may go to stdout"),
        "{}",
        stderr(&o)
    );
    let o = run(&["sbom", &src]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "No packages discovered\n");
}

/// Release artifacts: a `dir:` SBOM lists tarballs and executables with SHA-256 and SHA-1,
/// the way release SBOMs describe them, and still passes every oracle.
#[test]
fn dir_sbom_lists_release_artifacts_with_checksums() {
    if !(tool("pyspdxtools") && tool("ntia-checker") && tool("check-jsonschema")) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rel = tmp.path().join("release");
    std::fs::create_dir(&rel).unwrap();
    let tarball = common::gzip(&common::tar_of(&[common::Raw::File("bin/tool", b"x")]));
    std::fs::write(rel.join("tool-1.0.tar.gz"), &tarball).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_assay"), rel.join("assay")).unwrap();
    std::fs::write(rel.join("NOTES.md"), b"not an artifact").unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (spdx, cdx) = generate(&out, &format!("dir:{}", rel.display()), &[]);
    check_spdx(&spdx);
    check_cyclonedx(&cdx, "1.6");
    let doc: Value = serde_json::from_slice(&std::fs::read(&spdx).unwrap()).unwrap();
    let files: Vec<(String, String)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let sha256 = f["checksums"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["algorithm"] == "SHA256")
                .unwrap();
            assert!(
                f["checksums"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["algorithm"] == "SHA1")
            );
            (
                f["fileName"].as_str().unwrap().to_owned(),
                sha256["checksumValue"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want_tar = common::sha256(&tarball)[7..].to_owned();
    let want_bin = common::sha256(&std::fs::read(rel.join("assay")).unwrap())[7..].to_owned();
    assert_eq!(
        files,
        [
            ("./assay".to_owned(), want_bin),
            ("./tool-1.0.tar.gz".to_owned(), want_tar)
        ]
    );
    let contains = doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["relationshipType"] == "CONTAINS"
                && r["relatedSpdxElement"]
                    .as_str()
                    .unwrap()
                    .starts_with("SPDXRef-File-")
        })
        .count();
    assert_eq!(contains, 2, "the directory CONTAINS each artifact");
}

/// Bad evidence is a warning naming the file, the rest is still cataloged, and the exit code
/// is 0; `--strict` turns it into an error and writes nothing.
#[test]
fn bad_evidence_warns_and_strict_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("good")).unwrap();
    std::fs::create_dir_all(src.join("bad")).unwrap();
    std::fs::write(src.join("bad/Cargo.lock"), b"[[package]\nname = \"broken").unwrap();
    std::fs::write(
        src.join("good/Cargo.lock"),
        b"version = 3\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.9\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .unwrap();
    let source = format!("dir:{}", src.display());
    let o = run(&["sbom", &source, "-o", "assay-json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bad/Cargo.lock"),
        "the warning names the file: {}",
        stderr(&o)
    );
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["packages"][0]["name"], "itoa");
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 1);

    let out = tmp.path().join("strict.spdx.json");
    let o = run(&[
        "sbom",
        &source,
        "--strict",
        "-o",
        &format!("spdx-json={}", out.display()),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--strict"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written under --strict");
}
