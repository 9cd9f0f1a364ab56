//! The dpkg and installed-Python catalogers, against syft's own fixtures
//! (`shared/corpus/syft-fixtures`, compared with syft 1.18.1's results), a real bookworm dpkg
//! database (`shared/corpus/osv-os`), the test image (`$ASSAY_TEST_IMAGE_DIR`), and small
//! in-memory trees for the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod memtree;

use memtree::{MemTree, noise};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assay_core::{EntryKind, FileTree, TreeEntry};
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::dpkg::DpkgCataloger;
use assay_sbom::catalog::python::PythonCataloger;
use assay_sbom::catalog::{self, Cataloger, Context, Found, os_release};
use assay_sbom::model::{Package, PackageKind, Party, RelationshipKind, SourceInfo};

// ------------------------------------------------------------------------------- fixtures

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

fn skip(what: &str) {
    assert!(!fixtures_required(), "required fixture missing: {what}");
    eprintln!("skipping: {what}");
}

/// `$ASSAY_SHARED`, else the `shared/` directory beside the repository.
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

/// Runs one cataloger the way the driver does, returning what it found unmerged.
fn run(tree: &dyn FileTree, c: &dyn Cataloger) -> Found {
    let ctx = Context {
        distro: os_release::detect(tree),
    };
    let files: Vec<&TreeEntry> = tree
        .entries()
        .filter(|e| matches!(e.kind, EntryKind::File { .. }) && c.wants(&e.path))
        .collect();
    let mut out = Found::default();
    c.catalog(tree, &files, &ctx, &mut out);
    out
}

fn run_dir(dir: &Path, c: &dyn Cataloger) -> Found {
    run(&HostTree::dir(dir).unwrap(), c)
}

fn by_name<'f>(found: &'f Found, name: &str) -> &'f Package {
    found
        .packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} not found"))
}

/// `from → to` names for every DEPENDS_ON edge.
fn edges(found: &Found) -> BTreeSet<(String, String)> {
    let name: BTreeMap<_, _> = found.packages.iter().map(|p| (&p.id, &p.name)).collect();
    found
        .relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn)
        .map(|r| (name[&r.from].clone(), name[&r.to].clone()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// PEP 503, to compare Python names with syft's.
fn pep503(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// syft 1.18.1's default-mode `(name, version)` per fixture, for one cataloger.
fn syft_packages(dir: &Path, found_by: &str) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = std::fs::read_to_string(dir.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, "default", by, _ty, _purl, name, version] = cols[..]
            && by == found_by
        {
            let key = (name.to_owned(), version.to_owned());
            out.entry(fixture.to_owned()).or_default().insert(key);
        }
    }
    out
}

/// Our `(name, version)` set in syft's spelling (`UNKNOWN` for no version).
fn ours(found: &Found, norm: fn(&str) -> String) -> BTreeSet<(String, String)> {
    found
        .packages
        .iter()
        .map(|p| {
            let v = if p.version.is_empty() {
                "UNKNOWN"
            } else {
                &p.version
            };
            (norm(&p.name), v.to_owned())
        })
        .collect()
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

// ------------------------------------------------------------------------ in-memory trees

const BOOKWORM: &str = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";

// ------------------------------------------------------------------------------------ dpkg

#[test]
fn dpkg_finds_everything_syft_finds_except_removed_packages() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let expected = syft_packages(&corpus, "dpkg-db-cataloger");
    // syft 1.18.1 reports this `Status: deinstall ok config-files` paragraph: the package was
    // removed, only its configuration files remain, so it is not installed (later syft agrees).
    let removed = ("linux-image-6.8.0-1029-aws", "6.8.0-1029.31");
    for dir in fixture_dirs(&corpus.join("debian")) {
        let fixture = format!("debian/{}", dir.file_name().unwrap().to_string_lossy());
        let found = run_dir(&dir, &DpkgCataloger);
        let ours = ours(&found, str::to_owned);
        let mut want = expected.get(&fixture).cloned().unwrap_or_default();
        if want.remove(&(removed.0.to_owned(), removed.1.to_owned())) {
            assert!(!ours.iter().any(|(n, _)| n == removed.0), "{fixture}");
        }
        let missing: Vec<_> = want.difference(&ours).collect();
        assert!(missing.is_empty(), "{fixture}: missing {missing:?}");
        eprintln!(
            "{fixture}: ours {} syft {} warnings {}",
            ours.len(),
            expected.get(&fixture).map_or(0, BTreeSet::len),
            found.warnings.len()
        );
    }
}

#[test]
fn dpkg_image_fixture_has_purl_license_supplier_and_owned_files() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/debian/image-dpkg") else {
        return;
    };
    let found = run_dir(&dir, &DpkgCataloger);
    let pam = by_name(&found, "libpam-runtime");
    assert_eq!(
        pam.purl.to_string(),
        "pkg:deb/debian/libpam-runtime@1.1.8-3.6?arch=all&distro=debian-12&upstream=pam"
    );
    assert_eq!(
        pam.license.as_deref(),
        Some("GPL-2.0-only AND LGPL-2.1-only")
    );
    assert!(matches!(&pam.supplier, Some(Party::Person { name, .. }) if name == "Steve Langasek"));
    assert_eq!(pam.metadata["source"], "pam");
    assert_eq!(pam.metadata["source_version"], "1.1.8-3.6");
    assert_eq!(pam.locations[0].path, "/var/lib/dpkg/status");
    assert!(
        found
            .owned_files
            .contains("/lib/x86_64-linux-gnu/libz.so.1.2.11")
    );
    insta::assert_json_snapshot!("dpkg_image_dpkg", &found.packages, {
        "[].locations[].layer" => "[layer]",
    });
}

#[test]
fn dpkg_distroless_status_d_with_md5sums() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/debian/image-distroless-deb") else {
        return;
    };
    let found = run_dir(&dir, &DpkgCataloger);
    assert_eq!(found.packages.len(), 1, "the .preinst is not a paragraph");
    let p = by_name(&found, "libsqlite3-0");
    assert_eq!(
        p.purl.to_string(),
        "pkg:deb/debian/libsqlite3-0@3.34.1-3?arch=arm64&upstream=sqlite3"
    );
    assert_eq!(
        p.license.as_deref(),
        Some("GPL-2.0-or-later AND LicenseRef-Public-Domain")
    );
    assert!(
        found
            .owned_files
            .contains("/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6")
    );
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
}

#[test]
fn dpkg_relationships_follow_depends_pre_depends_and_provides() {
    let Some(debian) = shared_dir("corpus/syft-fixtures/debian") else {
        return;
    };
    let found = run_dir(
        &debian.join("status.d-coreutils-relationships"),
        &DpkgCataloger,
    );
    let want = pairs(&[
        ("coreutils", "libacl1"),
        ("coreutils", "libattr1"),
        ("coreutils", "libc6"),
        ("coreutils", "libgmp10"),
        ("coreutils", "libselinux1"),
        ("libacl1", "libc6"),
        ("libattr1", "libc6"),
        ("libc6", "libgcc-s1"),
        ("libgcc-s1", "gcc-12-base"),
        ("libgcc-s1", "libc6"),
        ("libgmp10", "libc6"),
    ]);
    let got = edges(&found);
    assert!(want.is_subset(&got), "missing {:?}", want.difference(&got));

    let found = run_dir(&debian.join("status.d-doc-examples"), &DpkgCataloger);
    let got = edges(&found);
    let want = pairs(&[
        ("mutt", "libc6"),
        ("mutt", "default-mta"),
        ("mutt", "mail-transport-agent"),
        ("made-up-package-1", "kernel-headers-2.2.10"),
        ("made-up-package-1", "hurd-dev"),
        ("made-up-package-1", "gnumach-dev"),
        ("made-up-package-2", "libluajit5.1-dev"),
        ("made-up-package-2", "liblua5.1-dev"),
        ("made-up-package-3", "foo"),
        ("made-up-package-3", "bar"),
        // virtual-package-5 is provided by made-up-package-5
        ("made-up-package-4", "made-up-package-5"),
    ]);
    assert_eq!(got, want);
}

#[test]
fn dpkg_removed_and_corrupt_paragraphs() {
    let Some(debian) = shared_dir("corpus/syft-fixtures/debian") else {
        return;
    };
    let found = run_dir(&debian.join("status.d-deinstall"), &DpkgCataloger);
    let names: Vec<&str> = found.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["linux-image-6.14.0-1012-aws"]);

    let found = run_dir(&debian.join("status.d-corrupt"), &DpkgCataloger);
    assert!(found.packages.is_empty());
    assert!(!found.warnings.is_empty());

    let found = run_dir(&debian.join("status.d-empty"), &DpkgCataloger);
    assert!(found.packages.is_empty());
}

#[test]
fn opkg_status_is_read_with_its_license_field() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/debian/opkg-status") else {
        return;
    };
    let found = run_dir(&dir, &DpkgCataloger);
    assert_eq!(found.packages.len(), 3);
    let p = by_name(&found, "dropbear");
    assert_eq!(p.license.as_deref(), Some("MIT"));
    assert_eq!(
        p.purl.to_string(),
        "pkg:deb/dropbear@2024.85-r0?arch=x86_64"
    );
}

#[test]
fn dpkg_real_bookworm_status_matches_its_table() {
    let Some(dir) = shared_dir("corpus/osv-os/debian/rootfs") else {
        return;
    };
    let status = std::fs::read(dir.join("bookworm-minbase-curl.var-lib-dpkg-status")).unwrap();
    let tree = MemTree::default()
        .file("etc/os-release", BOOKWORM)
        .file("var/lib/dpkg/status", status);
    let found = run(&tree, &DpkgCataloger);
    let tsv = std::fs::read_to_string(dir.join("bookworm-minbase-curl.dpkg.tsv")).unwrap();
    let want: BTreeSet<Vec<String>> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    let got: BTreeSet<Vec<String>> = found
        .packages
        .iter()
        .map(|p| {
            let m = |k: &str| p.metadata.get(k).cloned().unwrap_or_default();
            vec![
                p.name.clone(),
                p.version.clone(),
                m("arch"),
                m("source"),
                m("source_version"),
            ]
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(found.packages.len(), 106);
    for p in &found.packages {
        assert!(p.supplier.is_some(), "{} has no supplier", p.name);
        assert_eq!(p.purl.qualifiers()["distro"], "debian-12", "{}", p.name);
    }
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
}

#[test]
fn dpkg_test_image_rootfs() {
    let Some(rootfs) = test_image("rootfs") else {
        return;
    };
    let tree = HostTree::dir(&rootfs).unwrap();
    let found = run(&tree, &DpkgCataloger);
    let status = std::fs::read_to_string(rootfs.join("var/lib/dpkg/status")).unwrap();
    let installed: BTreeSet<&str> = status
        .split("\n\n")
        .filter(|p| p.contains("\nStatus: install ok installed"))
        .filter_map(|p| p.lines().find_map(|l| l.strip_prefix("Package: ")))
        .collect();
    let got: BTreeSet<&str> = found.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(got, installed);
    for p in &found.packages {
        assert!(p.supplier.is_some(), "{} has no supplier", p.name);
        assert_eq!(p.kind, PackageKind::Deb);
    }
    let licensed = found
        .packages
        .iter()
        .filter(|p| p.license.is_some())
        .count();
    eprintln!(
        "rootfs: {} packages, {licensed} with a license, {} owned files, {} edges",
        found.packages.len(),
        found.owned_files.len(),
        found.relationships.len()
    );
    // Exactly the packages with a DEP-5 copyright file (the host follows doc-directory
    // symlinks such as libgcc-s1 -> gcc-12-base) have a license.
    let dep5 = |name: &str| {
        std::fs::read_to_string(rootfs.join("usr/share/doc").join(name).join("copyright"))
            .is_ok_and(|t| t.starts_with("Format:"))
    };
    for p in &found.packages {
        assert_eq!(p.license.is_some(), dep5(&p.name), "{}", p.name);
    }
    assert!(
        by_name(&found, "apt")
            .license
            .as_deref()
            .unwrap()
            .contains("GPL-2")
    );
    assert!(found.owned_files.contains("/usr/bin/apt"));
    assert!(edges(&found).contains(&("apt".to_owned(), "libc6".to_owned())));
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
}

#[test]
fn dpkg_binary_status_warns_without_panicking() {
    for (i, seed) in [1u64, 7, 0xdead_beef].into_iter().enumerate() {
        let mut bytes = noise(4096, seed);
        if i == 2 {
            // no NUL bytes: it gets as far as the deb822 parser
            bytes.iter_mut().for_each(|b| *b = (*b).max(1));
        }
        let tree = MemTree::default()
            .file("var/lib/dpkg/status", bytes.clone())
            .file("var/lib/dpkg/status.d/garbage", bytes.clone())
            .file("var/lib/dpkg/info/x.list", bytes.clone())
            .file("usr/share/doc/x/copyright", bytes);
        let found = run(&tree, &DpkgCataloger);
        assert!(found.packages.is_empty());
        assert!(!found.warnings.is_empty());
    }
}

#[test]
fn dpkg_copyright_through_a_symlinked_doc_dir() {
    let status = "Package: gcc-12-base\nStatus: install ok installed\nVersion: 1\n\n\
                  Package: libgcc-s1\nStatus: install ok installed\nVersion: 1\n";
    let copyright = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n\
                     Files: *\nLicense: GPL-3+ with GCC exception\n text\n";
    let tree = MemTree::default()
        .file("var/lib/dpkg/status", status)
        .file("usr/share/doc/gcc-12-base/copyright", copyright)
        .symlink("usr/share/doc/libgcc-s1", "gcc-12-base")
        .file("usr/share/doc/libnone/copyright", "Not machine-readable.\n");
    let found = run(&tree, &DpkgCataloger);
    for name in ["gcc-12-base", "libgcc-s1"] {
        let p = by_name(&found, name);
        assert_eq!(
            p.license.as_deref(),
            Some("GPL-3.0-or-later WITH GCC-exception-3.1")
        );
        assert_eq!(p.purl.to_string(), format!("pkg:deb/debian/{name}@1"));
    }
}

// ---------------------------------------------------------------------------------- python

#[test]
fn python_finds_everything_syft_finds_in_installed_fixtures() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let expected = syft_packages(&corpus, "python-installed-package-cataloger");
    for dir in fixture_dirs(&corpus.join("python")) {
        let fixture = format!("python/{}", dir.file_name().unwrap().to_string_lossy());
        // Lockfile fixtures are not this cataloger's: they only must not crash it.
        let found = run_dir(&dir, &PythonCataloger);
        let ours = ours(&found, pep503);
        let want: BTreeSet<_> = expected
            .get(&fixture)
            .into_iter()
            .flatten()
            .map(|(n, v)| (pep503(n), v.clone()))
            .collect();
        let missing: Vec<_> = want.difference(&ours).collect();
        assert!(missing.is_empty(), "{fixture}: missing {missing:?}");
        eprintln!(
            "{fixture}: ours {} (distinct {}) syft {} warnings {}",
            found.packages.len(),
            ours.len(),
            expected.get(&fixture).map_or(0, BTreeSet::len),
            found.warnings.len()
        );
    }
}

#[test]
fn python_site_packages_fixture() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/python/site-packages") else {
        return;
    };
    let found = run_dir(&dir, &PythonCataloger);
    let p = found
        .packages
        .iter()
        .find(|p| {
            p.locations[0]
                .path
                .ends_with("nested/dist-name/dist-info/METADATA")
        })
        .unwrap();
    assert_eq!(p.purl.to_string(), "pkg:pypi/pygments@2.6.1");
    assert_eq!(p.license.as_deref(), Some("BSD-2-Clause"));
    assert_eq!(
        p.supplier,
        Some(Party::Person {
            name: "Georg Brandl".into(),
            email: Some("georg@python.org".into())
        })
    );
    assert_eq!(
        p.download_location.as_deref(),
        Some("https://pypi.org/project/pygments/2.6.1/")
    );
    // No License field: the classifier decides.
    let p = found
        .packages
        .iter()
        .find(|p| {
            p.locations[0]
                .path
                .contains("without-license-file-declared")
        })
        .unwrap();
    assert_eq!(p.license.as_deref(), Some("LicenseRef-BSD"));
    let nv = by_name(&found, "no-version");
    assert_eq!(
        (nv.version.as_str(), nv.purl.to_string().as_str()),
        ("", "pkg:pypi/no-version")
    );
    insta::assert_json_snapshot!("python_site_packages", &found.packages, {
        "[].locations[].layer" => "[layer]",
    });
}

#[test]
fn python_ignores_cpython_own_egg_info_and_empty_files() {
    let Some(python) = shared_dir("corpus/syft-fixtures/python") else {
        return;
    };
    let found = run_dir(&python.join("egg-info-file"), &PythonCataloger);
    assert!(found.packages.is_empty());
    let found = run_dir(&python.join("egg-info-empty"), &PythonCataloger);
    assert!(found.packages.is_empty());
    assert_eq!(found.warnings.len(), 1);
}

#[test]
fn python_test_image_site_packages() {
    let Some(app) = test_image("app") else {
        return;
    };
    let found = run_dir(&app.join("python"), &PythonCataloger);
    let want = [
        ("django", "3.2"),
        ("requests", "2.25.1"),
        ("urllib3", "1.26.4"),
        ("idna", "2.10"),
        ("chardet", "4.0.0"),
        ("certifi", "2020.12.5"),
        ("sqlparse", "0.4.1"),
    ];
    for (name, version) in want {
        let p = by_name(&found, name);
        assert_eq!(p.version, version);
        assert!(p.license.is_some(), "{name} has no license");
        assert!(p.supplier.is_some(), "{name} has no supplier");
        assert!(p.homepage.is_some(), "{name} has no homepage");
    }
    assert_eq!(
        by_name(&found, "django").license.as_deref(),
        Some("BSD-3-Clause")
    );
    let got = edges(&found);
    let want = pairs(&[
        ("requests", "chardet"),
        ("requests", "idna"),
        ("requests", "urllib3"),
        ("requests", "certifi"),
        ("django", "sqlparse"),
    ]);
    assert_eq!(
        got, want,
        "extras (urllib3[secure] → idna, certifi) are not edges"
    );
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
}

#[test]
fn python_bad_metadata_warns_without_panicking() {
    let latin1 =
        b"Metadata-Version: 2.1\nName: cafe\nVersion: 1.0\nAuthor: Jos\xe9 Pe\xf1a\n".to_vec();
    let tree = MemTree::default()
        .file("site/cafe-1.0.dist-info/METADATA", latin1)
        .file("site/noise-1.0.dist-info/METADATA", noise(2048, 42))
        .file(
            "site/nameless-1.0.egg-info",
            "Version: 1.0\n\nName: in-the-body\n",
        )
        .file("site/dir.egg-info/PKG-INFO", b"\xff\xfe\xfd".to_vec());
    let found = run(&tree, &PythonCataloger);
    let names: Vec<&str> = found.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["cafe"],
        "invalid UTF-8 is read lossily, after a warning"
    );
    let warned: BTreeSet<&str> = found.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        warned,
        BTreeSet::from([
            "/site/cafe-1.0.dist-info/METADATA",
            "/site/noise-1.0.dist-info/METADATA",
            "/site/nameless-1.0.egg-info",
            "/site/dir.egg-info/PKG-INFO",
        ])
    );
}

// ------------------------------------------------------------------------------ the driver

/// Python files a Debian package installed are that package's, not PyPI's: only the copy
/// outside dpkg's file lists is reported.
#[test]
fn debian_owned_python_is_not_a_pypi_package() {
    let meta = "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n";
    let tree = MemTree::default()
        .file("etc/os-release", BOOKWORM)
        .file(
            "var/lib/dpkg/status",
            "Package: python3-six\nStatus: install ok installed\nVersion: 1.16.0-4\n\
             Architecture: all\nSource: six\nMaintainer: Debian Python Team <team+python@tracker.debian.org>\n",
        )
        .file(
            "var/lib/dpkg/info/python3-six.list",
            "/.\n/usr/lib/python3/dist-packages/six-1.16.0.dist-info\n\
             /usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA\n",
        )
        .file("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", meta)
        .file("usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA", meta);
    let source = SourceInfo {
        supplier: None,
        name: "mem".into(),
        kind: "directory".into(),
        digest: None,
    };
    let catalogers: Vec<Box<dyn Cataloger>> =
        vec![Box::new(DpkgCataloger), Box::new(PythonCataloger)];
    let sbom = catalog::catalog(&tree, source, &catalogers);
    let got: Vec<(String, &str)> = sbom
        .packages
        .iter()
        .map(|p| (p.purl.to_string(), p.locations[0].path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six"
                    .to_owned(),
                "/var/lib/dpkg/status"
            ),
            (
                "pkg:pypi/six@1.16.0".to_owned(),
                "/usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA"
            ),
        ]
    );
}
