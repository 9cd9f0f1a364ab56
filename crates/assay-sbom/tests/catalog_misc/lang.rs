//! Language ecosystems: Elixir, Erlang, Haskell, GitHub Actions, Conan, Lua, OCaml, WordPress,
//! SWI-Prolog.

use std::collections::BTreeSet;

use assay_sbom::catalog::cpp::CppCataloger;
use assay_sbom::catalog::elixir::ElixirCataloger;
use assay_sbom::catalog::erlang::ErlangCataloger;
use assay_sbom::catalog::github_actions::GithubActionsCataloger;
use assay_sbom::catalog::haskell::HaskellCataloger;
use assay_sbom::catalog::lua::LuaCataloger;
use assay_sbom::catalog::ocaml::OcamlCataloger;
use assay_sbom::catalog::swipl::SwiplCataloger;
use assay_sbom::catalog::wordpress::WordpressCataloger;

use crate::support::*;

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

#[test]
fn elixir_private_organization_packages() {
    let tree = MemTree::default().file(
        "mix.lock",
        "%{\"p\": {:hex, :p, \"1.0.0\", \"x\", [:mix], [], \"hexpm:acme\", \"y\"}}",
    );
    let sbom = scan(&tree, ElixirCataloger);
    let p = named(&sbom, "p", "1.0.0");
    assert_eq!(p.purl.to_string(), "pkg:hex/acme/p@1.0.0");
    assert!(p.supplier.is_none() && p.download_location.is_none());
    assert_eq!(p.metadata["repo"], "hexpm:acme");
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
    assert!(
        warned_about(&sbom, "/stack.yaml.lock"),
        "{:?}",
        sbom.warnings
    );
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
    assert_eq!(
        restore.purl.to_string(),
        "pkg:github/actions/cache@v3#restore"
    );
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
    assert!(warned_about(
        &sbom,
        "/.github/actions/composite/action.yaml"
    ));
    assert!(warned_about(
        &sbom,
        "/.github/workflows/workflow-multi-job.yaml"
    ));
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

// ------------------------------------------------------------------------------------- cpp

#[test]
fn conan_finds_everything_syft_finds() {
    let counts = compare_with_syft(
        "cpp",
        &["conan-cataloger", "conan-info-cataloger"],
        &[],
        CppCataloger,
    );
    if counts.is_empty() {
        return;
    }
    assert_eq!(counts["cpp/conan-lock-v1"], (6, 6, 6));
    assert_eq!(counts["cpp/conan-lock-v2"], (2, 2, 2));
    assert_eq!(counts["cpp/conanfile"], (6, 6, 6));
    assert_eq!(
        counts["cpp/conaninfo"],
        (6, 6, 6),
        "syft: all-catalogers mode only"
    );
    // syft 1.18.1 stops at the comment; the two requirements after it are real.
    assert_eq!(counts["cpp/conanfile-comment-in-requires"], (0, 0, 2));
}

#[test]
fn conan_lock_graph_edges_and_purls() {
    let Some(sbom) = fixture("cpp/conan-lock-v1", CppCataloger) else {
        return;
    };
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let want: BTreeSet<_> = [
        edge("mfast@1.2.2", "boost@1.75.0"),
        edge("mfast@1.2.2", "tinyxml2@9.0.0"),
        edge("boost@1.75.0", "zlib@1.2.12"),
        edge("boost@1.75.0", "bzip2@1.0.8"),
        edge("boost@1.75.0", "libbacktrace@cci.20210118"),
    ]
    .into();
    assert_eq!(edges(&sbom), want);
    let mfast = named(&sbom, "mfast", "1.2.2");
    assert_eq!(
        mfast.purl.to_string(),
        "pkg:conan/my_user/mfast@1.2.2?channel=my_channel"
    );
    assert!(mfast.supplier.is_none());
    assert_eq!(
        mfast.metadata["recipe_revision"],
        "c6f6387c9b99780f0ee05e25f99d0f39"
    );
    let zlib = named(&sbom, "zlib", "1.2.12");
    assert_eq!(zlib.purl.to_string(), "pkg:conan/zlib@1.2.12");
}

#[test]
fn conaninfo_links_the_package_to_its_requirements() {
    let Some(sbom) = fixture("cpp/conaninfo", CppCataloger) else {
        return;
    };
    let e = edges(&sbom);
    assert_eq!(e.len(), 5, "{e:?}");
    assert!(e.contains(&edge("mfast@1.2.2", "zlib@1.2.13")));
    assert_eq!(
        named(&sbom, "zlib", "1.2.13").cataloger,
        "conan-info-cataloger"
    );
}

#[test]
fn conan_corrupt_lock_warns() {
    let Some(sbom) = fixture("cpp/corrupt", CppCataloger) else {
        return;
    };
    assert!(sbom.packages.is_empty());
    assert!(warned_about(&sbom, "/conan.lock"), "{:?}", sbom.warnings);
    let tree = MemTree::default().file(
        "conanfile.txt",
        "[requires]\nzlib\nfmt/8.1.1\n[tool_requires]\ncmake/3.27.0\n",
    );
    let sbom = scan(&tree, CppCataloger);
    assert_eq!(sbom.warnings.len(), 1, "{:?}", sbom.warnings);
    assert_eq!(named(&sbom, "cmake", "3.27.0").metadata["scope"], "build");
}

// ------------------------------------------------------------------------------------- lua

#[test]
fn lua_finds_everything_syft_finds() {
    let counts = compare_with_syft("lua", &["lua-rock-cataloger"], &[], LuaCataloger);
    if counts.is_empty() {
        return;
    }
    // build-first-1.0-1.rockspec (build table before package) is newer than syft 1.18.1.
    assert_eq!(counts["lua/rockspec"], (4, 4, 5));
}

#[test]
fn lua_rockspec_fields_and_edges() {
    let Some(sbom) = fixture("lua/rockspec", LuaCataloger) else {
        return;
    };
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let syslog = named(&sbom, "luasyslog", "2.0.1-1");
    assert_eq!(syslog.purl.to_string(), "pkg:luarocks/luasyslog@2.0.1-1");
    assert_eq!(syslog.license.as_deref(), Some("MIT"));
    assert_eq!(
        syslog.download_location.as_deref(),
        Some("git+git://github.com/lunarmodules/luasyslog.git@2.0.1")
    );
    assert_eq!(
        syslog.homepage.as_deref(),
        Some("https://github.com/lunarmodules/luasyslog")
    );
    let kong = named(&sbom, "kong", "3.7.0-0");
    assert_eq!(kong.license.as_deref(), Some("Apache-2.0"));
    let lpeg = named(&sbom, "LPeg", "1.0.2-1");
    assert_eq!(
        lpeg.supplier,
        Some(assay_sbom::model::Party::Person {
            name: "Gary V. Vaughan".into(),
            email: Some("gary@vaughan.pe".into())
        })
    );
    let e = edges(&sbom);
    assert!(e.contains(&edge("kong@3.7.0-0", "kong-pgmoon@1.16.2-1")));
    assert!(e.contains(&edge("kong@3.7.0-0", "luasyslog@2.0.1-1")));
    assert!(e.contains(&edge("kong-pgmoon@1.16.2-1", "LPeg@1.0.2-1")));
}

#[test]
fn lua_broken_rockspecs_warn() {
    // syft 1.18.1 panics on the empty and whitespace-only files (the whole scan fails).
    for (fixture_dir, file) in [
        ("lua/corrupt", "/bad-1.23.0-0.rockspec"),
        ("lua/empty", "/empty.rockspec"),
        ("lua/whitespace-only", "/whitespace-only.rockspec"),
    ] {
        let Some(sbom) = fixture(fixture_dir, LuaCataloger) else {
            return;
        };
        assert!(sbom.packages.is_empty(), "{fixture_dir}");
        assert!(
            warned_about(&sbom, file),
            "{fixture_dir}: {:?}",
            sbom.warnings
        );
    }
    let tree = MemTree::default()
        .file("a.rockspec", noise(2048, 3))
        .file("b.rockspec", format!("x = {}1", "not -".repeat(50_000)))
        .file("c.rockspec", format!("x = {}", "{".repeat(50_000)));
    let sbom = scan(&tree, LuaCataloger);
    assert_eq!(sbom.warnings.len(), 3, "{:?}", sbom.warnings);
}

// ----------------------------------------------------------------------------------- ocaml

const OPAM_SYFT_ONLY: SyftOnly<'_> = &[(
    "ocaml/ocaml-base-compiler",
    "/",
    "",
    "the fixture stores syft's `ocaml-base-compiler.4.14.0/opam` as a bare `opam` with no \
     `name` field: nothing names the package, and syft reports the empty name as `/`",
)];

#[test]
fn opam_finds_everything_syft_finds() {
    let counts = compare_with_syft("ocaml", &["opam-cataloger"], OPAM_SYFT_ONLY, OcamlCataloger);
    if counts.is_empty() {
        return;
    }
    assert_eq!(counts["ocaml/alcotest"], (1, 1, 1));
    assert_eq!(counts["ocaml/ocaml-base-compiler"], (1, 0, 0));
}

#[test]
fn opam_fields() {
    let Some(sbom) = fixture("ocaml/ocaml-base-compiler", OcamlCataloger) else {
        return;
    };
    assert!(
        warned_about(&sbom, "/opam"),
        "nameless: {:?}",
        sbom.warnings
    );
    // Where opam keeps it, the directory names the package and its version.
    let dir = corpus().unwrap().join("ocaml/ocaml-base-compiler/opam");
    let text = std::fs::read(dir).unwrap();
    let tree = MemTree::default().file("repo/packages/ocaml-base-compiler.4.14.0/opam", text);
    let sbom = scan(&tree, OcamlCataloger);
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let ocaml = named(&sbom, "ocaml-base-compiler", "4.14.0");
    assert_eq!(
        ocaml.license.as_deref(),
        Some("LGPL-2.1-or-later WITH OCaml-LGPL-linking-exception")
    );
    assert_eq!(
        ocaml.download_location.as_deref(),
        Some("https://github.com/ocaml/ocaml/archive/4.14.0.tar.gz")
    );
    assert_eq!(
        ocaml.supplier,
        Some(assay_sbom::model::Party::Person {
            name: "David Allsopp".into(),
            email: Some("david@tarides.com".into())
        })
    );
    let Some(sbom) = fixture("ocaml/alcotest", OcamlCataloger) else {
        return;
    };
    let alcotest = named(&sbom, "alcotest", "1.5.0");
    assert_eq!(alcotest.purl.to_string(), "pkg:opam/alcotest@1.5.0");
    assert_eq!(alcotest.license.as_deref(), Some("ISC"));
}

#[test]
fn opam_edges_and_bad_files() {
    let tree = MemTree::default()
        .file(
            "a.1.0/opam",
            "opam-version: \"2.0\"\ndepends: [ \"b\" {>= \"1\"} \"c\" ]\nurl { src: \"https://x/a.tgz\" checksum: [\"sha256=AB\"] }",
        )
        .file("b.opam", "opam-version: \"2.0\"\nversion: \"2\"")
        .file("c.opam", "opam-version: \"2.0\"\nname: \"c\n")
        .file("d/opam", noise(512, 9));
    let sbom = scan(&tree, OcamlCataloger);
    assert_eq!(edges(&sbom), [edge("a@1.0", "b@2")].into());
    assert_eq!(named(&sbom, "a", "1.0").checksums["SHA256"], "ab");
    assert!(warned_about(&sbom, "/c.opam"), "{:?}", sbom.warnings);
    assert!(warned_about(&sbom, "/d/opam"), "{:?}", sbom.warnings);
}

// ------------------------------------------------------------------------------- wordpress

#[test]
fn wordpress_finds_everything_syft_finds() {
    let counts = compare_with_syft(
        "wordpress",
        &["wordpress-plugins-cataloger"],
        &[],
        WordpressCataloger,
    );
    if let Some(c) = counts.get("wordpress/plugins") {
        assert_eq!(*c, (2, 2, 2));
    }
}

#[test]
fn wordpress_plugin_header() {
    let Some(sbom) = fixture("wordpress/plugins", WordpressCataloger) else {
        return;
    };
    let akismet = named(&sbom, "Akismet Anti-spam: Spam Protection", "5.3");
    assert_eq!(
        akismet.purl.to_string(),
        "pkg:generic/wordpress-plugin/akismet@5.3"
    );
    assert_eq!(akismet.license.as_deref(), Some("GPL-2.0-or-later"));
    assert_eq!(akismet.homepage.as_deref(), Some("https://akismet.com/"));
}

// ----------------------------------------------------------------------------------- swipl

#[test]
fn swipl_finds_everything_syft_finds() {
    let counts = compare_with_syft("swipl", &["swipl-pack-cataloger"], &[], SwiplCataloger);
    if let Some(c) = counts.get("swipl/pack") {
        assert_eq!(*c, (1, 1, 1));
    }
}

#[test]
fn swipl_pack_fields() {
    let Some(sbom) = fixture("swipl/pack", SwiplCataloger) else {
        return;
    };
    let hdt = named(&sbom, "hdt", "0.5.2");
    assert_eq!(hdt.purl.to_string(), "pkg:swiplpack/hdt@0.5.2");
    assert_eq!(
        hdt.download_location.as_deref(),
        Some("https://github.com/JanWielemaker/hdt/archive/V0.5.2.zip")
    );
    assert_eq!(
        hdt.supplier,
        Some(assay_sbom::model::Party::Person {
            name: "Jan Wielemaker".into(),
            email: Some("J.Wielemaker@vu.nl".into())
        })
    );
    let tree = MemTree::default()
        .file(
            "a/pack.pl",
            "name(a).\nversion('1').\nrequires(b).\n% requires(c).\n",
        )
        .file("b/pack.pl", "name(b).\nversion(\"2\").\n")
        .file("c/pack.pl", "version('3').\n");
    let sbom = scan(&tree, SwiplCataloger);
    assert_eq!(edges(&sbom), [edge("a@1", "b@2")].into());
    assert!(warned_about(&sbom, "/c/pack.pl"));
}
