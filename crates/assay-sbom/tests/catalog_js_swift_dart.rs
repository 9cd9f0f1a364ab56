//! The pnpm/bun/deno, Swift (SwiftPM and CocoaPods) and Dart catalogers, against syft's own
//! fixtures (`shared/corpus/syft-fixtures`, compared with syft 1.18.1's results and, for the
//! formats 1.18.1 predates, with the expectations of syft's own tests), and small in-memory
//! trees for the older format versions, the snapshot and the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod memtree;

use memtree::{MemTree, noise};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assay_core::{FileTree, TreePath};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::dart::DartCataloger;
use assay_sbom::catalog::js_extra::JsExtraCataloger;
use assay_sbom::catalog::swift::SwiftCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::{Package, Party, RelationshipKind, Sbom, SourceInfo};
use base64::Engine as _;

// ------------------------------------------------------------------------------- fixtures

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

fn skip(what: &str) {
    assert!(!fixtures_required(), "required fixture missing: {what}");
    eprintln!("skipping: {what}");
}

/// `$ASSAY_SHARED/corpus/syft-fixtures`, else `shared/…` beside the repository.
fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("corpus/syft-fixtures");
    if dir.join("syft-1.18.1-packages.tsv").is_file() {
        Some(dir)
    } else {
        skip(&format!("{} is missing", dir.display()));
        None
    }
}

fn all_three() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(JsExtraCataloger),
        Box::new(SwiftCataloger),
        Box::new(DartCataloger),
    ]
}

/// Runs `catalogers` through the driver (duplicates folded, edges checked, everything sorted).
fn scan_with(tree: &dyn FileTree, catalogers: &[Box<dyn Cataloger>]) -> Sbom {
    let source = SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    catalog::catalog(tree, source, catalogers)
}

fn scan(tree: &dyn FileTree) -> Sbom {
    scan_with(tree, &all_three())
}

fn scan_dir(dir: &Path) -> Sbom {
    scan(&HostTree::dir(dir).unwrap())
}

fn fixture(corpus: &Path, name: &str) -> Sbom {
    scan_dir(&corpus.join(name))
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

fn organization(name: &str) -> Option<Party> {
    Some(Party::Organization {
        name: name.to_owned(),
        email: None,
    })
}

fn warned_about(sbom: &Sbom, path: &str) -> bool {
    sbom.warnings.iter().any(|w| w.path == path)
}

/// syft 1.18.1's `(name, version)`s per fixture, default and all-catalogers modes together,
/// for the given `found_by`s (`UNKNOWN` versions as empty, as assay writes them).
fn syft_rows(corpus: &Path, found_by: &[&str]) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = std::fs::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, _mode, by, _ty, _purl, name, version] = cols[..]
            && found_by.contains(&by)
        {
            let version = if version == "UNKNOWN" { "" } else { version };
            out.entry(fixture.to_owned())
                .or_default()
                .insert(nv(name, version));
        }
    }
    out
}

/// `group/<dir>` for the fixture directories of `group` whose names start with one of
/// `prefixes`.
fn fixtures_of(corpus: &Path, group: &str, prefixes: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(corpus.join(group))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| prefixes.iter().any(|p| n.starts_with(p)))
        .map(|n| format!("{group}/{n}"))
        .collect();
    out.sort();
    out
}

/// A `(name, version)` syft reports for a fixture and assay deliberately does not, and why.
type SyftWrong = (&'static str, &'static str, &'static str, &'static str);

/// Ours ⊇ syft's for every fixture, except `wrong` (which must really be syft's and not ours).
/// Returns `fixture → (syft, matched, ours)`.
fn compare(
    corpus: &Path,
    fixtures: &[String],
    found_by: &[&str],
    wrong: &[SyftWrong],
) -> BTreeMap<String, (usize, usize, usize)> {
    let expected = syft_rows(corpus, found_by);
    let mut counts = BTreeMap::new();
    for fx in fixtures {
        let got = ours(&fixture(corpus, fx));
        let syft = expected.get(fx).cloned().unwrap_or_default();
        let excused: BTreeSet<_> = (wrong.iter())
            .filter(|(f, ..)| f == fx)
            .map(|(_, n, v, _)| nv(n, v))
            .collect();
        for pv in &excused {
            assert!(syft.contains(pv), "{fx}: {pv:?} is not in syft's list");
            assert!(!got.contains(pv), "{fx}: {pv:?} is reported after all");
        }
        let missing: Vec<_> = (syft.difference(&got))
            .filter(|p| !excused.contains(*p))
            .collect();
        assert!(
            missing.is_empty(),
            "{fx}: syft finds {missing:?}, we do not"
        );
        let matched = syft.intersection(&got).count();
        counts.insert(fx.clone(), (syft.len(), matched, got.len()));
    }
    for (fx, (syft, matched, got)) in &counts {
        eprintln!("{fx}: syft {syft}, matched {matched}, ours {got}");
    }
    counts
}

// ------------------------------------------------------------------------ in-memory trees

// ------------------------------------------------------------------------ pnpm, bun, deno

const JS: &str = "javascript-lock-cataloger";
const PEERS: &str = "a pnpm 5.x peer suffix (`_acorn@8.8.0`, `_<hash>`) is not part of the \
                     version; assay reports the version pnpm resolved";

/// What syft 1.18.1 reports for pnpm/bun/deno fixtures and assay deliberately does not.
const JS_SYFT_WRONG: &[SyftWrong] = &[
    (
        "javascript/pnpm-v5-peer-suffix",
        "acorn-jsx",
        "5.3.2_acorn@8.8.0",
        PEERS,
    ),
    (
        "javascript/pnpm-v5-peer-suffix",
        "webpack-cli",
        "4.10.0_fzn43tb6bdtdxy2s3aqevve2su",
        PEERS,
    ),
];

#[test]
fn js_lockfiles_find_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let fixtures = fixtures_of(&corpus, "javascript", &["pnpm", "bun", "deno"]);
    assert_eq!(fixtures.len(), 12, "{fixtures:?}");
    let counts = compare(&corpus, &fixtures, &[JS], JS_SYFT_WRONG);
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    assert_eq!((syft, matched), (30, 28));
    let peers = fixture(&corpus, "javascript/pnpm-v5-peer-suffix");
    let want: BTreeSet<_> = [
        nv("acorn", "8.8.0"),
        nv("acorn-jsx", "5.3.2"),
        nv("webpack-cli", "4.10.0"),
    ]
    .into();
    assert_eq!(ours(&peers), want);
    assert_eq!(
        named(&peers, "acorn-jsx", "5.3.2").purl.to_string(),
        "pkg:npm/acorn-jsx@5.3.2"
    );
    assert!(edges(&peers).contains(&edge("acorn-jsx@5.3.2", "acorn@8.8.0")));
}

#[test]
fn js_fixtures_read_without_warnings_except_the_corrupt_ones() {
    let Some(corpus) = corpus() else { return };
    let mut fixtures = fixtures_of(&corpus, "javascript", &["pnpm", "bun", "deno"]);
    fixtures.push("javascript/corrupt".to_owned());
    for fx in fixtures {
        let sbom = scan_with(
            &HostTree::dir(&corpus.join(&fx)).unwrap(),
            &[Box::new(JsExtraCataloger)],
        );
        match fx.as_str() {
            "javascript/deno-corrupt" => assert!(warned_about(&sbom, "/deno.lock")),
            "javascript/corrupt" => assert!(warned_about(&sbom, "/pnpm-lock.yaml")),
            _ => assert!(sbom.warnings.is_empty(), "{fx}: {:?}", sbom.warnings),
        }
        if fx.ends_with("corrupt") {
            assert!(sbom.packages.is_empty(), "{fx}");
        }
        assert!(sbom.packages.iter().all(|p| p.cataloger == JS), "{fx}");
    }
}

#[test]
fn pnpm_v9_snapshots_give_the_edges() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/pnpm-v9-snapshots");
    let want: BTreeSet<_> = [
        edge("cross-spawn@7.0.6", "path-key@3.1.1"),
        edge("cross-spawn@7.0.6", "shebang-command@2.0.0"),
        edge("cross-spawn@7.0.6", "which@2.0.2"),
        edge("shebang-command@2.0.0", "shebang-regex@3.0.0"),
        edge("which@2.0.2", "isexe@2.0.0"),
    ]
    .into();
    assert_eq!(edges(&sbom), want);
    let which = named(&sbom, "which", "2.0.2");
    assert_eq!(which.checksums["SHA512"].len(), 128);
    assert_eq!(
        which.download_location.as_deref(),
        Some("https://registry.npmjs.org/which/-/which-2.0.2.tgz")
    );
    assert_eq!(which.supplier, organization("npmjs.org"));
    assert!(
        sbom.packages
            .iter()
            .all(|p| !p.metadata.contains_key("dev"))
    );
}

#[test]
fn pnpm_v6_peer_variants_resolve_to_one_package() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/pnpm-v6");
    assert_eq!(sbom.packages.len(), 10);
    let e = edges(&sbom);
    for (from, to) in [
        ("react-dom@18.2.0", "react@18.2.0"),
        ("@testing-library/react@13.4.0", "react@18.2.0"),
        ("@testing-library/react@13.4.0", "react-dom@18.2.0"),
    ] {
        assert!(e.contains(&edge(from, to)), "{from} -> {to}: {e:?}");
    }
    let core = named(&sbom, "@babel/core", "7.21.4");
    assert_eq!(core.purl.to_string(), "pkg:npm/%40babel/core@7.21.4");
    assert_eq!(
        core.download_location.as_deref(),
        Some("https://registry.npmjs.org/@babel/core/-/core-7.21.4.tgz")
    );
}

#[test]
fn pnpm_v5_direct_dependencies_and_dev_flags() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/pnpm");
    let dev = |n: &str, v: &str| named(&sbom, n, v).metadata.get("dev").cloned();
    // `packages` lists only @bcoe/v8-coverage (`dev: true`); the rest come from the importer.
    assert_eq!(dev("@bcoe/v8-coverage", "0.2.3").as_deref(), Some("true"));
    assert_eq!(dev("nanoid", "3.3.4"), None);
    assert_eq!(dev("picocolors", "1.0.0"), None);
    assert_eq!(dev("typescript", "4.7.4").as_deref(), Some("true"));
    // `47.2.0_7hz3xvmviof7onfgk6hpedqcom` in devDependencies: the peer hash is dropped.
    named(&sbom, "@logux/eslint-config", "47.2.0");
    assert_eq!(
        sbom.packages.len(),
        30,
        "3 dependencies, 26 dev, 1 more package"
    );
}

#[test]
fn pnpm_every_document_of_a_multi_document_lockfile() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/pnpm-multi-doc");
    let want: BTreeSet<_> = [
        nv("@pnpm/exe.linux-x64", "12.0.0-rc.3"),
        nv("pnpm", "12.0.0-rc.3"),
        // The project's own lockfile, the second document: syft 1.18.1 reads only the first.
        nv("minimist", "1.2.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let want_edges: BTreeSet<_> =
        [edge("pnpm@12.0.0-rc.3", "@pnpm/exe.linux-x64@12.0.0-rc.3")].into();
    assert_eq!(edges(&sbom), want_edges);
}

#[test]
fn bun_lock_tuples_dev_only_and_edges() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/bun");
    let names: BTreeSet<&str> = sbom.packages.iter().map(|p| p.name.as_str()).collect();
    let want: BTreeSet<&str> = [
        "@img/sharp-darwin-arm64",
        "@img/sharp-linux-x64",
        "axios",
        "color",
        "eslint",
        "eslint-visitor-keys",
        "follow-redirects",
        "lodash",
        "sharp",
        "typescript",
    ]
    .into();
    assert_eq!(names, want, "syft's TestParseBunLock list");
    let dev_only: BTreeSet<&str> = (sbom.packages.iter())
        .filter(|p| p.metadata.contains_key("dev"))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        dev_only,
        ["eslint", "eslint-visitor-keys", "typescript"].into()
    );
    let want_edges: BTreeSet<_> = [
        edge("axios@1.6.0", "follow-redirects@1.15.3"),
        edge("eslint@9.0.0", "eslint-visitor-keys@4.0.0"),
        edge("sharp@0.33.5", "color@4.2.3"),
        edge("sharp@0.33.5", "@img/sharp-darwin-arm64@0.33.5"),
        edge("sharp@0.33.5", "@img/sharp-linux-x64@0.33.5"),
    ]
    .into();
    assert_eq!(edges(&sbom), want_edges);
    let trailing = fixture(&corpus, "javascript/bun-trailing-comma");
    let want: BTreeSet<_> = [
        nv("axios", "1.6.0"),
        nv("follow-redirects", "1.15.3"),
        nv("lodash", "4.17.21"),
    ]
    .into();
    assert_eq!(ours(&trailing), want);
}

#[test]
fn bun_variable_tuples_find_fields_by_type() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/bun-variable-tuples");
    let names: BTreeSet<&str> = sbom.packages.iter().map(|p| p.name.as_str()).collect();
    // The root (`my-monorepo@root:`) and the workspace (`@my/util@workspace:…`) are the
    // project's own code.
    assert_eq!(
        names,
        ["axios", "follow-redirects", "ghostty-web", "tracestrings"].into()
    );
    let ghostty = named(&sbom, "ghostty-web", "github:rcarmo/ghostty-web#6c1c75b");
    let sri =
        "nLx3R2hPwQvmL42LbiaQvbJpPZAXjzUtgU23G2LaKMRuA2mdXHdLQ5Hfw0PmxsohbqO/GhKOnTMcRrlLKS81+g==";
    let digest = base64::engine::general_purpose::STANDARD
        .decode(sri)
        .unwrap();
    assert_eq!(ghostty.checksums["SHA512"], hex::encode(digest));
    assert_eq!(
        ghostty.download_location.as_deref(),
        Some("git+https://github.com/rcarmo/ghostty-web@6c1c75b")
    );
    assert_eq!(ghostty.supplier, None);
    let tracestrings = named(&sbom, "tracestrings", "github:oven-sh/bun.report#912ca63");
    assert!(tracestrings.checksums.is_empty());
}

#[test]
fn deno_lock_v4_jsr_npm_and_remote() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "javascript/deno");
    let want: BTreeSet<_> = [
        nv("@std/bytes", "1.0.2"),
        nv("@std/encoding", "1.0.5"),
        nv("chalk", "5.3.0"),
        // Peer suffixes (`_typescript@6.0.3`, `_@algolia+client-search@5.50.0`) dropped.
        nv("typedoc", "0.28.19"),
        nv("@algolia/autocomplete-preset-algolia", "1.17.9"),
        nv("deno.land/std", "0.140.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let bytes = named(&sbom, "@std/bytes", "1.0.2");
    assert_eq!(
        bytes.purl.to_string(),
        "pkg:npm/%40std/bytes@1.0.2?repository_url=https://jsr.io"
    );
    assert_eq!(bytes.supplier, organization("jsr.io"));
    assert!(bytes.checksums.is_empty(), "JSR's digest is of meta.json");
    assert_eq!(
        bytes.metadata["integrity"],
        "fbdee322bbd8c599a6af186a1603b3355e59a5fb1baa139f8f4c3c9a1b3e3d57"
    );
    let chalk = named(&sbom, "chalk", "5.3.0");
    assert_eq!(chalk.checksums["SHA512"].len(), 128);
    let std = named(&sbom, "deno.land/std", "0.140.0");
    assert_eq!(
        std.purl.to_string(),
        "pkg:generic/deno.land/std@0.140.0?download_url=https://deno.land/std%400.140.0"
    );
    let want_edges: BTreeSet<_> = [edge("@std/encoding@1.0.5", "@std/bytes@1.0.2")].into();
    assert_eq!(edges(&sbom), want_edges);
}

const DENO_V3: &str = include_str!("catalog_js_swift_dart/deno-v3.lock");

const DENO_V2: &str = include_str!("catalog_js_swift_dart/deno-v2.lock");

const DENO_V1: &str = include_str!("catalog_js_swift_dart/deno-v1.lock");

#[test]
fn deno_lock_versions_1_to_3() {
    let tree = MemTree::default()
        .file("/v3/deno.lock", DENO_V3)
        .file("/v2/deno.lock", DENO_V2)
        .file("/v1/deno.lock", DENO_V1);
    let sbom = scan(&tree);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let want: BTreeSet<_> = [
        nv("@std/fs", "1.0.1"),
        nv("@std/path", "1.0.2"),
        nv("chalk", "5.3.0"),
        nv("ansi-styles", "6.2.1"),
        nv("deno.land/x/oak", "v12.6.1"),
        nv("deno.land/std", "0.100.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let want_edges: BTreeSet<_> = [
        edge("@std/fs@1.0.1", "@std/path@1.0.2"),
        edge("chalk@5.3.0", "ansi-styles@6.2.1"),
    ]
    .into();
    assert_eq!(edges(&sbom), want_edges);
    // One package per lockfile: ids derive from the purl and the evidence file.
    let chalks: Vec<&str> = (sbom.packages.iter())
        .filter(|p| p.name == "chalk")
        .map(|p| p.locations[0].path.as_str())
        .collect();
    assert_eq!(chalks.len(), 2, "{chalks:?}");
    let oak = named(&sbom, "deno.land/x/oak", "v12.6.1");
    assert_eq!(
        oak.homepage.as_deref(),
        Some("https://deno.land/x/oak@v12.6.1")
    );
    assert_eq!(oak.supplier, organization("deno.land"));
}

// -------------------------------------------------------------------------- swift, cocoapods

const SPM: &str = "swift-package-manager-cataloger";
const PODS: &str = "cocoapods-cataloger";
const DART: &str = "dart-pubspec-lock-cataloger";

#[test]
fn swift_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let fixtures = fixtures_of(&corpus, "swift", &[""]);
    assert_eq!(fixtures.len(), 5, "{fixtures:?}");
    let counts = compare(&corpus, &fixtures, &[SPM, PODS], &[]);
    assert!(counts.values().all(|(syft, matched, _)| syft == matched));
    for fx in &fixtures {
        let sbom = fixture(&corpus, fx);
        if fx.contains("bad-version") || fx.contains("empty") {
            assert!(sbom.packages.is_empty(), "{fx}");
            assert!(warned_about(&sbom, "/Package.resolved"), "{fx}");
        } else {
            assert!(sbom.warnings.is_empty(), "{fx}: {:?}", sbom.warnings);
        }
    }
}

#[test]
fn swift_package_resolved_pins() {
    let Some(corpus) = corpus() else { return };
    let v2 = fixture(&corpus, "swift/package-resolved-v2");
    let algorithms = named(&v2, "swift-algorithms", "1.0.0");
    assert_eq!(
        algorithms.purl.to_string(),
        "pkg:swift/github.com/apple/swift-algorithms@1.0.0"
    );
    assert_eq!(
        algorithms.download_location.as_deref(),
        Some(
            "git+https://github.com/apple/swift-algorithms.git@b14b7f4c528c942f121c8b860b9410b2bf57825e"
        )
    );
    assert_eq!(
        algorithms.homepage.as_deref(),
        Some("https://github.com/apple/swift-algorithms")
    );
    assert_eq!(algorithms.supplier, organization("github.com"));
    assert_eq!(algorithms.cataloger, SPM);
    let v3 = fixture(&corpus, "swift/package-resolved-v3");
    // Pinned to a branch: no version (syft writes UNKNOWN).
    let mmio = named(&v3, "swift-mmio", "");
    assert_eq!(
        mmio.purl.to_string(),
        "pkg:swift/github.com/apple/swift-mmio"
    );
    assert_eq!(mmio.metadata["branch"], "swift-embedded-examples");
    assert_eq!(
        mmio.metadata["revision"],
        "80c109b87511041338a4d8d88064088c8dfc079b"
    );
}

const RESOLVED_V1: &str = include_str!("catalog_js_swift_dart/Package-v1.resolved");

#[test]
fn swift_package_resolved_v1() {
    let tree = MemTree::default().file("/app/Package.resolved", RESOLVED_V1);
    let sbom = scan(&tree);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let alamofire = named(&sbom, "Alamofire", "5.4.3");
    assert_eq!(
        alamofire.purl.to_string(),
        "pkg:swift/github.com/Alamofire/Alamofire@5.4.3"
    );
    let nio = named(&sbom, "swift-nio", "2.40.0");
    assert_eq!(
        nio.purl.to_string(),
        "pkg:swift/github.com/apple/swift-nio@2.40.0"
    );
    assert_eq!(
        nio.download_location.as_deref(),
        Some(
            "git+ssh://git@github.com/apple/swift-nio.git@0123456789abcdef0123456789abcdef01234567"
        )
    );
    assert_eq!(nio.homepage, None, "only https locations are browsable");
}

#[test]
fn cocoapods_subspecs_and_edges() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "swift/podfile-lock");
    assert_eq!(sbom.packages.len(), 23);
    assert!(sbom.packages.iter().all(|p| p.cataloger == PODS));
    let core = named(&sbom, "PINCache/Core", "3.0.3");
    assert_eq!(core.purl.to_string(), "pkg:cocoapods/PINCache@3.0.3#Core");
    assert_eq!(core.supplier, organization("cocoapods.org"));
    assert_eq!(
        core.homepage.as_deref(),
        Some("https://cocoapods.org/pods/PINCache")
    );
    assert_eq!(
        core.metadata["podspec_checksum"],
        "7a8fc1a691173d21dbddbf86cd515de6efa55086"
    );
    let reveal = named(&sbom, "Reveal-SDK", "33");
    assert_eq!(reveal.purl.to_string(), "pkg:cocoapods/Reveal-SDK@33");
    let e = edges(&sbom);
    for (from, to) in [
        ("GlossButtonNode@3.1.2", "Texture/Core@3.1.0"),
        ("GlossButtonNode@3.1.2", "TextureSwiftSupport@3.13.0"),
        ("PINCache/Core@3.0.3", "PINOperation@1.2.1"),
        ("Texture/PINRemoteImage@3.1.0", "PINRemoteImage/iOS@3.0.3"),
        ("PINRemoteImage/PINCache@3.0.3", "PINCache@3.0.3"),
    ] {
        assert!(e.contains(&edge(from, to)), "{from} -> {to}");
    }
    let listed = std::fs::read_to_string(corpus.join("swift/podfile-lock/Podfile.lock")).unwrap();
    let dep_lines = listed
        .lines()
        .take_while(|l| !l.starts_with("DEPENDENCIES"))
        .filter(|l| l.starts_with("    - "))
        .count();
    assert_eq!(e.len(), dep_lines, "every listed dependency is one edge");
}

// ------------------------------------------------------------------------------------ dart

const PLACEHOLDER: &str = "pub writes the placeholder version 0.0.0 for SDK packages; the \
                           version is the lower bound of the lockfile's `sdks` constraint, or \
                           unknown (and the package left out, as syft 1.19+ does)";

/// What syft 1.18.1 reports for the Dart fixtures and assay deliberately does not.
const DART_SYFT_WRONG: &[SyftWrong] = &[
    ("dart/pubspec-lock", "flutter", "0.0.0", PLACEHOLDER),
    ("dart/invalid-sdk", "flutter", "0.0.0", PLACEHOLDER),
    ("dart/missing-sdk", "flutter", "0.0.0", PLACEHOLDER),
];

#[test]
fn dart_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let fixtures = fixtures_of(&corpus, "dart", &[""]);
    assert_eq!(fixtures.len(), 6, "{fixtures:?}");
    let counts = compare(&corpus, &fixtures, &[DART], DART_SYFT_WRONG);
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    assert_eq!((syft, matched), (11, 8));
    // `sdks: flutter: ">=3.24.5"`; invalid-sdk's bare "3.24.5" is an exact constraint in pub's
    // syntax (syft 1.19+ rejects it and drops flutter); missing-sdk has no `sdks`.
    named(&fixture(&corpus, "dart/pubspec-lock"), "flutter", "3.24.5");
    named(&fixture(&corpus, "dart/invalid-sdk"), "flutter", "3.24.5");
    let missing = fixture(&corpus, "dart/missing-sdk");
    assert_eq!(ours(&missing), [nv("args", "1.6.0")].into());
    for fx in &fixtures {
        let sbom = fixture(&corpus, fx);
        if fx == "dart/corrupt" {
            assert!(sbom.packages.is_empty());
            assert!(warned_about(&sbom, "/pubspec.lock"), "{:?}", sbom.warnings);
        } else {
            assert!(sbom.warnings.is_empty(), "{fx}: {:?}", sbom.warnings);
        }
        if fx.starts_with("dart/pubspec-yaml") {
            assert!(sbom.packages.is_empty(), "{fx}: pubspec.yaml is not read");
        }
    }
}

#[test]
fn dart_hosted_and_git_sources() {
    let Some(corpus) = corpus() else { return };
    let sbom = fixture(&corpus, "dart/pubspec-lock");
    let ale = named(&sbom, "ale", "3.3.0");
    assert_eq!(
        ale.purl.to_string(),
        "pkg:pub/ale@3.3.0?hosted_url=pub.hosted.org"
    );
    assert_eq!(
        ale.download_location.as_deref(),
        Some("https://pub.hosted.org/packages/ale/versions/3.3.0.tar.gz")
    );
    assert_eq!(ale.supplier, organization("pub.hosted.org"));
    let args = named(&sbom, "args", "1.6.0");
    assert_eq!(args.purl.to_string(), "pkg:pub/args@1.6.0");
    assert_eq!(args.supplier, organization("pub.dev"));
    assert_eq!(
        args.download_location.as_deref(),
        Some("https://pub.dev/packages/args/versions/1.6.0.tar.gz")
    );
    assert_eq!(args.metadata["dependency"], "transitive");
    let key_binder = named(&sbom, "key_binder", "1.11.20");
    let git =
        "git+ssh://git@github.com/Workiva/key_binder.git@3f7b3a6350e73c7dcac45301c0e18fbd42af02f7";
    assert_eq!(key_binder.download_location.as_deref(), Some(git));
    assert_eq!(key_binder.purl.qualifiers()["vcs_url"], git);
    assert_eq!(key_binder.supplier, None);
    assert!(sbom.packages.iter().all(|p| p.cataloger == DART));
}

const PUBSPEC_LOCK: &str = include_str!("catalog_js_swift_dart/pubspec.lock");

#[test]
fn dart_modern_lockfile_sources() {
    let tree = MemTree::default().file("/app/pubspec.lock", PUBSPEC_LOCK);
    let sbom = scan(&tree);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let http = named(&sbom, "http", "0.13.6");
    assert_eq!(
        http.checksums["SHA256"],
        "5895291c13fa8a3bd82e76d5627f69e0d85ca6a30dcac95c4ea19a5d555879c2"
    );
    let lints = named(&sbom, "lints", "2.1.1");
    assert!(lints.checksums.is_empty());
    assert_eq!(lints.metadata["dev"], "true");
    assert_eq!(
        lints.purl.to_string(),
        "pkg:pub/lints@2.1.1",
        "pub.dartlang.org is pub.dev"
    );
    let local = named(&sbom, "local_pkg", "0.0.1");
    assert_eq!((&local.download_location, &local.supplier), (&None, &None));
    // The flutter SDK's version, not pub's 0.0.99 placeholder.
    let sky = named(&sbom, "sky_engine", "3.10.0");
    assert_eq!(sky.metadata["sdk"], "flutter");
    let mono = named(&sbom, "mono", "3.0.0");
    assert_eq!(
        mono.download_location.as_deref(),
        Some(
            "git+https://github.com/o/mono.git@0123456789abcdef0123456789abcdef01234567#packages/inner"
        )
    );
}

// ---------------------------------------------------------------------------------- shared

#[test]
fn multi_ecosystem_image_fixture() {
    let Some(corpus) = corpus() else { return };
    let fx = ["multi/image-pkg-coverage".to_owned()];
    let counts = compare(&corpus, &fx, &[SPM, PODS, DART], &[]);
    let (syft, matched, _) = counts[&fx[0]];
    assert_eq!((syft, matched), (34, 34));
}

const PNPM_V9: &str = include_str!("catalog_js_swift_dart/pnpm-lock-v9.yaml");

const BUN_LOCK: &str = include_str!("catalog_js_swift_dart/bun.lock");

const DENO_V4: &str = include_str!("catalog_js_swift_dart/deno-v4.lock");

const PODFILE_LOCK: &str = include_str!("catalog_js_swift_dart/Podfile.lock");

#[test]
fn snapshot() {
    let tree = MemTree::default()
        .file("/web/pnpm-lock.yaml", PNPM_V9)
        .file("/web/bun.lock", BUN_LOCK)
        .file("/web/deno.lock", DENO_V4)
        .file("/ios/Package.resolved", RESOLVED_V1)
        .file("/ios/Podfile.lock", PODFILE_LOCK)
        .file("/flutter/pubspec.lock", PUBSPEC_LOCK);
    let sbom = scan(&tree);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let e = edges(&sbom);
    for (from, to) in [
        ("a@1.0.0", "c@3.0.0"),
        ("@s/b@2.0.0", "gitdep@0.1.0"),
        ("tap@1.0.0", "left-pad@2.0.0"),
        ("@std/assert@1.0.6", "ms@2.1.3"),
        ("MyKit@1.0.0", "MyKit/Core@1.0.0"),
        ("MyKit@1.0.0", "Alamofire@5.4.3"),
    ] {
        assert!(e.contains(&edge(from, to)), "{from} -> {to}: {e:?}");
    }
    let dev: BTreeSet<String> = (sbom.packages.iter())
        .filter(|p| p.metadata.contains_key("dev"))
        .map(|p| format!("{}@{}", p.name, p.version))
        .collect();
    let want: BTreeSet<String> = [
        "@s/b@2.0.0",
        "gitdep@0.1.0",
        "tap@1.0.0",
        "left-pad@2.0.0",
        "lints@2.1.1",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(dev, want);
    insta::assert_json_snapshot!("js_swift_dart_catalog", &sbom);
}

#[test]
fn malformed_files_warn_and_the_rest_is_cataloged() {
    let cut = |s: &str, at: usize| s.as_bytes()[..at].to_vec();
    let bad_entry = "lockfileVersion: '6.0'\npackages:\n  /bad@1.0.0:\n    dependencies: [1, 2]\n  /good@2.0.0:\n    resolution: {integrity: sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=}\n";
    let bad_pin = r#"{"pins": [{"kind": "remoteSourceControl", "state": {}},
        {"identity": "ok", "location": "https://github.com/o/ok", "state": {"version": "1.0.0"}}], "version": 2}"#;
    let mut tree = MemTree::default()
        .file("/cut/pnpm-lock.yaml", cut(PNPM_V9, 300))
        .file("/cut/bun.lock", cut(BUN_LOCK, 200))
        .file("/cut/Podfile.lock", cut(PODFILE_LOCK, 39))
        .file("/entry/pnpm-lock.yaml", bad_entry)
        .file("/entry/Package.resolved", bad_pin)
        .file("/ok/deno.lock", DENO_V4);
    for (i, name) in [
        "pnpm-lock.yaml",
        "bun.lock",
        "deno.lock",
        "Package.resolved",
        "Podfile.lock",
        "pubspec.lock",
    ]
    .iter()
    .enumerate()
    {
        tree = tree.file(&format!("/noise/{name}"), noise(4096, i as u64 + 3));
    }
    let sbom = scan(&tree);
    for path in [
        "/cut/pnpm-lock.yaml",
        "/cut/bun.lock",
        "/cut/Podfile.lock",
        "/entry/pnpm-lock.yaml",
        "/entry/Package.resolved",
        "/noise/pnpm-lock.yaml",
        "/noise/bun.lock",
        "/noise/deno.lock",
        "/noise/Package.resolved",
        "/noise/Podfile.lock",
        "/noise/pubspec.lock",
    ] {
        assert!(warned_about(&sbom, path), "{path}: {:?}", sbom.warnings);
    }
    let want: BTreeSet<_> = [
        nv("good", "2.0.0"),
        nv("ok", "1.0.0"),
        nv("@std/assert", "1.0.6"),
        nv("ms", "2.1.3"),
        // The cut Podfile.lock ends in `- MyKit (`: the whole Alamofire line before it stays.
        nv("Alamofire", "5.4.3"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    assert!(sbom.warnings.len() <= 20, "{:?}", sbom.warnings);
}

#[test]
fn wants_only_the_lockfiles() {
    let wants = |c: &dyn Cataloger, p: &str| c.wants(&TreePath::new(p).unwrap());
    let js = JsExtraCataloger;
    assert!(wants(&js, "/app/pnpm-lock.yaml"));
    assert!(wants(&js, "/app/bun.lock"));
    assert!(wants(&js, "/app/deno.lock"));
    assert!(!wants(&js, "/app/node_modules/x/pnpm-lock.yaml"));
    assert!(!wants(&js, "/app/node_modules/.pnpm/lock.yaml"));
    assert!(!wants(&js, "/app/bun.lockb"));
    assert!(!wants(&js, "/app/yarn.lock"));
    let swift = SwiftCataloger;
    assert!(wants(&swift, "/app/Package.resolved"));
    assert!(wants(&swift, "/app/.package.resolved"));
    assert!(wants(&swift, "/app/ios/Podfile.lock"));
    assert!(!wants(&swift, "/app/Podfile"));
    assert!(!wants(&swift, "/app/Package.swift"));
    let dart = DartCataloger;
    assert!(wants(&dart, "/app/pubspec.lock"));
    assert!(!wants(&dart, "/app/pubspec.yaml"));
}
