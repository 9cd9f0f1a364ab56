//! The npm and Cargo.lock catalogers, against syft's own fixtures (`shared/corpus/syft-fixtures`,
//! compared with syft 1.18.1's results), syft's reference SBOMs (`shared/corpus/sbom`), the test
//! image's apps (`$ASSAY_TEST_IMAGE_DIR/app/{node,rust}`), and small in-memory trees for the
//! snapshots and the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod memtree;

use memtree::{MemTree, noise};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assay_core::{FileTree, TreePath};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::cargo::CargoCataloger;
use assay_sbom::catalog::npm::NpmCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::{Package, Party, RelationshipKind, Sbom, SourceInfo};

// ------------------------------------------------------------------------------- fixtures

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

fn skip(what: &str) {
    assert!(!fixtures_required(), "required fixture missing: {what}");
    eprintln!("skipping: {what}");
}

/// `$ASSAY_SHARED/<sub>`, else `shared/<sub>` beside the repository.
fn shared_dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&format!("{} is missing", dir.display()));
        None
    }
}

/// `<test image>/<sub>`: `$ASSAY_TEST_IMAGE_DIR` first, then `/tmp/testimg`.
fn test_image(sub: &str) -> Option<PathBuf> {
    let candidates = std::env::var_os("ASSAY_TEST_IMAGE_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/tmp/testimg")]);
    for dir in candidates {
        if dir.join(sub).is_dir() {
            return Some(dir.join(sub));
        }
    }
    skip(&format!(
        "the test image's {sub} (set ASSAY_TEST_IMAGE_DIR)"
    ));
    None
}

/// Runs `c` through the driver (duplicates folded, edges checked, everything sorted).
fn scan(tree: &dyn FileTree, c: impl Cataloger + 'static) -> Sbom {
    let source = SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    catalog::catalog(tree, source, &[Box::new(c)])
}

fn scan_dir(dir: &Path, c: impl Cataloger + 'static) -> Sbom {
    scan(&HostTree::dir(dir).unwrap(), c)
}

fn named<'s>(sbom: &'s Sbom, name: &str, version: &str) -> &'s Package {
    sbom.packages
        .iter()
        .find(|p| p.name == name && p.version == version)
        .unwrap_or_else(|| panic!("{name} {version} not found"))
}

/// `name@version → name@version` for every DEPENDS_ON edge.
fn edges(sbom: &Sbom) -> BTreeSet<(String, String)> {
    let label: BTreeMap<_, _> = sbom
        .packages
        .iter()
        .map(|p| (&p.id, format!("{}@{}", p.name, p.version)))
        .collect();
    sbom.relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn)
        .map(|r| (label[&r.from].clone(), label[&r.to].clone()))
        .collect()
}

fn edge(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

fn nv(name: &str, version: &str) -> (String, String) {
    (name.to_owned(), version.to_owned())
}

fn ours(sbom: &Sbom) -> BTreeSet<(String, String)> {
    sbom.packages
        .iter()
        .map(|p| nv(&p.name, &p.version))
        .collect()
}

/// syft 1.18.1's default-mode `(name, version)` per fixture (`javascript/x`), for one cataloger.
fn syft_packages(corpus: &Path, found_by: &str) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = std::fs::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, "default", by, _ty, _purl, name, version] = cols[..]
            && by == found_by
        {
            out.entry(fixture.to_owned())
                .or_default()
                .insert(nv(name, version));
        }
    }
    out
}

fn fixture_dirs(group: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(group)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn fixture_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// Compares each fixture of `group` with syft: ours ⊇ syft's, except the listed differences
/// (which must really be syft-only). Returns `fixture → (syft, matched, ours)` counts.
fn compare_with_syft(
    corpus: &Path,
    group: &str,
    found_by: &str,
    unsupported: &[&str],
    syft_only: &[(&str, &str, &str, &str)],
    c: impl Cataloger + Copy + 'static,
) -> BTreeMap<String, (usize, usize, usize)> {
    let expected = syft_packages(corpus, found_by);
    let mut counts = BTreeMap::new();
    for dir in fixture_dirs(&corpus.join(group)) {
        let fixture = format!("{group}/{}", fixture_name(&dir));
        if unsupported
            .iter()
            .any(|u| fixture_name(&dir).starts_with(u))
        {
            continue;
        }
        let sbom = scan_dir(&dir, c);
        let got = ours(&sbom);
        let syft = expected.get(&fixture).cloned().unwrap_or_default();
        let excused: BTreeSet<(String, String)> = syft_only
            .iter()
            .filter(|(f, ..)| *f == fixture)
            .map(|(_, n, v, _)| nv(n, v))
            .collect();
        for pv in &excused {
            assert!(
                syft.contains(pv),
                "{fixture}: {pv:?} is not in syft's list any more"
            );
            assert!(!got.contains(pv), "{fixture}: {pv:?} is reported after all");
        }
        let missing: Vec<_> = syft
            .difference(&got)
            .filter(|p| !excused.contains(*p))
            .collect();
        assert!(
            missing.is_empty(),
            "{fixture}: syft finds {missing:?}, we do not"
        );
        let matched = syft.intersection(&got).count();
        counts.insert(fixture, (syft.len(), matched, got.len()));
    }
    for (fixture, (syft, matched, got)) in &counts {
        eprintln!("{fixture}: syft {syft}, matched {matched}, ours {got}");
    }
    counts
}

// ------------------------------------------------------------------------ in-memory trees

fn warned_about(sbom: &Sbom, path: &str) -> bool {
    sbom.warnings.iter().any(|w| w.path == path)
}

// ------------------------------------------------------------------------------------- npm

/// Fixture groups whose formats the npm cataloger does not read.
const NPM_UNSUPPORTED: &[&str] = &["bun", "deno", "pnpm"];

/// What syft 1.18.1 reports and we deliberately do not.
const NPM_SYFT_ONLY: &[(&str, &str, &str, &str)] = &[
    ("javascript/pkg-lock-v2", "npm", "6.14.6", ROOT),
    ("javascript/pkg-lock-v3", "lock-v3-fixture", "1.0.0", ROOT),
    ("javascript/pkg-lock-alias-v2", "alias-check", "1.0.0", ROOT),
    ("javascript/pkg-lock-array-license", "tmp", "1.0.0", ROOT),
    (
        "javascript/yarn-berry",
        "c0n-fab_u.laTION",
        "7.7.7",
        WORKSPACE,
    ),
];
const ROOT: &str = "the lockfile's root entry (packages[\"\"]) is the project, not a dependency";
const WORKSPACE: &str = "a berry @workspace: entry is the project itself";

#[test]
fn npm_finds_everything_syft_finds() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let counts = compare_with_syft(
        &corpus,
        "javascript",
        "javascript-lock-cataloger",
        NPM_UNSUPPORTED,
        NPM_SYFT_ONLY,
        NpmCataloger,
    );
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    eprintln!("javascript: syft {syft}, matched {matched}");
    assert_eq!(syft - matched, NPM_SYFT_ONLY.len());
}

#[test]
fn npm_fixtures_read_without_warnings_except_the_corrupt_one() {
    let Some(js) = shared_dir("corpus/syft-fixtures/javascript") else {
        return;
    };
    for dir in fixture_dirs(&js) {
        let sbom = scan_dir(&dir, NpmCataloger);
        if fixture_name(&dir) == "corrupt" {
            assert!(sbom.packages.is_empty());
            assert!(
                warned_about(&sbom, "/package-lock.json"),
                "{:?}",
                sbom.warnings
            );
        } else {
            assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
        }
    }
}

#[test]
fn npm_v1_nested_lockfile_reports_every_install() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/javascript/pkg-lock-nested-v1") else {
        return;
    };
    let sbom = scan_dir(&dir, NpmCataloger);
    // syft 1.18.1 reads only the top level of a v1 tree; the nested installs are real too.
    let want: BTreeSet<_> = [
        nv("parent", "1.0.0"),
        nv("shared", "2.0.0"),
        nv("shared", "1.0.0"),
        nv("shared", "0.5.0"),
        nv("middle", "1.0.0"),
        nv("duplicate", "1.0.0"),
        nv("dev-parent", "1.0.0"),
        nv("dev-nested", "1.0.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    // Two installs of duplicate@1.0.0, both only in the lockfile: one package.
    assert_eq!(sbom.packages.len(), want.len());
    let dev = named(&sbom, "dev-parent", "1.0.0");
    assert_eq!(dev.metadata.get("dev").map(String::as_str), Some("true"));
    assert_eq!(
        dev.download_location.as_deref(),
        Some("https://registry.npmjs.org/dev-parent/-/dev-parent-1.0.0.tgz"),
        "no resolved URL: the registry's"
    );
    assert!(named(&sbom, "parent", "1.0.0").metadata.is_empty());
}

#[test]
fn npm_aliases_report_the_real_package() {
    for fixture in ["pkg-lock-alias-v1", "pkg-lock-alias-v2"] {
        let sub = format!("corpus/syft-fixtures/javascript/{fixture}");
        let Some(dir) = shared_dir(&sub) else {
            return;
        };
        let sbom = scan_dir(&dir, NpmCataloger);
        let want: BTreeSet<_> = [
            nv("case", "1.6.2"),
            nv("case", "1.6.3"),
            nv("@bundled-es-modules/chai", "4.2.2"),
        ]
        .into();
        assert_eq!(ours(&sbom), want, "{fixture}");
        let chai = named(&sbom, "@bundled-es-modules/chai", "4.2.2");
        assert_eq!(
            chai.purl.to_string(),
            "pkg:npm/%40bundled-es-modules/chai@4.2.2"
        );
        assert_eq!(
            chai.download_location.as_deref(),
            Some("https://registry.npmjs.org/@bundled-es-modules/chai/-/chai-4.2.2.tgz")
        );
        assert_eq!(chai.checksums["SHA512"].len(), 128);
    }
}

#[test]
fn npm_lockfile_next_to_node_modules_is_one_package_per_install() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/javascript/pkg-lock") else {
        return;
    };
    let sbom = scan_dir(&dir, NpmCataloger);
    let cowsay = named(&sbom, "cowsay", "1.4.0");
    let paths: Vec<&str> = cowsay.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/node_modules/cowsay/package.json", "/package-lock.json"]
    );
    assert_eq!(cowsay.cataloger, "javascript-lock-cataloger");
    assert_eq!(
        cowsay.supplier,
        Some(Party::Person {
            name: "Fabio Crisci".to_owned(),
            email: Some("piuccio@gmail.com".to_owned()),
        })
    );
    assert_eq!(cowsay.license.as_deref(), Some("MIT"));
    assert_eq!(
        cowsay.homepage.as_deref(),
        Some("https://github.com/piuccio/cowsay")
    );
    assert_eq!(
        cowsay.checksums["SHA512"],
        "add8399393ec1c554985e3bfa66137683836ad40c34df3c96aeeb2624658947164\
         b54cfe5316c4f88827500132c82cafe27a0be65b715c3d206739873c2cbff6"
    );
    assert!(
        sbom.packages
            .iter()
            .all(|p| p.cataloger == "javascript-lock-cataloger")
    );
    // The other *.json files here are syft's parser inputs under test names: not lockfiles.
    assert!(!ours(&sbom).contains(&nv("@types/react", "18.0.17")));
    let e = edges(&sbom);
    for (from, to) in [
        ("cowsay@1.4.0", "get-stdin@5.0.1"),
        ("cowsay@1.4.0", "optimist@0.6.1"),
        ("optimist@0.6.1", "minimist@0.0.10"),
        ("string-width@2.1.1", "strip-ansi@4.0.0"),
        ("strip-ansi@4.0.0", "ansi-regex@3.0.0"),
    ] {
        assert!(e.contains(&edge(from, to)), "{from} -> {to} missing: {e:?}");
    }
}

#[test]
fn npm_integration_lock_keeps_dev_packages_and_ignores_nested_lockfiles() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/javascript/integration-npm-lock") else {
        return;
    };
    let sbom = scan_dir(&dir, NpmCataloger);
    let want: BTreeSet<_> = [
        nv("collapse-white-space", "2.0.0"),
        nv("end-of-stream", "1.4.4"),
        nv("insert-css", "2.0.0"),
        nv("once", "1.4.0"),
        nv("pump", "3.0.0"),
        nv("wrappy", "1.0.2"),
    ]
    .into();
    // node_modules/wrappy/package-lock.json lists wrappy's own dev tools (abbrev ...): ignored.
    assert_eq!(ours(&sbom), want);
    let dev = |n: &str, v: &str| named(&sbom, n, v).metadata.get("dev").cloned();
    assert_eq!(dev("pump", "3.0.0").as_deref(), Some("true"));
    assert_eq!(dev("insert-css", "2.0.0"), None);
    let e = edges(&sbom);
    for (from, to) in [
        ("pump@3.0.0", "end-of-stream@1.4.4"),
        ("pump@3.0.0", "once@1.4.0"),
        ("once@1.4.0", "wrappy@1.0.2"),
        ("end-of-stream@1.4.4", "once@1.4.0"),
    ] {
        assert!(e.contains(&edge(from, to)), "{from} -> {to} missing: {e:?}");
    }
}

#[test]
fn npm_yarn_lock_claims_installs_by_name_and_version() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/javascript/integration-yarn-lock") else {
        return;
    };
    let sbom = scan_dir(&dir, NpmCataloger);
    assert_eq!(sbom.packages.len(), 5);
    assert!(
        sbom.packages
            .iter()
            .all(|p| p.cataloger == "javascript-lock-cataloger")
    );
    // Named by its registry URL, as installed; the lock's header names the alias.
    let polyfill = named(&sbom, "@4lolo/resize-observer-polyfill", "1.5.2");
    assert_eq!(
        polyfill.locations[0].path,
        "/node_modules/resize-observer-polyfill/package.json"
    );
    let old_async = named(&sbom, "async", "0.9.2");
    assert_eq!(
        old_async.locations[0].path,
        "/packages/nested-package/node_modules/async/package.json"
    );
    assert_eq!(
        old_async.checksums["SHA1"],
        "aea74d5e61c1f899613bf64bda66d4c78f2fd17d"
    );
    assert_eq!(
        old_async.download_location.as_deref(),
        Some("https://registry.yarnpkg.com/async/-/async-0.9.2.tgz")
    );
    let git = named(&sbom, "should-type", "1.3.0");
    assert_eq!(
        git.download_location.as_deref(),
        Some("https://github.com/shouldjs/type.git#31d26945cb3b4ad21d2308776e4442c461666390")
    );
}

#[test]
fn npm_yarn_edges_in_both_dialects() {
    for fixture in ["yarn-dev-deps", "yarn-berry-dev-deps"] {
        let sub = format!("corpus/syft-fixtures/javascript/{fixture}");
        let Some(dir) = shared_dir(&sub) else {
            return;
        };
        let sbom = scan_dir(&dir, NpmCataloger);
        let want: BTreeSet<_> = [
            edge("dev-pkg@1.0.0", "dev-only-transitive@1.0.0"),
            edge("prod-pkg@1.0.0", "shared-pkg@1.0.0"),
        ]
        .into();
        assert_eq!(edges(&sbom), want, "{fixture}");
    }
    let Some(dir) = shared_dir("corpus/syft-fixtures/javascript/yarn-v1-deps") else {
        return;
    };
    let sbom = scan_dir(&dir, NpmCataloger);
    let e = edges(&sbom);
    // `asn1.js "4.10.1"` matches no header (`asn1.js@^4.0.0`): the only asn1.js block.
    let want: BTreeSet<_> = [
        edge("aws-sdk@2.706.0", "asn1.js@4.10.1"),
        edge("asn1.js@4.10.1", "atob@2.1.2"),
    ]
    .into();
    assert_eq!(e, want);
    // Named after the registry URL, as syft names it.
    named(&sbom, "something-i-made-up", "7.7.7");
}

/// `(fixture, expected supplier, expected license)` for syft's package.json variants.
fn manifest_cases() -> Vec<(&'static str, Option<Party>, Option<&'static str>)> {
    let person = |n: &str, e: Option<&str>| {
        Some(Party::Person {
            name: n.to_owned(),
            email: e.map(str::to_owned),
        })
    };
    let isaac = person("Isaac Z. Schlueter", Some("i@izs.me"));
    let harry = person("Harry Potter", Some("hp@hogwards.com"));
    let charlie = person("Charlie Maintainer", Some("charlie@example.com"));
    let npm_inc = Some(Party::Organization {
        name: "npm Inc.".to_owned(),
        email: None,
    });
    let art = Some("Artistic-2.0");
    vec![
        (
            "all-author-fields",
            person("Main Author", Some("main@example.com")),
            art,
        ),
        ("author-non-standard", npm_inc, art),
        ("authors-array", harry.clone(), art),
        ("authors-objects", harry.clone(), art),
        ("authors-string", harry, art),
        ("both-author-and-authors", isaac.clone(), art),
        (
            "contributors",
            person("Alice Contributor", Some("alice@example.com")),
            art,
        ),
        ("contributors-string", None, art),
        ("default", isaac.clone(), art),
        ("license-object", isaac.clone(), Some("ISC")),
        ("license-objects", isaac.clone(), Some("MIT OR Apache-2.0")),
        ("maintainers", charlie.clone(), art),
        ("maintainers-object", charlie, art),
        ("malformed-license", isaac.clone(), Some("MIT")),
        ("nested-author", isaac.clone(), art),
        ("no-license", isaac.clone(), None),
        ("private", isaac, art),
        (
            "repo-string",
            person("Raynos", Some("raynos2@gmail.com")),
            Some("MIT"),
        ),
    ]
}

#[test]
fn npm_installed_manifests_give_supplier_and_license() {
    let Some(js) = shared_dir("corpus/syft-fixtures/javascript") else {
        return;
    };
    for (fixture, supplier, license) in manifest_cases() {
        let text = std::fs::read(js.join(format!("pkg-json-{fixture}/package.json"))).unwrap();
        let tree = MemTree::default().file("/app/node_modules/x/package.json", text);
        let sbom = scan(&tree, NpmCataloger);
        assert_eq!(sbom.packages.len(), 1, "{fixture}");
        let p = &sbom.packages[0];
        assert_eq!(p.supplier, supplier, "{fixture}");
        assert_eq!(p.license.as_deref(), license, "{fixture}");
        assert_eq!(p.cataloger, "javascript-package-cataloger");
    }
    let partial = std::fs::read(js.join("pkg-json-partial/package.json")).unwrap();
    let tree = MemTree::default().file("/node_modules/x/package.json", partial);
    let sbom = scan(&tree, NpmCataloger);
    assert!(sbom.packages.is_empty() && sbom.warnings.is_empty());
}

#[test]
fn npm_test_image_app_every_lock_entry_once() {
    let Some(dir) = test_image("app/node") else {
        return;
    };
    let lock: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("package-lock.json")).unwrap()).unwrap();
    let entries = lock["packages"].as_object().unwrap();
    let sbom = scan_dir(&dir, NpmCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    assert_eq!(sbom.packages.len(), entries.len() - 1);
    for (key, entry) in entries.iter().filter(|(k, _)| !k.is_empty()) {
        let name = key.rsplit_once("node_modules/").unwrap().1;
        let version = entry["version"].as_str().unwrap();
        let hits: Vec<&Package> = sbom
            .packages
            .iter()
            .filter(|p| p.name == name && p.version == version)
            .collect();
        assert_eq!(hits.len(), 1, "{key}");
        assert_eq!(hits[0].locations[0].path, format!("/{key}/package.json"));
        assert_eq!(hits[0].locations[1].path, "/package-lock.json");
    }
    for want in ["express@4.17.1", "lodash@4.17.15", "minimist@1.2.0"] {
        assert!(ours(&sbom).iter().any(|(n, v)| format!("{n}@{v}") == want));
    }
    let e = edges(&sbom);
    for (from, to) in [
        ("express@4.17.1", "body-parser@1.19.0"),
        ("express@4.17.1", "send@0.17.1"),
        ("body-parser@1.19.0", "raw-body@2.4.0"),
        // Node's lookup: send's own node_modules first, the top level for debug.
        ("send@0.17.1", "ms@2.1.1"),
        ("debug@2.6.9", "ms@2.0.0"),
    ] {
        assert!(e.contains(&edge(from, to)), "{from} -> {to} missing");
    }
    assert!(!e.contains(&edge("send@0.17.1", "ms@2.0.0")));
    let express = named(&sbom, "express", "4.17.1");
    assert_eq!(
        express.supplier,
        Some(Party::Person {
            name: "TJ Holowaychuk".to_owned(),
            email: Some("tj@vision-media.ca".to_owned()),
        })
    );
    assert_eq!(
        express.download_location.as_deref(),
        Some("https://registry.npmjs.org/express/-/express-4.17.1.tgz")
    );
    assert_eq!(express.homepage.as_deref(), Some("http://expressjs.com/"));
}

#[test]
fn npm_syft_reference_lockfile() {
    let Some(dir) = shared_dir("corpus/sbom/syft-1.18.1/npm-lock") else {
        return;
    };
    let cdx: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("package-lock.cdx.json")).unwrap()).unwrap();
    let syft: BTreeSet<_> = (cdx["components"].as_array().unwrap().iter())
        .map(|c| nv(c["name"].as_str().unwrap(), c["version"].as_str().unwrap()))
        .collect();
    let sbom = scan_dir(&dir, NpmCataloger);
    let got = ours(&sbom);
    let missing: Vec<_> = syft.difference(&got).collect();
    // The root project, npm-express@1.0.0, is the only one syft has and we do not.
    assert_eq!(missing, [&nv("npm-express", "1.0.0")]);
    assert_eq!(got.len(), 71);
}

const NPM_SNAPSHOT_LOCK: &str = r#"{
  "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": { "name": "app", "version": "1.0.0", "dependencies": { "@scope/a": "^1", "b": "2" } },
    "node_modules/@scope/a": {
      "version": "1.2.3",
      "resolved": "https://registry.npmjs.org/@scope/a/-/a-1.2.3.tgz",
      "integrity": "sha512-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
      "license": "MIT",
      "dependencies": { "b": "^1" }
    },
    "node_modules/@scope/a/node_modules/b": { "version": "1.0.0", "license": "ISC" },
    "node_modules/b": { "version": "2.0.0", "dev": true, "resolved": "file:../b" }
  }
}"#;

const NPM_SNAPSHOT_MANIFEST: &str = r#"{
  "name": "@scope/a", "version": "1.2.3", "license": "MIT",
  "author": { "name": "A Author", "email": "a@example.com" },
  "homepage": "https://example.com/a"
}"#;

#[test]
fn npm_snapshot() {
    let tree = MemTree::default()
        .file("/srv/app/package-lock.json", NPM_SNAPSHOT_LOCK)
        .file("/srv/app/node_modules/@scope/a/package.json", NPM_SNAPSHOT_MANIFEST)
        .file("/srv/app/node_modules/@scope/a/lib/package.json", "{}")
        .file(
            "/opt/tool/node_modules/c/package.json",
            r#"{"name": "c", "version": "3.0.0", "author": "C Person <c@example.com> (https://c.example)",
               "dependencies": {"d": "*"}, "_resolved": "https://registry.npmjs.org/c/-/c-3.0.0.tgz"}"#,
        )
        .file(
            "/opt/tool/node_modules/d/package.json",
            r#"{"name": "d", "version": "4.0.0", "licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}"#,
        );
    let sbom = scan(&tree, NpmCataloger);
    insta::assert_json_snapshot!("npm_catalog", &sbom);
}

#[test]
fn npm_malformed_files_warn_and_the_rest_is_cataloged() {
    let yarn_ok =
        "a@^1:\n  version \"1.0.0\"\n  resolved \"https://registry.yarnpkg.com/a/-/a-1.0.0.tgz\"\n";
    let truncated =
        "# yarn lockfile v1\n\nb@^2:\n  version \"2.0.0\"\n\nc@^3:\n  resolved \"https://regis";
    let tree = MemTree::default()
        .file("/blob/package-lock.json", noise(4096, 7))
        .file("/ok/yarn.lock", yarn_ok)
        .file("/cut/yarn.lock", truncated)
        .file(
            "/bad/node_modules/x/package.json",
            "{\"name\": \"x\", \"version\": ",
        )
        .file(
            "/bad/node_modules/y/package.json",
            r#"{"name": "y", "version": "1.0.0"}"#,
        )
        .file(
            "/entry/package-lock.json",
            r#"{"lockfileVersion": 2, "packages": {"node_modules/p": {"version": 5},
               "node_modules/q": {"version": "1.0.0"}}}"#,
        );
    let sbom = scan(&tree, NpmCataloger);
    for path in [
        "/blob/package-lock.json",
        "/cut/yarn.lock",
        "/bad/node_modules/x/package.json",
        "/entry/package-lock.json",
    ] {
        assert!(warned_about(&sbom, path), "{path}: {:?}", sbom.warnings);
    }
    let want: BTreeSet<_> = [
        nv("a", "1.0.0"),
        nv("b", "2.0.0"),
        nv("y", "1.0.0"),
        nv("q", "1.0.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
}

#[test]
fn npm_noise_as_yarn_lock_is_bounded() {
    let tree = MemTree::default().file("/yarn.lock", noise(1 << 16, 11));
    let sbom = scan(&tree, NpmCataloger);
    assert!(sbom.packages.is_empty());
    assert!(
        !sbom.warnings.is_empty() && sbom.warnings.len() <= 25,
        "{}",
        sbom.warnings.len()
    );
}

#[test]
fn npm_wants_only_lockfiles_and_installed_manifests() {
    let c = NpmCataloger;
    let wants = |p: &str| c.wants(&TreePath::new(p).unwrap());
    assert!(wants("/app/package-lock.json"));
    assert!(wants("/app/yarn.lock"));
    assert!(wants("/app/node_modules/a/package.json"));
    assert!(wants("/app/node_modules/@s/a/package.json"));
    assert!(wants("/app/node_modules/a/node_modules/b/package.json"));
    assert!(!wants("/app/package.json"), "the project's own manifest");
    assert!(!wants("/app/node_modules/a/lib/package.json"));
    assert!(!wants("/app/node_modules/a/package-lock.json"));
    assert!(!wants("/app/node_modules/.bin/package.json"));
    assert!(!wants("/app/node_modules/@s/package.json"));
}

// ----------------------------------------------------------------------------------- cargo

#[test]
fn cargo_finds_everything_syft_finds() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let counts = compare_with_syft(
        &corpus,
        "rust",
        "rust-cargo-lock-cataloger",
        &[],
        &[],
        CargoCataloger,
    );
    assert!(counts.values().all(|(syft, matched, _)| syft == matched));
    for dir in fixture_dirs(&corpus.join("rust")) {
        let sbom = scan_dir(&dir, CargoCataloger);
        let warnings: Vec<&str> = sbom.warnings.iter().map(|w| w.message.as_str()).collect();
        if fixture_name(&dir) == "cargo-lock" {
            // syft's fixture lists `"bogus", # not present in cargo.lock; test error handling`.
            let bogus = "unicode-bidi 0.3.4: dependency \"bogus\" names no package";
            assert_eq!(warnings, [bogus]);
        } else {
            assert!(warnings.is_empty(), "{dir:?}: {warnings:?}");
        }
    }
}

#[test]
fn cargo_git_and_registry_copies_stay_apart() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/rust/cargo-lock-git-deps") else {
        return;
    };
    let sbom = scan_dir(&dir, CargoCataloger);
    assert_eq!(sbom.packages.len(), 12);
    let regex: Vec<&Package> = sbom.packages.iter().filter(|p| p.name == "regex").collect();
    let purls: BTreeSet<String> = regex.iter().map(|p| p.purl.to_string()).collect();
    let git = "git+https://github.com/rust-lang/regex.git@1a069b9232c607b34c4937122361aa075ef573fa";
    let want: BTreeSet<String> = [
        "pkg:cargo/regex@1.11.1".to_owned(),
        format!(
            "pkg:cargo/regex@1.11.1?vcs_url={}",
            git.replace('+', "%2B").replace('@', "%40")
        ),
    ]
    .into();
    assert_eq!(purls, want);
    let git_regex = regex
        .iter()
        .find(|p| p.download_location.as_deref() == Some(git));
    let git_regex = git_regex.expect("the git copy downloads from its repository");
    assert_eq!(git_regex.supplier, None);
    assert!(git_regex.checksums.is_empty());
    let hello = named(&sbom, "hello_world", "0.1.0");
    assert_eq!(hello.download_location, None);
    let to_regex: Vec<_> = sbom
        .relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn)
        .filter(|r| regex.iter().any(|p| p.id == r.to))
        .map(|r| (r.from.clone(), r.to.clone()))
        .collect();
    assert!(to_regex.contains(&(hello.id.clone(), git_regex.id.clone())));
    let nom_regex = named(&sbom, "nom-regex", "0.2.0");
    assert!(!to_regex.contains(&(nom_regex.id.clone(), git_regex.id.clone())));
    assert_eq!(to_regex.len(), 2);
}

#[test]
fn cargo_big_lockfile_every_package_and_dependency() {
    let Some(dir) = shared_dir("corpus/sbom/syft-1.18.1/cargo-lock") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    let headers = text.matches("[[package]]").count();
    assert_eq!(headers, 519);
    let tree = HostTree::file(&dir.join("Cargo.lock")).unwrap();
    let sbom = scan(&tree, CargoCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    assert_eq!(sbom.packages.len(), headers);
    let lock: toml::Value = toml::from_str(&text).unwrap();
    let dep_count: usize = (lock["package"].as_array().unwrap().iter())
        .map(|p| {
            p.get("dependencies")
                .and_then(|d| d.as_array())
                .map_or(0, Vec::len)
        })
        .sum();
    let depends = sbom
        .relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn);
    assert_eq!(
        depends.count(),
        dep_count,
        "every dependency string resolves to one edge"
    );
    let cdx: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("Cargo.lock.cdx.json")).unwrap()).unwrap();
    let syft: BTreeSet<_> = (cdx["components"].as_array().unwrap().iter())
        .map(|c| nv(c["name"].as_str().unwrap(), c["version"].as_str().unwrap()))
        .collect();
    assert_eq!(ours(&sbom), syft);
}

#[test]
fn cargo_test_image_app() {
    let Some(dir) = test_image("app/rust") else {
        return;
    };
    let sbom = scan_dir(&dir, CargoCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    for (name, version) in [
        ("smallvec", "1.6.0"),
        ("regex", "1.5.4"),
        ("time", "0.1.43"),
    ] {
        let p = named(&sbom, name, version);
        assert_eq!(p.purl.to_string(), format!("pkg:cargo/{name}@{version}"));
        assert_eq!(
            p.download_location,
            Some(format!(
                "https://crates.io/api/v1/crates/{name}/{version}/download"
            ))
        );
        assert_eq!(
            p.supplier,
            Some(Party::Organization {
                name: "crates.io".to_owned(),
                email: None
            })
        );
        assert_eq!(p.checksums["SHA256"].len(), 64);
        assert_eq!(p.license, None);
    }
    let regex = named(&sbom, "regex", "1.5.4");
    assert_eq!(
        regex.checksums["SHA256"],
        "d07a8629359eb56f1e2fb1652bb04212c072a87ba68546a04065d525673ac461"
    );
    let e = edges(&sbom);
    assert!(
        e.iter()
            .any(|(f, t)| f == "regex@1.5.4" && t.starts_with("aho-corasick@"))
    );
}

const CARGO_V1: &str = r#"
[root]
name = "app"
version = "0.1.0"
dependencies = [
 "a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
 "local 0.2.0",
]

[[package]]
name = "a"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "local"
version = "0.2.0"
dependencies = [
 "a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[metadata]
"checksum a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)" = "0000000000000000000000000000000000000000000000000000000000000001"
"#;

const CARGO_V4: &str = r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["dep 1.0.0", "dep 2.0.0", "forked", "internal"]

[[package]]
name = "dep"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "00000000000000000000000000000000000000000000000000000000000000aa"

[[package]]
name = "dep"
version = "2.0.0"
source = "sparse+https://index.crates.io/"
checksum = "00000000000000000000000000000000000000000000000000000000000000bb"

[[package]]
name = "forked"
version = "0.3.0"
source = "git+https://example.com/forked.git?branch=main#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "internal"
version = "5.0.0"
source = "registry+https://registry.example.com/index"
checksum = "00000000000000000000000000000000000000000000000000000000000000cc"
"#;

#[test]
fn cargo_snapshot() {
    let tree = MemTree::default()
        .file("/old/Cargo.lock", CARGO_V1)
        .file("/new/Cargo.lock", CARGO_V4);
    let sbom = scan(&tree, CargoCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    insta::assert_json_snapshot!("cargo_catalog", &sbom);
}

#[test]
fn cargo_malformed_files_warn_and_the_rest_is_cataloged() {
    let broken_entry = "[[package]]\nname = \"nover\"\n\n[[package]]\nname = \"ok\"\nversion = \"1.0.0\"\n\
                        dependencies = [\"ghost 9.9.9\"]\n";
    let tree = MemTree::default()
        .file("/a/Cargo.lock", "[[package]\nname = \"x\"\n")
        .file("/b/Cargo.lock", CARGO_V4)
        .file("/c/Cargo.lock", noise(2048, 3))
        .file("/d/Cargo.lock", broken_entry);
    let sbom = scan(&tree, CargoCataloger);
    for path in ["/a/Cargo.lock", "/c/Cargo.lock"] {
        assert!(warned_about(&sbom, path), "{path}: {:?}", sbom.warnings);
    }
    let d: Vec<&str> = sbom
        .warnings
        .iter()
        .filter(|w| w.path == "/d/Cargo.lock")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d.iter().any(|m| m.contains("ghost 9.9.9")), "{d:?}");
    assert_eq!(sbom.packages.len(), 6, "five from /b, one from /d");
    named(&sbom, "ok", "1.0.0");
}
