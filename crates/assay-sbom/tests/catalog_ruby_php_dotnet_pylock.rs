//! The Ruby, PHP, .NET and Python-lockfile catalogers, against syft's own fixtures
//! (`shared/corpus/syft-fixtures/{ruby,php,dotnet,python}`, compared with syft 1.18.1's results)
//! and small in-memory trees for the snapshot and the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod memtree;

use memtree::MemTree;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assay_core::{FileTree, TreePath};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::dotnet::DotnetCataloger;
use assay_sbom::catalog::php::PhpCataloger;
use assay_sbom::catalog::python_lock::PythonLockCataloger;
use assay_sbom::catalog::ruby::RubyCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::{Package, Party, RelationshipKind, Sbom, SourceInfo};

// ------------------------------------------------------------------------------- fixtures

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/corpus/syft-fixtures`, else `shared/` beside the repository.
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

fn fixture(sub: &str) -> Option<PathBuf> {
    corpus().map(|c| c.join(sub))
}

fn source() -> SourceInfo {
    SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    }
}

/// Runs `c` through the driver (duplicates folded, edges checked, everything sorted).
fn scan(tree: &dyn FileTree, c: impl Cataloger + 'static) -> Sbom {
    catalog::catalog(tree, source(), &[Box::new(c)])
}

fn scan_dir(dir: &Path, c: impl Cataloger + 'static) -> Sbom {
    scan(&HostTree::dir(dir).unwrap(), c)
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

fn assert_edges(sbom: &Sbom, want: &[(&str, &str)]) {
    let e = edges(sbom);
    for (from, to) in want {
        let edge = ((*from).to_owned(), (*to).to_owned());
        assert!(e.contains(&edge), "{from} -> {to} missing: {e:?}");
    }
}

fn warned_about(sbom: &Sbom, path: &str) -> bool {
    sbom.warnings.iter().any(|w| w.path == path)
}

fn organization(name: &str) -> Option<Party> {
    Some(Party::Organization {
        name: name.to_owned(),
        email: None,
    })
}

// ------------------------------------------------------------------------ syft comparison

/// syft 1.18.1's `(name, version)` per fixture for the given catalogers, in either mode
/// (default, or with all catalogers: some of ours are image-only in syft).
fn syft_packages(corpus: &Path, found_by: &[&str]) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = std::fs::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, _mode, by, _ty, _purl, name, version] = cols[..]
            && found_by.contains(&by)
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

/// A pair syft reports that we deliberately do not: `(fixture, name, version, reason)`.
type SyftWrong = (&'static str, &'static str, &'static str, &'static str);

/// Scans every fixture of `group` with `c` and checks ours ⊇ syft's, except `syft_wrong`
/// (which must really be syft-only). Returns `fixture → (syft, matched, ours)`.
fn compare_with_syft(
    corpus: &Path,
    group: &str,
    found_by: &[&str],
    syft_wrong: &[SyftWrong],
    c: impl Cataloger + Copy + 'static,
) -> BTreeMap<String, (usize, usize, usize)> {
    let expected = syft_packages(corpus, found_by);
    let mut counts = BTreeMap::new();
    for dir in fixture_dirs(&corpus.join(group)) {
        let fixture = format!("{group}/{}", dir.file_name().unwrap().to_string_lossy());
        let sbom = scan_dir(&dir, c);
        let got = ours(&sbom);
        let syft = expected.get(&fixture).cloned().unwrap_or_default();
        let excused: BTreeSet<_> = (syft_wrong.iter())
            .filter(|(f, ..)| *f == fixture)
            .map(|(_, n, v, _)| nv(n, v))
            .collect();
        for pv in &excused {
            assert!(syft.contains(pv), "{fixture}: {pv:?} not in syft's list");
            assert!(!got.contains(pv), "{fixture}: {pv:?} is reported after all");
        }
        let missing: Vec<_> = (syft.difference(&got))
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
        eprintln!("{fixture:<45} syft {syft:>3}  matched {matched:>3}  ours {got:>3}");
    }
    counts
}

// ------------------------------------------------------------------------ in-memory trees

/// Deterministic noise (xorshift64), starting with a NUL byte.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    std::iter::once(0)
        .chain(memtree::noise(len, seed))
        .collect()
}

// ------------------------------------------------------------------------------------ ruby

#[test]
fn ruby_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let found_by = ["ruby-gemfile-cataloger", "ruby-gemspec-cataloger"];
    let counts = compare_with_syft(&corpus, "ruby", &found_by, &[], RubyCataloger);
    assert_eq!(counts["ruby/gemfile-lock"], (52, 52, 52));
    assert_eq!(counts["ruby/gemspec-bundler"], (1, 1, 1));
    assert_eq!(counts["ruby/gemspec-formatador"], (1, 1, 1));
    for dir in fixture_dirs(&corpus.join("ruby")) {
        let sbom = scan_dir(&dir, RubyCataloger);
        assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
    }
}

#[test]
fn ruby_gemfile_lock_sources_and_dependencies() {
    let Some(dir) = fixture("ruby/gemfile-lock") else {
        return;
    };
    let sbom = scan_dir(&dir, RubyCataloger);
    // The lockfile's `BAD-SECTION` is no gem source: its entries are not gems.
    assert!(!ours(&sbom).contains(&nv("bad-entry", "5.5.5")));
    let rails = named(&sbom, "rails", "4.1.1");
    assert_eq!(rails.purl.to_string(), "pkg:gem/rails@4.1.1");
    assert_eq!(rails.cataloger, "ruby-gemfile-cataloger");
    assert_eq!(rails.supplier, organization("rubygems.org"));
    assert_eq!(
        rails.download_location.as_deref(),
        Some("https://rubygems.org/downloads/rails-4.1.1.gem")
    );
    let turbolinks = named(&sbom, "turbolinks", "3.0.0");
    let git =
        "git+https://github.com/rails/turbolinks.git@80216ce9d89920bf073709405e3fce6d0a3ccd9a";
    assert_eq!(turbolinks.download_location.as_deref(), Some(git));
    assert_eq!(turbolinks.supplier, None);
    let local = named(&sbom, "google-cloud-errors", "1.3.0");
    assert_eq!(local.download_location, None);
    assert_eq!(local.metadata["source"], "path");
    assert_edges(
        &sbom,
        &[
            ("rails@4.1.1", "actionpack@4.1.1"),
            ("rails@4.1.1", "railties@4.1.1"),
            ("turbolinks@3.0.0", "coffee-rails@4.0.1"),
            ("treetop@1.4.15", "polyglot@0.3.4"),
            ("unicorn@4.8.3", "rack@1.5.2"),
        ],
    );
    // rails needs bundler, which the lockfile does not list: no edge, no warning.
    assert!(
        !edges(&sbom)
            .iter()
            .any(|(_, to)| to.starts_with("bundler@"))
    );
}

#[test]
fn ruby_installed_gemspecs() {
    let Some(corpus) = corpus() else { return };
    let sbom = scan_dir(&corpus.join("ruby/gemspec-bundler"), RubyCataloger);
    let bundler = named(&sbom, "bundler", "2.1.4");
    assert_eq!(bundler.cataloger, "ruby-installed-gemspec-cataloger");
    assert_eq!(bundler.license.as_deref(), Some("MIT"));
    assert_eq!(bundler.homepage.as_deref(), Some("https://bundler.io"));
    // Fifteen authors and one team address: the first author, without guessing an address.
    assert_eq!(
        bundler.supplier,
        Some(Party::Person {
            name: "André Arko".to_owned(),
            email: None
        })
    );
    let sbom = scan_dir(&corpus.join("ruby/gemspec-formatador"), RubyCataloger);
    let f = named(&sbom, "formatador", "1.1.0");
    assert_eq!(
        f.homepage.as_deref(),
        Some("https://github.com/geemus/formatador"),
        "#{{s.name}} interpolated"
    );
    assert_eq!(
        f.supplier,
        Some(Party::Person {
            name: "geemus (Wesley Beary)".to_owned(),
            email: Some("geemus@gmail.com".to_owned())
        })
    );
}

#[test]
fn ruby_installed_gems_depend_on_gems_of_the_same_home() {
    let spec = |name: &str, version: &str, deps: &str| {
        format!(
            "Gem::Specification.new do |s|\n  s.name = \"{name}\".freeze\n  s.version = \"{version}\"\n{deps}end\n"
        )
    };
    let dep = "  s.add_runtime_dependency(%q<b>.freeze, [\">= 0\"])\n";
    let tree = MemTree::default()
        .file("/g1/specifications/a-1.0.gemspec", spec("a", "1.0", dep))
        .file("/g1/specifications/b-2.0.gemspec", spec("b", "2.0", ""))
        .file("/g2/specifications/b-3.0.gemspec", spec("b", "3.0", ""))
        .file("/src/b.gemspec", spec("b", "9.9", ""));
    let sbom = scan(&tree, RubyCataloger);
    let e = edges(&sbom);
    assert_eq!(e, [("a@1.0".to_owned(), "b@2.0".to_owned())].into());
    assert!(
        !ours(&sbom).contains(&nv("b", "9.9")),
        "not an installed gem"
    );
}

// ------------------------------------------------------------------------------------- php

#[test]
fn php_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let found_by = [
        "php-composer-lock-cataloger",
        "php-composer-installed-cataloger",
        "php-pecl-serialized-cataloger",
    ];
    let counts = compare_with_syft(&corpus, "php", &found_by, &[], PhpCataloger);
    // syft drops composer.lock's packages-dev; they are installed with `composer install`.
    assert_eq!(counts["php/composer-lock"], (2, 2, 4));
    assert_eq!(counts["php/installed-composer-1"], (2, 2, 2));
    assert_eq!(counts["php/installed-composer-2"], (2, 2, 2));
    assert_eq!(counts["php/pecl-v5"], (1, 1, 1));
    assert_eq!(counts["php/pecl-v6"], (1, 1, 1));
    for dir in fixture_dirs(&corpus.join("php")) {
        let sbom = scan_dir(&dir, PhpCataloger);
        assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
    }
}

#[test]
fn php_composer_lock_details() {
    let Some(dir) = fixture("php/composer-lock") else {
        return;
    };
    let sbom = scan_dir(&dir, PhpCataloger);
    let adapter = named(&sbom, "alcaeus/mongo-php-adapter", "1.1.11");
    assert_eq!(
        adapter.purl.to_string(),
        "pkg:composer/alcaeus/mongo-php-adapter@1.1.11"
    );
    assert_eq!(adapter.license.as_deref(), Some("MIT"));
    assert_eq!(
        adapter.supplier,
        Some(Party::Person {
            name: "alcaeus".to_owned(),
            email: Some("alcaeus@alcaeus.org".to_owned())
        })
    );
    assert_eq!(
        adapter.download_location.as_deref(),
        Some(
            "https://api.github.com/repos/alcaeus/mongo-php-adapter/zipball/43b6add94c8b4cb9890d662cba4c0defde733dcf"
        )
    );
    assert_eq!(adapter.cataloger, "php-composer-lock-cataloger");
    assert!(!adapter.metadata.contains_key("dev"));
    let gherkin = named(&sbom, "behat/gherkin", "v4.6.2");
    assert_eq!(gherkin.metadata["dev"], "true");
    assert_eq!(gherkin.homepage.as_deref(), Some("http://behat.org/"));
    // codeception requires behat/gherkin; ext-* and php are platform requirements.
    assert_eq!(
        edges(&sbom),
        [(
            "codeception/codeception@4.1.6".to_owned(),
            "behat/gherkin@v4.6.2".to_owned()
        )]
        .into()
    );
}

#[test]
fn php_installed_json_and_pecl() {
    let Some(corpus) = corpus() else { return };
    for fixture in ["php/installed-composer-1", "php/installed-composer-2"] {
        let sbom = scan_dir(&corpus.join(fixture), PhpCataloger);
        let mink = named(&sbom, "behat/mink", "v1.8.1");
        assert_eq!(mink.cataloger, "php-composer-installed-cataloger");
        assert_eq!(
            mink.locations[0].path, "/vendor/composer/installed.json",
            "{fixture}"
        );
    }
    let sbom = scan_dir(&corpus.join("php/pecl-v5"), PhpCataloger);
    let memcached = named(&sbom, "memcached", "3.2.0");
    assert_eq!(memcached.purl.to_string(), "pkg:pecl/memcached@3.2.0");
    assert_eq!(memcached.supplier, organization("pecl.php.net"));
    assert_eq!(
        memcached.download_location.as_deref(),
        Some("https://pecl.php.net/get/memcached-3.2.0.tgz")
    );
    assert!(memcached.license.is_some());
}

// ---------------------------------------------------------------------------------- dotnet

#[test]
fn dotnet_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let found_by = ["dotnet-deps-cataloger", "dotnet-packages-lock-cataloger"];
    let counts = compare_with_syft(&corpus, "dotnet", &found_by, &[], DotnetCataloger);
    assert_eq!(counts["dotnet/dir-example-1"], (14, 14, 14));
    assert_eq!(counts["dotnet/deps-with-referenceassembly"], (4, 4, 4));
    assert_eq!(counts["dotnet/net8-app-single-file-deps"], (53, 53, 53));
    // NuGet lockfiles are newer than syft 1.18.1's catalogers.
    assert_eq!(counts["dotnet/net8-app-packages-lock"], (0, 0, 51));
    assert_eq!(counts["dotnet/packages-lock"], (0, 0, 9));
    // libman.json (client-side web libraries) is not read.
    assert_eq!(counts["dotnet/libman"], (0, 0, 0));
    for dir in fixture_dirs(&corpus.join("dotnet")) {
        let sbom = scan_dir(&dir, DotnetCataloger);
        assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
    }
}

#[test]
fn dotnet_deps_json_details() {
    let Some(dir) = fixture("dotnet/deps-with-referenceassembly") else {
        return;
    };
    let sbom = scan_dir(&dir, DotnetCataloger);
    let json = named(&sbom, "Newtonsoft.Json", "13.0.3");
    assert_eq!(json.purl.to_string(), "pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_eq!(json.supplier, organization("nuget.org"));
    assert_eq!(
        json.download_location.as_deref(),
        Some("https://www.nuget.org/api/v2/package/Newtonsoft.Json/13.0.3")
    );
    assert!(json.checksums["SHA512"].starts_with("1eb0b9057765d342"));
    assert_eq!(json.metadata["path"], "newtonsoft.json/13.0.3");
    let app = named(&sbom, "MyApp", "1.0.0");
    assert_eq!(app.metadata["type"], "project");
    assert_eq!(
        (app.supplier.as_ref(), app.download_location.as_ref()),
        (None, None)
    );
    let reference = named(&sbom, "Microsoft.AspNetCore.DataProtection", "10.0.0.0");
    assert_eq!(reference.metadata["type"], "referenceassembly");
    assert_edges(
        &sbom,
        &[
            ("MyApp@1.0.0", "Newtonsoft.Json@13.0.3"),
            (
                "MyApp@1.0.0",
                "Microsoft.AspNetCore.DataProtection@10.0.0.0",
            ),
        ],
    );
}

#[test]
fn dotnet_packages_lock_per_framework() {
    let Some(dir) = fixture("dotnet/packages-lock") else {
        return;
    };
    let sbom = scan_dir(&dir, DotnetCataloger);
    let want: BTreeSet<_> = [
        nv("AutoMapper", "13.0.1"),
        nv("bootstrap", "5.0.0"),
        nv("log4net", "2.0.5"),
        nv("log4net", "1.2.15"),
        nv(
            "Microsoft.Extensions.DependencyInjection.Abstractions",
            "9.0.0",
        ),
        nv("Microsoft.Extensions.Logging", "9.0.0"),
        nv("Microsoft.Extensions.Options", "9.0.0"),
        nv("Microsoft.Extensions.Primitives", "9.0.0"),
        nv("System.Runtime.CompilerServices.Unsafe", "9.0.0"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let bootstrap = named(&sbom, "bootstrap", "5.0.0");
    assert_eq!(bootstrap.cataloger, "dotnet-packages-lock-cataloger");
    assert_eq!(bootstrap.metadata["type"], "Direct");
    assert_eq!(bootstrap.checksums["SHA512"].len(), 128);
    // AutoMapper asks for Options 6.0.0; the framework resolved 9.0.0.
    assert_edges(
        &sbom,
        &[
            ("AutoMapper@13.0.1", "Microsoft.Extensions.Options@9.0.0"),
            (
                "Microsoft.Extensions.Primitives@9.0.0",
                "System.Runtime.CompilerServices.Unsafe@9.0.0",
            ),
        ],
    );
}

// -------------------------------------------------------------------------- python locks

/// What syft 1.18.1 reports wrongly from Python lockfiles.
const PYTHON_SYFT_WRONG: &[SyftWrong] = &[
    (
        "python/requirements",
        "urllib3",
        "=1.26.20",
        "`urllib3===1.26.20` is PEP 440 arbitrary equality (`===`): the version is 1.26.20",
    ),
    (
        "python/requirements",
        "local-version",
        "1.2.3",
        "`==1.2.3+gcr.2` pins a PEP 440 local version; dropping `+gcr.2` names another build",
    ),
];

#[test]
fn python_lockfiles_find_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let counts = compare_with_syft(
        &corpus,
        "python",
        &["python-package-cataloger"],
        PYTHON_SYFT_WRONG,
        PythonLockCataloger,
    );
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    eprintln!("python lockfiles: syft {syft}, matched {matched}");
    assert_eq!(syft - matched, PYTHON_SYFT_WRONG.len());
    // The installed-package fixtures are python.rs's; nothing here claims them.
    assert_eq!(counts["python/site-packages"].2, 0);
    assert_eq!(counts["python/egg-info-file"].2, 0);
    // syft drops Pipfile.lock's develop section.
    assert_eq!(counts["python/pipfile-lock"], (4, 4, 6));
    // Newer than syft 1.18.1: uv.lock, pdm.lock, `"""...""".split()` in setup.py.
    assert_eq!(counts["python/uv-simple-deps"], (0, 0, 5));
    assert_eq!(counts["python/pdm-lock"], (0, 0, 10));
    assert_eq!(counts["python/setup-py-multiline-split"], (0, 0, 8));
    assert_eq!(counts["python/setup-py-dynamic"], (0, 0, 0));
    for dir in fixture_dirs(&corpus.join("python")) {
        let sbom = scan_dir(&dir, PythonLockCataloger);
        assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
    }
}

#[test]
fn python_requirements_pins_only() {
    let Some(dir) = fixture("python/requirements") else {
        return;
    };
    let sbom = scan_dir(&dir, PythonLockCataloger);
    let want: BTreeSet<_> = [
        nv("flask", "4.0.0"),
        nv("urllib3", "1.26.20"),
        nv("foo", "1.0.0"),
        nv("someproject", "5.4"),
        nv("dots-allowed", "1.0.0"),
        nv("argh", "0.26.2"),
        nv("argh", "0.26.3"),
        nv("celery", "4.4.7"),
        nv("githubsampleproject", "3.7.1"),
        nv("friendly-bard", "1.0.0"),
        nv("local-version", "1.2.3+gcr.2"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let some = named(&sbom, "someproject", "5.4");
    assert_eq!(some.metadata["markers"], "python_version < '3.8'");
    assert_eq!(some.metadata["name"], "SomeProject");
    assert_eq!(some.purl.to_string(), "pkg:pypi/someproject@5.4");
    assert_eq!(some.supplier, organization("pypi.org"));
    assert_eq!(
        some.download_location.as_deref(),
        Some("https://pypi.org/project/someproject/5.4/")
    );
    assert_eq!(
        named(&sbom, "celery", "4.4.7").metadata["extras"],
        "redis,pytest"
    );
    let argh = named(&sbom, "argh", "0.26.2");
    assert_eq!(argh.metadata["hashes"].matches("sha256:").count(), 2);
    assert!(
        sbom.relationships
            .iter()
            .all(|r| r.kind == RelationshipKind::Contains)
    );
}

#[test]
fn python_poetry_uv_pdm_edges_and_dev() {
    let Some(corpus) = corpus() else { return };
    let sbom = scan_dir(
        &corpus.join("python/poetry-case-sensitivity"),
        PythonLockCataloger,
    );
    // `Django = ...` in dj-rest-auth's dependencies is the lock's `django`.
    assert_edges(
        &sbom,
        &[
            ("dj-rest-auth@7.0.1", "django@5.2.6"),
            ("dj-rest-auth@7.0.1", "djangorestframework@3.16.1"),
            ("djangorestframework@3.16.1", "django@5.2.6"),
        ],
    );
    let sbom = scan_dir(&corpus.join("python/poetry-dev-deps"), PythonLockCataloger);
    let added = named(&sbom, "added-value", "0.14.2");
    assert_eq!(added.metadata["dev"], "true");
    assert_eq!(
        added.supplier,
        organization("test.pypi.org"),
        "its [package.source]"
    );
    assert_eq!(added.download_location, None);
    let sbom = scan_dir(&corpus.join("python/uv-simple-deps"), PythonLockCataloger);
    assert!(
        !ours(&sbom).iter().any(|(n, _)| n == "testpkg"),
        "the project"
    );
    assert_edges(
        &sbom,
        &[
            ("requests@2.32.3", "certifi@2025.1.31"),
            ("requests@2.32.3", "urllib3@2.3.0"),
        ],
    );
    let sbom = scan_dir(&corpus.join("python/pdm-lock-extras"), PythonLockCataloger);
    assert_edges(
        &sbom,
        &[
            ("pytest-cov@4.1.0", "coverage@7.4.1"),
            ("coverage@7.4.1", "tomli@2.0.1"),
        ],
    );
    assert_eq!(
        (sbom.packages.iter())
            .filter(|p| p.name == "coverage")
            .count(),
        1,
        "the extras entry folds into the package"
    );
}

#[test]
fn python_pypi_remote_every_format_finds_certifi() {
    let Some(dir) = fixture("python/pypi-remote") else {
        return;
    };
    let sbom = scan_dir(&dir, PythonLockCataloger);
    let certifi: Vec<&Package> = sbom.packages.iter().collect();
    let paths: BTreeSet<&str> = certifi
        .iter()
        .map(|p| p.locations[0].path.as_str())
        .collect();
    assert!(
        certifi
            .iter()
            .all(|p| p.name == "certifi" && p.version == "2025.10.5")
    );
    let want: BTreeSet<&str> = [
        "/Pipfile.lock",
        "/pdm.lock",
        "/poetry.lock",
        "/requirements.txt",
        "/setup.py",
        "/uv.lock",
    ]
    .into();
    assert_eq!(paths, want);
}

// ------------------------------------------------------------------------------- snapshot

const GEMFILE_LOCK: &str = "GIT
  remote: https://github.com/o/forked.git
  revision: 0123456789abcdef0123456789abcdef01234567
  specs:
    forked (0.3.0)
      rack

GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.15.0-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.1)
    rack (3.0.8)

GEM
  remote: https://token:secret@gems.example.com/
  specs:
    internal (5.0.0)
      rack (>= 3)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  forked!
  nokogiri

CHECKSUMS
  rack (3.0.8) sha256=afd38a2b3f3b3a3a8e3e0c7d39e45a3c4c1f8bf1b5b9e6f0e7f6a0f5c9d8e7a1
";

const GEMSPEC: &str = r#"# -*- encoding: utf-8 -*-
Gem::Specification.new do |s|
  s.name = "racc".freeze
  s.version = "1.7.1"
  s.authors = ["Minero Aoki".freeze, "Aaron Patterson".freeze]
  s.email = [nil, "aaron@tenderlovemaking.com".freeze]
  s.homepage = "https://github.com/ruby/racc".freeze
  s.licenses = ["Ruby".freeze, "BSD-2-Clause".freeze]
end
"#;

const COMPOSER_LOCK: &str = r#"{
  "packages": [
    {"name": "monolog/monolog", "version": "3.4.0", "license": ["MIT"],
     "authors": [{"name": "Jordi Boggiano", "email": "j.boggiano@seld.be"}],
     "dist": {"type": "zip", "url": "https://api.github.com/repos/Seldaek/monolog/zipball/e2392369",
              "shasum": "0123456789abcdef0123456789abcdef01234567"},
     "require": {"php": ">=8.1", "psr/log-implementation": "^2.0 || ^3.0"}},
    {"name": "psr/log", "version": "3.0.0", "license": "MIT",
     "provide": {"psr/log-implementation": "3.0.0"},
     "source": {"type": "git", "url": "https://github.com/php-fig/log.git", "reference": "fe5ea303"},
     "notification-url": "https://packagist.org/downloads/"}
  ],
  "packages-dev": []
}"#;

const DEPS_JSON: &str = r#"{
  "targets": {".NETCoreApp,Version=v8.0": {
    "app/1.0.0": {"dependencies": {"Serilog": "3.0.0"}},
    "Serilog/3.0.1": {}
  }},
  "libraries": {
    "app/1.0.0": {"type": "project", "sha512": ""},
    "Serilog/3.0.1": {"type": "package", "sha512": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "path": "serilog/3.0.1"}
  }
}"#;

const UV_LOCK: &str = r#"version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "Typing_Extensions" }]

[[package]]
name = "typing-extensions"
version = "4.8.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "private-lib", version = "1.0" }]

[[package]]
name = "private-lib"
version = "1.0"
source = { registry = "https://pkgs.example.com/simple" }
"#;

#[test]
fn snapshot() {
    let tree = MemTree::default()
        .file("/app/Gemfile.lock", GEMFILE_LOCK)
        .file("/gems/specifications/racc-1.7.1.gemspec", GEMSPEC)
        .file("/web/composer.lock", COMPOSER_LOCK)
        .file("/svc/app.deps.json", DEPS_JSON)
        .file("/py/uv.lock", UV_LOCK)
        .file(
            "/py/requirements-dev.txt",
            "Pytest==7.4.0 ; python_version >= '3.8'\n",
        );
    let catalogers: Vec<Box<dyn Cataloger>> = vec![
        Box::new(RubyCataloger),
        Box::new(PhpCataloger),
        Box::new(DotnetCataloger),
        Box::new(PythonLockCataloger),
    ];
    let sbom = catalog::catalog(&tree, source(), &catalogers);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let text = serde_json::to_string(&sbom).unwrap();
    assert!(
        !text.contains("secret"),
        "credentials in a remote are dropped"
    );
    insta::assert_json_snapshot!("ruby_php_dotnet_pylock_catalog", &sbom);
}

// -------------------------------------------------------------------------------- negative

#[test]
fn malformed_files_warn_and_the_rest_is_cataloged() {
    let good_lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    ok (1.0)\n";
    let tree = MemTree::default()
        .file("/binary/Gemfile.lock", noise(4096, 3))
        .file("/ok/Gemfile.lock", good_lock)
        .file("/truncated/Gemfile.lock", "GEM\n  specs:\n    cut (1.")
        .file(
            "/g/specifications/noname.gemspec",
            "Gem::Specification.new do |s|\nend\n",
        )
        .file("/g/specifications/blob.gemspec", noise(512, 5))
        .file("/truncated/composer.lock", &COMPOSER_LOCK[..200])
        .file(
            "/entry/composer.lock",
            r#"{"packages": [{"name": 7}, {"name": "a/b", "version": "1.0"}]}"#,
        )
        .file(
            "/php/.registry/.channel.pecl.php.net/cut.reg",
            "a:2:{s:4:\"name\";s:3:\"cut\";",
        )
        .file(
            "/php/.registry/.channel.pecl.php.net/deep.reg",
            "a:1:{i:0;".repeat(100),
        )
        .file("/noise/app.deps.json", noise(2048, 7))
        .file(
            "/syntax/packages.lock.json",
            "{\"dependencies\": {\"net8.0\": [1, 2]}}",
        )
        .file("/syntax/poetry.lock", "[[package]\nname = \"x\"\n")
        .file(
            "/syntax/uv.lock",
            "[[package]]\nname = \"y\"\nversion = 3\n",
        )
        .file("/syntax/Pipfile.lock", "{\"default\": ")
        .file("/binary/requirements.txt", noise(1024, 9))
        .file("/binary/setup.py", noise(1024, 11))
        .file("/ok/requirements.txt", "fine==1.0\n");
    let catalogers: Vec<Box<dyn Cataloger>> = vec![
        Box::new(RubyCataloger),
        Box::new(PhpCataloger),
        Box::new(DotnetCataloger),
        Box::new(PythonLockCataloger),
    ];
    let sbom = catalog::catalog(&tree, source(), &catalogers);
    for path in [
        "/binary/Gemfile.lock",
        "/truncated/Gemfile.lock",
        "/g/specifications/noname.gemspec",
        "/g/specifications/blob.gemspec",
        "/truncated/composer.lock",
        "/entry/composer.lock",
        "/php/.registry/.channel.pecl.php.net/cut.reg",
        "/php/.registry/.channel.pecl.php.net/deep.reg",
        "/noise/app.deps.json",
        "/syntax/packages.lock.json",
        "/syntax/poetry.lock",
        "/syntax/uv.lock",
        "/syntax/Pipfile.lock",
        "/binary/requirements.txt",
        "/binary/setup.py",
    ] {
        assert!(warned_about(&sbom, path), "{path}: {:?}", sbom.warnings);
    }
    let want: BTreeSet<_> = [nv("ok", "1.0"), nv("a/b", "1.0"), nv("fine", "1.0")].into();
    assert_eq!(ours(&sbom), want);
}

#[test]
fn noise_as_a_gemfile_lock_is_bounded() {
    // Text noise (no NUL) inside a GEM section: every line is a bad spec line.
    let mut text = String::from("GEM\n  specs:\n");
    for i in 0..500 {
        text.push_str(&format!("    garbage line {i}\n"));
    }
    let tree = MemTree::default().file("/Gemfile.lock", text);
    let sbom = scan(&tree, RubyCataloger);
    assert!(sbom.packages.is_empty());
    assert_eq!(
        sbom.warnings.len(),
        11,
        "ten problems and a count of the rest"
    );
}

#[test]
fn wanted_paths() {
    let want = |c: &dyn Cataloger, p: &str| c.wants(&TreePath::new(p).unwrap());
    assert!(want(&RubyCataloger, "/app/Gemfile.lock"));
    assert!(want(
        &RubyCataloger,
        "/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec"
    ));
    assert!(want(
        &RubyCataloger,
        "/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"
    ));
    assert!(!want(
        &RubyCataloger,
        "/usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec"
    ));
    assert!(!want(&RubyCataloger, "/app/Gemfile"));
    assert!(want(&PhpCataloger, "/app/composer.lock"));
    assert!(want(&PhpCataloger, "/app/vendor/composer/installed.json"));
    assert!(!want(&PhpCataloger, "/app/composer.json"));
    assert!(want(&DotnetCataloger, "/app/App.deps.json"));
    assert!(want(&DotnetCataloger, "/src/packages.lock.json"));
    assert!(!want(&DotnetCataloger, "/app/App.runtimeconfig.json"));
    for p in [
        "/a/requirements.txt",
        "/a/requirements-dev.txt",
        "/a/setup.py",
        "/a/poetry.lock",
    ] {
        assert!(want(&PythonLockCataloger, p), "{p}");
    }
    for p in [
        "/site-packages/a-1.dist-info/METADATA",
        "/site-packages/a.egg-info/requires.txt",
        "/a/pyproject.toml",
        "/a/Pipfile",
    ] {
        assert!(!want(&PythonLockCataloger, p), "{p}");
    }
}

#[test]
fn multi_ecosystem_fixture_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else { return };
    let fixture = "multi/image-pkg-coverage";
    let found_by = [
        "ruby-gemfile-cataloger",
        "ruby-gemspec-cataloger",
        "php-composer-lock-cataloger",
        "php-composer-installed-cataloger",
        "php-pecl-serialized-cataloger",
        "dotnet-deps-cataloger",
        "python-package-cataloger",
    ];
    let syft = syft_packages(&corpus, &found_by)
        .remove(fixture)
        .unwrap_or_default();
    let catalogers: Vec<Box<dyn Cataloger>> = vec![
        Box::new(RubyCataloger),
        Box::new(PhpCataloger),
        Box::new(DotnetCataloger),
        Box::new(PythonLockCataloger),
    ];
    let tree = HostTree::dir(&corpus.join(fixture)).unwrap();
    let sbom = catalog::catalog(&tree, source(), &catalogers);
    let got = ours(&sbom);
    let missing: Vec<_> = syft.difference(&got).collect();
    assert!(missing.is_empty(), "syft finds {missing:?}, we do not");
    eprintln!("{fixture}: syft {}, ours {}", syft.len(), got.len());
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    // syft 1.18.1 reads vendor/composer/installed.json only in images.
    named(&sbom, "nikic/fast-route", "v1.3.0");
}
