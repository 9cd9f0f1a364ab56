//! The smaller ecosystems' catalogers (Elixir, Erlang, Haskell, GitHub Actions, C/C++ Conan,
//! Lua, Arch, Gentoo, OCaml, WordPress, Nix, SWI-Prolog, RPM) against syft's own fixtures
//! (`shared/corpus/syft-fixtures`, compared with syft 1.18.1's results), plus small in-memory
//! trees for the snapshot and the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use assay_core::{EntryKind, FileTree, TreeEntry, TreeError, TreePath};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::elixir::ElixirCataloger;
use assay_sbom::catalog::erlang::ErlangCataloger;
use assay_sbom::catalog::github_actions::GithubActionsCataloger;
use assay_sbom::catalog::haskell::HaskellCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::{Package, RelationshipKind, Sbom, SourceInfo};

// ------------------------------------------------------------------------------- fixtures

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/corpus/syft-fixtures`, else the same beside the repository.
fn corpus() -> Option<PathBuf> {
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
        .unwrap_or_else(|| panic!("{name} {version} not found in {:?}", ours(sbom)))
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

/// syft 1.18.1's `(name, version)` per fixture of `group`, from the catalogers `found_by`, in
/// default mode and (for catalogers syft only runs when asked) all-catalogers mode. syft's
/// `UNKNOWN` version is our empty one.
fn syft_packages(
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

/// What syft 1.18.1 reports and we deliberately do not: (fixture, name, version, why).
type SyftOnly<'a> = &'a [(&'a str, &'a str, &'a str, &'a str)];

/// Compares each fixture of `group` with syft: ours ⊇ syft's, except the listed differences
/// (which must really be syft-only). Every fixture is cataloged, none panics. Returns
/// `fixture → (syft, matched, ours)` counts.
fn compare_with_syft(
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
fn fixture(sub: &str, c: impl Cataloger + 'static) -> Option<Sbom> {
    let dir = corpus()?.join(sub);
    assert!(dir.is_dir(), "{dir:?} is missing");
    Some(scan_dir(&dir, c))
}

fn warned_about(sbom: &Sbom, path: &str) -> bool {
    sbom.warnings.iter().any(|w| w.path == path)
}

// ------------------------------------------------------------------------ in-memory trees

/// A tree held in memory, for snapshots and negative cases.
#[derive(Debug, Default)]
struct MemTree {
    entries: BTreeMap<TreePath, (TreeEntry, Vec<u8>)>,
}

impl MemTree {
    fn file(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let path = TreePath::new(path).unwrap();
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| !d.is_root()) {
            let e = TreeEntry {
                path: d.clone(),
                kind: EntryKind::Dir,
                mode: 0o755,
                layer: None,
            };
            self.entries.entry(d.clone()).or_insert((e, Vec::new()));
            dir = d.parent();
        }
        let bytes = bytes.into();
        let e = TreeEntry {
            path: path.clone(),
            kind: EntryKind::File {
                size: bytes.len() as u64,
            },
            mode: 0o644,
            layer: None,
        };
        self.entries.insert(path, (e, bytes));
        self
    }
}

impl FileTree for MemTree {
    fn entries(&self) -> Box<dyn Iterator<Item = &TreeEntry> + '_> {
        Box::new(self.entries.values().map(|(e, _)| e))
    }

    fn entry(&self, path: &TreePath) -> Option<&TreeEntry> {
        self.entries.get(path).map(|(e, _)| e)
    }

    fn open_entry(&self, entry: &TreeEntry) -> Result<Box<dyn Read + Send + '_>, TreeError> {
        let (_, bytes) = self
            .entries
            .get(&entry.path)
            .ok_or_else(|| TreeError::NotFound(entry.path.clone()))?;
        Ok(Box::new(bytes.as_slice()))
    }
}

/// Deterministic noise (xorshift64), NUL bytes included.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect()
}

// ---------------------------------------------------------------------------------- elixir

const ELIXIR_SYFT_ONLY: SyftOnly<'_> = &[
    (
        "elixir/mix-lock",
        "enacl",
        "//github.com/aeternity/enacl.git",
        "a :git entry: syft cuts the URL at ':' and calls the rest a version; the version is \
         the locked commit",
    ),
    (
        "elixir/mix-lock",
        "local_dep",
        "[]",
        "a :path entry has no version; syft reports its options list `[]` as one",
    ),
];

#[test]
fn elixir_finds_everything_syft_finds() {
    let counts = compare_with_syft(
        "elixir",
        &["elixir-mix-lock-cataloger"],
        ELIXIR_SYFT_ONLY,
        ElixirCataloger,
    );
    if let Some(c) = counts.get("elixir/mix-lock") {
        assert_eq!(*c, (17, 15, 17));
    }
}

#[test]
fn elixir_reads_git_and_path_entries_and_edges() {
    let Some(sbom) = fixture("elixir/mix-lock", ElixirCataloger) else {
        return;
    };
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let enacl = named(&sbom, "enacl", "2f50ba6289f2f2d9fef05d22a396c0bab4f64149");
    assert_eq!(
        enacl.purl.to_string(),
        "pkg:hex/enacl@2f50ba6289f2f2d9fef05d22a396c0bab4f64149?vcs_url=git%2Bhttps://github.com/aeternity/enacl.git%402f50ba6289f2f2d9fef05d22a396c0bab4f64149"
    );
    assert!(enacl.supplier.is_none());
    let local = named(&sbom, "local_dep", "");
    assert_eq!(local.metadata["path"], "../local_dep");
    let cowboy = named(&sbom, "cowboy", "2.9.0");
    assert_eq!(cowboy.purl.to_string(), "pkg:hex/cowboy@2.9.0");
    assert_eq!(
        cowboy.download_location.as_deref(),
        Some("https://repo.hex.pm/tarballs/cowboy-2.9.0.tar")
    );
    assert_eq!(
        cowboy.checksums["SHA256"],
        "2c729f934b4e1aa149aff882f57c6372c15399a20d54f65c8d67bef583021bde"
    );
    let e = edges(&sbom);
    assert!(e.contains(&edge("cowboy@2.9.0", "cowlib@2.11.0")));
    assert!(e.contains(&edge("ecto@3.8.1", "decimal@2.0.0")));
    assert!(
        e.contains(&edge("ecto@3.8.1", "jason@1.3.0")),
        "optional deps too"
    );
}

#[test]
fn elixir_relationships_fixture_has_cowboys_edges() {
    let Some(sbom) = fixture("elixir/relationships", ElixirCataloger) else {
        return;
    };
    let want: BTreeSet<_> = [
        edge("cowboy@2.9.0", "cowlib@2.11.0"),
        edge("cowboy@2.9.0", "ranch@1.8.0"),
    ]
    .into();
    assert_eq!(edges(&sbom), want);
    // "bbb" is no SHA-256: no checksum.
    assert!(named(&sbom, "cowlib", "2.11.0").checksums.is_empty());
}

#[test]
fn elixir_truncated_lock_warns() {
    let tree = MemTree::default()
        .file(
            "app/mix.lock",
            "%{\n  \"a\": {:hex, :a, \"1.0\", \"x\", [:mix], [",
        )
        .file("bin/mix.lock", noise(4096, 7))
        .file(
            "ok/mix.lock",
            "%{\"b\": {:hex, :b, \"2.0\", \"x\", [:mix], [], \"hexpm\", \"y\"}, \"c\": {:svn, 1}}",
        );
    let sbom = scan(&tree, ElixirCataloger);
    assert!(warned_about(&sbom, "/app/mix.lock"), "{:?}", sbom.warnings);
    assert!(warned_about(&sbom, "/bin/mix.lock"));
    assert!(warned_about(&sbom, "/ok/mix.lock"), "unknown :svn entry");
    assert_eq!(ours(&sbom), [nv("b", "2.0")].into());
}

// ---------------------------------------------------------------------------------- erlang

#[test]
fn erlang_finds_everything_syft_finds() {
    let counts = compare_with_syft(
        "erlang",
        &[
            "erlang-rebar-lock-cataloger",
            "erlang-otp-application-cataloger",
        ],
        &[],
        ErlangCataloger,
    );
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    assert_eq!(syft, matched);
}

#[test]
fn erlang_rebar_lock_hex_and_git() {
    let Some(sbom) = fixture("erlang/rebar-lock-2", ErlangCataloger) else {
        return;
    };
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let bcrypt = named(&sbom, "bcrypt", "1.1.5");
    assert_eq!(bcrypt.purl.to_string(), "pkg:hex/bcrypt@1.1.5");
    assert_eq!(
        bcrypt.checksums["SHA256"],
        "3418821bc17ce6e96a4a77d1a88d7485bf783e212069facfc79510afbff95352"
    );
    assert_eq!(bcrypt.cataloger, "erlang-rebar-lock-cataloger");
    let swc = named(&sbom, "swc", "4835239dca5a5f4ac7202dd94d7effcaa617d575");
    assert_eq!(
        swc.download_location.as_deref(),
        Some(
            "git+https://github.com/vernemq/ServerWideClocks.git@4835239dca5a5f4ac7202dd94d7effcaa617d575"
        )
    );
}

#[test]
fn erlang_otp_app() {
    let Some(sbom) = fixture("erlang/otp-app", ErlangCataloger) else {
        return;
    };
    let rabbit = named(&sbom, "rabbit", "3.12.10");
    assert_eq!(rabbit.purl.to_string(), "pkg:otp/rabbit@3.12.10");
    assert_eq!(rabbit.cataloger, "erlang-otp-application-cataloger");
}

#[test]
fn erlang_corrupt_files_warn() {
    let Some(sbom) = fixture("erlang/corrupt", ErlangCataloger) else {
        return;
    };
    assert!(sbom.packages.is_empty(), "{:?}", ours(&sbom));
    assert!(warned_about(&sbom, "/rebar.lock"), "{:?}", sbom.warnings);
    assert!(warned_about(&sbom, "/rabbitmq.app"), "{:?}", sbom.warnings);
}

#[test]
fn erlang_apps_depend_on_apps_in_the_tree() {
    let tree = MemTree::default()
        .file(
            "lib/a-1/ebin/a.app",
            "{application, a, [{vsn, \"1\"}, {applications, [kernel, b]}, {licenses, [\"Apache 2.0\", \"MIT\"]}]}.",
        )
        .file("lib/b-2/ebin/b.app", "{application,b,[{vsn,\"2\"}]}.");
    let sbom = scan(&tree, ErlangCataloger);
    assert_eq!(edges(&sbom), [edge("a@1", "b@2")].into());
    assert_eq!(
        named(&sbom, "a", "1").license.as_deref(),
        Some("Apache-2.0 AND MIT")
    );
}

// --------------------------------------------------------------------------------- haskell

#[test]
fn haskell_finds_everything_syft_finds() {
    let counts = compare_with_syft("haskell", &["haskell-cataloger"], &[], HaskellCataloger);
    if counts.is_empty() {
        return;
    }
    assert_eq!(counts["haskell/stack-yaml"], (8, 8, 8));
    // syft misses kore, a git package pinned in the lock.
    assert_eq!(counts["haskell/stack-yaml-lock"], (9, 9, 10));
}

#[test]
fn haskell_cabal_freeze_that_crashes_syft() {
    // syft 1.18.1 panics on the flag lines (`tls +compat -hans +network`) and writes no SBOM.
    let Some(sbom) = fixture("haskell/cabal-freeze", HaskellCataloger) else {
        return;
    };
    let want: BTreeSet<_> = [
        nv("Cabal", "3.2.1.0"),
        nv("Diff", "0.4.1"),
        nv("HTTP", "4000.3.16"),
        nv("HUnit", "1.6.2.0"),
        nv("OneTuple", "0.3.1"),
        nv("Only", "0.1"),
        nv("PyF", "0.10.2.0"),
        nv("QuickCheck", "2.14.2"),
        nv("RSA", "2.4.1"),
        nv("SHA", "1.6.4.4"),
        nv("Spock", "0.14.0.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
}

#[test]
fn haskell_packages_are_hackage_purls() {
    let Some(sbom) = fixture("haskell/stack-yaml-lock", HaskellCataloger) else {
        return;
    };
    let http = named(&sbom, "HTTP", "4000.3.16");
    assert_eq!(http.purl.to_string(), "pkg:hackage/HTTP@4000.3.16");
    assert_eq!(
        http.download_location.as_deref(),
        Some("https://hackage.haskell.org/package/HTTP-4000.3.16/HTTP-4000.3.16.tar.gz")
    );
    assert_eq!(
        http.metadata["cabal_file_sha256"],
        "6042643c15a0b43e522a6693f1e322f05000d519543a84149cb80aeffee34f71"
    );
    let kore = named(&sbom, "kore", "0.60.0.0");
    assert_eq!(
        kore.download_location.as_deref(),
        Some(
            "git+https://github.com/runtimeverification/haskell-backend.git@a5847301404583e16d55cd4d051b8e605d704fbc"
        )
    );
    assert!(kore.supplier.is_none());
}

#[test]
fn haskell_corrupt_files_warn() {
    let Some(sbom) = fixture("haskell/corrupt", HaskellCataloger) else {
        return;
    };
    assert!(sbom.packages.is_empty(), "{:?}", ours(&sbom));
    assert!(warned_about(&sbom, "/stack.yaml"), "{:?}", sbom.warnings);
    assert!(warned_about(&sbom, "/stack.yaml.lock"), "{:?}", sbom.warnings);
}

// ------------------------------------------------------------------------- github actions

const LOCAL: &str = "a `./` action or workflow lives in the scanned repository itself: part of the \
                     source, not a dependency (syft lists it without a purl or version)";

const ACTIONS_SYFT_ONLY: SyftOnly<'_> = &[
    (
        "githubactions/call-shared-workflow",
        "./.github/workflows/workflow-2.yml",
        "",
        LOCAL,
    ),
    (
        "githubactions/workflow-multi-job",
        "./.github/actions/bootstrap",
        "",
        LOCAL,
    ),
    (
        "githubactions/workflow-with-version-comments",
        "./.github/actions/bootstrap",
        "",
        LOCAL,
    ),
];

#[test]
fn github_actions_find_everything_syft_finds() {
    let counts = compare_with_syft(
        "githubactions",
        &[
            "github-actions-usage-cataloger",
            "github-action-workflow-usage-cataloger",
        ],
        ACTIONS_SYFT_ONLY,
        GithubActionsCataloger,
    );
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    if !counts.is_empty() {
        assert_eq!(syft - matched, ACTIONS_SYFT_ONLY.len());
    }
}

#[test]
fn github_actions_purls_and_catalogers() {
    let Some(sbom) = fixture("githubactions/workflow-multi-job", GithubActionsCataloger) else {
        return;
    };
    let restore = named(&sbom, "actions/cache/restore", "v3");
    assert_eq!(restore.purl.to_string(), "pkg:github/actions/cache@v3#restore");
    assert_eq!(restore.cataloger, "github-actions-usage-cataloger");
    let Some(sbom) = fixture("githubactions/call-shared-workflow", GithubActionsCataloger) else {
        return;
    };
    let called = named(
        &sbom,
        "octo-org/another-repo/.github/workflows/workflow.yml",
        "v1",
    );
    assert_eq!(
        called.purl.to_string(),
        "pkg:github/octo-org/another-repo@v1#.github/workflows/workflow.yml"
    );
    assert_eq!(called.cataloger, "github-action-workflow-usage-cataloger");
}

#[test]
fn github_actions_keep_version_comments() {
    let Some(sbom) = fixture("githubactions/composite-action", GithubActionsCataloger) else {
        return;
    };
    let go = named(
        &sbom,
        "actions/setup-go",
        "41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed",
    );
    assert_eq!(go.metadata["version_comment"], "v5.1.0");
    assert_eq!(
        go.download_location.as_deref(),
        Some("git+https://github.com/actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed")
    );
}

#[test]
fn github_actions_corrupt_files_warn() {
    let Some(sbom) = fixture("githubactions/corrupt", GithubActionsCataloger) else {
        return;
    };
    assert!(sbom.packages.is_empty(), "{:?}", ours(&sbom));
    assert!(warned_about(&sbom, "/.github/actions/composite/action.yaml"));
    assert!(warned_about(&sbom, "/.github/workflows/workflow-multi-job.yaml"));
}

#[test]
fn github_actions_bad_references_warn() {
    let tree = MemTree::default().file(
        ".github/workflows/ci.yml",
        "jobs:\n  a:\n    steps:\n      - uses: actions/checkout\n      - uses: docker://alpine:3\n      - uses: ./local\n      - uses: o/r@v1\n",
    );
    let sbom = scan(&tree, GithubActionsCataloger);
    assert_eq!(ours(&sbom), [nv("o/r", "v1")].into());
    assert_eq!(sbom.warnings.len(), 1, "{:?}", sbom.warnings);
}
