//! The machine-readable scan outputs: SARIF 2.1.0, CycloneDX 1.6 and OpenVEX v0.2.0.
//!
//! Each encoding of a hand-built report is snapshotted; the CycloneDX BOM is checked against
//! the official 1.6 JSON schema with `check-jsonschema` and the schemas bundled in
//! `cyclonedx-python-lib` (CI installs both). When either is missing the schema test prints
//! `skipping: <tool> not installed` and passes, unless `ASSAY_REQUIRE_FIXTURES=1`. The OpenVEX
//! output is read back with `vex::parse` and applied to the same report.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use assay_vuln::out::{cyclonedx, image_purl, openvex, sarif};
use assay_vuln::report::{
    CvssScore, Finding, FixState, FoundPackage, Level, Report, Severity, Target, VexDecision,
    VexStatus,
};
use assay_vuln::vex;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

const CREATED: &str = "2024-05-01T12:00:00Z";
const VERSION: &str = "0.1.0-test";
const DIGEST: &str = "sha256:9b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c";

// ---- fixtures ---------------------------------------------------------------------------

fn package(
    name: &str,
    version: &str,
    kind: &str,
    purl: &str,
    location: &str,
    ecosystem: &str,
) -> FoundPackage {
    FoundPackage {
        name: name.into(),
        version: version.into(),
        kind: kind.into(),
        purl: purl.into(),
        locations: vec![location.into()],
        ecosystem: ecosystem.into(),
        matched_name: name.into(),
        matched_version: version.into(),
    }
}

fn cvss(version: &str, vector: &str, base_score: f64) -> CvssScore {
    CvssScore {
        version: version.into(),
        vector: vector.into(),
        base_score,
    }
}

fn django() -> Finding {
    Finding {
        id: "PYSEC-2023-100".into(),
        aliases: vec!["CVE-2023-36053".into(), "GHSA-jh3w-4vvf-mjgr".into()],
        summary: Some("Potential ReDoS in EmailValidator and URLValidator".into()),
        url: Some("https://osv.dev/vulnerability/PYSEC-2023-100".into()),
        package: package(
            "Django",
            "4.2.0",
            "python",
            "pkg:pypi/django@4.2.0",
            "/usr/lib/python3/site-packages/Django-4.2.0.dist-info/METADATA",
            "PyPI",
        )
        .into(),
        fixed_versions: vec!["3.2.20".into(), "4.1.10".into(), "4.2.3".into()],
        fix_state: FixState::Fixed,
        severity: Severity {
            level: Level::High,
            score: Some(7.5),
            cvss: vec![cvss(
                "3.1",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                7.5,
            )],
            label: None,
        },
        source: "osv:PyPI".into(),
        vex: None,
    }
}

fn curl() -> Finding {
    Finding {
        id: "CVE-2023-38545".into(),
        aliases: vec![],
        summary: Some("SOCKS5 heap buffer overflow".into()),
        url: Some("https://security-tracker.debian.org/tracker/CVE-2023-38545".into()),
        package: package(
            "libcurl4",
            "7.88.1-10+deb12u1",
            "deb",
            "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u1?arch=amd64&distro=debian-12",
            "/var/lib/dpkg/status",
            "Debian:12",
        )
        .into(),
        fixed_versions: vec!["7.88.1-10+deb12u4".into()],
        fix_state: FixState::Fixed,
        severity: Severity {
            level: Level::Critical,
            score: Some(9.8),
            cvss: vec![cvss(
                "3.1",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                9.8,
            )],
            label: Some("high".into()),
        },
        source: "debian-tracker".into(),
        vex: Some(VexDecision {
            status: VexStatus::Affected,
            justification: None,
            statement: None,
            document: "triage/web.vex.json#1".into(),
        }),
    }
}

fn babel() -> Finding {
    Finding {
        id: "GHSA-67hx-6x53-jw92".into(),
        aliases: vec!["CVE-2023-45133".into()],
        summary: Some("Arbitrary code execution when compiling crafted code".into()),
        url: Some("https://github.com/advisories/GHSA-67hx-6x53-jw92".into()),
        package: package(
            "@babel/traverse",
            "7.22.0",
            "npm",
            "pkg:npm/%40babel/traverse@7.22.0",
            "/app/node_modules/@babel/traverse/package.json",
            "npm",
        )
        .into(),
        fixed_versions: vec!["7.23.2".into()],
        fix_state: FixState::Fixed,
        severity: Severity {
            level: Level::Medium,
            score: Some(5.9),
            cvss: vec![
                cvss("3.0", "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
                cvss(
                    "4.0",
                    "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N",
                    6.3,
                ),
            ],
            label: None,
        },
        source: "osv:npm".into(),
        vex: Some(VexDecision {
            status: VexStatus::NotAffected,
            justification: Some("vulnerable_code_not_in_execute_path".into()),
            statement: Some("babel only runs at build time".into()),
            document: "triage/web.vex.json#0".into(),
        }),
    }
}

fn tar() -> Finding {
    Finding {
        id: "CVE-2005-2541".into(),
        aliases: vec![],
        summary: None,
        url: None,
        package: package(
            "tar",
            "1.34+dfsg-1.2",
            "deb",
            "pkg:deb/debian/tar@1.34%2Bdfsg-1.2?arch=amd64&distro=debian-12",
            "/var/lib/dpkg/status",
            "Debian:12",
        )
        .into(),
        fixed_versions: vec![],
        fix_state: FixState::Unfixed,
        severity: Severity {
            level: Level::Negligible,
            score: None,
            cvss: vec![],
            label: Some("unimportant".into()),
        },
        source: "debian-tracker".into(),
        vex: Some(VexDecision {
            status: VexStatus::Fixed,
            justification: None,
            statement: Some("tar is removed at runtime by the entrypoint".into()),
            document: "triage/web.vex.json#2".into(),
        }),
    }
}

fn unknown_severity() -> Finding {
    Finding {
        id: "GHSA-9wx4-h78v-vm56".into(),
        aliases: vec!["CVE-2024-35195".into()],
        summary: Some("Session verify=False persists for the connection".into()),
        url: None,
        package: package(
            "requests",
            "2.25.1",
            "python",
            "pkg:pypi/requests@2.25.1",
            "/app/python/site-packages/requests-2.25.1.dist-info/METADATA",
            "PyPI",
        )
        .into(),
        fixed_versions: vec![],
        fix_state: FixState::Unknown,
        severity: Severity::default(),
        source: "osv:PyPI".into(),
        vex: None,
    }
}

fn report(digest: Option<&str>) -> Report {
    Report {
        target: Target {
            name: "registry.example/shop/web:1.4".into(),
            digest: digest.map(str::to_owned),
            kind: "image".into(),
            distro: Some("debian 12".into()),
        },
        packages_scanned: 212,
        findings: vec![babel(), curl(), tar(), django(), unknown_severity()],
        warnings: Vec::new(),
    }
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

// ---- determinism --------------------------------------------------------------------------

#[test]
fn encodings_are_byte_stable_and_independent_of_finding_order() {
    let a = report(Some(DIGEST));
    let mut b = a.clone();
    b.findings.reverse();
    type Encoder = fn(&Report) -> Vec<u8>;
    let encoders: [(&str, Encoder); 3] = [
        ("sarif", |r| sarif::encode(r, VERSION)),
        ("cyclonedx", |r| cyclonedx::encode(r, CREATED, VERSION)),
        ("openvex", |r| openvex::encode(r, CREATED, VERSION)),
    ];
    for (name, encode) in encoders {
        assert_eq!(encode(&a), encode(&a), "{name}: same input");
        assert_eq!(encode(&a), encode(&b), "{name}: finding order");
        assert!(encode(&a).ends_with(b"}\n"), "{name}: trailing newline");
    }
    // Content-derived ids move with the content.
    let mut c = a.clone();
    std::sync::Arc::make_mut(&mut c.findings[0].package).version = "7.22.1".into();
    std::sync::Arc::make_mut(&mut c.findings[0].package).purl =
        "pkg:npm/%40babel/traverse@7.22.1".into();
    let id = |bytes: Vec<u8>, key: &str| json(&bytes)[key].as_str().unwrap().to_owned();
    assert_ne!(
        id(cyclonedx::encode(&a, CREATED, VERSION), "serialNumber"),
        id(cyclonedx::encode(&c, CREATED, VERSION), "serialNumber")
    );
    assert_ne!(
        id(openvex::encode(&a, CREATED, VERSION), "@id"),
        id(openvex::encode(&c, CREATED, VERSION), "@id")
    );
}

// ---- SARIF --------------------------------------------------------------------------------

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", text(sarif::encode(&report(Some(DIGEST)), VERSION)));
}

#[test]
fn sarif_rules_results_levels_and_suppressions() {
    let log = json(&sarif::encode(&report(Some(DIGEST)), VERSION));
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "assay");
    assert_eq!(run["tool"]["driver"]["version"], VERSION);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "one rule per advisory, sorted");
    assert_eq!(ids.len(), 5);
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(
        rule("CVE-2023-38545")["properties"]["security-severity"],
        "9.8"
    );
    assert_eq!(
        rule("PYSEC-2023-100")["properties"]["security-severity"],
        "7.5"
    );
    assert!(
        rule("CVE-2005-2541")["properties"]
            .get("security-severity")
            .is_none()
    );
    assert_eq!(
        rule("PYSEC-2023-100")["helpUri"],
        "https://osv.dev/vulnerability/PYSEC-2023-100"
    );

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "suppressed findings are results too");
    let result = |id: &str| results.iter().find(|r| r["ruleId"] == id).unwrap();
    for (id, level) in [
        ("CVE-2023-38545", "error"),
        ("PYSEC-2023-100", "error"),
        ("GHSA-67hx-6x53-jw92", "warning"),
        ("CVE-2005-2541", "note"),
        ("GHSA-9wx4-h78v-vm56", "note"),
    ] {
        assert_eq!(result(id)["level"], level, "{id}");
        let index = result(id)["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex of {id}");
    }
    let message = result("PYSEC-2023-100")["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("Django@4.2.0") && message.contains("4.2.3"),
        "{message}"
    );
    let tar = result("CVE-2005-2541")["message"]["text"].as_str().unwrap();
    assert!(tar.contains("no fix is available"), "{tar}");
    assert_eq!(
        result("GHSA-67hx-6x53-jw92")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/node_modules/@babel/traverse/package.json"
    );
    // not_affected and fixed suppress; affected and undecided do not.
    let suppressed: Vec<&str> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(suppressed, ["CVE-2005-2541", "GHSA-67hx-6x53-jw92"]);
    let s = &result("GHSA-67hx-6x53-jw92")["suppressions"][0];
    assert_eq!(s["kind"], "external");
    let why = s["justification"].as_str().unwrap();
    assert!(
        why.contains("not_affected")
            && why.contains("vulnerable_code_not_in_execute_path")
            && why.contains("triage/web.vex.json#0"),
        "{why}"
    );
}

#[test]
fn sarif_locations_are_relative_uri_references() {
    let mut r = report(None);
    r.findings.truncate(1);
    std::sync::Arc::make_mut(&mut r.findings[0].package).locations =
        vec!["/opt/my app/naïve#1.json".into(), "relative/already".into()];
    let log = json(&sarif::encode(&r, VERSION));
    let uris: Vec<&str> = log["runs"][0]["results"][0]["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        ["opt/my%20app/na%C3%AFve%231.json", "relative/already"]
    );
}

#[test]
fn sarif_of_an_empty_report() {
    let log = json(&sarif::encode(&Report::default(), VERSION));
    assert_eq!(log["runs"][0]["results"], Value::Array(vec![]));
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"],
        Value::Array(vec![])
    );
}

// ---- CycloneDX ----------------------------------------------------------------------------

#[test]
fn cyclonedx_snapshot() {
    let doc = cyclonedx::encode(&report(Some(DIGEST)), CREATED, VERSION);
    insta::assert_snapshot!("cyclonedx", text(doc));
}

#[test]
fn cyclonedx_content() {
    let bom = json(&cyclonedx::encode(&report(Some(DIGEST)), CREATED, VERSION));
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["metadata"]["timestamp"], CREATED);
    let image = image_purl(&report(Some(DIGEST)).target).unwrap();
    assert_eq!(image, format!("pkg:oci/web@{DIGEST}"));
    assert_eq!(bom["metadata"]["component"]["bom-ref"], image.as_str());
    let refs: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), 5);
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    for v in vulns {
        let target = v["affects"][0]["ref"].as_str().unwrap();
        assert!(refs.contains(&target), "{target} is a component bom-ref");
    }
    let vuln = |id: &str| vulns.iter().find(|v| v["id"] == id).unwrap();
    let babel = vuln("GHSA-67hx-6x53-jw92");
    let methods: Vec<&str> = babel["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["CVSSv3", "CVSSv4"]);
    assert_eq!(babel["references"][0]["id"], "CVE-2023-45133");
    assert_eq!(babel["references"][0]["source"]["name"], "NVD");
    assert_eq!(babel["analysis"]["state"], "not_affected");
    assert_eq!(babel["analysis"]["justification"], "code_not_reachable");
    assert_eq!(babel["analysis"]["detail"], "babel only runs at build time");
    assert_eq!(vuln("CVE-2023-38545")["analysis"]["state"], "exploitable");
    assert_eq!(vuln("CVE-2023-38545")["ratings"][0]["method"], "CVSSv31");
    assert_eq!(vuln("CVE-2005-2541")["analysis"]["state"], "resolved");
    assert_eq!(vuln("CVE-2005-2541")["ratings"][0]["severity"], "none");
    assert!(vuln("GHSA-9wx4-h78v-vm56").get("analysis").is_none());
    assert!(vuln("GHSA-9wx4-h78v-vm56").get("ratings").is_none());
    let rec = vuln("PYSEC-2023-100")["recommendation"].as_str().unwrap();
    assert!(rec.contains("3.2.20, 4.1.10, 4.2.3"), "{rec}");
}

#[test]
fn cyclonedx_passes_the_1_6_schema() {
    assert_cdx_schema(&cyclonedx::encode(&report(Some(DIGEST)), CREATED, VERSION));
    assert_cdx_schema(&cyclonedx::encode(&report(None), CREATED, VERSION));
    assert_cdx_schema(&cyclonedx::encode(&Report::default(), CREATED, VERSION));
}

/// True when `tool` can be run; otherwise says why the test is skipped (or fails, when
/// fixtures are required).
#[allow(clippy::print_stderr)]
fn have(tool: &str, probe: &mut Command) -> bool {
    if probe.output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(
        std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
        "{tool} not installed and ASSAY_REQUIRE_FIXTURES=1"
    );
    eprintln!("skipping: {tool} not installed");
    false
}

/// The schema directory bundled with cyclonedx-python-lib.
fn cyclonedx_schema_dir() -> Option<PathBuf> {
    let o = Command::new("python3")
        .args([
            "-c",
            "import cyclonedx, os; print(os.path.join(os.path.dirname(cyclonedx.__file__), 'schema', '_res'))",
        ])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
    (o.status.success() && dir.is_dir()).then_some(dir)
}

fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_cdx_schema(doc: &[u8]) {
    if !have(
        "check-jsonschema",
        Command::new("check-jsonschema").arg("--version"),
    ) {
        return;
    }
    let probe = &mut Command::new("python3");
    if !have(
        "cyclonedx-python-lib",
        probe.args(["-c", "import cyclonedx"]),
    ) {
        return;
    }
    let dir = cyclonedx_schema_dir().expect("cyclonedx-python-lib ships its schemas");
    let schema = dir.join("bom-1.6.SNAPSHOT.schema.json");
    let mut file = tempfile::Builder::new()
        .prefix("assay-vuln-")
        .suffix(".cdx.json")
        .tempfile()
        .unwrap();
    file.write_all(doc).unwrap();
    file.flush().unwrap();
    let o = Command::new("check-jsonschema")
        .arg("--base-uri")
        .arg(format!("file://{}/", dir.display()))
        .arg("--schemafile")
        .arg(&schema)
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "check-jsonschema bom-1.6:\n{}",
        output_text(&o)
    );
}

// ---- OpenVEX ------------------------------------------------------------------------------

#[test]
fn openvex_snapshot() {
    let doc = openvex::encode(&report(Some(DIGEST)), CREATED, VERSION);
    insta::assert_snapshot!("openvex_image", text(doc));
    let doc = openvex::encode(&report(None), CREATED, VERSION);
    insta::assert_snapshot!("openvex_no_digest", text(doc));
}

#[test]
fn openvex_id_is_the_hash_of_the_rest() {
    let bytes = openvex::encode(&report(Some(DIGEST)), CREATED, VERSION);
    let doc = json(&bytes);
    let id = doc["@id"].as_str().unwrap();
    let hash = id
        .strip_prefix("https://openvex.dev/docs/public/assay-")
        .unwrap();
    assert_eq!(hash.len(), 64);
    // The document as written without its `@id` line is what was hashed.
    let rest: String = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("  \"@id\": "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(hash, hex::encode(Sha256::digest(rest.as_bytes())));
    assert_eq!(doc["@context"], "https://openvex.dev/ns/v0.2.0");
    assert_eq!(doc["author"], "assay");
    assert_eq!(doc["timestamp"], CREATED);
    assert_eq!(doc["version"], 1);
}

#[test]
fn openvex_round_trips_through_vex_parse_and_apply() {
    for digest in [Some(DIGEST), None] {
        let original = report(digest);
        let bytes = openvex::encode(&original, CREATED, VERSION);
        let parsed = vex::parse(&bytes, "assay.openvex.json").unwrap();
        assert_eq!(parsed.statements.len(), original.findings.len());
        let mut applied = original.clone();
        let warnings = vex::apply(&mut applied, &[parsed]);
        assert!(warnings.is_empty(), "{digest:?}: {warnings:#?}");
        for (before, after) in original.findings.iter().zip(&applied.findings) {
            let want = before
                .vex
                .as_ref()
                .map_or(VexStatus::UnderInvestigation, |v| v.status);
            let got = after.vex.as_ref().expect("every finding is decided");
            assert_eq!(got.status, want, "{digest:?} {}", before.id);
            assert_eq!(
                got.justification,
                before.vex.as_ref().and_then(|v| v.justification.clone()),
                "{}",
                before.id
            );
            assert!(got.document.starts_with("assay.openvex.json#"));
            assert_eq!(after.suppressed(), before.suppressed(), "{}", before.id);
        }
    }
}

#[test]
fn openvex_statements_are_scoped_to_the_image_when_it_has_a_digest() {
    let doc = json(&openvex::encode(&report(Some(DIGEST)), CREATED, VERSION));
    let statements = doc["statements"].as_array().unwrap();
    for s in statements {
        let products = s["products"].as_array().unwrap();
        assert_eq!(products.len(), 1);
        assert_eq!(products[0]["@id"], format!("pkg:oci/web@{DIGEST}"));
        assert_eq!(products[0]["subcomponents"].as_array().unwrap().len(), 1);
    }
    // Applied to another image of the same packages, the statements are all stale.
    let mut other = report(Some(
        "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    ));
    let parsed = vex::parse(
        &openvex::encode(&report(Some(DIGEST)), CREATED, VERSION),
        "a.json",
    )
    .unwrap();
    let before = other.clone();
    let warnings = vex::apply(&mut other, &[parsed]);
    assert_eq!(warnings.len(), statements.len());
    assert_eq!(other, before);
    // An affected statement always has an action statement.
    let curl = statements
        .iter()
        .find(|s| s["vulnerability"]["name"] == "CVE-2023-38545")
        .unwrap();
    assert_eq!(curl["status"], "affected");
    let action = curl["action_statement"].as_str().unwrap();
    assert!(action.contains("7.88.1-10+deb12u4"), "{action}");
}

#[test]
fn openvex_has_one_statement_per_advisory_and_package() {
    let mut r = report(None);
    let mut twin = r.findings[3].clone();
    std::sync::Arc::make_mut(&mut twin.package).locations =
        vec!["/other/site-packages/Django-4.2.0.dist-info/METADATA".into()];
    r.findings.push(twin);
    let doc = json(&openvex::encode(&r, CREATED, VERSION));
    assert_eq!(doc["statements"].as_array().unwrap().len(), 5);
}
