//! Coverage of syft's own cataloger fixtures (`../shared/corpus/syft-fixtures/`): every
//! fixture is cataloged without failing, and the share of syft 1.18.1's (name, version) pairs
//! that assay also finds is reported per ecosystem and held to a floor that only rises.
#![allow(clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use assay_oci::hostfs::HostTree;
use assay_sbom::catalog;
use assay_sbom::model::SourceInfo;

/// The share of syft's default-mode (name, version) pairs assay must find (the goal is 95%;
/// the floor sits just under what the catalogers reach, 98.4%, so a regression fails).
const FLOOR: f64 = 0.97;

fn corpus() -> Option<PathBuf> {
    let base = std::env::var_os("ASSAY_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let dir = base.join("corpus/syft-fixtures");
    if dir.join("FIXTURES.tsv").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
        "syft-fixtures corpus missing at {}",
        dir.display()
    );
    eprintln!(
        "skipping: syft-fixtures corpus not found at {}",
        dir.display()
    );
    None
}

type Pairs = BTreeSet<(String, String)>;

/// Pairs syft 1.18.1 reports wrongly, with the reason; they are not expected of assay.
const SYFT_WRONG: &[(&str, &str, &str)] = &[
    (
        "debian/status.d-deinstall",
        "linux-image-6.8.0-1029-aws",
        "its Status is `deinstall ok config-files`: removed, only configuration left",
    ),
    (
        "python/requirements",
        "urllib3",
        "pinned with `===1.26.20`; syft keeps one '=' in the version (`=1.26.20`)",
    ),
    (
        "python/requirements",
        "local-version",
        "pinned `== 1.2.3+gcr.2`; syft drops the local version label `+gcr.2`",
    ),
    (
        "javascript/pnpm-v5-peer-suffix",
        "acorn-jsx",
        "pnpm 5 peer suffix kept in the version (`5.3.2_acorn@8.8.0`); the version is 5.3.2",
    ),
    (
        "javascript/pnpm-v5-peer-suffix",
        "webpack-cli",
        "pnpm 5 peer suffix kept in the version; the version is 4.10.0",
    ),
    (
        "dart/pubspec-lock",
        "flutter",
        "`0.0.0` is pub's placeholder for SDK packages; assay reports the SDK version",
    ),
    (
        "dart/invalid-sdk",
        "flutter",
        "`0.0.0` is pub's placeholder for SDK packages; assay reports the SDK version",
    ),
    (
        "dart/missing-sdk",
        "flutter",
        "`0.0.0` is pub's placeholder and the lockfile names no SDK version",
    ),
    (
        "elixir/mix-lock",
        "enacl",
        "a git dependency: syft reports part of the URL as the version; it is the locked commit",
    ),
    (
        "elixir/mix-lock",
        "local_dep",
        "a path dependency has no version; syft reports `[]`",
    ),
    (
        "githubactions/call-shared-workflow",
        "./.github/workflows/workflow-2.yml",
        "a workflow in the scanned repository itself, not a dependency",
    ),
    (
        "githubactions/workflow-with-version-comments",
        "./.github/actions/bootstrap",
        "an action in the scanned repository itself, not a dependency",
    ),
    (
        "githubactions/workflow-multi-job",
        "./.github/actions/bootstrap",
        "an action in the scanned repository itself, not a dependency",
    ),
    (
        "ocaml/ocaml-base-compiler",
        "/",
        "a bare `opam` file names no package; syft reports the path `/` as a name",
    ),
    (
        "golang/go-mod-relative-replace",
        "../../../",
        "a local `replace` target directory, not a module",
    ),
    (
        "redhat/rpmmanifest-mariner",
        "vim",
        "syft reads the size column (45000) as the epoch; the epoch is 2",
    ),
];

/// syft writes `UNKNOWN` where a version is absent; assay leaves it empty.
fn version_of(v: &str) -> String {
    if v == "UNKNOWN" {
        String::new()
    } else {
        v.to_owned()
    }
}

/// syft's default-mode (name, version) pairs per fixture.
fn syft_pairs(dir: &std::path::Path) -> BTreeMap<String, Pairs> {
    let text = fs_err::read_to_string(dir.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, Pairs> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let wrong = SYFT_WRONG
            .iter()
            .any(|(fx, name, _)| f.first() == Some(fx) && f.get(5) == Some(name));
        if f.len() >= 7 && f[1] == "default" && !wrong {
            out.entry(f[0].to_owned())
                .or_default()
                .insert((f[5].to_owned(), version_of(f[6])));
        }
    }
    out
}

fn fixtures(dir: &std::path::Path) -> Vec<String> {
    let text = fs_err::read_to_string(dir.join("FIXTURES.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(str::to_owned)
        .collect()
}

fn ours(dir: &std::path::Path, fixture: &str) -> Pairs {
    let tree = HostTree::dir(&dir.join(fixture)).unwrap();
    let source = SourceInfo {
        name: fixture.to_owned(),
        kind: "directory".to_owned(),
        digest: None,
        supplier: None,
    };
    let sbom = catalog::catalog(&tree, source, &catalog::all());
    sbom.packages
        .into_iter()
        .map(|p| (p.name, p.version))
        .collect()
}

#[test]
fn every_fixture_is_cataloged_and_coverage_holds_its_floor() {
    let Some(dir) = corpus() else { return };
    let expected = syft_pairs(&dir);
    let mut per_eco: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let all = fixtures(&dir);
    assert!(
        all.len() >= 200,
        "the corpus lists 214 fixtures, found {}",
        all.len()
    );
    for fixture in &all {
        let found = ours(&dir, fixture);
        let want = expected.get(fixture).cloned().unwrap_or_default();
        let eco = fixture.split('/').next().unwrap_or_default().to_owned();
        let e = per_eco.entry(eco).or_default();
        e.0 += want.intersection(&found).count();
        e.1 += want.len();
    }
    let (hit, total) = per_eco.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    for (eco, (h, t)) in &per_eco {
        if *t > 0 {
            eprintln!("{eco:<14} {h:>4} / {t:<4}");
        }
    }
    let share = hit as f64 / total as f64;
    eprintln!(
        "overall        {hit:>4} / {total:<4} ({:.1}%)",
        share * 100.0
    );
    assert!(
        share >= FLOOR,
        "coverage {:.1}% fell below the floor {:.0}%",
        share * 100.0,
        FLOOR * 100.0
    );
}

#[test]
#[ignore = "diagnostic: ASSAY_FIXTURE=eco/name cargo test -- --ignored --nocapture"]
fn show_one_fixture() {
    let Some(dir) = corpus() else { return };
    let fixture = std::env::var("ASSAY_FIXTURE").unwrap();
    let want = syft_pairs(&dir).remove(&fixture).unwrap_or_default();
    let found = ours(&dir, &fixture);
    eprintln!("missing: {:?}", want.difference(&found).collect::<Vec<_>>());
    eprintln!("extra:   {:?}", found.difference(&want).collect::<Vec<_>>());
}
