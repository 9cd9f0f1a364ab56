//! Shared by the apk, Go and cargo-auditable tests: syft's fixtures and results, scanning,
//! in-memory trees and small assertions.

pub use crate::memtree::{MemTree, noise};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assay_core::{EntryKind, FileTree, TreeEntry};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::{self, Cataloger, Context, Found};
use assay_sbom::model::{Package, RelationshipKind, Sbom, SourceInfo};

// ------------------------------------------------------------------------------- fixtures

pub fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/<sub>`, else `shared/<sub>` beside the repository.
pub fn shared_dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join(sub);
    if dir.is_dir() {
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

pub fn source() -> SourceInfo {
    SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    }
}

/// Runs `c` through the driver (duplicates folded, edges checked, everything sorted).
pub fn scan(tree: &dyn FileTree, c: impl Cataloger + 'static) -> Sbom {
    catalog::catalog(tree, source(), &[Box::new(c)])
}

pub fn scan_dir(dir: &Path, c: impl Cataloger + 'static) -> Sbom {
    scan(&HostTree::dir(dir).unwrap(), c)
}

/// Runs `c` directly, for what the driver does not keep (owned files).
pub fn run(tree: &dyn FileTree, c: &dyn Cataloger) -> Found {
    let files: Vec<&TreeEntry> = tree
        .entries()
        .filter(|e| matches!(e.kind, EntryKind::File { .. }) && c.wants(&e.path))
        .collect();
    let mut out = Found::default();
    c.catalog(tree, &files, &Context::default(), &mut out);
    out
}

pub fn named<'s>(sbom: &'s Sbom, name: &str, version: &str) -> &'s Package {
    sbom.packages
        .iter()
        .find(|p| p.name == name && p.version == version)
        .unwrap_or_else(|| panic!("{name} {version} not found in {:?}", ours(sbom)))
}

/// `name@version → name@version` for every DEPENDS_ON edge.
pub fn edges(sbom: &Sbom) -> BTreeSet<(String, String)> {
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

pub fn edge(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

pub fn nv(name: &str, version: &str) -> (String, String) {
    (name.to_owned(), version.to_owned())
}

pub fn ours(sbom: &Sbom) -> BTreeSet<(String, String)> {
    sbom.packages
        .iter()
        .map(|p| nv(&p.name, &p.version))
        .collect()
}

pub fn meta<'p>(p: &'p Package, key: &str) -> Option<&'p str> {
    p.metadata.get(key).map(String::as_str)
}

/// syft 1.18.1's rows for one cataloger: `fixture → {(name, version)}`, default-mode rows and
/// all-mode rows together (syft finds nothing extra for these catalogers in `all` mode).
pub fn syft_packages(
    corpus: &Path,
    found_by: &str,
) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = std::fs::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, "default" | "all", by, _ty, _purl, name, version] = cols[..]
            && by == found_by
        {
            out.entry(fixture.to_owned())
                .or_default()
                .insert(nv(name, version));
        }
    }
    out
}

/// syft 1.18.1's purls for one cataloger and fixture (default mode).
pub fn syft_purls(corpus: &Path, found_by: &str, fixture: &str) -> BTreeSet<String> {
    let tsv = std::fs::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    tsv.lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            match cols[..] {
                [f, "default", by, _, purl, ..] if f == fixture && by == found_by => {
                    Some(purl.to_owned())
                }
                _ => None,
            }
        })
        .collect()
}

pub fn fixture_dirs(group: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(group)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

pub fn fixture_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// Compares each fixture of `group` with syft: ours ⊇ syft's, except the listed differences
/// (which must really be syft-only). Returns `fixture → (syft, matched, ours)` counts.
pub fn compare_with_syft(
    corpus: &Path,
    group: &str,
    found_by: &str,
    syft_only: &[(&str, &str, &str, &str)],
    c: impl Cataloger + Copy + 'static,
) -> BTreeMap<String, (usize, usize, usize)> {
    let expected = syft_packages(corpus, found_by);
    let mut counts = BTreeMap::new();
    for dir in fixture_dirs(&corpus.join(group)) {
        let fixture = format!("{group}/{}", fixture_name(&dir));
        let sbom = scan_dir(&dir, c);
        let got = ours(&sbom);
        let syft = expected.get(&fixture).cloned().unwrap_or_default();
        let excused: BTreeSet<(String, String)> = syft_only
            .iter()
            .filter(|(f, ..)| *f == fixture)
            .map(|(_, n, v, _)| nv(n, v))
            .collect();
        for pv in &excused {
            assert!(syft.contains(pv), "{fixture}: {pv:?} is not in syft's list");
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

pub fn warned_about(sbom: &Sbom, path: &str) -> bool {
    sbom.warnings.iter().any(|w| w.path == path)
}
