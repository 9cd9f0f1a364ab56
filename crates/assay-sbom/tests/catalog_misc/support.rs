//! Shared helpers: the fixture corpus, the comparison with syft 1.18.1, and in-memory trees.

pub use crate::memtree::{MemTree, noise};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assay_core::FileTree;
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::{Package, RelationshipKind, Sbom, SourceInfo};

// ------------------------------------------------------------------------------- fixtures

pub(crate) fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/corpus/syft-fixtures`, else the same beside the repository.
pub(crate) fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("corpus/syft-fixtures");
    if dir.join("syft-1.18.1-packages.tsv").is_file() {
        return Some(dir);
    }
    assert!(!fixtures_required(), "required fixtures missing: {dir:?}");
    eprintln!("skipping: {} is missing", dir.display());
    None
}

/// Runs `c` through the driver (duplicates folded, edges checked, everything sorted).
pub(crate) fn scan(tree: &dyn FileTree, c: impl Cataloger + 'static) -> Sbom {
    let source = SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    catalog::catalog(tree, source, &[Box::new(c)])
}

pub(crate) fn scan_dir(dir: &Path, c: impl Cataloger + 'static) -> Sbom {
    scan(&HostTree::dir(dir).unwrap(), c)
}

pub(crate) fn named<'s>(sbom: &'s Sbom, name: &str, version: &str) -> &'s Package {
    sbom.packages
        .iter()
        .find(|p| p.name == name && p.version == version)
        .unwrap_or_else(|| panic!("{name} {version} not found in {:?}", ours(sbom)))
}

/// `name@version → name@version` for every DEPENDS_ON edge.
pub(crate) fn edges(sbom: &Sbom) -> BTreeSet<(String, String)> {
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

pub(crate) fn edge(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

pub(crate) fn nv(name: &str, version: &str) -> (String, String) {
    (name.to_owned(), version.to_owned())
}

pub(crate) fn ours(sbom: &Sbom) -> BTreeSet<(String, String)> {
    sbom.packages
        .iter()
        .map(|p| nv(&p.name, &p.version))
        .collect()
}

/// syft 1.18.1's `(name, version)` per fixture of `group`, from the catalogers `found_by`, in
/// default mode and (for catalogers syft only runs when asked) all-catalogers mode. syft's
/// `UNKNOWN` version is our empty one.
pub(crate) fn syft_packages(
    corpus: &Path,
    group: &str,
    found_by: &[&str],
) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = std::fs::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, _mode, by, _ty, _purl, name, version] = cols[..]
            && found_by.contains(&by)
            && fixture.split('/').next() == Some(group)
        {
            let version = if version == "UNKNOWN" { "" } else { version };
            out.entry(fixture.to_owned())
                .or_default()
                .insert(nv(name, version));
        }
    }
    out
}

pub(crate) fn fixture_dirs(group: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(group)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

pub(crate) fn fixture_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// What syft 1.18.1 reports and we deliberately do not: (fixture, name, version, why).
pub(crate) type SyftOnly<'a> = &'a [(&'a str, &'a str, &'a str, &'a str)];

/// Compares each fixture of `group` with syft: ours ⊇ syft's, except the listed differences
/// (which must really be syft-only). Every fixture is cataloged, none panics. Returns
/// `fixture → (syft, matched, ours)` counts.
pub(crate) fn compare_with_syft(
    group: &str,
    found_by: &[&str],
    syft_only: SyftOnly<'_>,
    c: impl Cataloger + Copy + 'static,
) -> BTreeMap<String, (usize, usize, usize)> {
    let Some(corpus) = corpus() else {
        return BTreeMap::new();
    };
    let expected = syft_packages(&corpus, group, found_by);
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
            "{fixture}: syft finds {missing:?}, we do not (we have {got:?})"
        );
        let matched = syft.intersection(&got).count();
        counts.insert(fixture, (syft.len(), matched, got.len()));
    }
    for (fixture, (syft, matched, got)) in &counts {
        eprintln!("{fixture}: syft {syft}, matched {matched}, ours {got}");
    }
    counts
}

/// Scans one fixture directory, `None` (skipped) when the corpus is absent.
pub(crate) fn fixture(sub: &str, c: impl Cataloger + 'static) -> Option<Sbom> {
    let dir = corpus()?.join(sub);
    assert!(dir.is_dir(), "{dir:?} is missing");
    Some(scan_dir(&dir, c))
}

pub(crate) fn warned_about(sbom: &Sbom, path: &str) -> bool {
    sbom.warnings.iter().any(|w| w.path == path)
}
