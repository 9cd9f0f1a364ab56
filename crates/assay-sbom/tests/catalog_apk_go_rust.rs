//! The apk, Go (go.mod and executables) and cargo-auditable catalogers, against syft's own
//! fixtures (`shared/corpus/syft-fixtures`, compared with syft 1.18.1's results) and against
//! executables built in memory: minimal ELF files carrying Go build info in both layouts
//! (Go 1.18+ inline strings, and the older pointers) and a cargo-auditable `.dep-v0` section
//! holding the JSON a real `cargo auditable build` wrote.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

#[path = "catalog_apk_go_rust/exe.rs"]
mod exe;
mod memtree;
#[path = "catalog_apk_go_rust/support.rs"]
mod support;

use std::collections::BTreeSet;

use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::apk::ApkCataloger;
use assay_sbom::catalog::golang::GoCataloger;
use assay_sbom::catalog::rust_binary::RustBinaryCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::Party;

use exe::*;
use support::*;

// ------------------------------------------------------------------------------------- apk

#[test]
fn apk_finds_everything_syft_finds() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let counts = compare_with_syft(&corpus, "alpine", "apk-db-cataloger", &[], ApkCataloger);
    assert_eq!(counts.len(), 7);
    for (fixture, (syft, matched, got)) in &counts {
        assert_eq!((syft, matched, got), (syft, syft, syft), "{fixture}");
    }
}

#[test]
fn apk_fixtures_read_without_warnings_except_the_corrupt_one() {
    let Some(alpine) = shared_dir("corpus/syft-fixtures/alpine") else {
        return;
    };
    for dir in fixture_dirs(&alpine) {
        let sbom = scan_dir(&dir, ApkCataloger);
        if fixture_name(&dir) == "corrupt" {
            // FIXTURES.tsv: syft finds the one good record after the garbage; so do we.
            assert_eq!(
                ours(&sbom),
                [nv("alpine-baselayout-data", "3.2.0-r22")].into()
            );
            assert_eq!(sbom.warnings.len(), 2, "{:?}", sbom.warnings);
            assert!(sbom.warnings[0].message.contains("not `K:value`"));
            assert!(sbom.warnings[1].message.contains("no package name"));
        } else {
            assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
        }
    }
}

#[test]
fn apk_records_become_complete_packages() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/alpine/multiple-1") else {
        return;
    };
    let sbom = scan_dir(&dir, ApkCataloger);
    let bash = named(&sbom, "bash", "5.2.21-r0");
    // No os-release in the fixture: the namespace defaults to alpine, no distro qualifier.
    assert_eq!(
        bash.purl.to_string(),
        "pkg:apk/alpine/bash@5.2.21-r0?arch=x86_64"
    );
    assert_eq!(bash.cataloger, "apk-db-cataloger");
    assert_eq!(bash.license.as_deref(), Some("GPL-3.0-or-later"));
    assert_eq!(
        bash.supplier,
        Some(Party::Person {
            name: "Natanael Copa".to_owned(),
            email: Some("ncopa@alpinelinux.org".to_owned())
        })
    );
    assert_eq!(
        bash.homepage.as_deref(),
        Some("https://www.gnu.org/software/bash/bash.html")
    );
    assert_eq!(bash.locations[0].path, "/lib/apk/db/installed");
    let binsh = named(&sbom, "busybox-binsh", "1.36.1-r15");
    assert_eq!(
        binsh.purl.to_string(),
        "pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&upstream=busybox"
    );
    assert_eq!(meta(binsh, "source"), Some("busybox"));
    // D: /bin/sh → busybox-binsh (p:/bin/sh); so:libc… → musl; so:libreadline… → readline.
    // busybox-binsh's D:busybox=… names a package that is not installed here: no edge.
    let want: BTreeSet<_> = [
        edge("bash@5.2.21-r0", "busybox-binsh@1.36.1-r15"),
        edge("bash@5.2.21-r0", "musl@1.2.4_git20230717-r4"),
        edge("bash@5.2.21-r0", "readline@8.2.1-r2"),
        edge("readline@8.2.1-r2", "musl@1.2.4_git20230717-r4"),
    ]
    .into();
    assert_eq!(edges(&sbom), want);
}

#[test]
fn apk_database_reports_owned_files() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/alpine/single") else {
        return;
    };
    let found = run(&HostTree::dir(&dir).unwrap(), &ApkCataloger);
    let want: BTreeSet<String> = [
        "/sbin/ldconfig",
        "/usr/bin/iconv",
        "/usr/bin/ldd",
        "/usr/bin/getconf",
        "/usr/bin/getent",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(found.owned_files, want);
}

#[test]
fn apk_owned_files_hide_language_packages_they_contain() {
    let db = "P:py3-six\nV:1.16.0-r9\nA:x86_64\nL:MIT\no:py3-six\n\
              F:usr/lib/python3.12/site-packages/six-1.16.0.dist-info\nR:METADATA\n";
    let tree = MemTree::executables()
        .file("/lib/apk/db/installed", db)
        .file(
            "/usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n",
        );
    let cats: Vec<Box<dyn Cataloger>> = vec![
        Box::new(ApkCataloger),
        Box::new(assay_sbom::catalog::python::PythonCataloger),
    ];
    let sbom = catalog::catalog(&tree, source(), &cats);
    assert_eq!(ours(&sbom), [nv("py3-six", "1.16.0-r9")].into());
}

#[test]
fn apk_purls_match_syft_with_a_distro() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    // etc/os-release says ubuntu 20.04, so the namespace and distro qualifier follow it, and
    // the database exists twice (lib/ and pkgs/lib/): one package per database.
    let fixture = "multi/image-pkg-coverage";
    let sbom = scan_dir(&corpus.join(fixture), ApkCataloger);
    let got: BTreeSet<String> = sbom.packages.iter().map(|p| p.purl.to_string()).collect();
    assert_eq!(got, syft_purls(&corpus, "apk-db-cataloger", fixture));
    assert_eq!(sbom.packages.len(), 4);
    let paths: BTreeSet<&str> = sbom
        .packages
        .iter()
        .map(|p| p.locations[0].path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["/lib/apk/db/installed", "/pkgs/lib/apk/db/installed"].into()
    );
}

#[test]
fn apk_licenses_and_empty_fields() {
    let Some(alpine) = shared_dir("corpus/syft-fixtures/alpine") else {
        return;
    };
    let single = scan_dir(&alpine.join("single"), ApkCataloger);
    // `L:MIT BSD GPL2+`: an old space-separated list, read as all of them.
    let musl_utils = named(&single, "musl-utils", "1.1.24-r2");
    let license = musl_utils.license.as_deref().unwrap();
    assert!(license.starts_with("MIT AND "), "{license}");
    assert!(license.ends_with(" AND GPL-2.0-or-later"), "{license}");
    assert_eq!(
        meta(musl_utils, "pull_checksum"),
        Some("Q1bTtF5526tETKfL+lnigzIDvm+2o=")
    );
    let custom = scan_dir(&alpine.join("extra-file-attributes"), ApkCataloger);
    let jre = named(&custom, "openjdk8-jre", "8.212.04-r0");
    assert_eq!(jre.license.as_deref(), Some("LicenseRef-custom"));
    let empty = scan_dir(&alpine.join("empty-deps-and-provides"), ApkCataloger);
    assert!(edges(&empty).is_empty());
    // No maintainer (m:) in the corrupt fixture's record: the distribution supplies it.
    let corrupt = scan_dir(&alpine.join("corrupt"), ApkCataloger);
    assert_eq!(
        corrupt.packages[0].supplier,
        Some(Party::Organization {
            name: "Alpine Linux".to_owned(),
            email: None
        })
    );
}

#[test]
fn apk_snapshot() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/alpine/single") else {
        return;
    };
    let sbom = scan_dir(&dir, ApkCataloger);
    insta::assert_json_snapshot!("apk_single", &sbom.packages);
}

#[test]
fn apk_binary_and_truncated_databases_warn() {
    let mut truncated = b"P:musl\nV:1.2.4-r0\nA:x86_64\n\nP:busybox\nV:1.36".to_vec();
    truncated.extend_from_slice(b"\nD:so:libc.musl-x86_64.so.1\nF:bin\nR:");
    let tree = MemTree::executables()
        .file("/blob/lib/apk/db/installed", noise(4096, 7))
        .file("/cut/lib/apk/db/installed", truncated)
        .file("/empty/lib/apk/db/installed", "");
    let sbom = scan(&tree, ApkCataloger);
    assert!(warned_about(&sbom, "/blob/lib/apk/db/installed"));
    // A truncated last record is kept with what it has.
    assert_eq!(
        ours(&sbom),
        [nv("musl", "1.2.4-r0"), nv("busybox", "1.36")].into()
    );
    assert_eq!(sbom.warnings.len(), 1, "{:?}", sbom.warnings);
}

// ------------------------------------------------------------------------------ go.mod

/// What syft 1.18.1 reports from go.mod and we deliberately do not.
const GO_SYFT_ONLY: &[(&str, &str, &str, &str)] = &[(
    "golang/go-mod-relative-replace",
    "../../../",
    "UNKNOWN",
    "a directory replacement (`=> ../../../`) is a file-system path, not a module: we report \
     the required module github.com/aws/aws-sdk-go-v2 without a version instead",
)];

#[test]
fn go_mod_finds_everything_syft_finds() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let counts = compare_with_syft(
        &corpus,
        "golang",
        "go-module-file-cataloger",
        GO_SYFT_ONLY,
        GoCataloger,
    );
    assert_eq!(counts.len(), 8);
    let syft: usize = counts.values().map(|c| c.0).sum();
    let matched: usize = counts.values().map(|c| c.1).sum();
    eprintln!("golang: syft {syft}, matched {matched}");
    assert_eq!(syft - matched, GO_SYFT_ONLY.len());
}

#[test]
fn go_mod_fixtures_read_without_warnings_except_the_corrupt_one() {
    let Some(golang) = shared_dir("corpus/syft-fixtures/golang") else {
        return;
    };
    for dir in fixture_dirs(&golang) {
        let sbom = scan_dir(&dir, GoCataloger);
        if fixture_name(&dir) == "corrupt" {
            // FIXTURES.tsv: nothing, and no crash. `ruire` is no directive: the go command
            // refuses the whole file, and go.sum's lines are cut up.
            assert!(sbom.packages.is_empty());
            assert!(warned_about(&sbom, "/go.mod"), "{:?}", sbom.warnings);
            assert!(
                sbom.warnings[0]
                    .message
                    .contains("unknown directive: ruire")
            );
            assert!(warned_about(&sbom, "/go.sum") || sbom.warnings.len() == 1);
        } else {
            assert!(sbom.warnings.is_empty(), "{dir:?}: {:?}", sbom.warnings);
        }
    }
}

#[test]
fn go_mod_applies_replace_and_exclude() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/golang/go-mod-many-packages") else {
        return;
    };
    let many = scan_dir(&dir, GoCataloger);
    // `exclude github.com/adrg/xdg v0.2.1` drops the required version; the module itself is
    // not a package; commented-out requires are not read.
    assert_eq!(many.packages.len(), 6);
    let doublestar = named(&many, "github.com/bmatcuk/doublestar", "v8.8.8");
    assert_eq!(
        meta(doublestar, "replaces"),
        Some("github.com/bmatcuk/doublestar@v1.3.1")
    );
    assert_eq!(meta(doublestar, "indirect"), Some("true"));
    assert_eq!(
        doublestar.purl.to_string(),
        "pkg:golang/github.com/bmatcuk/doublestar@v8.8.8"
    );
    assert_eq!(doublestar.cataloger, "go-module-file-cataloger");
    let archiver = named(&many, "github.com/anchore/archiver/v3", "v3.5.2");
    assert_eq!(
        archiver.purl.to_string(),
        "pkg:golang/github.com/anchore/archiver/v3@v3.5.2"
    );
    assert_eq!(
        archiver.download_location.as_deref(),
        Some("https://proxy.golang.org/github.com/anchore/archiver/v3/@v/v3.5.2.zip")
    );
    assert_eq!(
        meta(
            named(&many, "github.com/go-test/deep", "v1.0.6"),
            "indirect"
        ),
        None
    );
}

#[test]
fn go_mod_reads_hashes_from_go_sum() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/golang/go-sum-hashes") else {
        return;
    };
    let sums = scan_dir(&dir, GoCataloger);
    let stripansi = named(
        &sums,
        "github.com/acarl005/stripansi",
        "v0.0.0-20180116102854-5a71ef0e047d",
    );
    assert_eq!(
        meta(stripansi, "h1_digest"),
        Some("h1:licZJFw2RwpHMqeKTCYkitsPqHNxTmd4SNR5r94FGM8=")
    );
    // go.sum has only the go.mod hash of the replacement: no content hash to report.
    let cdx = named(&sums, "github.com/CycloneDX/cyclonedx-go", "v0.6.0");
    assert_eq!(meta(cdx, "h1_digest"), None);
    assert_eq!(
        cdx.download_location.as_deref(),
        Some("https://proxy.golang.org/github.com/!cyclone!d!x/cyclonedx-go/@v/v0.6.0.zip")
    );
    assert_eq!(
        cdx.supplier,
        Some(Party::Organization {
            name: "proxy.golang.org".to_owned(),
            email: None
        })
    );
}

#[test]
fn go_mod_directory_replacement_keeps_the_required_module() {
    let Some(dir) = shared_dir("corpus/syft-fixtures/golang/go-mod-relative-replace") else {
        return;
    };
    let local = scan_dir(&dir, GoCataloger);
    let sdk = named(&local, "github.com/aws/aws-sdk-go-v2", "");
    assert_eq!(
        sdk.purl.to_string(),
        "pkg:golang/github.com/aws/aws-sdk-go-v2"
    );
    assert_eq!(meta(sdk, "replaced_by_directory"), Some("../../../"));
    assert!(sdk.download_location.is_none() && sdk.supplier.is_none());
}

#[test]
fn go_mod_in_the_multi_ecosystem_fixture() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    let fixture = "multi/image-pkg-coverage";
    let sbom = scan_dir(&corpus.join(fixture), GoCataloger);
    let got: BTreeSet<String> = sbom.packages.iter().map(|p| p.purl.to_string()).collect();
    assert_eq!(
        got,
        syft_purls(&corpus, "go-module-file-cataloger", fixture)
    );
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
}

// ------------------------------------------------------------------------- Go binaries

const MODINFO: &str = "path\texample.com/app/cmd/server\n\
    mod\texample.com/app\t(devel)\t\n\
    dep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\n\
    dep\tgithub.com/old/yaml\tv1.0.0\th1:old=\n\
    =>\tgopkg.in/yaml.v3\tv3.0.1\th1:fxVm/GzAzEWqLHuvctI91KS9hhNmmWOoWu0XTYJS7CA=\n\
    dep\tgolang.org/x/local\tv0.1.0\t\n\
    =>\t./third_party/local\t\t\n\
    build\t-buildmode=exe\n\
    build\t-compiler=gc\n\
    build\t-ldflags=\"-X main.token=secret\"\n\
    build\tCGO_ENABLED=0\n\
    build\tGOARCH=amd64\n\
    build\tGOOS=linux\n\
    build\tvcs=git\n\
    build\tvcs.revision=0123456789abcdef0123456789abcdef01234567\n\
    build\tvcs.time=2024-05-06T07:08:09Z\n\
    build\tvcs.modified=false\n";

#[test]
fn go_binary_inline_build_info() {
    let tree = MemTree::executables().file(
        "/usr/local/bin/server",
        go_inline_exe(".go.buildinfo", "go1.22.3", MODINFO),
    );
    let sbom = scan(&tree, GoCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let main = "example.com/app@v0.0.0-20240506070809-0123456789ab";
    let want: BTreeSet<_> = [
        nv("example.com/app", "v0.0.0-20240506070809-0123456789ab"),
        nv("github.com/google/uuid", "v1.6.0"),
        nv("gopkg.in/yaml.v3", "v3.0.1"),
        nv("golang.org/x/local", ""),
        nv("stdlib", "go1.22.3"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let deps: BTreeSet<_> = want
        .iter()
        .filter(|(n, _)| n != "example.com/app")
        .map(|(n, v)| edge(main, &format!("{n}@{v}")))
        .collect();
    assert_eq!(edges(&sbom), deps);

    let app = named(
        &sbom,
        "example.com/app",
        "v0.0.0-20240506070809-0123456789ab",
    );
    assert_eq!(app.cataloger, "go-module-binary-cataloger");
    assert_eq!(meta(app, "GOOS"), Some("linux"));
    assert_eq!(meta(app, "GOARCH"), Some("amd64"));
    assert_eq!(
        meta(app, "vcs.revision"),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(
        meta(app, "main_package"),
        Some("example.com/app/cmd/server")
    );
    assert_eq!(meta(app, "-ldflags"), None, "ldflags may hold secrets");
    let yaml = named(&sbom, "gopkg.in/yaml.v3", "v3.0.1");
    assert_eq!(yaml.purl.to_string(), "pkg:golang/gopkg.in/yaml.v3@v3.0.1");
    assert_eq!(meta(yaml, "replaces"), Some("github.com/old/yaml@v1.0.0"));
    assert_eq!(
        meta(yaml, "h1_digest"),
        Some("h1:fxVm/GzAzEWqLHuvctI91KS9hhNmmWOoWu0XTYJS7CA=")
    );
    let local = named(&sbom, "golang.org/x/local", "");
    assert_eq!(
        meta(local, "replaced_by_directory"),
        Some("./third_party/local")
    );
    let stdlib = named(&sbom, "stdlib", "go1.22.3");
    assert_eq!(stdlib.purl.to_string(), "pkg:golang/stdlib@1.22.3");
    assert_eq!(stdlib.license.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(stdlib.locations[0].path, "/usr/local/bin/server");
}

#[test]
fn go_binary_finds_build_info_without_its_section_name() {
    // Stripped of section names (or a PE/XCOFF-like layout): the first writable data segment.
    let modinfo = "path\tx.io/tool\nmod\tx.io/tool\tv1.2.3\th1:abc=\n";
    let tree =
        MemTree::executables().file("/bin/tool", go_inline_exe(".data", "go1.21.0", modinfo));
    let sbom = scan(&tree, GoCataloger);
    assert_eq!(
        ours(&sbom),
        [nv("x.io/tool", "v1.2.3"), nv("stdlib", "go1.21.0")].into()
    );
}

#[test]
fn go_binary_pointer_build_info() {
    let modinfo = "path\tgithub.com/acme/cli\nmod\tgithub.com/acme/cli\tv0.9.0\th1:x=\n\
                   dep\tgithub.com/spf13/cobra\tv1.2.1\th1:y=\n";
    let tree = MemTree::executables().file("/bin/cli", go_pointer_exe("go1.17.13", modinfo));
    let sbom = scan(&tree, GoCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    assert_eq!(
        ours(&sbom),
        [
            nv("github.com/acme/cli", "v0.9.0"),
            nv("github.com/spf13/cobra", "v1.2.1"),
            nv("stdlib", "go1.17.13")
        ]
        .into()
    );
    assert!(edges(&sbom).contains(&edge(
        "github.com/acme/cli@v0.9.0",
        "github.com/spf13/cobra@v1.2.1"
    )));
}

#[test]
fn go_binary_outside_module_mode_reports_the_standard_library() {
    // Distribution builds (GOPATH mode) record a path but no modules.
    let tree = MemTree::executables().file(
        "/usr/bin/fzf",
        go_inline_exe(
            ".go.buildinfo",
            "go1.19.8",
            "path\tgithub.com/junegunn/fzf\nbuild\tGOOS=linux\n",
        ),
    );
    let sbom = scan(&tree, GoCataloger);
    assert_eq!(ours(&sbom), [nv("stdlib", "go1.19.8")].into());
}

#[test]
fn go_binary_negative_cases() {
    let good = go_inline_exe(".go.buildinfo", "go1.22.3", MODINFO);
    let mut truncated = good.clone();
    truncated.truncate(100);
    let mut bad_lines = "path\tp\nmod\tp\tv1.0.0\t\ngarbage line\ndep\tonly-path\n".to_owned();
    bad_lines.push_str("dep\tok.io/x\tv1.0.0\n");
    let tree = MemTree::executables()
        .file("/bin/truncated", truncated)
        .file(
            "/bin/c-program",
            elf(&[section(".data", 0x600000, R | W, noise(512, 3))]),
        )
        .file(
            "/bin/script",
            "#!/bin/sh\necho hello, this is not a binary at all\n",
        )
        .file("/bin/noise", noise(8192, 4))
        .file("/bin/mz-noise", [b"MZ".to_vec(), noise(4096, 5)].concat())
        .file("/bin/tiny", "\x7fELF")
        .file(
            "/bin/devel-go",
            go_inline_exe(
                ".go.buildinfo",
                "devel go1.23-abcdef",
                "path\tq\nmod\tq\t(devel)\t\n",
            ),
        )
        .file(
            "/bin/lines",
            go_inline_exe(".go.buildinfo", "go1.22.0", &bad_lines),
        )
        .file("/usr/share/doc/x/binary", good.clone())
        .file("/bin/lib.so", good);
    let sbom = scan(&tree, GoCataloger);
    assert!(warned_about(&sbom, "/bin/truncated"), "{:?}", sbom.warnings);
    assert!(warned_about(&sbom, "/bin/mz-noise"), "{:?}", sbom.warnings);
    assert!(warned_about(&sbom, "/bin/lines"), "{:?}", sbom.warnings);
    assert_eq!(sbom.warnings.len(), 3, "{:?}", sbom.warnings);
    // A development toolchain has no release to name the standard library after.
    assert_eq!(
        ours(&sbom),
        [
            nv("q", "(devel)"),
            nv("p", "v1.0.0"),
            nv("ok.io/x", "v1.0.0"),
            nv("stdlib", "go1.22.0")
        ]
        .into()
    );
    assert_eq!(
        named(&sbom, "q", "(devel)").purl.to_string(),
        "pkg:golang/q"
    );
}

// ------------------------------------------------------------------- cargo-auditable

/// What `cargo auditable build` (cargo-auditable 0.7.7) wrote into `.dep-v0` for a crate that
/// depends on hex and serde_json, with memchr as a build dependency too.
const AUDIT_JSON: &str = r#"{"packages":[{"name":"auditdemo","version":"0.1.0","source":"local","dependencies":[1,3,5],"root":true},{"name":"hex","version":"0.4.3","source":"crates.io"},{"name":"itoa","version":"1.0.19","source":"crates.io"},{"name":"memchr","version":"2.8.3","source":"crates.io"},{"name":"serde_core","version":"1.0.229","source":"crates.io"},{"name":"serde_json","version":"1.0.154","source":"crates.io","dependencies":[2,3,4,6]},{"name":"zmij","version":"1.0.23","source":"crates.io"}],"format":1}"#;

#[test]
fn cargo_auditable_binary() {
    let tree = MemTree::executables().file(
        "/usr/bin/auditdemo",
        auditable_exe(zlib(AUDIT_JSON.as_bytes())),
    );
    let sbom = scan(&tree, RustBinaryCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let want: BTreeSet<_> = [
        nv("auditdemo", "0.1.0"),
        nv("hex", "0.4.3"),
        nv("itoa", "1.0.19"),
        nv("memchr", "2.8.3"),
        nv("serde_core", "1.0.229"),
        nv("serde_json", "1.0.154"),
        nv("zmij", "1.0.23"),
    ]
    .into();
    assert_eq!(ours(&sbom), want);
    let want_edges: BTreeSet<_> = [
        edge("auditdemo@0.1.0", "hex@0.4.3"),
        edge("auditdemo@0.1.0", "memchr@2.8.3"),
        edge("auditdemo@0.1.0", "serde_json@1.0.154"),
        edge("serde_json@1.0.154", "itoa@1.0.19"),
        edge("serde_json@1.0.154", "memchr@2.8.3"),
        edge("serde_json@1.0.154", "serde_core@1.0.229"),
        edge("serde_json@1.0.154", "zmij@1.0.23"),
    ]
    .into();
    assert_eq!(edges(&sbom), want_edges);
    let json = named(&sbom, "serde_json", "1.0.154");
    assert_eq!(json.purl.to_string(), "pkg:cargo/serde_json@1.0.154");
    assert_eq!(json.cataloger, "cargo-auditable-binary-cataloger");
    assert_eq!(
        json.download_location.as_deref(),
        Some("https://crates.io/api/v1/crates/serde_json/1.0.154/download")
    );
    assert_eq!(
        json.supplier,
        Some(Party::Organization {
            name: "crates.io".to_owned(),
            email: None
        })
    );
    assert_eq!(meta(json, "kind"), Some("runtime"));
    let root = named(&sbom, "auditdemo", "0.1.0");
    assert_eq!(meta(root, "root"), Some("true"));
    assert_eq!(meta(root, "source"), Some("local"));
    assert!(root.supplier.is_none() && root.download_location.is_none());
}

#[test]
fn cargo_auditable_build_dependencies_are_kept_and_marked() {
    let json = r#"{"packages":[
        {"name":"app","version":"1.0.0","source":"local","dependencies":[1],"root":true},
        {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
        {"name":"priv","version":"0.2.0","source":"git"}]}"#;
    let tree = MemTree::executables().file("/app.exe", auditable_exe(zlib(json.as_bytes())));
    let sbom = scan(&tree, RustBinaryCataloger);
    assert_eq!(sbom.packages.len(), 3);
    assert_eq!(meta(named(&sbom, "cc", "1.0.83"), "kind"), Some("build"));
    assert!(named(&sbom, "priv", "0.2.0").supplier.is_none());
    assert_eq!(edges(&sbom), [edge("app@1.0.0", "cc@1.0.83")].into());
}

#[test]
fn cargo_auditable_negative_cases() {
    let bomb = zlib(&vec![b' '; 9 << 20]);
    let dangling = r#"{"packages":[{"name":"a","version":"1.0.0","dependencies":[7]}]}"#;
    let tree = MemTree::executables()
        .file("/bin/not-zlib", auditable_exe(noise(300, 11)))
        .file(
            "/bin/not-json",
            auditable_exe(zlib(b"{\"packages\": [ {\"name\": ")),
        )
        .file("/bin/bomb", auditable_exe(bomb))
        .file("/bin/dangling", auditable_exe(zlib(dangling.as_bytes())))
        .file(
            "/bin/plain",
            elf(&[section(".text", 0x401000, R | X, noise(64, 12))]),
        )
        .file(
            "/bin/truncated",
            auditable_exe(zlib(AUDIT_JSON.as_bytes()))[..90].to_vec(),
        );
    let sbom = scan(&tree, RustBinaryCataloger);
    for path in [
        "/bin/not-zlib",
        "/bin/not-json",
        "/bin/bomb",
        "/bin/dangling",
    ] {
        assert!(warned_about(&sbom, path), "{path}: {:?}", sbom.warnings);
    }
    assert_eq!(sbom.warnings.len(), 4, "{:?}", sbom.warnings);
    assert_eq!(ours(&sbom), [nv("a", "1.0.0")].into());
}

#[test]
fn binary_catalogers_skip_the_other_language() {
    let tree = MemTree::executables()
        .file(
            "/bin/go",
            go_inline_exe(".go.buildinfo", "go1.22.3", MODINFO),
        )
        .file("/bin/rust", auditable_exe(zlib(AUDIT_JSON.as_bytes())));
    let go = scan(&tree, GoCataloger);
    assert!(go.packages.iter().all(|p| p.locations[0].path == "/bin/go"));
    let rust = scan(&tree, RustBinaryCataloger);
    assert!(
        rust.packages
            .iter()
            .all(|p| p.locations[0].path == "/bin/rust")
    );
    assert!(go.warnings.is_empty() && rust.warnings.is_empty());
}

#[test]
fn every_fixture_of_these_ecosystems_is_read_by_all_three() {
    let Some(corpus) = shared_dir("corpus/syft-fixtures") else {
        return;
    };
    // The binary classifier snippets are byte ranges of real executables, not whole ones: the
    // binary catalogers must pass over them quietly.
    for group in ["alpine", "golang", "rust", "binary"] {
        for dir in fixture_dirs(&corpus.join(group)) {
            let cats: Vec<Box<dyn Cataloger>> = vec![
                Box::new(ApkCataloger),
                Box::new(GoCataloger),
                Box::new(RustBinaryCataloger),
            ];
            let sbom = catalog::catalog(&HostTree::dir(&dir).unwrap(), source(), &cats);
            let binary_warnings = sbom
                .warnings
                .iter()
                .filter(|w| w.cataloger != "apk-db-cataloger" && !w.path.starts_with("/go."));
            assert_eq!(binary_warnings.count(), 0, "{dir:?}: {:?}", sbom.warnings);
        }
    }
}
