//! The binary classifier cataloger against syft's classifier snippets
//! (`shared/corpus/syft-fixtures/binary/`), compared with syft 1.18.1's results.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assay_core::{FileTree, TreePath};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::binary::BinaryCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::{Sbom, SourceInfo};

const FOUND_BY: &str = "binary-classifier-cataloger";

/// Where syft 1.18.1 is wrong: (fixture, name, syft's version, why we differ).
const SYFT_WRONG: &[(&str, &str, &str, &str)] = &[
    (
        "binary/classifier-snippets",
        "openssl",
        "1.1.1z",
        "syft keeps one letter of the OpenSSL 1.1.1zb patch suffix; the binary says 1.1.1zb",
    ),
    (
        "binary/classifier-negative",
        "gzip",
        "1.0",
        "a BusyBox applet named gzip; syft's pattern matches a stray `1.0` (newer syft agrees)",
    ),
    (
        "binary/classifier-negative",
        "traefik",
        "1.24.11",
        "the Go toolchain version `go1.24.11`, not traefik's (newer syft agrees)",
    ),
];

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/corpus/syft-fixtures`, else `shared/…` beside the repository.
fn fixtures() -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("corpus/syft-fixtures");
    if dir.join("binary").is_dir() {
        return Some(dir);
    }
    assert!(
        !fixtures_required(),
        "required fixture missing: {}",
        dir.display()
    );
    eprintln!("skipping: {} is missing", dir.display());
    None
}

fn scan(dir: &Path) -> Sbom {
    let source = SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    let tree = HostTree::dir(dir).unwrap();
    catalog::catalog(&tree, source, &[Box::new(BinaryCataloger)])
}

/// syft's default-mode (name, version) rows from the binary classifier for `fixture`.
fn syft_rows(root: &Path, fixture: &str) -> BTreeSet<(String, String)> {
    let tsv = fs_err::read_to_string(root.join("syft-1.18.1-packages.tsv")).unwrap();
    tsv.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c.len() >= 7 && c[0] == fixture && c[1] == "default" && c[2] == FOUND_BY)
        .map(|c| (c[5].to_owned(), c[6].to_owned()))
        .collect()
}

fn ours(sbom: &Sbom) -> BTreeSet<(String, String)> {
    sbom.packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect()
}

fn syft_wrong(fixture: &str, name: &str, version: &str) -> bool {
    SYFT_WRONG
        .iter()
        .any(|(f, n, v, _)| *f == fixture && *n == name && *v == version)
}

#[test]
fn snippets_cover_syft() {
    let Some(root) = fixtures() else { return };
    let fixture = "binary/classifier-snippets";
    let sbom = scan(&root.join(fixture));
    let (want, got) = (syft_rows(&root, fixture), ours(&sbom));
    let missing: Vec<_> = want
        .iter()
        .filter(|(n, v)| !got.contains(&(n.clone(), v.clone())) && !syft_wrong(fixture, n, v))
        .collect();
    let matched = want.iter().filter(|r| got.contains(r)).count();
    let extra: Vec<_> = got.difference(&want).collect();
    eprintln!(
        "{fixture}: {matched}/{} syft rows matched exactly (the rest are documented syft errors), {} ours; not in syft 1.18.1: {extra:?}",
        want.len(),
        got.len()
    );
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert!(got.contains(&("openssl".to_owned(), "1.1.1zb".to_owned())));
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
}

#[test]
fn negatives_match_nothing() {
    let Some(root) = fixtures() else { return };
    let fixture = "binary/classifier-negative";
    let sbom = scan(&root.join(fixture));
    for (n, v) in syft_rows(&root, fixture) {
        assert!(syft_wrong(fixture, &n, &v), "undocumented syft row {n} {v}");
    }
    assert!(ours(&sbom).is_empty(), "{:?}", ours(&sbom));
}

#[test]
fn purls_and_suppliers() {
    let Some(root) = fixtures() else { return };
    let sbom = scan(&root.join("binary/classifier-snippets"));
    let purls: BTreeSet<String> = sbom.packages.iter().map(|p| p.purl.to_string()).collect();
    for want in [
        "pkg:generic/java/jdk@21.0.2%2B13-LTS",
        "pkg:generic/php@8.2.1",
        "pkg:github/fluent/fluent-bit@2.2.1",
        "pkg:golang/github.com/hashicorp/consul@1.15.2",
        "pkg:golang/helm.sh/helm@3.10.3",
        "pkg:generic/haskell/cabal@3.10.3.0",
    ] {
        assert!(purls.contains(want), "{want} not in {purls:?}");
    }
    assert!(sbom.packages.iter().all(|p| p.cataloger == FOUND_BY));
}

#[test]
fn snapshot_memcached() {
    let Some(root) = fixtures() else { return };
    let sbom = scan(&root.join("binary/classifier-snippets/memcached"));
    insta::assert_json_snapshot!(sbom.packages);
}

#[test]
fn wants_only_known_names() {
    let wants = |p: &str| BinaryCataloger.wants(&TreePath::new(p).unwrap());
    assert!(wants("usr/sbin/nginx"));
    assert!(wants("usr/lib/jvm/bin/java"));
    assert!(!wants("usr/share/doc/nginx/README"));
    assert!(!wants("etc/passwd"));
}

#[test]
fn garbage_and_empty_files_find_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("python3"), b"").unwrap();
    fs_err::write(dir.path().join("node"), [0xffu8; 4096]).unwrap();
    fs_err::write(dir.path().join("redis-server"), b"\x00\x00v1.2.3\x00").unwrap();
    let tree = HostTree::dir(dir.path()).unwrap();
    let files: Vec<_> = tree.entries().collect();
    assert!(!files.is_empty());
    let sbom = scan(dir.path());
    assert!(sbom.packages.is_empty(), "{:?}", ours(&sbom));
}

#[test]
fn other_ecosystems_have_no_binaries() {
    let Some(root) = fixtures() else { return };
    for eco in fs_err::read_dir(&root).unwrap() {
        let dir = eco.unwrap().path();
        if !dir.is_dir() || dir.ends_with("binary") {
            continue;
        }
        let sbom = scan(&dir);
        assert!(
            sbom.packages.is_empty(),
            "{}: {:?}",
            dir.display(),
            ours(&sbom)
        );
    }
}

/// Classifiers newer than syft 1.18.1: the snippet folders are named `<product>/<version>`.
#[test]
fn newer_classifiers_find_the_folder_version() {
    let Some(root) = fixtures() else { return };
    let sbom = scan(&root.join("binary/classifier-snippets"));
    let got = ours(&sbom);
    let want = [
        ("redis", "2.8.23"),
        ("redis", "7.2.5"),
        ("valkey", "9.0.0"),
        ("bun", "1.3.5"),
        ("ffmpeg", "7.1.1"),
        ("krb5", "1.18.4"),
        ("heimdal", "7.8.0"),
        ("qt", "5.15.2"),
        ("openldap", "2.6.10"),
        ("mongodb", "8.0.17"),
        ("mysql-cluster", "7.6.17"),
        ("firefox", "151.0"),
    ];
    for (n, v) in want {
        assert!(got.contains(&(n.to_owned(), v.to_owned())), "{n} {v}");
    }
}
