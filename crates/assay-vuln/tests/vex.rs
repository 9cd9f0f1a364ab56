//! VEX reading and application: the matching truth table (status × product × vulnerability id,
//! with the empty cases), statement precedence, both wire formats and their errors.

use assay_vuln::report::{
    Finding, FixState, FoundPackage, Level, Report, ScanWarning, Severity, Target, VexDecision,
    VexStatus,
};
use assay_vuln::vex::{self, VexDocument, VexError, VexFormat};
use serde_json::{Value, json};

const DIGEST: &str = "sha256:5f0ac2e0b1e84e2b2d1b8c9a7b1f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f";
const OTHER_DIGEST: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

// ---- fixtures ---------------------------------------------------------------------------

fn package(name: &str, version: &str, kind: &str, purl: &str, location: &str) -> FoundPackage {
    FoundPackage {
        name: name.into(),
        version: version.into(),
        kind: kind.into(),
        purl: purl.into(),
        locations: vec![location.into()],
        ecosystem: String::new(),
        matched_name: name.into(),
        matched_version: version.into(),
    }
}

fn finding(id: &str, aliases: &[&str], package: FoundPackage) -> Finding {
    Finding {
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        summary: None,
        url: None,
        package: package.into(),
        fixed_versions: Vec::new(),
        fix_state: FixState::Unknown,
        severity: Severity {
            level: Level::High,
            ..Severity::default()
        },
        source: "test".into(),
        vex: None,
    }
}

fn django() -> Finding {
    finding(
        "PYSEC-2023-100",
        &["CVE-2023-36053", "GHSA-jh3w-4vvf-mjgr"],
        package(
            "Django",
            "4.2.0",
            "python",
            "pkg:pypi/django@4.2.0",
            "/usr/lib/python3/site-packages/Django-4.2.0.dist-info/METADATA",
        ),
    )
}

fn curl() -> Finding {
    finding(
        "CVE-2023-38545",
        &[],
        package(
            "libcurl4",
            "7.88.1-10+deb12u1",
            "deb",
            "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u1?arch=amd64&distro=debian-12",
            "/var/lib/dpkg/status",
        ),
    )
}

fn babel() -> Finding {
    finding(
        "GHSA-67hx-6x53-jw92",
        &["CVE-2023-45133"],
        package(
            "@babel/traverse",
            "7.22.0",
            "npm",
            "pkg:npm/%40babel/traverse@7.22.0",
            "/app/node_modules/@babel/traverse/package.json",
        ),
    )
}

fn report(findings: Vec<Finding>, digest: Option<&str>) -> Report {
    Report {
        target: Target {
            name: "registry.example/shop/web:1.4".into(),
            digest: digest.map(str::to_owned),
            kind: "image".into(),
            distro: Some("debian 12".into()),
        },
        packages_scanned: findings.len(),
        findings,
        warnings: Vec::new(),
    }
}

fn openvex(statements: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://openvex.dev/docs/example/vex-test",
        "author": "Shop Security <security@shop.example>",
        "timestamp": "2024-03-01T10:00:00Z",
        "version": 1,
        "statements": statements,
    }))
    .unwrap()
}

fn doc(path: &str, statements: Value) -> VexDocument {
    vex::parse(&openvex(statements), path).unwrap()
}

fn stale(warnings: &[ScanWarning]) -> usize {
    warnings
        .iter()
        .filter(|w| w.code == "stale-vex-statement")
        .count()
}

// ---- the truth table --------------------------------------------------------------------

/// How a statement names (or fails to name) the vulnerability of the django finding.
const IDS: [(&str, bool); 5] = [
    ("finding id", true),
    ("finding alias", true),
    ("statement alias", true),
    ("other case", true),
    ("unrelated", false),
];

fn vulnerability(kind: &str) -> Value {
    match kind {
        "finding id" => json!({"name": "PYSEC-2023-100"}),
        "finding alias" => json!({"name": "CVE-2023-36053"}),
        "statement alias" => {
            json!({"name": "SNYK-PYTHON-DJANGO-5750790", "aliases": ["GHSA-jh3w-4vvf-mjgr"]})
        }
        "other case" => json!({"name": "cve-2023-36053"}),
        _ => json!({"name": "CVE-2023-99999", "aliases": ["GHSA-aaaa-bbbb-cccc"]}),
    }
}

/// How a statement names (or fails to name) the product, and whether that covers
/// `pkg:pypi/django@4.2.0` inside the image `DIGEST`.
fn products() -> Vec<(&'static str, Value, bool)> {
    vec![
        (
            "purl exact",
            json!([{"@id": "pkg:pypi/django@4.2.0"}]),
            true,
        ),
        (
            "purl other spelling",
            json!([{"@id": "pkg:pypi/Django@4.2.0"}]),
            true,
        ),
        (
            "purl identifiers",
            json!([{"@id": "urn:shop:django", "identifiers": {"purl": "pkg:pypi/django@4.2.0"}}]),
            true,
        ),
        (
            "purl without version",
            json!([{"@id": "pkg:pypi/django"}]),
            true,
        ),
        (
            "purl other version",
            json!([{"@id": "pkg:pypi/django@4.2.1"}]),
            false,
        ),
        (
            "purl other type",
            json!([{"@id": "pkg:npm/django@4.2.0"}]),
            false,
        ),
        (
            "purl extra qualifier",
            json!([{"@id": "pkg:pypi/django@4.2.0?file_name=x.whl"}]),
            false,
        ),
        ("image digest", json!([{"@id": DIGEST}]), true),
        (
            "image purl",
            json!([{"@id": format!("pkg:oci/web@{}", DIGEST.replace(':', "%3A"))}]),
            true,
        ),
        (
            "image purl + subcomponent",
            json!([{"@id": format!("pkg:oci/web@{DIGEST}?repository_url=registry.example/shop/web"), "subcomponents": [{"@id": "pkg:pypi/django@4.2.0"}]}]),
            true,
        ),
        (
            "image + other subcomponent",
            json!([{"@id": DIGEST, "subcomponents": [{"@id": "pkg:pypi/flask@2.0.0"}]}]),
            false,
        ),
        ("other image", json!([{"@id": OTHER_DIGEST}]), false),
        (
            "other image purl",
            json!([{"@id": format!("pkg:oci/web@{OTHER_DIGEST}"), "subcomponents": [{"@id": "pkg:pypi/django@4.2.0"}]}]),
            false,
        ),
        (
            "one of two",
            json!([{"@id": "pkg:pypi/flask@2.0.0"}, {"@id": "pkg:pypi/django@4.2.0"}]),
            true,
        ),
        ("no products", json!([]), false),
    ]
}

const STATUSES: [(&str, VexStatus); 4] = [
    ("not_affected", VexStatus::NotAffected),
    ("affected", VexStatus::Affected),
    ("fixed", VexStatus::Fixed),
    ("under_investigation", VexStatus::UnderInvestigation),
];

#[test]
fn truth_table_status_by_product_by_vulnerability() {
    let mut rows = Vec::new();
    for (label, status) in STATUSES {
        for (product_kind, products, product_hit) in products() {
            for (id_kind, id_hit) in IDS {
                let statement = json!([{
                    "vulnerability": vulnerability(id_kind),
                    "products": products,
                    "status": label,
                    "justification": "vulnerable_code_not_in_execute_path",
                    "impact_statement": "only the admin site uses it",
                }]);
                let docs = [doc("vex/shop.openvex.json", statement)];
                let mut r = report(vec![django()], Some(DIGEST));
                let warnings = vex::apply(&mut r, &docs);
                let f = &r.findings[0];
                let want = product_hit && id_hit;
                let case = format!("{label} × {product_kind} × {id_kind}");
                assert_eq!(f.vex.is_some(), want, "{case}: applied");
                assert_eq!(stale(&warnings), usize::from(!want), "{case}: stale");
                assert_eq!(warnings.len(), usize::from(!want), "{case}: warnings");
                if want {
                    assert_eq!(
                        f.vex,
                        Some(VexDecision {
                            status,
                            justification: Some("vulnerable_code_not_in_execute_path".into()),
                            statement: Some("only the admin site uses it".into()),
                            document: "vex/shop.openvex.json#0".into(),
                        }),
                        "{case}"
                    );
                    assert_eq!(f.suppressed(), status.suppresses(), "{case}");
                    assert_eq!(r.active().count(), usize::from(!status.suppresses()));
                } else {
                    assert!(warnings[0].message.contains("vex/shop.openvex.json#0"));
                }
                rows.push(format!("{case} → {}", if want { label } else { "stale" }));
            }
        }
    }
    assert_eq!(rows.len(), 4 * products().len() * IDS.len());
    // Without a target digest no product is the image: only the package URL rows still match.
    for (product_kind, products, product_hit) in products() {
        let statement = json!([{"vulnerability": {"name": "CVE-2023-36053"}, "products": products, "status": "fixed"}]);
        let mut r = report(vec![django()], None);
        let warnings = vex::apply(&mut r, &[doc("v.json", statement)]);
        let want = product_hit && product_kind.starts_with("purl") || product_kind == "one of two";
        assert_eq!(
            r.findings[0].vex.is_some(),
            want,
            "{product_kind} without a digest"
        );
        assert_eq!(
            warnings.len(),
            usize::from(!want),
            "{product_kind} without a digest"
        );
    }
}

#[test]
fn empty_cases() {
    // No documents: nothing changes, nothing is stale.
    let mut r = report(vec![django(), curl()], Some(DIGEST));
    let before = r.clone();
    assert!(vex::apply(&mut r, &[]).is_empty());
    assert_eq!(r, before);

    // A document with zero statements (and one with no `statements` key at all).
    let empty = doc("empty.json", json!([]));
    assert!(empty.statements.is_empty());
    let absent = vex::parse(
        br#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1}"#,
        "absent.json",
    )
    .unwrap();
    assert!(absent.statements.is_empty());
    assert!(vex::apply(&mut r, &[empty, absent]).is_empty());
    assert_eq!(r, before);

    // A statement with zero products never matches and is reported stale.
    let no_products = doc(
        "np.json",
        json!([{"vulnerability": {"name": "PYSEC-2023-100"}, "status": "not_affected", "justification": "component_not_present"}]),
    );
    assert!(no_products.statements[0].products.is_empty());
    let warnings = vex::apply(&mut r, &[no_products]);
    assert_eq!(r, before);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code, vex::STALE_CODE);
    assert!(
        warnings[0].message.contains("np.json#0")
            && warnings[0].message.contains("PYSEC-2023-100")
            && warnings[0].message.contains("no products"),
        "{}",
        warnings[0].message
    );

    // A report with no findings: every statement is stale.
    let mut nothing = report(Vec::new(), Some(DIGEST));
    let one = doc(
        "one.json",
        json!([{"vulnerability": {"name": "CVE-2023-38545"}, "products": [{"@id": "pkg:deb/debian/libcurl4"}], "status": "fixed"}]),
    );
    assert_eq!(vex::apply(&mut nothing, &[one]).len(), 1);
}

#[test]
fn package_urls_match_after_decoding_with_qualifier_subsets() {
    let cases = [
        // npm scope written with and without percent-encoding.
        ("pkg:npm/%40babel/traverse@7.22.0", true),
        ("pkg:npm/@babel/traverse@7.22.0", true),
        ("pkg:npm/%40babel/traverse", true),
        ("pkg:npm/traverse@7.22.0", false),
        ("pkg:npm/%40other/traverse@7.22.0", false),
        // deb: '+' encoded or not, qualifiers a subset of the package's.
        ("pkg:deb/debian/libcurl4@7.88.1-10+deb12u1", true),
        (
            "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u1?arch=amd64",
            true,
        ),
        (
            "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u1?distro=debian-12&arch=amd64",
            true,
        ),
        (
            "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u1?arch=arm64",
            false,
        ),
        (
            "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u1?distro=debian-11",
            false,
        ),
        ("pkg:deb/ubuntu/libcurl4@7.88.1-10%2Bdeb12u1", false),
        ("pkg:deb/debian/libcurl4?arch=amd64", true),
    ];
    for (purl, want) in cases {
        let statements = json!([
            {"vulnerability": {"name": "CVE-2023-45133"}, "products": [{"@id": purl}], "status": "not_affected", "justification": "vulnerable_code_not_present"},
            {"vulnerability": {"name": "CVE-2023-38545"}, "products": [{"@id": purl}], "status": "not_affected", "justification": "vulnerable_code_not_present"},
        ]);
        let mut r = report(vec![babel(), curl()], None);
        let warnings = vex::apply(&mut r, &[doc("p.json", statements)]);
        let hits = r.findings.iter().filter(|f| f.vex.is_some()).count();
        assert_eq!(hits, usize::from(want), "{purl}");
        assert_eq!(warnings.len(), 2 - usize::from(want), "{purl}");
    }
}

// ---- precedence ---------------------------------------------------------------------------

fn decided(docs: &[VexDocument]) -> (VexStatus, String, Vec<ScanWarning>) {
    let mut r = report(vec![django()], Some(DIGEST));
    let warnings = vex::apply(&mut r, docs);
    let v = r.findings[0].vex.clone().expect("a statement applies");
    (v.status, v.document, warnings)
}

fn stmt(status: &str, timestamp: Option<&str>) -> Value {
    let mut s = json!({"vulnerability": {"name": "CVE-2023-36053"}, "products": [{"@id": "pkg:pypi/django@4.2.0"}], "status": status});
    if let Some(t) = timestamp {
        s["timestamp"] = json!(t);
    }
    s
}

fn doc_at(path: &str, timestamp: Option<&str>, statements: Value) -> VexDocument {
    let mut d = json!({"@context": "https://openvex.dev/ns/v0.2.0", "@id": path, "author": "a", "version": 1, "statements": statements});
    if let Some(t) = timestamp {
        d["timestamp"] = json!(t);
    }
    vex::parse(&serde_json::to_vec(&d).unwrap(), path).unwrap()
}

#[test]
fn latest_statement_wins() {
    // Statement timestamps decide, whatever the order of documents.
    let newer = doc_at(
        "a.json",
        None,
        json!([stmt("fixed", Some("2024-05-02T00:00:00Z"))]),
    );
    let older = doc_at(
        "b.json",
        None,
        json!([stmt("affected", Some("2024-05-01T23:00:00-02:00"))]),
    );
    let (status, from, warnings) = decided(&[newer.clone(), older.clone()]);
    assert_eq!(
        (status, from.as_str()),
        (VexStatus::Affected, "b.json#0"),
        "offset makes b later"
    );
    assert!(
        warnings.is_empty(),
        "the overridden statement still matched"
    );
    let (status, _, _) = decided(&[older, newer]);
    assert_eq!(status, VexStatus::Affected);

    // A statement timestamp overrides its document's.
    let doc1 = doc_at(
        "c.json",
        Some("2024-06-01T00:00:00Z"),
        json!([stmt("fixed", Some("2024-01-01T00:00:00Z"))]),
    );
    let doc2 = doc_at(
        "d.json",
        Some("2024-03-01T00:00:00Z"),
        json!([stmt("not_affected", None)]),
    );
    assert_eq!(decided(&[doc1.clone(), doc2.clone()]).1, "d.json#0");
    assert_eq!(decided(&[doc2, doc1]).1, "d.json#0");

    // No times at all: later document, then later statement, wins.
    let first = doc_at(
        "e.json",
        None,
        json!([stmt("affected", None), stmt("fixed", None)]),
    );
    let second = doc_at("f.json", None, json!([stmt("under_investigation", None)]));
    assert_eq!(decided(&[first.clone(), second.clone()]).1, "f.json#0");
    assert_eq!(decided(&[second.clone(), first.clone()]).1, "e.json#1");

    // A timed statement beats an untimed one in a later document.
    let timed = doc_at(
        "g.json",
        None,
        json!([stmt("fixed", Some("2000-01-01T00:00:00Z"))]),
    );
    assert_eq!(decided(&[timed, second]).1, "g.json#0");

    // Equal times: document order.
    let t = Some("2024-02-02T02:02:02Z");
    let x = doc_at("x.json", t, json!([stmt("fixed", None)]));
    let y = doc_at("y.json", t, json!([stmt("affected", None)]));
    assert_eq!(decided(&[x.clone(), y.clone()]).1, "y.json#0");
    assert_eq!(decided(&[y, x]).1, "x.json#0");
}

#[test]
fn one_statement_may_cover_several_findings_and_stale_ones_are_listed() {
    let statements = json!([
        {"vulnerability": {"name": "CVE-2023-36053"}, "products": [{"@id": DIGEST}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
        {"vulnerability": {"name": "CVE-2023-38545"}, "products": [{"@id": DIGEST}], "status": "affected", "action_statement": "upgrade libcurl4"},
        {"vulnerability": {"name": "CVE-2023-45133"}, "products": [{"@id": DIGEST, "subcomponents": [{"@id": "pkg:npm/%40babel/traverse@7.22.0"}]}], "status": "fixed"},
        {"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}, {"@id": DIGEST, "subcomponents": ["pkg:maven/org.apache.logging.log4j/log4j-api"]}], "status": "not_affected", "justification": "component_not_present"},
    ]);
    let mut r = report(vec![django(), curl(), babel()], Some(DIGEST));
    let warnings = vex::apply(&mut r, &[doc("shop.json", statements)]);
    let statuses: Vec<_> = r
        .findings
        .iter()
        .map(|f| f.vex.as_ref().map(|v| v.status))
        .collect();
    assert_eq!(
        statuses,
        [
            Some(VexStatus::NotAffected),
            Some(VexStatus::Affected),
            Some(VexStatus::Fixed)
        ]
    );
    assert_eq!(
        r.findings[1].vex.as_ref().unwrap().statement.as_deref(),
        Some("upgrade libcurl4")
    );
    assert_eq!(r.active().count(), 1);
    insta::assert_snapshot!("stale_warning", format!("{warnings:#?}"));
}

// ---- OpenVEX shapes -------------------------------------------------------------------------

/// Shaped like the spec's minimal example (`OPENVEX-SPEC.md`, "Document"): the pre-v0.2 context,
/// a nanosecond timestamp with an offset, and purl products differing only by qualifier.
const SPEC_SHAPED: &str = r#"{
  "@context": "https://openvex.dev/ns",
  "@id": "https://openvex.dev/docs/example/vex-0c1d2e3f4a5b6",
  "author": "Wolfi Packaging <packaging@wolfi.example>",
  "role": "Document Creator",
  "timestamp": "2023-01-08T18:02:03.647787998-06:00",
  "version": 1,
  "statements": [
    {
      "vulnerability": {
        "@id": "https://nvd.nist.gov/vuln/detail/CVE-2023-22490",
        "name": "CVE-2023-22490",
        "description": "local clone data exfiltration",
        "aliases": ["GHSA-xxxx-yyyy-zzzz"]
      },
      "products": [
        {"@id": "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7"},
        {
          "@id": "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64",
          "identifiers": {"purl": "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64", "cpe23": "cpe:2.3:a:git-scm:git:2.39.0:*:*:*:*:*:*:*"},
          "hashes": {"sha-256": "402fa523b96591d4450ace90e32d9f779fcfd938903e1c5bf9d3701860b8f856"}
        }
      ],
      "status": "fixed",
      "status_notes": "patched in -r1",
      "supplier": "wolfi"
    }
  ]
}"#;

#[test]
fn spec_shaped_document() {
    let d = vex::parse(SPEC_SHAPED.as_bytes(), "wolfi.vex.json").unwrap();
    assert_eq!(d.format, VexFormat::OpenVex);
    let s = &d.statements[0];
    assert_eq!(s.vulnerability, "CVE-2023-22490");
    assert_eq!(s.aliases, ["GHSA-xxxx-yyyy-zzzz"]);
    assert_eq!(s.products.len(), 2);
    assert_eq!(s.timestamp, d.timestamp, "inherited from the document");
    assert_eq!(
        d.timestamp.unwrap(),
        "2023-01-09T00:02:03.647787998Z".parse().unwrap()
    );
    let apk = |arch: &str| {
        finding(
            "CVE-2023-22490",
            &[],
            package(
                "git",
                "2.39.0-r1",
                "apk",
                &format!("pkg:apk/wolfi/git@2.39.0-r1?arch={arch}&distro=wolfi-20230201"),
                "/lib/apk/db/installed",
            ),
        )
    };
    let mut r = report(vec![apk("x86_64"), apk("aarch64")], None);
    let warnings = vex::apply(&mut r, &[d]);
    assert!(warnings.is_empty());
    assert_eq!(
        r.findings[0].vex.as_ref().map(|v| v.status),
        Some(VexStatus::Fixed)
    );
    assert_eq!(r.findings[1].vex, None, "aarch64 is not named");
}

#[test]
fn legacy_string_shapes() {
    // v0.0.1: vulnerability and products as strings, subcomponents on the statement;
    // the @context may also be an array.
    let legacy = json!({
        "@context": ["https://openvex.dev/ns"],
        "@id": "legacy",
        "author": "a",
        "timestamp": "2023-01-01T00:00:00Z",
        "version": "1",
        "statements": [
            {"vulnerability": "CVE-2023-36053", "products": [DIGEST], "subcomponents": ["pkg:pypi/django@4.2.0"], "status": "not_affected", "justification": "inline_mitigations_already_exist"},
            {"vulnerability": "CVE-2023-38545", "products": ["pkg:deb/debian/libcurl4"], "status": "under_investigation"},
        ]
    });
    let d = vex::parse(&serde_json::to_vec(&legacy).unwrap(), "legacy.json").unwrap();
    assert_eq!(d.statements[0].products[0].subcomponents.len(), 1);
    let mut r = report(vec![django(), curl(), babel()], Some(DIGEST));
    assert!(vex::apply(&mut r, &[d]).is_empty());
    assert!(r.findings[0].suppressed());
    assert_eq!(
        r.findings[1].vex.as_ref().map(|v| v.status),
        Some(VexStatus::UnderInvestigation)
    );
    assert!(!r.findings[1].suppressed());
    assert_eq!(r.findings[2].vex, None);
}

// ---- CycloneDX VEX ------------------------------------------------------------------------

fn cdx(vulnerabilities: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": "2024-04-01T00:00:00Z",
            "component": {"type": "container", "name": "web", "bom-ref": "image", "purl": format!("pkg:oci/web@{DIGEST}")}
        },
        "components": [
            {"type": "library", "name": "django", "bom-ref": "py-1", "purl": "pkg:pypi/django@4.2.0"},
            {"type": "application", "name": "frontend", "bom-ref": "fe", "components": [
                {"type": "library", "name": "@babel/traverse", "bom-ref": "npm-7", "purl": "pkg:npm/%40babel/traverse@7.22.0"}
            ]}
        ],
        "vulnerabilities": vulnerabilities,
    }))
    .unwrap()
}

#[test]
fn cyclonedx_states_map_to_statuses() {
    let cases = [
        ("resolved", VexStatus::Fixed),
        ("resolved_with_pedigree", VexStatus::Fixed),
        ("exploitable", VexStatus::Affected),
        ("in_triage", VexStatus::UnderInvestigation),
        ("false_positive", VexStatus::NotAffected),
        ("not_affected", VexStatus::NotAffected),
    ];
    for (state, want) in cases {
        let v = json!([{"id": "CVE-2023-36053", "analysis": {"state": state}, "affects": [{"ref": "py-1"}]}]);
        let d = vex::parse(&cdx(v), "bom.cdx.json").unwrap();
        assert_eq!(d.format, VexFormat::CycloneDx);
        assert_eq!(d.statements[0].status, want, "{state}");
    }
}

#[test]
fn cyclonedx_justifications_translate_where_openvex_has_a_label() {
    let cases = [
        ("code_not_present", "vulnerable_code_not_present"),
        ("code_not_reachable", "vulnerable_code_not_in_execute_path"),
        ("requires_dependency", "component_not_present"),
        (
            "requires_configuration",
            "vulnerable_code_cannot_be_controlled_by_adversary",
        ),
        ("protected_at_runtime", "inline_mitigations_already_exist"),
        ("made_up_reason", "made_up_reason"),
    ];
    for (raw, want) in cases {
        let v =
            json!([{"id": "CVE-1", "analysis": {"state": "not_affected", "justification": raw}}]);
        let d = vex::parse(&cdx(v), "bom.cdx.json").unwrap();
        assert_eq!(
            d.statements[0].justification.as_deref(),
            Some(want),
            "{raw}"
        );
    }
}

#[test]
fn cyclonedx_vex_applies_through_bom_refs() {
    let v = json!([
        {"id": "PYSEC-2023-100", "references": [{"id": "CVE-2023-36053", "source": {"name": "NVD"}}],
         "analysis": {"state": "not_affected", "justification": "code_not_reachable", "detail": "admin disabled", "lastUpdated": "2024-04-02T00:00:00Z"},
         "affects": [{"ref": "py-1"}]},
        {"id": "CVE-2023-38545", "description": "reported, not analysed", "affects": [{"ref": "pkg:deb/debian/libcurl4"}]},
        {"id": "CVE-2023-45133", "analysis": {"state": "exploitable"}, "recommendation": "upgrade to 7.23.2", "affects": [{"ref": "npm-7"}]},
        {"id": "CVE-2023-38545", "analysis": {"state": "resolved"}, "affects": [{"ref": "pkg:deb/debian/libcurl4?arch=amd64"}]},
        {"id": "CVE-2024-0001", "analysis": {"state": "in_triage"}, "affects": [{"ref": "image"}]},
        {"id": "CVE-2024-0002", "analysis": {"state": "resolved"}, "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#py-1"}]},
    ]);
    let d = vex::parse(&cdx(v), "bom.cdx.json").unwrap();
    let indexes: Vec<usize> = d.statements.iter().map(|s| s.index).collect();
    assert_eq!(
        indexes,
        [0, 2, 3, 4, 5],
        "the vulnerability without analysis is skipped"
    );
    let mut r = report(vec![django(), curl(), babel()], Some(DIGEST));
    let warnings = vex::apply(&mut r, &[d]);
    let got: Vec<_> = r.findings.iter().map(|f| f.vex.clone().unwrap()).collect();
    assert_eq!(got[0].status, VexStatus::NotAffected);
    assert_eq!(
        got[0].justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(got[0].statement.as_deref(), Some("admin disabled"));
    assert_eq!(got[0].document, "bom.cdx.json#0");
    assert_eq!(got[1].document, "bom.cdx.json#3");
    assert_eq!(got[1].status, VexStatus::Fixed);
    assert_eq!(got[2].status, VexStatus::Affected);
    assert_eq!(got[2].statement.as_deref(), Some("upgrade to 7.23.2"));
    // The image-wide in_triage statement names CVE-2024-0001, which no finding has; the
    // BOM-Link points into another BOM.
    let stale: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(stale.len(), 2, "{stale:#?}");
    assert!(stale[0].contains("bom.cdx.json#4") && stale[0].contains("CVE-2024-0001"));
    assert!(stale[1].contains("bom.cdx.json#5") && stale[1].contains("urn:cdx:"));
}

// ---- errors name the file --------------------------------------------------------------------

#[test]
fn parse_errors_name_the_file_and_field() {
    let ok = |s: Value| serde_json::to_vec(&s).unwrap();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "invalid JSON"),
        (b"[]".to_vec(), "invalid JSON"),
        (ok(json!({"statements": []})), "neither OpenVEX"),
        (ok(json!({"bomFormat": "SPDX"})), "neither OpenVEX"),
        (
            openvex(
                json!([{"vulnerability": {"name": "CVE-1"}, "products": [], "status": "bogus"}]),
            ),
            "statements[0].status is \"bogus\"",
        ),
        (
            openvex(json!([{"vulnerability": {"name": "CVE-1"}, "products": []}])),
            "statements[0].status is missing",
        ),
        (
            openvex(json!([{"products": [], "status": "fixed"}])),
            "statements[0].vulnerability.name is missing",
        ),
        (
            openvex(json!([{"vulnerability": {"name": ""}, "status": "fixed"}])),
            "statements[0].vulnerability.name is missing",
        ),
        (
            openvex(
                json!([{"vulnerability": "CVE-1", "status": "fixed", "timestamp": "yesterday"}]),
            ),
            "statements[0].timestamp is \"yesterday\"",
        ),
        (
            openvex(
                json!([{"vulnerability": "CVE-1", "status": "fixed"}, {"vulnerability": "CVE-2", "status": "fixed", "products": [{"@id": "pkg:npm/%zz"}]}]),
            ),
            "statements[1].products[0] is \"pkg:npm/%zz\"",
        ),
        (
            openvex(
                json!([{"vulnerability": "CVE-1", "status": "fixed", "products": [{"@id": "x", "subcomponents": [{"identifiers": {"purl": "npm/x"}}]}]}]),
            ),
            "statements[0].products[0].subcomponents[0]",
        ),
        (
            openvex(json!([{"vulnerability": 7, "status": "fixed"}])),
            "invalid JSON",
        ),
        (
            cdx(json!([{"id": "CVE-1", "analysis": {"state": "maybe"}}])),
            "vulnerabilities[0].analysis.state is \"maybe\"",
        ),
        (
            cdx(json!([{"analysis": {"state": "resolved"}}])),
            "vulnerabilities[0].id is missing",
        ),
        (
            cdx(
                json!([{"id": "CVE-1", "analysis": {"state": "resolved", "lastUpdated": "2024-13-01T00:00:00Z"}}]),
            ),
            "vulnerabilities[0].analysis.lastUpdated",
        ),
    ];
    for (bytes, want) in cases {
        let err = vex::parse(&bytes, "triage/web.vex.json").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("triage/web.vex.json"), "{text}");
        assert!(text.contains(want), "{text:?} lacks {want:?}");
        if text.contains("invalid JSON") {
            assert!(matches!(err, VexError::Json { .. }));
            assert!(std::error::Error::source(&err).is_some());
        }
    }
}
