//! The Java cataloger against syft's own fixtures (`shared/corpus/syft-fixtures/java`, compared
//! with syft 1.18.1's results), and against archives built at test time: syft's test jars are
//! zipped from the exploded `java/jar-metadata/<name>/` trees, and so are these, in memory.
//! Small in-memory trees cover the negative cases (corrupt, truncated, binary, zip bombs).
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod memtree;

use memtree::{MemTree, noise};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use assay_core::FileTree;
use assay_oci::hostfs::HostTree;
use assay_sbom::catalog;
use assay_sbom::catalog::java::JavaCataloger;
use assay_sbom::model::{Package, Party, RelationshipKind, Sbom, SourceInfo};
use zip::write::SimpleFileOptions;

// ------------------------------------------------------------------------------- fixtures

fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/corpus/syft-fixtures`, else `shared/...` beside the repository.
fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("corpus/syft-fixtures");
    if dir.join("java").is_dir() {
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

fn java_dir(fixture: &str) -> Option<PathBuf> {
    corpus().map(|c| c.join("java").join(fixture))
}

fn scan(tree: &dyn FileTree) -> Sbom {
    let source = SourceInfo {
        supplier: None,
        name: "fixture".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    catalog::catalog(tree, source, &[Box::new(JavaCataloger)])
}

fn scan_dir(dir: &Path) -> Sbom {
    scan(&HostTree::dir(dir).unwrap())
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
        .unwrap_or_else(|| panic!("{name} {version} not found in {:?}", ours(sbom)))
}

fn purls(sbom: &Sbom) -> BTreeSet<String> {
    sbom.packages.iter().map(|p| p.purl.to_string()).collect()
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

/// syft 1.18.1's `(name, version)` per `java/` fixture, from every `java-*` cataloger, in
/// both the default and the all-catalogers runs (`UNKNOWN` is an empty version).
fn syft_packages(corpus: &Path) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let tsv = fs_err::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [fixture, _mode, by, _ty, _purl, name, version] = cols[..]
            && fixture.starts_with("java/")
            && by.starts_with("java-")
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
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(group)
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

// ------------------------------------------------------------------------ in-memory trees

/// A ZIP of `(name, bytes)` entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A jar of every file under `dir`, named by their paths relative to it (as syft's
/// `jar-metadata` Makefile builds its test jars).
fn jar_of_dir(dir: &Path) -> Vec<u8> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut children: Vec<PathBuf> = fs_err::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        children.sort();
        for p in children {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.push((rel, fs_err::read(&p).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&entries)
}

/// The `jar-metadata/<name>` tree as a jar, or `None` (skipped) without the corpus.
fn metadata_jar(name: &str) -> Option<Vec<u8>> {
    java_dir("jar-metadata").map(|d| jar_of_dir(&d.join(name)))
}

fn warned_about(sbom: &Sbom, path: &str, needle: &str) -> bool {
    sbom.warnings
        .iter()
        .any(|w| w.path == path && w.message.contains(needle))
}

// ------------------------------------------------------------------ syft's directory scans

/// What syft 1.18.1 reports and we deliberately do not: nothing. (syft's mistakes in these
/// fixtures are purl namespaces, not names or versions; see `jar_metadata_poms_resolve_...`.)
const SYFT_ONLY: &[(&str, &str, &str, &str)] = &[];

#[test]
fn java_finds_everything_syft_finds() {
    let Some(corpus) = corpus() else {
        return;
    };
    let expected = syft_packages(&corpus);
    let mut totals = (0, 0);
    for dir in fixture_dirs(&corpus.join("java")) {
        let fixture = format!("java/{}", fixture_name(&dir));
        let sbom = scan_dir(&dir);
        let got = ours(&sbom);
        let syft = expected.get(&fixture).cloned().unwrap_or_default();
        let excused: BTreeSet<_> = SYFT_ONLY
            .iter()
            .filter(|(f, ..)| *f == fixture)
            .map(|(_, n, v, _)| nv(n, v))
            .collect();
        let missing: Vec<_> = syft
            .difference(&got)
            .filter(|p| !excused.contains(*p))
            .collect();
        assert!(
            missing.is_empty(),
            "{fixture}: syft finds {missing:?}, we do not"
        );
        let matched = syft.intersection(&got).count();
        let extra: Vec<_> = got.difference(&syft).collect();
        eprintln!(
            "{fixture}: syft {}, matched {matched}, ours {} (extra {extra:?})",
            syft.len(),
            got.len()
        );
        totals.0 += syft.len();
        totals.1 += matched;
    }
    eprintln!("java: syft {}, matched {}", totals.0, totals.1);
    assert_eq!(totals.0 - totals.1, SYFT_ONLY.len());
}

#[test]
fn java_fixtures_read_without_warnings_except_the_corrupt_one() {
    let Some(corpus) = corpus() else {
        return;
    };
    for dir in fixture_dirs(&corpus.join("java")) {
        let sbom = scan_dir(&dir);
        if fixture_name(&dir) == "corrupt" {
            assert!(sbom.packages.is_empty());
            assert!(warned_about(
                &sbom,
                "/example.jar",
                "not a readable ZIP archive"
            ));
            assert!(warned_about(&sbom, "/pom.xml", "not a valid POM"));
            // syft reads tar-wrapped archives only when asked to; so do we (never).
            assert_eq!(sbom.warnings.len(), 2, "{:?}", sbom.warnings);
        } else {
            assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
        }
    }
}

#[test]
fn maven_local_resolves_parents_found_in_the_tree() {
    let Some(dir) = java_dir("maven-local") else {
        return;
    };
    let sbom = scan_dir(&dir);
    // `${project.one}.3.6`, with project.one defined two parents up.
    let child_one = named(&sbom, "child-one", "1.3.6");
    assert_eq!(
        child_one.purl.to_string(),
        "pkg:maven/my.org/child-one@1.3.6"
    );
    assert_eq!(
        child_one.license.as_deref(),
        Some("EPL-2.0"),
        "inherited from parent-two"
    );
    assert_eq!(
        child_one.download_location, None,
        "a project is built here, not downloaded"
    );
    // child-3's relativePath leads nowhere: its parent is found by coordinates.
    assert_eq!(
        named(&sbom, "child-three", "3.3.3").cataloger,
        "java-pom-cataloger"
    );
    // circular-2's parent is not in the tree: the version stays unknown, the group is known.
    assert_eq!(
        named(&sbom, "something", "").purl.to_string(),
        "pkg:maven/my.org/something"
    );
    // A project with no group at all gets no namespace (syft repeats the name there).
    assert_eq!(
        named(&sbom, "contains-child-one", "5").purl.to_string(),
        "pkg:maven/contains-child-one@5"
    );
    let got = edges(&sbom);
    for (from, to) in [
        ("contains-child-one@5", "child-one@1.3.6"),
        ("child-one@1.3.6", "commons-lang3@3.12.0"),
        ("parent-one@3.11.0", "commons-text@1.12.0"),
        ("parent-one@3.11.0", "commons-collections4@4.3"),
        ("parent-one@3.11.0", "junit@4.13.2"),
        ("parent-two@13.7.8", "commons-collections4@4.4"),
    ] {
        assert!(
            got.contains(&edge(from, to)),
            "{from} -> {to} missing: {got:?}"
        );
    }
    let junit = named(&sbom, "junit", "4.13.2");
    assert_eq!(junit.metadata["scope"], "test");
    assert_eq!(
        junit.download_location.as_deref(),
        Some("https://repo1.maven.org/maven2/junit/junit/4.13.2/junit-4.13.2.jar")
    );
    assert_eq!(
        junit.supplier,
        Some(Party::Organization {
            name: "Maven Central".to_owned(),
            email: None
        })
    );
}

#[test]
fn jar_metadata_poms_resolve_what_syft_leaves_unresolved() {
    let Some(dir) = java_dir("jar-metadata") else {
        return;
    };
    let sbom = scan_dir(&dir);
    let got = purls(&sbom);
    // api-all's dependencies are `${project.groupId}`, which is inherited from <parent>;
    // syft 1.18.1 leaves it unresolved and repeats the artifactId as namespace.
    assert!(got.contains("pkg:maven/org.apache.directory.api/api-ldap-model"));
    assert!(!got.contains("pkg:maven/api-ldap-model/api-ldap-model"));
    // opensaml-core inherits its version from <parent>.
    assert!(got.contains("pkg:maven/org.opensaml/opensaml-core@3.4.6"));
    // commons-parent 54 is not in the tree: commons-lang3's version stays unknown.
    assert_eq!(
        named(&sbom, "commons-lang3", "").license.as_deref(),
        Some("EPL-2.0")
    );
    // Two copies of jackson-core's POM: two sightings, each at its own path.
    let jackson: Vec<_> = sbom
        .packages
        .iter()
        .filter(|p| p.name == "jackson-core")
        .collect();
    assert_eq!(jackson.len(), 2);
    assert!(
        jackson
            .iter()
            .all(|p| p.license.as_deref() == Some("Apache-2.0"))
    );
    assert_eq!(
        jackson[0].homepage.as_deref(),
        Some("https://github.com/FasterXML/jackson-core")
    );
}

#[test]
fn pom_details() {
    let Some(dir) = java_dir("pom-neo4j-license-maven-plugin") else {
        return;
    };
    let sbom = scan_dir(&dir);
    let plugin = named(&sbom, "license-maven-plugin", "4-SNAPSHOT");
    // "If multiple licenses are listed, ... the user can select any of them".
    assert_eq!(
        plugin.license.as_deref(),
        Some("Apache-2.0 OR MIT OR Unlicense")
    );
    let testng = named(&sbom, "testng", "5.7");
    assert_eq!(
        testng.purl.to_string(),
        "pkg:maven/org.testng/testng@5.7?classifier=jdk15"
    );
    assert_eq!(
        testng.download_location.as_deref(),
        Some("https://repo1.maven.org/maven2/org/testng/testng/5.7/testng-5.7-jdk15.jar")
    );
    assert_eq!(edges(&sbom).len(), 7);

    let Some(dir) = java_dir("pom-commons-text-1.10.0") else {
        return;
    };
    let sbom = scan_dir(&dir);
    // groupId inherited from the (absent) parent's coordinates.
    assert!(purls(&sbom).contains("pkg:maven/org.apache.commons/commons-text@1.10.0"));
    assert_eq!(named(&sbom, "js", "22.0.0.2").metadata["scope"], "test");
    assert_eq!(named(&sbom, "junit-jupiter", "").download_location, None);
}

#[test]
fn pom_snapshot() {
    let Some(dir) = java_dir("example-jenkins-plugin") else {
        return;
    };
    let sbom = scan_dir(&dir);
    insta::assert_json_snapshot!("jenkins_plugin_pom", &sbom);
}

#[test]
fn gradle_lockfile() {
    let Some(dir) = java_dir("gradle-lockfile") else {
        return;
    };
    let sbom = scan_dir(&dir);
    let text = named(&sbom, "commons-text", "1.8");
    assert_eq!(text.cataloger, "java-gradle-lockfile-cataloger");
    assert_eq!(text.metadata["configurations"], "compileClasspath");
    assert_eq!(
        text.purl.to_string(),
        "pkg:maven/org.apache.commons/commons-text@1.8"
    );
    assert!(edges(&sbom).is_empty(), "a lockfile records no graph");

    let tree = MemTree::default().file(
        "/app/gradle.lockfile",
        "junit:junit:4.12=test\nnot a coordinate\n\u{0}\u{1}binary:=\na:b:c:d=x\n",
    );
    let sbom = scan(&tree);
    assert_eq!(ours(&sbom), [nv("junit", "4.12")].into());
    assert!(warned_about(&sbom, "/app/gradle.lockfile", "3 line(s)"));
}

#[test]
fn jvm_installations() {
    let Some(dir) = java_dir("jvm-installs") else {
        return;
    };
    let sbom = scan_dir(&dir);
    let jdk = named(&sbom, "jdk", "1.8.0_411-b25");
    assert_eq!(jdk.purl.to_string(), "pkg:generic/oracle/jdk@1.8.0_411-b25");
    assert_eq!(jdk.cataloger, "java-jvm-cataloger");
    let openjdk = named(&sbom, "openjdk", "21.0.4+7-LTS");
    assert_eq!(
        openjdk.supplier,
        Some(Party::Organization {
            name: "Eclipse Adoptium".to_owned(),
            email: None
        })
    );
    assert_eq!(
        openjdk.purl.qualifiers()["repository_url"],
        "https://github.com/adoptium/jdk21u.git"
    );
    // Other files named `release` are not a JVM's, and not worth a warning.
    let tree = MemTree::default()
        .file("/etc/release", "NAME=Something\n")
        .file("/srv/release", vec![0u8, 159, 146, 150]);
    let sbom = scan(&tree);
    assert!(sbom.packages.is_empty() && sbom.warnings.is_empty());
}

// ------------------------------------------------------------------------------- archives

/// syft's archive regression cases (`archive_parser_test.go`), on jars zipped from
/// `jar-metadata/<name>/`: `(file, name, version, purl)` of the archive's own package.
const METADATA_JARS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "jackson-core-2.15.2",
        "jar",
        "jackson-core",
        "2.15.2",
        "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2",
    ),
    (
        "com.fasterxml.jackson.core.jackson-core-2.15.2",
        "jar",
        "jackson-core",
        "2.15.2",
        "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2",
    ),
    (
        "api-all-2.0.0-sources",
        "jar",
        "api-all",
        "2.0.0",
        "pkg:maven/org.apache.directory.api/api-all@2.0.0",
    ),
    (
        "gradle",
        "hpi",
        "gradle",
        "2.11",
        "pkg:maven/org.jenkins-ci.plugins/gradle@2.11",
    ),
    (
        "multiple-matching-2.11.5",
        "jar",
        "multiple-matching-1",
        "2.11.5",
        "pkg:maven/org.multiple/multiple-matching-1@2.11.5",
    ),
    (
        "opensaml-core-3.4.6",
        "jar",
        "opensaml-core",
        "3.4.6",
        "pkg:maven/org.opensaml/opensaml-core@3.4.6",
    ),
    (
        "micronaut-aop-4.9.11",
        "jar",
        "micronaut-aop",
        "4.9.11",
        "pkg:maven/io.micronaut/micronaut-aop@4.9.11",
    ),
    (
        "commons-lang3-3.12.0",
        "jar",
        "commons-lang3",
        "3.12.0",
        "pkg:maven/org.apache.commons/commons-lang3@3.12.0",
    ),
    (
        "org.multiple-thename",
        "jar",
        "thename",
        "10.11.12",
        "pkg:maven/org.multiple/thename@10.11.12",
    ),
];

/// The tree directory of each metadata case in `jar-metadata/`.
fn metadata_source(file: &str) -> &str {
    if file == "gradle" {
        "jenkins-plugins/gradle/2.11"
    } else {
        file
    }
}

/// The archive's own package: the one nothing else in the SBOM depends on.
fn root_package(sbom: &Sbom) -> &Package {
    let targets: BTreeSet<_> = sbom
        .relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn)
        .map(|r| &r.to)
        .collect();
    let roots: Vec<_> = sbom
        .packages
        .iter()
        .filter(|p| !targets.contains(&p.id))
        .collect();
    assert_eq!(roots.len(), 1, "{roots:?}");
    roots[0]
}

#[test]
fn archives_built_from_jar_metadata_match_syfts_expectations() {
    for (file, ext, name, version, purl) in METADATA_JARS {
        let Some(jar) = metadata_jar(metadata_source(file)) else {
            return;
        };
        let path = format!("/opt/app/{file}.{ext}");
        let sbom = scan(&MemTree::default().file(&path, jar));
        assert!(sbom.warnings.is_empty(), "{file}: {:?}", sbom.warnings);
        let main = root_package(&sbom);
        assert_eq!(
            (main.name.as_str(), main.version.as_str()),
            (*name, *version),
            "{file}"
        );
        assert_eq!(main.purl.to_string(), *purl, "{file}");
        assert_eq!(main.cataloger, "java-archive-cataloger");
        assert_eq!(main.locations[0].path, path);
        assert_eq!(main.checksums["SHA256"].len(), 64);
        assert!(!main.metadata.contains_key("virtual_path"), "not nested");
    }
}

#[test]
fn archive_details() {
    let Some(jar) = metadata_jar("jackson-core-2.15.2") else {
        return;
    };
    let sbom = scan(&MemTree::default().file("/jackson-core-2.15.2.jar", jar));
    let jackson = named(&sbom, "jackson-core", "2.15.2");
    // Bundle-License is a URL; syft maps it the same way.
    assert_eq!(jackson.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(
        jackson.supplier,
        Some(Party::Organization {
            name: "FasterXML".to_owned(),
            email: None
        }),
        "Bundle-Vendor"
    );
    assert_eq!(
        jackson.download_location.as_deref(),
        Some(
            "https://repo1.maven.org/maven2/com/fasterxml/jackson/core/jackson-core/2.15.2/jackson-core-2.15.2.jar"
        )
    );

    // Shaded packages depend-on edges from the archive's own package.
    let Some(jar) = metadata_jar("api-all-2.0.0-sources") else {
        return;
    };
    let sbom = scan(&MemTree::default().file("/api-all-2.0.0-sources.jar", jar));
    assert_eq!(
        ours(&sbom),
        [nv("api-all", "2.0.0"), nv("api-asn1-api", "2.0.0")].into()
    );
    assert_eq!(
        edges(&sbom),
        [edge("api-all@2.0.0", "api-asn1-api@2.0.0")].into()
    );
    let asn1 = named(&sbom, "api-asn1-api", "2.0.0");
    assert_eq!(
        asn1.metadata["pom_properties"],
        "META-INF/maven/org.apache.directory.api/api-asn1-api/pom.properties"
    );

    // Two pom.properties with the same artifactId: the file name's group wins; the other is
    // a package of its own.
    let Some(jar) = metadata_jar("org.multiple-thename") else {
        return;
    };
    let sbom = scan(&MemTree::default().file("/org.multiple-thename.jar", jar));
    assert_eq!(
        purls(&sbom),
        [
            "pkg:maven/com.multiple/thename@10.11.12".to_owned(),
            "pkg:maven/org.multiple/thename@10.11.12".to_owned()
        ]
        .into()
    );

    // A New Relic instrumentation module is not a package.
    let Some(jar) = metadata_jar("spring-instrumentation-4.3.0-1.0") else {
        return;
    };
    let sbom = scan(&MemTree::default().file("/spring-instrumentation-4.3.0-1.0.jar", jar));
    assert!(sbom.packages.is_empty() && sbom.warnings.is_empty());
}

#[test]
fn nested_archives_are_located_at_the_outer_file() {
    let (Some(jackson), Some(api)) = (
        metadata_jar("jackson-core-2.15.2"),
        metadata_jar("api-all-2.0.0-sources"),
    ) else {
        return;
    };
    let boot = zip_of(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\n",
        ),
        (
            "META-INF/maven/com.example/demo/pom.properties",
            b"groupId=com.example\nartifactId=demo\nversion=0.0.1-SNAPSHOT\n",
        ),
        ("BOOT-INF/lib/api-all-2.0.0-sources.jar", &api),
    ]);
    let war = zip_of(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nImplementation-Version: 1.2\n",
        ),
        ("WEB-INF/lib/jackson-core-2.15.2.jar", &jackson),
        ("WEB-INF/lib/demo-0.0.1-SNAPSHOT.jar", &boot),
        ("WEB-INF/lib/broken.jar", b"PK\x03\x04 truncated"),
    ]);
    let sbom = scan(&MemTree::default().file("/srv/shop.war", war));
    assert_eq!(
        ours(&sbom),
        [
            nv("shop", "1.2"),
            nv("jackson-core", "2.15.2"),
            nv("demo", "0.0.1-SNAPSHOT"),
            nv("api-all", "2.0.0"),
            nv("api-asn1-api", "2.0.0"),
        ]
        .into()
    );
    assert!(
        sbom.packages
            .iter()
            .all(|p| p.locations[0].path == "/srv/shop.war")
    );
    assert_eq!(
        named(&sbom, "api-asn1-api", "2.0.0").metadata["virtual_path"],
        "/srv/shop.war:WEB-INF/lib/demo-0.0.1-SNAPSHOT.jar:BOOT-INF/lib/api-all-2.0.0-sources.jar"
    );
    assert_eq!(
        edges(&sbom),
        [
            edge("shop@1.2", "jackson-core@2.15.2"),
            edge("shop@1.2", "demo@0.0.1-SNAPSHOT"),
            edge("demo@0.0.1-SNAPSHOT", "api-all@2.0.0"),
            edge("api-all@2.0.0", "api-asn1-api@2.0.0"),
        ]
        .into()
    );
    // The outer war has no Maven metadata: no group, no Maven Central claims.
    let shop = named(&sbom, "shop", "1.2");
    assert_eq!(shop.purl.to_string(), "pkg:maven/shop@1.2");
    assert_eq!(
        (shop.supplier.as_ref(), shop.download_location.as_ref()),
        (None, None)
    );
    assert!(warned_about(
        &sbom,
        "/srv/shop.war",
        "WEB-INF/lib/broken.jar: not a readable ZIP"
    ));
}

#[test]
fn zip_wrappers_and_executable_jars() {
    let Some(jackson) = metadata_jar("jackson-core-2.15.2") else {
        return;
    };
    // An executable jar: a launcher script before the ZIP data (Spring Boot's `executable`).
    let mut executable = b"#!/bin/bash\nexec java -jar \"$0\" \"$@\"\n".to_vec();
    executable.extend_from_slice(&jackson);
    let sbom = scan(&MemTree::default().file("/app/jackson-core-2.15.2.jar", executable));
    assert_eq!(
        ours(&sbom),
        [nv("jackson-core", "2.15.2")].into(),
        "{:?}",
        sbom.warnings
    );
    // A .zip is only a wrapper: the archives in it are packages, it is not.
    let dist = zip_of(&[
        ("dist/lib/jackson-core-2.15.2.jar", &jackson),
        ("README", b"hi"),
    ]);
    let sbom = scan(&MemTree::default().file("/dist.zip", dist));
    assert_eq!(ours(&sbom), [nv("jackson-core", "2.15.2")].into());
}

#[test]
fn manifest_and_pom_properties_cases_inside_archives() {
    let Some(java) = java_dir("") else {
        return;
    };
    for case in fs_err::read_dir(java.join("manifest-cases")).unwrap() {
        let case = case.unwrap().path();
        let manifest = fs_err::read(&case).unwrap();
        let jar = zip_of(&[("META-INF/MANIFEST.MF", &manifest)]);
        let sbom = scan(&MemTree::default().file("/lib/example-app-1.0.jar", jar));
        assert!(sbom.warnings.is_empty(), "{case:?}: {:?}", sbom.warnings);
        assert_eq!(ours(&sbom), [nv("example-app", "1.0")].into(), "{case:?}");
    }
    // Without a version in the file name, the manifest's.
    let manifest = fs_err::read(java.join("manifest-cases/version-with-date")).unwrap();
    let jar = zip_of(&[("META-INF/MANIFEST.MF", &manifest)]);
    let sbom = scan(&MemTree::default().file("/lib/dated.jar", jar));
    assert_eq!(ours(&sbom), [nv("dated", "1.3 2244 October 5 2005")].into());

    let dir = "META-INF/maven/org.anchore/example-java-app-maven";
    let want: &[(&str, &str, &str)] = &[
        ("small.pom.properties", "example-java-app-maven", "0.1.0"),
        ("extra.pom.properties", "example-java-app-maven", "0.1.0"),
        (
            "colon-delimited.pom.properties",
            "example-java-app-maven",
            "0.1.0",
        ),
        (
            "colon-delimited-with-equals.pom.properties",
            "example-java=app-maven",
            "0.1.0=something",
        ),
        (
            "equals-delimited-with-colons.pom.properties",
            "example-java:app-maven",
            "0.1.0:something",
        ),
    ];
    for (case, name, version) in want {
        let props = fs_err::read(java.join("pom-properties-cases").join(case)).unwrap();
        let jar = zip_of(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
            (&format!("{dir}/pom.properties"), &props),
        ]);
        let sbom = scan(&MemTree::default().file("/example-java-app-maven-0.1.0.jar", jar));
        assert!(sbom.warnings.is_empty(), "{case}: {:?}", sbom.warnings);
        let p = named(&sbom, name, version);
        assert_eq!(p.purl.namespace(), Some("org.anchore"), "{case}");
    }
}

// ------------------------------------------------------------------------- negative cases

#[test]
fn truncated_binary_and_malformed_archives_warn_and_the_rest_is_cataloged() {
    let good = zip_of(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
        (
            "META-INF/maven/g/ok/pom.properties",
            b"groupId=g\nartifactId=ok\nversion=1\n",
        ),
        (
            "META-INF/maven/g/ok/pom.xml",
            b"<project><licenses><unclosed></project>",
        ),
    ]);
    let truncated = good[..good.len() / 2].to_vec();
    let tree = MemTree::default()
        .file("/a/ok-1.jar", good)
        .file("/a/truncated-1.jar", truncated)
        .file("/a/noise-1.jar", noise(4096, 7))
        .file("/a/empty.jar", Vec::new())
        .file("/a/pom.xml", noise(300, 11))
        .file("/b/pom.xml", "<project><artifactId>x</artifactId><version>1</version>")
        .file("/c/pom.xml", "<?xml version=\"1.0\"?>\n<project><artifactId>fine</artifactId><version>2</version></project>");
    let sbom = scan(&tree);
    assert_eq!(ours(&sbom), [nv("ok", "1"), nv("fine", "2")].into());
    for (path, needle) in [
        ("/a/truncated-1.jar", "not a readable ZIP archive"),
        ("/a/noise-1.jar", "not a readable ZIP archive"),
        ("/a/empty.jar", "not a readable ZIP archive"),
        (
            "/a/ok-1.jar",
            "META-INF/maven/g/ok/pom.xml: not a valid POM",
        ),
        ("/a/pom.xml", "not a valid POM"),
        ("/b/pom.xml", "not a valid POM"),
    ] {
        assert!(
            warned_about(&sbom, path, needle),
            "{path}: {:?}",
            sbom.warnings
        );
    }
}

#[test]
fn zip_bombs_stop_at_the_expansion_limit() {
    // One 100 MiB entry of zeros (about 100 KiB deflated), copied under six names without
    // recompressing: 600 MiB would be expanded, past the 512 MiB budget.
    let zeros = vec![0u8; 100 << 20];
    let one = zip_of(&[("x.jar", &zeros)]);
    drop(zeros);
    let mut source = zip::ZipArchive::new(Cursor::new(one)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("META-INF/MANIFEST.MF", SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"Manifest-Version: 1.0\n").unwrap();
    for i in 0..6 {
        let entry = source.by_index_raw(0).unwrap();
        w.raw_copy_file_rename(entry, format!("lib/bomb-{i}.jar"))
            .unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let sbom = scan(&MemTree::default().file("/bomb-1.0.jar", bomb));
    assert_eq!(
        ours(&sbom),
        [nv("bomb", "1.0")].into(),
        "the outer jar is still reported"
    );
    assert!(
        warned_about(
            &sbom,
            "/bomb-1.0.jar",
            "would be decompressed (a zip bomb?)"
        ),
        "{:?}",
        sbom.warnings
    );
}

#[test]
fn deep_nesting_stops_at_the_depth_limit() {
    let mut jar = zip_of(&[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n")]);
    for level in (0..7).rev() {
        let name = format!("lib/level{level}-1.0.jar");
        jar = zip_of(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
            (&name, &jar),
        ]);
    }
    let sbom = scan(&MemTree::default().file("/top-1.0.jar", jar));
    // top, then four nested levels.
    assert_eq!(sbom.packages.len(), 5, "{:?}", ours(&sbom));
    assert!(warned_about(
        &sbom,
        "/top-1.0.jar",
        "nested deeper than 4 levels"
    ));
}

#[test]
fn multi_ecosystem_fixture_java_packages() {
    let Some(corpus) = corpus() else {
        return;
    };
    let sbom = scan_dir(&corpus.join("multi/image-pkg-coverage"));
    let tsv = fs_err::read_to_string(corpus.join("syft-1.18.1-packages.tsv")).unwrap();
    let syft: BTreeSet<_> = tsv
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c[0] == "multi/image-pkg-coverage" && c[2].starts_with("java-"))
        .map(|c| nv(c[5], c[6]))
        .collect();
    assert_eq!(syft.len(), 3);
    assert_eq!(ours(&sbom), syft, "{:?}", sbom.warnings);
}
