//! SPDX and CycloneDX encoders against the real validators.
//!
//! The oracles are external programs from PyPI (`pip install spdx-tools
//! ntia-conformance-checker check-jsonschema cyclonedx-python-lib`). When one is missing the
//! test prints `skipping: <tool> not installed` and passes, unless `ASSAY_REQUIRE_FIXTURES=1`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assay_core::{Digest, Purl};
use assay_sbom::format::cyclonedx::{self, CdxVersion};
use assay_sbom::format::{DocumentInfo, spdx};
use assay_sbom::model::{
    Distro, FileRecord, Location, Package, PackageId, PackageKind, Party, Relationship,
    RelationshipKind, Sbom, SourceInfo, source_id,
};

fn info(unique: &str) -> DocumentInfo {
    DocumentInfo {
        created_unix: 1_700_000_000,
        tool_name: "assay".to_owned(),
        tool_version: "0.1.0".to_owned(),
        unique: unique.to_owned(),
    }
}

fn layer(n: u8) -> Digest {
    Digest::sha256(&[n])
}

fn person(name: &str, email: Option<&str>) -> Option<Party> {
    Some(Party::Person {
        name: name.to_owned(),
        email: email.map(str::to_owned),
    })
}

fn pkg(kind: PackageKind, purl: &str, path: &str, cataloger: &str) -> Package {
    let purl: Purl = purl.parse().unwrap();
    let name = match purl.namespace() {
        Some(ns) if purl.ty() == "npm" => format!("{ns}/{}", purl.name()),
        _ => purl.name().to_owned(),
    };
    let version = purl.version().unwrap_or_default().to_owned();
    let location = Location {
        path: path.to_owned(),
        layer: Some(layer(1)),
    };
    Package::new(kind, &name, &version, purl, location, cataloger)
}

fn edge(from: &PackageId, kind: RelationshipKind, to: &PackageId) -> Relationship {
    Relationship {
        from: from.clone(),
        kind,
        to: to.clone(),
    }
}

/// Sorts packages and edges the way the catalog driver does and adds source CONTAINS edges.
fn finish(source: SourceInfo, mut packages: Vec<Package>, edges: Vec<Relationship>) -> Sbom {
    packages.sort_by(|a, b| {
        (a.kind, &a.name, &a.version, &a.id).cmp(&(b.kind, &b.name, &b.version, &b.id))
    });
    let mut relationships: Vec<Relationship> = packages
        .iter()
        .map(|p| edge(&source_id(), RelationshipKind::Contains, &p.id))
        .chain(edges)
        .collect();
    relationships.sort();
    relationships.dedup();
    Sbom {
        source,
        distro: None,
        packages,
        files: Vec::new(),
        relationships,
        warnings: Vec::new(),
    }
}

fn debian_packages() -> [Package; 2] {
    let mut libc = pkg(
        PackageKind::Deb,
        "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12",
        "/var/lib/dpkg/status",
        "dpkg-db-cataloger",
    );
    libc.supplier = person(
        "GNU Libc Maintainers",
        Some("debian-glibc@lists.debian.org"),
    );
    libc.license = Some("GPL-2+ and LGPL-2.1+".to_owned());
    libc.homepage = Some("https://www.gnu.org/software/libc/libc.html".to_owned());
    libc.metadata = BTreeMap::from([
        ("arch".to_owned(), "amd64".to_owned()),
        ("source".to_owned(), "glibc".to_owned()),
    ]);
    let mut zlib = pkg(
        PackageKind::Deb,
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
        "/var/lib/dpkg/status",
        "dpkg-db-cataloger",
    );
    zlib.license = Some("Zlib".to_owned());
    [libc, zlib]
}

fn npm_packages() -> [Package; 2] {
    let mut babel = pkg(
        PackageKind::Npm,
        "pkg:npm/%40babel/core@7.24.0",
        "/app/node_modules/@babel/core/package.json",
        "javascript-package-cataloger",
    );
    babel.supplier = person("The Babel Team", None);
    babel.license = Some("MIT".to_owned());
    babel.homepage = Some("https://babel.dev/docs/en/next/babel-core".to_owned());
    babel.download_location = Some("git+https://github.com/babel/babel.git".to_owned());
    babel.checksums = BTreeMap::from([("SHA512".to_owned(), "ab".repeat(64))]);
    let mut lodash = pkg(
        PackageKind::Npm,
        "pkg:npm/lodash@4.17.21",
        "/app/node_modules/lodash/package.json",
        "javascript-package-cataloger",
    );
    lodash.license = Some("MIT".to_owned());
    lodash.download_location = Some("lodash/lodash".to_owned());
    [babel, lodash]
}

/// Django and requests, and one in-house package with a made-up license and a supplier whose
/// e-mail is not one.
fn python_packages() -> [Package; 3] {
    let mut django = pkg(
        PackageKind::Python,
        "pkg:pypi/django@3.2",
        "/usr/local/lib/python3.11/site-packages/Django-3.2.dist-info/METADATA",
        "python-installed-package-cataloger",
    );
    django.name = "Django".to_owned();
    django.supplier = person(
        "Django Software Foundation",
        Some("foundation@djangoproject.com"),
    );
    django.license = Some("BSD-3-Clause".to_owned());
    django.homepage = Some("https://www.djangoproject.com/".to_owned());
    let mut requests = pkg(
        PackageKind::Python,
        "pkg:pypi/requests@2.25.1",
        "/usr/local/lib/python3.11/site-packages/requests-2.25.1.dist-info/METADATA",
        "python-installed-package-cataloger",
    );
    requests.supplier = person("Kenneth Reitz", Some("me@kennethreitz.org"));
    requests.license = Some("Apache 2.0".to_owned());
    let mut vendored = pkg(
        PackageKind::Python,
        "pkg:pypi/internal-tool@0.0.1",
        "/opt/tool/METADATA",
        "python-installed-package-cataloger",
    );
    vendored.supplier = Some(Party::Organization {
        name: "ACME (Europe) Ltd".to_owned(),
        email: Some("not an email".to_owned()),
    });
    vendored.license = Some("ACME Proprietary License v2 (internal)".to_owned());
    [django, requests, vendored]
}

fn cargo_packages() -> [Package; 2] {
    let mut regex = pkg(
        PackageKind::RustCrate,
        "pkg:cargo/regex@1.5.4",
        "/app/bin/testapp",
        "cargo-auditable-binary-cataloger",
    );
    regex.license = Some("MIT/Apache-2.0".to_owned());
    regex.checksums = BTreeMap::from([("SHA256".to_owned(), "0f".repeat(32))]);
    let mut memchr = pkg(
        PackageKind::RustCrate,
        "pkg:cargo/memchr@2.4.1",
        "/app/bin/testapp",
        "cargo-auditable-binary-cataloger",
    );
    memchr.license = Some("Unlicense OR MIT".to_owned());
    [regex, memchr]
}

/// An image with Debian, npm (scoped), PyPI and Cargo packages, a file that contains two of
/// them, dependency edges, one package without a supplier and one with a made-up license.
fn realistic() -> Sbom {
    let [libc, zlib] = debian_packages();
    let [babel, lodash] = npm_packages();
    let [django, requests, vendored] = python_packages();
    let [regex, memchr] = cargo_packages();
    let binary = FileRecord {
        id: PackageId("f11e0000000000aa".to_owned()),
        path: "/app/bin/testapp".to_owned(),
        checksums: BTreeMap::from([
            ("SHA1".to_owned(), "1a".repeat(20)),
            ("SHA256".to_owned(), "2b".repeat(32)),
        ]),
    };
    let edges = vec![
        edge(&zlib.id, RelationshipKind::DependsOn, &libc.id),
        edge(&babel.id, RelationshipKind::DependsOn, &lodash.id),
        edge(&regex.id, RelationshipKind::DependsOn, &memchr.id),
        edge(&binary.id, RelationshipKind::Contains, &regex.id),
        edge(&binary.id, RelationshipKind::Contains, &memchr.id),
        edge(&source_id(), RelationshipKind::Contains, &binary.id),
    ];
    let source = SourceInfo {
        supplier: None,
        name: "registry:registry.example.com/team/app:1.0".to_owned(),
        kind: "image".to_owned(),
        digest: Some(Digest::sha256(b"manifest")),
    };
    let packages = vec![
        libc, zlib, babel, lodash, django, requests, regex, memchr, vendored,
    ];
    let mut sbom = finish(source, packages, edges);
    sbom.files.push(binary);
    sbom.distro = Some(Distro {
        id: "debian".to_owned(),
        version_id: Some("12".to_owned()),
        codename: Some("bookworm".to_owned()),
        pretty_name: Some("Debian GNU/Linux 12 (bookworm)".to_owned()),
    });
    sbom
}

/// Named after the bug it carries: names and licenses that are illegal in SPDX ids and
/// expressions, an unknown version, a supplier name with parentheses, a directory source.
fn hostile_names_and_licenses() -> Sbom {
    let mut weird = pkg(
        PackageKind::Python,
        "pkg:pypi/weird-pkg@0.1",
        "/src/weird pkg (copy)/PKG-INFO",
        "python-package-cataloger",
    );
    weird.name = "weird pkg/名前 (x)!#:".to_owned();
    weird.license = Some("GPL-2+ with weird (stuff)".to_owned());
    weird.supplier = person("Jane (JD) Doe", Some("jane@example.com"));
    weird.homepage = Some("not a url".to_owned());
    weird.download_location = Some("UNKNOWN".to_owned());
    let mut unknown = pkg(
        PackageKind::Npm,
        "pkg:npm/%40scope/no-version",
        "/src/package-lock.json",
        "javascript-lock-cataloger",
    );
    unknown.version = String::new();
    unknown.license = Some("SEE LICENSE IN LICENSE.md".to_owned());
    let edges = vec![edge(&weird.id, RelationshipKind::DependsOn, &unknown.id)];
    let source = SourceInfo {
        supplier: None,
        name: "dir:/home/user/my project (v2)".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    finish(source, vec![weird, unknown], edges)
}

// ---- oracles ----------------------------------------------------------------------------

/// True when `tool` can be run; otherwise says why the test is skipped (or fails, when
/// fixtures are required).
#[allow(clippy::print_stderr)]
fn have(tool: &str, probe: &mut Command) -> bool {
    if probe.output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(
        std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
        "{tool} not installed and ASSAY_REQUIRE_FIXTURES=1"
    );
    eprintln!("skipping: {tool} not installed");
    false
}

fn write_temp(bytes: &[u8], suffix: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .prefix("assay-format-")
        .suffix(suffix)
        .tempfile()
        .unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `pyspdxtools` exits 0 even for invalid documents; a valid one prints nothing but (at most)
/// its success message.
fn assert_pyspdxtools(doc: &[u8]) {
    if !have("pyspdxtools", Command::new("pyspdxtools").arg("--help")) {
        return;
    }
    let f = write_temp(doc, ".spdx.json");
    let o = Command::new("pyspdxtools")
        .arg("-i")
        .arg(f.path())
        .output()
        .unwrap();
    let out = text(&o);
    let problems: Vec<&str> = out
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("The document is valid."))
        .collect();
    assert!(
        o.status.success() && problems.is_empty(),
        "pyspdxtools:\n{out}"
    );
}

fn assert_ntia(doc: &[u8]) {
    if !have("ntia-checker", Command::new("ntia-checker").arg("--help")) {
        return;
    }
    let f = write_temp(doc, ".spdx.json");
    let o = Command::new("ntia-checker")
        .args(["-c", "ntia"])
        .arg(f.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "ntia-checker:\n{}", text(&o));
}

fn cyclonedx_schema_dir() -> Option<PathBuf> {
    let o = Command::new("python3")
        .args([
            "-c",
            "import cyclonedx, os; print(os.path.join(os.path.dirname(cyclonedx.__file__), 'schema', '_res'))",
        ])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
    (o.status.success() && dir.is_dir()).then_some(dir)
}

fn assert_cdx_schema(doc: &[u8], version: &str) {
    let probe = &mut Command::new("check-jsonschema");
    if !have("check-jsonschema", probe.arg("--version")) {
        return;
    }
    let dir = cyclonedx_schema_dir();
    let probe = &mut Command::new("python3");
    if !have(
        "cyclonedx-python-lib",
        probe.args(["-c", "import cyclonedx"]),
    ) {
        return;
    }
    let dir = dir.unwrap();
    let schema = dir.join(format!("bom-{version}.SNAPSHOT.schema.json"));
    let f = write_temp(doc, ".cdx.json");
    let o = Command::new("check-jsonschema")
        .arg("--base-uri")
        .arg(format!("file://{}/", dir.display()))
        .arg("--schemafile")
        .arg(&schema)
        .arg(f.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "check-jsonschema {}:\n{}",
        schema_name(&schema),
        text(&o)
    );
}

fn schema_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

// ---- tests ------------------------------------------------------------------------------

#[test]
fn spdx_passes_pyspdxtools() {
    assert_pyspdxtools(&spdx::encode(&realistic(), &info("a")));
}

#[test]
fn spdx_passes_ntia_minimum_elements() {
    assert_ntia(&spdx::encode(&realistic(), &info("a")));
}

#[test]
fn cyclonedx_1_6_passes_schema() {
    let doc = cyclonedx::encode(&realistic(), &info("a"), CdxVersion::V1_6);
    assert_cdx_schema(&doc, "1.6");
}

#[test]
fn cyclonedx_1_5_passes_schema() {
    let doc = cyclonedx::encode(&realistic(), &info("a"), CdxVersion::V1_5);
    assert_cdx_schema(&doc, "1.5");
}

#[test]
fn hostile_names_and_licenses_still_validate() {
    let sbom = hostile_names_and_licenses();
    let doc = spdx::encode(&sbom, &info("h"));
    assert_pyspdxtools(&doc);
    let text = String::from_utf8(doc).unwrap();
    assert!(
        text.contains("\"LicenseRef-GPL-2-plus-with-weird-stuff\""),
        "{text}"
    );
    assert!(text.contains("\"extractedText\": \"GPL-2+ with weird (stuff)\""));
    for v in [CdxVersion::V1_5, CdxVersion::V1_6] {
        assert_cdx_schema(&cyclonedx::encode(&sbom, &info("h"), v), v.as_str());
    }
}

/// Every license string syft 1.18.1 reported for the test image (Debian copyright files,
/// npm, PyPI), plus a few more spellings, as declared licenses.
const WILD_LICENSES: &[&str] = &[
    "Apache 2.0",
    "Apache-2.0",
    "Artistic",
    "Artistic-2.0",
    "Artistic-dist",
    "Autoconf",
    "BSD-2-Clause",
    "BSD-2.2-clause",
    "BSD-3-Clause",
    "BSD-3-clause-Aaron-D-Gifford",
    "BSD-3-clause-California",
    "BSD-3-clause-Cambridge",
    "BSD-3-clause-GENERIC",
    "BSD-3-clause-JANET",
    "BSD-3-clause-PADL",
    "BSD-3-clause-fjord",
    "BSD-3-clause-variant",
    "BSD-3-clause-with-weird-numbering",
    "BSD-4-Clause",
    "BSD-4-Clause-UC",
    "BSD-4-clause-California",
    "BSD-4-clause-KTH",
    "BSD-4-clause-POWERDOG",
    "BSD-like",
    "BSD-tcp_wrappers",
    "BSD-variant",
    "BSD3",
    "BSL-1.0",
    "BSLA",
    "BZIP",
    "Beerware",
    "CC-BY-3.0",
    "CC0",
    "CC0-1.0",
    "Chromium",
    "DONT-CHANGE-THE-GPL",
    "Expat",
    "Expat-ISC",
    "Expat-UNM",
    "F5",
    "FSF-manpages",
    "FSF-unlimited",
    "FSFAP",
    "FSFULLR",
    "FreeSoftware",
    "GAP",
    "GFDL-1.2-only",
    "GFDL-1.2-or-later",
    "GFDL-1.3+-no-invariant",
    "GFDL-1.3-only",
    "GFDL-3",
    "GFDL-NIV-1.3",
    "GFDL-NIV-1.3+",
    "GPL",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3+-WITH-BISON-EXCEPTION",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "GPLv3+",
    "HSIEH-BSD",
    "HSIEH-DERIVATIVE",
    "IBM-as-is",
    "ISC",
    "ISC+IBM",
    "JCG",
    "Kazlib",
    "LGPL",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "LGPLv2.1+",
    "LGPLv3+_or_GPLv2+",
    "Latex2e",
    "MIT",
    "MIT-CMU",
    "MIT-Export",
    "MIT-OpenVision",
    "MIT-XC",
    "MIT-like",
    "MIT-old",
    "MIT/X11",
    "MPL-1.1",
    "MPL-2.0",
    "MS-PL",
    "NeoSoft-permissive",
    "OLDAP-2.8",
    "OpenLDAP",
    "OpenLDAP-2.8",
    "OpenSSL",
    "PD",
    "PD-debian",
    "REGCOMP",
    "REGCOMP,",
    "RFC-Reference",
    "RRA-KEEP-THIS-NOTICE",
    "RSA-MD",
    "SDBM-PUBLIC-DOMAIN",
    "SMAIL-GPL",
    "SSLeay",
    "Sleepycat",
    "TCL-like",
    "TEXT-TABS",
    "The",
    "TinySCHEME",
    "UMich",
    "Unicode",
    "X11",
    "Zlib",
    "all-permissive",
    "config-h",
    "curl",
    "g10-permissive",
    "gnulib",
    "noderivs",
    "pcre",
    "permissive",
    "permissive-fsf",
    "permissive-like-automake-output",
    "permissive-nowarranty",
    "probably-PD",
    "public-domain",
    "public-domain-md4",
    "public-domain-md5",
    "public-domain-s-s-d",
    "public-domain-sha1",
    "same-as-rest-of-p11kit",
    "GPL-2+ and LGPL-2.1+ with exceptions",
    "(MIT OR Apache-2.0) AND Unicode-DFS-2016",
    "Apache-2.0 WITH LLVM-exception",
    "GPL-2.0-with-GCC-exception",
    "eCos-2.0",
    "wxWindows",
    "MIT OR NOASSERTION",
    "DocumentRef-other:LicenseRef-x",
    "GNU Lesser General Public License v3 (LGPLv3)",
    "Python Software Foundation License",
    "BSD License",
    "MIT License",
    "Apache License 2.0",
];

fn wild_license_sbom() -> Sbom {
    let packages = WILD_LICENSES
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut p = pkg(
                PackageKind::Npm,
                &format!("pkg:npm/lic-{i}@1.0.{i}"),
                &format!("/node_modules/lic-{i}/package.json"),
                "javascript-package-cataloger",
            );
            p.license = Some((*l).to_owned());
            p
        })
        .collect();
    let source = SourceInfo {
        supplier: None,
        name: "registry:docker.io/library/debian:12".to_owned(),
        kind: "image".to_owned(),
        digest: None,
    };
    finish(source, packages, Vec::new())
}

#[test]
fn licenses_from_the_wild_validate() {
    let sbom = wild_license_sbom();
    assert_pyspdxtools(&spdx::encode(&sbom, &info("w")));
    assert_ntia(&spdx::encode(&sbom, &info("w")));
    for v in [CdxVersion::V1_5, CdxVersion::V1_6] {
        assert_cdx_schema(&cyclonedx::encode(&sbom, &info("w"), v), v.as_str());
    }
}

#[test]
fn empty_sbom_still_validates() {
    let source = SourceInfo {
        supplier: None,
        name: "file:/tmp/x".to_owned(),
        kind: "file".to_owned(),
        digest: None,
    };
    let sbom = finish(source, Vec::new(), Vec::new());
    assert_pyspdxtools(&spdx::encode(&sbom, &info("e")));
    let doc = cyclonedx::encode(&sbom, &info("e"), CdxVersion::V1_6);
    assert_cdx_schema(&doc, "1.6");
}

#[test]
fn output_is_byte_identical_for_the_same_input() {
    let (a, b) = (realistic(), realistic());
    assert_eq!(spdx::encode(&a, &info("a")), spdx::encode(&b, &info("a")));
    for v in [CdxVersion::V1_5, CdxVersion::V1_6] {
        assert_eq!(
            cyclonedx::encode(&a, &info("a"), v),
            cyclonedx::encode(&b, &info("a"), v)
        );
    }
}

/// Lines that differ between two documents.
fn changed_lines(a: &[u8], b: &[u8]) -> Vec<String> {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    assert_eq!(a.lines().count(), b.lines().count());
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, _)| x.trim().to_owned())
        .collect()
}

#[test]
fn unique_changes_only_namespace_and_serial() {
    let sbom = realistic();
    let spdx_diff = changed_lines(
        &spdx::encode(&sbom, &info("a")),
        &spdx::encode(&sbom, &info("b")),
    );
    assert_eq!(spdx_diff.len(), 1, "{spdx_diff:?}");
    assert!(spdx_diff[0].starts_with("\"documentNamespace\""));
    let cdx_diff = changed_lines(
        &cyclonedx::encode(&sbom, &info("a"), CdxVersion::V1_6),
        &cyclonedx::encode(&sbom, &info("b"), CdxVersion::V1_6),
    );
    assert_eq!(cdx_diff.len(), 1, "{cdx_diff:?}");
    assert!(cdx_diff[0].starts_with("\"serialNumber\""));
}

#[test]
fn versions_differ_only_in_schema_and_spec_version() {
    let sbom = realistic();
    let diff = changed_lines(
        &cyclonedx::encode(&sbom, &info("a"), CdxVersion::V1_5),
        &cyclonedx::encode(&sbom, &info("a"), CdxVersion::V1_6),
    );
    assert_eq!(diff.len(), 2, "{diff:?}");
}

#[test]
fn spdx_snapshot() {
    let doc = spdx::encode(&realistic(), &info("snapshot"));
    insta::assert_snapshot!("spdx_realistic", String::from_utf8(doc).unwrap());
}

#[test]
fn cyclonedx_snapshot() {
    let doc = cyclonedx::encode(&realistic(), &info("snapshot"), CdxVersion::V1_6);
    insta::assert_snapshot!("cyclonedx_realistic", String::from_utf8(doc).unwrap());
}

#[test]
fn hostile_snapshots() {
    let sbom = hostile_names_and_licenses();
    let doc = spdx::encode(&sbom, &info("snapshot"));
    insta::assert_snapshot!("spdx_hostile", String::from_utf8(doc).unwrap());
    let doc = cyclonedx::encode(&sbom, &info("snapshot"), CdxVersion::V1_6);
    insta::assert_snapshot!("cyclonedx_hostile", String::from_utf8(doc).unwrap());
}

// ---- decoders ---------------------------------------------------------------------------

/// What a round trip through a format must keep of a package.
fn essentials(sbom: &Sbom) -> Vec<(String, String, String, PackageKind, Option<String>)> {
    sbom.packages
        .iter()
        .map(|p| {
            let license = p
                .license
                .as_deref()
                .and_then(assay_sbom::license::normalize);
            (
                p.id.0.clone(),
                p.name.clone(),
                p.purl.to_string(),
                p.kind,
                license,
            )
        })
        .collect()
}

#[test]
fn spdx_round_trip_keeps_packages_edges_and_source() {
    let sbom = realistic();
    let back = spdx::decode(&spdx::encode(&sbom, &info("r"))).unwrap();
    assert_eq!(essentials(&back), essentials(&sbom));
    assert_eq!(back.relationships, sbom.relationships);
    assert_eq!(back.files, sbom.files);
    assert_eq!(back.source, sbom.source);
    let distro = back.distro.unwrap();
    assert_eq!(
        (distro.id.as_str(), distro.version_id.as_deref()),
        ("debian", Some("12"))
    );
    let versions: Vec<&str> = back.packages.iter().map(|p| p.version.as_str()).collect();
    let want: Vec<&str> = sbom.packages.iter().map(|p| p.version.as_str()).collect();
    assert_eq!(versions, want);
}

#[test]
fn cyclonedx_round_trip_is_lossless_for_valid_fields() {
    let sbom = realistic();
    for v in [CdxVersion::V1_5, CdxVersion::V1_6] {
        let back = cyclonedx::decode(&cyclonedx::encode(&sbom, &info("r"), v)).unwrap();
        assert_eq!(back.source, sbom.source);
        assert_eq!(back.distro, sbom.distro);
        assert_eq!(back.files, sbom.files);
        // CycloneDX has no edge for "this file contains that package"; the rest survives.
        let from_files: Vec<&Relationship> = sbom
            .relationships
            .iter()
            .filter(|r| !sbom.files.iter().any(|f| f.id == r.from))
            .collect();
        assert_eq!(back.relationships.iter().collect::<Vec<_>>(), from_files);
        assert_eq!(essentials(&back), essentials(&sbom));
        for (a, b) in back.packages.iter().zip(&sbom.packages) {
            assert_eq!(
                (&a.version, &a.locations, &a.cataloger, &a.metadata),
                (&b.version, &b.locations, &b.cataloger, &b.metadata)
            );
            assert_eq!(a.checksums, b.checksums, "{}", a.name);
            assert_eq!(a.homepage, b.homepage, "{}", a.name);
        }
    }
}

#[test]
fn decoders_refuse_other_formats_and_versions() {
    let spdx_doc = spdx::encode(&realistic(), &info("x"));
    let cdx_doc = cyclonedx::encode(&realistic(), &info("x"), CdxVersion::V1_6);
    assert!(spdx::decode(&cdx_doc).is_err());
    assert!(cyclonedx::decode(&spdx_doc).is_err());
    assert!(spdx::decode(b"").is_err());
    assert!(cyclonedx::decode(b"{").is_err());
    let old = String::from_utf8(spdx_doc)
        .unwrap()
        .replace("SPDX-2.3", "SPDX-1.2");
    let err = spdx::decode(old.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("SPDX-1.2"), "{err}");
    let old = String::from_utf8(cdx_doc)
        .unwrap()
        .replace("\"specVersion\": \"1.6\"", "\"specVersion\": \"1.2\"");
    assert!(cyclonedx::decode(old.as_bytes()).is_err());
}

/// The syft reference SBOMs (see the corpus README), or `None` (skipping) when absent.
#[allow(clippy::print_stderr)]
fn corpus(rel: &str) -> Option<Vec<u8>> {
    let root = std::env::var("ASSAY_SBOM_CORPUS")
        .unwrap_or_else(|_| "/work/shared/corpus/sbom/syft-1.18.1".to_owned());
    let path = Path::new(&root).join(rel);
    if let Ok(bytes) = fs_err::read(&path) {
        return Some(bytes);
    }
    assert!(
        std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
        "{} missing and ASSAY_REQUIRE_FIXTURES=1",
        path.display()
    );
    eprintln!("skipping: {} not present", path.display());
    None
}

fn count_kinds(sbom: &Sbom) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for p in &sbom.packages {
        *out.entry(p.kind.as_str()).or_default() += 1;
    }
    out
}

fn depends_on(sbom: &Sbom) -> usize {
    sbom.relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn)
        .count()
}

const TESTIMG_KINDS: [(&str, usize); 4] =
    [("deb", 106), ("npm", 53), ("python", 7), ("rust-crate", 8)];

#[test]
fn decodes_syft_spdx_of_the_test_image() {
    let Some(bytes) = corpus("testimg/image.spdx.json") else {
        return;
    };
    let sbom = spdx::decode(&bytes).unwrap();
    assert_eq!(count_kinds(&sbom), BTreeMap::from(TESTIMG_KINDS));
    assert_eq!(depends_on(&sbom), 286);
    assert_eq!(
        (sbom.source.name.as_str(), sbom.source.kind.as_str()),
        ("sbom-testimg", "image")
    );
    assert!(sbom.source.digest.is_some());
    assert_eq!(sbom.files.len(), 5515);
    let lodash = sbom.packages.iter().find(|p| p.name == "lodash").unwrap();
    assert_eq!(lodash.id.0, "cc0e33209e6990b2");
    assert_eq!(lodash.download_location.as_deref(), Some("lodash/lodash"));
    let adduser = sbom.packages.iter().find(|p| p.name == "adduser").unwrap();
    assert_eq!(adduser.id.0, "0d50d654eb648ebd");
    assert_eq!(
        adduser.license.as_deref(),
        Some("GPL-2.0-only AND GPL-2.0-or-later")
    );
    assert_eq!(
        adduser.locations.last().unwrap().path,
        "/var/lib/dpkg/status"
    );
}

#[test]
fn decodes_syft_cyclonedx_of_the_test_image_and_reencodes_valid_documents() {
    let Some(bytes) = corpus("testimg/image.cdx.json") else {
        return;
    };
    let sbom = cyclonedx::decode(&bytes).unwrap();
    assert_eq!(count_kinds(&sbom), BTreeMap::from(TESTIMG_KINDS));
    assert_eq!(depends_on(&sbom), 286);
    assert_eq!(
        sbom.distro.as_ref().unwrap().codename.as_deref(),
        Some("bookworm")
    );
    let adduser = sbom.packages.iter().find(|p| p.name == "adduser").unwrap();
    assert_eq!(adduser.id.0, "0d50d654eb648ebd");
    assert_eq!(adduser.cataloger, "dpkg-db-cataloger");
    assert_eq!(adduser.locations.len(), 7);
    assert!(adduser.locations.iter().all(|l| l.layer.is_some()));
    assert!(matches!(adduser.supplier, Some(Party::Person { .. })));
    // syft's own SPDX for this image fails pyspdxtools (bare `owner/repo` download
    // locations); assay's re-encoding of the same content must not.
    assert_pyspdxtools(&spdx::encode(&sbom, &info("c")));
    let doc = cyclonedx::encode(&sbom, &info("c"), CdxVersion::V1_6);
    assert_cdx_schema(&doc, "1.6");
}

#[test]
fn decodes_syft_lockfile_sboms() {
    if let Some(bytes) = corpus("cargo-lock/Cargo.lock.cdx.json") {
        let sbom = cyclonedx::decode(&bytes).unwrap();
        assert_eq!(count_kinds(&sbom), BTreeMap::from([("rust-crate", 519)]));
        assert_eq!(depends_on(&sbom), 1596);
        assert_eq!(sbom.source.kind, "file");
    }
    if let Some(bytes) = corpus("cargo-lock/Cargo.lock.spdx.json") {
        let sbom = spdx::decode(&bytes).unwrap();
        assert_eq!(count_kinds(&sbom), BTreeMap::from([("rust-crate", 519)]));
        assert_eq!(depends_on(&sbom), 1596);
    }
    if let Some(bytes) = corpus("npm-lock/package-lock.cdx.json") {
        let sbom = cyclonedx::decode(&bytes).unwrap();
        assert_eq!(count_kinds(&sbom), BTreeMap::from([("npm", 72)]));
    }
}
