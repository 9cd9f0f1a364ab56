//! The OS feed parsers (Debian OVAL, Debian security tracker JSON, Alpine secdb) against the
//! real upstream files in `shared/corpus/osv-os`, cross-checked with counts taken from the
//! raw text or a generic JSON reading, plus small inline documents for the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use assay_vuln::feed::{FeedError, alpine, debian_oval, debian_tracker};
use assay_vuln::model::{Advisory, Affected, Event};

// ------------------------------------------------------------------------------- fixtures

fn corpus(rel: &str) -> Option<PathBuf> {
    support::corpus(&format!("osv-os/{rel}"))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

const OVAL_SUBSET: &str = "debian/oval/oval-definitions-bookworm.minbase-curl.xml";
const OVAL_FULL: &str = "debian/oval/oval-definitions-bookworm.xml.bz2";
const SOURCES_TSV: &str = "debian/rootfs/bookworm-minbase-curl.sources.tsv";
const TRACKER: &str = "debian/tracker-json-sample/debian.json";

fn find<'a>(advisories: &'a [Advisory], id: &str) -> Option<&'a Advisory> {
    advisories.iter().find(|a| a.id == id)
}

fn affected_of<'a>(advisory: &'a Advisory, name: &str, ecosystem: &str) -> Option<&'a Affected> {
    advisory
        .affected
        .iter()
        .find(|a| a.name == name && a.ecosystem == ecosystem)
}

fn is_unfixed(affected: &Affected) -> bool {
    affected.fixed_versions().is_empty()
        && affected
            .ranges
            .iter()
            .all(|r| r.events == [Event::Introduced("0".into())])
}

fn assert_sorted_by_id(advisories: &[Advisory]) {
    assert!(
        advisories.windows(2).all(|w| w[0].id < w[1].id),
        "not sorted/unique by id"
    );
}

// ------------------------------------------------------------------------------- OVAL

/// What the raw text says about the vulnerability definitions: (CVE, package) → the version
/// in the criterion comment "<pkg> DPKG is earlier than <V>" (`None` for "0"), and how many
/// definitions of each class there are. Plain string scanning, no XML parser.
struct OvalScan {
    pairs: BTreeMap<(String, String), Option<String>>,
    vulnerability: usize,
    patch: usize,
}

fn scan_oval(text: &str) -> OvalScan {
    let mut scan = OvalScan {
        pairs: BTreeMap::new(),
        vulnerability: 0,
        patch: 0,
    };
    for chunk in text.split("<definition ").skip(1) {
        let def = &chunk[..chunk.find("</definition>").unwrap()];
        if def.contains("class=\"patch\"") {
            scan.patch += 1;
            continue;
        }
        assert!(def.contains("class=\"vulnerability\""));
        scan.vulnerability += 1;
        let cve = between(def, "ref_id=\"", "\"");
        let comment = between(def, "DPKG is earlier than", "\"");
        let line_start = def[..def.find("DPKG is earlier than").unwrap()]
            .rfind("comment=\"")
            .unwrap();
        let package = between(&def[line_start..], "comment=\"", " DPKG");
        let version = comment.trim();
        let fixed = (version != "0").then(|| version.to_owned());
        assert!(
            scan.pairs
                .insert((cve.to_owned(), package.to_owned()), fixed)
                .is_none()
        );
    }
    scan
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap() + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

/// The parsed advisories as the same (CVE, package) → fixed version map.
fn parsed_pairs(advisories: &[Advisory]) -> BTreeMap<(String, String), Option<String>> {
    let mut out = BTreeMap::new();
    for adv in advisories {
        for aff in &adv.affected {
            let fixed = aff.fixed_versions();
            assert!(fixed.len() <= 1, "{} {}: {fixed:?}", adv.id, aff.name);
            let previous = out.insert((adv.id.clone(), aff.name.clone()), fixed.into_iter().next());
            assert!(previous.is_none(), "duplicate {} {}", adv.id, aff.name);
        }
    }
    out
}

#[test]
fn oval_subset_matches_an_independent_scan() {
    let Some(path) = corpus(OVAL_SUBSET) else {
        return;
    };
    let bytes = read(&path);
    let advisories = debian_oval::parse(&bytes, "minbase-curl.xml").unwrap();
    let scan = scan_oval(std::str::from_utf8(&bytes).unwrap());
    assert_sorted_by_id(&advisories);
    assert!(scan.vulnerability > 1000, "{}", scan.vulnerability);
    let cves: BTreeSet<&String> = scan.pairs.keys().map(|(cve, _)| cve).collect();
    assert_eq!(advisories.len(), cves.len());
    let affected: usize = advisories.iter().map(|a| a.affected.len()).sum();
    assert_eq!(affected, scan.vulnerability);
    assert_eq!(parsed_pairs(&advisories), scan.pairs);
    let unfixed = scan.pairs.values().filter(|v| v.is_none()).count();
    let parsed_unfixed = advisories
        .iter()
        .flat_map(|a| &a.affected)
        .filter(|a| is_unfixed(a))
        .count();
    assert_eq!(parsed_unfixed, unfixed);
    assert!(unfixed > 0);
}

#[test]
fn oval_subset_semantics() {
    let Some(path) = corpus(OVAL_SUBSET) else {
        return;
    };
    let Some(sources) = corpus(SOURCES_TSV) else {
        return;
    };
    let advisories = debian_oval::parse(&read(&path), "minbase-curl.xml").unwrap();
    for (cve, package) in [
        ("CVE-2011-3374", "apt"),
        ("CVE-2005-2541", "tar"),
        ("CVE-2022-0563", "util-linux"),
    ] {
        let adv = find(&advisories, cve).unwrap_or_else(|| panic!("{cve} missing"));
        let aff =
            affected_of(adv, package, "Debian:12").unwrap_or_else(|| panic!("{cve} {package}"));
        assert!(is_unfixed(aff), "{cve} {package}: {aff:?}");
    }
    let openssl_fixes: BTreeSet<String> = advisories
        .iter()
        .flat_map(|a| &a.affected)
        .filter(|a| a.name == "openssl")
        .flat_map(Affected::fixed_versions)
        .collect();
    assert!(openssl_fixes.contains("3.0.9-1"), "{openssl_fixes:?}");
    let tsv = String::from_utf8(read(&sources)).unwrap();
    let source_names: BTreeSet<&str> = tsv
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    for adv in &advisories {
        assert!(adv.id.starts_with("CVE-"), "{}", adv.id);
        assert!(adv.url.is_some(), "{}", adv.id);
        assert!(
            !adv.summary.as_deref().unwrap().contains('\n'),
            "{}",
            adv.id
        );
        assert!(adv.severity.is_empty());
        assert!(
            adv.affected.windows(2).all(|w| w[0].name <= w[1].name),
            "{}",
            adv.id
        );
        for aff in &adv.affected {
            assert_eq!(aff.ecosystem, "Debian:12");
            assert!(
                source_names.contains(aff.name.as_str()),
                "{} not a source package",
                aff.name
            );
            assert!(aff.fixed_versions().iter().all(|v| !v.starts_with("0:")));
        }
    }
}

#[test]
fn oval_keeps_nonzero_epochs_and_merges_packages() {
    let Some(path) = corpus(OVAL_SUBSET) else {
        return;
    };
    let advisories = debian_oval::parse(&read(&path), "minbase-curl.xml").unwrap();
    let fixes: Vec<String> = advisories
        .iter()
        .flat_map(|a| &a.affected)
        .flat_map(Affected::fixed_versions)
        .collect();
    assert!(fixes.iter().any(|v| v.starts_with("1:")), "no epoch kept");
    assert!(
        advisories.iter().any(|a| a.affected.len() > 1),
        "no merged CVE"
    );
}

#[test]
fn oval_snapshot() {
    let Some(path) = corpus(OVAL_SUBSET) else {
        return;
    };
    let advisories = debian_oval::parse(&read(&path), "minbase-curl.xml").unwrap();
    let picked: Vec<&Advisory> = ["CVE-2011-3374", "CVE-2023-0464"]
        .iter()
        .filter_map(|id| find(&advisories, id))
        .collect();
    insta::assert_json_snapshot!(picked);
}

#[test]
fn oval_full_bz2() {
    let Some(path) = corpus(OVAL_FULL) else {
        return;
    };
    let file = std::fs::File::open(&path).unwrap();
    let advisories =
        debian_oval::parse_bz2(std::io::BufReader::new(file), "bookworm.xml.bz2").unwrap();
    let mut text = String::new();
    bzip2::read::MultiBzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let scan = scan_oval(&text);
    assert!(advisories.len() > 20_000, "{}", advisories.len());
    assert!(
        scan.patch > 0,
        "the full file has DSA patch definitions to skip"
    );
    assert_sorted_by_id(&advisories);
    assert_eq!(parsed_pairs(&advisories), scan.pairs);
    assert!(
        advisories
            .iter()
            .flat_map(|a| &a.affected)
            .all(|a| a.ecosystem == "Debian:12")
    );
}

// ------------------------------------------------------------------------------- OVAL inline

const OVAL_HEAD: &str = r#"<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5">
  <definitions>
    <definition id="d1" class="vulnerability">
      <metadata>
        <title>CVE-2099-0001 foo</title>
        <affected family="unix"><platform>Debian GNU/Linux 13</platform><product>foo</product></affected>
        <description>First line.
Second line.</description>
      </metadata>
      <criteria operator="AND">
        <criterion test_ref="t1" comment="Debian 13 is installed"/>
        <criteria operator="OR">
          <criterion test_ref="t2" comment="foo DPKG is earlier than 1:2.0-1"/>
          <criterion test_ref="t3" comment="bar DPKG is earlier than 0"/>
        </criteria>
      </criteria>
    </definition>
    <definition id="d2" class="patch">
      <metadata><title>DSA-1-1 foo</title></metadata>
      <criteria><criterion test_ref="t2" comment="foo"/></criteria>
    </definition>
  </definitions>
  <tests>
    <textfilecontent54_test id="t1" xmlns="x#independent"/>
    <dpkginfo_test id="t2" xmlns="x#linux"><object object_ref="o1"/><state state_ref="s1"/></dpkginfo_test>
    <dpkginfo_test id="t3" xmlns="x#linux"><object object_ref="o2"/><state state_ref="s2"/></dpkginfo_test>
  </tests>
  <objects>
    <dpkginfo_object id="o1" xmlns="x#linux"><name>foo</name></dpkginfo_object>
    <dpkginfo_object id="o2" xmlns="x#linux"><name>bar</name></dpkginfo_object>
  </objects>
  <states>
    <dpkginfo_state id="s1" xmlns="x#linux"><evr operation="less than">1:2.0-1</evr></dpkginfo_state>
"#;

fn oval_doc(state_s2: &str) -> String {
    format!("{OVAL_HEAD}    {state_s2}\n  </states>\n</oval_definitions>\n")
}

#[test]
fn oval_inline_definition_with_two_packages() {
    let doc = oval_doc(
        r#"<dpkginfo_state id="s2" xmlns="x#linux"><evr operation="less than">0:0</evr></dpkginfo_state>"#,
    );
    let advisories = debian_oval::parse(doc.as_bytes(), "inline.xml").unwrap();
    assert_eq!(advisories.len(), 1, "the patch definition is skipped");
    let adv = &advisories[0];
    assert_eq!(adv.id, "CVE-2099-0001");
    assert_eq!(adv.summary.as_deref(), Some("First line. Second line."));
    let names: Vec<&str> = adv.affected.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["bar", "foo"]);
    assert!(is_unfixed(&adv.affected[0]));
    assert_eq!(adv.affected[1].fixed_versions(), ["1:2.0-1"]);
    assert!(adv.affected.iter().all(|a| a.ecosystem == "Debian:13"));
}

#[test]
fn oval_rejects_unknown_comparisons_negation_and_dangling_references() {
    let good = oval_doc(
        r#"<dpkginfo_state id="s2" xmlns="x#linux"><evr operation="less than">1.0</evr></dpkginfo_state>"#,
    );
    let negated = good.replace(
        r#"<criterion test_ref="t3""#,
        r#"<criterion negate="true" test_ref="t3""#,
    );
    let no_release = good
        .replace("Debian 13 is installed", "Debian is installed")
        .replace("Debian GNU/Linux 13", "Debian");
    let no_name = good.replace("<name>bar</name>", "<name> </name>");
    let equals = oval_doc(
        r#"<dpkginfo_state id="s2" xmlns="x#linux"><evr operation="equals">1.0</evr></dpkginfo_state>"#,
    );
    let dangling = oval_doc(
        r#"<dpkginfo_state id="s9" xmlns="x#linux"><evr operation="less than">1.0</evr></dpkginfo_state>"#,
    );
    assert!(debian_oval::parse(good.as_bytes(), "good.xml").is_ok());
    let cases = [
        (equals, "equals"),
        (dangling, "s2"),
        (negated, "negated"),
        (no_release, "installed"),
        (no_name, "o2"),
    ];
    for (doc, needle) in cases {
        let err = debian_oval::parse(doc.as_bytes(), "bad.xml").unwrap_err();
        assert!(matches!(err, FeedError::Malformed { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("bad.xml") && message.contains(needle),
            "{message}"
        );
    }
}

#[test]
fn oval_truncated_or_not_utf8_is_an_error() {
    let doc = oval_doc(
        r#"<dpkginfo_state id="s2" xmlns="x#linux"><evr operation="less than">0:0</evr></dpkginfo_state>"#,
    );
    let err = debian_oval::parse(&doc.as_bytes()[..doc.len() / 2], "cut.xml").unwrap_err();
    assert!(matches!(err, FeedError::Xml { .. }), "{err:?}");
    assert!(err.to_string().contains("cut.xml"), "{err}");
    let err = debian_oval::parse(b"<a>\xff</a>", "latin1.xml").unwrap_err();
    assert!(err.to_string().contains("latin1.xml"), "{err}");
    let err = debian_oval::parse_bz2(&b"BZh91AY&SY"[..], "cut.xml.bz2").unwrap_err();
    assert!(err.to_string().contains("cut.xml.bz2"), "{err}");
}

// ------------------------------------------------------------------------------- tracker

/// The (id, package, ecosystem) → (fixed version, urgency) entries a generic JSON reading
/// expects: numbered releases only, without `resolved` + `"0"`.
type TrackerExpectation = BTreeMap<(String, String, String), (Option<String>, String)>;

fn tracker_expectation(json: &serde_json::Value) -> TrackerExpectation {
    let numbered = [
        ("stretch", "9"),
        ("buster", "10"),
        ("bullseye", "11"),
        ("bookworm", "12"),
        ("trixie", "13"),
        ("jessie", "8"),
    ];
    let mut out = BTreeMap::new();
    for (package, issues) in json.as_object().unwrap() {
        for (id, issue) in issues.as_object().unwrap() {
            let Some(releases) = issue["releases"].as_object() else {
                continue;
            };
            for (codename, release) in releases {
                let Some((_, major)) = numbered.iter().find(|(c, _)| c == codename) else {
                    continue;
                };
                let fixed = release["fixed_version"].as_str();
                if release["status"] == "resolved" && fixed == Some("0") {
                    continue;
                }
                let urgency = release["urgency"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches('*')
                    .to_owned();
                let key = (id.clone(), package.clone(), format!("Debian:{major}"));
                out.insert(key, (fixed.map(str::to_owned), urgency));
            }
        }
    }
    out
}

#[test]
fn tracker_sample_matches_a_generic_reading() {
    let Some(path) = corpus(TRACKER) else { return };
    let bytes = read(&path);
    let advisories = debian_tracker::parse(&bytes, "debian.json").unwrap();
    assert_sorted_by_id(&advisories);
    let expected = tracker_expectation(&serde_json::from_slice(&bytes).unwrap());
    let mut got = BTreeMap::new();
    for adv in &advisories {
        assert_eq!(
            adv.url.as_deref(),
            Some(format!("https://security-tracker.debian.org/tracker/{}", adv.id).as_str())
        );
        for aff in &adv.affected {
            let key = (adv.id.clone(), aff.name.clone(), aff.ecosystem.clone());
            let fixed = aff.fixed_versions().into_iter().next();
            assert!(
                got.insert(key, (fixed, aff.severity.clone().unwrap()))
                    .is_none()
            );
        }
    }
    assert_eq!(got, expected);
}

#[test]
fn tracker_sample_edge_cases() {
    let Some(path) = corpus(TRACKER) else { return };
    let advisories = debian_tracker::parse(&read(&path), "debian.json").unwrap();
    // chromium: resolved in bookworm/bullseye, open (end-of-life) in buster/stretch, sid skipped.
    let chromium = find(&advisories, "CVE-2022-0456").unwrap();
    assert_eq!(chromium.affected.len(), 4);
    let bookworm = affected_of(chromium, "chromium", "Debian:12").unwrap();
    assert_eq!(bookworm.fixed_versions(), ["98.0.4758.80-1"]);
    for eco in ["Debian:10", "Debian:9"] {
        let open = affected_of(chromium, "chromium", eco).unwrap();
        assert!(is_unfixed(open), "{open:?}");
        assert_eq!(open.severity.as_deref(), Some("end-of-life"));
    }
    assert!(
        chromium
            .affected
            .iter()
            .all(|a| !a.ecosystem.contains("sid"))
    );
    // resolved with "0" everywhere: never affected, so no advisory at all.
    assert!(find(&advisories, "CVE-2007-2383").is_none());
    // "releases": [] parses and yields nothing.
    assert!(find(&advisories, "CVE-2022-0358").is_none());
    let prototype = find(&advisories, "CVE-2008-7220").unwrap();
    assert!(
        prototype
            .affected
            .iter()
            .all(|a| a.severity.as_deref() == Some("high"))
    );
    assert!(
        prototype
            .summary
            .as_deref()
            .unwrap()
            .starts_with("Unspecified vulnerability")
    );
}

#[test]
fn tracker_snapshot() {
    let Some(path) = corpus(TRACKER) else { return };
    let advisories = debian_tracker::parse(&read(&path), "debian.json").unwrap();
    insta::assert_json_snapshot!(find(&advisories, "CVE-2022-0456").unwrap());
}

#[test]
fn tracker_merges_packages_and_keeps_temp_ids() {
    let doc = br#"{
      "a": {"CVE-2099-1": {"description": "A flaw.\nMore.", "releases": {"bookworm": {"status": "undetermined", "urgency": "low*"}}},
            "TEMP-0000001-AAAAAA": {"releases": {"trixie": {"status": "resolved", "fixed_version": "1:2-1", "urgency": "unimportant"}}}},
      "b": {"CVE-2099-1": {"description": "B text", "releases": {"bookworm": {"status": "resolved", "fixed_version": "3-1", "urgency": "medium"},
                                                                 "sid": {"status": "open", "urgency": "medium"},
                                                                 "hamm": {"status": "open", "urgency": "low"},
                                                                 "zzz": {"status": "open", "urgency": "low"}}}}
    }"#;
    let advisories = debian_tracker::parse(doc, "inline.json").unwrap();
    let ids: Vec<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["CVE-2099-1", "TEMP-0000001-AAAAAA"]);
    let cve = &advisories[0];
    assert_eq!(cve.summary.as_deref(), Some("A flaw. More."));
    let entries: Vec<(&str, &str)> = cve
        .affected
        .iter()
        .map(|a| (a.name.as_str(), a.ecosystem.as_str()))
        .collect();
    assert_eq!(
        entries,
        [("a", "Debian:12"), ("b", "Debian:12"), ("b", "Debian:2.0")]
    );
    assert!(is_unfixed(&cve.affected[0]));
    assert_eq!(cve.affected[0].severity.as_deref(), Some("low"));
    assert_eq!(advisories[1].affected[0].fixed_versions(), ["1:2-1"]);
    assert!(advisories[1].aliases.is_empty());
}

#[test]
fn tracker_bad_input_is_an_error() {
    let cases: [(&[u8], &str); 4] = [
        (br#"{"a": {"CVE-2099-1": {"releases": {"bookworm": {"status": "resol"#, "truncated"),
        (br#"{"a": {"CVE-2099-1": {"releases": {"bookworm": {"status": "fixed?", "urgency": "low"}}}}}"#, "fixed?"),
        (br#"{"a": {"CVE-2099-1": {"releases": {"bookworm": {"status": "resolved", "urgency": "low"}}}}}"#, "resolved"),
        (br#"{"a": {"CVE-2099-1": {"releases": [1]}}}"#, "releases"),
    ];
    for (doc, needle) in cases {
        let err = debian_tracker::parse(doc, "tracker.json").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("tracker.json"), "{message}");
        assert!(
            needle == "truncated" || message.contains(needle),
            "{message}"
        );
    }
}

// ------------------------------------------------------------------------------- Alpine

/// (first id word, package, key) triples of a secdb file's fixes.
type SecdbFixes = BTreeSet<(String, String, String)>;

/// The fixes of a secdb file, and the (first id word, package) pairs under the key `"0"`.
fn secdb_triples(json: &serde_json::Value) -> (SecdbFixes, BTreeSet<(String, String)>) {
    let (mut fixed, mut never) = (BTreeSet::new(), BTreeSet::new());
    for package in json["packages"].as_array().unwrap() {
        let name = package["pkg"]["name"].as_str().unwrap();
        let Some(secfixes) = package["pkg"]["secfixes"].as_object() else {
            continue;
        };
        for (key, ids) in secfixes {
            for entry in ids.as_array().unwrap() {
                let id = entry
                    .as_str()
                    .unwrap()
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_owned();
                if key == "0" {
                    never.insert((id, name.to_owned()));
                } else {
                    fixed.insert((id, name.to_owned(), key.clone()));
                }
            }
        }
    }
    (fixed, never)
}

#[test]
fn alpine_files_match_a_generic_reading() {
    let mut checked = 0;
    for release in ["v3.19", "v3.20", "v3.21"] {
        for repo in ["main", "community"] {
            let Some(path) = corpus(&format!("alpine/secdb/{release}/{repo}.json")) else {
                return;
            };
            let bytes = read(&path);
            let advisories = alpine::parse(&bytes, &format!("{release}/{repo}.json")).unwrap();
            assert_sorted_by_id(&advisories);
            let (fixed, never) = secdb_triples(&serde_json::from_slice(&bytes).unwrap());
            let mut got = BTreeSet::new();
            for adv in &advisories {
                for aff in &adv.affected {
                    assert_eq!(aff.ecosystem, format!("Alpine:{release}"));
                    assert!(aff.fixed_versions().iter().all(|v| v != "0"));
                    got.extend(
                        aff.fixed_versions()
                            .into_iter()
                            .map(|v| (adv.id.clone(), aff.name.clone(), v)),
                    );
                }
            }
            assert!(fixed.is_subset(&got), "{release}/{repo}: missing fixes");
            assert!(!never.is_empty(), "{release}/{repo} has \"0\" keys");
            for (id, name) in &never {
                let listed = find(&advisories, id)
                    .is_some_and(|a| a.affected.iter().any(|x| &x.name == name));
                let also_fixed = fixed.iter().any(|(i, n, _)| i == id && n == name);
                assert_eq!(
                    listed, also_fixed,
                    "{release}/{repo}: {id} {name} is never affected"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[test]
fn alpine_v321_main_details() {
    let Some(path) = corpus("alpine/secdb/v3.21/main.json") else {
        return;
    };
    let advisories = alpine::parse(&read(&path), "v3.21/main.json").unwrap();
    let openssl: Vec<&Advisory> = advisories
        .iter()
        .filter(|a| affected_of(a, "openssl", "Alpine:v3.21").is_some())
        .collect();
    assert!(openssl.len() > 10, "{}", openssl.len());
    let gnutls = find(&advisories, "CVE-2020-11501").unwrap();
    assert_eq!(gnutls.aliases, ["GNUTLS-SA-2020-03-31"]);
    assert_eq!(
        gnutls.url.as_deref(),
        Some("https://security.alpinelinux.org/vuln/CVE-2020-11501")
    );
    // "CVE-2019-17349 CVE-2019-17350 XSA-295": both CVEs are advisories, the XSA their alias.
    for id in ["CVE-2019-17349", "CVE-2019-17350"] {
        let adv = find(&advisories, id).unwrap();
        assert_eq!(adv.aliases, ["XSA-295"], "{id}");
        assert_eq!(
            affected_of(adv, "xen", "Alpine:v3.21")
                .unwrap()
                .fixed_versions(),
            ["4.12.1-r0"]
        );
    }
    let non_cve = advisories
        .iter()
        .find(|a| !a.id.starts_with("CVE-"))
        .unwrap();
    assert!(non_cve.url.is_none(), "{}", non_cve.id);
    insta::assert_json_snapshot!(gnutls);
}

#[test]
fn alpine_repeated_fixes_become_separate_ranges() {
    let doc = br#"{"distroversion": "v3.99", "reponame": "main", "packages": [
        {"pkg": {"name": "ucode", "secfixes": {"2-r0": ["CVE-2099-1"], "1-r0": ["CVE-2099-1", "CVE-2099-1"], "0": ["CVE-2099-2"]}}},
        {"pkg": {"name": "other", "secfixes": {"0": ["CVE-2099-1"], "5-r1": ["XSA-1 XSA-1b"]}}},
        {"pkg": {"name": "empty"}}
    ]}"#;
    let advisories = alpine::parse(doc, "inline.json").unwrap();
    let ids: Vec<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["CVE-2099-1", "XSA-1"]);
    let cve = &advisories[0];
    assert_eq!(cve.affected.len(), 1);
    assert_eq!(cve.affected[0].ranges.len(), 2);
    assert_eq!(cve.affected[0].fixed_versions(), ["1-r0", "2-r0"]);
    assert_eq!(advisories[1].aliases, ["XSA-1b"]);
}

#[test]
fn alpine_bad_input_is_an_error() {
    let cases: [&[u8]; 3] = [
        br#"{"distroversion": "v3.21", "packages": [{"pkg": {"name": "a", "secf"#,
        br#"{"packages": []}"#,
        br#"{"distroversion": " ", "packages": []}"#,
    ];
    for doc in cases {
        let err = alpine::parse(doc, "secdb.json").unwrap_err();
        assert!(err.to_string().contains("secdb.json"), "{err}");
    }
}
