//! `assay db` and `assay scan` end to end, on the shared corpus: OSV (PyPI, crates.io, Go),
//! Debian OVAL, Alpine secdb, the test image and its syft SBOMs.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{assay, corpus, stderr, stdout};
use serde_json::Value;

fn fixtures(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

const OVAL: &str = "osv-os/debian/oval/oval-definitions-bookworm.minbase-curl.xml";

/// One database with every corpus feed, built once per test binary.
fn shared_db() -> Option<&'static Path> {
    static DB: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    DB.get_or_init(|| {
        let feeds = [
            corpus("osv/PyPI")?,
            corpus("osv/crates.io")?,
            corpus("osv/Go")?,
            corpus(OVAL)?,
            corpus("osv-os/alpine/secdb/v3.21/main.json")?,
            corpus("osv-os/malicious/osv")?,
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = vec!["db".into(), "import".into()];
        args.extend(feeds.iter().map(|p| p.display().to_string()));
        args.push(fixtures("osv-npm").display().to_string());
        args.extend(["--db".into(), dir.path().display().to_string()]);
        let o = assay().args(&args).output().unwrap();
        assert!(o.status.success(), "import failed: {}", stderr(&o));
        Some(dir)
    })
    .as_ref()
    .map(tempfile::TempDir::path)
}

fn scan_json(db: &Path, target: &str, extra: &[&str]) -> (Value, std::process::Output) {
    let o = assay()
        .args(["scan", target, "--db"])
        .arg(db)
        .args(["-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (v, o)
}

fn ids_for(report: &Value, package: &str) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["package"]["name"] == package)
        .flat_map(|f| {
            let mut ids = vec![f["id"].as_str().unwrap_or_default().to_owned()];
            ids.extend(
                f["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_owned)),
            );
            ids
        })
        .collect()
}

#[test]
fn status_lists_every_source_with_counts() {
    let Some(db) = shared_db() else { return };
    let o = assay()
        .args(["db", "status", "-o", "json", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut per_eco: BTreeMap<String, u64> = BTreeMap::new();
    for s in v["sources"].as_array().unwrap() {
        for (eco, n) in s["ecosystems"].as_object().unwrap() {
            *per_eco.entry(eco.clone()).or_default() += n.as_u64().unwrap();
        }
    }
    // Independent counts: files in the corpus minus withdrawn ones (and RustSec's
    // informational notices, which are not vulnerabilities).
    assert!(per_eco["PyPI"] > 2600, "{per_eco:?}");
    assert!(per_eco["crates.io"] > 700, "{per_eco:?}");
    assert!(per_eco["Go"] > 4000, "{per_eco:?}");
    assert!(per_eco["Debian:12"] > 1000, "{per_eco:?}");
    assert!(per_eco["Alpine:v3.21"] > 1000, "{per_eco:?}");
    // npm: the two fixture advisories plus one per malicious-package report (withdrawn
    // reports live in a separate folder and are skipped).
    let reports = |eco: &str| {
        let dir = corpus(&format!("osv-os/malicious/osv/malicious/{eco}")).unwrap();
        std::fs::read_dir(dir)
            .unwrap()
            .map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count() as u64)
            .sum::<u64>()
    };
    assert_eq!(per_eco["npm"], 2 + reports("npm"), "{per_eco:?}");
    let table = assay()
        .args(["db", "status", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(stdout(&table).contains("Debian:12"), "{}", stdout(&table));
}

#[test]
fn test_image_has_the_known_cves_of_its_old_packages() {
    let (Some(db), Some(img)) = (shared_db(), common::test_image_dir()) else {
        return;
    };
    let target = format!("oci-dir:{}/oci:app", img.display());
    let (report, o) = scan_json(db, &target, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expect = [
        ("django", "CVE-2021-35042"),
        ("urllib3", "CVE-2021-33503"),
        ("lodash", "CVE-2020-8203"),
        ("minimist", "CVE-2021-44906"),
        ("regex", "RUSTSEC-2022-0013"),
        ("smallvec", "RUSTSEC-2021-0003"),
    ];
    for (pkg, id) in expect {
        let ids = ids_for(&report, pkg);
        assert!(ids.contains(id), "{pkg}: {id} not among {ids:?}");
    }
    // Debian packages are matched by source package and release.
    let openssl: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["package"]["matched_name"] == "openssl")
        .collect();
    assert!(!openssl.is_empty());
    assert!(
        openssl
            .iter()
            .all(|f| f["package"]["ecosystem"] == "Debian:12")
    );
    assert_eq!(report["target"]["distro"], "debian 12");
}

#[test]
fn fail_on_sets_exit_code_four() {
    let (Some(db), Some(img)) = (shared_db(), common::test_image_dir()) else {
        return;
    };
    let target = format!("oci-dir:{}/oci:app", img.display());
    let (_, o) = scan_json(db, &target, &["--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("--fail-on"), "{}", stderr(&o));
    let (_, o) = scan_json(db, &target, &[]);
    assert_eq!(o.status.code(), Some(0));
}

/// A syft SBOM of the same image scans to the same findings for the language packages.
#[test]
fn syft_sboms_scan_like_our_own() {
    let (Some(db), Some(cdx), Some(spdx)) = (
        shared_db(),
        corpus("sbom/syft-1.18.1/testimg/image.cdx.json"),
        corpus("sbom/syft-1.18.1/testimg/image.spdx.json"),
    ) else {
        return;
    };
    for sbom in [cdx, spdx] {
        let (report, o) = scan_json(db, &sbom.display().to_string(), &[]);
        assert!(o.status.success(), "{}: {}", sbom.display(), stderr(&o));
        assert_eq!(report["target"]["kind"], "sbom");
        for (pkg, id) in [("django", "CVE-2021-35042"), ("lodash", "CVE-2020-8203")] {
            assert!(
                ids_for(&report, pkg).contains(id),
                "{}: {pkg}",
                sbom.display()
            );
        }
        // syft's deb purls carry distro=debian-12 and upstream=<source>.
        assert!(
            !ids_for(&report, "libssl3").is_empty(),
            "{}",
            sbom.display()
        );
    }
}

#[test]
fn missing_database_is_an_error_not_a_clean_scan() {
    let Some(sbom) = corpus("sbom/syft-1.18.1/testimg/image.cdx.json") else {
        return;
    };
    let empty = tempfile::tempdir().unwrap();
    let o = assay()
        .args(["scan"])
        .arg(&sbom)
        .arg("--db")
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no vulnerability database"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn uncovered_ecosystems_are_reported() {
    let Some(sbom) = corpus("sbom/syft-1.18.1/testimg/image.cdx.json") else {
        return;
    };
    let Some(crates) = corpus("osv/crates.io") else {
        return;
    };
    let db = tempfile::tempdir().unwrap();
    let o = assay()
        .args(["db", "import"])
        .arg(&crates)
        .arg("--db")
        .arg(db.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let (report, o) = scan_json(db.path(), &sbom.display().to_string(), &[]);
    assert!(o.status.success());
    let codes: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"ecosystem-not-covered"), "{codes:?}");
    let msg = report["warnings"].to_string();
    assert!(msg.contains("Debian:12") && msg.contains("PyPI"), "{msg}");
}

#[test]
fn bad_feed_leaves_the_database_unchanged() {
    let Some(crates) = corpus("osv/crates.io") else {
        return;
    };
    let db = tempfile::tempdir().unwrap();
    let import = |p: &Path| {
        assay()
            .args(["db", "import"])
            .arg(p)
            .arg("--db")
            .arg(db.path())
            .output()
            .unwrap()
    };
    assert!(import(&crates).status.success());
    let before = std::fs::read(db.path().join("assay-vuln.db")).unwrap();
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("GHSA-trunc.json"),
        br#"{"id":"GHSA-x","affected":[{"#,
    )
    .unwrap();
    let o = import(bad.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("GHSA-trunc.json"), "{}", stderr(&o));
    let after = std::fs::read(db.path().join("assay-vuln.db")).unwrap();
    assert_eq!(before, after);
}

/// Kill -9 an import at several points: the previous database stays readable and complete.
#[test]
fn killed_import_leaves_previous_database_intact() {
    let (Some(crates), Some(pypi)) = (corpus("osv/crates.io"), corpus("osv/PyPI")) else {
        return;
    };
    let db = tempfile::tempdir().unwrap();
    let o = assay()
        .args(["db", "import"])
        .arg(&crates)
        .arg("--db")
        .arg(db.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let status = || {
        let o = assay()
            .args(["db", "status", "-o", "json", "--db"])
            .arg(db.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "database unreadable: {}", stderr(&o));
        serde_json::from_slice::<Value>(&o.stdout).unwrap()["sources"].clone()
    };
    let before = status();
    for delay_ms in [20, 100, 300, 700, 1200] {
        let mut child = assay()
            .args(["db", "import"])
            .arg(&pypi)
            .arg("--db")
            .arg(db.path())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let exit = child.wait().unwrap();
        let now = status();
        if exit.success() {
            // Finished before the kill: the new source is there in full, the old one too.
            assert_eq!(now.as_array().unwrap().len(), 2);
            break;
        }
        assert_eq!(now, before, "after kill at {delay_ms} ms");
    }
    // A later import cleans the leftovers of killed ones.
    let o = assay()
        .args(["db", "import"])
        .arg(&crates)
        .arg("--db")
        .arg(db.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let leftovers: Vec<String> = std::fs::read_dir(db.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".assay-vuln.db.tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Debian OVAL: what `assay scan` finds for the bookworm dpkg status equals a direct
/// evaluation of the OVAL definitions written here, with `dpkg --compare-versions` as the
/// version oracle and `less than 0:0` read as "unfixed" (the corpus README).
#[test]
fn oval_scan_matches_direct_evaluation() {
    let (Some(db), Some(status)) = (
        shared_db(),
        corpus("osv-os/debian/rootfs/bookworm-minbase-curl.var-lib-dpkg-status"),
    ) else {
        return;
    };
    let Some(oval) = corpus(OVAL) else { return };
    if Command::new("dpkg").arg("--version").output().is_err() {
        common::skip("dpkg is not installed");
        return;
    }
    // The real install (12.15) is newer than every fix this 2023 OVAL knows, so only its
    // unfixed entries match; a copy with every other package set back to 1.0-1 exercises
    // the version comparisons too.
    let real = std::fs::read_to_string(&status).unwrap();
    let unfixed = oval_case(db, &oval, &real);
    assert!(
        unfixed.iter().all(|(_, _, u)| *u) && unfixed.len() >= 35,
        "{unfixed:?}"
    );
    let old = oval_case(db, &oval, &set_back(&real));
    assert!(
        old.iter().filter(|(_, _, u)| !*u).count() > 200,
        "{}",
        old.len()
    );
}

/// Every other package of a dpkg status file set back to version 1.0-1.
fn set_back(status: &str) -> String {
    let mut out = Vec::new();
    for (i, para) in status.split("\n\n").enumerate() {
        if i % 2 == 1 {
            out.push(para.to_owned());
            continue;
        }
        let lines: Vec<String> = para
            .lines()
            .map(|l| match l {
                l if l.starts_with("Version: ") => "Version: 1.0-1".to_owned(),
                l if l.starts_with("Source: ") => l.split(" (").next().unwrap().to_owned(),
                l => l.to_owned(),
            })
            .collect();
        out.push(lines.join("\n"));
    }
    out.join("\n\n")
}

/// Scans a root with `status` as its dpkg database and compares with the direct evaluation.
fn oval_case(db: &Path, oval: &Path, status: &str) -> BTreeSet<(String, String, bool)> {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("var/lib/dpkg")).unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    let status_path = root.path().join("var/lib/dpkg/status");
    std::fs::write(&status_path, status).unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
    )
    .unwrap();
    let target = format!("dir:{}", root.path().display());
    let (report, o) = scan_json(db, &target, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut found: BTreeSet<(String, String, bool)> = BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        if f["package"]["ecosystem"] != "Debian:12" {
            continue;
        }
        let unfixed = f["fix_state"] == "unfixed";
        found.insert((
            f["id"].as_str().unwrap().to_owned(),
            f["package"]["matched_name"].as_str().unwrap().to_owned(),
            unfixed,
        ));
    }
    let expected = oval_oracle::evaluate(oval, &status_path);
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}\nextra {extra:?}"
    );
    found
}

/// An independent reading of Debian OVAL for the test above.
mod oval_oracle {
    use super::*;

    /// Source package → its versions installed (from `Source:` or the binary itself).
    fn installed_sources(status: &Path) -> BTreeMap<String, BTreeSet<String>> {
        let text = std::fs::read_to_string(status).unwrap();
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for para in text.split("\n\n") {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                    .map(str::trim)
            };
            let (Some(name), Some(version)) = (field("Package"), field("Version")) else {
                continue;
            };
            if !field("Status").is_some_and(|s| s.ends_with(" installed")) {
                continue;
            }
            let (src, src_ver) = match field("Source") {
                Some(s) => match s.split_once(" (") {
                    Some((n, v)) => (n.to_owned(), v.trim_end_matches(')').to_owned()),
                    None => (s.to_owned(), version.to_owned()),
                },
                None => (name.to_owned(), version.to_owned()),
            };
            out.entry(src).or_default().insert(src_ver);
        }
        out
    }

    fn dpkg_lt(a: &str, b: &str) -> bool {
        Command::new("dpkg")
            .args(["--compare-versions", a, "lt", b])
            .status()
            .unwrap()
            .success()
    }

    /// (CVE, source package, unfixed) for every definition whose test holds.
    pub fn evaluate(oval: &Path, status: &Path) -> BTreeSet<(String, String, bool)> {
        let xml = std::fs::read_to_string(oval).unwrap();
        let doc = roxmltree::Document::parse_with_options(
            &xml,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                nodes_limit: u32::MAX,
                ..Default::default()
            },
        )
        .unwrap();
        let by_id: BTreeMap<&str, roxmltree::Node> = doc
            .descendants()
            .filter_map(|n| n.attribute("id").map(|id| (id, n)))
            .collect();
        let installed = installed_sources(status);
        let mut out = BTreeSet::new();
        for def in doc.descendants().filter(|n| n.has_tag_name("definition")) {
            if def.attribute("class") != Some("vulnerability") {
                continue;
            }
            let cve = def
                .descendants()
                .find(|n| n.has_tag_name("reference") && n.attribute("source") == Some("CVE"))
                .and_then(|n| n.attribute("ref_id"))
                .or_else(|| {
                    def.descendants()
                        .find(|n| n.has_tag_name("title"))
                        .and_then(|n| n.text())
                })
                .unwrap()
                .trim()
                .to_owned();
            for crit in def.descendants().filter(|n| n.has_tag_name("criterion")) {
                let Some(test) = crit.attribute("test_ref").and_then(|t| by_id.get(t)) else {
                    continue;
                };
                if !test.has_tag_name("dpkginfo_test") {
                    continue;
                }
                let child_ref = |tag: &str, attr: &str| {
                    test.children()
                        .find(|c| c.has_tag_name(tag))
                        .and_then(|c| c.attribute(attr))
                        .and_then(|r| by_id.get(r))
                };
                let pkg = child_ref("object", "object_ref")
                    .and_then(|o| o.children().find(|c| c.has_tag_name("name")))
                    .and_then(|n| n.text())
                    .unwrap()
                    .trim()
                    .to_owned();
                let evr = child_ref("state", "state_ref")
                    .and_then(|s| s.children().find(|c| c.has_tag_name("evr")))
                    .and_then(|n| n.text())
                    .unwrap()
                    .trim()
                    .to_owned();
                let Some(versions) = installed.get(&pkg) else {
                    continue;
                };
                let unfixed = evr == "0:0";
                if unfixed || versions.iter().any(|v| dpkg_lt(v, &evr)) {
                    out.insert((cve.clone(), pkg, unfixed));
                }
            }
        }
        out
    }
}

/// The VEX workflow: emit an OpenVEX document from a scan, decide, feed it back.
#[test]
fn vex_suppresses_reports_stale_and_round_trips() {
    let (Some(db), Some(sbom)) = (
        shared_db(),
        corpus("sbom/syft-1.18.1/testimg/image.cdx.json"),
    ) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let sbom = sbom.display().to_string();
    // A hand-written decision by alias, plus a statement about something absent.
    let decided = work.path().join("decided.openvex.json");
    std::fs::write(
        &decided,
        serde_json::to_vec(&serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://example.com/vex/1",
            "author": "security team",
            "timestamp": "2026-11-01T00:00:00Z",
            "version": 1,
            "statements": [
                {"vulnerability": {"name": "CVE-2020-8203"},
                 "products": [{"@id": "pkg:npm/lodash@4.17.15"}],
                 "status": "not_affected",
                 "justification": "vulnerable_code_not_in_execute_path"},
                {"vulnerability": {"name": "CVE-1999-0001"},
                 "products": [{"@id": "pkg:npm/left-pad@1.0.0"}],
                 "status": "not_affected",
                 "justification": "component_not_present"}
            ]
        }))
        .unwrap(),
    )
    .unwrap();
    let vex = decided.display().to_string();
    let (report, o) = scan_json(db, &sbom, &["--vex", &vex]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lodash = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "GHSA-p6mc-m468-83gw")
        .unwrap();
    assert_eq!(lodash["vex"]["status"], "not_affected");
    assert_eq!(
        lodash["vex"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    let stale: Vec<&Value> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "stale-vex-statement")
        .collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0]["message"]
            .as_str()
            .unwrap()
            .contains("CVE-1999-0001")
    );
    let table = assay()
        .args(["scan", &sbom, "--vex", &vex, "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        stdout(&table).contains("suppressed: not_affected"),
        "{}",
        stdout(&table)
    );

    // Emit a document for every finding, mark them all not_affected, and scan again:
    // nothing active is left, so even --fail-on low passes.
    let emitted = work.path().join("all.openvex.json");
    let o = assay()
        .args(["scan", &sbom, "--db"])
        .arg(db)
        .arg("-o")
        .arg(format!("openvex={}", emitted.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&emitted).unwrap()).unwrap();
    let statements = doc["statements"].as_array_mut().unwrap();
    assert!(statements.len() > 10);
    for s in statements.iter_mut() {
        assert_eq!(s["status"], "under_investigation");
        s["status"] = "not_affected".into();
        s["justification"] = "inline_mitigations_already_exist".into();
    }
    std::fs::write(&emitted, serde_json::to_vec(&doc).unwrap()).unwrap();
    let all = emitted.display().to_string();
    let (report, o) = scan_json(db, &sbom, &["--vex", &all, "--fail-on", "low"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f["vex"]["status"] == "not_affected")
    );
    assert!(
        !report["warnings"]
            .to_string()
            .contains("stale-vex-statement")
    );
}

#[test]
fn sarif_and_cyclonedx_outputs_in_one_pass() {
    let (Some(db), Some(sbom)) = (
        shared_db(),
        corpus("sbom/syft-1.18.1/testimg/image.cdx.json"),
    ) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let sarif = work.path().join("scan.sarif");
    let cdx = work.path().join("scan.cdx.json");
    let o = assay()
        .arg("scan")
        .arg(&sbom)
        .arg("--db")
        .arg(db)
        .arg("-o")
        .arg(format!("sarif={}", sarif.display()))
        .arg("-o")
        .arg(format!("cyclonedx-json={}", cdx.display()))
        .arg("-o")
        .arg("json")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = report["findings"].as_array().unwrap().len();
    let sarif: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), n);
    let cdx: Value = serde_json::from_slice(&std::fs::read(&cdx).unwrap()).unwrap();
    assert_eq!(cdx["specVersion"], "1.6");
    assert_eq!(cdx["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(cdx["vulnerabilities"].as_array().unwrap().len(), n);
}

/// Malicious-package reports (OSV `MAL-`) match by name, scoped npm names included, and
/// have no fix.
#[test]
fn malicious_packages_are_found_by_purl() {
    let Some(db) = shared_db() else { return };
    let work = tempfile::tempdir().unwrap();
    let sbom = work.path().join("mal.cdx.json");
    let component = |purl: &str, name: &str| {
        serde_json::json!({"type": "library", "name": name, "version": "1.0.0",
                           "purl": purl, "bom-ref": purl})
    };
    std::fs::write(
        &sbom,
        serde_json::to_vec(&serde_json::json!({
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [
                component("pkg:npm/000webhost-auth@1.0.0", "000webhost-auth"),
                component("pkg:npm/%403p-future-solutions/ember-cui@1.0.0", "ember-cui"),
                component("pkg:npm/left-pad@1.0.0", "left-pad"),
            ]
        }))
        .unwrap(),
    )
    .unwrap();
    let (report, o) = scan_json(db, &sbom.display().to_string(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["fix_state"], "unfixed");
            (
                f["package"]["matched_name"].as_str().unwrap().to_owned(),
                f["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("000webhost-auth", "MAL-2024-11852"),
        ("@3p-future-solutions/ember-cui", "MAL-2022-51"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn old_database_is_warned_about() {
    let (Some(db), Some(sbom)) = (
        shared_db(),
        corpus("sbom/syft-1.18.1/testimg/image.cdx.json"),
    ) else {
        return;
    };
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let target = sbom.display().to_string();
    let (report, o) = scan_json(db, &target, &["--max-db-age", "0s"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("database-stale"), "{}", stderr(&o));
    assert!(report["warnings"].to_string().contains("database-stale"));
    let (report, _) = scan_json(db, &target, &[]);
    assert!(!report["warnings"].to_string().contains("database-stale"));
}
